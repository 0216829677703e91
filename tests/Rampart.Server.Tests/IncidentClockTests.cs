using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Incidents.Clocks;

namespace Rampart.Server.Tests;

/// <summary>
/// The NIS2 / GDPR reporting clocks of incidents and the "due" list (issue 11), through the REST API on SQLite and
/// PostgreSQL with a fake clock moved across 24 h, 72 h, a month and a daylight-saving change; outsiders and every
/// kind of administrator reach nothing, observers and contributors submit nothing, and nothing changes.
/// </summary>
public abstract class IncidentClockTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private DateTimeOffset Now => Node.Factory.Clock.GetUtcNow();

    private static Dictionary<string, object?> Body(string title, string tlp = "amber", string entityKind = "essential", DateTimeOffset? awareAt = null, bool significant = true) => new()
    {
        ["title"] = title,
        ["summary"] = "Ransomware at a ministry.",
        ["tlp"] = tlp,
        ["severity"] = "high",
        ["sector"] = "public-administration",
        ["countries"] = new[] { "RS" },
        ["entityKind"] = entityKind,
        ["significant"] = significant,
        ["awareAt"] = awareAt,
    };

    private static readonly object EarlyWarning = new { content = new { suspected_malicious = "yes", cross_border_impact = "unknown", summary = "Encrypted file servers." } };

    private static readonly object Notification = new { content = new { early_warning_update = "Two more hosts.", severity = "high", impact = "Registry offline.", indicators_of_compromise = new[] { "203.0.113.7" } } };

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

    private async Task<string> CreateAsync(object body, Person? who = null) =>
        (await Ok(await Node.Client(who ?? Node.Owner).PostAsync("/api/incidents", body), HttpStatusCode.Created))["id"]!.GetValue<string>();

    private async Task<JsonNode> StagesAsync(string id, string? zone = null, Person? who = null) =>
        await Ok(await Node.Client(who ?? Node.Owner).GetAsync($"/api/incidents/{id}/stages{(zone is null ? "" : "?zone=" + Uri.EscapeDataString(zone))}"));

    private static JsonNode Stage(JsonNode clocks, string stage, int sequence = 1) =>
        clocks["stages"]!.AsArray().Single(s => s!["stage"]!.GetValue<string>() == stage && s["sequence"]!.GetValue<int>() == sequence)!;

    private async Task<List<JsonNode>> DueAsync(Person who, string? zone = null)
    {
        var all = new List<JsonNode>();
        string? next = null;
        do
        {
            var page = await Ok(await Node.Client(who).GetAsync($"/api/incidents/due?limit=200{(zone is null ? "" : "&zone=" + Uri.EscapeDataString(zone))}{(next is null ? "" : "&next=" + Uri.EscapeDataString(next))}"));
            all.AddRange(page["items"]!.AsArray().Select(i => i!));
            next = page["next"]?.GetValue<string>();
        }
        while (next is not null);
        return all;
    }

    private async Task JoinAsync(string id, Person who, string role)
    {
        var invited = await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/participants", new { organisationId = who.OrganisationId, role }), HttpStatusCode.Created);
        await Ok(await Node.Client(who).PostAsync($"/api/incidents/invitations/{invited["id"]}/accept", new { }));
    }

    [Fact]
    public async Task Stages_ClockMovesAcross24And72Hours_StatesFollow_AndTheDueListShowsThem()
    {
        var aware = Now;
        var id = await CreateAsync(Body("Clock across 24 h"));
        var clocks = await StagesAsync(id);
        var early = Stage(clocks, "early-warning");
        Assert.Equal(aware.AddHours(24), early["due"]!.GetValue<DateTimeOffset>());
        Assert.Equal("not-due-yet", early["state"]!.GetValue<string>());
        Assert.Equal("1d 00h 00m", early["timeLeft"]!.GetValue<string>());
        Assert.Equal(aware.AddHours(72), Stage(clocks, "incident-notification")["due"]!.GetValue<DateTimeOffset>());
        Assert.Equal("waiting", Stage(clocks, "csirt-feedback")["state"]!.GetValue<string>());
        Assert.Contains(await DueAsync(Node.Owner), d => d["incidentId"]!.GetValue<string>() == id && d["stage"]?.GetValue<string>() == "early-warning");

        Node.Factory.Clock.Advance(TimeSpan.FromHours(19));
        Assert.Equal("due-soon", Stage(await StagesAsync(id), "early-warning")["state"]!.GetValue<string>());
        Node.Factory.Clock.Advance(TimeSpan.FromHours(5) + TimeSpan.FromMinutes(1));
        early = Stage(await StagesAsync(id), "early-warning");
        Assert.Equal("overdue", early["state"]!.GetValue<string>());
        Assert.Equal("-1m", early["timeLeft"]!.GetValue<string>());
        var due = (await DueAsync(Node.Owner)).Single(d => d["incidentId"]!.GetValue<string>() == id && d["stage"]?.GetValue<string>() == "early-warning");
        Assert.Equal("overdue", due["state"]!.GetValue<string>());

        // Submitted late: the stage leaves the due list; the CSIRT's 24 h feedback starts; the journal records it.
        var report = await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/stages/early-warning", EarlyWarning), HttpStatusCode.Created);
        Assert.True(report["late"]!.GetValue<bool>());
        clocks = await StagesAsync(id);
        Assert.Equal("submitted-late", Stage(clocks, "early-warning")["state"]!.GetValue<string>());
        Assert.Equal(Now.AddHours(24), Stage(clocks, "csirt-feedback")["due"]!.GetValue<DateTimeOffset>());
        var list = await DueAsync(Node.Owner);
        Assert.DoesNotContain(list, d => d["incidentId"]!.GetValue<string>() == id && d["stage"]?.GetValue<string>() == "early-warning");
        Assert.Contains(list, d => d["incidentId"]!.GetValue<string>() == id && d["stage"]?.GetValue<string>() == "csirt-feedback");
        var journal = await Ok(await Node.Client(Node.Owner).GetAsync($"/api/incidents/{id}/journal"));
        Assert.Contains(journal["items"]!.AsArray(), e => e!["event"]?.GetValue<string>() == ClockEvents.StageSubmitted && e["body"]!.GetValue<string>().StartsWith("early-warning 1 v1", StringComparison.Ordinal));

        // The frozen report reads back as submitted, as canonical JSON and as printable HTML.
        var json = await Node.Client(Node.Owner).GetStringAsync($"/api/incidents/{id}/stages/reports/{report["id"]}");
        Assert.Contains("\"suspected_malicious\":\"yes\"", json, StringComparison.Ordinal);
        var html = await Node.Client(Node.Owner).GetStringAsync($"/api/incidents/{id}/stages/reports/{report["id"]}?format=html");
        Assert.Contains("rampart-stage-report", html, StringComparison.Ordinal);

        // 72 h: the notification is overdue once the clock passes it.
        Node.Factory.Clock.Advance(TimeSpan.FromHours(48));
        Assert.Equal("overdue", Stage(await StagesAsync(id), "incident-notification")["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stages_TrustServiceProvider_NotificationIsDueIn24Hours()
    {
        var aware = Now;
        var id = await CreateAsync(Body("TSP certificate misissuance", entityKind: "trust-service-provider"));
        var clocks = await StagesAsync(id);
        Assert.Equal(aware.AddHours(24), Stage(clocks, "incident-notification")["due"]!.GetValue<DateTimeOffset>());
        var other = await StagesAsync(await CreateAsync(Body("Essential entity")));
        Assert.Equal(aware.AddHours(72), Stage(other, "incident-notification")["due"]!.GetValue<DateTimeOffset>());

        // Not significant: no stages, nothing due, nothing to submit.
        var minor = await CreateAsync(Body("Minor", significant: false));
        Assert.Empty((await StagesAsync(minor))["stages"]!.AsArray());
        Assert.DoesNotContain(await DueAsync(Node.Owner), d => d["incidentId"]!.GetValue<string>() == minor);
        await AssertBadRequest(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{minor}/stages/early-warning", EarlyWarning), "stage");
    }

    [Fact]
    public async Task Stages_AcrossTheSpringDaylightSavingChange_ShowTheOffsetInForceAtTheDueTime()
    {
        // Friday 26 March 2027 08:00 Z; the clocks go forward on Sunday 28 March in Belgrade and Chisinau, never in Tbilisi.
        var friday = new DateTimeOffset(2027, 3, 26, 8, 0, 0, TimeSpan.Zero);
        Assert.True(Now < friday, "this test needs the fake clock before 26 March 2027");
        Node.Factory.Clock.Advance(friday - Now);
        var id = await CreateAsync(Body("DST crossing"));

        var belgrade = await StagesAsync(id, "Europe/Belgrade");
        Assert.Equal("2027-03-27 09:00 (UTC+01:00)", Stage(belgrade, "early-warning")["dueLocal"]!.GetValue<string>());
        Assert.Equal("2027-03-29 10:00 (UTC+02:00)", Stage(belgrade, "incident-notification")["dueLocal"]!.GetValue<string>());
        Assert.Equal("3d 00h 00m", Stage(belgrade, "incident-notification")["timeLeft"]!.GetValue<string>());
        Assert.Equal("2027-03-29 11:00 (UTC+03:00)", Stage(await StagesAsync(id, "Europe/Chisinau"), "incident-notification")["dueLocal"]!.GetValue<string>());
        var tbilisi = await StagesAsync(id, "Asia/Tbilisi");
        Assert.Equal("2027-03-27 12:00 (UTC+04:00)", Stage(tbilisi, "early-warning")["dueLocal"]!.GetValue<string>());
        Assert.Equal("2027-03-29 12:00 (UTC+04:00)", Stage(tbilisi, "incident-notification")["dueLocal"]!.GetValue<string>());
        var listed = (await DueAsync(Node.Owner, "Europe/Belgrade")).Single(d => d["incidentId"]!.GetValue<string>() == id && d["stage"]?.GetValue<string>() == "incident-notification");
        Assert.Equal("2027-03-29 10:00 (UTC+02:00)", listed["dueLocal"]!.GetValue<string>());

        // 71 real hours later (local clocks moved 72): one hour left, due soon; two hours more: overdue by an hour.
        Node.Factory.Clock.Advance(TimeSpan.FromHours(71));
        var soon = Stage(await StagesAsync(id, "Europe/Belgrade"), "incident-notification");
        Assert.Equal("due-soon", soon["state"]!.GetValue<string>());
        Assert.Equal("1h 00m", soon["timeLeft"]!.GetValue<string>());
        Node.Factory.Clock.Advance(TimeSpan.FromHours(2));
        var late = Stage(await StagesAsync(id, "Europe/Chisinau"), "incident-notification");
        Assert.Equal("overdue", late["state"]!.GetValue<string>());
        Assert.Equal("-1h 00m", late["timeLeft"]!.GetValue<string>());
        await AssertBadRequest(await Node.Client(Node.Owner).GetAsync($"/api/incidents/{id}/stages?zone=Central%20Europe"), "zone");
    }

    [Fact]
    public async Task Stages_OneMonthAfterTheNotification_ProgressReportWhileOngoing_FinalReportAfterHandlingEnds()
    {
        var id = await CreateAsync(Body("Month"));
        var owner = Node.Client(Node.Owner);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/stages/early-warning", EarlyWarning), HttpStatusCode.Created);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/stages/incident-notification", Notification), HttpStatusCode.Created);
        var notified = Now;
        var clocks = await StagesAsync(id);
        Assert.Equal(notified.UtcDateTime.AddMonths(1), Stage(clocks, "progress-report")["due"]!.GetValue<DateTimeOffset>().UtcDateTime);
        Assert.Equal("waiting", Stage(clocks, "final-report")["state"]!.GetValue<string>());

        // A month later, still ongoing: the progress report is overdue and listed; the final report waits for the end of handling.
        Node.Factory.Clock.Advance(notified.AddMonths(1) - notified + TimeSpan.FromMinutes(1));
        Assert.Equal("overdue", Stage(await StagesAsync(id), "progress-report")["state"]!.GetValue<string>());
        Assert.Contains(await DueAsync(Node.Owner), d => d["incidentId"]!.GetValue<string>() == id && d["stage"]?.GetValue<string>() == "progress-report");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/stages/progress-report", new { content = new { } }), "content.progress");
        await Ok(await owner.PostAsync($"/api/incidents/{id}/stages/progress-report", new { content = new { progress = "Restoring from backups." } }), HttpStatusCode.Created);

        // Handling ends (resolved): the final report is due a month later.
        foreach (var status in new[] { "in-progress", "contained", "resolved" })
        {
            await Ok(await owner.PostAsync($"/api/incidents/{id}/status", new { status }));
        }

        var ended = Now;
        var final = Stage(await StagesAsync(id), "final-report");
        Assert.Equal(ended.UtcDateTime.AddMonths(1), final["due"]!.GetValue<DateTimeOffset>().UtcDateTime);
        Assert.Contains(await DueAsync(Node.Owner), d => d["incidentId"]!.GetValue<string>() == id && d["stage"]?.GetValue<string>() == "final-report");
    }

    [Fact]
    public async Task Stages_IntermediateReportOnRequest_IsDueWhenAsked_AndBadInputIs400NamingTheField()
    {
        var id = await CreateAsync(Body("Intermediate"));
        var owner = Node.Client(Node.Owner);
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/stages/intermediate-report", new { content = new { status_update = "x" } }), "stage");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/stages/intermediate-requests", new { dueAt = Now.AddHours(-1) }), "dueAt");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/stages/early-warning", new { content = new { suspected_malicious = "perhaps" } }), "content.suspectedMalicious");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/stages/early-warning", new { content = new { suspected_malicious = "yes" } }), "content.crossBorderImpact");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/stages/early-warning", new { content = new { suspected_malicious = "yes", cross_border_impact = "no", colour = "red" } }), "content.colour");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/stages/second-breakfast", EarlyWarning), "stage");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/stages/final-report", new { content = new { } }), "stage");
        Assert.Empty((await StagesAsync(id))["reports"]!.AsArray());

        var dueAt = Now.AddHours(36);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/stages/intermediate-requests", new { dueAt }), HttpStatusCode.Created);
        var intermediate = Stage(await StagesAsync(id), "intermediate-report");
        Assert.Equal(dueAt, intermediate["due"]!.GetValue<DateTimeOffset>());
        await Ok(await owner.PostAsync($"/api/incidents/{id}/stages/intermediate-report", new { content = new { status_update = "Contained at two sites." } }), HttpStatusCode.Created);
        Assert.Equal("submitted-on-time", Stage(await StagesAsync(id), "intermediate-report")["state"]!.GetValue<string>());
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/stages/intermediate-report", new { content = new { status_update = "Again" } }), "stage");
    }

    [Fact]
    public async Task DataBreach_ClockRunsFromTheBreach_PerJurisdiction_UnconfiguredIsRefused()
    {
        var id = await CreateAsync(Body("Leak of citizen records", significant: false));
        var owner = Node.Client(Node.Owner);
        await AssertBadRequest(await owner.PutAsync($"/api/incidents/{id}/stages/data-breach", new { awareAt = Now, jurisdiction = "ME" }), "jurisdiction");
        await AssertBadRequest(await owner.PutAsync($"/api/incidents/{id}/stages/data-breach", new { awareAt = Now.AddDays(2), jurisdiction = "RS" }), "awareAt");
        Assert.Null((await StagesAsync(id))["dataBreach"]);

        var aware = Now.AddHours(-2);
        var clocks = await Ok(await owner.PutAsync($"/api/incidents/{id}/stages/data-breach", new { awareAt = aware, jurisdiction = "rs" }));
        var breach = clocks["dataBreach"]!;
        Assert.True(breach["configured"]!.GetValue<bool>());
        Assert.Contains("Commissioner", breach["authority"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(aware.AddHours(72), breach["clock"]!["due"]!.GetValue<DateTimeOffset>());
        Assert.Contains(await DueAsync(Node.Owner), d => d["incidentId"]!.GetValue<string>() == id && d["kind"]!.GetValue<string>() == "data-breach");

        // Late (after 72 h) the reasons for the delay are required (GDPR Art. 33(1)).
        Node.Factory.Clock.Advance(TimeSpan.FromHours(71));
        var content = new Dictionary<string, object>
        {
            ["breach_nature"] = "Exfiltration", ["data_subject_categories"] = "Citizens", ["approximate_data_subjects"] = 12000, ["record_categories"] = "Tax records",
            ["approximate_records"] = 30000, ["contact_point"] = "dpo@ministry.example", ["likely_consequences"] = "Fraud", ["measures"] = "Passwords reset",
        };
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/stages/data-breach-notification", new { content }), "content.delayReasons");
        content["delay_reasons"] = "The extent was known only after forensic imaging.";
        await Ok(await owner.PostAsync($"/api/incidents/{id}/stages/data-breach-notification", new { content }), HttpStatusCode.Created);
        Assert.Equal("submitted-late", (await StagesAsync(id))["dataBreach"]!["clock"]!["state"]!.GetValue<string>());
        Assert.DoesNotContain(await DueAsync(Node.Owner), d => d["incidentId"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task DueList_IsOrderedByDueTime_OverdueFirst_AndCursorPaged()
    {
        var owner = Node.Client(Node.Owner);
        var overdue = await CreateAsync(Body("Overdue", awareAt: Now.AddHours(-30)));
        var later = await CreateAsync(Body("Later", awareAt: Now.AddHours(-1)));
        var task = await Ok(await owner.PostAsync($"/api/incidents/{later}/tasks", new { title = "Reset passwords", dueAt = Now.AddHours(2) }), HttpStatusCode.Created);

        var first = await Ok(await owner.GetAsync("/api/incidents/due?limit=2"));
        Assert.Equal(2, first["items"]!.AsArray().Count);
        var walked = await DueAsync(Node.Owner);
        var dues = walked.Select(d => d["due"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.Equal(dues.Order(), dues);
        Assert.Equal(walked.Count, walked.Select(d => (d["incidentId"]!.GetValue<string>(), d["kind"]!.GetValue<string>(), d["stage"]?.GetValue<string>(), d["sourceId"]?.GetValue<string>())).Distinct().Count());
        var overdueIndex = walked.FindIndex(d => d["incidentId"]!.GetValue<string>() == overdue && d["stage"]?.GetValue<string>() == "early-warning");
        var taskIndex = walked.FindIndex(d => d["sourceId"]?.GetValue<string>() == task["id"]!.GetValue<string>());
        var laterIndex = walked.FindIndex(d => d["incidentId"]!.GetValue<string>() == later && d["stage"]?.GetValue<string>() == "early-warning");
        Assert.True(overdueIndex >= 0 && taskIndex > overdueIndex && laterIndex > taskIndex, $"{overdueIndex} {taskIndex} {laterIndex}");
        Assert.Equal("overdue", walked[overdueIndex]["state"]!.GetValue<string>());
        Assert.Equal("due-soon", walked[taskIndex]["state"]!.GetValue<string>());

        // Page by page gives the same walk, without repeats.
        var paged = new List<JsonNode>();
        string? next = null;
        do
        {
            var page = await Ok(await owner.GetAsync($"/api/incidents/due?limit=3{(next is null ? "" : "&next=" + Uri.EscapeDataString(next))}"));
            paged.AddRange(page["items"]!.AsArray().Select(i => i!));
            next = page["next"]?.GetValue<string>();
        }
        while (next is not null);
        Assert.Equal(walked.Select(w => w.ToJsonString()), paged.Select(p => p.ToJsonString()));
        await AssertBadRequest(await owner.GetAsync("/api/incidents/due?next=forged"), "next");
        await AssertBadRequest(await owner.GetAsync("/api/incidents/due?page=2"), "page");

        // Done tasks leave the list.
        await Ok(await owner.PostAsync($"/api/incidents/{later}/tasks/{task["id"]}/work", new { status = "done" }));
        Assert.DoesNotContain(await DueAsync(Node.Owner), d => d["sourceId"]?.GetValue<string>() == task["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Clocks_OutsidersAndEveryAdministrator_ReachNothing_ParticipantsWithoutTheRoleSubmitNothing()
    {
        var owner = Node.Client(Node.Owner);
        var id = await CreateAsync(Body("RED: clocks of the ministry", "red"));
        await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Owner-only step", dueAt = Now.AddHours(5), ownerOnly = true }), HttpStatusCode.Created);
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var otherAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"admin-{Guid.NewGuid():N}@outside.test", Role.OrgAdmin);
        foreach (var person in new[] { Node.Outsider, Node.NodeAdmin, otherAdmin, Node.SameCountry })
        {
            var client = Node.Client(person);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/incidents/{id}/stages")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/incidents/{id}/stages/early-warning", EarlyWarning)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/incidents/{id}/stages/intermediate-requests", new { dueAt = Now.AddDays(1) })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsync($"/api/incidents/{id}/stages/data-breach", new { awareAt = Now, jurisdiction = "RS" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/incidents/{id}/stages/reports/{Guid.CreateVersion7()}")).StatusCode);
            Assert.DoesNotContain(await DueAsync(person), d => d["incidentId"]!.GetValue<string>() == id);
        }

        var operatorDue = await scope.ServiceProvider.GetRequiredService<ClockQueries>().DueAsync(Caller.Operator(), null, 200, null, default);
        Assert.DoesNotContain(operatorDue.Items, d => d.IncidentId == Guid.Parse(id));

        // Observers and contributors read the clocks, submit nothing (403); they never see the owner-only task's deadline.
        await JoinAsync(id, Node.Recipient, "contributor");
        await JoinAsync(id, Node.Member, "observer");
        foreach (var person in new[] { Node.Recipient, Node.Member, Node.OwnerViewer })
        {
            var client = Node.Client(person);
            Assert.NotEmpty((await StagesAsync(id, who: person))["stages"]!.AsArray());
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"/api/incidents/{id}/stages/early-warning", EarlyWarning)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"/api/incidents/{id}/stages/intermediate-requests", new { dueAt = Now.AddDays(1) })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsync($"/api/incidents/{id}/stages/data-breach", new { awareAt = Now, jurisdiction = "RS" })).StatusCode);
        }

        // Their due lists hold what their organisation must act on: not the owner's reporting stages, not the owner-only task.
        foreach (var person in new[] { Node.Recipient, Node.Member })
        {
            var due = await DueAsync(person);
            Assert.DoesNotContain(due, d => d["incidentId"]!.GetValue<string>() == id && d["kind"]!.GetValue<string>() == "nis2-stage");
            Assert.DoesNotContain(due, d => d["incidentId"]!.GetValue<string>() == id && d["kind"]!.GetValue<string>() == "task");
        }

        // Nothing changed.
        var clocks = await StagesAsync(id);
        Assert.Empty(clocks["reports"]!.AsArray());
        Assert.Empty(clocks["intermediateRequests"]!.AsArray());
        Assert.Null(clocks["dataBreach"]);
        Assert.Contains(await DueAsync(Node.Owner), d => d["incidentId"]!.GetValue<string>() == id && d["kind"]!.GetValue<string>() == "task");
    }

    [Fact]
    public async Task DueList_ShowsWhatTheViewersOrganisationActsOn_StagesForOwnerAndCoordinators_TasksForTheirAssignee_AndEveryItemHasALabel()
    {
        var owner = Node.Client(Node.Owner);
        var id = await CreateAsync(Body("Due for whom"));
        await JoinAsync(id, Node.Recipient, "contributor");
        await JoinAsync(id, Node.Member, "coordinator");
        var mine = await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Image the mail server", dueAt = Now.AddHours(3), assignedOrganisationId = Node.RecipientOrg }), HttpStatusCode.Created);
        var ours = await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Brief the minister", dueAt = Now.AddHours(4) }), HttpStatusCode.Created);

        var ownerDue = (await DueAsync(Node.Owner)).Where(d => d["incidentId"]!.GetValue<string>() == id).ToList();
        Assert.Contains(ownerDue, d => d["stage"]?.GetValue<string>() == "early-warning" && d["label"]!.GetValue<string>() == "NIS2 early warning");
        Assert.Contains(ownerDue, d => d["stage"]?.GetValue<string>() == "incident-notification" && d["label"]!.GetValue<string>() == "NIS2 incident notification");
        Assert.All(ownerDue, d => Assert.False(string.IsNullOrWhiteSpace(d["label"]!.GetValue<string>())));
        Assert.Equal(2, ownerDue.Count(d => d["kind"]!.GetValue<string>() == "task"));

        // The coordinator submits stages and runs tasks: it sees both.
        var coordinatorDue = (await DueAsync(Node.Member)).Where(d => d["incidentId"]!.GetValue<string>() == id).ToList();
        Assert.Contains(coordinatorDue, d => d["stage"]?.GetValue<string>() == "early-warning");
        Assert.Equal(2, coordinatorDue.Count(d => d["kind"]!.GetValue<string>() == "task"));

        // The contributor (maySubmit false) sees only the task assigned to its organisation.
        Assert.False((await StagesAsync(id, who: Node.Recipient))["maySubmit"]!.GetValue<bool>());
        var contributorDue = (await DueAsync(Node.Recipient)).Where(d => d["incidentId"]!.GetValue<string>() == id).ToList();
        var only = Assert.Single(contributorDue);
        Assert.Equal(mine["id"]!.GetValue<string>(), only["sourceId"]!.GetValue<string>());
        Assert.DoesNotContain(contributorDue, d => d["sourceId"]?.GetValue<string>() == ours["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task StageContent_IsCamelCase_OldSnakeCaseStillAccepted_BothAtOnceIs400_AndWaitingForIsKebabCase()
    {
        var owner = Node.Client(Node.Owner);
        var id = await CreateAsync(Body("camelCase content"));
        var clocks = await StagesAsync(id);
        Assert.Equal("early-warning", Stage(clocks, "csirt-feedback")["waitingFor"]!.GetValue<string>());
        Assert.All(clocks["stages"]!.AsArray(), s => Assert.DoesNotMatch("[A-Z]", s!["waitingFor"]?.GetValue<string>() ?? ""));

        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/stages/early-warning",
            new { content = new Dictionary<string, string> { ["suspectedMalicious"] = "yes", ["suspected_malicious"] = "no", ["crossBorderImpact"] = "no" } }), "content.suspectedMalicious");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/stages/early-warning", new { content = new { suspectedMalicious = true, crossBorderImpact = "no" } }), "content.suspectedMalicious");
        Assert.Empty((await StagesAsync(id))["reports"]!.AsArray());

        var report = await Ok(await owner.PostAsync($"/api/incidents/{id}/stages/early-warning", new { content = new { suspectedMalicious = "yes", crossBorderImpact = "unknown", summary = "Encrypted file servers." } }), HttpStatusCode.Created);
        // The frozen report keeps the stable schema names.
        var json = await owner.GetStringAsync($"/api/incidents/{id}/stages/reports/{report["id"]}");
        Assert.Contains("\"suspected_malicious\":\"yes\"", json, StringComparison.Ordinal);
        // A correction with the old names still passes (version 2).
        var second = await Ok(await owner.PostAsync($"/api/incidents/{id}/stages/early-warning", EarlyWarning), HttpStatusCode.Created);
        Assert.Equal(2, second["version"]!.GetValue<int>());
    }
}

public sealed class SqliteIncidentClockTests(SqliteNode fixture) : IncidentClockTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIncidentClockTests(PostgresNode fixture) : IncidentClockTests(fixture), IClassFixture<PostgresNode>;
