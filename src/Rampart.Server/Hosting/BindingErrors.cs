using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Rampart.Standards.Markings;

namespace Rampart.Server.Hosting;

/// <summary>
/// What a client did wrong when its request could not be bound — the field's path and a plain reason, for a choice
/// the allowed values as they are written on the wire, for an unknown property "not a field of this request" — in
/// place of the serializer's and the binder's messages, which name .NET types (<c>Rampart.Server.….PlanRequest</c>)
/// and list nothing. The field's type is found from the endpoint: its JSON body type (walked along the error's JSON
/// path with the serializer's own contract) or the named parameter of its handler.
/// </summary>
public static partial class BindingErrors
{
    public const string UnknownField = "Not a field of this request.";
    public const string Required = "Required.";

    /// <summary>The fields and reasons of a request the binder refused; never a .NET type name.</summary>
    public static Dictionary<string, string[]> Describe(BadHttpRequestException bad, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(bad);
        ArgumentNullException.ThrowIfNull(context);
        var options = context.RequestServices?.GetService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>()?.Value.SerializerOptions;
        // The exception handler clears the request's endpoint before it runs: the failed one is on its feature.
        var endpoint = context.Features.Get<Microsoft.AspNetCore.Diagnostics.IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
        if (bad.InnerException is JsonException json)
        {
            var bodyType = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
            return OfJson(json, bodyType, options);
        }

        var message = bad.Message;
        if (ParameterMessage().Match(message) is { Success: true } m)
        {
            var name = m.Groups["name"].Value;
            var source = m.Groups["source"].Value;
            var type = endpoint?.Metadata.GetMetadata<MethodInfo>()?.GetParameters().FirstOrDefault(p => p.Name == name)?.ParameterType;
            if (m.Groups["verb"].Value == "Failed to bind")
            {
                return new() { [name] = [ReasonFor(type, options)] };
            }

            return source == "body" ? new() { ["body"] = ["A JSON body is required."] } : new() { [name] = [Required] };
        }

        if (message.StartsWith("Implicit body inferred", StringComparison.Ordinal))
        {
            return new() { ["body"] = ["A JSON body is required."] };
        }

        return [];
    }

    /// <summary>The plain sentence of a binder message that names no field (media type, timeout): kept unless it names a type.</summary>
    public static string? PlainDetail(BadHttpRequestException bad)
    {
        ArgumentNullException.ThrowIfNull(bad);
        return NamesDotNet(bad.Message) ? null : bad.Message;
    }

