using System.Net;

namespace Rampart.Server.Tests;

public sealed class OrganisationTests(SqliteNode fixture) : IClassFixture<SqliteNode>
{
    private SeededNode Node => fixture.Node;

    private static string TestKey => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "cert-test-ed25519.asc"));

    [Fact]
    public async Task NodeAdmin_CreatesOrganisation_WithPgpKey_FingerprintIsComputed()
    {
        var response = await Node.Client(Node.NodeAdmin).PostAsync("/api/organisations", new
        {
            name = "Kosovo CERT",
            shortName = "KOS-CERT",
            country = "xk",
            kind = "national-cert",
            contactEmail = "cert@example.org",
            phone24x7 = "+383 38 000 000",
            website = "https://cert.example.org",
            pgpPublicKey = TestKey,
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal("XK", body["country"]!.GetValue<string>());
        // As `gpg --fingerprint` prints it for this key.
        Assert.Equal("AE516318E256440B4BFD3AF05FB4ADBCB843AAC5", body["pgpFingerprint"]!.GetValue<string>());
    }

    [Fact]
    public async Task InvalidFields_AreEachNamed_AndNothingIsCreated()
    {
        var before = (await Json.ReadAsync(await Node.Client(Node.NodeAdmin).GetAsync("/api/organisations?limit=500")))["items"]!.AsArray().Count;
        var response = await Node.Client(Node.NodeAdmin).PostAsync("/api/organisations", new
        {
            name = "",
            shortName = "OWNER",
            country = "YU",
            kind = "national-cert",
            contactEmail = "not an address",
            website = "javascript:alert(1)",
            pgpPublicKey = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm90IGEga2V5\n-----END PGP PUBLIC KEY BLOCK-----",
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Json.ReadAsync(response))["errors"]!;
        foreach (var field in new[] { "name", "shortName", "country", "contactEmail", "website", "pgpPublicKey" })
        {
            Assert.True(errors[field] is not null, $"no error for {field}: {errors.ToJsonString()}");
        }

        Assert.Equal(before, (await Json.ReadAsync(await Node.Client(Node.NodeAdmin).GetAsync("/api/organisations?limit=500")))["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Analyst_CannotCreateOrganisations_OrgAdminEditsOwnButNotOthers()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.Owner).PostAsync("/api/organisations",
            new { name = "x", shortName = "X1", country = "AL", kind = "research" })).StatusCode);

        var own = new { name = "Team OWNER (renamed)", shortName = "OWNER", country = "AL", kind = "national-cert", description = "Updated by its admin" };
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(Node.OwnerAdmin).PutAsync($"/api/organisations/{Node.OwnerOrg}", own)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.OwnerAdmin).PutAsync($"/api/organisations/{Node.OutsiderOrg}",
            new { name = "hijack", shortName = "OUTSIDE", country = "RS", kind = "national-cert" })).StatusCode);
        // An org admin cannot change its own kind or country.
        Assert.Equal(HttpStatusCode.BadRequest, (await Node.Client(Node.OwnerAdmin).PutAsync($"/api/organisations/{Node.OwnerOrg}",
            new { name = "Team OWNER", shortName = "OWNER", country = "AL", kind = "regulator" })).StatusCode);
    }

    [Fact]
    public async Task Communities_OnlyNodeAdminsCreate_OnlyModeratorsManageMembers()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.OwnerAdmin).PostAsync("/api/communities",
            new { name = "Rogue", moderatorOrganisationId = Node.OwnerOrg })).StatusCode);

        var created = await Node.Client(Node.NodeAdmin).PostAsync("/api/communities", new { name = "Energy sector", moderatorOrganisationId = Node.OwnerOrg });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await Json.ReadAsync(created))["id"]!.GetValue<Guid>();

        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.Outsider).PostAsync($"/api/communities/{id}/members", new { organisationId = Node.OutsiderOrg })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Node.Client(Node.OwnerAdmin).PostAsync($"/api/communities/{id}/members", new { organisationId = Node.MemberOrg })).StatusCode);

        var listed = (await Json.ReadAsync(await Node.Client(Node.Outsider).GetAsync("/api/communities?limit=500")))["items"]!.AsArray()
            .Single(c => c!["id"]!.GetValue<Guid>() == id)!;
        var members = listed["memberOrganisationIds"]!.AsArray().Select(m => m!.GetValue<Guid>()).ToList();
        Assert.Contains(Node.MemberOrg, members);
        Assert.Contains(Node.OwnerOrg, members);
        Assert.DoesNotContain(Node.OutsiderOrg, members);
    }

    [Fact]
    public async Task Users_OrgAdminCreatesInOwnOrganisationOnly_AndNeverANodeAdmin()
    {
        var ok = await Node.Client(Node.OwnerAdmin).PostAsync("/api/users", new { email = "new@owner.test", organisationId = Node.OwnerOrg, role = "analyst" });
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        Assert.Equal(20, (await Json.ReadAsync(ok))["oneTimePassword"]!.GetValue<string>().Length);

        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.OwnerAdmin).PostAsync("/api/users",
            new { email = "plant@outside.test", organisationId = Node.OutsiderOrg, role = "analyst" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Node.Client(Node.OwnerAdmin).PostAsync("/api/users",
            new { email = "boss@owner.test", organisationId = Node.OwnerOrg, role = "node-admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.Owner).PostAsync("/api/users",
            new { email = "friend@owner.test", organisationId = Node.OwnerOrg, role = "analyst" })).StatusCode);

        // Org admins see their own organisation's users only.
        var users = (await Json.ReadAsync(await Node.Client(Node.OwnerAdmin).GetAsync("/api/users?limit=200")))["items"]!.AsArray();
        Assert.All(users, u => Assert.Equal(Node.OwnerOrg, u!["organisationId"]!.GetValue<Guid>()));
        Assert.DoesNotContain(users, u => u!["passwordHash"] is not null);
    }
}
