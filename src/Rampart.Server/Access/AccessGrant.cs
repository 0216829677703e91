using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Rampart.Server.Access;

/// <summary>What an <see cref="AccessGrant"/> was written for (for showing and editing an audience; reading ignores it).</summary>
public enum GrantKind : short
{
    /// <summary>The owning organisation: always present.</summary>
    Owner = 0,

    /// <summary>A recipient organisation.</summary>
    Organisation = 1,

    /// <summary>One named person, as long as they belong to the organisation named with them.</summary>
    Person = 2,

    /// <summary>The member organisations of a community.</summary>
    Community = 3,

    /// <summary>Every organisation on the node.</summary>
    Network = 4,

    /// <summary>Everyone, also people who are not logged in.</summary>
    Public = 5,
}

/// <summary>
/// One audience entry of a record in its indexed form: the record may be read by callers who hold
/// <see cref="GranteeId"/> among their <see cref="AccessTokens"/>, within the TLP ceiling of that token.
/// Primary key (grantee, record type, record): a list page is one index range per caller token.
/// </summary>
public sealed class AccessGrant
{
    /// <summary>An access token: an organisation id, a community id, a person token, or the network / public token.</summary>
    public Guid GranteeId { get; set; }

    public RecordType RecordType { get; set; }

    public long RecordId { get; set; }

    /// <summary>Set when the grant is written with a new record, so the database-assigned key reaches it.</summary>
    public SharedRecord? Record { get; set; }

    public GrantKind Kind { get; set; }

    /// <summary>The organisation, community or user the entry names (null for network and public).</summary>
    public Guid? SubjectId { get; set; }

    /// <summary>For <see cref="GrantKind.Person"/>: the organisation the person must still belong to.</summary>
    public Guid? SubjectOrganisationId { get; set; }
}

internal sealed class AccessGrantConfiguration : IEntityTypeConfiguration<AccessGrant>
{
    public void Configure(EntityTypeBuilder<AccessGrant> b)
    {
        b.ToTable("AccessGrants");
        b.HasKey(g => new { g.GranteeId, g.RecordType, g.RecordId });
        b.HasOne(g => g.Record).WithMany().HasForeignKey(g => g.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(g => g.RecordId);
    }
}
