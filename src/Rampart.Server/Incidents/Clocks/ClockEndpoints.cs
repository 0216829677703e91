using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Rampart.Server.Access;
using Rampart.Server.Hosting;
using Rampart.Standards;
using Rampart.Standards.Incidents;

namespace Rampart.Server.Incidents.Clocks;

public static class ClockEndpoints
{
    private const string DueList = "incident-due";

    /// <summary>An IANA zone from the query (null = none asked); a 400 naming <c>zone</c> otherwise.</summary>
    public static TimeZoneInfo? Zone(string? zone)
    {
        if (zone is null)
        {
            return null;
        }

        try
        {
            return DeadlineDisplay.FindZone(zone);
        }
        catch (StandardsException)
        {
            throw RequestErrors.One("zone", "Not an IANA time zone (e.g. Europe/Belgrade, Europe/Chisinau, Asia/Tbilisi).");
        }
    }

    public static RouteGroupBuilder MapIncidentClocksApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/incidents").WithTags("Incident reporting clocks").RequireAuthorization();

        group.MapGet("/due", async Task<Ok<CursorPage<DueItem>>> (HttpContext http, Caller caller, ClockQueries clocks, PageCursors cursors, int? limit, string? next, string? zone, CancellationToken ct) =>
        {
            if (Http.OffsetPagingParameter(http) is { } offset)
            {
                throw RequestErrors.One(offset, "The due list is paged by cursor: use 'limit' and then 'next' from the answer.");
            }

            var size = Http.Limit(limit);
            var tz = Zone(zone);
            (DateTimeOffset, long)? after = null;
            if (cursors.DecodeKey(next, DueList, "") is { } key)
            {
                // due ticks : position (negative for a row of a peer node's incident, PeerDuePositions)
                var parts = key.Key.Split(':');
                after = parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                        && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var id) && ticks <= DateTimeOffset.MaxValue.UtcTicks
                    ? (new DateTimeOffset(ticks, TimeSpan.Zero), id)
                    : throw RequestErrors.One("next", "Not a cursor of this list; start again without 'next'.");
            }

            var (items, more) = await clocks.DueAsync(caller, after, size, tz, ct);
            var cursor = more ? cursors.Encode(DueList, "", string.Create(CultureInfo.InvariantCulture, $"{items[^1].Due.UtcTicks}:{items[^1].Position}"), Guid.Empty) : null;
            return TypedResults.Ok(new CursorPage<DueItem>(items, cursor));
        }).WithSummary("List running deadlines (the \"due\" list)")
            .WithDescription("Every running deadline of the incidents the caller may read — NIS2 stages, GDPR breach notifications, open tasks with a due time (owner-only tasks for the owner only), requests for assistance (for the requesting and the asked organisation only) — earliest first, so overdue ones come first; cursor-paged (limit 1–200). zone (IANA, e.g. Europe/Belgrade) adds the due time as read there. State: not-due-yet, due-soon (within 6 h) or overdue.");

        group.MapGet("/{id}/stages", async Task<Results<Ok<ClocksView>, NotFound>> (string id, string? zone, Caller caller, IncidentQueries incidents, ClockQueries clocks, CancellationToken ct) =>
        {
            var tz = Zone(zone);
            return await IncidentEndpoints.ResolveAsync(incidents, caller, id, ct) is { } read
                ? TypedResults.Ok(await clocks.ClocksAsync(read, caller, tz, ct))
                : TypedResults.NotFound();
        }).WithSummary("Read an incident's reporting clocks")
            .WithDescription("The NIS2 Art. 23 stages of a significant incident (early warning 24 h, notification 72 h or 24 h for a trust service provider, CSIRT feedback, intermediate reports on request, final or progress report a month after the notification) and the GDPR Art. 33 clock of a recorded personal-data breach, each with due time (UTC), state and time left at this instant; the submitted reports. zone (IANA) adds the due time as read there, with the offset in force then. 404 when the caller may not read the incident.");

        group.MapPost("/{id}/stages/{stage}", async Task<Results<Created<StageReportSummary>, NotFound>> (string id, string stage, StageSubmitRequest request, Caller caller, IncidentQueries incidents, ClockEditing editing, CancellationToken ct) =>
        {
            var errors = new RequestErrors();
            var parsed = IncidentEndpoints.ParseKebab<ReportingStage>(stage, "stage", errors);
            errors.ThrowIfAny();
            if (await IncidentEndpoints.ResolveAsync(incidents, caller, id, ct) is not { } read
                || await editing.SubmitAsync(caller, read.Incident.Id, parsed!.Value, request, ct) is not { } report)
            {
                return TypedResults.NotFound();
            }

            return TypedResults.Created($"/api/incidents/{read.Incident.Id}/stages/reports/{report.PublicId}",
                new StageReportSummary(report.PublicId, report.Stage, report.Sequence, report.Version, report.SubmittedAt, report.Due, report.SubmittedAt > report.Due, report.SubmittedByOrganisationId));
        }).WithSummary("Submit a stage report")
            .WithDescription("stage: early-warning, incident-notification, intermediate-report (answers the oldest unanswered request), progress-report, final-report, csirt-feedback or data-breach-notification. Body { content: { … } } with the stage's fields (docs/incidents-clocks.md); every bad field is a 400 naming content.{field}. The report is frozen (canonical JSON, versioned: a second submission is a correction; the clock counts the first) and the journal records it. Owner and coordinators; other readers 403, others 404.");

        group.MapPost("/{id}/stages/intermediate-requests", async Task<Results<Created<IntermediateRequestView>, NotFound>> (string id, IntermediateRequestRequest request, Caller caller, IncidentQueries incidents, ClockEditing editing, CancellationToken ct) =>
        {
            if (await IncidentEndpoints.ResolveAsync(incidents, caller, id, ct) is not { } read
                || await editing.RequestIntermediateAsync(caller, read.Incident.Id, request, ct) is not { } row)
            {
                return TypedResults.NotFound();
            }

            return TypedResults.Created($"/api/incidents/{read.Incident.Id}/stages", new IntermediateRequestView(0, row.RequestedAt, row.DueAt, row.RequestedByOrganisationId));
        }).WithSummary("Record a request for an intermediate report")
            .WithDescription("NIS2 Art. 23(4)(c): the CSIRT or authority asked for an intermediate report, due at dueAt (after now, within a year). Owner and coordinators.");

        group.MapPut("/{id}/stages/data-breach", async Task<Results<Ok<ClocksView>, NotFound>> (string id, DataBreachRequest request, Caller caller, IncidentQueries incidents, ClockEditing editing, ClockQueries clocks, CancellationToken ct) =>
        {
            if (await IncidentEndpoints.ResolveAsync(incidents, caller, id, ct) is not { } read
                || await editing.SetDataBreachAsync(caller, read.Incident.Id, request, ct) is null)
            {
                return TypedResults.NotFound();
            }

            return TypedResults.Ok(await clocks.ClocksAsync(read, caller, null, ct));
        }).WithSummary("Record a personal-data breach")
            .WithDescription("Starts the GDPR Art. 33 clock (or the national law's) at awareAt, for jurisdiction (a configured key: EU, RS, MK, XK, GE, BA by default; section Rampart:DataProtection). An unconfigured jurisdiction is a 400 naming it: no deadline is guessed. Owner and coordinators.");

        group.MapGet("/{id}/stages/reports/{reportId}", async Task<Results<ContentHttpResult, NotFound>> (string id, string reportId, string? format, Caller caller, IncidentQueries incidents, ClockQueries clocks, CancellationToken ct) =>
        {
            var report = Http.ParseId(reportId, "reportId");
            if (format is not (null or "json" or "html"))
            {
                throw RequestErrors.One("format", "json or html.");
            }

            if (await IncidentEndpoints.ResolveAsync(incidents, caller, id, ct) is not { } read || await clocks.ReportAsync(read, report, ct) is not { } found)
            {
                return TypedResults.NotFound();
            }

            return format == "html"
                ? TypedResults.Content("<!doctype html><meta charset=\"utf-8\"><title>" + System.Net.WebUtility.HtmlEncode(read.Incident.HumanId) + "</title>" + StageReport.FromJson(found.Json).ToHtml(), "text/html; charset=utf-8")
                : TypedResults.Content(found.Json, "application/json");
        }).WithSummary("Read a frozen stage report")
            .WithDescription("As submitted: canonical JSON (schema urn:rampart:incident-stage-report:1, same report same bytes), or format=html for a printable page where every value is encoded. 404 for a report of an incident the caller may not read.");

        return group;
    }
}
