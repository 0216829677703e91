using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Hosting;

namespace Rampart.Server.Taxii;

/// <summary>
/// TAXII 2.1 (issue 10, the server): <c>/taxii2/</c> as its own machine path — TAXII media types, TAXII error messages,
/// <c>max_content_length</c> as body limit, 401 with Basic and Bearer challenges — and the administration of its
/// collections under <c>/api/taxii/collections</c> (ProblemDetails, like the rest of <c>/api</c>).
/// </summary>
public sealed class TaxiiFeature : RampartFeature
{
    public const string DiscoveryPath = "/taxii2/";

    public const string ApiRootPath = "/taxii2/api/";

    private const string ListName = "taxii.collections";

    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<TaxiiOptions>().Bind(builder.Configuration.GetSection(TaxiiOptions.Section)).ValidateDataAnnotations()
            .Validate(o => o.ClockAllowance >= TimeSpan.Zero && o.DefaultPageSize <= o.MaxPageSize && o.MaxObjectBytes <= o.MaxContentLength,
                "Rampart:Taxii: ClockAllowance ≥ 0, DefaultPageSize ≤ MaxPageSize and MaxObjectBytes ≤ MaxContentLength.")
            .ValidateOnStart();
        services.AddScoped<TaxiiCollections>();
        services.AddScoped<TaxiiWrites>();
        services.AddSingleton<TaxiiCursors>();
        services.AddSingleton(new Components.Layout.NavEntry(Components.Layout.NavGroup.Intelligence, "TAXII collections", "taxii/collections",
            MudBlazor.Icons.Material.Filled.SyncAlt, c => c.IsAuthenticated && !c.IsOperator, 5));
    }

    public override void AddCommands(Admin.AdminCommands commands) => TaxiiCommands.Add(commands);

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var options = routes.Root.ServiceProvider.GetRequiredService<IOptions<TaxiiOptions>>().Value;
        routes.Root.MapMachineGroup("/taxii2", TaxiiHttp.Path(options.MaxContentLength)).MapTaxii();

        var group = routes.Api.MapGroup("/taxii/collections").WithTags("TAXII");
        group.MapGet("/", async Task<Ok<CursorPage<TaxiiCollectionView>>> (Caller caller, TaxiiCollections collections, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var scope = caller.OrganisationId.ToString("N");
            var (items, more) = await collections.ListAsync(caller, cursors.Decode(next, ListName, scope), size, ct);
            return TypedResults.Ok(new CursorPage<TaxiiCollectionView>([.. items.Select(TaxiiCollections.View)], more ? cursors.Encode(ListName, scope, items[^1].Key) : null));
        }).WithSummary("List TAXII collections you administer or use").WithDescription("The collections of your organisation and the network's, cursor-paged; another organisation's collections are never listed.");

        group.MapPost("/", async Task<Created<TaxiiCollectionView>> (Caller caller, TaxiiCollections collections, TaxiiCollectionRequest request, CancellationToken ct) =>
        {
            var c = await collections.CreateAsync(caller, request, ct);
            return TypedResults.Created($"/api/taxii/collections/{c.Id}", TaxiiCollections.View(c));
        }).WithSummary("Create a TAXII collection").WithDescription("Organisation admins for their organisation's collections, node admins for network ones (\"network\": true): title, alias, filter, readers, writers and the write sharing. 400 names the field.");

        group.MapGet("/{id}", async Task<Results<Ok<TaxiiCollectionView>, NotFound>> (string id, Caller caller, TaxiiCollections collections, CancellationToken ct) =>
            await collections.FindAsync(caller, Http.ParseId(id), ct) is { } c ? TypedResults.Ok(TaxiiCollections.View(c)) : TypedResults.NotFound())
            .WithSummary("A TAXII collection's definition").WithDescription("Its administrators only; 404 for anyone else, exactly like an unknown id.");

        group.MapPatch("/{id}", async Task<Results<Ok<TaxiiCollectionView>, NotFound>> (string id, Caller caller, TaxiiCollections collections, TaxiiCollectionRequest request, CancellationToken ct) =>
            await collections.UpdateAsync(caller, Http.ParseId(id), request, ct) is { } c ? TypedResults.Ok(TaxiiCollections.View(c)) : TypedResults.NotFound())
            .WithSummary("Change a TAXII collection").WithDescription("Its administrators only; the same fields and rules as creating one.");

        group.MapDelete("/{id}", async Task<Results<NoContent, NotFound>> (string id, Caller caller, TaxiiCollections collections, CancellationToken ct) =>
            await collections.DeleteAsync(caller, Http.ParseId(id), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Delete a TAXII collection").WithDescription("Its administrators only. The objects it showed stay in the store, shared as they were.");
    }
}
