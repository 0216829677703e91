using Rampart.Server.Hosting;
using Rampart.Server.Scheduling;

namespace Rampart.Server.Access;

/// <summary>The access decision, the sharing envelope and the caller of each request.</summary>
public sealed class AccessFeature : RampartFeature
{
    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddScoped<AccessPolicy>();
        builder.Services.AddScoped<SharingStore>();
        builder.Services.AddSingleton<PageCursors>();
        builder.Services.AddScheduledJob<AccessReachPruneJob>(AccessReachPruneJob.JobName, _ => AccessReachPruneJob.Interval);
    }
}
