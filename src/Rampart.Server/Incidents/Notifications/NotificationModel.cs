using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Organisations;

namespace Rampart.Server.Incidents.Notifications;

/// <summary>What happened, as a notification names it (serialised kebab-case: <c>task-assigned</c>).</summary>
public enum NotificationKind
{
    Invited = 0,
    RequestReceived = 1,
    RequestAnswered = 2,
    TaskAssigned = 3,
    DeadlineDueSoon = 4,
    DeadlineOverdue = 5,
    StatusChanged = 6,
    ReportReceived = 7,

    /// <summary>A request for help reached the expert it was sent to (expert directory, <see cref="INotificationSource"/>).</summary>
    ExpertRequestReceived = 8,

    /// <summary>The expert accepted or declined the person's request.</summary>
    ExpertRequestAnswered = 9,

    /// <summary>The expert withdrew from the directory before answering the person's request: it is closed.</summary>
    ExpertRequestClosed = 10,

    /// <summary>
    /// The organisation is invited to an incident of a peer node (incidents across nodes, ADR 17; <see cref="INotificationSource"/>):
    /// addressed to the organisation, told while the invitation is open.
    /// </summary>
    PeerInvited = 11,

    /// <summary>
    /// A task of a peer node's incident assigned to the organisation (its copy here, ADR 17) is due within the due-soon window:
    /// addressed to the organisation, decided by the copy's feature (<see cref="INotificationSource"/>).
    /// </summary>
    PeerDeadlineDueSoon = 12,

    /// <summary>That task is overdue.</summary>
    PeerDeadlineOverdue = 13,

    /// <summary>A peer node's incident: the organisation is asked for assistance (seen in a new view of its copy here, ADR 17).</summary>
    PeerRequestReceived = 14,

    /// <summary>A peer node's incident: a request the organisation sent is answered or declined.</summary>
    PeerRequestAnswered = 15,

    /// <summary>A peer node's incident: a task is assigned to the organisation.</summary>
    PeerTaskAssigned = 16,
}

/// <summary>
/// One event in the notification outbox, written in the transaction of the change it reports (so nothing is
/// lost and nothing doubled, whichever app server made the change). It names records by id only: who is told,
/// and what, is decided when the fan-out job reads it, through the access decision as of then.
/// </summary>
public sealed class NotificationEvent
{
    public long Id { get; set; }

    public NotificationKind Kind { get; set; }

    /// <summary>The incident's public id (every kind but <see cref="NotificationKind.ReportReceived"/>).</summary>
    public Guid? IncidentId { get; set; }

    /// <summary>The report's public id (<see cref="NotificationKind.ReportReceived"/>).</summary>
    public Guid? ReportId { get; set; }

    /// <summary>The invitation, task or request (an assistance or an expert request) the event is about.</summary>
    public Guid? SubjectId { get; set; }

    /// <summary>The organisation it is addressed to (the invited, asked, answered, assigned or due-list organisation), if one.</summary>
    public Guid? OrganisationId { get; set; }

    /// <summary>The one person it is addressed to (a task assigned to a person), if one.</summary>
    public Guid? UserId { get; set; }

    /// <summary>Who did it (not told about their own action); null for the node's own jobs.</summary>
    public Guid? ActorUserId { get; set; }

    public Guid? ActorOrganisationId { get; set; }

    /// <summary>A short machine text (the new status, the deadline's label as the addressed organisation sees it).</summary>
    public string? Detail { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the fan-out job handled it; null while waiting.</summary>
    public DateTimeOffset? ProcessedAt { get; set; }
}

/// <summary>One in-app notification of one person: what it says is what that person could read when it was delivered.</summary>
public sealed class Notification
{
    public long Id { get; set; }

    public Guid PublicId { get; set; }

    public Guid UserId { get; set; }

    public long EventId { get; set; }

    public NotificationKind Kind { get; set; }

    /// <summary>The incident it is about, when the person may read it (null for an invitation: not readable yet).</summary>
    public Guid? IncidentId { get; set; }

    public Guid? ReportId { get; set; }

    /// <summary>INC-2026-0001 / RPT-2026-0001.</summary>
    public string Reference { get; set; } = "";

    /// <summary>A short text the person may read (task or request title, new status, deadline label, inviter).</summary>
    public string? Label { get; set; }

