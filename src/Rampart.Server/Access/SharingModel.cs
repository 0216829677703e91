using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Organisations;

namespace Rampart.Server.Access;

/// <summary>The same columns and indexes for the sharing envelope of every shareable record type.</summary>
public static class SharingConfiguration
{
    public static void Configure<T>(OwnedNavigationBuilder<T, Sharing> sharing)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(sharing);
        sharing.Property(s => s.OwnerOrganisationId).HasColumnName("OwnerOrganisationId");
        sharing.Property(s => s.CreatorOrganisationId).HasColumnName("CreatorOrganisationId");
        sharing.Property(s => s.Tlp).HasColumnName("Tlp");
        sharing.Property(s => s.Audience).HasColumnName("Audience");
        sharing.Property(s => s.CommunityId).HasColumnName("CommunityId");
        sharing.Property(s => s.Published).HasColumnName("Published");
        sharing.HasIndex(s => s.OwnerOrganisationId);
        sharing.HasIndex(s => new { s.Audience, s.CommunityId });
    }
}

internal sealed class ShareRecipientConfiguration : IEntityTypeConfiguration<ShareRecipient>
{
    public void Configure(EntityTypeBuilder<ShareRecipient> b)
    {
        b.ToTable("ShareRecipients");
        b.HasIndex(r => new { r.RecordId, r.OrganisationId });
        b.HasOne<Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}
