using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Standards.Federation;

namespace Rampart.Server.Federation;

/// <summary>What receiving an object's provenance concluded; <see cref="Accepted"/> only when every check passed.</summary>
public sealed record ProvenanceCheck(ProvenanceVerdict Verdict, bool SpeaksForOrganisation, FederationPeer? Origin, Guid? OriginOrganisation)
{
    public bool Accepted => Verdict == ProvenanceVerdict.Valid && SpeaksForOrganisation;
}

/// <summary>
/// Whom this node believes: the keys of confirmed, active peers only (an unconfirmed, suspended or removed peer is an
/// unknown key). Checks provenance on receipt — signatures, object hash, loops, the delivering peer — and that the origin
/// node may speak for the organisation it names (one declared to live on it); a refusal is audited.
/// The sync job (next step, over TAXII) calls <see cref="CheckAsync"/> for every object it receives.
/// </summary>
public sealed class FederationTrust(RampartDb db, NodeIdentity identity, AuditTrail audit, TimeProvider clock)
{
    /// <param name="deliveringPeer">The peer the object came from (the connection it was pulled from or pushed by).</param>
    public async Task<ProvenanceCheck> CheckAsync(ProvenanceDocument document, JsonElement stixObject, Guid deliveringPeer, CancellationToken cancellationToken) =>
        await CheckAsync(await KeysAsync(cancellationToken), document, stixObject, deliveringPeer, cancellationToken);

    /// <summary>
    /// What <see cref="CheckAsync(TrustedKeys, ProvenanceDocument, JsonElement, Guid, CancellationToken)"/> needs from the
    /// database, read once: the confirmed, active peers (their keys) and the organisations declared on them. An envelope
    /// reads it once for all its items (they arrive in one request, over which peers and declarations do not change);
    /// a longer run reads it again per batch.
    /// </summary>
    public async Task<TrustedKeys> KeysAsync(CancellationToken cancellationToken)
    {
        var self = await identity.IdAsync(cancellationToken);
        var active = await db.FederationPeers.AsNoTracking().Where(p => p.State == PeerState.Active).ToListAsync(cancellationToken);
        var activeIds = active.Select(p => p.Id).ToList();
        var declared = await db.FederationPeerOrganisations.AsNoTracking().Where(o => activeIds.Contains(o.PeerId))
            .Select(o => new { o.PeerId, o.StixIdentity, o.OrganisationId }).ToListAsync(cancellationToken);
        return new TrustedKeys(self, active, declared.ToDictionary(d => (d.PeerId, d.StixIdentity), d => d.OrganisationId));
    }

    /// <summary>The check of <see cref="CheckAsync(ProvenanceDocument, JsonElement, Guid, CancellationToken)"/> against keys read before.</summary>
    public async Task<ProvenanceCheck> CheckAsync(TrustedKeys keys, ProvenanceDocument document, JsonElement stixObject, Guid deliveringPeer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(document);
        // Only a confirmed, active peer is in the keys: a suspended or removed one, or an unknown id, is an unknown key.
        var sender = keys.Active.FirstOrDefault(p => p.Id == deliveringPeer);

        ProvenanceVerdict verdict;
        if (sender is null)
        {
            verdict = ProvenanceVerdict.UnknownKey;
        }
        else
        {
            verdict = document.Verify(stixObject, keys.Self, new NodeId(sender.Name, sender.Fingerprint), keys.KeyOf);
        }

        var origin = keys.Active.FirstOrDefault(p => p.Fingerprint == document.Origin.Fingerprint);
        Guid? organisation = null;
        if (verdict == ProvenanceVerdict.Valid && origin is not null && keys.Declared.TryGetValue((origin.Id, document.Organisation.Identity), out var declared))
        {
            organisation = declared;
        }

        var check = new ProvenanceCheck(verdict, organisation is not null, origin, organisation);
        if (!check.Accepted)
        {
            var why = verdict != ProvenanceVerdict.Valid ? verdict.ToString() : "OrganisationNotOfOrigin";
            var from = sender?.Name ?? await db.FederationPeers.AsNoTracking().Where(p => p.Id == deliveringPeer).Select(p => p.Name).FirstOrDefaultAsync(cancellationToken);
            await AuditOnceAsync(deliveringPeer, document, why, $"{why}; from {from ?? deliveringPeer.ToString()}; origin {document.Origin.Name}; organisation {document.Organisation.Identity}", cancellationToken);
        }

        return check;
    }

    /// <summary>
    /// Audits a refusal once per delivering peer, object version and reason (<see cref="FederationInboxRefusal"/>): a peer
    /// that retries, or sends thousands of objects refused for one reason, leaves one entry per version, not one per attempt.
    /// </summary>
    private async Task AuditOnceAsync(Guid deliveringPeer, ProvenanceDocument document, string why, string detail, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var stixId = document.ObjectId.Length <= Intelligence.Store.IntelLimits.StixIdLength ? document.ObjectId : document.ObjectId[..Intelligence.Store.IntelLimits.StixIdLength];
        var modified = document.ObjectModified.Length <= 40 ? document.ObjectModified : document.ObjectModified[..40];
        var known = await db.FederationInboxRefusals.FirstOrDefaultAsync(r => r.PeerId == deliveringPeer && r.StixId == stixId && r.Modified == modified, cancellationToken);
        if (known is null && await db.FederationPeers.AnyAsync(p => p.Id == deliveringPeer, cancellationToken))
        {
            db.FederationInboxRefusals.Add(new FederationInboxRefusal { PeerId = deliveringPeer, StixId = stixId, Modified = modified, Reason = why, Times = 1, FirstAt = now, LastAt = now });
        }
        else if (known is not null)
        {
            known.Times++;
            known.LastAt = now;
            if (known.Reason == why)
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }

            known.Reason = why;
        }

        audit.Record(AuditEvent.FederationProvenanceRejected, Caller.Operator(), $"stix:{document.ObjectId}", AuditOutcome.Denied, detail);
        await db.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>
/// The keys and declarations <see cref="FederationTrust"/> checks against, read once (<see cref="FederationTrust.KeysAsync"/>):
/// this node's id, the confirmed, active peers, and which organisation each active peer's declared STIX identity stands for.
/// </summary>
public sealed class TrustedKeys
{
    private readonly Dictionary<NodeId, NodePublicKey> keys;

    public TrustedKeys(NodeId self, IReadOnlyList<FederationPeer> active, IReadOnlyDictionary<(Guid PeerId, string Identity), Guid> declared)
    {
        Self = self;
        Active = active;
        Declared = declared;
        keys = new Dictionary<NodeId, NodePublicKey>();
        foreach (var p in active)
        {
            keys[new NodeId(p.Name, p.Fingerprint)] = new NodePublicKey(p.PublicKey);
        }
    }

    public NodeId Self { get; }

    public IReadOnlyList<FederationPeer> Active { get; }

    public IReadOnlyDictionary<(Guid PeerId, string Identity), Guid> Declared { get; }

    /// <summary>The key of an active peer by its node id (name and fingerprint), or null.</summary>
    public NodePublicKey? KeyOf(NodeId node) => keys.GetValueOrDefault(node);
}
