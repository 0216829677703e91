using System.Buffers;
using System.Globalization;

namespace Rampart.Standards.Observables;

public enum IndicatorKind
{
    Ipv4,
    Ipv6,
    Cidr,
    Domain,
    Url,
    Email,
    Md5,
    Sha1,
    Sha256,
    Sha512,
    Cve,
    AutonomousSystem,
}

/// <summary>An indicator found in text: its kind, canonical value, and where it stood in the original text.</summary>
/// <param name="Port">For an address written with a port (<c>198.51.100.7:8080</c>), the port.</param>
public sealed record ExtractedIndicator(IndicatorKind Kind, string Value, int Start, int Length, int? Port = null);

/// <summary>
/// Pulls indicators out of pasted text — reports, e-mails, chat — including defanged forms
/// (<c>hxxp</c>, <c>hxxps</c>, <c>[.]</c>, <c>(.)</c>, <c>[dot]</c>, <c>[:]</c>, <c>[at]</c>, <c>[@]</c>).
/// Domains count only with a real public suffix; names that are usually file names (<c>README.md</c>,
/// <c>main.rs</c>, <c>photo.zip</c>) count only when defanged, inside a URL or e-mail, or with three or
/// more labels, because .md, .rs, .mk, .zip … are both country or generic TLDs and file extensions.
/// </summary>
public sealed class FreeTextExtractor(PublicSuffixList suffixes)
{
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:/@%?=&#+~[]!$*',;()");

    private static readonly HashSet<string> FileLikeSuffixes = new(StringComparer.Ordinal)
    {
        "md", "rs", "mk", "zip", "mov", "py", "sh", "pl", "pm", "ps", "so", "cc", "cs", "txt", "sql", "jar", "app", "bat", "js", "ts", "go", "rb", "php", "ini", "log", "json", "yml", "xml", "html", "htm", "css", "img",
    };

    public static FreeTextExtractor Default { get; } = new(PublicSuffixList.Default);

    /// <summary>Every indicator in <paramref name="text"/>, in order of position.</summary>
    public IReadOnlyList<ExtractedIndicator> Extract(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var results = new List<ExtractedIndicator>();
        var span = text.AsSpan();
        var i = 0;
        while (i < span.Length)
        {
            var start = span[i..].IndexOfAny(TokenChars);
            if (start < 0)
            {
                break;
            }

            start += i;
            // Internationalised names: non-ASCII letters belong to the token too (the fast search covers ASCII only).
            while (start > i && span[start - 1] > 127 && char.IsLetterOrDigit(span[start - 1]))
            {
                start--;
            }

            var end = start;
            while (true)
            {
                var stop = span[end..].IndexOfAnyExcept(TokenChars);
                end = stop < 0 ? span.Length : end + stop;
                if (end < span.Length && span[end] > 127 && char.IsLetterOrDigit(span[end]))
                {
                    end++;
                    continue;
                }

                break;
            }

            ClassifyToken(text, start, end, results);
            i = end;
        }

        return results;
    }

    private void ClassifyToken(string text, int start, int end, List<ExtractedIndicator> results)
    {
        // Trim what surrounds indicators in prose: brackets, quotes, sentence punctuation — but not the
        // brackets of an IPv6 literal such as [2001:db8::1]:443.
        if (IsBracketedIpv6(text, start, end, out var bracketEnd))
        {
            ClassifyBracketed(text, start, bracketEnd, results);
            return;
        }

        while (start < end && text[start] is '(' or '[' or '\'' or ',' or ';' or '!' or '*' or '<' && !StartsDefang(text, start, end))
        {
            start++;
        }

        while (end > start && text[end - 1] is '.' or ',' or ';' or ':' or ')' or ']' or '\'' or '!' or '?' or '*' && !EndsDefang(text, start, end))
        {
            end--;
        }

        if (end - start < 3)
        {
            return;
        }

        var raw = text[start..end];
        var defanged = false;
        var token = raw;
        if (Defanging.MayBeDefanged(raw))
        {
            token = Defanging.Refang(raw);
            defanged = token != raw;
        }

        if (TryClassify(token, defanged, out var kind, out var value, out var port))
        {
            results.Add(new ExtractedIndicator(kind, value, start, end - start, port));
            return;
        }

        // "md5:abcd…", "sha256=…", "ip,domain" lists: try the parts.
        if (token.AsSpan().IndexOfAny(":=,;") >= 0 && !token.Contains("://", StringComparison.Ordinal))
        {
            var offset = 0;
            foreach (var part in raw.Split(':', '=', ',', ';'))
            {
                if (part.Length >= 3 && part.Length < raw.Length)
                {
                    var partToken = Defanging.Refang(part);
                    if (TryClassify(partToken, partToken != part, out kind, out value, out port))
                    {
                        results.Add(new ExtractedIndicator(kind, value, start + offset, part.Length, port));
                    }
                }

                offset += part.Length + 1;
            }
        }
    }

    private static bool IsBracketedIpv6(string text, int start, int end, out int tokenEnd)
    {
        tokenEnd = end;
        if (text[start] != '[')
        {
            return false;
        }

        var close = text.IndexOf(']', start, end - start);
        if (close < 0 || !text.AsSpan(start + 1, close - start - 1).Contains(':'))
        {
            return false;
        }

        tokenEnd = close + 1;
        if (tokenEnd < end && text[tokenEnd] == ':')
        {
            var portEnd = tokenEnd + 1;
            while (portEnd < end && char.IsAsciiDigit(text[portEnd]))
            {
                portEnd++;
            }

            tokenEnd = portEnd;
        }

        return true;
    }

