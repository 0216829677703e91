using System.Globalization;
using System.Text;

namespace Rampart.Standards.Patterns;

/// <summary>
/// Writes a pattern in canonical form: single spaces around operators, upper-case keywords,
/// parentheses only where precedence needs them, strings with \' and \\ escaped, property names quoted
/// only when they are not plain identifiers or are keywords, and the parentheses a repeated qualifier kind needs.
/// Parsing the output gives the same tree.
/// </summary>
public static class PatternPrinter
{
    public static string Print(StixPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var sb = new StringBuilder();
        Write(sb, pattern.Root, 0);
        return sb.ToString();
    }

    public static string Print(ObjectPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var sb = new StringBuilder();
        Write(sb, path);
        return sb.ToString();
    }

    public static string PrintSteps(IReadOnlyList<PathStep> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var sb = new StringBuilder();
        WriteSteps(sb, steps);
        return sb.ToString();
    }

    // Precedence: FOLLOWEDBY 1 < OR 2 < AND 3 < qualified/primary 4.
    private static int Precedence(ObservationExpression e) => e switch
    {
        ObservationBinary { Operator: ObservationOperator.FollowedBy } => 1,
        ObservationBinary { Operator: ObservationOperator.Or } => 2,
        ObservationBinary { Operator: ObservationOperator.And } => 3,
        _ => 4,
    };

    private static void Write(StringBuilder sb, ObservationExpression e, int parentPrecedence)
    {
        var own = Precedence(e);
        var parens = own < parentPrecedence;
        if (parens)
        {
            sb.Append('(');
        }

        switch (e)
        {
            case ObservationTest test:
                sb.Append('[');
                Write(sb, test.Comparison, 0);
                sb.Append(']');
                break;
            case ObservationBinary binary:
                Write(sb, binary.Left, own);
                sb.Append(binary.Operator switch
                {
                    ObservationOperator.And => " AND ",
                    ObservationOperator.Or => " OR ",
                    _ => " FOLLOWEDBY ",
                });
                // Left-associative: a right operand of the same precedence needs parentheses.
                Write(sb, binary.Right, own + 1);
                break;
            case QualifiedObservation qualified:
                // A second qualifier of a kind needs its own observation expression: ([…] WITHIN 5 SECONDS) WITHIN 9 SECONDS.
                Write(sb, qualified.Inner, ChainHas(qualified.Inner, qualified.Qualifier.GetType()) ? 5 : 4);
                sb.Append(' ');
                Write(sb, qualified.Qualifier);
                break;
        }

        if (parens)
        {
            sb.Append(')');
        }
    }

    /// <summary>Whether the qualifiers written directly after <paramref name="e"/> (without parentheses) include one of that kind.</summary>
    private static bool ChainHas(ObservationExpression e, Type kind)
    {
        while (e is QualifiedObservation q)
        {
            if (q.Qualifier.GetType() == kind)
            {
                return true;
            }

            e = q.Inner;
        }

        return false;
    }

    private static void Write(StringBuilder sb, Qualifier qualifier)
    {
        switch (qualifier)
        {
            case WithinQualifier { Seconds: <= 0 }:
                throw new StandardsException("WITHIN needs a positive number of seconds (withinQualifier).");
            case WithinQualifier within:
                sb.Append("WITHIN ").Append(within.Seconds.ToString("0.############################", CultureInfo.InvariantCulture)).Append(" SECONDS");
                break;
            case RepeatsQualifier { Times: < 1 }:
                throw new StandardsException("REPEATS needs a positive whole number (repeatedQualifier).");
            case RepeatsQualifier repeats:
                sb.Append("REPEATS ").Append(repeats.Times.ToString(CultureInfo.InvariantCulture)).Append(" TIMES");
                break;
            case StartStopQualifier startStop:
                sb.Append("START t'").Append(startStop.Start.Text).Append("' STOP t'").Append(startStop.Stop.Text).Append('\'');
                break;
        }
    }

