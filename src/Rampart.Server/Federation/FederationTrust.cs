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
    public async Task<ProvenanceCheck> CheckAsync(ProvenanceDocument document, JsonElement stixObject, Guid deliveringPeer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var self = await identity.IdAsync(cancellationToken);
        var fingerprints = document.Hops.Select(h => h.Node.Fingerprint).Append(document.Origin.Fingerprint).ToList();
        var active = await db.FederationPeers.AsNoTracking()
            .Where(p => fingerprints.Contains(p.Fingerprint) && p.State == PeerState.Active).ToListAsync(cancellationToken);
        var sender = await db.FederationPeers.AsNoTracking().FirstOrDefaultAsync(p => p.Id == deliveringPeer, cancellationToken);

        ProvenanceVerdict verdict;
        if (sender is null || sender.State != PeerState.Active)
        {
            verdict = ProvenanceVerdict.UnknownKey;
        }
        else
        {
            var keys = active.ToDictionary(p => new NodeId(p.Name, p.Fingerprint), p => new NodePublicKey(p.PublicKey));
            verdict = document.Verify(stixObject, self, new NodeId(sender.Name, sender.Fingerprint), n => keys.GetValueOrDefault(n));
        }

        var origin = active.FirstOrDefault(p => p.Fingerprint == document.Origin.Fingerprint);
        Guid? organisation = null;
        if (verdict == ProvenanceVerdict.Valid && origin is not null)
        {
            var identityId = document.Organisation.Identity;
            var originId = origin.Id;
            organisation = await db.FederationPeerOrganisations.AsNoTracking()
                .Where(o => o.PeerId == originId && o.StixIdentity == identityId).Select(o => (Guid?)o.OrganisationId).FirstOrDefaultAsync(cancellationToken);
        }

        var check = new ProvenanceCheck(verdict, organisation is not null, origin, organisation);
        if (!check.Accepted)
        {
            var why = verdict != ProvenanceVerdict.Valid ? verdict.ToString() : "OrganisationNotOfOrigin";
            await AuditOnceAsync(deliveringPeer, document, why, $"{why}; from {sender?.Name ?? deliveringPeer.ToString()}; origin {document.Origin.Name}; organisation {document.Organisation.Identity}", cancellationToken);
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
