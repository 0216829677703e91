using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Incidents;

namespace Rampart.Server.Tests;

/// <summary>
/// Issue 11 audit (session 8), SQLite and PostgreSQL: the role rules of an incident through REST, for
/// observers, contributors, coordinators, outsiders and every kind of administrator, checked in the database afterwards; a
/// duplicate always names its original; the observables tab lists no object as a correlation of itself and the journal
/// counts nothing a reader may not list; a node without a mail server does not offer e-mail.
/// </summary>
public abstract class IncidentAuditTests(NodeFixture fixture)
{
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

    private async Task<string> IncidentAsync(string title, string tlp = "amber")
    {
        var body = new { title, summary = "", tlp, severity = "high", sector = "public-administration", significant = false };
        return (await Ok(await Node.Client(Node.Owner).PostAsync("/api/incidents", body), HttpStatusCode.Created))["id"]!.GetValue<string>();
    }

    private async Task JoinAsync(string id, Person who, string role)
    {
        var invited = await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/participants", new { organisationId = who.OrganisationId, role }), HttpStatusCode.Created);
        await Ok(await Node.Client(who).PostAsync($"/api/incidents/invitations/{invited["id"]}/accept", new { }));
    }

    /// <summary>A cookie session of <paramref name="person"/> (password chosen, as after the first login), for rendering pages.</summary>
    private async Task<HttpClient> BrowserAsync(Person person)
    {
        var password = $"Pages-{Guid.NewGuid():N}";
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
            var user = (await users.FindByIdAsync(person.UserId.ToString()))!;
            await users.RemovePasswordAsync(user);
            await users.AddPasswordAsync(user, password);
            user.MustChangePassword = false;
            await users.UpdateAsync(user);
        }

