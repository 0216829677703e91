using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Public;

namespace Rampart.Server.Tests;

/// <summary>
/// Intelligence published as TLP:CLEAR on the public pages: read through IntelQueries as the anonymous caller, so
/// exactly what the access decision lets anyone read appears — never an unpublished CLEAR, GREEN or AMBER object,
/// whoever is logged in. Runs on SQLite and PostgreSQL.
/// </summary>
public abstract class PublicIntelTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static string Id(string type) => $"{type}--{Guid.NewGuid()}";

    private static JsonObject Indicator(string name, string pattern) => new()
    {
        ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = Id("indicator"), ["created"] = "2026-01-01T00:00:00.000Z",
        ["modified"] = "2026-01-01T00:00:00.000Z", ["name"] = name, ["pattern"] = pattern, ["pattern_type"] = "stix",
        ["valid_from"] = "2026-01-01T00:00:00.000Z", ["description"] = "Seen in phishing against ministries.",
    };

    /// <summary>Shares <paramref name="objects"/> as the owner's analyst through the API; returns their STIX ids.</summary>
    private async Task<List<string>> ShareAsync(string query, params JsonObject[] objects)
    {
        var bundle = new JsonObject { ["type"] = "bundle", ["id"] = Id("bundle"), ["objects"] = new JsonArray([.. objects.Select(o => (JsonNode)o.DeepClone())]) };
        var response = await Node.Client(Node.Owner).PostAsync($"/api/intel/bundles?{query}",
            new StringContent(bundle.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return [.. objects.Select(o => o["id"]!.GetValue<string>())];
    }

    private static async Task<string> TextAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    [Fact]
    public async Task PublicIntel_LoggedOutVisitor_SeesPublishedClearOnly_OthersAreTheStyledNotFound()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var ip = $"203.0.113.{Random.Shared.Next(1, 250)}";
        var published = (await ShareAsync("tlp=clear&audience=network&published=true", Indicator($"published {tag}", $"[ipv4-addr:value = '{ip}']")))[0];
        var clearOnly = (await ShareAsync("tlp=clear&audience=network", Indicator($"clear-unpublished {tag}", "[domain-name:value = 'clear.example']")))[0];
        var green = (await ShareAsync("tlp=green&audience=network", Indicator($"green {tag}", "[domain-name:value = 'green.example']")))[0];
        var amber = (await ShareAsync("tlp=amber", Indicator($"amber {tag}", "[domain-name:value = 'amber.example']")))[0];
        var visitor = Node.Factory.ClientWithKey(null);

        var list = await visitor.GetAsync("/public/intel");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var listed = await TextAsync(list);
        Assert.Contains($"published {tag}", listed, StringComparison.Ordinal);
        Assert.Contains($"public/intel/{Uri.EscapeDataString(published)}?owner={Node.OwnerOrg}", listed, StringComparison.Ordinal);
        foreach (var hidden in new[] { "clear-unpublished", "green", "amber" })
        {
            Assert.DoesNotContain($"{hidden} {tag}", listed, StringComparison.Ordinal);
        }

        var detail = await visitor.GetAsync($"/public/intel/{published}");
        Assert.Equal(HttpStatusCode.OK, detail.StatusCode);
        var shown = await TextAsync(detail);
        Assert.Contains($"[ipv4-addr:value = '{ip}']", shown, StringComparison.Ordinal);
        Assert.Contains("Seen in phishing against ministries.", shown, StringComparison.Ordinal);
        Assert.Contains("Published by", shown, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync($"/public/intel/{published}?owner={Node.OwnerOrg}")).StatusCode);

        foreach (var (id, name) in new[] { (clearOnly, "clear-unpublished"), (green, "green"), (amber, "amber"), (Id("indicator"), "unknown") })
        {
            var response = await visitor.GetAsync($"/public/intel/{id}");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var body = await TextAsync(response);
            Assert.Contains("<h1>Not found</h1>", body, StringComparison.Ordinal);
            Assert.DoesNotContain($"{name} {tag}", body, StringComparison.Ordinal);
        }

        // The owner's other copy does not exist, and an owner that is not an id is the same "not found", not an error.
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"/public/intel/{published}?owner={Node.OutsiderOrg}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"/public/intel/{published}?owner=not-an-id")).StatusCode);
    }

    [Fact]
    public async Task PublicIntel_AdministratorsAndOtherOrganisations_ReadNoMoreThanAnyone()
    {
        // The public pages read as "anyone", whoever is logged in: an administrator's or an outsider's credentials widen nothing.
        var tag = Guid.NewGuid().ToString("N")[..10];
        var green = (await ShareAsync("tlp=green&audience=network", Indicator($"green {tag}", "[domain-name:value = 'g.example']")))[0];
        var amber = (await ShareAsync($"tlp=amber&audience=organisation:{Node.RecipientOrg}", Indicator($"amber {tag}", "[domain-name:value = 'a.example']")))[0];
        var red = (await ShareAsync("tlp=red", Indicator($"red {tag}", "[domain-name:value = 'r.example']")))[0];
        foreach (var person in new[] { Node.NodeAdmin, Node.OwnerAdmin, Node.Outsider, Node.Recipient })
        {
            var client = Node.Client(person);
            foreach (var id in new[] { green, amber, red })
            {
                var response = await client.GetAsync($"/public/intel/{id}");
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
                Assert.DoesNotContain(tag, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            Assert.DoesNotContain(tag, await (await client.GetAsync("/public/intel")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var records = scope.ServiceProvider.GetRequiredService<PublicRecords>();
        Assert.Null(await records.IntelObjectAsync(green, null, default));
        Assert.Null(await records.PublicAddressOfAsync($"intel/objects/{amber}", default));
    }

    [Fact]
    public async Task PublicIntelList_KeysetPages_EveryPublishedObjectOnceNewestFirst()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var published = await ShareAsync("tlp=clear&audience=network&published=true",
            [.. Enumerable.Range(1, 27).Select(i => Indicator($"page {tag} {i}", $"[domain-name:value = 'p{i}-{tag}.example']"))]);
        await ShareAsync("tlp=clear&audience=network", Indicator($"unpublished {tag}", "[domain-name:value = 'u.example']"));

        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var records = scope.ServiceProvider.GetRequiredService<PublicRecords>();
        var seen = new List<PublicIntel>();
        long? before = null;
        var pages = 0;
        do
        {
            var page = await records.IntelAsync(before, 5, default);
            Assert.True(page.Objects.Count <= 5);
            seen.AddRange(page.Objects);
            before = page.Older;
            pages++;
        }
        while (before is not null && pages < 1000);

        var ours = seen.Where(s => s.Name.Contains(tag, StringComparison.Ordinal)).ToList();
        Assert.Equal(published.Order(StringComparer.Ordinal), ours.Select(o => o.StixId).Order(StringComparer.Ordinal));
        Assert.Equal(seen.Count, seen.Select(s => (s.StixId, s.OwnerOrganisationId)).Distinct().Count());
        Assert.DoesNotContain(seen, s => s.Name == $"unpublished {tag}");

        // The page links the next page by cursor; a cursor that is not a number is the newest page, never an error.
        var visitor = Node.Factory.ClientWithKey(null);
        var first = await TextAsync(await visitor.GetAsync("/public/intel"));
        var older = System.Text.RegularExpressions.Regex.Match(first, "href=\"(public/intel\\?before=\\d+)\"");
        Assert.True(older.Success, "no link to older objects");
        var second = await visitor.GetAsync("/" + older.Groups[1].Value);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync("/public/intel?before=abc")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await visitor.GetAsync("/public/intel?before=-1")).StatusCode);
    }

    [Fact]
    public async Task PublishedIndicator_OwnLinkLoggedOut_GoesToThePublicPage_WithdrawnIsNotFound()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var published = (await ShareAsync("tlp=clear&audience=network&published=true", Indicator($"link {tag}", "[domain-name:value = 'link.example']")))[0];
        var green = (await ShareAsync("tlp=green&audience=network", Indicator($"green link {tag}", "[domain-name:value = 'gl.example']")))[0];
        var visitor = Node.Factory.ClientWithKey(null);

        var link = await visitor.GetAsync($"/intel/objects/{published}");
        Assert.Equal(HttpStatusCode.Redirect, link.StatusCode);
        var location = link.Headers.Location!.OriginalString;
        Assert.True(location.EndsWith($"/public/intel/{Uri.EscapeDataString(published)}", StringComparison.Ordinal), location);
        var other = await visitor.GetAsync($"/intel/objects/{green}");
        Assert.True(other.StatusCode == HttpStatusCode.Redirect, $"{other.StatusCode}: {await other.Content.ReadAsStringAsync()}");
        Assert.Contains("account/login", other.Headers.Location!.OriginalString, StringComparison.Ordinal);

        var withdrawn = await Node.Client(Node.Owner).PostAsync($"/api/intel/objects/{published}/withdraw", new { reason = "false positive" });
        Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync($"/public/intel/{published}")).StatusCode);
        Assert.DoesNotContain($"link {tag}", await (await visitor.GetAsync("/public/intel")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

public sealed class SqlitePublicIntelTests(SqliteNode fixture) : PublicIntelTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresPublicIntelTests(PostgresNode fixture) : PublicIntelTests(fixture), IClassFixture<PostgresNode>;
