using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

namespace Rampart.Server.Access;

/// <summary>
/// Checks a requested distribution against the TLP rules and the node's organisations and
/// communities, and writes the envelope and recipient rows of a record. Used by every shareable type.
/// </summary>
public sealed class SharingStore(RampartDb db)
{
    /// <summary>Adds every broken rule of <paramref name="request"/> to <paramref name="errors"/>.</summary>
    public async Task ValidateAsync(Caller caller, SharingRequest request, RequestErrors errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        SharingRules.Validate(request, errors);
        if (request.CommunityId is { } communityId)
        {
            if (!await db.Communities.AnyAsync(c => c.Id == communityId, cancellationToken))
            {
                errors.Add("communityId", "No such community.");
            }
            else if (!caller.CommunityIds.Contains(communityId))
            {
                errors.Add("communityId", "Your organisation is not a member of this community.");
            }
        }

        if (request.Recipients.Count > 500)
        {
            errors.Add("recipients", "At most 500 recipients.");
            return;
        }

        var organisationIds = request.Recipients.Select(r => r.OrganisationId).Distinct().ToList();
        var known = await db.Organisations.Where(o => organisationIds.Contains(o.Id)).Select(o => o.Id).ToListAsync(cancellationToken);
        foreach (var missing in organisationIds.Except(known))
        {
            errors.Add("recipients", $"No organisation {missing}.");
        }

        var named = request.Recipients.Where(r => r.UserId is not null).ToList();
        if (named.Count > 0)
        {
            var userIds = named.Select(r => r.UserId!.Value).ToList();
            var userOrganisations = await db.Users.Where(u => userIds.Contains(u.Id))
                .Select(u => new { u.Id, u.OrganisationId }).ToDictionaryAsync(u => u.Id, u => u.OrganisationId, cancellationToken);
            foreach (var recipient in named)
            {
                if (!userOrganisations.TryGetValue(recipient.UserId!.Value, out var org) || org != recipient.OrganisationId)
                {
                    errors.Add("recipients", $"No user {recipient.UserId} in organisation {recipient.OrganisationId}.");
                }
            }
        }
    }

    /// <summary>Sets the envelope of a record and replaces its recipient rows (in the caller's unit of work).</summary>
    public async Task ApplyAsync(IShareable record, SharingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(request);
        var sharing = record.Sharing;
        sharing.Tlp = request.Tlp;
        sharing.Audience = request.Audience;
        sharing.CommunityId = request.CommunityId;
        sharing.Published = request.Published;
        var existing = await db.ShareRecipients.Where(r => r.RecordId == record.Id).ToListAsync(cancellationToken);
        db.ShareRecipients.RemoveRange(existing);
        foreach (var recipient in request.Recipients.Distinct())
        {
            db.ShareRecipients.Add(new ShareRecipient
            {
                Id = Guid.CreateVersion7(),
                RecordId = record.Id,
                OrganisationId = recipient.OrganisationId,
                UserId = recipient.UserId,
            });
        }
    }

    public async Task<List<ShareRecipient>> RecipientsOfAsync(Guid recordId, CancellationToken cancellationToken) =>
        await db.ShareRecipients.AsNoTracking().Where(r => r.RecordId == recordId).ToListAsync(cancellationToken);

    public async Task RemoveRecipientsAsync(Guid recordId, CancellationToken cancellationToken) =>
        db.ShareRecipients.RemoveRange(await db.ShareRecipients.Where(r => r.RecordId == recordId).ToListAsync(cancellationToken));
}
