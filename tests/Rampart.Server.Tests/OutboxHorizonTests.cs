using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Live;
using Rampart.Server.Intelligence.Store;

namespace Rampart.Server.Tests;

/// <summary>
/// PostgreSQL only (SQLite has one writer at a time: no change commits under a lower number after a higher one). A write
/// that holds an outbox number and has not committed keeps federation and the live stream waiting at its hole however often
/// they look; once it rolls back, both pass the hole within two reads — not after <see cref="IntelStreamOptions.GapSettle"/>
/// (10 minutes): the fake clock never moves here (<see cref="IntelChangeHorizon"/>, migration IntelChangesXid).
/// </summary>
public sealed class PostgresOutboxHorizonTests(PostgresThreeNodes nodes) : IClassFixture<PostgresThreeNodes>
{
    private SeededNode A => nodes.A;

    private SeededNode B => nodes.B;

    private static async Task<string> ShareAsync(SeededNode node)
    {
        var id = "indicator--" + Guid.NewGuid().ToString("D");
        var domain = $"h{Guid.NewGuid():N}"[..14] + ".example";
        var bundle = $$"""
            {"type":"bundle","id":"bundle--{{Guid.NewGuid()}}","objects":[{"type":"indicator","spec_version":"2.1","id":"{{id}}",
             "created":"2026-11-02T08:00:00.000Z","modified":"2026-11-02T08:00:00.000Z","name":"Horizon {{domain}}",
             "pattern":"[domain-name:value = '{{domain}}']","pattern_type":"stix","valid_from":"2026-11-02T08:00:00Z"}]}
            """;
        var response = await node.Client(node.Owner).PostAsync("/api/intel/bundles?tlp=green&audience=network", new StringContent(bundle, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        Assert.Equal(1, (int)JsonNode.Parse(text)!["successCount"]!);
        return id;
    }

    private static async Task<bool> OnBAsync(SeededNode b, string id) =>
        (await b.Client(b.Outsider).GetAsync($"/api/intel/objects/{id}")).StatusCode == HttpStatusCode.OK;

    private async Task<long> CursorAsync()
    {
        await using var scope = A.Factory.Services.CreateAsyncScope();
        var peerId = nodes.PeerId(A, B);
        return await scope.ServiceProvider.GetRequiredService<RampartDb>().FederationPeerSyncs.Where(s => s.PeerId == peerId).Select(s => s.Cursor).SingleAsync();
    }

    private async Task<long> HeadAsync()
    {
        await using var scope = A.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RampartDb>().IntelChanges.MaxAsync(c => c.Sequence);
    }

    /// <summary>Where the live stream of A's outsider stands after one read from <paramref name="after"/>.</summary>
    private async Task<long> StreamPositionAsync(long after)
    {
        await using var scope = A.Factory.Services.CreateAsyncScope();
        var caller = new Caller(A.Outsider.UserId, A.Outsider.OrganisationId, Role.Analyst, new HashSet<Guid>());
        var batch = await scope.ServiceProvider.GetRequiredService<IntelChangeReader>().ReadAsync(caller, after, 500, IntelChangeFilter.All, default);
        return batch.Position;
    }

    [Fact]
    public async Task AHoleOfARunningWrite_IsWaitedAt_AndOnceItRollsBack_IsPassedAtOnce_NotAfterTenMinutes()
    {
        var first = await ShareAsync(A);
        Assert.Null((await nodes.PushAsync(A, B)).Error);
        Assert.True(await OnBAsync(B, first));
        var start = await CursorAsync();
        Assert.Equal(await HeadAsync(), start);

        // A write takes the next outbox number and stays open.
        await using var writerScope = A.Factory.Services.CreateAsyncScope();
        var writer = writerScope.ServiceProvider.GetRequiredService<RampartDb>();
        var record = await writer.IntelObjects.Where(o => o.StixId == first).Select(o => o.RecordId).SingleAsync();
        await using var open = await writer.Database.BeginTransactionAsync();
        writer.IntelChanges.Add(new IntelChange { RecordId = record, Kind = IntelChangeKind.Updated, At = A.Factory.Clock.GetUtcNow(), Via = IntelChangeVia.Owner });
        await writer.SaveChangesAsync();
        var held = writer.IntelChanges.Local.Single().Sequence;
        Assert.Equal(start + 1, held);

        // A later share commits after it.
        var later = await ShareAsync(A);
        var head = await HeadAsync();
        Assert.True(head > held);

        // However often they look, the push and the stream wait at the running write's number.
        for (var i = 0; i < 3; i++)
        {
            Assert.Null((await nodes.PushAsync(A, B)).Error);
            Assert.Equal(start, await CursorAsync());
            Assert.Equal(start, await StreamPositionAsync(start));
        }

        Assert.False(await OnBAsync(B, later));

        // It rolls back: its number is a hole for good, passed within two reads with the clock standing still.
        await open.RollbackAsync();
        for (var i = 0; i < 2 && await CursorAsync() != head; i++)
        {
            Assert.Null((await nodes.PushAsync(A, B)).Error);
        }

        Assert.Equal(head, await CursorAsync());
        Assert.True(await OnBAsync(B, later));
        var position = await StreamPositionAsync(start);
        if (position != head)
        {
            position = await StreamPositionAsync(start);
        }

        Assert.Equal(head, position);
    }
}
