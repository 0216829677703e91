using System.Globalization;

namespace Rampart.Standards.Patterns;

/// <summary>A parsed STIX 2.1 pattern. <see cref="ToString"/> prints it in canonical form.</summary>
public sealed record StixPattern(ObservationExpression Root)
{
    public override string ToString() => PatternPrinter.Print(this);
}

/// <summary>An observation expression: what one or more observations must show.</summary>
public abstract record ObservationExpression;

/// <summary><c>[ comparison ]</c>: one observation whose objects satisfy the comparison expression.</summary>
public sealed record ObservationTest(ComparisonExpression Comparison) : ObservationExpression;

public enum ObservationOperator
{
    And,
    Or,
    FollowedBy,
}

public sealed record ObservationBinary(ObservationOperator Operator, ObservationExpression Left, ObservationExpression Right) : ObservationExpression;

/// <summary>An observation expression with a WITHIN, REPEATS or START/STOP qualifier.</summary>
public sealed record QualifiedObservation(ObservationExpression Inner, Qualifier Qualifier) : ObservationExpression;

public abstract record Qualifier;

/// <summary><c>WITHIN n SECONDS</c>: all observations of the match lie within a window of that length.</summary>
public sealed record WithinQualifier(decimal Seconds) : Qualifier;

/// <summary><c>REPEATS n TIMES</c>: the expression matches n times, on different observations.</summary>
public sealed record RepeatsQualifier(int Times) : Qualifier;

/// <summary><c>START t'…' STOP t'…'</c>: all observations of the match lie in [start, stop).</summary>
public sealed record StartStopQualifier(TimestampValue Start, TimestampValue Stop) : Qualifier;

/// <summary>A comparison expression inside brackets.</summary>
public abstract record ComparisonExpression;

public enum BooleanOperator
{
    And,
    Or,
}

public sealed record ComparisonBinary(BooleanOperator Operator, ComparisonExpression Left, ComparisonExpression Right) : ComparisonExpression;

public enum ComparisonOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    In,
    Like,
    Matches,
    IsSubset,
    IsSuperset,
}

/// <summary><c>path [NOT] op value</c>.</summary>
public sealed record PropertyTest(ObjectPath Path, ComparisonOperator Operator, bool Negated, PatternValue Value) : ComparisonExpression;

/// <summary><c>EXISTS path</c>, or <c>NOT EXISTS path</c> when <paramref name="Negated"/>.</summary>
public sealed record ExistsTest(ObjectPath Path, bool Negated = false) : ComparisonExpression;

/// <summary><c>object-type:property.sub[0].other</c>.</summary>
public sealed record ObjectPath(string ObjectType, IReadOnlyList<PathStep> Steps)
{
    public override string ToString() => PatternPrinter.Print(this);

    /// <summary>The property path without the object type, as used in index terms, e.g. <c>hashes.'SHA-256'</c>.</summary>
    public string PropertyPath => PatternPrinter.PrintSteps(Steps);

    /// <summary>Paths are equal when their type and steps are (value equality, so whole trees compare).</summary>
    public bool Equals(ObjectPath? other) =>
        other is not null && ObjectType == other.ObjectType && Steps.SequenceEqual(other.Steps);

    public override int GetHashCode() => HashCode.Combine(ObjectType, Steps.Count);
}

public abstract record PathStep;

public sealed record PropertyStep(string Name) : PathStep;

public sealed record IndexStep(int Index) : PathStep;

/// <summary><c>[*]</c>: any element of a list.</summary>
public sealed record AnyIndexStep : PathStep;

/// <summary>A constant in a pattern.</summary>
public abstract record PatternValue;

public sealed record StringValue(string Value) : PatternValue;

public sealed record IntegerValue(long Value) : PatternValue;

public sealed record FloatValue(double Value) : PatternValue;

public sealed record BooleanValue(bool Value) : PatternValue;

/// <summary><c>b'…'</c>: base64-encoded bytes.</summary>
public sealed record BinaryValue(byte[] Value) : PatternValue
{
    public bool Equals(BinaryValue? other) => other is not null && Value.AsSpan().SequenceEqual(other.Value);

    public override int GetHashCode() => Value.Length;
}

/// <summary><c>h'…'</c>: hex-encoded bytes.</summary>
public sealed record HexValue(byte[] Value) : PatternValue
{
    public bool Equals(HexValue? other) => other is not null && Value.AsSpan().SequenceEqual(other.Value);

    public override int GetHashCode() => Value.Length;
}

/// <summary><c>t'2024-01-01T00:00:00Z'</c>; <see cref="Text"/> keeps the written precision.</summary>
public sealed record TimestampValue(DateTimeOffset Value, string Text) : PatternValue
{
    public static TimestampValue From(DateTimeOffset value) =>
        new(value, value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}

/// <summary><c>(v1, v2, …)</c> for IN.</summary>
public sealed record SetValue(IReadOnlyList<PatternValue> Values) : PatternValue
{
    /// <summary>Sets are equal when their members are, in order (value equality, so whole trees compare).</summary>
    public bool Equals(SetValue? other) => other is not null && Values.SequenceEqual(other.Values);

    public override int GetHashCode() => Values.Count;
}
