using Microsoft.Extensions.Localization;

#pragma warning disable IDE0130
namespace Rampart.Server;
#pragma warning restore IDE0130

/// <summary>
/// Marker for the strings of the incident work added in session 8 (<c>Resources/IncidentWorkTexts.*.resx</c>): the printable
/// report, split, merge, duplicate, TLP and audience changes, templates.
/// </summary>
public sealed class IncidentWorkTexts
{
    /// <summary>A journal event's text: the newer events from here, the others from the shell's strings.</summary>
    public static string Event(IStringLocalizer<IncidentWorkTexts> work, IStringLocalizer<Shell> shell, string? code)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(shell);
        var text = work["IncidentEvent." + code];
        return text.ResourceNotFound ? shell["IncidentEvent." + code] : text;
    }
}
