using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Federation;
using Rampart.Server.Incidents.Peers;
using Rampart.Server.Intelligence.Store;

namespace Rampart.Server.Tests;

public sealed class SqliteIncidentAcrossNodesSuspensionTests(SqliteThreeNodes nodes) : IncidentAcrossNodesSuspensionTests(nodes), IClassFixture<SqliteThreeNodes>;

public sealed class PostgresIncidentAcrossNodesSuspensionTests(PostgresThreeNodes nodes) : IncidentAcrossNodesSuspensionTests(nodes), IClassFixture<PostgresThreeNodes>;

public sealed class SqliteIncidentAcrossNodesRemovalTests(SqliteThreeNodes nodes) : IncidentAcrossNodesRemovalTests(nodes), IClassFixture<SqliteThreeNodes>;

public sealed class PostgresIncidentAcrossNodesRemovalTests(PostgresThreeNodes nodes) : IncidentAcrossNodesRemovalTests(nodes), IClassFixture<PostgresThreeNodes>;

/// <summary>What the fail-closed tests of incidents across nodes share (ADR 17): an incident of A's owner B's recipient organisation takes part in.</summary>
public abstract class FailClosedBase(ThreeNodes nodes)
{
    protected static readonly string[] Albania = ["AL"];

    protected static readonly string[] AnyRef = ["identity--any"];

    protected ThreeNodes Nodes => nodes;

    protected SeededNode A => nodes.A;

    protected SeededNode B => nodes.B;

    protected static async Task<JsonNode> Ok(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    /// <summary>A 409 ProblemDetails whose detail says <paramref name="says"/>.</summary>
    protected static async Task ConflictAsync(HttpResponseMessage response, string says)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{(int)response.StatusCode}: {text}");
        Assert.Contains(says, JsonNode.Parse(text)!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    protected async Task<(string Id, string CopyId, string Task)> ParticipatingAsync(string marker)
    {
        var owner = A.Client(A.Owner);
        var id = (await Ok(await owner.PostAsync("/api/incidents", new
        {
            title = "Botnet in a telecom " + marker, summary = "x " + marker, tlp = "amber", severity = "high", sector = "public-administration", countries = Albania,
        }), HttpStatusCode.Created))["id"]!.GetValue<string>();
        await Ok(await owner.PostAsync($"/api/incidents/{id}/participants", new { organisationId = nodes.ARecipB, role = "contributor" }), HttpStatusCode.Created);
        await nodes.SyncIncidentsAsync();
        string copyId;
        await using (var scope = B.Factory.Services.CreateAsyncScope())
        {
            var origin = Guid.Parse(id);
            copyId = (await scope.ServiceProvider.GetRequiredService<RampartDb>().PeerIncidents.AsNoTracking().SingleAsync(c => c.OriginIncidentId == origin)).Id.ToString();
        }

        Assert.Equal("applied", (await Ok(await B.Client(B.Recipient).PostAsync($"/api/peer-incidents/{copyId}/accept", new { })))["state"]!.GetValue<string>());
        var task = (await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new
        {
            title = "Sinkhole the domains " + marker, assignedOrganisationId = nodes.ARecipB, dueAt = A.Factory.Clock.GetUtcNow().AddHours(3),
        }), HttpStatusCode.Created))["id"]!.GetValue<string>();
        await nodes.SyncIncidentsAsync();
        return (id, copyId, task);
    }

    protected async Task<string> OwnersJournalAsync(string id) =>
        (await Ok(await A.Client(A.Owner).GetAsync($"/api/incidents/{id}/journal?limit=200")))["items"]!.ToJsonString();

