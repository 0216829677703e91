using System.Text.Json.Nodes;
using Rampart.Standards.Stix;
using static Rampart.Standards.Misp.MispJson;

namespace Rampart.Standards.Misp;

/// <summary>
/// MISP galaxy clusters (attached as galaxies or named by <c>misp-galaxy:</c> tags) → malware, threat-actor,
/// intrusion-set, tool or attack-pattern objects; clusters of other galaxies stay labels on the report (reported).
/// </summary>
internal sealed class MispGalaxyMapper(MispContext context)
{
    public void MapGalaxies(JsonArray? galaxies, string path)
    {
        for (var i = 0; i < (galaxies?.Count ?? 0); i++)
        {
            if (galaxies![i] is not JsonObject galaxy)
            {
                continue;
            }

            var galaxyType = Str(galaxy, "type") ?? "";
            var clusters = galaxy["GalaxyCluster"] as JsonArray ?? [];
            for (var j = 0; j < clusters.Count; j++)
            {
                if (clusters[j] is JsonObject cluster && Str(cluster, "value") is { } value)
                {
                    AddCluster(galaxyType, value, Str(cluster, "description"), Str(cluster, "uuid"), $"{path}[{i}].GalaxyCluster[{j}]");
                }
            }
        }
    }

    public void MapTagGalaxies(JsonArray? tags, string path)
    {
        for (var i = 0; i < (tags?.Count ?? 0); i++)
        {
            var name = tags![i] is JsonObject t ? Str(t, "name") : null;
            if (name is null || !name.StartsWith("misp-galaxy:", StringComparison.Ordinal))
            {
                continue;
            }

            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                continue;
            }

            AddCluster(name["misp-galaxy:".Length..eq], name[(eq + 1)..].Trim('"'), null, null, $"{path}[{i}]");
        }
    }

    /// <summary>The STIX type a galaxy's clusters become; null when there is none.</summary>
    public static string? StixType(string galaxyType) => galaxyType switch
    {
        "malpedia" or "ransomware" or "banker" or "rat" or "botnet" or "android" or "backdoor" or "stealer" or "exploit-kit" or "mitre-malware" or "tds" or "malware" => "malware",
        "threat-actor" or "microsoft-activity-group" => "threat-actor",
        "mitre-intrusion-set" or "intrusion-set" => "intrusion-set",
        "mitre-tool" or "tool" => "tool",
        "mitre-attack-pattern" or "mitre-enterprise-attack-attack-pattern" or "attack-pattern" => "attack-pattern",
        _ => null,
    };

    private void AddCluster(string galaxyType, string value, string? description, string? clusterUuid, string path)
    {
        if (StixType(galaxyType) is not { } type)
        {
            context.Lost(path, $"galaxy {galaxyType}: {value}", $"Galaxy clusters of type '{galaxyType}' have no STIX counterpart here; kept as a label on the report.");
            context.EventLabels.Add($"misp-galaxy:{galaxyType}=\"{value}\"");
            return;
        }

        // The same cluster named by a galaxy and by a tag is one object.
        if (context.Objects.Any(x => x.Type == type && x.GetString("name") == value))
        {
            return;
        }

        var uuid = MispContext.UuidOr(clusterUuid, $"{type}:{value}");
        var sdo = context.Sdo(type, uuid);
        if (context.Contains(MispContext.IdOf(sdo)))
        {
            context.Lost(path, $"galaxy {galaxyType}: {value}", $"Its cluster UUID {uuid} is already used by another cluster of this event under another name; not converted twice.");
            return;
        }

        sdo["name"] = value;
        if (type == "malware")
        {
            sdo["is_family"] = true;
        }

        if (!string.IsNullOrEmpty(description))
        {
            sdo["description"] = description;
        }

        sdo["labels"] = new JsonArray((JsonNode)$"misp-galaxy:{galaxyType}");
        MispContext.Mark(sdo, context.EventTlp);
        context.Add(new StixObject(sdo));
    }
}
