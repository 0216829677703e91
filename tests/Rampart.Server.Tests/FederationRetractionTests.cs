using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>
/// Retractions across three nodes (issue 10), checked per organisation on every node through the REST read path (GET of
/// the object and search by its value): an audience reduction at the same TLP (no TLP raise) travels to every node that
/// received the object, and a peer that was down while the owner withdrew, revoked and narrowed ends in exactly the
/// retracted state once the sender's sync reaches it again.
/// </summary>
public abstract class FederationRetractionTests(ThreeNodes nodes)
{
    private SeededNode A => nodes.A;

    private SeededNode B => nodes.B;

    private SeededNode C => nodes.C;

    private sealed record Shared(string Id, string Domain);

    private static Shared NewObject()
    {
        var n = Guid.NewGuid().ToString("N");
        return new("indicator--" + Guid.NewGuid().ToString("D"), $"r{n[..12]}.example");
    }

    private static string Indicator(Shared o, string modified) => $$"""
        {"type":"indicator","spec_version":"2.1","id":"{{o.Id}}","created":"2026-11-02T08:00:00.000Z","modified":"{{modified}}",
         "name":"Retraction drill {{o.Domain}}","pattern":"[domain-name:value = '{{o.Domain}}']","pattern_type":"stix",
         "valid_from":"2026-11-02T08:00:00Z"}
        """;

    private static async Task ShareAsync(SeededNode node, Shared o, string modified, string tlp, params string[] audience)
    {
        var query = string.Join("", audience.Select(a => "&audience=" + Uri.EscapeDataString(a)));
        var bundle = $$"""{"type":"bundle","id":"bundle--{{Guid.NewGuid()}}","objects":[{{Indicator(o, modified)}}]}""";
        var response = await node.Client(node.Owner).PostAsync($"/api/intel/bundles?tlp={tlp}{query}", new StringContent(bundle, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        Assert.Equal(1, (int)JsonNode.Parse(text)!["successCount"]!);
    }

    /// <summary>
    /// What <paramref name="who"/> reads of the object: "live", "revoked", "withdrawn" (a tombstone: no content) or "none"
    /// (the same 404 as an unknown id). Search by the object's value must agree: it finds the object exactly when its
    /// content is readable, never a tombstone and never an object the GET hides.
    /// </summary>
    private static async Task<string> SeesAsync(SeededNode node, Person who, Shared o)
    {
        var client = node.Client(who);
        var response = await client.GetAsync($"/api/intel/objects/{o.Id}");
        string state;
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            state = "none";
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            var body = JsonNode.Parse(text)!;
            state = body["withdrawnAt"] is not null ? "withdrawn" : (bool)body["revoked"]! ? "revoked" : "live";
            if (state == "withdrawn")
            {
                Assert.DoesNotContain(o.Domain, text, StringComparison.Ordinal);
            }
        }

        var search = await client.GetAsync($"/api/intel/objects?value={Uri.EscapeDataString(o.Domain)}&limit=50");
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        var found = (await Json.ReadAsync(search))["items"]!.AsArray().Count(i => (string)i!["stixId"]! == o.Id);
        Assert.True(found == (state is "live" or "revoked" ? 1 : 0), $"{who.Email}, {o.Id}: GET says {state}, search finds {found}");
        return state;
    }

    /// <summary>Every seeded person of <paramref name="node"/>: each organisation (owner, recipient, member, same country, outsider) and every administrator kind.</summary>
    private static async Task<Dictionary<string, string>> ViewAsync(SeededNode node, Shared o) => new()
    {
        ["owner"] = await SeesAsync(node, node.Owner, o),
        ["ownerViewer"] = await SeesAsync(node, node.OwnerViewer, o),
        ["orgAdmin"] = await SeesAsync(node, node.OwnerAdmin, o),
        ["recipient"] = await SeesAsync(node, node.Recipient, o),
        ["recipientColleague"] = await SeesAsync(node, node.RecipientColleague, o),
        ["member"] = await SeesAsync(node, node.Member, o),
        ["sameCountry"] = await SeesAsync(node, node.SameCountry, o),
        ["outsider"] = await SeesAsync(node, node.Outsider, o),
        ["nodeAdmin"] = await SeesAsync(node, node.NodeAdmin, o),
    };

    /// <summary>Expected view: the owner organisation (analyst, viewer, its admin), the recipient organisation (two analysts), member, same country, outsider, node admin.</summary>
    private static Dictionary<string, string> Expect(string owner, string recipient, string member, string sameCountry, string outsider, string nodeAdmin) => new()
    {
        ["owner"] = owner, ["ownerViewer"] = owner, ["orgAdmin"] = owner, ["recipient"] = recipient, ["recipientColleague"] = recipient,
        ["member"] = member, ["sameCountry"] = sameCountry, ["outsider"] = outsider, ["nodeAdmin"] = nodeAdmin,
    };

    private static Dictionary<string, string> Everyone(string state) => Expect(state, state, state, state, state, state);

    private static async Task<bool> HasContentAsync(SeededNode node, string stixId)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var copy = await db.IntelObjects.SingleAsync(x => x.StixId == stixId);
        return copy.WithdrawnAt is null || await db.IntelObjectVersions.AnyAsync(v => v.RecordId == copy.RecordId && v.Json != null)
            || await db.FederationReceived.AnyAsync(r => r.RecordId == copy.RecordId && r.ObjectJson != "");
    }

