using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Search;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Intelligence;
using Rampart.Standards.Intelligence.Exports;
using Rampart.Standards.Markings;

namespace Rampart.Server.Intelligence.Exports;

/// <summary>One value of a value export as the database returns it (one row per object × value).</summary>
public sealed record ExportedValueRow(long RecordId, string StixId, Tlp Tlp, ObservableKind Kind, string Value, Guid OwnerOrganisationId,
    DateTimeOffset Modified, DateTimeOffset UpdatedAt, string Name, double? Score, Rampart.Standards.Observables.IndicatorKind? DecayKind, DateTimeOffset? DecaySince, DateTimeOffset? DecaysAt);

/// <summary>One value of a plain-list, RPZ or Suricata export as the database returns it (read by column name, see <c>IntelExports.KeysAsync</c>).</summary>
public sealed record ExportedValueKey(long RecordId, string StixId, Tlp Tlp, ObservableKind Kind, string Value);

/// <summary>One exported object of a STIX export: its current version as stored and its record's TLP.</summary>
public sealed record ExportedObject(long RecordId, Tlp Tlp, string Json);

/// <summary>
/// The only reader of the store for exports. Walks the caller's readable objects newest first in batches
/// (<see cref="AccessPolicy.ReadableIdsAsync"/>: per caller token one range of the grants' key), applies the
/// filter to each batch with one query, and yields rows as they come: memory holds one batch, never the export.
/// </summary>
public sealed class IntelExports(RampartDb db, AccessPolicy access, Read.IntelQueries queries, Microsoft.Extensions.Options.IOptions<IntelDecayOptions>? decayOptions = null,
    Microsoft.Extensions.Options.IOptions<IntelOptions>? storeOptions = null)
{
    private int Step => Math.Max(10, storeOptions?.Value.ExportStep ?? BatchSize);

    /// <summary>Records per walk step: one id page per caller token, then one query for the batch's values.</summary>
    public const int BatchSize = 10_000;

    /// <summary>
    /// The most restrictive TLP among the objects the filter would export to <paramref name="caller"/>: for each
    /// level from RED down, one "does any readable object of this level pass the filter" query (it stops at the
    /// first hit). Computed before the walk, so it may over-state (a value later dropped as decayed), never under-state.
    /// </summary>
    public async Task<Tlp> MostRestrictiveAsync(Caller caller, IntelExportFilter filter, bool valuesOnly, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var top = filter.TlpCeiling ?? Tlp.Red;
        for (var level = top; level > Tlp.Clear; level--)
        {
            var at = level;
            // The record type names the envelopes' (RecordType, Tlp, Id) index: a seek per level, not a walk of every object.
            if (await queries.OneCopyPerId(access.Readable(Filtered(filter, valuesOnly), caller), caller).AnyAsync(o => o.Record.RecordType == RecordType.StixObject && o.Record.Tlp == at, cancellationToken))
            {
                return level;
            }
        }

        return Tlp.Clear;
    }

    /// <summary>
    /// An entity tag of what <paramref name="caller"/> would get: the latest change (outbox sequence) of an object
    /// they may read, the latest change of what their tokens reach (<see cref="AccessPolicy.ReachChangedAsync"/>: an
    /// object they may no longer read after a narrowing or a raised TLP, or may read after a widening), their access
    /// tokens, the format, the filter and the hour (decay moves with time). A firewall polling every five minutes gets
    /// 304 from a few index walks until something it may see changes.
    /// </summary>
    public async Task<string> EntityTagAsync(Caller caller, IntelExportFormat format, IntelExportFilter filter, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(filter);
        var readable = access.Readable(db.IntelObjects.AsNoTracking(), caller);
        var latest = await db.IntelChanges.AsNoTracking()
            .OrderByDescending(c => c.Sequence)
            .Where(c => readable.Any(o => o.RecordId == c.RecordId))
            .Select(c => c.Sequence)
            .FirstOrDefaultAsync(cancellationToken);
        var reach = await access.ReachChangedAsync(caller, RecordType.StixObject, cancellationToken);
        var tokens = string.Join(',', AccessTokens.Of(caller).Select(t => $"{t.Token:N}:{(int)t.Ceiling.MaxTlp}:{t.Ceiling.RequiresPublished}").Order(StringComparer.Ordinal));
        var text = $"rampart-export-v2\n{format}\n{filter.Describe()}\n{tokens}\n{latest}\n{reach}\n{now.ToUnixTimeSeconds() / 3600}";
        return "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16)) + "\"";
    }

    /// <summary>The values of <paramref name="format"/> that <paramref name="caller"/> may read, through the filter, newest object first.</summary>
    public async IAsyncEnumerable<ExportItem> ValuesAsync(Caller caller, IntelExportFormat format, IntelExportFilter filter, DateTimeOffset now,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var kinds = IntelExportFormats.Kinds(format).ToList();
        var withLabels = format is IntelExportFormat.Csv or IntelExportFormat.Misp;
        var owners = withLabels
            ? await db.Organisations.AsNoTracking().Select(o => new { o.Id, o.ShortName }).ToDictionaryAsync(o => o.Id, o => o.ShortName, cancellationToken)
            : [];
        var seen = new HashSet<(ObservableKind, string)>();
        // Plain lists, RPZ and Suricata carry no score: the decay score is computed only for the formats that print it.
        var withScore = format is IntelExportFormat.Csv or IntelExportFormat.Misp;
        if (!withLabels && !withScore)
        {
            await foreach (var item in KeysAsync(caller, filter, kinds, now, cancellationToken))
            {
                yield return item;
            }

            yield break;
        }

        long? top = null;
        await foreach (var ids in BatchesAsync(caller, cancellationToken))
        {
            top ??= ids[0];
            var labels = withLabels ? await LabelsAsync(ids, cancellationToken) : null;
            var details = withLabels ? await DetailsAsync(ids, cancellationToken) : null;
            // MISP attributes carry the sightings the caller may read by their own sharing; anonymous ones name nobody.
            var sightings = format == IntelExportFormat.Misp
                ? (await Sightings.IntelSightings.ReadableOfAsync(db, access, caller, ids, cancellationToken))
                    .GroupBy(s => s.SightedRecordId)
                    .ToDictionary(g => g.Key, g => (IReadOnlyList<ExportSighting>)[.. g.Select(s => new ExportSighting(s.StixId, s.Count, s.FirstSeen, s.LastSeen, s.Where,
                        s.SightedBy is { } by ? owners.GetValueOrDefault(by) ?? by.ToString() : null))])
                : null;
            // Two objects carrying one value (two teams reporting the same address) give one line per batch.
            seen.Clear();
            // Streamed row by row (one step's reader open, nothing collected): the step's ids go to the database as
            // one array parameter, not as one parameter per id (10,000 bound parameters cost more than the query).
            await foreach (var row in ValuesStep(caller, filter, kinds, ids, now, top.Value).AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                // Decayed: the indicator's DecaysAt column has passed (the same test as search and lookup; other objects do not
                // decay). Tested before the value counts as written: a decayed copy must not hide a live one of the same value.
                if (!filter.IncludeDecayed && row.DecaysAt <= now)
                {
                    continue;
                }

                if (IntelExportFormats.IndicatorKindOf(row.Kind) is not { } kind || !seen.Add((row.Kind, row.Value)))
                {
                    continue;
                }

                var (validFrom, validUntil, description) = details is not null && details.TryGetValue(row.RecordId, out var d) ? d : default;
                double? score = withScore
                    ? Math.Round(IntelDecay.ScoreAt(row.Score, row.DecayKind, row.DecaySince, now, decayOptions?.Value)
                        ?? Decay.Score(IntelDecay.Model(kind, decayOptions?.Value).BaseScore, Since(row.Modified, row.UpdatedAt), now, IntelDecay.Model(kind, decayOptions?.Value)), 2)
                    : null;
                yield return new ExportItem(kind, row.Value, row.Tlp, row.StixId)
                {
                    ValidFrom = validFrom,
                    ValidUntil = validUntil,
                    Labels = labels is not null && labels.TryGetValue(row.RecordId, out var l) ? l : [],
                    Score = score,
                    Modified = row.Modified > DateTimeOffset.UnixEpoch ? row.Modified : row.UpdatedAt,
                    Owner = owners.GetValueOrDefault(row.OwnerOrganisationId),
                    Description = description ?? (withLabels && row.Name != row.Value ? row.Name : null),
                    Sightings = sightings is not null && sightings.TryGetValue(row.RecordId, out var sighted) ? sighted : [],
                };
            }
        }
    }

    /// <summary>
    /// One walk step of a value export: the values of <paramref name="kinds"/> carried by the objects <paramref name="ids"/>
    /// (already admitted by the access decision, newest first) that pass the filter; by object newest first, then by value.
    /// </summary>
    public IQueryable<ExportedValueRow> ValuesStep(Caller caller, IntelExportFilter filter, IReadOnlyList<ObservableKind> kinds, IReadOnlyList<long> ids, DateTimeOffset now, long top)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(ids);
        var idList = ids as List<long> ?? [.. ids];
        var kindList = kinds as List<ObservableKind> ?? [.. kinds];
        var newest = idList[0];
        var oldest = idList[^1];
        // One copy per STIX id (IntelQueries.OneCopyPerId): another organisation's copy of an id never stands in for the served one.
        var earlier = EarlierLinks(caller, filter, newest, top, filter.IncludeDecayed ? null : now);
        return from o in queries.OneCopyPerId(Filtered(filter, valuesOnly: true).Where(o => o.RecordId <= newest && o.RecordId >= oldest && EF.Parameter(idList).Contains(o.RecordId)), caller)
               join l in db.ObservableLinks on o.RecordId equals l.RecordId
               join v in db.Observables on l.ObservableId equals v.Id
               where EF.Parameter(kindList).Contains(v.Kind)
                     && (v.ObjectCount < 2 || !earlier.Any(e => e.ObservableId == v.Id))
               orderby o.RecordId descending, v.Id
               select new ExportedValueRow(o.RecordId, o.StixId, o.Record.Tlp, v.Kind, v.Value, o.OwnerOrganisationId, o.Modified, o.UpdatedAt, o.Name, o.Score, o.DecayKind, o.DecaySince, o.DecaysAt);
    }

    /// <summary>
    /// The formats that print only value, kind, TLP and STIX id (plain lists, RPZ, Suricata): the same walk and step
    /// statement as <see cref="ValuesAsync"/> with the decay test in the statement and only those four columns, read
    /// straight from the data reader (EF's row shaper was a fifth of the export's time at 1,000,000 values).
    /// </summary>
    private async IAsyncEnumerable<ExportItem> KeysAsync(Caller caller, IntelExportFilter filter, IReadOnlyList<ObservableKind> kinds, DateTimeOffset now,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seen = new HashSet<(ObservableKind, string)>();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            long? top = null;
            await foreach (var ids in BatchesAsync(caller, cancellationToken))
            {
                seen.Clear();
                top ??= ids[0];
                await using var command = KeysStep(caller, filter, kinds, ids, now, top.Value).CreateDbCommand();
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                int stixIdAt = reader.GetOrdinal(nameof(ExportedValueKey.StixId)), tlpAt = reader.GetOrdinal(nameof(ExportedValueKey.Tlp)),
                    kindAt = reader.GetOrdinal(nameof(ExportedValueKey.Kind)), valueAt = reader.GetOrdinal(nameof(ExportedValueKey.Value));
                while (await reader.ReadAsync(cancellationToken))
                {
                    var valueKind = (ObservableKind)reader.GetInt32(kindAt);
                    var value = reader.GetString(valueAt);
                    if (IntelExportFormats.IndicatorKindOf(valueKind) is not { } kind || !seen.Add((valueKind, value)))
                    {
                        continue;
                    }

                    yield return new ExportItem(kind, value, (Tlp)reader.GetInt32(tlpAt), reader.GetString(stixIdAt));
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// One walk step of <see cref="KeysAsync"/>: <see cref="ValuesStep"/>'s statement with the decay test (unless the filter
    /// includes decayed values) and only the columns a plain list, RPZ zone or Suricata rule prints.
    /// </summary>
    public IQueryable<ExportedValueKey> KeysStep(Caller caller, IntelExportFilter filter, IReadOnlyList<ObservableKind> kinds, IReadOnlyList<long> ids, DateTimeOffset now, long top)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(ids);
        var idList = ids as List<long> ?? [.. ids];
        var kindList = kinds as List<ObservableKind> ?? [.. kinds];
        var newest = idList[0];
        var oldest = idList[^1];
        var objects = queries.OneCopyPerId(Filtered(filter, valuesOnly: true).Where(o => o.RecordId <= newest && o.RecordId >= oldest && EF.Parameter(idList).Contains(o.RecordId)), caller);
        if (!filter.IncludeDecayed)
        {
            // Decayed: the indicator's DecaysAt has passed (the same test as search and lookup; other objects do not decay).
            objects = objects.Where(o => o.DecaysAt == null || o.DecaysAt > now);
        }

        var earlier = EarlierLinks(caller, filter, newest, top, filter.IncludeDecayed ? null : now);
        return from o in objects
               join l in db.ObservableLinks on o.RecordId equals l.RecordId
               join v in db.Observables on l.ObservableId equals v.Id
               where EF.Parameter(kindList).Contains(v.Kind)
                     && (v.ObjectCount < 2 || !earlier.Any(e => e.ObservableId == v.Id))
               orderby o.RecordId descending, v.Id
               select new ExportedValueKey(o.RecordId, o.StixId, o.Record.Tlp, v.Kind, v.Value);
    }

    /// <summary>
    /// The value links of the objects an earlier walk step exported (newer than <paramref name="newest"/>, not newer than the
    /// walk's first id <paramref name="top"/>, readable by the
    /// caller, through the filter, the one served copy per id, not decayed at <paramref name="decayedAt"/> when given): a
    /// value one of them carries was written already, so one value is one line across the whole export, not only within a
    /// step. Asked only for values the observable index says more than one object carries (its <c>ObjectCount</c>), so the
    /// common case of a value held once costs nothing more; nothing is kept in memory between steps.
    /// </summary>
    private IQueryable<ObservableLink> EarlierLinks(Caller caller, IntelExportFilter filter, long newest, long top, DateTimeOffset? decayedAt)
    {
        // Up to the walk's first id (<paramref name="top"/>): a record added during the export was never walked, so it must
        // not stand for an older copy of its value (review s17 #6).
        var objects = queries.OneCopyPerId(access.Readable(Filtered(filter, valuesOnly: true).Where(o => o.RecordId > newest && o.RecordId <= top), caller), caller);
        if (decayedAt is { } at)
        {
            objects = objects.Where(o => o.DecaysAt == null || o.DecaysAt > at);
        }

        return db.ObservableLinks.Where(l => objects.Any(o => o.RecordId == l.RecordId));
    }

    /// <summary>The current versions of the objects <paramref name="caller"/> may read, through the filter, newest first.</summary>
    public async IAsyncEnumerable<ExportedObject> ObjectsAsync(Caller caller, IntelExportFilter filter, DateTimeOffset now,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        // STIX batches hold whole objects: smaller steps keep the memory of one batch small.
        await foreach (var ids in BatchesAsync(caller, cancellationToken, Math.Max(1, Step / 10)))
        {
            var newest = ids[0];
            var oldest = ids[^1];
            var idList = ids as List<long> ?? [.. ids];
            var rows = await (
                    from o in queries.OneCopyPerId(Filtered(filter, valuesOnly: false).Where(o => o.RecordId <= newest && o.RecordId >= oldest && EF.Parameter(idList).Contains(o.RecordId)), caller)
                    join v in db.IntelObjectVersions on new { o.RecordId, o.Modified } equals new { v.RecordId, v.Modified }
                    where v.Json != null
                    orderby o.RecordId descending
                    select new { o.RecordId, o.Record.Tlp, o.StixType, o.Modified, o.UpdatedAt, o.Revoked, o.DecaysAt, v.Json })
                .ToListAsync(cancellationToken);
            var exported = new List<long>(rows.Count);
            foreach (var row in rows)
            {
                // Decay concerns indicators; a revoked object is exported so that its revocation reaches the consumer.
                if (!filter.IncludeDecayed && !row.Revoked && row.DecaysAt <= now)
                {
                    continue;
                }

                exported.Add(row.RecordId);
                yield return new ExportedObject(row.RecordId, row.Tlp, row.Json!);
            }

            // The STIX sightings of the exported objects that the caller may read by the sighting's own sharing
            // (an outsider's report shared only with the owner reaches the owner's export, nobody else's).
            foreach (var sighting in await Sightings.IntelSightings.ReadableOfAsync(db, access, caller, exported, cancellationToken))
            {
                yield return new ExportedObject(sighting.RecordId, sighting.Tlp, sighting.Json);
            }
        }
    }

    /// <summary>Since when an indicator's score decays: its STIX <c>modified</c>, or when it reached the node for observables (which have none).</summary>
    private static DateTimeOffset Since(DateTimeOffset modified, DateTimeOffset updatedAt) => modified > DateTimeOffset.UnixEpoch ? modified : updatedAt;

    /// <summary>The caller's readable STIX record ids, newest first, one page at a time.</summary>
    private async IAsyncEnumerable<IReadOnlyList<long>> BatchesAsync(Caller caller, [EnumeratorCancellation] CancellationToken cancellationToken, int? stepSize = null)
    {
        var size = stepSize ?? Step;
        long? before = null;
        while (true)
        {
            var ids = await access.ReadableIdsAsync(caller, RecordType.StixObject, before, size, cancellationToken);
            if (ids.Count == 0)
            {
                yield break;
            }

            yield return ids;
            if (ids.Count < size)
            {
                yield break;
            }

            before = ids[^1];
        }
    }

    private async Task<Dictionary<long, IReadOnlyList<string>>> LabelsAsync(IReadOnlyList<long> recordIds, CancellationToken cancellationToken)
    {
        var ids = recordIds as List<long> ?? [.. recordIds];
        return (await db.IntelLabels.AsNoTracking().Where(l => EF.Parameter(ids).Contains(l.RecordId)).Select(l => new { l.RecordId, l.Label }).ToListAsync(cancellationToken))
        .GroupBy(l => l.RecordId)
        .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(l => l.Label).Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>CSV and MISP columns the index does not hold (<c>valid_from</c>, <c>valid_until</c>, <c>description</c>), from each object's current version.</summary>
    private async Task<Dictionary<long, (DateTimeOffset?, DateTimeOffset?, string?)>> DetailsAsync(IReadOnlyList<long> recordIds, CancellationToken cancellationToken)
    {
        var ids = recordIds as List<long> ?? [.. recordIds];
        return (await (from o in db.IntelObjects.AsNoTracking().Where(o => EF.Parameter(ids).Contains(o.RecordId))
                join v in db.IntelObjectVersions.AsNoTracking() on new { o.RecordId, o.Modified } equals new { v.RecordId, v.Modified }
                select new { o.RecordId, v.Json }).ToListAsync(cancellationToken))
        .ToDictionary(r => r.RecordId, r => IntelExportDetails.Of(r.Json));
    }

    /// <summary>The filter as a query; still to be cut by the access decision.</summary>
    private IQueryable<IntelObject> Filtered(IntelExportFilter filter, bool valuesOnly)
    {
        var query = db.IntelObjects.AsNoTracking().Where(o => o.WithdrawnAt == null);
        if (valuesOnly)
        {
            query = query.Where(o => !o.Revoked);
        }

        if (filter.Type is { } type)
        {
            query = query.Where(o => o.StixType == type);
        }

        if (filter.Label is { } label)
        {
            var labels = db.IntelLabels;
            query = query.Where(o => labels.Any(l => l.Label == label && l.RecordId == o.RecordId));
        }

        if (filter.TlpCeiling is { } ceiling)
        {
            query = query.Where(o => o.Record.Tlp <= ceiling);
        }

        if (filter.Owner is { } owner)
        {
            query = query.Where(o => o.OwnerOrganisationId == owner);
        }

        if (filter.AddedSince is { } since)
        {
            query = query.Where(o => o.AddedAt >= since);
        }

        if (!filter.IncludeWarningListed)
        {
            query = query.Where(o => !o.WarningListed);
        }

        return query;
    }
}
