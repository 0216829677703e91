namespace Rampart.Server.Intelligence.Live;

/// <summary>
/// The one rule for following the change outbox (<c>IntelChanges</c>) past holes in its sequence, shared by every reader that
/// keeps a position in it (live streams and webhooks through <see cref="IntelChangeReader"/>, federation pushes through
/// <c>FederationSync</c>). On PostgreSQL a change takes its sequence number when it is written, not when it commits, so a
/// longer write can commit a lower number after a shorter write committed a higher one: a reader that moved past the hole
/// would never see it. A hole is therefore waited at until it is known to be final: on PostgreSQL as soon as every
/// transaction that could still hold one of its numbers has ended (<see cref="IntelChangeHorizon"/>, usually the next read);
/// anywhere once the change after it is older than <see cref="IntelStreamOptions.GapSettle"/>. A final hole is a write that
/// rolled back.
/// </summary>
public static class IntelChangeGaps
{
    /// <summary>
    /// How many of <paramref name="rows"/> (in sequence order, all after <paramref name="after"/>) may be read now: the rows up
    /// to the first hole that reaches above <paramref name="final"/> (<see cref="IntelChangeHorizon.FinalAsync"/>, read before
    /// the rows) and whose next row is younger than <paramref name="settled"/> (now − <see cref="IntelStreamOptions.GapSettle"/>).
    /// </summary>
    public static int Contiguous<T>(IReadOnlyList<T> rows, long after, long final, DateTimeOffset settled, Func<T, long> sequence, Func<T, DateTimeOffset> at)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(sequence);
        ArgumentNullException.ThrowIfNull(at);
        var expected = after + 1;
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            // A hole before a recent change may be a write still committing: wait for it (a later read continues here),
            // unless every number in it is known to be final.
            if (sequence(row) != expected && sequence(row) - 1 > final && at(row) > settled)
            {
                return i;
            }

            expected = sequence(row) + 1;
        }

        return rows.Count;
    }
}
