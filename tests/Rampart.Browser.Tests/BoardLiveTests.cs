using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rampart.Server.Access;
using Rampart.Server.Identity;
using Rampart.Server.Incidents;
using Rampart.Standards.Markings;

namespace Rampart.Browser.Tests;

/// <summary>
/// The situation board updates live (issue 11): a participant keeps <c>/board</c> open while the owner's analyst raises the
/// incident's severity through REST; the open page shows the new severity without being reloaded.
/// </summary>
public sealed class BoardLiveTests(BrowserNode node) : IClassFixture<BrowserNode>
{
    private static readonly string[] Countries = ["XK"];

    [Fact]
    public async Task Board_KeptOpen_ShowsASeverityChangeAnotherUserMadeThroughRest_WithoutReloading()
    {
        await Seeds.OrganisationAsync(node, "LOWN", "Team Live Owner");
        var watcherOrg = await Seeds.OrganisationAsync(node, "LWATCH", "Team Live Watcher");
        var owner = await Seeds.UserAsync(node, "analyst@lown.test", Role.Analyst, "LOWN");
        var watcher = await Seeds.UserAsync(node, "analyst@lwatch.test", Role.Analyst, "LWATCH");

        Incident incident;
        string ownerKey;
        await using (var scope = node.Services.CreateAsyncScope())
        {
            var editing = scope.ServiceProvider.GetRequiredService<IncidentEditing>();
            incident = await editing.CreateAsync(owner.Caller, new IncidentRequest("DDoS on the tax portal", "Portal unreachable since 08:00.", Tlp.Amber, null,
                IncidentSeverity.Medium, "energy", ["XK"], [new RsitRequest("intrusions", "system-compromise")], "Tax administration", AffectedEntityKind.Essential), default);
            var invitation = (await editing.InviteAsync(owner.Caller, incident.Id, new InviteRequest(watcherOrg, ParticipantRole.Observer, null), default))!;
            await editing.AnswerAsync(watcher.Caller, invitation.Id, accept: true, default);
            var self = owner.Caller with { Credential = "session:seed" };
            ownerKey = (await scope.ServiceProvider.GetRequiredService<ApiKeyAdministration>().CreateAsync(self, owner.Id, new ApiKeyRequest("live board test", null, false), default))!.Key;
        }

        await using var context = await Seeds.ContextAsync(node);
        var page = await context.NewPageAsync();
        await Seeds.LogInAsync(page, watcher);
        await page.GotoAsync("/board");
        await Seeds.WaitInteractiveAsync(page);
        var row = page.Locator($"#board-{incident.HumanId}");
        await Assertions.Expect(row).ToContainTextAsync("Medium");
        // A mark on this very document: a reload (or a navigation) would lose it.
        await page.EvaluateAsync("() => { window.rampartBoardMark = 'still the same page'; }");

        using var rest = new HttpClient { BaseAddress = new Uri(node.BaseUrl) };
        rest.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ownerKey);
        var changed = await rest.PutAsJsonAsync($"/api/incidents/{incident.Id}", new
        {
            title = "DDoS on the tax portal",
            summary = "Portal unreachable since 08:00; now also the customs portal.",
            tlp = "amber",
            severity = "critical",
            sector = "energy",
            countries = Countries,
            classifications = new[] { new { category = "intrusions", type = "system-compromise" } },
            affectedEntity = "Tax administration",
            entityKind = "essential",
        });
        Assert.True(changed.IsSuccessStatusCode, await changed.Content.ReadAsStringAsync());

        // The page polls every 3 s; well within 15 s the row shows the new severity.
        await Assertions.Expect(row).ToContainTextAsync("Critical", new() { Timeout = 15000 });
        await Assertions.Expect(page.Locator("#board-severity")).ToContainTextAsync("Critical");
        Assert.Equal("still the same page", await page.EvaluateAsync<string>("() => window.rampartBoardMark"));
    }
}
