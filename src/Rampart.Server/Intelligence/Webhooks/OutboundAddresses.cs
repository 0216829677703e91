using System.Net;
using System.Net.Sockets;

namespace Rampart.Server.Intelligence.Webhooks;

/// <summary>
/// Where the node may connect on behalf of an organisation (webhook deliveries, feed pulls): public
/// addresses only, unless configured otherwise. Checked when a URL is registered and again on the address
/// actually connected to (<see cref="CreateHandler"/>), so a name that later resolves to 127.0.0.1 or the
/// cloud metadata address is refused at connection time.
/// </summary>
public static class OutboundAddresses
{
    /// <summary>Loopback, unspecified, private (RFC 1918, ULA), link-local, CGNAT, multicast, reserved and documentation ranges.</summary>
    public static bool IsPrivate(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] switch
            {
                0 or 10 or 127 => true,
                100 => b[1] is >= 64 and <= 127,            // 100.64/10 carrier-grade NAT
                169 => b[1] == 254,                          // link-local, cloud metadata
                172 => b[1] is >= 16 and <= 31,
                192 => (b[1] == 168) || (b[1] == 0 && b[2] is 0 or 2) || (b[1] == 88 && b[2] == 99),
                198 => b[1] is 18 or 19 || (b[1] == 51 && b[2] == 100),
                203 => b[1] == 0 && b[2] == 113,
                >= 224 => true,                              // multicast, reserved, broadcast
                _ => false,
            };
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (IPAddress.IPv6Loopback.Equals(address) || IPAddress.IPv6None.Equals(address)
                || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal)
            {
                return true;
            }

            var b = address.GetAddressBytes();
            // ::a.b.c.d (IPv4-compatible, ::/96, deprecated), 64:ff9b::/96 (NAT64) and 64:ff9b:1::/48 (local NAT64):
            // judge by the IPv4 address inside.
            if (b[0..12].All(x => x == 0)
                || (b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..12].All(x => x == 0)))
            {
                return IsPrivate(new IPAddress(b[12..]));
            }

            if (b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4] == 0 && b[5] == 1)
            {
                return true;
            }

            // 2002::/16 (6to4): the IPv4 address is in bytes 2..5.
            if (b[0] == 0x20 && b[1] == 0x02)
            {
                return IsPrivate(new IPAddress(b[2..6]));
            }

            // 2001::/32 (Teredo): the client's IPv4 address is stored inverted in the last four bytes, the
            // server's in bytes 4..7; refuse the range when either is not public.
            if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0)
            {
                return IsPrivate(new IPAddress(b[4..8])) || IsPrivate(new IPAddress(b[12..].Select(x => (byte)~x).ToArray()));
            }

            return b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8;
        }

        return true;
    }

    /// <summary>
    /// Why <paramref name="url"/> may not be a target, or null when it may. Resolves the host name: a name that
    /// resolves to nothing, or to any non-public address, is refused unless <paramref name="allowPrivate"/>.
    /// </summary>
    public static async Task<string?> CheckAsync(string? url, bool allowPrivate, bool allowHttp, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "An absolute https:// URL.";
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !allowHttp)
        {
            return "Must be https:// (this node does not allow http:// targets).";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "No user name or password in the URL.";
        }

        if (allowPrivate)
        {
            return null;
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(uri.IdnHost, out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(uri.IdnHost, cancellationToken);
            }
            catch (SocketException)
            {
                return "The host name does not resolve.";
            }
        }

        if (addresses.Length == 0)
        {
            return "The host name does not resolve.";
        }

        return addresses.Any(IsPrivate) ? "Points to a loopback, link-local or private address, which this node does not call." : null;
    }

    /// <summary>
    /// An HTTP handler that connects only to allowed addresses (the check on the resolved address, at
    /// connection time), never follows redirects and bounds the response it reads.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(Func<bool> allowPrivate) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
            var allowed = allowPrivate() ? addresses : addresses.Where(a => !IsPrivate(a)).ToArray();
            if (allowed.Length == 0)
            {
                throw new HttpRequestException($"The address of {host} is not one this node calls (loopback, link-local or private).");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
