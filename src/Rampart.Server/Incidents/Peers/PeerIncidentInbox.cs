using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Federation;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;

namespace Rampart.Server.Incidents.Peers;

/// <summary>
/// The participant's side of incidents across nodes (ADR 17): applies the views an owner's node sends for organisations
/// living here. Each item names the organisation by the STIX identity it has here and the owning organisation by the
/// identity this node's operators declared on the sending peer; anything else is refused (and audited once per envelope).
/// The copy is a <see cref="PeerIncident"/> record — the incident's TLP, one organisation grant — so only that
/// organisation reads it; an ended participation keeps the row and drops every part of the incident.
/// </summary>
public sealed class PeerIncidentInbox(
    RampartDb db, FederationTrust trust, FederationInbox inbox, SharingStore sharing, IPeopleDirectory people, AuditTrail audit, TimeProvider clock)
{
    public async Task<InboxResponse> ReceiveAsync(FederationPeer peer, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var (envelopeId, items) = await inbox.OpenEnvelopeAsync(peer, body, "items", FederationWire.MaxItems, cancellationToken);
        var keys = await trust.KeysAsync(cancellationToken);
        var local = await LocalOrganisationsAsync(cancellationToken);
        var results = new List<InboxItemResult>();
        for (var i = 0; i < items.Count; i++)
        {
            string? refusal;
            try
            {
                refusal = await ApplyAsync(peer, keys, local, items[i] as JsonObject, cancellationToken);
            }
            catch (JsonException e)
            {
                db.ChangeTracker.Clear();
                refusal = "Malformed item: " + e.Message;
            }
            catch (DbUpdateException)
            {
                // Stored nothing of the item (its transaction rolled back); the sender retries it later on its own.
                db.ChangeTracker.Clear();
                refusal = "The item could not be stored here.";
            }

            results.Add(new InboxItemResult(i, refusal is null ? "accepted" : "refused", refusal));
        }

        var refused = results.Where(r => r.Status == "refused").ToList();
        if (refused.Count > 0)
        {
            audit.Record(AuditEvent.PeerIncidentRefused, Caller.Operator(), $"federation-peer:{peer.Id}", AuditOutcome.Denied,
                string.Create(CultureInfo.InvariantCulture, $"{peer.Name}: {refused.Count} of {items.Count} incident views refused; first: {refused[0].Detail}"));
            await db.SaveChangesAsync(cancellationToken);
        }

        return new InboxResponse(envelopeId, results);
    }

    /// <summary>
    /// This node's own organisations by their STIX identity: declared on no peer, and with people of their own — a copy for an
    /// organisation still being onboarded would be read by whoever onboards it (and would keep it from being onboarded).
    /// </summary>
    private async Task<Dictionary<string, Guid>> LocalOrganisationsAsync(CancellationToken cancellationToken)
    {
        var declared = db.FederationPeerOrganisations;
        var ids = await db.Organisations.AsNoTracking().Where(o => !declared.Any(d => d.OrganisationId == o.Id)).Select(o => o.Id).ToListAsync(cancellationToken);
        var living = await people.OrganisationsWithUsersAsync(ids, cancellationToken);
        return ids.Where(living.Contains).ToDictionary(IntelIdentity.Of, id => id, StringComparer.Ordinal);
    }

    /// <summary>Applies one item; the reason it was refused, or null.</summary>
    private async Task<string?> ApplyAsync(FederationPeer peer, TrustedKeys keys, Dictionary<string, Guid> local, JsonObject? item, CancellationToken cancellationToken)
    {
        if (item is null || PeerIncidentWire.Text(item, "op") != "incident")
        {
            return "op must be 'incident'.";
        }

        if (!Guid.TryParse(PeerIncidentWire.Text(item, "incident"), out var originId))
        {
            return "incident must be the incident's UUID.";
        }

        if (PeerIncidentWire.Text(item, "organisation") is not { } identity || !local.TryGetValue(identity, out var organisation))
        {
            return "No organisation of this node with people of its own has that STIX identity.";
        }

        if (PeerIncidentWire.Text(item, "owner") is not { } ownerIdentity || !keys.Declared.TryGetValue((peer.Id, ownerIdentity), out var owner))
        {
            return $"The owning organisation is not declared on this node as living on {peer.Name}.";
        }

        if (PeerIncidentWire.ParseState(PeerIncidentWire.Text(item, "state")) is not { } state)
        {
            return "state must be invited, participating or ended.";
        }

        if (!TlpMarking.TryParse(PeerIncidentWire.Text(item, "tlp"), out var tlp))
        {
            return "tlp must be a TLP 2.0 level.";
        }

        long? stamp = null;
        if (item["stamp"] is { } stampNode)
        {
            if (stampNode is not JsonValue stampValue || !stampValue.TryGetValue<long>(out var stampNumber) || stampNumber < 0)
            {
                return "stamp must be a non-negative number.";
            }

            stamp = stampNumber;
        }

        var restart = item["restart"] is JsonValue restartValue && restartValue.TryGetValue<bool>(out var restartFlag) && restartFlag;
        PeerIncidentView? view = null;
        if (state != PeerIncidentState.Ended)
        {
            view = item["view"]?.Deserialize<PeerIncidentView>(PeerIncidentWire.Json);
            if (view is null || (state == PeerIncidentState.Participating) != (view.Incident is not null))
            {
                return "view must be the incident's view (with the incident exactly when participating).";
            }

            if (PeerIncidentWire.Check(view) is { } wrong)
            {
                return wrong;
            }
        }

        var entries = item["journal"]?.Deserialize<List<PeerJournalEntry>>(PeerIncidentWire.Json) ?? [];
        if (entries.Count > PeerIncidentLimits.EntriesPerItem)
        {
            return $"journal: at most {PeerIncidentLimits.EntriesPerItem} entries an item.";
        }

        if (entries.Select(PeerIncidentWire.Check).FirstOrDefault(e => e is not null) is { } badEntry)
        {
            return badEntry;
        }

        var copies = db.PeerIncidents;
        var copy = await copies.Include(c => c.Record).FirstOrDefaultAsync(c => c.PeerId == peer.Id && c.OriginIncidentId == originId && c.OrganisationId == organisation, cancellationToken);
        if (state == PeerIncidentState.Participating && !restart && JournalFrom(item) > (copy is { State: PeerIncidentState.Participating } ? copy.JournalPosition : 0))
        {
            // The sender continues a journal this node does not hold (it emptied it on an end or invitation whose answer the
            // sender never heard): the entries before would be missing for good. It sends the journal again from the start.
            return "journal: this node does not hold the entries before journalFrom; send the journal from the start (restart).";
        }

        var now = clock.GetUtcNow();
        if (copy is null)
        {
            if (state == PeerIncidentState.Ended)
            {
                // Never held here: nothing to take back.
                return null;
            }

            var record = new SharedRecord { RecordType = PeerIncident.Type, OwnerOrganisationId = owner, CreatorOrganisationId = owner, CreatedAt = now };
            copy = new PeerIncident
            {
                Record = record,
                Id = Guid.CreateVersion7(now),
                PeerId = peer.Id,
                OriginIncidentId = originId,
                OrganisationId = organisation,
                Number = view!.Number,
                ViewJson = "{}",
            };
            db.PeerIncidents.Add(copy);
        }
        else if (copy.Record.OwnerOrganisationId != owner)
        {
            return "This incident is held here as owned by another organisation.";
        }
        else if (stamp < copy.OriginStamp)
        {
            // Delivered late (held by an intermediary, say): a newer view is here already and stays (review L7).
            return string.Create(CultureInfo.InvariantCulture, $"A newer view of this incident is held here (stamp {copy.OriginStamp}; this item {stamp}).");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await sharing.ApplyAsync(copy.Record, tlp, [new ResolvedAudience(AudienceKind.Organisation, organisation)], published: false, cancellationToken);
        // A new invitation (the first, or a new one after an end or a withdrawn one) is told to the organisation's people.
        // Only a later invitation time counts: a peer flipping a copy between states, or sending the same invitation again,
        // tells nobody again.
        var newInvitation = state == PeerIncidentState.Invited && view is not null && (copy.RecordId == 0 || view.InvitedAt > copy.InvitedAt);
        // What the organisation took part in before this view: new requests, answers and tasks for it are told (not on the
        // first view after accepting, which holds nothing addressed to it yet).
        var before = copy.RecordId != 0 && copy.State == PeerIncidentState.Participating && state == PeerIncidentState.Participating
            ? Held(copy.ViewJson)
            : null;
        copy.State = state;
        copy.UpdatedAt = now;
        copy.OriginStamp = Math.Max(copy.OriginStamp, stamp ?? 0);
        if (view is not null)
        {
            copy.Number = view.Number;
            copy.Role = view.Role;
            copy.InvitedAt = view.InvitedAt;
            copy.Title = view.Incident?.Title;
            copy.Status = view.Incident?.Status;
            copy.Severity = view.Incident?.Severity;
            copy.Sector = view.Incident?.Sector is { Length: <= PeerIncidentLimits.FacetLength } sector ? sector : null;
            copy.AwareAt = view.Incident?.AwareAt;
            copy.ViewJson = JsonSerializer.Serialize(view, PeerIncidentWire.Json);
            if (copy.ViewJson.Length > PeerIncidentLimits.ViewChars)
            {
                await transaction.RollbackAsync(cancellationToken);
                db.ChangeTracker.Clear();
                return "view: larger than a node keeps.";
            }
        }
        else
        {
            copy.Title = null;
            copy.Status = null;
            copy.Severity = null;
            copy.Sector = null;
            copy.AwareAt = null;
            copy.ViewJson = "{}";
        }

        if (copy.RecordId != 0 && (state != PeerIncidentState.Participating || restart))
        {
            // Ended or invited again: nothing of the incident stays. Restarted (the organisation reads with another standing
            // now): the journal is emptied and filled again from the start. (A journal sent again from an earlier position
            // without restart — the owner's node did not hear this node's answer, or merged entries into the incident —
            // only adds the entries missing here: entries are kept by id.)
            var recordId = copy.RecordId;
            await db.PeerIncidentJournal.Where(e => e.PeerIncidentRecordId == recordId).ExecuteDeleteAsync(cancellationToken);
            copy.JournalPosition = 0;
        }

        db.NotifyIf(newInvitation, Notifications.NotificationKind.PeerInvited, null, now, subjectId: copy.Id, organisationId: organisation,
            detail: PeerNotifications.InvitationKey(view?.InvitedAt));
        if (before is not null && view?.Incident is { } after)
        {
            foreach (var (kind, subject) in PeerNotifications.Changes(before, after))
            {
                db.Notify(kind, null, now, subjectId: copy.Id, organisationId: organisation, detail: subject.ToString("N"));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        // The board's facts and the due list's rows of the copy follow the view (none unless the organisation takes part).
        await PeerIncidentFacts.ReplaceAsync(db, copy, view, cancellationToken);
        if (state == PeerIncidentState.Participating && entries.Count > 0)
        {
            var recordId = copy.RecordId;
            var ids = entries.Select(e => e.Id).ToList();
            var known = (await db.PeerIncidentJournal.Where(e => e.PeerIncidentRecordId == recordId && ids.Contains(e.OriginEntryId)).Select(e => e.OriginEntryId)
                .ToListAsync(cancellationToken)).ToHashSet();
            foreach (var e in entries.Where(e => !known.Contains(e.Id)).DistinctBy(e => e.Id))
            {
                db.PeerIncidentJournal.Add(new PeerIncidentEntry
                {
                    PeerIncidentRecordId = recordId, OriginEntryId = e.Id, OriginPosition = e.Position, CreatedAt = e.CreatedAt,
                    Json = JsonSerializer.Serialize(e, PeerIncidentWire.Json),
                });
            }

            copy.JournalPosition = Math.Max(copy.JournalPosition, entries.Max(e => e.Position));
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return null;
    }

    /// <summary>The incident of the view held before (null when there is none, or it cannot be read: nothing is told then).</summary>
    private static PeerIncidentContent? Held(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<PeerIncidentView>(json, PeerIncidentWire.Json)?.Incident;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static long JournalFrom(JsonObject o) => o["journalFrom"] is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;
}
