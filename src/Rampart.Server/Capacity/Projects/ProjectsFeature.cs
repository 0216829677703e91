using MudBlazor;
using Rampart.Server.Components.Layout;
using Rampart.Server.Hosting;

namespace Rampart.Server.Capacity.Projects;

/// <summary>The registry of capacity-building projects (issue 12): REST, pages, public pages, CSV import and export.</summary>
public sealed class ProjectsFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<ProjectEditing>();
        builder.Services.AddScoped<ProjectQueries>();
        builder.Services.AddScoped<ProjectCsv>();
        builder.Services.AddSingleton(new NavEntry(NavGroup.Capacity, "Capacity-building projects", "capacity/projects", Icons.Material.Filled.Handshake, c => c.IsAuthenticated, 10));
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapProjectsApi();
    }
}
