using System.Net;
using System.Net.Sockets;
using System.Numerics;

namespace Rampart.Standards.Observables;

/// <summary>An IPv4 or IPv6 network (address and prefix length), with containment.</summary>
public readonly record struct Cidr(bool IsV6, UInt128 Network, int PrefixLength)
{
    public int Bits => IsV6 ? 128 : 32;

    public static bool TryParse(string? text, out Cidr cidr)
    {
        cidr = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var value = text.Trim();
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? value : value[..slash];
        if (!Normalise.TryIpAddress(addressText, out var canonical))
        {
            return false;
        }

        var address = IPAddress.Parse(canonical);
        var isV6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var bits = isV6 ? 128 : 32;
        var prefix = bits;
        if (slash >= 0)
        {
            var prefixText = value[(slash + 1)..];
            if (prefixText.Length is 0 or > 3 || !prefixText.All(char.IsAsciiDigit) || !int.TryParse(prefixText, out prefix) || prefix > bits
                || (prefixText.Length > 1 && prefixText[0] == '0'))
            {
                return false;
            }
        }

        var number = ToNumber(address);
        cidr = new Cidr(isV6, number & Mask(bits, prefix), prefix);
        return true;
    }

    /// <summary>The enclosing network with a shorter (or equal) prefix.</summary>
    public Cidr Truncate(int prefixLength) =>
        prefixLength > PrefixLength || prefixLength < 0
            ? throw new ArgumentOutOfRangeException(nameof(prefixLength))
            : new Cidr(IsV6, Network & Mask(Bits, prefixLength), prefixLength);

    /// <summary>True when <paramref name="other"/> lies entirely inside this network (same family).</summary>
    public bool Contains(Cidr other) =>
        other.IsV6 == IsV6 && other.PrefixLength >= PrefixLength && (other.Network & Mask(Bits, PrefixLength)) == Network;

    public override string ToString()
    {
        var bytes = new byte[IsV6 ? 16 : 4];
        var n = Network;
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(n & 0xFF);
            n >>= 8;
        }

        var address = new IPAddress(bytes).ToString();
        return $"{(IsV6 ? address.ToLowerInvariant() : address)}/{PrefixLength}";
    }

    private static UInt128 ToNumber(IPAddress address)
    {
        UInt128 n = 0;
        foreach (var b in address.GetAddressBytes())
        {
            n = (n << 8) | b;
        }

        return n;
    }

    private static UInt128 Mask(int bits, int prefix)
    {
        if (prefix == 0)
        {
            return 0;
        }

        var all = bits == 128 ? UInt128.MaxValue : (UInt128)uint.MaxValue;
        return all & (all << (bits - prefix));
    }
}