        // A session issued at the very instant of the password change would predate the new security stamp: a second later.
        Node.Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        var browser = WebForms.Browser(Node.Factory);
        var login = await WebForms.LogInAsync(browser, person.Email, password);
        Assert.True(login.StatusCode == HttpStatusCode.Redirect, $"{person.Email}: {(int)login.StatusCode}");
        return browser;
    }

    private async Task<Person> PersonAsync(Guid organisation, Role role)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, organisation, $"audit-{role}-{Guid.NewGuid():N}@audit.test", role);
    }

    private sealed record Snapshot(IncidentStatus Status, int Journal, int Participants, int Tasks, int OpenTasks, string Title);

    private async Task<Snapshot> SnapshotAsync(string id)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var guid = Guid.Parse(id);
        var incident = await db.Incidents.AsNoTracking().SingleAsync(i => i.Id == guid);
        var recordId = incident.RecordId;
        return new Snapshot(incident.Status,
            await db.IncidentJournal.CountAsync(e => e.IncidentRecordId == recordId),
            await db.IncidentParticipants.CountAsync(p => p.IncidentRecordId == recordId),
            await db.IncidentTasks.CountAsync(t => t.IncidentRecordId == recordId),
            await db.IncidentTasks.CountAsync(t => t.IncidentRecordId == recordId && t.Status == IncidentTaskStatus.Open),
            incident.Title);
    }

    [Fact]
    public async Task Roles_EveryRoleAndEveryAdministrator_TriesWhatItsRoleForbids_ThroughRest_AndTheDatabaseIsUnchanged()
    {
        var id = await IncidentAsync("Audit: wiper at the customs office");
        await JoinAsync(id, Node.Recipient, "observer");
        await JoinAsync(id, Node.Member, "contributor");
        await JoinAsync(id, Node.SameCountry, "coordinator");
        var owner = Node.Client(Node.Owner);
        var secretText = $"Owner-only source {Guid.NewGuid():N}";
        var form = new MultipartFormDataContent
        {
            { new StringContent(secretText), "body" },
            { new StringContent("true"), "ownerOnly" },
            { new ByteArrayContent([7, 7, 7]), "files", "source-notes.bin" },
        };
        var secret = await Ok(await owner.PostAsync($"/api/incidents/{id}/journal/attachments", form), HttpStatusCode.Created);
        var secretAttachment = (await Ok(await owner.GetAsync($"/api/incidents/{id}/journal/{secret["id"]}/attachments")))[0]!["id"]!.GetValue<string>();
        var ownerTaskTitle = $"Owner-only task {Guid.NewGuid():N}";
        var ownerTask = await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = ownerTaskTitle, ownerOnly = true }), HttpStatusCode.Created);
        var coordinatorTask = await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Sinkhole the C2 domain", assignedOrganisationId = Node.SameCountryOrg }), HttpStatusCode.Created);

        var observerAdmin = await PersonAsync(Node.RecipientOrg, Role.OrgAdmin);
        var contributorAdmin = await PersonAsync(Node.MemberOrg, Role.OrgAdmin);
        var outsiderAdmin = await PersonAsync(Node.OutsiderOrg, Role.OrgAdmin);
        var before = await SnapshotAsync(id);

        // Participants (and their organisations' admins, who stand where their organisation stands): the incident, not what the role forbids.
        foreach (var (who, person) in new[] { ("observer", Node.Recipient), ("observer's admin", observerAdmin), ("contributor", Node.Member), ("contributor's admin", contributorAdmin), ("coordinator", Node.SameCountry) })
        {
            var client = Node.Client(person);
            var journal = (await Ok(await client.GetAsync($"/api/incidents/{id}/journal?limit=200")))["items"]!.AsArray();
            Assert.DoesNotContain(journal, e => e!["id"]!.GetValue<string>() == secret["id"]!.GetValue<string>());
            Assert.DoesNotContain(secretText, journal.ToJsonString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/incidents/{id}/journal/{secret["id"]}/attachments")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/incidents/{id}/attachments/{secretAttachment}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/incidents/{id}/attachments/{Guid.NewGuid()}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/incidents/{id}/tasks/{ownerTask["id"]}")).StatusCode);
            Assert.DoesNotContain(ownerTaskTitle, (await Ok(await client.GetAsync($"/api/incidents/{id}/tasks?limit=200"))).ToJsonString(), StringComparison.Ordinal);
            Assert.DoesNotContain(ownerTaskTitle, (await Ok(await client.GetAsync($"/api/incidents/{id}/export/stix"))).ToJsonString(), StringComparison.Ordinal);
            if (who != "coordinator")
            {
                Assert.True((await client.PostAsync($"/api/incidents/{id}/status", new { status = "triage" })).StatusCode == HttpStatusCode.Forbidden, who);
                Assert.True((await client.PostAsync($"/api/incidents/{id}/participants", new { organisationId = Node.OutsiderOrg, role = "observer" })).StatusCode == HttpStatusCode.Forbidden, who);
                Assert.True((await client.PostAsync($"/api/incidents/{id}/tasks/{coordinatorTask["id"]}/work", new { status = "done" })).StatusCode == HttpStatusCode.Forbidden, who);
                Assert.True((await client.PostAsync($"/api/incidents/{id}/duplicate", new { of = id })).StatusCode == HttpStatusCode.Forbidden, who);
            }
        }

        // Outsiders and every kind of administrator who reads nothing of it: 404 for all of it, guessed ids included.
        foreach (var person in new[] { Node.Outsider, outsiderAdmin, Node.NodeAdmin })
        {
            var client = Node.Client(person);
            foreach (var url in new[] { $"/api/incidents/{id}", $"/api/incidents/{id}/journal", $"/api/incidents/{id}/tasks/{ownerTask["id"]}", $"/api/incidents/{id}/attachments/{secretAttachment}",
                         $"/api/incidents/{id}/attachments/{Guid.NewGuid()}", $"/api/incidents/{id}/journal/{secret["id"]}/attachments", $"/api/incidents/{id}/observables", $"/api/incidents/{id}/export/stix" })
            {
                Assert.True((await client.GetAsync(url)).StatusCode == HttpStatusCode.NotFound, $"{person.Email} {url}");
            }

            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/incidents/{id}/status", new { status = "triage" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/incidents/{id}/participants", new { organisationId = person.OrganisationId, role = "coordinator" })).StatusCode);
        }

        Assert.Equal(before, await SnapshotAsync(id));
    }

    [Fact]
    public async Task StatusDuplicate_WithoutTheOriginal_Is400NamingDuplicateOf_AndWithItTheReferenceIsKept()
    {
        var original = await IncidentAsync("Audit: the original phishing wave");
        var copy = await IncidentAsync("Audit: the same phishing wave, reported twice");
        var owner = Node.Client(Node.Owner);
        var before = await SnapshotAsync(copy);

        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{copy}/status", new { status = "duplicate" }), "duplicateOf");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{copy}/status", new { status = "duplicate", duplicateOf = "INC-1999-0001" }), "duplicateOf");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{copy}/status", new { status = "duplicate", duplicateOf = copy }), "duplicateOf");
        // An incident the caller may not read is no original: the same answer as an unknown one.
        var foreign = (await Ok(await Node.Client(Node.Outsider).PostAsync("/api/incidents",
            new { title = "Outsider's own", summary = "", tlp = "amber", severity = "low", sector = "other" }), HttpStatusCode.Created))["id"]!.GetValue<string>();
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{copy}/status", new { status = "duplicate", duplicateOf = foreign }), "duplicateOf");
        Assert.Equal(before, await SnapshotAsync(copy));

        var number = (await Ok(await owner.GetAsync($"/api/incidents/{original}")))["number"]!.GetValue<string>();
        var marked = await Ok(await owner.PostAsync($"/api/incidents/{copy}/status", new { status = "duplicate", duplicateOf = number, reason = "Same sender, same kit." }));
        Assert.Equal("duplicate", marked["status"]!.GetValue<string>());
        var journal = (await Ok(await owner.GetAsync($"/api/incidents/{copy}/journal?limit=200")))["items"]!.AsArray();
        Assert.Contains(journal, e => e!["event"]?.GetValue<string>() == IncidentEvents.MarkedDuplicate && e["body"]!.GetValue<string>() == number);
        Assert.Single(journal, e => e!["kind"]!.GetValue<string>() == "status-change" && e["toStatus"]?.GetValue<string>() == "duplicate");
        // Other moves still need no reference.
        var third = await IncidentAsync("Audit: an ordinary triage");
        Assert.Equal("triage", (await Ok(await owner.PostAsync($"/api/incidents/{third}/status", new { status = "triage" })))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Observables_TheIncidentsOwnObservableIsNoCorrelationOfItself_OthersAreShown_AndTheJournalCountsNothing()
    {
        var value = $"c2-{Guid.NewGuid():N}.example.org";
        // Another organisation shares the same value with the whole network: a real correlation.
        await Ok(await Node.Client(Node.Member).PostAsync("/api/intel/text/confirm",
            new { values = new[] { new { kind = "domain", value } }, tlp = "green", audiences = new[] { new { kind = "network" } }, published = false }));
        var id = await IncidentAsync("Audit: C2 domain seen at two CERTs");
        await JoinAsync(id, Node.Recipient, "observer");
        var owner = Node.Client(Node.Owner);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/observables/values", new { text = $"Beacons to {value} every 60 s." }), HttpStatusCode.Created);

        var items = (await Ok(await owner.GetAsync($"/api/incidents/{id}/observables")))["items"]!.AsArray();
        var indicator = Assert.Single(items, i => i!["stixType"]!.GetValue<string>() == "indicator")!;
        var correlations = indicator["objects"]!.AsArray();
        // The owner's own domain-name object of the same value (stored beside the indicator) is not listed as a correlation …
        Assert.DoesNotContain(correlations, c => c!["ownerOrganisationId"]!.GetValue<Guid>() == Node.OwnerOrg);
        // … the other organisation's objects carrying the value are.
        Assert.Contains(correlations, c => c!["ownerOrganisationId"]!.GetValue<Guid>() == Node.MemberOrg && c["stixType"]!.GetValue<string>() == "indicator");
        Assert.Contains(correlations, c => c!["ownerOrganisationId"]!.GetValue<Guid>() == Node.MemberOrg && c["stixType"]!.GetValue<string>() == "domain-name");

        // The journal says observables were added, never how many, to any reader.
        foreach (var client in new[] { owner, Node.Client(Node.Recipient) })
        {
            var added = Assert.Single((await Ok(await client.GetAsync($"/api/incidents/{id}/journal?limit=200")))["items"]!.AsArray(),
                e => e!["event"]?.GetValue<string>() == IncidentEvents.ObservablesAdded)!;
            Assert.Equal("", added["body"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task Notifications_WithoutAMailServer_EmailIsNotOffered_RestAndPage()
    {
        var person = await PersonAsync(Node.RecipientOrg, Role.Analyst);
        var client = Node.Client(person);
        var preferences = (await Ok(await client.GetAsync("/api/notifications/preferences"))).AsArray();
        Assert.Equal(Enum.GetValues<Rampart.Server.Incidents.Notifications.NotificationKind>().Length, preferences.Count);
        Assert.All(preferences, p => Assert.False(p!["email"]!.GetValue<bool>()));
        Assert.All(preferences, p => Assert.True(p!["inApp"]!.GetValue<bool>()));

        await AssertBadRequest(await client.PutAsync("/api/notifications/preferences",
            new { preferences = new object[] { new { kind = "status-changed", inApp = false }, new { kind = "invited", email = true } } }), "preferences[1].email");
        Assert.All((await Ok(await client.GetAsync("/api/notifications/preferences"))).AsArray(), p => Assert.True(p!["inApp"]!.GetValue<bool>()));
        var changed = (await Ok(await client.PutAsync("/api/notifications/preferences", new { preferences = new object[] { new { kind = "invited", inApp = true, email = false } } }))).AsArray();
        Assert.All(changed, p => Assert.False(p!["email"]!.GetValue<bool>()));

        var page = await (await BrowserAsync(person)).GetStringAsync("/notifications");
        Assert.Contains("id=\"notification-email-off\"", page, StringComparison.Ordinal);
        Assert.Contains("id=\"pref-invited-inapp\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"pref-invited-email\"", page, StringComparison.Ordinal);
    }
}

public sealed class SqliteIncidentAuditTests(SqliteNode fixture) : IncidentAuditTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIncidentAuditTests(PostgresNode fixture) : IncidentAuditTests(fixture), IClassFixture<PostgresNode>;
