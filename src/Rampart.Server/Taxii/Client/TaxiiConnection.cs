using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Organisations;
using Rampart.Standards.Markings;

namespace Rampart.Server.Taxii.Client;

/// <summary>Stored as a number: never renumber, only add.</summary>
[Flags]
public enum TaxiiDirection : short
{
    Pull = 1,
    Push = 2,
    Both = Pull | Push,
}

/// <summary>How the node authenticates to the remote server. Stored as a number.</summary>
public enum TaxiiAuthentication : short
{
    None = 0,
    /// <summary>HTTP Basic: a user name and a password (for a Rampart server: the e-mail and an API key).</summary>
    Basic = 1,
    /// <summary><c>Authorization: Bearer …</c>.</summary>
    Bearer = 2,
}

public enum TaxiiRunStatus : short
{
    Never = 0,
    Succeeded = 1,
    Failed = 2,
}

/// <summary>
/// A connection of an organisation to a collection of a remote TAXII 2.1 server: pulled into the store as the
/// organisation's (with the connection's TLP and audience), pushed from what the organisation owns (under its
/// filters and TLP ceiling), or both, on a schedule. The credentials are kept protected with the node's
/// Data Protection keys and are never shown back.
/// </summary>
public sealed class TaxiiConnection
{
    public long Id { get; set; }

    public Guid PublicId { get; set; }

    public Guid OrganisationId { get; set; }

    public string Name { get; set; } = "";

    /// <summary>The API root's absolute http(s) URL, ending with <c>/</c> (e.g. <c>https://taxii.example.org/api1/</c>).</summary>
    public string ApiRoot { get; set; } = "";

    /// <summary>The remote collection's id (or alias): one URL path segment.</summary>
    public string CollectionId { get; set; } = "";

    public TaxiiAuthentication Authentication { get; set; }

    /// <summary>The credentials (user and password, or token) protected with Data Protection; null without authentication.</summary>
    public string? ProtectedCredentials { get; set; }

    public TaxiiDirection Direction { get; set; }

    /// <summary>Pull: <c>match[type]</c> values, space-separated (empty: every type).</summary>
    public string PullTypes { get; set; } = "";

    /// <summary>Pull: where the first pull starts (<c>added_after</c>); null: from the beginning.</summary>
    public DateTimeOffset? PullStartAt { get; set; }

    /// <summary>Pull: the TLP given to pulled objects (an object's own stricter marking wins).</summary>
    public Tlp PullTlp { get; set; } = Tlp.Amber;

    /// <summary>Pull: the audience entries given to pulled objects, as JSON (the API's <c>audiences</c> form).</summary>
    public string PullAudienceJson { get; set; } = "[]";

    /// <summary>Push: the STIX types sent, space-separated (empty: every type).</summary>
    public string PushTypes { get; set; } = "";

    /// <summary>Push: only objects with one of these labels, space-separated (empty: any).</summary>
    public string PushLabels { get; set; } = "";

    /// <summary>Push: nothing above this TLP is sent; never RED.</summary>
    public Tlp PushTlpCeiling { get; set; } = Tlp.Green;

    /// <summary>Push: objects per envelope.</summary>
    public int PushBatchSize { get; set; } = 500;

    /// <summary>Run every this many seconds.</summary>
    public int IntervalSeconds { get; set; }

    public bool Enabled { get; set; } = true;

    public Guid CreatedByUserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    // Run state.
    public DateTimeOffset NextRunAt { get; set; }

    public DateTimeOffset? LastRunAt { get; set; }

