using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Webhooks;
using Rampart.Server.Scheduling;
using Rampart.Server.Validation;

namespace Rampart.Server.Incidents.Notifications;

public sealed record NotificationWebhookRequest(string? Url, string? Secret = null, bool? Enabled = null);

public sealed record NotificationWebhookView(Guid Id, string Url, bool Enabled, DateTimeOffset CreatedAt, string? Secret = null);

public sealed record NotificationDeliveryView(long Id, NotificationKind Kind, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? LastAttemptAt,
    DateTimeOffset? NextAttemptAt, int? LastStatusCode, string? LastError);

/// <summary>One event as a webhook receives it: ids and kinds only, each of a record the organisation may read when it is sent.</summary>
public sealed record NotificationHookEvent(long Id, NotificationKind Kind, Guid? IncidentId, Guid? ReportId, string Reference, Guid? SubjectId, DateTimeOffset OccurredAt);

/// <summary>The signed JSON body (<c>sentAt</c> inside it, so a receiver can refuse replays).</summary>
public sealed record NotificationHookPayload(Guid Webhook, long Delivery, int Attempt, DateTimeOffset SentAt, NotificationHookEvent Event);

/// <summary>
/// An organisation's notification webhooks: only an admin of the organisation itself registers, lists or removes them
/// (a node admin of another organisation gets 404, as for records). Targets are checked as the intelligence webhooks' are
/// (<see cref="OutboundAddresses"/>, <c>Rampart:Webhooks</c>).
/// </summary>
public sealed class NotificationWebhookAdministration(RampartDb db, AuditTrail audit, TimeProvider clock, IDataProtectionProvider protection, IOptions<WebhookOptions> options)
{
    public const string ProtectionPurpose = "Rampart.Notifications.WebhookSecret.v1";

    private readonly IDataProtector protector = protection.CreateProtector(ProtectionPurpose);

    public string Unprotect(NotificationWebhook webhook)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        return protector.Unprotect(webhook.ProtectedSecret);
    }

    public static NotificationWebhookView View(NotificationWebhook w, string? secret = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        return new(w.PublicId, w.Url, w.Enabled, w.CreatedAt, secret);
    }

    private static void EnsureAdmin(Caller caller)
    {
        if (!caller.IsAdminOf(caller.OrganisationId))
        {
            throw new ForbiddenException("Only an admin of the organisation manages its notification webhooks.");
        }
    }

    public async Task<(IReadOnlyList<NotificationWebhook> Items, bool More)> ListAsync(Caller caller, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsureAdmin(caller);
        var below = before ?? long.MaxValue;
        var organisation = caller.OrganisationId;
        var rows = await db.NotificationWebhooks.AsNoTracking().Where(w => w.OrganisationId == organisation && w.Id < below)
            .OrderByDescending(w => w.Id).Take(limit + 1).ToListAsync(cancellationToken);
        return (rows.Take(limit).ToList(), rows.Count > limit);
    }

    public async Task<NotificationWebhook?> FindAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsureAdmin(caller);
        var organisation = caller.OrganisationId;
        return await db.NotificationWebhooks.FirstOrDefaultAsync(w => w.PublicId == id && w.OrganisationId == organisation, cancellationToken);
    }

    public async Task<(NotificationWebhook Webhook, string Secret)> CreateAsync(Caller caller, NotificationWebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        EnsureAdmin(caller);
        var errors = new RequestErrors();
        if (string.IsNullOrWhiteSpace(request.Url))
        {
            errors.Add("url", "Required.");
        }
        else if (request.Url.Length > WebhookLimits.UrlLength)
        {
            errors.Add("url", $"At most {WebhookLimits.UrlLength} characters.");
        }
        else if (await OutboundAddresses.CheckAsync(request.Url, options.Value.AllowPrivateTargets, options.Value.AllowHttp, cancellationToken) is { } problem)
        {
            errors.Add("url", problem);
        }

        var secret = request.Secret ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        if (secret.Length is < WebhookLimits.MinSecretLength or > WebhookLimits.MaxSecretLength)
        {
            errors.Add("secret", $"Between {WebhookLimits.MinSecretLength} and {WebhookLimits.MaxSecretLength} characters (omit it to have one generated).");
        }

        var organisation = caller.OrganisationId;
        if (await db.NotificationWebhooks.CountAsync(w => w.OrganisationId == organisation, cancellationToken) >= NotificationLimits.MaxWebhooksPerOrganisation)
        {
            errors.Add("url", $"An organisation has at most {NotificationLimits.MaxWebhooksPerOrganisation} notification webhooks.");
        }

        errors.ThrowIfAny();
        var now = clock.GetUtcNow();
        var webhook = new NotificationWebhook
        {
            PublicId = Guid.CreateVersion7(now),
            OrganisationId = organisation,
            Url = request.Url!,
            ProtectedSecret = protector.Protect(secret),
            Enabled = request.Enabled ?? true,
            CreatedByUserId = caller.UserId,
            CreatedAt = now,
        };
        db.NotificationWebhooks.Add(webhook);
        audit.Record(AuditEvent.NotificationWebhookCreated, caller, $"notification-webhook:{webhook.PublicId}", detail: webhook.Url);
        await db.SaveChangesAsync(cancellationToken);
        return (webhook, secret);
    }

    public async Task<bool> DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        if (await FindAsync(caller, id, cancellationToken) is not { } webhook)
        {
            return false;
        }

        db.NotificationWebhooks.Remove(webhook);
        audit.Record(AuditEvent.NotificationWebhookDeleted, caller, $"notification-webhook:{webhook.PublicId}", detail: webhook.Url);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<(IReadOnlyList<NotificationDeliveryView> Items, bool More, long? Last)?> DeliveriesAsync(Caller caller, Guid id, long? before, int limit, CancellationToken cancellationToken)
    {
        if (await FindAsync(caller, id, cancellationToken) is not { } webhook)
        {
            return null;
        }

        var below = before ?? long.MaxValue;
        var events = db.NotificationEvents;
        var rows = await db.NotificationWebhookDeliveries.AsNoTracking().Where(d => d.WebhookId == webhook.Id && d.Id < below)
            .OrderByDescending(d => d.Id).Take(limit + 1)
            .Select(d => new { d, Kind = events.Where(e => e.Id == d.EventId).Select(e => e.Kind).First() })
            .ToListAsync(cancellationToken);
        var page = rows.Take(limit).ToList();
        return (page.Select(r => new NotificationDeliveryView(r.d.Id, r.Kind, r.d.Status.ToString().ToLowerInvariant(), r.d.Attempts, r.d.CreatedAt, r.d.LastAttemptAt,
            r.d.Status == WebhookDeliveryStatus.Pending ? r.d.NextAttemptAt : null, r.d.LastStatusCode, r.d.LastError)).ToList(), rows.Count > limit, page.Count > 0 ? page[^1].d.Id : null);
    }
}

