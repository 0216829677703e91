using Microsoft.Extensions.Options;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Webhooks;
using Rampart.Server.Scheduling;

namespace Rampart.Server.Intelligence.Live;

/// <summary>Live intelligence (issue 9): the change stream (SSE) and per-organisation webhooks, both fed by the change outbox.</summary>
public sealed class IntelLiveFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<IntelStreamOptions>().Bind(builder.Configuration.GetSection(IntelStreamOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<WebhookOptions>().Bind(builder.Configuration.GetSection(WebhookOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<IntelChangeReader>();
        services.AddSingleton<IntelChangeSignal>();
        services.AddSingleton<IntelChangeHorizon>();
        services.AddHostedService<IntelChangeListener>();
        services.AddScoped<WebhookAdministration>();
        services.AddHttpClient(WebhookDispatchJob.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var options = sp.GetRequiredService<IOptionsMonitor<WebhookOptions>>();
                return OutboundAddresses.CreateHandler(() => options.CurrentValue.AllowPrivateTargets);
            });
        services.AddScheduledJob<WebhookDispatchJob>(WebhookDispatchJob.JobName, sp => sp.GetRequiredService<IOptions<WebhookOptions>>().Value.PollInterval);
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapIntelStream();
        routes.Api.MapIntelWebhooks();
    }
}
