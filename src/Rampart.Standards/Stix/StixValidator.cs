using System.Text.Json;
using System.Text.Json.Nodes;
using Rampart.Standards.Patterns;

namespace Rampart.Standards.Stix;

/// <summary>One broken rule: which object, where in it, which rule, and why.</summary>
public sealed record StixIssue(string ObjectId, string Path, string Rule, string Message);

/// <summary>Errors break a MUST of STIX 2.1; warnings a SHOULD.</summary>
public sealed record StixValidationResult(IReadOnlyList<StixIssue> Errors, IReadOnlyList<StixIssue> Warnings)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Checks STIX 2.1 objects against the specification's MUST rules (reported as errors) and SHOULD rules
/// (warnings): identifiers, spec_version, timestamps, required properties per type, closed and open
/// vocabularies, reference targets, ranges and per-type conditions, granular-marking selectors, and
/// STIX patterns of indicators.
/// </summary>
public static class StixValidator
{
    private static readonly HashSet<string> CommonProperties = new(StringComparer.Ordinal)
    {
        "type", "spec_version", "id", "created_by_ref", "created", "modified", "revoked", "labels", "confidence", "lang",
        "external_references", "object_marking_refs", "granular_markings", "extensions", "defanged",
    };

    public static StixValidationResult Validate(StixObject stixObject)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        var context = new Context(stixObject.Id.Length > 0 ? stixObject.Id : "(no id)", "");
        ValidateObject(stixObject.Json, context);
        return new StixValidationResult(context.Errors, context.Warnings);
    }

    /// <summary>Validates a bundle and each object in it; issue paths start at <c>objects[i]</c>.</summary>
    public static StixValidationResult ValidateBundle(JsonObject bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        var id = Str(bundle, "id") ?? "(no id)";
        var context = new Context(id, "");
        if (Str(bundle, "type") != "bundle")
        {
            context.Error("type", "bundle-type", "A bundle's type is 'bundle'.");
        }

        CheckIdentifier(bundle, "bundle", context);
        if (!bundle.TryGetPropertyValue("objects", out var objects))
        {
            return new StixValidationResult(context.Errors, context.Warnings);
        }

        if (objects is not JsonArray array)
        {
            context.Error("objects", "bundle-objects", "objects is a list of STIX objects.");
            return new StixValidationResult(context.Errors, context.Warnings);
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject obj)
            {
                context.Error($"objects[{i}]", "bundle-objects", "Each element of objects is a JSON object.");
                continue;
            }

            var inner = new Context(Str(obj, "id") ?? $"objects[{i}]", $"objects[{i}].", context);
            ValidateObject(obj, inner);
        }

        return new StixValidationResult(context.Errors, context.Warnings);
    }

    private sealed class Context(string objectId, string prefix, Context? parent = null)
    {
        public List<StixIssue> Errors { get; } = parent?.Errors ?? [];

        public List<StixIssue> Warnings { get; } = parent?.Warnings ?? [];

        public void Error(string path, string rule, string message) => Errors.Add(new StixIssue(objectId, prefix + path, rule, message));

        public void Warning(string path, string rule, string message) => Warnings.Add(new StixIssue(objectId, prefix + path, rule, message));
    }

    private static string? Str(JsonObject o, string property) =>
        o.TryGetPropertyValue(property, out var n) && n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    private static void ValidateObject(JsonObject o, Context c)
    {
        var type = Str(o, "type");
        if (type is null)
        {
            c.Error("type", "required-property", "Every STIX object has a type.");
            return;
        }

        if (!IsValidTypeName(type))
        {
            c.Error("type", "type-format", "A type is 3–250 characters of a–z, 0–9 and '-', starting with a letter, no '--'.");
        }

        var info = StixTypes.Find(type);
        var kind = info?.Kind ?? StixKind.Custom;
        CheckIdentifier(o, type, c);

        var specVersion = Str(o, "spec_version");
        if (kind == StixKind.CyberObservable)
        {
            if (o.ContainsKey("spec_version") && specVersion != "2.1")
            {
                c.Error("spec_version", "spec-version", "spec_version, when given on an observable, is '2.1'.");
            }
        }
        else if (specVersion != "2.1")
        {
            c.Error("spec_version", "spec-version", "spec_version is required and is '2.1'.");
        }

        if (kind is StixKind.DomainObject or StixKind.RelationshipObject || type is "language-content" or "extension-definition" || (kind == StixKind.Custom && !o.ContainsKey("extensions")))
        {
            foreach (var property in CreatedModified)
            {
                if (!o.ContainsKey(property))
                {
                    c.Error(property, "required-property", $"{property} is required on a {type}.");
                }
            }
        }
        else if (type == "marking-definition" && !o.ContainsKey("created"))
        {
            c.Error("created", "required-property", "created is required on a marking-definition.");
        }

        foreach (var property in info?.Required ?? [])
        {
            if (!o.ContainsKey(property) || o[property] is null)
            {
                c.Error(property, "required-property", $"{property} is required on a {type}.");
            }
        }

        CheckTimestamps(o, info, c);
        CheckCreatedModified(o, c);
        CheckPropertyNames(o, c);
        CheckReferences(o, info, c);
        CheckVocabularies(o, info, c);
        CheckCommonProperties(o, c);
        CheckTypeRules(o, type, c);
    }

    private static bool IsValidTypeName(string type) =>
        type.Length is >= 3 and <= 250 && char.IsAsciiLetterLower(type[0]) && !type.Contains("--", StringComparison.Ordinal) && !type.EndsWith('-')
        && !type.AsSpan().ContainsAnyExcept(TypeNameChars);

    private static readonly System.Buffers.SearchValues<char> TypeNameChars = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");
    private static readonly System.Buffers.SearchValues<char> PropertyNameChars = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
    private static readonly string[] CreatedModified = ["created", "modified"];

    private static void CheckIdentifier(JsonObject o, string type, Context c)
    {
        var id = Str(o, "id");
        if (id is null)
        {
            c.Error("id", "required-property", "Every STIX object has an id.");
            return;
        }

        if (!StixIdentifier.TryParse(id, out var idType, out _))
        {
            c.Error("id", "id-format", "An identifier is 'type--UUID'.");
        }
        else if (idType != type)
        {
            c.Error("id", "id-format", $"The identifier's type part '{idType}' differs from the object's type '{type}'.");
        }
        else if (id.AsSpan(id.Length - 36).ContainsAnyInRange('A', 'F'))
        {
            c.Warning("id", "id-lower-case", "UUIDs should be written in lower case.");
        }
        else if (StixTypes.IsSco(type) && ScoIds.Compute(o) is { } expected && expected != id)
        {
            c.Warning("id", "sco-deterministic-id", $"Observables should use the deterministic identifier {expected}.");
        }
    }

    private static void CheckTimestamps(JsonObject o, StixTypeInfo? info, Context c)
    {
        foreach (var property in info?.Timestamps ?? CreatedModified)
        {
            if (!o.TryGetPropertyValue(property, out var node) || node is null)
            {
                continue;
            }

            if (node is not JsonValue v || !v.TryGetValue<string>(out var text) || !Timestamps.TryParse(text, out _))
            {
                c.Error(property, "timestamp-format", "A timestamp is RFC 3339 in UTC with a 'Z', e.g. 2024-05-01T08:30:00.000Z.");
                continue;
            }

            if (property is "created" or "modified" && Timestamps.Precision(text) < 3)
            {
                c.Error(property, "timestamp-precision", $"{property} must be precise to the millisecond (three fractional digits).");
            }
        }
    }

    private static void CheckCreatedModified(JsonObject o, Context c)
    {
        if (Str(o, "created") is { } created && Str(o, "modified") is { } modified
            && Timestamps.TryParse(created, out var createdAt) && Timestamps.TryParse(modified, out var modifiedAt) && modifiedAt < createdAt)
        {
            c.Error("modified", "modified-before-created", "modified must be later than or equal to created.");
        }
    }

    private static void CheckPropertyNames(JsonObject o, Context c)
    {
        foreach (var (name, _) in o)
        {
            if (name.Length is < 3 or > 250 || name.AsSpan().ContainsAnyExcept(PropertyNameChars))
            {
                if (name != "id")
                {
                    c.Error(name, "property-name", "Property names are 3–250 characters of a–z, A–Z, 0–9 and '_'.");
                }
            }
        }
    }

    private static void CheckReferences(JsonObject o, StixTypeInfo? info, Context c)
    {
        foreach (var (name, node) in o)
        {
            if (node is null || !(name.EndsWith("_ref", StringComparison.Ordinal) || name.EndsWith("_refs", StringComparison.Ordinal)))
            {
                continue;
            }

            var values = new List<(string Path, JsonNode? Node)>();
            if (name.EndsWith("_refs", StringComparison.Ordinal))
            {
                if (node is not JsonArray list)
                {
                    c.Error(name, "reference-format", $"{name} is a list of identifiers.");
                    continue;
                }

                if (list.Count == 0)
                {
                    c.Error(name, "empty-list", "A list property, when present, is not empty.");
                }

                for (var i = 0; i < list.Count; i++)
                {
                    values.Add((name + "[" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]", list[i]));
                }
            }
            else
            {
                values.Add((name, node));
            }

            var targets = info?.References.GetValueOrDefault(name);
            foreach (var (path, value) in values)
            {
                if (value is not JsonValue v || !v.TryGetValue<string>(out var id) || !StixIdentifier.TryParse(id, out var targetType, out _))
                {
                    c.Error(path, "reference-format", "A reference is an identifier 'type--UUID'.");
                    continue;
                }

                if (targets is not null && !targets.Any(t => Allows(t, targetType)))
                {
                    c.Error(path, "reference-type", $"{name} must point at {string.Join(" or ", targets.Select(Describe))}, not a {targetType}.");
                }
            }
        }
    }

    private static bool Allows(string target, string type) => target switch
    {
        StixTypes.Any => true,
        // Custom object types (x-…) may be domain objects too.
        StixTypes.AnySdo => StixTypes.IsSdo(type) || (StixTypes.Find(type) is null && type.StartsWith("x-", StringComparison.Ordinal)),
        StixTypes.AnySdoOrSco => !StixTypes.IsSro(type) && type is not ("marking-definition" or "language-content" or "extension-definition" or "bundle"),
        _ => target == type,
    };

    private static string Describe(string target) => target switch
    {
        StixTypes.Any => "any object",
        StixTypes.AnySdo => "a domain object",
        StixTypes.AnySdoOrSco => "a domain or observable object",
        _ => "a " + target,
    };

    private static void CheckVocabularies(JsonObject o, StixTypeInfo? info, Context c)
    {
        if (info is null)
        {
            return;
        }

        foreach (var (property, allowed) in info.ClosedVocabularies)
        {
            foreach (var (path, value) in StringsOf(o, property))
            {
                if (!allowed.Contains(value, StringComparer.Ordinal))
                {
                    c.Error(path, "closed-vocabulary", $"'{value}' is not one of: {string.Join(", ", allowed)}.");
                }
            }
        }

        foreach (var (property, suggested) in info.OpenVocabularies)
        {
            foreach (var (path, value) in StringsOf(o, property))
            {
                if (!suggested.Contains(value, StringComparer.Ordinal))
                {
                    c.Warning(path, "open-vocabulary", $"'{value}' is not in the suggested vocabulary for {property}.");
                }
            }
        }
    }

    private static IEnumerable<(string Path, string Value)> StringsOf(JsonObject o, string property)
    {
        if (!o.TryGetPropertyValue(property, out var node) || node is null)
        {
            yield break;
        }

        if (node is JsonArray list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] is JsonValue v && v.TryGetValue<string>(out var s))
                {
                    yield return ($"{property}[{i}]", s);
                }
            }
        }
        else if (node is JsonValue value && value.TryGetValue<string>(out var single))
        {
            yield return (property, single);
        }
    }

    private static void CheckCommonProperties(JsonObject o, Context c)
    {
        if (o.TryGetPropertyValue("confidence", out var confidence) && confidence is not null
            && (confidence is not JsonValue cv || cv.GetValueKind() != JsonValueKind.Number || !JsonNumbers.TryGetDouble(cv, out var n) || n != Math.Floor(n) || n is < 0 or > 100))
        {
            c.Error("confidence", "confidence-range", "confidence is a whole number from 0 to 100.");
        }

        if (o.TryGetPropertyValue("labels", out var labels) && labels is JsonArray { Count: 0 })
        {
            c.Error("labels", "empty-list", "A list property, when present, is not empty.");
        }

        if (o.TryGetPropertyValue("granular_markings", out var granular) && granular is not null)
        {
            if (granular is not JsonArray markings)
            {
                c.Error("granular_markings", "granular-marking", "granular_markings is a list.");
                return;
            }

            for (var i = 0; i < markings.Count; i++)
            {
                var path = $"granular_markings[{i}]";
                if (markings[i] is not JsonObject marking)
                {
                    c.Error(path, "granular-marking", "A granular marking is an object.");
                    continue;
                }

                var hasRef = Str(marking, "marking_ref") is { } markingRef;
                var hasLang = Str(marking, "lang") is not null;
                if (hasRef == hasLang)
                {
                    c.Error(path, "granular-marking", "A granular marking has exactly one of marking_ref and lang.");
                }

                if (hasRef && (!StixIdentifier.TryParse(Str(marking, "marking_ref")!, out var markingType, out _) || markingType != "marking-definition"))
                {
                    c.Error(path + ".marking_ref", "reference-type", "marking_ref points at a marking-definition.");
                }

                if (marking["selectors"] is not JsonArray selectors || selectors.Count == 0)
                {
                    c.Error(path + ".selectors", "granular-marking", "selectors is a non-empty list.");
                    continue;
                }

                for (var s = 0; s < selectors.Count; s++)
                {
                    if (selectors[s] is not JsonValue sv || !sv.TryGetValue<string>(out var selector) || !SelectorResolves(o, selector))
                    {
                        c.Error($"{path}.selectors[{s}]", "granular-marking-selector", "The selector does not resolve to a property of this object.");
                    }
                }
            }
        }

        if (o.TryGetPropertyValue("external_references", out var refs) && refs is JsonArray externals)
        {
            for (var i = 0; i < externals.Count; i++)
            {
                if (externals[i] is not JsonObject external || Str(external, "source_name") is null)
                {
                    c.Error($"external_references[{i}].source_name", "required-property", "An external reference has a source_name.");
                }
            }
        }
    }

    /// <summary>A selector such as <c>description</c>, <c>kill_chain_phases.[0].phase_name</c> names an existing property.</summary>
    internal static bool SelectorResolves(JsonObject o, string selector)
    {
        JsonNode? current = o;
        foreach (var part in selector.Split('.'))
        {
            if (part.StartsWith('[') && part.EndsWith(']') && int.TryParse(part[1..^1], out var index))
            {
                if (current is not JsonArray array || index < 0 || index >= array.Count)
                {
                    return false;
                }

                current = array[index];
            }
            else if (current is JsonObject obj && obj.TryGetPropertyValue(part, out var child))
            {
                current = child;
            }
            else
            {
                return false;
            }
        }

        return true;
    }

    private static void CheckTypeRules(JsonObject o, string type, Context c)
    {
        switch (type)
        {
            case "indicator":
                if (Str(o, "valid_from") is { } from && Str(o, "valid_until") is { } until
                    && Timestamps.TryParse(from, out var fromAt) && Timestamps.TryParse(until, out var untilAt) && untilAt <= fromAt)
                {
                    c.Error("valid_until", "valid-until-after-valid-from", "valid_until must be later than valid_from.");
                }

                if (Str(o, "pattern_type") == "stix" && Str(o, "pattern") is { } pattern)
                {
                    try
                    {
                        PatternParser.Parse(pattern);
                    }
                    catch (StandardsException e)
                    {
                        c.Error("pattern", "pattern-syntax", e.Message);
                    }
                }

                break;
            case "malware":
                if (o["is_family"] is JsonValue family && family.GetValueKind() == JsonValueKind.True && Str(o, "name") is null)
                {
                    c.Error("name", "required-property", "A malware family has a name.");
                }

                break;
            case "location":
                var hasLatitude = o.ContainsKey("latitude");
                if (!o.ContainsKey("region") && !o.ContainsKey("country") && !hasLatitude)
                {
                    c.Error("", "location-required", "A location has region, country, or latitude and longitude.");
                }

                if (hasLatitude != o.ContainsKey("longitude"))
                {
                    c.Error("longitude", "location-required", "latitude and longitude come together.");
                }

                CheckRange(o, "latitude", -90, 90, c);
                CheckRange(o, "longitude", -180, 180, c);
                break;
            case "observed-data":
                if (o.ContainsKey("objects") == o.ContainsKey("object_refs"))
                {
                    c.Error("object_refs", "observed-data-objects", "observed-data has exactly one of object_refs and (deprecated) objects.");
                }
                else if (o.ContainsKey("objects"))
                {
                    c.Warning("objects", "deprecated-property", "objects is deprecated in STIX 2.1; use object_refs.");
                }

                CheckRange(o, "number_observed", 1, 999_999_999, c);
                if (Str(o, "first_observed") is { } first && Str(o, "last_observed") is { } last
                    && Timestamps.TryParse(first, out var firstAt) && Timestamps.TryParse(last, out var lastAt) && lastAt < firstAt)
                {
                    c.Error("last_observed", "last-observed-before-first", "last_observed must be later than or equal to first_observed.");
                }

                break;
            case "relationship":
                if (Str(o, "relationship_type") is { } relationshipType && !IsValidTypeName(relationshipType) && relationshipType.Length > 0)
                {
                    c.Warning("relationship_type", "relationship-type-format", "relationship_type should be lower case words joined by '-'.");
                }

                break;
            case "sighting":
                CheckRange(o, "count", 0, 999_999_999, c);
                break;
            case "file":
                if (!o.ContainsKey("hashes") && !o.ContainsKey("name"))
                {
                    c.Error("", "file-hashes-or-name", "A file has hashes or name.");
                }

                break;
            case "artifact":
                if (o.ContainsKey("payload_bin") && o.ContainsKey("url"))
                {
                    c.Error("url", "artifact-payload-or-url", "An artifact has payload_bin or url, not both.");
                }

                if (o.ContainsKey("url") && !o.ContainsKey("hashes"))
                {
                    c.Error("hashes", "required-property", "An artifact given by url has hashes.");
                }

                break;
            case "network-traffic":
                if (!o.ContainsKey("src_ref") && !o.ContainsKey("dst_ref"))
                {
                    c.Error("", "network-traffic-endpoint", "network-traffic has src_ref or dst_ref.");
                }

                CheckRange(o, "src_port", 0, 65535, c);
                CheckRange(o, "dst_port", 0, 65535, c);
                break;
            case "marking-definition":
                if (!o.ContainsKey("extensions") && (!o.ContainsKey("definition_type") || !o.ContainsKey("definition")))
                {
                    c.Error("definition", "required-property", "A marking-definition has definition_type and definition, or an extension.");
                }

                break;
        }
    }

    private static void CheckRange(JsonObject o, string property, double min, double max, Context c)
    {
        if (o.TryGetPropertyValue(property, out var node) && node is not null
            && (node is not JsonValue v || v.GetValueKind() != JsonValueKind.Number || JsonNumbers.GetDouble(v) is var d && (double.IsNaN(d) || d < min || d > max)))
        {
            c.Error(property, "range", $"{property} is a number from {min} to {max}.");
        }
    }
}

/// <summary>STIX identifiers: <c>type--UUID</c>.</summary>
public static class StixIdentifier
{
    private static readonly System.Buffers.SearchValues<char> TypeChars = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    public static bool TryParse(string? id, out string type, out Guid uuid)
    {
        type = "";
        uuid = Guid.Empty;
        if (id is null)
        {
            return false;
        }

        // As the OASIS schema: an RFC 4122 UUID of version 1–5 (hex digits of either case).
        var separator = id.LastIndexOf("--", StringComparison.Ordinal);
        if (separator < 3 || id.Length - separator - 2 != 36 || !Guid.TryParseExact(id.AsSpan(separator + 2), "D", out uuid)
            || id[separator + 16] is < '1' or > '5' || id[separator + 21] is not ('8' or '9' or 'a' or 'b' or 'A' or 'B'))
        {
            return false;
        }

        type = id[..separator];
        return char.IsAsciiLetterLower(type[0]) && !type.EndsWith('-') && !type.AsSpan().ContainsAnyExcept(TypeChars);
    }
}
