using System.Globalization;
using Rampart.Server.Localisation;

namespace Rampart.Server.Components.Layout;

/// <summary>
/// The person looking at the page: their time zone (from the browser, UTC until it is known) and
/// language. Cascaded by the layout; a new instance when the time zone becomes known re-renders the times.
/// </summary>
public sealed record Viewer(TimeZoneInfo TimeZone)
{
    public static Viewer Utc { get; } = new(TimeZoneInfo.Utc);

    /// <summary>Short date and 24-hour time (<see cref="Clock"/>) in the viewer's zone and language, with the zone's offset ("29.11.2026 16:40 UTC+01:00").</summary>
    public string Format(DateTimeOffset time)
    {
        var local = TimeZoneInfo.ConvertTime(time, TimeZone);
        return Clock.ShortDateTime(local, CultureInfo.CurrentCulture) + " " + Offset(local.Offset);
    }

    /// <summary>Date, time with seconds and the offset, for the audit log.</summary>
    public string FormatPrecise(DateTimeOffset time)
    {
        var local = TimeZoneInfo.ConvertTime(time, TimeZone);
        return Clock.PreciseDateTime(local, CultureInfo.CurrentCulture) + " " + Offset(local.Offset);
    }

    public DateTimeOffset ToLocal(DateTimeOffset time) => TimeZoneInfo.ConvertTime(time, TimeZone);

    /// <summary>What a date-time field the viewer filled in (their wall clock) means as an instant.</summary>
    public DateTimeOffset FromLocal(DateTime local)
    {
        var wall = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        return new DateTimeOffset(wall, TimeZone.GetUtcOffset(wall));
    }

    public DateTimeOffset? FromLocal(DateTime? local) => local is { } l ? FromLocal(l) : null;

    private static string Offset(TimeSpan offset) =>
        offset == TimeSpan.Zero ? "UTC" : "UTC" + (offset < TimeSpan.Zero ? "−" : "+") + offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    /// <summary>The zone the browser reports (an IANA id); UTC for anything unknown.</summary>
    public static Viewer For(string? ianaId) =>
        !string.IsNullOrWhiteSpace(ianaId) && TimeZoneInfo.TryFindSystemTimeZoneById(ianaId, out var zone) ? new Viewer(zone) : Utc;
}
