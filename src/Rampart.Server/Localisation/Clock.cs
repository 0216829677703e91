using System.Globalization;

namespace Rampart.Server.Localisation;

/// <summary>
/// Dates in the culture's own order, times always on a 24-hour clock: every language of the network writes
/// times that way, but ICU gives Albanian (sq) a 12-hour pattern ("h:mm a"). Every time the UI shows goes
/// through here.
/// </summary>
public static class Clock
{
    /// <summary>Short date and hours:minutes, e.g. "29.11.2026 16:40" (sr-Latn) or "29.11.26 16:40" (sq).</summary>
    public static string ShortPattern(CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        return culture.DateTimeFormat.ShortDatePattern + " HH:mm";
    }

    /// <summary>Short date and hours:minutes:seconds, for the audit log.</summary>
    public static string PrecisePattern(CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        return culture.DateTimeFormat.ShortDatePattern + " HH:mm:ss";
    }

    public static string ShortDateTime(DateTimeOffset time, CultureInfo culture) => time.ToString(ShortPattern(culture), culture);

    public static string PreciseDateTime(DateTimeOffset time, CultureInfo culture) => time.ToString(PrecisePattern(culture), culture);
}
