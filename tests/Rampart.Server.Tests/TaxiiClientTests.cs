using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Taxii.Client;

namespace Rampart.Server.Tests;

/// <summary>
/// The TAXII 2.1 client: pull from a spec-shaped fake server (pages, next, X-TAXII-Date-Added-Last, 429, failures),
/// push to it (only the organisation's own, readable, within-ceiling objects), and who may see and change a connection.
/// </summary>
public abstract class TaxiiClientTests(DatabaseProvider provider)
{
    private const string ApiRoot = "https://taxii.example.org/api1/";

    private const string CollectionId = "91a7b528-80eb-42ed-a74d-c6fbd5a26116";

    private static readonly string[] NotAType = ["Not A Type"];

    private static readonly string[] TwoWords = ["two words"];

    private static Dictionary<string, string?> Settings() => new()
    {
        ["Rampart:Scheduler:Enabled"] = "false",
        ["Rampart:TaxiiClient:AllowPrivateTargets"] = "true",
        ["Rampart:TaxiiClient:PageSize"] = "2",
        ["Rampart:TaxiiClient:StatusPollDelay"] = "00:00:00",
    };

    private static (WebApplicationFactory<Program> Host, FakeTimeProvider Clock) ServerTalkingTo(SeededNode node, FakeTaxiiServer remote)
    {
        var factory = new RampartFactory(node.Database, Settings());
        var host = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.AddHttpClient(TaxiiRemote.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => remote)));
        _ = host.Server;
        return (host, factory.Clock);
    }

    private static HttpClient ClientOf(WebApplicationFactory<Program> host, Person person)
    {
        var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new("Bearer", person.ApiKey);
        return client;
    }

    private static async Task RunJobAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TaxiiClientJob>().RunAsync(default);
    }

    private static async Task<Guid> CreateAsync(HttpClient admin, object request)
    {
        var response = await admin.PostAsync("/api/taxii/connections", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!["id"]!.GetValue<Guid>();
    }

    private static async Task<JsonNode> StateAsync(HttpClient admin, Guid id)
    {
        var response = await admin.GetAsync($"/api/taxii/connections/{id}/state");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json.ReadAsync(response);
    }

    private static JsonObject Indicator(string? id = null) => new()
    {
        ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id ?? $"indicator--{Guid.NewGuid()}", ["created"] = "2026-01-01T00:00:00.000Z",
        ["modified"] = "2026-01-01T00:00:00.000Z", ["name"] = "remote", ["pattern"] = $"[domain-name:value = 'x{Guid.NewGuid():N}.example.org']",
        ["pattern_type"] = "stix", ["valid_from"] = "2026-01-01T00:00:00.000Z",
        ["created_by_ref"] = "identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    };

    private static object PullConnection => new
    {
        name = "Partner CERT", apiRoot = ApiRoot, collectionId = CollectionId, authentication = "basic", user = "rampart@partner.test",
        password = "s3cret-pa55", direction = "pull", pullTlp = "amber",
    };

    private static async Task<HttpStatusCode> ReadObjectAsync(HttpClient client, string stixId) =>
        (await client.GetAsync($"/api/intel/objects/{stixId}")).StatusCode;

    [Fact]
    public async Task Pull_FollowsNextAcrossPages_StoresEachObjectOnceAsTheOrganisation()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        var remote = new FakeTaxiiServer();
        var objects = Enumerable.Range(0, 5).Select(_ => Indicator()).ToList();
        objects.ForEach(o => remote.Add(o));
        var (host, clock) = ServerTalkingTo(node, remote);
        await using var _ = host;
        var admin = ClientOf(host, node.OwnerAdmin);
        var id = await CreateAsync(admin, PullConnection);

        await RunJobAsync(host.Services);

        var gets = remote.Requests.Where(r => r.Method == "GET").ToList();
        Assert.Equal(3, gets.Count); // 2 + 2 + 1
        Assert.All(gets, r => Assert.Equal("application/taxii+json;version=2.1", r.Accept.Replace(" ", "", StringComparison.Ordinal)));
        Assert.All(gets, r => Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("rampart@partner.test:s3cret-pa55")), r.Authorization));
        Assert.All(gets, r => Assert.StartsWith($"/api1/collections/{CollectionId}/objects/", r.Path, StringComparison.Ordinal));
        Assert.Null(gets[0].Query("added_after"));
        Assert.Equal("2", gets[0].Query("limit"));
        Assert.NotNull(gets[1].Query("next"));
        var state = await StateAsync(admin, id);
        Assert.Equal("succeeded", state["status"]!.GetValue<string>());
        Assert.Equal(5, state["pulled"]!.GetValue<int>());
        Assert.Equal(5, state["added"]!.GetValue<int>());
        Assert.Equal(remote.DateAdded(4), state["pullCheckpoint"]!.GetValue<DateTimeOffset>(), TimeSpan.FromMilliseconds(1)); // answers carry milliseconds

        // Stored as the organisation's, with the connection's sharing: its people read them, others (node admin included) do not.
        var ownerAnalyst = ClientOf(host, node.Owner);
        foreach (var o in objects)
        {
            Assert.Equal(HttpStatusCode.OK, await ReadObjectAsync(ownerAnalyst, o["id"]!.GetValue<string>()));
            Assert.Equal(HttpStatusCode.NotFound, await ReadObjectAsync(ClientOf(host, node.Outsider), o["id"]!.GetValue<string>()));
            Assert.Equal(HttpStatusCode.NotFound, await ReadObjectAsync(ClientOf(host, node.NodeAdmin), o["id"]!.GetValue<string>()));
        }

        var stored = await Json.ReadAsync(await ownerAnalyst.GetAsync($"/api/intel/objects/{objects[0]["id"]}"));
        // Every import maps created_by_ref to the importing organisation's identity (docs/sharing.md): the remote's is not kept.
        Assert.DoesNotContain("8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", stored.ToJsonString(), StringComparison.Ordinal);

        // The next run asks only for what was added after the checkpoint, and brings only the new object.
        remote.Requests.Clear();
        var later = Indicator();
        remote.Add(later);
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"/api/taxii/connections/{id}/run", new { })).StatusCode);
        await RunJobAsync(host.Services);
        var first = remote.Requests.First();
        Assert.Equal(TaxiiRemote.Timestamp(remote.DateAdded(4)), first.Query("added_after"));
        state = await StateAsync(admin, id);
        Assert.Equal(1, state["pulled"]!.GetValue<int>());
        Assert.Equal(1, state["added"]!.GetValue<int>());
        Assert.Equal(6, state["totalPulled"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.OK, await ReadObjectAsync(ownerAnalyst, later["id"]!.GetValue<string>()));

        // Not due again before its interval.
        remote.Requests.Clear();
        await RunJobAsync(host.Services);
        Assert.Empty(remote.Requests);
        clock.Advance(TimeSpan.FromMinutes(61));
        await RunJobAsync(host.Services);
        Assert.NotEmpty(remote.Requests);
    }

    [Fact]
    public async Task Pull_FailureOnPageTwo_ResumesFromTheLastCommittedPageWithoutDuplicates()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        var remote = new FakeTaxiiServer();
        var objects = Enumerable.Range(0, 5).Select(_ => Indicator()).ToList();
        objects.ForEach(o => remote.Add(o));
        var calls = 0;
        remote.Intercept = _ => Interlocked.Increment(ref calls) == 2 ? new HttpResponseMessage(HttpStatusCode.InternalServerError) : null;
        var (host, _) = ServerTalkingTo(node, remote);
        await using var __ = host;
        var admin = ClientOf(host, node.OwnerAdmin);
        var id = await CreateAsync(admin, PullConnection);

        await RunJobAsync(host.Services);
        var state = await StateAsync(admin, id);
        Assert.Equal("failed", state["status"]!.GetValue<string>());
        Assert.Contains("500", state["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(state["lastErrorAt"]);
        Assert.Equal(2, state["pulled"]!.GetValue<int>());
        Assert.Equal(remote.DateAdded(1), state["pullCheckpoint"]!.GetValue<DateTimeOffset>(), TimeSpan.FromMilliseconds(1));

        remote.Requests.Clear();
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"/api/taxii/connections/{id}/run", new { })).StatusCode);
        await RunJobAsync(host.Services);
        Assert.Equal(TaxiiRemote.Timestamp(remote.DateAdded(1)), remote.Requests.First().Query("added_after")); // verbatim, to the microsecond
        state = await StateAsync(admin, id);
        Assert.Equal("succeeded", state["status"]!.GetValue<string>());
        Assert.Null(state["lastError"]);
        Assert.Equal(3, state["pulled"]!.GetValue<int>());
        Assert.Equal(3, state["added"]!.GetValue<int>());
        Assert.Equal(5, state["totalPulled"]!.GetValue<long>());

        // Pulling everything again (a reset start) stores nothing twice: the same versions are unchanged.
        var patch = await admin.PatchAsJsonAsync($"/api/taxii/connections/{id}", new { collectionId = CollectionId.ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        remote.AcceptAnyCollectionCase = true;
        await RunJobAsync(host.Services);
        state = await StateAsync(admin, id);
        Assert.Equal(5, state["pulled"]!.GetValue<int>());
        Assert.Equal(0, state["added"]!.GetValue<int>());
        Assert.Equal(5, state["unchanged"]!.GetValue<int>());
        var ownerAnalyst = ClientOf(host, node.Owner);
        foreach (var o in objects)
        {
            var versions = await Json.ReadAsync(await ownerAnalyst.GetAsync($"/api/intel/objects/{o["id"]}/versions"));
            Assert.Single(versions["items"]!.AsArray());
        }
    }

    [Fact]
    public async Task Pull_429WithRetryAfter_WaitsThatLongAndSaysSo()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        var remote = new FakeTaxiiServer();
        remote.Add(Indicator());
        var limited = true;
        remote.Intercept = _ =>
        {
            if (!limited)
            {
                return null;
            }

            var answer = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            answer.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromHours(2));
            return answer;
        };
        var (host, clock) = ServerTalkingTo(node, remote);
        await using var _ = host;
        var admin = ClientOf(host, node.OwnerAdmin);
        var id = await CreateAsync(admin, PullConnection);

        await RunJobAsync(host.Services);
        var state = await StateAsync(admin, id);
        Assert.Equal("failed", state["status"]!.GetValue<string>());
        Assert.Contains("429", state["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("7200 s", state["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromHours(2), state["nextRunAt"]!.GetValue<DateTimeOffset>());

        // Its interval (60 min) passes: still waiting for the server's 2 hours.
        limited = false;
        remote.Requests.Clear();
        clock.Advance(TimeSpan.FromMinutes(61));
        await RunJobAsync(host.Services);
        Assert.Empty(remote.Requests);
        clock.Advance(TimeSpan.FromMinutes(60));
        await RunJobAsync(host.Services);
        Assert.Equal(1, (await StateAsync(admin, id))["added"]!.GetValue<int>());
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "credentials")]
    [InlineData(HttpStatusCode.Forbidden, "403")]
    [InlineData(HttpStatusCode.NotFound, "collection")]
    [InlineData(HttpStatusCode.NotAcceptable, "TAXII 2.1")]
    public async Task Pull_RefusedByTheRemote_ShowsAClearLastErrorWithoutTheSecret(HttpStatusCode status, string expected)
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        var remote = new FakeTaxiiServer
        {
            Intercept = _ => new HttpResponseMessage(status)
            {
                Content = new StringContent("""{"title":"Remote says no","description":"details from the remote"}""", Encoding.UTF8, "application/taxii+json"),
            },
        };
        var (host, _) = ServerTalkingTo(node, remote);
        await using var __ = host;
        var admin = ClientOf(host, node.OwnerAdmin);
        var id = await CreateAsync(admin, PullConnection);

        await RunJobAsync(host.Services);
        var state = await StateAsync(admin, id);
        var error = state["lastError"]!.GetValue<string>();
        Assert.Equal("failed", state["status"]!.GetValue<string>());
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains("Remote says no: details from the remote", error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error, StringComparison.Ordinal);
        Assert.Null(state["pullCheckpoint"]);
    }

    [Fact]
    public async Task Push_SendsOnlyTheOrganisationsOwnReadableObjectsWithinTheCeiling_AndFollowsTheStatus()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        var remote = new FakeTaxiiServer { PendingPolls = 2 };
        var (host, clock) = ServerTalkingTo(node, remote);
        await using var _ = host;

        async Task<string> ShareAsync(Person person, string query)
        {
            var o = Indicator();
            var bundle = new JsonObject { ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}", ["objects"] = new JsonArray(o) }.ToJsonString();
            var response = await ClientOf(host, person).PostAsync($"/api/intel/bundles?{query}", new StringContent(bundle, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return o["id"]!.GetValue<string>();
        }

        var clear = await ShareAsync(node.Owner, "tlp=clear&audience=network");
        var green = await ShareAsync(node.Owner, "tlp=green&audience=network");
        var amber = await ShareAsync(node.Owner, "tlp=amber");
        var amberStrict = await ShareAsync(node.Owner, "tlp=amber%2Bstrict");
        var red = await ShareAsync(node.Owner, "tlp=red");
        // AMBER of another organisation, shared with the owner's organisation: readable to it, never its to pass on.
        var othersAmber = await ShareAsync(node.Recipient, $"tlp=amber&audience=organisation:{node.OwnerOrg}");
        // GREEN of another organisation on the network: readable by everyone, still not the owner's.
        var othersGreen = await ShareAsync(node.Recipient, "tlp=green&audience=network");
        Assert.Equal(HttpStatusCode.OK, await ReadObjectAsync(ClientOf(host, node.Owner), othersAmber));
        clock.Advance(TimeSpan.FromSeconds(5)); // past TAXII's settled horizon

        var admin = ClientOf(host, node.OwnerAdmin);
        var id = await CreateAsync(admin, new
        {
            name = "Push to partner", apiRoot = ApiRoot, collectionId = CollectionId, authentication = "bearer", token = "tok-123456",
            direction = "push", pushTlpCeiling = "amber", pushBatchSize = 2,
        });
        await RunJobAsync(host.Services);

        var sent = remote.Pushed.SelectMany(e => e).ToList();
        Assert.Equal(new[] { clear, green, amber }.Order(StringComparer.Ordinal), sent.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(amberStrict, sent);
        Assert.DoesNotContain(red, sent);
        Assert.DoesNotContain(othersAmber, sent);
        Assert.DoesNotContain(othersGreen, sent);
        Assert.All(remote.Pushed, e => Assert.True(e.Count <= 2));
        Assert.All(remote.Requests.Where(r => r.Method == "POST"), r => Assert.Equal("Bearer tok-123456", r.Authorization));
        Assert.All(remote.Requests.Where(r => r.Method == "POST"), r => Assert.Equal("application/taxii+json;version=2.1", r.ContentType?.Replace(" ", "", StringComparison.Ordinal)));
        Assert.Contains(remote.Requests, r => r.Method == "GET" && r.Path.StartsWith("/api1/status/", StringComparison.Ordinal));
        var state = await StateAsync(admin, id);
        Assert.Equal("succeeded", state["status"]!.GetValue<string>());
        Assert.Equal(3, state["pushed"]!.GetValue<int>());
        Assert.Equal(0, state["pushPending"]!.GetValue<int>());
        Assert.NotNull(state["pushCheckpoint"]);

        // Nothing new: nothing sent. A new object of the organisation: only it.
        remote.Pushed.Clear();
        Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"/api/taxii/connections/{id}/run", new { })).StatusCode);
        await RunJobAsync(host.Services);
        Assert.Empty(remote.Pushed);
        var fresh = await ShareAsync(node.Owner, "tlp=green&audience=network");
        clock.Advance(TimeSpan.FromSeconds(5));
        await admin.PostAsync($"/api/taxii/connections/{id}/run", new { });
        await RunJobAsync(host.Services);
        Assert.Equal(new[] { fresh }, remote.Pushed.SelectMany(e => e).ToList());

        // The remote refuses one object: recorded as a failure with its reason.
        remote.Pushed.Clear();
        remote.RefuseAll = true;
        await ShareAsync(node.Owner, "tlp=green&audience=network");
        clock.Advance(TimeSpan.FromSeconds(5));
        await admin.PostAsync($"/api/taxii/connections/{id}/run", new { });
        await RunJobAsync(host.Services);
        state = await StateAsync(admin, id);
        Assert.Equal(1, state["pushFailed"]!.GetValue<int>());
        Assert.Contains("not accepted here", state["lastError"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_WithAGreenCeiling_SendsNothingAboveGreen()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        var remote = new FakeTaxiiServer();
        var (host, clock) = ServerTalkingTo(node, remote);
        await using var _ = host;
        var owner = ClientOf(host, node.Owner);
        var green = Indicator();
        var amber = Indicator();
        foreach (var (o, q) in new[] { (green, "tlp=green&audience=network"), (amber, "tlp=amber") })
        {
            var bundle = new JsonObject { ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}", ["objects"] = new JsonArray(o) }.ToJsonString();
            Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/intel/bundles?{q}", new StringContent(bundle, Encoding.UTF8, new MediaTypeHeaderValue("application/json")))).StatusCode);
        }

        clock.Advance(TimeSpan.FromSeconds(5));
        var admin = ClientOf(host, node.OwnerAdmin);
        await CreateAsync(admin, new { name = "Green only", apiRoot = ApiRoot, collectionId = CollectionId, direction = "both" });
        await RunJobAsync(host.Services);
        Assert.Equal(new[] { green["id"]!.GetValue<string>() }, remote.Pushed.SelectMany(e => e).ToList());
        Assert.All(remote.Requests, r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task Push_NeverSendsWhatTheOrganisationPulled_NotBackNorToAnotherServer()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        var remote = new FakeTaxiiServer();
        var pulled = Indicator();
        remote.Add(pulled);
        var (host, clock) = ServerTalkingTo(node, remote);
        await using var _ = host;
        var owner = ClientOf(host, node.Owner);
        var own = Indicator();
        var bundle = new JsonObject { ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}", ["objects"] = new JsonArray(own) }.ToJsonString();
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync("/api/intel/bundles?tlp=green&audience=network", new StringContent(bundle, Encoding.UTF8, new MediaTypeHeaderValue("application/json")))).StatusCode);

        // One connection pulls from the partner (GREEN, network: within any push ceiling), another pushes to a server.
        var admin = ClientOf(host, node.OwnerAdmin);
        await CreateAsync(admin, new
        {
            name = "Pull from partner", apiRoot = ApiRoot, collectionId = CollectionId, direction = "pull", pullTlp = "green",
            pullAudiences = new[] { new { kind = "network" } },
        });
        await RunJobAsync(host.Services);
        Assert.Equal(HttpStatusCode.OK, await ReadObjectAsync(owner, pulled["id"]!.GetValue<string>()));
        clock.Advance(TimeSpan.FromSeconds(5));
        await CreateAsync(admin, new { name = "Push out", apiRoot = ApiRoot, collectionId = CollectionId, direction = "push", pushTlpCeiling = "amber" });
        await RunJobAsync(host.Services);

        Assert.Equal(new[] { own["id"]!.GetValue<string>() }, remote.Pushed.SelectMany(e => e).ToList());
    }

    [Fact]
    public async Task Connections_OtherOrganisationsAndNodeAdmins_CannotReadChangeRunOrSeeTheSecret()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        var admin = node.Client(node.OwnerAdmin);
        var id = await CreateAsync(admin, new
        {
            name = "Partner", apiRoot = ApiRoot, collectionId = CollectionId, authentication = "bearer", token = "very-secret-token", direction = "both",
        });
        var own = await admin.GetStringAsync($"/api/taxii/connections/{id}");
        Assert.DoesNotContain("very-secret-token", own, StringComparison.Ordinal);
        Assert.Contains("\"hasCredentials\":true", own, StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret-token", await admin.GetStringAsync("/api/taxii/connections"), StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret-token", await admin.GetStringAsync("/api/audit?limit=200"), StringComparison.Ordinal);

        // Members read the state; only admins change or run.
        Assert.Equal(HttpStatusCode.OK, (await node.Client(node.OwnerViewer).GetAsync($"/api/taxii/connections/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.Client(node.Owner).PatchAsJsonAsync($"/api/taxii/connections/{id}", new { name = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.Client(node.Owner).PostAsync($"/api/taxii/connections/{id}/run", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.Client(node.Owner).PostAsync("/api/taxii/connections", PullConnection)).StatusCode);

        await using var scope = node.Factory.Services.CreateAsyncScope();
        var outsiderAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, node.OutsiderOrg, "admin@outside.test", Role.OrgAdmin);
        foreach (var other in new[] { node.NodeAdmin, outsiderAdmin, node.Recipient })
        {
            var client = node.Client(other);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/taxii/connections/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/taxii/connections/{id}/state")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PatchAsJsonAsync($"/api/taxii/connections/{id}", new { token = "mine" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/taxii/connections/{id}/run", new { })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/taxii/connections/{id}")).StatusCode);
            Assert.DoesNotContain(id.ToString(), await client.GetStringAsync("/api/taxii/connections"), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await node.Client(null).GetAsync($"/api/taxii/connections/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/taxii/connections/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/taxii/connections/{id}")).StatusCode);
    }

    [Fact]
    public async Task Connection_BadInput_IsA400NamingEachFieldAndSavesNothing()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        var admin = node.Client(node.OwnerAdmin);
        async Task<JsonNode> Errors(object request)
        {
            var response = await admin.PostAsync("/api/taxii/connections", request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return (await Json.ReadAsync(response))["errors"]!;
        }

        var errors = await Errors(new
        {
            name = "", apiRoot = "ftp://taxii.example.org/api1/", collectionId = "a/b", authentication = "basic", direction = "sideways",
            pullTypes = NotAType, pullAddedAfter = "yesterday", pullTlp = "purple", pushTlpCeiling = "red", pushBatchSize = 0, intervalMinutes = 1,
            pushLabels = TwoWords,
        });
        foreach (var field in new[] { "name", "apiRoot", "collectionId", "user", "password", "direction", "pullTypes", "pullAddedAfter", "pullTlp", "pushTlpCeiling", "pushBatchSize", "intervalMinutes", "pushLabels" })
        {
            Assert.True(errors[field] is not null, $"{field} not named: {errors.ToJsonString()}");
        }

        Assert.NotNull((await Errors(new { name = "x", apiRoot = "/api1/", collectionId = CollectionId, direction = "pull" }))["apiRoot"]);
        Assert.NotNull((await Errors(new { name = "x", apiRoot = ApiRoot, collectionId = CollectionId, direction = "pull", authentication = "bearer" }))["token"]);
        Assert.NotNull((await Errors(new { name = "x", apiRoot = ApiRoot, collectionId = CollectionId, direction = "push", pushTlpCeiling = "red" }))["pushTlpCeiling"]);
        // Pulled objects at AMBER cannot go to the whole network.
        Assert.NotNull((await Errors(new { name = "x", apiRoot = ApiRoot, collectionId = CollectionId, direction = "pull", pullTlp = "amber", pullAudiences = new[] { new { kind = "network" } } }))["pullAudiences[0]"]);
        Assert.Equal("[]", (await Json.ReadAsync(await admin.GetAsync("/api/taxii/connections")))["items"]!.ToJsonString());

        // A server URL and an API root path combine; a bad change leaves the connection as it was.
        var id = await CreateAsync(admin, new { name = "x", url = "https://taxii.example.org", apiRoot = "/api1", collectionId = CollectionId, direction = "pull" });
        var saved = await Json.ReadAsync(await admin.GetAsync($"/api/taxii/connections/{id}"));
        Assert.Equal(ApiRoot, saved["apiRoot"]!.GetValue<string>());
        var bad = await admin.PatchAsJsonAsync($"/api/taxii/connections/{id}", new { name = "renamed", pushTlpCeiling = "red" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("x", (await Json.ReadAsync(await admin.GetAsync($"/api/taxii/connections/{id}")))["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/taxii/connections/not-an-id")).StatusCode);
    }

    [Fact]
    public async Task Push_StatusStillPendingAfterTheRun_IsReadAgainByTheNextRuns_CountedWhenComplete_DroppedOn404_AtMostMaxKept()
    {
        var settings = Settings();
        settings["Rampart:TaxiiClient:MaxStatusPolls"] = "1";
        settings["Rampart:TaxiiClient:MaxKeptStatuses"] = "2";
        await using var node = await SeededNode.CreateAsync(provider, settings);
        // Pending for the POST's answer and the first two reads, complete from the third read on.
        var remote = new FakeTaxiiServer { PendingPolls = 3 };
        var factory = new RampartFactory(node.Database, settings);
        await using var host = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s =>
            s.AddHttpClient(TaxiiRemote.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => remote)));
        _ = host.Server;
        for (var i = 0; i < 3; i++)
        {
            var bundle = new JsonObject { ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}", ["objects"] = new JsonArray(Indicator()) }.ToJsonString();
            var shared = await ClientOf(host, node.Owner).PostAsync("/api/intel/bundles?tlp=green&audience=network", new StringContent(bundle, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
            Assert.Equal(HttpStatusCode.OK, shared.StatusCode);
        }

        factory.Clock.Advance(TimeSpan.FromSeconds(5)); // past TAXII's settled horizon
        var admin = ClientOf(host, node.OwnerAdmin);
        var id = await CreateAsync(admin, new
        {
            name = "Slow partner", apiRoot = ApiRoot, collectionId = CollectionId, authentication = "bearer", token = "tok-123456",
            direction = "push", pushBatchSize = 1,
        });

        async Task<List<string>> KeptAsync()
        {
            await using var scope = host.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var connection = await db.TaxiiConnections.SingleAsync(c => c.PublicId == id);
            return await db.TaxiiPushStatuses.Where(s => s.ConnectionId == connection.Id).OrderBy(s => s.Id).Select(s => s.StatusId).ToListAsync();
        }

        async Task<List<string>> RunAgainAsync()
        {
            remote.Requests.Clear();
            Assert.Equal(HttpStatusCode.Accepted, (await admin.PostAsync($"/api/taxii/connections/{id}/run", new { })).StatusCode);
            await RunJobAsync(host.Services);
            return [.. remote.Requests.Where(r => r.Method == "GET").Select(r => r.Path["/api1/status/".Length..].TrimEnd('/'))];
        }

        // Run 1: three envelopes of one object, each read once and still pending: counted pending, the newest two kept.
        await RunJobAsync(host.Services);
        var posted = remote.StatusIds.ToList();
        Assert.Equal(3, posted.Count);
        var state = await StateAsync(admin, id);
        Assert.Equal((0, 0, 3), (state["pushed"]!.GetValue<int>(), state["pushFailed"]!.GetValue<int>(), state["pushPending"]!.GetValue<int>()));
        Assert.Equal(posted[1..], await KeptAsync());

        // Run 2: nothing new to send; the two kept are read again (the dropped one is not), still pending.
        Assert.Equal(posted[1..], await RunAgainAsync());
        Assert.DoesNotContain(remote.Requests, r => r.Method == "POST");
        state = await StateAsync(admin, id);
        Assert.Equal((0, 0, 2), (state["pushed"]!.GetValue<int>(), state["pushFailed"]!.GetValue<int>(), state["pushPending"]!.GetValue<int>()));
        Assert.Equal("succeeded", state["status"]!.GetValue<string>());
        Assert.Equal(posted[1..], await KeptAsync());

        // Run 3: the remote no longer keeps one (404: dropped, not an error); the other is complete now: its success is counted.
        remote.Forget(posted[1]);
        Assert.Equal(posted[1..], await RunAgainAsync());
        state = await StateAsync(admin, id);
        Assert.Equal((1, 0, 0), (state["pushed"]!.GetValue<int>(), state["pushFailed"]!.GetValue<int>(), state["pushPending"]!.GetValue<int>()));
        Assert.Equal(1, state["totalPushed"]!.GetValue<long>());
        Assert.Equal("succeeded", state["status"]!.GetValue<string>());
        Assert.Empty(await KeptAsync());

        // Run 4: nothing kept, nothing read.
        Assert.Empty(await RunAgainAsync());
        Assert.Equal(0, (await StateAsync(admin, id))["pushPending"]!.GetValue<int>());

        // A kept status goes with its connection.
        remote.PendingPolls = 100;
        var bundle2 = new JsonObject { ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}", ["objects"] = new JsonArray(Indicator()) }.ToJsonString();
        Assert.Equal(HttpStatusCode.OK, (await ClientOf(host, node.Owner).PostAsync("/api/intel/bundles?tlp=green&audience=network", new StringContent(bundle2, Encoding.UTF8, new MediaTypeHeaderValue("application/json")))).StatusCode);
        factory.Clock.Advance(TimeSpan.FromSeconds(5));
        await RunAgainAsync();
        Assert.Single(await KeptAsync());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/taxii/connections/{id}")).StatusCode);
        await using var check = host.Services.CreateAsyncScope();
        Assert.Equal(0, await check.ServiceProvider.GetRequiredService<RampartDb>().TaxiiPushStatuses.CountAsync());
    }
}

