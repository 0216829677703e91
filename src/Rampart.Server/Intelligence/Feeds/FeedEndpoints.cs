using Microsoft.AspNetCore.Http.HttpResults;
using Rampart.Server.Access;
using Rampart.Server.Hosting;

namespace Rampart.Server.Intelligence.Feeds;

/// <summary><c>/api/intel/feeds</c>: an organisation's saved feeds with their status.</summary>
public static class FeedEndpoints
{
    private const string ListName = "intel.feeds";

    public static void MapIntelFeeds(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/intel/feeds").WithTags("Intelligence");

        group.MapGet("/", async Task<Ok<CursorPage<FeedView>>> (Caller caller, FeedAdministration feeds, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var scope = caller.OrganisationId.ToString("N");
            var (items, more) = await feeds.ListAsync(caller, cursors.Decode(next, ListName, scope), size, ct);
            return TypedResults.Ok(new CursorPage<FeedView>(items.Select(FeedAdministration.View).ToList(), more ? cursors.Encode(ListName, scope, items[^1].Id) : null));
        }).WithSummary("List the organisation's feeds").WithDescription("Every member of the organisation sees its feeds with their status (last pull, counts, last error); other organisations see none. Cursor-paged.");

        group.MapPost("/", async Task<Created<FeedView>> (Caller caller, FeedAdministration feeds, FeedRequest request, CancellationToken ct) =>
        {
            var feed = await feeds.CreateAsync(caller, request, ct);
            return TypedResults.Created($"/api/intel/feeds/{feed.PublicId}", FeedAdministration.View(feed));
        }).WithSummary("Create a feed").WithDescription("The organisation's admins only. URL or local file, format, schedule, TLP / audience / labels validated like any share; private addresses refused unless configured.");

        group.MapGet("/{id}", async Task<Results<Ok<FeedView>, NotFound>> (string id, Caller caller, FeedAdministration feeds, CancellationToken ct) =>
            await feeds.FindAsync(caller, Http.ParseId(id), ct) is { } feed ? TypedResults.Ok(FeedAdministration.View(feed)) : TypedResults.NotFound()).WithSummary("Read a feed and its status").WithDescription("404 for another organisation's feed, node admins included.");

        group.MapPatch("/{id}", async Task<Results<Ok<FeedView>, NotFound>> (string id, Caller caller, FeedAdministration feeds, FeedRequest request, CancellationToken ct) =>
            await feeds.UpdateAsync(caller, Http.ParseId(id), request, ct) is { } feed ? TypedResults.Ok(FeedAdministration.View(feed)) : TypedResults.NotFound()).WithSummary("Change a feed").WithDescription("The organisation's admins only; 404 for another organisation's feed.");

        group.MapPost("/{id}/pull", async Task<Results<Accepted<FeedView>, NotFound>> (string id, Caller caller, FeedAdministration feeds, CancellationToken ct) =>
            await feeds.PullNowAsync(caller, Http.ParseId(id), ct) is { } feed
                ? TypedResults.Accepted($"/api/intel/feeds/{feed.PublicId}", FeedAdministration.View(feed))
                : TypedResults.NotFound()).WithSummary("Pull a feed now").WithDescription("Queues a pull (202) through the durable scheduler; the organisation's admins only.");

        group.MapDelete("/{id}", async Task<Results<NoContent, NotFound>> (string id, Caller caller, FeedAdministration feeds, CancellationToken ct) =>
            await feeds.DeleteAsync(caller, Http.ParseId(id), ct) ? TypedResults.NoContent() : TypedResults.NotFound()).WithSummary("Delete a feed").WithDescription("What it brought stays; the organisation's admins only.");
    }
}
