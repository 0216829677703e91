using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Federation;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;

namespace Rampart.Server.Incidents.Peers;

/// <summary>What one push of incident views to a peer did.</summary>
public sealed record IncidentPushResult(int Sent, int Accepted, int Refused, string? Error);

/// <summary>
/// The owner's side of incidents across nodes (ADR 17). For one confirmed, active peer: every participation of an
/// organisation declared to live there (invited, taking part, or ended since last sent) whose incident changed since
/// the peer was last told (the incident's newest journal id: every change writes a journal event) gets the view that
/// organisation may read — computed by <see cref="IncidentQueries"/> as a caller of that organisation, so the access
/// decision and the owner-only rules decide exactly as for a local participant — and the journal entries it has not
/// acknowledged. Sent signed to the peer's <see cref="PeerIncidentWire.IncidentsPath"/>; what the peer refused is
/// sent again after <see cref="FederationSync.RetryDelay"/>. Incidents never hop: only the node an organisation lives on
/// gets its view.
/// </summary>
public sealed partial class IncidentPeerSync(
    RampartDb db, IncidentQueries queries, Requests.AssistanceQueries assistance, Clocks.ClockQueries clocks, Attachments.AttachmentStore attachments,
    FederationRequests requests, TimeProvider clock, ILogger<IncidentPeerSync> logger)
{
    private sealed record Candidate(long RecordId, Guid IncidentId, Guid OrganisationId, long Stamp);

    private sealed record Built(Candidate Candidate, JsonObject Item, string ViewHash, long JournalTo, bool JournalComplete, bool Ended, bool Unchanged,
        PeerIncidentState State, string Identity, IncidentStanding? Standing, DateTimeOffset? InvitationAt);

    /// <summary>Participations looked at per run and peer (the rest in the next runs).</summary>
    public const int CandidatesPerRun = 500;

    public Task<IncidentPushResult> PushAsync(Guid peerId, CancellationToken cancellationToken) => PushAsync(peerId, farewell: false, cancellationToken);

    /// <summary>
    /// Before a peer is removed: tells it that every participation it holds ends, as if none of its organisations were
    /// declared there any more (a few runs, at most <see cref="FarewellRuns"/>); what it answered in total.
    /// </summary>
    public async Task<IncidentPushResult> FarewellAsync(Guid peerId, CancellationToken cancellationToken)
    {
        int sent = 0, accepted = 0, refused = 0;
        for (var run = 0; run < FarewellRuns; run++)
        {
            var result = await PushAsync(peerId, farewell: true, cancellationToken);
            (sent, accepted, refused) = (sent + result.Sent, accepted + result.Accepted, refused + result.Refused);
            if (result.Error is not null || result.Sent == 0)
            {
                return new IncidentPushResult(sent, accepted, refused, result.Error);
            }
        }

        return new IncidentPushResult(sent, accepted, refused, null);
    }

    /// <summary>Runs of <see cref="FarewellAsync"/> (each up to <see cref="CandidatesPerRun"/> participations).</summary>
    public const int FarewellRuns = 10;

    private async Task<IncidentPushResult> PushAsync(Guid peerId, bool farewell, CancellationToken cancellationToken)
    {
        var peer = await db.FederationPeers.AsNoTracking().FirstOrDefaultAsync(p => p.Id == peerId, cancellationToken);
        if (peer is null || peer.State != PeerState.Active)
        {
            return new IncidentPushResult(0, 0, 0, null);
        }

        // With no organisation declared on the peer any more, the ends of what it was sent still go (an operator who
        // undeclares every organisation of a node cuts it off from the incidents too); a farewell sends only those ends.
        var declared = farewell
            ? new Dictionary<Guid, string>()
            : await db.FederationPeerOrganisations.AsNoTracking().Where(o => o.PeerId == peerId)
                .ToDictionaryAsync(o => o.OrganisationId, o => o.StixIdentity, cancellationToken);
        var candidates = await CandidatesAsync(peerId, [.. declared.Keys], cancellationToken);
        int sent = 0, accepted = 0, refused = 0;
        var envelope = new List<Built>();
        var bytes = 0;
        foreach (var candidate in candidates)
        {
            var built = await BuildAsync(peerId, candidate, declared.GetValueOrDefault(candidate.OrganisationId), cancellationToken);
            if (built.Unchanged)
            {
                // Nothing the peer would see changed (only owner-only activity, say): remember the stamp, send nothing.
                await RecordAsync(peerId, built, accepted: true, null, cancellationToken);
                continue;
            }

            var size = built.Item.ToJsonString(PeerIncidentWire.Json).Length;
            if (envelope.Count > 0 && (bytes + size > PeerIncidentWire.EnvelopeBudget || envelope.Count >= PeerIncidentLimits.ItemsPerEnvelope))
            {
                var (ok, error) = await DeliverAsync(peer, envelope, cancellationToken);
                if (error is not null)
                {
                    return new IncidentPushResult(sent, accepted, refused, error);
                }

                (sent, accepted, refused) = (sent + envelope.Count, accepted + ok, refused + envelope.Count - ok);
                envelope.Clear();
                bytes = 0;
            }

            envelope.Add(built);
            bytes += size;
        }

        if (envelope.Count > 0)
        {
            var (ok, error) = await DeliverAsync(peer, envelope, cancellationToken);
            if (error is not null)
            {
                return new IncidentPushResult(sent, accepted, refused, error);
            }

            (sent, accepted, refused) = (sent + envelope.Count, accepted + ok, refused + envelope.Count - ok);
        }

        return new IncidentPushResult(sent, accepted, refused, null);
    }

    /// <summary>
    /// Sends one envelope and records each item's answer; how many were accepted. A peer that is unreachable is an error
    /// (the run stops, nothing is counted against the items); a peer that answers the envelope with an error status
    /// (too large, a fault there) is a refusal of each of its items, retried later one by one, so one bad item never
    /// holds back the others.
    /// </summary>
    private async Task<(int Accepted, string? Error)> DeliverAsync(FederationPeer peer, List<Built> items, CancellationToken cancellationToken)
    {
        List<(string Status, string? Detail)> results;
        try
        {
            results = await SendAsync(peer, items, cancellationToken);
        }
        catch (FederationPushException e) when (!cancellationToken.IsCancellationRequested)
        {
            LogPushFailed(logger, peer.Name, e.Message);
            results = [.. items.Select(_ => ("refused", (string?)e.Message))];
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            var error = e is TaskCanceledException ? "The peer did not answer in time." : e.Message;
            LogPushFailed(logger, peer.Name, error);
            return (0, error);
        }

        var ok = 0;
        for (var i = 0; i < items.Count; i++)
        {
            var accepted = results[i].Status == "accepted";
            ok += accepted ? 1 : 0;
            await RecordAsync(peer.Id, items[i], accepted, results[i].Detail, cancellationToken);
        }

        return (ok, null);
    }

    /// <summary>
    /// The participations of <paramref name="organisations"/> (declared on the peer) the peer has to hear about: never sent
    /// and still open (invited or taking part), or changed since sent and not waiting for a retry. Two index-driven
    /// statements, never a scan of every participation ever (review L3): the open participations of the declared
    /// organisations (the participants' (organisation, status, id) index, left-joined to what was sent on its primary key),
    /// and what the peer holds and was not told ended (the (peer, ended, incident) index of <see cref="IncidentPeerSent"/>)
    /// — an ended participation the peer was told about is not looked at again until the organisation is invited again.
    /// Each with its incident's newest journal id (the journal's (incident, id) index). Plans: docs/incidents.md.
    /// </summary>
    private async Task<List<Candidate>> CandidatesAsync(Guid peerId, List<Guid> organisations, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var journal = db.IncidentJournal;
        var sentRows = db.IncidentPeerSent;
        var incidents = db.Incidents;
        var participants = db.IncidentParticipants;

        // Organisations no longer declared on this peer (moved, or undeclared) whose end it has not heard: it is told first.
        var gone = await sentRows.AsNoTracking().Where(s => s.PeerId == peerId && !s.Ended && !organisations.Contains(s.OrganisationId)
                && (s.RetryAfter == null || s.RetryAfter <= now))
            .OrderBy(s => s.IncidentRecordId).Take(CandidatesPerRun)
            .Select(s => new
            {
                s.IncidentRecordId, Id = incidents.Where(i => i.RecordId == s.IncidentRecordId).Select(i => i.Id).FirstOrDefault(), s.OrganisationId, s.Stamp,
                Newest = journal.Where(e => e.IncidentRecordId == s.IncidentRecordId).Max(e => (long?)e.Id) ?? 0,
            })
            .ToListAsync(cancellationToken);
        // The stamp the peer is sent never goes back (it refuses an older one): the incident's newest journal id.
        var result = gone.Select(g => new Candidate(g.IncidentRecordId, g.Id, g.OrganisationId, Math.Max(g.Stamp + 1, g.Newest))).ToList();

        // Open participations: never sent, or changed since.
        var open = new[] { InvitationStatus.Invited, InvitationStatus.Accepted };
        var openRows = await (
                from p in participants.AsNoTracking()
                where organisations.Contains(p.OrganisationId) && open.Contains(p.Status)
                join s in sentRows.Where(s => s.PeerId == peerId) on new { p.IncidentRecordId, p.OrganisationId } equals new { s.IncidentRecordId, s.OrganisationId } into sent
                from s in sent.DefaultIfEmpty()
                let stamp = journal.Where(e => e.IncidentRecordId == p.IncidentRecordId).Max(e => (long?)e.Id) ?? 0
                where s == null || (s.Stamp < stamp && (s.RetryAfter == null || s.RetryAfter <= now))
                orderby p.IncidentRecordId, p.OrganisationId
                select new { p.IncidentRecordId, IncidentId = p.Incident.Id, p.OrganisationId, Stamp = stamp })
            .Take(CandidatesPerRun).ToListAsync(cancellationToken);

        // Ended participations the peer still holds as open (not yet told, or told and not acknowledged), changed since sent.
        var closed = await (
                from s in sentRows.AsNoTracking()
                where s.PeerId == peerId && !s.Ended && organisations.Contains(s.OrganisationId) && (s.RetryAfter == null || s.RetryAfter <= now)
                join p in participants on new { s.IncidentRecordId, s.OrganisationId } equals new { p.IncidentRecordId, p.OrganisationId }
                where !open.Contains(p.Status)
                let stamp = journal.Where(e => e.IncidentRecordId == s.IncidentRecordId).Max(e => (long?)e.Id) ?? 0
                where s.Stamp < stamp
                orderby s.IncidentRecordId, s.OrganisationId
                select new { s.IncidentRecordId, IncidentId = p.Incident.Id, s.OrganisationId, Stamp = stamp })
            .Take(CandidatesPerRun).ToListAsync(cancellationToken);

        result.AddRange(openRows.Concat(closed).OrderBy(r => r.IncidentRecordId).ThenBy(r => r.OrganisationId).Take(CandidatesPerRun)
            .Select(r => new Candidate(r.IncidentRecordId, r.IncidentId, r.OrganisationId, r.Stamp)));
        return result;
    }

    /// <summary>The caller the owner's node reads as for an organisation living on a peer: a viewer of it, with its communities here.</summary>
    public static async Task<Caller> ReaderForAsync(RampartDb db, Guid organisation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var communities = await db.CommunityMembers.AsNoTracking().Where(m => m.OrganisationId == organisation).Select(m => m.CommunityId).ToListAsync(cancellationToken);
        return new Caller(organisation, organisation, Role.Viewer, communities.ToHashSet(), ReadOnly: true, Credential: "federation");
    }

    /// <param name="identity">The organisation's identity on the peer; null when it is no longer declared there (it is sent its end).</param>
    private async Task<Built> BuildAsync(Guid peerId, Candidate candidate, string? identity, CancellationToken cancellationToken)
    {
        var reader = await ReaderForAsync(db, candidate.OrganisationId, cancellationToken);
        var participantRows = db.IncidentParticipants;
        var participant = await participantRows.AsNoTracking().Where(p => p.IncidentRecordId == candidate.RecordId && p.OrganisationId == candidate.OrganisationId)
            .Select(p => new { p.Role, p.Status, p.Message, p.InvitedAt, p.InvitedByOrganisationId, p.Incident.Year, p.Incident.Number, p.Incident.Record.Tlp, p.Incident.Record.OwnerOrganisationId })
            .FirstAsync(cancellationToken);
        var previous = await db.IncidentPeerSent.AsNoTracking()
            .FirstOrDefaultAsync(s => s.PeerId == peerId && s.IncidentRecordId == candidate.RecordId && s.OrganisationId == candidate.OrganisationId, cancellationToken);
        var names = await queries.OrganisationNamesAsync([participant.InvitedByOrganisationId, participant.OwnerOrganisationId], cancellationToken);

        // The incident itself goes only to the peer the organisation accepted through, and only while it is declared there.
        var acceptedHere = previous?.AcceptedInvitationAt == participant.InvitedAt && identity is not null;
        var read = participant.Status == InvitationStatus.Accepted && acceptedHere ? await queries.FindAsync(reader, candidate.IncidentId, cancellationToken) : null;
        var state = participant.Status switch
        {
            _ when identity is null => PeerIncidentState.Ended,
            InvitationStatus.Invited => PeerIncidentState.Invited,
            InvitationStatus.Accepted when read is not null && read.IsParticipant => PeerIncidentState.Participating,
            _ => PeerIncidentState.Ended,
        };
        identity ??= previous!.Identity;

        PeerIncidentContent? content = null;
        var entries = new List<PeerJournalEntry>();
        var journalFrom = previous?.JournalSent ?? 0;
        var journalTo = journalFrom;
        var complete = true;
        var restart = false;
        if (state == PeerIncidentState.Participating)
        {
            // The organisation reads with another standing than when its journal was sent (a coordinator removed and invited
            // again as contributor, say), or for another invitation: the peer empties its journal and gets it again from the
            // start — what the old standing saw and the new one does not is gone there too, and what only the new one sees
            // comes (review L2). Also after a merge into the incident, which resets the position (review L1).
            if (previous is not null && (journalFrom > 0 || previous.SentStanding is not null)
                && (previous.SentStanding != read!.Standing || previous.SentInvitationAt != participant.InvitedAt))
            {
                restart = true;
                journalFrom = 0;
                journalTo = 0;
            }

            content = await ContentAsync(read!, reader, names, cancellationToken);
            var (journal, more) = await queries.JournalAfterAsync(read!, journalFrom, PeerIncidentLimits.EntriesPerItem, cancellationToken);
            var subjects = await queries.OrganisationNamesAsync(journal.SelectMany(e => new[] { e.AuthorOrganisationId, e.SubjectOrganisationId ?? Guid.Empty }), cancellationToken);
            var budget = PeerIncidentWire.JournalBudget;
            // The entries' files, listed (never their bytes): the organisation reads exactly the entries it was given, so their files.
            var files = await attachments.OfEntriesAsync(read!, [.. journal.Select(e => e.PublicId)], cancellationToken);
            foreach (var e in journal)
            {
                var listed = files[e.PublicId].Take(PeerIncidentLimits.AttachmentsPerEntry)
                    .Select(a => new PeerAttachment(a.Id, a.FileName, a.DeclaredContentType, a.Size, a.Sha256, a.Sample)).ToList();
                var entry = new PeerJournalEntry(e.PublicId, e.Id, e.Kind, e.Body, subjects.GetValueOrDefault(e.AuthorOrganisationId, ""),
                    e.FromStatus, e.ToStatus, e.Event, e.SubjectOrganisationId is { } s ? subjects.GetValueOrDefault(s, "") : null, e.CreatedAt,
                    listed.Count == 0 ? null : listed);
                budget -= e.Body.Length * 3 + 512 + listed.Sum(a => a.FileName.Length * 3 + a.ContentType.Length + 200);
                if (entries.Count > 0 && budget < 0)
                {
                    more = true;
                    break;
                }

                entries.Add(entry);
                journalTo = e.Id;
            }

            complete = !more;
        }
        else
        {
            // Invited again after an end, or ended: the peer's copy starts its journal over when the organisation takes part again.
            journalTo = 0;
        }

        var view = new PeerIncidentView(IncidentNumbers.Format(participant.Year, participant.Number), participant.Tlp.Code(), participant.Role,
            names.GetValueOrDefault(participant.InvitedByOrganisationId, ""), state == PeerIncidentState.Invited ? participant.Message : null, participant.InvitedAt, content);
        var viewJson = JsonSerializer.SerializeToNode(view, PeerIncidentWire.Json)!.AsObject();
        if (content is not null && Bytes(viewJson) > PeerIncidentWire.ViewBudget)
        {
            // Hundreds of long task descriptions: the tasks go with their titles only (the owner's node has the rest).
            view = view with { Incident = content with { Tasks = [.. content.Tasks.Select(t => t with { Description = "" })] } };
            viewJson = JsonSerializer.SerializeToNode(view, PeerIncidentWire.Json)!.AsObject();
            if (Bytes(viewJson) > PeerIncidentWire.ViewBudget)
            {
                // And the requests go with their titles and states only (the owner's node has the rest).
                view = view with
                {
                    Incident = view.Incident! with
                    {
                        Requests = [.. (view.Incident.Requests ?? []).Select(r => r with
                        {
                            Details = "", Recipients = [.. r.Recipients.Select(c => c with { Answer = null, Reason = null })], Shortened = true,
                        })],
                    },
                };
                viewJson = JsonSerializer.SerializeToNode(view, PeerIncidentWire.Json)!.AsObject();
            }

            while (Bytes(viewJson) > PeerIncidentWire.ViewBudget && view.Incident!.Requests is { Count: > 0 } kept)
            {
                // Still too large (a participant wrote long titles into hundreds of requests): those that involve the
                // organisation stay longest; the others go first, then the oldest — never a view the peer must refuse.
                var keep = kept.OrderByDescending(r => r.Involved).ThenByDescending(r => r.CreatedAt).Take(kept.Count / 2).OrderByDescending(r => r.CreatedAt).ToList();
                view = view with { Incident = view.Incident with { Requests = keep, RequestsLeftOut = view.Incident.RequestsLeftOut + kept.Count - keep.Count } };
                viewJson = JsonSerializer.SerializeToNode(view, PeerIncidentWire.Json)!.AsObject();
            }
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(PeerIncidentWire.Code(state) + "\n" + viewJson.ToJsonString())));
        var ended = state == PeerIncidentState.Ended;
        var unchanged = previous is not null && previous.ViewHash == hash && entries.Count == 0 && !restart && (!ended || previous.Ended);
        var item = new JsonObject
        {
            ["op"] = "incident",
            ["incident"] = candidate.IncidentId.ToString("D"),
            ["organisation"] = identity,
            ["owner"] = IntelIdentity.Of(participant.OwnerOrganisationId),
            ["state"] = PeerIncidentWire.Code(state),
            ["tlp"] = participant.Tlp.Code(),
            ["view"] = ended ? null : viewJson,
            ["journalFrom"] = journalFrom,
            ["journal"] = JsonSerializer.SerializeToNode(entries, PeerIncidentWire.Json),
            // The view's version: the peer refuses one older than it holds (a late delivery never overwrites a newer view).
            ["stamp"] = candidate.Stamp,
        };
        if (restart)
        {
            item["restart"] = true;
        }

        return new Built(candidate, item, hash, journalTo, complete, ended, unchanged, state, identity,
            state == PeerIncidentState.Participating ? read!.Standing : null, state == PeerIncidentState.Participating ? participant.InvitedAt : null);
    }

    private static int Bytes(JsonObject json) => Encoding.UTF8.GetByteCount(json.ToJsonString(PeerIncidentWire.Json));

    private async Task<PeerIncidentContent> ContentAsync(ReadIncident read, Caller reader, IReadOnlyDictionary<Guid, string> names, CancellationToken cancellationToken)
    {
        var i = read.Incident;
        var (tasks, _) = await queries.TasksAsync(read, null, PeerIncidentLimits.TasksPerView, openOnly: false, cancellationToken);
        var participants = await queries.ParticipantsAsync(read, cancellationToken) ?? [];
        var assignees = await queries.OrganisationNamesAsync(tasks.Where(t => t.AssignedOrganisationId is not null).Select(t => t.AssignedOrganisationId!.Value), cancellationToken);

        // The requests for assistance it may see there (sent by it, asked of it; all when it coordinates), through the
        // owner node's own request rules, each with what that organisation sees of it.
        // Those it sent or is asked first (it must be able to act on them), then — when it coordinates — the others.
        var (involved, _) = await assistance.OfIncidentAsync(read, reader, null, PeerIncidentLimits.RequestsPerView, cancellationToken, involvingOnly: true);
        var (newest, more) = await assistance.OfIncidentAsync(read, reader, null, PeerIncidentLimits.RequestsPerView, cancellationToken);
        var rows = involved.Concat(newest.Where(n => involved.All(i => i.Id != n.Id))).Take(PeerIncidentLimits.RequestsPerView).OrderByDescending(r => r.Id).ToList();
        var leftOut = Math.Max(0, newest.Count - rows.Count) + (more ? 1 : 0);
        var requestViews = new List<PeerAssistance>(rows.Count);
        foreach (var row in rows)
        {
            var seen = await assistance.ViewAsync(reader, row, read.Standing, cancellationToken);
            requestViews.Add(new PeerAssistance(seen.Id, seen.Kind, seen.Title, seen.Details, seen.DueAt, seen.RequesterOrganisationName, seen.CreatedAt,
                [.. seen.Recipients.Select(c => new PeerAssistanceRecipient(c.OrganisationName, c.State, c.Reason, c.Answer, c.ModifiedAt))],
                seen.RequesterOrganisationId == read.ViewerOrganisationId, seen.OwnState, Involved: seen.RequesterOrganisationId == read.ViewerOrganisationId || seen.OwnState is not null));
        }

        // The reporting clocks as the owner's node computes them (the participant's node derives due soon / overdue at its own now).
        var clocksView = await clocks.ClocksAsync(read, reader, null, cancellationToken);
        var stages = clocksView.Stages.Concat(clocksView.DataBreach?.Clock is { } breach ? [breach] : Array.Empty<Clocks.StageView>())
            .Take(PeerIncidentLimits.StagesPerView)
            .Select(st => new PeerStage(st.Stage, st.Sequence, st.Due, st.WaitingFor, st.SubmittedAt, st.LegalBasis)).ToList();
        return new PeerIncidentContent(
            i.Title, i.Summary, names.GetValueOrDefault(i.Record.OwnerOrganisationId, ""), i.AffectedEntity, i.Sector, i.Severity, i.Status,
            i.Pap.ToString().ToLowerInvariant(), i.AwareAt, i.DetectedAt, i.StartedAt, i.Significant,
            [.. i.Countries.Select(c => c.Country).Order(StringComparer.Ordinal)],
            [.. i.Classifications.OrderBy(c => c.Category, StringComparer.Ordinal).ThenBy(c => c.Kind, StringComparer.Ordinal).Select(c => new PeerClassification(c.Category, c.Kind))],
            [.. i.Techniques.Select(t => t.TechniqueId).Order(StringComparer.Ordinal)],
            [.. tasks.Select(t => new PeerTask(t.PublicId, t.Title, t.Description, t.AssignedOrganisationId is { } a ? assignees.GetValueOrDefault(a, "") : null, t.DueAt, t.Status, t.Duty, t.CreatedAt,
                read.ViewerOrganisationId != Guid.Empty && t.AssignedOrganisationId == read.ViewerOrganisationId))],
            [.. participants.Select(p => new PeerParticipant(p.OrganisationName, p.OrganisationShortName, p.Country, p.Role, p.Status, IntelIdentity.Of(p.OrganisationId),
                p.OrganisationId == read.ViewerOrganisationId))],
            i.CreatedAt, i.ModifiedAt, IntelIdentity.Of(i.Record.OwnerOrganisationId), requestViews, stages, leftOut);
    }

    private async Task<List<(string Status, string? Detail)>> SendAsync(FederationPeer peer, List<Built> items, CancellationToken cancellationToken)
    {
        var envelope = new JsonObject
        {
            ["id"] = Guid.CreateVersion7(clock.GetUtcNow()).ToString("D"),
            ["items"] = new JsonArray([.. items.Select(b => (JsonNode)b.Item)]),
        };
        var answer = JsonNode.Parse(await requests.PostAsync(peer, PeerIncidentWire.IncidentsPath, PeerIncidentWire.IncidentsPurpose,
            Encoding.UTF8.GetBytes(envelope.ToJsonString(PeerIncidentWire.Json)), cancellationToken)) as JsonObject;
        if (answer?["results"] is not JsonArray results || results.Count != items.Count)
        {
            throw new FederationPushException("The peer's answer does not list one result per item.");
        }

        return [.. results.Select(r => (r?["status"] is JsonValue s && s.TryGetValue<string>(out var status) ? status : "refused",
            r?["detail"] is JsonValue d && d.TryGetValue<string>(out var detail) ? detail : null))];
    }

    private async Task RecordAsync(Guid peerId, Built built, bool accepted, string? detail, CancellationToken cancellationToken)
    {
        var c = built.Candidate;
        var row = await db.IncidentPeerSent.FirstOrDefaultAsync(s => s.PeerId == peerId && s.IncidentRecordId == c.RecordId && s.OrganisationId == c.OrganisationId, cancellationToken);
        if (row is null)
        {
            row = new IncidentPeerSent { PeerId = peerId, IncidentRecordId = c.RecordId, OrganisationId = c.OrganisationId, ViewHash = "", Identity = built.Identity };
            db.IncidentPeerSent.Add(row);
        }

        var now = clock.GetUtcNow();
        if (accepted)
        {
            // A journal sent in part keeps the incident a candidate (its stamp stays below the newest id) until all of it went.
            row.Stamp = built.JournalComplete ? c.Stamp : Math.Max(row.Stamp, built.JournalTo);
            row.ViewHash = built.ViewHash;
            row.JournalSent = built.JournalTo;
            row.Ended = built.Ended;
            row.Identity = built.Identity;
            row.SentStanding = built.Standing;
            row.SentInvitationAt = built.InvitationAt;

            row.SentAt = now;
            row.Refusals = 0;
            row.RetryAfter = null;
            row.LastRefusal = null;
        }
        else
        {
            if (built.State == PeerIncidentState.Participating)
            {
                // The peer may hold less of the journal than acknowledged (it refuses a journal continued past what it holds):
                // the next attempt sends it again from the start, with restart (it keeps each entry once).
                row.SentStanding = null;
                row.SentInvitationAt = null;
            }

            row.Refusals++;
            row.RetryAfter = now + FederationSync.RetryDelay(row.Refusals);
            row.LastRefusal = detail is { Length: > 1000 } ? detail[..1000] : detail ?? "refused";
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(EventId = 871, Level = LogLevel.Warning, Message = "Incident push to {Peer} failed: {Error}")]
    private static partial void LogPushFailed(ILogger logger, string peer, string error);
}
