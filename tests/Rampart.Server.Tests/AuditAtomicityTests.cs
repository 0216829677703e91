using System.Data.Common;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Identity;

namespace Rampart.Server.Tests;

/// <summary>Fails every INSERT into the audit table while switched on, as a full disk or a lost connection would.</summary>
public sealed class AuditWriteFailure : DbCommandInterceptor
{
    public bool On { get; set; }

    private void Check(DbCommand command)
    {
        if (On && command.CommandText.Contains("INSERT INTO \"AuditEntries\"", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("audit write failed (test)");
        }
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Check(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Check(command);
        return ValueTask.FromResult(result);
    }
}

/// <summary>Every audited Identity change commits with its audit entry or not at all: the audit write is made to fail.</summary>
public abstract partial class AuditAtomicityTests(DatabaseProvider provider)
{
    private static (WebApplicationFactory<Program> Host, AuditWriteFailure Failure) FailingHost(SeededNode node)
    {
        var failure = new AuditWriteFailure();
        var host = node.Factory.WithWebHostBuilder(b => b.ConfigureServices(s =>
        {
            s.ConfigureDbContext<SqliteRampartDb>((_, o) => o.AddInterceptors(failure));
            s.ConfigureDbContext<PostgresRampartDb>((_, o) => o.AddInterceptors(failure));
        }));
        return (host, failure);
    }

    private static HttpClient ApiClient(WebApplicationFactory<Program> host, Person person)
    {
        var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", person.ApiKey);
        return client;
    }

    private static async Task<User> UserAsync(SeededNode node, string email)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<User>>().FindByEmailAsync(email))!;
    }

