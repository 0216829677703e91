using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Rampart.Standards.Markings;
using Rampart.Standards.Observables;
using Rampart.Standards.Patterns;
using Rampart.Standards.Stix;

namespace Rampart.Standards.Misp;

/// <summary>Something of the MISP event that has no STIX 2.1 counterpart here: where it was, what it was, and why.</summary>
public sealed record MispUnmapped(string Path, string What, string Reason);

/// <summary>The STIX objects made from a MISP event, with everything that could not be mapped.</summary>
public sealed record MispConversion(
    StixObject Report,
    IReadOnlyList<StixObject> Objects,
    IReadOnlyList<MispUnmapped> Unmapped,
    Tlp? Tlp,
    Pap? Pap,
    int? Distribution);

/// <summary>
/// Converts a MISP event (as MISP's REST API and feeds produce it) to STIX 2.1: <c>to_ids</c> attributes
/// become indicators with STIX patterns, other observable attributes observed-data with SCOs, MISP
/// objects grouped SCOs in one observed-data, object references relationships, tags labels and TLP
/// markings, galaxy clusters malware, threat actors, intrusion sets, tools or attack patterns, sightings
/// sightings, and the event itself a report. Nothing is dropped silently: what has no mapping is listed
/// in <see cref="MispConversion.Unmapped"/>.
/// </summary>
public static class MispEventConverter
{
    private static readonly Guid MispNamespace = new("c2b7b9a2-5a8c-4f1e-9d65-6b5c5f0e3a11");

