using System.Globalization;
using Microsoft.Extensions.Localization;

namespace Rampart.Server.Localisation;

/// <summary>The CLDR plural categories the nine UI languages use for whole numbers.</summary>
public enum PluralCategory
{
    One,
    Few,
    Other,
}

/// <summary>
/// Plural forms by the CLDR rules of the nine UI languages (integers only: the UI counts things). A resource with
/// plural forms is one key per category the language has, <c>Base_one</c>, <c>Base_few</c>, <c>Base_other</c>;
/// the language-completeness test requires exactly those. Rules (CLDR 46, integer operands):
/// en, sq, ka: one n=1; sr/bs/sr-Latn-ME: one n%10=1 and n%100≠11, few n%10=2..4 and n%100∉12..14;
/// mk: one n%10=1 and n%100≠11; ro: one n=1, few n=0 or n%100=2..19.
/// </summary>
public static class Plurals
{
    private static readonly PluralCategory[] OneOther = [PluralCategory.One, PluralCategory.Other];
    private static readonly PluralCategory[] OneFewOther = [PluralCategory.One, PluralCategory.Few, PluralCategory.Other];

    /// <summary>The categories a language distinguishes, in resource-key order.</summary>
    public static IReadOnlyList<PluralCategory> CategoriesOf(CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        return Rule(culture) switch
        {
            "sr" or "ro" => OneFewOther,
            _ => OneOther,
        };
    }

    /// <summary>The category of a count in a language; negative counts take the category of their magnitude.</summary>
    public static PluralCategory Of(CultureInfo culture, long count)
    {
        ArgumentNullException.ThrowIfNull(culture);
        var n = count == long.MinValue ? long.MaxValue : Math.Abs(count);
        var mod10 = n % 10;
        var mod100 = n % 100;
        return Rule(culture) switch
        {
            "sr" when mod10 == 1 && mod100 != 11 => PluralCategory.One,
            "sr" when mod10 is >= 2 and <= 4 && mod100 is < 12 or > 14 => PluralCategory.Few,
            "mk" when mod10 == 1 && mod100 != 11 => PluralCategory.One,
            "ro" when n == 1 => PluralCategory.One,
            "ro" when n == 0 || mod100 is >= 2 and <= 19 => PluralCategory.Few,
            "sr" or "mk" or "ro" => PluralCategory.Other,
            _ => n == 1 ? PluralCategory.One : PluralCategory.Other,
        };
    }

    /// <summary>The resource-key suffix of a category: <c>_one</c>, <c>_few</c>, <c>_other</c>.</summary>
    public static string Suffix(PluralCategory category) => category switch
    {
        PluralCategory.One => "_one",
        PluralCategory.Few => "_few",
        _ => "_other",
    };

    /// <summary>
    /// The text for <paramref name="count"/> things: the key's form for the current UI culture, with <c>{0}</c> the
    /// count written in that culture (or <paramref name="shown"/>, e.g. "100+", when the number shown differs) and
    /// <c>{1}</c>… the <paramref name="others"/>.
    /// </summary>
    public static string Plural(this IStringLocalizer localizer, string baseKey, long count, string? shown = null, params object?[] others)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        ArgumentNullException.ThrowIfNull(others);
        var form = localizer[baseKey + Suffix(Of(CultureInfo.CurrentUICulture, count))];
        if (form.ResourceNotFound)
        {
            form = localizer[baseKey + "_other"];
        }

        var arguments = new object?[others.Length + 1];
        arguments[0] = shown ?? count.ToString("N0", CultureInfo.CurrentCulture);
        others.CopyTo(arguments, 1);
        return string.Format(CultureInfo.CurrentCulture, form.Value, arguments);
    }

    // Serbian in both scripts, Bosnian and Montenegrin share one rule; the others are named by their language.
    private static string Rule(CultureInfo culture) => culture.TwoLetterISOLanguageName switch
    {
        "sr" or "bs" or "hr" or "cnr" => "sr",
        var language => language,
    };
}