public sealed class SqliteTaxiiClientTests() : TaxiiClientTests(DatabaseProvider.Sqlite);

public sealed class PostgresTaxiiClientTests() : TaxiiClientTests(DatabaseProvider.Postgres);

/// <summary>
/// A TAXII 2.1 server in a message handler, shaped like the specification's examples: one API root and collection,
/// objects pages after <c>added_after</c> with <c>limit</c>, <c>more</c>, <c>next</c> and the Date-Added headers;
/// POST answers a status resource (pending for <see cref="PendingPolls"/> reads, then complete).
/// </summary>
public sealed class FakeTaxiiServer : HttpMessageHandler
{
    private readonly List<(JsonObject Json, DateTimeOffset Added)> objects = [];

    private readonly ConcurrentDictionary<string, (List<string> Ids, int Polls)> statuses = new();

    private DateTimeOffset nextAdded = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    public ConcurrentQueue<Seen> Requests { get; } = new();

    public ConcurrentQueue<List<string>> Pushed { get; } = new();

    /// <summary>The status resource ids answered to the POSTs, in order.</summary>
    public ConcurrentQueue<string> StatusIds { get; } = new();

    /// <summary>The server no longer keeps this status resource: reading it is a 404.</summary>
    public void Forget(string statusId) => statuses.TryRemove(statusId, out _);

