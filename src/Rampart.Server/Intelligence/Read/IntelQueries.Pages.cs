using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Store;

namespace Rampart.Server.Intelligence.Read;

/// <summary>How a related object is tied to the object shown.</summary>
public enum RelationDirection
{
    /// <summary>A STIX relationship with the shown object as its source: "shown — type → related".</summary>
    Outgoing,

    /// <summary>A STIX relationship with the shown object as its target: "related — type → shown".</summary>
    Incoming,

    /// <summary>A <c>*_ref</c> / <c>*_refs</c> property of the shown object naming the related one.</summary>
    Reference,
}

/// <summary>
/// One object related to the shown one, readable by the viewer: <see cref="Relation"/> is the relationship type or
/// the reference property; <see cref="Relationship"/> the (readable) relationship object, null for a reference.
/// </summary>
public sealed record IntelRelated(RelationDirection Direction, string Relation, IntelObject Related, IntelObject? Relationship);

/// <summary>One readable object flagged by warning lists, with its hits.</summary>
public sealed record WarningListedObject(IntelObject Intel, IReadOnlyList<IntelWarningHit> Hits);

// The reads the intelligence pages need beyond the API's (kept apart so that the API-side reads stay as they are):
// relationships, warning-list hits. Every one through the access decision, like the rest of this class.
public sealed partial class IntelQueries
{
    /// <summary>Most relationships and references listed for one object.</summary>
    public const int MaxRelated = 100;

    /// <summary>
    /// The objects related to <paramref name="readable"/> that the caller may read: through readable STIX
    /// <c>relationship</c> objects naming it as source or target, and through its own <c>*_ref(s)</c> properties.
    /// A relationship or related object the caller may not read is left out, as if it did not exist.
    /// </summary>
    public async Task<IReadOnlyList<IntelRelated>> RelatedAsync(Caller caller, IntelObject readable, JsonObject? current, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(readable);
        var self = readable.StixId;

        // Relationships naming it: two index ranges (source, target) on the relationship's ends, newest first,
        // each through the access decision. A relationship naming the object at both ends is not listed.
        var relationships = new List<(IntelObject Relationship, RelationDirection Direction, string Type, string Other)>();
        foreach (var r in await RelationshipsQuery(caller, self, outgoing: true).ToListAsync(cancellationToken))
        {
            if (r.TargetRef is { } target && !string.Equals(target, self, StringComparison.Ordinal))
            {
                relationships.Add((r, RelationDirection.Outgoing, RelationshipType(r), target));
            }
        }

        foreach (var r in await RelationshipsQuery(caller, self, outgoing: false).ToListAsync(cancellationToken))
        {
            if (r.SourceRef is { } source && !string.Equals(source, self, StringComparison.Ordinal))
            {
                relationships.Add((r, RelationDirection.Incoming, RelationshipType(r), source));
            }
        }

        relationships = [.. relationships.Take(MaxRelated)];
        var references = new List<(string Property, string Other)>();
        if (current is not null)
        {
            foreach (var (name, value) in current)
            {
                if (name == "object_marking_refs" || !(name.EndsWith("_ref", StringComparison.Ordinal) || name.EndsWith("_refs", StringComparison.Ordinal)))
                {
                    continue;
                }

                var ids = value switch
                {
                    JsonValue v when v.TryGetValue<string>(out var one) => [one],
                    JsonArray a => a.Select(x => x is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).OfType<string>().ToList(),
                    _ => new List<string>(),
                };
                references.AddRange(ids.Where(id => id != self && id.Contains("--", StringComparison.Ordinal) && id.Length <= IntelLimits.StixIdLength)
                    .Select(id => (name, id)));
            }
        }

        references = [.. references.Take(MaxRelated)];
        var wanted = relationships.Select(r => r.Other).Concat(references.Select(r => r.Other)).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0)
        {
            return [];
        }

