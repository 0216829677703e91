using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;

namespace Rampart.Server.Identity;

/// <summary>Adds a session id to each login (so the audit trail can tell sessions apart) and any pending account setup.</summary>
public sealed class RampartClaimsFactory(UserManager<User> users, IOptions<IdentityOptions> options, TimeProvider clock)
    : UserClaimsPrincipalFactory<User>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(User user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(RampartClaims.Credential, "session:" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))));
        identity.AddClaim(new Claim(RampartClaims.AuthenticatedAt, clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)));
        if (AccountObligations.PendingFor(user) is { } pending)
        {
            identity.AddClaim(new Claim(AccountObligations.Claim, pending));
        }

        return identity;
    }
}
