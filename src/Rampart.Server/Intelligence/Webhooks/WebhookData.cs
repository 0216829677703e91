using Microsoft.EntityFrameworkCore;
using Rampart.Server.Intelligence.Webhooks;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>The webhook tables as properties of <see cref="RampartDb"/>.</summary>
public static class WebhookData
{
    extension(RampartDb db)
    {
        public DbSet<IntelWebhook> IntelWebhooks => db.Set<IntelWebhook>();

        public DbSet<IntelWebhookDelivery> IntelWebhookDeliveries => db.Set<IntelWebhookDelivery>();
    }
}
