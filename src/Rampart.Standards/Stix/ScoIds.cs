using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rampart.Standards.Stix;

/// <summary>
/// Deterministic identifiers for cyber-observable objects (STIX 2.1 §2.9): a UUIDv5 in the STIX namespace
/// over the canonical JSON (RFC 8785) of the type's ID-contributing properties, so the same observable
/// seen by two teams gets the same id.
/// </summary>
public static class ScoIds
{
    private static readonly Guid Namespace = new("00abedb4-aa42-466c-9c01-fed23315a9b7");
    private static readonly string[] HashPreference = ["MD5", "SHA-1", "SHA-256", "SHA-512"];

    /// <summary>The deterministic id, or null when the type has none (process) or none of its contributing properties is present.</summary>
    public static string? Compute(JsonObject sco)
    {
        ArgumentNullException.ThrowIfNull(sco);
        var type = sco.TryGetPropertyValue("type", out var t) && t is JsonValue tv && tv.TryGetValue<string>(out var s) ? s : null;
        if (type is null || StixTypes.Find(type) is not { Kind: StixKind.CyberObservable } info || info.IdContributing.Count == 0)
        {
            return null;
        }

        var contributing = new JsonObject();
        foreach (var property in info.IdContributing)
        {
            if (sco.TryGetPropertyValue(property, out var value) && value is not null)
            {
                contributing[property] = property == "hashes" && value is JsonObject hashes ? OneHash(hashes) : value.DeepClone();
            }
        }

        if (contributing.Count == 0)
        {
            return null;
        }

        var name = Canonical(contributing);
        return $"{type}--{UuidV5(Namespace, Encoding.UTF8.GetBytes(name))}";
    }

    /// <summary>
    /// The deterministic id of a parsed observable, hashing the canonical UTF-8 as it is written: a large
    /// <c>payload_bin</c> is hashed from the parsed bytes, never copied into strings.
    /// </summary>
    internal static string? Compute(JsonElement sco, string type, IReadOnlyList<string> idContributing)
    {
        var present = new List<(string Name, JsonElement Value)>();
        foreach (var property in idContributing)
        {
            if (sco.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                present.Add((property, value));
            }
        }

        if (present.Count == 0)
        {
            return null;
        }

        present.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        hash.AppendData(Namespace.ToByteArray(bigEndian: true));
        var sink = new HashSink(hash);
        sink.Append("{"u8);
        for (var i = 0; i < present.Count; i++)
        {
            if (i > 0)
            {
                sink.Append(","u8);
            }

            sink.String(present[i].Name);
            sink.Append(":"u8);
            if (present[i].Name == "hashes" && present[i].Value.ValueKind == JsonValueKind.Object)
            {
                sink.OneHash(present[i].Value);
            }
            else
            {
                sink.Value(present[i].Value);
            }
        }

        sink.Append("}"u8);
        var bytes = hash.GetHashAndReset()[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return $"{type}--{new Guid(bytes, bigEndian: true)}";
    }

    /// <summary>Writes RFC 8785 canonical JSON of parsed values straight into a hash.</summary>
    private readonly struct HashSink(IncrementalHash hash)
    {
        public void Append(ReadOnlySpan<byte> utf8) => hash.AppendData(utf8);

        public void String(string s)
        {
            var sb = new StringBuilder();
            WriteString(sb, s);
            hash.AppendData(Encoding.UTF8.GetBytes(sb.ToString()));
        }

        public void OneHash(JsonElement hashes)
        {
            foreach (var algorithm in HashPreference)
            {
                if (hashes.TryGetProperty(algorithm, out var value))
                {
                    Append("{"u8);
                    String(algorithm);
                    Append(":"u8);
                    Value(value);
                    Append("}"u8);
                    return;
                }
            }

            Append("{"u8);
            if (hashes.EnumerateObject().Any())
            {
                var first = hashes.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal).First();
                String(first.Name);
                Append(":"u8);
                Value(first.Value);
            }

            Append("}"u8);
        }

        public void Value(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.String:
                    var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(e);
                    if (raw.IndexOf((byte)'\\') < 0)
                    {
                        // Unescaped JSON string text is already canonical: no control characters, quotes or backslashes.
                        Append(raw);
                    }
                    else
                    {
                        String(e.GetString()!);
                    }

                    break;
                case JsonValueKind.Object:
                    Append("{"u8);
                    var first = true;
                    foreach (var p in e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                    {
                        if (!first)
                        {
                            Append(","u8);
                        }

                        first = false;
                        String(p.Name);
                        Append(":"u8);
                        Value(p.Value);
                    }

                    Append("}"u8);
                    break;
                case JsonValueKind.Array:
                    Append("["u8);
                    var i = 0;
                    foreach (var item in e.EnumerateArray())
                    {
                        if (i++ > 0)
                        {
                            Append(","u8);
                        }

                        Value(item);
                    }

                    Append("]"u8);
                    break;
                default:
                    hash.AppendData(Encoding.UTF8.GetBytes(Canonical(JsonValue.Create(e))));
                    break;
            }
        }
    }

