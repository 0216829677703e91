using Rampart.Server.Data;
using Rampart.Server.Intelligence.Store;

namespace Rampart.Server.Intelligence.Live;

/// <summary>
/// How the store writes the change outbox: one <see cref="IntelChange"/> row per change of an object, added to
/// the store's unit of work so it commits (or not) with the change itself. Everything that tells others about
/// changes — the stream, webhooks — reads these rows and nothing else.
/// </summary>
public static class IntelChangeLog
{
    public static void Append(RampartDb db, long recordId, IntelChangeKind kind, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.IntelChanges.Add(new IntelChange { RecordId = recordId, Kind = kind, At = at });
    }
}
