using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Store;

namespace Rampart.Server.Tests;

/// <summary>
/// The set-based batch writer (issue 9, "Speed"): one batch that adds, updates and repeats objects is stored as
/// the old per-object writer stored it — outcomes, current versions, envelopes and grants for exactly the audience,
/// observable links moved with the current version, and each value's object count equal to its links.
/// </summary>
public abstract class IntelStoreBatchTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static string Id(string type) => $"{type}--{Guid.NewGuid()}";

    private static JsonObject Indicator(string id, string pattern, string modified, string name) => new()
    {
        ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-01-01T00:00:00.000Z", ["modified"] = modified,
        ["name"] = name, ["pattern"] = pattern, ["pattern_type"] = "stix", ["valid_from"] = "2026-01-01T00:00:00.000Z", ["labels"] = new JsonArray("batch-test"),
    };

    private static string Bundle(params JsonObject[] objects) =>
        new JsonObject { ["type"] = "bundle", ["id"] = Id("bundle"), ["objects"] = new JsonArray(objects.Select(o => (JsonNode)o.DeepClone()).ToArray()) }.ToJsonString();

    private async Task<JsonNode> ImportAsync(string bundle)
    {
        var response = await Node.Client(Node.Owner).PostAsync($"/api/intel/bundles?tlp=amber&audience=organisation:{Node.RecipientOrg}",
            new StringContent(bundle, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private async Task<List<(string Value, string StixId)>> LookupAsync(Person person, params string[] values)
    {
        var answer = await Json.ReadAsync(await Node.Client(person).PostAsync("/api/intel/lookup", new { values }));
        return [.. answer["known"]!.AsArray().Select(k => (k!["value"]!.GetValue<string>(), k["stixId"]!.GetValue<string>())).Order()];
    }

    [Fact]
    public async Task Batch_AddsUpdatesAndRepeats_ReadersSeeCurrentVersionsAndValuesOnlyTheAudienceReaches()
    {
        var x = $"203.0.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(1, 255)}";
        var y = $"198.18.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(1, 255)}";
        var domain = $"batch-{Guid.NewGuid():N}.example.net";
        var (a, b, c) = (Id("indicator"), Id("indicator"), Id("indicator"));
        var bOne = Indicator(b, $"[domain-name:value = '{domain}']", "2026-01-01T00:00:00.000Z", "B one");
        var first = await ImportAsync(Bundle(Indicator(a, $"[ipv4-addr:value = '{x}']", "2026-01-01T00:00:00.000Z", "A one"), bOne));

        // One batch: A gets a newer version with another value; C is new, twice (two versions); B is sent again unchanged.
        var second = await ImportAsync(Bundle(
            Indicator(a, $"[ipv4-addr:value = '{y}']", "2026-02-01T00:00:00.000Z", "A two"),
            Indicator(c, $"[ipv4-addr:value = '{x}'] OR [domain-name:value = '{domain}']", "2026-01-01T00:00:00.000Z", "C one"),
            Indicator(c, $"[ipv4-addr:value = '{x}'] OR [domain-name:value = '{domain}']", "2026-03-01T00:00:00.000Z", "C two"),
            bOne));

        Assert.Equal(["added", "added"], first["outcomes"]!.AsArray().Select(o => o!["outcome"]!.GetValue<string>()));
        Assert.Equal(["updated", "added", "updated", "unchanged"], second["outcomes"]!.AsArray().Select(o => o!["outcome"]!.GetValue<string>()));
        Assert.Equal((1, 2, 1), (second["added"]!.GetValue<int>(), second["updated"]!.GetValue<int>(), second["unchanged"]!.GetValue<int>()));

        // The recipient reads the current versions, and each value leads to the objects whose current version carries it.
        var recipient = Node.Client(Node.Recipient);
        var readC = await Json.ReadAsync(await recipient.GetAsync($"/api/intel/objects/{c}"));
        Assert.Equal("C two", readC["stix"]!["name"]!.GetValue<string>());
        Assert.Equal(2, (await Json.ReadAsync(await recipient.GetAsync($"/api/intel/objects/{c}/versions")))["items"]!.AsArray().Count);
        Assert.Equal("A two", (await Json.ReadAsync(await recipient.GetAsync($"/api/intel/objects/{a}")))["stix"]!["name"]!.GetValue<string>());
        var expected = new List<(string, string)> { (x, c), (y, a), (domain, b), (domain, c) }.Order().ToList();
        Assert.Equal(expected, await LookupAsync(Node.Recipient, x, y, domain));
        Assert.Equal(expected, await LookupAsync(Node.Owner, x, y, domain));

        // Nobody outside the audience reaches any of it, administrators included.
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var outsiderAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"{Guid.NewGuid():N}@outsider-admin.test", Role.OrgAdmin);
            foreach (var stranger in new[] { Node.Outsider, Node.NodeAdmin, Node.Member, outsiderAdmin })
            {
                Assert.Empty(await LookupAsync(stranger, x, y, domain));
                foreach (var id in new[] { a, b, c })
                {
                    Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(stranger).GetAsync($"/api/intel/objects/{id}")).StatusCode);
                }
            }
        }

        // Each value's object count (what "common" is decided from) equals its links: x moved from A to C.
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var links = db.ObservableLinks; // (extension properties cannot appear inside the query's expression tree)
            var counts = await db.Observables.Where(o => o.Value == x || o.Value == y || o.Value == domain)
                .Select(o => new { o.Value, o.ObjectCount, Links = links.Count(l => l.ObservableId == o.Id) }).ToListAsync();
            Assert.Equal(3, counts.Count);
            Assert.All(counts, v => Assert.Equal(v.Links, v.ObjectCount));
            Assert.Equal(1, counts.Single(v => v.Value == x).ObjectCount);
            Assert.Equal(2, counts.Single(v => v.Value == domain).ObjectCount);
        }
    }

    [Fact]
    public async Task Batch_LargerThanOneBatch_EveryObjectStoredOnceWithIncreasingRecordIdsInInputOrder()
    {
        var count = IntelStore.BatchSize + 7;
        var ids = Enumerable.Range(0, count).Select(_ => Id("indicator")).ToList();
        var prefix = Guid.NewGuid().ToString("N")[..12];
        var bundle = Bundle([.. ids.Select((id, i) => Indicator(id, $"[domain-name:value = 'h{i}.{prefix}.example.org']", "2026-01-01T00:00:00.000Z", $"bulk {i}"))]);

        var job = await ImportAsync(bundle);

        Assert.Equal(count, job["added"]!.GetValue<int>());
        Assert.Equal(2, job["batches"]!.GetValue<int>());
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var objects = db.IntelObjects; // (extension properties cannot appear inside the query's expression tree)
        var stored = await objects.Where(o => ids.Contains(o.StixId)).OrderBy(o => o.RecordId).Select(o => o.StixId).ToListAsync();
        Assert.Equal(ids, stored);
        var grants = await db.AccessGrants.Where(g => objects.Any(o => o.RecordId == g.RecordId && ids.Contains(o.StixId))).CountAsync();
        Assert.Equal(count * 2, grants); // the owner and the recipient organisation
        var changes = await db.IntelChanges.Where(ch => objects.Any(o => o.RecordId == ch.RecordId && ids.Contains(o.StixId))).CountAsync();
        Assert.Equal(count, changes);
    }
}

public sealed class SqliteIntelStoreBatchTests(SqliteNode fixture) : IntelStoreBatchTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelStoreBatchTests(PostgresNode fixture) : IntelStoreBatchTests(fixture), IClassFixture<PostgresNode>;
