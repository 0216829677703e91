using Microsoft.EntityFrameworkCore;

namespace Rampart.Server.Data;

/// <summary>
/// Per-organisation write serialisation inside a transaction, shared by every app server: on PostgreSQL a transaction-scoped
/// advisory lock keyed by the organisation and a per-use salt; on SQLite nothing is needed (Microsoft.Data.Sqlite begins
/// transactions IMMEDIATE, one writer at a time).
/// </summary>
public static class AdvisoryLocks
{
    /// <summary>The lock key: the organisation id's first 8 bytes XOR <paramref name="salt"/> (one salt per kind of write).</summary>
    public static long Key(Guid organisationId, long salt)
    {
        Span<byte> bytes = stackalloc byte[16];
        organisationId.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes) ^ salt;
    }

    /// <summary>Takes the lock for the current transaction (PostgreSQL only); released at commit or rollback.</summary>
    public static async Task ForOrganisationAsync(RampartDb db, Guid organisationId, long salt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [Key(organisationId, salt)], cancellationToken);
        }
    }
}
