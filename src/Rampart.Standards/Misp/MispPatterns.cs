using Rampart.Standards.Patterns;

namespace Rampart.Standards.Misp;

/// <summary>Indicator patterns for MISP values, built as pattern trees and written by <see cref="PatternPrinter"/>.</summary>
internal static class MispPatterns
{
    /// <summary><c>type:path = 'value'</c>; a path step "*" is any list index.</summary>
    public static ComparisonExpression Equal(string objectType, string path, string value) =>
        new PropertyTest(Path(objectType, path), ComparisonOperator.Equal, false, new StringValue(value));

    public static ComparisonExpression Equal(string objectType, string path, long value) =>
        new PropertyTest(Path(objectType, path), ComparisonOperator.Equal, false, new IntegerValue(value));

    /// <summary>The comparisons joined by AND, left to right; null for none.</summary>
    public static ComparisonExpression? And(IEnumerable<ComparisonExpression?> parts)
    {
        ComparisonExpression? result = null;
        foreach (var part in parts)
        {
            if (part is not null)
            {
                result = result is null ? part : new ComparisonBinary(BooleanOperator.And, result, part);
            }
        }

        return result;
    }

    /// <summary>The pattern text of one observation expression <c>[comparison]</c>.</summary>
    public static string Print(ComparisonExpression comparison) =>
        PatternPrinter.Print(new StixPattern(new ObservationTest(comparison)));

    /// <summary>Steps separated by '/', so that names with dots (<c>hashes/SHA-256</c>) stay one step.</summary>
    private static ObjectPath Path(string objectType, string path) =>
        new(objectType, [.. path.Split('/').Select(step => step == "*" ? (PathStep)new AnyIndexStep() : new PropertyStep(step))]);
}
