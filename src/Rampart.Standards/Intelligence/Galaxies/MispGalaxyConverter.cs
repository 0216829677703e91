using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rampart.Standards.Markings;
using Rampart.Standards.Stix;

namespace Rampart.Standards.Intelligence.Galaxies;

/// <summary>A cluster (or one of its <c>related</c> entries) that did not become a STIX object, or became one with a change worth knowing.</summary>
/// <param name="Galaxy">The galaxy type, e.g. <c>mitre-attack-pattern</c>.</param>
/// <param name="ClusterUuid">The cluster's uuid as the file has it.</param>
/// <param name="What">The cluster's value, or <c>related: TYPE → UUID</c>.</param>
public sealed record GalaxyIssue(string Galaxy, string? ClusterUuid, string What, string Reason);

/// <summary>The reference objects made from galaxy cluster files, and everything that was not (or not as is) converted.</summary>
public sealed record GalaxyConversion(
    IReadOnlyList<StixObject> Objects,
    IReadOnlyList<GalaxyIssue> NotConverted,
    IReadOnlyList<GalaxyIssue> Changed,
    IReadOnlyDictionary<string, int> ObjectsPerGalaxy,
    int Relationships);

/// <summary>
/// MISP galaxy clusters (the <c>clusters/*.json</c> files of MISP/misp-galaxy) → STIX 2.1 reference objects, the way
/// MISP's own misp-stix exports galaxies: ATT&amp;CK techniques and DISARM techniques → <c>attack-pattern</c>, ATT&amp;CK
/// groups → <c>intrusion-set</c>, the MISP threat-actor galaxy → <c>threat-actor</c>, ATT&amp;CK software, ransomware
/// and other malware galaxies → <c>malware</c> (<c>is_family: true</c>), tools → <c>tool</c>, DISARM countermeasures →
/// <c>course-of-action</c>; each cluster's <c>related</c> entries → <c>relationship</c> objects when both ends convert.
/// <list type="bullet">
/// <item>Ids: <c>TYPE--CLUSTER-UUID</c>, as misp-stix does, so ATT&amp;CK objects keep MITRE's own ids and a MISP event
/// tagged with a cluster points at the same object. A cluster uuid that is no RFC 4122 UUID (version 1–5) gets a
/// UUIDv5 derived from it (reported in <see cref="GalaxyConversion.Changed"/>). Relationship ids are UUIDv5 of source,
/// type and target.</item>
/// <item>Times: <c>created</c> is fixed (2016-01-01, the galaxies' first release) and <c>modified</c> is that plus the
/// cluster file's <c>version</c> in seconds, so a newer galaxy release is a newer STIX version of the same objects and
/// loading the same release twice changes nothing. The version is also in <c>x_misp_galaxy_version</c>.</item>
/// <item>Marking TLP:CLEAR; <c>created_by_ref</c> the node's identity (a parameter).</item>
/// <item>Labels: the cluster's MISP tag (<c>misp-galaxy:TYPE="VALUE"</c>), so tags in MISP events find the object.
/// Names drop ATT&amp;CK's " - T1234" suffix (MITRE's own names); synonyms become <c>aliases</c> where the type has them;
/// <c>refs</c> become external references; other <c>meta</c> stays in <c>x_misp_meta</c>.</item>
/// </list>
/// </summary>
public static class MispGalaxyConverter
{
    /// <summary>The fixed <c>created</c> of every galaxy object.</summary>
    public static readonly DateTimeOffset Created = new(2016, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Guid Namespace = new("7d5e8f3a-1c2b-4a9d-8e6f-5b4c3d2a1f0e");
    private static readonly HashSet<string> MappedMeta = new(StringComparer.Ordinal) { "external_id", "refs", "synonyms", "kill_chain" };

    /// <summary>The STIX type clusters of a galaxy become; null when they have none here.</summary>
    public static string? StixType(string galaxyType) => galaxyType switch
    {
        "mitre-attack-pattern" or "mitre-enterprise-attack-attack-pattern" or "mitre-mobile-attack-attack-pattern" or "mitre-pre-attack-attack-pattern" or "disarm-techniques" => "attack-pattern",
        "mitre-intrusion-set" or "mitre-enterprise-attack-intrusion-set" or "mitre-mobile-attack-intrusion-set" => "intrusion-set",
        "threat-actor" or "microsoft-activity-group" => "threat-actor",
        "mitre-malware" or "mitre-enterprise-attack-malware" or "mitre-mobile-attack-malware" or "ransomware" or "malpedia" or "banker" or "rat" or "botnet" or "android" or "backdoor" or "stealer" or "exploit-kit" or "tds" => "malware",
        "mitre-tool" or "mitre-enterprise-attack-tool" or "mitre-mobile-attack-tool" or "tool" => "tool",
        "disarm-countermeasures" or "mitre-course-of-action" => "course-of-action",
        _ => null,
    };

    /// <summary>Converts every <c>*.json</c> cluster file of <paramref name="clustersFolder"/> (in name order).</summary>
    public static GalaxyConversion ConvertFolder(string clustersFolder, string createdByRef)
    {
        var files = Directory.GetFiles(clustersFolder, "*.json").Order(StringComparer.Ordinal).ToList();
        var parsed = new List<JsonObject>(files.Count);
        foreach (var file in files)
        {
            try
            {
                parsed.Add(JsonNode.Parse(File.ReadAllBytes(file)) as JsonObject ?? throw new StandardsException("A galaxy cluster file is a JSON object.", path: Path.GetFileName(file)));
            }
            catch (JsonException e)
            {
                throw new StandardsException($"Not JSON: {e.Message}", path: Path.GetFileName(file));
            }
        }

        return Convert(parsed, createdByRef);
    }

    /// <summary>
    /// Converts cluster files together (relationships may cross galaxies: a group <c>uses</c> a technique). Every
    /// cluster and every related entry is either converted or listed in <see cref="GalaxyConversion.NotConverted"/>.
    /// </summary>
    public static GalaxyConversion Convert(IEnumerable<JsonObject> clusterFiles, string createdByRef)
    {
        ArgumentNullException.ThrowIfNull(clusterFiles);
        if (!StixIdentifier.TryParse(createdByRef, out var creatorType, out _) || creatorType != "identity")
        {
            throw new StandardsException("created_by_ref is an identity id ('identity--UUID').", path: "created_by_ref");
        }

        var objects = new List<StixObject>();
        var notConverted = new List<GalaxyIssue>();
        var changed = new List<GalaxyIssue>();
        var perGalaxy = new Dictionary<string, int>(StringComparer.Ordinal);
        var idsByUuid = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var pending = new List<(string Galaxy, string Uuid, string SourceId, string Modified, JsonArray Related)>();
        var unconvertedUuids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        foreach (var file in clusterFiles)
        {
            var galaxy = Str(file, "type") ?? throw new StandardsException("A galaxy cluster file has a type.", path: "type");
            var version = file["version"] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && long.TryParse(v.ToJsonString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0;
            var modified = Timestamps.Format(Created.AddSeconds(Math.Min(version, 1_000_000_000)));
            var values = file["values"] as JsonArray ?? [];
            var type = StixType(galaxy);
            perGalaxy.TryAdd(galaxy, 0);
            for (var i = 0; i < values.Count; i++)
            {
                if (values[i] is not JsonObject cluster || Str(cluster, "value") is not { Length: > 0 } value)
                {
                    notConverted.Add(new GalaxyIssue(galaxy, null, $"values[{i}]", "A cluster without a value."));
                    continue;
                }

                var clusterUuid = Str(cluster, "uuid");
                if (type is null)
                {
                    notConverted.Add(new GalaxyIssue(galaxy, clusterUuid, value, $"Clusters of the galaxy '{galaxy}' have no STIX 2.1 counterpart here; the MISP tag stays a label."));
                    if (clusterUuid is not null)
                    {
                        unconvertedUuids.TryAdd(clusterUuid, galaxy);
                    }

                    continue;
                }

                if (clusterUuid is null || !Guid.TryParse(clusterUuid, out var parsedUuid))
                {
                    notConverted.Add(new GalaxyIssue(galaxy, clusterUuid, value, "The cluster has no uuid, so it can have no stable STIX id."));
                    continue;
                }

                var uuid = parsedUuid.ToString();
                var stixUuid = uuid;
                if (!StixIdentifier.TryParse($"{type}--{uuid}", out _, out _))
                {
                    stixUuid = Derived("cluster:" + uuid).ToString();
                    changed.Add(new GalaxyIssue(galaxy, clusterUuid, value, $"Its uuid is not an RFC 4122 UUID of version 1–5, which STIX ids need; the object's id is {type}--{stixUuid}, derived from it."));
                }

                var id = $"{type}--{stixUuid}";
                if (idsByUuid.TryGetValue(uuid, out var taken))
                {
                    notConverted.Add(new GalaxyIssue(galaxy, clusterUuid, value, $"Another cluster already has the uuid (it became {taken})."));
                    continue;
                }

                idsByUuid[uuid] = id;
                objects.Add(new StixObject(Sdo(galaxy, type, id, value, cluster, modified, version, createdByRef)));
                perGalaxy[galaxy]++;
                if (cluster["related"] is JsonArray related && related.Count > 0)
                {
                    pending.Add((galaxy, uuid, id, modified, related));
                }
            }
        }

        var relationships = 0;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (galaxy, uuid, sourceId, modified, related) in pending)
        {
            foreach (var entry in related.OfType<JsonObject>())
            {
                var target = Str(entry, "dest-uuid");
                var relationType = Str(entry, "type") ?? "related-to";
                var what = $"related: {relationType} → {target}";
                if (target is null || !Guid.TryParse(target, out var targetGuid))
                {
                    notConverted.Add(new GalaxyIssue(galaxy, uuid, what, "The related entry names no cluster uuid."));
                    continue;
                }

                if (!idsByUuid.TryGetValue(targetGuid.ToString(), out var targetId))
                {
                    notConverted.Add(new GalaxyIssue(galaxy, uuid, what, unconvertedUuids.TryGetValue(targetGuid.ToString(), out var g)
                        ? $"The target is a cluster of the galaxy '{g}', which is not converted."
                        : "The target cluster is not among the loaded galaxies."));
                    continue;
                }

                var relationshipType = VocabularyForm(relationType);
                var id = "relationship--" + Derived($"{sourceId}|{relationshipType}|{targetId}");
                if (!seen.Add(id))
                {
                    continue; // the same fact listed twice
                }

                var relationship = new JsonObject
                {
                    ["type"] = "relationship",
                    ["spec_version"] = "2.1",
                    ["id"] = id,
                    ["created"] = Timestamps.Format(Created),
                    ["modified"] = modified,
                    ["created_by_ref"] = createdByRef,
                    ["relationship_type"] = relationshipType,
                    ["source_ref"] = sourceId,
                    ["target_ref"] = targetId,
                    ["object_marking_refs"] = new JsonArray((JsonNode)Tlp.Clear.StixMarkingId()),
                };
                if (entry["tags"] is JsonArray tags && tags.Count > 0)
                {
                    relationship["labels"] = new JsonArray([.. tags.Select(t => t?.GetValueKind() == JsonValueKind.String ? (JsonNode)t.GetValue<string>() : null).Where(t => t is not null)]);
                }

                objects.Add(new StixObject(relationship));
                relationships++;
            }
        }

        return new GalaxyConversion(objects, notConverted, changed, perGalaxy, relationships);
    }

    private static JsonObject Sdo(string galaxy, string type, string id, string value, JsonObject cluster, string modified, long version, string createdByRef)
    {
        var meta = cluster["meta"] as JsonObject ?? [];
        var externalId = Str(meta, "external_id");
        var name = externalId is not null && value.EndsWith(" - " + externalId, StringComparison.Ordinal) ? value[..^(externalId.Length + 3)] : value;
        var o = new JsonObject
        {
            ["type"] = type,
            ["spec_version"] = "2.1",
            ["id"] = id,
            ["created"] = Timestamps.Format(Created),
            ["modified"] = modified,
            ["created_by_ref"] = createdByRef,
            ["name"] = name,
        };
        if (Str(cluster, "description") is { Length: > 0 } description)
        {
            o["description"] = description;
        }

        if (type == "malware")
        {
            o["is_family"] = true;
        }

        var synonyms = Strings(meta["synonyms"]).Where(s => !string.Equals(s, name, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        if (synonyms.Count > 0 && type is "intrusion-set" or "threat-actor" or "malware" or "tool" or "campaign")
        {
            o["aliases"] = new JsonArray([.. synonyms.Select(s => (JsonNode)s)]);
        }

        var (phases, allPhasesMapped) = KillChainPhases(galaxy, meta);
        var phasesWritten = phases.Count > 0 && allPhasesMapped && type is "attack-pattern" or "malware" or "tool" or "indicator" or "infrastructure";
        if (phasesWritten)
        {
            o["kill_chain_phases"] = phases;
        }

        if (ExternalReferences(galaxy, externalId, meta) is { Count: > 0 } references)
        {
            o["external_references"] = references;
        }

        o["labels"] = new JsonArray((JsonNode)$"misp-galaxy:{galaxy}=\"{value}\"");
        o["object_marking_refs"] = new JsonArray((JsonNode)Tlp.Clear.StixMarkingId());
        o["x_misp_galaxy_version"] = version;
        var rest = new JsonObject();
        foreach (var (key, node) in meta)
        {
            // A kill chain that did not (entirely) become kill_chain_phases is kept as it was.
            if (!MappedMeta.Contains(key) || (key == "kill_chain" && !phasesWritten))
            {
                rest[key] = node?.DeepClone();
            }
        }

        if (rest.Count > 0)
        {
            o["x_misp_meta"] = rest;
        }

        return o;
    }

    private static (JsonArray Phases, bool AllMapped) KillChainPhases(string galaxy, JsonObject meta)
    {
        var allMapped = true;
        var phases = new JsonArray();
        var seen = new HashSet<(string, string)>();
        foreach (var entry in Strings(meta["kill_chain"]))
        {
            var colon = entry.LastIndexOf(':');
            if (colon <= 0)
            {
                allMapped = false;
                continue;
            }

            var chain = entry[..colon];
            var phase = Slug(entry[(colon + 1)..]);
            var chainName = galaxy.StartsWith("disarm-", StringComparison.Ordinal) ? (chain == "tactics" ? "disarm" : null)
                : chain.StartsWith("mobile-attack", StringComparison.Ordinal) ? "mitre-mobile-attack"
                : chain.StartsWith("attack-", StringComparison.Ordinal) ? "mitre-attack"
                : chain == "pre-attack" ? "mitre-pre-attack"
                : Slug(chain);
            if (chainName is null || phase.Length == 0)
            {
                allMapped = false;
                continue;
            }

            if (seen.Add((chainName, phase)))
            {
                phases.Add(new JsonObject { ["kill_chain_name"] = chainName, ["phase_name"] = phase });
            }
        }

        return (phases, allMapped);
    }

    private static JsonArray ExternalReferences(string galaxy, string? externalId, JsonObject meta)
    {
        var references = new JsonArray();
        var refs = Strings(meta["refs"]).Distinct(StringComparer.Ordinal).ToList();
        var source = galaxy.StartsWith("mitre-", StringComparison.Ordinal) ? "mitre-attack" : galaxy.StartsWith("disarm-", StringComparison.Ordinal) ? "DISARM" : null;
        if (externalId is not null && source is not null)
        {
            var primary = new JsonObject { ["source_name"] = source, ["external_id"] = externalId };
            var home = source == "mitre-attack" ? refs.FirstOrDefault(r => r.StartsWith("https://attack.mitre.org/", StringComparison.Ordinal)) : refs.FirstOrDefault(r => r.Contains(externalId, StringComparison.Ordinal));
            if (home is not null && StixFormats.IsUrl(home))
            {
                primary["url"] = home;
                refs.Remove(home);
            }

            references.Add(primary);
        }
        else if (externalId is not null)
        {
            references.Add(new JsonObject { ["source_name"] = "misp-galaxy:" + galaxy, ["external_id"] = externalId });
        }

        foreach (var r in refs)
        {
            references.Add(StixFormats.IsUrl(r) && Uri.TryCreate(r, UriKind.Absolute, out var uri)
                ? new JsonObject { ["source_name"] = uri.Host.Length > 0 ? uri.Host : "reference", ["url"] = r }
                : new JsonObject { ["source_name"] = "reference", ["description"] = r });
        }

        return references;
    }

    private static string VocabularyForm(string relationType)
    {
        var sb = new StringBuilder(relationType.Length);
        foreach (var c in relationType.Trim().ToLowerInvariant())
        {
            sb.Append(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) ? c : '-');
        }

        var form = sb.ToString().Trim('-');
        return form.Length == 0 ? "related-to" : form;
    }

    private static string Slug(string text) => VocabularyForm(text).Replace("--", "-", StringComparison.Ordinal);

    private static Guid Derived(string seed) => ScoIds.UuidV5(Namespace, Encoding.UTF8.GetBytes(seed));

    private static string? Str(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonArray a => a.Select(x => x is JsonValue v && v.TryGetValue<string>(out var s) ? s : null).Where(s => !string.IsNullOrWhiteSpace(s)).Select(s => s!),
        JsonValue v when v.TryGetValue<string>(out var s) && !string.IsNullOrWhiteSpace(s) => [s],
        _ => [],
    };
}
