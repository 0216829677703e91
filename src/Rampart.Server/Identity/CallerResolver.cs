using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;

namespace Rampart.Server.Identity;

/// <summary>
/// Turns an authenticated principal into a <see cref="Caller"/>, reading role, organisation and
/// community memberships from the database on every request, so a change of role, a disabled
/// account or a new membership takes effect at once.
/// </summary>
public sealed class CallerResolver(RampartDb db) : ICallerResolver
{
    private const string SecurityStampClaimType = "AspNet.Identity.SecurityStamp";

    public async Task<Caller> ResolveAsync(ClaimsPrincipal principal, string? clientIp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        if (principal.Identity?.IsAuthenticated != true
            || !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            return Caller.Anonymous(clientIp);
        }

        var user = await db.Users.AsNoTracking()
            .Where(u => u.Id == userId)
            .Select(u => new { u.OrganisationId, u.Role, u.Disabled, u.SecurityStamp })
            .FirstOrDefaultAsync(cancellationToken);
        // A session from before "sign out everywhere" or a password change carries a stale stamp: refuse it at once.
        var stamp = principal.FindFirstValue(SecurityStampClaimType);
        if (user is null || user.Disabled || (stamp is not null && stamp != user.SecurityStamp))
        {
            return Caller.Anonymous(clientIp);
        }

        var communities = await db.CommunityMembers.AsNoTracking()
            .Where(m => m.OrganisationId == user.OrganisationId)
            .Select(m => m.CommunityId)
            .ToListAsync(cancellationToken);
        return new Caller(
            userId,
            user.OrganisationId,
            user.Role,
            communities.ToHashSet(),
            ReadOnly: principal.HasClaim(RampartClaims.ReadOnly, "true"),
            Credential: principal.FindFirstValue(RampartClaims.Credential),
            ClientIp: clientIp);
    }
}
