using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rampart.Standards.Misp;

/// <summary>Reading MISP's loosely typed JSON: strings, numbers and booleans as MISP writes them, and its time formats.</summary>
internal static class MispJson
{
    /// <summary>
    /// Parses MISP JSON strictly, so bad input is a <see cref="StandardsException"/> now rather than another exception
    /// when a value is read later: duplicate member names and strings with lone surrogates (<c>\ud800</c>) are refused.
    /// </summary>
    public static JsonNode? Parse(ReadOnlySpan<byte> json)
    {
        var options = new JsonDocumentOptions { AllowDuplicateProperties = false, MaxDepth = 64 };
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
                {
                    try
                    {
                        _ = reader.GetString();
                    }
                    catch (InvalidOperationException e)
                    {
                        throw new StandardsException($"A string is not valid UTF-16: {e.Message}", (int)reader.TokenStartIndex);
                    }
                }
            }

            return JsonNode.Parse(json.ToArray(), documentOptions: options);
        }
        catch (JsonException e)
        {
            throw new StandardsException($"Not JSON: {e.Message}", (int?)e.BytePositionInLine, e.Path);
        }
    }

    public static string? Str(JsonObject o, string property) =>
        o.TryGetPropertyValue(property, out var n) && n is JsonValue v
            ? v.GetValueKind() switch
            {
                JsonValueKind.String => v.GetValue<string>(),
                JsonValueKind.Number => v.ToJsonString(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            }
            : null;

    public static int? Int(JsonObject o, string property) =>
        Str(o, property) is { } s && int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    public static bool Bool(JsonObject o, string property) => Str(o, property) is "true" or "1" or "True";

    /// <summary>A MISP time (Unix seconds, or an ISO 8601 text) as a STIX timestamp; null when it is neither.</summary>
    public static string? Time(string? unixSeconds) =>
        long.TryParse(unixSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and < 253402300799
            ? Timestamps.Format(DateTimeOffset.FromUnixTimeSeconds(seconds))
            : unixSeconds is not null && Timestamps.TryParse(unixSeconds, out var t) ? Timestamps.Format(t)
            : unixSeconds is not null && DateTimeOffset.TryParse(unixSeconds, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? Timestamps.Format(parsed)
            : null;

    public static string? DateOnly(string? date) =>
        System.DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? Timestamps.Format(new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero))
            : null;

    public static string Truncate(string value, int length) => value.Length <= length ? value : value[..length] + "…";

    /// <summary>Non-deleted members of a MISP list that are objects, with their index in the original list (paths use it).</summary>
    public static IEnumerable<(int Index, JsonObject Item)> Live(JsonNode? list)
    {
        if (list is not JsonArray array)
        {
            yield break;
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonObject o && !Bool(o, "deleted"))
            {
                yield return (i, o);
            }
        }
    }
}
