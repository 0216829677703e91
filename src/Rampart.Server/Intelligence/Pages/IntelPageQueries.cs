using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Read;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;
using Rampart.Standards.Observables;

namespace Rampart.Server.Intelligence.Pages;

/// <summary>An intelligence object as its reader sees it, with the grants that explain its audience.</summary>
public sealed record ReadIntel(IntelObject Intel, IReadOnlyList<AccessGrant> Grants);

/// <summary>An object read for its page: current JSON and labels, the grants of its audience, the other readable copies of its id.</summary>
public sealed record IntelDetail(ReadIntelObject Read, IReadOnlyList<AccessGrant> Grants, IReadOnlyList<IntelObject> OtherCopies)
{
    public IntelObject Intel => Read.Intel;
}

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

/// <summary>
/// What the intelligence pages read, all through <see cref="IntelQueries"/> (the one reader, and from there the access
/// decision): a page shows an object, its versions, relations or correlations only when the viewer may read that
/// object, and answers an unreadable one exactly as an unknown one. This class only shapes those reads for the pages
/// (the audience's grants beside each object, a record chosen by its key).
/// </summary>
public sealed class IntelPageQueries(RampartDb db, AccessPolicy access, SharingStore sharing, IntelQueries intel)
{
    public const int MaxCorrelations = 50;

    public const int MaxVersions = 100;

    /// <summary>
    /// Up to <paramref name="limit"/> readable objects matching <paramref name="filter"/>, newest record first,
    /// older than <paramref name="before"/> (the last record key of the previous page), and whether more follow.
    /// </summary>
    public async Task<(IReadOnlyList<ReadIntel> Objects, bool More)> ListAsync(Caller caller, IntelFilter filter, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (filter.IsEmpty)
        {
            // No filter: the access decision's own walk down the grant index, then the rows of those keys, one copy per STIX id.
            var (rows, hasMore) = await intel.NewestAsync(caller, before, limit, cancellationToken);
            return (await WithGrantsAsync(rows, cancellationToken), hasMore);
        }

        string? value = null;
        if (!string.IsNullOrWhiteSpace(filter.Value))
        {
            // The typed value as the index stores it (refanged, normalised); nothing recognisable finds nothing.
            var candidates = Candidates(filter.Value);
            if (candidates.Count == 0)
            {
                return ([], false);
            }

            value = candidates[0].Value;
        }

        var search = new IntelSearch(
            Value: value,
            Type: string.IsNullOrWhiteSpace(filter.StixType) ? null : filter.StixType.Trim(),
            Label: string.IsNullOrWhiteSpace(filter.Label) ? null : filter.Label.Trim(),
            Tlp: filter.Tlp,
            Owner: filter.Owner,
            AddedFrom: filter.UpdatedFrom,
            AddedTo: filter.UpdatedTo);
        var (objects, more) = await intel.SearchAsync(caller, search, before is { } b ? new SearchPosition(b, null) : null, limit, cancellationToken);
        return (await WithGrantsAsync(objects, cancellationToken), more);
    }

    /// <summary>
    /// Short names of the organisations and names of the communities among <paramref name="ids"/> — the ones a page
    /// shows (owners, audience entries), never the whole directory per view. Unknown ids are simply absent.
    /// </summary>
    public async Task<(Dictionary<Guid, string> Organisations, Dictionary<Guid, string> Communities)> NamesAsync(IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var wanted = ids.Distinct().ToList();
        if (wanted.Count == 0)
        {
            return ([], []);
        }

        var organisations = await db.Organisations.AsNoTracking().Where(o => EF.Parameter(wanted).Contains(o.Id))
            .ToDictionaryAsync(o => o.Id, o => o.ShortName, cancellationToken);
        var communities = await db.Communities.AsNoTracking().Where(c => EF.Parameter(wanted).Contains(c.Id))
            .ToDictionaryAsync(c => c.Id, c => c.Name, cancellationToken);
        return (organisations, communities);
    }

    /// <summary>The organisation and community ids an audience names (what <see cref="IntelAudience.Describe"/> shows).</summary>
    public static IEnumerable<Guid> NamedBy(IEnumerable<AccessGrant> grants) =>
        grants.SelectMany(g => new[] { g.SubjectId, g.SubjectOrganisationId }).OfType<Guid>();

