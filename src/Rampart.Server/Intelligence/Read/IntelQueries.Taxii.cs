using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;

namespace Rampart.Server.Intelligence.Read;

/// <summary>What a TAXII collection holds (every list empty: no restriction; lists combine with AND, entries with OR).</summary>
public sealed record TaxiiObjectFilter(
    IReadOnlyList<Tlp> Tlps,
    IReadOnlyList<string> Types,
    IReadOnlyList<string> Labels,
    IReadOnlyList<Guid> Owners,
    IReadOnlyList<Guid> AudienceTokens)
{
    public static TaxiiObjectFilter None { get; } = new([], [], [], [], []);

    /// <summary>
    /// Leave out records that came to this node by a pull of a remote TAXII server (the TAXII client's push: what an
    /// organisation pulled from one partner is that partner's, not the organisation's to send to another, or back).
    /// </summary>
    public bool WithoutPulled { get; init; }
}

/// <summary>
/// The TAXII request filters: <c>added_after</c>, <c>match[id]</c>, <c>match[type]</c>, <c>match[version]</c>
/// (<c>last</c>, <c>first</c>, <c>all</c> and timestamps, combined with OR) and whether <c>match[spec_version]</c> admits 2.1.
/// </summary>
public sealed record TaxiiMatch(
    DateTimeOffset? AddedAfter = null,
    IReadOnlyList<string>? Ids = null,
    IReadOnlyList<string>? Types = null,
    bool Last = true,
    bool First = false,
    bool All = false,
    IReadOnlyList<DateTimeOffset>? Versions = null,
    bool SpecVersionMatches = true);

/// <summary>Keyset position in a collection: date added, record, version — unique per stored version.</summary>
public readonly record struct TaxiiPosition(DateTimeOffset DateAdded, long RecordId, DateTimeOffset Modified);

/// <summary>
/// One stored version as TAXII serves it: <paramref name="Json"/> is the object's JSON text carrying the record's TLP
/// marking (<see cref="IntelQueries.MarkedJson"/>), written into envelopes as it is; null when not asked for.
/// </summary>
public sealed record TaxiiVersion(long RecordId, string StixId, string StixType, DateTimeOffset Modified, DateTimeOffset DateAdded, Tlp Tlp, string? Json)
{
    public TaxiiPosition Position => new(DateAdded, RecordId, Modified);
}

public sealed partial class IntelQueries
{
    /// <summary>The stored <c>modified</c> of objects without timestamps (cyber observables): TAXII versions them by <c>date_added</c>.</summary>
    public static readonly DateTimeOffset NoVersion = DateTimeOffset.UnixEpoch;

    /// <summary>
    /// The instant before which every stored version is committed: the start of the oldest import still running
    /// (its batches may commit later with earlier <c>date_added</c> than rows already visible), and now minus
    /// <paramref name="clockAllowance"/> (app servers' clocks differ; a revoke writes outside a job). Serving only
    /// versions added before it is what keeps <c>added_after</c> polling and <c>next</c> paging free of gaps.
    /// </summary>
    public async Task<DateTimeOffset> TaxiiSettledBeforeAsync(TimeSpan clockAllowance, CancellationToken cancellationToken)
    {
        // Now first: a job whose row is not yet visible below starts (and adds) after this instant.
        var horizon = clock.GetUtcNow() - clockAllowance + TimeSpan.FromTicks(1);
        var oldestRunning = await db.IntelImportJobs.AsNoTracking().Where(j => j.Status == IntelImportStatus.Running)
            .OrderBy(j => j.StartedAt).Select(j => (DateTimeOffset?)j.StartedAt).FirstOrDefaultAsync(cancellationToken);
        return oldestRunning is { } started && started < horizon ? started : horizon;
    }

    /// <summary>
    /// Versions of the objects in a TAXII collection that the caller may read, in (date added, record, version) order
    /// after <paramref name="after"/>, added before <paramref name="settledBefore"/>: the collection's filter, the request's
    /// match filters and the access decision, one index walk on (DateAdded, RecordId). Withdrawn content is never served.
    /// </summary>
    public async Task<(IReadOnlyList<TaxiiVersion> Rows, bool More)> TaxiiVersionsAsync(
        Caller caller, TaxiiObjectFilter filter, TaxiiMatch match, TaxiiPosition? after, DateTimeOffset settledBefore, int limit, bool withJson, CancellationToken cancellationToken,
        bool withSightings = true)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(match);
        if (!match.SpecVersionMatches || match.Ids is { Count: 0 } || match.Types is { Count: 0 })
        {
            return ([], false);
        }

