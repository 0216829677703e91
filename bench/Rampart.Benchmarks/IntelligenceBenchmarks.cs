using System.Diagnostics;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Rampart.Standards.Intelligence;
using Rampart.Standards.Intelligence.Csv;
using Rampart.Standards.Intelligence.Exports;
using Rampart.Standards.Markings;
using Rampart.Standards.Observables;

namespace Rampart.Benchmarks;

/// <summary>Export writers per item (100,000 mixed addresses, domains, URLs and hashes to a null stream).</summary>
[MemoryDiagnoser]
[MedianColumn]
public class ExportBenchmarks
{
    private const int Count = 100_000;
    private ExportItem[] items = [];

    [Params(ExportFormat.PlainList, ExportFormat.Csv, ExportFormat.Rpz, ExportFormat.Suricata, ExportFormat.MispEvent)]
    public ExportFormat Format { get; set; }

    [GlobalSetup]
    public void Setup() => items = IntelligenceData.Items(Count).ToArray();

    [Benchmark(OperationsPerInvoke = Count)]
    public async Task<long> Write()
    {
        await using var writer = IndicatorExportWriter.Create(Format, Stream.Null, new ExportHeader(Tlp.Amber, DateTimeOffset.UnixEpoch));
        foreach (var item in items)
        {
            await writer.WriteAsync(item);
        }

        await writer.CompleteAsync();
        return writer.Written;
    }
}

/// <summary>CSV import (parse, map, detect, normalise) per row, and indicator + SCO creation per value.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class CsvImportBenchmarks
{
    private const int Count = 100_000;
    private string csv = "";
    private ExportItem[] items = [];

    [GlobalSetup]
    public void Setup()
    {
        items = IntelligenceData.Items(Count).ToArray();
        var sb = new StringBuilder("value,kind,labels,first_seen\n");
        foreach (var item in items)
        {
            sb.Append(item.Value).Append(',').Append(KindCodes.Code(item.Kind)).Append(",c2;botnet,2026-11-01T10:00:00Z\n");
        }

        csv = sb.ToString();
    }

    [Benchmark(OperationsPerInvoke = Count)]
    public async Task<int> ImportRows()
    {
        var n = 0;
        var mapping = new CsvMapping { ValueColumn = "value", KindColumn = "kind", LabelColumns = ["labels"], FirstSeenColumn = "first_seen" };
        await foreach (var row in CsvIndicatorImport.ReadAsync(new StringReader(csv), mapping))
        {
            n += row.Candidate is null ? 0 : 1;
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public int CreateIndicators()
    {
        var n = 0;
        for (var i = 0; i < 1000; i++)
        {
            var made = IndicatorFactory.Create(new IndicatorRequest(items[i].Kind, items[i].Value, DateTimeOffset.UnixEpoch, "identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", Tlp.Green));
            n += made.Indicator?.Json.Count ?? 0;
        }

        return n;
    }

    [Benchmark(OperationsPerInvoke = 1000)]
    public double DecayScore()
    {
        var sum = 0.0;
        var model = DecayModel.Addresses;
        for (var i = 0; i < 1000; i++)
        {
            sum += Decay.Score(80, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(i), model);
        }

        return sum;
    }
}

internal static class IntelligenceData
{
    /// <summary>A deterministic mix: 40 % IPv4, 10 % CIDR, 25 % domains, 15 % URLs, 10 % SHA-256.</summary>
    public static IEnumerable<ExportItem> Items(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var (kind, value) = (i % 20) switch
            {
                < 8 => (IndicatorKind.Ipv4, $"{10 + (i >> 24 & 127)}.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"),
                < 10 => (IndicatorKind.Cidr, $"172.{i >> 8 & 15 | 16}.{i & 255}.0/24"),
                < 15 => (IndicatorKind.Domain, $"host{i.ToString(CultureInfo.InvariantCulture)}.bad-{(i % 97).ToString(CultureInfo.InvariantCulture)}.example.com"),
                < 18 => (IndicatorKind.Url, $"http://cdn{(i % 13).ToString(CultureInfo.InvariantCulture)}.example.net/p/{i.ToString(CultureInfo.InvariantCulture)}?id={(i * 7).ToString(CultureInfo.InvariantCulture)}"),
                _ => (IndicatorKind.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)))),
            };
            yield return new ExportItem(kind, value, i % 3 == 0 ? Tlp.Amber : Tlp.Green, "indicator--11111111-1111-4111-8111-111111111111") { Labels = ["c2"], Score = 75 };
        }
    }
}

/// <summary><c>export-1m FORMAT</c>: writes 1,000,000 items to a null stream with a stopwatch and reports the peak managed heap.</summary>
internal static class ExportMeasurement
{
    public static async Task<int> RunAsync(ExportFormat format, int count)
    {
        long peak = 0;
        using var sampling = new Timer(_ => peak = Math.Max(peak, GC.GetTotalMemory(false)), null, 0, 20);
        var watch = Stopwatch.StartNew();
        await using var writer = IndicatorExportWriter.Create(format, Stream.Null, new ExportHeader(Tlp.Amber, DateTimeOffset.UnixEpoch));
        foreach (var item in IntelligenceData.Items(count))
        {
            await writer.WriteAsync(item);
        }

        await writer.CompleteAsync();
        watch.Stop();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{format}: {writer.Written:N0} written, {writer.Skipped:N0} skipped in {watch.Elapsed.TotalSeconds:F2} s ({writer.Written / watch.Elapsed.TotalSeconds:N0}/s, item generation included); peak sampled managed heap {peak / 1048576.0:F1} MiB"));
        return 0;
    }
}
