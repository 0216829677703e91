using Microsoft.EntityFrameworkCore;
using Rampart.Server.Identity;
using Rampart.Server.Organisations;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>The Identity feature's tables as properties of <see cref="RampartDb"/> (users come from Identity's own context).</summary>
public static class IdentityData
{
    extension(RampartDb db)
    {
        public DbSet<ApiKey> ApiKeys => db.Set<ApiKey>();

        /// <summary>Authentication failures per source and window, shared by every app server.</summary>
        public DbSet<FailureCounter> FailureCounters => db.Set<FailureCounter>();
    }
}
