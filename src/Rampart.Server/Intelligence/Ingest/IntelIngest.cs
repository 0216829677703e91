using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards;
using Rampart.Standards.Markings;
using Rampart.Standards.Stix;

namespace Rampart.Server.Intelligence.Ingest;

/// <summary>The job as its organisation's users see it, with one page of per-object outcomes.</summary>
public sealed record IntelImportView(
    Guid Id, IntelImportFormat Format, IntelImportStatus Status, Tlp Tlp, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
    int Processed, int Added, int Updated, int Unchanged, int Rejected, int Batches, string? Error,
    IReadOnlyList<IntelOutcomeView> Outcomes, string? Next)
{
    /// <summary>Objects stored or found already stored (added, updated, unchanged): TAXII's <c>success_count</c>.</summary>
    public int SuccessCount => Added + Updated + Unchanged;

    /// <summary>Objects rejected, each with its reason among the outcomes: TAXII's <c>failure_count</c>.</summary>
    public int FailureCount => Rejected;

    /// <summary>True while the job runs (more objects may follow); TAXII's status is then <c>pending</c>.</summary>
    public bool Pending => Status == IntelImportStatus.Running;
}

public sealed record IntelOutcomeView(int Ordinal, string? StixId, IntelOutcomeKind Outcome, string? Detail);

/// <summary>
/// Runs imports as jobs: validates the sharing (TLP + audience, as notes take them) before reading any input,
/// cuts the input into batches of <see cref="IntelStore.BatchSize"/> and hands each to <see cref="IntelStore"/>.
/// </summary>
public sealed class IntelIngest(RampartDb db, IntelStore store, SharingStore sharing, IOptions<IntelOptions> options, IServiceScopeFactory scopes, TimeProvider clock)
{
    public IntelOptions Options => options.Value;

    public IntelStore Store => store;

    /// <summary>The sharing of an import from its request fields; 400 naming the field when it is wrong.</summary>
    public async Task<IntelShare> ShareAsync(Caller caller, string? tlpText, IReadOnlyList<AudienceEntry>? audiences, bool published, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!AccessPolicy.CanCreate(caller))
        {
            throw new ForbiddenException("Viewers and read-only keys cannot import.");
        }

        var errors = new RequestErrors();
        if (!TlpMarking.TryParse(tlpText, out var tlp))
        {
            errors.Add("tlp", "Required: clear, green, amber, amber+strict or red.");
        }

