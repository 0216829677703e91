using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Standards.Markings;

namespace Rampart.Server.Incidents.Requests;

public sealed record AssistanceRecipientView(Guid Id, Guid OrganisationId, string OrganisationName, AssistanceState State, string? Reason, string? Answer, DateTimeOffset ModifiedAt);

/// <summary>A request as one of its readers sees it: the asked organisations see their own copy; requester, owner and coordinators see every copy.</summary>
public sealed record AssistanceView(
    Guid Id,
    Guid IncidentId,
    string Number,
    string IncidentTitle,
    Tlp Tlp,
    AssistanceKind Kind,
    string Title,
    string Details,
    DateTimeOffset? DueAt,
    Guid RequesterOrganisationId,
    string RequesterOrganisationName,
    DateTimeOffset CreatedAt,
    IReadOnlyList<AssistanceRecipientView> Recipients,
    bool MayWithdraw,
    AssistanceState? OwnState);

/// <summary>One asked organisation's copy in the "sent" or "received" list.</summary>
public sealed record AssistanceListItem(
    Guid RequestId,
    Guid IncidentId,
    string Number,
    string IncidentTitle,
    Tlp Tlp,
    AssistanceKind Kind,
    string Title,
    DateTimeOffset? DueAt,
    Guid RequesterOrganisationId,
    Guid OrganisationId,
    AssistanceState State,
    DateTimeOffset ModifiedAt)
{
    internal long Position { get; init; }
}

/// <summary>
/// Every read of requests for assistance. A request is found only inside an incident the access decision lets the
/// caller read, and then only by the requesting organisation, the asked ones, and the incident's owner and coordinators;
/// anything else is null (404), the same as an unknown id.
/// </summary>
public sealed class AssistanceQueries(RampartDb db, AccessPolicy access, IncidentQueries incidents)
{
    private static Guid OrganisationOf(Caller caller) => caller.IsAuthenticated && !caller.IsOperator ? caller.OrganisationId : Guid.Empty;

    /// <summary>The request with its copies, and the caller's standing in its incident; null when the caller may not see it.</summary>
    public async Task<(AssistanceRequest Request, IncidentStanding Standing)?> FindAsync(Caller caller, Guid requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var readable = access.Readable(db.Incidents.AsNoTracking(), caller);
        var request = await db.AssistanceRequests.AsNoTracking().Include(r => r.Incident!).ThenInclude(i => i.Record).Include(r => r.Recipients)
            .Where(r => r.PublicId == requestId && readable.Any(i => i.RecordId == r.IncidentRecordId))
            .AsSplitQuery().FirstOrDefaultAsync(cancellationToken);
        if (request is null)
        {
            return null;
        }

        var standing = await incidents.StandingAsync(caller, request.Incident!, cancellationToken);
        return Sees(caller, request, standing) ? (request, standing) : null;
    }

    internal static bool Sees(Caller caller, AssistanceRequest request, IncidentStanding standing)
    {
        var organisation = OrganisationOf(caller);
        return organisation != Guid.Empty && (standing >= IncidentStanding.Coordinator || request.RequesterOrganisationId == organisation
            || request.Recipients.Any(r => r.OrganisationId == organisation));
    }

    public async Task<AssistanceView> ViewAsync(Caller caller, AssistanceRequest request, IncidentStanding standing, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var organisation = OrganisationOf(caller);
        var all = standing >= IncidentStanding.Coordinator || request.RequesterOrganisationId == organisation;
        var copies = all ? request.Recipients : request.Recipients.Where(r => r.OrganisationId == organisation).ToList();
        var names = await incidents.OrganisationNamesAsync(copies.Select(c => c.OrganisationId).Append(request.RequesterOrganisationId), cancellationToken);
        var incident = request.Incident!;
        return new AssistanceView(request.PublicId, incident.Id, incident.HumanId, incident.Title, incident.Record.Tlp, request.Kind, request.Title, request.Details,
            request.DueAt, request.RequesterOrganisationId, names.GetValueOrDefault(request.RequesterOrganisationId, ""), request.CreatedAt,
            copies.OrderBy(c => c.Id).Select(c => new AssistanceRecipientView(c.PublicId, c.OrganisationId, names.GetValueOrDefault(c.OrganisationId, ""), c.State, c.Reason, c.Answer, c.ModifiedAt)).ToList(),
            AccessPolicy.CanCreate(caller) && request.RequesterOrganisationId == organisation && request.Recipients.Any(r => r.Open),
            request.Recipients.FirstOrDefault(r => r.OrganisationId == organisation)?.State);
    }

