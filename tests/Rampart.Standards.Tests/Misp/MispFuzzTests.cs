using System.Text;
using System.Text.Json.Nodes;
using FsCheck.Xunit;
using Rampart.Standards.Misp;
using Rampart.Standards.Stix;

namespace Rampart.Standards.Tests.Misp;

/// <summary>
/// Random events over every attribute type and object template the converter knows, with random values: the public
/// API either converts — every output object valid, every attribute in the output or the loss report — or fails
/// with <see cref="StandardsException"/>; nothing else escapes.
/// </summary>
public sealed class MispFuzzTests
{
    private static readonly string[] Types =
    [
        "ip-src", "ip-dst", "ip-src|port", "ip-dst|port", "domain", "hostname", "domain|ip", "url", "uri", "email", "email-src",
        "email-dst", "email-subject", "mutex", "mac-address", "AS", "filename", "regkey", "regkey|value", "malware-sample",
        "attachment", "md5", "sha1", "sha256", "sha512", "sha224", "sha3-256", "ssdeep", "tlsh", "imphash", "authentihash",
        "vhash", "impfuzzy", "telfhash", "sdhash", "pehash", "filename|md5", "filename|sha256", "filename|ssdeep", "link",
        "comment", "text", "other", "vulnerability", "yara", "snort", "sigma", "btc", "port", "src-port", "dst-port",
    ];

    private static readonly string[] Values =
    [
        "198.51.100.7", "2001:db8::1", "10.0.0.0/8", "300.1.1.1", "evil.example", "Bücher.example", "evil.example|198.51.100.7",
        "198.51.100.7|443", "1.2.3.4|99999", "http://evil.example/a?b='c'", "evil.example/x", "a@example.org", "John <a@b>",
        "00:1a:2b:3c:4d:5e", "AS64500", "ASx", "HKLM\\Software\\Run", "HKLM\\Run|C:\\x.exe", "Software\\Run", "a.exe|D41D8CD98F00B204E9800998ECF8427E",
        "D41D8CD98F00B204E9800998ECF8427E", "da39a3ee5e6b4b0d3255bfef95601890afd80709", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C",
        "T1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4", "CVE-2024-3400", "Log4Shell", "", " ", "|", "||",
        "it's \\ odd", "\u0000", "http://a.example/a b", "hxxp://bücher.example/", "see the blog", "𝕏", new string('a', 300), "443", "-1", "rule x { condition: true }",
    ];

    private static readonly string[] Templates = ["file", "ip-port", "domain-ip", "url", "email", "domain", "ip", "hostname", "pe", ""];
    private static readonly string[] Relations = ["filename", "md5", "sha256", "ssdeep", "size-in-bytes", "mimetype", "entropy", "ip", "ip-src", "ip-dst", "src-port", "dst-port", "domain", "hostname", "url", "text", ""];

    private static JsonObject Attribute(Random r, int n, bool inObject)
    {
        var a = new JsonObject
        {
            ["uuid"] = r.Next(4) == 0 ? "11111111-1111-4111-8111-111111111111" : new Guid(n, 0, 0, [0x80, 0, 0, 0, 0, 0, 0, (byte)r.Next(256)]).ToString(),
            ["type"] = Types[r.Next(Types.Length)],
            ["category"] = "Network activity",
            ["to_ids"] = r.Next(2) == 0,
            ["value"] = Values[r.Next(Values.Length)],
            ["timestamp"] = r.Next(3) == 0 ? "not a time" : "1700000000",
        };
        if (inObject)
        {
            a["object_relation"] = Relations[r.Next(Relations.Length)];
        }

        if (r.Next(5) == 0)
        {
            a["Sighting"] = new JsonArray(new JsonObject { ["type"] = r.Next(3).ToString(System.Globalization.CultureInfo.InvariantCulture), ["date_sighting"] = "1700000100" });
        }

        if (r.Next(8) == 0)
        {
            a["data"] = "aGVsbG8=";
        }

        return a;
    }

    [Property(MaxTest = 300)]
    public void RandomEvents_ConvertToValidStix_OrFailWithTheLibraryError(int seed)
    {
        var r = new Random(seed);
        var n = 0;
        var attributes = new JsonArray([.. Enumerable.Range(0, r.Next(8)).Select(_ => (JsonNode)Attribute(r, n++, false))]);
        var objects = new JsonArray([.. Enumerable.Range(0, r.Next(4)).Select(_ => (JsonNode)new JsonObject
        {
            ["uuid"] = r.Next(4) == 0 ? "11111111-1111-4111-8111-111111111111" : Guid.NewGuid().ToString(),
            ["name"] = Templates[r.Next(Templates.Length)],
            ["timestamp"] = "1700000000",
            ["Attribute"] = new JsonArray([.. Enumerable.Range(0, r.Next(5)).Select(_ => (JsonNode)Attribute(r, n++, true))]),
            ["ObjectReference"] = new JsonArray(new JsonObject { ["referenced_uuid"] = "11111111-1111-4111-8111-111111111111", ["relationship_type"] = r.Next(2) == 0 ? "Analysed_With" : "" }),
        })]);
        var ev = new JsonObject
        {
            ["Event"] = new JsonObject
            {
                ["uuid"] = "5acc88e9-265c-4f22-9d2b-b702950d2100", ["info"] = "fuzz", ["timestamp"] = "1700000000",
                ["Orgc"] = r.Next(3) == 0 ? null : new JsonObject { ["name"] = "CERT-XK" }, ["Attribute"] = attributes, ["Object"] = objects,
                ["Sighting"] = new JsonArray(new JsonObject { ["attribute_uuid"] = "11111111-1111-4111-8111-111111111111", ["type"] = "0" }),
            },
        };

        MispConversion result;
        try
        {
            result = MispEventConverter.Convert(Encoding.UTF8.GetBytes(ev.ToJsonString()));
        }
        catch (StandardsException)
        {
            return;
        }

        foreach (var o in result.Objects)
        {
            var validation = StixValidator.Validate(o);
            Assert.True(validation.IsValid, $"{o.ToJson()}: {string.Join("; ", validation.Errors.Select(e => $"{e.Path} {e.Rule} {e.Message}"))}");
        }

        var reported = result.Unmapped.Select(u => u.Path).ToList();
        for (var i = 0; i < attributes.Count; i++)
        {
            var uuid = attributes[i]!["uuid"]!.GetValue<string>();
            var path = $"Event.Attribute[{i}]";
            Assert.True(
                reported.Contains(path) || result.Objects.Any(o => o.Id.EndsWith(uuid, StringComparison.Ordinal)) || attributes[i]!["type"]!.GetValue<string>() == "link",
                $"{path} ({attributes[i]!["type"]}: {attributes[i]!["value"]}) is neither converted nor reported");
        }
    }

    [Property(MaxTest = 300)]
    public void RandomManifestBytes_FailOnlyWithTheLibraryError(byte[] bytes)
    {
        try
        {
            _ = MispFeed.ReadManifest(bytes ?? []);
            _ = MispFeed.ReadHashes(new StringReader(Encoding.Latin1.GetString(bytes ?? [])));
        }
        catch (StandardsException)
        {
            // expected
        }
    }
}
