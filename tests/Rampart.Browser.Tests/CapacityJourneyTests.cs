using System.Globalization;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rampart.Server.Access;
using Rampart.Server.Capacity.Maturity;
using Rampart.Server.Capacity.Training;
using Rampart.Standards.Sim3;
using static Microsoft.Playwright.Assertions;

namespace Rampart.Browser.Tests;

/// <summary>
/// Issue 12 in the browser, as a CERT's analyst and administrator use it: an assessment filled and finished on its page,
/// the radar chart with the entered levels, the gap list against a target profile, an action created from one gap and
/// seen on the plan with the parameter it raises, the expected maturity and the overdue flag; the roles the organisation
/// needs set on the skills matrix page, with the gap and the courses at once; the matrix readable at 1280 and 390 px in
/// English, Georgian and Serbian Cyrillic.
/// </summary>
public sealed class CapacityJourneyTests : IClassFixture<BrowserNode>
{
    private readonly BrowserNode node;

    public CapacityJourneyTests(BrowserNode node)
    {
        this.node = node;
        // A page renders after its URL changes; on a loaded machine (2 cores, several builds) that takes more than 5 s.
        SetDefaultExpectTimeout(30_000);
    }

    private static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await Seeds.WaitInteractiveAsync(page);
    }

    /// <summary>axe-core's serious and critical WCAG 2.1 A/AA findings on the page as it is now.</summary>
    private static async Task<IEnumerable<string>> AxeAsync(IPage page, string where)
    {
        await page.WaitForFunctionAsync("() => document.title.trim().length > 0", null, new PageWaitForFunctionOptions { Timeout = 30_000 });
        var result = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
        return result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{where}: {v.Id} ({v.Impact}) {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target)))}");
    }

    [Fact]
    public async Task CapacityJourney_FillAssessmentSeeRadarCreateActionFromGap_ActionOnPlanWithExpectedMaturityAndOverdue()
    {
        await Seeds.OrganisationAsync(node, "CJA", "Team Capacity Journey");
        var analyst = await Seeds.UserAsync(node, "analyst@cja.test", Role.Analyst, "CJA");

        // Seeded as the organisation would have it: its own target profile, and a course of its catalogue for O-8.
        await using (var scope = node.Services.CreateAsyncScope())
        {
            _ = (await scope.ServiceProvider.GetRequiredService<MaturityEditing>().SaveProfileAsync(analyst.Caller, null,
                new ProfileRequest("Network baseline 2027", Sim3Model.V2Interim, new Dictionary<string, int?> { ["O-8"] = 3, ["P-9"] = 3, ["H-3"] = 2 }), default))!.Id;
            await scope.ServiceProvider.GetRequiredService<TrainingEditing>().CreateCourseAsync(analyst.Caller,
                new CourseRequest("RSIT classification in practice", "CJA", CourseFormat.Online, "en", 6, Parameters: ["O-8"]), default);
        }

        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        page.SetDefaultNavigationTimeout(90_000);
        await Seeds.LogInAsync(page, analyst);
        var problems = new List<string>();

        // A new self-assessment from the list page.
        await OpenAsync(page, "/capacity/maturity");
        await page.ClickAsync("#assessment-create");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/capacity/maturity/[0-9a-f-]{36}$"));
        await Seeds.WaitInteractiveAsync(page);
        await Expect(page.Locator("#assessment-status")).ToHaveTextAsync("Draft");

        // Levels entered per parameter; the draft saved, then finished and frozen.
        await page.SelectOptionAsync("#level-O-8", "1");
        await page.SelectOptionAsync("#level-P-9", "2");
        await page.SelectOptionAsync("#level-H-3", "3");
        await page.SelectOptionAsync("#level-T-4", "4");
        await page.ClickAsync("#assessment-save");
        await Expect(page.Locator("#assessment-message")).ToBeVisibleAsync();
        await page.ClickAsync("#assessment-finish");
        await Expect(page.Locator("#assessment-status")).ToHaveTextAsync("Finished (frozen)");
        await Expect(page.Locator("#level-O-8")).ToHaveTextAsync("1");
        Assert.Equal(0, await page.Locator("#assessment-save").CountAsync());

        // The radar charts: the overall one has the four category axes; the Organisation one an axis per O parameter
        // and, at O-8, the entered level.
        var overall = page.Locator("#radar-overall svg.sim3-radar");
        await Expect(overall).ToBeVisibleAsync();
        Assert.Equal(["H", "O", "P", "T"], (await overall.Locator("text").AllTextContentsAsync()).Order(StringComparer.Ordinal));
        var organisation = page.Locator("#radar-Organisation svg.sim3-radar");
        await Expect(organisation.Locator("text", new() { HasTextString = "O-8" })).ToHaveCountAsync(1);
        Assert.Equal(11, await organisation.Locator("text").CountAsync());
        await Expect(organisation.Locator("circle.sim3-radar-point title", new() { HasTextString = "O-8: 1" })).ToHaveCountAsync(1);
        await Expect(page.Locator("#radar-Processes svg.sim3-radar circle.sim3-radar-point title", new() { HasTextString = "P-9: 2" })).ToHaveCountAsync(1);

        // The gap list against the profile, largest first, with the course addressing O-8.
        // The profile is picked by typing its name (a search, not a list cut at 200).
        await page.FillAsync("#assessment-profile", "Network base");
        await page.ClickAsync(".mud-popover-open .mud-list-item >> text=Network baseline 2027");
        var gaps = page.Locator("#gap-table tbody tr");
        await Expect(gaps).ToHaveCountAsync(2);
        await Expect(gaps.Nth(0)).ToContainTextAsync("O-8");
        await Expect(gaps.Nth(0)).ToContainTextAsync("RSIT classification in practice");
        await Expect(gaps.Nth(1)).ToContainTextAsync("P-9");
        // The SIM3 relations touching a gap are its hints: O-8 defines the types used in O-7, which is not rated.
        await Expect(page.Locator("#gap-hint-O-8-O-7")).ToContainTextAsync("O-8 defines the types used in O-7");
        await Expect(page.Locator("#gap-hint-O-8-O-7")).ToContainTextAsync("Not rated");
        await Expect(page.Locator("#gap-hint-O-8-O-10")).ToContainTextAsync("O-8 helps define O-10");
        // The target is drawn on the radar too (dashed).
        await Expect(page.Locator("#radar-Organisation svg.sim3-radar .sim3-radar-second")).ToHaveCountAsync(1);
        problems.AddRange(await AxeAsync(page, "assessment page"));

        // An action from the O-8 gap: no plan yet, so a new plan holding that one action.
        await page.ClickAsync("#gap-action-O-8");
        await page.WaitForURLAsync("**/capacity/plans/new?**");
        await Seeds.WaitInteractiveAsync(page);
        problems.AddRange(await AxeAsync(page, "new plan from a gap"));
        await page.FillAsync("#gap-new-plan-title", "Incident classification 2027");
        await page.ClickAsync("#gap-new-plan");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/capacity/plans/[0-9a-f-]{36}$"));
        await Seeds.WaitInteractiveAsync(page);

        // The plan: its one action raises O-8 to 3; the expected maturity if all is done: O-8 met, P-9 not yet.
        await Expect(page.Locator("#plan-title")).ToHaveTextAsync("Incident classification 2027");
        await Expect(page.Locator("#action-table tbody tr")).ToHaveCountAsync(1);
        await Expect(page.Locator("#action-1")).ToContainTextAsync("O-8 → 3");
        await Expect(page.Locator("#expected-O-8 td").Nth(5)).ToHaveTextAsync("Yes");
        await Expect(page.Locator("#expected-O-8 td").Nth(3)).ToHaveTextAsync("3");
        await Expect(page.Locator("#expected-P-9 td").Nth(5)).ToHaveTextAsync("No");
        await Expect(page.Locator("#expected-met")).ToContainTextAsync("would not be met yet");
        Assert.Equal(0, await page.Locator("#plan-overdue").CountAsync());
        // The model by its title, not its key.
        await Expect(page.Locator(".record-meta")).ToContainTextAsync("SIM3 v2 interim");

        // The owner gives the action a due date that has passed: the plan and the action are flagged overdue.
        var today = DateOnly.FromDateTime(node.Clock.GetUtcNow().UtcDateTime);
        await page.ClickAsync("#edit-action-1");
        await Expect(page.Locator("#action-form-title")).ToContainTextAsync("Edit action");
        await page.FillAsync("#action-owner", "Duty team");
        await page.FillAsync("#action-due", today.AddDays(-3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await page.ClickAsync("#save-action");
        await Expect(page.Locator("#plan-overdue")).ToContainTextAsync("1");
        await Expect(page.Locator("#action-1")).ToContainTextAsync("Overdue");
        await Expect(page.Locator("#action-1")).ToContainTextAsync("Duty team");
        // The action came from an exercise lesson: exercises are no records here, so the lesson is named in words.
        // (Each step waits for the server's render of the one before: the form is rebuilt when editing starts, and the
        // words field appears once the kind is chosen.)
        await Expect(page.Locator("#action-form-title")).ToHaveTextAsync("Add action");
        await page.ClickAsync("#edit-action-1");
        await Expect(page.Locator("#action-form-title")).ToContainTextAsync("Edit action");
        await page.SelectOptionAsync("#action-source-kind", "Exercise");
        await Expect(page.Locator("#action-source-reference")).ToBeVisibleAsync();
        await page.FillAsync("#action-source-reference", "Cyber Coalition 2026, lesson 4");
        await page.ClickAsync("#save-action");
        await Expect(page.Locator("#action-source-1")).ToHaveTextAsync("Exercise lesson: Cyber Coalition 2026, lesson 4");
        problems.AddRange(await AxeAsync(page, "plan page"));

        // The list of assessments draws the organisation's history: a point per category for the finished assessment
        // (T: T-4 at 4 over ten T parameters, unrated counting as 0, is a mean of 0.4).
        await OpenAsync(page, "/capacity/maturity");
        var history = page.Locator("#maturity-history svg.sim3-history circle title");
        await Expect(history).ToHaveCountAsync(4);
        await Expect(page.Locator("#maturity-history svg.sim3-history circle title", new() { HasTextString = $"T {today:yyyy-MM-dd}: 0.4" })).ToHaveCountAsync(1);
        problems.AddRange(await AxeAsync(page, "assessment list"));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task SkillsMatrix_OrgAdminSetsNeededRolesOnThePage_GapAndCoursesAtOnce_NamesReadableInEnKaAndCyrillic()
    {
        await Seeds.OrganisationAsync(node, "CJS", "Team Skills Journey");
        var admin = await Seeds.UserAsync(node, "admin@cjs.test", Role.OrgAdmin, "CJS");
        await using (var scope = node.Services.CreateAsyncScope())
        {
            var training = scope.ServiceProvider.GetRequiredService<TrainingEditing>();
            await training.CreatePersonAsync(admin.Caller, new PersonRequest("Ana Analyst", Profiles: ["incident-responder", "threat-intelligence"], Consent: true), default);
            await training.CreatePersonAsync(admin.Caller, new PersonRequest("Nino Beridze-Kapanadze", Profiles: ["incident-responder"], Consent: true), default);
            await training.CreateCourseAsync(admin.Caller, new CourseRequest("First response to ransomware", "CJS", CourseFormat.InPerson, "en", 16, Profiles: ["incident-responder"]), default);
        }

        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        page.SetDefaultNavigationTimeout(90_000);
        await Seeds.LogInAsync(page, admin);
        var problems = new List<string>();
        await OpenAsync(page, "/capacity/training/matrix");
        await Expect(page.Locator("#matrix-no-needs")).ToBeVisibleAsync();

        // The administrator needs two incident responders at level 3 (proficient) and saves.
        await page.ClickAsync("#needs-edit");
        await Expect(page.Locator("#needs-form")).ToBeVisibleAsync();
        problems.AddRange(await AxeAsync(page, "skills matrix, needs form"));
        await page.FillAsync("#need-count-incident-responder", "2");
        await page.SelectOptionAsync("#need-level-incident-responder", "3");
        await page.ClickAsync("#needs-save");
        await Expect(page.Locator("#needs-message")).ToBeVisibleAsync();

        // At once: the role, nobody filling it at level 3 (nobody rated yet), two missing, the course that addresses it.
        var need = page.Locator("#need-incident-responder");
        await Expect(need).ToContainTextAsync("Incident Responder");
        await Expect(need.Locator("td").Nth(1)).ToHaveTextAsync("2");
        await Expect(need.Locator("td").Nth(3)).ToHaveTextAsync("0");
        await Expect(need.Locator("td").Nth(4)).ToHaveTextAsync("2");
        await Expect(need).ToContainTextAsync("First response to ransomware");
        Assert.Equal(1, await page.Locator("#matrix-needs tbody tr").CountAsync());

        // Taking the role off again: the form holds what was saved, zero removes it.
        await page.ClickAsync("#needs-edit");
        await Expect(page.Locator("#need-count-incident-responder")).ToHaveValueAsync("2");
        await page.FillAsync("#need-count-incident-responder", "0");
        await page.FillAsync("#need-count-ciso", "1");
        await page.ClickAsync("#needs-save");
        await Expect(page.Locator("#need-ciso")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("#need-incident-responder").CountAsync());

        // Layout: in English, Georgian and Serbian Cyrillic, at 1280 and 390 px, every person's name is on one line, no
        // column header is broken into more than four lines, and the table scrolls in its own container.
        foreach (var culture in new[] { "en", "ka", "sr-Cyrl" })
        {
            await context.AddCookiesAsync([new Cookie { Name = ".AspNetCore.Culture", Value = $"c={culture}|uic={culture}", Url = node.BaseUrl }]);
            foreach (var width in new[] { 1280, 390 })
            {
                var p = page;
                await p.SetViewportSizeAsync(width, 900);
                await OpenAsync(p, "/capacity/training/matrix");
                await Expect(p.Locator("#matrix-people")).ToBeVisibleAsync();
                var names = p.Locator("#matrix-people tbody th.person a");
                Assert.Equal(2, await names.CountAsync());
                foreach (var name in await names.AllAsync())
                {
                    var lines = await name.EvaluateAsync<int>("a => a.getClientRects().length");
                    Assert.True(lines == 1, $"{culture} {width}px: '{await name.InnerTextAsync()}' wraps into {lines} lines");
                }

                var tallest = await p.Locator("#matrix-people thead th").EvaluateAllAsync<double>(
                    "ths => Math.max(...ths.map(th => { const s = getComputedStyle(th); const lh = parseFloat(s.lineHeight); "
                    + "return (th.getBoundingClientRect().height - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom)) / (isNaN(lh) ? parseFloat(s.fontSize) * 1.2 : lh); }))");
                Assert.True(tallest <= 6.5, $"{culture} {width}px: a column header takes {tallest:0.0} lines");
                // Headers break only between words: a word wider than its column would overflow the cell instead.
                var overflowing = await p.Locator("#matrix-people thead th").EvaluateAllAsync<string[]>(
                    "ths => ths.filter(th => th.scrollWidth > th.clientWidth + 1).map(th => th.textContent)");
                Assert.True(overflowing.Length == 0, $"{culture} {width}px: header words wider than their column: {string.Join(", ", overflowing)}");
                var scroll = await p.Locator("#matrix-scroll").EvaluateAsync<double[]>("d => [d.clientWidth, d.scrollWidth, window.innerWidth]");
                Assert.True(scroll[0] <= scroll[2], $"{culture} {width}px: the matrix container is wider than the window ({scroll[0]} > {scroll[2]})");
                if (width == 390)
                {
                    Assert.True(scroll[1] > scroll[0], $"{culture}: twelve profiles at 390 px scroll sideways in the container");
                }

                if (width == 390)
                {
                    problems.AddRange(await AxeAsync(p, $"skills matrix {culture}"));
                }

                await p.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath($"skills-matrix-{culture}-{width}"), FullPage = true });
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
