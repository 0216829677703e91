using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Webhooks;
using Rampart.Server.Scheduling;
using Rampart.Standards.Markings;

namespace Rampart.Server.Taxii.Client;

/// <summary>
/// A connection as an admin saves it. On change, omitted fields stay as they are; the credentials are replaced only
/// when <c>authentication</c> or one of <c>user</c>, <c>password</c>, <c>token</c> is given.
/// </summary>
public sealed record TaxiiConnectionRequest(
    string? Name,
    string? Url = null,
    string? ApiRoot = null,
    string? CollectionId = null,
    string? Authentication = null,
    string? User = null,
    string? Password = null,
    string? Token = null,
    string? Direction = null,
    IReadOnlyList<string>? PullTypes = null,
    string? PullAddedAfter = null,
    string? PullTlp = null,
    IReadOnlyList<AudienceEntry>? PullAudiences = null,
    IReadOnlyList<string>? PushTypes = null,
    IReadOnlyList<string>? PushLabels = null,
    string? PushTlpCeiling = null,
    int? PushBatchSize = null,
    int? IntervalMinutes = null,
    bool? Enabled = null);

/// <summary>A connection and its state as answered: never its credentials, only how it authenticates.</summary>
public sealed record TaxiiConnectionView(
    Guid Id, string Name, string ApiRoot, string CollectionId, string Authentication, bool HasCredentials, string Direction,
    IReadOnlyList<string> PullTypes, DateTimeOffset? PullAddedAfter, string PullTlp, IReadOnlyList<AudienceEntry> PullAudiences,
    IReadOnlyList<string> PushTypes, IReadOnlyList<string> PushLabels, string PushTlpCeiling, int PushBatchSize,
    int IntervalMinutes, bool Enabled, DateTimeOffset CreatedAt, TaxiiConnectionState State);

/// <summary>What the last run did, the checkpoints and when the next run is due.</summary>
public sealed record TaxiiConnectionState(
    string Status, DateTimeOffset? LastRunAt, DateTimeOffset NextRunAt, string? LastError, DateTimeOffset? LastErrorAt,
    DateTimeOffset? PullCheckpoint, DateTimeOffset? PushCheckpoint,
    int Pulled, int Added, int Updated, int Unchanged, int Rejected, int Pushed, int PushFailed, int PushPending,
    long TotalPulled, long TotalPushed, long Runs);

