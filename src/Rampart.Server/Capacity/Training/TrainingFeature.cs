using Rampart.Server.Components.Layout;
using Rampart.Server.Hosting;

namespace Rampart.Server.Capacity.Training;

/// <summary>Training and skills (issue 12): ECSF as reference data, people's profiles and proficiencies, gaps and coverage, the course catalogue, sessions, certificates, training records.</summary>
public sealed class TrainingFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<TrainingQueries>();
        builder.Services.AddScoped<TrainingEditing>();
        builder.Services.AddScoped<CertificateVerification>();
        builder.Services.AddSingleton(new NavEntry(NavGroup.Capacity, "Training and skills", "capacity/training", MudBlazor.Icons.Material.Filled.ModelTraining, c => c.IsAuthenticated && !c.IsOperator, 30));
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapTrainingApi();
        CertificateVerification.Map(routes.Api);
    }
}
