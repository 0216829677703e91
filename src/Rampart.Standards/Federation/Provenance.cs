using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Rampart.Standards.Federation;

/// <summary>The organisation an object comes from: its id on the originating node and its STIX identity id.</summary>
public sealed record ProvenanceOrganisation(Guid Id, string Identity);

/// <summary>One node that forwarded the object after its origin, with its signature over everything before it.</summary>
public sealed record ProvenanceHop(NodeId Node, string Signature);

/// <summary>Why a provenance document was refused; <see cref="Valid"/> when it was not.</summary>
public enum ProvenanceVerdict
{
    Valid = 0,

    /// <summary>A signature does not verify with the key of the node it names.</summary>
    BadSignature = 1,

    /// <summary>The object's canonical SHA-256, id or modified differs from what was signed.</summary>
    HashMismatch = 2,

    /// <summary>A signing node's key is not known (or not trusted) on the receiving node.</summary>
    UnknownKey = 3,

    /// <summary>The receiving node already had the object: it is the origin or in the hop list.</summary>
    Loop = 4,

    /// <summary>The origin appears in the hop list, or a node appears twice.</summary>
    OriginIsHop = 5,

    /// <summary>The last signer is not the peer that delivered the document.</summary>
    NotFromSender = 6,
}

/// <summary>
/// Signed provenance of one STIX object version, travelling beside it between Rampart nodes (docs/sharing.md,
/// "Federation"). The origin signs <c>{type, version, origin, object}</c> in RFC 8785 canonical form; each node that
/// forwards the object appends a hop signed over the same plus the origin signature and the hop nodes up to its own.
/// Nothing in it can be changed, removed or reordered without a signature failing, and the hop list stops loops.
/// </summary>
public sealed partial record ProvenanceDocument(
    NodeId Origin,
    ProvenanceOrganisation Organisation,
    string ObjectId,
    string ObjectModified,
    string ObjectSha256,
    string Signature,
    IReadOnlyList<ProvenanceHop> Hops)
{
    public const string DocumentType = "rampart-provenance";

    public const int CurrentVersion = 1;

    /// <summary>Largest document accepted by <see cref="Parse"/> (a long hop list is still far below it).</summary>
    public const int MaxLength = 64 * 1024;

    public const int MaxHops = 32;

    [GeneratedRegex("^identity--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex IdentityPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex StixIdPattern();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();

    /// <summary>SHA-256 (lower-case hex) of the object's RFC 8785 canonical JSON.</summary>
    public static string HashOf(JsonElement stixObject) => Convert.ToHexStringLower(SHA256.HashData(JsonCanonicalizer.Canonicalize(stixObject)));

    /// <summary>
    /// The provenance of <paramref name="stixObject"/> (its <c>id</c> and <c>modified</c>, or <c>created</c> for objects
    /// without one, and its hash), signed by <paramref name="originKey"/> of node <paramref name="origin"/>.
    /// </summary>
    public static ProvenanceDocument Sign(JsonElement stixObject, ProvenanceOrganisation organisation, NodeId origin, NodeSigningKey originKey)
    {
        ArgumentNullException.ThrowIfNull(organisation);
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentNullException.ThrowIfNull(originKey);
        if (origin.Fingerprint != originKey.PublicKey.Fingerprint)
        {
            throw new ArgumentException("The node id names another key.", nameof(origin));
        }

        if (!IdentityPattern().IsMatch(organisation.Identity ?? ""))
        {
            throw new StandardsException("The organisation identity must be a STIX identity id (identity--<uuid>).");
        }

        var (id, modified) = VersionOf(stixObject);
        var unsigned = new ProvenanceDocument(origin, organisation, id, modified, HashOf(stixObject), "", []);
        return unsigned with { Signature = Base64Url(originKey.Sign(unsigned.OriginBytes())) };
    }

    /// <summary>The document as node <paramref name="self"/> forwards it: one more hop, signed with its key.</summary>
    /// <exception cref="StandardsException">This node is the origin or already a hop (forwarding would loop).</exception>
    public ProvenanceDocument Forward(NodeId self, NodeSigningKey key)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(key);
        if (self.Fingerprint != key.PublicKey.Fingerprint)
        {
            throw new ArgumentException("The node id names another key.", nameof(self));
        }

        if (self == Origin || Hops.Any(h => h.Node == self))
        {
            throw new StandardsException("This node already carried the object: forwarding it again would loop.");
        }

        if (Hops.Count >= MaxHops)
        {
            throw new StandardsException($"At most {MaxHops} hops.");
        }

        var nodes = Hops.Select(h => h.Node).Append(self).ToList();
        return this with { Hops = [.. Hops, new ProvenanceHop(self, Base64Url(key.Sign(HopBytes(nodes))))] };
    }

    /// <summary>
    /// Checks, in this order: no loop (the receiving node is neither origin nor hop), no node twice, the last signer is the
    /// sending peer, the object matches what was signed, every signer's key is known and every signature verifies.
    /// </summary>
    /// <param name="stixObject">The object as received.</param>
    /// <param name="receivingNode">This node.</param>
    /// <param name="sendingNode">The peer that delivered it.</param>
    /// <param name="keyOf">The trusted key of a node, or null when it is not known (the server answers confirmed, active peers only).</param>
    public ProvenanceVerdict Verify(JsonElement stixObject, NodeId receivingNode, NodeId sendingNode, Func<NodeId, NodePublicKey?> keyOf)
    {
        ArgumentNullException.ThrowIfNull(receivingNode);
        ArgumentNullException.ThrowIfNull(sendingNode);
        ArgumentNullException.ThrowIfNull(keyOf);
        if (receivingNode == Origin || Hops.Any(h => h.Node == receivingNode))
        {
            return ProvenanceVerdict.Loop;
        }

        var nodes = Hops.Select(h => h.Node).ToList();
        if (nodes.Contains(Origin) || nodes.Distinct().Count() != nodes.Count)
        {
            return ProvenanceVerdict.OriginIsHop;
        }

        if ((Hops.Count == 0 ? Origin : Hops[^1].Node) != sendingNode)
        {
            return ProvenanceVerdict.NotFromSender;
        }

        try
        {
            var (id, modified) = VersionOf(stixObject);
            if (id != ObjectId || modified != ObjectModified || HashOf(stixObject) != ObjectSha256)
            {
                return ProvenanceVerdict.HashMismatch;
            }
        }
        catch (StandardsException)
        {
            return ProvenanceVerdict.HashMismatch;
        }

        var originKey = KeyFor(Origin, keyOf);
        if (originKey is null)
        {
            return ProvenanceVerdict.UnknownKey;
        }

        if (!Verifies(originKey, OriginBytes(), Signature))
        {
            return ProvenanceVerdict.BadSignature;
        }

        for (var i = 0; i < Hops.Count; i++)
        {
            var hopKey = KeyFor(Hops[i].Node, keyOf);
            if (hopKey is null)
            {
                return ProvenanceVerdict.UnknownKey;
            }

            if (!Verifies(hopKey, HopBytes(nodes[..(i + 1)]), Hops[i].Signature))
            {
                return ProvenanceVerdict.BadSignature;
            }
        }

        return ProvenanceVerdict.Valid;
    }

    // The key the receiver trusts for a node, and only if it is the key the node id names.
    private static NodePublicKey? KeyFor(NodeId node, Func<NodeId, NodePublicKey?> keyOf) =>
        keyOf(node) is { } k && k.Fingerprint == node.Fingerprint ? k : null;

    private static bool Verifies(NodePublicKey key, byte[] data, string signature)
    {
        var raw = FromBase64Url(signature);
        return raw is { Length: 64 } && key.Verify(data, raw);
    }

    private JsonObject SignedCore() => new()
    {
        ["type"] = DocumentType,
        ["version"] = CurrentVersion,
        ["origin"] = new JsonObject
        {
            ["node"] = Origin.ToString(),
            ["organisation"] = new JsonObject { ["id"] = Organisation.Id.ToString("D"), ["identity"] = Organisation.Identity },
        },
        ["object"] = new JsonObject { ["id"] = ObjectId, ["modified"] = ObjectModified, ["sha256"] = ObjectSha256 },
    };

    private byte[] OriginBytes() => Canonical(SignedCore());

    private byte[] HopBytes(IEnumerable<NodeId> hopNodes)
    {
        var core = SignedCore();
        core["signature"] = Signature;
        core["hops"] = new JsonArray([.. hopNodes.Select(n => (JsonNode)n.ToString())]);
        return Canonical(core);
    }

    private static byte[] Canonical(JsonNode node)
    {
        using var doc = JsonDocument.Parse(node.ToJsonString());
        return JsonCanonicalizer.Canonicalize(doc.RootElement);
    }

    /// <summary>The document as JSON text (canonical form).</summary>
    public string ToJson()
    {
        var o = SignedCore();
        o["signature"] = Signature;
        o["hops"] = new JsonArray([.. Hops.Select(h => (JsonNode)new JsonObject { ["node"] = h.Node.ToString(), ["signature"] = h.Signature })]);
        return System.Text.Encoding.UTF8.GetString(Canonical(o));
    }

    /// <summary>Reads a document; every field must be present and well-formed, nothing else may be.</summary>
    /// <exception cref="StandardsException">Names the field at fault.</exception>
    public static ProvenanceDocument Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > MaxLength)
        {
            throw new StandardsException($"A provenance document has at most {MaxLength} characters.");
        }

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json);
        }
        catch (JsonException e)
        {
            throw new StandardsException("The provenance document is not JSON: " + e.Message, e);
        }

        if (root is not JsonObject o)
        {
            throw new StandardsException("The provenance document must be a JSON object.");
        }

        Only(o, "", "type", "version", "origin", "object", "signature", "hops");
        if (Str(o, "type") != DocumentType)
        {
            throw new StandardsException($"type must be \"{DocumentType}\".", null, "type");
        }

        if (o["version"] is not JsonValue v || !v.TryGetValue<int>(out var version) || version != CurrentVersion)
        {
            throw new StandardsException($"version must be {CurrentVersion}.", null, "version");
        }

        var origin = Obj(o, "origin");
        Only(origin, "origin.", "node", "organisation");
        var organisation = Obj(origin, "organisation", "origin.organisation");
        Only(organisation, "origin.organisation.", "id", "identity");
        var obj = Obj(o, "object");
        Only(obj, "object.", "id", "modified", "sha256");

        var originNode = Node(Str(origin, "node", "origin.node"), "origin.node");
        if (!Guid.TryParseExact(Str(organisation, "id", "origin.organisation.id"), "D", out var orgId))
        {
            throw new StandardsException("must be a UUID.", null, "origin.organisation.id");
        }

        var identity = Str(organisation, "identity", "origin.organisation.identity");
        if (!IdentityPattern().IsMatch(identity))
        {
            throw new StandardsException("must be a STIX identity id.", null, "origin.organisation.identity");
        }

        var objectId = Str(obj, "id", "object.id");
        if (!StixIdPattern().IsMatch(objectId))
        {
            throw new StandardsException("must be a STIX id.", null, "object.id");
        }

        var modified = Str(obj, "modified", "object.modified");
        if (!Timestamps.TryParse(modified, out _))
        {
            throw new StandardsException("must be a STIX timestamp.", null, "object.modified");
        }

        var sha = Str(obj, "sha256", "object.sha256");
        if (!Sha256Pattern().IsMatch(sha))
        {
            throw new StandardsException("must be 64 lower-case hex digits.", null, "object.sha256");
        }

        var signature = Str(o, "signature");
        if (o["hops"] is not JsonArray hopsArray)
        {
            throw new StandardsException("must be an array.", null, "hops");
        }

        if (hopsArray.Count > MaxHops)
        {
            throw new StandardsException($"at most {MaxHops} hops.", null, "hops");
        }

        var hops = new List<ProvenanceHop>();
        for (var i = 0; i < hopsArray.Count; i++)
        {
            var path = $"hops[{i}]";
            if (hopsArray[i] is not JsonObject h)
            {
                throw new StandardsException("must be an object.", null, path);
            }

            Only(h, path + ".", "node", "signature");
            hops.Add(new ProvenanceHop(Node(Str(h, "node", path + ".node"), path + ".node"), Str(h, "signature", path + ".signature")));
        }

        return new ProvenanceDocument(originNode, new ProvenanceOrganisation(orgId, identity), objectId, modified, sha, signature, hops);
    }

    private static (string Id, string Modified) VersionOf(JsonElement o)
    {
        if (o.ValueKind != JsonValueKind.Object || !o.TryGetProperty("id", out var id) || id.ValueKind != JsonValueKind.String
            || !StixIdPattern().IsMatch(id.GetString()!))
        {
            throw new StandardsException("The object has no STIX id.", null, "id");
        }

        var version = o.TryGetProperty("modified", out var m) ? m : o.TryGetProperty("created", out var c) ? c : default;
        if (version.ValueKind != JsonValueKind.String || !Timestamps.TryParse(version.GetString(), out _))
        {
            throw new StandardsException("The object has no modified (or created) timestamp.", null, "modified");
        }

        return (id.GetString()!, version.GetString()!);
    }

    private static void Only(JsonObject o, string prefix, params string[] names)
    {
        foreach (var p in o)
        {
            if (!names.Contains(p.Key, StringComparer.Ordinal))
            {
                throw new StandardsException("is not a provenance field.", null, prefix + p.Key);
            }
        }
    }

    private static JsonObject Obj(JsonObject o, string name, string? path = null) =>
        o[name] as JsonObject ?? throw new StandardsException("must be an object.", null, path ?? name);

    private static string Str(JsonObject o, string name, string? path = null) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : throw new StandardsException("must be a string.", null, path ?? name);

    private static NodeId Node(string text, string path) =>
        NodeId.TryParse(text, out var id) ? id! : throw new StandardsException("must be a node id (name:fingerprint).", null, path);

    private static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[]? FromBase64Url(string text)
    {
        if (text.Length > 200)
        {
            return null;
        }

        var s = text.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
        var buffer = new byte[s.Length];
        return Convert.TryFromBase64String(s, buffer, out var n) ? buffer[..n] : null;
    }
}
