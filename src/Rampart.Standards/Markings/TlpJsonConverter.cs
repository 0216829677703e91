using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rampart.Standards.Markings;

/// <summary>Writes TLP as <c>clear</c>, <c>green</c>, <c>amber</c>, <c>amber+strict</c>, <c>red</c>; reads those and the forms <see cref="TlpMarking.TryParse"/> accepts.</summary>
public sealed class TlpJsonConverter : JsonConverter<Tlp>
{
    public override Tlp Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("A TLP level is a string: clear, green, amber, amber+strict or red.");
        }

        return TlpMarking.TryParse(reader.GetString(), out var tlp)
            ? tlp
            : throw new JsonException("Not a TLP 2.0 level: use clear, green, amber, amber+strict or red.");
    }

    public override void Write(Utf8JsonWriter writer, Tlp value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        // The codes are plain ASCII; written raw so '+' is not escaped as \u002B by the default encoder.
        writer.WriteRawValue("\"" + value.Code() + "\"", skipInputValidation: true);
    }
}
