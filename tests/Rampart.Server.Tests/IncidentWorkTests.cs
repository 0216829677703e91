using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>
/// Issue 11, session 8, on SQLite and PostgreSQL: incident templates (create, use, another organisation neither sees nor uses a
/// private one), changing the TLP and audience of an open incident (narrowing at once, widening only confirmed, participants
/// keep reading and are told), and the printable report per viewer (owner-only entries only for the owner; 404 for the rest).
/// </summary>
public abstract class IncidentWorkTests(NodeFixture fixture)
{
    private static readonly string[] Albania = ["AL"];

    private SeededNode Node => fixture.Node;

    private static async Task<JsonNode> Ok(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private static async Task AssertBadRequest(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.True(JsonNode.Parse(text)!["errors"]?[field] is not null, $"no error for '{field}': {text}");
    }

    private static async Task<string> CreateAsync(HttpClient client, string title, string tlp = "amber") =>
        (await Ok(await client.PostAsync("/api/incidents", new { title, summary = "Same **actor** in two ministries.", tlp, severity = "high", sector = "public-administration", countries = Albania }),
            HttpStatusCode.Created))["id"]!.GetValue<string>();

    private async Task JoinAsync(string id, Person who, string role)
    {
        var invited = await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/participants", new { organisationId = who.OrganisationId, role }), HttpStatusCode.Created);
        await Ok(await Node.Client(who).PostAsync($"/api/incidents/invitations/{invited["id"]}/accept", new { }));
    }

    private async Task<Person> PersonAsync(Guid organisation, Role role, bool readOnlyKey = false)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, organisation, $"w-{Guid.NewGuid():N}@work.test", role, readOnlyKey);
    }

    private async Task<int> AuditCountAsync(AuditEvent kind, string target)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RampartDb>().AuditEntries.CountAsync(e => e.Event == kind && e.Target == target);
    }

    [Fact]
    public async Task Templates_OrgAdminCreates_AnalystUses_OtherOrganisationNeitherSeesNorUses()
    {
        var admin = Node.Client(Node.OwnerAdmin);
        var template = new
        {
            name = "Ransomware", description = "Encrypted file servers.", tlp = "amber+strict", severity = "critical", sector = "health",
            classifications = new[] { new { category = "malicious-code", type = "infected-system" } },
            tasks = new[] { new { title = "Isolate the segment", ownerOnly = false }, new { title = "Call the ministry", ownerOnly = true } },
        };
        // Analysts use templates, they do not keep them; bad input is a 400 naming the field.
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.Owner).PostAsync("/api/incident-templates", template)).StatusCode);
        await AssertBadRequest(await admin.PostAsync("/api/incident-templates", new { name = "x", sector = "space-piracy" }), "sector");
        var created = await Ok(await admin.PostAsync("/api/incident-templates", template), HttpStatusCode.Created);
        var id = created["id"]!.GetValue<string>();

        var analyst = Node.Client(Node.Owner);
        Assert.Contains((await Ok(await analyst.GetAsync("/api/incident-templates")))["items"]!.AsArray(), t => t!["id"]!.GetValue<string>() == id);
        var incident = await Ok(await analyst.PostAsync($"/api/incidents/from-template/{id}", new { title = "Hospital files encrypted", summary = "", countries = Albania }), HttpStatusCode.Created);
        Assert.Equal("amber+strict", incident["tlp"]!.GetValue<string>());
        Assert.Equal("critical", incident["severity"]!.GetValue<string>());
        Assert.Equal("health", incident["sector"]!.GetValue<string>());
        var tasks = (await Ok(await analyst.GetAsync($"/api/incidents/{incident["id"]}/tasks")))["items"]!.AsArray();
        Assert.Equal(2, tasks.Count);

        // Another organisation — its analyst, its admin, the node admin — does not see it, cannot use, change or delete it.
        foreach (var person in new[] { Node.Outsider, Node.NodeAdmin, await PersonAsync(Node.OutsiderOrg, Role.OrgAdmin) })
        {
            var client = Node.Client(person);
            Assert.DoesNotContain(id, await client.GetStringAsync("/api/incident-templates"), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/incident-templates/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/incidents/from-template/{id}", new { title = "Borrowed", summary = "" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsync($"/api/incident-templates/{id}", new { name = "Mine now" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/incident-templates/{id}")).StatusCode);
        }

        Assert.Equal("Ransomware", (await Ok(await admin.GetAsync($"/api/incident-templates/{id}")))["name"]!.GetValue<string>());
        var changed = await Ok(await admin.PutAsync($"/api/incident-templates/{id}", new { name = "Ransomware (hospitals)", tlp = "red" }));
        Assert.Equal("red", changed["tlp"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/incident-templates/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync($"/api/incident-templates/{id}")).StatusCode);
        Assert.Equal(1, await AuditCountAsync(AuditEvent.IncidentTemplateDeleted, $"incident-template:{id}"));
    }

    [Fact]
    public async Task ChangeSharing_OwnerNarrowsAtOnce_WideningNeedsConfirm_ParticipantsKeepReadingAndAreTold_OthersCannot()
    {
        var owner = Node.Client(Node.Owner);
        var id = await CreateAsync(owner, "Shared wider then narrower", "green");
        await JoinAsync(id, Node.SameCountry, "coordinator");
        var url = $"/api/incidents/{id}/sharing";

        // Not readable: 404; readable but not the owner's writer (a coordinator, a viewer, a read-only key): 403; nothing changes.
        foreach (var person in new[] { Node.Outsider, Node.NodeAdmin, await PersonAsync(Node.OutsiderOrg, Role.OrgAdmin) })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(person).PutAsync(url, new { tlp = "clear", audience = "network", confirm = true })).StatusCode);
        }

        foreach (var person in new[] { Node.SameCountry, Node.OwnerViewer, await PersonAsync(Node.OwnerOrg, Role.Analyst, readOnlyKey: true) })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(person).PutAsync(url, new { tlp = "red", confirm = true })).StatusCode);
        }

        await AssertBadRequest(await owner.PutAsync(url, new { tlp = "purple" }), "tlp");
        await AssertBadRequest(await owner.PutAsync(url, new { tlp = "amber", audience = "network", confirm = true }), "audience");

        // Widening: the outsider would read it — only confirmed.
        await AssertBadRequest(await owner.PutAsync(url, new { tlp = "green", audience = "network" }), "confirm");
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).GetAsync($"/api/incidents/{id}")).StatusCode);
        var wide = await Ok(await owner.PutAsync(url, new { tlp = "green", audience = "network", confirm = true }));
        Assert.True(wide["widened"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(Node.Outsider).GetAsync($"/api/incidents/{id}")).StatusCode);

        // Narrowing to RED with nobody named: at once; the outsider loses it, the participant keeps it and reads the change.
        var narrow = await Ok(await owner.PutAsync(url, new { tlp = "red" }));
        Assert.False(narrow["widened"]!.GetValue<bool>());
        Assert.Equal(Node.SameCountryOrg, Assert.Single(narrow["participantsKept"]!.AsArray())!.GetValue<Guid>());
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).GetAsync($"/api/incidents/{id}")).StatusCode);
        var asParticipant = await Ok(await Node.Client(Node.SameCountry).GetAsync($"/api/incidents/{id}"));
        Assert.Equal("red", asParticipant["tlp"]!.GetValue<string>());
        var journal = (await Ok(await Node.Client(Node.SameCountry).GetAsync($"/api/incidents/{id}/journal?limit=200")))["items"]!.AsArray();
        Assert.Contains(journal, e => e!["event"]?.GetValue<string>() == "sharing-changed" && e["body"]!.GetValue<string>().Contains("RED", StringComparison.OrdinalIgnoreCase));

        // Loosening the TLP again is widening as well.
        await AssertBadRequest(await owner.PutAsync(url, new { tlp = "amber" }), "confirm");
        Assert.Equal(2, await AuditCountAsync(AuditEvent.IncidentSharingChanged, $"incident:{id}"));
    }

    [Fact]
    public async Task Print_ShowsWhatTheViewerMaySee_OwnerOnlyEntryOnlyForTheOwner_404ForOthers()
    {
        var owner = Node.Client(Node.Owner);
        var id = await CreateAsync(owner, "Printable incident");
        await JoinAsync(id, Node.SameCountry, "contributor");
        await Ok(await owner.PostAsync($"/api/incidents/{id}/journal", new { body = "Shared finding: C2 at 203.0.113.9.", ownerOnly = false }), HttpStatusCode.Created);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/journal", new { body = "Owner-only note: the minister was told.", ownerOnly = true }), HttpStatusCode.Created);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Collect firewall logs" }), HttpStatusCode.Created);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Brief the cabinet", ownerOnly = true }), HttpStatusCode.Created);

        var asOwner = await owner.GetAsync($"/incidents/{id}/print");
        var ownerHtml = await asOwner.Content.ReadAsStringAsync();
        Assert.True(asOwner.StatusCode == HttpStatusCode.OK, $"{(int)asOwner.StatusCode}: {ownerHtml}");
        Assert.Contains("Printable incident", ownerHtml, StringComparison.Ordinal);
        Assert.Contains("C2 at 203.0.113.9", ownerHtml, StringComparison.Ordinal);
        Assert.Contains("the minister was told", ownerHtml, StringComparison.Ordinal);
        Assert.Contains("Brief the cabinet", ownerHtml, StringComparison.Ordinal);
        Assert.Contains("@media print", ownerHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("mud-drawer", ownerHtml, StringComparison.Ordinal);

        var participantHtml = await Node.Client(Node.SameCountry).GetStringAsync($"/incidents/{id}/print");
        Assert.Contains("C2 at 203.0.113.9", participantHtml, StringComparison.Ordinal);
        Assert.Contains("Collect firewall logs", participantHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("the minister was told", participantHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("Brief the cabinet", participantHtml, StringComparison.Ordinal);

        foreach (var person in new[] { Node.Outsider, Node.NodeAdmin, await PersonAsync(Node.OutsiderOrg, Role.OrgAdmin), await PersonAsync(Node.MemberOrg, Role.OrgAdmin) })
        {
            var response = await Node.Client(person).GetAsync($"/incidents/{id}/print");
            var html = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("Printable incident", html, StringComparison.Ordinal);
            Assert.DoesNotContain("C2 at 203.0.113.9", html, StringComparison.Ordinal);
        }

        Assert.Equal(2, await AuditCountAsync(AuditEvent.IncidentPrinted, $"incident:{id}"));
    }
}

public sealed class SqliteIncidentWorkTests(SqliteNode fixture) : IncidentWorkTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIncidentWorkTests(PostgresNode fixture) : IncidentWorkTests(fixture), IClassFixture<PostgresNode>;
