using System.Globalization;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MimeKit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Incidents.Reports;
using Rampart.Server.Scheduling;

namespace Rampart.Server.Incidents.Notifications;

/// <summary>
/// Sends the notification e-mails that are due (one app server at a time), each checked again first: the person still active,
/// still wanting e-mail for the kind, still able to read the record — otherwise it is dropped, not sent. Every message is
/// PGP/MIME (RFC 3156): signed with the node's key, and signed-then-encrypted to the person's key when they have set one.
/// Only an encrypted message carries the label (a task's or request's title); a signed-only one names the kind and number.
/// </summary>
public sealed partial class NotificationMailJob(
    RampartDb db,
    NotificationRecipients recipients,
    NotificationPreferences preferences,
    NodePgpKey nodeKey,
    IStringLocalizer<NotificationTexts> texts,
    IOptionsMonitor<IntakeOptions> intake,
    IOptions<NodeOptions> node,
    Microsoft.AspNetCore.Hosting.Server.IServer server,
    IOptions<NotificationOptions> options,
    TimeProvider clock,
    ILogger<NotificationMailJob> logger) : IScheduledJob
{
    public const string JobName = "notifications.mail";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var smtp = intake.CurrentValue.Smtp;
        if (!NotificationMail.Configured(intake.CurrentValue))
        {
            return;
        }

        var now = clock.GetUtcNow();
        var due = await db.Notifications.AsNoTracking()
            .Where(n => n.MailStatus == NotificationMailStatus.Pending && n.MailNextAttemptAt <= now)
            .OrderBy(n => n.MailNextAttemptAt).ThenBy(n => n.Id).Select(n => n.Id).Take(100).ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return;
        }

        var key = await nodeKey.LoadAsync(cancellationToken);
        using var client = new SmtpClient { Timeout = (int)options.Value.MailTimeout.TotalMilliseconds };
        foreach (var id in due)
        {
            var n = await db.Notifications.FirstAsync(x => x.Id == id, cancellationToken);
            var message = await ComposeAsync(n, key, smtp.From!, cancellationToken);
            if (message is null)
            {
                n.MailStatus = NotificationMailStatus.Dropped;
                n.MailNextAttemptAt = null;
            }
            else
            {
                n.MailAttempts++;
                try
                {
                    if (!client.IsConnected)
                    {
                        await client.ConnectAsync(smtp.Host!, smtp.Port, smtp.Tls switch
                        {
                            MailTls.SslOnConnect => SecureSocketOptions.SslOnConnect,
                            MailTls.StartTls => SecureSocketOptions.StartTls,
                            _ => SecureSocketOptions.None,
                        }, cancellationToken);
                        if (!string.IsNullOrEmpty(smtp.User))
                        {
                            await client.AuthenticateAsync(smtp.User, smtp.Password ?? "", cancellationToken);
                        }
                    }

                    await client.SendAsync(message, cancellationToken);
                    n.MailStatus = NotificationMailStatus.Sent;
                    n.MailNextAttemptAt = null;
                    n.MailError = null;
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or MailKit.ProtocolException or MailKit.CommandException or TimeoutException or AuthenticationException)
                {
                    var o = options.Value;
                    n.MailError = e.Message[..Math.Min(e.Message.Length, NotificationLimits.ErrorLength)];
                    if (n.MailAttempts >= o.MailMaxAttempts)
                    {
                        n.MailStatus = NotificationMailStatus.Failed;
                        n.MailNextAttemptAt = null;
                        LogGaveUp(logger, n.Id, n.MailAttempts);
                    }
                    else
                    {
                        var delay = o.MailRetryBaseDelay * Math.Pow(2, Math.Min(n.MailAttempts - 1, 30));
                        n.MailNextAttemptAt = clock.GetUtcNow() + (delay > o.MailRetryMaxDelay ? o.MailRetryMaxDelay : delay);
                    }

                    if (client.IsConnected)
                    {
                        await client.DisconnectAsync(true, CancellationToken.None);
                    }
                }
            }

            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }

        if (client.IsConnected)
        {
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
    }

    /// <summary>The message for <paramref name="n"/>, or null when it must not go out any more.</summary>
    private async Task<MimeMessage?> ComposeAsync(Notification n, NodePgpKey.Loaded key, string from, CancellationToken cancellationToken)
    {
        var userId = n.UserId;
        var user = await db.Users.AsNoTracking().Where(u => u.Id == userId && !u.Disabled).Select(u => new { u.Email, u.Culture }).FirstOrDefaultAsync(cancellationToken);
        if (user?.Email is null || !MailboxAddress.TryParse(user.Email, out var to)
            || !(await preferences.OfAsync(userId, n.Kind, cancellationToken)).Email
            || await recipients.PersonCallerAsync(userId, cancellationToken) is not { } person
            || !await recipients.StillReadableAsync(n, person, cancellationToken))
        {
            return null;
        }

        var pgp = await db.NotificationPgpKeys.AsNoTracking().Where(k => k.UserId == userId).Select(k => k.Armored).FirstOrDefaultAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var recipientKey = pgp is null ? null : OpenPgp.ReadPublicRing(pgp) is { } ring ? OpenPgp.EncryptionKey(ring, now) : null;
        var culture = CultureInfo.GetCultureInfo(string.IsNullOrEmpty(user.Culture) ? "en" : user.Culture);
        var (ui, current) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        string kind, open;
        try
        {
            CultureInfo.CurrentUICulture = culture;
            CultureInfo.CurrentCulture = culture;
            kind = texts[$"Kind.{NotificationPreferences.Name(n.Kind)}"];
            open = texts["MailOpen"];
        }
        finally
        {
            CultureInfo.CurrentUICulture = ui;
            CultureInfo.CurrentCulture = current;
        }

        // A mail client opens only absolute links: the public address, else the address the node listens on (as the first-start message).
        var link = NotificationMail.BaseUrl(node.Value.PublicUrl, server) + n.Link;
        var lines = new List<string> { kind, n.Reference };
        if (recipientKey is not null && n.Label is not null)
        {
            lines.Add(n.Label);
        }

        lines.Add("");
        lines.Add($"{open} {link}");
        var body = new TextPart("plain") { Text = string.Join("\n", lines) + "\n", ContentTransferEncoding = ContentEncoding.QuotedPrintable };
        body.ContentType.Charset = "utf-8";
        var canonical = Canonical(body);

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(to);
        message.Subject = $"[Rampart] {kind} {n.Reference}";
        message.Headers.Add("Auto-Submitted", "auto-generated");
        message.MessageId = $"{n.PublicId:N}@rampart.notifications";
        if (recipientKey is null)
        {
            var signed = new Multipart("signed");
            signed.ContentType.Parameters.Add("micalg", "pgp-sha256");
            signed.ContentType.Parameters.Add("protocol", "application/pgp-signature");
            signed.Add(body);
            signed.Add(Part("application", "pgp-signature", OpenPgp.SignDetached(key.Secret, canonical, now), "signature.asc"));
            message.Body = signed;
        }
        else
        {
            var encrypted = new Multipart("encrypted");
            encrypted.ContentType.Parameters.Add("protocol", "application/pgp-encrypted");
            encrypted.Add(Part("application", "pgp-encrypted", "Version: 1\r\n", null));
            encrypted.Add(Part("application", "octet-stream", OpenPgp.SignAndEncrypt(key.Secret, recipientKey, canonical, now), "encrypted.asc"));
            message.Body = encrypted;
        }

        return message;
    }

    /// <summary>The MIME entity as it goes on the wire (CRLF line ends): what the signature covers (RFC 3156 §5).</summary>
    public static byte[] Canonical(MimeEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        using var buffer = new MemoryStream();
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        entity.WriteTo(format, buffer);
        return buffer.ToArray();
    }

    private static MimePart Part(string type, string subtype, string text, string? fileName)
    {
        var part = new MimePart(type, subtype)
        {
            Content = new MimeContent(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(text))),
            ContentTransferEncoding = ContentEncoding.SevenBit,
        };
        if (fileName is not null)
        {
            part.FileName = fileName;
        }

        return part;
    }

    [LoggerMessage(EventId = 7910, Level = LogLevel.Warning, Message = "Notification {Notification} e-mail failed {Attempts} times; given up")]
    private static partial void LogGaveUp(ILogger logger, long notification, int attempts);
}
