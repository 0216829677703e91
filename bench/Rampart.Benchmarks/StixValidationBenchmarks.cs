using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Rampart.Standards.Stix;

namespace Rampart.Benchmarks;

/// <summary>
/// Issue 7's speed target, side by side in one run: parse + validate against a bare <see cref="JsonDocument.Parse(ReadOnlyMemory{byte}, JsonDocumentOptions)"/>
/// of the same bytes. <c>Bundle*</c>: a bundle of 10,000 indicators (about 5.6 MB) read with
/// <see cref="StixBundleReader"/> and every object validated. <c>Payload*</c>: 20 artifacts, each with a
/// 256 KiB <c>payload_bin</c>.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class StixValidationBenchmarks
{
    private byte[] bundle = [];
    private byte[][] artifacts = [];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        var sb = new StringBuilder("""{"type":"bundle","id":"bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061","objects":[""");
        for (var i = 0; i < 10_000; i++)
        {
            sb.Append(i == 0 ? "" : ",").Append(System.Globalization.CultureInfo.InvariantCulture, $$"""
                {"type":"indicator","spec_version":"2.1","id":"indicator--{{Guid4(NextGuid(random))}}","created_by_ref":"identity--f431f809-377b-45e0-aa1c-6a4751cae5ff",
                 "created":"2024-05-01T08:30:00.000Z","modified":"2024-05-01T08:30:00.000Z","name":"C2 server {{i}}","description":"Beaconing destination seen in the incident of May",
                 "pattern":"[ipv4-addr:value = '198.51.{{random.Next(256)}}.{{random.Next(256)}}']","pattern_type":"stix","pattern_version":"2.1",
                 "valid_from":"2024-05-01T08:30:00Z","indicator_types":["malicious-activity"],"confidence":80,
                 "object_marking_refs":["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"],"labels":["c2","region-wb"]}
                """);
        }

        bundle = Encoding.UTF8.GetBytes(sb.Append("]}").ToString());
        artifacts = Enumerable.Range(0, 20).Select(i =>
        {
            var payload = new byte[256 * 1024];
            random.NextBytes(payload);
            return Encoding.UTF8.GetBytes($$"""{"type":"artifact","spec_version":"2.1","id":"artifact--{{Guid4(Guid.NewGuid())}}","mime_type":"application/octet-stream","payload_bin":"{{Convert.ToBase64String(payload)}}","hashes":{"SHA-256":"{{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(payload))}}"} }""");
        }).ToArray();

        // The workload must be valid, or the comparison measures error reporting.
        foreach (var o in StixBundleReader.ReadAsync(new MemoryStream(bundle)).ToBlockingEnumerable().Take(3).Concat(artifacts.Select(a => StixObject.Parse(a))))
        {
            var result = StixValidator.Validate(o);
            if (!result.IsValid)
            {
                throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Path + " " + e.Message)));
            }
        }
    }

    private static Guid NextGuid(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    private static string Guid4(Guid g)
    {
        var s = g.ToString();
        return s[..14] + "4" + s[15..19] + "8" + s[20..];
    }

    public int BundleBytes => bundle.Length;

    [Benchmark]
    public int BundleBareJsonDocumentParse()
    {
        using var document = JsonDocument.Parse(bundle);
        return document.RootElement.GetProperty("objects").GetArrayLength();
    }

    [Benchmark]
    public async Task<int> BundleReadAndValidate()
    {
        var valid = 0;
        await foreach (var o in StixBundleReader.ReadAsync(new MemoryStream(bundle)))
        {
            if (StixValidator.Validate(o).IsValid)
            {
                valid++;
            }
        }

        return valid;
    }

    [Benchmark]
    public int PayloadBareJsonDocumentParse()
    {
        var n = 0;
        foreach (var bytes in artifacts)
        {
            using var document = JsonDocument.Parse(bytes);
            n += document.RootElement.GetPropertyCount();
        }

        return n;
    }

    [Benchmark]
    public int PayloadParseAndValidate()
    {
        var valid = 0;
        foreach (var bytes in artifacts)
        {
            // The same contract as the bare JsonDocument.Parse: the bytes are read in place, not copied.
            if (StixValidator.Validate(StixObject.Parse(bytes.AsMemory())).IsValid)
            {
                valid++;
            }
        }

        return valid;
    }
}
