using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Observables;

namespace Rampart.Server.Intelligence.Read;

/// <summary>
/// What a searched or looked-up value is, in the terms of the observable index: its kind, its normalised
/// value, and for addresses and networks its 16-byte big-endian range (IPv4 mapped into ::ffff:0:0/96),
/// for names its reversed-label key. Must agree with how the store fills <see cref="Observable"/>.
/// </summary>
public readonly record struct ObservableKey(ObservableKind Kind, string Value, byte[]? RangeStart, byte[]? RangeEnd, int? PrefixLength, string? ReversedDomain)
{
    /// <summary>Classifies <paramref name="text"/>; an unrecognised value is kept verbatim (trimmed) with kind <see cref="ObservableKind.Other"/>.</summary>
    public static ObservableKey Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var value = text.Trim();
        if (Normalise.TryIpAddress(value, out var ip) && Cidr.TryParse(ip, out var host))
        {
            var (start, end) = Range(host);
            return new(host.IsV6 ? ObservableKind.Ipv6 : ObservableKind.Ipv4, ip, start, end, host.PrefixLength, null);
        }

        if (value.Contains('/', StringComparison.Ordinal) && !value.Contains("://", StringComparison.Ordinal) && Cidr.TryParse(value, out var network))
        {
            var (start, end) = Range(network);
            if (network.PrefixLength == network.Bits)
            {
                // A single address is indexed as an address, not as /32 or /128 (Normalise.Value).
                var text2 = network.ToString();
                return new(network.IsV6 ? ObservableKind.Ipv6 : ObservableKind.Ipv4, text2[..text2.IndexOf('/', StringComparison.Ordinal)], start, end, network.PrefixLength, null);
            }

            return new(network.IsV6 ? ObservableKind.Ipv6Cidr : ObservableKind.Ipv4Cidr, network.ToString(), start, end, network.PrefixLength, null);
        }

        if (value.Contains("://", StringComparison.Ordinal) && Normalise.TryUrl(value, out var url))
        {
            var host2 = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.IdnHost : null;
            return new(ObservableKind.Url, url, null, null, null, host2 is not null && Normalise.TryDomain(host2, out var d) ? Reverse(d) : null);
        }

        if (value.Contains('@', StringComparison.Ordinal) && Normalise.TryEmail(value, out var email))
        {
            var at = email.LastIndexOf('@');
            return new(ObservableKind.Email, email, null, null, null, Reverse(email[(at + 1)..]));
        }

        if (Normalise.TryHash(value, out var hash))
        {
            var kind = hash.Length switch
            {
                32 => ObservableKind.Md5,
                40 => ObservableKind.Sha1,
                64 => ObservableKind.Sha256,
                128 => ObservableKind.Sha512,
                _ => ObservableKind.OtherHash,
            };
            if (kind != ObservableKind.OtherHash)
            {
                return new(kind, hash, null, null, null, null);
            }
        }

        if (Normalise.TryDomain(value, out var domain) && domain.Contains('.', StringComparison.Ordinal))
        {
            return new(ObservableKind.Domain, domain, null, null, null, Reverse(domain));
        }

        return new(ObservableKind.Other, value, null, null, null, null);
    }

    /// <summary><c>www.example.com</c> → <c>com.example.www.</c>: a domain and its subdomains share a prefix.</summary>
    public static string Reverse(string domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var labels = domain.TrimEnd('.').Split('.');
        Array.Reverse(labels);
        return string.Join('.', labels) + ".";
    }

    /// <summary>The parent domains' keys of a reversed key (<c>com.example.www.</c> → <c>com.example.</c>), at least two labels long.</summary>
    public static IReadOnlyList<string> Parents(string reversed)
    {
        ArgumentNullException.ThrowIfNull(reversed);
        var labels = reversed.TrimEnd('.').Split('.');
        var parents = new List<string>();
        for (var n = labels.Length - 1; n >= 2; n--)
        {
            parents.Add(string.Join('.', labels[..n]) + ".");
        }

        return parents;
    }

    /// <summary>The first and last address of <paramref name="cidr"/> as 16 big-endian bytes (the same keys the store writes).</summary>
    public static (byte[] Start, byte[] End) Range(Cidr cidr) => Rampart.Server.Intelligence.Store.ObservableValues.Range(cidr);

    /// <summary>
    /// The network addresses of every network that could contain <paramref name="cidr"/> (its own prefix and
    /// each shorter one), as 16-byte keys: "stored networks containing x" is RangeStart IN these AND RangeEnd ≥ x's end.
    /// </summary>
    public static IReadOnlyList<byte[]> EnclosingStarts(Cidr cidr)
    {
        var starts = new List<byte[]>();
        for (var p = cidr.PrefixLength; p >= 0; p--)
        {
            starts.Add(Range(cidr.Truncate(p)).Start);
        }

        return starts;
    }
}
