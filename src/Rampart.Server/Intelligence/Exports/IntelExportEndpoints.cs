using System.Globalization;
using Microsoft.Net.Http.Headers;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Hosting;
using Rampart.Standards.Intelligence.Exports;
using Rampart.Standards.Markings;
using Rampart.Standards.Stix;

namespace Rampart.Server.Intelligence.Exports;

/// <summary>
/// <c>GET /api/intel/exports/{format}</c>: the caller's readable intelligence as a file, streamed. Every export
/// states its most restrictive TLP (in the content where the format has a place for it, and always in the
/// <c>X-Rampart-Tlp</c> header), is audited when it starts and when it ends, and answers 304 to a poller
/// whose <c>If-None-Match</c> still holds.
/// </summary>
public static class IntelExportEndpoints
{
    public const string TlpHeader = "X-Rampart-Tlp";

    public static void MapIntelExports(this RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        api.MapGet("/intel/exports/{format}", ExportAsync).WithSummary("Export readable intelligence").WithDescription("format: stix, csv, ips, cidrs, domains, urls, hashes, rpz, suricata or misp. Streams what the caller may read; states the most restrictive TLP in the content and X-Rampart-Tlp; leaves out warning-listed and decayed indicators unless includeWarningListed / includeDecayed; 304 to a matching If-None-Match. An unknown parameter is a 400.").WithTags("Intelligence").RequireAuthorization()
            .Produces<string>(StatusCodes.Status200OK, "application/stix+json", "text/csv", "text/plain", "application/json").Produces(StatusCodes.Status304NotModified);
    }

    private static async Task ExportAsync(string format, HttpContext context, Caller caller, IntelExports exports, AuditTrail audit, TimeProvider clock, Public.PublicRecords node)
    {
        if (!IntelExportFilter.TryParseFormat(format, out var kind))
        {
            throw RequestErrors.One("format", "One of stix, csv, ips, cidrs, domains, urls, hashes, rpz, suricata, misp.");
        }

        var filter = IntelExportFilter.Parse(context.Request.Query, kind);
        var ct = context.RequestAborted;
        var now = clock.GetUtcNow();
        var response = context.Response;
        var etag = await exports.EntityTagAsync(caller, kind, filter, now, ct);
        response.Headers.ETag = etag;
        response.Headers.CacheControl = "private, no-cache";
        response.Headers.Vary = "Authorization, Cookie";
        if (context.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == etag || t.Trim() == "*")))
        {
            // Nothing the caller may see changed: nothing is exported, so nothing is audited.
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        var tlp = await exports.MostRestrictiveAsync(caller, filter, valuesOnly: kind != IntelExportFormat.Stix, ct);
        var target = $"intel-export:{kind.ToString().ToLowerInvariant()}";
        await audit.RecordNowAsync(AuditEvent.IntelExported, caller, target, detail: $"{tlp.Label()} {filter.Describe()}".Trim(), cancellationToken: ct);

        response.Headers[TlpHeader] = tlp.Label();
        var stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        long written = 0;
        long skipped = 0;
        var finished = false;
        try
        {
            if (kind == IntelExportFormat.Stix)
            {
                response.ContentType = "application/stix+json;version=2.1";
                response.Headers.ContentDisposition = Disposition($"rampart-stix-{stamp}.json");
                await using var writer = new StixBundleWriter(response.Body, "bundle--" + Guid.NewGuid());
                await foreach (var item in exports.ObjectsAsync(caller, filter, now, ct))
                {
                    // Raised above the stated level after the header was computed: left out, never under-stated.
                    if (item.Tlp > tlp)
                    {
                        skipped++;
                        continue;
                    }

                    // The record's TLP is the access decision: the stored JSON may carry an older marking (review finding 2).
                    await writer.WriteAsync(new StixObject(Intelligence.Read.IntelQueries.WithRecordMarking(item.Json, item.Tlp)!), ct);
                    written++;
                }

                await writer.EndAsync(ct);
            }
            else
            {
                var (writerFormat, options) = IntelExportFormats.Writer(kind);
                var header = new ExportHeader(tlp, now) { Title = $"Rampart {kind.ToString().ToLowerInvariant()} export", Source = IntelExportDetails.Source(await node.ContactAsync(ct)) };
                await using var writer = IndicatorExportWriter.Create(writerFormat, response.Body, header, options);
                response.ContentType = writer.ContentType;
                response.Headers.ContentDisposition = Disposition($"rampart-{kind.ToString().ToLowerInvariant()}-{stamp}.{writer.FileExtension}");
                await foreach (var item in exports.ValuesAsync(caller, kind, filter, now, ct))
                {
                    if (item.Tlp > tlp)
                    {
                        skipped++;
                        continue;
                    }

                    await writer.WriteAsync(item, ct);
                }

                await writer.CompleteAsync(ct);
                written = writer.Written;
                skipped += writer.Skipped;
            }

            finished = true;
        }
        finally
        {
            // The count, once known; an export the client broke off is recorded as such with what it had received.
            await audit.RecordNowAsync(AuditEvent.IntelExportEnded, caller, target, finished ? AuditOutcome.Success : AuditOutcome.Failed,
                $"{written} written, {skipped} skipped{(finished ? "" : ", not completed")}", CancellationToken.None);
        }
    }

    private static string Disposition(string fileName) =>
        new ContentDispositionHeaderValue("attachment") { FileName = fileName }.ToString();
}