        var (objects, sighted) = TaxiiViews(caller, filter, match);
        var (found, more) = await TaxiiObjectVersionsAsync(objects, match, after, settledBefore, limit, withJson, cancellationToken);
        if (!withSightings || !ServesSightings(filter, match))
        {
            return (found, more);
        }

        // Reported sightings (their own records, one version each) in the same (date added, record, version) order: the
        // first limit + 1 of each walk after the position hold the first limit + 1 of both together.
        var sightings = await TaxiiSightingsAsync(caller, sighted, filter, match, after, settledBefore, limit, withJson, cancellationToken);
        if (sightings.Count == 0)
        {
            return (found, more);
        }

        var merged = found.Concat(sightings).OrderBy(v => v.DateAdded).ThenBy(v => v.RecordId).ThenBy(v => v.Modified).ToList();
        // A walk that stopped at limit + 1 had more beyond what was merged.
        return ([.. merged.Take(limit)], merged.Count > limit || more);
    }

    /// <summary>Whether a collection and a request admit the type <c>sighting</c> (no type filter, or one naming it).</summary>
    private static bool ServesSightings(TaxiiObjectFilter filter, TaxiiMatch match) =>
        (filter.Types.Count == 0 || filter.Types.Contains("sighting"))
        && (match.Types is null || match.Types.Contains("sighting"));

    /// <summary>
    /// The objects a collection serves the caller (collection filter, request's ids and types, access decision, one copy
    /// per id), and the objects whose sightings it serves: the same view without the type filters (they apply to the type
    /// served, <c>sighting</c>) and the TLP filter (it applies to the sighting's own record) — the access decision and the
    /// one copy per id still apply to the sighted object, as in the exports.
    /// </summary>
    private (IQueryable<IntelObject> Objects, IQueryable<IntelObject> Sighted) TaxiiViews(Caller caller, TaxiiObjectFilter filter, TaxiiMatch match)
    {
        var objects = db.IntelObjects.AsNoTracking().Where(o => o.WithdrawnAt == null);
        if (filter.Labels.Count > 0)
        {
            var labels = filter.Labels.ToList();
            var labelRows = db.IntelLabels;
            objects = objects.Where(o => labelRows.Any(l => labels.Contains(l.Label) && l.RecordId == o.RecordId));
        }

        if (filter.Owners.Count > 0)
        {
            var owners = filter.Owners.ToList();
            objects = objects.Where(o => owners.Contains(o.OwnerOrganisationId));
        }

        if (filter.WithoutPulled)
        {
            var changes = db.IntelChanges;
            // Judged by how the record came to be, not by a later version: a partner serving one of our ids with a newer
            // version must not take our own object out of our pushes (review s17 #4).
            objects = objects.Where(o => !changes.Any(c => c.RecordId == o.RecordId && c.Kind == IntelChangeKind.Added && c.Via == IntelChangeVia.TaxiiPull));
        }

        if (filter.AudienceTokens.Count > 0)
        {
            // Shared with one of these grantees (descriptive: who reads is still decided below, by the caller's tokens).
            var tokens = filter.AudienceTokens.ToList();
            var grants = db.AccessGrants;
            objects = objects.Where(o => grants.Any(g => g.RecordType == RecordType.StixObject && g.RecordId == o.RecordId && tokens.Contains(g.GranteeId)));
        }

        var sighted = OneCopyPerId(access.Readable(objects, caller), caller);
        if (filter.Tlps.Count > 0)
        {
            var tlps = filter.Tlps.ToList();
            objects = objects.Where(o => tlps.Contains(o.Record.Tlp));
        }

        if (filter.Types.Count > 0)
        {
            var types = filter.Types.ToList();
            objects = objects.Where(o => types.Contains(o.StixType));
        }

        if (match.Ids is { Count: > 0 } ids)
        {
            var idList = ids.ToList();
            objects = objects.Where(o => idList.Contains(o.StixId));
        }

        if (match.Types is { Count: > 0 } matchTypes)
        {
            var typeList = matchTypes.ToList();
            objects = objects.Where(o => typeList.Contains(o.StixType));
        }

        // One copy per id (review F4): of the copies the caller may read — in or out of this collection — only the one
        // OneCopyPerId serves; a collection serves that copy when it is in its view, and nothing for the id otherwise.
        return (OneCopyPerId(access.Readable(objects, caller), caller), sighted);
    }

    private async Task<(IReadOnlyList<TaxiiVersion> Rows, bool More)> TaxiiObjectVersionsAsync(
        IQueryable<IntelObject> objects, TaxiiMatch match, TaxiiPosition? after, DateTimeOffset settledBefore, int limit, bool withJson, CancellationToken cancellationToken)
    {
        var versions = db.IntelObjectVersions.AsNoTracking().Where(v => v.Json != null && v.DateAdded < settledBefore);
        if (match.AddedAfter is { } addedAfter)
        {
            versions = versions.Where(v => v.DateAdded > addedAfter);
        }

        if (match.Ids is { Count: > 0 })
        {
            // By id: the records the view serves for these ids first (the StixId index, at most one copy per id), then only
            // their versions (the primary key) — an id the caller cannot see, or that does not exist, no longer walks the
            // whole (DateAdded, RecordId) index chunk by chunk to find nothing.
            var records = await objects.Select(o => o.RecordId).ToListAsync(cancellationToken);
            if (records.Count == 0)
            {
                return ([], false);
            }

            versions = versions.Where(v => records.Contains(v.RecordId));
        }

        // The walk goes chunk by chunk over the (DateAdded, RecordId) index: each statement joins only a bounded range of
        // versions (LIMIT inside, then the filters and the access decision). One statement over the whole join let
        // PostgreSQL misjudge the "last version" test (v.Modified = o.Modified, two columns: estimated one row) and hash-join
        // every readable object and sort them for each page — 56 s a page over 1,000,000 objects (bench/README.md).
        var chunkSize = Math.Max(2 * (limit + 1), 1000);
        var found = new List<TaxiiVersion>(limit + 1);
        var from = after;
        while (true)
        {
            var range = versions;
            if (from is { } f)
            {
                var (d, r, m) = (f.DateAdded, f.RecordId, f.Modified);
                range = range.Where(v => v.DateAdded >= d && (v.DateAdded > d || v.RecordId > r || (v.RecordId == r && v.Modified > m)));
            }

            var ordered = range.OrderBy(v => v.DateAdded).ThenBy(v => v.RecordId).ThenBy(v => v.Modified);
            var joined = ordered.Take(chunkSize).Join(objects, v => v.RecordId, o => o.RecordId, (v, o) => new { V = v, O = o });
            if (!match.All)
            {
                var last = match.Last;
                var first = match.First;
                var stamps = (match.Versions ?? []).ToList();
                var hasStamps = stamps.Count > 0;
                // The first version that has content: a version its owner deleted is no longer any version of the object.
                var allVersions = db.IntelObjectVersions;
                joined = joined.Where(x =>
                    (last && x.V.Modified == x.O.Modified)
                    || (first && x.V.Modified == allVersions.Where(a => a.RecordId == x.V.RecordId && a.Json != null).Min(a => a.Modified))
                    || (hasStamps && stamps.Contains(x.V.Modified))
                    || (hasStamps && x.V.Modified == NoVersion && stamps.Contains(x.V.DateAdded)));
            }

            var want = limit + 1 - found.Count;
            var rows = await joined.OrderBy(x => x.V.DateAdded).ThenBy(x => x.V.RecordId).ThenBy(x => x.V.Modified).Take(want)
                .Select(x => new { x.V.RecordId, x.O.StixId, x.O.StixType, x.V.Modified, x.V.DateAdded, x.O.Record.Tlp, Json = withJson ? x.V.Json : null })
                .ToListAsync(cancellationToken);
            found.AddRange(rows.Select(x => new TaxiiVersion(x.RecordId, x.StixId, x.StixType, x.Modified, x.DateAdded, x.Tlp,
                withJson ? MarkedJson(x.Json, x.Tlp) : null)));
            if (found.Count > limit)
            {
                break;
            }

            // The chunk's last version: the next chunk starts after it; none means the walk reached the end.
            var end = await ordered.Skip(chunkSize - 1).Select(v => new { v.DateAdded, v.RecordId, v.Modified }).FirstOrDefaultAsync(cancellationToken);
            if (end is null)
            {
                break;
            }

            from = new TaxiiPosition(end.DateAdded, end.RecordId, end.Modified);
        }

        return ([.. found.Take(limit)], found.Count > limit);
    }

    /// <summary>
    /// The reported sightings a TAXII read serves after <paramref name="after"/>, up to <paramref name="limit"/> + 1 in
    /// (date added, record) order: the sightings the caller may itself read (the sighting's own sharing, through the access
    /// decision) of objects in <paramref name="sighted"/> — the rule of the STIX export (<see cref="Sightings.IntelSightings.ReadableOfAsync"/>),
    /// here in the database. Walked chunk by chunk on the (DateAdded, RecordId) index like the objects.
    /// </summary>
    private async Task<List<TaxiiVersion>> TaxiiSightingsAsync(
        Caller caller, IQueryable<IntelObject> sighted, TaxiiObjectFilter filter, TaxiiMatch match, TaxiiPosition? after, DateTimeOffset settledBefore, int limit, bool withJson, CancellationToken cancellationToken)
    {
        var all = db.IntelSightings.AsNoTracking().Where(s => s.DateAdded < settledBefore);
        if (match.AddedAfter is { } addedAfter)
        {
            all = all.Where(s => s.DateAdded > addedAfter);
        }

        // One version each (created = modified): every version filter but a timestamp admits it; a timestamp must be it.
        var stamps = (match.Versions ?? []).ToList();
        var anyVersion = match.All || match.Last || match.First;
        if (!anyVersion)
        {
            if (stamps.Count == 0)
            {
                return [];
            }

            all = all.Where(s => stamps.Contains(s.CreatedAt));
        }

        var readable = access.Readable(db.IntelSightings.AsNoTracking(), caller).Where(s => sighted.Any(o => o.RecordId == s.SightedRecordId));
        if (filter.Tlps.Count > 0)
        {
            var tlps = filter.Tlps.ToList();
            readable = readable.Where(s => tlps.Contains(s.Record.Tlp));
        }

        var select = (IQueryable<Sightings.IntelSighting> q, int take) => q.OrderBy(s => s.DateAdded).ThenBy(s => s.RecordId).Take(take)
            .Select(s => new { s.RecordId, s.StixId, s.CreatedAt, s.DateAdded, s.Record.Tlp, s.Anonymous, Json = withJson ? s.Json : null });
        var found = new List<TaxiiVersion>(limit + 1);
        if (match.Ids is { Count: > 0 } ids)
        {
            // By id (the StixId index): no walk.
            var idList = ids.ToList();
            var range = all.Where(s => idList.Contains(s.StixId));
            if (after is { } a)
            {
                var (d, r) = (a.DateAdded, a.RecordId);
                range = range.Where(s => s.DateAdded > d || (s.DateAdded == d && s.RecordId > r));
            }

            var byId = range.Select(s => s.RecordId);
            var rows = await select(readable.Where(s => byId.Contains(s.RecordId)), limit + 1).ToListAsync(cancellationToken);
            return [.. rows.Select(x => Version(x.RecordId, x.StixId, x.CreatedAt, x.DateAdded, x.Tlp, x.Anonymous, x.Json))];
        }

        var chunkSize = Math.Max(2 * (limit + 1), 1000);
        var from = after;
        while (true)
        {
            var range = all;
            if (from is { } f)
            {
                var (d, r) = (f.DateAdded, f.RecordId);
                range = range.Where(s => s.DateAdded > d || (s.DateAdded == d && s.RecordId > r));
            }

            var ordered = range.OrderBy(s => s.DateAdded).ThenBy(s => s.RecordId);
            var chunk = ordered.Take(chunkSize).Select(s => s.RecordId);
            var rows = await select(readable.Where(s => chunk.Contains(s.RecordId)), limit + 1 - found.Count).ToListAsync(cancellationToken);
            found.AddRange(rows.Select(x => Version(x.RecordId, x.StixId, x.CreatedAt, x.DateAdded, x.Tlp, x.Anonymous, x.Json)));
            if (found.Count > limit)
            {
                return found;
            }

            var end = await ordered.Skip(chunkSize - 1).Select(s => new { s.DateAdded, s.RecordId }).FirstOrDefaultAsync(cancellationToken);
            if (end is null)
            {
                return found;
            }

            from = new TaxiiPosition(end.DateAdded, end.RecordId, end.DateAdded);
        }
    }

    private static TaxiiVersion Version(long recordId, string stixId, DateTimeOffset created, DateTimeOffset dateAdded, Tlp tlp, bool anonymous, string? json) =>
        new(recordId, stixId, "sighting", created, dateAdded, tlp, json is null ? null : Sightings.IntelSightings.StixOf(json, anonymous, tlp).ToJsonString(ServedJson));
}
