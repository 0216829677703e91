using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Incidents.Attachments;

namespace Rampart.Server.Incidents.Reports;

/// <summary>A report its reader may read; <see cref="IsIntake"/> when the reader is of the intake organisation that holds it.</summary>
public sealed record ReadReport(IncidentReport Report, bool IsIntake)
{
    /// <summary>May link, reject and open incidents from it: a writer of the intake organisation.</summary>
    public bool MayTriage(Caller caller) => IsIntake && AccessPolicy.CanWrite(caller, Report.Record);
}

/// <summary>
/// Every read of reports — API and pages — goes through here, and from here through <see cref="AccessPolicy"/>:
/// the reporting organisation and the intake organisation read a report, nobody else (docs/incidents.md).
/// </summary>
public sealed class ReportQueries(RampartDb db, AccessPolicy access, IOptionsMonitor<IntakeOptions> options)
{
    /// <summary>The configured intake organisation's id, or null when none is configured or it does not exist.</summary>
    public async Task<Guid?> IntakeOrganisationAsync(CancellationToken cancellationToken)
    {
        var shortName = options.CurrentValue.Organisation;
        if (string.IsNullOrWhiteSpace(shortName))
        {
            return null;
        }

        return await db.Organisations.AsNoTracking().Where(o => o.ShortName == shortName).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Whether the caller belongs to the intake organisation (for the pages: whose list is "all reports").</summary>
    public async Task<bool> IsIntakeAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsAuthenticated && !caller.IsOperator && await IntakeOrganisationAsync(cancellationToken) == caller.OrganisationId;
    }

    public async Task<ReadReport?> FindAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        Read(caller, await access.Readable(db.IncidentReports.AsNoTracking().Include(r => r.Record), caller).FirstOrDefaultAsync(r => r.Id == id, cancellationToken));

    /// <summary>By the UUID or the number ("RPT-2026-0001"); null when unknown or not readable, alike.</summary>
    public async Task<ReadReport?> ResolveAsync(Caller caller, string? id, CancellationToken cancellationToken)
    {
        if (ReportNumbers.Parse(id) is { } human)
        {
            return Read(caller, await access.Readable(db.IncidentReports.AsNoTracking().Include(r => r.Record), caller)
                .FirstOrDefaultAsync(r => r.Year == human.Year && r.Number == human.Number, cancellationToken));
        }

        return Guid.TryParse(id, out var guid) ? await FindAsync(caller, guid, cancellationToken) : null;
    }

    private static ReadReport? Read(Caller caller, IncidentReport? report) =>
        report is null ? null : new ReadReport(report, caller.IsAuthenticated && !caller.IsOperator && report.Record.OwnerOrganisationId == caller.OrganisationId);

    /// <summary>
    /// Up to <paramref name="limit"/> readable reports, newest first, older than <paramref name="before"/>: without a status the
    /// access decision's per-token ranges; with one the <c>(Status, RecordId)</c> index newest first, each row checked by the access decision.
    /// </summary>
    public async Task<(IReadOnlyList<ReadReport> Reports, bool More)> ListAsync(Caller caller, ReportStatus? status, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        List<long> ids;
        if (status is { } s)
        {
            var below = before ?? long.MaxValue;
            ids = await access.Readable(db.IncidentReports.AsNoTracking().Where(r => r.Status == s && r.RecordId < below), caller)
                .OrderByDescending(r => r.RecordId).Select(r => r.RecordId).Take(limit + 1).ToListAsync(cancellationToken);
        }
        else
        {
            ids = [.. await access.ReadableIdsAsync(caller, IncidentReport.Type, before, limit + 1, cancellationToken)];
        }

        var page = ids.Take(limit).ToList();
        // The ids come from the access decision above; this only fetches their rows.
        var rows = await db.IncidentReports.AsNoTracking().Include(r => r.Record).Where(r => EF.Parameter(page).Contains(r.RecordId))
            .OrderByDescending(r => r.RecordId).ToListAsync(cancellationToken);
        return (rows.Select(r => Read(caller, r)!).ToList(), ids.Count > limit);
    }

    /// <summary>The history of a read report, oldest first (at most 500 lines: a report has a handful).</summary>
    public async Task<IReadOnlyList<ReportEvent>> EventsAsync(ReadReport read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var id = read.Report.RecordId;
        return await db.IncidentReportEvents.AsNoTracking().Where(e => e.ReportRecordId == id).OrderBy(e => e.Id).Take(500).ToListAsync(cancellationToken);
    }

    /// <summary>The attachments of a read report (without their bytes).</summary>
    public async Task<IReadOnlyList<Attachment>> AttachmentsAsync(ReadReport read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var id = read.Report.RecordId;
        return await db.IncidentAttachments.AsNoTracking().Where(a => a.ReportRecordId == id).OrderBy(a => a.Id).Take(1000).ToListAsync(cancellationToken);
    }

    /// <summary>One attachment of a read report, with its bytes; null for an id that is not this report's.</summary>
    public async Task<(Attachment Attachment, byte[] Content)?> AttachmentAsync(ReadReport read, Guid attachmentId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var id = read.Report.RecordId;
        var attachment = await db.IncidentAttachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == attachmentId && a.ReportRecordId == id, cancellationToken);
        if (attachment is null)
        {
            return null;
        }

        var content = await db.IncidentAttachmentContents.AsNoTracking().Where(c => c.AttachmentId == attachmentId).Select(c => c.Content).SingleAsync(cancellationToken);
        return (attachment, content);
    }

    /// <summary>The record ids of the incidents a read report is linked to (whether the reader may read them is the incidents' decision).</summary>
    public async Task<IReadOnlyList<long>> LinkedIncidentIdsAsync(ReadReport read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var id = read.Report.RecordId;
        return await db.IncidentReportLinks.AsNoTracking().Where(l => l.ReportRecordId == id).OrderBy(l => l.IncidentRecordId).Select(l => l.IncidentRecordId)
            .Take(500).ToListAsync(cancellationToken);
    }

    /// <summary>The reports linked to a read incident that the caller may read, newest first, cursor-paged on the link index.</summary>
    public async Task<(IReadOnlyList<ReadReport> Reports, bool More)> LinkedToAsync(Caller caller, ReadIncident incident, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var incidentId = incident.Incident.RecordId;
        var below = before ?? long.MaxValue;
        var links = db.IncidentReportLinks;
        var rows = await access.Readable(db.IncidentReports.AsNoTracking().Include(r => r.Record)
                .Where(r => r.RecordId < below && links.Any(l => l.IncidentRecordId == incidentId && l.ReportRecordId == r.RecordId)), caller)
            .OrderByDescending(r => r.RecordId).Take(limit + 1).ToListAsync(cancellationToken);
        return (rows.Take(limit).Select(r => Read(caller, r)!).ToList(), rows.Count > limit);
    }
}
