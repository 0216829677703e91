using Rampart.Standards.Patterns;

namespace Rampart.Standards.Tests.Patterns;

/// <summary>
/// One test per rule of the STIX 2.1 patterning grammar (STIX 2.1 §9, OASIS STIXPattern.g4 in
/// cti-stix2-json-schemas/pattern_grammar) and of the OASIS pattern validator. Each names the rule it checks.
/// </summary>
public sealed class PatternGrammarTests
{
    private static PatternValue ValueOf(string pattern) =>
        ((PropertyTest)((ObservationTest)PatternParser.Parse(pattern).Root).Comparison).Value;

    private static void Rejected(string pattern, string because)
    {
        var error = Assert.Throws<StandardsException>(() => PatternParser.Parse(pattern));
        Assert.Contains(because, error.Message, StringComparison.Ordinal);
    }

    // Lexer rule EQ: '=' | '=='.
    [Fact]
    public void Eq_DoubleEquals_IsEquality()
    {
        Assert.Equal(PatternParser.Parse("[a:x = 1]"), PatternParser.Parse("[a:x == 1]"));
        Assert.Equal("[a:x = 1]", PatternParser.Parse("[a:x==1]").ToString());
    }

    // Lexer rule NEQ: '!=' | '<>'.
    [Fact]
    public void Neq_AngleBrackets_IsInequality()
    {
        Assert.Equal(PatternParser.Parse("[a:x != 1]"), PatternParser.Parse("[a:x <> 1]"));
        Assert.Equal("[a:x != 'b']", PatternParser.Parse("[a:x<>'b']").ToString());
        // LE and LT still lex as themselves.
        Assert.Equal("[a:x <= 1 AND a:y < 2]", PatternParser.Parse("[a:x<=1 AND a:y<2]").ToString());
    }

    // Parser rule propTest: objectPath NOT? (EQ|NEQ|GT|LT|GE|LE|IN|LIKE|MATCHES|ISSUBSET|ISSUPERSET) …
    [Theory]
    [InlineData("[a:x NOT == 1]", "[a:x NOT = 1]")]
    [InlineData("[a:x NOT <> 1]", "[a:x NOT != 1]")]
    [InlineData("[a:x NOT > 1]", "[a:x NOT > 1]")]
    [InlineData("[a:x NOT ISSUPERSET '10.0.0.0/8']", "[a:x NOT ISSUPERSET '10.0.0.0/8']")]
    public void Not_PrecedesEveryComparisonOperator(string input, string canonical) =>
        Assert.Equal(canonical, PatternParser.Parse(input).ToString());

    // Parser rule propTestExists: EXISTS objectPath — and NOT EXISTS, negated by the comparison it stands in.
    [Fact]
    public void Exists_ParsesAndRoundTrips()
    {
        var parsed = PatternParser.Parse("[EXISTS windows-registry-key:values[*].name]");
        Assert.IsType<ExistsTest>(((ObservationTest)parsed.Root).Comparison);
        Assert.Equal("[EXISTS windows-registry-key:values[*].name]", parsed.ToString());
        var negated = Assert.IsType<ExistsTest>(((ObservationTest)PatternParser.Parse("[NOT EXISTS file:hashes.MD5]").Root).Comparison);
        Assert.True(negated.Negated);
        Assert.Equal("[NOT EXISTS file:hashes.MD5 AND file:name = 'a']", PatternParser.Parse("[NOT EXISTS file:hashes.MD5 AND file:name = 'a']").ToString());
        Assert.Throws<StandardsException>(() => PatternParser.Parse("[NOT file:name = 'a']"));
    }

    // Lexer rule COMMENT: '/*' .*? '*/' -> skip.
    [Fact]
    public void BlockComments_AreSkipped()
    {
        Assert.Equal("[a:x = 1] AND [b:y = 'c']", PatternParser.Parse("/* lead */[a:x /* in */ = 1]/**/AND/* multi\nline */[b:y = 'c']").ToString());
        // Inside a string it is text, not a comment.
        Assert.Equal(new StringValue("/* kept */"), ValueOf("[a:x = '/* kept */']"));
        Rejected("[a:x = 1] /* never closed", "not closed");
    }

    // Lexer rule LINE_COMMENT: '//' ~[\r\n]* -> skip.
    [Fact]
    public void LineComments_AreSkipped()
    {
        Assert.Equal("[a:x = 1] FOLLOWEDBY [b:y = 2]", PatternParser.Parse("[a:x = 1] // first\r\nFOLLOWEDBY [b:y = 2] // last").ToString());
        Assert.Equal(new StringValue("http://example.org"), ValueOf("[url:value = 'http://example.org']"));
        // A lone '/' is DIVIDE, which no parser rule uses.
        Rejected("[a:x = 1] / [b:y = 2]", "Unexpected character");
    }

    // Lexer rule WS: exactly [ \t\r\n\u000B\u000C\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000].
    [Fact]
    public void Whitespace_IsTheGrammarsSet()
    {
        Assert.Equal("[a:x = 1]", PatternParser.Parse("\u3000[\u00a0a:x\u2028=\u0085 1\u000B]\u205f").ToString());
        // U+180E (Mongolian vowel separator) and U+200B (zero-width space) are not in WS.
        Rejected("[a:x =\u200B1]", "Unexpected character");
    }

