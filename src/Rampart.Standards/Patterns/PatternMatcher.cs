using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Rampart.Standards.Observables;

namespace Rampart.Standards.Patterns;

/// <summary>What was seen, as STIX observed-data carries it: a time window and the SCOs seen in it.</summary>
public sealed record Observation(DateTimeOffset FirstObserved, DateTimeOffset LastObserved, IReadOnlyList<JsonObject> Objects, int NumberObserved = 1);

/// <summary>
/// Evaluates a pattern against observations (STIX 2.1 §9.6). Within one <c>[…]</c> every comparison
/// must hold in the same observation (each may be satisfied by a different object of its type in it).
/// Observation expressions joined by AND, OR and FOLLOWEDBY bind different observations; FOLLOWEDBY
/// needs the right side's observations to start at or after the left side's end; WITHIN bounds the
/// span of all bound observations; REPEATS needs that many disjoint matches; START/STOP needs every
/// bound observation inside [start, stop). String equality on addresses, domains, URLs and hashes
/// compares normalised forms. <c>_ref</c> properties are followed to the referenced object.
/// </summary>
public static class PatternMatcher
{
    /// <summary>Search budget: a pattern whose combinations exceed it does not match rather than running on.</summary>
    public const int MaxBindings = 100_000;

    public static bool Matches(StixPattern pattern, IReadOnlyList<Observation> observations) =>
        FirstMatch(pattern, observations) is not null;

    /// <summary>The indexes of the observations of the first match found, or null.</summary>
    public static IReadOnlyList<int>? FirstMatch(StixPattern pattern, IReadOnlyList<Observation> observations)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(observations);
        var budget = new Budget();
        foreach (var binding in Evaluate(pattern.Root, observations, budget))
        {
            return binding;
        }

