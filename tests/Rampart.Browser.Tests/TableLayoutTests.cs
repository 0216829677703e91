using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rampart.Server.Access;
using Rampart.Server.Capacity.Training;
using static Microsoft.Playwright.Assertions;

namespace Rampart.Browser.Tests;

/// <summary>
/// Column headers in Georgian (new-user review s10): the import jobs table on <c>/intel/imports</c> at a desktop width, and
/// the roles the organisation needs on the skills matrix page at 390 px, have headers that break between words only (import
/// jobs: one or two lines at 1280 px; needed roles at 390 px: at most a line per word), never one letter per line, and a
/// table wider than the window scrolls in its own container (app.css).
/// </summary>
public sealed class TableLayoutTests : IClassFixture<BrowserNode>
{
    /// <summary>Per header cell: its text and how many lines its text takes (text nodes only, so icons do not count).</summary>
    private const string HeaderLines = """
        ths => ths.map(th => {
            const tops = [];
            const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                if (!n.textContent.trim()) continue;
                const r = document.createRange(); r.selectNodeContents(n);
                for (const rect of r.getClientRects()) {
                    if (rect.width > 0 && !tops.some(t => Math.abs(t - rect.top) < 4)) tops.push(rect.top);
                }
            }
            return th.textContent.trim() + '|' + tops.length;
        })
        """;

    private readonly BrowserNode node;

    public TableLayoutTests(BrowserNode node)
    {
        this.node = node;
        SetDefaultExpectTimeout(30_000);
    }

    private static async Task<(string Text, int Lines)[]> HeadersAsync(ILocator headers) =>
        [.. (await headers.EvaluateAllAsync<string[]>(HeaderLines)).Select(h => (h[..h.LastIndexOf('|')], int.Parse(h[(h.LastIndexOf('|') + 1)..], System.Globalization.CultureInfo.InvariantCulture)))];

    [Fact]
    public async Task Georgian_ImportJobHeadersAtDesktopWidth_AndNeededRolesHeadersAt390px_AreOneOrTwoLines_TablesScrollInTheirBox()
    {
        await Seeds.OrganisationAsync(node, "TLK", "Team Layout Georgia");
        var analyst = await Seeds.UserAsync(node, "analyst@tlk.test", Role.Analyst, "TLK");
        await using (var scope = node.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<TrainingEditing>().SetNeedsAsync(analyst.Caller,
                new NeedsRequest([new NeedRequest("incident-responder", 2, 3), new NeedRequest("threat-intelligence", 1, 2)]), default);
        }

        await using var context = await Seeds.ContextAsync(node, "ka", 1280, 900);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        page.SetDefaultNavigationTimeout(90_000);
        await Seeds.LogInAsync(page, analyst);

        await page.GotoAsync("/intel/imports");
        await Seeds.WaitInteractiveAsync(page);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ka");
        var imports = await HeadersAsync(page.Locator("#imports-grid thead th"));
        Assert.True(imports.Length >= 10, $"import job headers: {imports.Length}");
        Assert.All(imports, h => Assert.True(h.Lines is >= 1 and <= 2, $"ka 1280px /intel/imports: header '{h.Text}' takes {h.Lines} lines"));
        await page.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath("intel-imports-ka-1280"), FullPage = true });

        await page.SetViewportSizeAsync(390, 900);
        await page.GotoAsync("/capacity/training/matrix");
        await Seeds.WaitInteractiveAsync(page);
        await Expect(page.Locator("#matrix-needs")).ToBeVisibleAsync();
        var needs = await HeadersAsync(page.Locator("#matrix-needs thead th"));
        Assert.Equal(6, needs.Length);
        // At 390 px a header of several words may take a line per word, never more: it breaks between words only.
        Assert.All(needs, h => Assert.True(h.Lines >= 1 && h.Lines <= h.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length,
            $"ka 390px needed roles: header '{h.Text}' takes {h.Lines} lines"));
        var overflowing = await page.Locator("#matrix-needs thead th").EvaluateAllAsync<string[]>(
            "ths => ths.filter(th => th.scrollWidth > th.clientWidth + 1).map(th => th.textContent)");
        Assert.True(overflowing.Length == 0, $"ka 390px: header words wider than their column: {string.Join(", ", overflowing)}");
        // Too wide for 390 px: the table scrolls in its own box, the page itself does not.
        var widths = await page.EvaluateAsync<double[]>(
            "() => { const t = document.querySelector('#matrix-needs'); const box = t.closest('.table-scroll'); return [box.clientWidth, box.scrollWidth, document.documentElement.scrollWidth, window.innerWidth]; }");
        Assert.True(widths[0] <= widths[3], $"the needed roles box is wider than the window ({widths[0]} > {widths[3]})");
        Assert.True(widths[2] <= widths[3] + 1, $"the page scrolls sideways ({widths[2]} > {widths[3]})");
        await page.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath("needed-roles-ka-390"), FullPage = true });
    }
}
