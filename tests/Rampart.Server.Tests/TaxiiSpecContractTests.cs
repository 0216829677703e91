using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>A node configured with the discovery and API root texts of the TAXII 2.1 specification's examples; every POST is imported in the background (status pending first).</summary>
public abstract class TaxiiSpecNode(DatabaseProvider provider) : IAsyncLifetime
{
    public SeededNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await SeededNode.CreateAsync(provider, new Dictionary<string, string?>
    {
        ["Rampart:Taxii:Title"] = "Some TAXII Server",
        ["Rampart:Taxii:Description"] = "This TAXII Server contains a listing of...",
        ["Rampart:Taxii:Contact"] = "string containing contact information",
        ["Rampart:Taxii:ApiRootTitle"] = "Malware Research Group",
        ["Rampart:Taxii:ApiRootDescription"] = "A trust group setup for malware researchers",
        ["Rampart:Taxii:MaxContentLength"] = "104857600",
        ["Rampart:Intelligence:DirectImportBytes"] = "0",
    });

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

public sealed class SqliteTaxiiSpecNode() : TaxiiSpecNode(DatabaseProvider.Sqlite);

public sealed class PostgresTaxiiSpecNode() : TaxiiSpecNode(DatabaseProvider.Postgres);

/// <summary>
/// Contract tests from the literal examples of the TAXII 2.1 specification (OASIS Standard, 10 June 2021), kept with their
/// section in <c>TestData/taxii21-spec-examples.json</c>: each example request is replayed against the server (the
/// specification's API root <c>/api1/</c> is Rampart's <c>/taxii2/api/</c>; its collection ids are given to two network
/// collections), and the answer must have every field the example has, with the same JSON type and meaning; values are
/// compared exactly where they are not the node's own (ids the server makes, times, URLs of this host).
/// </summary>
public abstract class TaxiiSpecContractTests(TaxiiSpecNode fixture)
{
    private const string Taxii = "application/taxii+json;version=2.1";
    private const string ApiRoot = "/taxii2/api/";
    private const string HighValue = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";
    private const string Past24Hours = "52892447-4d7e-4f70-b94d-d7f22742ff63";
    private const string Indicator252 = "indicator--252c7c11-daf2-42bd-843b-be65edca9f61";
    private const string Indicator410 = "indicator--c410e480-e42b-47d1-9476-85307c12bcbf";
    private const string Malware664 = "malware--664fa29d-bf65-4f28-a667-bdb76f29ec98";
    private const string Relationship045 = "relationship--045585ad-a22f-4333-af33-bfd503a683b5";

    private static readonly SemaphoreSlim SetupLock = new(1, 1);

    private static readonly string[] IndicatorsAndRelationships = ["indicator", "relationship"];

