using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Admin;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>
/// Names and titles are one line of printable text: control characters (C0, DEL, C1) and bidi overrides are
/// refused with a 400 naming the field, and nothing is stored. Bodies and descriptions may hold line breaks and tabs.
/// </summary>
public abstract class ControlCharacterTests(NodeFixture fixture)
{
    public static TheoryData<string> Forbidden => ["\u001b[2J", "a\nb", "tab\there", "del\u007f", "c1\u0085", "c1\u009b31m", "\u202eevil", "iso\u2066late", "nul\0"];

    private SeededNode Node => fixture.Node;

    private async Task<int> CountAsync(Func<RampartDb, Task<int>> count)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await count(scope.ServiceProvider.GetRequiredService<RampartDb>());
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await Json.ReadAsync(response);
        Assert.True(body["errors"]?[field] is not null, $"expected an error for '{field}', got {body.ToJsonString()}");
        Assert.Contains("control", body["errors"]![field]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Forbidden))]
    public async Task OrganisationNameOrContact_WithAControlCharacter_Is400NamingTheField_AndStoresNothing(string bad)
    {
        var before = await CountAsync(db => db.Organisations.CountAsync());
        var admin = Node.Client(Node.NodeAdmin);
        var shortName = "CC" + Math.Abs(bad.GetHashCode(StringComparison.Ordinal) % 100000);
        await AssertRefusedAsync(await admin.PostAsync("/api/organisations", new { name = "Team " + bad, shortName, country = "AL", kind = "national-cert" }), "name");
        await AssertRefusedAsync(await admin.PostAsync("/api/organisations", new { name = "Team", shortName = shortName + bad, country = "AL", kind = "national-cert" }), "shortName");
        await AssertRefusedAsync(await admin.PostAsync("/api/organisations", new { name = "Team", shortName, country = "AL", kind = "national-cert", phone24x7 = "+355" + bad }), "phone24x7");
        await AssertRefusedAsync(await admin.PostAsync("/api/organisations", new { name = "Team", shortName, country = "AL", kind = "national-cert", contactEmail = "a" + bad + "@b.test" }), "contactEmail");
        Assert.Equal(before, await CountAsync(db => db.Organisations.CountAsync()));

        // The organisation's own admin changing it: the same rule.
        var ownerAdmin = Node.Client(Node.OwnerAdmin);
        await AssertRefusedAsync(await ownerAdmin.PutAsync($"/api/organisations/{Node.OwnerOrg}",
            new { name = "Team OWNER" + bad, shortName = "OWNER", country = "AL", kind = "national-cert" }), "name");
        Assert.Equal("Team OWNER", (await Json.ReadAsync(await ownerAdmin.GetAsync($"/api/organisations/{Node.OwnerOrg}")))["name"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(Forbidden))]
    public async Task CommunityName_WithAControlCharacter_Is400(string bad)
    {
        var before = await CountAsync(db => db.Communities.CountAsync());
        await AssertRefusedAsync(await Node.Client(Node.NodeAdmin).PostAsync("/api/communities",
            new { name = "Trust " + bad, moderatorOrganisationId = Node.OwnerOrg }), "name");
        Assert.Equal(before, await CountAsync(db => db.Communities.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Forbidden))]
    public async Task NoteTitle_WithAControlCharacter_Is400(string bad)
    {
        var before = await CountAsync(db => db.Notes.CountAsync());
        await AssertRefusedAsync(await Node.Client(Node.Owner).PostAsync("/api/notes",
            new { title = "Phishing " + bad, body = "x", tlp = "green", audience = "network" }), "title");
        Assert.Equal(before, await CountAsync(db => db.Notes.CountAsync()));
    }

    [Theory]
    [MemberData(nameof(Forbidden))]
    public async Task ApiKeyNameAndDisplayName_WithAControlCharacter_Are400(string bad)
    {
        var keys = await CountAsync(db => db.ApiKeys.CountAsync());
        await AssertRefusedAsync(await Node.Client(Node.Owner).PostAsync($"/api/users/{Node.Owner.UserId}/keys", new { name = "sync " + bad }), "name");
        Assert.Equal(keys, await CountAsync(db => db.ApiKeys.CountAsync()));

        var users = await CountAsync(db => db.Users.CountAsync());
        await AssertRefusedAsync(await Node.Client(Node.OwnerAdmin).PostAsync("/api/users",
            new { email = "new@owner.test", displayName = "Ana " + bad, organisationId = Node.OwnerOrg, role = "analyst" }), "displayName");
        Assert.Equal(users, await CountAsync(db => db.Users.CountAsync()));
    }

    [Theory]
    [InlineData("\u001b[31mred")]
    [InlineData("\u202eevil")]
    [InlineData("bell\u0007")]
    [InlineData("c1\u009b")]
    public async Task MultiLineBody_RefusesOtherControls_ButKeepsLineBreaksAndTabs(string bad)
    {
        var owner = Node.Client(Node.Owner);
        await AssertRefusedAsync(await owner.PostAsync("/api/notes", new { title = "Body", body = "line\n" + bad, tlp = "green", audience = "network" }), "body");
        await AssertRefusedAsync(await Node.Client(Node.NodeAdmin).PostAsync("/api/communities",
            new { name = "Described " + Guid.NewGuid().ToString("N")[..8], description = "about\n" + bad, moderatorOrganisationId = Node.OwnerOrg }), "description");

        var fine = await owner.PostAsync("/api/notes", new { title = "Indented", body = "first\n\tindented\r\nthird", tlp = "green", audience = "network" });
        Assert.Equal(HttpStatusCode.Created, fine.StatusCode);
        Assert.Equal("first\n\tindented\r\nthird", (await Json.ReadAsync(fine))["body"]!.GetValue<string>());
    }
}

