using System.ComponentModel.DataAnnotations;

namespace Rampart.Server.Intelligence.Live;

/// <summary><c>Rampart:Intel:Stream</c>: how the change outbox is followed by live streams and webhooks.</summary>
public sealed class IntelStreamOptions
{
    public const string Section = "Rampart:Intel:Stream";

    /// <summary>How often an open stream looks at the outbox for new changes (one primary-key range read).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// On PostgreSQL while this app server's listener is connected: how often a stream looks at the outbox anyway
    /// (notifications wake it at once; this is the fallback should one be lost). See <see cref="IntelChangeSignal"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan NotifiedPollInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a reader waits at a hole in the outbox sequence before passing it. On PostgreSQL a
    /// sequence number is taken when a change is written, not when it commits, so a long import can commit
    /// its numbers after a later, shorter write: readers hold at the hole until the change after it is this
    /// old. A hole older than this is a rolled-back write. On PostgreSQL a hole is usually passed much sooner, as soon as
    /// every transaction that could still commit one of its numbers has ended (<see cref="IntelChangeHorizon"/>); this
    /// bound is what remains when a transaction stays open that long.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan GapSettle { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>At most this many outbox rows per read.</summary>
    [Range(1, 10000)]
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// A stream ends after this long and the client reconnects with <c>Last-Event-ID</c>: its credentials and
    /// memberships are checked afresh, and a revoked key or a disabled user stops receiving within this time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often an open stream re-reads its caller (disabled user, changed organisation or communities).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A comment line this often keeps proxies from closing an idle stream.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);
}
