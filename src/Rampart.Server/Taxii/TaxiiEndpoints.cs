using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Intelligence.Read;
using Rampart.Server.Intelligence.Store;

namespace Rampart.Server.Taxii;

/// <summary>
/// The TAXII 2.1 server: discovery, one API root, collections, objects, manifest, versions, envelope POST, status and
/// DELETE (of single versions or the whole object, §5.7). Every object read goes through <see cref="IntelQueries"/> — the collection's filter and the access decision;
/// what the caller may not read is absent from every answer, count and header, and a collection the caller may neither
/// read nor write does not exist (404).
/// </summary>
public static class TaxiiEndpoints
{
    public static void MapTaxii(this RouteGroupBuilder taxii)
    {
        ArgumentNullException.ThrowIfNull(taxii);
        // Their own tag in the OpenAPI document (not the default "Rampart.Server").
        taxii.WithTags("TAXII");
        taxii.MapGet("/", (HttpContext http, IOptions<TaxiiOptions> options) => RunAsync(http, false, _ =>
        {
            var o = options.Value;
            // Absolute URLs, as clients follow them: the address the client reached (forwarded headers of known proxies honoured).
            var apiRoot = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{TaxiiFeature.ApiRootPath}";
            return Task.FromResult(TaxiiHttp.Write(new TaxiiDiscovery(o.Title, o.Description, o.Contact, apiRoot, [apiRoot]), TaxiiHttp.TaxiiMediaType));
        }));

        var root = taxii.MapGroup("/api");
        root.MapGet("/", (HttpContext http, IOptions<TaxiiOptions> options) => RunAsync(http, false, _ =>
        {
            var o = options.Value;
            // max_content_length is the body limit of the whole path; the per-object limit has no field in TAXII, so it is stated here.
            var limits = string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Envelopes up to max_content_length ({o.MaxContentLength} bytes); each object in an envelope up to {o.MaxObjectBytes} bytes of JSON. Larger is refused (413) and nothing is stored.");
            var description = string.IsNullOrWhiteSpace(o.ApiRootDescription) ? limits : o.ApiRootDescription + " " + limits;
            return Task.FromResult(TaxiiHttp.Write(new TaxiiApiRoot(o.ApiRootTitle, description, [TaxiiHttp.TaxiiMediaType], o.MaxContentLength), TaxiiHttp.TaxiiMediaType));
        }));

        root.MapGet("/collections/", (HttpContext http, TaxiiCollections collections) => RunAsync(http, false, async caller =>
        {
            // A node holds tens of collections: one answer, no paging (the spec's collections resource has none).
            var (items, _) = await collections.ListForTaxiiAsync(caller, null, 10_000, http.RequestAborted);
            var ownAliases = await collections.OwnAliasesAsync(caller, http.RequestAborted);
            var list = new List<TaxiiCollectionResource>(items.Count);
            foreach (var c in items)
            {
                list.Add(await ResourceAsync(collections, caller, c, ownAliases, http.RequestAborted));
            }

            return TaxiiHttp.Write(new TaxiiCollectionsResource(list.Count == 0 ? null : list), TaxiiHttp.TaxiiMediaType);
        }));

        root.MapGet("/collections/{id}/", (string id, HttpContext http, TaxiiCollections collections) => RunAsync(http, false, async caller =>
        {
            var c = await CollectionAsync(collections, caller, id, http.RequestAborted);
            var ownAliases = await collections.OwnAliasesAsync(caller, http.RequestAborted);
            return TaxiiHttp.Write(await ResourceAsync(collections, caller, c, ownAliases, http.RequestAborted), TaxiiHttp.TaxiiMediaType);
        }));

        root.MapGet("/collections/{id}/objects/", (string id, HttpContext http, TaxiiCollections collections, IntelQueries queries, TaxiiCursors cursors, IOptions<TaxiiOptions> options) =>
            RunAsync(http, true, async caller =>
            {
                var c = await ReadableAsync(collections, caller, id, http.RequestAborted);
                var query = TaxiiQuery.Parse(http.Request, options.Value, versionFilter: true);
                var page = await PageAsync(queries, cursors, options.Value, caller, c, query, "objects", withJson: true, http.RequestAborted);
                return Envelope(http, page);
            }));

        root.MapPost("/collections/{id}/objects/", (string id, HttpContext http, TaxiiCollections collections, TaxiiWrites writes) => RunAsync(http, false, async caller =>
        {
            var c = await CollectionAsync(collections, caller, id, http.RequestAborted);
            if (!TaxiiCollections.CanWrite(caller, c))
            {
                throw new TaxiiException(StatusCodes.Status403Forbidden, "You may not add objects to this collection.",
                    AccessPolicy.CanCreate(caller) ? "Your organisation is not among the collection's writers." : "Viewers and read-only keys do not write.");
            }

            if (!TaxiiHttp.IsTaxiiContent(http.Request))
            {
                throw new TaxiiException(StatusCodes.Status415UnsupportedMediaType, "The body must be a TAXII envelope.", $"Content-Type: {TaxiiHttp.TaxiiMediaType}");
            }

            var status = await writes.AddAsync(caller, c, http.Request.Body, http.Request.ContentLength, http.RequestAborted);
            return TaxiiHttp.Write(status, TaxiiHttp.TaxiiMediaType, StatusCodes.Status202Accepted);
        }));

        root.MapGet("/collections/{id}/objects/{objectId}/", (string id, string objectId, HttpContext http, TaxiiCollections collections, IntelQueries queries, TaxiiCursors cursors, IOptions<TaxiiOptions> options) =>
            RunAsync(http, true, async caller =>
            {
                var c = await ReadableAsync(collections, caller, id, http.RequestAborted);
                var query = ForObject(TaxiiQuery.Parse(http.Request, options.Value, versionFilter: true), objectId);
                var page = await PageAsync(queries, cursors, options.Value, caller, c, query, "object", withJson: true, http.RequestAborted);
                if (page.Rows.Count == 0 && query.Next is null)
                {
                    await EnsureExistsAsync(queries, options.Value, caller, c, objectId, http.RequestAborted);
                }

                return Envelope(http, page);
            }));

        root.MapDelete("/collections/{id}/objects/{objectId}/", (string id, string objectId, HttpContext http, TaxiiCollections collections, IntelQueries queries, IntelRetraction retraction, IOptions<TaxiiOptions> options) =>
            RunAsync(http, false, async caller =>
            {
                var c = await ReadableAsync(collections, caller, id, http.RequestAborted);
                if (!TaxiiCollections.CanWrite(caller, c))
                {
                    throw new TaxiiException(StatusCodes.Status403Forbidden, "You may not delete objects from this collection.", "Deleting needs write access to the collection.");
                }

                // TAXII 2.1 §5.7: match[version] (first, last, all, timestamps; any of them) and match[spec_version] select
                // the versions deleted; without match[version], every version. A bad value is a 400 naming the parameter.
                var query = ForObject(TaxiiQuery.Parse(http.Request, options.Value, versionFilter: true), objectId);
                var selection = http.Request.Query.ContainsKey("match[version]")
                    ? new VersionSelection(query.Match.All, query.Match.First, query.Match.Last, query.Match.Versions ?? [])
                    : VersionSelection.Every;

                // Some copy in the collection for the caller, or 404; then the caller's own organisation's copy — the one a
                // deletion acts on — must itself be in the collection's view, or the caller may not delete it here (403).
                await EnsureExistsAsync(queries, options.Value, caller, c, objectId, http.RequestAborted);
                if (!await OwnCopyInViewAsync(queries, options.Value, caller, c, objectId, http.RequestAborted))
                {
                    throw new TaxiiException(StatusCodes.Status403Forbidden, "Only the organisation that owns an object deletes it.", "Ask its owner to withdraw it.");
                }

                // Every stored version is STIX 2.1: a match[spec_version] without 2.1 selects none of them.
                if (!query.Match.SpecVersionMatches)
                {
                    throw NotFound("No such object in this collection.");
                }

                try
                {
                    // Some versions: they go, the object stays with the others (the newest remaining one current). Every
                    // version that has content: the object is withdrawn (tombstone, outbox, removal sent to federation peers).
                    var deletion = await retraction.DeleteVersionsAsync(caller, objectId, selection, $"Deleted through the TAXII collection '{c.Title}'.", http.RequestAborted)
                        ?? throw NotFound("No such object in this collection.");
                    if (deletion.Kind == VersionDeletionKind.None)
                    {
                        // The same answer as an unknown id: the filter selected no version there is.
                        throw NotFound("No such object in this collection.");
                    }
                }
                catch (Hosting.ForbiddenException)
                {
                    throw new TaxiiException(StatusCodes.Status403Forbidden, "Only the organisation that owns an object deletes it.", "Ask its owner to withdraw it.");
                }
                catch (ConflictException e)
                {
                    // The version that would become current no longer reads back (review finding 5): nothing was deleted.
                    throw new TaxiiException(StatusCodes.Status409Conflict, "The remaining version cannot become current: no version was deleted.", e.Message);
                }

                // TAXII 2.1 §5.7: 200, no payload, with the TAXII media type.
                return Results.Content("", TaxiiHttp.TaxiiMediaType, statusCode: StatusCodes.Status200OK);
            }));

        root.MapGet("/collections/{id}/objects/{objectId}/versions/", (string id, string objectId, HttpContext http, TaxiiCollections collections, IntelQueries queries, TaxiiCursors cursors, IOptions<TaxiiOptions> options) =>
            RunAsync(http, false, async caller =>
            {
                var c = await ReadableAsync(collections, caller, id, http.RequestAborted);
                var parsed = ForObject(TaxiiQuery.Parse(http.Request, options.Value, versionFilter: false), objectId);
                var query = parsed with { Match = parsed.Match with { All = true, Last = false } };
                var page = await PageAsync(queries, cursors, options.Value, caller, c, query, "versions", withJson: false, http.RequestAborted);
                if (page.Rows.Count == 0 && query.Next is null)
                {
                    await EnsureExistsAsync(queries, options.Value, caller, c, objectId, http.RequestAborted);
                }

                DateHeaders(http, page.Rows);
                return TaxiiHttp.Write(new TaxiiVersions(page.More ? true : null, page.Next, page.Rows.Count == 0 ? null : [.. page.Rows.Select(TaxiiHttp.VersionOf)]), TaxiiHttp.TaxiiMediaType);
            }));

        root.MapGet("/collections/{id}/manifest/", (string id, HttpContext http, TaxiiCollections collections, IntelQueries queries, TaxiiCursors cursors, IOptions<TaxiiOptions> options) =>
            RunAsync(http, false, async caller =>
            {
                var c = await ReadableAsync(collections, caller, id, http.RequestAborted);
                var query = TaxiiQuery.Parse(http.Request, options.Value, versionFilter: true);
                var page = await PageAsync(queries, cursors, options.Value, caller, c, query, "manifest", withJson: false, http.RequestAborted);
                DateHeaders(http, page.Rows);
                var records = page.Rows.Select(v => new TaxiiManifestRecord(v.StixId, TaxiiHttp.Time(v.DateAdded), TaxiiHttp.VersionOf(v), TaxiiHttp.StixMediaType)).ToList();
                return TaxiiHttp.Write(new TaxiiManifest(page.More ? true : null, page.Next, records.Count == 0 ? null : records), TaxiiHttp.TaxiiMediaType);
            }));

        root.MapGet("/status/{statusId}/", (string statusId, HttpContext http, TaxiiWrites writes) => RunAsync(http, false, async caller =>
        {
            var status = Guid.TryParse(statusId, out var sid) ? await writes.StatusAsync(caller, sid, http.RequestAborted) : null;
            return TaxiiHttp.Write(status ?? throw NotFound("No such status."), TaxiiHttp.TaxiiMediaType);
        }));
    }

