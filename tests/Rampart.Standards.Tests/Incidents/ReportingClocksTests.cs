using Microsoft.Extensions.Time.Testing;
using Rampart.Standards.Incidents;

namespace Rampart.Standards.Tests.Incidents;

/// <summary>NIS2 Art. 23 stages across their deadlines, with a fake clock.</summary>
public sealed class ReportingClocksTests
{
    private static readonly DateTimeOffset Aware = new(2026, 3, 10, 8, 0, 0, TimeSpan.Zero);

    private static IncidentClockFacts Facts(params StageSubmission[] submissions) =>
        new() { AwareAt = Aware, Significant = true, Submissions = submissions };

    private static StageStatus Stage(IncidentClockFacts facts, DateTimeOffset now, ReportingStage stage, int sequence = 1) =>
        ReportingClocks.Evaluate(facts, now).Single(s => s.Stage == stage && s.Sequence == sequence);

    [Fact]
    public void EarlyWarning_FakeClockMovedAcrossItsDeadline_GoesNotDueYetThenDueSoonThenOverdue()
    {
        var clock = new FakeTimeProvider(Aware);
        var facts = Facts();

        var atAwareness = Stage(facts, clock.GetUtcNow(), ReportingStage.EarlyWarning);
        Assert.Equal(new DateTimeOffset(2026, 3, 11, 8, 0, 0, TimeSpan.Zero), atAwareness.Due);
        Assert.Equal(DeadlineState.NotDueYet, atAwareness.State);
        Assert.Equal(TimeSpan.FromHours(24), atAwareness.TimeLeft);

        clock.Advance(TimeSpan.FromHours(18) - TimeSpan.FromSeconds(1));
        Assert.Equal(DeadlineState.NotDueYet, Stage(facts, clock.GetUtcNow(), ReportingStage.EarlyWarning).State);

        clock.Advance(TimeSpan.FromSeconds(1)); // exactly 6 h left
        Assert.Equal(DeadlineState.DueSoon, Stage(facts, clock.GetUtcNow(), ReportingStage.EarlyWarning).State);

        clock.Advance(TimeSpan.FromHours(6)); // at the due instant: still in time
        var atDue = Stage(facts, clock.GetUtcNow(), ReportingStage.EarlyWarning);
        Assert.Equal(DeadlineState.DueSoon, atDue.State);
        Assert.Equal(TimeSpan.Zero, atDue.TimeLeft);

        clock.Advance(TimeSpan.FromSeconds(1));
        var late = Stage(facts, clock.GetUtcNow(), ReportingStage.EarlyWarning);
        Assert.Equal(DeadlineState.Overdue, late.State);
        Assert.Equal(TimeSpan.FromSeconds(-1), late.TimeLeft);
        Assert.True(late.IsOpen);
    }

    [Fact]
    public void EarlyWarning_SubmittedAtTheDueInstant_IsOnTime_OneSecondLater_IsLate()
    {
        var due = Aware.AddHours(24);
        var onTime = Stage(Facts(new StageSubmission(ReportingStage.EarlyWarning, due)), due.AddDays(3), ReportingStage.EarlyWarning);
        var late = Stage(Facts(new StageSubmission(ReportingStage.EarlyWarning, due.AddSeconds(1))), due.AddDays(3), ReportingStage.EarlyWarning);

        Assert.Equal(DeadlineState.SubmittedOnTime, onTime.State);
        Assert.Equal(due, onTime.SubmittedAt);
        Assert.Null(onTime.TimeLeft);
        Assert.False(onTime.IsOpen);
        Assert.Equal(DeadlineState.SubmittedLate, late.State);
    }

    [Fact]
    public void Submission_DatedAfterTheInstantOfEvaluation_IsNotYetSubmitted()
    {
        var facts = Facts(new StageSubmission(ReportingStage.EarlyWarning, Aware.AddHours(23)));

        var before = Stage(facts, Aware.AddHours(22), ReportingStage.EarlyWarning);

        Assert.Equal(DeadlineState.DueSoon, before.State);
        Assert.Null(before.SubmittedAt);
    }

    [Fact]
    public void IncidentNotification_OrdinaryEntity_IsDue72HoursAfterAwareness()
    {
        var clock = new FakeTimeProvider(Aware);
        var facts = Facts();

        var stage = Stage(facts, clock.GetUtcNow(), ReportingStage.IncidentNotification);
        Assert.Equal(Aware.AddHours(72), stage.Due);
        Assert.Equal("Directive (EU) 2022/2555, Art. 23(4)(b)", stage.LegalBasis);

        clock.Advance(TimeSpan.FromHours(66));
        Assert.Equal(DeadlineState.DueSoon, Stage(facts, clock.GetUtcNow(), ReportingStage.IncidentNotification).State);
        clock.Advance(TimeSpan.FromHours(6) + TimeSpan.FromTicks(1));
        Assert.Equal(DeadlineState.Overdue, Stage(facts, clock.GetUtcNow(), ReportingStage.IncidentNotification).State);
    }

