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

    // 5.0.0.0/8 holds no entry of the built-in warning lists.
    private static string UnlistedIp() => $"5.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(1, 254)}";

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

        // Its history says a feed brought it — to readers too, without the job; nothing to the outsider or the node admin.
        var historyPath = $"/api/intel/objects/{indicator}/history";
        var entry = (await Json.ReadAsync(await node.Client(node.Member).GetAsync(historyPath)))["items"]!.AsArray().Single()!;
        Assert.Equal("added", entry["kind"]!.GetValue<string>());
        Assert.Equal("feed", entry["via"]!.GetValue<string>());
        Assert.Null(entry["jobId"]);
        Assert.NotNull((await Json.ReadAsync(await admin.GetAsync(historyPath)))["items"]![0]!["jobId"]);
        foreach (var stranger in new[] { node.Outsider, node.NodeAdmin })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await node.Client(stranger).GetAsync(historyPath)).StatusCode);
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

    [Fact]
    public async Task CsvLocalFileAndWarningListFolder_FeedsStoreTheirRows_AndTheExtraListDropsItsEntry()
    {
        var folder = Directory.CreateTempSubdirectory("rampart-feeds-");
        var lists = Directory.CreateTempSubdirectory("rampart-lists-");
        try
        {
            var listed = $"sinkhole-{Guid.NewGuid():N}.example";
            await File.WriteAllTextAsync(Path.Combine(lists.FullName, "team-sinkholes.json"), new JsonObject
            {
                ["name"] = "Our sinkholes", ["description"] = "Domains our team sinkholed", ["version"] = 1, ["type"] = "hostname",
                ["list"] = new JsonArray(listed), ["matching_attributes"] = new JsonArray("domain", "hostname"),
            }.ToJsonString());
            await using var node = await SeededNode.CreateAsync(provider, new Dictionary<string, string?>
            {
                ["Rampart:Feeds:AllowPrivateTargets"] = "true",
                ["Rampart:Feeds:Folder"] = folder.FullName,
                ["Rampart:Intelligence:WarningListsPath"] = lists.FullName,
                ["Rampart:Scheduler:Enabled"] = "false",
            });
            await using var source = await LocalEndpoint.StartAsync();
            var admin = node.Client(node.OwnerAdmin);
            var audience = new[] { new { kind = "community", communityId = node.Community } };

            // CSV over HTTP, with its mapping: the value and kind columns, a label column.
            // Not a documentation address (198.51.100.0/24 is on the built-in rfc5735 list, and this feed drops listed values).
            var csvIp = UnlistedIp();
            var csvDomain = $"csv-{Guid.NewGuid():N}.example";
            source.Routes["/iocs.csv"] = c => c.Response.WriteAsync($"value,kind,tags\n{csvIp},ip-dst,c2\n{csvDomain},domain,phishing\n{listed},domain,sinkhole\n");
            var csv = await CreateFeedAsync(admin, new
            {
                name = "CSV feed", url = source.BaseUrl + "/iocs.csv", format = "csv", tlp = "green", audiences = audience, warningLists = "drop",
                csvMapping = new { valueColumn = "value", kindColumn = "kind", labelColumns = TagsColumn },
            });

            // A plain list in the feed folder.
            var fileIp = Ip();
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "blocklist.txt"), $"# our blocklist\n{fileIp}\n");
            var file = await CreateFeedAsync(admin, new { name = "File feed", file = "blocklist.txt", format = "list", tlp = "green", audiences = audience });

            await RunFeedJobAsync(node);
            var csvStatus = await StatusAsync(admin, csv);
            Assert.True(csvStatus["status"]!.GetValue<string>() == "ingested", csvStatus.ToJsonString());
            var fileStatus = await StatusAsync(admin, file);
            Assert.True(fileStatus["status"]!.GetValue<string>() == "ingested", fileStatus.ToJsonString());

            // The community member reads the rows; the extra warning list's domain was dropped.
            Assert.Equal(new[] { csvIp, csvDomain, fileIp }.Order(StringComparer.Ordinal), await KnownAsync(node, node.Member, csvIp, csvDomain, fileIp, listed));
            foreach (var stranger in new[] { node.Outsider, node.NodeAdmin })
            {
                Assert.Empty(await KnownAsync(node, stranger, csvIp, csvDomain, fileIp));
            }

            // The same list flags a bundle's indicator on ingest.
            var flagged = $"indicator--{Guid.NewGuid()}";
            var response = await node.Client(node.Owner).PostAsJsonAsync("/api/intel/bundles?tlp=green", new
            {
                type = "bundle", id = $"bundle--{Guid.NewGuid()}",
                objects = new[]
                {
                    new Dictionary<string, object>
                    {
                        ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = flagged, ["created"] = "2026-11-01T00:00:00.000Z", ["modified"] = "2026-11-01T00:00:00.000Z",
                        ["pattern"] = $"[domain-name:value = '{listed}']", ["pattern_type"] = "stix", ["valid_from"] = "2026-11-01T00:00:00.000Z",
                    },
                },
            });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True((await Json.ReadAsync(await node.Client(node.Owner).GetAsync($"/api/intel/objects/{flagged}")))["warningListed"]!.GetValue<bool>());

            // The file unchanged: after its interval the pull compares the file's time and stores nothing.
            node.Factory.Clock.Advance(TimeSpan.FromMinutes(61));
            await RunFeedJobAsync(node);
            Assert.Equal("unchanged", (await StatusAsync(admin, file))["status"]!.GetValue<string>());
        }
        finally
        {
            folder.Delete(recursive: true);
            lists.Delete(recursive: true);
        }
    }
}

public sealed class SqliteIntelFeedPullTests() : IntelFeedPullTests(DatabaseProvider.Sqlite);

public sealed class PostgresIntelFeedPullTests() : IntelFeedPullTests(DatabaseProvider.Postgres);
