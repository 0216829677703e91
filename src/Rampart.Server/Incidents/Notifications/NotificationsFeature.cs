using Rampart.Server.Hosting;
using Rampart.Server.Scheduling;

namespace Rampart.Server.Incidents.Notifications;

/// <summary>Notifications (issue 11): the outbox, in-app notifications, preferences, signed/encrypted e-mail and organisation webhooks.</summary>
public sealed class NotificationsFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<NotificationOptions>().Bind(builder.Configuration.GetSection(NotificationOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<NotificationRecipients>();
        services.AddScoped<NotificationPreferences>();
        services.AddScoped<NotificationInbox>();
        services.AddScoped<NotificationWebhookAdministration>();
        services.AddSingleton<NodePgpKey>();
        services.AddHostedService<NodePgpKeyStartup>();
        services.AddScheduledJob<NotificationFanOutJob>(NotificationFanOutJob.JobName, Interval);
        services.AddScheduledJob<NotificationMailJob>(NotificationMailJob.JobName, Interval);
        services.AddScheduledJob<NotificationWebhookJob>(NotificationWebhookJob.JobName, Interval);
    }

    private static TimeSpan Interval(IServiceProvider services) =>
        services.GetRequiredService<Microsoft.Extensions.Options.IOptions<NotificationOptions>>().Value.PollInterval;

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapNotificationsApi();
    }
}
