using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Incidents.Reports;
using Rampart.Server.Scheduling;
using Rampart.Standards.Mail;

namespace Rampart.Server.Tests;

/// <summary>A seeded node whose intake team is RECIP, reading the mailbox of an in-process IMAP stub, acknowledging through an SMTP sink.</summary>
public abstract class ImapIntakeNode(DatabaseProvider provider) : IAsyncLifetime
{
    /// <summary>The largest message the node takes (<c>Rampart:Intake:Mail:MaxMessageBytes</c>).</summary>
    public const int MaxMessageBytes = 32 * 1024;

    public SeededNode Node { get; private set; } = null!;

    public ImapStub Mailbox { get; } = new();

    public SmtpSink Smtp { get; } = new();

    public async Task InitializeAsync()
    {
        Node = await SeededNode.CreateAsync(provider, new Dictionary<string, string?>
        {
            ["Rampart:Intake:Organisation"] = "RECIP",
            ["Rampart:Intake:Imap:Host"] = "127.0.0.1",
            ["Rampart:Intake:Imap:Port"] = Mailbox.Port.ToString(CultureInfo.InvariantCulture),
            ["Rampart:Intake:Imap:Tls"] = "None",
            ["Rampart:Intake:Imap:User"] = "intake",
            ["Rampart:Intake:Imap:Password"] = "s3cret",
            ["Rampart:Intake:Smtp:Host"] = "127.0.0.1",
            ["Rampart:Intake:Smtp:Port"] = Smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Rampart:Intake:Smtp:Tls"] = "None",
            ["Rampart:Intake:Smtp:From"] = "intake@cert.test",
            ["Rampart:Intake:Mail:MaxMessageBytes"] = MaxMessageBytes.ToString(CultureInfo.InvariantCulture),
            // The tests run the job themselves, or the scheduler's RunDueAsync.
            ["Rampart:Scheduler:Enabled"] = "false",
        });
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await Mailbox.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

public sealed class SqliteImapIntakeNode() : ImapIntakeNode(DatabaseProvider.Sqlite);

public sealed class PostgresImapIntakeNode() : ImapIntakeNode(DatabaseProvider.Postgres);

/// <summary>
/// The IMAP intake (issue 11, <see cref="ImapIntakeJob"/>) against an in-process IMAP server, on SQLite and PostgreSQL:
/// unseen mail becomes numbered reports with their attachments and an acknowledgement to each reporter; messages are
/// flagged (or moved, with and without the MOVE extension) so the next run creates nothing; a connection dropped halfway
/// loses and duplicates nothing; unparsable and oversized messages are refused and flagged without blocking the others (an
/// oversized one is not even downloaded); a wrong password is recorded and logged by the scheduler, and nothing is read.
/// Each test empties the mailbox and tells its mail apart by a token of its own.
/// </summary>
public abstract class ImapIntakeTests(ImapIntakeNode fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    private SeededNode Node => fixture.Node;

    private ImapStub Mailbox => fixture.Mailbox;

    private static byte[] Eml(string reporter, string subject, string body, (string Name, byte[] Bytes)? attachment = null)
    {
        var text = new StringBuilder();
        text.Append("From: Reporter <").Append(reporter).Append(">\r\nTo: intake@cert.test\r\n");
        // The reporter addresses carry the test's token, so the Message-ID (the receipt key) is the test's own.
        text.Append("Subject: ").Append(subject).Append("\r\nMessage-ID: <msg.").Append(reporter)
            .Append(">\r\nDate: Mon, 2 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n");
        if (attachment is not { } file)
        {
            text.Append("Content-Type: text/plain; charset=utf-8\r\n\r\n").Append(body).Append("\r\n");
        }
        else
        {
            text.Append("Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n").Append(body)
                .Append("\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"").Append(file.Name)
                .Append("\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
                .Append(Convert.ToBase64String(file.Bytes, Base64FormattingOptions.InsertLineBreaks)).Append("\r\n--b1--\r\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static async Task<JsonNode> Ok(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    /// <summary>The intake team's view of the reports whose subject carries <paramref name="token"/>, with their details.</summary>
    private async Task<List<JsonNode>> ReportsAsync(string token)
    {
        var intake = Node.Client(Node.Recipient);
        var list = await Ok(await intake.GetAsync("/api/reports?limit=200"));
        var result = new List<JsonNode>();
        foreach (var summary in list["items"]!.AsArray().Where(r => r!["subject"]!.GetValue<string>().Contains(token, StringComparison.Ordinal)))
        {
            result.Add(await Ok(await intake.GetAsync($"/api/reports/{summary!["id"]}")));
        }

        return result;
    }

    private async Task RunAsync(ImapSettings? settings = null)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        if (settings is null)
        {
            // The job as the scheduler gets it, with the node's configuration.
            await services.GetRequiredService<ImapIntakeJob>().RunAsync(CancellationToken.None);
            return;
        }

        var configured = services.GetRequiredService<IOptionsMonitor<IntakeOptions>>().CurrentValue;
        var options = new IntakeOptions { Organisation = configured.Organisation, Smtp = configured.Smtp, Imap = settings };
        var job = new ImapIntakeJob(services.GetRequiredService<MailIntake>(), services.GetRequiredService<ReportQueries>(), new Fixed(options),
            services.GetRequiredService<IOptions<IntakeLimits>>(), NullLogger<ImapIntakeJob>.Instance);
        await job.RunAsync(CancellationToken.None);
    }

    private ImapSettings Settings(string? doneFolder) => new()
    {
        Host = "127.0.0.1",
        Port = Mailbox.Port,
        Tls = MailTls.None,
        User = "intake",
        Password = "s3cret",
        DoneFolder = doneFolder,
    };

    private int AcknowledgementsTo(string address) => fixture.Smtp.Messages.Count(m => m.To == address);

    [Fact]
    public async Task TwoMessages_BecomeReportsWithAttachmentAndAcknowledgements_FlaggedSeen_AndASecondRunCreatesNothing()
    {
        Mailbox.Reset();
        var token = Guid.NewGuid().ToString("N");
        var sample = RandomNumberGenerator.GetBytes(700);
        var first = $"a-{token}@ministry.test";
        var second = $"b-{token}@energy.test";
        Mailbox.Deliver(Eml(first, $"Phishing {token}", "Credential phishing against the ministry."));
        Mailbox.Deliver(Eml(second, $"Dropper {token}", "A dropper came with this mail.", ("invoice.exe", sample)));

        await RunAsync();

        var reports = await ReportsAsync(token);
        Assert.True(reports.Count == 2, Mailbox.Transcript);
        var phishing = reports.Single(r => r["subject"]!.GetValue<string>() == $"Phishing {token}");
        var dropper = reports.Single(r => r["subject"]!.GetValue<string>() == $"Dropper {token}");
        Assert.All(reports, r => Assert.Equal("email", r["channel"]!.GetValue<string>()));
        Assert.Equal(first, phishing["reporterEmail"]!.GetValue<string>());
        Assert.Contains("Credential phishing", phishing["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(phishing["attachments"]!.AsArray());
        var attachment = Assert.Single(dropper["attachments"]!.AsArray())!;
        Assert.Equal("invoice.exe", attachment["fileName"]!.GetValue<string>());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(sample)), attachment["sha256"]!.GetValue<string>());
        var download = await Node.Client(Node.Recipient).GetAsync($"/api/reports/{dropper["id"]}/attachments/{attachment["id"]}");
        Assert.Equal(sample, await download.Content.ReadAsByteArrayAsync());

        // Each reporter got one acknowledgement naming its number, and the report says so.
        foreach (var (report, address) in new[] { (phishing, first), (dropper, second) })
        {
            var number = report["number"]!.GetValue<string>();
            Assert.Matches(@"^RPT-2026-\d{4}$", number);
            var mail = Assert.Single(fixture.Smtp.Messages, m => m.To == address);
            Assert.Contains(number, mail.Data, StringComparison.Ordinal);
            Assert.Contains(report["events"]!.AsArray(), e => e!["event"]!.GetValue<string>() == "mail-acknowledged");
        }

        // Both are flagged seen (not flagged as refused) and stay in the inbox (no done folder); their bodies were fetched once.
        Assert.All(Mailbox.In(ImapStub.Inbox), m =>
        {
            Assert.Contains("\\Seen", m.Flags);
            Assert.DoesNotContain("\\Flagged", m.Flags);
        });
        Assert.Equal(2, Mailbox.BodiesSent.Count);

        await RunAsync();
        Assert.Equal(2, (await ReportsAsync(token)).Count);
        Assert.Equal(1, AcknowledgementsTo(first));
        Assert.Equal(1, AcknowledgementsTo(second));
        Assert.Equal(2, Mailbox.BodiesSent.Count);
        Assert.Contains(Mailbox.Commands, c => c.StartsWith("UID SEARCH", StringComparison.Ordinal) && c.Contains("UNSEEN", StringComparison.Ordinal));
        // What MailKit sent, for whoever changes the job or the stub.
        output.WriteLine(string.Join('\n', Mailbox.Commands));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WithADoneFolder_AcceptedMessagesMoveThere_ByMoveOrByCopyAndExpunge(bool serverHasMove)
    {
        Mailbox.Reset();
        Mailbox.SupportsMove = serverHasMove;
        Mailbox.AddFolder("Processed");
        var token = Guid.NewGuid().ToString("N");
        Mailbox.Deliver(Eml($"c-{token}@ministry.test", $"Defacement {token}", "Our portal was defaced."));
        Mailbox.Deliver(Eml($"d-{token}@ministry.test", $"Scan {token}", "Port scans from abroad."));

        await RunAsync(Settings("Processed"));

        Assert.Equal(2, (await ReportsAsync(token)).Count);
        Assert.True(Mailbox.In(ImapStub.Inbox).Count == 0, Mailbox.Transcript);
        var moved = Mailbox.In("Processed");
        Assert.Equal(2, moved.Count);
        Assert.All(moved, m =>
        {
            Assert.Contains("\\Seen", m.Flags);
            Assert.DoesNotContain("\\Deleted", m.Flags);
        });
        Assert.Contains(Mailbox.Commands, c => c.StartsWith(serverHasMove ? "UID MOVE" : "UID COPY", StringComparison.Ordinal));

        await RunAsync(Settings("Processed"));
        Assert.Equal(2, (await ReportsAsync(token)).Count);
        Assert.Equal(2, Mailbox.In("Processed").Count);
    }

    [Fact]
    public async Task ConnectionDroppedAfterTheFirstFetch_TheNextRunLosesNothingAndDuplicatesNothing()
    {
        Mailbox.Reset();
        var token = Guid.NewGuid().ToString("N");
        var first = $"e-{token}@ministry.test";
        var second = $"f-{token}@ministry.test";
        var log = RandomNumberGenerator.GetBytes(300);
        Mailbox.Deliver(Eml(first, $"Ransomware {token}", "File server encrypted."));
        Mailbox.Deliver(Eml(second, $"Leak {token}", "Data offered for sale.", ("listing.txt", log)));
        Mailbox.DropAfterBodyFetches = 1;

        await Assert.ThrowsAnyAsync<Exception>(() => RunAsync());
        Assert.Contains("(connection dropped by the stub)", Mailbox.Commands);
        // The first message became a report before the flag could be set; the second was not reached. Nothing is flagged.
        Assert.Single(await ReportsAsync(token));
        Assert.All(Mailbox.In(ImapStub.Inbox), m => Assert.DoesNotContain("\\Seen", m.Flags));

        Mailbox.DropAfterBodyFetches = null;
        await RunAsync();

        var reports = await ReportsAsync(token);
        Assert.True(reports.Count == 2, Mailbox.Transcript);
        Assert.Single(reports, r => r["subject"]!.GetValue<string>() == $"Ransomware {token}");
        var leak = Assert.Single(reports, r => r["subject"]!.GetValue<string>() == $"Leak {token}");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(log)), Assert.Single(leak["attachments"]!.AsArray())!["sha256"]!.GetValue<string>());
        // One acknowledgement each: the re-read first message was recognised by its receipt, not acknowledged again.
        Assert.Equal(1, AcknowledgementsTo(first));
        Assert.Equal(1, AcknowledgementsTo(second));
        Assert.All(Mailbox.In(ImapStub.Inbox), m => Assert.Contains("\\Seen", m.Flags));

        await RunAsync();
        Assert.Equal(2, (await ReportsAsync(token)).Count);
    }

    [Fact]
    public async Task UnparsableAndOversizedMessages_AreRefusedFlaggedAndAudited_WithoutHoldingUpTheOthers()
    {
        Mailbox.Reset();
        var token = Guid.NewGuid().ToString("N");
        Mailbox.Deliver(Eml($"g-{token}@ministry.test", $"Before {token}", "First good message."));
        var empty = Mailbox.Deliver([]);
        var huge = Mailbox.Deliver(Eml($"h-{token}@ministry.test", $"Huge {token}", new string('x', ImapIntakeNode.MaxMessageBytes + 1000)));
        Mailbox.Deliver(Eml($"i-{token}@ministry.test", $"After {token}", "Last good message."));

        await RunAsync();

        var reports = await ReportsAsync(token);
        Assert.True(reports.Count == 2, Mailbox.Transcript);
        Assert.Contains(reports, r => r["subject"]!.GetValue<string>() == $"Before {token}");
        Assert.Contains(reports, r => r["subject"]!.GetValue<string>() == $"After {token}");
        foreach (var refused in new[] { empty, huge })
        {
            var flags = Mailbox.In(ImapStub.Inbox).Single(m => m.Uid == refused).Flags;
            Assert.Contains("\\Seen", flags);
            Assert.Contains("\\Flagged", flags);
        }

        // Its size was asked first: the oversized message was never downloaded.
        Assert.DoesNotContain(huge, Mailbox.BodiesSent);
        var audit = await AuditTestKit.EntriesAsync(Node);
        var malformed = Assert.Single(audit, e => e.Event == AuditEvent.IncidentReportMailRefused && e.Target == $"mail:imap:INBOX/{empty}");
        Assert.StartsWith("Malformed", malformed.Detail, StringComparison.Ordinal);
        var tooLarge = Assert.Single(audit, e => e.Event == AuditEvent.IncidentReportMailRefused && e.Target == $"mail:imap:INBOX/{huge}");
        Assert.StartsWith("MessageTooLarge", tooLarge.Detail, StringComparison.Ordinal);
        Assert.Equal(AuditOutcome.Failed, tooLarge.Outcome);

        var fetched = Mailbox.BodiesSent.Count;
        await RunAsync();
        Assert.Equal(2, (await ReportsAsync(token)).Count);
        Assert.Equal(fetched, Mailbox.BodiesSent.Count);
    }

    [Fact]
    public async Task WrongPassword_TheSchedulerRecordsAndLogsTheFailure_NothingIsRead_AndTheNextRunAfterTheFixReadsIt()
    {
        Mailbox.Reset();
        var token = Guid.NewGuid().ToString("N");
        Mailbox.Deliver(Eml($"j-{token}@ministry.test", $"Outage {token}", "DNS outage."));
        // The mailbox password was changed on the mail server, not in the node's configuration.
        Mailbox.Password = "rotated-on-the-server";
        var scheduler = Node.Factory.Services.GetRequiredService<Scheduler>();

        Assert.DoesNotContain(ImapIntakeJob.JobName, await RunOnlyTheImapJobAsync(scheduler));

        var row = await JobRowAsync();
        Assert.NotNull(row.LastError);
        Assert.Contains("AuthenticationException", row.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", row.LastError, StringComparison.Ordinal);
        Assert.Contains(Node.Factory.LoggedErrors, e => e.Contains(ImapIntakeJob.JobName, StringComparison.Ordinal) && e.Contains("AuthenticationException", StringComparison.Ordinal));
        Assert.Contains("LOGIN intake ***", Mailbox.Commands);
        Assert.DoesNotContain(Mailbox.Commands, c => c.StartsWith("SELECT", StringComparison.Ordinal) || c.StartsWith("UID", StringComparison.Ordinal));
        Assert.Empty(await ReportsAsync(token));
        Assert.Empty(Mailbox.BodiesSent);

        // The password is put right on the server: the job's next due run reads the mailbox.
        Mailbox.Password = "s3cret";
        Assert.Contains(ImapIntakeJob.JobName, await RunOnlyTheImapJobAsync(scheduler));
        Assert.Null((await JobRowAsync()).LastError);
        Assert.Single(await ReportsAsync(token));
    }

    /// <summary>Makes the IMAP job due and every other job not, then lets the scheduler run what is due.</summary>
    private async Task<IReadOnlyList<string>> RunOnlyTheImapJobAsync(Scheduler scheduler)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var now = Node.Factory.Clock.GetUtcNow();
        var rows = await db.ScheduledJobs.ToListAsync();
        foreach (var name in scheduler.JobNames)
        {
            var row = rows.SingleOrDefault(r => r.Name == name);
            if (row is null)
            {
                row = new ScheduledJob { Name = name };
                db.ScheduledJobs.Add(row);
            }

            row.NextRunAt = name == ImapIntakeJob.JobName ? now : now.AddYears(1);
        }

        await db.SaveChangesAsync();
        return await scheduler.RunDueAsync(CancellationToken.None);
    }

    private async Task<ScheduledJob> JobRowAsync()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var jobs = scope.ServiceProvider.GetRequiredService<RampartDb>().ScheduledJobs;
        return await jobs.AsNoTracking().SingleAsync(j => j.Name == ImapIntakeJob.JobName);
    }

    private sealed class Fixed(IntakeOptions value) : IOptionsMonitor<IntakeOptions>
    {
        public IntakeOptions CurrentValue => value;

        public IntakeOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<IntakeOptions, string?> listener) => null;
    }
}

public sealed class SqliteImapIntakeTests(SqliteImapIntakeNode fixture, Xunit.Abstractions.ITestOutputHelper output)
    : ImapIntakeTests(fixture, output), IClassFixture<SqliteImapIntakeNode>;

public sealed class PostgresImapIntakeTests(PostgresImapIntakeNode fixture, Xunit.Abstractions.ITestOutputHelper output)
    : ImapIntakeTests(fixture, output), IClassFixture<PostgresImapIntakeNode>;