    [Fact]
    public void IncidentNotification_TrustServiceProvider_IsDue24HoursAfterAwareness()
    {
        var facts = Facts() with { EntityKind = NisEntityKind.TrustServiceProvider };

        var stage = Stage(facts, Aware.AddHours(25), ReportingStage.IncidentNotification);

        Assert.Equal(Aware.AddHours(24), stage.Due);
        Assert.Equal(DeadlineState.Overdue, stage.State);
        Assert.Contains("second subparagraph", stage.LegalBasis, StringComparison.Ordinal);
    }

    [Fact]
    public void Incident_NotSignificant_HasNoStages()
    {
        var facts = Facts() with { Significant = false };

        Assert.Empty(ReportingClocks.Evaluate(facts, Aware.AddDays(40)));
    }

    [Fact]
    public void CsirtFeedback_WaitsForTheEarlyWarning_ThenIsDue24HoursAfterIt()
    {
        var submitted = Aware.AddHours(12);
        var facts = Facts(new StageSubmission(ReportingStage.EarlyWarning, submitted));

        var before = Stage(facts, Aware.AddHours(1), ReportingStage.CsirtFeedback);
        Assert.Equal(DeadlineState.Waiting, before.State);
        Assert.Equal(nameof(ReportingStage.EarlyWarning), before.WaitingFor);
        Assert.Null(before.Due);
        Assert.Equal(StageObligee.ReceivingCsirt, before.Obligee);

        var after = Stage(facts, submitted.AddHours(19), ReportingStage.CsirtFeedback);
        Assert.Equal(submitted.AddHours(24), after.Due);
        Assert.Equal(DeadlineState.DueSoon, after.State);
        Assert.Equal(DeadlineState.Overdue, Stage(facts, submitted.AddHours(25), ReportingStage.CsirtFeedback).State);

        var answered = facts with { Submissions = [.. facts.Submissions, new StageSubmission(ReportingStage.CsirtFeedback, submitted.AddHours(2))] };
        Assert.Equal(DeadlineState.SubmittedOnTime, Stage(answered, submitted.AddHours(25), ReportingStage.CsirtFeedback).State);
    }

    [Fact]
    public void IntermediateReports_AppearWhenRequested_AndAreAnsweredInOrder()
    {
        var first = new IntermediateReportRequest(Aware.AddDays(5), Aware.AddDays(7));
        var second = new IntermediateReportRequest(Aware.AddDays(10), Aware.AddDays(11));
        var facts = Facts(new StageSubmission(ReportingStage.IntermediateReport, Aware.AddDays(7).AddHours(1))) with { IntermediateRequests = [second, first] };

        Assert.DoesNotContain(ReportingClocks.Evaluate(facts, Aware.AddDays(4)), s => s.Stage == ReportingStage.IntermediateReport);

        var one = Stage(facts, Aware.AddDays(6), ReportingStage.IntermediateReport);
        Assert.Equal(Aware.AddDays(7), one.Due);
        Assert.Equal(DeadlineState.NotDueYet, one.State);
        Assert.DoesNotContain(ReportingClocks.Evaluate(facts, Aware.AddDays(6)), s => s.Stage == ReportingStage.IntermediateReport && s.Sequence == 2);

        var later = Aware.AddDays(12);
        Assert.Equal(DeadlineState.SubmittedLate, Stage(facts, later, ReportingStage.IntermediateReport, 1).State);
        Assert.Equal(DeadlineState.Overdue, Stage(facts, later, ReportingStage.IntermediateReport, 2).State);
    }

    [Fact]
    public void IntermediateRequest_DueBeforeItWasMade_IsRefusedNamingTheField()
    {
        var facts = Facts() with { IntermediateRequests = [new IntermediateReportRequest(Aware.AddDays(2), Aware.AddDays(1))] };

        var error = Assert.Throws<StandardsException>(() => ReportingClocks.Evaluate(facts, Aware.AddDays(3)));

        Assert.Equal("IntermediateRequests[0].DueAt", error.Path);
    }

