using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Rampart.Server.Capacity.Experts;

/// <summary>The list-valued fields of a profile, stored as one JSON column (search uses <see cref="ExpertFacet"/>).</summary>
public sealed record ExpertLists(IReadOnlyList<string> Languages, IReadOnlyList<string> Areas, IReadOnlyList<string> Tags)
{
    public static ExpertLists Empty { get; } = new([], [], []);
}

/// <summary>
/// A person's entry in the expert and fellowship directory. It exists only while the person consents: withdrawing
/// deletes it (and with its envelope every grant and search row), so it leaves every list at once. A shareable record
/// owned by the person's organisation with a network grant at TLP:GREEN: every logged-in member reads it, nobody else.
/// Only the person changes it.
/// </summary>
public sealed class ExpertProfile : IShareable
{
    public static RecordType Type => RecordType.ExpertProfile;

    public long RecordId { get; set; }

    public SharedRecord Record { get; set; } = null!;

    public Guid Id { get; set; }

    /// <summary>The person: the only one who changes or withdraws the profile and answers its requests.</summary>
    public Guid UserId { get; set; }

    public required string Name { get; set; }

    public required string Country { get; set; }

    public string Availability { get; set; } = "";

    /// <summary>Fellowship or alumni programme.</summary>
    public string Programme { get; set; } = "";

    public string ProfileText { get; set; } = "";

    /// <summary>The person consented to show their e-mail address to members.</summary>
    public bool ShowEmail { get; set; }

    public ExpertLists Lists { get; set; } = ExpertLists.Empty;

    /// <summary>When the person gave (last confirmed) their consent.</summary>
    public DateTimeOffset ConsentedAt { get; set; }

    /// <summary>The consent text version they agreed to.</summary>
    public int ConsentVersion { get; set; }

    public DateTimeOffset ModifiedAt { get; set; }
}

public enum ExpertFacetKind : short
{
    Area = 1,
    Language = 2,
    Country = 3,
    Tag = 4,
}

/// <summary>One searchable value of one profile: search by area, language or country is an equality lookup on the key.</summary>
public sealed class ExpertFacet
{
    public ExpertFacetKind Kind { get; set; }

    public required string Value { get; set; }

    public long RecordId { get; set; }

    public ExpertProfile? Profile { get; set; }
}

public enum ExpertRequestStatus
{
    Pending = 0,
    Accepted = 1,
    Declined = 2,
    /// <summary>The expert withdrew from the directory before answering.</summary>
    Closed = 3,
}

/// <summary>A request for help sent to an expert through the node; only the expert answers it.</summary>
public sealed class ExpertRequest
{
    public Guid Id { get; set; }

    public Guid ExpertUserId { get; set; }

    public Guid ExpertProfileId { get; set; }

    /// <summary>The expert's name when the request was sent (the profile may be withdrawn later).</summary>
    public required string ExpertName { get; set; }

    public Guid FromUserId { get; set; }

    public Guid FromOrganisationId { get; set; }

    public required string Subject { get; set; }

    public string Message { get; set; } = "";

    public ExpertRequestStatus Status { get; set; }

    public string? Response { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }
}

internal sealed class ExpertProfileConfiguration : IEntityTypeConfiguration<ExpertProfile>
{
    internal static readonly JsonSerializerOptions StoreJson = new(JsonSerializerDefaults.Web);

    public void Configure(EntityTypeBuilder<ExpertProfile> b)
    {
        b.ToTable("ExpertProfiles");
        b.HasKey(p => p.RecordId);
        b.Property(p => p.RecordId).ValueGeneratedNever();
        b.HasOne(p => p.Record).WithOne().HasForeignKey<ExpertProfile>(p => p.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(p => p.Id).IsUnique();
        b.HasIndex(p => p.UserId).IsUnique();
        b.Property(p => p.Name).HasMaxLength(ExpertRules.NameLength);
        b.Property(p => p.Country).HasMaxLength(2);
        b.Property(p => p.Availability).HasMaxLength(ExpertRules.LineLength);
        b.Property(p => p.Programme).HasMaxLength(ExpertRules.LineLength);
        b.Property(p => p.ProfileText).HasMaxLength(ExpertRules.TextLength);
        b.Property(p => p.Lists).HasConversion(
            v => JsonSerializer.Serialize(v, StoreJson),
            v => JsonSerializer.Deserialize<ExpertLists>(v, StoreJson) ?? ExpertLists.Empty,
            new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<ExpertLists>(
                (a, c) => JsonSerializer.Serialize(a, StoreJson) == JsonSerializer.Serialize(c, StoreJson),
                v => JsonSerializer.Serialize(v, StoreJson).GetHashCode(StringComparison.Ordinal),
                v => v));
    }
}

internal sealed class ExpertFacetConfiguration : IEntityTypeConfiguration<ExpertFacet>
{
    public void Configure(EntityTypeBuilder<ExpertFacet> b)
    {
        b.ToTable("ExpertFacets");
        b.HasKey(f => new { f.Kind, f.Value, f.RecordId });
        b.Property(f => f.Value).HasMaxLength(ExpertRules.TagLength);
        b.HasOne(f => f.Profile).WithMany().HasForeignKey(f => f.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(f => f.RecordId);
    }
}

internal sealed class ExpertRequestConfiguration : IEntityTypeConfiguration<ExpertRequest>
{
    public void Configure(EntityTypeBuilder<ExpertRequest> b)
    {
        b.ToTable("ExpertRequests");
        b.HasKey(r => r.Id);
        b.HasIndex(r => new { r.ExpertUserId, r.Id });
        b.HasIndex(r => new { r.FromUserId, r.Id });
        b.Property(r => r.ExpertName).HasMaxLength(ExpertRules.NameLength);
        b.Property(r => r.Subject).HasMaxLength(ExpertRules.LineLength);
        b.Property(r => r.Message).HasMaxLength(ExpertRules.TextLength);
        b.Property(r => r.Response).HasMaxLength(ExpertRules.TextLength);
    }
}
