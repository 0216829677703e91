using Microsoft.EntityFrameworkCore;
using Rampart.Server.Organisations;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>The Organisations feature's tables as properties of <see cref="RampartDb"/>.</summary>
public static class OrganisationData
{
    extension(RampartDb db)
    {
        public DbSet<Organisation> Organisations => db.Set<Organisation>();

        public DbSet<Community> Communities => db.Set<Community>();

        public DbSet<CommunityMember> CommunityMembers => db.Set<CommunityMember>();

        public DbSet<CommunityMembershipRequest> CommunityMembershipRequests => db.Set<CommunityMembershipRequest>();
    }
}
