using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Organisations;

namespace Rampart.Server.Incidents.Requests;

/// <summary>
/// A request for assistance inside an incident, from a participating organisation to one or more others taking part.
/// Not a shareable record of its own: it is part of the incident, read only through the incident's access decision,
/// and then only by the requesting organisation, the asked ones, and the incident's owner and coordinators.
/// </summary>
public sealed class AssistanceRequest
{
    public long Id { get; set; }

    /// <summary>UUIDv7, in URLs and the API.</summary>
    public Guid PublicId { get; set; }

    public long IncidentRecordId { get; set; }

    public Incident? Incident { get; set; }

    public AssistanceKind Kind { get; set; }

    public required string Title { get; set; }

    /// <summary>Markdown: what is asked (the indicators to block, the sample's hash, the constituent …).</summary>
    public required string Details { get; set; }

    public DateTimeOffset? DueAt { get; set; }

    public Guid RequesterOrganisationId { get; set; }

    public Guid RequesterUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<AssistanceRecipient> Recipients { get; set; } = [];
}

/// <summary>One asked organisation's copy of a request: its own state and answer.</summary>
public sealed class AssistanceRecipient
{
    public long Id { get; set; }

    /// <summary>UUIDv7; the due list names the deadline by it.</summary>
    public Guid PublicId { get; set; }

    public long RequestId { get; set; }

    public AssistanceRequest? Request { get; set; }

    /// <summary>Copied from the request: the lists check the incident with the access decision without a join through the request.</summary>
    public long IncidentRecordId { get; set; }

    public Guid OrganisationId { get; set; }

    /// <summary>Copied from the request, for the requester's "sent" list.</summary>
    public Guid RequesterOrganisationId { get; set; }

    public AssistanceState State { get; set; }

    /// <summary>Sent, acknowledged or accepted: still waiting for its answer.</summary>
    public bool Open { get; set; }

    /// <summary>Why it was declined or withdrawn.</summary>
    public string? Reason { get; set; }

    public string? Answer { get; set; }

    public Guid? AnsweredByUserId { get; set; }

    public DateTimeOffset ModifiedAt { get; set; }

    public int Version { get; set; }
}

public enum AssistanceKind
{
    AnalyseSample = 0,
    BlockIndicators = 1,
    NotifyConstituent = 2,
    ShareLogs = 3,
    Free = 4,
}

/// <summary>sent → acknowledged → accepted / declined (reason) → answered; withdrawn by the requester while open.</summary>
public enum AssistanceState
{
    Sent = 0,
    Acknowledged = 1,
    Accepted = 2,
    Declined = 3,
    Answered = 4,
    Withdrawn = 5,
}

public static class AssistanceLimits
{
    public const int TitleLength = 300;
    public const int DetailsLength = 20_000;
    public const int AnswerLength = 50_000;
    public const int ReasonLength = 2_000;
    public const int MaxRecipients = 30;
}

internal sealed class AssistanceRequestConfiguration : IEntityTypeConfiguration<AssistanceRequest>
{
    public void Configure(EntityTypeBuilder<AssistanceRequest> b)
    {
        b.ToTable("AssistanceRequests");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedOnAdd();
        b.HasIndex(r => r.PublicId).IsUnique();
        b.HasOne(r => r.Incident).WithMany().HasForeignKey(r => r.IncidentRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(r => new { r.IncidentRecordId, r.Id });
        b.Property(r => r.Title).HasMaxLength(AssistanceLimits.TitleLength);
        b.Property(r => r.Details).HasMaxLength(AssistanceLimits.DetailsLength);
        b.HasMany(r => r.Recipients).WithOne(c => c.Request).HasForeignKey(c => c.RequestId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AssistanceRecipientConfiguration : IEntityTypeConfiguration<AssistanceRecipient>
{
    public void Configure(EntityTypeBuilder<AssistanceRecipient> b)
    {
        b.ToTable("AssistanceRecipients");
        b.HasKey(r => r.Id);
        b.Property(r => r.Id).ValueGeneratedOnAdd();
        b.HasOne<Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(r => new { r.RequestId, r.OrganisationId }).IsUnique();
        b.HasIndex(r => r.PublicId).IsUnique();
        // "Received" and "sent", newest first, all or open only: each an index range.
        b.HasIndex(r => new { r.OrganisationId, r.Open, r.Id });
        b.HasIndex(r => new { r.OrganisationId, r.Id });
        b.HasIndex(r => new { r.RequesterOrganisationId, r.Open, r.Id });
        b.HasIndex(r => new { r.RequesterOrganisationId, r.Id });
        b.Property(r => r.Reason).HasMaxLength(AssistanceLimits.ReasonLength);
        b.Property(r => r.Answer).HasMaxLength(AssistanceLimits.AnswerLength);
        b.Property(r => r.Version).IsConcurrencyToken();
    }
}
