using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Rampart.Standards.Stix;

/// <summary>The value formats STIX 2.1 fixes for strings: addresses, URLs, hashes, CPE, language tags.</summary>
internal static partial class StixFormats
{
    public static (string Rule, string Message)? Check(ValueFormat format, ReadOnlySpan<char> value) => format switch
    {
        ValueFormat.Ipv4 when !IsIpv4AddressOrCidr(value) => ("ipv4-value", "An ipv4-addr value is one IPv4 address or CIDR block with a prefix of 0–32 (§6.8)."),
        ValueFormat.Ipv6 when !IsIpv6AddressOrCidr(value) => ("ipv6-value", "An ipv6-addr value is one IPv6 address or CIDR block with a prefix of 0–128 (§6.9)."),
        ValueFormat.Url when !IsUrl(value) => ("url-value", "A URL conforms to RFC 3986: a scheme, then only the characters RFC 3986 allows (§6.14, §2.5)."),
        ValueFormat.EmailAddress when !IsAddrSpec(value) => ("email-addr-value", "An email-addr value is a single RFC 5322 addr-spec, local-part@domain (§6.5)."),
        ValueFormat.MacAddress when !IsMacAddress(value) => ("mac-addr-value", "A mac-addr value is a lower-case, colon-separated MAC-48 address with leading zeros, e.g. 00:00:5e:00:53:af (§6.10)."),
        ValueFormat.RegistryKey when !HasFullHive(value) => ("registry-key-hive", "A registry key starts with its hive written out in full, e.g. HKEY_LOCAL_MACHINE, not HKLM (§6.16)."),
        ValueFormat.Cpe when !CpeRegex().IsMatch(value) => ("cpe-format", "cpe is a CPE 2.3 formatted string (NISTIR 7695), e.g. cpe:2.3:a:vendor:product:1.0:*:*:*:*:*:*:* (§6.12)."),
        ValueFormat.LanguageTag when !LanguageTagRegex().IsMatch(value) => ("language-tag", "A language is an RFC 5646 language tag, e.g. en, sq, sr-Latn (§3.2, §6.12)."),
        _ => null,
    };

