using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Federation;
using Rampart.Server.Identity;
using Rampart.Server.Incidents.Peers;
using Rampart.Server.Intelligence.Store;

namespace Rampart.Server.Tests;

public sealed class SqliteIncidentAcrossNodesTests(SqliteThreeNodes nodes) : IncidentAcrossNodesTests(nodes), IClassFixture<SqliteThreeNodes>;

public sealed class PostgresIncidentAcrossNodesTests(PostgresThreeNodes nodes) : IncidentAcrossNodesTests(nodes), IClassFixture<PostgresThreeNodes>;

/// <summary>
/// Incidents across nodes (issue 11, ADR 17): the owner on node A invites an organisation living on node B; the invitation,
/// the answer, the incident's view and its end travel between the nodes, and on B only that organisation reads the copy —
/// never another organisation, an administrator of another one or the node administrator, and never an owner-only entry.
/// Three nodes in one process, SQLite and PostgreSQL.
/// </summary>
public abstract class IncidentAcrossNodesTests(ThreeNodes nodes)
{
    private static readonly string[] Albania = ["AL", "XK"];

    private SeededNode A => nodes.A;

    private SeededNode B => nodes.B;

    private SeededNode C => nodes.C;

    private static async Task<JsonNode> Ok(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    /// <summary>A's owner opens an AMBER incident with a shared and an owner-only journal entry and invites B's recipient organisation.</summary>
    private async Task<(string Id, string Marker, string Secret, string Number)> OpenAndInviteAsync(string role = "contributor")
    {
        var owner = A.Client(A.Owner);
        var marker = "shared-" + Guid.NewGuid().ToString("N")[..10];
        var secret = "OWNER-ONLY-" + Guid.NewGuid().ToString("N")[..10];
        var created = await Ok(await owner.PostAsync("/api/incidents", new
        {
            title = "Wiper at two ministries " + marker, summary = "Same **actor** in two countries. " + marker, tlp = "amber", severity = "high",
            sector = "public-administration", countries = Albania,
        }), HttpStatusCode.Created);
        var id = created["id"]!.GetValue<string>();
        await Ok(await owner.PostAsync($"/api/incidents/{id}/journal", new { body = "Beacon to 185.220.101.7 seen at 02:14. " + marker }), HttpStatusCode.Created);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/journal", new { body = "Source inside the ministry: " + secret, ownerOnly = true }), HttpStatusCode.Created);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/participants", new { organisationId = nodes.ARecipB, role, message = "Your constituency too? " + marker }), HttpStatusCode.Created);
        return (id, marker, secret, created["number"]!.GetValue<string>());
    }

    /// <summary>B's copy of A's incident <paramref name="originId"/> for B's recipient organisation, straight from B's database.</summary>
    private async Task<PeerIncident?> CopyAsync(string originId)
    {
        await using var scope = B.Factory.Services.CreateAsyncScope();
        var origin = Guid.Parse(originId);
        return await scope.ServiceProvider.GetRequiredService<RampartDb>().PeerIncidents.AsNoTracking().FirstOrDefaultAsync(c => c.OriginIncidentId == origin);
    }

    /// <summary>Everything B stores of peer incidents, as text: what must never hold an owner-only entry.</summary>
    private static async Task<string> StoredTextAsync(SeededNode node)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var views = await db.PeerIncidents.AsNoTracking().Select(c => c.ViewJson + c.Title).ToListAsync();
        var entries = await db.PeerIncidentJournal.AsNoTracking().Select(e => e.Json).ToListAsync();
        return string.Join("\n", views.Concat(entries));
    }

    private async Task<IReadOnlyList<Person>> OthersOnBAsync()
    {
        await using var scope = B.Factory.Services.CreateAsyncScope();
        var recipientOrgAdminOfAnother = await SeededNode.PersonAsync(scope.ServiceProvider, B.MemberOrg, $"admin-{Guid.NewGuid():N}@member.test", Role.OrgAdmin);
        return [B.Member, B.Outsider, B.Owner, B.OwnerAdmin, B.NodeAdmin, recipientOrgAdminOfAnother];
    }

    [Fact]
    public async Task InvitationToAnOrganisationOfAPeer_AcceptedThere_OnlyThatOrganisationReadsTheCopy_NoOwnerOnlyEntryEverLeavesTheOwnersNode_LeaveEndsIt()
    {
        var (id, marker, secret, number) = await OpenAndInviteAsync();
        await nodes.SyncIncidentsAsync();

        // On B: the recipient organisation's people see the invitation (number, TLP, who, message) and nothing of the incident yet.
        var list = await Ok(await B.Client(B.Recipient).GetAsync("/api/peer-incidents?state=invited"));
        var item = list["items"]!.AsArray().Single(i => i!["number"]!.GetValue<string>() == number)!;
        var copyId = item["id"]!.GetValue<string>();
        Assert.Equal("invited", item["state"]!.GetValue<string>());
        Assert.Null(item["title"]);
        Assert.Equal("node-a", item["node"]!.GetValue<string>());
        var detail = await Ok(await B.Client(B.RecipientColleague).GetAsync($"/api/peer-incidents/{copyId}"));
        Assert.Contains(marker, detail["view"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(detail["view"]!["incident"]);
        Assert.DoesNotContain(secret, await StoredTextAsync(B), StringComparison.Ordinal);

        // Nobody else on B — another organisation, its admin, the node admin — sees the copy or may act on it; C holds nothing.
        var others = await OthersOnBAsync();
        foreach (var person in others)
        {
            Assert.Empty((await Ok(await B.Client(person).GetAsync("/api/peer-incidents")))["items"]!.AsArray());
            Assert.Equal(HttpStatusCode.NotFound, (await B.Client(person).GetAsync($"/api/peer-incidents/{copyId}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await B.Client(person).GetAsync($"/api/peer-incidents/{copyId}/journal")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await B.Client(person).PostAsync($"/api/peer-incidents/{copyId}/accept", new { })).StatusCode);
        }

        Assert.DoesNotContain(marker, await StoredTextAsync(C), StringComparison.Ordinal);

        // A viewer of the organisation reads, but does not answer for it.
        Person viewer;
        await using (var scope = B.Factory.Services.CreateAsyncScope())
        {
            viewer = await SeededNode.PersonAsync(scope.ServiceProvider, B.RecipientOrg, $"viewer-{Guid.NewGuid():N}@recipient.test", Role.Viewer);
        }

        Assert.Equal(HttpStatusCode.OK, (await B.Client(viewer).GetAsync($"/api/peer-incidents/{copyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await B.Client(viewer).PostAsync($"/api/peer-incidents/{copyId}/accept", new { })).StatusCode);

        // The recipient's analyst accepts on B: the owner's node applies it at once (its own rules, its own audit).
        var accepted = await Ok(await B.Client(B.Recipient).PostAsync($"/api/peer-incidents/{copyId}/accept", new { }));
        Assert.Equal("applied", accepted["state"]!.GetValue<string>());
        // Asked again before the copy followed (the answer did not show yet): the same answer, nothing applied twice.
        var again = await Ok(await B.Client(B.RecipientColleague).PostAsync($"/api/peer-incidents/{copyId}/accept", new { }));
        Assert.Equal("applied", again["state"]!.GetValue<string>());
        var participants = await Ok(await A.Client(A.Owner).GetAsync($"/api/incidents/{id}/participants"));
        Assert.Equal("accepted", participants.AsArray().Single(p => p!["organisationId"]!.GetValue<Guid>() == nodes.ARecipB)!["status"]!.GetValue<string>());

        // The next sync brings the incident: title, summary, the shared entry — not the owner-only one, anywhere on B.
        await nodes.SyncIncidentsAsync();
        detail = await Ok(await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{copyId}"));
        Assert.Equal("participating", detail["incident"]!["state"]!.GetValue<string>());
        Assert.Contains(marker, detail["incident"]!["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(marker, detail["view"]!["incident"]!["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        var journal = (await Ok(await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{copyId}/journal?limit=200")))["items"]!.ToJsonString();
        Assert.Contains("185.220.101.7", journal, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, journal, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, await StoredTextAsync(B), StringComparison.Ordinal);
        Assert.DoesNotContain(marker, await StoredTextAsync(C), StringComparison.Ordinal);
        foreach (var person in others)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await B.Client(person).GetAsync($"/api/peer-incidents/{copyId}")).StatusCode);
            Assert.DoesNotContain(copyId, await (await B.Client(person).GetAsync("/api/peer-incidents")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // A later entry arrives, once (the earlier ones are not sent again); a later owner-only entry never does.
        await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{id}/journal", new { body = "Second wave from 185.220.101.9. " + marker }), HttpStatusCode.Created);
        await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{id}/journal", new { body = "More inside: " + secret, ownerOnly = true }), HttpStatusCode.Created);
        await nodes.SyncIncidentsAsync();
        await nodes.SyncIncidentsAsync();
        var entries = (await Ok(await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{copyId}/journal?limit=200")))["items"]!.AsArray();
        Assert.Single(entries, e => e!["body"]!.GetValue<string>().Contains("185.220.101.9", StringComparison.Ordinal));
        Assert.Single(entries, e => e!["body"]!.GetValue<string>().Contains("185.220.101.7", StringComparison.Ordinal));
        Assert.Equal(entries.Count, entries.Select(e => e!["id"]!.GetValue<string>()).Distinct().Count());
        Assert.DoesNotContain(secret, await StoredTextAsync(B), StringComparison.Ordinal);

        // Leaving on B: applied on A (the organisation's grant is gone there), and B keeps nothing of the incident.
        Assert.Equal("applied", (await Ok(await B.Client(B.RecipientColleague).PostAsync($"/api/peer-incidents/{copyId}/leave", new { })))["state"]!.GetValue<string>());
        participants = await Ok(await A.Client(A.Owner).GetAsync($"/api/incidents/{id}/participants"));
        Assert.Equal("left", participants.AsArray().Single(p => p!["organisationId"]!.GetValue<Guid>() == nodes.ARecipB)!["status"]!.GetValue<string>());
        await nodes.SyncIncidentsAsync();
        detail = await Ok(await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{copyId}"));
        Assert.Equal("ended", detail["incident"]!["state"]!.GetValue<string>());
        Assert.Null(detail["incident"]!["title"]);
        Assert.Null(detail["view"]);
        Assert.Empty((await Ok(await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{copyId}/journal")))["items"]!.AsArray());
        Assert.DoesNotContain(marker, await StoredTextAsync(B), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemovalWhileThePeerIsOffline_ReachesItWhenBack_AndADeclineIsTheOwnersToSee()
    {
        var (id, marker, _, _) = await OpenAndInviteAsync("observer");
        await nodes.SyncIncidentsAsync();
        var copy = (await CopyAsync(id))!;
        Assert.Equal(HttpStatusCode.OK, (await B.Client(B.Recipient).PostAsync($"/api/peer-incidents/{copy.Id}/accept", new { })).StatusCode);
        await nodes.SyncIncidentsAsync();
        Assert.Equal(PeerIncidentState.Participating, (await CopyAsync(id))!.State);

        // The owner removes the organisation while B is down: B keeps its copy until it is back, then holds nothing of it.
        var participantId = (await Ok(await A.Client(A.Owner).GetAsync($"/api/incidents/{id}/participants"))).AsArray()
            .Single(p => p!["organisationId"]!.GetValue<Guid>() == nodes.ARecipB)!["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NoContent, (await A.Client(A.Owner).DeleteAsync($"/api/incidents/{id}/participants/{participantId}")).StatusCode);
        nodes.Offline.Add(nodes.Host(B));
        try
        {
            await nodes.SyncIncidentsAsync(allowErrors: true);
            Assert.Equal(PeerIncidentState.Participating, (await CopyAsync(id))!.State);
        }
        finally
        {
            nodes.Offline.Remove(nodes.Host(B));
        }

        await nodes.SyncIncidentsAsync();
        var ended = (await CopyAsync(id))!;
        Assert.Equal(PeerIncidentState.Ended, ended.State);
        Assert.DoesNotContain(marker, await StoredTextAsync(B), StringComparison.Ordinal);

        // Invited again and declined on B: the owner's node records the answer; B's copy ends again.
        Assert.Equal(HttpStatusCode.Created, (await A.Client(A.Owner).PostAsync($"/api/incidents/{id}/participants", new { organisationId = nodes.ARecipB, role = "observer" })).StatusCode);
        await nodes.SyncIncidentsAsync();
        Assert.Equal(PeerIncidentState.Invited, (await CopyAsync(id))!.State);
        Assert.Equal("applied", (await Ok(await B.Client(B.Recipient).PostAsync($"/api/peer-incidents/{ended.Id}/decline", new { })))["state"]!.GetValue<string>());
        var participants = await Ok(await A.Client(A.Owner).GetAsync($"/api/incidents/{id}/participants"));
        Assert.Equal("declined", participants.AsArray().Single(p => p!["organisationId"]!.GetValue<Guid>() == nodes.ARecipB)!["status"]!.GetValue<string>());
        await nodes.SyncIncidentsAsync();
        Assert.Equal(PeerIncidentState.Ended, (await CopyAsync(id))!.State);
    }

    [Fact]
    public async Task ForgedViewsAndCommands_AreRefused_UnsignedOrSignedForAnotherPathAre401_NothingChanges()
    {
        var (id, _, _, _) = await OpenAndInviteAsync();

        // C claims A's incident for B's recipient organisation: B has A's owner declared on A, not on C.
        var forged = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString("D"),
            ["items"] = new JsonArray(new JsonObject
            {
                ["op"] = "incident", ["incident"] = Guid.NewGuid().ToString("D"), ["organisation"] = IntelIdentity.Of(B.RecipientOrg),
                ["owner"] = IntelIdentity.Of(A.OwnerOrg), ["state"] = "invited", ["tlp"] = "amber", ["journalFrom"] = 0, ["journal"] = new JsonArray(),
                ["view"] = new JsonObject { ["number"] = "INC-2026-9999", ["tlp"] = "amber", ["role"] = "coordinator", ["invitedBy"] = "Team A-OWNER", ["invitedAt"] = "2026-11-02T09:30:00Z" },
            }),
        };
        var answer = await PostSignedAsync(C, B, PeerIncidentWire.IncidentsPath, PeerIncidentWire.IncidentsPurpose, forged);
        Assert.Equal("refused", answer["results"]![0]!["status"]!.GetValue<string>());
        await using (var scope = B.Factory.Services.CreateAsyncScope())
        {
            Assert.False(await scope.ServiceProvider.GetRequiredService<RampartDb>().PeerIncidents.AnyAsync(c => c.Number == "INC-2026-9999"));
        }

        // B answers for C's recipient organisation on A: A has it declared on C, not on B.
        var command = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString("D"),
            ["commands"] = new JsonArray(new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString("D"), ["kind"] = "accept", ["incident"] = id, ["organisation"] = IntelIdentity.Of(C.RecipientOrg),
                ["user"] = Guid.NewGuid().ToString("D"), ["userName"] = "mallory",
            }),
        };
        answer = await PostSignedAsync(B, A, PeerIncidentWire.CommandsPath, PeerIncidentWire.CommandsPurpose, command);
        Assert.Equal("refused", answer["results"]![0]!["status"]!.GetValue<string>());
        // B accepting for its own organisation, but for an incident that organisation was never invited to: refused.
        var otherId = (await Ok(await A.Client(A.Owner).PostAsync("/api/incidents", new { title = "Not for B", summary = "x", tlp = "red", severity = "low", sector = "public-administration", countries = Albania }),
            HttpStatusCode.Created))["id"]!.GetValue<string>();
        command["id"] = Guid.NewGuid().ToString("D");
        command["commands"]![0]!["id"] = Guid.NewGuid().ToString("D");
        command["commands"]![0]!["incident"] = otherId;
        command["commands"]![0]!["organisation"] = IntelIdentity.Of(B.RecipientOrg);
        answer = await PostSignedAsync(B, A, PeerIncidentWire.CommandsPath, PeerIncidentWire.CommandsPurpose, command);
        Assert.Equal("refused", answer["results"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await A.Client(A.Recipient).GetAsync($"/api/incidents/{otherId}")).StatusCode);
        var participants = await Ok(await A.Client(A.Owner).GetAsync($"/api/incidents/{otherId}/participants"));
        Assert.Empty(participants.AsArray());

        // Unsigned, and signed for the intelligence inbox instead of this path: 401, nothing applied.
        using var anonymous = B.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync(PeerIncidentWire.IncidentsPath, new StringContent(forged.ToJsonString(), Encoding.UTF8, "application/json"))).StatusCode);
        var wrongPurpose = await SendSignedAsync(C, B, PeerIncidentWire.IncidentsPath, FederationWire.InboxPurpose, forged);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPurpose);
        wrongPurpose = await SendSignedAsync(B, A, PeerIncidentWire.CommandsPath, PeerIncidentWire.IncidentsPurpose, command);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongPurpose);
    }

    [Fact]
    public async Task PeerIncidentPage_ShowsTheCopyToItsOrganisation_AndNotFoundToEveryoneElse()
    {
        var (id, marker, secret, number) = await OpenAndInviteAsync();
        await nodes.SyncIncidentsAsync();
        var copy = (await CopyAsync(id))!;
        Assert.Equal(HttpStatusCode.OK, (await B.Client(B.Recipient).PostAsync($"/api/peer-incidents/{copy.Id}/accept", new { })).StatusCode);
        await nodes.SyncIncidentsAsync();

        var (_, own) = await PageSessions.OpenAsync(B, B.RecipientOrg, Role.Analyst);
        var page = await own.GetAsync($"/incidents/peer/{copy.Id}");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Wiper at two ministries " + marker, html, StringComparison.Ordinal);
        Assert.Contains("185.220.101.7", html, StringComparison.Ordinal);
        Assert.Contains("id=\"peer-leave\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
        var list = await (await own.GetAsync("/incidents")).Content.ReadAsStringAsync();
        Assert.Contains($"incidents/peer/{copy.Id}", list, StringComparison.Ordinal);

        foreach (var (organisation, role) in new[] { (B.MemberOrg, Role.Analyst), (B.MemberOrg, Role.OrgAdmin), (B.NodeOrg, Role.NodeAdmin) })
        {
            var (_, other) = await PageSessions.OpenAsync(B, organisation, role);
            var denied = await other.GetAsync($"/incidents/peer/{copy.Id}");
            var text = await denied.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.NotFound, denied.StatusCode);
            Assert.DoesNotContain(marker, text, StringComparison.Ordinal);
            Assert.DoesNotContain($"incidents/peer/{copy.Id}", await (await other.GetAsync("/incidents")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task OnlyTheOwnerInvitesAnOrganisationOfAPeer_ACoordinatorGets403_AndNothingIsSent()
    {
        var owner = A.Client(A.Owner);
        var id = (await Ok(await owner.PostAsync("/api/incidents", new { title = "Coordinated", summary = "x", tlp = "green", severity = "medium", sector = "public-administration", countries = Albania }),
            HttpStatusCode.Created))["id"]!.GetValue<string>();
        var invited = await Ok(await owner.PostAsync($"/api/incidents/{id}/participants", new { organisationId = A.RecipientOrg, role = "coordinator" }), HttpStatusCode.Created);
        await Ok(await A.Client(A.Recipient).PostAsync($"/api/incidents/invitations/{invited["id"]}/accept", new { }));

        var attempt = await A.Client(A.Recipient).PostAsync($"/api/incidents/{id}/participants", new { organisationId = nodes.ARecipB, role = "observer" });
        Assert.Equal(HttpStatusCode.Forbidden, attempt.StatusCode);
        var participants = await Ok(await owner.GetAsync($"/api/incidents/{id}/participants"));
        Assert.DoesNotContain(participants.AsArray(), p => p!["organisationId"]!.GetValue<Guid>() == nodes.ARecipB);
        // The coordinator still invites organisations of this node.
        Assert.Equal(HttpStatusCode.Created, (await A.Client(A.Recipient).PostAsync($"/api/incidents/{id}/participants", new { organisationId = A.MemberOrg, role = "observer" })).StatusCode);
    }

    [Fact]
    public async Task LongEntriesInAnyScript_Travel_AndAJournalSentAgainFromTheStart_KeepsEveryEntryOnce()
    {
        var (id, marker, _, _) = await OpenAndInviteAsync();
        await nodes.SyncIncidentsAsync();
        var copy = (await CopyAsync(id))!;
        Assert.Equal(HttpStatusCode.OK, (await B.Client(B.Recipient).PostAsync($"/api/peer-incidents/{copy.Id}/accept", new { })).StatusCode);
        // An entry of the longest length allowed, in Georgian: its JSON is no longer than its text.
        var georgian = string.Concat(Enumerable.Repeat("ვაიპერი სამინისტროში ", 5000))[..49_000] + marker;
        await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{id}/journal", new { body = georgian }), HttpStatusCode.Created);
        await nodes.SyncIncidentsAsync();
        var entries = (await Ok(await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{copy.Id}/journal?limit=200")))["items"]!.AsArray();
        Assert.Single(entries, e => e!["body"]!.GetValue<string>() == georgian);
        var count = entries.Count;

        // The owner's node forgets what B acknowledged (an answer lost on the way): it sends the whole journal again.
        await using (var scope = A.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var peer = nodes.PeerId(A, B);
            var organisation = nodes.ARecipB;
            var incidentId = Guid.Parse(id);
            var recordId = await db.Incidents.Where(i => i.Id == incidentId).Select(i => i.RecordId).FirstAsync();
            Assert.Equal(1, await db.IncidentPeerSent.Where(x => x.PeerId == peer && x.OrganisationId == organisation && x.IncidentRecordId == recordId)
                .ExecuteUpdateAsync(x => x.SetProperty(r => r.Stamp, 0).SetProperty(r => r.JournalSent, 0).SetProperty(r => r.ViewHash, "")));
        }

        Assert.True(await nodes.SyncIncidentsAsync() >= 1);
        entries = (await Ok(await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{copy.Id}/journal?limit=200")))["items"]!.AsArray();
        Assert.Equal(count, entries.Count);
        Assert.Equal(count, entries.Select(e => e!["id"]!.GetValue<string>()).Distinct().Count());
        Assert.Single(entries, e => e!["body"]!.GetValue<string>() == georgian);
    }

    [Fact]
    public async Task AnOrganisationDeclaredOnAnotherNodeLater_TheOldNodeIsToldItEnded_TheNewOneGetsNothingWithoutANewAcceptance()
    {
        // A team of B, with people of its own, declared on A as living on B.
        Guid home;
        await using (var scope = B.Factory.Services.CreateAsyncScope())
        {
            home = (await scope.ServiceProvider.GetRequiredService<Rampart.Server.Organisations.OrganisationAdministration>()
                .CreateAsync(Caller.Operator(), new Rampart.Server.Organisations.OrganisationRequest("Team MOVER", "MOVER" + Guid.NewGuid().ToString("N")[..4], "MD", Rampart.Server.Organisations.OrganisationKind.NationalCert), default)).Id;
        }

        Person mover;
        await using (var scope = B.Factory.Services.CreateAsyncScope())
        {
            mover = await SeededNode.PersonAsync(scope.ServiceProvider, home, $"analyst-{Guid.NewGuid():N}@mover.test", Role.Analyst);
        }

        var local = await ThreeNodes.LocalRecordAsync(A, "MV" + Guid.NewGuid().ToString("N")[..6]);
        await nodes.DeclareMoreAsync(A, B, (local, home));
        var owner = A.Client(A.Owner);
        var marker = "moved-" + Guid.NewGuid().ToString("N")[..8];
        var id = (await Ok(await owner.PostAsync("/api/incidents", new { title = "Moving " + marker, summary = marker, tlp = "red", severity = "critical", sector = "public-administration", countries = Albania }),
            HttpStatusCode.Created))["id"]!.GetValue<string>();
        await Ok(await owner.PostAsync($"/api/incidents/{id}/participants", new { organisationId = local, role = "contributor" }), HttpStatusCode.Created);
        await nodes.SyncIncidentsAsync();
        var copy = (await CopyAsync(id))!;
        Assert.Equal("applied", (await Ok(await B.Client(mover).PostAsync($"/api/peer-incidents/{copy.Id}/accept", new { })))["state"]!.GetValue<string>());
        await nodes.SyncIncidentsAsync();
        Assert.Equal(PeerIncidentState.Participating, (await CopyAsync(id))!.State);

        // A's operators now declare the team on C instead of B.
        await using (var scope = A.Factory.Services.CreateAsyncScope())
        {
            var peers = scope.ServiceProvider.GetRequiredService<FederationPeers>();
            var onB = (await peers.FindAsync(Caller.Operator(), nodes.PeerId(A, B), default))!.Organisations.Where(o => o.OrganisationId != local).ToList();
            Assert.NotNull(await peers.DeclareOrganisationsAsync(Caller.Operator(), nodes.PeerId(A, B), new PeerOrganisationsRequest([.. onB]), default));
        }

        await nodes.DeclareMoreAsync(A, C, (local, home));
        await nodes.SyncIncidentsAsync();
        Assert.Equal(PeerIncidentState.Ended, (await CopyAsync(id))!.State);
        Assert.DoesNotContain(marker, await StoredTextAsync(B), StringComparison.Ordinal);
        Assert.DoesNotContain(marker, await StoredTextAsync(C), StringComparison.Ordinal);

        // The new node "accepting" the invitation accepted through B, or writing into the incident, in the team's name:
        // refused — nobody of the team did anything there, and no new invitation was made (review of the writes, H1).
        foreach (var (kind, payload) in new (string, JsonObject?)[] { ("accept", null), ("entry", new JsonObject { ["body"] = "from the new node " + marker }), ("leave", null) })
        {
            var command = new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString("D"),
                ["commands"] = new JsonArray(new JsonObject
                {
                    ["id"] = Guid.NewGuid().ToString("D"), ["kind"] = kind, ["incident"] = id, ["organisation"] = IntelIdentity.Of(home),
                    ["user"] = Guid.NewGuid().ToString("D"), ["userName"] = "new home", ["payload"] = payload,
                }),
            };
            var answer = await PostSignedAsync(C, A, PeerIncidentWire.CommandsPath, PeerIncidentWire.CommandsPurpose, command);
            Assert.Equal("refused", answer["results"]![0]!["status"]!.GetValue<string>());
        }

        await nodes.SyncIncidentsAsync();
        Assert.DoesNotContain(marker, await StoredTextAsync(C), StringComparison.Ordinal);
        Assert.DoesNotContain("from the new node", (await Ok(await owner.GetAsync($"/api/incidents/{id}/journal?limit=200")))["items"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("accepted", (await Ok(await owner.GetAsync($"/api/incidents/{id}/participants"))).AsArray().Single(p => p!["organisationId"]!.GetValue<Guid>() == local)!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task EveryOrganisationOfAPeerUndeclared_ItsCopiesEndThere()
    {
        var owner = A.Client(A.Owner);
        var marker = "cutoff-" + Guid.NewGuid().ToString("N")[..8];
        var id = (await Ok(await owner.PostAsync("/api/incidents", new { title = "Cut off " + marker, summary = marker, tlp = "amber", severity = "high", sector = "public-administration", countries = Albania }),
            HttpStatusCode.Created))["id"]!.GetValue<string>();
        await Ok(await owner.PostAsync($"/api/incidents/{id}/participants", new { organisationId = nodes.ARecipC, role = "observer" }), HttpStatusCode.Created);
        await nodes.SyncIncidentsAsync();
        PeerIncident? OnC(RampartDb db) => db.PeerIncidents.AsNoTracking().FirstOrDefault(c => c.OriginIncidentId == Guid.Parse(id));
        Guid copyId;
        await using (var scope = C.Factory.Services.CreateAsyncScope())
        {
            copyId = OnC(scope.ServiceProvider.GetRequiredService<RampartDb>())!.Id;
        }

        Assert.Equal("applied", (await Ok(await C.Client(C.Recipient).PostAsync($"/api/peer-incidents/{copyId}/accept", new { })))["state"]!.GetValue<string>());
        await nodes.SyncIncidentsAsync();
        Assert.Contains(marker, await StoredTextAsync(C), StringComparison.Ordinal);

        // A's operators undeclare every organisation of C: C is told its copy ended, and keeps nothing of the incident.
        IReadOnlyList<PeerOrganisationEntry?> before;
        await using (var scope = A.Factory.Services.CreateAsyncScope())
        {
            var peers = scope.ServiceProvider.GetRequiredService<FederationPeers>();
            before = [.. (await peers.FindAsync(Caller.Operator(), nodes.PeerId(A, C), default))!.Organisations];
            Assert.NotNull(await peers.DeclareOrganisationsAsync(Caller.Operator(), nodes.PeerId(A, C), new PeerOrganisationsRequest([]), default));
        }

        try
        {
            await nodes.SyncIncidentsAsync();
            await using var scope = C.Factory.Services.CreateAsyncScope();
            Assert.Equal(PeerIncidentState.Ended, OnC(scope.ServiceProvider.GetRequiredService<RampartDb>())!.State);
            Assert.DoesNotContain(marker, await StoredTextAsync(C), StringComparison.Ordinal);
        }
        finally
        {
            await using var scope = A.Factory.Services.CreateAsyncScope();
            Assert.NotNull(await scope.ServiceProvider.GetRequiredService<FederationPeers>().DeclareOrganisationsAsync(Caller.Operator(), nodes.PeerId(A, C), new PeerOrganisationsRequest(before), default));
        }
    }

    [Fact]
    public async Task MalformedItems_AreRefusedNot500_AndAReplayedEnvelopeIs409()
    {
        var items = new JsonArray();
        foreach (var view in new JsonNode?[]
        {
            new JsonObject { ["tlp"] = "amber", ["role"] = "observer", ["invitedBy"] = "x", ["invitedAt"] = "2026-11-02T09:30:00Z" },                              // no number
            new JsonObject { ["number"] = "INC-1999-0001", ["tlp"] = "amber", ["role"] = 7, ["invitedBy"] = "x", ["invitedAt"] = "2026-11-02T09:30:00Z" },        // role as a number
            new JsonObject { ["number"] = "INC-1999-0001", ["tlp"] = "amber", ["role"] = "emperor", ["invitedBy"] = "x", ["invitedAt"] = "2026-11-02T09:30:00Z" }, // unknown role
            new JsonArray(1, 2),
        })
        {
            items.Add(new JsonObject
            {
                ["op"] = "incident", ["incident"] = Guid.NewGuid().ToString("D"), ["organisation"] = IntelIdentity.Of(B.RecipientOrg),
                ["owner"] = IntelIdentity.Of(A.OwnerOrg), ["state"] = "invited", ["tlp"] = "amber", ["journal"] = new JsonArray(), ["view"] = view,
            });
        }

        items.Add(new JsonObject
        {
            ["op"] = "incident", ["incident"] = Guid.NewGuid().ToString("D"), ["organisation"] = IntelIdentity.Of(B.RecipientOrg), ["owner"] = IntelIdentity.Of(A.OwnerOrg),
            ["state"] = "participating", ["tlp"] = "amber", ["journal"] = new JsonArray(new JsonObject { ["id"] = Guid.NewGuid().ToString("D"), ["position"] = 1, ["kind"] = "entry" }),
            ["view"] = new JsonObject { ["number"] = "INC-1999-0002", ["tlp"] = "amber", ["role"] = "observer", ["invitedBy"] = "x", ["invitedAt"] = "2026-11-02T09:30:00Z" },
        });
        var envelope = new JsonObject { ["id"] = Guid.NewGuid().ToString("D"), ["items"] = items };
        var answer = await PostSignedAsync(A, B, PeerIncidentWire.IncidentsPath, PeerIncidentWire.IncidentsPurpose, envelope);
        Assert.All(answer["results"]!.AsArray(), r => Assert.Equal("refused", r!["status"]!.GetValue<string>()));
        await using (var scope = B.Factory.Services.CreateAsyncScope())
        {
            Assert.False(await scope.ServiceProvider.GetRequiredService<RampartDb>().PeerIncidents.AnyAsync(c => c.Number == "INC-1999-0001" || c.Number == "INC-1999-0002"));
        }

        Assert.Equal(HttpStatusCode.Conflict, await SendSignedAsync(A, B, PeerIncidentWire.IncidentsPath, PeerIncidentWire.IncidentsPurpose, envelope));
    }

    private static Task<JsonObject> PostSignedAsync(SeededNode from, SeededNode to, string path, string purpose, JsonObject body) =>
        SignedFederation.PostAsync(from, to, path, purpose, body);

    private static async Task<HttpStatusCode> SendSignedAsync(SeededNode from, SeededNode to, string path, string purpose, JsonObject body) =>
        (await SignedFederation.SendAsync(from, to, path, purpose, body)).Status;
}
