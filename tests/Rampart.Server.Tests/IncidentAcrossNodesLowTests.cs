using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Rampart.Server.Data;
using Rampart.Server.Federation;
using Rampart.Server.Incidents.Peers;
using Rampart.Server.Intelligence.Store;
using Rampart.Server.Scheduling;

namespace Rampart.Server.Tests;

public sealed class SqliteIncidentAcrossNodesLowTests(SqliteThreeNodes nodes) : IncidentAcrossNodesLowTests(nodes), IClassFixture<SqliteThreeNodes>;

public sealed class PostgresIncidentAcrossNodesLowTests(PostgresThreeNodes nodes) : IncidentAcrossNodesLowTests(nodes), IClassFixture<PostgresThreeNodes>;

/// <summary>
/// Incidents across nodes (ADR 17), the low findings of the security review on the sync side: entries merged into an
/// incident reach the peers already in it (L1); a changed standing restarts the peer's journal (L2); a view delivered late
/// never overwrites a newer one (L7); what ended participations leave is pruned after the retention (L9).
/// Three nodes in one process, SQLite and PostgreSQL.
/// </summary>
public abstract class IncidentAcrossNodesLowTests(ThreeNodes nodes)
{
    private static readonly string[] Albania = ["AL", "XK"];

    private SeededNode A => nodes.A;

    private SeededNode B => nodes.B;

