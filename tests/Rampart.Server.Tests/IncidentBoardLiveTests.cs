using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Data;
using Rampart.Server.Incidents.Board;

namespace Rampart.Server.Tests;

/// <summary>
/// The situation board's live updates (issue 11) on SQLite and PostgreSQL, with two app servers on one database: the page
/// re-reads when its viewer's change stamp (<see cref="BoardQueries.ChangeStampAsync"/>) moves. It moves when an incident the
/// viewer may read changes on the other app server, or when one joins or leaves the viewer's readable set — and never for an
/// incident, an owner-only entry or a request event the viewer may not see, so the board's re-reads (and its "As of" line)
/// tell nobody how busy hidden incidents are.
/// </summary>
public abstract class IncidentBoardLiveTests(DatabaseProvider provider)
{
    private static Dictionary<string, object?> Body(string title, string severity) => new()
    {
        ["title"] = title,
        ["summary"] = "Live board test.",
        ["tlp"] = "amber",
        ["severity"] = severity,
        ["sector"] = "energy",
        ["countries"] = new[] { "BA" },
        ["classifications"] = new[] { new { category = "intrusions", type = "system-compromise" } },
        ["entityKind"] = "essential",
    };

    private static async Task<JsonNode> Ok(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private static Caller As(Person person, params Guid[] communities) => new(person.UserId, person.OrganisationId, Role.Analyst, communities.ToHashSet(), Credential: "session:test");

    [Fact]
    public async Task ChangeStamp_MovesForChangesOnAnotherAppServerToWhatTheViewerReads_AndForNothingHiddenFromIt()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        // The second app server: its own host and connection pool on the same database. The viewers poll on the first.
        await using var second = new RampartFactory(node.Database);
        HttpClient On2(Person person) => second.ClientWithKey(person.ApiKey);

        async Task<BoardStamp> StampAsync(Caller caller)
        {
            await using var scope = node.Factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<BoardQueries>().ChangeStampAsync(caller, default);
        }

        async Task<string> JoinAsync(string id, Person who)
        {
            var invited = await Ok(await node.Client(node.Owner).PostAsync($"/api/incidents/{id}/participants", new { organisationId = who.OrganisationId, role = "contributor" }), HttpStatusCode.Created);
            await Ok(await node.Client(who).PostAsync($"/api/incidents/invitations/{invited["id"]}/accept", new { }));
            return invited["id"]!.GetValue<string>();
        }

        var viewer = As(node.Recipient);
        var outsider = As(node.Outsider);
        var owner = As(node.Owner, node.Community);
        var member = As(node.Member, node.Community);
        var shared = (await Ok(await node.Client(node.Owner).PostAsync("/api/incidents", Body("Grid wiper", "high")), HttpStatusCode.Created))["id"]!.GetValue<string>();
        var participation = await JoinAsync(shared, node.Recipient);
        await JoinAsync(shared, node.Member);
        var hidden = (await Ok(await node.Client(node.Outsider).PostAsync("/api/incidents", Body("Outsider's own case", "medium")), HttpStatusCode.Created))["id"]!.GetValue<string>();

        var start = await StampAsync(viewer);
        Assert.Equal(1, start.Open);
        var outsiderStart = await StampAsync(outsider);

        // 1. Busy work on an incident the viewer may not read, on the other app server: the viewer's stamp stays; the
        //    outsider's own moves (so the stamp does see that app server's writes).
        await Ok(await On2(node.Outsider).PutAsync($"/api/incidents/{hidden}", Body("Outsider's own case, updated", "critical")));
        await Ok(await On2(node.Outsider).PostAsync($"/api/incidents/{hidden}/journal", new { body = "Memory dump analysed." }), HttpStatusCode.Created);
        await Ok(await On2(node.Outsider).PostAsync($"/api/incidents/{hidden}/status", new { status = "triage" }));
        Assert.Equal(start, await StampAsync(viewer));
        Assert.NotEqual(outsiderStart, await StampAsync(outsider));

        // 2. An owner-only entry on the shared incident: the owner's stamp moves, the participant's does not.
        var ownerBefore = await StampAsync(owner);
        await Ok(await On2(node.Owner).PostAsync($"/api/incidents/{shared}/journal", new { body = "Internal: suspect an insider.", ownerOnly = true }), HttpStatusCode.Created);
        Assert.NotEqual(ownerBefore, await StampAsync(owner));
        Assert.Equal(start, await StampAsync(viewer));

        // 3. A request for assistance to another participant: its events are the requester's and the asked organisation's
        //    (review R3), so the asked member's stamp moves and the viewer's does not.
        var memberBefore = await StampAsync(member);
        await Ok(await On2(node.Owner).PostAsync($"/api/incidents/{shared}/requests",
            new { kind = "share-logs", title = "Firewall logs please", organisationIds = new[] { node.MemberOrg } }), HttpStatusCode.Created);
        Assert.NotEqual(memberBefore, await StampAsync(member));
        Assert.Equal(start, await StampAsync(viewer));

        // 4. The owner raises the shared incident's severity on the other app server: the viewer's stamp moves, and the board
        //    it then reads (on the first app server) shows the change.
        await Ok(await On2(node.Owner).PutAsync($"/api/incidents/{shared}", Body("Grid wiper", "critical")));
        var changed = await StampAsync(viewer);
        Assert.NotEqual(start, changed);
        var board = await Ok(await node.Client(node.Recipient).GetAsync("/api/incidents/board?limit=200"));
        Assert.Equal("critical", board["newest"]!.AsArray().Single(i => i!["id"]!.GetValue<string>() == shared)!["severity"]!.GetValue<string>());

        // 5. The viewer's organisation is removed from the incident (the removal's entry is one it no longer reads): the
        //    stamp still moves, because the set of incidents it reads shrank; the board no longer holds it.
        Assert.Equal(HttpStatusCode.NoContent, (await On2(node.Owner).DeleteAsync($"/api/incidents/{shared}/participants/{participation}")).StatusCode);
        var removed = await StampAsync(viewer);
        Assert.NotEqual(changed, removed);
        Assert.Equal(0, removed.Open);
        board = await Ok(await node.Client(node.Recipient).GetAsync("/api/incidents/board?limit=200"));
        Assert.DoesNotContain(board["newest"]!.AsArray(), i => i!["id"]!.GetValue<string>() == shared);

        // 6. Nothing the viewer reads any more: later changes of that incident leave its stamp alone.
        await Ok(await On2(node.Owner).PostAsync($"/api/incidents/{shared}/journal", new { body = "Wiper sample uploaded." }), HttpStatusCode.Created);
        Assert.Equal(removed, await StampAsync(viewer));
    }
}

public sealed class SqliteIncidentBoardLiveTests() : IncidentBoardLiveTests(DatabaseProvider.Sqlite);

public sealed class PostgresIncidentBoardLiveTests() : IncidentBoardLiveTests(DatabaseProvider.Postgres);
