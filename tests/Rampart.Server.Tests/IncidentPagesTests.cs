using System.Net;
using System.Text.Json.Nodes;
using Rampart.Server.Access;

namespace Rampart.Server.Tests;

/// <summary>
/// Issue 11, pages read as a browser session gets them (prerendered HTML), on SQLite and PostgreSQL: the incident list's
/// filters preset by the query string, the journal and tasks tabs opened by <c>?tab=</c> with owner-only entries and tasks
/// only for the owner, and the new-report form for a reporter, a viewer and an anonymous visitor.
/// </summary>
public abstract class IncidentPagesTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static async Task<JsonNode> Ok(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private async Task<string> OpenAsync(Person who, string title, string severity, string sector, string country, string? status = null, string summary = "",
        object[]? classifications = null)
    {
        var id = (await Ok(await Node.Client(who).PostAsync("/api/incidents", new
        {
            title, summary, tlp = "amber", severity, sector, countries = new[] { country }, classifications = classifications ?? Array.Empty<object>(),
        }), HttpStatusCode.Created))["id"]!.GetValue<string>();
        if (status is not null)
        {
            await Ok(await Node.Client(who).PostAsync($"/api/incidents/{id}/status", new { status }));
        }

        return id;
    }

    private async Task JoinAsync(string id, Person who, string role)
    {
        var invited = await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/participants", new { organisationId = who.OrganisationId, role }), HttpStatusCode.Created);
        await Ok(await Node.Client(who).PostAsync($"/api/incidents/invitations/{invited["id"]}/accept", new { }));
    }

    [Fact]
    public async Task IncidentList_FiltersFromTheQueryString_ShowOnlyTheMatchingIncidentsTheViewerReads()
    {
        var tag = Guid.NewGuid().ToString("N")[..6];
        string T(string name) => $"Filter {tag} {name}";
        var ransomware = new object[] { new { category = "malicious-code", type = "infected-system" } };
        await OpenAsync(Node.Owner, T("match"), "critical", "energy", "MK", "triage", classifications: ransomware);
        await OpenAsync(Node.Owner, T("still-new"), "critical", "energy", "MK");
        await OpenAsync(Node.Owner, T("health"), "critical", "health", "MK", "triage");
        await OpenAsync(Node.Owner, T("low"), "low", "energy", "MK", "triage");
        await OpenAsync(Node.Owner, T("albania"), "critical", "energy", "AL", "triage");
        // Matches every filter but is the outsider's own: the owner never sees it, its owner does.
        await OpenAsync(Node.Outsider, T("outsiders"), "critical", "energy", "MK", "triage");
        var all = new[] { "match", "still-new", "health", "low", "albania", "outsiders" };

        var (_, owner) = await PageSessions.OpenAsync(Node, Node.OwnerOrg, Role.Analyst);
        // The test's incidents on the page, by name, in the order they were opened.
        async Task<string> RowsAsync(HttpClient browser, string query)
        {
            var response = await browser.GetAsync("/incidents" + query);
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode}");
            Assert.Contains("id=\"incident-table\"", html, StringComparison.Ordinal);
            return string.Join(",", all.Where(name => html.Contains(T(name), StringComparison.Ordinal)));
        }

        Assert.Equal("match", await RowsAsync(owner, "?status=triage&severity=critical&sector=energy&country=MK"));
        Assert.Equal("match", await RowsAsync(owner, "?rsit=malicious-code/infected-system"));
        Assert.Equal("match", await RowsAsync(owner, "?rsit=malicious-code"));
        Assert.Equal("still-new", await RowsAsync(owner, "?status=new&sector=energy&country=MK"));
        Assert.Equal("health", await RowsAsync(owner, "?sector=health"));
        Assert.Equal("low", await RowsAsync(owner, "?severity=low&country=MK"));
        Assert.Equal("albania", await RowsAsync(owner, "?country=al&sector=energy&severity=critical"));
        Assert.Equal("match,health,low,albania", await RowsAsync(owner, "?status=triage"));
        // No filter: all five of the owner's, never the outsider's.
        Assert.Equal("match,still-new,health,low,albania", await RowsAsync(owner, ""));

        // A country that is not an ISO code: the page says so and lists nothing.
        var bad = await owner.GetStringAsync("/incidents?country=ZZ");
        Assert.Contains("Not an ISO 3166-1 alpha-2 country code (Kosovo is XK).", bad, StringComparison.Ordinal);
        Assert.DoesNotContain(T("match"), bad, StringComparison.Ordinal);

        // The outsider, with the same filters, sees only its own.
        var (_, outsider) = await PageSessions.OpenAsync(Node, Node.OutsiderOrg, Role.Analyst);
        Assert.Equal("outsiders", await RowsAsync(outsider, "?status=triage&severity=critical&sector=energy&country=MK"));
    }

    [Fact]
    public async Task JournalAndTasksTabs_OpenedByQuery_OwnerOnlyEntriesAndTasksOnlyForTheOwner_NotForParticipantsOfOtherOrganisations()
    {
        const string sharedEntry = "Shared note: the C2 answers at 185.220.101.7";
        const string secretEntry = "Owner-only note: the phone of the minister is affected";
        const string sharedTask = "Shared task: collect the proxy logs";
        const string secretTask = "Owner-only task: brief the minister";
        var id = await OpenAsync(Node.Owner, "Tabs: spyware at the ministry", "high", "public-administration", "AL", summary: "Spyware **confirmed** on one phone.");
        await JoinAsync(id, Node.Recipient, "coordinator");
        await JoinAsync(id, Node.Member, "contributor");
        var owner = Node.Client(Node.Owner);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/journal", new { body = sharedEntry }), HttpStatusCode.Created);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/journal", new { body = secretEntry, ownerOnly = true }), HttpStatusCode.Created);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = sharedTask, assignedOrganisationId = Node.MemberOrg }), HttpStatusCode.Created);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = secretTask, ownerOnly = true }), HttpStatusCode.Created);

        var viewers = new (string Who, Guid Organisation, Role Role, bool Owner)[]
        {
            ("owner", Node.OwnerOrg, Role.Analyst, true),
            ("owner's viewer", Node.OwnerOrg, Role.Viewer, true),
            ("coordinator", Node.RecipientOrg, Role.Analyst, false),
            ("contributor", Node.MemberOrg, Role.Analyst, false),
            ("contributor's org admin", Node.MemberOrg, Role.OrgAdmin, false),
        };
        foreach (var (who, organisation, role, isOwner) in viewers)
        {
            var (_, browser) = await PageSessions.OpenAsync(Node, organisation, role);

            // Without a tab: the overview (the summary), not the journal.
            var overview = await browser.GetStringAsync($"/incidents/{id}");
            Assert.Contains("<strong>confirmed</strong>", overview, StringComparison.Ordinal);
            Assert.DoesNotContain("id=\"journal\"", overview, StringComparison.Ordinal);

            var journal = await browser.GetStringAsync($"/incidents/{id}?tab=journal");
            Assert.Contains("id=\"journal\"", journal, StringComparison.Ordinal);
            Assert.DoesNotContain("<strong>confirmed</strong>", journal, StringComparison.Ordinal);
            Assert.True(journal.Contains(sharedEntry, StringComparison.Ordinal), $"{who}: shared entry missing");
            Assert.True(isOwner == journal.Contains(secretEntry, StringComparison.Ordinal), $"{who}: owner-only entry {(isOwner ? "missing" : "shown")}");

            var tasks = await browser.GetStringAsync($"/incidents/{id}?tab=tasks");
            Assert.Contains("id=\"tasks\"", tasks, StringComparison.Ordinal);
            Assert.DoesNotContain("id=\"journal\"", tasks, StringComparison.Ordinal);
            Assert.True(tasks.Contains(sharedTask, StringComparison.Ordinal), $"{who}: shared task missing");
            Assert.True(isOwner == tasks.Contains(secretTask, StringComparison.Ordinal), $"{who}: owner-only task {(isOwner ? "missing" : "shown")}");

            // No tab shows an owner-only entry or task to another organisation.
            foreach (var tab in new[] { "overview", "reports", "participants", "observables", "nis2", "requests", "no-such-tab" })
            {
                var html = await browser.GetStringAsync($"/incidents/{id}?tab={tab}");
                Assert.True(isOwner || (!html.Contains(secretEntry, StringComparison.Ordinal) && !html.Contains(secretTask, StringComparison.Ordinal)), $"{who} ?tab={tab}: owner-only shown");
            }
        }

        // Outsiders and administrators of other organisations: the not-found page for every tab.
        foreach (var (organisation, role) in new[] { (Node.OutsiderOrg, Role.Analyst), (Node.NodeOrg, Role.NodeAdmin) })
        {
            var (_, browser) = await PageSessions.OpenAsync(Node, organisation, role);
            foreach (var tab in new[] { "journal", "tasks" })
            {
                var response = await browser.GetAsync($"/incidents/{id}?tab={tab}");
                var html = await response.Content.ReadAsStringAsync();
                Assert.Contains("There is nothing here, or you may not see it.", html, StringComparison.Ordinal);
                Assert.DoesNotContain(sharedEntry, html, StringComparison.Ordinal);
                Assert.DoesNotContain(sharedTask, html, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task NewReportPage_FormForAReporter_NoticeForAViewer_LoginForAnonymous()
    {
        // Any organisation's analyst may report to the intake team (docs/incidents.md, "Incident reports").
        foreach (var organisation in new[] { Node.MemberOrg, Node.OutsiderOrg })
        {
            var (_, reporter) = await PageSessions.OpenAsync(Node, organisation, Role.Analyst);
            var response = await reporter.GetAsync("/reports/new");
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}");
            Assert.Contains("Tell the intake team what happened.", html, StringComparison.Ordinal);
            Assert.Contains("id=\"new-report-form\"", html, StringComparison.Ordinal);
            Assert.Contains("id=\"report-subject\"", html, StringComparison.Ordinal);
            Assert.Contains("id=\"send-report\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("id=\"report-not-allowed\"", html, StringComparison.Ordinal);
        }

        // A viewer may not send reports (the use case answers 403): the page says so and offers no form.
        var (_, viewer) = await PageSessions.OpenAsync(Node, Node.OwnerOrg, Role.Viewer);
        var viewers = await viewer.GetStringAsync("/reports/new");
        Assert.Contains("id=\"report-not-allowed\"", viewers, StringComparison.Ordinal);
        Assert.Contains("Viewers cannot send reports: ask an analyst of your organisation.", viewers, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"send-report\"", viewers, StringComparison.Ordinal);

        // Nobody logged in: to the login page, no form.
        var anonymous = await WebForms.Browser(Node.Factory).GetAsync("/reports/new");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("/account/login", anonymous.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("send-report", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

public sealed class SqliteIncidentPagesTests(SqliteNode fixture) : IncidentPagesTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIncidentPagesTests(PostgresNode fixture) : IncidentPagesTests(fixture), IClassFixture<PostgresNode>;
