using Rampart.Server.Intelligence.Read;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Observables;

namespace Rampart.Server.Tests;

/// <summary>The 16-byte range keys of networks: what the store writes and what searches and correlation look up are one function.</summary>
public sealed class ObservableRangeTests
{
    [Theory]
    [InlineData("::/0", "00000000000000000000000000000000", "ffffffffffffffffffffffffffffffff")]
    [InlineData("2001:db8::/32", "20010db8000000000000000000000000", "20010db8ffffffffffffffffffffffff")]
    [InlineData("2001:db8::1/128", "20010db8000000000000000000000001", "20010db8000000000000000000000001")]
    [InlineData("0.0.0.0/0", "00000000000000000000ffff00000000", "00000000000000000000ffffffffffff")]
    [InlineData("10.0.0.0/8", "00000000000000000000ffff0a000000", "00000000000000000000ffff0affffff")]
    [InlineData("192.0.2.7/32", "00000000000000000000ffffc0000207", "00000000000000000000ffffc0000207")]
    public void Range_IsTheFirstAndLastAddress_IPv4InsideTheMappedBlock_EvenForTheWholeIPv6Space(string text, string first, string last)
    {
        Assert.True(Cidr.TryParse(text, out var cidr), text);
        var (start, end) = ObservableValues.Range(cidr);
        Assert.Equal(first, Convert.ToHexStringLower(start));
        Assert.Equal(last, Convert.ToHexStringLower(end));
        var (readStart, readEnd) = ObservableKey.Range(cidr);
        Assert.Equal(start, readStart);
        Assert.Equal(end, readEnd);
    }
}
