using MudBlazor;
using Rampart.Server.Components.Layout;
using Rampart.Server.Hosting;
using Rampart.Server.Incidents.Requests;

namespace Rampart.Server.Incidents.Clocks;

/// <summary>NIS2 / GDPR reporting clocks, the "due" list and requests for assistance (issue 11).</summary>
public sealed class IncidentClocksFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configured = builder.Configuration.GetSection(DataProtectionOptions.SectionName).Get<Dictionary<string, DataProtectionSetting>>();
        // Built (and so checked) at start: a bad section stops the node rather than showing a wrong deadline later.
        builder.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(DataProtectionOptions.From(configured)));
        builder.Services.AddScoped<ClockQueries>();
        builder.Services.AddScoped<ClockEditing>();
        builder.Services.AddScoped<AssistanceQueries>();
        builder.Services.AddScoped<AssistanceEditing>();
        builder.Services.AddSingleton(new NavEntry(NavGroup.Incidents, "Due", "due", Icons.Material.Filled.Alarm, c => c.IsAuthenticated && !c.IsOperator));
        builder.Services.AddSingleton(new NavEntry(NavGroup.Incidents, "Requests for assistance", "requests", Icons.Material.Filled.Handshake, c => c.IsAuthenticated && !c.IsOperator));
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapIncidentClocksApi();
        routes.Api.MapAssistanceApi();
    }
}