    private static Dictionary<string, string[]> OfJson(JsonException json, Type? bodyType, JsonSerializerOptions? options)
    {
        var field = FieldOf(json.Path);
        var message = json.Message;
        if (UnmappedMessage().Match(message) is { Success: true } unmapped)
        {
            var name = unmapped.Groups["name"].Value;
            // The path names the object holding the property, or the property itself.
            var path = field == "body" ? name : field.EndsWith(name, StringComparison.Ordinal) ? field : $"{field}.{name}";
            return new() { [path] = [UnknownField] };
        }

        if (MissingMessage().Match(message) is { Success: true } missing)
        {
            var prefix = field == "body" ? "" : field + ".";
            return missing.Groups["names"].Value.Split(", ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .ToDictionary(n => prefix + n.Trim('\'', '.'), _ => new[] { Required });
        }

        if (json.InnerException is null && json.BytePositionInLine is not null && message.StartsWith('\'') && !NamesDotNet(message))
        {
            // The reader's own syntax messages ("'x' is an invalid start of a value.") name characters, not types.
            return new() { [field] = ["Not valid JSON: " + message.Split(" Path:", StringSplitOptions.None)[0].Split(" LineNumber:", StringSplitOptions.None)[0]] };
        }

        var type = bodyType is null || options is null ? null : TypeAt(bodyType, json.Path, options);
        return new() { [field] = [ReasonFor(type, options)] };
    }

    /// <summary>The type a JSON path leads to in <paramref name="root"/>'s contract; null when the path leaves it.</summary>
    public static Type? TypeAt(Type root, string? path, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);
        var current = root;
        foreach (Match segment in PathSegment().Matches(path ?? ""))
        {
            JsonTypeInfo info;
            try
            {
                info = options.GetTypeInfo(Nullable.GetUnderlyingType(current) ?? current);
            }
            catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException)
            {
                return null;
            }

            if (segment.Groups["index"].Success)
            {
                if (info.Kind is not (JsonTypeInfoKind.Enumerable) || info.ElementType is null)
                {
                    return null;
                }

                current = info.ElementType;
                continue;
            }

            var name = segment.Groups["name"].Success ? segment.Groups["name"].Value : segment.Groups["quoted"].Value;
            if (info.Kind == JsonTypeInfoKind.Dictionary && info.ElementType is not null)
            {
                current = info.ElementType;
                continue;
            }

            var comparison = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            var property = info.Kind == JsonTypeInfoKind.Object ? info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, comparison)) : null;
            if (property is null)
            {
                return null;
            }

            current = property.PropertyType;
        }

        return current;
    }

    /// <summary>What a value of <paramref name="type"/> must look like, in words; the allowed values of a choice.</summary>
    public static string ReasonFor(Type? type, JsonSerializerOptions? options)
    {
        if (type is null)
        {
            return "The value has the wrong type or format.";
        }

        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(Tlp))
        {
            return "One of: " + string.Join(", ", Enum.GetValues<Tlp>().Select(t => t.Code())) + ".";
        }

        if (type.IsEnum)
        {
            var policy = JsonNamingPolicy.KebabCaseLower;
            return "One of: " + string.Join(", ", Enum.GetNames(type).Select(policy.ConvertName)) + ".";
        }

        if (type == typeof(string) || type == typeof(char))
        {
            return "Expected text.";
        }

        if (type == typeof(bool))
        {
            return "Expected true or false.";
        }

        if (type == typeof(Guid))
        {
            return "Expected an identifier (a UUID such as 3f2b8a9e-5c1d-4e7a-9b6f-2d8c4a1e7f30).";
        }

        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            return "Expected a date and time in ISO 8601 with its offset, such as 2026-11-02T09:30:00Z.";
        }

        if (type == typeof(DateOnly))
        {
            return "Expected a date such as 2026-11-02.";
        }

        if (type == typeof(TimeOnly) || type == typeof(TimeSpan))
        {
            return "Expected a time such as 09:30:00.";
        }

        if (type == typeof(byte) || type == typeof(short) || type == typeof(int) || type == typeof(long)
            || type == typeof(sbyte) || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong))
        {
            return "Expected a whole number.";
        }

        if (type == typeof(float) || type == typeof(double) || type == typeof(decimal))
        {
            return "Expected a number.";
        }

        if (options is not null)
        {
            try
            {
                switch (options.GetTypeInfo(type).Kind)
                {
                    case JsonTypeInfoKind.Enumerable:
                        return "Expected a list.";
                    case JsonTypeInfoKind.Object:
                    case JsonTypeInfoKind.Dictionary:
                        return "Expected an object.";
                }
            }
            catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException)
            {
                // A type the contract cannot describe: the generic reason below.
            }
        }

        return "The value has the wrong type or format.";
    }

    /// <summary><c>$.recipients[0].organisationId</c> becomes <c>recipients[0].organisationId</c>.</summary>
    public static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.StartsWith('$') ? path[1..] : path;

    private static bool NamesDotNet(string text) => DotNetName().IsMatch(text);

    [GeneratedRegex("""^(?<verb>Failed to bind|Required) parameter "(?<type>[^"]+) (?<name>[^" ]+)"(?: was not provided from (?<source>[a-z ]+)| from)""")]
    private static partial Regex ParameterMessage();

    [GeneratedRegex("The JSON property '(?<name>[^']*)' could not be mapped")]
    private static partial Regex UnmappedMessage();

    [GeneratedRegex("missing required properties,? including(?: the following)?:\\s*(?<names>.+?)(?:\\.? Path:|\\.?$)", RegexOptions.Singleline)]
    private static partial Regex MissingMessage();

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>(?:[^']|'')*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathSegment();

    [GeneratedRegex(@"\b(?:System|Rampart|Microsoft)\.[A-Za-z]|\.NET|\bSystem\.|`1")]
    private static partial Regex DotNetName();
}
