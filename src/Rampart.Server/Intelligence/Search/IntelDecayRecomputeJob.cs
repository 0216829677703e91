using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Data;
using Rampart.Standards.Intelligence;

namespace Rampart.Server.Intelligence.Search;

/// <summary>
/// Where this app server's walk of <see cref="IntelDecayRecomputeJob"/> stands (singleton): the last record read, and
/// whether the walk reached the end. Kept in memory, not in the database: after a start every app server's first
/// claims of the job walk the store again (reads; only rows whose <c>DecaysAt</c> differs are written), so a changed
/// model — which needs a restart, the models are read at start — always reaches every stored indicator.
/// </summary>
public sealed class IntelDecayWalk
{
    public long After { get; set; }

    public bool Done { get; set; }
}

/// <summary>
/// Moves the stored <see cref="Store.IntelObject.DecaysAt"/> of existing indicators to the configured decaying models
/// (<see cref="IntelDecayOptions"/>): new versions and sightings already use them; this job recomputes the column of
/// the indicators written before, <see cref="IntelDecayOptions.RecomputeBatch"/> records per run in record order,
/// through the durable scheduler (one app server at a time). Score and kind columns are kept; only <c>DecaysAt</c>
/// changes, so "exclude decayed" (search, lookup, exports) follows the configured model.
/// </summary>
public sealed partial class IntelDecayRecomputeJob(RampartDb db, IOptions<IntelDecayOptions> options, IntelDecayWalk walk, ILogger<IntelDecayRecomputeJob> logger)
    : Scheduling.IScheduledJob
{
    public const string JobName = "intel-decay-recompute";

    /// <summary>Rows whose computed time differs from the stored one by less than this are left alone (SQLite keeps 100 µs).</summary>
    private static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (walk.Done)
        {
            return;
        }

        var models = options.Value;
        if (walk.After == 0 && logger.IsEnabled(LogLevel.Information))
        {
            var described = models.Describe();
            LogStarted(logger, described);
        }

        var after = walk.After;
        var rows = await db.IntelObjects
            .Where(o => o.RecordId > after && o.Score != null && o.DecaySince != null)
            .OrderBy(o => o.RecordId)
            .Take(models.RecomputeBatch)
            .ToListAsync(cancellationToken);
        var changed = 0;
        foreach (var row in rows)
        {
            var at = Decay.DecaysAt(row.Score!.Value, row.DecaySince!.Value, models.Model(row.DecayKind));
            if (at is null != row.DecaysAt is null || (at is { } a && row.DecaysAt is { } b && (a - b).Duration() > Tolerance))
            {
                row.DecaysAt = at;
                changed++;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        if (rows.Count > 0)
        {
            walk.After = rows[^1].RecordId;
        }

        if (rows.Count < models.RecomputeBatch)
        {
            walk.Done = true;
        }

        if (changed > 0 || walk.Done)
        {
            LogRun(logger, rows.Count, changed, walk.Done);
        }
    }

    [LoggerMessage(EventId = 5640, Level = LogLevel.Information, Message = "Decay: recomputing the stored decay times under the models {Models}")]
    private static partial void LogStarted(ILogger logger, string models);

    [LoggerMessage(EventId = 5641, Level = LogLevel.Information, Message = "Decay: {Read} indicators read, {Changed} decay times changed; walk finished: {Done}")]
    private static partial void LogRun(ILogger logger, int read, int changed, bool done);
}
