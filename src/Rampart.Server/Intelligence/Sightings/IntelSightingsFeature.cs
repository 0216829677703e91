using Rampart.Server.Hosting;

namespace Rampart.Server.Intelligence.Sightings;

/// <summary>Sightings of intelligence objects (issue 9): report and list, counts for every reader.</summary>
public sealed class IntelSightingsFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<IntelSightings>();
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapIntelSightingsApi();
    }
}
