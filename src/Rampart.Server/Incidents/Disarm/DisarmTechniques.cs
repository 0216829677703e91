using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Rampart.Server.Intelligence.Ingest;
using Rampart.Server.Intelligence.Store;

namespace Rampart.Server.Incidents.Disarm;

/// <summary>One DISARM technique as the galaxy names it: its id (<c>T0023.001</c>), name and reference page.</summary>
public sealed record DisarmTechnique(string Id, string Name, string? Url);

/// <summary>
/// The DISARM Red Framework techniques an incident may be tagged with, read from the MISP galaxy cluster file
/// <c>disarm-techniques.json</c> in the galaxies folder (<c>Rampart:Intelligence:GalaxiesPath</c>, else
/// <see cref="IntelGalaxies.DefaultPath"/>), the same folder <see cref="IntelGalaxies"/> loads as reference intelligence.
/// Ids and names come from that file only: no list is written into the code. Without the file no technique is known,
/// and tagging is refused with a 400 that says so.
/// </summary>
public sealed class DisarmTechniques(IOptions<IntelOptions> options)
{
    public const string ClusterFile = "disarm-techniques.json";

    private readonly Lazy<Catalogue> catalogue = new(() => Load(options.Value.GalaxiesPath), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Every technique, in the (ordinal) order of their ids.</summary>
    public IReadOnlyList<DisarmTechnique> All => catalogue.Value.List;

    /// <summary>Whether the DISARM galaxy was found; false: every id is unknown.</summary>
    public bool Available => catalogue.Value.List.Count > 0;

    /// <summary>Where the file was looked for (named in the 400 when it is missing).</summary>
    public string Source => catalogue.Value.Path;

    /// <summary>
    /// The technique with this id, ignoring case and surrounding spaces (<c>t0049.001</c> finds <c>T0049.001</c>); its
    /// <see cref="DisarmTechnique.Id"/> is the canonical spelling, the one stored and filtered on.
    /// </summary>
    public DisarmTechnique? Find(string? id) => id is not null && catalogue.Value.ById.TryGetValue(id.Trim(), out var technique) ? technique : null;

    /// <summary>The canonical spelling of each id the galaxy knows (others as given, for the 400 that names them).</summary>
    public IReadOnlyList<string>? Canonical(IReadOnlyList<string>? ids) => ids?.Select(id => Find(id)?.Id ?? id).ToList();

    /// <summary>Techniques whose id or name contains <paramref name="text"/> (case-insensitive), at most <paramref name="limit"/>.</summary>
    public IEnumerable<DisarmTechnique> Search(string? text, int limit) =>
        (string.IsNullOrWhiteSpace(text) ? All
            : All.Where(t => t.Id.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase) || t.Name.Contains(text.Trim(), StringComparison.OrdinalIgnoreCase)))
        .Take(limit);

    private sealed record Catalogue(string Path, IReadOnlyList<DisarmTechnique> List, FrozenDictionary<string, DisarmTechnique> ById);

    private static Catalogue Load(string? configured)
    {
        var folder = Path.GetFullPath(configured ?? IntelGalaxies.DefaultPath);
        var file = Path.Combine(folder, "clusters", ClusterFile);
        if (!File.Exists(file))
        {
            file = Path.Combine(folder, ClusterFile);
        }

        if (!File.Exists(file))
        {
            return new Catalogue(file, [], FrozenDictionary<string, DisarmTechnique>.Empty);
        }

        using var stream = File.OpenRead(file);
        using var document = JsonDocument.Parse(stream);
        // Ids differ by more than case (T0023, T0023.001), so a case-insensitive lookup is unambiguous.
        var techniques = new Dictionary<string, DisarmTechnique>(StringComparer.OrdinalIgnoreCase);
        if (document.RootElement.TryGetProperty("values", out var values) && values.ValueKind == JsonValueKind.Array)
        {
            foreach (var value in values.EnumerateArray())
            {
                if (!value.TryGetProperty("meta", out var meta) || !meta.TryGetProperty("external_id", out var idElement)
                    || idElement.ValueKind != JsonValueKind.String || !value.TryGetProperty("value", out var nameElement))
                {
                    continue;
                }

                var id = idElement.GetString()!;
                string? url = null;
                if (meta.TryGetProperty("refs", out var refs) && refs.ValueKind == JsonValueKind.Array)
                {
                    url = refs.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()).FirstOrDefault();
                }

                techniques.TryAdd(id, new DisarmTechnique(id, nameElement.GetString() ?? id, url));
            }
        }

        var list = techniques.Values.OrderBy(t => t.Id, StringComparer.Ordinal).ToList();
        return new Catalogue(file, list, techniques.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }
}
