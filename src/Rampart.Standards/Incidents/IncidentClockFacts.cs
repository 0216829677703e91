namespace Rampart.Standards.Incidents;

/// <summary>
/// What the clocks need to know about an incident. Facts dated after the instant of evaluation are ignored
/// (they had not happened yet), so evaluating the same facts at any instant gives what was known then.
/// </summary>
public sealed record IncidentClockFacts
{
    /// <summary>When the entity became aware of the significant incident (the NIS2 clock starts here). UTC or any offset.</summary>
    public required DateTimeOffset AwareAt { get; init; }

    /// <summary>Only significant incidents (NIS2 Art. 23(3)) have reporting stages.</summary>
    public bool Significant { get; init; }

    /// <summary>Trust service providers have a 24 h incident notification.</summary>
    public NisEntityKind EntityKind { get; init; }

    /// <summary>When incident handling ended (the incident is no longer ongoing); null while ongoing.</summary>
    public DateTimeOffset? HandlingEndedAt { get; init; }

    /// <summary>Requests for an intermediate report (Art. 23(4)(c)), each with the due time the requester set.</summary>
    public IReadOnlyList<IntermediateReportRequest> IntermediateRequests { get; init; } = [];

    /// <summary>Stages already submitted. Intermediate reports answer the requests in order (first submission answers the first request).</summary>
    public IReadOnlyList<StageSubmission> Submissions { get; init; } = [];
}

/// <summary>A CSIRT's or authority's request for an intermediate report.</summary>
public sealed record IntermediateReportRequest(DateTimeOffset RequestedAt, DateTimeOffset DueAt);

/// <summary>A stage submitted (frozen) at an instant.</summary>
public sealed record StageSubmission(ReportingStage Stage, DateTimeOffset SubmittedAt);
