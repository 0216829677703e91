using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>
/// The Access feature's tables as properties of <see cref="RampartDb"/>. Only <c>Access/</c> and the
/// use cases of shareable types touch them (ArchitectureTests holds everyone else to that).
/// </summary>
public static class SharingData
{
    extension(RampartDb db)
    {
        public DbSet<SharedRecord> SharedRecords => db.Set<SharedRecord>();

        public DbSet<AccessGrant> AccessGrants => db.Set<AccessGrant>();

        public DbSet<AccessReachChange> AccessReachChanges => db.Set<AccessReachChange>();
    }
}