    private async Task<long> SyncStatusAsync(SeededNode from, SeededNode to, string field) =>
        (long)(await Json.ReadAsync(await from.Client(from.NodeAdmin).GetAsync($"/api/federation/peers/{nodes.PeerId(from, to)}")))["sync"]![field]!;

    [Fact]
    public async Task AudienceReduction_AtTheSameTlp_TravelsAToBToC_EachNodeNarrowsOrRemoves_PerOrganisation()
    {
        var o = NewObject();
        // GREEN, to organisations on B and on C and to A's community (A's member organisation here, B's member organisation there).
        await ShareAsync(A, o, "2026-11-02T09:00:00.000Z", "green", "organisation:" + nodes.ARecipB, "organisation:" + nodes.ARecipC, "community:" + A.Community);
        await nodes.SyncAsync();

        Assert.Equal(Expect(owner: "live", recipient: "none", member: "live", sameCountry: "none", outsider: "none", nodeAdmin: "none"), await ViewAsync(A, o));
        Assert.Equal(Expect(owner: "none", recipient: "live", member: "live", sameCountry: "none", outsider: "none", nodeAdmin: "none"), await ViewAsync(B, o));
        Assert.Equal(Expect(owner: "none", recipient: "live", member: "none", sameCountry: "none", outsider: "none", nodeAdmin: "none"), await ViewAsync(C, o));
        var removalsBefore = await SyncStatusAsync(A, C, "removalsAcknowledged");

        // Narrowing 1, still GREEN: a new version shared with B's organisation and the community only — C's organisation is dropped.
        await ShareAsync(A, o, "2026-11-02T09:10:00.000Z", "green", "organisation:" + nodes.ARecipB, "community:" + A.Community);
        await nodes.SyncAsync();

        Assert.Equal(Expect(owner: "live", recipient: "none", member: "live", sameCountry: "none", outsider: "none", nodeAdmin: "none"), await ViewAsync(A, o));
        Assert.Equal(Expect(owner: "none", recipient: "live", member: "live", sameCountry: "none", outsider: "none", nodeAdmin: "none"), await ViewAsync(B, o));
        // C no longer has a reader: its copy is removed; the organisation that read it sees a tombstone, nobody else anything.
        Assert.Equal(Expect(owner: "none", recipient: "withdrawn", member: "none", sameCountry: "none", outsider: "none", nodeAdmin: "none"), await ViewAsync(C, o));
        Assert.False(await HasContentAsync(C, o.Id));
        Assert.True(await SyncStatusAsync(A, C, "removalsAcknowledged") > removalsBefore);
        Assert.Equal("2026-11-02T09:10:00.0000000+00:00", await NewestModifiedAsync(B, B.Recipient, o));

        // Narrowing 2, still GREEN: only B's recipient organisation — the community (A's and B's member organisations) is dropped.
        await ShareAsync(A, o, "2026-11-02T09:20:00.000Z", "green", "organisation:" + nodes.ARecipB);
        await nodes.SyncAsync();

        Assert.Equal(Expect(owner: "live", recipient: "none", member: "none", sameCountry: "none", outsider: "none", nodeAdmin: "none"), await ViewAsync(A, o));
        Assert.Equal(Expect(owner: "none", recipient: "live", member: "none", sameCountry: "none", outsider: "none", nodeAdmin: "none"), await ViewAsync(B, o));
        Assert.Equal(Expect(owner: "none", recipient: "withdrawn", member: "none", sameCountry: "none", outsider: "none", nodeAdmin: "none"), await ViewAsync(C, o));
        Assert.Equal("2026-11-02T09:20:00.0000000+00:00", await NewestModifiedAsync(B, B.Recipient, o));

        // One copy per node, and nothing is left to send anywhere.
        foreach (var node in nodes.All)
        {
            await using var scope = node.Factory.Services.CreateAsyncScope();
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<RampartDb>().IntelObjects.CountAsync(x => x.StixId == o.Id));
        }

