using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;
using Rampart.Standards.Markings;

namespace Rampart.Server.Access;

/// <summary>
/// Validates a requested distribution against the database (communities, organisations, people) and
/// writes a record's envelope and its <see cref="AccessGrant"/> rows in the caller's unit of work. Used by every shareable type.
/// </summary>
public sealed class SharingStore(RampartDb db, IPeopleDirectory people)
{
    /// <summary>Adds every broken rule of <paramref name="request"/> to <paramref name="errors"/>; returns the entries, resolved, when there is none.</summary>
    public async Task<IReadOnlyList<ResolvedAudience>> ValidateAsync(Caller caller, SharingRequest request, RequestErrors errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        SharingRules.Validate(request, errors);
        if (errors.Any)
        {
            return [];
        }

        var entries = request.Audiences;
        var communityIds = entries.Where(e => e.CommunityId is not null).Select(e => e.CommunityId!.Value).Distinct().ToList();
        var knownCommunities = await db.Communities.Where(c => communityIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(cancellationToken);
        var organisationIds = entries.Where(e => e.OrganisationId is not null).Select(e => e.OrganisationId!.Value).Distinct().ToList();
        var knownOrganisations = await db.Organisations.Where(o => organisationIds.Contains(o.Id)).Select(o => o.Id).ToListAsync(cancellationToken);
        // An organisation without users is still being onboarded, and whoever onboards it (a node admin, the operator)
        // learns its first user's one-time password: nothing is shared with it until it has people of its own.
        var onboardedOrganisations = new HashSet<Guid>(await people.OrganisationsWithUsersAsync(organisationIds, cancellationToken));
        // An organisation declared to live on a peer node has its people there (federation): records go to it through the
        // hop rules, and nobody here can onboard it (UserAdministration refuses), so it may be named.
        onboardedOrganisations.UnionWith(await db.FederationPeerOrganisations.Where(o => organisationIds.Contains(o.OrganisationId)).Select(o => o.OrganisationId).ToListAsync(cancellationToken));
        var userIds = entries.Where(e => e.UserId is not null).Select(e => e.UserId!.Value).Distinct().ToList();
        var userOrganisations = await people.ActiveUserOrganisationsAsync(userIds, cancellationToken);

        var resolved = new List<ResolvedAudience>();
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var field = request.FieldOf(i, entry, EntryPart.Target);
            switch (entry.Kind)
            {
                case AudienceKind.Community when !knownCommunities.Contains(entry.CommunityId!.Value):
                    errors.Add(field, "No such community.");
                    break;
                case AudienceKind.Community when !AccessPolicy.CanShareTo(caller, new ResolvedAudience(AudienceKind.Community, CommunityId: entry.CommunityId)):
                    errors.Add(field, "Your organisation is not a member of this community.");
                    break;
                case AudienceKind.Organisation when !knownOrganisations.Contains(entry.OrganisationId!.Value):
                    errors.Add(field, $"No organisation {entry.OrganisationId}.");
                    break;
                case AudienceKind.Organisation when !onboardedOrganisations.Contains(entry.OrganisationId!.Value):
                    errors.Add(field, $"Organisation {entry.OrganisationId} has no users yet: share with it once its first user is onboarded.");
                    break;
                case AudienceKind.Person when !userOrganisations.TryGetValue(entry.UserId!.Value, out var userOrganisation)
                                              || (entry.OrganisationId is { } named && named != userOrganisation):
                    errors.Add(field, entry.OrganisationId is null ? $"No user {entry.UserId}." : $"No user {entry.UserId} in organisation {entry.OrganisationId}.");
                    break;
                case AudienceKind.Person:
                    resolved.Add(new ResolvedAudience(AudienceKind.Person, userOrganisations[entry.UserId!.Value], UserId: entry.UserId));
                    break;
                default:
                    resolved.Add(new ResolvedAudience(entry.Kind!.Value, entry.OrganisationId, entry.CommunityId, entry.UserId));
                    break;
            }
        }

        return resolved;
    }

    /// <summary>
    /// Sets TLP and publication of <paramref name="record"/> and makes its grant rows exactly those of
    /// <paramref name="audience"/> (in the caller's unit of work, so they commit with the record).
    /// </summary>
    public async Task ApplyAsync(SharedRecord record, Standards.Markings.Tlp tlp, IReadOnlyList<ResolvedAudience> audience, bool published, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(audience);
        var (tlpBefore, publishedBefore) = (record.Tlp, record.Published);
        record.Tlp = tlp;
        record.Published = published;
        var wanted = AccessTokens.GrantsFor(record.RecordType, record.Id, record.OwnerOrganisationId, audience, published);
        var existing = record.Id == 0
            ? []
            : await db.AccessGrants.Where(g => g.RecordId == record.Id).ToListAsync(cancellationToken);
        if (record.Id != 0)
        {
            // A record held before: the tokens that stop or start reaching it (its narrowing, widening or raised TLP).
            _ = NoteReachChanges(db, record, existing, tlpBefore, publishedBefore, wanted);
        }
        foreach (var stale in existing.Where(e => wanted.All(w => w.GranteeId != e.GranteeId)))
        {
            db.AccessGrants.Remove(stale);
        }

        foreach (var grant in wanted)
        {
            if (existing.FirstOrDefault(e => e.GranteeId == grant.GranteeId) is { } kept)
            {
                kept.Kind = grant.Kind;
                kept.SubjectId = grant.SubjectId;
                kept.SubjectOrganisationId = grant.SubjectOrganisationId;
            }
            else
            {
                grant.Record = record;
                db.AccessGrants.Add(grant);
            }
        }
    }