    private static readonly JsonObject Examples = (JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "taxii21-spec-examples.json")))!).AsObject();

    private SeededNode Node => fixture.Node;

    private static JsonObject Example(string name) => Examples[name]!.AsObject();

    private static JsonNode ExampleResponse(string name) => Example(name)["response"]!;

    /// <summary>The example's request path on this server: <c>/api1/</c> is <c>/taxii2/api/</c>.</summary>
    private static string PathOf(string name)
    {
        var line = Example(name)["request"]!.GetValue<string>();
        var path = line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..];
        return path.StartsWith("/api1/", StringComparison.Ordinal) ? ApiRoot + path["/api1/".Length..] : path;
    }

    private HttpClient Client(Person person)
    {
        var client = Node.Client(person);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Accept", Taxii);
        return client;
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"{response.StatusCode}: {text}");
        var type = response.Content.Headers.ContentType!;
        Assert.Equal("application/taxii+json", type.MediaType);
        Assert.Equal("2.1", type.Parameters.Single(p => p.Name == "version").Value);
        return JsonNode.Parse(text)!;
    }

    private async Task<JsonNode> ReplayAsync(Person person, string name, string? path = null)
    {
        var response = await Client(person).GetAsync(path ?? PathOf(name));
        var body = await ReadAsync(response, Example(name)["status"]!.GetValue<int>());
        foreach (var header in Example(name)["headers"]?.AsArray() ?? [])
        {
            var value = Assert.Single(response.Headers.GetValues(header!.GetValue<string>()));
            AssertTimestamp(value, header.GetValue<string>());
        }

        return body;
    }

    private static void AssertTimestamp(string value, string what) =>
        Assert.True(DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _) && value.EndsWith('Z'),
            $"{what} is not a TAXII timestamp: {value}");

    /// <summary>
    /// Every property of <paramref name="expected"/> is in <paramref name="actual"/> with the same JSON type; object
    /// properties and the elements of lists are checked the same way (each element of a list against the example's first).
    /// Under <paramref name="serverDefined"/> only the type is checked: the specification leaves the content to the server.
    /// </summary>
    private static void AssertShape(JsonNode expected, JsonNode? actual, string path = "$", params string[] serverDefined)
    {
        Assert.True(actual is not null, $"{path} is missing");
        ArgumentNullException.ThrowIfNull(actual);
        Assert.True(Kind(expected) == Kind(actual), $"{path}: {actual.GetValueKind()} where the example has {expected.GetValueKind()}");
        if (serverDefined.Contains(path))
        {
            return;
        }

        switch (expected)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    AssertShape(value!, actual[key], $"{path}.{key}", serverDefined);
                }

                break;
            case JsonArray a when a.Count > 0:
                foreach (var element in actual.AsArray())
                {
                    AssertShape(a[0]!, element, $"{path}[]", serverDefined);
                }

                break;
        }
    }

    /// <summary>The JSON type: true and false are both a boolean.</summary>
    private static JsonValueKind Kind(JsonNode node) => node.GetValueKind() is JsonValueKind.False ? JsonValueKind.True : node.GetValueKind();

    /// <summary>The error example without the optional <c>description</c> and <c>details</c>, which a 404 has nothing to put in (it must not say what exists).</summary>
    private static JsonObject NotFoundError()
    {
        var error = ExampleResponse("error").DeepClone().AsObject();
        error.Remove("description");
        error.Remove("details");
        return error;
    }

    private static JsonObject Indicator(string id, string modified) => new()
    {
        ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2016-11-01T00:00:00.000Z", ["modified"] = modified,
        ["name"] = "High value IOC " + id[^4..], ["pattern"] = $"[domain-name:value = '{id[^12..]}.example.com']", ["pattern_type"] = "stix",
        ["valid_from"] = "2016-11-01T00:00:00.000Z",
    };

    /// <summary>The four objects of the status example (4.3), completed; the malware is not of the collection's types, so it fails.</summary>
    private static JsonObject[] StatusExampleObjects() =>
    [
        Indicator(Indicator410, "2018-05-27T12:02:41.312Z"),
        new()
        {
            ["type"] = "malware", ["spec_version"] = "2.1", ["id"] = Malware664, ["created"] = "2018-05-28T14:03:42.543Z",
            ["modified"] = "2018-05-28T14:03:42.543Z", ["name"] = "Example malware", ["is_family"] = true,
        },
        Indicator(Indicator252, "2018-05-18T20:16:21.148Z"),
        new()
        {
            ["type"] = "relationship", ["spec_version"] = "2.1", ["id"] = Relationship045, ["created"] = "2018-05-15T10:13:32.579Z",
            ["modified"] = "2018-05-15T10:13:32.579Z", ["relationship_type"] = "indicates", ["source_ref"] = Indicator252, ["target_ref"] = Malware664,
        },
    ];

    private static string Envelope(params JsonObject[] objects) =>
        new JsonObject { ["objects"] = new JsonArray([.. objects.Select(o => (JsonNode)o.DeepClone())]) }.ToJsonString();

    private async Task<HttpResponseMessage> PostAsync(Person person, string path, string envelope)
    {
        var content = new StringContent(envelope, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(Taxii);
        return await Client(person).PostAsync(path, content);
    }

    private async Task<JsonNode> CompleteAsync(Person person, JsonNode status)
    {
        for (var i = 0; i < 600 && status["status"]!.GetValue<string>() == "pending"; i++)
        {
            await Task.Delay(100);
            status = await ReadAsync(await Client(person).GetAsync($"{ApiRoot}status/{status["id"]}/"), 200);
        }

        Assert.Equal("complete", status["status"]!.GetValue<string>());
        return status;
    }

    /// <summary>
    /// The two collections of the examples (5.1), as network collections with the specification's ids, titles and
    /// descriptions: every analyst reads them; only the owner organisation writes (so a member's can_write is false, as in
    /// the examples). "High Value Indicator Collection" holds indicators and relationships. Idempotent per node.
    /// </summary>
    private async Task EnsureCollectionsAsync()
    {
        await SetupLock.WaitAsync();
        try
        {
            await using var scope = Node.Factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            if (await db.TaxiiCollections.AnyAsync(c => c.Id == Guid.Parse(HighValue)))
            {
                return;
            }

            foreach (var (id, example) in new[] { (HighValue, 0), (Past24Hours, 1) })
            {
                var spec = ExampleResponse("collections")["collections"]![example]!;
                var response = await Node.Client(Node.NodeAdmin).PostAsync("/api/taxii/collections", new
                {
                    title = spec["title"]!.GetValue<string>(),
                    description = spec["description"]!.GetValue<string>(),
                    network = true,
                    filter = new { types = IndicatorsAndRelationships },
                    readers = new object[] { new { kind = "network" } },
                    writers = new object[] { new { kind = "organisation", id = Node.OwnerOrg } },
                    writeTlp = "green",
                    writeAudiences = new object[] { new { kind = "network" } },
                });
                Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
                var created = (await Json.ReadAsync(response))["id"]!.GetValue<Guid>();
                // The specification's collection ids: the address the examples use.
                await db.TaxiiCollections.Where(c => c.Id == created).ExecuteUpdateAsync(s => s.SetProperty(c => c.Id, Guid.Parse(id)));
            }
        }
        finally
        {
            SetupLock.Release();
        }
    }

    /// <summary>The objects the GET examples name, stored (idempotently) through the example collection and settled.</summary>
    private async Task EnsureObjectsAsync()
    {
        await EnsureCollectionsAsync();
        JsonObject[] objects =
        [
            .. StatusExampleObjects(),
            Indicator(Indicator252, "2016-11-03T12:30:59.000Z"),
            Indicator(Indicator252, "2016-11-03T12:31:00.000Z"),
            Indicator("indicator--29aba82c-5393-42a8-9edb-6a2cb1df070b", "2016-11-03T12:30:59.000Z"),
            Indicator("indicator--ef0b28e1-308c-4a30-8770-9b4851b260a5", "2016-11-03T12:35:10.000Z"),
        ];
        var status = await ReadAsync(await PostAsync(Node.Owner, PathOf("add-objects"), Envelope(objects)), 202);
        await CompleteAsync(Node.Owner, status);
        Node.Factory.Clock.Advance(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Discovery_SpecExample_SameFieldsTypesAndTexts_DefaultIsOneOfTheApiRoots()
    {
        var discovery = await ReplayAsync(Node.Member, "discovery");
        var example = ExampleResponse("discovery");

        AssertShape(example, discovery);
        foreach (var field in new[] { "title", "description", "contact" })
        {
            Assert.Equal(example[field]!.GetValue<string>(), discovery[field]!.GetValue<string>());
        }

        // default and api_roots are this node's addresses: absolute, no query, the default among the roots.
        var roots = discovery["api_roots"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        Assert.Contains(discovery["default"]!.GetValue<string>(), roots);
        Assert.All(roots, r => Assert.True(Uri.TryCreate(r, UriKind.Absolute, out var uri) && uri.Query.Length == 0 && r.EndsWith('/'), r));
    }

    [Fact]
    public async Task ApiRoot_SpecExample_SameFieldsVersionsAndMaxContentLength()
    {
        var root = await ReplayAsync(Node.Member, "api-root");
        var example = ExampleResponse("api-root");

        AssertShape(example, root);
        Assert.Equal(example["title"]!.GetValue<string>(), root["title"]!.GetValue<string>());
        // Rampart ends the description with its per-object limit (TAXII has no field for it).
        Assert.StartsWith(example["description"]!.GetValue<string>(), root["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(example["versions"], root["versions"]), root["versions"]!.ToJsonString());
        Assert.Equal(example["max_content_length"]!.GetValue<long>(), root["max_content_length"]!.GetValue<long>());
    }

    [Fact]
    public async Task Collections_SpecExample_AMemberGetsExactlyTheExampleBody()
    {
        await EnsureCollectionsAsync();

        var collections = await ReplayAsync(Node.Member, "collections");

        AssertShape(ExampleResponse("collections"), collections);
        Assert.True(JsonNode.DeepEquals(ExampleResponse("collections"), collections), collections.ToJsonString());
    }

    [Fact]
    public async Task Collection_SpecExample_AMemberGetsExactlyTheExampleBody_AWriterIsToldItMayWrite()
    {
        await EnsureCollectionsAsync();

        var collection = await ReplayAsync(Node.Member, "collection");
        var asWriter = await ReplayAsync(Node.Owner, "collection");

        Assert.True(JsonNode.DeepEquals(ExampleResponse("collection"), collection), collection.ToJsonString());
        AssertShape(ExampleResponse("collection"), asWriter, "$", "$.description");
        Assert.True(asWriter["can_write"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AddObjects_SpecExampleEnvelope_Is202Pending_ThenTheStatusIsLikeTheSpecExample()
    {
        await EnsureCollectionsAsync();
        var objects = StatusExampleObjects();
        // The example POST (5.5) carries the indicator; the status example (4.3) names these four objects.
        Assert.Equal(Example("add-objects")["body"]!["objects"]![0]!["id"]!.GetValue<string>(), objects[0]["id"]!.GetValue<string>());

        var response = await PostAsync(Node.Owner, PathOf("add-objects"), Envelope(objects));
        var accepted = await ReadAsync(response, Example("add-objects")["status"]!.GetValue<int>());

        // 5.5: the 202 is a status resource; this node imports in the background, so it is pending with all four pending.
        AssertShape(ExampleResponse("add-objects"), accepted, "$", "$.id", "$.request_timestamp");
        Assert.True(Guid.TryParse(accepted["id"]!.GetValue<string>(), out _));
        AssertTimestamp(accepted["request_timestamp"]!.GetValue<string>(), "request_timestamp");
        Assert.Equal(4, accepted["total_count"]!.GetValue<int>());
        if (accepted["status"]!.GetValue<string>() == "pending")
        {
            Assert.Equal(
                accepted["total_count"]!.GetValue<int>(),
                accepted["success_count"]!.GetValue<int>() + accepted["failure_count"]!.GetValue<int>() + accepted["pending_count"]!.GetValue<int>());
            AssertShape(ExampleResponse("status")["pendings"]!, accepted["pendings"], "$");
        }

        // 4.3: GET status by its id, until complete: the three indicator-collection objects succeed, the malware fails with the reason.
        var status = await CompleteAsync(Node.Owner, accepted);
        var example = ExampleResponse("status");
        AssertShape(example, status, "$", "$.id", "$.request_timestamp", "$.pendings");
        Assert.Equal(accepted["id"]!.GetValue<string>(), status["id"]!.GetValue<string>());
        Assert.Equal(4, status["total_count"]!.GetValue<int>());
        Assert.Equal(0, status["pending_count"]!.GetValue<int>());
        Assert.Equal(JsonValueKind.Array, status["pendings"]!.GetValueKind());
        var successes = status["successes"]!.AsArray().ToDictionary(s => s!["id"]!.GetValue<string>(), s => s!["version"]!.GetValue<string>());
        Assert.Equal(3, status["success_count"]!.GetValue<int>());
        Assert.Equal("2018-05-27T12:02:41.312Z", successes[Indicator410]);
        Assert.Equal("2018-05-18T20:16:21.148Z", successes[Indicator252]);
        Assert.Equal("2018-05-15T10:13:32.579Z", successes[Relationship045]);
        var failure = Assert.Single(status["failures"]!.AsArray())!;
        Assert.Equal(1, status["failure_count"]!.GetValue<int>());
        Assert.Equal(example["failures"]![0]!["id"]!.GetValue<string>(), failure["id"]!.GetValue<string>());
        Assert.Equal(example["failures"]![0]!["version"]!.GetValue<string>(), failure["version"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(failure["message"]!.GetValue<string>()));

        // Another organisation's analyst and the node administrator: no such status (404, a TAXII error).
        foreach (var stranger in new[] { Node.Outsider, Node.NodeAdmin, Node.Member })
        {
            var hidden = await Client(stranger).GetAsync($"{ApiRoot}status/{status["id"]}/");
            AssertShape(NotFoundError(), await ReadAsync(hidden, 404));
        }
    }

    [Fact]
    public async Task Manifest_SpecExample_TheExampleRecordsWithTheirVersionsAndMediaType()
    {
        await EnsureObjectsAsync();
        var example = ExampleResponse("manifest");
        var ids = example["objects"]!.AsArray().Select(o => o!["id"]!.GetValue<string>()).ToList();

        var manifest = await ReplayAsync(Node.Member, "manifest", $"{PathOf("manifest")}?match[id]={string.Join(',', ids)}");

        AssertShape(example, manifest);
        var records = manifest["objects"]!.AsArray().Select(r => r!.AsObject()).OrderBy(r => r["id"]!.GetValue<string>(), StringComparer.Ordinal).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), records.Select(r => r["id"]!.GetValue<string>()));
        foreach (var record in records)
        {
            var expected = example["objects"]!.AsArray().Single(o => o!["id"]!.GetValue<string>() == record["id"]!.GetValue<string>())!;
            Assert.Equal(expected["version"]!.GetValue<string>(), record["version"]!.GetValue<string>());
            Assert.Equal(expected["media_type"]!.GetValue<string>(), record["media_type"]!.GetValue<string>());
            AssertTimestamp(record["date_added"]!.GetValue<string>(), "date_added");
        }
    }

    [Fact]
    public async Task Objects_SpecExample_AnEnvelopeOfObjects_AndWithALimitTheEnvelopeExamplesMoreAndNext()
    {
        await EnsureObjectsAsync();

        var envelope = await ReplayAsync(Node.Member, "objects");
        AssertShape(ExampleResponse("objects"), envelope, "$", "$.objects[].type");
        Assert.Contains(envelope["objects"]!.AsArray(), o => o!["type"]!.GetValue<string>() == "indicator");

        // 3.7: a page of one out of several has more = true and an opaque next, which brings the rest.
        var first = await ReplayAsync(Node.Member, "objects", $"{PathOf("objects")}?limit=1&match[id]={Indicator252},{Indicator410}");
        AssertShape(ExampleResponse("envelope"), first, "$", "$.next", "$.objects[].id");
        Assert.True(first["more"]!.GetValue<bool>());
        var second = await ReplayAsync(Node.Member, "objects", $"{PathOf("objects")}?limit=1&match[id]={Indicator252},{Indicator410}&next={Uri.EscapeDataString(first["next"]!.GetValue<string>())}");
        var both = first["objects"]!.AsArray().Concat(second["objects"]!.AsArray()).Select(o => o!["id"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { Indicator252, Indicator410 }.Order(StringComparer.Ordinal), both);
    }

    [Fact]
    public async Task Object_SpecExample_TheIndicatorInAnEnvelope_ItsLastVersion()
    {
        await EnsureObjectsAsync();

        var envelope = await ReplayAsync(Node.Member, "object");

        AssertShape(ExampleResponse("object"), envelope);
        var indicator = Assert.Single(envelope["objects"]!.AsArray())!;
        Assert.Equal(Indicator252, indicator["id"]!.GetValue<string>());
        Assert.Equal("indicator", indicator["type"]!.GetValue<string>());
        Assert.Equal("2018-05-18T20:16:21.148Z", indicator["modified"]!.GetValue<string>());

        // An id the collection does not hold: 404 with a TAXII error.
        var outsider = await Client(Node.Outsider).GetAsync(PathOf("object").Replace(Indicator252, "indicator--00000000-0000-4000-8000-000000000000", StringComparison.Ordinal));
        AssertShape(NotFoundError(), await ReadAsync(outsider, 404));
    }

    [Fact]
    public async Task Versions_SpecExample_TheExampleVersionsAndTheStatusExamplesOne()
    {
        await EnsureObjectsAsync();

        var versions = await ReplayAsync(Node.Member, "versions");

        AssertShape(ExampleResponse("versions"), versions);
        var list = versions["versions"]!.AsArray().Select(v => v!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        // The example's two versions, and the third the status example gives the same indicator.
        Assert.Equal(["2016-11-03T12:30:59.000Z", "2016-11-03T12:31:00.000Z", "2018-05-18T20:16:21.148Z"], list);
    }

    [Fact]
    public async Task Delete_SpecExampleRequest_200WithTheTaxiiMediaType_ThenTheObjectIs404AndOutOfTheManifest()
    {
        await EnsureCollectionsAsync();
        // The example deletes indicator--252c7c11…, which the other examples read; the same request on an indicator of its own.
        var id = $"indicator--{Guid.NewGuid()}";
        var status = await ReadAsync(await PostAsync(Node.Owner, PathOf("add-objects"), Envelope(Indicator(id, "2016-11-03T12:30:59.000Z"))), 202);
        await CompleteAsync(Node.Owner, status);
        Node.Factory.Clock.Advance(TimeSpan.FromSeconds(3));
        var path = PathOf("delete").Replace(Indicator252, id, StringComparison.Ordinal);

        var byMember = await Client(Node.Member).DeleteAsync(path);
        var deleted = await Client(Node.Owner).DeleteAsync(path);

        Assert.Equal(HttpStatusCode.Forbidden, byMember.StatusCode);
        Assert.Equal(Example("delete")["status"]!.GetValue<int>(), (int)deleted.StatusCode);
        Assert.Equal("application/taxii+json", deleted.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await Client(Node.Owner).GetAsync(path)).StatusCode);
        var manifest = await ReadAsync(await Client(Node.Owner).GetAsync($"{PathOf("manifest")}?match[id]={id}"), 200);
        Assert.Equal("{}", manifest.ToJsonString());
    }

    /// <summary>
    /// §5.7 with its URL parameters: the example's DELETE request, with <c>match[version]</c> (§3.4.1: <c>first</c>,
    /// <c>last</c>, <c>all</c>, a timestamp, comma-separated combinations) and <c>match[spec_version]</c>, on an indicator of its
    /// own with the example's three versions and two more. Each answer is the example's (200, no body, the TAXII media type);
    /// the versions endpoint (5.8) then lists exactly the versions left, and the object (5.6) serves the newest of them.
    /// </summary>
    [Fact]
    public async Task Delete_SpecExampleRequestWithMatchVersionAndSpecVersion_DeletesExactlyTheSelectedVersions()
    {
        await EnsureCollectionsAsync();
        var id = $"indicator--{Guid.NewGuid()}";
        string[] stamps = ["2016-11-03T12:30:59.000Z", "2016-11-03T12:31:00.000Z", "2018-05-18T20:16:21.148Z", "2019-01-01T00:00:00.000Z", "2020-01-01T00:00:00.000Z"];
        var status = await ReadAsync(await PostAsync(Node.Owner, PathOf("add-objects"), Envelope([.. stamps.Select(m => Indicator(id, m))])), 202);
        await CompleteAsync(Node.Owner, status);
        Node.Factory.Clock.Advance(TimeSpan.FromSeconds(3));
        var path = PathOf("delete").Replace(Indicator252, id, StringComparison.Ordinal);
        var versionsPath = PathOf("versions").Replace(Indicator252, id, StringComparison.Ordinal);

        async Task DeleteAsync(string query)
        {
            var response = await Client(Node.Owner).DeleteAsync(path + query);
            Assert.True((int)response.StatusCode == Example("delete")["status"]!.GetValue<int>(), $"{query}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/taxii+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("2.1", response.Content.Headers.ContentType!.Parameters.Single(p => p.Name == "version").Value);
            Assert.Equal("", await response.Content.ReadAsStringAsync());
        }

        async Task<List<string>> LeftAsync() =>
            [.. (await ReadAsync(await Client(Node.Member).GetAsync(versionsPath), 200))["versions"]!.AsArray().Select(v => v!.GetValue<string>()).Order(StringComparer.Ordinal)];

        await DeleteAsync("?match[version]=first");
        Assert.Equal(stamps[1..], await LeftAsync());
        await DeleteAsync("?match[version]=last&match[spec_version]=2.1");
        Assert.Equal(stamps[1..4], await LeftAsync());
        await DeleteAsync($"?match[version]={stamps[2]}");
        Assert.Equal([stamps[1], stamps[3]], await LeftAsync());

        // A version that is not there, and a spec_version none is: 404, nothing deleted.
        Assert.Equal(HttpStatusCode.NotFound, (await Client(Node.Owner).DeleteAsync($"{path}?match[version]={stamps[0]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Client(Node.Owner).DeleteAsync($"{path}?match[spec_version]=2.0")).StatusCode);
        Assert.Equal([stamps[1], stamps[3]], await LeftAsync());
        var current = await ReadAsync(await Client(Node.Member).GetAsync(PathOf("object").Replace(Indicator252, id, StringComparison.Ordinal)), 200);
        Assert.Equal(stamps[3], current["objects"]![0]!["modified"]!.GetValue<string>());

        // A combination selecting every version left: the object is deleted (as without match[version]).
        await DeleteAsync($"?match[version]=first,{stamps[3]}");
        Assert.Equal(HttpStatusCode.NotFound, (await Client(Node.Owner).GetAsync(versionsPath)).StatusCode);
        Assert.Equal("{}", (await ReadAsync(await Client(Node.Owner).GetAsync($"{PathOf("manifest")}?match[id]={id}"), 200)).ToJsonString());
    }

    [Fact]
    public async Task Error_SpecExample_EveryFieldOfTheExample_HttpStatusMatchesTheResponse()
    {
        await EnsureCollectionsAsync();

        var response = await Client(Node.Member).GetAsync($"{PathOf("objects")}?limit=0");
        var error = await ReadAsync(response, 400);

        // details is "server-specific": a dictionary, keyed here by the parameter at fault.
        AssertShape(ExampleResponse("error"), error, "$", "$.details");
        Assert.Equal("400", error["http_status"]!.GetValue<string>());
        Assert.NotNull(error["details"]!["limit"]);
        Assert.True(Uri.TryCreate(error["external_details"]!.GetValue<string>(), UriKind.Absolute, out _));
    }
}

public sealed class SqliteTaxiiSpecContractTests(SqliteTaxiiSpecNode fixture) : TaxiiSpecContractTests(fixture), IClassFixture<SqliteTaxiiSpecNode>;

public sealed class PostgresTaxiiSpecContractTests(PostgresTaxiiSpecNode fixture) : TaxiiSpecContractTests(fixture), IClassFixture<PostgresTaxiiSpecNode>;
