using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Rampart.Standards.Observables;
using Rampart.Standards.Patterns;
using Rampart.Standards.Stix;

namespace Rampart.Server.Intelligence.Store;

/// <summary>One value of the observable index as it is stored: kind, canonical value, address range, reversed domain.</summary>
public sealed record IndexedValue(ObservableKind Kind, string Value, byte[]? RangeStart, byte[]? RangeEnd, string? ReversedDomain)
{
    /// <summary>The MISP attribute type warning lists know the value by.</summary>
    public string? MispType => Kind switch
    {
        ObservableKind.Ipv4 or ObservableKind.Ipv6 or ObservableKind.Ipv4Cidr or ObservableKind.Ipv6Cidr => "ip-dst",
        ObservableKind.Domain => "domain",
        ObservableKind.Url => "url",
        ObservableKind.Email => "email-dst",
        ObservableKind.Md5 => "md5",
        ObservableKind.Sha1 => "sha1",
        ObservableKind.Sha256 => "sha256",
        ObservableKind.Sha512 => "sha512",
        _ => null,
    };
}

/// <summary>
/// The values an object carries for the observable index: an SCO's own values, the values an indicator's
/// STIX pattern pins down (<see cref="PatternIndex"/>), a vulnerability's CVE. Normalised by
/// <see cref="Normalise"/>, so the same address or domain written differently is one row.
/// </summary>
public static class ObservableValues
{
    /// <summary>The values of <paramref name="stixObject"/> (distinct); empty for objects that carry none.</summary>
    public static IReadOnlyList<IndexedValue> Of(StixObject stixObject)
    {
        ArgumentNullException.ThrowIfNull(stixObject);
        var found = new List<IndexedValue>();
        var json = stixObject.Json;
        var type = stixObject.Type;
        switch (type)
        {
            case "indicator" when json["pattern_type"]?.GetValue<string>() == "stix" && json["pattern"] is JsonValue p && p.TryGetValue<string>(out var pattern):
                if (PatternParser.TryParse(pattern, out var parsed, out _) && parsed is not null)
                {
                    foreach (var term in PatternIndex.Extract(parsed))
                    {
                        Add(found, term.ObjectType, term.PropertyPath, term.Value);
                    }
                }

                break;
            case "vulnerability" when stixObject.GetString("name") is { } name && name.StartsWith("CVE-", StringComparison.OrdinalIgnoreCase):
                Add(found, "vulnerability", "name", name.ToUpperInvariant());
                break;
            default:
                foreach (var (path, value) in ScoProperties(type, json))
                {
                    Add(found, type, path, value);
                }

                break;
        }

        return found.Distinct().ToList();
    }

    /// <summary>Classifies one (object type, property path, value) as the index stores it; null when the index does not keep it.</summary>
    public static IndexedValue? Classify(string objectType, string propertyPath, string raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var value = Normalise.Value(objectType, propertyPath, raw);
        if (value.Length == 0)
        {
            return null;
        }

        IndexedValue? result = (objectType, propertyPath) switch
        {
            ("ipv4-addr" or "ipv6-addr", "value") => Address(value),
            ("domain-name", "value") => Normalise.TryDomain(value, out var d) ? new IndexedValue(ObservableKind.Domain, d, null, null, Reverse(d)) : null,
            ("url", "value") => new IndexedValue(ObservableKind.Url, value, null, null, UrlHost(value) is { } host ? Reverse(host) : null),
            ("email-addr", "value") => new IndexedValue(ObservableKind.Email, value, null, null,
                value.LastIndexOf('@') is var at and > 0 && Normalise.TryDomain(value[(at + 1)..], out var ed) ? Reverse(ed) : null),
            (_, _) when propertyPath.StartsWith("hashes.", StringComparison.Ordinal) => Hash(propertyPath["hashes.".Length..].Trim('\''), value),
            ("file", "name") => new IndexedValue(ObservableKind.FileName, value, null, null, null),
            ("mutex", "name") => new IndexedValue(ObservableKind.Mutex, value, null, null, null),
            ("autonomous-system", "number") => new IndexedValue(ObservableKind.AutonomousSystem, value, null, null, null),
            ("windows-registry-key", "key") => new IndexedValue(ObservableKind.RegistryKey, value.ToUpperInvariant(), null, null, null),
            ("mac-addr", "value") => new IndexedValue(ObservableKind.MacAddress, value.ToLowerInvariant(), null, null, null),
            ("vulnerability", "name") => new IndexedValue(ObservableKind.Vulnerability, value, null, null, null),
            _ => new IndexedValue(ObservableKind.Other, $"{objectType}:{propertyPath}={value}", null, null, null),
        };
        return result is null || result.Value.Length > IntelLimits.ObservableValueLength ? null : result;
    }

