using Rampart.Standards.Markings;

namespace Rampart.Server.Intelligence.Store;

public enum IntelImportFormat : short
{
    StixBundle = 1,
    MispEvent = 2,
    Csv = 3,
    FreeText = 4,
    Galaxy = 5,
    Retraction = 6,

    /// <summary>An analyst's link of an object to another (<c>POST …/relationships</c> or the object page): one STIX relationship.</summary>
    Link = 7,
}

public enum IntelImportStatus : short
{
    Running = 1,
    Completed = 2,
    Failed = 3,

    /// <summary>The node stopped while the job ran: every batch before the last committed one is stored, nothing of the rest.</summary>
    Interrupted = 4,

    /// <summary>Read to the end, but some objects were rejected (counted in <see cref="IntelImportJob.Rejected"/>, each with its reason).</summary>
    CompletedWithRejections = 5,
}

public enum IntelOutcomeKind : short
{
    Added = 1,
    Updated = 2,
    Unchanged = 3,
    Rejected = 4,

    /// <summary>An older version than the current one: kept as a version, the current one stays.</summary>
    OlderVersion = 5,
}

/// <summary>
/// One import (a bundle, a MISP event, a CSV, a confirmed free-text selection): who, what, how far, the counts.
/// Readable only by users of <see cref="OrganisationId"/>.
/// </summary>
public sealed class IntelImportJob
{
    /// <summary>UUIDv7: also the list order.</summary>
    public Guid Id { get; set; }

    public Guid OrganisationId { get; set; }

    public Guid UserId { get; set; }

    public IntelImportFormat Format { get; set; }

    /// <summary>How the import came (TAXII, feed, federation …); null for jobs from before the object history.</summary>
    public IntelChangeVia? Via { get; set; }

    /// <summary>The federation peer node that sent the objects (<see cref="IntelChangeVia.Federation"/>).</summary>
    public Guid? PeerId { get; set; }

    public IntelImportStatus Status { get; set; }

    public Tlp Tlp { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Objects read so far (every outcome, rejected included).</summary>
    public int Processed { get; set; }

    public int Added { get; set; }

    public int Updated { get; set; }

    public int Unchanged { get; set; }

    public int Rejected { get; set; }

    /// <summary>Batches committed (each one transaction).</summary>
    public int Batches { get; set; }

    /// <summary>
    /// While running: until when the server running it holds it (renewed by that server's heartbeat and each batch).
    /// A running job whose lease expired is interrupted; a live server's job never is.
    /// </summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>Why the job failed as a whole (malformed input after some batches, interruption).</summary>
    public string? Error { get; set; }
}

/// <summary>The outcome of one object of an import, in input order.</summary>
public sealed class IntelImportOutcome
{
    public Guid JobId { get; set; }

    /// <summary>Position of the object in the input (0-based).</summary>
    public int Ordinal { get; set; }

    public string? StixId { get; set; }

    public IntelOutcomeKind Outcome { get; set; }

    /// <summary>Why it was rejected, or what was noted: marking raised, version conflict, warning-list hits.</summary>
    public string? Detail { get; set; }
}
