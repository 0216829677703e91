using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Rampart.Server.Localisation;

/// <summary>
/// Maps what browsers of the region send to the node's nine UI languages where the platform's parent-culture
/// fallback cannot: plain Serbian (<c>sr</c>, <c>sr-RS</c>, <c>sr-BA</c>) is Cyrillic, the official script;
/// Serbian for Montenegro and Montenegrin (<c>sr-ME</c>, <c>cnr</c>, <c>cnr-ME</c>) is <c>sr-Latn-ME</c>;
/// Romanian of Moldova (<c>ro-MD</c>, <c>mo</c>) is <c>ro</c>. Other tags go through the Accept-Language
/// provider with parent fallback (<c>sq-XK</c> → <c>sq</c>, <c>ka-GE</c> → <c>ka</c>, <c>sr-Latn-RS</c> → <c>sr-Latn</c>).
/// </summary>
public sealed class RegionalLanguageProvider : RequestCultureProvider
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sr"] = "sr-Cyrl",
        ["sr-RS"] = "sr-Cyrl",
        ["sr-BA"] = "sr-Cyrl",
        ["sr-Cyrl-RS"] = "sr-Cyrl",
        ["sr-Cyrl-BA"] = "sr-Cyrl",
        ["sr-ME"] = "sr-Latn-ME",
        ["cnr"] = "sr-Latn-ME",
        ["cnr-ME"] = "sr-Latn-ME",
        ["cnr-Latn"] = "sr-Latn-ME",
        ["cnr-Latn-ME"] = "sr-Latn-ME",
        ["mo"] = "ro",
        ["ro-MD"] = "ro",
    };

    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var header = httpContext.Request.Headers.AcceptLanguage;
        if (StringValues.IsNullOrEmpty(header)
            || !StringWithQualityHeaderValue.TryParseList(header, out var values) || values.Count == 0)
        {
            return NullProviderCultureResult;
        }

        // Only the browser's first choice is mapped here; anything else is left to the standard provider.
        var first = values.OrderByDescending(v => v.Quality ?? 1).First().Value.Value;
        if (first is not null && Aliases.TryGetValue(first, out var culture)
            && Languages.All.Any(l => l.Culture == culture))
        {
            return Task.FromResult<ProviderCultureResult?>(new ProviderCultureResult(culture));
        }

        return NullProviderCultureResult;
    }

    /// <summary>The culture a browser tag maps to, or null when the standard negotiation applies.</summary>
    public static CultureInfo? Map(string tag) => Aliases.TryGetValue(tag, out var culture) ? CultureInfo.GetCultureInfo(culture) : null;
}
