using Rampart.Server.Hosting;

namespace Rampart.Server.Scheduling;

/// <summary>The durable scheduler (ADR 11): features add their recurring jobs with <see cref="ScheduledJobRegistration.AddScheduledJob{TJob}"/>.</summary>
public sealed class SchedulingFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<SchedulerOptions>().Bind(builder.Configuration.GetSection(SchedulerOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<Scheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Scheduler>());
    }
}
