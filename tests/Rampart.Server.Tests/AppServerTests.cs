using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Audit;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>Several app servers (separate hosts, separate connection pools) in front of one database.</summary>
public abstract class AppServerTests(DatabaseProvider provider)
{
    [Fact]
    public async Task TwoAppServers_WritingConcurrently_KeepOneGaplessChain()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        await using var second = new RampartFactory(node.Database);
        var people = new[] { node.Owner, node.Recipient, node.Member, node.Outsider, node.SameCountry, node.RecipientColleague, node.OwnerAdmin, node.NodeAdmin };
        var writes = people.SelectMany((p, i) => Enumerable.Range(0, 4).Select(async n =>
        {
            var client = (i + n) % 2 == 0 ? node.Client(p) : second.ClientWithKey(p.ApiKey);
            var response = await client.PostAsync("/api/notes", new { title = $"from two servers {n}", tlp = "green", audience = "network" });
            return response.StatusCode;
        }));
        var statuses = await Task.WhenAll(writes);
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));

        var entries = await AuditTestKit.EntriesAsync(node);
        Assert.Equal(32, entries.Count(e => e.Event == AuditEvent.NoteCreated));
        Assert.Equal(Enumerable.Range(1, entries.Count).Select(i => (long)i), entries.Select(e => e.Sequence));
        var (exit, output) = await AuditTestKit.VerifyAsync(node.Database, full: true);
        Assert.True(exit == 0, output);
    }

    [Fact]
    public async Task VerificationJob_RunsOnOneAppServerAtATime_UntilItsLeaseExpires()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        await using var second = new RampartFactory(node.Database);
        _ = second.Server;

        Assert.True(await AuditTestKit.RunJobAsync(node.Factory));
        Assert.False(await AuditTestKit.RunJobAsync(second));
        Assert.True(await AuditTestKit.RunJobAsync(node.Factory)); // the holder renews

        second.Clock.Advance(TimeSpan.FromHours(1)); // the first server stopped renewing long ago, by the second's clock
        Assert.True(await AuditTestKit.RunJobAsync(second));
        Assert.False(await AuditTestKit.RunJobAsync(node.Factory));
    }
}

public sealed class SqliteAppServerTests() : AppServerTests(DatabaseProvider.Sqlite)
{
    [Fact]
    public async Task Connections_UseWalNormalSyncAndABusyTimeout()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite);
        await using var scope = node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        await db.Database.OpenConnectionAsync();
        async Task<string> PragmaAsync(string name)
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"PRAGMA {name};";
            return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
        }

        Assert.Equal("wal", await PragmaAsync("journal_mode"));
        Assert.Equal("1", await PragmaAsync("synchronous")); // NORMAL
        Assert.Equal("10000", await PragmaAsync("busy_timeout"));
    }

    [Fact]
    public async Task ParallelWriters_OnTwoHostsOfOneFile_AreNeverTurnedAwayWithDatabaseLocked()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite);
        await using var second = new RampartFactory(node.Database);
        var people = new[] { node.Owner, node.Recipient, node.Member, node.Outsider, node.SameCountry, node.RecipientColleague, node.OwnerAdmin, node.NodeAdmin };
        var responses = await Task.WhenAll(people.SelectMany((p, i) => Enumerable.Range(0, 5).Select(n =>
            (i % 2 == 0 ? node.Client(p) : second.ClientWithKey(p.ApiKey))
                .PostAsync("/api/notes", new { title = $"parallel {n}", tlp = "green", audience = "network" }))));
        foreach (var response in responses)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Created, body);
            Assert.DoesNotContain("locked", body, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(40, (await AuditTestKit.EntriesAsync(node)).Count(e => e.Event == AuditEvent.NoteCreated));
    }
}

public sealed class PostgresAppServerTests() : AppServerTests(DatabaseProvider.Postgres);
