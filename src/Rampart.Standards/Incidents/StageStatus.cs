namespace Rampart.Standards.Incidents;

/// <summary>One stage of an incident at an instant: due time, state and time left.</summary>
public sealed record StageStatus
{
    /// <summary>Which obligation.</summary>
    public required ReportingStage Stage { get; init; }

    /// <summary>1 for every stage except intermediate reports, which count their requests 1, 2, 3 ….</summary>
    public int Sequence { get; init; } = 1;

    /// <summary>Who owes it.</summary>
    public required StageObligee Obligee { get; init; }

    /// <summary>Due time in UTC; null while <see cref="DeadlineState.Waiting"/>.</summary>
    public DateTimeOffset? Due { get; init; }

    /// <summary>The stage or event whose time starts this clock, while the state is <see cref="DeadlineState.Waiting"/>.</summary>
    public string? WaitingFor { get; init; }

    /// <summary>When it was submitted (UTC), if it was by the instant of evaluation.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>The state at the instant of evaluation.</summary>
    public required DeadlineState State { get; init; }

    /// <summary>Due minus the instant of evaluation (negative when overdue); null when waiting or submitted.</summary>
    public TimeSpan? TimeLeft { get; init; }

    /// <summary>The provision that sets the obligation, e.g. <c>Directive (EU) 2022/2555, Art. 23(4)(a)</c>.</summary>
    public required string LegalBasis { get; init; }

    /// <summary>Open (not submitted) and has a running clock: what a "due" list shows.</summary>
    public bool IsOpen => State is DeadlineState.NotDueYet or DeadlineState.DueSoon or DeadlineState.Overdue;
}
