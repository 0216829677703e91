using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Organisations;

namespace Rampart.Server.Intelligence.Store;

internal sealed class IntelObjectConfiguration : IEntityTypeConfiguration<IntelObject>
{
    public void Configure(EntityTypeBuilder<IntelObject> b)
    {
        b.ToTable("IntelObjects");
        b.HasKey(o => o.RecordId);
        b.Property(o => o.RecordId).ValueGeneratedNever();
        b.HasOne(o => o.Record).WithOne().HasForeignKey<IntelObject>(o => o.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Organisation>().WithMany().HasForeignKey(o => o.OwnerOrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.Property(o => o.StixId).HasMaxLength(IntelLimits.StixIdLength);
        b.Property(o => o.StixType).HasMaxLength(IntelLimits.StixTypeLength);
        b.Property(o => o.Name).HasMaxLength(IntelLimits.NameLength);
        b.Property(o => o.WithdrawnReason).HasMaxLength(IntelLimits.ReasonLength);
        b.HasIndex(o => new { o.OwnerOrganisationId, o.StixId }).IsUnique();
        b.HasIndex(o => o.StixId);
        b.HasIndex(o => new { o.StixType, o.RecordId });
        b.HasIndex(o => new { o.Modified, o.RecordId });
        b.HasIndex(o => new { o.UpdatedAt, o.RecordId });
        b.HasIndex(o => new { o.DecaysAt, o.RecordId });
        b.HasIndex(o => new { o.LastSightedAt, o.RecordId });
        // Search filters walked in record order (newest first) or as a range: owner, created, added, warning-listed.
        b.HasIndex(o => new { o.OwnerOrganisationId, o.RecordId });
        b.HasIndex(o => new { o.Created, o.RecordId });
        b.HasIndex(o => new { o.AddedAt, o.RecordId });
        b.HasIndex(o => new { o.WarningListed, o.RecordId });
        // A relationship's ends: the relationships of an object are two index ranges, not a search.
        b.Property(o => o.SourceRef).HasMaxLength(IntelLimits.StixIdLength);
        b.Property(o => o.TargetRef).HasMaxLength(IntelLimits.StixIdLength);
        b.HasIndex(o => new { o.SourceRef, o.RecordId }).HasFilter("\"SourceRef\" IS NOT NULL");
        b.HasIndex(o => new { o.TargetRef, o.RecordId }).HasFilter("\"TargetRef\" IS NOT NULL");
    }
}

internal sealed class IntelTermConfiguration : IEntityTypeConfiguration<Search.IntelTerm>
{
    public void Configure(EntityTypeBuilder<Search.IntelTerm> b)
    {
        b.ToTable("IntelTerms");
        b.HasKey(t => new { t.Term, t.RecordId });
        b.Property(t => t.Term).HasMaxLength(Notes.NoteSearch.MaxPrefix);
        b.HasOne(t => t.IntelObject).WithMany().HasForeignKey(t => t.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(t => t.RecordId);
    }
}

internal sealed class IntelObjectVersionConfiguration : IEntityTypeConfiguration<IntelObjectVersion>
{
    public void Configure(EntityTypeBuilder<IntelObjectVersion> b)
    {
        b.ToTable("IntelObjectVersions");
        b.HasKey(v => new { v.RecordId, v.Modified });
        b.HasOne(v => v.IntelObject).WithMany().HasForeignKey(v => v.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(v => new { v.DateAdded, v.RecordId });
    }
}

internal sealed class IntelLabelConfiguration : IEntityTypeConfiguration<IntelLabel>
{
    public void Configure(EntityTypeBuilder<IntelLabel> b)
    {
        b.ToTable("IntelLabels");
        b.HasKey(l => new { l.Label, l.RecordId });
        b.Property(l => l.Label).HasMaxLength(IntelLimits.LabelLength);
        b.HasOne(l => l.IntelObject).WithMany().HasForeignKey(l => l.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(l => l.RecordId);
    }
}

internal sealed class IntelWarningHitConfiguration : IEntityTypeConfiguration<IntelWarningHit>
{
    public void Configure(EntityTypeBuilder<IntelWarningHit> b)
    {
        b.ToTable("IntelWarningHits");
        b.HasKey(h => new { h.RecordId, h.ListName });
        b.Property(h => h.ListName).HasMaxLength(IntelLimits.ListNameLength);
        b.Property(h => h.Value).HasMaxLength(IntelLimits.ObservableValueLength);
        b.Property(h => h.Entry).HasMaxLength(IntelLimits.ObservableValueLength);
        b.HasOne(h => h.IntelObject).WithMany().HasForeignKey(h => h.RecordId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ObservableConfiguration : IEntityTypeConfiguration<Observable>
{
    public void Configure(EntityTypeBuilder<Observable> b)
    {
        b.ToTable("Observables");
        b.Property(o => o.Id).ValueGeneratedOnAdd();
        b.Property(o => o.Value).HasMaxLength(IntelLimits.ObservableValueLength);
        b.Property(o => o.RangeStart).HasMaxLength(16);
        b.Property(o => o.RangeEnd).HasMaxLength(16);
        b.Property(o => o.ReversedDomain).HasMaxLength(IntelLimits.ReversedDomainLength);
        b.HasIndex(o => new { o.Kind, o.Value }).IsUnique();
        b.HasIndex(o => new { o.RangeStart, o.RangeEnd }).HasFilter("\"RangeStart\" IS NOT NULL");
        b.HasIndex(o => o.ReversedDomain).HasFilter("\"ReversedDomain\" IS NOT NULL");
    }
}

internal sealed class ObservableLinkConfiguration : IEntityTypeConfiguration<ObservableLink>
{
    public void Configure(EntityTypeBuilder<ObservableLink> b)
    {
        b.ToTable("ObservableLinks");
        b.HasKey(l => new { l.ObservableId, l.RecordId });
        b.HasOne<Observable>().WithMany().HasForeignKey(l => l.ObservableId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<IntelObject>().WithMany().HasForeignKey(l => l.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(l => new { l.RecordId, l.ObservableId });
    }
}

internal sealed class IntelChangeConfiguration : IEntityTypeConfiguration<IntelChange>
{
    public void Configure(EntityTypeBuilder<IntelChange> b)
    {
        b.ToTable("IntelChanges");
        b.HasKey(c => c.Sequence);
        b.Property(c => c.Sequence).ValueGeneratedOnAdd();
        // An object's history: its changes newest first, one index range per page.
        b.HasIndex(c => new { c.RecordId, c.Sequence });
    }
}

internal sealed class IntelImportJobConfiguration : IEntityTypeConfiguration<IntelImportJob>
{
    public void Configure(EntityTypeBuilder<IntelImportJob> b)
    {
        b.ToTable("IntelImportJobs");
        b.HasKey(j => j.Id);
        b.Property(j => j.Id).ValueGeneratedNever();
        b.HasOne<Organisation>().WithMany().HasForeignKey(j => j.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.Property(j => j.Error).HasMaxLength(IntelLimits.ReasonLength);
        b.HasIndex(j => new { j.OrganisationId, j.Id });
        b.HasIndex(j => j.Status);
    }
}

internal sealed class IntelImportOutcomeConfiguration : IEntityTypeConfiguration<IntelImportOutcome>
{
    public void Configure(EntityTypeBuilder<IntelImportOutcome> b)
    {
        b.ToTable("IntelImportOutcomes");
        b.HasKey(o => new { o.JobId, o.Ordinal });
        b.HasOne<IntelImportJob>().WithMany().HasForeignKey(o => o.JobId).OnDelete(DeleteBehavior.Cascade);
        b.Property(o => o.StixId).HasMaxLength(IntelLimits.StixIdLength);
        b.Property(o => o.Detail).HasMaxLength(IntelLimits.ReasonLength);
    }
}
