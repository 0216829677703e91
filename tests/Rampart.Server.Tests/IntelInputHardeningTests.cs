using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Rampart.Server.Intelligence.Store;

namespace Rampart.Server.Tests;

/// <summary>
/// Findings 3, 4 and 6 of the intelligence-sharing review: U+0000 and other control characters are a 400 naming
/// the field (never a 500 on PostgreSQL), an imported object holding U+0000 is rejected while the rest of the import
/// goes on, and no organisation may import an identity object under another organisation's node identity id.
/// </summary>
public abstract class IntelInputHardeningTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static readonly string[] NulLabel = ["a\u0000b"];

    private static readonly string[] NulLookup = ["1.2.3.4", "a\u0000b"];

    private static string Id(string type) => $"{type}--{Guid.NewGuid()}";

    private static JsonObject Indicator(string name, string value) => new()
    {
        ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = Id("indicator"), ["created"] = "2026-01-01T00:00:00.000Z", ["modified"] = "2026-01-01T00:00:00.000Z",
        ["name"] = name, ["pattern"] = $"[ipv4-addr:value = '{value}']", ["pattern_type"] = "stix", ["valid_from"] = "2026-01-01T00:00:00.000Z",
    };

    private static string Bundle(params JsonObject[] objects) =>
        new JsonObject { ["type"] = "bundle", ["id"] = Id("bundle"), ["objects"] = new JsonArray(objects.Select(o => (JsonNode)o).ToArray()) }.ToJsonString();

    private async Task<JsonNode> ImportAsync(Person person, string bundle, string query)
    {
        var response = await Node.Client(person).PostAsync($"/api/intel/bundles?{query}", new StringContent(bundle, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static async Task AssertFieldAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        Assert.True(JsonNode.Parse(text)!["errors"]?[field] is not null, text);
    }

    [Theory]
    [InlineData("w\u0000x")]
    [InlineData("w\u001b[31mx")]
    [InlineData("w\u202ex")]
    public async Task WebhookAndFeed_NameWithControlCharacter_BadRequestNamingName(string name)
    {
        var admin = Node.Client(Node.OwnerAdmin);
        await AssertFieldAsync(await admin.PostAsync("/api/intel/webhooks", new { name, url = "https://93.184.215.14/hook" }), "name");
        await AssertFieldAsync(await admin.PostAsync("/api/intel/feeds", new { name, url = "https://93.184.215.14/feed.txt", format = "list", tlp = "green", intervalMinutes = 60 }), "name");
        await AssertFieldAsync(await admin.PostAsync("/api/intel/feeds", new { name = "ok", url = "https://93.184.215.14/feed.txt", format = "list", tlp = "green", intervalMinutes = 60, labels = new[] { "a" + name } }), "labels");
        var hooks = await Json.ReadAsync(await admin.GetAsync("/api/intel/webhooks"));
        Assert.DoesNotContain(name, hooks.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextConfirm_ControlCharacterInLabelDescriptionOrValue_BadRequestNamingFieldNothingStored()
    {
        var client = Node.Client(Node.Owner);
        var value = new[] { new { kind = "ipv4", value = "185.220.101.43" } };
        await AssertFieldAsync(await client.PostAsync("/api/intel/text/confirm", new { values = value, tlp = "green", labels = NulLabel }), "labels[0]");
        await AssertFieldAsync(await client.PostAsync("/api/intel/text/confirm", new { values = value, tlp = "green", description = "d\u0000" }), "description");
        await AssertFieldAsync(await client.PostAsync("/api/intel/text/confirm", new { values = new[] { new { kind = "url", value = "https://a.example/\u0000" } }, tlp = "green" }), "values[0]");
        var imports = await Json.ReadAsync(await client.GetAsync("/api/intel/imports"));
        Assert.DoesNotContain("running", imports.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LookupAndSearch_NulInValue_BadRequestNamingField()
    {
        var client = Node.Client(Node.Owner);
        await AssertFieldAsync(await client.PostAsync("/api/intel/lookup", new { values = NulLookup }), "values[1]");
        await AssertFieldAsync(await client.GetAsync("/api/intel/objects?value=a%00b"), "value");
        await AssertFieldAsync(await client.GetAsync("/api/intel/objects?value=a%00&match=prefix"), "value");
        await AssertFieldAsync(await client.GetAsync("/api/intel/objects?label=x%1B"), "label");
    }

    [Fact]
    public async Task Bundle_ObjectWithNul_RejectedWithReasonRestStored()
    {
        var clean = Indicator("clean", "203.0.113.77");
        var dirty = Indicator("n\u0000ul", "203.0.113.78");
        dirty["labels"] = new JsonArray("l\u0000b");
        var keyed = Indicator("key", "203.0.113.79");
        keyed["x_\u0000"] = "v";

        var job = await ImportAsync(Node.Owner, Bundle(dirty, clean, keyed), "tlp=green");

        Assert.Equal("completed-with-rejections", job["status"]!.GetValue<string>());
        var outcomes = job["outcomes"]!.AsArray().Select(o => (Outcome: o!["outcome"]!.GetValue<string>(), Detail: o["detail"]?.GetValue<string>())).ToList();
        Assert.Equal(["rejected", "added", "rejected"], outcomes.Select(o => o.Outcome));
        Assert.Contains("U+0000", outcomes[0].Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{clean["id"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{dirty["id"]}")).StatusCode);
    }

    [Fact]
    public async Task Bundle_IdentityUnderAnotherOrganisationsNodeIdentity_Rejected()
    {
        var ownerIdentity = IntelIdentity.Of(Node.OwnerOrg);
        var spoof = new JsonObject
        {
            ["type"] = "identity", ["spec_version"] = "2.1", ["id"] = ownerIdentity, ["created"] = "2026-01-01T00:00:00.000Z", ["modified"] = "2026-01-01T00:00:00.000Z",
            ["name"] = "CERT A (official)", ["description"] = "Spoofed by C", ["identity_class"] = "organization", ["created_by_ref"] = ownerIdentity,
        };
        var own = new JsonObject
        {
            ["type"] = "identity", ["spec_version"] = "2.1", ["id"] = IntelIdentity.Of(Node.OutsiderOrg), ["created"] = "2026-01-01T00:00:00.000Z", ["modified"] = "2026-01-01T00:00:00.000Z",
            ["name"] = "CERT C", ["identity_class"] = "organization",
        };

        var job = await ImportAsync(Node.Outsider, Bundle(spoof, own), "tlp=green&audience=network");

        var outcomes = job["outcomes"]!.AsArray();
        Assert.Equal("rejected", outcomes[0]!["outcome"]!.GetValue<string>());
        Assert.Contains("another organisation", outcomes[0]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotEqual("rejected", outcomes[1]!["outcome"]!.GetValue<string>());

        // A's objects name A's identity; nobody, A included, resolves it to C's text.
        var indicator = Indicator("by A", "203.0.113.80");
        await ImportAsync(Node.Owner, Bundle(indicator), "tlp=green&audience=network");
        var stored = await Json.ReadAsync(await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{indicator["id"]}"));
        Assert.Contains(ownerIdentity, stored.ToJsonString(), StringComparison.Ordinal);
        foreach (var reader in new[] { Node.Owner, Node.Recipient, Node.Outsider, Node.NodeAdmin, Node.OwnerAdmin })
        {
            var response = await Node.Client(reader).GetAsync($"/api/intel/objects/{ownerIdentity}");
            Assert.DoesNotContain("Spoofed by C", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }
}

public sealed class SqliteIntelInputHardeningTests(SqliteNode fixture) : IntelInputHardeningTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelInputHardeningTests(PostgresNode fixture) : IntelInputHardeningTests(fixture), IClassFixture<PostgresNode>;
