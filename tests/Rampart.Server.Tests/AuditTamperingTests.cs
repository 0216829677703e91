using System.Text.Json.Nodes;
using Rampart.Server.Audit;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>
/// Someone with write access to the database tampers with the chain after a signed checkpoint;
/// `audit verify` (incremental, and `--full`) reports it.
/// </summary>
public abstract class AuditTamperingTests(DatabaseProvider provider)
{
    /// <summary>A node with some history, a signed checkpoint at its head, and a few entries after it.</summary>
    private async Task<(SeededNode Node, long Checkpoint)> CheckpointedNodeAsync()
    {
        var node = await SeededNode.CreateAsync(provider);
        await node.Client(node.Owner).PostAsync("/api/notes", new { title = "before", tlp = "green", audience = "network" });
        var (exit, output) = await AuditTestKit.VerifyAsync(node.Database);
        Assert.True(exit == 0, output);
        var checkpoint = (await AuditTestKit.CheckpointsAsync(node)).Last();
        await node.Client(node.Owner).PostAsync("/api/notes", new { title = "after", tlp = "green", audience = "network" });
        return (node, checkpoint.Sequence);
    }

    private static async Task AssertBrokenAsync(SeededNode node, bool full, long atSequence, string words)
    {
        var (exit, output) = await AuditTestKit.VerifyAsync(node.Database, full);
        Assert.True(exit == 4, output);
        Assert.Contains($"BROKEN at entry {atSequence}:", output, StringComparison.Ordinal);
        Assert.Contains(words, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checkpoint_IsSignedAndExported_AndAnIntactChainVerifies()
    {
        var (node, checkpoint) = await CheckpointedNodeAsync();
        await using var _ = node;
        var export = await Json.ReadAsync(await node.Client(node.NodeAdmin).GetAsync("/api/audit/checkpoints"));
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", export["publicKey"]!.GetValue<string>(), StringComparison.Ordinal);
        var last = export["checkpoints"]!.AsArray().Last()!;
        Assert.Equal(checkpoint, last["sequence"]!.GetValue<long>());
        Assert.False(string.IsNullOrEmpty(last["signature"]!.GetValue<string>()));

        var (cli, json) = await AuditTestKit.CommandLineAsync(node.Database, "audit", "checkpoints", "export");
        Assert.Equal(0, cli);
        Assert.Equal(checkpoint, JsonNode.Parse(json)!["checkpoints"]!.AsArray().Last()!["sequence"]!.GetValue<long>());

        Assert.Equal(0, (await AuditTestKit.VerifyAsync(node.Database, full: true)).ExitCode);
        Assert.Equal(0, (await AuditTestKit.VerifyAsync(node.Database)).ExitCode);
    }

    [Fact]
    public async Task ChangedField_BeforeCheckpoint_IsReported()
    {
        var (node, checkpoint) = await CheckpointedNodeAsync();
        await using var _ = node;
        await AuditTestKit.SqlAsync(node, """UPDATE "AuditEntries" SET "Detail" = 'forged' WHERE "Sequence" = {0}""", checkpoint - 2);
        await AssertBrokenAsync(node, full: true, checkpoint - 2, "altered");
    }

    [Fact]
    public async Task ChangedId_IsReported()
    {
        var (node, checkpoint) = await CheckpointedNodeAsync();
        await using var _ = node;
        await AuditTestKit.SqlAsync(node, """UPDATE "AuditEntries" SET "Id" = {0} WHERE "Sequence" = {1}""", AuditTestKit.Id(node, Guid.NewGuid()), checkpoint - 3);
        await AssertBrokenAsync(node, full: true, checkpoint - 3, "altered");
    }

    [Fact]
    public async Task DeletedInTheMiddle_IsReported_ByFullAndIncrementalVerification()
    {
        var (node, checkpoint) = await CheckpointedNodeAsync();
        await using var _ = node;
        await AuditTestKit.SqlAsync(node, """DELETE FROM "AuditEntries" WHERE "Sequence" = {0}""", checkpoint / 2);
        await AssertBrokenAsync(node, full: false, checkpoint, "deleted or inserted");
        await AssertBrokenAsync(node, full: true, checkpoint / 2 + 1, "missing");
    }

    [Fact]
    public async Task DeletedNewest_TruncationBackBeforeTheCheckpoint_IsReported()
    {
        var (node, checkpoint) = await CheckpointedNodeAsync();
        await using var _ = node;
        await AuditTestKit.SqlAsync(node, """DELETE FROM "AuditEntries" WHERE "Sequence" >= {0}""", checkpoint - 1);
        await AssertBrokenAsync(node, full: false, checkpoint, "cut");
        await AssertBrokenAsync(node, full: true, checkpoint - 1, "cut");
    }

    [Fact]
    public async Task InsertedWithValidHashes_IsReported()
    {
        var (node, checkpoint) = await CheckpointedNodeAsync();
        await using var _ = node;
        var at = checkpoint / 2;
        // Make room, copy an entry as a forged one, and recompute every later link and hash.
        await AuditTestKit.SqlAsync(node, """UPDATE "AuditEntries" SET "Sequence" = "Sequence" + 1000000 WHERE "Sequence" > {0}""", at);
        await AuditTestKit.SqlAsync(node, """UPDATE "AuditEntries" SET "Sequence" = "Sequence" - 999999 WHERE "Sequence" > 1000000""");
        await AuditTestKit.SqlAsync(node, """
            INSERT INTO "AuditEntries" ("Id", "Sequence", "Time", "UserId", "OrganisationId", "Credential", "ClientIp", "Event", "Target", "Outcome", "Detail", "PreviousHash", "Hash")
            SELECT {0}, "Sequence" + 1, "Time", "UserId", "OrganisationId", "Credential", "ClientIp", "Event", 'note:forged', "Outcome", "Detail", "PreviousHash", "Hash"
            FROM "AuditEntries" WHERE "Sequence" = {1}
            """, AuditTestKit.Id(node, Guid.NewGuid()), at);
        await AuditTestKit.RecomputeFromAsync(node, at + 1);
        Assert.Contains(await AuditTestKit.EntriesAsync(node), e => e.Target == "note:forged");

        await AssertBrokenAsync(node, full: false, checkpoint, "rewritten");
        await AssertBrokenAsync(node, full: true, checkpoint, "rewritten");
    }

    [Fact]
    public async Task RecomputedTail_AfterAChange_IsReported()
    {
        var (node, checkpoint) = await CheckpointedNodeAsync();
        await using var _ = node;
        await AuditTestKit.SqlAsync(node, """UPDATE "AuditEntries" SET "Target" = 'note:forged' WHERE "Sequence" = {0}""", 3);
        await AuditTestKit.RecomputeFromAsync(node, 3);
        await AssertBrokenAsync(node, full: false, checkpoint, "rewritten");
        await AssertBrokenAsync(node, full: true, checkpoint, "rewritten");
    }

    [Fact]
    public async Task ForgedCheckpoint_IsReported()
    {
        var (node, checkpoint) = await CheckpointedNodeAsync();
        await using var _ = node;
        await AuditTestKit.SqlAsync(node, """UPDATE "AuditEntries" SET "Target" = 'note:forged' WHERE "Sequence" = {0}""", 3);
        await AuditTestKit.RecomputeFromAsync(node, 3);
        var head = (await AuditTestKit.EntriesAsync(node)).Single(e => e.Sequence == checkpoint).Hash;
        await AuditTestKit.SqlAsync(node, """UPDATE "AuditCheckpoints" SET "HeadHash" = {0}""", head);
        await AssertBrokenAsync(node, full: true, checkpoint, "not signed by this node's key");
    }

    [Fact]
    public async Task RewriteWithCheckpointsDeleted_IsReportedAgainstAnExportedCopy()
    {
        var (node, checkpoint) = await CheckpointedNodeAsync();
        await using var _ = node;
        var file = Path.Combine(Path.GetTempPath(), $"rampart-checkpoints-{Guid.NewGuid():N}.json");
        try
        {
            Assert.Equal(0, (await AuditTestKit.CommandLineAsync(node.Database, "audit", "checkpoints", "export", "--output", file)).ExitCode);
            await AuditTestKit.SqlAsync(node, """UPDATE "AuditEntries" SET "Target" = 'note:forged' WHERE "Sequence" = {0}""", 3);
            await AuditTestKit.RecomputeFromAsync(node, 3);
            await AuditTestKit.SqlAsync(node, """DELETE FROM "AuditCheckpoints" """);

            var (exit, output) = await AuditTestKit.CommandLineAsync(node.Database, "audit", "verify", "--full", "--checkpoints", file);
            Assert.True(exit == 4, output);
            Assert.Contains($"BROKEN at entry {checkpoint} (against", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task BackgroundJob_StoresABrokenResult_ForThePage()
    {
        var (node, checkpoint) = await CheckpointedNodeAsync();
        await using var _ = node;
        await AuditTestKit.SqlAsync(node, """DELETE FROM "AuditEntries" WHERE "Sequence" = {0}""", checkpoint);
        Assert.True(await AuditTestKit.RunJobAsync(node.Factory));
        var result = await Json.ReadAsync(await node.Client(node.NodeAdmin).GetAsync("/api/audit/verification"));
        Assert.False(result["intact"]!.GetValue<bool>());
        Assert.Equal(checkpoint + 1, result["firstBrokenSequence"]!.GetValue<long>()); // the job's first run walks the whole chain
    }
}

public sealed class SqliteAuditTamperingTests() : AuditTamperingTests(DatabaseProvider.Sqlite);

public sealed class PostgresAuditTamperingTests() : AuditTamperingTests(DatabaseProvider.Postgres);
