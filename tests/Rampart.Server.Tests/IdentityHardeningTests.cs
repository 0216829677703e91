using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Identity;

namespace Rampart.Server.Tests;

/// <summary>Form posts of the web shell, as a browser sends them (cookies, anti-forgery token).</summary>
public static partial class WebForms
{
    public static HttpClient Browser(RampartFactory factory) =>
        factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static async Task<string> TokenAsync(HttpClient client, string url)
    {
        var html = await client.GetStringAsync(url);
        var token = AntiforgeryToken().Match(html).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), $"no anti-forgery token on {url}");
        return token;
    }

    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string pageUrl, string postUrl, string? handler, Dictionary<string, string> fields)
    {
        var token = await TokenAsync(client, pageUrl);
        fields["__RequestVerificationToken"] = token;
        if (handler is not null)
        {
            fields["_handler"] = handler;
        }

        return await client.PostAsync(postUrl, new FormUrlEncodedContent(fields));
    }

    public static Task<HttpResponseMessage> LogInAsync(HttpClient client, string email, string password) =>
        PostFormAsync(client, "/account/login", "/account/login", "login", new() { ["Input.Email"] = email, ["Input.Password"] = password });

    /// <summary>A user who has chosen a password (no one-time password pending).</summary>
    public static async Task<User> ReadyUserAsync(SeededNode node, string email, string password, Role role = Role.Analyst)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        await SeededNode.PersonAsync(scope.ServiceProvider, node.OwnerOrg, email, role);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        var user = (await users.FindByEmailAsync(email))!;
        await users.RemovePasswordAsync(user);
        await users.AddPasswordAsync(user, password);
        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        return user;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}

