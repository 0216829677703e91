using System.Text;

namespace Rampart.Standards.Observables;

/// <summary>
/// Undoes the usual defanging of indicators in reports and feeds (<c>hxxps://evil[.]example</c>, <c>a(at)b[.]c</c>):
/// the one rule the free-text extractor and the CSV import share, so a value refangs the same way wherever it is typed.
/// </summary>
public static class Defanging
{
    // Brackets anywhere; "[://]" before "[:]" is not needed (their third characters differ).
    private static readonly (string Defanged, string Refanged)[] Brackets =
    [
        ("[.]", "."), ("(.)", "."), ("{.}", "."), ("[dot]", "."), ("(dot)", "."),
        ("[:]", ":"), ("[://]", "://"), ("[at]", "@"), ("(at)", "@"), ("[@]", "@"), ("[/]", "/"),
    ];

    // Schemes only where a word starts and a scheme separator follows: "hxxp" or "fxp" may be part of a real name.
    private static readonly (string Defanged, string Refanged)[] Schemes = [("hxxps", "https"), ("hxxp", "http"), ("fxp", "ftp")];

    /// <summary>True when <paramref name="text"/> holds anything <see cref="Refang"/> would change (cheap pre-check).</summary>
    public static bool MayBeDefanged(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.AsSpan().ContainsAny("[({") || text.Contains("hxxp", StringComparison.OrdinalIgnoreCase) || text.Contains("fxp", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary><paramref name="text"/> with every defanged separator and scheme restored, left to right, case-insensitively.</summary>
    public static string Refang(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!MayBeDefanged(text))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (Match(text, i, Brackets) is { } bracket)
            {
                sb.Append(bracket.Refanged);
                i += bracket.Defanged.Length;
            }
            else if ((i == 0 || !char.IsLetterOrDigit(text[i - 1])) && Match(text, i, Schemes) is { } scheme && IsSeparator(text, i + scheme.Defanged.Length))
            {
                sb.Append(scheme.Refanged);
                i += scheme.Defanged.Length;
            }
            else
            {
                sb.Append(text[i++]);
            }
        }

        return sb.ToString();
    }

    private static (string Defanged, string Refanged)? Match(string text, int at, (string Defanged, string Refanged)[] table)
    {
        foreach (var entry in table)
        {
            if (string.Compare(text, at, entry.Defanged, 0, entry.Defanged.Length, StringComparison.OrdinalIgnoreCase) == 0
                && at + entry.Defanged.Length <= text.Length)
            {
                return entry;
            }
        }

        return null;
    }

    private static bool IsSeparator(string text, int at) =>
        text.AsSpan(at).StartsWith("://", StringComparison.Ordinal) || text.AsSpan(at).StartsWith("[:]", StringComparison.Ordinal)
        || text.AsSpan(at).StartsWith("[://]", StringComparison.Ordinal);
}
