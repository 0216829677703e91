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
    private static readonly HashSet<NotificationKind> Own = [NotificationKind.PeerInvited, NotificationKind.PeerDeadlineDueSoon, NotificationKind.PeerDeadlineOverdue];

    public IReadOnlySet<NotificationKind> Kinds => Own;

    public static string Link(Guid copyId) => $"/incidents/peer/{copyId}";

    /// <summary>Which invitation an event is about (kept in its detail): an earlier one's notice is not shown for a later one.</summary>
    public static string? InvitationKey(DateTimeOffset? invitedAt) => invitedAt?.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<NotificationContent?> ResolveAsync(NotificationEvent e, Caller reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(reader);
        if (e.Kind is NotificationKind.PeerDeadlineDueSoon or NotificationKind.PeerDeadlineOverdue)
        {
            return await DeadlineAsync(e, reader, cancellationToken);
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
    /// A task of the copy assigned to the organisation is due soon or overdue (the fan-out job's due list, ADR 17): told to the
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
