using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Primitives;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Ingest;
using Rampart.Standards.Intelligence.Csv;
using Rampart.Standards.Intelligence.Exports;

namespace Rampart.Server.Intelligence.CsvMappings;

/// <summary>
/// A saved mapping as a client sends it: the parameters of <c>POST /api/intel/csv</c>'s query string under the same
/// names, plus its name. Create and replace (PUT) take the whole mapping; what is left out takes the import's default.
/// <see cref="Id"/>, <see cref="CreatedAt"/> and <see cref="UpdatedAt"/> are what GET shows, so that a mapping read
/// back, changed and sent again is accepted: a body id other than the address's is a 400, and with updatedAt as read a
/// PUT made after someone else's change is a 409 (nothing changed).
/// </summary>
public sealed record CsvMappingRequest(
    string? Name,
    [property: JsonPropertyName("value_column")] string? ValueColumn = null,
    string? Kind = null,
    [property: JsonPropertyName("kind_column")] string? KindColumn = null,
    [property: JsonPropertyName("label_column")] IReadOnlyList<string>? LabelColumn = null,
    [property: JsonPropertyName("label_separator")] string? LabelSeparator = null,
    IReadOnlyList<string>? Label = null,
    [property: JsonPropertyName("description_column")] string? DescriptionColumn = null,
    [property: JsonPropertyName("first_seen_column")] string? FirstSeenColumn = null,
    [property: JsonPropertyName("last_seen_column")] string? LastSeenColumn = null,
    [property: JsonPropertyName("valid_until_column")] string? ValidUntilColumn = null,
    [property: JsonPropertyName("tlp_column")] string? TlpColumn = null,
    [property: JsonPropertyName("confidence_column")] string? ConfidenceColumn = null,
    bool? Header = null,
    string? Delimiter = null,
    [property: JsonPropertyName("skip_comments")] bool? SkipComments = null,
    bool? Refang = null,
    Guid? Id = null,
    DateTimeOffset? CreatedAt = null,
    DateTimeOffset? UpdatedAt = null);

