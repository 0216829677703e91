using System.Text.Json.Nodes;
using Rampart.Standards.Stix;

namespace Rampart.Standards.Tests.Stix;

/// <summary>
/// One case per MUST of STIX 2.1 (OASIS Standard, 10 June 2021), each naming its section: a valid object of
/// the type is changed in exactly one way that breaks the rule, and the validator must report that rule as
/// an error. The valid objects themselves must validate without errors, so each case fails if the rule is
/// not checked.
/// </summary>
public sealed class StixSpecificationTests
{
    private const string Id = "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
    private const string Times = """ "created":"2024-05-01T08:30:00.000Z","modified":"2024-05-01T08:30:00.000Z" """;

    private static readonly Dictionary<string, string> Templates = new()
    {
        ["indicator"] = """{"type":"indicator","spec_version":"2.1","id":"indicator--@ID@",@TIMES@,"name":"C2","pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix","valid_from":"2024-05-01T08:30:00Z","valid_until":"2024-06-01T00:00:00Z","indicator_types":["malicious-activity"],"kill_chain_phases":[{"kill_chain_name":"lockheed-martin-cyber-kill-chain","phase_name":"command-and-control"}],"external_references":[{"source_name":"cve","external_id":"CVE-2024-3400"},{"source_name":"capec","external_id":"CAPEC-98"},{"source_name":"report","url":"https://cert.example/r/1","hashes":{"SHA-256":"6db12788c37247f2316052e142f42f4b259d6561751e5f401a1ae2a6df9c674b"}}],"lang":"sr-Latn","confidence":80,"revoked":false,"labels":["c2"]}""",
        ["campaign"] = """{"type":"campaign","spec_version":"2.1","id":"campaign--@ID@",@TIMES@,"name":"Storm","first_seen":"2024-01-01T00:00:00Z","last_seen":"2024-02-01T00:00:00Z","aliases":["S"]}""",
        ["threat-actor"] = """{"type":"threat-actor","spec_version":"2.1","id":"threat-actor--@ID@",@TIMES@,"name":"Actor","first_seen":"2024-01-01T00:00:00Z","last_seen":"2024-01-01T00:00:00Z"}""",
        ["malware"] = """{"type":"malware","spec_version":"2.1","id":"malware--@ID@",@TIMES@,"name":"Loader","is_family":true,"sample_refs":["file--@ID@"]}""",
        ["relationship"] = """{"type":"relationship","spec_version":"2.1","id":"relationship--@ID@",@TIMES@,"relationship_type":"indicates","source_ref":"indicator--@ID@","target_ref":"malware--@ID@","start_time":"2024-01-01T00:00:00Z","stop_time":"2024-01-02T00:00:00Z"}""",
        ["sighting"] = """{"type":"sighting","spec_version":"2.1","id":"sighting--@ID@",@TIMES@,"sighting_of_ref":"indicator--@ID@","first_seen":"2024-01-01T00:00:00Z","last_seen":"2024-01-02T00:00:00Z","count":3,"summary":false,"where_sighted_refs":["identity--@ID@"]}""",
        ["observed-data"] = """{"type":"observed-data","spec_version":"2.1","id":"observed-data--@ID@",@TIMES@,"first_observed":"2024-01-01T00:00:00Z","last_observed":"2024-01-01T00:00:00Z","number_observed":1,"object_refs":["ipv4-addr--@ID@","relationship--@ID@"]}""",
        ["observed-data-container"] = """{"type":"observed-data","spec_version":"2.1","id":"observed-data--@ID@",@TIMES@,"first_observed":"2024-01-01T00:00:00Z","last_observed":"2024-01-01T00:00:00Z","number_observed":1,"objects":{"0":{"type":"file","name":"a","size":3},"1":{"type":"x-custom-observable","x_value":1}}}""",
        ["location"] = """{"type":"location","spec_version":"2.1","id":"location--@ID@",@TIMES@,"latitude":41.33,"longitude":19.82,"precision":100.0}""",
        ["ipv4-addr"] = """{"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","value":"198.51.100.3"}""",
        ["ipv6-addr"] = """{"type":"ipv6-addr","id":"ipv6-addr--@ID@","value":"2001:db8::/32"}""",
        ["url"] = """{"type":"url","id":"url--47c3cf9a-5027-5bf0-997a-017c7edc7c55","value":"https://example.com/research/index.html"}""",
        ["email-addr"] = """{"type":"email-addr","id":"email-addr--7165e2a9-671f-585d-b1e1-ca59c671d934","value":"john@example.com","display_name":"John"}""",
        ["mac-addr"] = """{"type":"mac-addr","id":"mac-addr--@ID@","value":"00:00:5e:00:53:af"}""",
        ["windows-registry-key"] = """{"type":"windows-registry-key","id":"windows-registry-key--@ID@","key":"HKEY_LOCAL_MACHINE\\SYSTEM\\Foo","values":[{"name":"Foo","data":"qwerty","data_type":"REG_SZ"}],"number_of_subkeys":2}""",
        ["software"] = """{"type":"software","id":"software--710b0b41-d4d0-5d6c-a400-fc9254554ffc","name":"Word","cpe":"cpe:2.3:a:microsoft:word:2000:*:*:*:*:*:*:*","vendor":"Microsoft","version":"2002","languages":["en","sq"]}""",
        ["artifact"] = """{"type":"artifact","id":"artifact--@ID@","mime_type":"text/plain","payload_bin":"aGVsbG8gd29ybGQ=","encryption_algorithm":"mime-type-indicated","decryption_key":"secret"}""",
        ["file"] = """{"type":"file","id":"file--@ID@","name":"a.zip","size":10,"magic_number_hex":"504B","hashes":{"MD5":"cead3f77f6cda6ec00f57d76c9a6879f","SSDEEP":"96:s4Ud1Lj96tHHlZDrwciQmA+4uy1I0G4HYuL8N3TzS8QsO/wqWXLcMSx:sF1LjEtHHlZDrJzrhuyZvHYm8tKp/RWO"},"extensions":{"archive-ext":{"contains_refs":["file--@ID@"]},"windows-pebinary-ext":{"pe_type":"exe","number_of_sections":4,"optional_header":{"major_linker_version":2,"magic_hex":"010b"},"sections":[{"name":".text","entropy":7.8}]},"ntfs-ext":{"alternate_data_streams":[{"name":"second.stream","size":25}]},"pdf-ext":{"is_optimized":true},"raster-image-ext":{"image_height":768}}}""",
        ["network-traffic"] = """{"type":"network-traffic","id":"network-traffic--@ID@","dst_ref":"ipv4-addr--@ID@","dst_port":443,"protocols":["ipv4","tcp","http"],"start":"2024-01-01T00:00:00Z","end":"2024-01-01T00:01:00Z","extensions":{"http-request-ext":{"request_method":"get","request_value":"/download.html","request_header":{"Host":"example.com"}},"tcp-ext":{"src_flags_hex":"00000002"},"socket-ext":{"address_family":"AF_INET","socket_type":"SOCK_STREAM","is_listening":true},"icmp-ext":{"icmp_type_hex":"08","icmp_code_hex":"00"}}}""",
        ["process"] = """{"type":"process","id":"process--bf336d9a-c0f6-4479-be3e-acbe1776a20b","pid":1221,"command_line":"./gedit-bin --new-window","extensions":{"windows-process-ext":{"aslr_enabled":true,"integrity_level":"high"},"windows-service-ext":{"service_name":"sirvizio","start_type":"SERVICE_AUTO_START","service_type":"SERVICE_WIN32_OWN_PROCESS","service_status":"SERVICE_RUNNING"}}}""",
        ["user-account"] = """{"type":"user-account","id":"user-account--@ID@","user_id":"1001","is_privileged":false,"extensions":{"unix-account-ext":{"gid":1001,"groups":["wheel"]}}}""",
        ["email-message"] = """{"type":"email-message","id":"email-message--@ID@","is_multipart":true,"date":"2024-01-01T00:00:00Z","body_multipart":[{"content_type":"text/plain","body":"hi"}]}""",
        ["x509-certificate"] = """{"type":"x509-certificate","id":"x509-certificate--@ID@","serial_number":"36:f7:d4","validity_not_before":"2016-03-12T12:00:00Z","validity_not_after":"2016-08-21T12:00:00Z","x509_v3_extensions":{"basic_constraints":"critical,CA:TRUE"}}""",
        ["marking-definition"] = """{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--@ID@","created":"2024-01-01T00:00:00.000Z","definition_type":"statement","definition":{"statement":"Copyright 2024, CERT"}}""",
        ["custom"] = """{"type":"x-rampart-case","spec_version":"2.1","id":"x-rampart-case--@ID@",@TIMES@,"x_severity":3,"extensions":{"extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e":{"extension_type":"new-sdo"}}}""",
        ["extension-definition"] = """{"type":"extension-definition","spec_version":"2.1","id":"extension-definition--@ID@",@TIMES@,"created_by_ref":"identity--@ID@","name":"Rampart case","schema":"https://rampart.example/schema.json","version":"1.0.0","extension_types":["new-sdo"]}""",
    };

