using Microsoft.Playwright;
using Rampart.Server.Access;

namespace Rampart.Browser.Tests;

/// <summary>Incidents in the browser: one organisation opens an incident and invites another; the second accepts and reads it.</summary>
public sealed class IncidentPagesTests(BrowserNode node) : IClassFixture<BrowserNode>
{
    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    [Fact]
    public async Task Incident_OpenedByOneOrganisation_InvitedOneAcceptsAndReadsIt_OthersDoNot()
    {
        await Seeds.OrganisationAsync(node, "CERT-AL", "CERT Albania");
        await Seeds.OrganisationAsync(node, "CERT-KS", "CERT Kosovo");
        var albania = await Seeds.UserAsync(node, "analyst@cert-al.test", Role.Analyst, "CERT-AL");
        var kosovo = await Seeds.UserAsync(node, "analyst@cert-ks.test", Role.Analyst, "CERT-KS");

        await using var ownerContext = await Seeds.ContextAsync(node);
        var owner = await ownerContext.NewPageAsync();
        await Seeds.LogInAsync(owner, albania);
        await owner.GotoAsync("/incidents/new");
        await Seeds.WaitInteractiveAsync(owner);
        await owner.FillAsync("#incident-title", "Ministry mail server compromised");
        await owner.FillAsync("#incident-summary", "Same actor as last month.");
        await owner.ClickAsync("#create-incident");
        await owner.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/incidents/[0-9a-f-]{36}$"));
        await Expect(owner.Locator("h1")).ToContainTextAsync("INC-");
        var address = owner.Url;

        await owner.GetByRole(AriaRole.Tab, new() { Name = "Participants" }).ClickAsync();
        await owner.ClickAsync("#invite-organisation");
        await owner.GetByText("CERT-KS — CERT Kosovo").ClickAsync();
        await owner.ClickAsync("#invite");
        await Expect(owner.Locator("#participants")).ToContainTextAsync("CERT-KS");
        await Expect(owner.Locator("#participants")).ToContainTextAsync("Invited");

        await using var invitedContext = await Seeds.ContextAsync(node);
        var invited = await invitedContext.NewPageAsync();
        await Seeds.LogInAsync(invited, kosovo);
        await invited.GotoAsync(address);
        await Expect(invited.Locator("h1")).ToHaveTextAsync("Not found");
        await invited.GotoAsync("/incidents");
        await Seeds.WaitInteractiveAsync(invited);
        await Expect(invited.Locator("#incident-invitations")).ToContainTextAsync("CERT Albania");
        await invited.Locator("#incident-invitations button", new() { HasTextString = "Accept" }).ClickAsync();
        await Expect(invited.Locator("#incident-table")).ToContainTextAsync("Ministry mail server compromised");

        await invited.GotoAsync(address);
        await Seeds.WaitInteractiveAsync(invited);
        await Expect(invited.Locator("#incident-meta")).ToContainTextAsync("contributor");
        await invited.GetByRole(AriaRole.Tab, new() { Name = "Journal" }).ClickAsync();
        await invited.FillAsync("#journal-body", "Seen the same C2 here.");
        await invited.ClickAsync("#journal-add");
        await Expect(invited.Locator("#journal")).ToContainTextAsync("Seen the same C2 here.");

        await owner.ReloadAsync();
        await Seeds.WaitInteractiveAsync(owner);
        await owner.GetByRole(AriaRole.Tab, new() { Name = "Journal" }).ClickAsync();
        await Expect(owner.Locator("#journal")).ToContainTextAsync("Seen the same C2 here.");
        await Expect(owner.Locator("#journal")).ToContainTextAsync("accepted the invitation");
    }
}
