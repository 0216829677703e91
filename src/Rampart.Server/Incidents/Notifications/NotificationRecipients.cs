using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Incidents.Reports;
using Rampart.Server.Incidents.Requests;

namespace Rampart.Server.Incidents.Notifications;

/// <summary>What one reader is told about one event: only what that reader may read now.</summary>
public sealed record NotificationContent(Guid? IncidentId, Guid? ReportId, string Reference, string? Label, string Link);

/// <summary>
/// Decides who is told about an event and what each is told, through the same read use cases the pages use
/// (<see cref="IncidentQueries"/>, <see cref="AssistanceQueries"/>, <see cref="ReportQueries"/>) and so through
/// <see cref="AccessPolicy"/>: a candidate who cannot read the record (removed, another organisation, an administrator
/// of the node) is told nothing, and a task title that is owner-only never reaches a non-owner. Kinds of other features
/// (addressed to one person) are decided by the <see cref="INotificationSource"/> the feature registered.
/// </summary>
public sealed class NotificationRecipients(RampartDb db, IncidentQueries incidents, AssistanceQueries requests, ReportQueries reports, IEnumerable<INotificationSource> sources)
{
    private readonly List<INotificationSource> sources = sources.ToList();

    /// <summary>The feature source deciding <paramref name="kind"/>; null for the kinds decided here (the incidents' own).</summary>
    public INotificationSource? SourceOf(NotificationKind kind) => sources.FirstOrDefault(s => s.Kinds.Contains(kind));

    /// <summary>The people who might be told (each is then checked with <see cref="ResolveAsync"/>), never the actor.</summary>
    public async Task<IReadOnlyList<Guid>> CandidatesAsync(NotificationEvent e, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        var organisations = new HashSet<Guid>();
        var people = new HashSet<Guid>();
        switch (e.Kind)
        {
            case NotificationKind kind when SourceOf(kind) is not null:
                // A feature's kind: one person, or every person of one organisation (each then checked by the feature).
                if (e.UserId is { } addressee)
                {
                    people.Add(addressee);
                }
                else if (e.OrganisationId is { } organisation)
                {
                    organisations.Add(organisation);
                }

                break;
            case NotificationKind.TaskAssigned when e.UserId is { } user:
                people.Add(user);
                break;
            case NotificationKind.StatusChanged:
                foreach (var (organisation, person) in await AudienceAsync(e, cancellationToken))
                {
                    if (person is { } p)
                    {
                        people.Add(p);
                    }
                    else
                    {
                        organisations.Add(organisation);
                    }
                }

                break;
            case NotificationKind.ReportReceived:
                if (await reports.IntakeOrganisationAsync(cancellationToken) is { } intake)
                {
                    organisations.Add(intake);
                }

                break;
            default:
                if (e.OrganisationId is { } addressed)
                {
                    organisations.Add(addressed);
                }

                break;
        }

        var members = organisations.Count == 0 ? [] : await db.Users.AsNoTracking()
            .Where(u => organisations.Contains(u.OrganisationId) && !u.Disabled).OrderBy(u => u.Id).Select(u => u.Id).Take(5000).ToListAsync(cancellationToken);
        people.UnionWith(members);
        if (e.ActorUserId is { } actor)
        {
            people.Remove(actor);
        }

        return people.Order().ToList();
    }

    /// <summary>The organisations whose webhooks may hear of the event (each then checked as the organisation).</summary>
    public async Task<IReadOnlyList<Guid>> OrganisationsAsync(NotificationEvent e, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Kind switch
        {
            _ when SourceOf(e.Kind) is not null => [],
            NotificationKind.StatusChanged => (await AudienceAsync(e, cancellationToken)).Where(a => a.Person is null).Select(a => a.Organisation).Distinct().ToList(),
            NotificationKind.ReportReceived => await reports.IntakeOrganisationAsync(cancellationToken) is { } intake ? [intake] : [],
            _ => e.OrganisationId is { } o ? [o] : [],
        };
    }

