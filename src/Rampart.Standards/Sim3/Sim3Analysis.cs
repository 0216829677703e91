namespace Rampart.Standards.Sim3;

/// <summary>One parameter's gap against a target: the level reached (null when not rated, counted as 0) and how far below the minimum.</summary>
public sealed record Sim3Gap(string ParameterId, int MinLevel, int? Level, int Gap);

/// <summary>An assessment against a target profile: met when no parameter falls short; gaps largest first.</summary>
public sealed record Sim3GapResult(bool Met, IReadOnlyList<Sim3Gap> Gaps);

/// <summary>
/// A hint of a gap list: a relation touching the parameter, the parameter at its other end, that one's level (null when
/// not rated) and its own gap against the same target (null when it meets its minimum or the target sets none).
/// </summary>
public sealed record Sim3Hint(Sim3Relation Relation, string Other, int? OtherLevel, int? OtherGap);

/// <summary>How many contributors had each level 0–4 for one parameter; absent when fewer than <see cref="Sim3Analysis.MinContributors"/>.</summary>
public sealed record Sim3Distribution(string ParameterId, int Contributors, IReadOnlyList<int>? Counts);

/// <summary>Pure SIM3 computations: gaps against a target and the regional distribution with its anonymity threshold.</summary>
public static class Sim3Analysis
{
    /// <summary>A regional figure is shown only when at least this many organisations contribute to it (no single team can be identified).</summary>
    public const int MinContributors = 5;

    /// <summary>
    /// The gap of <paramref name="levels"/> against <paramref name="targets"/> (parameter id → minimum level). A parameter
    /// not rated counts as level 0. Only parameters with a shortfall are listed, largest gap first, then in
    /// <paramref name="order"/> (SIM3 order).
    /// </summary>
    public static Sim3GapResult Gaps(IReadOnlyDictionary<string, int> targets, IReadOnlyDictionary<string, int> levels, IReadOnlyList<string> order)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(order);
        var position = order.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i, StringComparer.Ordinal);
        var gaps = targets
            .Select(t => (t.Key, Min: t.Value, Level: levels.TryGetValue(t.Key, out var l) ? l : (int?)null))
            .Select(t => new Sim3Gap(t.Key, t.Min, t.Level, Math.Max(0, t.Min - (t.Level ?? 0))))
            .Where(g => g.Gap > 0)
            .OrderByDescending(g => g.Gap)
            .ThenBy(g => position.TryGetValue(g.ParameterId, out var p) ? p : int.MaxValue)
            .ThenBy(g => g.ParameterId, StringComparer.Ordinal)
            .ToList();
        return new Sim3GapResult(gaps.Count == 0, gaps);
    }

    /// <summary>
    /// The relations that touch <paramref name="parameterId"/> (either end), in the order given, each with the other
    /// parameter's level in <paramref name="levels"/> and its gap in <paramref name="gaps"/>: "H-3 is developed by H-4,
    /// which is at level 1 and 2 below its minimum" tells where raising H-3 starts.
    /// </summary>
    public static IReadOnlyList<Sim3Hint> Hints(string parameterId, IReadOnlyList<Sim3Relation> relations, IReadOnlyDictionary<string, int> levels, Sim3GapResult gaps)
    {
        ArgumentNullException.ThrowIfNull(relations);
        ArgumentNullException.ThrowIfNull(levels);
        ArgumentNullException.ThrowIfNull(gaps);
        return
        [
            .. relations.Where(r => r.From == parameterId || r.To == parameterId).Select(r =>
            {
                var other = r.From == parameterId ? r.To : r.From;
                return new Sim3Hint(r, other, levels.TryGetValue(other, out var level) ? level : null, gaps.Gaps.FirstOrDefault(g => g.ParameterId == other)?.Gap);
            }),
        ];
    }

    /// <summary>
    /// The distribution of levels for one parameter over the contributors' levels (one level per organisation).
    /// With fewer than <see cref="MinContributors"/> contributors the counts are withheld, and so is the exact
    /// number of contributors (reported as 0), so that "4 teams" does not narrow anything down either.
    /// </summary>
    public static Sim3Distribution Distribution(string parameterId, IReadOnlyCollection<int> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        if (levels.Count < MinContributors)
        {
            return new Sim3Distribution(parameterId, 0, null);
        }

        var counts = new int[Sim3Model.MaxLevel + 1];
        foreach (var level in levels)
        {
            if (!Sim3Model.IsLevel(level))
            {
                throw new ArgumentOutOfRangeException(nameof(levels), level, "A SIM3 level is 0 to 4.");
            }

            counts[level]++;
        }

        return new Sim3Distribution(parameterId, levels.Count, counts);
    }

    /// <summary>The mean level per category over the rated parameters (unrated ones count as 0 when <paramref name="countUnratedAsZero"/>).</summary>
    public static IReadOnlyDictionary<Sim3Category, double> CategoryMeans(IReadOnlyList<Sim3Parameter> parameters, IReadOnlyDictionary<string, int> levels, bool countUnratedAsZero = true)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(levels);
        return parameters.GroupBy(p => p.Category).ToDictionary(
            g => g.Key,
            g =>
            {
                var values = g.Select(p => levels.TryGetValue(p.Id, out var l) ? l : (countUnratedAsZero ? 0 : (int?)null)).OfType<int>().ToList();
                return values.Count == 0 ? 0 : values.Average();
            });
    }
}
