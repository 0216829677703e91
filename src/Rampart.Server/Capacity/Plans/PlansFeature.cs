using Rampart.Server.Components.Layout;
using Rampart.Server.Hosting;

namespace Rampart.Server.Capacity.Plans;

/// <summary>Capacity-building and cyber-hygiene plans (issue 12): from SIM3 gaps, actions, progress, expected maturity, campaigns and indicators, CSV and print.</summary>
public sealed class PlansFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<PlanQueries>();
        builder.Services.AddScoped<PlanEditing>();
        builder.Services.AddScoped<PlanViews>();
        builder.Services.AddScoped<PlanPdf>();
        builder.Services.AddSingleton(new NavEntry(NavGroup.Capacity, "Capacity-building plans", "capacity/plans", MudBlazor.Icons.Material.Filled.Checklist, c => c.IsAuthenticated, 5));
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapPlansApi();
    }
}
