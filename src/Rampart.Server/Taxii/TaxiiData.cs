using Microsoft.EntityFrameworkCore;
using Rampart.Server.Taxii;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>The TAXII tables: collection definitions and envelope statuses (neither is a shareable record).</summary>
public static class TaxiiData
{
    extension(RampartDb db)
    {
        public DbSet<TaxiiCollection> TaxiiCollections => db.Set<TaxiiCollection>();

        public DbSet<TaxiiStatus> TaxiiStatuses => db.Set<TaxiiStatus>();
    }
}
