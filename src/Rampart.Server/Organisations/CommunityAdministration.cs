using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Identity;

namespace Rampart.Server.Organisations;

public sealed record CommunityRequest(string? Name, string? Description, Guid? ModeratorOrganisationId);

/// <summary>
/// Node admins create communities. Joining needs the moderating organisation's consent: its admins add
/// members or accept requests; node admins and the joining organisation ask. Node admins and the
/// moderating organisation's admins remove members (leaving narrows what anyone reads). The moderating
/// organisation is always a member.
/// </summary>
public sealed class CommunityAdministration(RampartDb db, AuditTrail audit, TimeProvider clock)
{
    public async Task<Community> CreateAsync(Caller caller, CommunityRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (!caller.IsNodeAdmin || caller.ReadOnly)
        {
            throw new ForbiddenException("Only node admins create communities.");
        }

        var errors = new RequestErrors();
        errors.SingleLine("name", request.Name, 200);
        errors.MultiLine("description", request.Description, 4000);
        if (request.ModeratorOrganisationId is null)
        {
            errors.Add("moderatorOrganisationId", "Required.");
        }
        else if (!await db.Organisations.AnyAsync(o => o.Id == request.ModeratorOrganisationId, cancellationToken))
        {
            errors.Add("moderatorOrganisationId", "No such organisation.");
        }

        var name = request.Name?.Trim();
        if (name is not null && !errors.Has("name") && await db.Communities.AnyAsync(c => c.Name == name, cancellationToken))
        {
            errors.Add("name", "A community with this name exists.");
        }

        errors.ThrowIfAny();
        var now = clock.GetUtcNow();
        var community = new Community
        {
            Id = Guid.CreateVersion7(now),
            Name = name!,
            Description = string.IsNullOrWhiteSpace(request.Description) ? null : request.Description.Trim(),
            ModeratorOrganisationId = request.ModeratorOrganisationId!.Value,
            CreatedAt = now,
        };
        community.Members.Add(new CommunityMember { CommunityId = community.Id, OrganisationId = community.ModeratorOrganisationId, AddedAt = now });
        db.Communities.Add(community);
        audit.Record(AuditEvent.CommunityCreated, caller.Concerning(community.ModeratorOrganisationId), $"community:{community.Id}", detail: community.Name);
        await db.SaveChangesAsync(cancellationToken);
        return community;
    }

