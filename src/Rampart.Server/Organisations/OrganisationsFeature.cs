using Rampart.Server.Admin;
using Rampart.Server.Hosting;

namespace Rampart.Server.Organisations;

/// <summary>Organisations of the network and communities (trust groups).</summary>
public sealed class OrganisationsFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<OrganisationAdministration>();
        builder.Services.AddScoped<CommunityAdministration>();
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapOrganisationsApi();
    }

    public override void AddCommands(AdminCommands commands) => OrganisationCommands.Add(commands);
}
