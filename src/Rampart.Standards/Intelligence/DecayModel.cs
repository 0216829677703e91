using Rampart.Standards.Observables;

namespace Rampart.Standards.Intelligence;

/// <summary>
/// A MISP-style polynomial decaying model ("An indicator scoring method for MISP platforms", MISP's
/// <c>Polynomial.php</c>): <c>score(t) = base · (1 − (t / lifetime)^(1 / decaySpeed))</c>, floored at 0, where
/// <c>t</c> is the time since the indicator was last sighted (or its <c>valid_from</c> when never sighted). The
/// indicator is decayed once its score is below <see cref="Threshold"/>. A decay speed above 1 keeps the score
/// high and drops it late; below 1 drops it early.
/// </summary>
/// <param name="Lifetime">When the score reaches 0 (MISP's tau, in days there).</param>
/// <param name="DecaySpeed">MISP's delta; greater than 0.</param>
/// <param name="Threshold">Score (0–100) under which the indicator counts as decayed.</param>
/// <param name="BaseScore">The score (0–100) an indicator starts from when it states none itself (STIX <c>confidence</c>).</param>
public sealed record DecayModel(string Name, TimeSpan Lifetime, double DecaySpeed, double Threshold, double BaseScore = 100)
{
    /// <summary>Network addresses churn fast (dynamic hosting, shared infrastructure).</summary>
    public static DecayModel Addresses { get; } = new("addresses", TimeSpan.FromDays(30), 0.5, 30);

    /// <summary>Domains and URLs are re-registered or cleaned within months.</summary>
    public static DecayModel Names { get; } = new("domains-urls", TimeSpan.FromDays(90), 1, 30);

    /// <summary>A file hash names the same file for ever; it decays only slowly as the sample stops circulating.</summary>
    public static DecayModel Hashes { get; } = new("hashes", TimeSpan.FromDays(365), 3, 20);

    /// <summary>Anything else: e-mail addresses, AS numbers, CVEs.</summary>
    public static DecayModel Default { get; } = new("default", TimeSpan.FromDays(180), 1, 30);

    /// <summary>The built-in model per kind; the server's configuration can replace any of them.</summary>
    public static DecayModel ForKind(IndicatorKind kind) => kind switch
    {
        IndicatorKind.Ipv4 or IndicatorKind.Ipv6 or IndicatorKind.Cidr => Addresses,
        IndicatorKind.Domain or IndicatorKind.Url => Names,
        IndicatorKind.Md5 or IndicatorKind.Sha1 or IndicatorKind.Sha256 or IndicatorKind.Sha512 => Hashes,
        _ => Default,
    };

    /// <summary>Throws <see cref="StandardsException"/> naming the parameter when the model cannot be used.</summary>
    public DecayModel Validated()
    {
        if (Lifetime <= TimeSpan.Zero)
        {
            throw new StandardsException("A decaying model's lifetime is longer than zero.", path: "lifetime");
        }

        if (!double.IsFinite(DecaySpeed) || DecaySpeed <= 0)
        {
            throw new StandardsException("A decaying model's decay speed is a number greater than zero.", path: "decay_speed");
        }

        if (!double.IsFinite(Threshold) || Threshold is < 0 or > 100)
        {
            throw new StandardsException("A decaying model's threshold is 0 to 100.", path: "threshold");
        }

        if (!double.IsFinite(BaseScore) || BaseScore is < 0 or > 100)
        {
            throw new StandardsException("A decaying model's base score is 0 to 100.", path: "base_score");
        }

        return this;
    }
}

/// <summary>Scores of indicators under a <see cref="DecayModel"/>; pure functions of their arguments.</summary>
public static class Decay
{
    /// <summary>
    /// The score at <paramref name="now"/> of an indicator with <paramref name="baseScore"/> (clamped to 0–100) last
    /// sighted — or valid from — at <paramref name="since"/>. Always within 0–100 and never increasing as
    /// <paramref name="now"/> advances. A <paramref name="since"/> in the future (clock skew between teams) counts as
    /// now: the score is the base score, where MISP would give 0.
    /// </summary>
    public static double Score(double baseScore, DateTimeOffset since, DateTimeOffset now, DecayModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var b = double.IsNaN(baseScore) ? 0 : Math.Clamp(baseScore, 0, 100);
        var elapsed = now - since;
        if (elapsed <= TimeSpan.Zero)
        {
            return b;
        }

        if (elapsed >= model.Lifetime)
        {
            return 0;
        }

        var fraction = elapsed.Ticks / (double)model.Lifetime.Ticks;
        var score = b * (1 - Math.Pow(fraction, 1 / model.DecaySpeed));
        return Math.Clamp(score, 0, b);
    }

    /// <summary>Whether the score has fallen below the model's threshold.</summary>
    public static bool IsDecayed(double baseScore, DateTimeOffset since, DateTimeOffset now, DecayModel model) =>
        Score(baseScore, since, now, model) < model.Threshold;

    /// <summary>
    /// When the indicator becomes decayed (its score first falls below the threshold), so a store can keep a
    /// "decays at" column and exclude decayed indicators with an index range instead of computing scores per row.
    /// <paramref name="since"/> when the base score is already below the threshold; null when it never decays
    /// (threshold 0: no score is below it).
    /// </summary>
    public static DateTimeOffset? DecaysAt(double baseScore, DateTimeOffset since, DecayModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var b = double.IsNaN(baseScore) ? 0 : Math.Clamp(baseScore, 0, 100);
        if (model.Threshold <= 0)
        {
            return null;
        }

        if (b < model.Threshold)
        {
            return since;
        }

        // Solve b · (1 − f^(1/δ)) = threshold for f: f = (1 − threshold / b)^δ.
        var fraction = Math.Pow(1 - (model.Threshold / b), model.DecaySpeed);
        var ticks = (long)Math.Ceiling(fraction * model.Lifetime.Ticks);
        var at = since + TimeSpan.FromTicks(Math.Min(ticks, model.Lifetime.Ticks));

        // Rounding may land one tick early; step to the first instant that really is decayed.
        while (at < since + model.Lifetime && !IsDecayed(b, since, at, model))
        {
            at = at.AddTicks(1);
        }

        return at;
    }
}
