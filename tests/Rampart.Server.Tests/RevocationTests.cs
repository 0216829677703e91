using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Data;
using Rampart.Server.Identity;

namespace Rampart.Server.Tests;

/// <summary>
/// Taking someone out of an audience takes effect on their next request: nothing about who may read
/// is cached in a session or a key. Each test changes the cast, so this class has its own node.
/// </summary>
public abstract class RevocationTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private async Task<Guid> CreateAsync(object note)
    {
        var response = await Node.Client(Node.Owner).PostAsync("/api/notes", note);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Json.ReadAsync(response))["id"]!.GetValue<Guid>();
    }

    private async Task<bool> ReadsAsync(Person person, Guid id)
    {
        var client = Node.Client(person);
        var byId = (await client.GetAsync($"/api/notes/{id}")).StatusCode == HttpStatusCode.OK;
        var list = await client.GetAsync("/api/notes?limit=200");
        var listed = list.StatusCode == HttpStatusCode.OK
            && (await Json.ReadAsync(list))["items"]!.AsArray().Any(n => n!["id"]!.GetValue<Guid>() == id);
        Assert.Equal(byId, listed);
        return byId;
    }

    [Fact]
    public async Task OrganisationRemovedFromCommunity_NoLongerReadsItsNotes()
    {
        var id = await CreateAsync(new { title = "for the community", tlp = "amber", audience = "community", communityId = Node.Community });
        Assert.True(await ReadsAsync(Node.Member, id));

        var removed = await Node.Client(Node.OwnerAdmin).DeleteAsync($"/api/communities/{Node.Community}/members/{Node.MemberOrg}");
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);

        Assert.False(await ReadsAsync(Node.Member, id));
        Assert.True(await ReadsAsync(Node.Owner, id));
    }

    [Fact]
    public async Task RecipientRemovedFromANote_NoLongerReadsIt()
    {
        var id = await CreateAsync(new
        {
            title = "for two recipients", tlp = "amber",
            audiences = new[] { new { kind = "organisation", organisationId = Node.RecipientOrg }, new { kind = "organisation", organisationId = Node.OutsiderOrg } },
        });
        Assert.True(await ReadsAsync(Node.Recipient, id));
        Assert.True(await ReadsAsync(Node.Outsider, id));

        var changed = await Node.Client(Node.Owner).PutAsync($"/api/notes/{id}", new
        {
            title = "for one recipient", tlp = "amber",
            audiences = new[] { new { kind = "organisation", organisationId = Node.OutsiderOrg } },
        });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        Assert.False(await ReadsAsync(Node.Recipient, id));
        Assert.True(await ReadsAsync(Node.Outsider, id));
    }

    [Fact]
    public async Task UserMovedToAnotherOrganisation_NoLongerReadsWhatWasSharedWithTheOldOneOrWithThemThere()
    {
        Person mover;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            mover = await SeededNode.PersonAsync(scope.ServiceProvider, Node.RecipientOrg, "mover@recipient.test", Role.Analyst);
        }

        var toOrganisation = await CreateAsync(new { title = "for the recipient organisation", tlp = "red", audiences = new[] { new { kind = "organisation", organisationId = Node.RecipientOrg } } });
        var toPerson = await CreateAsync(new { title = "for the mover in person", tlp = "red", audiences = new[] { new { kind = "person", userId = mover.UserId } } });
        Assert.True(await ReadsAsync(mover, toOrganisation));
        Assert.True(await ReadsAsync(mover, toPerson));

        // There is no endpoint that moves a person between organisations yet; the database is where it would happen.
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            await db.Users.Where(u => u.Id == mover.UserId).ExecuteUpdateAsync(u => u.SetProperty(x => x.OrganisationId, Node.SameCountryOrg));
        }

        Assert.False(await ReadsAsync(mover, toOrganisation));
        Assert.False(await ReadsAsync(mover, toPerson));
        Assert.True(await ReadsAsync(Node.RecipientColleague, toOrganisation));
    }

    [Fact]
    public async Task UserDisabledByTheirOrganisationAdmin_NoLongerReadsAnything()
    {
        Person target, admin;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            target = await SeededNode.PersonAsync(scope.ServiceProvider, Node.RecipientOrg, "leaver@recipient.test", Role.Analyst);
            admin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.RecipientOrg, "admin@recipient.test", Role.OrgAdmin);
        }

        var id = await CreateAsync(new { title = "for the leaver's organisation", tlp = "amber", audience = "recipients", recipients = new[] { new { organisationId = Node.RecipientOrg } } });
        Assert.True(await ReadsAsync(target, id));

        var disabled = await Node.Client(admin).PostAsync($"/api/users/{target.UserId}/disable", new { });
        Assert.Equal(HttpStatusCode.NoContent, disabled.StatusCode);

        Assert.False(await ReadsAsync(target, id));
        Assert.True(await ReadsAsync(Node.RecipientColleague, id));
    }
}

public sealed class SqliteRevocationTests(SqliteNode fixture) : RevocationTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresRevocationTests(PostgresNode fixture) : RevocationTests(fixture), IClassFixture<PostgresNode>;
