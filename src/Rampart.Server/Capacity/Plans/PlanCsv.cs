using System.Globalization;

namespace Rampart.Server.Capacity.Plans;

/// <summary>A plan's actions as CSV: one row per action. Cells a spreadsheet would run as a formula are neutralised.</summary>
public static class PlanCsv
{
    public static readonly string[] Columns =
    [
        "number", "title", "status", "overdue", "parameters", "owner", "start", "due", "budget", "currency", "funding", "funding_project",
        "depends_on", "source", "description",
    ];

    public static async Task WriteAsync(IReadOnlyList<ActionView> actions, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(writer);
        var numbers = actions.ToDictionary(a => a.Id, a => a.Number);
        await writer.WriteLineAsync(string.Join(',', Columns));
        foreach (var a in actions)
        {
            var cells = new[]
            {
                a.Number.ToString(CultureInfo.InvariantCulture), a.Title, PlanEditing.Value(a.Status), a.Overdue ? "yes" : "no",
                string.Join("; ", a.Parameters.Select(p => $"{p.ParameterId}>={p.TargetLevel}")), a.Owner,
                a.StartDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), a.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                a.Budget?.ToString("0.##", CultureInfo.InvariantCulture), a.Currency, PlanEditing.Value(a.Funding), a.FundingProject?.Label,
                string.Join("; ", a.DependsOn.Select(d => numbers.TryGetValue(d, out var n) ? n.ToString(CultureInfo.InvariantCulture) : "")),
                Source(a), a.Description,
            };
            await writer.WriteLineAsync(string.Join(',', cells.Select(Quote)));
        }
    }

    // "incident: INC-2026-0042 Ransomware at the water utility — lesson 3", "exercise: Cyber Coalition 2026, lesson 4".
    private static string? Source(ActionView a) => a.SourceKind is { } kind
        ? $"{PlanEditing.Value(kind)}: {string.Join(" — ", new[] { a.Source?.Label, a.SourceReference }.Where(x => x is not null))}"
        : null;

    /// <summary>
    /// A cell: text starting with <c>= + - @</c>, a tab or a CR gets a leading apostrophe (CSV injection), and quoting
    /// where the text holds a separator, a quote, a line break or edge spaces.
    /// </summary>
    public static string Quote(string? value)
    {
        var text = value ?? "";
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            text = "'" + text;
        }

        return text.IndexOfAny([',', '"', '\n', '\r', ';']) >= 0 || text.StartsWith(' ') || text.EndsWith(' ')
            ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
            : text;
    }
}
