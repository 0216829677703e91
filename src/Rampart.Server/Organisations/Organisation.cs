namespace Rampart.Server.Organisations;

/// <summary>A team or body on the node: a national CERT, a sectoral CSIRT, an agency, a partner.</summary>
public sealed class Organisation
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public required string ShortName { get; set; }

    /// <summary>ISO 3166-1 alpha-2, upper case; Kosovo is XK.</summary>
    public required string Country { get; set; }

    public OrganisationKind Kind { get; set; }

    public string? ContactEmail { get; set; }

    public string? Phone24x7 { get; set; }

    public string? Website { get; set; }

    /// <summary>ASCII-armoured OpenPGP public key, as the team publishes it.</summary>
    public string? PgpPublicKey { get; set; }

    /// <summary>Computed from <see cref="PgpPublicKey"/>, upper-case hex.</summary>
    public string? PgpFingerprint { get; set; }

    public string? Description { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public enum OrganisationKind
{
    NationalCert,
    GovernmentalCsirt,
    SectoralCsirt,
    Regulator,
    CriticalInfrastructure,
    PrivatePartner,
    Research,
    InternationalPartner,
}

/// <summary>A named trust group of organisations, such as "WB national CERTs" or "Energy sector".</summary>
public sealed class Community
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    /// <summary>The organisation whose admins manage the membership.</summary>
    public Guid ModeratorOrganisationId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<CommunityMember> Members { get; set; } = [];
}

public sealed class CommunityMember
{
    public Guid CommunityId { get; set; }

    public Guid OrganisationId { get; set; }

    public DateTimeOffset AddedAt { get; set; }
}

/// <summary>
/// An organisation's way into a community: joining needs the consent of the moderating organisation's
/// admins, so no administrator can make their own organisation (or any other) a reader of a community alone.
/// </summary>
public sealed class CommunityMembershipRequest
{
    public Guid Id { get; set; }

    public Guid CommunityId { get; set; }

    /// <summary>The organisation that would join.</summary>
    public Guid OrganisationId { get; set; }

    public Guid? RequestedByUserId { get; set; }

    /// <summary>The organisation of whoever asked; null for the command-line operator.</summary>
    public Guid? RequestedByOrganisationId { get; set; }

    public MembershipRequestStatus Status { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public Guid? DecidedByUserId { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }
}

/// <summary>Values are stable: they are stored.</summary>
public enum MembershipRequestStatus
{
    Pending = 0,
    Accepted = 1,
    Declined = 2,
}
