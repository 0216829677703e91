using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Federation;
using Rampart.Server.Intelligence.Store;
using Rampart.Server.Organisations;
using Rampart.Server.Scheduling;
using Rampart.Standards.Federation;

namespace Rampart.Server.Tests;

/// <summary>
/// Three Rampart nodes in one test process (SQLite or PostgreSQL), federating through the signed inbox: each node's outgoing federation
/// HTTP client is routed to the other nodes' in-memory servers (a peer can be taken offline). Checks, per organisation on
/// each node, exactly what it reads through the REST read path after shares, hops, retractions and an outage.
/// </summary>
public abstract class ThreeNodes(DatabaseProvider provider) : IAsyncLifetime
{
    public SeededNode A { get; private set; } = null!;

    public SeededNode B { get; private set; } = null!;

    public SeededNode C { get; private set; } = null!;

    /// <summary>Hosts whose requests fail as if the node were down.</summary>
    public HashSet<string> Offline { get; } = [];

    /// <summary>Links (from, to) that fail as if unreachable: a node reaches another only through a third.</summary>
    public HashSet<(SeededNode From, SeededNode To)> Blocked { get; } = [];

    /// <summary>On A: the records of B's recipient and member organisations and C's recipient organisation.</summary>
    public Guid ARecipB { get; private set; }

    public Guid AMemberB { get; private set; }

    public Guid ARecipC { get; private set; }

    private readonly Dictionary<(SeededNode From, SeededNode To), Guid> peerIds = [];

    public IEnumerable<SeededNode> All => [A, B, C];

    public string Host(SeededNode n) => n == A ? "node-a.test" : n == B ? "node-b.test" : "node-c.test";

    public Guid PeerId(SeededNode from, SeededNode to) => peerIds[(from, to)];

    public async Task InitializeAsync()
    {
        static Dictionary<string, string?> Settings(string name) => new() { ["Rampart:Federation:NodeName"] = name, ["Rampart:Scheduler:Enabled"] = "false" };
        // Every federation request a node makes by itself (not only the pushes the tests run) goes through the router too.
        Action<IServiceCollection> Routed(Func<SeededNode> from) => services =>
            services.AddHttpClient(FederationWire.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new Router(this, from()));
        A = await SeededNode.CreateAsync(provider, Settings("node-a"), Routed(() => A));
        B = await SeededNode.CreateAsync(provider, Settings("node-b"), Routed(() => B));
        C = await SeededNode.CreateAsync(provider, Settings("node-c"), Routed(() => C));
        foreach (var from in All)
        {
            foreach (var to in All.Where(n => n != from))
            {
                await using var scope = from.Factory.Services.CreateAsyncScope();
                var peers = scope.ServiceProvider.GetRequiredService<FederationPeers>();
                var view = await to.Factory.Services.GetRequiredService<NodeIdentity>().ViewAsync(default);
                var peer = await peers.RegisterAsync(Caller.Operator(), new PeerRequest(view.Name, "https://" + Host(to), view.PublicKey), default);
                await peers.ConfirmAsync(Caller.Operator(), peer.Id, new PeerConfirmation(view.Fingerprint), default);
                peerIds[(from, to)] = peer.Id;
            }
        }

        // Who lives where, as each node's operators declare it.
        ARecipB = await LocalRecordAsync(A, "B-RECIP");
        AMemberB = await LocalRecordAsync(A, "B-MEMBER");
        ARecipC = await LocalRecordAsync(A, "C-RECIP");
        await DeclareAsync(A, B, (ARecipB, B.RecipientOrg), (AMemberB, B.MemberOrg));
        await DeclareAsync(A, C, (ARecipC, C.RecipientOrg));
        await DeclareAsync(B, A, (await LocalRecordAsync(B, "A-OWNER"), A.OwnerOrg));
        await DeclareAsync(C, A, (await LocalRecordAsync(C, "A-OWNER"), A.OwnerOrg));
        await DeclareAsync(B, C, (await LocalRecordAsync(B, "C-OWNER"), C.OwnerOrg));
        await DeclareAsync(C, B, (await LocalRecordAsync(C, "B-OWNER"), B.OwnerOrg));

        // A's community gets B's member organisation (it lives on B).
        await using var s = A.Factory.Services.CreateAsyncScope();
        var moderator = new Caller(A.OwnerAdmin.UserId, A.OwnerOrg, Role.OrgAdmin, new HashSet<Guid>(), Credential: "session:seed");
        await s.ServiceProvider.GetRequiredService<CommunityAdministration>().AddMemberAsync(moderator, A.Community, AMemberB, default);
    }

