using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Identity;
using Rampart.Server.Organisations;

namespace Rampart.Server.Admin;

/// <summary>
/// <c>rampart admin …</c> and <c>rampart audit verify</c>: administration for scripts, against the
/// configured database, with the same use cases and rules as the web. Exit codes: 0 done, 1 bad
/// command line, 2 rejected input (nothing written), 3 not found, 4 audit chain broken.
/// </summary>
public static class AdminCommandLine
{
    public static bool Handles(string[] args) => args is ["admin", ..] or ["audit", ..];

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var root = Build(args, output, error, configure);
        var parsed = root.Parse(args);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }

    private static RootCommand Build(string[] args, TextWriter output, TextWriter error, Action<WebApplicationBuilder>? configure)
    {
        async Task<int> Run(Func<IServiceProvider, Task<int>> action, CancellationToken ct)
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.Logging.AddFilter("Microsoft", LogLevel.Error);
            builder.AddRampartServices();
            configure?.Invoke(builder);
            await using var app = builder.Build();
            await using var scope = app.Services.CreateAsyncScope();
            await NodeBootstrap.MigrateAsync(scope.ServiceProvider.GetRequiredService<RampartDb>(), ct);
            try
            {
                return await action(scope.ServiceProvider);
            }
            catch (RequestValidationException e)
            {
                foreach (var (field, reasons) in e.Errors.ToDictionary())
                {
                    await error.WriteLineAsync($"error: {field}: {string.Join(" ", reasons)}");
                }

                return 2;
            }
            catch (ForbiddenException e)
            {
                await error.WriteLineAsync($"error: {e.Message}");
                return 2;
            }
        }

        async Task<Guid?> OrganisationIdAsync(IServiceProvider services, string value)
        {
            var db = services.GetRequiredService<RampartDb>();
            var id = Guid.TryParse(value, out var parsed) ? parsed : (Guid?)null;
            var org = await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id || o.ShortName == value);
            if (org is null)
            {
                await error.WriteLineAsync($"error: no organisation '{value}' (give its short name or id).");
            }

            return org?.Id;
        }

        var root = new RootCommand("Rampart node administration. Runs against the configured database (Rampart:Database).");
        var admin = new Command("admin", "Administer organisations, communities, users and API keys.");
        root.Subcommands.Add(admin);

        // admin org ...
        var org = new Command("org", "Organisations.");
        admin.Subcommands.Add(org);
        var orgName = new Option<string>("--name") { Description = "Full name.", Required = true };
        var orgShort = new Option<string>("--short") { Description = "Short name, unique on the node (e.g. CERT-AL).", Required = true };
        var orgCountry = new Option<string>("--country") { Description = "ISO 3166-1 alpha-2 code; Kosovo is XK.", Required = true };
        var orgKind = new Option<string>("--kind") { Description = "national-cert, governmental-csirt, sectoral-csirt, regulator, critical-infrastructure, private-partner, research, international-partner.", Required = true };
        var orgEmail = new Option<string?>("--email") { Description = "Contact e-mail." };
        var orgPhone = new Option<string?>("--phone") { Description = "24/7 phone." };
        var orgWebsite = new Option<string?>("--website") { Description = "Website." };
        var orgPgp = new Option<FileInfo?>("--pgp-key-file") { Description = "File with the ASCII-armoured PGP public key." };
        var orgCreate = new Command("create", "Create an organisation.") { orgName, orgShort, orgCountry, orgKind, orgEmail, orgPhone, orgWebsite, orgPgp };
        orgCreate.SetAction((parse, ct) => Run(async services =>
        {
            if (!TryParseKebab<OrganisationKind>(parse.GetValue(orgKind), out var kind))
            {
                throw RequestErrors.One("kind", "Not an organisation kind: " + string.Join(", ", Enum.GetValues<OrganisationKind>().Select(Kebab)));
            }

            var pgpFile = parse.GetValue(orgPgp);
            var pgp = pgpFile is null ? null : await File.ReadAllTextAsync(pgpFile.FullName, ct);
            var created = await services.GetRequiredService<OrganisationAdministration>().CreateAsync(Caller.Operator(),
                new OrganisationRequest(parse.GetValue(orgName), parse.GetValue(orgShort), parse.GetValue(orgCountry), kind,
                    parse.GetValue(orgEmail), parse.GetValue(orgPhone), parse.GetValue(orgWebsite), pgp), ct);
            await output.WriteLineAsync($"{created.Id}\t{created.ShortName}\t{created.Country}\t{Kebab(created.Kind)}\t{created.PgpFingerprint}");
            return 0;
        }, ct));
        var orgList = new Command("list", "List organisations.");
        orgList.SetAction((parse, ct) => Run(async services =>
        {
            foreach (var o in await services.GetRequiredService<RampartDb>().Organisations.AsNoTracking().OrderBy(o => o.ShortName).ToListAsync(ct))
            {
                await output.WriteLineAsync($"{o.Id}\t{o.ShortName}\t{o.Country}\t{Kebab(o.Kind)}\t{o.Name}");
            }

            return 0;
        }, ct));
        org.Subcommands.Add(orgCreate);
        org.Subcommands.Add(orgList);

        // admin user ...
        var user = new Command("user", "Users.");
        admin.Subcommands.Add(user);
        var userOrg = new Option<string>("--org") { Description = "Organisation short name or id.", Required = true };
        var userEmail = new Option<string>("--email") { Description = "E-mail; also the login name.", Required = true };
        var userRole = new Option<string>("--role") { Description = "node-admin, org-admin, analyst or viewer.", Required = true };
        var userName = new Option<string?>("--name") { Description = "Display name." };
        var userCreate = new Command("create", "Create a user and print a one-time password.") { userOrg, userEmail, userRole, userName };
        userCreate.SetAction((parse, ct) => Run(async services =>
        {
            if (!TryParseKebab<Role>(parse.GetValue(userRole), out var role))
            {
                throw RequestErrors.One("role", "Not a role: node-admin, org-admin, analyst or viewer.");
            }

            if (await OrganisationIdAsync(services, parse.GetValue(userOrg)!) is not { } organisationId)
            {
                return 3;
            }

            var created = await services.GetRequiredService<UserAdministration>().CreateAsync(Caller.Operator(),
                new UserRequest(parse.GetValue(userEmail), parse.GetValue(userName), organisationId, role), ct);
            await output.WriteLineAsync($"user:              {created.User.Id}");
            await output.WriteLineAsync($"one-time password: {created.OneTimePassword}");
            return 0;
        }, ct));
        var userListOrg = new Option<string?>("--org") { Description = "Only this organisation (short name or id)." };
        var userList = new Command("list", "List users.") { userListOrg };
        userList.SetAction((parse, ct) => Run(async services =>
        {
            var db = services.GetRequiredService<RampartDb>();
            var query = db.Users.AsNoTracking();
            if (parse.GetValue(userListOrg) is { } orgFilter)
            {
                if (await OrganisationIdAsync(services, orgFilter) is not { } organisationId)
                {
                    return 3;
                }

                query = query.Where(u => u.OrganisationId == organisationId);
            }

            foreach (var u in await query.OrderBy(u => u.Email).ToListAsync(ct))
            {
                await output.WriteLineAsync($"{u.Id}\t{u.Email}\t{Kebab(u.Role)}\t{u.OrganisationId}\t2fa:{(u.TwoFactorEnabled ? "on" : "off")}");
            }

            return 0;
        }, ct));
        user.Subcommands.Add(userCreate);
        user.Subcommands.Add(userList);

        // admin apikey ...
        var apikey = new Command("apikey", "API keys.");
        admin.Subcommands.Add(apikey);
        var keyUser = new Option<string>("--user") { Description = "The user's e-mail.", Required = true };
        var keyName = new Option<string>("--name") { Description = "What the key is for.", Required = true };
        var keyReadOnly = new Option<bool>("--read-only") { Description = "The key may only read." };
        var keyExpires = new Option<DateTimeOffset?>("--expires") { Description = "Expiry, e.g. 2027-06-30T00:00:00Z." };
        var keyCreate = new Command("create", "Create an API key and print it (shown only this once).") { keyUser, keyName, keyReadOnly, keyExpires };
        keyCreate.SetAction((parse, ct) => Run(async services =>
        {
            var email = parse.GetValue(keyUser)!;
            var normalised = email.ToUpperInvariant();
            var owner = await services.GetRequiredService<RampartDb>().Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == normalised, ct);
            if (owner is null)
            {
                await error.WriteLineAsync($"error: no user '{email}'.");
                return 3;
            }

            var created = await services.GetRequiredService<ApiKeyAdministration>().CreateAsync(Caller.Operator(), owner.Id,
                new ApiKeyRequest(parse.GetValue(keyName), parse.GetValue(keyExpires), parse.GetValue(keyReadOnly)), ct);
            await output.WriteLineAsync(created!.Key);
            return 0;
        }, ct));
        var keyList = new Command("list", "List a user's API keys (never the keys themselves).") { keyUser };
        keyList.SetAction((parse, ct) => Run(async services =>
        {
            var email = parse.GetValue(keyUser)!.ToUpperInvariant();
            var db = services.GetRequiredService<RampartDb>();
            var owner = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == email, ct);
            if (owner is null)
            {
                await error.WriteLineAsync("error: no such user.");
                return 3;
            }

            foreach (var k in await db.ApiKeys.AsNoTracking().Where(k => k.UserId == owner.Id).ToListAsync(ct))
            {
                await output.WriteLineAsync($"{k.Id}\t{k.Prefix}…\t{k.Name}\t{(k.ReadOnly ? "read-only" : "read-write")}\t{(k.RevokedAt is null ? "active" : "revoked")}");
            }

            return 0;
        }, ct));
        apikey.Subcommands.Add(keyCreate);
        apikey.Subcommands.Add(keyList);

        // admin community ...
        var community = new Command("community", "Communities (trust groups).");
        admin.Subcommands.Add(community);
        var communityName = new Option<string>("--name") { Description = "Name, e.g. \"WB national CERTs\".", Required = true };
        var communityModerator = new Option<string>("--moderator") { Description = "Moderating organisation (short name or id).", Required = true };
        var communityDescription = new Option<string?>("--description") { Description = "What the community is for." };
        var communityCreate = new Command("create", "Create a community.") { communityName, communityModerator, communityDescription };
        communityCreate.SetAction((parse, ct) => Run(async services =>
        {
            if (await OrganisationIdAsync(services, parse.GetValue(communityModerator)!) is not { } moderator)
            {
                return 3;
            }

            var created = await services.GetRequiredService<CommunityAdministration>().CreateAsync(Caller.Operator(),
                new CommunityRequest(parse.GetValue(communityName), parse.GetValue(communityDescription), moderator), ct);
            await output.WriteLineAsync($"{created.Id}\t{created.Name}");
            return 0;
        }, ct));
        var memberCommunity = new Option<string>("--community") { Description = "Community name or id.", Required = true };
        var memberOrg = new Option<string>("--org") { Description = "Organisation short name or id.", Required = true };
        var addMember = new Command("add-member", "Add an organisation to a community.") { memberCommunity, memberOrg };
        addMember.SetAction((parse, ct) => Run(async services =>
        {
            var db = services.GetRequiredService<RampartDb>();
            var value = parse.GetValue(memberCommunity)!;
            var id = Guid.TryParse(value, out var parsedId) ? parsedId : (Guid?)null;
            var target = await db.Communities.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id || c.Name == value, ct);
            if (target is null)
            {
                await error.WriteLineAsync($"error: no community '{value}'.");
                return 3;
            }

            if (await OrganisationIdAsync(services, parse.GetValue(memberOrg)!) is not { } organisationId)
            {
                return 3;
            }

            await services.GetRequiredService<CommunityAdministration>().AddMemberAsync(Caller.Operator(), target.Id, organisationId, ct);
            await output.WriteLineAsync("added");
            return 0;
        }, ct));
        var communityList = new Command("list", "List communities with their members.");
        communityList.SetAction((parse, ct) => Run(async services =>
        {
            var db = services.GetRequiredService<RampartDb>();
            var names = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.ShortName, ct);
            foreach (var c in await db.Communities.AsNoTracking().Include(c => c.Members).OrderBy(c => c.Name).ToListAsync(ct))
            {
                await output.WriteLineAsync($"{c.Id}\t{c.Name}\tmoderator:{names.GetValueOrDefault(c.ModeratorOrganisationId)}\tmembers:{string.Join(",", c.Members.Select(m => names.GetValueOrDefault(m.OrganisationId)).Order(StringComparer.Ordinal))}");
            }

            return 0;
        }, ct));
        community.Subcommands.Add(communityCreate);
        community.Subcommands.Add(addMember);
        community.Subcommands.Add(communityList);

        // audit verify
        var audit = new Command("audit", "The tamper-evident audit trail.");
        root.Subcommands.Add(audit);
        var verify = new Command("verify", "Check every entry's hash and link; name the first broken entry.");
        verify.SetAction((parse, ct) => Run(async services =>
        {
            var trail = services.GetRequiredService<AuditTrail>();
            var result = await trail.VerifyAsync(ct);
            if (result.Intact)
            {
                await output.WriteLineAsync($"audit chain intact: {result.CheckedEntries.ToString(CultureInfo.InvariantCulture)} entries checked");
                await trail.RecordNowAsync(AuditEvent.AuditChainVerified, Caller.Operator(), "audit", cancellationToken: ct);
                return 0;
            }

            await output.WriteLineAsync($"audit chain BROKEN at entry {result.FirstBrokenSequence}: {result.Problem}");
            return 4;
        }, ct));
        audit.Subcommands.Add(verify);
        return root;
    }

    private static string Kebab<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    private static bool TryParseKebab<T>(string? text, out T value)
        where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Kebab(candidate), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
