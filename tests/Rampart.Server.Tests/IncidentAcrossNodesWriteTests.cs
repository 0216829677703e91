using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Incidents.Peers;
using Rampart.Server.Intelligence.Store;

namespace Rampart.Server.Tests;

public sealed class SqliteIncidentAcrossNodesWriteTests(SqliteThreeNodes nodes) : IncidentAcrossNodesWriteTests(nodes), IClassFixture<SqliteThreeNodes>;

public sealed class PostgresIncidentAcrossNodesWriteTests(PostgresThreeNodes nodes) : IncidentAcrossNodesWriteTests(nodes), IClassFixture<PostgresThreeNodes>;

/// <summary>
/// Participants on a peer node write into the owner's incident (issue 11, ADR 17): a journal entry, work on a task and a
/// status change made on node B travel to node A as signed commands, are applied there by the same use cases and rules as a
/// local participant's (the organisation's role on A decides), and come back in the copy. Nobody else on B can send one,
/// and a peer cannot write for an organisation or an incident it was not given.
/// </summary>
public abstract class IncidentAcrossNodesWriteTests(ThreeNodes nodes)
{
    private static readonly string[] Albania = ["AL"];

    private SeededNode A => nodes.A;

    private SeededNode B => nodes.B;

    private SeededNode C => nodes.C;

