using Microsoft.EntityFrameworkCore;
using Rampart.Server.Federation;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>The federation tables: the node key, peers, the organisations declared on them, and the sync state (none is a shareable record).</summary>
public static class FederationData
{
    extension(RampartDb db)
    {
        public DbSet<FederationNodeKey> FederationNodeKeys => db.Set<FederationNodeKey>();

        public DbSet<FederationPeer> FederationPeers => db.Set<FederationPeer>();

        public DbSet<FederationPeerOrganisation> FederationPeerOrganisations => db.Set<FederationPeerOrganisation>();

        public DbSet<FederationPeerSync> FederationPeerSyncs => db.Set<FederationPeerSync>();

        public DbSet<FederationSent> FederationSent => db.Set<FederationSent>();

        public DbSet<FederationReceived> FederationReceived => db.Set<FederationReceived>();

        public DbSet<FederationInboxReplay> FederationInboxReplays => db.Set<FederationInboxReplay>();

        public DbSet<FederationRefused> FederationRefused => db.Set<FederationRefused>();

        public DbSet<FederationInboxRefusal> FederationInboxRefusals => db.Set<FederationInboxRefusal>();
    }
}
