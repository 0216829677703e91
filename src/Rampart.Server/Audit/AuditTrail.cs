using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;

namespace Rampart.Server.Audit;

/// <summary>
/// Appends audit entries to the current unit of work; they are chained and committed by the same
/// <c>SaveChangesAsync</c> as the change they describe.
/// </summary>
public sealed class AuditTrail(RampartDb db, TimeProvider clock)
{
    public void Record(AuditEvent auditEvent, Caller caller, string target, AuditOutcome outcome = AuditOutcome.Success, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        db.AuditEntries.Add(new AuditEntry
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()),
            Time = ToMilliseconds(clock.GetUtcNow()),
            UserId = caller.UserId == Guid.Empty ? null : caller.UserId,
            OrganisationId = caller.OrganisationId == Guid.Empty ? null : caller.OrganisationId,
            Credential = caller.Credential,
            ClientIp = caller.ClientIp,
            Event = auditEvent,
            Target = target,
            Outcome = outcome,
            Detail = detail,
        });
    }

    // Both databases keep milliseconds exactly (SQLite's stored form keeps 0.1 ms), so the hashed time survives a round trip.
    private static DateTimeOffset ToMilliseconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    /// <summary>Records and saves at once, for events that change nothing else (logins, privileged reads).</summary>
    public async Task RecordNowAsync(AuditEvent auditEvent, Caller caller, string target, AuditOutcome outcome = AuditOutcome.Success,
        string? detail = null, CancellationToken cancellationToken = default)
    {
        Record(auditEvent, caller, target, outcome, detail);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The entries <paramref name="caller"/> may see: all for node admins, their organisation's for org admins.</summary>
    public IQueryable<AuditEntry> VisibleTo(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Role switch
        {
            Identity.Role.NodeAdmin when caller.IsAuthenticated => db.AuditEntries.AsNoTracking(),
            Identity.Role.OrgAdmin when caller.IsAuthenticated => db.AuditEntries.AsNoTracking().Where(a => a.OrganisationId == caller.OrganisationId),
            _ => db.AuditEntries.AsNoTracking().Where(_ => false),
        };
    }

    /// <summary>
    /// Walks the whole chain in order and names the first entry that does not fit: altered
    /// (its hash is wrong), inserted or deleted (its link or sequence is wrong).
    /// </summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken)
    {
        long expectedSequence = 1;
        var previousHash = "";
        long checkedCount = 0;
        await foreach (var entry in db.AuditEntries.AsNoTracking().OrderBy(a => a.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (entry.Sequence != expectedSequence)
            {
                return AuditVerification.Broken(checkedCount, entry.Sequence,
                    $"Entry {entry.Sequence} follows entry {expectedSequence - 1}: entries {expectedSequence}..{entry.Sequence - 1} are missing.");
            }

            if (!string.Equals(entry.PreviousHash, previousHash, StringComparison.Ordinal))
            {
                return AuditVerification.Broken(checkedCount, entry.Sequence,
                    $"Entry {entry.Sequence} does not link to the entry before it: an entry was inserted, removed or altered here.");
            }

            if (!string.Equals(entry.ComputeHash(previousHash), entry.Hash, StringComparison.Ordinal))
            {
                return AuditVerification.Broken(checkedCount, entry.Sequence,
                    $"Entry {entry.Sequence} was altered: its content does not match its hash.");
            }

            previousHash = entry.Hash;
            expectedSequence++;
            checkedCount++;
        }

        return new AuditVerification(true, checkedCount, null, null);
    }
}

/// <summary>The result of walking the audit chain.</summary>
public sealed record AuditVerification(bool Intact, long CheckedEntries, long? FirstBrokenSequence, string? Problem)
{
    public static AuditVerification Broken(long checkedEntries, long sequence, string problem) => new(false, checkedEntries, sequence, problem);
}
