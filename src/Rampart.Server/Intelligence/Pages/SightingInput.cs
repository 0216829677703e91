using Rampart.Server.Intelligence.Sightings;

namespace Rampart.Server.Intelligence.Pages;

/// <summary>
/// The "Report a sighting" form of the object page. Checked by the same rules, under the same field names, as
/// <c>POST /api/intel/objects/{id}/sightings</c> (whose checks are private to its endpoint), then handed to
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
        var errors = new RequestErrors();
        if (Count is < 1 or > SightingLimits.MaxCount)
        {
            errors.Add("count", $"From 1 to {SightingLimits.MaxCount}.");
        }

        var last = LastSeen is { } l ? At(l) : FirstSeen is { } f0 ? At(f0) : now;
        var first = FirstSeen is { } f ? At(f) : last;
        if (first > last)
        {
            errors.Add("firstSeen", "Not after lastSeen.");
        }

        if (last > now.AddDays(1))
        {
            errors.Add("lastSeen", "In the future.");
        }

        var where = string.IsNullOrWhiteSpace(Where) ? null : Where.Trim();
        errors.MaxLength("where", where, SightingLimits.WhereLength);
        if (where is not null && where.Any(char.IsControl))
        {
            errors.Add("where", "One line, without control characters.");
        }

        var note = string.IsNullOrWhiteSpace(Note) ? null : Note.Trim();
        errors.MaxLength("note", note, SightingLimits.NoteLength);
        errors.ThrowIfAny();
        return new SightingReport(Count, first.ToUniversalTime(), last.ToUniversalTime(), where, note, Anonymous, ShareWith);

        DateTimeOffset At(DateTime local)
        {
            var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
            return new DateTimeOffset(unspecified, zone.GetUtcOffset(unspecified));
        }
    }
}
