using System.Net;
using Rampart.Server.Intelligence.Webhooks;

namespace Rampart.Server.Tests;

/// <summary>The address classifier behind webhook and feed targets: every IPv6 form that carries a refused IPv4 address is refused.</summary>
public sealed class OutboundAddressTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("169.254.169.254")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::127.0.0.1")]            // IPv4-compatible (::/96)
    [InlineData("::7f00:1")]
    [InlineData("::169.254.169.254")]
    [InlineData("::10.0.0.1")]
    [InlineData("64:ff9b::7f00:1")]        // NAT64
    [InlineData("64:ff9b:1::5db8:d70e")]   // local-use NAT64
    [InlineData("2002:7f00:1::1")]         // 6to4 of 127.0.0.1
    [InlineData("2002:a9fe:a9fe::1")]      // 6to4 of 169.254.169.254
    [InlineData("2002:c0a8:0101::1")]      // 6to4 of 192.168.1.1
    [InlineData("2001:0:5db8:d70e::80ff:fffe")] // Teredo, client 127.0.0.1 (inverted)
    [InlineData("2001:0:7f00:1::a247:28f1")]    // Teredo, server 127.0.0.1
    [InlineData("fe80::1")]
    [InlineData("fd00::1")]
    [InlineData("2001:db8::1")]
    public void IsPrivate_LoopbackPrivateOrEmbeddedPrivateIPv4_IsRefused(string address) =>
        Assert.True(OutboundAddresses.IsPrivate(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("::93.184.215.14")]
    [InlineData("::ffff:93.184.215.14")]
    [InlineData("64:ff9b::5db8:d70e")]
    [InlineData("2002:5db8:d70e::1")]
    [InlineData("2001:0:5db8:d70e::a247:28f1")]
    [InlineData("2606:4700:4700::1111")]
    public void IsPrivate_PublicAddress_IsAllowed(string address) =>
        Assert.False(OutboundAddresses.IsPrivate(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("https://[::127.0.0.1]/")]
    [InlineData("https://[2002:7f00:1::1]/")]
    [InlineData("https://[64:ff9b::a9fe:a9fe]/")]
    public async Task CheckAsync_IPv6LiteralCarryingPrivateIPv4_IsRefused(string url) =>
        Assert.NotNull(await OutboundAddresses.CheckAsync(url, allowPrivate: false, allowHttp: false, CancellationToken.None));
}