    private static void Write(StringBuilder sb, ComparisonExpression e, int parentPrecedence)
    {
        var own = e is ComparisonBinary { Operator: BooleanOperator.Or } ? 1 : e is ComparisonBinary ? 2 : 3;
        var parens = own < parentPrecedence;
        if (parens)
        {
            sb.Append('(');
        }

        switch (e)
        {
            case ComparisonBinary binary:
                Write(sb, binary.Left, own);
                sb.Append(binary.Operator == BooleanOperator.And ? " AND " : " OR ");
                Write(sb, binary.Right, own + 1);
                break;
            case ExistsTest exists:
                sb.Append(exists.Negated ? "NOT EXISTS " : "EXISTS ");
                Write(sb, exists.Path);
                break;
            case PropertyTest test:
                Write(sb, test.Path);
                sb.Append(test.Negated ? " NOT " : " ");
                sb.Append(test.Operator switch
                {
                    ComparisonOperator.Equal => "=",
                    ComparisonOperator.NotEqual => "!=",
                    ComparisonOperator.Less => "<",
                    ComparisonOperator.LessOrEqual => "<=",
                    ComparisonOperator.Greater => ">",
                    ComparisonOperator.GreaterOrEqual => ">=",
                    ComparisonOperator.In => "IN",
                    ComparisonOperator.Like => "LIKE",
                    ComparisonOperator.Matches => "MATCHES",
                    ComparisonOperator.IsSubset => "ISSUBSET",
                    _ => "ISSUPERSET",
                });
                sb.Append(' ');
                Write(sb, test.Value);
                break;
        }

        if (parens)
        {
            sb.Append(')');
        }
    }

    private static void Write(StringBuilder sb, ObjectPath path)
    {
        sb.Append(path.ObjectType).Append(':');
        WriteSteps(sb, path.Steps);
    }

    private static void WriteSteps(StringBuilder sb, IReadOnlyList<PathStep> steps)
    {
        for (var i = 0; i < steps.Count; i++)
        {
            switch (steps[i])
            {
                case PropertyStep property:
                    if (i > 0)
                    {
                        sb.Append('.');
                    }

                    if (IsPlainName(property.Name))
                    {
                        sb.Append(property.Name);
                    }
                    else
                    {
                        WriteString(sb, property.Name);
                    }

                    break;
                case IndexStep index:
                    sb.Append('[').Append(index.Index.ToString(CultureInfo.InvariantCulture)).Append(']');
                    break;
                case AnyIndexStep:
                    sb.Append("[*]");
                    break;
            }
        }
    }

    private static bool IsPlainName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
        && name is not ("true" or "false") && !Keywords.Contains(name);

    // The grammar's lexer takes these as keywords, so as property names they must be quoted.
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "AND", "OR", "NOT", "FOLLOWEDBY", "LIKE", "MATCHES", "ISSUPERSET", "ISSUBSET", "EXISTS", "IN",
        "START", "STOP", "SECONDS", "WITHIN", "REPEATS", "TIMES", "LAST",
    };

    private static void Write(StringBuilder sb, PatternValue value)
    {
        switch (value)
        {
            case StringValue s:
                WriteString(sb, s.Value);
                break;
            case IntegerValue i:
                sb.Append(i.Value.ToString(CultureInfo.InvariantCulture));
                break;
            case FloatValue f when !double.IsFinite(f.Value):
                throw new StandardsException("NaN and infinities have no form in the pattern grammar (FloatPosLiteral / FloatNegLiteral).");
            case BinaryValue { Value.Length: 0 }:
                throw new StandardsException("An empty binary constant has no form in the pattern grammar (BinaryLiteral needs at least one group); use h''.");
            case FloatValue f:
                sb.Append(ToPlain(f.Value));
                break;
            case BooleanValue b:
                sb.Append(b.Value ? "true" : "false");
                break;
            case BinaryValue bin:
                sb.Append("b'").Append(Convert.ToBase64String(bin.Value)).Append('\'');
                break;
            case HexValue hex:
                sb.Append("h'").Append(Convert.ToHexStringLower(hex.Value)).Append('\'');
                break;
            case TimestampValue t:
                sb.Append("t'").Append(t.Text).Append('\'');
                break;
            case SetValue set:
                sb.Append('(');
                for (var i = 0; i < set.Values.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(", ");
                    }

                    Write(sb, set.Values[i]);
                }

                sb.Append(')');
                break;
        }
    }

    // The pattern grammar has no exponent notation: write the shortest round-tripping digits out in full.
    private static string ToPlain(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return text.Contains('.', StringComparison.Ordinal) ? text : text + ".0";
        }

        var negative = text[0] == '-';
        var mantissa = text[(negative ? 1 : 0)..e];
        var exponent = int.Parse(text.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        var pointAt = (point < 0 ? mantissa.Length : point) + exponent;
        string plain;
        if (pointAt <= 0)
        {
            plain = "0." + new string('0', -pointAt) + digits;
        }
        else if (pointAt >= digits.Length)
        {
            plain = digits + new string('0', pointAt - digits.Length) + ".0";
        }
        else
        {
            plain = digits[..pointAt] + "." + digits[pointAt..];
        }

        return negative ? "-" + plain : plain;
    }

    private static void WriteString(StringBuilder sb, string value)
    {
        sb.Append('\'');
        foreach (var c in value)
        {
            if (c is '\'' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        sb.Append('\'');
    }
}
