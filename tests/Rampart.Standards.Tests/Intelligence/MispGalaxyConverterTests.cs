using System.Text.Json.Nodes;
using Rampart.Standards.Intelligence.Galaxies;
using Rampart.Standards.Markings;
using Rampart.Standards.Stix;

namespace Rampart.Standards.Tests.Intelligence;

public sealed class MispGalaxyConverterTests
{
    private const string Node = "identity--5b1f3c7e-9a2d-4e8f-b6c1-0d2e3f4a5b6c";
    private static readonly Lazy<GalaxyConversion> Real = new(() => MispGalaxyConverter.ConvertFolder(ClustersFolder, Node));

    private static string ClustersFolder => Path.Combine(SharedData.Folder("misp-galaxy"), "clusters");

    private static StixObject Find(string id) => Real.Value.Objects.Single(o => o.Id == id);

    [Fact]
    public void ConvertFolder_RealGalaxies_CountsPerGalaxy()
    {
        var counts = Real.Value.ObjectsPerGalaxy;

        Assert.Equal(1266, counts["mitre-attack-pattern"]);
        Assert.Equal(191, counts["mitre-intrusion-set"]);
        Assert.Equal(850, counts["mitre-malware"]);
        Assert.Equal(2135, counts["ransomware"]);
        Assert.Equal(1041, counts["threat-actor"]);
        Assert.Equal(298, counts["disarm-techniques"]);
        Assert.Equal(139, counts["disarm-countermeasures"]);
        Assert.Equal(0, counts["disarm-actortypes"]);
        Assert.Equal(0, counts["disarm-detections"]);
        Assert.Equal(0, counts["first-csirt-services-framework"]);
        Assert.Equal(1266 + 191 + 850 + 2135 + 1041 + 298 + 139, Real.Value.Objects.Count(o => o.Type != "relationship"));
        Assert.Equal(Real.Value.Relationships, Real.Value.Objects.Count(o => o.Type == "relationship"));
    }

    [Fact]
    public void ConvertFolder_RealGalaxies_EveryObjectValidatesClearAndCreatedByTheNode()
    {
        var errors = Real.Value.Objects.SelectMany(o => StixValidator.Validate(o).Errors).Take(20).ToList();

        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.All(Real.Value.Objects, o =>
        {
            Assert.Equal(Node, o.GetString("created_by_ref"));
            Assert.Equal(Tlp.Clear.StixMarkingId(), Assert.Single(o.Json["object_marking_refs"]!.AsArray())!.GetValue<string>());
        });
        Assert.Equal(Real.Value.Objects.Count, Real.Value.Objects.Select(o => o.Id).Distinct().Count());
    }

    [Fact]
    public void ConvertFolder_RealGalaxies_NothingSilentlyDropped()
    {
        var clusters = 0;
        var related = new HashSet<(string, string, string)>();
        var relatedEntries = 0;
        foreach (var file in Directory.GetFiles(ClustersFolder, "*.json"))
        {
            var json = JsonNode.Parse(File.ReadAllText(file))!;
            var values = json["values"]!.AsArray();
            clusters += values.Count;
            foreach (var cluster in values)
            {
                // The related entries of a cluster that is not converted go with its report.
                if (MispGalaxyConverter.StixType(json["type"]!.GetValue<string>()) is null)
                {
                    continue;
                }

                foreach (var r in cluster!["related"]?.AsArray() ?? [])
                {
                    relatedEntries++;
                    related.Add((cluster["uuid"]!.GetValue<string>(), r!["type"]!.GetValue<string>(), r["dest-uuid"]!.GetValue<string>()));
                }
            }
        }

        var result = Real.Value;
        var clusterIssues = result.NotConverted.Count(i => !i.What.StartsWith("related: ", StringComparison.Ordinal));
        var relatedIssues = result.NotConverted.Count(i => i.What.StartsWith("related: ", StringComparison.Ordinal));

        // Every cluster is an object or reported; every distinct related entry is a relationship or reported.
        Assert.Equal(clusters, result.Objects.Count(o => o.Type != "relationship") + clusterIssues);
        Assert.Equal(33 + 94 + 97, clusterIssues);
        Assert.Equal(related.Count, result.Relationships + result.NotConverted.Where(i => i.What.StartsWith("related: ", StringComparison.Ordinal)).Select(i => (i.ClusterUuid, i.What)).Distinct().Count());
        Assert.True(relatedIssues > 0 && relatedEntries >= related.Count);
        Assert.Contains(result.NotConverted, i => i.Galaxy == "disarm-detections" && i.Reason.Contains("no STIX 2.1 counterpart", StringComparison.Ordinal));
    }

    [Fact]
    public void ConvertFolder_ClusterUuidNotRfc4122_DerivedIdReported()
    {
        var issue = Assert.Single(Real.Value.Changed);
        Assert.Equal(("threat-actor", "019514dc-c894-751f-8cfd-ff2b932ff451"), (issue.Galaxy, issue.ClusterUuid));
        Assert.Contains(Real.Value.Objects, o => o.Type == "threat-actor" && o.Id.EndsWith(issue.Reason.Split("threat-actor--")[1].Split(',')[0], StringComparison.Ordinal));
    }

