using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Read;
using Rampart.Standards.Markings;

namespace Rampart.Server.Taxii;

/// <summary>Who a collection lets in: <c>network</c> (every logged-in person of the node), <c>organisation</c> or <c>community</c> with its id.</summary>
public sealed record CollectionGrantee(string? Kind, Guid? Id = null);

/// <summary>
/// What a collection holds; every list optional (empty: no restriction), lists combined with AND, entries of one list with OR.
/// <c>audiences</c> keeps objects shared with one of the entries (an <c>organisation</c> entry also matches what it owns).
/// </summary>
public sealed record CollectionFilter(
    IReadOnlyList<string>? Tlps = null,
    IReadOnlyList<string>? Types = null,
    IReadOnlyList<string>? Labels = null,
    IReadOnlyList<Guid>? Owners = null,
    IReadOnlyList<CollectionGrantee>? Audiences = null);

/// <summary>A collection as an admin defines it. On change, omitted fields stay as they are.</summary>
public sealed record TaxiiCollectionRequest(
    string? Title,
    string? Description = null,
    string? Alias = null,
    bool? Network = null,
    CollectionFilter? Filter = null,
    IReadOnlyList<CollectionGrantee>? Readers = null,
    IReadOnlyList<CollectionGrantee>? Writers = null,
    string? WriteTlp = null,
    IReadOnlyList<AudienceEntry>? WriteAudiences = null);