    [Fact]
    public void FinalReport_BeforeTheNotification_WaitsForIt()
    {
        var stage = Stage(Facts(), Aware.AddDays(1), ReportingStage.FinalReport);

        Assert.Equal(DeadlineState.Waiting, stage.State);
        Assert.Equal(nameof(ReportingStage.IncidentNotification), stage.WaitingFor);
    }

    [Fact]
    public void FinalReport_HandlingEndedWithinTheMonth_IsDueOneMonthAfterTheNotification_NoProgressReport()
    {
        var notified = new DateTimeOffset(2026, 3, 12, 10, 0, 0, TimeSpan.Zero);
        var facts = Facts(new StageSubmission(ReportingStage.IncidentNotification, notified)) with { HandlingEndedAt = new DateTimeOffset(2026, 3, 20, 0, 0, 0, TimeSpan.Zero) };

        var stages = ReportingClocks.Evaluate(facts, new DateTimeOffset(2026, 4, 12, 5, 0, 0, TimeSpan.Zero));

        var final = stages.Single(s => s.Stage == ReportingStage.FinalReport);
        Assert.Equal(new DateTimeOffset(2026, 4, 12, 10, 0, 0, TimeSpan.Zero), final.Due);
        Assert.Equal(DeadlineState.DueSoon, final.State);
        Assert.Equal("Directive (EU) 2022/2555, Art. 23(4)(d)", final.LegalBasis);
        Assert.DoesNotContain(stages, s => s.Stage == ReportingStage.ProgressReport);
    }

    [Fact]
    public void ProgressReport_IncidentStillOngoing_IsDueAtTheMonth_FinalReportWaitsForHandlingToEnd()
    {
        var notified = new DateTimeOffset(2026, 3, 12, 10, 0, 0, TimeSpan.Zero);
        var facts = Facts(new StageSubmission(ReportingStage.IncidentNotification, notified));

        var stages = ReportingClocks.Evaluate(facts, new DateTimeOffset(2026, 4, 13, 0, 0, 0, TimeSpan.Zero));

        var progress = stages.Single(s => s.Stage == ReportingStage.ProgressReport);
        Assert.Equal(new DateTimeOffset(2026, 4, 12, 10, 0, 0, TimeSpan.Zero), progress.Due);
        Assert.Equal(DeadlineState.Overdue, progress.State);
        var final = stages.Single(s => s.Stage == ReportingStage.FinalReport);
        Assert.Equal(DeadlineState.Waiting, final.State);
        Assert.Equal("HandlingEnded", final.WaitingFor);
    }

