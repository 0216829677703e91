using System.Linq.Expressions;
using Rampart.Server.Data;
using Rampart.Standards.Markings;

namespace Rampart.Server.Access;

/// <summary>
/// The one place that decides who may read a shareable record. Every read path — REST, pages,
/// search, exports, statistics, sync — filters through <see cref="Readable{T}"/> (evaluated by the
/// database) or, for a record already in hand, <see cref="CanRead"/>; the two say the same thing.
/// </summary>
/// <remarks>
/// The TLP ceilings of <see cref="SharingRules"/> are applied again here, so a record that somehow
/// carries a wider audience than its TLP allows (an import bug, a hand-edited row) is still only
/// shown to the owner and the audience its TLP permits.
/// </remarks>
public sealed class AccessPolicy(RampartDb db)
{
    /// <summary>The records of <paramref name="source"/> that <paramref name="caller"/> may read, as a database filter.</summary>
    public IQueryable<T> Readable<T>(IQueryable<T> source, Caller caller)
        where T : class, IShareable
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Where(ReadPredicate<T>(caller));
    }

    /// <summary>The read rule as an expression the database evaluates.</summary>
    public Expression<Func<T, bool>> ReadPredicate<T>(Caller caller)
        where T : class, IShareable
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            return x => x.Sharing.Published && x.Sharing.Tlp == Tlp.Clear;
        }

        var organisationId = caller.OrganisationId;
        var userId = caller.UserId;
        var communityIds = caller.CommunityIds.ToList();
        var recipients = db.ShareRecipients;
        return x =>
            x.Sharing.OwnerOrganisationId == organisationId
            || (x.Sharing.Published && x.Sharing.Tlp == Tlp.Clear)
            || (x.Sharing.Audience == Audience.Network && x.Sharing.Tlp <= Tlp.Green)
            || (x.Sharing.Audience == Audience.Community && x.Sharing.Tlp <= Tlp.Amber
                && x.Sharing.CommunityId != null && communityIds.Contains(x.Sharing.CommunityId.Value))
            || (x.Sharing.Audience == Audience.Recipients
                && recipients.Any(r => r.RecordId == x.Id && r.OrganisationId == organisationId
                                       && (r.UserId == null || r.UserId == userId)));
    }

    /// <summary>
    /// The same rule for a record already loaded, with its recipient rows. Use it only where there is
    /// no query to filter (a message about to be sent, an object arriving from a peer).
    /// </summary>
    public static bool CanRead(Caller caller, IShareable record, IEnumerable<ShareRecipient> recipients)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(recipients);
        var s = record.Sharing;
        if (s.Published && s.Tlp == Tlp.Clear)
        {
            return true;
        }

        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            return false;
        }

        return s.OwnerOrganisationId == caller.OrganisationId
            || (s.Audience == Audience.Network && s.Tlp <= Tlp.Green)
            || (s.Audience == Audience.Community && s.Tlp <= Tlp.Amber
                && s.CommunityId is { } communityId && caller.CommunityIds.Contains(communityId))
            || (s.Audience == Audience.Recipients
                && recipients.Any(r => r.RecordId == record.Id && r.OrganisationId == caller.OrganisationId
                                       && (r.UserId == null || r.UserId == caller.UserId)));
    }
}
