using Microsoft.EntityFrameworkCore;
using Rampart.Server.Incidents.Attachments;
using Rampart.Server.Incidents.Reports;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>
/// The report and attachment tables. Read them only in <see cref="ReportQueries"/> / <see cref="ReportEditing"/> (reports)
/// and <see cref="AttachmentStore"/> (attachments, after the report or journal entry was read through the access decision).
/// </summary>
public static class ReportData
{
    extension(RampartDb db)
    {
        public DbSet<IncidentReport> IncidentReports => db.Set<IncidentReport>();

        public DbSet<ReportEvent> IncidentReportEvents => db.Set<ReportEvent>();

        public DbSet<ReportIncidentLink> IncidentReportLinks => db.Set<ReportIncidentLink>();

        public DbSet<ReportSequence> IncidentReportSequences => db.Set<ReportSequence>();

        public DbSet<MailIntakeReceipt> MailIntakeReceipts => db.Set<MailIntakeReceipt>();

        public DbSet<Attachment> IncidentAttachments => db.Set<Attachment>();

        public DbSet<AttachmentContent> IncidentAttachmentContents => db.Set<AttachmentContent>();
    }
}
