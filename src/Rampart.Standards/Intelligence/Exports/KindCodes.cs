using Rampart.Standards.Observables;

namespace Rampart.Standards.Intelligence.Exports;

/// <summary>The short names of indicator kinds used in CSV and in URLs (<c>ipv4</c>, <c>sha256</c>, <c>as</c> …).</summary>
public static class KindCodes
{
    private static readonly (IndicatorKind Kind, string Code)[] Codes =
    [
        (IndicatorKind.Ipv4, "ipv4"), (IndicatorKind.Ipv6, "ipv6"), (IndicatorKind.Cidr, "cidr"), (IndicatorKind.Domain, "domain"),
        (IndicatorKind.Url, "url"), (IndicatorKind.Email, "email"), (IndicatorKind.Md5, "md5"), (IndicatorKind.Sha1, "sha1"),
        (IndicatorKind.Sha256, "sha256"), (IndicatorKind.Sha512, "sha512"), (IndicatorKind.Cve, "cve"), (IndicatorKind.AutonomousSystem, "as"),
    ];

    public static string Code(IndicatorKind kind) => Codes.First(c => c.Kind == kind).Code;

    /// <summary>Reads a code, case-insensitively; also the aliases <c>ip</c> (v4 or v6 decided by the value), <c>ip-dst</c>, <c>hostname</c>, <c>sha-256</c> ….</summary>
    public static bool TryParse(string? text, out IndicatorKind kind)
    {
        kind = default;
        var code = text?.Trim().ToUpperInvariant().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        IndicatorKind? found = code switch
        {
            "IPV4" or "IPV4ADDR" => IndicatorKind.Ipv4,
            "IPV6" or "IPV6ADDR" => IndicatorKind.Ipv6,
            "CIDR" or "NETWORK" or "SUBNET" => IndicatorKind.Cidr,
            "DOMAIN" or "DOMAINNAME" or "HOSTNAME" or "FQDN" => IndicatorKind.Domain,
            "URL" or "URI" or "LINK" => IndicatorKind.Url,
            "EMAIL" or "EMAILADDR" or "EMAILSRC" or "EMAILDST" => IndicatorKind.Email,
            "MD5" => IndicatorKind.Md5,
            "SHA1" => IndicatorKind.Sha1,
            "SHA256" => IndicatorKind.Sha256,
            "SHA512" => IndicatorKind.Sha512,
            "CVE" or "VULNERABILITY" => IndicatorKind.Cve,
            "AS" or "ASN" or "AUTONOMOUSSYSTEM" => IndicatorKind.AutonomousSystem,
            _ => null,
        };
        if (found is { } k)
        {
            kind = k;
            return true;
        }

        return false;
    }
}
