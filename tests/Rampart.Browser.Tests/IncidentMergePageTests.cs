using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Incidents;
using Rampart.Standards.Markings;

namespace Rampart.Browser.Tests;

/// <summary>
/// Issue 11 in the browser, the incident page's destructive controls: merging an incident into another one of the same
/// organisation asks first — naming both numbers and the organisations that will read the survivor — and a cancel changes
/// nothing; confirming moves the journal and opens the survivor. Marking as a duplicate asks likewise.
/// </summary>
public sealed class IncidentMergePageTests(BrowserNode node) : IClassFixture<BrowserNode>
{
    private static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await Seeds.WaitInteractiveAsync(page);
    }

    private async Task<IncidentStatus> StatusAsync(Guid id)
    {
        await using var scope = node.Services.CreateAsyncScope();
        var incidents = scope.ServiceProvider.GetRequiredService<RampartDb>().Incidents;
        return await incidents.AsNoTracking().Where(i => i.Id == id).Select(i => i.Status).SingleAsync();
    }

    private static async Task PickOtherAsync(IPage page, string number)
    {
        await page.FillAsync("#other-incident", number);
        await page.ClickAsync($".mud-popover-open .mud-list-item >> text={number}");
    }

    [Fact]
    public async Task Merge_AsksNamingBothNumbersAndWhoWillJoin_CancelChangesNothing_ConfirmMovesTheJournalAndOpensTheSurvivor()
    {
        await Seeds.OrganisationAsync(node, "MOWN", "Team Merge Owner");
        var partnerOrg = await Seeds.OrganisationAsync(node, "MPART", "Team Merge Partner");
        var owner = await Seeds.UserAsync(node, "analyst@mown.test", Role.Analyst, "MOWN");
        var partner = await Seeds.UserAsync(node, "analyst@mpart.test", Role.Analyst, "MPART");

        Incident merged, survivor, other;
        await using (var scope = node.Services.CreateAsyncScope())
        {
            var editing = scope.ServiceProvider.GetRequiredService<IncidentEditing>();
            IncidentRequest Request(string title) => new(title, "Reported twice by two sectors.", Tlp.Amber, null, IncidentSeverity.High, "energy", ["XK"],
                [new RsitRequest("intrusions", "system-compromise")], "Grid operator", AffectedEntityKind.Essential);
            merged = await editing.CreateAsync(owner.Caller, Request("Wiper seen by the DSO"), default);
            survivor = await editing.CreateAsync(owner.Caller, Request("Wiper at the grid operator"), default);
            other = await editing.CreateAsync(owner.Caller, Request("Unrelated phishing"), default);
            var invitation = (await editing.InviteAsync(owner.Caller, merged.Id, new InviteRequest(partnerOrg, ParticipantRole.Contributor, null), default))!;
            await editing.AnswerAsync(partner.Caller, invitation.Id, true, default);
            await editing.AddEntryAsync(owner.Caller, merged.Id, new JournalRequest("Disk image of substation 4 taken at 03:10."), default);
        }

        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        await Seeds.LogInAsync(page, owner);

        // Mark as duplicate asks first; cancelled, the incident keeps its status.
        await OpenAsync(page, $"/incidents/{other.Id}");
        await PickOtherAsync(page, survivor.HumanId);
        await page.ClickAsync("#mark-duplicate");
        await Assertions.Expect(page.Locator("#confirm-title")).ToContainTextAsync($"{other.HumanId}");
        await Assertions.Expect(page.Locator("#confirm-title")).ToContainTextAsync(survivor.HumanId);
        await page.ClickAsync("#confirm-cancel");
        await page.Locator("#confirm-title").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        Assert.NotEqual(IncidentStatus.Duplicate, await StatusAsync(other.Id));

        // Merge asks, naming both numbers and the organisation that would read the survivor; cancel changes nothing.
        await OpenAsync(page, $"/incidents/{merged.Id}");
        await PickOtherAsync(page, survivor.HumanId);
        await page.ClickAsync("#merge");
        await Assertions.Expect(page.Locator("#confirm-title")).ToContainTextAsync($"{merged.HumanId}");
        await Assertions.Expect(page.Locator("#confirm-title")).ToContainTextAsync(survivor.HumanId);
        await Assertions.Expect(page.Locator(".confirm-dialog")).ToContainTextAsync("MPART");
        await Assertions.Expect(page.Locator("#confirm-object")).ToHaveTextAsync("Wiper seen by the DSO");
        await page.ClickAsync("#confirm-cancel");
        await page.Locator("#confirm-title").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        Assert.NotEqual(IncidentStatus.Duplicate, await StatusAsync(merged.Id));

        // Confirmed: the survivor opens and its journal holds the moved entry; the merged incident is its duplicate.
        await page.ClickAsync("#merge");
        await page.ClickAsync("#confirm-ok");
        await page.WaitForURLAsync($"**/incidents/{survivor.Id}");
        await OpenAsync(page, $"/incidents/{survivor.Id}?tab=journal");
        await Assertions.Expect(page.Locator("#journal")).ToContainTextAsync("Disk image of substation 4 taken at 03:10.");
        Assert.Equal(IncidentStatus.Duplicate, await StatusAsync(merged.Id));

        // The partner now reads the survivor.
        await using var partnerContext = await Seeds.ContextAsync(node);
        var partnerPage = await partnerContext.NewPageAsync();
        await Seeds.LogInAsync(partnerPage, partner);
        await OpenAsync(partnerPage, $"/incidents/{survivor.Id}");
        Assert.Contains("Wiper at the grid operator", await partnerPage.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);
    }
}
