using Microsoft.EntityFrameworkCore;
using Rampart.Server.Scheduling;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>The scheduler's table as a property of <see cref="RampartDb"/>.</summary>
public static class SchedulingData
{
    extension(RampartDb db)
    {
        public DbSet<ScheduledJob> ScheduledJobs => db.Set<ScheduledJob>();
    }
}
