using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Data;

namespace Rampart.Server.Scheduling;

/// <summary>
/// The node's one durable scheduler (ADR 11). Every app server runs this loop; each due job is claimed
/// with one conditional UPDATE on its <see cref="ScheduledJob"/> row ("due, and nobody holds an unexpired
/// lease"), so exactly one app server runs it. The next due time is written back to the row, so a restart
/// neither loses nor repeats a run; a holder that dies mid-run is replaced once its lease expires.
/// </summary>
public sealed partial class Scheduler(
    IServiceScopeFactory scopes,
    IEnumerable<ScheduledJobDefinition> definitions,
    IOptions<SchedulerOptions> options,
    TimeProvider clock,
    ILogger<Scheduler> logger) : BackgroundService
{
    private readonly IReadOnlyList<ScheduledJobDefinition> _jobs = definitions.GroupBy(d => d.Name).Select(g => g.Last()).ToList();

    // The lease keeps other app servers out; this keeps the timer and an explicit run (tests, "pull now") on this one from overlapping.
    private readonly SemaphoreSlim _running = new(1, 1);

    /// <summary>This app server, as written into lease rows.</summary>
    public string Holder { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    public IReadOnlyList<string> JobNames => _jobs.Select(j => j.Name).ToList();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.PollInterval, clock, stoppingToken);
                await RunDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The database briefly away must not stop the loop; the next tick retries.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogTickFailed(logger, e);
            }
        }
    }

    /// <summary>Runs every job that is due and that this app server could claim; returns the names it ran.</summary>
    public async Task<IReadOnlyList<string>> RunDueAsync(CancellationToken cancellationToken)
    {
        await _running.WaitAsync(cancellationToken);
        try
        {
            await EnsureRowsAsync(cancellationToken);
            var ran = new List<string>();
            foreach (var job in _jobs)
            {
                if (await TryRunAsync(job, cancellationToken))
                {
                    ran.Add(job.Name);
                }
            }

            return ran;
        }
        finally
        {
            _running.Release();
        }
    }

    /// <summary>Makes <paramref name="name"/> due now (e.g. "pull this feed now", a new webhook); whichever app server ticks next runs it.</summary>
    public async Task RequestRunAsync(string name, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var now = clock.GetUtcNow();
        await db.ScheduledJobs.Where(j => j.Name == name && j.NextRunAt > now)
            .ExecuteUpdateAsync(u => u.SetProperty(j => j.NextRunAt, now), cancellationToken);
    }

    private bool _rowsEnsured;

    private async Task EnsureRowsAsync(CancellationToken cancellationToken)
    {
        if (_rowsEnsured)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var names = _jobs.Select(j => j.Name).ToList();
        var existing = await db.ScheduledJobs.AsNoTracking().Where(j => names.Contains(j.Name)).Select(j => j.Name).ToListAsync(cancellationToken);
        foreach (var name in names.Except(existing))
        {
            db.ScheduledJobs.Add(new ScheduledJob { Name = name, NextRunAt = clock.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another app server inserted it first: its row is as good as ours.
                db.ChangeTracker.Clear();
            }
        }

        _rowsEnsured = true;
    }

    private async Task<bool> TryRunAsync(ScheduledJobDefinition job, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var holder = Holder;
        var started = clock.GetUtcNow();
        var leaseUntil = started + options.Value.LeaseDuration;
        var claimed = await db.ScheduledJobs
            .Where(j => j.Name == job.Name && j.NextRunAt <= started && (j.LeaseUntil == null || j.LeaseUntil < started))
            .ExecuteUpdateAsync(u => u
                .SetProperty(j => j.LeaseHolder, holder)
                .SetProperty(j => j.LeaseUntil, leaseUntil)
                .SetProperty(j => j.LastStartedAt, started), cancellationToken) == 1;
        if (!claimed)
        {
            return false;
        }

        string? error = null;
        using var renewal = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var renewing = RenewWhileRunningAsync(job.Name, renewal.Token);
        try
        {
            var instance = (IScheduledJob)scope.ServiceProvider.GetRequiredService(job.JobType);
            await instance.RunAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            error = "Stopped with the app server";
        }
#pragma warning disable CA1031 // A failing job is recorded on its row and retried at its next due time; it must not stop the others.
        catch (Exception e)
#pragma warning restore CA1031
        {
            error = $"{e.GetType().Name}: {e.Message}";
            LogJobFailed(logger, job.Name, e);
        }
        finally
        {
            await renewal.CancelAsync();
            await renewing;
        }

        var finished = clock.GetUtcNow();
        var next = finished + job.Interval(scope.ServiceProvider);
        var lastError = error is null ? null : error[..Math.Min(error.Length, 1000)];
        // CancellationToken.None: a run that happened is recorded even while the app server stops.
        await db.ScheduledJobs.Where(j => j.Name == job.Name && j.LeaseHolder == holder)
            .ExecuteUpdateAsync(u => u
                .SetProperty(j => j.LeaseHolder, (string?)null)
                .SetProperty(j => j.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(j => j.NextRunAt, next)
                .SetProperty(j => j.LastFinishedAt, finished)
                .SetProperty(j => j.LastError, lastError)
                .SetProperty(j => j.RunCount, j => j.RunCount + 1), CancellationToken.None);
        return error is null;
    }

    private async Task RenewWhileRunningAsync(string name, CancellationToken cancellationToken)
    {
        var holder = Holder;
        try
        {
            while (true)
            {
                await Task.Delay(options.Value.LeaseDuration / 3, clock, cancellationToken);
                await using var scope = scopes.CreateAsyncScope();
                var until = clock.GetUtcNow() + options.Value.LeaseDuration;
                await scope.ServiceProvider.GetRequiredService<RampartDb>().ScheduledJobs
                    .Where(j => j.Name == name && j.LeaseHolder == holder)
                    .ExecuteUpdateAsync(u => u.SetProperty(j => j.LeaseUntil, until), cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
#pragma warning disable CA1031 // A failed renewal only risks a takeover after expiry, which the jobs tolerate.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogRenewFailed(logger, name, e);
        }
    }

    public override void Dispose()
    {
        _running.Dispose();
        base.Dispose();
    }

    [LoggerMessage(EventId = 5600, Level = LogLevel.Error, Message = "Scheduler tick failed; the next tick retries")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5601, Level = LogLevel.Error, Message = "Scheduled job {Job} failed; it runs again at its next due time")]
    private static partial void LogJobFailed(ILogger logger, string job, Exception exception);

    [LoggerMessage(EventId = 5602, Level = LogLevel.Warning, Message = "Could not renew the lease of scheduled job {Job}")]
    private static partial void LogRenewFailed(ILogger logger, string job, Exception exception);
}
