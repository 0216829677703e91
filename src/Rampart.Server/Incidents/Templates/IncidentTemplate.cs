using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Organisations;
using Rampart.Standards.Markings;

namespace Rampart.Server.Incidents.Templates;

/// <summary>
/// A template per incident type: preset TLP, severity, sector, RSIT pairs and tasks. Configuration, not a record: it names
/// no incident and reveals none. Owned by an organisation (its administrators keep it; its people use it) or node-wide
/// (<see cref="OrganisationId"/> null: node administrators keep it; everyone uses it).
/// </summary>
public sealed class IncidentTemplate
{
    public Guid Id { get; set; }

    public Guid? OrganisationId { get; set; }

    public required string Name { get; set; }

    public string Description { get; set; } = "";

    public Tlp? Tlp { get; set; }

    public IncidentSeverity? Severity { get; set; }

    public string? Sector { get; set; }

    /// <summary>RSIT pairs as "category/type", separated by new lines.</summary>
    public string Classifications { get; set; } = "";

    public List<IncidentTemplateTask> Tasks { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ModifiedAt { get; set; }

    public int Version { get; set; }
}

public sealed class IncidentTemplateTask
{
    public long Id { get; set; }

    public Guid TemplateId { get; set; }

    public int Position { get; set; }

    public required string Title { get; set; }

    public string Description { get; set; } = "";

    public bool OwnerOnly { get; set; }
}

internal sealed class IncidentTemplateConfiguration : IEntityTypeConfiguration<IncidentTemplate>
{
    public void Configure(EntityTypeBuilder<IncidentTemplate> b)
    {
        b.ToTable("IncidentTemplates");
        b.HasKey(t => t.Id);
        b.Property(t => t.Id).ValueGeneratedNever();
        b.HasOne<Organisation>().WithMany().HasForeignKey(t => t.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        // An organisation's templates (and the node-wide ones, OrganisationId null) by name.
        b.HasIndex(t => new { t.OrganisationId, t.Name });
        b.Property(t => t.Name).HasMaxLength(TemplateLimits.NameLength);
        b.Property(t => t.Description).HasMaxLength(TemplateLimits.DescriptionLength);
        b.Property(t => t.Sector).HasMaxLength(40);
        b.Property(t => t.Classifications).HasMaxLength(4000);
        b.Property(t => t.Version).IsConcurrencyToken();
        b.HasMany(t => t.Tasks).WithOne().HasForeignKey(t => t.TemplateId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IncidentTemplateTaskConfiguration : IEntityTypeConfiguration<IncidentTemplateTask>
{
    public void Configure(EntityTypeBuilder<IncidentTemplateTask> b)
    {
        b.ToTable("IncidentTemplateTasks");
        b.HasKey(t => t.Id);
        b.Property(t => t.Id).ValueGeneratedOnAdd();
        b.HasIndex(t => new { t.TemplateId, t.Position });
        b.Property(t => t.Title).HasMaxLength(IncidentLimits.TaskTitleLength);
        b.Property(t => t.Description).HasMaxLength(IncidentLimits.TaskDescriptionLength);
    }
}

public static class TemplateLimits
{
    public const int NameLength = 200;
    public const int DescriptionLength = 4000;
    public const int MaxTasks = 50;
}
