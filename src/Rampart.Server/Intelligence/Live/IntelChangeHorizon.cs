using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;

namespace Rampart.Server.Intelligence.Live;

/// <summary>
/// On PostgreSQL, how far the change outbox (<c>IntelChanges</c>) is final: the highest sequence number below which every
/// hole is a write that rolled back, never one still committing. Readers pass such holes at once instead of waiting
/// <see cref="IntelStreamOptions.GapSettle"/> at them (<see cref="IntelChangeGaps"/>).
/// <para>
/// How it knows: each observation reads, in one statement, the highest committed sequence <c>M</c> (in the statement's
/// snapshot) and <c>N</c>, the next transaction id to be assigned, read after that snapshot was taken. Every change numbered
/// below <c>M</c> took its number before <c>M</c>'s writer did, which committed before the snapshot, and its transaction had
/// a transaction id by then — a statement trigger on <c>IntelChanges</c> (migration <c>IntelChangesXid</c>) assigns one
/// before any row takes its number. So every such writer has an id below <c>N</c>. Once a later snapshot's <c>xmin</c>
/// reaches <c>N</c>, no transaction with an id below <c>N</c> is running: each of them has committed (its rows are visible
/// to any later read) or rolled back (its numbers are holes for good), and everything up to <c>M</c> is final.
/// </para>
/// <para>
/// <c>N</c> is not the snapshot's <c>xmax</c>: that is one past the latest <em>completed</em> id, and a writer that got its
/// id after another that has since committed can run at or above it, unlisted (review of session 22, H1). <c>N</c> is
/// <c>xmax + age(xmax)</c>: <c>age</c> counts from the transaction's stable "latest id", which for a transaction without
/// an id of its own is the next id, read once in the transaction — hence an observation is made only outside any open
/// transaction. Reading it assigns no id and writes nothing.
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
    private (long Mark, ulong Next)? pending;

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

        if (db.Database.CurrentTransaction is not null)
        {
            // Inside a transaction the "next id" age() counts from is the one read at its first use (or the transaction's own
            // id), and a repeatable-read snapshot may be older than what is final now: the time rule alone applies there.
            return 0;
        }

        var (xmin, next, mark) = await ObserveAsync(db, cancellationToken);
        lock (gate)
        {
            // No transaction that could still have held a number up to the earlier mark is running: final up to it.
            if (pending is { } earlier && xmin >= earlier.Next)
            {
                final = Math.Max(final, earlier.Mark);
                pending = null;
            }

            pending ??= (mark, next);
            return final;
        }
    }

    /// <summary>
    /// One observation, one statement (PostgreSQL, outside any transaction): the snapshot's <c>xmin</c>, the next transaction
    /// id read after the snapshot, and the highest committed outbox number in the snapshot.
    /// </summary>
    internal static async Task<(ulong Xmin, ulong Next, long Mark)> ObserveAsync(RampartDb db, CancellationToken cancellationToken)
    {
        var now = (await db.Database.SqlQueryRaw<Observation>("""
            SELECT pg_snapshot_xmin(s)::text AS "Xmin",
                   (pg_snapshot_xmax(s)::text::numeric + age(xid(pg_snapshot_xmax(s))))::text AS "Next",
                   (SELECT coalesce(max(c."Sequence"), 0) FROM "IntelChanges" AS c) AS "Mark"
            FROM pg_current_snapshot() AS s
            """).ToListAsync(cancellationToken))[0];
        return (ulong.Parse(now.Xmin, System.Globalization.CultureInfo.InvariantCulture), ulong.Parse(now.Next, System.Globalization.CultureInfo.InvariantCulture), now.Mark);
    }

    private sealed record Observation(string Xmin, string Next, long Mark);
}
