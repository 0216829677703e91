using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;

namespace Rampart.Server.Identity;

/// <summary>
/// The authenticator (RFC 6238, 30-second steps, six digits, one step of clock drift either way) with
/// replay protection: a code is accepted once. The last accepted time step is kept per user in the
/// database and claimed with one conditional update, so the same code cannot be used twice — not within
/// its window, not on another app server, not by two requests racing.
/// </summary>
public sealed class OnceOnlyAuthenticatorTokenProvider(RampartDb db, TimeProvider clock) : IUserTwoFactorTokenProvider<User>
{
    private const int StepSeconds = 30;

    public Task<string> GenerateAsync(string purpose, UserManager<User> manager, User user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<User> manager, User user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(user);
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key) || token is not { Length: 6 } || !int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            || !Totp.TryDecodeBase32(key, out var secret))
        {
            return false;
        }

        var step = clock.GetUtcNow().ToUnixTimeSeconds() / StepSeconds;
        for (var candidate = step + 1; candidate >= step - 1; candidate--)
        {
            if (Totp.Compute(secret, candidate) == code)
            {
                // A new concurrency stamp too: Identity saves whole user rows, and a copy loaded before this claim
                // must fail to save rather than write the older step back.
                var stamp = Guid.NewGuid().ToString();
                var claimed = await db.Users
                    .Where(u => u.Id == user.Id && (u.LastTotpTimeStep == null || u.LastTotpTimeStep < candidate))
                    .ExecuteUpdateAsync(u => u.SetProperty(x => x.LastTotpTimeStep, candidate).SetProperty(x => x.ConcurrencyStamp, stamp));
                if (claimed != 1)
                {
                    return false;
                }

                // The sign-in goes on to save this very user object: it must carry what the database now holds.
                var entry = db.Entry(user);
                if (entry.State == EntityState.Detached)
                {
                    user.LastTotpTimeStep = candidate;
                    user.ConcurrencyStamp = stamp;
                }
                else
                {
                    entry.Property(u => u.LastTotpTimeStep).CurrentValue = candidate;
                    entry.Property(u => u.LastTotpTimeStep).OriginalValue = candidate;
                    entry.Property(u => u.ConcurrencyStamp).CurrentValue = stamp;
                    entry.Property(u => u.ConcurrencyStamp).OriginalValue = stamp;
                }

                return true;
            }
        }

        return false;
    }

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<User> manager, User user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        return !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));
    }
}

/// <summary>RFC 6238 codes and the Base32 keys authenticator apps use.</summary>
public static class Totp
{
    public static int Compute(byte[] secret, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counter, step);
#pragma warning disable CA5350 // RFC 6238 authenticators use HMAC-SHA1; that is what the apps compute.
        var hash = HMACSHA1.HashData(secret, counter);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0F;
        var binary = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return binary % 1_000_000;
    }

    public static bool TryDecodeBase32(string text, out byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var output = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in text.TrimEnd('='))
        {
            var value = alphabet.IndexOf(char.ToUpperInvariant(c), StringComparison.Ordinal);
            if (value < 0)
            {
                bytes = [];
                return false;
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        bytes = [.. output];
        return bytes.Length > 0;
    }
}

/// <summary>Recovery codes as people type them: any case, with or without the dash, with spaces.</summary>
public static class RecoveryCodes
{
    /// <summary>The stored form, <c>XXXXX-XXXXX</c> in upper case (Identity's format).</summary>
    public static string Normalise(string? typed)
    {
        var compact = new string((typed ?? "").Where(c => !char.IsWhiteSpace(c) && c != '-' && c != '\u2010' && c != '\u2013').ToArray())
            .ToUpperInvariant();
        return compact.Length == 10 ? $"{compact[..5]}-{compact[5..]}" : compact;
    }
}

/// <summary>Refuses a new password that is the current one: a one-time password cannot be kept.</summary>
public sealed class NotTheCurrentPasswordValidator : IPasswordValidator<User>
{
    public Task<IdentityResult> ValidateAsync(UserManager<User> manager, User user, string? password)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(user);
        var same = user.PasswordHash is { } hash && password is not null
            && manager.PasswordHasher.VerifyHashedPassword(user, hash, password) != PasswordVerificationResult.Failed;
        return Task.FromResult(same
            ? IdentityResult.Failed(new IdentityError { Code = "PasswordUnchanged", Description = "Choose a new password: it must differ from the current (one-time) password." })
            : IdentityResult.Success);
    }
}
