using Microsoft.EntityFrameworkCore;
using Rampart.Server.Incidents.Peers;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>
/// The tables of incidents across nodes (ADR 17). The copies and their journal are read only in <c>Incidents/Peers/</c>,
/// through <see cref="Access.AccessPolicy"/> (ArchitectureTests fails anywhere else).
/// </summary>
public static class PeerIncidentData
{
    extension(RampartDb db)
    {
        public DbSet<PeerIncident> PeerIncidents => db.Set<PeerIncident>();

        public DbSet<PeerIncidentEntry> PeerIncidentJournal => db.Set<PeerIncidentEntry>();

        public DbSet<PeerIncidentCommand> PeerIncidentCommands => db.Set<PeerIncidentCommand>();

        public DbSet<IncidentPeerSent> IncidentPeerSent => db.Set<IncidentPeerSent>();

        public DbSet<IncidentPeerCommandApplied> IncidentPeerCommandsApplied => db.Set<IncidentPeerCommandApplied>();

        public DbSet<PeerIncidentFacet> PeerIncidentFacets => db.Set<PeerIncidentFacet>();

        public DbSet<PeerIncidentDeadline> PeerIncidentDeadlines => db.Set<PeerIncidentDeadline>();
    }
}
