using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Incidents.Clocks;
using Rampart.Standards.Incidents;
using Rampart.Standards.Markings;

namespace Rampart.Server.Incidents.Board;

/// <summary>An open incident on the board (what the incident list shows of it).</summary>
public sealed record BoardIncident(
    Guid Id,
    string Number,
    string Title,
    IncidentStatus Status,
    IncidentSeverity Severity,
    string Sector,
    Tlp Tlp,
    IReadOnlyList<string> Countries,
    IReadOnlyList<string> RsitCategories,
    DateTimeOffset AwareAt,
    Guid OwnerOrganisationId);

/// <summary>
/// The situation board at one instant: the open incidents the caller may read, counted by severity, sector, country and
/// RSIT category; the newest of them; and the caller's deadlines that are overdue or due within 6 hours.
/// </summary>
public sealed record BoardView(
    DateTimeOffset At,
    int Open,
    IReadOnlyList<AggregateCount> BySeverity,
    IReadOnlyList<AggregateCount> BySector,
    IReadOnlyList<AggregateCount> ByCountry,
    IReadOnlyList<AggregateCount> ByRsitCategory,
    IReadOnlyList<BoardIncident> Newest,
    bool MoreIncidents,
    IReadOnlyList<DueItem> Deadlines,
    bool MoreDeadlines,
    IReadOnlyList<Peers.BoardPeerIncident>? PeerCopies = null,
    bool MorePeerCopies = false);

/// <summary>
/// What the live board compares to know whether to read itself again (<see cref="BoardQueries.ChangeStampAsync"/>): how many
/// open incidents the viewer may read, and the newest journal entry the viewer would see on them. Compared, never shown.
/// </summary>
public readonly record struct BoardStamp(int Open, long NewestEntry, long PeerStamps = 0);

/// <summary>
/// Builds the board from the two readers that already go through the access decision: <see cref="IncidentQueries"/>
/// (counts computed by the database over the readable set, and the open-incident list) and <see cref="ClockQueries"/>
/// (the caller's due list). Its own query, the change stamp, goes through <see cref="AccessPolicy"/> as well.
/// </summary>
public sealed class BoardQueries(IncidentQueries incidents, ClockQueries clocks, RampartDb db, AccessPolicy access, TimeProvider clock, Peers.PeerIncidentBoard peers)
{
    private static readonly string[] RequestEventCodes =
    [
        Requests.AssistanceEvents.Sent, Requests.AssistanceEvents.Acknowledged, Requests.AssistanceEvents.Accepted,
        Requests.AssistanceEvents.Declined, Requests.AssistanceEvents.Answered, Requests.AssistanceEvents.Withdrawn,
    ];

    /// <summary>How many deadlines of the due list the board looks at (earliest first, so overdue ones first).</summary>
    public const int DeadlineWindow = 50;

    public async Task<BoardView> BoardAsync(Caller caller, int limit, TimeZoneInfo? zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var now = clock.GetUtcNow();
        var counts = await incidents.OpenAggregatesAsync(caller, cancellationToken);
        var (open, more) = counts.Open == 0
            ? ([], false)
            : await incidents.ListAsync(caller, new IncidentFilter(OpenOnly: true), null, limit, cancellationToken);
        var (due, moreDue) = await clocks.DueAsync(caller, null, DeadlineWindow, zone, cancellationToken);
        var urgent = due.Where(d => d.State is DeadlineState.Overdue or DeadlineState.DueSoon).ToList();
        // The copies of peer nodes' incidents the caller's organisation takes part in (ADR 17), counted with the incidents
        // of this node under the same keys, listed apart (their pages are the copies').
        var fromPeers = await peers.BoardAsync(caller, limit, cancellationToken);
        return new BoardView(now, counts.Open + fromPeers.Open,
            Merge(counts.BySeverity, fromPeers.BySeverity, bySeverity: true), Merge(counts.BySector, fromPeers.BySector),
            Merge(counts.ByCountry, fromPeers.ByCountry), Merge(counts.ByRsitCategory, fromPeers.ByRsitCategory),
            open.Select(r => new BoardIncident(r.Incident.Id, r.Incident.HumanId, r.Incident.Title, r.Incident.Status, r.Incident.Severity, r.Incident.Sector,
                r.Incident.Record.Tlp, r.Incident.Countries.Select(c => c.Country).Order(StringComparer.Ordinal).ToList(),
                r.Incident.Classifications.Select(c => c.Category).Distinct().Order(StringComparer.Ordinal).ToList(), r.Incident.AwareAt,
                r.Incident.Record.OwnerOrganisationId)).ToList(),
            more,
            urgent,
            // More urgent ones may follow when the whole window was urgent.
            moreDue && urgent.Count == due.Count,
            fromPeers.Newest,
            fromPeers.More);
    }

