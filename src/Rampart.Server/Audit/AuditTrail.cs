using Microsoft.AspNetCore.Identity;
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
        Record(auditEvent, caller.UserId == Guid.Empty ? null : caller.UserId, caller.OrganisationId == Guid.Empty ? null : caller.OrganisationId,
            caller.Credential, caller.ClientIp, target, outcome, detail);
    }

    internal void Record(AuditEvent auditEvent, Guid? userId, Guid? organisationId, string? credential, string? clientIp, string target,
        AuditOutcome outcome, string? detail)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()),
            // Provisional: SaveChangesAsync sets the time again under the chain lock.
            Time = ToMilliseconds(clock.GetUtcNow()),
            UserId = userId,
            OrganisationId = organisationId,
            Credential = Truncate(credential, 100),
            ClientIp = Truncate(clientIp, 64),
            Event = auditEvent,
            Target = Truncate(target, 200)!,
            Outcome = outcome,
            Detail = Truncate(detail, 1000),
        });
    }

    private static string? Truncate(string? value, int length) => value is not null && value.Length > length ? value[..length] : value;

    // Both databases keep milliseconds exactly (SQLite's stored form keeps 0.1 ms), so the hashed time survives a round trip.
    internal static DateTimeOffset ToMilliseconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    /// <summary>Records and saves at once, for events that change nothing else (logins, privileged reads).</summary>
    public async Task RecordNowAsync(AuditEvent auditEvent, Caller caller, string target, AuditOutcome outcome = AuditOutcome.Success,
        string? detail = null, CancellationToken cancellationToken = default)
    {
        Record(auditEvent, caller, target, outcome, detail);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="change"/> — typically <c>UserManager</c> calls, which save on their own — and
    /// then the entry that <paramref name="record"/> adds, in one transaction: if the change fails nothing
    /// is recorded; if the audit write fails the change is rolled back. The chain lock is taken only for the
    /// final save. Returns what <paramref name="change"/> returned.
    /// </summary>
    public async Task<bool> InTransactionAsync(Func<Task<bool>> change, Action<AuditTrail> record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(record);
        if (db.Database.CurrentTransaction is not null)
        {
            // Already inside a unit of work: it commits (or not) as a whole.
            if (!await change())
            {
                return false;
            }

            record(this);
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await change())
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        record(this);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// <see cref="InTransactionAsync(Func{Task{bool}}, Action{AuditTrail}, CancellationToken)"/> for one Identity
    /// call: records <paramref name="auditEvent"/> only when the call succeeded, and commits both together.
    /// </summary>
    public async Task<IdentityResult> InTransactionAsync(Func<Task<IdentityResult>> change, AuditEvent auditEvent, Caller caller, string target,
        string? detail = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        IdentityResult result = IdentityResult.Failed();
        await InTransactionAsync(async () => (result = await change()).Succeeded,
            trail => trail.Record(auditEvent, caller, target, detail: detail), cancellationToken);
        return result;
    }

    /// <summary>The first event number about records rather than administration (blocks of 100: notes are 400).</summary>
    public const AuditEvent FirstRecordEvent = AuditEvent.NoteCreated;

    /// <summary>
    /// The entries <paramref name="caller"/> may see: their organisation's for org admins; for node admins also the
    /// node's administration (events below <see cref="FirstRecordEvent"/>) of every organisation.
    /// </summary>
    public IQueryable<AuditEntry> VisibleTo(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.Role switch
        {
            // Node admins see the administration of the whole node (events below 400: identity, organisations,
            // communities, the node and its audit trail), but what happens to records (400 and up: content
            // and denied reads, which name records and their TLP) only for their own organisation: the
            // audit log must not tell them what exists in records the access decision hides from them.
            Role.NodeAdmin when caller.IsAuthenticated => db.AuditEntries.AsNoTracking()
                .Where(a => a.OrganisationId == caller.OrganisationId || a.Event < FirstRecordEvent),
            Role.OrgAdmin when caller.IsAuthenticated => db.AuditEntries.AsNoTracking().Where(a => a.OrganisationId == caller.OrganisationId),
            _ => db.AuditEntries.AsNoTracking().Where(_ => false),
        };
    }
}