    public static async Task<Guid> LocalRecordAsync(SeededNode node, string shortName)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<OrganisationAdministration>()
            .CreateAsync(Caller.Operator(), new OrganisationRequest($"Team {shortName}", shortName.Replace("-", "", StringComparison.Ordinal), "ME", OrganisationKind.NationalCert), default)).Id;
    }

    /// <summary>Adds organisations to those declared on <paramref name="on"/> as living on <paramref name="peer"/>.</summary>
    public async Task DeclareMoreAsync(SeededNode on, SeededNode peer, params (Guid Local, Guid Home)[] organisations)
    {
        await using var scope = on.Factory.Services.CreateAsyncScope();
        var peers = scope.ServiceProvider.GetRequiredService<FederationPeers>();
        var current = (await peers.FindAsync(Caller.Operator(), PeerId(on, peer), default))!.Organisations;
        var view = await peers.DeclareOrganisationsAsync(Caller.Operator(), PeerId(on, peer),
            new PeerOrganisationsRequest([.. current, .. organisations.Select(o => new PeerOrganisationEntry(o.Local, IntelIdentity.Of(o.Home)))]), default);
        Assert.NotNull(view);
    }

    private async Task DeclareAsync(SeededNode on, SeededNode peer, params (Guid Local, Guid Home)[] organisations)
    {
        await using var scope = on.Factory.Services.CreateAsyncScope();
        var view = await scope.ServiceProvider.GetRequiredService<FederationPeers>().DeclareOrganisationsAsync(Caller.Operator(), PeerId(on, peer),
            new PeerOrganisationsRequest([.. organisations.Select(o => (PeerOrganisationEntry?)new PeerOrganisationEntry(o.Local, IntelIdentity.Of(o.Home)))]), default);
        Assert.NotNull(view);
    }

    /// <summary>One push from <paramref name="from"/> to <paramref name="to"/>, through the router.</summary>
    public async Task<PushResult> PushAsync(SeededNode from, SeededNode to)
    {
        await using var scope = from.Factory.Services.CreateAsyncScope();
        var sync = ActivatorUtilities.CreateInstance<FederationSync>(scope.ServiceProvider, (IHttpClientFactory)new Router(this, from));
        return await sync.PushAsync(PeerId(from, to), default);
    }

    /// <summary>
    /// Incidents across nodes (ADR 17), one round: every node sends every peer the incident views its organisations' people
    /// may read, then the commands its own people asked of the peer's incidents. Through the router.
    /// </summary>
    public async Task<int> SyncIncidentsAsync(bool allowErrors = false)
    {
        var sent = 0;
        foreach (var from in All)
        {
            foreach (var to in All.Where(n => n != from))
            {
                await using var scope = from.Factory.Services.CreateAsyncScope();
                var requests = ActivatorUtilities.CreateInstance<FederationRequests>(scope.ServiceProvider, (IHttpClientFactory)new Router(this, from));
                var push = await ActivatorUtilities.CreateInstance<Incidents.Peers.IncidentPeerSync>(scope.ServiceProvider, requests).PushAsync(PeerId(from, to), default);
                Assert.True(allowErrors || push.Error is null, push.Error);
                sent += push.Sent;
                await ActivatorUtilities.CreateInstance<Incidents.Peers.PeerIncidentCommands>(scope.ServiceProvider, requests).SendPendingAsync(PeerId(from, to), default);
            }
        }

        return sent;
    }

    /// <summary>Every node pushes to every peer, three rounds (enough for two hops and a way back).</summary>
    public async Task<int> SyncAsync()
    {
        var sent = 0;
        for (var round = 0; round < 3; round++)
        {
            foreach (var from in All)
            {
                foreach (var to in All.Where(n => n != from))
                {
                    sent += (await PushAsync(from, to)).Sent;
                }
            }
        }

        return sent;
    }

    public async Task DisposeAsync()
    {
        foreach (var n in new[] { A, B, C })
        {
            if (n is not null)
            {
                await n.DisposeAsync();
            }
        }
    }

    /// <summary>Routes https://node-x.test to node X's in-memory server.</summary>
    private sealed class Router(ThreeNodes nodes, SeededNode from) : HttpMessageHandler, IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var host = request.RequestUri!.Host;
            if (nodes.Offline.Contains(host))
            {
                throw new HttpRequestException($"{host} is unreachable (test: offline).");
            }

            var target = nodes.All.Single(n => nodes.Host(n) == host);
            if (nodes.Blocked.Contains((from, target)))
            {
                throw new HttpRequestException($"{host} is unreachable from {nodes.Host(from)} (test: blocked link).");
            }

            using var invoker = new HttpMessageInvoker(target.Factory.Server.CreateHandler(), disposeHandler: true);
            return await invoker.SendAsync(request, cancellationToken);
        }
    }
}

