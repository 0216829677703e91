using System.Text.Json.Nodes;
using Rampart.Standards.Patterns;

namespace Rampart.Standards.Tests.Patterns;

public sealed class PatternMatcherTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static Observation Seen(int secondsFromT0, params string[] objects) => Seen(secondsFromT0, 0, objects);

    private static Observation Seen(int secondsFromT0, int durationSeconds, params string[] objects) =>
        new(T0.AddSeconds(secondsFromT0), T0.AddSeconds(secondsFromT0 + durationSeconds),
            objects.Select(o => (JsonObject)JsonNode.Parse(o)!).ToList());

    private static bool Match(string pattern, params Observation[] observations) =>
        PatternMatcher.Matches(PatternParser.Parse(pattern), observations);

    private const string Ip = """{"type":"ipv4-addr","id":"ipv4-addr--1","value":"198.51.100.7"}""";
    private const string OtherIp = """{"type":"ipv4-addr","id":"ipv4-addr--2","value":"203.0.113.9"}""";
    private const string Domain = """{"type":"domain-name","value":"Evil.Example.COM."}""";
    private const string File = """{"type":"file","name":"invoice_2024.exe","size":73802,"hashes":{"SHA-256":"AABBCCDDEEFF00112233445566778899AABBCCDDEEFF00112233445566778899","MD5":"0123456789abcdef0123456789abcdef"},"x_tags":["phish","loader"],"created":"2024-04-30T10:00:00.000Z"}""";
    private const string Traffic = """{"type":"network-traffic","src_ref":"ipv4-addr--1","dst_ref":"ipv4-addr--2","dst_port":443,"protocols":["ipv4","tcp","tls"]}""";
    private const string Artifact = """{"type":"artifact","payload_bin":"aGVsbG8="}""";

    [Theory]
    [InlineData("[ipv4-addr:value = '198.51.100.7']", true)]
    [InlineData("[ipv4-addr:value = '198.51.100.8']", false)]
    [InlineData("[ipv4-addr:value != '198.51.100.8']", true)]
    [InlineData("[domain-name:value = 'evil.example.com']", true)]
    [InlineData("[file:hashes.'SHA-256' = 'aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899']", true)]
    [InlineData("[file:hashes.MD5 = h'0123456789ABCDEF0123456789ABCDEF']", true)]
    [InlineData("[file:size > 70000 AND file:size < 80000]", true)]
    [InlineData("[file:size >= 73803]", false)]
    [InlineData("[file:size = 73802.0]", true)]
    [InlineData("[file:name LIKE 'invoice%.exe']", true)]
    [InlineData("[file:name LIKE 'invoice_2024.ex_']", true)]
    [InlineData("[file:name LIKE 'voice%']", false)]
    [InlineData("[file:name MATCHES '^invoice_[0-9]{4}\\\\.exe$']", true)]
    [InlineData("[file:name MATCHES 'voice']", true)]
    [InlineData("[file:x_tags[*] = 'loader']", true)]
    [InlineData("[file:x_tags[0] = 'loader']", false)]
    [InlineData("[file:x_tags[-1] = 'loader']", true)]
    [InlineData("[file:created < t'2024-05-01T00:00:00Z']", true)]
    [InlineData("[file:name IN ('a.exe', 'invoice_2024.exe')]", true)]
    [InlineData("[file:name NOT IN ('a.exe', 'invoice_2024.exe')]", false)]
    [InlineData("[EXISTS file:hashes.MD5]", true)]
    [InlineData("[EXISTS file:hashes.SHA1]", false)]
    [InlineData("[file:size = 'big']", false)]
    [InlineData("[file:size NOT = 'big']", false)]
    [InlineData("[file:missing NOT = 'x']", false)]
    [InlineData("[network-traffic:dst_ref.value = '203.0.113.9' AND network-traffic:dst_port = 443]", true)]
    [InlineData("[network-traffic:src_ref.value = '203.0.113.9']", false)]
    [InlineData("[network-traffic:protocols[*] = 'tls']", true)]
    [InlineData("[artifact:payload_bin = b'aGVsbG8=']", true)]
    [InlineData("[ipv4-addr:value = '198.51.100.7' AND file:size = 73802]", true)]
    [InlineData("[ipv4-addr:value = '198.51.100.7' AND file:size = 1]", false)]
    [InlineData("[ipv4-addr:value = '10.0.0.1' OR file:size = 73802]", true)]
    public void ComparisonExpressions_OnOneObservation(string pattern, bool expected) =>
        Assert.Equal(expected, Match(pattern, Seen(0, Ip, OtherIp, Domain, File, Traffic, Artifact)));

    [Theory]
    [InlineData("[ipv4-addr:value ISSUBSET '198.51.100.0/24']", true)]
    [InlineData("[ipv4-addr:value ISSUBSET '198.51.100.0/30']", false)]
    [InlineData("[ipv4-addr:value ISSUBSET '0.0.0.0/0']", true)]
    [InlineData("[ipv4-addr:value ISSUBSET '2001:db8::/32']", false)]
    [InlineData("[ipv4-addr:value ISSUPERSET '198.51.100.7']", true)]
    [InlineData("[ipv4-addr:value NOT ISSUBSET '198.51.100.0/24']", false)]
    public void CidrOperators(string pattern, bool expected) =>
        Assert.Equal(expected, Match(pattern, Seen(0, Ip)));

    [Fact]
    public void Not_HoldsWhenAnyObjectOfTheTypeDiffers()
    {
        Assert.False(Match("[ipv4-addr:value NOT = '198.51.100.7']", Seen(0, Ip)));
        // Two addresses in one observation: the other one is "not 198.51.100.7".
        Assert.True(Match("[ipv4-addr:value NOT = '198.51.100.7']", Seen(0, Ip, OtherIp)));
    }

    [Fact]
    public void Superset_OnANetworkValue()
    {
        var net = """{"type":"ipv6-addr","value":"2001:db8::/32"}""";
        Assert.True(Match("[ipv6-addr:value ISSUPERSET '2001:db8:1::/48']", Seen(0, net)));
        Assert.False(Match("[ipv6-addr:value ISSUPERSET '2001:db9::/48']", Seen(0, net)));
        Assert.True(Match("[ipv6-addr:value ISSUBSET '2001:db8::/16']", Seen(0, net)));
    }

    [Fact]
    public void And_BetweenObservationExpressions_NeedsTwoObservations()
    {
        Assert.False(Match("[ipv4-addr:value = '198.51.100.7'] AND [file:size = 73802]", Seen(0, Ip, File)));
        Assert.True(Match("[ipv4-addr:value = '198.51.100.7'] AND [file:size = 73802]", Seen(0, Ip), Seen(5, File)));
    }

    [Fact]
    public void FollowedBy_RespectsOrder()
    {
        const string pattern = "[ipv4-addr:value = '198.51.100.7'] FOLLOWEDBY [file:size = 73802]";
        Assert.True(Match(pattern, Seen(0, Ip), Seen(10, File)));
        Assert.False(Match(pattern, Seen(10, Ip), Seen(0, File)));
        // The file seen while the address was still being observed is not "after" it.
        Assert.False(Match(pattern, Seen(0, 20, Ip), Seen(10, File)));
    }

    [Fact]
    public void Within_BoundsTheSpanOfAllObservations()
    {
        const string pattern = "([ipv4-addr:value = '198.51.100.7'] AND [file:size = 73802]) WITHIN 60 SECONDS";
        Assert.True(Match(pattern, Seen(0, Ip), Seen(59, File)));
        Assert.False(Match(pattern, Seen(0, Ip), Seen(61, File)));
        Assert.True(Match(pattern, Seen(0, Ip), Seen(500, File), Seen(520, Ip)));
    }

    [Fact]
    public void Repeats_NeedsDistinctObservations()
    {
        const string pattern = "[ipv4-addr:value = '198.51.100.7'] REPEATS 3 TIMES";
        Assert.False(Match(pattern, Seen(0, Ip), Seen(1, Ip)));
        Assert.True(Match(pattern, Seen(0, Ip), Seen(1, Ip), Seen(2, Ip)));
        Assert.True(Match(pattern + " WITHIN 10 SECONDS", Seen(0, Ip), Seen(100, Ip), Seen(105, Ip), Seen(108, Ip)));
        Assert.False(Match(pattern + " WITHIN 5 SECONDS", Seen(0, Ip), Seen(100, Ip), Seen(105, Ip), Seen(108, Ip)));
    }

    [Fact]
    public void StartStop_KeepsObservationsInTheWindow()
    {
        const string pattern = "[ipv4-addr:value = '198.51.100.7'] START t'2024-05-01T08:00:00Z' STOP t'2024-05-01T09:00:00Z'";
        Assert.True(Match(pattern, Seen(60, Ip)));
        Assert.False(Match(pattern, Seen(3600, Ip)));
        Assert.False(Match(pattern, Seen(-1, Ip)));
    }

    [Fact]
    public void HostileRegex_DoesNotHang()
    {
        var file = """{"type":"file","name":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"}""";
        Assert.False(Match("[file:name MATCHES '^(a+)+$']", Seen(0, file)));
        Assert.False(Match("[file:name MATCHES '^(a|aa)+\\\\1$']", Seen(0, file)));
    }

    [Fact]
    public void FirstMatch_NamesTheObservations()
    {
        var match = PatternMatcher.FirstMatch(PatternParser.Parse("[a:x = 1] FOLLOWEDBY [b:y = 2]"),
            [Seen(0, """{"type":"b","y":2}"""), Seen(5, """{"type":"a","x":1}"""), Seen(9, """{"type":"b","y":2}""")]);
        Assert.Equal([1, 2], match);
    }
}
