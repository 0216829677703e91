using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;

namespace Rampart.Server.Components;

/// <summary>
/// The use cases' reasons are machine-readable English (the API returns them as they are); pages show them in the
/// user's language: a reason is a key of the shell's resources, numbers in it are put back into the translation.
/// </summary>
public static partial class ProblemText
{
    public static string Localise(IStringLocalizer localizer, string reason)
    {
        ArgumentNullException.ThrowIfNull(localizer);
        ArgumentNullException.ThrowIfNull(reason);
        var direct = localizer[reason];
        if (!direct.ResourceNotFound)
        {
            return direct.Value;
        }

        // "At most 200 characters." → key "At most {0} characters."
        var numbers = new List<string>();
        var key = Number().Replace(reason, m =>
        {
            numbers.Add(m.Value);
            return "{" + (numbers.Count - 1).ToString(CultureInfo.InvariantCulture) + "}";
        });
        var pattern = localizer[key];
        return pattern.ResourceNotFound || numbers.Count == 0
            ? reason
            : string.Format(CultureInfo.CurrentCulture, pattern.Value, numbers.Select(n => (object)int.Parse(n, CultureInfo.InvariantCulture).ToString("N0", CultureInfo.CurrentCulture)).ToArray());
    }

    [GeneratedRegex(@"\b\d+\b")]
    private static partial Regex Number();
}