    /// <summary>Answers instead of the server when it returns a response.</summary>
    public Func<HttpRequestMessage, HttpResponseMessage?>? Intercept { get; set; }

    public int PendingPolls { get; set; }

    public bool RefuseAll { get; set; }

    public bool AcceptAnyCollectionCase { get; set; }

    public void Add(JsonObject o)
    {
        lock (objects)
        {
            objects.Add((o, nextAdded));
            nextAdded = nextAdded.AddSeconds(1).AddTicks(10); // sub-millisecond digits, as a real store keeps
        }
    }

    public DateTimeOffset DateAdded(int index)
    {
        lock (objects)
        {
            return objects[index].Added;
        }
    }

    private static string Time(DateTimeOffset t) => TaxiiTime(t);

    public static string TaxiiTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue(new Seen(request.Method.Method, request.RequestUri!.AbsolutePath, request.RequestUri.Query,
            request.Headers.Authorization?.ToString(), string.Join(",", request.Headers.Accept.Select(a => a.ToString())),
            request.Content?.Headers.ContentType?.ToString()));
        if (Intercept?.Invoke(request) is { } intercepted)
        {
            return intercepted;
        }

        var path = request.RequestUri.AbsolutePath;
        var collection = $"/api1/collections/{CollectionIdOf(path)}/objects/";
        var known = CollectionIdOf(path) is { } c && (c == "91a7b528-80eb-42ed-a74d-c6fbd5a26116" || (AcceptAnyCollectionCase && c.Equals("91a7b528-80eb-42ed-a74d-c6fbd5a26116", StringComparison.OrdinalIgnoreCase)));
        if (request.Method == HttpMethod.Get && known && path == collection)
        {
            return Page(request.RequestUri);
        }

