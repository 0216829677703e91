using Rampart.Server.Hosting;

namespace Rampart.Server.Intelligence.Exports;

/// <summary>Exports of the intelligence store (issue 9): STIX, CSV, plain lists, RPZ, Suricata, MISP.</summary>
public sealed class IntelExportsFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<IntelExports>();
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapIntelExports();
    }
}
