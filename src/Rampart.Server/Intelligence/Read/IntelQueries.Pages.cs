using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Search;
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

        // Relationships are found through the term index of their names ("source type target"): every word of the
        // object's id must start a word of the name; the exact id is then checked on the name.
        var relationships = new List<(IntelObject Relationship, RelationDirection Direction, string Type, string Other)>();
        var terms = IntelText.QueryTerms(self);
        SearchPosition? after = null;
        for (var round = 0; round < 5 && relationships.Count < MaxRelated && terms.Count > 0; round++)
        {
            var (page, more) = await SearchAsync(caller, new IntelSearch(Type: "relationship", Terms: terms), after, MaxRelated, cancellationToken);
            foreach (var r in page.Where(r => r.WithdrawnAt is null))
            {
                var parts = r.Name.Split(' ');
                if (parts.Length != 3)
                {
                    continue;
                }

                if (string.Equals(parts[0], self, StringComparison.Ordinal) && !string.Equals(parts[2], self, StringComparison.Ordinal))
                {
                    relationships.Add((r, RelationDirection.Outgoing, parts[1], parts[2]));
                }
                else if (string.Equals(parts[2], self, StringComparison.Ordinal) && !string.Equals(parts[0], self, StringComparison.Ordinal))
                {
                    relationships.Add((r, RelationDirection.Incoming, parts[1], parts[0]));
                }
            }

            if (!more || page.Count == 0)
            {
                break;
            }

            after = new SearchPosition(page[^1].RecordId, null);
        }

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

        // One readable copy per id: the caller's own organisation's, else the oldest (as FindAsync picks).
        var copies = await access.Readable(db.IntelObjects.AsNoTracking().Include(o => o.Record).Where(o => EF.Parameter(wanted).Contains(o.StixId)), caller)
            .OrderBy(o => o.RecordId).Take(wanted.Count * 4).ToListAsync(cancellationToken);
        var byId = copies.GroupBy(c => c.StixId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(c => c.OwnerOrganisationId == caller.OrganisationId ? 0 : 1).First(), StringComparer.Ordinal);
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

    /// <summary>The warning-list hits of <paramref name="readable"/> (an object the caller was answered by <see cref="FindAsync"/>).</summary>
    public async Task<IReadOnlyList<IntelWarningHit>> WarningHitsOfAsync(IntelObject readable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readable);
        var id = readable.RecordId;
        return await db.IntelWarningHits.AsNoTracking().Where(w => w.RecordId == id).OrderBy(w => w.ListName).Take(200).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// The objects the caller may read that are flagged by a warning list, newest record first, below
    /// <paramref name="before"/>: a walk down the hits' key (record, list) filtered by the access decision.
    /// </summary>
    public async Task<(IReadOnlyList<WarningListedObject> Items, bool More)> WarningListedAsync(Caller caller, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var below = before ?? long.MaxValue;
        var hits = db.IntelWarningHits;
        var rows = await access.Readable(db.IntelObjects.AsNoTracking().Include(o => o.Record)
                .Where(o => o.RecordId < below && o.WarningListed && hits.Any(h => h.RecordId == o.RecordId)), caller)
            .OrderByDescending(o => o.RecordId).Take(limit + 1).ToListAsync(cancellationToken);
        var page = rows.Take(limit).ToList();
        var ids = page.Select(o => o.RecordId).ToList();
        // Only hits of objects the access decision admitted above.
        var byRecord = (await db.IntelWarningHits.AsNoTracking().Where(h => EF.Parameter(ids).Contains(h.RecordId)).ToListAsync(cancellationToken))
            .ToLookup(h => h.RecordId);
        return ([.. page.Select(o => new WarningListedObject(o, [.. byRecord[o.RecordId].OrderBy(h => h.ListName, StringComparer.Ordinal)]))], rows.Count > limit);
    }
}
