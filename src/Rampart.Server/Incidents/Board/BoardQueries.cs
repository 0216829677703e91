using Rampart.Server.Access;
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
    bool MoreDeadlines);

/// <summary>
/// Builds the board from the two readers that already go through the access decision: <see cref="IncidentQueries"/>
/// (counts computed by the database over the readable set, and the open-incident list) and <see cref="ClockQueries"/>
/// (the caller's due list). It reads no table itself.
/// </summary>
public sealed class BoardQueries(IncidentQueries incidents, ClockQueries clocks, TimeProvider clock)
{
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
        return new BoardView(now, counts.Open, counts.BySeverity, counts.BySector, counts.ByCountry, counts.ByRsitCategory,
            open.Select(r => new BoardIncident(r.Incident.Id, r.Incident.HumanId, r.Incident.Title, r.Incident.Status, r.Incident.Severity, r.Incident.Sector,
                r.Incident.Record.Tlp, r.Incident.Countries.Select(c => c.Country).Order(StringComparer.Ordinal).ToList(),
                r.Incident.Classifications.Select(c => c.Category).Distinct().Order(StringComparer.Ordinal).ToList(), r.Incident.AwareAt,
                r.Incident.Record.OwnerOrganisationId)).ToList(),
            more,
            urgent,
            // More urgent ones may follow when the whole window was urgent.
            moreDue && urgent.Count == due.Count);
    }

    /// <summary>Moves whenever any incident changed (see <see cref="IncidentQueries.ChangeStampAsync"/>).</summary>
    public Task<long> ChangeStampAsync(CancellationToken cancellationToken) => incidents.ChangeStampAsync(cancellationToken);
}
