using System.Diagnostics.Metrics;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

namespace Rampart.Server.Tests;

/// <summary>Liveness and readiness probes, and the node's own instruments.</summary>
public sealed class HealthAndTelemetryTests
{
    [Fact]
    public async Task Probes_AnswerAnonymously_WithoutDetails()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite);
        var anonymous = node.Factory.ClientWithKey(null);
        foreach (var path in new[] { "/health/live", "/health/ready" })
        {
            var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task PostgresSessions_RunWithoutJit_SoShortIndexWalksAreNotCompiled()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Postgres);
        await using var scope = node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var jit = await db.Database.SqlQueryRaw<string>("SELECT current_setting('jit') AS \"Value\"").SingleAsync();
        Assert.Equal("off", jit);
        // An operator's own choice is kept.
        Assert.Contains("jit=on", PostgresRampartDb.SessionConnectionString("Host=db;Options=-c jit=on"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ready_WithAPendingMigration_Is503_WhileLiveStays200()
    {
        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite);
        await using (var scope = node.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var last = (await db.Database.GetAppliedMigrationsAsync()).Last();
            await db.Database.ExecuteSqlRawAsync("""DELETE FROM "__EFMigrationsHistory" WHERE "MigrationId" = {0}""", last);
        }

        var anonymous = node.Factory.ClientWithKey(null);
        var ready = await anonymous.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task DatabaseCommands_AreTimed_InTheRampartDataMeter()
    {
        var samples = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RampartTelemetry.DataName && instrument.Name == "rampart.db.command.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            if (value >= 0)
            {
                Interlocked.Increment(ref samples);
            }
        });
        listener.Start();

        await using var node = await SeededNode.CreateAsync(DatabaseProvider.Sqlite);
        var before = Volatile.Read(ref samples);
        await node.Client(node.Owner).GetAsync("/api/notes");
        Assert.True(Volatile.Read(ref samples) > before);

        using (RampartTelemetry.MeasureAccessDecision("note", "list"))
        {
            // what the access code wraps around its query
        }
    }

    [Fact]
    public async Task OtlpExport_IsOnOnlyWhenAnEndpointIsConfigured()
    {
        await using var off = await SeededNode.CreateAsync(DatabaseProvider.Sqlite);
        Assert.Null(off.Factory.Services.GetService<TracerProvider>());
        Assert.Null(off.Factory.Services.GetService<MeterProvider>());

        await using var on = await SeededNode.CreateAsync(DatabaseProvider.Sqlite,
            new Dictionary<string, string?> { ["Rampart:Telemetry:OtlpEndpoint"] = "http://127.0.0.1:4317" });
        Assert.NotNull(on.Factory.Services.GetService<TracerProvider>());
        Assert.NotNull(on.Factory.Services.GetService<MeterProvider>());
        Assert.Equal(HttpStatusCode.OK, (await on.Client(on.Owner).GetAsync("/api/notes")).StatusCode);
    }
}
