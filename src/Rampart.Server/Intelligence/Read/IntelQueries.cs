using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;
using Rampart.Standards.Observables;

namespace Rampart.Server.Intelligence.Read;

/// <summary>Limits of the read side, in <c>Rampart:Intelligence</c>.</summary>
public sealed class IntelReadOptions
{
    public const string Section = "Rampart:Intelligence";

    /// <summary>Most values in one bulk lookup.</summary>
    public int LookupLimit { get; set; } = 100_000;

    /// <summary>Largest bulk-lookup body, in bytes.</summary>
    public long LookupMaxBodyBytes { get; set; } = 64L * 1024 * 1024;
}

/// <summary>How a searched value matches the observable index.</summary>
public enum ValueMatch
{
    /// <summary>The same normalised value.</summary>
    Exact,

    /// <summary>Addresses and networks inside the value's range, and networks containing or overlapping it.</summary>
    Network,

    /// <summary>The domain and its subdomains (also URLs and e-mail addresses on them).</summary>
    Domain,

    /// <summary>Values starting with the text (of any kind).</summary>
    Prefix,
}

public enum IntelSort
{
    /// <summary>Newest to reach this node first (the record key: records are created when the first version arrives).</summary>
    Added,

    /// <summary>Latest STIX <c>modified</c> first.</summary>
    Modified,

    /// <summary>Oldest to reach this node first (the record key ascending).</summary>
    AddedOldest,

    /// <summary>Earliest STIX <c>modified</c> first.</summary>
    ModifiedOldest,

    /// <summary>Latest STIX <c>created</c> first (the <c>(Created, RecordId)</c> index).</summary>
    Created,

    /// <summary>Earliest STIX <c>created</c> first.</summary>
    CreatedOldest,
}

/// <summary>The filters of a search; every one optional, all combined with AND.</summary>
public sealed record IntelSearch(
    string? Value = null,
    ValueMatch Match = ValueMatch.Exact,
    string? Type = null,
    string? Label = null,
    Tlp? Tlp = null,
    Guid? Owner = null,
    DateTimeOffset? CreatedFrom = null,
    DateTimeOffset? CreatedTo = null,
    DateTimeOffset? ModifiedFrom = null,
    DateTimeOffset? ModifiedTo = null,
    DateTimeOffset? AddedFrom = null,
    DateTimeOffset? AddedTo = null,
    IntelSort Sort = IntelSort.Added,
    IReadOnlyList<string>? Terms = null,
    bool ExcludeDecayed = false,
    DateTimeOffset? SightedFrom = null,
    DateTimeOffset? SightedTo = null);

/// <summary>Keyset position in a search: the record key, and for the sorts by a time (modified, created) that time of the last object.</summary>
public sealed record SearchPosition(long RecordId, DateTimeOffset? Time);

/// <summary>An object as a reader sees it: the current version's JSON (null once withdrawn) and its labels.</summary>
public sealed record ReadIntelObject(IntelObject Intel, IReadOnlyList<string> Labels, JsonObject? Current);

/// <summary>One row of a lookup statement: a value and a readable object carrying it.</summary>
public sealed record LookupRow(ObservableKind Kind, string Value, string StixId, string StixType, Tlp Tlp, Guid OwnerOrganisationId, bool Revoked,
    double? Score, IndicatorKind? DecayKind, DateTimeOffset? DecaySince, DateTimeOffset? DecaysAt);

/// <summary>How a looked-up value matched an object.</summary>
public enum LookupMatchKind
{
    /// <summary>The object carries the same normalised value.</summary>
    Exact,

    /// <summary>The object carries a network (CIDR) that contains the looked-up address or network: <see cref="LookupMatch.Network"/>.</summary>
    ContainedIn,
}

/// <summary>
/// A looked-up value that the caller may read in at least one object. <see cref="Value"/> is the looked-up value (normalised);
/// with <see cref="LookupMatchKind.ContainedIn"/>, <see cref="Network"/> is the object's network that contains it.
/// </summary>
public sealed record LookupMatch(string Value, ObservableKind Kind, string StixId, string StixType, Tlp Tlp, Guid OwnerOrganisationId, bool Revoked, double? Score = null, DateTimeOffset? DecaysAt = null,
    LookupMatchKind Match = LookupMatchKind.Exact, string? Network = null);

/// <summary>How a correlated object is linked to the object asked about.</summary>
public enum CorrelationKind
{
    Equal,
    Network,
    Domain,
    SameFile,
}

public sealed record CorrelationVia(CorrelationKind Kind, string Value, string OwnValue);

public sealed record Correlated(IntelObject Intel, IReadOnlyList<CorrelationVia> Via);

public sealed record CommonValue(ObservableKind Kind, string Value);

public sealed record Correlations(IReadOnlyList<Correlated> Items, IReadOnlyList<CommonValue> Common, bool More);

/// <summary>
/// Every read of the intelligence store — object, versions, search, bulk lookup, correlation — goes through
/// here and from here through <see cref="AccessPolicy"/>. What the caller may not read does not exist: no
/// answer, count or error differs because of an object the caller cannot read.
/// </summary>
public sealed partial class IntelQueries(RampartDb db, AccessPolicy access, IOptions<IntelOptions> storeOptions, TimeProvider clock, IOptions<Search.IntelDecayOptions>? decayOptions = null)
{
    /// <summary>Most copies of one STIX id listed (one per organisation holding it).</summary>
    public const int MaxCopies = 100;

    // Values per lookup statement: PostgreSQL plans "Value = ANY(5,000 values)" as a sequential scan of the index's
    // table, 1,000 as index probes (bench/README.md); SQLite does either as probes.
    private const int Batch = 1000;
    private const int MaxRelatedValues = 500;

