using Microsoft.AspNetCore.Http.HttpResults;
using Rampart.Server.Access;
using Rampart.Server.Hosting;

namespace Rampart.Server.Incidents.Requests;

public static class AssistanceEndpoints
{
    private const string IncidentList = "incident-requests";
    private const string BoxList = "assistance-requests";

    public static void MapAssistanceApi(this IEndpointRouteBuilder routes)
    {
        var incidents = routes.MapGroup("/incidents").WithTags("Requests for assistance").RequireAuthorization();

        incidents.MapGet("/{id}/requests", async Task<Results<Ok<CursorPage<AssistanceView>>, NotFound>> (string id, Caller caller, IncidentQueries queries, AssistanceQueries requests, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            if (await IncidentEndpoints.ResolveAsync(queries, caller, id, ct) is not { } read)
            {
                return TypedResults.NotFound();
            }

            var scope = read.Incident.Id.ToString();
            var (rows, more) = await requests.OfIncidentAsync(read, caller, cursors.Decode(next, IncidentList, scope), size, ct);
            var views = new List<AssistanceView>();
            foreach (var row in rows)
            {
                views.Add(await requests.ViewAsync(caller, row, read.Standing, ct));
            }

            return TypedResults.Ok(new CursorPage<AssistanceView>(views, more ? cursors.Encode(IncidentList, scope, rows[^1].Id) : null));
        }).WithSummary("List an incident's requests for assistance")
            .WithDescription("Newest first, cursor-paged. The owner and coordinators see every request; other participants the ones they sent or were asked; an asked organisation sees its own copy only. 404 when the caller may not read the incident.");

        incidents.MapPost("/{id}/requests", async Task<Results<Created<AssistanceView>, NotFound>> (string id, AssistanceRequestRequest request, Caller caller, IncidentQueries queries, AssistanceQueries requests, AssistanceEditing editing, CancellationToken ct) =>
        {
            if (await IncidentEndpoints.ResolveAsync(queries, caller, id, ct) is not { } read || await editing.CreateAsync(caller, read.Incident.Id, request, ct) is not { } created)
            {
                return TypedResults.NotFound();
            }

            var found = await requests.FindAsync(caller, created.PublicId, ct);
            return TypedResults.Created($"/api/requests/{created.PublicId}", await requests.ViewAsync(caller, found!.Value.Request, found.Value.Standing, ct));
        }).WithSummary("Send a request for assistance")
            .WithDescription("kind: analyse-sample, block-indicators, notify-constituent, share-logs or free; title; details (Markdown); optional dueAt; organisationIds: 1–30 organisations taking part in the incident (invite others first: a request never widens who reads the incident). Owner, coordinators and contributors; observers and readers 403.");

        var box = routes.MapGroup("/requests").WithTags("Requests for assistance").RequireAuthorization();

        box.MapGet("/", async Task<Ok<CursorPage<AssistanceListItem>>> (HttpContext http, Caller caller, AssistanceQueries requests, PageCursors cursors, int? limit, string? next, string? box, bool? open, CancellationToken ct) =>
        {
            if (Http.OffsetPagingParameter(http) is { } offset)
            {
                throw RequestErrors.One(offset, "Requests are paged by cursor: use 'limit' and then 'next' from the answer.");
            }

            var size = Http.Limit(limit);
            if (box is not (null or "received" or "sent"))
            {
                throw RequestErrors.One("box", "received (the default) or sent.");
            }

            var sent = box == "sent";
            var scope = $"{sent}|{open == true}";
            var (items, more) = await requests.ListAsync(caller, sent, open == true, cursors.Decode(next, BoxList, scope), size, ct);
            return TypedResults.Ok(new CursorPage<AssistanceListItem>(items, more ? cursors.Encode(BoxList, scope, items[^1].Position) : null));
        }).WithSummary("List requests for assistance, received or sent")
            .WithDescription("The caller's organisation's copies: box=received (asked of it, default) or box=sent (asked by it), newest first; open=true for those still waiting (sent, acknowledged, accepted). Cursor-paged (limit 1–200); only requests of incidents the caller may read.");

        box.MapGet("/{requestId}", async Task<Results<Ok<AssistanceView>, NotFound>> (string requestId, Caller caller, AssistanceQueries requests, CancellationToken ct) =>
            await requests.FindAsync(caller, Http.ParseId(requestId, "requestId"), ct) is { } found
                ? TypedResults.Ok(await requests.ViewAsync(caller, found.Request, found.Standing, ct))
                : TypedResults.NotFound())
            .WithSummary("Read a request for assistance")
            .WithDescription("404 unless the caller reads the incident and is of the requesting or an asked organisation, or the incident's owner or a coordinator.");

        foreach (var (path, action, summary, description) in new[]
        {
            ("acknowledge", AssistanceAction.Acknowledge, "Acknowledge a request", "The asked organisation's writers: seen, being looked at (from sent)."),
            ("accept", AssistanceAction.Accept, "Accept a request", "The asked organisation's writers: it will help (from sent or acknowledged)."),
            ("decline", AssistanceAction.Decline, "Decline a request", "The asked organisation's writers, with a reason (required)."),
            ("answer", AssistanceAction.Answer, "Answer a request", "The asked organisation's writers, with the answer (required, Markdown); from any open state."),
            ("withdraw", AssistanceAction.Withdraw, "Withdraw a request", "The requesting organisation's writers: every copy still open is withdrawn; reason optional."),
        })
        {
            box.MapPost($"/{{requestId}}/{path}", async Task<Results<Ok<AssistanceView>, NotFound>> (string requestId, AssistanceAnswerRequest? body, Caller caller, AssistanceQueries requests, AssistanceEditing editing, CancellationToken ct) =>
            {
                var id = Http.ParseId(requestId, "requestId");
                if (await editing.ActAsync(caller, id, action, body ?? new AssistanceAnswerRequest(), ct) is null || await requests.FindAsync(caller, id, ct) is not { } found)
                {
                    return TypedResults.NotFound();
                }

                return TypedResults.Ok(await requests.ViewAsync(caller, found.Request, found.Standing, ct));
            }).WithSummary(summary).WithDescription(description + " 404 when the caller may not see the request; 403 when the move is not its organisation's; 400 naming 'state' when the state forbids it; nothing changes then.");
        }
    }
}
