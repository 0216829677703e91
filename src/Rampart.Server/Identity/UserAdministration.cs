using System.Net.Mail;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

namespace Rampart.Server.Identity;

public sealed record UserRequest(string? Email, string? DisplayName, Guid? OrganisationId, Role? Role);

/// <summary>A user just created, with the one-time password to hand over out of band.</summary>
public sealed record CreatedUser(User User, string OneTimePassword);

/// <summary>
/// An organisation's own admins create its users. A node admin (or the command-line operator) creates
/// only an organisation's first user — its org admin, at onboarding, while it has no users at all — since
/// a user made by an outsider, with a password the outsider knows, would let the outsider read as them.
/// Node admins disable users of any organisation; only node admins make node admins. New users get a
/// one-time password they must change at first login.
/// </summary>
public sealed class UserAdministration(RampartDb db, UserManager<User> users, AuditTrail audit, TimeProvider clock)
{
    public async Task<CreatedUser> CreateAsync(Caller caller, UserRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var errors = new RequestErrors();
        errors.SingleLine("email", request.Email, 254);
        if (!string.IsNullOrWhiteSpace(request.Email) && !MailAddress.TryCreate(request.Email.Trim(), out _))
        {
            errors.Add("email", "Not an e-mail address.");
        }

        errors.SingleLine("displayName", request.DisplayName, 200, required: false);
        if (request.Role is null)
        {
            errors.Add("role", "Required.");
        }

        if (request.OrganisationId is null)
        {
            errors.Add("organisationId", "Required.");
        }
        else if (!await db.Organisations.AnyAsync(o => o.Id == request.OrganisationId, cancellationToken))
        {
            errors.Add("organisationId", "No such organisation.");
        }

        errors.ThrowIfAny();
        var organisationId = request.OrganisationId!.Value;
        if (request.Role == Role.NodeAdmin && !caller.IsNodeAdmin)
        {
            throw RequestErrors.One("role", "Only node admins create node admins.");
        }

        var onboarding = !caller.IsAdminOf(organisationId);
        if (onboarding)
        {
            if (!caller.IsNodeAdmin || caller.ReadOnly)
            {
                throw new ForbiddenException("Only the organisation's own admins create its users.");
            }

            // Onboarding: disabled users count, so disabling an organisation's people does not reopen it.
            if (await db.Users.AnyAsync(u => u.OrganisationId == organisationId, cancellationToken))
            {
                throw new ForbiddenException("This organisation has users: only its own admins create more. A node admin creates only an organisation's first org admin.");
            }

            // Federation: an organisation living on a peer node has its people there. Records shared with it or received
            // from it are held here for it; onboarding it here would hand its first user's password — and those records — to an admin.
            if (await db.FederationPeerOrganisations.AnyAsync(o => o.OrganisationId == organisationId, cancellationToken)
                || await db.AccessGrants.AnyAsync(g => g.GranteeId == organisationId, cancellationToken)
                || await db.SharedRecords.AnyAsync(r => r.OwnerOrganisationId == organisationId, cancellationToken))
            {
                throw new ForbiddenException("This organisation lives on a peer node (or holds records shared with it there): its people log in on their own node, not here.");
            }

            if (request.Role is not (Role.OrgAdmin or Role.NodeAdmin))
            {
                throw RequestErrors.One("role", "An organisation's first user is its org admin.");
            }
        }

        var email = request.Email!.Trim();
        if (await users.FindByEmailAsync(email) is not null)
        {
            throw RequestErrors.One("email", "A user with this e-mail address exists.");
        }

        var password = OneTimePassword();
        var user = new User
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()),
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? email : request.DisplayName.Trim(),
            OrganisationId = organisationId,
            Role = request.Role!.Value,
            MustChangePassword = true,
            LockoutEnabled = true,
            CreatedAt = clock.GetUtcNow(),
        };

        // UserManager saves on its own: the user and its audit entry commit in one transaction, or neither does.
        var result = IdentityResult.Success;
        await audit.InTransactionAsync(async () =>
            {
                if (onboarding)
                {
                    await ClaimOnboardingAsync(organisationId, cancellationToken);
                }

                return (result = await users.CreateAsync(user, password)).Succeeded;
            },
            trail => trail.Record(AuditEvent.UserCreated, caller.Concerning(organisationId), $"user:{user.Id}", detail: $"role:{user.Role}"), cancellationToken);
        if (!result.Succeeded)
        {
            var identityErrors = new RequestErrors();
            foreach (var error in result.Errors)
            {
                identityErrors.Add(error.Code.Contains("Email", StringComparison.Ordinal) || error.Code.Contains("UserName", StringComparison.Ordinal) ? "email" : "user", error.Description);
            }

            identityErrors.ThrowIfAny();
        }

        return new CreatedUser(user, password);
    }

    /// <summary>
    /// Two node admins (or two app servers) onboarding the same empty organisation at once must not both create
    /// a first user. Inside the transaction that creates the user, a no-op update of the organisation's row takes
    /// its row lock (PostgreSQL) or the database's write lock (SQLite, where transactions begin immediate), so
    /// the second onboarder waits for the first to commit, then finds its user and gets 409.
    /// </summary>
    private async Task ClaimOnboardingAsync(Guid organisationId, CancellationToken cancellationToken)
    {
        await db.Organisations.Where(o => o.Id == organisationId).ExecuteUpdateAsync(s => s.SetProperty(o => o.Name, o => o.Name), cancellationToken);
        if (await db.Users.AnyAsync(u => u.OrganisationId == organisationId, cancellationToken))
        {
            throw new ConflictException("Another admin onboarded this organisation a moment ago: it has its first user now, and only its own admins create more.");
        }
    }

    /// <summary>The organisations <paramref name="caller"/> may create users in: its own (as its admin), and for node admins those without users yet.</summary>
    public async Task<List<Guid>> OrganisationsOpenToAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var open = new List<Guid>();
        if (caller.IsAdminOf(caller.OrganisationId))
        {
            open.Add(caller.OrganisationId);
        }

        if (caller.IsNodeAdmin && !caller.ReadOnly)
        {
            var users = db.Users;
            open.AddRange(await db.Organisations.Where(o => o.Id != caller.OrganisationId && !users.Any(u => u.OrganisationId == o.Id))
                .Select(o => o.Id).ToListAsync(cancellationToken));
        }

        return open;
    }

    /// <summary>Blocks a user from logging in and invalidates their sessions; their API keys stop working too.</summary>
    public async Task<bool> DisableAsync(Caller caller, Guid userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null || !caller.CanManageOrganisation(user.OrganisationId))
        {
            return false;
        }

        if (user.Role == Role.NodeAdmin && !caller.IsNodeAdmin)
        {
            throw new ForbiddenException("Only node admins disable node admins.");
        }

        await audit.InTransactionAsync(async () =>
        {
            user.Disabled = true;
            return (await users.SetLockoutEnabledAsync(user, true)).Succeeded
                && (await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue)).Succeeded
                && (await users.UpdateSecurityStampAsync(user)).Succeeded;
        }, trail => trail.Record(AuditEvent.UserDisabled, caller.Concerning(user.OrganisationId), $"user:{user.Id}"), cancellationToken);
        return true;
    }

    /// <summary>20 characters from an unambiguous alphabet, with every character class Identity asks for.</summary>
    public static string OneTimePassword()
    {
        const string lower = "abcdefghjkmnpqrstuvwxyz";
        const string upper = "ABCDEFGHJKMNPQRSTUVWXYZ";
        const string digits = "23456789";
        const string symbols = "-_.!@#";
        var chars = new char[20];
        chars[0] = lower[RandomNumberGenerator.GetInt32(lower.Length)];
        chars[1] = upper[RandomNumberGenerator.GetInt32(upper.Length)];
        chars[2] = digits[RandomNumberGenerator.GetInt32(digits.Length)];
        chars[3] = symbols[RandomNumberGenerator.GetInt32(symbols.Length)];
        const string all = lower + upper + digits;
        for (var i = 4; i < chars.Length; i++)
        {
            chars[i] = all[RandomNumberGenerator.GetInt32(all.Length)];
        }

        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }
}
