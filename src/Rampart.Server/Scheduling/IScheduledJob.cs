namespace Rampart.Server.Scheduling;

/// <summary>
/// A recurring background job run by <see cref="Scheduler"/>: resolved from a fresh DI scope for each run,
/// on exactly one app server at a time. Jobs must be safe to run again after a crash mid-run (the scheduler
/// guarantees at most one concurrent run and that a due run happens, not that a half-finished run is undone).
/// </summary>
public interface IScheduledJob
{
    Task RunAsync(CancellationToken cancellationToken);
}

/// <summary>One job the scheduler knows: its stable name, the class that runs it and how long after a run the next is due.</summary>
public sealed record ScheduledJobDefinition(string Name, Type JobType, Func<IServiceProvider, TimeSpan> Interval);

public static class ScheduledJobRegistration
{
    /// <summary>Registers <typeparamref name="TJob"/> (scoped) as the recurring job <paramref name="name"/>.</summary>
    public static IServiceCollection AddScheduledJob<TJob>(this IServiceCollection services, string name, Func<IServiceProvider, TimeSpan> interval)
        where TJob : class, IScheduledJob
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(name.Length, ScheduledJob.NameLength);
        services.AddScoped<TJob>();
        services.AddSingleton(new ScheduledJobDefinition(name, typeof(TJob), interval));
        return services;
    }
}
