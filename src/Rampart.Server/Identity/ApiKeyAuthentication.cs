using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Diagnostics;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

namespace Rampart.Server.Identity;

/// <summary>
/// Authenticates <c>Authorization: Bearer rpk_…</c> against the stored key hashes. A request that carries an
/// <c>Authorization</c> header this node cannot honour — a wrong, expired or revoked key, a key of a disabled
/// user, a token not in the <c>rpk_</c> form, another scheme — is answered 401 on every path, before any
/// endpoint runs: a sync job with a dead key must fail loudly, not quietly read as anonymous.
/// </summary>
/// <remarks>
/// A valid key is accepted even from an address whose failures are throttled: the throttle answers the
/// failing attempts 429, it never locks out a working key because someone else behind the same address
/// failed. Keys are 256 random bits, so guessing is not the risk the throttle is for; it slows scans and
/// keeps their audit entries folded.
/// </remarks>
public sealed partial class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    RampartDb db,
    AuthenticationFailures failures,
    FailureThrottle throttle,
    TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder), IAuthenticationRequestHandler
{
    public const string SchemeName = "ApiKey";
    private const string ThrottledItem = "rampart.apikey.throttled";

    // Writing last-used on every request would turn every read into a write; once a minute is enough to see use.
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>Runs before every endpoint: an Authorization header that does not authenticate ends the request with 401 (or 429).</summary>
    public async Task<bool> HandleRequestAsync()
    {
        if (Request.Headers.Authorization.Count == 0)
        {
            return false;
        }

        var result = await AuthenticateAsync();
        if (result.Succeeded)
        {
            return false;
        }

        if (result.None)
        {
            // Not a Bearer rpk_ key at all: counted and audited like a wrong key, without its content.
            await RejectAsync(null, "not an API key");
        }

        var throttled = Context.Items.ContainsKey(ThrottledItem);
        var status = throttled ? StatusCodes.Status429TooManyRequests : StatusCodes.Status401Unauthorized;
        Response.StatusCode = status;
        if (throttled)
        {
            throttle.Answer429(Response);
        }

        Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        var title = throttled ? "Too many failed authentications from this address; wait and try again." : "The API key is not valid.";
        var detail = "A wrong, expired or revoked key, a key of a disabled user, or an Authorization header that is not 'Bearer rpk_…'.";
        if (MachinePath.Of(Context) is { } machine)
        {
            await machine.WriteError(Context, new MachineError(status, title, detail));
        }
        else
        {
            if (Context.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                pages.Enabled = false;
            }

            Response.ContentType = "text/plain; charset=utf-8";
            await Response.WriteAsync(title);
        }

        return true;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!ApiKeys.TryReadKey(Request.Headers.Authorization, ApiKeys.BasicAllowed(Request), out var presented, out var basicUser) || !presented.StartsWith(ApiKeys.KeyPrefix, StringComparison.Ordinal))
        {
            return AuthenticateResult.NoResult();
        }

        var hash = ApiKeys.HashOf(presented);
        var now = clock.GetUtcNow();
        var found = await db.ApiKeys.Where(k => k.Hash == hash)
            .Select(k => new
            {
                Key = k,
                Owner = db.Users.Where(u => u.Id == k.UserId).Select(u => new { u.Disabled, u.OrganisationId, u.Role, u.NormalizedUserName }).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(Context.RequestAborted);
        var key = found?.Key;
        // HTTP Basic (TAXII clients): the user name must be the key's owner's, so a key is not sent under another's name.
        var wrongUser = basicUser is not null && found?.Owner is { } o
            && !string.Equals(o.NormalizedUserName, basicUser.Trim().ToUpperInvariant(), StringComparison.Ordinal);
        if (key is null || !key.IsActive(now) || found!.Owner is null || found.Owner.Disabled || wrongUser)
        {
            var reason = key is null ? "unknown key" : key.RevokedAt is not null ? "revoked key" : !key.IsActive(now) ? "expired key"
                : found!.Owner is null || found.Owner.Disabled ? "user disabled" : "user name does not match the key";
            await RejectAsync(key is null ? null : new Caller(key.UserId, found!.Owner?.OrganisationId ?? Guid.Empty, found.Owner?.Role ?? Role.Viewer,
                new HashSet<Guid>(), ReadOnly: true, Credential: $"apikey:{key.Id}", ClientIp: Address), reason);
            return AuthenticateResult.Fail("The API key is not valid.");
        }

        if (key.LastUsedAt is null || now - key.LastUsedAt > LastUsedResolution || key.LastUsedIp != Address)
        {
            key.LastUsedAt = now;
            key.LastUsedIp = Address;
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
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        if (Context.Items.ContainsKey(ThrottledItem))
        {
            throttle.Answer429(Response);
        }

        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }

    private string? Address => Context.Connection.RemoteIpAddress?.ToString();

    // The key itself is never logged or audited: a known key by its id, an unknown one not at all.
    private async Task RejectAsync(Caller? owner, string reason)
    {
        LogRejected(Logger, Address, reason);
        var actor = owner ?? Caller.Anonymous(Address);
        var target = owner?.Credential ?? "apikey";
        if (await failures.RecordAsync(AuditEvent.ApiKeyRejected, actor, target, reason, Context.RequestAborted))
        {
            Context.Items[ThrottledItem] = true;
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Warning, Message = "Rejected an API key from {Address}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string? address, string reason);
}

/// <summary>Format, hashing and creation of API keys.</summary>
public static class ApiKeys
{
    public const string KeyPrefix = "rpk_";

    /// <summary>The only path where HTTP Basic with an API key is accepted: TAXII, whose clients send user name and password.</summary>
    public const string BasicPath = "/taxii2";

    /// <summary>True on <see cref="BasicPath"/>; everywhere else an <c>Authorization: Basic</c> header is no credential (anonymous).</summary>
    public static bool BasicAllowed(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Path.StartsWithSegments(BasicPath, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The key of <c>Authorization: Bearer rpk_…</c>, or — where <paramref name="basicAllowed"/> (the TAXII path only) — of
    /// HTTP Basic whose password is a key; <paramref name="basicUser"/> is the Basic user name, null for Bearer.
    /// </summary>
    public static bool TryReadKey(string? header, bool basicAllowed, out string key, out string? basicUser)
    {
        basicUser = null;
        if (TryReadBearer(header, out key))
        {
            return true;
        }

        if (!basicAllowed || header is null || !header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !decoded.AsSpan(colon + 1).StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        basicUser = decoded[..colon];
        key = decoded[(colon + 1)..];
        return true;
    }

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
