using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;

namespace Rampart.Browser.Tests;

/// <summary>The intelligence pages in a browser: an outsider cannot reach an AMBER indicator; axe-core; screenshots.</summary>
public sealed class IntelligencePagesTests(BrowserNode node) : IClassFixture<BrowserNode>
{
    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    [Fact]
    public async Task IntelPages_OutsiderWithTheAmberIndicatorsUrl_GetsNotFoundAndNeitherSearchNorCorrelationsShowIt()
    {
        await Seeds.OrganisationAsync(node, "IOWN", "Intel owner CERT");
        await Seeds.OrganisationAsync(node, "IOUT", "Intel outsider CERT");
        var owner = await Seeds.UserAsync(node, "analyst@iown.test", Role.Analyst, "IOWN");
        var outsider = await Seeds.UserAsync(node, "analyst@iout.test", Role.Analyst, "IOUT");
        const string ip = "203.0.113.77";
        var amber = await ObjectAsync(owner.OrganisationId, Tlp.Amber, $"indicator--{Guid.NewGuid()}", "indicator", $"[ipv4-addr:value = '{ip}']", ip);
        var own = await ObjectAsync(outsider.OrganisationId, Tlp.Green, $"ipv4-addr--{Guid.NewGuid()}", "ipv4-addr", ip, ip);

        await using (var context = await Seeds.ContextAsync(node))
        {
            var page = await context.NewPageAsync();
            await Seeds.LogInAsync(page, outsider);

            // By URL, with or without the record key: the styled not-found, exactly as for an unknown object.
            foreach (var path in new[] { $"/intel/objects/{amber.StixId}", $"/intel/objects/{amber.StixId}?record={amber.RecordId}", $"/intel/objects/{own.StixId}?record={amber.RecordId}" })
            {
                await page.GotoAsync(path);
                await Expect(page.Locator("#not-found")).ToBeVisibleAsync();
                await Expect(page.Locator("body")).Not.ToContainTextAsync("ipv4-addr:value");
            }

            // By the value it knows (defanged, as analysts paste it): only its own object.
            await page.GotoAsync($"/intel?q={Uri.EscapeDataString("203.0.113[.]77")}");
            await Seeds.WaitInteractiveAsync(page);
            await Expect(page.Locator("#intel-grid")).ToContainTextAsync(ip);
            await Expect(page.Locator("#intel-grid")).Not.ToContainTextAsync("ipv4-addr:value");

            // Through its own object that carries the same value: no correlation shows the AMBER one.
            await page.GotoAsync($"/intel/objects/{own.StixId}");
            await Expect(page.Locator("#intel-title")).ToHaveTextAsync(ip);
            await Expect(page.Locator("#intel-no-correlations")).ToBeVisibleAsync();
            await Expect(page.Locator("body")).Not.ToContainTextAsync("ipv4-addr:value");
        }

        await using (var context = await Seeds.ContextAsync(node))
        {
            // The owner reads it; its properties are text (the <script> in its name is shown, not run).
            var page = await context.NewPageAsync();
            await Seeds.LogInAsync(page, owner);
            await page.GotoAsync($"/intel/objects/{amber.StixId}");
            await Expect(page.Locator("#intel-title")).ToContainTextAsync("ipv4-addr:value");
            await Expect(page.Locator("#intel-properties")).ToContainTextAsync("<script>alert(1)</script>");
            await page.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath("intel-detail"), FullPage = true });
            await page.GotoAsync("/intel");
            await Seeds.WaitInteractiveAsync(page);
            await Expect(page.Locator("#intel-grid")).ToContainTextAsync("ipv4-addr:value");
            await page.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath("intel-list"), FullPage = true });
        }
    }

    [Theory]
    [InlineData("en")]
    [InlineData("sr-Latn-ME")]
    public async Task Accessibility_IntelPages_NoSeriousOrCriticalViolations(string culture)
    {
        var analyst = await Seeds.UserAsync(node, $"intel-a11y-{culture}@node.test", Role.Analyst);
        var shown = await ObjectAsync(analyst.OrganisationId, Tlp.Amber, $"indicator--{Guid.NewGuid()}", "indicator", "[domain-name:value = 'a11y.example']", "192.0.2.10");
        await ObjectAsync(analyst.OrganisationId, Tlp.Green, $"ipv4-addr--{Guid.NewGuid()}", "ipv4-addr", "192.0.2.10", "192.0.2.10");
        await using var context = await Seeds.ContextAsync(node, culture);
        var page = await context.NewPageAsync();
        await Seeds.LogInAsync(page, analyst);
        var problems = new List<string>();
        foreach (var path in new[] { "/", "/intel", $"/intel/objects/{shown.StixId}", "/intel?q=192.0.2.250" })
        {
            await page.GotoAsync(path);
            await Seeds.WaitInteractiveAsync(page);
            var result = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
            problems.AddRange(result.Violations.Where(v => v.Impact is "serious" or "critical")
                .Select(v => $"{path}: {v.Id} ({v.Impact}) {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => string.Join(" ", n.Target)))}"));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    // Stands in for the store's writer (IntelStore, written concurrently on another branch): the rows it writes for one
    // object shared with its owner organisation only, carrying one IPv4 value.
    private async Task<IntelObject> ObjectAsync(Guid owner, Tlp tlp, string stixId, string type, string name, string ip)
    {
        await using var scope = node.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        var record = new SharedRecord { RecordType = RecordType.StixObject, OwnerOrganisationId = owner, CreatorOrganisationId = owner, CreatedAt = now };
        db.SharedRecords.Add(record);
        await db.SaveChangesAsync();
        await scope.ServiceProvider.GetRequiredService<SharingStore>().ApplyAsync(record, tlp, [], false, default);
        var intel = new IntelObject
        {
            RecordId = record.Id, OwnerOrganisationId = owner, StixId = stixId, StixType = type, Name = name,
            Created = now, Modified = now, AddedAt = now, UpdatedAt = now,
        };
        db.IntelObjects.Add(intel);
        db.IntelObjectVersions.Add(new IntelObjectVersion
        {
            RecordId = record.Id, Modified = now, DateAdded = now,
            Json = $$"""{"type":"{{type}}","id":"{{stixId}}","name":"<script>alert(1)</script>","pattern":"{{name.Replace("'", "\\u0027", StringComparison.Ordinal)}}"}""",
        });
        var observable = await db.Observables.FirstOrDefaultAsync(o => o.Kind == ObservableKind.Ipv4 && o.Value == ip);
        if (observable is null)
        {
            observable = new Observable { Kind = ObservableKind.Ipv4, Value = ip };
            db.Observables.Add(observable);
            await db.SaveChangesAsync();
        }

        observable.ObjectCount++;
        db.ObservableLinks.Add(new ObservableLink { ObservableId = observable.Id, RecordId = record.Id });
        await db.SaveChangesAsync();
        return intel;
    }
}
