using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rampart.Standards.Incidents;

/// <summary>The kind of value a stage field holds, as JSON.</summary>
public enum StageFieldKind
{
    /// <summary>A JSON string of free text (Markdown allowed; rendered safely by the caller), at most <see cref="StageField.MaxLength"/> characters.</summary>
    Text = 1,

    /// <summary>A JSON string, one of <see cref="StageField.Choices"/>.</summary>
    Choice = 2,

    /// <summary>A JSON array of strings (e.g. indicators of compromise), at most <see cref="StageField.MaxItems"/>.</summary>
    TextList = 3,

    /// <summary>A non-negative JSON integer (an approximate number of people or records).</summary>
    Count = 4,
}

/// <summary>One field of a stage's required content.</summary>
/// <param name="Name">The JSON property name (snake_case, stable: it is part of the frozen report schema).</param>
/// <param name="Label">English label for the printable report; pages localise by <paramref name="Name"/>.</param>
/// <param name="Required">Whether a report without it is refused.</param>
/// <param name="Kind">The value's kind.</param>
/// <param name="Source">What the field comes from, e.g. <c>Art. 23(4)(a)</c>.</param>
public sealed record StageField(string Name, string Label, bool Required, StageFieldKind Kind, string Source)
{
    /// <summary>Allowed values of a <see cref="StageFieldKind.Choice"/>.</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>Longest text (per item for lists).</summary>
    public int MaxLength { get; init; } = 20_000;

    /// <summary>Most items of a list.</summary>
    public int MaxItems { get; init; } = 1_000;
}

/// <summary>A problem with a submitted field, by name: the server turns each into a ProblemDetails error on <c>content.{Field}</c>.</summary>
public sealed record StageContentError(string Field, string Reason);

/// <summary>
/// What each stage must contain (NIS2 Art. 23(4), GDPR Art. 33(3) and (1)) and the validator. The content of a stage is
/// a JSON object whose properties are the stage's fields.
/// </summary>
public static class StageContent
{
    /// <summary>The NIS2 suspicion and cross-border questions are answered with one of these.</summary>
    public static IReadOnlyList<string> YesNoUnknown { get; } = ["yes", "no", "unknown"];

    /// <summary>Severity scale of the reports (the incident's own documented scale uses the same words).</summary>
    public static IReadOnlyList<string> Severities { get; } = ["low", "medium", "high", "critical"];

    private static readonly Dictionary<ReportingStage, IReadOnlyList<StageField>> Catalogue = new()
    {
        [ReportingStage.EarlyWarning] =
        [
            new("suspected_malicious", "Unlawful or malicious acts suspected", true, StageFieldKind.Choice, "NIS2 Art. 23(4)(a)") { Choices = YesNoUnknown },
            new("cross_border_impact", "Could have a cross-border impact", true, StageFieldKind.Choice, "NIS2 Art. 23(4)(a)") { Choices = YesNoUnknown },
            new("summary", "Summary", false, StageFieldKind.Text, "NIS2 Art. 23(4)(a)"),
        ],
        [ReportingStage.IncidentNotification] =
        [
            new("early_warning_update", "Update of the early warning", true, StageFieldKind.Text, "NIS2 Art. 23(4)(b)"),
            new("severity", "Severity", true, StageFieldKind.Choice, "NIS2 Art. 23(4)(b)") { Choices = Severities },
            new("impact", "Initial assessment of the impact", true, StageFieldKind.Text, "NIS2 Art. 23(4)(b)"),
            new("indicators_of_compromise", "Indicators of compromise", false, StageFieldKind.TextList, "NIS2 Art. 23(4)(b), where available") { MaxLength = 2_048, MaxItems = 10_000 },
        ],
        [ReportingStage.IntermediateReport] =
        [
            new("status_update", "Status update", true, StageFieldKind.Text, "NIS2 Art. 23(4)(c)"),
        ],
        [ReportingStage.ProgressReport] =
        [
            new("progress", "Progress of incident handling", true, StageFieldKind.Text, "NIS2 Art. 23(4)(e)"),
        ],
        [ReportingStage.FinalReport] =
        [
            new("description", "Detailed description", true, StageFieldKind.Text, "NIS2 Art. 23(4)(d)(i)"),
            new("severity", "Severity", true, StageFieldKind.Choice, "NIS2 Art. 23(4)(d)(i)") { Choices = Severities },
            new("impact", "Impact", true, StageFieldKind.Text, "NIS2 Art. 23(4)(d)(i)"),
            new("threat_or_root_cause", "Type of threat or root cause", true, StageFieldKind.Text, "NIS2 Art. 23(4)(d)(ii)"),
            new("mitigation", "Applied and ongoing mitigation measures", true, StageFieldKind.Text, "NIS2 Art. 23(4)(d)(iii)"),
            new("cross_border_impact", "Cross-border impact", false, StageFieldKind.Text, "NIS2 Art. 23(4)(d)(iv), where applicable"),
        ],
        [ReportingStage.CsirtFeedback] =
        [
            new("initial_feedback", "Initial feedback", true, StageFieldKind.Text, "NIS2 Art. 23(5)"),
            new("mitigation_guidance", "Guidance on mitigation", false, StageFieldKind.Text, "NIS2 Art. 23(5), on request"),
            new("law_enforcement_guidance", "Guidance on reporting to law enforcement", false, StageFieldKind.Text, "NIS2 Art. 23(5), if criminal"),
        ],
        [ReportingStage.DataBreachNotification] =
        [
            new("breach_nature", "Nature of the personal data breach", true, StageFieldKind.Text, "GDPR Art. 33(3)(a)"),
            new("data_subject_categories", "Categories of data subjects", true, StageFieldKind.Text, "GDPR Art. 33(3)(a)"),
            new("approximate_data_subjects", "Approximate number of data subjects", true, StageFieldKind.Count, "GDPR Art. 33(3)(a)"),
            new("record_categories", "Categories of personal data records", true, StageFieldKind.Text, "GDPR Art. 33(3)(a)"),
            new("approximate_records", "Approximate number of personal data records", true, StageFieldKind.Count, "GDPR Art. 33(3)(a)"),
            new("contact_point", "Data protection officer or other contact point", true, StageFieldKind.Text, "GDPR Art. 33(3)(b)"),
            new("likely_consequences", "Likely consequences", true, StageFieldKind.Text, "GDPR Art. 33(3)(c)"),
            new("measures", "Measures taken or proposed", true, StageFieldKind.Text, "GDPR Art. 33(3)(d)"),
            new("delay_reasons", "Reasons for the delay", false, StageFieldKind.Text, "GDPR Art. 33(1): required when notified after the deadline"),
        ],
    };

