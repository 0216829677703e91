using Microsoft.EntityFrameworkCore;
using Rampart.Server.Incidents.Requests;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>The requests for assistance: read and written only in Incidents/Requests, through the incident's access decision (ArchitectureTests).</summary>
public static class AssistanceData
{
    extension(RampartDb db)
    {
        public DbSet<AssistanceRequest> AssistanceRequests => db.Set<AssistanceRequest>();

        public DbSet<AssistanceRecipient> AssistanceRecipients => db.Set<AssistanceRecipient>();
    }
}
