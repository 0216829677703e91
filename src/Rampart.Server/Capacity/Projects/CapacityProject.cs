using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Access;

namespace Rampart.Server.Capacity.Projects;

/// <summary>Where a project is in its life, as the GFCE Cybil portal lists them.</summary>
public enum ProjectStatus
{
    Planned = 0,
    Ongoing = 1,
    Completed = 2,
    Cancelled = 3,
}

/// <summary>The five GFCE themes.</summary>
public enum ProjectTheme
{
    PolicyAndStrategy = 0,
    IncidentManagementAndCriticalInfrastructureProtection = 1,
    Cybercrime = 2,
    CultureAndSkills = 3,
    Standards = 4,
}

/// <summary>The part an actor plays in a project.</summary>
public enum ActorRole
{
    Funder = 0,
    Implementer = 1,
    Beneficiary = 2,
    Partner = 3,
}

/// <summary>
/// Who reads a project. Mapped onto the access decision, not beside it: <see cref="Network"/> is TLP:GREEN with a
/// network grant (every logged-in member of the node); <see cref="Public"/> is TLP:CLEAR with a network grant and
/// published (also people who are not logged in).
/// </summary>
public enum ProjectVisibility
{
    Network = 0,
    Public = 1,
}

/// <summary>An actor of a project: an organisation of the node (by id) or an external one (by name).</summary>
public sealed record ProjectActor(ActorRole Role, Guid? OrganisationId, string? Name);

/// <summary>A link or a publication: a title and an http(s) address.</summary>
public sealed record ProjectLink(string Title, string Url);

/// <summary>The list-valued fields of a project, stored together as one JSON column (filters use <see cref="ProjectFacet"/>).</summary>
public sealed record ProjectLists(
    IReadOnlyList<ProjectTheme> Themes,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Countries,
    IReadOnlyList<ProjectActor> Actors,
    IReadOnlyList<ProjectLink> Links,
    IReadOnlyList<ProjectLink> Publications)
{
    public static ProjectLists Empty { get; } = new([], [], [], [], [], []);
}

/// <summary>A capacity-building project of the registry: a shareable record (network-only or public).</summary>
public sealed class CapacityProject : IShareable
{
    public static RecordType Type => RecordType.CapacityProject;

    public long RecordId { get; set; }

    public SharedRecord Record { get; set; } = null!;

    /// <summary>The public id (UUIDv7) in URLs and the API.</summary>
    public Guid Id { get; set; }

    public string? Code { get; set; }

    /// <summary>The code, upper-cased: duplicate detection is an index lookup.</summary>
    public string? CodeKey { get; set; }

    public required string Title { get; set; }

    /// <summary>The title normalised (<see cref="ProjectRules.TitleKey"/>): duplicate detection by title is an index lookup.</summary>
    public required string TitleKey { get; set; }

    public ProjectStatus Status { get; set; }

    /// <summary>First month, <c>yyyy-MM</c>.</summary>
    public required string Start { get; set; }

    /// <summary>Last month, <c>yyyy-MM</c>; null while open-ended.</summary>
    public string? End { get; set; }

    public string Summary { get; set; } = "";

    public string Aim { get; set; } = "";

    public string Context { get; set; } = "";

    public string Outcomes { get; set; } = "";

    /// <summary>The budget in whole units of <see cref="Currency"/>.</summary>
    public long? Budget { get; set; }

    /// <summary>ISO 4217 code of <see cref="Budget"/>.</summary>
    public string? Currency { get; set; }

    public ProjectLists Lists { get; set; } = ProjectLists.Empty;

    public Guid CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ModifiedAt { get; set; }
}

/// <summary>What a <see cref="ProjectFacet"/> row filters by.</summary>
public enum ProjectFacetKind : short
{
    Country = 1,
    Theme = 2,
    Status = 3,
    Year = 4,
    Actor = 5,
    Tag = 6,
}

/// <summary>
/// One filterable value of one project (a country, a theme, a year it runs in, an actor …): every filter is an
/// equality lookup on this table's primary key, on SQLite and PostgreSQL alike.
/// </summary>
public sealed class ProjectFacet
{
    public ProjectFacetKind Kind { get; set; }

    public required string Value { get; set; }

    public long RecordId { get; set; }

    public CapacityProject? Project { get; set; }
}

public enum SuggestionStatus
{
    Pending = 0,
    Accepted = 1,
    Rejected = 2,
}

/// <summary>A change of a project proposed by a member of another organisation, decided by the project's owner.</summary>
public sealed class ProjectSuggestion
{
    public Guid Id { get; set; }

