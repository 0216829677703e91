using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Federation;

namespace Rampart.Server.Incidents.Peers;

/// <summary>
/// Incidents across nodes when this node's operators remove a peer (ADR 17), on both sides, in the removal's transaction:
/// <list type="bullet">
/// <item>as the owner's node: the participations accepted through that peer end (<see cref="IncidentEditing.EndParticipationsThroughPeerAsync"/>),
/// and what was sent to it is forgotten (nothing more goes there: the peer is gone);</item>
/// <item>as the participant's node: the copies of that peer's incidents stay readable, as they were, to the organisation
/// each is for (what it sent stays, as for intelligence), and the commands still waiting for it are refused with
/// <see cref="NoLongerAPeer"/> — new ones get a 409 (<see cref="PeerWriteGuard"/>).</item>
/// </list>
/// Suspension changes nothing stored: the sync job sends nothing to a suspended peer and its requests are refused (401),
/// commands wait, and everything resumes with it.
/// </summary>
public sealed partial class PeerNodeRemoval(RampartDb db, IncidentEditing editing, IncidentPeerSync sync, TimeProvider clock, ILogger<PeerNodeRemoval> logger) : IPeerRemoval
{
    public const string NoLongerAPeer = "The owner's node is no longer a peer of this node: nothing can be sent to it.";

    /// <summary>How long the owner's node tries to tell a peer being removed that its participations end.</summary>
    public static readonly TimeSpan FarewellWithin = TimeSpan.FromSeconds(20);

    /// <summary>
    /// As the owner's node, before the removal: the peer is told that every participation it holds ends (its copies show
    /// them ended, their content no longer), so its people do not go on working in a copy nobody reads any more. Best effort:
    /// an unreachable or already-parted peer hears nothing, and its copies end only when pruned.
    /// </summary>
    public async Task BeforeRemovingAsync(FederationPeer peer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (peer.State != PeerState.Active)
        {
            return;
        }

        using var within = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        within.CancelAfter(FarewellWithin);
        try
        {
            var told = await sync.FarewellAsync(peer.Id, within.Token);
            LogFarewell(logger, peer.Name, told.Accepted, told.Error ?? "");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            LogFarewell(logger, peer.Name, 0, "The peer did not answer in time.");
        }
        catch (Exception e) when (e is HttpRequestException or FederationPushException or System.Text.Json.JsonException or DbUpdateException or System.Data.Common.DbException
            && !cancellationToken.IsCancellationRequested)
        {
            // Best effort: the removal goes on; the peer's copies end when pruned.
            db.ChangeTracker.Clear();
            LogFarewellFailed(logger, peer.Name, e.GetType().Name, e.Message);
        }
    }

    public async Task RemovingAsync(Caller caller, FederationPeer peer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var peerId = peer.Id;
        await editing.EndParticipationsThroughPeerAsync(caller, peerId, cancellationToken);
        await db.IncidentPeerSent.Where(s => s.PeerId == peerId).ExecuteDeleteAsync(cancellationToken);

        var now = clock.GetUtcNow();
        var copies = db.PeerIncidents.Where(c => c.PeerId == peerId).Select(c => c.RecordId);
        await db.PeerIncidentCommands.Where(c => c.State == PeerCommandState.Pending && copies.Contains(c.PeerIncidentRecordId))
            .ExecuteUpdateAsync(x => x.SetProperty(c => c.State, PeerCommandState.Refused).SetProperty(c => c.Detail, NoLongerAPeer)
                .SetProperty(c => c.AnsweredAt, (DateTimeOffset?)now), cancellationToken);
    }

    [LoggerMessage(EventId = 876, Level = LogLevel.Information, Message = "Removing peer {Peer}: {Accepted} participations told they end; {Error}")]
    private static partial void LogFarewell(ILogger logger, string peer, int accepted, string error);

    [LoggerMessage(EventId = 877, Level = LogLevel.Warning, Message = "Removing peer {Peer}: telling it that its participations end failed: {Error}: {Message}")]
    private static partial void LogFarewellFailed(ILogger logger, string peer, string error, string message);
}
