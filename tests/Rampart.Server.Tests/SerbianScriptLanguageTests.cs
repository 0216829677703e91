using Rampart.Server.Localisation;

namespace Rampart.Server.Tests;

/// <summary>Serbian Latin → Cyrillic, as used to keep <c>*.sr-Cyrl.resx</c> in step with <c>*.sr-Latn.resx</c>.</summary>
public sealed class SerbianScriptLanguageTests
{
    [Theory]
    [InlineData("Ljubljana", "Љубљана")]
    [InlineData("Njegoš", "Његош")]
    [InlineData("džep i Džon", "џеп и Џон")]
    [InlineData("Đorđe, Ćuprija, čačak, šuma, žaba", "Ђорђе, Ћуприја, чачак, шума, жаба")]
    [InlineData("Ključ, lozinka, nalog", "Кључ, лозинка, налог")]
    [InlineData("Ime", "Име")]
    [InlineData("E-pošta", "Е-пошта")]
    [InlineData("Veb-sajt", "Веб-сајт")]
    public void Letters_AndDigraphs(string latin, string cyrillic) => Assert.Equal(cyrillic, SerbianScript.ToCyrillic(latin));

    [Theory]
    [InlineData("injekcija", "инјекција")]
    [InlineData("Injekcija", "Инјекција")]
    [InlineData("konjugacija", "конјугација")]
    [InlineData("konjunkcija", "конјункција")]
    [InlineData("nadživeti", "надживети")]
    [InlineData("podžanr", "поджанр")]
    [InlineData("vanjezički", "ванјезички")]
    [InlineData("konj", "коњ")]
    public void DigraphsAcrossAPrefix_AreTwoLetters(string latin, string cyrillic) => Assert.Equal(cyrillic, SerbianScript.ToCyrillic(latin));

    [Theory]
    [InlineData("Lanac je prekinut kod zapisa {0}.", "Ланац је прекинут код записа {0}.")]
    [InlineData("Provereno: {0:N0} od {1}", "Проверено: {0:N0} од {1}")]
    [InlineData("Objavi (samo TLP:CLEAR)", "Објави (само TLP:CLEAR)")]
    [InlineData("RED i AMBER+STRICT: vaša organizacija", "RED и AMBER+STRICT: ваша организација")]
    [InlineData("API ključevi, STIX i MISP", "API кључеви, STIX и MISP")]
    [InlineData("Javni PGP ključ (u ASCII obliku)", "Јавни PGP кључ (у ASCII облику)")]
    [InlineData("Šaljite ga kao: Authorization: Bearer <key>", "Шаљите га као: Authorization: Bearer <key>")]
    [InlineData("Tekst (Markdown)", "Текст (Markdown)")]
    [InlineData("Vidi https://example.org/nj/lj?dž=1 ili piši na cert@example.rs.", "Види https://example.org/nj/lj?dž=1 или пиши на cert@example.rs.")]
    [InlineData("Telefon 24/7, Kosovo je XK", "Телефон 24/7, Косово је XK")]
    [InlineData("na primer O-8=3; P-9=3, ili H-1 i T-12", "на пример O-8=3; P-9=3, или H-1 и T-12")]
    [InlineData("web i wiki", "web и wiki")]
    public void Placeholders_CodesUrlsAndProductNames_StayAsTheyAre(string latin, string cyrillic) =>
        Assert.Equal(cyrillic, SerbianScript.ToCyrillic(latin));

    [Fact]
    public void EveryLetterOfTheAlphabet_HasItsCyrillicLetter()
    {
        // The 30 letters of the Serbian alphabet, small and capital, in the order of the Cyrillic azbuka.
        const string latin = "a b v g d đ e ž z i j k l lj m n nj o p r s t ć u f h c č dž š A B V G D Đ E Ž Z I J K L Lj M N Nj O P R S T Ć U F H C Č Dž Š";
        const string cyrillic = "а б в г д ђ е ж з и ј к л љ м н њ о п р с т ћ у ф х ц ч џ ш А Б В Г Д Ђ Е Ж З И Ј К Л Љ М Н Њ О П Р С Т Ћ У Ф Х Ц Ч Џ Ш";
        Assert.Equal(cyrillic, SerbianScript.ToCyrillic(latin));
    }

    [Theory]
    [InlineData("TLP")]
    [InlineData("CSIRT")]
    [InlineData("Markdown")]
    [InlineData("web")]
    public void CodesAndForeignWords_StayLatin(string word) => Assert.True(SerbianScript.StaysLatin(word));

    [Theory]
    [InlineData("Ime")]
    [InlineData("E")]
    [InlineData("DŽEP")]
    public void SerbianWords_DoNotStayLatin(string word) => Assert.False(SerbianScript.StaysLatin(word));
}
