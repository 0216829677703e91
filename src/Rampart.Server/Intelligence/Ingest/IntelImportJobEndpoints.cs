using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Rampart.Server.Hosting;

namespace Rampart.Server.Intelligence.Ingest;

/// <summary><c>GET /api/intel/imports</c>: the caller organisation's import jobs, newest first, keyset-paged (<c>{items, next}</c>).</summary>
public static class IntelImportJobEndpoints
{
    private const string ListName = "intel.imports";

    public static void MapIntelImportJobsApi(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/intel").WithTags("Intelligence");
        group.MapGet("/imports", async Task<Ok<CursorPage<IntelImportSummary>>> (Caller caller, IntelImportJobQueries jobs, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var scope = caller.OrganisationId.ToString("N");
            var (_, id) = cursors.DecodeKey(next, ListName, scope) ?? ("", Guid.Empty);
            var (items, more) = await jobs.ListAsync(caller, next is null ? null : id, size, ct);
            return TypedResults.Ok(new CursorPage<IntelImportSummary>(items, more ? cursors.Encode(ListName, scope, items[^1].StartedAt.ToString("O", CultureInfo.InvariantCulture), items[^1].Id) : null));
        }).WithSummary("List import jobs").WithDescription("The caller organisation's import jobs (STIX bundles, MISP events, CSV, feeds, uploads), newest first, cursor-paged ({items, next}); other organisations' jobs are never listed.").RequireAuthorization();
    }
}
