using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Rampart.Server.Incidents.Requests;
using Rampart.Standards.Incidents;

namespace Rampart.Server.Incidents.Peers;

/// <summary>
/// The incident view an owner's node sends a participant's node (ADR 17): what the participating organisation may read
/// of the incident there — computed by the owner node's own queries as that organisation — and nothing else. Names, not
/// ids, for organisations (the receiving node knows only some of them). No owner-only entry or task is ever in it.
/// </summary>
public sealed record PeerIncidentView(
    string Number,
    string Tlp,
    ParticipantRole Role,
    string InvitedBy,
    string? Message,
    DateTimeOffset InvitedAt,
    PeerIncidentContent? Incident);

/// <summary>The incident itself, once the organisation accepted (and may read it).</summary>
public sealed record PeerIncidentContent(
    string Title,
    string Summary,
    string Owner,
    string? AffectedEntity,
    string Sector,
    IncidentSeverity Severity,
    IncidentStatus Status,
    string Pap,
    DateTimeOffset AwareAt,
    DateTimeOffset? DetectedAt,
    DateTimeOffset? StartedAt,
    bool Significant,
    IReadOnlyList<string> Countries,
    IReadOnlyList<PeerClassification> Classifications,
    IReadOnlyList<string> Techniques,
    IReadOnlyList<PeerTask> Tasks,
    IReadOnlyList<PeerParticipant> Participants,
    DateTimeOffset CreatedAt,
    DateTimeOffset ModifiedAt,
    string? OwnerRef = null,
    IReadOnlyList<PeerAssistance>? Requests = null,
    IReadOnlyList<PeerStage>? Stages = null,
    int RequestsLeftOut = 0);

/// <summary>
/// A reporting clock of the incident (NIS2 stages; the personal-data-breach clock) as the owner's node computes it: the
/// participant's node shows its state at its own "now" from <paramref name="Due"/> and <paramref name="SubmittedAt"/>, so
/// "due soon" and "overdue" follow the time between two views.
/// </summary>
/// <param name="WaitingFor">The event a waiting clock waits for (kebab-case), or null when it runs.</param>
public sealed record PeerStage(ReportingStage Stage, int Sequence, DateTimeOffset? Due, string? WaitingFor, DateTimeOffset? SubmittedAt, string LegalBasis)
{
    /// <summary>The state at <paramref name="now"/>, by the same rule as on the owner's node.</summary>
    public DeadlineState StateAt(DateTimeOffset now) =>
        Due is { } due ? ReportingClocks.StateAt(due, SubmittedAt, now, ClockOptions.Default.DueSoonWindow) : DeadlineState.Waiting;

    /// <summary>Whether a report of it may be submitted now (not yet submitted; running, or waiting only for handling to end).</summary>
    public bool Submittable => SubmittedAt is null && (Due is not null || WaitingFor == "handling-ended");
}

public sealed record PeerClassification(string Category, string Type);

/// <summary>A task as the organisation sees it; <paramref name="ForYou"/>: assigned to that organisation (contributors work only on those).</summary>
public sealed record PeerTask(Guid Id, string Title, string Description, string? AssignedTo, DateTimeOffset? DueAt, IncidentTaskStatus Status, string? Duty, DateTimeOffset CreatedAt,
    bool ForYou = false);

/// <param name="Ref">The organisation's reference on the owner's node (its STIX identity there): what a participant's node names when it
/// assigns a task or asks for assistance (it knows the organisations by name only).</param>
/// <param name="You">The organisation the view is for (it does not ask itself for assistance).</param>
public sealed record PeerParticipant(string Organisation, string ShortName, string Country, ParticipantRole Role, InvitationStatus Status, string? Ref = null, bool You = false);

