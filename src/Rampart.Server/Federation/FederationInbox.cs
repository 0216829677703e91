using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards;
using Rampart.Standards.Federation;
using Rampart.Standards.Markings;
using Rampart.Standards.Stix;

namespace Rampart.Server.Federation;

/// <summary>One item's answer: <c>accepted</c> (stored, narrowed, removed, or already so) or <c>refused</c>, with why.</summary>
public sealed record InboxItemResult(int Index, string Status, string? Detail);

/// <summary>The answer to an envelope: one result per item, in order. It names no object content.</summary>
public sealed record InboxResponse(Guid Id, IReadOnlyList<InboxItemResult> Results);

/// <summary>Why an envelope was refused as a whole before any item was looked at (401).</summary>
public sealed class FederationUnauthenticatedException(string message) : Exception(message);

/// <summary>
/// The receiving side of federation (ADR 14). Authenticates the sending node by its request signature (a confirmed,
/// active peer only; date within <see cref="FederationWire.DateWindow"/>; each envelope id once), then for each item:
/// a <c>version</c> is checked by <see cref="FederationTrust.CheckAsync"/> and stored through <see cref="IntelStore"/>
/// as a record owned by the originating organisation's local record, with the narrowed audience mapped to this node's
/// organisations (the grants follow a later, narrower audience); a <c>remove</c> withdraws the copy (tombstone) and a
/// <c>remove-versions</c> deletes the versions it names (ADR 18), each only when the peer is the one that delivered it.
/// Writes only; it returns counts and reasons, never content.
/// </summary>
public sealed class FederationInbox(
    RampartDb db, NodeIdentity identity, FederationTrust trust, IntelStore store, IntelRetraction retraction, SharingStore sharing,
    IPeopleDirectory people, AuditTrail audit, TimeProvider clock)
{
    private sealed record Checked(int Index, Guid Owner, Tlp Tlp, IReadOnlyList<ResolvedAudience> Audience, string AudienceKey, StixObject Stix, string ObjectJson, string Provenance, DateTimeOffset Modified);

    /// <summary>Authenticates the request; returns the sending peer.</summary>
    /// <exception cref="FederationUnauthenticatedException">Unknown or untrusted sender, bad signature, stale date (audited, 861).</exception>
    public async Task<FederationPeer> AuthenticateAsync(string? node, string? date, string? signature, byte[] body, CancellationToken cancellationToken,
        string purpose = FederationWire.InboxPurpose)
    {
        FederationPeer? peer = null;
        string? why = null;
        var now = clock.GetUtcNow();
        if (!NodeId.TryParse(node, out var sender) || sender is null)
        {
            why = $"no or malformed {FederationWire.NodeHeader}";
        }
        else if (!FederationWire.TryParseDate(date, out var at))
        {
            why = $"no or malformed {FederationWire.DateHeader}";
        }
        else if ((at - now).Duration() > FederationWire.DateWindow)
        {
            why = "the request's date is outside the accepted window (clock skew or a replayed request)";
        }
        else
        {
            var name = sender.Name;
            var fingerprint = sender.Fingerprint;
            peer = await db.FederationPeers.AsNoTracking().FirstOrDefaultAsync(p => p.Fingerprint == fingerprint && p.Name == name, cancellationToken);
            var raw = FederationWire.FromBase64Url(signature);
            if (peer is null || peer.State != PeerState.Active)
            {
                why = "the sending node is not a confirmed, active peer";
                peer = null;
            }
            else if (raw is not { Length: 64 }
                     || !new NodePublicKey(peer.PublicKey).Verify(FederationWire.SignedBytes(purpose, (await identity.IdAsync(cancellationToken)).ToString(), sender.ToString(), date!, body), raw))
            {
                why = "the request signature does not verify";
                peer = null;
            }
        }

        if (peer is null)
        {
            audit.Record(AuditEvent.FederationEnvelopeRefused, Caller.Operator(), $"federation-node:{Cut(node, 200)}", AuditOutcome.Denied, why);
            await db.SaveChangesAsync(cancellationToken);
            throw new FederationUnauthenticatedException(why!);
        }

        return peer;
    }

    /// <summary>Applies an authenticated envelope. A malformed envelope is a 400 naming the field; a replayed id a 409.</summary>
    public async Task<InboxResponse> ReceiveAsync(FederationPeer peer, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var (envelopeId, items) = await OpenEnvelopeAsync(peer, body, "items", FederationWire.MaxItems, cancellationToken);
        var results = new InboxItemResult?[items.Count];
        var versions = new List<Checked>();
        // Read once per envelope, not per item: the peers' keys and declarations, and each distinct audience mapped here.
        var keys = await trust.KeysAsync(cancellationToken);
        var audiences = new Dictionary<(Tlp, string), IReadOnlyList<ResolvedAudience>>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i] as JsonObject;
            var op = item?["op"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
            switch (op)
            {
                case "version":
                    var (ok, refusal) = await CheckVersionAsync(peer, keys, audiences, i, item!, cancellationToken);
                    if (ok is not null)
                    {
                        versions.Add(ok);
                    }
                    else
                    {
                        results[i] = new InboxItemResult(i, "refused", refusal);
                    }

                    break;
                case "remove" or "remove-versions":
                    // Removals (both kinds) are applied after every version item of the envelope, in envelope order — not
                    // interleaved with the versions. A removal names only versions the peer acknowledged before, so a newer
                    // version travelling in the same envelope is stored first and stays (it is never among those named).
                    results[i] = null;
                    break;
                default:
                    results[i] = new InboxItemResult(i, "refused", "op must be 'version', 'remove' or 'remove-versions'.");
                    break;
            }
        }

        foreach (var r in await StoreVersionsAsync(peer, versions, cancellationToken))
        {
            results[r.Index] = r;
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (results[i] is null)
            {
                var item = (JsonObject)items[i]!;
                results[i] = item["op"]!.GetValue<string>() == "remove"
                    ? await RemoveAsync(peer, i, item, cancellationToken)
                    : await RemoveVersionsAsync(peer, i, item, cancellationToken);
            }
        }

        var accepted = results.Count(r => r!.Status == "accepted");
        audit.Record(AuditEvent.FederationEnvelopeReceived, Caller.Operator(), $"federation-peer:{peer.Id}", detail:
            string.Create(CultureInfo.InvariantCulture, $"{peer.Name}: {items.Count} items, {accepted} accepted, {items.Count - accepted} refused"));
        await db.SaveChangesAsync(cancellationToken);
        await CountAsync(peer.Id, items.Count, items.Count - accepted, cancellationToken);
        return new InboxResponse(envelopeId, [.. results.Select(r => r!)]);
    }

    /// <summary>
    /// Opens an authenticated envelope of any federation path — a JSON object with its UUID <c>id</c> and the array
    /// <paramref name="listName"/> of at most <paramref name="most"/> entries (else a 400 naming the field) — and remembers its
    /// id (<see cref="RememberEnvelopeAsync"/>: a replay is a 409).
    /// </summary>
    public async Task<(Guid Id, JsonArray List)> OpenEnvelopeAsync(FederationPeer peer, byte[] body, string listName, int most, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        JsonObject envelope;
        try
        {
            envelope = JsonNode.Parse(body) as JsonObject ?? throw RequestErrors.One("body", "The envelope must be a JSON object.");
        }
        catch (JsonException)
        {
            throw RequestErrors.One("body", "The envelope is not JSON.");
        }

        if (envelope["id"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var idText) || !Guid.TryParse(idText, out var envelopeId))
        {
            throw RequestErrors.One("id", "Required: the envelope's UUID (each envelope is applied once).");
        }

        if (envelope[listName] is not JsonArray list || list.Count > most)
        {
            throw RequestErrors.One(listName, string.Create(CultureInfo.InvariantCulture, $"Required: an array of at most {most} {listName}."));
        }

        await RememberEnvelopeAsync(peer, envelopeId, cancellationToken);
        return (envelopeId, list);
    }

    /// <summary>
    /// Reads a machine request's body and checks its node signature for <paramref name="purpose"/> (<see cref="AuthenticateAsync"/>);
    /// the peer is null when it is not a confirmed, active peer's valid signature (the endpoint answers 401).
    /// </summary>
    public async Task<(FederationPeer? Peer, byte[] Body)> AuthenticateRequestAsync(HttpRequest request, string purpose, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        var body = buffer.ToArray();
        try
        {
            return (await AuthenticateAsync(request.Headers[FederationWire.NodeHeader], request.Headers[FederationWire.DateHeader],
                request.Headers[FederationWire.SignatureHeader], body, cancellationToken, purpose), body);
        }
        catch (FederationUnauthenticatedException)
        {
            return (null, body);
        }
    }

    /// <summary>
    /// Records that <paramref name="envelopeId"/> from <paramref name="peer"/> was received (ids are kept twice the date
    /// window, beyond which the request's date is refused anyway); a second time is a 409, audited. Every federation path uses it.
    /// </summary>
    public async Task RememberEnvelopeAsync(FederationPeer peer, Guid envelopeId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var now = clock.GetUtcNow();
        var horizon = now - (2 * FederationWire.DateWindow);
        await db.FederationInboxReplays.Where(r => r.ReceivedAt < horizon).ExecuteDeleteAsync(cancellationToken);
        db.FederationInboxReplays.Add(new FederationInboxReplay { PeerId = peer.Id, EnvelopeId = envelopeId, ReceivedAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            audit.Record(AuditEvent.FederationEnvelopeRefused, Caller.Operator(), $"federation-peer:{peer.Id}", AuditOutcome.Denied, $"replayed envelope {envelopeId} from {peer.Name}");
            await db.SaveChangesAsync(cancellationToken);
            throw new ConflictException("This envelope was already received: each envelope is applied once.");
        }
    }

    /// <summary>What this node received from the peer, for the peer's status (atomic increments: the push job writes the same row).</summary>
    private async Task CountAsync(Guid peerId, int received, int refused, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var updated = await db.FederationPeerSyncs.Where(s => s.PeerId == peerId).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Received, x => x.Received + received)
                .SetProperty(x => x.ReceivedRefused, x => x.ReceivedRefused + refused)
                .SetProperty(x => x.LastReceivedAt, now), cancellationToken);
            if (updated > 0)
            {
                return;
            }

            db.FederationPeerSyncs.Add(new FederationPeerSync { PeerId = peerId, Received = received, ReceivedRefused = refused, LastReceivedAt = now });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException)
            {
                db.ChangeTracker.Clear(); // the push job made the row at the same moment: add to it
            }
        }
    }

    private async Task<(Checked? Ok, string? Refusal)> CheckVersionAsync(
        FederationPeer peer, TrustedKeys keys, Dictionary<(Tlp, string), IReadOnlyList<ResolvedAudience>> audiences, int index, JsonObject item, CancellationToken cancellationToken)
    {
        if (item["object"] is not JsonObject obj)
        {
            return (null, "object: required.");
        }

        if (item["provenance"] is not JsonObject prov)
        {
            return (null, "provenance: required.");
        }

        if (item["tlp"] is not JsonValue tv || !tv.TryGetValue<string>(out var tlpText) || !TlpMarking.TryParse(tlpText, out var tlp))
        {
            return (null, "tlp: required (clear, green, amber, amber+strict, red).");
        }

        if (FederationAudience.FromJson(item["audience"]) is not { } audience)
        {
            return (null, "audience: required ({organisations: [identity ids], network: bool}).");
        }

        ProvenanceDocument document;
        StixObject stix;
        var objectJson = obj.ToJsonString();
        JsonDocument parsed;
        try
        {
            document = ProvenanceDocument.Parse(prov.ToJsonString());
            stix = StixObject.Parse(objectJson);
            parsed = JsonDocument.Parse(objectJson);
        }
        catch (StandardsException e)
        {
            return (null, $"{e.Path ?? "provenance"}: {e.Reason}");
        }

        ProvenanceCheck check;
        using (parsed)
        {
            check = await trust.CheckAsync(keys, document, parsed.RootElement, peer.Id, cancellationToken);
        }

        if (!check.Accepted)
        {
            return (null, check.Verdict != ProvenanceVerdict.Valid
                ? $"provenance refused: {check.Verdict}"
                : "provenance refused: the origin node may not speak for this organisation");
        }

        if (!Timestamps.TryParse(document.ObjectModified, out var modified))
        {
            return (null, "object.modified: not a STIX timestamp.");
        }

        if (!audiences.TryGetValue((tlp, audience.Key), out var local))
        {
            local = await LocalAudienceAsync(tlp, audience, cancellationToken);
            audiences[(tlp, audience.Key)] = local;
        }

        return (new Checked(index, check.OriginOrganisation!.Value, tlp, local, audience.Key, stix, objectJson, document.ToJson(), modified), null);
    }

    /// <summary>
    /// The audience here: the named organisations that live on this node (they have users here and are declared on no peer)
    /// and the network at GREEN or below. Anything else is dropped — never widened.
    /// </summary>
    private async Task<IReadOnlyList<ResolvedAudience>> LocalAudienceAsync(Tlp tlp, FederationAudience audience, CancellationToken cancellationToken)
    {
        var entries = new List<ResolvedAudience>();
        if (audience.Organisations.Count > 0)
        {
            var wanted = audience.Organisations.ToHashSet(StringComparer.Ordinal);
            var declared = await db.FederationPeerOrganisations.AsNoTracking().Select(o => o.OrganisationId).ToListAsync(cancellationToken);
            var candidates = await db.Organisations.AsNoTracking().Where(o => !declared.Contains(o.Id)).Select(o => o.Id).ToListAsync(cancellationToken);
            var named = candidates.Where(o => wanted.Contains(IntelIdentity.Of(o))).ToList();
            var living = await people.OrganisationsWithUsersAsync(named, cancellationToken);
            entries.AddRange(named.Where(living.Contains).Order().Select(o => new ResolvedAudience(AudienceKind.Organisation, o)));
        }

        if (audience.Network && tlp <= Tlp.Green)
        {
            entries.Add(new ResolvedAudience(AudienceKind.Network));
        }

        return entries;
    }

    private static Caller Writer(FederationPeer peer, Guid owner) =>
        new(peer.Id, owner, Role.Analyst, new HashSet<Guid>(), Credential: $"federation-peer:{peer.Id:N}");

    private async Task<List<InboxItemResult>> StoreVersionsAsync(FederationPeer peer, List<Checked> versions, CancellationToken cancellationToken)
    {
        var results = new List<InboxItemResult>();
        foreach (var group in versions.GroupBy(v => (v.Owner, v.Tlp, v.AudienceKey)))
        {
            var list = group.ToList();
            var writer = Writer(peer, group.Key.Owner);
            var share = new IntelShare(group.Key.Tlp, list[0].Audience, Published: false);
            var job = await store.StartJobAsync(writer, IntelImportFormat.StixBundle, share.Tlp, cancellationToken, IntelChangeVia.Federation, peer.Id);
            var outcomes = new List<IngestOutcome>();
            foreach (var chunk in list.Chunk(IntelStore.BatchSize))
            {
                outcomes.AddRange(await store.WriteBatchAsync(job, share, [.. chunk.Select(c => new IngestItem(c.Index, c.Stix))], cancellationToken));
            }

            await store.FinishJobAsync(writer, job, null, cancellationToken);
            var byIndex = outcomes.ToDictionary(o => o.Ordinal);
            var stixIds = list.Select(c => c.Stix.Id).Distinct(StringComparer.Ordinal).ToList();
            var owner = group.Key.Owner;
            var objects = await db.IntelObjects.Include(o => o.Record).Where(o => o.OwnerOrganisationId == owner && stixIds.Contains(o.StixId))
                .ToDictionaryAsync(o => o.StixId, StringComparer.Ordinal, cancellationToken);
            var recordIds = objects.Values.Select(o => o.RecordId).ToList();
            var known = (await db.FederationReceived.Where(r => recordIds.Contains(r.RecordId)).Select(r => new { r.RecordId, r.Modified }).ToListAsync(cancellationToken))
                .Select(r => (r.RecordId, r.Modified)).ToHashSet();
            var now = clock.GetUtcNow();
            foreach (var c in list)
            {
                var outcome = byIndex[c.Index];
                if (outcome.Outcome == IntelOutcomeKind.Rejected || !objects.TryGetValue(c.Stix.Id, out var intel))
                {
                    results.Add(new InboxItemResult(c.Index, "refused", outcome.Detail ?? "Not stored."));
                    continue;
                }

                if (known.Add((intel.RecordId, c.Modified)))
                {
                    db.FederationReceived.Add(new FederationReceived
                    {
                        RecordId = intel.RecordId, Modified = c.Modified, PeerId = peer.Id, Provenance = c.Provenance, ObjectJson = c.ObjectJson, ReceivedAt = now,
                    });
                }

                results.Add(new InboxItemResult(c.Index, "accepted", outcome.Outcome.ToString()));
            }

            await db.SaveChangesAsync(cancellationToken);
            // The sender's current audience for the record (narrowed by the hop rules there): the grants here follow it.
            // The grants of the whole group are read in one query; only a record whose audience differs is rewritten.
            var live = objects.Values.Where(o => o.WithdrawnAt is null).ToList();
            var liveIds = live.Select(o => o.RecordId).ToList();
            var grants = (await db.AccessGrants.AsNoTracking().Where(g => liveIds.Contains(g.RecordId)).ToListAsync(cancellationToken)).ToLookup(g => g.RecordId);
            foreach (var intel in live)
            {
                await FollowAudienceAsync(peer, intel, SharingStore.AudienceOf(grants[intel.RecordId]), share.Audience, cancellationToken);
            }
        }

        return results;
    }

    private async Task FollowAudienceAsync(FederationPeer peer, IntelObject intel, IReadOnlyList<ResolvedAudience> current, IReadOnlyList<ResolvedAudience> wanted, CancellationToken cancellationToken)
    {
        static string Key(IEnumerable<ResolvedAudience> a) => string.Join(',', a.Select(e => $"{e.Kind}:{e.OrganisationId}:{e.CommunityId}:{e.UserId}").Order(StringComparer.Ordinal));
        if (Key(current) == Key(wanted))
        {
            return;
        }

        await sharing.ApplyAsync(intel.Record, intel.Record.Tlp, wanted, published: false, cancellationToken);
        // The change outbox (as the store writes it): readers and this node's own pushes to further peers learn of it.
        db.IntelChanges.Add(new IntelChange
        {
            RecordId = intel.RecordId, Kind = IntelChangeKind.Updated, At = clock.GetUtcNow(), Via = IntelChangeVia.Federation, PeerId = peer.Id, AudienceChanged = true,
        });
        audit.Record(AuditEvent.FederationAudienceChangedByPeer, Writer(peer, intel.OwnerOrganisationId), $"intel:{intel.StixId}",
            detail: string.Create(CultureInfo.InvariantCulture, $"{peer.Name}: {current.Count} → {wanted.Count} audience entries"));
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<InboxItemResult> RemoveAsync(FederationPeer peer, int index, JsonObject item, CancellationToken cancellationToken)
    {
        var stixId = item["id"] is JsonValue iv && iv.TryGetValue<string>(out var s) ? s : null;
        var organisation = item["organisation"] is JsonValue ov && ov.TryGetValue<string>(out var o) ? o : null;
        var reason = item["reason"] is JsonValue rv && rv.TryGetValue<string>(out var r) ? r : null;
        if (stixId is null || !StixIdentifier.TryParse(stixId, out _, out _))
        {
            return new InboxItemResult(index, "refused", "id: a STIX id.");
        }

        if (organisation is null || organisation.Length > 64)
        {
            return new InboxItemResult(index, "refused", "organisation: the originating organisation's STIX identity.");
        }

        var owners = await db.FederationPeerOrganisations.AsNoTracking().Where(p => p.StixIdentity == organisation).Select(p => p.OrganisationId).ToListAsync(cancellationToken);
        var intel = await db.IntelObjects.AsNoTracking().Where(x => owners.Contains(x.OwnerOrganisationId) && x.StixId == stixId).FirstOrDefaultAsync(cancellationToken);
        var peerId = peer.Id;
        if (intel is null || !await db.FederationReceived.AnyAsync(x => x.RecordId == intel.RecordId && x.PeerId == peerId, cancellationToken))
        {
            return new InboxItemResult(index, "refused", "No object received from this node has this id.");
        }

        if (intel.WithdrawnAt is null)
        {
            var text = string.IsNullOrWhiteSpace(reason) ? "Removed by the sending node." : reason.Trim();
            // Cut as a whole: a peer's name (up to 63 characters) plus the reason never passes the reason's limit (review finding 12).
            await retraction.WithdrawAsync(Writer(peer, intel.OwnerOrganisationId), stixId, Cut($"From node {peer.Name}: {text}", IntelLimits.ReasonLength), cancellationToken, peer.Id);
            audit.Record(AuditEvent.FederationObjectRemovedByPeer, Writer(peer, intel.OwnerOrganisationId), $"intel:{stixId}", detail: peer.Name);
            await db.SaveChangesAsync(cancellationToken);
        }

        // The versions as received go too (the store dropped its copy's content): the provenance stays — it names only id,
        // version, hash and origin — so the removal can be forwarded to the nodes this node sent the record to.
        var recordId = intel.RecordId;
        await db.FederationReceived.Where(x => x.RecordId == recordId && x.ObjectJson != "").ExecuteUpdateAsync(x => x.SetProperty(v => v.ObjectJson, ""), cancellationToken);
        return new InboxItemResult(index, "accepted", "Removed");
    }

    /// <summary>
    /// A <c>remove-versions</c> item (ADR 18): the owner deleted some versions of an object this peer delivered. Applied only
    /// from the peer that delivered the record, as a removal: the copy here loses those versions through
    /// <see cref="IntelRetraction.DeleteVersionsAsync"/> (the newest remaining one current; every version it holds: withdrawn),
    /// and the versions as received go too, so they are never forwarded. Its own outbox row carries the deletion on to the
    /// peers this node sent the record to. Versions it does not hold are no error (accepted: nothing to do).
    /// </summary>
    private async Task<InboxItemResult> RemoveVersionsAsync(FederationPeer peer, int index, JsonObject item, CancellationToken cancellationToken)
    {
        var stixId = item["id"] is JsonValue iv && iv.TryGetValue<string>(out var s) ? s : null;
        var organisation = item["organisation"] is JsonValue ov && ov.TryGetValue<string>(out var o) ? o : null;
        var reason = item["reason"] is JsonValue rv && rv.TryGetValue<string>(out var r) ? r : null;
        if (stixId is null || !StixIdentifier.TryParse(stixId, out _, out _))
        {
            return new InboxItemResult(index, "refused", "id: a STIX id.");
        }

        if (organisation is null || organisation.Length > 64)
        {
            return new InboxItemResult(index, "refused", "organisation: the originating organisation's STIX identity.");
        }

        var stamps = new List<DateTimeOffset>();
        if (item["versions"] is not JsonArray list || list.Count is 0 or > FederationWire.MaxRemovedVersions)
        {
            return new InboxItemResult(index, "refused", string.Create(CultureInfo.InvariantCulture, $"versions: 1 to {FederationWire.MaxRemovedVersions} STIX timestamps."));
        }

        foreach (var v in list)
        {
            if (v is not JsonValue value || !value.TryGetValue<string>(out var text) || !Timestamps.TryParse(text, out var stamp))
            {
                return new InboxItemResult(index, "refused", "versions: STIX timestamps only.");
            }

            stamps.Add(stamp);
        }

        var owners = await db.FederationPeerOrganisations.AsNoTracking().Where(p => p.StixIdentity == organisation).Select(p => p.OrganisationId).ToListAsync(cancellationToken);
        var intel = await db.IntelObjects.AsNoTracking().Where(x => owners.Contains(x.OwnerOrganisationId) && x.StixId == stixId).FirstOrDefaultAsync(cancellationToken);
        var peerId = peer.Id;
        if (intel is null || !await db.FederationReceived.AnyAsync(x => x.RecordId == intel.RecordId && x.PeerId == peerId, cancellationToken))
        {
            return new InboxItemResult(index, "refused", "No object received from this node has this id.");
        }

        if (intel.WithdrawnAt is not null)
        {
            return new InboxItemResult(index, "accepted", "Removed");
        }

        // Only versions this peer delivered itself: a relay that delivered some version of the record must not delete one
        // another node delivered (a newer, revoked one, say, bringing the object back to life here) — review of the version
        // deletion, H1. Compared to the microsecond, as both providers store them.
        var recordOfIntel = intel.RecordId;
        var delivered = (await db.FederationReceived.AsNoTracking().Where(x => x.RecordId == recordOfIntel && x.PeerId == peerId).Select(x => x.Modified)
            .ToListAsync(cancellationToken)).Select(Microseconds).ToHashSet();
        stamps = [.. stamps.Where(s => delivered.Contains(Microseconds(s)))];
        if (stamps.Count == 0)
        {
            await ForgetDeletedAsync(recordOfIntel, cancellationToken);
            return new InboxItemResult(index, "accepted", "NoSuchVersion");
        }

        var text2 = string.IsNullOrWhiteSpace(reason) ? "Versions deleted by the sending node." : reason.Trim();
        var writer = Writer(peer, intel.OwnerOrganisationId);
        VersionDeletion? deletion;
        try
        {
            deletion = await retraction.DeleteVersionsAsync(writer, stixId, new VersionSelection(false, false, false, stamps), Cut($"From node {peer.Name}: {text2}", IntelLimits.ReasonLength), cancellationToken, peer.Id);
        }
        catch (ConflictException e)
        {
            // The version that would become current here no longer reads back: this item is refused (nothing deleted), the
            // rest of the envelope is applied (review finding 5).
            return new InboxItemResult(index, "refused", Cut(e.Message, 500));
        }

        var recordId = intel.RecordId;
        switch (deletion?.Kind)
        {
            case VersionDeletionKind.Some:
                // The store deleted the received copies of these versions in its own transaction.
                var gone = deletion.Deleted.ToList();
                audit.Record(AuditEvent.FederationVersionsRemovedByPeer, writer, $"intel:{stixId}",
                    detail: string.Create(CultureInfo.InvariantCulture, $"{peer.Name}: {gone.Count} versions"));
                await db.SaveChangesAsync(cancellationToken);
                return new InboxItemResult(index, "accepted", "VersionsRemoved");
            case VersionDeletionKind.All:
                // Every version it held: withdrawn, as a removal would (the versions as received keep only their provenance).
                await db.FederationReceived.Where(x => x.RecordId == recordId && x.ObjectJson != "").ExecuteUpdateAsync(x => x.SetProperty(v => v.ObjectJson, ""), cancellationToken);
                audit.Record(AuditEvent.FederationObjectRemovedByPeer, writer, $"intel:{stixId}", detail: peer.Name);
                await db.SaveChangesAsync(cancellationToken);
                return new InboxItemResult(index, "accepted", "Removed");
            default:
                await ForgetDeletedAsync(recordId, cancellationToken);
                return new InboxItemResult(index, "accepted", "NoSuchVersion");
        }
    }

    /// <summary>
    /// The received copies of versions of <paramref name="recordId"/> that have no content here any more (deleted earlier, the
    /// cleanup lost, or a copy written after the deletion committed): removed, so a redelivered removal still cleans them (review M2).
    /// </summary>
    private async Task ForgetDeletedAsync(long recordId, CancellationToken cancellationToken)
    {
        var versions = db.IntelObjectVersions;
        await db.FederationReceived
            .Where(r => r.RecordId == recordId && versions.Any(v => v.RecordId == recordId && v.Modified == r.Modified && v.Json == null))
            .ExecuteDeleteAsync(cancellationToken);
    }

    private static long Microseconds(DateTimeOffset t) => t.UtcTicks / 10;

    private static string Cut(string? text, int length) => text is null ? "" : text.Length <= length ? text : text[..length];
}
