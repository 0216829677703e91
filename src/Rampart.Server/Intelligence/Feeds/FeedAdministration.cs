using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Identity;
using Rampart.Server.Intelligence.CsvMappings;
using Rampart.Server.Intelligence.Webhooks;
using Rampart.Server.Scheduling;
using Rampart.Standards.Markings;

namespace Rampart.Server.Intelligence.Feeds;

/// <summary>A feed as an admin saves it. On change, omitted fields stay as they are.</summary>
public sealed record FeedRequest(
    string? Name,
    string? Url = null,
    string? File = null,
    string? Format = null,
    int? IntervalMinutes = null,
    string? Tlp = null,
    IReadOnlyList<AudienceEntry>? Audiences = null,
    IReadOnlyList<string>? Labels = null,
    string? WarningLists = null,
    JsonElement? CsvMapping = null,
    bool? Enabled = null);

public sealed record FeedView(
    Guid Id, string Name, string? Url, string? File, string Format, int IntervalMinutes, string Tlp, IReadOnlyList<AudienceEntry> Audiences,
    IReadOnlyList<string> Labels, string WarningLists, bool Enabled, DateTimeOffset CreatedAt,
    string Status, DateTimeOffset? LastPulledAt, DateTimeOffset? LastChangedAt, DateTimeOffset NextPullAt, string? LastError,
    int LastAdded, int LastUpdated, int LastUnchanged, int LastRejected, long TotalAdded, long Pulls);

/// <summary>
/// Saves, changes, lists and removes an organisation's feeds. Every member of the organisation sees its feeds and
/// their status; only its own admins change them (a feed writes as the organisation). Another organisation's feed —
/// also for a node admin — does not exist (404).
/// </summary>
public sealed class FeedAdministration(RampartDb db, SharingStore sharing, AuditTrail audit, TimeProvider clock, Scheduler scheduler, IOptions<FeedOptions> options, CsvMappingAdministration csvMappings)
{
    private const int MaxFeedsPerOrganisation = 200;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    private static readonly Dictionary<string, FeedFormat> Formats = new(StringComparer.Ordinal)
    {
        ["stix"] = FeedFormat.StixBundle,
        ["misp"] = FeedFormat.MispFeed,
        ["csv"] = FeedFormat.Csv,
        ["list"] = FeedFormat.PlainList,
    };

    public static FeedView View(IntelFeed f)
    {
        ArgumentNullException.ThrowIfNull(f);
        return new(f.PublicId, f.Name, f.Url, f.FilePath, Formats.First(x => x.Value == f.Format).Key, f.IntervalSeconds / 60, f.Tlp.Code(),
            JsonSerializer.Deserialize<List<AudienceEntry>>(f.AudienceJson, Json) ?? [],
            f.Labels.Split(' ', StringSplitOptions.RemoveEmptyEntries), f.WarningLists.ToString().ToLowerInvariant(), f.Enabled, f.CreatedAt,
            f.Status.ToString().ToLowerInvariant(), f.LastPulledAt, f.LastChangedAt, f.NextPullAt, f.LastError,
            f.LastAdded, f.LastUpdated, f.LastUnchanged, f.LastRejected, f.TotalAdded, f.Pulls);
    }

    /// <summary>
    /// The full path of <paramref name="relative"/> inside <paramref name="folder"/>, or null when there is no folder,
    /// the path is absolute, or it leads outside the folder (<c>..</c>, a symbolic link pointing elsewhere).
    /// </summary>
    public static string? ResolveFile(string? folder, string relative)
    {
        if (string.IsNullOrWhiteSpace(folder) || string.IsNullOrWhiteSpace(relative) || Path.IsPathRooted(relative))
        {
            return null;
        }

        var root = Path.GetFullPath(folder);
        root = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        var full = Path.GetFullPath(Path.Combine(root, relative));
        if (!full.StartsWith(root, StringComparison.Ordinal))
        {
            return null;
        }

        // A link inside the folder may point out of it: judge where it leads.
        var target = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        return target.StartsWith(root, StringComparison.Ordinal) ? full : null;
    }

