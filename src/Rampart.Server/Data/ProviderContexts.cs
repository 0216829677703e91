using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Rampart.Server.Data;

/// <summary>SQLite: the embedded default. Migrations in <c>Data/Migrations/Sqlite</c>.</summary>
public sealed class SqliteRampartDb(DbContextOptions<SqliteRampartDb> options) : RampartDb(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        base.ConfigureConventions(configurationBuilder);
        // SQLite has no timestamp type; as a 64-bit integer (all values are UTC) it sorts and compares correctly.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }

    // Microsoft.Data.Sqlite begins transactions with BEGIN IMMEDIATE, which already holds the write lock.
    protected override Task LockAuditChainAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>PostgreSQL: production, and how a node grows to several app servers. Migrations in <c>Data/Migrations/Postgres</c>.</summary>
public sealed class PostgresRampartDb(DbContextOptions<PostgresRampartDb> options) : RampartDb(options)
{
    // An arbitrary fixed key: only audit-chain writers take this transaction-scoped lock.
    private const long AuditChainLockKey = 0x52414d50415254;

    /// <summary>
    /// The connection string Rampart opens: the operator's, with <c>jit=off</c> for the session unless the
    /// operator's <c>Options</c> already say something about <c>jit</c>. Rampart's statements are short index
    /// walks whose row estimates (a LIMIT over a long range) pass <c>jit_above_cost</c>: PostgreSQL then spent
    /// ~10 ms compiling each of them to run 0.5 ms of work (bench/README.md, "The access decision at 1,000,000 notes").
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(connectionString))]
    public static string? SessionConnectionString(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return connectionString;
        }

        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Options?.Contains("jit", StringComparison.OrdinalIgnoreCase) != true)
        {
            builder.Options = string.IsNullOrWhiteSpace(builder.Options) ? "-c jit=off" : builder.Options + " -c jit=off";
        }

        return builder.ConnectionString;
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        base.OnModelCreating(builder);
        // Keys of prefix search and keyset paging compare byte-wise, as in SQLite: a prefix is then one index range,
        // and the order the cursor walks is the order of the index whatever the database's locale.
        builder.Entity<Identity.User>().Property(u => u.NormalizedEmail).UseCollation("C");
        builder.Entity<Identity.User>().Property(u => u.NormalizedDisplayName).UseCollation("C");
        // Prefix, domain-with-subdomains and keyset ranges of intelligence search walk these two (bench/README.md).
        builder.Entity<Intelligence.Store.Observable>().Property(o => o.Value).UseCollation("C");
        builder.Entity<Intelligence.Store.Observable>().Property(o => o.ReversedDomain).UseCollation("C");
    }

    protected override Task LockAuditChainAsync(CancellationToken cancellationToken) =>
        Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({AuditChainLockKey})", cancellationToken);

    // Lock and head in one round trip: the lock is held for one round trip less per audited write.
    protected override async Task<(long Sequence, string Hash)?> LockAuditChainAndReadHeadAsync(CancellationToken cancellationToken)
    {
        var transaction = Database.CurrentTransaction ?? throw new InvalidOperationException("The audit chain is locked inside a transaction.");
        await using var command = Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        command.CommandText = $"""
            SELECT pg_advisory_xact_lock({AuditChainLockKey});
            SELECT "Sequence", "Hash" FROM "AuditEntries" ORDER BY "Sequence" DESC LIMIT 1;
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetString(1)) : null;
    }
}

/// <summary>Lets <c>dotnet ef</c> build the SQLite model without starting the node.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteRampartDb>
{
    public SqliteRampartDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteRampartDb>().UseSqlite("Data Source=design.db").Options);
}

/// <summary>Lets <c>dotnet ef</c> build the PostgreSQL model without a server.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresRampartDb>
{
    public PostgresRampartDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresRampartDb>().UseNpgsql("Host=localhost;Database=rampart").Options);
}
