using System.Globalization;
using System.Text;

namespace Rampart.Server.Capacity;

/// <summary>
/// The normalised text the capacity pickers match on: computed in .NET and stored beside the name or title (a project's
/// <c>TitleKey</c>, a trained person's and a target profile's <c>NameKey</c>), so that both databases compare the same
/// thing — SQLite's lower() folds ASCII only, and neither database removes diacritics.
/// </summary>
public static class SearchKeys
{
    /// <summary>The fewest characters (after trimming) a picker searches for: shorter text finds nothing, nothing is scanned.</summary>
    public const int MinPickerText = 2;

    /// <summary>
    /// Letters and digits only, lower case, diacritics removed, words separated by one space, at most
    /// <paramref name="maxLength"/> characters ("Ëndrit  Çela-Đorđević" = "endrit cela đorđevic"; "Ђорђе" = "ђорђе").
    /// </summary>
    public static string Of(string text, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(text);
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var key = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                if (space && key.Length > 0)
                {
                    key.Append(' ');
                }

                key.Append(char.ToLowerInvariant(c));
                space = false;
            }
            else
            {
                space = true;
            }
        }

        var result = key.ToString().Normalize(NormalizationForm.FormC);
        return result.Length > maxLength ? result[..maxLength] : result;
    }

    /// <summary>
    /// What a picker looks for in the stored keys: the typed text's key, or null when the trimmed text or its key is
    /// shorter than <see cref="MinPickerText"/> ("a." searches nothing) or the text is longer than <paramref name="maxLength"/>.
    /// </summary>
    public static string? Picker(string? typed, int maxLength)
    {
        var wanted = (typed ?? "").Trim();
        if (wanted.Length < MinPickerText || wanted.Length > maxLength)
        {
            return null;
        }

        var key = Of(wanted, maxLength);
        return key.Length < MinPickerText ? null : key;
    }
}
