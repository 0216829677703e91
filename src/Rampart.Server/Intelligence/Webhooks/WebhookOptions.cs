using System.ComponentModel.DataAnnotations;

namespace Rampart.Server.Intelligence.Webhooks;

/// <summary><c>Rampart:Webhooks</c>: where webhooks may point and how deliveries are retried.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Rampart:Webhooks";

    /// <summary>
    /// Allow targets on loopback, link-local, private and other non-public addresses (checked at registration
    /// and again on every connection, so DNS cannot be re-pointed). Off: the node is not a proxy into its own network.
    /// </summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>Allow <c>http://</c> targets (deliveries carry TLP-marked content and a signature; off by default).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>How often the delivery job looks for new changes and due retries.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait after the first failed attempt; doubled after each further one, up to <see cref="RetryMaxDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Attempts before a delivery is marked failed and the webhook moves on.</summary>
    [Range(1, 50)]
    public int MaxAttempts { get; set; } = 12;

    /// <summary>At most this many changes in one delivery.</summary>
    [Range(1, 5000)]
    public int BatchSize { get; set; } = 500;
}
