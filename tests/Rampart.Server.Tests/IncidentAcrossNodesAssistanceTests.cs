using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Incidents.Peers;
using Rampart.Server.Intelligence.Store;

namespace Rampart.Server.Tests;

public sealed class SqliteIncidentAcrossNodesAssistanceTests(SqliteThreeNodes nodes) : IncidentAcrossNodesAssistanceTests(nodes), IClassFixture<SqliteThreeNodes>;

public sealed class PostgresIncidentAcrossNodesAssistanceTests(PostgresThreeNodes nodes) : IncidentAcrossNodesAssistanceTests(nodes), IClassFixture<PostgresThreeNodes>;

/// <summary>
/// Tasks and requests for assistance across nodes (issue 11, ADR 17): a coordinator on node B adds a task to node A's
/// incident and asks A's organisations for assistance; an organisation on B answers a request asked of it — each made on B,
/// applied on A by A's own use cases and rules, and shown back in B's copy. The organisations are named by the refs A put
/// in the view; nobody else on B can act, and what A's rules forbid is refused there.
/// </summary>
public abstract class IncidentAcrossNodesAssistanceTests(ThreeNodes nodes)
{
    private static readonly string[] Albania = ["AL"];

    private static readonly string[] Nobody = ["identity--nobody"];

    private SeededNode A => nodes.A;

    private SeededNode B => nodes.B;

