using Rampart.Server.Access;

namespace Rampart.Server.Federation;

/// <summary>
/// A feature that keeps state per peer and must act when this node's operators remove the peer (incidents across nodes,
/// ADR 17: the participations that came through it end, the commands waiting for it are refused). Called by
/// <see cref="FederationPeers.RemoveAsync"/> inside its transaction, before the peer and its declared organisations go,
/// so the removal and what follows from it commit together.
/// </summary>
public interface IPeerRemoval
{
    /// <summary>
    /// Before the removal's transaction, while the peer is still one: what the feature tells the peer for the last time
    /// (best effort, bounded in time: the removal goes on whatever the peer answers).
    /// </summary>
    Task BeforeRemovingAsync(FederationPeer peer, CancellationToken cancellationToken) => Task.CompletedTask;

    Task RemovingAsync(Caller caller, FederationPeer peer, CancellationToken cancellationToken);
}