    public TaxiiRunStatus Status { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? LastErrorAt { get; set; }

    /// <summary>Pull checkpoint: the remote's <c>X-TAXII-Date-Added-Last</c> of the last committed page, sent as <c>added_after</c>.</summary>
    public DateTimeOffset? PullCheckpoint { get; set; }

    /// <summary>
    /// The same checkpoint exactly as the remote wrote it (sent back verbatim as <c>added_after</c>): servers keep microseconds
    /// or more, and SQLite stores times to 100 µs — sent back rounded, the last object would be pulled again on every run.
    /// </summary>
    public string? PullCheckpointText { get; set; }

    /// <summary>Push checkpoint: the position (date added, record, version) of the last version the remote accepted.</summary>
    public DateTimeOffset? PushCheckpointAddedAt { get; set; }

    public long PushCheckpointRecordId { get; set; }

    public DateTimeOffset? PushCheckpointModified { get; set; }

    // Counts of the last run.
    public int LastPulled { get; set; }

    public int LastAdded { get; set; }

    public int LastUpdated { get; set; }

    public int LastUnchanged { get; set; }

    public int LastRejected { get; set; }

    public int LastPushed { get; set; }

    public int LastPushFailed { get; set; }

    public int LastPushPending { get; set; }

    // Totals.
    public long TotalPulled { get; set; }

    public long TotalPushed { get; set; }

    public long Runs { get; set; }
}

internal sealed class TaxiiConnectionConfiguration : IEntityTypeConfiguration<TaxiiConnection>
{
    public void Configure(EntityTypeBuilder<TaxiiConnection> b)
    {
        b.ToTable("TaxiiConnections");
        b.HasKey(c => c.Id);
        b.HasIndex(c => c.PublicId).IsUnique();
        b.HasIndex(c => new { c.OrganisationId, c.Id });
        b.HasIndex(c => new { c.Enabled, c.NextRunAt });
        b.HasOne<Organisation>().WithMany().HasForeignKey(c => c.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        b.Property(c => c.Name).HasMaxLength(TaxiiConnectionLimits.NameLength);
        b.Property(c => c.ApiRoot).HasMaxLength(TaxiiConnectionLimits.UrlLength);
        b.Property(c => c.CollectionId).HasMaxLength(TaxiiConnectionLimits.CollectionLength);
        b.Property(c => c.ProtectedCredentials).HasMaxLength(8000);
        b.Property(c => c.PullTypes).HasMaxLength(TaxiiConnectionLimits.ListLength);
        b.Property(c => c.PullCheckpointText).HasMaxLength(64);
        b.Property(c => c.PullAudienceJson).HasMaxLength(20000);
        b.Property(c => c.PushTypes).HasMaxLength(TaxiiConnectionLimits.ListLength);
        b.Property(c => c.PushLabels).HasMaxLength(TaxiiConnectionLimits.ListLength);
        b.Property(c => c.LastError).HasMaxLength(TaxiiConnectionLimits.ErrorLength);
    }
}

/// <summary>
/// A status resource of a pushed envelope that was still pending when a run stopped following it (after
/// <c>MaxStatusPolls</c> reads). Kept in the database, not in memory (any app server may run the connection next): the
/// next run reads it again, counts what became final since and drops it once complete, or when the remote answers 404
/// for it, or when it is older than <c>KeepPendingStatusFor</c>; at most <c>MaxKeptStatuses</c> per connection (the oldest go).
/// </summary>
public sealed class TaxiiPushStatus
{
    public long Id { get; set; }

    public long ConnectionId { get; set; }

    /// <summary>The remote's status resource id (<c>…/status/{id}/</c>).</summary>
    public string StatusId { get; set; } = "";

    /// <summary>Successes already counted in a run (the status resource's counts are for the whole envelope).</summary>
    public int Successes { get; set; }

    /// <summary>Failures already counted in a run.</summary>
    public int Failures { get; set; }

    /// <summary>Objects of the envelope still pending at the last read.</summary>
    public int Pendings { get; set; }

    public DateTimeOffset SentAt { get; set; }

    public DateTimeOffset LastCheckedAt { get; set; }
}

internal sealed class TaxiiPushStatusConfiguration : IEntityTypeConfiguration<TaxiiPushStatus>
{
    public void Configure(EntityTypeBuilder<TaxiiPushStatus> b)
    {
        b.ToTable("TaxiiPushStatuses");
        b.HasKey(s => s.Id);
        b.HasIndex(s => new { s.ConnectionId, s.StatusId }).IsUnique();
        b.HasOne<TaxiiConnection>().WithMany().HasForeignKey(s => s.ConnectionId).OnDelete(DeleteBehavior.Cascade);
        b.Property(s => s.StatusId).HasMaxLength(TaxiiConnectionLimits.StatusIdLength);
    }
}

public static class TaxiiConnectionLimits
{
    public const int StatusIdLength = 200;
    public const int NameLength = 200;
    public const int UrlLength = 2000;
    public const int CollectionLength = 200;
    public const int ListLength = 2000;
    public const int MaxListEntries = 20;
    public const int EntryLength = 100;
    public const int ErrorLength = 1000;
    public const int CredentialLength = 2000;
    public const int MaxConnectionsPerOrganisation = 100;
}
