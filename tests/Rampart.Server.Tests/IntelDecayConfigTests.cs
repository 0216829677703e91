using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Search;

namespace Rampart.Server.Tests;

/// <summary>A node whose IPv4 indicators decay by a configured model: base 80, 10 days, linear, threshold 40.</summary>
public abstract class DecayNodeFixture(DatabaseProvider provider) : IAsyncLifetime
{
    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Rampart:Intelligence:Decay:Ipv4:BaseScore"] = "80",
        ["Rampart:Intelligence:Decay:Ipv4:LifetimeDays"] = "10",
        ["Rampart:Intelligence:Decay:Ipv4:DecaySpeed"] = "1",
        ["Rampart:Intelligence:Decay:Ipv4:Threshold"] = "40",
        ["Rampart:Intelligence:Decay:RecomputeBatch"] = "2",
    };

    public SeededNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await SeededNode.CreateAsync(provider, Settings);

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

public sealed class SqliteDecayNode() : DecayNodeFixture(DatabaseProvider.Sqlite);

public sealed class PostgresDecayNode() : DecayNodeFixture(DatabaseProvider.Postgres);

/// <summary>
/// Decaying models configured per indicator kind (<c>Rampart:Intelligence:Decay:&lt;kind&gt;</c>): new indicators are
/// scored by them, other kinds keep the built-in model, the recompute job moves stored decay times to them, and a
/// wrong setting stops the start naming it. The node's clock stands at 2026-11-02 09:30 UTC.
/// </summary>
public abstract class IntelDecayConfigTests(DecayNodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static readonly DateTimeOffset ValidFrom = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private async Task<string> IndicatorAsync(string pattern)
    {
        var id = $"indicator--{Guid.NewGuid()}";
        var indicator = new JsonObject
        {
            ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-11-01T00:00:00.000Z", ["modified"] = "2026-11-01T00:00:00.000Z",
            ["name"] = "decaying", ["pattern"] = pattern, ["pattern_type"] = "stix", ["valid_from"] = "2026-11-01T00:00:00.000Z",
        };
        var bundle = new JsonObject { ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}", ["objects"] = new JsonArray(indicator) };
        var response = await Node.Client(Node.Owner).PostAsync("/api/intel/bundles?tlp=amber",
            new StringContent(bundle.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return id;
    }

    private async Task<JsonNode> ViewAsync(string id)
    {
        var response = await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json.ReadAsync(response);
    }

    /// <summary>Within a millisecond: the first decayed instant is one tick after the exact solution, and SQLite keeps 100 µs.</summary>
    private static void AssertNear(DateTimeOffset expected, DateTimeOffset actual) =>
        Assert.True((expected - actual).Duration() < TimeSpan.FromMilliseconds(1), $"expected {expected:O}, got {actual:O}");

    private static string Ip() => $"192.0.2.{Random.Shared.Next(1, 255)}";

    [Fact]
    public async Task Decay_ConfiguredIpv4Model_ScoresNewIndicatorsByIt_DomainsKeepTheBuiltInModel()
    {
        var ip = await IndicatorAsync($"[ipv4-addr:value = '{Ip()}']");
        var view = await ViewAsync(ip);
        // 80 · (1 − t / 10 days) falls below 40 at t = 5 days; at the node's now (1.4 days) it is 80 · (1 − 1.395 / 10).
        AssertNear(ValidFrom.AddDays(5), view["decaysAt"]!.GetValue<DateTimeOffset>());
        var elapsed = (new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero) - ValidFrom).TotalDays;
        Assert.Equal(Math.Round(80 * (1 - (elapsed / 10)), 2), view["score"]!.GetValue<double>(), 2);
        Assert.False(view["decayed"]!.GetValue<bool>());

        // A domain keeps the built-in model: base 100, 90 days, linear, threshold 30 — decayed after 63 days.
        var domain = await IndicatorAsync($"[domain-name:value = 'decay-{Guid.NewGuid():N}.example']");
        AssertNear(ValidFrom.AddDays(63), (await ViewAsync(domain))["decaysAt"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task DecayRecompute_IndicatorsStoredUnderAnotherModel_TheJobMovesTheirDecayTimeToTheConfiguredOne()
    {
        var ids = new[] { await IndicatorAsync($"[ipv4-addr:value = '{Ip()}']"), await IndicatorAsync($"[ipv4-addr:value = '{Ip()}']"), await IndicatorAsync($"[ipv4-addr:value = '{Ip()}']") };
        var stale = ValidFrom.AddDays(21);
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            // As a node with the built-in address model (30 days, speed 0.5) would have stored them.
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            Assert.Equal(3, await db.IntelObjects.Where(o => ids.Contains(o.StixId)).ExecuteUpdateAsync(u => u.SetProperty(o => o.DecaysAt, stale)));
        }

        foreach (var id in ids)
        {
            AssertNear(stale, (await ViewAsync(id))["decaysAt"]!.GetValue<DateTimeOffset>());
        }

        // A fresh walk (as after a start), two indicators per run: runs until it reports done.
        var walk = Node.Factory.Services.GetRequiredService<IntelDecayWalk>();
        walk.After = 0;
        walk.Done = false;
        var runs = 0;
        while (!walk.Done)
        {
            await using var scope = Node.Factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IntelDecayRecomputeJob>().RunAsync(default);
            Assert.True(++runs < 10_000);
        }

        Assert.True(runs >= 2);
        foreach (var id in ids)
        {
            AssertNear(ValidFrom.AddDays(5), (await ViewAsync(id))["decaysAt"]!.GetValue<DateTimeOffset>());
        }
    }

    [Fact]
    public async Task DecaySettings_WrongKindAndParameters_StartFailsNamingEachSetting()
    {
        await using var database = new TestDatabase(DatabaseProvider.Sqlite);
        await using var factory = new RampartFactory(database, new Dictionary<string, string?>
        {
            ["Rampart:Intelligence:Decay:Ipv4:LifetimeDays"] = "-3",
            ["Rampart:Intelligence:Decay:Sha256:Threshold"] = "120",
            ["Rampart:Intelligence:Decay:Domain:Speed"] = "2",
            ["Rampart:Intelligence:Decay:Hostname:Threshold"] = "10",
        });
        var error = Record.Exception(() => factory.Server);
        Assert.NotNull(error);
        var text = error.ToString();
        Assert.Contains(nameof(OptionsValidationException), text, StringComparison.Ordinal);
        Assert.Contains("Rampart:Intelligence:Decay:Ipv4:LifetimeDays: must be", text, StringComparison.Ordinal);
        Assert.Contains("Rampart:Intelligence:Decay:Sha256:Threshold: must be", text, StringComparison.Ordinal);
        Assert.Contains("Rampart:Intelligence:Decay:Domain:Speed: unknown", text, StringComparison.Ordinal);
        Assert.Contains("Rampart:Intelligence:Decay:Hostname: not an indicator kind", text, StringComparison.Ordinal);
    }
}

public sealed class SqliteIntelDecayConfigTests(SqliteDecayNode fixture) : IntelDecayConfigTests(fixture), IClassFixture<SqliteDecayNode>;

public sealed class PostgresIntelDecayConfigTests(PostgresDecayNode fixture) : IntelDecayConfigTests(fixture), IClassFixture<PostgresDecayNode>;
