using Microsoft.AspNetCore.Http.HttpResults;
using Rampart.Server.Hosting;

namespace Rampart.Server.Intelligence.CsvMappings;

/// <summary><c>/api/intel/csv-mappings</c>: an organisation's saved CSV column mappings, used by <c>POST /api/intel/csv?mapping=</c>.</summary>
public static class CsvMappingEndpoints
{
    private const string ListName = "intel.csv-mappings";

    public static void MapIntelCsvMappings(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var group = api.MapGroup("/intel/csv-mappings").WithTags("Intelligence");

        group.MapGet("/", async Task<Ok<CursorPage<CsvMappingView>>> (Caller caller, CsvMappingAdministration mappings, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var scope = caller.OrganisationId.ToString("N");
            var (items, more) = await mappings.ListAsync(caller, cursors.Decode(next, ListName, scope), size, ct);
            return TypedResults.Ok(new CursorPage<CsvMappingView>(items.Select(CsvMappingAdministration.View).ToList(), more ? cursors.Encode(ListName, scope, items[^1].Id) : null));
        }).WithSummary("List the organisation's saved CSV mappings").WithDescription("Every member of the organisation sees them, newest first; other organisations see none. Cursor-paged (next).");

        group.MapPost("/", async Task<Created<CsvMappingView>> (Caller caller, CsvMappingAdministration mappings, CsvMappingRequest request, CancellationToken ct) =>
        {
            var saved = await mappings.CreateAsync(caller, request, ct);
            return TypedResults.Created($"/api/intel/csv-mappings/{saved.PublicId}", CsvMappingAdministration.View(saved));
        }).WithSummary("Save a CSV mapping").WithDescription("name plus the parameters of POST /api/intel/csv's query string under the same names (value_column, kind or kind_column, label_column[], label[], header, delimiter …), validated as there. Names are unique per organisation. Analysts and admins of the organisation.");

        group.MapGet("/{id}", async Task<Results<Ok<CsvMappingView>, NotFound>> (string id, Caller caller, CsvMappingAdministration mappings, CancellationToken ct) =>
            await mappings.FindAsync(caller, Http.ParseId(id), ct) is { } saved ? TypedResults.Ok(CsvMappingAdministration.View(saved)) : TypedResults.NotFound())
            .WithSummary("Read a saved CSV mapping").WithDescription("404 for another organisation's mapping, node admins included.");

        group.MapPut("/{id}", async Task<Results<Ok<CsvMappingView>, NotFound>> (string id, Caller caller, CsvMappingAdministration mappings, CsvMappingRequest request, CancellationToken ct) =>
            await mappings.UpdateAsync(caller, Http.ParseId(id), request, ct) is { } saved ? TypedResults.Ok(CsvMappingAdministration.View(saved)) : TypedResults.NotFound())
            .WithSummary("Replace a saved CSV mapping").WithDescription("The whole mapping (what is left out takes the import's default). Analysts and admins of the organisation; 404 for another organisation's mapping.");

        group.MapDelete("/{id}", async Task<Results<NoContent, NotFound>> (string id, Caller caller, CsvMappingAdministration mappings, CancellationToken ct) =>
            await mappings.DeleteAsync(caller, Http.ParseId(id), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Delete a saved CSV mapping").WithDescription("Imports made with it stay; feeds that copied it keep their copy. Analysts and admins of the organisation; 404 for another organisation's mapping.");
    }
}