    /// <summary>Where the page links to (a path on this node).</summary>
    public string Link { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ReadAt { get; set; }

    /// <summary>Set when a later read found the record no longer readable by the person: hidden from then on.</summary>
    public bool Withdrawn { get; set; }

    /// <summary>Shown in the app (the person's preference for the kind when it was delivered).</summary>
    public bool InApp { get; set; }

    /// <summary>Whether an e-mail is (or was) to go out for it.</summary>
    public bool Email { get; set; }

    public NotificationMailStatus MailStatus { get; set; }

    public int MailAttempts { get; set; }

    public DateTimeOffset? MailNextAttemptAt { get; set; }

    public string? MailError { get; set; }
}

public enum NotificationMailStatus : short
{
    None = 0,
    Pending = 1,
    Sent = 2,
    Failed = 3,
    /// <summary>Not sent: the record was no longer readable, the person disabled, or the preference turned off since.</summary>
    Dropped = 4,
}

/// <summary>One person's choice for one kind; no row = the default (<see cref="NotificationDefaults"/>).</summary>
public sealed class NotificationPreference
{
    public Guid UserId { get; set; }

    public NotificationKind Kind { get; set; }

    public bool InApp { get; set; }

    public bool Email { get; set; }
}

/// <summary>A person's OpenPGP public key: e-mail to them is encrypted to it.</summary>
public sealed class NotificationPgpKey
{
    public Guid UserId { get; set; }

    /// <summary>The ASCII-armoured public key block as given (validated: one key able to encrypt).</summary>
    public string Armored { get; set; } = "";

