using System.Globalization;

namespace Rampart.Server.Hosting;

/// <summary>
/// The one codec of keyset positions carried inside protected cursors (intelligence search and versions, sightings,
/// TAXII <c>next</c>): whole numbers — record keys, times as UTC ticks — joined by ':'. Decoding checks the count, the
/// digits and the range of each time, and answers false rather than throwing: what to say to the client is the caller's.
/// </summary>
public static class KeysetCodec
{
    public static string Encode(params ReadOnlySpan<long> parts)
    {
        var text = new System.Text.StringBuilder();
        foreach (var part in parts)
        {
            text.Append(text.Length == 0 ? "" : ":").Append(part.ToString(CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    /// <summary>Fills <paramref name="parts"/> from <paramref name="text"/>; false unless it holds exactly that many whole numbers.</summary>
    public static bool TryDecode(string? text, Span<long> parts)
    {
        if (text is null)
        {
            return false;
        }

        var fields = text.Split(':');
        if (fields.Length != parts.Length)
        {
            return false;
        }

        for (var i = 0; i < fields.Length; i++)
        {
            if (!long.TryParse(fields[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out parts[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A time written as UTC ticks, or null when out of range.</summary>
    public static DateTimeOffset? Time(long ticks) =>
        ticks >= 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;
}
