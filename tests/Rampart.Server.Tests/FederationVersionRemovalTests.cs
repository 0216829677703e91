using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Federation;
using Rampart.Server.Intelligence.Live;
using Rampart.Server.Intelligence.Store;

namespace Rampart.Server.Tests;

/// <summary>
/// Session 21, the review of the version deletion (ADR 18) across three nodes, SQLite and PostgreSQL: the federation push
/// waits at a recent hole in the outbox sequence and so still sends a version deletion that commits late (M3); a relay never
/// forwards a received copy of a deleted version, and the store drops those copies with the deletion (M2); a relay cannot
/// remove a version another node delivered (H1); a version that no longer reads back refuses one removal, not the envelope (5).
/// </summary>
public abstract class FederationVersionRemovalTests(ThreeNodes nodes)
{
    private SeededNode A => nodes.A;

    private SeededNode B => nodes.B;

    private SeededNode C => nodes.C;

    private sealed record Shared(string Id, string Domain);

    private static Shared NewObject()
    {
        var n = Guid.NewGuid().ToString("N");
        return new("indicator--" + Guid.NewGuid().ToString("D"), $"v{n[..12]}.example");
    }

    private static async Task ShareAsync(SeededNode node, Shared o, string modified)
    {
        var indicator = $$"""
            {"type":"indicator","spec_version":"2.1","id":"{{o.Id}}","created":"2026-11-02T08:00:00.000Z","modified":"{{modified}}",
             "name":"Removal drill {{o.Domain}} {{modified}}","pattern":"[domain-name:value = '{{o.Domain}}']","pattern_type":"stix",
             "valid_from":"2026-11-02T08:00:00Z"}
            """;
        var bundle = $$"""{"type":"bundle","id":"bundle--{{Guid.NewGuid()}}","objects":[{{indicator}}]}""";
        var response = await node.Client(node.Owner).PostAsync("/api/intel/bundles?tlp=green&audience=network", new StringContent(bundle, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        Assert.Equal(1, (int)JsonNode.Parse(text)!["successCount"]!);
    }

    /// <summary>The newest version the outsider of <paramref name="node"/> is served (round-trip format), or "none" (404).</summary>
    private static async Task<string> NewestAsync(SeededNode node, Shared o)
    {
        var response = await node.Client(node.Outsider).GetAsync($"/api/intel/objects/{o.Id}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return "none";
        }

        var body = await Json.ReadAsync(response);
        Assert.Null(body["withdrawnAt"]);
        var modified = body["modified"]!.GetValue<DateTimeOffset>().ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        return (bool)body["revoked"]! ? "revoked " + modified : modified;
    }

    private static async Task<List<string>> VersionsAsync(SeededNode node, Shared o) =>
        [.. (await Json.ReadAsync(await node.Client(node.Outsider).GetAsync($"/api/intel/objects/{o.Id}/versions")))["items"]!.AsArray()
            .Select(v => v!["modified"]!.GetValue<DateTimeOffset>().ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>The owner of <paramref name="node"/>'s copy deletes versions of it through the store path (as TAXII DELETE and the inbox do).</summary>
    private static async Task<VersionDeletion?> DeleteVersionsAsync(SeededNode node, Shared o, VersionSelection selection)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var owner = await db.IntelObjects.Where(x => x.StixId == o.Id).Select(x => x.OwnerOrganisationId).SingleAsync();
        var caller = new Caller(Guid.NewGuid(), owner, Role.Analyst, new HashSet<Guid>());
        return await scope.ServiceProvider.GetRequiredService<IntelRetraction>().DeleteVersionsAsync(caller, o.Id, selection, "Deleted in a test.", default);
    }

    private static readonly VersionSelection Last = new(false, false, true, []);

    private const string Nine = "2026-11-02T09:00:00.0000000+00:00";

    private static readonly string[] OnlyNine = [Nine];

    private async Task<long> CursorAsync(SeededNode from, SeededNode to)
    {
        await using var scope = from.Factory.Services.CreateAsyncScope();
        var peerId = nodes.PeerId(from, to);
        return await scope.ServiceProvider.GetRequiredService<RampartDb>().FederationPeerSyncs.Where(s => s.PeerId == peerId).Select(s => s.Cursor).SingleAsync();
    }

    private static async Task<long> HeadAsync(SeededNode node)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RampartDb>().IntelChanges.MaxAsync(c => c.Sequence);
    }

    /// <summary>
    /// Review M3. A version deletion takes its outbox number when it is written and commits after a later change did (on
    /// PostgreSQL a sequence number is taken at insert). The push must wait at that hole while the change after it is recent —
    /// or the cursor moves past it and the deletion never reaches the peer — deliver the late change once it is there, and
    /// pass a hole for good (a rolled-back write) once the change after it is older than GapSettle.
    /// </summary>
    [Fact]
    public async Task Push_WaitsAtARecentHoleInTheOutbox_DeliversTheLateVersionDeletion_AndPassesAHoleOnceItIsOld()
    {
        var o = NewObject();
        var next = NewObject();
        await ShareAsync(A, o, "2026-11-02T09:00:00.000Z");
        await ShareAsync(A, o, "2026-11-02T09:10:00.000Z");
        await nodes.PushAsync(A, B);
        Assert.Equal("2026-11-02T09:10:00.0000000+00:00", await NewestAsync(B, o));

        // The owner deletes the newest version (outbox row `late`), then shares another object (a later row).
        Assert.Equal(VersionDeletionKind.Some, (await DeleteVersionsAsync(A, o, Last))!.Kind);
        var late = await HeadAsync(A);
        await ShareAsync(A, next, "2026-11-02T09:00:00.000Z");
        var head = await HeadAsync(A);
        Assert.True(head > late);

        // The deletion's row has not committed yet: a hole at `late`, with recent changes after it.
        IntelChange row;
        await using (var scope = A.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            row = await db.IntelChanges.AsNoTracking().SingleAsync(c => c.Sequence == late);
            Assert.Equal(IntelChangeKind.VersionsDeleted, row.Kind);
            await db.IntelChanges.Where(c => c.Sequence == late).ExecuteDeleteAsync();
        }

        var waiting = await nodes.PushAsync(A, B);
        Assert.Null(waiting.Error);
        Assert.Equal(late - 1, await CursorAsync(A, B));
        Assert.Equal("none", await NewestAsync(B, next));
        Assert.Equal("2026-11-02T09:10:00.0000000+00:00", await NewestAsync(B, o));

        // It commits: the next push sends the deletion and what came after it.
        await using (var scope = A.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            db.IntelChanges.Add(row);
            await db.SaveChangesAsync();
        }

        var caughtUp = await nodes.PushAsync(A, B);
        Assert.Null(caughtUp.Error);
        Assert.Equal(head, await CursorAsync(A, B));
        Assert.Equal("2026-11-02T09:00:00.0000000+00:00", await NewestAsync(B, o));
        Assert.Equal(OnlyNine, await VersionsAsync(B, o));
        Assert.Equal("2026-11-02T09:00:00.0000000+00:00", await NewestAsync(B, next));

        // A write that rolled back leaves a hole for good: waited at while the change after it is recent, passed once it is old.
        var gone = NewObject();
        var after = NewObject();
        var beforeGone = await HeadAsync(A);
        await ShareAsync(A, gone, "2026-11-02T09:00:00.000Z");
        var goneHead = await HeadAsync(A);
        await ShareAsync(A, after, "2026-11-02T09:00:00.000Z");
        var afterHead = await HeadAsync(A);
        await using (var scope = A.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            await db.IntelChanges.Where(c => c.Sequence > beforeGone && c.Sequence <= goneHead).ExecuteDeleteAsync();
        }

        await nodes.PushAsync(A, B);
        Assert.Equal(beforeGone, await CursorAsync(A, B));
        Assert.Equal("none", await NewestAsync(B, after));

        var settle = A.Factory.Services.GetRequiredService<IOptions<IntelStreamOptions>>().Value.GapSettle + TimeSpan.FromSeconds(1);
        await using (var scope = A.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var old = A.Factory.Clock.GetUtcNow() - settle;
            await db.IntelChanges.Where(c => c.Sequence > goneHead && c.Sequence <= afterHead).ExecuteUpdateAsync(s => s.SetProperty(c => c.At, old));
        }

        var passed = await nodes.PushAsync(A, B);
        Assert.Null(passed.Error);
        Assert.Equal(afterHead, await CursorAsync(A, B));
        Assert.Equal("2026-11-02T09:00:00.0000000+00:00", await NewestAsync(B, after));
    }

    /// <summary>
    /// Review M2. On the relay B the store itself drops the received copies of the versions it deletes (in the deletion's
    /// transaction: no later cleanup step to lose), and a received copy left behind anyway (written after the deletion
    /// committed) is never forwarded: a new peer C gets only the version that still has content.
    /// </summary>
    [Fact]
    public async Task Relay_DropsReceivedCopiesWithTheDeletion_AndNeverForwardsACopyOfADeletedVersionToANewPeer()
    {
        var o = NewObject();
        nodes.Blocked.Add((A, C));
        nodes.Blocked.Add((C, A));
        nodes.Blocked.Add((B, C));
        try
        {
            await ShareAsync(A, o, "2026-11-02T09:00:00.000Z");
            await ShareAsync(A, o, "2026-11-02T09:10:00.000Z");
            await nodes.SyncAsync();
            Assert.Equal("2026-11-02T09:10:00.0000000+00:00", await NewestAsync(B, o));
            Assert.Equal("none", await NewestAsync(C, o));

            FederationReceived copy;
            await using (var scope = B.Factory.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
                var recordId = await db.IntelObjects.Where(x => x.StixId == o.Id).Select(x => x.RecordId).SingleAsync();
                copy = await db.FederationReceived.AsNoTracking().SingleAsync(r => r.RecordId == recordId && r.Modified == new DateTimeOffset(2026, 11, 2, 9, 10, 0, TimeSpan.Zero));
            }

            // The store path alone (the inbox's step after it never runs: a cancelled request, a process that died).
            Assert.Equal(VersionDeletionKind.Some, (await DeleteVersionsAsync(B, o, Last))!.Kind);
            await using (var scope = B.Factory.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
                var received = await db.FederationReceived.Where(r => r.RecordId == copy.RecordId).Select(r => r.Modified).ToListAsync();
                Assert.Equal(new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero), Assert.Single(received));

                // A received copy of the deleted version written after the deletion committed (the inbox's race).
                db.FederationReceived.Add(copy);
                await db.SaveChangesAsync();
            }

            // C, new to the record, is reached through B: it gets the version with content only.
            nodes.Blocked.Remove((B, C));
            var push = await nodes.PushAsync(B, C);
            Assert.Null(push.Error);
            Assert.Equal("2026-11-02T09:00:00.0000000+00:00", await NewestAsync(C, o));
            Assert.Equal(OnlyNine, await VersionsAsync(C, o));
            await using (var scope = C.Factory.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
                var recordId = await db.IntelObjects.Where(x => x.StixId == o.Id).Select(x => x.RecordId).SingleAsync();
                Assert.False(await db.IntelObjectVersions.AnyAsync(v => v.RecordId == recordId && v.Modified == copy.Modified));
            }
        }
        finally
        {
            nodes.Blocked.Remove((A, C));
            nodes.Blocked.Remove((C, A));
            nodes.Blocked.Remove((B, C));
        }
    }

    /// <summary>
    /// Review H1. C received the first version from the relay B and the revocation from the origin A directly. B names the
    /// revocation in a <c>remove-versions</c>: C applies only versions B delivered itself, so nothing changes — the object
    /// stays revoked on C (it is not brought back to life) and the revoked version is still held.
    /// </summary>
    [Fact]
    public async Task RemoveVersions_FromRelayNamingAVersionItDidNotDeliver_IsNotApplied()
    {
        var o = NewObject();
        nodes.Blocked.Add((A, C));
        nodes.Blocked.Add((C, A));
        try
        {
            // The first version reaches C through B only.
            await ShareAsync(A, o, "2026-11-02T09:00:00.000Z");
            await nodes.SyncAsync();
            Assert.Equal("2026-11-02T09:00:00.0000000+00:00", await NewestAsync(C, o));

            // The revocation reaches C from A directly (B's link to C is down meanwhile).
            nodes.Blocked.Remove((A, C));
            nodes.Blocked.Remove((C, A));
            nodes.Blocked.Add((B, C));
            nodes.Blocked.Add((C, B));
            Assert.Equal(HttpStatusCode.OK, (await A.Client(A.Owner).PostAsync($"/api/intel/objects/{o.Id}/revoke", new StringContent(""))).StatusCode);
            await nodes.SyncAsync();
            var revoked = await NewestAsync(C, o);
            Assert.StartsWith("revoked ", revoked, StringComparison.Ordinal);
            Assert.Equal(2, (await VersionsAsync(C, o)).Count);
        }
        finally
        {
            nodes.Blocked.Remove((A, C));
            nodes.Blocked.Remove((C, A));
            nodes.Blocked.Remove((B, C));
            nodes.Blocked.Remove((C, B));
        }

        // B, which delivered only the first version, asks C to delete the revocation.
        var stamp = DateTimeOffset.Parse((await NewestAsync(C, o))["revoked ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        var envelope = new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString("D"),
            ["items"] = new JsonArray(new JsonObject
            {
                ["op"] = "remove-versions", ["id"] = o.Id, ["organisation"] = IntelIdentity.Of(A.OwnerOrg),
                ["versions"] = new JsonArray(FederationWire.Version(stamp)), ["reason"] = "Versions deleted by the owner.",
            }),
        };
        var answer = (await SignedFederation.PostAsync(B, C, FederationWire.InboxPath, FederationWire.InboxPurpose, envelope))["results"]![0]!;
        Assert.Equal("accepted", answer["status"]!.GetValue<string>());
        Assert.Equal("NoSuchVersion", answer["detail"]!.GetValue<string>());

        // C is as it was: revoked, both versions held, and the revocation's received copy kept.
        Assert.StartsWith("revoked ", await NewestAsync(C, o), StringComparison.Ordinal);
        Assert.Equal(2, (await VersionsAsync(C, o)).Count);
        await using var scope = C.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var recordId = await db.IntelObjects.Where(x => x.StixId == o.Id).Select(x => x.RecordId).SingleAsync();
        Assert.Equal(2, await db.FederationReceived.CountAsync(r => r.RecordId == recordId && r.ObjectJson != ""));
        Assert.False(await db.IntelChanges.AnyAsync(c => c.RecordId == recordId && c.Kind == IntelChangeKind.VersionsDeleted));
    }

    /// <summary>
    /// Review finding 5. On B the version that would become current no longer reads back (damaged in the database): A's
    /// <c>remove-versions</c> for it is refused — nothing deleted on B — and the rest of the same envelope is applied.
    /// </summary>
    [Fact]
    public async Task RemoveVersions_WhenTheRemainingVersionNoLongerReadsBack_RefusesThatItemOnly_AndTheEnvelopeIsApplied()
    {
        var o = NewObject();
        var other = NewObject();
        await ShareAsync(A, o, "2026-11-02T09:00:00.000Z");
        await ShareAsync(A, o, "2026-11-02T09:10:00.000Z");
        Assert.Null((await nodes.PushAsync(A, B)).Error);
        Assert.Equal("2026-11-02T09:10:00.0000000+00:00", await NewestAsync(B, o));
        await CorruptAsync(B, o.Id, new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero));

        Assert.Equal(VersionDeletionKind.Some, (await DeleteVersionsAsync(A, o, Last))!.Kind);
        await ShareAsync(A, other, "2026-11-02T09:00:00.000Z");
        var push = await nodes.PushAsync(A, B);
        Assert.Null(push.Error);
        Assert.Equal(1, push.Refused);

        Assert.Equal("2026-11-02T09:00:00.0000000+00:00", await NewestAsync(B, other));
        Assert.Equal("2026-11-02T09:10:00.0000000+00:00", await NewestAsync(B, o));
        Assert.Equal(2, (await VersionsAsync(B, o)).Count);
    }

    /// <summary>Damages one stored version in the database: valid JSON that is no valid STIX indicator any more (no pattern).</summary>
    internal static async Task CorruptAsync(SeededNode node, string stixId, DateTimeOffset modified)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var recordId = await db.IntelObjects.Where(x => x.StixId == stixId).Select(x => x.RecordId).SingleAsync();
        var version = await db.IntelObjectVersions.SingleAsync(v => v.RecordId == recordId && v.Modified == modified);
        var json = JsonNode.Parse(version.Json!)!.AsObject();
        json.Remove("pattern");
        json.Remove("pattern_type");
        version.Json = json.ToJsonString();
        await db.SaveChangesAsync();
    }
}

public sealed class SqliteFederationVersionRemovalTests(SqliteThreeNodes nodes) : FederationVersionRemovalTests(nodes), IClassFixture<SqliteThreeNodes>;

public sealed class PostgresFederationVersionRemovalTests(PostgresThreeNodes nodes) : FederationVersionRemovalTests(nodes), IClassFixture<PostgresThreeNodes>;
