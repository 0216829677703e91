using Rampart.Standards.Sim3;

namespace Rampart.Standards.Tests.Sim3;

public sealed class Sim3Tests
{
    [Fact]
    public void Model_Versions_HaveTheParameterCountsOfTheSource()
    {
        Assert.Equal(44, Sim3Model.Version1.Parameters.Count);
        Assert.Equal(45, Sim3Model.Version2Interim.Parameters.Count);
        Assert.DoesNotContain(Sim3Model.Version1.Parameters, p => p.Id == "O-6");
        Assert.Equal("Public Media Policy", Sim3Model.Version2Interim.Parameters.Single(p => p.Id == "O-6").Name);
        var counts = Sim3Model.Version2Interim.Parameters.GroupBy(p => p.Category).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(11, counts[Sim3Category.Organisation]);
        Assert.Equal(7, counts[Sim3Category.Human]);
        Assert.Equal(10, counts[Sim3Category.Tools]);
        Assert.Equal(17, counts[Sim3Category.Processes]);
    }

    [Fact]
    public void Model_V1Names_AreFlaggedUnverified_AndNoDescriptionIsInvented()
    {
        Assert.All(Sim3Model.Version1.Parameters, p => Assert.False(p.NameVerified));
        Assert.All(Sim3Model.Versions.SelectMany(v => v.Parameters), p => Assert.Null(p.Description));
        Assert.Equal(5, Sim3Model.LevelMeanings.Count);
    }

    [Fact]
    public void Relations_AreTheSourcesTwentyThree_BetweenParametersOfTheirVersion()
    {
        var v2 = Sim3Model.RelationsOf(Sim3Model.V2Interim);
        Assert.Equal(23, v2.Count);
        Assert.Contains(new Sim3Relation("H-3", Sim3RelationKind.IsDevelopedBy, "H-4"), v2);
        Assert.Equal(9, v2.Count(r => r.Kind == Sim3RelationKind.Defines && r.To == "O-10"));
        Assert.Equal(v2.Count, v2.Distinct().Count());
        // v1 has no O-6: its one relation is left out, every other is kept.
        var v1 = Sim3Model.RelationsOf(Sim3Model.V1);
        Assert.Equal(22, v1.Count);
        Assert.DoesNotContain(v1, r => r.From == "O-6" || r.To == "O-6");
        foreach (var (version, relations) in new[] { (Sim3Model.Version1, v1), (Sim3Model.Version2Interim, v2) })
        {
            Assert.All(relations, r =>
            {
                Assert.Contains(version.Parameters, p => p.Id == r.From);
                Assert.Contains(version.Parameters, p => p.Id == r.To);
                Assert.NotEqual(r.From, r.To);
            });
        }

        // A version added later has none: its ids need not name the same parameters.
        Assert.Empty(Sim3Model.RelationsOf("sim3-v3"));
    }

    [Theory]
    [InlineData("O-1", Sim3Category.Organisation)]
    [InlineData("P-17", Sim3Category.Processes)]
    [InlineData("X-1", null)]
    [InlineData("O1", null)]
    [InlineData("O-", null)]
    [InlineData("O-1a", null)]
    [InlineData(null, null)]
    public void CategoryOf_Ids_ParsesOnlyWellFormedOnes(string? id, Sim3Category? expected) =>
        Assert.Equal(expected, Sim3Model.CategoryOf(id));

    [Fact]
    public void Gaps_BelowTargets_AreListedLargestFirstThenInModelOrder()
    {
        var order = Sim3Model.Version2Interim.Parameters.Select(p => p.Id).ToList();
        var targets = new Dictionary<string, int> { ["P-1"] = 2, ["O-8"] = 3, ["H-3"] = 3, ["T-4"] = 2, ["O-2"] = 2 };
        var levels = new Dictionary<string, int> { ["P-1"] = 1, ["O-8"] = 1, ["H-3"] = 1, ["T-4"] = 4 };

        var result = Sim3Analysis.Gaps(targets, levels, order);

        Assert.False(result.Met);
        Assert.Equal(["O-2", "O-8", "H-3", "P-1"], result.Gaps.Select(g => g.ParameterId));
        Assert.Equal([2, 2, 2, 1], result.Gaps.Select(g => g.Gap));
        Assert.Null(result.Gaps[0].Level); // not rated counts as 0
    }

    [Fact]
    public void Gaps_AllAtOrAboveTarget_AreMet() =>
        Assert.True(Sim3Analysis.Gaps(new Dictionary<string, int> { ["O-1"] = 2 }, new Dictionary<string, int> { ["O-1"] = 3 }, ["O-1"]).Met);

    [Fact]
    public void Distribution_FourContributors_ShowsNothing()
    {
        var d = Sim3Analysis.Distribution("O-1", [1, 2, 2, 3]);
        Assert.Null(d.Counts);
        Assert.Equal(0, d.Contributors);
    }

    [Fact]
    public void Distribution_FiveContributors_CountsPerLevel()
    {
        var d = Sim3Analysis.Distribution("O-1", [1, 2, 2, 3, 4]);
        Assert.Equal(5, d.Contributors);
        Assert.Equal([0, 1, 2, 1, 1], d.Counts!);
    }

    [Fact]
    public void Radar_TextInLabels_IsEncoded()
    {
        var svg = Sim3Charts.Radar([new("<b>", 1), new("O-2", 2), new("O-3", 3)], "a&b");
        Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;", svg, StringComparison.Ordinal);
        Assert.Contains("a&amp;b", svg, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", svg, StringComparison.Ordinal);
    }

    [Fact]
    public void Radar_EachAxis_HasAPointWithItsEnteredLevelAndTheSecondAsTooltip()
    {
        var svg = Sim3Charts.Radar([new("O-1", 1, 3), new("O-2", null, 2), new("O-3", 2.5)], "levels");
        Assert.Equal(3, svg.Split("class=\"sim3-radar-point\"").Length - 1);
        Assert.Contains("<title>O-1: 1 / 3</title>", svg, StringComparison.Ordinal);
        Assert.Contains("<title>O-2: – / 2</title>", svg, StringComparison.Ordinal);
        Assert.Contains("<title>O-3: 2.5</title>", svg, StringComparison.Ordinal);
    }
}
