using System.Globalization;
using System.Text.Json.Nodes;
using Rampart.Standards.Patterns;
using Rampart.Standards.Stix;
using static Rampart.Standards.Misp.MispJson;

namespace Rampart.Standards.Misp;

/// <summary>
/// MISP objects of the templates <c>file</c>, <c>ip-port</c>, <c>domain-ip</c>, <c>url</c>, <c>email</c>, <c>domain</c>,
/// <c>ip</c> and <c>hostname</c> → their SCOs, in one indicator (AND of every attribute's comparison, when an attribute
/// is <c>to_ids</c>) or one observed-data; object references → relationships. Each attribute is mapped to a property
/// or reported; other templates are reported whole.
/// </summary>
internal sealed class MispObjectMapper(MispContext context, MispAttributeMapper attributes, MispGalaxyMapper galaxies)
{
    private static readonly HashSet<string> NetworkTemplates = new(StringComparer.Ordinal) { "domain-ip", "ip-port", "url", "email", "domain", "ip", "hostname" };

    public void MapAll()
    {
        foreach (var (i, o) in Live(context.Event["Object"]))
        {
            Map(o, $"Event.Object[{i}]");
        }

        foreach (var (i, o) in Live(context.Event["Object"]))
        {
            MapReferences(o, $"Event.Object[{i}]");
        }
    }

    public void Map(JsonObject o, string path)
    {
        var name = Str(o, "name") ?? "";
        var members = Live(o["Attribute"]).Select(m => (Path: $"{path}.Attribute[{m.Index}]", Attribute: m.Item)).ToList();
        if (name != "file" && !NetworkTemplates.Contains(name))
        {
            context.Lost(path, $"object '{name}' ({members.Count} attributes)", $"The MISP object template '{name}' is not converted to STIX.");
            return;
        }

        var (labels, tlp, _) = context.ReadTags(o["Tag"] as JsonArray, path + ".Tag");
        var marking = MispContext.Strictest(context.EventTlp, tlp);
        labels.Insert(0, $"misp:name=\"{name}\"");
        if (Str(o, "meta-category") is { } metaCategory)
        {
            labels.Insert(1, $"misp:meta-category=\"{metaCategory}\"");
        }

        foreach (var (attributePath, a) in members)
        {
            galaxies.MapGalaxies(a["Galaxy"] as JsonArray, $"{attributePath}.Galaxy");
            galaxies.MapTagGalaxies(a["Tag"] as JsonArray, $"{attributePath}.Tag");
            var (attributeLabels, attributeTlp, _) = context.ReadTags(a["Tag"] as JsonArray, $"{attributePath}.Tag");
            labels.AddRange(attributeLabels.Where(l => !labels.Contains(l)));
            marking = MispContext.Strictest(marking, attributeTlp);
        }

        var scos = new List<JsonObject>();
        var comparisons = new List<ComparisonExpression?>();
        if (name == "file")
        {
            MapFile(path, members, scos, comparisons);
        }
        else if (name == "ip-port")
        {
            MapIpPort(members, scos, comparisons);
        }
        else
        {
            MapNetwork(members, scos, comparisons);
        }

        if (scos.Count == 0)
        {
            context.Lost(path, $"object '{name}'", "None of the object's attributes has a STIX property; nothing to convert.");
            return;
        }

        var uuid = context.ClaimUuid(Str(o, "uuid"), path, out var problem);
        var toIds = members.Any(m => Bool(m.Attribute, "to_ids"));
        string id;
        if (toIds && MispPatterns.And(comparisons) is { } pattern)
        {
            id = attributes.AddIndicator(uuid, o, $"MISP {name} object", MispPatterns.Print(pattern), "stix", labels, marking);
            foreach (var sco in scos)
            {
                MispContext.Mark(sco, marking);
                context.Add(new StixObject(sco));
            }
        }
        else
        {
            id = attributes.AddObservedData(uuid, o, scos, labels, marking);
        }

        if (problem is not null)
        {
            context.Lost(path, $"object '{name}'", $"{problem}; kept, converted as {id} under an id derived from the event and this path.");
        }

        if (Str(o, "uuid") is { } original && Guid.TryParse(original, out var g))
        {
            context.ObjectIds.TryAdd(g.ToString(), id);
        }

        // References and sightings to the object's attributes find the object's STIX object.
        foreach (var (attributePath, a) in members)
        {
            context.AttributeIdsByPath[attributePath] = id;
            if (Str(a, "uuid") is { } au && Guid.TryParse(au, out var ag))
            {
                context.AttributeIds.TryAdd(ag.ToString(), id);
            }
        }
    }

