using System.Text.Json;
using System.Text.Json.Nodes;
using Rampart.Standards.Federation;

namespace Rampart.Standards.Tests.Federation;

/// <summary>Signed provenance: valid when untouched, refused after any change to any field, to the object, or with an untrusted key.</summary>
public sealed class ProvenanceTests : IDisposable
{
    private readonly NodeSigningKey keyA = NodeSigningKey.Generate();
    private readonly NodeSigningKey keyB = NodeSigningKey.Generate();
    private readonly NodeSigningKey keyC = NodeSigningKey.Generate();
    private readonly NodeId a;
    private readonly NodeId b;
    private readonly NodeId c;
    private readonly ProvenanceOrganisation org = new(Guid.Parse("0b7f4a7e-2f5e-4a4b-9a11-5b1c2d3e4f50"), "identity--7b8a1c2d-3e4f-5a6b-8c7d-9e0f1a2b3c4d");

    private const string Indicator = """
        {"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
         "created":"2026-11-29T10:00:00.000Z","modified":"2026-11-30T02:00:00.000Z","name":"C2 of the ongoing campaign",
         "pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix","valid_from":"2026-11-29T10:00:00Z",
         "confidence":85,"x_score":0.5}
        """;

    public ProvenanceTests()
    {
        a = NodeId.Of("cert-al", keyA.PublicKey);
        b = NodeId.Of("cert-mk", keyB.PublicKey);
        c = NodeId.Of("cert-rs", keyC.PublicKey);
    }

    public void Dispose()
    {
        keyA.Dispose();
        keyB.Dispose();
        keyC.Dispose();
    }

    private static JsonElement Obj(string json = Indicator) => JsonDocument.Parse(json).RootElement;

    private NodePublicKey? AllKnown(NodeId n) => n == a ? keyA.PublicKey : n == b ? keyB.PublicKey : n == c ? keyC.PublicKey : null;

    private ProvenanceDocument SignedOnA() => ProvenanceDocument.Sign(Obj(), org, a, keyA);

    [Fact]
    public void Verify_SignedOnAReceivedOnB_IsValid()
    {
        var doc = ProvenanceDocument.Parse(SignedOnA().ToJson());
        Assert.Equal(ProvenanceVerdict.Valid, doc.Verify(Obj(), b, a, AllKnown));
        Assert.Equal(a, doc.Origin);
        Assert.Equal(org, doc.Organisation);
        Assert.Equal("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", doc.ObjectId);
        Assert.Equal("2026-11-30T02:00:00.000Z", doc.ObjectModified);
    }

