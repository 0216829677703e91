using Microsoft.Extensions.Time.Testing;
using Rampart.Standards.Incidents;

namespace Rampart.Standards.Tests.Incidents;

/// <summary>Due times are UTC; the viewer sees them in an IANA zone, with the offset in force at the due time.</summary>
public sealed class DeadlineDisplayTests
{
    // Friday 27 March 2026 08:00 UTC; Europe switches to summer time on Sunday 29 March.
    private static readonly DateTimeOffset Aware = new(2026, 3, 27, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Europe/Belgrade", "2026-03-30 10:00 (UTC+02:00)", 1)]
    [InlineData("Europe/Chisinau", "2026-03-30 11:00 (UTC+03:00)", 2)]
    [InlineData("Asia/Tbilisi", "2026-03-30 12:00 (UTC+04:00)", 4)]
    public void NotificationDue_AcrossTheSpringDstChange_ShowsTheLocalTimeWithTheNewOffset(string zone, string expectedDue, int offsetAtAwareness)
    {
        var clock = new FakeTimeProvider(Aware);
        var stage = ReportingClocks.Evaluate(new IncidentClockFacts { AwareAt = Aware, Significant = true }, clock.GetUtcNow())
            .Single(s => s.Stage == ReportingStage.IncidentNotification);

        var shown = DeadlineDisplay.InZone(stage.Due!.Value, clock.GetUtcNow(), zone);

        Assert.Equal(new DateTimeOffset(2026, 3, 30, 8, 0, 0, TimeSpan.Zero), stage.Due);
        Assert.Equal(expectedDue, shown.DueText);
        // 72 real hours, even where the wall clock moves 73 h (Belgrade, Chisinau) or 72 h (Tbilisi has no DST).
        Assert.Equal("3d 00h 00m", shown.TimeLeftText);
        Assert.Equal(TimeSpan.FromHours(offsetAtAwareness), DeadlineDisplay.InZone(Aware, Aware, zone).LocalDue.Offset);
    }

    [Fact]
    public void DueTimes_InTheRepeatedAutumnHour_ShowTheSameWallClockWithDifferentOffsets()
    {
        // 25 October 2026: Belgrade goes from 03:00 CEST back to 02:00 CET (01:00 UTC); 02:30 happens twice.
        var first = DeadlineDisplay.InZone(new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 24, 0, 30, 0, TimeSpan.Zero), "Europe/Belgrade");
        var second = DeadlineDisplay.InZone(new DateTimeOffset(2026, 10, 25, 1, 30, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 24, 0, 30, 0, TimeSpan.Zero), "Europe/Belgrade");

        Assert.Equal("2026-10-25 02:30 (UTC+02:00)", first.DueText);
        Assert.Equal("2026-10-25 02:30 (UTC+01:00)", second.DueText);
        Assert.Equal("1d 00h 00m", first.TimeLeftText);
        Assert.Equal("1d 01h 00m", second.TimeLeftText);
    }

    [Fact]
    public void FakeClock_MovedPastTheDueTimeAcrossTheDstChange_ShowsOverdueTimeLeft()
    {
        var clock = new FakeTimeProvider(Aware);
        var facts = new IncidentClockFacts { AwareAt = Aware, Significant = true };
        clock.Advance(TimeSpan.FromHours(72) + TimeSpan.FromMinutes(65));

        var stage = ReportingClocks.Evaluate(facts, clock.GetUtcNow()).Single(s => s.Stage == ReportingStage.IncidentNotification);
        var shown = DeadlineDisplay.InZone(stage.Due!.Value, clock.GetUtcNow(), "Europe/Chisinau");

        Assert.Equal(DeadlineState.Overdue, stage.State);
        Assert.Equal("-1h 05m", shown.TimeLeftText);
    }

    [Theory]
    [InlineData("Mars/Olympus")]
    [InlineData("")]
    [InlineData("../../etc/passwd")]
    [InlineData("Central Europe Standard Time")]
    public void InZone_NotAnIanaZone_IsRefusedNamingTheZone(string zone)
    {
        var error = Assert.Throws<StandardsException>(() => DeadlineDisplay.InZone(Aware, Aware, zone));

        Assert.Equal("zone", error.Path);
    }

    [Theory]
    [InlineData(0, "0m")]
    [InlineData(59, "59m")]
    [InlineData(60, "1h 00m")]
    [InlineData(1505, "1d 01h 05m")]
    [InlineData(-65, "-1h 05m")]
    public void FormatDuration_Minutes_AreWrittenAsDaysHoursMinutes(int minutes, string expected)
    {
        Assert.Equal(expected, DeadlineDisplay.FormatDuration(TimeSpan.FromMinutes(minutes)));
    }
}
