using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Ingest;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards;
using Rampart.Standards.Stix;

namespace Rampart.Server.Taxii;

/// <summary>
/// POST of an envelope to a collection and its status resource. The objects go through the same ingest as
/// <c>POST /api/intel/bundles</c> (<see cref="IntelIngest"/> → <see cref="IntelStore"/>), as the caller's organisation,
/// with the collection's TLP and audience: an import job, whose id is the status id. Idempotent like every import: the
/// same object version again is "unchanged" (a success), nothing new is stored.
/// </summary>
public sealed class TaxiiWrites(RampartDb db, IntelIngest ingest, IServiceScopeFactory scopes, IOptions<IntelOptions> intelOptions, IOptions<TaxiiOptions> taxiiOptions)
{
    private const int OutcomePage = 10_000;

    /// <summary>Reads the envelope, starts the job and its status; runs small envelopes now, larger ones in the background.</summary>
    public async Task<TaxiiStatusResource> AddAsync(Caller caller, TaxiiCollection collection, Stream body, long? length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(collection);
        IntelShare share;
        try
        {
            // The collection's sharing for writers of its own organisation (or a network collection's); others keep theirs.
            var (tlp, audience, _) = TaxiiCollections.WriteSharingFor(caller, collection);
            share = await ingest.ShareAsync(caller, Standards.Markings.TlpMarking.Code(tlp), audience, false, cancellationToken);
        }
        catch (RequestValidationException invalid)
        {
            throw new TaxiiException(StatusCodes.Status403Forbidden, "The collection's sharing cannot be used by your organisation.",
                "Objects written to this collection get its TLP and audience; one of its entries is not open to your organisation.", invalid.Errors.ToDictionary());
        }

        // The body is spooled (memory up to the direct-import size, a temporary file beyond) and read element by element
        // twice: first checked whole — not an envelope is a 400, an object over MaxObjectBytes a 413, and nothing is
        // stored —, then imported batch by batch. No pass holds more than one object of the envelope.
        var maxObject = taxiiOptions.Value.MaxObjectBytes;
        var direct = intelOptions.Value.DirectImportBytes;
        string? spoolPath = null;
        Stream spool;
        if (length is { } known && known <= direct)
        {
            spool = new MemoryStream((int)known);
        }
        else
        {
            spoolPath = Path.Combine(Path.GetTempPath(), $"rampart-taxii-{Guid.NewGuid():N}");
            spool = new FileStream(spoolPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        }

        var handedOver = false;
        try
        {
            await body.CopyToAsync(spool, cancellationToken);
            spool.Position = 0;
            var versions = await TaxiiEnvelopeReader.ScanAsync(spool, maxObject, cancellationToken);
            var store = ingest.Store;
            var job = await store.StartJobAsync(caller, IntelImportFormat.StixBundle, share.Tlp, cancellationToken, IntelChangeVia.Taxii);
            db.TaxiiStatuses.Add(new TaxiiStatus
            {
                Id = job.Id,
                CollectionId = collection.Id,
                OrganisationId = caller.OrganisationId,
                RequestTimestamp = job.StartedAt,
                TotalCount = versions.Count,
                ObjectsJson = JsonSerializer.Serialize(versions),
            });
            await db.SaveChangesAsync(cancellationToken);

            spool.Position = 0;
            if (spool.Length <= direct)
            {
                await RunAsync(ingest, scopes, caller, job, share, Contained(collection, TaxiiEnvelopeReader.ItemsAsync(spool, maxObject, cancellationToken)), cancellationToken);
            }
            else
            {
                var jobId = job.Id;
                var input = spool;
                var path = spoolPath;
                var target = collection;
                handedOver = true;
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await using var scope = scopes.CreateAsyncScope();
                        var background = scope.ServiceProvider.GetRequiredService<IntelIngest>();
                        var started = await background.Store.FindJobAsync(jobId, CancellationToken.None);
                        await RunAsync(background, scopes, caller, started, share, Contained(target, TaxiiEnvelopeReader.ItemsAsync(input, maxObject, CancellationToken.None)), CancellationToken.None);
                    }
#pragma warning disable CA1031 // RunAsync has ended the job as failed; a background task has nobody to throw to.
                    catch (Exception)
#pragma warning restore CA1031
                    {
                    }
                    finally
                    {
                        await input.DisposeAsync();
                        if (path is not null)
                        {
                            File.Delete(path);
                        }
                    }
                }, CancellationToken.None);
            }

