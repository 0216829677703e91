using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;

namespace Rampart.Server.Incidents;

public sealed partial class IncidentEditing
{
    /// <summary>
    /// This node's operators remove a peer node (ADR 17): every participation accepted through it — an organisation declared on
    /// that peer whose acceptance of its current invitation came from there — ends as a removal, through the same path as
    /// the owner removing a participant (its organisation grant leaves the incident's audience, and the objects the incident
    /// created), with the journal event <see cref="IncidentEvents.ParticipantNodeRemoved"/> by the owning organisation and
    /// the audit's removal naming the operator. Invitations stay open: the organisation may be declared on another node and
    /// accept there. Runs inside the caller's transaction (the peer's removal). How many ended.
    /// </summary>
    public async Task<int> EndParticipationsThroughPeerAsync(Caller caller, Guid peerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var sent = db.IncidentPeerSent;
        var participants = db.IncidentParticipants;
        var rows = await (
                from s in sent.AsNoTracking()
                where s.PeerId == peerId && s.AcceptedInvitationAt != null
                join p in participants on new { s.IncidentRecordId, s.OrganisationId } equals new { p.IncidentRecordId, p.OrganisationId }
                where p.Status == InvitationStatus.Accepted
                orderby p.Id
                select new { p.Id, p.InvitedAt, s.AcceptedInvitationAt })
            .ToListAsync(cancellationToken);
        // Compared here, not in SQL: the instants as stored by both providers, the same comparison as the sync's.
        var through = rows.Where(r => r.AcceptedInvitationAt == r.InvitedAt).Select(r => r.Id).ToList();
        foreach (var id in through)
        {
            var participant = await db.IncidentParticipants.FirstAsync(p => p.Id == id, cancellationToken);
            var recordId = participant.IncidentRecordId;
            var incident = await db.Incidents.Include(i => i.Record).FirstAsync(i => i.RecordId == recordId, cancellationToken);
            await EndParticipationAsync(caller, incident, participant, InvitationStatus.Removed, cancellationToken, IncidentEvents.ParticipantNodeRemoved);
        }

        return through.Count;
    }
}