    [Fact]
    public void FinalReport_HandlingEndedAfterTheMonth_IsDueOneMonthAfterHandlingEnded()
    {
        var notified = new DateTimeOffset(2026, 3, 12, 10, 0, 0, TimeSpan.Zero);
        var ended = new DateTimeOffset(2026, 5, 2, 0, 0, 0, TimeSpan.Zero);
        var facts = Facts(
            new StageSubmission(ReportingStage.IncidentNotification, notified),
            new StageSubmission(ReportingStage.ProgressReport, new DateTimeOffset(2026, 4, 12, 9, 0, 0, TimeSpan.Zero))) with { HandlingEndedAt = ended };

        var stages = ReportingClocks.Evaluate(facts, new DateTimeOffset(2026, 5, 3, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(DeadlineState.SubmittedOnTime, stages.Single(s => s.Stage == ReportingStage.ProgressReport).State);
        var final = stages.Single(s => s.Stage == ReportingStage.FinalReport);
        Assert.Equal(new DateTimeOffset(2026, 6, 2, 0, 0, 0, TimeSpan.Zero), final.Due);
        Assert.Equal(DeadlineState.NotDueYet, final.State);
        Assert.Equal("Directive (EU) 2022/2555, Art. 23(4)(e)", final.LegalBasis);
    }

    [Fact]
    public void FinalReport_WhileStillOngoing_ShowsTheProgressReportOnlyOnceTheEndIsKnownLater()
    {
        // Before handling ends the analyst sees the progress report; once it ends inside the month, the final report is due at the month.
        var notified = new DateTimeOffset(2026, 3, 12, 10, 0, 0, TimeSpan.Zero);
        var ended = new DateTimeOffset(2026, 3, 25, 0, 0, 0, TimeSpan.Zero);
        var facts = Facts(new StageSubmission(ReportingStage.IncidentNotification, notified)) with { HandlingEndedAt = ended };

        Assert.Contains(ReportingClocks.Evaluate(facts, ended.AddHours(-1)), s => s.Stage == ReportingStage.ProgressReport);
        var after = ReportingClocks.Evaluate(facts, ended.AddHours(1));
        Assert.DoesNotContain(after, s => s.Stage == ReportingStage.ProgressReport);
        Assert.Equal(new DateTimeOffset(2026, 4, 12, 10, 0, 0, TimeSpan.Zero), after.Single(s => s.Stage == ReportingStage.FinalReport).Due);
    }

    [Fact]
    public void FinalReport_SubmittedWhileHandlingHadNoRecordedEnd_CountsAsTheEndOfHandling()
    {
        var notified = new DateTimeOffset(2026, 3, 12, 10, 0, 0, TimeSpan.Zero);
        var finalAt = new DateTimeOffset(2026, 4, 20, 0, 0, 0, TimeSpan.Zero);
        var facts = Facts(
            new StageSubmission(ReportingStage.IncidentNotification, notified),
            new StageSubmission(ReportingStage.FinalReport, finalAt));

        var stages = ReportingClocks.Evaluate(facts, finalAt.AddDays(1));

        Assert.Equal(DeadlineState.Overdue, stages.Single(s => s.Stage == ReportingStage.ProgressReport).State);
        var final = stages.Single(s => s.Stage == ReportingStage.FinalReport);
        Assert.Equal(DeadlineState.SubmittedOnTime, final.State);
        Assert.Equal(new DateTimeOffset(2026, 5, 20, 0, 0, 0, TimeSpan.Zero), final.Due);
    }

    [Fact]
    public void FinalReport_SubmittedWithinTheMonth_NoProgressReportIsOwed()
    {
        var notified = new DateTimeOffset(2026, 3, 12, 10, 0, 0, TimeSpan.Zero);
        var facts = Facts(
            new StageSubmission(ReportingStage.IncidentNotification, notified),
            new StageSubmission(ReportingStage.FinalReport, notified.AddDays(10)));

        var stages = ReportingClocks.Evaluate(facts, notified.AddDays(60));

        Assert.DoesNotContain(stages, s => s.Stage == ReportingStage.ProgressReport);
        Assert.Equal(DeadlineState.SubmittedOnTime, stages.Single(s => s.Stage == ReportingStage.FinalReport).State);
    }

    [Theory]
    [InlineData("2026-01-31T10:00:00Z", "2026-02-28T10:00:00Z")]
    [InlineData("2028-01-31T10:00:00Z", "2028-02-29T10:00:00Z")]
    [InlineData("2026-03-31T23:30:00Z", "2026-04-30T23:30:00Z")]
    [InlineData("2026-12-15T00:00:00Z", "2027-01-15T00:00:00Z")]
    [InlineData("2026-02-28T12:00:00Z", "2026-03-28T12:00:00Z")]
    public void AddOneMonth_CalendarMonthInUtc_ClampsToTheLastDayOfTheMonth(string from, string expected)
    {
        Assert.True(Timestamps.TryParse(from, out var start));
        Assert.True(Timestamps.TryParse(expected, out var end));

        Assert.Equal(end, ReportingClocks.AddOneMonth(start));
    }

    [Fact]
    public void AddOneMonth_InstantGivenWithAnOffset_CountsTheMonthInUtc()
    {
        // 1 March 00:30 in Belgrade is still 28 February in UTC: the month runs from the UTC date.
        var belgrade = new DateTimeOffset(2026, 3, 1, 0, 30, 0, TimeSpan.FromHours(1));

        Assert.Equal(new DateTimeOffset(2026, 3, 28, 23, 30, 0, TimeSpan.Zero), ReportingClocks.AddOneMonth(belgrade));
    }

    [Fact]
    public void Evaluate_DueSoonWindowConfigured_UsesIt()
    {
        var options = new ClockOptions { DueSoonWindow = TimeSpan.FromHours(12) };

        var stage = ReportingClocks.Evaluate(Facts(), Aware.AddHours(13), options).Single(s => s.Stage == ReportingStage.EarlyWarning);

        Assert.Equal(DeadlineState.DueSoon, stage.State);
        Assert.Throws<StandardsException>(() => ReportingClocks.Evaluate(Facts(), Aware, new ClockOptions { DueSoonWindow = TimeSpan.FromHours(-1) }));
    }

    [Fact]
    public void Evaluate_StagesAreInTheOrderTheyFallDue()
    {
        var facts = Facts(new StageSubmission(ReportingStage.EarlyWarning, Aware.AddHours(30)));

        var stages = ReportingClocks.Evaluate(facts, Aware.AddDays(2));

        Assert.Equal(
            [ReportingStage.EarlyWarning, ReportingStage.CsirtFeedback, ReportingStage.IncidentNotification, ReportingStage.FinalReport],
            stages.Select(s => s.Stage));
    }
}
