using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Access;

namespace Rampart.Server.Capacity.Plans;

public enum PlanKind
{
    CapacityBuilding = 1,
    CyberHygiene = 2,
}

public enum PlanStatus
{
    Draft = 1,
    Active = 2,
    Completed = 3,
    Archived = 4,
}

public enum ActionStatus
{
    Planned = 1,
    InProgress = 2,
    Done = 3,
    Cancelled = 4,
}

public enum FundingSource
{
    Own = 1,
    DonorProject = 2,
    Network = 3,
}

/// <summary>What an action came from, when it came from another record (a lesson of an exercise, an incident post-mortem).</summary>
public enum ActionSourceKind
{
    Incident = 1,
    Exercise = 2,
}

/// <summary>Who a cyber-hygiene plan addresses (flags: a plan may address several).</summary>
[Flags]
public enum TargetGroups
{
    None = 0,
    GeneralPublic = 1,
    CriticalInfrastructureOperators = 2,
    PublicSectorStaff = 4,
}

/// <summary>
/// A capacity-building (or cyber-hygiene) plan of one organisation: a shareable record, own organisation only unless
/// shared. Its actions, campaigns, materials and indicators are rows of their own, read only after the plan is.
/// </summary>
public sealed class CapacityPlan : IShareable
{
    public static RecordType Type => RecordType.CapacityPlan;

    public long RecordId { get; set; }

    public SharedRecord Record { get; set; } = null!;

    public Guid Id { get; set; }

    /// <summary>The planning organisation (the record's owner).</summary>
    public Guid OrganisationId { get; set; }

    public required string Title { get; set; }

    public PlanKind Kind { get; set; }

    public PlanStatus Status { get; set; }

    /// <summary>The SIM3 model version the actions' parameters belong to.</summary>
    public required string ModelKey { get; set; }

    public Guid? SourceAssessmentId { get; set; }

    public Guid? TargetProfileId { get; set; }

    public TargetGroups TargetGroups { get; set; }

    public Guid CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ModifiedAt { get; set; }
}

/// <summary>A word prefix of a plan's title (see <see cref="Notes.NoteSearch"/>): the title search is an index lookup.</summary>
public sealed class PlanTitleTerm
{
    public required string Term { get; set; }

    public long RecordId { get; set; }

    public CapacityPlan? Plan { get; set; }
}

public sealed class PlanAction
{
    public Guid Id { get; set; }

    public long PlanRecordId { get; set; }

    public CapacityPlan? Plan { get; set; }

    /// <summary>1, 2, 3 … within the plan, never reused: the order of the list and the analyst's "action 3".</summary>
    public int Number { get; set; }

    public required string Title { get; set; }

    public string? Description { get; set; }

    /// <summary>A person or an organisation, as free text (a user's name or a team).</summary>
    public string? Owner { get; set; }

    public DateOnly? StartDate { get; set; }

    public DateOnly? DueDate { get; set; }

    public ActionStatus Status { get; set; }

    public decimal? Budget { get; set; }

    public string? Currency { get; set; }

    public FundingSource Funding { get; set; }

    /// <summary>The registry project funding it (<see cref="FundingSource.DonorProject"/>), by public id.</summary>
    public Guid? FundingProjectId { get; set; }

    public ActionSourceKind? SourceKind { get; set; }

    /// <summary>The source record's public id: a link, shown only to readers of that record.</summary>
    public Guid? SourceId { get; set; }

    /// <summary>
    /// What the action came from in words, when there is no record on this node to link (an exercise and its lesson, another
    /// team's incident post-mortem) or beside the link; plan text, shown to every reader of the plan.
    /// </summary>
    public string? SourceReference { get; set; }

    /// <summary>The template it was made from, if any.</summary>
    public string? TemplateKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ModifiedAt { get; set; }

    public List<PlanActionParameter> Parameters { get; set; } = [];

    public List<PlanActionDependency> Dependencies { get; set; } = [];
}

/// <summary>A SIM3 parameter an action raises, and to which level.</summary>
public sealed class PlanActionParameter
{
    public Guid ActionId { get; set; }

    public required string ParameterId { get; set; }

    public int TargetLevel { get; set; }
}

/// <summary>The action <see cref="ActionId"/> waits for <see cref="DependsOnId"/> (same plan).</summary>
public sealed class PlanActionDependency
{
    public Guid ActionId { get; set; }

    public Guid DependsOnId { get; set; }
}

/// <summary>A dated progress note of an action.</summary>
public sealed class PlanActionNote
{
    public long Id { get; set; }

    public Guid ActionId { get; set; }

    public long PlanRecordId { get; set; }

    public DateTimeOffset At { get; set; }

    public Guid AuthorUserId { get; set; }

    public required string Text { get; set; }
}

/// <summary>Every status an action took and when: progress over time is replayed from these.</summary>
public sealed class PlanStatusChange
{
    public long Id { get; set; }

    public long PlanRecordId { get; set; }

    public CapacityPlan? Plan { get; set; }

