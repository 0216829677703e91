using System.ComponentModel.DataAnnotations;

namespace Rampart.Server.Incidents.Reports;

/// <summary>
/// The node's report intake (section <see cref="Section"/>, README "Incident reports"). The intake team is the people of
/// one organisation — the node's national CERT — named here by its short name; node administrators as such are not it.
/// Unset: the node takes no reports (creating one is a 409) and the mail jobs do nothing.
/// </summary>
/// <summary>The intake team's short name is pinned: no organisation is renamed to it or away from it while configured (see <see cref="Organisations.IPinnedShortName"/>).</summary>
public sealed class IntakeShortName(Microsoft.Extensions.Options.IOptionsMonitor<IntakeOptions> options) : Organisations.IPinnedShortName
{
    public string? ShortName => options.CurrentValue.Organisation;

    public string Role => "the node's intake team (Rampart:Intake:Organisation)";
}

public sealed class IntakeOptions
{
    public const string Section = "Rampart:Intake";

    /// <summary>Short name of the intake organisation (e.g. <c>AL-CSIRT</c>).</summary>
    [MaxLength(40)]
    public string? Organisation { get; set; }

    /// <summary>A folder of <c>.eml</c> files read by the drop-folder job; processed files go to <c>done/</c> or <c>failed/</c> beside them. Unset: off.</summary>
    public string? DropFolder { get; set; }

    /// <summary>How often the mail jobs look for new messages. Default one minute.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "1.00:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The mailbox read over IMAP; off without a host.</summary>
    public ImapSettings Imap { get; set; } = new();

    /// <summary>The SMTP server for acknowledgements to mail reporters; off without a host.</summary>
    public SmtpSettings Smtp { get; set; } = new();
}

/// <summary>How the connection is secured: <c>SslOnConnect</c> (993/465), <c>StartTls</c> (143/587), <c>None</c> (tests and loopback only).</summary>
public enum MailTls
{
    SslOnConnect = 0,
    StartTls = 1,
    None = 2,
}

public sealed class ImapSettings
{
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 993;

    public MailTls Tls { get; set; } = MailTls.SslOnConnect;

    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>The folder to read. Default INBOX.</summary>
    public string Folder { get; set; } = "INBOX";

    /// <summary>Where processed messages are moved; unset: they stay, flagged seen.</summary>
    public string? DoneFolder { get; set; }

    /// <summary>Most messages per run. Default 50.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 50;
}

public sealed class SmtpSettings
{
    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    public MailTls Tls { get; set; } = MailTls.StartTls;

    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender of acknowledgements, e.g. <c>intake@cert.example</c>.</summary>
    public string? From { get; set; }
}