/// <summary>
/// A request for assistance of the incident as the organisation sees it on the owner's node: the requests it sent (with every
/// asked organisation's copy) and those asked of it (its own copy only), or every request when it coordinates.
/// </summary>
/// <param name="FromYou">Sent by the organisation the view is for (it may withdraw it while open).</param>
/// <param name="YourState">Its own copy's state when it is asked (it acknowledges, accepts, declines or answers).</param>
/// <param name="Involved">Sent by or asked of the organisation (kept first when the view must be cut).</param>
/// <param name="Shortened">Sent without its details, reasons and answers (the view was too large): read them on the owner's node.</param>
public sealed record PeerAssistance(Guid Id, AssistanceKind Kind, string Title, string Details, DateTimeOffset? DueAt, string Requester, DateTimeOffset CreatedAt,
    IReadOnlyList<PeerAssistanceRecipient> Recipients, bool FromYou = false, AssistanceState? YourState = null, bool Involved = false, bool Shortened = false);

public sealed record PeerAssistanceRecipient(string Organisation, AssistanceState State, string? Reason, string? Answer, DateTimeOffset ModifiedAt);

/// <summary>One journal entry as the participating organisation sees it on the owner's node.</summary>
public sealed record PeerJournalEntry(
    Guid Id,
    long Position,
    JournalEntryKind Kind,
    string Body,
    string Author,
    IncidentStatus? FromStatus,
    IncidentStatus? ToStatus,
    string? Event,
    string? Subject,
    DateTimeOffset CreatedAt,
    IReadOnlyList<PeerAttachment>? Attachments = null);

/// <summary>
/// A file of a journal entry, as the owner's node lists it: never its bytes. The participant's node fetches them from the owner's
/// node when one of its people downloads it (<see cref="PeerIncidentWire.AttachmentsPath"/>), and serves them only when they
/// have exactly this size and SHA-256.
/// </summary>
public sealed record PeerAttachment(Guid Id, string FileName, string ContentType, long Size, string Sha256, bool Sample);

/// <summary>Wire names and JSON of the incident federation paths (ADR 17).</summary>
public static class PeerIncidentWire
{
    /// <summary>A string member of a received JSON object, or null when missing or not a string (never throws on what a peer sends).</summary>
    public static string? Text(JsonObject? o, string name) => o?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Owner's node → participant's node: incident views.</summary>
    public const string IncidentsPath = "/federation/v1/incidents";

    /// <summary>Participant's node → owner's node: what its people did.</summary>
    public const string CommandsPath = "/federation/v1/incidents/commands";

    /// <summary>Participant's node → owner's node: the bytes of one journal attachment, for one organisation.</summary>
    public const string AttachmentsPath = "/federation/v1/incidents/attachments";

    /// <summary>What the request signature binds besides nodes, date and body: a view envelope cannot be replayed as commands, nor either as intelligence.</summary>
    public const string IncidentsPurpose = "rampart-federation-incidents-v1";

    public const string CommandsPurpose = "rampart-federation-incident-commands-v1";

    public const string AttachmentsPurpose = "rampart-federation-incident-attachments-v1";

    /// <summary>
    /// The JSON of views and entries, on the wire and stored: enums by name (an unknown name is a JsonException), text
    /// unescaped beyond what JSON needs — an entry in Georgian or Cyrillic stays its own length, not six bytes a letter.
    /// </summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Largest envelope of views a node sends (the receiving path takes <c>FederationWire.MaxBodyBytes</c>).</summary>
    public const int EnvelopeBudget = 24 * 1024 * 1024;

    /// <summary>Largest view of one incident (without its journal); above it tasks are sent without their descriptions.</summary>
    public const int ViewBudget = 8 * 1024 * 1024;

    /// <summary>Journal bytes in one item (at least one entry goes); the rest follow in the next runs.</summary>
    public const int JournalBudget = 4 * 1024 * 1024;

