using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

namespace Rampart.Server.Incidents;

public sealed partial class IncidentEditing
{
    /// <summary>
    /// Removes a participating (or invited) organisation: writers of the owning organisation. Its organisation grant is
    /// taken off the incident's audience through <see cref="SharingStore"/> in the same transaction, so the access decision
    /// denies it from the next request on (incident, journal, tasks, attachments, observables, export); the intelligence
    /// objects the incident created lose the grant too. Null when the incident or the participant is not there for the caller.
    /// </summary>
    public async Task<IncidentParticipant?> RemoveParticipantAsync(Caller caller, Guid id, Guid participantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var (incident, read) = await LoadWithStandingAsync(caller, id, cancellationToken);
        if (incident is null)
        {
            return null;
        }

        // Participants other than the owner and coordinators do not see invitations: for them an id is unknown, not forbidden.
        if (read!.Standing < IncidentStanding.Coordinator)
        {
            var seen = await db.IncidentParticipants.AnyAsync(p => p.Id == participantId && p.IncidentRecordId == incident.RecordId
                && p.Status == InvitationStatus.Accepted, cancellationToken);
            if (!seen)
            {
                return null;
            }
        }

        EnsureActs(caller, read, IncidentStanding.Owner, "Only the owning organisation removes participants.");
        var participant = await db.IncidentParticipants.FirstOrDefaultAsync(p => p.Id == participantId && p.IncidentRecordId == incident.RecordId, cancellationToken);
        if (participant is null)
        {
            return null;
        }

        if (participant.Status is not (InvitationStatus.Accepted or InvitationStatus.Invited))
        {
            throw RequestErrors.One("participantId", "This organisation does not take part (any more).");
        }

        await EndParticipationAsync(caller, incident, participant, InvitationStatus.Removed, cancellationToken);
        return participant;
    }

    /// <summary>The caller's organisation leaves an incident it takes part in (its writers). Null when it takes no part.</summary>
    public async Task<IncidentParticipant?> LeaveAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var (incident, read) = await LoadWithStandingAsync(caller, id, cancellationToken);
        if (incident is null)
        {
            return null;
        }

        if (read!.IsOwner)
        {
            throw RequestErrors.One("id", "The owning organisation cannot leave its own incident.");
        }

        var organisation = caller.OrganisationId;
        var participant = await db.IncidentParticipants.FirstOrDefaultAsync(p => p.IncidentRecordId == incident.RecordId && p.OrganisationId == organisation
            && p.Status == InvitationStatus.Accepted, cancellationToken);
        if (participant is null)
        {
            throw new ForbiddenException("Your organisation reads this incident through its audience and takes no part to leave.");
        }

        if (!AccessPolicy.CanCreate(caller))
        {
            throw new ForbiddenException("Viewers and read-only keys cannot leave an incident for their organisation.");
        }

        await EndParticipationAsync(caller, incident, participant, InvitationStatus.Left, cancellationToken);
        return participant;
    }

    private async Task EndParticipationAsync(Caller caller, Incident incident, IncidentParticipant participant, InvitationStatus to, CancellationToken cancellationToken,
        string? eventCode = null)
    {
        var now = clock.GetUtcNow();
        var organisation = participant.OrganisationId;
        var wasAccepted = participant.Status == InvitationStatus.Accepted;
        participant.Status = to;
        participant.AnsweredAt = now;
        participant.AnsweredByUserId = caller.UserId;
        // Inside a caller's unit of work (a peer's command, applied with its answer) it commits with it.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        var grants = await sharing.GrantsOfAsync(incident.RecordId, cancellationToken);
        var entries = SharingStore.AudienceOf(grants).Where(e => !(e.Kind == AudienceKind.Organisation && e.OrganisationId == organisation)).ToList();
        await sharing.ApplyAsync(incident.Record, incident.Record.Tlp, entries, incident.Record.Published, cancellationToken);
        await Observables.IncidentObservables.ShareCreatedObjectsAsync(db, sharing, incident, entries, clock.GetUtcNow(), cancellationToken);
        var entry = SystemEntry(incident, caller, eventCode ?? (to == InvitationStatus.Removed ? IncidentEvents.ParticipantRemoved : IncidentEvents.ParticipantLeft), now);
        if (caller.IsOperator)
        {
            // The node's operators (a peer removed): the owner's journal names the owning organisation, no person.
            entry.AuthorOrganisationId = incident.Record.OwnerOrganisationId;
        }

        entry.SubjectOrganisationId = organisation;
        entry.Body = Kebab(participant.Role);
        // Withdrawing an invitation nobody accepted stays with the owner, as the invitation did.
        entry.OwnerOnly = !wasAccepted;
        db.IncidentJournal.Add(entry);
        audit.Record(to == InvitationStatus.Removed ? AuditEvent.IncidentParticipantRemoved : AuditEvent.IncidentParticipantLeft, caller,
            $"incident:{incident.Id}", detail: $"{organisation} {Kebab(participant.Role)}");
        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
    }
}
