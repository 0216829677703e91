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
        var types = new[] { "indicator", "file", "relationship", "sighting", "location", "x-custom", "bundle", "marking-definition", "network-traffic", "observed-data" };
        var properties = new[] { "type", "id", "created", "modified", "spec_version", "pattern", "valid_from", "confidence", "object_refs", "granular_markings", "hashes", "src_ref", "latitude", "x_y", "labels", "sighting_of_ref" };
        JsonNode? RandomValue(int depth) => random.Next(depth > 2 ? 5 : 7) switch
        {
            0 => JsonValue.Create(random.Next(-5, 200)),
            1 => JsonValue.Create(types[random.Next(types.Length)] + "--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"),
            2 => JsonValue.Create("2024-01-01T00:00:00" + (random.Next(2) == 0 ? ".000Z" : "")),
            3 => JsonValue.Create(random.Next(2) == 0),
            4 => null,
            5 => new JsonArray(Enumerable.Range(0, random.Next(3)).Select(_ => RandomValue(depth + 1)).ToArray()),
            _ => new JsonObject(Enumerable.Range(0, random.Next(3)).Select(_ => KeyValuePair.Create(properties[random.Next(properties.Length)] + random.Next(3), RandomValue(depth + 1)))),
        };

        var o = new JsonObject { ["type"] = types[random.Next(types.Length)] };
        foreach (var p in properties.Where(_ => random.Next(2) == 0))
        {
            o[p] = RandomValue(0);
        }

        _ = StixValidator.Validate(new StixObject(o));
        _ = ScoIds.Compute(o);
    }
}
