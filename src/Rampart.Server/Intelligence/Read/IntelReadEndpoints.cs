using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;

namespace Rampart.Server.Intelligence.Read;

public sealed record IntelCopyView(Guid OwnerOrganisationId, Tlp Tlp, DateTimeOffset Modified, bool Revoked, DateTimeOffset? WithdrawnAt);

public sealed record IntelObjectView(
    string StixId,
    string Type,
    string Name,
    Guid OwnerOrganisationId,
    Tlp Tlp,
    DateTimeOffset Created,
    DateTimeOffset Modified,
    DateTimeOffset AddedAt,
    DateTimeOffset UpdatedAt,
    bool Revoked,
    DateTimeOffset? WithdrawnAt,
    string? WithdrawnReason,
    bool WarningListed,
    IReadOnlyList<string> Labels,
    JsonObject? Stix,
    IReadOnlyList<IntelCopyView>? Copies,
    double? Score = null,
    DateTimeOffset? DecaysAt = null,
    bool Decayed = false,
    int SightingCount = 0,
    DateTimeOffset? LastSightedAt = null,
    IReadOnlyList<JsonObject>? Sightings = null)
{
    /// <summary>How many of the newest readable sightings the object's answer carries as STIX (the rest: <c>GET …/sightings</c>).</summary>
    public const int SightingsShown = 20;

    /// <summary>The view; <paramref name="now"/> gives the indicator's current score (none without it).</summary>
    public static IntelObjectView From(IntelObject o, IReadOnlyList<string> labels, JsonObject? json = null, IReadOnlyList<IntelObject>? copies = null, DateTimeOffset? now = null,
        Search.IntelDecayOptions? decay = null)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new(o.StixId, o.StixType, o.WithdrawnAt is null ? o.Name : "", o.OwnerOrganisationId, o.Record.Tlp, o.ShownCreated, o.ShownModified,
            o.AddedAt, o.UpdatedAt, o.Revoked, o.WithdrawnAt, o.WithdrawnReason, o.WarningListed, labels, json,
            copies?.Select(c => new IntelCopyView(c.OwnerOrganisationId, c.Record.Tlp, c.ShownModified, c.Revoked, c.WithdrawnAt)).ToList(),
            now is { } at ? Search.IntelDecay.ScoreAt(o, at, decay) : null, o.DecaysAt, now is { } at2 && Search.IntelDecay.IsDecayed(o, at2), o.SightingCount, o.LastSightedAt);
    }
}

public sealed record IntelVersionView(DateTimeOffset Modified, DateTimeOffset DateAdded, JsonObject? Stix);

public sealed record LookupRequest(IReadOnlyList<string?>? Values);

public sealed record LookupView(int Submitted, IReadOnlyList<LookupMatch> Known);

public sealed record CorrelatedView(string StixId, string Type, string Name, Guid OwnerOrganisationId, Tlp Tlp, IReadOnlyList<CorrelationVia> Via);

public sealed record GraphNode(string Id, string Kind, string Label);

public sealed record GraphEdge(string From, string To, string Kind);

public sealed record CorrelationsView(IReadOnlyList<CorrelatedView> Items, IReadOnlyList<CommonValue> Common, string? Next, IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges);

/// <summary>Opaque keyset cursors of the intelligence lists: the position protected with the node's keys and bound to the list and its filter.</summary>
public sealed class IntelCursors(IDataProtectionProvider protection)
{
    private readonly IDataProtector protector = protection.CreateProtector("Rampart.IntelCursor.v1");

    public string Encode(string list, string scope, string position) => protector.Protect($"{list}\n{scope}\n{position}");

    public string? Decode(string? next, string list, string scope)
    {
        if (next is null)
        {
            return null;
        }

        string plain;
        try
        {
            plain = next.Length <= 2000 ? protector.Unprotect(next) : "";
        }
        catch (CryptographicException)
        {
            plain = "";
        }

        var parts = plain.Split('\n');
        return parts.Length == 3 && parts[0] == list && parts[1] == scope
            ? parts[2]
            : throw RequestErrors.One("next", "Not a cursor of this list and filter; start again without 'next'.");
    }
}