/// <summary>
/// Saves, changes, lists, runs and removes an organisation's TAXII connections. Every member of the organisation sees
/// its connections and their state (never the credentials); only its own admins change or run them (a connection writes
/// and reads as the organisation). Another organisation's connection — also for a node admin — does not exist (404).
/// </summary>
public sealed class TaxiiConnections(
    RampartDb db,
    SharingStore sharing,
    AuditTrail audit,
    TimeProvider clock,
    Scheduler scheduler,
    TaxiiCredentialProtector protector,
    IOptions<TaxiiClientOptions> options)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    private static readonly Dictionary<string, TaxiiDirection> Directions = new(StringComparer.Ordinal)
    {
        ["pull"] = TaxiiDirection.Pull,
        ["push"] = TaxiiDirection.Push,
        ["both"] = TaxiiDirection.Both,
    };

    private static readonly Dictionary<string, TaxiiAuthentication> Authentications = new(StringComparer.Ordinal)
    {
        ["none"] = TaxiiAuthentication.None,
        ["basic"] = TaxiiAuthentication.Basic,
        ["bearer"] = TaxiiAuthentication.Bearer,
    };

    private static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public static TaxiiConnectionView View(TaxiiConnection c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.PublicId, c.Name, c.ApiRoot, c.CollectionId, Authentications.First(a => a.Value == c.Authentication).Key, c.ProtectedCredentials is not null,
            Directions.First(d => d.Value == c.Direction).Key, Words(c.PullTypes), c.PullStartAt, c.PullTlp.Code(),
            JsonSerializer.Deserialize<List<AudienceEntry>>(c.PullAudienceJson, Json) ?? [], Words(c.PushTypes), Words(c.PushLabels), c.PushTlpCeiling.Code(),
            c.PushBatchSize, c.IntervalSeconds / 60, c.Enabled, c.CreatedAt, State(c));
    }

    public static TaxiiConnectionState State(TaxiiConnection c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Status.ToString().ToLowerInvariant(), c.LastRunAt, c.NextRunAt, c.LastError, c.LastErrorAt, c.PullCheckpoint, c.PushCheckpointAddedAt,
            c.LastPulled, c.LastAdded, c.LastUpdated, c.LastUnchanged, c.LastRejected, c.LastPushed, c.LastPushFailed, c.LastPushPending,
            c.TotalPulled, c.TotalPushed, c.Runs);
    }

    private static void EnsureMember(Caller caller)
    {
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            throw new ForbiddenException("TAXII connections belong to an organisation.");
        }
    }

    private static void EnsureAdmin(Caller caller)
    {
        if (!caller.IsAdminOf(caller.OrganisationId))
        {
            throw new ForbiddenException("Only an admin of the organisation manages its TAXII connections.");
        }
    }

    public async Task<(IReadOnlyList<TaxiiConnection> Items, bool More)> ListAsync(Caller caller, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsureMember(caller);
        var below = before ?? long.MaxValue;
        var rows = await db.TaxiiConnections.AsNoTracking()
            .Where(c => c.OrganisationId == caller.OrganisationId && c.Id < below)
            .OrderByDescending(c => c.Id).Take(limit + 1).ToListAsync(cancellationToken);
        return ([.. rows.Take(limit)], rows.Count > limit);
    }

    public async Task<TaxiiConnection?> FindAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsureMember(caller);
        return await db.TaxiiConnections.FirstOrDefaultAsync(c => c.PublicId == id && c.OrganisationId == caller.OrganisationId, cancellationToken);
    }

    public async Task<TaxiiConnection> CreateAsync(Caller caller, TaxiiConnectionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        EnsureAdmin(caller);
        var now = clock.GetUtcNow();
        var connection = new TaxiiConnection
        {
            PublicId = Guid.CreateVersion7(now),
            OrganisationId = caller.OrganisationId,
            CreatedByUserId = caller.UserId,
            CreatedAt = now,
            NextRunAt = now,
        };
        var errors = new RequestErrors();
        if (await db.TaxiiConnections.CountAsync(c => c.OrganisationId == caller.OrganisationId, cancellationToken) >= TaxiiConnectionLimits.MaxConnectionsPerOrganisation)
        {
            errors.Add("name", $"An organisation has at most {TaxiiConnectionLimits.MaxConnectionsPerOrganisation} TAXII connections.");
        }

        await ApplyAsync(caller, connection, request, creating: true, errors, cancellationToken);
        db.TaxiiConnections.Add(connection);
        audit.Record(AuditEvent.TaxiiConnectionCreated, caller, $"taxii-connection:{connection.PublicId}", detail: Describe(connection));
        await db.SaveChangesAsync(cancellationToken);
        await scheduler.RequestRunAsync(TaxiiClientJob.JobName, cancellationToken);
        return connection;
    }

    public async Task<TaxiiConnection?> UpdateAsync(Caller caller, Guid id, TaxiiConnectionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var connection = await FindAsync(caller, id, cancellationToken);
        if (connection is null)
        {
            return null;
        }

        EnsureAdmin(caller);
        var remoteBefore = (connection.ApiRoot, connection.CollectionId);
        await ApplyAsync(caller, connection, request, creating: false, new RequestErrors(), cancellationToken);
        if ((connection.ApiRoot, connection.CollectionId) != remoteBefore)
        {
            // Another collection starts from scratch: its checkpoints mean nothing there.
            (connection.PullCheckpoint, connection.PullCheckpointText) = (null, null);
            (connection.PushCheckpointAddedAt, connection.PushCheckpointRecordId, connection.PushCheckpointModified) = (null, 0, null);
            connection.NextRunAt = clock.GetUtcNow();
        }

        audit.Record(AuditEvent.TaxiiConnectionChanged, caller, $"taxii-connection:{connection.PublicId}", detail: Describe(connection));
        await db.SaveChangesAsync(cancellationToken);
        return connection;
    }

    /// <summary>Makes the connection due now ("run now"); the next scheduler tick on any app server runs it.</summary>
    public async Task<TaxiiConnection?> RunNowAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var connection = await FindAsync(caller, id, cancellationToken);
        if (connection is null)
        {
            return null;
        }

        EnsureAdmin(caller);
        if (!connection.Enabled)
        {
            throw RequestErrors.One("enabled", "The connection is disabled; enable it to run it.");
        }

        connection.NextRunAt = clock.GetUtcNow();
        audit.Record(AuditEvent.TaxiiConnectionRunRequested, caller, $"taxii-connection:{connection.PublicId}", detail: connection.Name);
        await db.SaveChangesAsync(cancellationToken);
        await scheduler.RequestRunAsync(TaxiiClientJob.JobName, cancellationToken);
        return connection;
    }

    public async Task<bool> DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var connection = await FindAsync(caller, id, cancellationToken);
        if (connection is null)
        {
            return false;
        }

        EnsureAdmin(caller);
        // What it pulled stays: it is the organisation's intelligence now; what it pushed is the remote's.
        db.TaxiiConnections.Remove(connection);
        audit.Record(AuditEvent.TaxiiConnectionDeleted, caller, $"taxii-connection:{connection.PublicId}", detail: Describe(connection));
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    // Never the credentials: where it goes and what it does.
    private static string Describe(TaxiiConnection c) =>
        $"{c.Name}: {c.ApiRoot} collection {c.CollectionId}, {c.Direction.ToString().ToLowerInvariant()}, push ceiling {c.PushTlpCeiling.Code()}";

    private async Task ApplyAsync(Caller caller, TaxiiConnection c, TaxiiConnectionRequest request, bool creating, RequestErrors errors, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (creating || request.Name is not null)
        {
            errors.SingleLine("name", request.Name, TaxiiConnectionLimits.NameLength);
        }

        // The API root: absolute, or relative to the server URL.
        var apiRoot = c.ApiRoot;
        if (creating || request.ApiRoot is not null || request.Url is not null)
        {
            apiRoot = await ApiRootAsync(request.Url, request.ApiRoot ?? (creating ? null : c.ApiRoot), o, errors, cancellationToken) ?? apiRoot;
        }

        var collectionId = c.CollectionId;
        if (creating || request.CollectionId is not null)
        {
            collectionId = request.CollectionId?.Trim() ?? "";
            if (collectionId.Length == 0 || collectionId.Length > TaxiiConnectionLimits.CollectionLength || !collectionId.All(IsSegmentChar))
            {
                errors.Add("collectionId", $"The remote collection's id or alias: 1 to {TaxiiConnectionLimits.CollectionLength} letters, digits, '-', '_', '.' or '~'.");
            }
        }

        var authentication = c.Authentication;
        var credentials = c.ProtectedCredentials;
        if (creating || request.Authentication is not null || request.User is not null || request.Password is not null || request.Token is not null)
        {
            var name = request.Authentication ?? (creating ? (request.Token is not null ? "bearer" : request.User is not null ? "basic" : "none") : Authentications.First(a => a.Value == c.Authentication).Key);
            if (!Authentications.TryGetValue(name, out authentication))
            {
                errors.Add("authentication", "One of none, basic, bearer.");
            }
            else
            {
                credentials = Credentials(authentication, request, errors);
            }
        }

        var direction = c.Direction;
        if ((creating || request.Direction is not null) && !Directions.TryGetValue(request.Direction ?? "", out direction))
        {
            errors.Add("direction", "One of pull, push, both.");
        }

        var pullTypes = request.PullTypes is null ? Words(c.PullTypes) : StixTypes("pullTypes", request.PullTypes, errors);
        var pushTypes = request.PushTypes is null ? Words(c.PushTypes) : StixTypes("pushTypes", request.PushTypes, errors);
        var pushLabels = request.PushLabels is null ? Words(c.PushLabels) : Labels("pushLabels", request.PushLabels, errors);

        var pullStart = c.PullStartAt;
        if (request.PullAddedAfter is not null)
        {
            if (request.PullAddedAfter.Length == 0)
            {
                pullStart = null;
            }
            else if (request.PullAddedAfter.Length > 40
                     || !DateTimeOffset.TryParse(request.PullAddedAfter, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var start))
            {
                errors.Add("pullAddedAfter", "A date and time (ISO 8601, e.g. 2026-01-01T00:00:00Z), or empty for everything.");
            }
            else
            {
                pullStart = start;
            }
        }

        var pullTlp = creating ? Tlp.Amber : c.PullTlp;
        if (request.PullTlp is not null && !TlpMarking.TryParse(request.PullTlp, out pullTlp))
        {
            errors.Add("pullTlp", "One of clear, green, amber, amber+strict, red.");
        }

        var pullAudiences = request.PullAudiences ?? (creating ? [] : JsonSerializer.Deserialize<List<AudienceEntry>>(c.PullAudienceJson, Json) ?? []);
        if (!errors.Has("pullTlp") && (creating || request.PullAudiences is not null || request.PullTlp is not null))
        {
            // Pulled objects are shared as the organisation would share them: the same rules, checked now and at each run.
            var writer = new Caller(caller.UserId, caller.OrganisationId, Role.Analyst, caller.CommunityIds, Credential: caller.Credential);
            var sharingErrors = new RequestErrors();
            await sharing.ValidateAsync(writer, SharingRequest.OfEntries(pullTlp, pullAudiences, published: false), sharingErrors, cancellationToken);
            foreach (var (field, reasons) in sharingErrors.ToDictionary())
            {
                foreach (var reason in reasons)
                {
                    errors.Add(field == "tlp" ? "pullTlp" : "pull" + char.ToUpperInvariant(field[0]) + field[1..], reason);
                }
            }
        }

        var ceiling = creating ? Tlp.Green : c.PushTlpCeiling;
        if (request.PushTlpCeiling is not null)
        {
            if (!TlpMarking.TryParse(request.PushTlpCeiling, out ceiling))
            {
                errors.Add("pushTlpCeiling", "One of clear, green, amber, amber+strict.");
            }
            else if (ceiling == Tlp.Red)
            {
                errors.Add("pushTlpCeiling", "TLP:RED is never pushed to another server: at most amber+strict.");
            }
        }

        var batch = request.PushBatchSize ?? (creating ? 500 : c.PushBatchSize);
        if (batch is < 1 or > 10000)
        {
            errors.Add("pushBatchSize", "Between 1 and 10000 objects per envelope.");
        }

        var interval = c.IntervalSeconds;
        if (creating || request.IntervalMinutes is not null)
        {
            var minutes = request.IntervalMinutes ?? 60;
            if (minutes < o.MinInterval.TotalMinutes || minutes > 7 * 24 * 60)
            {
                errors.Add("intervalMinutes", $"Between {Math.Ceiling(o.MinInterval.TotalMinutes)} and {7 * 24 * 60} minutes.");
            }

            interval = minutes * 60;
        }

        errors.ThrowIfAny();
        c.Name = request.Name?.Trim() ?? c.Name;
        c.ApiRoot = apiRoot;
        c.CollectionId = collectionId;
        (c.Authentication, c.ProtectedCredentials) = (authentication, credentials);
        c.Direction = direction;
        c.PullTypes = string.Join(' ', pullTypes);
        c.PullStartAt = pullStart;
        c.PullTlp = pullTlp;
        c.PullAudienceJson = JsonSerializer.Serialize(pullAudiences, Json);
        c.PushTypes = string.Join(' ', pushTypes);
        c.PushLabels = string.Join(' ', pushLabels);
        c.PushTlpCeiling = ceiling;
        c.PushBatchSize = batch;
        c.IntervalSeconds = interval;
        c.Enabled = request.Enabled ?? c.Enabled;
    }

    private static bool IsSegmentChar(char ch) => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.' or '~';

    /// <summary>The API root as an absolute http(s) URL ending with '/', checked like every outbound address; null (and an error) when it is not one.</summary>
    private static async Task<string?> ApiRootAsync(string? url, string? apiRoot, TaxiiClientOptions o, RequestErrors errors, CancellationToken cancellationToken)
    {
        string field;
        Uri? resolved;
        if (string.IsNullOrWhiteSpace(apiRoot))
        {
            errors.Add("apiRoot", "Required: the API root's URL (e.g. https://taxii.example.org/api1/), or its path with 'url'.");
            return null;
        }

        if (Uri.TryCreate(apiRoot.Trim(), UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            (field, resolved) = ("apiRoot", absolute);
        }
        else if (string.IsNullOrWhiteSpace(url))
        {
            errors.Add("apiRoot", "An absolute http(s) URL, or a path together with the server's 'url'.");
            return null;
        }
        else if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var server) || server.Scheme is not ("http" or "https"))
        {
            errors.Add("url", "The server's absolute http(s) URL.");
            return null;
        }
        else if (!Uri.TryCreate(server, apiRoot.Trim(), out resolved))
        {
            errors.Add("apiRoot", "A path on the server (e.g. /api1/).");
            return null;
        }
        else
        {
            field = "apiRoot";
        }

        var text = resolved.GetLeftPart(UriPartial.Path);
        text = text.EndsWith('/') ? text : text + "/";
        if (text.Length > TaxiiConnectionLimits.UrlLength || !string.IsNullOrEmpty(resolved.Query) || !string.IsNullOrEmpty(resolved.Fragment))
        {
            errors.Add(field, $"At most {TaxiiConnectionLimits.UrlLength} characters, without query or fragment.");
            return null;
        }

        if (await OutboundAddresses.CheckAsync(text, o.AllowPrivateTargets, o.AllowHttp, cancellationToken) is { } problem)
        {
            errors.Add(field, problem);
            return null;
        }

        return text;
    }

    private string? Credentials(TaxiiAuthentication authentication, TaxiiConnectionRequest request, RequestErrors errors)
    {
        static bool Bad(string? value) => string.IsNullOrEmpty(value) || value.Length > TaxiiConnectionLimits.CredentialLength || value.Any(char.IsControl);

        switch (authentication)
        {
            case TaxiiAuthentication.Basic:
                if (Bad(request.User) || request.User!.Contains(':', StringComparison.Ordinal))
                {
                    errors.Add("user", $"Required for basic authentication: 1 to {TaxiiConnectionLimits.CredentialLength} characters, no ':'.");
                }

                if (Bad(request.Password))
                {
                    errors.Add("password", $"Required for basic authentication: 1 to {TaxiiConnectionLimits.CredentialLength} characters.");
                }

                return errors.Has("user") || errors.Has("password") ? null : protector.Protect(new TaxiiCredentials(request.User, request.Password!));
            case TaxiiAuthentication.Bearer:
                if (Bad(request.Token) || request.Token!.Any(char.IsWhiteSpace))
                {
                    errors.Add("token", $"Required for bearer authentication: 1 to {TaxiiConnectionLimits.CredentialLength} characters without spaces.");
                    return null;
                }

                return protector.Protect(new TaxiiCredentials(null, request.Token!));
            default:
                return null;
        }
    }

    private static string[] StixTypes(string field, IReadOnlyList<string> values, RequestErrors errors)
    {
        if (values.Count > TaxiiConnectionLimits.MaxListEntries)
        {
            errors.Add(field, $"At most {TaxiiConnectionLimits.MaxListEntries} types.");
        }

        foreach (var v in values)
        {
            if (v is null || v.Length is < 3 or > TaxiiConnectionLimits.EntryLength || !v.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '-'))
            {
                errors.Add(field, "A STIX type: 3 to 100 lower-case letters, digits and '-' (e.g. indicator).");
                break;
            }
        }

        return [.. values.Where(v => v is not null).Distinct(StringComparer.Ordinal)];
    }

    private static string[] Labels(string field, IReadOnlyList<string> values, RequestErrors errors)
    {
        if (values.Count > TaxiiConnectionLimits.MaxListEntries)
        {
            errors.Add(field, $"At most {TaxiiConnectionLimits.MaxListEntries} labels.");
        }

        foreach (var v in values)
        {
            if (string.IsNullOrWhiteSpace(v) || v.Length > TaxiiConnectionLimits.EntryLength || v.Any(char.IsWhiteSpace) || v.Any(TextRules.IsForbidden))
            {
                errors.Add(field, $"A label is 1 to {TaxiiConnectionLimits.EntryLength} characters without spaces.");
                break;
            }
        }

        return [.. values.Where(v => v is not null).Distinct(StringComparer.Ordinal)];
    }
}
