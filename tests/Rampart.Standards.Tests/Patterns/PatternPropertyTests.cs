using System.Globalization;
using FsCheck.Xunit;
using Rampart.Standards.Patterns;

namespace Rampart.Standards.Tests.Patterns;

/// <summary>Random patterns print and parse back to themselves; mutated patterns fail only with the library's error.</summary>
public sealed class PatternPropertyTests
{
    private const string StringAlphabet = "ab'\\ .%_çЖ";
    private const string MutationAlphabet = "[]()':.,*=!<>'\\ -tbh0Z\u0000é";
    private static readonly string[] Types = ["ipv4-addr", "file", "x-custom-thing", "network-traffic", "url"];
    private static readonly string[] Names = ["value", "name", "size", "hashes", "SHA-256", "x_y", "with space", "it's", "AND"];

    private static ObjectPath RandomPath(Random r)
    {
        var steps = new List<PathStep> { new PropertyStep(Names[r.Next(Names.Length)]) };
        for (var i = r.Next(3); i > 0; i--)
        {
            steps.Add(r.Next(3) switch
            {
                0 => new PropertyStep(Names[r.Next(Names.Length)]),
                1 => new IndexStep(r.Next(-3, 10)),
                _ => new AnyIndexStep(),
            });
        }

        return new ObjectPath(Types[r.Next(Types.Length)], steps);
    }

    private static PatternValue RandomValue(Random r, bool orderable) => r.Next(orderable ? 6 : 7) switch
    {
        0 => new StringValue(new string(Enumerable.Range(0, r.Next(8)).Select(_ => StringAlphabet[r.Next(StringAlphabet.Length)]).ToArray())),
        1 => new IntegerValue(r.NextInt64(long.MinValue + 1, long.MaxValue)),
        2 => new FloatValue(r.Next(3) switch
        {
            0 => Math.Round((r.NextDouble() - 0.5) * 1e6, r.Next(6)),
            1 => (r.NextDouble() - 0.5) * Math.Pow(10, r.Next(-30, 30)), // full 17-digit doubles, tiny and huge
            _ => r.NextInt64(-1000, 1000),
        }),
        3 => new HexValue(Enumerable.Range(0, r.Next(6)).Select(_ => (byte)r.Next(256)).ToArray()),
        4 => new BinaryValue(Enumerable.Range(0, r.Next(1, 7)).Select(_ => (byte)r.Next(256)).ToArray()),
        5 => TimestampValue.From(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMilliseconds(r.NextInt64(0, 1_000_000_000_000))),
        _ => new BooleanValue(r.Next(2) == 0),
    };

    private static ComparisonExpression RandomComparison(Random r, int depth)
    {
        if (depth > 0 && r.Next(3) == 0)
        {
            return new ComparisonBinary(r.Next(2) == 0 ? BooleanOperator.And : BooleanOperator.Or, RandomComparison(r, depth - 1), RandomComparison(r, depth - 1));
        }

        var op = (ComparisonOperator)r.Next(11);
        PatternValue value = op switch
        {
            ComparisonOperator.In => new SetValue(Enumerable.Range(0, r.Next(4)).Select(_ => RandomValue(r, false)).ToList()),
            ComparisonOperator.Like or ComparisonOperator.IsSubset or ComparisonOperator.IsSuperset => new StringValue("10.0.0.0/8"),
            ComparisonOperator.Matches => new StringValue("^a.*b$"),
            ComparisonOperator.Equal or ComparisonOperator.NotEqual => RandomValue(r, false),
            _ => RandomValue(r, true),
        };
        return r.Next(10) == 0 ? new ExistsTest(RandomPath(r), r.Next(2) == 0) : new PropertyTest(RandomPath(r), op, r.Next(4) == 0, value);
    }

