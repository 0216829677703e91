using System.Text.Json.Nodes;

namespace Rampart.Standards.Markings;

/// <summary>
/// Traffic Light Protocol 2.0 (FIRST, 2022). Declared from least to most restrictive so that
/// comparing two values tells which one restricts sharing more.
/// </summary>
public enum Tlp
{
    Clear = 0,
    Green = 1,
    Amber = 2,
    AmberStrict = 3,
    Red = 4,
}

/// <summary>Names, parsing and the OASIS STIX 2.1 marking-definition ids of TLP 2.0.</summary>
public static class TlpMarking
{
    /// <summary>The OASIS extension that defines TLP 2.0 marking definitions in STIX 2.1.</summary>
    public const string ExtensionDefinitionId = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

    private static readonly (Tlp Tlp, string Name, string StixId)[] Definitions =
    [
        (Tlp.Clear, "TLP:CLEAR", "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"),
        (Tlp.Green, "TLP:GREEN", "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"),
        (Tlp.Amber, "TLP:AMBER", "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"),
        (Tlp.AmberStrict, "TLP:AMBER+STRICT", "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"),
        (Tlp.Red, "TLP:RED", "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"),
    ];

    // TLP 1.0 marking definitions from the STIX 2.1 specification, read as their TLP 2.0 equivalents.
    private static readonly (Tlp Tlp, string StixId)[] Tlp1Definitions =
    [
        (Tlp.Clear, "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"),
        (Tlp.Green, "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"),
        (Tlp.Amber, "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"),
        (Tlp.Red, "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"),
    ];

    /// <summary>The label as TLP 2.0 writes it, e.g. <c>TLP:AMBER+STRICT</c>.</summary>
    public static string Label(this Tlp tlp) => Definitions[(int)tlp].Name;

    /// <summary>The short machine form used in Rampart's API and MISP tags, e.g. <c>amber+strict</c>.</summary>
    public static string Code(this Tlp tlp) => Definitions[(int)tlp].Name[4..].ToLowerInvariant();

    /// <summary>The STIX 2.1 marking-definition id OASIS published for this TLP 2.0 level.</summary>
    public static string StixMarkingId(this Tlp tlp) => Definitions[(int)tlp].StixId;

    /// <summary>
    /// Reads a TLP level written as <c>amber+strict</c>, <c>TLP:AMBER+STRICT</c>, <c>tlp:amber+strict</c>
    /// (a MISP tag), <c>amber-strict</c>, or the TLP 1.0 <c>white</c> (read as CLEAR).
    /// </summary>
    public static bool TryParse(string? text, out Tlp tlp)
    {
        tlp = Tlp.Clear;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var value = text.Trim();
        if (value.StartsWith("tlp:", StringComparison.OrdinalIgnoreCase))
        {
            value = value[4..];
        }

        value = value.Trim().Replace('_', '+').Replace('-', '+').Replace(' ', '+');
        switch (value.ToUpperInvariant())
        {
            case "CLEAR" or "WHITE":
                tlp = Tlp.Clear;
                return true;
            case "GREEN":
                tlp = Tlp.Green;
                return true;
            case "AMBER":
                tlp = Tlp.Amber;
                return true;
            case "AMBER+STRICT" or "AMBERSTRICT":
                tlp = Tlp.AmberStrict;
                return true;
            case "RED":
                tlp = Tlp.Red;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Maps a STIX marking-definition id (TLP 2.0 or TLP 1.0) to its TLP 2.0 level.</summary>
    public static bool TryFromStixMarkingId(string? markingId, out Tlp tlp)
    {
        foreach (var (level, _, id) in Definitions)
        {
            if (string.Equals(id, markingId, StringComparison.Ordinal))
            {
                tlp = level;
                return true;
            }
        }

        foreach (var (level, id) in Tlp1Definitions)
        {
            if (string.Equals(id, markingId, StringComparison.Ordinal))
            {
                tlp = level;
                return true;
            }
        }

        tlp = Tlp.Clear;
        return false;
    }

    /// <summary>
    /// The TLP of a MISP tag: <c>tlp:amber+strict</c>, <c>tlp:white</c> (read as CLEAR). Tags of the MISP
    /// TLP taxonomy that are not levels (<c>tlp:ex:chr</c>, <c>tlp:unclear</c>) are not TLP levels.
    /// </summary>
    public static bool TryFromMispTag(string? tag, out Tlp tlp)
    {
        tlp = Tlp.Clear;
        return tag is not null && tag.Trim().StartsWith("tlp:", StringComparison.OrdinalIgnoreCase) && TryParse(tag, out tlp);
    }

    /// <summary>
    /// The TLP 2.0 marking-definition object as OASIS published it for STIX 2.1: fixed id, name, and the
    /// property extension carrying <c>tlp_2_0</c>. Include it in bundles that reference the marking.
    /// </summary>
    public static JsonObject StixMarkingDefinition(this Tlp tlp) => new()
    {
        ["id"] = tlp.StixMarkingId(),
        ["type"] = "marking-definition",
        ["spec_version"] = "2.1",
        ["name"] = tlp.Label(),
        ["created"] = "2022-10-01T00:00:00.000Z",
        ["extensions"] = new JsonObject
        {
            [ExtensionDefinitionId] = new JsonObject { ["extension_type"] = "property-extension", ["tlp_2_0"] = tlp.Code() },
        },
    };

    /// <summary>Of several markings on one object, the most restrictive wins.</summary>
    public static Tlp MostRestrictive(IEnumerable<Tlp> levels)
    {
        ArgumentNullException.ThrowIfNull(levels);
        var result = Tlp.Clear;
        foreach (var level in levels)
        {
            if (level > result)
            {
                result = level;
            }
        }

        return result;
    }
}
