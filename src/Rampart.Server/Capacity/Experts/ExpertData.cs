using Microsoft.EntityFrameworkCore;
using Rampart.Server.Capacity.Experts;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>The directory's tables. Read them only in <see cref="ExpertDirectory"/> (through the access decision).</summary>
public static class ExpertData
{
    extension(RampartDb db)
    {
        public DbSet<ExpertProfile> ExpertProfiles => db.Set<ExpertProfile>();

        public DbSet<ExpertFacet> ExpertFacets => db.Set<ExpertFacet>();

        public DbSet<ExpertRequest> ExpertRequests => db.Set<ExpertRequest>();
    }
}
