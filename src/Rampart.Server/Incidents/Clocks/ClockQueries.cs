using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Standards;
using Rampart.Standards.Incidents;
using Rampart.Standards.Markings;

namespace Rampart.Server.Incidents.Clocks;

/// <summary>One stage at the instant of reading. <see cref="TimeLeft"/> and <see cref="DueLocal"/> are invariant texts (<see cref="DeadlineDisplay"/>).</summary>
public sealed record StageView(
    ReportingStage Stage,
    int Sequence,
    StageObligee Obligee,
    DateTimeOffset? Due,
    DeadlineState State,
    string? TimeLeft,
    string? DueLocal,
    string? WaitingFor,
    DateTimeOffset? SubmittedAt,
    string LegalBasis)
{
    /// <summary>For the csirt-feedback stage: the task the early warning opened for the receiving CSIRT (docs/incidents.md).</summary>
    public Guid? TaskId { get; init; }

    /// <summary>That task's state: the stage shows it, and submitting the stage report marks it done.</summary>
    public IncidentTaskStatus? TaskStatus { get; init; }

    public static StageView From(StageStatus s, TimeZoneInfo? zone, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Stage, s.Sequence, s.Obligee, s.Due, s.State, s.TimeLeft is { } left ? DeadlineDisplay.FormatDuration(left) : null,
            zone is not null && s.Due is { } due ? Local(due, now, zone) : null, s.WaitingFor is { } waiting ? KebabName(waiting) : null, s.SubmittedAt, s.LegalBasis);
    }

    /// <summary>"IncidentNotification" → "incident-notification": the API names stages and events in kebab-case everywhere.</summary>
    public static string KebabName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = new System.Text.StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append('-');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }

    public static string Local(DateTimeOffset due, DateTimeOffset now, TimeZoneInfo zone) =>
        new LocalDeadline(zone.Id, TimeZoneInfo.ConvertTime(due, zone), due - now).DueText;
}

public sealed record StageReportSummary(Guid Id, ReportingStage Stage, int Sequence, int Version, DateTimeOffset SubmittedAt, DateTimeOffset Due, bool Late, Guid SubmittedByOrganisationId);

public sealed record IntermediateRequestView(int Sequence, DateTimeOffset RequestedAt, DateTimeOffset DueAt, Guid RequestedByOrganisationId);

/// <summary>The personal-data breach: <see cref="Configured"/> false means no deadline is known (the jurisdiction is not configured) — never a guess.</summary>
public sealed record DataBreachView(DateTimeOffset AwareAt, string Jurisdiction, bool Configured, string? Authority, int? Hours, string? LegalReference, StageView? Clock);

/// <summary>The reporting clocks of one incident as its reader sees them now.</summary>
public sealed record ClocksView(
    Guid IncidentId,
    string Number,
    bool Significant,
    AffectedEntityKind EntityKind,
    DateTimeOffset AwareAt,
    DateTimeOffset? HandlingEndedAt,
    string? Zone,
    IReadOnlyList<StageView> Stages,
    DataBreachView? DataBreach,
    IReadOnlyList<StageReportSummary> Reports,
    IReadOnlyList<IntermediateRequestView> IntermediateRequests,
    bool MaySubmit);

/// <summary>One running deadline of the due list, with its state at the instant of reading.</summary>
public sealed record DueItem(
    [property: System.Text.Json.Serialization.JsonIgnore] long Position,
    Guid IncidentId,
    string Number,
    string Title,
    Tlp Tlp,
    DeadlineKind Kind,
    ReportingStage? Stage,
    int Sequence,
    Guid? SourceId,
    string Label,
    DateTimeOffset Due,
    DeadlineState State,
    string TimeLeft,
    string? DueLocal,
    string? Duty = null,
    string? Node = null)
{
    /// <summary>Where the row's incident is read: this node's incident, or the copy of a peer node's incident (<see cref="Node"/> set).</summary>
    public string Link => Node is null ? $"/incidents/{IncidentId}" : $"/incidents/peer/{IncidentId}";
}

