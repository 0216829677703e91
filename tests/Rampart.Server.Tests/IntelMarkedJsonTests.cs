using System.Text.Json.Nodes;
using Rampart.Server.Intelligence.Read;
using Rampart.Standards.Markings;

namespace Rampart.Server.Tests;

/// <summary>
/// <see cref="IntelQueries.MarkedJson"/>: the JSON TAXII serves carries the record's TLP marking and nothing else about
/// TLP — the text as stored when it already does, otherwise the object rebuilt exactly as <see cref="IntelQueries.WithRecordMarking"/> does.
/// </summary>
public sealed class IntelMarkedJsonTests
{
    private const string Green = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
    private const string Amber = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
    private const string Tlp1Green = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da";
    private const string Other = "marking-definition--1f6b8a3c-0000-4000-8000-000000000001";

    private static string Indicator(string refs) =>
        "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--6f1c1d7e-2a0b-4c55-9d21-7a3c3e1f0a11\",\"created\":\"2026-11-02T09:30:00.000Z\","
        + "\"modified\":\"2026-11-02T09:30:00.000Z\",\"pattern\":\"[ipv4-addr:value = '185.220.101.7']\",\"pattern_type\":\"stix\",\"valid_from\":\"2026-11-02T09:30:00Z\","
        + "\"external_references\":[{\"source_name\":\"object_marking_refs\",\"description\":\"<nested> \\u00e9\"}]" + refs + "}";

    [Fact]
    public void AlreadyMarkedWithTheRecordsTlp_IsServedAsStored_TheSameText()
    {
        var stored = Indicator($",\"object_marking_refs\":[\"{Green}\",\"{Other}\"]");
        var served = IntelQueries.MarkedJson(stored, Tlp.Green);
        Assert.Same(stored, served);
    }

    public static TheoryData<string, Tlp> NeedsRewriting => new()
    {
        { "", Tlp.Green },                                                  // no markings at all
        { $",\"object_marking_refs\":[\"{Green}\"]", Tlp.Amber },         // re-shared stricter since stored
        { $",\"object_marking_refs\":[\"{Other}\",\"{Green}\"]", Tlp.Green }, // the TLP marking not first
        { $",\"object_marking_refs\":[\"{Green}\",\"{Tlp1Green}\"]", Tlp.Green }, // a TLP 1.0 marking besides
        { $",\"object_marking_refs\":[\"{Green}\",\"{Amber}\"]", Tlp.Green }, // a second TLP marking
        { $",\"object_marking_refs\":[\"{Green}\",\"{Other}\",\"{Other}\"]", Tlp.Green }, // a reference twice
        { ",\"object_marking_refs\":[]", Tlp.Green },                    // empty list
    };

    [Theory]
    [MemberData(nameof(NeedsRewriting))]
    public void OtherwiseRebuilt_ExactlyAsWithRecordMarking(string refs, Tlp tlp)
    {
        var stored = Indicator(refs);
        var served = IntelQueries.MarkedJson(stored, tlp)!;
        Assert.NotSame(stored, served);
        var expected = IntelQueries.WithRecordMarking(stored, tlp)!;
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(served)), served);
        var markings = JsonNode.Parse(served)!["object_marking_refs"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Equal(tlp.StixMarkingId(), markings[0]);
        Assert.Single(markings, m => TlpMarking.TryFromStixMarkingId(m, out _));
        Assert.Equal(markings.Count, markings.Distinct(StringComparer.Ordinal).Count());
        // The nested property of the same name is content, untouched.
        Assert.Equal("<nested> é", JsonNode.Parse(served)!["external_references"]![0]!["description"]!.GetValue<string>());
    }

    [Fact]
    public void NullStaysNull_AndBrokenJsonIsNotServedAsIs()
    {
        Assert.Null(IntelQueries.MarkedJson(null, Tlp.Green));
        Assert.Null(IntelQueries.MarkedJson("[1,2]", Tlp.Green));
        var trailing = Indicator($",\"object_marking_refs\":[\"{Green}\"]") + " {}";
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => IntelQueries.MarkedJson(trailing, Tlp.Green));
    }
}
