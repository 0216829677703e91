using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rampart.Server.Access;
using Rampart.Server.Identity;
using Rampart.Server.Organisations;

namespace Rampart.Browser.Tests;

/// <summary>The organisations and communities grids and the organisation form as a node admin uses them.</summary>
public sealed class DirectoryGridTests(BrowserNode node) : IClassFixture<BrowserNode>
{
    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    [Fact]
    public async Task OrganisationGrid_LongNameFilterAndEmptyState_FitsPhoneAndSaysWhatToDo()
    {
        var admin = await Seeds.UserAsync(node, "grid-admin@node.test", Role.NodeAdmin);
        var longName = "National Computer Security Incident Response Team of the Republic " + new string('X', 120);
        await Seeds.OrganisationAsync(node, "LONG-CSIRT", longName);
        await using var context = await Seeds.ContextAsync(node, width: 360, height: 800);
        var page = await context.NewPageAsync();
        await Seeds.LogInAsync(page, admin);
        await page.GotoAsync("/organisations");
        await Seeds.WaitInteractiveAsync(page);

        var grid = page.Locator("#organisation-grid");
        await Expect(grid).ToContainTextAsync("LONG-CSIRT");
        await Expect(page.Locator("#organisation-count")).ToContainTextAsync("organisations");
        Assert.Equal(longName, await grid.Locator($"span.truncate[title^='National Computer Security']").First.GetAttributeAsync("title"));
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 1, $"at 360 px the page is {overflow} px wider than the screen");

        await page.FillAsync("#organisation-filter", "long-");
        await Expect(grid).Not.ToContainTextAsync("NODE");
        await Expect(page.Locator("#organisation-count")).ToHaveTextAsync("1 organisation");
        await page.FillAsync("#organisation-filter", "NO-SUCH-ORGANISATION");
        await Expect(page.Locator("#organisations-empty")).ToContainTextAsync("No organisation matches this filter.");
    }

    [Fact]
    public async Task OrganisationForm_BadEmailAndKey_ErrorBesideFieldWithLabel_NothingCreated()
    {
        var admin = await Seeds.UserAsync(node, "form-admin@node.test", Role.NodeAdmin);
        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        await Seeds.LogInAsync(page, admin);
        await page.GotoAsync("/organisations");
        await Seeds.WaitInteractiveAsync(page);

        // Checked as the user leaves the field, under the field, named by its label.
        await page.FillAsync("#org-email", "not an address");
        await page.FocusAsync("#org-phone");
        await Expect(page.Locator("#error-contactEmail")).ToHaveTextAsync("Contact e-mail: Not an e-mail address.");
        await page.FillAsync("#org-pgp", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm90IGEga2V5\n-----END PGP PUBLIC KEY BLOCK-----");
        await page.FocusAsync("#org-desc");
        await Expect(page.Locator("#error-pgpPublicKey")).ToContainTextAsync("PGP public key (armoured): ");
        await Expect(page.Locator("#error-pgpPublicKey")).Not.ToContainTextAsync("pgpPublicKey");

        // Submitting names every missing required field the same way and creates nothing.
        await page.ClickAsync("#org-submit");
        await Expect(page.Locator("#error-name")).ToHaveTextAsync("Name: Required.");
        await Expect(page.Locator("#error-shortName")).ToHaveTextAsync("Short name: Required.");
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/organisations$"));

        // Fixing a field clears its error.
        await page.FillAsync("#org-email", "cert@example.org");
        await page.FocusAsync("#org-phone");
        await Expect(page.Locator("#error-contactEmail")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task CommunityRequest_DeclineConfirmsNamingOrganisationAndCommunity_CancelKeepsIt()
    {
        var moderator = await Seeds.UserAsync(node, "moderator-admin@node.test", Role.OrgAdmin);
        var georgia = await Seeds.OrganisationAsync(node, "CERT-GE", "CERT Georgia");
        var asker = await Seeds.UserAsync(node, "ge-admin@node.test", Role.OrgAdmin, "CERT-GE");
        await using (var scope = node.Services.CreateAsyncScope())
        {
            var communities = scope.ServiceProvider.GetRequiredService<CommunityAdministration>();
            var community = await communities.CreateAsync(Caller.Operator(), new CommunityRequest("Caucasus CERTs", null, moderator.OrganisationId), default);
            var outcome = await communities.AddMemberAsync(asker.Caller, community.Id, georgia, default);
            Assert.Equal(MembershipOutcomeKind.Requested, outcome.Kind);
        }

        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        await Seeds.LogInAsync(page, moderator);
        await page.GotoAsync("/communities");
        await Seeds.WaitInteractiveAsync(page);
        await Expect(page.Locator("#community-grid")).ToContainTextAsync("Caucasus CERTs");

        await page.ClickAsync(".decline-request");
        await Expect(page.Locator("#confirm-object")).ToHaveTextAsync("CERT-GE → Caucasus CERTs");
        await page.ClickAsync("#confirm-cancel");
        await Expect(page.Locator("#membership-requests")).ToContainTextAsync("CERT-GE");

        await page.ClickAsync(".decline-request");
        await page.ClickAsync("#confirm-ok");
        await Expect(page.Locator("#membership-requests")).ToHaveCountAsync(0);
    }

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);
}