public sealed class SqliteControlCharacterTests(SqliteNode fixture) : ControlCharacterTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresControlCharacterTests(PostgresNode fixture) : ControlCharacterTests(fixture), IClassFixture<PostgresNode>;

/// <summary>The command line refuses the same characters, and prints stored ones (from before the rule) escaped.</summary>
public sealed class ControlCharacterCommandLineTests(SqliteNode fixture) : IClassFixture<SqliteNode>
{
    private SeededNode Node => fixture.Node;

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await AdminCommandLine.RunAsync(args, output, error, builder =>
        {
            builder.Configuration["Rampart:Database:Provider"] = Node.Database.Provider.ToString();
            builder.Configuration["Rampart:Database:ConnectionString"] = Node.Database.ConnectionString;
        });
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("admin", "org", "create", "--name", "Evil\u001b]0;owned\u0007", "--short", "EVIL1", "--country", "AL", "--kind", "national-cert")]
    [InlineData("admin", "org", "create", "--name", "Evil", "--short", "EVIL\u202e2", "--country", "AL", "--kind", "national-cert")]
    [InlineData("admin", "community", "create", "--name", "Evil\r\ncommunity", "--moderator", "OWNER")]
    public async Task ControlCharacterInAName_ExitsWith2_NamingTheField_AndWritesNothing(params string[] args)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var before = (await db.Organisations.CountAsync(), await db.Communities.CountAsync());
        var (exit, _, error) = await RunAsync(args);
        Assert.Equal(2, exit);
        Assert.Matches("^error: (name|shortName): .*control", error);
        Assert.Equal(before, (await db.Organisations.CountAsync(), await db.Communities.CountAsync()));
    }

    [Fact]
    public async Task StoredControlCharacters_AreListedEscaped()
    {
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            // Old data, written before the rule existed: straight into the database.
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var org = await db.Organisations.SingleAsync(o => o.ShortName == "OUTSIDE");
            org.Name = "Old\u001b[2Jname\u202e";
            var user = await db.Users.SingleAsync(u => u.Id == Node.Outsider.UserId);
            user.DisplayName = "Old\u009bperson";
            await db.SaveChangesAsync();
        }

        var orgs = await RunAsync("admin", "org", "list");
        Assert.Equal(0, orgs.Exit);
        Assert.Contains("Old\\u{001B}[2Jname\\u{202E}", orgs.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", orgs.Output, StringComparison.Ordinal);

        var users = await RunAsync("admin", "user", "list");
        Assert.Equal(0, users.Exit);
        Assert.Contains("Old\\u{009B}person", users.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("\u009b", users.Output, StringComparison.Ordinal);
    }
}