/// <summary>RFC 6238 written out independently of the node's implementation, as an authenticator app computes it.</summary>
public static class Authenticator
{
    public static string Code(string base32Key, DateTimeOffset time)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bits = string.Concat(base32Key.ToUpperInvariant().Where(c => c != ' ' && c != '=')
            .Select(c => Convert.ToString(alphabet.IndexOf(c, StringComparison.Ordinal), 2).PadLeft(5, '0')));
        var key = Enumerable.Range(0, bits.Length / 8).Select(i => Convert.ToByte(bits.Substring(i * 8, 8), 2)).ToArray();
        var counter = BitConverter.GetBytes(time.ToUnixTimeSeconds() / 30);
        if (BitConverter.IsLittleEndian)
        {
            Array.Reverse(counter);
        }

#pragma warning disable CA5350 // what authenticator apps compute
        using var hmac = new HMACSHA1(key);
#pragma warning restore CA5350
        var hash = hmac.ComputeHash(counter);
        var offset = hash[^1] & 0xF;
        var value = ((hash[offset] & 0x7F) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (value % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>Bad credentials, return URLs, one-time passwords, second factors and the audit of failures.</summary>
public sealed class IdentityHardeningTests
{
    private static Dictionary<string, string?> Generous() => new() { ["Rampart:Limits:AuthenticationFailuresPerWindow"] = "100000" };

    private static async Task<List<AuditEntry>> AuditAsync(SeededNode node, AuditEvent auditEvent)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RampartDb>().AuditEntries.AsNoTracking()
            .Where(a => a.Event == auditEvent).OrderBy(a => a.Sequence).ToListAsync();
    }

    [Fact]
    public async Task EveryApiEndpoint_WithEachKindOfBadCredential_Answers401()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite, Generous());

        // A revoked key, an expired key and the key of a disabled user, besides keys that never existed.
        var owner = node.Client(node.Owner);
        var revoked = await Json.ReadAsync(await owner.PostAsync($"/api/users/{node.Owner.UserId}/keys", new { name = "revoked" }));
        await owner.DeleteAsync($"/api/keys/{revoked["apiKey"]!["id"]!.GetValue<Guid>()}");
        var expiring = await Json.ReadAsync(await owner.PostAsync($"/api/users/{node.Owner.UserId}/keys",
            new { name = "expiring", expiresAt = node.Factory.Clock.GetUtcNow().AddHours(1) }));
        Assert.Equal(HttpStatusCode.NoContent, (await node.Client(node.OwnerAdmin).PostAsync($"/api/users/{node.OwnerViewer.UserId}/disable", new { })).StatusCode);
        node.Factory.Clock.Advance(TimeSpan.FromHours(2));

        var bad = new Dictionary<string, string>
        {
            ["unknown key"] = "Bearer rpk_" + new string('x', 43),
            ["revoked key"] = "Bearer " + revoked["key"]!.GetValue<string>(),
            ["expired key"] = "Bearer " + expiring["key"]!.GetValue<string>(),
            ["key of a disabled user"] = "Bearer " + node.OwnerViewer.ApiKey,
            ["bearer token not in rpk_ form"] = "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x",
            ["empty bearer"] = "Bearer",
            ["another scheme"] = "Basic dXNlcjpwYXNzd29yZA==",
        };

        var endpoints = node.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => (Method: method, Path: Regex.Replace("/" + e.RoutePattern.RawText!.Trim('/'), "{[^}]+}", Guid.NewGuid().ToString()))))
            .Distinct()
            .ToList();
        Assert.True(endpoints.Count >= 20, $"only {endpoints.Count} /api endpoints found");
        Assert.Contains(endpoints, e => e is { Method: "GET", Path: "/api/notes" });

        var client = node.Factory.ClientWithKey(null);
        var failures = new List<string>();
        foreach (var (method, path) in endpoints.Append(("GET", "/notes")).Append(("GET", "/account/login")).Append(("POST", "/account/culture")))
        {
            foreach (var (kind, header) in bad)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                request.Headers.TryAddWithoutValidation("Authorization", header);
                if (method is "POST" or "PUT")
                {
                    request.Content = new StringContent("{}", new MediaTypeHeaderValue("application/json"));
                }

                using var response = await client.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.Unauthorized || response.Headers.WwwAuthenticate.Count == 0)
                {
                    failures.Add($"{method} {path} with {kind}: {(int)response.StatusCode}");
                }
                else if (path.StartsWith("/api", StringComparison.Ordinal))
                {
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));

        // The same requests with a good key are not refused for want of authentication.
        Assert.Equal(HttpStatusCode.OK, (await node.Client(node.Owner).GetAsync("/api/notes")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await node.Factory.ClientWithKey(null).GetAsync("/api/notes")).StatusCode);
    }

    [Fact]
    public async Task ApiKeyFailures_AreAudited_Folded_AndNeverWithTheKey()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite, Generous());
        var guesses = Enumerable.Range(0, 25).Select(i => $"rpk_guess-number-{i:D3}-{Guid.NewGuid():N}").ToList();
        foreach (var guess in guesses)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await node.Factory.ClientWithKey(guess).GetAsync("/api/me")).StatusCode);
        }

        var entries = await AuditAsync(node, AuditEvent.ApiKeyRejected);
        // The 1st and the 10th and 20th… no: 1, 10 (then 100): two entries for 25 failures.
        Assert.Equal(2, entries.Count);
        Assert.Equal("unknown key", entries[0].Detail);
        Assert.Contains("10 such failures", entries[1].Detail, StringComparison.Ordinal);
        Assert.All(entries, e => Assert.Equal(AuditOutcome.Failed, e.Outcome));
        Assert.DoesNotContain(entries, e => guesses.Any(g => (e.Detail + e.Target + e.Credential).Contains(g[4..20], StringComparison.Ordinal)));

        // A revoked key in use is named by its id and filed under its owner's organisation.
        var owner = node.Client(node.Owner);
        var created = await Json.ReadAsync(await owner.PostAsync($"/api/users/{node.Owner.UserId}/keys", new { name = "old sync job" }));
        var keyId = created["apiKey"]!["id"]!.GetValue<Guid>();
        await owner.DeleteAsync($"/api/keys/{keyId}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await node.Factory.ClientWithKey(created["key"]!.GetValue<string>()).GetAsync("/api/notes")).StatusCode);
        var revoked = (await AuditAsync(node, AuditEvent.ApiKeyRejected)).Last();
        Assert.Equal($"apikey:{keyId}", revoked.Target);
        Assert.Equal("revoked key", revoked.Detail);
        Assert.Equal(node.OwnerOrg, revoked.OrganisationId);
    }

    [Fact]
    public async Task FailedLogins_KnownAndUnknownEmail_AreAudited_KnownOnesWhereTheOrganisationSeesThem()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite, Generous());
        var user = await WebForms.ReadyUserAsync(node, "audited@owner.test", "Right-Password-1234");
        var browser = WebForms.Browser(node.Factory);
        await WebForms.LogInAsync(browser, "audited@owner.test", "wrong-password-1");
        await WebForms.LogInAsync(browser, "nobody@nowhere.test", "wrong-password-2");

        var failed = await AuditAsync(node, AuditEvent.LoginFailed);
        var known = Assert.Single(failed, e => e.Target == $"user:{user.Id}");
        Assert.Equal(node.OwnerOrg, known.OrganisationId);
        Assert.Equal("wrong password", known.Detail);
        var unknown = Assert.Single(failed, e => e.Target == "login");
        Assert.Null(unknown.OrganisationId);
        Assert.Equal("unknown e-mail", unknown.Detail);
        Assert.DoesNotContain(failed, e => (e.Detail ?? "").Contains("nobody", StringComparison.Ordinal));

        // The organisation's admin sees the attempt on their user.
        var log = (await Json.ReadAsync(await node.Client(node.OwnerAdmin).GetAsync("/api/audit?limit=200")))["items"]!.AsArray();
        Assert.Contains(log, e => e!["event"]!.GetValue<string>() == "login-failed" && e["target"]!.GetValue<string>() == $"user:{user.Id}");
    }

    [Fact]
    public async Task ThrottleHit_IsAuditedOnce()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Rampart:Limits:AuthenticationFailuresPerWindow"] = "3",
        });
        var browser = WebForms.Browser(node.Factory);
        for (var i = 0; i < 6; i++)
        {
            await WebForms.LogInAsync(browser, $"spray{i}@owner.test", "whatever-password");
        }

        var throttled = Assert.Single(await AuditAsync(node, AuditEvent.LoginThrottled));
        Assert.Equal(AuditOutcome.Denied, throttled.Outcome);
        Assert.Contains("4 failed authentications", throttled.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/notes\u0001x")]
    [InlineData("/notes\r\nSet-Cookie: x=y")]
    [InlineData("//evil.example/")]
    [InlineData("/\\evil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("/notes/\u00e9")]
    [InlineData("/notes\\x")]
    public async Task CultureForm_WithAnUnsafeReturnUrl_Is400NamingIt_AndChangesNothing(string returnUrl)
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite);
        var browser = WebForms.Browser(node.Factory);
        var response = await WebForms.PostFormAsync(browser, "/account/login", "/account/culture", null,
            new() { ["culture"] = "sq", ["returnUrl"] = returnUrl });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await Json.ReadAsync(response))["errors"]!["returnUrl"]);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.Contains(".AspNetCore.Culture", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CultureForm_WithASafeReturnUrl_RedirectsThere()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite);
        var browser = WebForms.Browser(node.Factory);
        var response = await WebForms.PostFormAsync(browser, "/account/login", "/account/culture", null,
            new() { ["culture"] = "sq", ["returnUrl"] = "/notes?page=2" });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/notes?page=2", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/", true)]
    [InlineData("/notes/0192?x=1#y", true)]
    [InlineData("", false)]
    [InlineData("notes", false)]
    [InlineData("//evil.example", false)]
    [InlineData("/\\evil.example", false)]
    [InlineData("/a\\b", false)]
    [InlineData("/a b", false)]
    [InlineData("/a\tb", false)]
    [InlineData("/a\u007fb", false)]
    [InlineData("/a\u2028b", false)]
    [InlineData("javascript:alert(1)", false)]
    public void ReturnUrls_AcceptOnlyPathsOnThisSite(string returnUrl, bool safe)
    {
        Assert.Equal(safe, ReturnUrls.IsSafe(returnUrl));
        Assert.Equal(safe ? returnUrl : "/", ReturnUrls.SafeOrRoot(returnUrl));
    }

    [Fact]
    public async Task OneTimePassword_CannotBeKeptAsTheNewPassword()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite);
        var browser = WebForms.Browser(node.Factory);
        Assert.Equal(HttpStatusCode.Redirect, (await WebForms.LogInAsync(browser, node.Owner.Email, node.Owner.Password)).StatusCode);

        var kept = await WebForms.PostFormAsync(browser, "/account/setup", "/account/setup", "setup-password", new()
        {
            ["Password.Current"] = node.Owner.Password,
            ["Password.New"] = node.Owner.Password,
            ["Password.Confirm"] = node.Owner.Password,
        });
        Assert.Contains("must differ from the current (one-time) password", await kept.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using (var scope = node.Factory.Services.CreateAsyncScope())
        {
            Assert.True((await scope.ServiceProvider.GetRequiredService<RampartDb>().Users.SingleAsync(u => u.Id == node.Owner.UserId)).MustChangePassword);
        }

        var changed = await WebForms.PostFormAsync(browser, "/account/setup", "/account/setup", "setup-password", new()
        {
            ["Password.Current"] = node.Owner.Password,
            ["Password.New"] = "A-New-Password-Of-My-Own-42",
            ["Password.Confirm"] = "A-New-Password-Of-My-Own-42",
        });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        await using (var scope = node.Factory.Services.CreateAsyncScope())
        {
            Assert.False((await scope.ServiceProvider.GetRequiredService<RampartDb>().Users.SingleAsync(u => u.Id == node.Owner.UserId)).MustChangePassword);
        }
    }

    private static async Task<(User User, string Key, IReadOnlyList<string> RecoveryCodes)> TwoFactorUserAsync(SeededNode node, string email, string password)
    {
        var user = await WebForms.ReadyUserAsync(node, email, password);
        await using var scope = node.Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        user = (await users.FindByIdAsync(user.Id.ToString()))!;
        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.ToList();
        return (user, (await users.GetAuthenticatorKeyAsync(user))!, codes);
    }

    private static async Task<HttpResponseMessage> SecondStepAsync(SeededNode node, string email, string password, string? code, string? recovery = null)
    {
        var browser = WebForms.Browser(node.Factory);
        var first = await WebForms.LogInAsync(browser, email, password);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Contains("login-2fa", first.Headers.Location!.OriginalString, StringComparison.Ordinal);
        return await WebForms.PostFormAsync(browser, "/account/login-2fa", "/account/login-2fa", "login-2fa", new()
        {
            ["Input.Code"] = code ?? "",
            ["Input.RecoveryCode"] = recovery ?? "",
        });
    }

    [Fact]
    public async Task AuthenticatorCode_IsAcceptedOnce_NotReplayedWithinItsWindow()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite, Generous());
        var (user, key, _) = await TwoFactorUserAsync(node, "totp@owner.test", "Totp-Password-1234");
        var code = Authenticator.Code(key, node.Factory.Clock.GetUtcNow());

        Assert.Equal(HttpStatusCode.Redirect, (await SecondStepAsync(node, "totp@owner.test", "Totp-Password-1234", code)).StatusCode);
        var replay = await SecondStepAsync(node, "totp@owner.test", "Totp-Password-1234", code);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Contains("The code is not valid.", await replay.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Neither is the code of the step before, once a newer one was used; the next step's code works.
        Assert.Equal(HttpStatusCode.OK,
            (await SecondStepAsync(node, "totp@owner.test", "Totp-Password-1234", Authenticator.Code(key, node.Factory.Clock.GetUtcNow().AddSeconds(-30)))).StatusCode);
        node.Factory.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Redirect,
            (await SecondStepAsync(node, "totp@owner.test", "Totp-Password-1234", Authenticator.Code(key, node.Factory.Clock.GetUtcNow()))).StatusCode);

        // The accepted step is in the database, so another app server refuses the replay as well.
        await using var scope = node.Factory.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<RampartDb>().Users.SingleAsync(u => u.Id == user.Id);
        Assert.Equal(node.Factory.Clock.GetUtcNow().ToUnixTimeSeconds() / 30, stored.LastTotpTimeStep);
        Assert.Contains(await AuditAsync(node, AuditEvent.SecondFactorFailed), e => e.Target == $"user:{user.Id}" && e.OrganisationId == node.OwnerOrg);
    }

    [Fact]
    public async Task RecoveryCode_IsAcceptedRegardlessOfCaseAndDashes_Once()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite, Generous());
        var (_, _, codes) = await TwoFactorUserAsync(node, "recovery@owner.test", "Recovery-Password-1234");
        Assert.Matches("^[A-Z0-9]{5}-[A-Z0-9]{5}$", codes[0]);

        var typed = " " + codes[0].Replace("-", "", StringComparison.Ordinal).ToLowerInvariant() + " ";
        Assert.Equal(HttpStatusCode.Redirect, (await SecondStepAsync(node, "recovery@owner.test", "Recovery-Password-1234", null, typed)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SecondStepAsync(node, "recovery@owner.test", "Recovery-Password-1234", null, codes[0])).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect,
            (await SecondStepAsync(node, "recovery@owner.test", "Recovery-Password-1234", null, codes[1].ToLowerInvariant())).StatusCode);
    }

    [Theory]
    [InlineData("abcde-fghij", "ABCDE-FGHIJ")]
    [InlineData("ABCDEFGHIJ", "ABCDE-FGHIJ")]
    [InlineData(" abcde fghij ", "ABCDE-FGHIJ")]
    [InlineData("ABCDE-FGHIJ", "ABCDE-FGHIJ")]
    [InlineData("", "")]
    public void RecoveryCodes_AreNormalisedToTheStoredForm(string typed, string stored) => Assert.Equal(stored, RecoveryCodes.Normalise(typed));

    [Fact]
    public async Task FirstStartBanner_PrintsTheAddressTheNodeActuallyListensOn()
    {
        await using var database = new TestDatabase(DatabaseProvider.Sqlite);
        var output = new StringWriter();
        await using var factory = new RampartFactory(database, new Dictionary<string, string?> { ["Urls"] = "http://127.0.0.1:0" })
            .WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton(new FirstStartOutput(TextWriter.Synchronized(output)))));
        factory.UseKestrel();
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single().TrimEnd('/');
        Assert.Matches(@"^http://127\.0\.0\.1:[1-9][0-9]*$", address);

        var banner = output.ToString();
        Assert.Contains($"Log in at:  {address}/account/login", banner, StringComparison.Ordinal);
        Assert.Matches(@"Password:\s+\S{20}", banner);
    }

    [Fact]
    public async Task KnownProxies_ThatAreNotAddresses_StopTheNodeFromStarting()
    {
        await using var database = new TestDatabase(DatabaseProvider.Sqlite);
        await using var factory = new RampartFactory(database, new Dictionary<string, string?> { ["Rampart:Network:KnownProxies"] = "10.0.0.1,proxy.example" });
        var error = Assert.ThrowsAny<Exception>(() => { _ = factory.Server; });
        Assert.Contains("Rampart:Network:KnownProxies", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, new[] { "http://[::]:5080" }, "http://localhost:5080")]
    [InlineData(null, new[] { "http://0.0.0.0:8080", "https://0.0.0.0:8443" }, "https://localhost:8443")]
    [InlineData(null, new[] { "http://127.0.0.1:41234" }, "http://127.0.0.1:41234")]
    [InlineData("https://rampart.cert.example/", new[] { "http://127.0.0.1:5080" }, "https://rampart.cert.example")]
    [InlineData(null, new string[0], "http://localhost")]
    public void LoginBase_IsThePublicUrl_OrTheListeningAddress(string? publicUrl, string[] listening, string expected) =>
        Assert.Equal(expected, NodeBootstrap.LoginBase(publicUrl, listening));
}
