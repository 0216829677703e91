using System.Globalization;
using System.Resources;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace Rampart.Server.Localisation;

/// <summary>
/// MudBlazor's own texts (pager, filters, dialogs, pickers, "Loading…") from <c>Resources/MudBlazor.*.resx</c>, in the
/// viewer's UI language. The keys are MudBlazor's (its <c>LanguageResource</c>); a key this set lacks is answered
/// "not found", and MudBlazor then shows its built-in English (tests keep the two key lists equal).
/// </summary>
public sealed class RampartMudLocalizer : MudLocalizer
{
    /// <summary>The resource set, by its manifest name.</summary>
    public static readonly ResourceManager Texts = new("Rampart.Server.Resources.MudBlazor", typeof(RampartMudLocalizer).Assembly);

    public override LocalizedString this[string key]
    {
        get
        {
            var value = key is null ? null : Texts.GetString(key, CultureInfo.CurrentUICulture);
            return value is null ? new LocalizedString(key ?? "", key ?? "", resourceNotFound: true) : new LocalizedString(key!, value);
        }
    }

    public override LocalizedString this[string key, params object[] arguments]
    {
        get
        {
            var found = this[key];
            return found.ResourceNotFound
                ? found
                : new LocalizedString(key, string.Format(CultureInfo.CurrentCulture, found.Value, arguments));
        }
    }
}
