using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;

namespace Rampart.Server.Audit;

/// <summary>
/// Checks the chain: each entry's sequence, link and hash, and that it agrees with every signed checkpoint.
/// Incremental runs start from the newest checkpoint (its signature, its entry's hash and the number of
/// entries up to it); full runs walk from the first entry. An intact run signs a new checkpoint at the
/// head it verified and stores its result for the page and API.
/// </summary>
public sealed partial class AuditVerifier(RampartDb db, AuditSigningKey key, TimeProvider clock, ILogger<AuditVerifier> logger)
{
    /// <summary>Verifies (from the newest checkpoint, or all when <paramref name="full"/>); writes nothing.</summary>
    public async Task<AuditVerification> VerifyAsync(bool full, CancellationToken cancellationToken)
    {
        var checkpoints = await db.AuditCheckpoints.AsNoTracking().OrderBy(c => c.Sequence).ToListAsync(cancellationToken);
        return await VerifyAsync(full, checkpoints, cp => key.IsValid(cp), cancellationToken);
    }

    /// <summary>Verifies against <paramref name="checkpoints"/> from elsewhere (an exported file), checked with <paramref name="isValid"/>.</summary>
    public async Task<AuditVerification> VerifyAsync(bool full, IReadOnlyList<AuditCheckpoint> checkpoints, Func<AuditCheckpoint, bool> isValid,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(isValid);
        foreach (var checkpoint in checkpoints)
        {
            if (!isValid(checkpoint))
            {
                return AuditVerification.Broken(0, checkpoint.Sequence, full,
                    $"The checkpoint at entry {checkpoint.Sequence} is not signed by this node's key (key {checkpoint.KeyId}): it was forged or altered.");
            }
        }

        var signed = checkpoints.ToDictionary(c => c.Sequence);
        var newest = checkpoints.Count > 0 ? checkpoints[^1] : null;
        long expected = 1;
        var previousHash = "";
        long checkedCount = 0;
        if (!full && newest is not null)
        {
            var anchor = await db.AuditEntries.AsNoTracking().Where(a => a.Sequence == newest.Sequence).Select(a => a.Hash).FirstOrDefaultAsync(cancellationToken);
            if (anchor is null)
            {
                return AuditVerification.Broken(0, newest.Sequence, full,
                    $"Entry {newest.Sequence}, covered by a signed checkpoint, is missing: the chain was cut or entries were deleted.");
            }

            if (!string.Equals(anchor, newest.HeadHash, StringComparison.Ordinal))
            {
                return AuditVerification.Broken(0, newest.Sequence, full,
                    $"Entry {newest.Sequence} does not match its signed checkpoint: entries up to it were rewritten.");
            }

            var upToAnchor = await db.AuditEntries.LongCountAsync(a => a.Sequence <= newest.Sequence, cancellationToken);
            if (upToAnchor != newest.Sequence)
            {
                return AuditVerification.Broken(0, newest.Sequence, full,
                    $"{newest.Sequence} entries are signed up to entry {newest.Sequence} but {upToAnchor} are stored: entries were deleted or inserted (a full verification names where).");
            }

            expected = newest.Sequence + 1;
            previousHash = newest.HeadHash;
        }

        var from = expected;
        await foreach (var entry in db.AuditEntries.AsNoTracking().Where(a => a.Sequence >= from).OrderBy(a => a.Sequence)
                           .AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (entry.Sequence != expected)
            {
                return AuditVerification.Broken(checkedCount, entry.Sequence, full,
                    $"Entry {entry.Sequence} follows entry {expected - 1}: entries {expected}..{entry.Sequence - 1} are missing.");
            }

            if (!string.Equals(entry.PreviousHash, previousHash, StringComparison.Ordinal))
            {
                return AuditVerification.Broken(checkedCount, entry.Sequence, full,
                    $"Entry {entry.Sequence} does not link to the entry before it: an entry was inserted, removed or altered here.");
            }

            if (!string.Equals(entry.ComputeHash(previousHash), entry.Hash, StringComparison.Ordinal))
            {
                return AuditVerification.Broken(checkedCount, entry.Sequence, full,
                    $"Entry {entry.Sequence} was altered: its content does not match its hash.");
            }

            if (signed.TryGetValue(entry.Sequence, out var checkpoint) && !string.Equals(checkpoint.HeadHash, entry.Hash, StringComparison.Ordinal))
            {
                return AuditVerification.Broken(checkedCount, entry.Sequence, full,
                    $"Entry {entry.Sequence} does not match its signed checkpoint: the chain up to it was rewritten and its hashes recomputed.");
            }

            previousHash = entry.Hash;
            expected++;
            checkedCount++;
        }

        if (newest is not null && newest.Sequence >= expected)
        {
            return AuditVerification.Broken(checkedCount, expected, full,
                $"The chain ends at entry {expected - 1} but a signed checkpoint covers entry {newest.Sequence}: the newest entries were cut.");
        }

        return new AuditVerification(true, checkedCount, null, null) { Full = full, VerifiedThrough = expected - 1, VerifiedHash = previousHash };
    }

