using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Standards.Markings;

namespace Rampart.Server.Incidents;

/// <summary>Marks an incident as a duplicate of another the caller reads (<c>of</c>: UUID or number).</summary>
public sealed record DuplicateRequest(string? Of, string? Reason = null);

/// <summary>Merges this incident into <c>into</c> (UUID or number); <c>confirm</c> must be true (the page asks in a dialog).</summary>
public sealed record MergeRequest(string? Into, bool Confirm = false);

public sealed record MergeOutcome(Guid SurvivorId, string SurvivorNumber, int Tasks, int Entries, int Attachments, int Reports, int Observables, IReadOnlyList<Guid> ParticipantsAdded);

public sealed partial class IncidentEditing
{
    /// <summary>
    /// Marks the incident a duplicate of another one the caller reads: status <c>duplicate</c> (the workflow's rule applies)
    /// with the reference. Owner and coordinators; the reference is shown only to who reads the other incident too.
    /// </summary>
    public async Task<Incident?> MarkDuplicateAsync(Caller caller, Guid id, DuplicateRequest request, CancellationToken cancellationToken, string field = "of")
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var (incident, read) = await LoadWithStandingAsync(caller, id, cancellationToken);
        if (incident is null)
        {
            return null;
        }

        EnsureActs(caller, read!, IncidentStanding.Coordinator, "Only the owner and coordinators mark an incident as a duplicate.");
        var errors = new RequestErrors();
        errors.MultiLine("reason", request.Reason, IncidentLimits.EntryLength);
        var original = await OtherAsync(caller, request.Of, field, incident, errors, cancellationToken);
        if (!IncidentWorkflow.Allows(incident.Status, IncidentStatus.Duplicate))
        {
            errors.Add(field == "of" ? "of" : "status", $"An incident that is {Kebab(incident.Status)} cannot become a duplicate.");
        }

