using System.ComponentModel.DataAnnotations;

namespace Rampart.Server.Incidents.Notifications;

/// <summary><c>Rampart:Notifications</c>: how often notifications are fanned out and how e-mail is retried. SMTP itself is <c>Rampart:Intake:Smtp</c>.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Rampart:Notifications";

    /// <summary>How often the fan-out, e-mail and webhook jobs run.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A deadline is announced once when it is due within this window, and once when it is overdue.</summary>
    [Range(typeof(TimeSpan), "00:10:00", "2.00:00:00")]
    public TimeSpan DueSoonWindow { get; set; } = TimeSpan.FromHours(6);

    /// <summary>Deadlines overdue for longer than this are not announced any more (a node back after a long stop does not flood).</summary>
    [Range(typeof(TimeSpan), "01:00:00", "30.00:00:00")]
    public TimeSpan OverdueLookback { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Events handled per run.</summary>
    [Range(1, 5000)]
    public int BatchSize { get; set; } = 200;

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MailRetryBaseDelay { get; set; } = TimeSpan.FromMinutes(1);

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan MailRetryMaxDelay { get; set; } = TimeSpan.FromHours(2);

    [Range(1, 50)]
    public int MailMaxAttempts { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan MailTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
