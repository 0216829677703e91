using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Scheduling;

namespace Rampart.Server.Intelligence.Feeds;

/// <summary>
/// The scheduled feed job (one app server at a time, ADR 11): pulls every enabled feed whose time has come,
/// with <c>If-None-Match</c> / <c>If-Modified-Since</c>, and hands only what changed to the store — nothing on a
/// 304, nothing when the document's SHA-256 is the one stored last time, and for a MISP feed only the events
/// whose manifest timestamp moved. Status, counts and the last error are written on the feed.
/// </summary>
public sealed partial class FeedPullJob(
    RampartDb db,
    IFeedIngest ingest,
    IHttpClientFactory httpClients,
    IOptions<FeedOptions> options,
    TimeProvider clock,
    ILogger<FeedPullJob> logger) : IScheduledJob
{
    public const string JobName = "intel.feeds";

    public const string HttpClientName = "Rampart.Feeds";

    private const int MaxFeedsPerRun = 100;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var due = await db.IntelFeeds.AsNoTracking()
            .Where(f => f.Enabled && f.NextPullAt <= now)
            .OrderBy(f => f.NextPullAt).Select(f => f.Id).Take(MaxFeedsPerRun)
            .ToListAsync(cancellationToken);
        foreach (var id in due)
        {
            await PullAsync(id, cancellationToken);
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Pulls one feed now and records the outcome on it.</summary>
    public async Task PullAsync(long feedId, CancellationToken cancellationToken)
    {
        var feed = await db.IntelFeeds.FirstOrDefaultAsync(f => f.Id == feedId, cancellationToken);
        if (feed is null)
        {
            return;
        }

        var started = clock.GetUtcNow();
        feed.Pulls++;
        feed.LastPulledAt = started;
        feed.NextPullAt = started + TimeSpan.FromSeconds(feed.IntervalSeconds);
        try
        {
            var counts = feed.Format == FeedFormat.MispFeed
                ? await PullMispAsync(feed, cancellationToken)
                : await PullDocumentAsync(feed, cancellationToken);
            feed.LastError = null;
            if (counts is null)
            {
                feed.Status = FeedStatus.Unchanged;
                feed.LastAdded = feed.LastUpdated = feed.LastUnchanged = feed.LastRejected = 0;
            }
            else
            {
                feed.Status = FeedStatus.Ingested;
                feed.LastChangedAt = started;
                (feed.LastAdded, feed.LastUpdated, feed.LastUnchanged, feed.LastRejected) = (counts.Added, counts.Updated, counts.Unchanged, counts.Rejected);
                feed.TotalAdded += counts.Added;
            }
        }
        catch (Exception e) when (e is FeedException or HttpRequestException or IOException or JsonException or UnauthorizedAccessException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The pulled parts that were stored stay stored (their hashes were saved); the rest is tried at the next pull.
            db.ChangeTracker.Entries<IntelFeedItem>().Where(en => en.State != EntityState.Unchanged).ToList().ForEach(en => en.State = EntityState.Detached);
            feed.Status = FeedStatus.Failed;
            var message = e is OperationCanceledException ? $"No complete answer within {options.Value.Timeout.TotalSeconds:0} s." : e.Message;
            feed.LastError = message.Length > FeedLimits.ErrorLength ? message[..FeedLimits.ErrorLength] : message;
            LogPullFailed(logger, feed.PublicId, e);
        }

        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>A single-document feed: null when the source says (304) or the hash shows nothing changed.</summary>
    private async Task<FeedIngestCounts?> PullDocumentAsync(IntelFeed feed, CancellationToken cancellationToken)
    {
        var fetched = await FetchAsync(feed, null, conditional: true, cancellationToken);
        if (fetched is null)
        {
            return null;
        }

        if (!await ChangedAsync(feed, "", Hash(fetched.Content), cancellationToken))
        {
            Remember(feed, fetched);
            return null;
        }

        var counts = await IngestAsync(feed, feed.Format, fetched.Content, cancellationToken);
        // The validators only once the content is stored: a failed ingest must not turn the next pull into a 304.
        Remember(feed, fetched);
        await db.SaveChangesAsync(cancellationToken);
        return counts;
    }

    /// <summary>A MISP feed: the manifest (conditionally), then each event whose timestamp moved; events gone from the manifest are forgotten.</summary>
    private async Task<FeedIngestCounts?> PullMispAsync(IntelFeed feed, CancellationToken cancellationToken)
    {
        var fetchedManifest = await FetchAsync(feed, "manifest.json", conditional: true, cancellationToken);
        if (fetchedManifest is null)
        {
            return null;
        }

        var manifest = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(fetchedManifest.Content)
                       ?? throw new FeedException("manifest.json is not a JSON object of events.");
        var known = await db.IntelFeedItems.Where(i => i.FeedId == feed.Id).ToDictionaryAsync(i => i.Key, cancellationToken);
        var total = FeedIngestCounts.None;
        var changed = false;
        foreach (var (uuid, entry) in manifest)
        {
            if (!Guid.TryParse(uuid, out var eventId))
            {
                throw new FeedException($"manifest.json names '{(uuid.Length > 60 ? uuid[..60] : uuid)}', which is not an event uuid.");
            }

            var stamp = entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("timestamp", out var t) ? t.ToString() : "";
            var key = eventId.ToString("D");
            if (known.TryGetValue(key, out var item) && item.Hash == stamp && stamp.Length > 0)
            {
                continue;
            }

            var content = (await FetchAsync(feed, $"{key}.json", conditional: false, cancellationToken))?.Content
                          ?? throw new FeedException($"Event {key} listed in manifest.json could not be read.");
            total = total.Plus(await IngestAsync(feed, FeedFormat.MispFeed, content, cancellationToken));
            if (item is null)
            {
                db.IntelFeedItems.Add(new IntelFeedItem { FeedId = feed.Id, Key = key, Hash = stamp[..Math.Min(stamp.Length, 64)] });
            }
            else
            {
                item.Hash = stamp[..Math.Min(stamp.Length, 64)];
            }

            // Each stored event is remembered at once: a failure later in the pull does not fetch it again.
            await db.SaveChangesAsync(cancellationToken);
            changed = true;
        }

        foreach (var gone in known.Values.Where(i => !manifest.Keys.Any(k => Guid.TryParse(k, out var g) && g.ToString("D") == i.Key)))
        {
            db.IntelFeedItems.Remove(gone);
            changed = true;
        }

        Remember(feed, fetchedManifest);
        await db.SaveChangesAsync(cancellationToken);
        return changed ? total : null;
    }

    private async Task<FeedIngestCounts> IngestAsync(IntelFeed feed, FeedFormat format, byte[] content, CancellationToken cancellationToken)
    {
        var communities = await db.CommunityMembers.AsNoTracking().Where(m => m.OrganisationId == feed.OrganisationId)
            .Select(m => m.CommunityId).ToListAsync(cancellationToken);
        // The feed writes as its organisation (owner and creator), never as the admin who saved it.
        var writer = new Caller(feed.PublicId, feed.OrganisationId, Role.Analyst, communities.ToHashSet(), ReadOnly: false, Credential: $"feed:{feed.PublicId:N}");
        var audiences = JsonSerializer.Deserialize<List<AudienceEntry>>(feed.AudienceJson, FeedAdministration.Json) ?? [];
        var labels = feed.Labels.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return await ingest.IngestAsync(
            new FeedIngestRequest(feed.PublicId, writer, format, content, feed.Tlp, audiences, labels, feed.WarningLists, feed.CsvMapping),
            cancellationToken);
    }

    /// <summary>True (and the new hash recorded, to be saved with the ingest) when <paramref name="key"/>'s content differs from last time.</summary>
    private async Task<bool> ChangedAsync(IntelFeed feed, string key, string hash, CancellationToken cancellationToken)
    {
        var item = await db.IntelFeedItems.FirstOrDefaultAsync(i => i.FeedId == feed.Id && i.Key == key, cancellationToken);
        if (item?.Hash == hash)
        {
            return false;
        }

        if (item is null)
        {
            db.IntelFeedItems.Add(new IntelFeedItem { FeedId = feed.Id, Key = key, Hash = hash });
        }
        else
        {
            item.Hash = hash;
        }

        return true;
    }

    private static void Remember(IntelFeed feed, Fetched fetched)
    {
        feed.ETag = fetched.ETag;
        feed.LastModified = fetched.LastModified;
    }

    private static string Hash(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>
    /// The document at the feed's location (or <paramref name="relative"/> to it); null when the source answers
    /// 304 to the conditional request. Conditional headers and the answer's validators are kept on the feed.
    /// </summary>
    private async Task<Fetched?> FetchAsync(IntelFeed feed, string? relative, bool conditional, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (feed.FilePath is not null)
        {
            var path = FeedAdministration.ResolveFile(o.Folder, relative is null ? feed.FilePath : Path.Combine(feed.FilePath, relative))
                       ?? throw new FeedException("The file is not inside the configured feed folder (or no folder is configured).");
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new FeedException($"No file {(relative is null ? feed.FilePath : relative)} in the feed folder.");
            }

            if (info.Length > o.MaxBytes)
            {
                throw new FeedException($"The file is larger than {o.MaxBytes} bytes.");
            }

            var stamp = info.LastWriteTimeUtc.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            if (conditional && feed.LastModified == stamp)
            {
                return null;
            }

            return new Fetched(await File.ReadAllBytesAsync(path, cancellationToken), null, stamp);
        }

        var url = relative is null ? new Uri(feed.Url!) : new Uri(new Uri(feed.Url!.EndsWith('/') ? feed.Url : feed.Url + "/"), relative);

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (conditional && feed.ETag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", feed.ETag);
        }

        if (conditional && feed.LastModified is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Modified-Since", feed.LastModified);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(o.Timeout);
        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        if (response.StatusCode == HttpStatusCode.NotModified && conditional)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new FeedException($"{url.GetLeftPart(UriPartial.Path)} answered {(int)response.StatusCode}.");
        }

        if (response.Content.Headers.ContentLength > o.MaxBytes)
        {
            throw new FeedException($"The document is larger than {o.MaxBytes} bytes.");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, timeout.Token)) > 0)
        {
            if (buffer.Length + read > o.MaxBytes)
            {
                throw new FeedException($"The document is larger than {o.MaxBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return new Fetched(buffer.ToArray(), response.Headers.ETag?.ToString(),
            response.Content.Headers.LastModified?.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
    }

    private sealed record Fetched(byte[] Content, string? ETag, string? LastModified);

    [LoggerMessage(EventId = 5620, Level = LogLevel.Warning, Message = "Feed {Feed} pull failed")]
    private static partial void LogPullFailed(ILogger logger, Guid feed, Exception exception);
}