    /// <summary>
    /// Asks for <paramref name="organisationId"/> to join. The moderating organisation's own admins add at
    /// once (their consent is the request); anyone else — the joining organisation's admins, a node admin, the
    /// operator — leaves a pending request that the moderating organisation's admins accept or decline.
    /// </summary>
    public async Task<MembershipOutcome> AddMemberAsync(Caller caller, Guid communityId, Guid organisationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var community = await db.Communities.Include(c => c.Members).FirstOrDefaultAsync(c => c.Id == communityId, cancellationToken);
        if (community is null)
        {
            return new MembershipOutcome(MembershipOutcomeKind.NotFound, null);
        }

        var moderator = caller.IsAdminOf(community.ModeratorOrganisationId);
        if (!moderator && !caller.IsAdminOf(organisationId) && !(caller.IsNodeAdmin && !caller.ReadOnly))
        {
            throw new ForbiddenException("Only the moderating organisation's admins add members; an organisation's admins and node admins may ask.");
        }

        if (!await db.Organisations.AnyAsync(o => o.Id == organisationId, cancellationToken))
        {
            throw RequestErrors.One("organisationId", "No such organisation.");
        }

        // Joining is reading the community's records; an organisation still being onboarded (no users yet) would
        // let whoever onboards it read them with its first user's one-time password.
        // An organisation declared to live on a peer node has its users there, and nobody here can onboard it (federation).
        if (!await db.Users.AnyAsync(u => u.OrganisationId == organisationId, cancellationToken)
            && !await db.FederationPeerOrganisations.AnyAsync(o => o.OrganisationId == organisationId, cancellationToken))
        {
            throw RequestErrors.One("organisationId", "This organisation has no users yet: it joins communities once its first user is onboarded.");
        }

        if (community.Members.Any(m => m.OrganisationId == organisationId))
        {
            return new MembershipOutcome(MembershipOutcomeKind.AlreadyMember, null);
        }

        var now = clock.GetUtcNow();
        var pending = await db.CommunityMembershipRequests.FirstOrDefaultAsync(
            r => r.CommunityId == communityId && r.OrganisationId == organisationId && r.Status == MembershipRequestStatus.Pending, cancellationToken);
        if (moderator)
        {
            community.Members.Add(new CommunityMember { CommunityId = communityId, OrganisationId = organisationId, AddedAt = now });
            if (pending is not null)
            {
                Decide(pending, caller, MembershipRequestStatus.Accepted, now);
            }

            RecordForBoth(AuditEvent.CommunityMemberAdded, caller, community, organisationId, null);
            await db.SaveChangesAsync(cancellationToken);
            return new MembershipOutcome(MembershipOutcomeKind.Added, pending);
        }

        if (pending is not null)
        {
            return new MembershipOutcome(MembershipOutcomeKind.Requested, pending);
        }

        var request = new CommunityMembershipRequest
        {
            Id = Guid.CreateVersion7(now),
            CommunityId = communityId,
            OrganisationId = organisationId,
            RequestedByUserId = caller.UserId == Guid.Empty ? null : caller.UserId,
            RequestedByOrganisationId = caller.OrganisationId == Guid.Empty ? null : caller.OrganisationId,
            Status = MembershipRequestStatus.Pending,
            RequestedAt = now,
        };
        db.CommunityMembershipRequests.Add(request);
        RecordForBoth(AuditEvent.CommunityMembershipRequested, caller, community, organisationId, $"request:{request.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return new MembershipOutcome(MembershipOutcomeKind.Requested, request);
    }

    /// <summary>The moderating organisation's admins accept a pending request; null when the caller may not see it.</summary>
    public Task<CommunityMembershipRequest?> AcceptAsync(Caller caller, Guid requestId, CancellationToken cancellationToken) =>
        DecideAsync(caller, requestId, MembershipRequestStatus.Accepted, cancellationToken);

    /// <summary>The moderating organisation's admins decline, or the joining organisation's admins withdraw.</summary>
    public Task<CommunityMembershipRequest?> DeclineAsync(Caller caller, Guid requestId, CancellationToken cancellationToken) =>
        DecideAsync(caller, requestId, MembershipRequestStatus.Declined, cancellationToken);

    /// <summary>
    /// Requests the caller is party to: those for communities its organisation moderates and those for its
    /// organisation joining; node admins see all.
    /// </summary>
    public async Task<(List<CommunityMembershipRequest> Items, bool More)> RequestsVisibleToAsync(Caller caller, Guid? before, int size, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAuthenticated)
        {
            return ([], false);
        }

        var query = db.CommunityMembershipRequests.AsNoTracking();
        if (!caller.IsNodeAdmin)
        {
            if (caller.Role != Role.OrgAdmin)
            {
                return ([], false);
            }

            var own = caller.OrganisationId;
            var communities = db.Communities;
            query = query.Where(r => r.OrganisationId == own
                || communities.Any(c => c.Id == r.CommunityId && c.ModeratorOrganisationId == own));
        }

        // Keyset on the primary key: ids are version-7 UUIDs, so id order is the order requests were made in.
        if (before is { } b)
        {
            query = query.Where(r => r.Id.CompareTo(b) < 0);
        }

        var page = await query.OrderByDescending(r => r.Id).Take(size + 1).ToListAsync(cancellationToken);
        var more = page.Count > size;
        return (more ? page[..size] : page, more);
    }

