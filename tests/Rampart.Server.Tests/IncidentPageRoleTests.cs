using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using System.Text.Json.Nodes;
using Rampart.Server.Identity;
using Rampart.Server.Incidents;

namespace Rampart.Server.Tests;

/// <summary>
/// Issue 11, security tests through pages, on SQLite and PostgreSQL: <c>/incidents/{id}</c> as each role sees it in a
/// browser session (password login, and the second factor for administrators, as a browser does) — status buttons only
/// for the owner and coordinators; the not-found page, with nothing of the incident, for outsiders and administrators.
/// </summary>
/// <remarks>
/// Why the earlier attempt got 302s: administrators (<see cref="User.RequiresSecondFactor"/>) whose password was reset but
/// who had no second factor are sent to <c>/account/setup</c> by <see cref="AccountObligations"/> on every page; and a login
/// of a person with a second factor stops at <c>/account/login-2fa</c>. Here every person chooses a password, administrators
/// also get an authenticator and pass the second step with its code, so each session is a finished one.
/// </remarks>
public abstract class IncidentPageRoleTests(NodeFixture fixture)
{
    private static readonly string[] Albania = ["AL"];

    private SeededNode Node => fixture.Node;

    private static async Task<System.Text.Json.Nodes.JsonNode> Ok(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    /// <summary>A new person of <paramref name="organisation"/> logged in through the web forms: a cookie session as a browser holds it.</summary>
    private Task<(Person Person, HttpClient Browser)> SessionAsync(Guid organisation, Role role) => PageSessions.OpenAsync(Node, organisation, role);

    private async Task JoinAsync(string id, Person who, string role)
    {
        var invited = await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/participants", new { organisationId = who.OrganisationId, role }), HttpStatusCode.Created);
        await Ok(await Node.Client(who).PostAsync($"/api/incidents/invitations/{invited["id"]}/accept", new { }));
    }

    [Fact]
    public async Task IncidentPage_AsEachRole_InABrowserSession_StatusButtonsOnlyForOwnerAndCoordinator_NotFoundForOutsidersAndAdmins()
    {
        const string title = "Page roles: wiper at the registry";
        var created = await Ok(await Node.Client(Node.Owner).PostAsync("/api/incidents", new
        {
            title, summary = "Wiper **confirmed** on two hosts.", tlp = "amber", severity = "high", sector = "public-administration", countries = Albania,
        }), HttpStatusCode.Created);
        var id = created["id"]!.GetValue<string>();
        await JoinAsync(id, Node.Recipient, "coordinator");
        await JoinAsync(id, Node.Member, "contributor");
        await JoinAsync(id, Node.SameCountry, "observer");

        var seeing = new (string Who, Guid Organisation, Role Role, bool MovesStatus)[]
        {
            ("owner", Node.OwnerOrg, Role.Analyst, true),
            ("coordinator", Node.RecipientOrg, Role.Analyst, true),
            ("contributor", Node.MemberOrg, Role.Analyst, false),
            ("observer", Node.SameCountryOrg, Role.Analyst, false),
            // The participants' own administrators read it (their organisation takes part); they act through no status button.
            ("contributor's org admin", Node.MemberOrg, Role.OrgAdmin, false),
        };
        foreach (var (who, organisation, role, movesStatus) in seeing)
        {
            var (_, browser) = await SessionAsync(organisation, role);
            var response = await browser.GetAsync($"/incidents/{id}");
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{who}: {(int)response.StatusCode}");
            Assert.Contains(title, html, StringComparison.Ordinal);
            Assert.Contains("<strong>confirmed</strong>", html, StringComparison.Ordinal);
            Assert.True(movesStatus == html.Contains("id=\"status-triage\"", StringComparison.Ordinal), $"{who}: status buttons {(movesStatus ? "missing" : "shown")}");
        }

        var denied = new (string Who, Guid Organisation, Role Role)[]
        {
            ("outsider", Node.OutsiderOrg, Role.Analyst),
            ("outsider org admin", Node.OutsiderOrg, Role.OrgAdmin),
            ("node admin", Node.NodeOrg, Role.NodeAdmin),
        };
        foreach (var (who, organisation, role) in denied)
        {
            var (_, browser) = await SessionAsync(organisation, role);
            foreach (var url in new[] { $"/incidents/{id}", $"/incidents/{created["number"]!.GetValue<string>()}", $"/incidents/{id}/print" })
            {
                var response = await browser.GetAsync(url);
                var html = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.NotFound || (response.StatusCode == HttpStatusCode.OK && html.Contains("incident-not-found", StringComparison.Ordinal)),
                    $"{who} {url}: {(int)response.StatusCode}");
                Assert.Contains("There is nothing here, or you may not see it.", html, StringComparison.Ordinal);
                Assert.DoesNotContain(title, html, StringComparison.Ordinal);
                Assert.DoesNotContain("confirmed", html, StringComparison.Ordinal);
                Assert.DoesNotContain("status-triage", html, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task DuplicateAndMergePicker_FindsAnyReadableIncidentByNumberOrTitle_BeyondTheNewest_OutsidersFindNothing()
    {
        var owner = Node.Client(Node.Owner);
        async Task<JsonNode> OpenAsync(string title) => await Ok(await owner.PostAsync("/api/incidents", new
        {
            title, summary = "", tlp = "amber", severity = "low", sector = "public-administration",
        }), HttpStatusCode.Created);

        var original = await OpenAsync("Picker original: DNS hijack of the tax portal");
        for (var n = 0; n < 25; n++)
        {
            await OpenAsync($"Picker filler {n}");
        }

        var lone = await OpenAsync("Picker: the incident to mark");
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<IncidentQueries>();
        var ownerCaller = CallerOf(Node.Owner);

        // 26 newer incidents do not hide the original: found by its number and by a piece of its title, in any case.
        var byNumber = await queries.PickAsync(ownerCaller, original["number"]!.GetValue<string>(), 20, default);
        Assert.Equal(original["id"]!.GetValue<Guid>(), Assert.Single(byNumber).Incident.Id);
        var byTitle = await queries.PickAsync(ownerCaller, "dns HIJACK", 20, default);
        Assert.Equal(original["id"]!.GetValue<Guid>(), Assert.Single(byTitle).Incident.Id);

        // Others find nothing, by number or title.
        foreach (var person in new[] { Node.Outsider, Node.NodeAdmin, Node.SameCountry })
        {
            var other = CallerOf(person);
            Assert.Empty(await queries.PickAsync(other, original["number"]!.GetValue<string>(), 20, default));
            Assert.Empty(await queries.PickAsync(other, "DNS hijack", 20, default));
        }

        // The page offers the control to the owner whatever the newest incidents are (it used to hide it without a candidate list).
        var (_, browser) = await SessionAsync(Node.OwnerOrg, Role.Analyst);
        var html = await browser.GetStringAsync($"/incidents/{lone["id"]!.GetValue<string>()}");
        Assert.Contains("id=\"other-incident\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"mark-duplicate\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"merge\"", html, StringComparison.Ordinal);
    }

    private Caller CallerOf(Person person) =>
        new(person.UserId, person.OrganisationId, person == Node.NodeAdmin ? Role.NodeAdmin : Role.Analyst, new HashSet<Guid>());
}

public sealed class SqliteIncidentPageRoleTests(SqliteNode fixture) : IncidentPageRoleTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIncidentPageRoleTests(PostgresNode fixture) : IncidentPageRoleTests(fixture), IClassFixture<PostgresNode>;
