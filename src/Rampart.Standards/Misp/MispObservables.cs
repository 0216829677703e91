using System.Globalization;
using System.Text.Json.Nodes;
using Rampart.Standards.Observables;
using Rampart.Standards.Patterns;
using static Rampart.Standards.Misp.MispContext;
using static Rampart.Standards.Misp.MispPatterns;

namespace Rampart.Standards.Misp;

/// <summary>The cyber-observables of one MISP value, and the comparison that pins it down in an indicator pattern.</summary>
internal sealed record MispObservable(List<JsonObject> Scos, ComparisonExpression? Comparison);

/// <summary>MISP attribute types → STIX cyber-observables and pattern comparisons (shared by attributes and objects).</summary>
internal static class MispObservables
{
    /// <summary>The observables of the value, or null with the reason it has none.</summary>
    public static MispObservable? For(string type, string value, string? data, out string reason)
    {
        reason = "";
        var (first, second) = SplitComposite(type, value);
        switch (type)
        {
            case "ip-src" or "ip-dst":
                {
                    if (Address(value) is not { } ip)
                    {
                        reason = "The value is not an IP address or CIDR.";
                        return null;
                    }

                    return new([ip], Equal(Str(ip, "type"), "value", Str(ip, "value")));
                }

            case "ip-src|port" or "ip-dst|port":
                {
                    if (Address(first) is not { } ip || !TryPort(second, out var port))
                    {
                        reason = "The value is not an address and port.";
                        return null;
                    }

                    var side = type.StartsWith("ip-src", StringComparison.Ordinal) ? "src" : "dst";
                    var traffic = Sco("network-traffic", new JsonObject { [$"{side}_ref"] = IdOf(ip), [$"{side}_port"] = port, ["protocols"] = new JsonArray(Protocol(ip)) });
                    return new([ip, traffic], And([Equal("network-traffic", $"{side}_ref/value", Str(ip, "value")), Equal("network-traffic", $"{side}_port", port)]));
                }

            case "domain" or "hostname":
                if (!Normalise.TryDomain(value, out _))
                {
                    reason = "The value is not a domain name.";
                    return null;
                }

                return new([Sco("domain-name", new JsonObject { ["value"] = value.Trim() })], Equal("domain-name", "value", value.Trim()));
            case "domain|ip":
                {
                    if (Address(second) is not { } ip)
                    {
                        reason = "The value is not a domain and an IP address.";
                        return null;
                    }

                    var domain = Sco("domain-name", new JsonObject { ["value"] = first, ["resolves_to_refs"] = new JsonArray((JsonNode)IdOf(ip)) });
                    return new([ip, domain], And([Equal("domain-name", "value", first), Equal("domain-name", "resolves_to_refs/*/value", Str(ip, "value"))]));
                }

            case "url" or "uri":
                if (!IsUrl(value.Trim()))
                {
                    reason = "The value is not an absolute URL of RFC 3986 characters (STIX 2.1 url, §6.14).";
                    return null;
                }

                return new([Sco("url", new JsonObject { ["value"] = value.Trim() })], Equal("url", "value", value.Trim()));
            case "email" or "email-src" or "email-dst":
                if (!Normalise.TryEmail(value, out _))
                {
                    reason = "The value is not an e-mail address (addr-spec, STIX 2.1 email-addr).";
                    return null;
                }

                return new([Sco("email-addr", new JsonObject { ["value"] = value.Trim() })], Equal("email-addr", "value", value.Trim()));
            case "email-subject":
                return new([Sco("email-message", new JsonObject { ["is_multipart"] = false, ["subject"] = value })], Equal("email-message", "subject", value));
            case "mutex":
                return new([Sco("mutex", new JsonObject { ["name"] = value })], Equal("mutex", "name", value));
            case "mac-address":
                {
                    // STIX 2.1 mac-addr: colon-delimited, lower-case MAC-48 with leading zeros.
                    var hex = new string([.. value.Where(char.IsAsciiHexDigit)]).ToLowerInvariant();
                    if (hex.Length != 12 || value.Trim().Any(c => !char.IsAsciiHexDigit(c) && c is not (':' or '-' or '.')))
                    {
                        reason = "The value is not a MAC-48 address.";
                        return null;
                    }

                    var mac = string.Join(':', Enumerable.Range(0, 6).Select(k => hex.Substring(k * 2, 2)));
                    return new([Sco("mac-addr", new JsonObject { ["value"] = mac })], Equal("mac-addr", "value", mac));
                }
            case "AS":
                {
                    var number = value.StartsWith("AS", StringComparison.OrdinalIgnoreCase) ? value[2..] : value;
                    if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var asn))
                    {
                        reason = "The value is not an AS number.";
                        return null;
                    }

                    return new([Sco("autonomous-system", new JsonObject { ["number"] = asn })], Equal("autonomous-system", "number", asn));
                }

            case "filename":
                return new([Sco("file", new JsonObject { ["name"] = value })], Equal("file", "name", value));
            case "regkey":
                {
                    if (RegistryKey(value) is not { } key)
                    {
                        reason = HiveReason;
                        return null;
                    }

                    return new([Sco("windows-registry-key", new JsonObject { ["key"] = key })], Equal("windows-registry-key", "key", key));
                }