    public static bool IsIpv4AddressOrCidr(ReadOnlySpan<char> value)
    {
        var slash = value.IndexOf('/');
        if (slash >= 0 && !Prefix(value[(slash + 1)..], 32))
        {
            return false;
        }

        var address = slash >= 0 ? value[..slash] : value;
        var parts = 0;
        foreach (var range in address.Split('.'))
        {
            var part = address[range];
            if (part.Length is 0 or > 3 || part.ContainsAnyExceptInRange('0', '9') || (part.Length > 1 && part[0] == '0')
                || int.Parse(part, CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }

            parts++;
        }

        return parts == 4;
    }

    public static bool IsIpv6AddressOrCidr(ReadOnlySpan<char> value)
    {
        var slash = value.IndexOf('/');
        if (slash >= 0 && !Prefix(value[(slash + 1)..], 128))
        {
            return false;
        }

        var address = slash >= 0 ? value[..slash] : value;
        return address.Contains(':') && !address.ContainsAny('%', '[', ']') && !address.ContainsAny(' ', '/')
            && IPAddress.TryParse(address, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6;
    }

    private static bool Prefix(ReadOnlySpan<char> text, int max) =>
        text.Length is > 0 and <= 3 && !text.ContainsAnyExceptInRange('0', '9') && (text.Length == 1 || text[0] != '0')
        && int.Parse(text, CultureInfo.InvariantCulture) <= max;

    public static bool IsUrl(ReadOnlySpan<char> value)
    {
        // RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ':'.
        var colon = value.IndexOf(':');
        if (colon < 1 || !char.IsAsciiLetter(value[0]) || value[..colon].ContainsAnyExcept(SchemeChars))
        {
            return false;
        }

        // Every character is unreserved, reserved or part of a percent-encoding (§2).
        for (var i = colon + 1; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%')
            {
                if (i + 2 >= value.Length || !char.IsAsciiHexDigit(value[i + 1]) || !char.IsAsciiHexDigit(value[i + 2]))
                {
                    return false;
                }

                i += 2;
            }
            else if (!UriChars.Contains(c))
            {
                return false;
            }
        }

        return value.Length > colon + 1;
    }

    private static readonly System.Buffers.SearchValues<char> SchemeChars = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
    private static readonly System.Buffers.SearchValues<char> UriChars = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#[]@!$&'()*+,;=");

    // RFC 5322 §3.2.3 atext.
    private static readonly System.Buffers.SearchValues<char> AText = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~");

    /// <summary>RFC 5322 §3.4.1 addr-spec: (dot-atom / quoted-string) "@" (dot-atom / domain-literal), without comments or folding.</summary>
    public static bool IsAddrSpec(ReadOnlySpan<char> value)
    {
        var at = value.LastIndexOf('@');
        if (at < 1 || at == value.Length - 1)
        {
            return false;
        }

        var local = value[..at];
        var domain = value[(at + 1)..];
        var localOk = local[0] == '"' ? IsQuotedString(local) : IsDotAtom(local);
        var domainOk = domain[0] == '[' ? domain[^1] == ']' && domain.Length > 2 && !domain[1..^1].ContainsAny('[', ']', '\\') && !domain[1..^1].ContainsAnyExceptInRange('!', '~')
            : IsDotAtom(domain);
        return localOk && domainOk;
    }

    private static bool IsDotAtom(ReadOnlySpan<char> text)
    {
        foreach (var range in text.Split('.'))
        {
            var atom = text[range];
            if (atom.Length == 0 || atom.ContainsAnyExcept(AText))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsQuotedString(ReadOnlySpan<char> text)
    {
        if (text.Length < 2 || text[^1] != '"')
        {
            return false;
        }

        for (var i = 1; i < text.Length - 1; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                i++;
                if (i >= text.Length - 1)
                {
                    return false;
                }
            }
            else if (c == '"' || c < ' ' || c > '~')
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsMacAddress(ReadOnlySpan<char> value)
    {
        if (value.Length != 17)
        {
            return false;
        }

        for (var i = 0; i < 17; i++)
        {
            var c = value[i];
            var ok = i % 3 == 2 ? c == ':' : char.IsAsciiDigit(c) || c is >= 'a' and <= 'f';
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static readonly string[] Hives = ["HKEY_CLASSES_ROOT", "HKEY_CURRENT_CONFIG", "HKEY_CURRENT_USER", "HKEY_DYN_DATA", "HKEY_LOCAL_MACHINE", "HKEY_PERFORMANCE_DATA", "HKEY_USERS"];

    public static bool HasFullHive(ReadOnlySpan<char> key)
    {
        var end = key.IndexOf('\\');
        var hive = end < 0 ? key : key[..end];
        foreach (var h in Hives)
        {
            if (hive.Equals(h, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    // NISTIR 7695 (CPE 2.3 Naming) §6.2, the formatted-string binding.
    [GeneratedRegex("""^cpe:2\.3:[aho\*\-](:(((\?*|\*?)([a-zA-Z0-9\-\._]|(\\[\\\*\?!"#$%&'\(\)\+,/:;<=>@\[\]\^`\{\|}~]))+(\?*|\*?))|[\*\-])){5}(:(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[\*\-]))(:(((\?*|\*?)([a-zA-Z0-9\-\._]|(\\[\\\*\?!"#$%&'\(\)\+,/:;<=>@\[\]\^`\{\|}~]))+(\?*|\*?))|[\*\-])){4}$""", RegexOptions.CultureInvariant)]
    private static partial Regex CpeRegex();

    // RFC 5646 §2.1 Language-Tag (langtag / privateuse / grandfathered), case-insensitive.
    [GeneratedRegex("""^(?:(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})(?:-[a-z]{4})?(?:-(?:[a-z]{2}|[0-9]{3}))?(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*(?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)*(?:-x(?:-[a-z0-9]{1,8})+)?|x(?:-[a-z0-9]{1,8})+|en-gb-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn|i-tao|i-tay|i-tsu|sgn-be-fr|sgn-be-nl|sgn-ch-de|art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang)$""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LanguageTagRegex();

    /// <summary>Lengths of the hex digests in hashing-algorithm-ov (§10.5); SSDEEP and TLSH have their own forms.</summary>
    public static (string Rule, string Message)? CheckHash(string algorithm, ReadOnlySpan<char> value)
    {
        var hexLength = algorithm switch
        {
            "MD5" => 32,
            "SHA-1" => 40,
            "SHA-256" or "SHA3-256" => 64,
            "SHA-512" or "SHA3-512" => 128,
            _ => 0,
        };
        if (hexLength > 0)
        {
            return value.Length == hexLength && !value.ContainsAnyExcept(HexDigits) ? null : ("hash-value", $"A {algorithm} hash is {hexLength} hexadecimal digits.");
        }

        return algorithm switch
        {
            "SSDEEP" when !SsdeepRegex().IsMatch(value) => ("hash-value", "An SSDEEP hash is blocksize:hash:hash in base64 characters."),
            "TLSH" when !TlshRegex().IsMatch(value) => ("hash-value", "A TLSH hash is 70 hexadecimal digits, optionally after the version prefix T1."),
            _ => null,
        };
    }

    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    public static readonly string[] HashAlgorithms = ["MD5", "SHA-1", "SHA-256", "SHA-512", "SHA3-256", "SHA3-512", "SSDEEP", "TLSH"];

    [GeneratedRegex("^[0-9]{1,10}:[a-zA-Z0-9/+]{1,128}:[a-zA-Z0-9/+]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex SsdeepRegex();

    [GeneratedRegex("^(T1)?[0-9a-fA-F]{70}$", RegexOptions.CultureInvariant)]
    private static partial Regex TlshRegex();

    public static bool IsHex(ReadOnlySpan<char> value) => value.Length % 2 == 0 && !value.ContainsAnyExcept(HexDigits);

    [GeneratedRegex("^CVE-[0-9]{4}-(0[0-9]{3}|[1-9][0-9]{3,})$", RegexOptions.CultureInvariant)]
    public static partial Regex CveId();

    [GeneratedRegex("^CAPEC-[0-9]+$", RegexOptions.CultureInvariant)]
    public static partial Regex CapecId();
}

/// <summary>Windows registry key helpers for producers of <c>windows-registry-key</c> objects (§6.16).</summary>
public static class WindowsRegistryKeys
{
    private static readonly (string Short, string Full)[] Abbreviations =
    [
        ("HKLM", "HKEY_LOCAL_MACHINE"), ("HKCU", "HKEY_CURRENT_USER"), ("HKCR", "HKEY_CLASSES_ROOT"), ("HKU", "HKEY_USERS"),
        ("HKCC", "HKEY_CURRENT_CONFIG"), ("HKPD", "HKEY_PERFORMANCE_DATA"), ("HKDD", "HKEY_DYN_DATA"),
    ];

    /// <summary>The key with an abbreviated hive (<c>HKLM\…</c>) written out in full (<c>HKEY_LOCAL_MACHINE\…</c>), as §6.16 requires.</summary>
    public static string ExpandHive(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var end = key.IndexOf('\\', StringComparison.Ordinal);
        var hive = end < 0 ? key : key[..end];
        foreach (var (abbreviation, full) in Abbreviations)
        {
            if (hive.Equals(abbreviation, StringComparison.OrdinalIgnoreCase))
            {
                return full + key[hive.Length..];
            }
        }

        return key;
    }

    /// <summary>Whether the key starts with a hive written out in full.</summary>
    public static bool HasFullHive(string key) => key is not null && StixFormats.HasFullHive(key);
}