        return null;
    }

    private sealed class Budget
    {
        private int used;

        public bool Spend() => ++used <= MaxBindings;
    }

    private static IEnumerable<int[]> Evaluate(ObservationExpression expression, IReadOnlyList<Observation> observations, Budget budget)
    {
        switch (expression)
        {
            case ObservationTest test:
                for (var i = 0; i < observations.Count; i++)
                {
                    if (Holds(test.Comparison, observations[i]))
                    {
                        if (!budget.Spend())
                        {
                            yield break;
                        }

                        yield return [i];
                    }
                }

                break;

            case ObservationBinary { Operator: ObservationOperator.Or } or:
                foreach (var b in Evaluate(or.Left, observations, budget))
                {
                    yield return b;
                }

                foreach (var b in Evaluate(or.Right, observations, budget))
                {
                    yield return b;
                }

                break;

            case ObservationBinary binary:
                var rights = Evaluate(binary.Right, observations, budget).ToList();
                foreach (var left in Evaluate(binary.Left, observations, budget))
                {
                    foreach (var right in rights)
                    {
                        if (!budget.Spend())
                        {
                            yield break;
                        }

                        if (left.Intersect(right).Any())
                        {
                            continue;
                        }

                        if (binary.Operator == ObservationOperator.FollowedBy
                            && right.Min(i => observations[i].FirstObserved) < left.Max(i => observations[i].LastObserved))
                        {
                            continue;
                        }

                        yield return [.. left.Concat(right).Order()];
                    }
                }

                break;

            case QualifiedObservation { Qualifier: WithinQualifier within } qualified:
                foreach (var b in Evaluate(qualified.Inner, observations, budget))
                {
                    var span = b.Max(i => observations[i].LastObserved) - b.Min(i => observations[i].FirstObserved);
                    if ((decimal)span.TotalSeconds <= within.Seconds)
                    {
                        yield return b;
                    }
                }

                break;

            case QualifiedObservation { Qualifier: StartStopQualifier window } qualified:
                foreach (var b in Evaluate(qualified.Inner, observations, budget))
                {
                    if (b.All(i => observations[i].FirstObserved >= window.Start.Value && observations[i].LastObserved < window.Stop.Value))
                    {
                        yield return b;
                    }
                }

                break;

            case QualifiedObservation { Qualifier: RepeatsQualifier repeats } qualified:
                var candidates = Evaluate(qualified.Inner, observations, budget).ToList();
                foreach (var b in Repeat(candidates, repeats.Times, 0, [], budget))
                {
                    yield return b;
                }

                break;
        }
    }

    private static IEnumerable<int[]> Repeat(List<int[]> candidates, int times, int from, int[] chosen, Budget budget)
    {
        if (times == 0)
        {
            yield return chosen;
            yield break;
        }

        for (var i = from; i < candidates.Count; i++)
        {
            if (!budget.Spend())
            {
                yield break;
            }

            if (candidates[i].Intersect(chosen).Any())
            {
                continue;
            }

            foreach (var b in Repeat(candidates, times - 1, i + 1, [.. chosen.Concat(candidates[i]).Order()], budget))
            {
                yield return b;
            }
        }
    }

    private static bool Holds(ComparisonExpression expression, Observation observation) => expression switch
    {
        ComparisonBinary { Operator: BooleanOperator.And } and => Holds(and.Left, observation) && Holds(and.Right, observation),
        ComparisonBinary or => Holds(or.Left, observation) || Holds(or.Right, observation),
        // Like NOT before any operator, NOT EXISTS holds for an object of the type that lacks the path.
        ExistsTest exists => observation.Objects.Any(o => IsType(o, exists.Path.ObjectType) && Resolve(o, exists.Path.Steps, observation).Any() != exists.Negated),
        PropertyTest test => observation.Objects.Any(o => IsType(o, test.Path.ObjectType) && Test(o, test, observation)),
        _ => false,
    };

    private static bool IsType(JsonObject o, string type) =>
        o.TryGetPropertyValue("type", out var t) && t is JsonValue v && v.TryGetValue<string>(out var s) && s == type;

    private static bool Test(JsonObject o, PropertyTest test, Observation observation)
    {
        var propertyPath = test.Path.PropertyPath;
        foreach (var node in Resolve(o, test.Path.Steps, observation))
        {
            if (node is not JsonValue value)
            {
                continue;
            }

            // A value that exists but cannot be compared (a string against a number) makes the comparison false, also under NOT.
            var result = Compare(test.Path.ObjectType, propertyPath, value, test.Operator, test.Value);
            if (result is { } r && r != test.Negated)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The values a path reaches in an object: several with <c>[*]</c>, following <c>_ref</c>s within the observation.</summary>
    private static IEnumerable<JsonNode> Resolve(JsonNode node, IReadOnlyList<PathStep> steps, Observation observation, int start = 0)
    {
        if (start == steps.Count)
        {
            yield return node;
            yield break;
        }

        switch (steps[start])
        {
            case PropertyStep property when node is JsonObject obj && obj.TryGetPropertyValue(property.Name, out var child) && child is not null:
                // A reference followed by more path: continue in the referenced object.
                if (start + 1 < steps.Count && steps[start + 1] is PropertyStep && property.Name.EndsWith("_ref", StringComparison.Ordinal)
                    && child is JsonValue refValue && refValue.TryGetValue<string>(out var id) && Find(observation, id) is { } target)
                {
                    foreach (var n in Resolve(target, steps, observation, start + 1))
                    {
                        yield return n;
                    }

                    yield break;
                }

                foreach (var n in Resolve(child, steps, observation, start + 1))
                {
                    yield return n;
                }

                break;
            case IndexStep index when node is JsonArray array:
                var i = index.Index < 0 ? array.Count + index.Index : index.Index;
                if (i >= 0 && i < array.Count && array[i] is { } indexed)
                {
                    foreach (var n in ResolveElement(indexed, steps, observation, start))
                    {
                        yield return n;
                    }
                }

                break;
            case AnyIndexStep when node is JsonArray array:
                foreach (var element in array)
                {
                    if (element is null)
                    {
                        continue;
                    }

                    foreach (var n in ResolveElement(element, steps, observation, start))
                    {
                        yield return n;
                    }
                }

                break;
        }
    }

    // An element of a _refs list followed by more path is a reference too.
    private static IEnumerable<JsonNode> ResolveElement(JsonNode element, IReadOnlyList<PathStep> steps, Observation observation, int start)
    {
        if (start + 1 < steps.Count && start > 0 && steps[start - 1] is PropertyStep { Name: var name } && name.EndsWith("_refs", StringComparison.Ordinal)
            && element is JsonValue v && v.TryGetValue<string>(out var id) && Find(observation, id) is { } target)
        {
            return Resolve(target, steps, observation, start + 1);
        }

        return Resolve(element, steps, observation, start + 1);
    }

    private static JsonObject? Find(Observation observation, string id) =>
        observation.Objects.FirstOrDefault(o => o.TryGetPropertyValue("id", out var v) && v is JsonValue jv && jv.TryGetValue<string>(out var s) && s == id);

    /// <summary>True or false, or null when the two cannot be compared.</summary>
    private static bool? Compare(string objectType, string propertyPath, JsonValue actual, ComparisonOperator op, PatternValue expected)
    {
        var kind = actual.GetValueKind();
        switch (op)
        {
            case ComparisonOperator.In when expected is SetValue set:
                foreach (var member in set.Values)
                {
                    if (Compare(objectType, propertyPath, actual, ComparisonOperator.Equal, member) == true)
                    {
                        return true;
                    }
                }

                return false;

            case ComparisonOperator.Like when kind == JsonValueKind.String && expected is StringValue like:
                return LikeToRegex(like.Value).IsMatch(actual.GetValue<string>());

            case ComparisonOperator.Matches when kind == JsonValueKind.String && expected is StringValue regex:
                return Regexes.IsMatch(regex.Value, actual.GetValue<string>());

            case ComparisonOperator.IsSubset or ComparisonOperator.IsSuperset when kind == JsonValueKind.String && expected is StringValue cidrText:
                if (!Cidr.TryParse(actual.GetValue<string>(), out var actualCidr) || !Cidr.TryParse(cidrText.Value, out var expectedCidr))
                {
                    return null;
                }

                return op == ComparisonOperator.IsSubset ? expectedCidr.Contains(actualCidr) : actualCidr.Contains(expectedCidr);

            case ComparisonOperator.Equal or ComparisonOperator.NotEqual:
                var order = Order(objectType, propertyPath, actual, kind, expected, forEquality: true);
                return order is null ? null : (order == 0) == (op == ComparisonOperator.Equal);

            case ComparisonOperator.Less or ComparisonOperator.LessOrEqual or ComparisonOperator.Greater or ComparisonOperator.GreaterOrEqual:
                var c = Order(objectType, propertyPath, actual, kind, expected, forEquality: false);
                return c is null ? null : op switch
                {
                    ComparisonOperator.Less => c < 0,
                    ComparisonOperator.LessOrEqual => c <= 0,
                    ComparisonOperator.Greater => c > 0,
                    _ => c >= 0,
                };

            default:
                return null;
        }
    }

    private static int? Order(string objectType, string propertyPath, JsonValue actual, JsonValueKind kind, PatternValue expected, bool forEquality)
    {
        switch (expected)
        {
            case StringValue s when kind == JsonValueKind.String:
                var text = actual.GetValue<string>();
                return forEquality
                    ? string.CompareOrdinal(Normalise.Value(objectType, propertyPath, text), Normalise.Value(objectType, propertyPath, s.Value))
                    : string.CompareOrdinal(text, s.Value);
            case IntegerValue i when kind == JsonValueKind.Number:
                return JsonNumbers.GetDouble(actual).CompareTo(i.Value);
            case FloatValue f when kind == JsonValueKind.Number:
                return JsonNumbers.GetDouble(actual).CompareTo(f.Value);
            case BooleanValue b when forEquality && kind is JsonValueKind.True or JsonValueKind.False:
                return (kind == JsonValueKind.True) == b.Value ? 0 : 1;
            case TimestampValue t when kind == JsonValueKind.String:
                return Timestamps.TryParse(actual.GetValue<string>(), out var when) ? when.CompareTo(t.Value) : null;
            case HexValue h when kind == JsonValueKind.String:
                return BytesOf(actual.GetValue<string>()) is { } hb ? hb.AsSpan().SequenceCompareTo(h.Value) : null;
            case BinaryValue b when kind == JsonValueKind.String:
                return BytesOf(actual.GetValue<string>()) is { } bb ? bb.AsSpan().SequenceCompareTo(b.Value) : null;
            default:
                return null;
        }
    }

    // Hash properties hold hex; *_bin properties hold base64.
    private static byte[]? BytesOf(string text)
    {
        if (text.Length % 2 == 0 && text.All(char.IsAsciiHexDigit))
        {
            return Convert.FromHexString(text);
        }

        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }

    private static Regex LikeToRegex(string like)
    {
        var pattern = "^" + string.Concat(like.Select(c => c switch
        {
            '%' => ".*",
            '_' => ".",
            _ => Regex.Escape(c.ToString()),
        })) + "$";
        return Regexes.Get("(?s)" + pattern);
    }
}
