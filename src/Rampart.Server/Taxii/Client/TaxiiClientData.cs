using Microsoft.EntityFrameworkCore;
using Rampart.Server.Taxii.Client;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>The TAXII client's tables as properties of <see cref="RampartDb"/>.</summary>
public static class TaxiiClientData
{
    extension(RampartDb db)
    {
        public DbSet<TaxiiConnection> TaxiiConnections => db.Set<TaxiiConnection>();

        public DbSet<TaxiiPushStatus> TaxiiPushStatuses => db.Set<TaxiiPushStatus>();
    }
}
