using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;

namespace Rampart.Server.Intelligence.Live;

/// <summary>One change of an object as a subscriber (stream or webhook) receives it.</summary>
public sealed record IntelEvent(
    [property: JsonIgnore] long Sequence,
    string Change,
    DateTimeOffset At,
    string Id,
    string Type,
    string? Name,
    DateTimeOffset Modified,
    bool Revoked,
    DateTimeOffset? WithdrawnAt,
    Guid Owner,
    string Tlp)
{
    /// <summary>
    /// On a <c>sighted</c> event: the reported STIX <c>sighting</c>, only when the subscriber may read the sighting itself
    /// (its own sharing, through the access decision: by default the sighted object's owner and the reporter); absent otherwise.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public System.Text.Json.Nodes.JsonObject? Sighting { get; init; }
}

/// <summary>The events of one read and the outbox position to continue after (which may lie beyond the last event).</summary>
public sealed record IntelChangeBatch(IReadOnlyList<IntelEvent> Events, long Position);

/// <summary>What a subscriber wants: STIX types and change kinds (empty: everything it may read).</summary>
public sealed record IntelChangeFilter(IReadOnlySet<string> StixTypes, IReadOnlySet<IntelChangeKind> Kinds)
{
    public static IntelChangeFilter All { get; } = new(new HashSet<string>(), new HashSet<IntelChangeKind>());

    public static readonly IReadOnlyDictionary<string, IntelChangeKind> KindNames = new Dictionary<string, IntelChangeKind>(StringComparer.Ordinal)
    {
        ["added"] = IntelChangeKind.Added,
        ["updated"] = IntelChangeKind.Updated,
        ["revoked"] = IntelChangeKind.Revoked,
        ["withdrawn"] = IntelChangeKind.Withdrawn,
        ["sighted"] = IntelChangeKind.Sighted,
        ["versions-deleted"] = IntelChangeKind.VersionsDeleted,
    };

    public static string NameOf(IntelChangeKind kind) => KindNames.FirstOrDefault(k => k.Value == kind).Key ?? "changed";

    /// <summary>Parses lists of STIX types and change-kind names, adding a 400 error per bad value under the given fields.</summary>
    public static IntelChangeFilter Parse(IEnumerable<string>? types, IEnumerable<string>? kinds, RequestErrors errors, string typesField, string kindsField)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var typeSet = new HashSet<string>(StringComparer.Ordinal);
        foreach (var type in (types ?? []).SelectMany(Split))
        {
            if (type.Length > IntelLimits.StixTypeLength || !type.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
            {
                errors.Add(typesField, $"'{Cut(type)}' is not a STIX type (lower-case letters, digits and '-').");
            }
            else
            {
                typeSet.Add(type);
            }
        }

        var kindSet = new HashSet<IntelChangeKind>();
        foreach (var kind in (kinds ?? []).SelectMany(Split))
        {
            if (KindNames.TryGetValue(kind, out var k))
            {
                kindSet.Add(k);
            }
            else
            {
                errors.Add(kindsField, $"'{Cut(kind)}' is not one of {string.Join(", ", KindNames.Keys)}.");
            }
        }

        if (typeSet.Count > 50)
        {
            errors.Add(typesField, "At most 50 types.");
        }

        return new(typeSet, kindSet);
    }

    private static IEnumerable<string> Split(string? value) =>
        (value ?? "").Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Cut(string value) => value.Length > 40 ? value[..40] + "…" : value;
}

/// <summary>
/// Follows the change outbox (<c>IntelChanges</c>) for one subscriber: each changed record is passed through
/// the access decision for that subscriber at read time, so a subscriber never learns that an object it may
/// not read has changed. Used by the live stream and the webhook deliveries; holds nothing in memory, so the
/// writer and the reader may be on different app servers.
/// </summary>
public sealed class IntelChangeReader(RampartDb db, AccessPolicy access, Read.IntelQueries queries, TimeProvider clock, IOptions<IntelStreamOptions> options, IntelChangeHorizon horizon)
{
    /// <summary>The newest outbox position (0 when empty): where a new subscriber starts.</summary>
    public async Task<long> HeadAsync(CancellationToken cancellationToken) =>
        await db.IntelChanges.AsNoTracking().MaxAsync(c => (long?)c.Sequence, cancellationToken) ?? 0;

