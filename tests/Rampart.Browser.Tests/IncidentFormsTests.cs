using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rampart.Server.Access;
using Rampart.Server.Incidents;
using Rampart.Standards.Markings;

namespace Rampart.Browser.Tests;

/// <summary>
/// Issue 11 in the browser, for what only a circuit does: a report filed through the form at <c>/reports/new</c> gets its
/// number and acknowledgement at once, the intake team lists it and a third organisation cannot open it; and the next
/// deadline of an incident on the list and in its page's header is shown in the viewer's time zone.
/// </summary>
public sealed partial class IncidentFormsTests(BrowserNode node) : IClassFixture<BrowserNode>
{
    private static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await Seeds.WaitInteractiveAsync(page);
    }

    [Fact]
    public async Task NewReport_FiledThroughTheForm_ReporterSeesItsNumberAndAcknowledgement_IntakeTeamListsIt_ThirdOrganisationCannotOpenIt()
    {
        await Seeds.OrganisationAsync(node, BrowserNode.IntakeShortName, "Team Intake");
        await Seeds.OrganisationAsync(node, "FREP", "Team Forms Reporter");
        await Seeds.OrganisationAsync(node, "FTHIRD", "Team Forms Third");
        var reporter = await Seeds.UserAsync(node, "analyst@frep.test", Role.Analyst, "FREP");
        var intake = await Seeds.UserAsync(node, "analyst@jintake.test", Role.Analyst, BrowserNode.IntakeShortName);
        var third = await Seeds.UserAsync(node, "analyst@fthird.test", Role.Analyst, "FTHIRD");
        const string subject = "Phishing portal imitating the customs office";

        await using var reporterContext = await Seeds.ContextAsync(node);
        var page = await reporterContext.NewPageAsync();
        await Seeds.LogInAsync(page, reporter);
        await OpenAsync(page, "/reports/new");
        await page.FillAsync("#report-subject", subject);
        await page.FillAsync("#report-text", "Three members of staff entered their passwords on customs-portal.example.");
        await page.Keyboard.PressAsync("Tab");
        await page.ClickAsync("#send-report");

        // The report's own page: its number and the acknowledgement carrying it, for the reporter at once.
        await page.WaitForURLAsync(ReportPage());
        await Seeds.WaitInteractiveAsync(page);
        var number = (await page.Locator("h1 .muted").InnerTextAsync()).Trim();
        Assert.Matches(ReportNumber(), number);
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync(subject);
        await Assertions.Expect(page.Locator("#report-events")).ToContainTextAsync("Received and acknowledged as");
        await Assertions.Expect(page.Locator("#report-events")).ToContainTextAsync(number);
        var reportUrl = new Uri(page.Url).AbsolutePath;

        // The intake team lists it and opens it.
        await using var intakeContext = await Seeds.ContextAsync(node);
        var intakePage = await intakeContext.NewPageAsync();
        await Seeds.LogInAsync(intakePage, intake);
        await OpenAsync(intakePage, "/reports");
        await Assertions.Expect(intakePage.Locator("#report-table")).ToContainTextAsync(number);
        await OpenAsync(intakePage, reportUrl);
        await Assertions.Expect(intakePage.Locator("h1")).ToContainTextAsync(subject);

        // A third organisation: not found, nothing of the report.
        await using var thirdContext = await Seeds.ContextAsync(node);
        var thirdPage = await thirdContext.NewPageAsync();
        await Seeds.LogInAsync(thirdPage, third);
        await OpenAsync(thirdPage, reportUrl);
        await Assertions.Expect(thirdPage.Locator("main")).ToContainTextAsync("There is nothing here, or you may not see it.");
        Assert.DoesNotContain("customs", await thirdPage.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await OpenAsync(thirdPage, "/reports");
        Assert.DoesNotContain(number, await thirdPage.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NextDeadline_OnTheListAndTheIncidentHeader_InTheViewersTimeZone_Overdue()
    {
        await Seeds.OrganisationAsync(node, "FOWN", "Team Forms Owner");
        var owner = await Seeds.UserAsync(node, "analyst@fown.test", Role.Analyst, "FOWN");
        Incident incident;
        DateTimeOffset aware;
        await using (var scope = node.Services.CreateAsyncScope())
        {
            // Aware 25 hours ago: the early warning was due an hour ago.
            aware = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow().AddHours(-25);
            incident = await scope.ServiceProvider.GetRequiredService<IncidentEditing>().CreateAsync(owner.Caller, new IncidentRequest("Defacement of the tax portal", "Since 03:00.",
                Tlp.Amber, null, IncidentSeverity.High, "public-administration", ["XK"], AffectedEntity: "Tax administration", EntityKind: AffectedEntityKind.Essential,
                AwareAt: aware, Significant: true), default);
        }

        // The browser's zone is Europe/Belgrade (Seeds.ContextAsync): the due time in that zone, with its offset.
        var due = aware.AddHours(24);
        var belgrade = TimeZoneInfo.FindSystemTimeZoneById("Europe/Belgrade");
        var local = TimeZoneInfo.ConvertTime(due, belgrade);
        var shown = local.ToString("HH:mm", CultureInfo.InvariantCulture) + " UTC+" + belgrade.GetUtcOffset(due).ToString(@"hh\:mm", CultureInfo.InvariantCulture);

        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        await Seeds.LogInAsync(page, owner);
        await OpenAsync(page, "/incidents");
        var row = page.Locator($"#next-deadline-{incident.HumanId}");
        await Assertions.Expect(row).ToContainTextAsync("Early warning");
        await Assertions.Expect(row).ToContainTextAsync("Overdue");
        await Assertions.Expect(row).ToContainTextAsync(shown);

        await OpenAsync(page, $"/incidents/{incident.Id}");
        var header = page.Locator("#incident-next-deadline");
        await Assertions.Expect(header).ToContainTextAsync("Next deadline");
        await Assertions.Expect(header).ToContainTextAsync("Early warning");
        await Assertions.Expect(header).ToContainTextAsync("Overdue");
        await Assertions.Expect(header).ToContainTextAsync(shown);

        // A link to a tab opens it: the clocks panel shows the same stage overdue.
        await OpenAsync(page, $"/incidents/{incident.Id}?tab=nis2");
        await Assertions.Expect(page.Locator("#stage-early-warning-1")).ToContainTextAsync("Overdue");
    }

    [GeneratedRegex("/reports/[0-9a-f-]{36}$")]
    private static partial Regex ReportPage();

    [GeneratedRegex(@"^RPT-\d{4}-\d{4,}$")]
    private static partial Regex ReportNumber();
}
