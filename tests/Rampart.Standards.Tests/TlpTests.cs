using System.Text.Json;
using Rampart.Standards.Markings;

namespace Rampart.Standards.Tests;

public sealed class TlpTests
{
    [Theory]
    [InlineData("clear", Tlp.Clear)]
    [InlineData("TLP:CLEAR", Tlp.Clear)]
    [InlineData("tlp:white", Tlp.Clear)]
    [InlineData("WHITE", Tlp.Clear)]
    [InlineData("tlp:green", Tlp.Green)]
    [InlineData("amber", Tlp.Amber)]
    [InlineData("tlp:amber+strict", Tlp.AmberStrict)]
    [InlineData("TLP:AMBER+STRICT", Tlp.AmberStrict)]
    [InlineData("amber-strict", Tlp.AmberStrict)]
    [InlineData(" red ", Tlp.Red)]
    public void TryParse_KnownForms_GiveTheLevel(string text, Tlp expected)
    {
        Assert.True(TlpMarking.TryParse(text, out var tlp));
        Assert.Equal(expected, tlp);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("amber+")]
    [InlineData("tlp:ember")]
    [InlineData("pap:red")]
    public void TryParse_Unknown_IsRejected(string? text) => Assert.False(TlpMarking.TryParse(text, out _));

    [Theory]
    [InlineData(Tlp.Clear, "TLP:CLEAR", "clear", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487")]
    [InlineData(Tlp.Green, "TLP:GREEN", "green", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb")]
    [InlineData(Tlp.Amber, "TLP:AMBER", "amber", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421")]
    [InlineData(Tlp.AmberStrict, "TLP:AMBER+STRICT", "amber+strict", "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003")]
    [InlineData(Tlp.Red, "TLP:RED", "red", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1")]
    public void Names_AndStixIds_MatchTheOasisDefinitions(Tlp tlp, string label, string code, string stixId)
    {
        Assert.Equal(label, tlp.Label());
        Assert.Equal(code, tlp.Code());
        Assert.Equal(stixId, tlp.StixMarkingId());
        Assert.True(TlpMarking.TryFromStixMarkingId(stixId, out var back));
        Assert.Equal(tlp, back);
    }

    [Theory]
    [InlineData("marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9", Tlp.Clear)]
    [InlineData("marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da", Tlp.Green)]
    [InlineData("marking-definition--f88d31f6-486f-44da-b317-01333bde0b82", Tlp.Amber)]
    [InlineData("marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed", Tlp.Red)]
    public void StixTlp1Markings_MapToTlp2(string id, Tlp expected)
    {
        Assert.True(TlpMarking.TryFromStixMarkingId(id, out var tlp));
        Assert.Equal(expected, tlp);
    }

    [Fact]
    public void MostRestrictive_OfSeveral_Wins()
    {
        Assert.Equal(Tlp.AmberStrict, TlpMarking.MostRestrictive([Tlp.Green, Tlp.AmberStrict, Tlp.Clear, Tlp.Amber]));
        Assert.Equal(Tlp.Clear, TlpMarking.MostRestrictive([]));
    }

    [Fact]
    public void JsonConverter_RoundTripsAndRejectsUnknown()
    {
        var options = new JsonSerializerOptions { Converters = { new TlpJsonConverter() } };
        Assert.Equal("\"amber+strict\"", JsonSerializer.Serialize(Tlp.AmberStrict, options));
        Assert.Equal(Tlp.Clear, JsonSerializer.Deserialize<Tlp>("\"white\"", options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Tlp>("\"purple\"", options));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Tlp>("3", options));
    }
}

public sealed class TlpMarkingDefinitionTests
{
    [Theory]
    [InlineData(Tlp.Clear)]
    [InlineData(Tlp.AmberStrict)]
    [InlineData(Tlp.Red)]
    public void MarkingDefinitions_AreValidStix_AndCarryTheTlp2Extension(Tlp tlp)
    {
        var json = tlp.StixMarkingDefinition();
        var result = Rampart.Standards.Stix.StixValidator.Validate(new Rampart.Standards.Stix.StixObject(json));
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.Message)));
        Assert.Equal(tlp.Code(), json["extensions"]![TlpMarking.ExtensionDefinitionId]!["tlp_2_0"]!.GetValue<string>());
        Assert.True(TlpMarking.TryFromStixMarkingId(json["id"]!.GetValue<string>(), out var back));
        Assert.Equal(tlp, back);
    }

    [Theory]
    [InlineData("tlp:amber+strict", true, Tlp.AmberStrict)]
    [InlineData("tlp:white", true, Tlp.Clear)]
    [InlineData("tlp:ex:chr", false, Tlp.Clear)]
    [InlineData("tlp:unclear", false, Tlp.Clear)]
    [InlineData("amber", false, Tlp.Clear)]
    public void MispTags(string tag, bool ok, Tlp expected)
    {
        Assert.Equal(ok, TlpMarking.TryFromMispTag(tag, out var tlp));
        Assert.Equal(expected, tlp);
    }

    [Theory]
    [InlineData("PAP:AMBER", Pap.Amber)]
    [InlineData("pap:white", Pap.Clear)]
    [InlineData("PAP:CLEAR", Pap.Clear)]
    [InlineData("red", Pap.Red)]
    public void Pap_Parses(string text, Pap expected)
    {
        Assert.True(PapMarking.TryParse(text, out var pap));
        Assert.Equal(expected, pap);
        Assert.Equal(Pap.Red, PapMarking.MostRestrictive([Pap.Green, Pap.Red, Pap.Clear]));
    }
}
