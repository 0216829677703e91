using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;
using Rampart.Standards;
using Rampart.Standards.Incidents;

namespace Rampart.Server.Incidents.Clocks;

/// <summary>
/// Keeps an incident's rows of the due list in step with its clock facts. Called by the writers (incident fields,
/// status, stage submissions, the breach flag) in their unit of work; the due list itself never evaluates a clock.
/// Stored due instants do not move with time — only the state (due soon, overdue) does, and that is computed when shown.
/// </summary>
public static class DeadlineRows
{
    public static NisEntityKind NisKind(AffectedEntityKind kind) =>
        kind == AffectedEntityKind.TrustServiceProvider ? NisEntityKind.TrustServiceProvider : NisEntityKind.Other;

    /// <summary>Rejected and duplicate incidents owe nothing (a duplicate's clocks run on the incident it duplicates).</summary>
    public static bool Runs(Incident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return incident.Status is not (IncidentStatus.Rejected or IncidentStatus.Duplicate);
    }

    /// <summary>The stored facts of <paramref name="incident"/> (saved rows only).</summary>
    public static async Task<(IncidentClockFacts Facts, IncidentClock? Clock, IReadOnlyList<IncidentStageReport> Reports)> FactsAsync(
        RampartDb db, Incident incident, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(incident);
        var recordId = incident.RecordId;
        if (recordId == 0)
        {
            return (Facts(incident, null, [], []), null, []);
        }

        var clock = db.IncidentClocks.Local.FirstOrDefault(c => c.IncidentRecordId == recordId)
            ?? await db.IncidentClocks.FirstOrDefaultAsync(c => c.IncidentRecordId == recordId, cancellationToken);
        var reports = await db.IncidentStageReports.AsNoTracking().Where(r => r.IncidentRecordId == recordId).OrderBy(r => r.Id).Take(1000).ToListAsync(cancellationToken);
        var requests = await db.IncidentIntermediateRequests.AsNoTracking().Where(r => r.IncidentRecordId == recordId).OrderBy(r => r.Id).Take(1000).ToListAsync(cancellationToken);
        return (Facts(incident, clock, reports, requests), clock, reports);
    }

    public static IncidentClockFacts Facts(Incident incident, IncidentClock? clock, IEnumerable<IncidentStageReport> reports, IEnumerable<IncidentIntermediateRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return new IncidentClockFacts
        {
            AwareAt = incident.AwareAt,
            Significant = incident.Significant,
            EntityKind = NisKind(incident.EntityKind),
            HandlingEndedAt = clock?.HandlingEndedAt,
            IntermediateRequests = requests.Select(r => new IntermediateReportRequest(r.RequestedAt, r.DueAt)).ToList(),
            // The clock counts the first version of each stage; corrections do not move it.
            Submissions = reports.Where(r => r.Version == 1 && r.Stage != ReportingStage.DataBreachNotification)
                .Select(r => new StageSubmission(r.Stage, r.SubmittedAt)).ToList(),
        };
    }

    /// <summary>The GDPR clock of the incident, or null when no breach is recorded; throws <see cref="StandardsException"/> when its jurisdiction is not configured.</summary>
    public static StageStatus? Breach(IncidentClock? clock, IEnumerable<IncidentStageReport> reports, IReadOnlyDictionary<string, DataProtectionJurisdiction> jurisdictions, DateTimeOffset now)
    {
        if (clock?.BreachAwareAt is not { } aware || clock.BreachJurisdiction is not { } jurisdiction)
        {
            return null;
        }

        var submitted = reports.Where(r => r.Stage == ReportingStage.DataBreachNotification && r.Version == 1).Select(r => (DateTimeOffset?)r.SubmittedAt).FirstOrDefault();
        return DataBreachClock.Evaluate(new DataBreachFacts(aware, jurisdiction, submitted), jurisdictions, now);
    }

    /// <summary>Replaces the NIS2 and GDPR rows of <paramref name="incident"/> (tracked; saved by the caller).</summary>
    public static async Task RefreshAsync(RampartDb db, Incident incident, IReadOnlyDictionary<string, DataProtectionJurisdiction> jurisdictions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(incident);
        var (facts, clock, reports) = await FactsAsync(db, incident, cancellationToken);
        if (incident.RecordId != 0)
        {
            var recordId = incident.RecordId;
            var old = await db.IncidentDeadlines.Where(d => d.IncidentRecordId == recordId && (d.Kind == DeadlineKind.Nis2Stage || d.Kind == DeadlineKind.DataBreach))
                .ToListAsync(cancellationToken);
            db.IncidentDeadlines.RemoveRange(old);
        }

        if (!Runs(incident))
        {
            return;
        }

        // Evaluated now, with every stored fact dated no later than now: a stage that is open now stays open until a fact changes.
        foreach (var stage in ReportingClocks.Evaluate(facts, now).Where(s => s.Due is not null && s.SubmittedAt is null))
        {
            db.IncidentDeadlines.Add(For(incident, new IncidentDeadline
            {
                Kind = DeadlineKind.Nis2Stage,
                Stage = stage.Stage,
                Sequence = stage.Sequence,
                DueAt = stage.Due!.Value,
            }));
        }

        StageStatus? breach;
        try
        {
            breach = Breach(clock, reports, jurisdictions, now);
        }
        catch (StandardsException)
        {
            // A jurisdiction removed from the configuration since: shown as "not configured", never a guessed deadline.
            breach = null;
        }

        if (breach is { Due: { } due, SubmittedAt: null })
        {
            db.IncidentDeadlines.Add(For(incident, new IncidentDeadline { Kind = DeadlineKind.DataBreach, Stage = ReportingStage.DataBreachNotification, Sequence = 1, DueAt = due }));
        }
    }

    // A new incident has no key yet: the row follows it by navigation; a stored (possibly untracked) one by its key.
    private static IncidentDeadline For(Incident incident, IncidentDeadline row)
    {
        if (incident.RecordId == 0)
        {
            row.Incident = incident;
        }
        else
        {
            row.IncidentRecordId = incident.RecordId;
        }

        return row;
    }

    /// <summary>Replaces the row of an incident task: one while it is open or in progress and has a due time.</summary>
    public static async Task RefreshTaskAsync(RampartDb db, IncidentTask task, long incidentRecordId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(task);
        var source = task.PublicId;
        db.IncidentDeadlines.RemoveRange(await db.IncidentDeadlines.Where(d => d.SourceId == source).ToListAsync(cancellationToken));
        if (task.DueAt is { } due && task.Status is IncidentTaskStatus.Open or IncidentTaskStatus.InProgress)
        {
            db.IncidentDeadlines.Add(new IncidentDeadline
            {
                IncidentRecordId = incidentRecordId,
                Kind = DeadlineKind.Task,
                SourceId = source,
                Label = task.Title,
                DueAt = due,
                OwnerOnly = task.OwnerOnly,
            });
        }
    }
}
