using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Rampart.Server.Organisations;

namespace Rampart.Server.Capacity.Projects;

/// <summary>A project as a client sends it (create, change, suggest, and each CSV row).</summary>
public sealed record ProjectRequest(
    string? Title,
    string? Code = null,
    ProjectStatus? Status = null,
    string? Start = null,
    string? End = null,
    IReadOnlyList<ProjectTheme>? Themes = null,
    IReadOnlyList<string>? Tags = null,
    string? Summary = null,
    string? Aim = null,
    string? Context = null,
    string? Outcomes = null,
    IReadOnlyList<string>? Countries = null,
    IReadOnlyList<ActorRequest>? Actors = null,
    long? Budget = null,
    string? Currency = null,
    IReadOnlyList<LinkRequest>? Links = null,
    IReadOnlyList<LinkRequest>? Publications = null,
    ProjectVisibility? Visibility = null);

/// <summary>An actor as a client names it: an organisation of the node by <see cref="OrganisationId"/>, or an external one by <see cref="Name"/>.</summary>
public sealed record ActorRequest(ActorRole? Role, Guid? OrganisationId = null, string? Name = null);

public sealed record LinkRequest(string? Title, string? Url);

/// <summary>A request after validation: normalised, every rule met.</summary>
public sealed record ProjectContent(
    string Title, string? Code, ProjectStatus Status, string Start, string? End, string Summary, string Aim, string Context, string Outcomes,
    long? Budget, string? Currency, ProjectLists Lists, ProjectVisibility Visibility);

/// <summary>The registry's rules: limits, normalisation for duplicate detection, and validation naming the field at fault.</summary>
public static class ProjectRules
{
    public const int TitleLength = 300;
    public const int CodeLength = 64;
    public const int TextLength = 20_000;
    public const int FacetLength = 120;
    public const int TagLength = 60;
    public const int NameLength = 200;
    public const int UrlLength = 2_000;
    public const int MaxItems = 50;
    public const long MaxBudget = 1_000_000_000_000;
    public const int MaxYears = 40;

    internal static readonly JsonSerializerOptions StoreJson = CreateStoreJson();

