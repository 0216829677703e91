using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Intelligence.Feeds;
using Rampart.Standards.Markings;

namespace Rampart.Browser.Tests;

/// <summary>The import jobs, feeds and object pages in a browser: what an analyst sees after acting.</summary>
public sealed class IntelligenceWorkPagesTests(BrowserNode node) : IClassFixture<BrowserNode>
{
    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private static string Bundle(string indicator, string malware, string ip) => $$"""
        {"type":"bundle","id":"bundle--{{Guid.NewGuid()}}","objects":[
          {"type":"indicator","spec_version":"2.1","id":"{{indicator}}","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",
           "name":"C2 {{ip}}","pattern":"[ipv4-addr:value = '{{ip}}']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00.000Z"},
          {"type":"malware","spec_version":"2.1","id":"{{malware}}","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",
           "name":"Night loader","is_family":true},
          {"type":"relationship","spec_version":"2.1","id":"relationship--{{Guid.NewGuid()}}","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",
           "relationship_type":"indicates","source_ref":"{{indicator}}","target_ref":"{{malware}}"}
        ]}
        """;

    [Fact]
    public async Task ImportAndObjectPages_UploadABundle_JobShowsCountsAndTheIndicatorShowsItsRelationshipAndAReportedSighting()
    {
        await Seeds.OrganisationAsync(node, "IIMP", "Intel import CERT");
        var analyst = await Seeds.UserAsync(node, "analyst@iimp.test", Role.Analyst, "IIMP");
        var indicator = $"indicator--{Guid.NewGuid()}";
        var malware = $"malware--{Guid.NewGuid()}";
        var file = Path.Combine(Path.GetTempPath(), $"bundle-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, Bundle(indicator, malware, "203.0.113.99"));
        try
        {
            await using var context = await Seeds.ContextAsync(node);
            var page = await context.NewPageAsync();
            await Seeds.LogInAsync(page, analyst);
            await page.GotoAsync("/intel/imports");
            await Seeds.WaitInteractiveAsync(page);
            await Expect(page.Locator("#side-navigation a[href='intel/imports']")).ToBeVisibleAsync();
            await Expect(page.Locator("#imports-empty")).ToBeVisibleAsync();
            await page.Locator("#import-file").SetInputFilesAsync(file);
            await page.Locator("#import-tlp").SelectOptionAsync(new SelectOptionValue { Label = Tlp.Amber.Label() });
            await page.Locator("#import-start").ClickAsync();

            // The job's page follows the import until it completes (the node's first import also loads the warning lists): three objects added.
            await Expect(page.Locator(".import-status")).ToContainTextAsync("Completed", new() { Timeout = 60_000 });
            await Expect(page.Locator("#import-added")).ToHaveTextAsync("3");
            await Expect(page.Locator("#import-rejected")).ToHaveTextAsync("0");
            await Expect(page.Locator("#import-outcomes")).ToContainTextAsync(indicator);
            await page.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath("intel-import-job"), FullPage = true });
            await page.GotoAsync("/intel/imports");
            await Seeds.WaitInteractiveAsync(page);
            await Expect(page.Locator("#imports-grid")).ToContainTextAsync("STIX bundle");

            // The indicator's page: its relationship to the malware, by name, as a link; then a sighting reported on it.
            await page.GotoAsync($"/intel/objects/{indicator}");
            await Seeds.WaitInteractiveAsync(page);
            await Expect(page.Locator("#intel-relationships")).ToContainTextAsync("indicates");
            await Expect(page.Locator("#intel-relationships a", new() { HasText = "Night loader" })).ToBeVisibleAsync();
            await Expect(page.Locator("#intel-sighting-count")).ToHaveTextAsync("0");
            await page.Locator("#sighting-count").FillAsync("4");
            await page.Locator("#sighting-where").FillAsync("mail gateway");
            await page.Locator("#sighting-report").ClickAsync();
            await Expect(page.Locator("#intel-sighting-count")).ToHaveTextAsync("1");
            await Expect(page.Locator("#intel-sightings")).ToContainTextAsync("mail gateway");
            await Expect(page.Locator("#intel-sightings")).ToContainTextAsync("IIMP");
            await page.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath("intel-detail-relations"), FullPage = true });

            await page.GotoAsync($"/intel/objects/{malware}");
            await Expect(page.Locator("#intel-relationships a", new() { HasText = "C2 203.0.113.99" })).ToBeVisibleAsync();
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task FeedsPage_OrganisationsFeed_ShowsItsSourceStatusCountsAndLastError_AndDeleteNamesIt()
    {
        await Seeds.OrganisationAsync(node, "IFED", "Intel feed CERT");
        var admin = await Seeds.UserAsync(node, "admin@ifed.test", Role.OrgAdmin, "IFED");
        var analyst = await Seeds.UserAsync(node, "analyst@ifed.test", Role.Analyst, "IFED");
        await using var endpoint = await LocalFeed.StartAsync("203.0.113.5\n203.0.113.6\n");
        await using (var scope = node.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
            db.IntelFeeds.Add(new IntelFeed
            {
                PublicId = Guid.CreateVersion7(), OrganisationId = admin.OrganisationId, Name = "Night blocklist", Url = endpoint.Url, Format = FeedFormat.PlainList,
                IntervalSeconds = 3600, Tlp = Tlp.Green, CreatedByUserId = admin.Id, CreatedAt = now, NextPullAt = now.AddHours(1),
                LastPulledAt = now, Status = FeedStatus.Failed, LastError = "HTTP 503 from the source", LastAdded = 2, TotalAdded = 2, Pulls = 2,
            });
            await db.SaveChangesAsync();
        }

        await using (var context = await Seeds.ContextAsync(node))
        {
            // A member sees the feed and its state, without the buttons that change it.
            var page = await context.NewPageAsync();
            await Seeds.LogInAsync(page, analyst);
            await page.GotoAsync("/intel/feeds");
            await Seeds.WaitInteractiveAsync(page);
            var row = page.Locator(".feed-row", new() { HasText = "Night blocklist" });
            await Expect(row).ToContainTextAsync(endpoint.Url);
            await Expect(row.Locator(".feed-status")).ToHaveTextAsync("Failed");
            await Expect(row.Locator(".feed-error")).ToHaveTextAsync("HTTP 503 from the source");
            await Expect(row.Locator(".feed-counts")).ToHaveTextAsync("2 / 0 / 0 / 0");
            await Expect(row.Locator(".feed-delete")).ToHaveCountAsync(0);
        }

        await using (var context = await Seeds.ContextAsync(node))
        {
            var page = await context.NewPageAsync();
            await Seeds.LogInAsync(page, admin);
            await page.GotoAsync("/intel/feeds");
            await Seeds.WaitInteractiveAsync(page);
            var row = page.Locator(".feed-row", new() { HasText = "Night blocklist" });
            await page.ScreenshotAsync(new() { Path = Seeds.ScreenshotPath("intel-feeds"), FullPage = true });
            await row.Locator(".feed-delete").ClickAsync();
            await Expect(page.Locator(".mud-dialog")).ToContainTextAsync("Night blocklist");
        }
    }

    /// <summary>A plain-list feed served on 127.0.0.1 by the test.</summary>
    private sealed class LocalFeed : IAsyncDisposable
    {
        private readonly WebApplication app;

        private LocalFeed(WebApplication app, string url) => (this.app, Url) = (app, url);

        public string Url { get; }

        public static async Task<LocalFeed> StartAsync(string body)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var app = builder.Build();
            app.MapGet("/feed.txt", () => Microsoft.AspNetCore.Http.Results.Text(body, "text/plain"));
            await app.StartAsync();
            var address = app.Urls.First();
            return new LocalFeed(app, address + "/feed.txt");
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
