using System.Text.Json.Nodes;
using Rampart.Standards.Markings;
using Rampart.Standards.Stix;
using static Rampart.Standards.Misp.MispJson;

namespace Rampart.Standards.Misp;

/// <summary>
/// Event-level MISP attributes: <c>to_ids</c> observables become indicators (patterns built with the pattern model),
/// other observables observed-data with SCOs, comments and text notes, vulnerabilities vulnerability objects, links
/// external references of the report, YARA/Snort/Sigma rules indicators in their own pattern language. Attributes that
/// share a UUID are each kept (the later ones under a derived id, reported) unless they are exact copies (reported).
/// </summary>
internal sealed class MispAttributeMapper(MispContext context, MispGalaxyMapper galaxies)
{
    private readonly Dictionary<string, (string Path, string Signature)> byUuid = new(StringComparer.Ordinal);

    public void MapAll()
    {
        foreach (var (i, a) in Live(context.Event["Attribute"]))
        {
            Map(a, $"Event.Attribute[{i}]");
        }
    }

    public void Map(JsonObject a, string path)
    {
        var type = Str(a, "type") ?? "";
        var value = Str(a, "value") ?? "";
        var what = $"{type}: {Truncate(value, 200)}";

        // Exact copies under one UUID (MISP exports have them) are converted once; the copy is reported.
        var signature = string.Join('\u001f', type, value, Str(a, "category"), Bool(a, "to_ids"), Str(a, "comment"));
        if (Str(a, "uuid") is { } mispUuid && Guid.TryParse(mispUuid, out var g))
        {
            if (byUuid.TryGetValue(g.ToString(), out var first) && first.Signature == signature)
            {
                if (context.AttributeIdsByPath.TryGetValue(first.Path, out var firstId))
                {
                    context.Lost(path, what, $"An exact copy of {first.Path} (same UUID, type, value, category, to_ids and comment); converted once, as {firstId}.");
                    context.AttributeIdsByPath[path] = firstId;
                }
                else
                {
                    context.Lost(path, what, $"An exact copy of {first.Path} (same UUID, type, value, category, to_ids and comment), which was not converted either; see its entry.");
                }

                return;
            }

            byUuid.TryAdd(g.ToString(), (path, signature));
        }

        galaxies.MapGalaxies(a["Galaxy"] as JsonArray, path + ".Galaxy");
        galaxies.MapTagGalaxies(a["Tag"] as JsonArray, path + ".Tag");
        var (labels, tlp, _) = context.ReadTags(a["Tag"] as JsonArray, path + ".Tag");
        var marking = MispContext.Strictest(context.EventTlp, tlp);
        labels.Insert(0, $"misp:type=\"{type}\"");
        if (Str(a, "category") is { } category)
        {
            labels.Insert(1, $"misp:category=\"{category}\"");
        }

        if (type == "link")
        {
            if (MispObservables.IsUrl(value.Trim()))
            {
                context.ExternalReferences.Add(new JsonObject { ["source_name"] = "misp-link", ["url"] = value.Trim(), ["description"] = Str(a, "comment") ?? "" });
            }
            else
            {
                // An external reference's url must be a URL (STIX 2.1 §2.5); the text is kept as its description.
                context.ExternalReferences.Add(new JsonObject { ["source_name"] = "misp-link", ["description"] = value });
                context.Lost(path, what, "The link is not an RFC 3986 URL; kept as the description of an external reference of the report, without url.");
            }

            const string linkReason = "The link became an external reference of the report; a STIX sighting points to an object.";
            context.NotSightable[path] = linkReason;
            if (Str(a, "uuid") is { } linkUuid && Guid.TryParse(linkUuid, out var lg))
            {
                context.NotSightable.TryAdd(lg.ToString(), linkReason);
            }

            return;
        }

        MispObservable? observable = null;
        var reason = "";
        if (type is not ("comment" or "text" or "other" or "vulnerability" or "yara" or "snort" or "sigma"))
        {
            observable = MispObservables.For(type, value, a["data"] is JsonValue ? Str(a, "data") : null, out reason);
            if (observable is null)
            {
                context.Lost(path, what, reason);
                return;
            }
        }

        var uuid = context.ClaimUuid(Str(a, "uuid"), path, out var problem);
        string id;
        switch (type)
        {
            case "comment" or "text" or "other":
                var note = context.Sdo("note", uuid, Time(Str(a, "timestamp")));
                note["content"] = value;
                note["object_refs"] = new JsonArray((JsonNode)$"report--{context.EventUuid}");
                note["labels"] = new JsonArray([.. labels.Select(l => (JsonNode)l)]);
                MispContext.Mark(note, marking);
                context.Add(new StixObject(note));
                id = MispContext.IdOf(note);
                break;
            case "vulnerability":
                var vulnerability = context.Sdo("vulnerability", uuid, Time(Str(a, "timestamp")));
                vulnerability["name"] = value;
                // A "cve" external reference needs a CVE id (CVE-YYYY-NNNN…); other names stay the name only.
                if (CveId(value) is { } cve)
                {
                    vulnerability["external_references"] = new JsonArray(new JsonObject { ["source_name"] = "cve", ["external_id"] = cve });
                }

                MispContext.Mark(vulnerability, marking);
                context.Add(new StixObject(vulnerability));
                id = MispContext.IdOf(vulnerability);
                break;
            case "yara" or "snort" or "sigma":
                id = AddIndicator(uuid, a, $"{type}: {Truncate(value, 200)}", value, type, labels, marking);
                break;
            default:
                if (type == "malware-sample")
                {
                    context.Lost(path, "malware-sample payload", "The sample itself (a password-protected zip in MISP) is not converted; its name and MD5 are.");
                }

                id = Bool(a, "to_ids") && observable!.Comparison is { } comparison
                    ? AddIndicator(uuid, a, what, MispPatterns.Print(comparison), "stix", labels, marking)
                    : AddObservedData(uuid, a, observable!.Scos, labels, marking);
                break;
        }

        if (problem is not null)
        {
            context.Lost(path, what, $"{problem}; kept, converted as {id} under an id derived from the event and this path.");
        }

        context.AttributeIds.TryAdd(uuid, id);
        if (Str(a, "uuid") is { } original && Guid.TryParse(original, out var og))
        {
            context.AttributeIds.TryAdd(og.ToString(), id);
        }

        context.AttributeIdsByPath[path] = id;
    }

