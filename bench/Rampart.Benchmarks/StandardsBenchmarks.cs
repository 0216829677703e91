using System.Globalization;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Rampart.Standards.Misp;
using Rampart.Standards.Observables;
using Rampart.Standards.Patterns;
using Rampart.Standards.Stix;

namespace Rampart.Benchmarks;

/// <summary>Parse + validate typical indicators (~500 bytes, simple pattern), against a bare Utf8JsonReader pass over the same bytes.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class IndicatorBenchmarks
{
    private byte[][] indicators = [];
    private StixObject[] parsed = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        indicators = Enumerable.Range(0, 1000).Select(i => Encoding.UTF8.GetBytes($$"""
            {"type":"indicator","spec_version":"2.1","id":"indicator--{{Guid.NewGuid()}}","created_by_ref":"identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
             "created":"2024-05-01T08:30:00.000Z","modified":"2024-05-01T08:30:00.000Z","name":"C2 server {{i}}","description":"Beaconing destination seen in the incident of May",
             "pattern":"[ipv4-addr:value = '198.51.{{random.Next(256)}}.{{random.Next(256)}}']","pattern_type":"stix","pattern_version":"2.1",
             "valid_from":"2024-05-01T08:30:00Z","indicator_types":["malicious-activity"],"confidence":80,
             "object_marking_refs":["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"],"labels":["c2","region-wb"]}
            """)).ToArray();
        parsed = indicators.Select(b => StixObject.Parse(b)).ToArray();
    }

    public int AverageBytes => (int)indicators.Average(i => i.Length);

    [Benchmark(Baseline = true, OperationsPerInvoke = 1000)]
    public int BareUtf8JsonReader()
    {
        var tokens = 0;
        foreach (var bytes in indicators)
        {
            var reader = new Utf8JsonReader(bytes);
            while (reader.Read())
            {
                tokens++;
            }
        }

        return tokens;
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public int ParseOnly()
    {
        var n = 0;
        foreach (var bytes in indicators)
        {
            n += StixObject.Parse(bytes).Json.Count;
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public int ValidateOnly()
    {
        var valid = 0;
        foreach (var o in parsed)
        {
            if (StixValidator.Validate(o).IsValid)
            {
                valid++;
            }
        }

        return valid;
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public int ParseAndValidate()
    {
        var valid = 0;
        foreach (var bytes in indicators)
        {
            if (StixValidator.Validate(StixObject.Parse(bytes)).IsValid)
            {
                valid++;
            }
        }

        return valid;
    }
}

[MemoryDiagnoser]
[MedianColumn]
public class PatternBenchmarks
{
    private readonly string[] patterns = Enumerable.Range(0, 1000).Select(i => $"[ipv4-addr:value = '198.51.{i / 256}.{i % 256}']").ToArray();

    [Benchmark(OperationsPerInvoke = 1000)]
    public int ParseSimplePattern()
    {
        var n = 0;
        foreach (var p in patterns)
        {
            n += PatternParser.Parse(p).Root is ObservationTest ? 1 : 0;
        }

        return n;
    }
}

/// <summary>Free-text extraction over about 1 MB of report-like text with indicators, defanged forms and false friends.</summary>
[MedianColumn]
public class FreeTextBenchmarks
{
    private string text = "";

    public int Bytes => Encoding.UTF8.GetByteCount(text);

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(3);
        var sb = new StringBuilder();
        string[] prose =
        [
            "The actor used spear-phishing messages against ministries and a regional energy operator.", "Version 2.4.1 of the loader was observed.",
            "Analysts at the national CERT shared the following indicators with partners.", "See README.md and the attached report.pdf for details.",
            "Operators should block the addresses below and review proxy logs for the last 30 days.",
        ];
        while (sb.Length < 1_000_000)
        {
            sb.Append(prose[random.Next(prose.Length)]).Append(' ');
            switch (random.Next(8))
            {
                case 0: sb.Append(CultureInfo.InvariantCulture, $"C2: 198.51.{random.Next(256)}.{random.Next(256)}:{random.Next(1, 65535)} "); break;
                case 1: sb.Append(CultureInfo.InvariantCulture, $"hxxps://login-{random.Next(1000)}[.]example[.]com/auth?id={random.Next()} "); break;
                case 2: sb.Append(CultureInfo.InvariantCulture, $"sha256 {Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())}{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())} "); break;
                case 3: sb.Append(CultureInfo.InvariantCulture, $"CVE-2024-{random.Next(1000, 99999)} "); break;
                case 4: sb.Append(CultureInfo.InvariantCulture, $"mail from ops{random.Next(100)}[at]mail-{random.Next(100)}.example.org "); break;
                case 5: sb.Append('\n'); break;
                default: break;
            }
        }

        text = sb.ToString();
    }

    [Benchmark]
    public int ExtractOneMegabyte() => FreeTextExtractor.Default.Extract(text).Count;
}

/// <summary>One value against all the sample warning lists (about 150,000 entries in 21 lists).</summary>
[MedianColumn]
public class WarningListBenchmarks
{
    private WarningListMatcher matcher = null!;

    [Params("198.51.100.7", "45.9.148.108", "login.evil-example.com", "www.google.com", "d41d8cd98f00b204e9800998ecf8427e")]
    public string Value { get; set; } = "";

    [GlobalSetup]
    public void Setup() => matcher = WarningListMatcher.FromDirectory(SharedData.Folder("misp-warninglists"));

    [Benchmark]
    public int LookupAgainstAllLists() => matcher.Match(Value).Count;
}