        errors.ThrowIfAny();
        var entries = await sharing.ValidateAsync(caller, SharingRequest.OfEntries(tlp, audiences ?? [], published), errors, cancellationToken);
        errors.ThrowIfAny();
        return new IntelShare(tlp, entries, published);
    }

    /// <summary>
    /// Shares the analyst's selection from a free-text preview (the API's <c>/text/confirm</c> and the paste-to-share page):
    /// sharing checked first, then the objects built and stored as one free-text import job, returned with its outcomes.
    /// </summary>
    public async Task<IntelImportView> ConfirmTextAsync(Caller caller, IntelTextPreview preview, TextConfirmRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(preview);
        ArgumentNullException.ThrowIfNull(request);
        var share = await ShareAsync(caller, request.Tlp, request.Audiences, request.Published, cancellationToken);
        var objects = preview.Build(caller, request);
        var job = await store.StartJobAsync(caller, IntelImportFormat.FreeText, share.Tlp, cancellationToken);
        await RunAsync(caller, job, share, ListItems(objects, nodeBuilt: true), cancellationToken);
        return (await FindAsync(caller, job.Id, null, Http.MaxPageSize, cancellationToken))!;
    }

    /// <summary>Parses the <c>audience</c> query form: <c>network</c>, <c>community:{id}</c>, <c>organisation:{id}</c>, <c>person:{userId}</c>.</summary>
    public static IReadOnlyList<AudienceEntry> AudienceFromQuery(string[]? values)
    {
        var entries = new List<AudienceEntry>();
        var errors = new RequestErrors();
        foreach (var value in values ?? [])
        {
            var parts = value.Split(':', 2);
            Guid? id = parts.Length == 2 && Guid.TryParse(parts[1], out var g) ? g : null;
            AudienceEntry? entry = parts[0].ToLowerInvariant() switch
            {
                "network" when parts.Length == 1 => new AudienceEntry(AudienceKind.Network),
                "community" when id is not null => new AudienceEntry(AudienceKind.Community, CommunityId: id),
                "organisation" when id is not null => new AudienceEntry(AudienceKind.Organisation, OrganisationId: id),
                "person" when id is not null => new AudienceEntry(AudienceKind.Person, UserId: id),
                _ => null,
            };
            if (entry is null)
            {
                errors.Add("audience", $"'{value}': use network, community:{{id}}, organisation:{{id}} or person:{{userId}}.");
            }
            else
            {
                entries.Add(entry);
            }
        }

        errors.ThrowIfAny();
        return entries;
    }

    /// <summary>
    /// Imports <paramref name="items"/> batch by batch; a malformed input ends the job as failed, keeping the batches before it.
    /// A pipeline of two stages: one task reads the input and prepares batch N+1 (<see cref="IntelStore.Prepare"/>, all
    /// cores) while this one writes batch N (<see cref="IntelStore.WriteBatchAsync(IntelImportJob, IntelShare, PreparedBatch, CancellationToken)"/>);
    /// at most <see cref="PipelineDepth"/> prepared batches wait. A batch is acknowledged (counted in the job, its
    /// outcomes stored) only by its own commit, so a crash loses only batches nobody was told about.
    /// </summary>
    public async Task<IntelImportJob> RunAsync(Caller caller, IntelImportJob job, IntelShare share, IAsyncEnumerable<IngestItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(job);
        string? error = null;
        using var stopHeartbeat = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(job.Id, stopHeartbeat.Token);
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var prepared = System.Threading.Channels.Channel.CreateBounded<PreparedBatch>(
            new System.Threading.Channels.BoundedChannelOptions(PipelineDepth) { SingleReader = true, SingleWriter = true });
        var owner = job.OrganisationId;
        var reader = Task.Run(() => ReadAndPrepareAsync(owner, share, items, prepared.Writer, stopReading.Token), CancellationToken.None);
        try
        {
            await foreach (var batch in prepared.Reader.ReadAllAsync(cancellationToken))
            {
                await store.WriteBatchAsync(job, share, batch, cancellationToken);
            }

            // The reader ended: the whole input was read, or it was malformed after the batches written above.
            error = await reader;
        }
        finally
        {
            // Writing failed or was cancelled: stop the reader (it may wait on a full channel) and let it end.
            await stopReading.CancelAsync();
            try
            {
                await reader;
            }
            catch (Exception) when (!reader.IsCompletedSuccessfully)
            {
                // Its failure is already this one's, or it was stopped above; the write's exception (if any) propagates.
            }

            await stopHeartbeat.CancelAsync();
            await heartbeat;
        }

        db.ChangeTracker.Clear();
        db.IntelImportJobs.Attach(job);
        await store.FinishJobAsync(caller, job, error, cancellationToken);
        return job;
    }

    /// <summary>Prepared batches that may wait for the writer: the reader stays at most this many batches ahead.</summary>
    public const int PipelineDepth = 1;

    // The first stage: reads the input, cuts it into batches and prepares each. Returns the job's error when the
    // input is malformed (the batches before it are written, the partial one is not), null at the end of the input.
    private async Task<string?> ReadAndPrepareAsync(Guid owner, IntelShare share, IAsyncEnumerable<IngestItem> items,
        System.Threading.Channels.ChannelWriter<PreparedBatch> output, CancellationToken cancellationToken)
    {
        var batch = new List<IngestItem>(IntelStore.BatchSize);
        var read = 0;
        string? error = null;
        try
        {
            await foreach (var item in items.WithCancellation(cancellationToken))
            {
                batch.Add(item);
                read++;
                if (batch.Count == IntelStore.BatchSize)
                {
                    await output.WriteAsync(store.Prepare(owner, share, batch, cancellationToken), cancellationToken);
                    batch = new List<IngestItem>(IntelStore.BatchSize);
                }
            }

            if (batch.Count > 0)
            {
                await output.WriteAsync(store.Prepare(owner, share, batch, cancellationToken), cancellationToken);
            }
        }
        catch (StandardsException e)
        {
            error = $"Malformed input after {read} objects: {e.Message}";
        }
        catch (System.Text.Json.JsonException e)
        {
            error = $"Malformed JSON after {read} objects: {e.Message}";
        }
        catch (Exception e)
        {
            output.TryComplete(e);
            throw;
        }

        output.TryComplete();
        return error;
    }

    // While this server imports, it renews the job's lease every third of it (its own scope: the import's context is busy).
    private async Task HeartbeatAsync(Guid jobId, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(store.Lease / 3, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IntelStore>().RenewLeaseAsync(jobId, stop);
            }
        }
        catch (OperationCanceledException)
        {
            // The import ended.
        }
    }

    /// <summary>A MISP event's objects, its report among them (the converter lists the report last), as one import reads them.</summary>
    public static async IAsyncEnumerable<IngestItem> MispItems(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, cancellationToken);
        var conversion = Rampart.Standards.Misp.MispEventConverter.Convert(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        await foreach (var item in ListItems(conversion.Objects).WithCancellation(cancellationToken))
        {
            yield return item;
        }
    }

    /// <summary>The objects of a STIX bundle as import items, in order.</summary>
    public static async IAsyncEnumerable<IngestItem> BundleItems(Stream body, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var ordinal = 0;
        await foreach (var o in StixBundleReader.ReadAsync(body, cancellationToken))
        {
            yield return new IngestItem(ordinal++, o);
        }
    }

    /// <summary>Objects already in memory as import items, in order (<paramref name="nodeBuilt"/>: see <see cref="IngestItem.NodeBuilt"/>).</summary>
    public static async IAsyncEnumerable<IngestItem> ListItems(IEnumerable<StixObject> objects, bool nodeBuilt = false)
    {
        var ordinal = 0;
        foreach (var o in objects)
        {
            yield return new IngestItem(ordinal++, o, NodeBuilt: nodeBuilt);
        }

        await Task.CompletedTask;
    }

    /// <summary>The job and one page of its outcomes, for users of the importing organisation only (others: null, "not found").</summary>
    public async Task<IntelImportView?> FindAsync(Caller caller, Guid id, int? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            return null;
        }

        var job = await db.IntelImportJobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id && j.OrganisationId == caller.OrganisationId, cancellationToken);
        if (job is null)
        {
            return null;
        }

        var from = after ?? -1;
        var outcomes = await db.IntelImportOutcomes.AsNoTracking().Where(o => o.JobId == id && o.Ordinal > from).OrderBy(o => o.Ordinal).Take(limit + 1)
            .Select(o => new IntelOutcomeView(o.Ordinal, o.StixId, o.Outcome, o.Detail)).ToListAsync(cancellationToken);
        var next = outcomes.Count > limit ? outcomes[limit - 1].Ordinal.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return new IntelImportView(job.Id, job.Format, job.Status, job.Tlp, job.StartedAt, job.FinishedAt, job.Processed, job.Added, job.Updated,
            job.Unchanged, job.Rejected, job.Batches, job.Error, outcomes.Take(limit).ToList(), next);
    }
}

/// <summary>
/// At start and then every lease period: running jobs whose lease expired (their server stopped) are marked
/// interrupted, keeping their committed batches. A job another live server runs has a fresh lease and stays running.
/// </summary>
public sealed class InterruptedImports(IServiceScopeFactory scopes, IOptions<IntelOptions> options, TimeProvider clock) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await SweepAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.ImportLeaseSeconds), clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SweepAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IntelStore>().InterruptExpiredAsync(cancellationToken);
    }
}
