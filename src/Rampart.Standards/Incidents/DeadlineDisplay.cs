using System.Globalization;
using System.Text;

namespace Rampart.Standards.Incidents;

/// <summary>A due time as the viewer reads it: local wall-clock time in an IANA zone, with the offset in force then.</summary>
/// <param name="ZoneId">The IANA zone, e.g. <c>Europe/Belgrade</c>.</param>
/// <param name="LocalDue">The due time in that zone (its offset is the one in force at the due time, so a DST change between now and then is accounted for).</param>
/// <param name="TimeLeft">Due minus now; negative when overdue.</param>
public sealed record LocalDeadline(string ZoneId, DateTimeOffset LocalDue, TimeSpan TimeLeft)
{
    /// <summary><c>2026-03-31 10:00 (UTC+02:00)</c>: invariant, for logs, exports and tests; pages format <see cref="LocalDue"/> in the viewer's culture.</summary>
    public string DueText => LocalDue.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " (UTC" + LocalDue.ToString("zzz", CultureInfo.InvariantCulture) + ")";

    /// <summary>Time left as <see cref="DeadlineDisplay.FormatDuration"/> writes it, e.g. <c>2d 03h 15m</c> or <c>-1h 05m</c> when overdue.</summary>
    public string TimeLeftText => DeadlineDisplay.FormatDuration(TimeLeft);
}

/// <summary>Turns UTC due times into what a viewer in a given time zone sees.</summary>
public static class DeadlineDisplay
{
    /// <summary>The due time and time left in <paramref name="ianaZone"/>.</summary>
    /// <exception cref="StandardsException">The zone is not a known IANA time-zone id (path <c>zone</c>).</exception>
    public static LocalDeadline InZone(DateTimeOffset due, DateTimeOffset now, string ianaZone)
    {
        var zone = FindZone(ianaZone);
        return new LocalDeadline(ianaZone, TimeZoneInfo.ConvertTime(due, zone), due - now);
    }

    /// <summary>Resolves an IANA id (Windows ids are refused: the server stores IANA ids only).</summary>
    public static TimeZoneInfo FindZone(string ianaZone)
    {
        if (string.IsNullOrWhiteSpace(ianaZone) || ianaZone.Length > 64 || !TimeZoneInfo.TryFindSystemTimeZoneById(ianaZone, out var zone) || !zone.HasIanaId)
        {
            throw new StandardsException("not a known IANA time zone", null, "zone");
        }

        return zone;
    }

    /// <summary>Days, hours and minutes, language-neutral: <c>2d 03h 15m</c>, <c>45m</c>, <c>-1h 05m</c>. Seconds are dropped (rounded toward zero).</summary>
    public static string FormatDuration(TimeSpan span)
    {
        var negative = span < TimeSpan.Zero;
        var total = (long)Math.Abs(Math.Truncate(span.TotalMinutes));
        var days = total / (24 * 60);
        var hours = total / 60 % 24;
        var minutes = total % 60;
        var text = new StringBuilder();
        if (negative && total > 0)
        {
            text.Append('-');
        }

        if (days > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{days}d {hours:00}h {minutes:00}m");
        }
        else if (hours > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"{hours}h {minutes:00}m");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"{minutes}m");
        }

        return text.ToString();
    }
}
