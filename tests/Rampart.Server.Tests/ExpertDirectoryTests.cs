using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Capacity.Experts;

namespace Rampart.Server.Tests;

/// <summary>
/// The expert and fellowship directory (issue 12) through HTTP, on SQLite and PostgreSQL: consent and its withdrawal,
/// members-only reading, search, requests through the node that only the expert answers — no administrator acts as them.
/// </summary>
public abstract class ExpertDirectoryTests(NodeFixture fixture)
{
    private static readonly HttpStatusCode[] NoSuchOperation = [HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed];

    private SeededNode Node => fixture.Node;

    private static object Profile(string name, string[] areas, string[] languages, string country = "AL", bool showEmail = false, bool? consent = true) => new
    {
        consent,
        name,
        country,
        languages,
        areas,
        tags = new[] { "ransomware" },
        availability = "Can support incident handling on request",
        programme = "Regional CERT fellowship 2025",
        profileText = "Ten years of incident response.",
        showEmail,
    };

    private async Task<SeededPerson> NewPersonAsync(Guid organisation, Rampart.Server.Access.Role role = Rampart.Server.Access.Role.Analyst)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var person = await SeededNode.PersonAsync(scope.ServiceProvider, organisation, $"expert-{Guid.NewGuid():N}@test.example", role);
        return new SeededPerson(person, Node.Client(person));
    }

    private sealed record SeededPerson(Person Person, HttpClient Client);

    private static List<string> Names(JsonNode page) => page["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task ConsentWithdrawal_RemovesThePersonFromEveryListAndSearchAtOnce()
    {
        var expert = await NewPersonAsync(Node.OwnerOrg);
        var name = $"Ana {Guid.NewGuid():N}";
        var saved = await expert.Client.PutAsync("/api/capacity/experts/me", Profile(name, ["malware-analysis"], ["sq", "en"], "AL", showEmail: true));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var body = await Json.ReadAsync(saved);
        var id = body["id"]!.GetValue<Guid>();
        Assert.NotNull(body["consentedAt"]);

        var member = Node.Client(Node.Member);
        Assert.Contains(name, Names(await Json.ReadAsync(await member.GetAsync("/api/capacity/experts?area=malware-analysis&limit=200"))));
        Assert.Contains(name, Names(await Json.ReadAsync(await member.GetAsync("/api/capacity/experts?language=sq&country=al&limit=200"))));
        Assert.DoesNotContain(name, Names(await Json.ReadAsync(await member.GetAsync("/api/capacity/experts?language=ka&limit=200"))));
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/api/capacity/experts/{id}")).StatusCode);

        // Before withdrawing: one request accepted (its sender sees the address the expert consented to show), one still waiting.
        var accepted = (await Json.ReadAsync(await member.PostAsync($"/api/capacity/experts/{id}/requests", new { subject = "Help", message = "Please" })))["id"]!.GetValue<Guid>();
        Assert.Equal(HttpStatusCode.OK, (await expert.Client.PostAsync($"/api/capacity/experts/requests/{accepted}/accept", new { response = "Yes" })).StatusCode);
        var outsider = Node.Client(Node.Outsider);
        var waiting = (await Json.ReadAsync(await outsider.PostAsync($"/api/capacity/experts/{id}/requests", new { subject = "Later", message = "When you can" })))["id"]!.GetValue<Guid>();
        async Task<JsonNode> SentAsync(HttpClient client, Guid request) =>
            (await Json.ReadAsync(await client.GetAsync("/api/capacity/experts/requests/sent?limit=200")))["items"]!.AsArray().Single(r => r!["id"]!.GetValue<Guid>() == request)!;
        Assert.Equal(expert.Person.Email, (await SentAsync(member, accepted))["expertEmail"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await expert.Client.DeleteAsync("/api/capacity/experts/me")).StatusCode);

        // Withdrawn consent also covers the address: the accepted request no longer shows it; the waiting one is closed unanswered.
        Assert.Null((await SentAsync(member, accepted))["expertEmail"]);
        Assert.DoesNotContain(expert.Person.Email, await (await member.GetAsync("/api/capacity/experts/requests/sent?limit=200")).Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("closed", (await SentAsync(outsider, waiting))["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await expert.Client.PostAsync($"/api/capacity/experts/requests/{waiting}/accept", new { })).StatusCode);
        Assert.DoesNotContain(name, Names(await Json.ReadAsync(await member.GetAsync("/api/capacity/experts?limit=200"))));
        Assert.DoesNotContain(name, Names(await Json.ReadAsync(await member.GetAsync("/api/capacity/experts?area=malware-analysis&limit=200"))));
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync($"/api/capacity/experts/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await expert.Client.GetAsync("/api/capacity/experts/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.PostAsync($"/api/capacity/experts/{id}/requests", new { subject = "Help", message = "Please" })).StatusCode);
    }

    [Fact]
    public async Task DisabledPerson_LeavesTheDirectoryAndGetsNoRequests_UntilReEnabled()
    {
        // Review F10: a person disabled by their organisation's admin cannot answer or withdraw.
        var expert = await NewPersonAsync(Node.RecipientOrg);
        var name = $"Bea {Guid.NewGuid():N}";
        var id = (await Json.ReadAsync(await expert.Client.PutAsync("/api/capacity/experts/me", Profile(name, ["digital-forensics"], ["sr"], "RS"))))["id"]!.GetValue<Guid>();
        var member = Node.Client(Node.Member);
        Assert.Contains(name, Names(await Json.ReadAsync(await member.GetAsync("/api/capacity/experts?limit=200"))));

        await SetDisabledAsync(expert.Person, true);

        Assert.DoesNotContain(name, Names(await Json.ReadAsync(await member.GetAsync("/api/capacity/experts?limit=200"))));
        Assert.DoesNotContain(name, Names(await Json.ReadAsync(await member.GetAsync("/api/capacity/experts?area=digital-forensics&limit=200"))));
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync($"/api/capacity/experts/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.PostAsync($"/api/capacity/experts/{id}/requests", new { subject = "Help", message = "Please" })).StatusCode);

        await SetDisabledAsync(expert.Person, false);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/api/capacity/experts/{id}")).StatusCode);
    }

    [Fact]
    public async Task Viewer_CannotOfferAProfile_Gets403AndNothingIsListed()
    {
        var viewer = await NewPersonAsync(Node.OwnerOrg, Rampart.Server.Access.Role.Viewer);
        var name = $"Vera {Guid.NewGuid():N}";

        var saved = await viewer.Client.PutAsync("/api/capacity/experts/me", Profile(name, ["digital-forensics"], ["sq"], "AL"));

        Assert.Equal(HttpStatusCode.Forbidden, saved.StatusCode);
        Assert.DoesNotContain(name, Names(await Json.ReadAsync(await Node.Client(Node.Member).GetAsync("/api/capacity/experts?limit=200"))));
    }

    [Fact]
    public async Task PersonDemotedToViewer_LeavesTheDirectoryAndGetsNoRequests_UntilAWritingRoleAgain()
    {
        // Review s6 R-small: a viewer profile from before the viewer rule, or of a person demoted later, stayed listed.
        var expert = await NewPersonAsync(Node.MemberOrg);
        var name = $"Dita {Guid.NewGuid():N}";
        var id = (await Json.ReadAsync(await expert.Client.PutAsync("/api/capacity/experts/me", Profile(name, ["digital-forensics"], ["mk"], "MK"))))["id"]!.GetValue<Guid>();
        var member = Node.Client(Node.Member);
        Assert.Contains(name, Names(await Json.ReadAsync(await member.GetAsync("/api/capacity/experts?limit=200"))));

        await SetRoleAsync(expert.Person, Rampart.Server.Access.Role.Viewer);

        Assert.DoesNotContain(name, Names(await Json.ReadAsync(await member.GetAsync("/api/capacity/experts?limit=200"))));
        Assert.DoesNotContain(name, Names(await Json.ReadAsync(await member.GetAsync("/api/capacity/experts?area=digital-forensics&limit=200"))));
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync($"/api/capacity/experts/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.PostAsync($"/api/capacity/experts/{id}/requests", new { subject = "Help", message = "Please" })).StatusCode);

        await SetRoleAsync(expert.Person, Rampart.Server.Access.Role.Analyst);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"/api/capacity/experts/{id}")).StatusCode);
    }

    private async Task SetRoleAsync(Person person, Rampart.Server.Access.Role role)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Rampart.Server.Data.RampartDb>();
        var user = await db.Users.FindAsync(person.UserId);
        user!.Role = role;
        await db.SaveChangesAsync();
    }

    private async Task SetDisabledAsync(Person person, bool disabled)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Rampart.Server.Data.RampartDb>();
        var user = await db.Users.FindAsync(person.UserId);
        user!.Disabled = disabled;
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Directory_IsForLoggedInMembersOnly_AndShowsEmailOnlyWithConsent()
    {
        var hidden = await NewPersonAsync(Node.RecipientOrg);
        var shown = await NewPersonAsync(Node.MemberOrg);
        var hiddenName = $"Hidden {Guid.NewGuid():N}";
        var shownName = $"Shown {Guid.NewGuid():N}";
        Assert.Equal(HttpStatusCode.OK, (await hidden.Client.PutAsync("/api/capacity/experts/me", Profile(hiddenName, ["digital-forensics"], ["sr"], "XK"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await shown.Client.PutAsync("/api/capacity/experts/me", Profile(shownName, ["digital-forensics"], ["mk"], "MK", showEmail: true))).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Client(null).GetAsync("/api/capacity/experts")).StatusCode);
        var page = await Json.ReadAsync(await Node.Client(Node.Outsider).GetAsync("/api/capacity/experts?area=digital-forensics&limit=200"));
        var items = page["items"]!.AsArray();
        Assert.Null(items.Single(i => i!["name"]!.GetValue<string>() == hiddenName)!["email"]);
        Assert.Equal(shown.Person.Email, items.Single(i => i!["name"]!.GetValue<string>() == shownName)!["email"]!.GetValue<string>());
        Assert.DoesNotContain(hidden.Person.Email, page.ToJsonString(), StringComparison.OrdinalIgnoreCase);

        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var directory = scope.ServiceProvider.GetRequiredService<ExpertDirectory>();
        var (forOperator, _) = await directory.ListAsync(Caller.Operator(), new ExpertFilter("digital-forensics"), null, 200, default);
        Assert.Empty(forOperator);
    }

    [Fact]
    public async Task Requests_GoThroughTheNode_OnlyTheExpertSeesAndAnswersThem()
    {
        var expert = await NewPersonAsync(Node.OwnerOrg);
        var name = $"Expert {Guid.NewGuid():N}";
        var id = (await Json.ReadAsync(await expert.Client.PutAsync("/api/capacity/experts/me", Profile(name, ["incident-handling"], ["en"], showEmail: true))))["id"]!.GetValue<Guid>();
        var asker = Node.Client(Node.Member);
        var sent = await asker.PostAsync($"/api/capacity/experts/{id}/requests", new { subject = "Ransomware at a hospital", message = "Could you help our team tonight?" });
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        var requestId = (await Json.ReadAsync(sent))["id"]!.GetValue<Guid>();
        Assert.Null((await Json.ReadAsync(sent))["expertEmail"]);
        Assert.Equal(HttpStatusCode.Conflict, (await asker.PostAsync($"/api/capacity/experts/{id}/requests", new { subject = "Again", message = "?" })).StatusCode);

        var inbox = await Json.ReadAsync(await expert.Client.GetAsync("/api/capacity/experts/requests/inbox"));
        Assert.Contains(inbox["items"]!.AsArray(), r => r!["id"]!.GetValue<Guid>() == requestId);
        Assert.DoesNotContain(Node.Member.Email, inbox.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        // The reference the page and the notifications name it by is in the REST view too.
        Assert.Equal(ExpertRules.Reference(requestId), inbox["items"]!.AsArray().Single(r => r!["id"]!.GetValue<Guid>() == requestId)!["reference"]!.GetValue<string>());

        // Nobody else — another organisation, the expert's own org admin, a node admin, a colleague — sees or answers it.
        foreach (var other in new[] { Node.Outsider, Node.OwnerAdmin, Node.NodeAdmin, Node.Owner })
        {
            var client = Node.Client(other);
            var theirs = await Json.ReadAsync(await client.GetAsync("/api/capacity/experts/requests/inbox"));
            Assert.DoesNotContain(theirs["items"]!.AsArray(), r => r!["id"]!.GetValue<Guid>() == requestId);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/capacity/experts/requests/{requestId}/accept", new { })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/capacity/experts/requests/{requestId}/decline", new { })).StatusCode);
        }

        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var directory = scope.ServiceProvider.GetRequiredService<ExpertDirectory>();
            Assert.Null(await directory.AnswerAsync(Caller.Operator(), requestId, true, new ExpertAnswer("as the operator"), default));
            var (operatorInbox, _) = await directory.RequestsAsync(Caller.Operator(), inbox: true, null, 200, default);
            Assert.Empty(operatorInbox);
        }

        var sentList = await Json.ReadAsync(await asker.GetAsync("/api/capacity/experts/requests/sent"));
        Assert.Equal("pending", sentList["items"]!.AsArray().Single(r => r!["id"]!.GetValue<Guid>() == requestId)!["status"]!.GetValue<string>());

        var accepted = await expert.Client.PostAsync($"/api/capacity/experts/requests/{requestId}/accept", new { response = "Yes, call the node's duty line." });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await expert.Client.PostAsync($"/api/capacity/experts/requests/{requestId}/decline", new { })).StatusCode);
        var answered = (await Json.ReadAsync(await asker.GetAsync("/api/capacity/experts/requests/sent")))["items"]!.AsArray().Single(r => r!["id"]!.GetValue<Guid>() == requestId)!;
        Assert.Equal("accepted", answered["status"]!.GetValue<string>());
        Assert.Equal(expert.Person.Email, answered["expertEmail"]!.GetValue<string>());
    }

    [Fact]
    public async Task NoAdministrator_ActsAsTheExpert()
    {
        var expert = await NewPersonAsync(Node.OwnerOrg);
        var name = $"Kept {Guid.NewGuid():N}";
        var id = (await Json.ReadAsync(await expert.Client.PutAsync("/api/capacity/experts/me", Profile(name, ["cloud-security"], ["ro"], "MD"))))["id"]!.GetValue<Guid>();

        // The expert's org admin and a node admin: /me is themselves; there is no route that takes another person's profile.
        foreach (var admin in new[] { Node.OwnerAdmin, Node.NodeAdmin })
        {
            var client = Node.Client(admin);
            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/api/capacity/experts/me")).StatusCode);
            Assert.Contains((await client.PutAsync($"/api/capacity/experts/{id}", Profile("Changed", ["cloud-security"], ["ro"]))).StatusCode, NoSuchOperation);
            Assert.Contains((await client.DeleteAsync($"/api/capacity/experts/{id}")).StatusCode, NoSuchOperation);
        }

        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var directory = scope.ServiceProvider.GetRequiredService<ExpertDirectory>();
            await Assert.ThrowsAsync<Rampart.Server.Hosting.ForbiddenException>(() => directory.WithdrawAsync(Caller.Operator(), default));
            await Assert.ThrowsAsync<Rampart.Server.Hosting.ForbiddenException>(() => directory.SaveAsync(Caller.Operator(), new ExpertProfileRequest(true, "Op", "AL", ["en"], ["cloud-security"]), default));
        }

        var read = await Json.ReadAsync(await Node.Client(Node.Member).GetAsync($"/api/capacity/experts/{id}"));
        Assert.Equal(name, read["name"]!.GetValue<string>());
        Assert.Null(read["consentedAt"]); // the time of consent is the person's own business

        // A read-only key of the expert does not change the profile either.
        await using var keys = Node.Factory.Services.CreateAsyncScope();
        var readOnly = await SeededNode.PersonAsync(keys.ServiceProvider, Node.OwnerOrg, $"ro-{Guid.NewGuid():N}@test.example", Rampart.Server.Access.Role.Analyst, readOnlyKey: true);
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(readOnly).PutAsync("/api/capacity/experts/me", Profile("Read only", ["cloud-security"], ["ro"]))).StatusCode);
    }

    [Fact]
    public async Task BadInput_Is400NamingTheField_AndNothingIsListed()
    {
        var person = await NewPersonAsync(Node.SameCountryOrg);
        var name = $"Bad {Guid.NewGuid():N}";
        var noConsent = await person.Client.PutAsync("/api/capacity/experts/me", Profile(name, ["incident-handling"], ["en"], consent: false));
        Assert.Equal(HttpStatusCode.BadRequest, noConsent.StatusCode);
        Assert.NotNull((await Json.ReadAsync(noConsent))["errors"]!["consent"]);

        var bad = await person.Client.PutAsync("/api/capacity/experts/me", Profile(name + "\u0007", ["juggling"], ["xx"], "QQ"));
        var errors = (await Json.ReadAsync(bad))["errors"]!;
        foreach (var field in new[] { "name", "areas[0]", "languages[0]", "country" })
        {
            Assert.True(errors[field] is not null, $"no error for {field}: {errors.ToJsonString()}");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await person.Client.GetAsync("/api/capacity/experts/me")).StatusCode);
        Assert.DoesNotContain(name, Names(await Json.ReadAsync(await Node.Client(Node.Member).GetAsync("/api/capacity/experts?limit=200"))));
        foreach (var (query, field) in new[] { ("area=juggling", "area"), ("language=english", "language"), ("country=QQ", "country"), ("limit=0", "limit") })
        {
            var response = await Node.Client(Node.Member).GetAsync("/api/capacity/experts?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.NotNull((await Json.ReadAsync(response))["errors"]![field]);
        }

        var areas = (await Json.ReadAsync(await Node.Client(Node.Member).GetAsync("/api/capacity/experts/areas"))).AsArray();
        Assert.Contains(areas, a => a!["code"]!.GetValue<string>() == "incident-handling");
    }
}

public sealed class SqliteExpertDirectoryTests(SqliteNode fixture) : ExpertDirectoryTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresExpertDirectoryTests(PostgresNode fixture) : ExpertDirectoryTests(fixture), IClassFixture<PostgresNode>;
