using Rampart.Server.Hosting;
using Rampart.Standards.Markings;

namespace Rampart.Server.Access;

/// <summary>A requested distribution: checked by <see cref="SharingRules.Validate"/> before it is stored.</summary>
public sealed record SharingRequest(
    Tlp Tlp,
    Audience Audience,
    Guid? CommunityId,
    IReadOnlyList<RecipientRequest> Recipients,
    bool Published);

public sealed record RecipientRequest(Guid OrganisationId, Guid? UserId = null);

/// <summary>Which audiences each TLP level permits, checked whenever a record is created or changed.</summary>
public static class SharingRules
{
    /// <summary>The widest audience a TLP level allows.</summary>
    public static Audience WidestAudience(Tlp tlp) => tlp switch
    {
        Tlp.Clear or Tlp.Green => Audience.Network,
        Tlp.Amber => Audience.Community,
        _ => Audience.Recipients,
    };

    /// <summary>Adds to <paramref name="errors"/> every rule the request breaks, keyed by the field at fault.</summary>
    public static void Validate(SharingRequest request, RequestErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);

        if (request.Audience > WidestAudience(request.Tlp))
        {
            errors.Add("audience", $"{request.Tlp.Label()} does not allow the audience '{request.Audience.ToString().ToLowerInvariant()}'; "
                + $"allowed: {AllowedList(request.Tlp)}.");
        }

        if (request.Published && request.Tlp != Tlp.Clear)
        {
            errors.Add("published", "Only TLP:CLEAR records may be published to people who are not logged in.");
        }

        if (request.Audience == Audience.Community && request.CommunityId is null)
        {
            errors.Add("communityId", "The audience 'community' needs a community.");
        }

        if (request.Audience != Audience.Community && request.CommunityId is not null)
        {
            errors.Add("communityId", "A community is only given with the audience 'community'.");
        }

        if (request.Audience == Audience.Recipients && request.Recipients.Count == 0)
        {
            errors.Add("recipients", "The audience 'recipients' needs at least one recipient organisation.");
        }

        if (request.Audience != Audience.Recipients && request.Recipients.Count > 0)
        {
            errors.Add("recipients", "Recipients are only given with the audience 'recipients'.");
        }

        if (request.Tlp != Tlp.Red && request.Recipients.Any(r => r.UserId is not null))
        {
            errors.Add("recipients", "Named people as recipients are only for TLP:RED.");
        }
    }

    private static string AllowedList(Tlp tlp) => string.Join(", ",
        Enum.GetValues<Audience>().Where(a => a <= WidestAudience(tlp)).Select(a => a.ToString().ToLowerInvariant()));
}
