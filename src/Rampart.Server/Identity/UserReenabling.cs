using System.CommandLine;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Admin;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

namespace Rampart.Server.Identity;

/// <summary>
/// Lets a disabled user log in again: the same people who may disable a user may re-enable them (org admins
/// their organisation's, node admins anyone's; only node admins re-enable node admins). The user keeps their
/// password and second factor; their old sessions stay invalid (the stamp changed when they were disabled).
/// </summary>
public sealed class UserReenabling(RampartDb db, UserManager<User> users, AuditTrail audit)
{
    /// <summary>False when the user does not exist or the caller may not manage them (the page answers "not found").</summary>
    public async Task<bool> ExecuteAsync(Caller caller, Guid userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
        if (user is null || !caller.CanManageOrganisation(user.OrganisationId))
        {
            return false;
        }

        if (user.Role == Role.NodeAdmin && !caller.IsNodeAdmin)
        {
            throw new ForbiddenException("Only node admins enable node admins.");
        }

        if (!user.Disabled)
        {
            return true;
        }

        // UserChanged with detail "enabled": a dedicated event number belongs to the audit catalogue's owner.
        audit.Record(AuditEvent.UserChanged, caller.Concerning(user.OrganisationId), $"user:{user.Id}", detail: "enabled");
        user.Disabled = false;
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        await users.UpdateAsync(user);
        return true;
    }

    /// <summary><c>rampart admin user enable --email …</c>.</summary>
    internal static void AddCommand(AdminCommands commands)
    {
        var user = commands.Admin.Subcommands.First(c => c.Name == "user");
        var email = new Option<string>("--email") { Description = "The user's e-mail.", Required = true };
        var enable = new Command("enable", "Let a disabled user log in again.") { email };
        enable.SetAction((parse, ct) => commands.Run(async services =>
        {
            var normalised = parse.GetValue(email)!.Trim().ToUpperInvariant();
            var id = await services.GetRequiredService<RampartDb>().Users.AsNoTracking()
                .Where(u => u.NormalizedEmail == normalised).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct);
            if (id is null || !await services.GetRequiredService<UserReenabling>().ExecuteAsync(Caller.Operator(), id.Value, ct))
            {
                await commands.Error.WriteLineAsync("No such user.");
                return 3;
            }

            await commands.Output.WriteLineAsync($"user {id} enabled");
            return 0;
        }, ct));
        user.Subcommands.Add(enable);
    }
}
