using System.Globalization;
using Rampart.Server.Hosting;
using Rampart.Server.Validation;

namespace Rampart.Server.Capacity.Pdf;

/// <summary>The language a PDF is written in: one of the node's UI languages, or the reader's own when none is asked for.</summary>
public static class PdfLanguage
{
    public static CultureInfo Parse(string? language, CultureInfo fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        if (language is null)
        {
            return RampartHost.SupportedCultures.FirstOrDefault(c => c.Name == fallback.Name) ?? CultureInfo.GetCultureInfo("en");
        }

        return RampartHost.SupportedCultures.FirstOrDefault(c => string.Equals(c.Name, language.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw RequestErrors.One("language", "One of the node's languages: " + string.Join(", ", RampartHost.SupportedCultures.Select(c => c.Name)) + ".");
    }
}
