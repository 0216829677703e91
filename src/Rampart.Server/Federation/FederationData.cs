using Microsoft.EntityFrameworkCore;
using Rampart.Server.Federation;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>The federation tables: the node key, peers and the organisations declared on them (none is a shareable record).</summary>
public static class FederationData
{
    extension(RampartDb db)
    {
        public DbSet<FederationNodeKey> FederationNodeKeys => db.Set<FederationNodeKey>();

        public DbSet<FederationPeer> FederationPeers => db.Set<FederationPeer>();

        public DbSet<FederationPeerOrganisation> FederationPeerOrganisations => db.Set<FederationPeerOrganisation>();
    }
}
