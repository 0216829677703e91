using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Incidents;

namespace Rampart.Server.Tests;

/// <summary>
/// Incidents (issue 11) through the REST API, on SQLite and PostgreSQL: numbering, validation, the workflow, and who
/// may do what — outsiders and every kind of administrator see nothing; observers, contributors and coordinators each
/// try what their role forbids and get 404 (cannot see) or 403 (sees, may not), and nothing changes.
/// </summary>
public abstract class IncidentTests(NodeFixture fixture)
{
    private static readonly string[] KosovoAndNorthMacedonia = ["XK", "MK"];

    private SeededNode Node => fixture.Node;

    private static Dictionary<string, object?> Body(string title, string tlp = "amber", object? extra = null)
    {
        var body = new Dictionary<string, object?>
        {
            ["title"] = title,
            ["summary"] = "Ministry mail server **compromised**; same actor seen next door.",
            ["tlp"] = tlp,
            ["pap"] = "amber",
            ["severity"] = "high",
            ["sector"] = "public-administration",
            ["countries"] = new[] { "AL", "XK" },
            ["classifications"] = new[] { new { category = "intrusions", type = "system-compromise" } },
            ["affectedEntity"] = "Ministry of Interior",
            ["entityKind"] = "essential",
            ["significant"] = true,
        };
        if (extra is not null)
        {
            foreach (var (key, value) in JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(extra, Json.Options))!.AsObject())
            {
                body[key] = value;
            }
        }

