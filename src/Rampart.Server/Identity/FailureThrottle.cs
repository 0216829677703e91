using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Rampart.Server.Identity;

/// <summary><c>Rampart:Limits</c>: sizes and rates the node enforces.</summary>
public sealed class LimitsOptions
{
    public const string Section = "Rampart:Limits";

    /// <summary>Largest request body accepted, in bytes.</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Failed logins and failed API-key authentications allowed per client address per window.</summary>
    public int AuthenticationFailuresPerWindow { get; set; } = 20;

    public TimeSpan AuthenticationFailureWindow { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Counts failed logins and failed API-key authentications per client address; once the budget of a
/// window is spent, further attempts from that address are refused before any password is checked.
/// Identity's per-account lockout guards single accounts; this guards against spraying many.
/// </summary>
public sealed class FailureThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter;

    public FailureThrottle(IOptions<LimitsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var limits = options.Value;
        limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limits.AuthenticationFailuresPerWindow,
                Window = limits.AuthenticationFailureWindow,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    public bool IsBlocked(string? address) => limiter.GetStatistics(address ?? "")?.CurrentAvailablePermits <= 0;

    public void RecordFailure(string? address)
    {
        using var lease = limiter.AttemptAcquire(address ?? "");
    }

    public void Dispose() => limiter.Dispose();
}