    /// <summary>Upper-case hex v4 fingerprint of the primary key.</summary>
    public string Fingerprint { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The node's OpenPGP signing key (one row): the secret half protected by Data Protection, never returned by any API.</summary>
public sealed class NotificationNodeKey
{
    public const int SingletonId = 1;

    public int Id { get; set; }

    public string ArmoredPublicKey { get; set; } = "";

    public string ProtectedSecretKey { get; set; } = "";

    public string Fingerprint { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>"This deadline was notified at this threshold to this organisation": makes the deadline notices once-only and durable.</summary>
public sealed class NotificationDeadlineMark
{
    public Guid OrganisationId { get; set; }

    /// <summary>Incident, kind, stage, sequence, source, due time and threshold of one deadline.</summary>
    public string Key { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>An organisation's webhook for notification events, HMAC-signed like the intelligence webhooks.</summary>
public sealed class NotificationWebhook
{
    public long Id { get; set; }

    public Guid PublicId { get; set; }

    public Guid OrganisationId { get; set; }

    public string Url { get; set; } = "";

    public string ProtectedSecret { get; set; } = "";

    public bool Enabled { get; set; } = true;

    public Guid CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One event to POST to one webhook: attempts and outcome. The body is built at each attempt, as the organisation reads then.</summary>
public sealed class NotificationWebhookDelivery
{
    public long Id { get; set; }

    public long WebhookId { get; set; }

    public long EventId { get; set; }

    public Intelligence.Webhooks.WebhookDeliveryStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }
}

public static class NotificationLimits
{
    public const int DetailLength = 300;
    public const int LabelLength = 300;
    public const int ReferenceLength = 40;
    public const int LinkLength = 300;
    public const int ErrorLength = 500;
    public const int KeyLength = 200;
    public const int MaxArmoredKeyLength = 64 * 1024;
    public const int MaxWebhooksPerOrganisation = 20;
}

internal sealed class NotificationEventConfiguration : IEntityTypeConfiguration<NotificationEvent>
{
    public void Configure(EntityTypeBuilder<NotificationEvent> b)
    {
        b.ToTable("NotificationEvents");
        b.HasKey(e => e.Id);
        // The fan-out job reads the waiting events in order.
        b.HasIndex(e => new { e.ProcessedAt, e.Id });
        b.Property(e => e.Detail).HasMaxLength(NotificationLimits.DetailLength);
    }
}

internal sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> b)
    {
        b.ToTable("Notifications");
        b.HasKey(n => n.Id);
        b.HasIndex(n => n.PublicId).IsUnique();
        // One notification per event and person, whichever app server fans out.
        b.HasIndex(n => new { n.EventId, n.UserId }).IsUnique();
        b.HasIndex(n => new { n.UserId, n.Id });
        b.HasIndex(n => new { n.UserId, n.ReadAt, n.Withdrawn });
        b.HasIndex(n => new { n.MailStatus, n.MailNextAttemptAt });
        b.HasOne<Identity.User>().WithMany().HasForeignKey(n => n.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<NotificationEvent>().WithMany().HasForeignKey(n => n.EventId).OnDelete(DeleteBehavior.Cascade);
        b.Property(n => n.Reference).HasMaxLength(NotificationLimits.ReferenceLength);
        b.Property(n => n.Label).HasMaxLength(NotificationLimits.LabelLength);
        b.Property(n => n.Link).HasMaxLength(NotificationLimits.LinkLength);
        b.Property(n => n.MailError).HasMaxLength(NotificationLimits.ErrorLength);
    }
}

internal sealed class NotificationPreferenceConfiguration : IEntityTypeConfiguration<NotificationPreference>
{
    public void Configure(EntityTypeBuilder<NotificationPreference> b)
    {
        b.ToTable("NotificationPreferences");
        b.HasKey(p => new { p.UserId, p.Kind });
        b.HasOne<Identity.User>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class NotificationPgpKeyConfiguration : IEntityTypeConfiguration<NotificationPgpKey>
{
    public void Configure(EntityTypeBuilder<NotificationPgpKey> b)
    {
        b.ToTable("NotificationPgpKeys");
        b.HasKey(k => k.UserId);
        b.HasOne<Identity.User>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(k => k.Armored).HasMaxLength(NotificationLimits.MaxArmoredKeyLength);
        b.Property(k => k.Fingerprint).HasMaxLength(64);
    }
}

internal sealed class NotificationNodeKeyConfiguration : IEntityTypeConfiguration<NotificationNodeKey>
{
    public void Configure(EntityTypeBuilder<NotificationNodeKey> b)
    {
        b.ToTable("NotificationNodeKeys");
        b.HasKey(k => k.Id);
        b.Property(k => k.Id).ValueGeneratedNever();
        b.Property(k => k.ArmoredPublicKey).HasMaxLength(8000);
        b.Property(k => k.ProtectedSecretKey).HasMaxLength(8000);
        b.Property(k => k.Fingerprint).HasMaxLength(64);
    }
}

internal sealed class NotificationDeadlineMarkConfiguration : IEntityTypeConfiguration<NotificationDeadlineMark>
{
    public void Configure(EntityTypeBuilder<NotificationDeadlineMark> b)
    {
        b.ToTable("NotificationDeadlineMarks");
        b.HasKey(m => new { m.OrganisationId, m.Key });
        b.Property(m => m.Key).HasMaxLength(NotificationLimits.KeyLength);
    }
}

internal sealed class NotificationWebhookConfiguration : IEntityTypeConfiguration<NotificationWebhook>
{
    public void Configure(EntityTypeBuilder<NotificationWebhook> b)
    {
        b.ToTable("NotificationWebhooks");
        b.HasKey(w => w.Id);
        b.HasIndex(w => w.PublicId).IsUnique();
        b.HasIndex(w => new { w.OrganisationId, w.Id });
        b.HasOne<Organisation>().WithMany().HasForeignKey(w => w.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.Property(w => w.Url).HasMaxLength(Intelligence.Webhooks.WebhookLimits.UrlLength);
        b.Property(w => w.ProtectedSecret).HasMaxLength(1000);
    }
}

internal sealed class NotificationWebhookDeliveryConfiguration : IEntityTypeConfiguration<NotificationWebhookDelivery>
{
    public void Configure(EntityTypeBuilder<NotificationWebhookDelivery> b)
    {
        b.ToTable("NotificationWebhookDeliveries");
        b.HasKey(d => d.Id);
        b.HasOne<NotificationWebhook>().WithMany().HasForeignKey(d => d.WebhookId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(d => new { d.WebhookId, d.EventId }).IsUnique();
        b.HasIndex(d => new { d.WebhookId, d.Id });
        b.HasIndex(d => new { d.Status, d.NextAttemptAt });
        b.Property(d => d.LastError).HasMaxLength(NotificationLimits.ErrorLength);
    }
}
