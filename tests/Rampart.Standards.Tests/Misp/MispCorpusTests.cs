using System.Text;
using System.Text.Json.Nodes;
using Rampart.Standards.Misp;
using Rampart.Standards.Patterns;
using Rampart.Standards.Stix;

namespace Rampart.Standards.Tests.Misp;

/// <summary>
/// The converter over every real MISP event in ../shared/data/misp-samples: every output object validates, every
/// indicator pattern is canonical, and every input attribute — of the event and of its objects — is either in the
/// output or in the loss report with a reason. Plus fuzzing: only <see cref="StandardsException"/> escapes.
/// </summary>
public sealed class MispCorpusTests
{
    public static TheoryData<string> Samples() => MispEventConverterTests.Samples();

    private static (MispConversion Result, JsonObject Event) Load(string sample)
    {
        var bytes = File.ReadAllBytes(Path.Combine(SharedData.Folder("misp-samples"), sample));
        var root = JsonNode.Parse(bytes)!.AsObject();
        return (MispEventConverter.Convert(bytes), root["Event"] as JsonObject ?? root);
    }

    private static bool Deleted(JsonNode? n) => n?["deleted"]?.GetValueKind() == System.Text.Json.JsonValueKind.True;

    [Theory]
    [MemberData(nameof(Samples))]
    public void EveryOutputObject_Validates_AndEveryPatternIsCanonical(string sample)
    {
        var (result, _) = Load(sample);
        Assert.NotEmpty(result.Objects);
        foreach (var o in result.Objects)
        {
            var validation = StixValidator.Validate(o);
            Assert.True(validation.IsValid, $"{sample} {o.Id}: {string.Join("; ", validation.Errors.Select(e => $"{e.Path} {e.Rule} {e.Message}"))}");
            if (o.Type == "indicator" && o.GetString("pattern_type") == "stix")
            {
                var pattern = o.GetString("pattern")!;
                Assert.Equal(pattern, PatternParser.Parse(pattern).ToString());
            }
        }

        Assert.All(result.Unmapped, u => Assert.False(string.IsNullOrWhiteSpace(u.Reason), $"{u.Path} has no reason"));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void EveryInputAttribute_IsMappedOrReportedWithAReason(string sample)
    {
        var (result, ev) = Load(sample);
        var byId = result.Objects.ToDictionary(o => o.Id);
        var reported = result.Unmapped.Select(u => u.Path).ToHashSet(StringComparer.Ordinal);
        var externalUrls = (result.Report.Json["external_references"] as JsonArray ?? []).Select(r => r?["url"]?.GetValue<string>()).ToHashSet();
        var checkedAttributes = 0;

        // The text of a STIX object and of the SCOs it refers to.
        string TextOf(StixObject o) => o.ToJson() + string.Concat((o.Json["object_refs"] as JsonArray ?? [])
            .Select(r => byId.TryGetValue(r!.GetValue<string>(), out var sco) ? sco.ToJson() : ""))
            + (o.Type == "indicator" ? string.Concat(result.Objects.Where(s => s.Id.Split("--")[0] is not ("indicator" or "report" or "identity" or "relationship" or "sighting" or "observed-data" or "note")).Select(s => s.ToJson())) : "");

        void AssertValueIn(string text, string value, string where)
        {
            foreach (var part in value.Split('|'))
            {
                var expected = System.Text.Json.JsonSerializer.Serialize(part.Trim())[1..^1];
                // Registry keys are converted with their hive written out (HKLM → HKEY_LOCAL_MACHINE, §6.16).
                var expanded = System.Text.Json.JsonSerializer.Serialize(MispObservables.RegistryKey(part) ?? part.Trim())[1..^1];
                Assert.True(text.Contains(expected, StringComparison.Ordinal) || text.Contains(expanded, StringComparison.Ordinal) || text.Contains(expected, StringComparison.OrdinalIgnoreCase) && IsHex(part),
                    $"{sample} {where}: value '{part}' is neither in the output (case kept unless hex) nor reported");
            }
        }

        var attributes = ev["Attribute"] as JsonArray ?? [];
        for (var i = 0; i < attributes.Count; i++)
        {
            var a = attributes[i]!.AsObject();
            if (Deleted(a))
            {
                continue;
            }

            checkedAttributes++;
            var path = $"Event.Attribute[{i}]";
            var value = a["value"]!.GetValue<string>();
            if (reported.Contains(path) || externalUrls.Contains(value))
            {
                continue;
            }

            var converted = result.Objects.SingleOrDefault(o => o.Id.EndsWith("--" + a["uuid"]!.GetValue<string>(), StringComparison.Ordinal) && o.Type is not ("identity" or "report"));
            Assert.True(converted is not null, $"{sample} {path} ({a["type"]}) is neither converted nor reported");
            AssertValueIn(TextOf(converted!), value, path);
        }

        var objects = ev["Object"] as JsonArray ?? [];
        for (var i = 0; i < objects.Count; i++)
        {
            var o = objects[i]!.AsObject();
            if (Deleted(o))
            {
                continue;
            }

            var path = $"Event.Object[{i}]";
            var members = o["Attribute"] as JsonArray ?? [];
            checkedAttributes += members.Count(m => !Deleted(m));
            if (reported.Contains(path))
            {
                continue; // the whole object is reported
            }

            var converted = result.Objects.SingleOrDefault(x => x.Id.EndsWith("--" + o["uuid"]!.GetValue<string>(), StringComparison.Ordinal));
            Assert.True(converted is not null, $"{sample} {path} ({o["name"]}) is neither converted nor reported");
            var text = TextOf(converted!);
            for (var j = 0; j < members.Count; j++)
            {
                if (!Deleted(members[j]) && !reported.Contains($"{path}.Attribute[{j}]"))
                {
                    AssertValueIn(text, members[j]!["value"]!.GetValue<string>(), $"{path}.Attribute[{j}]");
                }
            }
        }

        Assert.True(checkedAttributes > 0, $"{sample}: no attribute checked");
    }

    private static bool IsHex(string s) => s.Trim().Length > 0 && s.Trim().All(char.IsAsciiHexDigit);

    [Theory]
    [MemberData(nameof(Samples))]
    public void StructurallyMutatedSamples_FailOnlyWithTheLibraryError(string sample)
    {
        var bytes = File.ReadAllBytes(Path.Combine(SharedData.Folder("misp-samples"), sample));
        var random = new Random(sample.GetHashCode(StringComparison.Ordinal) ^ 7);
        JsonNode?[] replacements = [null, JsonValue.Create(""), JsonValue.Create("x|y"), JsonValue.Create(-1), JsonValue.Create(1e308), JsonValue.Create(true),
            new JsonArray(), new JsonObject(), JsonValue.Create("\ud800"), JsonValue.Create("not-a-uuid"), JsonValue.Create("99999999999999999999"),
            new JsonArray(JsonValue.Create(1), new JsonObject()), JsonValue.Create("11111111-1111-4111-8111-111111111111")];
        for (var n = 0; n < 80; n++)
        {
            var root = JsonNode.Parse(bytes)!;
            var nodes = new List<JsonNode>();
            Walk(root, nodes);
            for (var k = random.Next(1, 6); k > 0; k--)
            {
                var victim = nodes[random.Next(1, nodes.Count)];
                if (victim.Parent is null)
                {
                    continue;
                }

                var replacement = replacements[random.Next(replacements.Length)]?.DeepClone();
                if (victim.Parent is JsonObject parent)
                {
                    parent[victim.GetPropertyName()] = replacement;
                }
                else if (victim.Parent is JsonArray array)
                {
                    array[victim.GetElementIndex()] = replacement;
                }
            }

            byte[] mutated;
            try
            {
                mutated = Encoding.UTF8.GetBytes(root.ToJsonString());
            }
            catch (InvalidOperationException)
            {
                continue; // a lone surrogate cannot be written; nothing to feed the converter
            }

            try
            {
                var result = MispEventConverter.Convert(mutated);
                Assert.NotNull(result.Report);
            }
            catch (StandardsException)
            {
                // expected for some mutations
            }
        }
    }

    private static void Walk(JsonNode? node, List<JsonNode> into)
    {
        if (node is null)
        {
            return;
        }

        into.Add(node);
        if (node is JsonObject o)
        {
            foreach (var (_, child) in o)
            {
                Walk(child, into);
            }
        }
        else if (node is JsonArray a)
        {
            foreach (var child in a)
            {
                Walk(child, into);
            }
        }
    }

    [Theory]
    [InlineData("""{"Event":{"uuid":"5acc88e9-265c-4f22-9d2b-b702950d2100","info":"x","info":"y","timestamp":"1"}}""", "Duplicate")]
    [InlineData("""{"Event":{"uuid":"5acc88e9-265c-4f22-9d2b-b702950d2100","info":"x","timestamp":"1","Attribute":[{"type":"url","type":"ip-dst","value":"1.2.3.4"}]}}""", "Duplicate")]
    [InlineData("""{"Event":{"uuid":"5acc88e9-265c-4f22-9d2b-b702950d2100","info":"\ud800","timestamp":"1"}}""", "UTF-16")]
    [InlineData("""{"Event":{"uuid":"5acc88e9-265c-4f22-9d2b-b702950d2100","info":"x","timestamp":"1","Attribute":[{"type":"url","value":"\udfff","to_ids":true}]}}""", "UTF-16")]
    public void DuplicateMembersAndLoneSurrogates_AreTheLibraryErrorAtParseTime(string json, string expected)
    {
        var error = Assert.Throws<StandardsException>(() => MispEventConverter.Convert(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<StandardsException>(() => MispFeed.ReadManifest(Encoding.UTF8.GetBytes("{\"5acc88e9-265c-4f22-9d2b-b702950d2100\":" + json[9..^1] + "}")));
    }

    [Theory]
    [InlineData("""{"5acc88e9-265c-4f22-9d2b-b702950d2100":{"info":{},"timestamp":"99999999999999","Orgc":[],"Tag":[1,"x",null,{"name":2}]}}""")]
    [InlineData("""{"5acc88e9-265c-4f22-9d2b-b702950d2100":{"info":"x","timestamp":-5,"Orgc":"CIRCL","Tag":{}}}""")]
    public void OddlyTypedManifests_AreReadOrTheLibraryError(string json)
    {
        var entry = Assert.Single(MispFeed.ReadManifest(Encoding.UTF8.GetBytes(json)));
        Assert.Null(entry.Timestamp);
        Assert.Null(entry.OrgcName);
    }
}
