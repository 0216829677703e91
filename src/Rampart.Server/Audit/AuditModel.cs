using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Rampart.Server.Audit;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> b)
    {
        b.ToTable("AuditEntries");
        b.HasKey(a => a.Id);
        b.HasIndex(a => a.Sequence).IsUnique();
        b.Property(a => a.Credential).HasMaxLength(100);
        b.Property(a => a.ClientIp).HasMaxLength(64);
        b.Property(a => a.Target).HasMaxLength(200);
        b.Property(a => a.Detail).HasMaxLength(1000);
        b.Property(a => a.PreviousHash).HasMaxLength(64);
        b.Property(a => a.Hash).HasMaxLength(64);
        b.HasIndex(a => a.OrganisationId);
        b.HasIndex(a => a.Time);
    }
}