    /// <summary>Text search: a typed word with fewer term rows than this drives the search from the term index (bench/README.md).</summary>
    public const int TermDriveLimit = 5000;

    private static readonly ObservableKind[] AllKinds = Enum.GetValues<ObservableKind>();

    /// <summary>The copies of <paramref name="stixId"/> the caller may read: the caller's own organisation's first, then by record.</summary>
    public async Task<IReadOnlyList<IntelObject>> CopiesAsync(Caller caller, string stixId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var copies = await access.Readable(db.IntelObjects.AsNoTracking().Include(o => o.Record).Where(o => o.StixId == stixId), caller)
            .OrderBy(o => o.RecordId).Take(MaxCopies).ToListAsync(cancellationToken);
        return [.. copies.OrderBy(o => o.OwnerOrganisationId == caller.OrganisationId ? 0 : 1).ThenBy(o => o.RecordId)];
    }

    /// <summary>
    /// One copy per STIX id per reader (review F4, s6 R2): of <paramref name="objects"/> (already cut by the access
    /// decision) only the copy this reader is served — the caller's own organisation's copy of the id, else the
    /// readable copy with the lowest record id (ids of SDOs are random, so nobody can hold one before its author).
    /// Copies of one id held by different organisations are separate records, and consumers (TAXII clients, STIX and
    /// MISP importers, SIEMs) key on id + modified: two owners' copies under one id would let an organisation publish a
    /// "newer version" (say revoked: true) of another's object. The one expression every machine-readable read uses:
    /// TAXII, the object list and search, the object by id, every export, the live stream and webhooks. Readable copies
    /// count whatever the read's other filters (a filter that leaves out the served copy shows nothing for the id),
    /// withdrawn ones included (a withdrawn served copy shows its tombstone). Index-backed: one probe of IX_IntelObjects_StixId
    /// per candidate row, and the grants' key for each other copy found (bench/README.md shows the plans).
    /// </summary>
    public IQueryable<IntelObject> OneCopyPerId(IQueryable<IntelObject> objects, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(caller);
        var me = caller.OrganisationId;
        var readableCopies = access.Readable(db.IntelObjects.AsNoTracking(), caller);
        return objects.Where(o => !readableCopies.Any(c => c.StixId == o.StixId && c.RecordId != o.RecordId
            && (c.OwnerOrganisationId == me
                || (o.OwnerOrganisationId != me && c.RecordId < o.RecordId))));
    }

    /// <summary>
    /// The copy of <paramref name="stixId"/> the caller is served (<see cref="OneCopyPerId"/>), or with
    /// <paramref name="owner"/> that organisation's copy when readable — an explicit, owner-labelled choice of the copies
    /// view, never a default; null when none is readable. <c>Copies</c> lists every readable copy, the served one first.
    /// </summary>
    public async Task<(ReadIntelObject? Object, IReadOnlyList<IntelObject> Copies)> FindAsync(Caller caller, string stixId, Guid? owner, CancellationToken cancellationToken)
    {
        var copies = await CopiesAsync(caller, stixId, cancellationToken);
        if (copies.Count == 0)
        {
            return (null, copies);
        }

        IntelObject? chosen;
        if (owner is { } o)
        {
            chosen = copies.FirstOrDefault(c => c.OwnerOrganisationId == o);
        }
        else
        {
            var served = await OneCopyPerId(access.Readable(db.IntelObjects.AsNoTracking().Where(c => c.StixId == stixId), caller), caller)
                .Select(c => c.RecordId).FirstOrDefaultAsync(cancellationToken);
            // Beyond the first MaxCopies listed (an id held by very many organisations): read by its key.
            chosen = copies.FirstOrDefault(c => c.RecordId == served)
                ?? await db.IntelObjects.AsNoTracking().Include(c => c.Record).FirstOrDefaultAsync(c => c.RecordId == served, cancellationToken);
        }

        return chosen is null ? (null, copies) : (await DetailAsync(chosen, cancellationToken), copies);
    }

