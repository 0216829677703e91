using System.Globalization;
using System.Text.Json.Nodes;

namespace Rampart.Standards;

/// <summary>Numbers of JSON nodes whether they were parsed (JsonElement-backed) or built in code (int, long, double-backed).</summary>
internal static class JsonNumbers
{
    public static bool TryGetDouble(JsonValue value, out double number)
    {
        // Parsed values are JsonElement-backed and convert directly; values built in code may hold an int or long.
        if (value.TryGetValue(out number) || (value.TryGetValue<System.Text.Json.JsonElement>(out var element) && element.TryGetDouble(out number)))
        {
            return true;
        }

        return double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number);
    }

    public static double GetDouble(JsonValue value) => TryGetDouble(value, out var d) ? d : double.NaN;
}
