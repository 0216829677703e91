using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Rampart.Standards.Observables;

/// <summary>
/// Canonical forms for matching: the same address, domain, URL or hash written differently becomes the
/// same string, so correlation and warning lists compare like with like.
/// </summary>
public static class Normalise
{
    private static readonly System.Buffers.SearchValues<char> NotInLocalPart = System.Buffers.SearchValues.Create(" <>\"(),;:");
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = false };

    /// <summary>IPv4 dotted quad without leading zeros; IPv6 compressed lower case; IPv4-mapped IPv6 as IPv4.</summary>
    public static bool TryIpAddress(string? text, out string canonical)
    {
        canonical = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var value = text.Trim();
        if (value.StartsWith('[') && value.EndsWith(']'))
        {
            value = value[1..^1];
        }

        // IPAddress.Parse accepts "1", "1.2" and octal/hex forms; only a strict dotted quad or an IPv6 literal is an address here.
        if (value.Contains(':', StringComparison.Ordinal))
        {
            if (value.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(value, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            canonical = v6.IsIPv4MappedToIPv6 ? v6.MapToIPv4().ToString() : v6.ToString().ToLowerInvariant();
            return true;
        }

        if (!IsDottedQuad(value, out var bytes))
        {
            return false;
        }

        canonical = $"{bytes[0]}.{bytes[1]}.{bytes[2]}.{bytes[3]}";
        return true;
    }

    /// <summary>A CIDR block with the host bits cleared, e.g. <c>10.1.2.3/8</c> → <c>10.0.0.0/8</c>; a bare address is /32 or /128.</summary>
    public static bool TryCidr(string? text, out string canonical)
    {
        canonical = "";
        if (!Cidr.TryParse(text, out var block))
        {
            return false;
        }

        canonical = block.ToString();
        return true;
    }

    /// <summary>Lower-case ASCII (punycode) domain, trailing dot removed; false when it is not a host name.</summary>
    public static bool TryDomain(string? text, out string canonical)
    {
        canonical = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var value = text.Trim().TrimEnd('.');
        if (value.Length is 0 or > 253)
        {
            return false;
        }

        string ascii;
        try
        {
            ascii = Idn.GetAscii(value).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return false;
        }

        if (ascii.Length > 253)
        {
            return false;
        }

        var labels = ascii.Split('.');
        if (labels.Length < 2)
        {
            return false;
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-'
                || !label.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        // A name whose last label is all digits is an address or a version number, not a domain.
        if (labels[^1].All(char.IsAsciiDigit))
        {
            return false;
        }

        canonical = ascii;
        return true;
    }

    /// <summary>
    /// Scheme and host lower case, host in punycode, default port dropped, empty path as "/", fragment
    /// removed; path and query are kept as written (they are case-sensitive on most servers).
    /// </summary>
    public static bool TryUrl(string? text, out string canonical)
    {
        canonical = "";
        if (string.IsNullOrWhiteSpace(text) || !Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            return false;
        }

        var host = uri.HostNameType switch
        {
            UriHostNameType.IPv6 => TryIpAddress(uri.Host, out var v6) ? $"[{v6}]" : null,
            UriHostNameType.IPv4 => TryIpAddress(uri.Host, out var v4) ? v4 : null,
            _ => TryDomain(uri.IdnHost, out var d) ? d : uri.IdnHost.Length > 0 && !uri.IdnHost.Contains('.', StringComparison.Ordinal) ? uri.IdnHost.ToLowerInvariant() : null,
        };
        if (host is null)
        {
            return false;
        }

        var port = uri.IsDefaultPort ? "" : ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
        var userInfo = string.IsNullOrEmpty(uri.UserInfo) ? "" : uri.UserInfo + "@";
        var pathAndQuery = uri.GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped);
        canonical = $"{uri.Scheme.ToLowerInvariant()}://{userInfo}{host}{port}{(pathAndQuery.Length == 0 ? "/" : pathAndQuery)}";
        return true;
    }

    /// <summary>Local part as written, domain normalised.</summary>
    public static bool TryEmail(string? text, out string canonical)
    {
        canonical = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var value = text.Trim();
        var at = value.LastIndexOf('@');
        if (at <= 0 || at == value.Length - 1 || value.AsSpan(0, at).ContainsAny(NotInLocalPart) || !TryDomain(value[(at + 1)..], out var domain))
        {
            return false;
        }

        canonical = value[..at] + "@" + domain;
        return true;
    }

    /// <summary>Lower-case hex of a known hash length (MD5 32, SHA-1 40, SHA-256 64, SHA-512 128).</summary>
    public static bool TryHash(string? text, out string canonical)
    {
        canonical = "";
        var value = text?.Trim();
        if (value is null || value.Length is not (32 or 40 or 64 or 128) || !value.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        canonical = value.ToLowerInvariant();
        return true;
    }

    /// <summary>The canonical form of an SCO property value used for matching, by object type and property path.</summary>
    public static string Value(string objectType, string propertyPath, string value)
    {
        ArgumentNullException.ThrowIfNull(objectType);
        ArgumentNullException.ThrowIfNull(propertyPath);
        ArgumentNullException.ThrowIfNull(value);
        return (objectType, propertyPath) switch
        {
            ("ipv4-addr" or "ipv6-addr", "value") => TryCidr(value, out var c) ? StripHostPrefix(c) : value.Trim(),
            ("domain-name", "value") => TryDomain(value, out var d) ? d : value.Trim().ToLowerInvariant(),
            ("url", "value") => TryUrl(value, out var u) ? u : value.Trim(),
            ("email-addr", "value") => TryEmail(value, out var e) ? e : value.Trim(),
            (_, _) when propertyPath.StartsWith("hashes.", StringComparison.Ordinal) => HashValue(propertyPath, value),
            _ => value,
        };
    }

    // Hex digests compare case-insensitively; SSDEEP, TLSH and other encoded fuzzy digests are case-sensitive.
    private static string HashValue(string propertyPath, string value)
    {
        var name = propertyPath["hashes.".Length..].Trim('\'').ToUpperInvariant();
        var trimmed = value.Trim();
        var caseSensitive = name.Contains("SSDEEP", StringComparison.Ordinal) || name.Contains("TLSH", StringComparison.Ordinal)
            || name.Contains("IMPFUZZY", StringComparison.Ordinal) || name.Contains("TELFHASH", StringComparison.Ordinal)
            || name.Contains("VHASH", StringComparison.Ordinal) || name.Contains("SDHASH", StringComparison.Ordinal);
        return !caseSensitive && trimmed.All(char.IsAsciiHexDigit) ? trimmed.ToLowerInvariant() : trimmed;
    }

    // A single address is stored as an address, not as /32.
    private static string StripHostPrefix(string cidr) =>
        cidr.EndsWith("/32", StringComparison.Ordinal) && !cidr.Contains(':', StringComparison.Ordinal) ? cidr[..^3]
        : cidr.EndsWith("/128", StringComparison.Ordinal) ? cidr[..^4]
        : cidr;

    internal static bool IsDottedQuad(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = new byte[4];
        var part = 0;
        var value = 0;
        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                // No leading zeros beyond a single 0: "010" is octal to some parsers and decimal to others.
                if (digits == 1 && value == 0)
                {
                    return false;
                }

                value = (value * 10) + (c - '0');
                if (++digits > 3 || value > 255)
                {
                    return false;
                }
            }
            else if (c == '.' && digits > 0 && part < 3)
            {
                bytes[part++] = (byte)value;
                value = 0;
                digits = 0;
            }
            else
            {
                return false;
            }
        }

        if (part != 3 || digits == 0)
        {
            return false;
        }

        bytes[3] = (byte)value;
        return true;
    }
}
