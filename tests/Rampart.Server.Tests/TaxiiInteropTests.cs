using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Data;
using Rampart.Server.Taxii.Client;

namespace Rampart.Server.Tests;

/// <summary>
/// Interoperability, issue 10: "test your client against your server". The TAXII client of one Rampart node (C) pulls
/// from and pushes to the TAXII server of a second Rampart node (S) over real HTTP — S listens on a loopback socket
/// (Kestrel), C's client uses its ordinary socket handler — with Basic credentials (S's user + API key), a small page
/// limit (so <c>next</c> is followed), the <c>added_after</c> checkpoint, and resumption after S was unreachable
/// (its listener stopped, then started again on the same port). What crosses is what S's access decision lets the
/// credentials' organisation read, and what C's owner may send.
/// </summary>
public abstract class TaxiiInteropTests(DatabaseProvider provider)
{
    private static Dictionary<string, string?> ServerSettings() => new() { ["Rampart:Scheduler:Enabled"] = "false" };

    private static Dictionary<string, string?> ClientSettings() => new()
    {
        ["Rampart:Scheduler:Enabled"] = "false",
        ["Rampart:TaxiiClient:AllowPrivateTargets"] = "true",
        ["Rampart:TaxiiClient:AllowHttp"] = "true",
        ["Rampart:TaxiiClient:PageSize"] = "2",
        ["Rampart:TaxiiClient:StatusPollDelay"] = "00:00:00",
    };

    /// <summary>S's TAXII server on a loopback socket: its own host on S's database, with a clock the test sets, recording the TAXII requests it receives.</summary>
    private sealed class SocketServer : IAsyncDisposable
    {
        private readonly WebApplicationFactory<Program> host;

        private SocketServer(WebApplicationFactory<Program> host, RampartFactory factory, string baseUrl)
        {
            this.host = host;
            Factory = factory;
            BaseUrl = baseUrl;
        }

        public RampartFactory Factory { get; }

        public string BaseUrl { get; }

        public int Port => new Uri(BaseUrl).Port;

