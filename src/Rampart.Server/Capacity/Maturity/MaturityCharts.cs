using Rampart.Standards.Sim3;

namespace Rampart.Server.Capacity.Maturity;

/// <summary>The maturity charts as SVG, drawn on the server (no script, no external asset): radar and history lines.</summary>
public static class MaturityCharts
{
    /// <summary>
    /// A radar: with <paramref name="category"/>, one axis per parameter of it (labelled by SIM3 id; an unrated one drawn at 0, its tooltip '–'); without, one axis per
    /// category (its letter) at the mean level. <paramref name="second"/> (a peer review, a target) is drawn dashed.
    /// </summary>
    public static string Radar(ModelVersionView model, IReadOnlyDictionary<string, int> levels, IReadOnlyDictionary<string, int>? second, Sim3Category? category, string title)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(levels);
        var parameters = model.Parameters.Select(p => new Sim3Parameter(p.Id, p.Category, p.Name, p.NameVerified)).ToList();
        List<RadarAxis> axes;
        if (category is { } c)
        {
            axes = parameters.Where(p => p.Category == c)
                .Select(p => new RadarAxis(p.Id, levels.TryGetValue(p.Id, out var l) ? l : null, second is null ? null : second.TryGetValue(p.Id, out var s) ? s : 0))
                .ToList();
            title = $"{title} — {Sim3Model.Letter(c)}";
        }
        else
        {
            var means = Sim3Analysis.CategoryMeans(parameters, levels);
            var secondMeans = second is null ? null : Sim3Analysis.CategoryMeans(parameters, second);
            axes = means.OrderBy(m => m.Key).Select(m => new RadarAxis(Sim3Model.Letter(m.Key).ToString(), m.Value, secondMeans?[m.Key])).ToList();
        }

        return Sim3Charts.Radar(axes, title);
    }

    /// <summary>One line per category: the mean level of each finished assessment over its date.</summary>
    public static string History(IReadOnlyList<MaturityAssessment> history, IReadOnlyList<Sim3Parameter> parameters, string title)
    {
        ArgumentNullException.ThrowIfNull(history);
        var points = history.Select(a => (a.Date, Means: Sim3Analysis.CategoryMeans(parameters, MaturityEndpoints.Levels(a)))).ToList();
        var series = Enum.GetValues<Sim3Category>()
            .Select(c => (Sim3Model.Letter(c).ToString(), (IReadOnlyList<(DateOnly, double)>)points.Where(p => p.Means.ContainsKey(c)).Select(p => (p.Date, p.Means[c])).ToList()))
            .ToList();
        return Sim3Charts.Lines(series, title);
    }
}
