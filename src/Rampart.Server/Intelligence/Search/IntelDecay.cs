using Rampart.Server.Intelligence.Exports;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Intelligence;
using Rampart.Standards.Observables;

namespace Rampart.Server.Intelligence.Search;

/// <summary>
/// The decay of indicators as the store keeps it: the model of the indicator's kind (<see cref="IntelDecayOptions"/>:
/// configured per kind, else <see cref="DecayModel.ForKind"/>),
/// the base score (the indicator's STIX <c>confidence</c>, else 100), the instant it decays from (last sighting, else
/// <c>valid_from</c>) and <see cref="IntelObject.DecaysAt"/> — the first decayed instant, so "not decayed" is an index
/// range. One place for the store, search, lookup and exports.
/// </summary>
public static class IntelDecay
{
    public const double DefaultBaseScore = 100;

    /// <summary>The kind whose model decays an indicator carrying these values: the first value with a model of its own.</summary>
    public static IndicatorKind? KindOf(IEnumerable<ObservableKind> values) =>
        values.Select(IntelExportFormats.IndicatorKindOf).FirstOrDefault(k => k is not null);

    /// <summary>
    /// Sets the decay columns of an indicator (other objects do not decay: all four stay null) under the configured
    /// models (<paramref name="models"/>; the built-in ones when null). The base score is the indicator's
    /// <c>confidence</c>, else the model's base score.
    /// </summary>
    public static void Apply(IntelObject intel, IndicatorKind? kind, double? confidence, DateTimeOffset since, IntelDecayOptions? models = null)
    {
        ArgumentNullException.ThrowIfNull(intel);
        if (intel.StixType != "indicator")
        {
            intel.Score = null;
            intel.DecayKind = null;
            intel.DecaySince = null;
            intel.DecaysAt = null;
            return;
        }

        var model = (models ?? IntelDecayOptions.BuiltIn).Model(kind);
        var baseScore = confidence is { } c && double.IsFinite(c) ? Math.Clamp(c, 0, 100) : model.BaseScore;
        intel.Score = baseScore;
        intel.DecayKind = kind;
        intel.DecaySince = intel.LastSightedAt is { } sighted && sighted > since ? sighted : since;
        intel.DecaysAt = Decay.DecaysAt(baseScore, intel.DecaySince.Value, model);
    }

    /// <summary>The indicator's score at <paramref name="now"/> (0–100); null for objects that do not decay.</summary>
    public static double? ScoreAt(IntelObject intel, DateTimeOffset now, IntelDecayOptions? models = null)
    {
        ArgumentNullException.ThrowIfNull(intel);
        return ScoreAt(intel.Score, intel.DecayKind, intel.DecaySince, now, models);
    }

    /// <summary>The score at <paramref name="now"/> from the stored columns; null for objects that do not decay.</summary>
    public static double? ScoreAt(double? score, IndicatorKind? kind, DateTimeOffset? since, DateTimeOffset now, IntelDecayOptions? models = null) =>
        score is { } b && since is { } s ? Math.Round(Decay.Score(b, s, now, Model(kind, models)), 2) : null;

    /// <summary>Whether <paramref name="intel"/> is decayed at <paramref name="now"/> (the same test the queries make on the column).</summary>
    public static bool IsDecayed(IntelObject intel, DateTimeOffset now) => intel?.DecaysAt is { } at && at <= now;

    /// <summary>The configured model of <paramref name="kind"/> (<paramref name="models"/>; the built-in ones when null).</summary>
    public static DecayModel Model(IndicatorKind? kind, IntelDecayOptions? models = null) => (models ?? IntelDecayOptions.BuiltIn).Model(kind);
}
