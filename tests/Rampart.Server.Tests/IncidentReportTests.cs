using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ICSharpCode.SharpZipLib.Zip;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Incidents.Reports;

namespace Rampart.Server.Tests;

/// <summary>A seeded node whose intake team is the organisation RECIP, with a drop folder, an SMTP sink and a 4 KiB attachment limit.</summary>
public abstract class IntakeNode(DatabaseProvider provider) : IAsyncLifetime
{
    public const int MaxBytes = 4096;

    public SeededNode Node { get; private set; } = null!;

    public SmtpSink Smtp { get; } = new();

    public string DropFolder { get; } = Directory.CreateTempSubdirectory("rampart-drop-").FullName;

    /// <summary>An admin of a third organisation (MEMBER), neither reporter nor intake.</summary>
    public Person MemberAdmin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Node = await SeededNode.CreateAsync(provider, new Dictionary<string, string?>
        {
            ["Rampart:Intake:Organisation"] = "RECIP",
            ["Rampart:Intake:DropFolder"] = DropFolder,
            ["Rampart:Intake:Smtp:Host"] = "127.0.0.1",
            ["Rampart:Intake:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Rampart:Intake:Smtp:Tls"] = "None",
            ["Rampart:Intake:Smtp:From"] = "intake@cert.test",
            ["Rampart:Attachments:MaxBytes"] = MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The tests run the drop-folder job themselves.
            ["Rampart:Scheduler:Enabled"] = "false",
        });
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        MemberAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.MemberOrg, "admin@member.test", Role.OrgAdmin);
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await Smtp.DisposeAsync();
        Directory.Delete(DropFolder, recursive: true);
    }
}

public sealed class SqliteIntakeNode() : IntakeNode(DatabaseProvider.Sqlite);

public sealed class PostgresIntakeNode() : IntakeNode(DatabaseProvider.Postgres);

/// <summary>
/// Incident reports and attachments (issue 11, intake) on SQLite and PostgreSQL: REST and drop-folder intake with numbers and
/// acknowledgements, idempotence after a crash, refused mail, attachment limits, downloads that are never rendered, sample
/// zips, triage by the intake team, and every outsider and administrator getting 404 for what they may not read.
/// </summary>
public abstract class IncidentReportTests(IntakeNode fixture)
{
    private SeededNode Node => fixture.Node;

