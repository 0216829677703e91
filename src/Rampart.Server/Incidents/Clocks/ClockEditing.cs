using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Standards;
using Rampart.Standards.Incidents;

namespace Rampart.Server.Incidents.Clocks;

/// <summary>A stage report as a client sends it: a JSON object with the stage's fields (<see cref="StageContent.FieldsOf"/>).</summary>
public sealed record StageSubmitRequest(JsonObject? Content);

public sealed record IntermediateRequestRequest(DateTimeOffset? DueAt);

/// <summary>A personal-data breach inside the incident: when the controller became aware of it and which law applies.</summary>
public sealed record DataBreachRequest(DateTimeOffset? AwareAt, string? Jurisdiction);

/// <summary>The journal's event codes for the clocks (translated by the pages as IncidentEvent.{code}).</summary>
public static class ClockEvents
{
    public const string StageSubmitted = "stage-submitted";
    public const string IntermediateRequested = "intermediate-requested";
    public const string DataBreachRecorded = "data-breach-recorded";
}

/// <summary>
/// Submits stage reports, records requests for intermediate reports and the personal-data-breach flag. The incident
/// is read through <see cref="IncidentQueries"/> (the access decision: not readable = null = 404); the owner's and
/// coordinators' writers act, everyone else who reads it gets 403 and nothing changes.
/// </summary>
public sealed class ClockEditing(RampartDb db, IncidentQueries queries, AuditTrail audit, TimeProvider clock, IOptions<DataProtectionOptions> dataProtection)
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(10);

    private IReadOnlyDictionary<string, DataProtectionJurisdiction> Jurisdictions => dataProtection.Value.Jurisdictions;

    /// <summary>
    /// A stage report's content as the clock library takes it (camelCase keys to its schema), or a 400 naming each field
    /// (<c>content.{field}</c>) that is missing, unknown or wrong — here, and on a participant's node before it sends one.
    /// </summary>
    public static JsonObject? CheckContent(ReportingStage stage, JsonObject? content, bool late)
    {
        var errors = new RequestErrors();
        var schema = StageContentKeys.ToSchema(content, errors);
        errors.ThrowIfAny();
        foreach (var error in StageContent.Validate(stage, schema, late))
        {
            errors.Add(string.IsNullOrEmpty(error.Field) ? "content" : $"content.{StageContentKeys.Camel(error.Field)}", error.Reason);
        }

        errors.ThrowIfAny();
        return schema;
    }

    /// <summary>Freezes and stores a report of <paramref name="stage"/>. Null when the caller may not read the incident.</summary>
    public async Task<IncidentStageReport?> SubmitAsync(Caller caller, Guid incidentId, ReportingStage stage, StageSubmitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (await ActingAsync(caller, incidentId, "Only the owner's and coordinators' analysts submit stage reports.", cancellationToken) is not { } read)
        {
            return null;
        }

        var incident = read.Incident;
        var now = clock.GetUtcNow();
        var (facts, state, reports) = await DeadlineRows.FactsAsync(db, incident, cancellationToken);
        int sequence;
        DateTimeOffset due;
        if (stage == ReportingStage.DataBreachNotification)
        {
            StageStatus? breach = null;
            try
            {
                breach = DeadlineRows.Breach(state, reports, Jurisdictions, now);
            }
            catch (StandardsException)
            {
                throw RequestErrors.One("stage", "The breach's jurisdiction is not configured on this node: no deadline is known.");
            }

            (sequence, due) = breach is { Due: { } d } ? (1, d) : throw RequestErrors.One("stage", "No personal-data breach is recorded on this incident: record one first (PUT …/stages/data-breach).");
        }
        else
        {
            if (!incident.Significant)
            {
                throw RequestErrors.One("stage", "The incident is not marked significant: it has no NIS2 reporting stages.");
            }

            var stages = ReportingClocks.Evaluate(facts, now);
            StageStatus? target = stage == ReportingStage.IntermediateReport
                ? stages.Where(s => s.Stage == stage && s.SubmittedAt is null).OrderBy(s => s.Sequence).FirstOrDefault()
                : stages.FirstOrDefault(s => s.Stage == stage);
            if (target is null)
            {
                throw RequestErrors.One("stage", stage switch
                {
                    ReportingStage.IntermediateReport => "No intermediate report is requested and unanswered.",
                    ReportingStage.ProgressReport => "No progress report is due: handling ended before the month after the notification ran out.",
                    _ => "Not a stage of this incident.",
                });
            }

            if (target.State == DeadlineState.Waiting && target.WaitingFor != "HandlingEnded")
            {
                throw RequestErrors.One("stage", $"This stage waits for {target.WaitingFor}.");
            }

            sequence = target.Sequence;
            // A final report while handling is still recorded as ongoing ends handling (the clock library's rule): its due comes from that.
            due = target.Due ?? ReportingClocks.Evaluate(facts with { Submissions = [.. facts.Submissions, new StageSubmission(stage, now)] }, now)
                .First(s => s.Stage == stage).Due!.Value;
        }

        var version = reports.Count(r => r.Stage == stage && r.Sequence == sequence) + 1;
        var content = CheckContent(stage, request.Content, late: now > due);
        var frozen = StageReport.Freeze(stage, incident.HumanId, caller.UserId.ToString(), now, due, content, sequence, version);

        var report = new IncidentStageReport
        {
            PublicId = Guid.CreateVersion7(now),
            IncidentRecordId = incident.RecordId,
            Stage = stage,
            Sequence = sequence,
            Version = version,
            SubmittedAt = now,
            Due = due,
            SubmittedByUserId = caller.UserId,
            SubmittedByOrganisationId = caller.OrganisationId,
            Json = frozen.ToCanonicalJson(),
        };
        // Inside a caller's unit of work (a peer's command, applied with its answer) it commits with it.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        db.IncidentStageReports.Add(report);
        db.IncidentJournal.Add(Event(incident, caller, ClockEvents.StageSubmitted, now,
            $"{IncidentEditing.Kebab(stage)} {sequence} v{version}{(now > due ? " late" : "")}"));
        audit.Record(AuditEvent.IncidentStageSubmitted, caller, $"incident:{incident.Id}", detail: $"{IncidentEditing.Kebab(stage)} {sequence} v{version}");
        if (stage == ReportingStage.EarlyWarning && version == 1)
        {
            await OpenFeedbackTaskAsync(incident, caller, now, cancellationToken);
        }
        else if (stage == ReportingStage.CsirtFeedback)
        {
            await CompleteFeedbackTaskAsync(incident, caller, now, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await RefreshAsync(incident, now, cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return report;
    }

    /// <summary>Records a request for an intermediate report (NIS2 Art. 23(4)(c)), due when the requester says.</summary>
    public async Task<IncidentIntermediateRequest?> RequestIntermediateAsync(Caller caller, Guid incidentId, IntermediateRequestRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (await ActingAsync(caller, incidentId, "Only the owner's and coordinators' analysts record requests for intermediate reports.", cancellationToken) is not { } read)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        if (!read.Incident.Significant)
        {
            throw RequestErrors.One("significant", "The incident is not marked significant: it has no NIS2 reporting stages.");
        }

        if (request.DueAt is not { } dueAt || dueAt <= now || dueAt > now.AddYears(1))
        {
            throw RequestErrors.One("dueAt", "Required: a time after now and within a year.");
        }

        var row = new IncidentIntermediateRequest
        {
            IncidentRecordId = read.Incident.RecordId,
            RequestedAt = now,
            DueAt = dueAt.ToUniversalTime(),
            RequestedByUserId = caller.UserId,
            RequestedByOrganisationId = caller.OrganisationId,
        };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.IncidentIntermediateRequests.Add(row);
        db.IncidentJournal.Add(Event(read.Incident, caller, ClockEvents.IntermediateRequested, now, row.DueAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
        audit.Record(AuditEvent.IncidentIntermediateReportRequested, caller, $"incident:{read.Incident.Id}", detail: row.DueAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        await db.SaveChangesAsync(cancellationToken);
        await RefreshAsync(read.Incident, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return row;
    }

    /// <summary>Records (or corrects) the personal-data breach: awareness and jurisdiction. Its GDPR clock starts at that awareness.</summary>
    public async Task<IncidentClock?> SetDataBreachAsync(Caller caller, Guid incidentId, DataBreachRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (await ActingAsync(caller, incidentId, "Only the owner's and coordinators' analysts record a personal-data breach.", cancellationToken) is not { } read)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var errors = new RequestErrors();
        if (request.AwareAt is not { } aware)
        {
            errors.Add("awareAt", "Required: when the controller became aware of the breach.");
            aware = default;
        }
        else if (aware > now + ClockSkew)
        {
            errors.Add("awareAt", "Lies in the future.");
        }
        else if (aware < now.AddYears(-5))
        {
            errors.Add("awareAt", "More than five years ago.");
        }

        var jurisdiction = request.Jurisdiction?.Trim().ToUpperInvariant();
        if (string.IsNullOrEmpty(jurisdiction) || jurisdiction.Length > 8 || !Jurisdictions.ContainsKey(jurisdiction))
        {
            errors.Add("jurisdiction", $"Required: one of the configured jurisdictions ({string.Join(", ", Jurisdictions.Keys.Order(StringComparer.Ordinal))}); others are not configured on this node (docs/incidents-clocks.md).");
        }

        errors.ThrowIfAny();
        var recordId = read.Incident.RecordId;
        var row = await db.IncidentClocks.FirstOrDefaultAsync(c => c.IncidentRecordId == recordId, cancellationToken);
        if (row is null)
        {
            row = new IncidentClock { IncidentRecordId = recordId };
            db.IncidentClocks.Add(row);
        }

        row.BreachAwareAt = aware.ToUniversalTime();
        row.BreachJurisdiction = jurisdiction;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.IncidentJournal.Add(Event(read.Incident, caller, ClockEvents.DataBreachRecorded, now, jurisdiction!));
        audit.Record(AuditEvent.IncidentDataBreachRecorded, caller, $"incident:{read.Incident.Id}", detail: jurisdiction);
        await db.SaveChangesAsync(cancellationToken);
        await RefreshAsync(read.Incident, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return row;
    }

    /// <summary>
    /// Called by <see cref="IncidentEditing"/> on a status change: handling ends when the incident first reaches resolved
    /// or closed (the final report's month may start there) and is ongoing again when it is reopened.
    /// </summary>
    public static async Task HandlingStatusAsync(RampartDb db, Incident incident, IncidentStatus to, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(incident);
        var recordId = incident.RecordId;
        var row = await db.IncidentClocks.FirstOrDefaultAsync(c => c.IncidentRecordId == recordId, cancellationToken);
        if (to is IncidentStatus.Resolved or IncidentStatus.Closed)
        {
            if (row is null)
            {
                db.IncidentClocks.Add(new IncidentClock { IncidentRecordId = recordId, HandlingEndedAt = now });
            }
            else
            {
                row.HandlingEndedAt ??= now;
            }
        }
        else if (to == IncidentStatus.InProgress && row is not null)
        {
            row.HandlingEndedAt = null;
        }
    }

    private async Task RefreshAsync(Incident incident, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await DeadlineRows.RefreshAsync(db, incident, Jurisdictions, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The incident, read through the access decision, when the caller may act on its clocks; null (404) when not readable; 403 when readable only.</summary>
    private async Task<ReadIncident?> ActingAsync(Caller caller, Guid incidentId, string reason, CancellationToken cancellationToken)
    {
        var read = await queries.FindAsync(caller, incidentId, cancellationToken);
        if (read is null)
        {
            return null;
        }

        if (!AccessPolicy.CanCreate(caller))
        {
            throw new ForbiddenException("Viewers and read-only keys cannot change incidents.");
        }

        if (read.Standing < IncidentStanding.Coordinator)
        {
            throw new ForbiddenException(reason);
        }

        return read;
    }

    /// <summary>
    /// NIS2 Art. 23(5) as work: the first early warning opens a task "feedback to the reporting entity" for the receiving
    /// CSIRT — on this node the incident's owning organisation, the one that runs the incident and owes the csirt-feedback
    /// stage in its due list — due 24 h after the submission (the stage's own due time), in the tasks and the due list.
    /// Its title is stored in English and shown translated (<see cref="IncidentTask.Duty"/>). One task per incident.
    /// </summary>
    private async Task OpenFeedbackTaskAsync(Incident incident, Caller caller, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var recordId = incident.RecordId;
        if (await db.IncidentTasks.AnyAsync(t => t.IncidentRecordId == recordId && t.Duty == IncidentTaskDuties.CsirtFeedback, cancellationToken))
        {
            return;
        }

        var task = new IncidentTask
        {
            PublicId = Guid.CreateVersion7(now),
            IncidentRecordId = recordId,
            Title = FeedbackTaskTitle,
            Description = "NIS2 Art. 23(5): the receiving CSIRT gives the reporting entity its initial feedback on the early warning within 24 hours "
                + "(and, on request, guidance on mitigation). Submitting the csirt-feedback stage report completes this task.",
            AssignedOrganisationId = await FeedbackAssigneeAsync(incident, cancellationToken),
            DueAt = now.AddHours(24),
            Status = IncidentTaskStatus.Open,
            Duty = IncidentTaskDuties.CsirtFeedback,
            CreatedByUserId = caller.UserId,
            CreatedByOrganisationId = caller.OrganisationId,
            CreatedAt = now,
            ModifiedAt = now,
        };
        db.IncidentTasks.Add(task);
        await DeadlineRows.RefreshTaskAsync(db, task, recordId, cancellationToken);
        var entry = Event(incident, caller, IncidentEvents.TaskCreated, now, task.Title);
        entry.TaskId = task.PublicId;
        entry.SubjectOrganisationId = task.AssignedOrganisationId;
        db.IncidentJournal.Add(entry);
        audit.Record(AuditEvent.IncidentFeedbackTaskOpened, caller, $"incident:{incident.Id}",
            detail: $"task:{task.PublicId} due {task.DueAt:O} for org:{task.AssignedOrganisationId}");
        db.Notify(Notifications.NotificationKind.TaskAssigned, caller, now, incident.Id, task.PublicId, task.AssignedOrganisationId, null);
    }

    /// <summary>
    /// Who owes the reporting entity its feedback (docs/incidents.md): the owner when it is a CSIRT (national CERT,
    /// governmental or sectoral CSIRT); else the accepted coordinator that is a CSIRT, the one that accepted first
    /// (then the earlier invitation); else the owner, as the organisation that runs the incident.
    /// </summary>
    private async Task<Guid> FeedbackAssigneeAsync(Incident incident, CancellationToken cancellationToken)
    {
        var owner = incident.Record.OwnerOrganisationId;
        var recordId = incident.RecordId;
        var organisations = db.Organisations;
        var ownerKind = await organisations.AsNoTracking().Where(o => o.Id == owner).Select(o => o.Kind).FirstAsync(cancellationToken);
        if (IsCsirt(ownerKind))
        {
            return owner;
        }

        var participants = db.IncidentParticipants;
        // An incident has a handful of participants: ordered here, as SQLite does not order by DateTimeOffset.
        var coordinators = await participants.AsNoTracking()
            .Where(p => p.IncidentRecordId == recordId && p.Status == InvitationStatus.Accepted && p.Role == ParticipantRole.Coordinator)
            .Join(organisations, p => p.OrganisationId, o => o.Id, (p, o) => new { p.OrganisationId, p.AnsweredAt, p.Id, o.Kind })
            .ToListAsync(cancellationToken);
        return coordinators.Where(c => IsCsirt(c.Kind)).OrderBy(c => c.AnsweredAt ?? DateTimeOffset.MaxValue).ThenBy(c => c.Id)
            .Select(c => (Guid?)c.OrganisationId).FirstOrDefault() ?? owner;
    }

    /// <summary>The kinds of organisation that are CSIRTs in the NIS2 sense (Art. 10): the national CERT and the governmental and sectoral CSIRTs.</summary>
    public static bool IsCsirt(Organisations.OrganisationKind kind) =>
        kind is Organisations.OrganisationKind.NationalCert or Organisations.OrganisationKind.GovernmentalCsirt or Organisations.OrganisationKind.SectoralCsirt;

    /// <summary>The csirt-feedback stage report is the feedback: its open task is done, with a line in its log.</summary>
    private async Task CompleteFeedbackTaskAsync(Incident incident, Caller caller, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var recordId = incident.RecordId;
        var task = await db.IncidentTasks.FirstOrDefaultAsync(t => t.IncidentRecordId == recordId && t.Duty == IncidentTaskDuties.CsirtFeedback
            && (t.Status == IncidentTaskStatus.Open || t.Status == IncidentTaskStatus.InProgress), cancellationToken);
        if (task is null)
        {
            return;
        }

        task.Status = IncidentTaskStatus.Done;
        task.ModifiedAt = now;
        task.Version++;
        db.IncidentTaskLog.Add(new IncidentTaskLog
        {
            TaskId = task.Id,
            Text = "The csirt-feedback stage report was submitted.",
            ToStatus = IncidentTaskStatus.Done,
            UserId = caller.UserId,
            OrganisationId = caller.OrganisationId,
            CreatedAt = now,
        });
        await DeadlineRows.RefreshTaskAsync(db, task, recordId, cancellationToken);
        var entry = Event(incident, caller, IncidentEvents.TaskStatus, now, IncidentEditing.Kebab(task.Status) + " " + task.Title);
        entry.TaskId = task.PublicId;
        entry.SubjectOrganisationId = task.AssignedOrganisationId;
        db.IncidentJournal.Add(entry);
        audit.Record(AuditEvent.IncidentFeedbackTaskCompleted, caller, $"incident:{incident.Id}", detail: $"task:{task.PublicId}");
    }

    /// <summary>The feedback task's stored title (English; the pages show <c>TaskDuty.csirt-feedback</c> translated).</summary>
    public const string FeedbackTaskTitle = "Feedback to the reporting entity";

    internal static IncidentJournalEntry Event(Incident incident, Caller caller, string code, DateTimeOffset now, string body) => new()
    {
        PublicId = Guid.CreateVersion7(now),
        IncidentRecordId = incident.RecordId,
        Kind = JournalEntryKind.System,
        Body = body,
        Event = code,
        AuthorUserId = caller.UserId == Guid.Empty ? null : caller.UserId,
        AuthorOrganisationId = caller.OrganisationId,
        CreatedAt = now,
    };
}
