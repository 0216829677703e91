using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Live;

namespace Rampart.Server.Tests;

/// <summary>
/// Live updates across app servers: on PostgreSQL a write on one server wakes the streams of another through
/// LISTEN/NOTIFY (the poll interval is set far longer than the wait, so only a notification can deliver in time);
/// on SQLite the streams poll. Either way each subscriber gets only what the access decision admits.
/// </summary>
public abstract class IntelNotifyTests(DatabaseProvider provider)
{
    private Dictionary<string, string?> Settings() => new()
    {
        // PostgreSQL: a poll would come only after 30 s; SQLite: the poll is the way (every 250 ms).
        ["Rampart:Intel:Stream:PollInterval"] = provider == DatabaseProvider.Postgres ? "00:00:30" : "00:00:00.250",
        ["Rampart:Intel:Stream:NotifiedPollInterval"] = "00:00:30",
        ["Rampart:Scheduler:Enabled"] = "false",
    };

    private static string Indicator(string id) => new JsonObject
    {
        ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-01-01T00:00:00.000Z", ["modified"] = "2026-01-01T00:00:00.000Z",
        ["name"] = "live", ["pattern"] = $"[ipv4-addr:value = '203.0.113.{Random.Shared.Next(1, 250)}']", ["pattern_type"] = "stix", ["valid_from"] = "2026-01-01T00:00:00.000Z",
    }.ToJsonString();

    private static async Task PostAsync(HttpClient client, string id, string query)
    {
        var bundle = $"{{\"type\":\"bundle\",\"id\":\"bundle--{Guid.NewGuid()}\",\"objects\":[{Indicator(id)}]}}";
        var response = await client.PostAsync($"/api/intel/bundles?{query}", new StringContent(bundle, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Stream_WriteOnAnotherAppServer_ArrivesWithinSeconds_FilteredByTheAccessDecision()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        await using var second = new RampartFactory(node.Database, Settings());
        _ = second.Server;
        var signal = second.Services.GetRequiredService<IntelChangeSignal>();
        var waited = Stopwatch.StartNew();
        while (provider == DatabaseProvider.Postgres && !signal.Listening && waited.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(50);
        }

        Assert.Equal(provider == DatabaseProvider.Postgres, signal.Listening);

        // The node's first import loads the warning lists (seconds on a busy machine): done before the clock starts.
        await PostAsync(node.Client(node.Owner), $"indicator--{Guid.NewGuid()}", "tlp=green&audience=network");

        await using var member = await Sse.OpenAsync(second.ClientWithKey(node.Member.ApiKey));
        await using var outsider = await Sse.OpenAsync(second.ClientWithKey(node.Outsider.ApiKey));
        await using var nodeAdmin = await Sse.OpenAsync(second.ClientWithKey(node.NodeAdmin.ApiKey));

        var amber = $"indicator--{Guid.NewGuid()}";
        var green = $"indicator--{Guid.NewGuid()}";
        var written = Stopwatch.StartNew();
        await PostAsync(node.Client(node.Owner), amber, $"tlp=amber&audience=community:{node.Community}");
        var first = await member.NextAsync();
        var latency = written.Elapsed;
        Assert.Equal(amber, first.Data["id"]!.GetValue<string>());
        Assert.True(latency < TimeSpan.FromSeconds(3), $"the change took {latency} to reach the other app server's stream");

        await PostAsync(node.Client(node.Owner), green, "tlp=green&audience=network");
        Assert.Equal(green, (await member.NextAsync()).Data["id"]!.GetValue<string>());
        foreach (var stranger in new[] { outsider, nodeAdmin })
        {
            // Their first event is the GREEN one: the AMBER change never reached them.
            var e = await stranger.NextAsync();
            Assert.Equal(green, e.Data["id"]!.GetValue<string>());
            Assert.DoesNotContain(amber, e.Raw, StringComparison.Ordinal);
        }
    }

    private sealed class Sse : IAsyncDisposable
    {
        private readonly HttpResponseMessage response;
        private readonly StreamReader reader;

        private Sse(HttpResponseMessage response, StreamReader reader)
        {
            this.response = response;
            this.reader = reader;
        }

        public static async Task<Sse> OpenAsync(HttpClient client)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/intel/stream");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return new Sse(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
        }

        public async Task<(JsonNode Data, string Raw)> NextAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var data = new StringBuilder();
            while (true)
            {
                var line = await reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("The stream ended.");
                if (line.Length == 0 && data.Length > 0)
                {
                    return (JsonNode.Parse(data.ToString())!, data.ToString());
                }

                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data.Append(line[6..]);
                }
            }
        }

        public ValueTask DisposeAsync()
        {
            reader.Dispose();
            response.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

public sealed class SqliteIntelNotifyTests() : IntelNotifyTests(DatabaseProvider.Sqlite);

public sealed class PostgresIntelNotifyTests() : IntelNotifyTests(DatabaseProvider.Postgres);
