using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Federation;
using Rampart.Standards.Federation;

namespace Rampart.Server.Tests;

/// <summary>
/// The sync state on both providers: the per-peer cursor (moves only on the peer's answer), the sent table (what each
/// peer acknowledged, and removals), and the inbox's replay table — against a peer simulated in the test, whose key the
/// test holds.
/// </summary>
public abstract class FederationSyncStorageTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private sealed class FakePeer(Func<JsonObject, HttpResponseMessage> answer) : HttpMessageHandler, IHttpClientFactory
    {
        public List<(HttpRequestMessage Request, byte[] Body)> Received { get; } = [];

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsByteArrayAsync(cancellationToken);
            Received.Add((request, body));
            return answer(JsonNode.Parse(body)!.AsObject());
        }
    }

    private static HttpResponseMessage AcceptAll(JsonObject envelope) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(new JsonObject
        {
            ["id"] = envelope["id"]!.GetValue<string>(),
            ["results"] = new JsonArray([.. envelope["items"]!.AsArray().Select((_, i) => (JsonNode)new JsonObject { ["index"] = i, ["status"] = "accepted" })]),
        }.ToJsonString(), Encoding.UTF8, "application/json"),
    };

    private async Task<Guid> PeerAsync(NodeSigningKey key)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var peers = scope.ServiceProvider.GetRequiredService<FederationPeers>();
        var peer = await peers.RegisterAsync(Caller.Operator(), new PeerRequest("peer-" + Guid.NewGuid().ToString("N")[..10], "https://peer.test", key.PublicKey.ToPem()), default);
        await peers.ConfirmAsync(Caller.Operator(), peer.Id, new PeerConfirmation(key.PublicKey.Fingerprint), default);
        return peer.Id;
    }

    private async Task<PushResult> PushAsync(Guid peer, FakePeer fake)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await ActivatorUtilities.CreateInstance<FederationSync>(scope.ServiceProvider, (IHttpClientFactory)fake).PushAsync(peer, default);
    }

    private async Task<string> ShareGreenAsync()
    {
        var id = "indicator--" + Guid.NewGuid().ToString("D");
        var bundle = $$"""
            {"type":"bundle","id":"bundle--{{Guid.NewGuid()}}","objects":[{"type":"indicator","spec_version":"2.1","id":"{{id}}",
             "created":"2026-11-02T08:00:00.000Z","modified":"2026-11-02T08:00:00.000Z","name":"Scanner","pattern":"[ipv4-addr:value = '198.51.100.7']",
             "pattern_type":"stix","valid_from":"2026-11-02T08:00:00Z"}]}
            """;
        var response = await Node.Client(Node.Owner).PostAsync("/api/intel/bundles?tlp=green&audience=network", new StringContent(bundle, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return id;
    }

    [Fact]
    public async Task Cursor_StaysWhileThePeerIsDown_MovesOnItsAnswer_AndTheSentRowRecordsWhatItAcknowledged()
    {
        using var key = NodeSigningKey.Generate();
        var peer = await PeerAsync(key);
        var id = await ShareGreenAsync();

        var down = await PushAsync(peer, new FakePeer(_ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)));
        Assert.NotNull(down.Error);
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var sync = await db.FederationPeerSyncs.AsNoTracking().SingleAsync(s => s.PeerId == peer);
            Assert.Equal(0, sync.Cursor);
            Assert.Contains("503", sync.LastError, StringComparison.Ordinal);
            Assert.False(await db.FederationSent.AnyAsync(s => s.PeerId == peer));
        }

        var fake = new FakePeer(AcceptAll);
        var up = await PushAsync(peer, fake);
        Assert.Null(up.Error);
        // The request is signed by this node for this peer: the peer verifies it with the node's key.
        var (request, body) = fake.Received[0];
        var self = await Node.Factory.Services.GetRequiredService<NodeIdentity>().ViewAsync(default);
        Assert.True(NodePublicKey.TryParse(self.PublicKey, out var nodeKey));
        var peerNode = new NodeId(((string)(await Json.ReadAsync(await Node.Client(Node.NodeAdmin).GetAsync($"/api/federation/peers/{peer}")))["name"]!), key.PublicKey.Fingerprint);
        Assert.True(nodeKey!.Verify(FederationWire.SignedBytes(peerNode.ToString(), self.NodeId, request.Headers.GetValues(FederationWire.DateHeader).Single(), body),
            FederationWire.FromBase64Url(request.Headers.GetValues(FederationWire.SignatureHeader).Single())!));
        Assert.Contains(id, Encoding.UTF8.GetString(body), StringComparison.Ordinal);

        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var record = await db.IntelObjects.AsNoTracking().Where(o => o.StixId == id).Select(o => o.RecordId).SingleAsync();
            var sync = await db.FederationPeerSyncs.AsNoTracking().SingleAsync(s => s.PeerId == peer);
            Assert.Equal(await db.IntelChanges.MaxAsync(c => c.Sequence), sync.Cursor);
            Assert.Null(sync.LastError);
            Assert.True(sync.Acknowledged >= 1);
            var sent = await db.FederationSent.AsNoTracking().SingleAsync(s => s.PeerId == peer && s.RecordId == record);
            Assert.False(sent.Removed);
            Assert.Equal(new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero), sent.Modified);
        }

        // Nothing new: nothing sent again.
        var again = new FakePeer(AcceptAll);
        Assert.Equal(0, (await PushAsync(peer, again)).Sent);
        Assert.Empty(again.Received);

        // Withdrawn here: a removal goes to the peer that has it, and the sent row says so.
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(Node.Owner).PostAsync($"/api/intel/objects/{id}/withdraw", new { reason = "Wrong address" })).StatusCode);
        var removal = new FakePeer(AcceptAll);
        await PushAsync(peer, removal);
        var item = JsonNode.Parse(removal.Received.Single().Body)!["items"]!.AsArray().Single(i => (string)i!["id"]! == id)!;
        Assert.Equal("remove", (string)item["op"]!);
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var record = await db.IntelObjects.AsNoTracking().Where(o => o.StixId == id).Select(o => o.RecordId).SingleAsync();
            Assert.True((await db.FederationSent.AsNoTracking().SingleAsync(s => s.PeerId == peer && s.RecordId == record)).Removed);
        }
    }

    [Fact]
    public async Task Inbox_EnvelopeIdIsAppliedOnce_AndAnUnconfirmedPeerIsUnauthenticated()
    {
        using var key = NodeSigningKey.Generate();
        var peer = await PeerAsync(key);
        var name = (string)(await Json.ReadAsync(await Node.Client(Node.NodeAdmin).GetAsync($"/api/federation/peers/{peer}")))["name"]!;
        var self = (await Node.Factory.Services.GetRequiredService<NodeIdentity>().IdAsync(default)).ToString();
        var sender = new NodeId(name, key.PublicKey.Fingerprint).ToString();
        var body = Encoding.UTF8.GetBytes(new JsonObject { ["id"] = Guid.NewGuid().ToString(), ["items"] = new JsonArray() }.ToJsonString());
        var date = FederationWire.FormatDate(Node.Factory.Clock.GetUtcNow());

        async Task<HttpStatusCode> PostAsync(string node, byte[] signature)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, FederationWire.InboxPath) { Content = new ByteArrayContent(body) };
            request.Headers.Add(FederationWire.NodeHeader, node);
            request.Headers.Add(FederationWire.DateHeader, date);
            request.Headers.Add(FederationWire.SignatureHeader, FederationWire.Base64Url(signature));
            return (await Node.Factory.CreateClient().SendAsync(request)).StatusCode;
        }

        var signature = key.Sign(FederationWire.SignedBytes(self, sender, date, body));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(sender, signature));
        Assert.Equal(HttpStatusCode.Conflict, await PostAsync(sender, signature));

        // A key nobody confirmed signs correctly and still gets 401.
        using var stranger = NodeSigningKey.Generate();
        var strangerNode = new NodeId("stranger", stranger.PublicKey.Fingerprint).ToString();
        Assert.Equal(HttpStatusCode.Unauthorized, await PostAsync(strangerNode, stranger.Sign(FederationWire.SignedBytes(self, strangerNode, date, body))));

        await using var scope = Node.Factory.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<RampartDb>().FederationInboxReplays.CountAsync(r => r.PeerId == peer));
    }
}

public sealed class SqliteFederationSyncStorageTests(SqliteNode fixture) : FederationSyncStorageTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresFederationSyncStorageTests(PostgresNode fixture) : FederationSyncStorageTests(fixture), IClassFixture<PostgresNode>;