        errors.ThrowIfAny();
        var now = clock.GetUtcNow();
        BecomeDuplicate(caller, incident, original!, request.Reason, IncidentEvents.MarkedDuplicate, now);
        await Clocks.ClockEditing.HandlingStatusAsync(db, incident, IncidentStatus.Duplicate, now, cancellationToken);
        await Clocks.DeadlineRows.RefreshAsync(db, incident, dataProtection.Value.Jurisdictions, now, cancellationToken);
        audit.Record(AuditEvent.IncidentMarkedDuplicate, caller, $"incident:{incident.Id}", detail: $"of {original!.HumanId}");
        db.Notify(Notifications.NotificationKind.StatusChanged, caller, now, incident.Id, detail: Kebab(IncidentStatus.Duplicate));
        await SaveAsync(cancellationToken);
        return incident;
    }

    /// <summary>
    /// Merges the incident into a survivor: writers of the organisation owning both. The merged-away incident becomes a
    /// duplicate pointing to the survivor; its tasks, journal entries (with their attachments), linked reports and observables
    /// move to the survivor, and its participants join the survivor (their organisations then read the survivor: the caller
    /// confirms with <c>confirm: true</c>, the answer without it names them). A stricter TLP is never merged into a looser one.
    /// </summary>
    public async Task<MergeOutcome?> MergeAsync(Caller caller, Guid id, MergeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var (incident, read) = await LoadWithStandingAsync(caller, id, cancellationToken);
        if (incident is null)
        {
            return null;
        }

        EnsureActs(caller, read!, IncidentStanding.Owner, "Only the owning organisation merges an incident.");
        var errors = new RequestErrors();
        var survivor = await OtherAsync(caller, request.Into, "into", incident, errors, cancellationToken);
        if (survivor is not null && survivor.Record.OwnerOrganisationId != incident.Record.OwnerOrganisationId)
        {
            errors.Add("into", "Your organisation owns only one of the two incidents: only the owner of both merges them.");
        }
        else if (survivor is not null && incident.Record.Tlp > survivor.Record.Tlp)
        {
            errors.Add("into", $"This incident is {incident.Record.Tlp.Label()}, the other {survivor.Record.Tlp.Label()}: merge the looser one into the stricter one.");
        }
        else if (survivor is not null && !IncidentWorkflow.IsOpen(survivor.Status) && survivor.Status != IncidentStatus.Closed)
        {
            errors.Add("into", $"The other incident is {Kebab(survivor!.Status)}: merge into a live incident.");
        }

        if (!IncidentWorkflow.Allows(incident.Status, IncidentStatus.Duplicate))
        {
            errors.Add("id", $"An incident that is {Kebab(incident.Status)} cannot be merged away; move it to in-progress first.");
        }

        errors.ThrowIfAny();
        var from = incident.RecordId;
        var to = survivor!.RecordId;
        var joining = await db.IncidentParticipants.Where(p => p.IncidentRecordId == from && p.Status == InvitationStatus.Accepted).ToListAsync(cancellationToken);
        var present = await db.IncidentParticipants.Where(p => p.IncidentRecordId == to).ToDictionaryAsync(p => p.OrganisationId, cancellationToken);
        var added = joining.Where(p => !present.TryGetValue(p.OrganisationId, out var there) || there.Status != InvitationStatus.Accepted).ToList();
        if (!request.Confirm)
        {
            throw RequestErrors.One("confirm", added.Count == 0
                ? "Merging moves tasks, journal, reports and observables and marks this incident a duplicate: send confirm: true."
                : $"Merging also lets {added.Count} organisation(s) taking part here read {survivor.HumanId} ({string.Join(", ", added.Select(p => p.OrganisationId))}): send confirm: true.");
        }

        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var tasks = await db.IncidentTasks.Where(t => t.IncidentRecordId == from).ExecuteUpdateAsync(s => s.SetProperty(t => t.IncidentRecordId, to), cancellationToken);
        var entries = await db.IncidentJournal.Where(e => e.IncidentRecordId == from && e.Kind == JournalEntryKind.Entry)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.IncidentRecordId, to), cancellationToken);
        var attachments = await db.IncidentAttachments.Where(a => a.IncidentRecordId == from)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.IncidentRecordId, to), cancellationToken);
        var movedTaskIds = db.IncidentTasks.Where(t => t.IncidentRecordId == to).Select(t => (Guid?)t.PublicId);
        await db.IncidentDeadlines.Where(d => d.IncidentRecordId == from && d.Kind == Clocks.DeadlineKind.Task && movedTaskIds.Contains(d.SourceId))
            .ExecuteUpdateAsync(s => s.SetProperty(d => d.IncidentRecordId, to), cancellationToken);
        var reportLinks = await db.IncidentReportLinks.Where(l => l.IncidentRecordId == from).ToListAsync(cancellationToken);
        var survivorReports = await db.IncidentReportLinks.Where(l => l.IncidentRecordId == to).Select(l => l.ReportRecordId).ToListAsync(cancellationToken);
        var reports = 0;
        foreach (var link in reportLinks)
        {
            db.IncidentReportLinks.Remove(link);
            if (!survivorReports.Contains(link.ReportRecordId))
            {
                db.IncidentReportLinks.Add(new Reports.ReportIncidentLink { ReportRecordId = link.ReportRecordId, IncidentRecordId = to, LinkedByUserId = caller.UserId, LinkedAt = now });
                reports++;
            }
        }

        var observableLinks = await db.IncidentObservables.Where(l => l.IncidentRecordId == from).ToListAsync(cancellationToken);
        var survivorObservables = await db.IncidentObservables.Where(l => l.IncidentRecordId == to).Select(l => l.IntelRecordId).ToListAsync(cancellationToken);
        var observables = 0;
        foreach (var link in observableLinks)
        {
            db.IncidentObservables.Remove(link);
            if (!survivorObservables.Contains(link.IntelRecordId))
            {
                db.IncidentObservables.Add(new Observables.IncidentObservable
                {
                    IncidentRecordId = to, IntelRecordId = link.IntelRecordId, CreatedHere = link.CreatedHere,
                    AddedByOrganisationId = link.AddedByOrganisationId, AddedByUserId = link.AddedByUserId, AddedAt = link.AddedAt,
                });
                observables++;
            }
        }

        foreach (var participant in added)
        {
            if (present.TryGetValue(participant.OrganisationId, out var there))
            {
                there.Status = InvitationStatus.Accepted;
                there.Role = participant.Role;
                there.AnsweredAt = now;
                there.AnsweredByUserId = caller.UserId;
            }
            else
            {
                db.IncidentParticipants.Add(new IncidentParticipant
                {
                    Id = Guid.CreateVersion7(now), IncidentRecordId = to, OrganisationId = participant.OrganisationId, Role = participant.Role,
                    Status = InvitationStatus.Accepted, Message = $"Merged from {incident.HumanId}", InvitedByUserId = caller.UserId,
                    InvitedByOrganisationId = caller.OrganisationId, InvitedAt = now, AnsweredByUserId = caller.UserId, AnsweredAt = now,
                });
            }
        }

        if (added.Count > 0)
        {
            var survivorEntries = SharingStore.AudienceOf(await sharing.GrantsOfAsync(to, cancellationToken)).ToList();
            survivorEntries.AddRange(added.Where(p => !survivorEntries.Any(e => e.Kind == AudienceKind.Organisation && e.OrganisationId == p.OrganisationId))
                .Select(p => new ResolvedAudience(AudienceKind.Organisation, p.OrganisationId)));
            await sharing.ApplyAsync(survivor.Record, survivor.Record.Tlp, survivorEntries, survivor.Record.Published, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await Observables.IncidentObservables.ShareCreatedObjectsAsync(db, sharing, survivor, survivorEntries, clock.GetUtcNow(), cancellationToken);
        }

        BecomeDuplicate(caller, incident, survivor, null, IncidentEvents.MergedInto, now);
        var into = SystemEntry(survivor, caller, IncidentEvents.MergedFrom, now);
        into.Body = incident.HumanId;
        db.IncidentJournal.Add(into);
        survivor.ModifiedAt = now;
        survivor.Version++;
        await Clocks.ClockEditing.HandlingStatusAsync(db, incident, IncidentStatus.Duplicate, now, cancellationToken);
        await Clocks.DeadlineRows.RefreshAsync(db, incident, dataProtection.Value.Jurisdictions, now, cancellationToken);
        audit.Record(AuditEvent.IncidentMerged, caller, $"incident:{incident.Id}",
            detail: $"into {survivor.HumanId}: {tasks} tasks, {entries} entries, {attachments} attachments, {reports} reports, {observables} observables, {added.Count} participants");
        await SaveAsync(cancellationToken);
        // Peer nodes of organisations taking part in the survivor get its journal again from the start: the moved entries
        // keep their (lower) ids, below what those peers acknowledged. They keep each entry once (by its id), so only the
        // moved ones are added there (ADR 17, review L1).
        var peerSent = db.IncidentPeerSent;
        await peerSent.Where(s => s.IncidentRecordId == to && s.JournalSent > 0).ExecuteUpdateAsync(s => s.SetProperty(x => x.JournalSent, 0L), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new MergeOutcome(survivor.Id, survivor.HumanId, tasks, entries, attachments, reports, observables, [.. added.Select(p => p.OrganisationId)]);
    }

    private void BecomeDuplicate(Caller caller, Incident incident, Incident original, string? reason, string code, DateTimeOffset now)
    {
        var from = incident.Status;
        incident.Status = IncidentStatus.Duplicate;
        incident.DuplicateOfRecordId = original.RecordId;
        incident.ModifiedAt = now;
        incident.Version++;
        db.IncidentJournal.Add(new IncidentJournalEntry
        {
            PublicId = Guid.CreateVersion7(now),
            IncidentRecordId = incident.RecordId,
            Kind = JournalEntryKind.StatusChange,
            Body = reason?.Trim() ?? "",
            AuthorUserId = caller.UserId,
            AuthorOrganisationId = caller.OrganisationId,
            FromStatus = from,
            ToStatus = IncidentStatus.Duplicate,
            CreatedAt = now,
        });
        var entry = SystemEntry(incident, caller, code, now);
        entry.Body = original.HumanId;
        // The other incident's number is shown to this incident's readers only when they read that one too: the pages and the
        // API resolve it through the access decision; the journal keeps it for the owner.
        entry.OwnerOnly = true;
        db.IncidentJournal.Add(entry);
    }

    private async Task<Incident?> OtherAsync(Caller caller, string? reference, string field, Incident self, RequestErrors errors, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            errors.Add(field, "Required: the other incident's UUID or number (INC-2026-0001).");
            return null;
        }

        Incident? other = null;
        var readable = access.Readable(db.Incidents.Include(i => i.Record), caller);
        if (Guid.TryParse(reference, out var guid))
        {
            other = await readable.FirstOrDefaultAsync(i => i.Id == guid, cancellationToken);
        }
        else if (IncidentNumbers.Parse(reference.Trim()) is { } number)
        {
            other = await readable.FirstOrDefaultAsync(i => i.Year == number.Year && i.Number == number.Number, cancellationToken);
        }

        if (other is null)
        {
            errors.Add(field, "No incident you may read has this id or number.");
        }
        else if (other.RecordId == self.RecordId)
        {
            errors.Add(field, "An incident is not a duplicate of itself.");
            other = null;
        }

        return other;
    }
}
