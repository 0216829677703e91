using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;
using Rampart.Standards.Observables;

namespace Rampart.Server.Intelligence.Pages;

/// <summary>An intelligence object as its reader sees it, with the grants that explain its audience.</summary>
public sealed record ReadIntel(IntelObject Intel, IReadOnlyList<AccessGrant> Grants);

/// <summary>The list page's filters. Every one is an index lookup or a range on the object's own indexes.</summary>
public sealed record IntelFilter
{
    /// <summary>A value (IP, CIDR, domain, URL, e-mail, hash), matched exactly after normalisation through the observable index.</summary>
    public string? Value { get; init; }

    public string? StixType { get; init; }

    public Tlp? Tlp { get; init; }

    public string? Label { get; init; }

    public Guid? Owner { get; init; }

    /// <summary>Reached this node (latest version) at or after.</summary>
    public DateTimeOffset? UpdatedFrom { get; init; }

    /// <summary>Reached this node (latest version) before.</summary>
    public DateTimeOffset? UpdatedTo { get; init; }

    public bool IsEmpty => string.IsNullOrWhiteSpace(Value) && string.IsNullOrWhiteSpace(StixType) && Tlp is null
        && string.IsNullOrWhiteSpace(Label) && Owner is null && UpdatedFrom is null && UpdatedTo is null;
}

/// <summary>One object that shares a value with the object shown, and the values it shares.</summary>
public sealed record IntelCorrelation(IntelObject Intel, IReadOnlyList<string> Values);

/// <summary>The correlations of one object for one viewer: readable partners, and the values too common to expand.</summary>
public sealed record IntelCorrelations(IReadOnlyList<IntelCorrelation> Objects, IReadOnlyList<string> CommonValues, bool More);

/// <summary>
/// The reads the intelligence pages make, all through <see cref="AccessPolicy"/>: a page shows an object, its
/// versions or a correlation only when the viewer may read that object, and answers an unreadable one exactly
/// as an unknown one. (The REST search of intel-read is the API's equivalent; this is the pages' side.)
/// </summary>
public sealed class IntelPageQueries(RampartDb db, AccessPolicy access, SharingStore sharing)
{
    /// <summary>Values linked to more objects than this are "common": counted, not expanded into correlations.</summary>
    public const int CommonThreshold = 200;

    public const int MaxCorrelations = 50;

    /// <summary>
    /// Up to <paramref name="limit"/> readable objects matching <paramref name="filter"/>, newest record first,
    /// older than <paramref name="before"/> (the last record key of the previous page), and whether more follow.
    /// </summary>
    public async Task<(IReadOnlyList<ReadIntel> Objects, bool More)> ListAsync(Caller caller, IntelFilter filter, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        List<long> ids;
        if (filter.IsEmpty)
        {
            ids = [.. await access.ReadableIdsAsync(caller, RecordType.StixObject, before, limit + 1, cancellationToken)];
        }
        else
        {
            var below = before ?? long.MaxValue;
            var matching = db.IntelObjects.AsNoTracking().Where(o => o.RecordId < below);
            if (!string.IsNullOrWhiteSpace(filter.Value))
            {
                var candidates = Candidates(filter.Value);
                if (candidates.Count == 0)
                {
                    return ([], false);
                }

                var kinds = candidates.Select(c => c.Kind).Distinct().ToList();
                var values = candidates.Select(c => c.Value).Distinct().ToList();
                var observableIds = await db.Observables.AsNoTracking().Where(v => kinds.Contains(v.Kind) && values.Contains(v.Value))
                    .Select(v => v.Id).ToListAsync(cancellationToken);
                if (observableIds.Count == 0)
                {
                    return ([], false);
                }

                var links = db.ObservableLinks;
                matching = matching.Where(o => links.Any(l => observableIds.Contains(l.ObservableId) && l.RecordId == o.RecordId));
            }

            if (!string.IsNullOrWhiteSpace(filter.StixType))
            {
                var type = filter.StixType.Trim();
                matching = matching.Where(o => o.StixType == type);
            }

            if (filter.Tlp is { } tlp)
            {
                matching = matching.Where(o => o.Record.Tlp == tlp);
            }

            if (!string.IsNullOrWhiteSpace(filter.Label))
            {
                var label = filter.Label.Trim();
                var labels = db.IntelLabels;
                matching = matching.Where(o => labels.Any(l => l.Label == label && l.RecordId == o.RecordId));
            }

            if (filter.Owner is { } owner)
            {
                matching = matching.Where(o => o.OwnerOrganisationId == owner);
            }

            if (filter.UpdatedFrom is { } from)
            {
                matching = matching.Where(o => o.UpdatedAt >= from);
            }

            if (filter.UpdatedTo is { } to)
            {
                matching = matching.Where(o => o.UpdatedAt < to);
            }

            ids = await access.Readable(matching, caller).OrderByDescending(o => o.RecordId).Select(o => o.RecordId).Take(limit + 1)
                .ToListAsync(cancellationToken);
        }

        var more = ids.Count > limit;
        var recordIds = ids.Take(limit).ToList();
        return (await RowsAsync(recordIds, cancellationToken), more);
    }

