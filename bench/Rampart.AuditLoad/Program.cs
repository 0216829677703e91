using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

// Audit appends per second with N concurrent writers, each its own scope and connection, on a fresh
// PostgreSQL database (created and dropped here). Every append is one transaction: lock, link, insert, commit.
//   dotnet run -c Release --project bench/Rampart.AuditLoad -- "Host=127.0.0.1;Port=55432;Username=postgres" [writers=16] [seconds=20]
if (args.Length < 1)
{
    await Console.Error.WriteLineAsync("usage: Rampart.AuditLoad <postgres connection string without Database> [writers] [seconds]");
    return 1;
}

var server = args[0];
var writers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 16;
var seconds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
var database = $"rampart_auditload_{Guid.NewGuid():N}";

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Logging.AddFilter("Microsoft", LogLevel.Error);
builder.AddRampartServices();
builder.Configuration["Rampart:Database:Provider"] = "Postgres";
builder.Configuration["Rampart:Database:ConnectionString"] = $"{server};Database={database};Maximum Pool Size={writers + 4}";
await using var app = builder.Build();
try
{
    await using (var scope = app.Services.CreateAsyncScope())
    {
        await NodeBootstrap.MigrateAsync(scope.ServiceProvider.GetRequiredService<RampartDb>(), default);
    }

    var caller = Caller.Operator();
    long appended = 0;
    var latencies = new List<double>[writers];
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
    {
        latencies[w] = [];
        while (!stop.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<AuditTrail>()
                .RecordNowAsync(AuditEvent.NoteChanged, caller, $"note:{Guid.NewGuid()}", detail: $"writer {w}");
            latencies[w].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            Interlocked.Increment(ref appended);
        }
    })));
    clock.Stop();

    await using (var scope = app.Services.CreateAsyncScope())
    {
        var result = await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(full: true, default);
        var all = latencies.SelectMany(l => l).Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"writers={writers} seconds={clock.Elapsed.TotalSeconds:F1} appends={appended} appends/s={appended / clock.Elapsed.TotalSeconds:F0} " +
            $"latency p50={all[all.Count / 2]:F1}ms p99={all[(int)(all.Count * 0.99)]:F1}ms chain-intact={result.Intact} verified={result.CheckedEntries}"));
        var sw = Stopwatch.StartNew();
        await scope.ServiceProvider.GetRequiredService<AuditVerifier>().VerifyAsync(full: true, default);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"full verification of {result.CheckedEntries} entries: {sw.Elapsed.TotalMilliseconds:F0} ms"));
        return result.Intact && result.CheckedEntries == appended ? 0 : 4;
    }
}
finally
{
    NpgsqlConnection.ClearAllPools();
    await using var connection = new NpgsqlConnection($"{server};Database=postgres");
    await connection.OpenAsync();
    await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection);
    await drop.ExecuteNonQueryAsync();
}