public sealed class SqliteThreeNodes() : ThreeNodes(DatabaseProvider.Sqlite);

public sealed class PostgresThreeNodes() : ThreeNodes(DatabaseProvider.Postgres);

public sealed class SqliteFederationSyncTests(SqliteThreeNodes nodes) : FederationSyncTests(nodes), IClassFixture<SqliteThreeNodes>;

public sealed class PostgresFederationSyncTests(PostgresThreeNodes nodes) : FederationSyncTests(nodes), IClassFixture<PostgresThreeNodes>;

public abstract class FederationSyncTests(ThreeNodes nodes)
{
    private const string Amber = "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82";

    private SeededNode A => nodes.A;

    private SeededNode B => nodes.B;

    private SeededNode C => nodes.C;

    internal static string Indicator(string id, string modified = "2026-11-02T09:00:00.000Z", string? marking = null) => $$"""
        {"type":"indicator","spec_version":"2.1","id":"{{id}}","created":"2026-11-02T08:00:00.000Z","modified":"{{modified}}",
         "name":"C2 of the wave {{id[^6..]}}","pattern":"[ipv4-addr:value = '203.0.113.{{Math.Abs(id.GetHashCode() % 250)}}']","pattern_type":"stix",
         "valid_from":"2026-11-02T08:00:00Z"{{(marking is null ? "" : $",\"object_marking_refs\":[\"{marking}\"]")}}}
        """;

    internal static string NewId() => "indicator--" + Guid.NewGuid().ToString("D");

