using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Incidents.Attachments;
using Rampart.Server.Validation;
using Rampart.Standards.Mail;
using Rampart.Standards.Markings;

namespace Rampart.Server.Incidents.Reports;

/// <summary>A report as a client sends it (form or REST); TLP defaults to AMBER.</summary>
public sealed record ReportRequest(string? Subject, string? Text, Tlp? Tlp = null);

public sealed record LinkRequest(string? Incident);

public sealed record RejectRequest(string? Reason);

/// <summary>Splits a report out of an incident into a new one; the title defaults to the report's subject, the severity to the incident's.</summary>
public sealed record SplitRequest(string? Title = null, IncidentSeverity? Severity = null, string? Reason = null);

/// <summary>What a split did: the new incident, and what it took along.</summary>
public sealed record SplitOutcome(Guid IncidentId, string IncidentNumber, string ReportNumber, int Attachments, int Observables);

/// <summary>
/// Receives reports (form, REST, mail) and triages them (link to incidents, reject). The envelope is owned by the intake
/// organisation and grants the reporting organisation, written through <see cref="SharingStore"/>; triage is for writers of
/// the intake organisation (who read it through the access decision: not readable = null = 404, readable but not intake = 403).
/// </summary>
public sealed class ReportEditing(
    RampartDb db, ReportQueries reports, IncidentQueries incidents, IncidentEditing incidentEditing, SharingStore sharing, AuditTrail audit, TimeProvider clock)
{
    public async Task<IncidentReport> CreateAsync(Caller caller, ReportRequest request, ReportChannel channel, IReadOnlyList<AttachmentUpload> uploads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(uploads);
        if (!AccessPolicy.CanCreate(caller))
        {
            throw new ForbiddenException("Viewers and read-only keys cannot send reports.");
        }

        var errors = new RequestErrors();
        errors.SingleLine("subject", request.Subject, ReportLimits.SubjectLength);
        errors.MultiLine("text", request.Text, ReportLimits.TextLength, required: true);
        if (request.Tlp is { } t && !Enum.IsDefined(t))
        {
            errors.Add("tlp", "clear, green, amber, amber+strict or red.");
        }

        errors.ThrowIfAny();
        var intake = await reports.IntakeOrganisationAsync(cancellationToken)
            ?? throw new ConflictException("This node has no intake team configured (Rampart:Intake:Organisation); reports cannot be received.");
        var audience = caller.OrganisationId == intake ? [] : new[] { new ResolvedAudience(AudienceKind.Organisation, caller.OrganisationId) };
        return await SaveAsync(intake, request.Tlp ?? Tlp.Amber, audience, new IncidentReport
        {
            Channel = channel,
            ReporterUserId = caller.UserId,
            ReporterOrganisationId = caller.OrganisationId,
            Subject = request.Subject!.Trim(),
            Text = request.Text!,
        }, uploads, caller, null, cancellationToken);
    }

    /// <summary>
    /// A mailed message as a report of the intake organisation (TLP:AMBER; nobody else reads it). Idempotent: a message whose
    /// Message-ID (else raw SHA-256) made a report before answers that report and makes none. Null when no intake team is configured.
    /// </summary>
    public async Task<(IncidentReport Report, bool Created)?> CreateFromMailAsync(IntakeMessage message, long maxAttachmentBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var key = ReceiptKey(message);
        if (await db.MailIntakeReceipts.AsNoTracking().FirstOrDefaultAsync(r => r.Key == key, cancellationToken) is { } seen)
        {
            return (await db.IncidentReports.AsNoTracking().SingleAsync(r => r.RecordId == seen.ReportRecordId, cancellationToken), false);
        }

        if (await reports.IntakeOrganisationAsync(cancellationToken) is not { } intake)
        {
            return null;
        }

        foreach (var (a, i) in message.Attachments.Select((a, i) => (a, i)))
        {
            if (a.Size > maxAttachmentBytes)
            {
                throw new IntakeException(IntakeRefusal.AttachmentTooLarge, $"Attachment {i} ({a.FileName}) has {a.Size} bytes; the limit is {maxAttachmentBytes}.", $"attachments[{i}]");
            }
        }

        var from = message.From.Count > 0 ? message.From[0].Address : null;
        var subject = Clean(message.Subject, ReportLimits.SubjectLength, singleLine: true);
        var text = Clean(message.Body, ReportLimits.TextLength, singleLine: false);
        var uploads = message.Attachments.Select(a => new AttachmentUpload(a.FileName, a.MediaType, a.Content.ToArray(), a.Sha256, Sample: false)).ToList();
        var system = new Caller(Guid.Empty, intake, Role.Analyst, new HashSet<Guid>(), Credential: "mail-intake");
        var receipt = new MailIntakeReceipt { Key = key, MessageId = Truncate(message.MessageId, 1000), Sha256 = message.Sha256 };
        var report = await SaveAsync(intake, Tlp.Amber, [], new IncidentReport
        {
            Channel = ReportChannel.Email,
            ReporterEmail = Truncate(from, ReportLimits.EmailLength),
            Subject = subject.Length == 0 ? "(no subject)" : subject,
            Text = text,
        }, uploads, system, receipt, cancellationToken);
        return (report, true);
    }

    /// <summary>The deduplication key of a message: its Message-ID when it has one, else the SHA-256 of the raw bytes.</summary>
    public static string ReceiptKey(IntakeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return string.IsNullOrWhiteSpace(message.MessageId) ? $"sha256:{message.Sha256}" : Truncate($"mid:{message.MessageId.Trim()}", 1000)!;
    }

    private async Task<IncidentReport> SaveAsync(Guid intake, Tlp tlp, IReadOnlyList<ResolvedAudience> audience, IncidentReport report,
        IReadOnlyList<AttachmentUpload> uploads, Caller caller, MailIntakeReceipt? receipt, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var record = new SharedRecord
        {
            RecordType = IncidentReport.Type,
            OwnerOrganisationId = intake,
            CreatorOrganisationId = caller.OrganisationId,
            CreatedAt = now,
        };
        report.Record = record;
        report.Id = Guid.CreateVersion7(now);
        report.Year = now.UtcDateTime.Year;
        report.ReceivedAt = now;
        report.ModifiedAt = now;
        report.Status = ReportStatus.New;

        // As for incidents: a counter row updated in this transaction (the row lock serialises app servers on PostgreSQL).
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        report.Number = await NextNumberAsync(report.Year, cancellationToken);
        db.SharedRecords.Add(record);
        db.IncidentReports.Add(report);
        await sharing.ApplyAsync(record, tlp, audience, published: false, cancellationToken);
        db.IncidentReportEvents.Add(new ReportEvent { Report = report, Event = ReportEvents.Acknowledged, Detail = report.HumanId, CreatedAt = now });
        audit.Record(AuditEvent.IncidentReportReceived, caller, $"report:{report.Id}", detail: $"{report.HumanId} {report.Channel.ToString().ToLowerInvariant()} {tlp.Label()}");
        // First save gives the envelope its id (the attachments and the receipt point at it); all commits at once below.
        await db.SaveChangesAsync(cancellationToken);
        db.Notify(Notifications.NotificationKind.ReportReceived, caller, now, reportId: report.Id);
        foreach (var upload in uploads)
        {
            var attachment = AttachmentStore.Stage(db, upload, caller, now);
            attachment.ReportRecordId = record.Id;
            audit.Record(AuditEvent.IncidentAttachmentAdded, caller, $"report:{report.Id}", detail: $"{attachment.Id} {upload.Sha256} {upload.Content.Length}");
        }

        if (receipt is not null)
        {
            receipt.ReceivedAt = now;
            receipt.ReportRecordId = record.Id;
            db.MailIntakeReceipts.Add(receipt);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return report;
    }

    /// <summary>Links a report to an incident the caller reads: writers of the intake organisation. Null when either is not readable.</summary>
    public async Task<ReadReport?> LinkAsync(Caller caller, string id, LinkRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var read = await reports.ResolveAsync(caller, id, cancellationToken);
        if (read is null)
        {
            return null;
        }

        EnsureTriage(caller, read);
        var incident = string.IsNullOrWhiteSpace(request.Incident) ? null : await FindIncidentAsync(caller, request.Incident, cancellationToken);
        if (incident is null)
        {
            throw RequestErrors.One("incident", "No incident with this id or number that you may read.");
        }

        await LinkCoreAsync(caller, read, incident.Incident, cancellationToken);
        return await reports.FindAsync(caller, read.Report.Id, cancellationToken);
    }

    /// <summary>
    /// Opens an incident from a report (the intake team's "create incident from report") and links them. The incident is
    /// opened by the caller's organisation, as any other, with the request's fields (the page prefills them from the report).
    /// </summary>
    public async Task<(ReadReport Report, Incident Incident)?> CreateIncidentAsync(Caller caller, string id, IncidentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var read = await reports.ResolveAsync(caller, id, cancellationToken);
        if (read is null)
        {
            return null;
        }

        EnsureTriage(caller, read);
        var incident = await incidentEditing.CreateAsync(caller, request, cancellationToken);
        await LinkCoreAsync(caller, read, incident, cancellationToken);
        return (await reports.FindAsync(caller, read.Report.Id, cancellationToken) ?? read, incident);
    }

    /// <summary>Rejects a new report with a reason: writers of the intake organisation. A linked report is not rejected (400 naming status).</summary>
    public async Task<ReadReport?> RejectAsync(Caller caller, string id, RejectRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var read = await reports.ResolveAsync(caller, id, cancellationToken);
        if (read is null)
        {
            return null;
        }

        EnsureTriage(caller, read);
        var errors = new RequestErrors();
        errors.MultiLine("reason", request.Reason, ReportLimits.ReasonLength, required: true);
        if (read.Report.Status != ReportStatus.New)
        {
            errors.Add("status", $"Only a new report is rejected; this one is {read.Report.Status.ToString().ToLowerInvariant()}.");
        }

        errors.ThrowIfAny();
        var now = clock.GetUtcNow();
        var report = await db.IncidentReports.SingleAsync(r => r.RecordId == read.Report.RecordId, cancellationToken);
        report.Status = ReportStatus.Rejected;
        report.RejectionReason = request.Reason!.Trim();
        report.ModifiedAt = now;
        report.Version++;
        db.IncidentReportEvents.Add(new ReportEvent
        {
            ReportRecordId = report.RecordId, Event = ReportEvents.Rejected, Detail = report.RejectionReason, UserId = caller.UserId, OrganisationId = caller.OrganisationId, CreatedAt = now,
        });
        audit.Record(AuditEvent.IncidentReportRejected, caller, $"report:{report.Id}", detail: report.HumanId);
        await SaveAsync(cancellationToken);
        return await reports.FindAsync(caller, report.Id, cancellationToken);
    }

    /// <summary>
    /// Splits a report out of an incident: the report is unlinked from it and becomes a new incident of the caller's
    /// organisation (title and summary from the report, the other fields from the incident, TLP the stricter of the two, no
    /// audience: participants are invited again), linked to the report, with the report's attachments on an entry of its journal
    /// and the observables the reporter's organisation had linked to the old incident. Both journals record it; one transaction.
    /// Who: a writer of the intake team (who triages the report) whose organisation owns the incident. Null when the caller reads
    /// neither, or the report is not linked to the incident (404); 403 when it reads both but may not do this.
    /// </summary>
    public async Task<SplitOutcome?> SplitAsync(Caller caller, string incidentId, string reportId, SplitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var from = await FindIncidentAsync(caller, incidentId, cancellationToken);
        var read = from is null ? null : await reports.ResolveAsync(caller, reportId, cancellationToken);
        if (from is null || read is null
            || !await db.IncidentReportLinks.AnyAsync(l => l.ReportRecordId == read.Report.RecordId && l.IncidentRecordId == from.Incident.RecordId, cancellationToken))
        {
            return null;
        }

        EnsureTriage(caller, read);
        // Owner only: the new incident belongs to the caller and copies the old one's facts (entity, countries, sector, RSIT);
        // a coordinator could otherwise re-own the owner's RED facts and widen them (review S8-2).
        if (from.Standing < IncidentStanding.Owner)
        {
            throw new ForbiddenException("Only the incident's owner splits a report out of it.");
        }

        var old = from.Incident;
        var report = read.Report;
        var errors = new RequestErrors();
        errors.SingleLine("title", request.Title, IncidentLimits.TitleLength, required: false);
        errors.MultiLine("reason", request.Reason, IncidentLimits.EntryLength);
        if (request.Severity is { } severity && !Enum.IsDefined(severity))
        {
            errors.Add("severity", "low, medium, high or critical.");
        }

        errors.ThrowIfAny();
        var tlp = report.Record.Tlp > old.Record.Tlp ? report.Record.Tlp : old.Record.Tlp;
        var summary = report.Text.Length > IncidentLimits.SummaryLength ? report.Text[..IncidentLimits.SummaryLength] : report.Text;
        var incidentRequest = new IncidentRequest(
            string.IsNullOrWhiteSpace(request.Title) ? report.Subject : request.Title, summary, tlp, old.Pap, request.Severity ?? old.Severity, old.Sector,
            [.. old.Countries.Select(c => c.Country)], [.. old.Classifications.Select(c => new RsitRequest(c.Category, c.Kind))], old.AffectedEntity, old.EntityKind,
            AwareAt: report.ReceivedAt);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var created = await incidentEditing.CreateAsync(caller, incidentRequest, cancellationToken);
        var now = clock.GetUtcNow();
        await db.IncidentReportLinks.Where(l => l.ReportRecordId == report.RecordId && l.IncidentRecordId == old.RecordId).ExecuteDeleteAsync(cancellationToken);
        db.IncidentReportLinks.Add(new ReportIncidentLink { ReportRecordId = report.RecordId, IncidentRecordId = created.RecordId, LinkedByUserId = caller.UserId, LinkedAt = now });

        // The old incident's readers learn that a report went; the numbers only its owner (as for a merge: the report and the new
        // incident are not theirs to know of).
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? "" : " " + request.Reason.Trim();
        db.IncidentJournal.Add(new IncidentJournalEntry
        {
            PublicId = Guid.CreateVersion7(now), IncidentRecordId = old.RecordId, Kind = JournalEntryKind.System, Event = IncidentEvents.ReportSplitOut,
            Body = $"{report.HumanId} → {created.HumanId}{reason}", OwnerOnly = true, AuthorUserId = caller.UserId, AuthorOrganisationId = caller.OrganisationId, CreatedAt = now,
        });
        var entryId = Guid.CreateVersion7(now);
        db.IncidentJournal.Add(new IncidentJournalEntry
        {
            PublicId = Guid.CreateVersion7(now), IncidentRecordId = created.RecordId, Kind = JournalEntryKind.System, Event = IncidentEvents.SplitFrom,
            Body = $"{report.HumanId} ← {old.HumanId}{reason}", OwnerOnly = true, AuthorUserId = caller.UserId, AuthorOrganisationId = caller.OrganisationId, CreatedAt = now,
        });

        // The reporter's files, on an entry of the new incident (the report keeps its own).
        var attachments = await db.IncidentAttachments.AsNoTracking().Where(a => a.ReportRecordId == report.RecordId).OrderBy(a => a.Id).ToListAsync(cancellationToken);
        if (attachments.Count > 0)
        {
            db.IncidentJournal.Add(new IncidentJournalEntry
            {
                PublicId = entryId, IncidentRecordId = created.RecordId, Kind = JournalEntryKind.Entry, Body = $"{report.HumanId}: {report.Subject}",
                AuthorUserId = caller.UserId, AuthorOrganisationId = caller.OrganisationId, CreatedAt = now,
            });
            foreach (var a in attachments)
            {
                var content = await db.IncidentAttachmentContents.AsNoTracking().Where(c => c.AttachmentId == a.Id).Select(c => c.Content).SingleAsync(cancellationToken);
                var copy = AttachmentStore.Stage(db, new AttachmentUpload(a.FileName, a.DeclaredContentType, content, a.Sha256, a.Sample), caller, now);
                copy.IncidentRecordId = created.RecordId;
                copy.JournalEntryId = entryId;
                audit.Record(AuditEvent.IncidentAttachmentAdded, caller, $"incident:{created.Id}", detail: $"{copy.Id} {a.Sha256} {a.Size}");
            }
        }

        // The observables the reporter's organisation linked to the old incident are linked to the new one too (a link; whoever
        // reads the new incident sees an object only if the access decision lets them read the object itself).
        var observables = 0;
        if (report.ReporterOrganisationId is { } reporter)
        {
            var links = await db.IncidentObservables.AsNoTracking().Where(l => l.IncidentRecordId == old.RecordId && l.AddedByOrganisationId == reporter)
                .Take(10_000).ToListAsync(cancellationToken);
            foreach (var link in links)
            {
                db.IncidentObservables.Add(new Observables.IncidentObservable
                {
                    IncidentRecordId = created.RecordId, IntelRecordId = link.IntelRecordId, CreatedHere = false,
                    AddedByOrganisationId = link.AddedByOrganisationId, AddedByUserId = link.AddedByUserId, AddedAt = now,
                });
            }

            observables = links.Count;
        }

        db.IncidentReportEvents.Add(new ReportEvent { ReportRecordId = report.RecordId, Event = ReportEvents.SplitOut, UserId = caller.UserId, OrganisationId = caller.OrganisationId, CreatedAt = now });
        audit.Record(AuditEvent.IncidentReportSplitOut, caller, $"report:{report.Id}", detail: $"{report.HumanId}: {old.HumanId} -> {created.HumanId}");
        await SaveAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new SplitOutcome(created.Id, created.HumanId, report.HumanId, attachments.Count, observables);
    }

    /// <summary>Records that the reporter was sent an e-mail acknowledgement.</summary>
    public async Task MailAcknowledgedAsync(IncidentReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        db.IncidentReportEvents.Add(new ReportEvent { ReportRecordId = report.RecordId, Event = ReportEvents.MailAcknowledged, Detail = report.HumanId, CreatedAt = clock.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task LinkCoreAsync(Caller caller, ReadReport read, Incident incident, CancellationToken cancellationToken)
    {
        if (await db.IncidentReportLinks.AnyAsync(l => l.ReportRecordId == read.Report.RecordId && l.IncidentRecordId == incident.RecordId, cancellationToken))
        {
            throw RequestErrors.One("incident", $"This report is linked to {incident.HumanId} already.");
        }

        var now = clock.GetUtcNow();
        var report = await db.IncidentReports.SingleAsync(r => r.RecordId == read.Report.RecordId, cancellationToken);
        report.Status = ReportStatus.Linked;
        report.RejectionReason = null;
        report.ModifiedAt = now;
        report.Version++;
        db.IncidentReportLinks.Add(new ReportIncidentLink { ReportRecordId = report.RecordId, IncidentRecordId = incident.RecordId, LinkedByUserId = caller.UserId, LinkedAt = now });
        // The event does not name the incident: the reporter reads the report, not necessarily the incident.
        db.IncidentReportEvents.Add(new ReportEvent { ReportRecordId = report.RecordId, Event = ReportEvents.Linked, UserId = caller.UserId, OrganisationId = caller.OrganisationId, CreatedAt = now });
        audit.Record(AuditEvent.IncidentReportLinked, caller, $"report:{report.Id}", detail: $"{report.HumanId} -> {incident.HumanId}");
        await SaveAsync(cancellationToken);
    }

    private async Task<ReadIncident?> FindIncidentAsync(Caller caller, string id, CancellationToken cancellationToken) =>
        IncidentNumbers.Parse(id) is { } human
            ? await incidents.FindByNumberAsync(caller, human.Year, human.Number, cancellationToken)
            : Guid.TryParse(id, out var guid) ? await incidents.FindAsync(caller, guid, cancellationToken) : null;

    private static void EnsureTriage(Caller caller, ReadReport read)
    {
        if (!read.MayTriage(caller))
        {
            throw new ForbiddenException("Only the intake team's analysts link, reject or open incidents from reports.");
        }
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("Someone changed this report at the same moment; nothing was changed. Load it again and retry.");
        }
    }

    private async Task<int> NextNumberAsync(int year, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlAsync($"""INSERT INTO "IncidentReportSequences" ("Year", "Last") VALUES ({year}, 0) ON CONFLICT ("Year") DO NOTHING""", cancellationToken);
        var next = await db.Database.SqlQuery<int>($"""UPDATE "IncidentReportSequences" SET "Last" = "Last" + 1 WHERE "Year" = {year} RETURNING "Last" AS "Value" """)
            .ToListAsync(cancellationToken);
        return next.Single();
    }

    private static string? Truncate(string? value, int length) => value is not null && value.Length > length ? value[..length] : value;

    /// <summary>Mail text as the report keeps it: characters the text rules forbid become spaces; cut to the field's length.</summary>
    private static string Clean(string? value, int length, bool singleLine)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var chars = value.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (TextRules.IsForbidden(chars[i]) && (singleLine || chars[i] is not ('\n' or '\r' or '\t')))
            {
                chars[i] = ' ';
            }
        }

        return Truncate(new string(chars).Trim(), length)!;
    }
}