    // The owner and the organisations and people the incident is shared with by name (participants get an organisation grant when they accept).
    private async Task<IReadOnlyList<(Guid Organisation, Guid? Person)>> AudienceAsync(NotificationEvent e, CancellationToken cancellationToken)
    {
        if (e.ActorOrganisationId is not { } actorOrganisation || e.IncidentId is not { } incidentId)
        {
            return [];
        }

        // Read as the acting organisation, which could read it when it changed it; if it cannot now, nobody is told.
        var read = await incidents.FindAsync(await OrganisationCallerAsync(actorOrganisation, cancellationToken), incidentId, cancellationToken);
        if (read is null)
        {
            return [];
        }

        var audience = new List<(Guid, Guid?)> { (read.Incident.Record.OwnerOrganisationId, null) };
        foreach (var grant in read.Grants)
        {
            if (grant.Kind == GrantKind.Organisation && grant.SubjectId is { } organisation)
            {
                audience.Add((organisation, null));
            }
            else if (grant.Kind == GrantKind.Person && grant.SubjectId is { } person)
            {
                audience.Add((grant.SubjectOrganisationId ?? Guid.Empty, person));
            }
        }

        return audience;
    }

    /// <summary>A person as the access decision sees them now (role, organisation, communities); null when disabled or gone.</summary>
    public async Task<Caller?> PersonCallerAsync(Guid userId, CancellationToken cancellationToken)
    {
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId && !u.Disabled)
            .Select(u => new { u.Id, u.OrganisationId, u.Role }).FirstOrDefaultAsync(cancellationToken);
        if (user is null)
        {
            return null;
        }

