using Microsoft.EntityFrameworkCore;
using Rampart.Server.Incidents.Notifications;

// Beside the feature, in the Data namespace: every user of RampartDb sees the feature's tables.
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>The notification tables (issue 11): the outbox, the in-app notifications, preferences, keys and organisation webhooks.</summary>
public static class NotificationData
{
    extension(RampartDb db)
    {
        public DbSet<NotificationEvent> NotificationEvents => db.Set<NotificationEvent>();

        public DbSet<Notification> Notifications => db.Set<Notification>();

        public DbSet<NotificationPreference> NotificationPreferences => db.Set<NotificationPreference>();

        public DbSet<NotificationPgpKey> NotificationPgpKeys => db.Set<NotificationPgpKey>();

        public DbSet<NotificationNodeKey> NotificationNodeKeys => db.Set<NotificationNodeKey>();

        public DbSet<NotificationDeadlineMark> NotificationDeadlineMarks => db.Set<NotificationDeadlineMark>();

        public DbSet<NotificationWebhook> NotificationWebhooks => db.Set<NotificationWebhook>();

        public DbSet<NotificationWebhookDelivery> NotificationWebhookDeliveries => db.Set<NotificationWebhookDelivery>();
    }
}
