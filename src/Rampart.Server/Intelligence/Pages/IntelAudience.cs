using System.Globalization;
using Microsoft.Extensions.Localization;
using Rampart.Server.Access;

namespace Rampart.Server.Intelligence.Pages;

/// <summary>
/// An object's audience in words, with the names it stands for: "Community: Western Balkans CSIRTs", the recipient
/// organisations' short names, "Whole network". Built from the grants of an object the viewer already reads.
/// </summary>
public static class IntelAudience
{
    public static string Describe(IReadOnlyList<AccessGrant> grants, IReadOnlyDictionary<Guid, string> organisations,
        IReadOnlyDictionary<Guid, string> communities, IStringLocalizer<Shell> localizer)
    {
        ArgumentNullException.ThrowIfNull(grants);
        ArgumentNullException.ThrowIfNull(organisations);
        ArgumentNullException.ThrowIfNull(communities);
        ArgumentNullException.ThrowIfNull(localizer);
        var entries = SharingStore.AudienceOf(grants);
        var parts = new List<string>();
        if (entries.Count == 0)
        {
            parts.Add(localizer["Audience.Organisation"]);
        }

        foreach (var community in entries.Where(e => e.Kind == AudienceKind.Community))
        {
            parts.Add(localizer["Audience.Community"] + ": " + Name(communities, community.CommunityId));
        }

        var recipients = entries.Where(e => e.Kind == AudienceKind.Organisation).Select(e => Name(organisations, e.OrganisationId))
            .Concat(entries.Where(e => e.Kind == AudienceKind.Person)
                .Select(e => string.Format(CultureInfo.CurrentCulture, localizer["A person of {0}"], Name(organisations, e.OrganisationId))))
            .ToList();
        if (recipients.Count > 0)
        {
            parts.Add(localizer["Audience.Recipients"] + ": " + string.Join(", ", recipients));
        }

        if (entries.Any(e => e.Kind == AudienceKind.Network))
        {
            parts.Add(localizer["Audience.Network"]);
        }

        if (grants.Any(g => g.Kind == GrantKind.Public))
        {
            parts.Add(localizer["Published"]);
        }

        return string.Join(" · ", parts);
    }

    private static string Name(IReadOnlyDictionary<Guid, string> names, Guid? id) =>
        id is { } key && names.TryGetValue(key, out var name) ? name : "?";
}