    /// <summary>Counts of this node's incidents and of the copies under one key each: severities most severe first, the others by count.</summary>
    private static IReadOnlyList<AggregateCount> Merge(IReadOnlyList<AggregateCount> local, IReadOnlyList<AggregateCount> fromPeers, bool bySeverity = false)
    {
        if (fromPeers.Count == 0)
        {
            return local;
        }

        var sums = local.Concat(fromPeers).GroupBy(c => c.Key, StringComparer.Ordinal).Select(g => new AggregateCount(g.Key, g.Sum(c => c.Count)));
        return bySeverity
            ? [.. sums.OrderByDescending(c => Enum.TryParse<IncidentSeverity>(c.Key.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var s) ? (int)s : -1)]
            : [.. sums.OrderByDescending(c => c.Count).ThenBy(c => c.Key, StringComparer.Ordinal)];
    }

    /// <summary>
    /// The caller's change stamp: moves when an open incident the caller may read changes (every change writes a journal
    /// entry, from the opening on) or when the set of those incidents changes (one opened, closed, shared with the caller or
    /// no longer) — and for nothing else. Only entries the caller would see in the incident's journal count
    /// (<see cref="IncidentQueries.JournalAsync"/>'s rules: owner-only entries for the owner, request events for who sees the
    /// request), so the board's re-reads tell nobody how busy incidents or entries hidden from them are (it was the journal's
    /// newest id node-wide, which did). Cost: the readable open incidents through the access decision on the
    /// <c>(Status, RecordId)</c> index, and per incident one backward step on the journal's <c>(IncidentRecordId, Id)</c> index.
    /// </summary>
    public async Task<BoardStamp> ChangeStampAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var open = access.Readable(db.Incidents.AsNoTracking().Where(i => i.Status <= IncidentStatus.Resolved), caller);
        var count = await open.CountAsync(cancellationToken);
        var (peerOpen, peerStamps) = await peers.StampAsync(caller, cancellationToken);
        if (count == 0)
        {
            return new BoardStamp(peerOpen, 0, peerStamps);
        }

        var organisation = caller.IsAuthenticated && !caller.IsOperator ? caller.OrganisationId : Guid.Empty;
        var journal = db.IncidentJournal;
        var coordinators = db.IncidentParticipants.Where(p => p.OrganisationId == organisation && p.Status == InvitationStatus.Accepted && p.Role == ParticipantRole.Coordinator);
        var codes = RequestEventCodes;
        var newest = await open.Select(i => journal
                .Where(e => e.IncidentRecordId == i.RecordId
                    && (!e.OwnerOnly || i.Record.OwnerOrganisationId == organisation)
                    && (e.Event == null || !codes.Contains(e.Event)
                        || i.Record.OwnerOrganisationId == organisation
                        || coordinators.Any(p => p.IncidentRecordId == i.RecordId)
                        || (organisation != Guid.Empty && (e.SubjectOrganisationId == organisation || e.RequesterOrganisationId == organisation
                            || (e.RequesterOrganisationId == null && e.AuthorOrganisationId == organisation)))))
                .Max(e => (long?)e.Id))
            .MaxAsync(cancellationToken) ?? 0;
        return new BoardStamp(count + peerOpen, newest, peerStamps);
    }
}
