using Rampart.Server.Access;

namespace Rampart.Server.Intelligence.Store;

/// <summary>
/// One STIX 2.1 object held by one organisation: the current version's summary, the tombstone of a
/// withdrawal, and when it reached this node. Two organisations may hold the same STIX id (SCO ids are
/// deterministic), so the key is the record; (owner, STIX id) is unique. Written only by <c>IntelStore</c>.
/// </summary>
public sealed class IntelObject : IShareable
{
    public static RecordType Type => RecordType.StixObject;

    /// <summary>Primary key, and the foreign key to the object's <see cref="SharedRecord"/> envelope.</summary>
    public long RecordId { get; set; }

    public SharedRecord Record { get; set; } = null!;

    /// <summary>The envelope's owner, repeated so (owner, STIX id) can be unique.</summary>
    public Guid OwnerOrganisationId { get; set; }

    public required string StixId { get; set; }

    public required string StixType { get; set; }

    /// <summary>STIX <c>created</c> (the Unix epoch for cyber observables, which have none).</summary>
    public DateTimeOffset Created { get; set; }

    /// <summary>STIX <c>modified</c> of the current (latest) version (the Unix epoch for cyber observables).</summary>
    public DateTimeOffset Modified { get; set; }

    /// <summary>Relationships: STIX <c>source_ref</c> of the current version (null for other objects).</summary>
    public string? SourceRef { get; set; }

    /// <summary>Relationships: STIX <c>target_ref</c> of the current version (null for other objects).</summary>
    public string? TargetRef { get; set; }

    /// <summary>What a list shows: the name, the observable's value or the pattern, cut to <see cref="IntelLimits.NameLength"/>.</summary>
    public required string Name { get; set; }

    /// <summary>STIX <c>revoked</c> of the current version.</summary>
    public bool Revoked { get; set; }

    /// <summary>Set when the owner withdrew the object: its content is gone, this row stays as the tombstone.</summary>
    public DateTimeOffset? WithdrawnAt { get; set; }

    public string? WithdrawnReason { get; set; }

    /// <summary>When the first version reached this node.</summary>
    public DateTimeOffset AddedAt { get; set; }

    /// <summary>When the latest version reached this node.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// <see cref="Created"/> as readers see it: a cyber observable has no STIX <c>created</c> (the stored Unix epoch is only
    /// its version key), so it shows when its value reached this node. Not mapped.
    /// </summary>
    public DateTimeOffset ShownCreated => Created > DateTimeOffset.UnixEpoch ? Created : AddedAt;

    /// <summary><see cref="Modified"/> as readers see it: for a cyber observable, when its latest version reached this node. Not mapped.</summary>
    public DateTimeOffset ShownModified => Modified > DateTimeOffset.UnixEpoch ? Modified : UpdatedAt;

    /// <summary>A value of the object is on a warning list (which ones: <see cref="IntelWarningHit"/>).</summary>
    public bool WarningListed { get; set; }

    /// <summary>How many sightings of this object were reported (all of them, whoever may read each).</summary>
    public int SightingCount { get; set; }

    /// <summary>The latest <c>last_seen</c> of its sightings; the decay starts again from it.</summary>
    public DateTimeOffset? LastSightedAt { get; set; }

    /// <summary>Indicators: the base score (STIX <c>confidence</c>, else 100) the decay starts from; null for other objects.</summary>
    public double? Score { get; set; }

    /// <summary>Indicators: the kind whose decaying model applies (null: the default model).</summary>
    public Rampart.Standards.Observables.IndicatorKind? DecayKind { get; set; }

    /// <summary>Indicators: since when the score decays (last sighting, else <c>valid_from</c>).</summary>
    public DateTimeOffset? DecaySince { get; set; }

    /// <summary>Indicators: the first instant the score is below the model's threshold (null: never, or not an indicator).</summary>
    public DateTimeOffset? DecaysAt { get; set; }
}

/// <summary>
/// One version (id + <c>modified</c>) of an object with the JSON as stored and the time it reached this
/// node (TAXII's <c>date_added</c>). A withdrawal removes <see cref="Json"/> of every version; deleting single versions
/// (TAXII DELETE with <c>match[version]</c>, ADR 18) removes theirs while the object lives on: a version without JSON on a
/// live object is a deleted version — served nowhere and never stored again.
/// </summary>
public sealed class IntelObjectVersion
{
    public long RecordId { get; set; }

    public DateTimeOffset Modified { get; set; }

    public DateTimeOffset DateAdded { get; set; }

    /// <summary>The object as stored (TLP marking and <c>created_by_ref</c> of the record); null once withdrawn or the version deleted.</summary>
    public string? Json { get; set; }

    public IntelObject? IntelObject { get; set; }
}

/// <summary>A STIX label of an object's current version: an equality lookup on (label, record).</summary>
public sealed class IntelLabel
{
    public required string Label { get; set; }

    public long RecordId { get; set; }

    public IntelObject? IntelObject { get; set; }
}

/// <summary>Which warning list one of an object's values is on (one row per list).</summary>
public sealed class IntelWarningHit
{
    public long RecordId { get; set; }

    public required string ListName { get; set; }

    /// <summary>The object's value that matched.</summary>
    public required string Value { get; set; }

    /// <summary>The list entry it matched.</summary>
    public required string Entry { get; set; }

    public IntelObject? IntelObject { get; set; }
}

/// <summary>Bounds of the intelligence store's columns.</summary>
public static class IntelLimits
{
    public const int StixIdLength = 300;

    public const int StixTypeLength = 250;

    public const int NameLength = 512;

    public const int ReasonLength = 2000;

    public const int LabelLength = 256;

    public const int ListNameLength = 256;

    /// <summary>Longest observable value kept in the index (a btree entry must stay well under PostgreSQL's limit).</summary>
    public const int ObservableValueLength = 1024;

    public const int ReversedDomainLength = 256;
}
