using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Incidents.Reports;

namespace Rampart.Server.Incidents.Attachments;

/// <summary>
/// A file attached to a report or to an incident's journal entry. The bytes sit in <see cref="AttachmentContent"/> (read
/// only for a download). Readable exactly when its report, or its journal entry, is: there is no read rule of its own.
/// </summary>
public sealed class Attachment
{
    public Guid Id { get; set; }

    /// <summary>The report it belongs to, or null.</summary>
    public long? ReportRecordId { get; set; }

    /// <summary>The incident whose journal entry it belongs to, or null.</summary>
    public long? IncidentRecordId { get; set; }

    /// <summary>The journal entry's public id (with <see cref="IncidentRecordId"/>).</summary>
    public Guid? JournalEntryId { get; set; }

    /// <summary>Sanitised (<see cref="Standards.Mail.FileNames.Sanitise"/>); only ever sent in Content-Disposition, encoded.</summary>
    public required string FileName { get; set; }

    /// <summary>What the sender declared; shown, never trusted (downloads are always application/octet-stream).</summary>
    public required string DeclaredContentType { get; set; }

    public long Size { get; set; }

    /// <summary>Lower-case hex.</summary>
    public required string Sha256 { get; set; }

    /// <summary>Malware or another dangerous sample: downloaded only inside a zip protected with the password "infected".</summary>
    public bool Sample { get; set; }

    public Guid? CreatedByUserId { get; set; }

    public Guid? CreatedByOrganisationId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The bytes of an <see cref="Attachment"/> (bytea on PostgreSQL, a blob on SQLite).</summary>
public sealed class AttachmentContent
{
    public Guid AttachmentId { get; set; }

    public required byte[] Content { get; set; }
}

/// <summary>Settings of attachments (section <see cref="Section"/>).</summary>
public sealed class AttachmentOptions
{
    public const string Section = "Rampart:Attachments";

    /// <summary>Largest single attachment in bytes. Default 20 MB; larger is a 400 naming the file (or 413 for the whole body).</summary>
    [Range(1, 2L * 1024 * 1024 * 1024)]
    public long MaxBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>Most attachments in one upload. Default 20.</summary>
    [Range(1, 1000)]
    public int MaxFiles { get; set; } = 20;

    /// <summary>
    /// Most bytes of awareness-material files (cyber-hygiene plans) one organisation keeps on the node, over all its plans.
    /// Default 1 GB; an upload past it is a 400 naming <c>files</c>.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxMaterialBytesPerOrganisation { get; set; } = 1024L * 1024 * 1024;
}

/// <summary>An uploaded file, checked and hashed, before it is stored.</summary>
public sealed record AttachmentUpload(string FileName, string DeclaredContentType, byte[] Content, string Sha256, bool Sample);

internal sealed class AttachmentConfiguration : IEntityTypeConfiguration<Attachment>
{
    public void Configure(EntityTypeBuilder<Attachment> b)
    {
        b.ToTable("IncidentAttachments");
        b.HasKey(a => a.Id);
        b.Property(a => a.FileName).HasMaxLength(255);
        b.Property(a => a.DeclaredContentType).HasMaxLength(255);
        b.Property(a => a.Sha256).HasMaxLength(64);
        b.HasOne<IncidentReport>().WithMany().HasForeignKey(a => a.ReportRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Incident>().WithMany().HasForeignKey(a => a.IncidentRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(a => new { a.ReportRecordId, a.Id });
        b.HasIndex(a => new { a.IncidentRecordId, a.JournalEntryId });
    }
}

internal sealed class AttachmentContentConfiguration : IEntityTypeConfiguration<AttachmentContent>
{
    public void Configure(EntityTypeBuilder<AttachmentContent> b)
    {
        b.ToTable("IncidentAttachmentContents");
        b.HasKey(c => c.AttachmentId);
        b.HasOne<Attachment>().WithOne().HasForeignKey<AttachmentContent>(c => c.AttachmentId).OnDelete(DeleteBehavior.Cascade);
    }
}