            return (await StatusAsync(caller, job.Id, cancellationToken))!;
        }
        finally
        {
            if (!handedOver)
            {
                await spool.DisposeAsync();
                if (spoolPath is not null)
                {
                    File.Delete(spoolPath);
                }
            }
        }
    }

    /// <summary>
    /// The envelope's objects, those of a type the collection does not contain turned into rejections with the reason:
    /// stored, they could not be read back through the collection, so the status reports them as failures (TAXII 2.1
    /// §5.4: failures carry a message) and nothing of them is stored.
    /// </summary>
    public static async IAsyncEnumerable<IngestItem> Contained(TaxiiCollection collection, IAsyncEnumerable<IngestItem> items)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(items);
        var types = TaxiiCollections.FilterOf(collection).Types ?? [];
        await foreach (var item in items)
        {
            if (types.Count > 0 && item.Stix is { } stix && !types.Contains(stix.Type, StringComparer.Ordinal))
            {
                yield return new IngestItem(item.Ordinal, null, stix.Id.Length > 0 ? stix.Id : null,
                    $"This collection contains only {string.Join(", ", types)}; a '{stix.Type}' written here could not be read through it. Not stored.");
                continue;
            }

            yield return item;
        }
    }

    // Whatever stops an import ends its job as failed (on a fresh context), so its status does not stay pending.
    private static async Task RunAsync(IntelIngest ingest, IServiceScopeFactory scopes, Caller caller, IntelImportJob job, IntelShare share, IAsyncEnumerable<IngestItem> items, CancellationToken ct)
    {
        try
        {
            await ingest.RunAsync(caller, job, share, items, ct);
        }
        catch (Exception e)
        {
            await using var scope = scopes.CreateAsyncScope();
            var failed = scope.ServiceProvider.GetRequiredService<IntelIngest>();
            var stored = await failed.Store.FindJobAsync(job.Id, CancellationToken.None);
            if (stored.Status == IntelImportStatus.Running)
            {
                await failed.Store.FinishJobAsync(caller, stored, $"The import stopped: {e.GetType().Name}. Every batch counted here is stored; nothing after it is.", CancellationToken.None);
            }

            throw;
        }
    }

    /// <summary>The status of an envelope, for users of the organisation that posted it; null (404) for everyone else.</summary>
    public async Task<TaxiiStatusResource?> StatusAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            return null;
        }

        var status = await db.TaxiiStatuses.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id && s.OrganisationId == caller.OrganisationId, cancellationToken);
        if (status is null)
        {
            return null;
        }

        var objects = JsonSerializer.Deserialize<List<string?[]>>(status.ObjectsJson) ?? [];
        var outcomes = new List<IntelOutcomeView>(status.TotalCount);
        IntelImportView? job = null;
        int? after = null;
        do
        {
            job = await ingest.FindAsync(caller, id, after, OutcomePage, cancellationToken);
            if (job is null)
            {
                return null;
            }

            outcomes.AddRange(job.Outcomes);
            after = job.Next is null ? null : job.Outcomes[^1].Ordinal;
        }
        while (after is not null);

        var requestTime = TaxiiHttp.Time(status.RequestTimestamp);
        TaxiiStatusDetails Detail(int ordinal, string? stixId, string? message)
        {
            var known = ordinal < objects.Count ? objects[ordinal] : [null, null];
            return new TaxiiStatusDetails(stixId ?? known[0] ?? $"(object {ordinal})", known[1] ?? requestTime, message);
        }

        var successes = new List<TaxiiStatusDetails>();
        var failures = new List<TaxiiStatusDetails>();
        var pendings = new List<TaxiiStatusDetails>();
        var seen = new HashSet<int>();
        foreach (var o in outcomes)
        {
            seen.Add(o.Ordinal);
            if (o.Outcome == IntelOutcomeKind.Rejected)
            {
                failures.Add(Detail(o.Ordinal, o.StixId, o.Detail));
            }
            else
            {
                successes.Add(Detail(o.Ordinal, o.StixId, o.Outcome switch
                {
                    IntelOutcomeKind.Added => "added",
                    IntelOutcomeKind.Updated => "added as the new current version",
                    IntelOutcomeKind.OlderVersion => "added as an older version",
                    _ => "already stored, unchanged",
                } + (o.Detail is null ? "" : ": " + o.Detail)));
            }
        }

        var running = job!.Status == IntelImportStatus.Running;
        for (var i = 0; i < status.TotalCount; i++)
        {
            if (!seen.Contains(i))
            {
                (running ? pendings : failures).Add(Detail(i, null, running ? null : job.Error ?? "Not processed."));
            }
        }

        return new TaxiiStatusResource(status.Id.ToString("D"), running ? "pending" : "complete", requestTime, status.TotalCount,
            successes.Count, successes, failures.Count, failures, pendings.Count, pendings);
    }
}
