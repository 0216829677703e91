using System.Collections;
using System.Globalization;
using System.Resources;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Rampart.Server.Localisation;

namespace Rampart.Server.Tests;

/// <summary>
/// MudBlazor's own texts (pager, filter menus, dialogs, pickers) come from <c>Resources/MudBlazor.*.resx</c> in the
/// viewer's language. Completeness and script of that set are checked with every other set by
/// <see cref="LanguageCompletenessTests"/>; here: the set has exactly the keys of the pinned MudBlazor, and the node
/// answers MudBlazor through it.
/// </summary>
public sealed class MudBlazorTextsTests(SqliteNode fixture) : IClassFixture<SqliteNode>
{
    private static readonly string ResourcesFolder = Path.GetFullPath(Path.Combine(
        AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Rampart.Server", "Resources"));

    private static Dictionary<string, string> Ours(string culture) =>
        XDocument.Load(Path.Combine(ResourcesFolder, culture == "en" ? "MudBlazor.resx" : $"MudBlazor.{culture}.resx")).Root!.Elements("data")
            .ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value, StringComparer.Ordinal);

    /// <summary>The keys and English texts of MudBlazor's own <c>LanguageResource</c>, read from the referenced (pinned) assembly.</summary>
    private static Dictionary<string, string> MudBlazors()
    {
        var assembly = typeof(MudLocalizer).Assembly;
        var name = Assert.Single(assembly.GetManifestResourceNames(), n => n.EndsWith("LanguageResource.resources", StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new ResourceReader(stream);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in reader)
        {
            keys[(string)entry.Key] = entry.Value as string ?? "";
        }

        return keys;
    }

    [Fact]
    public void EveryKeyWeTranslate_IsAKeyOfThePinnedMudBlazor()
    {
        // A MudBlazor upgrade that renames or drops a key fails here: our translation would silently never be asked for.
        var theirs = MudBlazors();
        Assert.True(theirs.Count > 100, $"only {theirs.Count} MudBlazor keys found");
        var unknown = Ours("en").Keys.Where(k => !theirs.ContainsKey(k)).ToList();
        Assert.True(unknown.Count == 0, $"MudBlazor.resx has keys MudBlazor {typeof(MudLocalizer).Assembly.GetName().Version} does not: {string.Join(" | ", unknown)}");
    }

    [Fact]
    public void EveryKeyOfThePinnedMudBlazor_HasOurTranslation()
    {
        // A key MudBlazor adds shows in English on every page until it is added (and, by LanguageCompletenessTests, translated).
        var ours = Ours("en");
        var missing = MudBlazors().Keys.Where(k => !ours.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, $"MudBlazor.resx lacks: {string.Join(" | ", missing)}");
    }

    [Fact]
    public void OurEnglish_IsMudBlazorsEnglish()
    {
        // The English set is MudBlazor's own wording, so an English page reads as before and placeholders match theirs.
        var theirs = MudBlazors();
        var differing = Ours("en").Where(o => theirs.TryGetValue(o.Key, out var t) && t != o.Value).Select(o => o.Key).ToList();
        Assert.True(differing.Count == 0, string.Join(" | ", differing));
    }

    [Fact]
    public void TheNode_AnswersMudBlazorThroughOurLocalizer()
    {
        using var scope = fixture.Node.Factory.Services.CreateScope();
        Assert.IsType<RampartMudLocalizer>(scope.ServiceProvider.GetRequiredService<MudLocalizer>());
    }

    public static TheoryData<string> Cultures() => new(Languages.All.Select(l => l.Culture));

    [Theory]
    [MemberData(nameof(Cultures))]
    public void TheLocalizer_AnswersInTheViewersLanguage(string culture)
    {
        var previous = CultureInfo.CurrentUICulture;
        var previousFormat = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(culture);
            var localizer = new RampartMudLocalizer();
            var rows = localizer["MudDataGridPager_RowsPerPage"];
            Assert.False(rows.ResourceNotFound);
            var expected = culture == "sr-Cyrl"
                ? SerbianScript.ToCyrillic(Ours("sr-Latn")["MudDataGridPager_RowsPerPage"])
                : Ours(culture)["MudDataGridPager_RowsPerPage"];
            Assert.Equal(expected, rows.Value);
            Assert.True(culture == "en" || rows.Value != "Rows per page:", $"{culture} is answered in English");

            var info = localizer["MudDataGridPager_InfoFormat", 1, 10, 1234];
            Assert.Contains("1234", info.Value, StringComparison.Ordinal);
            Assert.True(culture == "en" || !info.Value.Contains(" of ", StringComparison.Ordinal), info.Value);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
            CultureInfo.CurrentCulture = previousFormat;
        }
    }

    [Fact]
    public void AKeyWeDoNotHave_IsNotFound_SoMudBlazorFallsBackToItsOwn()
    {
        var answer = new RampartMudLocalizer()["NoSuchMudBlazorKey"];
        Assert.True(answer.ResourceNotFound);
    }
}
