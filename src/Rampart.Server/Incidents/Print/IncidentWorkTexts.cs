using Microsoft.Extensions.Localization;

#pragma warning disable IDE0130
namespace Rampart.Server;
#pragma warning restore IDE0130

/// <summary>
/// Marker for the strings of the incident work added in session 8 (<c>Resources/IncidentWorkTexts.*.resx</c>): the printable
/// report, split, merge, duplicate, TLP and audience changes, templates.
/// </summary>
public sealed class IncidentWorkTexts
{
    /// <summary>A journal event's text: the newer events from here, the others from the shell's strings.</summary>
    public static string Event(IStringLocalizer<IncidentWorkTexts> work, IStringLocalizer<Shell> shell, string? code)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(shell);
        var text = work["IncidentEvent." + code];
        return text.ResourceNotFound ? shell["IncidentEvent." + code] : text;
    }

    /// <summary>
    /// A system event's detail in the viewer's language: the stored body carries codes (a stage, a request kind, a task
    /// status) and, for a task the node opened for a duty, the English title; those are translated, the rest shown as stored.
    /// <paramref name="dutyOf"/> gives the duty code of a task the page has loaded (null: not a duty task, or not loaded).
    /// </summary>
    public static string EventBody(IStringLocalizer<IncidentWorkTexts> work, IStringLocalizer<Shell> shell, Incidents.IncidentJournalEntry entry, Func<Guid, string?> dutyOf)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(shell);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(dutyOf);
        var body = entry.Body ?? "";
        var duty = entry.TaskId is { } task ? dutyOf(task) : null;
        switch (entry.Event)
        {
            case Incidents.Clocks.ClockEvents.StageSubmitted:
                // "early-warning 1 v2 late"
                var parts = body.Split(' ');
                if (Parse<Standards.Incidents.ReportingStage>(parts[0]) is { } stage)
                {
                    var rest = string.Join(' ', parts.Skip(1).Where(p => p != "late"));
                    return $"{shell["Stage." + stage]} {rest}{(parts.Contains("late") ? " · " + work["Journal.late"] : "")}";
                }

                return body;
            case Incidents.Requests.AssistanceEvents.Sent:
                return Parse<Incidents.Requests.AssistanceKind>(body) is { } kind ? shell["AssistanceKind." + kind] : body;
            case Incidents.IncidentEvents.TaskCreated:
                return duty is null ? body : shell["TaskDuty." + duty];
            case Incidents.IncidentEvents.TaskStatus:
                // "in-progress Title of the task"
                foreach (var status in Enum.GetValues<Incidents.IncidentTaskStatus>())
                {
                    var code = Incidents.IncidentEditing.Kebab(status);
                    if (body == code || body.StartsWith(code + " ", StringComparison.Ordinal))
                    {
                        var title = duty is null ? body[code.Length..].TrimStart() : shell["TaskDuty." + duty].Value;
                        return $"{shell["TaskStatus." + status]}: {title}";
                    }
                }

                return body;
            default:
                return body;
        }
    }

    /// <summary>An RSIT category in the viewer's language with its code, e.g. "Malicious code (malicious-code)".</summary>
    public static string RsitCategory(IStringLocalizer<IncidentWorkTexts> work, string category)
    {
        ArgumentNullException.ThrowIfNull(work);
        var label = work["Rsit." + category];
        return label.ResourceNotFound ? category : $"{label.Value} ({category})";
    }

    /// <summary>An RSIT pair in the viewer's language with its codes, e.g. "Malicious code — Infected system (malicious-code/infected-system)".</summary>
    public static string Rsit(IStringLocalizer<IncidentWorkTexts> work, string category, string type)
    {
        ArgumentNullException.ThrowIfNull(work);
        var categoryLabel = work["Rsit." + category];
        var typeLabel = work[$"Rsit.{category}/{type}"];
        return categoryLabel.ResourceNotFound || typeLabel.ResourceNotFound
            ? $"{category}/{type}"
            : $"{categoryLabel.Value} — {typeLabel.Value} ({category}/{type})";
    }

    private static T? Parse<T>(string code)
        where T : struct, Enum
    {
        foreach (var value in Enum.GetValues<T>())
        {
            if (Incidents.IncidentEditing.Kebab(value) == code)
            {
                return value;
            }
        }

        return null;
    }
}
