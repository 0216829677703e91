using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Admin;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

namespace Rampart.Server.Organisations;

/// <summary><c>rampart admin org …</c> and <c>rampart admin community …</c>.</summary>
internal static class OrganisationCommands
{
    public static void Add(AdminCommands commands)
    {
        ArgumentNullException.ThrowIfNull(commands);
        // admin org ...
        var org = new Command("org", "Organisations.");
        commands.Admin.Subcommands.Add(org);
        var orgName = new Option<string>("--name") { Description = "Full name.", Required = true };
        var orgShort = new Option<string>("--short") { Description = "Short name, unique on the node (e.g. CERT-AL).", Required = true };
        var orgCountry = new Option<string>("--country") { Description = "ISO 3166-1 alpha-2 code; Kosovo is XK.", Required = true };
        var orgKind = new Option<string>("--kind") { Description = "national-cert, governmental-csirt, sectoral-csirt, regulator, critical-infrastructure, private-partner, research, international-partner.", Required = true };
        var orgEmail = new Option<string?>("--email") { Description = "Contact e-mail." };
        var orgPhone = new Option<string?>("--phone") { Description = "24/7 phone." };
        var orgWebsite = new Option<string?>("--website") { Description = "Website." };
        var orgPgp = new Option<FileInfo?>("--pgp-key-file") { Description = "File with the ASCII-armoured PGP public key." };
        var orgCreate = new Command("create", "Create an organisation.") { orgName, orgShort, orgCountry, orgKind, orgEmail, orgPhone, orgWebsite, orgPgp };
        orgCreate.SetAction((parse, ct) => commands.Run(async services =>
        {
            if (!AdminCommands.TryParseKebab<OrganisationKind>(parse.GetValue(orgKind), out var kind))
            {
                throw RequestErrors.One("kind", "Not an organisation kind: " + string.Join(", ", Enum.GetValues<OrganisationKind>().Select(AdminCommands.Kebab)));
            }

            var pgpFile = parse.GetValue(orgPgp);
            var pgp = pgpFile is null ? null : await File.ReadAllTextAsync(pgpFile.FullName, ct);
            var created = await services.GetRequiredService<OrganisationAdministration>().CreateAsync(Caller.Operator(),
                new OrganisationRequest(parse.GetValue(orgName), parse.GetValue(orgShort), parse.GetValue(orgCountry), kind,
                    parse.GetValue(orgEmail), parse.GetValue(orgPhone), parse.GetValue(orgWebsite), pgp), ct);
            await commands.Output.WriteLineAsync($"{created.Id}\t{created.ShortName}\t{created.Country}\t{AdminCommands.Kebab(created.Kind)}\t{created.PgpFingerprint}");
            return 0;
        }, ct));
        var orgList = new Command("list", "List organisations.");
        orgList.SetAction((parse, ct) => commands.Run(async services =>
        {
            foreach (var o in await services.GetRequiredService<RampartDb>().Organisations.AsNoTracking().OrderBy(o => o.ShortName).ToListAsync(ct))
            {
                // Stored text is escaped: a name saved before control characters were refused must not drive the terminal.
                await commands.Output.WriteLineAsync($"{o.Id}\t{TextRules.Escape(o.ShortName)}\t{o.Country}\t{AdminCommands.Kebab(o.Kind)}\t{TextRules.Escape(o.Name)}");
            }

            return 0;
        }, ct));
        org.Subcommands.Add(orgCreate);
        org.Subcommands.Add(orgList);

        // admin community ...
        var community = new Command("community", "Communities (trust groups).");
        commands.Admin.Subcommands.Add(community);
        var communityName = new Option<string>("--name") { Description = "Name, e.g. \"WB national CERTs\".", Required = true };
        var communityModerator = new Option<string>("--moderator") { Description = "Moderating organisation (short name or id).", Required = true };
        var communityDescription = new Option<string?>("--description") { Description = "What the community is for." };
        var communityCreate = new Command("create", "Create a community.") { communityName, communityModerator, communityDescription };
        communityCreate.SetAction((parse, ct) => commands.Run(async services =>
        {
            if (await commands.OrganisationIdAsync(services, parse.GetValue(communityModerator)!) is not { } moderator)
            {
                return 3;
            }

            var created = await services.GetRequiredService<CommunityAdministration>().CreateAsync(Caller.Operator(),
                new CommunityRequest(parse.GetValue(communityName), parse.GetValue(communityDescription), moderator), ct);
            await commands.Output.WriteLineAsync($"{created.Id}\t{created.Name}");
            return 0;
        }, ct));
        var memberCommunity = new Option<string>("--community") { Description = "Community name or id.", Required = true };
        var memberOrg = new Option<string>("--org") { Description = "Organisation short name or id.", Required = true };
        var addMember = new Command("add-member",
            "Ask for an organisation to join a community. The moderating organisation's admins accept or decline the request in the web (Communities) or the API; the operator cannot add members on their own.")
            { memberCommunity, memberOrg };
        addMember.SetAction((parse, ct) => commands.Run(async services =>
        {
            var db = services.GetRequiredService<RampartDb>();
            var value = parse.GetValue(memberCommunity)!;
            var id = Guid.TryParse(value, out var parsedId) ? parsedId : (Guid?)null;
            var target = await db.Communities.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id || c.Name == value, ct);
            if (target is null)
            {
                await commands.Error.WriteLineAsync($"error: no community '{value}'.");
                return 3;
            }

            if (await commands.OrganisationIdAsync(services, parse.GetValue(memberOrg)!) is not { } organisationId)
            {
                return 3;
            }

            var outcome = await services.GetRequiredService<CommunityAdministration>().AddMemberAsync(Caller.Operator(), target.Id, organisationId, ct);
            await commands.Output.WriteLineAsync(outcome.Kind switch
            {
                MembershipOutcomeKind.AlreadyMember => "already a member",
                MembershipOutcomeKind.Requested => $"requested: {outcome.Request!.Id} (pending the moderating organisation's consent)",
                _ => "added",
            });
            return 0;
        }, ct));
        var communityList = new Command("list", "List communities with their members.");
        communityList.SetAction((parse, ct) => commands.Run(async services =>
        {
            var db = services.GetRequiredService<RampartDb>();
            var names = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.ShortName, ct);
            foreach (var c in await db.Communities.AsNoTracking().Include(c => c.Members).OrderBy(c => c.Name).ToListAsync(ct))
            {
                await commands.Output.WriteLineAsync($"{c.Id}\t{TextRules.Escape(c.Name)}\tmoderator:{TextRules.Escape(names.GetValueOrDefault(c.ModeratorOrganisationId))}\tmembers:{string.Join(",", c.Members.Select(m => TextRules.Escape(names.GetValueOrDefault(m.OrganisationId))).Order(StringComparer.Ordinal))}");
            }

            return 0;
        }, ct));
        community.Subcommands.Add(communityCreate);
        community.Subcommands.Add(addMember);
        community.Subcommands.Add(communityList);
    }
}
