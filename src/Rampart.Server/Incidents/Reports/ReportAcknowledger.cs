using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Rampart.Server.Incidents.Reports;

/// <summary>Sends a mail reporter the acknowledgement of their report (its number). The in-app acknowledgement is a report event.</summary>
public interface IReportAcknowledger
{
    /// <summary>True when an acknowledgement was sent; false when e-mail is not configured.</summary>
    Task<bool> AcknowledgeAsync(IncidentReport report, string toAddress, CancellationToken cancellationToken);
}

/// <summary>The acknowledgement over SMTP (MailKit), with the settings of <see cref="IntakeOptions.Smtp"/>; does nothing while no host is set.</summary>
public sealed class SmtpReportAcknowledger(IOptionsMonitor<IntakeOptions> options) : IReportAcknowledger
{
    public async Task<bool> AcknowledgeAsync(IncidentReport report, string toAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var smtp = options.CurrentValue.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host) || string.IsNullOrWhiteSpace(smtp.From) || !MailboxAddress.TryParse(toAddress, out var to))
        {
            return false;
        }

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(to);
        // Not the reporter's subject: a reply must not echo attacker-chosen text back out under the node's name.
        message.Subject = $"[{report.HumanId}] Report received";
        message.Headers.Add("Auto-Submitted", "auto-replied");
        message.Body = new TextPart("plain")
        {
            Text = $"Your report was received and registered as {report.HumanId} at {report.ReceivedAt:yyyy-MM-dd HH:mm} UTC.\n"
                + $"Please quote {report.HumanId} in any further message about it.\n\nThis is an automatic acknowledgement.\n",
        };
        using var client = new SmtpClient();
        await client.ConnectAsync(smtp.Host, smtp.Port, smtp.Tls switch
        {
            MailTls.SslOnConnect => SecureSocketOptions.SslOnConnect,
            MailTls.StartTls => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        }, cancellationToken);
        if (!string.IsNullOrEmpty(smtp.User))
        {
            await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
        return true;
    }
}
