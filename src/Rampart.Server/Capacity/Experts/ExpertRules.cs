using System.Globalization;
using System.Text.Json;
using Rampart.Server.Organisations;

namespace Rampart.Server.Capacity.Experts;

/// <summary>One area of the directory's controlled vocabulary (<c>expertise-areas.json</c>).</summary>
public sealed record ExpertiseArea(string Code, string Label);

/// <summary>A profile as the person sends it. <see cref="Consent"/> must be true: it is what the profile rests on.</summary>
public sealed record ExpertProfileRequest(
    bool? Consent,
    string? Name = null,
    string? Country = null,
    IReadOnlyList<string>? Languages = null,
    IReadOnlyList<string>? Areas = null,
    IReadOnlyList<string>? Tags = null,
    string? Availability = null,
    string? Programme = null,
    string? ProfileText = null,
    bool ShowEmail = false);

/// <summary>A request to an expert.</summary>
public sealed record ExpertRequestRequest(string? Subject, string? Message);

/// <summary>The expert's answer.</summary>
public sealed record ExpertAnswer(string? Response);

/// <summary>The directory's vocabulary and rules.</summary>
public static class ExpertRules
{
    public const int NameLength = 200;
    public const int LineLength = 300;
    public const int TextLength = 10_000;
    public const int TagLength = 60;
    public const int MaxItems = 30;

    /// <summary>The consent text the profile page shows; its version is stored with each consent.</summary>
    public const int ConsentVersion = 1;

    public static IReadOnlyList<ExpertiseArea> Areas { get; } = LoadAreas();

    private static readonly HashSet<string> AreaCodes = Areas.Select(a => a.Code).ToHashSet(StringComparer.Ordinal);

    /// <summary>ISO 639-1 language codes (two letters) the platform knows.</summary>
    public static IReadOnlySet<string> LanguageCodes { get; } = CultureInfo.GetCultures(CultureTypes.NeutralCultures)
        .Select(c => c.TwoLetterISOLanguageName).Where(c => c.Length == 2 && c.All(char.IsAsciiLetterLower)).ToHashSet(StringComparer.Ordinal);

    private static List<ExpertiseArea> LoadAreas()
    {
        using var stream = typeof(ExpertRules).Assembly.GetManifestResourceStream("Rampart.Server.Capacity.Experts.expertise-areas.json")
            ?? throw new InvalidOperationException("The expertise vocabulary is not embedded.");
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("areas").EnumerateArray()
            .Select(a => new ExpertiseArea(a.GetProperty("code").GetString()!, a.GetProperty("label").GetString()!)).ToList();
    }

    public static bool IsArea(string? code) => code is not null && AreaCodes.Contains(code);

    /// <summary>
    /// A request's short reference (EXR- and the last 8 hex digits of its id, the random part): what a notification names in the
    /// clear (a signed-only e-mail carries no subject), shown beside each request on the requests page.
    /// </summary>
    public static string Reference(Guid requestId) => "EXR-" + requestId.ToString("N")[^8..].ToUpperInvariant();

    /// <summary>Validates a profile completely (every broken rule, each naming its field); null when any.</summary>
    public static (string Name, string Country, ExpertLists Lists)? Validate(ExpertProfileRequest request, RequestErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        if (request.Consent != true)
        {
            errors.Add("consent", "Required: true. Your profile is shown to every logged-in member of the network only with your explicit consent; withdraw it with DELETE.");
        }

        errors.SingleLine("name", request.Name, NameLength);
        var country = request.Country?.Trim().ToUpperInvariant();
        if (!Countries.IsKnown(country))
        {
            errors.Add("country", "Required: an ISO 3166-1 alpha-2 country code (XK for Kosovo).");
        }

        var languages = Codes(request.Languages, "languages", errors, c => LanguageCodes.Contains(c), "an ISO 639-1 language code (e.g. sq, sr, mk, ka, ro, en)", lower: true);
        var areas = Codes(request.Areas, "areas", errors, IsArea, "an area of the vocabulary (GET /api/capacity/experts/areas)", lower: true);
        if (languages.Count == 0 && !errors.Has("languages"))
        {
            errors.Add("languages", "At least one language you can work in.");
        }

        if (areas.Count == 0 && !errors.Has("areas"))
        {
            errors.Add("areas", "At least one area of expertise.");
        }

        var tags = new List<string>();
        var tagList = request.Tags ?? [];
        if (tagList.Count > MaxItems)
        {
            errors.Add("tags", $"At most {MaxItems}.");
        }
        else
        {
            for (var i = 0; i < tagList.Count; i++)
            {
                errors.SingleLine($"tags[{i}]", tagList[i], TagLength);
                if (!string.IsNullOrWhiteSpace(tagList[i]))
                {
                    tags.Add(tagList[i].Trim());
                }
            }
        }

        errors.SingleLine("availability", request.Availability, LineLength, required: false);
        errors.SingleLine("programme", request.Programme, LineLength, required: false);
        errors.MultiLine("profileText", request.ProfileText, TextLength);
        return errors.Any ? null : (request.Name!.Trim(), country!, new ExpertLists(languages, areas, tags.Distinct(StringComparer.OrdinalIgnoreCase).ToList()));
    }

    private static List<string> Codes(IReadOnlyList<string>? values, string field, RequestErrors errors, Func<string, bool> known, string what, bool lower)
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
            var code = list[i]?.Trim();
            code = lower ? code?.ToLowerInvariant() : code;
            if (code is null || !known(code))
            {
                errors.Add($"{field}[{i}]", $"Not {what}.");
            }
            else if (!result.Contains(code))
            {
                result.Add(code);
            }
        }

        return result;
    }

    public static IEnumerable<(ExpertFacetKind Kind, string Value)> Facets(ExpertProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return profile.Lists.Areas.Select(a => (ExpertFacetKind.Area, a))
            .Concat(profile.Lists.Languages.Select(l => (ExpertFacetKind.Language, l)))
            .Append((ExpertFacetKind.Country, profile.Country))
            .Concat(profile.Lists.Tags.Select(t => (ExpertFacetKind.Tag, t.ToLowerInvariant())))
            .Distinct();
    }
}
