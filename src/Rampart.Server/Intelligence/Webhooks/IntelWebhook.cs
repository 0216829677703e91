using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Organisations;

namespace Rampart.Server.Intelligence.Webhooks;

/// <summary>
/// An organisation's subscription to changes of intelligence objects: where to POST them, the shared
/// secret they are signed with, and which changes it wants. It reads as its organisation
/// (<see cref="WebhookIdentity"/>), never as the admin who registered it.
/// </summary>
public sealed class IntelWebhook
{
    public long Id { get; set; }

    /// <summary>The public id in URLs.</summary>
    public Guid PublicId { get; set; }

    public Guid OrganisationId { get; set; }

    public string Name { get; set; } = "";

    public string Url { get; set; } = "";

    /// <summary>The signing secret, protected with the node's data-protection keys (it must be readable to sign).</summary>
    public string ProtectedSecret { get; set; } = "";

    /// <summary>STIX types wanted, space-separated; empty for all.</summary>
    public string StixTypes { get; set; } = "";

    /// <summary>Change kinds wanted as a bit set of <c>1 &lt;&lt; IntelChangeKind</c>; 0 for all.</summary>
    public int Kinds { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>The last outbox sequence this webhook has looked at (its position in <c>IntelChanges</c>).</summary>
    public long Cursor { get; set; }

    public Guid CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public enum WebhookDeliveryStatus : short
{
    Pending = 0,
    Delivered = 1,
    /// <summary>Gave up after the configured number of attempts.</summary>
    Failed = 2,
}

/// <summary>
/// One POST to a webhook: the outbox range it covers (the body is built at each attempt, through the access
/// decision as of that moment, so no TLP content waits in this table), its attempts and outcome.
/// </summary>
public sealed class IntelWebhookDelivery
{
    public long Id { get; set; }

    public long WebhookId { get; set; }

    public long FirstSequence { get; set; }

    public long LastSequence { get; set; }

    /// <summary>Changes in the range the webhook's organisation could read when it was enqueued.</summary>
    public int EventCount { get; set; }

    public WebhookDeliveryStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }
}

internal sealed class IntelWebhookConfiguration : IEntityTypeConfiguration<IntelWebhook>
{
    public void Configure(EntityTypeBuilder<IntelWebhook> b)
    {
        b.ToTable("IntelWebhooks");
        b.HasKey(w => w.Id);
        b.HasIndex(w => w.PublicId).IsUnique();
        b.HasIndex(w => new { w.OrganisationId, w.Id });
        b.HasOne<Organisation>().WithMany().HasForeignKey(w => w.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.Property(w => w.Name).HasMaxLength(WebhookLimits.NameLength);
        b.Property(w => w.Url).HasMaxLength(WebhookLimits.UrlLength);
        b.Property(w => w.ProtectedSecret).HasMaxLength(1000);
        b.Property(w => w.StixTypes).HasMaxLength(WebhookLimits.StixTypesLength);
    }
}

internal sealed class IntelWebhookDeliveryConfiguration : IEntityTypeConfiguration<IntelWebhookDelivery>
{
    public void Configure(EntityTypeBuilder<IntelWebhookDelivery> b)
    {
        b.ToTable("IntelWebhookDeliveries");
        b.HasKey(d => d.Id);
        b.HasOne<IntelWebhook>().WithMany().HasForeignKey(d => d.WebhookId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(d => new { d.WebhookId, d.Id });
        b.HasIndex(d => new { d.Status, d.NextAttemptAt });
        b.Property(d => d.LastError).HasMaxLength(WebhookLimits.ErrorLength);
    }
}

public static class WebhookLimits
{
    public const int NameLength = 200;
    public const int UrlLength = 2000;
    public const int StixTypesLength = 1000;
    public const int ErrorLength = 500;
    public const int MinSecretLength = 16;
    public const int MaxSecretLength = 200;
}