        if (request.Method == HttpMethod.Post && known && path == collection)
        {
            var ids = JsonNode.Parse(body)!["objects"]!.AsArray().Select(o => o!["id"]!.GetValue<string>()).ToList();
            Pushed.Enqueue(ids);
            var id = Guid.NewGuid().ToString();
            statuses[id] = (ids, 0);
            StatusIds.Enqueue(id);
            return Status(id, HttpStatusCode.Accepted);
        }

        if (request.Method == HttpMethod.Get && path.StartsWith("/api1/status/", StringComparison.Ordinal))
        {
            var id = path["/api1/status/".Length..].TrimEnd('/');
            if (statuses.TryGetValue(id, out var known1))
            {
                statuses[id] = (known1.Ids, known1.Polls + 1);
                return Status(id, HttpStatusCode.OK);
            }
        }

        return Json(HttpStatusCode.NotFound, new JsonObject { ["title"] = "Not found", ["http_status"] = "404" });
    }

    private static string? CollectionIdOf(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 3 && parts[0] == "api1" && parts[1] == "collections" ? parts[2] : null;
    }

    private HttpResponseMessage Status(string id, HttpStatusCode code)
    {
        var (ids, polls) = statuses[id];
        var pending = polls < PendingPolls;
        var failures = RefuseAll ? ids : [];
        var successes = pending || RefuseAll ? [] : ids;
        return Json(code, new JsonObject
        {
            ["id"] = id, ["status"] = pending ? "pending" : "complete", ["total_count"] = ids.Count,
            ["success_count"] = successes.Count, ["failure_count"] = failures.Count, ["pending_count"] = pending ? ids.Count : 0,
            ["successes"] = new JsonArray([.. successes.Select(i => (JsonNode)new JsonObject { ["id"] = i, ["version"] = "2026-01-01T00:00:00.000Z" })]),
            ["failures"] = new JsonArray([.. failures.Select(i => (JsonNode)new JsonObject { ["id"] = i, ["version"] = "2026-01-01T00:00:00.000Z", ["message"] = "not accepted here" })]),
        });
    }

    private HttpResponseMessage Page(Uri uri)
    {
        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var limit = int.Parse(query["limit"] ?? "100", System.Globalization.CultureInfo.InvariantCulture);
        var after = query["added_after"] is { } a ? DateTimeOffset.Parse(a, System.Globalization.CultureInfo.InvariantCulture) : DateTimeOffset.MinValue;
        var start = query["next"] is { } n ? int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : 0;
        List<(JsonObject Json, DateTimeOffset Added)> matching;
        lock (objects)
        {
            matching = [.. objects.Where(o => o.Added > after)];
        }

        var page = matching.Skip(start).Take(limit).ToList();
        var more = start + page.Count < matching.Count;
        var envelope = new JsonObject();
        if (page.Count > 0)
        {
            envelope["more"] = more;
            if (more)
            {
                envelope["next"] = (start + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            envelope["objects"] = new JsonArray([.. page.Select(p => p.Json.DeepClone())]);
        }

        var response = Json(HttpStatusCode.OK, envelope);
        if (page.Count > 0)
        {
            response.Headers.Add("X-TAXII-Date-Added-First", Time(page[0].Added));
            response.Headers.Add("X-TAXII-Date-Added-Last", Time(page[^1].Added));
        }

        return response;
    }

    private static HttpResponseMessage Json(HttpStatusCode code, JsonObject body) =>
        new(code) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/taxii+json") };

    public sealed record Seen(string Method, string Path, string QueryString, string? Authorization, string Accept, string? ContentType)
    {
        public string? Query(string name) => System.Web.HttpUtility.ParseQueryString(QueryString)[name];
    }
}
