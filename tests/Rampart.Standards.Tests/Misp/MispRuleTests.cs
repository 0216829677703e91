using System.Text;
using System.Text.Json.Nodes;
using Rampart.Standards.Misp;
using Rampart.Standards.Patterns;
using Rampart.Standards.Stix;

namespace Rampart.Standards.Tests.Misp;

/// <summary>One test per MISP-conversion rule of issue 7, each on a small event built for it.</summary>
public sealed class MispRuleTests
{
    private const string EventUuid = "5acc88e9-265c-4f22-9d2b-b702950d2100";

    private static MispConversion Convert(string attributes = "[]", string objects = "[]", string extra = "")
    {
        var json = "{\"Event\":{\"uuid\":\"" + EventUuid + "\",\"info\":\"t\",\"timestamp\":\"1700000000\",\"date\":\"2023-11-14\","
            + "\"Orgc\":{\"name\":\"CERT-MD\",\"uuid\":\"55f6ea5e-2c60-40e5-964f-47a8950d2101\"},"
            + "\"Attribute\":" + attributes + ",\"Object\":" + objects + extra + "}}";
        var result = MispEventConverter.Convert(Encoding.UTF8.GetBytes(json));
        foreach (var o in result.Objects)
        {
            var validation = StixValidator.Validate(o);
            Assert.True(validation.IsValid, $"{o.Id}: {string.Join("; ", validation.Errors.Select(e => $"{e.Path} {e.Rule} {e.Message}"))}");
        }

        return result;
    }

    private static string Attr(string uuid, string type, string value, bool toIds = true, string more = "") =>
        $$"""{"uuid":"{{uuid}}","type":"{{type}}","category":"Payload delivery","to_ids":{{(toIds ? "true" : "false")}},"value":{{System.Text.Json.JsonSerializer.Serialize(value)}},"timestamp":"1700000001"{{more}}}""";

    private static StixObject Get(MispConversion r, string id) => r.Objects.Single(o => o.Id == id);

    // ---- Hash normalisation per type ----

