using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Rampart.Server.Data;

namespace Rampart.Server.Hosting;

/// <summary>
/// Rampart's own traces and metrics. <c>Rampart.Access</c> is for the access decision (the access code
/// wraps its queries in <see cref="MeasureAccessDecision"/>); <c>Rampart.Data</c> times every database
/// command. Exported with ASP.NET Core's request duration over OTLP when <c>Rampart:Telemetry:OtlpEndpoint</c>
/// is set; otherwise nothing is exported (the instruments still exist, e.g. for <c>dotnet-counters</c>).
/// </summary>
public static class RampartTelemetry
{
    public const string AccessName = "Rampart.Access";
    public const string DataName = "Rampart.Data";

    public static ActivitySource AccessSource { get; } = new(AccessName);

    public static Meter AccessMeter { get; } = new(AccessName);

    /// <summary>Time of one access-decision query (milliseconds), tagged with <c>rampart.record_type</c> and <c>rampart.operation</c>.</summary>
    public static Histogram<double> AccessDecisionDuration { get; } =
        AccessMeter.CreateHistogram<double>("rampart.access.decision.duration", "ms", "Time to evaluate an access-decision query");

    public static ActivitySource DataSource { get; } = new(DataName);

    public static Meter DataMeter { get; } = new(DataName);

    /// <summary>Time of one database command (milliseconds), tagged with <c>db.system</c> and <c>error</c>.</summary>
    public static Histogram<double> DatabaseCommandDuration { get; } =
        DataMeter.CreateHistogram<double>("rampart.db.command.duration", "ms", "Time of one database command");

    /// <summary>
    /// Measures one access-decision query: a span in <c>Rampart.Access</c> and a
    /// <see cref="AccessDecisionDuration"/> sample when disposed.
    /// <code>using var _ = RampartTelemetry.MeasureAccessDecision("note", "list"); var page = await query.ToListAsync(ct);</code>
    /// </summary>
    public static AccessDecisionMeasurement MeasureAccessDecision(string recordType, string operation) =>
        new(recordType, operation, AccessSource.StartActivity("access " + operation, ActivityKind.Internal), Stopwatch.GetTimestamp());

    /// <summary>Registers the database timing (and SQLite tuning) interceptors, and OpenTelemetry export when configured.</summary>
    public static void AddRampartTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.ConfigureDbContext<SqliteRampartDb>((_, o) => o.AddInterceptors(DatabaseTiming.Instance, SqliteTuning.Instance));
        services.ConfigureDbContext<PostgresRampartDb>((_, o) => o.AddInterceptors(DatabaseTiming.Instance));

        var endpoint = builder.Configuration[TelemetryOptions.OtlpEndpointKey];
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            return;
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"{TelemetryOptions.OtlpEndpointKey} must be an absolute http(s) URL, e.g. http://collector:4317.");
        }

        var serviceName = builder.Configuration[TelemetryOptions.ServiceNameKey] is { Length: > 0 } name ? name : "rampart";
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation()
                .AddSource(AccessName, DataName)
                .AddOtlpExporter(o => o.Endpoint = uri))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddMeter(AccessName, DataName)
                .AddOtlpExporter(o => o.Endpoint = uri));
    }
}

/// <summary>Configuration keys of <c>Rampart:Telemetry</c>.</summary>
public static class TelemetryOptions
{
    public const string OtlpEndpointKey = "Rampart:Telemetry:OtlpEndpoint";
    public const string ServiceNameKey = "Rampart:Telemetry:ServiceName";
}

/// <summary>One running access-decision measurement; dispose when the query has run.</summary>
public readonly struct AccessDecisionMeasurement(string recordType, string operation, Activity? activity, long started) : IDisposable
{
    public void Dispose()
    {
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        RampartTelemetry.AccessDecisionDuration.Record(elapsed,
            new KeyValuePair<string, object?>("rampart.record_type", recordType), new KeyValuePair<string, object?>("rampart.operation", operation));
        activity?.SetTag("rampart.record_type", recordType);
        activity?.Dispose();
    }
}

/// <summary>Times every command EF Core sends (no SQL text or parameters are recorded).</summary>
internal sealed class DatabaseTiming : DbCommandInterceptor
{
    public static DatabaseTiming Instance { get; } = new();

    private static readonly ConditionalWeakTable<DbCommand, Activity> Running = [];

    private static void Start(DbCommand command)
    {
        if (RampartTelemetry.DataSource.StartActivity("db command", ActivityKind.Client) is { } activity)
        {
            Running.AddOrUpdate(command, activity);
        }
    }

    private static void End(CommandEndEventData data, bool failed)
    {
        var system = data.Context?.Database.IsNpgsql() == true ? "postgresql" : "sqlite";
        RampartTelemetry.DatabaseCommandDuration.Record(data.Duration.TotalMilliseconds,
            new KeyValuePair<string, object?>("db.system", system), new KeyValuePair<string, object?>("error", failed));
        if (Running.TryGetValue(data.Command, out var activity))
        {
            Running.Remove(data.Command);
            activity.SetTag("db.system", system);
            if (failed)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }

            activity.Dispose();
        }
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Start(command);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Start(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Start(command);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Start(command);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Start(command);
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result,
        CancellationToken cancellationToken = default)
    {
        Start(command);
        return ValueTask.FromResult(result);
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        End(eventData, failed: false);
        return result;
    }

    public override ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
        CancellationToken cancellationToken = default)
    {
        End(eventData, failed: false);
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        End(eventData, failed: false);
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        End(eventData, failed: false);
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        End(eventData, failed: false);
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        End(eventData, failed: false);
        return ValueTask.FromResult(result);
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => End(eventData, failed: true);

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        End(eventData, failed: true);
        return Task.CompletedTask;
    }
}
