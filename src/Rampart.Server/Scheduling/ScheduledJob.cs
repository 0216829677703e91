using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Rampart.Server.Scheduling;

/// <summary>
/// The durable state of one recurring job (ADR 11): when it is next due and which app server holds it now.
/// One row per job name; the row, not any process, is the truth, so a restart or another app server
/// picks up where the last run left off.
/// </summary>
public sealed class ScheduledJob
{
    public const int NameLength = 100;

    /// <summary>The job's stable name (e.g. <c>intel.webhooks</c>).</summary>
    public string Name { get; set; } = "";

    /// <summary>Not run before this time.</summary>
    public DateTimeOffset NextRunAt { get; set; }

    /// <summary>The app server running it now (null when idle).</summary>
    public string? LeaseHolder { get; set; }

    /// <summary>Until when the holder's claim is good; an expired lease (the holder died) may be taken over.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    public DateTimeOffset? LastStartedAt { get; set; }

    public DateTimeOffset? LastFinishedAt { get; set; }

    /// <summary>The last run's failure (type and message, bounded), null after a success.</summary>
    public string? LastError { get; set; }

    public long RunCount { get; set; }
}

internal sealed class ScheduledJobConfiguration : IEntityTypeConfiguration<ScheduledJob>
{
    public void Configure(EntityTypeBuilder<ScheduledJob> b)
    {
        b.ToTable("ScheduledJobs");
        b.HasKey(j => j.Name);
        b.Property(j => j.Name).HasMaxLength(ScheduledJob.NameLength);
        b.Property(j => j.LeaseHolder).HasMaxLength(200);
        b.Property(j => j.LastError).HasMaxLength(1000);
    }
}
