using System.Text;
using System.Text.Json.Nodes;
using Rampart.Standards.Markings;
using Rampart.Standards.Observables;
using Rampart.Standards.Stix;
using static Rampart.Standards.Misp.MispJson;

namespace Rampart.Standards.Misp;

/// <summary>
/// What the mappers of one MISP event share: the event's identity, time and markings, the STIX objects made so far,
/// the loss report, and which STIX object each MISP attribute and object became (for references and sightings).
/// </summary>
internal sealed class MispContext
{
    public static readonly Guid MispNamespace = new("c2b7b9a2-5a8c-4f1e-9d65-6b5c5f0e3a11");

    private readonly HashSet<string> seenIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> claimedUuids = new(StringComparer.Ordinal);

    public MispContext(JsonObject ev)
    {
        Event = ev;
        var eventUuid = Str(ev, "uuid") is { } u && Guid.TryParse(u, out var g) ? g.ToString()
            : throw new StandardsException("A MISP event has a uuid.", path: "Event.uuid");
        EventUuid = IsStixUuid(eventUuid) ? eventUuid : Derived("event:" + eventUuid);
        if (EventUuid != eventUuid)
        {
            Lost("Event.uuid", eventUuid, "Not an RFC 4122 UUID (version 1–5), which STIX identifiers need; the report has an id derived from it.");
        }

        Info = Str(ev, "info") ?? throw new StandardsException("A MISP event has info (its title).", path: "Event.info");
        Created = Time(Str(ev, "timestamp")) ?? DateOnly(Str(ev, "date")) ?? throw new StandardsException("A MISP event has a timestamp or a date.", path: "Event.timestamp");
        (EventLabels, EventTlp, EventPap) = ReadTags(ev["Tag"] as JsonArray, "Event.Tag");
    }

    public JsonObject Event { get; }

    public string EventUuid { get; }

    public string Info { get; }

    public string Created { get; }

    public string IdentityId { get; set; } = "";

    public Tlp? EventTlp { get; }

    public Pap? EventPap { get; }

    public List<string> EventLabels { get; }

    public List<StixObject> Objects { get; } = [];

    public List<MispUnmapped> Unmapped { get; } = [];

    public List<JsonObject> ExternalReferences { get; } = [];

    /// <summary>MISP object UUID → the STIX object it became.</summary>
    public Dictionary<string, string> ObjectIds { get; } = new(StringComparer.Ordinal);

    /// <summary>MISP attribute UUID → the STIX object it became (the first one, when attributes share a UUID).</summary>
    public Dictionary<string, string> AttributeIds { get; } = new(StringComparer.Ordinal);

    /// <summary>MISP path of an attribute (<c>Event.Attribute[3]</c>, <c>Event.Object[1].Attribute[0]</c>) → the STIX object it became.</summary>
    public Dictionary<string, string> AttributeIdsByPath { get; } = new(StringComparer.Ordinal);

    /// <summary>MISP path of an attribute → why no STIX object can carry its sightings (e.g. it became an external reference).</summary>
    public Dictionary<string, string> NotSightable { get; } = new(StringComparer.Ordinal);

    public void Lost(string path, string what, string reason) => Unmapped.Add(new MispUnmapped(path, what, reason));

    /// <summary>
    /// The UUID a STIX object made from the MISP element at <paramref name="path"/> takes: MISP's UUID when it is an
    /// RFC 4122 UUID no other element of the event took; otherwise a UUIDv5 derived from the event, the path and the
    /// value, and <paramref name="problem"/> says why (the element that has the UUID, or that it is no RFC 4122 UUID),
    /// for the caller to report. A missing UUID is no problem: the derived one stands in.
    /// </summary>
    public string ClaimUuid(string? mispUuid, string path, out string? problem)
    {
        problem = null;
        if (mispUuid is not null && Guid.TryParse(mispUuid, out var g))
        {
            var uuid = g.ToString();
            if (!IsStixUuid(uuid))
            {
                problem = $"Its UUID {uuid} is not an RFC 4122 UUID (version 1–5), which STIX identifiers need";
            }
            else if (claimedUuids.TryAdd(uuid, path))
            {
                return uuid;
            }
            else
            {
                problem = $"Its UUID is also used by {claimedUuids[uuid]}";
            }

            return Derived($"{EventUuid}:{path}:{uuid}");
        }

        return Derived($"{EventUuid}:{path}:{mispUuid}");
    }

