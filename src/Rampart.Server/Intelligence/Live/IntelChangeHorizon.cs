using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;

namespace Rampart.Server.Intelligence.Live;

/// <summary>
/// On PostgreSQL, how far the change outbox (<c>IntelChanges</c>) is final: the highest sequence number below which every
/// hole is a write that rolled back, never one still committing. Readers pass such holes at once instead of waiting
/// <see cref="IntelStreamOptions.GapSettle"/> at them (<see cref="IntelChangeGaps"/>).
/// <para>
/// How it knows: each observation reads, in one statement, the highest committed sequence <c>M</c> and the statement's
/// snapshot. Every change numbered below <c>M</c> took its number before <c>M</c>'s writer did, which committed before the
/// snapshot, and its transaction had a transaction id by then — a statement trigger on <c>IntelChanges</c> (migration
/// <c>IntelChangesXid</c>) assigns one before any row takes its number. So every such writer was either finished or
/// running with an id below the snapshot's <c>xmax</c>. Once a later snapshot's <c>xmin</c> reaches that <c>xmax</c>,
/// each of them has committed (its rows are visible to any later read) or rolled back (its numbers are holes for good):
/// everything up to <c>M</c> is final.
/// </para>
/// <para>
/// The state here is only this app server's last observation: losing it (a restart, another app server) costs one more
/// observation, never a skipped change. SQLite has one writer at a time and needs none of this: always 0 there, the time
/// rule alone applies.
/// </para>
/// </summary>
public sealed class IntelChangeHorizon
{
    private readonly Lock gate = new();
    private long final;
    private (long Mark, ulong Xmax)? pending;

    /// <summary>
    /// Observes the outbox once (one statement) and returns the sequence up to which every hole is final. Call it before
    /// reading the rows it is applied to: a writer that committed before this call is then visible to that read.
    /// </summary>
    public async Task<long> FinalAsync(RampartDb db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!db.Database.IsNpgsql())
        {
            return 0;
        }

        var now = (await db.Database.SqlQueryRaw<Observation>("""
            SELECT pg_snapshot_xmin(s)::text AS "Xmin", pg_snapshot_xmax(s)::text AS "Xmax",
                   (SELECT coalesce(max(c."Sequence"), 0) FROM "IntelChanges" AS c) AS "Mark"
            FROM pg_current_snapshot() AS s
            """).ToListAsync(cancellationToken))[0];
        var xmin = ulong.Parse(now.Xmin, System.Globalization.CultureInfo.InvariantCulture);
        var xmax = ulong.Parse(now.Xmax, System.Globalization.CultureInfo.InvariantCulture);
        lock (gate)
        {
            // Every transaction that could still have held a number up to the earlier mark has ended: final up to it.
            if (pending is { } earlier && xmin >= earlier.Xmax)
            {
                final = Math.Max(final, earlier.Mark);
                pending = null;
            }

            pending ??= (now.Mark, xmax);
            return final;
        }
    }

    private sealed record Observation(string Xmin, string Xmax, long Mark);
}
