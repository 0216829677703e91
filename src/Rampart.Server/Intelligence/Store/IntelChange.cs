namespace Rampart.Server.Intelligence.Store;

/// <summary>What happened to an object. Stored as a number: never renumber, only add.</summary>
public enum IntelChangeKind : short
{
    Added = 1,
    Updated = 2,
    Revoked = 3,
    Withdrawn = 4,
    Sighted = 5,
}

/// <summary>
/// The change outbox: one append-only row per change of an object, written in the same transaction as the
/// change. Readers (stream, webhooks, feeds) follow <see cref="Sequence"/> and apply the access decision to
/// <see cref="RecordId"/> themselves.
/// </summary>
public sealed class IntelChange
{
    public long Sequence { get; set; }

    public long RecordId { get; set; }

    public IntelChangeKind Kind { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>
    /// For <see cref="IntelChangeKind.Sighted"/>: the record of the reported sighting, so that a subscriber who may read the
    /// sighting itself (its own sharing) receives its STIX <c>sighting</c> with the event; null for every other change.
    /// </summary>
    public long? SightingRecordId { get; set; }
}
