using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Data;
using Rampart.Server.Identity;

namespace Rampart.Server.Tests;

/// <summary>
/// Security actions over the REST API ask for fresh proof, as the pages do: a session older than the
/// re-authentication window gets 403 with a machine-readable type until it re-authenticates; a key that may
/// write is its own proof, a read-only key is none.
/// </summary>
public sealed class ReauthenticationApiTests
{
    private static readonly TimeSpan PastTheWindow = TimeSpan.FromMinutes(11);

    private static async Task<HttpClient> OrgAdminSessionAsync(SeededNode node, string email, string password)
    {
        var user = await WebForms.ReadyUserAsync(node, email, password, Role.OrgAdmin);
        string recovery;
        await using (var scope = node.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
            user = (await users.FindByIdAsync(user.Id.ToString()))!;
            await users.ResetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
            recovery = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 1))!.Single();
        }

        var browser = WebForms.Browser(node.Factory);
        Assert.Equal(HttpStatusCode.Redirect, (await WebForms.LogInAsync(browser, email, password)).StatusCode);
        var second = await WebForms.PostFormAsync(browser, "/account/login-2fa", "/account/login-2fa", "login-2fa", new() { ["Input.Code"] = "", ["Input.RecoveryCode"] = recovery });
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/me")).StatusCode);
        return browser;
    }

    private static async Task AssertReauthenticationRequiredAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await Json.ReadAsync(response);
        Assert.Equal(FreshProof.ProblemType, body["type"]!.GetValue<string>());
        Assert.Contains("Re-authenticate", body["title"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static async Task<bool> DisabledAsync(SeededNode node, Guid userId)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RampartDb>().Users.Where(u => u.Id == userId).Select(u => u.Disabled).SingleAsync();
    }

    [Fact]
    public async Task DisableAndEnable_WithAStaleSession_Are403ReauthenticationRequired_UntilTheAdminProvesItselfAgain()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite);
        var admin = await OrgAdminSessionAsync(node, "second-admin@owner.test", "Second-Admin-Pass-1");

        // Just logged in: fresh.
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/users/{node.Owner.UserId}/disable", new { })).StatusCode);
        Assert.True(await DisabledAsync(node, node.Owner.UserId));

        node.Factory.Clock.Advance(PastTheWindow);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/me")).StatusCode); // still a valid session for reading
        await AssertReauthenticationRequiredAsync(await admin.PostAsync($"/api/users/{node.Owner.UserId}/enable", new { }));
        Assert.True(await DisabledAsync(node, node.Owner.UserId));
        await AssertReauthenticationRequiredAsync(await admin.PostAsync($"/api/users/{node.OwnerViewer.UserId}/disable", new { }));
        Assert.False(await DisabledAsync(node, node.OwnerViewer.UserId));

        // A wrong secret proves nothing.
        var wrong = await admin.PostAsync("/api/me/reauthenticate", new { secret = "not-my-password" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.NotNull((await Json.ReadAsync(wrong))["errors"]!["secret"]);
        await AssertReauthenticationRequiredAsync(await admin.PostAsync($"/api/users/{node.Owner.UserId}/enable", new { }));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync("/api/me/reauthenticate", new { secret = "Second-Admin-Pass-1" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/users/{node.Owner.UserId}/enable", new { })).StatusCode);
        Assert.False(await DisabledAsync(node, node.Owner.UserId));

        // The renewed proof ages like the first one.
        node.Factory.Clock.Advance(PastTheWindow);
        await AssertReauthenticationRequiredAsync(await admin.PostAsync($"/api/users/{node.Owner.UserId}/disable", new { }));
        await AssertReauthenticationRequiredAsync(await admin.PutAsync($"/api/organisations/{node.OwnerOrg}",
            new { name = "Team OWNER", shortName = "OWNER", country = "AL", kind = "national-cert", phone24x7 = "+355 1" }));
        Assert.False(await DisabledAsync(node, node.Owner.UserId));
    }

    [Fact]
    public async Task OwnKeyCreation_WithAStaleAnalystSession_Is403_AndAFreshOneWorks()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite);
        var user = await WebForms.ReadyUserAsync(node, "keys@owner.test", "Keys-Password-1234");
        var browser = WebForms.Browser(node.Factory);
        Assert.Equal(HttpStatusCode.Redirect, (await WebForms.LogInAsync(browser, "keys@owner.test", "Keys-Password-1234")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await browser.PostAsync($"/api/users/{user.Id}/keys", new { name = "fresh" })).StatusCode);

        node.Factory.Clock.Advance(PastTheWindow);
        await AssertReauthenticationRequiredAsync(await browser.PostAsync($"/api/users/{user.Id}/keys", new { name = "stale" }));
        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostAsync("/api/me/reauthenticate", new { secret = "Keys-Password-1234" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await browser.PostAsync($"/api/users/{user.Id}/keys", new { name = "proved" })).StatusCode);
    }

    [Fact]
    public async Task ApiKeys_AreTheirOwnProofUnlessReadOnly()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite);
        node.Factory.Clock.Advance(TimeSpan.FromDays(1)); // keys have no session age

        Assert.Equal(HttpStatusCode.NoContent, (await node.Client(node.OwnerAdmin).PostAsync($"/api/users/{node.Owner.UserId}/disable", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await node.Client(node.OwnerAdmin).PostAsync($"/api/users/{node.Owner.UserId}/enable", new { })).StatusCode);

        Person readOnlyAdmin;
        await using (var scope = node.Factory.Services.CreateAsyncScope())
        {
            readOnlyAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, node.OwnerOrg, "ro-admin@owner.test", Role.OrgAdmin, readOnlyKey: true);
        }

        var response = await node.Client(readOnlyAdmin).PostAsync($"/api/users/{node.Owner.UserId}/disable", new { });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(FreshProof.ReadOnlyProblemType, (await Json.ReadAsync(response))["type"]!.GetValue<string>());
        Assert.False(await DisabledAsync(node, node.Owner.UserId));

        // A key cannot "re-authenticate": it is its own proof.
        Assert.Equal(HttpStatusCode.BadRequest, (await node.Client(node.OwnerAdmin).PostAsync("/api/me/reauthenticate", new { secret = "x" })).StatusCode);
    }
}
