using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Incidents.Requests;

namespace Rampart.Server.Tests;

/// <summary>
/// Requests for assistance inside incidents (issue 11), SQLite and PostgreSQL: the asked organisation's own workflow,
/// the sent/received lists, the due list, and everyone else — outsiders, other participants, every kind of
/// administrator — reaching nothing (404) or doing nothing (403), with nothing changed.
/// </summary>
public abstract class AssistanceRequestTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private DateTimeOffset Now => Node.Factory.Clock.GetUtcNow();

    private static async Task<JsonNode> Ok(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private static async Task AssertBadRequest(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.True(JsonNode.Parse(text)!["errors"]?[field] is not null, $"no error for '{field}': {text}");
    }

    private async Task<string> IncidentAsync(string tlp = "amber")
    {
        var body = new { title = "Same actor in two ministries", summary = "", tlp, severity = "high", sector = "public-administration", significant = false };
        return (await Ok(await Node.Client(Node.Owner).PostAsync("/api/incidents", body), HttpStatusCode.Created))["id"]!.GetValue<string>();
    }

    private async Task JoinAsync(string id, Person who, string role)
    {
        var invited = await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/participants", new { organisationId = who.OrganisationId, role }), HttpStatusCode.Created);
        await Ok(await Node.Client(who).PostAsync($"/api/incidents/invitations/{invited["id"]}/accept", new { }));
    }

    private async Task<List<JsonNode>> BoxAsync(Person who, string box, bool open = false)
    {
        var all = new List<JsonNode>();
        string? next = null;
        do
        {
            var page = await Ok(await Node.Client(who).GetAsync($"/api/requests?box={box}&limit=2{(open ? "&open=true" : "")}{(next is null ? "" : "&next=" + Uri.EscapeDataString(next))}"));
            all.AddRange(page["items"]!.AsArray().Select(i => i!));
            next = page["next"]?.GetValue<string>();
        }
        while (next is not null);
        return all;
    }

    [Fact]
    public async Task Request_AskedOrganisationAcknowledgesAcceptsAnswers_TheRequesterSeesItInTheJournal()
    {
        var id = await IncidentAsync();
        await JoinAsync(id, Node.Recipient, "contributor");
        var owner = Node.Client(Node.Owner);
        var dueAt = Now.AddHours(4);
        var sent = await Ok(await owner.PostAsync($"/api/incidents/{id}/requests",
            new { kind = "block-indicators", title = "Block the C2 addresses", details = "203.0.113.7, 198.51.100.9", organisationIds = new[] { Node.RecipientOrg }, dueAt }), HttpStatusCode.Created);
        var requestId = sent["id"]!.GetValue<string>();
        Assert.Equal("sent", sent["recipients"]![0]!["state"]!.GetValue<string>());

        // The asked organisation sees it received, open, and in its due list; the requester sees it sent.
        Assert.Contains(await BoxAsync(Node.Recipient, "received", open: true), r => r["requestId"]!.GetValue<string>() == requestId);
        Assert.Contains(await BoxAsync(Node.Owner, "sent"), r => r["requestId"]!.GetValue<string>() == requestId);
        var due = await Ok(await Node.Client(Node.Recipient).GetAsync("/api/incidents/due?limit=200"));
        Assert.Contains(due["items"]!.AsArray(), d => d!["kind"]!.GetValue<string>() == "request" && d["incidentId"]!.GetValue<string>() == id);

        var recipient = Node.Client(Node.Recipient);
        await Ok(await recipient.PostAsync($"/api/requests/{requestId}/acknowledge", new { }));
        await AssertBadRequest(await recipient.PostAsync($"/api/requests/{requestId}/acknowledge", new { }), "state");
        await Ok(await recipient.PostAsync($"/api/requests/{requestId}/accept", new { }));
        await AssertBadRequest(await recipient.PostAsync($"/api/requests/{requestId}/answer", new { answer = "  " }), "answer");
        var answered = await Ok(await recipient.PostAsync($"/api/requests/{requestId}/answer", new { answer = "Blocked at the national perimeter at 03:40." }));
        Assert.Equal("answered", answered["ownState"]!.GetValue<string>());
        await AssertBadRequest(await recipient.PostAsync($"/api/requests/{requestId}/decline", new { reason = "Too late" }), "state");

        var seen = await Ok(await owner.GetAsync($"/api/requests/{requestId}"));
        Assert.Equal("Blocked at the national perimeter at 03:40.", seen["recipients"]![0]!["answer"]!.GetValue<string>());
        var journal = await Ok(await owner.GetAsync($"/api/incidents/{id}/journal?limit=200"));
        Assert.Contains(journal["items"]!.AsArray(), e => e!["event"]?.GetValue<string>() == AssistanceEvents.Answered && e["subjectOrganisationId"]!.GetValue<Guid>() == Node.RecipientOrg);
        Assert.DoesNotContain(await BoxAsync(Node.Recipient, "received", open: true), r => r["requestId"]!.GetValue<string>() == requestId);
        due = await Ok(await Node.Client(Node.Recipient).GetAsync("/api/incidents/due?limit=200"));
        Assert.DoesNotContain(due["items"]!.AsArray(), d => d!["kind"]!.GetValue<string>() == "request" && d["incidentId"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task Request_BadInput_Is400NamingTheField_AndNothingIsSent()
    {
        var id = await IncidentAsync();
        await JoinAsync(id, Node.Recipient, "contributor");
        var owner = Node.Client(Node.Owner);
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/requests", new { kind = "hack-back", title = "x", organisationIds = new[] { Node.RecipientOrg } }), "kind");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/requests", new { kind = "free", title = " ", organisationIds = new[] { Node.RecipientOrg } }), "title");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/requests", new { kind = "free", title = "x", organisationIds = Array.Empty<Guid>() }), "organisationIds");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/requests", new { kind = "free", title = "x", organisationIds = new[] { Node.OutsiderOrg } }), "organisationIds[0]");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/requests", new { kind = "free", title = "x", organisationIds = new[] { Node.RecipientOrg, Node.RecipientOrg } }), "organisationIds[1]");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/requests", new { kind = "free", title = "x", organisationIds = new[] { Node.RecipientOrg }, dueAt = Now.AddHours(-1) }), "dueAt");
        await AssertBadRequest(await owner.GetAsync("/api/requests?box=spam"), "box");
        Assert.Empty((await Ok(await owner.GetAsync($"/api/incidents/{id}/requests")))["items"]!.AsArray());
    }

    [Fact]
    public async Task Request_OthersAndEveryAdministrator_CannotReadOrAnswerIt_AndNothingChanges()
    {
        var id = await IncidentAsync("amber+strict");
        await JoinAsync(id, Node.Recipient, "contributor");
        await JoinAsync(id, Node.Member, "observer");
        var owner = Node.Client(Node.Owner);
        var requestId = (await Ok(await owner.PostAsync($"/api/incidents/{id}/requests",
            new { kind = "analyse-sample", title = "Analyse the loader", details = "sha256 …", organisationIds = new[] { Node.RecipientOrg } }), HttpStatusCode.Created))["id"]!.GetValue<string>();

        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var otherAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"admin-{Guid.NewGuid():N}@outside.test", Role.OrgAdmin);
        // Outsiders, administrators and an observer that was not asked: the request does not exist for them.
        foreach (var person in new[] { Node.Outsider, Node.NodeAdmin, otherAdmin, Node.SameCountry, Node.Member })
        {
            var client = Node.Client(person);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/requests/{requestId}")).StatusCode);
            foreach (var action in new[] { "acknowledge", "accept", "decline", "answer", "withdraw" })
            {
                Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/requests/{requestId}/{action}", new { reason = "r", answer = "a" })).StatusCode);
            }

            Assert.DoesNotContain(await BoxAsync(person, "received"), r => r["requestId"]!.GetValue<string>() == requestId);
            Assert.DoesNotContain(await BoxAsync(person, "sent"), r => r["requestId"]!.GetValue<string>() == requestId);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/requests/{Guid.CreateVersion7()}")).StatusCode);
        }

        // The observer sees the incident but not the request, and may not send one.
        var member = await Ok(await Node.Client(Node.Member).GetAsync($"/api/incidents/{id}/requests"));
        Assert.Empty(member["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.Member).PostAsync($"/api/incidents/{id}/requests",
            new { kind = "free", title = "x", organisationIds = new[] { Node.OwnerOrg } })).StatusCode);
        // The requester answers nothing of its own request; the asked organisation withdraws nothing; its viewer does nothing.
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.OwnerAdmin).PostAsync($"/api/requests/{requestId}/answer", new { answer = "self-answer" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.Recipient).PostAsync($"/api/requests/{requestId}/withdraw", new { })).StatusCode);
        var viewer = await SeededNode.PersonAsync(scope.ServiceProvider, Node.RecipientOrg, $"viewer-{Guid.NewGuid():N}@recipient.test", Role.Viewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(viewer).PostAsync($"/api/requests/{requestId}/accept", new { })).StatusCode);

        // The command-line operator finds nothing either.
        var queries = scope.ServiceProvider.GetRequiredService<AssistanceQueries>();
        Assert.Null(await queries.FindAsync(Caller.Operator(), Guid.Parse(requestId), default));

        // Nothing changed: still sent; then the requester withdraws it, and it is closed for the asked organisation.
        var after = await Ok(await owner.GetAsync($"/api/requests/{requestId}"));
        Assert.Equal("sent", after["recipients"]![0]!["state"]!.GetValue<string>());
        Assert.Null(after["recipients"]![0]!["answer"]);
        await Ok(await owner.PostAsync($"/api/requests/{requestId}/withdraw", new { reason = "Solved locally" }));
        await AssertBadRequest(await Node.Client(Node.Recipient).PostAsync($"/api/requests/{requestId}/accept", new { }), "state");
        Assert.Equal("withdrawn", (await Ok(await Node.Client(Node.Recipient).GetAsync($"/api/requests/{requestId}")))["ownState"]!.GetValue<string>());
    }

    [Fact]
    public async Task Request_DeclineNeedsAReason_AndTheListsArePagedByCursor()
    {
        var id = await IncidentAsync();
        await JoinAsync(id, Node.Recipient, "coordinator");
        var owner = Node.Client(Node.Owner);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Ok(await owner.PostAsync($"/api/incidents/{id}/requests",
                new { kind = "share-logs", title = $"Logs {i}", organisationIds = new[] { Node.RecipientOrg } }), HttpStatusCode.Created))["id"]!.GetValue<string>());
        }

        var received = await BoxAsync(Node.Recipient, "received");
        var positions = ids.Select(r => received.FindIndex(x => x["requestId"]!.GetValue<string>() == r)).ToList();
        Assert.All(positions, p => Assert.True(p >= 0));
        Assert.Equal(positions.OrderDescending(), positions);
        Assert.Equal(received.Count, received.Select(r => r["requestId"]!.GetValue<string>()).Distinct().Count());

        await AssertBadRequest(await Node.Client(Node.Recipient).PostAsync($"/api/requests/{ids[0]}/decline", new { }), "reason");
        await Ok(await Node.Client(Node.Recipient).PostAsync($"/api/requests/{ids[0]}/decline", new { reason = "No logs kept that long." }));
        var view = await Ok(await owner.GetAsync($"/api/requests/{ids[0]}"));
        Assert.Equal("declined", view["recipients"]![0]!["state"]!.GetValue<string>());
        Assert.Equal("No logs kept that long.", view["recipients"]![0]!["reason"]!.GetValue<string>());
        await AssertBadRequest(await owner.GetAsync("/api/requests?next=forged"), "next");
    }
}

public sealed class SqliteAssistanceRequestTests(SqliteNode fixture) : AssistanceRequestTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresAssistanceRequestTests(PostgresNode fixture) : AssistanceRequestTests(fixture), IClassFixture<PostgresNode>;
