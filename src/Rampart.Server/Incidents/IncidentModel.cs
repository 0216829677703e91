using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Organisations;

namespace Rampart.Server.Incidents;

public static class IncidentLimits
{
    public const int TitleLength = 300;
    public const int SummaryLength = 100_000;
    public const int EntityLength = 300;
    public const int EntryLength = 50_000;
    public const int TaskTitleLength = 300;
    public const int TaskDescriptionLength = 20_000;
    public const int LogLength = 10_000;
    public const int MessageLength = 2_000;
    public const int MaxCountries = 60;
    public const int MaxClassifications = 20;
    public const int MaxTechniques = 50;
    public const int TechniqueIdLength = 20;
}

internal sealed class IncidentConfiguration : IEntityTypeConfiguration<Incident>
{
    public void Configure(EntityTypeBuilder<Incident> b)
    {
        b.ToTable("Incidents");
        b.HasKey(i => i.RecordId);
        b.Property(i => i.RecordId).ValueGeneratedNever();
        b.HasOne(i => i.Record).WithOne().HasForeignKey<Incident>(i => i.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(i => i.Id).IsUnique();
        b.HasIndex(i => new { i.Year, i.Number }).IsUnique();
        b.Ignore(i => i.HumanId);
        b.Property(i => i.Title).HasMaxLength(IncidentLimits.TitleLength);
        b.Property(i => i.Summary).HasMaxLength(IncidentLimits.SummaryLength);
        b.Property(i => i.AffectedEntity).HasMaxLength(IncidentLimits.EntityLength);
        b.Property(i => i.Sector).HasMaxLength(40);
        b.Property(i => i.Version).IsConcurrencyToken();
        // The list filters: each an index range walked newest first, then the access decision per row.
        b.HasIndex(i => new { i.Status, i.RecordId });
        b.HasIndex(i => new { i.Severity, i.RecordId });
        b.HasIndex(i => new { i.Sector, i.RecordId });
        b.HasMany(i => i.Countries).WithOne().HasForeignKey(c => c.IncidentRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(i => i.Classifications).WithOne().HasForeignKey(c => c.IncidentRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(i => i.Techniques).WithOne().HasForeignKey(t => t.IncidentRecordId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IncidentTechniqueConfiguration : IEntityTypeConfiguration<IncidentTechnique>
{
    public void Configure(EntityTypeBuilder<IncidentTechnique> b)
    {
        b.ToTable("IncidentTechniques");
        b.HasKey(t => new { t.IncidentRecordId, t.TechniqueId });
        b.Property(t => t.TechniqueId).HasMaxLength(IncidentLimits.TechniqueIdLength);
        // ?disarm=T0023: the tag's index range newest first, then the access decision per row.
        b.HasIndex(t => new { t.TechniqueId, t.IncidentRecordId });
    }
}

internal sealed class IncidentCountryConfiguration : IEntityTypeConfiguration<IncidentCountry>
{
    public void Configure(EntityTypeBuilder<IncidentCountry> b)
    {
        b.ToTable("IncidentCountries");
        b.HasKey(c => new { c.IncidentRecordId, c.Country });
        b.Property(c => c.Country).HasMaxLength(2);
        b.HasIndex(c => new { c.Country, c.IncidentRecordId });
    }
}

internal sealed class IncidentClassificationConfiguration : IEntityTypeConfiguration<IncidentClassification>
{
    public void Configure(EntityTypeBuilder<IncidentClassification> b)
    {
        b.ToTable("IncidentClassifications");
        b.HasKey(c => new { c.IncidentRecordId, c.Category, c.Kind });
        b.Property(c => c.Category).HasMaxLength(60);
        b.Property(c => c.Kind).HasMaxLength(60);
        b.HasIndex(c => new { c.Category, c.IncidentRecordId });
    }
}

internal sealed class IncidentSequenceConfiguration : IEntityTypeConfiguration<IncidentSequence>
{
    public void Configure(EntityTypeBuilder<IncidentSequence> b)
    {
        b.ToTable("IncidentSequences");
        b.HasKey(s => s.Year);
        b.Property(s => s.Year).ValueGeneratedNever();
    }
}

internal sealed class IncidentParticipantConfiguration : IEntityTypeConfiguration<IncidentParticipant>
{
    public void Configure(EntityTypeBuilder<IncidentParticipant> b)
    {
        b.ToTable("IncidentParticipants");
        b.HasKey(p => p.Id);
        b.Property(p => p.Id).ValueGeneratedNever();
        b.HasOne(p => p.Incident).WithMany().HasForeignKey(p => p.IncidentRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Organisation>().WithMany().HasForeignKey(p => p.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(p => new { p.IncidentRecordId, p.OrganisationId }).IsUnique();
        // An organisation's invitations, newest first (UUIDv7 ids increase with time).
        b.HasIndex(p => new { p.OrganisationId, p.Status, p.Id });
        b.Property(p => p.Message).HasMaxLength(IncidentLimits.MessageLength);
    }
}

internal sealed class IncidentJournalEntryConfiguration : IEntityTypeConfiguration<IncidentJournalEntry>
{
    public void Configure(EntityTypeBuilder<IncidentJournalEntry> b)
    {
        b.ToTable("IncidentJournal");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedOnAdd();
        b.HasOne(e => e.Incident).WithMany().HasForeignKey(e => e.IncidentRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => e.PublicId).IsUnique();
        b.HasIndex(e => new { e.IncidentRecordId, e.Id });
        b.Property(e => e.Body).HasMaxLength(IncidentLimits.EntryLength);
        b.Property(e => e.Event).HasMaxLength(40);
    }
}

internal sealed class IncidentTaskConfiguration : IEntityTypeConfiguration<IncidentTask>
{
    public void Configure(EntityTypeBuilder<IncidentTask> b)
    {
        b.ToTable("IncidentTasks");
        b.HasKey(t => t.Id);
        b.Property(t => t.Id).ValueGeneratedOnAdd();
        b.HasOne(t => t.Incident).WithMany().HasForeignKey(t => t.IncidentRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(t => t.PublicId).IsUnique();
        b.HasIndex(t => new { t.IncidentRecordId, t.Id });
        b.HasIndex(t => new { t.IncidentRecordId, t.Status });
        b.Property(t => t.Title).HasMaxLength(IncidentLimits.TaskTitleLength);
        b.Property(t => t.Description).HasMaxLength(IncidentLimits.TaskDescriptionLength);
        b.Property(t => t.Version).IsConcurrencyToken();
        b.Property(t => t.Duty).HasMaxLength(40);
        b.HasMany(t => t.Log).WithOne().HasForeignKey(l => l.TaskId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IncidentTaskLogConfiguration : IEntityTypeConfiguration<IncidentTaskLog>
{
    public void Configure(EntityTypeBuilder<IncidentTaskLog> b)
    {
        b.ToTable("IncidentTaskLog");
        b.HasKey(l => l.Id);
        b.Property(l => l.Id).ValueGeneratedOnAdd();
        b.HasIndex(l => new { l.TaskId, l.Id });
        b.Property(l => l.Text).HasMaxLength(IncidentLimits.LogLength);
    }
}
