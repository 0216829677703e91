using Rampart.Server.Admin;
using Rampart.Server.Hosting;

namespace Rampart.Server.Audit;

/// <summary>The tamper-evident audit trail: recording, the audit API and page, <c>rampart audit verify</c>.</summary>
public sealed class AuditFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<AuditTrail>();
        builder.Services.AddScoped<AuditSearch>();
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapAuditApi();
    }

    public override void AddCommands(AdminCommands commands) => AuditCommands.Add(commands);
}
