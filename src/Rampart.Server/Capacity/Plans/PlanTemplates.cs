using System.Globalization;
using System.Text.Json;
using Rampart.Server.Localisation;

namespace Rampart.Server.Capacity.Plans;

/// <summary>A plan action template for a common gap (<c>plan-templates.json</c>): its title in every UI language, the parameters it raises and a suggested level.</summary>
public sealed record PlanTemplate(string Key, IReadOnlyDictionary<string, int> Parameters, IReadOnlyDictionary<string, string> Titles, string Description)
{
    /// <summary>The title in <paramref name="culture"/>, else its parent language's, else English.</summary>
    public string Title(CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        for (var c = culture; !string.IsNullOrEmpty(c.Name); c = c.Parent)
        {
            if (Titles.TryGetValue(c.Name, out var title))
            {
                return title;
            }
        }

        return Titles["en"];
    }
}

/// <summary>The templates as data, embedded in the assembly.</summary>
public static class PlanTemplates
{
    public static IReadOnlyList<PlanTemplate> All { get; } = Load();

    public static PlanTemplate? Find(string? key) => All.FirstOrDefault(t => t.Key == key);

    /// <summary>The first template that raises <paramref name="parameterId"/> (a gap's suggested action).</summary>
    public static PlanTemplate? For(string parameterId) => All.FirstOrDefault(t => t.Parameters.ContainsKey(parameterId));

    private static List<PlanTemplate> Load()
    {
        using var stream = typeof(PlanTemplates).Assembly.GetManifestResourceStream("Rampart.Server.Capacity.Plans.plan-templates.json")
            ?? throw new InvalidOperationException("The plan templates are not embedded.");
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("templates").EnumerateArray().Select(t =>
        {
            var titles = t.GetProperty("title").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
            titles["sr-Cyrl"] = SerbianScript.ToCyrillic(titles["sr-Latn"]);
            return new PlanTemplate(t.GetProperty("key").GetString()!,
                t.GetProperty("parameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal),
                titles, t.GetProperty("description").GetString()!);
        }).ToList();
    }
}