    private static async Task<JsonNode> Ok(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private static async Task BadRequest(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.NotNull(JsonNode.Parse(text)!["errors"]?[field]);
    }

    private async Task<(string Id, string CopyId)> ParticipatingAsync(string role, string marker, bool significant = false)
    {
        var owner = A.Client(A.Owner);
        var id = (await Ok(await owner.PostAsync("/api/incidents", new
        {
            title = "Phishing wave against ministries " + marker, summary = "Lure: fake tax refund. " + marker, tlp = "amber", severity = "high",
            sector = "public-administration", countries = Albania, entityKind = "essential", significant,
        }), HttpStatusCode.Created))["id"]!.GetValue<string>();
        await Ok(await owner.PostAsync($"/api/incidents/{id}/participants", new { organisationId = nodes.ARecipB, role }), HttpStatusCode.Created);
        await nodes.SyncIncidentsAsync();
        await using var scope = B.Factory.Services.CreateAsyncScope();
        var origin = Guid.Parse(id);
        var copyId = (await scope.ServiceProvider.GetRequiredService<RampartDb>().PeerIncidents.AsNoTracking().SingleAsync(c => c.OriginIncidentId == origin)).Id.ToString();
        Assert.Equal("applied", (await Ok(await B.Client(B.Recipient).PostAsync($"/api/peer-incidents/{copyId}/accept", new { })))["state"]!.GetValue<string>());
        await nodes.SyncIncidentsAsync();
        return (id, copyId);
    }

    private async Task<JsonNode> CopyAsync(string copyId) => (await Ok(await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{copyId}")))["view"]!["incident"]!;

    private async Task<string> OwnersTasksAsync(string id) => (await Ok(await A.Client(A.Owner).GetAsync($"/api/incidents/{id}/tasks?limit=200")))["items"]!.ToJsonString();

    private async Task<string> OwnersRequestsAsync(string id) => (await Ok(await A.Client(A.Owner).GetAsync($"/api/incidents/{id}/requests?limit=200")))["items"]!.ToJsonString();

    private static async Task FanOutAsync(SeededNode node)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Incidents.Notifications.NotificationFanOutJob>().RunAsync(default);
    }

    private async Task<List<JsonNode>> NoticesAsync(Person who, string copyId) =>
        [.. (await Ok(await B.Client(who).GetAsync("/api/notifications?limit=200")))["items"]!.AsArray()
            .Where(n => n!["link"]!.GetValue<string>() == $"/incidents/peer/{copyId}").Select(n => n!)];

    /// <summary>Another organisation on B, their administrators and B's node administrator.</summary>
    private async Task<List<Person>> OthersOnBAsync()
    {
        await using var scope = B.Factory.Services.CreateAsyncScope();
        var otherAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, B.MemberOrg, $"admin-{Guid.NewGuid():N}@member.test", Role.OrgAdmin);
        return [B.Member, B.Outsider, B.Owner, B.OwnerAdmin, B.NodeAdmin, otherAdmin];
    }

    [Fact]
    public async Task Coordinator_AddsATaskAndAsksTheOwnerForAssistance_FromItsNode_TheOwnerAnswersOnItsNode_AndTheCopyShowsTheAnswer()
    {
        var marker = "ta-" + Guid.NewGuid().ToString("N")[..10];
        var (id, copyId) = await ParticipatingAsync("coordinator", marker);
        var recipient = B.Client(B.Recipient);
        var copy = await CopyAsync(copyId);
        var ownerRef = copy["ownerRef"]!.GetValue<string>();
        var ownRef = copy["participants"]!.AsArray().Single(p => p!["status"]!.GetValue<string>() == "accepted")!["ref"]!.GetValue<string>();
        Assert.StartsWith("identity--", ownerRef, StringComparison.Ordinal);

        // A task for the owner: applied on A under A's rules, assigned to A's owner organisation, created by B's organisation.
        var due = A.Factory.Services.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(2);
        var added = await Ok(await recipient.PostAsync($"/api/peer-incidents/{copyId}/tasks", new { title = "Pull proxy logs for the lure domain " + marker, assignedTo = ownerRef, dueAt = due }));
        Assert.Equal("applied", added["state"]!.GetValue<string>());
        Assert.Equal("task-new", added["kind"]!.GetValue<string>());
        var task = JsonNode.Parse(await OwnersTasksAsync(id))!.AsArray().Single(t => t!["title"]!.GetValue<string>() == "Pull proxy logs for the lure domain " + marker)!;
        Assert.Equal(A.OwnerOrg, task["assignedOrganisationId"]!.GetValue<Guid>());
        Assert.Equal("open", task["status"]!.GetValue<string>());

        // Bad input: 400 naming the field, nothing travels (an unknown ref, a missing title, nobody asked, an unknown ref asked).
        var tasksBefore = await OwnersTasksAsync(id);
        var requestsBefore = await OwnersRequestsAsync(id);
        await BadRequest(await recipient.PostAsync($"/api/peer-incidents/{copyId}/tasks", new { title = "x " + marker, assignedTo = "identity--00000000-0000-4000-8000-000000000000" }), "assignedTo");
        await BadRequest(await recipient.PostAsync($"/api/peer-incidents/{copyId}/tasks", new { title = "" }), "title");
        await BadRequest(await recipient.PostAsync($"/api/peer-incidents/{copyId}/requests", new { kind = "share-logs", title = "Logs " + marker, organisations = Array.Empty<string>() }), "organisations");
        await BadRequest(await recipient.PostAsync($"/api/peer-incidents/{copyId}/requests", new { kind = "share-logs", title = "Logs " + marker, organisations = Nobody }), "organisations[0]");
        await BadRequest(await recipient.PostAsync($"/api/peer-incidents/{copyId}/requests", new { kind = "share-logs", title = "", organisations = new[] { ownerRef } }), "title");

        // Asking itself passes B (it does not know which ref is its own) and is refused by A's rule, with A's reason.
        var self = await Ok(await recipient.PostAsync($"/api/peer-incidents/{copyId}/requests", new { kind = "free", title = "Self " + marker, organisations = new[] { ownRef } }));
        Assert.Equal("refused", self["state"]!.GetValue<string>());
        Assert.Contains("Your own organisation", self["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(tasksBefore, await OwnersTasksAsync(id));
        Assert.Equal(requestsBefore, await OwnersRequestsAsync(id));

        // Nobody else on B adds tasks or asks: 404, as for a copy that does not exist; nothing reaches A.
        foreach (var person in await OthersOnBAsync())
        {
            var client = B.Client(person);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/peer-incidents/{copyId}/tasks", new { title = "intruder " + marker })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/peer-incidents/{copyId}/requests", new { kind = "free", title = "intruder " + marker, organisations = new[] { ownerRef } })).StatusCode);
        }

        Assert.DoesNotContain("intruder", await OwnersTasksAsync(id), StringComparison.Ordinal);
        Assert.DoesNotContain("intruder", await OwnersRequestsAsync(id), StringComparison.Ordinal);

        // The request for assistance: received by A's owner, answered there, and the answer shows in B's copy.
        var asked = await Ok(await recipient.PostAsync($"/api/peer-incidents/{copyId}/requests",
            new { kind = "share-logs", title = "Mail gateway logs for the lure " + marker, details = "From 02:00 UTC.", organisations = new[] { ownerRef }, dueAt = due }));
        Assert.Equal("applied", asked["state"]!.GetValue<string>());
        var received = (await Ok(await A.Client(A.Owner).GetAsync("/api/requests?box=received&limit=200")))["items"]!.AsArray()
            .Single(r => r!["title"]!.GetValue<string>() == "Mail gateway logs for the lure " + marker)!;
        Assert.Equal(nodes.ARecipB, received["requesterOrganisationId"]!.GetValue<Guid>());
        var requestId = received["requestId"]!.GetValue<string>();
        await Ok(await A.Client(A.Owner).PostAsync($"/api/requests/{requestId}/answer", new { answer = "Attached: 14 messages, 3 clicks. " + marker }));
        await nodes.SyncIncidentsAsync();
        var shown = (await CopyAsync(copyId))["requests"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == requestId)!;
        Assert.True(shown["fromYou"]!.GetValue<bool>());
        await FanOutAsync(B);
        Assert.Contains(await NoticesAsync(B.Recipient, copyId), n => n["kind"]!.GetValue<string>() == "peer-request-answered"
            && n["label"]!.GetValue<string>() == "Mail gateway logs for the lure " + marker);
        Assert.Equal("share-logs", shown["kind"]!.GetValue<string>());
        var answer = shown["recipients"]!.AsArray().Single()!;
        Assert.Equal("answered", answer["state"]!.GetValue<string>());
        Assert.Equal("Attached: 14 messages, 3 clicks. " + marker, answer["answer"]!.GetValue<string>());
        Assert.Contains((await CopyAsync(copyId))["tasks"]!.AsArray(), t => t!["title"]!.GetValue<string>() == "Pull proxy logs for the lure domain " + marker);

        // Its page shows the answer and offers a coordinator the task form and the request form.
        var (_, browser) = await PageSessions.OpenAsync(B, B.RecipientOrg, Role.Analyst);
        var page = await (await browser.GetAsync($"/incidents/peer/{copyId}")).Content.ReadAsStringAsync();
        Assert.Contains("Attached: 14 messages, 3 clicks.", page, StringComparison.Ordinal);
        Assert.Contains("peer-task-title", page, StringComparison.Ordinal);
        Assert.Contains("peer-request-title", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Contributor_AnswersARequestAskedOfItsOrganisation_FromItsNode_OnlyItsOwnMoves_AndNobodyElseOnItsNode()
    {
        var marker = "tb-" + Guid.NewGuid().ToString("N")[..10];
        var (id, copyId) = await ParticipatingAsync("contributor", marker);
        var recipient = B.Client(B.Recipient);

        // A contributor does not add tasks (B says so; A's rule is the same).
        Assert.Equal(HttpStatusCode.Forbidden, (await recipient.PostAsync($"/api/peer-incidents/{copyId}/tasks", new { title = "Contributor's task " + marker })).StatusCode);

        var requestId = (await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{id}/requests",
            new { kind = "block-indicators", title = "Block the lure domain at your resolvers " + marker, details = "tax-refund-al.example", organisationIds = new[] { nodes.ARecipB } }),
            HttpStatusCode.Created))["id"]!.GetValue<string>();
        await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{id}/tasks", new { title = "Report resolver hits " + marker, assignedOrganisationId = nodes.ARecipB }), HttpStatusCode.Created);
        await nodes.SyncIncidentsAsync();
        var shown = (await CopyAsync(copyId))["requests"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == requestId)!;
        Assert.False(shown["fromYou"]!.GetValue<bool>());
        // Its people on B are told (title included: they read it in the copy); nobody else on B.
        await FanOutAsync(B);
        foreach (var person in new[] { B.Recipient, B.RecipientColleague })
        {
            var told = Assert.Single(await NoticesAsync(person, copyId), n => n["kind"]!.GetValue<string>() == "peer-request-received");
            Assert.Equal("Block the lure domain at your resolvers " + marker, told["label"]!.GetValue<string>());
            var task = Assert.Single(await NoticesAsync(person, copyId), n => n["kind"]!.GetValue<string>() == "peer-task-assigned");
            Assert.Equal("Report resolver hits " + marker, task["label"]!.GetValue<string>());
        }

        foreach (var person in await OthersOnBAsync())
        {
            Assert.Empty(await NoticesAsync(person, copyId));
        }

        Assert.Equal("sent", shown["yourState"]!.GetValue<string>());
        var (_, browser) = await PageSessions.OpenAsync(B, B.RecipientOrg, Role.Analyst);
        Assert.Contains($"peer-request-{requestId}-acknowledge", await (await browser.GetAsync($"/incidents/peer/{copyId}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Nobody else on B moves it; the recipient does not withdraw what it did not send; a decline needs its reason; an
        // unknown request is as absent as an unknown copy.
        foreach (var person in await OthersOnBAsync())
        {
            Assert.Equal(HttpStatusCode.NotFound, (await B.Client(person).PostAsync($"/api/peer-incidents/{copyId}/requests/{requestId}/answer", new { answer = "intruder " + marker })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await recipient.PostAsync($"/api/peer-incidents/{copyId}/requests/{requestId}/withdraw", new { })).StatusCode);
        await BadRequest(await recipient.PostAsync($"/api/peer-incidents/{copyId}/requests/{requestId}/decline", new { }), "reason");
        await BadRequest(await recipient.PostAsync($"/api/peer-incidents/{copyId}/requests/{requestId}/answer", new { }), "answer");
        Assert.Equal(HttpStatusCode.NotFound, (await recipient.PostAsync($"/api/peer-incidents/{copyId}/requests/{Guid.NewGuid()}/acknowledge", new { })).StatusCode);
        var onA = await Ok(await A.Client(A.Owner).GetAsync($"/api/requests/{requestId}"));
        Assert.Equal("sent", onA["recipients"]![0]!["state"]!.GetValue<string>());

        // Acknowledged, then answered — on A, by B's organisation.
        Assert.Equal("applied", (await Ok(await recipient.PostAsync($"/api/peer-incidents/{copyId}/requests/{requestId}/acknowledge", new { })))["state"]!.GetValue<string>());
        Assert.Equal("acknowledged", (await Ok(await A.Client(A.Owner).GetAsync($"/api/requests/{requestId}")))["recipients"]![0]!["state"]!.GetValue<string>());
        var answered = await Ok(await recipient.PostAsync($"/api/peer-incidents/{copyId}/requests/{requestId}/answer", new { answer = "Sinkholed on all national resolvers at 04:20. " + marker }));
        Assert.Equal("applied", answered["state"]!.GetValue<string>());
        var copyOnA = (await Ok(await A.Client(A.Owner).GetAsync($"/api/requests/{requestId}")))["recipients"]![0]!;
        Assert.Equal("answered", copyOnA["state"]!.GetValue<string>());
        Assert.Equal("Sinkholed on all national resolvers at 04:20. " + marker, copyOnA["answer"]!.GetValue<string>());

        // Answered once: a second answer is refused by A's workflow, with its reason; the copy follows.
        var again = await Ok(await recipient.PostAsync($"/api/peer-incidents/{copyId}/requests/{requestId}/decline", new { reason = "Changed our mind." }));
        Assert.Equal("refused", again["state"]!.GetValue<string>());
        Assert.Contains("answered", again["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await nodes.SyncIncidentsAsync();
        Assert.Equal("answered", (await CopyAsync(copyId))["requests"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == requestId)!["yourState"]!.GetValue<string>());
        Assert.DoesNotContain("intruder", (await Ok(await A.Client(A.Owner).GetAsync($"/api/requests/{requestId}"))).ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgedCommands_ActOnAnotherIncidentsRequest_WithoutAnAction_OrAskingAnOutsider_AreRefusedOnceAndChangeNothing()
    {
        var marker = "tf-" + Guid.NewGuid().ToString("N")[..10];
        var (id, _) = await ParticipatingAsync("coordinator", marker);
        var owner = A.Client(A.Owner);

        // A request of another incident of the owner, asked of A's recipient (B's organisation is not in that incident).
        var other = (await Ok(await owner.PostAsync("/api/incidents", new { title = "Other incident " + marker, summary = "x", tlp = "amber", severity = "low", sector = "public-administration", countries = Albania }),
            HttpStatusCode.Created))["id"]!.GetValue<string>();
        var invited = await Ok(await owner.PostAsync($"/api/incidents/{other}/participants", new { organisationId = A.RecipientOrg, role = "contributor" }), HttpStatusCode.Created);
        await Ok(await A.Client(A.Recipient).PostAsync($"/api/incidents/invitations/{invited["id"]}/accept", new { }));

        var foreign = (await Ok(await owner.PostAsync($"/api/incidents/{other}/requests", new { kind = "free", title = "Foreign request " + marker, organisationIds = new[] { A.RecipientOrg } }),
            HttpStatusCode.Created))["id"]!.GetValue<string>();

        JsonObject Command(string kind, JsonObject payload) => new()
        {
            ["id"] = Guid.NewGuid().ToString("D"), ["kind"] = kind, ["incident"] = id, ["organisation"] = IntelIdentity.Of(B.RecipientOrg),
            ["user"] = Guid.NewGuid().ToString("D"), ["userName"] = "mallory", ["payload"] = payload,
        };
        async Task<(string Status, string? Detail)> SendAsync(JsonObject command)
        {
            var envelope = new JsonObject { ["id"] = Guid.NewGuid().ToString("D"), ["commands"] = new JsonArray(command) };
            var result = (await SignedFederation.PostAsync(B, A, PeerIncidentWire.CommandsPath, PeerIncidentWire.CommandsPurpose, envelope))["results"]![0]!;
            return (result["status"]!.GetValue<string>(), result["detail"]?.GetValue<string>());
        }

        // Withdraw or answer another incident's request through this one: refused, the request untouched.
        Assert.Equal("refused", (await SendAsync(Command("request-act", new JsonObject { ["request"] = foreign, ["action"] = "withdraw" }))).Status);
        Assert.Equal("refused", (await SendAsync(Command("request-act", new JsonObject { ["request"] = foreign, ["action"] = "answer", ["answer"] = "forged " + marker }))).Status);
        // No action, no stage: refused at once (not left pending for the peer to send for ever).
        Assert.Equal("refused", (await SendAsync(Command("request-act", new JsonObject { ["request"] = foreign }))).Status);
        Assert.Equal("refused", (await SendAsync(Command("stage-submit", new JsonObject { ["content"] = new JsonObject() }))).Status);
        // Asking or assigning an organisation that does not take part (A's outsider, by its ref): refused, nothing created.
        var outsider = IntelIdentity.Of(A.OutsiderOrg);
        Assert.Equal("refused", (await SendAsync(Command("request", new JsonObject { ["kind"] = "free", ["title"] = "widen " + marker, ["to"] = new JsonArray(outsider) }))).Status);
        Assert.Equal("refused", (await SendAsync(Command("task-new", new JsonObject { ["title"] = "widen " + marker, ["assignee"] = outsider }))).Status);
        // Garbage in the payload: refused, never a failure.
        Assert.Equal("refused", (await SendAsync(Command("task-new", new JsonObject { ["title"] = "bad due " + marker, ["dueAt"] = "tomorrow" }))).Status);
        Assert.Equal("refused", (await SendAsync(Command("request", new JsonObject { ["kind"] = "beg", ["title"] = "x", ["to"] = new JsonArray((JsonNode?)null) }))).Status);

        var request = await Ok(await owner.GetAsync($"/api/requests/{foreign}"));
        Assert.Equal("sent", request["recipients"]![0]!["state"]!.GetValue<string>());
        Assert.DoesNotContain("forged", request.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("widen", await OwnersTasksAsync(id), StringComparison.Ordinal);
        Assert.DoesNotContain("widen", await OwnersRequestsAsync(id), StringComparison.Ordinal);
        Assert.DoesNotContain("bad due", await OwnersTasksAsync(id), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Coordinator_SubmitsTheEarlyWarningFromItsNode_CheckedThereAndFrozenByTheOwner_TheCopyShowsItSubmitted()
    {
        var marker = "ts-" + Guid.NewGuid().ToString("N")[..10];
        var (id, copyId) = await ParticipatingAsync("coordinator", marker, significant: true);
        var recipient = B.Client(B.Recipient);
        var stage = (await CopyAsync(copyId))["stages"]!.AsArray().Single(s => s!["stage"]!.GetValue<string>() == "early-warning")!;
        Assert.NotNull(stage["due"]);
        Assert.Null(stage["submittedAt"]);
        var (_, browser) = await PageSessions.OpenAsync(B, B.RecipientOrg, Role.Analyst);
        Assert.Contains("peer-submit-early-warning-1", await (await browser.GetAsync($"/incidents/peer/{copyId}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The required content is checked on B by the owner's rules (400 naming the field), and nothing travels.
        await BadRequest(await recipient.PostAsync($"/api/peer-incidents/{copyId}/stages/early-warning", new { content = new { summary = "Only a summary." } }), "content.suspectedMalicious");
        await BadRequest(await recipient.PostAsync($"/api/peer-incidents/{copyId}/stages/final-report", new { content = new { } }), "stage");
        await BadRequest(await recipient.PostAsync($"/api/peer-incidents/{copyId}/stages/lunch", new { content = new { } }), "stage");
        foreach (var person in await OthersOnBAsync())
        {
            Assert.Equal(HttpStatusCode.NotFound, (await B.Client(person).PostAsync($"/api/peer-incidents/{copyId}/stages/early-warning",
                new { content = new { suspectedMalicious = "no", crossBorderImpact = "no" } })).StatusCode);
        }

        var stages = await Ok(await A.Client(A.Owner).GetAsync($"/api/incidents/{id}/stages"));
        Assert.Empty(stages["reports"]!.AsArray());

        var sent = await Ok(await recipient.PostAsync($"/api/peer-incidents/{copyId}/stages/early-warning",
            new { content = new { suspectedMalicious = "yes", crossBorderImpact = "yes", summary = "Same lure in Kosovo and Albania. " + marker } }));
        Assert.Equal("applied", sent["state"]!.GetValue<string>());
        var report = (await Ok(await A.Client(A.Owner).GetAsync($"/api/incidents/{id}/stages")))["reports"]!.AsArray().Single()!;
        Assert.Equal("early-warning", report["stage"]!.GetValue<string>());
        Assert.Equal(nodes.ARecipB, report["submittedByOrganisationId"]!.GetValue<Guid>());
        await nodes.SyncIncidentsAsync();
        var after = (await CopyAsync(copyId))["stages"]!.AsArray().Single(s => s!["stage"]!.GetValue<string>() == "early-warning")!;
        Assert.NotNull(after["submittedAt"]);
        Assert.DoesNotContain("peer-submit-early-warning-1", await (await browser.GetAsync($"/incidents/peer/{copyId}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Submitted: the copy no longer offers it (a new version is made on the owner's node).
        await BadRequest(await recipient.PostAsync($"/api/peer-incidents/{copyId}/stages/early-warning",
            new { content = new { suspectedMalicious = "yes", crossBorderImpact = "yes" } }), "stage");
    }
}
