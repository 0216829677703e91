using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Admin;
using Rampart.Server.Audit;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>
/// Administration is not reading: no administrator — an org admin, a node admin, the command-line
/// operator — ends up able to read a record the access decision denies them, by any sequence of
/// administrative actions. Runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class PrivilegeBoundaryTests(DatabaseProvider provider)
{
    private static async Task<Guid> NoteAsync(HttpClient author, object body)
    {
        var response = await author.PostAsync("/api/notes", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Json.ReadAsync(response))["id"]!.GetValue<Guid>();
    }

    private static async Task<(int Exit, string Output, string Error)> OperatorAsync(SeededNode node, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await AdminCommandLine.RunAsync(args, output, error, builder =>
        {
            builder.Configuration["Rampart:Database:Provider"] = node.Database.Provider.ToString();
            builder.Configuration["Rampart:Database:ConnectionString"] = node.Database.ConnectionString;
        });
        return (exit, output.ToString(), error.ToString());
    }

    private static async Task<List<Guid>> MembersAsync(HttpClient client, Guid community) =>
        (await Json.ReadAsync(await client.GetAsync("/api/communities?limit=500")))["items"]!.AsArray()
            .Single(c => c!["id"]!.GetValue<Guid>() == community)!["memberOrganisationIds"]!.AsArray()
            .Select(m => m!.GetValue<Guid>()).ToList();

    [Fact]
    public async Task OrganisationBeingOnboarded_CanBeGivenNothing_SoItsOnboarderReadsNothingThroughIt()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var nodeAdmin = node.Client(node.NodeAdmin);
        var created = await nodeAdmin.PostAsync("/api/organisations", new { name = "CERT-D national", shortName = "CERT-D", country = "GE", kind = "national-cert" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var newcomer = (await Json.ReadAsync(created))["id"]!.GetValue<Guid>();

        // No records are shared with an organisation that has no people yet…
        var shared = await node.Client(node.Owner).PostAsync("/api/notes", new
        {
            title = "red for D", body = "r", tlp = "red", audience = "recipients", recipients = new[] { new { organisationId = newcomer } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, shared.StatusCode);
        Assert.Contains("no users yet", (await shared.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        // …and it joins no community, not even when the moderator adds it.
        var joined = await node.Client(node.OwnerAdmin).PostAsync($"/api/communities/{node.Community}/members", new { organisationId = newcomer });
        Assert.Equal(HttpStatusCode.BadRequest, joined.StatusCode);

        // So the first user, whose one-time password the node admin saw, finds nothing to read.
        var first = await Json.ReadAsync(await nodeAdmin.PostAsync("/api/users", new { email = "admin@d.example", organisationId = newcomer, role = "org-admin" }));
        Assert.NotNull(first["oneTimePassword"] ?? first["password"] ?? first["user"]);
        await using var scope = node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        Assert.False(await db.AccessGrants.AnyAsync(g => g.GranteeId == newcomer));
        Assert.False(await db.CommunityMembers.AnyAsync(m => m.OrganisationId == newcomer));
    }

    [Fact]
    public async Task NullRecipient_Is400_NotAServerError()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var response = await node.Client(node.Owner).PostAsync("/api/notes",
            new { title = "t", body = "b", tlp = "red", audience = "recipients", recipients = new object?[] { null } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task NoAdministrator_ByAnySequenceOfAdministrativeActions_ReadsWhatTheAccessDecisionDenies()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var nodeAdmin = node.Client(node.NodeAdmin);
        var orgAdmin = node.Client(node.OwnerAdmin);

        // What the access decision denies every administrator here: another organisation's RED (organisation
        // only) and AMBER (its own community) notes, and a RED note addressed to one named colleague of the org admin.
        var circle = (await Json.ReadAsync(await nodeAdmin.PostAsync("/api/communities",
            new { name = "Outsider circle", moderatorOrganisationId = node.OutsiderOrg })))["id"]!.GetValue<Guid>();
        var outsider = node.Client(node.Outsider);
        var secrets = new Dictionary<string, Guid>
        {
            ["RED of another organisation"] = await NoteAsync(outsider, new { title = "red", body = "r", tlp = "red", audience = "organisation" }),
            ["AMBER of another organisation's community"] = await NoteAsync(outsider,
                new { title = "amber", body = "a", tlp = "amber", audience = "community", communityId = circle }),
            ["RED addressed to a named colleague"] = await NoteAsync(node.Client(node.Recipient), new
            {
                title = "for one person",
                body = "n",
                tlp = "red",
                audience = "recipients",
                recipients = new[] { new { organisationId = node.OwnerOrg, userId = (Guid?)node.Owner.UserId } },
            }),
        };

        // Every credential an administrator holds or obtains along the way; each is tried at the end.
        var credentials = new List<(string Who, string Key)> { ("org admin", node.OwnerAdmin.ApiKey), ("node admin", node.NodeAdmin.ApiKey) };
        var admins = new[] { ("org admin", orgAdmin), ("node admin", nodeAdmin) };
        var steps = new List<string>();

        void Refused(HttpResponseMessage response, string step)
        {
            steps.Add($"{step}: {(int)response.StatusCode}");
            Assert.False(response.IsSuccessStatusCode, $"{step} was allowed ({response.StatusCode})");
        }

        var n = 0;
        foreach (var (who, admin) in admins)
        {
            // 1. Create a user inside the other organisation, in any role (its one-time password would be a login).
            foreach (var role in new[] { "analyst", "org-admin", "node-admin" })
            {
                Refused(await admin.PostAsync("/api/users", new { email = $"plant{++n}@outside.test", organisationId = node.OutsiderOrg, role }),
                    $"{who} creates a {role} in another organisation");
            }

            // 2. Create an API key for someone who may read: the other organisation's analyst, the named colleague, the author.
            foreach (var victim in new[] { node.Outsider, node.Owner, node.Recipient })
            {
                var response = await admin.PostAsync($"/api/users/{victim.UserId}/keys", new { name = "impersonate" });
                if (response.IsSuccessStatusCode)
                {
                    credentials.Add(($"{who} via a key for {victim.Email}", (await Json.ReadAsync(response))["key"]!.GetValue<string>()));
                }

                Refused(response, $"{who} creates a key for {victim.Email}");
            }

            // 3. Put the own organisation into the other organisation's community, then accept that request oneself.
            var own = who == "node admin" ? node.NodeOrg : node.OwnerOrg;
            var asked = await admin.PostAsync($"/api/communities/{circle}/members", new { organisationId = own });
            Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
            var requestId = (await Json.ReadAsync(asked))["id"]!.GetValue<Guid>();
            Refused(await admin.PostAsync($"/api/communities/requests/{requestId}/accept", new { }), $"{who} accepts its own request to join");
            Assert.DoesNotContain(own, await MembersAsync(admin, circle));

            // 4. Change a role: there is no such operation on the API at all.
            Refused(await admin.PutAsync($"/api/users/{node.Owner.UserId}", new { role = "org-admin" }), $"{who} changes a role");
        }

        // 5. The node admin disables the other organisation's only user, then "onboards" it again with a first org admin.
        Assert.Equal(HttpStatusCode.NoContent, (await nodeAdmin.PostAsync($"/api/users/{node.Outsider.UserId}/disable", new { })).StatusCode);
        Refused(await nodeAdmin.PostAsync("/api/users", new { email = "new-boss@outside.test", organisationId = node.OutsiderOrg, role = "org-admin" }),
            "node admin onboards an organisation that has (disabled) users");

        // 6. The node admin onboards a new organisation (allowed) and has it ask to join: it stays outside until the moderator agrees.
        var newcomer = (await Json.ReadAsync(await nodeAdmin.PostAsync("/api/organisations",
            new { name = "Newcomer", shortName = "NEWCO", country = "GE", kind = "research" })))["id"]!.GetValue<Guid>();
        Assert.Equal(HttpStatusCode.Created,
            (await nodeAdmin.PostAsync("/api/users", new { email = "boss@newco.test", organisationId = newcomer, role = "org-admin" })).StatusCode);
        Refused(await nodeAdmin.PostAsync("/api/users", new { email = "second@newco.test", organisationId = newcomer, role = "analyst" }),
            "node admin creates a second user in an onboarded organisation");
        Assert.Equal(HttpStatusCode.Accepted, (await nodeAdmin.PostAsync($"/api/communities/{circle}/members", new { organisationId = newcomer })).StatusCode);

        // 7. A community of the node admin's own making, with the other organisation added, does not open the other's community.
        var own2 = (await Json.ReadAsync(await nodeAdmin.PostAsync("/api/communities",
            new { name = "Node's own", moderatorOrganisationId = node.NodeOrg })))["id"]!.GetValue<Guid>();
        Assert.Equal(HttpStatusCode.NoContent, (await nodeAdmin.PostAsync($"/api/communities/{own2}/members", new { organisationId = node.OutsiderOrg })).StatusCode);

        // 8. The command-line operator: users inside organisations that have them, keys for users, joining a community.
        Assert.Equal(2, (await OperatorAsync(node, "admin", "user", "create", "--org", "OUTSIDE", "--email", "cli@outside.test", "--role", "org-admin")).Exit);
        Assert.Equal(2, (await OperatorAsync(node, "admin", "user", "create", "--org", "NODE", "--email", "cli@node.test", "--role", "node-admin")).Exit);
        Assert.Equal(1, (await OperatorAsync(node, "admin", "apikey", "create", "--user", node.Outsider.Email, "--name", "cli")).Exit);
        Assert.Equal(1, (await OperatorAsync(node, "admin", "apikey", "create", "--user", node.NodeAdmin.Email, "--name", "cli")).Exit);
        var joined = await OperatorAsync(node, "admin", "community", "add-member", "--community", "Outsider circle", "--org", "NODE");
        Assert.Equal(0, joined.Exit);
        Assert.Contains("pending", joined.Output, StringComparison.Ordinal);
        await using (var scope = node.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            Assert.False(await db.Users.AnyAsync(u => u.Email!.StartsWith("plant") || u.Email!.StartsWith("cli@")));
            Assert.Equal(new[] { node.OutsiderOrg }, await db.CommunityMembers.Where(m => m.CommunityId == circle).Select(m => m.OrganisationId).ToListAsync());
        }

        // After all of it, not one credential reads any of the records, by id or in a list.
        foreach (var (who, key) in credentials)
        {
            var client = node.Factory.ClientWithKey(key);
            var listed = (await Json.ReadAsync(await client.GetAsync("/api/notes?limit=200")))["items"]!.AsArray()
                .Select(x => x!["id"]!.GetValue<Guid>()).ToHashSet();
            foreach (var (what, id) in secrets)
            {
                Assert.True(HttpStatusCode.NotFound == (await client.GetAsync($"/api/notes/{id}")).StatusCode, $"{who} reads the {what} by id");
                Assert.False(listed.Contains(id), $"{who} lists the {what}");
            }
        }

        Assert.Equal(2, credentials.Count);
        Assert.Equal(18, steps.Count);
    }

    [Fact]
    public async Task CommunityJoin_NeedsTheModeratingOrganisationsConsent_AndIsAuditedForBoth()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var nodeAdmin = node.Client(node.NodeAdmin);
        var moderator = node.Client(node.OwnerAdmin);

        // The node admin asks for the hosting organisation to join the owner's community: only a request.
        var asked = await nodeAdmin.PostAsync($"/api/communities/{node.Community}/members", new { organisationId = node.NodeOrg });
        Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
        var request = await Json.ReadAsync(asked);
        Assert.Equal("pending", request["status"]!.GetValue<string>());
        var requestId = request["id"]!.GetValue<Guid>();
        Assert.DoesNotContain(node.NodeOrg, await MembersAsync(nodeAdmin, node.Community));
        Assert.Equal(HttpStatusCode.Forbidden, (await nodeAdmin.PostAsync($"/api/communities/requests/{requestId}/accept", new { })).StatusCode);

        // An analyst of an uninvolved organisation does not even see it.
        Assert.Empty((await Json.ReadAsync(await node.Client(node.Outsider).GetAsync("/api/communities/requests")))["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await node.Client(node.Outsider).PostAsync($"/api/communities/requests/{requestId}/decline", new { })).StatusCode);

        // The moderating organisation's admin sees the request and accepts it.
        var pending = (await Json.ReadAsync(await moderator.GetAsync("/api/communities/requests")))["items"]!.AsArray();
        Assert.Contains(pending, r => r!["id"]!.GetValue<Guid>() == requestId);
        var accepted = await moderator.PostAsync($"/api/communities/requests/{requestId}/accept", new { });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("accepted", (await Json.ReadAsync(accepted))["status"]!.GetValue<string>());
        Assert.Contains(node.NodeOrg, await MembersAsync(nodeAdmin, node.Community));
        var again = await moderator.PostAsync($"/api/communities/requests/{requestId}/decline", new { });
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.NotNull((await Json.ReadAsync(again))["errors"]!["status"]);

        // A declined request adds nobody.
        var second = await Json.ReadAsync(await nodeAdmin.PostAsync($"/api/communities/{node.Community}/members", new { organisationId = node.SameCountryOrg }));
        Assert.Equal(HttpStatusCode.OK, (await moderator.PostAsync($"/api/communities/requests/{second["id"]!.GetValue<Guid>()}/decline", new { })).StatusCode);
        Assert.DoesNotContain(node.SameCountryOrg, await MembersAsync(nodeAdmin, node.Community));

        // The moderating organisation's admin sees the node admin's request and their own acceptance in their audit log.
        var log = (await Json.ReadAsync(await moderator.GetAsync("/api/audit?limit=200")))["items"]!.AsArray();
        Assert.Contains(log, e => e!["event"]!.GetValue<string>() == "community-membership-requested" && e["userId"]?.GetValue<Guid>() == node.NodeAdmin.UserId);
        Assert.Contains(log, e => e!["event"]!.GetValue<string>() == "community-member-added" && e["userId"]?.GetValue<Guid>() == node.OwnerAdmin.UserId);
    }

    [Fact]
    public async Task NodeAdminActions_OnAnOrganisation_AreInThatOrganisationsAuditLog()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var nodeAdmin = node.Client(node.NodeAdmin);
        Assert.Equal(HttpStatusCode.OK, (await nodeAdmin.GetAsync($"/api/users/{node.Owner.UserId}/keys")).StatusCode);
        var keyId = (await Json.ReadAsync(await nodeAdmin.GetAsync($"/api/users/{node.OwnerViewer.UserId}/keys"))).AsArray()[0]!["id"]!.GetValue<Guid>();
        Assert.Equal(HttpStatusCode.NoContent, (await nodeAdmin.DeleteAsync($"/api/keys/{keyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await nodeAdmin.PostAsync($"/api/users/{node.OwnerViewer.UserId}/disable", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await nodeAdmin.PutAsync($"/api/organisations/{node.OwnerOrg}",
            new { name = "Team OWNER", shortName = "OWNER", country = "AL", kind = "national-cert", contactEmail = "soc@owner.test" })).StatusCode);

        var log = (await Json.ReadAsync(await node.Client(node.OwnerAdmin).GetAsync("/api/audit?limit=200")))["items"]!.AsArray()
            .Where(e => e!["userId"]?.GetValue<Guid>() == node.NodeAdmin.UserId)
            .Select(e => e!["event"]!.GetValue<string>())
            .ToList();
        Assert.Contains("api-keys-of-other-user-viewed", log);
        Assert.Contains("api-key-revoked", log);
        Assert.Contains("user-disabled", log);
        Assert.Contains("organisation-changed", log);
    }

    [Fact]
    public async Task ApiKey_CreatedWithAKey_NeverOutlivesIt_AndAReadOnlyKeyCreatesNone()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var now = node.Factory.Clock.GetUtcNow();
        var parent = await Json.ReadAsync(await node.Client(node.Owner).PostAsync($"/api/users/{node.Owner.UserId}/keys",
            new { name = "parent", expiresAt = now.AddDays(30) }));
        var withParent = node.Factory.ClientWithKey(parent["key"]!.GetValue<string>());

        var forever = await withParent.PostAsync($"/api/users/{node.Owner.UserId}/keys", new { name = "forever" });
        Assert.Equal(HttpStatusCode.BadRequest, forever.StatusCode);
        Assert.NotNull((await Json.ReadAsync(forever))["errors"]!["expiresAt"]);
        Assert.Equal(HttpStatusCode.BadRequest,
            (await withParent.PostAsync($"/api/users/{node.Owner.UserId}/keys", new { name = "longer", expiresAt = now.AddDays(31) })).StatusCode);
        Assert.Equal(HttpStatusCode.Created,
            (await withParent.PostAsync($"/api/users/{node.Owner.UserId}/keys", new { name = "shorter", expiresAt = now.AddDays(29), readOnly = true })).StatusCode);

        var readOnly = await Json.ReadAsync(await node.Client(node.Owner).PostAsync($"/api/users/{node.Owner.UserId}/keys", new { name = "ro", readOnly = true }));
        var withReadOnly = node.Factory.ClientWithKey(readOnly["key"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await withReadOnly.PostAsync($"/api/users/{node.Owner.UserId}/keys", new { name = "wider" })).StatusCode);
    }

    [Fact]
    public async Task ReadOnlyKey_OfANodeAdmin_CannotVerifyTheAuditChain_AndAppendsNothing()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var created = await Json.ReadAsync(await node.Client(node.NodeAdmin).PostAsync($"/api/users/{node.NodeAdmin.UserId}/keys", new { name = "ro", readOnly = true }));
        var readOnly = node.Factory.ClientWithKey(created["key"]!.GetValue<string>());
        long Count()
        {
            using var scope = node.Factory.Services.CreateScope();
            return scope.ServiceProvider.GetRequiredService<RampartDb>().AuditEntries.LongCount();
        }

        // Verification runs in the background job; no HTTP request walks the chain or appends a "verified" entry.
        var before = Count();
        var post = await readOnly.PostAsync("/api/audit/verify", new { });
        Assert.True((int)post.StatusCode is 404 or 405, $"POST /api/audit/verify answered {post.StatusCode}");
        Assert.Equal(before, Count());
        var result = await readOnly.GetAsync("/api/audit/verification");
        Assert.True(result.StatusCode is HttpStatusCode.OK or HttpStatusCode.NoContent, $"GET /api/audit/verification answered {result.StatusCode}");
        Assert.Equal(before, Count());
    }
}

public sealed class UserCreationChoicesTests(SqliteNode fixture) : IClassFixture<SqliteNode>
{
    [Fact]
    public async Task UsersPage_OffersOnlyOrganisationsTheCallerMayCreateUsersIn()
    {
        var node = fixture.Node;
        await using var scope = node.Factory.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var empty = (await services.GetRequiredService<Organisations.OrganisationAdministration>().CreateAsync(Access.Caller.Operator(),
            new Organisations.OrganisationRequest("Empty team", "EMPTY", "MD", Organisations.OrganisationKind.Research), default)).Id;
        var admin = services.GetRequiredService<Identity.UserAdministration>();
        var resolver = services.GetRequiredService<Access.ICallerResolver>();

        async Task<List<Guid>> OpenTo(Person person)
        {
            var principal = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
                [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, person.UserId.ToString())], "test"));
            return await admin.OrganisationsOpenToAsync(await resolver.ResolveAsync(principal, null, default), default);
        }

        Assert.Equal(new[] { node.NodeOrg, empty }.Order(), (await OpenTo(node.NodeAdmin)).Order());
        Assert.Equal(new[] { node.OwnerOrg }, await OpenTo(node.OwnerAdmin));
        Assert.Empty(await OpenTo(node.Owner));
        Assert.Equal(new[] { empty }, await admin.OrganisationsOpenToAsync(Access.Caller.Operator(), default));
    }
}

public sealed class SqlitePrivilegeBoundaryTests() : PrivilegeBoundaryTests(DatabaseProvider.Sqlite);

public sealed class PostgresPrivilegeBoundaryTests() : PrivilegeBoundaryTests(DatabaseProvider.Postgres);
