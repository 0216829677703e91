using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Options;
using Rampart.Server.Scheduling;
using Rampart.Standards.Mail;

namespace Rampart.Server.Incidents.Reports;

/// <summary>
/// The drop folder (<see cref="IntakeOptions.DropFolder"/>): each <c>*.eml</c> becomes a report and moves to <c>done/</c>; one
/// refused moves to <c>failed/</c> with a <c>.reason.txt</c> beside it. A crash between the report's commit and the move is
/// harmless: the next run finds the message's receipt, makes no second report and moves the file.
/// </summary>
public sealed partial class DropFolderJob(MailIntake intake, ReportQueries reports, IOptionsMonitor<IntakeOptions> options, IOptions<IntakeLimits> limits, ILogger<DropFolderJob> logger)
    : IScheduledJob
{
    public const string JobName = "intake-drop-folder";

    private const int BatchSize = 100;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var folder = options.CurrentValue.DropFolder;
        if (string.IsNullOrWhiteSpace(folder) || !Directory.Exists(folder) || await reports.IntakeOrganisationAsync(cancellationToken) is null)
        {
            return;
        }

        var files = Directory.EnumerateFiles(folder, "*.eml", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal).Take(BatchSize).ToList();
        foreach (var path in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileName(path);
            byte[] raw;
            try
            {
                var length = new FileInfo(path).Length;
                if (length > limits.Value.MaxMessageBytes)
                {
                    Move(path, "failed", $"{IntakeRefusal.MessageTooLarge}: {length} bytes; the limit is {limits.Value.MaxMessageBytes}.");
                    continue;
                }

                raw = await File.ReadAllBytesAsync(path, cancellationToken);
            }
            catch (IOException e)
            {
                // Still being written, or gone: the next run tries again.
                LogUnreadable(logger, name, e.GetType().Name);
                continue;
            }

            var outcome = await intake.ProcessAsync(raw, name, cancellationToken);
            if (outcome.Accepted)
            {
                Move(path, "done", null);
                LogAccepted(logger, name, outcome.Report!.HumanId, outcome.Created);
            }
            else if (outcome.Report is null && outcome.Reason is { } reason && !reason.StartsWith("No intake team", StringComparison.Ordinal))
            {
                Move(path, "failed", reason);
                LogRefused(logger, name);
            }
        }
    }

    private static void Move(string path, string to, string? reason)
    {
        var folder = Path.Combine(Path.GetDirectoryName(path)!, to);
        Directory.CreateDirectory(folder);
        var name = Path.GetFileName(path);
        var target = Path.Combine(folder, name);
        for (var i = 1; File.Exists(target); i++)
        {
            target = Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(name)}.{i}{Path.GetExtension(name)}");
        }

        if (reason is not null)
        {
            File.WriteAllText(target + ".reason.txt", reason + "\n");
        }

        File.Move(path, target);
    }

    [LoggerMessage(EventId = 7702, Level = LogLevel.Information, Message = "Drop folder: {File} is report {Report} (new: {Created}).")]
    private static partial void LogAccepted(ILogger logger, string file, string report, bool created);

    [LoggerMessage(EventId = 7703, Level = LogLevel.Warning, Message = "Drop folder: {File} was refused and moved to failed/.")]
    private static partial void LogRefused(ILogger logger, string file);

    [LoggerMessage(EventId = 7704, Level = LogLevel.Warning, Message = "Drop folder: {File} could not be read now ({Error}); trying again next run.")]
    private static partial void LogUnreadable(ILogger logger, string file, string error);
}

/// <summary>
/// The intake mailbox over IMAP (<see cref="IntakeOptions.Imap"/>): unseen messages become reports through the same
/// <see cref="MailIntake"/> as the drop folder, then are flagged seen (and moved to the done folder when one is set); refused
/// ones are flagged seen and flagged. Thin on purpose: everything that decides is <see cref="MailIntake"/>, tested through
/// the drop folder; a crash before the flag is harmless (the receipt makes the next run a no-op for that message).
/// </summary>
public sealed partial class ImapIntakeJob(MailIntake intake, ReportQueries reports, IOptionsMonitor<IntakeOptions> options, ILogger<ImapIntakeJob> logger) : IScheduledJob
{
    public const string JobName = "intake-imap";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var imap = options.CurrentValue.Imap;
        if (string.IsNullOrWhiteSpace(imap.Host) || await reports.IntakeOrganisationAsync(cancellationToken) is null)
        {
            return;
        }

        using var client = new ImapClient();
        await client.ConnectAsync(imap.Host, imap.Port, imap.Tls switch
        {
            MailTls.SslOnConnect => SecureSocketOptions.SslOnConnect,
            MailTls.StartTls => SecureSocketOptions.StartTls,
            _ => SecureSocketOptions.None,
        }, cancellationToken);
        if (!string.IsNullOrEmpty(imap.User))
        {
            await client.AuthenticateAsync(imap.User, imap.Password ?? "", cancellationToken);
        }

        var folder = await client.GetFolderAsync(imap.Folder, cancellationToken);
        await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
        var done = string.IsNullOrWhiteSpace(imap.DoneFolder) ? null : await client.GetFolderAsync(imap.DoneFolder, cancellationToken);
        var unseen = await folder.SearchAsync(SearchQuery.NotSeen, cancellationToken);
        foreach (var uid in unseen.Take(imap.BatchSize))
        {
            using var raw = new MemoryStream();
            using (var message = await folder.GetMessageAsync(uid, cancellationToken))
            {
                await message.WriteToAsync(raw, cancellationToken);
            }

            var outcome = await intake.ProcessAsync(raw.GetBuffer().AsMemory(0, (int)raw.Length), $"imap:{imap.Folder}/{uid.Id}", cancellationToken);
            if (outcome.Accepted)
            {
                await folder.AddFlagsAsync(uid, MessageFlags.Seen, silent: true, cancellationToken);
                if (done is not null)
                {
                    await folder.MoveToAsync(uid, done, cancellationToken);
                }
            }
            else if (outcome.Report is null && outcome.Reason is not null && !outcome.Reason.StartsWith("No intake team", StringComparison.Ordinal))
            {
                await folder.AddFlagsAsync(uid, MessageFlags.Seen | MessageFlags.Flagged, silent: true, cancellationToken);
                LogRefused(logger, uid.Id, outcome.Reason);
            }
        }

        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    [LoggerMessage(EventId = 7705, Level = LogLevel.Warning, Message = "IMAP intake: message {Uid} was refused ({Reason}); flagged.")]
    private static partial void LogRefused(ILogger logger, uint uid, string reason);
}