    public Guid ActionId { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>Null: the action was deleted.</summary>
    public ActionStatus? Status { get; set; }
}

public sealed class PlanCampaign
{
    public Guid Id { get; set; }

    public long PlanRecordId { get; set; }

    public required string Name { get; set; }

    public DateOnly? StartDate { get; set; }

    public DateOnly? EndDate { get; set; }

    /// <summary>UI-language culture names, comma-separated ("sq,sr-Latn").</summary>
    public string Languages { get; set; } = "";
}

public sealed class PlanMaterial
{
    public Guid Id { get; set; }

    public long PlanRecordId { get; set; }

    public Guid? CampaignId { get; set; }

    public required string Title { get; set; }

    /// <summary>An http(s) link, or null for a file (<see cref="AttachmentId"/>): exactly one of the two.</summary>
    public string? Url { get; set; }

    /// <summary>
    /// A file in the attachment store (bytes in the database, ADR 13), owned by this material alone: deleted with it and
    /// with the plan. No read rule of its own: downloaded only through <see cref="PlanQueries"/> after the plan was admitted.
    /// </summary>
    public Guid? AttachmentId { get; set; }

    public Incidents.Attachments.Attachment? Attachment { get; set; }

    public required string Language { get; set; }
}

public sealed class PlanIndicator
{
    public Guid Id { get; set; }

    public long PlanRecordId { get; set; }

    public required string Name { get; set; }

    /// <summary>"%" or a free unit ("people").</summary>
    public required string Unit { get; set; }

    public decimal? Target { get; set; }

    /// <summary>A click rate falls as things improve; a share trained rises.</summary>
    public bool LowerIsBetter { get; set; }

    public List<PlanIndicatorValue> Values { get; set; } = [];
}

public sealed class PlanIndicatorValue
{
    public Guid IndicatorId { get; set; }

    public DateOnly Date { get; set; }

    public decimal Value { get; set; }
}

/// <summary>Sizes and counts of plan fields.</summary>
public static class PlanLimits
{
    public const int TitleLength = 200;
    public const int TextLength = 4000;
    public const int OwnerLength = 200;

