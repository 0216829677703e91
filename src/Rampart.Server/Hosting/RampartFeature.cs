namespace Rampart.Server.Hosting;

/// <summary>
/// One capability of the node (a folder such as <c>Notes/</c>): it registers its own services, maps its
/// own endpoints and adds its own admin commands. Its EF entity configurations
/// (<c>IEntityTypeConfiguration</c> in the same folder) and its Blazor pages are found by the model
/// builder and the router without being listed anywhere. Adding a capability adds a folder and one
/// line in <see cref="Features.All"/>.
/// </summary>
public abstract class RampartFeature
{
    /// <summary>Services, options and hosted jobs of this feature.</summary>
    public virtual void AddServices(WebApplicationBuilder builder)
    {
    }

    /// <summary>HTTP endpoints: <see cref="FeatureRoutes.Api"/> for <c>/api/…</c>, <see cref="FeatureRoutes.Root"/> for anything else.</summary>
    public virtual void MapEndpoints(FeatureRoutes routes)
    {
    }

    /// <summary>Subcommands of <c>rampart admin …</c> (or top-level commands such as <c>rampart audit …</c>).</summary>
    public virtual void AddCommands(Admin.AdminCommands commands)
    {
    }
}

/// <summary>Where a feature maps its endpoints.</summary>
/// <param name="Root">The application's route builder, for paths outside <c>/api</c> (form posts, machine paths of its own).</param>
/// <param name="Api">The <c>/api</c> group: JSON, ProblemDetails errors, 401 instead of a login redirect.</param>
public sealed record FeatureRoutes(IEndpointRouteBuilder Root, RouteGroupBuilder Api);
