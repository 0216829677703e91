using Microsoft.EntityFrameworkCore;
using Rampart.Server.Incidents.Clocks;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>
/// The reporting-clock tables. Read only in Incidents/Clocks (through the incident, read by <see cref="Incidents.IncidentQueries"/>
/// and so by the access decision) and written there and by <see cref="Incidents.IncidentEditing"/> (ArchitectureTests).
/// </summary>
public static class ClockData
{
    extension(RampartDb db)
    {
        public DbSet<IncidentClock> IncidentClocks => db.Set<IncidentClock>();

        public DbSet<IncidentStageReport> IncidentStageReports => db.Set<IncidentStageReport>();

        public DbSet<IncidentIntermediateRequest> IncidentIntermediateRequests => db.Set<IncidentIntermediateRequest>();

        public DbSet<IncidentDeadline> IncidentDeadlines => db.Set<IncidentDeadline>();
    }
}
