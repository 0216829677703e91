using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>One seeded node per test class and database provider.</summary>
public abstract class NodeFixture(DatabaseProvider provider) : IAsyncLifetime
{
    public SeededNode Node { get; private set; } = null!;

    public async Task InitializeAsync() => Node = await SeededNode.CreateAsync(provider);

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

public sealed class SqliteNode() : NodeFixture(DatabaseProvider.Sqlite);

public sealed class PostgresNode() : NodeFixture(DatabaseProvider.Postgres);
