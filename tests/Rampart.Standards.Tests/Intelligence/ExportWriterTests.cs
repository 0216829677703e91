using System.Text;
using System.Text.Json.Nodes;
using Rampart.Standards.Intelligence.Exports;
using Rampart.Standards.Markings;
using Rampart.Standards.Misp;
using FsCheck.Xunit;
using Rampart.Standards.Observables;

namespace Rampart.Standards.Tests.Intelligence;

public sealed class ExportWriterTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 29, 3, 0, 0, TimeSpan.Zero);
    private static readonly ExportHeader Amber = new(Tlp.Amber, At) { Source = "CERT-RS node", ExportId = new Guid("0b6f3d55-8a3b-4e2c-9c1d-2f6e5a4b3c21") };

    private static readonly ExportItem[] Items =
    [
        new(IndicatorKind.Ipv4, "198.51.100.7", Tlp.Green, "indicator--11111111-1111-4111-8111-111111111111") { Labels = ["c2"], Score = 87.5 },
        new(IndicatorKind.Cidr, "203.0.113.0/24", Tlp.Amber, "indicator--22222222-2222-4222-8222-222222222222"),
        new(IndicatorKind.Ipv6, "2001:db8::1", Tlp.Clear, "indicator--33333333-3333-4333-8333-333333333333"),
        new(IndicatorKind.Domain, "evil.example.com", Tlp.Amber, "indicator--44444444-4444-4444-8444-444444444444") { Description = "phishing kit; \"login\" page" },
        new(IndicatorKind.Url, "http://evil.example.com/a;b?c=\"d\"", Tlp.Green, "indicator--55555555-5555-4555-8555-555555555555"),
        new(IndicatorKind.Sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Tlp.Green, "indicator--66666666-6666-4666-8666-666666666666"),
        new(IndicatorKind.Email, "boss@evil.example.com", Tlp.Green, "indicator--77777777-7777-4777-8777-777777777777"),
    ];

    private static async Task<(string Text, ExportSummary Summary)> Export(ExportFormat format, IEnumerable<ExportItem> items, ExportOptions? options = null, ExportHeader? header = null)
    {
        using var stream = new MemoryStream();
        await using var writer = IndicatorExportWriter.Create(format, stream, header ?? Amber, options);
        var summary = await writer.WriteAllAsync(items.ToAsyncEnumerable());
        return (Encoding.UTF8.GetString(stream.ToArray()), summary);
    }

    [Theory]
    [InlineData(ExportFormat.Csv, "# TLP:AMBER")]
    [InlineData(ExportFormat.PlainList, "# TLP:AMBER")]
    [InlineData(ExportFormat.Rpz, "; TLP:AMBER")]
    [InlineData(ExportFormat.Suricata, "# TLP:AMBER")]
    public async Task Write_AnyTextFormat_FirstLineStatesMaxTlp(ExportFormat format, string start)
    {
        var (text, _) = await Export(format, Items);
        Assert.StartsWith(start + " ", text, StringComparison.Ordinal);
        var (empty, _) = await Export(format, []);
        Assert.StartsWith(start + " ", empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_ItemMoreRestrictiveThanHeader_Refused()
    {
        using var stream = new MemoryStream();
        await using var writer = IndicatorExportWriter.Create(ExportFormat.PlainList, stream, Amber);
        var e = await Assert.ThrowsAsync<StandardsException>(async () => await writer.WriteAsync(new ExportItem(IndicatorKind.Ipv4, "192.0.2.1", Tlp.Red, "indicator--11111111-1111-4111-8111-111111111111")));
        Assert.Equal("tlp", e.Path);
    }

    [Fact]
    public async Task Csv_Rows_Rfc4180QuotedAndFormulaSafe()
    {
        ExportItem[] items =
        [
            Items[3],
            new(IndicatorKind.Domain, "a.example.org", Tlp.Green, "indicator--11111111-1111-4111-8111-111111111111") { Description = "=HYPERLINK(\"http://x\")", Owner = "@team", Labels = ["-1", "+x"] },
        ];
        var (text, summary) = await Export(ExportFormat.Csv, items);
        var lines = text.Split("\r\n");

        Assert.Equal(2, summary.Written);
        Assert.Equal(CsvExportWriter.Columns, lines[2]);
        Assert.Equal("evil.example.com,domain,amber,indicator--44444444-4444-4444-8444-444444444444,,,,,,\"phishing kit; \"\"login\"\" page\"", lines[3]);
        Assert.Equal("a.example.org,domain,green,indicator--11111111-1111-4111-8111-111111111111,'-1;+x,,,,'@team,\"'=HYPERLINK(\"\"http://x\"\")\"", lines[4]);
        Assert.Equal("", lines[^1]);
    }

    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+1", "'+1")]
    [InlineData("-cmd", "'-cmd")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("line\nbreak", "\"line\nbreak\"")]
    [InlineData("plain", "plain")]
    public void CsvField_DangerousOrSpecial_Defused(string value, string expected) => Assert.Equal(expected, CsvExportWriter.Field(value));

    [Fact]
    public async Task PlainList_IpsKinds_OnlyAddressesOnePerLine()
    {
        var (text, summary) = await Export(ExportFormat.PlainList, Items, new ExportOptions { Kinds = ExportOptions.PlainLists.Ips });
        var values = text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();

        Assert.Equal(["198.51.100.7", "2001:db8::1"], values);
        Assert.Equal(new ExportSummary(2, 5), summary);
    }

    [Fact]
    public async Task PlainList_ValueWithLineBreak_Skipped()
    {
        var (text, summary) = await Export(ExportFormat.PlainList, [new(IndicatorKind.Domain, "evil.example.com\n0.0.0.0/0", Tlp.Green, "indicator--11111111-1111-4111-8111-111111111111")]);
        Assert.DoesNotContain("0.0.0.0/0", text, StringComparison.Ordinal);
        Assert.Equal(new ExportSummary(0, 1), summary);
    }

    [Fact]
    public async Task Rpz_Domains_ZoneWithSoaNsAndBothRecords()
    {
        var (text, summary) = await Export(ExportFormat.Rpz, [.. Items, new(IndicatorKind.Domain, "bad name;.example", Tlp.Green, "indicator--11111111-1111-4111-8111-111111111111")]);
        var lines = text.Split('\n');

        Assert.Equal(new ExportSummary(1, 7), summary);
        Assert.Contains("$TTL 300", lines);
        Assert.Contains($"@ IN SOA localhost. hostmaster.localhost. ({At.ToUnixTimeSeconds()} 3600 600 86400 300)", lines);
        Assert.Contains("@ IN NS localhost.", lines);
        Assert.Contains("evil.example.com CNAME .", lines);
        Assert.Contains("*.evil.example.com CNAME .", lines);
        Assert.DoesNotContain(lines, l => l.Contains("bad", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Suricata_Indicators_RulesWithUniqueSidsAndEscapedText()
    {
        var (text, summary) = await Export(ExportFormat.Suricata, Items, new ExportOptions { SuricataSidBase = 2_000_000 });
        var rules = text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();

        Assert.Equal(new ExportSummary(5, 2), summary); // the hash and the e-mail address have no rule
        Assert.Equal(6, rules.Length);
        Assert.Equal(
            "alert ip any any <> 198.51.100.7 any (msg:\"RAMPART TLP:GREEN ipv4 198.51.100.7\"; metadata:tlp green, stix_id indicator--11111111-1111-4111-8111-111111111111; sid:2000000; rev:1;)",
            rules[0]);
        Assert.StartsWith("alert ip any any <> 203.0.113.0/24 any ", rules[1], StringComparison.Ordinal);
        Assert.StartsWith("alert ip any any <> [2001:db8::1] any ", rules[2], StringComparison.Ordinal);
        Assert.Contains("dns.query; dotprefix; content:\".evil.example.com\"; nocase; endswith;", rules[3], StringComparison.Ordinal);
        Assert.Contains("tls.sni; dotprefix; content:\".evil.example.com\"; nocase; endswith;", rules[4], StringComparison.Ordinal);
        Assert.Equal(
            "alert http any any -> any any (msg:\"RAMPART TLP:GREEN url http://evil.example.com/a\\;b?c=%22d%22\"; http.host; content:\"evil.example.com\"; bsize:16; http.uri; content:\"/a\\;b?c=%22d%22\"; startswith; endswith; metadata:tlp green, stix_id indicator--55555555-5555-4555-8555-555555555555; sid:2000005; rev:1;)",
            rules[5]);
        Assert.Equal(6, rules.Select(r => r[(r.IndexOf("sid:", StringComparison.Ordinal) + 4)..]).Distinct().Count());
    }

    [Theory]
    [InlineData("a;b\\c\"d", "a\\;b\\\\c\\\"d")]
    [InlineData("two\nlines", "two lines")]
    public void SuricataMessage_SpecialCharacters_Escaped(string text, string expected) => Assert.Equal(expected, SuricataExportWriter.EscapeMessage(text));

    [Fact]
    public void SuricataContent_PipeAndNonAscii_Hex() => Assert.Equal("a|7c|b|c3||a9|\\;", SuricataExportWriter.EscapeContent("a|bé;"));

    [Fact]
    public async Task MispEvent_Items_EventMispReadsBackWithTlpTags()
    {
        var (text, summary) = await Export(ExportFormat.MispEvent, Items);
        var ev = JsonNode.Parse(text)!["Event"]!;

        Assert.Equal(new ExportSummary(7, 0), summary);
        Assert.Equal("tlp:amber", ev["Tag"]![0]!["name"]!.GetValue<string>());
        var attributes = ev["Attribute"]!.AsArray();
        Assert.Equal(["ip-dst", "ip-dst", "ip-dst", "domain", "url", "sha256", "email"], attributes.Select(a => a!["type"]!.GetValue<string>()));
        Assert.Equal("tlp:green", attributes[0]!["Tag"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("c2", attributes[0]!["Tag"]![1]!["name"]!.GetValue<string>());

        // Rampart's own MISP reader takes the export back: every value becomes an indicator, the event is AMBER.
        var back = MispEventConverter.Convert(Encoding.UTF8.GetBytes(text));
        Assert.Equal(Tlp.Amber, back.Tlp);
        Assert.Equal(7, back.Objects.Count(o => o.Type == "indicator"));
    }

    [Fact]
    public async Task Write_ManyItems_ReachesTheStreamBeforeCompletion()
    {
        var stream = new CountingStream();
        await using var writer = IndicatorExportWriter.Create(ExportFormat.PlainList, stream, Amber);
        for (var i = 0; i < 50_000; i++)
        {
            await writer.WriteAsync(new ExportItem(IndicatorKind.Ipv4, $"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}", Tlp.Green, "indicator--11111111-1111-4111-8111-111111111111"));
        }

        // Streaming: most of the output is already written, only one buffer may be pending.
        Assert.True(stream.Written > 500_000, $"only {stream.Written} bytes reached the stream");
        await writer.CompleteAsync();
        Assert.Equal(50_000, writer.Written);
    }

    [Property(MaxTest = 5000)]
    public bool TryCanonical_AnyText_SameAnswerAsFullNormalisation(byte kindIndex, char[] alphabetPicks)
    {
        // Text over the characters that matter for host names and digests, so the fast path is really exercised.
        const string alphabet = "abcdef0123456789-._xnABZ\u00e9 ";
        var text = new string([.. alphabetPicks.Select(c => alphabet[c % alphabet.Length])]);
        IndicatorKind[] kinds = [IndicatorKind.Ipv4, IndicatorKind.Domain, IndicatorKind.Md5, IndicatorKind.Sha1, IndicatorKind.Sha256, IndicatorKind.Sha512];
        var kind = kinds[kindIndex % kinds.Length];
        // Dotted quads too: the alphabet's digits and dots make them often enough.
        if (kind == IndicatorKind.Ipv4)
        {
            text = string.Join('.', text.Split('.').Take(4).Select(p => new string([.. p.Where(char.IsAsciiDigit).Take(3)])));
        }

        var fast = ExportValues.TryCanonical(kind, text, out var a);
        var full = Rampart.Standards.Intelligence.IndicatorFactory.TryNormalise(kind, text, out var b);
        return fast == full && (!fast || a == b);
    }

    [Theory]
    [InlineData("evil.example.com")]
    [InlineData("a-b.c_d.example")]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb924")]
    [InlineData("198.51.100.7")]
    public void TryCanonical_CanonicalValue_Unchanged(string value)
    {
        var kind = value[0] == '1' ? IndicatorKind.Ipv4 : value.Contains('.', StringComparison.Ordinal) ? IndicatorKind.Domain : IndicatorKind.Md5;
        Assert.True(ExportValues.TryCanonical(kind, value, out var canonical));
        Assert.Equal(value, canonical);
    }

    private sealed class CountingStream : Stream
    {
        public long Written { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Written;

        public override long Position { get => Written; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Written += count;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
