using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

public sealed class MigrationTests
{
    // A model change without a migration for either provider would reach production unmigrated.
    [Fact]
    public void Sqlite_HasNoPendingModelChanges()
    {
        using var db = new SqliteDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add <Name> --context SqliteRampartDb --output-dir Data/Migrations/Sqlite");
    }

    [Fact]
    public void Postgres_HasNoPendingModelChanges()
    {
        using var db = new PostgresDesignTimeFactory().CreateDbContext([]);
        Assert.False(db.Database.HasPendingModelChanges(), "Run: dotnet ef migrations add <Name> --context PostgresRampartDb --output-dir Data/Migrations/Postgres");
    }
}
