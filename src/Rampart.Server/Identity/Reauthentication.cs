using Microsoft.AspNetCore.Identity;
using Rampart.Server.Access;

namespace Rampart.Server.Identity;

/// <summary>
/// Asks a logged-in user to prove again that they are at the keyboard before an action that affects security
/// (disable a user, revoke a key, new recovery codes, new authenticator): their password, or a current
/// authenticator code. Wrong answers count towards the account's lockout like failed logins.
/// </summary>
public sealed class Reauthentication(UserManager<User> users)
{
    public async Task<bool> VerifyAsync(Guid userId, string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret) || await users.FindByIdAsync(userId.ToString()) is not { Disabled: false } user
            || await users.IsLockedOutAsync(user))
        {
            return false;
        }

        var code = secret.Replace(" ", "", StringComparison.Ordinal);
        var ok = code.Length == 6 && code.All(char.IsAsciiDigit) && user.TwoFactorEnabled
            ? await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, code)
            : await users.CheckPasswordAsync(user, secret);
        if (!ok)
        {
            await users.AccessFailedAsync(user);
        }

        return ok;
    }
}

/// <summary>
/// Security actions over the REST API (creating and disabling users, keys, organisations, community membership)
/// demand the same fresh proof the pages ask for: a session whose user logged in or re-authenticated within
/// <see cref="LimitsOptions.ReauthenticationWindow"/>, or an API key that may write (a key is its own proof;
/// a read-only key is none). Otherwise 403 with the problem type <see cref="ProblemType"/>; a session then
/// posts its password or authenticator code to <c>POST /api/me/reauthenticate</c> and repeats the request.
/// </summary>
public static class FreshProof
{
    public const string ProblemType = "urn:rampart:problem:reauthentication-required";
    public const string ReadOnlyProblemType = "urn:rampart:problem:read-only-credential";

    public static TBuilder RequireFreshProof<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var principal = http.User;
            if (principal.Identity?.IsAuthenticated != true)
            {
                return await next(context); // the endpoint answers 401 (or 404)
            }

            if (principal.FindFirst(RampartClaims.Credential)?.Value is { } credential && credential.StartsWith("apikey:", StringComparison.Ordinal))
            {
                return principal.HasClaim(RampartClaims.ReadOnly, "true")
                    ? TypedResults.Problem(type: ReadOnlyProblemType, statusCode: StatusCodes.Status403Forbidden,
                        title: "A read-only API key cannot take security actions.",
                        detail: "Use a key that may write, or a session that has re-authenticated.")
                    : await next(context);
            }

            return IsFresh(principal, http.RequestServices)
                ? await next(context)
                : TypedResults.Problem(type: ProblemType, statusCode: StatusCodes.Status403Forbidden,
                    title: "Re-authenticate: this action needs fresh proof that it is you.",
                    detail: "POST your password or authenticator code as {\"secret\": \"…\"} to /api/me/reauthenticate, then repeat the request.");
        });

    /// <summary>Whether a session's last proof (login or re-authentication) is within the window.</summary>
    public static bool IsFresh(System.Security.Claims.ClaimsPrincipal principal, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(services);
        var window = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<LimitsOptions>>().Value.ReauthenticationWindow;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        return long.TryParse(principal.FindFirst(RampartClaims.AuthenticatedAt)?.Value, System.Globalization.NumberStyles.None,
                   System.Globalization.CultureInfo.InvariantCulture, out var at)
               && now - DateTimeOffset.FromUnixTimeSeconds(at) <= window;
    }

    /// <summary>The same session with its proof time set to now (after <see cref="Reauthentication.VerifyAsync"/> succeeded).</summary>
    public static async Task RenewAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var identity = new System.Security.Claims.ClaimsIdentity(
            http.User.Claims.Where(c => c.Type != RampartClaims.AuthenticatedAt), IdentityConstants.ApplicationScheme);
        identity.AddClaim(new System.Security.Claims.Claim(RampartClaims.AuthenticatedAt,
            now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await Microsoft.AspNetCore.Authentication.AuthenticationHttpContextExtensions.SignInAsync(http, IdentityConstants.ApplicationScheme,
            new System.Security.Claims.ClaimsPrincipal(identity));
    }
}
