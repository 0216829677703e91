using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Identity;
using Rampart.Server.Incidents;
using Rampart.Server.Incidents.Notifications;
using Rampart.Server.Organisations;

namespace Rampart.Server.Tests;

/// <summary>
/// Issue 11, review fixes of session 10, on SQLite and PostgreSQL: the CSIRT feedback task goes to the CSIRT that owes it
/// (S9-2), DISARM ids in any case, the incident pages and the printout in the viewer's language (RSIT labels, the duty's
/// description, journal details), and the DISARM tags changed on the incident page by the owner only.
/// </summary>
public abstract class IncidentReviewFixTests(DisarmNodeFixture fixture)
{
    private static readonly string[] Albania = ["AL"];
    private static readonly string[] LowerCaseTags = ["t0023.001", " t0007 "];
    private static readonly string[] LowerCaseReplacement = ["t0049"];
    private static readonly string[] OneTag = ["T0007"];

    private static readonly string[] LowerCaseTag = ["t0049"];
    private static readonly string[] NewTags = ["T0023.001", "T0049"];
    private static readonly string[] UnchangedFields = ["title", "summary", "severity", "sector", "tlp", "pap", "awareAt", "significant", "entityKind", "classifications", "countries"];

    private SeededNode Node => fixture.Node;

    private static object EarlyWarning => new { content = new { suspectedMalicious = "yes", crossBorderImpact = "unknown", summary = "Card-skimming malware on the payment servers." } };

