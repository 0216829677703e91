using Microsoft.EntityFrameworkCore;
using Rampart.Server.Intelligence.Feeds;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>The saved-feed tables as properties of <see cref="RampartDb"/>.</summary>
public static class FeedData
{
    extension(RampartDb db)
    {
        public DbSet<IntelFeed> IntelFeeds => db.Set<IntelFeed>();

        public DbSet<IntelFeedItem> IntelFeedItems => db.Set<IntelFeedItem>();
    }
}
