using System.ComponentModel.DataAnnotations;

namespace Rampart.Server.Intelligence.Feeds;

/// <summary><c>Rampart:Feeds</c>: where feeds may come from and how big they may be.</summary>
public sealed class FeedOptions
{
    public const string Section = "Rampart:Feeds";

    /// <summary>The folder local-file feeds are read from; no file feeds when unset. Paths outside it are refused.</summary>
    [MaxLength(1000)]
    public string? Folder { get; set; }

    /// <summary>Allow feed URLs on loopback, link-local and private addresses (see <c>Rampart:Webhooks:AllowPrivateTargets</c>).</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>Allow <c>http://</c> feed URLs (many public feeds are still plain HTTP; TLS is better).</summary>
    public bool AllowHttp { get; set; } = true;

    /// <summary>How often the feed job looks for feeds that are due.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The largest document (a bundle, a list, one MISP event) read from a feed.</summary>
    [Range(1024, 2L * 1024 * 1024 * 1024)]
    public long MaxBytes { get; set; } = 200L * 1024 * 1024;

    /// <summary>The shortest schedule an organisation may set.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMinutes(5);
}
