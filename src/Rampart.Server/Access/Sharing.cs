using Rampart.Standards.Markings;

namespace Rampart.Server.Access;

/// <summary>
/// The distribution envelope every shareable record carries: custodian, provenance, TLP and audience.
/// Stored as columns of the record itself so the read predicate is a plain WHERE clause.
/// </summary>
public sealed class Sharing
{
    /// <summary>The custodian: the organisation that decides who may see the record.</summary>
    public Guid OwnerOrganisationId { get; set; }

    /// <summary>Provenance: the organisation whose user created the record.</summary>
    public Guid CreatorOrganisationId { get; set; }

    public Tlp Tlp { get; set; }

    public Audience Audience { get; set; }

    /// <summary>Set when <see cref="Audience"/> is <see cref="Audience.Community"/>.</summary>
    public Guid? CommunityId { get; set; }

    /// <summary>Shown to people who are not logged in. Only ever true for TLP:CLEAR.</summary>
    public bool Published { get; set; }
}

/// <summary>One organisation (or one person in it) a record with the <c>recipients</c> audience is shared with.</summary>
public sealed class ShareRecipient
{
    public Guid Id { get; set; }

    /// <summary>The id of the shared record; record ids are UUIDv7 and unique across record types.</summary>
    public Guid RecordId { get; set; }

    public Guid OrganisationId { get; set; }

    /// <summary>Null: everyone in the organisation. Set: only this person (TLP:RED only).</summary>
    public Guid? UserId { get; set; }
}

/// <summary>A record that carries a <see cref="Sharing"/> envelope and is read only through <see cref="AccessPolicy"/>.</summary>
public interface IShareable
{
    Guid Id { get; }

    Sharing Sharing { get; }
}
