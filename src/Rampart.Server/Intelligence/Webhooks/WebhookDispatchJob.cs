using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Live;
using Rampart.Server.Scheduling;

namespace Rampart.Server.Intelligence.Webhooks;

/// <summary>
/// The scheduled webhook job (one app server at a time, ADR 11): (1) for each enabled webhook, reads the
/// outbox after its cursor as its organisation and enqueues one delivery for the changes it may read,
/// advancing the cursor in the same transaction; (2) sends the oldest pending delivery of each webhook that is
/// due, in order, retrying with exponential backoff. The body is built at each attempt through the access
/// decision, so a retry never carries what the organisation may no longer read.
/// </summary>
public sealed partial class WebhookDispatchJob(
    RampartDb db,
    IntelChangeReader reader,
    WebhookAdministration webhooks,
    IHttpClientFactory httpClients,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    ILogger<WebhookDispatchJob> logger) : IScheduledJob
{
    public const string JobName = "intel.webhooks";

    public const string HttpClientName = "Rampart.Webhooks";

    /// <summary>Per run, at most this many outbox reads per webhook, so one busy webhook cannot hold the job.</summary>
    private const int MaxReadsPerRun = 20;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await EnqueueAsync(cancellationToken);
        await DeliverDueAsync(cancellationToken);
    }

    private async Task EnqueueAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var ids = await db.IntelWebhooks.AsNoTracking().Where(w => w.Enabled).OrderBy(w => w.Id).Select(w => w.Id).ToListAsync(cancellationToken);
        foreach (var id in ids)
        {
            var webhook = await db.IntelWebhooks.FirstOrDefaultAsync(w => w.Id == id && w.Enabled, cancellationToken);
            if (webhook is null)
            {
                continue;
            }

            var caller = await WebhookIdentity.OfAsync(db, webhook, cancellationToken);
            var filter = WebhookIdentity.FilterOf(webhook);
            for (var i = 0; i < MaxReadsPerRun; i++)
            {
                var batch = await reader.ReadAsync(caller, webhook.Cursor, o.BatchSize, filter, cancellationToken);
                if (batch.Position == webhook.Cursor)
                {
                    break;
                }

                if (batch.Events.Count > 0)
                {
                    db.IntelWebhookDeliveries.Add(new IntelWebhookDelivery
                    {
                        WebhookId = webhook.Id,
                        FirstSequence = webhook.Cursor + 1,
                        LastSequence = batch.Position,
                        EventCount = batch.Events.Count,
                        Status = WebhookDeliveryStatus.Pending,
                        CreatedAt = clock.GetUtcNow(),
                        NextAttemptAt = clock.GetUtcNow(),
                    });
                }

                webhook.Cursor = batch.Position;
                await db.SaveChangesAsync(cancellationToken);
            }

            db.ChangeTracker.Clear();
        }
    }

    private async Task DeliverDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        // Each webhook's oldest pending delivery, if due: deliveries of one webhook arrive in order.
        var due = await db.IntelWebhookDeliveries.AsNoTracking()
            .Where(d => d.Status == WebhookDeliveryStatus.Pending)
            .GroupBy(d => d.WebhookId).Select(g => g.Min(d => d.Id))
            .ToListAsync(cancellationToken);
        foreach (var deliveryId in due)
        {
            var delivery = await db.IntelWebhookDeliveries.FirstAsync(d => d.Id == deliveryId, cancellationToken);
            if (delivery.NextAttemptAt > now)
            {
                continue;
            }

            var webhook = await db.IntelWebhooks.FirstAsync(w => w.Id == delivery.WebhookId, cancellationToken);
            if (webhook.Enabled)
            {
                await AttemptAsync(webhook, delivery, cancellationToken);
                await db.SaveChangesAsync(cancellationToken);
            }

            db.ChangeTracker.Clear();
        }
    }

    private async Task AttemptAsync(IntelWebhook webhook, IntelWebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var caller = await WebhookIdentity.OfAsync(db, webhook, cancellationToken);
        var events = await reader.ReadRangeAsync(caller, delivery.FirstSequence, delivery.LastSequence, WebhookIdentity.FilterOf(webhook), cancellationToken);
        var now = clock.GetUtcNow();
        delivery.Attempts++;
        delivery.LastAttemptAt = now;
        if (events.Count == 0)
        {
            // Everything in it was withdrawn from the organisation's view since: nothing to send, nothing to reveal.
            delivery.Status = WebhookDeliveryStatus.Delivered;
            delivery.EventCount = 0;
            delivery.LastError = "Nothing in this delivery is readable by the organisation any more; not sent.";
            return;
        }

        delivery.EventCount = events.Count;
        var payload = new WebhookPayload(webhook.PublicId, delivery.Id, delivery.Attempts, now, events);
        var body = JsonSerializer.SerializeToUtf8Bytes(payload, Json);
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.Add(SignatureHeader, Sign(webhooks.Unprotect(webhook), body));
        request.Headers.Add(TimestampHeader, now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("X-Rampart-Webhook", webhook.PublicId.ToString());
        request.Headers.Add("X-Rampart-Delivery", delivery.Id.ToString(CultureInfo.InvariantCulture));
        string? error = null;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(o.Timeout);
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
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
        catch (HttpRequestException e)
        {
            error = e.Message.Length > WebhookLimits.ErrorLength ? e.Message[..WebhookLimits.ErrorLength] : e.Message;
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
            delivery.NextAttemptAt = now + Backoff(delivery.Attempts, o);
        }
    }

    /// <summary>The wait after the <paramref name="attempts"/>-th failure: base × 2^(attempts−1), capped.</summary>
    public static TimeSpan Backoff(int attempts, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var factor = Math.Pow(2, Math.Min(attempts - 1, 30));
        var delay = options.RetryBaseDelay * factor;
        return delay > options.RetryMaxDelay ? options.RetryMaxDelay : delay;
    }

    public const string SignatureHeader = "X-Rampart-Signature";

    public const string TimestampHeader = "X-Rampart-Timestamp";

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of the exact body bytes under the webhook's secret.</summary>
    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    [LoggerMessage(EventId = 5610, Level = LogLevel.Warning, Message = "Webhook {Webhook} delivery {Delivery} failed {Attempts} times; given up")]
    private static partial void LogGaveUp(ILogger logger, Guid webhook, long delivery, int attempts);
}

/// <summary>The JSON body of a delivery. <c>sentAt</c> is inside the signed body, so a receiver can refuse replays.</summary>
public sealed record WebhookPayload(Guid Webhook, long Delivery, int Attempt, DateTimeOffset SentAt, IReadOnlyList<IntelEvent> Events);
