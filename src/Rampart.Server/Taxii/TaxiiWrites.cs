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
public sealed class TaxiiWrites(RampartDb db, IntelIngest ingest, IServiceScopeFactory scopes, IOptions<IntelOptions> intelOptions)
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
            share = await ingest.ShareAsync(caller, Standards.Markings.TlpMarking.Code(collection.WriteTlp), TaxiiCollections.WriteAudienceOf(collection), false, cancellationToken);
        }
        catch (RequestValidationException invalid)
        {
            throw new TaxiiException(StatusCodes.Status403Forbidden, "The collection's sharing cannot be used by your organisation.",
                "Objects written to this collection get its TLP and audience; one of its entries is not open to your organisation.", invalid.Errors.ToDictionary());
        }

        var (items, versions) = await ReadEnvelopeAsync(body, cancellationToken);
        var store = ingest.Store;
        var job = await store.StartJobAsync(caller, IntelImportFormat.StixBundle, share.Tlp, cancellationToken);
        db.TaxiiStatuses.Add(new TaxiiStatus
        {
            Id = job.Id,
            CollectionId = collection.Id,
            OrganisationId = caller.OrganisationId,
            RequestTimestamp = job.StartedAt,
            TotalCount = items.Count,
            ObjectsJson = JsonSerializer.Serialize(versions),
        });
        await db.SaveChangesAsync(cancellationToken);

        if ((length ?? long.MaxValue) <= intelOptions.Value.DirectImportBytes)
        {
            await RunAsync(ingest, scopes, caller, job, share, items, cancellationToken);
        }
        else
        {
            var jobId = job.Id;
            _ = Task.Run(async () =>
            {
                await using var scope = scopes.CreateAsyncScope();
                var background = scope.ServiceProvider.GetRequiredService<IntelIngest>();
                var started = await background.Store.FindJobAsync(jobId, CancellationToken.None);
                try
                {
                    await RunAsync(background, scopes, caller, started, share, items, CancellationToken.None);
                }
#pragma warning disable CA1031 // RunAsync has ended the job as failed; a background task has nobody to throw to.
                catch (Exception)
#pragma warning restore CA1031
                {
                }
            }, CancellationToken.None);
        }

        return (await StatusAsync(caller, job.Id, cancellationToken))!;
    }

    // Whatever stops an import ends its job as failed (on a fresh context), so its status does not stay pending.
    private static async Task RunAsync(IntelIngest ingest, IServiceScopeFactory scopes, Caller caller, IntelImportJob job, IntelShare share, IReadOnlyList<IngestItem> items, CancellationToken ct)
    {
        try
        {
            await ingest.RunAsync(caller, job, share, Items(items), ct);
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

    private static async IAsyncEnumerable<IngestItem> Items(IReadOnlyList<IngestItem> items)
    {
        foreach (var item in items)
        {
            yield return item;
        }

        await Task.CompletedTask;
    }

    /// <summary>
    /// The envelope's objects, each parsed on its own (one malformed object is a failure of that object, not of the
    /// envelope), and [id, version] per position for the status. A body that is not an envelope is a 400.
    /// </summary>
    private static async Task<(IReadOnlyList<IngestItem> Items, List<string?[]> Versions)> ReadEnvelopeAsync(Stream body, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(body, new JsonDocumentOptions { MaxDepth = StixObject.MaxDepth + 2 }, cancellationToken);
        }
        catch (JsonException e)
        {
            throw Bad("The body is not JSON.", e.Message.Split(" Path:")[0]);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("objects", out var objects) || objects.ValueKind != JsonValueKind.Array)
            {
                throw Bad("The body is not a TAXII envelope.", "An object with an 'objects' array is expected.");
            }

            var items = new List<IngestItem>(objects.GetArrayLength());
            var versions = new List<string?[]>(items.Capacity);
            var ordinal = 0;
            foreach (var element in objects.EnumerateArray())
            {
                string? id = element.ValueKind == JsonValueKind.Object && element.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String ? idElement.GetString() : null;
                string? version = null;
                if (element.ValueKind == JsonValueKind.Object)
                {
                    foreach (var name in (string[])["modified", "created"])
                    {
                        if (element.TryGetProperty(name, out var t) && t.ValueKind == JsonValueKind.String && Timestamps.TryParse(t.GetString(), out var parsed))
                        {
                            version = TaxiiHttp.Time(parsed);
                            break;
                        }
                    }
                }

                versions.Add([id is { Length: <= IntelLimits.StixIdLength } ? id : null, version]);
                try
                {
                    if (element.ValueKind != JsonValueKind.Object)
                    {
                        items.Add(new IngestItem(ordinal, null, id, "Not a STIX object (a JSON object is expected)."));
                    }
                    else
                    {
                        items.Add(new IngestItem(ordinal, StixObject.Parse(element.GetRawText())));
                    }
                }
                catch (StandardsException e)
                {
                    items.Add(new IngestItem(ordinal, null, id, $"Not a valid STIX object: {e.Message}"));
                }

                ordinal++;
            }

            return (items, versions);
        }
    }

    private static TaxiiException Bad(string title, string description) =>
        new(StatusCodes.Status400BadRequest, title, description, new Dictionary<string, string[]> { ["body"] = [description] });

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
