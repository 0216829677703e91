using MudBlazor;
using Rampart.Server.Components.Layout;
using Rampart.Server.Hosting;

namespace Rampart.Server.Capacity.Experts;

/// <summary>The expert and fellowship directory (issue 12): consented profiles, search, requests through the node.</summary>
public sealed class ExpertsFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<ExpertDirectory>();
        // Its notification kinds (a request received, answered, closed), decided by the directory's read rules.
        builder.Services.AddScoped<Incidents.Notifications.INotificationSource, ExpertNotifications>();
        builder.Services.AddSingleton(new NavEntry(NavGroup.Capacity, "Expert directory", "capacity/experts", Icons.Material.Filled.School, c => c.IsAuthenticated && !c.IsOperator, 20));
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapExpertsApi();
    }
}
