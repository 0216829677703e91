using System.Text.Json;
using System.Text.Json.Serialization;

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
    DateTimeOffset ModifiedAt);

public sealed record PeerClassification(string Category, string Type);

public sealed record PeerTask(Guid Id, string Title, string Description, string? AssignedTo, DateTimeOffset? DueAt, IncidentTaskStatus Status, string? Duty, DateTimeOffset CreatedAt);

public sealed record PeerParticipant(string Organisation, string ShortName, string Country, ParticipantRole Role, InvitationStatus Status);

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
    DateTimeOffset CreatedAt);

/// <summary>Wire names and JSON of the incident federation paths (ADR 17).</summary>
public static class PeerIncidentWire
{
    /// <summary>Owner's node → participant's node: incident views.</summary>
    public const string IncidentsPath = "/federation/v1/incidents";

    /// <summary>Participant's node → owner's node: what its people did.</summary>
    public const string CommandsPath = "/federation/v1/incidents/commands";

    /// <summary>What the request signature binds besides nodes, date and body: a view envelope cannot be replayed as commands, nor either as intelligence.</summary>
    public const string IncidentsPurpose = "rampart-federation-incidents-v1";

    public const string CommandsPurpose = "rampart-federation-incident-commands-v1";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

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
