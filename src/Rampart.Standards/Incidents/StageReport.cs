using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json.Nodes;
using Rampart.Standards.Stix;

namespace Rampart.Standards.Incidents;

/// <summary>The content of a stage failed validation; <see cref="Errors"/> names every field.</summary>
public sealed class StageContentException : StandardsException
{
    /// <summary>Creates the error from the validator's list.</summary>
    public StageContentException(IReadOnlyList<StageContentError> errors)
        : base(string.Join("; ", errors.Select(e => $"{e.Field} {e.Reason}")), null, "content")
    {
        Errors = errors;
    }

    /// <summary>Every problem, by field name.</summary>
    public IReadOnlyList<StageContentError> Errors { get; }
}

/// <summary>
/// A submitted stage report, frozen: validated content plus who, when, for which incident and against which due time.
/// The server stores <see cref="ToCanonicalJson"/> as the immutable version and serves <see cref="ToHtml"/> for printing.
/// </summary>
public sealed class StageReport
{
    /// <summary>Schema id written into every JSON report; a new field layout gets a new number.</summary>
    public const string SchemaId = "urn:rampart:incident-stage-report:1";

    private JsonObject content = [];

    private StageReport()
    {
    }

    /// <summary>The stage.</summary>
    public ReportingStage Stage { get; private init; }

    /// <summary>1 except for intermediate reports (the request they answer).</summary>
    public int Sequence { get; private init; } = 1;

    /// <summary>Version of this stage's report (a corrected report is a new version; earlier ones stay).</summary>
    public int Version { get; private init; } = 1;

    /// <summary>The incident's reference as the server shows it (e.g. its number).</summary>
    public string IncidentReference { get; private init; } = "";

    /// <summary>Who submitted it (display name or account reference; the server decides).</summary>
    public string SubmittedBy { get; private init; } = "";

    /// <summary>When it was submitted, UTC.</summary>
    public DateTimeOffset SubmittedAt { get; private init; }

    /// <summary>The due time it was submitted against, UTC.</summary>
    public DateTimeOffset Due { get; private init; }

    /// <summary>On time or late, from <see cref="SubmittedAt"/> and <see cref="Due"/>.</summary>
    public DeadlineState State => SubmittedAt <= Due ? DeadlineState.SubmittedOnTime : DeadlineState.SubmittedLate;

    /// <summary>The validated content, with only the stage's fields, in the catalogue's order. Each read returns a copy: the frozen report cannot be changed.</summary>
    public JsonObject Content
    {
        get => (JsonObject)content.DeepClone();
        private init => content = value;
    }

    /// <summary>Validates and freezes. Throws <see cref="StageContentException"/> naming every bad field; nothing is frozen then.</summary>
    public static StageReport Freeze(ReportingStage stage, string incidentReference, string submittedBy, DateTimeOffset submittedAt, DateTimeOffset due, JsonObject? content, int sequence = 1, int version = 1)
    {
        var errors = new List<StageContentError>();
        if (string.IsNullOrWhiteSpace(incidentReference) || incidentReference.Length > 200)
        {
            errors.Add(new StageContentError(nameof(IncidentReference), "must be 1 to 200 characters"));
        }

        if (string.IsNullOrWhiteSpace(submittedBy) || submittedBy.Length > 200)
        {
            errors.Add(new StageContentError(nameof(SubmittedBy), "must be 1 to 200 characters"));
        }

        if (sequence < 1 || version < 1)
        {
            errors.Add(new StageContentError(sequence < 1 ? nameof(Sequence) : nameof(Version), "must be at least 1"));
        }

        errors.AddRange(StageContent.Validate(stage, content, late: submittedAt > due));
        if (errors.Count > 0)
        {
            throw new StageContentException(errors);
        }

        var copy = new JsonObject();
        foreach (var field in StageContent.FieldsOf(stage))
        {
            if (content!.TryGetPropertyValue(field.Name, out var value) && value is not null)
            {
                copy[field.Name] = value.DeepClone();
            }
        }

        return new StageReport
        {
            Stage = stage,
            Sequence = sequence,
            Version = version,
            IncidentReference = incidentReference,
            SubmittedBy = submittedBy,
            SubmittedAt = submittedAt.ToUniversalTime(),
            Due = due.ToUniversalTime(),
            Content = copy,
        };
    }