/// <summary>A saved mapping as the API shows it: every parameter with its effective value.</summary>
public sealed record CsvMappingView(
    Guid Id,
    string Name,
    [property: JsonPropertyName("value_column")] string ValueColumn,
    string? Kind,
    [property: JsonPropertyName("kind_column")] string? KindColumn,
    [property: JsonPropertyName("label_column")] IReadOnlyList<string> LabelColumn,
    [property: JsonPropertyName("label_separator")] string LabelSeparator,
    IReadOnlyList<string> Label,
    [property: JsonPropertyName("description_column")] string? DescriptionColumn,
    [property: JsonPropertyName("first_seen_column")] string? FirstSeenColumn,
    [property: JsonPropertyName("last_seen_column")] string? LastSeenColumn,
    [property: JsonPropertyName("valid_until_column")] string? ValidUntilColumn,
    [property: JsonPropertyName("tlp_column")] string? TlpColumn,
    [property: JsonPropertyName("confidence_column")] string? ConfidenceColumn,
    bool Header,
    string Delimiter,
    [property: JsonPropertyName("skip_comments")] bool SkipComments,
    bool Refang,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// Saves, changes, lists and removes an organisation's CSV mappings, and resolves <c>mapping=</c> of a CSV import.
/// Every member of the organisation sees its mappings; whoever may import for it (analysts and its admins, not
/// viewers or read-only keys) saves, changes and deletes them — a mapping shares nothing by itself, unlike a feed or
/// a webhook, and a feed copies the mapping it names when it is saved. Another organisation's mapping — also for a
/// node admin — does not exist (404; 400 naming <c>mapping</c> on import, as for a name nobody saved).
/// </summary>
public sealed class CsvMappingAdministration(RampartDb db, AuditTrail audit, TimeProvider clock)
{
    /// <summary>The query-string parameters a mapping consists of (everything <see cref="IntelCsvImport.Mapping"/> reads).</summary>
    public static readonly IReadOnlyList<string> ParameterNames =
    [
        "value_column", "kind", "kind_column", "label_column", "label_separator", "label", "description_column", "first_seen_column",
        "last_seen_column", "valid_until_column", "tlp_column", "confidence_column", "header", "delimiter", "skip_comments", "refang",
    ];

    private static readonly JsonSerializerOptions Unescaped = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] ColumnParameters =
        ["value_column", "kind_column", "label_column", "description_column", "first_seen_column", "last_seen_column", "valid_until_column", "tlp_column", "confidence_column"];

    /// <summary>Parses the stored parameters of <paramref name="mapping"/>.</summary>
    public static Dictionary<string, StringValues> ParametersOf(IntelCsvMapping mapping)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var stored = JsonSerializer.Deserialize<Dictionary<string, string[]>>(mapping.Parameters) ?? [];
        return stored.ToDictionary(p => p.Key, p => new StringValues(p.Value), StringComparer.Ordinal);
    }

    /// <summary>The mapping the import reads from the saved parameters.</summary>
    public static CsvMapping MappingOf(IntelCsvMapping mapping) => IntelCsvImport.Mapping(new QueryCollection(ParametersOf(mapping)));

    public static CsvMappingView View(IntelCsvMapping saved)
    {
        ArgumentNullException.ThrowIfNull(saved);
        var m = MappingOf(saved);
        static string Char(char c) => c == '\t' ? "tab" : c.ToString();
        return new(saved.PublicId, saved.Name, m.ValueColumn, m.FixedKind is { } k ? KindCodes.Code(k) : null, m.KindColumn, m.LabelColumns, Char(m.LabelSeparator),
            m.FixedLabels, m.DescriptionColumn, m.FirstSeenColumn, m.LastSeenColumn, m.ValidUntilColumn, m.TlpColumn, m.ConfidenceColumn,
            m.HasHeader, Char(m.Delimiter), m.SkipCommentLines, m.Refang, saved.CreatedAt, saved.UpdatedAt);
    }

    /// <summary>The request's parameters in query form, as <see cref="IntelCsvImport.Mapping"/> reads them.</summary>
    public static Dictionary<string, StringValues> ParametersOf(CsvMappingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = new Dictionary<string, StringValues>(StringComparer.Ordinal);
        void One(string name, string? value)
        {
            if (value is not null)
            {
                values[name] = value;
            }
        }

        void Many(string name, IReadOnlyList<string>? list)
        {
            if (list is { Count: > 0 })
            {
                values[name] = new StringValues([.. list]);
            }
        }

        static string? Flag(bool? b) => b is { } v ? (v ? "true" : "false") : null;
        One("value_column", request.ValueColumn);
        One("kind", request.Kind);
        One("kind_column", request.KindColumn);
        Many("label_column", request.LabelColumn);
        One("label_separator", request.LabelSeparator);
        Many("label", request.Label);
        One("description_column", request.DescriptionColumn);
        One("first_seen_column", request.FirstSeenColumn);
        One("last_seen_column", request.LastSeenColumn);
        One("valid_until_column", request.ValidUntilColumn);
        One("tlp_column", request.TlpColumn);
        One("confidence_column", request.ConfidenceColumn);
        One("header", Flag(request.Header));
        One("delimiter", request.Delimiter);
        One("skip_comments", Flag(request.SkipComments));
        One("refang", Flag(request.Refang));
        return values;
    }

    private static void EnsureMember(Caller caller)
    {
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            throw new ForbiddenException("CSV mappings belong to an organisation.");
        }
    }

    private static void EnsureWriter(Caller caller)
    {
        if (!AccessPolicy.CanCreate(caller))
        {
            throw new ForbiddenException("Viewers and read-only keys cannot change the organisation's CSV mappings.");
        }
    }

    public async Task<(IReadOnlyList<IntelCsvMapping> Items, bool More)> ListAsync(Caller caller, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsureMember(caller);
        var below = before ?? long.MaxValue;
        var rows = await db.IntelCsvMappings.AsNoTracking()
            .Where(m => m.OrganisationId == caller.OrganisationId && m.Id < below)
            .OrderByDescending(m => m.Id).Take(limit + 1).ToListAsync(cancellationToken);
        return (rows.Take(limit).ToList(), rows.Count > limit);
    }

    /// <summary>Every mapping of the caller's organisation by name (at most <see cref="CsvMappingLimits.MaxPerOrganisation"/>): the import page's picker.</summary>
    public async Task<IReadOnlyList<IntelCsvMapping>> AllAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsureMember(caller);
        var rows = await db.IntelCsvMappings.AsNoTracking().Where(m => m.OrganisationId == caller.OrganisationId)
            .OrderBy(m => m.Id).Take(CsvMappingLimits.MaxPerOrganisation).ToListAsync(cancellationToken);
        return [.. rows.OrderBy(m => m.Name, StringComparer.CurrentCultureIgnoreCase)];
    }

    public async Task<IntelCsvMapping?> FindAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsureMember(caller);
        return await db.IntelCsvMappings.FirstOrDefaultAsync(m => m.PublicId == id && m.OrganisationId == caller.OrganisationId, cancellationToken);
    }

    /// <summary>The caller's organisation's mapping with this id or (exact) name; null for any other.</summary>
    public async Task<IntelCsvMapping?> FindByIdOrNameAsync(Caller caller, string idOrName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(idOrName);
        if (!caller.IsAuthenticated || caller.IsOperator || idOrName.Length > CsvMappingLimits.NameLength || idOrName.Any(TextRules.IsForbidden))
        {
            return null;
        }

        var organisation = caller.OrganisationId;
        var name = idOrName.Trim();
        if (Guid.TryParse(name, out var id))
        {
            return await db.IntelCsvMappings.AsNoTracking().FirstOrDefaultAsync(m => m.PublicId == id && m.OrganisationId == organisation, cancellationToken);
        }

        return await db.IntelCsvMappings.AsNoTracking().FirstOrDefaultAsync(m => m.OrganisationId == organisation && m.Name == name, cancellationToken)
            ?? (await SameNameAsync(organisation, name, 0, cancellationToken) is { } other
                ? await db.IntelCsvMappings.AsNoTracking().FirstOrDefaultAsync(m => m.Id == other, cancellationToken) : null);
    }

    /// <summary>
    /// The organisation's other mapping whose name differs from <paramref name="name"/> in case only, or is equal
    /// (names are unique without regard to case: "Abuse.ch" and "abuse.ch" are one feed to an analyst). Compared here,
    /// not in SQL, so that Cyrillic and Georgian fold the same on SQLite (whose lower() folds ASCII only) and PostgreSQL;
    /// an organisation has at most <see cref="CsvMappingLimits.MaxPerOrganisation"/> names.
    /// </summary>
    private async Task<long?> SameNameAsync(Guid organisation, string name, long self, CancellationToken cancellationToken)
    {
        var names = await db.IntelCsvMappings.AsNoTracking().Where(m => m.OrganisationId == organisation && m.Id != self)
            .OrderBy(m => m.Id).Select(m => new { m.Id, m.Name }).Take(CsvMappingLimits.MaxPerOrganisation + 1).ToListAsync(cancellationToken);
        return names.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase))?.Id;
    }

    /// <summary>
    /// The mapping of a CSV import: the query string's, or — with <c>mapping=</c> — the saved mapping of the caller's
    /// organisation with each mapping parameter the query string also gives replacing the saved one (an empty value
    /// clears it; <c>kind</c> and <c>kind_column</c> replace each other). A mapping nobody of the organisation saved
    /// is a 400 naming <c>mapping</c>, whoever else may have one by that name or id.
    /// </summary>
    public async Task<CsvMapping> ResolveAsync(Caller caller, IQueryCollection query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(query);
        if (!query.TryGetValue("mapping", out var named) || string.IsNullOrWhiteSpace(named[^1]))
        {
            return IntelCsvImport.Mapping(query);
        }

        var saved = await FindByIdOrNameAsync(caller, named[^1]!, cancellationToken)
            ?? throw RequestErrors.One("mapping", "Your organisation has no saved CSV mapping with this id or name.");
        var merged = ParametersOf(saved);
        if (query.ContainsKey("kind") || query.ContainsKey("kind_column"))
        {
            merged.Remove("kind");
            merged.Remove("kind_column");
        }

        foreach (var name in ParameterNames.Where(query.ContainsKey))
        {
            merged[name] = query[name];
        }

        return IntelCsvImport.Mapping(new QueryCollection(merged));
    }

    public async Task<IntelCsvMapping> CreateAsync(Caller caller, CsvMappingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        EnsureMember(caller);
        EnsureWriter(caller);
        var now = clock.GetUtcNow();
        var saved = new IntelCsvMapping
        {
            PublicId = Guid.CreateVersion7(now),
            OrganisationId = caller.OrganisationId,
            CreatedByUserId = caller.UserId,
            CreatedAt = now,
        };
        var errors = new RequestErrors();
        var organisation = caller.OrganisationId;
        if (await db.IntelCsvMappings.CountAsync(m => m.OrganisationId == organisation, cancellationToken) >= CsvMappingLimits.MaxPerOrganisation)
        {
            errors.Add("name", $"An organisation has at most {CsvMappingLimits.MaxPerOrganisation} saved CSV mappings.");
        }

        await ApplyAsync(saved, request, errors, now, cancellationToken);
        db.IntelCsvMappings.Add(saved);
        audit.Record(AuditEvent.IntelCsvMappingCreated, caller, $"csv-mapping:{saved.PublicId}", detail: saved.Name);
        await SaveAsync(saved, cancellationToken);
        return saved;
    }

    public async Task<IntelCsvMapping?> UpdateAsync(Caller caller, Guid id, CsvMappingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var saved = await FindAsync(caller, id, cancellationToken);
        if (saved is null)
        {
            return null;
        }

        EnsureWriter(caller);
        ReadBack.Check(request.Id, id, request.UpdatedAt, saved.UpdatedAt, "mapping");

        await ApplyAsync(saved, request, new RequestErrors(), clock.GetUtcNow(), cancellationToken);
        audit.Record(AuditEvent.IntelCsvMappingChanged, caller, $"csv-mapping:{saved.PublicId}", detail: saved.Name);
        await SaveAsync(saved, cancellationToken);
        return saved;
    }

    public async Task<bool> DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var saved = await FindAsync(caller, id, cancellationToken);
        if (saved is null)
        {
            return false;
        }

        EnsureWriter(caller);
        db.IntelCsvMappings.Remove(saved);
        audit.Record(AuditEvent.IntelCsvMappingDeleted, caller, $"csv-mapping:{saved.PublicId}", detail: saved.Name);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    // Two writers saving the same name at once: the unique index decides, the loser gets the same 400 as a late one.
    private async Task SaveAsync(IntelCsvMapping saved, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            var (organisation, name, self) = (saved.OrganisationId, saved.Name, saved.Id);
            db.ChangeTracker.Clear();
            if (await db.IntelCsvMappings.AnyAsync(m => m.OrganisationId == organisation && m.Name == name && m.Id != self, cancellationToken))
            {
                throw RequestErrors.One("name", "Your organisation already has a CSV mapping of this name.");
            }

            throw;
        }
    }

    // Validates completely (the name, then the parameters exactly as the query string's), then changes the row.
    private async Task ApplyAsync(IntelCsvMapping saved, CsvMappingRequest request, RequestErrors errors, DateTimeOffset now, CancellationToken cancellationToken)
    {
        errors.SingleLine("name", request.Name, CsvMappingLimits.NameLength);
        var name = request.Name?.Trim() ?? "";
        if (!errors.Has("name"))
        {
            var organisation = saved.OrganisationId;
            var self = saved.Id;
            if (await SameNameAsync(organisation, name, self, cancellationToken) is not null)
            {
                errors.Add("name", "Your organisation already has a CSV mapping of this name (names are compared without regard to case).");
            }
            else if (Guid.TryParse(name, out _))
            {
                errors.Add("name", "A name, not a UUID (mapping= takes either).");
            }
        }

        var parameters = ParametersOf(request);
        foreach (var (field, values) in parameters)
        {
            var columns = ColumnParameters.Contains(field);
            if (values.Count > CsvMappingLimits.MaxColumns)
            {
                errors.Add(field, $"At most {CsvMappingLimits.MaxColumns}.");
            }
            else if (values.Any(v => v is null || v.Any(TextRules.IsForbidden)))
            {
                errors.Add(field, "Control characters are not allowed.");
            }
            else if (columns && values.Any(v => v!.Length > CsvMappingLimits.ColumnLength))
            {
                errors.Add(field, $"At most {CsvMappingLimits.ColumnLength} characters.");
            }
        }

        try
        {
            _ = IntelCsvImport.Mapping(new QueryCollection(parameters));
        }
        catch (RequestValidationException e)
        {
            foreach (var (field, reasons) in e.Errors.ToDictionary())
            {
                if (!errors.Has(field))
                {
                    foreach (var reason in reasons)
                    {
                        errors.Add(field, reason);
                    }
                }
            }
        }

        // Stored unescaped: a Cyrillic or Georgian letter counts one character, as a Latin one (escaped, it took six).
        var json = JsonSerializer.Serialize(parameters.ToDictionary(p => p.Key, p => p.Value.ToArray()), Unescaped);
        if (!errors.Any && json.Length > CsvMappingLimits.ParametersLength)
        {
            // Each value passed its own limit; together they are too long. Named: the parameter holding the most text.
            var longest = parameters.MaxBy(p => p.Value.Sum(v => v?.Length ?? 0)).Key;
            errors.Add(longest, $"The mapping is longer than {CsvMappingLimits.ParametersLength} characters in all; shorten this.");
        }

        errors.ThrowIfAny();
        saved.Name = name;
        saved.Parameters = json;
        saved.UpdatedAt = now;
    }
}
