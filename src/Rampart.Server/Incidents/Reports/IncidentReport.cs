using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Access;

namespace Rampart.Server.Incidents.Reports;

/// <summary>
/// An incident report (issue 11, intake): what an organisation or a mail sender tells the node's intake team. A shareable
/// record: its envelope is owned by the intake organisation (the custodian that triages it) and carries an organisation
/// grant to the reporting organisation, so exactly those two read it — through <see cref="AccessPolicy"/>, nothing else.
/// </summary>
public sealed class IncidentReport : IShareable
{
    public static RecordType Type => RecordType.IncidentReport;

    public long RecordId { get; set; }

    public SharedRecord Record { get; set; } = null!;

    public Guid Id { get; set; }

    public int Year { get; set; }

    public int Number { get; set; }

    public string HumanId => ReportNumbers.Format(Year, Number);

    public ReportChannel Channel { get; set; }

    /// <summary>The reporting person (form, REST); null for mail.</summary>
    public Guid? ReporterUserId { get; set; }

    /// <summary>The reporting organisation (form, REST); null for mail.</summary>
    public Guid? ReporterOrganisationId { get; set; }

    /// <summary>The From address of a mailed report (not verified: a From header proves nothing).</summary>
    public string? ReporterEmail { get; set; }

    public required string Subject { get; set; }

    /// <summary>Plain text, shown as text (never rendered as HTML or Markdown).</summary>
    public required string Text { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public ReportStatus Status { get; set; }

    public string? RejectionReason { get; set; }

    public DateTimeOffset ModifiedAt { get; set; }

    public int Version { get; set; }
}

public enum ReportChannel
{
    Form = 0,
    Rest = 1,
    Email = 2,
}

public enum ReportStatus
{
    New = 0,
    Linked = 1,
    Rejected = 2,
}

/// <summary>One line of a report's history, visible to everyone who reads the report (the reporter sees its acknowledgement here).</summary>
public sealed class ReportEvent
{
    public long Id { get; set; }

    public long ReportRecordId { get; set; }

    public IncidentReport? Report { get; set; }

    /// <summary><see cref="ReportEvents"/>.</summary>
    public required string Event { get; set; }

    /// <summary>The report number for an acknowledgement, the reason of a rejection; never an incident's number (the reporter may not read the incident).</summary>
    public string? Detail { get; set; }

    public Guid? UserId { get; set; }

    public Guid? OrganisationId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public static class ReportEvents
{
    public const string Acknowledged = "acknowledged";
    public const string Linked = "linked";
    public const string Rejected = "rejected";
    public const string MailAcknowledged = "mail-acknowledged";

    /// <summary>Split out of an incident into a new one (names neither: the reporter reads the report, not necessarily the incidents).</summary>
    public const string SplitOut = "split-out";
}

/// <summary>A report linked to an incident (many-to-many, as in RTIR).</summary>
public sealed class ReportIncidentLink
{
    public long ReportRecordId { get; set; }

    public long IncidentRecordId { get; set; }

    public Guid LinkedByUserId { get; set; }

    public DateTimeOffset LinkedAt { get; set; }
}

/// <summary>The last report number given out in one year on this node.</summary>
public sealed class ReportSequence
{
    public int Year { get; set; }

    public int Last { get; set; }
}

/// <summary>
/// A mail message already turned into a report: the key (Message-ID, else the SHA-256 of the raw message) is unique and
/// written in the report's transaction, so a message read again after a crash does not make a second report.
/// </summary>
public sealed class MailIntakeReceipt
{
    public required string Key { get; set; }

    public string? MessageId { get; set; }

    public required string Sha256 { get; set; }

    public long ReportRecordId { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}

public static partial class ReportNumbers
{
    public static string Format(int year, int number) => string.Create(CultureInfo.InvariantCulture, $"RPT-{year:D4}-{number:D4}");

