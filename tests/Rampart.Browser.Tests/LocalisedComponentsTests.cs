using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rampart.Server.Access;
using Rampart.Server.Components;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;

namespace Rampart.Browser.Tests;

/// <summary>
/// MudBlazor's own texts and the date fields in the page's language (not English, not the browser's), and a published
/// indicator opened by a visitor who is not logged in.
/// </summary>
public sealed class LocalisedComponentsTests(BrowserNode node) : IClassFixture<BrowserNode>
{
    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    [Theory]
    [InlineData("sq", "Rreshta për faqe:", "nga")]
    [InlineData("ka", "სტრიქონები გვერდზე:", "-დან")]
    public async Task NotesGrid_InAlbanianAndGeorgian_PagerSpeaksThePageLanguage(string culture, string rowsPerPage, string infoWord)
    {
        var analyst = await Seeds.UserAsync(node, $"grid-{culture}@node.test", Role.Analyst);
        await Seeds.NoteAsync(node, analyst, $"Pager note {culture}", Tlp.Amber, Audience.Organisation);
        await using var context = await Seeds.ContextAsync(node, culture);
        var page = await context.NewPageAsync();
        await Seeds.LogInAsync(page, analyst);
        await page.GotoAsync("/notes");
        await Seeds.WaitInteractiveAsync(page);

        var grid = page.Locator("#note-grid");
        await Expect(grid).ToContainTextAsync(rowsPerPage);
        await Expect(grid).ToContainTextAsync(infoWord);
        await Expect(page.Locator("body")).Not.ToContainTextAsync("Rows per page");
        // The pager's buttons are named in the page's language too (screen readers read these).
        var labels = await grid.Locator("button[aria-label]").EvaluateAllAsync<string[]>("buttons => buttons.map(b => b.getAttribute('aria-label'))");
        Assert.NotEmpty(labels);
        Assert.DoesNotContain(labels, l => l is "Next page" or "Previous page" or "First page" or "Last page" or "Column options");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Seeds.ScreenshotPath($"grid-pager-{culture}"), FullPage = true });
    }

    [Fact]
    public async Task AuditLogDates_InGeorgian_ShowTheGeorgianOrder_AndRefuseWhatIsNotADate()
    {
        var admin = await Seeds.UserAsync(node, "dates-ka@node.test", Role.OrgAdmin);
        await using var context = await Seeds.ContextAsync(node, "ka");
        var page = await context.NewPageAsync();
        await Seeds.LogInAsync(page, admin);
        await page.GotoAsync("/audit");
        await Seeds.WaitInteractiveAsync(page);

        var georgian = CultureInfo.GetCultureInfo("ka");
        var from = page.Locator("#audit-from");
        Assert.Equal("text", await from.GetAttributeAsync("type"));
        Assert.Equal(CultureDates.ExampleText(georgian, withTime: true), await from.GetAttributeAsync("placeholder"));
        Assert.DoesNotContain("yyyy", await from.GetAttributeAsync("placeholder") ?? "", StringComparison.OrdinalIgnoreCase);

        await from.FillAsync("yesterday");
        await page.Locator("#audit-actor").FocusAsync();
        var error = page.Locator("[data-date-format-error]");
        await Expect(error).ToContainTextAsync(CultureDates.ExampleText(georgian, withTime: true));
        await Expect(error).ToContainTextAsync("თარიღი");

        // The same day typed in the Georgian order is read, and the error goes.
        await from.FillAsync(new DateTime(2026, 1, 2, 3, 4, 0, DateTimeKind.Unspecified).ToString(CultureDates.Pattern(georgian, withTime: true), georgian));
        await page.Locator("#audit-actor").FocusAsync();
        await Expect(error).ToHaveCountAsync(0);
        await page.ClickAsync("#apply-filters");
        await Expect(page.Locator("#audit-table, #audit-empty").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Seeds.ScreenshotPath("audit-dates-ka"), FullPage = true });
    }

    [Fact]
    public async Task PublishedIndicator_LoggedOutVisitorOpensItsLink_SeesNameAndPattern()
    {
        var owner = await Seeds.UserAsync(node, "publisher@node.test", Role.Analyst);
        var stixId = $"indicator--{Guid.NewGuid()}";
        const string pattern = "[domain-name:value = 'update-check.example']";
        await PublishedIndicatorAsync(owner.OrganisationId, stixId, "Fake update server", pattern);

        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        // The link analysts pass around is the logged-in page's; logged out, it opens the public page.
        await page.GotoAsync($"/intel/objects/{stixId}");
        await page.WaitForURLAsync($"**/public/intel/{stixId}");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Fake update server");
        await Expect(page.Locator("#public-intel-pattern")).ToHaveTextAsync(pattern);
        await Expect(page.Locator("#node-contact")).ToBeVisibleAsync();

        await page.GotoAsync("/public/intel");
        await Expect(page.Locator("#public-intel")).ToContainTextAsync("Fake update server");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Seeds.ScreenshotPath("public-intel-logged-out"), FullPage = true });
    }

    private async Task PublishedIndicatorAsync(Guid owner, string stixId, string name, string pattern)
    {
        await using var scope = node.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        var record = new SharedRecord { RecordType = RecordType.StixObject, OwnerOrganisationId = owner, CreatorOrganisationId = owner, CreatedAt = now };
        db.SharedRecords.Add(record);
        await db.SaveChangesAsync();
        await scope.ServiceProvider.GetRequiredService<SharingStore>().ApplyAsync(record, Tlp.Clear, [new ResolvedAudience(AudienceKind.Network)], true, default);
        db.IntelObjects.Add(new IntelObject
        {
            RecordId = record.Id, OwnerOrganisationId = owner, StixId = stixId, StixType = "indicator", Name = name,
            Created = now, Modified = now, AddedAt = now, UpdatedAt = now,
        });
        db.IntelObjectVersions.Add(new IntelObjectVersion
        {
            RecordId = record.Id, Modified = now, DateAdded = now,
            Json = new System.Text.Json.Nodes.JsonObject
            {
                ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = stixId, ["name"] = name, ["pattern"] = pattern, ["pattern_type"] = "stix",
            }.ToJsonString(),
        });
        await db.SaveChangesAsync();
    }
}
