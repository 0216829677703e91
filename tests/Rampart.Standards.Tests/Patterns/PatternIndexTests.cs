using Rampart.Standards.Patterns;

namespace Rampart.Standards.Tests.Patterns;

public sealed class PatternIndexTests
{
    [Fact]
    public void EqualityAndIn_AreIndexed_Normalised()
    {
        var terms = PatternIndex.Extract(PatternParser.Parse(
            "[ipv4-addr:value = '198.051.100.7' OR domain-name:value = 'Bücher.Example.' OR file:hashes.'SHA-256' = 'AABB'] " +
            "AND [url:value IN ('HTTP://Example.COM:80/a?b=C#frag', 'https://x.example/')] FOLLOWEDBY [x-id:n = 42]"));
        Assert.Contains(new IndexTerm("domain-name", "value", "xn--bcher-kva.example"), terms);
        Assert.Contains(new IndexTerm("file", "hashes.'SHA-256'", "aabb"), terms);
        Assert.Contains(new IndexTerm("url", "value", "http://example.com/a?b=C"), terms);
        Assert.Contains(new IndexTerm("url", "value", "https://x.example/"), terms);
        Assert.Contains(new IndexTerm("x-id", "n", "42"), terms);
        // '198.051.100.7' is ambiguous (octal to some parsers) and is kept as written, not guessed.
        Assert.Contains(new IndexTerm("ipv4-addr", "value", "198.051.100.7"), terms);
    }

    [Fact]
    public void NegatedRangeAndFuzzyComparisons_PinNothingDown()
    {
        var terms = PatternIndex.Extract(PatternParser.Parse(
            "[ipv4-addr:value NOT = '1.1.1.1' AND file:size > 5 AND file:name LIKE 'a%' AND ipv4-addr:value ISSUBSET '10.0.0.0/8' AND EXISTS file:name]"));
        Assert.Empty(terms);
    }

    [Fact]
    public void Ipv6_IsCompressed_AndMappedIpv4Unwrapped()
    {
        var terms = PatternIndex.Extract(PatternParser.Parse("[ipv6-addr:value = '2001:0DB8:0000:0000:0000:0000:0000:0001' OR ipv6-addr:value = '::ffff:198.51.100.7']"));
        Assert.Contains(new IndexTerm("ipv6-addr", "value", "2001:db8::1"), terms);
        Assert.Contains(new IndexTerm("ipv6-addr", "value", "198.51.100.7"), terms);
    }
}