    /// <summary>The fields of a stage, in report order.</summary>
    public static IReadOnlyList<StageField> FieldsOf(ReportingStage stage) =>
        Catalogue.TryGetValue(stage, out var fields) ? fields : throw new StandardsException("not a reporting stage", null, "stage");

    /// <summary>
    /// Every problem of <paramref name="content"/> for <paramref name="stage"/>: missing required fields, wrong kinds,
    /// unknown choices, too long, control characters, and properties that are not fields of the stage. Empty when valid.
    /// <paramref name="late"/> says the report goes out after its due time (a GDPR notification then needs <c>delay_reasons</c>).
    /// </summary>
    public static IReadOnlyList<StageContentError> Validate(ReportingStage stage, JsonObject? content, bool late = false)
    {
        var fields = FieldsOf(stage);
        var errors = new List<StageContentError>();
        if (content is null)
        {
            errors.AddRange(fields.Where(f => f.Required).Select(f => new StageContentError(f.Name, "is required")));
            return errors;
        }

        foreach (var property in content)
        {
            if (!fields.Any(f => f.Name == property.Key))
            {
                errors.Add(new StageContentError(property.Key, "is not a field of this stage"));
            }
        }

        foreach (var field in fields)
        {
            var required = field.Required || (late && stage == ReportingStage.DataBreachNotification && field.Name == "delay_reasons");
            if (!content.TryGetPropertyValue(field.Name, out var value) || value is null || IsBlank(value))
            {
                if (required)
                {
                    errors.Add(new StageContentError(field.Name, "is required"));
                }

                continue;
            }

            var problem = Check(field, value);
            if (problem is not null)
            {
                errors.Add(new StageContentError(field.Name, problem));
            }
        }

        return errors;
    }

    private static bool IsBlank(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.String => string.IsNullOrWhiteSpace(value.GetValue<string>()),
        JsonValueKind.Array => value.AsArray().Count == 0,
        _ => false,
    };

    private static string? Check(StageField field, JsonNode value)
    {
        switch (field.Kind)
        {
            case StageFieldKind.Text:
                return value.GetValueKind() == JsonValueKind.String ? CheckText(value.GetValue<string>(), field.MaxLength) : "must be a string";
            case StageFieldKind.Choice:
                return value.GetValueKind() == JsonValueKind.String && field.Choices.Contains(value.GetValue<string>(), StringComparer.Ordinal)
                    ? null
                    : "must be one of: " + string.Join(", ", field.Choices);
            case StageFieldKind.TextList:
                if (value.GetValueKind() != JsonValueKind.Array)
                {
                    return "must be an array of strings";
                }

                var items = value.AsArray();
                if (items.Count > field.MaxItems)
                {
                    return $"must have at most {field.MaxItems} items";
                }

                for (var i = 0; i < items.Count; i++)
                {
                    var item = items[i];
                    var problem = item is null || item.GetValueKind() != JsonValueKind.String ? "must be a string" : CheckText(item.GetValue<string>(), field.MaxLength);
                    if (problem is not null)
                    {
                        return $"item {i} {problem}";
                    }
                }

                return null;
            case StageFieldKind.Count:
                // From the JSON text, so 3.0 and 1e3 are refused the same whether the node was parsed or built in code.
                return value.GetValueKind() == JsonValueKind.Number && long.TryParse(value.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= 0
                    ? null
                    : "must be a whole number of at least 0";
            default:
                return "has an unknown kind";
        }
    }

    private static string? CheckText(string text, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "must not be empty";
        }

        if (text.Length > maxLength)
        {
            return $"must be at most {maxLength} characters";
        }

        return text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')) || !HasValidSurrogates(text)
            ? "must not contain control characters or broken Unicode"
            : null;
    }

    private static bool HasValidSurrogates(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]))
            {
                if (i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
            else if (char.IsLowSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }
}
