using System.Net;
using Rampart.Server.Audit;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>Denied attempts are audited as failures, and a scan is folded into one entry plus one summary.</summary>
public abstract class AuditDenialTests(DatabaseProvider provider)
{
    [Fact]
    public async Task ReadByIdOfAnotherOrganisationsRecord_IsAuditedAsDenied()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var created = await node.Client(node.Owner).PostAsync("/api/notes", new { title = "amber", tlp = "amber", audience = "organisation" });
        var id = (await Json.ReadAsync(created))["id"]!.GetValue<Guid>();

        Assert.Equal(HttpStatusCode.NotFound, (await node.Client(node.Outsider).GetAsync($"/api/notes/{id}")).StatusCode);

        var denial = Assert.Single(await AuditTestKit.EntriesAsync(node), e => e.Event == AuditEvent.AccessDenied);
        Assert.Equal(AuditOutcome.Denied, denial.Outcome);
        Assert.Equal(node.Outsider.UserId, denial.UserId);
        Assert.Equal($"GET /api/notes/{id}", denial.Target);
        Assert.Equal("404", denial.Detail);
    }

    [Fact]
    public async Task Forbidden_IsAuditedAsDenied_AndOtherNotFoundsAreNot()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        Assert.Equal(HttpStatusCode.Forbidden, (await node.Client(node.Owner).GetAsync("/api/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await node.Client(node.Owner).GetAsync("/api/no-such-thing")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await node.Client(node.Owner).DeleteAsync($"/api/notes/{Guid.NewGuid()}")).StatusCode);

        var denial = Assert.Single(await AuditTestKit.EntriesAsync(node), e => e.Event == AuditEvent.AccessDenied);
        Assert.Equal("GET /api/audit", denial.Target);
        Assert.Equal("403", denial.Detail);
        Assert.Equal(node.Owner.UserId, denial.UserId);
    }

    [Fact]
    public async Task Scan_IsFoldedIntoOneEntryAndOneSummaryPerWindow()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var scanner = node.Client(node.Outsider);
        await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => scanner.GetAsync($"/api/notes/{Guid.NewGuid()}")));

        var entries = await AuditTestKit.EntriesAsync(node);
        Assert.Single(entries, e => e.Event == AuditEvent.AccessDenied);
        Assert.DoesNotContain(entries, e => e.Event == AuditEvent.AccessDeniedRepeated);

        // The window closes; the job writes the summary once.
        node.Factory.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.True(await AuditTestKit.RunJobAsync(node.Factory));
        Assert.True(await AuditTestKit.RunJobAsync(node.Factory));
        entries = await AuditTestKit.EntriesAsync(node);
        var summary = Assert.Single(entries, e => e.Event == AuditEvent.AccessDeniedRepeated);
        Assert.StartsWith("24 further 404", summary.Detail, StringComparison.Ordinal);
        Assert.Equal(node.Outsider.UserId, summary.UserId);
        Assert.Equal(AuditOutcome.Denied, summary.Outcome);

        // A new window starts with a new first entry.
        await scanner.GetAsync($"/api/notes/{Guid.NewGuid()}");
        Assert.Equal(2, (await AuditTestKit.EntriesAsync(node)).Count(e => e.Event == AuditEvent.AccessDenied));
        Assert.Equal(0, (await AuditTestKit.VerifyAsync(node.Database, full: true)).ExitCode);
    }
}

public sealed class SqliteAuditDenialTests() : AuditDenialTests(DatabaseProvider.Sqlite);

public sealed class PostgresAuditDenialTests() : AuditDenialTests(DatabaseProvider.Postgres);
