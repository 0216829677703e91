using System.Globalization;

namespace Rampart.Server.Localisation;

/// <summary>A language the UI offers: its culture and its name written in that language, as the picker shows it.</summary>
public sealed record Language(string Culture, string NativeName)
{
    public CultureInfo CultureInfo => CultureInfo.GetCultureInfo(Culture);
}

/// <summary>
/// The nine UI languages of the network's eight countries. Montenegrin has no <c>cnr</c> culture on the platform,
/// so it is <c>sr-Latn-ME</c> with its own resource set. <c>sr-Cyrl</c> resources are the transliteration of
/// <c>sr-Latn</c> (see <see cref="SerbianScript"/>). Keep this list and <c>RampartHost.SupportedCultures</c> equal;
/// a test checks it.
/// </summary>
public static class Languages
{
    public static readonly IReadOnlyList<Language> All =
    [
        new("sq", "Shqip"),
        new("sr-Latn", "Srpski (latinica)"),
        new("sr-Cyrl", "Српски (ћирилица)"),
        new("mk", "Македонски"),
        new("bs", "Bosanski"),
        new("sr-Latn-ME", "Crnogorski"),
        new("ka", "ქართული"),
        new("ro", "Română"),
        new("en", "English"),
    ];
}
