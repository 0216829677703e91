using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Federation;
using Rampart.Server.Intelligence.Ingest;
using static Rampart.Server.Tests.FederationSyncTests;

namespace Rampart.Server.Tests;

/// <summary>
/// Three nodes of their own (issue 10, session 8): node-owned galaxy objects never cross; a refusal is retried when its
/// reason can change, bounded, and audited once per version; a withdrawal or narrowing travels A → B → C and leaves only
/// a tombstone on C; the Federation page shows each peer's sync state.
/// </summary>
public abstract class FederationGapsTests(ThreeNodes nodes)
{
    private const string Amber = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";

    private static readonly string Galaxies = Path.Combine(AppContext.BaseDirectory, "TestData", "misp-galaxy");

    private SeededNode A => nodes.A;

    private SeededNode B => nodes.B;

    private SeededNode C => nodes.C;

    private static async Task LoadGalaxiesAsync(SeededNode node)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        var galaxies = scope.ServiceProvider.GetRequiredService<IntelGalaxies>();
        var result = await galaxies.LoadAsync(galaxies.ClustersFolder(Galaxies)!, default);
        Assert.True(result.Added + result.Unchanged >= 6);
    }

    private static async Task<JsonNode> StatusAsync(SeededNode node, Guid peer) =>
        (await Json.ReadAsync(await node.Client(node.NodeAdmin).GetAsync($"/api/federation/peers/{peer}")))["sync"]!;

    private static async Task<int> RefusalsAuditedAsync(SeededNode node, string stixId)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        var target = $"stix:{stixId}";
        return await scope.ServiceProvider.GetRequiredService<RampartDb>().AuditEntries.CountAsync(e => e.Event == AuditEvent.FederationProvenanceRejected && e.Target == target);
    }

    [Fact]
    public async Task Galaxies_LoadedOnBothNodes_DoNotCross_EvenWhereThePeerWouldAcceptThem_NothingRefusedOrAudited()
    {
        await LoadGalaxiesAsync(A);
        await LoadGalaxiesAsync(B);
        // B would accept objects of A's hosting organisation (declared there as living on A): only the rule keeps them home.
        var hostOnB = await ThreeNodes.LocalRecordAsync(B, "A-NODE");
        await nodes.DeclareMoreAsync(B, A, (hostOnB, A.NodeOrg));
        var id = NewId();
        await ShareAsync(A, A.Owner, Indicator(id), "green", "network");

        var pushed = await nodes.PushAsync(A, B);

        Assert.Null(pushed.Error);
        Assert.Equal("live", await SeesAsync(B, B.Outsider, id));
        List<string> galaxyIds;
        await using (var scope = A.Factory.Services.CreateAsyncScope())
        {
            var host = A.NodeOrg;
            galaxyIds = await scope.ServiceProvider.GetRequiredService<RampartDb>().IntelObjects.Where(o => o.OwnerOrganisationId == host).Select(o => o.StixId).ToListAsync();
        }

        Assert.True(galaxyIds.Count >= 6);
        Assert.True(pushed.Sent < galaxyIds.Count, $"{pushed.Sent} items sent for one indicator");
        await using (var scope = B.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            Assert.Equal(0, await db.IntelObjects.CountAsync(o => o.OwnerOrganisationId == hostOnB));
            var targets = galaxyIds.Select(g => "stix:" + g).ToList();
            Assert.Equal(0, await db.AuditEntries.CountAsync(e => e.Event == AuditEvent.FederationProvenanceRejected && targets.Contains(e.Target!)));
            // B reads its own copy of each reference object: one copy, B's hosting organisation's.
            var bHost = B.NodeOrg;
            Assert.Equal(galaxyIds.Count, await db.IntelObjects.CountAsync(o => o.OwnerOrganisationId == bHost && galaxyIds.Contains(o.StixId)));
        }

        Assert.Equal(0, (long)(await StatusAsync(A, nodes.PeerId(A, B)))["refused"]!);

        // The peer's backlog counts only changes that can cross: new changes of A's own reference objects (as a first
        // load of the galaxies writes them) are not counted; a shared indicator is.
        await using (var scope = A.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var host = A.NodeOrg;
            var records = await db.IntelObjects.Where(o => o.OwnerOrganisationId == host && galaxyIds.Contains(o.StixId)).Select(o => o.RecordId).ToListAsync();
            Assert.Equal(galaxyIds.Count, records.Count);
            var at = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
            foreach (var record in records)
            {
                db.IntelChanges.Add(new Rampart.Server.Intelligence.Store.IntelChange { RecordId = record, Kind = Rampart.Server.Intelligence.Store.IntelChangeKind.Updated, At = at });
            }

            await db.SaveChangesAsync();
        }

        Assert.Equal(0, (long)(await StatusAsync(A, nodes.PeerId(A, B)))["backlog"]!);
        await ShareAsync(A, A.Owner, Indicator(NewId()), "green", "network");
        Assert.Equal(1, (long)(await StatusAsync(A, nodes.PeerId(A, B)))["backlog"]!);
        Assert.Null((await nodes.PushAsync(A, B)).Error);
        Assert.Equal(0, (long)(await StatusAsync(A, nodes.PeerId(A, B)))["backlog"]!);
    }

    [Fact]
    public async Task Refusal_BecauseThePeerHadNotDeclaredTheOrganisation_IsSentAgainAfterItsDelay_NotBefore_AndAuditedOncePerVersion()
    {
        // A's recipient organisation is not declared on C as living on A: C refuses what A sends in its name.
        var id = NewId();
        await ShareAsync(A, A.Recipient, Indicator(id), "green", "network");
        var first = await nodes.PushAsync(A, C);
        Assert.True(first.Refused >= 1);
        Assert.Equal("none", await SeesAsync(C, C.Outsider, id));
        var status = await StatusAsync(A, nodes.PeerId(A, C));
        Assert.True((long)status["awaitingRetry"]! >= 1);
        Assert.NotNull(status["nextRetryAt"]);

        // Before its delay nothing is sent again: no retry storm.
        Assert.Equal(0, (await nodes.PushAsync(A, C)).Sent);

        // An operator's retry sends it at the next run; C refuses it again and audits the version only once.
        await using (var scope = A.Factory.Services.CreateAsyncScope())
        {
            Assert.NotNull(await scope.ServiceProvider.GetRequiredService<FederationPeers>().RetryRefusedAsync(Caller.Operator(), nodes.PeerId(A, C), default));
        }

        Assert.True((await nodes.PushAsync(A, C)).Refused >= 1);
        Assert.Equal(1, await RefusalsAuditedAsync(C, id));

        // C's operators declare the organisation; A sends the same version again once the delay is over, no new version needed.
        var local = await ThreeNodes.LocalRecordAsync(C, "A-RECIP");
        await nodes.DeclareMoreAsync(C, A, (local, A.RecipientOrg));
        Assert.Equal(0, (await nodes.PushAsync(A, C)).Sent);
        foreach (var node in nodes.All)
        {
            node.Factory.Clock.Advance(FederationSync.FirstRetryDelay + TimeSpan.FromMinutes(1));
        }

        var late = await nodes.PushAsync(A, C);
        Assert.Null(late.Error);
        Assert.True(late.Acknowledged >= 1);
        Assert.Equal("live", await SeesAsync(C, C.Outsider, id));
        Assert.Equal(0, (long)(await StatusAsync(A, nodes.PeerId(A, C)))["awaitingRetry"]!);
        Assert.Equal(1, await RefusalsAuditedAsync(C, id));

        // Only node admins ask for a retry.
        Assert.Equal(HttpStatusCode.Forbidden, (await A.Client(A.OwnerAdmin).PostAsync($"/api/federation/peers/{nodes.PeerId(A, C)}/retry", null)).StatusCode);
    }

    [Fact]
    public async Task WithdrawalAndNarrowing_TravelAToBToC_CKeepsOnlyATombstone_AndBOnlyWhoMayStillRead()
    {
        // C is reached only through B.
        nodes.Blocked.Add((A, C));
        try
        {
            var withdrawn = NewId();
            var narrowed = NewId();
            await ShareAsync(A, A.Owner, Indicator(withdrawn), "green", "network");
            await ShareAsync(A, A.Owner, Indicator(narrowed), "green", "network", "organisation:" + nodes.ARecipB);
            for (var i = 0; i < 2; i++)
            {
                await nodes.PushAsync(A, B);
                await nodes.PushAsync(B, C);
            }

            foreach (var id in new[] { withdrawn, narrowed })
            {
                Assert.Equal("live", await SeesAsync(B, B.Outsider, id));
                Assert.Equal("live", await SeesAsync(C, C.Outsider, id));
                Assert.Equal("live", await SeesAsync(C, C.Recipient, id));
            }

            Assert.Equal(HttpStatusCode.OK, (await A.Client(A.Owner).PostAsync($"/api/intel/objects/{withdrawn}/withdraw", new { reason = "False positive: our sinkhole" })).StatusCode);
            // A new version marked AMBER: the network entry is beyond AMBER's ceiling; only B's named organisation remains.
            // Sent with the audience it had: a new version's share would narrow the record to what it names.
            await ShareAsync(A, A.Owner, Indicator(narrowed, "2026-11-02T09:10:00.000Z", Amber), "green", "network", "organisation:" + nodes.ARecipB);
            for (var i = 0; i < 2; i++)
            {
                await nodes.PushAsync(A, B);
                await nodes.PushAsync(B, C);
            }

            // B: the withdrawn one is a tombstone; the narrowed one only its named organisation reads.
            Assert.Equal("withdrawn", await SeesAsync(B, B.Outsider, withdrawn));
            Assert.Equal("live", await SeesAsync(B, B.Recipient, narrowed));
            Assert.Equal("none", await SeesAsync(B, B.Outsider, narrowed));
            Assert.Equal("none", await SeesAsync(B, B.Member, narrowed));

            // C: both copies removed; who read them sees a tombstone with time and reason, no content anywhere.
            foreach (var (id, why) in new[] { (withdrawn, "Withdrawn by its owner"), (narrowed, "No longer shared") })
            {
                foreach (var who in new[] { C.Outsider, C.Recipient, C.Owner })
                {
                    Assert.Equal("withdrawn", await SeesAsync(C, who, id));
                }

                var shown = await C.Client(C.Outsider).GetStringAsync($"/api/intel/objects/{id}");
                Assert.DoesNotContain("C2 of the wave", shown, StringComparison.Ordinal);
                Assert.DoesNotContain("203.0.113.", shown, StringComparison.Ordinal);
                await using var scope = C.Factory.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
                var copy = await db.IntelObjects.SingleAsync(o => o.StixId == id);
                Assert.NotNull(copy.WithdrawnAt);
                Assert.StartsWith("From node node-b: ", copy.WithdrawnReason, StringComparison.Ordinal);
                Assert.Contains(why, copy.WithdrawnReason, StringComparison.Ordinal);
                Assert.Equal("", copy.Name);
                Assert.Empty(await db.IntelObjectVersions.Where(v => v.RecordId == copy.RecordId && v.Json != null).ToListAsync());
                var received = await db.FederationReceived.Where(r => r.RecordId == copy.RecordId).ToListAsync();
                Assert.NotEmpty(received);
                Assert.All(received, r => Assert.Equal("", r.ObjectJson));
                Assert.All(received, r => Assert.Equal(nodes.PeerId(C, B), r.PeerId));
            }

            // B saw C acknowledge both retractions.
            Assert.True((long)(await StatusAsync(B, nodes.PeerId(B, C)))["removalsAcknowledged"]! >= 2);
        }
        finally
        {
            nodes.Blocked.Clear();
        }
    }

    [Fact]
    public async Task FederationPage_ShowsEachPeersSyncState_ToNodeAdmins_AndNothingToOthers()
    {
        var id = NewId();
        await ShareAsync(A, A.Owner, Indicator(id), "green", "network");
        await nodes.PushAsync(A, B);
        var status = await StatusAsync(A, nodes.PeerId(A, B));

        var page = await A.Client(A.NodeAdmin).GetAsync("/federation");
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(page.StatusCode == HttpStatusCode.OK, html);
        Assert.Contains("id=\"sync-node-b\"", html, StringComparison.Ordinal);
        string Shown(string name) => System.Text.RegularExpressions.Regex.Match(html, $"id=\"sync-node-b\".*?data-sync=\"{name}\"[^>]*>([^<]*)<",
            System.Text.RegularExpressions.RegexOptions.Singleline).Groups[1].Value.Trim();
        Assert.Equal(((long)status["sent"]!).ToString("N0", System.Globalization.CultureInfo.InvariantCulture), Shown("sent").Replace('\u00a0', ','));
        Assert.Equal(((long)status["acknowledged"]!).ToString("N0", System.Globalization.CultureInfo.InvariantCulture), Shown("acknowledged").Replace('\u00a0', ','));
        Assert.NotEqual("", Shown("last-run"));
        Assert.Contains("data-sync=\"backlog\"", html, StringComparison.Ordinal);
        Assert.Contains("data-sync=\"removals-acknowledged\"", html, StringComparison.Ordinal);
        Assert.Contains("data-sync=\"received\"", html, StringComparison.Ordinal);
        Assert.Contains("data-sync=\"last-error\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(id, html, StringComparison.Ordinal);

        // An org admin gets no peer and no count.
        var other = await (await A.Client(A.OwnerAdmin).GetAsync("/federation")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("data-sync=", other, StringComparison.Ordinal);
        Assert.DoesNotContain("node-b", other, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Organisations_ListTheirStixIdentity_ForPeersToDeclare_NodeAdminsOnly()
    {
        var body = await Json.ReadAsync(await A.Client(A.NodeAdmin).GetAsync("/api/federation/organisations?limit=200"));
        var owner = body["items"]!.AsArray().Single(o => (string)o!["id"]! == A.OwnerOrg.ToString())!;
        Assert.Equal(Rampart.Server.Intelligence.Store.IntelIdentity.Of(A.OwnerOrg), (string)owner["stixIdentity"]!);
        Assert.Null(owner["livesOn"]);
        var declared = body["items"]!.AsArray().Single(o => (string)o!["id"]! == nodes.ARecipB.ToString())!;
        Assert.Equal("node-b", (string)declared["livesOn"]!);
        Assert.Equal(HttpStatusCode.Forbidden, (await A.Client(A.OwnerAdmin).GetAsync("/api/federation/organisations")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await A.Client(A.Owner).GetAsync("/api/federation/organisations")).StatusCode);
    }
}

public sealed class SqliteFederationGapsTests(SqliteThreeNodes nodes) : FederationGapsTests(nodes), IClassFixture<SqliteThreeNodes>;

public sealed class PostgresFederationGapsTests(PostgresThreeNodes nodes) : FederationGapsTests(nodes), IClassFixture<PostgresThreeNodes>;