    /// <summary>
    /// Reads a report written by <see cref="ToCanonicalJson"/> back (to print a stored version again). The content is
    /// validated again, so a tampered or foreign document fails with a <see cref="StandardsException"/>.
    /// </summary>
    public static StageReport FromJson(string json)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new System.Text.Json.JsonDocumentOptions { MaxDepth = 16 }) as JsonObject
                ?? throw new StandardsException("must be a JSON object", null, "$");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new StandardsException("is not JSON: " + ex.Message, null, "$");
        }

        if (Text(root, "schema") != SchemaId)
        {
            throw new StandardsException("must be " + SchemaId, null, "schema");
        }

        var stageName = Text(root, "stage");
        var stage = Enum.GetValues<ReportingStage>().Where(s => StageName(s) == stageName).Select(s => (ReportingStage?)s).FirstOrDefault()
            ?? throw new StandardsException("is not a reporting stage", null, "stage");
        if (!Timestamps.TryParse(Text(root, "submitted_at"), out var submittedAt) || !Timestamps.TryParse(Text(root, "due"), out var due))
        {
            throw new StandardsException("must be RFC 3339 UTC timestamps", null, "submitted_at");
        }

        return Freeze(stage, Text(root, "incident"), Text(root, "submitted_by"), submittedAt, due, root["content"] as JsonObject, Number(root, "sequence"), Number(root, "version"));
    }

    private static string Text(JsonObject root, string name) =>
        root[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new StandardsException("must be a string", null, name);

    private static int Number(JsonObject root, string name) =>
        root[name] is JsonValue v && v.TryGetValue<int>(out var n) ? n : throw new StandardsException("must be an integer", null, name);

    /// <summary>RFC 8785 canonical JSON: same report, same bytes (so the server can hash and sign it).</summary>
    public string ToCanonicalJson() => ScoIds.Canonical(ToJson());

    /// <summary>The report as a JSON object (schema <see cref="SchemaId"/>).</summary>
    public JsonObject ToJson() => new()
    {
        ["schema"] = SchemaId,
        ["stage"] = StageName(Stage),
        ["sequence"] = Sequence,
        ["version"] = Version,
        ["incident"] = IncidentReference,
        ["submitted_by"] = SubmittedBy,
        ["submitted_at"] = Timestamps.Format(SubmittedAt),
        ["due"] = Timestamps.Format(Due),
        ["on_time"] = State == DeadlineState.SubmittedOnTime,
        ["content"] = content.DeepClone(),
    };

    /// <summary>The stage's name in the JSON schema (<c>early_warning</c>, <c>incident_notification</c>, …).</summary>
    public static string StageName(ReportingStage stage) => stage switch
    {
        ReportingStage.EarlyWarning => "early_warning",
        ReportingStage.IncidentNotification => "incident_notification",
        ReportingStage.IntermediateReport => "intermediate_report",
        ReportingStage.ProgressReport => "progress_report",
        ReportingStage.FinalReport => "final_report",
        ReportingStage.CsirtFeedback => "csirt_feedback",
        ReportingStage.DataBreachNotification => "data_breach_notification",
        _ => throw new StandardsException("not a reporting stage", null, "stage"),
    };

    /// <summary>
    /// A printable HTML fragment (no scripts, no styles, no links): every value is HTML-encoded, text keeps its line
    /// breaks through <c>white-space: pre-wrap</c> set by the page's stylesheet on <c>.rampart-stage-report pre</c>.
    /// </summary>
    public string ToHtml()
    {
        var e = HtmlEncoder.Default;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<section class=\"rampart-stage-report\" data-schema=\"{e.Encode(SchemaId)}\" data-stage=\"{StageName(Stage)}\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<h2>{e.Encode(Title(Stage))}{(Stage == ReportingStage.IntermediateReport ? " " + Sequence.ToString(CultureInfo.InvariantCulture) : "")} — {e.Encode(IncidentReference)}</h2>\n");
        html.Append("<dl>\n");
        Row(html, "Version", Version.ToString(CultureInfo.InvariantCulture));
        Row(html, "Submitted by", SubmittedBy);
        Row(html, "Submitted at (UTC)", Timestamps.Format(SubmittedAt));
        Row(html, "Due (UTC)", Timestamps.Format(Due));
        Row(html, "On time", State == DeadlineState.SubmittedOnTime ? "yes" : "no (late)");
        foreach (var field in StageContent.FieldsOf(Stage))
        {
            if (!content.TryGetPropertyValue(field.Name, out var value) || value is null)
            {
                continue;
            }

            var text = value is JsonArray list
                ? string.Join("\n", list.Select(i => i?.GetValue<string>() ?? ""))
                : value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
            html.Append(CultureInfo.InvariantCulture, $"<dt data-field=\"{e.Encode(field.Name)}\">{e.Encode(field.Label)}</dt><dd><pre>{e.Encode(text)}</pre></dd>\n");
        }

        html.Append("</dl>\n</section>\n");
        return html.ToString();
    }

    private static void Row(StringBuilder html, string label, string value) =>
        html.Append(CultureInfo.InvariantCulture, $"<dt>{HtmlEncoder.Default.Encode(label)}</dt><dd>{HtmlEncoder.Default.Encode(value)}</dd>\n");

    private static string Title(ReportingStage stage) => stage switch
    {
        ReportingStage.EarlyWarning => "Early warning",
        ReportingStage.IncidentNotification => "Incident notification",
        ReportingStage.IntermediateReport => "Intermediate report",
        ReportingStage.ProgressReport => "Progress report",
        ReportingStage.FinalReport => "Final report",
        ReportingStage.CsirtFeedback => "CSIRT initial feedback",
        ReportingStage.DataBreachNotification => "Personal data breach notification",
        _ => "Report",
    };
}
