using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rampart.Standards.Stix;

/// <summary>
/// A STIX 2.1 object of any type, held as its JSON so that every property — custom properties and
/// extensions included — survives reading and writing unchanged. Typed accessors cover the common
/// properties; <see cref="StixValidator"/> checks the rest.
/// </summary>
/// <remarks>
/// A parsed object keeps the read-only <see cref="JsonElement"/> of its text; the mutable <see cref="Json"/>
/// tree is built only when a caller asks for it (ADR 0007), and from then on the tree is the object.
/// Parsing rejects what cannot be read or written back: duplicate member names, lone surrogate escapes,
/// nesting deeper than <see cref="MaxDepth"/>.
/// </remarks>
public sealed class StixObject
{
    /// <summary>The deepest nesting accepted in one object (the bundle reader allows exactly this inside objects).</summary>
    public const int MaxDepth = 64;

    // Duplicate names are found by JsonText.FindDuplicateName, which costs a fraction of the reader's own check.
    internal static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly JsonElement element;
    private JsonObject? json;

    public StixObject(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        this.json = json;
    }

    private StixObject(JsonElement element) => this.element = element;

    /// <summary>The object as a mutable tree. Asking for it builds it (once); changes made to it are the object's changes.</summary>
    public JsonObject Json
    {
        get
        {
            // Safe when several threads ask at once: one tree wins and every caller gets that one. The element
            // stays (it is read-only); once a tree exists, it is what GetString, ToJson and validation read.
            if (json is null)
            {
                Interlocked.CompareExchange(ref json, JsonObject.Create(element)!, null);
            }

            return json;
        }
    }

    public string Type => GetString("type") ?? "";

    public string Id => GetString("id") ?? "";

    public string? SpecVersion => GetString("spec_version");

    public string? Created => GetString("created");

    public string? Modified => GetString("modified");

    public string? GetString(string property)
    {
        if (json is not null)
        {
            return json.TryGetPropertyValue(property, out var node) && node is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;
        }

        return element.TryGetProperty(property, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
    }

    /// <summary>Parses one object; anything but a JSON object is a <see cref="StandardsException"/>.</summary>
    public static StixObject Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(json);
        }
        catch (EncoderFallbackException e)
        {
            throw new StandardsException("The text holds a lone UTF-16 surrogate; it cannot be written as UTF-8.", e.Index);
        }