    private static async Task<JsonNode> Ok(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private static async Task AssertBadRequest(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.True(JsonNode.Parse(text)!["errors"]?[field] is not null, $"no error for '{field}': {text}");
    }

    private static MultipartFormDataContent Form(string subject, params (string Part, string Name, byte[] Bytes, string Type)[] files)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(subject), "subject" },
            { new StringContent("Phishing wave against the ministry; see the attached mail."), "text" },
            { new StringContent("amber"), "tlp" },
        };
        foreach (var (part, name, bytes, type) in files)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
            form.Add(content, part, name);
        }

        return form;
    }

    private async Task<JsonNode> ReportAsync(string subject = "Phishing wave")
    {
        return await Ok(await Node.Client(Node.Owner).PostAsync("/api/reports", new { subject, text = "Credential phishing at the ministry.", tlp = "amber" }), HttpStatusCode.Created);
    }

    private async Task<(int Reports, int Attachments)> CountsAsync()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        return (await db.IncidentReports.CountAsync(), await db.IncidentAttachments.CountAsync());
    }

    private IEnumerable<(string Who, HttpClient Client)> NotAllowed() =>
    [
        ("another organisation's analyst", Node.Client(Node.Outsider)),
        ("the node administrator", Node.Client(Node.NodeAdmin)),
        ("another organisation's admin", Node.Client(fixture.MemberAdmin)),
        ("anonymous", Node.Client(null)),
    ];

    [Fact]
    public async Task IntakeShortName_IsPinned_NoAdministratorMovesTheIntakeTeamByRenaming()
    {
        // Review R1: the node admin (or the intake organisation's admin) renamed the intake organisation away, then gave its
        // short name to an organisation of their choosing, which then read every new report.
        var nodeAdmin = Node.Client(Node.NodeAdmin);

        var leave = await nodeAdmin.PutAsync($"/api/organisations/{Node.RecipientOrg}", new { name = "Team RECIP", shortName = "RECIP-OLD", country = "XK", kind = "national-cert" });
        var take = await nodeAdmin.PutAsync($"/api/organisations/{Node.MemberOrg}", new { name = "Team MEMBER", shortName = "recip", country = "MK", kind = "national-cert" });
        var keep = await nodeAdmin.PutAsync($"/api/organisations/{Node.RecipientOrg}", new { name = "Team RECIP, national CERT", shortName = "RECIP", country = "XK", kind = "national-cert" });

        await AssertBadRequest(leave, "shortName");
        await AssertBadRequest(take, "shortName");
        Assert.Equal(HttpStatusCode.OK, keep.StatusCode); // other changes of the intake organisation stay possible
    }

    [Fact]
    public async Task Rest_CreatesANumberedReport_AcknowledgedToTheReporter_AndReadByTheIntakeTeam()
    {
        var created = await ReportAsync();
        var number = created["number"]!.GetValue<string>();
        Assert.Matches(@"^RPT-2026-\d{4}$", number);
        Assert.Equal("new", created["status"]!.GetValue<string>());
        Assert.Equal("rest", created["channel"]!.GetValue<string>());
        var acknowledgement = created["events"]!.AsArray()[0]!;
        Assert.Equal("acknowledged", acknowledgement["event"]!.GetValue<string>());
        Assert.Equal(number, acknowledgement["detail"]!.GetValue<string>());

        var second = await ReportAsync("Second");
        Assert.NotEqual(number, second["number"]!.GetValue<string>());

        // The reporter's colleague (same organisation) and the intake team read it, by id and by number.
        await Ok(await Node.Client(Node.OwnerViewer).GetAsync($"/api/reports/{number}"));
        var intake = await Ok(await Node.Client(Node.Recipient).GetAsync($"/api/reports/{created["id"]}"));
        Assert.True(intake["mayTriage"]!.GetValue<bool>());
        var list = await Ok(await Node.Client(Node.Recipient).GetAsync("/api/reports?limit=200&status=new"));
        Assert.Contains(list["items"]!.AsArray(), r => r!["number"]!.GetValue<string>() == number);
    }

    [Fact]
    public async Task Rest_BadInput_Is400NamingTheField_AndNothingIsSaved()
    {
        var before = await CountsAsync();
        var owner = Node.Client(Node.Owner);
        await AssertBadRequest(await owner.PostAsync("/api/reports", new { subject = "", text = "x" }), "subject");
        await AssertBadRequest(await owner.PostAsync("/api/reports", new { subject = "ok", text = "" }), "text");
        await AssertBadRequest(await owner.PostAsync("/api/reports", new { subject = "line\nbreak", text = "x" }), "subject");
        await AssertBadRequest(await owner.PostAsync("/api/reports", new StringContent("{\"subject\":", Encoding.UTF8, "application/json")), "subject");
        await AssertBadRequest(await owner.PostAsync("/api/reports", new StringContent("x", Encoding.UTF8, "application/json")), "body");
        await AssertBadRequest(await owner.GetAsync("/api/reports?status=open"), "status");
        await AssertBadRequest(await owner.GetAsync("/api/reports?limit=201"), "limit");
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.OwnerViewer).PostAsync("/api/reports", new { subject = "s", text = "t" })).StatusCode);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Attachments_AreStoredWithSha256_AndAlwaysDownloadedAsOctetStreamAttachments()
    {
        var html = Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>");
        var sample = RandomNumberGenerator.GetBytes(1000);
        var created = await Ok(await Node.Client(Node.Owner).PostAsync("/api/reports",
            Form("With files", ("files", "page.html", html, "text/html"), ("samples", "dropper.exe", sample, "application/x-msdownload"))), HttpStatusCode.Created);
        var attachments = created["attachments"]!.AsArray();
        Assert.Equal(2, attachments.Count);
        var page = attachments.Single(a => a!["fileName"]!.GetValue<string>() == "page.html")!;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(html)), page["sha256"]!.GetValue<string>());
        Assert.Equal(html.Length, page["size"]!.GetValue<long>());
        Assert.Equal("text/html", page["declaredContentType"]!.GetValue<string>());

        foreach (var reader in new[] { Node.Owner, Node.Recipient })
        {
            var download = await Node.Client(reader).GetAsync($"/api/reports/{created["id"]}/attachments/{page["id"]}");
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal("application/octet-stream", download.Content.Headers.ContentType!.MediaType);
            Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
            Assert.Contains("nosniff", download.Headers.GetValues("X-Content-Type-Options"));
            // Its own policy, not the site-wide one (review s6 R5): nothing in it may run, even if a browser rendered it.
            Assert.Equal("default-src 'none'; sandbox", Assert.Single(download.Headers.GetValues("Content-Security-Policy")));
            Assert.Equal(html, await download.Content.ReadAsByteArrayAsync());
        }

        // The sample comes only as a zip with the password "infected", holding the exact bytes.
        var dropper = attachments.Single(a => a!["sample"]!.GetValue<bool>())!;
        var zipped = await Node.Client(Node.Recipient).GetAsync($"/api/reports/{created["id"]}/attachments/{dropper["id"]}");
        Assert.Equal(HttpStatusCode.OK, zipped.StatusCode);
        Assert.Equal("application/octet-stream", zipped.Content.Headers.ContentType!.MediaType);
        Assert.EndsWith(".zip", zipped.Content.Headers.ContentDisposition!.FileNameStar ?? zipped.Content.Headers.ContentDisposition.FileName, StringComparison.Ordinal);
        var bytes = await zipped.Content.ReadAsByteArrayAsync();
        Assert.NotEqual(sample, bytes);
        using var zip = new ZipFile(new MemoryStream(bytes)) { Password = "infected" };
        var entry = zip.GetEntry("dropper.exe");
        Assert.True(entry.IsCrypted);
        using var unzipped = new MemoryStream();
        await using (var stream = zip.GetInputStream(entry))
        {
            await stream.CopyToAsync(unzipped);
        }

        Assert.Equal(sample, unzipped.ToArray());
        using var wrong = new ZipFile(new MemoryStream(bytes)) { Password = "not-infected" };
        Assert.ThrowsAny<Exception>(() => { using var s = wrong.GetInputStream(wrong.GetEntry("dropper.exe")); s.ReadByte(); });
    }

    [Fact]
    public async Task Attachment_OverTheLimit_Is400Or413_AndNothingIsSaved()
    {
        var before = await CountsAsync();
        var owner = Node.Client(Node.Owner);
        // Over the per-file limit but within the body limit: a 400 naming the file.
        await AssertBadRequest(await owner.PostAsync("/api/reports", Form("Too big", ("files", "ok.txt", [1, 2, 3], "text/plain"),
            ("files", "big.bin", new byte[IntakeNode.MaxBytes + 1], "application/octet-stream"))), "files[1]");
        // A body over the upload limit (one file at the limit plus 1 MiB of form): 413 before anything is read.
        var huge = await owner.PostAsync("/api/reports", Form("Huge", ("files", "huge.bin", new byte[IntakeNode.MaxBytes + (2 * 1024 * 1024)], "application/octet-stream")));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task Outsiders_AndEveryAdministrator_Get404_ForReportsAndAttachments_AndChangeNothing()
    {
        var created = await Ok(await Node.Client(Node.Owner).PostAsync("/api/reports", Form("Secret", ("files", "log.txt", "10.0.0.1 beacon"u8.ToArray(), "text/plain"))), HttpStatusCode.Created);
        var id = created["id"]!.GetValue<string>();
        var number = created["number"]!.GetValue<string>();
        var attachment = created["attachments"]![0]!["id"]!.GetValue<string>();
        var incident = await Ok(await Node.Client(Node.Recipient).PostAsync("/api/incidents", new
        {
            title = "Intake incident", summary = "", tlp = "amber", severity = "high", sector = "other",
        }), HttpStatusCode.Created);
        foreach (var (who, client) in NotAllowed())
        {
            foreach (var url in new[] { $"/api/reports/{id}", $"/api/reports/{number}", $"/api/reports/{id}/attachments/{attachment}", $"/api/reports/{Guid.NewGuid()}/attachments/{attachment}" })
            {
                var response = await client.GetAsync(url);
                Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, $"{who} {url}: {(int)response.StatusCode}");
            }

            var link = await client.PostAsync($"/api/reports/{id}/links", new { incident = incident["number"]!.GetValue<string>() });
            Assert.True(link.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, $"{who} link: {(int)link.StatusCode}");
            var reject = await client.PostAsync($"/api/reports/{id}/reject", new { reason = "spam" });
            Assert.True(reject.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, $"{who} reject: {(int)reject.StatusCode}");
            var list = await client.GetAsync("/api/reports?limit=200");
            if (list.StatusCode == HttpStatusCode.OK)
            {
                Assert.DoesNotContain((await Json.ReadAsync(list))["items"]!.AsArray(), r => r!["id"]!.GetValue<string>() == id);
            }
        }

        // The attachment under another report the outsider may read is still not reachable by its id.
        var own = await Ok(await Node.Client(Node.Outsider).PostAsync("/api/reports", new { subject = "Mine", text = "t" }), HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).GetAsync($"/api/reports/{own["id"]}/attachments/{attachment}")).StatusCode);

        // The reporter reads it but does not triage it.
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.Owner).PostAsync($"/api/reports/{id}/reject", new { reason = "no" })).StatusCode);
        var after = await Ok(await Node.Client(Node.Recipient).GetAsync($"/api/reports/{id}"));
        Assert.Equal("new", after["status"]!.GetValue<string>());
        Assert.Single(after["events"]!.AsArray());
    }

    [Fact]
    public async Task IntakeTeam_LinksToSeveralIncidents_OpensOneFromTheReport_AndRejectsWithAReason()
    {
        var report = await ReportAsync("Linked twice");
        var id = report["id"]!.GetValue<string>();
        var intake = Node.Client(Node.Recipient);
        var incidentBody = new { title = "Wave", summary = "", tlp = "amber", severity = "high", sector = "other" };
        var first = await Ok(await intake.PostAsync("/api/incidents", incidentBody), HttpStatusCode.Created);
        var linked = await Ok(await intake.PostAsync($"/api/reports/{id}/links", new { incident = first["number"]!.GetValue<string>() }));
        Assert.Equal("linked", linked["status"]!.GetValue<string>());
        await AssertBadRequest(await intake.PostAsync($"/api/reports/{id}/links", new { incident = first["id"]!.GetValue<string>() }), "incident");
        // An incident the intake team may not read is as unknown.
        var foreign = await Ok(await Node.Client(Node.Outsider).PostAsync("/api/incidents", incidentBody), HttpStatusCode.Created);
        await AssertBadRequest(await intake.PostAsync($"/api/reports/{id}/links", new { incident = foreign["id"]!.GetValue<string>() }), "incident");

        var opened = await Ok(await intake.PostAsync($"/api/reports/{id}/incident", incidentBody with { title = "Opened from the report" }), HttpStatusCode.Created);
        Assert.Equal(2, opened["linkedIncidents"]!.AsArray().Count);
        Assert.False(opened["handledByIntakeTeam"]!.GetValue<bool>());

        // The incident lists the report for the intake team; the reporter reads the report (linked) but not the incidents.
        var reports = await Ok(await intake.GetAsync($"/api/incidents/{first["id"]}/reports"));
        Assert.Contains(reports["items"]!.AsArray(), r => r!["id"]!.GetValue<string>() == id);
        var reporterView = await Ok(await Node.Client(Node.Owner).GetAsync($"/api/reports/{id}"));
        Assert.Equal("linked", reporterView["status"]!.GetValue<string>());
        Assert.Empty(reporterView["linkedIncidents"]!.AsArray());
        // Said without a count or a name: linked to an incident the intake team handles.
        Assert.True(reporterView["handledByIntakeTeam"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Owner).GetAsync($"/api/incidents/{first["id"]}/reports")).StatusCode);
        await AssertBadRequest(await intake.PostAsync($"/api/reports/{id}/reject", new { reason = "spam" }), "status");

        var other = await ReportAsync("Spam");
        await AssertBadRequest(await intake.PostAsync($"/api/reports/{other["id"]}/reject", new { reason = "" }), "reason");
        var rejected = await Ok(await intake.PostAsync($"/api/reports/{other["id"]}/reject", new { reason = "Marketing mail, not an incident." }));
        Assert.Equal("rejected", rejected["status"]!.GetValue<string>());
        var seen = await Ok(await Node.Client(Node.Owner).GetAsync($"/api/reports/{other["id"]}"));
        Assert.Equal("Marketing mail, not an incident.", seen["rejectionReason"]!.GetValue<string>());
        Assert.Contains(seen["events"]!.AsArray(), e => e!["event"]!.GetValue<string>() == "rejected");
    }

    [Fact]
    public async Task JournalAttachments_OfOwnerOnlyEntries_StayWithTheOwner()
    {
        var owner = Node.Client(Node.Owner);
        var incident = await Ok(await owner.PostAsync("/api/incidents", new { title = "Shared", summary = "", tlp = "amber", severity = "high", sector = "other" }), HttpStatusCode.Created);
        var id = incident["id"]!.GetValue<string>();
        var invited = await Ok(await owner.PostAsync($"/api/incidents/{id}/participants", new { organisationId = Node.SameCountryOrg, role = "contributor" }), HttpStatusCode.Created);
        await Ok(await Node.Client(Node.SameCountry).PostAsync($"/api/incidents/invitations/{invited["id"]}/accept", new { }));

        async Task<(string Entry, string Attachment)> EntryAsync(bool ownerOnly, byte[] bytes)
        {
            var form = new MultipartFormDataContent
            {
                { new StringContent("Memory dump attached."), "body" },
                { new StringContent(ownerOnly ? "true" : "false"), "ownerOnly" },
                { new ByteArrayContent(bytes), "files", "dump.bin" },
            };
            var entry = await Ok(await owner.PostAsync($"/api/incidents/{id}/journal/attachments", form), HttpStatusCode.Created);
            var list = await Ok(await owner.GetAsync($"/api/incidents/{id}/journal/{entry["id"]}/attachments"));
            return (entry["id"]!.GetValue<string>(), list[0]!["id"]!.GetValue<string>());
        }

        var shared = await EntryAsync(false, [1, 2, 3]);
        var secret = await EntryAsync(true, [4, 5, 6]);
        Assert.Equal([1, 2, 3], await (await Node.Client(Node.SameCountry).GetAsync($"/api/incidents/{id}/attachments/{shared.Attachment}")).Content.ReadAsByteArrayAsync());
        Assert.Equal([4, 5, 6], await (await owner.GetAsync($"/api/incidents/{id}/attachments/{secret.Attachment}")).Content.ReadAsByteArrayAsync());

        foreach (var (who, client) in NotAllowed().Append(("a contributing organisation", Node.Client(Node.SameCountry))))
        {
            foreach (var url in new[] { $"/api/incidents/{id}/attachments/{secret.Attachment}", $"/api/incidents/{id}/journal/{secret.Entry}/attachments" })
            {
                var response = await client.GetAsync(url);
                Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, $"{who} {url}: {(int)response.StatusCode}");
            }
        }

        foreach (var (who, client) in NotAllowed())
        {
            var response = await client.GetAsync($"/api/incidents/{id}/attachments/{shared.Attachment}");
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, $"{who}: {(int)response.StatusCode}");
        }
    }

    private static string Eml(string messageId, string subject, string body, byte[]? attachment = null)
    {
        var text = new StringBuilder();
        text.Append("From: Reporter <reporter@ministry.test>\r\nTo: intake@cert.test\r\n");
        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"Subject: {subject}\r\nMessage-ID: <{messageId}>\r\nDate: Mon, 2 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n");
        if (attachment is null)
        {
            text.Append("Content-Type: text/plain; charset=utf-8\r\n\r\n").Append(body).Append("\r\n");
            return text.ToString();
        }

        text.Append("Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n").Append(body)
            .Append("\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"../../evil.exe\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
            .Append(Convert.ToBase64String(attachment, Base64FormattingOptions.InsertLineBreaks)).Append("\r\n--b1--\r\n");
        return text.ToString();
    }

    private async Task RunDropFolderAsync()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<DropFolderJob>().RunAsync(CancellationToken.None);
    }

    private async Task<IReadOnlyList<JsonNode>> IntakeReportsAsync() =>
        (await Ok(await Node.Client(Node.Recipient).GetAsync("/api/reports?limit=200")))["items"]!.AsArray().Select(r => r!).ToList();

    [Fact]
    public async Task DropFolder_TurnsMailIntoReports_MovesThemToDone_AndAcknowledgesByMail()
    {
        var token = Guid.NewGuid().ToString("N");
        var file = Path.Combine(fixture.DropFolder, $"{token}.eml");
        await File.WriteAllTextAsync(file, Eml($"{token}@ministry.test", $"Ransomware {token}", "Our file server is encrypted.", [9, 8, 7]));
        await RunDropFolderAsync();

        Assert.False(File.Exists(file));
        Assert.True(File.Exists(Path.Combine(fixture.DropFolder, "done", $"{token}.eml")));
        var summary = Assert.Single(await IntakeReportsAsync(), r => r["subject"]!.GetValue<string>() == $"Ransomware {token}");
        Assert.Equal("email", summary["channel"]!.GetValue<string>());
        var report = await Ok(await Node.Client(Node.Recipient).GetAsync($"/api/reports/{summary["id"]}"));
        Assert.Equal("reporter@ministry.test", report["reporterEmail"]!.GetValue<string>());
        var attachment = Assert.Single(report["attachments"]!.AsArray())!;
        Assert.Equal("evil.exe", attachment["fileName"]!.GetValue<string>());
        Assert.Contains(report["events"]!.AsArray(), e => e!["event"]!.GetValue<string>() == "mail-acknowledged");
        var number = report["number"]!.GetValue<string>();
        Assert.Contains(fixture.Smtp.Messages, m => m.To == "reporter@ministry.test" && m.Data.Contains(number, StringComparison.Ordinal));

        // Nobody else reads a mailed report: the reporting organisations of other reports, administrators, outsiders.
        foreach (var (who, client) in NotAllowed().Append(("a reporting organisation", Node.Client(Node.Owner))))
        {
            var response = await client.GetAsync($"/api/reports/{summary["id"]}");
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Unauthorized, $"{who}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task DropFolder_AfterACrashBeforeTheMove_DoesNotCreateTheReportTwice()
    {
        var token = Guid.NewGuid().ToString("N");
        var eml = Eml($"{token}@ministry.test", $"Twice {token}", "Same message.");
        await File.WriteAllTextAsync(Path.Combine(fixture.DropFolder, $"{token}.eml"), eml);
        await RunDropFolderAsync();
        // The crash: the report was committed but the file is still in the folder (here: put back), under another name too.
        await File.WriteAllTextAsync(Path.Combine(fixture.DropFolder, $"{token}.eml"), eml);
        await File.WriteAllTextAsync(Path.Combine(fixture.DropFolder, $"{token}-copy.eml"), eml);
        await RunDropFolderAsync();

        Assert.Single(await IntakeReportsAsync(), r => r["subject"]!.GetValue<string>() == $"Twice {token}");
        Assert.Empty(Directory.EnumerateFiles(fixture.DropFolder, $"{token}*.eml"));
        Assert.Equal(3, Directory.EnumerateFiles(Path.Combine(fixture.DropFolder, "done"), $"{token}*.eml").Count());

        // Without a Message-ID the raw bytes' SHA-256 is the key.
        var bare = $"From: x@y.test\r\nSubject: Bare {token}\r\n\r\nNo id.\r\n";
        await File.WriteAllTextAsync(Path.Combine(fixture.DropFolder, $"{token}-bare1.eml"), bare);
        await File.WriteAllTextAsync(Path.Combine(fixture.DropFolder, $"{token}-bare2.eml"), bare);
        await RunDropFolderAsync();
        Assert.Single(await IntakeReportsAsync(), r => r["subject"]!.GetValue<string>() == $"Bare {token}");
    }

    [Fact]
    public async Task DropFolder_RefusedMail_GoesToFailedWithTheReason_AndMakesNoReport()
    {
        var before = await CountsAsync();
        var token = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(Path.Combine(fixture.DropFolder, $"{token}.eml"),
            Eml($"{token}@ministry.test", $"Too big {token}", "Attachment over the limit.", new byte[IntakeNode.MaxBytes + 10]));
        await RunDropFolderAsync();

        var failed = Path.Combine(fixture.DropFolder, "failed", $"{token}.eml");
        Assert.True(File.Exists(failed));
        Assert.Contains("AttachmentTooLarge", await File.ReadAllTextAsync(failed + ".reason.txt"), StringComparison.Ordinal);
        Assert.Equal(before, await CountsAsync());
    }
}

public sealed class SqliteIncidentReportTests(SqliteIntakeNode fixture) : IncidentReportTests(fixture), IClassFixture<SqliteIntakeNode>;

public sealed class PostgresIncidentReportTests(PostgresIntakeNode fixture) : IncidentReportTests(fixture), IClassFixture<PostgresIntakeNode>;
