using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Standards.Markings;

namespace Rampart.Server.Incidents;

/// <summary>
/// A new TLP and audience for an incident (the audience in the set form or the single form, as at opening; none = the owner and
/// its participants). <see cref="Confirm"/> must be true when the change widens who reads it or loosens the TLP.
/// </summary>
public sealed record SharingChangeRequest(
    Tlp? Tlp,
    Audience? Audience = null,
    Guid? CommunityId = null,
    IReadOnlyList<RecipientRequest>? Recipients = null,
    IReadOnlyList<AudienceEntry>? Audiences = null,
    bool Confirm = false);

/// <summary>What a sharing change did: whether it widened, and the participating organisations that keep reading it.</summary>
public sealed record SharingChangeOutcome(Tlp Tlp, bool Widened, IReadOnlyList<Guid> ParticipantsKept);

public sealed partial class IncidentEditing
{
    /// <summary>
    /// Changes the TLP and audience of an incident: writers of the owning organisation only. Narrowing (a stricter TLP, fewer
    /// entries) applies at once; widening (a looser TLP, or any entry not there before) needs <c>confirm: true</c> — without it
    /// the 400 on <c>confirm</c> says what would widen. Accepted participants always keep reading (their organisation entries
    /// stay, at any TLP), and the journal tells every reader the change (from → to). Objects the incident created follow the
    /// audience within their own TLP's ceiling, and never wider than they were for a participant's objects.
    /// </summary>
    public async Task<SharingChangeOutcome?> ChangeSharingAsync(Caller caller, Guid id, SharingChangeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var incident = await access.Readable(db.Incidents.Include(i => i.Record), caller).FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (incident is null)
        {
            return null;
        }

        if (!AccessPolicy.CanWrite(caller, incident.Record))
        {
            throw new ForbiddenException("Only the owning organisation's analysts change an incident's TLP and audience.");
        }

        var (tlp, requested) = await ValidateSharingAsync(caller, new IncidentRequest(
            null, null, request.Tlp, null, null, null, Audience: request.Audience, CommunityId: request.CommunityId, Recipients: request.Recipients,
            Audiences: request.Audiences), new RequestErrors(), cancellationToken);

        var participants = await db.IncidentParticipants.AsNoTracking()
            .Where(p => p.IncidentRecordId == incident.RecordId && p.Status == InvitationStatus.Accepted).Select(p => p.OrganisationId).ToListAsync(cancellationToken);
        var entries = requested.ToList();
        entries.AddRange(participants.Where(o => !entries.Contains(new ResolvedAudience(AudienceKind.Organisation, o)))
            .Select(o => new ResolvedAudience(AudienceKind.Organisation, o)));

        var before = SharingStore.AudienceOf(await sharing.GrantsOfAsync(incident.RecordId, cancellationToken));
        var oldTlp = incident.Record.Tlp;
        var added = entries.Where(e => !before.Contains(e)).ToList();
        var widening = SharingStore.Widening(oldTlp, tlp, before, entries);
        var widened = widening is not null;
        if (widening is not null && !request.Confirm)
        {
            throw RequestErrors.One("confirm", $"This widens who reads {incident.HumanId}: {widening}. Send confirm: true.");
        }

        if (tlp == oldTlp && added.Count == 0 && before.All(entries.Contains))
        {
            return new SharingChangeOutcome(tlp, false, participants);
        }

        var now = clock.GetUtcNow();
        await sharing.ApplyAsync(incident.Record, tlp, entries, published: false, cancellationToken);
        // The objects the incident created follow, but only with the entries their own TLP admits (a loosened incident does not
        // loosen them: they keep the TLP they were shared at).
        var stricter = tlp > oldTlp ? tlp : oldTlp;
        await Observables.IncidentObservables.ShareCreatedObjectsAsync(db, sharing, incident, [.. entries.Where(e => SharingRules.Allows(stricter, e.Kind))], clock.GetUtcNow(), cancellationToken);
        incident.ModifiedAt = now;
        incident.Version++;
        var entry = SystemEntry(incident, caller, IncidentEvents.SharingChanged, now);
        entry.Body = $"{oldTlp.Label()} → {tlp.Label()}";
        db.IncidentJournal.Add(entry);
        audit.Record(AuditEvent.IncidentSharingChanged, caller, $"incident:{incident.Id}",
            detail: $"{oldTlp.Label()} -> {tlp.Label()}, {before.Count} -> {entries.Count} entries{(widened ? ", widened (confirmed)" : "")}");
        await SaveAsync(cancellationToken);
        return new SharingChangeOutcome(tlp, widened, participants);
    }
}