    private async Task<CommunityMembershipRequest?> DecideAsync(Caller caller, Guid requestId, MembershipRequestStatus decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var request = await db.CommunityMembershipRequests.FirstOrDefaultAsync(r => r.Id == requestId, cancellationToken);
        var community = request is null ? null
            : await db.Communities.Include(c => c.Members).FirstOrDefaultAsync(c => c.Id == request.CommunityId, cancellationToken);
        if (request is null || community is null)
        {
            return null;
        }

        var moderator = caller.IsAdminOf(community.ModeratorOrganisationId);
        var joining = caller.IsAdminOf(request.OrganisationId);
        var party = moderator || joining || caller.IsNodeAdmin;
        if (!party)
        {
            return null;
        }

        // Consent is the moderating organisation's: a node admin or the joining organisation cannot give it.
        if (decision == MembershipRequestStatus.Accepted ? !moderator : !(moderator || joining))
        {
            throw new ForbiddenException(decision == MembershipRequestStatus.Accepted
                ? "Only the moderating organisation's admins accept a request to join."
                : "Only the moderating organisation's admins decline a request; the joining organisation's admins may withdraw it.");
        }

        if (request.Status != MembershipRequestStatus.Pending)
        {
            throw RequestErrors.One("status", $"The request was already {request.Status.ToString().ToLowerInvariant()}.");
        }

        var now = clock.GetUtcNow();
        Decide(request, caller, decision, now);
        if (decision == MembershipRequestStatus.Accepted)
        {
            if (community.Members.All(m => m.OrganisationId != request.OrganisationId))
            {
                community.Members.Add(new CommunityMember { CommunityId = community.Id, OrganisationId = request.OrganisationId, AddedAt = now });
            }

            RecordForBoth(AuditEvent.CommunityMemberAdded, caller, community, request.OrganisationId, $"request:{request.Id}");
        }
        else
        {
            RecordForBoth(AuditEvent.CommunityMembershipDeclined, caller, community, request.OrganisationId, $"request:{request.Id}");
        }

        await db.SaveChangesAsync(cancellationToken);
        return request;
    }

    private static void Decide(CommunityMembershipRequest request, Caller caller, MembershipRequestStatus decision, DateTimeOffset now)
    {
        request.Status = decision;
        request.DecidedAt = now;
        request.DecidedByUserId = caller.UserId == Guid.Empty ? null : caller.UserId;
    }

    // One entry where the moderating organisation's admins see it and one where the joining organisation's do.
    private void RecordForBoth(AuditEvent auditEvent, Caller caller, Community community, Guid organisationId, string? detail)
    {
        var text = detail is null ? $"organisation:{organisationId}" : $"organisation:{organisationId} {detail}";
        audit.Record(auditEvent, caller.Concerning(community.ModeratorOrganisationId), $"community:{community.Id}", detail: text);
        if (organisationId != community.ModeratorOrganisationId)
        {
            audit.Record(auditEvent, caller.Concerning(organisationId), $"community:{community.Id}", detail: text);
        }
    }

    public async Task<bool> RemoveMemberAsync(Caller caller, Guid communityId, Guid organisationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var community = await db.Communities.Include(c => c.Members).FirstOrDefaultAsync(c => c.Id == communityId, cancellationToken);
        if (community is null)
        {
            return false;
        }

        EnsureModerator(caller, community);
        if (organisationId == community.ModeratorOrganisationId)
        {
            throw RequestErrors.One("organisationId", "The moderating organisation cannot leave its community.");
        }

        var member = community.Members.FirstOrDefault(m => m.OrganisationId == organisationId);
        if (member is null)
        {
            return true;
        }

        community.Members.Remove(member);
        RecordForBoth(AuditEvent.CommunityMemberRemoved, caller, community, organisationId, null);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private static void EnsureModerator(Caller caller, Community community)
    {
        var allowed = !caller.ReadOnly && (caller.IsNodeAdmin
            || (caller.Role == Role.OrgAdmin && caller.OrganisationId == community.ModeratorOrganisationId));
        if (!allowed)
        {
            throw new ForbiddenException("Only node admins and the moderating organisation's admins manage members.");
        }
    }
}

public enum MembershipOutcomeKind
{
    NotFound,
    Added,
    AlreadyMember,
    Requested,
}

/// <summary>What asking to add a member did; <see cref="Request"/> is the pending (or just accepted) request.</summary>
public sealed record MembershipOutcome(MembershipOutcomeKind Kind, CommunityMembershipRequest? Request);
