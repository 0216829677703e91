using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rampart.Server.Access;
using Rampart.Server.Capacity.Maturity;
using static Microsoft.Playwright.Assertions;

namespace Rampart.Browser.Tests;

/// <summary>
/// Issue 12's regional comparison: an organisation's administrator reads what opting in releases (the differencing
/// risk) before the organisation counts, and opting in asks first; cancelling leaves the organisation out.
/// </summary>
public sealed class RegionalComparisonPageTests : IClassFixture<BrowserNode>
{
    private readonly BrowserNode node;

    public RegionalComparisonPageTests(BrowserNode node)
    {
        this.node = node;
        SetDefaultExpectTimeout(30_000);
    }

    private async Task<bool> OptedInAsync(Caller caller)
    {
        await using var scope = node.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MaturityQueries>().OptedInAsync(caller, default);
    }

    [Fact]
    public async Task OptIn_TheAdministratorSeesTheDifferencingRisk_CancellingLeavesTheOrganisationOut_ConfirmingOptsIn()
    {
        await Seeds.OrganisationAsync(node, "RGC", "Team Regional Choice");
        var admin = await Seeds.UserAsync(node, "admin@rgc.test", Role.OrgAdmin, "RGC");
        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        page.SetDefaultNavigationTimeout(90_000);
        await Seeds.LogInAsync(page, admin);
        await page.GotoAsync("/capacity/maturity/regional");
        await Seeds.WaitInteractiveAsync(page);
        await Expect(page.Locator("#regional-opt-in-risk")).ToContainTextAsync("how your levels moved");

        var toggle = page.GetByLabel("Our organisation contributes to the regional comparison");
        await toggle.ClickAsync(new LocatorClickOptions { Force = true });
        await Expect(page.Locator("#confirm-title")).ToContainTextAsync("Contribute to the regional comparison?");
        await page.ClickAsync("#confirm-cancel");
        await Expect(page.Locator("#confirm-title")).ToHaveCountAsync(0);
        Assert.False(await OptedInAsync(admin.Caller));
        await Expect(toggle).Not.ToBeCheckedAsync();

        await toggle.ClickAsync(new LocatorClickOptions { Force = true });
        await page.ClickAsync("#confirm-ok");
        await Expect(page.Locator("#confirm-title")).ToHaveCountAsync(0);
        await Expect(toggle).ToBeCheckedAsync();

        // What the node stored: the page opened again shows the organisation in.
        await page.ReloadAsync();
        await Seeds.WaitInteractiveAsync(page);
        await Expect(page.GetByLabel("Our organisation contributes to the regional comparison")).ToBeCheckedAsync();
        Assert.True(await OptedInAsync(admin.Caller));
    }
}
