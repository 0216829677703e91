using MudBlazor;
using Rampart.Server.Access;
using Rampart.Server.Components.Layout;
using Rampart.Server.Hosting;

namespace Rampart.Server.Incidents;

/// <summary>Cross-border incidents (issue 11): the record, participants, journal, tasks, REST and pages.</summary>
public sealed class IncidentsFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<Disarm.DisarmTechniques>();
        builder.Services.AddScoped<IncidentQueries>();
        builder.Services.AddScoped<IncidentEditing>();
        builder.Services.AddScoped<Observables.IncidentObservables>();
        builder.Services.AddScoped<Export.IncidentStixExport>();
        builder.Services.AddScoped<Templates.IncidentTemplates>();
        builder.Services.AddSingleton(new NavEntry(NavGroup.Incidents, "Incidents", "incidents", Icons.Material.Filled.ReportProblem, c => c.IsAuthenticated && !c.IsOperator));
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapIncidentsApi();
        routes.Api.MapIncidentCoordinationApi();
        Templates.IncidentTemplateEndpoints.MapIncidentTemplatesApi(routes.Api);
    }
}
