using System.ComponentModel.DataAnnotations;

namespace Rampart.Server.Taxii.Client;

/// <summary><c>Rampart:TaxiiClient</c>: where connections may go, how often the job looks, and the bounds of one run.</summary>
public sealed class TaxiiClientOptions
{
    public const string Section = "Rampart:TaxiiClient";

    /// <summary>Allow remote servers on loopback, link-local and private addresses (see <c>Rampart:Feeds:AllowPrivateTargets</c>).</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>Allow <c>http://</c> API roots (credentials then cross the network in clear; TLS is better).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>How often the job looks for connections that are due.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>One request's time limit.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The shortest schedule an organisation may set.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Objects asked for per page (<c>limit</c>); the remote may send fewer.</summary>
    [Range(1, 10000)]
    public int PageSize { get; set; } = 1000;

    /// <summary>The largest page (envelope) read from a remote server.</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxPageBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Pages pulled (and envelopes pushed) per connection and run; the rest follows at the next run.</summary>
    [Range(1, 100000)]
    public int MaxPagesPerRun { get; set; } = 1000;

    /// <summary>Between two reads of a pushed envelope's status resource.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan StatusPollDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Reads of a status resource before its pendings are recorded as pending.</summary>
    [Range(0, 1000)]
    public int MaxStatusPolls { get; set; } = 30;

    /// <summary>
    /// Status resources still pending after <see cref="MaxStatusPolls"/> reads that are kept per connection (in the
    /// database) and read again at the start of its next runs; beyond this the oldest are dropped. 0: none kept.
    /// </summary>
    [Range(0, 10000)]
    public int MaxKeptStatuses { get; set; } = 100;

    /// <summary>A kept status resource still pending after this long is dropped (its objects stay counted as pending in the run that sent them).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "90.00:00:00")]
    public TimeSpan KeepPendingStatusFor { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The longest <c>Retry-After</c> honoured; a longer one waits this long.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(6);
}