    private void MapFile(string path, List<(string Path, JsonObject Attribute)> members, List<JsonObject> scos, List<ComparisonExpression?> comparisons)
    {
        var file = new JsonObject();
        var hashes = new JsonObject();
        foreach (var (attributePath, a) in members)
        {
            var relation = Str(a, "object_relation") ?? "";
            var type = Str(a, "type") ?? "";
            var value = Str(a, "value") ?? "";
            var what = $"{relation} ({type}): {Truncate(value, 200)}";
            if (MispHashes.IsHash(type))
            {
                if (!MispHashes.TryNormalise(type, value, out var key, out var hash, out var reason))
                {
                    context.Lost(attributePath, what, reason);
                }
                else if (hashes[key] is { } existing && existing.GetValue<string>() != hash)
                {
                    context.Lost(attributePath, what, $"The file already has a different {key} hash; a STIX file has one value per hash algorithm.");
                }
                else
                {
                    hashes[key] = hash;
                    comparisons.Add(MispPatterns.Equal("file", $"hashes/{key}", hash));
                }
            }
            else if (relation == "filename")
            {
                if (file["name"] is { } existing && existing.GetValue<string>() != value)
                {
                    context.Lost(attributePath, what, "The file already has another name; a STIX file has one name.");
                    continue;
                }

                file["name"] = value;
                comparisons.Add(MispPatterns.Equal("file", "name", value));
            }
            else if (relation == "size-in-bytes" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var size))
            {
                file["size"] = size;
                comparisons.Add(MispPatterns.Equal("file", "size", size));
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
                context.Lost(attributePath, what, "This file-object attribute has no STIX file property.");
            }
        }

        if (hashes.Count > 0)
        {
            file["hashes"] = hashes;
        }

