using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;
using Rampart.Standards.Stix;

namespace Rampart.Server.Tests;

/// <summary>
/// Import jobs with several app servers on one database (issue 9): a running job holds a lease its server renews;
/// a starting (or sweeping) server interrupts only jobs whose lease expired, keeping their committed batches.
/// </summary>
public abstract class IntelImportLeaseTests(DatabaseProvider provider)
{
    private static Caller CallerOf(Person person) => new(person.UserId, person.OrganisationId, Role.Analyst, new HashSet<Guid>());

    [Fact]
    public async Task SecondHostStarting_FirstHostsLiveJobStaysRunning_ExpiredJobInterruptedKeepingItsBatch()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var indicatorId = $"indicator--{Guid.NewGuid()}";
        Guid live, dead;
        await using (var scope = node.Factory.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<IntelStore>();
            var share = new IntelShare(Tlp.Amber, [], false);

            // A job of a server that died after its first batch: committed, and its lease ran out long ago.
            var crashed = await store.StartJobAsync(CallerOf(node.Owner), IntelImportFormat.StixBundle, Tlp.Amber, CancellationToken.None);
            var indicator = StixObject.Parse($$"""
                {"type":"indicator","spec_version":"2.1","id":"{{indicatorId}}","created":"2026-01-01T00:00:00.000Z","modified":"2026-01-01T00:00:00.000Z",
                 "name":"lease test","pattern":"[ipv4-addr:value = '192.0.2.201']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00.000Z"}
                """);
            await store.WriteBatchAsync(crashed, share, [new IngestItem(0, indicator)], CancellationToken.None);
            dead = crashed.Id;
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var longAgo = node.Factory.Clock.GetUtcNow() - TimeSpan.FromMinutes(10);
            await db.IntelImportJobs.Where(j => j.Id == dead).ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseUntil, longAgo));

            // A job the first server is running now (fresh lease).
            live = (await store.StartJobAsync(CallerOf(node.Owner), IntelImportFormat.StixBundle, Tlp.Amber, CancellationToken.None)).Id;
        }

        await using var second = new RampartFactory(node.Database);
        _ = second.Server; // starting the second host runs its sweep

        var liveView = await Json.ReadAsync(await node.Client(node.Owner).GetAsync($"/api/intel/imports/{live}"));
        var deadView = await Json.ReadAsync(await node.Client(node.Owner).GetAsync($"/api/intel/imports/{dead}"));
        Assert.Equal("running", liveView["status"]!.GetValue<string>(), StringComparer.OrdinalIgnoreCase);
        Assert.Equal("interrupted", deadView["status"]!.GetValue<string>(), StringComparer.OrdinalIgnoreCase);
        Assert.Equal(1, deadView["added"]!.GetValue<int>());
        Assert.Contains("1 objects in 1 committed batches are stored", deadView["error"]!.GetValue<string>(), StringComparison.Ordinal);

        // The committed batch survived the interruption.
        Assert.Equal(HttpStatusCode.OK, (await node.Client(node.Owner).GetAsync($"/api/intel/objects/{indicatorId}")).StatusCode);

        // The first server's heartbeat keeps its job; once it stops renewing, the second server's sweep interrupts it.
        await using (var scope = node.Factory.Services.CreateAsyncScope())
        {
            node.Factory.Clock.Advance(TimeSpan.FromSeconds(50));
            Assert.True(await scope.ServiceProvider.GetRequiredService<IntelStore>().RenewLeaseAsync(live, CancellationToken.None));
        }

        await using (var scope = second.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<IntelStore>();
            second.Clock.Advance(TimeSpan.FromSeconds(90)); // past the first lease, within the renewed one
            Assert.Equal(0, await store.InterruptExpiredAsync(CancellationToken.None));
            second.Clock.Advance(TimeSpan.FromSeconds(60)); // the first server stopped renewing (the periodic sweep may get there first)
            await store.InterruptExpiredAsync(CancellationToken.None);
        }

        var after = await Json.ReadAsync(await node.Client(node.Owner).GetAsync($"/api/intel/imports/{live}"));
        Assert.Equal("interrupted", after["status"]!.GetValue<string>(), StringComparer.OrdinalIgnoreCase);
    }
}

public sealed class SqliteIntelImportLeaseTests() : IntelImportLeaseTests(DatabaseProvider.Sqlite);

public sealed class PostgresIntelImportLeaseTests() : IntelImportLeaseTests(DatabaseProvider.Postgres);
