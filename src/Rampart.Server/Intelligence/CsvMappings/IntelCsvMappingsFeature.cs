using Rampart.Server.Hosting;

namespace Rampart.Server.Intelligence.CsvMappings;

/// <summary>Saved CSV mappings (issue 9, "a CSV with a column mapping in the request or a saved mapping").</summary>
public sealed class IntelCsvMappingsFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<CsvMappingAdministration>();
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapIntelCsvMappings();
    }
}
