using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
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
/// (warnings). Each object's JSON is walked once: every property is looked up in the property table of its
/// type (<see cref="StixSchema"/>) and its JSON type, format, vocabulary and reference targets are checked
/// there; the few values that rules spanning several properties need are captured on the way.
/// </summary>
public static class StixValidator
{
    /// <summary>Base64 characters of payload_bin above which the deterministic-id warning is not computed.</summary>
    internal const int LargePayload = 64 * 1024;

    private static readonly string[] ReservedProperties = ["severity", "action", "usernames", "phone_numbers", "addresses", "social_media_accounts"];

    public static StixValidationResult Validate(StixObject stixObject)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        JsonElement element;
        try
        {
            element = stixObject.GetElement();
        }
        catch (StandardsException e)
        {
            return new StixValidationResult([new StixIssue("(unreadable)", "", "json-text", e.Message)], []);
        }

        var context = new Context(element, "", null);
        ValidateObject(element, context);
        return context.Result();
    }

    /// <summary>Validates a bundle and each object in it; issue paths start at <c>objects[i]</c>.</summary>
    public static StixValidationResult ValidateBundle(JsonObject bundle)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        JsonElement element;
        try
        {
            element = new StixObject(bundle).GetElement();
        }
        catch (StandardsException e)
        {
            return new StixValidationResult([new StixIssue("(unreadable)", "", "json-text", e.Message)], []);
        }

        var context = new Context(element, "", null);
        if (!element.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || !type.ValueEquals("bundle"u8))
        {
            context.Error("type", "bundle-type", "A bundle's type is 'bundle' (§8).");
        }

        CheckIdentifier(element.TryGetProperty("id", out var id) ? id : default, "bundle", StixKind.Meta, element, context);
        WalkProperties(element, StixSchema.Bundle, "", context, ref Unsafe.NullRef<Captured>(), topLevel: true);
        if (element.TryGetProperty("objects", out var objects) && objects.ValueKind == JsonValueKind.Array)
        {
            var i = 0;
            foreach (var item in objects.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object)
                {
                    context.Error($"objects[{i}]", "bundle-objects", "Each element of objects is a JSON object (§8).");
                }
                else
                {
                    ValidateObject(item, new Context(item, $"objects[{i}].", context));
                }

                i++;
            }
        }

        return context.Result();
    }

    private sealed class Context(JsonElement subject, string prefix, Context? parent)
    {
        private string? objectId;

        public string? ObjectType { get; set; }

        // Scratch space for reading short strings without allocating; one pair per thread, reused by every validation.
        public char[] Names { get; } = parent?.Names ?? (scratchNames ??= new char[256]);

        public char[] Values { get; } = parent?.Values ?? (scratchValues ??= new char[320]);

        public List<StixIssue> Errors { get; } = parent?.Errors ?? [];

        public List<StixIssue> Warnings { get; } = parent?.Warnings ?? [];

        private string ObjectId => objectId ??= subject.ValueKind == JsonValueKind.Object && subject.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()! : prefix.Length > 0 ? prefix.TrimEnd('.') : "(no id)";

        public void Error(string path, string rule, string message) => Errors.Add(new StixIssue(ObjectId, prefix + path, rule, message));

        public void Warning(string path, string rule, string message) => Warnings.Add(new StixIssue(ObjectId, prefix + path, rule, message));

        public StixValidationResult Result() => new(Errors, Warnings);
    }

    [ThreadStatic]
    private static char[]? scratchNames;

    [ThreadStatic]
    private static char[]? scratchValues;

    [InlineArray(72)]
    private struct Captured
    {
        private JsonElement element;
    }

    private static JsonElement Get(ref Captured captured, int slot) => captured[slot];

    private static bool Has(ref Captured captured, int slot) => captured[slot].ValueKind != JsonValueKind.Undefined;

    /// <summary>Where each captured property sits, looked up once.</summary>
    private static class Slot
    {
        public static readonly int AnalysisEnded = StixSchema.SlotOf("analysis_ended");

        public static readonly int AnalysisStarted = StixSchema.SlotOf("analysis_started");

        public static readonly int Body = StixSchema.SlotOf("body");

        public static readonly int BodyMultipart = StixSchema.SlotOf("body_multipart");

        public static readonly int Country = StixSchema.SlotOf("country");

        public static readonly int Created = StixSchema.SlotOf("created");

        public static readonly int DecryptionKey = StixSchema.SlotOf("decryption_key");

        public static readonly int Definition = StixSchema.SlotOf("definition");

        public static readonly int DefinitionType = StixSchema.SlotOf("definition_type");

        public static readonly int DstRef = StixSchema.SlotOf("dst_ref");

        public static readonly int EncryptionAlgorithm = StixSchema.SlotOf("encryption_algorithm");

        public static readonly int End = StixSchema.SlotOf("end");

        public static readonly int Extensions = StixSchema.SlotOf("extensions");

        public static readonly int FirstObserved = StixSchema.SlotOf("first_observed");

        public static readonly int FirstSeen = StixSchema.SlotOf("first_seen");

        public static readonly int GranularMarkings = StixSchema.SlotOf("granular_markings");

        public static readonly int Hashes = StixSchema.SlotOf("hashes");

        public static readonly int Id = StixSchema.SlotOf("id");

        public static readonly int IsActive = StixSchema.SlotOf("is_active");

        public static readonly int IsFamily = StixSchema.SlotOf("is_family");

        public static readonly int IsMultipart = StixSchema.SlotOf("is_multipart");

        public static readonly int LastObserved = StixSchema.SlotOf("last_observed");

        public static readonly int LastSeen = StixSchema.SlotOf("last_seen");

        public static readonly int Latitude = StixSchema.SlotOf("latitude");

        public static readonly int Longitude = StixSchema.SlotOf("longitude");

        public static readonly int Modified = StixSchema.SlotOf("modified");

        public static readonly int Name = StixSchema.SlotOf("name");

        public static readonly int ObjectMarkingRefs = StixSchema.SlotOf("object_marking_refs");

        public static readonly int ObjectRefs = StixSchema.SlotOf("object_refs");

        public static readonly int Objects = StixSchema.SlotOf("objects");

        public static readonly int Pattern = StixSchema.SlotOf("pattern");

        public static readonly int PatternType = StixSchema.SlotOf("pattern_type");

        public static readonly int PayloadBin = StixSchema.SlotOf("payload_bin");

        public static readonly int Region = StixSchema.SlotOf("region");

        public static readonly int RelationshipType = StixSchema.SlotOf("relationship_type");

        public static readonly int Result = StixSchema.SlotOf("result");

        public static readonly int SpecVersion = StixSchema.SlotOf("spec_version");

        public static readonly int SrcRef = StixSchema.SlotOf("src_ref");

        public static readonly int Start = StixSchema.SlotOf("start");

        public static readonly int StartTime = StixSchema.SlotOf("start_time");

        public static readonly int StopTime = StixSchema.SlotOf("stop_time");

        public static readonly int Url = StixSchema.SlotOf("url");

        public static readonly int ValidFrom = StixSchema.SlotOf("valid_from");

        public static readonly int ValidUntil = StixSchema.SlotOf("valid_until");

        public static readonly int ValidityNotAfter = StixSchema.SlotOf("validity_not_after");

        public static readonly int ValidityNotBefore = StixSchema.SlotOf("validity_not_before");
    }

    private static void ValidateObject(JsonElement o, Context c)
    {
        if (!o.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            c.Error("type", "required-property", "Every STIX object has a type, a string (§3.2).");
            return;
        }

        var type = typeElement.GetString()!;
        if (!IsValidTypeName(type))
        {
            c.Error("type", "type-format", "A type is 3–250 characters of a–z, 0–9 and '-', starting with a letter, no '--' (§3.1).");
        }

        var info = StixTypes.Find(type);
        var kind = info?.Kind ?? StixKind.Custom;
        var customObservable = kind == StixKind.Custom && DeclaresExtensionType(o, "new-sco");
        var rules = StixSchema.ForType(type) ?? (customObservable ? StixSchema.CustomObservable : StixSchema.CustomObject);
        if (type == "bundle")
        {
            c.Error("type", "bundle-nested", "A bundle is not a STIX object; bundles do not nest (§8).");
            return;
        }

        c.ObjectType = type;
        var captured = default(Captured);
        WalkProperties(o, rules, "", c, ref captured, topLevel: true);

        CheckIdentifier(Get(ref captured, Slot.Id), type, customObservable ? StixKind.CyberObservable : kind, o, c);
        var specVersion = Get(ref captured, Slot.SpecVersion);
        if (kind == StixKind.CyberObservable || customObservable)
        {
            if (specVersion.ValueKind != JsonValueKind.Undefined && !(specVersion.ValueKind == JsonValueKind.String && specVersion.ValueEquals("2.1"u8)))
            {
                c.Error("spec_version", "spec-version", "spec_version, when given on an observable, is '2.1' (§3.2).");
            }
        }
        else if (specVersion.ValueKind != JsonValueKind.String || !specVersion.ValueEquals("2.1"u8))
        {
            c.Error("spec_version", "spec-version", "spec_version is required and is '2.1' (§3.2).");
        }

        if (kind is StixKind.DomainObject or StixKind.RelationshipObject || type is "language-content" or "extension-definition" || (kind == StixKind.Custom && !customObservable))
        {
            Require(ref captured, Slot.Created, "created", type, c);
            Require(ref captured, Slot.Modified, "modified", type, c);
        }
        else if (type == "marking-definition")
        {
            Require(ref captured, Slot.Created, "created", type, c);
        }

        var requiredSlots = rules.RequiredSlots;
        for (var r = 0; r < requiredSlots.Length; r++)
        {
            var property = rules.Required[r];
            var slot = requiredSlots[r];
            var present = slot >= 0 ? captured[slot].ValueKind != JsonValueKind.Undefined : o.TryGetProperty(property, out _);
            if (!present)
            {
                c.Error(property, "required-property", $"{property} is required on a {type}.");
            }
        }

        if (Get(ref captured, Slot.Created) is { ValueKind: JsonValueKind.String } created && Get(ref captured, Slot.Modified) is { ValueKind: JsonValueKind.String } modified
            && TryTime(created, out var createdAt) && TryTime(modified, out var modifiedAt) && modifiedAt < createdAt)
        {
            c.Error("modified", "modified-before-created", "modified must be later than or equal to created (§3.2).");
        }

        CheckTypeRules(o, type, ref captured, c);
    }

    private static void Require(ref Captured captured, int slot, string property, string type, Context c)
    {
        if (!Has(ref captured, slot))
        {
            c.Error(property, "required-property", $"{property} is required on a {type} (§3.2).");
        }
    }

    private static bool DeclaresExtensionType(JsonElement o, string extensionType)
    {
        if (!o.TryGetProperty("extensions", out var extensions) || extensions.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        foreach (var extension in extensions.EnumerateObject())
        {
            if (extension.Value.ValueKind == JsonValueKind.Object && extension.Value.TryGetProperty("extension_type", out var t)
                && t.ValueKind == JsonValueKind.String && t.ValueEquals(extensionType))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsValidTypeName(ReadOnlySpan<char> type) =>
        type.Length is >= 3 and <= 250 && char.IsAsciiLetterLower(type[0]) && !type.Contains("--", StringComparison.Ordinal) && type[^1] != '-'
        && !type.ContainsAnyExcept(TypeNameChars);

    private static readonly SearchValues<char> TypeNameChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");
    private static readonly SearchValues<char> PropertyNameChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    /// <summary>The characters of a JSON string without allocating when it is short, unescaped ASCII (the usual case).</summary>
    private static ReadOnlySpan<char> Chars(JsonElement e, Span<char> buffer)
    {
        var raw = JsonMarshal.GetRawUtf8Value(e);
        var inner = raw[1..^1];
        if (inner.Length <= buffer.Length && inner.IndexOf((byte)'\\') < 0 && Ascii.ToUtf16(inner, buffer, out var written) == OperationStatus.Done)
        {
            return buffer[..written];
        }

        return e.GetString();
    }

    private static ReadOnlySpan<char> NameChars(JsonProperty p, Span<char> buffer)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(p);
        if (raw.Length <= buffer.Length && raw.IndexOf((byte)'\\') < 0 && Ascii.ToUtf16(raw, buffer, out var written) == OperationStatus.Done)
        {
            return buffer[..written];
        }

        return p.Name;
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static string Item(string path, int index) => path + "[" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";

    private static bool IsValidPropertyName(ReadOnlySpan<char> name) =>
        name.Length is >= 3 and <= 250 && char.IsAsciiLetter(name[0]) && !name.ContainsAnyExcept(PropertyNameChars);

    /// <summary>Walks the properties of an object once: names, then each value against its rule.</summary>
    private static void WalkProperties(JsonElement o, ObjectRules rules, string path, Context c, ref Captured captured, bool topLevel)
    {
        var buffer = c.Names.AsSpan();
        foreach (var property in o.EnumerateObject())
        {
            var name = NameChars(property, buffer);
            if (!IsValidPropertyName(name) && !(topLevel && name.SequenceEqual("id")))
            {
                c.Error(Join(path, name.ToString()), "property-name", "Property names are 3–250 characters of a–z, A–Z, 0–9 and '_', starting with a letter (§3.1).");
            }

            var rule = rules.Find(name);
            if (rule is null)
            {
                if (topLevel && ReservedProperties.AsSpan().Contains(name.ToString()))
                {
                    c.Error(name.ToString(), "reserved-property", $"{name} is reserved in STIX 2.1 and must not be used (§3.1).");
                }
                else if (name.EndsWith("_ref"))
                {
                    CheckReference(property.Value, null, Join(path, name.ToString()), c);
                }
                else if (name.EndsWith("_refs"))
                {
                    CheckValue(RefList, property.Value, Join(path, name.ToString()), c);
                }

                continue;
            }

            if (rule.Slot >= 0)
            {
                captured[rule.Slot] = property.Value;
            }

            if (topLevel && rule.Name is "id" or "type")
            {
                continue;
            }

            CheckValue(rule, property.Value, path.Length == 0 ? rule.Name : Join(path, rule.Name), c);
        }
    }

    private static readonly PropertyRule RefList = new("(custom)_refs", Shape.List) { Item = new PropertyRule("(custom)_refs", Shape.Identifier) };

    private static string Describe(Shape shape) => shape switch
    {
        Shape.String => "a string",
        Shape.Integer => "an integer",
        Shape.Number => "a number",
        Shape.Boolean => "true or false",
        Shape.Timestamp => "a timestamp string",
        Shape.Identifier => "an identifier string",
        Shape.Hex => "a string of hexadecimal digit pairs",
        Shape.Binary => "a base64 string",
        Shape.Dictionary or Shape.Hashes or Shape.Object or Shape.Extensions => "a JSON object",
        Shape.List => "a non-empty list",
        _ => "a JSON value",
    };

    private static void TypeError(PropertyRule rule, string path, Context c) =>
        c.Error(path, rule.Name == "confidence" ? "confidence-range" : "property-type", $"{rule.Name} must be {Describe(rule.Shape)} (§2, §3.2 and the property table of the type).");

    private static void CheckValue(PropertyRule rule, JsonElement v, string path, Context c)
    {
        var buffer = c.Values.AsSpan();
        switch (rule.Shape)
        {
            case Shape.Any:
                return;
            case Shape.String:
                if (v.ValueKind != JsonValueKind.String)
                {
                    TypeError(rule, path, c);
                    return;
                }

                if (rule.Format != ValueFormat.None || rule.Closed is not null || rule.Open is not null)
                {
                    var text = Chars(v, buffer);
                    if (rule.Format != ValueFormat.None && StixFormats.Check(rule.Format, text) is var (formatRule, message))
                    {
                        c.Error(path, formatRule, message);
                    }

                    CheckVocabulary(rule, text, path, c);
                }

                return;
            case Shape.Integer:
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var integer))
                {
                    if (rule.Min != long.MinValue && v.ValueKind == JsonValueKind.Number)
                    {
                        c.Error(path, rule.Name == "confidence" ? "confidence-range" : "range", $"{rule.Name} is a whole number from {rule.Min} to {rule.Max}.");
                    }
                    else
                    {
                        TypeError(rule, path, c);
                    }

                    return;
                }

                if (integer < rule.Min || integer > rule.Max)
                {
                    c.Error(path, rule.Name == "confidence" ? "confidence-range" : "range",
                        rule.Max == long.MaxValue ? $"{rule.Name} is an integer of at least {rule.Min}." : $"{rule.Name} is a whole number from {rule.Min} to {rule.Max}.");
                }

                return;
            case Shape.Number:
                if (v.ValueKind != JsonValueKind.Number)
                {
                    TypeError(rule, path, c);
                }

                return;
            case Shape.Boolean:
                if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    TypeError(rule, path, c);
                }

                return;
            case Shape.Timestamp:
                if (v.ValueKind != JsonValueKind.String || !Timestamps.TryParse(Chars(v, buffer), out _))
                {
                    c.Error(path, "timestamp-format", $"{rule.Name} is an RFC 3339 timestamp in UTC with a 'Z', e.g. 2024-05-01T08:30:00.000Z (§2.13).");
                }
                else if (rule.Name is "created" or "modified" && Timestamps.Precision(Chars(v, buffer)) < 3)
                {
                    c.Error(path, "timestamp-precision", $"{rule.Name} must be precise to the millisecond at least (§3.2).");
                }

                return;
            case Shape.Identifier:
                CheckReference(v, rule.References, path, c);
                return;
            case Shape.Hex:
                if (v.ValueKind != JsonValueKind.String || !StixFormats.IsHex(Chars(v, buffer)))
                {
                    c.Error(path, "hex-format", $"{rule.Name} is hexadecimal digits in pairs (§2.8).");
                }

                return;
            case Shape.Binary:
                if (v.ValueKind != JsonValueKind.String || !IsBase64(v))
                {
                    c.Error(path, "binary-format", $"{rule.Name} is base64 as RFC 4648 §4 defines it (§2.2).");
                }

                return;
            case Shape.Dictionary:
                if (v.ValueKind != JsonValueKind.Object)
                {
                    TypeError(rule, path, c);
                    return;
                }

                foreach (var entry in v.EnumerateObject())
                {
                    CheckDictionaryKey(NameChars(entry, buffer), path, c);
                }

                return;
            case Shape.Hashes:
                CheckHashes(v, path, closed: path.Contains("external_references", StringComparison.Ordinal), c);
                return;
            case Shape.Object:
                if (v.ValueKind != JsonValueKind.Object)
                {
                    TypeError(rule, path, c);
                    return;
                }

                ValidateEmbedded(v, StixSchema.Embedded(rule.Embedded!), path, c);
                return;
            case Shape.List:
                if (v.ValueKind != JsonValueKind.Array)
                {
                    TypeError(rule, path, c);
                    return;
                }

                if (v.GetArrayLength() == 0)
                {
                    c.Error(path, "empty-list", "A list property, when present, is not empty (§2.10).");
                    return;
                }

                var i = 0;
                foreach (var item in v.EnumerateArray())
                {
                    CheckListItem(rule.Item!, item, path, i, c);
                    i++;
                }

                return;
            case Shape.Extensions:
                CheckExtensions(v, path, c);
                return;
        }
    }

    /// <summary>Items of simple lists are checked without building their path unless they are wrong.</summary>
    private static void CheckListItem(PropertyRule item, JsonElement v, string path, int index, Context c)
    {
        switch (item.Shape)
        {
            case Shape.String when v.ValueKind == JsonValueKind.String && item.Format == ValueFormat.None && item.Closed is null && item.Open is null:
                return;
            case Shape.Identifier when v.ValueKind == JsonValueKind.String && IsFineReference(v, item.References, c):
                return;
            default:
                CheckValue(item, v, Item(path, index), c);
                return;
        }
    }

    private static bool IsFineReference(JsonElement v, string[]? targets, Context c)
    {
        var buffer = c.Values.AsSpan();
        var id = Chars(v, buffer);
        return StixIdentifier.TryParse(id, out var type, out _) && (targets is null || Allows(targets, type));
    }

    private static void CheckVocabulary(PropertyRule rule, ReadOnlySpan<char> value, string path, Context c)
    {
        if (rule.Closed is { } closed && !Contains(closed, value))
        {
            c.Error(path, "closed-vocabulary", $"'{value}' is not one of: {string.Join(", ", closed)}.");
        }
        else if (rule.Open is { } open && !Contains(open, value))
        {
            c.Warning(path, "open-vocabulary", $"'{value}' is not in the suggested vocabulary for {rule.Name}.");
        }
    }

    private static bool Contains(string[] values, ReadOnlySpan<char> value)
    {
        foreach (var v in values)
        {
            if (value.SequenceEqual(v))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly SearchValues<byte> Base64Alphabet = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"u8);

    /// <summary>RFC 4648 §4 base64: the alphabet, '=' padding only at the end, a multiple of four, no white space. One pass.</summary>
    private static bool IsBase64(JsonElement v)
    {
        var raw = JsonMarshal.GetRawUtf8Value(v);
        var inner = raw[1..^1];
        if (IsBase64(inner))
        {
            return true;
        }

        // Only an escaped string (e.g. "\/") can still be base64 once unescaped.
        return inner.IndexOf((byte)'\\') >= 0 && IsBase64(Encoding.UTF8.GetBytes(v.GetString()!));
    }

    private static bool IsBase64(ReadOnlySpan<byte> text)
    {
        if (text.Length % 4 != 0)
        {
            return false;
        }

        var body = text.Length > 0 && text[^1] == '=' ? (text.Length > 1 && text[^2] == '=' ? text[..^2] : text[..^1]) : text;
        return body.IndexOfAnyExcept(Base64Alphabet) < 0;
    }

    private static void CheckDictionaryKey(ReadOnlySpan<char> key, string path, Context c)
    {
        if (key.Length is 0 or > 250 || !Ascii.IsValid(key))
        {
            c.Error(Join(path, key.ToString()), "dictionary-key", "Dictionary keys are 1–250 ASCII characters (§2.7).");
        }
    }

    private static void CheckHashes(JsonElement v, string path, bool closed, Context c)
    {
        if (v.ValueKind != JsonValueKind.Object)
        {
            c.Error(path, "property-type", "hashes must be a JSON object of algorithm names to hash values (§2.6).");
            return;
        }

        var buffer = c.Values.AsSpan();
        var any = false;
        foreach (var entry in v.EnumerateObject())
        {
            any = true;
            var key = entry.Name;
            var at = Join(path, key);

            // §2.6: hash names are 3–250 of a–z, A–Z, 0–9, '-' and '_'.
            if (key.Length is < 3 or > 250 || key.AsSpan().ContainsAnyExcept(HashNameChars))
            {
                c.Error(at, "hash-algorithm", "A hash name is 3–250 characters of a–z, A–Z, 0–9, '-' and '_' (§2.6).");
            }
            if (entry.Value.ValueKind != JsonValueKind.String)
            {
                c.Error(at, "property-type", "A hash value is a string (§2.6).");
                continue;
            }

            if (StixFormats.HashAlgorithms.Contains(key))
            {
                if (StixFormats.CheckHash(key, Chars(entry.Value, buffer)) is var (rule, message))
                {
                    c.Error(at, rule, message);
                }
            }
            else if (closed)
            {
                c.Error(at, "hash-algorithm", $"Hashes of an external reference use names from hashing-algorithm-ov ({string.Join(", ", StixFormats.HashAlgorithms)}) (§2.5).");
            }
            else if (StixFormats.HashAlgorithms.FirstOrDefault(a => Normal(a) == Normal(key)) is { } known)
            {
                c.Warning(at, "hash-algorithm", $"Write '{known}' as hashing-algorithm-ov spells it, not '{key}' (§10.5).");
            }
            else if (!key.StartsWith("x_", StringComparison.Ordinal))
            {
                c.Warning(at, "hash-algorithm", $"'{key}' is not in hashing-algorithm-ov; a custom hash name should start with x_ (§2.6, §10.5).");
            }
        }

        if (!any)
        {
            c.Error(path, "empty-dictionary", "hashes, when present, has at least one hash (§2.6).");
        }
    }

    private static readonly SearchValues<char> HashNameChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_");

    private static string Normal(string algorithm) => algorithm.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal).ToUpperInvariant();

    private static void ValidateEmbedded(JsonElement o, ObjectRules rules, string path, Context c)
    {
        // Embedded rules capture nothing (their slots are −1): no captured values to zero.
        WalkProperties(o, rules, path, c, ref Unsafe.NullRef<Captured>(), topLevel: false);
        foreach (var property in rules.Required)
        {
            if (!o.TryGetProperty(property, out _))
            {
                c.Error(Join(path, property), "required-property", $"{property} is required in a {rules.Name} (§{SectionOf(rules.Name)}).");
            }
        }

        switch (rules.Name)
        {
            case "external-reference":
                CheckExternalReference(o, path, c);
                break;
            case "granular-marking":
                var hasRef = o.TryGetProperty("marking_ref", out _);
                var hasLang = o.TryGetProperty("lang", out _);
                if (hasRef == hasLang)
                {
                    c.Error(path, "granular-marking", "A granular marking has exactly one of marking_ref and lang (§7.2.3).");
                }

                break;
            case "kill-chain-phase":
                foreach (var property in new[] { "kill_chain_name", "phase_name" })
                {
                    if (o.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String && !IsLowerHyphenated(value.GetString()!))
                    {
                        c.Warning(Join(path, property), "kill-chain-format", $"{property} should be lower case words joined by '-' (§2.8).");
                    }
                }

                break;
        }
    }

    private static string SectionOf(string embedded) => embedded switch
    {
        "external-reference" => "2.5",
        "kill-chain-phase" => "2.8",
        "granular-marking" => "7.2.3",
        _ => "6",
    };

    private static bool IsLowerHyphenated(string s) => s.Length > 0 && !s.AsSpan().ContainsAnyExcept(TypeNameChars) && !s.StartsWith('-') && !s.EndsWith('-');

    private static void CheckExternalReference(JsonElement o, string path, Context c)
    {
        // §2.5: besides source_name, at least one of description, url, external_id.
        if (!o.TryGetProperty("description", out _) && !o.TryGetProperty("url", out _) && !o.TryGetProperty("external_id", out _))
        {
            c.Error(path, "external-reference-content", "An external reference has description, url or external_id besides source_name (§2.5).");
        }

        if (o.TryGetProperty("source_name", out var source) && source.ValueKind == JsonValueKind.String)
        {
            var id = o.TryGetProperty("external_id", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            if (source.ValueEquals("cve"u8) && (id is null || !StixFormats.CveId().IsMatch(id)))
            {
                c.Error(Join(path, "external_id"), "external-reference-cve", "A cve external reference has external_id CVE-YYYY-NNNN (four or more digits) (§2.5.1).");
            }
            else if (source.ValueEquals("capec"u8) && (id is null || !StixFormats.CapecId().IsMatch(id)))
            {
                c.Error(Join(path, "external_id"), "external-reference-capec", "A capec external reference has external_id CAPEC-N (§2.5.1).");
            }
        }
    }

    private static void CheckExtensions(JsonElement v, string path, Context c)
    {
        if (v.ValueKind != JsonValueKind.Object)
        {
            c.Error(path, "property-type", "extensions must be a JSON object keyed by extension name (§3.2).");
            return;
        }

        foreach (var extension in v.EnumerateObject())
        {
            var key = extension.Name;
            var at = Join(path, key);
            if (extension.Value.ValueKind != JsonValueKind.Object)
            {
                c.Error(at, "property-type", "An extension's value is a JSON object (§3.2).");
                continue;
            }

            if (StixSchema.PredefinedExtensions.TryGetValue(key, out var owner))
            {
                if (c.ObjectType != owner)
                {
                    c.Error(at, "extension-name", $"{key} is a predefined extension of {owner} objects only (§6).");
                }

                ValidateEmbedded(extension.Value, StixSchema.Embedded(key), at, c);
            }
            else if (key.StartsWith("extension-definition--", StringComparison.Ordinal))
            {
                if (!StixIdentifier.TryParse(key, out _, out _))
                {
                    c.Error(at, "extension-name", "An extension-definition key is 'extension-definition--' and a UUID (§7.3).");
                }

                CheckExtensionDefinitionInstance(extension.Value, at, c);
            }
            else if (!(key.StartsWith("x-", StringComparison.Ordinal) && IsValidTypeName(key)))
            {
                c.Error(at, "extension-name", "An extension key is a predefined extension name, 'extension-definition--<UUID>', or a custom 'x-…' name (§3.2, §7.3, §11.2).");
            }
        }
    }

    private static void CheckExtensionDefinitionInstance(JsonElement value, string path, Context c)
    {
        var buffer = c.Names.AsSpan();
        foreach (var property in value.EnumerateObject())
        {
            var name = NameChars(property, buffer);
            if (!IsValidPropertyName(name))
            {
                c.Error(Join(path, name.ToString()), "property-name", "Property names are 3–250 characters of a–z, A–Z, 0–9 and '_', starting with a letter (§3.1).");
            }

            if (name.SequenceEqual("extension_type") && (property.Value.ValueKind != JsonValueKind.String
                || !Contains(ExtensionTypes, Chars(property.Value, buffer))))
            {
                c.Error(Join(path, "extension_type"), "extension-type", $"extension_type is one of: {string.Join(", ", ExtensionTypes)} (§7.3).");
            }
        }
    }

    private static readonly string[] ExtensionTypes = ["new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension"];

    private static void CheckReference(JsonElement v, string[]? targets, string path, Context c)
    {
        var buffer = c.Values.AsSpan();
        if (v.ValueKind != JsonValueKind.String || !StixIdentifier.TryParse(Chars(v, buffer), out var targetType, out _))
        {
            c.Error(path, "reference-format", "A reference is an identifier 'type--UUID' (§2.9).");
            return;
        }

        if (targets is not null && !Allows(targets, targetType))
        {
            c.Error(path, "reference-type", $"{path} must point at {string.Join(" or ", targets.Select(Describe))}, not a {targetType}.");
        }
    }

    private static bool Allows(string[] targets, string type)
    {
        foreach (var target in targets)
        {
            if (Allows(target, type))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsCustomType(string type) => StixTypes.Find(type) is null && type != "bundle";

    private static bool Allows(string target, string type) => target switch
    {
        StixTypes.Any => true,
        // Custom object types may be domain objects (or observables, or relationships) too.
        StixTypes.AnySdo => StixTypes.IsSdo(type) || IsCustomType(type),
        StixTypes.AnySdoOrSco => StixTypes.IsSdo(type) || StixTypes.IsSco(type) || IsCustomType(type),
        StixTypes.AnyScoOrSro => StixTypes.IsSco(type) || StixTypes.IsSro(type) || IsCustomType(type),
        _ => target == type,
    };

    private static string Describe(string target) => target switch
    {
        StixTypes.Any => "any object",
        StixTypes.AnySdo => "a domain object",
        StixTypes.AnySdoOrSco => "a domain or observable object",
        StixTypes.AnyScoOrSro => "an observable or relationship object",
        _ => "a " + target,
    };

    private static void CheckIdentifier(JsonElement idElement, string type, StixKind kind, JsonElement o, Context c)
    {
        if (idElement.ValueKind == JsonValueKind.Undefined)
        {
            c.Error("id", "required-property", "Every STIX object has an id (§3.2).");
            return;
        }

        if (idElement.ValueKind != JsonValueKind.String)
        {
            c.Error("id", "id-format", "An identifier is a string 'type--UUID' (§2.9).");
            return;
        }

        var id = idElement.GetString()!;
        if (!StixIdentifier.TryParse(id, out var idType, out _))
        {
            c.Error("id", "id-format", "An identifier is 'type--UUID' with an RFC 4122 UUID (§2.9).");
            return;
        }

        if (idType != type)
        {
            c.Error("id", "id-format", $"The identifier's type part '{idType}' differs from the object's type '{type}' (§2.9).");
            return;
        }

        var version = id[^22];
        if (id.AsSpan(id.Length - 36).ContainsAnyInRange('A', 'F'))
        {
            c.Warning("id", "id-lower-case", "UUIDs should be written in lower case (§2.9).");
        }

        if (kind != StixKind.CyberObservable)
        {
            return;
        }

        var info = StixTypes.Find(type);
        var hasContributing = false;
        foreach (var property in info?.IdContributing ?? [])
        {
            hasContributing |= o.TryGetProperty(property, out _);
        }

        if (!hasContributing)
        {
            if (version != '4')
            {
                c.Error("id", "sco-uuid-v4", $"A {type} without ID-contributing properties uses a UUIDv4 (§2.9).");
            }

            return;
        }

        // The deterministic id is a SHOULD (a warning); over a large payload_bin it would cost a SHA-1 of the
        // whole payload, many times the cost of reading the object, so artifacts with payloads over 64 KiB skip it.
        if (type == "artifact" && o.TryGetProperty("payload_bin", out var payload) && payload.ValueKind == JsonValueKind.String
            && JsonMarshal.GetRawUtf8Value(payload).Length > LargePayload)
        {
            return;
        }

        if (ScoIds.Compute(o, type, info!.IdContributing) is { } expected && expected != id)
        {
            c.Warning("id", "sco-deterministic-id", $"Observables should use the deterministic identifier {expected} (§2.9).");
        }
    }

    private static bool TryTime(JsonElement e, out DateTimeOffset value)
    {
        Span<char> buffer = stackalloc char[64];
        value = default;
        return e.ValueKind == JsonValueKind.String && Timestamps.TryParse(Chars(e, buffer), out value);
    }

    /// <summary>Both present and valid, and <paramref name="later"/> is before <paramref name="earlier"/> (or equal, when <paramref name="strict"/>).</summary>
    private static bool OutOfOrder(ref Captured captured, int earlier, int later, bool strict) =>
        TryTime(Get(ref captured, earlier), out var a) && TryTime(Get(ref captured, later), out var b) && (strict ? b <= a : b < a);

    private static void CheckTypeRules(JsonElement o, string type, ref Captured captured, Context c)
    {
        switch (type)
        {
            case "campaign" or "intrusion-set" or "threat-actor" or "infrastructure" or "malware" or "sighting":
                if (OutOfOrder(ref captured, Slot.FirstSeen, Slot.LastSeen, strict: false))
                {
                    c.Error("last_seen", "last-seen-before-first-seen", "last_seen must be later than or equal to first_seen (§4, §5.2).");
                }

                break;
        }

        switch (type)
        {
            case "indicator":
                if (OutOfOrder(ref captured, Slot.ValidFrom, Slot.ValidUntil, strict: true))
                {
                    c.Error("valid_until", "valid-until-after-valid-from", "valid_until must be later than valid_from (§4.7).");
                }

                if (Get(ref captured, Slot.PatternType).ValueKind == JsonValueKind.String && Get(ref captured, Slot.PatternType).ValueEquals("stix"u8)
                    && Get(ref captured, Slot.Pattern) is { ValueKind: JsonValueKind.String } pattern)
                {
                    try
                    {
                        PatternParser.Parse(pattern.GetString()!);
                    }
                    catch (StandardsException e)
                    {
                        c.Error("pattern", "pattern-syntax", e.Message);
                    }
                }

                break;
            case "malware":
                if (Get(ref captured, Slot.IsFamily).ValueKind == JsonValueKind.True && !Has(ref captured, Slot.Name))
                {
                    c.Error("name", "required-property", "A malware family has a name (§4.11).");
                }

                break;
            case "malware-analysis":
                if (!Has(ref captured, Slot.Result) && !o.TryGetProperty("analysis_sco_refs", out _))
                {
                    c.Error("result", "malware-analysis-result", "A malware-analysis has result or analysis_sco_refs (§4.12).");
                }

                if (OutOfOrder(ref captured, Slot.AnalysisStarted, Slot.AnalysisEnded, strict: false))
                {
                    c.Error("analysis_ended", "analysis-ended-before-started", "analysis_ended must not be earlier than analysis_started (§4.12).");
                }

                break;
            case "location":
                var hasLatitude = Has(ref captured, Slot.Latitude);
                if (!Has(ref captured, Slot.Region) && !Has(ref captured, Slot.Country) && !hasLatitude)
                {
                    c.Error("", "location-required", "A location has region, country, or latitude and longitude (§4.10).");
                }

                if (hasLatitude != Has(ref captured, Slot.Longitude))
                {
                    c.Error("longitude", "location-required", "latitude and longitude come together (§4.10).");
                }

                if (o.TryGetProperty("precision", out _) && !hasLatitude)
                {
                    c.Error("precision", "location-required", "precision is given only with latitude and longitude (§4.10).");
                }

                CheckRange(Get(ref captured, Slot.Latitude), "latitude", -90, 90, c);
                CheckRange(Get(ref captured, Slot.Longitude), "longitude", -180, 180, c);
                break;
            case "observed-data":
                if (Has(ref captured, Slot.Objects) == Has(ref captured, Slot.ObjectRefs))
                {
                    c.Error("object_refs", "observed-data-objects", "observed-data has exactly one of object_refs and (deprecated) objects (§4.14).");
                }
                else if (Has(ref captured, Slot.Objects))
                {
                    c.Warning("objects", "deprecated-property", "objects is deprecated in STIX 2.1; use object_refs (§4.14).");
                }

                CheckObservableContainer(Get(ref captured, Slot.Objects), c);
                if (OutOfOrder(ref captured, Slot.FirstObserved, Slot.LastObserved, strict: false))
                {
                    c.Error("last_observed", "last-observed-before-first", "last_observed must be later than or equal to first_observed (§4.14).");
                }

                break;
            case "relationship":
                if (Get(ref captured, Slot.RelationshipType) is { ValueKind: JsonValueKind.String } relationshipType && !IsLowerHyphenated(relationshipType.GetString()!))
                {
                    c.Error("relationship_type", "relationship-type-format", "relationship_type is ASCII a–z, 0–9 and '-' (§5.1).");
                }

                if (OutOfOrder(ref captured, Slot.StartTime, Slot.StopTime, strict: true))
                {
                    c.Error("stop_time", "stop-time-after-start-time", "stop_time must be later than start_time (§5.1).");
                }

                break;
            case "file":
                if (!Has(ref captured, Slot.Hashes) && !Has(ref captured, Slot.Name))
                {
                    c.Error("", "file-hashes-or-name", "A file has hashes or name (§6.7).");
                }

                break;
            case "artifact":
                var hasPayload = Has(ref captured, Slot.PayloadBin);
                var hasUrl = Has(ref captured, Slot.Url);
                if (hasPayload == hasUrl)
                {
                    c.Error(hasUrl ? "url" : "payload_bin", "artifact-payload-or-url", "An artifact has exactly one of payload_bin and url (§6.1).");
                }

                if (hasUrl && !Has(ref captured, Slot.Hashes))
                {
                    c.Error("hashes", "required-property", "An artifact given by url has hashes (§6.1).");
                }

                if (Has(ref captured, Slot.DecryptionKey) && !Has(ref captured, Slot.EncryptionAlgorithm))
                {
                    c.Error("decryption_key", "artifact-decryption-key", "decryption_key is given only with encryption_algorithm (§6.1).");
                }

                break;
            case "network-traffic":
                if (!Has(ref captured, Slot.SrcRef) && !Has(ref captured, Slot.DstRef))
                {
                    c.Error("", "network-traffic-endpoint", "network-traffic has src_ref or dst_ref (§6.12).");
                }

                if (Get(ref captured, Slot.IsActive).ValueKind == JsonValueKind.True && Has(ref captured, Slot.End))
                {
                    c.Error("end", "network-traffic-active-end", "An active network-traffic (is_active true) has no end (§6.12).");
                }

                if (OutOfOrder(ref captured, Slot.Start, Slot.End, strict: false))
                {
                    c.Error("end", "network-traffic-end-before-start", "end must not be earlier than start (§6.12).");
                }

                break;
            case "email-message":
                var multipart = Get(ref captured, Slot.IsMultipart);
                if (multipart.ValueKind == JsonValueKind.True && Has(ref captured, Slot.Body))
                {
                    c.Error("body", "email-body-multipart", "A multipart email carries body_multipart, not body (§6.6).");
                }
                else if (multipart.ValueKind != JsonValueKind.True && Has(ref captured, Slot.BodyMultipart))
                {
                    c.Error("body_multipart", "email-body-multipart", "body_multipart is used only when is_multipart is true (§6.6).");
                }

                break;
            case "marking-definition":
                CheckMarkingDefinition(o, ref captured, c);
                break;
        }

        if (type == "x509-certificate" && OutOfOrder(ref captured, Slot.ValidityNotBefore, Slot.ValidityNotAfter, strict: false))
        {
            c.Error("validity_not_after", "validity-order", "validity_not_after must not be earlier than validity_not_before (§6.17).");
        }

        CheckSelectors(o, ref captured, c);
    }

    /// <summary>The deprecated observed-data objects (§4.14): a dictionary of observables, each checked against its type's table.</summary>
    private static void CheckObservableContainer(JsonElement objects, Context c)
    {
        if (objects.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var entry in objects.EnumerateObject())
        {
            var path = "objects." + entry.Name;
            if (entry.Value.ValueKind != JsonValueKind.Object || !entry.Value.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            {
                c.Error(path, "observed-data-objects", "Each entry of objects is an observable object with a type (§4.14).");
                continue;
            }

            var typeName = type.GetString()!;
            if (!IsValidTypeName(typeName))
            {
                c.Error(path + ".type", "type-format", "A type is 3–250 characters of a–z, 0–9 and '-', starting with a letter, no '--' (§3.1).");
            }

            var info = StixTypes.Find(typeName);
            if (info is not null && info.Kind != StixKind.CyberObservable)
            {
                c.Error(path + ".type", "observed-data-objects", "objects holds cyber-observable objects only (§4.14).");
                continue;
            }

            var rules = StixSchema.ForType(typeName) ?? StixSchema.CustomObservable;
            var inner = default(Captured);
            var objectType = c.ObjectType;
            c.ObjectType = typeName;
            WalkProperties(entry.Value, rules, path, c, ref inner, topLevel: true);
            c.ObjectType = objectType;
            foreach (var required in rules.Required)
            {
                if (!entry.Value.TryGetProperty(required, out _))
                {
                    c.Error(path + "." + required, "required-property", $"{required} is required on a {typeName}.");
                }
            }
        }
    }

    private static void CheckMarkingDefinition(JsonElement o, ref Captured captured, Context c)
    {
        if (!Has(ref captured, Slot.Extensions) && (!Has(ref captured, Slot.DefinitionType) || !Has(ref captured, Slot.Definition)))
        {
            c.Error("definition", "required-property", "A marking-definition has definition_type and definition, or an extension (§7.2.1).");
        }

        var id = Get(ref captured, Slot.Id);
        if (id.ValueKind == JsonValueKind.String)
        {
            // §7.2: a marking definition does not mark itself.
            if (Get(ref captured, Slot.ObjectMarkingRefs) is { ValueKind: JsonValueKind.Array } refs)
            {
                var i = 0;
                foreach (var r in refs.EnumerateArray())
                {
                    if (r.ValueKind == JsonValueKind.String && r.ValueEquals(id.GetString()))
                    {
                        c.Error(Item("object_marking_refs", i), "marking-self-reference", "A marking-definition must not reference itself (§7.2).");
                    }

                    i++;
                }
            }

            if (Get(ref captured, Slot.GranularMarkings) is { ValueKind: JsonValueKind.Array } granular)
            {
                var i = 0;
                foreach (var g in granular.EnumerateArray())
                {
                    if (g.ValueKind == JsonValueKind.Object && g.TryGetProperty("marking_ref", out var r) && r.ValueKind == JsonValueKind.String && r.ValueEquals(id.GetString()))
                    {
                        c.Error(Item("granular_markings", i) + ".marking_ref", "marking-self-reference", "A marking-definition must not reference itself (§7.2).");
                    }

                    i++;
                }
            }
        }

        var definitionType = Get(ref captured, Slot.DefinitionType);
        var definition = Get(ref captured, Slot.Definition);
        if (definitionType.ValueKind == JsonValueKind.String && definition.ValueKind == JsonValueKind.Object)
        {
            if (definitionType.ValueEquals("statement"u8) && !(definition.TryGetProperty("statement", out var statement) && statement.ValueKind == JsonValueKind.String))
            {
                c.Error("definition.statement", "marking-statement", "A statement marking has a statement string (§7.2.1.3).");
            }
        }

        StixMarkings.Check(o, id, definitionType, c.Error);
    }

    private static void CheckSelectors(JsonElement o, ref Captured captured, Context c)
    {
        if (Get(ref captured, Slot.GranularMarkings) is not { ValueKind: JsonValueKind.Array } markings)
        {
            return;
        }

        var i = 0;
        foreach (var marking in markings.EnumerateArray())
        {
            if (marking.ValueKind == JsonValueKind.Object && marking.TryGetProperty("selectors", out var selectors) && selectors.ValueKind == JsonValueKind.Array)
            {
                var s = 0;
                foreach (var selector in selectors.EnumerateArray())
                {
                    if (selector.ValueKind != JsonValueKind.String || !SelectorResolves(o, selector.GetString()!))
                    {
                        c.Error($"granular_markings[{i}].selectors[{s}]", "granular-marking-selector", "The selector does not resolve to a property of this object (§7.2.3.1).");
                    }

                    s++;
                }
            }

            i++;
        }
    }

    /// <summary>A selector such as <c>description</c>, <c>kill_chain_phases.[0].phase_name</c> names an existing property.</summary>
    internal static bool SelectorResolves(JsonElement o, string selector)
    {
        var current = o;
        foreach (var part in selector.Split('.'))
        {
            if (part.StartsWith('[') && part.EndsWith(']') && int.TryParse(part[1..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index))
            {
                if (current.ValueKind != JsonValueKind.Array || index >= current.GetArrayLength())
                {
                    return false;
                }

                current = current[index];
            }
            else if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(part, out var child))
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

    private static void CheckRange(JsonElement v, string property, double min, double max, Context c)
    {
        if (v.ValueKind == JsonValueKind.Number && (!v.TryGetDouble(out var d) || double.IsNaN(d) || d < min || d > max))
        {
            c.Error(property, "range", $"{property} is a number from {min} to {max}.");
        }
    }
}

/// <summary>STIX identifiers: <c>type--UUID</c>.</summary>
public static class StixIdentifier
{
    private static readonly SearchValues<char> TypeChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    public static bool TryParse(string? id, out string type, out Guid uuid)
    {
        type = "";
        uuid = Guid.Empty;
        return id is not null && TryParse(id.AsSpan(), out type, out uuid);
    }

    internal static bool TryParse(ReadOnlySpan<char> id, out string type, out Guid uuid)
    {
        type = "";
        uuid = Guid.Empty;

        // As the OASIS schema: an RFC 4122 UUID of version 1–5 (hex digits of either case).
        var separator = id.LastIndexOf("--", StringComparison.Ordinal);
        if (separator < 3 || id.Length - separator - 2 != 36 || !Guid.TryParseExact(id[(separator + 2)..], "D", out uuid)
            || id[separator + 16] is < '1' or > '5' || id[separator + 21] is not ('8' or '9' or 'a' or 'b' or 'A' or 'B'))
        {
            return false;
        }

        var typePart = id[..separator];
        if (!char.IsAsciiLetterLower(typePart[0]) || typePart[^1] == '-' || typePart.ContainsAnyExcept(TypeChars))
        {
            return false;
        }

        type = StixTypes.Find(typePart)?.Type ?? typePart.ToString();
        return true;
    }
}
