using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Standards.Incidents;

namespace Rampart.Server.Incidents.Clocks;

/// <summary>The clock facts of an incident that are not fields of the incident itself (one row per incident, made when first needed).</summary>
public sealed class IncidentClock
{
    public long IncidentRecordId { get; set; }

    /// <summary>When incident handling ended (the status first reached resolved or closed); null while ongoing. Starts the final report's month after a progress report.</summary>
    public DateTimeOffset? HandlingEndedAt { get; set; }

    /// <summary>A personal-data breach was found inside the incident: when the controller became aware of it (GDPR Art. 33 starts here).</summary>
    public DateTimeOffset? BreachAwareAt { get; set; }

    /// <summary>Which data-protection law applies (a key of <see cref="DataProtectionOptions"/>: RS, MK, EU …).</summary>
    public string? BreachJurisdiction { get; set; }
}

/// <summary>A stage report as submitted: frozen (canonical JSON of <see cref="StageReport"/>), never changed; a correction is a new version.</summary>
public sealed class IncidentStageReport
{
    public long Id { get; set; }

    public Guid PublicId { get; set; }

    public long IncidentRecordId { get; set; }

    public ReportingStage Stage { get; set; }

    /// <summary>1, or the number of the intermediate request it answers.</summary>
    public int Sequence { get; set; }

    /// <summary>1 for the first submission of the stage; a resubmission (correction) counts up. The clock counts the first.</summary>
    public int Version { get; set; }

    public DateTimeOffset SubmittedAt { get; set; }

    public DateTimeOffset Due { get; set; }

    public Guid SubmittedByUserId { get; set; }

    public Guid SubmittedByOrganisationId { get; set; }

    /// <summary>RFC 8785 canonical JSON of the frozen report (<see cref="StageReport.ToCanonicalJson"/>).</summary>
    public required string Json { get; set; }
}

/// <summary>A request for an intermediate report (NIS2 Art. 23(4)(c)) with the due time the requester set.</summary>
public sealed class IncidentIntermediateRequest
{
    public long Id { get; set; }

    public long IncidentRecordId { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public DateTimeOffset DueAt { get; set; }

    public Guid RequestedByUserId { get; set; }

    public Guid RequestedByOrganisationId { get; set; }
}

/// <summary>What kind of deadline a row of the due list is.</summary>
public enum DeadlineKind
{
    /// <summary>A NIS2 Art. 23 stage (<see cref="IncidentDeadline.Stage"/>, <see cref="IncidentDeadline.Sequence"/>).</summary>
    Nis2Stage = 0,

    /// <summary>The GDPR Art. 33 notification (or its national mirror).</summary>
    DataBreach = 1,

    /// <summary>An open task's due time.</summary>
    Task = 2,

    /// <summary>A request for assistance, per recipient organisation, until it is answered, declined or withdrawn.</summary>
    Request = 3,
}

/// <summary>
/// One running deadline (open, with a due time) of an incident. Written by the incident's writers whenever the facts
/// behind it change — never computed while listing — so the due list is an index range on (DueAt, Id) read through
/// the access decision. A deadline that is met (submitted, done, answered) has no row.
/// </summary>
public sealed class IncidentDeadline
{
    public long Id { get; set; }

    public long IncidentRecordId { get; set; }

    public Incident? Incident { get; set; }

    public DeadlineKind Kind { get; set; }

    public ReportingStage? Stage { get; set; }

    public int Sequence { get; set; }

    /// <summary>The task's or the request recipient's public id (Task and Request rows).</summary>
    public Guid? SourceId { get; set; }

    /// <summary>A short label shown in the list (task title, request kind); never more than the reader may see of the incident.</summary>
    public string Label { get; set; } = "";

    public DateTimeOffset DueAt { get; set; }

    /// <summary>Only the owning organisation sees it (an owner-only task).</summary>
    public bool OwnerOnly { get; set; }

    /// <summary>Request rows: only these two organisations see it (the recipient, the requester).</summary>
    public Guid? ForOrganisationId { get; set; }

    public Guid? FromOrganisationId { get; set; }
}

/// <summary>One jurisdiction as configured (section <c>Rampart:DataProtection:{code}</c>).</summary>
public sealed class DataProtectionSetting
{
    public string? Authority { get; set; }

    public int Hours { get; set; }

