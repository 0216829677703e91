namespace Rampart.Server.Components.Layout;

/// <summary>The languages offered in the pickers, each named in itself.</summary>
public static class Languages
{
    public static IReadOnlyList<(string Code, string Name)> All { get; } =
        Hosting.RampartHost.SupportedCultures.Select(c => (c.Name, Name(c))).ToList();

    private static string Name(System.Globalization.CultureInfo culture) => culture.Name switch
    {
        "en" => "English",
        "sq" => "Shqip",
        "sr-Latn" => "Srpski (latinica)",
        "sr-Cyrl" => "Српски (ћирилица)",
        "mk" => "Македонски",
        "bs" => "Bosanski",
        "sr-Latn-ME" => "Crnogorski",
        "ka" => "ქართული",
        "ro" => "Română",
        _ => culture.TextInfo.ToTitleCase(culture.NativeName),
    };
}
