namespace Rampart.Standards.Incidents;

/// <summary>Settings of the clocks. The server binds them from configuration.</summary>
public sealed record ClockOptions
{
    /// <summary>A running stage is "due soon" within this window before its due time. Default 6 h (the notification threshold).</summary>
    public TimeSpan DueSoonWindow { get; init; } = TimeSpan.FromHours(6);

    /// <summary>The defaults.</summary>
    public static ClockOptions Default { get; } = new();
}

/// <summary>
/// The NIS2 Art. 23 reporting stages of an incident (Directive (EU) 2022/2555) and the receiving CSIRT's feedback
/// duty (Art. 23(5)), computed from <see cref="IncidentClockFacts"/> at an instant. Pure: the caller passes the
/// instant (from its <see cref="TimeProvider"/>); all due times are UTC.
/// </summary>
/// <remarks>
/// Deadlines are the exact instant of the triggering event plus the period, never rounded to the end of an hour or
/// a day, and never extended over week-ends: the displayed deadline is never later than the legal one (see
/// docs/incidents-clocks.md on Regulation (EEC, Euratom) No 1182/71). "One month" is <see cref="AddOneMonth"/>.
/// </remarks>
public static class ReportingClocks
{
    private const string Directive = "Directive (EU) 2022/2555, ";
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);
    private static readonly TimeSpan ThreeDays = TimeSpan.FromHours(72);

    /// <summary>The stages at <paramref name="now"/>, in the order they fall due. Empty for an incident that is not significant.</summary>
    /// <exception cref="StandardsException">A due-soon window that is negative, or an intermediate request due before it was made.</exception>
    public static IReadOnlyList<StageStatus> Evaluate(IncidentClockFacts facts, DateTimeOffset now, ClockOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(facts);
        options ??= ClockOptions.Default;
        if (options.DueSoonWindow < TimeSpan.Zero)
        {
            throw new StandardsException("must not be negative", null, nameof(ClockOptions.DueSoonWindow));
        }

        if (!facts.Significant)
        {
            return [];
        }

        var window = options.DueSoonWindow;
        var aware = facts.AwareAt.ToUniversalTime();
        var known = facts.Submissions.Where(s => s.SubmittedAt <= now).ToList();
        DateTimeOffset? SubmittedAt(ReportingStage stage) =>
            known.Where(s => s.Stage == stage).Select(s => (DateTimeOffset?)s.SubmittedAt.ToUniversalTime()).Min();

        var stages = new List<StageStatus>();
        var earlyWarning = SubmittedAt(ReportingStage.EarlyWarning);
        stages.Add(Running(ReportingStage.EarlyWarning, StageObligee.Entity, aware + Day, earlyWarning, now, window, Directive + "Art. 23(4)(a)"));

        var notificationPeriod = facts.EntityKind == NisEntityKind.TrustServiceProvider ? Day : ThreeDays;
        var notification = SubmittedAt(ReportingStage.IncidentNotification);
        stages.Add(Running(
            ReportingStage.IncidentNotification,
            StageObligee.Entity,
            aware + notificationPeriod,
            notification,
            now,
            window,
            Directive + (facts.EntityKind == NisEntityKind.TrustServiceProvider ? "Art. 23(4)(b) and second subparagraph" : "Art. 23(4)(b)")));

        // The CSIRT's initial feedback runs from the moment it received the early warning.
        stages.Add(earlyWarning is { } ew
            ? Running(ReportingStage.CsirtFeedback, StageObligee.ReceivingCsirt, ew + Day, SubmittedAt(ReportingStage.CsirtFeedback), now, window, Directive + "Art. 23(5)")
            : Waiting(ReportingStage.CsirtFeedback, StageObligee.ReceivingCsirt, nameof(ReportingStage.EarlyWarning), Directive + "Art. 23(5)"));

        var requests = facts.IntermediateRequests.Where(r => r.RequestedAt <= now).OrderBy(r => r.RequestedAt).ToList();
        var intermediates = known.Where(s => s.Stage == ReportingStage.IntermediateReport).Select(s => s.SubmittedAt.ToUniversalTime()).Order().ToList();
        for (var i = 0; i < requests.Count; i++)
        {
            if (requests[i].DueAt < requests[i].RequestedAt)
            {
                throw new StandardsException("an intermediate report cannot be due before it was requested", null, $"{nameof(IncidentClockFacts.IntermediateRequests)}[{i}].{nameof(IntermediateReportRequest.DueAt)}");
            }

            stages.Add(Running(ReportingStage.IntermediateReport, StageObligee.Entity, requests[i].DueAt.ToUniversalTime(), i < intermediates.Count ? intermediates[i] : null, now, window, Directive + "Art. 23(4)(c)") with { Sequence = i + 1 });
        }

        AddFinalStages(stages, facts, notification, now, window);
        return stages.OrderBy(s => s.Due ?? DateTimeOffset.MaxValue).ThenBy(s => s.Stage).ToList();
    }

    private static void AddFinalStages(List<StageStatus> stages, IncidentClockFacts facts, DateTimeOffset? notification, DateTimeOffset now, TimeSpan window)
    {
        var final = facts.Submissions.Where(s => s.Stage == ReportingStage.FinalReport && s.SubmittedAt <= now).Select(s => (DateTimeOffset?)s.SubmittedAt.ToUniversalTime()).Min();
        var progress = facts.Submissions.Where(s => s.Stage == ReportingStage.ProgressReport && s.SubmittedAt <= now).Select(s => (DateTimeOffset?)s.SubmittedAt.ToUniversalTime()).Min();
        if (notification is not { } submitted)
        {
            stages.Add(Waiting(ReportingStage.FinalReport, StageObligee.Entity, nameof(ReportingStage.IncidentNotification), Directive + "Art. 23(4)(d)"));
            return;
        }

        var monthAfterNotification = AddOneMonth(submitted);

        // A final report submitted without a recorded end of handling says handling ended then.
        var ended = (facts.HandlingEndedAt is { } e && e <= now ? e.ToUniversalTime() : (DateTimeOffset?)null) ?? final;

        // Ongoing when the month runs out: handling had not ended by then (or has not ended yet).
        var ongoingAtMonth = ended is null || ended > monthAfterNotification;
        if (!ongoingAtMonth && progress is null)
        {
            stages.Add(Running(ReportingStage.FinalReport, StageObligee.Entity, monthAfterNotification, final, now, window, Directive + "Art. 23(4)(d)"));
            return;
        }

        stages.Add(Running(ReportingStage.ProgressReport, StageObligee.Entity, monthAfterNotification, progress, now, window, Directive + "Art. 23(4)(e)"));
        stages.Add(ended is { } end
            ? Running(ReportingStage.FinalReport, StageObligee.Entity, end <= monthAfterNotification ? monthAfterNotification : AddOneMonth(end), final, now, window, Directive + "Art. 23(4)(e)")
            : Waiting(ReportingStage.FinalReport, StageObligee.Entity, "HandlingEnded", Directive + "Art. 23(4)(e)"));
    }

    /// <summary>
    /// One calendar month in UTC: the same UTC time of day on the same day number of the next month, or on that
    /// month's last day when it has no such day (31 January 10:00 Z → 28 February 10:00 Z, 29 February in a leap year).
    /// </summary>
    public static DateTimeOffset AddOneMonth(DateTimeOffset instant) => instant.ToUniversalTime().AddMonths(1);

    /// <summary>The state of a running clock with its due time at <paramref name="now"/>.</summary>
    public static DeadlineState StateAt(DateTimeOffset due, DateTimeOffset? submittedAt, DateTimeOffset now, TimeSpan dueSoonWindow)
    {
        if (submittedAt is { } s && s <= now)
        {
            return s <= due ? DeadlineState.SubmittedOnTime : DeadlineState.SubmittedLate;
        }

        if (now > due)
        {
            return DeadlineState.Overdue;
        }

        return due - now <= dueSoonWindow ? DeadlineState.DueSoon : DeadlineState.NotDueYet;
    }

    internal static StageStatus Running(ReportingStage stage, StageObligee obligee, DateTimeOffset due, DateTimeOffset? submittedAt, DateTimeOffset now, TimeSpan window, string legalBasis)
    {
        var shownSubmission = submittedAt is { } s && s <= now ? s : (DateTimeOffset?)null;
        var state = StateAt(due, shownSubmission, now, window);
        return new StageStatus
        {
            Stage = stage,
            Obligee = obligee,
            Due = due,
            SubmittedAt = shownSubmission,
            State = state,
            TimeLeft = shownSubmission is null ? due - now : null,
            LegalBasis = legalBasis,
        };
    }

    private static StageStatus Waiting(ReportingStage stage, StageObligee obligee, string waitingFor, string legalBasis) =>
        new() { Stage = stage, Obligee = obligee, State = DeadlineState.Waiting, WaitingFor = waitingFor, LegalBasis = legalBasis };
}
