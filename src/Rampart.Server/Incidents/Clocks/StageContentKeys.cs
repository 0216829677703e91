using System.Text;
using System.Text.Json.Nodes;

namespace Rampart.Server.Incidents.Clocks;

/// <summary>
/// The REST API names a stage's content fields in camelCase (<c>suspectedMalicious</c>), like every other field; the
/// frozen report keeps the clock library's stable schema names (<c>suspected_malicious</c>). Translates at the boundary,
/// and still accepts the snake_case names clients learned before (compatibility).
/// </summary>
public static class StageContentKeys
{
    /// <summary>The content with schema names, or the fields given twice (both spellings) as 400 errors.</summary>
    public static JsonObject? ToSchema(JsonObject? content, RequestErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (content is null)
        {
            return null;
        }

        var result = new JsonObject();
        foreach (var (key, value) in content)
        {
            var name = Snake(key);
            if (result.ContainsKey(name))
            {
                errors.Add($"content.{Camel(name)}", "is given twice (camelCase and snake_case): send it once.");
                continue;
            }

            result[name] = value?.DeepClone();
        }

        return result;
    }

    /// <summary>"suspectedMalicious" → "suspected_malicious"; a snake_case name stays as it is.</summary>
    public static string Snake(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                text.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }

    /// <summary>"suspected_malicious" → "suspectedMalicious": how the API names the field in errors and docs.</summary>
    public static string Camel(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var text = new StringBuilder(name.Length);
        var upper = false;
        foreach (var c in name)
        {
            if (c == '_')
            {
                upper = text.Length > 0;
                continue;
            }

            text.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        return text.ToString();
    }
}
