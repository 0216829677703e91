using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

public sealed class SqliteIncidentAcrossNodesBoardTests(SqliteThreeNodes nodes) : IncidentAcrossNodesBoardTests(nodes), IClassFixture<SqliteThreeNodes>;

public sealed class PostgresIncidentAcrossNodesBoardTests(PostgresThreeNodes nodes) : IncidentAcrossNodesBoardTests(nodes), IClassFixture<PostgresThreeNodes>;

/// <summary>
/// The copies of peer nodes' incidents on the participant node's situation board and due list, and the deadline notices of
/// their tasks (issue 11, ADR 17): B's organisation taking part in A's incident sees it on B's board (counted with B's own
/// incidents, listed with its node), its tasks with a due time on its due list and their notices — and nobody else on B, not
/// another organisation, its administrator or the node administrator, sees any of it, not even in the counts.
/// </summary>
public abstract class IncidentAcrossNodesBoardTests(ThreeNodes nodes)
{
    private static readonly string[] Countries = ["AL", "XK"];

    private static readonly string[] Steps = ["triage", "in-progress", "contained", "resolved", "closed"];

    private SeededNode A => nodes.A;

    private SeededNode B => nodes.B;

    private static async Task<JsonNode> Ok(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private async Task<string> CopyIdAsync(string originId)
    {
        await using var scope = B.Factory.Services.CreateAsyncScope();
        var origin = Guid.Parse(originId);
        return (await scope.ServiceProvider.GetRequiredService<RampartDb>().PeerIncidents.AsNoTracking().SingleAsync(c => c.OriginIncidentId == origin)).Id.ToString();
    }

    private async Task<JsonNode> BoardAsync(Person who) => await Ok(await B.Client(who).GetAsync("/api/incidents/board?limit=200"));

    private static int Count(JsonNode board, string list, string key) =>
        board[list]!.AsArray().Where(c => c!["key"]!.GetValue<string>() == key).Select(c => c!["count"]!.GetValue<int>()).SingleOrDefault();

    /// <summary>Every row of the person's due list, walking the cursor <paramref name="limit"/> at a time.</summary>
    private async Task<List<JsonNode>> DueAsync(Person who, int limit = 200)
    {
        var rows = new List<JsonNode>();
        string? next = null;
        do
        {
            var page = await Ok(await B.Client(who).GetAsync($"/api/incidents/due?limit={limit}" + (next is null ? "" : "&next=" + Uri.EscapeDataString(next))));
            rows.AddRange(page["items"]!.AsArray().Select(i => i!));
            next = page["next"]?.GetValue<string>();
        }
        while (next is not null);
        return rows;
    }

    private async Task<List<JsonNode>> NoticesAsync(Person who, string copyId) =>
        [.. (await Ok(await B.Client(who).GetAsync("/api/notifications?limit=200")))["items"]!.AsArray()
            .Where(n => n!["link"]!.GetValue<string>() == $"/incidents/peer/{copyId}" && n["kind"]!.GetValue<string>() != "peer-invited").Select(n => n!)];

    private async Task FanOutAsync()
    {
        await using var scope = B.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Incidents.Notifications.NotificationFanOutJob>().RunAsync(default);
    }

    [Fact]
    public async Task ACopyTakenPartIn_IsOnTheOrganisationsBoardAndDueList_WithNotices_AndNobodyElsesOnItsNode_NotEvenInTheCounts()
    {
        var marker = "b-" + Guid.NewGuid().ToString("N")[..10];
        Person otherAdmin;
        await using (var scope = B.Factory.Services.CreateAsyncScope())
        {
            otherAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, B.MemberOrg, $"admin-{Guid.NewGuid():N}@member.test", Role.OrgAdmin);
        }

        var others = new[] { B.Member, B.Outsider, B.Owner, B.OwnerAdmin, B.NodeAdmin, otherAdmin };
        var before = new Dictionary<Person, string>();
        foreach (var person in others)
        {
            var board = await BoardAsync(person);
            before[person] = $"{board["open"]} {board["bySeverity"]!.ToJsonString()} {board["byCountry"]!.ToJsonString()} {board["byRsitCategory"]!.ToJsonString()} {board["bySector"]!.ToJsonString()}";
        }

        var mine = await BoardAsync(B.Recipient);
        var openBefore = mine["open"]!.GetValue<int>();
        var criticalBefore = Count(mine, "bySeverity", "critical");
        var xkBefore = Count(mine, "byCountry", "XK");
        var rsitBefore = Count(mine, "byRsitCategory", "malicious-code");

        // A's owner opens a critical incident and invites B's recipient organisation; once it accepts, it gets two tasks with
        // due times (one due within 6 hours); a task of the owner's own is due sooner still.
        var owner = A.Client(A.Owner);
        var id = (await Ok(await owner.PostAsync("/api/incidents", new
        {
            title = "Wiper in two ministries " + marker, summary = "x", tlp = "amber", severity = "critical", sector = "public-administration", countries = Countries,
            classifications = new[] { new { category = "malicious-code", type = "infected-system" } },
        }), HttpStatusCode.Created))["id"]!.GetValue<string>();
        await Ok(await owner.PostAsync($"/api/incidents/{id}/participants", new { organisationId = nodes.ARecipB, role = "contributor" }), HttpStatusCode.Created);
        await nodes.SyncIncidentsAsync();
        var copyId = await CopyIdAsync(id);

        // Invited only: nothing on the board or the due list yet.
        Assert.Equal(openBefore, (await BoardAsync(B.Recipient))["open"]!.GetValue<int>());
        Assert.DoesNotContain(await DueAsync(B.Recipient), d => d["incidentId"]!.GetValue<string>() == copyId);

        Assert.Equal("applied", (await Ok(await B.Client(B.Recipient).PostAsync($"/api/peer-incidents/{copyId}/accept", new { })))["state"]!.GetValue<string>());
        var now = A.Factory.Clock.GetUtcNow();
        var soon = (await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Block the C2 " + marker, assignedOrganisationId = nodes.ARecipB, dueAt = now.AddHours(2) }), HttpStatusCode.Created))["id"]!.GetValue<string>();
        var later = (await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Report back " + marker, assignedOrganisationId = nodes.ARecipB, dueAt = now.AddDays(2) }), HttpStatusCode.Created))["id"]!.GetValue<string>();
        var ownersOwn = (await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Owner's forensics " + marker, dueAt = now.AddHours(1) }), HttpStatusCode.Created))["id"]!.GetValue<string>();
        await nodes.SyncIncidentsAsync();

        // Both people of the organisation: counted with B's own incidents under the same keys, listed with A's node.
        foreach (var person in new[] { B.Recipient, B.RecipientColleague })
        {
            var board = await BoardAsync(person);
            if (person == B.Recipient)
            {
                Assert.Equal(openBefore + 1, board["open"]!.GetValue<int>());
                Assert.Equal(criticalBefore + 1, Count(board, "bySeverity", "critical"));
                Assert.Equal(xkBefore + 1, Count(board, "byCountry", "XK"));
                Assert.Equal(rsitBefore + 1, Count(board, "byRsitCategory", "malicious-code"));
            }

            var listed = Assert.Single(board["peerCopies"]!.AsArray(), i => i!["id"]!.GetValue<string>() == copyId)!;
            Assert.Equal("node-a", listed["node"]!.GetValue<string>());
            Assert.Equal("Wiper in two ministries " + marker, listed["title"]!.GetValue<string>());
            Assert.Equal("public-administration", listed["sector"]!.GetValue<string>());

            // The due list: the organisation's two tasks, as local ones are (state, time left), linking to the copy; not the owner's own.
            var due = (await DueAsync(person)).Where(d => d["incidentId"]!.GetValue<string>() == copyId).ToList();
            Assert.Equal(2, due.Count);
            var first = due.Single(d => d["sourceId"]!.GetValue<string>() == soon);
            Assert.Equal("due-soon", first["state"]!.GetValue<string>());
            Assert.Equal("node-a", first["node"]!.GetValue<string>());
            Assert.Equal($"/incidents/peer/{copyId}", first["link"]!.GetValue<string>());
            Assert.Equal("Block the C2 " + marker, first["label"]!.GetValue<string>());
            Assert.Equal("not-due-yet", due.Single(d => d["sourceId"]!.GetValue<string>() == later)["state"]!.GetValue<string>());
            Assert.DoesNotContain(due, d => d["sourceId"]!.GetValue<string>() == ownersOwn);
            // Paged one row at a time, every row comes exactly once (one keyset over the node's and the copies' rows).
            var all = await DueAsync(person);
            var paged = await DueAsync(person, limit: 1);
            Assert.Equal(all.Select(d => d.ToJsonString()).ToList(), paged.Select(d => d.ToJsonString()).ToList());
        }

        // Nobody else on B: not in the list, not in the due list, not in any count.
        foreach (var person in others)
        {
            var board = await BoardAsync(person);
            Assert.Equal(before[person], $"{board["open"]} {board["bySeverity"]!.ToJsonString()} {board["byCountry"]!.ToJsonString()} {board["byRsitCategory"]!.ToJsonString()} {board["bySector"]!.ToJsonString()}");
            Assert.DoesNotContain(copyId, board.ToJsonString(), StringComparison.Ordinal);
            Assert.DoesNotContain(marker, board.ToJsonString(), StringComparison.Ordinal);
            Assert.DoesNotContain(await DueAsync(person), d => d["incidentId"]!.GetValue<string>() == copyId);
        }

        // The pages: the board lists the copy with its node and links to its page; so does the due list.
        var (_, browser) = await PageSessions.OpenAsync(B, B.RecipientOrg, Role.Analyst);
        var boardPage = await (await browser.GetAsync("/board")).Content.ReadAsStringAsync();
        Assert.Contains($"board-peer-{copyId}", boardPage, StringComparison.Ordinal);
        Assert.Contains($"/incidents/peer/{copyId}", boardPage, StringComparison.Ordinal);
        Assert.Contains($"/incidents/peer/{copyId}", await (await browser.GetAsync("/due")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var (_, outsiderBrowser) = await PageSessions.OpenAsync(B, B.MemberOrg, Role.OrgAdmin);
        Assert.DoesNotContain(marker, await (await outsiderBrowser.GetAsync("/board")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The deadline notice of the task due within 6 hours: to both people of the organisation, once, with the title the copy
        // shows; the later task is not due yet; nobody else is told.
        await FanOutAsync();
        await FanOutAsync();
        foreach (var person in new[] { B.Recipient, B.RecipientColleague })
        {
            var told = Assert.Single(await NoticesAsync(person, copyId));
            Assert.Equal("peer-deadline-due-soon", told["kind"]!.GetValue<string>());
            Assert.Equal("Block the C2 " + marker, told["label"]!.GetValue<string>());
            Assert.StartsWith("node-a · INC-", told["reference"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        foreach (var person in others)
        {
            Assert.Empty(await NoticesAsync(person, copyId));
            Assert.DoesNotContain(marker, (await Ok(await B.Client(person).GetAsync("/api/notifications?limit=200"))).ToJsonString(), StringComparison.Ordinal);
        }

        // The task done on A: off the due list with the next view. The incident closed on A: off the board.
        await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks/{soon}/work", new { status = "done" }));
        await nodes.SyncIncidentsAsync();
        Assert.DoesNotContain(await DueAsync(B.Recipient), d => d["sourceId"]?.GetValue<string>() == soon);
        Assert.Contains(await DueAsync(B.Recipient), d => d["sourceId"]?.GetValue<string>() == later);
        foreach (var step in Steps)
        {
            await Ok(await owner.PostAsync($"/api/incidents/{id}/status", new { status = step, reason = "done", confirmOpenTasks = true }));
        }

        await nodes.SyncIncidentsAsync();
        var afterClose = await BoardAsync(B.Recipient);
        Assert.Equal(openBefore, afterClose["open"]!.GetValue<int>());
        Assert.DoesNotContain(copyId, afterClose["peerCopies"]?.ToJsonString() ?? "", StringComparison.Ordinal);
    }
}