    private static async Task<JsonNode> Ok(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private static Dictionary<string, object?> Body(string title, bool significant = false, object? disarm = null) => new()
    {
        ["title"] = title,
        ["summary"] = "Malware on the payment servers of a bank.",
        ["tlp"] = "amber",
        ["severity"] = "high",
        ["sector"] = "banking",
        ["countries"] = Albania,
        ["classifications"] = new[] { new { category = "malicious-code", type = "infected-system" } },
        ["significant"] = significant,
        ["entityKind"] = "essential",
        ["disarmTechniques"] = disarm,
    };

    private async Task<Guid> OrganisationAsync(string name, string shortName, OrganisationKind kind)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<OrganisationAdministration>()
            .CreateAsync(Caller.Operator(), new OrganisationRequest(name, shortName, "AL", kind), default)).Id;
    }

    private async Task<Person> PersonAsync(Guid organisation, Role role)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, organisation, $"fix-{Guid.NewGuid():N}@review.test", role);
    }

    private async Task JoinAsync(Person inviter, string id, Person who, string role)
    {
        var invited = await Ok(await Node.Client(inviter).PostAsync($"/api/incidents/{id}/participants", new { organisationId = who.OrganisationId, role }), HttpStatusCode.Created);
        await Ok(await Node.Client(who).PostAsync($"/api/incidents/invitations/{invited["id"]}/accept", new { }));
    }

    private async Task<bool> DueHasAsync(Person who, string sourceId)
    {
        var due = await Ok(await Node.Client(who).GetAsync("/api/incidents/due?limit=200"));
        return due["items"]!.AsArray().Any(i => i!["sourceId"]?.GetValue<string>() == sourceId);
    }

    private async Task<List<JsonNode>> DueOfIncidentAsync(Person who, string incidentId)
    {
        var due = await Ok(await Node.Client(who).GetAsync("/api/incidents/due?limit=200"));
        return [.. due["items"]!.AsArray().Where(i => i!["incidentId"]!.GetValue<string>() == incidentId).Select(i => i!)];
    }

    private async Task FanOutAsync()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<NotificationFanOutJob>().RunAsync(default);
    }

    private async Task<List<JsonNode>> NotificationsAsync(Person who, string incidentId)
    {
        var page = await Ok(await Node.Client(who).GetAsync("/api/notifications?limit=200"));
        return [.. page["items"]!.AsArray().Where(n => n!["incidentId"]?.GetValue<string>() == incidentId).Select(n => n!)];
    }

    private async Task<string[]> ListedIdsAsync(Person who, string query)
    {
        var page = await Ok(await Node.Client(who).GetAsync($"/api/incidents?limit=200&{query}"));
        return [.. page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>())];
    }

    private static string[] Tags(JsonNode incident) => [.. incident["disarmTechniques"]!.AsArray().Select(t => t!["id"]!.GetValue<string>())];

    private HttpClient InLanguage(Person who, string culture)
    {
        var client = Node.Client(who);
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(culture);
        return client;
    }

    /// <summary>A person logged in through the web forms (a cookie session, as a browser holds it), reading pages in <paramref name="culture"/>.</summary>
    private async Task<HttpClient> SessionAsync(Person person, string culture)
    {
        const string password = "Review-Fix-Password-2026";
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
            var user = (await users.FindByIdAsync(person.UserId.ToString()))!;
            Assert.True((await users.RemovePasswordAsync(user)).Succeeded);
            Assert.True((await users.AddPasswordAsync(user, password)).Succeeded);
            user.MustChangePassword = false;
            Assert.True((await users.UpdateAsync(user)).Succeeded);
        }

        var browser = WebForms.Browser(Node.Factory);
        browser.DefaultRequestHeaders.AcceptLanguage.ParseAdd(culture);
        var login = await WebForms.LogInAsync(browser, person.Email, password);
        Assert.True(login.StatusCode == HttpStatusCode.Redirect, $"login: {(int)login.StatusCode}");
        return browser;
    }

    [Fact]
    public async Task FeedbackTask_OwnerIsTheReportingEntity_GoesToTheCsirtCoordinatorThatAcceptedFirst_DueListAndNotificationsFollowIt()
    {
        // A bank (not a CSIRT) owns the incident; a regulator coordinates first, then the national CERT, then another CERT.
        var bankOrg = await OrganisationAsync("Bank of the Adriatic", "BANKADR", OrganisationKind.CriticalInfrastructure);
        var regulatorOrg = await OrganisationAsync("Banking supervisor", "BSUPER", OrganisationKind.Regulator);
        var bank = await PersonAsync(bankOrg, Role.Analyst);
        var bankColleague = await PersonAsync(bankOrg, Role.Analyst);
        var regulator = await PersonAsync(regulatorOrg, Role.Analyst);
        var bankClient = Node.Client(bank);
        var id = (await Ok(await bankClient.PostAsync("/api/incidents", Body("Skimming malware at the bank", significant: true)), HttpStatusCode.Created))["id"]!.GetValue<string>();
        await JoinAsync(bank, id, regulator, "coordinator");
        Node.Factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await JoinAsync(bank, id, Node.Recipient, "coordinator");
        Node.Factory.Clock.Advance(TimeSpan.FromMinutes(1));
        await JoinAsync(bank, id, Node.Member, "coordinator");

        await Ok(await bankClient.PostAsync($"/api/incidents/{id}/stages/early-warning", EarlyWarning), HttpStatusCode.Created);

        // The duty is the national CERT's: the CSIRT coordinator that accepted first (the regulator is no CSIRT).
        var task = Assert.Single((await Ok(await bankClient.GetAsync($"/api/incidents/{id}/tasks?limit=200")))["items"]!.AsArray())!;
        var taskId = task["id"]!.GetValue<string>();
        Assert.Equal("csirt-feedback", task["duty"]!.GetValue<string>());
        Assert.Equal(Node.RecipientOrg, task["assignedOrganisationId"]!.GetValue<Guid>());

        // The due list follows the assignee: the CERT's people see the task and the csirt-feedback stage; the bank,
        // the regulator and the other CERT do not (they still see the stages they owe), nor does anyone outside.
        Assert.True(await DueHasAsync(Node.Recipient, taskId));
        Assert.True(await DueHasAsync(Node.RecipientColleague, taskId));
        Assert.Contains(await DueOfIncidentAsync(Node.Recipient, id), d => d["stage"]?.GetValue<string>() == "csirt-feedback");
        foreach (var other in new[] { bank, bankColleague, regulator, Node.Member })
        {
            var due = await DueOfIncidentAsync(other, id);
            Assert.DoesNotContain(due, d => d["sourceId"]?.GetValue<string>() == taskId || d["stage"]?.GetValue<string>() == "csirt-feedback");
            Assert.Contains(due, d => d["stage"]?.GetValue<string>() == "incident-notification");
        }

        foreach (var outsider in new[] { Node.Outsider, Node.NodeAdmin, await PersonAsync(Node.OutsiderOrg, Role.OrgAdmin) })
        {
            Assert.Empty(await DueOfIncidentAsync(outsider, id));
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(outsider).GetAsync($"/api/incidents/{id}/tasks/{taskId}")).StatusCode);
        }

        // So do the notifications: "task assigned" to the CERT, and 25 h later "overdue" to the CERT only.
        await FanOutAsync();
        Assert.Contains(await NotificationsAsync(Node.RecipientColleague, id), n => n["kind"]!.GetValue<string>() == "task-assigned");
        Assert.DoesNotContain(await NotificationsAsync(bankColleague, id), n => n["kind"]!.GetValue<string>() == "task-assigned");
        Node.Factory.Clock.Advance(TimeSpan.FromHours(25));
        await FanOutAsync();
        Assert.Contains(await NotificationsAsync(Node.RecipientColleague, id), n => n["kind"]!.GetValue<string>() == "deadline-overdue");
        foreach (var other in new[] { bankColleague, regulator, Node.Member })
        {
            Assert.DoesNotContain(await NotificationsAsync(other, id), n => n["kind"]!.GetValue<string>() is "deadline-overdue" or "task-assigned");
        }

        // The CERT gives its feedback: the task is done and leaves its due list.
        await Ok(await Node.Client(Node.Recipient).PostAsync($"/api/incidents/{id}/stages/csirt-feedback", new { content = new { initialFeedback = "Take the payment servers offline; send us the sample." } }), HttpStatusCode.Created);
        Assert.Equal("done", (await Ok(await bankClient.GetAsync($"/api/incidents/{id}/tasks/{taskId}")))["status"]!.GetValue<string>());
        Assert.False(await DueHasAsync(Node.Recipient, taskId));

        // Without a CSIRT among the accepted coordinators (the CERT only invited, the regulator coordinating) the owner keeps the duty.
        var alone = (await Ok(await bankClient.PostAsync("/api/incidents", Body("Second bank incident", significant: true)), HttpStatusCode.Created))["id"]!.GetValue<string>();
        await JoinAsync(bank, alone, regulator, "coordinator");
        await Ok(await bankClient.PostAsync($"/api/incidents/{alone}/participants", new { organisationId = Node.RecipientOrg, role = "coordinator" }), HttpStatusCode.Created);
        await Ok(await bankClient.PostAsync($"/api/incidents/{alone}/stages/early-warning", EarlyWarning), HttpStatusCode.Created);
        var own = Assert.Single((await Ok(await bankClient.GetAsync($"/api/incidents/{alone}/tasks?limit=200")))["items"]!.AsArray())!;
        Assert.Equal(bankOrg, own["assignedOrganisationId"]!.GetValue<Guid>());
        Assert.True(await DueHasAsync(bank, own["id"]!.GetValue<string>()));
        Assert.False(await DueHasAsync(regulator, own["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Disarm_IdsInAnyCase_AreAcceptedAndStoredAsTheGalaxySpellsThem_AndTheFilterMatchesThem()
    {
        var owner = Node.Client(Node.Owner);
        var created = await Ok(await owner.PostAsync("/api/incidents", Body("Leak amplified by inauthentic pages", disarm: LowerCaseTags)), HttpStatusCode.Created);
        var id = created["id"]!.GetValue<string>();
        Assert.Equal(["T0007", "T0023.001"], Tags(created));

        // (The other tests of this class share the node and tag incidents too: this incident is looked for, not counted.)
        Assert.Contains(id, await ListedIdsAsync(Node.Owner, "disarm=t0023.001"));
        Assert.Contains(id, await ListedIdsAsync(Node.Owner, "disarm=T0023.001"));
        Assert.Contains(id, await ListedIdsAsync(Node.Owner, "disarm=t0007"));

        var update = Body("Leak amplified by inauthentic pages", disarm: LowerCaseReplacement);
        Assert.Equal(["T0049"], Tags(await Ok(await owner.PutAsync($"/api/incidents/{id}", update))));
        Assert.Contains(id, await ListedIdsAsync(Node.Owner, "disarm=t0049"));
        Assert.DoesNotContain(id, await ListedIdsAsync(Node.Owner, "disarm=t0007"));

        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var techniques = db.IncidentTechniques;
            var incidentId = Guid.Parse(id);
            var recordId = await db.Incidents.Where(i => i.Id == incidentId).Select(i => i.RecordId).SingleAsync();
            Assert.Equal(["T0049"], await techniques.Where(t => t.IncidentRecordId == recordId).Select(t => t.TechniqueId).ToListAsync());
        }

        // Still nothing for those who may not read it, whatever the case; an unknown id is still a 400 naming 'disarm'.
        foreach (var person in new[] { Node.Outsider, Node.NodeAdmin, await PersonAsync(Node.OutsiderOrg, Role.OrgAdmin) })
        {
            Assert.DoesNotContain(id, await ListedIdsAsync(person, "disarm=t0049"));
        }

        var unknown = await owner.GetAsync("/api/incidents?disarm=t9999");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.NotNull((await Json.ReadAsync(unknown))["errors"]?["disarm"]);
    }

    [Fact]
    public async Task Pages_InTheViewersLanguage_RsitLabels_TheDutysDescription_AndJournalDetails_CodesStayVisible()
    {
        var owner = Node.Client(Node.Owner);
        var created = await Ok(await owner.PostAsync("/api/incidents", Body("Wiper at the customs office", significant: true)), HttpStatusCode.Created);
        var id = created["id"]!.GetValue<string>();
        await JoinAsync(Node.Owner, id, Node.Recipient, "contributor");
        await Ok(await owner.PostAsync($"/api/incidents/{id}/requests",
            new { kind = "share-logs", title = "Firewall logs of 3 November", details = "", organisationIds = new[] { Node.RecipientOrg } }), HttpStatusCode.Created);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/stages/early-warning", EarlyWarning), HttpStatusCode.Created);

        // The printout in Albanian: RSIT label with its code, the duty's title and description, the journal's details.
        var sq = WebUtility.HtmlDecode(await InLanguage(Node.Owner, "sq").GetStringAsync($"/incidents/{id}/print"));
        Assert.Contains("<dd id=\"print-rsit\">Kod keqdashës — Sistem i infektuar (malicious-code/infected-system)</dd>", sq, StringComparison.Ordinal);
        Assert.Contains("Përgjigje subjektit raportues", sq, StringComparison.Ordinal);
        Assert.Contains("NIS2 neni 23(5): CSIRT-i marrës", sq, StringComparison.Ordinal);
        Assert.DoesNotContain("the receiving CSIRT gives the reporting entity", sq, StringComparison.Ordinal);
        Assert.Contains("Paralajmërim i hershëm 1 v1", sq, StringComparison.Ordinal);
        Assert.DoesNotContain("early-warning 1 v1", sq, StringComparison.Ordinal);
        Assert.Contains("Ndarje e regjistrave", sq, StringComparison.Ordinal);
        Assert.DoesNotContain(" share-logs", sq, StringComparison.Ordinal);
        Assert.DoesNotContain("Feedback to the reporting entity", sq, StringComparison.Ordinal);

        // Georgian, and English unchanged in shape (the label and the code).
        var ka = WebUtility.HtmlDecode(await InLanguage(Node.Owner, "ka").GetStringAsync($"/incidents/{id}/print"));
        Assert.Contains("მავნე კოდი — ინფიცირებული სისტემა (malicious-code/infected-system)", ka, StringComparison.Ordinal);
        var en = WebUtility.HtmlDecode(await InLanguage(Node.Owner, "en").GetStringAsync($"/incidents/{id}/print"));
        Assert.Contains("<dd id=\"print-rsit\">Malicious code — Infected system (malicious-code/infected-system)</dd>", en, StringComparison.Ordinal);
        Assert.Contains("Early warning 1 v1", en, StringComparison.Ordinal);
        Assert.DoesNotContain("early-warning 1 v1", en, StringComparison.Ordinal);

        // The incident page's overview (a browser session) in Macedonian, as the participant sees it.
        var browser = await SessionAsync(await PersonAsync(Node.RecipientOrg, Role.Analyst), "mk");
        var page = WebUtility.HtmlDecode(await browser.GetStringAsync($"/incidents/{id}"));
        Assert.Contains("<dd id=\"incident-rsit\">Злонамерен код — Заразен систем (malicious-code/infected-system)</dd>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisarmEditing_OnTheIncidentPage_OnlyForTheOwnersWriters_SavesTagsAndNothingElse()
    {
        var owner = Node.Client(Node.Owner);
        var created = await Ok(await owner.PostAsync("/api/incidents", Body("Hack-and-leak at the ministry", disarm: OneTag)), HttpStatusCode.Created);
        var id = created["id"]!.GetValue<string>();
        await JoinAsync(Node.Owner, id, Node.Recipient, "coordinator");
        await JoinAsync(Node.Owner, id, Node.Member, "contributor");

        // The control: the owner's analyst sees it; coordinator, contributor and the owner's viewer do not.
        Assert.Contains("id=\"incident-disarm-edit\"", await (await SessionAsync(await PersonAsync(Node.OwnerOrg, Role.Analyst), "en")).GetStringAsync($"/incidents/{id}"), StringComparison.Ordinal);
        foreach (var (organisation, role) in new[] { (Node.RecipientOrg, Role.Analyst), (Node.MemberOrg, Role.Analyst), (Node.OwnerOrg, Role.Viewer) })
        {
            var html = await (await SessionAsync(await PersonAsync(organisation, role), "en")).GetStringAsync($"/incidents/{id}");
            Assert.Contains("id=\"incident-disarm\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("incident-disarm-edit", html, StringComparison.Ordinal);
        }

        // What the control saves: the update use case with the incident's fields as they are and the new tags.
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var ownerCaller = new Caller(Node.Owner.UserId, Node.OwnerOrg, Role.Analyst, new HashSet<Guid>(), Credential: "session:test");
        var incidentId = Guid.Parse(id);
        var read = (await services.GetRequiredService<IncidentQueries>().FindAsync(ownerCaller, incidentId, default))!;
        var editing = services.GetRequiredService<IncidentEditing>();
        // A colleague changes a field after the page loaded (what the page holds is now stale): saving the tags keeps it.
        var colleague = await editing.UpdateAsync(ownerCaller, incidentId, IncidentRetagging.Request(read.Incident, OneTag) with { Summary = "Changed by a colleague meanwhile." }, default);
        Assert.NotNull(colleague);
        await editing.RetagAsync(ownerCaller, incidentId, NewTags, default);
        var after = await Ok(await owner.GetAsync($"/api/incidents/{id}"));
        Assert.Equal(["T0023.001", "T0049"], Tags(after));
        Assert.Equal("Changed by a colleague meanwhile.", after["summary"]!.GetValue<string>());
        foreach (var field in UnchangedFields.Where(f => f != "summary"))
        {
            Assert.Equal(created[field]?.ToJsonString(), after[field]?.ToJsonString());
        }

        // The same through REST: only the tags change; lower case is stored canonically.
        var rest = await owner.PutAsync($"/api/incidents/{id}/disarm-techniques", JsonContent.Create(new { disarmTechniques = LowerCaseTag }));
        Assert.Equal(["T0049"], Tags(await Ok(rest)));
        Assert.Equal("Changed by a colleague meanwhile.", (await Ok(await owner.GetAsync($"/api/incidents/{id}")))["summary"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.Recipient).PutAsync($"/api/incidents/{id}/disarm-techniques", JsonContent.Create(new { disarmTechniques = Array.Empty<string>() }))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).PutAsync($"/api/incidents/{id}/disarm-techniques", JsonContent.Create(new { disarmTechniques = Array.Empty<string>() }))).StatusCode);
        await owner.PutAsync($"/api/incidents/{id}/disarm-techniques", JsonContent.Create(new { disarmTechniques = NewTags }));

        // The coordinator cannot save through it (the use case is the owner's), and nothing changes.
        var coordinatorCaller = new Caller(Node.Recipient.UserId, Node.RecipientOrg, Role.Analyst, new HashSet<Guid>(), Credential: "session:test");
        await Assert.ThrowsAsync<ForbiddenException>(() => editing.UpdateAsync(coordinatorCaller, incidentId, IncidentRetagging.Request(read.Incident, []), default));
        Assert.Equal(["T0023.001", "T0049"], Tags(await Ok(await owner.GetAsync($"/api/incidents/{id}"))));
    }
}

public sealed class SqliteIncidentReviewFixTests(SqliteDisarmNode fixture) : IncidentReviewFixTests(fixture), IClassFixture<SqliteDisarmNode>;

public sealed class PostgresIncidentReviewFixTests(PostgresDisarmNode fixture) : IncidentReviewFixTests(fixture), IClassFixture<PostgresDisarmNode>;
