using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Access;
using Rampart.Server.Intelligence.Store;

namespace Rampart.Server.Intelligence.Sightings;

/// <summary>
/// One STIX sighting of an object, reported by an organisation: its own shareable record (owner = the sighting
/// organisation, so the access decision works), shared by default with the sighted object's owner. An anonymous
/// sighting stores no reference to the sighting organisation in its STIX and is never shown with one.
/// </summary>
public sealed class IntelSighting : IShareable
{
    public static RecordType Type => RecordType.Sighting;

    public long RecordId { get; set; }

    public SharedRecord Record { get; set; } = null!;

    /// <summary>The record of the sighted object (the copy the reporter could read).</summary>
    public long SightedRecordId { get; set; }

    public required string StixId { get; set; }

    public int Count { get; set; }

    public DateTimeOffset FirstSeen { get; set; }

    public DateTimeOffset LastSeen { get; set; }

    public string? Where { get; set; }

    public string? Note { get; set; }

    public bool Anonymous { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// When TAXII says the sighting was added to this node (<c>date_added</c>, the keyset of collection reads): the created
    /// time, and for an anonymous sighting the end of its hour — its created time is cut to the hour (never dated to the
    /// second), and a <c>date_added</c> in the past would slip behind a poller's <c>added_after</c>; TAXII serves only what
    /// was added before now, so it appears once its hour is over.
    /// </summary>
    public DateTimeOffset DateAdded { get; set; }

    /// <summary>The STIX <c>sighting</c> as stored.</summary>
    public required string Json { get; set; }
}

public static class SightingLimits
{
    public const int WhereLength = 200;

    public const int NoteLength = 4000;

    public const int MaxCount = 999_999_999;
}

internal sealed class IntelSightingConfiguration : IEntityTypeConfiguration<IntelSighting>
{
    public void Configure(EntityTypeBuilder<IntelSighting> b)
    {
        b.ToTable("IntelSightings");
        b.HasKey(s => s.RecordId);
        b.Property(s => s.RecordId).ValueGeneratedNever();
        b.HasOne(s => s.Record).WithOne().HasForeignKey<IntelSighting>(s => s.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<IntelObject>().WithMany().HasForeignKey(s => s.SightedRecordId).OnDelete(DeleteBehavior.Cascade);
        b.Property(s => s.StixId).HasMaxLength(IntelLimits.StixIdLength);
        b.Property(s => s.Where).HasMaxLength(SightingLimits.WhereLength);
        b.Property(s => s.Note).HasMaxLength(SightingLimits.NoteLength);
        b.HasIndex(s => new { s.SightedRecordId, s.CreatedAt, s.RecordId });
        b.HasIndex(s => new { s.DateAdded, s.RecordId });
        b.HasIndex(s => s.StixId);
    }
}
