using Microsoft.AspNetCore.Identity;

namespace Rampart.Server.Identity;

/// <summary>A person; belongs to exactly one organisation.</summary>
public sealed class User : IdentityUser<Guid>
{
    public Guid OrganisationId { get; set; }

    public Role Role { get; set; }

    public string DisplayName
    {
        get;
        set
        {
            field = value ?? "";
            NormalizedDisplayName = Normalize(field);
        }
    } = "";

    /// <summary>
    /// <see cref="DisplayName"/> upper-cased (invariant), kept in step by its setter: the indexed key of the
    /// prefix search of users, as Identity's <c>NormalizedEmail</c> is for addresses.
    /// </summary>
    public string NormalizedDisplayName { get; private set; } = "";

    /// <summary>How a typed search and a stored name are compared: upper-cased, invariant.</summary>
    public static string Normalize(string value) => (value ?? "").ToUpperInvariant();

    /// <summary>Set for a one-time password: the user must choose a new one before doing anything else.</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>The language the user picked (en, sq, sr-Latn, mk); null until they pick one.</summary>
    public string? Culture { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// Disabled by an admin: no login, no session, no API key. Unlike Identity's temporary lockout after
    /// failed passwords, which only blocks logins, so that guessing at a password cannot stop a team's feeds.
    /// </summary>
    public bool Disabled { get; set; }

    /// <summary>
    /// The RFC 6238 time step of the last authenticator code accepted: a code is accepted once, and no
    /// older code after it, so a code seen over a shoulder or in a proxy log cannot be replayed.
    /// </summary>
    public long? LastTotpTimeStep { get; set; }

    /// <summary>Node and organisation admins must use a second factor.</summary>
    public bool RequiresSecondFactor => Role is Role.NodeAdmin or Role.OrgAdmin;
}

/// <summary>A personal API key. Only its SHA-256 is stored; the key is shown once.</summary>
public sealed class ApiKey
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public required string Name { get; set; }

    /// <summary>The first characters of the key, to recognise it in lists.</summary>
    public required string Prefix { get; set; }

    /// <summary>Hex SHA-256 of the whole key. Keys are 256 random bits, so a fast hash is enough.</summary>
    public required string Hash { get; set; }

    public bool ReadOnly { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }

    public string? LastUsedIp { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}
