using Microsoft.Extensions.Options;
using Npgsql;
using Rampart.Server.Data;

namespace Rampart.Server.Intelligence.Live;

/// <summary>
/// Wakes this app server's live streams when the change outbox grew, on whichever app server the write happened.
/// On PostgreSQL a trigger on <c>IntelChanges</c> sends <c>NOTIFY rampart_intel_changes</c> when the writing transaction
/// commits, and <see cref="IntelChangeListener"/> (one connection per app server) passes it here. The outbox stays the
/// source of truth: a wake-up carries nothing, the streams read the outbox through the access decision as before and
/// poll at a longer interval (<see cref="IntelStreamOptions.NotifiedPollInterval"/>) in case a notification is lost. On
/// SQLite, or while the listener is not connected, nothing wakes them and they poll at <see cref="IntelStreamOptions.PollInterval"/>.
/// </summary>
public sealed class IntelChangeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True while a listener connection is up: notifications arrive, streams may poll less often.</summary>
    public bool Listening { get; private set; }

    /// <summary>Completes at the next wake-up. Take it before reading the outbox, so a change committed meanwhile is not missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Wakes everyone waiting on <see cref="Next"/>.</summary>
    public void Wake() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    internal void SetListening(bool listening)
    {
        Listening = listening;
        // Whoever waits with the interval of the other state re-evaluates it.
        Wake();
    }

    /// <summary>Waits for <paramref name="wake"/> (from <see cref="Next"/>) or <paramref name="interval"/>, whichever comes first.</summary>
    public static async Task WaitAsync(Task wake, TimeSpan interval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(wake);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(interval, timeout.Token);
        await Task.WhenAny(wake, delay);
        await timeout.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }
}

/// <summary>
/// On PostgreSQL: one <c>LISTEN rampart_intel_changes</c> connection per app server, reconnected with backoff when it
/// drops (streams poll at their short interval meanwhile). Does nothing on SQLite.
/// </summary>
public sealed partial class IntelChangeListener(IntelChangeSignal signal, IOptions<DatabaseOptions> database, ILogger<IntelChangeListener> logger) : BackgroundService
{
    /// <summary>The notification channel the trigger on <c>IntelChanges</c> notifies (migration IntelChangesNotify).</summary>
    public const string Channel = "rampart_intel_changes";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.Value.Provider != DatabaseProvider.Postgres || string.IsNullOrWhiteSpace(database.Value.ConnectionString))
        {
            return;
        }

        var backoff = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(database.Value.ConnectionString)
                {
                    // Its own pool entry, never handed to EF; keepalives notice a dead server while idle.
                    ApplicationName = "rampart-intel-listener",
                    KeepAlive = 30,
                    Pooling = false,
                };
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, _) => signal.Wake();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                signal.SetListening(true);
                backoff = TimeSpan.FromSeconds(1);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // The database away must not end live updates: streams poll meanwhile, the listener reconnects.
            catch (Exception e)
#pragma warning restore CA1031
            {
                signal.SetListening(false);
                LogListenerDown(logger, e, backoff);
                try
                {
                    await Task.Delay(backoff, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }

        signal.SetListening(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Live updates: the PostgreSQL listener connection failed; streams poll until it is back (retry in {Backoff}).")]
    private static partial void LogListenerDown(ILogger logger, Exception exception, TimeSpan backoff);
}
