using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;

namespace Rampart.Server.Intelligence.Read;

/// <summary>What an entry of an object's history says happened.</summary>
public enum IntelHistoryKind
{
    /// <summary>The record was created on this node (its first version arrived).</summary>
    Added = 1,

    /// <summary>A version was stored (newer, or an older one that raised the TLP: then the TLP fields are set).</summary>
    NewVersion = 2,

    Revoked = 3,

    Withdrawn = 4,

    /// <summary>Someone reported a sighting: never who (the sightings' own sharing decides that, on the sightings list).</summary>
    SightingReported = 5,

    /// <summary>The record's audience was replaced (federation: the grants follow the sender's audience).</summary>
    AudienceChanged = 6,

    /// <summary>The owner deleted some versions; the newest remaining one is current (all of them is <see cref="Withdrawn"/>).</summary>
    VersionsDeleted = 7,
}

/// <summary>
/// One entry of an object's history, as this reader may see it. <see cref="JobId"/> only for readers of the owner
/// organisation (job results are the owner's); the peer node is named for federated changes; a withdrawal carries its reason.
/// </summary>
public sealed record IntelHistoryEntry(
    DateTimeOffset At,
    IntelHistoryKind Kind,
    IntelChangeVia? Via,
    IntelImportFormat? Format,
    Guid? JobId,
    string? PeerNode,
    Tlp? TlpBefore,
    Tlp? TlpAfter,
    string? Reason);

public sealed partial class IntelQueries
{
    /// <summary>
    /// The history of a readable object (from <see cref="FindAsync"/>): its outbox rows, newest first, before
    /// <paramref name="beforeSequence"/>; one range of IX_IntelChanges_RecordId_Sequence per page. Returns the position of
    /// the last entry for the next page.
    /// </summary>
    public async Task<(IReadOnlyList<IntelHistoryEntry> Entries, long? Next)> HistoryAsync(Caller caller, IntelObject readable, long? beforeSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(readable);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var changes = db.IntelChanges;
        var recordId = readable.RecordId;
        var query = changes.AsNoTracking().Where(c => c.RecordId == recordId);
        if (beforeSequence is { } before)
        {
            query = query.Where(c => c.Sequence < before);
        }

        var rows = await query.OrderByDescending(c => c.Sequence).Take(limit + 1).ToListAsync(cancellationToken);
        var page = rows.Take(limit).ToList();
        var jobIds = page.Where(c => c.JobId is not null).Select(c => c.JobId!.Value).Distinct().ToList();
        var jobs = db.IntelImportJobs;
        var formats = jobIds.Count == 0 ? new Dictionary<Guid, IntelImportFormat>() : await jobs.AsNoTracking().Where(j => jobIds.Contains(j.Id))
            .ToDictionaryAsync(j => j.Id, j => j.Format, cancellationToken);
        var peerIds = page.Where(c => c.PeerId is not null).Select(c => c.PeerId!.Value).Distinct().ToList();
        var peers = db.FederationPeers;
        var peerNames = peerIds.Count == 0 ? new Dictionary<Guid, string>() : await peers.AsNoTracking().Where(p => peerIds.Contains(p.Id))
            .ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        var owner = caller.IsAuthenticated && caller.OrganisationId == readable.OwnerOrganisationId;
        var entries = page.Select(c => new IntelHistoryEntry(
            c.At,
            KindOf(c),
            c.Kind == IntelChangeKind.Sighted ? null : c.Via,
            c.JobId is { } job && formats.TryGetValue(job, out var format) ? format : null,
            owner ? c.JobId : null,
            c.PeerId is { } peer && peerNames.TryGetValue(peer, out var name) ? name : null,
            c.TlpBefore,
            c.TlpBefore is null ? null : c.TlpAfter,
            c.Kind == IntelChangeKind.Withdrawn ? readable.WithdrawnReason : null)).ToList();
        return (entries, rows.Count > limit ? page[^1].Sequence : null);
    }

    private static IntelHistoryKind KindOf(IntelChange c) => c.Kind switch
    {
        IntelChangeKind.Added => IntelHistoryKind.Added,
        IntelChangeKind.Revoked => IntelHistoryKind.Revoked,
        IntelChangeKind.Withdrawn => IntelHistoryKind.Withdrawn,
        IntelChangeKind.Sighted => IntelHistoryKind.SightingReported,
        IntelChangeKind.VersionsDeleted => IntelHistoryKind.VersionsDeleted,
        _ when c.AudienceChanged => IntelHistoryKind.AudienceChanged,
        _ => IntelHistoryKind.NewVersion,
    };
}
