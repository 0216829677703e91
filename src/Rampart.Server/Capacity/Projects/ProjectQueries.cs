using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;

namespace Rampart.Server.Capacity.Projects;

/// <summary>The registry's filters; each one given is an equality lookup on <see cref="ProjectFacet"/>.</summary>
public sealed record ProjectFilter(string? Country = null, ProjectTheme? Theme = null, string? Actor = null, ProjectStatus? Status = null, int? Year = null)
{
    public IReadOnlyList<(ProjectFacetKind Kind, string Value)> Facets()
    {
        var facets = new List<(ProjectFacetKind, string)>();
        if (Country is not null)
        {
            facets.Add((ProjectFacetKind.Country, Country));
        }

        if (Theme is { } theme)
        {
            facets.Add((ProjectFacetKind.Theme, ProjectRules.ThemeValue(theme)));
        }

        if (Status is { } status)
        {
            facets.Add((ProjectFacetKind.Status, ProjectRules.StatusValue(status)));
        }

        if (Year is { } year)
        {
            facets.Add((ProjectFacetKind.Year, year.ToString(CultureInfo.InvariantCulture)));
        }

        if (Actor is not null)
        {
            facets.Add((ProjectFacetKind.Actor, Guid.TryParse(Actor, out var organisation) ? ProjectRules.ActorValue(organisation, null) : ProjectRules.ActorValue(null, Actor)));
        }

        return facets;
    }

    /// <summary>What a page cursor is bound to: the same filter, or the cursor is refused.</summary>
    public string Scope => string.Join('|', Facets().Select(f => $"{(int)f.Kind}={f.Value}"));

    /// <summary>The filter from query-string values, each checked (a 400 naming the parameter otherwise).</summary>
    public static ProjectFilter Parse(string? country, string? theme, string? actor, string? status, string? year)
    {
        var errors = new RequestErrors();
        string? countryCode = null;
        if (!string.IsNullOrWhiteSpace(country))
        {
            countryCode = country.Trim().ToUpperInvariant();
            if (!Organisations.Countries.IsKnown(countryCode))
            {
                errors.Add("country", "Not an ISO 3166-1 alpha-2 country code (XK for Kosovo).");
            }
        }

        ProjectTheme? themeValue = null;
        if (!string.IsNullOrWhiteSpace(theme))
        {
            themeValue = Enum.GetValues<ProjectTheme>().Cast<ProjectTheme?>().FirstOrDefault(t => ProjectRules.ThemeValue(t!.Value) == theme.Trim());
            if (themeValue is null)
            {
                errors.Add("theme", "One of: " + string.Join(", ", Enum.GetValues<ProjectTheme>().Select(ProjectRules.ThemeValue)) + ".");
            }
        }

        ProjectStatus? statusValue = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            statusValue = Enum.GetValues<ProjectStatus>().Cast<ProjectStatus?>().FirstOrDefault(s => ProjectRules.StatusValue(s!.Value) == status.Trim());
            if (statusValue is null)
            {
                errors.Add("status", "One of: planned, ongoing, completed, cancelled.");
            }
        }

        int? yearValue = null;
        if (!string.IsNullOrWhiteSpace(year))
        {
            if (int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var y) && y is >= 1990 and <= 2100)
            {
                yearValue = y;
            }
            else
            {
                errors.Add("year", "A year between 1990 and 2100.");
            }
        }

        string? actorValue = null;
        if (!string.IsNullOrWhiteSpace(actor))
        {
            errors.SingleLine("actor", actor, ProjectRules.NameLength);
            if (!errors.Has("actor") && !Guid.TryParse(actor, out _) && ProjectRules.TitleKey(actor).Length == 0)
            {
                errors.Add("actor", "An organisation id or an actor's name (with a letter or digit).");
            }

            actorValue = actor.Trim();
        }

        errors.ThrowIfAny();
        return new ProjectFilter(countryCode, themeValue, actorValue, statusValue, yearValue);
    }
}

/// <summary>Money of one currency going to one country or theme: never summed across currencies.</summary>
public sealed record FundingItem(string Key, string Currency, long Total, int Projects);

/// <summary>
/// Every read of the registry — API, pages, public pages, exports, the funding chart — goes through here, and from here
/// through <see cref="AccessPolicy"/>.
/// </summary>
public sealed class ProjectQueries(RampartDb db, AccessPolicy access)
{
    /// <summary>The project with public id <paramref name="id"/> if the caller may read it; null otherwise, exactly as for an unknown id.</summary>
    public async Task<CapacityProject?> FindAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await access.Readable(db.CapacityProjects.AsNoTracking().Include(p => p.Record), caller).FirstOrDefaultAsync(p => p.Id == id, cancellationToken);

