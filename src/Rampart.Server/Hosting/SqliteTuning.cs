using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Rampart.Server.Hosting;

/// <summary>
/// Per-connection SQLite settings, applied each time a connection is opened: <c>synchronous=NORMAL</c>
/// (safe with WAL: a power cut can lose the last commits, never corrupt the file) and a busy timeout, so a
/// writer waits for another writer's lock instead of failing with "database is locked". WAL itself is a
/// property of the file, set once by <see cref="NodeBootstrap"/>.
/// </summary>
internal sealed class SqliteTuning : DbConnectionInterceptor
{
    public const int BusyTimeoutMilliseconds = 10_000;

    public static SqliteTuning Instance { get; } = new();

    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
