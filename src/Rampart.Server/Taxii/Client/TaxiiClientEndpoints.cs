using Microsoft.AspNetCore.Http.HttpResults;
using Rampart.Server.Access;
using Rampart.Server.Hosting;

namespace Rampart.Server.Taxii.Client;

/// <summary><c>/api/taxii/connections</c>: an organisation's connections to remote TAXII 2.1 servers with their state.</summary>
public static class TaxiiClientEndpoints
{
    private const string ListName = "taxii.connections";

    public static void MapTaxiiConnections(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/taxii/connections").WithTags("TAXII").RequireAuthorization();

        group.MapGet("/", async Task<Ok<CursorPage<TaxiiConnectionView>>> (Caller caller, TaxiiConnections connections, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var scope = caller.OrganisationId.ToString("N");
            var (items, more) = await connections.ListAsync(caller, cursors.Decode(next, ListName, scope), size, ct);
            return TypedResults.Ok(new CursorPage<TaxiiConnectionView>([.. items.Select(TaxiiConnections.View)], more ? cursors.Encode(ListName, scope, items[^1].Id) : null));
        }).WithSummary("List the organisation's TAXII connections").WithDescription("Every member of the organisation sees its connections with their state (last run, checkpoints, counts, last error), never their credentials; other organisations see none. Cursor-paged, newest first.");

        group.MapPost("/", async Task<Created<TaxiiConnectionView>> (Caller caller, TaxiiConnections connections, TaxiiConnectionRequest request, CancellationToken ct) =>
        {
            var c = await connections.CreateAsync(caller, request, ct);
            return TypedResults.Created($"/api/taxii/connections/{c.PublicId}", TaxiiConnections.View(c));
        }).WithSummary("Create a TAXII connection").WithDescription("The organisation's admins only: API root (absolute, or a path with url), collection, authentication (none, basic with user and password, bearer with token; stored protected, never shown back), direction (pull, push, both), pull filters and the TLP / audience of pulled objects, push filters and TLP ceiling (never red), schedule. 400 names the field.");

        group.MapGet("/{id}", async Task<Results<Ok<TaxiiConnectionView>, NotFound>> (string id, Caller caller, TaxiiConnections connections, CancellationToken ct) =>
            await connections.FindAsync(caller, Http.ParseId(id), ct) is { } c ? TypedResults.Ok(TaxiiConnections.View(c)) : TypedResults.NotFound())
            .WithSummary("Read a TAXII connection and its state").WithDescription("Members of its organisation; 404 for another organisation's connection, node admins included. The credentials are never part of the answer.");

        group.MapGet("/{id}/state", async Task<Results<Ok<TaxiiConnectionState>, NotFound>> (string id, Caller caller, TaxiiConnections connections, CancellationToken ct) =>
            await connections.FindAsync(caller, Http.ParseId(id), ct) is { } c ? TypedResults.Ok(TaxiiConnections.State(c)) : TypedResults.NotFound())
            .WithSummary("A TAXII connection's run state").WithDescription("Status of the last run, when the next is due, pull and push checkpoints, counts (pulled, added, updated, unchanged, rejected, pushed, failed, pending) and the last error with its time.");

        group.MapPatch("/{id}", async Task<Results<Ok<TaxiiConnectionView>, NotFound>> (string id, Caller caller, TaxiiConnections connections, TaxiiConnectionRequest request, CancellationToken ct) =>
            await connections.UpdateAsync(caller, Http.ParseId(id), request, ct) is { } c ? TypedResults.Ok(TaxiiConnections.View(c)) : TypedResults.NotFound())
            .WithSummary("Change a TAXII connection").WithDescription("The organisation's admins only; omitted fields stay. Credentials are replaced only when authentication, user, password or token is given. Another API root or collection resets the checkpoints.");

        group.MapPost("/{id}/run", async Task<Results<Accepted<TaxiiConnectionView>, NotFound>> (string id, Caller caller, TaxiiConnections connections, CancellationToken ct) =>
            await connections.RunNowAsync(caller, Http.ParseId(id), ct) is { } c
                ? TypedResults.Accepted($"/api/taxii/connections/{c.PublicId}/state", TaxiiConnections.View(c))
                : TypedResults.NotFound()).WithSummary("Run a TAXII connection now").WithDescription("Queues a run (202) through the durable scheduler; the organisation's admins only; audited. A disabled connection is a 400 naming enabled.");

        group.MapDelete("/{id}", async Task<Results<NoContent, NotFound>> (string id, Caller caller, TaxiiConnections connections, CancellationToken ct) =>
            await connections.DeleteAsync(caller, Http.ParseId(id), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Delete a TAXII connection").WithDescription("What it pulled stays in the store as the organisation's; the organisation's admins only.");
    }
}
