using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;
using Rampart.Server.Federation;
using Rampart.Server.Validation;

namespace Rampart.Server.Incidents.Peers;

/// <summary>
/// Writes from a copy (accept, decline, leave, journal, tasks, requests, status, stage reports) whose owner's node this
/// node's operators suspended or removed as a peer are refused at once with 409 and the reason (ADR 17), instead of a
/// command waiting for a node this one no longer talks to. Checked by <see cref="PeerIncidentCommands"/> after the access
/// decision (everyone who may not read the copy gets 404, as before), so the page and the API refuse alike.
/// </summary>
public static class PeerWriteGuard
{
    public const string Suspended = "The owner's node is suspended as a peer of this node: nothing is sent to it until this node's operators resume it.";

    /// <summary>Throws <see cref="ConflictException"/> (409) when <paramref name="peerId"/> is not an active peer of this node.</summary>
    public static async Task EnsureOwnerReachableAsync(RampartDb db, Guid peerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var state = await db.FederationPeers.AsNoTracking().Where(p => p.Id == peerId).Select(p => (PeerState?)p.State).FirstOrDefaultAsync(cancellationToken);
        if (state != PeerState.Active)
        {
            throw new ConflictException(state is null ? PeerNodeRemoval.NoLongerAPeer : Suspended);
        }
    }
}