    // Lexer rule TimestampLiteral: seconds ([0-5][0-9] | '60').
    [Fact]
    public void Timestamp_LeapSecond_IsAccepted()
    {
        var leap = Assert.IsType<TimestampValue>(ValueOf("[a:t = t'2016-12-31T23:59:60Z']"));
        Assert.Equal("2016-12-31T23:59:60Z", leap.Text);
        Assert.True(leap.Value > new DateTimeOffset(2016, 12, 31, 23, 59, 59, 999, TimeSpan.Zero));
        Assert.True(leap.Value < new DateTimeOffset(2017, 1, 1, 0, 0, 0, TimeSpan.Zero));
        Assert.Equal("[a:t = t'2016-12-31T23:59:60.5Z']", PatternParser.Parse("[a:t = t'2016-12-31T23:59:60.5Z']").ToString());
        Rejected("[a:t = t'2016-12-31T23:59:61Z']", "RFC 3339");
        Rejected("[a:t = t'2016-12-31T23:59:60+00:00']", "RFC 3339");
        Rejected("[a:t = t'2016-12-31T23:59:60.Z']", "RFC 3339");
    }

    // Lexer rule TimestampLiteral: 'T' and 'Z' upper case, no offset; and RFC 3339 §5.7: the date must exist.
    [Theory]
    [InlineData("t'2024-01-01t00:00:00Z'")]
    [InlineData("t'2024-01-01T00:00:00z'")]
    [InlineData("t'2024-01-01T24:00:00Z'")]
    [InlineData("t'2023-02-29T00:00:00Z'")]
    [InlineData("t'2024-01-01T00:00Z'")]
    public void Timestamp_OutsideTheRule_IsRejected(string literal) => Rejected($"[a:t = {literal}]", "RFC 3339");

    // Lexer rules IntPosLiteral '+'? ('0' | [1-9][0-9]*) and IntNegLiteral '-' ('0' | [1-9][0-9]*).
    [Theory]
    [InlineData("[a:x = 0]", 0L)]
    [InlineData("[a:x = -0]", 0L)]
    [InlineData("[a:x = +12]", 12L)]
    [InlineData("[a:x = -12]", -12L)]
    public void Integers_OfTheGrammar_AreAccepted(string pattern, long expected) =>
        Assert.Equal(new IntegerValue(expected), ValueOf(pattern));

    [Theory]
    [InlineData("[a:x = 007]")]
    [InlineData("[a:x = -01]")]
    [InlineData("[a:x = +00]")]
    [InlineData("[a:x[01] = 1]")]
    public void Integers_WithLeadingZeros_AreRejected(string pattern) => Rejected(pattern, "leading zeros");

    // Lexer rules FloatPosLiteral '+'? [0-9]* '.' [0-9]+ and FloatNegLiteral: leading zeros allowed, digits after the point required.
    [Fact]
    public void Floats_FollowTheirRules()
    {
        Assert.Equal(new FloatValue(0.5), ValueOf("[a:x = 00.5]"));
        Assert.Equal(new FloatValue(-0.25), ValueOf("[a:x = -.25]"));
        Rejected("[a:x = 1.]", "followed by digits");
        Rejected("[a:x = 1e5]", "run into a name");
    }

    // Lexer rule BinaryLiteral: groups of four Base64Char ([A-Za-z0-9+/]), the last possibly 'xxx=' or 'xx=='.
    [Theory]
    [InlineData("b''")]
    [InlineData("b'aGVsbG8'")]
    [InlineData("b'aGVs bG8='")]
    [InlineData("b'aG=sbG8='")]
    [InlineData("b'===='")]
    [InlineData("b'aGVsbG8=='")]
    [InlineData("b'aGV-bG8='")]
    public void Binary_OutsideTheRule_IsRejected(string literal) => Rejected($"[a:x = {literal}]", "BinaryLiteral");

    [Fact]
    public void Binary_OfTheRule_IsAccepted()
    {
        Assert.Equal(new BinaryValue("hello"u8.ToArray()), ValueOf("[a:x = b'aGVsbG8=']"));
        Assert.Equal(new BinaryValue("hi"u8.ToArray()), ValueOf("[a:x = b'aGk=']"));
        Assert.Equal(new BinaryValue([0xfb, 0xff]), ValueOf("[a:x = b'+/8=']"));
    }

    // Lexer rule HexLiteral: 'h' QUOTE TwoHexDigits* QUOTE — an empty h'' is allowed, an odd count is not.
    [Fact]
    public void Hex_FollowsItsRule()
    {
        Assert.Equal(new HexValue([]), ValueOf("[a:x = h'']"));
        Assert.Equal(new HexValue([0xab]), ValueOf("[a:x = h'AB']"));
        Rejected("[a:x = h'abc']", "even number");
        Rejected("[a:x = h'zz']", "even number");
    }