    /// <summary>
    /// Verifies, stores the result for the page and API, and — when intact and the chain grew — signs a
    /// checkpoint at the verified head.
    /// </summary>
    public async Task<AuditVerification> RunAsync(bool full, CancellationToken cancellationToken)
    {
        var result = await VerifyAsync(full, cancellationToken);
        var now = AuditTrail.ToMilliseconds(clock.GetUtcNow());
        result = result with { Time = now };
        if (result.Intact && result.VerifiedThrough > 0
            && result.VerifiedThrough > (await db.AuditCheckpoints.MaxAsync(c => (long?)c.Sequence, cancellationToken) ?? 0))
        {
            var checkpoint = new AuditCheckpoint
            {
                Id = Guid.CreateVersion7(now),
                Sequence = result.VerifiedThrough,
                HeadHash = result.VerifiedHash!,
                Time = now,
                KeyId = key.KeyId,
                Signature = "",
            };
            checkpoint.Signature = key.Sign(checkpoint);
            db.AuditCheckpoints.Add(checkpoint);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another verifier (the command line beside the job) signed this head at the same moment.
                db.ChangeTracker.Clear();
            }
        }

        var state = await db.AuditJobState.FirstAsync(s => s.Id == AuditJobState.SingletonId, cancellationToken);
        state.LastRunAt = now;
        state.LastWasFull = full;
        state.LastFullRunAt = full ? now : state.LastFullRunAt;
        state.LastIntact = result.Intact;
        state.LastCheckedEntries = result.CheckedEntries;
        state.LastVerifiedSequence = result.Intact ? result.VerifiedThrough : state.LastVerifiedSequence;
        state.FirstBrokenSequence = result.FirstBrokenSequence;
        state.Problem = result.Problem;
        await db.SaveChangesAsync(cancellationToken);
        if (!result.Intact)
        {
            LogBroken(logger, result.FirstBrokenSequence ?? 0, result.Problem ?? "");
        }

        return result;
    }

    /// <summary>The last stored result, or null before the first run.</summary>
    public async Task<AuditVerification?> LastResultAsync(CancellationToken cancellationToken)
    {
        var state = await db.AuditJobState.AsNoTracking().FirstOrDefaultAsync(s => s.Id == AuditJobState.SingletonId, cancellationToken);
        return state?.LastIntact is not { } intact
            ? null
            : new AuditVerification(intact, state.LastCheckedEntries, state.FirstBrokenSequence, state.Problem)
            {
                Full = state.LastWasFull,
                VerifiedThrough = state.LastVerifiedSequence,
                Time = state.LastRunAt,
                LastFullTime = state.LastFullRunAt,
            };
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Critical, Message = "Audit chain BROKEN at entry {Sequence}: {Problem}")]
    private static partial void LogBroken(ILogger logger, long sequence, string problem);
}

/// <summary>The result of verifying the audit chain.</summary>
public sealed record AuditVerification(bool Intact, long CheckedEntries, long? FirstBrokenSequence, string? Problem)
{
    /// <summary>Whether the whole chain was walked, or only the part after the newest checkpoint.</summary>
    public bool Full { get; init; }

    /// <summary>The chain is intact up to this entry (inclusive).</summary>
    public long VerifiedThrough { get; init; }

    internal string? VerifiedHash { get; init; }

    /// <summary>When this verification ran.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>When the whole chain was last walked.</summary>
    public DateTimeOffset? LastFullTime { get; init; }

    public static AuditVerification Broken(long checkedEntries, long sequence, bool full, string problem) =>
        new(false, checkedEntries, sequence, problem) { Full = full };
}
