using Microsoft.Playwright;
using Rampart.Server.Access;

namespace Rampart.Browser.Tests;

/// <summary>
/// Issue 11 in the browser, the templates page: an organisation's administrator writes a template through the form and
/// sees it listed with its tasks; the organisation's analysts see it without the controls; another organisation does not
/// see it at all; deleting asks first, and a cancel keeps it.
/// </summary>
public sealed class IncidentTemplatesPageTests(BrowserNode node) : IClassFixture<BrowserNode>
{
    private static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await Seeds.WaitInteractiveAsync(page);
    }

    [Fact]
    public async Task Template_WrittenByTheOrganisationsAdmin_IsListedForItsAnalystsWithoutControls_NotForAnotherOrganisation_AndDeletingAsksFirst()
    {
        await Seeds.OrganisationAsync(node, "TOWN", "Team Templates Owner");
        await Seeds.OrganisationAsync(node, "TOTH", "Team Templates Other");
        var admin = await Seeds.UserAsync(node, "admin@town.test", Role.OrgAdmin, "TOWN");
        var analyst = await Seeds.UserAsync(node, "analyst@town.test", Role.Analyst, "TOWN");
        var otherAdmin = await Seeds.UserAsync(node, "admin@toth.test", Role.OrgAdmin, "TOTH");

        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        await Seeds.LogInAsync(page, admin);
        await OpenAsync(page, "/incidents/templates");
        await page.FillAsync("#template-name", "Ransomware at a hospital");
        await page.FillAsync("#template-description", "Start here when a hospital reports encryption.");
        await page.FillAsync("#template-tasks", "Isolate the affected segment\nAsk for the ransom note");
        await page.ClickAsync("#template-save");
        var table = page.Locator("#templates");
        await Assertions.Expect(table).ToContainTextAsync("Ransomware at a hospital");
        await Assertions.Expect(table).ToContainTextAsync("Isolate the affected segment; Ask for the ransom note");
        var row = table.Locator("tr", new() { HasText = "Ransomware at a hospital" });
        var deleteButton = row.Locator("button[id^='delete-']");
        await Assertions.Expect(deleteButton).ToHaveCountAsync(1);

        // The organisation's analyst reads it, without edit or delete and without the form.
        await using (var analystContext = await Seeds.ContextAsync(node))
        {
            var analystPage = await analystContext.NewPageAsync();
            await Seeds.LogInAsync(analystPage, analyst);
            await OpenAsync(analystPage, "/incidents/templates");
            await Assertions.Expect(analystPage.Locator("#templates")).ToContainTextAsync("Ransomware at a hospital");
            await Assertions.Expect(analystPage.Locator("#templates button")).ToHaveCountAsync(0);
            await Assertions.Expect(analystPage.Locator("#template-form")).ToHaveCountAsync(0);
        }

        // Another organisation's administrator does not see it.
        await using (var otherContext = await Seeds.ContextAsync(node))
        {
            var otherPage = await otherContext.NewPageAsync();
            await Seeds.LogInAsync(otherPage, otherAdmin);
            await OpenAsync(otherPage, "/incidents/templates");
            Assert.DoesNotContain("Ransomware at a hospital", await otherPage.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        }

        // Deleting asks, naming the template; cancel keeps it, confirm removes it.
        await deleteButton.ClickAsync();
        await Assertions.Expect(page.Locator("#confirm-object")).ToHaveTextAsync("Ransomware at a hospital");
        await page.ClickAsync("#confirm-cancel");
        await page.Locator("#confirm-object").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        await Assertions.Expect(page.Locator("#templates")).ToContainTextAsync("Ransomware at a hospital");
        await deleteButton.ClickAsync();
        await page.ClickAsync("#confirm-ok");
        await Assertions.Expect(page.Locator("main")).Not.ToContainTextAsync("Ransomware at a hospital");
    }
}
