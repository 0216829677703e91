using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Hosting;
using Rampart.Server.Incidents.Attachments;
using Rampart.Server.Validation;
using Rampart.Standards.Markings;

namespace Rampart.Server.Incidents.Reports;

public sealed record ReportEventView(string Event, string? Detail, Guid? OrganisationId, DateTimeOffset CreatedAt);

public sealed record LinkedIncidentView(Guid Id, string Number, string Title, IncidentStatus Status);

/// <summary>A report in a list: no text.</summary>
public sealed record ReportSummaryView(
    Guid Id, string Number, ReportChannel Channel, ReportStatus Status, string Subject, Tlp Tlp, DateTimeOffset ReceivedAt,
    Guid? ReporterOrganisationId, string? ReporterEmail)
{
    public static ReportSummaryView From(ReadReport read)
    {
        ArgumentNullException.ThrowIfNull(read);
        var r = read.Report;
        return new(r.Id, r.HumanId, r.Channel, r.Status, r.Subject, r.Record.Tlp, r.ReceivedAt, r.ReporterOrganisationId, read.IsIntake ? r.ReporterEmail : null);
    }
}

/// <summary>A report as its reader sees it. The mail sender's address only for the intake team; linked incidents only those the reader may read.</summary>
public sealed record ReportView(
    Guid Id,
    string Number,
    ReportChannel Channel,
    ReportStatus Status,
    string Subject,
    string Text,
    Tlp Tlp,
    DateTimeOffset ReceivedAt,
    Guid? ReporterUserId,
    Guid? ReporterOrganisationId,
    string? ReporterEmail,
    string? RejectionReason,
    bool MayTriage,
    IReadOnlyList<ReportEventView> Events,
    IReadOnlyList<AttachmentView> Attachments,
    IReadOnlyList<LinkedIncidentView> LinkedIncidents)
{
    /// <summary>
    /// Linked, but to no incident the reader may read: "handled by the intake team". Deliberately no count and no hint when
    /// the reader reads some of them — that would tell a reporter how many incidents it may not see; this says no more than <c>linked</c>.
    /// </summary>
    public bool HandledByIntakeTeam => Status == ReportStatus.Linked && LinkedIncidents.Count == 0;
}

public static class ReportEndpoints
{
    private const string ListName = "reports";
    private const string LinkedList = "incident-reports";

    /// <summary>A report with everything its reader may see of it (events, attachments, the incidents they read).</summary>
    public static async Task<ReportView> ViewAsync(ReadReport read, Caller caller, ReportQueries reports, IncidentQueries incidents, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(reports);
        var r = read.Report;
        var linked = new List<LinkedIncidentView>();
        foreach (var recordId in await reports.LinkedIncidentIdsAsync(read, ct))
        {
            if (await incidents.FindByRecordIdAsync(caller, recordId, ct) is { } incident)
            {
                linked.Add(new LinkedIncidentView(incident.Incident.Id, incident.Incident.HumanId, incident.Incident.Title, incident.Incident.Status));
            }
        }

        return new ReportView(r.Id, r.HumanId, r.Channel, r.Status, r.Subject, r.Text, r.Record.Tlp, r.ReceivedAt, r.ReporterUserId, r.ReporterOrganisationId,
            read.IsIntake ? r.ReporterEmail : null, r.RejectionReason, read.MayTriage(caller),
            (await reports.EventsAsync(read, ct)).Select(e => new ReportEventView(e.Event, e.Detail, e.OrganisationId, e.CreatedAt)).ToList(),
            (await reports.AttachmentsAsync(read, ct)).Select(AttachmentView.From).ToList(), linked);
    }

