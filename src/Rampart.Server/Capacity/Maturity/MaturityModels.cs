using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Localisation;
using Rampart.Standards.Sim3;

namespace Rampart.Server.Capacity.Maturity;

/// <summary>A parameter as a client sends it when adding or changing a model version.</summary>
public sealed record ParameterRequest(string? Id, string? Name, string? Description = null, bool? NameVerified = null);

/// <summary>A new (or changed, while unused) model version.</summary>
public sealed record ModelVersionRequest(string? Key, string? Title, string? Source, IReadOnlyList<ParameterRequest?>? Parameters);

/// <summary>A parameter's name and description in one language.</summary>
public sealed record ParameterTextRequest(string? Id, string? Name, string? Description = null);

/// <summary>Translations of a model version's parameters into one UI language.</summary>
public sealed record ModelTextsRequest(IReadOnlyList<ParameterTextRequest?>? Parameters);

/// <summary>A parameter as shown: its name (and description) in the reader's language when translated, English otherwise.</summary>
public sealed record ParameterView(string Id, Sim3Category Category, string Name, bool NameVerified, string? Description, string EnglishName);

/// <summary>A model version with its parameters in SIM3 order, whether any assessment or profile uses it, and the level meanings.</summary>
public sealed record ModelVersionView(string Key, string Title, string Source, bool Used, IReadOnlyList<ParameterView> Parameters, IReadOnlyList<string> LevelMeanings);

/// <summary>
/// The maturity model as data: reading versions (in the reader's language), adding a new version, changing one that
/// nothing uses yet, and translating names. Node administrators change the model; everyone logged in reads it.
/// </summary>
public sealed class MaturityModels(RampartDb db, AuditTrail audit, TimeProvider clock)
{
    /// <summary>All model versions (a handful: SIM3 v1, v2 interim, later ones), newest key last.</summary>
    public async Task<IReadOnlyList<MaturityModelVersion>> VersionsAsync(CancellationToken cancellationToken) =>
        await db.MaturityModelVersions.AsNoTracking().OrderBy(v => v.CreatedAt).ThenBy(v => v.Key).ToListAsync(cancellationToken);

    /// <summary>One version with its parameters in <paramref name="culture"/> (falling back to English), or null when unknown.</summary>
    public async Task<ModelVersionView?> FindAsync(string key, CultureInfo culture, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(culture);
        var version = await db.MaturityModelVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Key == key, cancellationToken);
        if (version is null)
        {
            return null;
        }

