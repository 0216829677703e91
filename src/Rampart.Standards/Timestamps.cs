using System.Globalization;

namespace Rampart.Standards;

/// <summary>STIX timestamps: RFC 3339, UTC with a literal <c>Z</c>, optional fractional seconds.</summary>
public static class Timestamps
{
    /// <summary>Parses <c>YYYY-MM-DDTHH:MM:SS[.s+]Z</c> strictly (no offsets, no lower-case t/z).</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        // Hand-rolled: this runs for every timestamp of every object ingested.
        value = default;
        if (text.Length < 20 || text[^1] != 'Z' || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':')
        {
            return false;
        }

        if (!Digits(text, 0, 4, out var year) || !Digits(text, 5, 2, out var month) || !Digits(text, 8, 2, out var day)
            || !Digits(text, 11, 2, out var hour) || !Digits(text, 14, 2, out var minute) || !Digits(text, 17, 2, out var second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        long ticks = 0;
        var fraction = text[19..^1];
        if (fraction.Length > 0)
        {
            if (fraction[0] != '.' || fraction.Length == 1)
            {
                return false;
            }

            long scale = TimeSpan.TicksPerSecond / 10;
            for (var i = 1; i < fraction.Length; i++)
            {
                var c = fraction[i];
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }

                ticks += (c - '0') * scale;
                scale /= 10;
            }
        }

        value = new DateTimeOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(ticks), TimeSpan.Zero);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> text, int start, int count, out int number)
    {
        number = 0;
        for (var i = start; i < start + count; i++)
        {
            var c = text[i];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            number = (number * 10) + (c - '0');
        }

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
