using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Intelligence.Feeds;
using Rampart.Server.Scheduling;

namespace Rampart.Server.Tests;

/// <summary>Saved feeds: pulled from a local HTTP endpoint, only deltas handed to the store, status per feed, only for its organisation.</summary>
public abstract class IntelFeedTests(DatabaseProvider provider)
{
    private static readonly string[] BlocklistLabel = ["blocklist"];

    private static Dictionary<string, string?> Settings(bool allowPrivate = true) => new()
    {
        ["Rampart:Feeds:AllowPrivateTargets"] = allowPrivate ? "true" : "false",
        ["Rampart:Scheduler:Enabled"] = "false",
    };

    /// <summary>An app server of the node whose store ingest is recorded instead of run.</summary>
    private static (WebApplicationFactory<Program> Host, RecordingIngest Ingest, Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock) ServerWithRecordingIngest(SeededNode node)
    {
        var ingest = new RecordingIngest();
        var factory = new RampartFactory(node.Database, Settings());
        var host = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IFeedIngest>(ingest)));
        _ = host.Server;
        return (host, ingest, factory.Clock);
    }

    private static HttpClient ClientOf(WebApplicationFactory<Program> host, Person person)
    {
        var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new("Bearer", person.ApiKey);
        return client;
    }

    private static async Task RunFeedJobAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<FeedPullJob>().RunAsync(default);
    }

    private static async Task<JsonNode> CreateFeedAsync(HttpClient admin, object request)
    {
        var response = await admin.PostAsync("/api/intel/feeds", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!;
    }

    [Fact]
    public async Task Feed_PulledAgain_SendsItsValidatorsAndHandsOnlyChangesToTheStore()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        var (host, ingest, clock) = ServerWithRecordingIngest(node);
        await using var _ = host;
        await using var source = await LocalEndpoint.StartAsync();
        var content = "185.220.101.45\nevil.example\n";
        var etag = "\"v1\"";
        source.Routes["/list.txt"] = async c =>
        {
            if (c.Request.Headers.IfNoneMatch == etag)
            {
                c.Response.StatusCode = 304;
                return;
            }

            c.Response.Headers.ETag = etag;
            await c.Response.WriteAsync(content);
        };
        var admin = ClientOf(host, node.OwnerAdmin);
        var feed = await CreateFeedAsync(admin, new { name = "Blocklist", url = source.BaseUrl + "/list.txt", format = "list", tlp = "green", audiences = new[] { new { kind = "network" } }, labels = BlocklistLabel });
        var id = feed["id"]!.GetValue<Guid>();

        await RunFeedJobAsync(host.Services);
        var handed = Assert.Single(ingest.Requests);
        Assert.Equal(content, Encoding.UTF8.GetString(handed.Content));
        Assert.Equal(FeedFormat.PlainList, handed.Format);
        Assert.Equal(node.OwnerOrg, handed.As.OrganisationId);
        Assert.Equal(["blocklist"], handed.Labels);
        var status = await Json.ReadAsync(await admin.GetAsync($"/api/intel/feeds/{id}"));
        Assert.Equal("ingested", status["status"]!.GetValue<string>());
        Assert.Equal(2, status["lastAdded"]!.GetValue<int>());

        // Not due before its interval; then a 304.
        await RunFeedJobAsync(host.Services);
        Assert.Single(ingest.Requests);
        clock.Advance(TimeSpan.FromMinutes(61));
        await RunFeedJobAsync(host.Services);
        Assert.Equal(etag, source.Requests.Last().Headers["If-None-Match"]);
        Assert.Single(ingest.Requests);
        Assert.Equal("unchanged", (await Json.ReadAsync(await admin.GetAsync($"/api/intel/feeds/{id}")))["status"]!.GetValue<string>());

        // A new ETag with the same bytes: nothing to store either.
        etag = "\"v2\"";
        await admin.PostAsync($"/api/intel/feeds/{id}/pull", new { });
        await RunFeedJobAsync(host.Services);
        Assert.Single(ingest.Requests);

        content += "203.0.113.9\n";
        etag = "\"v3\"";
        await admin.PostAsync($"/api/intel/feeds/{id}/pull", new { });
        await RunFeedJobAsync(host.Services);
        Assert.Equal(2, ingest.Requests.Count);
    }

    [Fact]
    public async Task MispFeed_PullsOnlyTheEventsWhoseManifestTimestampMoved()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        var (host, ingest, clock) = ServerWithRecordingIngest(node);
        await using var _ = host;
        await using var source = await LocalEndpoint.StartAsync();
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var stampB = "1700000000";
        source.Routes["/misp/manifest.json"] = c => c.Response.WriteAsync(new JsonObject { [a.ToString()] = new JsonObject { ["timestamp"] = "1700000000" }, [b.ToString()] = new JsonObject { ["timestamp"] = stampB } }.ToJsonString());
        source.Routes[$"/misp/{a}.json"] = c => c.Response.WriteAsync(new JsonObject { ["Event"] = new JsonObject { ["uuid"] = a.ToString() } }.ToJsonString());
        source.Routes[$"/misp/{b}.json"] = c => c.Response.WriteAsync(new JsonObject { ["Event"] = new JsonObject { ["uuid"] = b.ToString() } }.ToJsonString());
        var admin = ClientOf(host, node.OwnerAdmin);
        var feed = await CreateFeedAsync(admin, new { name = "MISP", url = source.BaseUrl + "/misp/", format = "misp", tlp = "amber", audiences = new[] { new { kind = "community", communityId = node.Community } } });

        await RunFeedJobAsync(host.Services);
        Assert.Equal(2, ingest.Requests.Count);

        stampB = "1700000500";
        await admin.PostAsync($"/api/intel/feeds/{feed["id"]}/pull", new { });
        await RunFeedJobAsync(host.Services);
        Assert.Equal(3, ingest.Requests.Count);
        Assert.Contains(b.ToString(), Encoding.UTF8.GetString(ingest.Requests.Last().Content), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feed_FailingSource_ShowsFailedWithTheErrorAndStoresNothing()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        var (host, ingest, clock) = ServerWithRecordingIngest(node);
        await using var _ = host;
        await using var source = await LocalEndpoint.StartAsync();
        source.Routes["/broken"] = c => { c.Response.StatusCode = 500; return Task.CompletedTask; };
        var admin = ClientOf(host, node.OwnerAdmin);
        var feed = await CreateFeedAsync(admin, new { name = "Broken", url = source.BaseUrl + "/broken", format = "stix", tlp = "green", audiences = new[] { new { kind = "network" } } });

        await RunFeedJobAsync(host.Services);
        var status = await Json.ReadAsync(await admin.GetAsync($"/api/intel/feeds/{feed["id"]}"));
        Assert.Equal("failed", status["status"]!.GetValue<string>());
        Assert.Contains("500", status["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(ingest.Requests);
    }

    [Fact]
    public async Task Feeds_AreSeenByTheirOrganisationOnly_AndChangedByItsAdminsOnly()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        var admin = node.Client(node.OwnerAdmin);
        var feed = await CreateFeedAsync(admin, new { name = "Feed", url = "https://feeds.example.org/list.txt", format = "list", tlp = "green", audiences = new[] { new { kind = "network" } } });
        var id = feed["id"]!.GetValue<Guid>();

        // Members of the organisation see the feed and its status; only its admins change it.
        Assert.Equal(HttpStatusCode.OK, (await node.Client(node.OwnerViewer).GetAsync($"/api/intel/feeds/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.Client(node.Owner).PostAsync("/api/intel/feeds", new { name = "x", url = "https://feeds.example.org/x", format = "list", tlp = "green" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.Client(node.Owner).DeleteAsync($"/api/intel/feeds/{id}")).StatusCode);

        await using var scope = node.Factory.Services.CreateAsyncScope();
        var outsiderAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, node.OutsiderOrg, "admin@outside.test", Role.OrgAdmin);
        foreach (var other in new[] { node.NodeAdmin, outsiderAdmin, node.Recipient })
        {
            var client = node.Client(other);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/intel/feeds/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/intel/feeds/{id}/pull", new { })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/intel/feeds/{id}")).StatusCode);
            Assert.DoesNotContain(id.ToString(), (await client.GetStringAsync("/api/intel/feeds")), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/intel/feeds/{id}")).StatusCode);
    }

    [Fact]
    public async Task Feed_BadInput_IsA400NamingEachFieldAndSavesNothing()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings(allowPrivate: false));
        var admin = node.Client(node.OwnerAdmin);
        async Task<JsonNode> Errors(object request)
        {
            var response = await admin.PostAsync("/api/intel/feeds", request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await Json.ReadAsync(response))["errors"]!;
        }

        var errors = await Errors(new { name = "", url = "https://127.0.0.1/feed", format = "xml", tlp = "purple", intervalMinutes = 1, warningLists = "ignore" });
        foreach (var field in new[] { "name", "url", "format", "tlp", "intervalMinutes", "warningLists" })
        {
            Assert.True(errors[field] is not null, field);
        }

        Assert.NotNull((await Errors(new { name = "f", file = "../etc/passwd", format = "list", tlp = "green" }))["file"]);
        Assert.NotNull((await Errors(new { name = "f", url = "https://93.184.215.14/x.csv", format = "csv", tlp = "green" }))["csvMapping"]);
        Assert.NotNull((await Errors(new { name = "f", url = "https://93.184.215.14/x", format = "list", tlp = "red", audiences = new[] { new { kind = "network" } } }))["audiences[0]"]);
        Assert.Equal("[]", (await Json.ReadAsync(await admin.GetAsync("/api/intel/feeds")))["items"]!.ToJsonString());
    }

    [Fact]
    public async Task PlainListFeed_PulledByTheScheduler_StoresItsValuesForTheAudience_AndDropsWarningListedOnes()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        await using var source = await LocalEndpoint.StartAsync();
        source.Routes["/list.txt"] = c => c.Response.WriteAsync("# blocklist\n185.220.101.45\nevil-feed[.]example\n8.8.8.8\nnot a value\n");
        var admin = node.Client(node.OwnerAdmin);
        var feed = await CreateFeedAsync(admin, new
        {
            name = "Blocklist", url = source.BaseUrl + "/list.txt", format = "list", tlp = "green", warningLists = "drop",
            audiences = new[] { new { kind = "community", communityId = node.Community } },
        });

        // Through the scheduler, as in production.
        Assert.Contains(FeedPullJob.JobName, await node.Factory.Services.GetRequiredService<Scheduler>().RunDueAsync(default));
        var status = await Json.ReadAsync(await admin.GetAsync($"/api/intel/feeds/{feed["id"]}"));
        Assert.Equal("ingested", status["status"]!.GetValue<string>());

        async Task<List<string>> KnownTo(Person person)
        {
            var answer = await Json.ReadAsync(await node.Client(person).PostAsJsonAsync("/api/intel/lookup",
                new { values = LookedUp }));
            return [.. answer["known"]!.AsArray().Select(k => $"{k!["value"]!.GetValue<string>()} {k["stixType"]!.GetValue<string>()}").Distinct().Order()];
        }

        // A member of the feed's community reads the indicators and observables; the public resolver (a warning-list entry) was dropped.
        var known = await KnownTo(node.Member);
        Assert.Contains("185.220.101.45 indicator", known);
        Assert.Contains("185.220.101.45 ipv4-addr", known);
        Assert.Contains("evil-feed.example indicator", known);
        Assert.DoesNotContain(known, k => k.StartsWith("8.8.8.8", StringComparison.Ordinal));
        // Outside the community nothing is known, and neither is it to the node's administrator.
        Assert.Empty(await KnownTo(node.Outsider));
        Assert.Empty(await KnownTo(node.NodeAdmin));
    }

    [Theory]
    [InlineData("drop")]
    [InlineData("flag")]
    public async Task StixFeed_Drop_LeavesOutObjectsWhoseValuesAreAllListed_AndWhatPointsAtThem_FlagKeepsEverything(string warningLists)
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        await using var source = await LocalEndpoint.StartAsync();
        const string Listed = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
        const string Mixed = "indicator--c410e480-e42b-47d1-9476-85307c12bcbf";
        const string Malware = "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b";
        const string Time = "2026-11-20T10:00:00.000Z";
        var bundle = new JsonObject
        {
            ["type"] = "bundle", ["id"] = "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
            ["objects"] = new JsonArray(
                Indicator(Listed, "[ipv4-addr:value = '8.8.8.8']"),
                Indicator(Mixed, "[ipv4-addr:value = '8.8.8.8' OR ipv4-addr:value = '185.220.101.46']"),
                new JsonObject { ["type"] = "ipv4-addr", ["spec_version"] = "2.1", ["id"] = "ipv4-addr--2f689bf9-0ff2-545f-aa61-e495eb8cecc7", ["value"] = "8.8.8.8" },
                new JsonObject { ["type"] = "malware", ["spec_version"] = "2.1", ["id"] = Malware, ["created"] = Time, ["modified"] = Time, ["name"] = "Feedbot", ["is_family"] = true },
                Relationship("relationship--0b3a2c49-7b7f-4d4a-9a0e-8f3c8cf7a111", Listed),
                Relationship("relationship--1c4b3d5a-8c8f-4e5b-ab1f-9f4d9d08b222", Mixed)),
        };
        source.Routes["/bundle.json"] = c => c.Response.WriteAsync(bundle.ToJsonString());
        var admin = node.Client(node.OwnerAdmin);
        var feed = await CreateFeedAsync(admin, new
        {
            name = "Bundle feed", url = source.BaseUrl + "/bundle.json", format = "stix", tlp = "green", warningLists,
            audiences = new[] { new { kind = "community", communityId = node.Community } },
        });
        Assert.Contains(FeedPullJob.JobName, await node.Factory.Services.GetRequiredService<Scheduler>().RunDueAsync(default));
        var status = await Json.ReadAsync(await admin.GetAsync($"/api/intel/feeds/{feed["id"]}"));
        Assert.Equal("ingested", status["status"]!.GetValue<string>());

        async Task<List<string>> IdsOf(string type)
        {
            var page = await Json.ReadAsync(await node.Client(node.Member).GetAsync($"/api/intel/objects?type={type}&limit=50"));
            return [.. page["items"]!.AsArray().Select(i => i!["stixId"]!.GetValue<string>()).Order(StringComparer.Ordinal)];
        }

        var indicators = await IdsOf("indicator");
        var relationships = await IdsOf("relationship");
        var addresses = await IdsOf("ipv4-addr");
        // The indicator pinning a listed and an unlisted address is kept (flagged) either way, with its relationship.
        Assert.Contains(Mixed, indicators);
        Assert.Contains("relationship--1c4b3d5a-8c8f-4e5b-ab1f-9f4d9d08b222", relationships);
        Assert.Contains(Malware, await IdsOf("malware"));
        if (warningLists == "drop")
        {
            Assert.DoesNotContain(Listed, indicators);
            Assert.DoesNotContain("relationship--0b3a2c49-7b7f-4d4a-9a0e-8f3c8cf7a111", relationships);
            Assert.Empty(addresses);
        }
        else
        {
            Assert.Contains(Listed, indicators);
            Assert.Contains("relationship--0b3a2c49-7b7f-4d4a-9a0e-8f3c8cf7a111", relationships);
            Assert.Single(addresses);
        }

        JsonObject Indicator(string id, string pattern) => new()
        {
            ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = Time, ["modified"] = Time,
            ["name"] = id, ["pattern"] = pattern, ["pattern_type"] = "stix", ["valid_from"] = Time,
        };

        JsonObject Relationship(string id, string from) => new()
        {
            ["type"] = "relationship", ["spec_version"] = "2.1", ["id"] = id, ["created"] = Time, ["modified"] = Time,
            ["relationship_type"] = "indicates", ["source_ref"] = from, ["target_ref"] = Malware,
        };
    }

    private static readonly string[] LookedUp = ["185.220.101.45", "evil-feed.example", "8.8.8.8"];

    private sealed class RecordingIngest : IFeedIngest
    {
        public ConcurrentQueue<FeedIngestRequest> Requests { get; } = new();

        public Task<FeedIngestCounts> IngestAsync(FeedIngestRequest request, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request);
            var lines = Encoding.UTF8.GetString(request.Content).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            return Task.FromResult(new FeedIngestCounts(lines, 0, 0, 0));
        }
    }
}

public sealed class SqliteIntelFeedTests() : IntelFeedTests(DatabaseProvider.Sqlite);

public sealed class PostgresIntelFeedTests() : IntelFeedTests(DatabaseProvider.Postgres);