    /// <summary>Why a view a peer sent cannot be stored, or null: every field present, in range, every name known.</summary>
    public static string? Check(PeerIncidentView view)
    {
        ArgumentNullException.ThrowIfNull(view);
        if (view.Number is not { Length: > 0 and <= 40 } || view.Tlp is null || view.InvitedBy is null || !Enum.IsDefined(view.Role)
            || view.Message is { Length: > IncidentLimits.MessageLength })
        {
            return "view: number, tlp, role and invitedBy are required (number at most 40 characters).";
        }

        if (view.Incident is not { } i)
        {
            return null;
        }

        if (i.Title is not { Length: <= IncidentLimits.TitleLength } || i.Summary is not { Length: <= IncidentLimits.SummaryLength } || i.Owner is null || i.Sector is null
            || i.Pap is null || !Enum.IsDefined(i.Severity) || !Enum.IsDefined(i.Status) || i.Countries is null || i.Classifications is null || i.Techniques is null
            || i.Tasks is null || i.Participants is null || i.Tasks.Count > PeerIncidentLimits.TasksPerView || i.Participants.Count > PeerIncidentLimits.TasksPerView
            || i.Countries.Any(c => c is null) || i.Techniques.Any(t => t is null) || i.Classifications.Any(c => c?.Category is null || c.Type is null)
            || i.Tasks.Any(t => t?.Title is null || t.Description is null || !Enum.IsDefined(t.Status))
            || i.Participants.Any(p => p?.Organisation is null || p.ShortName is null || p.Country is null || !Enum.IsDefined(p.Role) || !Enum.IsDefined(p.Status)
                || p.Ref is { Length: > 100 })
            || i.OwnerRef is { Length: > 100 } || i.Requests is { Count: > PeerIncidentLimits.RequestsPerView }
            || i.Stages is { Count: > PeerIncidentLimits.StagesPerView }
            || (i.Stages?.Any(st => st is null || !Enum.IsDefined(st.Stage) || st.Sequence is < 1 or > 1000 || st.LegalBasis is not { Length: <= 200 }
                || st.WaitingFor is { Length: > 40 }) ?? false)
            || (i.Requests?.Any(r => r?.Title is not { Length: <= AssistanceLimits.TitleLength } || r.Details is not { Length: <= AssistanceLimits.DetailsLength }
                || r.Requester is not { Length: <= 300 } || !Enum.IsDefined(r.Kind) || (r.YourState is { } y && !Enum.IsDefined(y)) || r.Recipients is not { Count: <= AssistanceLimits.MaxRecipients }
                || r.Recipients.Any(c => c?.Organisation is not { Length: <= 300 } || !Enum.IsDefined(c.State) || c.Reason is { Length: > AssistanceLimits.ReasonLength }
                    || c.Answer is { Length: > AssistanceLimits.AnswerLength })) ?? false)
            || (i.Requests is { } requests && requests.Select(r => r.Id).Distinct().Count() != requests.Count) || i.RequestsLeftOut < 0)
        {
            return "view.incident: a required field is missing, too long or not a known value.";
        }

        return null;
    }

    /// <summary>Why a journal entry a peer sent cannot be stored, or null.</summary>
    public static string? Check(PeerJournalEntry entry) =>
        entry is null || entry.Body is not { Length: <= IncidentLimits.EntryLength } || entry.Author is null || !Enum.IsDefined(entry.Kind)
            || entry.Event is { Length: > 40 } || (entry.FromStatus is { } f && !Enum.IsDefined(f)) || (entry.ToStatus is { } t && !Enum.IsDefined(t))
            ? "journal: an entry lacks its body or author, is too long, or names an unknown value."
            : entry.Attachments is { } files && (files.Count > PeerIncidentLimits.AttachmentsPerEntry || files.Any(a => a is null || a.FileName is not { Length: > 0 and <= 255 }
                || a.ContentType is not { Length: <= 255 } || a.Size is < 0 or > PeerIncidentLimits.AttachmentBytesListed || a.Sha256 is not { Length: 64 } || !a.Sha256.All(char.IsAsciiHexDigitLower)))
                ? "journal: an entry's attachment lacks its name, type, size or SHA-256 (64 lower-case hex), or there are too many."
                : null;

    public static string Code(PeerIncidentState state) => state switch
    {
        PeerIncidentState.Invited => "invited",
        PeerIncidentState.Participating => "participating",
        _ => "ended",
    };

    public static PeerIncidentState? ParseState(string? text) => text switch
    {
        "invited" => PeerIncidentState.Invited,
        "participating" => PeerIncidentState.Participating,
        "ended" => PeerIncidentState.Ended,
        _ => null,
    };
}
