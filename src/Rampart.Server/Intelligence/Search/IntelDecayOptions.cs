using System.Globalization;
using Microsoft.Extensions.Options;
using Rampart.Standards;
using Rampart.Standards.Intelligence;
using Rampart.Standards.Observables;

namespace Rampart.Server.Intelligence.Search;

/// <summary>
/// The decaying models per indicator kind (MISP's decaying models): <c>Rampart:Intelligence:Decay:&lt;kind&gt;</c> with
/// <c>BaseScore</c> (0–100, for indicators without a STIX <c>confidence</c>), <c>LifetimeDays</c> (&gt; 0, when the score
/// reaches 0), <c>DecaySpeed</c> (&gt; 0, MISP's delta) and <c>Threshold</c> (0–100, decayed below it); a kind left out,
/// or a parameter left out, keeps the built-in model's value (<see cref="DecayModel.ForKind"/>). Kinds: the names of
/// <see cref="IndicatorKind"/> (<c>Ipv4</c>, <c>Ipv6</c>, <c>Cidr</c>, <c>Domain</c>, <c>Url</c>, <c>Md5</c>, <c>Sha1</c>,
/// <c>Sha256</c>, <c>Sha512</c>, <c>Email</c>, …) and <c>Default</c> (indicators with no indexed value of a known kind).
/// <c>RecomputeBatch</c> and <c>RecomputeIntervalSeconds</c> bound the job that moves stored <c>DecaysAt</c> to the
/// configured models (<see cref="IntelDecayRecomputeJob"/>). Checked when the node starts; a wrong entry stops it with a
/// message naming the setting.
/// </summary>
public sealed class IntelDecayOptions
{
    public const string Section = "Rampart:Intelligence:Decay";

    private readonly Dictionary<IndicatorKind, DecayModel> configured = [];

    /// <summary>The model of the indicators without a known kind.</summary>
    public DecayModel Default { get; private set; } = DecayModel.Default;

    /// <summary>Indicators whose stored <c>DecaysAt</c> the recompute job reads per run.</summary>
    public int RecomputeBatch { get; private set; } = 5_000;

    public TimeSpan RecomputeInterval { get; private set; } = TimeSpan.FromMinutes(1);

    /// <summary>What was wrong in the configuration (empty when it can be used).</summary>
    public IReadOnlyList<string> Errors => errors;

    private readonly List<string> errors = [];

    /// <summary>The kinds with a configured model (the others use the built-in one).</summary>
    public IReadOnlyDictionary<IndicatorKind, DecayModel> Configured => configured;

    /// <summary>The model that decays an indicator of <paramref name="kind"/> (null: <see cref="Default"/>).</summary>
    public DecayModel Model(IndicatorKind? kind) =>
        kind is not { } k ? Default : configured.TryGetValue(k, out var model) ? model : ReferenceEquals(DecayModel.ForKind(k), DecayModel.Default) ? Default : DecayModel.ForKind(k);

    /// <summary>The built-in models only (what a node without <c>Rampart:Intelligence:Decay</c> uses).</summary>
    public static IntelDecayOptions BuiltIn { get; } = new();

    /// <summary>Reads <paramref name="section"/>; problems go to <see cref="Errors"/>, each naming its setting.</summary>
    public void Load(IConfigurationSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        foreach (var child in section.GetChildren())
        {
            var path = $"{Section}:{child.Key}";
            if (string.Equals(child.Key, "RecomputeBatch", StringComparison.OrdinalIgnoreCase))
            {
                RecomputeBatch = int.TryParse(child.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 100_000
                    ? n : Error(path, "a whole number from 1 to 100000", RecomputeBatch);
                continue;
            }

            if (string.Equals(child.Key, "RecomputeIntervalSeconds", StringComparison.OrdinalIgnoreCase))
            {
                RecomputeInterval = int.TryParse(child.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) && s is >= 1 and <= 86_400
                    ? TimeSpan.FromSeconds(s) : Error(path, "a whole number of seconds from 1 to 86400", RecomputeInterval);
                continue;
            }

            var isDefault = string.Equals(child.Key, "Default", StringComparison.OrdinalIgnoreCase);
            IndicatorKind kind = default;
            if (!isDefault && (!Enum.TryParse(child.Key.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out kind) || !Enum.IsDefined(kind) || int.TryParse(child.Key, out _)))
            {
                errors.Add($"{path}: not an indicator kind. Use one of {string.Join(", ", Enum.GetNames<IndicatorKind>())}, Default, RecomputeBatch or RecomputeIntervalSeconds.");
                continue;
            }

            var built = isDefault ? DecayModel.Default : DecayModel.ForKind(kind);
            var model = ReadModel(child, path, built, isDefault ? "default" : kind.ToString().ToLowerInvariant());
            if (model is null)
            {
                continue;
            }

            if (isDefault)
            {
                Default = model;
            }
            else
            {
                configured[kind] = model;
            }
        }
    }

    private DecayModel? ReadModel(IConfigurationSection child, string path, DecayModel built, string name)
    {
        var before = errors.Count;
        double? baseScore = null, lifetimeDays = null, speed = null, threshold = null;
        foreach (var setting in child.GetChildren())
        {
            var at = $"{path}:{setting.Key}";
            var number = double.TryParse(setting.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : (double?)null;
            switch (setting.Key.ToUpperInvariant())
            {
                case "BASESCORE":
                    baseScore = number is >= 0 and <= 100 ? number : Error<double?>(at, "a number from 0 to 100", null);
                    break;
                case "LIFETIMEDAYS":
                    lifetimeDays = number is > 0 and <= 36_500 ? number : Error<double?>(at, "a number of days greater than 0 (at most 36500)", null);
                    break;
                case "DECAYSPEED":
                    speed = number is > 0 and <= 1_000 ? number : Error<double?>(at, "a number greater than 0 (at most 1000)", null);
                    break;
                case "THRESHOLD":
                    threshold = number is >= 0 and <= 100 ? number : Error<double?>(at, "a number from 0 to 100", null);
                    break;
                default:
                    errors.Add($"{at}: unknown. A decaying model has BaseScore, LifetimeDays, DecaySpeed and Threshold.");
                    break;
            }
        }

        if (errors.Count > before)
        {
            return null;
        }

        var model = new DecayModel($"{name} (configured)", lifetimeDays is { } days ? TimeSpan.FromDays(days) : built.Lifetime, speed ?? built.DecaySpeed,
            threshold ?? built.Threshold, baseScore ?? built.BaseScore);
        try
        {
            return model.Validated();
        }
        catch (StandardsException e)
        {
            errors.Add($"{path}: {e.Message}");
            return null;
        }
    }

    private T Error<T>(string path, string expected, T keep)
    {
        errors.Add($"{path}: must be {expected}.");
        return keep;
    }

    /// <summary>Each kind's model in use, one line: logged when the recompute job starts its walk.</summary>
    public string Describe() =>
        string.Join("; ", Enum.GetValues<IndicatorKind>().Select(k => (Name: k.ToString(), Model: Model(k))).Append((Name: "Default", Model: Default))
            .Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Name}={p.Model.BaseScore}/{p.Model.Lifetime.TotalDays}d/{p.Model.DecaySpeed}/{p.Model.Threshold}")));
}

/// <summary>Stops the start when <see cref="IntelDecayOptions.Errors"/> is not empty, listing every wrong setting.</summary>
public sealed class IntelDecayOptionsValidation : IValidateOptions<IntelDecayOptions>
{
    public ValidateOptionsResult Validate(string? name, IntelDecayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(options.Errors);
    }
}
