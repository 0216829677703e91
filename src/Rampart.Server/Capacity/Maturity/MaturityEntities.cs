using Rampart.Server.Access;
using Rampart.Standards.Sim3;

namespace Rampart.Server.Capacity.Maturity;

/// <summary>A version of the maturity model (SIM3 v1, SIM3 v2 interim, …). Never changed once an assessment or profile uses it.</summary>
public sealed class MaturityModelVersion
{
    /// <summary>Stable key, e.g. <c>sim3-v2-interim</c>.</summary>
    public required string Key { get; set; }

    public required string Title { get; set; }

    /// <summary>Where the parameter list comes from, and what of it is unverified.</summary>
    public required string Source { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One parameter of a model version, with its English name; translations are <see cref="MaturityParameterText"/> rows.</summary>
public sealed class MaturityParameter
{
    public required string ModelKey { get; set; }

    /// <summary>The SIM3 id ("O-1").</summary>
    public required string ParameterId { get; set; }

    public Sim3Category Category { get; set; }

    /// <summary>Order within the model (SIM3 order).</summary>
    public int Position { get; set; }

    public required string Name { get; set; }

    /// <summary>False where the source marks the name as a label to verify.</summary>
    public bool NameVerified { get; set; }

    /// <summary>Null when the source gives none: descriptions are never invented.</summary>
    public string? Description { get; set; }
}

/// <summary>A parameter's name (and description) in one UI language.</summary>
public sealed class MaturityParameterText
{
    public required string ModelKey { get; set; }

    public required string ParameterId { get; set; }

    /// <summary>A UI culture name ("sq", "sr-Latn-ME").</summary>
    public required string Culture { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }
}

/// <summary>Who ran an assessment.</summary>
public enum AssessmentType
{
    SelfAssessment = 1,
    PeerReview = 2,
    ExternalAudit = 3,
}

public enum AssessmentStatus
{
    /// <summary>Being filled in; saved as it goes.</summary>
    Draft = 1,

    /// <summary>Frozen: never changed again; reopening makes a new version.</summary>
    Finished = 2,
}

/// <summary>
/// A maturity assessment of one organisation (the owner of its record) against one model version: a shareable
/// record, own organisation only unless shared. Each reopening of a finished assessment is a new record (a new
/// version in the same series); a finished one is frozen.
/// </summary>
public sealed class MaturityAssessment : IShareable
{
    public static RecordType Type => RecordType.MaturityAssessment;

    public long RecordId { get; set; }

    public SharedRecord Record { get; set; } = null!;

    public Guid Id { get; set; }

    /// <summary>The versions of one assessment share a series; <see cref="Version"/> counts from 1.</summary>
    public Guid SeriesId { get; set; }

    public int Version { get; set; }

    /// <summary>The assessed organisation (the record's owner, which never changes for an assessment).</summary>
    public Guid OrganisationId { get; set; }

    public required string ModelKey { get; set; }

    public AssessmentType AssessmentType { get; set; }

    public DateOnly Date { get; set; }

    /// <summary>Names of the assessors, free text.</summary>
    public string Assessors { get; set; } = "";

    public AssessmentStatus Status { get; set; }

    /// <summary>Peer review: the invited organisation, whose writers enter the levels.</summary>
    public Guid? ReviewerOrganisationId { get; set; }

    public Guid CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ModifiedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public List<MaturityRating> Ratings { get; set; } = [];
}

/// <summary>One parameter's level, comment and evidence links in one assessment.</summary>
public sealed class MaturityRating
{
    public long AssessmentRecordId { get; set; }

    public required string ParameterId { get; set; }

    /// <summary>0–4, or null while not yet rated.</summary>
    public int? Level { get; set; }

    public string? Comment { get; set; }

    /// <summary>Evidence links, one per line.</summary>
    public string? Evidence { get; set; }

    /// <summary>Evidence files (the incidents' attachment store, ADR 13); frozen with the assessment, carried into a reopened version.</summary>
    public List<MaturityEvidenceFile> Files { get; set; } = [];
}

/// <summary>
/// A file given as evidence for one parameter of one assessment version: a link to a row of the attachment store
/// (<see cref="Incidents.Attachments.Attachment"/>, bytes in the database, ADR 13). A reopened version links the same rows, so
/// the bytes are stored once; a file is deleted when its last link goes. No read rule of its own: reached only through
/// <see cref="MaturityQueries"/> after the assessment was admitted by the access decision.
/// </summary>
public sealed class MaturityEvidenceFile
{
    public long AssessmentRecordId { get; set; }

    public required string ParameterId { get; set; }

    public Guid AttachmentId { get; set; }

    public Incidents.Attachments.Attachment Attachment { get; set; } = null!;
}

/// <summary>
/// A target profile: a minimum level per parameter ("network baseline 2027"). Network-wide (made by node admins,
/// shared with the whole network) or one organisation's own. Editing makes a new version; old versions stay readable.
/// </summary>
public sealed class MaturityProfile : IShareable
{
    public static RecordType Type => RecordType.MaturityProfile;

    public long RecordId { get; set; }

    public SharedRecord Record { get; set; } = null!;

    public Guid Id { get; set; }

    public Guid SeriesId { get; set; }

    public int Version { get; set; }

    public required string Name { get; set; }

    /// <summary>The name as the picker matches it (<see cref="SearchKeys.Of"/>), set with the name (a version is never changed).</summary>
    public string NameKey { get; set; } = "";

    public required string ModelKey { get; set; }

    /// <summary>Network-wide (readable by every logged-in member) rather than one organisation's own.</summary>
    public bool Network { get; set; }

    public Guid CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<MaturityProfileLevel> Levels { get; set; } = [];
}

public sealed class MaturityProfileLevel
{
    public long ProfileRecordId { get; set; }

    public required string ParameterId { get; set; }

    public int MinLevel { get; set; }
}

/// <summary>An organisation that lets its latest finished assessments count in the regional comparison (only in figures of at least 5 organisations).</summary>
public sealed class MaturityComparisonOptIn
{
    public Guid OrganisationId { get; set; }

    public DateTimeOffset OptedInAt { get; set; }

    public Guid OptedInByUserId { get; set; }
}