    /// <summary>Sets <c>id</c> to the deterministic id (when one can be computed) and returns it.</summary>
    public static string? Assign(JsonObject sco)
    {
        ArgumentNullException.ThrowIfNull(sco);
        var id = Compute(sco);
        if (id is not null)
        {
            sco["id"] = id;
        }

        return id;
    }

    private static JsonObject OneHash(JsonObject hashes)
    {
        foreach (var algorithm in HashPreference)
        {
            if (hashes.TryGetPropertyValue(algorithm, out var value))
            {
                return new JsonObject { [algorithm] = value?.DeepClone() };
            }
        }

        var first = hashes.OrderBy(h => h.Key, StringComparer.Ordinal).FirstOrDefault();
        return first.Key is null ? [] : new JsonObject { [first.Key] = first.Value?.DeepClone() };
    }

    /// <summary>RFC 8785 JSON Canonicalization: keys sorted by UTF-16 code units, no whitespace, ECMAScript numbers.</summary>
    public static string Canonical(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }

                    first = false;
                    WriteString(sb, key);
                    sb.Append(':');
                    Write(sb, value);
                }

                sb.Append('}');
                break;
            case JsonArray array:
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }

                    Write(sb, array[i]);
                }

                sb.Append(']');
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String:
                        WriteString(sb, value.GetValue<string>());
                        break;
                    case JsonValueKind.Number:
                        var d = JsonNumbers.GetDouble(value);
                        sb.Append(d == Math.Floor(d) && Math.Abs(d) < 1e21
                            ? d.ToString("0", CultureInfo.InvariantCulture)
                            : d.ToString("R", CultureInfo.InvariantCulture).Replace("E+", "e+", StringComparison.Ordinal).Replace("E-", "e-", StringComparison.Ordinal));
                        break;
                    case JsonValueKind.True:
                        sb.Append("true");
                        break;
                    case JsonValueKind.False:
                        sb.Append("false");
                        break;
                    default:
                        sb.Append("null");
                        break;
                }

                break;
        }
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"':
                    sb.Append("\\\"");
                    break;
                case '\\':
                    sb.Append("\\\\");
                    break;
                case '\b':
                    sb.Append("\\b");
                    break;
                case '\f':
                    sb.Append("\\f");
                    break;
                case '\n':
                    sb.Append("\\n");
                    break;
                case '\r':
                    sb.Append("\\r");
                    break;
                case '\t':
                    sb.Append("\\t");
                    break;
                case < ' ':
                    sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        sb.Append('"');
    }

    internal static Guid UuidV5(Guid ns, byte[] name)
    {
        var nsBytes = ns.ToByteArray(bigEndian: true);
        var input = new byte[nsBytes.Length + name.Length];
        nsBytes.CopyTo(input, 0);
        name.CopyTo(input, nsBytes.Length);
#pragma warning disable CA5350 // UUIDv5 is defined over SHA-1 (RFC 4122 §4.3); it names, it does not protect.
        var hash = SHA1.HashData(input);
#pragma warning restore CA5350
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