        return FromElement(ParseElement(bytes.AsMemory()));
    }

    public static StixObject Parse(ReadOnlySpan<byte> utf8Json) => FromElement(ParseElement(utf8Json));

    /// <summary>
    /// Parses one object without copying it: the object reads <paramref name="utf8Json"/> for as long as it
    /// lives, so the caller must not change that memory afterwards (the contract of
    /// <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/>). Meant for large objects
    /// (artifacts with payloads) whose bytes the caller already owns.
    /// </summary>
    public static StixObject Parse(ReadOnlyMemory<byte> utf8Json) => FromElement(ParseDocument(utf8Json).RootElement);

    private static StixObject FromElement(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object ? new StixObject(root) : throw new StandardsException("A STIX object is a JSON object.", path: "$");

    /// <summary>
    /// Parses with the library's rules into an element that owns exact-size copies of the text and its index:
    /// the pooled buffers of the parse go back to the pool at once (a document left undisposed would take a
    /// new buffer as large as the text for every object).
    /// </summary>
    internal static JsonElement ParseElement(ReadOnlyMemory<byte> utf8Json)
    {
        using var document = ParseDocument(utf8Json);
        return document.RootElement.Clone();
    }

    internal static JsonElement ParseElement(ReadOnlySpan<byte> utf8Json)
    {
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(1, utf8Json.Length));
        try
        {
            utf8Json.CopyTo(rented);
            return ParseElement(rented.AsMemory(0, utf8Json.Length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Parses bytes the caller will not change again; the library's JSON rules apply (see the class remarks).</summary>
    internal static JsonDocument ParseDocument(ReadOnlyMemory<byte> bytes)
    {
        // First, because reading a name or value with such an escape throws InvalidOperationException.
        if (JsonText.FindLoneSurrogateEscape(bytes.Span) is var at and >= 0)
        {
            throw new StandardsException("A string holds a lone surrogate escape (\\ud800–\\udfff without its pair); it is not text.", at);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new StandardsException($"Not JSON: {e.Message}", (int?)e.BytePositionInLine, e.Path);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new StandardsException($"Not JSON text: {e.Message}");
        }

        if (JsonText.FindDuplicateName(document.RootElement, "$") is { } duplicate)
        {
            document.Dispose();
            throw new StandardsException("A JSON object has the same member name twice; which value counts would be undefined.", path: duplicate);
        }

        return document;
    }

    /// <summary>The read-only view validation works on: the parsed element, or the tree written out and read again.</summary>
    internal JsonElement GetElement()
    {
        if (json is null)
        {
            return element;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteNode(json, writer);
        }

        return ParseElement(buffer.WrittenMemory);
    }

    internal void WriteTo(Utf8JsonWriter writer)
    {
        if (json is null)
        {
            element.WriteTo(writer);
        }
        else
        {
            WriteNode(json, writer);
        }
    }

    private static void WriteNode(JsonObject node, Utf8JsonWriter writer)
    {
        // The writer's encoder would silently replace a lone surrogate with U+FFFD: refuse instead.
        if (JsonText.FindLoneSurrogate(node) is { } path)
        {
            throw new StandardsException("A string holds a lone UTF-16 surrogate; it is not text and cannot be written as UTF-8.", path: path);
        }

        try
        {
            node.WriteTo(writer);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new StandardsException($"The object cannot be written as JSON: {e.Message}");
        }
    }

    public string ToJson()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public override string ToString() => Id;
}

/// <summary>Checks on JSON text that <see cref="JsonDocument"/> leaves to the reader of each string.</summary>
internal static class JsonText
{
    /// <summary>The byte offset of the first <c>\uD800</c>–<c>\uDFFF</c> escape that is not a high-low pair, or −1. The text must be valid JSON.</summary>
    public static int FindLoneSurrogateEscape(ReadOnlySpan<byte> utf8)
    {
        var i = 0;
        while (i < utf8.Length)
        {
            var k = utf8[i..].IndexOf((byte)'\\');
            if (k < 0)
            {
                return -1;
            }

            var at = i + k;
            if (at + 5 < utf8.Length && utf8[at + 1] == 'u' && Hex4(utf8.Slice(at + 2, 4)) is var unit and >= 0xD800 and <= 0xDFFF)
            {
                if (unit >= 0xDC00 || at + 11 >= utf8.Length || utf8[at + 6] != '\\' || utf8[at + 7] != 'u' || Hex4(utf8.Slice(at + 8, 4)) is not (>= 0xDC00 and <= 0xDFFF))
                {
                    return at;
                }

                i = at + 12;
            }
            else
            {
                // Skip the escaped character, so that "\\" followed by "ud800" is not read as an escape.
                i = at + 2;
            }
        }

        return -1;
    }

    /// <summary>The path of the first object member whose name occurs twice in its object, or null.</summary>
    public static string? FindDuplicateName(JsonElement e, string path)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                if (HasDuplicateName(e) && FirstDuplicate(e) is { } name)
                {
                    return path + "." + name;
                }

                foreach (var p in e.EnumerateObject())
                {
                    if (p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array && FindDuplicateName(p.Value, path + "." + p.Name) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in e.EnumerateArray())
                {
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array && FindDuplicateName(item, $"{path}[{index}]") is { } found)
                    {
                        return found;
                    }

                    index++;
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// Whether two members of this object may share a name: one pass hashing the raw UTF-8 names, pairwise
    /// comparison of the hashes. Escaped names, more than 32 members, or equal hashes answer "maybe".
    /// </summary>
    private static bool HasDuplicateName(JsonElement o)
    {
        Span<int> hashes = stackalloc int[32];
        var count = 0;
        foreach (var p in o.EnumerateObject())
        {
            var name = JsonMarshal.GetRawUtf8PropertyName(p);
            if (count == hashes.Length || name.IndexOf((byte)'\\') >= 0)
            {
                return true;
            }

            var hasher = default(HashCode);
            hasher.AddBytes(name);
            var hash = hasher.ToHashCode();
            for (var i = 0; i < count; i++)
            {
                if (hashes[i] == hash)
                {
                    return true;
                }
            }

            hashes[count++] = hash;
        }

        return false;
    }

    private static string? FirstDuplicate(JsonElement o)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in o.EnumerateObject())
        {
            if (!names.Add(p.Name))
            {
                return p.Name;
            }
        }

        return null;
    }

    /// <summary>The path of the first name or string in the tree holding an unpaired UTF-16 surrogate, or null.</summary>
    public static string? FindLoneSurrogate(JsonNode? node, string path = "$")
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, value) in o)
                {
                    var at = path + "." + name;
                    if (HasLoneSurrogate(name))
                    {
                        return at;
                    }

                    if (FindLoneSurrogate(value, at) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    if (FindLoneSurrogate(a[i], $"{path}[{i}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String && v.TryGetValue<string>(out var s):
                return HasLoneSurrogate(s) ? path : null;
            default:
                return null;
        }
    }

    private static bool HasLoneSurrogate(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return true;
            }
        }

        return false;
    }

    private static int Hex4(ReadOnlySpan<byte> four)
    {
        var value = 0;
        foreach (var b in four)
        {
            var digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return -1;
            }

            value = (value * 16) + digit;
        }

        return value;
    }
}
