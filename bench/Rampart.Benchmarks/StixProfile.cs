#pragma warning disable CA5350 // measuring the cost of the UUIDv5 hash
using System.Diagnostics;
using System.Text.Json;
using Rampart.Standards.Stix;

namespace Rampart.Benchmarks;

/// <summary>`profile-stix`: a rough split of where parse + validate time goes (Stopwatch, not BenchmarkDotNet).</summary>
internal static class StixProfile
{
    public static int Run()
    {
        var b = new StixValidationBenchmarks();
        b.Setup();
        var bundle = (byte[])typeof(StixValidationBenchmarks).GetField("bundle", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(b)!;
        var artifacts = (byte[][])typeof(StixValidationBenchmarks).GetField("artifacts", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(b)!;
        var objects = StixBundleReader.ReadAsync(new MemoryStream(bundle)).ToBlockingEnumerable().ToList();
        var raw = objects.Select(o => System.Text.Encoding.UTF8.GetBytes(o.ToJson())).ToList();
        var parsedArtifacts = artifacts.Select(a => StixObject.Parse(a)).ToList();

        Time("bundle: bare JsonDocument.Parse", () => { using var d = JsonDocument.Parse(bundle); });
        Time("bundle: reader only", () => { foreach (var o in StixBundleReader.ReadAsync(new MemoryStream(bundle)).ToBlockingEnumerable()) { } });
        Time("bundle: StixObject.Parse of each object's bytes", () => { foreach (var r in raw) { StixObject.Parse(r); } });
        Time("bundle: validate each parsed object", () => { foreach (var o in objects) { StixValidator.Validate(o); } });
        Time("bundle: pattern parse of each", () => { foreach (var o in objects) { Rampart.Standards.Patterns.PatternParser.Parse(o.GetString("pattern")!); } });
        Time("payload: bare JsonDocument.Parse", () => { foreach (var a in artifacts) { using var d = JsonDocument.Parse(a); } });
        Time("payload: StixObject.Parse", () => { foreach (var a in artifacts) { StixObject.Parse(a); } });
        Time("payload: validate parsed", () => { foreach (var o in parsedArtifacts) { StixValidator.Validate(o); } });
        var opts = new JsonDocumentOptions { MaxDepth = 64, AllowDuplicateProperties = false };
        Time("payload: JsonDocument.Parse no-dup options", () => { foreach (var a in artifacts) { using var d = JsonDocument.Parse(a, opts); } });
        Time("payload: ToArray copies", () => { foreach (var a in artifacts) { _ = a.AsSpan().ToArray(); } });
        Time("payload: IndexOf backslash", () => { foreach (var a in artifacts) { _ = a.AsSpan().IndexOf((byte)'\\'); } });
        Time("payload: Base64.IsValid", () => { foreach (var a in artifacts) { _ = System.Buffers.Text.Base64.IsValid(a.AsSpan(150, 349524)); } });
        Time("payload: SHA1", () => { foreach (var a in artifacts) { _ = System.Security.Cryptography.SHA1.HashData(a); } });
        Time("bundle: JsonDocument.Parse each object (no-dup)", () => { foreach (var r in raw) { using var d = JsonDocument.Parse(r, opts); } });
        Time("bundle: JsonDocument.Parse each object (default)", () => { foreach (var r in raw) { using var d = JsonDocument.Parse(r); } });
        return 0;
    }

    /// <summary>`profile-stix-loop`: validate the 10,000 indicators over and over for a trace (dotnet-trace collect -- …).</summary>
    public static int Loop(string what)
    {
        var b = new StixValidationBenchmarks();
        b.Setup();
        var flags = System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance;
        var bundle = (byte[])typeof(StixValidationBenchmarks).GetField("bundle", flags)!.GetValue(b)!;
        var artifacts = (byte[][])typeof(StixValidationBenchmarks).GetField("artifacts", flags)!.GetValue(b)!;
        var raw = StixBundleReader.ReadAsync(new MemoryStream(bundle)).ToBlockingEnumerable().Select(o => System.Text.Encoding.UTF8.GetBytes(o.ToJson())).ToList();
        var sw = Stopwatch.StartNew();
        var n = 0;
        while (sw.Elapsed.TotalSeconds < 15)
        {
            if (what == "payload")
            {
                foreach (var a in artifacts)
                {
                    n += StixValidator.Validate(StixObject.Parse(a.AsMemory())).Errors.Count;
                }
            }
            else
            {
                foreach (var r in raw)
                {
                    n += StixValidator.Validate(StixObject.Parse(r)).Errors.Count;
                }
            }
        }

        return n;
    }

    private static void Time(string what, Action action)
    {
        for (var i = 0; i < 3; i++)
        {
            action();
        }

        var times = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine($"{what,-50} median {times[4],9:F2} ms");
    }
}