    /// <summary>One page of a TAXII list with its opaque <c>next</c>.</summary>
    private sealed record Page(IReadOnlyList<TaxiiVersion> Rows, bool More, string? Next, string MediaType);

    // Authentication (401 with the challenges), Accept (406), then the handler; TAXII errors it throws become error messages.
    private static async Task<IResult> RunAsync(HttpContext http, bool stixToo, Func<Caller, Task<IResult>> handler)
    {
        try
        {
            var caller = await Caller.ForRequestAsync(http);
            if (!caller.IsAuthenticated)
            {
                throw new TaxiiException(StatusCodes.Status401Unauthorized, "Authentication is required.",
                    "Send HTTP Basic (your e-mail address and an API key as the password) or 'Authorization: Bearer rpk_…'.");
            }

            var mediaType = TaxiiHttp.Negotiate(http.Request, stixToo)
                ?? throw new TaxiiException(StatusCodes.Status406NotAcceptable, "The Accept header admits no media type this endpoint answers with.",
                    stixToo ? $"Accept {TaxiiHttp.TaxiiMediaType} or {TaxiiHttp.StixMediaType}." : $"Accept {TaxiiHttp.TaxiiMediaType}.");
            http.Items[MediaTypeItem] = mediaType;
            return await handler(caller);
        }
        catch (TaxiiException e)
        {
            return new ErrorResult(e);
        }
    }

