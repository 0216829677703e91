using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Standards.Sim3;

namespace Rampart.Server.Capacity.Maturity;

internal sealed class MaturityModelVersionConfiguration : IEntityTypeConfiguration<MaturityModelVersion>
{
    public void Configure(EntityTypeBuilder<MaturityModelVersion> b)
    {
        b.ToTable("MaturityModelVersions");
        b.HasKey(v => v.Key);
        b.Property(v => v.Key).HasMaxLength(MaturityLimits.KeyLength);
        b.Property(v => v.Title).HasMaxLength(MaturityLimits.NameLength);
        b.Property(v => v.Source).HasMaxLength(MaturityLimits.TextLength);
        // Seeded with the schema, so every node (and every app server) has the same SIM3 versions from its first start.
        var seededAt = new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
        b.HasData(Sim3Model.Versions.Select(v => new MaturityModelVersion { Key = v.Key, Title = v.Title, Source = v.Source, CreatedAt = seededAt }));
    }
}

internal sealed class MaturityParameterConfiguration : IEntityTypeConfiguration<MaturityParameter>
{
    public void Configure(EntityTypeBuilder<MaturityParameter> b)
    {
        b.ToTable("MaturityParameters");
        b.HasKey(p => new { p.ModelKey, p.ParameterId });
        b.Property(p => p.ModelKey).HasMaxLength(MaturityLimits.KeyLength);
        b.Property(p => p.ParameterId).HasMaxLength(MaturityLimits.ParameterIdLength);
        b.Property(p => p.Name).HasMaxLength(MaturityLimits.NameLength);
        b.Property(p => p.Description).HasMaxLength(MaturityLimits.TextLength);
        b.HasOne<MaturityModelVersion>().WithMany().HasForeignKey(p => p.ModelKey).OnDelete(DeleteBehavior.Cascade);
        b.HasData(Sim3Model.Versions.SelectMany(v => v.Parameters.Select((p, i) => new MaturityParameter
        {
            ModelKey = v.Key, ParameterId = p.Id, Category = p.Category, Position = i + 1, Name = p.Name, NameVerified = p.NameVerified, Description = p.Description,
        })));
    }
}

