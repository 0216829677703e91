using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Rampart.Server.Access;
using Rampart.Server.Audit;

namespace Rampart.Server.Identity;

public enum LoginResult
{
    Succeeded,
    RequiresTwoFactor,
    Failed,
    Throttled,

    /// <summary>The password step has expired (or never happened): start at the login page.</summary>
    StartAgain,
}

/// <summary>
/// The password step of a login. Failures are counted against the client address (shared by every app
/// server) and audited, folded; a known e-mail's failure is filed under its organisation, so its admins
/// see attempts on their people. A throttled address gets no password checked — except from a browser
/// that has logged in to that very account before (<see cref="KnownDevices"/>), so colleagues behind the
/// same address as a failing script or an attacker are not locked out. A success does not reset the
/// address's count: an attacker holding one account of their own could otherwise reset their budget.
/// </summary>
public sealed class PasswordLogin(SignInManager<User> signIn, UserManager<User> users, FailureThrottle throttle,
    AuthenticationFailures failures, AuditTrail audit, KnownDevices devices)
{
    private static readonly string TimingHash = new PasswordHasher<User>().HashPassword(new User(), "not-a-password-anyone-has");

    public async Task<LoginResult> ExecuteAsync(HttpContext context, string? email, string? password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.Connection.RemoteIpAddress?.ToString();
        var user = string.IsNullOrWhiteSpace(email) ? null : await users.FindByEmailAsync(email.Trim());
        var actor = user is null ? Caller.Anonymous(address) : Caller.Of(user, null, address);
        var target = user is null ? "login" : $"user:{user.Id}";
        if (await throttle.IsBlockedAsync(FailureKind.Login, address, cancellationToken) && (user is null || !devices.IsKnown(context, user.Id)))
        {
            await failures.RecordAsync(AuditEvent.LoginFailed, actor, target, "throttled address", cancellationToken);
            throttle.Answer429(context.Response);
            return LoginResult.Throttled;
        }

        if (user is null)
        {
            // Hash anyway, so an unknown address takes as long as a wrong password and does not reveal who has an account.
            users.PasswordHasher.VerifyHashedPassword(new User(), TimingHash, password ?? "");
            await failures.RecordAsync(AuditEvent.LoginFailed, actor, target, "unknown e-mail", cancellationToken);
            return LoginResult.Failed;
        }

        var result = await signIn.PasswordSignInAsync(user, password ?? "", isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded || result.RequiresTwoFactor)
        {
            if (user.Culture is { } culture)
            {
                AccountEndpoints.RememberCulture(context, culture);
            }

            if (result.RequiresTwoFactor)
            {
                return LoginResult.RequiresTwoFactor;
            }

            devices.Remember(context, user.Id);
            await audit.RecordNowAsync(AuditEvent.LoginSucceeded, Caller.Of(user, "login", address), target, cancellationToken: cancellationToken);
            return LoginResult.Succeeded;
        }

        await failures.RecordAsync(AuditEvent.LoginFailed, actor, target, result.IsLockedOut ? "locked out" : "wrong password", cancellationToken);
        return LoginResult.Failed;
    }
}

/// <summary>
/// The second step: an authenticator code (accepted once, see <see cref="OnceOnlyAuthenticatorTokenProvider"/>)
/// or a recovery code in any case, with or without its dash. Wrong codes are counted and audited like wrong passwords.
/// </summary>
public sealed class SecondFactorLogin(SignInManager<User> signIn, FailureThrottle throttle, AuthenticationFailures failures,
    AuditTrail audit, KnownDevices devices)
{
    public async Task<LoginResult> ExecuteAsync(HttpContext context, string? code, string? recoveryCode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.Connection.RemoteIpAddress?.ToString();
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
        {
            return LoginResult.StartAgain;
        }

        var actor = Caller.Of(user, null, address);
        if (await throttle.IsBlockedAsync(FailureKind.Login, address, cancellationToken) && !devices.IsKnown(context, user.Id))
        {
            await failures.RecordAsync(AuditEvent.SecondFactorFailed, actor, $"user:{user.Id}", "throttled address", cancellationToken);
            throttle.Answer429(context.Response);
            return LoginResult.Throttled;
        }

        var recovery = RecoveryCodes.Normalise(recoveryCode);
        var byRecovery = recovery.Length > 0;
        var result = byRecovery
            ? await signIn.TwoFactorRecoveryCodeSignInAsync(recovery)
            : await signIn.TwoFactorAuthenticatorSignInAsync(new string((code ?? "").Where(char.IsAsciiDigit).ToArray()), false, false);
        if (result.Succeeded)
        {
            devices.Remember(context, user.Id);
            await audit.RecordNowAsync(AuditEvent.LoginSucceeded, Caller.Of(user, "login", address), $"user:{user.Id}",
                detail: byRecovery ? "recovery code" : "totp", cancellationToken: cancellationToken);
            return LoginResult.Succeeded;
        }

        await failures.RecordAsync(AuditEvent.SecondFactorFailed, actor, $"user:{user.Id}",
            (byRecovery ? "recovery code" : "authenticator code") + (result.IsLockedOut ? ", locked out" : ""), cancellationToken);
        return LoginResult.Failed;
    }
}

/// <summary>
/// A browser that has completed a login to an account carries a protected cookie naming that account for
/// 90 days; from a throttled address it may still try that account's password (Identity's per-account
/// lockout still applies). OWASP calls this a device cookie.
/// </summary>
public sealed class KnownDevices(IDataProtectionProvider protection, TimeProvider clock)
{
    public const string CookieName = "rampart.device";
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(90);
    private readonly IDataProtector protector = protection.CreateProtector("Rampart.Identity.KnownDevice.v1");

    public bool IsKnown(HttpContext context, Guid userId)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value))
        {
            return false;
        }

        try
        {
            var parts = protector.Unprotect(value).Split('|');
            return parts.Length == 2 && Guid.TryParse(parts[0], out var id) && id == userId
                && long.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var issued)
                && clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(issued) < Lifetime;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    public void Remember(HttpContext context, Guid userId)
    {
        ArgumentNullException.ThrowIfNull(context);
        var now = clock.GetUtcNow();
        context.Response.Cookies.Append(CookieName, protector.Protect($"{userId}|{now.ToUnixTimeSeconds()}"), new CookieOptions
        {
            Expires = now + Lifetime,
            HttpOnly = true,
            IsEssential = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Lax,
        });
    }
}
