using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Admin;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

namespace Rampart.Server.Identity;

/// <summary><c>rampart admin user …</c> and <c>rampart admin apikey …</c>.</summary>
internal static class IdentityCommands
{
    public static void Add(AdminCommands commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        // admin user ...
        var user = new Command("user", "Users.");
        commands.Admin.Subcommands.Add(user);
        var userOrg = new Option<string>("--org") { Description = "Organisation short name or id.", Required = true };
        var userEmail = new Option<string>("--email") { Description = "E-mail; also the login name.", Required = true };
        var userRole = new Option<string>("--role") { Description = "node-admin, org-admin, analyst or viewer.", Required = true };
        var userName = new Option<string?>("--name") { Description = "Display name." };
        var userCreate = new Command("create", "Create a user and print a one-time password.") { userOrg, userEmail, userRole, userName };
        userCreate.SetAction((parse, ct) => commands.Run(async services =>
        {
            if (!AdminCommands.TryParseKebab<Role>(parse.GetValue(userRole), out var role))
            {
                throw RequestErrors.One("role", "Not a role: node-admin, org-admin, analyst or viewer.");
            }

            if (await commands.OrganisationIdAsync(services, parse.GetValue(userOrg)!) is not { } organisationId)
            {
                return 3;
            }

            var created = await services.GetRequiredService<UserAdministration>().CreateAsync(Caller.Operator(),
                new UserRequest(parse.GetValue(userEmail), parse.GetValue(userName), organisationId, role), ct);
            await commands.Output.WriteLineAsync($"user:              {created.User.Id}");
            await commands.Output.WriteLineAsync($"one-time password: {created.OneTimePassword}");
            return 0;
        }, ct));
        var userListOrg = new Option<string?>("--org") { Description = "Only this organisation (short name or id)." };
        var userList = new Command("list", "List users.") { userListOrg };
        userList.SetAction((parse, ct) => commands.Run(async services =>
        {
            var db = services.GetRequiredService<RampartDb>();
            var query = db.Users.AsNoTracking();
            if (parse.GetValue(userListOrg) is { } orgFilter)
            {
                if (await commands.OrganisationIdAsync(services, orgFilter) is not { } organisationId)
                {
                    return 3;
                }

                query = query.Where(u => u.OrganisationId == organisationId);
            }

            foreach (var u in await query.OrderBy(u => u.Email).ToListAsync(ct))
            {
                await commands.Output.WriteLineAsync($"{u.Id}\t{u.Email}\t{AdminCommands.Kebab(u.Role)}\t{u.OrganisationId}\t2fa:{(u.TwoFactorEnabled ? "on" : "off")}");
            }

            return 0;
        }, ct));
        user.Subcommands.Add(userCreate);
        user.Subcommands.Add(userList);

        // admin apikey ...
        var apikey = new Command("apikey", "API keys.");
        commands.Admin.Subcommands.Add(apikey);
        var keyUser = new Option<string>("--user") { Description = "The user's e-mail.", Required = true };
        var keyName = new Option<string>("--name") { Description = "What the key is for.", Required = true };
        var keyReadOnly = new Option<bool>("--read-only") { Description = "The key may only read." };
        var keyExpires = new Option<DateTimeOffset?>("--expires") { Description = "Expiry, e.g. 2027-06-30T00:00:00Z." };
        var keyCreate = new Command("create", "Create an API key and print it (shown only this once).") { keyUser, keyName, keyReadOnly, keyExpires };
        keyCreate.SetAction((parse, ct) => commands.Run(async services =>
        {
            var email = parse.GetValue(keyUser)!;
            var normalised = email.ToUpperInvariant();
            var owner = await services.GetRequiredService<RampartDb>().Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == normalised, ct);
            if (owner is null)
            {
                await commands.Error.WriteLineAsync($"error: no user '{email}'.");
                return 3;
            }

            var created = await services.GetRequiredService<ApiKeyAdministration>().CreateAsync(Caller.Operator(), owner.Id,
                new ApiKeyRequest(parse.GetValue(keyName), parse.GetValue(keyExpires), parse.GetValue(keyReadOnly)), ct);
            await commands.Output.WriteLineAsync(created!.Key);
            return 0;
        }, ct));
        var keyList = new Command("list", "List a user's API keys (never the keys themselves).") { keyUser };
        keyList.SetAction((parse, ct) => commands.Run(async services =>
        {
            var email = parse.GetValue(keyUser)!.ToUpperInvariant();
            var db = services.GetRequiredService<RampartDb>();
            var owner = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == email, ct);
            if (owner is null)
            {
                await commands.Error.WriteLineAsync("error: no such user.");
                return 3;
            }

            foreach (var k in await db.ApiKeys.AsNoTracking().Where(k => k.UserId == owner.Id).ToListAsync(ct))
            {
                await commands.Output.WriteLineAsync($"{k.Id}\t{k.Prefix}…\t{k.Name}\t{(k.ReadOnly ? "read-only" : "read-write")}\t{(k.RevokedAt is null ? "active" : "revoked")}");
            }

            return 0;
        }, ct));
        apikey.Subcommands.Add(keyCreate);
        apikey.Subcommands.Add(keyList);
    }
}
