using System.Globalization;

namespace Rampart.Standards;

/// <summary>STIX timestamps: RFC 3339, UTC with a literal <c>Z</c>, optional fractional seconds.</summary>
public static class Timestamps
{
    /// <summary>Parses <c>YYYY-MM-DDTHH:MM:SS[.s+]Z</c> strictly (no offsets, no lower-case t/z).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        if (text.Length < 20 || text[^1] != 'Z' || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':')
        {
            return false;
        }

        for (var i = 0; i < 19; i++)
        {
            if (i is 4 or 7 or 10 or 13 or 16)
            {
                continue;
            }

            if (!char.IsAsciiDigit(text[i]))
            {
                return false;
            }
        }

        var fraction = text[19..^1];
        long ticks = 0;
        if (fraction.Length > 0)
        {
            if (fraction[0] != '.' || fraction.Length == 1)
            {
                return false;
            }

            var digits = fraction[1..];
            for (var i = 0; i < digits.Length; i++)
            {
                if (!char.IsAsciiDigit(digits[i]))
                {
                    return false;
                }

                if (i < 7)
                {
                    ticks += (digits[i] - '0') * (long)Math.Pow(10, 6 - i);
                }
            }
        }

        if (!DateTime.TryParseExact(text[..19], "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var dateTime))
        {
            return false;
        }

        value = new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc).AddTicks(ticks), TimeSpan.Zero);
        return true;
    }

    /// <summary>The number of fractional-second digits written, so a value can be written back as it came.</summary>
    public static int Precision(ReadOnlySpan<char> text)
    {
        var dot = text.IndexOf('.');
        return dot < 0 ? 0 : text.Length - dot - 2;
    }

    /// <summary>Writes a timestamp the way STIX producers do: milliseconds, <c>Z</c>.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
