using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Ingest;
using Rampart.Server.Intelligence.Store;
using Rampart.Server.Scheduling;

namespace Rampart.Server.Intelligence;

/// <summary>Threat-intelligence sharing (issue 9): the STIX store, its observable index and ingest.</summary>
public sealed class IntelligenceFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<IntelOptions>().Bind(builder.Configuration.GetSection(IntelOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Search.IntelDecayOptions>().Configure(o => o.Load(builder.Configuration.GetSection(Search.IntelDecayOptions.Section))).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<Search.IntelDecayOptions>, Search.IntelDecayOptionsValidation>();
        services.AddSingleton<Search.IntelDecayWalk>();
        services.AddScheduledJob<Search.IntelDecayRecomputeJob>(Search.IntelDecayRecomputeJob.JobName,
            sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<Search.IntelDecayOptions>>().Value.RecomputeInterval);
        services.AddSingleton<WarningListsProvider>();
        services.AddScoped<IntelStore>();
        services.AddScoped<IntelIngest>();
        services.AddScoped<IntelTextPreview>();
        services.AddScoped<IntelRetraction>();
        services.AddScoped<IntelLinks>();
        services.AddHostedService<InterruptedImports>();
        services.AddScoped<IntelGalaxies>();
        services.AddScheduledJob<GalaxiesFirstLoad>(GalaxiesFirstLoad.JobName, _ => GalaxiesFirstLoad.Interval);
        services.ConfigureAll<Microsoft.AspNetCore.OpenApi.OpenApiOptions>(o => o.AddOperationTransformer(IntelOpenApi.TransformAsync));
    }

    public override void AddCommands(Admin.AdminCommands commands) => IntelGalaxies.AddCommand(commands);

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapIntelIngestApi();
    }
}