    /// <summary>
    /// The changes after <paramref name="after"/> that <paramref name="caller"/> may read, up to
    /// <paramref name="limit"/> outbox rows, stopping at a recent hole in the sequence (see <see cref="IntelStreamOptions.GapSettle"/>).
    /// </summary>
    public async Task<IntelChangeBatch> ReadAsync(Caller caller, long after, int limit, IntelChangeFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var final = await horizon.FinalAsync(db, cancellationToken);
        var rows = await db.IntelChanges.AsNoTracking()
            .Where(c => c.Sequence > after).OrderBy(c => c.Sequence).Take(limit)
            .ToListAsync(cancellationToken);
        var settled = clock.GetUtcNow() - options.Value.GapSettle;
        var contiguous = rows.Take(IntelChangeGaps.Contiguous(rows, after, final, settled, r => r.Sequence, r => r.At)).ToList();

        var position = contiguous.Count == 0 ? after : contiguous[^1].Sequence;
        return new(await EventsAsync(caller, contiguous, filter, cancellationToken), position);
    }

    /// <summary>The changes in [<paramref name="first"/>, <paramref name="last"/>] that <paramref name="caller"/> may read now.</summary>
    public async Task<IReadOnlyList<IntelEvent>> ReadRangeAsync(Caller caller, long first, long last, IntelChangeFilter filter, CancellationToken cancellationToken)
    {
        var rows = await db.IntelChanges.AsNoTracking()
            .Where(c => c.Sequence >= first && c.Sequence <= last).OrderBy(c => c.Sequence)
            .ToListAsync(cancellationToken);
        return await EventsAsync(caller, rows, filter, cancellationToken);
    }

    private async Task<IReadOnlyList<IntelEvent>> EventsAsync(Caller caller, IReadOnlyList<IntelChange> rows, IntelChangeFilter filter, CancellationToken cancellationToken)
    {
        var wanted = filter.Kinds.Count == 0 ? rows : rows.Where(r => filter.Kinds.Contains(r.Kind)).ToList();
        if (wanted.Count == 0)
        {
            return [];
        }

        var ids = wanted.Select(r => r.RecordId).Distinct().ToList();
        // One copy per STIX id (IntelQueries.OneCopyPerId): a subscriber hears of the copy it is served, never of another
        // organisation's copy under the same id (which a consumer keyed on id + modified would take as a newer version).
        var readable = queries.OneCopyPerId(access.Readable(db.IntelObjects.AsNoTracking(), caller).Where(o => ids.Contains(o.RecordId)), caller);
        if (filter.StixTypes.Count > 0)
        {
            var types = filter.StixTypes.ToList();
            readable = readable.Where(o => types.Contains(o.StixType));
        }

        var objects = await readable
            .Select(o => new { o.RecordId, o.StixId, o.StixType, o.Name, o.Modified, o.UpdatedAt, o.Revoked, o.WithdrawnAt, o.OwnerOrganisationId, o.Record.Tlp })
            .ToDictionaryAsync(o => o.RecordId, cancellationToken);
        // The sightings of these events the subscriber may itself read (the rule of the exports and TAXII); the sighted
        // object was read above, so a sighting of an object the subscriber cannot read never arrives.
        var sightingIds = wanted.Where(r => r.SightingRecordId is not null && objects.ContainsKey(r.RecordId)).Select(r => r.SightingRecordId!.Value).Distinct().ToList();
        var sightings = sightingIds.Count == 0
            ? []
            : await access.Readable(db.IntelSightings.AsNoTracking().Where(s => sightingIds.Contains(s.RecordId)), caller)
                .Select(s => new { s.RecordId, s.Json, s.Anonymous, s.Record.Tlp })
                .ToDictionaryAsync(s => s.RecordId, cancellationToken);
        return wanted.Where(r => objects.ContainsKey(r.RecordId)).Select(r =>
        {
            var o = objects[r.RecordId];
            var sighting = r.SightingRecordId is { } sid && sightings.TryGetValue(sid, out var found)
                ? Sightings.IntelSightings.StixOf(found.Json, found.Anonymous, found.Tlp)
                : null;
            // A withdrawn object's content is gone: subscribers learn that, and not what it was.
            return new IntelEvent(r.Sequence, IntelChangeFilter.NameOf(r.Kind), r.At, o.StixId, o.StixType,
                // An SCO has no STIX modified (stored as the epoch): the event carries when this node last changed it, as the object answer does.
                o.WithdrawnAt is null ? o.Name : null, o.Modified > DateTimeOffset.UnixEpoch ? o.Modified : o.UpdatedAt, o.Revoked, o.WithdrawnAt, o.OwnerOrganisationId, o.Tlp.Code())
            {
                Sighting = o.WithdrawnAt is null ? sighting : null,
            };
        }).ToList();
    }
}