    [Fact]
    public void ConvertFolder_AttackTechnique_MitreIdsAndPhases()
    {
        var technique = Find("attack-pattern--7a265bf0-6acc-4f43-8b22-2e58b443e62e");

        Assert.Equal("Choose pre-compromised mobile app developer account credentials or signing keys", technique.GetString("name"));
        Assert.Equal("2016-01-01T00:00:00.000Z", technique.Created);
        Assert.Equal("2016-01-01T00:00:36.000Z", technique.Modified); // galaxy version 36
        var reference = technique.Json["external_references"]![0]!;
        Assert.Equal(("mitre-attack", "T1391", "https://attack.mitre.org/techniques/T1391"), (reference["source_name"]!.GetValue<string>(), reference["external_id"]!.GetValue<string>(), reference["url"]!.GetValue<string>()));
        var phase = Assert.Single(technique.Json["kill_chain_phases"]!.AsArray())!;
        Assert.Equal(("mitre-pre-attack", "persona-development"), (phase["kill_chain_name"]!.GetValue<string>(), phase["phase_name"]!.GetValue<string>()));
        Assert.Equal("misp-galaxy:mitre-attack-pattern=\"Choose pre-compromised mobile app developer account credentials or signing keys - T1391\"", technique.Json["labels"]![0]!.GetValue<string>());
    }

    [Fact]
    public void ConvertFolder_MitreMalware_FamilyWithUsesRelationships()
    {
        var malware = Find("malware--56660521-6db4-4e5a-a927-464f22954b7c");

        Assert.Equal("X-Agent for Android", malware.GetString("name"));
        Assert.True(malware.Json["is_family"]!.GetValue<bool>());
        Assert.Equal("S0314", malware.Json["external_references"]![0]!["external_id"]!.GetValue<string>());
        var uses = Real.Value.Objects.Where(o => o.Type == "relationship" && o.GetString("source_ref") == malware.Id && o.GetString("relationship_type") == "uses").ToList();
        Assert.Contains(uses, r => r.GetString("target_ref")!.EndsWith("114fed8b-7eed-4136-8b9c-411c5c7fff4b", StringComparison.Ordinal));
    }

    [Fact]
    public void ConvertFolder_DisarmTechnique_DisarmIdsAndBlockedByCountermeasure()
    {
        var technique = Find("attack-pattern--689e65f1-d834-581a-adf2-4e8a96d32464");

        Assert.Equal("Leverage Existing Narratives", technique.GetString("name"));
        Assert.Equal(("DISARM", "T0003"), (technique.Json["external_references"]![0]!["source_name"]!.GetValue<string>(), technique.Json["external_references"]![0]!["external_id"]!.GetValue<string>()));
        var phase = Assert.Single(technique.Json["kill_chain_phases"]!.AsArray())!;
        Assert.Equal(("disarm", "develop-narratives"), (phase["kill_chain_name"]!.GetValue<string>(), phase["phase_name"]!.GetValue<string>()));
        var blocked = Real.Value.Objects.Single(o => o.Type == "relationship" && o.GetString("source_ref") == technique.Id && o.GetString("target_ref") == "course-of-action--a706cf86-2170-58ea-a6d4-79cc47f23e54");
        Assert.Equal("blocked-by", blocked.GetString("relationship_type"));

        var counter = Find("course-of-action--26781c01-b62d-5091-99f4-047e4a0e825e");
        Assert.Equal("Create shared fact-checking database", counter.GetString("name"));
        Assert.NotNull(counter.Json["x_misp_meta"]!["kill_chain"]); // responsetypes and metatechniques are kept, not dropped
    }

    [Fact]
    public void ConvertFolder_ThreatActor_AliasesAndMetaKept()
    {
        var actor = Find("threat-actor--0b06fb39-ed3d-4868-ac42-12fff6df2c80");

        Assert.Equal("Nitro", actor.GetString("name"));
        Assert.Equal(["Covert Grove"], actor.Json["aliases"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("CN", actor.Json["x_misp_meta"]!["country"]!.GetValue<string>());
        Assert.Equal("paper.seebug.org", actor.Json["external_references"]![0]!["source_name"]!.GetValue<string>());
    }

    [Fact]
    public void ConvertFolder_Twice_SameObjects()
    {
        var again = MispGalaxyConverter.ConvertFolder(ClustersFolder, Node);
        Assert.Equal(Real.Value.Objects.Select(o => o.ToJson()), again.Objects.Select(o => o.ToJson()));
    }

    [Fact]
    public void Convert_NewerGalaxyVersion_LaterModifiedSameIds()
    {
        JsonObject File(int version) => new()
        {
            ["type"] = "ransomware",
            ["version"] = version,
            ["values"] = new JsonArray(new JsonObject { ["value"] = "LockBit", ["uuid"] = "a8187609-329a-4de0-bda7-7823314e7db9" }),
        };
        var older = MispGalaxyConverter.Convert([File(171)], Node).Objects.Single();
        var newer = MispGalaxyConverter.Convert([File(172)], Node).Objects.Single();

        Assert.Equal(older.Id, newer.Id);
        Assert.Equal(VersionComparison.Newer, StixVersions.Compare(older, newer));
    }

    [Fact]
    public void Convert_CreatorNotAnIdentity_Refused()
    {
        var e = Assert.Throws<StandardsException>(() => MispGalaxyConverter.Convert([], "organization--5b1f3c7e-9a2d-4e8f-b6c1-0d2e3f4a5b6c"));
        Assert.Equal("created_by_ref", e.Path);
    }
}