    private static async Task<JsonNode> Ok(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private static async Task<JsonNode> Problem(HttpResponseMessage response, HttpStatusCode expected, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {text}");
        var problem = JsonNode.Parse(text)!;
        if (expected == HttpStatusCode.BadRequest)
        {
            Assert.NotNull(problem["errors"]?[field]);
        }

        return problem;
    }

    /// <summary>An incident of A's owner in which B's recipient organisation takes part with <paramref name="role"/> (accepted on B, copy synced).</summary>
    private async Task<(string Id, string CopyId)> ParticipatingAsync(string role, string marker)
    {
        var owner = A.Client(A.Owner);
        var id = (await Ok(await owner.PostAsync("/api/incidents", new
        {
            title = "Ransomware at a water utility " + marker, summary = "Encrypted SCADA historian. " + marker, tlp = "amber", severity = "high",
            sector = "public-administration", countries = Albania,
        }), HttpStatusCode.Created))["id"]!.GetValue<string>();
        await Ok(await owner.PostAsync($"/api/incidents/{id}/participants", new { organisationId = nodes.ARecipB, role }), HttpStatusCode.Created);
        await nodes.SyncIncidentsAsync();
        var copyId = await CopyIdAsync(id);
        Assert.Equal("applied", (await Ok(await B.Client(B.Recipient).PostAsync($"/api/peer-incidents/{copyId}/accept", new { })))["state"]!.GetValue<string>());
        await nodes.SyncIncidentsAsync();
        return (id, copyId);
    }

    private async Task<string> CopyIdAsync(string originId)
    {
        await using var scope = B.Factory.Services.CreateAsyncScope();
        var origin = Guid.Parse(originId);
        return (await scope.ServiceProvider.GetRequiredService<RampartDb>().PeerIncidents.AsNoTracking().SingleAsync(c => c.OriginIncidentId == origin)).Id.ToString();
    }

    private async Task<string> OwnersJournalAsync(string id) =>
        (await Ok(await A.Client(A.Owner).GetAsync($"/api/incidents/{id}/journal?limit=200")))["items"]!.ToJsonString();

    private async Task<string> CopysJournalAsync(string copyId) =>
        (await Ok(await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{copyId}/journal?limit=200")))["items"]!.ToJsonString();

    [Fact]
    public async Task Contributor_WritesInTheJournal_AndWorksOnItsTask_FromItsNode_AppliedByTheOwnersRules_AndTheCopyFollows()
    {
        var marker = "w-" + Guid.NewGuid().ToString("N")[..10];
        var (id, copyId) = await ParticipatingAsync("contributor", marker);
        var owner = A.Client(A.Owner);
        var ours = (await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Check your sensors " + marker, assignedOrganisationId = nodes.ARecipB }), HttpStatusCode.Created))["id"]!.GetValue<string>();
        var theirs = (await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Owner's own forensics " + marker }), HttpStatusCode.Created))["id"]!.GetValue<string>();
        await nodes.SyncIncidentsAsync();
        var recipient = B.Client(B.Recipient);

        // The entry is applied on A at once, under B's organisation; it reaches the copy with A's next view.
        var text = "Same C2 185.220.101.7 at our water utility, 03:10 — **isolated**. " + marker;
        var sent = await Ok(await recipient.PostAsync($"/api/peer-incidents/{copyId}/journal", new { body = text }));
        Assert.Equal("applied", sent["state"]!.GetValue<string>());
        Assert.Equal("entry", sent["kind"]!.GetValue<string>());
        var onA = JsonNode.Parse(await OwnersJournalAsync(id))!.AsArray().Single(e => e!["body"]!.GetValue<string>() == text)!;
        Assert.Equal(nodes.ARecipB, onA["authorOrganisationId"]!.GetValue<Guid>());
        Assert.False(onA["ownerOnly"]!.GetValue<bool>());
        await nodes.SyncIncidentsAsync();
        Assert.Contains("isolated", await CopysJournalAsync(copyId), StringComparison.Ordinal);

        // Bad input is a 400 naming the field, and nothing travels.
        var before = await OwnersJournalAsync(id);
        await Problem(await recipient.PostAsync($"/api/peer-incidents/{copyId}/journal", new { body = "" }), HttpStatusCode.BadRequest, "body");
        await Problem(await recipient.PostAsync($"/api/peer-incidents/{copyId}/journal", new { body = "mine only " + marker, ownerOnly = true }), HttpStatusCode.BadRequest, "ownerOnly");
        await Problem(await recipient.PostAsync($"/api/peer-incidents/{copyId}/tasks/{ours}/work", new { }), HttpStatusCode.BadRequest, "text");
        await Problem(await recipient.PostAsync($"/api/peer-incidents/{copyId}/tasks/{ours}/work", new { status = "finished" }), HttpStatusCode.BadRequest, "status");
        Assert.Equal(HttpStatusCode.NotFound, (await recipient.PostAsync($"/api/peer-incidents/{copyId}/tasks/{Guid.NewGuid()}/work", new { status = "done" })).StatusCode);
        // A contributor does not move the incident's status (B says so at once; A would too).
        Assert.Equal(HttpStatusCode.Forbidden, (await recipient.PostAsync($"/api/peer-incidents/{copyId}/status", new { status = "triage" })).StatusCode);
        Assert.Equal(before, await OwnersJournalAsync(id));

        // Its own organisation's task: applied; the owner's own task: refused by A's rule for contributors, with A's reason.
        var worked = await Ok(await recipient.PostAsync($"/api/peer-incidents/{copyId}/tasks/{ours}/work", new { text = "Sensors checked, two hits.", status = "done" }));
        Assert.Equal("applied", worked["state"]!.GetValue<string>());
        var refused = await Ok(await recipient.PostAsync($"/api/peer-incidents/{copyId}/tasks/{theirs}/work", new { status = "done" }));
        Assert.Equal("refused", refused["state"]!.GetValue<string>());
        Assert.Contains("Contributors work on the tasks assigned to their organisation", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var task = await Ok(await owner.GetAsync($"/api/incidents/{id}/tasks/{ours}"));
        Assert.Equal("done", task["status"]!.GetValue<string>());
        Assert.Contains(task["log"]!.AsArray(), l => l!["text"]!.GetValue<string>() == "Sensors checked, two hits." && l["organisationId"]!.GetValue<Guid>() == nodes.ARecipB);
        Assert.Equal("open", (await Ok(await owner.GetAsync($"/api/incidents/{id}/tasks/{theirs}")))["status"]!.GetValue<string>());
        await nodes.SyncIncidentsAsync();
        var view = await Ok(await recipient.GetAsync($"/api/peer-incidents/{copyId}"));
        Assert.Equal("done", view["view"]!["incident"]!["tasks"]!.AsArray().Single(t => t!["id"]!.GetValue<string>() == ours)!["status"]!.GetValue<string>());
        var requests = view["requests"]!.AsArray();
        Assert.Contains(requests, r => r!["kind"]!.GetValue<string>() == "task-work" && r["state"]!.GetValue<string>() == "refused");
        // The page offers a contributor the buttons of its organisation's task only.
        var (_, browser) = await PageSessions.OpenAsync(B, B.RecipientOrg, Role.Analyst);
        var page = await (await browser.GetAsync($"/incidents/peer/{copyId}")).Content.ReadAsStringAsync();
        Assert.Contains($"peer-task-{ours}-open", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"peer-task-{theirs}-", page, StringComparison.Ordinal);
        Assert.Contains("peer-journal-body", page, StringComparison.Ordinal);
        Assert.DoesNotContain("peer-status-", page, StringComparison.Ordinal);

        // A viewer of the organisation reads but does not write; every other organisation on B, its admin and the node admin
        // get 404 — and nothing of theirs reaches A.
        Person viewer;
        await using (var scope = B.Factory.Services.CreateAsyncScope())
        {
            viewer = await SeededNode.PersonAsync(scope.ServiceProvider, B.RecipientOrg, $"viewer-{Guid.NewGuid():N}@recipient.test", Role.Viewer);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await B.Client(viewer).PostAsync($"/api/peer-incidents/{copyId}/journal", new { body = "viewer " + marker })).StatusCode);
        Person otherAdmin;
        await using (var scope = B.Factory.Services.CreateAsyncScope())
        {
            otherAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, B.MemberOrg, $"admin-{Guid.NewGuid():N}@member.test", Role.OrgAdmin);
        }

        foreach (var person in new[] { B.Member, B.Outsider, B.Owner, B.OwnerAdmin, B.NodeAdmin, otherAdmin })
        {
            var client = B.Client(person);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/peer-incidents/{copyId}/journal", new { body = "intruder " + marker })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/peer-incidents/{copyId}/tasks/{ours}/work", new { status = "cancelled" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/peer-incidents/{copyId}/status", new { status = "triage" })).StatusCode);
        }

        await nodes.SyncIncidentsAsync();
        var journal = await OwnersJournalAsync(id);
        Assert.DoesNotContain("intruder", journal, StringComparison.Ordinal);
        Assert.DoesNotContain("viewer " + marker, journal, StringComparison.Ordinal);
        Assert.Equal("done", (await Ok(await owner.GetAsync($"/api/incidents/{id}/tasks/{ours}")))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Coordinator_ChangesTheStatusFromItsNode_TheWorkflowAndOpenTasksAreTheOwnersRules_AnObserverWritesNothing()
    {
        var marker = "s-" + Guid.NewGuid().ToString("N")[..10];
        var (id, copyId) = await ParticipatingAsync("coordinator", marker);
        var recipient = B.Client(B.Recipient);
        var owner = A.Client(A.Owner);

        var moved = await Ok(await recipient.PostAsync($"/api/peer-incidents/{copyId}/status", new { status = "triage", reason = "Confirmed on our side. " + marker }));
        Assert.Equal("applied", moved["state"]!.GetValue<string>());
        Assert.Equal("triage", (await Ok(await owner.GetAsync($"/api/incidents/{id}")))["status"]!.GetValue<string>());
        await nodes.SyncIncidentsAsync();
        Assert.Equal("triage", (await Ok(await recipient.GetAsync($"/api/peer-incidents/{copyId}")))["incident"]!["status"]!.GetValue<string>());

        // Duplicate (marked on the owner's node) and an unknown status: 400 on B, nothing sent. A move the workflow does not
        // allow is refused by A, which holds the current status, with its reason.
        await Problem(await recipient.PostAsync($"/api/peer-incidents/{copyId}/status", new { status = "duplicate" }), HttpStatusCode.BadRequest, "status");
        await Problem(await recipient.PostAsync($"/api/peer-incidents/{copyId}/status", new { status = "fixed" }), HttpStatusCode.BadRequest, "status");
        var illegal = await Ok(await recipient.PostAsync($"/api/peer-incidents/{copyId}/status", new { status = "closed" }));
        Assert.Equal("refused", illegal["state"]!.GetValue<string>());
        Assert.Contains("can move to", illegal["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("triage", (await Ok(await owner.GetAsync($"/api/incidents/{id}")))["status"]!.GetValue<string>());

        // Closing with an open task needs the confirmation on A too: without it A refuses, naming the open tasks.
        await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Still open " + marker }), HttpStatusCode.Created);
        foreach (var step in new[] { "in-progress", "contained", "resolved" })
        {
            Assert.Equal("applied", (await Ok(await recipient.PostAsync($"/api/peer-incidents/{copyId}/status", new { status = step })))["state"]!.GetValue<string>());
        }

        await nodes.SyncIncidentsAsync();
        var refused = await Ok(await recipient.PostAsync($"/api/peer-incidents/{copyId}/status", new { status = "closed" }));
        Assert.Equal("refused", refused["state"]!.GetValue<string>());
        Assert.Contains("still open", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("resolved", (await Ok(await owner.GetAsync($"/api/incidents/{id}")))["status"]!.GetValue<string>());
        var closed = await Ok(await recipient.PostAsync($"/api/peer-incidents/{copyId}/status", new { status = "closed", confirmOpenTasks = true }));
        Assert.Equal("applied", closed["state"]!.GetValue<string>());
        Assert.Equal("closed", (await Ok(await owner.GetAsync($"/api/incidents/{id}")))["status"]!.GetValue<string>());

        // An observer of another incident: its page offers no writing, and the API refuses with 403; nothing reaches A.
        var (observed, observedCopy) = await ParticipatingAsync("observer", marker + "-o");
        Assert.Equal(HttpStatusCode.Forbidden, (await recipient.PostAsync($"/api/peer-incidents/{observedCopy}/journal", new { body = "observer " + marker })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await recipient.PostAsync($"/api/peer-incidents/{observedCopy}/status", new { status = "triage" })).StatusCode);
        Assert.DoesNotContain("observer " + marker, await OwnersJournalAsync(observed), StringComparison.Ordinal);
        var (_, browser) = await PageSessions.OpenAsync(B, B.RecipientOrg, Role.Analyst);
        var observerPage = await (await browser.GetAsync($"/incidents/peer/{observedCopy}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("peer-journal-body", observerPage, StringComparison.Ordinal);
        Assert.DoesNotContain("peer-status-", observerPage, StringComparison.Ordinal);
        var coordinatorPage = await (await browser.GetAsync($"/incidents/peer/{copyId}")).Content.ReadAsStringAsync();
        Assert.Contains("peer-journal-body", coordinatorPage, StringComparison.Ordinal);
        var (_, viewerBrowser) = await PageSessions.OpenAsync(B, B.RecipientOrg, Role.Viewer);
        Assert.DoesNotContain("peer-journal-body", await (await viewerBrowser.GetAsync($"/incidents/peer/{copyId}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgedWrites_ForAnotherNodesOrganisation_ForAnIncidentOnlyInvitedTo_OrBeyondTheRole_AreRefused_ARetryIsAppliedOnce()
    {
        var marker = "f-" + Guid.NewGuid().ToString("N")[..10];
        var (id, _) = await ParticipatingAsync("contributor", marker);

        // An incident B's organisation is only invited to (not accepted): no writes.
        var invitedOnly = (await Ok(await A.Client(A.Owner).PostAsync("/api/incidents", new { title = "Invited only " + marker, summary = "x", tlp = "amber", severity = "low", sector = "public-administration", countries = Albania }),
            HttpStatusCode.Created))["id"]!.GetValue<string>();
        await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{invitedOnly}/participants", new { organisationId = nodes.ARecipB, role = "coordinator" }), HttpStatusCode.Created);
        await nodes.SyncIncidentsAsync();

        JsonObject Command(string kind, string incident, Guid organisation, JsonObject payload, Guid? commandId = null) => new()
        {
            ["id"] = (commandId ?? Guid.NewGuid()).ToString("D"), ["kind"] = kind, ["incident"] = incident, ["organisation"] = IntelIdentity.Of(organisation),
            ["user"] = Guid.NewGuid().ToString("D"), ["userName"] = "mallory", ["payload"] = payload,
        };
        async Task<(string Status, string? Detail)> SendAsync(SeededNode from, JsonObject command)
        {
            var envelope = new JsonObject { ["id"] = Guid.NewGuid().ToString("D"), ["commands"] = new JsonArray(command) };
            var answer = await PostSignedAsync(from, A, envelope);
            var result = answer["results"]![0]!;
            return (result["status"]!.GetValue<string>(), result["detail"]?.GetValue<string>());
        }

        // C writes for B's organisation; B writes for C's; B writes into an incident only invited to; B's contributor moves the status.
        Assert.Equal("refused", (await SendAsync(C, Command("entry", id, B.RecipientOrg, new JsonObject { ["body"] = "forged by C " + marker }))).Status);
        Assert.Equal("refused", (await SendAsync(B, Command("entry", id, C.RecipientOrg, new JsonObject { ["body"] = "forged for C " + marker }))).Status);
        Assert.Equal("refused", (await SendAsync(B, Command("entry", invitedOnly, B.RecipientOrg, new JsonObject { ["body"] = "not accepted " + marker }))).Status);
        var beyond = await SendAsync(B, Command("status", id, B.RecipientOrg, new JsonObject { ["status"] = "triage" }));
        Assert.Equal("refused", beyond.Status);
        Assert.Contains("coordinators", beyond.Detail, StringComparison.Ordinal);
        var malformed = await SendAsync(B, Command("task-work", id, B.RecipientOrg, new JsonObject { ["task"] = "not-a-uuid", ["status"] = "done" }));
        Assert.Equal("refused", malformed.Status);
        var journal = await OwnersJournalAsync(id);
        Assert.DoesNotContain("forged", journal, StringComparison.Ordinal);
        Assert.DoesNotContain("not accepted", await OwnersJournalAsync(invitedOnly), StringComparison.Ordinal);
        Assert.Equal("new", (await Ok(await A.Client(A.Owner).GetAsync($"/api/incidents/{id}")))["status"]!.GetValue<string>());

        // The same command sent again (its answer was lost on the way): the first answer again, the entry written once.
        var once = Guid.NewGuid();
        var body = "Retried entry " + marker;
        Assert.Equal("applied", (await SendAsync(B, Command("entry", id, B.RecipientOrg, new JsonObject { ["body"] = body }, once))).Status);
        Assert.Equal("applied", (await SendAsync(B, Command("entry", id, B.RecipientOrg, new JsonObject { ["body"] = body }, once))).Status);
        Assert.Single(JsonNode.Parse(await OwnersJournalAsync(id))!.AsArray(), e => e!["body"]!.GetValue<string>() == body);
        // And a refused one stays refused with its reason, nothing applied by the retry.
        var forgedId = Guid.NewGuid();
        var first = await SendAsync(C, Command("entry", id, B.RecipientOrg, new JsonObject { ["body"] = "forged twice " + marker }, forgedId));
        Assert.Equal(first, await SendAsync(C, Command("entry", id, B.RecipientOrg, new JsonObject { ["body"] = "forged twice " + marker }, forgedId)));
    }

    [Fact]
    public async Task APeersInvitation_IsToldToTheInvitedOrganisationsPeopleOnTheirNode_WhileOpen_NotToAnyoneElse()
    {
        var marker = "n-" + Guid.NewGuid().ToString("N")[..10];
        var id = (await Ok(await A.Client(A.Owner).PostAsync("/api/incidents", new { title = "Phishing wave " + marker, summary = "x", tlp = "amber", severity = "medium", sector = "public-administration", countries = Albania }),
            HttpStatusCode.Created))["id"]!.GetValue<string>();
        await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{id}/participants", new { organisationId = nodes.ARecipB, role = "observer" }), HttpStatusCode.Created);
        await nodes.SyncIncidentsAsync();
        await nodes.SyncIncidentsAsync();
        var copyId = await CopyIdAsync(id);
        await FanOutAsync(B);

        async Task<List<JsonNode>> AboutAsync(Person who) =>
            [.. (await Ok(await B.Client(who).GetAsync("/api/notifications?limit=200")))["items"]!.AsArray()
                .Where(n => n!["link"]!.GetValue<string>() == $"/incidents/peer/{copyId}").Select(n => n!)];

        // Both people of the invited organisation, once each (a second sync of the same invitation tells nobody again);
        // the number and the inviter, never the title.
        foreach (var person in new[] { B.Recipient, B.RecipientColleague })
        {
            var told = Assert.Single(await AboutAsync(person));
            Assert.Equal("peer-invited", told["kind"]!.GetValue<string>());
            Assert.StartsWith("node-a · INC-", told["reference"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.DoesNotContain(marker, told.ToJsonString(), StringComparison.Ordinal);
        }

        Person otherAdmin;
        await using (var scope = B.Factory.Services.CreateAsyncScope())
        {
            otherAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, B.MemberOrg, $"admin-{Guid.NewGuid():N}@member.test", Role.OrgAdmin);
        }

        foreach (var person in new[] { B.Member, B.Outsider, B.Owner, B.OwnerAdmin, B.NodeAdmin, otherAdmin })
        {
            Assert.Empty(await AboutAsync(person));
        }

        // Once answered, the notice is withdrawn (it was about an open invitation).
        Assert.Equal("applied", (await Ok(await B.Client(B.Recipient).PostAsync($"/api/peer-incidents/{copyId}/accept", new { })))["state"]!.GetValue<string>());
        await nodes.SyncIncidentsAsync();
        Assert.Empty(await AboutAsync(B.RecipientColleague));
    }

    [Fact]
    public async Task CommandsRefusedByTheirShape_LeaveNoRecord_AppliedOnesArePrunedAfterTheRetention_AndTheParticipantsNodeGivesUpUndeliveredOnes()
    {
        var marker = "p-" + Guid.NewGuid().ToString("N")[..10];
        var (id, copyId) = await ParticipatingAsync("contributor", marker);
        async Task<bool> RecordedOnAAsync(Guid commandId)
        {
            await using var scope = A.Factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<RampartDb>().IncidentPeerCommandsApplied.AnyAsync(a => a.CommandId == commandId);
        }

        // Garbage from a peer — an unknown kind, an organisation not declared on it, an incident never sent — is refused
        // and kept nowhere on A, however often it comes.
        foreach (var (kind, organisation, incident) in new[] { ("erase", B.RecipientOrg, id), ("entry", C.RecipientOrg, id), ("entry", B.RecipientOrg, Guid.NewGuid().ToString("D")) })
        {
            var commandId = Guid.NewGuid();
            for (var i = 0; i < 2; i++)
            {
                var envelope = new JsonObject
                {
                    ["id"] = Guid.NewGuid().ToString("D"),
                    ["commands"] = new JsonArray(new JsonObject
                    {
                        ["id"] = commandId.ToString("D"), ["kind"] = kind, ["incident"] = incident, ["organisation"] = IntelIdentity.Of(organisation),
                        ["user"] = Guid.NewGuid().ToString("D"), ["userName"] = "noise", ["payload"] = new JsonObject { ["body"] = "noise " + marker },
                    }),
                };
                Assert.Equal("refused", (await PostSignedAsync(B, A, envelope))["results"]![0]!["status"]!.GetValue<string>());
            }

            Assert.False(await RecordedOnAAsync(commandId));
        }

        // The acceptance B sent is recorded on A; a write waiting on B that never gets through is recorded there as pending.
        Guid accepted;
        var waiting = Guid.CreateVersion7();
        await using (var scope = B.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var copy = Guid.Parse(copyId);
            var recordId = await db.PeerIncidents.Where(c => c.Id == copy).Select(c => c.RecordId).SingleAsync();
            accepted = await db.PeerIncidentCommands.Where(c => c.PeerIncidentRecordId == recordId && c.Kind == "accept").Select(c => c.Id).SingleAsync();
            db.PeerIncidentCommands.Add(new PeerIncidentCommand
            {
                Id = waiting, PeerIncidentRecordId = recordId, Kind = "entry", Payload = "{\"body\":\"stuck\"}", UserId = B.Recipient.UserId, UserName = "stuck",
                CreatedAt = B.Factory.Clock.GetUtcNow(), State = PeerCommandState.Pending,
            });
            await db.SaveChangesAsync();
        }

        Assert.True(await RecordedOnAAsync(accepted));
        async Task PruneAsync(SeededNode node, TimeSpan later)
        {
            await using var scope = node.Factory.Services.CreateAsyncScope();
            var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(node.Factory.Clock.GetUtcNow() + later);
            await ActivatorUtilities.CreateInstance<PeerIncidentPruneJob>(scope.ServiceProvider, (TimeProvider)clock).PruneAsync(default);
        }

        async Task<PeerIncidentCommand> WaitingAsync()
        {
            await using var scope = B.Factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<RampartDb>().PeerIncidentCommands.AsNoTracking().SingleAsync(c => c.Id == waiting);
        }

        await PruneAsync(A, TimeSpan.FromDays(89));
        await PruneAsync(B, TimeSpan.FromDays(89));
        Assert.True(await RecordedOnAAsync(accepted));
        Assert.Equal(PeerCommandState.Pending, (await WaitingAsync()).State);

        // After the retention both sides let go together: A forgets the answer, B gives the undelivered write up (shown
        // refused, with the reason) instead of sending it to a node that no longer remembers what it applied.
        await PruneAsync(A, TimeSpan.FromDays(91));
        await PruneAsync(B, TimeSpan.FromDays(91));
        Assert.False(await RecordedOnAAsync(accepted));
        var givenUp = await WaitingAsync();
        Assert.Equal(PeerCommandState.Refused, givenUp.State);
        Assert.Contains("retention", givenUp.Detail, StringComparison.Ordinal);
    }

    private static async Task FanOutAsync(SeededNode node)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Incidents.Notifications.NotificationFanOutJob>().RunAsync(default);
    }

    /// <summary>A command envelope signed by <paramref name="from"/>'s node key for the commands path of <paramref name="to"/>.</summary>
    private static Task<JsonObject> PostSignedAsync(SeededNode from, SeededNode to, JsonObject body) =>
        SignedFederation.PostAsync(from, to, PeerIncidentWire.CommandsPath, PeerIncidentWire.CommandsPurpose, body);
}
