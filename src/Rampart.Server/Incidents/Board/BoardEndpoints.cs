using Microsoft.AspNetCore.Http.HttpResults;
using Rampart.Server.Hosting;
using Rampart.Server.Incidents.Clocks;

namespace Rampart.Server.Incidents.Board;

public static class BoardEndpoints
{
    public static RouteGroupBuilder MapIncidentBoardApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/incidents").WithTags("Incident situation board").RequireAuthorization();
        group.MapGet("/board", async Task<Ok<BoardView>> (Caller caller, BoardQueries board, int? limit, string? zone, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var tz = ClockEndpoints.Zone(zone);
            return TypedResults.Ok(await board.BoardAsync(caller, size, tz, ct));
        }).WithSummary("Read the situation board")
            .WithDescription("The open incidents (not closed, rejected or duplicate) the caller may read, counted by severity, sector, country (an incident with several counts under each) and RSIT category, computed over exactly what the access decision lets the caller read; the newest of them as `newest` (limit 1–200, default 50; the full list is GET /api/incidents?open=true); and the caller's deadlines that are overdue or due within 6 hours (as on the due list). zone (IANA) adds local due times.");
        return group;
    }
}
