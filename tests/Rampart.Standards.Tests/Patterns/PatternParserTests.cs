using Rampart.Standards.Patterns;

namespace Rampart.Standards.Tests.Patterns;

public sealed class PatternParserTests
{
    [Theory]
    // Every comparison operator, with and without NOT.
    [InlineData("[ipv4-addr:value = '198.51.100.1']")]
    [InlineData("[ipv4-addr:value != '198.51.100.1']")]
    [InlineData("[file:size < 1024]")]
    [InlineData("[file:size <= 1024]")]
    [InlineData("[file:size > 1024]")]
    [InlineData("[file:size >= 1024]")]
    [InlineData("[ipv4-addr:value IN ('198.51.100.1', '198.51.100.2')]")]
    [InlineData("[file:name LIKE 'invoice%.exe']")]
    [InlineData("[file:name MATCHES '^inv[0-9]+\\\\.exe$']")]
    [InlineData("[ipv4-addr:value ISSUBSET '198.51.100.0/24']")]
    [InlineData("[ipv4-addr:value ISSUPERSET '198.51.100.0/28']")]
    [InlineData("[ipv4-addr:value NOT = '198.51.100.1']")]
    [InlineData("[file:name NOT LIKE '%.tmp']")]
    [InlineData("[ipv4-addr:value NOT IN ('198.51.100.1')]")]
    [InlineData("[EXISTS windows-registry-key:values]")]
    // Every constant type.
    [InlineData("[file:size = -5]")]
    [InlineData("[x-score:value = 0.75]")]
    [InlineData("[x-score:value = -0.5]")]
    [InlineData("[x-flag:enabled = true]")]
    [InlineData("[x-flag:enabled = false]")]
    [InlineData("[artifact:payload_bin = b'aGVsbG8=']")]
    [InlineData("[file:hashes.MD5 = h'0123456789abcdef0123456789abcdef']")]
    [InlineData("[file:created = t'2024-05-01T08:30:00Z']")]
    [InlineData("[file:created = t'2024-05-01T08:30:00.123456Z']")]
    [InlineData("[x-empty:list IN ()]")]
    // Object paths.
    [InlineData("[file:hashes.'SHA-256' = 'aa']")]
    [InlineData("[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.5]")]
    [InlineData("[network-traffic:protocols[0] = 'tcp']")]
    [InlineData("[email-message:to_refs[*].value = 'a@example.org']")]
    [InlineData("[network-traffic:dst_ref.value = '203.0.113.9']")]
    [InlineData("[x509-certificate:'serial number' = '01']")]
    // Boolean structure and precedence.
    [InlineData("[a:x = 1 AND b:y = 2]")]
    [InlineData("[a:x = 1 OR b:y = 2 AND c:z = 3]")]
    [InlineData("[(a:x = 1 OR b:y = 2) AND c:z = 3]")]
    [InlineData("[a:x = 1] AND [b:y = 2]")]
    [InlineData("[a:x = 1] OR [b:y = 2] AND [c:z = 3]")]
    [InlineData("([a:x = 1] OR [b:y = 2]) AND [c:z = 3]")]
    [InlineData("[a:x = 1] FOLLOWEDBY [b:y = 2]")]
    [InlineData("[a:x = 1] FOLLOWEDBY ([b:y = 2] FOLLOWEDBY [c:z = 3])")]
    // Qualifiers, chained.
    [InlineData("[a:x = 1] WITHIN 300 SECONDS")]
    [InlineData("[a:x = 1] WITHIN 2.5 SECONDS")]
    [InlineData("[a:x = 1] REPEATS 5 TIMES")]
    [InlineData("[a:x = 1] START t'2024-01-01T00:00:00Z' STOP t'2024-02-01T00:00:00Z'")]
    [InlineData("[a:x = 1] REPEATS 2 TIMES WITHIN 60 SECONDS")]
    [InlineData("([a:x = 1] AND [b:y = 2]) WITHIN 10 SECONDS")]
    // Strings with escapes.
    [InlineData("[file:name = 'it\\'s \\\\ here']")]
    public void CanonicalPatterns_RoundTripExactly(string pattern)
    {
        var parsed = PatternParser.Parse(pattern);
        Assert.Equal(pattern, parsed.ToString());
        Assert.Equal(parsed.ToString(), PatternParser.Parse(parsed.ToString()).ToString());
    }