    /// <summary>Of the projects <paramref name="ids"/>, those the caller may read, by id (one query per 500 ids).</summary>
    public async Task<IReadOnlyDictionary<Guid, CapacityProject>> FindManyAsync(Caller caller, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var found = new Dictionary<Guid, CapacityProject>();
        foreach (var chunk in ids.Distinct().Chunk(500))
        {
            var wanted = chunk.ToList();
            foreach (var project in await access.Readable(db.CapacityProjects.AsNoTracking().Include(p => p.Record), caller).Where(p => EF.Parameter(wanted).Contains(p.Id))
                .ToListAsync(cancellationToken))
            {
                found[project.Id] = project;
            }
        }

        return found;
    }

    /// <summary>Up to <paramref name="limit"/> readable projects matching <paramref name="filter"/>, newest first, below <paramref name="before"/>; and whether more follow.</summary>
    public async Task<(IReadOnlyList<CapacityProject> Projects, bool More)> ListAsync(Caller caller, ProjectFilter filter, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var facets = filter.Facets();
        List<long> ids;
        if (facets.Count == 0)
        {
            ids = [.. await access.ReadableIdsAsync(caller, CapacityProject.Type, before, limit + 1, cancellationToken)];
        }
        else
        {
            ids = await access.Readable(Filtered(facets, before), caller).OrderByDescending(p => p.RecordId).Select(p => p.RecordId)
                .Take(limit + 1).ToListAsync(cancellationToken);
        }

        var more = ids.Count > limit;
        var recordIds = ids.Take(limit).ToList();
        // The ids come from the access decision above; this only fetches their rows.
        var page = await db.CapacityProjects.AsNoTracking().Include(p => p.Record).Where(p => EF.Parameter(recordIds).Contains(p.RecordId))
            .OrderByDescending(p => p.RecordId).ToListAsync(cancellationToken);
        return (page, more);
    }

    /// <summary>
    /// Funding of the readable projects matching <paramref name="filter"/> by country (or theme) and currency: a project
    /// counts fully in each of its countries (themes); currencies are never added to each other.
    /// </summary>
    public async Task<IReadOnlyList<FundingItem>> FundingAsync(Caller caller, ProjectFacetKind kind, ProjectFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var projects = access.Readable(Filtered(filter.Facets(), null), caller).Where(p => p.Budget != null && p.Currency != null);
        var rows = await (
                from f in db.CapacityProjectFacets.AsNoTracking()
                where f.Kind == kind
                join p in projects on f.RecordId equals p.RecordId
                group p by new { f.Value, p.Currency } into g
                select new { g.Key.Value, g.Key.Currency, Total = g.Sum(p => p.Budget!.Value), Projects = g.Count() })
            .ToListAsync(cancellationToken);
        return rows.Select(r => new FundingItem(r.Value, r.Currency!, r.Total, r.Projects))
            .OrderBy(r => r.Key, StringComparer.Ordinal).ThenByDescending(r => r.Total).ToList();
    }

    /// <summary>
    /// The pages' project picker: up to <paramref name="limit"/> readable projects whose code starts with the text or whose
    /// title (as <see cref="ProjectRules.TitleKey"/> normalises it) contains it, newest first; none for a text shorter than
    /// <see cref="SearchKeys.MinPickerText"/> characters (nothing is scanned) or too long.
    /// </summary>
    public async Task<IReadOnlyList<CapacityProject>> PickAsync(Caller caller, string? text, int limit, CancellationToken cancellationToken)
    {
        var wanted = (text ?? "").Trim();
        if (wanted.Length < SearchKeys.MinPickerText || wanted.Length > ProjectRules.TitleLength)
        {
            return [];
        }

        var code = ProjectRules.CodeKey(wanted)!;
        var title = ProjectRules.TitleKey(wanted);
        // StartsWith/Contains as SQL LIKE on both databases (the keys are stored upper-cased and normalised).
#pragma warning disable CA1307, CA1310
        var matching = title.Length == 0
            ? db.CapacityProjects.AsNoTracking().Where(p => p.CodeKey != null && p.CodeKey.StartsWith(code))
            : db.CapacityProjects.AsNoTracking().Where(p => (p.CodeKey != null && p.CodeKey.StartsWith(code)) || p.TitleKey.Contains(title));
#pragma warning restore CA1307, CA1310
        return await access.Readable(matching.Include(p => p.Record), caller).OrderByDescending(p => p.RecordId).Take(limit).ToListAsync(cancellationToken);
    }

