using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Feeds;

namespace Rampart.Server.Tests;

/// <summary>
/// Saved feeds pulled end to end into the store (no recording stand-in): a STIX-bundle feed whose source answers
/// <c>Last-Modified</c> and then 304 to <c>If-Modified-Since</c>, a CSV feed with its column mapping, a local-file feed
/// inside the configured folder, and an extra warning list loaded from <c>Rampart:Intelligence:WarningListsPath</c>.
/// What the feed's audience reads, and what another organisation and the node admin do not. SQLite and PostgreSQL.
/// </summary>
public abstract class IntelFeedPullTests(DatabaseProvider provider)
{
    private static readonly string[] TagsColumn = ["tags"];

    private static async Task RunFeedJobAsync(SeededNode node)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FeedPullJob>().RunAsync(default);
    }

    private static async Task<string> CreateFeedAsync(HttpClient admin, object request)
    {
        var response = await admin.PostAsJsonAsync("/api/intel/feeds", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    private static async Task<JsonNode> StatusAsync(HttpClient admin, string id) => await Json.ReadAsync(await admin.GetAsync($"/api/intel/feeds/{id}"));

    private static async Task<List<string>> KnownAsync(SeededNode node, Person person, params string[] values)
    {
        var answer = await Json.ReadAsync(await node.Client(person).PostAsJsonAsync("/api/intel/lookup", new { values }));
        return [.. answer["known"]!.AsArray().Where(k => k!["stixType"]!.GetValue<string>() == "indicator").Select(k => k!["value"]!.GetValue<string>()).Distinct().Order(StringComparer.Ordinal)];
    }

    private static string Ip() => $"198.51.100.{Random.Shared.Next(1, 254)}";

    [Fact]
    public async Task StixFeed_PulledFromAnHttpSource_StoredForItsAudience_ThenIfModifiedSinceGets304AndStoresNothing()
    {
        await using var node = await SeededNode.CreateAsync(provider, new Dictionary<string, string?>
        {
            ["Rampart:Feeds:AllowPrivateTargets"] = "true",
            ["Rampart:Scheduler:Enabled"] = "false",
        });
        await using var source = await LocalEndpoint.StartAsync();
        var ip = Ip();
        var indicator = $"indicator--{Guid.NewGuid()}";
        var bundle = new JsonObject
        {
            ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}",
            ["objects"] = new JsonArray(new JsonObject
            {
                ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = indicator, ["created"] = "2026-11-01T00:00:00.000Z", ["modified"] = "2026-11-01T00:00:00.000Z",
                ["name"] = "feed C2", ["pattern"] = $"[ipv4-addr:value = '{ip}']", ["pattern_type"] = "stix", ["valid_from"] = "2026-11-01T00:00:00.000Z",
            }),
        }.ToJsonString();
        const string lastModified = "Sun, 01 Nov 2026 08:00:00 GMT";
        source.Routes["/bundle.json"] = async c =>
        {
            // Only Last-Modified (no ETag): the conditional request must carry If-Modified-Since.
            if (c.Request.Headers.IfModifiedSince == lastModified)
            {
                c.Response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            c.Response.ContentType = "application/json";
            c.Response.Headers.LastModified = lastModified;
            await c.Response.WriteAsync(bundle);
        };
        var admin = node.Client(node.OwnerAdmin);
        var id = await CreateFeedAsync(admin, new
        {
            name = "STIX feed", url = source.BaseUrl + "/bundle.json", format = "stix", tlp = "amber",
            audiences = new[] { new { kind = "community", communityId = node.Community } },
        });

        await RunFeedJobAsync(node);
        var status = await StatusAsync(admin, id);
        Assert.True(status["status"]!.GetValue<string>() == "ingested", status.ToJsonString());
        Assert.Equal(1, status["lastAdded"]!.GetValue<int>());
        Assert.Equal([ip], await KnownAsync(node, node.Member, ip));
        var read = await Json.ReadAsync(await node.Client(node.Member).GetAsync($"/api/intel/objects/{indicator}"));
        Assert.Equal("amber", read["tlp"]!.GetValue<string>());
        Assert.Equal(node.OwnerOrg, read["ownerOrganisationId"]!.GetValue<Guid>());
        foreach (var stranger in new[] { node.Outsider, node.NodeAdmin })
        {
            Assert.Empty(await KnownAsync(node, stranger, ip));
        }

        // Due again after its interval: the source's Last-Modified goes back as If-Modified-Since and the 304 stores nothing.
        node.Factory.Clock.Advance(TimeSpan.FromMinutes(61));
        var before = source.Requests.Count;
        await RunFeedJobAsync(node);
        Assert.Equal(before + 1, source.Requests.Count);
        Assert.Equal(lastModified, source.Requests.Last().Headers["If-Modified-Since"]);
        status = await StatusAsync(admin, id);
        Assert.Equal("unchanged", status["status"]!.GetValue<string>());
    }
}

public sealed class SqliteIntelFeedPullTests() : IntelFeedPullTests(DatabaseProvider.Sqlite);

public sealed class PostgresIntelFeedPullTests() : IntelFeedPullTests(DatabaseProvider.Postgres);
