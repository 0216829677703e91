using Rampart.Server.Admin;
using Rampart.Server.Hosting;

namespace Rampart.Server.Audit;

/// <summary>The tamper-evident audit trail: recording, checkpoints, the verification job, the audit API and page, <c>rampart audit …</c>.</summary>
public sealed class AuditFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<AuditOptions>().Bind(builder.Configuration.GetSection(AuditOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<AuditTrail>();
        services.AddScoped<AuditVerifier>();
        services.AddScoped<AuditDenials>();
        services.AddSingleton<AuditSigningKey>();
        services.AddSingleton<AuditJob>();
        services.AddHostedService(sp => sp.GetRequiredService<AuditJob>());
        services.AddScoped<AuditSearch>();
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapAuditApi();
    }

    public override void AddCommands(AdminCommands commands) => AuditCommands.Add(commands);
}
