using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;
using Rampart.Server.Scheduling;

namespace Rampart.Server.Taxii.Client;

/// <summary>
/// The scheduled TAXII client job (one app server at a time, ADR 11): runs every enabled connection whose time has
/// come, each in its own unit of work, oldest due first. "Run now" makes a connection due and wakes the job.
/// </summary>
public sealed class TaxiiClientJob(RampartDb db, IServiceScopeFactory scopes, TimeProvider clock) : IScheduledJob
{
    public const string JobName = "taxii.client";

    private const int MaxConnectionsPerRun = 100;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = await db.TaxiiConnections.AsNoTracking()
            .Where(c => c.Enabled && c.NextRunAt <= now)
            .OrderBy(c => c.NextRunAt).Select(c => c.Id).Take(MaxConnectionsPerRun)
            .ToListAsync(cancellationToken);
        foreach (var id in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<TaxiiConnectionRun>().RunAsync(id, cancellationToken);
        }
    }
}