    private static readonly Dictionary<string, string> Valid = Templates.ToDictionary(t => t.Key, t => t.Value.Replace("@ID@", Id, StringComparison.Ordinal).Replace("@TIMES@", Times, StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(ValidObjects))]
    public void TheValidObjects_HaveNoErrors(string name)
    {
        var result = StixValidator.Validate(StixObject.Parse(Valid[name]));
        Assert.True(result.IsValid, string.Join("\n", result.Errors.Select(e => $"{e.Path} {e.Rule}: {e.Message}")));
    }

    public static TheoryData<string> ValidObjects() => [.. Valid.Keys];

    /// <summary>(section, object, property path, new JSON value or "-" to remove, expected rule).</summary>
    public static TheoryData<string, string, string, string, string> Violations() => new()
    {
        // §2 data types and §3.2 common properties: every property has its JSON type.
        { "§3.2 revoked is a boolean", "indicator", "revoked", "\"false\"", "property-type" },
        { "§3.2 labels is a list of strings", "indicator", "labels", "\"c2\"", "property-type" },
        { "§3.2 labels items are strings", "indicator", "labels", "[1]", "property-type" },
        { "§3.2 extensions is a dictionary", "indicator", "extensions", "\"x\"", "property-type" },
        { "§3.2 external_references is a list", "indicator", "external_references", "{}", "property-type" },
        { "§3.2 created_by_ref is an identifier", "indicator", "created_by_ref", "42", "reference-format" },
        { "§3.2 object_marking_refs is a list of identifiers", "indicator", "object_marking_refs", "\"marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9\"", "property-type" },
        { "§3.2 confidence is an integer", "indicator", "confidence", "80.5", "confidence-range" },
        { "§3.2 lang is an RFC 5646 tag", "indicator", "lang", "\"english language\"", "language-tag" },
        { "§3.2 spec_version is 2.1", "indicator", "spec_version", "2.1", "spec-version" },
        { "§2.10 lists are not empty", "indicator", "indicator_types", "[]", "empty-list" },
        { "§2.13 timestamps are strings", "indicator", "valid_from", "1714552200", "timestamp-format" },
        { "§4.7 name is a string", "indicator", "name", "[\"C2\"]", "property-type" },
        { "§4.7 pattern is a string", "indicator", "pattern", "{}", "property-type" },
        { "§2.8 kill chain phase has kill_chain_name", "indicator", "kill_chain_phases", "[{\"phase_name\":\"x\"}]", "required-property" },
        { "§4.11 is_family is a boolean", "malware", "is_family", "\"true\"", "property-type" },
        { "§4.14 number_observed is an integer", "observed-data", "number_observed", "\"1\"", "property-type" },
        { "§4.14 objects is a dictionary", "observed-data", "objects", "[]", "property-type" },
        { "§4.10 latitude is a number", "location", "latitude", "\"41.3\"", "property-type" },
        { "§5.2 count is an integer", "sighting", "count", "1.5", "range" },
        { "§5.2 summary is a boolean", "sighting", "summary", "0", "property-type" },
        { "§7.3 extension_types is a list", "extension-definition", "extension_types", "\"new-sdo\"", "property-type" },
        { "§7.3 extension_type is from extension-type-enum", "custom", "extensions.extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e.extension_type", "7", "extension-type" },
        { "§6.7 size is an integer", "file", "size", "\"10\"", "property-type" },
        { "§6.7 size is not negative", "file", "size", "-1", "range" },
        { "§6.7 magic_number_hex is hex", "file", "magic_number_hex", "\"50 4B\"", "hex-format" },
        { "§6.12 dst_port is 0–65535", "network-traffic", "dst_port", "65536", "range" },
        { "§6.12 protocols is a list", "network-traffic", "protocols", "\"tcp\"", "property-type" },
        { "§6.12 is_active is a boolean", "network-traffic", "is_active", "\"yes\"", "property-type" },
        { "§6.16 values is a list of registry values", "windows-registry-key", "values", "{}", "property-type" },
        { "§6.16 data_type is from windows-registry-datatype-enum", "windows-registry-key", "values[0].data_type", "\"REG_TEXT\"", "closed-vocabulary" },
        { "§6.16 number_of_subkeys is an integer", "windows-registry-key", "number_of_subkeys", "\"2\"", "property-type" },
        { "§6.17 x509_v3_extensions is an object", "x509-certificate", "x509_v3_extensions", "\"critical\"", "property-type" },
        { "§6.15 is_privileged is a boolean", "user-account", "is_privileged", "\"false\"", "property-type" },

        // §6 predefined extensions: their properties have types too.
        { "§6.7.2 archive-ext contains_refs is required", "file", "extensions.archive-ext.contains_refs", "-", "required-property" },
        { "§6.7.2 archive-ext contains_refs point at files or directories", "file", "extensions.archive-ext.contains_refs", "[\"url--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\"]", "reference-type" },
        { "§6.7.3 ntfs-ext alternate data streams have a name", "file", "extensions.ntfs-ext.alternate_data_streams[0].name", "-", "required-property" },
        { "§6.7.4 pdf-ext is_optimized is a boolean", "file", "extensions.pdf-ext.is_optimized", "\"true\"", "property-type" },
        { "§6.7.5 raster-image-ext image_height is an integer", "file", "extensions.raster-image-ext.image_height", "\"768\"", "property-type" },
        { "§6.7.6 windows-pebinary-ext pe_type is required", "file", "extensions.windows-pebinary-ext.pe_type", "-", "required-property" },
        { "§6.7.6 windows-pebinary-ext number_of_sections is an integer", "file", "extensions.windows-pebinary-ext.number_of_sections", "\"4\"", "property-type" },
        { "§6.7.6 optional header fields are integers", "file", "extensions.windows-pebinary-ext.optional_header.major_linker_version", "\"2\"", "property-type" },
        { "§6.7.6 section entropy is a number", "file", "extensions.windows-pebinary-ext.sections[0].entropy", "\"high\"", "property-type" },
        { "§6.12.2 http-request-ext request_method is required", "network-traffic", "extensions.http-request-ext.request_method", "-", "required-property" },
        { "§6.12.2 http-request-ext request_header is a dictionary", "network-traffic", "extensions.http-request-ext.request_header", "\"Host: x\"", "property-type" },
        { "§6.12.3 icmp-ext icmp_type_hex is hex", "network-traffic", "extensions.icmp-ext.icmp_type_hex", "\"8\"", "hex-format" },
        { "§6.12.4 socket-ext address_family is from the enumeration", "network-traffic", "extensions.socket-ext.address_family", "\"AF_WHATEVER\"", "closed-vocabulary" },
        { "§6.12.4 socket-ext is_listening is a boolean", "network-traffic", "extensions.socket-ext.is_listening", "1", "property-type" },
        { "§6.12.5 tcp-ext src_flags_hex is hex", "network-traffic", "extensions.tcp-ext.src_flags_hex", "\"SYN\"", "hex-format" },
        { "§6.15.2 unix-account-ext gid is an integer", "user-account", "extensions.unix-account-ext.gid", "\"1001\"", "property-type" },
        { "§6.15.2 unix-account-ext groups is a list", "user-account", "extensions.unix-account-ext.groups", "\"wheel\"", "property-type" },
        { "§6.11.2 windows-process-ext aslr_enabled is a boolean", "process", "extensions.windows-process-ext.aslr_enabled", "\"true\"", "property-type" },
        { "§6.11.2 windows-process-ext integrity_level is from the enumeration", "process", "extensions.windows-process-ext.integrity_level", "\"extreme\"", "closed-vocabulary" },
        { "§6.11.3 windows-service-ext start_type is from the enumeration", "process", "extensions.windows-service-ext.start_type", "\"auto\"", "closed-vocabulary" },
        { "§6.11.3 windows-service-ext descriptions is a list", "process", "extensions.windows-service-ext.descriptions", "\"d\"", "property-type" },
        { "§6 a predefined extension belongs to its own type", "user-account", "extensions.archive-ext", "{\"contains_refs\":[\"file--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\"]}", "extension-name" },

        // §6 observable values.
        { "§6.8 ipv4-addr is an address", "ipv4-addr", "value", "\"198.51.100.300\"", "ipv4-value" },
        { "§6.8 ipv4-addr CIDR prefix is 0–32", "ipv4-addr", "value", "\"198.51.100.0/33\"", "ipv4-value" },
        { "§6.8 ipv4-addr is one address", "ipv4-addr", "value", "\"198.51.100.1, 198.51.100.2\"", "ipv4-value" },
        { "§6.9 ipv6-addr is an address", "ipv6-addr", "value", "\"2001:db8::g\"", "ipv6-value" },
        { "§6.9 ipv6-addr CIDR prefix is 0–128", "ipv6-addr", "value", "\"2001:db8::/129\"", "ipv6-value" },
        { "§6.9 ipv6-addr is not IPv4", "ipv6-addr", "value", "\"198.51.100.1\"", "ipv6-value" },
        { "§6.14 url conforms to RFC 3986", "url", "value", "\"not a url\"", "url-value" },
        { "§6.14 url has a scheme", "url", "value", "\"example.com/index.html\"", "url-value" },
        { "§6.5 email-addr is an addr-spec", "email-addr", "value", "\"John <john@example.com>\"", "email-addr-value" },
        { "§6.5 email-addr has a domain", "email-addr", "value", "\"john@\"", "email-addr-value" },
        { "§6.10 mac-addr is lower case", "mac-addr", "value", "\"00:00:5E:00:53:AF\"", "mac-addr-value" },
        { "§6.10 mac-addr is colon-separated with leading zeros", "mac-addr", "value", "\"0:0:5e:0:53:af\"", "mac-addr-value" },
        { "§6.16 registry key hive is written out in full", "windows-registry-key", "key", "\"HKLM\\\\SYSTEM\\\\Foo\"", "registry-key-hive" },
        { "§6.13 cpe is a CPE 2.3 formatted string", "software", "cpe", "\"cpe:/a:microsoft:word:2000\"", "cpe-format" },
        { "§6.13 languages are RFC 5646 tags", "software", "languages", "[\"en_US\"]", "language-tag" },
        { "§2.6 an MD5 hash is 32 hex digits", "file", "hashes.MD5", "\"cead3f77f6cda6ec00f57d76c9a6879\"", "hash-value" },
        { "§2.6 a SHA-256 hash is 64 hex digits", "file", "hashes.SHA-256", "\"xyz\"", "hash-value" },
        { "§2.6 an SSDEEP hash has its form", "file", "hashes.SSDEEP", "\"not-ssdeep\"", "hash-value" },
        { "§2.6 hash values are strings", "file", "hashes.SHA-1", "1", "property-type" },
        { "§2.6 hashes is not empty", "file", "hashes", "{}", "empty-dictionary" },
        { "§2.6 hash names are 3–250 letters, digits, '-' and '_'", "file", "hashes", "{\"s h a\":\"x\"}", "hash-algorithm" },
        { "§4.14 the deprecated objects hold observables", "observed-data-container", "objects.0.type", "-", "observed-data-objects" },
        { "§4.14 and each observable there is checked like one outside", "observed-data-container", "objects.0.size", "\"big\"", "property-type" },
        { "§4.14 not domain objects", "observed-data-container", "objects.0.type", "\"malware\"", "observed-data-objects" },
        { "§2.5 external reference hashes use hashing-algorithm-ov", "indicator", "external_references[2].hashes", "{\"sha256\":\"6db12788c37247f2316052e142f42f4b259d6561751e5f401a1ae2a6df9c674b\"}", "hash-algorithm" },

        // Time order.
        { "§4.2 campaign last_seen ≥ first_seen", "campaign", "last_seen", "\"2023-12-31T00:00:00Z\"", "last-seen-before-first-seen" },
        { "§4.16 threat-actor last_seen ≥ first_seen", "threat-actor", "last_seen", "\"2023-12-31T00:00:00Z\"", "last-seen-before-first-seen" },
        { "§5.2 sighting last_seen ≥ first_seen", "sighting", "last_seen", "\"2023-12-31T00:00:00Z\"", "last-seen-before-first-seen" },
        { "§4.14 last_observed ≥ first_observed", "observed-data", "last_observed", "\"2023-12-31T00:00:00Z\"", "last-observed-before-first" },
        { "§5.1 stop_time > start_time", "relationship", "stop_time", "\"2024-01-01T00:00:00Z\"", "stop-time-after-start-time" },
        { "§4.7 valid_until > valid_from", "indicator", "valid_until", "\"2024-05-01T08:30:00Z\"", "valid-until-after-valid-from" },
        { "§3.2 modified ≥ created", "indicator", "modified", "\"2024-04-01T08:30:00.000Z\"", "modified-before-created" },
        { "§6.12 end ≥ start", "network-traffic", "end", "\"2023-12-31T00:00:00Z\"", "network-traffic-end-before-start" },
        { "§6.12 an active flow has no end", "network-traffic", "is_active", "true", "network-traffic-active-end" },

        // §2.5 external references.
        { "§2.5 source_name is required", "indicator", "external_references[2].source_name", "-", "required-property" },
        { "§2.5 url, description or external_id besides source_name", "indicator", "external_references", "[{\"source_name\":\"internal\"}]", "external-reference-content" },
        { "§2.5.1 cve external_id is CVE-YYYY-NNNN", "indicator", "external_references[0].external_id", "\"CVE-24-3400\"", "external-reference-cve" },
        { "§2.5.1 cve external_id has at least four digits", "indicator", "external_references[0].external_id", "\"CVE-2024-340\"", "external-reference-cve" },
        { "§2.5.1 capec external_id is CAPEC-N", "indicator", "external_references[1].external_id", "\"98\"", "external-reference-capec" },
        { "§2.5 external reference url is a URL", "indicator", "external_references[2].url", "\"cert example\"", "url-value" },
        { "§2.8 kill chain phase has phase_name", "indicator", "kill_chain_phases[0].phase_name", "-", "required-property" },

        // §7.2 marking definitions.
        { "§7.2 a marking definition does not mark itself", "marking-definition", "object_marking_refs", "[\"marking-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\"]", "marking-self-reference" },
        { "§7.2 not even granularly", "marking-definition", "granular_markings", "[{\"marking_ref\":\"marking-definition--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\",\"selectors\":[\"name\"]}]", "marking-self-reference" },
        { "§7.2.1.3 a statement marking has a statement", "marking-definition", "definition", "{\"text\":\"x\"}", "marking-statement" },
        { "§7.2.1.4 only the published TLP definitions have definition_type tlp", "marking-definition", "definition_type", "\"tlp\"", "tlp-marking-definition" },
        { "§7.2.1 definition_type and definition, or extensions", "marking-definition", "definition", "-", "required-property" },
        { "§7.2.3 granular marking has marking_ref or lang", "indicator", "granular_markings", "[{\"selectors\":[\"name\"]}]", "granular-marking" },
        { "§7.2.3 granular marking marking_ref points at a marking definition", "indicator", "granular_markings", "[{\"marking_ref\":\"identity--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\",\"selectors\":[\"name\"]}]", "reference-type" },
        { "§7.2.3.1 selectors resolve", "indicator", "granular_markings", "[{\"lang\":\"en\",\"selectors\":[\"labels.[5]\"]}]", "granular-marking-selector" },

        // §6.1 artifacts.
        { "§6.1 payload_bin or url is required", "artifact", "payload_bin", "-", "artifact-payload-or-url" },
        { "§6.1 payload_bin and url not both", "artifact", "url", "\"https://example.org/a.bin\"", "artifact-payload-or-url" },
        { "§6.1 payload_bin is base64", "artifact", "payload_bin", "\"not base64!\"", "binary-format" },
        { "§6.1 payload_bin is padded base64", "artifact", "payload_bin", "\"aGVsbG8gd29ybGQ\"", "binary-format" },
        { "§6.1 decryption_key only with encryption_algorithm", "artifact", "encryption_algorithm", "-", "artifact-decryption-key" },
        { "§6.1 encryption_algorithm is from the enumeration", "artifact", "encryption_algorithm", "\"rot13\"", "closed-vocabulary" },

        // §3.1, §11 custom content.
        { "§11.1 a custom object has created", "custom", "created", "-", "required-property" },
        { "§11.1 a custom object has modified", "custom", "modified", "-", "required-property" },
        { "§11.1 a custom object has spec_version", "custom", "spec_version", "-", "spec-version" },
        { "§3.1 property names have at least three characters", "indicator", "xy", "1", "property-name" },
        { "§3.1 property names are ASCII letters, digits and '_'", "indicator", "x_bad-name", "1", "property-name" },
        { "§3.1 property names start with a letter", "indicator", "_x_name", "1", "property-name" },
        { "§3.1 property names are at most 250 characters", "indicator", "x_" + new string('a', 249), "1", "property-name" },
        { "§3.1 names inside extensions follow the same rules", "custom", "extensions.extension-definition--d83fce45-ef58-4c6c-a3f4-1fbc32e98c6e.x-y", "1", "property-name" },
        { "§3.1 reserved property names are refused", "indicator", "severity", "\"high\"", "reserved-property" },
        { "§4.3 action is reserved", "indicator", "action", "\"block\"", "reserved-property" },
        { "§7.3 extension keys name an extension definition by id", "custom", "extensions.extension-definition--1234", "{}", "extension-name" },
        { "§3.2 extension keys are extension names", "indicator", "extensions", "{\"my extension\":{}}", "extension-name" },
        { "§3.1 type names are lower case", "custom", "type", "\"X-Rampart-Case\"", "type-format" },

        // §2.9, §5, §4.14 identifiers, vocabularies and references.
        { "§2.9 an observable without ID-contributing properties uses a UUIDv4", "process", "id", "\"process--0b5fad8c-4a3a-5f4d-8b40-8e71b5f43b1c\"", "sco-uuid-v4" },
        { "§2.9 so does one whose contributing properties are absent", "email-message", "id", "\"email-message--0b5fad8c-4a3a-5f4d-8b40-8e71b5f43b1c\"", "sco-uuid-v4" },
        { "§6.6 a multipart email has no body", "email-message", "body", "\"text\"", "email-body-multipart" },
        { "§5.1 relationship_type is lower-case a–z, 0–9 and '-'", "relationship", "relationship_type", "\"Indicates\"", "relationship-type-format" },
        { "§5.1 relationship_type has no spaces", "relationship", "relationship_type", "\"related to\"", "relationship-type-format" },
        { "§4.14 observed-data object_refs do not point at SDOs", "observed-data", "object_refs", "[\"malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\"]", "reference-type" },
        { "§4.11 malware sample_refs point at files or artifacts", "malware", "sample_refs", "[\"url--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f\"]", "reference-type" },
        { "§2.7 dictionary keys are at most 250 characters", "network-traffic", "extensions.http-request-ext.request_header", "{\"" + new string('h', 251) + "\":\"x\"}", "dictionary-key" },
        { "§4.10 precision only with coordinates", "location", "latitude", "-", "location-required" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public void EachMust_IsReportedAsAnError(string rule, string obj, string path, string value, string expected)
    {
        var o = (JsonObject)JsonNode.Parse(Valid[obj])!;
        Set(o, path, value);
        var result = StixValidator.Validate(new StixObject(o));
        Assert.True(result.Errors.Any(e => e.Rule == expected), $"{rule}: expected {expected}, got [{string.Join(", ", result.Errors.Select(e => e.Rule + " at " + e.Path))}]");
    }

    [Theory]
    [MemberData(nameof(Violations))]
    public void EachMust_IsReportedAsAnError_AlsoFromParsedText(string rule, string obj, string path, string value, string expected)
    {
        var o = (JsonObject)JsonNode.Parse(Valid[obj])!;
        Set(o, path, value);
        var result = StixValidator.Validate(StixObject.Parse(o.ToJsonString()));
        Assert.True(result.Errors.Any(e => e.Rule == expected), $"{rule}: expected {expected}, got [{string.Join(", ", result.Errors.Select(e => e.Rule + " at " + e.Path))}]");
    }

    /// <summary>Sets <paramref name="path"/> (dots between properties, [i] for list items) to a JSON value, or removes it for "-".</summary>
    private static void Set(JsonObject root, string path, string value)
    {
        var parts = new List<object>();
        foreach (var segment in SplitPath(path))
        {
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            if (bracket > 0)
            {
                parts.Add(segment[..bracket]);
                parts.Add(int.Parse(segment[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                parts.Add(segment);
            }
        }

        JsonNode current = root;
        for (var i = 0; i < parts.Count - 1; i++)
        {
            current = parts[i] is int index ? current[index]! : current[(string)parts[i]]!;
        }

        var last = parts[^1];
        var node = value == "-" ? null : JsonNode.Parse(value);
        if (last is int at)
        {
            current.AsArray()[at] = node;
        }
        else if (value == "-")
        {
            current.AsObject().Remove((string)last);
        }
        else
        {
            current[(string)last] = node;
        }
    }

    // Property names, extension keys and hash names contain no dots.
    private static string[] SplitPath(string path) => path.Split('.');

    [Fact]
    public void ObservedData_MayPointAtObservablesAndRelationships_AndCustomObjects()
    {
        var o = (JsonObject)JsonNode.Parse(Valid["observed-data"])!;
        o["object_refs"] = new JsonArray("ipv4-addr--" + Id, "relationship--" + Id, "sighting--" + Id, "x-custom-thing--" + Id);
        Assert.True(StixValidator.Validate(new StixObject(o)).IsValid);
    }

    [Fact]
    public void OpenVocabularyValues_StayWarnings_ButClosedOnesAreErrors()
    {
        var o = (JsonObject)JsonNode.Parse(Valid["indicator"])!;
        o["indicator_types"] = new JsonArray("very-bad");
        var result = StixValidator.Validate(new StixObject(o));
        Assert.True(result.IsValid);
        Assert.Contains(result.Warnings, w => w.Rule == "open-vocabulary");
    }

    [Theory]
    [InlineData("198.51.100.0/24")]
    [InlineData("0.0.0.0/0")]
    [InlineData("255.255.255.255")]
    public void Ipv4_AcceptsAddressesAndCidr(string value) => Assert.True(StixFormats.IsIpv4AddressOrCidr(value));

    [Theory]
    [InlineData("01.2.3.4")]
    [InlineData("1.2.3")]
    [InlineData("1.2.3.4/")]
    [InlineData("1.2.3.4/08")]
    [InlineData("0x7f.0.0.1")]
    public void Ipv4_RefusesOtherForms(string value) => Assert.False(StixFormats.IsIpv4AddressOrCidr(value));

    [Theory]
    [InlineData("\"john doe\"@example.com", true)]
    [InlineData("john.doe+tag@[192.0.2.1]", true)]
    [InlineData("john..doe@example.com", false)]
    [InlineData("john doe@example.com", false)]
    [InlineData("@example.com", false)]
    public void EmailAddresses_FollowRfc5322AddrSpec(string value, bool ok) => Assert.Equal(ok, StixFormats.IsAddrSpec(value));

    [Theory]
    [InlineData("en", true)]
    [InlineData("sr-Latn-RS", true)]
    [InlineData("zh-Hant-TW", true)]
    [InlineData("x-private", true)]
    [InlineData("i-klingon", true)]
    [InlineData("en-", false)]
    [InlineData("e", false)]
    [InlineData("en_US", false)]
    [InlineData("english", true)] // well-formed: RFC 5646 §2.2.1 allows 5–8 letter language subtags
    public void LanguageTags_FollowRfc5646(string value, bool ok) =>
        Assert.Equal(ok, StixFormats.Check(ValueFormat.LanguageTag, value) is null);

    [Fact]
    public void RegistryKeys_WithAbbreviatedHives_CanBeExpandedForProducers()
    {
        Assert.Equal("HKEY_LOCAL_MACHINE\\Software\\X", WindowsRegistryKeys.ExpandHive("HKLM\\Software\\X"));
        Assert.Equal("HKEY_CURRENT_USER", WindowsRegistryKeys.ExpandHive("hkcu"));
        Assert.Equal("HKEY_USERS\\S-1", WindowsRegistryKeys.ExpandHive("HKEY_USERS\\S-1"));
        Assert.True(WindowsRegistryKeys.HasFullHive(WindowsRegistryKeys.ExpandHive("HKCR\\.exe")));
    }

    [Theory]
    [InlineData("TLSH", "T1" + "A" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234", true)]
    [InlineData("SSDEEP", "3:AXGBicFlgVNhBGcL6wCrFQEv:AXGHsNhxLsr2C", true)]
    [InlineData("SHA3-256", "7f83b1657ff1fc53b92dc18148a1d65dfc2d4b1fa3d677284addd200126d9069", true)]
    [InlineData("SHA-512", "abc", false)]
    public void HashValues_FollowTheirAlgorithm(string algorithm, string value, bool ok) =>
        Assert.Equal(ok, StixFormats.CheckHash(algorithm, value) is null);
}