    /// <summary>
    /// The copy of <paramref name="stixId"/> the caller may read: the one of <paramref name="record"/> when given,
    /// else the caller's own organisation's, else the newest readable one. Null exactly as for an unknown id.
    /// </summary>
    public async Task<ReadIntel?> FindAsync(Caller caller, string stixId, long? record, CancellationToken cancellationToken)
    {
        var readable = access.Readable(db.IntelObjects.AsNoTracking().Include(o => o.Record).Where(o => o.StixId == stixId), caller);
        if (record is { } recordId)
        {
            readable = readable.Where(o => o.RecordId == recordId);
        }

        var copies = await readable.OrderByDescending(o => o.OwnerOrganisationId == caller.OrganisationId).ThenByDescending(o => o.RecordId)
            .Take(1).ToListAsync(cancellationToken);
        var found = copies.FirstOrDefault();
        return found is null ? null : new ReadIntel(found, await sharing.GrantsOfAsync(found.RecordId, cancellationToken));
    }

    /// <summary>The other readable copies of the same STIX id (other owners), newest first.</summary>
    public async Task<IReadOnlyList<IntelObject>> OtherCopiesAsync(Caller caller, IntelObject shown, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shown);
        return await access.Readable(db.IntelObjects.AsNoTracking().Include(o => o.Record)
                .Where(o => o.StixId == shown.StixId && o.RecordId != shown.RecordId), caller)
            .OrderByDescending(o => o.RecordId).Take(20).ToListAsync(cancellationToken);
    }

    /// <summary>Every version of an object the caller may read, newest first (null JSON once withdrawn).</summary>
    public async Task<IReadOnlyList<IntelObjectVersion>> VersionsAsync(Caller caller, long recordId, CancellationToken cancellationToken)
    {
        if (!await access.Readable(db.IntelObjects.AsNoTracking(), caller).AnyAsync(o => o.RecordId == recordId, cancellationToken))
        {
            return [];
        }

        return await db.IntelObjectVersions.AsNoTracking().Where(v => v.RecordId == recordId).OrderByDescending(v => v.Modified).Take(100)
            .ToListAsync(cancellationToken);
    }

    /// <summary>The labels and warning-list hits of an object the caller may read.</summary>
    public async Task<(IReadOnlyList<string> Labels, IReadOnlyList<IntelWarningHit> Warnings)> AnnotationsAsync(Caller caller, long recordId, CancellationToken cancellationToken)
    {
        if (!await access.Readable(db.IntelObjects.AsNoTracking(), caller).AnyAsync(o => o.RecordId == recordId, cancellationToken))
        {
            return ([], []);
        }

        var labels = await db.IntelLabels.AsNoTracking().Where(l => l.RecordId == recordId).OrderBy(l => l.Label).Select(l => l.Label)
            .Take(200).ToListAsync(cancellationToken);
        var warnings = await db.IntelWarningHits.AsNoTracking().Where(w => w.RecordId == recordId).OrderBy(w => w.ListName).Take(200)
            .ToListAsync(cancellationToken);
        return (labels, warnings);
    }

    /// <summary>
    /// The objects the caller may read that share a value with the object (itself readable), through the observable
    /// index; values linked to more than <see cref="CommonThreshold"/> objects are listed as common, not expanded.
    /// An object the caller may not read never appears, nor does anything that would show it exists.
    /// </summary>
    public async Task<IntelCorrelations> CorrelationsAsync(Caller caller, long recordId, CancellationToken cancellationToken)
    {
        if (!await access.Readable(db.IntelObjects.AsNoTracking(), caller).AnyAsync(o => o.RecordId == recordId, cancellationToken))
        {
            return new([], [], false);
        }

        var values = await db.ObservableLinks.AsNoTracking().Where(l => l.RecordId == recordId)
            .Join(db.Observables.AsNoTracking(), l => l.ObservableId, v => v.Id, (l, v) => v).Take(500).ToListAsync(cancellationToken);
        // Common by what this viewer may read, never by the node-wide ObjectCount (which would let an outsider learn,
        // by seeding copies up to the threshold, that others hold a value).
        var common = new List<string>();
        var expand = new List<long>();
        foreach (var v in values)
        {
            var observableId = v.Id;
            var carriers = db.ObservableLinks.Where(l => l.ObservableId == observableId).Select(l => l.RecordId);
            var readable = await access.Readable(db.IntelObjects.AsNoTracking().Where(x => carriers.Contains(x.RecordId)), caller)
                .Select(x => x.RecordId).Take(CommonThreshold + 1).CountAsync(cancellationToken);
            if (readable > CommonThreshold)
            {
                common.Add(v.Value);
            }
            else
            {
                expand.Add(v.Id);
            }
        }

        common.Sort(StringComparer.Ordinal);
        if (expand.Count == 0)
        {
            return new([], common, false);
        }

        var links = db.ObservableLinks;
        var partners = await access.Readable(db.IntelObjects.AsNoTracking().Include(o => o.Record)
                .Where(o => o.RecordId != recordId && links.Any(l => l.RecordId == o.RecordId && expand.Contains(l.ObservableId))), caller)
            .OrderByDescending(o => o.RecordId).Take(MaxCorrelations + 1).ToListAsync(cancellationToken);
        var more = partners.Count > MaxCorrelations;
        partners = partners.Take(MaxCorrelations).ToList();
        var partnerIds = partners.Select(p => p.RecordId).ToList();
        // Only links of objects already admitted by the access decision above.
        var shared = (await db.ObservableLinks.AsNoTracking()
                .Where(l => partnerIds.Contains(l.RecordId) && expand.Contains(l.ObservableId)).ToListAsync(cancellationToken))
            .ToLookup(l => l.RecordId, l => l.ObservableId);
        var byId = values.ToDictionary(v => v.Id, v => v.Value);
        return new(partners.Select(p => new IntelCorrelation(p, shared[p.RecordId].Select(id => byId[id]).Order(StringComparer.Ordinal).ToList())).ToList(),
            common, more);
    }

    /// <summary>How many objects the caller may read that reached this node after <paramref name="since"/> from other organisations, up to <paramref name="cap"/>.</summary>
    public async Task<int> CountNewAsync(Caller caller, DateTimeOffset since, int cap, CancellationToken cancellationToken) =>
        await access.Readable(db.IntelObjects.AsNoTracking().Where(o => o.AddedAt > since && o.OwnerOrganisationId != caller.OrganisationId), caller)
            .Select(o => o.RecordId).Take(cap).CountAsync(cancellationToken);

    /// <summary>Pretty-printed JSON of a stored version, for the page to show as text (never as markup).</summary>
    public static string Indented(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return JsonSerializer.Serialize(document.RootElement, IndentedOptions);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    /// <summary>The top-level properties of a stored version as (name, text) pairs; nested values as compact JSON text.</summary>
    public static IReadOnlyList<(string Name, string Value)> Properties(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return [];
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return [];
            }

            return document.RootElement.EnumerateObject()
                .Select(p => (p.Name, p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() ?? "" : p.Value.GetRawText()))
                .ToList();
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>The (kind, normalised value) pairs a typed value could be in the observable index.</summary>
    public static IReadOnlyList<(ObservableKind Kind, string Value)> Candidates(string typed)
    {
        var text = Refang(typed.Trim());
        var found = new List<(ObservableKind, string)>();
        if (Normalise.TryIpAddress(text, out var ip))
        {
            found.Add((ip.Contains(':', StringComparison.Ordinal) ? ObservableKind.Ipv6 : ObservableKind.Ipv4, ip));
        }

        if (text.Contains('/', StringComparison.Ordinal) && Normalise.TryCidr(text, out var cidr))
        {
            found.Add((cidr.Contains(':', StringComparison.Ordinal) ? ObservableKind.Ipv6Cidr : ObservableKind.Ipv4Cidr, cidr));
        }

        if (Normalise.TryHash(text, out var hash))
        {
            var kind = hash.Length switch { 32 => ObservableKind.Md5, 40 => ObservableKind.Sha1, 64 => ObservableKind.Sha256, 128 => ObservableKind.Sha512, _ => (ObservableKind?)null };
            if (kind is { } k)
            {
                found.Add((k, hash));
            }
        }

        if (Normalise.TryEmail(text, out var email))
        {
            found.Add((ObservableKind.Email, email));
        }

        if (Normalise.TryUrl(text, out var url))
        {
            found.Add((ObservableKind.Url, url));
        }

        if (found.Count == 0 && Normalise.TryDomain(text, out var domain))
        {
            found.Add((ObservableKind.Domain, domain));
        }

        return found;
    }

    /// <summary>Undoes the usual defanging (<c>1.2.3[.]4</c>, <c>hxxp://</c>, <c>example[dot]com</c>) of a pasted value.</summary>
    public static string Refang(string text) =>
        text.Replace("[.]", ".", StringComparison.Ordinal).Replace("(.)", ".", StringComparison.Ordinal)
            .Replace("[dot]", ".", StringComparison.OrdinalIgnoreCase).Replace("[:]", ":", StringComparison.Ordinal)
            .Replace("[@]", "@", StringComparison.Ordinal).Replace("hxxp", "http", StringComparison.OrdinalIgnoreCase);

    private static readonly JsonSerializerOptions IndentedOptions = new() { WriteIndented = true };

    private async Task<IReadOnlyList<ReadIntel>> RowsAsync(List<long> recordIds, CancellationToken cancellationToken)
    {
        // The ids come from the access decision; this only fetches their rows.
        var page = await db.IntelObjects.AsNoTracking().Include(o => o.Record).Where(o => EF.Parameter(recordIds).Contains(o.RecordId))
            .OrderByDescending(o => o.RecordId).ToListAsync(cancellationToken);
        var grants = (await db.AccessGrants.AsNoTracking().Where(g => EF.Parameter(recordIds).Contains(g.RecordId)).ToListAsync(cancellationToken))
            .ToLookup(g => g.RecordId);
        return page.Select(o => new ReadIntel(o, [.. grants[o.RecordId]])).ToList();
    }
}
