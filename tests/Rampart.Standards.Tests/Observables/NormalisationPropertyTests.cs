using System.Net;
using FsCheck.Xunit;
using Rampart.Standards.Observables;

namespace Rampart.Standards.Tests.Observables;

public sealed class NormalisationPropertyTests
{
    [Property(MaxTest = 1000)]
    public bool Ipv4_NormalisesToTheSameAddress_AndIsIdempotent(uint address)
    {
        var ip = new IPAddress(BitConverter.GetBytes(address)).ToString();
        return Normalise.TryIpAddress(ip, out var once) && Normalise.TryIpAddress(once, out var twice) && once == twice
            && IPAddress.Parse(once).Equals(IPAddress.Parse(ip));
    }

    [Property(MaxTest = 1000)]
    public bool Ipv6_NormalisesToTheSameAddress_AndIsIdempotent(ulong high, ulong low)
    {
        var bytes = BitConverter.GetBytes(high).Concat(BitConverter.GetBytes(low)).ToArray();
        var ip = new IPAddress(bytes);
        var text = ip.ToString().ToUpperInvariant();
        if (!Normalise.TryIpAddress(text, out var once) || !Normalise.TryIpAddress(once, out var twice) || once != twice)
        {
            return false;
        }

        var back = IPAddress.Parse(once);
        return ip.IsIPv4MappedToIPv6 ? back.Equals(ip.MapToIPv4()) : back.Equals(ip);
    }

    [Property(MaxTest = 1000)]
    public bool Cidr_ANarrowerPrefixOfTheSameAddress_IsContained(uint address, byte a, byte b)
    {
        var wide = a % 33;
        var narrow = Math.Max(wide, b % 33);
        var ip = new IPAddress(BitConverter.GetBytes(address)).ToString();
        return Cidr.TryParse($"{ip}/{wide}", out var outer) && Cidr.TryParse($"{ip}/{narrow}", out var inner)
            && outer.Contains(inner) && (wide == narrow || !inner.Contains(outer));
    }

    [Property(MaxTest = 1000)]
    public bool Cidr_Contains_AgreesWithMaskArithmetic(uint network, uint candidate, byte prefixSeed)
    {
        var prefix = prefixSeed % 33;
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        var net = ToIp(network);
        var ip = ToIp(candidate);
        return Cidr.TryParse($"{net}/{prefix}", out var block) && Cidr.TryParse(ip, out var single)
            && block.Contains(single) == ((network & mask) == (candidate & mask));
    }

    [Property(MaxTest = 500)]
    public bool Cidr_Printed_ParsesToItself(uint address, byte prefixSeed)
    {
        return Cidr.TryParse($"{ToIp(address)}/{prefixSeed % 33}", out var block)
            && Cidr.TryParse(block.ToString(), out var again) && again == block;
    }

    [Property(MaxTest = 500)]
    public bool Domain_Normalisation_IsIdempotent(string? text)
    {
        if (!Normalise.TryDomain(text, out var once))
        {
            return true;
        }

        return Normalise.TryDomain(once, out var twice) && once == twice && string.Equals(once, once.ToLowerInvariant(), StringComparison.Ordinal);
    }

    [Property(MaxTest = 500)]
    public bool Url_Normalisation_IsIdempotent(string? text)
    {
        if (!Normalise.TryUrl(text, out var once))
        {
            return true;
        }

        return Normalise.TryUrl(once, out var twice) && once == twice;
    }

    // Big-endian: the first octet is the most significant byte, as in mask arithmetic.
    private static string ToIp(uint value) => $"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}";
}
