using Microsoft.AspNetCore.Identity;

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
