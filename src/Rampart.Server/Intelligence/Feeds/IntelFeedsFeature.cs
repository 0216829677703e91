using Microsoft.Extensions.Options;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Webhooks;
using Rampart.Server.Scheduling;

namespace Rampart.Server.Intelligence.Feeds;

/// <summary>Saved feeds (issue 9): pulled by the scheduler, handed to the store's ingest, status per feed.</summary>
public sealed class IntelFeedsFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<FeedOptions>().Bind(builder.Configuration.GetSection(FeedOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<FeedAdministration>();
        services.AddScoped<IFeedIngest, StoreFeedIngest>();
        services.AddHttpClient(FeedPullJob.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var options = sp.GetRequiredService<IOptionsMonitor<FeedOptions>>();
                var handler = OutboundAddresses.CreateHandler(() => options.CurrentValue.AllowPrivateTargets);
                handler.AutomaticDecompression = System.Net.DecompressionMethods.All;
                // Safe to follow: every connection, also after a redirect, is checked by the handler's connect callback.
                handler.AllowAutoRedirect = true;
                handler.MaxAutomaticRedirections = 5;
                return handler;
            });
        services.AddScheduledJob<FeedPullJob>(FeedPullJob.JobName, sp => sp.GetRequiredService<IOptions<FeedOptions>>().Value.PollInterval);
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapIntelFeeds();
    }
}
