using Rampart.Standards.Intelligence;
using Rampart.Standards.Intelligence.Csv;
using Rampart.Standards.Intelligence.Exports;
using Rampart.Standards.Markings;
using Rampart.Standards.Observables;
using Rampart.Standards.Stix;

namespace Rampart.Standards.Tests.Intelligence;

public sealed class CsvImportTests
{
    private static async Task<List<CsvImportRow>> Import(string csv, CsvMapping mapping)
    {
        var rows = new List<CsvImportRow>();
        await foreach (var row in CsvIndicatorImport.ReadAsync(new StringReader(csv), mapping))
        {
            rows.Add(row);
        }

        return rows;
    }

    private static async Task<List<CsvRecord>> Records(string csv)
    {
        var records = new List<CsvRecord>();
        await foreach (var r in CsvRecordReader.ReadAsync(new StringReader(csv)))
        {
            records.Add(r);
        }

        return records;
    }

    [Fact]
    public async Task RecordReader_Rfc4180_QuotesLineBreaksAndDoubledQuotes()
    {
        var records = await Records("\uFEFFa,b,c\r\n\"x,1\",\"he said \"\"hi\"\"\",\"two\r\nlines\"\n\nlast,,\r");

        Assert.Equal(3, records.Count);
        Assert.Equal(["a", "b", "c"], records[0].Fields);
        Assert.Equal(["x,1", "he said \"hi\"", "two\r\nlines"], records[1].Fields);
        Assert.Equal(["last", "", ""], records[2].Fields);
        Assert.Equal((3L, 5L), (records[2].Number, records[2].Line));
    }

    [Fact]
    public async Task RecordReader_TextAfterClosingQuote_ThatRecordFailsNextOneReads()
    {
        var records = await Records("\"a\"b,c\nd,e\n\"unterminated,f\n");

        Assert.NotNull(records[0].Error);
        Assert.Equal(["d", "e"], records[1].Fields);
        Assert.Contains("not closed", records[2].Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordReader_HugeField_ErrorNotMemory()
    {
        var records = await Records("x," + new string('a', CsvRecordReader.MaxFieldLength + 10) + "\ny,z\n");

        Assert.Contains("longer than", records[0].Error, StringComparison.Ordinal);
        Assert.Equal(["y", "z"], records[1].Fields);
    }

    [Fact]
    public async Task Import_MappedColumns_CandidatesNormalisedWithRowErrors()
    {
        const string csv = """
            # exported by a SOC tool
            Indicator,Type,Tags,Comment,First Seen,TLP
            198.51.100.007,ip,c2;botnet,first,2026-11-01 10:00:00,amber
            Evil[.]Example.com,domain,phishing,,1764000000,
            hxxp://evil.example.com/login,url,,,,
            E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855,,,,,
            not a value,,,,,
            10.0.0.0/8,ip-dst,,,,
            example.org,mystery,,,,
            evil.example.net,domain,,,yesterday,
            evil.example.net,domain,,,,purple
            """;
        var rows = await Import(csv, new CsvMapping
        {
            ValueColumn = "indicator",
            KindColumn = "Type",
            LabelColumns = ["Tags"],
            FixedLabels = ["feed:soc"],
            DescriptionColumn = "Comment",
            FirstSeenColumn = "First Seen",
            TlpColumn = "TLP",
        });

        Assert.Equal(9, rows.Count);

        // "198.51.100.007" has a leading zero: refused, not read as octal or decimal. Row 2 of the records, line 3 of the file.
        Assert.Equal(new CsvRowError(2, 3, "indicator", "'198.51.100.007' is not a valid IPv4 address."), rows[0].Error);
        Assert.Equal((IndicatorKind.Domain, "evil.example.com"), (rows[1].Candidate!.Kind, rows[1].Candidate!.Value));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1764000000), rows[1].Candidate!.FirstSeen);
        Assert.Equal(["feed:soc", "phishing"], rows[1].Candidate!.Labels);
        Assert.Equal((IndicatorKind.Url, "http://evil.example.com/login"), (rows[2].Candidate!.Kind, rows[2].Candidate!.Value));
        Assert.Equal((IndicatorKind.Sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"), (rows[3].Candidate!.Kind, rows[3].Candidate!.Value));
        Assert.Equal(new CsvRowError(6, 7, "indicator", "'not a value' is not an address, network, domain, URL, e-mail address, hash, CVE or AS number."), rows[4].Error);
        Assert.Equal((IndicatorKind.Cidr, "10.0.0.0/8"), (rows[5].Candidate!.Kind, rows[5].Candidate!.Value));
        Assert.Equal(8, rows[6].Error!.Row);
        Assert.Equal("Type", rows[6].Error!.Column);
        Assert.Equal("First Seen", rows[7].Error!.Column);
        Assert.Equal("TLP", rows[8].Error!.Column);
    }

    [Fact]
    public async Task Import_ValidRowWithTlpAndTime_AllFieldsCarried()
    {
        var rows = await Import("v,t,tlp,c,d\n198.51.100.7,2026-11-01T10:00:00Z,TLP:AMBER+STRICT,80,\"C2, seen twice\"\n", new CsvMapping
        {
            ValueColumn = "v",
            FirstSeenColumn = "t",
            TlpColumn = "tlp",
            ConfidenceColumn = "c",
            DescriptionColumn = "d",
        });

        var c = rows.Single().Candidate!;
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero), c.FirstSeen);
        Assert.Equal(Tlp.AmberStrict, c.Tlp);
        Assert.Equal(80, c.Confidence);
        Assert.Equal("C2, seen twice", c.Description);

        var made = IndicatorFactory.Create(c.ToRequest("identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", Tlp.Green, DateTimeOffset.UnixEpoch));
        Assert.Equal("[ipv4-addr:value = '198.51.100.7']", made.Indicator!.GetString("pattern"));
        Assert.Equal(Tlp.AmberStrict.StixMarkingId(), made.Indicator.Json["object_marking_refs"]![0]!.GetValue<string>());
        Assert.True(StixValidator.Validate(made.Indicator).IsValid);
    }

