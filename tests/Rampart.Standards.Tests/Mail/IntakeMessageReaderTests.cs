using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using FsCheck.Xunit;
using Rampart.Standards.Mail;

namespace Rampart.Standards.Tests.Mail;

/// <summary>Reading .eml files sent to the intake address, including hostile ones.</summary>
public sealed class IntakeMessageReaderTests
{
    private const string Simple =
        "From: \"Ana Petrović\" <ana@cert.example.rs>\r\n"
        + "To: intake@rampart.example, \"Desk\" <desk@rampart.example>\r\n"
        + "Cc: soc@example.me\r\n"
        + "Subject: =?UTF-8?B?U3VtbmppdiBzYW9icmHEh2FqIOKAkyBwaGlzaGluZw==?=\r\n"
        + "Date: Tue, 10 Mar 2026 09:15:00 +0100\r\n"
        + "Message-ID: <20260310.abc@cert.example.rs>\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
        + "\r\n"
        + "--b1\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "Content-Transfer-Encoding: 8bit\r\n"
        + "\r\n"
        + "Phishing against the ministry, headers attached.\r\n"
        + "--b1\r\n"
        + "Content-Type: text/csv; name=\"iocs.csv\"\r\n"
        + "Content-Disposition: attachment; filename=\"iocs.csv\"\r\n"
        + "Content-Transfer-Encoding: base64\r\n"
        + "\r\n"
        + "MTk4LjUxLjEwMC43LGMyCg==\r\n"
        + "--b1--\r\n";

    private static IntakeMessage Read(string eml, IntakeLimits? limits = null) => IntakeMessageReader.Read(Encoding.UTF8.GetBytes(eml), limits);

    private static string WithAttachment(string fileNameHeader, string mediaType, byte[] content) =>
        "From: a@example.org\r\nSubject: s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"q\"\r\n\r\n"
        + "--q\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n"
        + $"--q\r\nContent-Type: {mediaType}\r\nContent-Disposition: attachment; {fileNameHeader}\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + Convert.ToBase64String(content, Base64FormattingOptions.InsertLineBreaks) + "\r\n--q--\r\n";

