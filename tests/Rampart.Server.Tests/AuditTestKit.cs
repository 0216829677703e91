using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Admin;
using Rampart.Server.Audit;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>What audit tests share: `rampart audit …` against a node's database, and an attacker's SQL.</summary>
public static class AuditTestKit
{
    public static async Task<(int ExitCode, string Output)> CommandLineAsync(TestDatabase database, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await AdminCommandLine.RunAsync(args, output, error, builder =>
        {
            builder.Configuration["Rampart:Database:Provider"] = database.Provider.ToString();
            builder.Configuration["Rampart:Database:ConnectionString"] = database.ConnectionString;
        });
        return (exit, output.ToString() + error);
    }

    public static Task<(int ExitCode, string Output)> VerifyAsync(TestDatabase database, bool full = false) =>
        full ? CommandLineAsync(database, "audit", "verify", "--full") : CommandLineAsync(database, "audit", "verify");

    public static async Task<List<AuditEntry>> EntriesAsync(SeededNode node)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RampartDb>().AuditEntries.AsNoTracking().OrderBy(a => a.Sequence).ToListAsync();
    }

    public static async Task<List<AuditCheckpoint>> CheckpointsAsync(SeededNode node)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RampartDb>().AuditCheckpoints.AsNoTracking().OrderBy(a => a.Sequence).ToListAsync();
    }

    /// <summary>Raw SQL with positional parameters, as someone with write access to the database would run it.</summary>
    public static async Task SqlAsync(SeededNode node, string sql, params object?[] parameters)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RampartDb>().Database.ExecuteSqlRawAsync(sql, parameters!);
    }

    /// <summary>A UUID as the provider stores it (SQLite: upper-case text).</summary>
    public static object Id(SeededNode node, Guid id) =>
        node.Database.Provider == DatabaseProvider.Sqlite ? id.ToString("D").ToUpperInvariant() : id;

    /// <summary>Recomputes every link and hash from <paramref name="fromSequence"/> on, as a careful attacker would.</summary>
    public static async Task RecomputeFromAsync(SeededNode node, long fromSequence)
    {
        var entries = await EntriesAsync(node);
        var previous = entries.Where(e => e.Sequence < fromSequence).Select(e => e.Hash).LastOrDefault() ?? "";
        foreach (var entry in entries.Where(e => e.Sequence >= fromSequence))
        {
            entry.PreviousHash = previous;
            entry.Hash = entry.ComputeHash(previous);
            previous = entry.Hash;
            await SqlAsync(node, """UPDATE "AuditEntries" SET "PreviousHash" = {0}, "Hash" = {1} WHERE "Sequence" = {2}""", entry.PreviousHash, entry.Hash, entry.Sequence);
        }
    }

    /// <summary>Runs the background job once on <paramref name="factory"/>'s app server.</summary>
    public static async Task<bool> RunJobAsync(RampartFactory factory) =>
        await factory.Services.GetRequiredService<AuditJob>().RunOnceAsync(CancellationToken.None);
}
