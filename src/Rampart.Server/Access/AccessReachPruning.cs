using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;
using Rampart.Server.Scheduling;

namespace Rampart.Server.Access;

/// <summary>
/// Keeps <see cref="AccessReachChange"/> at one row per token and record type, on the durable scheduler (ADR 11), hourly:
/// readers only ever ask for the newest row of a token and type (<see cref="AccessPolicy.ReachChangedAsync"/>), so every
/// older row of the same token and type says nothing any more and goes, in batches. The newest stays, so an entity tag
/// built on it does not change by pruning. Without this the table grew by one row per token per narrowing or widening,
/// for ever.
/// </summary>
public sealed class AccessReachPruneJob(RampartDb db) : IScheduledJob
{
    public const string JobName = "access.reach-prune";

    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>Rows deleted per statement.</summary>
    public const int Batch = 1000;

    public async Task RunAsync(CancellationToken cancellationToken) => await PruneAsync(cancellationToken);

    /// <summary>Deletes every row that has a newer row of its token and record type; the number deleted.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var rows = db.AccessReachChanges;
        var pruned = 0;
        long after = 0;
        while (true)
        {
            // In sequence order from where the last batch stopped; the newer row is one forward step of the
            // (grantee, type, sequence) index. Rows written meanwhile are newer: they can only make more rows superseded.
            var from = after;
            var superseded = await rows.AsNoTracking()
                .Where(a => a.Sequence > from && rows.Any(b => b.GranteeId == a.GranteeId && b.RecordType == a.RecordType && b.Sequence > a.Sequence))
                .OrderBy(a => a.Sequence).Select(a => a.Sequence).Take(Batch).ToListAsync(cancellationToken);
            if (superseded.Count == 0)
            {
                return pruned;
            }

            pruned += await rows.Where(a => superseded.Contains(a.Sequence)).ExecuteDeleteAsync(cancellationToken);
            after = superseded[^1];
        }
    }
}
