using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Organisations;
using Rampart.Standards.Markings;

namespace Rampart.Server.Intelligence.Feeds;

/// <summary>Stored as a number: never renumber, only add.</summary>
public enum FeedFormat : short
{
    StixBundle = 1,
    /// <summary>A MISP feed: <c>manifest.json</c> beside one <c>{uuid}.json</c> per event.</summary>
    MispFeed = 2,
    Csv = 3,
    /// <summary>One value per line (IPs, CIDRs, domains, URLs, hashes); <c>#</c> starts a comment.</summary>
    PlainList = 4,
}

public enum WarningListAction : short
{
    /// <summary>Store values on a warning list, marked as such.</summary>
    Flag = 1,
    /// <summary>Leave values on a warning list out.</summary>
    Drop = 2,
}

public enum FeedStatus : short
{
    Never = 0,
    Ingested = 1,
    /// <summary>The source answered 304, or the content (or every MISP event) was the same as last time.</summary>
    Unchanged = 2,
    Failed = 3,
}

/// <summary>
/// A saved feed of an organisation: a source (a URL, or a file under <c>Rampart:Feeds:Folder</c>) pulled on a
/// schedule; what it brings is owned by the organisation and shared with the feed's TLP and audience.
/// </summary>
public sealed class IntelFeed
{
    public long Id { get; set; }

    public Guid PublicId { get; set; }

    public Guid OrganisationId { get; set; }

    public string Name { get; set; } = "";

    /// <summary>An http(s) URL, or null when <see cref="FilePath"/> is set.</summary>
    public string? Url { get; set; }

    /// <summary>A path relative to the configured feed folder, or null when <see cref="Url"/> is set.</summary>
    public string? FilePath { get; set; }

    public FeedFormat Format { get; set; }

    /// <summary>Pulled every this many seconds.</summary>
    public int IntervalSeconds { get; set; }

    public Tlp Tlp { get; set; }

    /// <summary>The audience entries as JSON (the API's <c>audiences</c> form).</summary>
    public string AudienceJson { get; set; } = "[]";

    /// <summary>Labels added to every object, space-separated.</summary>
    public string Labels { get; set; } = "";

    public WarningListAction WarningLists { get; set; } = WarningListAction.Flag;

    /// <summary>The CSV column mapping (the ingest's mapping JSON), for <see cref="FeedFormat.Csv"/>.</summary>
    public string? CsvMapping { get; set; }

    public bool Enabled { get; set; } = true;

    public Guid CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    // Pull state.
    public DateTimeOffset NextPullAt { get; set; }

    public DateTimeOffset? LastPulledAt { get; set; }

    public DateTimeOffset? LastChangedAt { get; set; }

    public FeedStatus Status { get; set; }

    public string? LastError { get; set; }

    /// <summary>The source's <c>ETag</c> of the last full answer, sent back as <c>If-None-Match</c>.</summary>
    public string? ETag { get; set; }

    /// <summary>The source's <c>Last-Modified</c>, sent back as <c>If-Modified-Since</c>.</summary>
    public string? LastModified { get; set; }

    public int LastAdded { get; set; }

    public int LastUpdated { get; set; }

    public int LastUnchanged { get; set; }

    public int LastRejected { get; set; }

    public long TotalAdded { get; set; }

    public long Pulls { get; set; }
}

/// <summary>
/// What a feed last brought, per part: the whole document (key "") or a MISP event (its uuid), with the hash
/// of its content (or the manifest's timestamp), so an unchanged part is not handed to the store again.
/// </summary>
public sealed class IntelFeedItem
{
    public long FeedId { get; set; }

    public string Key { get; set; } = "";

    public string Hash { get; set; } = "";
}

internal sealed class IntelFeedConfiguration : IEntityTypeConfiguration<IntelFeed>
{
    public void Configure(EntityTypeBuilder<IntelFeed> b)
    {
        b.ToTable("IntelFeeds");
        b.HasKey(f => f.Id);
        b.HasIndex(f => f.PublicId).IsUnique();
        b.HasIndex(f => new { f.OrganisationId, f.Id });
        b.HasIndex(f => new { f.Enabled, f.NextPullAt });
        b.HasOne<Organisation>().WithMany().HasForeignKey(f => f.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.Property(f => f.Name).HasMaxLength(FeedLimits.NameLength);
        b.Property(f => f.Url).HasMaxLength(FeedLimits.LocationLength);
        b.Property(f => f.FilePath).HasMaxLength(FeedLimits.LocationLength);
        b.Property(f => f.AudienceJson).HasMaxLength(20000);
        b.Property(f => f.Labels).HasMaxLength(FeedLimits.LabelsLength);
        b.Property(f => f.CsvMapping).HasMaxLength(10000);
        b.Property(f => f.LastError).HasMaxLength(FeedLimits.ErrorLength);
        b.Property(f => f.ETag).HasMaxLength(1000);
        b.Property(f => f.LastModified).HasMaxLength(100);
    }
}

internal sealed class IntelFeedItemConfiguration : IEntityTypeConfiguration<IntelFeedItem>
{
    public void Configure(EntityTypeBuilder<IntelFeedItem> b)
    {
        b.ToTable("IntelFeedItems");
        b.HasKey(i => new { i.FeedId, i.Key });
        b.Property(i => i.Key).HasMaxLength(100);
        b.Property(i => i.Hash).HasMaxLength(64);
        b.HasOne<IntelFeed>().WithMany().HasForeignKey(i => i.FeedId).OnDelete(DeleteBehavior.Cascade);
    }
}

public static class FeedLimits
{
    public const int NameLength = 200;
    public const int LocationLength = 2000;
    public const int LabelsLength = 2000;
    public const int ErrorLength = 1000;
    public const int MaxLabels = 20;
    public const int LabelLength = 100;
}
