using System.Text;
using System.Text.RegularExpressions;

namespace Rampart.Server.Localisation;

/// <summary>
/// Serbian Latin to Serbian Cyrillic. The two scripts map one to one except for the digraphs lj, nj and dž,
/// which are single letters (љ, њ, џ) unless they straddle a prefix or a loanword's syllables (injekcija →
/// инјекција, nadživeti → надживети); those few words are listed. Left as they are: format placeholders
/// (<c>{0}</c>), anything in angle brackets, SIM3 parameter ids (<c>O-8</c>, <c>P-9</c>), URLs, paths such as <c>/api/taxii/collections</c> and e-mail addresses, acronyms written in capitals (TLP, API,
/// MISP, STIX, CERT, RED, AMBER+STRICT), words that cannot be Serbian (with q, w, x or y) and a short list of
/// product and protocol words (Markdown, Bearer).
/// <para>
/// <c>Resources/*.sr-Cyrl.resx</c> is kept in the repository as this transliteration of <c>*.sr-Latn.resx</c>, so
/// that resource loading stays the framework's own and the Cyrillic can be read in review; a test fails when the
/// two drift apart, and with <c>RAMPART_WRITE_CYRILLIC=1</c> it rewrites the Cyrillic files from the Latin ones.
/// </para>
/// </summary>
public static partial class SerbianScript
{
    private static readonly Dictionary<char, string> Letters = new()
    {
        ['a'] = "а", ['b'] = "б", ['c'] = "ц", ['č'] = "ч", ['ć'] = "ћ", ['d'] = "д", ['đ'] = "ђ", ['e'] = "е",
        ['f'] = "ф", ['g'] = "г", ['h'] = "х", ['i'] = "и", ['j'] = "ј", ['k'] = "к", ['l'] = "л", ['m'] = "м",
        ['n'] = "н", ['o'] = "о", ['p'] = "п", ['r'] = "р", ['s'] = "с", ['š'] = "ш", ['t'] = "т", ['u'] = "у",
        ['v'] = "в", ['z'] = "з", ['ž'] = "ж",
    };

    /// <summary>Word beginnings in which lj, nj or dž are two letters, with their Cyrillic spelling.</summary>
    private static readonly (string Latin, string Cyrillic)[] SplitDigraphs =
    [
        ("injekc", "инјекц"), ("injunkc", "инјункц"), ("konjug", "конјуг"), ("konjunk", "конјунк"),
        ("vanjezi", "ванјези"), ("nadživ", "наджив"), ("nadždrel", "надждрел"),
        ("podžanr", "поджанр"), ("podžup", "поджуп"),
    ];

    /// <summary>Mixed-case words that are names of products or protocols and stay in Latin script.</summary>
    private static readonly HashSet<string> KeptWords = new(StringComparer.Ordinal)
    {
        "Markdown", "Authorization", "Bearer", "Rampart", "OpenPGP", "GnuPG", "http", "https",
    };

    public static string ToCyrillic(string latin)
    {
        ArgumentNullException.ThrowIfNull(latin);
        var result = new StringBuilder(latin.Length);
        var position = 0;
        foreach (Match kept in Protected().Matches(latin))
        {
            TransliterateWords(latin.AsSpan(position, kept.Index - position), result);
            result.Append(kept.Value);
            position = kept.Index + kept.Length;
        }

        TransliterateWords(latin.AsSpan(position), result);
        return result.ToString();
    }

    /// <summary>Whether a word stays in Latin script in Cyrillic text.</summary>
    public static bool StaysLatin(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return KeptWords.Contains(word)
            || (word.Length >= 2 && word.All(c => c is >= 'A' and <= 'Z'))
            || word.Any(c => "qwxyQWXY".Contains(c, StringComparison.Ordinal));
    }

    private static void TransliterateWords(ReadOnlySpan<char> text, StringBuilder result)
    {
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetter(text[i]))
            {
                result.Append(text[i++]);
                continue;
            }

            var start = i;
            while (i < text.Length && char.IsLetter(text[i]))
            {
                i++;
            }

            var word = text[start..i].ToString();
            result.Append(StaysLatin(word) ? word : TransliterateWord(word));
        }
    }

    private static string TransliterateWord(string word)
    {
        var result = new StringBuilder(word.Length);
        var i = 0;
        var lower = word.ToLowerInvariant();
        foreach (var (latin, cyrillic) in SplitDigraphs)
        {
            if (lower.StartsWith(latin, StringComparison.Ordinal))
            {
                for (var k = 0; k < cyrillic.Length; k++)
                {
                    // The Latin and Cyrillic prefixes have the same length: only lj, nj, dž differ and they are split here.
                    result.Append(char.IsUpper(word[k]) ? char.ToUpperInvariant(cyrillic[k]) : cyrillic[k]);
                }

                i = latin.Length;
                break;
            }
        }

        while (i < word.Length)
        {
            var c = word[i];
            var lowerC = char.ToLowerInvariant(c);
            var next = i + 1 < word.Length ? char.ToLowerInvariant(word[i + 1]) : '\0';
            string? letter = (lowerC, next) switch
            {
                ('l', 'j') => "љ",
                ('n', 'j') => "њ",
                ('d', 'ž') => "џ",
                _ => null,
            };
            if (letter is not null)
            {
                i += 2;
            }
            else
            {
                letter = Letters.TryGetValue(lowerC, out var single) ? single : c.ToString();
                i++;
            }

            result.Append(char.IsUpper(c) ? letter.ToUpperInvariant() : letter);
        }

        return result.ToString();
    }

    /// <summary>Placeholders, bracketed tokens, URLs, e-mail addresses and paths (<c>/api/…</c>, not "and/or"): copied unchanged.</summary>
    [GeneratedRegex(@"\{[^{}]*\}|<[^<>]*>|\b[OHTP]-[0-9]+\b|\b[A-Za-z][A-Za-z0-9+.\-]*://\S+|[^\s@]+@[^\s@]+\.[^\s@]+|(?<![\p{L}\p{N}])/[a-z][A-Za-z0-9_\-./{}]*[A-Za-z0-9_}]")]
    private static partial Regex Protected();
}
