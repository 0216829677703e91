using System.Globalization;
using System.Text;

namespace Rampart.Standards.Mail;

/// <summary>Makes a sender-chosen file name safe to store and offer for download.</summary>
public static class FileNames
{
    private const int MaxLength = 150;
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    /// <summary>
    /// The last path segment (both <c>/</c> and <c>\</c> separate), Unicode-normalised (NFC), without control, format
    /// (bidi overrides, zero-width) or Windows-forbidden characters, without leading dots and trailing dots or spaces, not a
    /// reserved device name, at most 150 characters keeping the extension. <paramref name="fallback"/> when nothing is left.
    /// </summary>
    public static string Sanitise(string? name, string fallback)
    {
        if (string.IsNullOrEmpty(name))
        {
            return fallback;
        }

        var segment = name.Replace('\\', '/');
        segment = segment[(segment.LastIndexOf('/') + 1)..];
        try
        {
            segment = segment.Normalize(NormalizationForm.FormC);
        }
        catch (ArgumentException)
        {
            // Broken surrogates: the filter below drops them.
        }

        var clean = new StringBuilder(segment.Length);
        foreach (var c in segment)
        {
            var category = char.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
                || c is '<' or '>' or ':' or '"' or '|' or '?' or '*')
            {
                continue;
            }

            clean.Append(c);
        }

        var result = clean.ToString().Trim().TrimStart('.').TrimEnd('.', ' ');
        if (result.Length == 0)
        {
            return fallback;
        }

        var dot = result.LastIndexOf('.');
        var stem = dot > 0 ? result[..dot] : result;
        var extension = dot > 0 ? result[dot..] : "";
        if (Reserved.Contains(stem.TrimEnd(' ')) || Reserved.Contains(stem.Split('.')[0]))
        {
            stem = "_" + stem;
        }

        if (extension.Length > 20)
        {
            extension = extension[..20];
        }

        if (stem.Length + extension.Length > MaxLength)
        {
            stem = stem[..(MaxLength - extension.Length)];
            if (char.IsHighSurrogate(stem[^1]))
            {
                stem = stem[..^1];
            }
        }

        return stem + extension;
    }
}
