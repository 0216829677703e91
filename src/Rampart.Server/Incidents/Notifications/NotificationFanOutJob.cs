using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Data;
using Rampart.Server.Incidents.Clocks;
using Rampart.Server.Incidents.Reports;
using Rampart.Server.Scheduling;

namespace Rampart.Server.Incidents.Notifications;

/// <summary>
/// The scheduled fan-out (one app server at a time, ADR 11): (1) turns deadlines that came within the due-soon window or
/// passed into outbox events, once per deadline, threshold and organisation (a mark row, unique, in the same transaction);
/// (2) reads waiting outbox events in order and, for each, writes the in-app notifications, the e-mails to send and the
/// webhook deliveries, each recipient checked through the access decision, and marks the event handled — all in one
/// transaction, so a crash repeats an event whole or not at all (a unique index stops doubles).
/// </summary>
public sealed class NotificationFanOutJob(
    RampartDb db,
    NotificationRecipients recipients,
    NotificationPreferences preferences,
    ClockQueries clocks,
    IOptions<NotificationOptions> options,
    IOptionsMonitor<IntakeOptions> intake,
    TimeProvider clock) : IScheduledJob
{
    public const string JobName = "notifications.fan-out";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await DeadlinesAsync(cancellationToken);
        await FanOutAsync(cancellationToken);
    }

    private async Task DeadlinesAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        var horizon = now + o.DueSoonWindow;
        var oldest = now - o.OverdueLookback;
        // Every organisation that has people: its due list, read as the organisation (what its people share).
        var organisations = await db.Users.AsNoTracking().Where(u => !u.Disabled).Select(u => u.OrganisationId).Distinct().OrderBy(id => id).Take(10_000)
            .ToListAsync(cancellationToken);
        foreach (var organisation in organisations)
        {
            var reader = await recipients.OrganisationCallerAsync(organisation, cancellationToken);
            (DateTimeOffset, long)? after = null;
            var found = new List<(DueItem Item, NotificationKind Kind, string Key)>();
            for (var page = 0; page < 10; page++)
            {
                var (items, more) = await clocks.DueAsync(reader, after, 200, null, cancellationToken);
                foreach (var item in items.TakeWhile(i => i.Due <= horizon))
                {
                    if (item.Due < oldest)
                    {
                        continue;
                    }

                    // A task of a peer node's incident (its copy here, ADR 17) is told by the copy's feature, which reads the copy.
                    var kind = item.Node is null
                        ? item.Due <= now ? NotificationKind.DeadlineOverdue : NotificationKind.DeadlineDueSoon
                        : item.Due <= now ? NotificationKind.PeerDeadlineOverdue : NotificationKind.PeerDeadlineDueSoon;
                    found.Add((item, kind, KeyOf(item, kind)));
                }

                if (!more || items.Count == 0 || items[^1].Due > horizon)
                {
                    break;
                }

                after = (items[^1].Due, items[^1].Position);
            }

            if (found.Count == 0)
            {
                continue;
            }

            var keys = found.Select(f => f.Key).ToList();
            var marked = (await db.NotificationDeadlineMarks.AsNoTracking().Where(m => m.OrganisationId == organisation && keys.Contains(m.Key))
                .Select(m => m.Key).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
            var added = false;
            foreach (var (item, kind, key) in found.Where(f => !marked.Contains(f.Key)))
            {
                db.NotificationDeadlineMarks.Add(new NotificationDeadlineMark { OrganisationId = organisation, Key = key, CreatedAt = now });
                if (item.Node is not null)
                {
                    // The copy and the task by id only: its title is read from the copy for each person when told (PeerNotifications).
                    db.Notify(kind, null, now, subjectId: item.IncidentId, organisationId: organisation, detail: item.SourceId?.ToString("N"));
                    added = true;
                    continue;
                }

                db.Notify(kind, null, now, incidentId: item.IncidentId, subjectId: item.SourceId, organisationId: organisation,
                    detail: item.Label.Length > 0 ? item.Label : item.Stage is { } stage ? IncidentEditing.Kebab(stage) : IncidentEditing.Kebab(item.Kind));
                added = true;
            }

            if (added)
            {
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    // Another run marked them first: theirs stand.
                }
            }

            db.ChangeTracker.Clear();
        }
    }

    /// <summary>One deadline at one threshold (the row's own id changes whenever the clocks are recomputed, so the key is what it is about).</summary>
    internal static string KeyOf(DueItem item, NotificationKind threshold) => string.Join('|',
        item.IncidentId.ToString("N"), (int)item.Kind, item.Stage is { } s ? ((int)s).ToString(CultureInfo.InvariantCulture) : "",
        item.Sequence.ToString(CultureInfo.InvariantCulture), item.SourceId?.ToString("N") ?? "", item.Due.UtcTicks.ToString(CultureInfo.InvariantCulture), (int)threshold);

    private async Task FanOutAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var mail = NotificationMail.Configured(intake.CurrentValue);
        var ids = await db.NotificationEvents.AsNoTracking().Where(e => e.ProcessedAt == null).OrderBy(e => e.Id).Select(e => e.Id).Take(o.BatchSize)
            .ToListAsync(cancellationToken);
        foreach (var id in ids)
        {
            var e = await db.NotificationEvents.FirstOrDefaultAsync(x => x.Id == id && x.ProcessedAt == null, cancellationToken);
            if (e is null)
            {
                continue;
            }

            var now = clock.GetUtcNow();
            foreach (var userId in await recipients.CandidatesAsync(e, cancellationToken))
            {
                if (await recipients.PersonCallerAsync(userId, cancellationToken) is not { } person
                    || await recipients.ResolveAsync(e, person, cancellationToken) is not { } content)
                {
                    continue;
                }

                var wants = await preferences.OfAsync(userId, e.Kind, cancellationToken);
                if (!wants.InApp && !(wants.Email && mail))
                {
                    continue;
                }

                db.Notifications.Add(new Notification
                {
                    PublicId = Guid.CreateVersion7(now),
                    UserId = userId,
                    EventId = e.Id,
                    Kind = e.Kind,
                    IncidentId = content.IncidentId,
                    ReportId = content.ReportId,
                    Reference = content.Reference,
                    Label = content.Label is null ? null : content.Label[..Math.Min(content.Label.Length, NotificationLimits.LabelLength)],
                    Link = content.Link,
                    CreatedAt = now,
                    InApp = wants.InApp,
                    Email = wants.Email && mail,
                    MailStatus = wants.Email && mail ? NotificationMailStatus.Pending : NotificationMailStatus.None,
                    MailNextAttemptAt = wants.Email && mail ? now : null,
                });
            }

            foreach (var organisation in await recipients.OrganisationsAsync(e, cancellationToken))
            {
                var hooks = await db.NotificationWebhooks.AsNoTracking().Where(w => w.OrganisationId == organisation && w.Enabled).Select(w => w.Id)
                    .ToListAsync(cancellationToken);
                if (hooks.Count == 0
                    || await recipients.ResolveAsync(e, await recipients.OrganisationCallerAsync(organisation, cancellationToken), cancellationToken) is null)
                {
                    continue;
                }

                foreach (var hook in hooks)
                {
                    db.NotificationWebhookDeliveries.Add(new NotificationWebhookDelivery
                    {
                        WebhookId = hook,
                        EventId = e.Id,
                        Status = Intelligence.Webhooks.WebhookDeliveryStatus.Pending,
                        CreatedAt = now,
                        NextAttemptAt = now,
                    });
                }
            }

            e.ProcessedAt = now;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another app server fanned this event out at the same moment (its lease expired under us): its rows stand.
            }

            db.ChangeTracker.Clear();
        }
    }
}