    private static async Task<string> TokenAsync(HttpClient client, string url)
    {
        var html = await client.GetStringAsync(url);
        var token = AntiforgeryToken().Match(html).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), $"no anti-forgery token on {url}");
        return token;
    }

    private static async Task<HttpClient> LoggedInBrowserAsync(WebApplicationFactory<Program> host, string email, string password)
    {
        var client = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var token = await TokenAsync(client, "/account/login");
        var login = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return client;
    }

    /// <summary>An analyst who has chosen a password (no one-time password pending).</summary>
    private static async Task<Person> ReadyAnalystAsync(SeededNode node, string email, string password)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        var person = await SeededNode.PersonAsync(scope.ServiceProvider, node.OwnerOrg, email, Role.Analyst);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        var user = (await users.FindByEmailAsync(email))!;
        await users.RemovePasswordAsync(user);
        await users.AddPasswordAsync(user, password);
        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        return person with { Password = password };
    }

    [Fact]
    public async Task CreateUser_WhenTheAuditWriteFails_CreatesNoUser()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var (host, failure) = FailingHost(node);
        await using var _ = host;
        failure.On = true;
        var response = await ApiClient(host, node.OwnerAdmin).PostAsync("/api/users", new { email = "ghost@owner.test", organisationId = node.OwnerOrg, role = "analyst" });
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Null(await UserAsync(node, "ghost@owner.test"));

        failure.On = false;
        Assert.Equal(HttpStatusCode.Created, (await ApiClient(host, node.OwnerAdmin).PostAsync("/api/users",
            new { email = "ghost@owner.test", organisationId = node.OwnerOrg, role = "analyst" })).StatusCode);
        Assert.Contains(await AuditTestKit.EntriesAsync(node), e => e.Event == AuditEvent.UserCreated && e.UserId == node.OwnerAdmin.UserId);
    }

    [Fact]
    public async Task DisableUser_WhenTheAuditWriteFails_LeavesTheUserWorking()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var (host, failure) = FailingHost(node);
        await using var _ = host;
        failure.On = true;
        Assert.Equal(HttpStatusCode.InternalServerError, (await ApiClient(host, node.OwnerAdmin).PostAsync($"/api/users/{node.Owner.UserId}/disable", new { })).StatusCode);
        failure.On = false;

        Assert.False((await UserAsync(node, node.Owner.Email)).Disabled);
        Assert.Equal(HttpStatusCode.OK, (await node.Client(node.Owner).GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task FirstLoginPasswordSetup_WhenTheAuditWriteFails_KeepsTheOneTimePassword()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var (host, failure) = FailingHost(node);
        await using var _ = host;
        var browser = await LoggedInBrowserAsync(host, node.OwnerViewer.Email, node.OwnerViewer.Password);
        var token = await TokenAsync(browser, "/account/setup");
        failure.On = true;
        await browser.PostAsync("/account/setup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "setup-password",
            ["__RequestVerificationToken"] = token,
            ["Password.Current"] = node.OwnerViewer.Password,
            ["Password.New"] = "A-Brand-New-Password-42",
            ["Password.Confirm"] = "A-Brand-New-Password-42",
        }));
        failure.On = false;

        var user = await UserAsync(node, node.OwnerViewer.Email);
        Assert.True(user.MustChangePassword);
        await using var scope = node.Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        Assert.True(await users.CheckPasswordAsync(user, node.OwnerViewer.Password));
        Assert.False(await users.CheckPasswordAsync(user, "A-Brand-New-Password-42"));
    }

    [Fact]
    public async Task AuthenticatorKeyReset_IsAudited_AndNotStoredWhenTheAuditWriteFails()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var (host, failure) = FailingHost(node);
        await using var _ = host;
        var person = await ReadyAnalystAsync(node, "totp@owner.test", "Totp-Password-12345");
        var browser = await LoggedInBrowserAsync(host, person.Email, person.Password);

        failure.On = true;
        await browser.GetAsync("/account/setup?enrol=true");
        failure.On = false;
        await using (var scope = node.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
            Assert.Null(await users.GetAuthenticatorKeyAsync((await users.FindByEmailAsync(person.Email))!));
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/setup?enrol=true")).StatusCode);
        await using (var scope = node.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
            Assert.NotNull(await users.GetAuthenticatorKeyAsync((await users.FindByEmailAsync(person.Email))!));
        }

        Assert.Contains(await AuditTestKit.EntriesAsync(node), e => e.Event == AuditEvent.AuthenticatorKeyReset && e.UserId == person.UserId);
    }

    [Fact]
    public async Task ChangePassword_WhenTheAuditWriteFails_KeepsTheOldPassword()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var (host, failure) = FailingHost(node);
        await using var _ = host;
        var person = await ReadyAnalystAsync(node, "change@owner.test", "Change-Password-12345");
        var browser = await LoggedInBrowserAsync(host, person.Email, person.Password);
        var token = await TokenAsync(browser, "/account/manage");
        failure.On = true;
        await browser.PostAsync("/account/manage", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "manage-password",
            ["__RequestVerificationToken"] = token,
            ["Password.Current"] = person.Password,
            ["Password.New"] = "Another-Password-67890",
        }));
        failure.On = false;

        await using var scope = node.Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        var user = (await users.FindByEmailAsync(person.Email))!;
        Assert.True(await users.CheckPasswordAsync(user, person.Password));
    }

    [Fact]
    public async Task SignOutEverywhere_WhenTheAuditWriteFails_KeepsTheSessions()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var (host, failure) = FailingHost(node);
        await using var _ = host;
        var person = await ReadyAnalystAsync(node, "stamp@owner.test", "Stamp-Password-12345");
        var browser = await LoggedInBrowserAsync(host, person.Email, person.Password);
        var stamp = (await UserAsync(node, person.Email)).SecurityStamp;
        var token = await TokenAsync(browser, "/account/manage");
        failure.On = true;
        await browser.PostAsync("/account/signout-everywhere", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        failure.On = false;
        Assert.Equal(stamp, (await UserAsync(node, person.Email)).SecurityStamp);
    }

    [Fact]
    public async Task LanguageChange_WhenTheAuditWriteFails_KeepsTheOldLanguage()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var (host, failure) = FailingHost(node);
        await using var _ = host;
        var person = await ReadyAnalystAsync(node, "lang@owner.test", "Language-Password-12345");
        var browser = await LoggedInBrowserAsync(host, person.Email, person.Password);
        var before = (await UserAsync(node, person.Email)).Culture;
        var token = await TokenAsync(browser, "/account/manage");
        failure.On = true;
        await browser.PostAsync("/account/culture", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["culture"] = before == "sq" ? "mk" : "sq",
            ["returnUrl"] = "/",
        }));
        failure.On = false;
        Assert.Equal(before, (await UserAsync(node, person.Email)).Culture);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}

public sealed class SqliteAuditAtomicityTests() : AuditAtomicityTests(DatabaseProvider.Sqlite);

public sealed class PostgresAuditAtomicityTests() : AuditAtomicityTests(DatabaseProvider.Postgres);