    /// <summary>Parses "RPT-2026-0001" (any case); null when it is not one.</summary>
    public static (int Year, int Number)? Parse(string? text)
    {
        var match = text is null ? null : HumanId().Match(text);
        return match is { Success: true }
            && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            && int.TryParse(match.Groups[2].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? (year, number)
            : null;
    }

    [GeneratedRegex(@"^RPT-(\d{4})-(\d{1,9})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HumanId();
}

public static class ReportLimits
{
    public const int SubjectLength = 300;
    public const int TextLength = 1_000_000;
    public const int ReasonLength = 2_000;
    public const int EmailLength = 320;
}

internal sealed class IncidentReportConfiguration : IEntityTypeConfiguration<IncidentReport>
{
    public void Configure(EntityTypeBuilder<IncidentReport> b)
    {
        b.ToTable("IncidentReports");
        b.HasKey(r => r.RecordId);
        b.Property(r => r.RecordId).ValueGeneratedNever();
        b.HasOne(r => r.Record).WithOne().HasForeignKey<IncidentReport>(r => r.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => r.Id).IsUnique();
        b.HasIndex(r => new { r.Year, r.Number }).IsUnique();
        b.Ignore(r => r.HumanId);
        b.Property(r => r.Subject).HasMaxLength(ReportLimits.SubjectLength);
        b.Property(r => r.Text).HasMaxLength(ReportLimits.TextLength);
        b.Property(r => r.RejectionReason).HasMaxLength(ReportLimits.ReasonLength);
        b.Property(r => r.ReporterEmail).HasMaxLength(ReportLimits.EmailLength);
        b.Property(r => r.Version).IsConcurrencyToken();
        // The status filter of the intake team's list: an index range newest first, each row checked by the access decision.
        b.HasIndex(r => new { r.Status, r.RecordId });
    }
}

internal sealed class ReportEventConfiguration : IEntityTypeConfiguration<ReportEvent>
{
    public void Configure(EntityTypeBuilder<ReportEvent> b)
    {
        b.ToTable("IncidentReportEvents");
        b.HasKey(e => e.Id);
        b.HasOne(e => e.Report).WithMany().HasForeignKey(e => e.ReportRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => new { e.ReportRecordId, e.Id });
        b.Property(e => e.Event).HasMaxLength(40);
        b.Property(e => e.Detail).HasMaxLength(ReportLimits.ReasonLength);
    }
}

internal sealed class ReportIncidentLinkConfiguration : IEntityTypeConfiguration<ReportIncidentLink>
{
    public void Configure(EntityTypeBuilder<ReportIncidentLink> b)
    {
        b.ToTable("IncidentReportLinks");
        b.HasKey(l => new { l.ReportRecordId, l.IncidentRecordId });
        b.HasOne<IncidentReport>().WithMany().HasForeignKey(l => l.ReportRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Incident>().WithMany().HasForeignKey(l => l.IncidentRecordId).OnDelete(DeleteBehavior.Cascade);
        // The incident's side: its linked reports.
        b.HasIndex(l => new { l.IncidentRecordId, l.ReportRecordId });
    }
}

internal sealed class ReportSequenceConfiguration : IEntityTypeConfiguration<ReportSequence>
{
    public void Configure(EntityTypeBuilder<ReportSequence> b)
    {
        b.ToTable("IncidentReportSequences");
        b.HasKey(s => s.Year);
        b.Property(s => s.Year).ValueGeneratedNever();
    }
}

internal sealed class MailIntakeReceiptConfiguration : IEntityTypeConfiguration<MailIntakeReceipt>
{
    public void Configure(EntityTypeBuilder<MailIntakeReceipt> b)
    {
        b.ToTable("MailIntakeReceipts");
        b.HasKey(r => r.Key);
        b.Property(r => r.Key).HasMaxLength(1000);
        b.Property(r => r.MessageId).HasMaxLength(1000);
        b.Property(r => r.Sha256).HasMaxLength(64);
        b.HasIndex(r => r.Sha256);
        b.HasOne<IncidentReport>().WithMany().HasForeignKey(r => r.ReportRecordId).OnDelete(DeleteBehavior.Cascade);
    }
}