    private async Task<ReadIntelObject> DetailAsync(IntelObject o, CancellationToken cancellationToken)
    {
        var labels = await db.IntelLabels.AsNoTracking().Where(l => l.RecordId == o.RecordId).OrderBy(l => l.Label).Select(l => l.Label).ToListAsync(cancellationToken);
        var json = await db.IntelObjectVersions.AsNoTracking().Where(v => v.RecordId == o.RecordId && v.Modified == o.Modified)
            .Select(v => v.Json).FirstOrDefaultAsync(cancellationToken);
        return new(o, labels, o.WithdrawnAt is null ? WithRecordMarking(json, o.Record.Tlp) : null);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> objects the caller may read, newest record first, older than record
    /// <paramref name="before"/>: one primary-key range of the grants per caller token
    /// (<see cref="AccessPolicy.ReadableIdsAsync"/>), so a page costs the same however many objects exist. With
    /// <see cref="Caller.Anonymous"/> these are the objects published as TLP:CLEAR, as the public pages list them.
    /// </summary>
    public async Task<(IReadOnlyList<IntelObject> Objects, bool More)> NewestAsync(Caller caller, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var found = new List<IntelObject>(limit + 1);
        var from = before;
        while (true)
        {
            var want = limit + 1 - found.Count;
            var ids = await access.ReadableIdsAsync(caller, RecordType.StixObject, from, want, cancellationToken);
            if (ids.Count == 0)
            {
                break;
            }

            // The ids come from the access decision above; this fetches their rows, one copy per STIX id.
            var recordIds = ids as List<long> ?? [.. ids];
            found.AddRange(await OneCopyPerId(db.IntelObjects.AsNoTracking().Where(o => EF.Parameter(recordIds).Contains(o.RecordId)), caller)
                .Include(o => o.Record).OrderByDescending(o => o.RecordId).ToListAsync(cancellationToken));
            if (found.Count > limit || ids.Count < want)
            {
                break;
            }

            from = ids[^1];
        }

        return ([.. found.Take(limit)], found.Count > limit);
    }

    /// <summary>Versions of a readable object (from <see cref="FindAsync"/>), newest first, older than <paramref name="before"/>.</summary>
    public async Task<(IReadOnlyList<(IntelObjectVersion Version, JsonObject? Json)> Versions, bool More)> VersionsAsync(IntelObject readable, DateTimeOffset? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readable);
        var query = db.IntelObjectVersions.AsNoTracking().Where(v => v.RecordId == readable.RecordId);
        if (readable.WithdrawnAt is null)
        {
            // Versions the owner deleted (TAXII DELETE with match[version]) keep a row without content: not a version any more.
            query = query.Where(v => v.Json != null);
        }

        if (before is { } b)
        {
            query = query.Where(v => v.Modified < b);
        }

        var rows = await query.OrderByDescending(v => v.Modified).Take(limit + 1).ToListAsync(cancellationToken);
        var withdrawn = readable.WithdrawnAt is not null;
        return ([.. rows.Take(limit).Select(v => (v, withdrawn ? null : WithRecordMarking(v.Json, readable.Record.Tlp)))], rows.Count > limit);
    }

    /// <summary>Up to <paramref name="limit"/> readable objects matching <paramref name="search"/>, after <paramref name="after"/> in the search's order.</summary>
    public async Task<(IReadOnlyList<IntelObject> Objects, bool More)> SearchAsync(Caller caller, IntelSearch search, SearchPosition? after, int limit, CancellationToken cancellationToken)
    {
        var drivingTerm = await DrivingTermAsync(search, cancellationToken);
        var rows = await SearchQuery(caller, search, after, limit, drivingTerm).ToListAsync(cancellationToken);
        return ([.. rows.Take(limit)], rows.Count > limit);
    }

    /// <summary>
    /// Text search: the typed word whose prefix range holds the fewest term rows, when that is under
    /// <see cref="TermDriveLimit"/> (each word one index range counted up to the limit, index only); null when every
    /// word is that common, and then the search walks the objects in its order and checks the words per object.
    /// </summary>
    public async Task<string?> DrivingTermAsync(IntelSearch search, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        if (search.Terms is not { Count: > 0 } terms)
        {
            return null;
        }

        string? best = null;
        var fewest = TermDriveLimit;
        foreach (var term in terms)
        {
            var (from, to) = Search.IntelText.Range(term);
            var count = await db.IntelTerms.AsNoTracking().Where(t => t.Term.CompareTo(from) >= 0 && t.Term.CompareTo(to) < 0)
                .Select(t => t.RecordId).Take(TermDriveLimit).CountAsync(cancellationToken);
            if (count < fewest)
            {
                (best, fewest) = (term, count);
            }
        }

        return best;
    }

