using System.Collections.Concurrent;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Data;
using Rampart.Server.Scheduling;

namespace Rampart.Server.Tests;

/// <summary>The durable scheduler (ADR 11): once across app servers on one database, and across restarts.</summary>
public abstract class SchedulerTests(DatabaseProvider provider)
{
    private const string JobName = "test.counting";

    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>An app server with the counting job, whose runs are counted under <paramref name="key"/>.</summary>
    private static (RampartFactory Factory, WebApplicationFactory<Program> Host) Server(TestDatabase database, string key, bool loop = false, bool fail = false)
    {
        var factory = new RampartFactory(database, new Dictionary<string, string?>
        {
            ["Rampart:Scheduler:Enabled"] = loop ? "true" : "false",
            ["Rampart:Scheduler:PollInterval"] = "00:00:01",
            ["Test:CountingKey"] = key,
            ["Test:Fail"] = fail ? "true" : "false",
        });
        var host = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddScheduledJob<CountingJob>(JobName, _ => Interval)));
        _ = host.Server;
        return (factory, host);
    }

    private static Scheduler SchedulerOf(WebApplicationFactory<Program> host) => host.Services.GetRequiredService<Scheduler>();

    [Fact]
    public async Task Scheduler_TwoAppServersTickingTogether_RunTheJobOnce()
    {
        await using var database = new TestDatabase(provider);
        var key = Guid.NewGuid().ToString("N");
        var (fa, a) = Server(database, key);
        var (fb, b) = Server(database, key);
        await using (fa)
        await using (a)
        await using (fb)
        await using (b)
        {
            // Several ticks from each server at once: the job takes a while, so they overlap.
            var ran = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => SchedulerOf(i % 2 == 0 ? a : b).RunDueAsync(default)));
            Assert.Equal(1, CountingJob.Runs(key));
            Assert.Single(ran.SelectMany(r => r), JobName);

            // Not due again until its interval has passed, on either server.
            fa.Clock.Advance(Interval / 2);
            fb.Clock.Advance(Interval / 2);
            await Task.WhenAll(SchedulerOf(a).RunDueAsync(default), SchedulerOf(b).RunDueAsync(default));
            Assert.Equal(1, CountingJob.Runs(key));

            fa.Clock.Advance(Interval);
            fb.Clock.Advance(Interval);
            await Task.WhenAll(Enumerable.Range(0, 6).Select(i => SchedulerOf(i % 2 == 0 ? a : b).RunDueAsync(default)));
            Assert.Equal(2, CountingJob.Runs(key));
        }
    }

    [Fact]
    public async Task Scheduler_AfterARestart_KeepsTheNextDueTime()
    {
        await using var database = new TestDatabase(provider);
        var key = Guid.NewGuid().ToString("N");
        var (fa, a) = Server(database, key);
        await using (fa)
        await using (a)
        {
            Assert.Contains(JobName, await SchedulerOf(a).RunDueAsync(default));
        }

        // A new process at the same moment: the run already happened, so it is not repeated.
        var (fb, b) = Server(database, key);
        await using (fb)
        await using (b)
        {
            Assert.DoesNotContain(JobName, await SchedulerOf(b).RunDueAsync(default));
            fb.Clock.Advance(Interval + TimeSpan.FromSeconds(1));
            Assert.Contains(JobName, await SchedulerOf(b).RunDueAsync(default));
            Assert.Equal(2, CountingJob.Runs(key));
        }
    }

    [Fact]
    public async Task Scheduler_HolderDiedMidRun_AnotherServerTakesOverWhenTheLeaseExpires()
    {
        await using var database = new TestDatabase(provider);
        var key = Guid.NewGuid().ToString("N");
        var (fb, b) = Server(database, key);
        await using (fb)
        await using (b)
        {
            Assert.Contains(JobName, await SchedulerOf(b).RunDueAsync(default));
            fb.Clock.Advance(Interval + TimeSpan.FromSeconds(1));
            var now = fb.Clock.GetUtcNow();
            await using (var scope = b.Services.CreateAsyncScope())
            {
                // A server claimed the due run and was killed: its lease stays in the row.
                await scope.ServiceProvider.GetRequiredService<RampartDb>().ScheduledJobs.Where(j => j.Name == JobName)
                    .ExecuteUpdateAsync(u => u.SetProperty(j => j.LeaseHolder, "dead-server").SetProperty(j => j.LeaseUntil, now + TimeSpan.FromMinutes(2)));
            }

            Assert.DoesNotContain(JobName, await SchedulerOf(b).RunDueAsync(default));
            fb.Clock.Advance(TimeSpan.FromMinutes(3));
            Assert.Contains(JobName, await SchedulerOf(b).RunDueAsync(default));
            Assert.Equal(2, CountingJob.Runs(key));
        }
    }

    [Fact]
    public async Task Scheduler_FailingJob_RecordsTheErrorAndRunsAgainAtItsNextDueTime()
    {
        await using var database = new TestDatabase(provider);
        var key = Guid.NewGuid().ToString("N");
        var (fa, a) = Server(database, key, fail: true);
        await using (fa)
        await using (a)
        {
            Assert.DoesNotContain(JobName, await SchedulerOf(a).RunDueAsync(default));
            await using var scope = a.Services.CreateAsyncScope();
            var row = await scope.ServiceProvider.GetRequiredService<RampartDb>().ScheduledJobs.AsNoTracking().SingleAsync(j => j.Name == JobName);
            Assert.Contains("counting job failed on purpose", row.LastError, StringComparison.Ordinal);
            Assert.Null(row.LeaseHolder);
            Assert.Equal(fa.Clock.GetUtcNow() + Interval, row.NextRunAt);
            Assert.Equal(1, CountingJob.Runs(key));
        }
    }

    [Fact]
    public async Task Scheduler_BackgroundLoop_RunsADueJobWithoutBeingAsked()
    {
        await using var database = new TestDatabase(provider);
        var key = Guid.NewGuid().ToString("N");
        var (fa, a) = Server(database, key, loop: true);
        await using (fa)
        await using (a)
        {
            for (var i = 0; i < 100 && CountingJob.Runs(key) == 0; i++)
            {
                fa.Clock.Advance(TimeSpan.FromSeconds(1));
                await Task.Delay(100);
            }

            Assert.Equal(1, CountingJob.Runs(key));
        }
    }

    /// <summary>Counts its runs per test (tests of both providers run in parallel) and overlaps ticks by taking a while.</summary>
    private sealed class CountingJob(IConfiguration configuration) : IScheduledJob
    {
        private static readonly ConcurrentDictionary<string, int> Counts = new();

        public static int Runs(string key) => Counts.GetValueOrDefault(key);

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            Counts.AddOrUpdate(configuration["Test:CountingKey"]!, 1, (_, n) => n + 1);
            await Task.Delay(TimeSpan.FromMilliseconds(300), cancellationToken);
            if (configuration["Test:Fail"] == "true")
            {
                throw new InvalidOperationException("counting job failed on purpose");
            }
        }
    }
}

public sealed class SqliteSchedulerTests() : SchedulerTests(DatabaseProvider.Sqlite);

public sealed class PostgresSchedulerTests() : SchedulerTests(DatabaseProvider.Postgres);