        // The copy of each id the caller is served (OneCopyPerId: one per id).
        var copies = await OneCopyPerId(access.Readable(db.IntelObjects.AsNoTracking().Where(o => EF.Parameter(wanted).Contains(o.StixId)), caller), caller)
            .Include(o => o.Record).Take(wanted.Count).ToListAsync(cancellationToken);
        var byId = copies.ToDictionary(c => c.StixId, StringComparer.Ordinal);
        var result = new List<IntelRelated>();
        foreach (var (relationship, direction, type, other) in relationships)
        {
            if (byId.TryGetValue(other, out var related))
            {
                result.Add(new IntelRelated(direction, type, related, relationship));
            }
        }

        foreach (var (property, other) in references)
        {
            if (byId.TryGetValue(other, out var related))
            {
                result.Add(new IntelRelated(RelationDirection.Reference, property, related, null));
            }
        }

        return result;
    }

    /// <summary>
    /// The statement of one side of <see cref="RelatedAsync"/>: readable, not withdrawn relationships whose
    /// <c>source_ref</c> (<paramref name="outgoing"/>) or <c>target_ref</c> is <paramref name="stixId"/>, newest first —
    /// a range of the (SourceRef, RecordId) or (TargetRef, RecordId) index.
    /// </summary>
    public IQueryable<IntelObject> RelationshipsQuery(Caller caller, string stixId, bool outgoing)
    {
        var query = db.IntelObjects.AsNoTracking();
        query = outgoing ? query.Where(o => o.SourceRef == stixId) : query.Where(o => o.TargetRef == stixId);
        query = query.Where(o => o.StixType == "relationship" && o.WithdrawnAt == null);
        return access.Readable(query, caller).OrderByDescending(o => o.RecordId).Include(o => o.Record).Take(MaxRelated);
    }

    // "source type target" is the relationship's name (IntelStore); its middle word is the type.
    private static string RelationshipType(IntelObject relationship) =>
        relationship.Name.Split(' ', 3) is { Length: 3 } parts ? parts[1] : relationship.Name;

    /// <summary>The warning-list hits of <paramref name="readable"/> (an object the caller was answered by <see cref="FindAsync"/>).</summary>
    public async Task<IReadOnlyList<IntelWarningHit>> WarningHitsOfAsync(IntelObject readable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readable);
        var id = readable.RecordId;
        return await db.IntelWarningHits.AsNoTracking().Where(w => w.RecordId == id).OrderBy(w => w.ListName).Take(200).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The objects the caller may read that are flagged by a warning list, newest record first, below
    /// <paramref name="before"/>: a walk down the (WarningListed, RecordId) index filtered by the access decision
    /// (<see cref="WarningListedQuery"/>), then the hits of the page's objects by their key.
    /// </summary>
    public async Task<(IReadOnlyList<WarningListedObject> Items, bool More)> WarningListedAsync(Caller caller, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var rows = await WarningListedQuery(caller, before, limit).ToListAsync(cancellationToken);
        var page = rows.Take(limit).ToList();
        var ids = page.Select(o => o.RecordId).ToList();
        // Only hits of objects the access decision admitted above.
        var byRecord = (await db.IntelWarningHits.AsNoTracking().Where(h => EF.Parameter(ids).Contains(h.RecordId)).ToListAsync(cancellationToken))
            .ToLookup(h => h.RecordId);
        return ([.. page.Select(o => new WarningListedObject(o, [.. byRecord[o.RecordId].OrderBy(h => h.ListName, StringComparer.Ordinal)]))], rows.Count > limit);
    }

    /// <summary>The statement of <see cref="WarningListedAsync"/>: up to <paramref name="limit"/> + 1 readable flagged objects below <paramref name="before"/>, newest first.</summary>
    public IQueryable<IntelObject> WarningListedQuery(Caller caller, long? before, int limit)
    {
        var below = before ?? long.MaxValue;
        // Compared with a parameter, not as a bare column: SQLite uses the (WarningListed, RecordId) index only for "= ?".
        var listed = true;
        return access.Readable(db.IntelObjects.AsNoTracking().Include(o => o.Record).Where(o => o.WarningListed == listed && o.RecordId < below), caller)
            .OrderByDescending(o => o.RecordId).Take(limit + 1);
    }
}
