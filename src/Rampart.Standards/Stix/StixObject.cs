using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rampart.Standards.Stix;

/// <summary>
/// A STIX 2.1 object of any type, held as its JSON so that every property — custom properties and
/// extensions included — survives reading and writing unchanged. Typed accessors cover the common
/// properties; <see cref="StixValidator"/> checks the rest.
/// </summary>
public sealed class StixObject
{
    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = false };

    public StixObject(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        Json = json;
    }

    public JsonObject Json { get; }

    public string Type => GetString("type") ?? "";

    public string Id => GetString("id") ?? "";

    public string? SpecVersion => GetString("spec_version");

    public string? Created => GetString("created");

    public string? Modified => GetString("modified");

    public string? GetString(string property) =>
        Json.TryGetPropertyValue(property, out var node) && node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Parses one object; anything but a JSON object is a <see cref="StandardsException"/>.</summary>
    public static StixObject Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return FromNode(ParseNode(() => JsonNode.Parse(json)));
    }

    public static StixObject Parse(ReadOnlySpan<byte> utf8Json)
    {
        var bytes = utf8Json.ToArray();
        return FromNode(ParseNode(() => JsonNode.Parse(bytes)));
    }

    private static JsonNode? ParseNode(Func<JsonNode?> parse)
    {
        try
        {
            return parse();
        }
        catch (JsonException e)
        {
            throw new StandardsException($"Not JSON: {e.Message}", (int?)e.BytePositionInLine, e.Path);
        }
    }

    private static StixObject FromNode(JsonNode? node) =>
        node is JsonObject obj ? new StixObject(obj) : throw new StandardsException("A STIX object is a JSON object.", path: "$");

    public string ToJson() => Json.ToJsonString(WriteOptions);

    public override string ToString() => Id;
}