    [Fact]
    public async Task ReadAsync_OrdinaryReport_GivesHeadersBodyAndHashedAttachment()
    {
        var bytes = Encoding.UTF8.GetBytes(Simple);

        var message = await IntakeMessageReader.ReadAsync(new MemoryStream(bytes));

        var from = Assert.Single(message.From);
        Assert.Equal(("Ana Petrović", "ana@cert.example.rs"), (from.Name, from.Address));
        Assert.Equal(["intake@rampart.example", "desk@rampart.example"], message.To.Select(t => t.Address));
        Assert.Equal("soc@example.me", Assert.Single(message.Cc).Address);
        Assert.Equal("Sumnjiv saobraćaj – phishing", message.Subject);
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 8, 15, 0, TimeSpan.Zero), message.Date);
        Assert.Equal(TimeSpan.Zero, message.Date!.Value.Offset);
        Assert.Equal("20260310.abc@cert.example.rs", message.MessageId);
        Assert.Equal("Phishing against the ministry, headers attached.", message.Body.TrimEnd());
        Assert.False(message.BodyFromHtml);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), message.Sha256);
        Assert.Equal(bytes.Length, message.Size);

        var attachment = Assert.Single(message.Attachments);
        var expected = Encoding.ASCII.GetBytes("198.51.100.7,c2\n");
        Assert.Equal("iocs.csv", attachment.FileName);
        Assert.Equal("text/csv", attachment.MediaType);
        Assert.Equal(expected.Length, attachment.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(expected)), attachment.Sha256);
        Assert.Equal(expected, attachment.Content.ToArray());
    }

    [Fact]
    public void Read_HtmlOnlyBody_IsConvertedToTextWithoutScriptsOrMarkup()
    {
        var eml = "From: x@example.org\r\nSubject: html\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            + "<html><head><title>t</title><style>p{color:red}</style><script>alert('x')</script></head>"
            + "<body><p>Attack on <b>mail server</b> &amp; VPN</p><ul><li>198.51.100.7</li><li>evil.example</li></ul>"
            + "<img src=\"https://tracker.example/p.gif\" onerror=\"alert(1)\">Line<br>two<script>steal()</script></body></html>";

        var message = Read(eml);

        Assert.True(message.BodyFromHtml);
        Assert.Equal("Attack on mail server & VPN\n\n- 198.51.100.7\n- evil.example\nLine\ntwo", message.Body);
        Assert.Empty(message.Attachments);
    }

    [Fact]
    public void Read_MissingHeaders_GivesNullsNotErrors()
    {
        var message = Read("Content-Type: text/plain\r\n\r\nhello");

        Assert.Empty(message.From);
        Assert.Empty(message.To);
        Assert.Null(message.Subject);
        Assert.Null(message.Date);
        Assert.Null(message.MessageId);
        Assert.Equal("hello", message.Body);
    }

    [Fact]
    public void Read_BadEncodings_AreReadAsWellAsPossibleWithoutFailing()
    {
        var eml = "From: =?x-unknown?Q?M=FCller?= <m@example.org>\r\n"
            + "Subject: =?UTF-8?B?!!!not-base64?= and =?utf-8?q?bro=ken?=\r\n"
            + "Date: Thirty-first of Nevember\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=z\r\n\r\n"
            + "--z\r\nContent-Type: text/plain; charset=x-no-such-charset\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nbroken =ZZ soft=\r\nbreak \xff\xfe\r\n"
            + "--z\r\nContent-Type: application/octet-stream; name=blob.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n@@@@ not base64 ####\r\n"
            + "--z\r\nContent-Type: text/plain; charset=utf-16\r\nContent-Disposition: attachment; filename=\"\xc3\x28.txt\"\r\n\r\n\x00\x01\r\n";

        var message = IntakeMessageReader.Read(Encoding.Latin1.GetBytes(eml));

        Assert.Equal("m@example.org", Assert.Single(message.From).Address);
        Assert.NotNull(message.Subject);
        Assert.Null(message.Date);
        Assert.Contains("broken", message.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(message.Body, c => char.IsControl(c) && c is not ('\n' or '\r' or '\t'));
        Assert.Equal(2, message.Attachments.Count);
        Assert.All(message.Attachments, a => Assert.Equal(64, a.Sha256.Length));
    }

    [Fact]
    public void Read_HugeHeaders_AreBoundedAndStillParsed()
    {
        var eml = new StringBuilder("From: a@example.org\r\nSubject: ").Append('S', 1_000_000).Append("\r\n");
        for (var i = 0; i < 20_000; i++)
        {
            eml.Append(CultureInfo($"X-Noise-{i}: {new string('n', 40)}\r\n"));
        }

        eml.Append("To: ").AppendJoin(", ", Enumerable.Range(0, 5000).Select(i => $"r{i}@example.org")).Append("\r\n\r\nbody");

        var message = Read(eml.ToString());

        Assert.Equal(2000, message.Subject!.Length);
        Assert.Equal(500, message.To.Count);
        Assert.Equal("body", message.Body);
    }

    private static string CultureInfo(FormattableString text) => FormattableString.Invariant(text);

    [Fact]
    public void Read_NestedMultipartsWithinTheLimit_FindsTheDeepAttachment()
    {
        var message = Read(Nested(10, "deep.txt"));

        Assert.Equal("deep.txt", Assert.Single(message.Attachments).FileName);
    }

    [Theory]
    [InlineData(17)]
    [InlineData(5000)]
    public void Read_NestedDeeperThanTheLimit_IsRefusedWhole(int depth)
    {
        var error = Assert.Throws<IntakeException>(() => Read(Nested(depth, "deep.txt")));

        Assert.Equal(IntakeRefusal.TooDeeplyNested, error.Refusal);
    }

    private static string Nested(int depth, string fileName)
    {
        var eml = new StringBuilder("From: a@example.org\r\nMIME-Version: 1.0\r\n");
        for (var i = 0; i < depth; i++)
        {
            eml.Append(CultureInfo($"Content-Type: multipart/mixed; boundary=\"b{i}\"\r\n\r\n--b{i}\r\n"));
        }

        eml.Append(CultureInfo($"Content-Type: text/plain\r\nContent-Disposition: attachment; filename=\"{fileName}\"\r\n\r\ndeep\r\n"));
        for (var i = depth - 1; i >= 0; i--)
        {
            eml.Append(CultureInfo($"--b{i}--\r\n"));
        }

        return eml.ToString();
    }

    [Fact]
    public void Read_ZipAttachment_IsKeptAsBytesNeverOpened()
    {
        // A small zip that would expand to 50 MB, holding a path-traversal entry: the reader must not care.
        using var zipBytes = new MemoryStream();
        using (var zip = new ZipArchive(zipBytes, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("../../../etc/cron.d/evil", CompressionLevel.SmallestSize).Open();
            entry.Write(new byte[50 * 1024 * 1024]);
        }

        var zipped = zipBytes.ToArray();
        var limits = new IntakeLimits { MaxAttachmentBytes = 1024 * 1024 };

        var message = Read(WithAttachment("filename=\"sample.zip\"", "application/zip", zipped), limits);

        var attachment = Assert.Single(message.Attachments);
        Assert.Equal("sample.zip", attachment.FileName);
        Assert.Equal("application/zip", attachment.MediaType);
        Assert.Equal(zipped.Length, attachment.Size);
        Assert.True(attachment.Size < 1024 * 1024);
        Assert.Equal(zipped, attachment.Content.ToArray());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(zipped)), attachment.Sha256);
    }

    [Theory]
    [InlineData("filename=\"../../etc/passwd\"", "passwd")]
    [InlineData("filename=\"..\\\\..\\\\Windows\\\\System32\\\\evil.dll\"", "evil.dll")]
    [InlineData("filename*=UTF-8''..%2F..%2Fhome%2Fuser%2F.bashrc", "bashrc")]
    [InlineData("filename=\"invoice\u202Efdp.exe\"", "invoicefdp.exe")]
    [InlineData("filename=\"CON.txt\"", "_CON.txt")]
    [InlineData("filename=\"...\"", "attachment-1.bin")]
    [InlineData("filename=\"a<b>c:d|e?.txt\"", "abcde.txt")]
    [InlineData("filename=\"/\"", "attachment-1.bin")]
    public void Read_HostileFileName_IsSanitised(string header, string expected)
    {
        var message = Read(WithAttachment(header, "application/octet-stream", [1, 2, 3]));

        Assert.Equal(expected, Assert.Single(message.Attachments).FileName);
    }

    [Fact]
    public void Sanitise_VeryLongName_KeepsTheExtension()
    {
        var name = FileNames.Sanitise(new string('a', 1000) + ".pdf", "x");

        Assert.Equal(150, name.Length);
        Assert.EndsWith(".pdf", name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_MessageOverTheLimit_IsRefusedWhole()
    {
        var limits = new IntakeLimits { MaxMessageBytes = 1000 };
        var big = Encoding.ASCII.GetBytes("Subject: x\r\n\r\n" + new string('a', 5000));

        var error = await Assert.ThrowsAsync<IntakeException>(() => IntakeMessageReader.ReadAsync(new MemoryStream(big), limits));

        Assert.Equal(IntakeRefusal.MessageTooLarge, error.Refusal);
    }

    [Fact]
    public void Read_AttachmentOverTheLimit_IsRefusedWholeNamingIt()
    {
        var limits = new IntakeLimits { MaxAttachmentBytes = 100 };

        var error = Assert.Throws<IntakeException>(() => Read(WithAttachment("filename=\"big.bin\"", "application/octet-stream", new byte[101]), limits));

        Assert.Equal(IntakeRefusal.AttachmentTooLarge, error.Refusal);
        Assert.Equal("attachments[0]", error.Path);
        Assert.Single(Read(WithAttachment("filename=\"ok.bin\"", "application/octet-stream", new byte[100]), limits).Attachments);
    }

    [Fact]
    public void Read_TooManyAttachments_IsRefusedWhole()
    {
        var eml = new StringBuilder("From: a@example.org\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n");
        for (var i = 0; i < 4; i++)
        {
            eml.Append(CultureInfo($"--m\r\nContent-Type: application/octet-stream; name=f{i}.bin\r\n\r\nx\r\n"));
        }

        eml.Append("--m--\r\n");

        var error = Assert.Throws<IntakeException>(() => Read(eml.ToString(), new IntakeLimits { MaxAttachments = 3 }));

        Assert.Equal(IntakeRefusal.TooManyAttachments, error.Refusal);
    }

    [Fact]
    public void Read_ForwardedMessage_IsOneEmlAttachment()
    {
        var inner = "From: attacker@evil.example\r\nSubject: Invoice\r\nContent-Type: text/plain\r\n\r\nPay now";
        var eml = "From: a@example.org\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=f\r\n\r\n"
            + "--f\r\nContent-Type: text/plain\r\n\r\nforwarding the phish\r\n"
            + "--f\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n" + inner + "\r\n--f--\r\n";

        var message = Read(eml);

        Assert.Equal("forwarding the phish", message.Body.TrimEnd());
        var attachment = Assert.Single(message.Attachments);
        Assert.Equal("message/rfc822", attachment.MediaType);
        Assert.Equal("attachment-1.eml", attachment.FileName);
        Assert.Contains("attacker@evil.example", Encoding.UTF8.GetString(attachment.Content.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Empty_IsRefusedAsMalformed()
    {
        Assert.Equal(IntakeRefusal.Malformed, Assert.Throws<IntakeException>(() => IntakeMessageReader.Read(ReadOnlyMemory<byte>.Empty)).Refusal);
    }

    [Property(MaxTest = 300)]
    public void MutatedMessage_Read_FailsOnlyWithTheLibraryError(int seed)
    {
        var random = new Random(seed);
        var bytes = Encoding.UTF8.GetBytes(Simple);
        const string noise = "\r\n-=:;\"<>?*/\\ bB0\0";
        for (var k = random.Next(1, 12); k > 0; k--)
        {
            bytes[random.Next(bytes.Length)] = (byte)noise[random.Next(noise.Length)];
        }

        try
        {
            var message = IntakeMessageReader.Read(bytes, new IntakeLimits { MaxAttachmentBytes = 64 });
            Assert.All(message.Attachments, a => Assert.DoesNotContain('/', a.FileName));
        }
        catch (StandardsException)
        {
            // expected for some mutations
        }
    }
}