        Assert.Equal(0, await nodes.SyncAsync());
    }

    [Fact]
    public async Task PeerDownWhileTheOwnerWithdrawsRevokesAndNarrows_AfterItComesBack_ItsOrganisationsSeeExactlyTheRetractedState()
    {
        var withdrawn = NewObject();
        var revoked = NewObject();
        var narrowed = NewObject();
        var kept = NewObject();
        await ShareAsync(A, withdrawn, "2026-11-02T09:00:00.000Z", "green", "network");
        await ShareAsync(A, revoked, "2026-11-02T09:00:00.000Z", "green", "network");
        await ShareAsync(A, narrowed, "2026-11-02T09:00:00.000Z", "green", "network", "organisation:" + nodes.ARecipB);
        await ShareAsync(A, kept, "2026-11-02T09:00:00.000Z", "amber", "organisation:" + nodes.ARecipB, "community:" + A.Community);
        await nodes.SyncAsync();
        foreach (var o in new[] { withdrawn, revoked, narrowed })
        {
            Assert.Equal(Everyone("live"), await ViewAsync(B, o));
            Assert.Equal(Everyone("live"), await ViewAsync(C, o));
        }

        Assert.Equal(Expect(owner: "none", recipient: "live", member: "live", sameCountry: "none", outsider: "none", nodeAdmin: "none"), await ViewAsync(B, kept));

        nodes.Offline.Add(nodes.Host(B));
        try
        {
            Assert.Equal(HttpStatusCode.OK, (await A.Client(A.Owner).PostAsync($"/api/intel/objects/{withdrawn.Id}/withdraw", new { reason = "False positive: our sinkhole" })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await A.Client(A.Owner).PostAsync($"/api/intel/objects/{revoked.Id}/revoke", new StringContent(""))).StatusCode);
            // Same TLP, smaller audience: the network entry is dropped, B's recipient organisation stays.
            await ShareAsync(A, narrowed, "2026-11-02T09:10:00.000Z", "green", "organisation:" + nodes.ARecipB);

            // Every node tries; whatever goes to B fails and stays in the backlog, C gets it all.
            await nodes.SyncAsync();
            var failed = await nodes.PushAsync(A, B);
            Assert.NotNull(failed.Error);
            Assert.True(await SyncStatusAsync(A, B, "backlog") >= 3);

            // B, down, has not changed (its database is read directly: its API is "unreachable" only to the peers).
            foreach (var o in new[] { withdrawn, revoked, narrowed })
            {
                Assert.Equal(Everyone("live"), await ViewAsync(B, o));
            }
        }
        finally
        {
            nodes.Offline.Remove(nodes.Host(B));
        }

        // C, which was reachable, already has the retracted state.
        Assert.Equal(Everyone("withdrawn"), await ViewAsync(C, withdrawn));
        Assert.Equal(Everyone("revoked"), await ViewAsync(C, revoked));
        Assert.Equal(Everyone("withdrawn"), await ViewAsync(C, narrowed));

        // B is back: A's next run sends what B missed (only A pushes: B's state comes from A's retry, not from C).
        var back = await nodes.PushAsync(A, B);
        Assert.Null(back.Error);
        Assert.True(back.Acknowledged >= 3, $"acknowledged {back.Acknowledged}");
        Assert.Equal(0, await SyncStatusAsync(A, B, "backlog"));

        await AssertRetractedOnBAsync();
        Assert.Equal(Expect(owner: "live", recipient: "none", member: "none", sameCountry: "none", outsider: "none", nodeAdmin: "none"), await ViewAsync(A, narrowed));

        // Everyone syncs: B forwards what it now holds to C and C to B (C already has it; a removal from C does not touch
        // B's copies, which came from A), B's state does not change, and a second sync sends nothing.
        await nodes.SyncAsync();
        await AssertRetractedOnBAsync();
        Assert.Equal(0, await nodes.SyncAsync());
        Assert.Null((await Json.ReadAsync(await A.Client(A.NodeAdmin).GetAsync($"/api/federation/peers/{nodes.PeerId(A, B)}")))["sync"]!["lastError"]);

        async Task AssertRetractedOnBAsync()
        {
            Assert.Equal(Everyone("withdrawn"), await ViewAsync(B, withdrawn));
            Assert.False(await HasContentAsync(B, withdrawn.Id));
            Assert.Equal(Everyone("revoked"), await ViewAsync(B, revoked));
            Assert.Equal(Expect(owner: "none", recipient: "live", member: "none", sameCountry: "none", outsider: "none", nodeAdmin: "none"), await ViewAsync(B, narrowed));
            Assert.Equal("2026-11-02T09:10:00.0000000+00:00", await NewestModifiedAsync(B, B.Recipient, narrowed));
            // The object not touched while B was down is as it was.
            Assert.Equal(Expect(owner: "none", recipient: "live", member: "live", sameCountry: "none", outsider: "none", nodeAdmin: "none"), await ViewAsync(B, kept));
        }
    }

    /// <summary>
    /// ADR 18: the owner deletes the newest version over TAXII (<c>match[version]=last</c>). A reaches C only through B here, so
    /// the deletion travels A → B → C as a <c>remove-versions</c> item applied from the peer that delivered the record: every
    /// node then serves the previous version (GET, search by value, versions), keeps no received copy of the deleted one, and
    /// later pushes never send it again. Deleting the last version left is the withdrawal, which travels as before.
    /// </summary>
    [Fact]
    public async Task VersionDeletion_TravelsAToBToC_EveryNodeServesThePreviousVersion_AndTheDeletedOneIsNeverSentAgain()
    {
        var o = NewObject();
        nodes.Blocked.Add((A, C));
        nodes.Blocked.Add((C, A));
        try
        {
            await ShareAsync(A, o, "2026-11-02T09:00:00.000Z", "green", "network");
            await ShareAsync(A, o, "2026-11-02T09:10:00.000Z", "green", "network");
            await nodes.SyncAsync();
            foreach (var node in nodes.All)
            {
                Assert.Equal("live", await SeesAsync(node, node.Outsider, o));
                Assert.Equal("2026-11-02T09:10:00.0000000+00:00", await NewestModifiedAsync(node, node.Outsider, o));
            }

            var collection = await Json.ReadAsync(await A.Client(A.NodeAdmin).PostAsync("/api/taxii/collections", new
            {
                title = $"Network {Guid.NewGuid():N}",
                network = true,
                readers = new object[] { new { kind = "network" } },
                writers = new object[] { new { kind = "organisation", id = A.OwnerOrg } },
                writeTlp = "green",
                writeAudiences = new object[] { new { kind = "network" } },
            }));
            // TAXII serves versions once older than Rampart:Taxii:ClockAllowance (2 s) on the node's clock.
            A.Factory.Clock.Advance(TimeSpan.FromSeconds(3));
            var taxii = A.Client(A.Owner);
            taxii.DefaultRequestHeaders.TryAddWithoutValidation("Accept", "application/taxii+json;version=2.1");
            var path = $"/taxii2/api/collections/{collection["id"]}/objects/{o.Id}/";
            var deleted = await taxii.DeleteAsync(path + "?match[version]=last");
            Assert.True(deleted.StatusCode == HttpStatusCode.OK, await deleted.Content.ReadAsStringAsync());
            await nodes.SyncAsync();

            foreach (var node in nodes.All)
            {
                Assert.Equal("live", await SeesAsync(node, node.Outsider, o));
                Assert.Equal("2026-11-02T09:00:00.0000000+00:00", await NewestModifiedAsync(node, node.Outsider, o));
                var versions = (await Json.ReadAsync(await node.Client(node.Outsider).GetAsync($"/api/intel/objects/{o.Id}/versions")))["items"]!.AsArray();
                Assert.Equal("2026-11-02T09:00:00.0000000+00:00", Assert.Single(versions)!["modified"]!.GetValue<DateTimeOffset>().ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            }

            foreach (var node in new[] { B, C })
            {
                var newest = (await Json.ReadAsync(await node.Client(node.Outsider).GetAsync($"/api/intel/objects/{o.Id}/history")))["items"]![0]!;
                Assert.True(newest["kind"]!.GetValue<string>() == "versions-deleted" && newest["via"]!.GetValue<string>() == "federation", newest.ToJsonString());
                await using var scope = node.Factory.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
                var copy = await db.IntelObjects.SingleAsync(x => x.StixId == o.Id);
                var received = await db.FederationReceived.Where(r => r.RecordId == copy.RecordId).Select(r => r.Modified).ToListAsync();
                Assert.Equal(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero), Assert.Single(received));
            }

            // Nothing brings the deleted version back: more pushes leave every node as it is.
            await nodes.SyncAsync();
            foreach (var node in nodes.All)
            {
                Assert.Equal("2026-11-02T09:00:00.0000000+00:00", await NewestModifiedAsync(node, node.Outsider, o));
            }

            // The last version left: the object is withdrawn here and on every node that had it.
            var last = await taxii.DeleteAsync(path + "?match[version]=first");
            Assert.True(last.StatusCode == HttpStatusCode.OK, await last.Content.ReadAsStringAsync());
            await nodes.SyncAsync();
            Assert.Equal("withdrawn", await SeesAsync(A, A.Owner, o));
            foreach (var node in new[] { B, C })
            {
                Assert.Equal("withdrawn", await SeesAsync(node, node.Outsider, o));
                Assert.False(await HasContentAsync(node, o.Id));
            }
        }
        finally
        {
            nodes.Blocked.Remove((A, C));
            nodes.Blocked.Remove((C, A));
        }
    }

    private static async Task<string> NewestModifiedAsync(SeededNode node, Person who, Shared o)
    {
        var body = await Json.ReadAsync(await node.Client(who).GetAsync($"/api/intel/objects/{o.Id}"));
        return body["modified"]!.GetValue<DateTimeOffset>().ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
    }
}

public sealed class SqliteFederationRetractionTests(SqliteThreeNodes nodes) : FederationRetractionTests(nodes), IClassFixture<SqliteThreeNodes>;

public sealed class PostgresFederationRetractionTests(PostgresThreeNodes nodes) : FederationRetractionTests(nodes), IClassFixture<PostgresThreeNodes>;
