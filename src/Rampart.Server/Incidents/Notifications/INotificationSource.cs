using Rampart.Server.Access;

namespace Rampart.Server.Incidents.Notifications;

/// <summary>
/// A feature outside the incidents that emits notification kinds of its own (the expert directory's requests, invitations to
/// peer nodes' incidents), each addressed to one person (<see cref="NotificationEvent.UserId"/>) or to the people of one
/// organisation (<see cref="NotificationEvent.OrganisationId"/>), with the record in <see cref="NotificationEvent.SubjectId"/>. The
/// feature registers it; <see cref="NotificationRecipients"/> asks it about the kinds it does not know itself, so what a person
/// is told, and whether they may still read it, is decided by that feature's own read rules. Organisation webhooks never hear
/// of these kinds (they are one person's).
/// </summary>
public interface INotificationSource
{
    /// <summary>The kinds this source decides.</summary>
    IReadOnlySet<NotificationKind> Kinds { get; }

    /// <summary>What <paramref name="reader"/> is told about <paramref name="e"/> now; null when it is not for them or they may not read it.</summary>
    Task<NotificationContent?> ResolveAsync(NotificationEvent e, Caller reader, CancellationToken cancellationToken);
}