            case "regkey|value":
                if (RegistryKey(first) is not { } fullKey)
                {
                    reason = HiveReason;
                    return null;
                }

                first = fullKey;
                return new(
                    [Sco("windows-registry-key", new JsonObject { ["key"] = first, ["values"] = new JsonArray(new JsonObject { ["data"] = second }) })],
                    And([Equal("windows-registry-key", "key", first), Equal("windows-registry-key", "values/*/data", second)]));
            case "malware-sample":
                {
                    if (!MispHashes.TryNormalise("md5", second, out _, out var md5, out reason))
                    {
                        return null;
                    }

                    return new(
                        [Sco("file", new JsonObject { ["name"] = first, ["hashes"] = new JsonObject { ["MD5"] = md5 } })],
                        And([Equal("file", "name", first), Equal("file", "hashes/MD5", md5)]));
                }

            case "attachment":
                {
                    if (data is null)
                    {
                        reason = "The attachment has no data; only its name is known.";
                        return null;
                    }

                    var artifact = Sco("artifact", new JsonObject { ["payload_bin"] = data });
                    var file = Sco("file", new JsonObject { ["name"] = value, ["content_ref"] = IdOf(artifact) });
                    return new([artifact, file], Equal("file", "name", value));
                }
        }

        if (MispHashes.IsHash(type))
        {
            if (!MispHashes.TryNormalise(type, value, out var key, out var hash, out reason))
            {
                return null;
            }

            return new([Sco("file", new JsonObject { ["hashes"] = new JsonObject { [key] = hash } })], Equal("file", $"hashes/{key}", hash));
        }

        if (type.StartsWith("filename|", StringComparison.Ordinal) && MispHashes.IsHash(type["filename|".Length..]))
        {
            if (!MispHashes.TryNormalise(type["filename|".Length..], second, out var key, out var hash, out reason))
            {
                return null;
            }

            return new(
                [Sco("file", new JsonObject { ["name"] = first, ["hashes"] = new JsonObject { [key] = hash } })],
                And([Equal("file", "name", first), Equal("file", $"hashes/{key}", hash)]));
        }

        reason = $"No STIX 2.1 object for the MISP attribute type '{type}'.";
        return null;
    }

    private const string HiveReason = "The key does not start with a registry hive (HKEY_LOCAL_MACHINE\\… or HKLM\\…), which STIX 2.1 §6.16 requires.";

    private static readonly (string Short, string Full)[] Hives =
    [
        ("HKLM", "HKEY_LOCAL_MACHINE"), ("HKCU", "HKEY_CURRENT_USER"), ("HKCR", "HKEY_CLASSES_ROOT"), ("HKU", "HKEY_USERS"),
        ("HKCC", "HKEY_CURRENT_CONFIG"), ("HKPD", "HKEY_PERFORMANCE_DATA"), ("HKDD", "HKEY_DYN_DATA"),
    ];

    /// <summary>
    /// The key with its hive written out in full (STIX 2.1 §6.16: <c>HKEY_LOCAL_MACHINE\…</c>, not <c>HKLM\…</c>);
    /// null when it starts with no hive at all.
    /// </summary>
    public static string? RegistryKey(string value)
    {
        var key = value.Trim();
        var end = key.IndexOf('\\', StringComparison.Ordinal);
        var hive = end < 0 ? key : key[..end];
        foreach (var (abbreviation, full) in Hives)
        {
            if (hive.Equals(full, StringComparison.OrdinalIgnoreCase))
            {
                return full + key[hive.Length..];
            }

            if (hive.Equals(abbreviation, StringComparison.OrdinalIgnoreCase))
            {
                return full + key[hive.Length..];
            }
        }

        return null;
    }

    /// <summary>
    /// An absolute URL as RFC 3986 writes it: a scheme (§3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"), then only
    /// unreserved, reserved and '%' characters (§2) — a bare "/path", a host name alone, spaces or raw non-ASCII are not.
    /// </summary>
    public static bool IsUrl(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && char.IsAsciiLetter(value[0]) && value[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.')
            && value.All(c => char.IsAsciiLetterOrDigit(c) || "-._~:/?#[]@!$&'()*+,;=%".Contains(c, StringComparison.Ordinal))
            && Uri.TryCreate(value, UriKind.Absolute, out _);
    }

    public static bool TryPort(string text, out int port) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;

    public static string Protocol(JsonObject ip) => Str(ip, "type") == "ipv6-addr" ? "ipv6" : "ipv4";

    private static string Str(JsonObject o, string property) => o[property]!.GetValue<string>();

    private static (string First, string Second) SplitComposite(string type, string value)
    {
        // malware-sample is "filename|md5" although its type name has no '|'.
        if (!type.Contains('|', StringComparison.Ordinal) && type != "malware-sample")
        {
            return (value, "");
        }

        var bar = value.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? (value, "") : (value[..bar], value[(bar + 1)..]);
    }
}
