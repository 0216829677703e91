using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Store;
using Rampart.Server.Notes;

namespace Rampart.Server.Intelligence.Search;

/// <summary>
/// One word of an object's name or description (lower case, as <see cref="NoteSearch.Words"/> normalises it,
/// at least <see cref="NoteSearch.MinPrefix"/> characters, cut to <see cref="NoteSearch.MaxPrefix"/>). <c>q=</c> is
/// a prefix range per typed word on this table's key (<c>Term &gt;= w AND Term &lt; w + U+10FFFF</c>), on both
/// databases (PostgreSQL: the column is in the C collation, so the range is the set of words starting with w).
/// Rows written before whole words (every prefix of every word) are still correct: each is the start of a word.
/// Written only by <c>IntelStore</c> (replaced with the labels whenever the current version changes).
/// </summary>
public sealed class IntelTerm
{
    public required string Term { get; set; }

    public long RecordId { get; set; }

    public IntelObject? IntelObject { get; set; }
}

/// <summary>Which terms an object's text gives.</summary>
public static class IntelText
{
    /// <summary>Words of the description that are indexed (its start: what an analyst types is there; bounds the rows per object).</summary>
    public const int MaxDescriptionWords = 64;

    /// <summary>External ids of an object that are indexed (ATT&amp;CK's T1566, DISARM's T0086.001, a CVE id …).</summary>
    public const int MaxExternalIds = 8;

    /// <summary>
    /// The term rows for an object's name, description and external ids (<c>external_references[].external_id</c>, so that
    /// "T1566" finds the ATT&amp;CK technique whose name no longer carries it): each distinct word once (cut to
    /// <see cref="NoteSearch.MaxPrefix"/>, which is also where a typed word is cut), words of one character left out
    /// (no query looks for them).
    /// </summary>
    public static IReadOnlyList<string> Terms(string? name, string? description, IEnumerable<string>? externalIds = null)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<string>();
        Add(NoteSearch.Words(name), int.MaxValue);
        Add(NoteSearch.Words(description), MaxDescriptionWords);
        foreach (var externalId in (externalIds ?? []).Take(MaxExternalIds))
        {
            Add(NoteSearch.Words(externalId), int.MaxValue);
        }

        return list;

        void Add(IReadOnlyList<string> words, int most)
        {
            for (var i = 0; i < words.Count && i < most; i++)
            {
                var w = words[i];
                if (w.Length < NoteSearch.MinPrefix)
                {
                    continue;
                }

                var term = w.Length > NoteSearch.MaxPrefix ? w[..NoteSearch.MaxPrefix] : w;
                if (terms.Add(term))
                {
                    list.Add(term);
                }
            }
        }
    }

    /// <summary>The words to look up for what someone typed (each word must start a word of the name or description).</summary>
    public static IReadOnlyList<string> QueryTerms(string? typed) => NoteSearch.QueryTerms(typed);

    /// <summary>The term range of the words starting with <paramref name="typed"/> (a query term): [From, To) in byte order.</summary>
    public static (string From, string To) Range(string typed) => (typed, Http.PrefixEnd(typed));
}
