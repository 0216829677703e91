using Rampart.Server.Incidents.Notifications;

namespace Rampart.Server.Capacity.Experts;

/// <summary>
/// The directory's notifications, each addressed to one person and decided by the directory's own read rules
/// (<see cref="ExpertDirectory.ReadRequestAsync"/>): the expert is told a request reached them while their consent (the profile it
/// was sent to) stands — once withdrawn, the notice is withdrawn too; the sender is told the expert answered or, withdrawing,
/// closed it. Nobody else is told anything, whatever their role. A notice names the request's reference and its subject, never
/// an e-mail address.
/// </summary>
public sealed class ExpertNotifications(ExpertDirectory directory) : INotificationSource
{
    public const string Link = "/capacity/experts/requests";

    private static readonly HashSet<NotificationKind> Own =
        [NotificationKind.ExpertRequestReceived, NotificationKind.ExpertRequestAnswered, NotificationKind.ExpertRequestClosed];

    public IReadOnlySet<NotificationKind> Kinds => Own;

    public async Task<NotificationContent?> ResolveAsync(NotificationEvent e, Caller reader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(reader);
        if (e.SubjectId is not { } requestId || e.UserId is not { } addressee || addressee != reader.UserId
            || await directory.ReadRequestAsync(reader, requestId, cancellationToken) is not { } read)
        {
            return null;
        }

        var status = read.Request.Status;
        var told = e.Kind switch
        {
            NotificationKind.ExpertRequestReceived => read.ToCaller && read.ConsentStands,
            NotificationKind.ExpertRequestAnswered => !read.ToCaller && status is ExpertRequestStatus.Accepted or ExpertRequestStatus.Declined,
            NotificationKind.ExpertRequestClosed => !read.ToCaller && status == ExpertRequestStatus.Closed,
            _ => false,
        };
        return told ? new NotificationContent(null, null, ExpertRules.Reference(read.Request.Id), read.Request.Subject, Link) : null;
    }
}
