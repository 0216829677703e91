using Rampart.Server.Intelligence.Sightings;

namespace Rampart.Server.Intelligence.Pages;

/// <summary>
/// The "Report a sighting" form of the object page. Checked by <see cref="SightingRules"/>, the rules of
/// <c>POST /api/intel/objects/{id}/sightings</c>, then handed to
/// <see cref="IntelSightings.ReportAsync"/> like the API does.
/// </summary>
public sealed class SightingInput
{
    public int Count { get; set; } = 1;

    /// <summary>In the viewer's time zone (an <c>input type=datetime-local</c>).</summary>
    public DateTime? FirstSeen { get; set; }

    public DateTime? LastSeen { get; set; }

    public string? Where { get; set; }

    public string? Note { get; set; }

    public bool Anonymous { get; set; }

    /// <summary>Who reads the sighting besides the reporter's organisation (the API's <c>shareWith</c>).</summary>
    public SightingAudience ShareWith { get; set; } = SightingAudience.Owner;

    /// <summary>The report, or 400-style errors naming the fields; a missing time is "now", a missing first seen the last seen.</summary>
    public SightingReport ToReport(TimeZoneInfo zone, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return SightingRules.Check(Count, FirstSeen is { } f ? At(f) : null, LastSeen is { } l ? At(l) : null, Where, Note, Anonymous, ShareWith, now);

        DateTimeOffset At(DateTime local)
        {
            var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
            return new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified));
        }
    }
}
