using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Incidents.Attachments;
using Rampart.Standards.Mail;

namespace Rampart.Server.Incidents.Reports;

/// <summary>What became of one mailed message.</summary>
public sealed record MailOutcome(bool Accepted, IncidentReport? Report, bool Created, string? Reason);

/// <summary>
/// One mailed message (raw .eml bytes) → a report, for the drop folder and IMAP alike: read by <see cref="IntakeMessageReader"/>
/// (limits from <c>Rampart:Intake:Mail</c>), stored idempotently by <see cref="ReportEditing.CreateFromMailAsync"/>, then
/// acknowledged to the sender by e-mail when SMTP is configured. A refused message makes no report and is audited.
/// </summary>
public sealed partial class MailIntake(
    ReportEditing editing, IReportAcknowledger acknowledger, AuditTrail audit, IOptions<IntakeLimits> limits, IOptions<AttachmentOptions> attachments, ILogger<MailIntake> logger)
{
    public async Task<MailOutcome> ProcessAsync(ReadOnlyMemory<byte> raw, string source, CancellationToken cancellationToken)
    {
        IntakeMessage message;
        try
        {
            message = IntakeMessageReader.Read(raw, limits.Value, cancellationToken);
            var result = await editing.CreateFromMailAsync(message, attachments.Value.MaxBytes, cancellationToken);
            if (result is not { } created)
            {
                return new MailOutcome(false, null, false, "No intake team is configured (Rampart:Intake:Organisation).");
            }

            if (created.Created && created.Report.ReporterEmail is { } to)
            {
                await AcknowledgeAsync(created.Report, to, cancellationToken);
            }

            return new MailOutcome(true, created.Report, created.Created, null);
        }
        catch (IntakeException e)
        {
            return await RefuseAsync(e, source, cancellationToken);
        }
    }

    /// <summary>
    /// Refuses a message without reading it (the mail jobs' size check, before a download): no report, audited as
    /// <see cref="ProcessAsync"/> audits a refusal.
    /// </summary>
    public async Task<MailOutcome> RefuseAsync(IntakeException refusal, string source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        var reason = $"{refusal.Refusal}: {refusal.Message}";
        await audit.RecordNowAsync(AuditEvent.IncidentReportMailRefused, new Caller(Guid.Empty, Guid.Empty, Role.Viewer, new HashSet<Guid>(), Credential: "mail-intake"),
            $"mail:{source}", AuditOutcome.Failed, reason, cancellationToken);
        return new MailOutcome(false, null, false, reason);
    }

    private async Task AcknowledgeAsync(IncidentReport report, string to, CancellationToken cancellationToken)
    {
        try
        {
            if (await acknowledger.AcknowledgeAsync(report, to, cancellationToken))
            {
                await editing.MailAcknowledgedAsync(report, cancellationToken);
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or MailKit.ServiceNotConnectedException
                                      or MailKit.Net.Smtp.SmtpCommandException or MailKit.Net.Smtp.SmtpProtocolException or MailKit.Security.AuthenticationException)
        {
            // The report stands; only the mail did not go out (the reporter sees no "mail acknowledged" event).
            LogAcknowledgementFailed(logger, report.HumanId, e.GetType().Name);
        }
    }

    [LoggerMessage(EventId = 7701, Level = LogLevel.Warning, Message = "The e-mail acknowledgement of {Report} could not be sent ({Error}).")]
    private static partial void LogAcknowledgementFailed(ILogger logger, string report, string error);
}
