using Rampart.Standards.Observables;

namespace Rampart.Standards.Tests.Observables;

public sealed class NormaliseTests
{
    [Theory]
    [InlineData("198.51.100.7", "198.51.100.7")]
    [InlineData(" 0.0.0.0 ", "0.0.0.0")]
    [InlineData("2001:0DB8:0:0:0:0:0:1", "2001:db8::1")]
    [InlineData("[2001:db8::1]", "2001:db8::1")]
    [InlineData("::ffff:198.51.100.7", "198.51.100.7")]
    public void Addresses(string input, string expected)
    {
        Assert.True(Normalise.TryIpAddress(input, out var canonical));
        Assert.Equal(expected, canonical);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("1.2.3")]
    [InlineData("01.2.3.4")]
    [InlineData("256.1.1.1")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("fe80::1%eth0")]
    public void NotAddresses(string input) => Assert.False(Normalise.TryIpAddress(input, out _));

    [Theory]
    [InlineData("10.1.2.3/8", "10.0.0.0/8")]
    [InlineData("198.51.100.7", "198.51.100.7/32")]
    [InlineData("2001:db8::1/32", "2001:db8::/32")]
    public void Cidrs(string input, string expected)
    {
        Assert.True(Normalise.TryCidr(input, out var canonical));
        Assert.Equal(expected, canonical);
    }

    [Theory]
    [InlineData("Example.COM.", "example.com")]
    [InlineData("bücher.example", "xn--bcher-kva.example")]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
    [InlineData("_dmarc.example.org", "_dmarc.example.org")]
    public void Domains(string input, string expected)
    {
        Assert.True(Normalise.TryDomain(input, out var canonical));
        Assert.Equal(expected, canonical);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("1.2.3.4")]
    [InlineData("-bad.example")]
    [InlineData("a..b")]
    [InlineData("has space.example")]
    public void NotDomains(string input) => Assert.False(Normalise.TryDomain(input, out _));

    [Theory]
    [InlineData("HTTP://Example.COM:80/Path?Q=1#frag", "http://example.com/Path?Q=1")]
    [InlineData("https://bücher.example", "https://xn--bcher-kva.example/")]
    [InlineData("https://[2001:DB8::1]:8443/x", "https://[2001:db8::1]:8443/x")]
    public void Urls(string input, string expected)
    {
        Assert.True(Normalise.TryUrl(input, out var canonical));
        Assert.Equal(expected, canonical);
    }

    [Fact]
    public void Hashes_AreLowerCase_OfKnownLengthOnly()
    {
        Assert.True(Normalise.TryHash("D41D8CD98F00B204E9800998ECF8427E", out var md5));
        Assert.Equal("d41d8cd98f00b204e9800998ecf8427e", md5);
        Assert.False(Normalise.TryHash("D41D8CD98F00B204E9800998ECF8427", out _));
        Assert.False(Normalise.TryHash("Z41D8CD98F00B204E9800998ECF8427E", out _));
    }

    [Theory]
    [InlineData("hashes.MD5", "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("hashes.SSDEEP", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C")]
    [InlineData("hashes.TLSH", "T1A0C0F1C2D3E4", "T1A0C0F1C2D3E4")]
    public void Hashes_HexDigestsFoldCase_EncodedDigestsKeepIt(string path, string input, string expected) =>
        Assert.Equal(expected, Normalise.Value("file", path, input));
}