public sealed record TaxiiCollectionView(
    Guid Id, string Title, string? Description, string? Alias, Guid? OrganisationId, bool Network, string Url,
    CollectionFilter Filter, IReadOnlyList<CollectionGrantee> Readers, IReadOnlyList<CollectionGrantee> Writers,
    string WriteTlp, IReadOnlyList<AudienceEntry> WriteAudiences, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// Defines, lists, changes and removes TAXII collections, and says who may read and write through one.
/// An organisation's collections are managed by its own admins and seen by its members; network collections by
/// node admins (and the command-line operator) and seen by everyone. Another organisation's collection does not
/// exist for the admin API (404). Defining a collection is administration, not reading: what a collection serves
/// always passes the access decision of the reader.
/// </summary>
public sealed partial class TaxiiCollections(RampartDb db, AuditTrail audit, TimeProvider clock)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private const int MaxCollectionsPerOwner = 200;

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex AliasPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,249}$")]
    private static partial Regex TypePattern();

    public static string PathOf(TaxiiCollection c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return $"{TaxiiFeature.ApiRootPath}collections/{c.Id:D}/";
    }

    public static CollectionFilter FilterOf(TaxiiCollection c) => JsonSerializer.Deserialize<CollectionFilter>(c.FilterJson, Json) ?? new CollectionFilter();

    public static IReadOnlyList<CollectionGrantee> ReadersOf(TaxiiCollection c) => JsonSerializer.Deserialize<List<CollectionGrantee>>(c.ReadersJson, Json) ?? [];

    public static IReadOnlyList<CollectionGrantee> WritersOf(TaxiiCollection c) => JsonSerializer.Deserialize<List<CollectionGrantee>>(c.WritersJson, Json) ?? [];

    public static IReadOnlyList<AudienceEntry> WriteAudienceOf(TaxiiCollection c) => JsonSerializer.Deserialize<List<AudienceEntry>>(c.WriteAudienceJson, Json) ?? [];

    public static TaxiiCollectionView View(TaxiiCollection c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Id, c.Title, c.Description, c.Alias, c.OrganisationId, c.OrganisationId is null, PathOf(c), FilterOf(c), ReadersOf(c), WritersOf(c),
            c.WriteTlp.Code(), WriteAudienceOf(c), c.CreatedAt, c.UpdatedAt);
    }

    /// <summary>The store filter of a collection, for <see cref="IntelQueries"/>.</summary>
    public static TaxiiObjectFilter StoreFilterOf(TaxiiCollection c)
    {
        var f = FilterOf(c);
        return new TaxiiObjectFilter(
            [.. (f.Tlps ?? []).Select(t => TlpMarking.TryParse(t, out var tlp) ? tlp : Tlp.Red).Distinct()],
            [.. f.Types ?? []],
            [.. f.Labels ?? []],
            [.. f.Owners ?? []],
            [.. (f.Audiences ?? []).Select(TokenOf)]);
    }

    private static Guid TokenOf(CollectionGrantee g) => g.Kind == "network" ? AccessTokens.Network : g.Id ?? Guid.Empty;

    private static bool Admits(Caller caller, IReadOnlyList<CollectionGrantee> grantees) =>
        caller.IsAuthenticated && !caller.IsOperator && grantees.Any(g => g.Kind switch
        {
            "network" => true,
            "organisation" => g.Id == caller.OrganisationId,
            "community" => g.Id is { } id && caller.CommunityIds.Contains(id),
            _ => false,
        });

    /// <summary>May read objects through <paramref name="c"/> (the objects themselves still pass the access decision).</summary>
    public static bool CanRead(Caller caller, TaxiiCollection c) => Admits(caller, ReadersOf(c));

    /// <summary>May add objects through <paramref name="c"/>: listed as a writer and allowed to create records at all.</summary>
    public static bool CanWrite(Caller caller, TaxiiCollection c) => AccessPolicy.CanCreate(caller) && Admits(caller, WritersOf(c));

    /// <summary>
    /// The collection by id or alias, when <paramref name="caller"/> may read or write through it; otherwise null (it does not
    /// exist for them). An alias is unique within its owner (an organisation, or the network) and resolves only among the
    /// caller's own organisation's collections and the network's — own first —, so another organisation's aliases neither
    /// resolve nor collide: they reveal nothing.
    /// </summary>
    public async Task<TaxiiCollection?> FindForTaxiiAsync(Caller caller, string idOrAlias, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(idOrAlias);
        if (Guid.TryParse(idOrAlias, out var id))
        {
            var byId = await db.TaxiiCollections.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
            return byId is not null && MayUse(caller, byId) ? byId : null;
        }

        if (idOrAlias.Length > TaxiiLimits.AliasLength || !AliasPattern().IsMatch(idOrAlias) || !caller.IsAuthenticated || caller.IsOperator)
        {
            return null;
        }

        var org = caller.OrganisationId;
        var candidates = await db.TaxiiCollections.AsNoTracking()
            .Where(c => c.Alias == idOrAlias && (c.OrganisationId == null || c.OrganisationId == org)).ToListAsync(cancellationToken);
        return candidates.Where(c => MayUse(caller, c)).OrderBy(c => c.OrganisationId is null).FirstOrDefault();
    }

    private static bool MayUse(Caller caller, TaxiiCollection c) => CanRead(caller, c) || Admits(caller, WritersOf(c));

    /// <summary>
    /// The alias as <paramref name="caller"/> may use it: a collection's alias when it resolves to that collection for them
    /// (their own organisation's, or the network's unless one of their own has the same alias); otherwise null.
    /// </summary>
    public static string? AliasFor(Caller caller, TaxiiCollection c, IReadOnlySet<string> ownAliases)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(ownAliases);
        return c.Alias is null ? null
            : c.OrganisationId is null ? (ownAliases.Contains(c.Alias) ? null : c.Alias)
            : c.OrganisationId == caller.OrganisationId ? c.Alias : null;
    }

    /// <summary>The aliases of the caller's own organisation's collections they may use (these win over a network collection's).</summary>
    public async Task<IReadOnlySet<string>> OwnAliasesAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            return new HashSet<string>();
        }

        var org = caller.OrganisationId;
        var own = await db.TaxiiCollections.AsNoTracking().Where(c => c.OrganisationId == org && c.Alias != null).ToListAsync(cancellationToken);
        return own.Where(c => MayUse(caller, c)).Select(c => c.Alias!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// The TLP and audience an object written through <paramref name="c"/> by <paramref name="caller"/> gets (before its
    /// own stricter marking). The collection's write sharing applies to writers of the organisation that owns it, and on
    /// a network collection (whose write audience is the network or nobody beyond the writer's organisation). A writer of
    /// another organisation never hands its objects to the owner's sharing: they stay with the writer's own organisation,
    /// at the collection's TLP or AMBER, whichever is stricter.
    /// </summary>
    public static (Tlp Tlp, IReadOnlyList<AudienceEntry> Audience, bool CollectionSharing) WriteSharingFor(Caller caller, TaxiiCollection c)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(c);
        return c.OrganisationId is null || c.OrganisationId == caller.OrganisationId
            ? (c.WriteTlp, WriteAudienceOf(c), true)
            : ((Tlp)Math.Max((int)c.WriteTlp, (int)Tlp.Amber), [], false);
    }

    /// <summary>
    /// The collection's description for a TAXII client, followed — when <paramref name="caller"/> may write — by what their
    /// writes get (TAXII clients see nothing else of a collection's definition). Names only what the caller may know:
    /// the audience of their own organisation's collection, or the network.
    /// </summary>
    public async Task<string?> DescriptionForAsync(Caller caller, TaxiiCollection c, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(c);
        if (!CanWrite(caller, c))
        {
            return c.Description;
        }

        var (tlp, audience, collectionSharing) = WriteSharingFor(caller, c);
        string to;
        if (!collectionSharing)
        {
            to = "your organisation only (the collection belongs to another organisation, whose sharing never applies to your objects)";
        }
        else if (audience.Count == 0)
        {
            to = "your organisation only";
        }
        else
        {
            var orgIds = audience.Select(a => a.OrganisationId ?? Guid.Empty).ToList();
            var communityIds = audience.Select(a => a.CommunityId ?? Guid.Empty).ToList();
            var orgs = await db.Organisations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.ShortName, cancellationToken);
            var communities = await db.Communities.AsNoTracking().Where(x => communityIds.Contains(x.Id)).ToDictionaryAsync(x => x.Id, x => x.Name, cancellationToken);
            to = "your organisation and " + string.Join(", ", audience.Select(a => a.Kind switch
            {
                AudienceKind.Network => "the whole network",
                AudienceKind.Community => $"the community '{(a.CommunityId is { } cm && communities.TryGetValue(cm, out var n) ? n : "?")}'",
                AudienceKind.Organisation => $"the organisation {(a.OrganisationId is { } o && orgs.TryGetValue(o, out var sn) ? sn : "?")}",
                _ => "named people",
            }));
        }

        var sentence = $"Objects you add to this collection are stored as your organisation's, shared {tlp.Label()} with {to}; an object's own stricter TLP marking wins.";
        return string.IsNullOrEmpty(c.Description) ? sentence : c.Description + "\n\n" + sentence;
    }

    /// <summary>
    /// The collections <paramref name="caller"/> may read or write through, by key. Grantee lists are small JSON, so the
    /// candidates (network collections and those of the caller's organisation, communities) are filtered here; a node
    /// has tens of collections, not millions.
    /// </summary>
    public async Task<(IReadOnlyList<TaxiiCollection> Items, bool More)> ListForTaxiiAsync(Caller caller, long? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var from = after ?? 0;
        var found = new List<TaxiiCollection>();
        while (found.Count <= limit)
        {
            var chunk = await db.TaxiiCollections.AsNoTracking().Where(c => c.Key > from).OrderBy(c => c.Key).Take(500).ToListAsync(cancellationToken);
            if (chunk.Count == 0)
            {
                break;
            }

            found.AddRange(chunk.Where(c => MayUse(caller, c)));
            from = chunk[^1].Key;
        }

        return ([.. found.Take(limit)], found.Count > limit);
    }

    private static bool MaySee(Caller caller, TaxiiCollection c) =>
        c.OrganisationId is null ? caller.IsAuthenticated : !caller.IsOperator && caller.IsAuthenticated && c.OrganisationId == caller.OrganisationId;

    private static bool MayManage(Caller caller, TaxiiCollection c) =>
        c.OrganisationId is { } org ? caller.IsAdminOf(org) : caller.IsNodeAdmin && !caller.ReadOnly;

    /// <summary>Admin list: the network collections and those of the caller's organisation, by key.</summary>
    public async Task<(IReadOnlyList<TaxiiCollection> Items, bool More)> ListAsync(Caller caller, long? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAuthenticated)
        {
            throw new ForbiddenException("Log in to see collections.");
        }

        var from = after ?? 0;
        var org = caller.IsOperator ? (Guid?)null : caller.OrganisationId;
        // Two index ranges, (OrganisationId, Key): the network's (null) and the caller's organisation's.
        var rows = await db.TaxiiCollections.AsNoTracking()
            .Where(c => (c.OrganisationId == null || (org != null && c.OrganisationId == org)) && c.Key > from)
            .OrderBy(c => c.Key).Take(limit + 1).ToListAsync(cancellationToken);
        return ([.. rows.Take(limit)], rows.Count > limit);
    }

    public async Task<TaxiiCollection?> FindAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var c = await db.TaxiiCollections.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, cancellationToken);
        return c is not null && MaySee(caller, c) ? c : null;
    }

    public async Task<TaxiiCollection> CreateAsync(Caller caller, TaxiiCollectionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var network = request.Network ?? false;
        if (network ? !(caller.IsNodeAdmin && !caller.ReadOnly) : !caller.IsAdminOf(caller.OrganisationId))
        {
            throw new ForbiddenException(network
                ? "Only node administrators define network collections."
                : "Only an admin of the organisation defines its collections.");
        }

        var now = clock.GetUtcNow();
        var c = new TaxiiCollection
        {
            Id = Guid.CreateVersion7(now),
            OrganisationId = network ? null : caller.OrganisationId,
            Title = "",
            FilterJson = "{}",
            ReadersJson = JsonSerializer.Serialize(network
                ? new[] { new CollectionGrantee("network") }
                : [new CollectionGrantee("organisation", caller.OrganisationId)], Json),
            WritersJson = "[]",
            WriteTlp = Tlp.Amber,
            WriteAudienceJson = "[]",
            CreatedAt = now,
            UpdatedAt = now,
        };
        await ApplyAsync(c, request, creating: true, cancellationToken);
        var owned = c.OrganisationId;
        if (await db.TaxiiCollections.CountAsync(x => x.OrganisationId == owned, cancellationToken) >= MaxCollectionsPerOwner)
        {
            throw RequestErrors.One("title", $"At most {MaxCollectionsPerOwner} collections per organisation (and on the network).");
        }

        db.TaxiiCollections.Add(c);
        audit.Record(AuditEvent.TaxiiCollectionCreated, Concerning(caller, c), $"taxii-collection:{c.Id}", detail: c.Title);
        await db.SaveChangesAsync(cancellationToken);
        return c;
    }

    public async Task<TaxiiCollection?> UpdateAsync(Caller caller, Guid id, TaxiiCollectionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var c = await db.TaxiiCollections.FirstOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (c is null || !MaySee(caller, c))
        {
            return null;
        }

        if (!MayManage(caller, c))
        {
            throw new ForbiddenException(c.OrganisationId is null ? "Only node administrators change network collections." : "Only an admin of the organisation changes its collections.");
        }

        if (request.Network is { } n && n != (c.OrganisationId is null))
        {
            throw RequestErrors.One("network", "A collection stays an organisation's or the network's: define a new one instead.");
        }

        await ApplyAsync(c, request, creating: false, cancellationToken);
        c.UpdatedAt = clock.GetUtcNow();
        audit.Record(AuditEvent.TaxiiCollectionChanged, Concerning(caller, c), $"taxii-collection:{c.Id}", detail: c.Title);
        await db.SaveChangesAsync(cancellationToken);
        return c;
    }

    public async Task<bool> DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var c = await db.TaxiiCollections.FirstOrDefaultAsync(x => x.Id == id, cancellationToken);
        if (c is null || !MaySee(caller, c))
        {
            return false;
        }

        if (!MayManage(caller, c))
        {
            throw new ForbiddenException("Only the collection's administrators remove it.");
        }

        db.TaxiiCollections.Remove(c);
        audit.Record(AuditEvent.TaxiiCollectionDeleted, Concerning(caller, c), $"taxii-collection:{c.Id}", detail: c.Title);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private static Caller Concerning(Caller caller, TaxiiCollection c) => c.OrganisationId is { } org ? caller.Concerning(org) : caller;

    // Validates everything first; changes the entity only when the whole request is valid.
    private async Task ApplyAsync(TaxiiCollection c, TaxiiCollectionRequest r, bool creating, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        if (creating || r.Title is not null)
        {
            errors.SingleLine("title", r.Title, TaxiiLimits.TitleLength);
        }

        errors.MultiLine("description", r.Description, TaxiiLimits.DescriptionLength);
        var alias = r.Alias?.Trim();
        if (alias is { Length: > 0 } && !AliasPattern().IsMatch(alias))
        {
            errors.Add("alias", "Lower-case letters, digits and '-', at most 64, starting with a letter or digit.");
        }
        else if (alias is { Length: > 0 } && Guid.TryParse(alias, out _))
        {
            errors.Add("alias", "An alias must not look like a collection id.");
        }

        var organisationIds = new List<Guid>();
        var communityIds = new List<Guid>();
        void Grantees(string field, IReadOnlyList<CollectionGrantee>? list)
        {
            if (list is null)
            {
                return;
            }

            if (list.Count > TaxiiLimits.MaxGrantees)
            {
                errors.Add(field, $"At most {TaxiiLimits.MaxGrantees} entries.");
                return;
            }

            for (var i = 0; i < list.Count; i++)
            {
                var g = list[i];
                switch (g?.Kind)
                {
                    case "network" when g.Id is null:
                        break;
                    case "organisation" when g.Id is { } o:
                        organisationIds.Add(o);
                        break;
                    case "community" when g.Id is { } cm:
                        communityIds.Add(cm);
                        break;
                    default:
                        errors.Add($"{field}[{i}]", "Use {\"kind\":\"network\"}, {\"kind\":\"organisation\",\"id\":…} or {\"kind\":\"community\",\"id\":…}.");
                        break;
                }
            }
        }

        Grantees("readers", r.Readers);
        Grantees("writers", r.Writers);
        var f = r.Filter;
        if (f is not null)
        {
            Grantees("filter.audiences", f.Audiences);
            void Count<T>(string field, IReadOnlyList<T>? list)
            {
                if (list is { Count: > TaxiiLimits.MaxFilterEntries })
                {
                    errors.Add(field, $"At most {TaxiiLimits.MaxFilterEntries} entries.");
                }
            }

            Count("filter.tlps", f.Tlps);
            Count("filter.types", f.Types);
            Count("filter.labels", f.Labels);
            Count("filter.owners", f.Owners);
            for (var i = 0; i < (f.Tlps?.Count ?? 0); i++)
            {
                if (!TlpMarking.TryParse(f.Tlps![i], out _))
                {
                    errors.Add($"filter.tlps[{i}]", "clear, green, amber, amber+strict or red.");
                }
            }

            for (var i = 0; i < (f.Types?.Count ?? 0); i++)
            {
                if (f.Types![i] is not { } t || !TypePattern().IsMatch(t))
                {
                    errors.Add($"filter.types[{i}]", "A STIX type: lower-case letters, digits and '-'.");
                }
            }

            for (var i = 0; i < (f.Labels?.Count ?? 0); i++)
            {
                errors.SingleLine($"filter.labels[{i}]", f.Labels![i], Intelligence.Store.IntelLimits.LabelLength);
            }

            organisationIds.AddRange(f.Owners ?? []);
        }

        Tlp writeTlp = c.WriteTlp;
        if (r.WriteTlp is not null && !TlpMarking.TryParse(r.WriteTlp, out writeTlp))
        {
            errors.Add("writeTlp", "clear, green, amber, amber+strict or red.");
        }

        var writeAudience = r.WriteAudiences ?? (creating ? [] : WriteAudienceOf(c));
        if (writeAudience.Count > TaxiiLimits.MaxGrantees)
        {
            errors.Add("writeAudiences", $"At most {TaxiiLimits.MaxGrantees} entries.");
        }
        else if (!errors.Has("writeTlp"))
        {
            for (var i = 0; i < writeAudience.Count; i++)
            {
                var e = writeAudience[i];
                if (e?.Kind is not { } kind)
                {
                    errors.Add($"writeAudiences[{i}]", "An entry needs a kind.");
                }
                else if (!SharingRules.Allows(writeTlp, kind))
                {
                    errors.Add($"writeAudiences[{i}]", $"TLP {writeTlp.Code()} cannot go to a {kind.ToString().ToLowerInvariant()} audience.");
                }
                else if (c.OrganisationId is null && kind != AudienceKind.Network)
                {
                    // A network collection is written by many organisations: it may not hand their objects to one organisation,
                    // community or person (the writer's own organisation always keeps them).
                    errors.Add($"writeAudiences[{i}]", "A network collection shares writes with the network or with nobody beyond the writer's organisation.");
                }
            }
        }

        errors.ThrowIfAny();
        var knownOrganisations = await db.Organisations.Where(o => organisationIds.Contains(o.Id)).Select(o => o.Id).ToListAsync(cancellationToken);
        var knownCommunities = await db.Communities.Where(x => communityIds.Contains(x.Id)).Select(x => x.Id).ToListAsync(cancellationToken);
        foreach (var missing in organisationIds.Except(knownOrganisations))
        {
            errors.Add("organisations", $"No organisation {missing}.");
        }

        foreach (var missing in communityIds.Except(knownCommunities))
        {
            errors.Add("communities", $"No community {missing}.");
        }

        // The write sharing applies to writers of the collection's own organisation (WriteSharingFor): a community that
        // organisation is not in could never be used by them (every write would be refused), so it is refused here, at
        // definition. Should the organisation leave the community later, writes are refused with a 403 that says so.
        if (c.OrganisationId is { } owningOrganisation && !errors.Has("writeTlp"))
        {
            var audienceCommunities = writeAudience.Select(e => e?.CommunityId).OfType<Guid>().Distinct().ToList();
            var memberOf = audienceCommunities.Count == 0 ? [] : await db.CommunityMembers.AsNoTracking()
                .Where(m => m.OrganisationId == owningOrganisation && audienceCommunities.Contains(m.CommunityId)).Select(m => m.CommunityId).ToListAsync(cancellationToken);
            for (var i = 0; i < writeAudience.Count; i++)
            {
                if (writeAudience[i] is { Kind: AudienceKind.Community, CommunityId: { } cm } && !memberOf.Contains(cm))
                {
                    errors.Add($"writeAudiences[{i}]", "The collection's organisation is not a member of this community: objects written through it could not be shared with it.");
                }
            }
        }

        // Aliases are unique within the owner — an organisation, or the network — never across organisations: a collision
        // answer tells an admin only about collections they see anyway (their own organisation's and the network's).
        var scope = c.OrganisationId;
        if (alias is { Length: > 0 } && alias != c.Alias
            && await db.TaxiiCollections.AnyAsync(x => x.Alias == alias && (x.OrganisationId == scope || x.OrganisationId == null), cancellationToken))
        {
            errors.Add("alias", scope is null ? "Another network collection has this alias." : "A collection of your organisation, or a network collection, has this alias.");
        }

        errors.ThrowIfAny();
        if (r.Title is not null)
        {
            c.Title = r.Title.Trim();
        }

        if (r.Description is not null)
        {
            c.Description = r.Description.Length == 0 ? null : r.Description;
        }

        if (r.Alias is not null)
        {
            c.Alias = alias is { Length: > 0 } ? alias : null;
        }

        if (f is not null)
        {
            c.FilterJson = JsonSerializer.Serialize(new CollectionFilter(
                f.Tlps?.Select(t => TlpMarking.TryParse(t, out var tlp) ? tlp.Code() : t).Distinct().ToList(),
                f.Types?.Distinct().ToList(), f.Labels?.Select(l => l.Trim()).Distinct().ToList(), f.Owners?.Distinct().ToList(), f.Audiences), Json);
        }

        if (r.Readers is not null)
        {
            c.ReadersJson = JsonSerializer.Serialize(r.Readers, Json);
        }

        if (r.Writers is not null)
        {
            c.WritersJson = JsonSerializer.Serialize(r.Writers, Json);
        }

        c.WriteTlp = writeTlp;
        c.WriteAudienceJson = JsonSerializer.Serialize(writeAudience, Json);
    }
}
