using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Data;
using Rampart.Server.Identity;

namespace Rampart.Server.Tests;

/// <summary>Password login through the web form, cookie sessions, "sign out everywhere" and the login throttle.</summary>
public sealed partial class SessionTests
{
    private static async Task<Person> ReadyAnalystAsync(SeededNode node, string email, string password)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        var person = await SeededNode.PersonAsync(scope.ServiceProvider, node.OwnerOrg, email, Role.Analyst);
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<User>>();
        var user = (await users.FindByEmailAsync(email))!;
        await users.RemovePasswordAsync(user);
        await users.AddPasswordAsync(user, password);
        user.MustChangePassword = false;
        await users.UpdateAsync(user);
        return person;
    }

    private static HttpClient Browser(SeededNode node) =>
        node.Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<(string Token, string Handler)> FormAsync(HttpClient client, string url, string formName)
    {
        var html = await client.GetStringAsync(url);
        var token = AntiforgeryToken().Match(html).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), $"no anti-forgery token on {url}");
        return (token, formName);
    }

    private static async Task<HttpResponseMessage> LogInAsync(HttpClient client, string email, string password)
    {
        var (token, handler) = await FormAsync(client, "/account/login", "login");
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = handler,
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }));
    }

    [Fact]
    public async Task SignOutEverywhere_EndsEveryOtherSessionAtItsNextRequest()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite);
        await ReadyAnalystAsync(node, "two-laptops@owner.test", "Laptop-Password-123");
        var laptop = Browser(node);
        var phone = Browser(node);
        Assert.Equal(HttpStatusCode.Redirect, (await LogInAsync(laptop, "two-laptops@owner.test", "Laptop-Password-123")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await LogInAsync(phone, "two-laptops@owner.test", "Laptop-Password-123")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/api/me")).StatusCode);

        var (token, _) = await FormAsync(laptop, "/account/manage", "signout");
        var signOut = await laptop.PostAsync("/account/signout-everywhere",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        node.Factory.Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Unauthorized, (await phone.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await laptop.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task KeysPage_OfSomeoneInAnotherOrganisation_IsNotFound()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite);
        await ReadyAnalystAsync(node, "pages@owner.test", "Pages-Password-1234");
        var client = Browser(node);
        await LogInAsync(client, "pages@owner.test", "Pages-Password-1234");

        var own = await client.GetAsync("/keys");
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains("tests", await client.GetStringAsync("/keys?user=" + (await MeAsync(client))), StringComparison.Ordinal);

        var other = await client.GetAsync($"/keys?user={node.Outsider.UserId}");
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.DoesNotContain(node.Outsider.Email, await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static async Task<Guid> MeAsync(HttpClient client) =>
        (await Json.ReadAsync(await client.GetAsync("/api/me")))["id"]!.GetValue<Guid>();

    [Fact]
    public async Task FormPost_WithoutAntiforgeryToken_IsRejected()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite);
        await ReadyAnalystAsync(node, "csrf@owner.test", "Csrf-Password-1234");
        var client = Browser(node);
        await LogInAsync(client, "csrf@owner.test", "Csrf-Password-1234");
        var response = await client.PostAsync("/account/signout-everywhere", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task OneTimePassword_SessionCanOnlyReachAccountSetup()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite);
        var client = Browser(node);
        Assert.Equal(HttpStatusCode.Redirect, (await LogInAsync(client, node.Owner.Email, node.Owner.Password)).StatusCode);
        var notes = await client.GetAsync("/notes");
        Assert.Equal(HttpStatusCode.Redirect, notes.StatusCode);
        Assert.EndsWith("/account/setup", notes.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/notes")).StatusCode);
    }

    [Fact]
    public async Task RepeatedFailedLogins_LockTheAccount_AndThrottleTheAddress()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Rampart:Limits:AuthenticationFailuresPerWindow"] = "8",
        });
        await ReadyAnalystAsync(node, "target@owner.test", "Right-Password-123");
        var attacker = Browser(node);
        for (var i = 0; i < 5; i++)
        {
            var html = await (await LogInAsync(attacker, "target@owner.test", $"wrong-{i}")).Content.ReadAsStringAsync();
            Assert.Contains("The e-mail or password is wrong", html, StringComparison.Ordinal);
        }

        // Five failures lock the account: even the right password is refused for now.
        var refused = await LogInAsync(Browser(node), "target@owner.test", "Right-Password-123");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("The e-mail or password is wrong, or the account is locked", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using (var scope = node.Factory.Services.CreateAsyncScope())
        {
            var user = await scope.ServiceProvider.GetRequiredService<RampartDb>().Users.SingleAsync(u => u.Email == "target@owner.test");
            Assert.NotNull(user.LockoutEnd);
        }

        // Spraying other accounts from the same address runs into the address budget.
        for (var i = 0; i < 3; i++)
        {
            await LogInAsync(attacker, $"nobody{i}@owner.test", "whatever-password");
        }

        var blocked = await (await LogInAsync(attacker, "analyst@member.test", "whatever-password")).Content.ReadAsStringAsync();
        Assert.Contains("Too many failed attempts", blocked, StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
