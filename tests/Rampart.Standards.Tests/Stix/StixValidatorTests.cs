using System.Text.Json.Nodes;
using Rampart.Standards.Stix;

namespace Rampart.Standards.Tests.Stix;

public sealed class StixValidatorTests
{
    private const string Indicator = """
        {"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
         "created_by_ref":"identity--f431f809-377b-45e0-aa1c-6a4751cae5ff","created":"2024-05-01T08:30:00.000Z",
         "modified":"2024-05-01T08:30:00.000Z","name":"C2","pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix",
         "valid_from":"2024-05-01T08:30:00Z","indicator_types":["malicious-activity"],"confidence":80,
         "object_marking_refs":["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"],
         "granular_markings":[{"marking_ref":"marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1","selectors":["name"]}],
         "x_rampart_source":"CERT-AL","external_references":[{"source_name":"cve","external_id":"CVE-2024-3400"}]}
        """;

    private static StixValidationResult ValidateMutated(string json, Action<JsonObject> mutate)
    {
        var o = (JsonObject)JsonNode.Parse(json)!;
        mutate(o);
        return StixValidator.Validate(new StixObject(o));
    }

    [Fact]
    public void ValidIndicator_HasNoErrorsOrWarnings()
    {
        var result = StixValidator.Validate(StixObject.Parse(Indicator));
        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
    }

