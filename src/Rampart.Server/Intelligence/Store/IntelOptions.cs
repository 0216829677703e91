using System.ComponentModel.DataAnnotations;
using Rampart.Standards.Misp;

namespace Rampart.Server.Intelligence.Store;

/// <summary><c>Rampart:Intelligence</c>: limits and data of the intelligence store.</summary>
public sealed class IntelOptions
{
    public const string Section = "Rampart:Intelligence";

    /// <summary>Largest STIX bundle, MISP event or CSV a request may send (default 200 MB).</summary>
    [Range(1024, long.MaxValue)]
    public long MaxBundleBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>Bodies up to this size are imported while the request waits (200 with the job); larger ones answer 202 at once.</summary>
    [Range(0, long.MaxValue)]
    public long DirectImportBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>
    /// How long a running import's lease lasts; the server running it renews it every third of this. A job still
    /// "running" whose lease expired (its server stopped) is marked interrupted by any server of the node.
    /// </summary>
    [Range(5, 3600)]
    public int ImportLeaseSeconds { get; set; } = 60;

    /// <summary>A further folder of MISP-format warning lists, checked besides the bundled ones.</summary>
    public string? WarningListsPath { get; set; }

    /// <summary>A value linked to more objects than this is "common": shown as such instead of expanded.</summary>
    [Range(1, int.MaxValue)]
    public int CommonValueThreshold { get; set; } = 200;

    /// <summary>
    /// Objects per walk step of an export (one id page, then one query for their values; a STIX export takes a tenth).
    /// Memory holds one step.
    /// </summary>
    [Range(10, 1_000_000)]
    public int ExportStep { get; set; } = 10_000;

    /// <summary>
    /// Load the MISP galaxies as reference objects shortly after the first start (from <see cref="GalaxiesPath"/>), in the
    /// background through the scheduler: on by default, so ATT&amp;CK techniques and actors are there to link without an operator step.
    /// </summary>
    public bool LoadGalaxiesOnFirstStart { get; set; } = true;

    public string? GalaxiesPath { get; set; }
}

/// <summary>The warning lists of this node, loaded once: the bundled MISP lists plus <see cref="IntelOptions.WarningListsPath"/>.</summary>
public sealed partial class WarningListsProvider(Microsoft.Extensions.Options.IOptions<IntelOptions> options, ILogger<WarningListsProvider> logger)
{
    private readonly Lazy<WarningListMatcher> matcher = new(() => Load(options.Value, logger));

    public WarningListMatcher Matcher => matcher.Value;

    private static WarningListMatcher Load(IntelOptions options, ILogger logger)
    {
        var lists = new List<WarningList>();
        var bundled = Path.Combine(AppContext.BaseDirectory, "Intelligence", "WarningLists");
        foreach (var folder in new[] { bundled, options.WarningListsPath }.OfType<string>().Where(Directory.Exists))
        {
            lists.AddRange(WarningListMatcher.FromDirectory(folder).Lists);
        }

        Loaded(logger, lists.Count);
        return new WarningListMatcher(lists);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Warning lists loaded: {Count}")]
    private static partial void Loaded(ILogger logger, int count);
}
