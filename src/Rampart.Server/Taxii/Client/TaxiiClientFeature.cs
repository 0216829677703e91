using Microsoft.Extensions.Options;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Webhooks;
using Rampart.Server.Scheduling;

namespace Rampart.Server.Taxii.Client;

/// <summary>
/// The TAXII 2.1 client (issue 10): an organisation's connections to remote collections, pulled into the store and
/// pushed from what the organisation owns, by the durable scheduler, with state per connection.
/// </summary>
public sealed class TaxiiClientFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<TaxiiClientOptions>().Bind(builder.Configuration.GetSection(TaxiiClientOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<TaxiiConnections>();
        services.AddScoped<TaxiiConnectionRun>();
        services.AddScoped<TaxiiRemote>();
        services.AddSingleton<TaxiiCredentialProtector>();
        services.AddHttpClient(TaxiiRemote.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var options = sp.GetRequiredService<IOptionsMonitor<TaxiiClientOptions>>();
                // No redirects (the handler's default): credentials are never sent to an address nobody entered.
                var handler = OutboundAddresses.CreateHandler(() => options.CurrentValue.AllowPrivateTargets);
                handler.AutomaticDecompression = System.Net.DecompressionMethods.All;
                return handler;
            });
        services.AddScheduledJob<TaxiiClientJob>(TaxiiClientJob.JobName, sp => sp.GetRequiredService<IOptions<TaxiiClientOptions>>().Value.PollInterval);
        services.AddSingleton(new Components.Layout.NavEntry(Components.Layout.NavGroup.Intelligence, "TAXII connections", "taxii/connections",
            MudBlazor.Icons.Material.Filled.CloudSync, c => c.IsAuthenticated && !c.IsOperator, 6));
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapTaxiiConnections();
    }
}