    protected async Task<string> CopysJournalAsync(string copyId) =>
        (await Ok(await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{copyId}/journal?limit=200")))["items"]!.ToJsonString();

    protected async Task<bool> OnBoardOrDueListAsync(Person who, string copyId)
    {
        var board = await Ok(await B.Client(who).GetAsync("/api/incidents/board?limit=200"));
        var due = await Ok(await B.Client(who).GetAsync("/api/incidents/due?limit=200"));
        return board.ToJsonString().Contains(copyId, StringComparison.Ordinal) || due.ToJsonString().Contains(copyId, StringComparison.Ordinal);
    }

    /// <summary>Another organisation's people on B, their administrator and the node administrator: the copy is not theirs, before or after.</summary>
    protected async Task OthersOnBSeeNothingAsync(string copyId, string marker)
    {
        Person otherAdmin;
        await using (var scope = B.Factory.Services.CreateAsyncScope())
        {
            otherAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, B.MemberOrg, $"admin-{Guid.NewGuid():N}@member.test", Role.OrgAdmin);
        }

        foreach (var person in new[] { B.Member, B.Outsider, B.Owner, B.OwnerAdmin, B.NodeAdmin, otherAdmin })
        {
            var client = B.Client(person);
            Assert.DoesNotContain(marker, (await Ok(await client.GetAsync("/api/peer-incidents"))).ToJsonString(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/peer-incidents/{copyId}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/peer-incidents/{copyId}/journal")).StatusCode);
            // Not a 409: whether the owner's node is a peer is not theirs to learn about a copy they cannot read.
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/peer-incidents/{copyId}/journal", new { body = "x" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/peer-incidents/{copyId}/leave", new { })).StatusCode);
            Assert.False(await OnBoardOrDueListAsync(person, copyId));
        }
    }

    protected async Task SetSuspendedAsync(SeededNode on, SeededNode peer, bool suspended)
    {
        await using var scope = on.Factory.Services.CreateAsyncScope();
        Assert.NotNull(await scope.ServiceProvider.GetRequiredService<FederationPeers>().SetSuspendedAsync(Caller.Operator(), nodes.PeerId(on, peer), suspended, default));
    }

    protected async Task RemoveAsync(SeededNode on, SeededNode peer)
    {
        await using var scope = on.Factory.Services.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<FederationPeers>().RemoveAsync(Caller.Operator(), nodes.PeerId(on, peer), default));
    }

    /// <summary>A journal entry for B's recipient organisation, signed by B's node key, straight to A's commands path.</summary>
    protected async Task<HttpStatusCode> SignedEntryFromBAsync(string id, string body)
    {
        var command = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString("D"),
            ["commands"] = new JsonArray(new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString("D"), ["kind"] = "entry", ["incident"] = id, ["organisation"] = IntelIdentity.Of(B.RecipientOrg),
                ["user"] = Guid.NewGuid().ToString("D"), ["userName"] = "someone on B", ["payload"] = new JsonObject { ["body"] = body },
            }),
        };
        return (await SignedFederation.SendAsync(B, A, PeerIncidentWire.CommandsPath, PeerIncidentWire.CommandsPurpose, command)).Status;
    }
}