    public static TheoryData<string, string, string> Mutations() => new()
    {
        { "type removed", "type", "required-property" },
        { "type upper case", "type=Indicator", "type-format" },
        { "id removed", "id", "required-property" },
        { "id without uuid", "id=indicator--1234", "id-format" },
        { "id of another type", "id=malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "id-format" },
        { "id uuid version 0", "id=indicator--8e2e2d2b-17d4-0cbf-938f-98ee46b3cd3f", "id-format" },
        { "spec_version missing", "spec_version", "spec-version" },
        { "spec_version 2.0", "spec_version=2.0", "spec-version" },
        { "created missing", "created", "required-property" },
        { "created with offset", "created=2024-05-01T08:30:00.000+02:00", "timestamp-format" },
        { "created without milliseconds", "created=2024-05-01T08:30:00Z", "timestamp-precision" },
        { "modified before created", "modified=2024-04-01T08:30:00.000Z", "modified-before-created" },
        { "pattern missing", "pattern", "required-property" },
        { "pattern broken", "pattern=ipv4-addr:value = '1'", "pattern-syntax" },
        { "valid_until before valid_from", "valid_until=2024-04-01T00:00:00Z", "valid-until-after-valid-from" },
        { "confidence 101", "confidence=#101", "confidence-range" },
        { "confidence text", "confidence=high", "confidence-range" },
        { "created_by_ref to a malware", "created_by_ref=malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "reference-type" },
        { "created_by_ref not an id", "created_by_ref=CERT-AL", "reference-format" },
        { "marking ref to identity", "object_marking_refs=[identity--f431f809-377b-45e0-aa1c-6a4751cae5ff]", "reference-type" },
        { "granular selector missing", "granular_markings=selector:description", "granular-marking-selector" },
        { "property name with dash", "x-bad-name=1", "property-name" },
        { "external reference without source", "external_references=[{}]", "required-property" },
        { "labels empty", "labels=[]", "empty-list" },
    };

    [Theory]
    [MemberData(nameof(Mutations))]
    public void EachMustRule_IsAnError_NamingPathAndRule(string description, string mutation, string rule)
    {
        var result = ValidateMutated(Indicator, o => Apply(o, mutation));
        Assert.True(result.Errors.Any(e => e.Rule == rule), $"{description}: expected {rule}, got {string.Join(", ", result.Errors.Select(e => e.Rule))}");
        Assert.All(result.Errors, e => Assert.False(string.IsNullOrEmpty(e.Rule)));
    }

    private static void Apply(JsonObject o, string mutation)
    {
        var eq = mutation.IndexOf('=', StringComparison.Ordinal);
        if (eq < 0)
        {
            o.Remove(mutation);
            return;
        }

        var property = mutation[..eq];
        var value = mutation[(eq + 1)..];
        if (property == "granular_markings")
        {
            o[property] = new JsonArray(new JsonObject { ["marking_ref"] = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1", ["selectors"] = new JsonArray(value["selector:".Length..]) });
        }
        else if (value.StartsWith('#'))
        {
            o[property] = int.Parse(value[1..], System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (value == "[]")
        {
            o[property] = new JsonArray();
        }
        else if (value == "[{}]")
        {
            o[property] = new JsonArray(new JsonObject());
        }
        else if (value.StartsWith('['))
        {
            o[property] = new JsonArray(value[1..^1]);
        }
        else
        {
            o[property] = value;
        }
    }

    [Theory]
    [InlineData("""{"type":"malware","spec_version":"2.1","id":"malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","is_family":true}""", "required-property", "name")]
    [InlineData("""{"type":"location","spec_version":"2.1","id":"location--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","latitude":41.3}""", "location-required", "longitude")]
    [InlineData("""{"type":"location","spec_version":"2.1","id":"location--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","latitude":141.3,"longitude":19.8}""", "range", "latitude")]
    [InlineData("""{"type":"opinion","spec_version":"2.1","id":"opinion--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","opinion":"maybe","object_refs":["malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"]}""", "closed-vocabulary", "opinion")]
    [InlineData("""{"type":"observed-data","spec_version":"2.1","id":"observed-data--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","first_observed":"2024-01-02T00:00:00Z","last_observed":"2024-01-01T00:00:00Z","number_observed":0,"object_refs":["ipv4-addr--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"]}""", "range", "number_observed")]
    [InlineData("""{"type":"observed-data","spec_version":"2.1","id":"observed-data--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","first_observed":"2024-01-02T00:00:00Z","last_observed":"2024-01-01T00:00:00Z","number_observed":1,"object_refs":["ipv4-addr--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"]}""", "last-observed-before-first", "last_observed")]
    [InlineData("""{"type":"sighting","spec_version":"2.1","id":"sighting--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","sighting_of_ref":"relationship--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"}""", "reference-type", "sighting_of_ref")]
    [InlineData("""{"type":"sighting","spec_version":"2.1","id":"sighting--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","sighting_of_ref":"indicator--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","where_sighted_refs":["malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"]}""", "reference-type", "where_sighted_refs[0]")]
    [InlineData("""{"type":"relationship","spec_version":"2.1","id":"relationship--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","relationship_type":"uses","source_ref":"malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","target_ref":"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"}""", "reference-type", "target_ref")]
    [InlineData("""{"type":"file","id":"file--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","size":10}""", "file-hashes-or-name", "")]
    [InlineData("""{"type":"network-traffic","id":"network-traffic--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","protocols":["tcp"],"dst_port":70000,"dst_ref":"ipv4-addr--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"}""", "range", "dst_port")]
    [InlineData("""{"type":"network-traffic","id":"network-traffic--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","protocols":["tcp"],"dst_ref":"file--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"}""", "reference-type", "dst_ref")]
    [InlineData("""{"type":"email-message","id":"email-message--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","is_multipart":false,"to_refs":["url--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"]}""", "reference-type", "to_refs[0]")]
    [InlineData("""{"type":"artifact","id":"artifact--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","url":"https://example.org/x.bin"}""", "required-property", "hashes")]
    [InlineData("""{"type":"ipv4-addr","spec_version":"2.0","id":"ipv4-addr--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","value":"198.51.100.7"}""", "spec-version", "spec_version")]
    [InlineData("""{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","created":"2024-01-01T00:00:00.000Z"}""", "required-property", "definition")]
    [InlineData("""{"type":"extension-definition","spec_version":"2.1","id":"extension-definition--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","name":"x","schema":"s","version":"1","extension_types":["new-thing"]}""", "closed-vocabulary", "extension_types[0]")]
    public void TypeSpecificRules(string json, string rule, string path)
    {
        var result = StixValidator.Validate(StixObject.Parse(json));
        Assert.Contains(result.Errors, e => e.Rule == rule && e.Path == path);
    }

    [Fact]
    public void OpenVocabularyValues_AreWarningsNotErrors()
    {
        var result = ValidateMutated(Indicator, o => o["indicator_types"] = new JsonArray("very-bad"));
        Assert.Empty(result.Errors);
        Assert.Contains(result.Warnings, w => w.Rule == "open-vocabulary" && w.Path == "indicator_types[0]");
    }

    [Fact]
    public void ObservableWithARandomId_IsWarnedAboutTheDeterministicOne()
    {
        var result = StixValidator.Validate(StixObject.Parse("""{"type":"ipv4-addr","id":"ipv4-addr--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","value":"198.51.100.3"}"""));
        Assert.Empty(result.Errors);
        Assert.Contains(result.Warnings, w => w.Rule == "sco-deterministic-id" && w.Message.Contains("ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4", StringComparison.Ordinal));
    }

    [Fact]
    public void CustomObjectsAndExtensions_AreAccepted()
    {
        var custom = StixObject.Parse("""{"type":"x-rampart-case","spec_version":"2.1","id":"x-rampart-case--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","x_severity":3,"extensions":{"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e":{"extension_type":"new-sdo"}}}""");
        Assert.True(StixValidator.Validate(custom).IsValid);
    }

    [Fact]
    public void BundleIssues_NameTheObjectPosition()
    {
        var bundle = (JsonObject)JsonNode.Parse($$"""{"type":"bundle","id":"bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","objects":[{{Indicator}}, {"type":"malware","id":"malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"}, 5]}""")!;
        var result = StixValidator.ValidateBundle(bundle);
        Assert.Contains(result.Errors, e => e.Path == "objects[1].is_family" && e.ObjectId == "malware--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061");
        Assert.Contains(result.Errors, e => e.Path == "objects[2]");
        Assert.DoesNotContain(result.Errors, e => e.Path.StartsWith("objects[0]", StringComparison.Ordinal));
    }
}
