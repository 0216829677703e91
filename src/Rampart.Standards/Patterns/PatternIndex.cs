using System.Globalization;
using Rampart.Standards.Observables;

namespace Rampart.Standards.Patterns;

/// <summary>A value a pattern pins down: <c>ipv4-addr</c>, <c>value</c>, <c>198.51.100.7</c>.</summary>
public sealed record IndexTerm(string ObjectType, string PropertyPath, string Value);

/// <summary>
/// Extracts the (object type, property path, value) triples that an equality or IN comparison pins
/// down, normalised for matching, so indicators can be indexed and correlated without re-parsing.
/// Comparisons under NOT, ranges, LIKE, MATCHES and CIDR tests pin nothing down and are skipped.
/// </summary>
public static class PatternIndex
{
    public static IReadOnlyList<IndexTerm> Extract(StixPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var terms = new List<IndexTerm>();
        Visit(pattern.Root, terms);
        return terms.Distinct().ToList();
    }

    private static void Visit(ObservationExpression expression, List<IndexTerm> terms)
    {
        switch (expression)
        {
            case ObservationTest test:
                Visit(test.Comparison, terms);
                break;
            case ObservationBinary binary:
                Visit(binary.Left, terms);
                Visit(binary.Right, terms);
                break;
            case QualifiedObservation qualified:
                Visit(qualified.Inner, terms);
                break;
        }
    }

    private static void Visit(ComparisonExpression expression, List<IndexTerm> terms)
    {
        switch (expression)
        {
            case ComparisonBinary binary:
                Visit(binary.Left, terms);
                Visit(binary.Right, terms);
                break;
            case PropertyTest { Negated: false, Operator: ComparisonOperator.Equal } test:
                Add(test.Path, test.Value, terms);
                break;
            case PropertyTest { Negated: false, Operator: ComparisonOperator.In, Value: SetValue set } test:
                foreach (var value in set.Values)
                {
                    Add(test.Path, value, terms);
                }

                break;
        }
    }

    private static void Add(ObjectPath path, PatternValue value, List<IndexTerm> terms)
    {
        var text = value switch
        {
            StringValue s => s.Value,
            IntegerValue i => i.Value.ToString(CultureInfo.InvariantCulture),
            FloatValue f => f.Value.ToString("R", CultureInfo.InvariantCulture),
            BooleanValue b => b.Value ? "true" : "false",
            HexValue h => Convert.ToHexStringLower(h.Value),
            BinaryValue b => Convert.ToBase64String(b.Value),
            TimestampValue t => Timestamps.Format(t.Value),
            _ => null,
        };
        if (text is not null)
        {
            var propertyPath = path.PropertyPath;
            terms.Add(new IndexTerm(path.ObjectType, propertyPath, Normalise.Value(path.ObjectType, propertyPath, text)));
        }
    }
}