    /// <summary>The owner's analyst on <paramref name="node"/> shares a bundle with the given TLP and audience (query form).</summary>
    internal static async Task ShareAsync(SeededNode node, Person who, string objectJson, string tlp, params string[] audience)
    {
        var query = string.Join("", audience.Select(a => "&audience=" + Uri.EscapeDataString(a)));
        var bundle = $$"""{"type":"bundle","id":"bundle--{{Guid.NewGuid()}}","objects":[{{objectJson}}]}""";
        var response = await node.Client(who).PostAsync($"/api/intel/bundles?tlp={tlp}{query}", new StringContent(bundle, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var body = await Json.ReadAsync(response);
        Assert.Equal(1, (int)body["successCount"]!);
    }

    /// <summary>What <paramref name="who"/> on <paramref name="node"/> reads of the object: "live", "revoked", "withdrawn" or "none".</summary>
    internal static async Task<string> SeesAsync(SeededNode node, Person who, string stixId)
    {
        var response = await node.Client(who).GetAsync($"/api/intel/objects/{stixId}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return "none";
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        return body["withdrawnAt"] is not null ? "withdrawn" : (bool)body["revoked"]! ? "revoked" : "live";
    }

    private static async Task<Dictionary<string, string>> ViewAsync(SeededNode node, string stixId) => new()
    {
        ["owner"] = await SeesAsync(node, node.Owner, stixId),
        ["recipient"] = await SeesAsync(node, node.Recipient, stixId),
        ["member"] = await SeesAsync(node, node.Member, stixId),
        ["outsider"] = await SeesAsync(node, node.Outsider, stixId),
        ["nodeAdmin"] = await SeesAsync(node, node.NodeAdmin, stixId),
        ["orgAdmin"] = await SeesAsync(node, node.OwnerAdmin, stixId),
    };

    private static Dictionary<string, string> Expect(string owner, string recipient, string member, string outsider, string nodeAdmin, string orgAdmin) => new()
    {
        ["owner"] = owner, ["recipient"] = recipient, ["member"] = member, ["outsider"] = outsider, ["nodeAdmin"] = nodeAdmin, ["orgAdmin"] = orgAdmin,
    };

    [Fact]
    public async Task Green_NetworkShare_ReachesEveryOrganisationOnEveryNode_AndStopsBeforeGoingBack()
    {
        var id = NewId();
        await ShareAsync(A, A.Owner, Indicator(id), "green", "network");
        await nodes.SyncAsync();

        // On B and C the copy is owned by A's organisation (no users there): every organisation reads it through the network grant.
        Assert.Equal(Expect("live", "live", "live", "live", "live", "live"), await ViewAsync(B, id));
        Assert.Equal(Expect("live", "live", "live", "live", "live", "live"), await ViewAsync(C, id));
        // A → B → C → A stops: A holds only its own record; C one copy although it came from A and through B.
        foreach (var node in nodes.All)
        {
            await using var scope = node.Factory.Services.CreateAsyncScope();
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<RampartDb>().IntelObjects.CountAsync(o => o.StixId == id));
        }

        // Idempotent: nothing is left to send, a second sync sends nothing.
        Assert.Equal(0, await nodes.SyncAsync());

        // On B the object's history says it came from a peer node; readers there see no job id (no job of theirs).
        var entry = (await Json.ReadAsync(await B.Client(B.Outsider).GetAsync($"/api/intel/objects/{id}/history")))["items"]!.AsArray().Single()!;
        Assert.Equal("added", entry["kind"]!.GetValue<string>());
        Assert.Equal("federation", entry["via"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(entry["peerNode"]?.GetValue<string>()), entry.ToJsonString());
        Assert.Null(entry["jobId"]);
    }

    [Fact]
    public async Task CyberObservable_DoesNotCross_AndDoesNotStopTheSyncOfWhatComesAfterIt()
    {
        // An SCO has no created/modified to sign; before the fix, signing it threw and the sync never got past it.
        var value = $"198.51.100.{Random.Shared.Next(1, 250)}";
        var sco = new System.Text.Json.Nodes.JsonObject { ["type"] = "ipv4-addr", ["spec_version"] = "2.1", ["value"] = value };
        sco["id"] = Rampart.Standards.Stix.ScoIds.Compute(sco);
        await ShareAsync(A, A.Owner, sco.ToJsonString(), "green", "network");
        var id = NewId();
        await ShareAsync(A, A.Owner, Indicator(id), "green", "network");
        await nodes.SyncAsync();

        Assert.Equal(Expect("live", "live", "live", "live", "live", "live"), await ViewAsync(B, id));
        await using var scope = B.Factory.Services.CreateAsyncScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<RampartDb>().IntelObjects.CountAsync(o => o.StixId == sco["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Amber_ShareToAnOrganisationOnB_OnlyThatOrganisationReadsItThere_NothingCrossesToC()
    {
        var id = NewId();
        await ShareAsync(A, A.Owner, Indicator(id), "amber", "organisation:" + nodes.ARecipB);
        await nodes.SyncAsync();

        Assert.Equal(Expect("none", "live", "none", "none", "none", "none"), await ViewAsync(B, id));
        Assert.Equal(Expect("none", "none", "none", "none", "none", "none"), await ViewAsync(C, id));
        Assert.Equal(Expect("live", "none", "none", "none", "none", "live"), await ViewAsync(A, id));
    }

    [Fact]
    public async Task Amber_CommunityShare_NarrowsToTheMembersLivingOnB()
    {
        var id = NewId();
        await ShareAsync(A, A.Owner, Indicator(id), "amber", "community:" + A.Community);
        await nodes.SyncAsync();

        // The community is A's only: on B it becomes B's member organisation (the one declared in it), nobody else.
        Assert.Equal(Expect("live", "none", "live", "none", "none", "live"), await ViewAsync(A, id));
        Assert.Equal(Expect("none", "none", "live", "none", "none", "none"), await ViewAsync(B, id));
        Assert.Equal(Expect("none", "none", "none", "none", "none", "none"), await ViewAsync(C, id));
    }

    [Fact]
    public async Task Red_ToANamedOrganisationOnC_ReachesOnlyIt_NotB()
    {
        var id = NewId();
        await ShareAsync(A, A.Owner, Indicator(id), "red", "organisation:" + nodes.ARecipC);
        await nodes.SyncAsync();

        Assert.Equal(Expect("none", "live", "none", "none", "none", "none"), await ViewAsync(C, id));
        Assert.Equal(Expect("none", "none", "none", "none", "none", "none"), await ViewAsync(B, id));
    }

    [Fact]
    public async Task Revocation_Withdrawal_AndAudienceReduction_ReachEveryNodeThatHadTheObject()
    {
        var revoked = NewId();
        var withdrawn = NewId();
        var reduced = NewId();
        await ShareAsync(A, A.Owner, Indicator(revoked), "green", "network");
        await ShareAsync(A, A.Owner, Indicator(withdrawn), "green", "network");
        await ShareAsync(A, A.Owner, Indicator(reduced), "green", "network", "organisation:" + nodes.ARecipB);
        await nodes.SyncAsync();
        foreach (var id in new[] { revoked, withdrawn, reduced })
        {
            Assert.Equal("live", await SeesAsync(B, B.Outsider, id));
            Assert.Equal("live", await SeesAsync(C, C.Outsider, id));
        }

        Assert.Equal(HttpStatusCode.OK, (await A.Client(A.Owner).PostAsync($"/api/intel/objects/{revoked}/revoke", new StringContent(""))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await A.Client(A.Owner).PostAsync($"/api/intel/objects/{withdrawn}/withdraw", new { reason = "False positive: our sinkhole" })).StatusCode);
        // A new version marked AMBER: the network entry is beyond AMBER's ceiling, only B's named organisation remains.
        // Sent with the audience it had: a new version's share would narrow the record to what it names.
        await ShareAsync(A, A.Owner, Indicator(reduced, "2026-11-02T09:10:00.000Z", Amber), "green", "network", "organisation:" + nodes.ARecipB);
        await nodes.SyncAsync();

        Assert.Equal("revoked", await SeesAsync(B, B.Outsider, revoked));
        Assert.Equal("revoked", await SeesAsync(C, C.Outsider, revoked));
        Assert.Equal("withdrawn", await SeesAsync(B, B.Outsider, withdrawn));
        Assert.Equal("withdrawn", await SeesAsync(C, C.Outsider, withdrawn));
        // Their histories on C say so, newest first, and that the retraction came from a peer.
        foreach (var (retracted, kind) in new[] { (revoked, "revoked"), (withdrawn, "withdrawn") })
        {
            var newest = (await Json.ReadAsync(await C.Client(C.Outsider).GetAsync($"/api/intel/objects/{retracted}/history")))["items"]![0]!;
            Assert.True(newest["kind"]!.GetValue<string>() == kind && newest["via"]!.GetValue<string>() == "federation", newest.ToJsonString());
        }

        Assert.Equal(Expect("none", "live", "none", "none", "none", "none"), await ViewAsync(B, reduced));
        // C has no named organisation: its copy is removed (a tombstone, no content), nobody there reads the content.
        await using (var scope = C.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var copy = await db.IntelObjects.SingleAsync(o => o.StixId == reduced);
            Assert.NotNull(copy.WithdrawnAt);
            Assert.Empty(await db.IntelObjectVersions.Where(v => v.RecordId == copy.RecordId && v.Json != null).ToListAsync());
        }

        // The sender sees the acknowledgements per peer (counts only).
        var status = await Json.ReadAsync(await A.Client(A.NodeAdmin).GetAsync($"/api/federation/peers/{nodes.PeerId(A, C)}"));
        Assert.True((long)status["sync"]!["acknowledged"]! >= 6);
        Assert.DoesNotContain(reduced, status.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConflictingVersions_NewestModifiedWinsOnEveryNode_WhateverOrderAndPathTheVersionsArriveBy_ALateOlderVersionStaysHome()
    {
        var id = NewId();
        nodes.Blocked.Add((A, C));
        try
        {
            // While A cannot reach C, the first two versions reach C only through B (one more hop each).
            await ShareAsync(A, A.Owner, Indicator(id, "2026-11-02T09:00:00.000Z"), "green", "network");
            await nodes.SyncAsync();
            Assert.Equal(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero), await ModifiedAsync(C, id));
            await ShareAsync(A, A.Owner, Indicator(id, "2026-11-02T09:10:00.000Z"), "green", "network");
            await nodes.SyncAsync();
            Assert.Equal(new DateTimeOffset(2026, 11, 2, 9, 10, 0, TimeSpan.Zero), await ModifiedAsync(C, id));
        }
        finally
        {
            nodes.Blocked.Remove((A, C));
        }

        // The direct link is back: A's backlog for C (both versions, oldest first) arrives after the newest came through B.
        await nodes.SyncAsync();

        // A version older than the newest, published late by the owner (a correction made offline), is kept on A as history
        // and does not become current. It does not travel: a peer is sent the versions newer than the newest it acknowledged
        // (docs/sharing.md, "Versions"), so B and C keep the two versions they had and the same current one.
        await ShareAsync(A, A.Owner, Indicator(id, "2026-11-02T09:05:00.000Z"), "green", "network");
        await nodes.SyncAsync();

        foreach (var node in nodes.All)
        {
            string[] expected = node == A
                ? ["2026-11-02T09:10:00.0000000+00:00", "2026-11-02T09:05:00.0000000+00:00", "2026-11-02T09:00:00.0000000+00:00"]
                : ["2026-11-02T09:10:00.0000000+00:00", "2026-11-02T09:00:00.0000000+00:00"];
            Assert.Equal(new DateTimeOffset(2026, 11, 2, 9, 10, 0, TimeSpan.Zero), await ModifiedAsync(node, id));
            var versions = await Json.ReadAsync(await node.Client(node.Outsider).GetAsync($"/api/intel/objects/{id}/versions"));
            Assert.Equal(expected, versions["items"]!.AsArray().Select(v => v!["modified"]!.GetValue<DateTimeOffset>().ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
            await using var scope = node.Factory.Services.CreateAsyncScope();
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<RampartDb>().IntelObjects.CountAsync(o => o.StixId == id));
        }

        // Nothing is left to send anywhere: no version loops back.
        Assert.Equal(0, await nodes.SyncAsync());
    }

    /// <summary>The current version's <c>modified</c> of the object as the outsider of <paramref name="node"/> reads it (network share).</summary>
    private static async Task<DateTimeOffset> ModifiedAsync(SeededNode node, string stixId)
    {
        var response = await node.Client(node.Outsider).GetAsync($"/api/intel/objects/{stixId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal(body["modified"]!.GetValue<DateTimeOffset>(), DateTimeOffset.Parse(body["stix"]!["modified"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        return body["modified"]!.GetValue<DateTimeOffset>();
    }

    [Fact]
    public async Task PeerOffline_CursorStays_AndItCatchesUpWhenBack()
    {
        var id = NewId();
        nodes.Offline.Add(nodes.Host(B));
        try
        {
            await ShareAsync(A, A.Owner, Indicator(id), "green", "network");
            var failed = await nodes.PushAsync(A, B);
            Assert.NotNull(failed.Error);
            Assert.Equal("none", await SeesAsync(B, B.Outsider, id));
            var status = await Json.ReadAsync(await A.Client(A.NodeAdmin).GetAsync($"/api/federation/peers/{nodes.PeerId(A, B)}"));
            Assert.Contains("unreachable", (string)status["sync"]!["lastError"]!, StringComparison.Ordinal);
        }
        finally
        {
            nodes.Offline.Remove(nodes.Host(B));
        }

        var back = await nodes.PushAsync(A, B);
        Assert.Null(back.Error);
        Assert.True(back.Acknowledged >= 1);
        Assert.Equal("live", await SeesAsync(B, B.Outsider, id));
        var after = await Json.ReadAsync(await A.Client(A.NodeAdmin).GetAsync($"/api/federation/peers/{nodes.PeerId(A, B)}"));
        Assert.Null(after["sync"]!["lastError"]);
    }

    [Fact]
    public async Task OrganisationTheSenderMayNotSpeakFor_IsRefusedAndAudited()
    {
        // A's recipient organisation is not declared on B or C as living on A: A may not speak for it there.
        var id = NewId();
        await ShareAsync(A, A.Recipient, Indicator(id), "green", "network");
        var result = await nodes.PushAsync(A, B);
        Assert.True(result.Refused >= 1);
        Assert.Equal("none", await SeesAsync(B, B.Outsider, id));
        await using var scope = B.Factory.Services.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<RampartDb>().AuditEntries
            .AnyAsync(e => e.Event == AuditEvent.FederationProvenanceRejected && e.Target == $"stix:{id}"));
    }

    [Fact]
    public async Task Inbox_ForgedProvenanceUnsignedAndReplayedEnvelopes_AreRefused()
    {
        var id = NewId();
        var json = Indicator(id);
        var self = A.Factory.Services.GetRequiredService<NodeIdentity>();
        var aId = (await self.IdAsync(default)).ToString();
        var bId = (await B.Factory.Services.GetRequiredService<NodeIdentity>().IdAsync(default)).ToString();
        using var doc = JsonDocument.Parse(json);
        var provenance = await self.SignAsync(doc.RootElement, new ProvenanceOrganisation(A.OwnerOrg, IntelIdentity.Of(A.OwnerOrg)), default);
        // Signed for one object, carrying another: the hash no longer matches.
        var tampered = JsonNode.Parse(json)!.AsObject();
        tampered["name"] = "Not what A signed";
        var envelope = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["items"] = new JsonArray(new JsonObject
            {
                ["op"] = "version", ["tlp"] = "green", ["audience"] = new JsonObject { ["organisations"] = new JsonArray(), ["network"] = true },
                ["object"] = tampered, ["provenance"] = JsonNode.Parse(provenance.ToJson()),
            }),
        };
        var body = Encoding.UTF8.GetBytes(envelope.ToJsonString());
        var date = FederationWire.FormatDate(B.Factory.Clock.GetUtcNow());

        async Task<HttpResponseMessage> PostAsync(byte[] signature)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, FederationWire.InboxPath) { Content = new ByteArrayContent(body) };
            request.Headers.Add(FederationWire.NodeHeader, aId);
            request.Headers.Add(FederationWire.DateHeader, date);
            request.Headers.Add(FederationWire.SignatureHeader, FederationWire.Base64Url(signature));
            return await B.Factory.CreateClient().SendAsync(request);
        }

        // A signature by another key (or over other bytes) is a 401 before anything is read.
        using var stranger = NodeSigningKey.Generate();
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(stranger.Sign(FederationWire.SignedBytes(bId, aId, date, body)))).StatusCode);

        var signature = await self.SignBytesAsync(FederationWire.SignedBytes(bId, aId, date, body), default);
        var response = await PostAsync(signature);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = await Json.ReadAsync(response);
        Assert.Equal("refused", (string)answer["results"]![0]!["status"]!);
        Assert.Contains("HashMismatch", (string)answer["results"]![0]!["detail"]!, StringComparison.Ordinal);
        Assert.Equal("none", await SeesAsync(B, B.Outsider, id));

        // The same signed request again: refused as a replay.
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(signature)).StatusCode);

        await using var scope = B.Factory.Services.CreateAsyncScope();
        var audit = scope.ServiceProvider.GetRequiredService<RampartDb>().AuditEntries;
        Assert.True(await audit.AnyAsync(e => e.Event == AuditEvent.FederationProvenanceRejected && e.Target == $"stix:{id}"));
        Assert.True(await audit.AnyAsync(e => e.Event == AuditEvent.FederationEnvelopeRefused));
    }

    [Fact]
    public async Task Administrators_ReadNothingTheAccessDecisionDenies_AndCannotOnboardAnOrganisationOfAPeer()
    {
        var id = NewId();
        await ShareAsync(A, A.Owner, Indicator(id), "amber+strict", "organisation:" + nodes.ARecipB);
        await nodes.SyncAsync();
        Assert.Equal(Expect("none", "live", "none", "none", "none", "none"), await ViewAsync(B, id));

        // The peer status is for node admins only and shows counts, never content.
        var status = await A.Client(A.NodeAdmin).GetAsync($"/api/federation/peers/{nodes.PeerId(A, B)}");
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        var text = await status.Content.ReadAsStringAsync();
        Assert.DoesNotContain(id, text, StringComparison.Ordinal);
        Assert.DoesNotContain("C2 of the wave", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await A.Client(A.OwnerAdmin).GetAsync($"/api/federation/peers/{nodes.PeerId(A, B)}")).StatusCode);

        // The inbox only writes: no GET, and nothing under /federation answers with content.
        Assert.NotEqual(HttpStatusCode.OK, (await B.Client(B.NodeAdmin).GetAsync(FederationWire.InboxPath)).StatusCode);

        // No admin on B can become A's organisation (which owns the copy) or the organisation it was sent to on A.
        await using var scope = B.Factory.Services.CreateAsyncScope();
        var owner = await scope.ServiceProvider.GetRequiredService<RampartDb>().IntelObjects.Where(o => o.StixId == id).Select(o => o.OwnerOrganisationId).SingleAsync();
        var onboard = await B.Client(B.NodeAdmin).PostAsync("/api/users", new { email = "sneaky@b.test", displayName = "Sneaky", organisationId = owner, role = "org-admin" });
        Assert.Equal(HttpStatusCode.Forbidden, onboard.StatusCode);
        var onboardA = await A.Client(A.NodeAdmin).PostAsync("/api/users", new { email = "sneaky@a.test", displayName = "Sneaky", organisationId = nodes.ARecipB, role = "org-admin" });
        Assert.Equal(HttpStatusCode.Forbidden, onboardA.StatusCode);
    }

    [Fact]
    public void SyncJob_IsOnTheDurableScheduler()
    {
        var definitions = A.Factory.Services.GetServices<ScheduledJobDefinition>();
        Assert.Contains(definitions, d => d.Name == FederationSyncJob.JobName && d.JobType == typeof(FederationSyncJob));
    }
}