/// <summary>
/// Reads the clocks of an incident already read through <see cref="IncidentQueries"/>, and the due list: the stored
/// deadline rows in due order, each kept only when the access decision lets the caller read its incident.
/// </summary>
public sealed class ClockQueries(RampartDb db, AccessPolicy access, TimeProvider clock, IOptions<DataProtectionOptions> dataProtection, IEnumerable<IPeerDeadlines> peerDeadlines)
{
    public async Task<ClocksView> ClocksAsync(ReadIncident read, Caller caller, TimeZoneInfo? zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(caller);
        var now = clock.GetUtcNow();
        var incident = read.Incident;
        var recordId = incident.RecordId;
        var state = await db.IncidentClocks.AsNoTracking().FirstOrDefaultAsync(c => c.IncidentRecordId == recordId, cancellationToken);
        var reports = await db.IncidentStageReports.AsNoTracking().Where(r => r.IncidentRecordId == recordId).OrderBy(r => r.Id).Take(1000).ToListAsync(cancellationToken);
        var requests = await db.IncidentIntermediateRequests.AsNoTracking().Where(r => r.IncidentRecordId == recordId).OrderBy(r => r.Id).Take(1000).ToListAsync(cancellationToken);
        var facts = DeadlineRows.Facts(incident, state, reports, requests);
        var stages = DeadlineRows.Runs(incident) ? ReportingClocks.Evaluate(facts, now) : [];
        DataBreachView? breach = null;
        if (state?.BreachAwareAt is { } aware && state.BreachJurisdiction is { } jurisdiction)
        {
            var rule = dataProtection.Value.Jurisdictions.GetValueOrDefault(jurisdiction);
            StageView? breachClock = null;
            try
            {
                breachClock = DeadlineRows.Breach(state, reports, dataProtection.Value.Jurisdictions, now) is { } s ? StageView.From(s, zone, now) : null;
            }
            catch (StandardsException)
            {
                rule = null;
            }

            breach = new DataBreachView(aware, jurisdiction, rule is not null, rule?.Authority, rule?.Hours, rule?.LegalReference, breachClock);
        }

        // The receiving CSIRT's feedback task (not owner-only: every reader of the incident sees it, as it sees the stage).
        var feedback = await db.IncidentTasks.AsNoTracking().Where(t => t.IncidentRecordId == recordId && t.Duty == IncidentTaskDuties.CsirtFeedback && !t.OwnerOnly)
            .Select(t => new { t.PublicId, t.Status }).FirstOrDefaultAsync(cancellationToken);
        return new ClocksView(incident.Id, incident.HumanId, incident.Significant, incident.EntityKind, incident.AwareAt, state?.HandlingEndedAt, zone?.Id,
            stages.Select(s => WithTask(StageView.From(s, zone, now))).ToList(), breach,
            reports.Select(r => new StageReportSummary(r.PublicId, r.Stage, r.Sequence, r.Version, r.SubmittedAt, r.Due, r.SubmittedAt > r.Due, r.SubmittedByOrganisationId)).ToList(),
            requests.Select((r, i) => new IntermediateRequestView(i + 1, r.RequestedAt, r.DueAt, r.RequestedByOrganisationId)).ToList(),
            AccessPolicy.CanCreate(caller) && read.Standing >= IncidentStanding.Coordinator);

        StageView WithTask(StageView view) => view.Stage == ReportingStage.CsirtFeedback && feedback is not null
            ? view with { TaskId = feedback.PublicId, TaskStatus = feedback.Status }
            : view;
    }

    /// <summary>A frozen stage report of a read incident; null for an unknown id or one of another incident, alike.</summary>
    public async Task<IncidentStageReport?> ReportAsync(ReadIncident read, Guid reportId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var recordId = read.Incident.RecordId;
        return await db.IncidentStageReports.AsNoTracking().FirstOrDefaultAsync(r => r.IncidentRecordId == recordId && r.PublicId == reportId, cancellationToken);
    }

