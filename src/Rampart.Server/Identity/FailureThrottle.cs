using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Rampart.Server.Data;

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

    /// <summary>How long after login (or re-authentication) a session may take security actions over the API without proving itself again.</summary>
    public TimeSpan ReauthenticationWindow { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>What failed: each kind has its own budget per address.</summary>
public enum FailureKind
{
    Login,
    ApiKey,
}

/// <summary>One counter of failures: a source (client address, or address and what failed) in one fixed window.</summary>
public sealed class FailureCounter
{
    public required string Source { get; set; }

    /// <summary>Start of the window, in seconds since 1970 (UTC).</summary>
    public long WindowStart { get; set; }

    public int Count { get; set; }
}

/// <summary>
/// Counts failed logins and failed API-key authentications per client address in fixed windows, in the
/// database, so every app server of a node sees the same counts. Once the budget of a window is spent,
/// the source is throttled: its next failures are answered with "too many" and a throttled source gets
/// no password checked unless its browser has logged in to that account before (see <see cref="PasswordLogin"/>).
/// Identity's per-account lockout guards single accounts; this guards against spraying many.
/// </summary>
public sealed class FailureThrottle(RampartDb db, IOptions<LimitsOptions> options, TimeProvider clock)
{
    private LimitsOptions Limits => options.Value;

    // Login failures and API-key failures have separate budgets per address: a sync job with a dead key must not
    // lock the analysts behind the same NAT out of the login page, nor a password sprayer the sync jobs out of the API.
    private static string Source(FailureKind kind, string? address) => (kind == FailureKind.ApiKey ? "apikey|" : "login|") + (address ?? "");

    /// <summary>The source's failures of this kind in the current window have used up its budget.</summary>
    public async Task<bool> IsBlockedAsync(FailureKind kind, string? address, CancellationToken cancellationToken) =>
        await CountAsync(Source(kind, address), cancellationToken) >= Limits.AuthenticationFailuresPerWindow;

    /// <summary>Counts one failure of <paramref name="kind"/> from <paramref name="address"/>; returns the count in the current window.</summary>
    public Task<int> RecordFailureAsync(FailureKind kind, string? address, CancellationToken cancellationToken) =>
        IncrementAsync(Source(kind, address), cancellationToken);

    /// <summary>Whole seconds until the current window ends and a throttled source gets a new budget (for <c>Retry-After</c>).</summary>
    public int SecondsUntilNextWindow()
    {
        var seconds = Math.Max(1, (long)Limits.AuthenticationFailureWindow.TotalSeconds);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        return (int)Math.Max(1, seconds - (now % seconds));
    }

    /// <summary>Answers a throttled request: 429 with <c>Retry-After</c>, unless the response has started.</summary>
    public void Answer429(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!response.HasStarted)
        {
            response.StatusCode = StatusCodes.Status429TooManyRequests;
            response.Headers.RetryAfter = SecondsUntilNextWindow().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Whether the <paramref name="count"/>th failure is beyond the budget (the first <c>AuthenticationFailuresPerWindow</c> are not).</summary>
    public bool IsOverBudget(int count) => count > Limits.AuthenticationFailuresPerWindow;

    /// <summary>Whether the <paramref name="count"/>th failure is the first one beyond the budget (so throttling is reported once per window).</summary>
    public bool FirstOverBudget(int count) => count == Limits.AuthenticationFailuresPerWindow + 1;

    /// <summary>The count of any counter in the current window.</summary>
    public async Task<int> CountAsync(string source, CancellationToken cancellationToken)
    {
        var window = CurrentWindow();
        return await db.Set<FailureCounter>().AsNoTracking()
            .Where(c => c.Source == source && c.WindowStart == window)
            .Select(c => c.Count)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Adds one to a counter with a single atomic upsert (SQLite and PostgreSQL both have
    /// <c>INSERT … ON CONFLICT DO UPDATE … RETURNING</c>), so concurrent app servers never lose a count.
    /// </summary>
    public async Task<int> IncrementAsync(string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        source = source.Length > 200 ? source[..200] : source;
        var window = CurrentWindow();
        var count = await ExecuteAsync("""
            INSERT INTO "FailureCounters" ("Source", "WindowStart", "Count") VALUES (@source, @window, 1)
            ON CONFLICT ("Source", "WindowStart") DO UPDATE SET "Count" = "FailureCounters"."Count" + 1
            RETURNING "Count"
            """, source, window, cancellationToken);
        if (count == 1)
        {
            // The first failure of a source in a window is a cheap moment to drop windows nobody reads any more.
            await ExecuteAsync("""DELETE FROM "FailureCounters" WHERE "WindowStart" < @window AND "Source" <> @source""",
                source, window - (long)Limits.AuthenticationFailureWindow.TotalSeconds, cancellationToken);
        }

        return count;
    }

    private long CurrentWindow()
    {
        var seconds = Math.Max(1, (long)Limits.AuthenticationFailureWindow.TotalSeconds);
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        return now - (now % seconds);
    }

    private async Task<int> ExecuteAsync(string sql, string source, long window, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
        }

        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            Add(command, "@source", source);
            Add(command, "@window", window);
            var result = await command.ExecuteScalarAsync(cancellationToken);
            return result is null or DBNull ? 0 : Convert.ToInt32(result, System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
