using System.Globalization;
using System.Text;

namespace Rampart.Server.Notes;

/// <summary>
/// The title filter's terms: every word of a title, lower-cased, is stored with each of its prefixes
/// (2 to <see cref="MaxPrefix"/> characters), so "typing the start of a word" is an index equality
/// lookup in SQLite and PostgreSQL alike, in any script and without collation surprises.
/// </summary>
public static class NoteSearch
{
    public const int MaxPrefix = 16;
    public const int MinPrefix = 2;
    public const int MaxQueryWords = 5;

    /// <summary>The words of <paramref name="text"/>, lower case, in order, without duplicates.</summary>
    public static IReadOnlyList<string> Words(string? text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var c in (text ?? "").Normalize(NormalizationForm.FormC))
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLower(c, CultureInfo.InvariantCulture));
            }
            else
            {
                Flush();
            }
        }

        Flush();
        return words;

        void Flush()
        {
            if (current.Length > 0 && !words.Contains(current.ToString()))
            {
                words.Add(current.ToString());
            }

            current.Clear();
        }
    }

    /// <summary>The rows to store for a title.</summary>
    public static IReadOnlyList<string> Terms(string title) =>
        Words(title).SelectMany(w => Enumerable.Range(MinPrefix, Math.Max(0, Math.Min(w.Length, MaxPrefix) - MinPrefix + 1)).Select(n => w[..n]))
            .Distinct(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The terms to look up for what someone typed: each word (cut to <see cref="MaxPrefix"/>) must start a
    /// word of the title. Words shorter than <see cref="MinPrefix"/> are ignored; at most <see cref="MaxQueryWords"/>.
    /// </summary>
    public static IReadOnlyList<string> QueryTerms(string? typed) =>
        Words(typed).Where(w => w.Length >= MinPrefix).Select(w => w.Length > MaxPrefix ? w[..MaxPrefix] : w)
            .Distinct(StringComparer.Ordinal).Take(MaxQueryWords).ToList();
}