public static class IntelReadEndpoints
{
    private static readonly string[] KnownSearchParameters =
    [
        "value", "match", "type", "label", "tlp", "owner", "createdFrom", "createdTo", "modifiedFrom", "modifiedTo", "addedFrom", "addedTo",
        "sightedFrom", "sightedTo", "sort", "limit", "next", "q", "excludeDecayed",
    ];

    public static void MapIntelReadApi(this IEndpointRouteBuilder routes, MachinePath? lookupPath)
    {
        var group = routes.MapGroup("/intel").WithTags("Intelligence");

        group.MapGet("/objects/{stixId}", async Task<Results<Ok<IntelObjectView>, NotFound>> (string stixId, string? owner, Caller caller, IntelQueries intel,
            Sightings.IntelSightings sightings, IOptions<Search.IntelDecayOptions> decay, TimeProvider clock, CancellationToken ct) =>
        {
            var id = StixIdOf(stixId);
            var (read, copies) = await intel.FindAsync(caller, id, OwnerOf(owner), ct);
            if (read is null)
            {
                return TypedResults.NotFound();
            }

            // The STIX sightings of this copy that the caller may read by their own sharing (the count counts all of them).
            IReadOnlyList<Sightings.IntelSighting> shown = read.Intel.WithdrawnAt is null
                ? (await sightings.ListAsync(caller, read.Intel, null, IntelObjectView.SightingsShown, ct)).Items
                : [];
            return TypedResults.Ok(IntelObjectView.From(read.Intel, read.Labels, read.Current, copies, clock.GetUtcNow(), decay.Value)
                with { Sightings = [.. shown.Select(s => Sightings.IntelSightings.StixOf(s.Json, s.Anonymous, s.Record.Tlp))] });
        }).WithSummary("Read an intelligence object").WithDescription("The caller's own copy of the STIX id, else the oldest readable one, with every readable copy; owner picks a copy; sightings: the newest 20 STIX sightings the caller may read (GET …/sightings for all). 404 exactly like an unknown id when the caller may not read it.").AllowAnonymous();

        group.MapGet("/objects/{stixId}/versions", async Task<Results<Ok<CursorPage<IntelVersionView>>, NotFound>> (string stixId, string? owner, int? limit, string? next, Caller caller, IntelQueries intel, IntelCursors cursors, CancellationToken ct) =>
        {
            var id = StixIdOf(stixId);
            var size = Http.Limit(limit);
            var (read, _) = await intel.FindAsync(caller, id, OwnerOf(owner), ct);
            if (read is null)
            {
                return TypedResults.NotFound();
            }

            var scope = read.Intel.RecordId.ToString(CultureInfo.InvariantCulture);
            var position = cursors.Decode(next, "intel-versions", scope);
            var key = new long[1];
            DateTimeOffset? before = position is null ? null
                : KeysetCodec.TryDecode(position, key) && KeysetCodec.Time(key[0]) is { } t ? t : throw RequestErrors.One("next", "Not a cursor of this list; start again without 'next'.");
            var (versions, more) = await intel.VersionsAsync(read.Intel, before, size, ct);
            var nextCursor = more ? cursors.Encode("intel-versions", scope, KeysetCodec.Encode(versions[^1].Version.Modified.UtcTicks)) : null;
            return TypedResults.Ok(new CursorPage<IntelVersionView>([.. versions.Select(v => new IntelVersionView(v.Version.Modified, v.Version.DateAdded, v.Json))], nextCursor));
        }).WithSummary("Versions of an object").WithDescription("Newest first, cursor-paged; owner as for the object.").AllowAnonymous();

        group.MapGet("/objects/{stixId}/history", async Task<Results<Ok<CursorPage<IntelHistoryEntry>>, NotFound>> (string stixId, string? owner, int? limit, string? next, Caller caller, IntelQueries intel, IntelCursors cursors, CancellationToken ct) =>
        {
            var id = StixIdOf(stixId);
            var size = Http.Limit(limit);
            var (read, _) = await intel.FindAsync(caller, id, OwnerOf(owner), ct);
            if (read is null)
            {
                return TypedResults.NotFound();
            }

            var scope = read.Intel.RecordId.ToString(CultureInfo.InvariantCulture);
            var position = cursors.Decode(next, "intel-history", scope);
            var key = new long[1];
            long? before = position is null ? null
                : KeysetCodec.TryDecode(position, key) ? key[0] : throw RequestErrors.One("next", "Not a cursor of this list; start again without 'next'.");
            var (entries, last) = await intel.HistoryAsync(caller, read.Intel, before, size, ct);
            var nextCursor = last is { } l ? cursors.Encode("intel-history", scope, KeysetCodec.Encode(l)) : null;
            return TypedResults.Ok(new CursorPage<IntelHistoryEntry>(entries, nextCursor));
        }).WithSummary("History of an object").WithDescription(
            "What happened to the object on this node, newest first, cursor-paged: added, new versions (with the TLP when a version raised it), "
            + "audience changed, revoked, withdrawn (with the reason), versions deleted (TAXII DELETE with match[version]), sightings reported (never by whom). Each entry says how it came (import, TAXII, feed, "
            + "federation with the peer node …) and the import format; the import job id only to the owner organisation. Owner as for the object; "
            + "404 exactly like an unknown id when the caller may not read the object.").AllowAnonymous();

        group.MapGet("/objects", async Task<Ok<CursorPage<IntelObjectView>>> (HttpContext http, Caller caller, IntelQueries intel, IntelCursors cursors, IOptions<Search.IntelDecayOptions> decay, TimeProvider clock, CancellationToken ct) =>
        {
            var (search, size) = ParseSearch(http.Request.Query);
            var scope = string.Join('&', http.Request.Query.Where(q => q.Key is not ("next" or "limit")).OrderBy(q => q.Key, StringComparer.Ordinal)
                .Select(q => $"{q.Key}={q.Value}"));
            var position = cursors.Decode(http.Request.Query["next"].FirstOrDefault(), "intel-objects", scope);
            var after = position is null ? null : ParsePosition(position);
            var (found, more) = await intel.SearchAsync(caller, search, after, size, ct);
            var labels = await intel.LabelsOfAsync([.. found.Select(o => o.RecordId)], ct);
            var nextCursor = more
                ? cursors.Encode("intel-objects", scope, KeysetCodec.Encode(found[^1].RecordId,
                    (search.Sort is IntelSort.Created or IntelSort.CreatedOldest ? found[^1].Created : found[^1].Modified).UtcTicks))
                : null;
            var now = clock.GetUtcNow();
            return TypedResults.Ok(new CursorPage<IntelObjectView>([.. found.Select(o => IntelObjectView.From(o, [.. labels[o.RecordId]], now: now, decay: decay.Value))], nextCursor));
        }).WithSummary("Search intelligence").WithDescription("By value (match: exact, network, domain, prefix), type, label, TLP, owner, created / modified / added ranges, text (q), excludeDecayed; "
            + "sorted (sort: added, added-oldest, modified, modified-oldest, created, created-oldest; default added, newest first) and cursor-paged. Only readable objects count.").AllowAnonymous();

        var lookup = group.MapPost("/lookup", async Task<Ok<LookupView>> (LookupRequest request, bool? excludeDecayed, bool? networks, Caller caller, IntelQueries intel, IOptions<IntelReadOptions> options, CancellationToken ct) =>
        {
            var values = request.Values ?? throw RequestErrors.One("values", "Required: an array of values.");
            var max = options.Value.LookupLimit;
            if (values.Count > max)
            {
                throw RequestErrors.One("values", $"At most {max} values per lookup.");
            }

            var errors = new RequestErrors();
            for (var i = 0; i < values.Count; i++)
            {
                if (values[i] is null)
                {
                    errors.Add($"values[{i}]", "Must be a string.");
                }
                else
                {
                    errors.SingleLine($"values[{i}]", values[i], IntelLimits.ObservableValueLength, required: false);
                }
            }

            errors.ThrowIfAny();
            var known = await intel.LookupAsync(caller, [.. values.Select(v => v!)], ct, excludeDecayed ?? false, networks ?? true);
            return TypedResults.Ok(new LookupView(values.Count, known));
        }).WithSummary("Bulk lookup of values").WithDescription("Up to the configured number of values; answers which are known, as what, with TLP, owner and score — only objects the caller may read. "
            + "Each match says how it matched: match \"exact\" (the object carries the value), or \"contained-in\" (an IPv4 or IPv6 address, or a network, inside a network the object carries; "
            + "that network is in \"network\"). networks=false answers exact matches only; excludeDecayed=true leaves out decayed indicators either way. "
            + "400 (ProblemDetails with errors) names the field: values missing or above the limit, a value not a string or too long.").RequireAuthorization();
        if (lookupPath is not null)
        {
            lookup.WithMetadata(lookupPath);
        }

        group.MapGet("/objects/{stixId}/correlations", async Task<Results<Ok<CorrelationsView>, NotFound>> (string stixId, string? owner, int? limit, string? next, Caller caller, IntelQueries intel, IntelCursors cursors, CancellationToken ct) =>
        {
            var id = StixIdOf(stixId);
            var size = Http.Limit(limit);
            var (read, _) = await intel.FindAsync(caller, id, OwnerOf(owner), ct);
            if (read is null)
            {
                return TypedResults.NotFound();
            }

            var scope = read.Intel.RecordId.ToString(CultureInfo.InvariantCulture);
            var position = cursors.Decode(next, "intel-correlations", scope);
            var key = new long[1];
            var result = await intel.CorrelationsAsync(caller, read.Intel, position is null ? (long?)null : KeysetCodec.TryDecode(position, key) ? key[0] : throw RequestErrors.One("next", "Not a cursor of this list; start again without 'next'."), size, ct);
            var items = result.Items.Select(c => new CorrelatedView(c.Intel.StixId, c.Intel.StixType, c.Intel.Name, c.Intel.OwnerOrganisationId, c.Intel.Record.Tlp, c.Via)).ToList();
            var nextCursor = result.More ? cursors.Encode("intel-correlations", scope, KeysetCodec.Encode(result.Items[^1].Intel.RecordId)) : null;

            // The graph of this page: the object, the values it shares, the objects sharing them.
            var self = GraphId(read.Intel.StixId, read.Intel.OwnerOrganisationId);
            var nodes = new List<GraphNode> { new(self, read.Intel.StixType, read.Intel.Name) };
            var edges = new List<GraphEdge>();
            var values = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in items)
            {
                var node = GraphId(item.StixId, item.OwnerOrganisationId);
                nodes.Add(new(node, item.Type, item.Name));
                foreach (var via in item.Via)
                {
                    var ownValue = $"value:{via.OwnValue}";
                    var theirs = $"value:{via.Value}";
                    if (values.Add(ownValue))
                    {
                        nodes.Add(new(ownValue, "value", via.OwnValue));
                        edges.Add(new(self, ownValue, "has"));
                    }

                    if (values.Add(theirs))
                    {
                        nodes.Add(new(theirs, "value", via.Value));
                        if (theirs != ownValue)
                        {
                            edges.Add(new(ownValue, theirs, System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(via.Kind.ToString())));
                        }
                    }

                    edges.Add(new(node, theirs, "has"));
                }
            }

            return TypedResults.Ok(new CorrelationsView(items, result.Common, nextCursor, nodes, edges.Distinct().ToList()));
        }).WithSummary("Correlations of an object").WithDescription("Readable objects sharing a value (equal, network containment, domain, URL host, same file), with the value they share; values above the threshold are listed as common. Per viewer.").AllowAnonymous();
    }

    /// <summary>A graph node's id: the STIX id and the owning organisation (two organisations may hold the same id) — no record number.</summary>
    private static string GraphId(string stixId, Guid owner) => $"object:{stixId}@{owner:D}";

    private static string StixIdOf(string stixId) =>
        stixId.Length is > 0 and <= IntelLimits.StixIdLength && stixId.Contains("--", StringComparison.Ordinal)
            ? stixId
            : throw RequestErrors.One("stixId", "Not a STIX identifier (type--UUID).");

    private static Guid? OwnerOf(string? owner) => owner is null ? null : Http.ParseId(owner, "owner");

    private static SearchPosition ParsePosition(string position)
    {
        Span<long> parts = stackalloc long[2];
        return KeysetCodec.TryDecode(position, parts) && KeysetCodec.Time(parts[1]) is { } modified
            ? new(parts[0], modified)
            : throw RequestErrors.One("next", "Not a cursor of this list and filter; start again without 'next'.");
    }

    private static (IntelSearch Search, int Limit) ParseSearch(IQueryCollection query)
    {
        var errors = new RequestErrors();
        foreach (var key in query.Keys.Where(k => !KnownSearchParameters.Contains(k, StringComparer.Ordinal)))
        {
            errors.Add(key, $"Unknown parameter; known: {string.Join(", ", KnownSearchParameters)}.");
        }

        string? One(string name)
        {
            var values = query[name];
            if (values.Count > 1)
            {
                errors.Add(name, "Give it once.");
            }

            var v = values.FirstOrDefault();
            if (v is not null && TextRules.FirstForbidden(v, multiLine: false) is { } at)
            {
                errors.Add(name, $"Contains a control or bidi-override character (U+{(int)v[at]:X4} at position {at + 1}).");
                return null;
            }

            return string.IsNullOrWhiteSpace(v) ? null : v;
        }

        DateTimeOffset? Time(string name)
        {
            var v = One(name);
            if (v is null)
            {
                return null;
            }

            if (DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            {
                return t;
            }

            errors.Add(name, "Not a date and time (ISO 8601, e.g. 2026-11-29T18:00:00Z).");
            return null;
        }

        var value = One("value");
        errors.MaxLength("value", value, IntelLimits.ObservableValueLength);
        var match = ValueMatch.Exact;
        if (One("match") is { } m && !Enum.TryParse(m, ignoreCase: true, out match))
        {
            errors.Add("match", "One of exact, network, domain, prefix.");
        }

        if (match != ValueMatch.Exact && value is null)
        {
            errors.Add("match", "Needs a 'value'.");
        }
        else if (match == ValueMatch.Network && value is not null && ObservableKey.Of(value).RangeStart is null)
        {
            errors.Add("value", "Not an IP address or CIDR network.");
        }
        else if (match == ValueMatch.Domain && value is not null && ObservableKey.Of(value).ReversedDomain is null)
        {
            errors.Add("value", "Not a domain, URL or e-mail address.");
        }

        var type = One("type");
        errors.MaxLength("type", type, IntelLimits.StixTypeLength);
        var label = One("label");
        errors.MaxLength("label", label, IntelLimits.LabelLength);
        Tlp? tlp = null;
        if (One("tlp") is { } t2)
        {
            if (TlpMarking.TryParse(t2, out var parsed))
            {
                tlp = parsed;
            }
            else
            {
                errors.Add("tlp", "One of clear, green, amber, amber+strict, red.");
            }
        }

        Guid? owner = null;
        if (One("owner") is { } o)
        {
            if (Guid.TryParse(o, out var g))
            {
                owner = g;
            }
            else
            {
                errors.Add("owner", "Not a UUID.");
            }
        }

        var sort = IntelSort.Added;
        if (One("sort") is { } s && (!s.All(ch => char.IsAsciiLetter(ch) || ch == '-') || !Enum.TryParse(s.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out sort) || !Enum.IsDefined(sort)))
        {
            sort = IntelSort.Added;
            errors.Add("sort", "One of added, added-oldest, modified, modified-oldest, created, created-oldest.");
        }

        int? limit = null;
        if (One("limit") is { } l)
        {
            if (int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                limit = n;
            }
            else
            {
                errors.Add("limit", $"Must be between 1 and {Http.MaxPageSize}.");
            }
        }

        IReadOnlyList<string>? terms = null;
        if (One("q") is { } q)
        {
            errors.MaxLength("q", q, IntelLimits.NameLength);
            terms = Search.IntelText.QueryTerms(q);
            if (terms.Count == 0)
            {
                errors.Add("q", $"Type at least one word of {Notes.NoteSearch.MinPrefix} or more letters or digits.");
            }
        }

        var excludeDecayed = false;
        if (One("excludeDecayed") is { } d && !bool.TryParse(d, out excludeDecayed))
        {
            errors.Add("excludeDecayed", "true or false.");
        }

        var search = new IntelSearch(value, match, type, label, tlp, owner, Time("createdFrom"), Time("createdTo"), Time("modifiedFrom"), Time("modifiedTo"),
            Time("addedFrom"), Time("addedTo"), sort, terms, excludeDecayed, Time("sightedFrom"), Time("sightedTo"));
        errors.ThrowIfAny();
        return (search, Http.Limit(limit));
    }
}
