using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Data;

namespace Rampart.Server.Identity;

/// <summary>Authenticates <c>Authorization: Bearer rpk_…</c> against the stored key hashes.</summary>
public sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    RampartDb db,
    FailureThrottle throttle,
    TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    private const string ThrottledItem = "rampart.apikey.throttled";

    // Writing last-used on every request would turn every read into a write; once a minute is enough to see use.
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!ApiKeys.TryReadBearer(Request.Headers.Authorization, out var presented))
        {
            return AuthenticateResult.NoResult();
        }

        var address = Context.Connection.RemoteIpAddress?.ToString();
        if (throttle.IsBlocked(address))
        {
            Context.Items[ThrottledItem] = true;
            return AuthenticateResult.Fail("Too many failed authentications from this address.");
        }

        var hash = ApiKeys.HashOf(presented);
        var now = clock.GetUtcNow();
        var found = await db.ApiKeys.Where(k => k.Hash == hash)
            .Select(k => new { Key = k, UserDisabled = db.Users.Where(u => u.Id == k.UserId).Select(u => u.Disabled).FirstOrDefault() })
            .FirstOrDefaultAsync(Context.RequestAborted);
        var key = found?.Key;
        if (key is null || !key.IsActive(now) || found!.UserDisabled)
        {
            throttle.RecordFailure(address);
            LogRejected(Logger, address);
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        if (key.LastUsedAt is null || now - key.LastUsedAt > LastUsedResolution || key.LastUsedIp != address)
        {
            key.LastUsedAt = now;
            key.LastUsedIp = address;
            await db.SaveChangesAsync(Context.RequestAborted);
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, key.UserId.ToString()),
            new Claim(RampartClaims.Credential, $"apikey:{key.Id}"),
            new Claim(RampartClaims.ReadOnly, key.ReadOnly ? "true" : "false"),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = Context.Items.ContainsKey(ThrottledItem) ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Rejected an API key from {Address}")]
    private static partial void LogRejected(ILogger logger, string? address);
}

/// <summary>Format, hashing and creation of API keys.</summary>
public static class ApiKeys
{
    public const string KeyPrefix = "rpk_";

    public static bool TryReadBearer(string? header, out string key)
    {
        key = "";
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        key = header["Bearer ".Length..].Trim();
        return key.Length > 0;
    }

    public static string HashOf(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>A new key: the prefix and 256 random bits, URL-safe.</summary>
    public static string NewKey() =>
        KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
