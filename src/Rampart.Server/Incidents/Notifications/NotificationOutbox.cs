using Rampart.Server.Access;
using Rampart.Server.Incidents.Notifications;

// In the Data namespace, beside the tables: the use cases that emit events already import it (one line each).
#pragma warning disable IDE0130
namespace Rampart.Server.Data;
#pragma warning restore IDE0130

/// <summary>
/// The one writer of the notification outbox: a use case adds an event to its unit of work with one call, and it commits
/// (or not) with the change. Nothing is sent from here; <see cref="NotificationFanOutJob"/> decides recipients later.
/// </summary>
public static class NotificationOutbox
{
    extension(RampartDb db)
    {
        /// <summary>Adds <paramref name="kind"/> about incident <paramref name="incidentId"/> (or report <paramref name="reportId"/>) to this transaction.</summary>
        public void Notify(NotificationKind kind, Caller? actor, DateTimeOffset at, Guid? incidentId = null, Guid? subjectId = null,
            Guid? organisationId = null, Guid? userId = null, string? detail = null, Guid? reportId = null)
        {
            db.NotificationEvents.Add(new NotificationEvent
            {
                Kind = kind,
                IncidentId = incidentId,
                ReportId = reportId,
                SubjectId = subjectId,
                OrganisationId = organisationId,
                UserId = userId,
                ActorUserId = actor is { IsAuthenticated: true, IsOperator: false } ? actor.UserId : null,
                ActorOrganisationId = actor is { IsAuthenticated: true, IsOperator: false } ? actor.OrganisationId : null,
                Detail = detail is null ? null : detail[..Math.Min(detail.Length, NotificationLimits.DetailLength)],
                CreatedAt = at,
            });
        }

        /// <summary><see cref="Notify"/> when <paramref name="when"/> holds (keeps the emitting use case's change to one line).</summary>
        public void NotifyIf(bool when, NotificationKind kind, Caller? actor, DateTimeOffset at, Guid? incidentId = null, Guid? subjectId = null,
            Guid? organisationId = null, Guid? userId = null, string? detail = null)
        {
            if (when)
            {
                db.Notify(kind, actor, at, incidentId, subjectId, organisationId, userId, detail);
            }
        }
    }
}
