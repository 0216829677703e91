using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Organisations;

namespace Rampart.Server.Intelligence.CsvMappings;

/// <summary>
/// A named CSV column mapping saved by an organisation: the parameters of <c>POST /api/intel/csv</c>'s query string
/// (<c>value_column</c>, <c>kind</c> …), stored in that form so that a saved mapping is read by the same
/// <see cref="Ingest.IntelCsvImport.Mapping"/> as a mapping given in the query string.
/// </summary>
public sealed class IntelCsvMapping
{
    public long Id { get; set; }

    public Guid PublicId { get; set; }

    public Guid OrganisationId { get; set; }

    public string Name { get; set; } = "";

    /// <summary>The query-string parameters as JSON (<c>{"value_column":["ioc"],"header":["true"]}</c>), normalised.</summary>
    public string Parameters { get; set; } = "{}";

    public Guid CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class IntelCsvMappingConfiguration : IEntityTypeConfiguration<IntelCsvMapping>
{
    public void Configure(EntityTypeBuilder<IntelCsvMapping> b)
    {
        b.ToTable("IntelCsvMappings");
        b.HasKey(m => m.Id);
        b.HasIndex(m => m.PublicId).IsUnique();
        // Names are unique per organisation; the list pages by (organisation, id).
        b.HasIndex(m => new { m.OrganisationId, m.Name }).IsUnique();
        b.HasIndex(m => new { m.OrganisationId, m.Id });
        b.HasOne<Organisation>().WithMany().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.Property(m => m.Name).HasMaxLength(CsvMappingLimits.NameLength);
        b.Property(m => m.Parameters).HasMaxLength(CsvMappingLimits.ParametersLength);
    }
}

public static class CsvMappingLimits
{
    public const int NameLength = 200;
    public const int ColumnLength = 200;
    public const int MaxColumns = 50;
    public const int ParametersLength = 10000;
    public const int MaxPerOrganisation = 200;
}