    public string? LegalReference { get; set; }
}

/// <summary>
/// Where personal-data breaches are notified, per jurisdiction: <see cref="DataProtectionJurisdiction.Defaults"/>
/// (docs/incidents-clocks.md), overridden or extended by the section <c>Rampart:DataProtection</c>, keyed by ISO code
/// (<c>Rampart:DataProtection:AL:Authority</c>, <c>…:Hours</c>, <c>…:LegalReference</c>). Checked when the node starts.
/// </summary>
public sealed class DataProtectionOptions
{
    public const string SectionName = DataProtectionJurisdiction.SectionName;

    public IReadOnlyDictionary<string, DataProtectionJurisdiction> Jurisdictions { get; private set; } = DataProtectionJurisdiction.Defaults;

    public static DataProtectionOptions From(IReadOnlyDictionary<string, DataProtectionSetting>? configured)
    {
        var merged = new Dictionary<string, DataProtectionJurisdiction>(DataProtectionJurisdiction.Defaults, StringComparer.OrdinalIgnoreCase);
        foreach (var (code, setting) in configured ?? new Dictionary<string, DataProtectionSetting>())
        {
            if (code.Length is < 2 or > 8 || string.IsNullOrWhiteSpace(setting.Authority) || setting.Hours is <= 0 or > 24 * 365)
            {
                throw new InvalidOperationException($"{SectionName}:{code}: needs Authority and Hours between 1 and 8760.");
            }

            merged[code.ToUpperInvariant()] = new DataProtectionJurisdiction
            {
                Authority = setting.Authority.Trim(),
                Hours = setting.Hours,
                LegalReference = setting.LegalReference?.Trim() ?? "",
            };
        }

        return new DataProtectionOptions { Jurisdictions = merged };
    }
}

internal sealed class IncidentClockConfiguration : IEntityTypeConfiguration<IncidentClock>
{
    public void Configure(EntityTypeBuilder<IncidentClock> b)
    {
        b.ToTable("IncidentClocks");
        b.HasKey(c => c.IncidentRecordId);
        b.Property(c => c.IncidentRecordId).ValueGeneratedNever();
        b.HasOne<Incident>().WithOne().HasForeignKey<IncidentClock>(c => c.IncidentRecordId).OnDelete(DeleteBehavior.Cascade);
        b.Property(c => c.BreachJurisdiction).HasMaxLength(8);
    }
}

internal sealed class IncidentStageReportConfiguration : IEntityTypeConfiguration<IncidentStageReport>
{
    public void Configure(EntityTypeBuilder<IncidentStageReport> b)
    {
        b.ToTable("IncidentStageReports");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedOnAdd();
        b.HasOne<Incident>().WithMany().HasForeignKey(r => r.IncidentRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => r.PublicId).IsUnique();
        b.HasIndex(r => new { r.IncidentRecordId, r.Stage, r.Sequence, r.Version }).IsUnique();
        b.Property(r => r.Json).HasMaxLength(1_000_000);
    }
}

internal sealed class IncidentIntermediateRequestConfiguration : IEntityTypeConfiguration<IncidentIntermediateRequest>
{
    public void Configure(EntityTypeBuilder<IncidentIntermediateRequest> b)
    {
        b.ToTable("IncidentIntermediateRequests");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedOnAdd();
        b.HasOne<Incident>().WithMany().HasForeignKey(r => r.IncidentRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.IncidentRecordId, r.Id });
    }
}

internal sealed class IncidentDeadlineConfiguration : IEntityTypeConfiguration<IncidentDeadline>
{
    public void Configure(EntityTypeBuilder<IncidentDeadline> b)
    {
        b.ToTable("IncidentDeadlines");
        b.HasKey(d => d.Id);
        b.Property(d => d.Id).ValueGeneratedOnAdd();
        b.HasOne(d => d.Incident).WithMany().HasForeignKey(d => d.IncidentRecordId).OnDelete(DeleteBehavior.Cascade);
        // The due list: earliest first (overdue ones are the earliest), keyset (DueAt, Id).
        b.HasIndex(d => new { d.DueAt, d.Id });
        // The writer replaces an incident's rows of one kind.
        b.HasIndex(d => new { d.IncidentRecordId, d.Kind });
        b.HasIndex(d => d.SourceId);
        b.Property(d => d.Label).HasMaxLength(IncidentLimits.TaskTitleLength);
    }
}
