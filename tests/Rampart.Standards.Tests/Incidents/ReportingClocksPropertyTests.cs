using FsCheck.Xunit;
using Rampart.Standards.Incidents;

namespace Rampart.Standards.Tests.Incidents;

/// <summary>Properties over random incidents: what holds for every fact pattern and every pair of instants.</summary>
public sealed class ReportingClocksPropertyTests
{
    private static readonly DateTimeOffset Origin = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static IncidentClockFacts RandomFacts(Random random)
    {
        var aware = Origin.AddMinutes(random.Next(0, 60 * 24 * 400));
        DateTimeOffset Later(int maxHours) => aware.AddMinutes(random.Next(0, maxHours * 60));
        var stages = new[] { ReportingStage.EarlyWarning, ReportingStage.IncidentNotification, ReportingStage.CsirtFeedback, ReportingStage.IntermediateReport, ReportingStage.ProgressReport, ReportingStage.FinalReport };
        var submissions = Enumerable.Range(0, random.Next(0, 7)).Select(_ => new StageSubmission(stages[random.Next(stages.Length)], Later(24 * 120))).ToList();
        var requests = Enumerable.Range(0, random.Next(0, 3)).Select(_ =>
        {
            var at = Later(24 * 60);
            return new IntermediateReportRequest(at, at.AddHours(random.Next(0, 24 * 10)));
        }).ToList();
        return new IncidentClockFacts
        {
            AwareAt = aware,
            Significant = true,
            EntityKind = random.Next(4) == 0 ? NisEntityKind.TrustServiceProvider : NisEntityKind.Other,
            HandlingEndedAt = random.Next(3) == 0 ? null : Later(24 * 150),
            IntermediateRequests = requests,
            Submissions = submissions,
        };
    }

    [Property(MaxTest = 300)]
    public void States_AsTimeMovesForward_NeverGoBack(int seed, ushort firstHours, ushort moreHours)
    {
        var random = new Random(seed);
        var facts = RandomFacts(random);
        var t1 = facts.AwareAt.AddHours(firstHours % 5000).AddMinutes(random.Next(60));
        var t2 = t1.AddHours(moreHours % 3000).AddMinutes(random.Next(60));

        var earlier = ReportingClocks.Evaluate(facts, t1).ToDictionary(s => (s.Stage, s.Sequence));
        var later = ReportingClocks.Evaluate(facts, t2).ToDictionary(s => (s.Stage, s.Sequence));

        foreach (var (key, before) in earlier)
        {
            if (later.TryGetValue(key, out var after))
            {
                Assert.True(after.State >= before.State, $"{key}: {before.State} at {t1:O} but {after.State} at {t2:O}");
            }
        }
    }

    [Property(MaxTest = 300)]
    public void EveryStage_StateAgreesWithItsDueTimeAndTimeLeft(int seed, ushort hours)
    {
        var random = new Random(seed);
        var facts = RandomFacts(random);
        var now = facts.AwareAt.AddHours(hours % 5000);
        var window = TimeSpan.FromHours(6);

        foreach (var stage in ReportingClocks.Evaluate(facts, now))
        {
            switch (stage.State)
            {
                case DeadlineState.Waiting:
                    Assert.NotNull(stage.WaitingFor);
                    break;
                case DeadlineState.NotDueYet:
                    Assert.True(stage.TimeLeft > window);
                    Assert.Equal(stage.Due - now, stage.TimeLeft);
                    break;
                case DeadlineState.DueSoon:
                    Assert.True(stage.TimeLeft >= TimeSpan.Zero && stage.TimeLeft <= window);
                    break;
                case DeadlineState.Overdue:
                    Assert.True(stage.TimeLeft < TimeSpan.Zero);
                    break;
                case DeadlineState.SubmittedOnTime:
                    Assert.True(stage.SubmittedAt <= now);
                    Assert.True(stage.Due is null || stage.SubmittedAt <= stage.Due);
                    break;
                case DeadlineState.SubmittedLate:
                    Assert.True(stage.SubmittedAt <= now && stage.SubmittedAt > stage.Due);
                    break;
            }

            Assert.True(stage.Due is null || stage.Due.Value.Offset == TimeSpan.Zero);
        }
    }

    [Property(MaxTest = 200)]
    public void Deadlines_DoNotDependOnTheOffsetTheFactsWereWrittenIn(int seed, sbyte offsetHours)
    {
        var random = new Random(seed);
        var facts = RandomFacts(random);
        var offset = TimeSpan.FromHours(offsetHours % 14);
        var shifted = facts with
        {
            AwareAt = facts.AwareAt.ToOffset(offset),
            HandlingEndedAt = facts.HandlingEndedAt?.ToOffset(offset),
            Submissions = facts.Submissions.Select(s => s with { SubmittedAt = s.SubmittedAt.ToOffset(offset) }).ToList(),
        };
        var now = facts.AwareAt.AddDays(random.Next(0, 200));

        Assert.Equal(
            ReportingClocks.Evaluate(facts, now).Select(s => (s.Stage, s.Sequence, s.Due, s.State)),
            ReportingClocks.Evaluate(shifted, now).Select(s => (s.Stage, s.Sequence, s.Due, s.State)));
    }

    [Property(MaxTest = 500)]
    public void AddOneMonth_IsBetween28And31DaysLater_AtTheSameUtcTimeOfDay(int minutes)
    {
        var start = Origin.AddMinutes(Math.Abs(minutes % (60 * 24 * 365 * 10)));

        var end = ReportingClocks.AddOneMonth(start);

        Assert.InRange((end - start).TotalDays, 28, 31);
        Assert.Equal(start.TimeOfDay, end.TimeOfDay);
        Assert.True(end.Day == start.Day || end.Day == DateTime.DaysInMonth(end.Year, end.Month));
    }
}
