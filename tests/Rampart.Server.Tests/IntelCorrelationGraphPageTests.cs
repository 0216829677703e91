using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Rampart.Server.Identity;

namespace Rampart.Server.Tests;

/// <summary>
/// The correlation graph on the object page (<c>/intel/objects/{stixId}</c>, <c>svg#intel-graph</c>) as a browser session
/// receives it: one node per correlated object the viewer may read — by an equal value and by a network containing the
/// value — and none for another organisation's AMBER objects carrying the same value or network; not for a viewer of
/// another organisation, its administrator or the node administrator. The organisation the AMBER objects are shared
/// with sees them in the graph. Objects are written by the store's ingest. SQLite and PostgreSQL.
/// </summary>
public abstract partial class IntelCorrelationGraphPageTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    [GeneratedRegex("<svg id=\"intel-graph\".*?</svg>", RegexOptions.Singleline)]
    private static partial Regex GraphSvg();

    [GeneratedRegex("href=\"intel/objects/([^\"?]+)\\?record=\\d+\"")]
    private static partial Regex NodeLink();

    [GeneratedRegex("class=\"graph-node tlp-fill-")]
    private static partial Regex PartnerNode();

    private async Task<string> ShareAsync(string query, string name, string pattern)
    {
        var id = $"indicator--{Guid.NewGuid()}";
        var bundle = new JsonObject
        {
            ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}",
            ["objects"] = new JsonArray(new JsonObject
            {
                ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-11-01T00:00:00.000Z", ["modified"] = "2026-11-01T00:00:00.000Z",
                ["name"] = name, ["pattern"] = pattern, ["pattern_type"] = "stix", ["valid_from"] = "2026-11-01T00:00:00.000Z",
            }),
        };
        var response = await Node.Client(Node.Owner).PostAsync($"/api/intel/bundles?{query}",
            new StringContent(bundle.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return id;
    }

    /// <summary>The page's HTML and the STIX ids of the graph's partner nodes (the centre is the object itself and links nowhere).</summary>
    private static async Task<(string Html, List<string> Nodes, int Circles)> GraphAsync(HttpClient browser, string stixId)
    {
        var response = await browser.GetAsync($"/intel/objects/{stixId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var svg = GraphSvg().Match(html);
        Assert.True(svg.Success, "the page shows a correlation graph");
        var nodes = NodeLink().Matches(svg.Value).Select(m => Uri.UnescapeDataString(m.Groups[1].Value)).Order(StringComparer.Ordinal).ToList();
        return (html, nodes, PartnerNode().Count(svg.Value));
    }

    [Fact]
    public async Task CorrelationGraph_ViewersOfAnotherOrganisationAndAdmins_NodesForReadableObjectsOnly_NeverTheAmberOnes()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var b = Random.Shared.Next(1, 250);
        var c = Random.Shared.Next(0, 250);
        var ip = $"185.{b}.{c}.9";
        var centre = await ShareAsync("tlp=green&audience=network", $"Graph centre {tag}", $"[ipv4-addr:value = '{ip}']");
        var sameValue = await ShareAsync("tlp=green&audience=network", $"Graph same value {tag}", $"[ipv4-addr:value = '{ip}']");
        var network = await ShareAsync("tlp=green&audience=network", $"Graph network {tag}", $"[ipv4-addr:value = '185.{b}.{c}.0/24']");
        var amberValue = await ShareAsync($"tlp=amber&audience=organisation:{Node.RecipientOrg}", $"Graph hidden value {tag}", $"[ipv4-addr:value = '{ip}']");
        var amberNetwork = await ShareAsync($"tlp=amber&audience=organisation:{Node.RecipientOrg}", $"Graph hidden network {tag}", $"[ipv4-addr:value = '185.{b}.0.0/16']");
        string[] visible = [.. new[] { sameValue, network }.Order(StringComparer.Ordinal)];

        foreach (var (organisation, role) in new[] { (Node.OutsiderOrg, Role.Viewer), (Node.OutsiderOrg, Role.OrgAdmin), (Node.NodeOrg, Role.NodeAdmin) })
        {
            var (_, browser) = await PageSessions.OpenAsync(Node, organisation, role);
            var (html, nodes, circles) = await GraphAsync(browser, centre);
            Assert.Equal(visible, nodes);
            Assert.Equal(2, circles);
            foreach (var hidden in new[] { amberValue, amberNetwork })
            {
                Assert.DoesNotContain(hidden, html, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("Graph hidden", html, StringComparison.Ordinal);
            Assert.DoesNotContain($"185.{b}.0.0/16", html, StringComparison.Ordinal);
        }

        // The organisation the AMBER objects are shared with sees them as nodes of the same graph.
        var (_, recipient) = await PageSessions.OpenAsync(Node, Node.RecipientOrg, Role.Viewer);
        var (_, recipientNodes, recipientCircles) = await GraphAsync(recipient, centre);
        Assert.Equal(new[] { sameValue, network, amberValue, amberNetwork }.Order(StringComparer.Ordinal), recipientNodes);
        Assert.Equal(4, recipientCircles);
    }
}

public sealed class SqliteIntelCorrelationGraphPageTests(SqliteNode fixture) : IntelCorrelationGraphPageTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelCorrelationGraphPageTests(PostgresNode fixture) : IntelCorrelationGraphPageTests(fixture), IClassFixture<PostgresNode>;
