using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rampart.Standards.Stix;

namespace Rampart.Standards.Tests.Stix;

/// <summary>The OASIS STIX 2.1 schemas and examples in ../shared/data: the validator must agree with them.</summary>
public sealed class StixCorpusTests
{
    private static string Root => SharedData.Folder("stix2-json-schemas");

    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "examples"), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Path.Combine(Root, "examples"), file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public void OasisExample_IsValid_AndRoundTripsUnchanged(string example)
    {
        var text = File.ReadAllText(Path.Combine(Root, "examples", example));
        var document = (JsonObject)JsonNode.Parse(text)!;
        var isBundle = document["type"]!.GetValue<string>() == "bundle";
        var result = isBundle ? StixValidator.ValidateBundle(document) : StixValidator.Validate(new StixObject(document));
        Assert.True(result.IsValid, string.Join("\n", result.Errors.Select(e => $"{e.ObjectId} {e.Path} {e.Rule}: {e.Message}")));

        foreach (var element in isBundle ? document["objects"]!.AsArray().ToList() : [document])
        {
            var original = element!.ToJsonString();
            var reparsed = StixObject.Parse(StixObject.Parse(original).ToJson());
            Assert.True(JsonNode.DeepEquals(element, reparsed.Json), $"{reparsed.Id} changed in a round trip");
        }
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task OasisExample_StreamsObjectByObject_EvenOneByteAtATime(string example)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Root, "examples", example));
        if (JsonNode.Parse(bytes)!["type"]!.GetValue<string>() != "bundle")
        {
            await Assert.ThrowsAsync<StandardsException>(async () => await StixBundleReader.ReadAsync(new MemoryStream(bytes)).ToListAsync());
            return;
        }

        var expected = JsonNode.Parse(bytes)!["objects"]!.AsArray().Select(o => o!["id"]!.GetValue<string>()).ToList();
        var streamed = new List<string>();
        await foreach (var o in StixBundleReader.ReadAsync(new TrickleStream(bytes)))
        {
            streamed.Add(o.Id);
        }

        Assert.Equal(expected, streamed);
    }

    [Fact]
    public void RequiredProperties_AgreeWithTheOasisSchemas()
    {
        foreach (var folder in new[] { "sdos", "sros", "observables" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "schemas", folder), "*.json"))
            {
                var schema = JsonNode.Parse(File.ReadAllText(file))!;
                var type = schema["properties"]?["type"]?["enum"]?[0]?.GetValue<string>() ?? Path.GetFileNameWithoutExtension(file);
                var required = new SortedSet<string>(StringComparer.Ordinal);
                foreach (var part in schema["allOf"]?.AsArray() ?? [])
                {
                    foreach (var r in part?["required"]?.AsArray() ?? [])
                    {
                        required.Add(r!.GetValue<string>());
                    }
                }

                foreach (var r in schema["required"]?.AsArray() ?? [])
                {
                    required.Add(r!.GetValue<string>());
                }

                var info = StixTypes.Find(type);
                Assert.True(info is not null, $"{type} is missing from the catalogue");
                Assert.Equal(required, new SortedSet<string>(info!.Required, StringComparer.Ordinal));
            }
        }
    }

    [Fact]
    public void Catalogue_CoversEveryObjectTypeOfTheSpecification()
    {
        foreach (var type in new[]
        {
            "attack-pattern", "campaign", "course-of-action", "grouping", "identity", "incident", "indicator", "infrastructure", "intrusion-set",
            "location", "malware", "malware-analysis", "note", "observed-data", "opinion", "report", "threat-actor", "tool", "vulnerability",
            "relationship", "sighting", "artifact", "autonomous-system", "directory", "domain-name", "email-addr", "email-message", "file",
            "ipv4-addr", "ipv6-addr", "mac-addr", "mutex", "network-traffic", "process", "software", "url", "user-account",
            "windows-registry-key", "x509-certificate", "marking-definition", "language-content", "extension-definition",
        })
        {
            Assert.NotNull(StixTypes.Find(type));
        }
    }

    /// <summary>A stream that hands out one byte per read, to exercise every buffer boundary.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 1)], cancellationToken);
    }
}