    /// <summary>
    /// The copy of <paramref name="stixId"/> the caller may read — the one of <paramref name="record"/> when given, else
    /// the caller's own organisation's, else the oldest readable one — with its current JSON and labels, and the other
    /// readable copies. Null exactly as for an unknown id.
    /// </summary>
    public async Task<IntelDetail?> FindAsync(Caller caller, string stixId, long? record, CancellationToken cancellationToken)
    {
        var (first, copies) = await intel.FindAsync(caller, stixId, null, cancellationToken);
        if (first is null)
        {
            return null;
        }

        var read = first;
        if (record is { } key && first.Intel.RecordId != key)
        {
            if (copies.FirstOrDefault(c => c.RecordId == key) is not { } chosen)
            {
                return null;
            }

            (read, _) = await intel.FindAsync(caller, stixId, chosen.OwnerOrganisationId, cancellationToken);
            if (read is null)
            {
                return null;
            }
        }

        return new IntelDetail(read, await sharing.GrantsOfAsync(read.Intel.RecordId, cancellationToken),
            [.. copies.Where(c => c.RecordId != read.Intel.RecordId)]);
    }

    /// <summary>Versions of an object read by <see cref="FindAsync"/>, newest first (null JSON once withdrawn).</summary>
    public async Task<IReadOnlyList<(IntelObjectVersion Version, JsonObject? Json)>> VersionsAsync(IntelDetail read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var (versions, _) = await intel.VersionsAsync(read.Read.Intel, null, MaxVersions, cancellationToken);
        return versions;
    }

    /// <summary>A page of the history of an object read by <see cref="FindAsync"/> (newest first; the position of the next page, or null).</summary>
    public Task<(IReadOnlyList<IntelHistoryEntry> Entries, long? Next)> HistoryAsync(Caller caller, IntelDetail read, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        return intel.HistoryAsync(caller, read.Read.Intel, before, limit, cancellationToken);
    }

    /// <summary>The warning-list hits of an object read by <see cref="FindAsync"/>.</summary>
    public Task<IReadOnlyList<IntelWarningHit>> WarningHitsAsync(IntelDetail read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        return intel.WarningHitsOfAsync(read.Read.Intel, cancellationToken);
    }

    /// <summary>The objects the caller may read related to an object read by <see cref="FindAsync"/> (relationships and references).</summary>
    public Task<IReadOnlyList<IntelRelated>> RelatedAsync(Caller caller, IntelDetail read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        return intel.RelatedAsync(caller, read.Read.Intel, read.Read.Current, cancellationToken);
    }

    /// <summary>
    /// The objects the caller may read that share a value with an object read by <see cref="FindAsync"/>; values
    /// carried by too many readable objects come back as common, not expanded. An object the caller may not read
    /// never appears, nor does anything that would show it exists.
    /// </summary>
    public Task<Correlations> CorrelationsAsync(Caller caller, IntelDetail read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        return intel.CorrelationsAsync(caller, read.Read.Intel, null, MaxCorrelations, cancellationToken);
    }

    /// <summary>How many objects the caller may read that reached this node after <paramref name="since"/> from other organisations, up to <paramref name="cap"/>.</summary>
    public async Task<int> CountNewAsync(Caller caller, DateTimeOffset since, int cap, CancellationToken cancellationToken) =>
        await access.Readable(db.IntelObjects.AsNoTracking().Where(o => o.AddedAt > since && o.OwnerOrganisationId != caller.OrganisationId), caller)
            .Select(o => o.RecordId).Take(cap).CountAsync(cancellationToken);

    /// <summary>
    /// Pretty-printed JSON of a stored version, for the page to show as text (never as markup): without <c>\u0027</c>-style
    /// escapes, as the HTML encoder escapes the text again when the page renders it.
    /// </summary>
    public static string Indented(JsonNode? json) => json?.ToJsonString(IndentedOptions) ?? "";

    /// <summary>The top-level properties of a stored version as (name, text) pairs; nested values as compact JSON text.</summary>
    public static IReadOnlyList<(string Name, string Value)> Properties(JsonObject? json) =>
        json is null
            ? []
            : [.. json.Select(p => (p.Key, p.Value is JsonValue v && v.TryGetValue<string>(out var text) ? text : p.Value?.ToJsonString(CompactOptions) ?? "null"))];

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

    private static readonly JsonSerializerOptions CompactOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonSerializerOptions IndentedOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private async Task<IReadOnlyList<ReadIntel>> WithGrantsAsync(IReadOnlyList<IntelObject> readable, CancellationToken cancellationToken)
    {
        // The objects come from the access decision; this only fetches their audience rows.
        var recordIds = readable.Select(o => o.RecordId).ToList();
        var grants = (await db.AccessGrants.AsNoTracking().Where(g => EF.Parameter(recordIds).Contains(g.RecordId)).ToListAsync(cancellationToken))
            .ToLookup(g => g.RecordId);
        return [.. readable.Select(o => new ReadIntel(o, [.. grants[o.RecordId]]))];
    }
}
