using Rampart.Server.Access;
using Rampart.Server.Incidents.Notifications;

namespace Rampart.Server.Incidents.Peers;

/// <summary>
/// Tells the people of an organisation of this node that a peer node invited it to an incident (ADR 17). The event names the
/// copy; each reader is told only through <see cref="PeerIncidentQueries.FindAsync"/> (the access decision: the copy's single
/// organisation grant), and only while the invitation it was about is open — no title (as for a local invitation), the owner node's name,
/// the number and who invited.
/// </summary>
public sealed class PeerNotifications(PeerIncidentQueries queries) : INotificationSource
{
    private static readonly HashSet<NotificationKind> Own = [NotificationKind.PeerInvited];

    public IReadOnlySet<NotificationKind> Kinds => Own;

    public static string Link(Guid copyId) => $"/incidents/peer/{copyId}";

    /// <summary>Which invitation an event is about (kept in its detail): an earlier one's notice is not shown for a later one.</summary>
    public static string? InvitationKey(DateTimeOffset? invitedAt) => invitedAt?.UtcDateTime.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<NotificationContent?> ResolveAsync(NotificationEvent e, Caller reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(reader);
        if (e.SubjectId is not { } copyId || e.OrganisationId != reader.OrganisationId
            || await queries.FindAsync(reader, copyId, cancellationToken) is not { } found
            || found.Summary.State != PeerIncidentWire.Code(PeerIncidentState.Invited) || InvitationKey(found.View?.InvitedAt) != e.Detail)
        {
            return null;
        }

        return new NotificationContent(null, null, $"{found.Summary.Node} · {found.Summary.Number}", found.View?.InvitedBy, Link(copyId));
    }
}