    /// <summary>Whether a UUID can stand in a STIX identifier (RFC 4122 variant, version 1–5, as the OASIS schema has it).</summary>
    public static bool IsStixUuid(string uuid) =>
        uuid.Length == 36 && uuid[14] is >= '1' and <= '5' && uuid[19] is '8' or '9' or 'a' or 'b' or 'A' or 'B';

    /// <summary>MISP's UUID when it is a usable RFC 4122 UUID, else one derived from <paramref name="seed"/>.</summary>
    public static string UuidOr(string? mispUuid, string seed) =>
        mispUuid is not null && Guid.TryParse(mispUuid, out var g) && IsStixUuid(g.ToString()) ? g.ToString() : Derived(seed);

    public static string Derived(string seed) => ScoIds.UuidV5(MispNamespace, Encoding.UTF8.GetBytes(seed)).ToString();

    /// <summary>A new SDO/SRO with the common properties; <c>modified</c> is the later of the event's time and <paramref name="modified"/>.</summary>
    public JsonObject Sdo(string type, string uuid, string? modified = null)
    {
        var o = new JsonObject
        {
            ["type"] = type,
            ["spec_version"] = "2.1",
            ["id"] = $"{type}--{uuid}",
            ["created"] = Created,
            ["modified"] = Later(Created, modified ?? Created),
        };
        if (IdentityId.Length > 0)
        {
            o["created_by_ref"] = IdentityId;
        }

        return o;
    }

    public static string Later(string a, string b) =>
        Timestamps.TryParse(a, out var x) && Timestamps.TryParse(b, out var y) && y > x ? b : a;

    /// <summary>Adds the object once: SCOs with the same deterministic id are one observable.</summary>
    public void Add(StixObject o)
    {
        if (seenIds.Add(o.Id))
        {
            Objects.Add(o);
        }
    }

    public bool Contains(string id) => seenIds.Contains(id);

    public static void Mark(JsonObject o, Tlp? tlp)
    {
        if (tlp is { } level)
        {
            o["object_marking_refs"] = new JsonArray((JsonNode)level.StixMarkingId());
        }
    }

    public static Tlp? Strictest(Tlp? a, Tlp? b) => a is null ? b : b is null ? a : (Tlp)Math.Max((int)a.Value, (int)b.Value);

    public (List<string> Labels, Tlp? Tlp, Pap? Pap) ReadTags(JsonArray? tags, string path)
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
                Lost(path, name, "A TLP tag that is not a TLP 2.0 level is kept as a label only.");
                labels.Add(name);
            }
            else
            {
                labels.Add(name);
            }
        }

        return (labels, tlps.Count > 0 ? TlpMarking.MostRestrictive(tlps) : null, paps.Count > 0 ? PapMarking.MostRestrictive(paps) : null);
    }

    /// <summary>A cyber-observable with its deterministic id, properties in the conventional order (type, spec_version, id first).</summary>
    public static JsonObject Sco(string type, JsonObject properties)
    {
        properties["type"] = type;
        properties["spec_version"] = "2.1";
        var id = ScoIds.Compute(properties) ?? $"{type}--{Derived(ScoIds.Canonical(properties))}";
        var ordered = new JsonObject { ["type"] = type, ["spec_version"] = "2.1", ["id"] = id };
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

    /// <summary>An ipv4-addr or ipv6-addr SCO for an address or CIDR block; null when it is neither.</summary>
    public static JsonObject? Address(string value)
    {
        if (Normalise.TryCidr(value, out var cidr))
        {
            var isV6 = cidr.Contains(':', StringComparison.Ordinal);
            var text = value.Contains('/', StringComparison.Ordinal) ? cidr : cidr[..cidr.LastIndexOf('/')];
            return Sco(isV6 ? "ipv6-addr" : "ipv4-addr", new JsonObject { ["value"] = text });
        }

        return null;
    }

    public static string IdOf(JsonObject o) => o["id"]!.GetValue<string>();
}
