using Rampart.Server.Intelligence.Pages;

namespace Rampart.Server.Tests;

/// <summary>The feeds page edits a CSV feed's value column only: saving must keep every other column of the stored mapping.</summary>
public sealed class FeedPageMappingTests
{
    [Fact]
    public void Saving_KeepsTheStoredKindLabelAndCommentSettings_AndChangesOnlyTheValueColumn()
    {
        const string stored = """{"valueColumn":"ip","fixedKind":"ipv4","labelColumns":["family"],"fixedLabels":["partner"],"hasHeader":false,"skipCommentLines":true}""";
        var saved = IntelFeeds.CsvMappingToSave(stored, " address ");
        Assert.Equal("address", saved.GetProperty("valueColumn").GetString());
        Assert.Equal("ipv4", saved.GetProperty("fixedKind").GetString());
        Assert.Equal("family", saved.GetProperty("labelColumns")[0].GetString());
        Assert.Equal("partner", saved.GetProperty("fixedLabels")[0].GetString());
        Assert.False(saved.GetProperty("hasHeader").GetBoolean());
        Assert.True(saved.GetProperty("skipCommentLines").GetBoolean());
    }

    [Fact]
    public void ANewFeed_GetsTheValueColumnAndAHeader()
    {
        var saved = IntelFeeds.CsvMappingToSave(null, "value");
        Assert.Equal("value", saved.GetProperty("valueColumn").GetString());
        Assert.True(saved.GetProperty("hasHeader").GetBoolean());
    }
}
