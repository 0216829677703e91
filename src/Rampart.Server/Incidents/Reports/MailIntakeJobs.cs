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
                    // Refused unread, and audited like every other refusal.
                    var refused = await intake.RefuseAsync(new IntakeException(IntakeRefusal.MessageTooLarge, $"the message has {length} bytes; the limit is {limits.Value.MaxMessageBytes}"), name, cancellationToken);
                    Move(path, "failed", refused.Reason);
                    LogRefused(logger, name);
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
/// ones are flagged seen and flagged. Each message is fetched as the server holds it, byte for byte (<c>BODY.PEEK[]</c>), so an
/// unparsable one is refused like any other (not a failure that would stop every later run at the same message), and its size
/// is asked first, so one over <see cref="IntakeLimits.MaxMessageBytes"/> is refused without being downloaded. A crash or a
/// dropped connection before the flag is harmless: the receipt makes the next run a no-op for that message (no second report,
/// no second acknowledgement). Wrong credentials or an unreachable server fail the run, which the scheduler records on the
/// job's row and logs; the next run tries again.
/// </summary>
public sealed partial class ImapIntakeJob(MailIntake intake, ReportQueries reports, IOptionsMonitor<IntakeOptions> options, IOptions<IntakeLimits> limits, ILogger<ImapIntakeJob> logger)
    : IScheduledJob
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
        var batch = (await folder.SearchAsync(SearchQuery.NotSeen, cancellationToken)).Take(imap.BatchSize).ToList();
        var sizes = batch.Count == 0
            ? []
            : (await folder.FetchAsync(batch, new FetchRequest(MessageSummaryItems.UniqueId | MessageSummaryItems.Size), cancellationToken))
                .Where(s => s.Size is not null).ToDictionary(s => s.UniqueId, s => (long)s.Size!.Value);
        var max = limits.Value.MaxMessageBytes;
        foreach (var uid in batch)
        {
            if (!sizes.TryGetValue(uid, out var size))
            {
                // Expunged by another client since the search.
                continue;
            }

            var source = $"imap:{imap.Folder}/{uid.Id}";
            MailOutcome outcome;
            if (size > max)
            {
                outcome = await intake.RefuseAsync(new IntakeException(IntakeRefusal.MessageTooLarge, $"the message has {size} bytes; the limit is {max}"), source, cancellationToken);
            }
            else
            {
                using var raw = new MemoryStream();
                await using (var stream = await folder.GetStreamAsync(uid, cancellationToken))
                {
                    await stream.CopyToAsync(raw, cancellationToken);
                }

                outcome = await intake.ProcessAsync(raw.GetBuffer().AsMemory(0, (int)raw.Length), source, cancellationToken);
            }

            if (outcome.Accepted)
            {
                await folder.AddFlagsAsync(uid, MessageFlags.Seen, silent: true, cancellationToken);
                if (done is not null)
                {
                    await folder.MoveToAsync(uid, done, cancellationToken);
                }

                LogAccepted(logger, uid.Id, outcome.Report!.HumanId, outcome.Created);
            }
            else if (outcome.Report is null && outcome.Reason is not null && !outcome.Reason.StartsWith("No intake team", StringComparison.Ordinal))
            {
                await folder.AddFlagsAsync(uid, MessageFlags.Seen | MessageFlags.Flagged, silent: true, cancellationToken);
                LogRefused(logger, uid.Id, outcome.Reason);
            }
        }

        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    [LoggerMessage(EventId = 7706, Level = LogLevel.Information, Message = "IMAP intake: message {Uid} is report {Report} (new: {Created}).")]
    private static partial void LogAccepted(ILogger logger, uint uid, string report, bool created);

    [LoggerMessage(EventId = 7705, Level = LogLevel.Warning, Message = "IMAP intake: message {Uid} was refused ({Reason}); flagged.")]
    private static partial void LogRefused(ILogger logger, uint uid, string reason);
}
