using Rampart.Standards.Markings;

namespace Rampart.Server.Intelligence.Store;

/// <summary>What happened to an object. Stored as a number: never renumber, only add.</summary>
public enum IntelChangeKind : short
{
    Added = 1,
    Updated = 2,
    Revoked = 3,
    Withdrawn = 4,
    Sighted = 5,

    /// <summary>
    /// The owner deleted some versions (TAXII DELETE with <c>match[version]</c>, or a peer's version removal); the object
    /// stays with the others, the newest remaining one current. Deleting every version is <see cref="Withdrawn"/>.
    /// </summary>
    VersionsDeleted = 6,
}

/// <summary>How a change reached the store (the object's history shows it). Stored as a number: never renumber, only add.</summary>
public enum IntelChangeVia
{
    /// <summary>An import by a user or API key: a STIX bundle, MISP event, CSV or confirmed text (the job's format says which).</summary>
    Import = 1,

    /// <summary>Pushed to this node's TAXII server.</summary>
    Taxii = 2,

    /// <summary>Pulled by one of the organisation's TAXII client connections.</summary>
    TaxiiPull = 3,

    /// <summary>Pulled by one of the organisation's feeds.</summary>
    Feed = 4,

    /// <summary>Received from a federation peer node (<see cref="IntelChange.PeerId"/>).</summary>
    Federation = 5,

    /// <summary>Written with an incident's observables.</summary>
    Incident = 6,

    /// <summary>The MISP galaxies loaded as reference objects.</summary>
    Galaxy = 7,

    /// <summary>The owner's revoke or withdrawal (page or API).</summary>
    Owner = 8,
}

/// <summary>
/// The change outbox: one append-only row per change of an object, written in the same transaction as the
/// change. Readers (stream, webhooks, feeds) follow <see cref="Sequence"/> and apply the access decision to
/// <see cref="RecordId"/> themselves. It is also the object's history (<c>GET /api/intel/objects/{id}/history</c>):
/// the nullable details say how the change came and what it did to the record's TLP and audience.
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

    /// <summary>The import job that wrote the change (shown to the owner organisation only: job results are its own); null otherwise.</summary>
    public Guid? JobId { get; set; }

    /// <summary>How the change came; null for rows written before the history existed and for sightings.</summary>
    public IntelChangeVia? Via { get; set; }

    /// <summary>The federation peer node the change came from (<see cref="IntelChangeVia.Federation"/>).</summary>
    public Guid? PeerId { get; set; }

    /// <summary>When the change raised the record's TLP (stricter wins): the TLP before; null when the TLP stayed.</summary>
    public Tlp? TlpBefore { get; set; }

    /// <summary>When the change raised the record's TLP: the TLP after; null when the TLP stayed.</summary>
    public Tlp? TlpAfter { get; set; }

    /// <summary>The change replaced the record's audience (federation: the grants follow the sender's audience).</summary>
    public bool AudienceChanged { get; set; }
}
