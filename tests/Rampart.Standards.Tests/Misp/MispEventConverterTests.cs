using System.Text;
using System.Text.Json.Nodes;
using Rampart.Standards.Markings;
using Rampart.Standards.Misp;
using Rampart.Standards.Stix;

namespace Rampart.Standards.Tests.Misp;

public sealed class MispEventConverterTests
{
    private const string Noise = "{}[]\",:0a\\ ";

    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(SharedData.Folder("misp-samples"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    private static MispConversion Convert(string sample) =>
        MispEventConverter.Convert(File.ReadAllBytes(Path.Combine(SharedData.Folder("misp-samples"), sample)));

    private static JsonObject Event(string sample)
    {
        var root = JsonNode.Parse(File.ReadAllBytes(Path.Combine(SharedData.Folder("misp-samples"), sample)))!.AsObject();
        return root["Event"] as JsonObject ?? root;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void EverySample_ConvertsToValidStix(string sample)
    {
        var result = Convert(sample);
        foreach (var o in result.Objects)
        {
            var validation = StixValidator.Validate(o);
            Assert.True(validation.IsValid, $"{o.Id}: {string.Join("; ", validation.Errors.Select(e => $"{e.Path} {e.Rule} {e.Message}"))}");
        }

        Assert.Equal(result.Objects.Count, result.Objects.Select(o => o.Id).Distinct().Count());
        var refs = result.Report.Json["object_refs"]!.AsArray().Select(r => r!.GetValue<string>()).ToHashSet();
        Assert.All(result.Objects.Where(o => o.Type is not ("identity" or "report")), o => Assert.Contains(o.Id, refs));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void NothingIsDroppedSilently(string sample)
    {
        var result = Convert(sample);
        var ids = result.Objects.Select(o => o.Id.Split("--")[1]).ToHashSet();
        var externalUrls = (result.Report.Json["external_references"] as JsonArray ?? []).Select(r => r?["url"]?.GetValue<string>()).ToHashSet();
        var ev = Event(sample);
        var attributes = ev["Attribute"] as JsonArray ?? [];
        for (var i = 0; i < attributes.Count; i++)
        {
            var a = attributes[i]!.AsObject();
            if (a["deleted"]?.GetValue<bool>() == true)
            {
                continue;
            }

            var uuid = a["uuid"]!.GetValue<string>();
            var represented = ids.Contains(uuid) || externalUrls.Contains(a["value"]!.GetValue<string>())
                || result.Unmapped.Any(u => u.Path == $"Event.Attribute[{i}]");
            Assert.True(represented, $"{sample}: attribute {i} ({a["type"]}) is neither converted nor reported");
        }

        var objects = ev["Object"] as JsonArray ?? [];
        for (var i = 0; i < objects.Count; i++)
        {
            var uuid = objects[i]!["uuid"]!.GetValue<string>();
            Assert.True(ids.Contains(uuid) || result.Unmapped.Any(u => u.Path.StartsWith($"Event.Object[{i}]", StringComparison.Ordinal)),
                $"{sample}: object {i} ({objects[i]!["name"]}) is neither converted nor reported");
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void EveryConvertedAttribute_CarriesItsValueTypeAndCategory(string sample)
    {
        var result = Convert(sample);
        var byId = result.Objects.ToDictionary(o => o.Id);
        var attributes = Event(sample)["Attribute"] as JsonArray ?? [];
        var checkedCount = 0;
        foreach (var a in attributes.Select(a => a!.AsObject()))
        {
            var uuid = a["uuid"]!.GetValue<string>();
            var type = a["type"]!.GetValue<string>();
            var value = a["value"]!.GetValue<string>();
            var converted = result.Objects.FirstOrDefault(o => o.Id.EndsWith("--" + uuid, StringComparison.Ordinal));
            if (converted is null)
            {
                continue;
            }

            // Every part of the MISP value (composites are "a|b") appears in the STIX object or its observables.
            var text = converted.ToJson() + string.Concat((converted.Json["object_refs"] as JsonArray ?? [])
                .Select(r => byId.TryGetValue(r!.GetValue<string>(), out var sco) ? sco.ToJson() : ""));
            foreach (var part in value.Split('|'))
            {
                // Registry keys are converted with their hive written out (HKLM → HKEY_LOCAL_MACHINE).
                var forms = new[] { part.Trim(), MispObservables.RegistryKey(part) ?? part.Trim() }.Select(f => System.Text.Json.JsonSerializer.Serialize(f)[1..^1]);
                Assert.True(forms.Any(f => text.Contains(f, StringComparison.OrdinalIgnoreCase)), $"{sample}: {type} value '{part}' is missing from {converted.Id}");
            }

            if (converted.Type is "indicator" or "observed-data" or "note")
            {
                var labels = converted.Json["labels"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
                Assert.Contains($"misp:type=\"{type}\"", labels);
                Assert.Contains($"misp:category=\"{a["category"]!.GetValue<string>()}\"", labels);
            }

            if (converted.Type == "indicator" && converted.GetString("pattern_type") == "stix")
            {
                Assert.True(a["to_ids"]!.GetValue<bool>(), $"{sample}: {uuid} became an indicator without to_ids");
            }

            checkedCount++;
        }

        Assert.True(checkedCount > 0 || attributes.Count == 0, $"{sample}: no attribute was checked");
    }

    [Fact]
    public void GalaxySample_PropertyByProperty()
    {
        var result = Convert("galaxy_1.json");
        var report = result.Report.Json;
        Assert.Equal("report--5acc88e9-265c-4f22-9d2b-b702950d210f", report["id"]!.GetValue<string>());
        Assert.Equal("OSINT - PUBG Ransomware Decrypts Your Files If You Play PlayerUnknown's Battlegrounds", report["name"]!.GetValue<string>());
        Assert.Equal("low", report["x_misp_threat_level"]!.GetValue<string>());
        Assert.Equal("completed", report["x_misp_analysis"]!.GetValue<string>());
        Assert.Equal(3, report["x_misp_distribution"]!.GetValue<int>());
        Assert.Equal(TlpMarking.StixMarkingId(Tlp.Clear), report["object_marking_refs"]![0]!.GetValue<string>());
        Assert.Equal(Tlp.Clear, result.Tlp);
        Assert.Contains("circl:incident-classification=\"malware\"", report["labels"]!.AsArray().Select(l => l!.GetValue<string>()));

        var creator = result.Objects.Single(o => o.Type == "identity");
        Assert.Equal("identity--55f6ea5e-2c60-40e5-964f-47a8950d210f", creator.Id);
        Assert.Equal("CIRCL", creator.GetString("name"));

        // The link attribute became an external reference of the report.
        Assert.Contains(report["external_references"]!.AsArray(), r => r!["url"]?.GetValue<string>()?.Contains("bleepingcomputer.com", StringComparison.Ordinal) == true);

        // The file object with to_ids hashes became an indicator with an AND pattern over its attributes.
        var fileIndicator = result.Objects.Single(o => o.Id == "indicator--2ba7f152-381c-470f-a732-792397b424d4");
        var pattern = fileIndicator.GetString("pattern")!;
        Assert.Contains("file:hashes.'SHA-1' = 'd63ff86f05b6f2fb86abf0dcd16cd2008fa3c158'", pattern, StringComparison.Ordinal);
        Assert.Equal("identity--55f6ea5e-2c60-40e5-964f-47a8950d210f", fileIndicator.GetString("created_by_ref"));

        // Its reference to the (unconverted) virustotal-report object is reported, not dropped.
        Assert.Contains(result.Unmapped, u => u.What.Contains("virustotal-report", StringComparison.Ordinal));
    }

    [Fact]
    public void ToIdsAttributes_AreIndicators_OthersObservedData()
    {
        const string ev = """
            {"Event":{"uuid":"5acc88e9-265c-4f22-9d2b-b702950d2100","info":"t","timestamp":"1700000000","date":"2023-11-14",
             "Orgc":{"name":"CERT-AL","uuid":"55f6ea5e-2c60-40e5-964f-47a8950d2101"},"distribution":"1","threat_level_id":"1","analysis":"0",
             "Tag":[{"name":"tlp:amber+strict"},{"name":"PAP:GREEN"},{"name":"misp-galaxy:threat-actor=\"Sofacy\""}],
             "Attribute":[
              {"uuid":"11111111-1111-4111-8111-111111111111","type":"ip-dst","category":"Network activity","to_ids":true,"value":"198.51.100.7","timestamp":"1700000001","Tag":[{"name":"tlp:red"}]},
              {"uuid":"22222222-2222-4222-8222-222222222222","type":"domain","category":"Network activity","to_ids":false,"value":"evil.example","timestamp":"1700000002"},
              {"uuid":"33333333-3333-4333-8333-333333333333","type":"ip-dst|port","to_ids":true,"value":"2001:db8::1|443","timestamp":"1700000003"},
              {"uuid":"44444444-4444-4444-8444-444444444444","type":"btc","to_ids":true,"value":"1BoatSLRHtKNngkdXEeobR76b53LETtpyT","timestamp":"1700000004"},
              {"uuid":"55555555-5555-4555-8555-555555555555","type":"filename|sha256","to_ids":true,"value":"a.exe|E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855","timestamp":"1700000005"},
              {"uuid":"66666666-6666-4666-8666-666666666666","type":"yara","to_ids":true,"value":"rule x { condition: true }","timestamp":"1700000006"},
              {"uuid":"77777777-7777-4777-8777-777777777777","type":"vulnerability","to_ids":false,"value":"CVE-2024-3400","timestamp":"1700000007"}]}}
            """;
        var result = MispEventConverter.Convert(Encoding.UTF8.GetBytes(ev));
        StixObject Get(string id) => result.Objects.Single(o => o.Id == id);

        var ip = Get("indicator--11111111-1111-4111-8111-111111111111");
        Assert.Equal("[ipv4-addr:value = '198.51.100.7']", ip.GetString("pattern"));
        Assert.Equal("2023-11-14T22:13:21.000Z", ip.GetString("valid_from"));
        Assert.Equal(TlpMarking.StixMarkingId(Tlp.Red), ip.Json["object_marking_refs"]![0]!.GetValue<string>());

        var domain = Get("observed-data--22222222-2222-4222-8222-222222222222");
        var domainSco = Get(domain.Json["object_refs"]![0]!.GetValue<string>());
        Assert.Equal("evil.example", domainSco.GetString("value"));
        Assert.Equal(TlpMarking.StixMarkingId(Tlp.AmberStrict), domain.Json["object_marking_refs"]![0]!.GetValue<string>());

        Assert.Equal("[network-traffic:dst_ref.value = '2001:db8::1' AND network-traffic:dst_port = 443]", Get("indicator--33333333-3333-4333-8333-333333333333").GetString("pattern"));
        Assert.Equal("[file:name = 'a.exe' AND file:hashes.'SHA-256' = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855']", Get("indicator--55555555-5555-4555-8555-555555555555").GetString("pattern"));
        Assert.Equal("yara", Get("indicator--66666666-6666-4666-8666-666666666666").GetString("pattern_type"));
        Assert.Equal("CVE-2024-3400", Get("vulnerability--77777777-7777-4777-8777-777777777777").GetString("name"));
        Assert.Contains(result.Unmapped, u => u.Path == "Event.Attribute[3]" && u.What.StartsWith("btc:", StringComparison.Ordinal));
        Assert.Contains(result.Objects, o => o.Type == "threat-actor" && o.GetString("name") == "Sofacy");
        Assert.Equal(Pap.Green, result.Pap);
        Assert.Equal(Tlp.AmberStrict, result.Tlp);
        Assert.Equal(1, result.Distribution);
        Assert.Equal("high", result.Report.GetString("x_misp_threat_level"));
    }

    [Theory]
    [InlineData("[]", "$")]
    [InlineData("{\"Event\":{\"info\":\"x\",\"timestamp\":\"1\"}}", "Event.uuid")]
    [InlineData("{\"Event\":{\"uuid\":\"5acc88e9-265c-4f22-9d2b-b702950d2100\",\"timestamp\":\"1\"}}", "Event.info")]
    [InlineData("not json", null)]
    public void NotAnEvent_IsTheLibraryError(string json, string? path)
    {
        var error = Assert.Throws<StandardsException>(() => MispEventConverter.Convert(Encoding.UTF8.GetBytes(json)));
        if (path is not null)
        {
            Assert.Equal(path, error.Path);
        }
    }

    [Fact]
    public void MutatedSamples_FailOnlyWithTheLibraryError()
    {
        var random = new Random(11);
        var bytes = File.ReadAllBytes(Path.Combine(SharedData.Folder("misp-samples"), "galaxy_1.json"));
        for (var n = 0; n < 300; n++)
        {
            var copy = (byte[])bytes.Clone();
            for (var k = 0; k < 5; k++)
            {
                copy[random.Next(copy.Length)] = (byte)Noise[random.Next(Noise.Length)];
            }

            try
            {
                MispEventConverter.Convert(copy);
            }
            catch (StandardsException)
            {
                // expected for most mutations
            }
        }
    }

    [Fact]
    public void FeedManifestAndHashes_AreRead()
    {
        var manifest = MispFeed.ReadManifest(Encoding.UTF8.GetBytes("""{"5acc88e9-265c-4f22-9d2b-b702950d210f":{"info":"PUBG","timestamp":"1551342138","date":"2018-04-09","Orgc":{"name":"CIRCL"},"Tag":[{"name":"tlp:white"}]}}"""));
        var entry = Assert.Single(manifest);
        Assert.Equal("PUBG", entry.Info);
        Assert.Equal("CIRCL", entry.OrgcName);
        Assert.Equal(["tlp:white"], entry.Tags);
        var hashes = MispFeed.ReadHashes(new StringReader("0cc175b9c0f1b6a831c399e269772661,5acc88e9-265c-4f22-9d2b-b702950d210f\n"));
        Assert.Equal("0cc175b9c0f1b6a831c399e269772661", Assert.Single(hashes).ValueMd5);
        Assert.Throws<StandardsException>(() => MispFeed.ReadHashes(new StringReader("nope\n")));
    }
}