    private static async Task<JsonNode> Ok(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private async Task<string> CreateAsync(string title, string tlp = "amber") =>
        (await Ok(await A.Client(A.Owner).PostAsync("/api/incidents", new { title, summary = title, tlp, severity = "high", sector = "public-administration", countries = Albania }),
            HttpStatusCode.Created))["id"]!.GetValue<string>();

    private async Task<PeerIncident?> CopyAsync(string originId)
    {
        await using var scope = B.Factory.Services.CreateAsyncScope();
        var origin = Guid.Parse(originId);
        return await scope.ServiceProvider.GetRequiredService<RampartDb>().PeerIncidents.AsNoTracking().FirstOrDefaultAsync(c => c.OriginIncidentId == origin);
    }

    /// <summary>A's owner invites B's recipient organisation; B's recipient accepts there; after the next sync B's copy holds the incident.</summary>
    private async Task<PeerIncident> JoinFromBAsync(string id, string role)
    {
        await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{id}/participants", new { organisationId = nodes.ARecipB, role }), HttpStatusCode.Created);
        await nodes.SyncIncidentsAsync();
        var copy = (await CopyAsync(id))!;
        Assert.Equal("applied", (await Ok(await B.Client(B.Recipient).PostAsync($"/api/peer-incidents/{copy.Id}/accept", new { })))["state"]!.GetValue<string>());
        await nodes.SyncIncidentsAsync();
        copy = (await CopyAsync(id))!;
        Assert.Equal(PeerIncidentState.Participating, copy.State);
        return copy;
    }

    private async Task<JsonArray> JournalOnBAsync(PeerIncident copy) =>
        (await Ok(await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{copy.Id}/journal?limit=200")))["items"]!.AsArray();

    [Fact]
    public async Task AnIncidentMergedIntoOneAPeerTakesPartIn_ItsEntriesReachThePeer_Once()
    {
        var marker = "merged-" + Guid.NewGuid().ToString("N")[..8];
        // The incident merged away, with its entry, is older than what B acknowledged of the survivor.
        var away = await CreateAsync("Merged away " + marker);
        await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{away}/journal", new { body = "Phishing from 185.220.101.33. " + marker }), HttpStatusCode.Created);
        var survivor = await CreateAsync("Survivor " + marker);
        await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{survivor}/journal", new { body = "First on the survivor. " + marker }), HttpStatusCode.Created);
        var copy = await JoinFromBAsync(survivor, "contributor");
        var before = await JournalOnBAsync(copy);
        Assert.Single(before, e => e!["body"]!.GetValue<string>().StartsWith("First on the survivor.", StringComparison.Ordinal));
        Assert.DoesNotContain(before, e => e!["body"]!.GetValue<string>().StartsWith("Phishing from", StringComparison.Ordinal));

        await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{away}/merge", new { into = survivor, confirm = true }));
        await nodes.SyncIncidentsAsync();
        await nodes.SyncIncidentsAsync();

        var after = await JournalOnBAsync(copy);
        Assert.Single(after, e => e!["body"]!.GetValue<string>().StartsWith("Phishing from 185.220.101.33.", StringComparison.Ordinal));
        Assert.Single(after, e => e!["body"]!.GetValue<string>().StartsWith("First on the survivor.", StringComparison.Ordinal));
        Assert.Equal(after.Count, after.Select(e => e!["id"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task ACoordinatorRemovedAndAcceptedAgainAsContributorBeforeTheNextSync_KeepsNoRequestEventOnItsNode()
    {
        var marker = "standing-" + Guid.NewGuid().ToString("N")[..8];
        var id = await CreateAsync("Standing " + marker);
        await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{id}/journal", new { body = "Seen by every participant. " + marker }), HttpStatusCode.Created);
        // A's recipient organisation takes part and is asked for assistance by the owner: request events only the owner,
        // coordinators and the two organisations see.
        var invited = await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{id}/participants", new { organisationId = A.RecipientOrg, role = "contributor" }), HttpStatusCode.Created);
        await Ok(await A.Client(A.Recipient).PostAsync($"/api/incidents/invitations/{invited["id"]}/accept", new { }));
        await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{id}/requests",
            new { kind = "block-indicators", title = "Block these " + marker, details = "185.220.101.44", organisationIds = new[] { A.RecipientOrg } }), HttpStatusCode.Created);

        static bool IsRequestEvent(JsonNode? e) => e!["event"]?.GetValue<string>()?.StartsWith("request-", StringComparison.Ordinal) == true;
        var copy = await JoinFromBAsync(id, "coordinator");
        Assert.Contains(await JournalOnBAsync(copy), IsRequestEvent);

        // Removed, invited again as contributor, and accepted — all before the next sync (B's acceptance reaches A signed by B).
        var participantId = (await Ok(await A.Client(A.Owner).GetAsync($"/api/incidents/{id}/participants"))).AsArray()
            .Single(p => p!["organisationId"]!.GetValue<Guid>() == nodes.ARecipB)!["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NoContent, (await A.Client(A.Owner).DeleteAsync($"/api/incidents/{id}/participants/{participantId}")).StatusCode);
        await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{id}/participants", new { organisationId = nodes.ARecipB, role = "contributor" }), HttpStatusCode.Created);
        var command = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString("D"),
            ["commands"] = new JsonArray(new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString("D"), ["kind"] = "accept", ["incident"] = id, ["organisation"] = IntelIdentity.Of(B.RecipientOrg),
                ["user"] = B.Recipient.UserId.ToString("D"), ["userName"] = "Recipient analyst",
            }),
        };
        var (status, text) = await SendSignedAsync(B, A, PeerIncidentWire.CommandsPath, PeerIncidentWire.CommandsPurpose, command);
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal("applied", JsonNode.Parse(text)!["results"]![0]!["status"]!.GetValue<string>());

        await nodes.SyncIncidentsAsync();
        copy = (await CopyAsync(id))!;
        Assert.Equal(PeerIncidentState.Participating, copy.State);
        Assert.Equal(Incidents.ParticipantRole.Contributor, copy.Role);
        var journal = await JournalOnBAsync(copy);
        Assert.DoesNotContain(journal, IsRequestEvent);
        Assert.Single(journal, e => e!["body"]!.GetValue<string>().StartsWith("Seen by every participant.", StringComparison.Ordinal));
        await using var scope = B.Factory.Services.CreateAsyncScope();
        var recordId = copy.RecordId;
        Assert.DoesNotContain("request-", string.Concat(await scope.ServiceProvider.GetRequiredService<RampartDb>().PeerIncidentJournal
            .Where(e => e.PeerIncidentRecordId == recordId).Select(e => e.Json).ToListAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AViewDeliveredLate_IsRefused_TheNewerOneStays_AndLaterChangesStillArrive()
    {
        var marker = "late-" + Guid.NewGuid().ToString("N")[..8];
        var id = await CreateAsync("Current " + marker);
        var copy = await JoinFromBAsync(id, "observer");
        Assert.True(copy.OriginStamp > 0);

        // The same view as held, a stamp older, with an older title: signed by A, as a delayed envelope would be.
        var view = JsonNode.Parse(copy.ViewJson)!.AsObject();
        view["incident"]!["title"] = "Stale " + marker;
        JsonObject Item(long stamp) => new()
        {
            ["op"] = "incident", ["incident"] = id, ["organisation"] = IntelIdentity.Of(B.RecipientOrg), ["owner"] = IntelIdentity.Of(A.OwnerOrg),
            ["state"] = "participating", ["tlp"] = "amber", ["view"] = view.DeepClone(), ["journalFrom"] = 0, ["journal"] = new JsonArray(), ["stamp"] = stamp,
        };
        var (status, text) = await SendSignedAsync(A, B, PeerIncidentWire.IncidentsPath, PeerIncidentWire.IncidentsPurpose,
            new JsonObject { ["id"] = Guid.NewGuid().ToString("D"), ["items"] = new JsonArray(Item(copy.OriginStamp - 1)) });
        Assert.True(status == HttpStatusCode.OK, text);
        Assert.Equal("refused", JsonNode.Parse(text)!["results"]![0]!["status"]!.GetValue<string>());
        var held = (await CopyAsync(id))!;
        Assert.Equal("Current " + marker, held.Title);
        Assert.Equal(copy.OriginStamp, held.OriginStamp);
        Assert.Equal("Current " + marker, (await Ok(await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{copy.Id}")))["incident"]!["title"]!.GetValue<string>());

        // A real change on A still arrives (a newer stamp).
        await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{id}/journal", new { body = "Newer. " + marker }), HttpStatusCode.Created);
        await nodes.SyncIncidentsAsync();
        Assert.True((await CopyAsync(id))!.OriginStamp > copy.OriginStamp);
        Assert.Contains(await JournalOnBAsync(copy), e => e!["body"]!.GetValue<string>() == "Newer. " + marker);
    }

    [Fact]
    public async Task AJournalContinuedPastWhatThePeerHolds_IsRefused_ThenSentAgainFromTheStart()
    {
        var marker = "gap-" + Guid.NewGuid().ToString("N")[..8];
        var id = await CreateAsync("Gap " + marker);
        await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{id}/journal", new { body = "Before the gap. " + marker }), HttpStatusCode.Created);
        var copy = await JoinFromBAsync(id, "observer");
        Assert.Contains(await JournalOnBAsync(copy), e => e!["body"]!.GetValue<string>() == "Before the gap. " + marker);

        // B applied an end whose answer A never heard (it emptied the copy); A still believes B holds the journal.
        await using (var scope = B.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var recordId = copy.RecordId;
            await db.PeerIncidentJournal.Where(e => e.PeerIncidentRecordId == recordId).ExecuteDeleteAsync();
            await db.PeerIncidents.Where(c => c.RecordId == recordId).ExecuteUpdateAsync(c => c.SetProperty(x => x.State, PeerIncidentState.Ended).SetProperty(x => x.JournalPosition, 0));
        }

        // The next item continues the journal: refused, nothing half-applied.
        await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{id}/journal", new { body = "After the gap. " + marker }), HttpStatusCode.Created);
        await nodes.SyncIncidentsAsync();
        Assert.Equal(PeerIncidentState.Ended, (await CopyAsync(id))!.State);

        // After the retry delay: the journal again from the start; B holds both entries, once each.
        foreach (var node in nodes.All)
        {
            node.Factory.Clock.Advance(FederationSync.FirstRetryDelay + TimeSpan.FromMinutes(1));
        }

        await nodes.SyncIncidentsAsync();
        Assert.Equal(PeerIncidentState.Participating, (await CopyAsync(id))!.State);
        var journal = await JournalOnBAsync(copy);
        Assert.Single(journal, e => e!["body"]!.GetValue<string>() == "Before the gap. " + marker);
        Assert.Single(journal, e => e!["body"]!.GetValue<string>() == "After the gap. " + marker);
    }

    [Fact]
    public async Task EndedParticipations_ArePrunedAfterTheRetention_OnBothNodes_OpenOnesStay()
    {
        var marker = "prune-" + Guid.NewGuid().ToString("N")[..8];
        var ended = await CreateAsync("Ended " + marker);
        var open = await CreateAsync("Open " + marker);
        var endedCopy = await JoinFromBAsync(ended, "observer");
        var openCopy = await JoinFromBAsync(open, "observer");
        Assert.Equal("applied", (await Ok(await B.Client(B.Recipient).PostAsync($"/api/peer-incidents/{endedCopy.Id}/leave", new { })))["state"]!.GetValue<string>());
        await nodes.SyncIncidentsAsync();
        Assert.Equal(PeerIncidentState.Ended, (await CopyAsync(ended))!.State);
        Assert.Contains(A.Factory.Services.GetServices<ScheduledJobDefinition>(), d => d.Name == PeerIncidentPruneJob.JobName);

        async Task<(int Copies, int Sent, int Commands)> PruneAsync(SeededNode node, TimeSpan later)
        {
            await using var scope = node.Factory.Services.CreateAsyncScope();
            var clock = new FakeTimeProvider(node.Factory.Clock.GetUtcNow() + later);
            return await ActivatorUtilities.CreateInstance<PeerIncidentPruneJob>(scope.ServiceProvider, (TimeProvider)clock).PruneAsync(default);
        }

        async Task<bool> SentRowAsync(string id)
        {
            await using var scope = A.Factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var origin = Guid.Parse(id);
            var recordId = await db.Incidents.Where(i => i.Id == origin).Select(i => i.RecordId).FirstAsync();
            var organisation = nodes.ARecipB;
            return await db.IncidentPeerSent.AnyAsync(s => s.IncidentRecordId == recordId && s.OrganisationId == organisation);
        }

        // Within the retention nothing goes.
        await PruneAsync(B, TimeSpan.FromDays(89));
        await PruneAsync(A, TimeSpan.FromDays(89));
        Assert.NotNull(await CopyAsync(ended));
        Assert.True(await SentRowAsync(ended));

        // After it: the ended copy (its record, grant and journal) on B, the ended sent row on A; the open ones stay.
        Assert.True((await PruneAsync(B, TimeSpan.FromDays(91))).Copies >= 1);
        Assert.True((await PruneAsync(A, TimeSpan.FromDays(91))).Sent >= 1);
        Assert.Null(await CopyAsync(ended));
        Assert.False(await SentRowAsync(ended));
        Assert.NotNull(await CopyAsync(open));
        Assert.True(await SentRowAsync(open));
        await using (var scope = B.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var recordId = endedCopy.RecordId;
            Assert.False(await db.SharedRecords.AnyAsync(r => r.Id == recordId));
            Assert.False(await db.AccessGrants.AnyAsync(g => g.RecordId == recordId));
        }

        Assert.Equal(HttpStatusCode.NotFound, (await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{endedCopy.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{openCopy.Id}")).StatusCode);

        // Invited again after the pruning: a new invitation reaches B as a new copy.
        await Ok(await A.Client(A.Owner).PostAsync($"/api/incidents/{ended}/participants", new { organisationId = nodes.ARecipB, role = "observer" }), HttpStatusCode.Created);
        await nodes.SyncIncidentsAsync();
        Assert.Equal(PeerIncidentState.Invited, (await CopyAsync(ended))!.State);
    }

    private static Task<(HttpStatusCode Status, string Text)> SendSignedAsync(SeededNode from, SeededNode to, string path, string purpose, JsonObject body) =>
        SignedFederation.SendAsync(from, to, path, purpose, body);
}