    private static ObservationExpression RandomObservation(Random r, int depth)
    {
        ObservationExpression e = depth > 0 && r.Next(2) == 0
            ? new ObservationBinary((ObservationOperator)r.Next(3), RandomObservation(r, depth - 1), RandomObservation(r, depth - 1))
            : new ObservationTest(RandomComparison(r, 2));

        // Zero to four qualifiers, any kinds, so the same kind is often nested on an already qualified expression.
        for (var n = r.Next(5) - 1; n > 0; n--)
        {
            e = new QualifiedObservation(e, r.Next(3) switch
            {
                0 => new WithinQualifier(r.Next(2) == 0 ? r.Next(1, 1000) : Math.Round((decimal)r.NextDouble() * 100 + 0.001m, 3)),
                1 => new RepeatsQualifier(r.Next(1, 10)),
                _ => new StartStopQualifier(
                    TimestampValue.From(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)),
                    TimestampValue.From(new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero))),
            });
        }

        return e;
    }

    // Patterning grammar + printer: print ∘ parse is the identity on trees, including qualifiers nested on
    // parenthesised expressions (which need their parentheses printed to parse back to the same tree).
    [Property(MaxTest = 1000)]
    public bool RandomTree_PrintThenParse_IsTheSameTree(int seed)
    {
        var tree = new StixPattern(RandomObservation(new Random(seed), 3));
        var printed = tree.ToString();
        var back = PatternParser.Parse(printed);
        Assert.True(back == tree, $"{printed}\n  reparsed as\n{back}");
        return true;
    }

    [Fact]
    public void NestedSameKindQualifiers_ArePrintedWithParentheses()
    {
        var test = new ObservationTest(new PropertyTest(new ObjectPath("a", [new PropertyStep("x")]), ComparisonOperator.Equal, false, new IntegerValue(1)));
        var tree = new StixPattern(new QualifiedObservation(new QualifiedObservation(new QualifiedObservation(test, new WithinQualifier(5)), new RepeatsQualifier(2)), new WithinQualifier(9)));
        Assert.Equal("([a:x = 1] WITHIN 5 SECONDS REPEATS 2 TIMES) WITHIN 9 SECONDS", tree.ToString());
        Assert.Equal(tree, PatternParser.Parse(tree.ToString()));
    }

    [Property(MaxTest = 500)]
    public bool RandomPattern_PrintParsePrint_IsStable(int seed)
    {
        var printed = new StixPattern(RandomObservation(new Random(seed), 3)).ToString();
        var reparsed = PatternParser.Parse(printed).ToString();
        return printed == reparsed;
    }

    [Property(MaxTest = 2000)]
    public void MutatedPattern_FailsOnlyWithTheLibraryError(int seed)
    {
        var r = new Random(seed);
        var text = new StixPattern(RandomObservation(r, 2)).ToString().ToCharArray().ToList();
        for (var i = r.Next(1, 4); i > 0 && text.Count > 0; i--)
        {
            var at = r.Next(text.Count);
            switch (r.Next(3))
            {
                case 0:
                    text.RemoveAt(at);
                    break;
                case 1:
                    text.Insert(at, MutationAlphabet[r.Next(MutationAlphabet.Length)]);
                    break;
                default:
                    text[at] = (char)r.Next(32, 127);
                    break;
            }
        }

        try
        {
            var parsed = PatternParser.Parse(new string([.. text]));
            // Whatever parses must also print and parse back.
            Assert.Equal(parsed.ToString(), PatternParser.Parse(parsed.ToString()).ToString());
        }
        catch (StandardsException)
        {
            // expected for most mutations
        }
    }

    [Property(MaxTest = 300)]
    public void RandomBytes_FailOnlyWithTheLibraryError(byte[] bytes)
    {
        var text = System.Text.Encoding.Latin1.GetString(bytes ?? []);
        try
        {
            PatternParser.Parse(text);
        }
        catch (StandardsException)
        {
            // expected
        }
    }

    private static System.Text.Json.Nodes.JsonNode? RandomJson(Random r, int depth) => r.Next(depth > 0 ? 8 : 6) switch
    {
        0 => System.Text.Json.Nodes.JsonValue.Create(new string(Enumerable.Range(0, r.Next(6)).Select(_ => StringAlphabet[r.Next(StringAlphabet.Length)]).ToArray())),
        1 => System.Text.Json.Nodes.JsonValue.Create(r.NextInt64(-5, 5)),
        2 => System.Text.Json.Nodes.JsonValue.Create(r.NextDouble() * 1e6),
        3 => System.Text.Json.Nodes.JsonValue.Create(r.Next(2) == 0),
        4 => System.Text.Json.Nodes.JsonValue.Create(r.Next(2) == 0 ? "10.0.0.1" : "2024-01-15T00:00:00Z"),
        5 => null,
        6 => new System.Text.Json.Nodes.JsonArray([.. Enumerable.Range(0, r.Next(3)).Select(_ => RandomJson(r, depth - 1))]),
        _ => new System.Text.Json.Nodes.JsonObject(Enumerable.Range(0, r.Next(3)).Select(_ => Names[r.Next(Names.Length)]).Distinct()
            .Select(n => KeyValuePair.Create(n, RandomJson(r, depth - 1)))),
    };

    // Fuzz of the rest of the patterning API: index extraction and matching of random trees against random
    // observations end normally (true/false, terms) or with the library's error, never with another exception.
    [Property(MaxTest = 300)]
    public void RandomTreesAndObservations_IndexAndMatch_WithoutForeignExceptions(int seed)
    {
        var r = new Random(seed);
        var pattern = PatternParser.Parse(new StixPattern(RandomObservation(r, 2)).ToString());
        var observations = Enumerable.Range(0, r.Next(4)).Select(i =>
        {
            var objects = Enumerable.Range(0, r.Next(1, 4)).Select(j =>
            {
                var o = new System.Text.Json.Nodes.JsonObject { ["type"] = Types[r.Next(Types.Length)], ["id"] = $"x--{i}-{j}" };
                foreach (var name in Names.Take(r.Next(Names.Length)))
                {
                    o[name] = RandomJson(r, 2);
                }

                return o;
            }).ToList();
            var first = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(r.Next(100_000));
            return new Observation(first, first.AddSeconds(r.Next(100)), objects, r.Next(1, 3));
        }).ToList();
        try
        {
            _ = PatternIndex.Extract(pattern);
            _ = PatternMatcher.Matches(pattern, observations);
            _ = PatternMatcher.FirstMatch(pattern, observations);
        }
        catch (StandardsException)
        {
            // allowed
        }
    }

    [Fact]
    public void FloatWithoutExponent_RoundTrips()
    {
        foreach (var f in new[] { 1e20, 1e-12, -0.5, 123456.789 })
        {
            var text = new StixPattern(new ObservationTest(new PropertyTest(new ObjectPath("x", [new PropertyStep("v")]), ComparisonOperator.Equal, false, new FloatValue(f)))).ToString();
            Assert.DoesNotContain("E", text, StringComparison.Ordinal);
            var back = (FloatValue)((PropertyTest)((ObservationTest)PatternParser.Parse(text).Root).Comparison).Value;
            Assert.Equal(f.ToString("R", CultureInfo.InvariantCulture), back.Value.ToString("R", CultureInfo.InvariantCulture));
        }
    }
}