    /// <summary>
    /// The running deadlines the caller may see, earliest (most overdue) first, after the position (<paramref name="after"/>).
    /// Walks the (DueAt, Id) index; each row is kept only by <see cref="Visible"/> (the access decision reads its incident,
    /// owner-only tasks only for the owner, a request's deadline only for its two organisations).
    /// </summary>
    public async Task<(IReadOnlyList<DueItem> Items, bool More)> DueAsync(Caller caller, (DateTimeOffset Due, long Id)? after, int limit, TimeZoneInfo? zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var now = clock.GetUtcNow();
        var query = Visible(caller);
        if (after is { } position)
        {
            var (due, id) = position;
            query = query.Where(d => d.DueAt > due || (d.DueAt == due && d.Id > id));
        }

        var incidentTasks = db.IncidentTasks;
        var rows = await query.OrderBy(d => d.DueAt).ThenBy(d => d.Id).Take(limit + 1)
            .Select(d => new DueRow(d.Id, d.IncidentRecordId, d.Incident!.Id, d.Incident.Year, d.Incident.Number, d.Incident.Title, d.Incident.Record.Tlp, d.Kind, d.Stage, d.Sequence, d.SourceId, d.Label, d.DueAt,
                // A task the node opened for a duty (the CSIRT feedback): its code, so pages show the title in the viewer's language.
                d.Kind == DeadlineKind.Task ? incidentTasks.Where(t => t.PublicId == d.SourceId).Select(t => t.Duty).FirstOrDefault() : null))
            .ToListAsync(cancellationToken);
        var items = rows.Select(r => Item(r, now, zone)).ToList();
        // The tasks of peer nodes' incidents assigned to the caller's organisation (ADR 17), merged in the same order
        // (due time, then position: see PeerDuePositions), each source read only up to what the page can take.
        foreach (var source in peerDeadlines)
        {
            var peerRows = await source.DueAsync(caller, after, limit + 1, cancellationToken);
            items = [.. items.Concat(peerRows.Select(r => PeerItem(r, now, zone))).OrderBy(i => i.Due).ThenBy(i => i.Position).Take(limit + 1)];
        }

        return (items.Take(limit).ToList(), items.Count > limit);
    }

    private static DueItem PeerItem(PeerDueRow r, DateTimeOffset now, TimeZoneInfo? zone) =>
        new(r.Position, r.IncidentId, r.Number, r.Title, r.Tlp, DeadlineKind.Task, null, 0, r.TaskId, r.Label, r.DueAt,
            ReportingClocks.StateAt(r.DueAt, null, now, ClockOptions.Default.DueSoonWindow), DeadlineDisplay.FormatDuration(r.DueAt - now),
            zone is null ? null : StageView.Local(r.DueAt, now, zone), r.Duty, r.Node);

