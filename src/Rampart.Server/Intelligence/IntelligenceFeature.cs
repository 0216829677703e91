using Rampart.Server.Hosting;

namespace Rampart.Server.Intelligence;

/// <summary>Threat-intelligence sharing (issue 9): the STIX store, its observable index and ingest.</summary>
public sealed class IntelligenceFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
    }
}