    /// <summary>The CVE id in upper case when <paramref name="value"/> is one (CVE-YYYY-NNNN, four or more digits).</summary>
    public static string? CveId(string value)
    {
        var v = value.Trim().ToUpperInvariant();
        var parts = v.Split('-');
        return parts.Length == 3 && parts[0] == "CVE" && parts[1].Length == 4 && parts[1].All(char.IsAsciiDigit)
            && parts[2].Length >= 4 && parts[2].All(char.IsAsciiDigit) ? v : null;
    }

    /// <param name="source">The MISP attribute or object: its timestamp, first_seen and comment are used.</param>
    public string AddIndicator(string uuid, JsonObject source, string name, string pattern, string patternType, List<string> labels, Tlp? marking)
    {
        var indicator = context.Sdo("indicator", uuid, Time(Str(source, "timestamp")));
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

        indicator["valid_from"] = Time(Str(source, "first_seen")) ?? Time(Str(source, "timestamp")) ?? context.Created;
        indicator["indicator_types"] = new JsonArray("malicious-activity");
        indicator["labels"] = new JsonArray([.. labels.Select(l => (JsonNode)l)]);
        MispContext.Mark(indicator, marking);
        context.Add(new StixObject(indicator));
        return MispContext.IdOf(indicator);
    }

    public string AddObservedData(string uuid, JsonObject source, List<JsonObject> scos, List<string> labels, Tlp? marking)
    {
        var observed = context.Sdo("observed-data", uuid, Time(Str(source, "timestamp")));
        var seen = Time(Str(source, "first_seen")) ?? Time(Str(source, "timestamp")) ?? context.Created;
        observed["first_observed"] = seen;
        observed["last_observed"] = MispContext.Later(seen, Time(Str(source, "last_seen")) ?? seen);
        observed["number_observed"] = 1;
        observed["object_refs"] = new JsonArray([.. scos.Select(MispContext.IdOf).Distinct(StringComparer.Ordinal).Select(id => (JsonNode)id)]);
        observed["labels"] = new JsonArray([.. labels.Select(l => (JsonNode)l)]);
        MispContext.Mark(observed, marking);
        foreach (var sco in scos)
        {
            MispContext.Mark(sco, marking);
            context.Add(new StixObject(sco));
        }

        context.Add(new StixObject(observed));
        return MispContext.IdOf(observed);
    }
}