    /// <summary>
    /// The next running deadline of each of <paramref name="incidentRecordIds"/> (the incidents of a list page, already read
    /// through the access decision) that the caller's due list shows: the same rows and the same rule as
    /// <see cref="DueAsync"/>, earliest (most overdue) first. One set-based query over the page's incidents (through the
    /// (IncidentRecordId, Kind) index), never one per row. An incident without such a deadline has no entry.
    /// </summary>
    public async Task<IReadOnlyDictionary<long, DueItem>> NextAsync(Caller caller, IReadOnlyCollection<long> incidentRecordIds, TimeZoneInfo? zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(incidentRecordIds);
        if (incidentRecordIds.Count == 0)
        {
            return new Dictionary<long, DueItem>();
        }

        var now = clock.GetUtcNow();
        var ids = incidentRecordIds.Distinct().ToList();
        var firstOfEach = Visible(caller).Where(d => EF.Parameter(ids).Contains(d.IncidentRecordId))
            .GroupBy(d => d.IncidentRecordId)
            .Select(g => g.OrderBy(d => d.DueAt).ThenBy(d => d.Id).Select(d => d.Id).First());
        var incidentTasks = db.IncidentTasks;
        var rows = await db.IncidentDeadlines.AsNoTracking().Where(d => firstOfEach.Contains(d.Id))
            .Select(d => new DueRow(d.Id, d.IncidentRecordId, d.Incident!.Id, d.Incident.Year, d.Incident.Number, d.Incident.Title, d.Incident.Record.Tlp, d.Kind, d.Stage, d.Sequence, d.SourceId, d.Label, d.DueAt,
                d.Kind == DeadlineKind.Task ? incidentTasks.Where(t => t.PublicId == d.SourceId).Select(t => t.Duty).FirstOrDefault() : null))
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.IncidentRecordId, r => Item(r, now, zone));
    }

    /// <summary>
    /// The deadline rows the caller's due list shows — "what my organisation must act on", among the incidents it may read:
    /// each row only when the access decision lets the caller read its incident; owner-only tasks only for the owner;
    /// reporting stages for those who submit them (owner, coordinators); tasks for those who run the incident or the
    /// organisation they are assigned to; a request's deadline only for its two organisations. The one rule of the due
    /// list, the board and the incident list's next deadline.
    /// </summary>
    private IQueryable<IncidentDeadline> Visible(Caller caller)
    {
        var readable = access.Readable(db.Incidents.AsNoTracking(), caller);
        var organisation = caller.IsAuthenticated && !caller.IsOperator ? caller.OrganisationId : Guid.Empty;
        var coordinators = db.IncidentParticipants.Where(p => p.OrganisationId == organisation && p.Status == InvitationStatus.Accepted && p.Role == ParticipantRole.Coordinator);
        var tasks = db.IncidentTasks;
        var dutyTasks = db.IncidentTasks.Where(t => t.Duty != null);
        var feedbackTasks = db.IncidentTasks.Where(t => t.Duty == IncidentTaskDuties.CsirtFeedback);
        // "What my organisation must act on": reporting stages for those who submit them (owner, coordinators);
        // tasks for those who run the incident, or for the organisation they are assigned to; requests for their two
        // organisations. A duty the node opened (the CSIRT feedback task) and the csirt-feedback stage it stands for:
        // only the organisation that owes it (the task's assignee, docs/incidents.md), not a reporting entity that owns the incident.
        return db.IncidentDeadlines.AsNoTracking()
            .Where(d => readable.Any(i => i.RecordId == d.IncidentRecordId))
            .Where(d => !d.OwnerOnly || d.Incident!.Record.OwnerOrganisationId == organisation)
            .Where(d => d.Kind == DeadlineKind.Request
                ? d.ForOrganisationId == organisation || d.FromOrganisationId == organisation
                : d.Kind == DeadlineKind.Task && dutyTasks.Any(t => t.PublicId == d.SourceId)
                    ? tasks.Any(t => t.PublicId == d.SourceId && t.AssignedOrganisationId == organisation)
                    : d.Kind == DeadlineKind.Nis2Stage && d.Stage == ReportingStage.CsirtFeedback && feedbackTasks.Any(t => t.IncidentRecordId == d.IncidentRecordId)
                    ? feedbackTasks.Any(t => t.IncidentRecordId == d.IncidentRecordId && t.AssignedOrganisationId == organisation)
                    : d.Incident!.Record.OwnerOrganisationId == organisation
                        || coordinators.Any(p => p.IncidentRecordId == d.IncidentRecordId)
                        || (d.Kind == DeadlineKind.Task && tasks.Any(t => t.PublicId == d.SourceId && t.AssignedOrganisationId == organisation)));
    }

    private sealed record DueRow(long Id, long IncidentRecordId, Guid IncidentId, int Year, int Number, string Title, Tlp Tlp, DeadlineKind Kind, ReportingStage? Stage, int Sequence,
        Guid? SourceId, string Label, DateTimeOffset DueAt, string? Duty);

    private static DueItem Item(DueRow r, DateTimeOffset now, TimeZoneInfo? zone) =>
        new(r.Id, r.IncidentId, IncidentNumbers.Format(r.Year, r.Number), r.Title, r.Tlp, r.Kind, r.Stage, r.Sequence, r.SourceId,
            r.Stage is { } stage && r.Kind is DeadlineKind.Nis2Stage or DeadlineKind.DataBreach ? StageLabel(stage, r.Sequence) : r.Label, r.DueAt,
            ReportingClocks.StateAt(r.DueAt, null, now, ClockOptions.Default.DueSoonWindow), DeadlineDisplay.FormatDuration(r.DueAt - now),
            zone is null ? null : StageView.Local(r.DueAt, now, zone), r.Duty);

    /// <summary>The due list's label of a reporting stage (the stored row carries none: the stage names it), e.g. "NIS2 intermediate report 2".</summary>
    public static string StageLabel(ReportingStage stage, int sequence) => stage switch
    {
        ReportingStage.EarlyWarning => "NIS2 early warning",
        ReportingStage.IncidentNotification => "NIS2 incident notification",
        ReportingStage.IntermediateReport => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"NIS2 intermediate report {sequence}"),
        ReportingStage.ProgressReport => "NIS2 progress report",
        ReportingStage.FinalReport => "NIS2 final report",
        ReportingStage.CsirtFeedback => "NIS2 CSIRT feedback on the early warning",
        ReportingStage.DataBreachNotification => "GDPR personal-data breach notification",
        _ => IncidentEditing.Kebab(stage),
    };

    /// <summary>How many of the caller's running deadlines are overdue or due within the due-soon window (the dashboard's count; at most <paramref name="cap"/>).</summary>
    public async Task<int> UrgentCountAsync(Caller caller, int cap, CancellationToken cancellationToken)
    {
        var horizon = clock.GetUtcNow() + ClockOptions.Default.DueSoonWindow;
        var (items, _) = await DueAsync(caller, null, cap, null, cancellationToken);
        return items.Count(i => i.Due <= horizon);
    }
}
