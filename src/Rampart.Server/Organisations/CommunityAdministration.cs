using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Identity;

namespace Rampart.Server.Organisations;

public sealed record CommunityRequest(string? Name, string? Description, Guid? ModeratorOrganisationId);

/// <summary>
/// Node admins create communities; node admins and the moderating organisation's admins manage members.
/// The moderating organisation is always a member.
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
        errors.Required("name", request.Name, 200);
        errors.MaxLength("description", request.Description, 4000);
        if (request.ModeratorOrganisationId is null)
        {
            errors.Add("moderatorOrganisationId", "Required.");
        }
        else if (!await db.Organisations.AnyAsync(o => o.Id == request.ModeratorOrganisationId, cancellationToken))
        {
            errors.Add("moderatorOrganisationId", "No such organisation.");
        }

        var name = request.Name?.Trim();
        if (name is not null && await db.Communities.AnyAsync(c => c.Name == name, cancellationToken))
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
        audit.Record(AuditEvent.CommunityCreated, caller, $"community:{community.Id}", detail: community.Name);
        await db.SaveChangesAsync(cancellationToken);
        return community;
    }

    /// <summary>Adds a member; false when the community does not exist.</summary>
    public async Task<bool> AddMemberAsync(Caller caller, Guid communityId, Guid organisationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var community = await db.Communities.Include(c => c.Members).FirstOrDefaultAsync(c => c.Id == communityId, cancellationToken);
        if (community is null)
        {
            return false;
        }

        EnsureModerator(caller, community);
        if (!await db.Organisations.AnyAsync(o => o.Id == organisationId, cancellationToken))
        {
            throw RequestErrors.One("organisationId", "No such organisation.");
        }

        if (community.Members.Any(m => m.OrganisationId == organisationId))
        {
            return true;
        }

        community.Members.Add(new CommunityMember { CommunityId = communityId, OrganisationId = organisationId, AddedAt = clock.GetUtcNow() });
        audit.Record(AuditEvent.CommunityMemberAdded, caller, $"community:{communityId}", detail: $"organisation:{organisationId}");
        await db.SaveChangesAsync(cancellationToken);
        return true;
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
        audit.Record(AuditEvent.CommunityMemberRemoved, caller, $"community:{communityId}", detail: $"organisation:{organisationId}");
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
