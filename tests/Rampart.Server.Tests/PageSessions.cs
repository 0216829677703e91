using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Identity;

namespace Rampart.Server.Tests;

/// <summary>
/// Browser sessions for page tests: a new person logged in through the web forms (password, and the second factor for
/// administrators), holding the cookie a browser holds. The pages are then read as their prerendered HTML.
/// </summary>
/// <remarks>
/// Administrators (<see cref="User.RequiresSecondFactor"/>) whose password was reset but who had no second factor are sent
/// to <c>/account/setup</c> on every page; here every person chooses a password, administrators also get an authenticator
/// and pass the second step with its code, so each session is a finished one.
/// </remarks>
public static class PageSessions
{
    public static async Task<(Person Person, HttpClient Browser)> OpenAsync(SeededNode node, Guid organisation, Role role)
    {
        ArgumentNullException.ThrowIfNull(node);
        var email = $"page-{Guid.NewGuid():N}@roles.test";
        const string password = "Page-Roles-Password-2026";
        Person person;
        string? key = null;
        await using (var scope = node.Factory.Services.CreateAsyncScope())
        {
            person = await SeededNode.PersonAsync(scope.ServiceProvider, organisation, email, role);
            var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
            var user = (await users.FindByEmailAsync(email))!;
            Assert.True((await users.RemovePasswordAsync(user)).Succeeded);
            Assert.True((await users.AddPasswordAsync(user, password)).Succeeded);
            user.MustChangePassword = false;
            Assert.True((await users.UpdateAsync(user)).Succeeded);
            if (user.RequiresSecondFactor)
            {
                await users.ResetAuthenticatorKeyAsync(user);
                await users.SetTwoFactorEnabledAsync(user, true);
                key = await users.GetAuthenticatorKeyAsync(user);
            }
        }

        var browser = WebForms.Browser(node.Factory);
        var login = await WebForms.LogInAsync(browser, email, password);
        Assert.True(login.StatusCode == HttpStatusCode.Redirect, $"login of a {role}: {(int)login.StatusCode}");
        if (key is not null)
        {
            Assert.Contains("login-2fa", login.Headers.Location!.OriginalString, StringComparison.Ordinal);
            var second = await WebForms.PostFormAsync(browser, "/account/login-2fa", "/account/login-2fa", "login-2fa", new()
            {
                ["Input.Code"] = Authenticator.Code(key, node.Factory.Clock.GetUtcNow()),
                ["Input.RecoveryCode"] = "",
            });
            Assert.True(second.StatusCode == HttpStatusCode.Redirect, $"second factor of a {role}: {(int)second.StatusCode}");
            Assert.DoesNotContain("login-2fa", second.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        // A finished session: the account's own page answers, no setup is pending.
        var me = await browser.GetAsync("/api/me");
        Assert.True(me.StatusCode == HttpStatusCode.OK, $"session of a {role}: {(int)me.StatusCode}");
        return (person, browser);
    }
}
