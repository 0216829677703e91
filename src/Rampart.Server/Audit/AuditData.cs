using Microsoft.EntityFrameworkCore;
using Rampart.Server.Audit;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>The audit trail as a property of <see cref="RampartDb"/>.</summary>
public static class AuditData
{
    extension(RampartDb db)
    {
        public DbSet<AuditEntry> AuditEntries => db.Set<AuditEntry>();

        public DbSet<AuditCheckpoint> AuditCheckpoints => db.Set<AuditCheckpoint>();

        public DbSet<AuditJobState> AuditJobState => db.Set<AuditJobState>();

        public DbSet<AuditDenialCounter> AuditDenialCounters => db.Set<AuditDenialCounter>();
    }
}
