using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Data;

namespace Rampart.Server.Audit;

/// <summary>
/// The background job of the audit trail, every <see cref="AuditOptions.VerifyInterval"/>: folds closed
/// denial windows into summary entries, verifies the chain (from the newest checkpoint; the whole chain
/// every <see cref="AuditOptions.FullVerifyInterval"/>) and signs a checkpoint. Only the app server holding
/// the lease row in the database runs it; another takes over when a holder stops renewing.
/// </summary>
public sealed partial class AuditJob(IServiceScopeFactory scopes, IOptions<AuditOptions> options, TimeProvider clock, ILogger<AuditJob> logger)
    : BackgroundService
{
    // The lease keeps other app servers out; this keeps a second run on this one (the timer and the command line or a test) from overlapping.
    private readonly SemaphoreSlim _running = new(1, 1);

    /// <summary>This app server, as written into the lease row.</summary>
    public string Holder { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    private TimeSpan LeaseDuration => options.Value.VerifyInterval * 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.VerifyInterval, clock, stoppingToken);
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed run (database briefly away) must not stop the job; the next one retries.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogRunFailed(logger, e);
            }
        }
    }

    /// <summary>One run, if this app server holds (or can take) the lease; false when another one holds it.</summary>
    public async Task<bool> RunOnceAsync(CancellationToken cancellationToken)
    {
        await _running.WaitAsync(cancellationToken);
        try
        {
            return await RunLockedAsync(cancellationToken);
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task<bool> RunLockedAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        if (!await TryTakeLeaseAsync(db, cancellationToken))
        {
            return false;
        }

        await scope.ServiceProvider.GetRequiredService<AuditDenials>().FoldClosedWindowsAsync(cancellationToken);
        var lastFull = await db.AuditJobState.AsNoTracking().Where(s => s.Id == AuditJobState.SingletonId)
            .Select(s => s.LastFullRunAt).FirstOrDefaultAsync(cancellationToken);
        var full = lastFull is null || clock.GetUtcNow() - lastFull.Value >= options.Value.FullVerifyInterval;
        await scope.ServiceProvider.GetRequiredService<AuditVerifier>().RunAsync(full, cancellationToken);
        return true;
    }

    /// <summary>Takes or renews the lease in one conditional UPDATE, so two app servers cannot both hold it.</summary>
    public async Task<bool> TryTakeLeaseAsync(RampartDb db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = clock.GetUtcNow();
        var until = now + LeaseDuration;
        var holder = Holder;
        return await db.AuditJobState
            .Where(s => s.Id == AuditJobState.SingletonId && (s.LeaseHolder == null || s.LeaseHolder == holder || s.LeaseUntil == null || s.LeaseUntil < now))
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseHolder, holder).SetProperty(s => s.LeaseUntil, until), cancellationToken) == 1;
    }

    public override void Dispose()
    {
        _running.Dispose();
        base.Dispose();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var holder = Holder;
            await scope.ServiceProvider.GetRequiredService<RampartDb>().AuditJobState
                .Where(s => s.Id == AuditJobState.SingletonId && s.LeaseHolder == holder)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.LeaseHolder, (string?)null).SetProperty(s => s.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
        }
#pragma warning disable CA1031 // Best effort at shutdown: an unreleased lease simply expires.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogReleaseFailed(logger, e);
        }
    }

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Audit job run failed; the next run retries")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Could not release the audit job lease; it expires on its own")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
