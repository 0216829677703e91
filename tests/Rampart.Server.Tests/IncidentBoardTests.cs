using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Incidents.Board;

namespace Rampart.Server.Tests;

/// <summary>
/// The situation board (issue 11) on SQLite and PostgreSQL: each viewer's counts and list hold exactly the open incidents
/// it may read — the owner, a participant, outsiders and every kind of administrator — and its urgent deadlines only
/// those its organisation must act on. Each test uses its own countries, so the counts it checks are its own.
/// </summary>
public abstract class IncidentBoardTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private DateTimeOffset Now => Node.Factory.Clock.GetUtcNow();

    private static Dictionary<string, object?> Body(string title, string tlp, string severity, string sector, string[] countries, bool significant = false, DateTimeOffset? awareAt = null) => new()
    {
        ["title"] = title,
        ["summary"] = "Board test.",
        ["tlp"] = tlp,
        ["severity"] = severity,
        ["sector"] = sector,
        ["countries"] = countries,
        ["classifications"] = new[] { new { category = "intrusions", type = "system-compromise" }, new { category = "intrusions", type = "application-compromise" } },
        ["entityKind"] = "essential",
        ["significant"] = significant,
        ["awareAt"] = awareAt,
    };

    private static async Task<JsonNode> Ok(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private async Task<string> CreateAsync(Dictionary<string, object?> body) =>
        (await Ok(await Node.Client(Node.Owner).PostAsync("/api/incidents", body), HttpStatusCode.Created))["id"]!.GetValue<string>();

    private async Task JoinAsync(string id, Person who, string role)
    {
        var invited = await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/participants", new { organisationId = who.OrganisationId, role }), HttpStatusCode.Created);
        await Ok(await Node.Client(who).PostAsync($"/api/incidents/invitations/{invited["id"]}/accept", new { }));
    }

    private async Task<JsonNode> BoardAsync(Person who) => await Ok(await Node.Client(who).GetAsync("/api/incidents/board?limit=200"));

    private static int Count(JsonNode board, string dimension, string key) =>
        board[dimension]!.AsArray().SingleOrDefault(c => c!["key"]!.GetValue<string>() == key)?["count"]!.GetValue<int>() ?? 0;

    private static List<string> Ids(JsonNode board) => board["newest"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ToList();

    /// <summary>The open incidents the incident list gives the same person (another read path through the access decision).</summary>
    private async Task<int> OpenListedAsync(Person who)
    {
        var count = 0;
        string? next = null;
        do
        {
            var page = await Ok(await Node.Client(who).GetAsync($"/api/incidents?open=true&limit=200{(next is null ? "" : "&next=" + Uri.EscapeDataString(next))}"));
            count += page["items"]!.AsArray().Count;
            next = page["next"]?.GetValue<string>();
        }
        while (next is not null);
        return count;
    }

    [Fact]
    public async Task Board_EachViewerCountsOnlyWhatItMayRead_OutsidersAndEveryAdministratorSeeNothingOfIt()
    {
        var shared = await CreateAsync(Body("Wiper at the grid operator", "amber", "critical", "energy", ["GE", "MD"]));
        var red = await CreateAsync(Body("RED: ministry mailbox", "red", "low", "banking", ["GE"]));
        var rejected = await CreateAsync(Body("False alarm", "amber", "high", "energy", ["GE"]));
        await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{rejected}/status", new { status = "rejected", reason = "Test traffic." }));
        await JoinAsync(shared, Node.Recipient, "contributor");

        var owner = await BoardAsync(Node.Owner);
        Assert.Equal(2, Count(owner, "byCountry", "GE"));
        Assert.Equal(1, Count(owner, "byCountry", "MD"));
        Assert.Contains(shared, Ids(owner));
        Assert.Contains(red, Ids(owner));
        Assert.DoesNotContain(rejected, Ids(owner));

        var recipient = await BoardAsync(Node.Recipient);
        Assert.Equal(1, Count(recipient, "byCountry", "GE"));
        Assert.Equal(1, Count(recipient, "byCountry", "MD"));
        Assert.Contains(shared, Ids(recipient));
        Assert.DoesNotContain(red, Ids(recipient));
        // Two classifications of one category count the incident once.
        Assert.Equal(recipient["open"]!.GetValue<int>(), Count(recipient, "byRsitCategory", "intrusions"));

        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var otherAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"admin-{Guid.NewGuid():N}@outside.test", Role.OrgAdmin);
        foreach (var person in new[] { Node.Outsider, Node.SameCountry, Node.Member, Node.NodeAdmin, otherAdmin })
        {
            var board = await BoardAsync(person);
            Assert.Equal(0, Count(board, "byCountry", "GE"));
            Assert.Equal(0, Count(board, "byCountry", "MD"));
            Assert.DoesNotContain(shared, Ids(board));
            Assert.DoesNotContain(red, Ids(board));
        }

        // Every viewer's total is what the incident list gives it, and each dimension adds up.
        foreach (var person in new[] { Node.Owner, Node.Recipient, Node.Outsider, Node.SameCountry, Node.Member, Node.NodeAdmin, otherAdmin })
        {
            var board = await BoardAsync(person);
            var open = board["open"]!.GetValue<int>();
            Assert.Equal(await OpenListedAsync(person), open);
            Assert.Equal(open, board["bySeverity"]!.AsArray().Sum(c => c!["count"]!.GetValue<int>()));
            Assert.Equal(open, board["bySector"]!.AsArray().Sum(c => c!["count"]!.GetValue<int>()));
        }

        // The operator identity reads no incident, so its board is empty.
        var operatorBoard = await scope.ServiceProvider.GetRequiredService<BoardQueries>().BoardAsync(Caller.Operator(), 50, null, default);
        Assert.Equal(0, operatorBoard.Open);
        Assert.Empty(operatorBoard.Newest);
    }

    [Fact]
    public async Task Board_UrgentDeadlines_OnlyThoseTheViewersOrganisationActsOn_AndClosedIncidentsLeave()
    {
        var id = await CreateAsync(Body("Significant: telecom outage", "amber", "high", "digital-infrastructure", ["ME"], significant: true, awareAt: Now.AddHours(-20)));
        await JoinAsync(id, Node.Recipient, "contributor");
        await JoinAsync(id, Node.Member, "coordinator");

        var owner = await BoardAsync(Node.Owner);
        var early = owner["deadlines"]!.AsArray().Single(d => d!["incidentId"]!.GetValue<string>() == id && d["stage"]?.GetValue<string>() == "early-warning")!;
        Assert.Equal("due-soon", early["state"]!.GetValue<string>());
        Assert.Equal("NIS2 early warning", early["label"]!.GetValue<string>());
        Assert.Contains(owner["deadlines"]!.AsArray(), d => d!["incidentId"]!.GetValue<string>() == id);
        // The coordinator submits stages: it sees the deadline; the contributor does not (it is the owner's to meet), yet counts the incident.
        Assert.Contains((await BoardAsync(Node.Member))["deadlines"]!.AsArray(), d => d!["incidentId"]!.GetValue<string>() == id);
        var recipient = await BoardAsync(Node.Recipient);
        Assert.DoesNotContain(recipient["deadlines"]!.AsArray(), d => d!["incidentId"]!.GetValue<string>() == id);
        Assert.Equal(1, Count(recipient, "byCountry", "ME"));

        // Not-yet-due deadlines are on the due list, not on the board; overdue ones are.
        Assert.DoesNotContain(owner["deadlines"]!.AsArray(), d => d!["incidentId"]!.GetValue<string>() == id && d["stage"]?.GetValue<string>() == "incident-notification");

        // Handled to the end and closed: it leaves every board.
        foreach (var status in new[] { "in-progress", "contained", "resolved", "closed" })
        {
            await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/status", new { status, confirmOpenTasks = true }));
        }

        foreach (var person in new[] { Node.Owner, Node.Recipient, Node.Member })
        {
            var board = await BoardAsync(person);
            Assert.Equal(0, Count(board, "byCountry", "ME"));
            Assert.DoesNotContain(id, Ids(board));
        }
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("zone=Mars%2FOlympus", "zone")]
    public async Task Board_BadInput_Is400NamingTheField(string query, string field)
    {
        var response = await Node.Client(Node.Owner).GetAsync($"/api/incidents/board?{query}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.NotNull(JsonNode.Parse(text)!["errors"]?[field]);
    }

    [Fact]
    public async Task Board_Anonymous_Is401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Client(null).GetAsync("/api/incidents/board")).StatusCode);
    }
}

public sealed class SqliteIncidentBoardTests(SqliteNode fixture) : IncidentBoardTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIncidentBoardTests(PostgresNode fixture) : IncidentBoardTests(fixture), IClassFixture<PostgresNode>;