    [Fact]
    public async Task Import_NoHeaderColumnsByNumberAndFixedKind()
    {
        var rows = await Import("x,evil.example.com\ny,EVIL.example.org.\nz,1.2.3.4\n", new CsvMapping { ValueColumn = "2", HasHeader = false, FixedKind = IndicatorKind.Domain });

        Assert.Equal(["evil.example.com", "evil.example.org"], rows.Where(r => r.Candidate is not null).Select(r => r.Candidate!.Value));
        Assert.Equal(3, rows[2].Error!.Row);
    }

    [Theory]
    [InlineData("value,kind\n", "nope", null, "mapping.value_column")]
    [InlineData("value,kind\n", "value", "type", "mapping.kind_column")]
    [InlineData("", "value", null, "mapping.header")]
    public async Task Import_MappingNamesMissingColumn_StandardsExceptionOnMapping(string csv, string valueColumn, string? kindColumn, string path)
    {
        var e = await Assert.ThrowsAsync<StandardsException>(() => Import(csv, new CsvMapping { ValueColumn = valueColumn, KindColumn = kindColumn }));
        Assert.Equal(path, e.Path);
    }

    [Fact]
    public async Task Import_OwnCsvExport_ReadsBack()
    {
        using var stream = new MemoryStream();
        await using (var writer = IndicatorExportWriter.Create(ExportFormat.Csv, stream, new ExportHeader(Tlp.Amber, DateTimeOffset.UnixEpoch)))
        {
            await writer.WriteAsync(new ExportItem(IndicatorKind.Domain, "evil.example.com", Tlp.Amber, "indicator--11111111-1111-4111-8111-111111111111") { Labels = ["a", "b"] });
            await writer.WriteAsync(new ExportItem(IndicatorKind.Ipv6, "2001:db8::1", Tlp.Green, "indicator--11111111-1111-4111-8111-111111111111"));
        }

        stream.Position = 0;
        var rows = await Import(new StreamReader(stream).ReadToEnd(), new CsvMapping { ValueColumn = "value", KindColumn = "kind", LabelColumns = ["labels"], TlpColumn = "tlp" });

        Assert.Equal([(IndicatorKind.Domain, "evil.example.com", (Tlp?)Tlp.Amber), (IndicatorKind.Ipv6, "2001:db8::1", Tlp.Green)], rows.Select(r => (r.Candidate!.Kind, r.Candidate.Value, r.Candidate.Tlp)));
        Assert.Equal(["a", "b"], rows[0].Candidate!.Labels);
    }
}