        var communities = await db.CommunityMembers.AsNoTracking().Where(m => m.OrganisationId == user.OrganisationId).Select(m => m.CommunityId).ToListAsync(cancellationToken);
        return new Caller(user.Id, user.OrganisationId, user.Role, communities.ToHashSet(), ReadOnly: true, Credential: "notifications");
    }

    /// <summary>
    /// An organisation as a reader (its webhooks, its due list): what the organisation and its communities are given, never
    /// a grant to one named person of it. Read-only.
    /// </summary>
    public async Task<Caller> OrganisationCallerAsync(Guid organisationId, CancellationToken cancellationToken)
    {
        var communities = await db.CommunityMembers.AsNoTracking().Where(m => m.OrganisationId == organisationId).Select(m => m.CommunityId).ToListAsync(cancellationToken);
        // A user id no person has (the organisation's own id): authenticated as the organisation, holding no person grant.
        return new Caller(organisationId, organisationId, Role.Viewer, communities.ToHashSet(), ReadOnly: true, Credential: $"organisation:{organisationId:N}");
    }

    /// <summary>What <paramref name="reader"/> is told about <paramref name="e"/> now; null when they may not read it (or it is not for them).</summary>
    public async Task<NotificationContent?> ResolveAsync(NotificationEvent e, Caller reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(reader);
        if (!reader.IsAuthenticated || reader.IsOperator)
        {
            return null;
        }

        if (SourceOf(e.Kind) is { } source)
        {
            return await source.ResolveAsync(e, reader, cancellationToken);
        }

        switch (e.Kind)
        {
            case NotificationKind.Invited:
            {
                // Before accepting, the invited organisation reads the invitation, not the incident.
                if (e.OrganisationId != reader.OrganisationId)
                {
                    return null;
                }

                var (pending, _) = await incidents.InvitationsAsync(reader, all: false, null, 200, cancellationToken);
                return pending.FirstOrDefault(i => i.Id == e.SubjectId) is { } invitation
                    ? new NotificationContent(null, null, invitation.Number, invitation.InvitedByOrganisationName, "/incidents")
                    : null;
            }

            case NotificationKind.RequestReceived or NotificationKind.RequestAnswered:
            {
                if (e.SubjectId is not { } requestId || e.OrganisationId != reader.OrganisationId
                    || await requests.FindAsync(reader, requestId, cancellationToken) is not { } found)
                {
                    return null;
                }

                var (request, _) = found;
                var addressed = e.Kind == NotificationKind.RequestReceived
                    ? request.Recipients.Any(r => r.OrganisationId == reader.OrganisationId)
                    : request.RequesterOrganisationId == reader.OrganisationId;
                return addressed ? new NotificationContent(request.Incident!.Id, null, request.Incident.HumanId, request.Title, "/requests") : null;
            }

            case NotificationKind.TaskAssigned:
            {
                if (e.IncidentId is not { } incidentId || e.SubjectId is not { } taskId
                    || (e.UserId is { } person ? person != reader.UserId : e.OrganisationId != reader.OrganisationId)
                    || await incidents.FindAsync(reader, incidentId, cancellationToken) is not { } read
                    || await incidents.TaskAsync(read, taskId, cancellationToken) is not { } task)
                {
                    return null;
                }

                return new NotificationContent(incidentId, null, read.Incident.HumanId, task.Title, $"/incidents/{incidentId}");
            }

            case NotificationKind.DeadlineDueSoon or NotificationKind.DeadlineOverdue:
            {
                // The label is the due list's row as the addressed organisation saw it (owner-only rows reach only the owner's list).
                if (e.IncidentId is not { } incidentId || e.OrganisationId != reader.OrganisationId
                    || await incidents.FindAsync(reader, incidentId, cancellationToken) is not { } read)
                {
                    return null;
                }

                return new NotificationContent(incidentId, null, read.Incident.HumanId, e.Detail, "/due");
            }

            case NotificationKind.StatusChanged:
            {
                if (e.IncidentId is not { } incidentId || await incidents.FindAsync(reader, incidentId, cancellationToken) is not { } read)
                {
                    return null;
                }

                return new NotificationContent(incidentId, null, read.Incident.HumanId, e.Detail, $"/incidents/{incidentId}");
            }

            case NotificationKind.ReportReceived:
            {
                if (e.ReportId is not { } reportId || await reports.FindAsync(reader, reportId, cancellationToken) is not { IsIntake: true } report)
                {
                    return null;
                }

                return new NotificationContent(null, reportId, report.Report.HumanId, null, $"/reports/{reportId}");
            }

            default:
                return null;
        }
    }

    /// <summary>
    /// Whether <paramref name="reader"/> may still read what notification <paramref name="n"/> is about (checked again at every read and send).
    /// <see cref="ReadKey"/> names what the answer depends on (notifications with the same key are checked once per list).
    /// </summary>
    public async Task<bool> StillReadableAsync(Notification n, Caller reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(n);
        ArgumentNullException.ThrowIfNull(reader);
        if (SourceOf(n.Kind) is { } source)
        {
            // The feature's own read rules, on the event the notification came from (it names the record).
            var eventId = n.EventId;
            var e = await db.NotificationEvents.AsNoTracking().FirstOrDefaultAsync(x => x.Id == eventId, cancellationToken);
            return e is not null && reader.IsAuthenticated && !reader.IsOperator && n.UserId == reader.UserId
                && await source.ResolveAsync(e, reader, cancellationToken) is not null;
        }
        if (n.IncidentId is { } incidentId)
        {
            var read = await incidents.FindAsync(reader, incidentId, cancellationToken);
            if (read is null)
            {
                return false;
            }
        }

        if (n.ReportId is { } reportId && await reports.FindAsync(reader, reportId, cancellationToken) is null)
        {
            return false;
        }

        return true;
    }

    /// <summary>What <see cref="StillReadableAsync"/> depends on: the incident and report, or for a feature's kind the event itself.</summary>
    public (Guid? IncidentId, Guid? ReportId, long EventId) ReadKey(Notification n)
    {
        ArgumentNullException.ThrowIfNull(n);
        return (n.IncidentId, n.ReportId, SourceOf(n.Kind) is null ? 0 : n.EventId);
    }
}