    public static void MapReportsApi(this FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var options = routes.Root.ServiceProvider.GetRequiredService<IOptions<AttachmentOptions>>().Value;
        // Uploads take bodies up to one attachment at the limit plus the form around it; beyond that 413 before anything is read.
        var uploadPath = new MachinePath
        {
            Name = "api-attachments", MaxRequestBodyBytes = options.MaxBytes + (1024 * 1024), WriteError = RampartHost.ApiPath.WriteError, Json = RampartHost.ApiPath.Json,
        };
        var group = routes.Api.MapGroup("/reports").WithTags("Incident reports").RequireAuthorization();

        group.MapGet("/", async Task<Ok<CursorPage<ReportSummaryView>>> (Caller caller, ReportQueries reports, PageCursors cursors, int? limit, string? next, string? status, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var errors = new RequestErrors();
            var filter = IncidentEndpoints.ParseKebab<ReportStatus>(status, "status", errors);
            errors.ThrowIfAny();
            var scope = filter?.ToString() ?? "";
            var (found, more) = await reports.ListAsync(caller, filter, cursors.Decode(next, ListName, scope), size, ct);
            return TypedResults.Ok(new CursorPage<ReportSummaryView>(found.Select(ReportSummaryView.From).ToList(),
                more ? cursors.Encode(ListName, scope, found[^1].Report.RecordId) : null));
        }).WithSummary("List incident reports")
            .WithDescription("The intake team sees every report the node received; everyone else the reports of their own organisation. Newest first, cursor-paged (limit 1–200); status=new|linked|rejected.");

        group.MapPost("/", async Task<Created<ReportView>> (HttpContext http, Caller caller, ReportEditing editing, ReportQueries reports, IncidentQueries incidents,
            IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, IOptions<AttachmentOptions> attachmentOptions, CancellationToken ct) =>
        {
            ReportRequest request;
            IReadOnlyList<AttachmentUpload> uploads = [];
            if (http.Request.HasFormContentType)
            {
                var (form, files) = await AttachmentStore.ReadMultipartAsync(http.Request, attachmentOptions.Value, ct);
                Tlp? tlp = null;
                if (form.TryGetValue("tlp", out var tlpText) && !string.IsNullOrEmpty(tlpText))
                {
                    tlp = TlpMarking.TryParse(tlpText, out var parsed) ? parsed : throw RequestErrors.One("tlp", "clear, green, amber, amber+strict or red.");
                }

                request = new ReportRequest(form["subject"].ToString(), form["text"].ToString(), tlp);
                uploads = files;
            }
            else
            {
                try
                {
                    request = await http.Request.ReadFromJsonAsync<ReportRequest>(json.Value.SerializerOptions, ct) ?? throw RequestErrors.One("body", "Required.");
                }
                catch (JsonException e)
                {
                    throw RequestErrors.One(string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.'), "Not valid JSON for this field.");
                }
                catch (InvalidOperationException)
                {
                    throw RequestErrors.One("body", "Send application/json, or multipart/form-data with attachments.");
                }
            }

            var report = await editing.CreateAsync(caller, request, ReportChannel.Rest, uploads, ct);
            var read = await reports.FindAsync(caller, report.Id, ct);
            return TypedResults.Created($"/api/reports/{report.Id}", await ViewAsync(read!, caller, reports, incidents, ct));
        }).WithSummary("Send an incident report")
            .WithDescription("JSON {subject, text, tlp} or multipart/form-data with the fields subject, text, tlp and files under 'files' (samples, i.e. malware, under 'samples'). The report gets the node's next number (RPT-year-nnnn) and an acknowledgement; it is read by the caller's organisation and the intake team. A file over Rampart:Attachments:MaxBytes is a 400 naming it; a larger body 413. 409 when the node has no intake team.")
            .WithMetadata(uploadPath);

        group.MapGet("/{id}", async Task<Results<Ok<ReportView>, NotFound>> (string id, Caller caller, ReportQueries reports, IncidentQueries incidents, CancellationToken ct) =>
            await reports.ResolveAsync(caller, id, ct) is { } read ? TypedResults.Ok(await ViewAsync(read, caller, reports, incidents, ct)) : TypedResults.NotFound())
            .WithSummary("Read an incident report")
            .WithDescription("By UUID or number (RPT-2026-0001), with its history (the acknowledgement with its number first), attachments (size and SHA-256) and the linked incidents the caller may read. 404 when it does not exist or the caller may not read it.");

        group.MapGet("/{id}/attachments/{attachmentId}", async Task<Results<FileContentHttpResult, NotFound>> (HttpContext http, string id, string attachmentId, Caller caller, ReportQueries reports, Audit.AuditTrail audit, CancellationToken ct) =>
        {
            var attachment = Http.ParseId(attachmentId, "attachmentId");
            if (await reports.ResolveAsync(caller, id, ct) is not { } read || await reports.AttachmentAsync(read, attachment, ct) is not { } found)
            {
                return TypedResults.NotFound();
            }

            await audit.RecordNowAsync(Audit.AuditEvent.IncidentAttachmentDownloaded, caller, $"attachment:{attachment}", detail: found.Attachment.Sample ? "zip" : null, cancellationToken: ct);
            return AttachmentStore.Download(http, found.Attachment, found.Content);
        }).WithSummary("Download a report's attachment")
            .WithDescription("Always application/octet-stream as an attachment with X-Content-Type-Options: nosniff, never rendered; a sample comes as a zip protected with the password 'infected'. 404 when the report or the attachment is not the caller's to read.");

        group.MapPost("/{id}/links", async Task<Results<Ok<ReportView>, NotFound>> (string id, LinkRequest request, Caller caller, ReportEditing editing, ReportQueries reports, IncidentQueries incidents, CancellationToken ct) =>
            await editing.LinkAsync(caller, id, request, ct) is { } read ? TypedResults.Ok(await ViewAsync(read, caller, reports, incidents, ct)) : TypedResults.NotFound())
            .WithSummary("Link a report to an incident")
            .WithDescription("The intake team's analysts link a report to an incident they may read (by UUID or INC number); a report may be linked to several incidents. Others who read the report get 403; an unknown or unreadable incident is a 400 naming 'incident'.");

        group.MapPost("/{id}/reject", async Task<Results<Ok<ReportView>, NotFound>> (string id, RejectRequest request, Caller caller, ReportEditing editing, ReportQueries reports, IncidentQueries incidents, CancellationToken ct) =>
            await editing.RejectAsync(caller, id, request, ct) is { } read ? TypedResults.Ok(await ViewAsync(read, caller, reports, incidents, ct)) : TypedResults.NotFound())
            .WithSummary("Reject a report")
            .WithDescription("The intake team's analysts reject a new report with a reason (required), which the reporter sees. A linked report is not rejected (400 naming 'status').");

        group.MapPost("/{id}/incident", async Task<Results<Created<ReportView>, NotFound>> (string id, IncidentRequest request, Caller caller, ReportEditing editing, ReportQueries reports, IncidentQueries incidents, CancellationToken ct) =>
        {
            if (await editing.CreateIncidentAsync(caller, id, request, ct) is not { } done)
            {
                return TypedResults.NotFound();
            }

            return TypedResults.Created($"/api/incidents/{done.Incident.Id}", await ViewAsync(done.Report, caller, reports, incidents, ct));
        }).WithSummary("Open an incident from a report")
            .WithDescription("The intake team's analysts open an incident (the fields of POST /api/incidents; the page prefills title and summary from the report), owned by their organisation, and link the report to it.");

        MapIncidentSide(routes, uploadPath);
    }

    private static void MapIncidentSide(FeatureRoutes routes, MachinePath uploadPath)
    {
        var group = routes.Api.MapGroup("/incidents").WithTags("Incidents").RequireAuthorization();

        group.MapGet("/{id}/reports", async Task<Results<Ok<CursorPage<ReportSummaryView>>, NotFound>> (string id, Caller caller, IncidentQueries incidents, ReportQueries reports, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            if (await IncidentEndpoints.ResolveAsync(incidents, caller, id, ct) is not { } read)
            {
                return TypedResults.NotFound();
            }

            var scope = read.Incident.Id.ToString();
            var (found, more) = await reports.LinkedToAsync(caller, read, cursors.Decode(next, LinkedList, scope), size, ct);
            return TypedResults.Ok(new CursorPage<ReportSummaryView>(found.Select(ReportSummaryView.From).ToList(),
                more ? cursors.Encode(LinkedList, scope, found[^1].Report.RecordId) : null));
        }).WithSummary("List an incident's reports")
            .WithDescription("The reports linked to the incident that the caller may read (the intake team and each reporting organisation its own), newest first, cursor-paged.");

        group.MapPost("/{id}/reports/{reportId}/split", async Task<Results<Created<SplitOutcome>, NotFound>> (string id, string reportId, SplitRequest? request, Caller caller, ReportEditing editing, CancellationToken ct) =>
            await editing.SplitAsync(caller, id, reportId, request ?? new SplitRequest(), ct) is { } done
                ? TypedResults.Created($"/api/incidents/{done.IncidentId}", done)
                : TypedResults.NotFound())
            .WithSummary("Split a report out of an incident")
            .WithDescription("The report (UUID or RPT number) is unlinked from the incident and becomes a new incident of the caller's organisation, linked to it: title (or 'title') and summary from the report, the other fields from the incident, severity 'severity' if given, TLP the stricter of report and incident, no audience (invite participants again). The report's attachments go onto a journal entry of the new incident; observables the reporter's organisation linked to the old incident are linked to the new one. Both journals record it (owner-only), the report's history says 'split-out'. Writers of the intake team who own or coordinate the incident; others who read both get 403; 404 when the caller reads neither or the report is not linked to the incident.");

        group.MapPost("/{id}/journal/attachments", async Task<Results<Created<JournalEntryView>, NotFound>> (HttpContext http, string id, Caller caller, IncidentEditing editing, IncidentQueries incidents, IOptions<AttachmentOptions> options, CancellationToken ct) =>
        {
            if (!http.Request.HasFormContentType)
            {
                throw RequestErrors.One("body", "Send multipart/form-data: body, ownerOnly and the files under 'files' (samples under 'samples').");
            }

            var (form, uploads) = await AttachmentStore.ReadMultipartAsync(http.Request, options.Value, ct);
            var ownerOnly = form["ownerOnly"].ToString() switch
            {
                "" or "false" => false,
                "true" => true,
                _ => throw RequestErrors.One("ownerOnly", "true or false."),
            };
            if (uploads.Count == 0)
            {
                throw RequestErrors.One("files", "At least one file.");
            }

            var guid = Guid.TryParse(id, out var g) ? g : (await IncidentEndpoints.ResolveAsync(incidents, caller, id, ct))?.Incident.Id;
            return guid is { } incidentId && await editing.AddEntryAsync(caller, incidentId, new JournalRequest(form["body"].ToString(), ownerOnly), ct, uploads) is { } entry
                ? TypedResults.Created($"/api/incidents/{incidentId}/journal/{entry.PublicId}/attachments", JournalEntryView.From(entry))
                : TypedResults.NotFound();
        }).WithSummary("Write a journal entry with attachments")
            .WithDescription("multipart/form-data: body (Markdown), ownerOnly, files under 'files' and samples under 'samples'. The same rules as a journal entry; the attachments are seen by exactly those who see the entry.")
            .WithMetadata(uploadPath);

        group.MapGet("/{id}/journal/{entryId}/attachments", async Task<Results<Ok<IReadOnlyList<AttachmentView>>, NotFound>> (string id, string entryId, Caller caller, IncidentQueries incidents, AttachmentStore store, CancellationToken ct) =>
        {
            var entry = Http.ParseId(entryId, "entryId");
            if (await IncidentEndpoints.ResolveAsync(incidents, caller, id, ct) is not { } read || !await incidents.EntryVisibleAsync(read, entry, ct))
            {
                return TypedResults.NotFound();
            }

            IReadOnlyList<AttachmentView> list = (await store.OfEntriesAsync(read, [entry], ct))[entry].Select(AttachmentView.From).ToList();
            return TypedResults.Ok(list);
        }).WithSummary("List a journal entry's attachments")
            .WithDescription("Name, declared type (not trusted), size, SHA-256 and whether it is a sample. 404 for an entry the caller does not see (owner-only entries only for the owner).");

        group.MapGet("/{id}/attachments/{attachmentId}", async Task<Results<FileContentHttpResult, NotFound>> (HttpContext http, string id, string attachmentId, Caller caller, IncidentQueries incidents, AttachmentStore store, Audit.AuditTrail audit, CancellationToken ct) =>
        {
            var attachment = Http.ParseId(attachmentId, "attachmentId");
            if (await IncidentEndpoints.ResolveAsync(incidents, caller, id, ct) is not { } read || await store.OfJournalAsync(read, attachment, ct) is not { } found)
            {
                return TypedResults.NotFound();
            }

            await audit.RecordNowAsync(Audit.AuditEvent.IncidentAttachmentDownloaded, caller, $"attachment:{attachment}", detail: found.Attachment.Sample ? "zip" : null, cancellationToken: ct);
            return AttachmentStore.Download(http, found.Attachment, found.Content);
        }).WithSummary("Download a journal attachment")
            .WithDescription("As a report's attachment: application/octet-stream, nosniff, never rendered; samples as a zip with the password 'infected'. 404 when the incident or the entry is not the caller's to see.");
    }
}