    private static void ClassifyBracketed(string text, int start, int end, List<ExtractedIndicator> results)
    {
        if (TryAddress(text[start..end], out var kind, out var value, out var port))
        {
            results.Add(new ExtractedIndicator(kind, value, start, end - start, port));
        }
    }

    private static bool StartsDefang(string text, int start, int end) =>
        end - start >= 3 && (text.AsSpan(start, end - start).StartsWith("[.]") || text.AsSpan(start, end - start).StartsWith("(.)"));

    private static bool EndsDefang(string text, int start, int end) =>
        end - start >= 3 && (text.AsSpan(start, end - start).EndsWith("[.]") || text.AsSpan(start, end - start).EndsWith("(.)")
                             || text.AsSpan(start, end - start).EndsWith("[dot]", StringComparison.OrdinalIgnoreCase));

    private bool TryClassify(string token, bool defanged, out IndicatorKind kind, out string value, out int? port)
    {
        kind = default;
        value = "";
        port = null;
        var first = token[0];

        if (token.Contains("://", StringComparison.Ordinal))
        {
            if (token.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || token.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                || token.StartsWith("ftp://", StringComparison.OrdinalIgnoreCase) || token.StartsWith("sftp://", StringComparison.OrdinalIgnoreCase))
            {
                if (Normalise.TryUrl(token, out var url) && Uri.TryCreate(url, UriKind.Absolute, out var uri)
                    && (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || suffixes.HasRegistrableDomain(uri.IdnHost)))
                {
                    kind = IndicatorKind.Url;
                    value = url;
                    return true;
                }
            }

            return false;
        }

        if ((first is 'C' or 'c') && token.Length >= 13 && token.StartsWith("CVE-", StringComparison.OrdinalIgnoreCase))
        {
            var rest = token.AsSpan(4);
            if (rest.Length >= 9 && rest[4] == '-' && rest[..4].IndexOfAnyExceptInRange('0', '9') < 0
                && rest[5..].Length is >= 4 and <= 7 && rest[5..].IndexOfAnyExceptInRange('0', '9') < 0)
            {
                kind = IndicatorKind.Cve;
                value = token.ToUpperInvariant();
                return true;
            }

            return false;
        }

        if ((first is 'A' or 'a') && token.Length >= 3 && (token[1] is 'S' or 's') && token.AsSpan(2).IndexOfAnyExceptInRange('0', '9') < 0)
        {
            if (token.Length <= 12 && ulong.TryParse(token.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var asn) && asn is > 0 and <= uint.MaxValue)
            {
                kind = IndicatorKind.AutonomousSystem;
                value = "AS" + asn.ToString(CultureInfo.InvariantCulture);
                return true;
            }

            return false;
        }

        if (token.Length is 32 or 40 or 64 or 128 && token.AsSpan().IndexOfAnyExcept(HexDigits) < 0)
        {
            kind = token.Length switch
            {
                32 => IndicatorKind.Md5,
                40 => IndicatorKind.Sha1,
                64 => IndicatorKind.Sha256,
                _ => IndicatorKind.Sha512,
            };
            value = token.ToLowerInvariant();
            return true;
        }

        var at = token.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            if (Normalise.TryEmail(token, out var email) && suffixes.HasRegistrableDomain(email[(email.LastIndexOf('@') + 1)..]))
            {
                kind = IndicatorKind.Email;
                value = email;
                return true;
            }

            return false;
        }

        if (char.IsAsciiDigit(first) || first is ':' or '[' || (char.IsAsciiHexDigit(first) && token.Contains(':', StringComparison.Ordinal)))
        {
            if (TryAddress(token, out kind, out value, out port))
            {
                return true;
            }
        }

        if (token.Contains('.', StringComparison.Ordinal) && Normalise.TryDomain(token, out var domain))
        {
            var suffix = suffixes.SuffixOf(domain);
            if (suffix is null || domain.Length <= suffix.Length)
            {
                return false;
            }

            var labels = domain.AsSpan().Count('.') + 1;
            if (!defanged && labels == 2 && FileLikeSuffixes.Contains(suffix))
            {
                return false;
            }

            kind = IndicatorKind.Domain;
            value = domain;
            return true;
        }

        return false;
    }

    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789abcdefABCDEF");

    private static bool TryAddress(string token, out IndicatorKind kind, out string value, out int? port)
    {
        kind = default;
        value = "";
        port = null;
        var text = token;

        // [v6]:port, v4:port
        if (text.StartsWith('[') && text.IndexOf(']', StringComparison.Ordinal) is var close and > 0)
        {
            if (close + 1 < text.Length && (text[close + 1] != ':' || !TryPort(text[(close + 2)..], out port)))
            {
                return false;
            }

            text = text[1..close];
        }
        else if (text.Count(c => c == ':') == 1 && text.Contains('.', StringComparison.Ordinal))
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (!TryPort(text[(colon + 1)..], out port))
            {
                return false;
            }

            text = text[..colon];
        }

        if (text.Contains('/', StringComparison.Ordinal))
        {
            if (port is null && Normalise.TryCidr(text, out var cidr))
            {
                kind = IndicatorKind.Cidr;
                value = cidr;
                return true;
            }

            return false;
        }

        if (Normalise.TryIpAddress(text, out var address))
        {
            kind = address.Contains(':', StringComparison.Ordinal) ? IndicatorKind.Ipv6 : IndicatorKind.Ipv4;
            value = address;
            return true;
        }

        port = null;
        return false;
    }

    private static bool TryPort(string text, out int? port)
    {
        port = null;
        if (text.Length is 0 or > 5 || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is 0 or > 65535)
        {
            return false;
        }

        port = p;
        return true;
    }
}
