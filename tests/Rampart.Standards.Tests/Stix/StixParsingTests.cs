using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rampart.Standards.Markings;
using Rampart.Standards.Stix;

namespace Rampart.Standards.Tests.Stix;

/// <summary>What parsing accepts and refuses, the same for one object and for a streamed bundle (issue 7).</summary>
public sealed class StixParsingTests
{
    private const string Ipv4 = """{"type":"ipv4-addr","id":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","value":"198.51.100.3"}""";

    private static Task<List<StixObject>> ReadBundle(string json, JsonObject? properties = null) =>
        StixBundleReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), properties).ToListAsync().AsTask();

    private static string Bundle(string objects) => $$"""{"type":"bundle","id":"bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","objects":[{{objects}}]}""";

    // RFC 8259 §4: names within an object SHOULD be unique; I-JSON (RFC 7493 §2.3) and STIX (§3.1, one value
    // per property) need them to be. Which value wins is undefined, so the library refuses the object.
    [Theory]
    [InlineData("""{"type":"ipv4-addr","value":"198.51.100.3","value":"10.0.0.1"}""")]
    [InlineData("""{"type":"file","name":"a","hashes":{"MD5":"cead3f77f6cda6ec00f57d76c9a6879f","MD5":"cead3f77f6cda6ec00f57d76c9a6879e"}}""")]
    [InlineData("""{"type":"file","name":"a","na\u006de":"b"}""")]
    public async Task DuplicateMemberNames_AreRefusedAtParseTime_InOneObjectAndInABundle(string json)
    {
        Assert.Throws<StandardsException>(() => StixObject.Parse(json));
        Assert.Throws<StandardsException>(() => StixObject.Parse(Encoding.UTF8.GetBytes(json)));
        await Assert.ThrowsAsync<StandardsException>(() => ReadBundle(Bundle(json)));
    }

    [Fact]
    public async Task DuplicateBundleMembers_AreRefused() =>
        await Assert.ThrowsAsync<StandardsException>(() => ReadBundle("""{"type":"bundle","id":"bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","id":"bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0062","objects":[]}"""));

    // RFC 8259 §8.2: a lone surrogate escape is not a Unicode character; it cannot be written as UTF-8.
    [Theory]
    [InlineData("""{"type":"x-a","x_note":"\ud800"}""")]
    [InlineData("""{"type":"x-a","x_note":"a\udfffb"}""")]
    [InlineData("""{"type":"x-a","x_note":"\ud83d\u0041"}""")]
    [InlineData("""{"type":"x-a","x_note":"end\ud83d"}""")]
    [InlineData("""{"type":"x-a","x_\ud800":"name"}""")]
    [InlineData("""{"type":"x-a","x_list":[{"deep":"\uDC00"}]}""")]
    public async Task LoneSurrogateEscapes_AreRefusedAtParseTime(string json)
    {
        var e = Assert.Throws<StandardsException>(() => StixObject.Parse(json));
        Assert.Contains("surrogate", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StandardsException>(() => ReadBundle(Bundle(json)));
    }

    [Theory]
    [InlineData("""{"type":"x-a","x_note":"\ud83d\ude00"}""", "😀")]
    [InlineData("""{"type":"x-a","x_note":"\\ud800"}""", "\\ud800")]
    [InlineData("""{"type":"x-a","x_note":"\\\ud83d\ude00"}""", "\\😀")]
    public void SurrogatePairs_AndEscapedBackslashes_AreText(string json, string expected)
    {
        var o = StixObject.Parse(json);
        Assert.Equal(expected, o.GetString("x_note"));
        Assert.Equal(expected, StixObject.Parse(o.ToJson()).GetString("x_note"));
    }

    [Fact]
    public void AStringWithALoneSurrogateCharacter_IsRefused() =>
        Assert.Throws<StandardsException>(() => StixObject.Parse("{\"type\":\"x-a\",\"x_note\":\"\ud800\"}"));

    [Fact]
    public void AnObjectBuiltInCode_WithALoneSurrogate_IsAnIssueWhenValidated_AndTheLibraryErrorWhenWritten()
    {
        var o = new StixObject(new JsonObject { ["type"] = "x-a", ["x_note"] = "\ud800" });
        var result = StixValidator.Validate(o);
        Assert.Contains(result.Errors, e => e.Rule == "json-text");
        Assert.Throws<StandardsException>(() => o.ToJson());
    }

    private static string Nested(int depth, string inner = "1")
    {
        // depth counts the object's own level: depth 1 is {"type":…} with no nesting.
        var sb = new StringBuilder("""{"type":"x-deep","x_n":""");
        for (var i = 1; i < depth; i++)
        {
            sb.Append('[');
        }

        sb.Append(inner);
        sb.Append(']', depth - 1).Append('}');
        return sb.ToString();
    }

    [Fact]
    public async Task NestingLimit_IsTheSame_ForOneObject_AndForAnObjectInABundle()
    {
        var deepest = Nested(StixObject.MaxDepth);
        var tooDeep = Nested(StixObject.MaxDepth + 1);

        Assert.NotNull(StixObject.Parse(deepest));
        Assert.Single(await ReadBundle(Bundle(deepest)));

        Assert.Throws<StandardsException>(() => StixObject.Parse(tooDeep));
        await Assert.ThrowsAsync<StandardsException>(() => ReadBundle(Bundle(tooDeep)));
    }

    [Fact]
    public async Task ObjectsAtTheNestingLimit_AreWrittenBackByTheBundleWriter()
    {
        var stream = new MemoryStream();
        await using (var writer = new StixBundleWriter(stream, "bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"))
        {
            await writer.WriteAsync(StixObject.Parse(Nested(StixObject.MaxDepth)));
        }

        stream.Position = 0;
        Assert.Single(await StixBundleReader.ReadAsync(stream).ToListAsync());
    }

    [Fact]
    public async Task ReaderThenWriter_KeepsBundleMembersItDoesNotKnow_BeforeAndAfterTheObjects()
    {
        const string json = """{"x_source":{"name":"CERT-AL","list":[1,"ü",null,true]},"type":"bundle","id":"bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","objects":[""" + Ipv4 + """],"x_after":"tail","x_number":1.5e3}""";
        var properties = new JsonObject();
        var objects = await ReadBundle(json, properties);
        Assert.Single(objects);

        var stream = new MemoryStream();
        await using (var writer = new StixBundleWriter(stream, properties["id"]!.GetValue<string>(), properties))
        {
            foreach (var o in objects)
            {
                await writer.WriteAsync(o);
            }
        }

        var written = JsonNode.Parse(stream.ToArray())!.AsObject();
        var original = JsonNode.Parse(json)!.AsObject();
        Assert.True(JsonNode.DeepEquals(original, written), written.ToJsonString());
    }

    [Fact]
    public async Task BundleMembers_AreFilledAsTheyAreRead()
    {
        var properties = new JsonObject();
        await ReadBundle(Bundle(Ipv4), properties);
        Assert.Equal("bundle", properties["type"]!.GetValue<string>());
        Assert.False(properties.ContainsKey("objects"));
    }

    [Fact]
    public void ParsedObject_IsTheSameThroughItsTreeAndItsText()
    {
        var o = StixObject.Parse(Ipv4);
        Assert.Equal("ipv4-addr", o.Type);
        Assert.Equal("198.51.100.3", o.GetString("value"));
        o.Json["value"] = "198.51.100.4";
        Assert.Equal("198.51.100.4", o.GetString("value"));
        Assert.Contains("198.51.100.4", o.ToJson(), StringComparison.Ordinal);

        // A change made through the tree is what the validator sees.
        o.Json["value"] = "not an address";
        Assert.Contains(StixValidator.Validate(o).Errors, e => e.Rule == "ipv4-value");
    }

    [Theory]
    [InlineData("""{"type":"ipv4-addr","value":"198.51.100.3"}""")]
    [InlineData("""{"type":"email-addr","value":"john@example.com","display_name":"John"}""")]
    [InlineData("""{"type":"file","name":"foo.exe","hashes":{"SHA-256":"aa","MD5":"cead3f77f6cda6ec00f57d76c9a6879f"},"size":5}""")]
    [InlineData("""{"type":"file","name":"f\u00fc\"\\.exe","hashes":{"x_custom":"1","TLSH":"2"}}""")]
    [InlineData("""{"type":"software","name":"Word","cpe":"cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*","vendor":"Microsoft","version":"2002"}""")]
    [InlineData("""{"type":"autonomous-system","number":15139,"name":"Slime"}""")]
    [InlineData("""{"type":"artifact","payload_bin":"aGVsbG8=","hashes":{}}""")]
    [InlineData("""{"type":"network-traffic","src_ref":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","protocols":["tcp"],"src_port":1.0,"extensions":{"tcp-ext":{"src_flags_hex":"02"}}}""")]
    public void DeterministicIds_FromParsedBytes_MatchTheTreeComputation(string json)
    {
        var node = (JsonObject)JsonNode.Parse(json)!;
        var expected = ScoIds.Compute(node);
        Assert.NotNull(expected);

        // The validator computes it from the parsed element; it warns with the expected id when the id differs.
        node["id"] = node["type"]!.GetValue<string>() + "--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061";
        var result = StixValidator.Validate(StixObject.Parse(node.ToJsonString()));
        Assert.Contains(result.Warnings, w => w.Rule == "sco-deterministic-id" && w.Message.Contains(expected!, StringComparison.Ordinal));
    }

    public static TheoryData<string> TlpDefinitionIds() =>
    [
        "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da",
        "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed",
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
    ];

    // §7.2.1.4 (TLP 1.0) and the OASIS TLP 2.0 marking definitions: the objects are fixed.
    [Theory]
    [MemberData(nameof(TlpDefinitionIds))]
    public void TlpMarkingDefinitions_AreValidExactlyAsPublished_AndNotOtherwise(string id)
    {
        var published = StixMarkings.Find(id)!.Value;
        Assert.True(StixValidator.Validate(StixObject.Parse(published.GetRawText())).IsValid);

        var renamed = JsonNode.Parse(published.GetRawText())!.AsObject();
        renamed["name"] = "TLP:ORANGE";
        Assert.Contains(StixValidator.Validate(new StixObject(renamed)).Errors, e => e.Rule == "tlp-marking-definition");

        var marked = JsonNode.Parse(published.GetRawText())!.AsObject();
        marked["created_by_ref"] = "identity--f431f809-377b-45e0-aa1c-6a4751cae5ff";
        Assert.Contains(StixValidator.Validate(new StixObject(marked)).Errors, e => e.Rule == "tlp-marking-definition");
    }

    [Theory]
    [InlineData(Tlp.Clear)]
    [InlineData(Tlp.Green)]
    [InlineData(Tlp.Amber)]
    [InlineData(Tlp.AmberStrict)]
    [InlineData(Tlp.Red)]
    public void TheLibrarysOwnTlp2Definitions_AreThePublishedOnes(Tlp tlp)
    {
        var own = tlp.StixMarkingDefinition();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(StixMarkings.Find(own["id"]!.GetValue<string>())!.Value.GetRawText()), own));
    }

    [Fact]
    public void TheTlp2Extension_OnAnyOtherMarkingDefinition_IsAnError()
    {
        var forged = StixObject.Parse("""{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","created":"2022-10-01T00:00:00.000Z","name":"TLP:CLEAR","extensions":{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{"extension_type":"property-extension","tlp_2_0":"clear"}}}""");
        Assert.Contains(StixValidator.Validate(forged).Errors, e => e.Rule == "tlp-marking-definition");
    }

    [Fact]
    public void ValidateBundle_ChecksTheBundlesOwnProperties()
    {
        var bundle = JsonNode.Parse("""{"type":"bundle","id":"bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","objects":"none"}""")!.AsObject();
        Assert.Contains(StixValidator.ValidateBundle(bundle).Errors, e => e.Path == "objects" && e.Rule == "property-type");
        var nested = JsonNode.Parse(Bundle("""{"type":"bundle","id":"bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0062","objects":[]}"""))!.AsObject();
        Assert.Contains(StixValidator.ValidateBundle(nested).Errors, e => e.Rule == "bundle-nested");
    }

    [Fact]
    public void ValidatedObjects_AreNotChangedByValidation()
    {
        var o = StixObject.Parse(Ipv4);
        var before = o.ToJson();
        _ = StixValidator.Validate(o);
        Assert.Equal(before, o.ToJson());
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(before).RootElement.ValueKind);
    }
}