        if (file.ContainsKey("name") || file.ContainsKey("hashes"))
        {
            scos.Add(MispContext.Sco("file", file));
        }
        else
        {
            context.Lost(path, "file object", "The file object has neither a name nor a valid hash (STIX requires one).");
            comparisons.Clear();
        }
    }

    // ip-port: the addresses and ports of one connection → one network-traffic (STIX 2.1 §6.12: src_ref/dst_ref,
    // src_port/dst_port, protocols required); ip-src is the source, ip-dst/ip the destination, src-port and
    // dst-port (or a bare port) the ports. Without an address the hostname or domain is the destination.
    private void MapIpPort(List<(string Path, JsonObject Attribute)> members, List<JsonObject> scos, List<ComparisonExpression?> comparisons)
    {
        JsonObject? src = null, dst = null;
        int? srcPort = null, dstPort = null;
        var portPaths = new List<(string Path, string What)>();
        foreach (var (attributePath, a) in members)
        {
            var relation = Str(a, "object_relation") ?? "";
            var type = Str(a, "type") ?? "";
            var value = Str(a, "value") ?? "";
            var what = $"{relation} ({type}): {Truncate(value, 200)}";
            if (type is "port" or "src-port" or "dst-port" || relation is "src-port" or "dst-port")
            {
                var isSource = relation == "src-port" || type == "src-port";
                if (!MispObservables.TryPort(value, out var port))
                {
                    context.Lost(attributePath, what, "The value is not a port number (0-65535).");
                }
                else if ((isSource ? srcPort : dstPort) is { } existing && existing != port)
                {
                    context.Lost(attributePath, what, $"The connection already has a {(isSource ? "source" : "destination")} port; network-traffic has one.");
                }
                else if (isSource)
                {
                    srcPort = port;
                    portPaths.Add((attributePath, what));
                }
                else
                {
                    dstPort = port;
                    portPaths.Add((attributePath, what));
                }

                continue;
            }

            if (type is "ip-src" or "ip-dst" && MispContext.Address(value) is { } ip)
            {
                scos.Add(ip);
                var isSource = type == "ip-src" || relation == "ip-src";
                if (isSource && src is null)
                {
                    src = ip;
                }
                else if (!isSource && dst is null)
                {
                    dst = ip;
                }
                else
                {
                    comparisons.Add(MispPatterns.Equal(Prop(ip, "type"), "value", Prop(ip, "value")));
                }

                continue;
            }

            MapNetworkAttribute(attributePath, a, scos, comparisons);
        }

        // Without an address, a hostname or domain of the object is the destination.
        dst ??= src is null ? scos.FirstOrDefault(s => Prop(s, "type") == "domain-name") : null;
        if (src is null && dst is null)
        {
            foreach (var (portPath, what) in portPaths)
            {
                context.Lost(portPath, what, "A port without an address or host name: network-traffic needs src_ref or dst_ref.");
            }

            return;
        }

        var traffic = new JsonObject();
        var protocol = (src ?? dst)!;
        if (src is not null)
        {
            traffic["src_ref"] = MispContext.IdOf(src);
            comparisons.Add(MispPatterns.Equal("network-traffic", "src_ref/value", Prop(src, "value")));
        }

        if (dst is not null)
        {
            traffic["dst_ref"] = MispContext.IdOf(dst);
            comparisons.Add(MispPatterns.Equal("network-traffic", "dst_ref/value", Prop(dst, "value")));
        }

        if (srcPort is { } sp)
        {
            traffic["src_port"] = sp;
            comparisons.Add(MispPatterns.Equal("network-traffic", "src_port", sp));
        }

        if (dstPort is { } dp)
        {
            traffic["dst_port"] = dp;
            comparisons.Add(MispPatterns.Equal("network-traffic", "dst_port", dp));
        }

        traffic["protocols"] = new JsonArray(Prop(protocol, "type") switch { "ipv6-addr" => "ipv6", "ipv4-addr" => "ipv4", _ => "tcp" });
        scos.Add(MispContext.Sco("network-traffic", traffic));
    }

    private void MapNetwork(List<(string Path, JsonObject Attribute)> members, List<JsonObject> scos, List<ComparisonExpression?> comparisons)
    {
        foreach (var (attributePath, a) in members)
        {
            MapNetworkAttribute(attributePath, a, scos, comparisons);
        }
    }

    private void MapNetworkAttribute(string attributePath, JsonObject a, List<JsonObject> scos, List<ComparisonExpression?> comparisons)
    {
        var type = Str(a, "type") ?? "";
        var value = Str(a, "value") ?? "";
        var what = $"{Str(a, "object_relation")} ({type}): {Truncate(value, 200)}";
        if (type is "port" or "dst-port" or "src-port" or "text" or "datetime" or "counter")
        {
            context.Lost(attributePath, what, "Kept only in MISP: no STIX property for it in this object.");
            return;
        }

        if (MispObservables.For(type, value, null, out var reason) is not { } observable)
        {
            context.Lost(attributePath, what, reason);
            return;
        }

        scos.AddRange(observable.Scos);
        comparisons.Add(observable.Comparison);
    }

    private void MapReferences(JsonObject o, string path)
    {
        var source = Str(o, "uuid") is { } su && Guid.TryParse(su, out var sg) ? sg.ToString() : null;
        foreach (var (i, reference) in Live(o["ObjectReference"]))
        {
            var at = $"{path}.ObjectReference[{i}]";
            var target = Str(reference, "referenced_uuid") is { } tu && Guid.TryParse(tu, out var tg) ? tg.ToString() : Str(reference, "referenced_uuid");
            var relationshipType = RelationshipType(Str(reference, "relationship_type"));
            if (source is null || target is null || !context.ObjectIds.TryGetValue(source, out var sourceId)
                || !(context.ObjectIds.TryGetValue(target, out var targetId) || context.AttributeIds.TryGetValue(target, out targetId)))
            {
                context.Lost(at, $"{relationshipType} → {target}", "One end of the reference was not converted.");
                continue;
            }

            var uuid = context.ClaimUuid(Str(reference, "uuid"), at, out var problem);
            if (problem is not null)
            {
                context.Lost(at, $"{relationshipType} → {target}", $"{problem}; kept under an id derived from the event and this path.");
            }

            var relationship = context.Sdo("relationship", uuid, Time(Str(reference, "timestamp")));
            relationship["relationship_type"] = relationshipType;
            relationship["source_ref"] = sourceId;
            relationship["target_ref"] = targetId;
            MispContext.Mark(relationship, context.EventTlp);
            context.Add(new StixObject(relationship));
        }
    }

    /// <summary>
    /// MISP relationship types in the STIX vocabulary format (STIX 2.1 §2.1 open vocabularies: lower case, digits and
    /// hyphens): "Analysed_With" → "analysed-with"; none or nothing left → "related-to".
    /// </summary>
    public static string RelationshipType(string? mispType)
    {
        var chars = (mispType ?? "").Trim().ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var text = string.Join('-', new string(chars).Split('-', StringSplitOptions.RemoveEmptyEntries));
        return text.Length == 0 ? "related-to" : text;
    }

    private static string Prop(JsonObject sco, string property) => sco[property]!.GetValue<string>();
}
