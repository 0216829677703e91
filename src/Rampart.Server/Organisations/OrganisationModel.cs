using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Rampart.Server.Organisations;

internal sealed class OrganisationConfiguration : IEntityTypeConfiguration<Organisation>
{
    public void Configure(EntityTypeBuilder<Organisation> b)
    {
        b.ToTable("Organisations");
        b.Property(o => o.Name).HasMaxLength(200);
        b.Property(o => o.ShortName).HasMaxLength(32);
        b.Property(o => o.Country).HasMaxLength(2);
        b.Property(o => o.ContactEmail).HasMaxLength(254);
        b.Property(o => o.Phone24x7).HasMaxLength(40);
        b.Property(o => o.Website).HasMaxLength(500);
        b.Property(o => o.PgpFingerprint).HasMaxLength(64);
        b.Property(o => o.Description).HasMaxLength(4000);
        b.HasIndex(o => o.ShortName).IsUnique();
    }
}

internal sealed class CommunityConfiguration : IEntityTypeConfiguration<Community>
{
    public void Configure(EntityTypeBuilder<Community> b)
    {
        b.ToTable("Communities");
        b.Property(c => c.Name).HasMaxLength(200);
        b.Property(c => c.Description).HasMaxLength(4000);
        b.HasIndex(c => c.Name).IsUnique();
        b.HasOne<Organisation>().WithMany().HasForeignKey(c => c.ModeratorOrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(c => c.Members).WithOne().HasForeignKey(m => m.CommunityId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CommunityMemberConfiguration : IEntityTypeConfiguration<CommunityMember>
{
    public void Configure(EntityTypeBuilder<CommunityMember> b)
    {
        b.ToTable("CommunityMembers");
        b.HasKey(m => new { m.CommunityId, m.OrganisationId });
        b.HasIndex(m => m.OrganisationId);
        b.HasOne<Organisation>().WithMany().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CommunityMembershipRequestConfiguration : IEntityTypeConfiguration<CommunityMembershipRequest>
{
    public void Configure(EntityTypeBuilder<CommunityMembershipRequest> b)
    {
        b.ToTable("CommunityMembershipRequests");
        b.HasIndex(r => new { r.CommunityId, r.Status });
        b.HasIndex(r => r.OrganisationId);
        b.HasOne<Community>().WithMany().HasForeignKey(r => r.CommunityId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}
