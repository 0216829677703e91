using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Admin;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Federation;
using Rampart.Server.Organisations;
using Rampart.Standards.Federation;

namespace Rampart.Server.Tests;

/// <summary>
/// Federation foundations through the HTTP API and the services the sync job will call: the node key (generated once,
/// shared by app servers, never returned), peers (operators only, confirmed by fingerprint) and provenance checks
/// between two real nodes.
/// </summary>
public abstract class FederationTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private const string Indicator = """
        {"type":"indicator","spec_version":"2.1","id":"indicator--1f0c5f0e-6b1a-4c5e-9d3b-2a7e8c9d0e1f",
         "created":"2026-11-30T02:00:00.000Z","modified":"2026-11-30T03:00:00.000Z","name":"Phishing domain of the ongoing wave",
         "pattern":"[domain-name:value = 'login-gov-al.example']","pattern_type":"stix","valid_from":"2026-11-30T02:00:00Z"}
        """;

    private static JsonElement Obj(string json = Indicator) => JsonDocument.Parse(json).RootElement;

    private static object PeerBody(NodeSigningKey key, string? name = null) =>
        new { name = name ?? "peer-" + Guid.NewGuid().ToString("N")[..12], url = "https://rampart.cert.example", publicKey = key.PublicKey.ToPem() };

    private async Task<JsonNode> RegisterAsync(NodeSigningKey key, string? name = null)
    {
        var response = await Node.Client(Node.NodeAdmin).PostAsync("/api/federation/peers", PeerBody(key, name));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await Json.ReadAsync(response);
    }

    [Fact]
    public async Task Node_AnyLoggedInUser_SeesPublicKeyAndFingerprintOnly()
    {
        var response = await Node.Client(Node.OwnerViewer).GetAsync("/api/federation/node");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal(["nodeId", "name", "algorithm", "fingerprint", "groupedFingerprint", "publicKey", "createdAt"], body.AsObject().Select(p => p.Key));
        Assert.True(NodePublicKey.TryParse((string)body["publicKey"]!, out var key));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(key!.SubjectPublicKeyInfo)), (string)body["fingerprint"]!);
        Assert.Equal("rampart:" + key.Fingerprint, (string)body["nodeId"]!);
        Assert.Equal("Ed25519", (string)body["algorithm"]!);
        Assert.DoesNotContain("PRIVATE", body.ToJsonString(), StringComparison.OrdinalIgnoreCase);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Client(null).GetAsync("/api/federation/node")).StatusCode);
    }

    [Fact]
    public async Task NodeKey_StoredPrivateKey_IsDataProtectionCiphertextNeverThePlainKey()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var row = await scope.ServiceProvider.GetRequiredService<RampartDb>().FederationNodeKeys.AsNoTracking().SingleAsync();
        var plain = scope.ServiceProvider.GetRequiredService<IDataProtectionProvider>().CreateProtector(NodeIdentity.ProtectionPurpose)
            .Unprotect(Convert.FromBase64String(row.ProtectedPrivateKey));
        using var key = NodeSigningKey.Import(plain);
        Assert.Equal(row.Fingerprint, key.PublicKey.Fingerprint);
        Assert.DoesNotContain(Convert.ToBase64String(plain), row.ProtectedPrivateKey, StringComparison.Ordinal);
        Assert.Equal(-1, Convert.FromBase64String(row.ProtectedPrivateKey).AsSpan().IndexOf(plain.AsSpan(plain.Length - 32)));
    }

    [Fact]
    public async Task Peers_OrgAdminAnalystViewerAndReadOnlyNodeAdminKey_CannotRegisterConfirmOrChange()
    {
        using var key = NodeSigningKey.Generate();
        using var extra = NodeSigningKey.Generate();
        var peer = await RegisterAsync(key);
        var id = (string)peer["id"]!;
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var readOnlyAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.NodeOrg, $"ro-{Guid.NewGuid():N}@node.test", Role.NodeAdmin, readOnlyKey: true);
        foreach (var person in new[] { Node.OwnerAdmin, Node.Owner, Node.OwnerViewer, Node.Outsider })
        {
            var client = Node.Client(person);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/federation/peers")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/api/federation/peers/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/api/federation/peers", PeerBody(extra))).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"/api/federation/peers/{id}/confirm", new { fingerprint = key.PublicKey.Fingerprint })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"/api/federation/peers/{id}/suspend", new { })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsync($"/api/federation/peers/{id}/organisations", new { organisations = Array.Empty<object>() })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"/api/federation/peers/{id}")).StatusCode);
        }

        var ro = Node.Client(readOnlyAdmin);
        Assert.Equal(HttpStatusCode.OK, (await ro.GetAsync($"/api/federation/peers/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ro.PostAsync("/api/federation/peers", PeerBody(extra))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await ro.PostAsync($"/api/federation/peers/{id}/confirm", new { fingerprint = key.PublicKey.Fingerprint })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Client(null).GetAsync("/api/federation/peers")).StatusCode);

        var after = await Json.ReadAsync(await Node.Client(Node.NodeAdmin).GetAsync($"/api/federation/peers/{id}"));
        Assert.Equal("unconfirmed", (string)after["state"]!);
    }

    [Fact]
    public async Task Peers_NoAnswer_EverContainsThisNodesPrivateKey()
    {
        using var key = NodeSigningKey.Generate();
        var peer = await RegisterAsync(key);
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var row = await scope.ServiceProvider.GetRequiredService<RampartDb>().FederationNodeKeys.AsNoTracking().SingleAsync();
        var plain = scope.ServiceProvider.GetRequiredService<IDataProtectionProvider>().CreateProtector(NodeIdentity.ProtectionPurpose)
            .Unprotect(Convert.FromBase64String(row.ProtectedPrivateKey));
        var client = Node.Client(Node.NodeAdmin);
        var texts = new List<string>
        {
            await client.GetStringAsync("/api/federation/node"),
            await client.GetStringAsync("/api/federation/peers"),
            await client.GetStringAsync($"/api/federation/peers/{peer["id"]}"),
            await client.GetStringAsync("/openapi/v1.json"),
        };
        foreach (var secret in new[] { Convert.ToBase64String(plain), Convert.ToBase64String(plain[^32..]), row.ProtectedPrivateKey, "PRIVATE KEY" })
        {
            Assert.All(texts, t => Assert.DoesNotContain(secret, t, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Confirm_WrongFingerprint_Is400AndThePeerStaysUnconfirmed()
    {
        using var key = NodeSigningKey.Generate();
        using var other = NodeSigningKey.Generate();
        var id = (string)(await RegisterAsync(key))["id"]!;
        var admin = Node.Client(Node.NodeAdmin);

        var wrong = await admin.PostAsync($"/api/federation/peers/{id}/confirm", new { fingerprint = other.PublicKey.GroupedFingerprint });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.NotNull((await Json.ReadAsync(wrong))["errors"]!["fingerprint"]);
        var garbage = await admin.PostAsync($"/api/federation/peers/{id}/confirm", new { fingerprint = "12 34" });
        Assert.NotNull((await Json.ReadAsync(garbage))["errors"]!["fingerprint"]);
        Assert.Equal("unconfirmed", (string)(await Json.ReadAsync(await admin.GetAsync($"/api/federation/peers/{id}")))["state"]!);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsync($"/api/federation/peers/{id}/resume", new { })).StatusCode);

        // Read out grouped and in lower case with colons: still the same fingerprint.
        var typed = key.PublicKey.GroupedFingerprint.ToLowerInvariant().Replace(' ', ':');
        var ok = await admin.PostAsync($"/api/federation/peers/{id}/confirm", new { fingerprint = typed });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var confirmed = await Json.ReadAsync(ok);
        Assert.Equal("active", (string)confirmed["state"]!);
        Assert.NotNull(confirmed["confirmedAt"]);

        var suspended = await Json.ReadAsync(await admin.PostAsync($"/api/federation/peers/{id}/suspend", new { }));
        Assert.Equal("suspended", (string)suspended["state"]!);
        Assert.Equal("active", (string)(await Json.ReadAsync(await admin.PostAsync($"/api/federation/peers/{id}/resume", new { })))["state"]!);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/federation/peers/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/federation/peers/{id}")).StatusCode);

        var events = (await AuditTestKit.EntriesAsync(Node)).Where(e => e.Target == $"federation-peer:{id}").Select(e => e.Event).ToList();
        Assert.Equal(
            [AuditEvent.FederationPeerRegistered, AuditEvent.FederationPeerConfirmationFailed, AuditEvent.FederationPeerConfirmed,
             AuditEvent.FederationPeerSuspended, AuditEvent.FederationPeerResumed, AuditEvent.FederationPeerRemoved],
            events);
    }

    [Theory]
    [InlineData("name", "Has Spaces", "https://a.example", true)]
    [InlineData("url", "ok-name", "http://rampart.example", true)]
    [InlineData("url", "ok-name", "https://user:pw@rampart.example", true)]
    [InlineData("url", "ok-name", "not a url", true)]
    [InlineData("publicKey", "ok-name", "https://a.example", false)]
    public async Task Register_BadField_Is400NamingItAndStoresNothing(string field, string name, string url, bool goodKey)
    {
        using var key = NodeSigningKey.Generate();
        var admin = Node.Client(Node.NodeAdmin);
        var before = await PeerCountAsync();
        var response = await admin.PostAsync("/api/federation/peers", new { name = name + "-" + Guid.NewGuid().ToString("N")[..6], url, publicKey = goodKey ? key.PublicKey.ToPem() : "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await Json.ReadAsync(response))["errors"]![field]);
        Assert.Equal(before, await PeerCountAsync());
    }

    [Fact]
    public async Task Register_OwnKeyOrAKeyAlreadyRegistered_Is400OnPublicKey()
    {
        var admin = Node.Client(Node.NodeAdmin);
        var own = await Json.ReadAsync(await admin.GetAsync("/api/federation/node"));
        var self = await admin.PostAsync("/api/federation/peers", new { name = "myself", url = "https://a.example", publicKey = (string)own["publicKey"]! });
        Assert.NotNull((await Json.ReadAsync(self))["errors"]!["publicKey"]);

        using var key = NodeSigningKey.Generate();
        await RegisterAsync(key);
        var again = await admin.PostAsync("/api/federation/peers", PeerBody(key));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.NotNull((await Json.ReadAsync(again))["errors"]!["publicKey"]);
    }

    [Fact]
    public async Task Peers_List_IsCursorPagedWithoutDuplicatesOrGaps()
    {
        var keys = Enumerable.Range(0, 3).Select(_ => NodeSigningKey.Generate()).ToList();
        var registered = new List<string>();
        foreach (var k in keys)
        {
            registered.Add((string)(await RegisterAsync(k))["id"]!);
        }

        var seen = new List<string>();
        string? next = null;
        do
        {
            var page = await Json.ReadAsync(await Node.Client(Node.NodeAdmin).GetAsync("/api/federation/peers?limit=2" + (next is null ? "" : "&next=" + Uri.EscapeDataString(next))));
            seen.AddRange(page["items"]!.AsArray().Select(i => (string)i!["id"]!));
            next = (string?)page["next"];
        }
        while (next is not null);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.All(registered, id => Assert.Contains(id, seen));
        keys.ForEach(k => k.Dispose());
    }

    [Fact]
    public async Task DeclareOrganisations_OrganisationWithUsersHereOrUnknown_Is400AndAValidListIsKept()
    {
        using var key = NodeSigningKey.Generate();
        var id = (string)(await RegisterAsync(key))["id"]!;
        var admin = Node.Client(Node.NodeAdmin);
        var remote = await RemoteOrganisationAsync(Node, "REM" + Guid.NewGuid().ToString("N")[..5]);
        var withUsers = await admin.PutAsync($"/api/federation/peers/{id}/organisations", new { organisations = new[] { new { organisationId = Node.OwnerOrg, stixIdentity = "identity--7b8a1c2d-3e4f-5a6b-8c7d-9e0f1a2b3c4d" } } });
        Assert.NotNull((await Json.ReadAsync(withUsers))["errors"]!["organisations[0].organisationId"]);
        var unknown = await admin.PutAsync($"/api/federation/peers/{id}/organisations", new { organisations = new[] { new { organisationId = Guid.NewGuid(), stixIdentity = "identity--nope" } } });
        var errors = (await Json.ReadAsync(unknown))["errors"]!;
        Assert.NotNull(errors["organisations[0].stixIdentity"]);

        var ok = await admin.PutAsync($"/api/federation/peers/{id}/organisations", new { organisations = new[] { new { organisationId = remote, stixIdentity = "identity--7b8a1c2d-3e4f-5a6b-8c7d-9e0f1a2b3c4d" } } });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(remote.ToString(), (string)(await Json.ReadAsync(ok))["organisations"]![0]!["organisationId"]!);

        using var otherKey = NodeSigningKey.Generate();
        var otherId = (string)(await RegisterAsync(otherKey))["id"]!;
        var twice = await admin.PutAsync($"/api/federation/peers/{otherId}/organisations", new { organisations = new[] { new { organisationId = remote, stixIdentity = "identity--7b8a1c2d-3e4f-5a6b-8c7d-9e0f1a2b3c4e" } } });
        Assert.NotNull((await Json.ReadAsync(twice))["errors"]!["organisations[0].organisationId"]);
    }

    [Fact]
    public async Task NodeKey_TwoAppServersOnOneDatabase_SeeTheSameFingerprint()
    {
        await using var second = new RampartFactory(Node.Database);
        var first = await Json.ReadAsync(await Node.Client(Node.Owner).GetAsync("/api/federation/node"));
        var other = await Json.ReadAsync(await second.ClientWithKey(Node.Owner.ApiKey).GetAsync("/api/federation/node"));
        Assert.Equal((string)first["fingerprint"]!, (string)other["fingerprint"]!);
        Assert.Equal((string)first["publicKey"]!, (string)other["publicKey"]!);
    }

    [Fact]
    public async Task NodeKey_GeneratedConcurrentlyByManyAppServers_IsOneKeyForAll()
    {
        await using var database = new TestDatabase(fixture.Node.Database.Provider);
        await using var one = new RampartFactory(database);
        _ = one.Server;
        await using var two = new RampartFactory(database);
        _ = two.Server;
        // Forget the key the first start made, then let fresh identities on both hosts race to make one.
        await using (var scope = one.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<RampartDb>().FederationNodeKeys.ExecuteDeleteAsync();
        }

        static NodeIdentity Fresh(RampartFactory f) => new(f.Services.GetRequiredService<IServiceScopeFactory>(), f.Services.GetRequiredService<IDataProtectionProvider>(),
            f.Services.GetRequiredService<IOptions<FederationOptions>>(), TimeProvider.System, f.Services.GetRequiredService<ILogger<NodeIdentity>>());
        var identities = Enumerable.Range(0, 8).Select(i => Fresh(i % 2 == 0 ? one : two)).ToList();
        var ids = await Task.WhenAll(identities.Select(i => Task.Run(() => i.IdAsync(CancellationToken.None))));
        Assert.Single(ids.Select(i => i.ToString()).Distinct());
        await using (var scope = two.Services.CreateAsyncScope())
        {
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<RampartDb>().FederationNodeKeys.CountAsync());
        }

        identities.ForEach(i => i.Dispose());
    }

    [Fact]
    public async Task Provenance_SignedOnAVerifiesOnBOnlyWithAConfirmedActivePeerAndFailsAfterTampering()
    {
        await using var b = await SeededNode.CreateAsync(Node.Database.Provider, new Dictionary<string, string?> { ["Rampart:Federation:NodeName"] = "cert-mk" });
        var a = Node;

        // On A: its identity, and provenance signed for an object of its owner organisation.
        var aIdentity = await Json.ReadAsync(await a.Client(a.Owner).GetAsync("/api/federation/node"));
        var orgIdentity = Intelligence.Store.IntelIdentity.Of(a.OwnerOrg);
        ProvenanceDocument signed;
        await using (var scope = a.Factory.Services.CreateAsyncScope())
        {
            signed = await scope.ServiceProvider.GetRequiredService<NodeIdentity>().SignAsync(Obj(), new ProvenanceOrganisation(a.OwnerOrg, orgIdentity), default);
        }

        var wire = signed.ToJson();

        // On B: A registered by its published key (unconfirmed), its owner organisation declared.
        var bAdmin = b.Client(b.NodeAdmin);
        var peer = await Json.ReadAsync(await bAdmin.PostAsync("/api/federation/peers", new { name = "rampart", url = "http://127.0.0.1:5080", publicKey = (string)aIdentity["publicKey"]! }));
        var peerId = Guid.Parse((string)peer["id"]!);
        var mirror = await RemoteOrganisationAsync(b, "OWNERAL");
        Assert.Equal(HttpStatusCode.OK, (await bAdmin.PutAsync($"/api/federation/peers/{peerId}/organisations", new { organisations = new[] { new { organisationId = mirror, stixIdentity = orgIdentity } } })).StatusCode);

        async Task<ProvenanceCheck> CheckOnB(string json, JsonElement obj)
        {
            await using var scope = b.Factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<FederationTrust>().CheckAsync(ProvenanceDocument.Parse(json), obj, peerId, default);
        }

        Assert.Equal(ProvenanceVerdict.UnknownKey, (await CheckOnB(wire, Obj())).Verdict); // unconfirmed: not believed

        Assert.Equal(HttpStatusCode.OK, (await bAdmin.PostAsync($"/api/federation/peers/{peerId}/confirm", new { fingerprint = (string)aIdentity["groupedFingerprint"]! })).StatusCode);
        var accepted = await CheckOnB(wire, Obj());
        Assert.True(accepted.Accepted, accepted.ToString());
        Assert.Equal(mirror, accepted.OriginOrganisation);

        // Any change to the object or the document is refused.
        var changedObject = JsonNode.Parse(Indicator)!.AsObject();
        changedObject["pattern"] = "[domain-name:value = 'example.org']";
        Assert.Equal(ProvenanceVerdict.HashMismatch, (await CheckOnB(wire, Obj(changedObject.ToJsonString()))).Verdict);
        foreach (var tampered in new[]
        {
            signed with { Organisation = signed.Organisation with { Id = Guid.NewGuid() } },
            signed with { ObjectModified = "2026-11-30T03:00:00.001Z" },
            signed with { Signature = signed.Signature[..10] + (signed.Signature[10] == 'A' ? 'B' : 'A') + signed.Signature[11..] },
        })
        {
            Assert.False((await CheckOnB(tampered.ToJson(), Obj())).Accepted);
        }

        // An organisation A may not speak for (not declared as living on A) is refused.
        ProvenanceDocument foreignOrg;
        await using (var scope = a.Factory.Services.CreateAsyncScope())
        {
            foreignOrg = await scope.ServiceProvider.GetRequiredService<NodeIdentity>().SignAsync(Obj(), new ProvenanceOrganisation(a.OutsiderOrg, Intelligence.Store.IntelIdentity.Of(a.OutsiderOrg)), default);
        }

        var notOurs = await CheckOnB(foreignOrg.ToJson(), Obj());
        Assert.Equal(ProvenanceVerdict.Valid, notOurs.Verdict);
        Assert.False(notOurs.Accepted);

        // Suspended: A's key is no longer believed; resumed: it is again.
        Assert.Equal(HttpStatusCode.OK, (await bAdmin.PostAsync($"/api/federation/peers/{peerId}/suspend", new { })).StatusCode);
        Assert.Equal(ProvenanceVerdict.UnknownKey, (await CheckOnB(wire, Obj())).Verdict);
        Assert.Equal(HttpStatusCode.OK, (await bAdmin.PostAsync($"/api/federation/peers/{peerId}/resume", new { })).StatusCode);
        Assert.True((await CheckOnB(wire, Obj())).Accepted);

        // Every refusal is in B's audit trail.
        var rejected = (await AuditTestKit.EntriesAsync(b)).Count(e => e.Event == AuditEvent.FederationProvenanceRejected);
        Assert.Equal(6, rejected); // the same version refused twice for the same reason (UnknownKey, before and after the suspension) is audited once
    }

    [Fact]
    public async Task AdminCommands_FederationShowAndPeers_PrintTheFingerprintAndThePeers()
    {
        using var key = NodeSigningKey.Generate();
        var name = "cli-" + Guid.NewGuid().ToString("N")[..8];
        await RegisterAsync(key, name);
        async Task<(int, string)> Run(params string[] args)
        {
            var output = new StringWriter();
            var exit = await AdminCommandLine.RunAsync(args, output, new StringWriter(), builder =>
            {
                builder.Configuration["Rampart:Database:Provider"] = Node.Database.Provider.ToString();
                builder.Configuration["Rampart:Database:ConnectionString"] = Node.Database.ConnectionString;
            });
            return (exit, output.ToString());
        }

        var own = await Json.ReadAsync(await Node.Client(Node.Owner).GetAsync("/api/federation/node"));
        var (exit, shown) = await Run("admin", "federation", "show");
        Assert.Equal(0, exit);
        Assert.Contains((string)own["groupedFingerprint"]!, shown, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE", shown, StringComparison.Ordinal);
        var (exit2, listed) = await Run("admin", "federation", "peers");
        Assert.Equal(0, exit2);
        Assert.Contains($"{name}\tunconfirmed", listed, StringComparison.Ordinal);
        Assert.Contains(key.PublicKey.GroupedFingerprint, listed, StringComparison.Ordinal);
    }

    private async Task<int> PeerCountAsync()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RampartDb>().FederationPeers.CountAsync();
    }

    // An organisation registered on this node by the operator, with no users here: one that lives on a peer.
    private static async Task<Guid> RemoteOrganisationAsync(SeededNode node, string shortName)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        var organisations = scope.ServiceProvider.GetRequiredService<OrganisationAdministration>();
        return (await organisations.CreateAsync(Caller.Operator(), new OrganisationRequest($"Team {shortName}", shortName[..Math.Min(shortName.Length, 12)], "AL", OrganisationKind.NationalCert), default)).Id;
    }
}

public sealed class SqliteFederationTests(SqliteNode fixture) : FederationTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresFederationTests(PostgresNode fixture) : FederationTests(fixture), IClassFixture<PostgresNode>;
