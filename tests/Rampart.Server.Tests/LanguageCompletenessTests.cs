using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Rampart.Server.Hosting;
using Rampart.Server.Localisation;

namespace Rampart.Server.Tests;

/// <summary>
/// Every resource set (<c>Resources/*.resx</c>) exists in all nine UI languages, key for key, translated, with the
/// English placeholders, codes and numbers kept, in the language's own script; Serbian Cyrillic is the
/// transliteration of Serbian Latin. A new English key fails here until it is translated everywhere.
/// </summary>
public sealed partial class LanguageCompletenessTests
{
    private static readonly string ResourcesFolder = Path.GetFullPath(Path.Combine(
        AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Rampart.Server", "Resources"));

    /// <summary>
    /// Strings that may read the same as English, per language and key, each for a reason: "E-mail" is the
    /// word Albanian and Romanian software and officialdom use (DOOM 2 lists "e-mail"; "posta elektronike" is the
    /// long form), and "Moderator" is the native word in Serbian, Bosnian, Montenegrin and Romanian. Codes and
    /// product names (TLP, API, STIX, MISP, PGP, CSIRT) are never whole strings on their own and are checked by
    /// <see cref="Translations_KeepPlaceholdersCodesAndNumbers"/> instead.
    /// </summary>
    private static readonly HashSet<(string Set, string Culture, string Key)> SameAsEnglish =
    [
        ("Shell", "sq", "E-mail"),
        ("Shell", "ro", "E-mail"),
        ("Shell", "sr-Latn", "Moderator"),
        ("Shell", "bs", "Moderator"),
        ("Shell", "sr-Latn-ME", "Moderator"),
        ("Shell", "ro", "Moderator"),
        // A data grid filter's "Operator" is the native word in Serbian, Bosnian, Montenegrin and Romanian.
        ("MudBlazor", "sr-Latn", "MudDataGrid_Operator"),
        ("MudBlazor", "bs", "MudDataGrid_Operator"),
        ("MudBlazor", "sr-Latn-ME", "MudDataGrid_Operator"),
        ("MudBlazor", "ro", "MudDataGrid_Operator"),
    ];

    private static readonly string[] NativeNames = ["Shqip", "Srpski (latinica)", "Српски (ћирилица)", "Македонски", "Bosanski", "Crnogorski", "ქართული", "Română", "English"];

    private static IEnumerable<string> BaseNames() =>
        Directory.EnumerateFiles(ResourcesFolder, "*.resx")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => !n!.Contains('.', StringComparison.Ordinal))
            .Select(n => n!)
            .Order(StringComparer.Ordinal);

    private static string FileOf(string baseName, string culture) =>
        Path.Combine(ResourcesFolder, culture == "en" ? $"{baseName}.resx" : $"{baseName}.{culture}.resx");

    private static Dictionary<string, string> Load(string baseName, string culture) =>
        XDocument.Load(FileOf(baseName, culture)).Root!.Elements("data")
            .ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")?.Value ?? "", StringComparer.Ordinal);

    private static IEnumerable<string> TranslatedCultures() => Languages.All.Select(l => l.Culture).Where(c => c != "en");

    public static TheoryData<string, string> Sets()
    {
        var sets = new TheoryData<string, string>();
        foreach (var baseName in BaseNames())
        {
            foreach (var culture in TranslatedCultures())
            {
                sets.Add(baseName, culture);
            }
        }

        return sets;
    }

    public static TheoryData<string> Cultures() => new(Languages.All.Select(l => l.Culture));

    [Fact]
    public void TheResourceFolder_HasTheShellAndMudBlazorsTexts()
    {
        Assert.Contains("Shell", BaseNames());
        Assert.Contains("MudBlazor", BaseNames());
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public void ThePlatform_KnowsEveryCulture(string culture)
    {
        // Invariant globalization would make every culture a copy of the invariant one; ICU must be there.
        var info = CultureInfo.GetCultureInfo(culture, predefinedOnly: true);
        Assert.Equal(culture, info.Name);
        Assert.False(string.IsNullOrEmpty(info.NativeName));
        var native = info.NativeName;
        switch (culture)
        {
            case "ka":
                Assert.Matches(GeorgianLetter(), native);
                break;
            case "sr-Cyrl" or "mk":
                Assert.Matches(CyrillicLetter(), native);
                break;
            case "sr-Latn-ME":
                Assert.Equal("ME", new RegionInfo(info.Name).TwoLetterISORegionName);
                break;
            default:
                break;
        }
    }

    [Fact]
    public void TheNode_OffersTheNineLanguages_AndThePickerNamesThemInTheirOwnLanguage()
    {
        Assert.Equal(9, Languages.All.Count);
        Assert.Equal(
            Languages.All.Select(l => l.Culture).Order(StringComparer.Ordinal),
            RampartHost.SupportedCultures.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.Equal(
            NativeNames,
            Languages.All.Select(l => l.NativeName));
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void EveryKey_IsTranslated(string baseName, string culture)
    {
        var english = Load(baseName, "en");
        Assert.True(File.Exists(FileOf(baseName, culture)), $"{baseName}.{culture}.resx is missing");
        var translated = Load(baseName, culture);

        // Plural forms: exactly the CLDR categories the language has (Foo_one, Foo_few, Foo_other), whatever English has.
        var expectedKeys = ExpectedKeys(english.Keys, culture);
        var missing = expectedKeys.Where(k => !translated.TryGetValue(k, out var v) || string.IsNullOrWhiteSpace(v)).ToList();
        var extra = translated.Keys.Where(k => !expectedKeys.Contains(k)).ToList();
        // Strings without a letter (MudBlazor's filter signs "=", ">=") are not language.
        var leftInEnglish = english.Where(e => translated.TryGetValue(e.Key, out var v) && v == e.Value && Letters().IsMatch(v)
                && !SameAsEnglish.Contains((baseName, culture, e.Key)))
            .Select(e => e.Key).ToList();

        Assert.True(missing.Count == 0, $"{baseName}.{culture}.resx lacks: {string.Join(" | ", missing)}");
        Assert.True(extra.Count == 0, $"{baseName}.{culture}.resx has keys English does not: {string.Join(" | ", extra)}");
        Assert.True(leftInEnglish.Count == 0, $"{baseName}.{culture}.resx leaves in English: {string.Join(" | ", leftInEnglish)}");
    }

    private static HashSet<string> ExpectedKeys(IEnumerable<string> englishKeys, string culture)
    {
        var categories = Plurals.CategoriesOf(CultureInfo.GetCultureInfo(culture)).Select(Plurals.Suffix).ToList();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in englishKeys)
        {
            if (PluralKey().Match(key) is { Success: true } plural)
            {
                keys.UnionWith(categories.Select(c => plural.Groups["base"].Value + c));
            }
            else
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    [Theory]
    [MemberData(nameof(BaseNamesData))]
    public void PluralKeys_EnglishHasExactlyOneAndOther(string baseName)
    {
        var english = Load(baseName, "en").Keys.Select(k => PluralKey().Match(k)).Where(m => m.Success).ToList();
        foreach (var group in english.GroupBy(m => m.Groups["base"].Value))
        {
            Assert.Equal(["one", "other"], group.Select(m => m.Groups["category"].Value).Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [InlineData("sr-Latn", "one few other")]
    [InlineData("bs", "one few other")]
    [InlineData("sr-Latn-ME", "one few other")]
    [InlineData("ro", "one few other")]
    [InlineData("mk", "one other")]
    [InlineData("ka", "one other")]
    [InlineData("sq", "one other")]
    public void PluralKeys_EachLanguageHasItsCategories(string culture, string categories)
    {
        // The completeness test above expects these; this pins the rule it uses to CLDR's list for the language.
        Assert.Equal(categories.Split(' ').Select(c => "_" + c),
            Plurals.CategoriesOf(CultureInfo.GetCultureInfo(culture)).Select(Plurals.Suffix));
        var notes = Load("Shell", culture).Keys.Where(k => k.StartsWith("Plural.NotesYouMayRead_", StringComparison.Ordinal))
            .Select(k => k["Plural.NotesYouMayRead".Length..]).Order(StringComparer.Ordinal);
        Assert.Equal(categories.Split(' ').Select(c => "_" + c).Order(StringComparer.Ordinal), notes);
    }

    [Fact]
    public void TheAllowList_OnlyNamesStringsThatExistAndAreTheSame()
    {
        // An entry that no longer applies is removed, so the list stays short and true.
        foreach (var (set, culture, key) in SameAsEnglish)
        {
            var english = Load(set, "en");
            Assert.True(english.ContainsKey(key), key);
            Assert.Equal(english[key], Load(set, culture)[key]);
        }
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void Translations_KeepPlaceholdersCodesAndNumbers(string baseName, string culture)
    {
        var translated = Load(baseName, culture);
        var problems = new List<string>();
        foreach (var (key, english) in Load(baseName, "en"))
        {
            if (!translated.TryGetValue(key, out var value))
            {
                continue;
            }

            var expected = Placeholder().Matches(english).Select(m => m.Value).Order(StringComparer.Ordinal).ToList();
            var actual = Placeholder().Matches(value).Select(m => m.Value).Order(StringComparer.Ordinal).ToList();
            if (!expected.SequenceEqual(actual))
            {
                problems.Add($"{key}: placeholders {string.Join(",", expected)} became {string.Join(",", actual)}");
            }

            // Codes in capitals (TLP:CLEAR, AMBER+STRICT, ISO, XK, CSIRT), protocol text and numbers are not translated.
            foreach (var kept in Code().Matches(english).Select(m => m.Value).Distinct())
            {
                if (!value.Contains(kept, StringComparison.Ordinal))
                {
                    problems.Add($"{key}: lost \"{kept}\"");
                }
            }
        }

        Assert.True(problems.Count == 0, $"{baseName}.{culture}.resx: {string.Join(" | ", problems)}");
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public void Translations_AreInTheLanguagesOwnScript(string baseName, string culture)
    {
        var english = Load(baseName, "en");
        var problems = new List<string>();
        foreach (var (key, value) in Load(baseName, culture))
        {
            var text = Placeholder().Replace(Bracketed().Replace(value, ""), "");
            switch (culture)
            {
                case "ka" or "mk" or "sr-Cyrl":
                    var own = culture == "ka" ? GeorgianLetter() : CyrillicLetter();
                    if (Letters().IsMatch(text) && !own.IsMatch(text))
                    {
                        problems.Add($"{key}: not in {culture} script");
                    }

                    // Latin words only for acronyms (TLP, ASCII) and where English has the same word (Markdown, Authorization).
                    foreach (var word in LatinWord().Matches(text).Select(m => m.Value))
                    {
                        if (!(word.Length >= 2 && word.All(char.IsAsciiLetterUpper))
                            && !Regex.IsMatch(english.GetValueOrDefault(key, ""), $@"\b{Regex.Escape(word)}\b"))
                        {
                            problems.Add($"{key}: Latin \"{word}\"");
                        }
                    }

                    break;
                default:
                    if (CyrillicLetter().IsMatch(text) || GeorgianLetter().IsMatch(text))
                    {
                        problems.Add($"{key}: Cyrillic or Georgian in a Latin-script language");
                    }

                    break;
            }
        }

        Assert.True(problems.Count == 0, $"{baseName}.{culture}.resx: {string.Join(" | ", problems)}");
    }

    /// <summary>
    /// Serbian Cyrillic is not translated by hand: it is <see cref="SerbianScript.ToCyrillic"/> of Serbian Latin.
    /// Edit <c>*.sr-Latn.resx</c>, then run this test with <c>RAMPART_WRITE_CYRILLIC=1</c> to rewrite
    /// <c>*.sr-Cyrl.resx</c>.
    /// </summary>
    [Theory]
    [MemberData(nameof(BaseNamesData))]
    public void SerbianCyrillic_IsTheTransliterationOfSerbianLatin(string baseName)
    {
        var latin = Load(baseName, "sr-Latn");
        var expected = latin.ToDictionary(l => l.Key, l => SerbianScript.ToCyrillic(l.Value), StringComparer.Ordinal);
        var path = FileOf(baseName, "sr-Cyrl");
        if (Environment.GetEnvironmentVariable("RAMPART_WRITE_CYRILLIC") == "1")
        {
            WriteLike(FileOf(baseName, "sr-Latn"), path, expected);
        }

        Assert.True(File.Exists(path), $"{baseName}.sr-Cyrl.resx is missing: run this test with RAMPART_WRITE_CYRILLIC=1");
        var cyrillic = Load(baseName, "sr-Cyrl");
        var differing = expected.Where(e => !cyrillic.TryGetValue(e.Key, out var v) || v != e.Value).Select(e => e.Key)
            .Concat(cyrillic.Keys.Where(k => !expected.ContainsKey(k))).ToList();
        Assert.True(differing.Count == 0,
            $"{baseName}.sr-Cyrl.resx is not the transliteration of {baseName}.sr-Latn.resx (run this test with RAMPART_WRITE_CYRILLIC=1): {string.Join(" | ", differing)}");
    }

    public static TheoryData<string> BaseNamesData() => new(BaseNames());

    [Theory]
    [MemberData(nameof(BaseNamesData))]
    public void Montenegrin_IsItsOwnSet_NotACopyOfSerbian(string baseName)
    {
        Assert.NotEqual(File.ReadAllBytes(FileOf(baseName, "sr-Latn")), File.ReadAllBytes(FileOf(baseName, "sr-Latn-ME")));
        var serbian = Load(baseName, "sr-Latn");
        var montenegrin = Load(baseName, "sr-Latn-ME");
        var different = montenegrin.Count(m => serbian.GetValueOrDefault(m.Key) != m.Value);
        Assert.True(different * 5 >= montenegrin.Count, $"only {different} of {montenegrin.Count} Montenegrin strings differ from Serbian");
    }

    [Theory]
    [InlineData("Shell", "bs")]
    [InlineData("Shell", "sr-Latn-ME")]
    [InlineData("MudBlazor", "bs")]
    [InlineData("MudBlazor", "sr-Latn-ME")]
    public void IjekavianSets_HaveNoEkavianForms(string baseName, string culture)
    {
        var ekavian = Load(baseName, culture).Where(m => EkavianWords(m.Value).Any()).Select(m => $"{m.Key}: {string.Join(",", EkavianWords(m.Value))}").ToList();
        Assert.True(ekavian.Count == 0, $"ekavian in {baseName}.{culture}.resx: {string.Join(" | ", ekavian)}");
    }

    [Theory]
    [InlineData("Vreme je isteklo.", "vreme")]
    [InlineData("Poslednja izmena beleške", "poslednja,izmena,beleške")]
    [InlineData("Zahtev je odbijen; proverite mesto.", "zahtev,proverite,mesto")]
    [InlineData("u vremenskoj zoni", "")]
    [InlineData("Vremena su u UTC.", "")]
    [InlineData("Vrijeme, mjesto, bilješka, zahtjev, provjera, izmjena", "")]
    [InlineData("Vremenski raspon; deo", "deo")]
    public void EkavianCheck_FlagsRealEkavianWordsOnly(string text, string expected)
    {
        Assert.Equal(expected, string.Join(",", EkavianWords(text)));
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public void ConfirmDialog_CancelAndTheActionAreDifferentWords(string culture)
    {
        // A dialog whose "Cancel" and "Revoke" start with the same word (Georgian "გაუქმება…") cannot be answered safely.
        var strings = Load("Shell", culture);
        var cancel = Stem(strings["Cancel"]);
        foreach (var action in new[] { "Revoke", "Delete", "Disable", "Enable", "Decline", "Replace recovery codes", "Reset authenticator" })
        {
            Assert.True(cancel != Stem(strings[action]), $"{culture}: \"{strings["Cancel"]}\" and \"{strings[action]}\" read alike");
        }

        static string Stem(string text)
        {
            var first = text.Split(' ')[0].ToLowerInvariant();
            return first.Length <= 5 ? first : first[..5];
        }
    }

    [Fact]
    public void Romanian_Buttons_SameImperativeForm()
    {
        // Romanian buttons speak to the user politely ("Salvați", "Anulați"); a bare "Acceptă" beside them reads as a different voice.
        var ro = Load("Shell", "ro");
        var buttons = new[] { "Add", "Cancel", "Change", "Continue", "Create", "Delete", "Disable", "Edit", "Enable", "Reload", "Revoke", "Save", "Share", "Verify", "Accept", "Decline" };
        var odd = buttons.Where(b => !ro[b].Split(' ')[0].EndsWith("ți", StringComparison.Ordinal)).Select(b => $"{b}={ro[b]}").ToList();
        Assert.True(odd.Count == 0, string.Join(" | ", odd));
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public void ShortLabels_AreInSentenceCase(string culture)
    {
        // Labels and buttons: capital first letter, the rest lower case except codes (TLP, API) and names the English capitalises too.
        var english = Load("Shell", "en");
        var problems = new List<string>();
        foreach (var (key, value) in Load("Shell", culture))
        {
            var words = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (!english.TryGetValue(key, out var en) || words.Length is < 2 or > 5 || en.Contains('{', StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var word in words.Skip(1).Select(w => w.Trim('(', ')', ',', '.', ':', '…', '"')))
            {
                if (word.Length > 1 && char.IsUpper(word[0]) && word.Skip(1).Any(char.IsLower)
                    && !Regex.IsMatch(en, $@"\b{Regex.Escape(word)}\b") && !SentenceCaseNames.Contains(word))
                {
                    problems.Add($"{key}: {value}");
                }
            }
        }

        Assert.True(problems.Count == 0, $"Shell.{culture}.resx: {string.Join(" | ", problems)}");
    }

    private static readonly HashSet<string> SentenceCaseNames = ["Kosovo", "Kosova", "Косово", "Markdown", "OpenPGP", "Rampart"];

    /// <summary>
    /// Ekavian word forms whose ijekavian form differs (vreme/vrijeme, mesto/mjesto, …). A list of words, not stems:
    /// "vremena", "vremenski" and "vremenskoj" are the same in both and must not be flagged.
    /// </summary>
    private static readonly HashSet<string> Ekavian = new(
        """
        vreme mesto mesta mestu deo delo dela delu ceo cela celo celi cele celu celog
        beleška beleške beleški beležaka beleškom belešku beleškama beležiti
        provera provere proveri proveru proverom proveren proverena provereno provereni proverite proveriti proverava
        promena promene promeni promenu promenom promenite promeniti promenjen promenjena promenjeno
        izmena izmene izmeni izmenu izmenom izmenite izmeniti izmenjen izmenjena izmenjeno izmenjeni
        poslednji poslednja poslednje poslednjeg poslednjoj poslednjih poslednju posle
        neuspeh neuspeha neuspešan neuspešno neuspela neuspelo neuspeli uspeh uspeha uspešan uspešno uspela uspelo
        dve ovde gde uvek pre zahtev zahteva zahtevi zahteve zahtevu zahtevom zahtevima
        podeli podeliti podelite podeljen podeljena podeljeno podeljeni deljenje deljeno
        pretnja pretnje pretnji pretnju pretnjama razmena razmene razmeni razmenu
        bezbedan bezbedna bezbedno bezbednost bezbednosti sme smete smeju smem
        mesec meseca mesecu nedelja nedelje nedelju reč reči rečima menja menjaju menjati menjate
        primena primene primeni primenu sledeći sledeća sledeće sledećeg izveštaj izveštaja izveštaji izveštaje
        procena procene proceni procenu mera mere meru merama cena cene vest vesti obaveštenje obaveštenja
        verovatno svet sveta svetu savet saveta dete deteta čovek čoveka napred
        """.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    private static IEnumerable<string> EkavianWords(string text) =>
        Word().Matches(text).Select(m => m.Value.ToLowerInvariant()).Where(Ekavian.Contains);


    [Theory]
    [InlineData("sr-Latn", "Ime")]
    [InlineData("sr-Cyrl", "Име")]
    [InlineData("mk", "Име")]
    [InlineData("bs", "Ime")]
    [InlineData("sr-Latn-ME", "Ime")]
    public void APersonsName_IsIme_NotNaziv(string culture, string expected)
    {
        Assert.Equal(expected, Load("Shell", culture)["Name"]);
    }

    [Fact]
    public void AnArmouredPgpKey_IsNotArmed_InAlbanian()
    {
        var value = Load("Shell", "sq")["PGP public key (armoured)"];
        Assert.DoesNotContain("armatos", value, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("ASCII", value, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public void TheShell_IsServedFromTheSatelliteAssembly(string culture)
    {
        // The resx files reach the running node: the localiser finds the culture's own text, not the English fallback.
        var manager = new System.Resources.ResourceManager("Rampart.Server.Resources.Shell", typeof(Shell).Assembly);
        var expected = Load("Shell", culture)["Organisations"];
        Assert.Equal(expected, manager.GetString("Organisations", CultureInfo.GetCultureInfo(culture)));
    }

    private static void WriteLike(string templatePath, string path, Dictionary<string, string> values)
    {
        // Same layout as the other resource files: the header of the template, then one line per string.
        var template = File.ReadAllLines(templatePath);
        var header = template.TakeWhile(l => !l.TrimStart().StartsWith("<data", StringComparison.Ordinal));
        var order = XDocument.Load(templatePath).Root!.Elements("data").Select(d => d.Attribute("name")!.Value);
        var text = new StringBuilder();
        foreach (var line in header)
        {
            text.Append(line).Append('\n');
        }

        foreach (var key in order)
        {
            text.Append(CultureInfo.InvariantCulture, $"  <data name=\"{WebUtility.HtmlEncode(key).Replace("&#39;", "'", StringComparison.Ordinal)}\" xml:space=\"preserve\"><value>{EscapeText(values[key])}</value></data>\n");
        }

        text.Append("</root>\n");
        File.WriteAllText(path, text.ToString(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    private static string EscapeText(string value) =>
        value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    [GeneratedRegex(@"\{\d+(?:,-?\d+)?(?::[^{}]*)?\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\b[A-Z]{2,}(?:[:+][A-Z]+)*\b|Authorization: Bearer <key>|\d+(?:/\d+)?")]
    private static partial Regex Code();

    [GeneratedRegex(@"<[^<>]*>")]
    private static partial Regex Bracketed();

    [GeneratedRegex(@"\p{L}")]
    private static partial Regex Letters();

    [GeneratedRegex(@"\p{IsCyrillic}")]
    private static partial Regex CyrillicLetter();

    [GeneratedRegex(@"\p{IsGeorgian}")]
    private static partial Regex GeorgianLetter();

    [GeneratedRegex(@"[A-Za-zČčĆćŽžŠšĐđ]+")]
    private static partial Regex LatinWord();

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex Word();

    [GeneratedRegex(@"^(?<base>.+)_(?<category>zero|one|two|few|many|other)$")]
    private static partial Regex PluralKey();
}

/// <summary>The running node serves its pages in each of the nine languages, with the page's language declared.</summary>
public sealed class LanguageRenderingTests(SqliteNode fixture) : IClassFixture<SqliteNode>
{
    public static TheoryData<string> Cultures() => new(Languages.All.Select(l => l.Culture));

    [Theory]
    [MemberData(nameof(Cultures))]
    public async Task TheLoginPage_IsServedInTheBrowsersLanguage(string culture)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        request.Headers.AcceptLanguage.ParseAdd(culture);
        var response = await fixture.Node.Factory.ClientWithKey(null).SendAsync(request);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        var expected = new System.Resources.ResourceManager("Rampart.Server.Resources.Shell", typeof(Shell).Assembly)
            .GetString("Log in", CultureInfo.GetCultureInfo(culture));
        Assert.True(culture == "en" || expected != "Log in", $"no {culture} satellite resources");
        Assert.Contains($"<html lang=\"{culture}\">", html, StringComparison.Ordinal);
        Assert.Contains($"<h1>{expected}</h1>", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sr-RS", "sr-Cyrl")]
    [InlineData("sr", "sr-Cyrl")]
    [InlineData("sr-Latn-RS", "sr-Latn")]
    [InlineData("sr-ME", "sr-Latn-ME")]
    [InlineData("cnr", "sr-Latn-ME")]
    [InlineData("ro-MD", "ro")]
    [InlineData("sq-XK", "sq")]
    [InlineData("ka-GE", "ka")]
    [InlineData("mk-MK", "mk")]
    [InlineData("bs-BA", "bs")]
    [InlineData("de-DE", "en")]
    public async Task BrowsersOfTheRegion_GetTheirLanguage(string acceptLanguage, string culture)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
        var html = await (await fixture.Node.Factory.ClientWithKey(null).SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Contains($"<html lang=\"{culture}\">", html, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Cultures))]
    public async Task TheReconnectionBanner_SpeaksThePageLanguage_NotBlazorsEnglish(string culture)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        request.Headers.AcceptLanguage.ParseAdd(culture);
        var html = WebUtility.HtmlDecode(await (await fixture.Node.Factory.ClientWithKey(null).SendAsync(request)).Content.ReadAsStringAsync());

        var resources = new System.Resources.ResourceManager("Rampart.Server.Resources.Shell", typeof(Shell).Assembly);
        // With this element present, blazor.web.js only sets its state classes and shows none of its own English text.
        Assert.Contains("id=\"components-reconnect-modal\"", html, StringComparison.Ordinal);
        foreach (var key in new[] { "Connection to the node lost. Reconnecting…", "Could not reconnect to the node.", "This session has ended on the node. Reload the page to continue." })
        {
            var text = resources.GetString(key, CultureInfo.GetCultureInfo(culture));
            Assert.True(culture == "en" || text != key, $"{key}: no {culture} text");
            Assert.Contains(text!, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task GeorgianPage_IsSentAsLetters_NotEscapes()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/account/login");
        request.Headers.AcceptLanguage.ParseAdd("ka");
        var html = await (await fixture.Node.Factory.ClientWithKey(null).SendAsync(request)).Content.ReadAsStringAsync();
        Assert.DoesNotContain("&#x10", html, StringComparison.Ordinal);
        Assert.Matches(@"\p{IsGeorgian}", html);
    }
}
