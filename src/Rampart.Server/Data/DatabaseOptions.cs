using System.ComponentModel.DataAnnotations;

namespace Rampart.Server.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary><c>Rampart:Database</c>: which database the node uses.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Rampart:Database";

    public const string DefaultSqlite = "Data Source=data/rampart.db";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>For SQLite defaults to <c>Data Source=data/rampart.db</c>; required for PostgreSQL.</summary>
    [MaxLength(2000)]
    public string? ConnectionString { get; set; }
}
