using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Rampart.Server.Identity;

/// <summary>
/// <c>Rampart:Network</c>: the reverse proxies whose <c>X-Forwarded-For</c> / <c>X-Forwarded-Proto</c> the node
/// believes. The client address keys the failure throttle and is written to the audit trail, so it is taken
/// from a forwarded header only when the connection comes from one of these; with none configured, never.
/// </summary>
public sealed class NetworkOptions
{
    public const string Section = "Rampart:Network";

    /// <summary>Comma-separated proxy addresses, e.g. <c>127.0.0.1,10.0.0.5</c>.</summary>
    public string? KnownProxies { get; set; }

    /// <summary>Comma-separated networks in CIDR form, e.g. <c>10.0.0.0/24,fd00::/64</c>.</summary>
    public string? KnownNetworks { get; set; }

    public IEnumerable<IPAddress> Proxies() => Split(KnownProxies).Select(IPAddress.Parse);

    public IEnumerable<System.Net.IPNetwork> Networks() => Split(KnownNetworks).Select(n => System.Net.IPNetwork.Parse(n));

    public bool IsValid() =>
        Split(KnownProxies).All(p => IPAddress.TryParse(p, out _)) && Split(KnownNetworks).All(n => System.Net.IPNetwork.TryParse(n, out _));

    private static string[] Split(string? list) =>
        (list ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Forwarded headers from the configured proxies only; a chain of known proxies is followed to the first unknown address.</summary>
    public static void Configure(ForwardedHeadersOptions forwarded, NetworkOptions network)
    {
        ArgumentNullException.ThrowIfNull(forwarded);
        ArgumentNullException.ThrowIfNull(network);
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        // With both lists empty the middleware would believe any sender: no proxies configured means no forwarded headers.
        var proxies = network.Proxies().ToList();
        var networks = network.Networks().ToList();
        forwarded.ForwardedHeaders = proxies.Count + networks.Count == 0
            ? ForwardedHeaders.None
            : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        forwarded.ForwardLimit = null;
        foreach (var proxy in proxies)
        {
            forwarded.KnownProxies.Add(proxy);
        }

        foreach (var range in networks)
        {
            forwarded.KnownIPNetworks.Add(range);
        }
    }
}
