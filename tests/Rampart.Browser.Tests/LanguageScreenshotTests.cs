using Microsoft.Playwright;
using Rampart.Server.Access;
using Rampart.Server.Identity;
using Rampart.Standards.Markings;

namespace Rampart.Browser.Tests;

/// <summary>
/// The pages a reviewer looks at first, in Georgian and Serbian Cyrillic: screenshots kept in artifacts/screenshots,
/// and a check that Georgian letters are drawn with real glyphs, not the missing-glyph box.
/// </summary>
public sealed class LanguageScreenshotTests(BrowserNode node) : IClassFixture<BrowserNode>
{
    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    [Theory]
    [InlineData("ka", "ვერ მოიძებნა")]
    [InlineData("sr-Cyrl", "Није пронађено")]
    public async Task Screenshots_DashboardGridConfirmation404AndPublicRecord_InTheLanguage(string culture, string notFound)
    {
        var analyst = await Seeds.UserAsync(node, $"shots-{culture}@node.test", Role.Analyst);
        await Seeds.NoteAsync(node, analyst, "IOC-" + new string('A', 160) + "-sha256-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Tlp.Amber, Audience.Organisation);
        await Seeds.NoteAsync(node, analyst, "ფიშინგის კამპანია / Фишинг кампања " + new string('ж', 90), Tlp.Green, Audience.Network);
        var published = await Seeds.NoteAsync(node, analyst, "Public advisory " + culture + ": patch the VPN gateways", Tlp.Clear, Audience.Network, published: true);

        // Logged out: the public record and a mistyped address.
        await using (var visitor = await Seeds.ContextAsync(node, culture))
        {
            var page = await visitor.NewPageAsync();
            await page.GotoAsync($"/public/notes/{published.Id}");
            await Expect(page.Locator("h1")).ToHaveTextAsync("Public advisory " + culture + ": patch the VPN gateways");
            await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", culture);
            await page.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath($"public-record-logged-out-{culture}"), FullPage = true });
            var response = await page.GotoAsync("/no/such/page");
            Assert.Equal(404, response!.Status);
            await Expect(page.Locator("h1")).ToHaveTextAsync(notFound);
            await page.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath($"404-{culture}"), FullPage = true });
        }

        await using var context = await Seeds.ContextAsync(node, culture);
        var signedIn = await context.NewPageAsync();
        await Seeds.LogInAsync(signedIn, analyst);
        await Seeds.WaitInteractiveAsync(signedIn);
        await Expect(signedIn.Locator("#dashboard")).ToBeVisibleAsync();
        await signedIn.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath($"dashboard-{culture}"), FullPage = true });

        await signedIn.GotoAsync("/notes");
        await Seeds.WaitInteractiveAsync(signedIn);
        await Expect(signedIn.Locator("#note-grid")).ToContainTextAsync("TLP:AMBER");
        var overflow = await signedIn.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 1, $"the notes grid is {overflow} px wider than the screen");
        await signedIn.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath($"grid-long-titles-{culture}"), FullPage = true });

        // A destructive confirmation naming its object.
        await signedIn.GotoAsync("/keys");
        await Seeds.WaitInteractiveAsync(signedIn);
        await signedIn.FillAsync("#key-name", "SIEM " + culture);
        await signedIn.ClickAsync("form.rampart-form button[type=submit]");
        await Expect(signedIn.Locator("#new-api-key")).ToBeVisibleAsync();
        await signedIn.ClickAsync(".revoke-key");
        await Expect(signedIn.Locator("#confirm-object")).ToContainTextAsync("SIEM " + culture);
        var cancel = await signedIn.Locator("#confirm-cancel").InnerTextAsync();
        var confirm = await signedIn.Locator("#confirm-ok").InnerTextAsync();
        Assert.NotEqual(cancel.Trim().Split(' ')[0], confirm.Trim().Split(' ')[0]);
        await signedIn.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath($"confirm-revoke-key-{culture}"), FullPage = true });
        await signedIn.ClickAsync("#confirm-cancel");
    }

    [Fact]
    public async Task Georgian_LettersHaveGlyphs_NotMissingGlyphBoxes()
    {
        await using var context = await Seeds.ContextAsync(node, "ka");
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/login");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "ka");

        // In the page's own font: a font without Georgian draws every letter as the same missing-glyph box, so seven
        // Georgian letters measure exactly as wide as seven unassigned code points; real glyphs have their own widths.
        var widths = await page.EvaluateAsync<double[]>("""
            () => {
                const font = getComputedStyle(document.querySelector('h1')).font;
                const context = document.createElement('canvas').getContext('2d');
                context.font = font;
                const width = text => context.measureText(text).width;
                const missing = String.fromCodePoint(0x10FFFD).repeat(7);
                return [width('ქართული'), width(missing)];
            }
            """);
        Assert.True(Math.Abs(widths[0] - widths[1]) > 0.5, $"Georgian text is as wide as missing-glyph boxes ({widths[0]} vs {widths[1]}): no font with Georgian glyphs");
        await page.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath("login-ka"), FullPage = true });
    }
}