    /// <summary>
    /// The statement of <see cref="SearchAsync"/>: up to <paramref name="limit"/> + 1 rows (the extra one tells that there are more).
    /// <paramref name="drivingTerm"/> (from <see cref="DrivingTermAsync"/>): the typed word whose term rows drive the search.
    /// </summary>
    public IQueryable<IntelObject> SearchQuery(Caller caller, IntelSearch search, SearchPosition? after, int limit, string? drivingTerm = null)
    {
        ArgumentNullException.ThrowIfNull(search);
        var query = db.IntelObjects.AsNoTracking();
        if (search.Value is { } value)
        {
            var observableIds = ObservablesMatching(ObservableKey.Of(value), search.Match, value.Trim());
            var linked = db.ObservableLinks.Where(l => observableIds.Contains(l.ObservableId)).Select(l => l.RecordId);
            query = query.Where(o => linked.Contains(o.RecordId));
        }

        if (search.Terms is { Count: > 0 } terms)
        {
            query = WithTerms(query, terms, drivingTerm);
        }

        if (search.ExcludeDecayed)
        {
            // Only indicators decay; a range on the DecaysAt index.
            var now = clock.GetUtcNow();
            query = query.Where(o => o.DecaysAt == null || o.DecaysAt > now);
        }

        if (search.Type is { } type)
        {
            query = query.Where(o => o.StixType == type);
        }

        if (search.Label is { } label)
        {
            // Driven from the label's rows (their key is (Label, RecordId)): the objects with the label, not every object tested for it.
            var labelled = db.IntelLabels.Where(l => l.Label == label).Select(l => l.RecordId);
            query = query.Where(o => labelled.Contains(o.RecordId));
        }

        // By TLP the walk goes down the envelopes' (RecordType, Tlp, Id) index, newest first (ordered by the envelope's key below).
        var byEnvelope = false;
        if (search.Tlp is { } tlp)
        {
            query = query.Where(o => o.Record.RecordType == RecordType.StixObject && o.Record.Tlp == tlp);
            byEnvelope = true;
        }

        if (search.Owner is { } owner)
        {
            query = query.Where(o => o.OwnerOrganisationId == owner);
        }

        if (search.CreatedFrom is { } cf)
        {
            query = query.Where(o => o.Created >= cf);
        }

        if (search.CreatedTo is { } ct)
        {
            query = query.Where(o => o.Created < ct);
        }

        if (search.ModifiedFrom is { } mf)
        {
            query = query.Where(o => o.Modified >= mf);
        }

        if (search.ModifiedTo is { } mt)
        {
            query = query.Where(o => o.Modified < mt);
        }

        if (search.AddedFrom is { } af)
        {
            query = query.Where(o => o.AddedAt >= af);
        }

        if (search.AddedTo is { } at)
        {
            query = query.Where(o => o.AddedAt < at);
        }

        // Last sighted: objects never sighted have no time and match no range.
        if (search.SightedFrom is { } sf)
        {
            query = query.Where(o => o.LastSightedAt >= sf);
        }

        if (search.SightedTo is { } st)
        {
            query = query.Where(o => o.LastSightedAt < st);
        }

        query = OneCopyPerId(access.Readable(query, caller), caller);
        // Every order is one of the object's (time, RecordId) indexes or the record key, walked either way; the keyset
        // condition's first conjunct is the index range (an OR alone is not one on PostgreSQL: it walked half the store).
        IQueryable<IntelObject> ordered;
        var ascending = search.Sort is IntelSort.AddedOldest or IntelSort.ModifiedOldest or IntelSort.CreatedOldest;
        if (search.Sort is IntelSort.Modified or IntelSort.ModifiedOldest)
        {
            if (after is { Time: { } m } position)
            {
                query = ascending
                    ? query.Where(o => o.Modified >= m && (o.Modified > m || o.RecordId > position.RecordId))
                    : query.Where(o => o.Modified <= m && (o.Modified < m || o.RecordId < position.RecordId));
            }

            ordered = ascending
                ? query.OrderBy(o => o.Modified).ThenBy(o => o.RecordId)
                : query.OrderByDescending(o => o.Modified).ThenByDescending(o => o.RecordId);
        }
        else if (search.Sort is IntelSort.Created or IntelSort.CreatedOldest)
        {
            if (after is { Time: { } c } position)
            {
                query = ascending
                    ? query.Where(o => o.Created >= c && (o.Created > c || o.RecordId > position.RecordId))
                    : query.Where(o => o.Created <= c && (o.Created < c || o.RecordId < position.RecordId));
            }

            ordered = ascending
                ? query.OrderBy(o => o.Created).ThenBy(o => o.RecordId)
                : query.OrderByDescending(o => o.Created).ThenByDescending(o => o.RecordId);
        }
        else if (byEnvelope)
        {
            // The same order as the record key (an object's key is its envelope's), named so the planner walks the TLP index without a sort.
            if (after is { } position)
            {
                query = ascending ? query.Where(o => o.Record.Id > position.RecordId) : query.Where(o => o.Record.Id < position.RecordId);
            }

            ordered = ascending ? query.OrderBy(o => o.Record.Id) : query.OrderByDescending(o => o.Record.Id);
        }
        else
        {
            if (after is { } position)
            {
                query = ascending ? query.Where(o => o.RecordId > position.RecordId) : query.Where(o => o.RecordId < position.RecordId);
            }

            ordered = ascending ? query.OrderBy(o => o.RecordId) : query.OrderByDescending(o => o.RecordId);
        }

        return ordered.Include(o => o.Record).Take(limit + 1);
    }

    /// <summary>
    /// Only objects whose name or description (or external id) has a word starting with each of <paramref name="terms"/>
    /// (from <see cref="Search.IntelText.QueryTerms"/>); <paramref name="drivingTerm"/> (from <see cref="DrivingTermAsync"/>)
    /// drives the search from its range of the term index.
    /// </summary>
    private IQueryable<IntelObject> WithTerms(IQueryable<IntelObject> query, IReadOnlyList<string> terms, string? drivingTerm)
    {
        // Each typed word must start a word of the name or description: a prefix range on the term key (C collation
        // on PostgreSQL). The rarest word drives — its range of the (Term, RecordId) key gives the candidates, which
        // are then sorted (at most TermDriveLimit of them) — the others are checked per candidate through
        // IX_IntelTerms_RecordId. Without a rare word the objects are walked in the search's order, as for any filter.
        var termRows = db.IntelTerms;
        foreach (var term in terms)
        {
            var (from, to) = Search.IntelText.Range(term);
            if (string.Equals(term, drivingTerm, StringComparison.Ordinal))
            {
                var candidates = termRows.Where(t => t.Term.CompareTo(from) >= 0 && t.Term.CompareTo(to) < 0).Select(t => t.RecordId);
                query = query.Where(o => candidates.Contains(o.RecordId));
            }
            else
            {
                query = query.Where(o => termRows.Any(t => t.RecordId == o.RecordId && t.Term.CompareTo(from) >= 0 && t.Term.CompareTo(to) < 0));
            }
        }

        return query;
    }

