using System.Text;
using Rampart.Standards.Misp;

namespace Rampart.Standards.Tests.Misp;

public sealed class WarningListTests
{
    private static readonly Lazy<WarningListMatcher> Samples = new(() => WarningListMatcher.FromDirectory(SharedData.Folder("misp-warninglists")));

    private static IEnumerable<string> Hits(string value, string? type = null) => Samples.Value.Match(value, type).Select(h => h.ListName);

    [Fact]
    public void AllSampleLists_Load()
    {
        Assert.Equal(21, Samples.Value.Lists.Count);
        Assert.All(Samples.Value.Lists, l => Assert.NotEmpty(l.Entries));
    }

    [Theory]
    [InlineData("10.20.30.40", "List of RFC 1918 CIDR blocks")]
    [InlineData("192.168.1.1", "List of RFC 1918 CIDR blocks")]
    [InlineData("8.8.8.8", "List of known IPv4 public DNS resolvers")]
    [InlineData("2001:DB8:0:0::5", "List of RFC 3849 CIDR blocks")]
    [InlineData("fe80::1", "List of IPv6 link local blocks")]
    [InlineData("d41d8cd98f00b204e9800998ecf8427e", "List of known hashes for empty files")]
    [InlineData("D41D8CD98F00B204E9800998ECF8427E", "List of known hashes for empty files")]
    public void Values_HitTheListsTheyBelongTo(string value, string list) => Assert.Contains(list, Hits(value));

    [Fact]
    public void Hostnames_MatchTheirSubdomains_AndUrlHosts()
    {
        var shortener = Samples.Value.Lists.Single(l => l.Name.Contains("shortener", StringComparison.OrdinalIgnoreCase)).Name;
        Assert.Contains(shortener, Hits("bit.ly"));
        Assert.Contains(shortener, Hits("BIT.LY."));
        Assert.Contains(shortener, Hits("https://bit.ly/3abc"));
        Assert.Contains(shortener, Hits("x.bit.ly"));
        Assert.DoesNotContain(shortener, Hits("notbit.ly"));
    }

    [Fact]
    public void OrdinaryIndicators_HitNothing()
    {
        Assert.Empty(Hits("45.9.148.108"));
        // 198.51.100.0/24 is TEST-NET-2: documentation, never a real indicator.
        Assert.Contains("List of RFC 5735 CIDR blocks", Hits("198.51.100.7"));
        Assert.Empty(Hits("evil-phish-login.example"));
        Assert.Empty(Hits("0123456789abcdef0123456789abcdef"));
    }

    [Fact]
    public void AttributeType_RestrictsTheLists()
    {
        Assert.Contains("List of RFC 1918 CIDR blocks", Hits("10.0.0.1", "ip-dst"));
        Assert.DoesNotContain("List of RFC 1918 CIDR blocks", Hits("10.0.0.1", "md5"));
        Assert.Contains("List of RFC 1918 CIDR blocks", Hits("intranet.example|10.0.0.1", "domain|ip"));
    }

    [Fact]
    public void SubstringAndRegexLists_Work()
    {
        var matcher = new WarningListMatcher(
        [
            new WarningList("subs", "", 1, WarningListType.Substring, ["sinkhole"], []),
            new WarningList("rx", "", 1, WarningListType.Regex, ["/^test[0-9]+\\.example$/i", "(a+)+$"], []),
        ]);
        Assert.Equal(["subs"], matcher.Match("ns1.SINKHOLE.example").Select(h => h.ListName));
        Assert.Equal(["rx"], matcher.Match("TEST42.example").Select(h => h.ListName));
        Assert.Empty(matcher.Match("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"));
    }

    [Theory]
    [InlineData("{}", "name")]
    [InlineData("{\"name\":\"x\",\"type\":\"fuzzy\",\"list\":[]}", "type")]
    [InlineData("{\"name\":\"x\",\"type\":\"string\"}", "list")]
    [InlineData("{\"name\":\"x\",\"type\":\"string\",\"list\":[1]}", "list[0]")]
    [InlineData("not json", null)]
    public void MalformedLists_AreRejectedWithThePath(string json, string? path)
    {
        var error = Assert.Throws<StandardsException>(() => WarningList.Parse(Encoding.UTF8.GetBytes(json)));
        if (path is not null)
        {
            Assert.Equal(path, error.Path);
        }
    }
}
