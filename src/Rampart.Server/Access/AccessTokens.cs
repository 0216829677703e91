using System.Security.Cryptography;
using Rampart.Standards.Markings;

namespace Rampart.Server.Access;

/// <summary>The widest a grant of one kind may carry: records above <see cref="MaxTlp"/> (or unpublished, where that is required) are not reached through it.</summary>
public readonly record struct TlpCeiling(Tlp MaxTlp, bool RequiresPublished)
{
    public bool Admits(Tlp tlp, bool published) => tlp <= MaxTlp && (published || !RequiresPublished);
}

/// <summary>One token a caller holds, with the ceiling of the kind of grant it matches.</summary>
public readonly record struct CallerToken(Guid Token, TlpCeiling Ceiling);

/// <summary>
/// The rule of who reaches what, in one place: the tokens a record's audience grants
/// (<see cref="GrantsFor"/>, used by the writer of <see cref="AccessGrant"/> rows), the tokens a caller
/// holds (<see cref="Of"/>), and the TLP ceiling of each kind (<see cref="CeilingOf"/>, used on write to
/// validate and on read to cap). The database filter and the in-memory check are both built from these.
/// </summary>
public static class AccessTokens
{
    /// <summary>Held by every logged-in person of the node.</summary>
    public static readonly Guid Network = new("7a3b0e1c-0000-4000-8000-6e6574776f72");

    /// <summary>Held by everyone, also people who are not logged in.</summary>
    public static readonly Guid Public = new("7a3b0e1c-0000-4000-8000-7075626c6963");

    /// <summary>
    /// The ceiling of each kind of grant (docs/sharing.md): organisations and named people at every TLP,
    /// communities up to AMBER, the network up to GREEN, the public only CLEAR and published.
    /// </summary>
    public static TlpCeiling CeilingOf(GrantKind kind) => kind switch
    {
        GrantKind.Owner or GrantKind.Organisation or GrantKind.Person => new(Tlp.Red, false),
        GrantKind.Community => new(Tlp.Amber, false),
        GrantKind.Network => new(Tlp.Green, false),
        _ => new(Tlp.Clear, true),
    };

    /// <summary>
    /// A named person's token, bound to the organisation they belong to: moved to another organisation,
    /// they no longer hold it, so a grant to "this person of that CERT" ends with the membership.
    /// </summary>
    public static Guid Person(Guid userId, Guid organisationId)
    {
        Span<byte> input = stackalloc byte[33];
        input[0] = (byte)'P';
        userId.TryWriteBytes(input[1..17], bigEndian: true, out _);
        organisationId.TryWriteBytes(input[17..], bigEndian: true, out _);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(input, hash);
        // UUID version 8 (custom), RFC 9562 variant: cannot collide with the v4/v7 ids of real rows.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }

    /// <summary>The tokens <paramref name="caller"/> holds on this request, each with its ceiling.</summary>
    public static IReadOnlyList<CallerToken> Of(Caller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var tokens = new List<CallerToken> { new(Public, CeilingOf(GrantKind.Public)) };
        // The command-line operator administers the node and reads no content; anonymous reads only what is published.
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            return tokens;
        }

        tokens.Add(new(caller.OrganisationId, CeilingOf(GrantKind.Organisation)));
        tokens.Add(new(Person(caller.UserId, caller.OrganisationId), CeilingOf(GrantKind.Person)));
        tokens.Add(new(Network, CeilingOf(GrantKind.Network)));
        tokens.AddRange(caller.CommunityIds.Order().Select(c => new CallerToken(c, CeilingOf(GrantKind.Community))));
        return tokens;
    }

    /// <summary>
    /// The grant rows of a record owned by <paramref name="ownerOrganisationId"/> with the given audience:
    /// the owner always, one row per entry, and the public token when published. Duplicates collapse.
    /// </summary>
    public static IReadOnlyList<AccessGrant> GrantsFor(RecordType type, long recordId, Guid ownerOrganisationId,
        IEnumerable<ResolvedAudience> audience, bool published)
    {
        ArgumentNullException.ThrowIfNull(audience);
        var grants = new Dictionary<Guid, AccessGrant>();
        void Add(Guid token, GrantKind kind, Guid? subject, Guid? subjectOrganisation) =>
            grants.TryAdd(token, new AccessGrant
            {
                GranteeId = token, RecordType = type, RecordId = recordId, Kind = kind,
                SubjectId = subject, SubjectOrganisationId = subjectOrganisation,
            });

        Add(ownerOrganisationId, GrantKind.Owner, ownerOrganisationId, null);
        foreach (var entry in audience)
        {
            switch (entry.Kind)
            {
                case AudienceKind.Organisation:
                    Add(entry.OrganisationId!.Value, GrantKind.Organisation, entry.OrganisationId, null);
                    break;
                case AudienceKind.Person:
                    Add(Person(entry.UserId!.Value, entry.OrganisationId!.Value), GrantKind.Person, entry.UserId, entry.OrganisationId);
                    break;
                case AudienceKind.Community:
                    Add(entry.CommunityId!.Value, GrantKind.Community, entry.CommunityId, null);
                    break;
                case AudienceKind.Network:
                    Add(Network, GrantKind.Network, null, null);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(audience), entry.Kind, "Unknown audience kind.");
            }
        }

        if (published)
        {
            Add(Public, GrantKind.Public, null, null);
        }

        return [.. grants.Values];
    }

    /// <summary>
    /// The in-memory form of the read rule: some grant of the record matches a caller token whose
    /// ceiling admits the record's own TLP and publication.
    /// </summary>
    public static bool Reaches(IReadOnlyList<CallerToken> tokens, Tlp tlp, bool published, IEnumerable<Guid> grantees)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(grantees);
        return grantees.Any(g => tokens.Any(t => t.Token == g && t.Ceiling.Admits(tlp, published)));
    }
}
