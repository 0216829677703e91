using MudBlazor;
using Rampart.Server.Components.Dashboard;
using Rampart.Server.Components.Layout;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Ingest;

namespace Rampart.Server.Intelligence.Pages;

/// <summary>The intelligence pages: their reads, the navigation entry and the dashboard card.</summary>
public sealed class IntelPagesFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<IntelPageQueries>();
        builder.Services.AddScoped<Ingest.IntelImportJobQueries>();
        builder.Services.AddSingleton(new NavEntry(NavGroup.Intelligence, "Objects and indicators", "intel", Icons.Material.Filled.Radar, c => c.IsAuthenticated, -1));
        builder.Services.AddSingleton(new NavEntry(NavGroup.Intelligence, "Share indicators from text", "intel/share", Icons.Material.Filled.ContentPaste, c => c.IsAuthenticated && Rampart.Server.Access.AccessPolicy.CanCreate(c), 0));
        // Import jobs, saved CSV mappings, feeds and warning-list hits belong to an organisation: its members, not the node's operators.
        builder.Services.AddSingleton(new NavEntry(NavGroup.Intelligence, "Import jobs", "intel/imports", Icons.Material.Filled.CloudUpload, c => c.IsAuthenticated && !c.IsOperator, 1));
        builder.Services.AddSingleton(new NavEntry(NavGroup.Intelligence, "Saved CSV mappings", "intel/csv-mappings", Icons.Material.Filled.TableChart, c => c.IsAuthenticated && !c.IsOperator, 2));
        builder.Services.AddSingleton(new NavEntry(NavGroup.Intelligence, "Feeds", "intel/feeds", Icons.Material.Filled.RssFeed, c => c.IsAuthenticated && !c.IsOperator, 3));
        builder.Services.AddSingleton(new NavEntry(NavGroup.Intelligence, "Warning-list hits", "intel/warning-lists", Icons.Material.Filled.Rule, c => c.IsAuthenticated, 4));
        builder.Services.AddSingleton(new DashboardCard(typeof(NewIntelCard), 90, c => c.IsAuthenticated));
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapIntelImportJobsApi();
    }
}
