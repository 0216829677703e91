using System.Text.Json.Nodes;
using FsCheck.Xunit;
using Rampart.Standards.Stix;

namespace Rampart.Standards.Tests.Stix;

/// <summary>Random and mutated documents never raise anything but the library's own error.</summary>
public sealed class StixFuzzTests
{
    private const string Noise = "{}[]\",:0aZ-\\ tfn.";
    private static readonly byte[] Sample = File.ReadAllBytes(Path.Combine(SharedData.Folder("stix2-json-schemas"), "examples", "threat-reports", "poisonivy.json"));

    [Property(MaxTest = 400)]
    public void MutatedBundle_ReadAndValidated_FailsOnlyWithTheLibraryError(int seed)
    {
        var random = new Random(seed);
        var bytes = (byte[])Sample.Clone();
        for (var k = random.Next(1, 6); k > 0; k--)
        {
            bytes[random.Next(bytes.Length)] = (byte)Noise[random.Next(Noise.Length)];
        }

        try
        {
            foreach (var o in StixBundleReader.ReadAsync(new MemoryStream(bytes)).ToBlockingEnumerable())
            {
                _ = StixValidator.Validate(o);
            }
        }
        catch (StandardsException)
        {
            // expected
        }
    }

    [Property(MaxTest = 400)]
    public void AnyJsonObject_ValidatesWithoutThrowing(int seed)
    {
        var random = new Random(seed);
        var types = new[]
        {
            "indicator", "file", "relationship", "sighting", "location", "x-custom", "bundle", "marking-definition", "network-traffic", "observed-data",
            "artifact", "process", "windows-registry-key", "software", "email-message", "ipv4-addr", "url", "extension-definition", "language-content", "malware",
        };
        var properties = new[]
        {
            "type", "id", "created", "modified", "spec_version", "pattern", "valid_from", "confidence", "object_refs", "granular_markings", "hashes", "src_ref", "latitude", "x_y",
            "labels", "sighting_of_ref", "extensions", "external_references", "kill_chain_phases", "payload_bin", "url", "value", "key", "values", "cpe", "languages",
            "definition_type", "definition", "object_marking_refs", "is_active", "end", "start", "body_multipart", "is_multipart", "lang", "contents", "first_seen", "last_seen",
            "archive-ext", "extension-definition--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061", "selectors", "marking_ref", "source_name", "external_id", "MD5", "SSDEEP",
        };
        JsonNode? RandomValue(int depth) => random.Next(depth > 2 ? 5 : 7) switch
        {
            0 => JsonValue.Create(random.Next(-5, 200)),
            1 => JsonValue.Create(types[random.Next(types.Length)] + "--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"),
            2 => JsonValue.Create("2024-01-01T00:00:00" + (random.Next(2) == 0 ? ".000Z" : "")),
            3 => JsonValue.Create(random.Next(2) == 0),
            4 => null,
            5 => new JsonArray(Enumerable.Range(0, random.Next(3)).Select(_ => RandomValue(depth + 1)).ToArray()),
            _ => new JsonObject(Enumerable.Range(0, random.Next(3)).Select(_ => KeyValuePair.Create(properties[random.Next(properties.Length)] + random.Next(3), RandomValue(depth + 1))).DistinctBy(p => p.Key)),
        };

        var o = new JsonObject { ["type"] = types[random.Next(types.Length)] };
        foreach (var p in properties.Where(_ => random.Next(2) == 0))
        {
            o[p] = RandomValue(0);
        }

        _ = StixValidator.Validate(new StixObject(o));
        _ = ScoIds.Compute(o);
        try
        {
            // The same object from text: parsing may refuse it, but only with the library's error.
            _ = StixValidator.Validate(StixObject.Parse(new StixObject(o).ToJson()));
            _ = StixValidator.ValidateBundle(new JsonObject { ["type"] = "bundle", ["id"] = "bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061", ["objects"] = new JsonArray(o.DeepClone()) });
        }
        catch (StandardsException)
        {
            // expected
        }
    }

    private static readonly string[] Fragments =
    [
        "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\u0000", "\\\\", "\\\"", "\"type\":\"indicator\",", "\"id\":1,", "[[[[[[", "]]]]", "{\"a\":", "\"x_a\":{},\"x_a\":[],",
        "\"extensions\":\"e\",", "\"hashes\":{\"MD5\":1},", "\"payload_bin\":\"@@\",", "1e999", "-0", "\u00fc", "\"created\":\"2024-02-30T00:00:00Z\",",
    ];

    private static readonly string Indicator = File.ReadAllText(Path.Combine(SharedData.Folder("stix2-json-schemas"), "examples", "malicious-email-indicator-with-attachment.json"));

    // Issue 7: only StandardsException escapes the public API, whatever the text.
    [Property(MaxTest = 500)]
    public async Task SplicedText_ThroughEveryEntryPoint_FailsOnlyWithTheLibraryError(int seed)
    {
        var random = new Random(seed);
        var text = Indicator;
        for (var k = random.Next(1, 4); k > 0; k--)
        {
            var at = random.Next(text.Length);
            text = random.Next(3) == 0 ? text.Remove(at, Math.Min(random.Next(1, 8), text.Length - at)) : text.Insert(at, Fragments[random.Next(Fragments.Length)]);
        }

        await Survive(async () =>
        {
            var o = StixObject.Parse(text);
            _ = StixValidator.Validate(o);
            _ = StixObject.Parse(o.ToJson());
            _ = o.Json.Count;
            _ = StixValidator.Validate(o);
            var stream = new MemoryStream();
            await using (var writer = new StixBundleWriter(stream, "bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"))
            {
                await writer.WriteAsync(o);
            }
        });
        await Survive(() => Task.FromResult(StixValidator.Validate(StixObject.Parse(System.Text.Encoding.UTF8.GetBytes(text)))));
        await Survive(async () =>
        {
            var properties = new JsonObject();
            var bundle = System.Text.Encoding.UTF8.GetBytes("{\"type\":\"bundle\",\"id\":\"bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061\",\"x_m\":" + text + ",\"objects\":[" + text + "]}");
            await foreach (var o in StixBundleReader.ReadAsync(new MemoryStream(bundle), properties))
            {
                _ = StixValidator.Validate(o);
            }

            await using var writer = new StixBundleWriter(new MemoryStream(), "bundle--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061", properties);
        });
    }

    private static async Task Survive(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (StandardsException)
        {
            // expected
        }
    }
}