    [Fact]
    public void Verify_ObjectReserialisedWithOtherWhitespaceAndOrder_IsStillValid()
    {
        var reordered = JsonNode.Parse(Indicator)!.AsObject();
        var copy = new JsonObject(reordered.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        Assert.Equal(ProvenanceVerdict.Valid, SignedOnA().Verify(Obj(copy.ToJsonString(new JsonSerializerOptions { WriteIndented = true })), b, a, AllKnown));
    }

    [Theory]
    [InlineData("name", "\"C2 of another campaign\"")]
    [InlineData("confidence", "86")]
    [InlineData("x_score", "0.51")]
    [InlineData("modified", "\"2026-11-30T02:00:00.001Z\"")]
    [InlineData("id", "\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd40\"")]
    [InlineData("extra", "true")]
    public void Verify_ObjectChanged_IsHashMismatch(string field, string value)
    {
        var changed = JsonNode.Parse(Indicator)!.AsObject();
        changed[field] = JsonNode.Parse(value);
        Assert.Equal(ProvenanceVerdict.HashMismatch, SignedOnA().Verify(Obj(changed.ToJsonString()), b, a, AllKnown));
    }

    // Every field of the document, changed to another well-formed value: the document either no longer parses or no longer verifies.
    [Theory]
    [InlineData("type", "\"rampart-provenance-2\"")]
    [InlineData("version", "2")]
    [InlineData("origin.node", "NAME")]
    [InlineData("origin.organisation.id", "\"0b7f4a7e-2f5e-4a4b-9a11-5b1c2d3e4f51\"")]
    [InlineData("origin.organisation.identity", "\"identity--7b8a1c2d-3e4f-5a6b-8c7d-9e0f1a2b3c4e\"")]
    [InlineData("object.id", "\"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd40\"")]
    [InlineData("object.modified", "\"2026-11-30T02:00:00.001Z\"")]
    [InlineData("object.sha256", "SHA")]
    [InlineData("signature", "FLIP")]
    [InlineData("extra", "1")]
    public void Verify_AnyDocumentFieldTampered_IsRefused(string path, string value)
    {
        var json = JsonNode.Parse(SignedOnA().ToJson())!.AsObject();
        var (parent, name) = Locate(json, path);
        parent[name] = value switch
        {
            "NAME" => JsonValue.Create("cert-xk:" + a.Fingerprint),
            "SHA" => JsonValue.Create(new string('0', 64)),
            "FLIP" => JsonValue.Create(Flip(parent[name]!.GetValue<string>())),
            _ => JsonNode.Parse(value),
        };
        Assert.False(Accepted(json.ToJsonString(), b, a, AllKnown), $"tampered {path} was accepted");
    }

    [Fact]
    public void Verify_ObjectShaMatchesTamperedObjectButSignatureDoesNot_IsBadSignature()
    {
        // An attacker changes the object and puts its new hash in the document: the origin's signature no longer holds.
        var changed = JsonNode.Parse(Indicator)!.AsObject();
        changed["name"] = "benign";
        var doc = SignedOnA() with { ObjectSha256 = ProvenanceDocument.HashOf(Obj(changed.ToJsonString())) };
        Assert.Equal(ProvenanceVerdict.BadSignature, ProvenanceDocument.Parse(doc.ToJson()).Verify(Obj(changed.ToJsonString()), b, a, AllKnown));
    }

    [Fact]
    public void Verify_SignedWithAnotherKeyClaimingA_IsBadSignatureOrUnknownKey()
    {
        using var impostor = NodeSigningKey.Generate();
        var forged = ProvenanceDocument.Sign(Obj(), org, NodeId.Of("cert-al", impostor.PublicKey), impostor) with { Origin = a };
        Assert.Equal(ProvenanceVerdict.BadSignature, forged.Verify(Obj(), b, a, AllKnown));
        var selfNamed = ProvenanceDocument.Sign(Obj(), org, NodeId.Of("cert-al", impostor.PublicKey), impostor);
        Assert.Equal(ProvenanceVerdict.UnknownKey, selfNamed.Verify(Obj(), b, selfNamed.Origin, AllKnown));
    }

    [Fact]
    public void Verify_OriginKeyUnknownOnReceiver_IsUnknownKey() =>
        Assert.Equal(ProvenanceVerdict.UnknownKey, SignedOnA().Verify(Obj(), b, a, n => n == a ? null : AllKnown(n)));

    [Fact]
    public void Verify_ResolverAnswersAKeyOtherThanTheNodeIdNames_IsUnknownKey() =>
        Assert.Equal(ProvenanceVerdict.UnknownKey, SignedOnA().Verify(Obj(), b, a, _ => keyB.PublicKey));

    [Fact]
    public void Verify_DeliveredByANodeThatDidNotSignLast_IsNotFromSender() =>
        Assert.Equal(ProvenanceVerdict.NotFromSender, SignedOnA().Verify(Obj(), b, c, AllKnown));

    [Fact]
    public void Verify_ForwardedAToBToC_IsValidOnC()
    {
        var atC = ProvenanceDocument.Parse(SignedOnA().Forward(b, keyB).ToJson());
        Assert.Equal(ProvenanceVerdict.Valid, atC.Verify(Obj(), c, b, AllKnown));
        Assert.Equal([b], atC.Hops.Select(h => h.Node));
    }

    [Fact]
    public void Verify_LoopAToBToCBackToA_IsLoopAndCannotBeForwardedAgain()
    {
        var viaC = SignedOnA().Forward(b, keyB).Forward(c, keyC);
        Assert.Equal(ProvenanceVerdict.Loop, viaC.Verify(Obj(), a, c, AllKnown));
        Assert.Equal(ProvenanceVerdict.Loop, viaC.Verify(Obj(), b, c, AllKnown));
        Assert.Throws<StandardsException>(() => viaC.Forward(b, keyB));
        Assert.Throws<StandardsException>(() => viaC.Forward(a, keyA));
    }

    [Fact]
    public void Verify_HopRemovedOrReordered_IsRefused()
    {
        using var keyD = NodeSigningKey.Generate();
        var d = NodeId.Of("cert-me", keyD.PublicKey);
        NodePublicKey? Known(NodeId n) => n == d ? keyD.PublicKey : AllKnown(n);
        var viaBC = SignedOnA().Forward(b, keyB).Forward(c, keyC);
        Assert.Equal(ProvenanceVerdict.Valid, viaBC.Verify(Obj(), d, c, Known));
        Assert.NotEqual(ProvenanceVerdict.Valid, (viaBC with { Hops = [viaBC.Hops[1]] }).Verify(Obj(), d, c, Known));
        Assert.NotEqual(ProvenanceVerdict.Valid, (viaBC with { Hops = [viaBC.Hops[1], viaBC.Hops[0]] }).Verify(Obj(), d, b, Known));
        Assert.Equal(ProvenanceVerdict.BadSignature, (viaBC with { Hops = [viaBC.Hops[0], viaBC.Hops[1] with { Signature = Flip(viaBC.Hops[1].Signature) }] }).Verify(Obj(), d, c, Known));
        Assert.Equal(ProvenanceVerdict.BadSignature, (viaBC with { Hops = [viaBC.Hops[0] with { Signature = viaBC.Hops[1].Signature }, viaBC.Hops[1]] }).Verify(Obj(), d, c, Known));
    }

    [Fact]
    public void Verify_OriginListedAsHop_IsOriginIsHop()
    {
        var forged = SignedOnA() with { Hops = [new ProvenanceHop(a, "AAAA"), new ProvenanceHop(b, "AAAA")] };
        Assert.Equal(ProvenanceVerdict.OriginIsHop, forged.Verify(Obj(), c, b, AllKnown));
        var twice = SignedOnA() with { Hops = [new ProvenanceHop(b, "AAAA"), new ProvenanceHop(b, "AAAA")] };
        Assert.Equal(ProvenanceVerdict.OriginIsHop, twice.Verify(Obj(), c, b, AllKnown));
    }

    [Theory]
    [InlineData("""{"type":"rampart-provenance"}""")]
    [InlineData("[]")]
    [InlineData("not json")]
    [InlineData("""{"type":"rampart-provenance","version":1,"origin":{"node":"x","organisation":{"id":"a","identity":"b"}},"object":{"id":"a","modified":"b","sha256":"c"},"signature":"","hops":[]}""")]
    public void Parse_Malformed_ThrowsStandardsException(string json) => Assert.Throws<StandardsException>(() => ProvenanceDocument.Parse(json));

    [Fact]
    public void NodePublicKey_PemRoundTrip_KeepsTheFingerprintGroupedInSixteenFours()
    {
        Assert.True(NodePublicKey.TryParse(keyA.PublicKey.ToPem(), out var back));
        Assert.Equal(keyA.PublicKey, back);
        Assert.Equal(64, keyA.PublicKey.Fingerprint.Length);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(keyA.PublicKey.SubjectPublicKeyInfo)), keyA.PublicKey.Fingerprint);
        var groups = keyA.PublicKey.GroupedFingerprint.Split(' ');
        Assert.Equal(16, groups.Length);
        Assert.All(groups, g => Assert.Matches("^[0-9A-F]{4}$", g));
        Assert.Equal(keyA.PublicKey.Fingerprint, Fingerprints.Normalise(keyA.PublicKey.GroupedFingerprint.ToLowerInvariant().Replace(' ', ':')));
        Assert.False(NodePublicKey.TryParse("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", out _));
        Assert.False(NodePublicKey.TryParse("not a key", out _));
    }

    [Fact]
    public void NodeSigningKey_ExportedAndImported_SignsVerifiablyForTheSamePublicKey()
    {
        using var back = NodeSigningKey.Import(keyA.ExportPrivateKey());
        Assert.Equal(keyA.PublicKey, back.PublicKey);
        Assert.True(keyA.PublicKey.Verify([1, 2, 3], back.Sign([1, 2, 3])));
        Assert.False(keyA.PublicKey.Verify([1, 2, 4], back.Sign([1, 2, 3])));
    }

    private static bool Accepted(string json, NodeId receiver, NodeId sender, Func<NodeId, NodePublicKey?> keys)
    {
        try
        {
            return ProvenanceDocument.Parse(json).Verify(Obj(), receiver, sender, keys) == ProvenanceVerdict.Valid;
        }
        catch (StandardsException)
        {
            return false;
        }
    }

    private static (JsonObject Parent, string Name) Locate(JsonObject root, string path)
    {
        var parts = path.Split('.');
        var o = root;
        foreach (var p in parts[..^1])
        {
            o = o[p]!.AsObject();
        }

        return (o, parts[^1]);
    }

    // Changes one character in the middle of a base64url signature to another valid character.
    private static string Flip(string s)
    {
        var i = s.Length / 2;
        return s[..i] + (s[i] == 'A' ? 'B' : 'A') + s[(i + 1)..];
    }
}
