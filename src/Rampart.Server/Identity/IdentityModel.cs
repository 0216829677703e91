using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Organisations;

namespace Rampart.Server.Identity;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.Property(u => u.DisplayName).HasMaxLength(200);
        b.Property(u => u.NormalizedDisplayName).HasMaxLength(200);
        b.Property(u => u.Culture).HasMaxLength(10);
        b.HasIndex(u => u.OrganisationId);
        // The users list: keyset pages by (normalised e-mail, id), across the node or within one organisation,
        // and a prefix search on the normalised e-mail (Identity's EmailIndex) or the normalised display name.
        b.HasIndex(u => new { u.NormalizedEmail, u.Id }).HasDatabaseName("IX_Users_NormalizedEmail_Id");
        b.HasIndex(u => new { u.OrganisationId, u.NormalizedEmail, u.Id }).HasDatabaseName("IX_Users_OrganisationId_NormalizedEmail_Id");
        b.HasIndex(u => new { u.NormalizedDisplayName, u.Id }).HasDatabaseName("IX_Users_NormalizedDisplayName_Id");
        b.HasOne<Organisation>().WithMany().HasForeignKey(u => u.OrganisationId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("ApiKeys");
        b.Property(k => k.Name).HasMaxLength(100);
        b.Property(k => k.Prefix).HasMaxLength(16);
        b.Property(k => k.Hash).HasMaxLength(64);
        b.Property(k => k.LastUsedIp).HasMaxLength(64);
        b.HasIndex(k => k.Hash).IsUnique();
        b.HasIndex(k => k.UserId);
        b.HasOne<User>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FailureCounterConfiguration : IEntityTypeConfiguration<FailureCounter>
{
    public void Configure(EntityTypeBuilder<FailureCounter> b)
    {
        // FailureThrottle writes this table with raw SQL (an atomic upsert): keep the names in step.
        b.ToTable("FailureCounters");
        b.HasKey(c => new { c.Source, c.WindowStart });
        b.Property(c => c.Source).HasMaxLength(200);
        b.HasIndex(c => c.WindowStart);
    }
}
