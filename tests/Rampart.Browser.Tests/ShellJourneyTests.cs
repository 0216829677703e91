using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Identity;

namespace Rampart.Browser.Tests;

/// <summary>
/// What an analyst does in a browser: first login with a one-time password and a second factor,
/// a language switch, an organisation and a user created, an AMBER note shared to a community,
/// and a user of an organisation outside that community trying the note's URL.
/// </summary>
public sealed partial class ShellJourneyTests(BrowserNode node) : IClassFixture<BrowserNode>
{
    private const string NewPassword = "Correct-Horse-Battery-42";

    [Fact]
    public async Task AdminJourney_SecondFactorLanguageOrganisationUserAndAmberNote_OutsiderGetsNotFound()
    {
        var admin = await CreateNodeAdminAsync();
        await using var context = await node.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = node.BaseUrl, Locale = "en-GB" });
        var page = await context.NewPageAsync();

        // First login: the one-time password must be replaced, then a second factor set up.
        await LogInAsync(page, admin.Email, admin.Password);
        await page.WaitForURLAsync("**/account/setup");
        await page.FillAsync("#current", admin.Password);
        await page.FillAsync("#new", NewPassword);
        await page.FillAsync("#confirm", NewPassword);
        await page.ClickAsync("button[type=submit] >> text=Change password");
        var key = await page.Locator("#totp-key").InnerTextAsync();
        await page.FillAsync("#totp-code", Totp.Code(key, TimeProvider.System.GetUtcNow()));
        await page.ClickAsync("button[type=submit] >> text=Verify");
        await Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);

        // Log out and in again: now the authenticator code is asked for. A code is accepted once, so wait for the next one.
        await page.ClickAsync("button >> text=Log out");
        await page.WaitForURLAsync("**/account/login");
        await Task.Delay(TimeSpan.FromSeconds(30 - (TimeProvider.System.GetUtcNow().ToUnixTimeSeconds() % 30) + 1));
        await LogInAsync(page, admin.Email, NewPassword);
        await page.WaitForURLAsync("**/account/login-2fa**");
        await page.FillAsync("#code", Totp.Code(key, TimeProvider.System.GetUtcNow()));
        await page.ClickAsync("button[type=submit] >> text=Verify");
        await Expect(page.Locator("#side-navigation")).ToContainTextAsync("Organisations");

        // Switch to Albanian from the top bar's language menu: the navigation is translated, and the choice sticks.
        await Seeds.WaitInteractiveAsync(page);
        await page.ClickAsync("button[aria-label='Language']");
        await page.ClickAsync("button[lang='sq']");
        await Expect(page.Locator("#side-navigation")).ToContainTextAsync("Organizatat");
        await Expect(page.Locator("#side-navigation")).ToContainTextAsync("Shënimet");
        await Seeds.WaitInteractiveAsync(page);
        await page.ClickAsync("button[aria-label='Gjuha']");
        await page.ClickAsync("button[lang='en']");
        await Expect(page.Locator("#side-navigation")).ToContainTextAsync("Organisations");

        // Create an organisation outside any community.
        await page.GotoAsync("/organisations");
        await Seeds.WaitInteractiveAsync(page);
        await page.FillAsync("#org-name", "Energy CSIRT Serbia");
        await page.FillAsync("#org-short", "ENERGY-RS");
        await page.FillAsync("#org-country", "Serb");
        await page.ClickAsync(".mud-popover-open .mud-list-item >> text=Serbia (RS)");
        await page.SelectOptionAsync("#org-kind", "SectoralCsirt");
        await page.ClickAsync("button[type=submit] >> text=Create");
        await Expect(page.Locator("h1")).ToContainTextAsync("Energy CSIRT Serbia (ENERGY-RS)", new() { Timeout = 15000 });

        // Onboard that organisation: its first user, its org admin; the one-time password is shown once.
        await page.GotoAsync("/users");
        await Seeds.WaitInteractiveAsync(page);
        await page.FillAsync("#user-email", "analyst@energy.rs.test");
        await page.SelectOptionAsync("#user-org", new SelectOptionValue { Label = "ENERGY-RS" });
        await page.SelectOptionAsync("#user-role", "OrgAdmin");
        await page.ClickAsync("button[type=submit] >> text=Create");
        var outsiderPassword = await page.Locator("#one-time-password").InnerTextAsync();
        await Expect(page.Locator("#user-grid")).ToContainTextAsync("analyst@energy.rs.test");

        // A community of the node's own organisation, and an AMBER note shared to it.
        await page.GotoAsync("/communities");
        await Seeds.WaitInteractiveAsync(page);
        await page.FillAsync("#community-name", "WB national CERTs");
        await page.SelectOptionAsync("#community-moderator", new SelectOptionValue { Label = "NODE" });
        await page.ClickAsync("button[type=submit] >> text=Create");
        await Expect(page.Locator("#community-grid")).ToContainTextAsync("WB national CERTs");

        await page.GotoAsync("/notes/new");
        await Seeds.WaitInteractiveAsync(page);
        await page.FillAsync("#note-title", "Phishing wave against ministries");
        await page.FillAsync("#note-body", "Sender domains rotate **hourly**.");
        await page.SelectOptionAsync("#note-tlp", "Amber");
        await page.SelectOptionAsync("#note-audience", "Community");
        await page.SelectOptionAsync("#note-community", new SelectOptionValue { Label = "WB national CERTs" });
        await page.ClickAsync("button[type=submit] >> text=Share");
        await page.WaitForURLAsync(NoteUrl());
        await Expect(page.Locator("h1")).ToHaveTextAsync("Phishing wave against ministries");
        await Expect(page.Locator(".tlp")).ToHaveTextAsync("TLP:AMBER");
        var noteUrl = page.Url;

        // The list page is interactive: typing filters it live.
        await page.GotoAsync("/notes");
        await Expect(page.Locator("#note-count")).ToHaveTextAsync("1 note you may read.");
        await Expect(page.Locator("#note-filter-field[data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 15000 });
        await page.FillAsync("#note-filter", "no such title");
        await Expect(page.Locator("#note-count")).ToContainTextAsync("0 notes");

        // The outsider logs in (fresh browser), sets a password, and tries the note's URL.
        await using var outsiderContext = await node.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = node.BaseUrl, Locale = "en-GB" });
        var outsider = await outsiderContext.NewPageAsync();
        await LogInAsync(outsider, "analyst@energy.rs.test", outsiderPassword);
        await outsider.WaitForURLAsync("**/account/setup");
        await outsider.FillAsync("#current", outsiderPassword);
        await outsider.FillAsync("#new", NewPassword);
        await outsider.FillAsync("#confirm", NewPassword);
        await outsider.ClickAsync("button[type=submit] >> text=Change password");
        var outsiderKey = await outsider.Locator("#totp-key").InnerTextAsync();
        await outsider.FillAsync("#totp-code", Totp.Code(outsiderKey, TimeProvider.System.GetUtcNow()));
        await outsider.ClickAsync("button[type=submit] >> text=Verify");
        await Expect(outsider.Locator("#recovery-codes li")).ToHaveCountAsync(10);

        var response = await outsider.GotoAsync(noteUrl);
        Assert.Equal(404, response!.Status);
        await Expect(outsider.Locator("h1")).ToHaveTextAsync("Not found");
        await Expect(outsider.Locator("main")).Not.ToContainTextAsync("Phishing wave");
        await outsider.GotoAsync("/notes");
        await Expect(outsider.Locator("#note-count")).ToContainTextAsync("0 notes");
    }

    private static async Task LogInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("main button[type=submit]");
    }

    // Seeded directly: the operator creates only an organisation's first user, and the hosting organisation has one.
    private async Task<(string Email, string Password)> CreateNodeAdminAsync()
    {
        await using var scope = node.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var nodeOrganisation = await db.Organisations.SingleAsync(o => o.ShortName == "NODE");
        var password = UserAdministration.OneTimePassword();
        var user = new User
        {
            Id = Guid.CreateVersion7(),
            UserName = "root@node.test",
            Email = "root@node.test",
            EmailConfirmed = true,
            DisplayName = "Root",
            OrganisationId = nodeOrganisation.Id,
            Role = Role.NodeAdmin,
            MustChangePassword = true,
            LockoutEnabled = true,
            CreatedAt = TimeProvider.System.GetUtcNow(),
        };
        var result = await scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<User>>().CreateAsync(user, password);
        Assert.True(result.Succeeded);
        return ("root@node.test", password);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    [GeneratedRegex(@"/notes/[0-9a-f-]{36}$")]
    private static partial Regex NoteUrl();
}
