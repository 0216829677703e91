using Rampart.Server.Access;
using Rampart.Standards.Markings;

namespace Rampart.Server.Incidents;

/// <summary>
/// A cross-border incident: a shareable record (TLP + audience through <see cref="AccessPolicy"/>), numbered per
/// node (INC-2026-0001). Participating organisations read it through organisation grants written when they accept
/// an invitation; their role decides what they may do (<see cref="IncidentStanding"/>).
/// </summary>
public sealed class Incident : IShareable
{
    public static RecordType Type => RecordType.Incident;

    /// <summary>Primary key, and the foreign key to the incident's <see cref="SharedRecord"/> envelope.</summary>
    public long RecordId { get; set; }

    public SharedRecord Record { get; set; } = null!;

    /// <summary>The public id (UUIDv7) in URLs and the API.</summary>
    public Guid Id { get; set; }

    /// <summary>The year of the human number (UTC year of creation).</summary>
    public int Year { get; set; }

    /// <summary>The number within <see cref="Year"/> on this node, from <see cref="IncidentSequence"/>.</summary>
    public int Number { get; set; }

    public string HumanId => IncidentNumbers.Format(Year, Number);

    public required string Title { get; set; }

    /// <summary>Markdown, rendered without raw HTML or unsafe links (<see cref="Notes.NoteMarkdown"/>).</summary>
    public required string Summary { get; set; }

    /// <summary>Who was hit, as free text (no registry of entities exists on the node yet).</summary>
    public string? AffectedEntity { get; set; }

    /// <summary>What kind of entity was hit, for the NIS2 clocks (a trust service provider has 24 h for the notification).</summary>
    public AffectedEntityKind EntityKind { get; set; }

    /// <summary>A NIS2 Annex I/II sector (<see cref="IncidentTaxonomy.Sectors"/>) or "other".</summary>
    public required string Sector { get; set; }

    public IncidentSeverity Severity { get; set; }

    public IncidentStatus Status { get; set; }

    public Pap Pap { get; set; }

    /// <summary>When the reporting entity became aware (the NIS2 and GDPR clocks start here). UTC.</summary>
    public DateTimeOffset AwareAt { get; set; }

    public DateTimeOffset? DetectedAt { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    /// <summary>A significant incident in the sense of NIS2 Art. 23(3): its reporting stages apply.</summary>
    public bool Significant { get; set; }

    public Guid CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ModifiedAt { get; set; }

    /// <summary>Optimistic concurrency: two status changes at once cannot both pass the transition check.</summary>
    public int Version { get; set; }

    /// <summary>For a <see cref="IncidentStatus.Duplicate"/>: the incident it duplicates (merged into, or marked as duplicate of).</summary>
    public long? DuplicateOfRecordId { get; set; }

    public List<IncidentCountry> Countries { get; set; } = [];

    public List<IncidentClassification> Classifications { get; set; } = [];

    /// <summary>DISARM techniques (hybrid cases: disinformation and influence operations), ids from the DISARM galaxy.</summary>
    public List<IncidentTechnique> Techniques { get; set; } = [];
}

/// <summary>One DISARM technique tag of an incident (<see cref="Disarm.DisarmTechniques"/>); a row so the filter is an index range.</summary>
public sealed class IncidentTechnique
{
    public long IncidentRecordId { get; set; }

    /// <summary>The DISARM id as the galaxy writes it (<c>T0023.001</c>).</summary>
    public required string TechniqueId { get; set; }
}

/// <summary>One affected country of an incident (ISO 3166-1 alpha-2, Kosovo XK); a row so the country filter is an index range.</summary>
public sealed class IncidentCountry
{
    public long IncidentRecordId { get; set; }

    public required string Country { get; set; }
}

/// <summary>One RSIT category/type pair of an incident (<see cref="IncidentTaxonomy.Rsit"/>).</summary>
public sealed class IncidentClassification
{
    public long IncidentRecordId { get; set; }

    public required string Category { get; set; }

    public required string Kind { get; set; }
}

/// <summary>The last incident number given out in one year on this node (one row per year).</summary>
public sealed class IncidentSequence
{
    public int Year { get; set; }

    public int Last { get; set; }
}

/// <summary>An organisation invited to an incident, and its answer.</summary>
public sealed class IncidentParticipant
{
    public Guid Id { get; set; }

    public long IncidentRecordId { get; set; }

    public Incident Incident { get; set; } = null!;

    public Guid OrganisationId { get; set; }

    public ParticipantRole Role { get; set; }

    public InvitationStatus Status { get; set; }

    /// <summary>What the inviter wrote to the invited organisation (shown with the invitation, before it can read the incident).</summary>
    public string? Message { get; set; }

    public Guid InvitedByUserId { get; set; }

    public Guid InvitedByOrganisationId { get; set; }

    public DateTimeOffset InvitedAt { get; set; }

    public Guid? AnsweredByUserId { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }
}

/// <summary>One line of an incident's timeline: an entry written by a participant, a status change or a system event.</summary>
public sealed class IncidentJournalEntry
{
    /// <summary>Database-assigned; increases with time, so it is the timeline's keyset order.</summary>
    public long Id { get; set; }

    public Guid PublicId { get; set; }

    public long IncidentRecordId { get; set; }

    public Incident? Incident { get; set; }

    public JournalEntryKind Kind { get; set; }

