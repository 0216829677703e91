using System.Globalization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Rampart.Server.Localisation;

namespace Rampart.Server.Tests;

/// <summary>CLDR plural categories of the nine UI languages, with the CLDR example numbers of each rule.</summary>
public sealed class PluralTests
{
    [Theory]
    [InlineData("en", "1", "0 2 5 11 12 21 22 25 101 111")]
    [InlineData("sq", "1", "0 2 5 11 12 21 22 25 101 111")]
    [InlineData("ka", "1", "0 2 5 11 12 21 22 25 101 111")]
    [InlineData("mk", "1 21 31 101 121 1001", "0 2 5 11 12 22 25 111 211 1011")]
    public void OneOther_Languages_FollowCldr(string culture, string ones, string others)
    {
        var info = CultureInfo.GetCultureInfo(culture);
        Assert.Equal([PluralCategory.One, PluralCategory.Other], Plurals.CategoriesOf(info));
        Assert.All(Numbers(ones), n => Assert.Equal(PluralCategory.One, Plurals.Of(info, n)));
        Assert.All(Numbers(others), n => Assert.Equal(PluralCategory.Other, Plurals.Of(info, n)));
    }

    [Theory]
    [InlineData("sr-Latn")]
    [InlineData("sr-Cyrl")]
    [InlineData("bs")]
    [InlineData("sr-Latn-ME")]
    public void SerbianBosnianMontenegrin_OneFewOther(string culture)
    {
        var info = CultureInfo.GetCultureInfo(culture);
        Assert.Equal([PluralCategory.One, PluralCategory.Few, PluralCategory.Other], Plurals.CategoriesOf(info));
        Assert.All(Numbers("1 21 31 101 121 1001"), n => Assert.Equal(PluralCategory.One, Plurals.Of(info, n)));
        Assert.All(Numbers("2 3 4 22 23 24 32 102 104 1002"), n => Assert.Equal(PluralCategory.Few, Plurals.Of(info, n)));
        Assert.All(Numbers("0 5 10 11 12 13 14 15 19 20 25 100 111 112 114 1011"), n => Assert.Equal(PluralCategory.Other, Plurals.Of(info, n)));
    }

    [Fact]
    public void Romanian_OneFewOther_ZeroAndTeensAreFew()
    {
        var info = CultureInfo.GetCultureInfo("ro");
        Assert.Equal([PluralCategory.One, PluralCategory.Few, PluralCategory.Other], Plurals.CategoriesOf(info));
        Assert.Equal(PluralCategory.One, Plurals.Of(info, 1));
        Assert.All(Numbers("0 2 5 11 12 16 19 102 111 119 1002"), n => Assert.Equal(PluralCategory.Few, Plurals.Of(info, n)));
        Assert.All(Numbers("20 21 22 25 100 101 120 1000"), n => Assert.Equal(PluralCategory.Other, Plurals.Of(info, n)));
    }

    [Theory]
    [InlineData("sr-Latn", 1, "1 beleška koju smete da čitate.")]
    [InlineData("sr-Latn", 2, "2 beleške koje smete da čitate.")]
    [InlineData("sr-Latn", 5, "5 beležaka koje smete da čitate.")]
    [InlineData("sr-Latn", 21, "21 beleška koju smete da čitate.")]
    [InlineData("sr-Latn", 12, "12 beležaka koje smete da čitate.")]
    [InlineData("sr-Cyrl", 22, "22 белешке које смете да читате.")]
    [InlineData("bs", 5, "5 bilješki koje smijete čitati.")]
    [InlineData("sr-Latn-ME", 3, "3 bilješke koje smijete da čitate.")]
    [InlineData("en", 1, "1 note you may read.")]
    [InlineData("en", 0, "0 notes you may read.")]
    [InlineData("mk", 11, "11 белешки што смеете да ги читате.")]
    [InlineData("mk", 21, "21 белешка што смеете да ја читате.")]
    [InlineData("ro", 1, "1 notă pe care o puteți citi.")]
    [InlineData("ro", 19, "19 note pe care le puteți citi.")]
    [InlineData("ro", 20, "20 de note pe care le puteți citi.")]
    [InlineData("sq", 1, "1 shënim që mund të lexoni.")]
    [InlineData("sq", 2, "2 shënime që mund të lexoni.")]
    public void Plural_NotesCount_ReadsRightInEachLanguage(string culture, long count, string expected)
    {
        using var _ = new UiCulture(culture);
        Assert.Equal(expected, Localizer().Plural("Plural.NotesYouMayRead", count));
    }

    [Fact]
    public void Plural_ShownDiffersAndSecondArgument_BothFormatted()
    {
        using var _ = new UiCulture("sr-Latn");
        Assert.Equal("25+ beležaka koje smete da čitate.", Localizer().Plural("Plural.NotesYouMayRead", 25, "25+"));
        Assert.Equal("3 pregleda od 29.11.2026.", Localizer().Plural("Plural.ViewsSince", 3, null, "29.11.2026."));
    }

    private static StringLocalizer<Shell> Localizer() =>
        new StringLocalizer<Shell>(new ResourceManagerStringLocalizerFactory(
            Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));

    private static IEnumerable<long> Numbers(string list) => list.Split(' ').Select(n => long.Parse(n, CultureInfo.InvariantCulture));

    private sealed class UiCulture : IDisposable
    {
        private readonly CultureInfo culture = CultureInfo.CurrentCulture;
        private readonly CultureInfo ui = CultureInfo.CurrentUICulture;

        public UiCulture(string name)
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(name);
        }

        public void Dispose()
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = ui;
        }
    }
}