    // Lexer: AND, OR, NOT, IN, LIKE, … true, false, LAST are keyword tokens, so firstPathComponent / keyPathStep
    // (IdentifierWithoutHyphen | StringLiteral) must quote them.
    [Theory]
    [InlineData("[x-thing:AND = 1]")]
    [InlineData("[x-thing:a.true = 1]")]
    [InlineData("[x-thing:LAST = 1]")]
    public void KeywordsAsPropertyNames_MustBeQuoted(string pattern) => Rejected(pattern, "quote it");

    [Fact]
    public void QuotedKeywords_AreNamesAndPrintQuoted() =>
        Assert.Equal("[x-thing:'AND'.'true' = 1]", PatternParser.Parse("[x-thing:'AND'.'true' = 1]").ToString());

    // Keywords are upper case only (2.1 grammar: AND: 'AND').
    [Fact]
    public void LowerCaseQualifier_IsRejected() => Assert.Throws<StandardsException>(() => PatternParser.Parse("[a:x = 1] within 2 SECONDS"));

    // withinQualifier: WITHIN (IntPosLiteral | FloatPosLiteral) SECONDS — no negative amount.
    [Fact]
    public void Within_Negative_IsRejected() => Rejected("[a:x = 1] WITHIN -5 SECONDS", "positive");

    // OASIS pattern validator (DuplicateQualifierTypeError): one qualifier of each kind on one observation expression.
    [Theory]
    [InlineData("[a:x = 1] WITHIN 5 SECONDS WITHIN 6 SECONDS", "WITHIN")]
    [InlineData("([a:x = 1] REPEATS 2 TIMES REPEATS 3 TIMES)", "REPEATS")]
    [InlineData("[a:x = 1] START t'2016-06-01T01:30:00Z' STOP t'2016-06-01T02:20:00Z' START t'2016-06-01T01:30:00Z' STOP t'2016-06-01T02:20:00Z'", "START/STOP")]
    [InlineData("[a:x = 1] WITHIN 5 SECONDS REPEATS 2 TIMES WITHIN 6 SECONDS", "WITHIN")]
    [InlineData("([a:x = 1] AND [b:y = 2]) WITHIN 5 SECONDS WITHIN 6 SECONDS", "WITHIN")]
    public void SameQualifierTwice_OnOneObservationExpression_IsRejected(string pattern, string kind) =>
        Rejected(pattern, $"at most one {kind} qualifier");

    // … but a parenthesised, qualified expression is a new observation expression and may be qualified again,
    // and different kinds may be chained.
    [Theory]
    [InlineData("([a:x = 1] WITHIN 5 SECONDS) WITHIN 6 SECONDS")]
    [InlineData("([a:x = 1] REPEATS 2 TIMES) REPEATS 2 TIMES")]
    [InlineData("[a:x = 1] WITHIN 5 SECONDS REPEATS 2 TIMES START t'2016-06-01T01:30:00Z' STOP t'2016-06-01T02:20:00Z'")]
    [InlineData("(([a:x = 1] WITHIN 5 SECONDS REPEATS 2 TIMES) WITHIN 6 SECONDS) REPEATS 3 TIMES")]
    public void QualifiersOnNewObservationExpressions_AreAccepted_AndPrintedWithTheirParentheses(string pattern)
    {
        var parsed = PatternParser.Parse(pattern);
        Assert.Equal(pattern, parsed.ToString());
        Assert.Equal(parsed, PatternParser.Parse(parsed.ToString()));
    }

    // The printer must not write what the grammar cannot read.
    [Fact]
    public void Printer_RefusesValuesWithoutAGrammarForm()
    {
        static StixPattern With(PatternValue v) => new(new ObservationTest(new PropertyTest(new ObjectPath("a", [new PropertyStep("x")]), ComparisonOperator.Equal, false, v)));
        Assert.Throws<StandardsException>(() => With(new BinaryValue([])).ToString());
        Assert.Throws<StandardsException>(() => With(new FloatValue(double.NaN)).ToString());
        Assert.Throws<StandardsException>(() => With(new FloatValue(double.PositiveInfinity)).ToString());
    }
}

/// <summary>NOT EXISTS in the matcher: holds for an object of the type that lacks the path.</summary>
public sealed class NotExistsMatcherTests
{
    private static Observation Seen(params string[] objects) =>
        new(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, objects.Select(o => (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(o)!).ToList());

    [Theory]
    [InlineData("[NOT EXISTS file:hashes.MD5]", """{"type":"file","name":"a"}""", true)]
    [InlineData("[NOT EXISTS file:hashes.MD5]", """{"type":"file","hashes":{"MD5":"00"}}""", false)]
    [InlineData("[EXISTS file:hashes.MD5]", """{"type":"file","hashes":{"MD5":"00"}}""", true)]
    [InlineData("[NOT EXISTS file:hashes.MD5]", """{"type":"url","value":"x"}""", false)]
    public void NotExists_Matches(string pattern, string sco, bool expected) =>
        Assert.Equal(expected, PatternMatcher.Matches(PatternParser.Parse(pattern), [Seen(sco)]));
}