    /// <summary>The requests of a read incident the caller may see, newest first.</summary>
    /// <param name="involvingOnly">Only those sent by or asked of the caller's organisation, even when it coordinates.</param>
    public async Task<(IReadOnlyList<AssistanceRequest> Requests, bool More)> OfIncidentAsync(ReadIncident read, Caller caller, long? before, int limit, CancellationToken cancellationToken,
        bool involvingOnly = false)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(caller);
        var organisation = OrganisationOf(caller);
        if (organisation == Guid.Empty)
        {
            return ([], false);
        }

        var recordId = read.Incident.RecordId;
        var below = before ?? long.MaxValue;
        var query = db.AssistanceRequests.AsNoTracking().Include(r => r.Recipients).Where(r => r.IncidentRecordId == recordId && r.Id < below);
        if (read.Standing < IncidentStanding.Coordinator || involvingOnly)
        {
            query = query.Where(r => r.RequesterOrganisationId == organisation || r.Recipients.Any(c => c.OrganisationId == organisation));
        }

        var rows = await query.OrderByDescending(r => r.Id).Take(limit + 1).AsSplitQuery().ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            row.Incident = read.Incident;
        }

        return (rows.Take(limit).ToList(), rows.Count > limit);
    }

    /// <summary>
    /// The caller's organisation's copies: received (asked of it) or sent (asked by it), newest first, open only on
    /// request. An index range per organisation; each row kept only when the access decision lets the caller read the incident.
    /// </summary>
    public async Task<(IReadOnlyList<AssistanceListItem> Items, bool More)> ListAsync(Caller caller, bool sent, bool openOnly, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var organisation = OrganisationOf(caller);
        if (organisation == Guid.Empty)
        {
            return ([], false);
        }

        var readable = access.Readable(db.Incidents.AsNoTracking(), caller);
        var below = before ?? long.MaxValue;
        var query = sent
            ? db.AssistanceRecipients.AsNoTracking().Where(r => r.RequesterOrganisationId == organisation)
            : db.AssistanceRecipients.AsNoTracking().Where(r => r.OrganisationId == organisation);
        if (openOnly)
        {
            query = query.Where(r => r.Open);
        }

        var rows = await query.Where(r => r.Id < below && readable.Any(i => i.RecordId == r.IncidentRecordId))
            .OrderByDescending(r => r.Id).Take(limit + 1)
            .Select(r => new
            {
                r.Id, RequestId = r.Request!.PublicId, IncidentId = r.Request.Incident!.Id, r.Request.Incident.Year, r.Request.Incident.Number, IncidentTitle = r.Request.Incident.Title,
                r.Request.Incident.Record.Tlp, r.Request.Kind, r.Request.Title, r.Request.DueAt, r.RequesterOrganisationId, r.OrganisationId, r.State, r.ModifiedAt,
            })
            .ToListAsync(cancellationToken);
        return (rows.Take(limit).Select(r => new AssistanceListItem(r.RequestId, r.IncidentId, IncidentNumbers.Format(r.Year, r.Number), r.IncidentTitle, r.Tlp, r.Kind, r.Title, r.DueAt,
            r.RequesterOrganisationId, r.OrganisationId, r.State, r.ModifiedAt) { Position = r.Id }).ToList(), rows.Count > limit);
    }
}
