using Rampart.Server.Hosting;

namespace Rampart.Server.Intelligence.Read;

/// <summary>The read side of the intelligence store (issue 9): object, versions, search, bulk lookup, correlation.</summary>
public sealed class IntelReadFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<IntelReadOptions>().Bind(builder.Configuration.GetSection(IntelReadOptions.Section))
            .Validate(o => o.LookupLimit > 0 && o.LookupMaxBodyBytes > 0, "Rampart:Intelligence limits must be positive.")
            .ValidateOnStart();
        builder.Services.AddScoped<IntelQueries>();
        builder.Services.AddSingleton<IntelCursors>();
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        // A bulk lookup of 100,000 values is larger than the API's default body limit: its own limit, the API's error format.
        var api = routes.Root.ServiceProvider.GetRequiredService<MachinePathRegistry>().Find("/api");
        var limit = routes.Root.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<IntelReadOptions>>().Value.LookupMaxBodyBytes;
        var lookupPath = api is null ? null : new MachinePath { Name = api.Name, WriteError = api.WriteError, Json = api.Json, MaxRequestBodyBytes = limit };
        routes.Api.MapIntelReadApi(lookupPath);
    }
}
