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
        var userCreate = new Command("create",
            "Create an organisation's first user, its org admin (or a node admin), and print a one-time password. Once an organisation has users, only its own admins create more.")
            { userOrg, userEmail, userRole, userName };
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
                // Stored text is escaped: a name saved before control characters were refused must not drive the terminal.
                await commands.Output.WriteLineAsync($"{u.Id}\t{TextRules.Escape(u.Email)}\t{AdminCommands.Kebab(u.Role)}\t{u.OrganisationId}\t2fa:{(u.TwoFactorEnabled ? "on" : "off")}\t{TextRules.Escape(u.DisplayName)}");
            }

            return 0;
        }, ct));
        user.Subcommands.Add(userCreate);
        user.Subcommands.Add(userList);

        // admin apikey ... — list and revoke only. There is no "create": a key acts as its user, and a key
        // minted by the operator for someone else would let the operator read as them (docs/sharing.md,
        // "Administration is not reading"). Users create their own keys on the API keys page or with the API.
        var apikey = new Command("apikey", "API keys: list and revoke (users create their own keys).");
        commands.Admin.Subcommands.Add(apikey);
        var keyUser = new Option<string>("--user") { Description = "The user's e-mail.", Required = true };
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
                await commands.Output.WriteLineAsync($"{k.Id}\t{k.Prefix}…\t{TextRules.Escape(k.Name)}\t{(k.ReadOnly ? "read-only" : "read-write")}\t{(k.RevokedAt is null ? "active" : "revoked")}");
            }

            return 0;
        }, ct));
        var keyId = new Option<string>("--id") { Description = "The key's id (from apikey list).", Required = true };
        var keyRevoke = new Command("revoke", "Revoke an API key.") { keyId };
        keyRevoke.SetAction((parse, ct) => commands.Run(async services =>
        {
            if (!await services.GetRequiredService<ApiKeyAdministration>().RevokeAsync(Caller.Operator(), Http.ParseId(parse.GetValue(keyId), "id"), ct))
            {
                await commands.Error.WriteLineAsync("error: no such key.");
                return 3;
            }

            await commands.Output.WriteLineAsync("revoked");
            return 0;
        }, ct));
        apikey.Subcommands.Add(keyList);
        apikey.Subcommands.Add(keyRevoke);
    }
}