    public static MispConversion Convert(ReadOnlySpan<byte> json)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            throw new StandardsException($"Not JSON: {e.Message}", (int?)e.BytePositionInLine, e.Path);
        }

        var root = node as JsonObject ?? throw new StandardsException("A MISP event is a JSON object.", path: "$");
        var ev = root["Event"] as JsonObject ?? root;
        return new Converter(ev).Run();
    }

    private sealed class Converter(JsonObject ev)
    {
        private readonly List<StixObject> objects = [];
        private readonly List<MispUnmapped> unmapped = [];
        private readonly Dictionary<string, string> objectIdsByMispUuid = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> attributeObjectIds = new(StringComparer.Ordinal);
        private readonly HashSet<string> seenIds = new(StringComparer.Ordinal);
        private readonly List<JsonObject> externalReferences = [];
        private string identityId = "";
        private string created = "";
        private string eventUuid = "";
        private Tlp? eventTlp;
        private Pap? eventPap;
        private List<string> eventLabels = [];

        public MispConversion Run()
        {
            eventUuid = Str(ev, "uuid") is { } u && Guid.TryParse(u, out _) ? u.ToLowerInvariant()
                : throw new StandardsException("A MISP event has a uuid.", path: "Event.uuid");
            var info = Str(ev, "info") ?? throw new StandardsException("A MISP event has info (its title).", path: "Event.info");
            created = Time(Str(ev, "timestamp")) ?? DateOnly(Str(ev, "date")) ?? throw new StandardsException("A MISP event has a timestamp or a date.", path: "Event.timestamp");

            (eventLabels, eventTlp, eventPap) = ReadTags(ev["Tag"] as JsonArray, "Event.Tag");
            AddIdentity();

            var attributes = ev["Attribute"] as JsonArray ?? [];
            for (var i = 0; i < attributes.Count; i++)
            {
                if (attributes[i] is JsonObject a)
                {
                    ConvertAttribute(a, $"Event.Attribute[{i}]");
                }
            }

            var mispObjects = ev["Object"] as JsonArray ?? [];
            for (var i = 0; i < mispObjects.Count; i++)
            {
                if (mispObjects[i] is JsonObject o)
                {
                    ConvertObject(o, $"Event.Object[{i}]");
                }
            }

            for (var i = 0; i < mispObjects.Count; i++)
            {
                if (mispObjects[i] is JsonObject o)
                {
                    ConvertObjectReferences(o, $"Event.Object[{i}]");
                }
            }

            ConvertGalaxies(ev["Galaxy"] as JsonArray, "Event.Galaxy");
            ConvertRelatedAndProposals();
            ConvertTagGalaxies(ev["Tag"] as JsonArray, "Event.Tag");
            ConvertSightings(ev, "Event");
            foreach (var (i, a) in attributes.Select((a, i) => (i, a)))
            {
                if (a is JsonObject attribute)
                {
                    ConvertSightings(attribute, $"Event.Attribute[{i}]");
                }
            }

            var report = BuildReport(info);
            return new MispConversion(report, [.. objects, report], unmapped, eventTlp, eventPap, Int(ev, "distribution"));
        }

        private StixObject BuildReport(string info)
        {
            var report = Sdo("report", eventUuid, Time(Str(ev, "timestamp")) ?? created);
            report["name"] = info;
            report["published"] = Time(Str(ev, "publish_timestamp")) is { } p && Str(ev, "published") is not null && Bool(ev, "published") ? p : DateOnly(Str(ev, "date")) ?? created;
            report["report_types"] = new JsonArray("threat-report");
            var refs = objects.Select(o => o.Id).Where(id => !id.StartsWith("identity--", StringComparison.Ordinal) && !id.StartsWith("marking-definition--", StringComparison.Ordinal)).ToList();
            report["object_refs"] = refs.Count > 0 ? new JsonArray([.. refs.Select(r => (JsonNode)r)]) : new JsonArray((JsonNode)identityId);
            if (eventLabels.Count > 0)
            {
                report["labels"] = new JsonArray([.. eventLabels.Select(l => (JsonNode)l)]);
            }

            if (externalReferences.Count > 0)
            {
                report["external_references"] = new JsonArray([.. externalReferences]);
            }

            if (Int(ev, "threat_level_id") is { } level)
            {
                report["x_misp_threat_level"] = level switch { 1 => "high", 2 => "medium", 3 => "low", _ => "undefined" };
            }

            if (Int(ev, "analysis") is { } analysis)
            {
                report["x_misp_analysis"] = analysis switch { 0 => "initial", 1 => "ongoing", _ => "completed" };
            }

            if (Int(ev, "distribution") is { } distribution)
            {
                report["x_misp_distribution"] = distribution;
            }

            Mark(report, eventTlp);
            return new StixObject(report);
        }

        private void AddIdentity()
        {
            var orgc = ev["Orgc"] as JsonObject;
            var name = orgc is null ? null : Str(orgc, "name");
            var uuid = orgc is null ? null : Str(orgc, "uuid");
            if (name is null)
            {
                unmapped.Add(new MispUnmapped("Event.Orgc", "creator organisation", "The event names no creator organisation; objects carry no created_by_ref."));
                return;
            }

            var identity = new JsonObject
            {
                ["type"] = "identity",
                ["spec_version"] = "2.1",
                ["id"] = "identity--" + (uuid is not null && Guid.TryParse(uuid, out var g) ? g.ToString() : ScoIds.UuidV5(MispNamespace, Encoding.UTF8.GetBytes("orgc:" + name)).ToString()),
                ["created"] = created,
                ["modified"] = created,
                ["name"] = name,
                ["identity_class"] = "organization",
            };
            identityId = identity["id"]!.GetValue<string>();
            Add(new StixObject(identity));
        }

        private JsonObject Sdo(string type, string uuid, string? modified = null)
        {
            var o = new JsonObject
            {
                ["type"] = type,
                ["spec_version"] = "2.1",
                ["id"] = $"{type}--{uuid}",
                ["created"] = created,
                ["modified"] = Later(created, modified ?? created),
            };
            if (identityId.Length > 0)
            {
                o["created_by_ref"] = identityId;
            }

            return o;
        }

        private static string Later(string a, string b) =>
            Timestamps.TryParse(a, out var x) && Timestamps.TryParse(b, out var y) && y > x ? b : a;

        private void Add(StixObject o)
        {
            if (seenIds.Add(o.Id))
            {
                objects.Add(o);
            }
        }

        private static void Mark(JsonObject o, Tlp? tlp)
        {
            if (tlp is { } level)
            {
                o["object_marking_refs"] = new JsonArray((JsonNode)level.StixMarkingId());
            }
        }

        private (List<string> Labels, Tlp? Tlp, Pap? Pap) ReadTags(JsonArray? tags, string path)
        {
            var labels = new List<string>();
            var tlps = new List<Tlp>();
            var paps = new List<Pap>();
            foreach (var tag in tags ?? [])
            {
                var name = tag is JsonObject t ? Str(t, "name") : null;
                if (name is null)
                {
                    continue;
                }

                if (TlpMarking.TryFromMispTag(name, out var tlp))
                {
                    tlps.Add(tlp);
                }
                else if (name.StartsWith("PAP:", StringComparison.OrdinalIgnoreCase) && PapMarking.TryParse(name, out var pap))
                {
                    paps.Add(pap);
                    labels.Add(pap.Label());
                }
                else if (name.StartsWith("misp-galaxy:", StringComparison.Ordinal))
                {
                    continue; // handled as galaxy clusters
                }
                else if (name.StartsWith("tlp:", StringComparison.OrdinalIgnoreCase))
                {
                    unmapped.Add(new MispUnmapped(path, name, "A TLP tag that is not a TLP 2.0 level is kept as a label only."));
                    labels.Add(name);
                }
                else
                {
                    labels.Add(name);
                }
            }

            return (labels, tlps.Count > 0 ? TlpMarking.MostRestrictive(tlps) : null, paps.Count > 0 ? PapMarking.MostRestrictive(paps) : null);
        }

        private void ConvertAttribute(JsonObject a, string path)
        {
            if (Bool(a, "deleted"))
            {
                return;
            }

            var type = Str(a, "type") ?? "";
            var value = Str(a, "value") ?? "";
            var uuid = Str(a, "uuid") is { } u && Guid.TryParse(u, out var g) ? g.ToString() : ScoIds.UuidV5(MispNamespace, Encoding.UTF8.GetBytes($"{eventUuid}:{type}:{value}")).ToString();
            ConvertGalaxies(a["Galaxy"] as JsonArray, path + ".Galaxy");
            ConvertTagGalaxies(a["Tag"] as JsonArray, path + ".Tag");
            var (labels, tlp, _) = ReadTags(a["Tag"] as JsonArray, path + ".Tag");
            var marking = Strictest(eventTlp, tlp);
            labels.Insert(0, $"misp:type=\"{type}\"");
            if (Str(a, "category") is { } category)
            {
                labels.Insert(1, $"misp:category=\"{category}\"");
            }

            switch (type)
            {
                case "link":
                    externalReferences.Add(new JsonObject { ["source_name"] = "misp-link", ["url"] = value, ["description"] = Str(a, "comment") ?? "" });
                    return;
                case "comment" or "text" or "other":
                    var note = Sdo("note", uuid, Time(Str(a, "timestamp")));
                    note["content"] = value;
                    note["object_refs"] = new JsonArray((JsonNode)$"report--{eventUuid}");
                    note["labels"] = new JsonArray([.. labels.Select(l => (JsonNode)l)]);
                    Mark(note, marking);
                    Add(new StixObject(note));
                    return;
                case "vulnerability":
                    var vulnerability = Sdo("vulnerability", uuid, Time(Str(a, "timestamp")));
                    vulnerability["name"] = value;
                    vulnerability["external_references"] = new JsonArray(new JsonObject { ["source_name"] = "cve", ["external_id"] = value });
                    Mark(vulnerability, marking);
                    Add(new StixObject(vulnerability));
                    attributeObjectIds[uuid] = vulnerability["id"]!.GetValue<string>();
                    return;
                case "yara" or "snort" or "sigma":
                    AddIndicator(uuid, a, $"{type}: {Truncate(value, 200)}", value, type, labels, marking);
                    return;
            }

            var scos = ObservablesFor(type, value, a["data"] is JsonValue ? Str(a, "data") : null, path, out var pattern);
            if (scos is null)
            {
                return;
            }

            if (Bool(a, "to_ids") && pattern is not null)
            {
                AddIndicator(uuid, a, $"{type}: {Truncate(value, 200)}", pattern, "stix", labels, marking);
            }
            else
            {
                AddObservedData(uuid, a, scos, labels, marking);
            }
        }

        private static Tlp? Strictest(Tlp? a, Tlp? b) => a is null ? b : b is null ? a : (Tlp)Math.Max((int)a.Value, (int)b.Value);

        /// <param name="source">The MISP attribute or object: its timestamp, first_seen and comment are used.</param>
        private void AddIndicator(string uuid, JsonObject source, string name, string pattern, string patternType, List<string> labels, Tlp? marking)
        {
            var indicator = Sdo("indicator", uuid, Time(Str(source, "timestamp")));
            indicator["name"] = name;
            if (Str(source, "comment") is { Length: > 0 } comment)
            {
                indicator["description"] = comment;
            }

            indicator["pattern"] = pattern;
            indicator["pattern_type"] = patternType;
            if (patternType == "stix")
            {
                indicator["pattern_version"] = "2.1";
            }

            indicator["valid_from"] = Time(Str(source, "first_seen")) ?? Time(Str(source, "timestamp")) ?? created;
            indicator["indicator_types"] = new JsonArray("malicious-activity");
            indicator["labels"] = new JsonArray([.. labels.Select(l => (JsonNode)l)]);
            Mark(indicator, marking);
            Add(new StixObject(indicator));
            attributeObjectIds[uuid] = indicator["id"]!.GetValue<string>();
        }

        private void AddObservedData(string uuid, JsonObject source, List<JsonObject> scos, List<string> labels, Tlp? marking)
        {
            var observed = Sdo("observed-data", uuid, Time(Str(source, "timestamp")));
            var seen = Time(Str(source, "first_seen")) ?? Time(Str(source, "timestamp")) ?? created;
            observed["first_observed"] = seen;
            observed["last_observed"] = Later(seen, Time(Str(source, "last_seen")) ?? seen);
            observed["number_observed"] = 1;
            observed["object_refs"] = new JsonArray([.. scos.Select(s => (JsonNode)s["id"]!.GetValue<string>())]);
            observed["labels"] = new JsonArray([.. labels.Select(l => (JsonNode)l)]);
            Mark(observed, marking);
            foreach (var sco in scos)
            {
                Mark(sco, marking);
                Add(new StixObject(sco));
            }

            Add(new StixObject(observed));
            attributeObjectIds[uuid] = observed["id"]!.GetValue<string>();
        }

        /// <summary>SCOs for one attribute, and the STIX pattern that pins it down; null (and an unmapped entry) when there is none.</summary>
        private List<JsonObject>? ObservablesFor(string type, string value, string? data, string path, out string? pattern)
        {
            pattern = null;
            var (first, second) = SplitComposite(type, value);
            switch (type)
            {
                case "ip-src" or "ip-dst":
                    {
                        var ip = Address(value);
                        if (ip is null)
                        {
                            return Unmapped(path, type, value, "The value is not an IP address or CIDR.");
                        }

                        pattern = $"[{ip["type"]}:value = {Quote(ip["value"]!.GetValue<string>())}]";
                        return [ip];
                    }

                case "ip-src|port" or "ip-dst|port":
                    {
                        var ip = Address(first);
                        if (ip is null || !int.TryParse(second, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
                        {
                            return Unmapped(path, type, value, "The value is not an address and port.");
                        }

                        var side = type.StartsWith("ip-src", StringComparison.Ordinal) ? "src" : "dst";
                        var protocol = ip["type"]!.GetValue<string>() == "ipv6-addr" ? "ipv6" : "ipv4";
                        var traffic = Sco("network-traffic", new JsonObject { [$"{side}_ref"] = ip["id"]!.GetValue<string>(), [$"{side}_port"] = port, ["protocols"] = new JsonArray(protocol) });
                        pattern = $"[network-traffic:{side}_ref.value = {Quote(ip["value"]!.GetValue<string>())} AND network-traffic:{side}_port = {port}]";
                        return [ip, traffic];
                    }

                case "domain" or "hostname":
                    {
                        var domain = Sco("domain-name", new JsonObject { ["value"] = value.Trim() });
                        pattern = $"[domain-name:value = {Quote(value.Trim())}]";
                        return [domain];
                    }

                case "domain|ip":
                    {
                        var ip = Address(second);
                        if (ip is null)
                        {
                            return Unmapped(path, type, value, "The value is not a domain and an IP address.");
                        }

                        var domain = Sco("domain-name", new JsonObject { ["value"] = first, ["resolves_to_refs"] = new JsonArray((JsonNode)ip["id"]!.GetValue<string>()) });
                        pattern = $"[domain-name:value = {Quote(first)} AND domain-name:resolves_to_refs[*].value = {Quote(ip["value"]!.GetValue<string>())}]";
                        return [ip, domain];
                    }

                case "url" or "uri":
                    pattern = $"[url:value = {Quote(value)}]";
                    return [Sco("url", new JsonObject { ["value"] = value })];
                case "email" or "email-src" or "email-dst":
                    pattern = $"[email-addr:value = {Quote(value)}]";
                    return [Sco("email-addr", new JsonObject { ["value"] = value })];
                case "email-subject":
                    pattern = $"[email-message:subject = {Quote(value)}]";
                    return [Sco("email-message", new JsonObject { ["is_multipart"] = false, ["subject"] = value })];
                case "mutex":
                    pattern = $"[mutex:name = {Quote(value)}]";
                    return [Sco("mutex", new JsonObject { ["name"] = value })];
                case "mac-address":
                    pattern = $"[mac-addr:value = {Quote(value.ToLowerInvariant())}]";
                    return [Sco("mac-addr", new JsonObject { ["value"] = value.ToLowerInvariant() })];
                case "AS":
                    {
                        var number = value.StartsWith("AS", StringComparison.OrdinalIgnoreCase) ? value[2..] : value;
                        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var asn))
                        {
                            return Unmapped(path, type, value, "The value is not an AS number.");
                        }

                        pattern = $"[autonomous-system:number = {asn}]";
                        return [Sco("autonomous-system", new JsonObject { ["number"] = asn })];
                    }

                case "filename":
                    pattern = $"[file:name = {Quote(value)}]";
                    return [Sco("file", new JsonObject { ["name"] = value })];
                case "regkey":
                    pattern = $"[windows-registry-key:key = {Quote(value)}]";
                    return [Sco("windows-registry-key", new JsonObject { ["key"] = value })];
                case "regkey|value":
                    pattern = $"[windows-registry-key:key = {Quote(first)} AND windows-registry-key:values[*].data = {Quote(second)}]";
                    return [Sco("windows-registry-key", new JsonObject { ["key"] = first, ["values"] = new JsonArray(new JsonObject { ["data"] = second }) })];
                case "malware-sample":
                    {
                        var (name, md5) = (first, second);
                        unmapped.Add(new MispUnmapped(path, "malware-sample payload", "The sample itself (a password-protected zip in MISP) is not converted; its name and MD5 are."));
                        pattern = $"[file:name = {Quote(name)} AND file:hashes.MD5 = {Quote(md5.ToLowerInvariant())}]";
                        return [Sco("file", new JsonObject { ["name"] = name, ["hashes"] = new JsonObject { ["MD5"] = md5.ToLowerInvariant() } })];
                    }

                case "attachment":
                    {
                        if (data is null)
                        {
                            return Unmapped(path, type, value, "The attachment has no data; only its name is known.");
                        }

                        var artifact = Sco("artifact", new JsonObject { ["payload_bin"] = data });
                        var file = Sco("file", new JsonObject { ["name"] = value, ["content_ref"] = artifact["id"]!.GetValue<string>() });
                        pattern = $"[file:name = {Quote(value)}]";
                        return [artifact, file];
                    }
            }

            if (HashKey(type) is { } hashKey)
            {
                pattern = $"[file:hashes.{PatternKey(hashKey)} = {Quote(value.ToLowerInvariant())}]";
                return [Sco("file", new JsonObject { ["hashes"] = new JsonObject { [hashKey] = value.ToLowerInvariant() } })];
            }

            if (type.StartsWith("filename|", StringComparison.Ordinal) && HashKey(type["filename|".Length..]) is { } compositeKey)
            {
                pattern = $"[file:name = {Quote(first)} AND file:hashes.{PatternKey(compositeKey)} = {Quote(second.ToLowerInvariant())}]";
                return [Sco("file", new JsonObject { ["name"] = first, ["hashes"] = new JsonObject { [compositeKey] = second.ToLowerInvariant() } })];
            }

            return Unmapped(path, type, value, $"No STIX 2.1 object for the MISP attribute type '{type}'.");
        }

        private List<JsonObject>? Unmapped(string path, string type, string value, string reason)
        {
            unmapped.Add(new MispUnmapped(path, $"{type}: {Truncate(value, 200)}", reason));
            return null;
        }

        private static string? HashKey(string type) => type switch
        {
            "md5" => "MD5",
            "sha1" => "SHA-1",
            "sha256" => "SHA-256",
            "sha512" => "SHA-512",
            "sha224" => "SHA-224",
            "sha384" => "SHA-384",
            "sha3-256" => "SHA3-256",
            "sha3-512" => "SHA3-512",
            "ssdeep" => "SSDEEP",
            "tlsh" => "TLSH",
            _ => null,
        };

        private static string PatternKey(string hashKey) => hashKey.Contains('-', StringComparison.Ordinal) ? $"'{hashKey}'" : hashKey;

        private static (string First, string Second) SplitComposite(string type, string value)
        {
            if (!type.Contains('|', StringComparison.Ordinal))
            {
                return (value, "");
            }

            var bar = value.IndexOf('|', StringComparison.Ordinal);
            return bar < 0 ? (value, "") : (value[..bar], value[(bar + 1)..]);
        }

        private static JsonObject? Address(string value)
        {
            if (Normalise.TryCidr(value, out var cidr))
            {
                var isV6 = cidr.Contains(':', StringComparison.Ordinal);
                var text = value.Contains('/', StringComparison.Ordinal) ? cidr : cidr[..cidr.LastIndexOf('/')];
                return Sco(isV6 ? "ipv6-addr" : "ipv4-addr", new JsonObject { ["value"] = text });
            }

            return null;
        }

        private static JsonObject Sco(string type, JsonObject properties)
        {
            properties["type"] = type;
            properties["spec_version"] = "2.1";
            if (ScoIds.Compute(properties) is { } id)
            {
                properties["id"] = id;
            }
            else
            {
                properties["id"] = $"{type}--{ScoIds.UuidV5(MispNamespace, Encoding.UTF8.GetBytes(ScoIds.Canonical(properties)))}";
            }

            // Keep the conventional order: type, spec_version, id first.
            var ordered = new JsonObject { ["type"] = type, ["spec_version"] = "2.1", ["id"] = properties["id"]!.GetValue<string>() };
            foreach (var (key, value) in properties.ToList())
            {
                if (key is not ("type" or "spec_version" or "id"))
                {
                    properties.Remove(key);
                    ordered[key] = value;
                }
            }

            return ordered;
        }

        private static string Quote(string value) => "'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal) + "'";

        private static string Truncate(string value, int length) => value.Length <= length ? value : value[..length] + "…";

        private void ConvertObject(JsonObject o, string path)
        {
            if (Bool(o, "deleted"))
            {
                return;
            }

            var name = Str(o, "name") ?? "";
            var uuid = Str(o, "uuid") is { } u && Guid.TryParse(u, out var g) ? g.ToString() : ScoIds.UuidV5(MispNamespace, Encoding.UTF8.GetBytes($"{eventUuid}:object:{path}")).ToString();
            var attributes = (o["Attribute"] as JsonArray ?? []).OfType<JsonObject>().Where(a => !Bool(a, "deleted")).ToList();
            var (labels, tlp, _) = ReadTags(o["Tag"] as JsonArray, path + ".Tag");
            var marking = Strictest(eventTlp, tlp);
            labels.Insert(0, $"misp:name=\"{name}\"");
            if (Str(o, "meta-category") is { } metaCategory)
            {
                labels.Insert(1, $"misp:meta-category=\"{metaCategory}\"");
            }

            for (var i = 0; i < attributes.Count; i++)
            {
                ConvertGalaxies(attributes[i]["Galaxy"] as JsonArray, $"{path}.Attribute[{i}].Galaxy");
                ConvertTagGalaxies(attributes[i]["Tag"] as JsonArray, $"{path}.Attribute[{i}].Tag");
                var (attributeLabels, attributeTlp, _) = ReadTags(attributes[i]["Tag"] as JsonArray, $"{path}.Attribute[{i}].Tag");
                labels.AddRange(attributeLabels.Where(l => !labels.Contains(l)));
                marking = Strictest(marking, attributeTlp);
            }

            List<JsonObject> scos = [];
            List<string> patternParts = [];
            var toIds = attributes.Any(a => Bool(a, "to_ids"));
            if (name == "file")
            {
                var file = new JsonObject();
                var hashes = new JsonObject();
                for (var i = 0; i < attributes.Count; i++)
                {
                    var a = attributes[i];
                    var relation = Str(a, "object_relation") ?? "";
                    var type = Str(a, "type") ?? "";
                    var value = Str(a, "value") ?? "";
                    if (HashKey(type) is { } key)
                    {
                        hashes[key] = value.ToLowerInvariant();
                        patternParts.Add($"file:hashes.{PatternKey(key)} = {Quote(value.ToLowerInvariant())}");
                    }
                    else if (relation == "filename")
                    {
                        file["name"] = value;
                        patternParts.Add($"file:name = {Quote(value)}");
                    }
                    else if (relation == "size-in-bytes" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                    {
                        file["size"] = size;
                        patternParts.Add($"file:size = {size}");
                    }
                    else if (relation == "mimetype")
                    {
                        file["mime_type"] = value;
                    }
                    else if (relation == "entropy")
                    {
                        file["x_misp_entropy"] = value;
                    }
                    else
                    {
                        unmapped.Add(new MispUnmapped($"{path}.Attribute[{i}]", $"{relation} ({type}): {Truncate(value, 200)}", "This file-object attribute has no STIX file property."));
                    }
                }

                if (hashes.Count > 0)
                {
                    file["hashes"] = hashes;
                }

                if (file.Count == 0)
                {
                    unmapped.Add(new MispUnmapped(path, "file object", "The file object has neither a name nor hashes."));
                    return;
                }

                scos.Add(Sco("file", file));
            }
            else if (name is "domain-ip" or "ip-port" or "url" or "email" or "domain" or "ip" or "hostname")
            {
                for (var i = 0; i < attributes.Count; i++)
                {
                    var a = attributes[i];
                    var type = Str(a, "type") ?? "";
                    var value = Str(a, "value") ?? "";
                    if (type is "port" or "dst-port" or "src-port" or "text" or "datetime" or "counter")
                    {
                        unmapped.Add(new MispUnmapped($"{path}.Attribute[{i}]", $"{Str(a, "object_relation")} ({type}): {Truncate(value, 200)}", "Kept only in MISP: no STIX property for it in this object."));
                        continue;
                    }

                    var part = ObservablesFor(type, value, null, $"{path}.Attribute[{i}]", out var pattern);
                    if (part is not null)
                    {
                        scos.AddRange(part);
                        if (pattern is not null)
                        {
                            patternParts.Add(pattern[1..^1]);
                        }
                    }
                }
            }
            else
            {
                unmapped.Add(new MispUnmapped(path, $"object '{name}' ({attributes.Count} attributes)", $"The MISP object template '{name}' is not converted to STIX."));
                return;
            }

            if (scos.Count == 0)
            {
                return;
            }

            if (toIds && patternParts.Count > 0)
            {
                AddIndicator(uuid, o, $"MISP {name} object", "[" + string.Join(" AND ", patternParts) + "]", "stix", labels, marking);
                objectIdsByMispUuid[uuid] = attributeObjectIds[uuid];
                foreach (var sco in scos)
                {
                    Mark(sco, marking);
                    Add(new StixObject(sco));
                }
            }
            else
            {
                AddObservedData(uuid, o, scos, labels, marking);
                objectIdsByMispUuid[uuid] = attributeObjectIds[uuid];
            }
        }

        private void ConvertObjectReferences(JsonObject o, string path)
        {
            var source = Str(o, "uuid");
            var references = o["ObjectReference"] as JsonArray ?? [];
            for (var i = 0; i < references.Count; i++)
            {
                if (references[i] is not JsonObject reference || Bool(reference, "deleted"))
                {
                    continue;
                }

                var target = Str(reference, "referenced_uuid");
                var relationshipType = Str(reference, "relationship_type") ?? "related-to";
                if (source is null || target is null || !objectIdsByMispUuid.TryGetValue(source, out var sourceId)
                    || !(objectIdsByMispUuid.TryGetValue(target, out var targetId) || attributeObjectIds.TryGetValue(target, out targetId)))
                {
                    unmapped.Add(new MispUnmapped($"{path}.ObjectReference[{i}]", $"{relationshipType} → {target}", "One end of the reference was not converted."));
                    continue;
                }

                var uuid = Str(reference, "uuid") is { } u && Guid.TryParse(u, out var g) ? g.ToString() : ScoIds.UuidV5(MispNamespace, Encoding.UTF8.GetBytes($"{sourceId}:{relationshipType}:{targetId}")).ToString();
                var relationship = Sdo("relationship", uuid, Time(Str(reference, "timestamp")));
                relationship["relationship_type"] = relationshipType;
                relationship["source_ref"] = sourceId;
                relationship["target_ref"] = targetId;
                Mark(relationship, eventTlp);
                Add(new StixObject(relationship));
            }
        }

        private void ConvertRelatedAndProposals()
        {
            foreach (var related in ev["RelatedEvent"] as JsonArray ?? [])
            {
                if (related?["Event"] is JsonObject other && Str(other, "uuid") is { } otherUuid)
                {
                    externalReferences.Add(new JsonObject { ["source_name"] = "misp-related-event", ["external_id"] = otherUuid, ["description"] = Str(other, "info") ?? "" });
                }
            }

            var reports = ev["EventReport"] as JsonArray ?? [];
            for (var i = 0; i < reports.Count; i++)
            {
                if (reports[i] is JsonObject report && Str(report, "content") is { } content && !Bool(report, "deleted"))
                {
                    var uuid = Str(report, "uuid") is { } u && Guid.TryParse(u, out var g) ? g.ToString() : ScoIds.UuidV5(MispNamespace, Encoding.UTF8.GetBytes($"{eventUuid}:report:{i}")).ToString();
                    var note = Sdo("note", uuid, Time(Str(report, "timestamp")));
                    note["abstract"] = Str(report, "name") ?? "MISP event report";
                    note["content"] = content;
                    note["object_refs"] = new JsonArray((JsonNode)$"report--{eventUuid}");
                    Mark(note, eventTlp);
                    Add(new StixObject(note));
                }
            }

            var proposals = ev["ShadowAttribute"] as JsonArray ?? [];
            for (var i = 0; i < proposals.Count; i++)
            {
                if (proposals[i] is JsonObject proposal)
                {
                    unmapped.Add(new MispUnmapped($"Event.ShadowAttribute[{i}]", $"{Str(proposal, "type")}: {Truncate(Str(proposal, "value") ?? "", 200)}", "A proposal not accepted into the event is not converted."));
                }
            }
        }

        private void ConvertGalaxies(JsonArray? galaxies, string path)
        {
            for (var i = 0; i < (galaxies?.Count ?? 0); i++)
            {
                if (galaxies![i] is not JsonObject galaxy)
                {
                    continue;
                }

                var galaxyType = Str(galaxy, "type") ?? "";
                var clusters = galaxy["GalaxyCluster"] as JsonArray ?? [];
                for (var j = 0; j < clusters.Count; j++)
                {
                    if (clusters[j] is JsonObject cluster && Str(cluster, "value") is { } value)
                    {
                        AddCluster(galaxyType, value, Str(cluster, "description"), Str(cluster, "uuid"), $"{path}[{i}].GalaxyCluster[{j}]");
                    }
                }
            }
        }

        private void ConvertTagGalaxies(JsonArray? tags, string path)
        {
            for (var i = 0; i < (tags?.Count ?? 0); i++)
            {
                var name = tags![i] is JsonObject t ? Str(t, "name") : null;
                if (name is null || !name.StartsWith("misp-galaxy:", StringComparison.Ordinal))
                {
                    continue;
                }

                var eq = name.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0)
                {
                    continue;
                }

                var galaxyType = name["misp-galaxy:".Length..eq];
                var value = name[(eq + 1)..].Trim('"');
                AddCluster(galaxyType, value, null, null, $"{path}[{i}]");
            }
        }

        private void AddCluster(string galaxyType, string value, string? description, string? clusterUuid, string path)
        {
            var type = galaxyType switch
            {
                "malpedia" or "ransomware" or "banker" or "rat" or "botnet" or "android" or "backdoor" or "stealer" or "exploit-kit" or "mitre-malware" or "tds" or "malware" => "malware",
                "threat-actor" or "microsoft-activity-group" => "threat-actor",
                "mitre-intrusion-set" or "intrusion-set" => "intrusion-set",
                "mitre-tool" or "tool" => "tool",
                "mitre-attack-pattern" or "mitre-enterprise-attack-attack-pattern" or "attack-pattern" => "attack-pattern",
                _ => null,
            };
            if (type is null)
            {
                unmapped.Add(new MispUnmapped(path, $"galaxy {galaxyType}: {value}", $"Galaxy clusters of type '{galaxyType}' have no STIX counterpart here; kept as a label on the report."));
                eventLabels.Add($"misp-galaxy:{galaxyType}=\"{value}\"");
                return;
            }

            // The same cluster named by a galaxy and by a tag is one object.
            var uuid = clusterUuid is not null && Guid.TryParse(clusterUuid, out var g) ? g.ToString() : ScoIds.UuidV5(MispNamespace, Encoding.UTF8.GetBytes($"{type}:{value}")).ToString();
            var existing = objects.FirstOrDefault(x => x.Type == type && x.GetString("name") == value);
            if (existing is not null)
            {
                return;
            }

            var sdo = Sdo(type, uuid);
            sdo["name"] = value;
            if (type == "malware")
            {
                sdo["is_family"] = true;
            }

            if (!string.IsNullOrEmpty(description))
            {
                sdo["description"] = description;
            }

            sdo["labels"] = new JsonArray((JsonNode)$"misp-galaxy:{galaxyType}");
            Mark(sdo, eventTlp);
            Add(new StixObject(sdo));
        }

        private void ConvertSightings(JsonObject holder, string path)
        {
            var sightings = holder["Sighting"] as JsonArray ?? [];
            for (var i = 0; i < sightings.Count; i++)
            {
                if (sightings[i] is not JsonObject sighting)
                {
                    continue;
                }

                var attributeUuid = Str(sighting, "attribute_uuid") ?? Str(holder, "uuid");
                if (attributeUuid is null || !attributeObjectIds.TryGetValue(attributeUuid, out var target))
                {
                    unmapped.Add(new MispUnmapped($"{path}.Sighting[{i}]", "sighting", "The sighted attribute was not converted."));
                    continue;
                }

                if (Str(sighting, "type") is "1" or "2")
                {
                    unmapped.Add(new MispUnmapped($"{path}.Sighting[{i}]", "false-positive or expiration sighting", "STIX sightings record only that something was seen."));
                    continue;
                }

                var uuid = Str(sighting, "uuid") is { } u && Guid.TryParse(u, out var g) ? g.ToString() : ScoIds.UuidV5(MispNamespace, Encoding.UTF8.GetBytes($"{path}.Sighting[{i}]")).ToString();
                var when = Time(Str(sighting, "date_sighting")) ?? created;
                var stix = Sdo("sighting", uuid, when);
                stix["sighting_of_ref"] = target;
                stix["first_seen"] = when;
                stix["last_seen"] = when;
                stix["count"] = 1;
                if (sighting["Organisation"] is JsonObject org && Str(org, "name") is { } orgName)
                {
                    var orgId = "identity--" + (Str(org, "uuid") is { } ou && Guid.TryParse(ou, out var og) ? og.ToString() : ScoIds.UuidV5(MispNamespace, Encoding.UTF8.GetBytes("orgc:" + orgName)).ToString());
                    if (!seenIds.Contains(orgId))
                    {
                        Add(new StixObject(new JsonObject
                        {
                            ["type"] = "identity", ["spec_version"] = "2.1", ["id"] = orgId, ["created"] = created, ["modified"] = created,
                            ["name"] = orgName, ["identity_class"] = "organization",
                        }));
                    }

                    stix["where_sighted_refs"] = new JsonArray((JsonNode)orgId);
                }

                Mark(stix, eventTlp);
                Add(new StixObject(stix));
            }
        }

        private static string? Str(JsonObject o, string property) =>
            o.TryGetPropertyValue(property, out var n) && n is JsonValue v
                ? v.GetValueKind() switch
                {
                    JsonValueKind.String => v.GetValue<string>(),
                    JsonValueKind.Number => v.ToJsonString(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    _ => null,
                }
                : null;

        private static int? Int(JsonObject o, string property) =>
            Str(o, property) is { } s && int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

        private static bool Bool(JsonObject o, string property) => Str(o, property) is "true" or "1" or "True";

        private static string? Time(string? unixSeconds) =>
            long.TryParse(unixSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and < 253402300799
                ? Timestamps.Format(DateTimeOffset.FromUnixTimeSeconds(seconds))
                : unixSeconds is not null && Timestamps.TryParse(unixSeconds, out var t) ? Timestamps.Format(t)
                : unixSeconds is not null && DateTimeOffset.TryParse(unixSeconds, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? Timestamps.Format(parsed)
                : null;

        private static string? DateOnly(string? date) =>
            System.DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                ? Timestamps.Format(new DateTimeOffset(d.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero))
                : null;
    }
}