/// <summary>
/// A peer suspended, on either side (ADR 17): nothing more travels while suspended — no view from the owner's node, no command
/// from the participant's node (401 there) — and everything resumes with the peer; on the participant's node writes from the
/// copy get 409 saying why, the copy stays readable to its organisation only, and leaves the board and the due list meanwhile.
/// </summary>
public abstract class IncidentAcrossNodesSuspensionTests(ThreeNodes nodes) : FailClosedBase(nodes)
{
    [Fact]
    public async Task OwnersNodeSuspendsTheParticipantsNode_NothingTravelsEitherWay_UntilResumed()
    {
        var marker = "s-" + Guid.NewGuid().ToString("N")[..10];
        var (id, copyId, _) = await ParticipatingAsync(marker);
        var later = "Written on A while B is suspended " + marker;
        var fromB = "Written on B while suspended on A " + marker;
        await SetSuspendedAsync(A, B, true);
        try
        {
            await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{id}/journal", new { body = later }), HttpStatusCode.Created);
            // B's writer asks; A refuses B's signature while suspended, so the command waits on B.
            var asked = await Ok(await B.Client(B.Recipient).PostAsync($"/api/peer-incidents/{copyId}/journal", new { body = fromB }));
            Assert.Equal("pending", asked["state"]!.GetValue<string>());
            await Nodes.SyncIncidentsAsync();
            Assert.DoesNotContain(later, await CopysJournalAsync(copyId), StringComparison.Ordinal);
            Assert.DoesNotContain(fromB, await OwnersJournalAsync(id), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Unauthorized, await SignedEntryFromBAsync(id, "forged while suspended " + marker));
            Assert.DoesNotContain("forged while suspended", await OwnersJournalAsync(id), StringComparison.Ordinal);
            // A keeps the organisation's participation (suspension is not removal).
            var participants = await Ok(await A.Client(A.Owner).GetAsync($"/api/incidents/{id}/participants"));
            Assert.Equal("accepted", participants.AsArray().Single(p => p!["organisationId"]!.GetValue<Guid>() == Nodes.ARecipB)!["status"]!.GetValue<string>());
        }
        finally
        {
            await SetSuspendedAsync(A, B, false);
        }

        await Nodes.SyncIncidentsAsync();
        await Nodes.SyncIncidentsAsync();
        Assert.Contains(fromB, await OwnersJournalAsync(id), StringComparison.Ordinal);
        Assert.Contains(later, await CopysJournalAsync(copyId), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ParticipantsNodeSuspendsTheOwnersNode_WritesGet409_TheCopyStaysReadableToItsOrganisationOnly_OffTheBoardUntilResumed()
    {
        var marker = "t-" + Guid.NewGuid().ToString("N")[..10];
        var (id, copyId, _) = await ParticipatingAsync(marker);
        Assert.True(await OnBoardOrDueListAsync(B.Recipient, copyId));
        await SetSuspendedAsync(B, A, true);
        try
        {
            var copy = await Ok(await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{copyId}"));
            Assert.Equal("suspended", copy["incident"]!["ownerNode"]!.GetValue<string>());
            Assert.False(copy["incident"]!["ownerReachable"]!.GetValue<bool>());
            Assert.Contains(marker, copy["incident"]!["title"]!.GetValue<string>(), StringComparison.Ordinal);
            var recipient = B.Client(B.Recipient);
            await ConflictAsync(await recipient.PostAsync($"/api/peer-incidents/{copyId}/journal", new { body = "while suspended " + marker }), "suspended");
            await ConflictAsync(await recipient.PostAsync($"/api/peer-incidents/{copyId}/leave", new { }), "suspended");
            await ConflictAsync(await recipient.PostAsync($"/api/peer-incidents/{copyId}/status", new { status = "triage" }), "suspended");
            await ConflictAsync(await recipient.PostAsync($"/api/peer-incidents/{copyId}/tasks", new { title = "while suspended " + marker }), "suspended");
            await ConflictAsync(await recipient.PostAsync($"/api/peer-incidents/{copyId}/requests", new { kind = "free", title = "while suspended " + marker, organisations = AnyRef }), "suspended");
            // The page says why and offers no writing (the same check refuses it there).
            var (_, browser) = await PageSessions.OpenAsync(B, B.RecipientOrg, Role.Analyst);
            var page = await (await browser.GetAsync($"/incidents/peer/{copyId}")).Content.ReadAsStringAsync();
            Assert.Contains("peer-owner-unreachable", page, StringComparison.Ordinal);
            Assert.DoesNotContain("peer-journal-body", page, StringComparison.Ordinal);
            Assert.DoesNotContain("peer-leave", page, StringComparison.Ordinal);
            Assert.False(await OnBoardOrDueListAsync(B.Recipient, copyId));
            await OthersOnBSeeNothingAsync(copyId, marker);
            await using var scope = B.Factory.Services.CreateAsyncScope();
            var record = (await scope.ServiceProvider.GetRequiredService<RampartDb>().PeerIncidents.AsNoTracking().SingleAsync(c => c.Id == Guid.Parse(copyId))).RecordId;
            Assert.False(await scope.ServiceProvider.GetRequiredService<RampartDb>().PeerIncidentCommands.AnyAsync(c => c.PeerIncidentRecordId == record && c.Kind != "accept"));
        }
        finally
        {
            await SetSuspendedAsync(B, A, false);
        }

        Assert.Equal("active", (await Ok(await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{copyId}")))["incident"]!["ownerNode"]!.GetValue<string>());
        Assert.Equal("applied", (await Ok(await B.Client(B.Recipient).PostAsync($"/api/peer-incidents/{copyId}/journal", new { body = "resumed " + marker })))["state"]!.GetValue<string>());
        Assert.True(await OnBoardOrDueListAsync(B.Recipient, copyId));
        Assert.Contains("resumed " + marker, await OwnersJournalAsync(id), StringComparison.Ordinal);
    }
}

/// <summary>
/// A peer removed, on either side (ADR 17). On the owner's node the participations accepted through the removed node end
/// (journal event, grant gone) and its signature is refused; on the participant's node the copies stay readable to their
/// organisation (what the owner's node sent stays), commands waiting for it are refused with the reason, new writes get 409,
/// and the copy leaves the board and the due list. Nobody else on either node reads anything more.
/// </summary>
public abstract class IncidentAcrossNodesRemovalTests(ThreeNodes nodes) : FailClosedBase(nodes)
{
    [Fact]
    public async Task RemovedOnBothSides_ParticipationEndsOnTheOwnersNode_TheCopyStaysReadableToItsOrganisation_WritesAreRefused()
    {
        var marker = "r-" + Guid.NewGuid().ToString("N")[..10];
        var (id, copyId, _) = await ParticipatingAsync(marker);
        // A command waits on B (A unreachable when it was asked).
        var waiting = "Written while A was down " + marker;
        Nodes.Offline.Add(Nodes.Host(A));
        try
        {
            Assert.Equal("pending", (await Ok(await B.Client(B.Recipient).PostAsync($"/api/peer-incidents/{copyId}/journal", new { body = waiting })))["state"]!.GetValue<string>());
        }
        finally
        {
            Nodes.Offline.Remove(Nodes.Host(A));
        }

        // B's operators remove A.
        await RemoveAsync(B, A);
        var copy = await Ok(await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{copyId}"));
        Assert.Equal("removed", copy["incident"]!["ownerNode"]!.GetValue<string>());
        Assert.Equal("participating", copy["incident"]!["state"]!.GetValue<string>());
        Assert.Contains(marker, copy["incident"]!["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(marker, copy["view"]!["incident"]!["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        var request = copy["requests"]!.AsArray().Single(r => r!["kind"]!.GetValue<string>() == "entry")!;
        Assert.Equal("refused", request["state"]!.GetValue<string>());
        Assert.Equal(PeerNodeRemoval.NoLongerAPeer, request["detail"]!.GetValue<string>());
        await ConflictAsync(await B.Client(B.RecipientColleague).PostAsync($"/api/peer-incidents/{copyId}/journal", new { body = "after removal " + marker }), "no longer a peer");
        await ConflictAsync(await B.Client(B.Recipient).PostAsync($"/api/peer-incidents/{copyId}/leave", new { }), "no longer a peer");
        Assert.False(await OnBoardOrDueListAsync(B.Recipient, copyId));
        await OthersOnBSeeNothingAsync(copyId, marker);
        // The use case itself (what the page calls) refuses too; a command still left pending for the removed node (kept
        // from before, say) is refused by the next prune run, with the same reason, instead of waiting for the retention.
        await using (var scope = B.Factory.Services.CreateAsyncScope())
        {
            var recipient = new Caller(B.Recipient.UserId, B.RecipientOrg, Role.Analyst, new HashSet<Guid>(), Credential: "session:test");
            var commands = scope.ServiceProvider.GetRequiredService<PeerIncidentCommands>();
            var refused = await Assert.ThrowsAsync<Validation.ConflictException>(() => commands.RequestAsync(recipient, Guid.Parse(copyId), PeerCommandKinds.Leave, "Recipient", default));
            Assert.Equal(PeerNodeRemoval.NoLongerAPeer, refused.Message);
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var copyGuid = Guid.Parse(copyId);
            var recordId = (await db.PeerIncidents.AsNoTracking().SingleAsync(c => c.Id == copyGuid)).RecordId;
            var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
            var left = new PeerIncidentCommand
            {
                Id = Guid.CreateVersion7(now), PeerIncidentRecordId = recordId, Kind = PeerCommandKinds.Leave, UserId = B.Recipient.UserId, UserName = "Recipient",
                CreatedAt = now, State = PeerCommandState.Pending,
            };
            db.PeerIncidentCommands.Add(left);
            await db.SaveChangesAsync();
            await scope.ServiceProvider.GetRequiredService<PeerIncidentPruneJob>().PruneAsync(default);
            var after = await db.PeerIncidentCommands.AsNoTracking().SingleAsync(c => c.Id == left.Id);
            Assert.Equal(PeerCommandState.Refused, after.State);
            Assert.Equal(PeerNodeRemoval.NoLongerAPeer, after.Detail);
        }

        await Nodes.SyncIncidentsAsync(allowErrors: true);
        Assert.DoesNotContain(waiting, await OwnersJournalAsync(id), StringComparison.Ordinal);

        // A's operators remove B: the organisation's participation, accepted through B, ends — a journal event by the owner,
        // its grant off the incident — and nothing of B is taken or sent any more.
        await RemoveAsync(A, B);
        var participants = await Ok(await A.Client(A.Owner).GetAsync($"/api/incidents/{id}/participants"));
        Assert.Equal("removed", participants.AsArray().Single(p => p!["organisationId"]!.GetValue<Guid>() == Nodes.ARecipB)!["status"]!.GetValue<string>());
        var journal = JsonNode.Parse(await OwnersJournalAsync(id))!.AsArray();
        var ended = Assert.Single(journal, e => e!["event"]?.GetValue<string>() == "participant-node-removed")!;
        Assert.Equal(Nodes.ARecipB, ended["subjectOrganisationId"]!.GetValue<Guid>());
        Assert.Equal(A.OwnerOrg, ended["authorOrganisationId"]!.GetValue<Guid>());
        Assert.False(ended["ownerOnly"]!.GetValue<bool>());
        await using (var scope = A.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var peer = Nodes.PeerId(A, B);
            Assert.False(await db.IncidentPeerSent.AnyAsync(s => s.PeerId == peer));
            // The organisation's record on A no longer reads the incident (its grant is gone).
            var reader = await IncidentPeerSync.ReaderForAsync(db, Nodes.ARecipB, default);
            Assert.Null(await scope.ServiceProvider.GetRequiredService<Incidents.IncidentQueries>().FindAsync(reader, Guid.Parse(id), default));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await SignedEntryFromBAsync(id, "after removal, forged " + marker));
        Assert.DoesNotContain("after removal", await OwnersJournalAsync(id), StringComparison.Ordinal);
        foreach (var person in new[] { A.Member, A.Outsider, A.NodeAdmin, A.Recipient })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await A.Client(person).GetAsync($"/api/incidents/{id}")).StatusCode);
        }

        // The copy on B is still its organisation's, as it was.
        Assert.Equal(HttpStatusCode.OK, (await B.Client(B.RecipientColleague).GetAsync($"/api/peer-incidents/{copyId}")).StatusCode);
        await OthersOnBSeeNothingAsync(copyId, marker);
    }
}
