using System.Net;
using System.Text.Json.Nodes;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>The audit log API: cursor paging with an opaque `next`, filters, and strict 400s.</summary>
public abstract class AuditLogApiTests(DatabaseProvider provider)
{
    private static async Task<List<JsonNode>> AllPagesAsync(HttpClient client, string query, string cursorName = "cursor")
    {
        var items = new List<JsonNode>();
        string? next = null;
        do
        {
            var url = $"/api/audit?{query}" + (next is null ? "" : $"&{cursorName}={Uri.EscapeDataString(next)}");
            var page = await Json.ReadAsync(await client.GetAsync(url));
            items.AddRange(page["items"]!.AsArray().Select(i => i!));
            next = page["next"]?.GetValue<string>();
        }
        while (next is not null);
        return items;
    }

    [Fact]
    public async Task Paging_WithCursor_ReturnsEveryEntryOnceNewestFirst()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var total = (await AuditTestKit.EntriesAsync(node)).Count;
        var items = await AllPagesAsync(node.Client(node.NodeAdmin), "limit=7&event=user-created");
        var sequences = items.Select(i => i["sequence"]!.GetValue<long>()).ToList();
        Assert.Equal(sequences.OrderByDescending(s => s), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        Assert.Equal((await AuditTestKit.EntriesAsync(node)).Count(e => e.Event == Audit.AuditEvent.UserCreated), sequences.Count);
        Assert.True(total > sequences.Count);
    }

    [Fact]
    public async Task Paging_WithTheAnswersOwnName_Next_WorksAsTheCursorDoes()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var admin = node.Client(node.NodeAdmin);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/audit?limit=1")).StatusCode);
        }

        // Paging appends views of its own; they are a minute later and outside the window.
        var until = Uri.EscapeDataString(node.Factory.Clock.GetUtcNow().AddSeconds(30).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        node.Factory.Clock.Advance(TimeSpan.FromMinutes(1));
        var byCursor = await AllPagesAsync(admin, $"limit=2&event=audit-log-viewed&to={until}");
        var byNext = await AllPagesAsync(admin, $"limit=2&event=audit-log-viewed&to={until}", "next");
        Assert.Equal(byCursor.Select(i => i["sequence"]!.GetValue<long>()), byNext.Select(i => i["sequence"]!.GetValue<long>()));
        Assert.True(byNext.Count > 3);
    }

    [Fact]
    public async Task NodeAdmin_SeesNodeAdministration_ButNotWhatHappensToOtherOrganisationsRecords()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var created = await node.Client(node.Outsider).PostAsync("/api/notes", new { title = "red", body = "r", tlp = "red", audience = "organisation" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await Json.ReadAsync(created))["id"]!.GetValue<Guid>();
        Assert.Equal(HttpStatusCode.NotFound, (await node.Client(node.NodeAdmin).GetAsync($"/api/notes/{id}")).StatusCode);

        var nodeView = await AllPagesAsync(node.Client(node.NodeAdmin), "limit=200");
        var leaked = nodeView.Where(e => e["target"]?.GetValue<string>()?.Contains(id.ToString(), StringComparison.Ordinal) == true
            && e["userId"]?.GetValue<Guid>() == node.Outsider.UserId).Select(e => e.ToJsonString()).ToList();
        Assert.True(leaked.Count == 0, $"node {node.NodeOrg} outsider {node.OutsiderOrg} nodeadmin-org {node.NodeAdmin.OrganisationId}\n" + string.Join("\n", leaked));
        Assert.Contains(nodeView, e => e["event"]!.GetValue<string>() == "user-created" || e["event"]!.GetValue<string>() == "organisation-created"
            || e["event"]!.GetValue<string>() == "node-initialised");
        // Their own denied read is theirs to see.
        Assert.Contains(nodeView, e => e["event"]!.GetValue<string>() == "access-denied" && e["userId"]?.GetValue<Guid>() == node.NodeAdmin.UserId);
    }

    [Fact]
    public async Task Filters_ByActorOutcomeAndTime_ReturnOnlyMatchingEntries()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        node.Factory.Clock.Advance(TimeSpan.FromHours(1));
        var since = node.Factory.Clock.GetUtcNow();
        await node.Client(node.Owner).PostAsync("/api/notes", new { title = "n", tlp = "green", audience = "network" });
        await node.Client(node.Owner).GetAsync($"/api/notes/{Guid.NewGuid()}");
        var admin = node.Client(node.OwnerAdmin); // the owner organisation's admin sees what happens to its records

        var byActor = await AllPagesAsync(admin, $"actor={node.Owner.UserId}&from={Uri.EscapeDataString(since.ToString("O"))}");
        Assert.Equal(["access-denied", "note-created"], byActor.Select(i => i["event"]!.GetValue<string>()));
        var denied = await AllPagesAsync(admin, "outcome=denied");
        Assert.All(denied, i => Assert.Equal("denied", i["outcome"]!.GetValue<string>()));
        Assert.Single(denied);
        var before = await AllPagesAsync(admin, $"to={Uri.EscapeDataString(since.ToString("O"))}&event=400");
        Assert.Empty(before);
    }
}

public sealed class SqliteAuditLogApiTests() : AuditLogApiTests(DatabaseProvider.Sqlite);

public sealed class PostgresAuditLogApiTests() : AuditLogApiTests(DatabaseProvider.Postgres);

/// <summary>Bad audit log queries change nothing and name the field (no storage involved: one database suffices).</summary>
public sealed class AuditLogQueryTests(SqliteNode fixture) : IClassFixture<SqliteNode>
{
    [Theory]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    [InlineData("cursor=%00%01", "cursor")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=2147483648", "limit")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-11-03T00:00:00Z&to=2026-11-02T00:00:00Z", "to")]
    [InlineData("actor=nobody", "actor")]
    [InlineData("event=note-exploded", "event")]
    [InlineData("outcome=maybe", "outcome")]
    public async Task BadQuery_IsA400NamingTheField(string query, string field)
    {
        var response = await fixture.Node.Client(fixture.Node.NodeAdmin).GetAsync($"/api/audit?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await Json.ReadAsync(response))["errors"]![field]);
    }
}
