using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rampart.Server.Access;
using Rampart.Server.Identity;
using Rampart.Server.Incidents;
using Rampart.Server.Incidents.Requests;
using Rampart.Server.Organisations;
using Rampart.Standards.Markings;

namespace Rampart.Browser.Tests;

/// <summary>
/// Issue 11 in the browser: one organisation opens an incident and invites another; the second accepts the invitation on
/// its incident list, accepts a request for assistance on its requests page and completes a task on the incident page; the
/// first sees both in the journal; the situation board shows the incident to both and not to a third organisation; with
/// the node's clock moved past 24 h the early warning shows overdue on the incident, the due list and the board.
/// </summary>
public sealed class IncidentJourneyTests(BrowserNode node) : IClassFixture<BrowserNode>
{
    private static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await Seeds.WaitInteractiveAsync(page);
    }

    [Fact]
    public async Task IncidentJourney_InviteAcceptRequestCompleteTask_JournalBoardAndOverdueEarlyWarning_AsEachUserSeesThem()
    {
        var ownerOrg = await Seeds.OrganisationAsync(node, "JOWN", "Team Journey Owner");
        var helperOrg = await Seeds.OrganisationAsync(node, "JHELP", "Team Journey Helper");
        await Seeds.OrganisationAsync(node, "JTHIRD", "Team Journey Third");
        var owner = await Seeds.UserAsync(node, "analyst@jown.test", Role.Analyst, "JOWN");
        var helper = await Seeds.UserAsync(node, "analyst@jhelp.test", Role.Analyst, "JHELP");
        var third = await Seeds.UserAsync(node, "analyst@jthird.test", Role.Analyst, "JTHIRD");

        // The owner opens a significant incident and invites the helper (through the same use cases the pages call).
        Incident incident;
        IncidentParticipant invitation;
        await using (var scope = node.Services.CreateAsyncScope())
        {
            var editing = scope.ServiceProvider.GetRequiredService<IncidentEditing>();
            incident = await editing.CreateAsync(owner.Caller, new IncidentRequest("Wiper at the grid operator", "Substations offline since 02:10.", Tlp.Amber, null,
                IncidentSeverity.Critical, "energy", ["XK", "AL"], [new RsitRequest("intrusions", "system-compromise")], "Grid operator", AffectedEntityKind.Essential,
                Significant: true), default);
            invitation = (await editing.InviteAsync(owner.Caller, incident.Id, new InviteRequest(helperOrg, ParticipantRole.Contributor, "Same wiper in your grid?"), default))!;
        }

        var number = incident.HumanId;
        await using var helperContext = await Seeds.ContextAsync(node);
        var helperPage = await helperContext.NewPageAsync();
        await Seeds.LogInAsync(helperPage, helper);

        // The helper sees the invitation on its incident list and accepts it; the incident opens for it, by its number too.
        await OpenAsync(helperPage, "/incidents");
        await helperPage.ClickAsync($"#accept-{invitation.Id}");
        await helperPage.Locator($"#invitation-{invitation.Id}").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        await OpenAsync(helperPage, $"/incidents/{number}");
        await helperPage.WaitForURLAsync($"**/incidents/{incident.Id}");
        Assert.Contains("Wiper at the grid operator", await helperPage.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);

        // The owner asks the helper for help and gives it a task.
        AssistanceRequest request;
        IncidentTask task;
        await using (var scope = node.Services.CreateAsyncScope())
        {
            var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
            request = (await scope.ServiceProvider.GetRequiredService<AssistanceEditing>().CreateAsync(owner.Caller, incident.Id,
                new AssistanceRequestRequest(AssistanceKind.BlockIndicators, "Block the C2 addresses", "203.0.113.7", [helperOrg], now.AddHours(4)), default))!;
            task = (await scope.ServiceProvider.GetRequiredService<IncidentEditing>().CreateTaskAsync(owner.Caller, incident.Id,
                new TaskRequest("Image the SCADA gateway", null, helperOrg, null, now.AddHours(6)), scope.ServiceProvider.GetRequiredService<IPeopleDirectory>(), default))!;
        }

        // The helper accepts the request on its requests page.
        await OpenAsync(helperPage, $"/requests/{request.PublicId}");
        await helperPage.ClickAsync("#request-accept");
        await Assertions.Expect(helperPage.Locator("#request-detail")).ToContainTextAsync("Accepted");

        // … and completes the task on the incident page.
        await OpenAsync(helperPage, $"/incidents/{incident.Id}");
        await helperPage.GetByRole(AriaRole.Tab, new() { Name = "Tasks" }).ClickAsync();
        await helperPage.ClickAsync($"#task-{task.PublicId}-done");
        await Assertions.Expect(helperPage.Locator($"#task-{task.PublicId}-done")).ToHaveCountAsync(0);

        // The owner sees both in the journal.
        await using var ownerContext = await Seeds.ContextAsync(node);
        var ownerPage = await ownerContext.NewPageAsync();
        await Seeds.LogInAsync(ownerPage, owner);
        await OpenAsync(ownerPage, $"/incidents/{incident.Id}");
        await ownerPage.GetByRole(AriaRole.Tab, new() { Name = "Journal" }).ClickAsync();
        var journal = ownerPage.Locator("#journal");
        await Assertions.Expect(journal).ToContainTextAsync("accepted the request for assistance");
        await Assertions.Expect(journal).ToContainTextAsync("Done: Image the SCADA gateway");
        await Assertions.Expect(journal).ToContainTextAsync("JHELP");

        // The board: the incident for the owner and the helper, not for the third organisation.
        foreach (var page in new[] { ownerPage, helperPage })
        {
            await OpenAsync(page, "/board");
            await Assertions.Expect(page.Locator($"#board-{number}")).ToContainTextAsync("Wiper at the grid operator");
        }

        await using var thirdContext = await Seeds.ContextAsync(node);
        var thirdPage = await thirdContext.NewPageAsync();
        await Seeds.LogInAsync(thirdPage, third);
        await OpenAsync(thirdPage, "/board");
        await Assertions.Expect(thirdPage.Locator("#board-empty")).ToBeVisibleAsync();
        Assert.Equal(0, await thirdPage.Locator($"#board-{number}").CountAsync());
        Assert.DoesNotContain("Wiper", await thirdPage.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        // 25 hours later the early warning is overdue: on the incident, on the due list and on the board.
        // The analyst comes back the next day: yesterday's session has ended, so it logs in again.
        node.Clock.Advance(TimeSpan.FromHours(25));
        await ownerContext.ClearCookiesAsync();
        await Seeds.LogInAsync(ownerPage, owner);
        await OpenAsync(ownerPage, $"/incidents/{incident.Id}");
        await ownerPage.GetByRole(AriaRole.Tab, new() { Name = "NIS2 and GDPR" }).ClickAsync();
        await Assertions.Expect(ownerPage.Locator("#stage-early-warning-1")).ToContainTextAsync("Overdue");
        await OpenAsync(ownerPage, "/due");
        await Assertions.Expect(ownerPage.Locator("#due")).ToContainTextAsync("Overdue");
        await Assertions.Expect(ownerPage.Locator("#due")).ToContainTextAsync(number);
        await OpenAsync(ownerPage, "/board");
        await Assertions.Expect(ownerPage.Locator("#board-deadlines")).ToContainTextAsync("Overdue");
        await Assertions.Expect(ownerPage.Locator("#board-deadlines")).ToContainTextAsync(number);
    }
}