        public static SocketServer Start(TestDatabase database, int port, DateTimeOffset now, ConcurrentQueue<Seen> requests)
        {
            var factory = new RampartFactory(database, ServerSettings());
            factory.Clock.SetUtcNow(now);
            var host = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IStartupFilter>(new Recorder(requests))));
            host.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
            host.StartServer();
            var address = host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
            return new SocketServer(host, factory, address);
        }

        /// <summary>A client of S over the socket, with a person's API key.</summary>
        public HttpClient Client(Person person)
        {
            var client = new HttpClient { BaseAddress = new Uri(BaseUrl) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", person.ApiKey);
            return client;
        }

        public async ValueTask DisposeAsync()
        {
            await host.DisposeAsync();
            await Factory.DisposeAsync();
        }
    }

    public sealed record Seen(string Method, string Path, string QueryString, string Scheme)
    {
        public string? Query(string name) => System.Web.HttpUtility.ParseQueryString(QueryString)[name];
    }

    private sealed class Recorder(ConcurrentQueue<Seen> requests) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                if (context.Request.Path.StartsWithSegments("/taxii2", StringComparison.Ordinal))
                {
                    requests.Enqueue(new Seen(context.Request.Method, context.Request.Path.Value!, context.Request.QueryString.Value ?? "",
                        context.Request.Headers.Authorization.ToString().Split(' ')[0]));
                }

                await following(context);
            });
            next(app);
        };
    }

    private static string Indicator(string id, string value) => $$"""
        {"type":"indicator","spec_version":"2.1","id":"{{id}}","created":"2026-11-02T08:00:00.000Z","modified":"2026-11-02T08:00:00.000Z",
         "name":"C2 {{value}}","pattern":"[domain-name:value = '{{value}}']","pattern_type":"stix","valid_from":"2026-11-02T08:00:00Z"}
        """;

    private static string NewId() => "indicator--" + Guid.NewGuid().ToString("D");

    private static async Task ShareAsync(HttpClient client, string id, string query)
    {
        var bundle = $$"""{"type":"bundle","id":"bundle--{{Guid.NewGuid()}}","objects":[{{Indicator(id, $"c2-{id[^12..]}.example.org")}}]}""";
        var response = await client.PostAsync($"/api/intel/bundles?{query}", new StringContent(bundle, Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static async Task<string> CollectionAsync(SeededNode s)
    {
        var response = await s.Client(s.OwnerAdmin).PostAsJsonAsync("/api/taxii/collections", new
        {
            title = "Owner exchange",
            readers = new object[] { new { kind = "organisation", id = s.OwnerOrg } },
            writers = new object[] { new { kind = "organisation", id = s.OwnerOrg } },
            writeTlp = "amber",
            writeAudiences = new object[] { new { kind = "organisation", organisationId = s.OwnerOrg } },
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!["id"]!.GetValue<string>();
    }

    /// <summary>C's admin; a long time limit, as creating a connection and running it talk to S (slow on a loaded test machine).</summary>
    private static HttpClient AdminOf(SeededNode c)
    {
        var client = c.Client(c.OwnerAdmin);
        client.Timeout = TimeSpan.FromMinutes(10);
        return client;
    }

    private static async Task<Guid> ConnectionAsync(SeededNode c, SocketServer server, string collection, SeededNode s, string direction)
    {
        var response = await AdminOf(c).PostAsJsonAsync("/api/taxii/connections", new
        {
            name = "Partner node", apiRoot = $"{server.BaseUrl}/taxii2/api/", collectionId = collection, authentication = "basic",
            user = s.Owner.Email, password = s.Owner.ApiKey, direction, pullTlp = "amber", pushBatchSize = 2,
        });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!["id"]!.GetValue<Guid>();
    }

    private static async Task RunNowAsync(SeededNode c, Guid connection)
    {
        Assert.Equal(HttpStatusCode.Accepted, (await AdminOf(c).PostAsync($"/api/taxii/connections/{connection}/run", new StringContent("{}", Encoding.UTF8, "application/json"))).StatusCode);
        await using var scope = c.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TaxiiClientJob>().RunAsync(default);
    }

    private static async Task<JsonNode> StateAsync(SeededNode c, Guid connection)
    {
        var response = await c.Client(c.OwnerAdmin).GetAsync($"/api/taxii/connections/{connection}/state");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json.ReadAsync(response);
    }

    private static async Task<HttpStatusCode> ReadAsync(HttpClient client, string stixId) => (await client.GetAsync($"/api/intel/objects/{stixId}")).StatusCode;

    private static async Task<int> VersionCountAsync(HttpClient client, string stixId) =>
        (await Json.ReadAsync(await client.GetAsync($"/api/intel/objects/{stixId}/versions")))["items"]!.AsArray().Count;

    [Fact]
    public async Task Pull_FromASecondRampartNode_FollowsNextKeepsTheCheckpointAndResumesAfterItWasUnreachable()
    {
        await using var s = await SeededNode.CreateAsync(provider, ServerSettings());
        await using var c = await SeededNode.CreateAsync(provider, ClientSettings());
        var requests = new ConcurrentQueue<Seen>();
        var now = s.Factory.Clock.GetUtcNow();
        var server = SocketServer.Start(s.Database, 0, now, requests);
        try
        {
            var collection = await CollectionAsync(s);
            var sOwner = server.Client(s.Owner);
            var first = Enumerable.Range(0, 5).Select(_ => NewId()).ToList();
            foreach (var id in first)
            {
                server.Factory.Clock.Advance(TimeSpan.FromSeconds(1)); // distinct dates added, as a live store has
                await ShareAsync(sOwner, id, "tlp=green&audience=network");
            }

            // Another organisation's AMBER object on S: the credentials' organisation may not read it, so it never crosses.
            var hidden = NewId();
            await ShareAsync(server.Client(s.Outsider), hidden, "tlp=amber");
            server.Factory.Clock.Advance(TimeSpan.FromSeconds(5)); // past S's clock allowance: everything above is served
            var connection = await ConnectionAsync(c, server, collection, s, "pull");

            await RunNowAsync(c, connection);

            var gets = requests.Where(r => r.Method == "GET" && r.Path.EndsWith("/objects/", StringComparison.Ordinal)).ToList();
            Assert.Equal(3, gets.Count); // limit 2: 2 + 2 + 1, following S's next
            Assert.All(gets, r => Assert.Equal("Basic", r.Scheme));
            Assert.All(gets, r => Assert.Equal("2", r.Query("limit")));
            Assert.Null(gets[0].Query("next"));
            Assert.Null(gets[0].Query("added_after"));
            Assert.NotNull(gets[1].Query("next"));
            Assert.NotNull(gets[2].Query("next"));
            var state = await StateAsync(c, connection);
            Assert.True(state["status"]!.GetValue<string>() == "succeeded", state.ToJsonString());
            Assert.Equal(5, state["pulled"]!.GetValue<int>());
            Assert.Equal(5, state["added"]!.GetValue<int>());
            var checkpoint = state["pullCheckpoint"]!.GetValue<DateTimeOffset>();

            // On C the pulled objects are the connection organisation's: its analyst reads them, nobody else (node admin included).
            foreach (var id in first)
            {
                Assert.Equal(HttpStatusCode.OK, await ReadAsync(c.Client(c.Owner), id));
                Assert.Equal(HttpStatusCode.NotFound, await ReadAsync(c.Client(c.Outsider), id));
                Assert.Equal(HttpStatusCode.NotFound, await ReadAsync(c.Client(c.NodeAdmin), id));
            }

            Assert.Equal(HttpStatusCode.NotFound, await ReadAsync(c.Client(c.Owner), hidden));

            // Three more objects on S; then S becomes unreachable (its listener stopped).
            var second = Enumerable.Range(0, 3).Select(_ => NewId()).ToList();
            foreach (var id in second)
            {
                server.Factory.Clock.Advance(TimeSpan.FromSeconds(1));
                await ShareAsync(sOwner, id, "tlp=green&audience=network");
            }

            server.Factory.Clock.Advance(TimeSpan.FromSeconds(5));
            now = server.Factory.Clock.GetUtcNow();
            var port = server.Port;
            await server.DisposeAsync();
            server = null;

            await RunNowAsync(c, connection);
            state = await StateAsync(c, connection);
            Assert.Equal("failed", state["status"]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(state["lastError"]!.GetValue<string>()));
            Assert.DoesNotContain(s.Owner.ApiKey, state.ToJsonString(), StringComparison.Ordinal);
            Assert.Equal(checkpoint, state["pullCheckpoint"]!.GetValue<DateTimeOffset>());
            Assert.Equal(5, state["totalPulled"]!.GetValue<long>());
            foreach (var id in second)
            {
                Assert.Equal(HttpStatusCode.NotFound, await ReadAsync(c.Client(c.Owner), id));
            }

            // S is back on the same address: the next run asks only for what was added after the checkpoint and brings exactly that.
            requests.Clear();
            server = SocketServer.Start(s.Database, port, now, requests);
            await RunNowAsync(c, connection);
            gets = [.. requests.Where(r => r.Method == "GET" && r.Path.EndsWith("/objects/", StringComparison.Ordinal))];
            state = await StateAsync(c, connection);
            Assert.True(state["status"]!.GetValue<string>() == "succeeded", state.ToJsonString());
            Assert.True(gets.Count == 2, string.Join(" | ", gets.Select(g => g.QueryString)) + " " + state.ToJsonString()); // 2 + 1
            // The checkpoint goes back as the server wrote it (its X-TAXII-Date-Added-Last text): the same instant.
            Assert.All(gets, r => Assert.Equal(checkpoint, DateTimeOffset.Parse(r.Query("added_after")!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)));
            Assert.Null(state["lastError"]);
            Assert.Equal(3, state["pulled"]!.GetValue<int>());
            Assert.Equal(3, state["added"]!.GetValue<int>());
            Assert.Equal(8, state["totalPulled"]!.GetValue<long>());
            Assert.True(state["pullCheckpoint"]!.GetValue<DateTimeOffset>() > checkpoint);
            foreach (var id in first.Concat(second))
            {
                Assert.Equal(1, await VersionCountAsync(c.Client(c.Owner), id)); // nothing stored twice
            }

            Assert.Equal(HttpStatusCode.NotFound, await ReadAsync(c.Client(c.Owner), hidden));
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Push_ToASecondRampartNode_SendsInBatchesFollowsTheStatusAndCatchesUpAfterItWasUnreachable()
    {
        await using var s = await SeededNode.CreateAsync(provider, ServerSettings());
        await using var c = await SeededNode.CreateAsync(provider, ClientSettings());
        var requests = new ConcurrentQueue<Seen>();
        var server = SocketServer.Start(s.Database, 0, s.Factory.Clock.GetUtcNow(), requests);
        try
        {
            var collection = await CollectionAsync(s);
            var owner = c.Client(c.Owner);
            var sent = Enumerable.Range(0, 3).Select(_ => NewId()).ToList();
            foreach (var id in sent)
            {
                c.Factory.Clock.Advance(TimeSpan.FromSeconds(1));
                await ShareAsync(owner, id, "tlp=green&audience=network");
            }

            // Not the organisation's to send to a GREEN-ceiling connection: its own AMBER object, another organisation's object.
            var amber = NewId();
            await ShareAsync(owner, amber, "tlp=amber");
            var others = NewId();
            await ShareAsync(c.Client(c.Outsider), others, "tlp=green&audience=network");
            c.Factory.Clock.Advance(TimeSpan.FromSeconds(5));
            var connection = await ConnectionAsync(c, server, collection, s, "push");

            await RunNowAsync(c, connection);

            var state = await StateAsync(c, connection);
            Assert.True(state["status"]!.GetValue<string>() == "succeeded", state.ToJsonString());
            Assert.Equal(3, state["pushed"]!.GetValue<int>());
            Assert.Equal(0, state["pushFailed"]!.GetValue<int>());
            Assert.Equal(0, state["pushPending"]!.GetValue<int>());
            var posts = requests.Where(r => r.Method == "POST").ToList();
            Assert.Equal(2, posts.Count); // batches of 2: 2 + 1
            Assert.All(posts, r => Assert.Equal("Basic", r.Scheme));
            // S stores envelopes this small while the POST waits and answers "complete": no status to follow.

            // On S the objects are the credentials' organisation's, with the collection's sharing (AMBER, that organisation):
            // its analyst reads them, another organisation and S's node admin do not; what was not sent is not there.
            var sOwner = server.Client(s.Owner);
            foreach (var id in sent)
            {
                Assert.Equal(HttpStatusCode.OK, await ReadAsync(sOwner, id));
                Assert.Equal(HttpStatusCode.NotFound, await ReadAsync(server.Client(s.Outsider), id));
                Assert.Equal(HttpStatusCode.NotFound, await ReadAsync(server.Client(s.NodeAdmin), id));
            }

            Assert.Equal(HttpStatusCode.NotFound, await ReadAsync(sOwner, amber));
            Assert.Equal(HttpStatusCode.NotFound, await ReadAsync(sOwner, others));

            // S unreachable: a new object waits on C, and the run says why.
            var later = NewId();
            c.Factory.Clock.Advance(TimeSpan.FromSeconds(1));
            await ShareAsync(owner, later, "tlp=green&audience=network");
            c.Factory.Clock.Advance(TimeSpan.FromSeconds(5));
            var port = server.Port;
            var now = server.Factory.Clock.GetUtcNow();
            await server.DisposeAsync();
            server = null;
            await RunNowAsync(c, connection);
            state = await StateAsync(c, connection);
            Assert.Equal("failed", state["status"]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(state["lastError"]!.GetValue<string>()));
            Assert.Equal(0, state["pushed"]!.GetValue<int>());

            // S back: only what was not acknowledged goes, once.
            requests.Clear();
            server = SocketServer.Start(s.Database, port, now, requests);
            await RunNowAsync(c, connection);
            state = await StateAsync(c, connection);
            Assert.True(state["status"]!.GetValue<string>() == "succeeded", state.ToJsonString());
            Assert.Equal(1, state["pushed"]!.GetValue<int>());
            Assert.Single(requests, r => r.Method == "POST");
            sOwner = server.Client(s.Owner);
            Assert.Equal(HttpStatusCode.OK, await ReadAsync(sOwner, later));
            foreach (var id in sent.Append(later))
            {
                Assert.Equal(1, await VersionCountAsync(sOwner, id));
            }
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }
    }
}

public sealed class SqliteTaxiiInteropTests() : TaxiiInteropTests(DatabaseProvider.Sqlite);

public sealed class PostgresTaxiiInteropTests() : TaxiiInteropTests(DatabaseProvider.Postgres);
