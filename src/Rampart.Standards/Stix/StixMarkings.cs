using System.Text.Json;

namespace Rampart.Standards.Stix;

/// <summary>
/// The TLP marking definitions as published: TLP 1.0 in STIX 2.1 §7.2.1.4, TLP 2.0 in the OASIS
/// "STIX 2.1 TLP 2.0 marking definitions" (extension-definition--60a3c5c5-…). An object carrying one of
/// these ids must be exactly that object, and only these objects may claim to be TLP markings.
/// </summary>
internal static class StixMarkings
{
    public const string Tlp2ExtensionId = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

    private static readonly Dictionary<string, JsonElement> Canonical = Build();

    private static Dictionary<string, JsonElement> Build()
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (id, color) in new[]
        {
            ("613f2e26-407d-48c7-9eca-b8e91df99dc9", "white"), ("34098fce-860f-48ae-8e50-ebd3cc5e41da", "green"),
            ("f88d31f6-486f-44da-b317-01333bde0b82", "amber"), ("5e57c739-391a-4eb3-b6be-7d15ca92d5ed", "red"),
        })
        {
            var full = "marking-definition--" + id;
            result[full] = Element($$$"""{"type":"marking-definition","spec_version":"2.1","id":"{{{full}}}","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"TLP:{{{color.ToUpperInvariant()}}}","definition":{"tlp":"{{{color}}}"}}""");
        }

        foreach (var (id, code) in new[]
        {
            ("94868c89-83c2-464b-929b-a1a8aa3c8487", "clear"), ("bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "green"), ("55d920b0-5e8b-4f79-9ee9-91f868d9b421", "amber"),
            ("939a9414-2ddd-4d32-a0cd-375ea402b003", "amber+strict"), ("e828b379-4e03-4974-9ac4-e53a884c97c1", "red"),
        })
        {
            var full = "marking-definition--" + id;
            result[full] = Element($$$"""{"type":"marking-definition","spec_version":"2.1","id":"{{{full}}}","created":"2022-10-01T00:00:00.000Z","name":"TLP:{{{code.ToUpperInvariant()}}}","extensions":{"{{{Tlp2ExtensionId}}}":{"extension_type":"property-extension","tlp_2_0":"{{{code}}}"} } }""");
        }

        return result;
    }

    private static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>The published TLP marking-definition object for this id, or null.</summary>
    public static JsonElement? Find(string id) => Canonical.TryGetValue(id, out var e) ? e : null;

    public static void Check(JsonElement o, JsonElement id, JsonElement definitionType, Action<string, string, string> error)
    {
        var idText = id.ValueKind == JsonValueKind.String ? id.GetString()! : "";
        if (Canonical.TryGetValue(idText, out var expected))
        {
            if (!JsonElement.DeepEquals(o, expected))
            {
                error("", "tlp-marking-definition", $"{idText} is a published TLP marking definition; it must be exactly {expected.GetRawText()} (§7.2.1.4, TLP 2.0 marking definitions).");
            }

            return;
        }

        if (definitionType.ValueKind == JsonValueKind.String && definitionType.ValueEquals("tlp"u8))
        {
            error("definition_type", "tlp-marking-definition", "Only the four TLP 1.0 marking definitions of §7.2.1.4 have definition_type 'tlp'; refer to them by their ids.");
        }

        if (o.TryGetProperty("extensions", out var extensions) && extensions.ValueKind == JsonValueKind.Object && extensions.TryGetProperty(Tlp2ExtensionId, out _))
        {
            error("extensions", "tlp-marking-definition", "Only the five published TLP 2.0 marking definitions carry the TLP 2.0 extension; refer to them by their ids.");
        }
    }
}
