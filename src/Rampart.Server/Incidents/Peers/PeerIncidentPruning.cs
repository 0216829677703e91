using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Data;
using Rampart.Server.Scheduling;

namespace Rampart.Server.Incidents.Peers;

/// <summary>Settings of incidents across nodes (ADR 17), section <c>Rampart:PeerIncidents</c>.</summary>
public sealed class PeerIncidentOptions
{
    public const string Section = "Rampart:PeerIncidents";

    /// <summary>
    /// How long what is left of an ended participation is kept: on the participant's node the ended copy (number, TLP, role,
    /// dates, grant, the organisation's requests); on the owner's node what it last sent that peer. Default 90 days.
    /// </summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);
}

/// <summary>
/// Prunes what ended participations leave behind (review L9), on the durable scheduler (ADR 11), hourly, in batches:
/// ended <see cref="PeerIncident"/> copies not updated for <see cref="PeerIncidentOptions.Retention"/> — their shared record,
/// so the grant, the journal rows and the commands go with it — and, on the owner's node, <see cref="IncidentPeerSent"/>
/// rows of participations that ended and were acknowledged as ended that long ago (an organisation invited again is
/// then sent the invitation as new); the owner's record of peers' commands (<see cref="IncidentPeerCommandApplied"/>) older
/// than the retention; and on the participant's node, commands still pending after the retention are given up (refused, with
/// the reason), so the owner's node never applies one whose record it has pruned — and at once when the owner's node was
/// removed as a peer since. Copies of a removed peer's incidents are pruned like ended ones, a retention after their last view.
/// </summary>
public sealed partial class PeerIncidentPruneJob(RampartDb db, IOptions<PeerIncidentOptions> options, TimeProvider clock, ILogger<PeerIncidentPruneJob> logger) : IScheduledJob
{
    public const string JobName = "incidents.peer-prune";

    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>Rows deleted per statement.</summary>
    public const int Batch = 500;

    public async Task RunAsync(CancellationToken cancellationToken) => await PruneAsync(cancellationToken);

    /// <summary>Prunes everything older than the retention; the number of copies, sent rows and applied commands deleted.</summary>
    public async Task<(int Copies, int Sent, int Commands)> PruneAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow() - options.Value.Retention;
        var copies = db.PeerIncidents;
        var records = db.SharedRecords;
        var peers = db.FederationPeers;
        int prunedCopies = 0, prunedSent = 0;
        // Ended copies (the (State, UpdatedAt) index), then copies of a peer this node's operators removed, in any state:
        // they stay readable as they were, with no further view ever coming, for the same retention after the last view.
        foreach (var removedPeer in new[] { false, true })
        {
            while (true)
            {
                var candidates = removedPeer
                    ? copies.AsNoTracking().Where(c => c.UpdatedAt < cutoff && !peers.Any(p => p.Id == c.PeerId))
                    : copies.AsNoTracking().Where(c => c.State == PeerIncidentState.Ended && c.UpdatedAt < cutoff);
                var ids = await candidates.OrderBy(c => c.RecordId).Select(c => c.RecordId).Take(Batch).ToListAsync(cancellationToken);
                if (ids.Count == 0)
                {
                    break;
                }

                // The copy, its grant, journal, commands, board facts and deadlines are the record's dependants (cascade).
                await records.Where(r => ids.Contains(r.Id)).ExecuteDeleteAsync(cancellationToken);
                prunedCopies += ids.Count;
            }
        }

        var sentRows = db.IncidentPeerSent;
        var participants = db.IncidentParticipants;
        var open = new[] { InvitationStatus.Invited, InvitationStatus.Accepted };
        while (true)
        {
            var keys = await sentRows.AsNoTracking().Where(s => s.Ended && s.SentAt < cutoff
                    && !participants.Any(p => p.IncidentRecordId == s.IncidentRecordId && p.OrganisationId == s.OrganisationId && open.Contains(p.Status)))
                .OrderBy(s => s.PeerId).ThenBy(s => s.IncidentRecordId).ThenBy(s => s.OrganisationId).Take(Batch)
                .Select(s => new { s.PeerId, s.IncidentRecordId, s.OrganisationId }).ToListAsync(cancellationToken);
            if (keys.Count == 0)
            {
                break;
            }

            foreach (var k in keys)
            {
                prunedSent += await sentRows.Where(s => s.PeerId == k.PeerId && s.IncidentRecordId == k.IncidentRecordId && s.OrganisationId == k.OrganisationId && s.Ended)
                    .ExecuteDeleteAsync(cancellationToken);
            }
        }

        // Peers' commands answered that long ago (index on AppliedAt). A peer re-sending one later would have it applied again,
        // so its own node gives up pending commands after the same retention (below): the two never overlap.
        var applied = db.IncidentPeerCommandsApplied;
        var prunedCommands = await applied.Where(a => a.AppliedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var pending = db.PeerIncidentCommands;
        var givenUp = await pending.Where(c => c.State == PeerCommandState.Pending && c.CreatedAt < cutoff)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.State, PeerCommandState.Refused)
                .SetProperty(c => c.Detail, "Not delivered to the owner's node within the retention of incidents across nodes; ask again.")
                .SetProperty(c => c.AnsweredAt, now), cancellationToken);
        // Commands recorded for a copy whose owner's node was removed since (asked from a path that records before sending):
        // nobody will ever take them, so they are refused with the reason rather than waiting for the retention.
        var removedCopies = copies.Where(c => !peers.Any(p => p.Id == c.PeerId)).Select(c => c.RecordId);
        givenUp += await pending.Where(c => c.State == PeerCommandState.Pending && removedCopies.Contains(c.PeerIncidentRecordId))
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.State, PeerCommandState.Refused).SetProperty(c => c.Detail, PeerNodeRemoval.NoLongerAPeer)
                .SetProperty(c => c.AnsweredAt, now), cancellationToken);
        if (prunedCopies + prunedSent + prunedCommands + givenUp > 0)
        {
            LogPruned(logger, prunedCopies, prunedSent, prunedCommands, givenUp);
        }

        return (prunedCopies, prunedSent, prunedCommands);
    }

    [LoggerMessage(EventId = 873, Level = LogLevel.Information, Message = "Pruned {Copies} ended peer incident copies, {Sent} ended sent rows and {Commands} applied peer commands; gave up {GivenUp} undelivered commands")]
    private static partial void LogPruned(ILogger logger, int copies, int sent, int commands, int givenUp);
}
