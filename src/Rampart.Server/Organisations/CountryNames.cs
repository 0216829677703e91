using System.Collections.Concurrent;
using System.Globalization;

namespace Rampart.Server.Organisations;

/// <summary>
/// Country names in the viewer's language for the searchable country field. ICU names regions in every language
/// (Kosovo included as XK), but .NET exposes them only inside a culture's display name ("anglisht (Kosovë)"), so the
/// name is the part in the parentheses of a culture for that region.
/// </summary>
public static class CountryNames
{
    private static readonly ConcurrentDictionary<string, IReadOnlyList<(string Code, string Name)>> ByLanguage = new(StringComparer.Ordinal);

    private static readonly string[] Codes =
        [.. Enumerable.Range('A', 26).SelectMany(a => Enumerable.Range('A', 26).Select(b => $"{(char)a}{(char)b}")).Where(Countries.IsKnown)];

    /// <summary>Every known code with its name in <see cref="CultureInfo.CurrentUICulture"/>, sorted by name in that language.</summary>
    public static IReadOnlyList<(string Code, string Name)> All() =>
        ByLanguage.GetOrAdd(CultureInfo.CurrentUICulture.Name, _ =>
        {
            var compare = StringComparer.Create(CultureInfo.CurrentUICulture, ignoreCase: true);
            return [.. Codes.Select(code => (code, Name(code))).OrderBy(c => c.Item2, compare)];
        });

    public static string NameOf(string? code)
    {
        if (string.IsNullOrEmpty(code))
        {
            return "";
        }

        foreach (var (c, name) in All())
        {
            if (c == code)
            {
                return name;
            }
        }

        return code;
    }

    private static string Name(string code)
    {
        try
        {
            var display = CultureInfo.GetCultureInfo("en-" + code).DisplayName;
            var open = display.LastIndexOf('(');
            var close = display.LastIndexOf(')');
            return open >= 0 && close > open + 1 ? display[(open + 1)..close] : code;
        }
        catch (CultureNotFoundException)
        {
            return code;
        }
    }
}
