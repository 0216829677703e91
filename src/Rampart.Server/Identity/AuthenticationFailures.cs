using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;

namespace Rampart.Server.Identity;

/// <summary>
/// A failed authentication (wrong password, unknown e-mail, wrong second-factor code, bad API key): counted
/// against the source address's budget and audited — folded, so that a scan does not flood the trail: the
/// first failure of a kind from a source in a window is recorded, then the 10th, 100th, 1000th … with the
/// count, and the first failure beyond the source's budget once more as <see cref="AuditEvent.LoginThrottled"/>.
/// </summary>
public sealed class AuthenticationFailures(RampartDb db, FailureThrottle throttle, AuditTrail audit)
{
    /// <summary>Records one failure by <paramref name="actor"/> (whose <c>ClientIp</c> is the source); true when the source is now throttled.</summary>
    public async Task<bool> RecordAsync(AuditEvent auditEvent, Caller actor, string target, string? detail, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var address = actor.ClientIp;
        var count = await throttle.RecordFailureAsync(auditEvent == AuditEvent.ApiKeyRejected ? FailureKind.ApiKey : FailureKind.Login, address, cancellationToken);
        var folded = await throttle.IncrementAsync($"audit|{(int)auditEvent}|{target}|{address}", cancellationToken);
        var recorded = false;
        if (IsReported(folded))
        {
            audit.Record(auditEvent, actor with { Credential = actor.Credential is { } c && c.StartsWith("apikey:", StringComparison.Ordinal) ? c : null },
                target, AuditOutcome.Failed, folded == 1 ? detail : $"{detail}; {folded} such failures from this address in this window".TrimStart(';', ' '));
            recorded = true;
        }

        if (throttle.FirstOverBudget(count))
        {
            audit.Record(AuditEvent.LoginThrottled, Caller.Anonymous(address), $"address:{address}", AuditOutcome.Denied,
                $"{count} failed authentications from this address in this window");
            recorded = true;
        }

        if (recorded)
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return throttle.IsOverBudget(count);
    }

    /// <summary>1, 10, 100, 1000 …</summary>
    public static bool IsReported(int count)
    {
        while (count >= 10 && count % 10 == 0)
        {
            count /= 10;
        }

        return count == 1;
    }
}
