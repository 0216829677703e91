using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Audit;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>Every request seems to come from one reverse proxy at 10.0.0.1 (TestServer has no client address of its own).</summary>
internal sealed class BehindProxy : IStartupFilter
{
    public const string Proxy = "10.0.0.1";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((HttpContext context, RequestDelegate following) =>
        {
            context.Connection.RemoteIpAddress = IPAddress.Parse(Proxy);
            return following(context);
        });
        next(app);
    };
}

/// <summary>
/// The failure throttle lives in the database: two app servers on one database see each other's counts;
/// it is keyed by the real client address behind known proxies only; it never locks out working credentials.
/// </summary>
public abstract class ThrottleTests(DatabaseProvider provider)
{
    private static Dictionary<string, string?> Settings(string? knownProxies = null) => new()
    {
        ["Rampart:Limits:AuthenticationFailuresPerWindow"] = "3",
        ["Rampart:Network:KnownProxies"] = knownProxies,
    };

    private static HttpClient ClientFrom(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory, string key, string? forwardedFor)
    {
        var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        if (forwardedFor is not null)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }

        return client;
    }

    [Fact]
    public async Task LoginFailures_ThrottleLogins_ButNotApiKeys()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        for (var i = 0; i < 3; i++)
        {
            await WebForms.LogInAsync(WebForms.Browser(node.Factory), "sprayed@owner.test", $"guess-{i}");
        }

        var throttled = await WebForms.LogInAsync(WebForms.Browser(node.Factory), "sprayed@owner.test", "guess-again");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        var wait = throttled.Headers.RetryAfter?.Delta;
        Assert.NotNull(wait);
        Assert.InRange(wait.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

        // The sync job behind the same address: its wrong key is an ordinary 401, not throttled by the sprayer.
        Assert.Equal(HttpStatusCode.Unauthorized, (await node.Factory.ClientWithKey("rpk_sync-job-typo").GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await node.Client(node.Owner).GetAsync("/api/me")).StatusCode);

        // Retry-After counts down to the end of the window.
        node.Factory.Clock.Advance(TimeSpan.FromSeconds(30));
        var later = await WebForms.LogInAsync(WebForms.Browser(node.Factory), "sprayed@owner.test", "guess-later");
        if (later.StatusCode == HttpStatusCode.TooManyRequests)
        {
            Assert.True(later.Headers.RetryAfter!.Delta < wait, "Retry-After should shrink as the window runs out");
        }
    }

    [Fact]
    public async Task Failures_CountedByOneAppServer_AreSeenByAnother()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        await using var second = new RampartFactory(node.Database, Settings());
        _ = second.Server;

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await node.Factory.ClientWithKey($"rpk_first-server-{i}").GetAsync("/api/me")).StatusCode);
        }

        // The other app server has counted nothing itself, yet refuses the next failure from that address.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await second.ClientWithKey("rpk_second-server").GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await node.Factory.ClientWithKey("rpk_first-again").GetAsync("/api/me")).StatusCode);

        var refused = await second.ClientWithKey("rpk_second-again").GetAsync("/api/me");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5));

        // Logins count apart from API keys: the dead keys above do not lock the people behind that address out.
        var browser = WebForms.Browser(second);
        var first = await WebForms.LogInAsync(browser, "someone@owner.test", "a-password-guess");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.DoesNotContain("Too many failed attempts", await first.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Login failures on one server and the next on the other meet one budget, answered 429 with Retry-After.
        for (var i = 0; i < 2; i++)
        {
            await WebForms.LogInAsync(WebForms.Browser(node.Factory), "someone@owner.test", $"guess-{i}");
        }

        var throttledLogin = await WebForms.LogInAsync(browser, "someone@owner.test", "a-password-guess");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttledLogin.StatusCode);
        Assert.NotNull(throttledLogin.Headers.RetryAfter?.Delta);
        Assert.Contains("Too many failed attempts", await throttledLogin.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A working key is never locked out by others' failures, on either server.
        Assert.Equal(HttpStatusCode.OK, (await second.ClientWithKey(node.Owner.ApiKey).GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await node.Client(node.Owner).GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task ConcurrentFailures_OnTwoAppServers_AreAllCounted()
    {
        await using var node = await SeededNode.CreateAsync(provider, new Dictionary<string, string?> { ["Rampart:Limits:AuthenticationFailuresPerWindow"] = "1000" });
        await using var second = new RampartFactory(node.Database, new Dictionary<string, string?> { ["Rampart:Limits:AuthenticationFailuresPerWindow"] = "1000" });
        _ = second.Server;
        var attempts = Enumerable.Range(0, 40).Select(i => (i % 2 == 0 ? node.Factory : second).ClientWithKey($"rpk_parallel-{i}").GetAsync("/api/me"));
        var responses = await Task.WhenAll(attempts);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));

        await using var scope = node.Factory.Services.CreateAsyncScope();
        var counter = await scope.ServiceProvider.GetRequiredService<RampartDb>().FailureCounters.SingleAsync(c => c.Source.StartsWith("apikey|"));
        Assert.Equal(40, counter.Count);
    }

    [Fact]
    public async Task BehindAKnownProxy_TheClientAddressIsThrottled_NotTheProxy()
    {
        await using var database = new TestDatabase(provider);
        await using var factory = new RampartFactory(database, Settings(BehindProxy.Proxy))
            .WithWebHostBuilder(b => b.ConfigureServices(s => s.AddTransient<IStartupFilter, BehindProxy>()));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await ClientFrom(factory, $"rpk_scan-{i}", "203.0.113.5").GetAsync("/api/me")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await ClientFrom(factory, "rpk_scan-more", "203.0.113.5").GetAsync("/api/me")).StatusCode);
        // Another client behind the same proxy has its own budget.
        Assert.Equal(HttpStatusCode.Unauthorized, (await ClientFrom(factory, "rpk_typo", "198.51.100.7").GetAsync("/api/me")).StatusCode);

        await using var scope = factory.Services.CreateAsyncScope();
        var entries = await scope.ServiceProvider.GetRequiredService<RampartDb>().AuditEntries.AsNoTracking()
            .Where(a => a.Event == AuditEvent.ApiKeyRejected).ToListAsync();
        Assert.Contains(entries, e => e.ClientIp == "203.0.113.5");
        Assert.Contains(entries, e => e.ClientIp == "198.51.100.7");
        Assert.DoesNotContain(entries, e => e.ClientIp == BehindProxy.Proxy);
    }

    [Fact]
    public async Task FromAnUnknownProxy_ForwardedHeadersAreIgnored()
    {
        await using var database = new TestDatabase(provider);
        await using var factory = new RampartFactory(database, Settings())
            .WithWebHostBuilder(b => b.ConfigureServices(s => s.AddTransient<IStartupFilter, BehindProxy>()));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await ClientFrom(factory, $"rpk_scan-{i}", $"203.0.113.{i + 1}").GetAsync("/api/me")).StatusCode);
        }

        // Rotating X-Forwarded-For does not buy a scanner a fresh budget.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ClientFrom(factory, "rpk_scan-more", "203.0.113.99").GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task ThrottledAddress_StillLetsInABrowserThatLoggedInToThatAccountBefore()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        await WebForms.ReadyUserAsync(node, "colleague@owner.test", "Colleague-Password-1234");
        var colleague = WebForms.Browser(node.Factory);
        Assert.Equal(HttpStatusCode.Redirect, (await WebForms.LogInAsync(colleague, "colleague@owner.test", "Colleague-Password-1234")).StatusCode);
        await WebForms.PostFormAsync(colleague, "/account/manage", "/account/logout", null, []);

        // Someone else behind the same address spends its budget.
        var attacker = WebForms.Browser(node.Factory);
        for (var i = 0; i < 4; i++)
        {
            await WebForms.LogInAsync(attacker, $"victim{i}@owner.test", "guess-password");
        }

        var refused = await (await WebForms.LogInAsync(attacker, "colleague@owner.test", "Colleague-Password-1234")).Content.ReadAsStringAsync();
        Assert.Contains("Too many failed attempts", refused, StringComparison.Ordinal);

        // The colleague's browser, which logged in to this account before, is let in with the right password.
        Assert.Equal(HttpStatusCode.Redirect, (await WebForms.LogInAsync(colleague, "colleague@owner.test", "Colleague-Password-1234")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await colleague.GetAsync("/api/me")).StatusCode);
    }
}

public sealed class SqliteThrottleTests() : ThrottleTests(DatabaseProvider.Sqlite);

public sealed class PostgresThrottleTests() : ThrottleTests(DatabaseProvider.Postgres);
