using System.Globalization;
using System.Text.Json.Nodes;

namespace Rampart.Standards;

/// <summary>Numbers of JSON nodes whether they were parsed (JsonElement-backed) or built in code (int, long, double-backed).</summary>
internal static class JsonNumbers
{
    public static bool TryGetDouble(JsonValue value, out double number) =>
        double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number);

    public static double GetDouble(JsonValue value) => TryGetDouble(value, out var d) ? d : double.NaN;
}
