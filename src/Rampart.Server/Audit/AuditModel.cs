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
        b.HasIndex(a => new { a.UserId, a.Sequence });
    }
}

internal sealed class AuditCheckpointConfiguration : IEntityTypeConfiguration<AuditCheckpoint>
{
    public void Configure(EntityTypeBuilder<AuditCheckpoint> b)
    {
        b.ToTable("AuditCheckpoints");
        b.HasKey(c => c.Id);
        b.HasIndex(c => c.Sequence).IsUnique();
        b.Property(c => c.HeadHash).HasMaxLength(64);
        b.Property(c => c.KeyId).HasMaxLength(16);
        b.Property(c => c.Signature).HasMaxLength(200);
    }
}

internal sealed class AuditJobStateConfiguration : IEntityTypeConfiguration<AuditJobState>
{
    public void Configure(EntityTypeBuilder<AuditJobState> b)
    {
        b.ToTable("AuditJobState");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.Property(s => s.LeaseHolder).HasMaxLength(200);
        b.Property(s => s.Problem).HasMaxLength(1000);
        b.HasData(new AuditJobState { Id = AuditJobState.SingletonId });
    }
}

internal sealed class AuditDenialCounterConfiguration : IEntityTypeConfiguration<AuditDenialCounter>
{
    public void Configure(EntityTypeBuilder<AuditDenialCounter> b)
    {
        b.ToTable("AuditDenialCounters");
        b.HasKey(c => c.Id);
        b.Property(c => c.Actor).HasMaxLength(120);
        b.Property(c => c.Credential).HasMaxLength(100);
        b.Property(c => c.ClientIp).HasMaxLength(64);
        b.HasIndex(c => new { c.Actor, c.Status, c.WindowStart }).IsUnique();
        b.HasIndex(c => c.WindowEnd);
    }
}
