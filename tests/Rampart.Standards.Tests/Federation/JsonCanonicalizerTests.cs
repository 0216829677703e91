using System.Text;
using Rampart.Standards.Federation;

namespace Rampart.Standards.Tests.Federation;

/// <summary>RFC 8785 (JCS): the RFC's own examples, Appendix B's number table, and the I-JSON refusals.</summary>
public sealed class JsonCanonicalizerTests
{
    private static string Canon(string json) => Encoding.UTF8.GetString(JsonCanonicalizer.Canonicalize(json));

    [Fact]
    public void Canonicalize_Rfc8785Section322Example_GivesTheRfcsOutput()
    {
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;
        Assert.Equal("""{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}""", Canon(input));
    }

    [Fact]
    public void Canonicalize_Rfc8785Section323Example_SortsNamesByUtf16CodeUnits()
    {
        const string input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;
        var values = System.Text.Json.JsonDocument.Parse(Canon(input)).RootElement.EnumerateObject().Select(p => p.Value.GetString()).ToList();
        Assert.Equal(
            ["Carriage Return", "One", "Control", "Latin Small Letter O With Diaeresis", "Euro Sign", "Emoji: Grinning Face", "Hebrew Letter Dalet With Dagesh"],
            values);
    }

    [Theory]
    [InlineData(0x0000000000000000UL, "0")]
    [InlineData(0x8000000000000000UL, "0")]
    [InlineData(0x0000000000000001UL, "5e-324")]
    [InlineData(0x8000000000000001UL, "-5e-324")]
    [InlineData(0x7fefffffffffffffUL, "1.7976931348623157e+308")]
    [InlineData(0xffefffffffffffffUL, "-1.7976931348623157e+308")]
    [InlineData(0x4340000000000000UL, "9007199254740992")]
    [InlineData(0xc340000000000000UL, "-9007199254740992")]
    [InlineData(0x4430000000000000UL, "295147905179352830000")]
    [InlineData(0x44b52d02c7e14af5UL, "9.999999999999997e+22")]
    [InlineData(0x44b52d02c7e14af6UL, "1e+23")]
    [InlineData(0x44b52d02c7e14af7UL, "1.0000000000000001e+23")]
    [InlineData(0x444b1ae4d6e2ef4eUL, "999999999999999700000")]
    [InlineData(0x444b1ae4d6e2ef4fUL, "999999999999999900000")]
    [InlineData(0x444b1ae4d6e2ef50UL, "1e+21")]
    [InlineData(0x3eb0c6f7a0b5ed8cUL, "9.999999999999997e-7")]
    [InlineData(0x3eb0c6f7a0b5ed8dUL, "0.000001")]
    [InlineData(0x41b3de4355555553UL, "333333333.3333332")]
    [InlineData(0x41b3de4355555554UL, "333333333.33333325")]
    [InlineData(0x41b3de4355555555UL, "333333333.3333333")]
    [InlineData(0x41b3de4355555556UL, "333333333.3333334")]
    [InlineData(0x41b3de4355555557UL, "333333333.33333343")]
    [InlineData(0xbecbf647612f3696UL, "-0.0000033333333333333333")]
    [InlineData(0x43143ff3c1cb0959UL, "1424953923781206.2")]
    public void FormatNumber_Rfc8785AppendixB_PrintsLikeEcmaScript(ulong bits, string expected) =>
        Assert.Equal(expected, JsonCanonicalizer.FormatNumber(BitConverter.UInt64BitsToDouble(bits)));

    [Theory]
    [InlineData(0x7fffffffffffffffUL)]
    [InlineData(0x7ff0000000000000UL)]
    [InlineData(0xfff0000000000000UL)]
    public void FormatNumber_NaNOrInfinity_IsRefused(ulong bits) =>
        Assert.Throws<StandardsException>(() => JsonCanonicalizer.FormatNumber(BitConverter.UInt64BitsToDouble(bits)));

    [Theory]
    [InlineData("""{"a":1,"a":2}""")]
    [InlineData("""["\ud800"]""")]
    [InlineData("""["\udc00x"]""")]
    [InlineData("""[1e400]""")]
    [InlineData("""{"a":""")]
    public void Canonicalize_NotIJson_IsRefused(string input) => Assert.Throws<StandardsException>(() => Canon(input));

    [Fact]
    public void Canonicalize_WhitespaceAndOrderDiffer_GivesTheSameBytes() =>
        Assert.Equal(Canon("""{"b":[1,2.0,{"y":1,"x":"é"}],"a":true}"""), Canon(" { \"a\" : true , \"b\" : [ 1.00 , 2 , { \"x\" : \"\\u00e9\" , \"y\" : 1e0 } ] } "));

    [Fact]
    public void Canonicalize_NestedObjects_SortsEveryLevelAndKeepsArrayOrder() =>
        Assert.Equal("""{"a":{"a":[3,1,2],"b":0},"b":null}""", Canon("""{"b":null,"a":{"b":0,"a":[3,1,2]}}"""));

    [Fact]
    public void Canonicalize_ControlCharacters_UseShortOrLowerCaseEscapes() =>
        Assert.Equal("\"\\b\\t\\n\\f\\r\\u0001\\u001f /<>\u007f\"", Canon("\"\\b\\t\\n\\f\\r\\u0001\\u001F \\/<>\\u007f\""));
}
