using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;
using Rampart.Server.Identity;

namespace Rampart.Server.Access;

/// <summary>
/// Turns an authenticated principal into a <see cref="Caller"/>, reading role, organisation and
/// community memberships from the database on every request, so a change of role, a disabled
/// account or a new membership takes effect at once.
/// </summary>
public sealed class CallerResolver(RampartDb db)
{
    private const string ItemKey = "rampart.caller";
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

    /// <summary>The caller of this HTTP request, resolved once and kept for the rest of it.</summary>
    public static async ValueTask<Caller> ForRequestAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items.TryGetValue(ItemKey, out var cached) && cached is Caller caller)
        {
            return caller;
        }

        var resolver = context.RequestServices.GetRequiredService<CallerResolver>();
        caller = await resolver.ResolveAsync(context.User, context.Connection.RemoteIpAddress?.ToString(), context.RequestAborted);
        context.Items[ItemKey] = caller;
        return caller;
    }
}

/// <summary>Claim types Rampart adds to sessions and API-key principals.</summary>
public static class RampartClaims
{
    public const string Credential = "rampart:credential";
    public const string ReadOnly = "rampart:readonly";

    /// <summary>When the session's user last proved who they are (login or re-authentication), in seconds since 1970.</summary>
    public const string AuthenticatedAt = "rampart:auth_time";
}