    /// <summary>Markdown for entries; a short machine text for system events (shown translated by the pages).</summary>
    public required string Body { get; set; }

    /// <summary>Seen only by the owning organisation.</summary>
    public bool OwnerOnly { get; set; }

    public Guid? AuthorUserId { get; set; }

    public Guid AuthorOrganisationId { get; set; }

    public IncidentStatus? FromStatus { get; set; }

    public IncidentStatus? ToStatus { get; set; }

    /// <summary>For system events: what happened (<see cref="IncidentEvents"/>), shown translated by the pages.</summary>
    public string? Event { get; set; }

    /// <summary>For system events: the organisation it concerns (the invited one, the task's assignee).</summary>
    public Guid? SubjectOrganisationId { get; set; }

    /// <summary>For task events: the task's public id.</summary>
    public Guid? TaskId { get; set; }

    /// <summary>
    /// For events about a request for assistance: the requesting organisation. Such events are seen only by who sees the
    /// request — the requester, the asked organisation (<see cref="SubjectOrganisationId"/>), the owner and coordinators (review R3).
    /// </summary>
    public Guid? RequesterOrganisationId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The system events of the journal (stable codes; the pages translate them).</summary>
public static class IncidentEvents
{
    public const string Opened = "opened";
    public const string Changed = "changed";
    public const string Invited = "participant-invited";
    public const string Accepted = "invitation-accepted";
    public const string Declined = "invitation-declined";
    public const string TaskCreated = "task-created";
    public const string TaskStatus = "task-status";
    public const string ClosedWithOpenTasks = "closed-with-open-tasks";
    public const string ParticipantRemoved = "participant-removed";
    public const string ParticipantLeft = "participant-left";

    /// <summary>The organisation took part through a peer node this node's operators removed: its participation ended (ADR 17).</summary>
    public const string ParticipantNodeRemoved = "participant-node-removed";
    public const string ObservablesAdded = "observables-added";
    public const string ObservableLinked = "observable-linked";
    public const string ObservableUnlinked = "observable-unlinked";
    public const string MergedInto = "merged-into";
    public const string MergedFrom = "merged-from";
    public const string MarkedDuplicate = "marked-duplicate";
    public const string ReportSplitOut = "report-split-out";
    public const string SplitFrom = "split-from";
    public const string SharingChanged = "sharing-changed";
}

/// <summary>A task of an incident, assigned to a participating organisation or one of its people.</summary>
public sealed class IncidentTask
{
    public long Id { get; set; }

    public Guid PublicId { get; set; }

    public long IncidentRecordId { get; set; }

    public Incident? Incident { get; set; }

    public required string Title { get; set; }

    public required string Description { get; set; }

    public Guid? AssignedOrganisationId { get; set; }

    public Guid? AssignedUserId { get; set; }

    public DateTimeOffset? DueAt { get; set; }

    public IncidentTaskStatus Status { get; set; }

    /// <summary>Seen only by the owning organisation.</summary>
    public bool OwnerOnly { get; set; }

    public Guid CreatedByUserId { get; set; }

    public Guid CreatedByOrganisationId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ModifiedAt { get; set; }

    public int Version { get; set; }

    /// <summary>A task the node opened for a duty (<see cref="IncidentTaskDuties"/>), shown with a translated title; null for tasks people wrote.</summary>
    public string? Duty { get; set; }

    public List<IncidentTaskLog> Log { get; set; } = [];
}

/// <summary>The duties the node opens tasks for (stable codes; the pages translate the title as <c>TaskDuty.{code}</c>).</summary>
public static class IncidentTaskDuties
{
    /// <summary>NIS2 Art. 23(5): the receiving CSIRT's initial feedback to the reporting entity, 24 h after the early warning.</summary>
    public const string CsirtFeedback = "csirt-feedback";
}

/// <summary>One line of a task's work log.</summary>
public sealed class IncidentTaskLog
{
    public long Id { get; set; }

    public long TaskId { get; set; }

    public required string Text { get; set; }

    public IncidentTaskStatus? ToStatus { get; set; }

    public Guid UserId { get; set; }

    public Guid OrganisationId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Severity (docs/incidents.md): the impact on the affected entity and on others, not the urgency of a single task.</summary>
public enum IncidentSeverity
{
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

public enum IncidentStatus
{
    New = 0,
    Triage = 1,
    InProgress = 2,
    Contained = 3,
    Resolved = 4,
    Closed = 5,
    Rejected = 6,
    Duplicate = 7,
}

/// <summary>What kind of entity was hit, as NIS2 distinguishes them (the deadline computation reads it).</summary>
public enum AffectedEntityKind
{
    Unspecified = 0,
    Essential = 1,
    Important = 2,
    TrustServiceProvider = 3,
    NotInScope = 4,
}

public enum ParticipantRole
{
    Observer = 0,
    Contributor = 1,
    Coordinator = 2,
}

public enum InvitationStatus
{
    Invited = 0,
    Accepted = 1,
    Declined = 2,
    /// <summary>Removed by the owner: the organisation's grant is gone.</summary>
    Removed = 3,
    /// <summary>The organisation left: its grant is gone.</summary>
    Left = 4,
}

public enum JournalEntryKind
{
    Entry = 0,
    StatusChange = 1,
    System = 2,
}

public enum IncidentTaskStatus
{
    Open = 0,
    InProgress = 1,
    Done = 2,
    Cancelled = 3,
}