internal sealed class MaturityParameterTextConfiguration : IEntityTypeConfiguration<MaturityParameterText>
{
    public void Configure(EntityTypeBuilder<MaturityParameterText> b)
    {
        b.ToTable("MaturityParameterTexts");
        b.HasKey(t => new { t.ModelKey, t.ParameterId, t.Culture });
        b.Property(t => t.ModelKey).HasMaxLength(MaturityLimits.KeyLength);
        b.Property(t => t.ParameterId).HasMaxLength(MaturityLimits.ParameterIdLength);
        b.Property(t => t.Culture).HasMaxLength(16);
        b.Property(t => t.Name).HasMaxLength(MaturityLimits.NameLength);
        b.Property(t => t.Description).HasMaxLength(MaturityLimits.TextLength);
        b.HasOne<MaturityParameter>().WithMany().HasForeignKey(t => new { t.ModelKey, t.ParameterId }).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MaturityAssessmentConfiguration : IEntityTypeConfiguration<MaturityAssessment>
{
    public void Configure(EntityTypeBuilder<MaturityAssessment> b)
    {
        b.ToTable("MaturityAssessments");
        b.HasKey(a => a.RecordId);
        b.Property(a => a.RecordId).ValueGeneratedNever();
        b.HasOne(a => a.Record).WithOne().HasForeignKey<MaturityAssessment>(a => a.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => a.Id).IsUnique();
        b.HasIndex(a => new { a.SeriesId, a.Version }).IsUnique();
        // The regional comparison: per model version and organisation, the latest finished assessment.
        b.HasIndex(a => new { a.ModelKey, a.OrganisationId, a.Status, a.Date });
        b.Property(a => a.ModelKey).HasMaxLength(MaturityLimits.KeyLength);
        b.Property(a => a.Assessors).HasMaxLength(MaturityLimits.NameLength);
        b.HasOne<MaturityModelVersion>().WithMany().HasForeignKey(a => a.ModelKey).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(a => a.Ratings).WithOne().HasForeignKey(r => r.AssessmentRecordId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MaturityRatingConfiguration : IEntityTypeConfiguration<MaturityRating>
{
    public void Configure(EntityTypeBuilder<MaturityRating> b)
    {
        b.ToTable("MaturityRatings");
        b.HasKey(r => new { r.AssessmentRecordId, r.ParameterId });
        b.Property(r => r.ParameterId).HasMaxLength(MaturityLimits.ParameterIdLength);
        b.Property(r => r.Comment).HasMaxLength(MaturityLimits.TextLength);
        b.Property(r => r.Evidence).HasMaxLength(MaturityLimits.EvidenceLength);
        b.HasMany(r => r.Files).WithOne().HasForeignKey(f => new { f.AssessmentRecordId, f.ParameterId }).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MaturityEvidenceFileConfiguration : IEntityTypeConfiguration<MaturityEvidenceFile>
{
    public void Configure(EntityTypeBuilder<MaturityEvidenceFile> b)
    {
        b.ToTable("MaturityEvidenceFiles");
        b.HasKey(f => new { f.AssessmentRecordId, f.AttachmentId });
        b.Property(f => f.ParameterId).HasMaxLength(MaturityLimits.ParameterIdLength);
        b.HasOne(f => f.Attachment).WithMany().HasForeignKey(f => f.AttachmentId).OnDelete(DeleteBehavior.Cascade);
        // Whether another version still links a file (it is deleted with its last link).
        b.HasIndex(f => f.AttachmentId);
        b.HasIndex(f => new { f.AssessmentRecordId, f.ParameterId });
    }
}

internal sealed class MaturityProfileConfiguration : IEntityTypeConfiguration<MaturityProfile>
{
    public void Configure(EntityTypeBuilder<MaturityProfile> b)
    {
        b.ToTable("MaturityProfiles");
        b.HasKey(p => p.RecordId);
        b.Property(p => p.RecordId).ValueGeneratedNever();
        b.HasOne(p => p.Record).WithOne().HasForeignKey<MaturityProfile>(p => p.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(p => p.Id).IsUnique();
        b.HasIndex(p => new { p.SeriesId, p.Version }).IsUnique();
        b.Property(p => p.Name).HasMaxLength(MaturityLimits.NameLength);
        b.Property(p => p.NameKey).HasMaxLength(MaturityLimits.NameLength);
        // Rows the upgrade's start-up step has still to fill (NameKey = '') are found by index.
        b.HasIndex(p => p.NameKey);
        b.Property(p => p.ModelKey).HasMaxLength(MaturityLimits.KeyLength);
        b.HasOne<MaturityModelVersion>().WithMany().HasForeignKey(p => p.ModelKey).OnDelete(DeleteBehavior.Restrict);
        b.HasMany(p => p.Levels).WithOne().HasForeignKey(l => l.ProfileRecordId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MaturityProfileLevelConfiguration : IEntityTypeConfiguration<MaturityProfileLevel>
{
    public void Configure(EntityTypeBuilder<MaturityProfileLevel> b)
    {
        b.ToTable("MaturityProfileLevels");
        b.HasKey(l => new { l.ProfileRecordId, l.ParameterId });
        b.Property(l => l.ParameterId).HasMaxLength(MaturityLimits.ParameterIdLength);
    }
}

internal sealed class MaturityComparisonOptInConfiguration : IEntityTypeConfiguration<MaturityComparisonOptIn>
{
    public void Configure(EntityTypeBuilder<MaturityComparisonOptIn> b)
    {
        b.ToTable("MaturityComparisonOptIns");
        b.HasKey(o => o.OrganisationId);
        b.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(o => o.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>Sizes of maturity fields.</summary>
public static class MaturityLimits
{
    public const int KeyLength = 64;
    public const int ParameterIdLength = 8;
    public const int NameLength = 200;
    public const int TextLength = 4000;
    public const int EvidenceLength = 4000;
    public const int MaxEvidenceLinks = 10;
    public const int LinkLength = 2000;
    public const int MaxParameters = 200;

    /// <summary>Evidence files per parameter of one assessment.</summary>
    public const int MaxEvidenceFiles = 20;
}
