using System.Text;
using System.Text.Json.Nodes;
using Rampart.Standards.Stix;

namespace Rampart.Standards.Tests.Stix;

public sealed class StixObjectTests
{
    // Independent vectors: Python's uuid.uuid5 over json.dumps(sort_keys=True, separators=(',', ':')).
    [Theory]
    [InlineData("""{"type":"ipv4-addr","value":"198.51.100.3"}""", "ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4")]
    [InlineData("""{"type":"email-addr","value":"john@example.com","display_name":"John"}""", "email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934")]
    [InlineData("""{"type":"domain-name","value":"example.com"}""", "domain-name--bedb4899-d24b-5401-bc86-8f6b4cc18ec7")]
    [InlineData("""{"type":"file","name":"foo.exe","hashes":{"SHA-256":"aa","MD5":"cead3f77f6cda6ec00f57d76c9a6879f"},"size":5}""", "file--1910ca30-1dd9-57f3-9d48-0c64b19f0d5c")]
    [InlineData("""{"type":"url","value":"https://example.com/research/index.html"}""", "url--47c3cf9a-5027-5bf0-997a-017c7edc7c55")]
    [InlineData("""{"type":"software","name":"Word","cpe":"cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*","vendor":"Microsoft","version":"2002"}""", "software--710b0b41-d4d0-5d6c-a400-fc9254554ffc")]
    [InlineData("""{"type":"autonomous-system","number":15139,"name":"Slime"}""", "autonomous-system--3aa27478-50b5-5ab8-9da9-cdc12b657fff")]
    public void DeterministicScoIds_MatchAnIndependentImplementation(string json, string expected) =>
        Assert.Equal(expected, ScoIds.Compute((JsonObject)JsonNode.Parse(json)!));

    [Fact]
    public void ProcessAndEmptyObservables_HaveNoDeterministicId()
    {
        Assert.Null(ScoIds.Compute((JsonObject)JsonNode.Parse("""{"type":"process","pid":4}""")!));
        Assert.Null(ScoIds.Compute((JsonObject)JsonNode.Parse("""{"type":"file","size":4}""")!));
    }

    [Fact]
    public void CustomPropertiesAndExtensions_SurviveARoundTrip()
    {
        const string json = """{"type":"file","id":"file--1910ca30-1dd9-57f3-9d48-0c64b19f0d5c","name":"foo.exe","x_weird":{"nested":[1,2.5,"ü",null,true]},"extensions":{"windows-pebinary-ext":{"pe_type":"exe","sections":[{"name":".text","entropy":7.8}]}}}""";
        var back = StixObject.Parse(StixObject.Parse(json).ToJson());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(json), back.Json));
    }

    [Theory]
    [InlineData("2024-05-01T08:30:00.000Z", "2024-05-02T08:30:00.000Z", false, VersionComparison.Newer)]
    [InlineData("2024-05-02T08:30:00.000Z", "2024-05-01T08:30:00.000Z", false, VersionComparison.Older)]
    [InlineData("2024-05-01T08:30:00.000Z", "2024-05-01T08:30:00.000Z", false, VersionComparison.Same)]
    [InlineData("2024-05-01T08:30:00.000Z", "2024-05-01T08:30:00.000Z", true, VersionComparison.Conflict)]
    public void Versions(string currentModified, string candidateModified, bool changeContent, VersionComparison expected)
    {
        var current = StixObject.Parse($$"""{"type":"malware","id":"malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","modified":"{{currentModified}}","name":"A","is_family":true}""");
        var candidate = StixObject.Parse($$"""{"type":"malware","id":"malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","is_family":true,"name":"{{(changeContent ? "B" : "A")}}","modified":"{{candidateModified}}"}""");
        Assert.Equal(expected, StixVersions.Compare(current, candidate));
    }

    [Fact]
    public async Task Writer_ThenReader_GiveTheSameObjects()
    {
        var stream = new MemoryStream();
        var objects = Enumerable.Range(0, 500).Select(i => StixObject.Parse($$"""{"type":"ipv4-addr","id":"ipv4-addr--{{Guid.NewGuid()}}","value":"10.0.{{i / 256}}.{{i % 256}}","x_note":"ü{{i}}"}""")).ToList();
        await using (var writer = new StixBundleWriter(stream, "bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"))
        {
            foreach (var o in objects)
            {
                await writer.WriteAsync(o);
            }
        }

        stream.Position = 0;
        var read = await StixBundleReader.ReadAsync(stream).ToListAsync();
        Assert.Equal(objects.Select(o => o.ToJson()), read.Select(o => o.ToJson()));
    }

    [Theory]
    [InlineData("""[1,2]""")]
    [InlineData("""{"type":"report","objects":[]}""")]
    [InlineData("""{"type":"bundle","objects":[{"type":"x"},""")]
    [InlineData("""{"type":"bundle","objects":[1]}""")]
    [InlineData("""{"type":"bundle","objects":[{"a":}]}""")]
    [InlineData("""{"objects":[]}""")]
    [InlineData("")]
    public async Task BrokenBundles_FailWithTheLibraryError(string json) =>
        await Assert.ThrowsAsync<StandardsException>(async () => await StixBundleReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json))).ToListAsync());

    [Fact]
    public async Task BundleWithPropertiesAfterObjects_IsRead()
    {
        const string json = """{"objects":[{"type":"ipv4-addr","id":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","value":"198.51.100.3"}],"x_meta":{"a":[1,{"b":2}]},"type":"bundle","id":"bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"}""";
        var read = await StixBundleReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json))).ToListAsync();
        Assert.Single(read);
    }
}
