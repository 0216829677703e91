using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.CsvMappings;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards;

namespace Rampart.Server.Intelligence.Ingest;

/// <summary>The body of a free-text preview.</summary>
public sealed record TextPreviewRequest(string? Text);

/// <summary>The body of <c>POST /api/intel/misp</c>-style JSON imports other than bundles: sharing fields beside the data.</summary>
public sealed record RetractionRequest(string? Reason);

public static class IntelIngestEndpoints
{
    public const int MaxTextLength = 1_000_000;

    public static void MapIntelIngestApi(this FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var options = routes.Root.ServiceProvider.GetRequiredService<IOptions<IntelOptions>>().Value;
        // The import endpoints take bodies up to the intelligence limit (the /api default is far smaller).
        var importPath = new MachinePath { Name = "api-intel-import", MaxRequestBodyBytes = options.MaxBundleBytes, WriteError = RampartHost.ApiPath.WriteError, Json = RampartHost.ApiPath.Json };
        var group = routes.Api.MapGroup("/intel").WithTags("Intelligence");

        group.MapPost("/bundles", async Task<Results<Ok<IntelImportView>, Accepted<IntelImportView>>> (
            HttpContext http, Caller caller, IntelIngest ingest, IntelStore store, IServiceScopeFactory scopes, string? tlp, [FromQuery] string[]? audience, bool? published, CancellationToken ct) =>
        {
            var share = await ingest.ShareAsync(caller, tlp, IntelIngest.AudienceFromQuery(audience), published ?? false, ct);
            return await ImportAsync(http, caller, ingest, store, scopes, share, IntelImportFormat.StixBundle, IntelIngest.BundleItems, ct);
        }).WithSummary("Import a STIX 2.1 bundle").WithDescription("Streamed; tlp, audience and published give the sharing (stricter object markings win and are reported). Small inputs answer 200 with per-object outcomes, large ones 202 with the job's URL. Idempotent.").RequireAuthorization().WithMetadata(importPath);

        group.MapPost("/misp", async Task<Results<Ok<IntelImportView>, Accepted<IntelImportView>>> (
            HttpContext http, Caller caller, IntelIngest ingest, IntelStore store, IServiceScopeFactory scopes, string? tlp, [FromQuery] string[]? audience, bool? published, CancellationToken ct) =>
        {
            var share = await ingest.ShareAsync(caller, tlp, IntelIngest.AudienceFromQuery(audience), published ?? false, ct);
            return await ImportAsync(http, caller, ingest, store, scopes, share, IntelImportFormat.MispEvent, IntelIngest.MispItems, ct);
        }).WithSummary("Import a MISP event").WithDescription("A MISP event JSON converted to STIX objects and shared with tlp and audience; outcomes as for bundles.").RequireAuthorization().WithMetadata(importPath);

        // CSV: the file is the body, the column mapping is in the query string (README, "Sharing intelligence").
        group.MapPost("/csv", async Task<Results<Ok<IntelImportView>, Accepted<IntelImportView>>> (
            HttpContext http, Caller caller, IntelIngest ingest, IntelStore store, IServiceScopeFactory scopes, TimeProvider clock, CsvMappingAdministration mappings, string? tlp, [FromQuery] string[]? audience, bool? published, CancellationToken ct) =>
        {
            var share = await ingest.ShareAsync(caller, tlp, IntelIngest.AudienceFromQuery(audience), published ?? false, ct);
            // mapping=<id or name>: the organisation's saved mapping, each mapping parameter also in the query string replacing its own.
            var mapping = await mappings.ResolveAsync(caller, http.Request.Query, ct);
            var now = clock.GetUtcNow();
            return await ImportAsync(
                http, caller, ingest, store, scopes, share, IntelImportFormat.Csv,
                (body, token) => IntelCsvImport.Items(body, mapping, caller.OrganisationId, share.Tlp, now, token), ct,
                (body, token) => IntelCsvImport.CheckAsync(body, mapping, token));
        }).WithSummary("Import a CSV file").WithDescription("The file is the body; the column mapping (value_column, kind or kind_column, label_column, …) is in the query string, or mapping=<id or name> names a saved mapping of the organisation (/api/intel/csv-mappings) whose parameters those given in the query string replace. Row errors are rejected outcomes naming row and column.").RequireAuthorization().WithMetadata(importPath);

        group.MapGet("/imports/{id}", async Task<Results<Ok<IntelImportView>, NotFound>> (string id, Caller caller, IntelIngest ingest, int? limit, string? next, CancellationToken ct) =>
        {
            int? after = null;
            if (next is not null)
            {
                after = int.TryParse(next, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : throw RequestErrors.One("next", "Not a cursor of this list.");
            }

            return await ingest.FindAsync(caller, Http.ParseId(id), after, Http.Limit(limit), ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();
        }).WithSummary("An import job and its outcomes").WithDescription("The importing organisation's only; 404 for others. Outcomes are cursor-paged (next).").RequireAuthorization();

        group.MapPost("/text", async Task<Ok<TextPreview>> (TextPreviewRequest request, Caller caller, IntelTextPreview preview, CancellationToken ct) =>
        {
            if (!AccessPolicy.CanCreate(caller))
            {
                throw new ForbiddenException("Viewers and read-only keys cannot share.");
            }

            var errors = new RequestErrors();
            errors.Required("text", request.Text, MaxTextLength);
            errors.ThrowIfAny();
            return TypedResults.Ok(await preview.PreviewAsync(caller, request.Text!, ct));
        }).WithSummary("Preview indicators in free text").WithDescription("Extracted values with kind, warning-list hits and the known matches the caller may read. Stores nothing.").RequireAuthorization();

        group.MapPost("/text/confirm", async Task<Ok<IntelImportView>> (TextConfirmRequest request, Caller caller, IntelIngest ingest, IntelTextPreview preview, CancellationToken ct) =>
            TypedResults.Ok(await ingest.ConfirmTextAsync(caller, preview, request, ct))).WithSummary("Share a confirmed selection of a preview").WithDescription("The chosen values become indicators and observables with the given TLP, audience and labels.").RequireAuthorization();

        group.MapPost("/objects/{stixId}/relationships", async Task<Results<Created<LinkView>, Ok<LinkView>, NotFound>> (string stixId, LinkRequest request, Caller caller, IntelLinks links, CancellationToken ct) =>
        {
            var view = await links.LinkAsync(caller, stixId, request, ct);
            if (view is null)
            {
                return TypedResults.NotFound();
            }

            return view.Added ? TypedResults.Created($"/api/intel/objects/{Uri.EscapeDataString(view.Id)}", view) : TypedResults.Ok(view);
        }).WithSummary("Link an object to a technique, actor, malware …").WithDescription(
            "Body: target (the STIX id of an object the caller may read, e.g. an ATT&CK or DISARM technique, a threat actor, an intrusion set, malware, a tool, "
            + "a campaign), relationshipType (one STIX 2.1 names for the pair of types, e.g. indicator indicates attack-pattern, malware uses attack-pattern, "
            + "campaign attributed-to threat-actor; related-to between any), description (optional). Stores a STIX relationship owned by the object's "
            + "organisation (created_by_ref its identity), shared exactly as the object is (its TLP, audience and publication, never wider); its id is a "
            + "UUIDv5 of owner, source, type and target, so linking twice is the same object: 201 when added, 200 when it was already there (or got a new "
            + "description). The object's owner's writers only: 404 exactly like an unknown id for who may not read the object, 403 for readers who may not "
            + "write it. A target that is unknown or not readable is the same 400 naming target; a type not valid for the pair is a 400 naming relationshipType.")
            .RequireAuthorization();

        group.MapPost("/objects/{stixId}/revoke", async Task<Results<Ok<RetractionView>, NotFound>> (string stixId, Caller caller, IntelRetraction retraction, CancellationToken ct) =>
            await retraction.RevokeAsync(caller, stixId, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound()).WithSummary("Revoke an object").WithDescription("The owner's writers only; everyone who could read it sees the revocation. 404 for anyone else.").RequireAuthorization();

        group.MapPost("/objects/{stixId}/withdraw", async Task<Results<Ok<RetractionView>, NotFound>> (string stixId, RetractionRequest request, Caller caller, IntelRetraction retraction, CancellationToken ct) =>
            await retraction.WithdrawAsync(caller, stixId, request.Reason, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound()).WithSummary("Withdraw an object").WithDescription("Removes the content and keeps a tombstone with reason and time; the owner's writers only. 404 for anyone else.").RequireAuthorization();
    }

    // An import the request waits for: whatever stops it ends its job as failed (on a fresh context, as the
    // request's may be what failed), so it does not stay "running" until a restart; the request then fails.
    private static async Task RunWaitingAsync(IntelIngest ingest, IServiceScopeFactory scopes, Caller caller, IntelImportJob job, IntelShare share, IAsyncEnumerable<IngestItem> items, CancellationToken ct)
    {
        try
        {
            await ingest.RunAsync(caller, job, share, items, ct);
        }
        catch (Exception e) when (e is not RequestValidationException)
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

    // Small bodies are imported while the request waits; large ones are spooled to a file and imported in the background.
    private static async Task<Results<Ok<IntelImportView>, Accepted<IntelImportView>>> ImportAsync(
        HttpContext http, Caller caller, IntelIngest ingest, IntelStore store, IServiceScopeFactory scopes, IntelShare share, IntelImportFormat format,
        Func<Stream, CancellationToken, IAsyncEnumerable<IngestItem>> read, CancellationToken ct, Func<Stream, CancellationToken, Task>? check = null)
    {
        var length = http.Request.ContentLength;
        var limit = ingest.Options.DirectImportBytes;

        // A body without a length (chunked: most HTTP libraries' JSON content) is read up to the direct limit: if it ends
        // there it is small and answered directly like any other small body; otherwise what was read heads the spool.
        using var head = length is null ? await ReadUpToAsync(http.Request.Body, limit + 1, ct) : null;
        if ((length is { } direct && direct <= limit) || (head is not null && head.Length <= limit))
        {
            var body = head ?? http.Request.Body;
            using var buffer = check is null || head is not null ? null : new MemoryStream();
            if (buffer is not null)
            {
                await body.CopyToAsync(buffer, ct);
                buffer.Position = 0;
                body = buffer;
            }

            if (check is not null)
            {
                // A request mistake the input reveals (a mapped column the header lacks) is a 400 before any job starts.
                await check(body, ct);
                body.Position = 0;
            }

            var job = await store.StartJobAsync(caller, format, share.Tlp, ct);
            await RunWaitingAsync(ingest, scopes, caller, job, share, read(body, ct), ct);
            if (job.Status == IntelImportStatus.Failed && job.Processed == 0)
            {
                // Nothing could be read: bad input, answered as such (the failed job stays listed with its reason).
                throw RequestErrors.One("body", job.Error ?? "Malformed input.");
            }

            return TypedResults.Ok((await ingest.FindAsync(caller, job.Id, null, Http.MaxPageSize, ct))!);
        }

        var spool = await ImportSpool.WriteAsync(head is null ? http.Request.Body : new ConcatenatedStream(head, http.Request.Body), ct);
        Guid jobId;
        try
        {
            if (check is not null)
            {
                await check(spool.Rewound(), ct);
            }

            jobId = (await store.StartJobAsync(caller, format, share.Tlp, ct)).Id;
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }

        spool.RunInBackground(scopes, caller, jobId, share, input => read(input, CancellationToken.None));
        var view = (await ingest.FindAsync(caller, jobId, null, Http.MaxPageSize, ct))!;
        return TypedResults.Accepted($"/api/intel/imports/{jobId}", view);
    }

    private static async Task<MemoryStream> ReadUpToAsync(Stream body, long max, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (buffer.Length < max)
        {
            var read = await body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, max - buffer.Length)), ct);
            if (read == 0)
            {
                break;
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        return buffer;
    }

    /// <summary>Reads <c>first</c> to its end, then <c>second</c>: the part of a body already read, then the rest.</summary>
    private sealed class ConcatenatedStream(Stream first, Stream second) : Stream
    {
        private bool firstDone;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!firstDone)
            {
                var n = await first.ReadAsync(buffer, cancellationToken);
                if (n > 0)
                {
                    return n;
                }

                firstDone = true;
            }

            return await second.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