    private static void EnsureMember(Caller caller)
    {
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            throw new ForbiddenException("Feeds belong to an organisation.");
        }
    }

    private static void EnsureAdmin(Caller caller)
    {
        if (!caller.IsAdminOf(caller.OrganisationId))
        {
            throw new ForbiddenException("Only an admin of the organisation manages its feeds.");
        }
    }

    public async Task<(IReadOnlyList<IntelFeed> Items, bool More)> ListAsync(Caller caller, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsureMember(caller);
        var below = before ?? long.MaxValue;
        var rows = await db.IntelFeeds.AsNoTracking()
            .Where(f => f.OrganisationId == caller.OrganisationId && f.Id < below)
            .OrderByDescending(f => f.Id).Take(limit + 1).ToListAsync(cancellationToken);
        return (rows.Take(limit).ToList(), rows.Count > limit);
    }

    public async Task<IntelFeed?> FindAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsureMember(caller);
        return await db.IntelFeeds.FirstOrDefaultAsync(f => f.PublicId == id && f.OrganisationId == caller.OrganisationId, cancellationToken);
    }

    public async Task<IntelFeed> CreateAsync(Caller caller, FeedRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        EnsureAdmin(caller);
        var now = clock.GetUtcNow();
        var feed = new IntelFeed
        {
            PublicId = Guid.CreateVersion7(now),
            OrganisationId = caller.OrganisationId,
            CreatedByUserId = caller.UserId,
            CreatedAt = now,
            NextPullAt = now,
        };
        var errors = new RequestErrors();
        if (await db.IntelFeeds.CountAsync(f => f.OrganisationId == caller.OrganisationId, cancellationToken) >= MaxFeedsPerOrganisation)
        {
            errors.Add("name", $"An organisation has at most {MaxFeedsPerOrganisation} feeds.");
        }

        await ApplyAsync(caller, feed, request, creating: true, errors, cancellationToken);
        db.IntelFeeds.Add(feed);
        audit.Record(AuditEvent.IntelFeedCreated, caller, $"feed:{feed.PublicId}", detail: feed.Url ?? feed.FilePath);
        await db.SaveChangesAsync(cancellationToken);
        await scheduler.RequestRunAsync(FeedPullJob.JobName, cancellationToken);
        return feed;
    }

    public async Task<IntelFeed?> UpdateAsync(Caller caller, Guid id, FeedRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var feed = await FindAsync(caller, id, cancellationToken);
        if (feed is null)
        {
            return null;
        }

        EnsureAdmin(caller);
        var sourceBefore = (feed.Url, feed.FilePath, feed.Format);
        await ApplyAsync(caller, feed, request, creating: false, new RequestErrors(), cancellationToken);
        if ((feed.Url, feed.FilePath, feed.Format) != sourceBefore)
        {
            // A new source starts from scratch: no validators, no remembered parts.
            feed.ETag = feed.LastModified = null;
            await db.IntelFeedItems.Where(i => i.FeedId == feed.Id).ExecuteDeleteAsync(cancellationToken);
            feed.NextPullAt = clock.GetUtcNow();
        }

        audit.Record(AuditEvent.IntelFeedChanged, caller, $"feed:{feed.PublicId}", detail: feed.Url ?? feed.FilePath);
        await db.SaveChangesAsync(cancellationToken);
        return feed;
    }

    /// <summary>Makes the feed due now ("pull now"); the next scheduler tick on any app server pulls it.</summary>
    public async Task<IntelFeed?> PullNowAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var feed = await FindAsync(caller, id, cancellationToken);
        if (feed is null)
        {
            return null;
        }

        EnsureAdmin(caller);
        feed.NextPullAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await scheduler.RequestRunAsync(FeedPullJob.JobName, cancellationToken);
        return feed;
    }

    public async Task<bool> DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var feed = await FindAsync(caller, id, cancellationToken);
        if (feed is null)
        {
            return false;
        }

        EnsureAdmin(caller);
        // What the feed brought stays: it is the organisation's intelligence now, retracted object by object if need be.
        db.IntelFeeds.Remove(feed);
        audit.Record(AuditEvent.IntelFeedDeleted, caller, $"feed:{feed.PublicId}", detail: feed.Url ?? feed.FilePath);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private async Task ApplyAsync(Caller caller, IntelFeed feed, FeedRequest request, bool creating, RequestErrors errors, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (creating || request.Name is not null)
        {
            errors.SingleLine("name", request.Name, FeedLimits.NameLength);
        }

        var url = request.Url ?? (request.File is null ? feed.Url : null);
        var file = request.File ?? (request.Url is null ? feed.FilePath : null);
        if (request.Url is not null && request.File is not null)
        {
            errors.Add("url", "Either 'url' or 'file', not both.");
        }
        else if (url is null && file is null)
        {
            errors.Add("url", "Required: a 'url', or a 'file' in the node's feed folder.");
        }
        else if (url is not null && (creating || request.Url is not null))
        {
            if (url.Length > FeedLimits.LocationLength)
            {
                errors.Add("url", $"At most {FeedLimits.LocationLength} characters.");
            }
            else if (await OutboundAddresses.CheckAsync(url, o.AllowPrivateTargets, o.AllowHttp, cancellationToken) is { } problem)
            {
                errors.Add("url", problem);
            }
        }
        else if (file is not null && (creating || request.File is not null))
        {
            if (string.IsNullOrWhiteSpace(o.Folder))
            {
                errors.Add("file", "This node has no feed folder (Rampart:Feeds:Folder); use a URL.");
            }
            else if (file.Length > FeedLimits.LocationLength || ResolveFile(o.Folder, file) is null)
            {
                errors.Add("file", "A path relative to the node's feed folder, inside it.");
            }
        }

        var format = feed.Format;
        if (creating || request.Format is not null)
        {
            if (request.Format is null || !Formats.TryGetValue(request.Format, out format))
            {
                errors.Add("format", $"One of {string.Join(", ", Formats.Keys)}.");
            }
        }

        if (format == FeedFormat.MispFeed && file is not null && errors.ToDictionary().Count == 0 && !Directory.Exists(ResolveFile(o.Folder, file)))
        {
            errors.Add("file", "A MISP feed is a folder holding manifest.json.");
        }

        var interval = feed.IntervalSeconds;
        if (creating || request.IntervalMinutes is not null)
        {
            var minutes = request.IntervalMinutes ?? 60;
            if (minutes < o.MinInterval.TotalMinutes || minutes > 7 * 24 * 60)
            {
                errors.Add("intervalMinutes", $"Between {Math.Ceiling(o.MinInterval.TotalMinutes)} and {7 * 24 * 60} minutes.");
            }

            interval = minutes * 60;
        }

        var tlp = feed.Tlp;
        if ((creating || request.Tlp is not null) && !TlpMarking.TryParse(request.Tlp, out tlp))
        {
            errors.Add("tlp", "One of clear, green, amber, amber+strict, red.");
        }

        var audiences = request.Audiences ?? (creating ? [] : JsonSerializer.Deserialize<List<AudienceEntry>>(feed.AudienceJson, Json) ?? []);
        if (!errors.Any && (creating || request.Audiences is not null || request.Tlp is not null))
        {
            var writer = new Caller(caller.UserId, caller.OrganisationId, Role.Analyst, caller.CommunityIds, Credential: caller.Credential);
            await sharing.ValidateAsync(writer, SharingRequest.OfEntries(tlp, audiences, published: false), errors, cancellationToken);
        }

        var labels = request.Labels ?? feed.Labels.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (labels.Count > FeedLimits.MaxLabels)
        {
            errors.Add("labels", $"At most {FeedLimits.MaxLabels} labels.");
        }

        foreach (var label in labels)
        {
            if (string.IsNullOrWhiteSpace(label) || label.Length > FeedLimits.LabelLength || label.Any(char.IsWhiteSpace) || label.Any(TextRules.IsForbidden))
            {
                errors.Add("labels", $"A label is 1 to {FeedLimits.LabelLength} characters without spaces.");
                break;
            }
        }

        var warningLists = feed.WarningLists;
        if (creating || request.WarningLists is not null)
        {
            warningLists = (request.WarningLists ?? "flag") switch
            {
                "flag" => WarningListAction.Flag,
                "drop" => WarningListAction.Drop,
                _ => (WarningListAction)0,
            };
            if (warningLists == 0)
            {
                errors.Add("warningLists", "One of flag, drop.");
            }
        }

        string? csvMapping = feed.CsvMapping;
        if (request.CsvMapping is { ValueKind: JsonValueKind.String } named)
        {
            // The id or name of a saved mapping of the organisation: copied into the feed (a later change of the saved
            // mapping does not change the feed; save the feed again to take it).
            csvMapping = await csvMappings.FindByIdOrNameAsync(caller, named.GetString() ?? "", cancellationToken) is { } saved
                ? JsonSerializer.Serialize(CsvMappingAdministration.MappingOf(saved), StoreFeedIngest.MappingJson)
                : null;
            if (csvMapping is null)
            {
                errors.Add("csvMapping", "Your organisation has no saved CSV mapping with this id or name.");
            }
        }
        else if (request.CsvMapping is { } mapping)
        {
            csvMapping = mapping.GetRawText();
            if (mapping.ValueKind != JsonValueKind.Object || csvMapping.Length > 10000)
            {
                errors.Add("csvMapping", "A JSON object of at most 10000 characters.");
            }
        }

        if (format == FeedFormat.Csv && csvMapping is null && !errors.Has("csvMapping"))
        {
            errors.Add("csvMapping", "Required for a CSV feed: which column holds which value.");
        }

        errors.ThrowIfAny();
        feed.Name = request.Name?.Trim() ?? feed.Name;
        (feed.Url, feed.FilePath) = (url, url is null ? file : null);
        feed.Format = format;
        feed.IntervalSeconds = interval;
        feed.Tlp = tlp;
        feed.AudienceJson = JsonSerializer.Serialize(audiences, Json);
        feed.Labels = string.Join(' ', labels);
        feed.WarningLists = warningLists;
        feed.CsvMapping = csvMapping;
        feed.Enabled = request.Enabled ?? feed.Enabled;
    }
}