    /// <summary>The readable projects holding one of <paramref name="codeKeys"/> or <paramref name="titleKeys"/> (the CSV import's duplicate check).</summary>
    public async Task<IReadOnlyList<(Guid Id, string? CodeKey, string TitleKey, string Title)>> DuplicatesAsync(Caller caller, IReadOnlyCollection<string> codeKeys,
        IReadOnlyCollection<string> titleKeys, CancellationToken cancellationToken)
    {
        var codes = codeKeys.ToList();
        var titles = titleKeys.ToList();
        var found = new List<(Guid, string?, string, string)>();
        // In slices: one statement per 500 keys keeps the parameter list small on both databases.
        foreach (var slice in codes.Chunk(500))
        {
            var rows = await access.Readable(db.CapacityProjects.AsNoTracking().Where(p => slice.Contains(p.CodeKey!)), caller)
                .Select(p => new { p.Id, p.CodeKey, p.TitleKey, p.Title }).ToListAsync(cancellationToken);
            found.AddRange(rows.Select(r => (r.Id, r.CodeKey, r.TitleKey, r.Title)));
        }

        foreach (var slice in titles.Chunk(500))
        {
            var rows = await access.Readable(db.CapacityProjects.AsNoTracking().Where(p => slice.Contains(p.TitleKey)), caller)
                .Select(p => new { p.Id, p.CodeKey, p.TitleKey, p.Title }).ToListAsync(cancellationToken);
            found.AddRange(rows.Select(r => (r.Id, r.CodeKey, r.TitleKey, r.Title)));
        }

        return found;
    }

    /// <summary>
    /// The suggestions of a readable project the caller may see: all of them for the owning organisation, its own for
    /// another organisation; newest first, below <paramref name="before"/>. Null when the project is not readable.
    /// </summary>
    public async Task<(IReadOnlyList<ProjectSuggestion> Suggestions, bool More)?> SuggestionsAsync(Caller caller, Guid projectId, Guid? before, int limit, CancellationToken cancellationToken)
    {
        var project = await FindAsync(caller, projectId, cancellationToken);
        if (project is null)
        {
            return null;
        }

        var query = db.CapacityProjectSuggestions.AsNoTracking().Where(s => s.ProjectRecordId == project.RecordId);
        if (project.Record.OwnerOrganisationId != caller.OrganisationId)
        {
            var organisation = caller.OrganisationId;
            query = query.Where(s => s.OrganisationId == organisation);
        }

        if (before is { } b)
        {
            query = query.Where(s => s.Id.CompareTo(b) < 0);
        }

        var rows = await query.OrderByDescending(s => s.Id).Take(limit + 1).ToListAsync(cancellationToken);
        return (rows.Take(limit).ToList(), rows.Count > limit);
    }

    /// <summary>Names (short and full) of the organisations a page of projects names, in one query.</summary>
    public async Task<IReadOnlyDictionary<Guid, (string ShortName, string Name)>> OrganisationNamesAsync(IEnumerable<CapacityProject> projects, CancellationToken cancellationToken)
    {
        var ids = projects.SelectMany(p => p.Lists.Actors.Where(a => a.OrganisationId is not null).Select(a => a.OrganisationId!.Value).Append(p.Record.OwnerOrganisationId))
            .Distinct().ToList();
        return await db.Organisations.AsNoTracking().Where(o => ids.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => (o.ShortName, o.Name), cancellationToken);
    }

    /// <summary>The proposed project of a suggestion, as it was sent.</summary>
    public static ProjectRequest ProposedOf(ProjectSuggestion suggestion)
    {
        ArgumentNullException.ThrowIfNull(suggestion);
        return JsonSerializer.Deserialize<ProjectRequest>(suggestion.Proposed, ProjectRules.StoreJson)!;
    }

    private IQueryable<CapacityProject> Filtered(IReadOnlyList<(ProjectFacetKind Kind, string Value)> facets, long? before)
    {
        var below = before ?? long.MaxValue;
        var query = db.CapacityProjects.AsNoTracking().Where(p => p.RecordId < below);
        var table = db.CapacityProjectFacets;
        foreach (var (kind, value) in facets)
        {
            query = query.Where(p => table.Any(f => f.Kind == kind && f.Value == value && f.RecordId == p.RecordId));
        }

        return query;
    }
}
