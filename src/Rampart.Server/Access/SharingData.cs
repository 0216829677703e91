using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Organisations;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>The Access feature's tables as properties of <see cref="RampartDb"/>.</summary>
public static class SharingData
{
    extension(RampartDb db)
    {
        public DbSet<ShareRecipient> ShareRecipients => db.Set<ShareRecipient>();
    }
}