    public long ProjectRecordId { get; set; }

    public CapacityProject? Project { get; set; }

    public Guid OrganisationId { get; set; }

    public Guid UserId { get; set; }

    /// <summary>The proposed project, as a complete request (JSON).</summary>
    public required string Proposed { get; set; }

    public string Comment { get; set; } = "";

    public SuggestionStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// The project's last change when the suggestion was made: a later change means accepting would overwrite it, so
    /// the owner must say so (null for suggestions made before this was kept: treated as possibly stale).
    /// </summary>
    public DateTimeOffset? BasedOn { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public Guid? DecidedByUserId { get; set; }

    public string? DecisionNote { get; set; }
}

internal sealed class CapacityProjectConfiguration : IEntityTypeConfiguration<CapacityProject>
{
    public void Configure(EntityTypeBuilder<CapacityProject> b)
    {
        b.ToTable("CapacityProjects");
        b.HasKey(p => p.RecordId);
        b.Property(p => p.RecordId).ValueGeneratedNever();
        b.HasOne(p => p.Record).WithOne().HasForeignKey<CapacityProject>(p => p.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(p => p.Id).IsUnique();
        b.HasIndex(p => new { p.CodeKey, p.RecordId });
        b.HasIndex(p => new { p.TitleKey, p.RecordId });
        b.Property(p => p.Code).HasMaxLength(ProjectRules.CodeLength);
        b.Property(p => p.CodeKey).HasMaxLength(ProjectRules.CodeLength);
        b.Property(p => p.Title).HasMaxLength(ProjectRules.TitleLength);
        b.Property(p => p.TitleKey).HasMaxLength(ProjectRules.TitleLength);
        b.Property(p => p.Start).HasMaxLength(7);
        b.Property(p => p.End).HasMaxLength(7);
        b.Property(p => p.Currency).HasMaxLength(3);
        b.Property(p => p.Summary).HasMaxLength(ProjectRules.TextLength);
        b.Property(p => p.Aim).HasMaxLength(ProjectRules.TextLength);
        b.Property(p => p.Context).HasMaxLength(ProjectRules.TextLength);
        b.Property(p => p.Outcomes).HasMaxLength(ProjectRules.TextLength);
        b.Property(p => p.Lists).HasConversion(
            v => System.Text.Json.JsonSerializer.Serialize(v, ProjectRules.StoreJson),
            v => System.Text.Json.JsonSerializer.Deserialize<ProjectLists>(v, ProjectRules.StoreJson) ?? ProjectLists.Empty,
            new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<ProjectLists>(
                (a, c) => System.Text.Json.JsonSerializer.Serialize(a, ProjectRules.StoreJson) == System.Text.Json.JsonSerializer.Serialize(c, ProjectRules.StoreJson),
                v => System.Text.Json.JsonSerializer.Serialize(v, ProjectRules.StoreJson).GetHashCode(StringComparison.Ordinal),
                v => v));
    }
}

internal sealed class ProjectFacetConfiguration : IEntityTypeConfiguration<ProjectFacet>
{
    public void Configure(EntityTypeBuilder<ProjectFacet> b)
    {
        b.ToTable("CapacityProjectFacets");
        b.HasKey(f => new { f.Kind, f.Value, f.RecordId });
        b.Property(f => f.Value).HasMaxLength(ProjectRules.FacetLength);
        b.HasOne(f => f.Project).WithMany().HasForeignKey(f => f.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(f => f.RecordId);
    }
}

internal sealed class ProjectSuggestionConfiguration : IEntityTypeConfiguration<ProjectSuggestion>
{
    public void Configure(EntityTypeBuilder<ProjectSuggestion> b)
    {
        b.ToTable("CapacityProjectSuggestions");
        b.HasKey(s => s.Id);
        b.HasOne(s => s.Project).WithMany().HasForeignKey(s => s.ProjectRecordId).OnDelete(DeleteBehavior.Cascade);
        // Two decisions at the same moment: the second's UPDATE finds the status changed and is refused.
        b.Property(s => s.Status).IsConcurrencyToken();
        b.HasIndex(s => new { s.ProjectRecordId, s.Id });
        b.HasIndex(s => new { s.OrganisationId, s.Id });
        b.Property(s => s.Proposed).HasMaxLength(200_000);
        b.Property(s => s.Comment).HasMaxLength(ProjectRules.TextLength);
        b.Property(s => s.DecisionNote).HasMaxLength(ProjectRules.TextLength);
    }
}
