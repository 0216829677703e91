using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>
/// Review findings on ingest and sightings (issue 9): a MISP event's report counted once, jobs with rejections say so
/// with TAXII-style counts, observables show when they reached the node, and a sighting's reporter chooses its audience.
/// </summary>
public abstract class IntelIngestCorrectnessTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static string Id(string type) => $"{type}--{Guid.NewGuid()}";

    private static JsonObject Indicator(string id, string pattern) => new()
    {
        ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-01-01T00:00:00.000Z", ["modified"] = "2026-01-01T00:00:00.000Z",
        ["name"] = "correctness", ["pattern"] = pattern, ["pattern_type"] = "stix", ["valid_from"] = "2026-01-01T00:00:00.000Z",
    };

    private static StringContent JsonBody(string text) => new(text, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    private static string Bundle(params JsonObject[] objects) =>
        new JsonObject { ["type"] = "bundle", ["id"] = Id("bundle"), ["objects"] = new JsonArray(objects.Select(o => (JsonNode)o).ToArray()) }.ToJsonString();

    private async Task<JsonNode> ImportAsync(Person person, string bundle, string query)
    {
        var response = await Node.Client(person).PostAsync($"/api/intel/bundles?{query}", JsonBody(bundle));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private static string Address() => $"203.0.{Random.Shared.Next(114, 250)}.{Random.Shared.Next(1, 250)}";

    [Fact]
    public async Task MispEvent_WithItsReport_CountsTheReportOnce()
    {
        var uuid = Guid.NewGuid();
        var misp = new JsonObject
        {
            ["Event"] = new JsonObject
            {
                ["uuid"] = uuid.ToString(), ["info"] = "Phishing wave against ministries", ["date"] = "2026-11-01", ["timestamp"] = "1793000000",
                ["threat_level_id"] = "2", ["analysis"] = "1", ["distribution"] = "1",
                ["Orgc"] = new JsonObject { ["name"] = "CERT-OWNER", ["uuid"] = Guid.NewGuid().ToString() },
                ["Attribute"] = new JsonArray(new JsonObject
                {
                    ["uuid"] = Guid.NewGuid().ToString(), ["type"] = "ip-dst", ["category"] = "Network activity", ["to_ids"] = true,
                    ["value"] = Address(), ["timestamp"] = "1793000000",
                }),
            },
        };
        var response = await Node.Client(Node.Owner).PostAsync("/api/intel/misp?tlp=green&audience=network", JsonBody(misp.ToJsonString()));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var job = await Json.ReadAsync(response);
        var outcomes = job["outcomes"]!.AsArray();
        var reports = outcomes.Where(o => o!["stixId"]?.GetValue<string>() == $"report--{uuid}").ToList();
        var report = Assert.Single(reports);
        Assert.Equal("added", report!["outcome"]!.GetValue<string>());
        Assert.Equal(outcomes.Count, outcomes.Select(o => o!["stixId"]?.GetValue<string>()).Distinct().Count());
        Assert.Equal(outcomes.Count, job["processed"]!.GetValue<int>());
        Assert.Equal(0, job["unchanged"]!.GetValue<int>());
    }

    [Fact]
    public async Task Import_WithARejectedObject_IsCompletedWithRejections_WithSuccessAndFailureCounts()
    {
        var invalid = Indicator(Id("indicator"), "[ipv4-addr:value = '203.0.113.9']");
        invalid.Remove("pattern");
        var job = await ImportAsync(Node.Owner, Bundle(Indicator(Id("indicator"), $"[ipv4-addr:value = '{Address()}']"), invalid), "tlp=green&audience=network");
        Assert.Equal("completed-with-rejections", job["status"]!.GetValue<string>());
        Assert.Equal(1, job["successCount"]!.GetValue<int>());
        Assert.Equal(1, job["failureCount"]!.GetValue<int>());
        Assert.False(job["pending"]!.GetValue<bool>());
        Assert.Contains(job["outcomes"]!.AsArray(), o => o!["outcome"]!.GetValue<string>() == "rejected" && o["detail"]!.GetValue<string>().Length > 0);

        var clean = await ImportAsync(Node.Owner, Bundle(Indicator(Id("indicator"), $"[ipv4-addr:value = '{Address()}']")), "tlp=green&audience=network");
        Assert.Equal("completed", clean["status"]!.GetValue<string>());
        Assert.Equal(1, clean["successCount"]!.GetValue<int>());
        Assert.Equal(0, clean["failureCount"]!.GetValue<int>());
    }

    [Fact]
    public async Task Observable_AddedByIngest_ShowsWhenItsValueReachedTheNode_Not1970()
    {
        var id = Id("ipv4-addr");
        await ImportAsync(Node.Owner, Bundle(new JsonObject { ["type"] = "ipv4-addr", ["spec_version"] = "2.1", ["id"] = id, ["value"] = Address() }), "tlp=green&audience=network");
        var o = await Json.ReadAsync(await Node.Client(Node.Recipient).GetAsync($"/api/intel/objects/{id}"));
        var added = o["addedAt"]!.GetValue<DateTimeOffset>();
        Assert.Equal(Node.Factory.Clock.GetUtcNow().Year, added.Year);
        Assert.Equal(added, o["created"]!.GetValue<DateTimeOffset>());
        Assert.Equal(added, o["modified"]!.GetValue<DateTimeOffset>());

        // The same observable again is still unchanged (the STIX version key is untouched).
        var again = await ImportAsync(Node.Owner, Bundle(new JsonObject { ["type"] = "ipv4-addr", ["spec_version"] = "2.1", ["id"] = id, ["value"] = o["name"]!.GetValue<string>() }), "tlp=green&audience=network");
        Assert.Equal(1, again["unchanged"]!.GetValue<int>());
    }

    /// <summary>AMBER, shared with the community (owner and member organisations) and the recipient organisation.</summary>
    private async Task<string> SharedIndicatorAsync()
    {
        var id = Id("indicator");
        await ImportAsync(Node.Owner, Bundle(Indicator(id, $"[ipv4-addr:value = '{Address()}']")), $"tlp=amber&audience=community:{Node.Community}&audience=organisation:{Node.RecipientOrg}");
        return id;
    }

    private async Task<JsonNode> SightAsync(Person person, string id, object body)
    {
        var response = await Node.Client(person).PostAsync($"/api/intel/objects/{id}/sightings", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private async Task<JsonNode> SightingsAsync(Person person, string id) =>
        await Json.ReadAsync(await Node.Client(person).GetAsync($"/api/intel/objects/{id}/sightings"));

    [Fact]
    public async Task Sighting_ShareWithChoices_DecideWhoSeesWhoSighted_CountsForEveryReader()
    {
        var owner = await SharedIndicatorAsync();
        await SightAsync(Node.Member, owner, new { count = 1, shareWith = "owner" });
        var organisation = await SharedIndicatorAsync();
        await SightAsync(Node.Member, organisation, new { count = 1, shareWith = "organisation" });
        var audience = await SharedIndicatorAsync();
        await SightAsync(Node.Member, audience, new { count = 1, shareWith = "audience" });

        // owner: the owner sees who; the recipient (in the object's audience) sees the count only.
        Assert.Equal(Node.MemberOrg, (await SightingsAsync(Node.Owner, owner))["items"]![0]!["sightedBy"]!.GetValue<Guid>());
        var recipientView = await SightingsAsync(Node.Recipient, owner);
        Assert.Empty(recipientView["items"]!.AsArray());
        Assert.Equal(1, recipientView["total"]!.GetValue<int>());

        // organisation: nobody outside the reporter's organisation sees it, the owner included.
        Assert.Empty((await SightingsAsync(Node.Owner, organisation))["items"]!.AsArray());
        Assert.Equal(1, (await SightingsAsync(Node.Owner, organisation))["total"]!.GetValue<int>());
        Assert.Single((await SightingsAsync(Node.Member, organisation))["items"]!.AsArray());

        // audience: the owner and everyone the object is shared with.
        Assert.Equal(Node.MemberOrg, (await SightingsAsync(Node.Recipient, audience))["items"]![0]!["sightedBy"]!.GetValue<Guid>());
        Assert.Single((await SightingsAsync(Node.Owner, audience))["items"]!.AsArray());
        Assert.Equal("amber", (await SightingsAsync(Node.Owner, audience))["items"]![0]!["tlp"]!.GetValue<string>());

        // Outside the object's audience, every kind of administrator included: the object and its sightings do not exist.
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var outsiderAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"admin-{Guid.NewGuid():N}@outside.test", Rampart.Server.Access.Role.OrgAdmin);
        foreach (var stranger in new[] { Node.Outsider, Node.SameCountry, Node.NodeAdmin, outsiderAdmin })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(stranger).GetAsync($"/api/intel/objects/{audience}/sightings")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(stranger).PostAsync($"/api/intel/objects/{audience}/sightings", new { count = 1, shareWith = "audience" })).StatusCode);
        }
    }

    [Fact]
    public async Task Sighting_UnknownShareWith_Is400NamingTheField_AndAddsNothing()
    {
        var id = await SharedIndicatorAsync();
        var response = await Node.Client(Node.Member).PostAsync($"/api/intel/objects/{id}/sightings", new { count = 1, shareWith = "everyone" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await Json.ReadAsync(response))["errors"]!["shareWith"]);
        Assert.Equal(0, (await SightingsAsync(Node.Owner, id))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Sighting_Anonymous_HasARandomIdAndAnHourCreatedTime_AndNamesNobody()
    {
        var id = await SharedIndicatorAsync();
        Node.Factory.Clock.Advance(TimeSpan.FromMinutes(17) + TimeSpan.FromSeconds(23));
        var sighting = await SightAsync(Node.Member, id, new { count = 2, anonymous = true, shareWith = "audience" });
        var stixId = sighting["stixId"]!.GetValue<string>();
        Assert.StartsWith("sighting--", stixId, StringComparison.Ordinal);
        Assert.Equal(4, Guid.Parse(stixId["sighting--".Length..]).Version);
        var created = sighting["createdAt"]!.GetValue<DateTimeOffset>();
        Assert.Equal((0, 0, 0), (created.Minute, created.Second, created.Millisecond));
        Assert.True(Node.Factory.Clock.GetUtcNow() - created < TimeSpan.FromHours(1));
        foreach (var reader in new[] { Node.Owner, Node.Recipient, Node.Member })
        {
            var item = Assert.Single((await SightingsAsync(reader, id))["items"]!.AsArray());
            Assert.Null(item!["sightedBy"]);
            Assert.True(item["anonymous"]!.GetValue<bool>());
        }
    }
}

public sealed class SqliteIntelIngestCorrectnessTests(SqliteNode fixture) : IntelIngestCorrectnessTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelIngestCorrectnessTests(PostgresNode fixture) : IntelIngestCorrectnessTests(fixture), IClassFixture<PostgresNode>;