    /// <summary>Labels of the objects <paramref name="recordIds"/> (already read through the access decision).</summary>
    public async Task<ILookup<long, string>> LabelsOfAsync(IReadOnlyCollection<long> recordIds, CancellationToken cancellationToken)
    {
        var ids = recordIds.ToList();
        var rows = await db.IntelLabels.AsNoTracking().Where(l => EF.Parameter(ids).Contains(l.RecordId)).Select(l => new { l.RecordId, l.Label })
            .ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.Label, StringComparer.Ordinal).ToLookup(r => r.RecordId, r => r.Label);
    }

    // The ids of the index entries a searched value matches; every shape a range or equality on an index of Observables.
    private IQueryable<long> ObservablesMatching(ObservableKey key, ValueMatch match, string raw)
    {
        switch (match)
        {
            case ValueMatch.Network when key.RangeStart is not null && Cidr.TryParse(key.Value, out var cidr):
            {
                // Inside the range: RangeStart in [start, end] and RangeEnd ≤ end. Containing it: RangeStart is one of
                // its enclosing networks' starts and RangeEnd ≥ end. Networks are nested or disjoint, so these two are "overlapping".
                var starts = ObservableKey.EnclosingStarts(cidr);
                var parameters = new List<object> { key.RangeStart, key.RangeEnd! };
                var sql = new StringBuilder("SELECT * FROM \"Observables\" WHERE (\"RangeStart\" >= {0} AND \"RangeStart\" <= {1} AND \"RangeEnd\" <= {1}) OR (\"RangeEnd\" >= {1} AND \"RangeStart\" IN (");
                for (var i = 0; i < starts.Count; i++)
                {
                    sql.Append(i == 0 ? "" : ", ").Append('{').Append((i + 2).ToString(CultureInfo.InvariantCulture)).Append('}');
                    parameters.Add(starts[i]);
                }

                sql.Append("))");
                return db.Observables.FromSqlRaw(sql.ToString(), [.. parameters]).Select(o => o.Id);
            }

            case ValueMatch.Domain when key.ReversedDomain is { } reversed:
            {
                var (from, to) = PrefixRange(reversed);
                return db.Observables.FromSqlRaw("SELECT * FROM \"Observables\" WHERE \"ReversedDomain\" >= {0} AND \"ReversedDomain\" < {1}", from, to)
                    .Select(o => o.Id);
            }

            case ValueMatch.Prefix:
            {
                var (from, to) = PrefixRange(raw);
                var kinds = string.Join(", ", AllKinds.Select(k => ((short)k).ToString(CultureInfo.InvariantCulture)));
                // The kinds are the enum's numbers, not input; the IN list lets the (Kind, Value) index serve a range per kind.
#pragma warning disable EF1003
                return db.Observables.FromSqlRaw("SELECT * FROM \"Observables\" WHERE \"Kind\" IN (" + kinds + ") AND \"Value\" >= {0} AND \"Value\" < {1}", from, to)
                    .Select(o => o.Id);
#pragma warning restore EF1003
            }

            default:
            {
                // Exact: the recognised kind's entry; an unrecognised value is looked for under every kind.
                var value = key.Value;
                if (key.Kind == ObservableKind.Other)
                {
                    var kinds = AllKinds.ToList();
                    return db.Observables.Where(o => EF.Parameter(kinds).Contains(o.Kind) && o.Value == value).Select(o => o.Id);
                }

                var kind = key.Kind;
                return db.Observables.Where(o => o.Kind == kind && o.Value == value).Select(o => o.Id);
            }
        }
    }

    // [text, text with its last character incremented): every string starting with text, in ordinal (C collation) order.
    private static (string From, string To) PrefixRange(string text) =>
        (text, text.Length == 0 ? "\uffff" : text[..^1] + (char)(text[^1] + 1));

    /// <summary>
    /// Which of <paramref name="values"/> the caller may read in some object, and as what: set-based, one statement per
    /// batch of values of one kind — the (Kind, Value) index, the links' primary key, the object by key, and the access
    /// decision as a semi-join on the grants of each linked object. With <paramref name="networks"/> also the readable
    /// objects carrying a network that contains a looked-up address or network (<see cref="LookupMatchKind.ContainedIn"/>,
    /// see <see cref="ContainingNetworksAsync"/>).
    /// </summary>
    public async Task<IReadOnlyList<LookupMatch>> LookupAsync(Caller caller, IReadOnlyList<string> values, CancellationToken cancellationToken, bool excludeDecayed = false,
        bool networks = true)
    {
        var now = clock.GetUtcNow();
        ArgumentNullException.ThrowIfNull(values);
        var byKind = new Dictionary<ObservableKind, HashSet<string>>();
        foreach (var raw in values)
        {
            if (string.IsNullOrWhiteSpace(raw))
            {
                continue;
            }

            var key = ObservableKey.Of(raw);
            if (!byKind.TryGetValue(key.Kind, out var set))
            {
                byKind[key.Kind] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(key.Value);
        }

        var matches = new List<LookupMatch>();
        foreach (var (kind, kindValues) in byKind)
        {
            foreach (var chunk in kindValues.Chunk(Batch))
            {
                foreach (var r in await LookupQuery(caller, kind, chunk, excludeDecayed, now).ToListAsync(cancellationToken))
                {
                    var score = Search.IntelDecay.ScoreAt(r.Score, r.DecayKind, r.DecaySince, now, decayOptions?.Value);
                    matches.Add(new LookupMatch(r.Value, r.Kind, r.StixId, r.StixType, r.Tlp, r.OwnerOrganisationId, r.Revoked, score, r.DecaysAt));
                }
            }
        }

        if (networks)
        {
            await ContainingNetworksAsync(caller, byKind, ObservableKind.Ipv4, ObservableKind.Ipv4Cidr, excludeDecayed, now, matches, cancellationToken);
            await ContainingNetworksAsync(caller, byKind, ObservableKind.Ipv6, ObservableKind.Ipv6Cidr, excludeDecayed, now, matches, cancellationToken);
        }

        matches.Sort(static (x, y) => string.CompareOrdinal(x.Value, y.Value) is var c and not 0 ? c
            : x.Match.CompareTo(y.Match) is var m and not 0 ? m
            : string.CompareOrdinal(x.Network, y.Network) is var n and not 0 ? n
            : string.CompareOrdinal(x.StixId, y.StixId) is var d and not 0 ? d : x.OwnerOrganisationId.CompareTo(y.OwnerOrganisationId));
        return matches;
    }

    /// <summary>
    /// The "contained in" part of <see cref="LookupAsync"/> for one address family: the readable objects carrying a stored
    /// network (<paramref name="networkKind"/>) that contains a looked-up address (<paramref name="addressKind"/>) or a
    /// looked-up network with a longer prefix. Networks are nested or disjoint, so a containing network is the looked-up
    /// value truncated to a shorter prefix, written as the store writes it: an exact key of the (Kind, Value) index.
    /// Only prefix lengths some stored network has are tried (one statement over the family's networks in that index,
    /// <see cref="StoredPrefixLengthsAsync"/>); the candidates then go through <see cref="LookupQuery"/> in batches — the
    /// same statement, the same access decision and decay filter as the exact matches; a candidate no object carries is a
    /// missed index probe. Which prefixes exist node-wide decides only which keys are probed, never what is answered.
    /// </summary>
    private async Task ContainingNetworksAsync(Caller caller, Dictionary<ObservableKind, HashSet<string>> byKind, ObservableKind addressKind, ObservableKind networkKind,
        bool excludeDecayed, DateTimeOffset now, List<LookupMatch> matches, CancellationToken cancellationToken)
    {
        var addresses = byKind.GetValueOrDefault(addressKind);
        var queriedNetworks = byKind.GetValueOrDefault(networkKind);
        if (addresses is not { Count: > 0 } && queriedNetworks is not { Count: > 0 })
        {
            return;
        }

        var prefixes = await StoredPrefixLengthsAsync(networkKind, cancellationToken);
        if (prefixes.Count == 0)
        {
            return;
        }

        // candidate network (as stored) → the looked-up values it would contain
        var candidates = new Dictionary<string, List<(string Value, ObservableKind Kind)>>(StringComparer.Ordinal);
        void Candidates(HashSet<string>? values, ObservableKind kind)
        {
            foreach (var value in values ?? [])
            {
                if (!Cidr.TryParse(value, out var cidr))
                {
                    continue;
                }

                foreach (var p in prefixes)
                {
                    if (p >= cidr.PrefixLength)
                    {
                        break;
                    }

                    var network = cidr.Truncate(p).ToString();
                    if (!candidates.TryGetValue(network, out var contained))
                    {
                        candidates[network] = contained = [];
                    }

                    contained.Add((value, kind));
                }
            }
        }

        Candidates(addresses, addressKind);
        Candidates(queriedNetworks, networkKind);
        foreach (var chunk in candidates.Keys.Chunk(Batch))
        {
            foreach (var r in await LookupQuery(caller, networkKind, chunk, excludeDecayed, now).ToListAsync(cancellationToken))
            {
                var score = Search.IntelDecay.ScoreAt(r.Score, r.DecayKind, r.DecaySince, now, decayOptions?.Value);
                foreach (var (value, kind) in candidates[r.Value])
                {
                    matches.Add(new LookupMatch(value, kind, r.StixId, r.StixType, r.Tlp, r.OwnerOrganisationId, r.Revoked, score, r.DecaysAt, LookupMatchKind.ContainedIn, r.Value));
                }
            }
        }
    }

    /// <summary>
    /// The prefix lengths of the stored networks of <paramref name="networkKind"/>, ascending: the text after the slash of
    /// each value, read from the (Kind, Value) index (one range of it; its cost grows with the networks stored, not with the
    /// addresses). Node-wide, whoever holds them: it only chooses which keys a lookup probes.
    /// </summary>
    public async Task<IReadOnlyList<int>> StoredPrefixLengthsAsync(ObservableKind networkKind, CancellationToken cancellationToken)
    {
        var suffixes = await StoredPrefixLengthsQuery(networkKind).ToListAsync(cancellationToken);
        return [.. suffixes.Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : -1).Where(p => p >= 0).Distinct().Order()];
    }

    /// <summary>The statement of <see cref="StoredPrefixLengthsAsync"/> (for the plans in bench/).</summary>
    public IQueryable<string> StoredPrefixLengthsQuery(ObservableKind networkKind)
    {
        // A string, not a char: Npgsql writes a char constant of IndexOf as a string literal and fails.
        var slash = "/";
        return db.Observables.AsNoTracking().Where(o => o.Kind == networkKind).Select(o => o.Value.Substring(o.Value.IndexOf(slash) + 1)).Distinct();
    }

    /// <summary>
    /// One statement of <see cref="LookupAsync"/>: the readable objects carrying one of <paramref name="values"/>
    /// (normalised, all of <paramref name="kind"/>; <see cref="ObservableKind.Other"/> is looked for under every kind).
    /// One value is an equality on the index, several one array parameter (never a parameter per value).
    /// </summary>
    public IQueryable<LookupRow> LookupQuery(Caller caller, ObservableKind kind, IReadOnlyCollection<string> values, bool excludeDecayed, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(values);
        IQueryable<Observable> observables;
        var kinds = kind == ObservableKind.Other ? AllKinds.ToList() : [kind];
        if (values.Count == 1)
        {
            var single = values.First();
            observables = kind == ObservableKind.Other
                ? db.Observables.Where(o => EF.Parameter(kinds).Contains(o.Kind) && o.Value == single)
                : db.Observables.Where(o => o.Kind == kind && o.Value == single);
        }
        else
        {
            var list = values.ToList();
            observables = kind == ObservableKind.Other
                ? db.Observables.Where(o => EF.Parameter(kinds).Contains(o.Kind) && EF.Parameter(list).Contains(o.Value))
                : db.Observables.Where(o => o.Kind == kind && EF.Parameter(list).Contains(o.Value));
        }

        var candidates = db.IntelObjects.AsNoTracking().Where(o => o.WithdrawnAt == null);
        if (excludeDecayed)
        {
            candidates = candidates.Where(o => o.DecaysAt == null || o.DecaysAt > now);
        }

        return from v in observables.AsNoTracking()
               join l in db.ObservableLinks on v.Id equals l.ObservableId
               join o in access.Readable(candidates, caller) on l.RecordId equals o.RecordId
               select new LookupRow(v.Kind, v.Value, o.StixId, o.StixType, o.Record.Tlp, o.OwnerOrganisationId, o.Revoked, o.Score, o.DecayKind, o.DecaySince, o.DecaysAt);
    }

    /// <summary>
    /// The objects the caller may read that share a value with <paramref name="readable"/> (equal, network, domain,
    /// same file), after record <paramref name="after"/>, by record. Computed from the links at read time; values of
    /// the object carried by more than the threshold of objects <em>the caller may read</em> are reported as common and not expanded.
    /// </summary>
    public async Task<Correlations> CorrelationsAsync(Caller caller, IntelObject readable, long? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readable);
        var threshold = storeOptions.Value.CommonValueThreshold;
        var self = readable.RecordId;
        var own = await db.ObservableLinks.AsNoTracking().Where(l => l.RecordId == self)
            .Join(db.Observables.AsNoTracking(), l => l.ObservableId, o => o.Id, (l, o) => o).Take(MaxRelatedValues).ToListAsync(cancellationToken);
        // "Common" is decided by what this viewer may read, never by the node-wide ObjectCount: a count over
        // everyone's objects would tell an outsider, by seeding its own copies up to the threshold, that others hold a
        // value (and how many). Counting stops at threshold + 1 readable objects.
        var common = new List<CommonValue>();
        var expand = new List<Observable>();
        foreach (var o in own)
        {
            var observableId = o.Id;
            var carriers = db.ObservableLinks.Where(l => l.ObservableId == observableId).Select(l => l.RecordId);
            var readableCarriers = await access.Readable(db.IntelObjects.AsNoTracking().Where(x => carriers.Contains(x.RecordId) && x.WithdrawnAt == null), caller)
                .Select(x => x.RecordId).Take(threshold + 1).CountAsync(cancellationToken);
            if (readableCarriers > threshold)
            {
                common.Add(new CommonValue(o.Kind, o.Value));
            }
            else
            {
                expand.Add(o);
            }
        }

        // Related values (other than the object's own) count towards the cap only when an object the caller may read
        // carries them: values held by other organisations alone never crowd out what the caller may see, so the number
        // of correlations shown says nothing about what others hold (review of 2026-12-01). No bound applies before this
        // filter (until session 20 a range was cut at 20,000 values before it, so more than 20,000 values others hold
        // in a range pushed the caller's out): the walk is the range index in order, each value one semi-join on the
        // links' key and the grants (plan in docs/sharing.md), and it stops at the cap of values the caller may read.
        // What bounds the range is decided from the value alone (below): no network wider than /16 or /48, no one-label name.
        var readableRecords = access.Readable(db.IntelObjects.AsNoTracking().Where(x => x.WithdrawnAt == null), caller).Select(x => x.RecordId);
        var allLinks = db.ObservableLinks;
        IQueryable<Observable> Carried(IQueryable<Observable> values) =>
            values.Where(v => allLinks.Any(l => l.ObservableId == v.Id && l.RecordId != self && readableRecords.Contains(l.RecordId)));

        // related observable id → (how, related value, own value)
        var related = new Dictionary<long, CorrelationVia>();
        void Add(Observable o, CorrelationKind kind, Observable from)
        {
            // Related values are not judged by the node-wide count either: what they lead to is filtered by the
            // access decision and paged below.
            if (!related.ContainsKey(o.Id))
            {
                related[o.Id] = new CorrelationVia(kind, o.Value, from.Value);
            }
        }

        foreach (var o in expand)
        {
            Add(o, CorrelationKind.Equal, o);
        }

        foreach (var o in expand)
        {
            // Networks wider than /16 (IPv6 /48) are not expanded: decided by the value alone, so no answer depends on
            // what others hold, and no request walks a large part of the index (review s17 #3).
            if (o.RangeStart is not null && Cidr.TryParse(o.Value, out var network) && network.PrefixLength >= (network.IsV6 ? 48 : 16))
            {
                foreach (var n in await Carried(ObservablesMatching(ObservableKey.Of(o.Value), ValueMatch.Network, o.Value)
                             .Join(db.Observables.AsNoTracking(), id => id, x => x.Id, (id, x) => x)).Take(MaxRelatedValues).ToListAsync(cancellationToken))
                {
                    Add(n, CorrelationKind.Network, o);
                }
            }

            if (o.ReversedDomain is { } reversed)
            {
                // The host's own key (a URL's host, an address's domain), its subdomains, and its parent domains.
                var (from, to) = PrefixRange(reversed);
                var parents = ObservableKey.Parents(reversed).ToList();
                // Subdomains of a one-label name ("com") are not expanded.
                var near = reversed.Count(c => c == '.') >= 2
                    ? await Carried(db.Observables.FromSqlRaw("SELECT * FROM \"Observables\" WHERE \"ReversedDomain\" >= {0} AND \"ReversedDomain\" < {1}", from, to)
                        .AsNoTracking()).Take(MaxRelatedValues).ToListAsync(cancellationToken)
                    : [];
                near.AddRange(await Carried(db.Observables.AsNoTracking().Where(x => x.ReversedDomain != null && EF.Parameter(parents).Contains(x.ReversedDomain)))
                    .Take(MaxRelatedValues).ToListAsync(cancellationToken));
                foreach (var n in near)
                {
                    Add(n, CorrelationKind.Domain, o);
                }
            }
        }

        // Different hashes of the same file: readable file objects carrying one of our hashes link their other hashes.
        var hashIds = expand.Where(o => IsHash(o.Kind)).Select(o => o.Id).ToList();
        if (hashIds.Count > 0)
        {
            var fileLinks = db.ObservableLinks.Where(l => EF.Parameter(hashIds).Contains(l.ObservableId)).Select(l => l.RecordId);
            var files = await access.Readable(db.IntelObjects.AsNoTracking().Where(f => f.StixType == "file" && f.WithdrawnAt == null && fileLinks.Contains(f.RecordId)), caller)
                .Select(f => f.RecordId).Take(MaxRelatedValues).ToListAsync(cancellationToken);
            if (files.Count > 0)
            {
                var siblings = await db.ObservableLinks.AsNoTracking().Where(l => EF.Parameter(files).Contains(l.RecordId))
                    .Join(db.Observables.AsNoTracking(), l => l.ObservableId, o => o.Id, (l, o) => o).Take(MaxRelatedValues).ToListAsync(cancellationToken);
                var ownHash = expand.First(o => IsHash(o.Kind));
                foreach (var s in siblings.Where(s => IsHash(s.Kind)))
                {
                    Add(s, CorrelationKind.SameFile, ownHash);
                }
            }
        }

        var relatedIds = related.Keys.ToList();
        var from2 = after ?? long.MinValue;
        var linked = db.ObservableLinks.Where(l => EF.Parameter(relatedIds).Contains(l.ObservableId) && l.RecordId != self && l.RecordId > from2).Select(l => l.RecordId);
        var page = await access.Readable(db.IntelObjects.AsNoTracking().Include(o => o.Record).Where(o => linked.Contains(o.RecordId) && o.WithdrawnAt == null), caller)
            .OrderBy(o => o.RecordId).Take(limit + 1).ToListAsync(cancellationToken);
        var more = page.Count > limit;
        var pageIds = page.Take(limit).Select(o => o.RecordId).ToList();
        var via = (await db.ObservableLinks.AsNoTracking().Where(l => EF.Parameter(pageIds).Contains(l.RecordId) && EF.Parameter(relatedIds).Contains(l.ObservableId))
                .Select(l => new { l.RecordId, l.ObservableId }).ToListAsync(cancellationToken))
            .ToLookup(l => l.RecordId, l => related[l.ObservableId]);
        return new([.. page.Take(limit).Select(o => new Correlated(o, [.. via[o.RecordId].OrderBy(v => v.Kind).ThenBy(v => v.Value, StringComparer.Ordinal)]))], common, more);
    }

    private static bool IsHash(ObservableKind kind) =>
        kind is ObservableKind.Md5 or ObservableKind.Sha1 or ObservableKind.Sha256 or ObservableKind.Sha512 or ObservableKind.OtherHash;

    /// <summary>How the served JSON of an object is written when it has to be rebuilt (as the TAXII answers are).</summary>
    private static readonly JsonSerializerOptions ServedJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// <see cref="WithRecordMarking"/> as JSON text, without a DOM round trip when the stored object already carries
    /// exactly what it would get — its record's TLP marking first, no other TLP marking, no reference twice — which is
    /// every object stored since its last re-share (the TAXII pages of 1,000 objects spent a fifth of their time
    /// parsing and re-writing objects that did not change). Otherwise the object is rebuilt by <see cref="WithRecordMarking"/>.
    /// </summary>
    public static string? MarkedJson(string? json, Tlp tlp)
    {
        if (json is null)
        {
            return null;
        }

        return CarriesExactly(json, tlp.StixMarkingId()) ? json : WithRecordMarking(json, tlp)?.ToJsonString(ServedJson);
    }

    /// <summary>Whether <paramref name="json"/> is an object whose <c>object_marking_refs</c> starts with <paramref name="marking"/>, names no other TLP marking and no reference twice.</summary>
    private static bool CarriesExactly(string json, string marking)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var found = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("object_marking_refs"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                if (found || !reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                {
                    return false;
                }

                found = true;
                var refs = new List<string>(2);
                while (reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    var value = reader.GetString()!;
                    if (refs.Count == 0 ? value != marking : TlpMarking.TryFromStixMarkingId(value, out _) || refs.Contains(value, StringComparer.Ordinal))
                    {
                        return false;
                    }

                    refs.Add(value);
                }

                if (reader.TokenType != JsonTokenType.EndArray || refs.Count == 0)
                {
                    return false;
                }
            }

            return found && reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == 0 && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The object as stored, carrying its record's TLP marking (the record's TLP is the access decision; a TLP
    /// marking of the stored JSON that differs — from before a re-share — is replaced; other markings stay).
    /// </summary>
    public static JsonObject? WithRecordMarking(string? json, Tlp tlp)
    {
        if (json is null || JsonNode.Parse(json) is not JsonObject node)
        {
            return null;
        }

        var kept = new List<string> { tlp.StixMarkingId() };
        if (node["object_marking_refs"] is JsonArray refs)
        {
            kept.AddRange(refs.Select(r => r is JsonValue v && v.TryGetValue<string>(out var s) ? s : null)
                .Where(s => s is not null && !TlpMarking.TryFromStixMarkingId(s, out _))!);
        }

        node["object_marking_refs"] = new JsonArray([.. kept.Distinct(StringComparer.Ordinal).Select(k => (JsonNode)JsonValue.Create(k))]);
        return node;
    }
}