    /// <summary>
    /// Adds an <see cref="AccessReachChange"/> for each token whose reach of <paramref name="record"/> (already at its new
    /// TLP and publication) differs between <paramref name="before"/> at (<paramref name="tlpBefore"/>, <paramref name="publishedBefore"/>)
    /// and <paramref name="after"/>; how many. Saved with the caller's unit of work.
    /// </summary>
    public static int NoteReachChanges(RampartDb db, SharedRecord record, IEnumerable<AccessGrant> before, Standards.Markings.Tlp tlpBefore, bool publishedBefore, IEnumerable<AccessGrant> after)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(record);
        var tokens = AccessReachChange.Changed(before, tlpBefore, publishedBefore, after, record.Tlp, record.Published);
        foreach (var token in tokens)
        {
            db.AccessReachChanges.Add(new AccessReachChange { GranteeId = token, RecordType = record.RecordType, RecordId = record.Id });
        }

        return tokens.Count;
    }

    /// <summary>The grant rows of one record, for showing its audience to the owner.</summary>
    public async Task<List<AccessGrant>> GrantsOfAsync(long recordId, CancellationToken cancellationToken) =>
        await db.AccessGrants.AsNoTracking().Where(g => g.RecordId == recordId).OrderBy(g => g.Kind).ThenBy(g => g.SubjectId).ToListAsync(cancellationToken);

    /// <summary>
    /// The audience entries a record's grants stand for (the owner and public grants are not entries).
    /// A row that does not describe itself (written by hand or by a bug) is left out: it is no entry anyone chose.
    /// </summary>
    public static IReadOnlyList<ResolvedAudience> AudienceOf(IEnumerable<AccessGrant> grants) =>
        grants.Select(g => (g.Kind, g.SubjectId, g.SubjectOrganisationId) switch
        {
            (GrantKind.Organisation, { } organisation, _) when g.GranteeId == organisation => new ResolvedAudience(AudienceKind.Organisation, organisation),
            (GrantKind.Person, { } user, { } organisation) when g.GranteeId == AccessTokens.Person(user, organisation)
                => new ResolvedAudience(AudienceKind.Person, organisation, UserId: user),
            (GrantKind.Community, { } community, _) when g.GranteeId == community => new ResolvedAudience(AudienceKind.Community, CommunityId: community),
            (GrantKind.Network, _, _) when g.GranteeId == AccessTokens.Network => new ResolvedAudience(AudienceKind.Network),
            _ => null,
        }).OfType<ResolvedAudience>().ToList();

    /// <summary>The single-audience summary of a set of entries, as the first API showed it.</summary>
    public static Audience Summary(IReadOnlyList<AccessGrant> grants)
    {
        ArgumentNullException.ThrowIfNull(grants);
        return Summary(AudienceOf(grants));
    }

    /// <summary>The single-audience summary of audience entries.</summary>
    public static Audience Summary(IReadOnlyList<ResolvedAudience> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var kinds = entries.Select(e => e.Kind is AudienceKind.Person ? AudienceKind.Organisation : e.Kind).Distinct().ToList();
        return kinds switch
        {
            [] => Audience.Organisation,
            [AudienceKind.Organisation] => Audience.Recipients,
            [AudienceKind.Community] when entries.Count == 1 => Audience.Community,
            [AudienceKind.Network] => Audience.Network,
            _ => Audience.Combined,
        };
    }

    /// <summary>
    /// What a sharing change widens — a looser TLP, or audience entries not there before — in words for the 400 on
    /// <c>confirm</c>; null when it only keeps or narrows. Widening needs the caller's explicit confirmation.
    /// </summary>
    public static string? Widening(Tlp before, Tlp after, IReadOnlyList<ResolvedAudience> held, IReadOnlyList<ResolvedAudience> chosen)
    {
        ArgumentNullException.ThrowIfNull(held);
        ArgumentNullException.ThrowIfNull(chosen);
        var what = new List<string>();
        if (after < before)
        {
            what.Add($"the TLP loosens from {before.Label()} to {after.Label()}");
        }

        var added = chosen.Where(e => !held.Contains(e)).ToList();
        if (added.Count > 0)
        {
            what.Add($"{added.Count} audience entr{(added.Count == 1 ? "y" : "ies")} added ({string.Join(", ", added.Select(e => e.Kind.ToString().ToLowerInvariant()))})");
        }

        return what.Count == 0 ? null : string.Join("; ", what);
    }
}