/// <summary>
/// Sends the due notification-webhook deliveries (one app server at a time), each webhook's in order, with the HMAC signature,
/// timestamp, retry and backoff of the intelligence webhooks (<see cref="WebhookDispatchJob"/>'s, reused). The body is built at
/// each attempt as the organisation reads then: a delivery about a record it may no longer read is closed unsent.
/// </summary>
public sealed partial class NotificationWebhookJob(
    RampartDb db,
    NotificationRecipients recipients,
    NotificationWebhookAdministration webhooks,
    IHttpClientFactory httpClients,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    ILogger<NotificationWebhookJob> logger) : IScheduledJob
{
    public const string JobName = "notifications.webhooks";

    private static readonly JsonSerializerOptions Json = CreateJson();

    private static JsonSerializerOptions CreateJson()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        json.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        return json;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = await db.NotificationWebhookDeliveries.AsNoTracking()
            .Where(d => d.Status == WebhookDeliveryStatus.Pending)
            .GroupBy(d => d.WebhookId).Select(g => g.Min(d => d.Id))
            .Take(500).ToListAsync(cancellationToken);
        foreach (var deliveryId in due)
        {
            var delivery = await db.NotificationWebhookDeliveries.FirstAsync(d => d.Id == deliveryId, cancellationToken);
            if (delivery.NextAttemptAt > now)
            {
                continue;
            }

            var webhook = await db.NotificationWebhooks.FirstAsync(w => w.Id == delivery.WebhookId, cancellationToken);
            if (webhook.Enabled)
            {
                await AttemptAsync(webhook, delivery, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
            }

            db.ChangeTracker.Clear();
        }
    }

    private async Task AttemptAsync(NotificationWebhook webhook, NotificationWebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var e = await db.NotificationEvents.AsNoTracking().FirstAsync(x => x.Id == delivery.EventId, cancellationToken);
        var reader = await recipients.OrganisationCallerAsync(webhook.OrganisationId, cancellationToken);
        var content = await recipients.ResolveAsync(e, reader, cancellationToken);
        var now = clock.GetUtcNow();
        delivery.Attempts++;
        delivery.LastAttemptAt = now;
        if (content is null)
        {
            delivery.Status = WebhookDeliveryStatus.Delivered;
            delivery.LastError = "The organisation may not read this any more; not sent.";
            return;
        }

        var payload = new NotificationHookPayload(webhook.PublicId, delivery.Id, delivery.Attempts, now,
            new NotificationHookEvent(e.Id, e.Kind, content.IncidentId, content.ReportId, content.Reference, e.Kind == NotificationKind.Invited ? null : e.SubjectId, e.CreatedAt));
        var body = JsonSerializer.SerializeToUtf8Bytes(payload, Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookDispatchJob.SignatureHeader, WebhookDispatchJob.Sign(webhooks.Unprotect(webhook), body));
        request.Headers.Add(WebhookDispatchJob.TimestampHeader, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-Rampart-Webhook", webhook.PublicId.ToString());
        request.Headers.Add("X-Rampart-Delivery", delivery.Id.ToString(CultureInfo.InvariantCulture));
        string? error = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(o.Timeout);
            using var response = await httpClients.CreateClient(WebhookDispatchJob.HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            delivery.LastStatusCode = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                error = $"The receiver answered {(int)response.StatusCode}.";
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            error = $"No answer within {o.Timeout.TotalSeconds:0} s.";
            delivery.LastStatusCode = null;
        }
        catch (HttpRequestException x)
        {
            error = x.Message[..Math.Min(x.Message.Length, NotificationLimits.ErrorLength)];
            delivery.LastStatusCode = null;
        }

        delivery.LastError = error;
        if (error is null)
        {
            delivery.Status = WebhookDeliveryStatus.Delivered;
        }
        else if (delivery.Attempts >= o.MaxAttempts)
        {
            delivery.Status = WebhookDeliveryStatus.Failed;
            LogGaveUp(logger, webhook.PublicId, delivery.Id, delivery.Attempts);
        }
        else
        {
            delivery.NextAttemptAt = now + WebhookDispatchJob.Backoff(delivery.Attempts, o);
        }
    }

    [LoggerMessage(EventId = 7920, Level = LogLevel.Warning, Message = "Notification webhook {Webhook} delivery {Delivery} failed {Attempts} times; given up")]
    private static partial void LogGaveUp(ILogger logger, Guid webhook, long delivery, int attempts);
}
