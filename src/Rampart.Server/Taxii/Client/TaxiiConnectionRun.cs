using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Ingest;
using Rampart.Server.Intelligence.Read;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;

namespace Rampart.Server.Taxii.Client;

/// <summary>
/// One run of one connection: pull (pages of the remote collection after the checkpoint, each stored through the
/// store's ingest as the connection's organisation, the checkpoint moved only after the page is committed), then push
/// (the organisation's own objects the connection may send, read through the access decision, in envelopes, each
/// followed to its status). State, counts and the last error are written on the connection; the run is audited.
/// </summary>
public sealed partial class TaxiiConnectionRun(
    RampartDb db,
    TaxiiRemote remote,
    TaxiiCredentialProtector protector,
    IntelQueries queries,
    IServiceScopeFactory scopes,
    AuditTrail audit,
    IOptions<TaxiiClientOptions> options,
    IOptions<TaxiiOptions> taxiiOptions,
    TimeProvider clock,
    ILogger<TaxiiConnectionRun> logger)
{
    private sealed class Counts
    {
        public int Pulled { get; set; }

        public int Added { get; set; }

        public int Updated { get; set; }

        public int Unchanged { get; set; }

        public int Rejected { get; set; }

        public int Pushed { get; set; }

        public int PushFailed { get; set; }

        public int PushPending { get; set; }

        public string? PushFailure { get; set; }
    }

    /// <summary>Runs the connection now and records the outcome on it. Safe to run again after a crash: the checkpoints only move after commits.</summary>
    public async Task RunAsync(long connectionId, CancellationToken cancellationToken)
    {
        var connection = await db.TaxiiConnections.FirstOrDefaultAsync(c => c.Id == connectionId, cancellationToken);
        if (connection is null)
        {
            return;
        }

        var started = clock.GetUtcNow();
        connection.Runs++;
        connection.LastRunAt = started;
        connection.NextRunAt = started + TimeSpan.FromSeconds(connection.IntervalSeconds);
        var counts = new Counts();
        string? error = null;
        try
        {
            var credentials = protector.Unprotect(connection.ProtectedCredentials);
            // Envelopes a former run left pending: what became final since is counted in this run.
            await RecheckStatusesAsync(connection, credentials, counts, cancellationToken);
            if (connection.Direction.HasFlag(TaxiiDirection.Pull))
            {
                await PullAsync(connection, credentials, counts, cancellationToken);
            }

            if (connection.Direction.HasFlag(TaxiiDirection.Push))
            {
                await PushAsync(connection, credentials, counts, cancellationToken);
            }
        }
        catch (TaxiiRemoteException e)
        {
            error = e.Message;
            if (e.RetryAfter is { } wait && started + wait > connection.NextRunAt)
            {
                connection.NextRunAt = clock.GetUtcNow() + wait;
            }

            LogRunFailed(logger, connection.PublicId, e.Message);
        }
#pragma warning disable CA1031 // Anything else (the database, a bug) is this connection's failure, shown on it; the job goes on with the next.
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            LogRunCrashed(logger, connection.PublicId, e);
            error = $"The run stopped on this node ({e.GetType().Name}); the node's log has the details. Pages and envelopes counted here are stored.";
            // The context may hold a failed change: start from the stored row (its checkpoints are what was committed).
            db.ChangeTracker.Clear();
            connection = await db.TaxiiConnections.FirstAsync(c => c.Id == connectionId, CancellationToken.None);
            connection.LastRunAt = started;
            connection.NextRunAt = started + TimeSpan.FromSeconds(connection.IntervalSeconds);
        }

        connection.LastPulled = counts.Pulled;
        connection.LastAdded = counts.Added;
        connection.LastUpdated = counts.Updated;
        connection.LastUnchanged = counts.Unchanged;
        connection.LastRejected = counts.Rejected;
        connection.LastPushed = counts.Pushed;
        connection.LastPushFailed = counts.PushFailed;
        connection.LastPushPending = counts.PushPending;
        error ??= counts.PushFailure;
        connection.Status = error is null ? TaxiiRunStatus.Succeeded : TaxiiRunStatus.Failed;
        if (error is not null)
        {
            connection.LastError = error.Length > TaxiiConnectionLimits.ErrorLength ? error[..TaxiiConnectionLimits.ErrorLength] : error;
            connection.LastErrorAt = clock.GetUtcNow();
        }
        else
        {
            connection.LastError = null;
        }

        var detail = string.Create(CultureInfo.InvariantCulture,
            $"pulled {counts.Pulled} (added {counts.Added}, updated {counts.Updated}, unchanged {counts.Unchanged}, rejected {counts.Rejected}); pushed {counts.Pushed}, failed {counts.PushFailed}, pending {counts.PushPending}{(error is null ? "" : "; " + error)}");
        audit.Record(AuditEvent.TaxiiConnectionRun, null, connection.OrganisationId, $"taxii-connection:{connection.PublicId:N}", null,
            $"taxii-connection:{connection.PublicId}", error is null ? AuditOutcome.Success : AuditOutcome.Failed, detail);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private static Uri CollectionUrl(TaxiiConnection c, string rest) =>
        new(new Uri(c.ApiRoot), $"collections/{Uri.EscapeDataString(c.CollectionId)}/{rest}");

    /// <summary>The connection acting as its organisation: writes (pull) as an analyst would, reads (push) as its members read.</summary>
    private async Task<Caller> ActingAsync(TaxiiConnection c, bool readOnly, CancellationToken cancellationToken)
    {
        var communities = await db.CommunityMembers.AsNoTracking().Where(m => m.OrganisationId == c.OrganisationId)
            .Select(m => m.CommunityId).ToListAsync(cancellationToken);
        return new Caller(c.PublicId, c.OrganisationId, readOnly ? Role.Viewer : Role.Analyst, communities.ToHashSet(), ReadOnly: readOnly,
            Credential: $"taxii-connection:{c.PublicId:N}");
    }

    private async Task PullAsync(TaxiiConnection c, TaxiiCredentials? credentials, Counts counts, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var writer = await ActingAsync(c, readOnly: false, cancellationToken);
        var audiences = JsonSerializer.Deserialize<List<AudienceEntry>>(c.PullAudienceJson, TaxiiConnections.Json) ?? [];
        var types = c.PullTypes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var maxObject = taxiiOptions.Value.MaxObjectBytes;

        // added_after is fixed for a sequence of next pages (a server binds next to its filters); a new sequence starts
        // from the checkpoint when the server says "more" without a next (servers paging by added_after alone).
        string? next = null;
        var addedAfter = c.PullCheckpoint ?? c.PullStartAt;
        var addedAfterText = c.PullCheckpoint is not null ? c.PullCheckpointText : null;
        for (var page = 0; page < o.MaxPagesPerRun; page++)
        {
            var query = new StringBuilder("?limit=").Append(o.PageSize.ToString(CultureInfo.InvariantCulture));
            if (addedAfter is { } after)
            {
                query.Append("&added_after=").Append(Uri.EscapeDataString(addedAfterText ?? TaxiiRemote.Timestamp(after)));
            }

            if (types.Length > 0)
            {
                query.Append("&match%5Btype%5D=").Append(Uri.EscapeDataString(string.Join(',', types)));
            }

            if (next is not null)
            {
                query.Append("&next=").Append(Uri.EscapeDataString(next));
            }

            var url = new Uri(CollectionUrl(c, "objects/") + query.ToString());
            var answer = await remote.SendAsync(HttpMethod.Get, url, c.Authentication, credentials, null, cancellationToken);
            var envelope = EnvelopeMeta.Read(answer.Body);
            if (envelope.HasObjects)
            {
                await StorePageAsync(writer, c, audiences, answer.Body, maxObject, counts, cancellationToken);
            }

            // The page is committed: only now does the checkpoint move (a failure on the next page resumes here).
            var (last, lastText) = DateAddedLast(answer);
            if (last is { } l && (c.PullCheckpoint is null || l > c.PullCheckpoint))
            {
                (c.PullCheckpoint, c.PullCheckpointText) = (l, lastText);
            }

            await SaveProgressAsync(c, counts, cancellationToken);
            if (!envelope.More)
            {
                return;
            }

            if (envelope.Next is { Length: > 0 } token)
            {
                next = token;
            }
            else if (c.PullCheckpoint is { } moved && moved != addedAfter)
            {
                (next, addedAfter, addedAfterText) = (null, moved, c.PullCheckpointText);
            }
            else
            {
                throw new TaxiiRemoteException("The remote server says there is more but gives neither 'next' nor a later X-TAXII-Date-Added-Last; the pull stops here.");
            }
        }
    }

    // The header's instant and its text (kept only when it is a plain TAXII timestamp of reasonable length, so it can be sent back).
    private static (DateTimeOffset? At, string? Text) DateAddedLast(TaxiiAnswer answer)
    {
        if (!answer.Headers.TryGetValues("X-TAXII-Date-Added-Last", out var values))
        {
            return (null, null);
        }

        var text = values.FirstOrDefault()?.Trim();
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            return (null, null);
        }

        var plain = text!.Length <= 40 && text.EndsWith('Z') && text.All(ch => char.IsAsciiDigit(ch) || ch is '-' or ':' or 'T' or '.' or 'Z');
        return (parsed, plain ? text : null);
    }

    /// <summary>Writes the counts so far and the checkpoints (the page's objects are committed by their own import).</summary>
    private async Task SaveProgressAsync(TaxiiConnection c, Counts counts, CancellationToken cancellationToken)
    {
        c.LastPulled = counts.Pulled;
        c.LastAdded = counts.Added;
        c.LastUpdated = counts.Updated;
        c.LastUnchanged = counts.Unchanged;
        c.LastRejected = counts.Rejected;
        c.LastPushed = counts.Pushed;
        c.LastPushFailed = counts.PushFailed;
        c.LastPushPending = counts.PushPending;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>One page through the store's ingest, in its own unit of work (an import job of the organisation, listed with its imports).</summary>
    private async Task StorePageAsync(Caller writer, TaxiiConnection c, IReadOnlyList<AudienceEntry> audiences, byte[] body, int maxObject, Counts counts, CancellationToken cancellationToken)
    {
        List<string?[]> versions;
        try
        {
            versions = await TaxiiEnvelopeReader.ScanAsync(new MemoryStream(body, writable: false), maxObject, cancellationToken);
        }
        catch (TaxiiException e)
        {
            throw new TaxiiRemoteException($"The remote server's page is not a TAXII envelope: {e.Description ?? e.Message}", e);
        }

        if (versions.Count == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var ingest = scope.ServiceProvider.GetRequiredService<IntelIngest>();
        IntelShare share;
        try
        {
            share = await ingest.ShareAsync(writer, c.PullTlp.Code(), audiences, published: false, cancellationToken);
        }
        catch (RequestValidationException e)
        {
            throw new TaxiiRemoteException($"The connection's sharing for pulled objects is no longer valid: {e.Message}", e);
        }

        var job = await ingest.Store.StartJobAsync(writer, IntelImportFormat.StixBundle, share.Tlp, cancellationToken, IntelChangeVia.TaxiiPull);
        try
        {
            await ingest.RunAsync(writer, job, share, TaxiiEnvelopeReader.ItemsAsync(new MemoryStream(body, writable: false), maxObject, cancellationToken), cancellationToken);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // End the job as failed (a fresh context), so it does not stay running and hold back TAXII's settled horizon.
            await using var failedScope = scopes.CreateAsyncScope();
            var failed = failedScope.ServiceProvider.GetRequiredService<IntelIngest>();
            var stored = await failed.Store.FindJobAsync(job.Id, CancellationToken.None);
            if (stored.Status == IntelImportStatus.Running)
            {
                await failed.Store.FinishJobAsync(writer, stored, "The pull stopped; the batches counted are stored.", CancellationToken.None);
            }

            throw;
        }

        counts.Pulled += versions.Count;
        counts.Added += job.Added;
        counts.Updated += job.Updated;
        counts.Unchanged += job.Unchanged;
        counts.Rejected += job.Rejected;
        c.TotalPulled += versions.Count;
        if (job.Status == IntelImportStatus.Failed)
        {
            throw new TaxiiRemoteException($"A page could not be stored: {job.Error}");
        }
    }

    private async Task PushAsync(TaxiiConnection c, TaxiiCredentials? credentials, Counts counts, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var reader = await ActingAsync(c, readOnly: true, cancellationToken);
        // Never above the ceiling, never RED (validation refuses a RED ceiling; this holds even for a row edited by hand).
        var tlps = Enum.GetValues<Tlp>().Where(t => t <= c.PushTlpCeiling && t != Tlp.Red).ToList();
        // Only what the organisation owns: an object another organisation shared with it is not its to pass on. Nor is
        // what it pulled from a remote TAXII server (this one or another): stored as the organisation's, it is still that
        // partner's, and no one chose to send it on.
        var filter = new TaxiiObjectFilter(tlps, c.PushTypes.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            c.PushLabels.Split(' ', StringSplitOptions.RemoveEmptyEntries), [c.OrganisationId], []) { WithoutPulled = true };
        var settled = await queries.TaxiiSettledBeforeAsync(taxiiOptions.Value.ClockAllowance, cancellationToken);
        TaxiiPosition? after = c.PushCheckpointAddedAt is { } at ? new TaxiiPosition(at, c.PushCheckpointRecordId, c.PushCheckpointModified ?? IntelQueries.NoVersion) : null;
        for (var batch = 0; batch < o.MaxPagesPerRun; batch++)
        {
            // Objects only: reported sightings stay on this node's own TAXII collections (served to their readers there).
            var (rows, more) = await queries.TaxiiVersionsAsync(reader, filter, new TaxiiMatch(), after, settled, c.PushBatchSize, withJson: true, cancellationToken, withSightings: false);
            var sendable = rows.Where(r => r.Json is not null && r.Tlp <= c.PushTlpCeiling && r.Tlp != Tlp.Red).ToList();
            if (sendable.Count > 0)
            {
                var envelope = JsonSerializer.SerializeToUtf8Bytes(new TaxiiEnvelope(null, null, [.. sendable.Select(r => new StixText(r.Json!))]), TaxiiHttp.Json);
                var answer = await remote.SendAsync(HttpMethod.Post, CollectionUrl(c, "objects/"), c.Authentication, credentials, envelope, cancellationToken);
                var status = await FollowStatusAsync(c, credentials, StatusDocument.Read(answer.Body), cancellationToken);
                Count(c, counts, status, countedSuccesses: 0, countedFailures: 0);
                if (status.Pending && status.Id is { Length: > 0 and <= TaxiiConnectionLimits.StatusIdLength } statusId)
                {
                    // Saved with the checkpoint below: the next run reads it again instead of forgetting its pendings.
                    await KeepStatusAsync(c, statusId, status, cancellationToken);
                }
            }

            if (rows.Count > 0)
            {
                // The remote has answered for this envelope: the checkpoint moves past it (refused objects are reported, not resent).
                var end = rows[^1].Position;
                (c.PushCheckpointAddedAt, c.PushCheckpointRecordId, c.PushCheckpointModified) = (end.DateAdded, end.RecordId, end.Modified);
                after = end;
                await SaveProgressAsync(c, counts, cancellationToken);
            }

            if (!more)
            {
                return;
            }
        }
    }

    /// <summary>Adds what a status resource says became final since <paramref name="countedSuccesses"/> / <paramref name="countedFailures"/> were counted, and its pendings.</summary>
    private static void Count(TaxiiConnection c, Counts counts, StatusDocument status, int countedSuccesses, int countedFailures)
    {
        var successes = Math.Max(0, status.Successes - countedSuccesses);
        var failures = Math.Max(0, status.Failures - countedFailures);
        counts.Pushed += successes;
        counts.PushFailed += failures;
        counts.PushPending += status.Pendings;
        c.TotalPushed += successes;
        if (failures > 0)
        {
            counts.PushFailure ??= $"The remote server refused {failures} object(s){(status.FirstFailure is null ? "" : ", e.g. " + status.FirstFailure)}.";
        }
    }

    /// <summary>Keeps a status resource still pending for the next runs (tracked; saved with the push checkpoint), at most <c>MaxKeptStatuses</c> per connection.</summary>
    private async Task KeepStatusAsync(TaxiiConnection c, string statusId, StatusDocument status, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxKeptStatuses;
        if (max == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var kept = await db.TaxiiPushStatuses.Where(s => s.ConnectionId == c.Id).OrderBy(s => s.Id).ToListAsync(cancellationToken);
        if (kept.FirstOrDefault(s => s.StatusId == statusId) is { } same)
        {
            // A remote that answers two envelopes with the same status id: the newer envelope's counts replace the older's.
            (same.Successes, same.Failures, same.Pendings, same.SentAt, same.LastCheckedAt) = (status.Successes, status.Failures, status.Pendings, now, now);
            return;
        }

        foreach (var oldest in kept.Take(Math.Max(0, kept.Count + 1 - max)))
        {
            db.TaxiiPushStatuses.Remove(oldest);
        }

        db.TaxiiPushStatuses.Add(new TaxiiPushStatus
        {
            ConnectionId = c.Id, StatusId = statusId, Successes = status.Successes, Failures = status.Failures, Pendings = status.Pendings,
            SentAt = now, LastCheckedAt = now,
        });
    }

    /// <summary>
    /// Reads each status resource a former run left pending once (oldest first): what became final since is counted in
    /// this run (successes, failures); a complete one is dropped, so is one the remote answers 404 for (it no longer keeps
    /// it) and one kept longer than <c>KeepPendingStatusFor</c>; one still pending is kept with its new counts. When the
    /// remote does not answer otherwise, the rest wait for the next run (the pull or push that follows says what is wrong).
    /// </summary>
    private async Task RecheckStatusesAsync(TaxiiConnection c, TaxiiCredentials? credentials, Counts counts, CancellationToken cancellationToken)
    {
        var kept = await db.TaxiiPushStatuses.Where(s => s.ConnectionId == c.Id).OrderBy(s => s.Id).ToListAsync(cancellationToken);
        if (kept.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        foreach (var row in kept)
        {
            if (now - row.SentAt > options.Value.KeepPendingStatusFor)
            {
                db.TaxiiPushStatuses.Remove(row);
                continue;
            }

            byte[] body;
            try
            {
                body = (await remote.SendAsync(HttpMethod.Get, StatusUrl(c, row.StatusId), c.Authentication, credentials, null, cancellationToken)).Body;
            }
            catch (TaxiiRemoteException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
            {
                db.TaxiiPushStatuses.Remove(row);
                continue;
            }
            catch (TaxiiRemoteException)
            {
                // The remote is not answering (down, refusing, failing): the rest wait for the next run.
                break;
            }

            StatusDocument status;
            try
            {
                status = StatusDocument.Read(body);
            }
            catch (TaxiiRemoteException)
            {
                // It answered, but not with a status resource: this one will not get better; the others are still asked
                // (review s17 #8: one unreadable status held back every other for up to KeepPendingStatusFor).
                db.TaxiiPushStatuses.Remove(row);
                continue;
            }

            Count(c, counts, status, row.Successes, row.Failures);
            if (status.Pending)
            {
                (row.Successes, row.Failures, row.Pendings, row.LastCheckedAt) = (Math.Max(row.Successes, status.Successes), Math.Max(row.Failures, status.Failures), status.Pendings, now);
            }
            else
            {
                db.TaxiiPushStatuses.Remove(row);
            }
        }

        await SaveProgressAsync(c, counts, cancellationToken);
    }

    private static Uri StatusUrl(TaxiiConnection c, string statusId) => new(new Uri(c.ApiRoot), $"status/{Uri.EscapeDataString(statusId)}/");

    /// <summary>Reads the status resource until it is complete or the bound is reached; what is still pending then is counted as pending (and kept for the next run).</summary>
    private async Task<StatusDocument> FollowStatusAsync(TaxiiConnection c, TaxiiCredentials? credentials, StatusDocument status, CancellationToken cancellationToken)
    {
        var o = options.Value;
        for (var poll = 0; poll < o.MaxStatusPolls && status.Pending && status.Id is { Length: > 0 } id; poll++)
        {
            // Real time, not the node's clock: this is politeness towards the remote server, not a schedule.
            await Task.Delay(o.StatusPollDelay, TimeProvider.System, cancellationToken);
            var answer = await remote.SendAsync(HttpMethod.Get, StatusUrl(c, id), c.Authentication, credentials, null, cancellationToken);
            status = StatusDocument.Read(answer.Body);
        }

        return status;
    }

    [LoggerMessage(EventId = 8101, Level = LogLevel.Error, Message = "TAXII connection {Connection} run stopped")]
    private static partial void LogRunCrashed(ILogger logger, Guid connection, Exception exception);

    [LoggerMessage(EventId = 8100, Level = LogLevel.Warning, Message = "TAXII connection {Connection} run failed: {Reason}")]
    private static partial void LogRunFailed(ILogger logger, Guid connection, string reason);
}

/// <summary>The members of an envelope besides its objects: whether it has objects, <c>more</c> and <c>next</c>.</summary>
internal readonly record struct EnvelopeMeta(bool HasObjects, bool More, string? Next)
{
    public static EnvelopeMeta Read(byte[] body)
    {
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 256 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new TaxiiRemoteException("The remote server's page is not a TAXII envelope (a JSON object is expected).");
            }

            var (hasObjects, more, next) = (false, false, (string?)null);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "objects" when reader.TokenType == JsonTokenType.StartArray:
                        hasObjects = true;
                        reader.Skip();
                        break;
                    case "more" when reader.TokenType is JsonTokenType.True or JsonTokenType.False:
                        more = reader.GetBoolean();
                        break;
                    case "next" when reader.TokenType == JsonTokenType.String:
                        next = reader.GetString();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            return new EnvelopeMeta(hasObjects, more, next is { Length: > 10000 } ? throw new TaxiiRemoteException("The remote server's 'next' is longer than 10000 characters.") : next);
        }
        catch (JsonException e)
        {
            throw new TaxiiRemoteException("The remote server's page is not JSON.", e);
        }
    }
}

/// <summary>A status resource as read: its id, whether pending, the counts and the first failure's message.</summary>
internal sealed record StatusDocument(string? Id, bool Pending, int Successes, int Failures, int Pendings, string? FirstFailure)
{
    public static StatusDocument Read(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TaxiiRemoteException("The remote server's answer to the envelope is not a TAXII status resource.");
            }

            static int Count(JsonElement root, string name) =>
                root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= 0 ? n : 0;

            string? firstFailure = null;
            if (root.TryGetProperty("failures", out var failures) && failures.ValueKind == JsonValueKind.Array && failures.GetArrayLength() > 0)
            {
                var f = failures[0];
                if (f.ValueKind == JsonValueKind.Object)
                {
                    var id = f.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
                    var message = f.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    firstFailure = $"{id}{(message is null ? "" : ": " + message)}";
                    firstFailure = firstFailure.Length > 300 ? firstFailure[..300] + "…" : firstFailure;
                }
            }

            return new StatusDocument(
                root.TryGetProperty("id", out var sid) && sid.ValueKind == JsonValueKind.String ? sid.GetString() : null,
                root.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String && s.GetString() == "pending",
                Count(root, "success_count"), Count(root, "failure_count"), Count(root, "pending_count"), firstFailure);
        }
        catch (JsonException e)
        {
            throw new TaxiiRemoteException("The remote server's answer to the envelope is not JSON.", e);
        }
    }
}
