using System.Text.Json.Nodes;
using Rampart.Server.Incidents;

namespace Rampart.Server.Tests;

/// <summary>The RSIT and NIS2 sector lists of incidents are exactly those of the MISP taxonomies in ../shared/data.</summary>
public sealed class IncidentTaxonomyTests
{
    private static JsonNode Taxonomy(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "misp-taxonomies", name);
            if (File.Exists(candidate))
            {
                return JsonNode.Parse(File.ReadAllText(candidate))!;
            }
        }

        throw new FileNotFoundException($"shared/data/misp-taxonomies/{name} was not found above {AppContext.BaseDirectory}.");
    }

    [Fact]
    public void Rsit_IsTheTaxonomysCategoriesAndTypes()
    {
        var values = Taxonomy("rsit.json")["values"]!.AsArray();
        var fromFile = values.ToDictionary(v => v!["predicate"]!.GetValue<string>(), v => v!["entry"]!.AsArray().Select(e => e!["value"]!.GetValue<string>()).ToList());
        Assert.Equal(fromFile.Keys.Order(), IncidentTaxonomy.Rsit.Keys.Order());
        foreach (var (category, types) in fromFile)
        {
            Assert.Equal(types, IncidentTaxonomy.Rsit[category]);
        }
    }

    [Fact]
    public void Sectors_AreNis2sImpactedSectorsAndOther()
    {
        var sectors = Taxonomy("nis2.json")["values"]!.AsArray().Single(v => v!["predicate"]!.GetValue<string>() == "impact-sectors-impacted")!["entry"]!
            .AsArray().Select(e => e!["value"]!.GetValue<string>()).ToList();
        Assert.Equal([.. sectors, IncidentTaxonomy.OtherSector], IncidentTaxonomy.Sectors);
    }

    [Theory]
    [InlineData("INC-2026-0001", 2026, 1)]
    [InlineData("inc-2026-12345", 2026, 12345)]
    public void Numbers_ParseAndFormat(string text, int year, int number)
    {
        Assert.Equal((year, number), IncidentNumbers.Parse(text));
        Assert.Equal(text.ToUpperInvariant(), IncidentNumbers.Format(year, number));
    }

    [Theory]
    [InlineData("INC-26-1")]
    [InlineData("INC-2026-")]
    [InlineData("2026-0001")]
    [InlineData("INC-2026-0001 ")]
    public void Numbers_OtherTextIsNoNumber(string text) => Assert.Null(IncidentNumbers.Parse(text));

    [Fact]
    public void Workflow_ClosedIsReachedOnlyFromResolved()
    {
        foreach (var from in Enum.GetValues<IncidentStatus>())
        {
            Assert.Equal(from == IncidentStatus.Resolved, IncidentWorkflow.Allows(from, IncidentStatus.Closed));
        }
    }
}
