using System.Globalization;
using System.Text.RegularExpressions;
using Rampart.Server.Components.Layout;
using Rampart.Server.Localisation;

namespace Rampart.Server.Tests;

/// <summary>Every UI language shows times on a 24-hour clock, in the culture's date order, with the time zone.</summary>
public sealed partial class ClockTests
{
    public static TheoryData<string> Cultures() => new(Languages.All.Select(l => l.Culture));

    private static readonly DateTimeOffset Afternoon = new(2026, 11, 29, 15, 5, 9, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(Cultures))]
    public void Clock_EveryLanguage_TwentyFourHours_NoDayPeriod(string name)
    {
        var culture = CultureInfo.GetCultureInfo(name);
        var shortText = Clock.ShortDateTime(Afternoon, culture);
        var preciseText = Clock.PreciseDateTime(Afternoon, culture);

        Assert.Contains("15:05", shortText, StringComparison.Ordinal);
        Assert.Contains("15:05:09", preciseText, StringComparison.Ordinal);
        Assert.DoesNotContain("3:05", shortText.Replace("15:05", "", StringComparison.Ordinal), StringComparison.Ordinal);
        foreach (var pattern in new[] { Clock.ShortPattern(culture), Clock.PrecisePattern(culture) })
        {
            Assert.DoesNotMatch(TwelveHourOrDayPeriod(), Unquoted(pattern));
        }

        foreach (var designator in new[] { culture.DateTimeFormat.AMDesignator, culture.DateTimeFormat.PMDesignator }.Where(d => d.Length > 0))
        {
            Assert.DoesNotContain(designator, preciseText, StringComparison.Ordinal);
        }

        // The date keeps the culture's own order and digits: the short date alone is a prefix of the text.
        Assert.StartsWith(Afternoon.ToString("d", culture), shortText, StringComparison.Ordinal);
    }

    [Fact]
    public void Albanian_IcuPatternIsTwelveHours_ClockIsNot()
    {
        // Why the helper exists: the platform's own Albanian short time has a day period.
        var albanian = CultureInfo.GetCultureInfo("sq");
        Assert.Matches(TwelveHourOrDayPeriod(), Unquoted(albanian.DateTimeFormat.ShortTimePattern));
        Assert.EndsWith("15:05", Clock.ShortDateTime(Afternoon, albanian), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public void Viewer_InAZone_TwentyFourHoursAndOffset(string name)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(name);
        try
        {
            var belgrade = Viewer.For("Europe/Belgrade");
            Assert.EndsWith("16:05 UTC+01:00", belgrade.Format(Afternoon), StringComparison.Ordinal);
            Assert.EndsWith("16:05:09 UTC+01:00", belgrade.FormatPrecise(Afternoon), StringComparison.Ordinal);
            Assert.EndsWith("15:05 UTC", Viewer.Utc.Format(Afternoon), StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    private static string Unquoted(string pattern) => Quoted().Replace(pattern, "");

    [GeneratedRegex(@"'[^']*'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"h|t")]
    private static partial Regex TwelveHourOrDayPeriod();
}
