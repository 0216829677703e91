using Rampart.Server.Access;
using Rampart.Standards.Markings;

namespace Rampart.Server.Incidents.Clocks;

/// <summary>
/// A running deadline of a peer node's incident on this node's due list (ADR 17: a task of the copy assigned to the caller's
/// organisation): <see cref="IncidentId"/> is the copy's id (its page is <c>/incidents/peer/{id}</c>), <see cref="Node"/> the
/// owner's node.
/// </summary>
public sealed record PeerDueRow(long Position, Guid IncidentId, string Number, string Title, Tlp Tlp, Guid TaskId, string Label, DateTimeOffset DueAt, string? Duty, string Node);

/// <summary>The copies' deadlines, read through the access decision by the feature that owns the copies (<c>Incidents/Peers/</c>).</summary>
public interface IPeerDeadlines
{
    /// <summary>The caller's rows after <paramref name="after"/> in the due list's order, at most <paramref name="take"/>.</summary>
    Task<IReadOnlyList<PeerDueRow>> DueAsync(Caller caller, (DateTimeOffset Due, long Position)? after, int take, CancellationToken cancellationToken);
}

/// <summary>
/// One keyset over two tables: the due list is ordered by (due time, position); this node's rows keep their id as position
/// (positive), a copy's row gets its id shifted far below zero, so at the same due time the copies' rows come first and a
/// cursor names exactly one row of either table.
/// </summary>
public static class PeerDuePositions
{
    private const long Offset = long.MinValue / 2;

    public static long Of(long peerDeadlineId) => peerDeadlineId + Offset;

    public static bool IsPeer(long position) => position < 0;

    public static long IdOf(long position) => position - Offset;
}
