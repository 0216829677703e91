using MudBlazor;
using Rampart.Server.Components.Layout;
using Rampart.Server.Hosting;

namespace Rampart.Server.Incidents.Board;

/// <summary>The situation board (issue 11): counts and newest open incidents per viewer, the urgent deadlines; live on the page.</summary>
public sealed class BoardFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<BoardQueries>();
        builder.Services.AddSingleton(new NavEntry(NavGroup.Incidents, "Situation board", "board", Icons.Material.Filled.Dashboard, c => c.IsAuthenticated && !c.IsOperator));
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapIncidentBoardApi();
    }
}
