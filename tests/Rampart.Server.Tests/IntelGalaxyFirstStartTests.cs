using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Ingest;
using Rampart.Server.Intelligence.Store;
using Rampart.Server.Scheduling;

namespace Rampart.Server.Tests;

/// <summary>
/// A new node has the MISP galaxies without an operator step: the scheduler's first-load job loads them in the
/// background after the first start (a subset of the real galaxies, TestData/misp-galaxy), and never again.
/// </summary>
public abstract class IntelGalaxyFirstStartTests(DatabaseProvider provider)
{
    private static Dictionary<string, string?> Settings() => new()
    {
        ["Rampart:Intelligence:GalaxiesPath"] = Path.Combine(AppContext.BaseDirectory, "TestData", "misp-galaxy"),
    };

    private static async Task<int> AttackPatternsAsync(SeededNode node, Person person)
    {
        var page = await Json.ReadAsync(await node.Client(person).GetAsync("/api/intel/objects?type=attack-pattern&limit=200"));
        return page["items"]!.AsArray().Count;
    }

    private static async Task<int> GalaxyJobsAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RampartDb>().IntelImportJobs.CountAsync(j => j.Format == IntelImportFormat.Galaxy);
    }

    [Fact]
    public async Task FreshNode_AfterStart_HasAttackTechniquesForEveryOrganisation_AndASecondStartAddsNothing()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        // The node answers before anything is loaded: the load is a background job, not part of startup.
        Assert.Equal(0, await AttackPatternsAsync(node, node.Outsider));

        Assert.Contains(GalaxiesFirstLoad.JobName, await node.Factory.Services.GetRequiredService<Scheduler>().RunDueAsync(default));
        var loaded = await AttackPatternsAsync(node, node.Outsider);
        Assert.True(loaded >= 3, $"{loaded} attack patterns");
        Assert.Equal(loaded, await AttackPatternsAsync(node, node.Owner));
        var technique = await Json.ReadAsync(await node.Client(node.Recipient).GetAsync("/api/intel/objects/attack-pattern--c9e85b80-39e8-42df-b275-86a2afcea9e8"));
        Assert.Equal("clear", technique["tlp"]!.GetValue<string>());
        Assert.Equal(node.NodeOrg, technique["ownerOrganisationId"]!.GetValue<Guid>());
        Assert.Equal(1, await GalaxyJobsAsync(node.Factory.Services));

        // A second start (another host on the same database), the job due again: nothing is loaded twice.
        await using var restarted = new RampartFactory(node.Database, Settings());
        restarted.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Contains(GalaxiesFirstLoad.JobName, await restarted.Services.GetRequiredService<Scheduler>().RunDueAsync(default));
        Assert.Equal(1, await GalaxyJobsAsync(restarted.Services));
        Assert.Equal(loaded, await AttackPatternsAsync(node, node.Outsider));
    }

    [Fact]
    public async Task FirstLoad_TurnedOff_LoadsNothing()
    {
        var settings = Settings();
        settings["Rampart:Intelligence:LoadGalaxiesOnFirstStart"] = "false";
        await using var node = await SeededNode.CreateAsync(provider, settings);
        await node.Factory.Services.GetRequiredService<Scheduler>().RunDueAsync(default);
        Assert.Equal(0, await GalaxyJobsAsync(node.Factory.Services));
        Assert.Equal(0, await AttackPatternsAsync(node, node.Owner));
    }
}

public sealed class SqliteIntelGalaxyFirstStartTests() : IntelGalaxyFirstStartTests(DatabaseProvider.Sqlite);

public sealed class PostgresIntelGalaxyFirstStartTests() : IntelGalaxyFirstStartTests(DatabaseProvider.Postgres);
