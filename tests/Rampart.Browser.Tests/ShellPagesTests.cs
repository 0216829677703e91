using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Rampart.Server.Access;
using Rampart.Server.Identity;
using Rampart.Standards.Markings;

namespace Rampart.Browser.Tests;

/// <summary>The shell's pages in a browser: accessibility (axe-core), navigation by role, safe actions, 404, public records.</summary>
public sealed class ShellPagesTests(BrowserNode node) : IClassFixture<BrowserNode>
{
    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    [Theory]
    [InlineData("en")]
    [InlineData("sq")]
    [InlineData("ka")]
    [InlineData("sr-Cyrl")]
    public async Task Accessibility_EveryPage_NoSeriousOrCriticalViolations(string culture)
    {
        var admin = await Seeds.UserAsync(node, $"a11y-{culture}@node.test", Role.NodeAdmin);
        var note = await Seeds.NoteAsync(node, admin, "Published advisory " + culture, Tlp.Clear, Audience.Network, published: true);
        await using var context = await Seeds.ContextAsync(node, culture);
        var page = await context.NewPageAsync();
        var problems = new List<string>();

        // Logged out: login, public list and record, unknown address.
        foreach (var path in new[] { "/account/login", "/public", $"/public/notes/{note.Id}", "/no-such-page" })
        {
            await page.GotoAsync(path);
            problems.AddRange(await SeriousViolationsAsync(page, path));
        }

        await Seeds.LogInAsync(page, admin);
        foreach (var path in new[] { "/", "/notes", "/notes/new", $"/notes/{note.Id}", "/organisations", $"/organisations/{admin.OrganisationId}",
                     "/communities", "/users", "/keys", "/audit", "/account/manage", "/no-such-page" })
        {
            await page.GotoAsync(path);
            if (path != "/account/manage")
            {
                await Seeds.WaitInteractiveAsync(page);
            }

            problems.AddRange(await SeriousViolationsAsync(page, path));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task Navigation_Analyst_SeesTheOrganisationsIntelligencePages_NoAdministrationLinks()
    {
        var analyst = await Seeds.UserAsync(node, "nav-analyst@node.test", Role.Analyst);
        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        await Seeds.LogInAsync(page, analyst);
        await Seeds.WaitInteractiveAsync(page);
        var nav = page.Locator("#side-navigation");
        await Expect(nav).ToContainTextAsync("Notes");
        await Expect(nav).ToContainTextAsync("Intelligence");
        // The organisation's own intelligence pages, saved CSV mappings among them (it had no link: new-user review).
        await Expect(nav.Locator("a[href='intel/imports']")).ToBeVisibleAsync();
        await Expect(nav.Locator("a[href='intel/csv-mappings']")).ToContainTextAsync("Saved CSV mappings");
        await Expect(nav).Not.ToContainTextAsync("Audit log");
        await Expect(nav).Not.ToContainTextAsync("Users");
        await Expect(nav).Not.ToContainTextAsync("Administration");
    }

    [Fact]
    public async Task NotFound_UnknownAddress_StyledPageWith404InUsersLanguage()
    {
        await using var context = await Seeds.ContextAsync(node, "sq");
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync("/this/does/not/exist");
        Assert.Equal(404, response!.Status);
        await Expect(page.Locator("h1")).ToHaveTextAsync("Nuk u gjet");
        await page.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath("404-logged-out-sq"), FullPage = true });

        var analyst = await Seeds.UserAsync(node, "lost-analyst@node.test", Role.Analyst);
        await using var english = await Seeds.ContextAsync(node);
        var loggedIn = await english.NewPageAsync();
        await Seeds.LogInAsync(loggedIn, analyst);
        response = await loggedIn.GotoAsync("/notes/not-a-guid/at-all");
        Assert.Equal(404, response!.Status);
        await Expect(loggedIn.Locator("h1")).ToHaveTextAsync("Not found");
        await Expect(loggedIn.Locator("#side-navigation")).ToBeVisibleAsync();
        await loggedIn.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath("404-logged-in"), FullPage = true });
    }

    [Fact]
    public async Task PublicRecord_LoggedOutVisitorFollowsNoteLink_SeesRecordNotLogin()
    {
        var analyst = await Seeds.UserAsync(node, "publisher@node.test", Role.Analyst);
        var published = await Seeds.NoteAsync(node, analyst, "Public advisory: patch the VPN gateways", Tlp.Clear, Audience.Network, published: true);
        var secret = await Seeds.NoteAsync(node, analyst, "Internal: who is affected", Tlp.Green, Audience.Network);
        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();

        await page.GotoAsync($"/notes/{published.Id}");
        await page.WaitForURLAsync($"**/public/notes/{published.Id}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Public advisory: patch the VPN gateways");
        await Expect(page.Locator(".tlp")).ToHaveTextAsync("TLP:CLEAR");
        await Expect(page.Locator("#node-contact")).ToContainTextAsync("Rampart node operator");
        await page.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath("public-record-logged-out"), FullPage = true });

        await page.GotoAsync("/public");
        await Expect(page.Locator("#public-records")).ToContainTextAsync("Public advisory: patch the VPN gateways");
        await Expect(page.Locator("main")).Not.ToContainTextAsync("Internal: who is affected");

        // A GREEN record's link leads to the login, and its public address is "not found".
        await page.GotoAsync($"/notes/{secret.Id}");
        await page.WaitForURLAsync("**/account/login**");
        var response = await page.GotoAsync($"/public/notes/{secret.Id}");
        Assert.Equal(404, response!.Status);
    }

    [Fact]
    public async Task RevokeKey_ConfirmationNamesKeyAndAsksPassword_WrongPasswordKeepsKey()
    {
        var analyst = await Seeds.UserAsync(node, "keyholder@node.test", Role.Analyst);
        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        await Seeds.LogInAsync(page, analyst);
        await page.GotoAsync("/keys");
        await Seeds.WaitInteractiveAsync(page);
        await page.FillAsync("#key-name", "SIEM export");
        await page.ClickAsync("button[type=submit] >> text=Create");
        await Expect(page.Locator("#new-api-key")).ToBeVisibleAsync();

        await page.ClickAsync(".revoke-key");
        var dialog = page.Locator(".mud-dialog");
        await Expect(dialog).ToContainTextAsync("SIEM export");
        await page.FillAsync("#reauth-secret", "not my password");
        await page.ClickAsync("#confirm-ok");
        await Expect(dialog).ToContainTextAsync("Wrong password or code.");
        await page.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath("confirm-revoke-key"), FullPage = true });
        await page.ClickAsync("#confirm-cancel");
        await Expect(page.Locator("#key-table")).Not.ToContainTextAsync("Revoked");

        await page.ClickAsync(".revoke-key");
        await page.FillAsync("#reauth-secret", Seeds.Password);
        await page.ClickAsync("#confirm-ok");
        await Expect(page.Locator("#key-table")).ToContainTextAsync("Revoked");
    }

    [Fact]
    public async Task DisableThenEnableUser_BothConfirmed_UserCanLogInAgain()
    {
        var admin = await Seeds.UserAsync(node, "org-admin@node.test", Role.OrgAdmin);
        var analyst = await Seeds.UserAsync(node, "to-disable@node.test", Role.Analyst);
        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        await Seeds.LogInAsync(page, admin);
        await page.GotoAsync("/users");
        await Seeds.WaitInteractiveAsync(page);
        await page.FillAsync("#user-filter", "to-disable");
        await Expect(page.Locator("#user-grid")).Not.ToContainTextAsync("org-admin@node.test");
        await page.ClickAsync("button[aria-label='Disable to-disable@node.test']");
        await Expect(page.Locator("#confirm-object")).ToContainTextAsync("to-disable@node.test");
        await page.FillAsync("#reauth-secret", Seeds.Password);
        await page.ClickAsync("#confirm-ok");
        await Expect(page.Locator("button[aria-label='Enable to-disable@node.test']")).ToBeVisibleAsync();

        await using var other = await Seeds.ContextAsync(node);
        var analystPage = await other.NewPageAsync();
        await analystPage.GotoAsync("/account/login");
        await analystPage.FillAsync("#email", analyst.Email);
        await analystPage.FillAsync("#password", analyst.Password);
        await analystPage.ClickAsync("main button[type=submit]");
        await Expect(analystPage).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login"));

        await page.ClickAsync("button[aria-label='Enable to-disable@node.test']");
        await page.FillAsync("#reauth-secret", Seeds.Password);
        await page.ClickAsync("#confirm-ok");
        await Expect(page.Locator("button[aria-label='Disable to-disable@node.test']")).ToBeVisibleAsync();
        await Seeds.LogInAsync(analystPage, analyst);
        await Expect(analystPage.Locator("h1")).ToHaveTextAsync("Home");
    }

    [Fact]
    public async Task Dashboard_NoteSharedSinceLastVisit_ListedAsNew()
    {
        var partner = await Seeds.OrganisationAsync(node, "CERT-MK", "MKD-CIRT");
        var reader = await Seeds.UserAsync(node, "dashboard-reader@node.test", Role.Analyst);
        var author = await Seeds.UserAsync(node, "mk-analyst@node.test", Role.Analyst, "CERT-MK");
        Assert.Equal(partner, author.OrganisationId);
        await Seeds.NoteAsync(node, author, "Ransomware group targets hospitals in the region", Tlp.Green, Audience.Network);
        await Seeds.NoteAsync(node, author, "Only for MK: internal", Tlp.Red, Audience.Organisation);
        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        await Seeds.LogInAsync(page, reader);
        await Seeds.WaitInteractiveAsync(page);
        await Expect(page.Locator("#new-notes")).ToContainTextAsync("Ransomware group targets hospitals");
        await Expect(page.Locator("#dashboard")).Not.ToContainTextAsync("Only for MK");
        await Expect(page.Locator("#card-open-work")).ToContainTextAsync("Placeholder");
        await Expect(page.Locator("#card-node-status")).ToContainTextAsync("Database reachable");
        await page.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath("dashboard"), FullPage = true });
    }

    [Fact]
    public async Task NoteGrid_LongUnbrokenTitlesOnPhone_PageDoesNotScrollSideways()
    {
        var analyst = await Seeds.UserAsync(node, "long-titles@node.test", Role.Analyst);
        await Seeds.NoteAsync(node, analyst, "IOC-" + new string('A', 180) + "-sha256-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Tlp.Amber, Audience.Organisation);
        await Seeds.NoteAsync(node, analyst, "Phishing kit hosted at https://login-microsoftonline-secure-verify-account.example.test/" + new string('z', 120), Tlp.Green, Audience.Network);
        foreach (var width in new[] { 360, 1440 })
        {
            await using var context = await Seeds.ContextAsync(node, width: width, height: 800);
            var page = await context.NewPageAsync();
            await Seeds.LogInAsync(page, analyst);
            await page.GotoAsync("/notes");
            await Seeds.WaitInteractiveAsync(page);
            await Expect(page.Locator("#note-grid")).ToContainTextAsync("TLP:AMBER");
            var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 1, $"at {width} px the page is {overflow} px wider than the screen");
            await page.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath($"grid-long-titles-{width}"), FullPage = true });
        }
    }

    [Fact]
    public async Task KeyboardOnly_SkipLinkNavigationAndNote_NoFocusBoxOnHeading()
    {
        var analyst = await Seeds.UserAsync(node, "keyboard@node.test", Role.Analyst);
        await Seeds.NoteAsync(node, analyst, "Keyboard reachable note", Tlp.Green, Audience.Network);
        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();

        // The first Tab on a page reaches the skip link; it moves focus to the main content. Then log in by keyboard.
        await page.GotoAsync("/public");
        await TabUntilAsync(page, "() => document.activeElement.className === 'skip'", backwards: true);
        Assert.True(await page.EvaluateAsync<bool>("() => getComputedStyle(document.activeElement).left !== '-999px'"), "the focused skip link is visible");
        await page.Keyboard.PressAsync("Enter");
        Assert.Equal("main", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        await TabUntilAsync(page, "() => document.activeElement.textContent.trim() === 'Log in'", backwards: true);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/account/login");
        await TabUntilAsync(page, "() => document.activeElement.id === 'email'");
        await page.Keyboard.TypeAsync(analyst.Email);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(analyst.Password);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        await Seeds.WaitInteractiveAsync(page);

        // Back through the side navigation to "Notes", open it, then forward to the note, without a mouse.
        await TabUntilAsync(page, "() => document.activeElement.textContent.trim() === 'Notes'", backwards: true);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync("**/notes");
        await Expect(page.Locator("#note-grid")).ToContainTextAsync("Keyboard reachable note");
        await TabUntilAsync(page, "() => document.activeElement.textContent.trim() === 'Keyboard reachable note'");
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Keyboard reachable note");

        // The heading that receives focus after navigation draws no focus box.
        var outline = await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('h1')).outlineStyle");
        Assert.Equal("none", outline);
    }

    [Fact]
    public async Task AuditLog_RepeatedViewsAndCsvExport_FoldedAndExportAudited()
    {
        var admin = await Seeds.UserAsync(node, "auditor@node.test", Role.NodeAdmin);
        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        await Seeds.LogInAsync(page, admin);
        for (var i = 0; i < 3; i++)
        {
            await page.GotoAsync("/audit");
            await Seeds.WaitInteractiveAsync(page);
        }

        // Three views of the audit log by the same person fold into one line; names instead of ids.
        var table = page.Locator("#audit-table");
        await Expect(table).ToContainTextAsync("3 views since");
        await Expect(table).ToContainTextAsync("auditor Example");
        await Expect(table).ToContainTextAsync("Logged in");

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#export-csv"));
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.StartsWith("sequence,time_utc,event", csv, StringComparison.Ordinal);
        Assert.Contains("LoginSucceeded", csv, StringComparison.Ordinal);
        await Expect(table).ToContainTextAsync("csv export");

        // Filter by event: only logins remain.
        await page.SelectOptionAsync("#audit-event", "LoginSucceeded");
        await page.ClickAsync("#apply-filters");
        await Expect(table).Not.ToContainTextAsync("Audit log viewed");
        await Expect(table).ToContainTextAsync("Logged in");
    }

    private static async Task TabUntilAsync(IPage page, string condition, bool backwards = false)
    {
        for (var i = 0; i < 60; i++)
        {
            if (await page.EvaluateAsync<bool>(condition))
            {
                return;
            }

            await page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
        }

        Assert.Fail($"the keyboard never reached {condition}");
    }

    private static async Task<IEnumerable<string>> SeriousViolationsAsync(IPage page, string path)
    {
        // Every page has a title (the server renders it); while the circuit starts, HeadOutlet re-renders the <head> and for
        // a moment there is none — axe must not look in that moment (a slow machine caught it once: "document-title").
        // The wait alone still lost the race once more (session 10, sr-Cyrl, logged-out /no-such-page: the circuit started between
        // the wait and axe), so a document-title finding is checked again after the title is back; any other finding stands.
        var options = new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } };
        await page.WaitForFunctionAsync("() => document.title.trim().length > 0", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        var result = await page.RunAxe(options);
        if (result.Violations.Any(v => v.Id == "document-title"))
        {
            await page.WaitForFunctionAsync("() => document.title.trim().length > 0", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
            result = await page.RunAxe(options);
        }

        return result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{path}: {v.Id} ({v.Impact}) {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target)))}");
    }
}