    private static JsonSerializerOptions CreateStoreJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        return options;
    }

    /// <summary>The active ISO 4217 currency codes the platform knows (from every specific culture's region).</summary>
    public static IReadOnlySet<string> Currencies { get; } = CultureInfo.GetCultures(CultureTypes.SpecificCultures)
        .Select(c =>
        {
            try
            {
                return new RegionInfo(c.Name).ISOCurrencySymbol;
            }
            catch (ArgumentException)
            {
                return null;
            }
        })
        .Where(c => c is { Length: 3 } && c.All(char.IsAsciiLetterUpper))
        .Select(c => c!)
        .Concat(["EUR", "USD", "GBP", "CHF", "ALL", "RSD", "MKD", "BAM", "GEL", "MDL", "JPY", "SEK", "NOK", "DKK", "CAD", "AUD"])
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>Upper case, trimmed: "cb-2025-01" and "CB-2025-01 " are one code.</summary>
    public static string? CodeKey(string? code) => string.IsNullOrWhiteSpace(code) ? null : code.Trim().ToUpperInvariant();

    /// <summary>
    /// The title as duplicate detection compares it: letters and digits only, lower case, diacritics removed, words
    /// separated by one space ("Cyber-Resilience  in the W. Balkans" = "cyber resilience in the w balkans").
    /// </summary>
    public static string TitleKey(string title) => SearchKeys.Of(title, TitleLength);

    /// <summary>A month as <c>yyyy-MM</c> (1990–2100), or null.</summary>
    public static (int Year, int Month)? ParseMonth(string? text)
    {
        if (text is not { Length: 7 } || text[4] != '-'
            || !int.TryParse(text.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || !int.TryParse(text.AsSpan(5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
            || year is < 1990 or > 2100 || month is < 1 or > 12)
        {
            return null;
        }

        return (year, month);
    }

    /// <summary>
    /// Checks <paramref name="request"/> completely, adding every broken rule to <paramref name="errors"/> (field names
    /// prefixed by <paramref name="prefix"/>); organisations named as actors must be in <paramref name="knownOrganisations"/>.
    /// </summary>
    public static ProjectContent? Validate(ProjectRequest request, IReadOnlySet<Guid> knownOrganisations, RequestErrors errors, string prefix = "",
        ProjectVisibility? defaultVisibility = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(knownOrganisations);
        ArgumentNullException.ThrowIfNull(errors);
        var before = errors.ToDictionary().Count;
        string F(string field) => prefix + field;

        errors.SingleLine(F("title"), request.Title, TitleLength);
        if (request.Title is not null && !string.IsNullOrWhiteSpace(request.Title) && TitleKey(request.Title).Length == 0)
        {
            errors.Add(F("title"), "Needs at least one letter or digit.");
        }

        errors.SingleLine(F("code"), request.Code, CodeLength, required: false);
        if (request.Status is not { } status || !Enum.IsDefined(status))
        {
            errors.Add(F("status"), "Required: planned, ongoing, completed or cancelled.");
            status = default;
        }

        var start = ParseMonth(request.Start);
        if (start is null)
        {
            errors.Add(F("start"), "Required: the first month as yyyy-MM (1990-2100).");
        }

        var end = request.End is null || request.End.Length == 0 ? null : ParseMonth(request.End);
        if (request.End is { Length: > 0 } && end is null)
        {
            errors.Add(F("end"), "The last month as yyyy-MM (1990-2100), or nothing while open-ended.");
        }
        else if (start is { } s && end is { } e && (e.Year, e.Month).CompareTo((s.Year, s.Month)) < 0)
        {
            errors.Add(F("end"), "Cannot be before the start.");
        }
        else if (start is { } s2 && end is { } e2 && e2.Year - s2.Year >= MaxYears)
        {
            errors.Add(F("end"), $"A project runs at most {MaxYears} years.");
        }

        var themes = request.Themes ?? [];
        if (themes.Count > 5 || themes.Any(t => !Enum.IsDefined(t)))
        {
            errors.Add(F("themes"), "The GFCE themes: policy-and-strategy, incident-management-and-critical-infrastructure-protection, cybercrime, culture-and-skills, standards.");
        }

        var tags = Texts(request.Tags, F("tags"), TagLength, errors);
        var countries = (request.Countries ?? []).Select(c => c?.Trim().ToUpperInvariant()).ToList();
        if (countries.Count > 250)
        {
            errors.Add(F("countries"), "At most 250 countries.");
        }

        for (var i = 0; i < countries.Count; i++)
        {
            if (!Countries.IsKnown(countries[i]))
            {
                errors.Add(F($"countries[{i}]"), "Not an ISO 3166-1 alpha-2 country code (XK for Kosovo).");
            }
        }

        errors.MultiLine(F("summary"), request.Summary, TextLength);
        errors.MultiLine(F("aim"), request.Aim, TextLength);
        errors.MultiLine(F("context"), request.Context, TextLength);
        errors.MultiLine(F("outcomes"), request.Outcomes, TextLength);

        var actors = new List<ProjectActor>();
        var actorRequests = request.Actors ?? [];
        if (actorRequests.Count > MaxItems)
        {
            errors.Add(F("actors"), $"At most {MaxItems} actors.");
        }

        for (var i = 0; i < actorRequests.Count; i++)
        {
            var field = F($"actors[{i}]");
            var actor = actorRequests[i];
            if (actor?.Role is not { } role || !Enum.IsDefined(role))
            {
                errors.Add(field, "Needs a role: funder, implementer, beneficiary or partner.");
                continue;
            }

            if (actor.OrganisationId is { } organisation)
            {
                if (actor.Name is not null)
                {
                    errors.Add(field, "Give an organisationId (an organisation of the network) or a name (an external one), not both.");
                }
                else if (!knownOrganisations.Contains(organisation))
                {
                    errors.Add(field, $"No organisation {organisation}.");
                }
                else
                {
                    actors.Add(new ProjectActor(role, organisation, null));
                }
            }
            else
            {
                var before2 = errors.Has(field);
                errors.SingleLine(field, actor.Name, NameLength);
                if (!before2 && !errors.Has(field))
                {
                    actors.Add(new ProjectActor(role, null, actor.Name!.Trim()));
                }
            }
        }

        var links = Links(request.Links, F("links"), errors);
        var publications = Links(request.Publications, F("publications"), errors);

        var currency = string.IsNullOrWhiteSpace(request.Currency) ? null : request.Currency.Trim().ToUpperInvariant();
        if (request.Budget is { } budget && (budget < 0 || budget > MaxBudget))
        {
            errors.Add(F("budget"), $"Whole units between 0 and {MaxBudget}.");
        }

        if (request.Budget is not null && currency is null)
        {
            errors.Add(F("currency"), "A budget needs its currency (ISO 4217, e.g. EUR).");
        }
        else if (currency is not null && !Currencies.Contains(currency))
        {
            errors.Add(F("currency"), "Not an ISO 4217 currency code (e.g. EUR, USD).");
        }
        else if (currency is not null && request.Budget is null)
        {
            errors.Add(F("currency"), "A currency belongs to a budget; give the budget too, or neither.");
        }

        var visibility = request.Visibility ?? defaultVisibility;
        if (visibility is not { } v || !Enum.IsDefined(v))
        {
            errors.Add(F("visibility"), "Required: network (logged-in members) or public (also on the public pages).");
            visibility = ProjectVisibility.Network;
        }

        if (errors.ToDictionary().Count > before)
        {
            return null;
        }

        return new ProjectContent(request.Title!.Trim(), string.IsNullOrWhiteSpace(request.Code) ? null : request.Code.Trim(), status,
            $"{start!.Value.Year:D4}-{start.Value.Month:D2}", end is { } last ? $"{last.Year:D4}-{last.Month:D2}" : null,
            request.Summary ?? "", request.Aim ?? "", request.Context ?? "", request.Outcomes ?? "", request.Budget, currency,
            new ProjectLists([.. themes.Distinct()], tags, [.. countries.Distinct().Select(c => c!)], actors.Distinct().ToList(), links, publications),
            visibility.Value);
    }

    private static List<string> Texts(IReadOnlyList<string>? values, string field, int maxLength, RequestErrors errors)
    {
        var list = values ?? [];
        if (list.Count > MaxItems)
        {
            errors.Add(field, $"At most {MaxItems}.");
            return [];
        }

        var result = new List<string>();
        for (var i = 0; i < list.Count; i++)
        {
            errors.SingleLine($"{field}[{i}]", list[i], maxLength);
            if (!string.IsNullOrWhiteSpace(list[i]))
            {
                result.Add(list[i].Trim());
            }
        }

        return result.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    private static List<ProjectLink> Links(IReadOnlyList<LinkRequest>? values, string field, RequestErrors errors)
    {
        var list = values ?? [];
        if (list.Count > MaxItems)
        {
            errors.Add(field, $"At most {MaxItems}.");
            return [];
        }

        var result = new List<ProjectLink>();
        for (var i = 0; i < list.Count; i++)
        {
            var link = list[i];
            var at = $"{field}[{i}]";
            if (link is null)
            {
                errors.Add(at, "A link is an object with a url (and a title).");
                continue;
            }

            errors.SingleLine(at + ".title", link.Title, TitleLength, required: false);
            errors.SingleLine(at + ".url", link.Url, UrlLength);
            if (link.Url is not null && !(Uri.TryCreate(link.Url.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)))
            {
                errors.Add(at + ".url", "An absolute http or https address.");
            }
            else if (link.Url is not null)
            {
                result.Add(new ProjectLink(string.IsNullOrWhiteSpace(link.Title) ? link.Url.Trim() : link.Title.Trim(), link.Url.Trim()));
            }
        }

        return result;
    }

    /// <summary>The rows of <see cref="ProjectFacet"/> a project gets: every filterable value.</summary>
    public static IEnumerable<(ProjectFacetKind Kind, string Value)> Facets(CapacityProject project)
    {
        ArgumentNullException.ThrowIfNull(project);
        var values = new HashSet<(ProjectFacetKind, string)>();
        foreach (var country in project.Lists.Countries)
        {
            values.Add((ProjectFacetKind.Country, country));
        }

        foreach (var theme in project.Lists.Themes)
        {
            values.Add((ProjectFacetKind.Theme, ThemeValue(theme)));
        }

        values.Add((ProjectFacetKind.Status, StatusValue(project.Status)));
        var first = ParseMonth(project.Start)!.Value.Year;
        var last = ParseMonth(project.End)?.Year ?? first;
        for (var year = first; year <= last && year < first + MaxYears; year++)
        {
            values.Add((ProjectFacetKind.Year, year.ToString(CultureInfo.InvariantCulture)));
        }

        foreach (var actor in project.Lists.Actors)
        {
            values.Add((ProjectFacetKind.Actor, ActorValue(actor.OrganisationId, actor.Name)));
        }

        foreach (var tag in project.Lists.Tags)
        {
            values.Add((ProjectFacetKind.Tag, Cut(tag.ToLowerInvariant())));
        }

        return values;
    }

    /// <summary>The visibility a project's envelope stands for.</summary>
    public static ProjectVisibility Visibility(SharedRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Published ? ProjectVisibility.Public : ProjectVisibility.Network;
    }

    public static string ThemeValue(ProjectTheme theme) => JsonNamingPolicy.KebabCaseLower.ConvertName(theme.ToString());

    public static string StatusValue(ProjectStatus status) => JsonNamingPolicy.KebabCaseLower.ConvertName(status.ToString());

    /// <summary>An organisation of the node by its id, an external actor by its normalised name.</summary>
    public static string ActorValue(Guid? organisationId, string? name) =>
        organisationId is { } id ? "o:" + id.ToString("D") : Cut("n:" + TitleKey(name ?? ""));

    private static string Cut(string value) => value.Length > FacetLength ? value[..FacetLength] : value;
}
