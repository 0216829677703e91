using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Organisations;
using Rampart.Standards.Markings;

namespace Rampart.Server.Taxii;

/// <summary>
/// A TAXII collection: a view over the intelligence store defined by administrators — which objects it holds
/// (filters), who may read and write through it, and how objects written through it are shared. What a reader
/// gets is always the filter <em>and</em> the access decision: a collection never widens who reads a record.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "A TAXII collection is the specification's term, not a .NET collection.")]
public sealed class TaxiiCollection
{
    /// <summary>Database key: the keyset order of lists.</summary>
    public long Key { get; set; }

    /// <summary>The TAXII collection id (a UUID, in URLs).</summary>
    public Guid Id { get; set; }

    /// <summary>The organisation whose admins manage it; null: a network collection, managed by node admins.</summary>
    public Guid? OrganisationId { get; set; }

    public required string Title { get; set; }

    public string? Description { get; set; }

    /// <summary>Optional URL-friendly alias (unique within the owning organisation, or among network collections), usable in place of the id.</summary>
    public string? Alias { get; set; }

    /// <summary>The collection's filters as JSON (<see cref="CollectionFilter"/>).</summary>
    public required string FilterJson { get; set; }

    /// <summary>Who may read through it, as JSON grantee entries (<see cref="CollectionGrantee"/>).</summary>
    public required string ReadersJson { get; set; }

    /// <summary>Who may write through it, as JSON grantee entries.</summary>
    public required string WritersJson { get; set; }

    /// <summary>The TLP objects written through the collection get (the floor: an object's own stricter marking wins).</summary>
    public Tlp WriteTlp { get; set; }

    /// <summary>The audience objects written through the collection get, as JSON audience entries.</summary>
    public required string WriteAudienceJson { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// A POST of an envelope: the import job that stores it (same id) and what the TAXII status resource needs beyond
/// the job's per-object outcomes — the collection, the request time and each object's id and version, by position.
/// Stored in the database, so any app server answers the status.
/// </summary>
public sealed class TaxiiStatus
{
    /// <summary>The status id, equal to the import job's id.</summary>
    public Guid Id { get; set; }

    public Guid CollectionId { get; set; }

    public Guid OrganisationId { get; set; }

    public DateTimeOffset RequestTimestamp { get; set; }

    public int TotalCount { get; set; }

    /// <summary>JSON array of [id, version] pairs in envelope order (version null when the object had no timestamp).</summary>
    public required string ObjectsJson { get; set; }
}

internal sealed class TaxiiCollectionConfiguration : IEntityTypeConfiguration<TaxiiCollection>
{
    public void Configure(EntityTypeBuilder<TaxiiCollection> b)
    {
        b.ToTable("TaxiiCollections");
        b.HasKey(c => c.Key);
        b.Property(c => c.Key).ValueGeneratedOnAdd();
        b.HasIndex(c => c.Id).IsUnique();
        // Aliases are unique within their owner: among the network's collections, and among each organisation's.
        b.HasIndex(c => c.Alias).IsUnique().HasFilter("\"Alias\" IS NOT NULL AND \"OrganisationId\" IS NULL");
        b.HasIndex(c => new { c.OrganisationId, c.Alias }).IsUnique().HasFilter("\"Alias\" IS NOT NULL AND \"OrganisationId\" IS NOT NULL");
        b.HasIndex(c => new { c.OrganisationId, c.Key });
        b.HasOne<Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.Property(c => c.Title).HasMaxLength(TaxiiLimits.TitleLength);
        b.Property(c => c.Description).HasMaxLength(TaxiiLimits.DescriptionLength);
        b.Property(c => c.Alias).HasMaxLength(TaxiiLimits.AliasLength);
    }
}

internal sealed class TaxiiStatusConfiguration : IEntityTypeConfiguration<TaxiiStatus>
{
    public void Configure(EntityTypeBuilder<TaxiiStatus> b)
    {
        b.ToTable("TaxiiStatuses");
        b.HasKey(s => s.Id);
        b.Property(s => s.Id).ValueGeneratedNever();
        b.HasIndex(s => new { s.OrganisationId, s.Id });
        b.HasOne<Organisation>().WithMany().HasForeignKey(s => s.OrganisationId).OnDelete(DeleteBehavior.Restrict);
    }
}

public static class TaxiiLimits
{
    public const int TitleLength = 200;
    public const int DescriptionLength = 2000;
    public const int AliasLength = 64;
    public const int MaxFilterEntries = 100;
    public const int MaxGrantees = 100;
}
