using Rampart.Standards.Markings;

namespace Rampart.Server.Access;

/// <summary>A requested distribution: checked by <see cref="SharingRules.Validate"/> and <see cref="SharingStore.ValidateAsync"/> before it is stored.</summary>
/// <param name="FieldOf">The request field to blame for an entry's kind or target (differs between the set form and the single-audience form).</param>
public sealed record SharingRequest(Tlp Tlp, IReadOnlyList<AudienceEntry> Audiences, bool Published, Func<int, AudienceEntry, EntryPart, string> FieldOf)
{
    public const int MaxEntries = 500;

    /// <summary>The set form: <c>"audiences": [ { "kind": "community", "communityId": … }, … ]</c>.</summary>
    public static SharingRequest OfEntries(Tlp tlp, IReadOnlyList<AudienceEntry> audiences, bool published) =>
        new(tlp, audiences, published, (i, _, _) => $"audiences[{i}]");
}

/// <summary>What about an audience entry is wrong: its kind (against the TLP) or what it names.</summary>
public enum EntryPart
{
    Kind,
    Target,
}

/// <summary>Which audiences each TLP level permits, checked whenever a record is created or changed.</summary>
public static class SharingRules
{
    private static readonly AudienceKind[] Kinds = Enum.GetValues<AudienceKind>();

    /// <summary>The grant an entry of this kind becomes, whose ceiling it must respect.</summary>
    public static GrantKind GrantOf(AudienceKind kind) => kind switch
    {
        AudienceKind.Organisation => GrantKind.Organisation,
        AudienceKind.Person => GrantKind.Person,
        AudienceKind.Community => GrantKind.Community,
        _ => GrantKind.Network,
    };

    public static bool Allows(Tlp tlp, AudienceKind kind) => AccessTokens.CeilingOf(GrantOf(kind)).Admits(tlp, published: true);

    /// <summary>
    /// Translates the single-audience form (<c>audience</c>, <c>communityId</c>, <c>recipients</c>) into
    /// entries, adding its own consistency errors; TLP errors then name <c>audience</c>, as before.
    /// </summary>
    public static SharingRequest FromSingleAudience(Tlp tlp, Audience audience, Guid? communityId,
        IReadOnlyList<RecipientRequest> recipients, bool published, RequestErrors errors)
    {
        ArgumentNullException.ThrowIfNull(recipients);
        ArgumentNullException.ThrowIfNull(errors);
        var entries = new List<AudienceEntry>();
        switch (audience)
        {
            case Audience.Organisation:
                break;
            case Audience.Recipients:
                if (recipients.Count == 0)
                {
                    errors.Add("recipients", "The audience 'recipients' needs at least one recipient organisation.");
                }

                if (recipients.Any(r => r is null))
                {
                    errors.Add("recipients", "A recipient is an object with an organisationId (and, for one person, a userId); null is not one.");
                    break;
                }

                entries.AddRange(recipients.Select(r => r.UserId is { } user
                    ? new AudienceEntry(AudienceKind.Person, r.OrganisationId, UserId: user)
                    : new AudienceEntry(AudienceKind.Organisation, r.OrganisationId)));
                break;
            case Audience.Community:
                if (communityId is null)
                {
                    errors.Add("communityId", "The audience 'community' needs a community.");
                }

                entries.Add(new AudienceEntry(AudienceKind.Community, CommunityId: communityId));
                break;
            case Audience.Network:
                entries.Add(new AudienceEntry(AudienceKind.Network));
                break;
            default:
                errors.Add("audience", "Give the entries in 'audiences' for a combined audience.");
                break;
        }

        if (audience != Audience.Community && communityId is not null)
        {
            errors.Add("communityId", "A community is only given with the audience 'community'.");
        }

        if (audience != Audience.Recipients && recipients.Count > 0)
        {
            errors.Add("recipients", "Recipients are only given with the audience 'recipients'.");
        }

        return new SharingRequest(tlp, entries, published, (_, entry, part) => (part, entry.Kind) switch
        {
            (EntryPart.Kind, _) => "audience",
            (_, AudienceKind.Community) => "communityId",
            (_, AudienceKind.Network) => "audience",
            _ => "recipients",
        });
    }

    /// <summary>Adds to <paramref name="errors"/> every rule the request breaks that needs no database, keyed by the field at fault.</summary>
    public static void Validate(SharingRequest request, RequestErrors errors)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);

        if (request.Published && request.Tlp != Tlp.Clear)
        {
            errors.Add("published", "Only TLP:CLEAR records may be published to people who are not logged in.");
        }

        if (request.Audiences.Count > SharingRequest.MaxEntries)
        {
            errors.Add("audiences", $"At most {SharingRequest.MaxEntries} audience entries.");
            return;
        }

        for (var i = 0; i < request.Audiences.Count; i++)
        {
            var entry = request.Audiences[i];
            if (entry is null || entry.Kind is not { } kind || !Enum.IsDefined(kind))
            {
                errors.Add(request.FieldOf(i, entry ?? new AudienceEntry(null), EntryPart.Kind), "Needs a kind: organisation, person, community or network.");
                continue;
            }

            var field = request.FieldOf(i, entry, EntryPart.Target);
            if (!Allows(request.Tlp, kind))
            {
                errors.Add(request.FieldOf(i, entry, EntryPart.Kind), $"{request.Tlp.Label()} does not allow the audience '{kind.ToString().ToLowerInvariant()}'; "
                    + $"allowed: {string.Join(", ", Kinds.Where(k => Allows(request.Tlp, k)).Select(k => k.ToString().ToLowerInvariant()))}.");
            }

            var wants = (Organisation: kind is AudienceKind.Organisation or AudienceKind.Person, Community: kind == AudienceKind.Community,
                User: kind == AudienceKind.Person);
            if (wants.Organisation != (entry.OrganisationId is not null) && !(kind == AudienceKind.Person && entry.OrganisationId is null))
            {
                errors.Add(field, wants.Organisation ? "Needs an organisationId." : "An organisationId belongs to an organisation or person entry only.");
            }

            if (wants.Community != (entry.CommunityId is not null))
            {
                errors.Add(field, wants.Community ? "Needs a communityId." : "A communityId belongs to a community entry only.");
            }

            if (wants.User != (entry.UserId is not null))
            {
                errors.Add(field, wants.User ? "Needs a userId." : "A userId belongs to a person entry only.");
            }
        }
    }
}
