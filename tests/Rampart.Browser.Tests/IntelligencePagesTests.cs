using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Intelligence.Store;
using Rampart.Server.Organisations;
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

    [Fact]
    public async Task PasteToShare_DefangedIpAndDomainSharedAmberToACommunity_PreviewShowsThemAndTheListFindsThem()
    {
        await Seeds.OrganisationAsync(node, "ISHR", "Intel sharer CERT");
        var analyst = await Seeds.UserAsync(node, "analyst@ishr.test", Role.Analyst, "ISHR");
        var communityName = $"Paste community {Guid.NewGuid():N}"[..30];
        await using (var scope = node.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
            var community = new Community { Id = Guid.CreateVersion7(), Name = communityName, ModeratorOrganisationId = analyst.OrganisationId, CreatedAt = now };
            community.Members.Add(new CommunityMember { CommunityId = community.Id, OrganisationId = analyst.OrganisationId, AddedAt = now });
            db.Communities.Add(community);
            await db.SaveChangesAsync();
        }

        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        await Seeds.LogInAsync(page, analyst);
        await page.GotoAsync("/intel");
        await Seeds.WaitInteractiveAsync(page);
        // The navigation offers it to writers.
        await Expect(page.Locator("#side-navigation a[href='intel/share']")).ToBeVisibleAsync();
        await page.GotoAsync("/intel/share");
        await Seeds.WaitInteractiveAsync(page);
        await page.Locator("#intel-share-text").FillAsync("C2 seen at 185.220.101[.]47 and the phishing domain login-update-secure[.]net during the night; the proxy 192.168.1[.]1 logged it.");
        await page.Locator("#intel-share-preview").ClickAsync();
        await Expect(page.Locator("#intel-share-table")).ToContainTextAsync("185.220.101.47");
        await Expect(page.Locator("#intel-share-table")).ToContainTextAsync("login-update-secure.net");
        // A private address is on a warning list: shown with the list, not selected.
        await Expect(page.Locator("#intel-share-table")).ToContainTextAsync("RFC 1918");
        await Expect(page.Locator("input[aria-label='Select 192.168.1.1']")).Not.ToBeCheckedAsync();
        await Expect(page.Locator("input[aria-label='Select 185.220.101.47']")).ToBeCheckedAsync();
        await page.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath("intel-share-preview"), FullPage = true });

        await page.Locator("#intel-share-tlp").SelectOptionAsync(new SelectOptionValue { Label = Tlp.Amber.Label() });
        await page.Locator("#intel-share-audience").SelectOptionAsync("Community");
        await page.Locator("#intel-share-community").SelectOptionAsync(new SelectOptionValue { Label = communityName });
        await page.Locator("#intel-share-confirm").ClickAsync();
        // The share is an import job (read, prepare, write in one transaction): on a loaded test machine it has taken more
        // than the default 5 s, so the wait is as long as an import's page waits elsewhere.
        await Expect(page.Locator("#intel-share-objects")).ToContainTextAsync("indicator--", new() { Timeout = 30_000 });

        await page.GotoAsync($"/intel?q={Uri.EscapeDataString("185.220.101.47")}");
        await Seeds.WaitInteractiveAsync(page);
        await Expect(page.Locator("#intel-grid")).ToContainTextAsync("185.220.101.47");
        await Expect(page.Locator("#intel-grid")).ToContainTextAsync("TLP:AMBER");
        // The audience names the community (not only "Community").
        await Expect(page.Locator("#intel-grid")).ToContainTextAsync(communityName);
        await page.GotoAsync($"/intel?q={Uri.EscapeDataString("login-update-secure.net")}");
        await Seeds.WaitInteractiveAsync(page);
        await Expect(page.Locator("#intel-grid")).ToContainTextAsync("login-update-secure.net");
        await page.GotoAsync($"/intel?q={Uri.EscapeDataString("192.168.1.1")}");
        await Seeds.WaitInteractiveAsync(page);
        await Expect(page.Locator("#intel-empty")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Retraction_OwnerWithdrawsWithReason_NonOwnerSeesNoButtonsAndOwnerSeesTheTombstone()
    {
        await Seeds.OrganisationAsync(node, "IRTO", "Intel retract owner CERT");
        await Seeds.OrganisationAsync(node, "IRTR", "Intel retract reader CERT");
        var owner = await Seeds.UserAsync(node, "analyst@irto.test", Role.Analyst, "IRTO");
        var reader = await Seeds.UserAsync(node, "analyst@irtr.test", Role.Analyst, "IRTR");
        var intel = await ObjectAsync(owner.OrganisationId, Tlp.Green, $"indicator--{Guid.NewGuid()}", "indicator", "[ipv4-addr:value = '192.0.2.99']", "192.0.2.99");
        await using (var scope = node.Services.CreateAsyncScope())
        {
            // Shared with the whole network, so the other organisation reads it.
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var record = await db.SharedRecords.FirstAsync(r => r.Id == intel.RecordId);
            await scope.ServiceProvider.GetRequiredService<SharingStore>().ApplyAsync(record, Tlp.Green, [new ResolvedAudience(AudienceKind.Network)], false, default);
            await db.SaveChangesAsync();
        }

        await using (var context = await Seeds.ContextAsync(node))
        {
            var page = await context.NewPageAsync();
            await Seeds.LogInAsync(page, reader);
            await page.GotoAsync($"/intel/objects/{intel.StixId}");
            await Seeds.WaitInteractiveAsync(page);
            await Expect(page.Locator("#intel-title")).ToContainTextAsync("192.0.2.99");
            await Expect(page.Locator("#intel-retraction")).ToHaveCountAsync(0);
            await Expect(page.Locator("#intel-revoke")).ToHaveCountAsync(0);
            await Expect(page.Locator("#intel-withdraw")).ToHaveCountAsync(0);
            // Nothing has happened to it on this node yet that the history records (the seed writes no change rows).
            await Expect(page.Locator("#intel-no-history")).ToBeVisibleAsync();
        }

        await using (var context = await Seeds.ContextAsync(node))
        {
            var page = await context.NewPageAsync();
            await Seeds.LogInAsync(page, owner);
            await page.GotoAsync($"/intel/objects/{intel.StixId}");
            await Seeds.WaitInteractiveAsync(page);
            await Expect(page.Locator("#intel-revoke")).ToBeVisibleAsync();
            await page.Locator("#intel-withdraw-reason").FillAsync("False positive: our own scanner");
            await page.Locator("#intel-withdraw").ClickAsync();
            // The confirmation names the object; cancelling changes nothing.
            await Expect(page.Locator("#confirm-object")).ToContainTextAsync("192.0.2.99");
            await page.Locator("#confirm-cancel").ClickAsync();
            await Expect(page.Locator("#intel-withdrawn")).ToHaveCountAsync(0);
            await page.Locator("#intel-withdraw").ClickAsync();
            await page.Locator("#confirm-ok").ClickAsync();
            await Expect(page.Locator("#intel-withdrawn")).ToContainTextAsync("False positive: our own scanner");
            await Expect(page.Locator("#intel-retraction")).ToHaveCountAsync(0);
            // The history names the withdrawal, who did it and why.
            var entry = page.Locator("#intel-history tr.history-entry[data-kind='Withdrawn']");
            await Expect(entry).ToContainTextAsync("Withdrawn");
            await Expect(entry).ToContainTextAsync("By the owner");
            await Expect(entry).ToContainTextAsync("False positive: our own scanner");
        }

        // The reader, who could see it, sees the withdrawal in its history too — in Albanian here, every cell translated.
        await using (var context = await Seeds.ContextAsync(node, "sq"))
        {
            var page = await context.NewPageAsync();
            await Seeds.LogInAsync(page, reader);
            await page.GotoAsync($"/intel/objects/{intel.StixId}");
            await Seeds.WaitInteractiveAsync(page);
            var entry = page.Locator("#intel-history tr.history-entry[data-kind='Withdrawn']");
            await Expect(entry).ToContainTextAsync("False positive: our own scanner");
            await Expect(entry).Not.ToContainTextAsync("By the owner");
            await Expect(entry).Not.ToContainTextAsync("Withdrawn");
            await Expect(entry).ToContainTextAsync("Tërhequr");
            await Expect(entry).ToContainTextAsync("Nga pronari");
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
        foreach (var path in new[] { "/", "/intel", $"/intel/objects/{shown.StixId}", "/intel?q=192.0.2.250", "/intel/share", "/intel/imports", "/intel/feeds", "/intel/warning-lists" })
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
