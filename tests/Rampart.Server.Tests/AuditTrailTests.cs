using System.Net;
using Rampart.Server.Audit;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>The audit chain on each database: entries for changes, and tampering found by `audit verify`.</summary>
public abstract class AuditTrailTests(DatabaseProvider provider)
{
    private static Task<(int ExitCode, string Output)> VerifyWithCommandLineAsync(TestDatabase database) => AuditTestKit.VerifyAsync(database, full: true);

    private static Task<List<AuditEntry>> EntriesAsync(SeededNode node) => AuditTestKit.EntriesAsync(node);

    private static Task ExecuteSqlAsync(SeededNode node, string sql, long sequence) => AuditTestKit.SqlAsync(node, sql, sequence);

    [Fact]
    public async Task AlteredRow_IsReportedByAuditVerify_AsExactlyThatEntry()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        await node.Client(node.Owner).PostAsync("/api/notes", new { title = "n", tlp = "green", audience = "network" });
        var (cleanExit, cleanOutput) = await VerifyWithCommandLineAsync(node.Database);
        Assert.Equal(0, cleanExit);
        Assert.Contains("intact", cleanOutput, StringComparison.Ordinal);

        var entries = await EntriesAsync(node);
        Assert.True(entries.Count > 10);
        var victim = entries[entries.Count / 2];
        await ExecuteSqlAsync(node, """UPDATE "AuditEntries" SET "Target" = 'note:forged' WHERE "Sequence" = {0}""", victim.Sequence);

        var (exit, output) = await VerifyWithCommandLineAsync(node.Database);
        Assert.Equal(4, exit);
        Assert.Contains($"BROKEN at entry {victim.Sequence}:", output, StringComparison.Ordinal);
        Assert.Contains("altered", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletedRow_IsReportedWhereTheGapIs()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var entries = await EntriesAsync(node);
        var victim = entries[3];
        await ExecuteSqlAsync(node, """DELETE FROM "AuditEntries" WHERE "Sequence" = {0}""", victim.Sequence);

        var (exit, output) = await VerifyWithCommandLineAsync(node.Database);
        Assert.Equal(4, exit);
        Assert.Contains($"BROKEN at entry {victim.Sequence + 1}:", output, StringComparison.Ordinal);
        Assert.Contains("missing", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changes_AreAuditedWithWhoHowAndOutcome()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var response = await node.Client(node.Owner).PostAsync("/api/notes", new { title = "audited", tlp = "amber", audience = "organisation" });
        var id = (await Json.ReadAsync(response))["id"]!.GetValue<Guid>();

        var entry = (await EntriesAsync(node)).Last(e => e.Event == AuditEvent.NoteCreated);
        Assert.Equal($"note:{id}", entry.Target);
        Assert.Equal(node.Owner.UserId, entry.UserId);
        Assert.Equal(node.OwnerOrg, entry.OrganisationId);
        Assert.StartsWith("apikey:", entry.Credential, StringComparison.Ordinal);
        Assert.Equal(AuditOutcome.Success, entry.Outcome);
        Assert.Equal(400, (int)entry.Event);
        Assert.DoesNotContain("audited", entry.Detail ?? "", StringComparison.Ordinal); // no content in the trail
    }

    [Fact]
    public async Task AuditApi_NodeAdminSeesAll_OrgAdminOwnOrganisation_AnalystNothing()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        await node.Client(node.Outsider).PostAsync("/api/notes", new { title = "outsider's", tlp = "green", audience = "network" });

        var all = await Json.ReadAsync(await node.Client(node.NodeAdmin).GetAsync("/api/audit?limit=200"));
        var own = await Json.ReadAsync(await node.Client(node.OwnerAdmin).GetAsync("/api/audit?limit=200"));
        Assert.Contains(all["items"]!.AsArray(), e => e!["organisationId"]?.GetValue<Guid>() == node.OutsiderOrg);
        Assert.All(own["items"]!.AsArray(), e => Assert.Equal(node.OwnerOrg, e!["organisationId"]!.GetValue<Guid>()));
        Assert.Equal(HttpStatusCode.Forbidden, (await node.Client(node.Owner).GetAsync("/api/audit")).StatusCode);

        // The page and API show the background job's last result; nothing is verified inside the request.
        Assert.Equal(HttpStatusCode.NoContent, (await node.Client(node.NodeAdmin).GetAsync("/api/audit/verification")).StatusCode);
        Assert.True(await AuditTestKit.RunJobAsync(node.Factory));
        var verification = await Json.ReadAsync(await node.Client(node.NodeAdmin).GetAsync("/api/audit/verification"));
        Assert.True(verification["intact"]!.GetValue<bool>());
        Assert.True(verification["verifiedThrough"]!.GetValue<long>() > 10);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.Client(node.OwnerAdmin).GetAsync("/api/audit/verification")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.Client(node.OwnerAdmin).GetAsync("/api/audit/checkpoints")).StatusCode);

        // Reading the log is itself a privileged read that is recorded.
        Assert.Contains(await EntriesAsync(node), e => e.Event == AuditEvent.AuditLogViewed && e.UserId == node.OwnerAdmin.UserId);
    }

    [Fact]
    public async Task AdminViews_OfUsersAndOthersKeys_AreAudited()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        Assert.Equal(HttpStatusCode.OK, (await node.Client(node.OwnerAdmin).GetAsync("/api/users")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await node.Client(node.OwnerAdmin).GetAsync($"/api/users/{node.Owner.UserId}/keys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await node.Client(node.Owner).GetAsync($"/api/users/{node.Owner.UserId}/keys")).StatusCode);

        var entries = await EntriesAsync(node);
        Assert.Contains(entries, e => e.Event == AuditEvent.UserListViewed && e.UserId == node.OwnerAdmin.UserId);
        Assert.Contains(entries, e => e.Event == AuditEvent.ApiKeysOfOtherUserViewed && e.UserId == node.OwnerAdmin.UserId && e.Target == $"user:{node.Owner.UserId}");
        // Looking at your own keys is not a privileged read.
        Assert.DoesNotContain(entries, e => e.Event == AuditEvent.ApiKeysOfOtherUserViewed && e.UserId == node.Owner.UserId);
    }

    [Fact]
    public async Task ConcurrentWriters_KeepOneUnbrokenChain()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var people = new[] { node.Owner, node.Recipient, node.Member, node.Outsider, node.SameCountry };
        await Task.WhenAll(people.SelectMany(p => Enumerable.Range(0, 6).Select(i =>
            node.Client(p).PostAsync("/api/notes", new { title = $"parallel {i}", tlp = "green", audience = "network" }))));

        var (exit, output) = await VerifyWithCommandLineAsync(node.Database);
        Assert.True(exit == 0, output);
        Assert.Equal(30, (await EntriesAsync(node)).Count(e => e.Event == AuditEvent.NoteCreated));
    }
}

public sealed class SqliteAuditTrailTests() : AuditTrailTests(DatabaseProvider.Sqlite);

public sealed class PostgresAuditTrailTests() : AuditTrailTests(DatabaseProvider.Postgres);