    public const int SourceReferenceLength = 300;
    public const int MaxActions = 500;
    public const int MaxParametersPerAction = 20;
    public const int MaxDependencies = 50;
    public const int MaxNotesPerAction = 1000;
    public const int MaxCampaigns = 100;
    public const int MaxMaterials = 500;
    public const int MaxIndicators = 50;
    public const int MaxValuesPerIndicator = 1000;
    public const int LinkLength = 2000;
    public const int UnitLength = 32;
    public const decimal MaxBudget = 1_000_000_000_000m;
    public const decimal MaxIndicatorValue = 1_000_000_000m;
}

internal sealed class CapacityPlanConfiguration : IEntityTypeConfiguration<CapacityPlan>
{
    public void Configure(EntityTypeBuilder<CapacityPlan> b)
    {
        b.ToTable("CapacityPlans");
        b.HasKey(p => p.RecordId);
        b.Property(p => p.RecordId).ValueGeneratedNever();
        b.HasOne(p => p.Record).WithOne().HasForeignKey<CapacityPlan>(p => p.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(p => p.Id).IsUnique();
        b.Property(p => p.Title).HasMaxLength(PlanLimits.TitleLength);
        b.Property(p => p.ModelKey).HasMaxLength(Maturity.MaturityLimits.KeyLength);
    }
}

internal sealed class PlanTitleTermConfiguration : IEntityTypeConfiguration<PlanTitleTerm>
{
    public void Configure(EntityTypeBuilder<PlanTitleTerm> b)
    {
        b.ToTable("CapacityPlanTitleTerms");
        b.HasKey(t => new { t.Term, t.RecordId });
        b.Property(t => t.Term).HasMaxLength(Notes.NoteSearch.MaxPrefix * 2);
        b.HasOne(t => t.Plan).WithMany().HasForeignKey(t => t.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(t => t.RecordId);
    }
}

internal sealed class PlanActionConfiguration : IEntityTypeConfiguration<PlanAction>
{
    public void Configure(EntityTypeBuilder<PlanAction> b)
    {
        b.ToTable("CapacityPlanActions");
        b.HasKey(a => a.Id);
        b.HasOne(a => a.Plan).WithMany().HasForeignKey(a => a.PlanRecordId).OnDelete(DeleteBehavior.Cascade);
        // A plan's actions by number: the list order and its cursor; unique, so two racing additions cannot share one.
        b.HasIndex(a => new { a.PlanRecordId, a.Number }).IsUnique();
        // A registry project's page lists the actions it funds (reverse of FundingProjectId), by action id as its cursor.
        b.HasIndex(a => new { a.FundingProjectId, a.Id });
        b.Property(a => a.Title).HasMaxLength(PlanLimits.TitleLength);
        b.Property(a => a.Description).HasMaxLength(PlanLimits.TextLength);
        b.Property(a => a.Owner).HasMaxLength(PlanLimits.OwnerLength);
        b.Property(a => a.SourceReference).HasMaxLength(PlanLimits.SourceReferenceLength);
        b.Property(a => a.Currency).HasMaxLength(3);
        b.Property(a => a.TemplateKey).HasMaxLength(64);
        b.Property(a => a.Budget).HasPrecision(18, 2);
        b.HasMany(a => a.Parameters).WithOne().HasForeignKey(p => p.ActionId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(a => a.Dependencies).WithOne().HasForeignKey(d => d.ActionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PlanActionParameterConfiguration : IEntityTypeConfiguration<PlanActionParameter>
{
    public void Configure(EntityTypeBuilder<PlanActionParameter> b)
    {
        b.ToTable("CapacityPlanActionParameters");
        b.HasKey(p => new { p.ActionId, p.ParameterId });
        b.Property(p => p.ParameterId).HasMaxLength(Maturity.MaturityLimits.ParameterIdLength);
    }
}

internal sealed class PlanActionDependencyConfiguration : IEntityTypeConfiguration<PlanActionDependency>
{
    public void Configure(EntityTypeBuilder<PlanActionDependency> b)
    {
        b.ToTable("CapacityPlanActionDependencies");
        b.HasKey(d => new { d.ActionId, d.DependsOnId });
        b.HasOne<PlanAction>().WithMany().HasForeignKey(d => d.DependsOnId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(d => d.DependsOnId);
    }
}

internal sealed class PlanActionNoteConfiguration : IEntityTypeConfiguration<PlanActionNote>
{
    public void Configure(EntityTypeBuilder<PlanActionNote> b)
    {
        b.ToTable("CapacityPlanActionNotes");
        b.HasKey(n => n.Id);
        b.Property(n => n.Id).ValueGeneratedOnAdd();
        b.HasOne<PlanAction>().WithMany().HasForeignKey(n => n.ActionId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(n => new { n.ActionId, n.Id });
        b.Property(n => n.Text).HasMaxLength(PlanLimits.TextLength);
    }
}

internal sealed class PlanStatusChangeConfiguration : IEntityTypeConfiguration<PlanStatusChange>
{
    public void Configure(EntityTypeBuilder<PlanStatusChange> b)
    {
        b.ToTable("CapacityPlanStatusChanges");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).ValueGeneratedOnAdd();
        b.HasOne(c => c.Plan).WithMany().HasForeignKey(c => c.PlanRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.PlanRecordId, c.Id });
    }
}

internal sealed class PlanCampaignConfiguration : IEntityTypeConfiguration<PlanCampaign>
{
    public void Configure(EntityTypeBuilder<PlanCampaign> b)
    {
        b.ToTable("CapacityPlanCampaigns");
        b.HasKey(c => c.Id);
        b.HasOne<CapacityPlan>().WithMany().HasForeignKey(c => c.PlanRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.PlanRecordId, c.Id });
        b.Property(c => c.Name).HasMaxLength(PlanLimits.TitleLength);
        b.Property(c => c.Languages).HasMaxLength(200);
    }
}

internal sealed class PlanMaterialConfiguration : IEntityTypeConfiguration<PlanMaterial>
{
    public void Configure(EntityTypeBuilder<PlanMaterial> b)
    {
        b.ToTable("CapacityPlanMaterials");
        b.HasKey(m => m.Id);
        b.HasOne<CapacityPlan>().WithMany().HasForeignKey(m => m.PlanRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<PlanCampaign>().WithMany().HasForeignKey(m => m.CampaignId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne(m => m.Attachment).WithMany().HasForeignKey(m => m.AttachmentId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(m => m.AttachmentId).IsUnique();
        b.HasIndex(m => new { m.PlanRecordId, m.Id });
        b.HasIndex(m => m.CampaignId);
        b.Property(m => m.Title).HasMaxLength(PlanLimits.TitleLength);
        b.Property(m => m.Url).HasMaxLength(PlanLimits.LinkLength);
        b.Property(m => m.Language).HasMaxLength(16);
    }
}

internal sealed class PlanIndicatorConfiguration : IEntityTypeConfiguration<PlanIndicator>
{
    public void Configure(EntityTypeBuilder<PlanIndicator> b)
    {
        b.ToTable("CapacityPlanIndicators");
        b.HasKey(i => i.Id);
        b.HasOne<CapacityPlan>().WithMany().HasForeignKey(i => i.PlanRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(i => new { i.PlanRecordId, i.Id });
        b.Property(i => i.Name).HasMaxLength(PlanLimits.TitleLength);
        b.Property(i => i.Unit).HasMaxLength(PlanLimits.UnitLength);
        b.Property(i => i.Target).HasPrecision(18, 4);
        b.HasMany(i => i.Values).WithOne().HasForeignKey(v => v.IndicatorId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PlanIndicatorValueConfiguration : IEntityTypeConfiguration<PlanIndicatorValue>
{
    public void Configure(EntityTypeBuilder<PlanIndicatorValue> b)
    {
        b.ToTable("CapacityPlanIndicatorValues");
        b.HasKey(v => new { v.IndicatorId, v.Date });
        b.Property(v => v.Value).HasPrecision(18, 4);
    }
}
