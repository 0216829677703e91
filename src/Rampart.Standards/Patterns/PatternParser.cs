using System.Globalization;
using System.Text;

namespace Rampart.Standards.Patterns;

/// <summary>
/// Parses the STIX 2.1 patterning language (STIX 2.1 §9): observation expressions with AND, OR,
/// FOLLOWEDBY and the WITHIN, REPEATS and START/STOP qualifiers; comparison expressions with
/// = != &lt; &lt;= &gt; &gt;= IN LIKE MATCHES ISSUBSET ISSUPERSET (each optionally NOT) and EXISTS; object
/// paths with list indexes and quoted components; and every constant type. Errors are a
/// <see cref="StandardsException"/> with the position and what was expected.
/// </summary>
public static class PatternParser
{
    /// <summary>Patterns longer than this are refused: no legitimate indicator needs more.</summary>
    public const int MaxLength = 1 << 20;

    private const int MaxDepth = 200;

    public static StixPattern Parse(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Length > MaxLength)
        {
            throw new StandardsException($"The pattern is longer than {MaxLength} characters.", 0);
        }

        var parser = new Parser(Lexer.Tokenize(pattern));
        var root = parser.ParseObservationExpressions();
        parser.Expect(TokenKind.End, "the end of the pattern");
        return new StixPattern(root);
    }

    public static bool TryParse(string pattern, out StixPattern? result, out StandardsException? error)
    {
        try
        {
            result = Parse(pattern);
            error = null;
            return true;
        }
        catch (StandardsException e)
        {
            result = null;
            error = e;
            return false;
        }
    }

    internal enum TokenKind
    {
        End,
        Identifier,
        String,
        Integer,
        Float,
        Binary,
        Hex,
        Timestamp,
        Boolean,
        Keyword,
        LeftBracket,
        RightBracket,
        LeftParen,
        RightParen,
        Colon,
        Dot,
        Comma,
        Star,
        Operator,
    }

    internal readonly record struct Token(TokenKind Kind, string Text, int Position, object? Value = null)
    {
        public override string ToString() => Kind switch
        {
            TokenKind.End => "the end of the pattern",
            TokenKind.String => $"the string '{Text}'",
            _ => $"'{Text}'",
        };
    }

    private static class Lexer
    {
        private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
        {
            "AND", "OR", "NOT", "FOLLOWEDBY", "LIKE", "MATCHES", "ISSUPERSET", "ISSUBSET", "EXISTS", "IN",
            "START", "STOP", "SECONDS", "WITHIN", "REPEATS", "TIMES", "LAST",
        };

        public static List<Token> Tokenize(string s)
        {
            var tokens = new List<Token>();
            var i = 0;
            while (true)
            {
                SkipWhitespaceAndComments(s, ref i);

                if (i >= s.Length)
                {
                    tokens.Add(new Token(TokenKind.End, "", s.Length));
                    return tokens;
                }

                var start = i;
                var c = s[i];
                switch (c)
                {
                    case '[':
                        tokens.Add(new Token(TokenKind.LeftBracket, "[", i++));
                        continue;
                    case ']':
                        tokens.Add(new Token(TokenKind.RightBracket, "]", i++));
                        continue;
                    case '(':
                        tokens.Add(new Token(TokenKind.LeftParen, "(", i++));
                        continue;
                    case ')':
                        tokens.Add(new Token(TokenKind.RightParen, ")", i++));
                        continue;
                    case ':':
                        tokens.Add(new Token(TokenKind.Colon, ":", i++));
                        continue;
                    case ',':
                        tokens.Add(new Token(TokenKind.Comma, ",", i++));
                        continue;
                    case '*':
                        tokens.Add(new Token(TokenKind.Star, "*", i++));
                        continue;
                    // Grammar rule EQ: '=' | '=='; NEQ: '!=' | '<>'. Both spellings mean the same; the printer writes = and !=.
                    case '=':
                        {
                            var length = i + 1 < s.Length && s[i + 1] == '=' ? 2 : 1;
                            tokens.Add(new Token(TokenKind.Operator, "=", i));
                            i += length;
                            continue;
                        }

                    case '!' when i + 1 < s.Length && s[i + 1] == '=':
                        tokens.Add(new Token(TokenKind.Operator, "!=", i));
                        i += 2;
                        continue;
                    case '<' when i + 1 < s.Length && s[i + 1] == '>':
                        tokens.Add(new Token(TokenKind.Operator, "!=", i));
                        i += 2;
                        continue;
                    case '<' or '>':
                        {
                            var op = i + 1 < s.Length && s[i + 1] == '=' ? c + "=" : c.ToString();
                            tokens.Add(new Token(TokenKind.Operator, op, i));
                            i += op.Length;
                            continue;
                        }

                    case '\'':
                        {
                            var text = ReadQuoted(s, ref i);
                            tokens.Add(new Token(TokenKind.String, text, start, text));
                            continue;
                        }

                    case '.' when i + 1 < s.Length && char.IsAsciiDigit(s[i + 1]) && PreviousAllowsNumber(tokens):
                        tokens.Add(ReadNumber(s, ref i));
                        continue;
                    case '.':
                        tokens.Add(new Token(TokenKind.Dot, ".", i++));
                        continue;
                }

                if ((c is 'b' or 'h' or 't') && i + 1 < s.Length && s[i + 1] == '\'')
                {
                    i++;
                    var text = ReadQuoted(s, ref i);
                    tokens.Add(c switch
                    {
                        'b' => new Token(TokenKind.Binary, text, start, DecodeBase64(text, start)),
                        'h' => new Token(TokenKind.Hex, text, start, DecodeHex(text, start)),
                        _ => new Token(TokenKind.Timestamp, text, start, ParseTimestamp(text, start)),
                    });
                    continue;
                }

                if (char.IsAsciiDigit(c) || ((c is '-' or '+') && i + 1 < s.Length && (char.IsAsciiDigit(s[i + 1]) || s[i + 1] == '.')))
                {
                    tokens.Add(ReadNumber(s, ref i));
                    continue;
                }

                if (char.IsAsciiLetter(c) || c == '_')
                {
                    while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] is '_' or '-'))
                    {
                        i++;
                    }

                    var word = s[start..i];
                    tokens.Add(word switch
                    {
                        "true" => new Token(TokenKind.Boolean, word, start, true),
                        "false" => new Token(TokenKind.Boolean, word, start, false),
                        _ when Keywords.Contains(word) => new Token(TokenKind.Keyword, word, start),
                        _ => new Token(TokenKind.Identifier, word, start),
                    });
                    continue;
                }

                throw new StandardsException($"Unexpected character '{c}'.", i);
            }
        }

        // Grammar rule WS: exactly these characters are skipped between tokens.
        private static bool IsPatternWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n' or '\u000B' or '\u000C' or '\u0085' or '\u00A0'
            or '\u1680' or (>= '\u2000' and <= '\u200A') or '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u3000';

        // Grammar rules WS, COMMENT ('/*' .*? '*/') and LINE_COMMENT ('//' ~[\r\n]*) are skipped between tokens.
        private static void SkipWhitespaceAndComments(string s, ref int i)
        {
            while (i < s.Length)
            {
                if (IsPatternWhitespace(s[i]))
                {
                    i++;
                }
                else if (s[i] == '/' && i + 1 < s.Length && s[i + 1] == '*')
                {
                    var end = s.IndexOf("*/", i + 2, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        throw new StandardsException("A comment /* is not closed with */.", i);
                    }

                    i = end + 2;
                }
                else if (s[i] == '/' && i + 1 < s.Length && s[i + 1] == '/')
                {
                    while (i < s.Length && s[i] is not ('\r' or '\n'))
                    {
                        i++;
                    }
                }
                else
                {
                    return;
                }
            }
        }

        // After '[' (an index) a number may start with '.', e.g. never; but after an operator or '(' / ',' it may.
        private static bool PreviousAllowsNumber(List<Token> tokens) =>
            tokens.Count > 0 && tokens[^1].Kind is TokenKind.Operator or TokenKind.LeftParen or TokenKind.Comma or TokenKind.Keyword;

        private static string ReadQuoted(string s, ref int i)
        {
            var start = i;
            i++; // opening quote
            var text = new StringBuilder();
            while (true)
            {
                if (i >= s.Length)
                {
                    throw new StandardsException("A quoted constant is not closed with '.", start);
                }

                var c = s[i];
                if (c == '\\')
                {
                    if (i + 1 < s.Length && s[i + 1] is '\'' or '\\')
                    {
                        text.Append(s[i + 1]);
                        i += 2;
                        continue;
                    }

                    throw new StandardsException("In a string only \\' and \\\\ are escapes.", i);
                }

                if (c == '\'')
                {
                    i++;
                    return text.ToString();
                }

                text.Append(c);
                i++;
            }
        }

        private static Token ReadNumber(string s, ref int i)
        {
            var start = i;
            if (s[i] is '-' or '+')
            {
                i++;
            }

            var digitsStart = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            var isFloat = false;
            if (i < s.Length && s[i] == '.')
            {
                isFloat = true;
                i++;
                var fractionStart = i;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                }

                if (i == fractionStart)
                {
                    throw new StandardsException("A decimal point must be followed by digits.", i);
                }
            }

            if (i < s.Length && (char.IsAsciiLetter(s[i]) || s[i] == '_'))
            {
                throw new StandardsException("A number must not run into a name; separate them with a space.", i);
            }

            // Grammar rules IntPosLiteral / IntNegLiteral: '0' | [1-9] [0-9]* — no leading zeros (FloatPosLiteral allows them).
            if (!isFloat && i - digitsStart > 1 && s[digitsStart] == '0')
            {
                throw new StandardsException("An integer constant has no leading zeros (grammar rule IntPosLiteral).", start);
            }

            var text = s[start..i];
            if (isFloat)
            {
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || double.IsInfinity(d))
                {
                    throw new StandardsException($"'{text}' is not a usable number.", start);
                }

                return new Token(TokenKind.Float, text, start, d);
            }

            if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
            {
                throw new StandardsException($"'{text}' does not fit in a 64-bit integer.", start);
            }

            return new Token(TokenKind.Integer, text, start, l);
        }

        // Grammar rule BinaryLiteral: one or more groups of four of [A-Za-z0-9+/], the last group possibly ending in
        // '=' or '=='; nothing else (no whitespace, no missing padding, no empty b'').
        private static byte[] DecodeBase64(string text, int position)
        {
            if (!IsGrammarBase64(text))
            {
                throw new StandardsException("A binary constant b'…' must hold base64: groups of four characters of A-Z a-z 0-9 + /, padded with = (grammar rule BinaryLiteral).", position);
            }

            return Convert.FromBase64String(text);
        }

        internal static bool IsGrammarBase64(string text)
        {
            if (text.Length == 0 || text.Length % 4 != 0)
            {
                return false;
            }

            var padding = text.EndsWith("==", StringComparison.Ordinal) ? 2 : text.EndsWith('=') ? 1 : 0;
            for (var k = 0; k < text.Length - padding; k++)
            {
                if (!(char.IsAsciiLetterOrDigit(text[k]) || text[k] is '+' or '/'))
                {
                    return false;
                }
            }

            return true;
        }

        private static byte[] DecodeHex(string text, int position)
        {
            if (text.Length % 2 != 0 || !text.All(char.IsAsciiHexDigit))
            {
                throw new StandardsException("A hex constant h'…' must hold an even number of hex digits.", position);
            }

            return Convert.FromHexString(text);
        }

        // Grammar rule TimestampLiteral: YYYY-MM-DDTHH:MM:SS[.s+]Z with seconds 00-60 (60: a leap second). The date
        // must also exist (RFC 3339 §5.7). A leap second's value is the last instant of second 59, so it orders after
        // every time in that second and before the next minute; its text is kept as written.
        private static DateTimeOffset ParseTimestamp(string text, int position)
        {
            var leap = text.Length >= 20 && text[17] == '6' && text[18] == '0';
            var parsable = leap ? string.Concat(text.AsSpan(0, 17), "59Z") : text;
            if (leap && !(text[19] == 'Z' && text.Length == 20 || text[19] == '.' && text.Length > 21 && text[20..^1].All(char.IsAsciiDigit) && text[^1] == 'Z'))
            {
                parsable = "";
            }

            return Timestamps.TryParse(parsable, out var value)
                ? leap ? value.AddTicks(TimeSpan.TicksPerSecond - 1) : value
                : throw new StandardsException("A timestamp t'…' must be RFC 3339 in UTC, e.g. t'2024-05-01T08:30:00Z' or with fractional seconds.", position);
        }
    }

    private sealed class Parser(List<Token> tokens)
    {
        private int index;
        private int depth;

        private Token Current => tokens[index];

        public Token Expect(TokenKind kind, string what)
        {
            if (Current.Kind != kind)
            {
                throw new StandardsException($"Expected {what} but found {Current}.", Current.Position);
            }

            return tokens[index++];
        }

        private bool AcceptKeyword(string keyword)
        {
            if (Current.Kind == TokenKind.Keyword && Current.Text == keyword)
            {
                index++;
                return true;
            }

            return false;
        }

        private void ExpectKeyword(string keyword)
        {
            if (!AcceptKeyword(keyword))
            {
                throw new StandardsException($"Expected {keyword} but found {Current}.", Current.Position);
            }
        }

        private void Enter()
        {
            if (++depth > MaxDepth)
            {
                throw new StandardsException($"The pattern nests deeper than {MaxDepth} levels.", Current.Position);
            }
        }

        public ObservationExpression ParseObservationExpressions()
        {
            Enter();
            var left = ParseObservationOr();
            while (AcceptKeyword("FOLLOWEDBY"))
            {
                left = new ObservationBinary(ObservationOperator.FollowedBy, left, ParseObservationOr());
            }

            depth--;
            return left;
        }

        private ObservationExpression ParseObservationOr()
        {
            var left = ParseObservationAnd();
            while (AcceptKeyword("OR"))
            {
                left = new ObservationBinary(ObservationOperator.Or, left, ParseObservationAnd());
            }

            return left;
        }

        private ObservationExpression ParseObservationAnd()
        {
            var left = ParseQualified();
            while (AcceptKeyword("AND"))
            {
                left = new ObservationBinary(ObservationOperator.And, left, ParseQualified());
            }

            return left;
        }

        private ObservationExpression ParseQualified()
        {
            var expression = ParseObservationPrimary();
            // At most one qualifier of each kind directly on one observation expression (the OASIS pattern validator's
            // duplicate-qualifier rule); a parenthesised, already qualified expression may be qualified again.
            var kinds = new HashSet<string>(StringComparer.Ordinal);
            while (Current.Kind == TokenKind.Keyword)
            {
                var at = Current.Position;
                if (Current.Text is "WITHIN" or "REPEATS" or "START" && !kinds.Add(Current.Text))
                {
                    throw new StandardsException($"An observation expression has at most one {(Current.Text == "START" ? "START/STOP" : Current.Text)} qualifier; put the expression in parentheses to qualify it again.", at);
                }

                if (AcceptKeyword("WITHIN"))
                {
                    var amount = Current.Kind switch
                    {
                        TokenKind.Integer => (decimal)(long)Current.Value!,
                        TokenKind.Float when Math.Abs((double)Current.Value!) < 1e15 => (decimal)(double)Current.Value!,
                        TokenKind.Float => throw new StandardsException("WITHIN takes at most 10^15 seconds.", Current.Position),
                        _ => throw new StandardsException($"Expected a number of seconds after WITHIN but found {Current}.", Current.Position),
                    };
                    if (amount <= 0)
                    {
                        throw new StandardsException("WITHIN needs a positive number of seconds.", Current.Position);
                    }

                    index++;
                    ExpectKeyword("SECONDS");
                    expression = new QualifiedObservation(expression, new WithinQualifier(amount));
                }
                else if (AcceptKeyword("REPEATS"))
                {
                    var times = Expect(TokenKind.Integer, "a whole number after REPEATS");
                    if ((long)times.Value! is < 1 or > 10_000)
                    {
                        throw new StandardsException("REPEATS needs a whole number between 1 and 10000.", times.Position);
                    }

                    ExpectKeyword("TIMES");
                    expression = new QualifiedObservation(expression, new RepeatsQualifier((int)(long)times.Value!));
                }
                else if (AcceptKeyword("START"))
                {
                    var start = Expect(TokenKind.Timestamp, "a timestamp t'…' after START");
                    ExpectKeyword("STOP");
                    var stop = Expect(TokenKind.Timestamp, "a timestamp t'…' after STOP");
                    var startValue = new TimestampValue((DateTimeOffset)start.Value!, start.Text);
                    var stopValue = new TimestampValue((DateTimeOffset)stop.Value!, stop.Text);
                    if (stopValue.Value <= startValue.Value)
                    {
                        throw new StandardsException("STOP must be later than START.", at);
                    }

                    expression = new QualifiedObservation(expression, new StartStopQualifier(startValue, stopValue));
                }
                else
                {
                    break;
                }
            }

            return expression;
        }

        private ObservationExpression ParseObservationPrimary()
        {
            if (Current.Kind == TokenKind.LeftBracket)
            {
                index++;
                Enter();
                var comparison = ParseComparisonOr();
                depth--;
                Expect(TokenKind.RightBracket, "']' to close the observation expression");
                return new ObservationTest(comparison);
            }

            if (Current.Kind == TokenKind.LeftParen)
            {
                index++;
                var inner = ParseObservationExpressions();
                Expect(TokenKind.RightParen, "')'");
                return inner;
            }

            throw new StandardsException($"Expected '[' or '(' to start an observation expression but found {Current}.", Current.Position);
        }

        private ComparisonExpression ParseComparisonOr()
        {
            var left = ParseComparisonAnd();
            while (AcceptKeyword("OR"))
            {
                left = new ComparisonBinary(BooleanOperator.Or, left, ParseComparisonAnd());
            }

            return left;
        }

        private ComparisonExpression ParseComparisonAnd()
        {
            var left = ParsePropertyTest();
            while (AcceptKeyword("AND"))
            {
                left = new ComparisonBinary(BooleanOperator.And, left, ParsePropertyTest());
            }

            return left;
        }

        private ComparisonExpression ParsePropertyTest()
        {
            if (Current.Kind == TokenKind.LeftParen)
            {
                index++;
                Enter();
                var inner = ParseComparisonOr();
                depth--;
                Expect(TokenKind.RightParen, "')'");
                return inner;
            }

            if (AcceptKeyword("EXISTS"))
            {
                return new ExistsTest(ParseObjectPath());
            }

            // NOT EXISTS path: STIX 2.1 §9 lets NOT precede every comparison operator; EXISTS is one.
            if (Current.Kind == TokenKind.Keyword && Current.Text == "NOT" && tokens[index + 1] is { Kind: TokenKind.Keyword, Text: "EXISTS" })
            {
                index += 2;
                return new ExistsTest(ParseObjectPath(), Negated: true);
            }

            var path = ParseObjectPath();
            var negated = AcceptKeyword("NOT");
            var operatorToken = Current;
            ComparisonOperator op;
            if (Current.Kind == TokenKind.Operator)
            {
                op = Current.Text switch
                {
                    "=" => ComparisonOperator.Equal,
                    "!=" => ComparisonOperator.NotEqual,
                    "<" => ComparisonOperator.Less,
                    "<=" => ComparisonOperator.LessOrEqual,
                    ">" => ComparisonOperator.Greater,
                    _ => ComparisonOperator.GreaterOrEqual,
                };
            }
            else if (Current.Kind == TokenKind.Keyword && Current.Text is "IN" or "LIKE" or "MATCHES" or "ISSUBSET" or "ISSUPERSET")
            {
                op = Current.Text switch
                {
                    "IN" => ComparisonOperator.In,
                    "LIKE" => ComparisonOperator.Like,
                    "MATCHES" => ComparisonOperator.Matches,
                    "ISSUBSET" => ComparisonOperator.IsSubset,
                    _ => ComparisonOperator.IsSuperset,
                };
            }
            else
            {
                throw new StandardsException($"Expected a comparison operator (=, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET, ISSUPERSET) but found {Current}.", Current.Position);
            }

            index++;
            PatternValue value;
            switch (op)
            {
                case ComparisonOperator.In:
                    value = ParseSet();
                    break;
                case ComparisonOperator.Like or ComparisonOperator.Matches or ComparisonOperator.IsSubset or ComparisonOperator.IsSuperset:
                    var text = Expect(TokenKind.String, $"a string after {operatorToken.Text}");
                    value = new StringValue((string)text.Value!);
                    if (op == ComparisonOperator.Matches)
                    {
                        Regexes.Validate((string)text.Value!, text.Position);
                    }

                    break;
                case ComparisonOperator.Equal or ComparisonOperator.NotEqual:
                    value = ParseLiteral(orderableOnly: false);
                    break;
                default:
                    value = ParseLiteral(orderableOnly: true);
                    break;
            }

            return new PropertyTest(path, op, negated, value);
        }

        private SetValue ParseSet()
        {
            Expect(TokenKind.LeftParen, "'(' to start the set after IN");
            var values = new List<PatternValue>();
            if (Current.Kind != TokenKind.RightParen)
            {
                values.Add(ParseLiteral(orderableOnly: false));
                while (Current.Kind == TokenKind.Comma)
                {
                    index++;
                    values.Add(ParseLiteral(orderableOnly: false));
                }
            }

            Expect(TokenKind.RightParen, "',' or ')' in the set");
            return new SetValue(values);
        }

        private PatternValue ParseLiteral(bool orderableOnly)
        {
            var token = Current;
            PatternValue value = token.Kind switch
            {
                TokenKind.String => new StringValue((string)token.Value!),
                TokenKind.Integer => new IntegerValue((long)token.Value!),
                TokenKind.Float => new FloatValue((double)token.Value!),
                TokenKind.Binary => new BinaryValue((byte[])token.Value!),
                TokenKind.Hex => new HexValue((byte[])token.Value!),
                TokenKind.Timestamp => new TimestampValue((DateTimeOffset)token.Value!, token.Text),
                TokenKind.Boolean when !orderableOnly => new BooleanValue((bool)token.Value!),
                TokenKind.Boolean => throw new StandardsException("true and false cannot be ordered; use = or !=.", token.Position),
                _ => throw new StandardsException($"Expected a constant (string, number, b'…', h'…', t'…'{(orderableOnly ? "" : ", true, false")}) but found {token}.", token.Position),
            };
            index++;
            return value;
        }

        private ObjectPath ParseObjectPath()
        {
            var type = Expect(TokenKind.Identifier, "an object type such as ipv4-addr");
            if (type.Text.EndsWith('-') || type.Text.Contains("--", StringComparison.Ordinal) || type.Text.Length > 250)
            {
                throw new StandardsException($"'{type.Text}' is not a valid object type.", type.Position);
            }

            Expect(TokenKind.Colon, "':' after the object type");
            var steps = new List<PathStep> { new PropertyStep(ReadPropertyName("a property name")) };
            while (true)
            {
                if (Current.Kind == TokenKind.Dot)
                {
                    index++;
                    steps.Add(new PropertyStep(ReadPropertyName("a property name after '.'")));
                }
                else if (Current.Kind == TokenKind.LeftBracket && tokens[index + 1].Kind is TokenKind.Integer or TokenKind.Star)
                {
                    index++;
                    if (Current.Kind == TokenKind.Star)
                    {
                        index++;
                        steps.Add(new AnyIndexStep());
                    }
                    else
                    {
                        var n = Expect(TokenKind.Integer, "an index");
                        if ((long)n.Value! is < int.MinValue or > int.MaxValue)
                        {
                            throw new StandardsException("The list index is out of range.", n.Position);
                        }

                        steps.Add(new IndexStep((int)(long)n.Value!));
                    }

                    Expect(TokenKind.RightBracket, "']' after the index");
                }
                else
                {
                    return new ObjectPath(type.Text, steps);
                }
            }
        }

        private string ReadPropertyName(string what)
        {
            var token = Current;
            if (token.Kind == TokenKind.String)
            {
                index++;
                return (string)token.Value!;
            }

            if (token.Kind == TokenKind.Identifier)
            {
                if (token.Text.Contains('-', StringComparison.Ordinal))
                {
                    throw new StandardsException($"The property name '{token.Text}' contains '-'; quote it: '{token.Text}'.", token.Position);
                }

                index++;
                return token.Text;
            }

            // Grammar rules firstPathComponent / keyPathStep: IdentifierWithoutHyphen | StringLiteral. The lexer takes
            // AND, IN, true … as keywords, so such a name must be quoted.
            if (token.Kind is TokenKind.Keyword or TokenKind.Boolean)
            {
                throw new StandardsException($"'{token.Text}' is a keyword; as a property name quote it: '{token.Text}'.", token.Position);
            }

            throw new StandardsException($"Expected {what} but found {token}.", token.Position);
        }
    }
}