    /// <summary>An address or CIDR (IPv4 or IPv6) with its range; null when it is neither.</summary>
    public static IndexedValue? Address(string text)
    {
        if (!Cidr.TryParse(text, out var block))
        {
            return null;
        }

        var (start, end) = Range(block);
        var single = block.PrefixLength == block.Bits;
        var canonical = block.ToString();
        if (single)
        {
            canonical = canonical[..canonical.LastIndexOf('/')];
        }

        var kind = (block.IsV6, single) switch
        {
            (false, true) => ObservableKind.Ipv4,
            (true, true) => ObservableKind.Ipv6,
            (false, false) => ObservableKind.Ipv4Cidr,
            (true, false) => ObservableKind.Ipv6Cidr,
        };
        return new IndexedValue(kind, canonical, start, end, null);
    }

    /// <summary>First and last address of <paramref name="block"/> as 16-byte big-endian numbers (IPv4 inside ::ffff:0:0/96).</summary>
    public static (byte[] Start, byte[] End) Range(Cidr block)
    {
        // A shift of a UInt128 by 128 is a shift by 0 (the count is masked), so ::/0 needs its own case.
        var hostBits = block.Bits - block.PrefixLength;
        var hostMask = hostBits == 0 ? UInt128.Zero : hostBits == 128 ? UInt128.MaxValue : (UInt128.One << hostBits) - 1;
        var first = block.Network;
        var last = block.Network | hostMask;
        if (!block.IsV6)
        {
            var mapped = (UInt128)0xFFFF << 32;
            first |= mapped;
            last |= mapped;
        }

        return (Bytes(first), Bytes(last));
    }

    public static byte[] Bytes(UInt128 n)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, n);
        return bytes;
    }

    /// <summary><c>www.example.com</c> → <c>com.example.www.</c>: a domain and its subdomains share this prefix.</summary>
    public static string Reverse(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var labels = domain.Split('.');
        Array.Reverse(labels);
        var reversed = string.Join('.', labels) + ".";
        return reversed.Length > IntelLimits.ReversedDomainLength ? reversed[..IntelLimits.ReversedDomainLength] : reversed;
    }

    private static string? UrlHost(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && Normalise.TryDomain(uri.IdnHost, out var host) ? host : null;

    private static IndexedValue? Hash(string algorithm, string value)
    {
        var name = algorithm.ToUpperInvariant().Replace("-", "", StringComparison.Ordinal);
        return name switch
        {
            "MD5" when value.Length == 32 => new IndexedValue(ObservableKind.Md5, value, null, null, null),
            "SHA1" when value.Length == 40 => new IndexedValue(ObservableKind.Sha1, value, null, null, null),
            "SHA256" when value.Length == 64 => new IndexedValue(ObservableKind.Sha256, value, null, null, null),
            "SHA512" when value.Length == 128 => new IndexedValue(ObservableKind.Sha512, value, null, null, null),
            _ => new IndexedValue(ObservableKind.OtherHash, $"{name}:{value}", null, null, null),
        };
    }

    private static IEnumerable<(string Path, string Value)> ScoProperties(string type, JsonObject json)
    {
        string? S(string name) => json[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        switch (type)
        {
            case "ipv4-addr" or "ipv6-addr" or "domain-name" or "url" or "email-addr" or "mac-addr":
                if (S("value") is { } value)
                {
                    yield return ("value", value);
                }

                break;
            case "mutex":
                if (S("name") is { } mutex)
                {
                    yield return ("name", mutex);
                }

                break;
            case "windows-registry-key":
                if (S("key") is { } key)
                {
                    yield return ("key", key);
                }

                break;
            case "autonomous-system":
                if (json["number"] is JsonValue n && n.TryGetValue<long>(out var number))
                {
                    yield return ("number", number.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                break;
            case "file" or "artifact" or "x509-certificate":
                if (json["hashes"] is JsonObject hashes)
                {
                    foreach (var (algorithm, digest) in hashes)
                    {
                        if (digest is JsonValue d && d.TryGetValue<string>(out var text))
                        {
                            yield return ("hashes." + algorithm, text);
                        }
                    }
                }

                if (type == "file" && S("name") is { } fileName)
                {
                    yield return ("name", fileName);
                }

                break;
        }
    }

    private static void Add(List<IndexedValue> found, string objectType, string path, string value)
    {
        if (Classify(objectType, path, value) is { } indexed)
        {
            found.Add(indexed);
        }
    }
}

/// <summary>The STIX identity of an organisation of this node: one place computes it (UUIDv5 of the organisation id).</summary>
public static class IntelIdentity
{
    // A fixed namespace for Rampart organisation identities (UUIDv5 names are the organisation id as "D" text).
    private static readonly Guid Namespace = new("3f0b6f4e-7a52-5d3c-9a53-72616d706172");

    public static string Of(Guid organisationId) => "identity--" + Uuid5(Namespace, organisationId.ToString("D")).ToString("D");

    /// <summary>A name-based UUID (version 5, RFC 9562 §5.5): the same namespace and name give the same id.</summary>
    public static Guid Uuid5(Guid namespaceId, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var nameBytes = System.Text.Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        namespaceId.TryWriteBytes(input, bigEndian: true, out _);
        nameBytes.CopyTo(input, 16);
#pragma warning disable CA5350 // UUIDv5 is defined over SHA-1 (RFC 9562 §5.5); it names, it does not protect.
        var hash = System.Security.Cryptography.SHA1.HashData(input);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