    [Theory]
    [InlineData("md5", "D41D8CD98F00B204E9800998ECF8427E", "MD5", "d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("sha1", "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709", "SHA-1", "da39a3ee5e6b4b0d3255bfef95601890afd80709")]
    [InlineData("imphash", "F34D5F2D4577ED6D9CEEC516C1F5A744", "x_misp_imphash", "f34d5f2d4577ed6d9ceec516c1f5a744")]
    [InlineData("authentihash", "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", "x_misp_authentihash", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    // Fuzzy and versioned hashes: case is part of the value.
    [InlineData("ssdeep", "96:s4Ud1Lj96tHHlZDrwciQmA+4uy1I0G4HYuL8N3TzS8QsO/wqWXLcMSx:sF1LjEtHHlZDrJzrhuyZvHYm8tKp/RWO", "SSDEEP", "96:s4Ud1Lj96tHHlZDrwciQmA+4uy1I0G4HYuL8N3TzS8QsO/wqWXLcMSx:sF1LjEtHHlZDrJzrhuyZvHYm8tKp/RWO")]
    [InlineData("tlsh", "T1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4", "TLSH", "T1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4")]
    [InlineData("impfuzzy", "48:JfzHmkfWJOPSvNkeVFMzlIMR1aH+OtqKCgBiJz:JfVWJOPSWgFM1aeOtq1gBiJz", "x_misp_impfuzzy", "48:JfzHmkfWJOPSvNkeVFMzlIMR1aH+OtqKCgBiJz:JfVWJOPSWgFM1aeOtq1gBiJz")]
    [InlineData("vhash", "0150366d1570z2cnz1fz", "x_misp_vhash", "0150366d1570z2cnz1fz")]
    public void Hashes_AreNormalisedPerType(string type, string value, string key, string expected)
    {
        Assert.True(MispHashes.TryNormalise(type, value, out var k, out var normalised, out var reason), reason);
        Assert.Equal(key, k);
        Assert.Equal(expected, normalised);

        var r = Convert($"[{Attr("11111111-1111-4111-8111-111111111111", type, value)}]");
        var indicator = Get(r, "indicator--11111111-1111-4111-8111-111111111111");
        var test = (PropertyTest)((ObservationTest)PatternParser.Parse(indicator.GetString("pattern")!).Root).Comparison;
        Assert.Equal(new StringValue(expected), test.Value);
        Assert.Equal(key, ((PropertyStep)test.Path.Steps[1]).Name);
    }

    [Theory]
    [InlineData("md5", "d41d8cd98f00b204e9800998ecf8427")]
    [InlineData("sha256", "xyz3c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("ssdeep", "not a fuzzy hash")]
    [InlineData("tlsh", "T1XYZ")]
    public void MalformedHashes_AreReportedNotConverted(string type, string value)
    {
        var r = Convert($"[{Attr("11111111-1111-4111-8111-111111111111", type, value)}]");
        Assert.DoesNotContain(r.Objects, o => o.Id.EndsWith("11111111-1111-4111-8111-111111111111", StringComparison.Ordinal));
        var lost = Assert.Single(r.Unmapped, u => u.Path == "Event.Attribute[0]");
        Assert.Contains($"not a {type} hash", lost.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void FileObject_KeepsSsdeepCase_AndLowercasesHex()
    {
        const string ssdeep = "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C";
        var r = Convert(objects: $$"""
            [{"uuid":"aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa","name":"file","meta-category":"file","timestamp":"1700000002","Attribute":[
              {{Attr("a1111111-1111-4111-8111-111111111111", "ssdeep", ssdeep, more: ",\"object_relation\":\"ssdeep\"")}},
              {{Attr("a2222222-2222-4222-8222-222222222222", "md5", "D41D8CD98F00B204E9800998ECF8427E", more: ",\"object_relation\":\"md5\"")}}]}]
            """);
        var pattern = Get(r, "indicator--aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa").GetString("pattern");
        Assert.Equal($"[file:hashes.SSDEEP = '{ssdeep}' AND file:hashes.MD5 = 'd41d8cd98f00b204e9800998ecf8427e']", pattern);
        var file = r.Objects.Single(o => o.Type == "file");
        Assert.Equal(ssdeep, file.Json["hashes"]!["SSDEEP"]!.GetValue<string>());
    }

    // ---- Attributes that share a UUID ----

    [Fact]
    public void AttributesSharingAUuid_AreEachKept_AndTheLaterOnesReported()
    {
        const string uuid = "11111111-1111-4111-8111-111111111111";
        var r = Convert($"[{Attr(uuid, "ip-dst", "198.51.100.7")},{Attr(uuid, "domain", "evil.example")},{Attr(uuid, "url", "http://evil.example/x", toIds: false)}]");
        var first = Get(r, $"indicator--{uuid}");
        Assert.Equal("[ipv4-addr:value = '198.51.100.7']", first.GetString("pattern"));
        var others = r.Objects.Where(o => o.Type is "indicator" or "observed-data" && o.Id != first.Id).ToList();
        Assert.Equal(2, others.Count);
        Assert.Contains(others, o => o.GetString("pattern") == "[domain-name:value = 'evil.example']");
        Assert.Contains(others, o => o.Type == "observed-data");
        foreach (var path in new[] { "Event.Attribute[1]", "Event.Attribute[2]" })
        {
            var entry = Assert.Single(r.Unmapped, u => u.Path == path);
            Assert.Contains("also used by Event.Attribute[0]", entry.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ExactCopiesUnderOneUuid_AreConvertedOnce_AndTheCopyReported()
    {
        const string uuid = "11111111-1111-4111-8111-111111111111";
        var r = Convert($"[{Attr(uuid, "ip-dst", "198.51.100.7")},{Attr(uuid, "ip-dst", "198.51.100.7")}]");
        Assert.Single(r.Objects, o => o.Type == "indicator");
        var entry = Assert.Single(r.Unmapped, u => u.Path == "Event.Attribute[1]");
        Assert.Contains("exact copy of Event.Attribute[0]", entry.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AnObjectSharingAnAttributesUuid_IsKept_AndReported()
    {
        const string uuid = "11111111-1111-4111-8111-111111111111";
        var r = Convert(
            $"[{Attr(uuid, "ip-dst", "198.51.100.7")}]",
            $$"""[{"uuid":"{{uuid}}","name":"domain-ip","timestamp":"1700000002","Attribute":[{{Attr("b1111111-1111-4111-8111-111111111111", "domain", "evil.example", toIds: false, more: ",\"object_relation\":\"domain\"")}}]}]""");
        Assert.Equal("[ipv4-addr:value = '198.51.100.7']", Get(r, $"indicator--{uuid}").GetString("pattern"));
        Assert.Single(r.Objects, o => o.Type == "observed-data");
        Assert.Contains(r.Unmapped, u => u.Path == "Event.Object[0]" && u.Reason.Contains("also used by Event.Attribute[0]", StringComparison.Ordinal));
    }

    // ---- ip-port objects ----

    private static string IpPort(bool toIds, params string[] attributes) =>
        $$"""[{"uuid":"cccccccc-cccc-4ccc-8ccc-cccccccccccc","name":"ip-port","meta-category":"network","timestamp":"1700000002","Attribute":[{{string.Join(",", attributes.Select((a, i) =>
        {
            var parts = a.Split('=', 3);
            return Attr($"c{i}cccccc-cccc-4ccc-8ccc-cccccccccccc", parts[1], parts[2], toIds, $",\"object_relation\":\"{parts[0]}\"");
        }))}}]}]""";

    [Fact]
    public void IpPort_PortsBecomeNetworkTrafficPorts()
    {
        var r = Convert(objects: IpPort(true, "ip-dst=ip-dst=203.0.113.9", "dst-port=port=443", "src-port=port=51515", "ip-src=ip-src=198.51.100.7"));
        var traffic = r.Objects.Single(o => o.Type == "network-traffic");
        Assert.Equal(443, traffic.Json["dst_port"]!.GetValue<int>());
        Assert.Equal(51515, traffic.Json["src_port"]!.GetValue<int>());
        Assert.Equal(r.Objects.Single(o => o.GetString("value") == "203.0.113.9").Id, traffic.GetString("dst_ref"));
        Assert.Equal(r.Objects.Single(o => o.GetString("value") == "198.51.100.7").Id, traffic.GetString("src_ref"));
        Assert.Equal(
            "[network-traffic:src_ref.value = '198.51.100.7' AND network-traffic:dst_ref.value = '203.0.113.9' AND network-traffic:src_port = 51515 AND network-traffic:dst_port = 443]",
            Get(r, "indicator--cccccccc-cccc-4ccc-8ccc-cccccccccccc").GetString("pattern"));
        Assert.DoesNotContain(r.Unmapped, u => u.Path.StartsWith("Event.Object[0]", StringComparison.Ordinal));
    }

    [Fact]
    public void IpPort_WithoutToIds_IsObservedDataWithTheTraffic()
    {
        var r = Convert(objects: IpPort(false, "ip=ip-dst=2001:db8::1", "port=port=8443"));
        var observed = Get(r, "observed-data--cccccccc-cccc-4ccc-8ccc-cccccccccccc");
        var traffic = r.Objects.Single(o => o.Type == "network-traffic");
        Assert.Contains(traffic.Id, observed.Json["object_refs"]!.AsArray().Select(x => x!.GetValue<string>()));
        Assert.Equal(8443, traffic.Json["dst_port"]!.GetValue<int>());
        Assert.Equal("ipv6", traffic.Json["protocols"]![0]!.GetValue<string>());
    }

    [Fact]
    public void IpPort_HostnameOnly_IsTheDestination_AndAPortWithNoEndpointIsReported()
    {
        var withHost = Convert(objects: IpPort(true, "hostname=hostname=c2.example", "dst-port=port=8080"));
        var traffic = withHost.Objects.Single(o => o.Type == "network-traffic");
        Assert.Equal(withHost.Objects.Single(o => o.Type == "domain-name").Id, traffic.GetString("dst_ref"));

        var portOnly = Convert(objects: IpPort(true, "dst-port=port=8080", "text=text=note"));
        Assert.DoesNotContain(portOnly.Objects, o => o.Type == "network-traffic");
        Assert.Contains(portOnly.Unmapped, u => u.Path == "Event.Object[0].Attribute[0]" && u.Reason.Contains("src_ref or dst_ref", StringComparison.Ordinal));
    }

    // ---- Sightings ----

    private const string Sighting = ""","Sighting":[{"uuid":"dddddddd-dddd-4ddd-8ddd-dddddddddddd","type":"0","date_sighting":"1700000100","Organisation":{"name":"CERT-GE","uuid":"eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee"}}]""";

    [Fact]
    public void SightingOfAComment_IsASightingOfItsNote()
    {
        var r = Convert($"[{Attr("11111111-1111-4111-8111-111111111111", "comment", "seen in phishing", toIds: false, more: Sighting)}]");
        var sighting = r.Objects.Single(o => o.Type == "sighting");
        Assert.Equal("note--11111111-1111-4111-8111-111111111111", sighting.GetString("sighting_of_ref"));
        Assert.DoesNotContain(r.Unmapped, u => u.What == "sighting");
    }

    [Fact]
    public void SightingOfAnObjectAttribute_IsASightingOfTheObjectsIndicator()
    {
        var objects = $$"""[{"uuid":"aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa","name":"file","timestamp":"1700000002","Attribute":[{{Attr("a1111111-1111-4111-8111-111111111111", "filename", "a.exe", more: ",\"object_relation\":\"filename\"" + Sighting)}}]}]""";
        var r = Convert(objects: objects);
        Assert.Equal("indicator--aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa", r.Objects.Single(o => o.Type == "sighting").GetString("sighting_of_ref"));
    }

    [Fact]
    public void EventLevelSighting_ByAttributeUuid_FindsTheNote()
    {
        var r = Convert(
            $"[{Attr("11111111-1111-4111-8111-111111111111", "text", "context", toIds: false)}]",
            extra: ""","Sighting":[{"uuid":"dddddddd-dddd-4ddd-8ddd-dddddddddddd","type":"0","attribute_uuid":"11111111-1111-4111-8111-111111111111","date_sighting":"1700000100"}]""");
        Assert.Equal("note--11111111-1111-4111-8111-111111111111", r.Objects.Single(o => o.Type == "sighting").GetString("sighting_of_ref"));
    }

    [Fact]
    public void SightingOfALink_IsReportedWithWhy()
    {
        var r = Convert($"[{Attr("11111111-1111-4111-8111-111111111111", "link", "https://example.org/report", toIds: false, more: Sighting)}]");
        Assert.DoesNotContain(r.Objects, o => o.Type == "sighting");
        Assert.Contains(r.Unmapped, u => u.Path == "Event.Attribute[0].Sighting[0]" && u.Reason.Contains("external reference", StringComparison.Ordinal));
    }

    // ---- Patterns from the pattern model ----

    [Theory]
    [InlineData("filename", "it's a \\ path.exe")]
    [InlineData("url", "http://evil.example/?q='x'&p=%5C")]
    [InlineData("regkey|value", "HKEY_LOCAL_MACHINE\\Software\\Run|C:\\it's.exe")]
    public void Patterns_AreBuiltAsTrees_SoAnyValueParsesBack(string type, string value)
    {
        var r = Convert($"[{Attr("11111111-1111-4111-8111-111111111111", type, value)}]");
        var pattern = Get(r, "indicator--11111111-1111-4111-8111-111111111111").GetString("pattern")!;
        var parsed = PatternParser.Parse(pattern);
        Assert.Equal(pattern, parsed.ToString());
        var values = new List<string>();
        void Collect(ComparisonExpression e)
        {
            if (e is ComparisonBinary b)
            {
                Collect(b.Left);
                Collect(b.Right);
            }
            else if (e is PropertyTest { Value: StringValue s })
            {
                values.Add(s.Value);
            }
        }

        Collect(((ObservationTest)parsed.Root).Comparison);
        Assert.Equal(value.Split('|'), values);
    }

    // ---- The mappers alone ----

    [Theory]
    [InlineData("ransomware", "malware")]
    [InlineData("mitre-intrusion-set", "intrusion-set")]
    [InlineData("mitre-attack-pattern", "attack-pattern")]
    [InlineData("sector", null)]
    public void GalaxyMapper_TypeTable(string galaxy, string? stixType) => Assert.Equal(stixType, MispGalaxyMapper.StixType(galaxy));

    [Fact]
    public void MalwareSample_IsFilenameAndMd5()
    {
        var o = MispObservables.For("malware-sample", "a5ff5f.exe|2F7059D7B1DDA3080E391D99788FFF18", null, out var reason);
        Assert.True(o is not null, reason);
        Assert.Equal("[file:name = 'a5ff5f.exe' AND file:hashes.MD5 = '2f7059d7b1dda3080e391d99788fff18']", MispPatterns.Print(o!.Comparison!));
    }

    [Fact]
    public void Observables_ForOneValue_GiveScosAndAComparison()
    {
        var o = MispObservables.For("domain|ip", "evil.example|198.51.100.7", null, out _)!;
        Assert.Equal(["ipv4-addr", "domain-name"], o.Scos.Select(s => s["type"]!.GetValue<string>()));
        Assert.Equal("[domain-name:value = 'evil.example' AND domain-name:resolves_to_refs[*].value = '198.51.100.7']", MispPatterns.Print(o.Comparison!));
        Assert.Null(MispObservables.For("btc", "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", null, out var reason));
        Assert.Contains("'btc'", reason, StringComparison.Ordinal);
    }
}

/// <summary>Vocabulary and id formats the converter must meet so that its output validates.</summary>
public sealed class MispFormatTests
{
    [Theory]
    [InlineData("analysed-with", "analysed-with")]
    [InlineData("Analysed_With", "analysed-with")]
    [InlineData(" connected to ", "connected-to")]
    [InlineData("", "related-to")]
    [InlineData(null, "related-to")]
    [InlineData("__", "related-to")]
    public void RelationshipTypes_AreInVocabularyFormat(string? misp, string stix) =>
        Assert.Equal(stix, MispObjectMapper.RelationshipType(misp));

    [Theory]
    [InlineData("CVE-2024-3400", "CVE-2024-3400")]
    [InlineData(" cve-2021-44228 ", "CVE-2021-44228")]
    [InlineData("CVE-2024-123", null)]
    [InlineData("Log4Shell", null)]
    public void CveIds_AreRecognised(string value, string? cve) => Assert.Equal(cve, MispAttributeMapper.CveId(value));

    [Fact]
    public void AVulnerabilityThatIsNoCveId_HasNoCveReference()
    {
        const string ev = """{"Event":{"uuid":"5acc88e9-265c-4f22-9d2b-b702950d2100","info":"t","timestamp":"1700000000","Attribute":[{"uuid":"77777777-7777-4777-8777-777777777777","type":"vulnerability","value":"Log4Shell","timestamp":"1700000007"}]}}""";
        var r = MispEventConverter.Convert(System.Text.Encoding.UTF8.GetBytes(ev));
        var v = r.Objects.Single(o => o.Type == "vulnerability");
        Assert.Equal("Log4Shell", v.GetString("name"));
        Assert.Null(v.Json["external_references"]);
        Assert.True(StixValidator.Validate(v).IsValid);
    }
}

/// <summary>SCO value formats (STIX 2.1 §6): values that cannot be valid SCOs are reported, not emitted.</summary>
public sealed class MispObservableFormatTests
{
    [Theory]
    [InlineData("mac-address", "00-1A-2B-3C-4D-5E", "00:1a:2b:3c:4d:5e")]
    [InlineData("mac-address", "001a.2b3c.4d5e", "00:1a:2b:3c:4d:5e")]
    [InlineData("email-src", " a.b@Example.org ", "a.b@Example.org")]
    [InlineData("url", "https://evil.example/a?b=1", "https://evil.example/a?b=1")]
    [InlineData("domain", "evil.example", "evil.example")]
    public void ValidValues_Convert(string type, string value, string expected)
    {
        var o = MispObservables.For(type, value, null, out var reason);
        Assert.True(o is not null, reason);
        Assert.Equal(expected, o!.Scos[0]["value"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("mac-address", "00:1a:2b:3c:4d")]
    [InlineData("email-src", "John Doe")]
    [InlineData("url", "evil.example/no-scheme")]
    [InlineData("url", "/etc/passwd")]
    [InlineData("domain", "not a domain")]
    [InlineData("ip-dst", "300.1.1.1")]
    [InlineData("regkey", "Software\\Microsoft\\Windows\\Run")]
    public void InvalidValues_AreRefusedWithAReason(string type, string value)
    {
        Assert.Null(MispObservables.For(type, value, null, out var reason));
        Assert.False(string.IsNullOrEmpty(reason));
    }
}

/// <summary>STIX 2.1 §6.16: a windows-registry-key key starts with its hive written out in full.</summary>
public sealed class MispRegistryKeyTests
{
    [Theory]
    [InlineData("HKLM\\Software\\Run", "HKEY_LOCAL_MACHINE\\Software\\Run")]
    [InlineData("hkcu\\Software\\Run", "HKEY_CURRENT_USER\\Software\\Run")]
    [InlineData("HKEY_LOCAL_MACHINE\\System", "HKEY_LOCAL_MACHINE\\System")]
    [InlineData("hkey_users\\S-1-5", "HKEY_USERS\\S-1-5")]
    [InlineData("HKLM", "HKEY_LOCAL_MACHINE")]
    public void AbbreviatedHives_AreWrittenOut(string misp, string stix)
    {
        Assert.Equal(stix, MispObservables.RegistryKey(misp));
        var o = MispObservables.For("regkey|value", misp + "|data", null, out _)!;
        Assert.Equal(stix, o.Scos[0]["key"]!.GetValue<string>());
    }
}

/// <summary>STIX 2.1 §2.5 / §6.14: url values and external-reference urls are RFC 3986 URLs.</summary>
public sealed class MispUrlTests
{
    [Theory]
    [InlineData("https://evil.example/a?b=1&c=%20", true)]
    [InlineData("hxxp://evil.example/", true)]
    [InlineData("http://evil.example/a b", false)]
    [InlineData("http://bücher.example/", false)]
    [InlineData("198.51.100.7", false)]
    [InlineData("www.evil.example/path", false)]
    public void UrlsAreRfc3986(string value, bool isUrl) => Assert.Equal(isUrl, MispObservables.IsUrl(value));

    [Fact]
    public void ALinkThatIsNoUrl_IsKeptAsADescription_AndReported()
    {
        const string ev = """{"Event":{"uuid":"5acc88e9-265c-4f22-9d2b-b702950d2100","info":"t","timestamp":"1700000000","Attribute":[{"uuid":"77777777-7777-4777-8777-777777777777","type":"link","value":"see the vendor blog","timestamp":"1700000007"}]}}""";
        var r = MispEventConverter.Convert(System.Text.Encoding.UTF8.GetBytes(ev));
        var reference = Assert.Single(r.Report.Json["external_references"]!.AsArray())!;
        Assert.Null(reference["url"]);
        Assert.Equal("see the vendor blog", reference["description"]!.GetValue<string>());
        Assert.Contains(r.Unmapped, u => u.Path == "Event.Attribute[0]" && u.Reason.Contains("RFC 3986", StringComparison.Ordinal));
        Assert.All(r.Objects, o => Assert.True(StixValidator.Validate(o).IsValid, o.Id));
    }

    [Fact]
    public void AnAttributeUuidThatIsNoRfc4122Uuid_IsReplaced_AndReported()
    {
        const string ev = """{"Event":{"uuid":"5acc88e9-265c-4f22-9d2b-b702950d2100","info":"t","timestamp":"1700000000","Attribute":[{"uuid":"00000000-0000-0000-0000-000000000001","type":"domain","value":"evil.example","timestamp":"1700000007"}]}}""";
        var r = MispEventConverter.Convert(System.Text.Encoding.UTF8.GetBytes(ev));
        Assert.All(r.Objects, o => Assert.True(StixValidator.Validate(o).IsValid, o.Id));
        Assert.Contains(r.Unmapped, u => u.Path == "Event.Attribute[0]" && u.Reason.Contains("RFC 4122", StringComparison.Ordinal));
    }
}