    private const string MediaTypeItem = "rampart.taxii.mediatype";

    private sealed class ErrorResult(TaxiiException e) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) =>
            TaxiiHttp.WriteErrorAsync(httpContext, new Hosting.MachineError(e.Status, e.Message, e.Description, e.Details));
    }

    private static TaxiiException NotFound(string title) => new(StatusCodes.Status404NotFound, title);

    // The description tells a writer where their objects go; the alias is shown only where it leads to this collection for the caller.
    private static async Task<TaxiiCollectionResource> ResourceAsync(TaxiiCollections collections, Caller caller, TaxiiCollection c, IReadOnlySet<string> ownAliases, CancellationToken ct) =>
        new(c.Id.ToString("D"), c.Title, await collections.DescriptionForAsync(caller, c, ct), TaxiiCollections.AliasFor(caller, c, ownAliases),
            TaxiiCollections.CanRead(caller, c), TaxiiCollections.CanWrite(caller, c), [TaxiiHttp.StixMediaType]);

    private static async Task<TaxiiCollection> CollectionAsync(TaxiiCollections collections, Caller caller, string id, CancellationToken ct) =>
        await collections.FindForTaxiiAsync(caller, id, ct) ?? throw NotFound("No such collection.");

    private static async Task<TaxiiCollection> ReadableAsync(TaxiiCollections collections, Caller caller, string id, CancellationToken ct)
    {
        var c = await CollectionAsync(collections, caller, id, ct);
        return TaxiiCollections.CanRead(caller, c)
            ? c
            : throw new TaxiiException(StatusCodes.Status403Forbidden, "You may not read this collection.", "Your organisation is among its writers, not its readers.");
    }

    private static TaxiiQuery ForObject(TaxiiQuery query, string objectId)
    {
        if (objectId.Length > IntelLimits.StixIdLength || !Standards.Stix.StixIdentifier.TryParse(objectId, out _, out _))
        {
            throw new TaxiiException(StatusCodes.Status404NotFound, "No such object in this collection.");
        }

        // The path's id, and only it (a match[id] beside it narrows to nothing unless it names the same object).
        var ids = query.Match.Ids is { } given ? [.. given.Where(i => i == objectId)] : new List<string> { objectId };
        return query with { Match = query.Match with { Ids = ids }, Scope = query.Scope + "|" + objectId };
    }

    // Not found unless some version of the object is in the collection for this caller (any version, any time).
    private static async Task EnsureExistsAsync(IntelQueries queries, TaxiiOptions options, Caller caller, TaxiiCollection c, string objectId, CancellationToken ct)
    {
        var settled = await queries.TaxiiSettledBeforeAsync(options.ClockAllowance, ct);
        var (rows, _) = await queries.TaxiiVersionsAsync(caller, TaxiiCollections.StoreFilterOf(c), new TaxiiMatch(Ids: [objectId], Last: false, All: true), null, settled, 1, false, ct);
        if (rows.Count == 0)
        {
            throw NotFound("No such object in this collection.");
        }
    }

    private static async Task<bool> OwnCopyInViewAsync(IntelQueries queries, TaxiiOptions options, Caller caller, TaxiiCollection c, string objectId, CancellationToken ct)
    {
        var filter = TaxiiCollections.StoreFilterOf(c);
        if (filter.Owners.Count > 0 && !filter.Owners.Contains(caller.OrganisationId))
        {
            return false;
        }

        var settled = await queries.TaxiiSettledBeforeAsync(options.ClockAllowance, ct);
        // A reported sighting is no object a collection withdraws (its reporter's record, not the sighted object's owner's).
        var (rows, _) = await queries.TaxiiVersionsAsync(caller, filter with { Owners = [caller.OrganisationId] }, new TaxiiMatch(Ids: [objectId], Last: false, All: true), null, settled, 1, false, ct,
            withSightings: false);
        return rows.Count > 0;
    }

    private static async Task<Page> PageAsync(IntelQueries queries, TaxiiCursors cursors, TaxiiOptions options, Caller caller, TaxiiCollection c, TaxiiQuery query, string list, bool withJson, CancellationToken ct)
    {
        var scope = c.Id.ToString("N") + "|" + query.Scope;
        var after = cursors.Decode(query.Next, list, scope);
        var settled = await queries.TaxiiSettledBeforeAsync(options.ClockAllowance, ct);
        var (rows, more) = await queries.TaxiiVersionsAsync(caller, TaxiiCollections.StoreFilterOf(c), query.Match, after, settled, query.Limit, withJson, ct);
        return new Page(rows, more, more ? cursors.Encode(list, scope, rows[^1].Position) : null, TaxiiHttp.TaxiiMediaType);
    }

    private static void DateHeaders(HttpContext http, IReadOnlyList<TaxiiVersion> rows)
    {
        if (rows.Count > 0)
        {
            http.Response.Headers["X-TAXII-Date-Added-First"] = TaxiiHttp.Time(rows[0].DateAdded);
            http.Response.Headers["X-TAXII-Date-Added-Last"] = TaxiiHttp.Time(rows[^1].DateAdded);
        }
    }

    private static IResult Envelope(HttpContext http, Page page)
    {
        DateHeaders(http, page.Rows);
        var objects = page.Rows.Where(r => r.Json is not null).Select(r => new StixText(r.Json!)).ToList();
        var mediaType = http.Items[MediaTypeItem] as string ?? TaxiiHttp.TaxiiMediaType;
        return TaxiiHttp.Write(new TaxiiEnvelope(page.More ? true : (objects.Count == 0 ? null : false), page.Next, objects.Count == 0 ? null : objects), mediaType);
    }
}
