using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Rampart.Server.Identity;

namespace Rampart.Server.Tests;

/// <summary>
/// Search orders (<c>GET /api/intel/objects?sort=</c>): added, modified and created, newest or oldest first, keyset-paged
/// two objects a page; an AMBER object of another organisation between them is never on a page, and the pages of an
/// organisation that may not read it are the same as without it. SQLite and PostgreSQL.
/// </summary>
public abstract class IntelSearchSortTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private async Task<string> ShareAsync(Person person, string query, string name, string created, string modified)
    {
        var id = $"indicator--{Guid.NewGuid()}";
        var bundle = new JsonObject
        {
            ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}",
            ["objects"] = new JsonArray(new JsonObject
            {
                ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = created, ["modified"] = modified,
                ["name"] = name, ["pattern"] = $"[ipv4-addr:value = '185.{Random.Shared.Next(1, 250)}.{Random.Shared.Next(0, 250)}.{Random.Shared.Next(1, 250)}']",
                ["pattern_type"] = "stix", ["valid_from"] = created,
            }),
        };
        var response = await Node.Client(person).PostAsync($"/api/intel/bundles?{query}",
            new StringContent(bundle.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return id;
    }

    /// <summary>Every page of the search, two at a time, following <c>next</c>.</summary>
    private async Task<List<string>> PagesAsync(Person person, string query)
    {
        var ids = new List<string>();
        string? next = null;
        do
        {
            var response = await Node.Client(person).GetAsync($"/api/intel/objects?{query}&limit=2{(next is null ? "" : "&next=" + Uri.EscapeDataString(next))}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await Json.ReadAsync(response);
            ids.AddRange(body["items"]!.AsArray().Select(i => i!["stixId"]!.GetValue<string>()));
            next = body["next"]?.GetValue<string>();
        }
        while (next is not null && ids.Count < 50);

        return ids;
    }

    [Fact]
    public async Task Search_EachSortNewestAndOldestFirst_KeysetPagesInThatOrder_NeverTheInvisibleObject()
    {
        var tag = "s" + Guid.NewGuid().ToString("N")[..10];
        // Added in this order; created and modified in other orders (two share a modified time: the record key breaks the tie).
        var a = await ShareAsync(Node.Owner, "tlp=green&audience=network", $"Sort {tag} a", "2026-03-01T00:00:00.000Z", "2026-06-01T00:00:00.000Z");
        var b = await ShareAsync(Node.Owner, "tlp=green&audience=network", $"Sort {tag} b", "2026-01-01T00:00:00.000Z", "2026-09-01T00:00:00.000Z");
        var c = await ShareAsync(Node.Owner, "tlp=green&audience=network", $"Sort {tag} c", "2026-05-01T00:00:00.000Z", "2026-06-01T00:00:00.000Z");
        var outsiderBefore = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        string[] sorts = ["added", "added-oldest", "modified", "modified-oldest", "created", "created-oldest"];
        foreach (var sort in sorts)
        {
            outsiderBefore[sort] = await PagesAsync(Node.Outsider, $"q={tag}&sort={sort}");
        }

        var hidden = await ShareAsync(Node.Owner, $"tlp=amber&audience=organisation:{Node.RecipientOrg}", $"Sort {tag} hidden", "2026-04-01T00:00:00.000Z", "2026-07-01T00:00:00.000Z");
        var d = await ShareAsync(Node.Owner, "tlp=green&audience=network", $"Sort {tag} d", "2026-02-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z");

        var expected = new Dictionary<string, string[]>(StringComparer.Ordinal)
        {
            ["added"] = [d, c, b, a],
            ["added-oldest"] = [a, b, c, d],
            ["modified"] = [b, c, a, d],
            ["modified-oldest"] = [d, a, c, b],
            ["created"] = [c, a, d, b],
            ["created-oldest"] = [b, d, a, c],
        };
        foreach (var sort in sorts)
        {
            var outsider = await PagesAsync(Node.Outsider, $"q={tag}&sort={sort}");
            Assert.Equal(expected[sort], outsider);
            // What the outsider saw before d existed is the same order without d: the hidden object changed nothing.
            Assert.Equal(outsiderBefore[sort], outsider.Where(i => i != d));
            Assert.Equal(expected[sort], await PagesAsync(Node.NodeAdmin, $"q={tag}&sort={sort}"));

            // The recipient reads the AMBER one, in its place of the order (created 04-01, modified 07-01, added fourth).
            var recipient = await PagesAsync(Node.Recipient, $"q={tag}&sort={sort}");
            Assert.Equal(5, recipient.Count);
            Assert.Equal(expected[sort], recipient.Where(i => i != hidden));
        }

        Assert.Equal([d, hidden, c, b, a], await PagesAsync(Node.Recipient, $"q={tag}&sort=added"));
        Assert.Equal([b, d, a, hidden, c], await PagesAsync(Node.Recipient, $"q={tag}&sort=created-oldest"));
        Assert.Equal([b, hidden, c, a, d], await PagesAsync(Node.Recipient, $"q={tag}&sort=modified"));
    }

    [Theory]
    [InlineData("name")]
    [InlineData("7")]
    [InlineData("added,modified")]
    public async Task Search_UnknownSort_Is400NamingSort(string sort)
    {
        var response = await Node.Client(Node.Owner).GetAsync($"/api/intel/objects?sort={Uri.EscapeDataString(sort)}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await Json.ReadAsync(response))["errors"]!["sort"]);
    }
}

public sealed class SqliteIntelSearchSortTests(SqliteNode fixture) : IntelSearchSortTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelSearchSortTests(PostgresNode fixture) : IntelSearchSortTests(fixture), IClassFixture<PostgresNode>;
