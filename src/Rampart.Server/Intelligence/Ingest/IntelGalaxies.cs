using System.CommandLine;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Admin;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards;
using Rampart.Standards.Intelligence.Galaxies;
using Rampart.Standards.Markings;

namespace Rampart.Server.Intelligence.Ingest;

/// <summary>What one galaxy load did.</summary>
public sealed record GalaxyLoadResult(Guid JobId, int Objects, int Added, int Updated, int Unchanged, int Rejected, int NotConverted);

/// <summary>
/// Loads the MISP galaxies (ATT&amp;CK, DISARM, threat actors, ransomware …) as STIX reference objects: TLP:CLEAR,
/// shared with the whole network, owned by the organisation hosting the node, through <see cref="IntelIngest"/> and
/// <see cref="IntelStore"/> like any import (a second load of the same files changes nothing).
/// </summary>
public sealed class IntelGalaxies(RampartDb db, IntelIngest ingest, AuditTrail audit, IOptions<NodeOptions> node, IOptions<IntelOptions> options)
{
    /// <summary>Where the galaxies are when neither <c>--path</c> nor <c>Rampart:Intelligence:GalaxiesPath</c> says (relative to the working directory).</summary>
    public const string DefaultPath = "../shared/data/misp-galaxy";

    /// <summary>The clusters folder for <paramref name="path"/> (a misp-galaxy checkout or its <c>clusters</c> folder); null when there is none.</summary>
    public string? ClustersFolder(string? path)
    {
        var folder = Path.GetFullPath(path ?? options.Value.GalaxiesPath ?? DefaultPath);
        if (Directory.Exists(Path.Combine(folder, "clusters")))
        {
            folder = Path.Combine(folder, "clusters");
        }

        return Directory.Exists(folder) && Directory.EnumerateFiles(folder, "*.json").Any() ? folder : null;
    }

    /// <summary>Loads every cluster file of <paramref name="clustersFolder"/>; a file that is not a cluster file is a 400-style error naming it.</summary>
    public async Task<GalaxyLoadResult> LoadAsync(string clustersFolder, CancellationToken cancellationToken)
    {
        var shortName = node.Value.OrganisationShortName;
        var host = await db.Organisations.AsNoTracking().Where(o => o.ShortName == shortName).Select(o => (Guid?)o.Id).FirstOrDefaultAsync(cancellationToken)
            ?? throw RequestErrors.One("organisation", $"The hosting organisation '{shortName}' (Rampart:Node:OrganisationShortName) does not exist yet: start the node once first.");
        GalaxyConversion conversion;
        try
        {
            conversion = MispGalaxyConverter.ConvertFolder(clustersFolder, IntelIdentity.Of(host));
        }
        catch (StandardsException e)
        {
            throw RequestErrors.One("path", e.Message);
        }

        // The node loads on behalf of its hosting organisation (no user: the command line or the first start).
        var caller = new Caller(Guid.Empty, host, Role.NodeAdmin, new HashSet<Guid>(), ReadOnly: false, Credential: "cli");
        var share = new IntelShare(Tlp.Clear, [new ResolvedAudience(AudienceKind.Network)], Published: false);
        var job = await ingest.Store.StartJobAsync(caller, IntelImportFormat.Galaxy, Tlp.Clear, cancellationToken, IntelChangeVia.Galaxy);
        await ingest.RunAsync(caller, job, share, IntelIngest.ListItems(conversion.Objects), cancellationToken);
        var result = new GalaxyLoadResult(job.Id, conversion.Objects.Count, job.Added, job.Updated, job.Unchanged, job.Rejected, conversion.NotConverted.Count);
        audit.Record(AuditEvent.IntelGalaxiesLoaded, caller, $"intel-import:{job.Id}", job.Status == IntelImportStatus.Completed ? AuditOutcome.Success : AuditOutcome.Failed,
            string.Create(CultureInfo.InvariantCulture, $"objects {result.Objects} added {result.Added} updated {result.Updated} unchanged {result.Unchanged} rejected {result.Rejected} not converted {result.NotConverted}"));
        await db.SaveChangesAsync(cancellationToken);
        return result;
    }

    /// <summary><c>rampart admin intel load-galaxies [--path DIR]</c>.</summary>
    internal static void AddCommand(AdminCommands commands)
    {
        var intel = new Command("intel", "Threat intelligence.");
        commands.Admin.Subcommands.Add(intel);
        var path = new Option<string?>("--path") { Description = $"A misp-galaxy folder (or its clusters folder). Default: Rampart:Intelligence:GalaxiesPath, else {DefaultPath} from the working directory." };
        var load = new Command("load-galaxies", "Load the MISP galaxies as TLP:CLEAR reference objects of the hosting organisation, shared with the network. A second load changes nothing.") { path };
        load.SetAction((parse, ct) => commands.Run(async services =>
        {
            var galaxies = services.GetRequiredService<IntelGalaxies>();
            var given = parse.GetValue(path);
            if (galaxies.ClustersFolder(given) is not { } folder)
            {
                await commands.Error.WriteLineAsync($"error: path: no galaxy cluster files (*.json) in '{Path.GetFullPath(given ?? services.GetRequiredService<IOptions<IntelOptions>>().Value.GalaxiesPath ?? DefaultPath)}' or its clusters folder.");
                return 3;
            }

            var r = await galaxies.LoadAsync(folder, ct);
            await commands.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"job {r.JobId}: {r.Objects} objects: added {r.Added}, updated {r.Updated}, unchanged {r.Unchanged}, rejected {r.Rejected}; clusters not converted {r.NotConverted}"));
            return r.Rejected == 0 ? 0 : 2;
        }, ct));
        intel.Subcommands.Add(load);
    }
}

/// <summary>
/// The galaxies on a new node without an operator step (<c>Rampart:Intelligence:LoadGalaxiesOnFirstStart</c>, on by
/// default): a job of the durable scheduler, so it runs in the background shortly after the first start (startup does
/// not wait for it) and on one app server only. It loads once: when a galaxy load has finished it does nothing (the
/// command loads newer releases); a load a crash interrupted is simply run again, as stored objects come back unchanged.
/// </summary>
public sealed partial class GalaxiesFirstLoad(RampartDb db, IntelGalaxies galaxies, IOptions<IntelOptions> options, ILogger<GalaxiesFirstLoad> logger) : Scheduling.IScheduledJob
{
    public const string JobName = "intel-galaxies-first-load";

    /// <summary>How often the job looks again (a node whose galaxies are loaded only checks that).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.LoadGalaxiesOnFirstStart
            || await db.IntelImportJobs.AnyAsync(j => j.Format == IntelImportFormat.Galaxy && (j.Status == IntelImportStatus.Completed || j.Status == IntelImportStatus.CompletedWithRejections), cancellationToken))
        {
            return;
        }

        if (galaxies.ClustersFolder(null) is not { } folder)
        {
            LogNoFolder(logger, Path.GetFullPath(options.Value.GalaxiesPath ?? IntelGalaxies.DefaultPath));
            return;
        }

        var result = await galaxies.LoadAsync(folder, cancellationToken);
        LogLoaded(logger, result.Objects, result.Added, result.Unchanged, result.Rejected);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Galaxies: no galaxy cluster files at {Path}; nothing loaded (set Rampart:Intelligence:GalaxiesPath, or LoadGalaxiesOnFirstStart=false).")]
    private static partial void LogNoFolder(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Galaxies loaded: {Objects} objects, {Added} added, {Unchanged} unchanged, {Rejected} rejected.")]
    private static partial void LogLoaded(ILogger logger, int objects, int added, int unchanged, int rejected);
}
