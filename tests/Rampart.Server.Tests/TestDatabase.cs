using Npgsql;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>
/// A fresh, empty database of one provider: a temporary SQLite file, or a new database on the
/// PostgreSQL server named by RAMPART_TEST_POSTGRES (./test.sh starts one). Dropped on dispose.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string PostgresVariable = "RAMPART_TEST_POSTGRES";

    private readonly string? sqliteFile;
    private readonly string? postgresServer;
    private readonly string? postgresDatabase;

    public TestDatabase(DatabaseProvider provider)
    {
        Provider = provider;
        if (provider == DatabaseProvider.Sqlite)
        {
            sqliteFile = Path.Combine(Path.GetTempPath(), $"rampart-test-{Guid.NewGuid():N}.db");
            ConnectionString = $"Data Source={sqliteFile}";
        }
        else
        {
            postgresServer = Environment.GetEnvironmentVariable(PostgresVariable);
            if (string.IsNullOrWhiteSpace(postgresServer))
            {
                throw new InvalidOperationException(
                    $"PostgreSQL tests need {PostgresVariable} (e.g. Host=127.0.0.1;Port=5433;Username=postgres). ./test.sh starts a throwaway server and sets it.");
            }

            postgresDatabase = $"rampart_test_{Guid.NewGuid():N}";
            ConnectionString = $"{postgresServer};Database={postgresDatabase}";
        }
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public async ValueTask DisposeAsync()
    {
        if (sqliteFile is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { sqliteFile, sqliteFile + "-wal", sqliteFile + "-shm" })
            {
                File.Delete(file);
            }
        }
        else if (postgresDatabase is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection($"{postgresServer};Database=postgres");
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {postgresDatabase} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