        var parameters = await db.MaturityParameters.AsNoTracking().Where(p => p.ModelKey == key).OrderBy(p => p.Position).ToListAsync(cancellationToken);
        var cultureName = culture.Name;
        var texts = await db.MaturityParameterTexts.AsNoTracking().Where(t => t.ModelKey == key && t.Culture == cultureName)
            .ToDictionaryAsync(t => t.ParameterId, cancellationToken);
        return new ModelVersionView(version.Key, version.Title, version.Source, await IsUsedAsync(key, cancellationToken),
            parameters.Select(p => texts.TryGetValue(p.ParameterId, out var t)
                ? new ParameterView(p.ParameterId, p.Category, t.Name, p.NameVerified, t.Description ?? p.Description, p.Name)
                : new ParameterView(p.ParameterId, p.Category, p.Name, p.NameVerified, p.Description, p.Name)).ToList(),
            Sim3Model.LevelMeanings);
    }

    /// <summary>The parameter ids of a version in SIM3 order (empty for an unknown version).</summary>
    public async Task<IReadOnlyList<string>> ParameterIdsAsync(string key, CancellationToken cancellationToken) =>
        await db.MaturityParameters.AsNoTracking().Where(p => p.ModelKey == key).OrderBy(p => p.Position).Select(p => p.ParameterId).ToListAsync(cancellationToken);

    /// <summary>Whether an assessment or a target profile refers to the version: then it is never changed again.</summary>
    public async Task<bool> IsUsedAsync(string key, CancellationToken cancellationToken) =>
        await db.MaturityAssessments.AnyAsync(a => a.ModelKey == key, cancellationToken)
        || await db.MaturityProfiles.AnyAsync(p => p.ModelKey == key, cancellationToken);

    /// <summary>Whether <paramref name="caller"/> may add, change and translate model versions: a node administrator who is not read-only.</summary>
    public static bool CanChange(Caller caller) => caller is { IsNodeAdmin: true, ReadOnly: false };

    /// <summary>
    /// The stored translations of a version's parameters into <paramref name="culture"/>, by parameter id (empty when there
    /// are none): what the translation form starts from. Not the reader's view (<see cref="FindAsync"/> falls back to English).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, ParameterTextRequest>> TextsAsync(string key, string culture, CancellationToken cancellationToken) =>
        await db.MaturityParameterTexts.AsNoTracking().Where(t => t.ModelKey == key && t.Culture == culture)
            .ToDictionaryAsync(t => t.ParameterId, t => new ParameterTextRequest(t.ParameterId, t.Name, t.Description), StringComparer.Ordinal, cancellationToken);

    public async Task<MaturityModelVersion> AddAsync(Caller caller, ModelVersionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureNodeAdmin(caller);
        var errors = new RequestErrors();
        errors.SingleLine("key", request.Key, MaturityLimits.KeyLength);
        if (request.Key is { } key && !errors.Has("key") && !key.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
        {
            errors.Add("key", "Lower-case letters, digits, '-' and '.' only (for example 'sim3-v2').");
        }

        var parameters = Validate(request, errors);
        if (!errors.Has("key") && await db.MaturityModelVersions.AnyAsync(v => v.Key == request.Key, cancellationToken))
        {
            errors.Add("key", "A model version with this key exists; versions are never replaced, choose a new key.");
        }

        errors.ThrowIfAny();
        var version = new MaturityModelVersion { Key = request.Key!, Title = request.Title!.Trim(), Source = request.Source?.Trim() ?? "", CreatedAt = clock.GetUtcNow() };
        db.MaturityModelVersions.Add(version);
        db.MaturityParameters.AddRange(parameters.Select(p => { p.ModelKey = version.Key; return p; }));
        audit.Record(AuditEvent.MaturityModelAdded, caller, $"maturity-model:{version.Key}", detail: $"{parameters.Count} parameters");
        await db.SaveChangesAsync(cancellationToken);
        return version;
    }

    /// <summary>Replaces title and parameters of a version nothing uses yet; a used version is a 409 (add a new version). Null when unknown.</summary>
    public async Task<MaturityModelVersion?> ChangeAsync(Caller caller, string key, ModelVersionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureNodeAdmin(caller);
        var version = await db.MaturityModelVersions.FirstOrDefaultAsync(v => v.Key == key, cancellationToken);
        if (version is null)
        {
            return null;
        }

        var errors = new RequestErrors();
        if (request.Key is not null && request.Key != key)
        {
            errors.Add("key", "The key of a version does not change.");
        }

        var parameters = Validate(request, errors);
        errors.ThrowIfAny();
        if (await IsUsedAsync(key, cancellationToken))
        {
            throw new ConflictException($"Model version '{key}' is used by assessments or target profiles and is never changed; add a new version instead.");
        }

        // Two saves (the old rows must be gone before the same ids come back), one transaction: nothing half-changed.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        version.Title = request.Title!.Trim();
        version.Source = request.Source?.Trim() ?? "";
        db.MaturityParameters.RemoveRange(await db.MaturityParameters.Where(p => p.ModelKey == key).ToListAsync(cancellationToken));
        db.MaturityParameterTexts.RemoveRange(await db.MaturityParameterTexts.Where(p => p.ModelKey == key).ToListAsync(cancellationToken));
        await db.SaveChangesAsync(cancellationToken);
        db.MaturityParameters.AddRange(parameters.Select(p => { p.ModelKey = key; return p; }));
        audit.Record(AuditEvent.MaturityModelChanged, caller, $"maturity-model:{key}", detail: $"{parameters.Count} parameters");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return version;
    }

    /// <summary>Sets the names (and descriptions) of parameters in one UI language. Allowed on used versions: a translation does not change the model.</summary>
    public async Task<bool> TranslateAsync(Caller caller, string key, string culture, ModelTextsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        EnsureNodeAdmin(caller);
        if (!await db.MaturityModelVersions.AnyAsync(v => v.Key == key, cancellationToken))
        {
            return false;
        }

        var errors = new RequestErrors();
        if (!Languages.All.Any(l => l.Culture == culture) || culture == "en")
        {
            errors.Add("culture", $"One of the node's UI languages other than English: {string.Join(", ", Languages.All.Where(l => l.Culture != "en").Select(l => l.Culture))}.");
        }

        var known = (await ParameterIdsAsync(key, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var items = request.Parameters ?? [];
        if (items.Count == 0)
        {
            errors.Add("parameters", "Required: at least one parameter.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item is null)
            {
                errors.Add($"parameters[{i}]", "Required.");
                continue;
            }

            if (item.Id is null || !known.Contains(item.Id))
            {
                errors.Add($"parameters[{i}].id", $"Not a parameter of model version '{key}'.");
            }
            else if (!seen.Add(item.Id))
            {
                errors.Add($"parameters[{i}].id", "Given twice.");
            }

            errors.SingleLine($"parameters[{i}].name", item.Name, MaturityLimits.NameLength);
            errors.MultiLine($"parameters[{i}].description", item.Description, MaturityLimits.TextLength);
        }

        errors.ThrowIfAny();
        var existing = await db.MaturityParameterTexts.Where(t => t.ModelKey == key && t.Culture == culture).ToDictionaryAsync(t => t.ParameterId, cancellationToken);
        foreach (var item in items)
        {
            if (existing.TryGetValue(item!.Id!, out var text))
            {
                text.Name = item.Name!.Trim();
                text.Description = item.Description;
            }
            else
            {
                db.MaturityParameterTexts.Add(new MaturityParameterText { ModelKey = key, ParameterId = item.Id!, Culture = culture, Name = item.Name!.Trim(), Description = item.Description });
            }
        }

        audit.Record(AuditEvent.MaturityModelChanged, caller, $"maturity-model:{key}", detail: $"texts {culture}");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private static void EnsureNodeAdmin(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!CanChange(caller))
        {
            throw new ForbiddenException("Only node administrators change the maturity model.");
        }
    }

    private static List<MaturityParameter> Validate(ModelVersionRequest request, RequestErrors errors)
    {
        errors.SingleLine("title", request.Title, MaturityLimits.NameLength);
        errors.MultiLine("source", request.Source, MaturityLimits.TextLength);
        var items = request.Parameters ?? [];
        if (items.Count == 0)
        {
            errors.Add("parameters", "Required: at least one parameter.");
        }
        else if (items.Count > MaturityLimits.MaxParameters)
        {
            errors.Add("parameters", $"At most {MaturityLimits.MaxParameters} parameters.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<MaturityParameter>();
        for (var i = 0; i < Math.Min(items.Count, MaturityLimits.MaxParameters); i++)
        {
            var item = items[i];
            if (item is null)
            {
                errors.Add($"parameters[{i}]", "Required.");
                continue;
            }

            var category = Sim3Model.CategoryOf(item.Id);
            if (category is null || item.Id!.Length > MaturityLimits.ParameterIdLength)
            {
                errors.Add($"parameters[{i}].id", "A SIM3 id: O, H, T or P, a hyphen and a number (for example 'O-6').");
            }
            else if (!seen.Add(item.Id))
            {
                errors.Add($"parameters[{i}].id", "Given twice.");
            }

            errors.SingleLine($"parameters[{i}].name", item.Name, MaturityLimits.NameLength);
            errors.MultiLine($"parameters[{i}].description", item.Description, MaturityLimits.TextLength);
            if (category is { } c && item.Name is not null)
            {
                result.Add(new MaturityParameter
                {
                    ModelKey = "", ParameterId = item.Id!, Category = c, Position = i + 1, Name = item.Name.Trim(),
                    NameVerified = item.NameVerified ?? false, Description = string.IsNullOrWhiteSpace(item.Description) ? null : item.Description,
                });
            }
        }

        return result;
    }
}
