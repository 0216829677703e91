using System.ComponentModel.DataAnnotations;

namespace Rampart.Server.Scheduling;

/// <summary><c>Rampart:Scheduler</c>: how often app servers look for due jobs and how long a claim lasts.</summary>
public sealed class SchedulerOptions
{
    public const string Section = "Rampart:Scheduler";

    /// <summary>Run due jobs from this app server at all (false: another app server of the node runs them).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often this app server looks for due jobs (one indexed read per job name).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a claim on a job lasts without renewal. The holder renews it every third of this while the job
    /// runs; if the holder dies, another app server takes the job over once the lease has expired.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);
}
