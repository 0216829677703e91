using MudBlazor;
using Rampart.Server.Components.Dashboard;
using Rampart.Server.Components.Layout;
using Rampart.Server.Hosting;

namespace Rampart.Server.Intelligence.Pages;

/// <summary>The intelligence pages: their reads, the navigation entry and the dashboard card.</summary>
public sealed class IntelPagesFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<IntelPageQueries>();
        builder.Services.AddSingleton(new NavEntry(NavGroup.Intelligence, "Objects and indicators", "intel", Icons.Material.Filled.Radar, c => c.IsAuthenticated, -1));
        builder.Services.AddSingleton(new NavEntry(NavGroup.Intelligence, "Share indicators from text", "intel/share", Icons.Material.Filled.ContentPaste, c => c.IsAuthenticated && Rampart.Server.Access.AccessPolicy.CanCreate(c), 0));
        builder.Services.AddSingleton(new DashboardCard(typeof(NewIntelCard), 90, c => c.IsAuthenticated));
    }

    public override void MapEndpoints(FeatureRoutes routes) => ArgumentNullException.ThrowIfNull(routes);
}
