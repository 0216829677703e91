using Rampart.Server.Access;
using Rampart.Server.Incidents.Notifications;

namespace Rampart.Server.Incidents.Peers;

/// <summary>
/// Tells the people of an organisation of this node that a peer node invited it to an incident, and that a task of such an
/// incident assigned to it is due soon or overdue (ADR 17). The event names the
/// copy; each reader is told only through <see cref="PeerIncidentQueries.FindAsync"/> (the access decision: the copy's single
/// organisation grant), and only while the invitation it was about is open — no title (as for a local invitation), the owner node's name,
/// the number and who invited.
/// </summary>
public sealed class PeerNotifications(PeerIncidentQueries queries) : INotificationSource
{
    private static readonly HashSet<NotificationKind> Own =
    [
        NotificationKind.PeerInvited, NotificationKind.PeerDeadlineDueSoon, NotificationKind.PeerDeadlineOverdue,
        NotificationKind.PeerRequestReceived, NotificationKind.PeerRequestAnswered, NotificationKind.PeerTaskAssigned,
    ];

    /// <summary>At most this many notices per kind from one view (a peer cannot flood an organisation's people).</summary>
    public const int PerViewAndKind = 20;

    /// <summary>
    /// What a new view of a copy the organisation takes part in tells its people, compared with the view before: requests
    /// newly asked of it, requests it sent that got a new answer or refusal, tasks newly assigned to it — each by id (the
    /// text is read from the copy when a person is told).
    /// </summary>
    public static IEnumerable<(NotificationKind Kind, Guid Subject)> Changes(PeerIncidentContent before, PeerIncidentContent after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var oldRequests = (before.Requests ?? []).GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.First());
        var requests = after.Requests ?? [];
        foreach (var r in requests.Where(r => r.YourState is not null && oldRequests.GetValueOrDefault(r.Id)?.YourState is null).Take(PerViewAndKind))
        {
            yield return (NotificationKind.PeerRequestReceived, r.Id);
        }

        foreach (var r in requests.Where(r => r.FromYou && Closed(r) > (oldRequests.TryGetValue(r.Id, out var o) ? Closed(o) : 0)).Take(PerViewAndKind))
        {
            yield return (NotificationKind.PeerRequestAnswered, r.Id);
        }

        var oldTasks = before.Tasks.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.First().ForYou);
        foreach (var t in after.Tasks.Where(t => t.ForYou && !oldTasks.GetValueOrDefault(t.Id)).Take(PerViewAndKind))
        {
            yield return (NotificationKind.PeerTaskAssigned, t.Id);
        }

        static int Closed(PeerAssistance r) => r.Recipients.Count(c => c.State is Requests.AssistanceState.Answered or Requests.AssistanceState.Declined);
    }

    public IReadOnlySet<NotificationKind> Kinds => Own;

    public static string Link(Guid copyId) => $"/incidents/peer/{copyId}";

    /// <summary>Which invitation an event is about (kept in its detail): an earlier one's notice is not shown for a later one.</summary>
    public static string? InvitationKey(DateTimeOffset? invitedAt) => invitedAt?.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<NotificationContent?> ResolveAsync(NotificationEvent e, Caller reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(reader);
        if (e.Kind is NotificationKind.PeerDeadlineDueSoon or NotificationKind.PeerDeadlineOverdue or NotificationKind.PeerTaskAssigned)
        {
            return await DeadlineAsync(e, reader, cancellationToken);
        }

        if (e.Kind is NotificationKind.PeerRequestReceived or NotificationKind.PeerRequestAnswered)
        {
            return await RequestAsync(e, reader, cancellationToken);
        }

        if (e.SubjectId is not { } copyId || e.OrganisationId != reader.OrganisationId
            || await queries.FindAsync(reader, copyId, cancellationToken) is not { } found
            || found.Summary.State != PeerIncidentWire.Code(PeerIncidentState.Invited) || InvitationKey(found.View?.InvitedAt) != e.Detail)
        {
            return null;
        }

        return new NotificationContent(null, null, $"{found.Summary.Node} · {found.Summary.Number}", found.View?.InvitedBy, Link(copyId));
    }

    /// <summary>
    /// A request of the copy asked of the organisation, or sent by it and answered: told to its people only, through the
    /// copy's access decision, with the request's title as the copy shows it now — nothing once the copy no longer shows it so.
    /// </summary>
    private async Task<NotificationContent?> RequestAsync(NotificationEvent e, Caller reader, CancellationToken cancellationToken)
    {
        if (e.SubjectId is not { } copyId || e.OrganisationId != reader.OrganisationId || !Guid.TryParseExact(e.Detail, "N", out var requestId)
            || await queries.FindAsync(reader, copyId, cancellationToken) is not { } found
            || found.Summary.State != PeerIncidentWire.Code(PeerIncidentState.Participating)
            || found.View?.Incident?.Requests?.FirstOrDefault(r => r.Id == requestId && (e.Kind == NotificationKind.PeerRequestReceived ? r.YourState is not null : r.FromYou))
                is not { } request)
        {
            return null;
        }

        return new NotificationContent(null, null, $"{found.Summary.Node} · {found.Summary.Number}", request.Title, Link(copyId));
    }

    /// <summary>
    /// A task of the copy assigned to the organisation (new, due soon or overdue) (the fan-out job's due list, ADR 17): told to the
    /// people of that organisation only, through the copy's access decision, with the task's title as the copy shows it now —
    /// nothing while the copy is not readable to them, the organisation no longer takes part, or the task is no longer the
    /// organisation's in the copy.
    /// </summary>
    private async Task<NotificationContent?> DeadlineAsync(NotificationEvent e, Caller reader, CancellationToken cancellationToken)
    {
        if (e.SubjectId is not { } copyId || e.OrganisationId != reader.OrganisationId || !Guid.TryParseExact(e.Detail, "N", out var taskId)
            || await queries.FindAsync(reader, copyId, cancellationToken) is not { } found
            || found.Summary.State != PeerIncidentWire.Code(PeerIncidentState.Participating)
            || found.View?.Incident?.Tasks.FirstOrDefault(t => t.Id == taskId && t.ForYou) is not { } task)
        {
            return null;
        }

        return new NotificationContent(null, null, $"{found.Summary.Node} · {found.Summary.Number}", task.Title, Link(copyId));
    }
}
