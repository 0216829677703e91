using Rampart.Server.Components.Layout;
using Rampart.Server.Hosting;

namespace Rampart.Server.Capacity.Maturity;

/// <summary>SIM3 maturity (issue 12): the model as data, assessments and peer reviews, target profiles, gaps, charts, regional comparison.</summary>
public sealed class MaturityFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<MaturityModels>();
        builder.Services.AddScoped<MaturityQueries>();
        builder.Services.AddScoped<MaturityEditing>();
        builder.Services.AddSingleton(new NavEntry(NavGroup.Capacity, "Maturity", "capacity/maturity", MudBlazor.Icons.Material.Filled.Insights, c => c.IsAuthenticated));
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapMaturityApi();
    }
}