    [Theory]
    [InlineData("[ ipv4-addr:value='198.51.100.1' ]", "[ipv4-addr:value = '198.51.100.1']")]
    [InlineData("[a:x = 1] AND ([b:y = 2])", "[a:x = 1] AND [b:y = 2]")]
    [InlineData("(([a:x = 1] AND [b:y = 2]) AND [c:z = 3])", "[a:x = 1] AND [b:y = 2] AND [c:z = 3]")]
    [InlineData("[file:hashes.'MD5' = 'aa']", "[file:hashes.MD5 = 'aa']")]
    [InlineData("[a:x = +7]", "[a:x = 7]")]
    [InlineData("[a:x = .5]", "[a:x = 0.5]")]
    [InlineData("[file:hashes.MD5 = h'ABCDEF01']", "[file:hashes.MD5 = h'abcdef01']")]
    public void NonCanonicalInput_PrintsCanonically(string input, string canonical) =>
        Assert.Equal(canonical, PatternParser.Parse(input).ToString());

    [Fact]
    public void Precedence_AndBindsTighterThanOr_FollowedByLoosest()
    {
        var root = PatternParser.Parse("[a:x = 1] OR [b:y = 2] AND [c:z = 3] FOLLOWEDBY [d:w = 4]").Root;
        var followed = Assert.IsType<ObservationBinary>(root);
        Assert.Equal(ObservationOperator.FollowedBy, followed.Operator);
        var or = Assert.IsType<ObservationBinary>(followed.Left);
        Assert.Equal(ObservationOperator.Or, or.Operator);
        Assert.Equal(ObservationOperator.And, Assert.IsType<ObservationBinary>(or.Right).Operator);
    }

    [Fact]
    public void Values_AreDecoded()
    {
        var test = (PropertyTest)((ObservationTest)PatternParser.Parse("[artifact:payload_bin = b'aGVsbG8=']").Root).Comparison;
        Assert.Equal("hello"u8.ToArray(), ((BinaryValue)test.Value).Value);
        var ts = (PropertyTest)((ObservationTest)PatternParser.Parse("[file:created = t'2024-05-01T08:30:00.5Z']").Root).Comparison;
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 8, 30, 0, 500, TimeSpan.Zero), ((TimestampValue)ts.Value).Value);
    }

    [Theory]
    [InlineData("", 0, "'['")]
    [InlineData("ipv4-addr:value = '1.2.3.4'", 0, "'['")]
    [InlineData("[ipv4-addr:value = '1.2.3.4'", 28, "']'")]
    [InlineData("[ipv4-addr:value '1.2.3.4']", 17, "comparison operator")]
    [InlineData("[ipv4-addr value = '1']", 11, "':'")]
    [InlineData("[ipv4-addr:value = ]", 19, "constant")]
    [InlineData("[ipv4-addr:value = '1.2.3.4]", 19, "not closed")]
    [InlineData("[a:x = 1] AND", 13, "'['")]
    [InlineData("[a:x = 1] WITHIN SECONDS", 17, "number of seconds")]
    [InlineData("[a:x = 1] WITHIN 0 SECONDS", 17, "positive")]
    [InlineData("[a:x = 1] REPEATS 0 TIMES", 18, "between 1")]
    [InlineData("[a:x = 1] REPEATS 2", 19, "TIMES")]
    [InlineData("[a:x = 1] START t'2024-02-01T00:00:00Z' STOP t'2024-01-01T00:00:00Z'", 10, "STOP must be later")]
    [InlineData("[a:x = t'2024-13-01T00:00:00Z']", 7, "RFC 3339")]
    [InlineData("[a:x = t'2024-01-01 00:00:00']", 7, "RFC 3339")]
    [InlineData("[a:x = h'abc']", 7, "even number")]
    [InlineData("[a:x = b'***']", 7, "base64")]
    [InlineData("[a:x = 'bad \\n escape']", 12, "escapes")]
    [InlineData("[a:x > true]", 7, "cannot be ordered")]
    [InlineData("[a:x LIKE 5]", 10, "a string after LIKE")]
    [InlineData("[a:x MATCHES '(unclosed']", 13, "regular expression")]
    [InlineData("[a:x IN '1']", 8, "'('")]
    [InlineData("[a:x IN (1, ]", 12, "constant")]
    [InlineData("[a:some-prop = 1]", 3, "quote it")]
    [InlineData("[a:x = 1] [b:y = 2]", 10, "end of the pattern")]
    [InlineData("[a:x = 99999999999999999999]", 7, "64-bit")]
    [InlineData("[a:x = 1] and [b:y = 2]", 10, "end of the pattern")]
    [InlineData("[a:x = 1 ^ 2]", 9, "Unexpected character")]
    public void Errors_GiveThePositionAndWhatWasExpected(string pattern, int position, string expected)
    {
        var error = Assert.Throws<StandardsException>(() => PatternParser.Parse(pattern));
        Assert.Equal(position, error.Position);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeepNesting_IsRefusedNotAStackOverflow()
    {
        var deep = new string('(', 5000) + "[a:x = 1]" + new string(')', 5000);
        var error = Assert.Throws<StandardsException>(() => PatternParser.Parse(deep));
        Assert.Contains("nests deeper", error.Message, StringComparison.Ordinal);
    }
}
