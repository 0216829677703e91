using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Live;
using Rampart.Server.Intelligence.Store;
using Rampart.Server.Scheduling;
using Rampart.Standards.Federation;
using Rampart.Standards.Markings;

namespace Rampart.Server.Federation;

/// <summary>What one push to a peer did.</summary>
public sealed record PushResult(int Envelopes, int Sent, int Acknowledged, int Refused, string? Error);

/// <summary>
/// The sending side of federation (ADR 14). For one confirmed, active peer it walks the change outbox (<c>IntelChanges</c>)
/// from the peer's durable cursor, and for every changed record decides with <see cref="HopRules"/> over the record's
/// grants (the access decision's own data) what reaches the organisations living on the peer; each organisation kept is
/// checked once more with <see cref="AccessPolicy.CanRead"/>. Versions the peer has not acknowledged travel with signed
/// provenance (this node's signature for its own records, one more hop for records it received); a record withdrawn here,
/// or no longer shared with the peer, is sent as a removal to the peers that have it (<see cref="FederationSent"/>); versions
/// its owner deleted are sent as a version removal to the peers that were sent them (ADR 18); a changed audience is sent
/// with the current version. The cursor moves only past an envelope the peer answered, and never past a recent hole in the
/// outbox sequence (<see cref="IntelChangeGaps"/>).
/// </summary>
public sealed partial class FederationSync(
    RampartDb db, NodeIdentity identity, IHttpClientFactory httpClients, AuditTrail audit, TimeProvider clock, IOptions<FederationOptions> options,
    IOptions<Rampart.Server.Hosting.NodeOptions> node, ILogger<FederationSync> logger, IOptions<IntelStreamOptions> streamOptions,
    IntelChangeHorizon horizon)
{
    /// <summary>
    /// One item of an envelope. <paramref name="VersionRemoval"/>: a <c>remove-versions</c> item, whose <paramref name="Modified"/>
    /// is the newest version the peer keeps once it applied it (what the sent row then says the peer has).
    /// </summary>
    private sealed record Pending(long RecordId, JsonObject Item, DateTimeOffset? Modified, string Audience, bool Removal, bool VersionRemoval = false);

    /// <summary>The first retry of a refused record comes this long after the refusal; each further one twice as long (at most a day).</summary>
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMinutes(15);

    /// <summary>Refusals of one record sent again at most this many times (15 min … 24 h: about three days); then an operator retries.</summary>
    public const int MaxRetryAttempts = 8;

    /// <summary>Refused records sent again per peer per run (the retry pass never floods a peer).</summary>
    public const int RetriesPerRun = 500;

    /// <summary>The delay before the retry that follows the <paramref name="attempts"/>-th refusal.</summary>
    public static TimeSpan RetryDelay(int attempts) =>
        TimeSpan.FromTicks(Math.Min(TimeSpan.FromDays(1).Ticks, FirstRetryDelay.Ticks << Math.Clamp(attempts - 1, 0, 20)));

    /// <summary>
    /// The STIX types the MISP galaxy loader makes (<see cref="Rampart.Standards.Intelligence.Galaxies.MispGalaxyConverter"/>).
    /// </summary>
    private static readonly HashSet<string> GalaxyTypes = new(StringComparer.Ordinal)
    {
        "attack-pattern", "intrusion-set", "threat-actor", "malware", "tool", "course-of-action", "relationship",
    };

    /// <summary>
    /// A node-owned reference object: loaded from the MISP galaxies by this node for its hosting organisation (owned by it,
    /// STIX <c>created</c> the galaxies' fixed 2016-01-01, a type the loader makes). Every node loads its own, so these
    /// never cross (docs/sharing.md, "What crosses").
    /// </summary>
    public static bool IsNodeReference(IntelObject intel, Guid hostingOrganisation)
    {
        ArgumentNullException.ThrowIfNull(intel);
        return intel.OwnerOrganisationId == hostingOrganisation && intel.Created == Rampart.Standards.Intelligence.Galaxies.MispGalaxyConverter.Created
            && GalaxyTypes.Contains(intel.StixType);
    }

    /// <summary>
    /// Changes in the outbox after <paramref name="cursor"/>, counted up to <paramref name="limit"/> (a peer's backlog):
    /// every change the next runs will look at, except those of this node's own reference objects
    /// (<see cref="IsNodeReference"/>), which never cross — a new peer's backlog would otherwise start with every galaxy
    /// object the node loaded. One primary-key probe of the object per change counted.
    /// </summary>
    public static Task<int> BacklogAsync(RampartDb db, long cursor, Guid hostingOrganisation, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var objects = db.IntelObjects;
        var galaxyCreated = Rampart.Standards.Intelligence.Galaxies.MispGalaxyConverter.Created;
        string[] types = [.. GalaxyTypes];
        return db.IntelChanges.AsNoTracking().Where(c => c.Sequence > cursor)
            .Where(c => !objects.Any(i => i.RecordId == c.RecordId && i.OwnerOrganisationId == hostingOrganisation && i.Created == galaxyCreated && types.Contains(i.StixType)))
            .OrderBy(c => c.Sequence).Take(limit).CountAsync(cancellationToken);
    }

    /// <summary>The organisation hosting this node (<see cref="Rampart.Server.Hosting.NodeOptions.OrganisationShortName"/>), <see cref="Guid.Empty"/> when it does not exist yet.</summary>
    public static async Task<Guid> HostingOrganisationAsync(RampartDb db, string shortName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.Organisations.AsNoTracking().Where(x => x.ShortName == shortName).Select(x => (Guid?)x.Id).FirstOrDefaultAsync(cancellationToken) ?? Guid.Empty;
    }

    public async Task<PushResult> PushAsync(Guid peerId, CancellationToken cancellationToken)
    {
        var peer = await db.FederationPeers.AsNoTracking().FirstOrDefaultAsync(p => p.Id == peerId, cancellationToken);
        if (peer is null || peer.State != PeerState.Active)
        {
            return new PushResult(0, 0, 0, 0, null);
        }

        var sync = await db.FederationPeerSyncs.FirstOrDefaultAsync(s => s.PeerId == peerId, cancellationToken);
        if (sync is null)
        {
            sync = new FederationPeerSync { PeerId = peerId };
            db.FederationPeerSyncs.Add(sync);
        }

        var o = options.Value;
        var self = await identity.IdAsync(cancellationToken);
        var peerNode = new NodeId(peer.Name, peer.Fingerprint).ToString();
        var shortName = node.Value.OrganisationShortName;
        var host = await HostingOrganisationAsync(db, shortName, cancellationToken);
        int envelopes = 0, sent = 0, acknowledged = 0, refused = 0;
        string? error = null;
        sync.LastRunAt = clock.GetUtcNow();
        FederationPeer target = peer;
        FederationPeerSync state = sync;

        // Sends one envelope and records what the peer answered; false (and the error kept) when the peer did not answer.
        async Task<bool> DeliverAsync(List<Pending> pending)
        {
            try
            {
                var results = await SendAsync(target, self, pending, cancellationToken);
                envelopes++;
                var (s1, a1, r1) = await RecordAsync(peerId, state, pending, results, cancellationToken);
                sent += s1;
                acknowledged += a1;
                refused += r1;
                return true;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or FederationPushException or JsonException && !cancellationToken.IsCancellationRequested)
            {
                error = e is TaskCanceledException ? "The peer did not answer in time." : e.Message;
                state.LastError = error.Length > 2000 ? error[..2000] : error;
                state.LastErrorAt = clock.GetUtcNow();
                LogPushFailed(logger, target.Name, error);
                return false;
            }
        }

        for (var round = 0; round < o.SyncEnvelopesPerRun; round++)
        {
            var cursor = sync.Cursor;
            var final = await horizon.FinalAsync(db, cancellationToken);
            var page = await db.IntelChanges.AsNoTracking().Where(c => c.Sequence > cursor).OrderBy(c => c.Sequence)
                .Take(o.SyncChangesPerEnvelope).Select(c => new { c.Sequence, c.RecordId, c.Kind, c.At }).ToListAsync(cancellationToken);
            // Up to a recent hole in the sequence only (a change still committing, a version deletion say): the cursor never
            // moves past a change that is not there yet, the rule of the live stream (IntelChangeGaps, review M3).
            var changes = page.Take(IntelChangeGaps.Contiguous(page, cursor, final, clock.GetUtcNow() - streamOptions.Value.GapSettle, c => c.Sequence, c => c.At)).ToList();
            if (changes.Count == 0)
            {
                break;
            }

            // Records whose owner deleted versions in this page: the peers that hold them are told which (remove-versions).
            var versionsDeleted = changes.Where(c => c.Kind == IntelChangeKind.VersionsDeleted).Select(c => c.RecordId).ToHashSet();
            var pending = await SelectAsync(peer, self, peerNode, host, [.. changes.Select(c => c.RecordId).Distinct()], cancellationToken, versionsDeleted);
            if (pending.Count > 0 && !await DeliverAsync(pending))
            {
                break;
            }

            // The peer answered for every change up to here (or none of them concerned it): the cursor moves.
            sync.Cursor = changes[^1].Sequence;
            if (error is null && envelopes > 0)
            {
                sync.LastError = null;
            }

            await db.SaveChangesAsync(cancellationToken);
            // Saved: the envelope's sent and refused rows are forgotten, so that the next envelope's save looks at its own
            // rows only (a run of 200 envelopes otherwise re-scans every row of the run at each save) and the next
            // envelope reads the rows it needs from the database.
            Forget();
        }

        // Refused records whose retry is due (the peer may have declared the organisation since): a bounded batch per run.
        if (error is null)
        {
            var now = clock.GetUtcNow();
            var due = await db.FederationRefused.AsNoTracking().Where(r => r.PeerId == peerId && r.RetryAt != null && r.RetryAt <= now)
                .OrderBy(r => r.RetryAt).Take(RetriesPerRun).Select(r => r.RecordId).ToListAsync(cancellationToken);
            if (due.Count > 0)
            {
                var pending = await SelectAsync(peer, self, peerNode, host, due, cancellationToken);
                // A refused record that no longer crosses (withdrawn, narrowed, or the peer has its newest version) has nothing left to retry.
                var nothing = due.Except(pending.Select(p => p.RecordId)).ToList();
                if (nothing.Count > 0)
                {
                    await db.FederationRefused.Where(r => r.PeerId == peerId && nothing.Contains(r.RecordId)).ExecuteDeleteAsync(cancellationToken);
                }

                if (pending.Count > 0 && await DeliverAsync(pending) && envelopes > 0)
                {
                    sync.LastError = null;
                }
            }
        }

        if (envelopes > 0 || error is not null)
        {
            audit.Record(AuditEvent.FederationPushed, Caller.Operator(), $"federation-peer:{peer.Id}", error is null ? AuditOutcome.Success : AuditOutcome.Failed,
                string.Create(CultureInfo.InvariantCulture, $"{peer.Name}: {envelopes} envelopes, {sent} sent, {acknowledged} acknowledged, {refused} refused{(error is null ? "" : "; " + error)}"));
        }

        await db.SaveChangesAsync(cancellationToken);
        return new PushResult(envelopes, sent, acknowledged, refused, error);
    }

    private void Forget()
    {
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity is FederationSent or FederationRefused && e.State == EntityState.Unchanged).ToList())
        {
            entry.State = EntityState.Detached;
        }
    }

    /// <summary>
    /// Records the peer's answer to one envelope: acknowledged versions and removals in <see cref="FederationSent"/>, refused
    /// versions in <see cref="FederationRefused"/> with their next retry (once per record and envelope), and the counts.
    /// </summary>
    private async Task<(int Sent, int Acknowledged, int Refused)> RecordAsync(
        Guid peerId, FederationPeerSync sync, List<Pending> pending, List<(string Status, string? Detail)> results, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var ids = pending.Select(p => p.RecordId).Distinct().ToList();
        var rows = await db.FederationSent.Where(s => s.PeerId == peerId && ids.Contains(s.RecordId)).ToDictionaryAsync(s => s.RecordId, cancellationToken);
        var refusals = await db.FederationRefused.Where(r => r.PeerId == peerId && ids.Contains(r.RecordId)).ToDictionaryAsync(r => r.RecordId, cancellationToken);
        var counted = new HashSet<long>();
        int sent = 0, acknowledged = 0, refused = 0, removals = 0;
        for (var i = 0; i < pending.Count; i++)
        {
            var p = pending[i];
            var (status, detail) = results[i];
            sent++;
            if (status != "accepted")
            {
                refused++;
                if (p.Removal || p.VersionRemoval)
                {
                    continue; // the peer does not have it (any more): nothing to retry
                }

                if (!refusals.TryGetValue(p.RecordId, out var refusal))
                {
                    refusal = new FederationRefused { PeerId = peerId, RecordId = p.RecordId, Reason = "" };
                    refusals[p.RecordId] = refusal;
                    db.FederationRefused.Add(refusal);
                }

                if (counted.Add(p.RecordId))
                {
                    refusal.Attempts++;
                }

                refusal.Reason = Cut(detail ?? "refused", 500);
                refusal.RefusedAt = now;
                refusal.RetryAt = refusal.Attempts >= MaxRetryAttempts ? null : now + RetryDelay(refusal.Attempts);
                if (p.Modified is { } rm && rm > refusal.Modified)
                {
                    refusal.Modified = rm;
                }

                continue;
            }

            acknowledged++;
            if (p.Removal || p.VersionRemoval)
            {
                removals++;
            }

            if (!rows.TryGetValue(p.RecordId, out var row))
            {
                row = new FederationSent { PeerId = peerId, RecordId = p.RecordId, Audience = p.Audience, Modified = p.Modified ?? DateTimeOffset.UnixEpoch };
                rows[p.RecordId] = row;
                db.FederationSent.Add(row);
            }

            row.Audience = p.Audience;
            row.Removed = p.Removal;
            row.SentAt = now;
            if (p.VersionRemoval && p.Modified is { } kept)
            {
                // The peer deleted the versions: the newest it holds may now be older than the newest it was sent.
                row.Modified = kept;
            }
            else if (p.Modified is { } m && m > row.Modified)
            {
                row.Modified = m;
            }

            // Accepted at (or past) the refused version, or removed: nothing is left to retry for this record.
            if (refusals.TryGetValue(p.RecordId, out var done) && (p.Removal || (p.Modified is { } am && am >= done.Modified)))
            {
                db.FederationRefused.Remove(done);
                refusals.Remove(p.RecordId);
            }
        }

        sync.Sent += sent;
        sync.Acknowledged += acknowledged;
        sync.Refused += refused;
        sync.RemovalsAcknowledged += removals;
        sync.LastAcknowledgedAt = now;
        return (sent, acknowledged, refused);
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];

    /// <summary>A version's time to the microsecond (PostgreSQL stores microseconds; a received copy and the stored version compare so).</summary>
    private static long Microseconds(DateTimeOffset t) => t.UtcTicks / 10;

    /// <summary>The items for <paramref name="peer"/> among the records in <paramref name="recordIds"/> (one outbox page).</summary>
    private async Task<List<Pending>> SelectAsync(FederationPeer peer, NodeId self, string peerNode, Guid host, List<long> recordIds, CancellationToken cancellationToken,
        HashSet<long>? versionsDeleted = null)
    {
        var peerId = peer.Id;
        var objects = await db.IntelObjects.AsNoTracking().Include(x => x.Record).Where(x => recordIds.Contains(x.RecordId)).ToListAsync(cancellationToken);
        var grants = (await db.AccessGrants.AsNoTracking().Where(g => g.RecordType == RecordType.StixObject && recordIds.Contains(g.RecordId)).ToListAsync(cancellationToken))
            .ToLookup(g => g.RecordId);
        var sentRows = await db.FederationSent.AsNoTracking().Where(s => s.PeerId == peerId && recordIds.Contains(s.RecordId)).ToDictionaryAsync(s => s.RecordId, cancellationToken);
        var received = (await db.FederationReceived.AsNoTracking().Where(r => recordIds.Contains(r.RecordId)).ToListAsync(cancellationToken)).ToLookup(r => r.RecordId);

        // Where each organisation registered here lives: on a peer it is declared on, else here.
        var declared = await db.FederationPeerOrganisations.AsNoTracking()
            .Join(db.FederationPeers.AsNoTracking(), o => o.PeerId, p => p.Id, (o, p) => new { o.OrganisationId, o.StixIdentity, o.PeerId, p.Name, p.Fingerprint })
            .ToListAsync(cancellationToken);
        var homes = declared.ToDictionary(d => d.OrganisationId, d => new NodeId(d.Name, d.Fingerprint).ToString());
        var identityOnPeer = declared.Where(d => d.PeerId == peerId).ToDictionary(d => d.OrganisationId, d => d.StixIdentity);
        var selfText = self.ToString();
        string? HomeOf(Guid organisation) => homes.TryGetValue(organisation, out var node) ? node : selfText;

        var communityIds = grants.SelectMany(g => g).Where(g => g.Kind == GrantKind.Community && g.SubjectId is not null).Select(g => g.SubjectId!.Value).Distinct().ToList();
        var members = (await db.CommunityMembers.AsNoTracking().Where(m => communityIds.Contains(m.CommunityId)).ToListAsync(cancellationToken)).ToLookup(m => m.CommunityId, m => m.OrganisationId);
        var memberOf = members.SelectMany(g => g.Select(org => (org, g.Key))).ToLookup(x => x.org, x => x.Key);

        // Of the records whose owner deleted versions (this page's VersionsDeleted changes): every version's modified, and whether
        // it still has content — a version without content on a live object is one its owner deleted (ADR 18).
        var deletedIds = versionsDeleted is { Count: > 0 } ? objects.Where(x => versionsDeleted.Contains(x.RecordId) && x.WithdrawnAt == null).Select(x => x.RecordId).ToList() : [];
        var versionRows = (deletedIds.Count == 0 ? []
            : (await db.IntelObjectVersions.AsNoTracking().Where(v => deletedIds.Contains(v.RecordId)).Select(v => new { v.RecordId, v.Modified, Live = v.Json != null })
                .ToListAsync(cancellationToken)).Select(v => (v.RecordId, v.Modified, v.Live)).ToList()).ToLookup(v => v.RecordId);

        var items = new List<Pending>();
        var versionsWanted = new List<(IntelObject Intel, DateTimeOffset After, FederationAudience Audience, bool Resend)>();
        foreach (var intel in objects)
        {
            // Cyber observables (SCOs) do not cross: provenance signs an object version by its modified time, which SCOs
            // lack (signing threw and stopped the whole sync at the first one — new-user review s7). The indicators
            // that pin their values cross, and the receiving node indexes those values from their patterns.
            if (Rampart.Standards.Stix.StixTypes.IsSco(intel.StixType))
            {
                continue;
            }

            sentRows.TryGetValue(intel.RecordId, out var sentRow);
            var origin = received[intel.RecordId].OrderByDescending(r => r.Modified).FirstOrDefault();
            if (origin is null && IsNodeReference(intel, host))
            {
                // Every node loads the galaxies itself: its own copies never cross (one sent before this rule is taken back).
                if (sentRow is { Removed: false })
                {
                    items.Add(Removal(intel, origin, "A reference object every node loads itself."));
                }

                continue;
            }
            if (intel.WithdrawnAt is not null)
            {
                if (sentRow is { Removed: false })
                {
                    items.Add(Removal(intel, origin, "Withdrawn by its owner."));
                }

                continue;
            }

            var recordGrants = grants[intel.RecordId].ToList();
            var entries = SharingStore.AudienceOf(recordGrants);
            var communities = entries.Where(e => e.Kind == AudienceKind.Community).Select(e => e.CommunityId!.Value).Distinct()
                .ToDictionary(c => c, c => new FederatedCommunity(members[c].ToHashSet(), new HashSet<string> { selfText }));
            var audience = new FederatedAudience(
                entries.Where(e => e.Kind == AudienceKind.Organisation).Select(e => e.OrganisationId!.Value).ToHashSet(),
                communities, entries.Any(e => e.Kind == AudienceKind.Network));
            IReadOnlyCollection<string> traversed = origin is null ? [selfText] : Traversed(origin.Provenance);
            var decision = HopRules.Decide(intel.Record.Tlp, audience, HomeOf, selfText, peerNode, traversed);

            // The access decision itself, asked for each organisation of the peer the hop rules kept (and for the network).
            var organisations = decision.Audience.Organisations.Concat(decision.Audience.Communities.Values.SelectMany(c => c.Members))
                .Distinct().Where(org => identityOnPeer.ContainsKey(org)
                    && AccessPolicy.CanRead(new Caller(org, org, Role.Viewer, memberOf[org].ToHashSet(), ReadOnly: true, Credential: "federation"), intel.Record, recordGrants))
                .Select(org => identityOnPeer[org]).ToList();
            var network = decision.Audience.Network
                && AccessPolicy.CanRead(new Caller(Guid.NewGuid(), Guid.NewGuid(), Role.Viewer, new HashSet<Guid>(), ReadOnly: true, Credential: "federation"), intel.Record, recordGrants);
            if (!decision.Crosses || (organisations.Count == 0 && !network))
            {
                if (sentRow is { Removed: false })
                {
                    items.Add(Removal(intel, origin, "No longer shared with an organisation of your node."));
                }

                continue;
            }

            var crossing = new FederationAudience(organisations, network);
            if (sentRow is { Removed: false } && versionRows[intel.RecordId].Where(v => !v.Live && v.Modified <= sentRow.Modified).Select(v => v.Modified).Order().ToList() is { Count: > 0 } gone)
            {
                // The peer was sent versions its owner has since deleted: it deletes them too (before any newer version of this envelope).
                var kept = versionRows[intel.RecordId].Where(v => v.Live && v.Modified <= sentRow.Modified).Select(v => v.Modified).DefaultIfEmpty(DateTimeOffset.UnixEpoch).Max();
                items.Add(VersionRemoval(intel, origin, gone, kept, sentRow.Audience));
            }

            versionsWanted.Add((intel, sentRow is { Removed: false } ? sentRow.Modified : DateTimeOffset.MinValue, crossing, sentRow is { Removed: false } && sentRow.Audience != crossing.Key));
        }

        if (versionsWanted.Count == 0)
        {
            return items;
        }

        var ids = versionsWanted.Select(v => v.Intel.RecordId).ToList();
        var own = (await db.IntelObjectVersions.AsNoTracking().Where(v => ids.Contains(v.RecordId) && v.Json != null).Select(v => new { v.RecordId, v.Modified, v.Json })
            .ToListAsync(cancellationToken)).ToLookup(v => v.RecordId);
        foreach (var (intel, after, audience, resend) in versionsWanted)
        {
            var fromPeers = received[intel.RecordId].ToList();
            // What travels: the versions as signed at their origin — this node's stored JSON for its own records, the JSON as
            // received for a record it forwards (the store rewrote created_by_ref and the marking of its own copy). A received
            // copy travels only while its version here still has content: one whose version was deleted (a cleanup that did
            // not happen, or a row written after the deletion) never reaches a peer, not even in the resend (review M2).
            var live = own[intel.RecordId].Select(v => Microseconds(v.Modified)).ToHashSet();
            var all = fromPeers.Count > 0
                ? fromPeers.Where(r => r.ObjectJson.Length > 0 && live.Contains(Microseconds(r.Modified))).Select(r => (r.Modified, Json: r.ObjectJson, Provenance: (string?)r.Provenance)).ToList()
                : own[intel.RecordId].Select(v => (v.Modified, Json: v.Json!, Provenance: (string?)null)).ToList();
            var fresh = all.Where(v => v.Modified > after).OrderBy(v => v.Modified).ToList();
            if (fresh.Count == 0 && resend && all.Count > 0)
            {
                fresh.Add(all.MaxBy(v => v.Modified));
            }

            foreach (var v in fresh)
            {
                using var doc = JsonDocument.Parse(v.Json);
                ProvenanceDocument provenance;
                if (v.Provenance is { } received1)
                {
                    var parsed = ProvenanceDocument.Parse(received1);
                    if (parsed.Origin == self || parsed.Hops.Any(h => h.Node == self))
                    {
                        continue;
                    }

                    provenance = await identity.ForwardAsync(parsed, cancellationToken);
                }
                else
                {
                    provenance = await identity.SignAsync(doc.RootElement, new ProvenanceOrganisation(intel.OwnerOrganisationId, IntelIdentity.Of(intel.OwnerOrganisationId)), cancellationToken);
                }

                var item = new JsonObject
                {
                    ["op"] = "version",
                    ["tlp"] = intel.Record.Tlp.Code(),
                    ["audience"] = audience.ToJson(),
                    ["object"] = JsonNode.Parse(v.Json),
                    ["provenance"] = JsonNode.Parse(provenance.ToJson()),
                };
                items.Add(new Pending(intel.RecordId, item, v.Modified, audience.Key, Removal: false));
            }
        }

        return items;
    }

    private static Pending Removal(IntelObject intel, FederationReceived? origin, string reason)
    {
        var organisation = origin is null ? IntelIdentity.Of(intel.OwnerOrganisationId) : ProvenanceDocument.Parse(origin.Provenance).Organisation.Identity;
        var item = new JsonObject { ["op"] = "remove", ["id"] = intel.StixId, ["organisation"] = organisation, ["reason"] = reason };
        return new Pending(intel.RecordId, item, null, "", Removal: true);
    }

    private static Pending VersionRemoval(IntelObject intel, FederationReceived? origin, List<DateTimeOffset> versions, DateTimeOffset kept, string audience)
    {
        var organisation = origin is null ? IntelIdentity.Of(intel.OwnerOrganisationId) : ProvenanceDocument.Parse(origin.Provenance).Organisation.Identity;
        var item = new JsonObject
        {
            ["op"] = "remove-versions",
            ["id"] = intel.StixId,
            ["organisation"] = organisation,
            ["versions"] = new JsonArray([.. versions.TakeLast(FederationWire.MaxRemovedVersions).Select(v => (JsonNode)FederationWire.Version(v))]),
            ["reason"] = "Versions deleted by the owner.",
        };
        return new Pending(intel.RecordId, item, kept, audience, Removal: false, VersionRemoval: true);
    }

    private static List<string> Traversed(string provenance)
    {
        var doc = ProvenanceDocument.Parse(provenance);
        return [doc.Origin.ToString(), .. doc.Hops.Select(h => h.Node.ToString())];
    }

    /// <summary>Signs and posts one envelope; the per-item statuses in order.</summary>
    private async Task<List<(string Status, string? Detail)>> SendAsync(FederationPeer peer, NodeId self, List<Pending> pending, CancellationToken cancellationToken)
    {
        var envelope = new JsonObject
        {
            ["id"] = Guid.CreateVersion7(clock.GetUtcNow()).ToString("D"),
            ["items"] = new JsonArray([.. pending.Select(p => (JsonNode)p.Item)]),
        };
        var body = Encoding.UTF8.GetBytes(envelope.ToJsonString());
        var date = FederationWire.FormatDate(clock.GetUtcNow());
        var peerNode = new NodeId(peer.Name, peer.Fingerprint).ToString();
        var signature = await identity.SignBytesAsync(FederationWire.SignedBytes(peerNode, self.ToString(), date, body), cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, peer.Url + FederationWire.InboxPath) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(FederationWire.NodeHeader, self.ToString());
        request.Headers.Add(FederationWire.DateHeader, date);
        request.Headers.Add(FederationWire.SignatureHeader, FederationWire.Base64Url(signature));
        var client = httpClients.CreateClient(FederationWire.HttpClientName);
        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new FederationPushException(string.Create(CultureInfo.InvariantCulture, $"The peer answered {(int)response.StatusCode} {response.ReasonPhrase}."));
        }

        var answer = JsonNode.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken)) as JsonObject;
        if (answer?["results"] is not JsonArray results || results.Count != pending.Count)
        {
            throw new FederationPushException("The peer's answer does not list one result per item.");
        }

        return [.. results.Select(r => (r?["status"] is JsonValue s && s.TryGetValue<string>(out var status) ? status : "refused",
            r?["detail"] is JsonValue d && d.TryGetValue<string>(out var detail) ? detail : null))];
    }

    [LoggerMessage(EventId = 861, Level = LogLevel.Warning, Message = "Federation push to {Peer} failed: {Error}")]
    private static partial void LogPushFailed(ILogger logger, string peer, string error);
}

/// <summary>The peer answered, but not with an acknowledgement.</summary>
public sealed class FederationPushException(string message) : Exception(message);

/// <summary>
/// The scheduled federation job (durable scheduler, ADR 11: one app server at a time, once per interval): pushes to every
/// confirmed, active peer, each in its own unit of work; a peer that is offline keeps its cursor and is caught up next time.
/// </summary>
public sealed class FederationSyncJob(RampartDb db, IServiceScopeFactory scopes) : IScheduledJob
{
    public const string JobName = "federation.sync";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var peers = await db.FederationPeers.AsNoTracking().Where(p => p.State == PeerState.Active).OrderBy(p => p.Key).Select(p => p.Id).ToListAsync(cancellationToken);
        foreach (var id in peers)
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<FederationSync>().PushAsync(id, cancellationToken);
        }
    }
}