        return body;
    }

    private static async Task<JsonNode> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostAsync("/api/incidents", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await Json.ReadAsync(response);
    }

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

    private static async Task<List<JsonNode>> JournalAsync(HttpClient client, string id) =>
        (await Ok(await client.GetAsync($"/api/incidents/{id}/journal?limit=200")))["items"]!.AsArray().Select(e => e!).ToList();

    /// <summary>Owner invites <paramref name="who"/>'s organisation as <paramref name="role"/>, and one of its analysts accepts.</summary>
    private async Task JoinAsync(string id, Person who, string role)
    {
        var invited = await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/participants",
            new { organisationId = who.OrganisationId, role, message = "Same actor as in your network?" }), HttpStatusCode.Created);
        await Ok(await Node.Client(who).PostAsync($"/api/incidents/invitations/{invited["id"]}/accept", new { }));
    }

    [Fact]
    public async Task Create_GetsTheNextNumber_AndReadsBackByIdAndNumber()
    {
        var owner = Node.Client(Node.Owner);
        var first = await CreateAsync(owner, Body("Phishing wave against ministries"));
        var second = await CreateAsync(owner, Body("DDoS on the tax portal"));
        var a = IncidentNumbers.Parse(first["number"]!.GetValue<string>());
        var b = IncidentNumbers.Parse(second["number"]!.GetValue<string>());
        Assert.NotNull(a);
        Assert.Equal(a!.Value.Year, b!.Value.Year);
        Assert.Equal(a.Value.Number + 1, b.Value.Number);
        Assert.Equal("new", first["status"]!.GetValue<string>());
        Assert.Equal("owner", first["standing"]!.GetValue<string>());

        var byNumber = await Ok(await owner.GetAsync($"/api/incidents/{second["number"]}"));
        Assert.Equal(second["id"]!.GetValue<Guid>(), byNumber["id"]!.GetValue<Guid>());
        Assert.Equal(["AL", "XK"], byNumber["countries"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("system-compromise", byNumber["classifications"]![0]!["type"]!.GetValue<string>());
        Assert.Equal("essential", byNumber["entityKind"]!.GetValue<string>());
        Assert.True(byNumber["significant"]!.GetValue<bool>());

        var journal = await JournalAsync(owner, second["id"]!.GetValue<string>());
        Assert.Contains(journal, e => e["event"]?.GetValue<string>() == IncidentEvents.Opened);
    }

    [Fact]
    public async Task Create_ManyAtOnce_EveryIncidentGetsItsOwnNumber()
    {
        var owner = Node.Client(Node.Owner);
        var created = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => owner.PostAsync("/api/incidents", Body($"Parallel {i}"))));
        var numbers = new List<int>();
        foreach (var response in created)
        {
            numbers.Add(IncidentNumbers.Parse((await Ok(response, HttpStatusCode.Created))["number"]!.GetValue<string>())!.Value.Number);
        }

        Assert.Equal(12, numbers.Distinct().Count());
        Assert.Equal(11, numbers.Max() - numbers.Min());
    }

    [Theory]
    [InlineData("sector", "{\"sector\":\"nuclear\"}")]
    [InlineData("classifications[0].type", "{\"classifications\":[{\"category\":\"intrusions\",\"type\":\"spam\"}]}")]
    [InlineData("classifications[0].category", "{\"classifications\":[{\"category\":\"alien\",\"type\":\"spam\"}]}")]
    [InlineData("countries[1]", "{\"countries\":[\"AL\",\"Kosovo\"]}")]
    [InlineData("title", "{\"title\":\"  \"}")]
    [InlineData("severity", "{\"severity\":null}")]
    [InlineData("tlp", "{\"tlp\":null}")]
    [InlineData("audiences[0]", "{\"tlp\":\"amber\",\"audiences\":[{\"kind\":\"network\"}]}")]
    [InlineData("awareAt", "{\"awareAt\":\"2999-01-01T00:00:00Z\"}")]
    [InlineData("startedAt", "{\"detectedAt\":\"2026-01-02T00:00:00Z\",\"startedAt\":\"2026-01-03T00:00:00Z\"}")]
    public async Task Create_BadField_Is400NamingIt_AndStoresNothing(string field, string patch)
    {
        var owner = Node.Client(Node.Owner);
        var title = $"bad {field} {Guid.NewGuid():N}";
        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Body(title), Json.Options))!.AsObject();
        foreach (var (key, value) in JsonNode.Parse(patch)!.AsObject())
        {
            body[key] = value?.DeepClone();
        }

        await AssertBadRequest(await owner.PostAsync("/api/incidents", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json")), field);
        var list = await Ok(await owner.GetAsync("/api/incidents?limit=200"));
        Assert.DoesNotContain(list["items"]!.AsArray(), i => i!["title"]!.GetValue<string>() == title);
    }

    [Fact]
    public async Task Status_IllegalMoveIs400_ClosingWithOpenTasksNeedsConfirmation()
    {
        var owner = Node.Client(Node.Owner);
        var id = (await CreateAsync(owner, Body("Workflow")))["id"]!.GetValue<string>();
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/status", new { status = "closed" }), "status");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/status", new { status = "finished" }), "status");
        Assert.Equal("new", (await Ok(await owner.GetAsync($"/api/incidents/{id}")))["status"]!.GetValue<string>());

        foreach (var status in new[] { "triage", "in-progress", "contained", "resolved" })
        {
            Assert.Equal(status, (await Ok(await owner.PostAsync($"/api/incidents/{id}/status", new { status })))["status"]!.GetValue<string>());
        }

        await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Collect firewall logs", assignedOrganisationId = Node.OwnerOrg }), HttpStatusCode.Created);
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/status", new { status = "closed" }), "confirmOpenTasks");
        Assert.Equal("resolved", (await Ok(await owner.GetAsync($"/api/incidents/{id}")))["status"]!.GetValue<string>());

        var closed = await Ok(await owner.PostAsync($"/api/incidents/{id}/status", new { status = "closed", confirmOpenTasks = true, reason = "Handled by the ministry." }));
        Assert.Equal("closed", closed["status"]!.GetValue<string>());
        var journal = await JournalAsync(owner, id);
        Assert.Contains(journal, e => e["event"]?.GetValue<string>() == IncidentEvents.ClosedWithOpenTasks);
        Assert.Equal(5, journal.Count(e => e["kind"]!.GetValue<string>() == "status-change"));
    }

    [Fact]
    public async Task OutsidersAndEveryAdministrator_CannotReadOrTouchAnIncidentTheDecisionDeniesThem()
    {
        var owner = Node.Client(Node.Owner);
        var incident = await CreateAsync(owner, Body("RED: minister's mailbox", "red"));
        var id = incident["id"]!.GetValue<string>();
        var number = incident["number"]!.GetValue<string>();
        await Ok(await owner.PostAsync($"/api/incidents/{id}/journal", new { body = "secret note" }), HttpStatusCode.Created);
        var task = await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Image the server" }), HttpStatusCode.Created);

        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var otherAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"admin-{Guid.NewGuid():N}@outside.test", Role.OrgAdmin);
        foreach (var person in new[] { Node.Outsider, Node.NodeAdmin, otherAdmin, Node.Recipient, Node.Member })
        {
            var client = Node.Client(person);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/incidents/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/incidents/{number}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/incidents/{id}/journal")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/incidents/{id}/tasks")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/incidents/{id}/tasks/{task["id"]}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/incidents/{id}/participants")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/incidents/{id}/status", new { status = "triage" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/incidents/{id}/journal", new { body = "x" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/incidents/{id}/participants", new { organisationId = person.OrganisationId, role = "coordinator" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/incidents/{id}/tasks/{task["id"]}/work", new { status = "done" })).StatusCode);
            var list = await Ok(await client.GetAsync("/api/incidents?limit=200"));
            Assert.DoesNotContain(list["items"]!.AsArray(), i => i!["id"]!.GetValue<string>() == id);
            var filtered = await Ok(await client.GetAsync("/api/incidents?limit=200&sector=public-administration&country=AL"));
            Assert.DoesNotContain(filtered["items"]!.AsArray(), i => i!["id"]!.GetValue<string>() == id);
        }

        // The command-line operator administers the node and reads no content either.
        var queries = scope.ServiceProvider.GetRequiredService<IncidentQueries>();
        Assert.Null(await queries.FindAsync(Caller.Operator(), Guid.Parse(id), default));
        var (operatorList, _) = await queries.ListAsync(Caller.Operator(), new IncidentFilter(), null, 200, default);
        Assert.DoesNotContain(operatorList, i => i.Incident.Id == Guid.Parse(id));

        // Nothing changed.
        var after = await Ok(await owner.GetAsync($"/api/incidents/{id}"));
        Assert.Equal("new", after["status"]!.GetValue<string>());
        Assert.Empty((await Ok(await owner.GetAsync($"/api/incidents/{id}/participants"))).AsArray());
        Assert.Equal(2, (await JournalAsync(owner, id)).Count(e => e["kind"]!.GetValue<string>() == "entry" || e["event"]?.GetValue<string>() == IncidentEvents.TaskCreated));
    }

    [Fact]
    public async Task Invitation_OnlyTheInvitedOrganisationsWritersAnswer_AndItReadsOnlyAfterAccepting()
    {
        var owner = Node.Client(Node.Owner);
        var id = (await CreateAsync(owner, Body("Invitation", "amber+strict")))["id"]!.GetValue<string>();
        var invitation = await Ok(await owner.PostAsync($"/api/incidents/{id}/participants", new { organisationId = Node.RecipientOrg, role = "contributor" }), HttpStatusCode.Created);
        var invitationId = invitation["id"]!.GetValue<string>();
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/participants", new { organisationId = Node.RecipientOrg, role = "observer" }), "organisationId");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/participants", new { organisationId = Guid.NewGuid(), role = "observer" }), "organisationId");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/participants", new { organisationId = Node.MemberOrg, role = "boss" }), "role");

        // Invited is not yet reading: the invitation shows the number and the TLP, not the incident.
        var recipient = Node.Client(Node.Recipient);
        Assert.Equal(HttpStatusCode.NotFound, (await recipient.GetAsync($"/api/incidents/{id}")).StatusCode);
        var pending = await Ok(await recipient.GetAsync("/api/incidents/invitations"));
        var shown = Assert.Single(pending["items"]!.AsArray(), i => i!["id"]!.GetValue<string>() == invitationId)!;
        Assert.Equal("amber+strict", shown["tlp"]!.GetValue<string>());
        Assert.Null(shown["title"]);

        // Another organisation cannot answer it (404), nor can the invited organisation's viewer (403).
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).PostAsync($"/api/incidents/invitations/{invitationId}/accept", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.OwnerAdmin).PostAsync($"/api/incidents/invitations/{invitationId}/accept", new { })).StatusCode);
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var viewer = await SeededNode.PersonAsync(scope.ServiceProvider, Node.RecipientOrg, $"viewer-{Guid.NewGuid():N}@recipient.test", Role.Viewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(viewer).PostAsync($"/api/incidents/invitations/{invitationId}/accept", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await recipient.GetAsync($"/api/incidents/{id}")).StatusCode);

        await Ok(await recipient.PostAsync($"/api/incidents/invitations/{invitationId}/accept", new { }));
        var read = await Ok(await recipient.GetAsync($"/api/incidents/{id}"));
        Assert.Equal("contributor", read["standing"]!.GetValue<string>());
        Assert.Null(read["audiences"]);
        // Every person of the organisation reads it (an organisation grant), the viewer too; others still do not.
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(Node.RecipientColleague).GetAsync($"/api/incidents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(viewer).GetAsync($"/api/incidents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).GetAsync($"/api/incidents/{id}")).StatusCode);
        await AssertBadRequest(await recipient.PostAsync($"/api/incidents/invitations/{invitationId}/decline", new { }), "id");

        // A declined invitation gives nothing.
        var declined = await Ok(await owner.PostAsync($"/api/incidents/{id}/participants", new { organisationId = Node.MemberOrg, role = "observer" }), HttpStatusCode.Created);
        await Ok(await Node.Client(Node.Member).PostAsync($"/api/incidents/invitations/{declined["id"]}/decline", new { }));
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Member).GetAsync($"/api/incidents/{id}")).StatusCode);
    }

    [Fact]
    public async Task Roles_ObserverContributorCoordinator_EachTryWhatTheirRoleForbids_AndNothingChanges()
    {
        var owner = Node.Client(Node.Owner);
        var id = (await CreateAsync(owner, Body("Roles", "red")))["id"]!.GetValue<string>();
        await JoinAsync(id, Node.Recipient, "observer");
        await JoinAsync(id, Node.Member, "contributor");
        await JoinAsync(id, Node.SameCountry, "coordinator");
        var observer = Node.Client(Node.Recipient);
        var contributor = Node.Client(Node.Member);
        var coordinator = Node.Client(Node.SameCountry);

        var secret = await Ok(await owner.PostAsync($"/api/incidents/{id}/journal", new { body = "Our source inside the group says …", ownerOnly = true }), HttpStatusCode.Created);
        var ownerTask = await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Brief the minister", ownerOnly = true }), HttpStatusCode.Created);
        var memberTask = await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Check your netflow", assignedOrganisationId = Node.MemberOrg }), HttpStatusCode.Created);
        var coordinatorTask = await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Sinkhole the domain", assignedOrganisationId = Node.SameCountryOrg }), HttpStatusCode.Created);
        var before = await JournalAsync(owner, id);

        foreach (var client in new[] { observer, contributor, coordinator })
        {
            // Owner-only journal entries and tasks: not there (404 by id, absent from lists).
            var journal = await JournalAsync(client, id);
            Assert.DoesNotContain(journal, e => e["id"]!.GetValue<string>() == secret["id"]!.GetValue<string>());
            Assert.DoesNotContain(journal, e => e["ownerOnly"]!.GetValue<bool>());
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/incidents/{id}/tasks/{ownerTask["id"]}")).StatusCode);
            var tasks = await Ok(await client.GetAsync($"/api/incidents/{id}/tasks"));
            Assert.DoesNotContain(tasks["items"]!.AsArray(), t => t!["id"]!.GetValue<string>() == ownerTask["id"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/incidents/{id}/tasks/{ownerTask["id"]}/work", new { status = "done" })).StatusCode);
            // Owner-only writing and the owner's fields are the owner's (the observer writes nothing at all).
            var ownerOnly = await client.PostAsync($"/api/incidents/{id}/journal", new { body = "x", ownerOnly = true });
            if (client == observer)
            {
                Assert.Equal(HttpStatusCode.Forbidden, ownerOnly.StatusCode);
            }
            else
            {
                await AssertBadRequest(ownerOnly, "ownerOnly");
            }

            Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsync($"/api/incidents/{id}", Body("Renamed", "red"))).StatusCode);
        }

        // The observer reads and does nothing else.
        Assert.Equal(HttpStatusCode.Forbidden, (await observer.PostAsync($"/api/incidents/{id}/journal", new { body = "I was here" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await observer.PostAsync($"/api/incidents/{id}/status", new { status = "triage" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await observer.PostAsync($"/api/incidents/{id}/participants", new { organisationId = Node.OutsiderOrg, role = "observer" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await observer.PostAsync($"/api/incidents/{id}/tasks/{memberTask["id"]}/work", new { text = "looked" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await observer.PostAsync($"/api/incidents/{id}/tasks", new { title = "t" })).StatusCode);

        // The contributor writes entries and works its own tasks, not others', and neither moves the status nor invites.
        Assert.Equal(HttpStatusCode.Forbidden, (await contributor.PostAsync($"/api/incidents/{id}/status", new { status = "triage" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await contributor.PostAsync($"/api/incidents/{id}/participants", new { organisationId = Node.OutsiderOrg, role = "observer" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await contributor.PostAsync($"/api/incidents/{id}/tasks/{coordinatorTask["id"]}/work", new { status = "done" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await contributor.PostAsync($"/api/incidents/{id}/tasks", new { title = "t" })).StatusCode);

        // Nothing of that changed anything.
        var after = await JournalAsync(owner, id);
        Assert.Equal(before.Count, after.Count);
        Assert.Equal("new", (await Ok(await owner.GetAsync($"/api/incidents/{id}")))["status"]!.GetValue<string>());
        Assert.Equal("open", (await Ok(await owner.GetAsync($"/api/incidents/{id}/tasks/{coordinatorTask["id"]}")))["status"]!.GetValue<string>());
        Assert.Equal("open", (await Ok(await owner.GetAsync($"/api/incidents/{id}/tasks/{ownerTask["id"]}")))["status"]!.GetValue<string>());
        Assert.Equal(3, (await Ok(await owner.GetAsync($"/api/incidents/{id}/participants"))).AsArray().Count);
        Assert.Equal("Roles", (await Ok(await owner.GetAsync($"/api/incidents/{id}")))["title"]!.GetValue<string>());

        // What each role may do, it can.
        await Ok(await contributor.PostAsync($"/api/incidents/{id}/journal", new { body = "Seen the same C2 in **MK**." }), HttpStatusCode.Created);
        var worked = await Ok(await contributor.PostAsync($"/api/incidents/{id}/tasks/{memberTask["id"]}/work", new { text = "No hits in netflow.", status = "done" }));
        Assert.Equal("done", worked["status"]!.GetValue<string>());
        Assert.Single(worked["log"]!.AsArray());
        await Ok(await coordinator.PostAsync($"/api/incidents/{id}/status", new { status = "triage" }));
        // At TLP:RED only the owner widens who takes part: the coordinator's invitation is refused and nothing is added.
        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.PostAsync($"/api/incidents/{id}/participants", new { organisationId = Node.OutsiderOrg, role = "observer" })).StatusCode);
        await Ok(await coordinator.PostAsync($"/api/incidents/{id}/tasks", new { title = "Share the sample", assignedOrganisationId = Node.MemberOrg }), HttpStatusCode.Created);
        // The owner sees the task done in the journal.
        Assert.Contains(await JournalAsync(owner, id), e => e["event"]?.GetValue<string>() == IncidentEvents.TaskStatus && e["taskId"]!.GetValue<string>() == memberTask["id"]!.GetValue<string>());

        // Participants see who takes part, not pending invitations; the coordinator and the owner see them too.
        var seenByObserver = (await Ok(await observer.GetAsync($"/api/incidents/{id}/participants"))).AsArray();
        Assert.Equal(3, seenByObserver.Count);
        Assert.Equal(3, (await Ok(await coordinator.GetAsync($"/api/incidents/{id}/participants"))).AsArray().Count);
    }

    [Fact]
    public async Task Invite_ByCoordinator_AtAmberObserversOnlyNoCoordinators_AtRedAndAmberStrictNobody()
    {
        var owner = Node.Client(Node.Owner);
        var amber = (await CreateAsync(owner, Body("Coordinated amber", "amber")))["id"]!.GetValue<string>();
        await JoinAsync(amber, Node.SameCountry, "coordinator");
        var coordinator = Node.Client(Node.SameCountry);
        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.PostAsync($"/api/incidents/{amber}/participants", new { organisationId = Node.OutsiderOrg, role = "coordinator" })).StatusCode);
        await Ok(await coordinator.PostAsync($"/api/incidents/{amber}/participants", new { organisationId = Node.OutsiderOrg, role = "observer" }), HttpStatusCode.Created);

        var strict = (await CreateAsync(owner, Body("Coordinated strict", "amber+strict")))["id"]!.GetValue<string>();
        await JoinAsync(strict, Node.SameCountry, "coordinator");
        Assert.Equal(HttpStatusCode.Forbidden, (await coordinator.PostAsync($"/api/incidents/{strict}/participants", new { organisationId = Node.OutsiderOrg, role = "observer" })).StatusCode);
        // Only the owner's invitations are listed: the refused one left nothing behind.
        Assert.Single((await Ok(await owner.GetAsync($"/api/incidents/{strict}/participants"))).AsArray());
    }

    [Fact]
    public async Task Update_OwnerChangesFields_OthersCannot_TlpAndAudienceStay()
    {
        var owner = Node.Client(Node.Owner);
        var id = (await CreateAsync(owner, Body("Before")))["id"]!.GetValue<string>();
        var changed = await Ok(await owner.PutAsync($"/api/incidents/{id}", Body("After", "amber", new
        {
            countries = KosovoAndNorthMacedonia,
            classifications = new[] { new { category = "intrusions", type = "system-compromise" }, new { category = "fraud", type = "phishing" } },
            severity = "critical",
        })));
        Assert.Equal("After", changed["title"]!.GetValue<string>());
        Assert.Equal("critical", changed["severity"]!.GetValue<string>());
        Assert.Equal(["MK", "XK"], changed["countries"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(2, changed["classifications"]!.AsArray().Count);
        await AssertBadRequest(await owner.PutAsync($"/api/incidents/{id}", Body("After", "red")), "tlp");
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.OwnerViewer).PutAsync($"/api/incidents/{id}", Body("Viewer"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).PutAsync($"/api/incidents/{id}", Body("Outsider"))).StatusCode);
        Assert.Equal("After", (await Ok(await owner.GetAsync($"/api/incidents/{id}")))["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reader_ThroughTheAudienceReadsButTakesNoPart()
    {
        var owner = Node.Client(Node.Owner);
        var id = (await CreateAsync(owner, Body("Community-wide", "amber", new { audience = "community", communityId = Node.Community })))["id"]!.GetValue<string>();
        var member = Node.Client(Node.Member);
        var read = await Ok(await member.GetAsync($"/api/incidents/{id}"));
        Assert.Equal("reader", read["standing"]!.GetValue<string>());
        Assert.Empty(read["nextStatuses"]!.AsArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await member.GetAsync($"/api/incidents/{id}/participants")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync($"/api/incidents/{id}/journal", new { body = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await member.PostAsync($"/api/incidents/{id}/status", new { status = "triage" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).GetAsync($"/api/incidents/{id}")).StatusCode);

        var filtered = await Ok(await member.GetAsync("/api/incidents?limit=200&rsit=intrusions/system-compromise&country=XK&severity=high&status=new"));
        Assert.Contains(filtered["items"]!.AsArray(), i => i!["id"]!.GetValue<string>() == id);
        var other = await Ok(await member.GetAsync("/api/incidents?limit=200&rsit=fraud"));
        Assert.DoesNotContain(other["items"]!.AsArray(), i => i!["id"]!.GetValue<string>() == id);
        await AssertBadRequest(await member.GetAsync("/api/incidents?status=finished"), "status");
        await AssertBadRequest(await member.GetAsync("/api/incidents?rsit=fraud/spam"), "rsit");
        await AssertBadRequest(await member.GetAsync("/api/incidents?country=Albania"), "country");
        await AssertBadRequest(await member.GetAsync("/api/incidents?limit=201"), "limit");
    }

    [Fact]
    public async Task List_IsCursorPaged_AndTheCursorIsBoundToTheFilter()
    {
        var owner = Node.Client(Node.Owner);
        for (var i = 0; i < 3; i++)
        {
            await CreateAsync(owner, Body($"Paging {i}", "amber", new { sector = "energy" }));
        }

        var first = await Ok(await owner.GetAsync("/api/incidents?limit=2&sector=energy"));
        Assert.Equal(2, first["items"]!.AsArray().Count);
        var next = first["next"]!.GetValue<string>();
        var second = await Ok(await owner.GetAsync($"/api/incidents?limit=2&sector=energy&next={Uri.EscapeDataString(next)}"));
        Assert.NotEmpty(second["items"]!.AsArray());
        Assert.Empty(first["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).Intersect(second["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>())));
        await AssertBadRequest(await owner.GetAsync($"/api/incidents?limit=2&sector=health&next={Uri.EscapeDataString(next)}"), "next");
    }
}

public sealed class SqliteIncidentTests(SqliteNode fixture) : IncidentTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIncidentTests(PostgresNode fixture) : IncidentTests(fixture), IClassFixture<PostgresNode>;
