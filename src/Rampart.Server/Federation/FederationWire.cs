using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Rampart.Standards.Federation;

namespace Rampart.Server.Federation;

/// <summary>
/// The node-to-node inbox protocol (ADR 14): <c>POST /federation/v1/inbox</c> with a JSON envelope, authenticated by the
/// sending node's Ed25519 signature over the receiving node id, the sending node id, the date and the body's SHA-256.
/// </summary>
public static class FederationWire
{
    public const string InboxPath = "/federation/v1/inbox";

    public const string NodeHeader = "Rampart-Node";

    public const string DateHeader = "Rampart-Date";

    public const string SignatureHeader = "Rampart-Signature";

    public const string HttpClientName = "rampart.federation";

    /// <summary>How far a request's date may be from the receiver's clock; envelope ids are remembered for twice as long.</summary>
    public static readonly TimeSpan DateWindow = TimeSpan.FromMinutes(5);

    /// <summary>Largest envelope body accepted.</summary>
    public const long MaxBodyBytes = 32L * 1024 * 1024;

    /// <summary>Most items in one envelope.</summary>
    public const int MaxItems = 1000;

    /// <summary>Most versions one <c>remove-versions</c> item names.</summary>
    public const int MaxRemovedVersions = 1000;

    /// <summary>A version's <c>modified</c> on the wire: every digit the store keeps (STIX allows more than milliseconds).</summary>
    public static string Version(DateTimeOffset modified) =>
        modified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What an intelligence envelope's signature binds (each path has its own: a request signed for one is refused by another).</summary>
    public const string InboxPurpose = "rampart-federation-inbox-v1";

    /// <summary>The bytes the sending node signs for one request to <see cref="InboxPath"/>.</summary>
    public static byte[] SignedBytes(string receivingNode, string sendingNode, string date, ReadOnlySpan<byte> body) =>
        SignedBytes(InboxPurpose, receivingNode, sendingNode, date, body);

    /// <summary>The bytes the sending node signs for one request of the given purpose (the path it is meant for).</summary>
    public static byte[] SignedBytes(string purpose, string receivingNode, string sendingNode, string date, ReadOnlySpan<byte> body) =>
        Encoding.UTF8.GetBytes(string.Join('\n', purpose, receivingNode, sendingNode, date, Convert.ToHexStringLower(SHA256.HashData(body))));

    public static string FormatDate(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture);

    public static bool TryParseDate(string? text, out DateTimeOffset at) =>
        DateTimeOffset.TryParseExact(text, "yyyy'-'MM'-'dd'T'HH':'mm':'ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out at);

    public static string Base64Url(byte[] data) => Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[]? FromBase64Url(string? text)
    {
        if (text is null || text.Length > 200)
        {
            return null;
        }

        var s = text.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
        var buffer = new byte[s.Length];
        return Convert.TryFromBase64String(s, buffer, out var n) ? buffer[..n] : null;
    }
}

/// <summary>
/// An object's audience as it crosses to a peer, already narrowed by <see cref="HopRules"/>: the receiving node's
/// organisations by their STIX identity there, and the network. Communities are not federated yet, so the hop rules have
/// turned every community into its member organisations living on the peer.
/// </summary>
public sealed record FederationAudience(IReadOnlyList<string> Organisations, bool Network)
{
    /// <summary>A short fingerprint of the audience (sorted, hashed): what <see cref="FederationSent.Audience"/> keeps.</summary>
    public string Key => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        (Network ? "network;" : ";") + string.Join(',', Organisations.Order(StringComparer.Ordinal)))))[..32];

    public JsonObject ToJson() => new()
    {
        ["organisations"] = new JsonArray([.. Organisations.Order(StringComparer.Ordinal).Select(o => (JsonNode)o)]),
        ["network"] = Network,
    };

    public static FederationAudience? FromJson(JsonNode? node)
    {
        if (node is not JsonObject o || o["organisations"] is not JsonArray orgs || orgs.Count > FederationPeers.MaxOrganisationsPerPeer
            || o["network"] is not JsonValue n || !n.TryGetValue<bool>(out var network))
        {
            return null;
        }

        var list = new List<string>();
        foreach (var e in orgs)
        {
            if (e is not JsonValue v || !v.TryGetValue<string>(out var s) || s.Length > 64)
            {
                return null;
            }

            list.Add(s);
        }

        return new FederationAudience(list, network);
    }
}

/// <summary>
/// Sends one signed request to a peer's machine path (ADR 14's request signature, bound to the path's purpose) and returns
/// the answer's body; a peer that answers with an error status is a <see cref="FederationPushException"/>.
/// </summary>
public sealed class FederationRequests(NodeIdentity identity, IHttpClientFactory httpClients, TimeProvider clock)
{
    public async Task<byte[]> PostAsync(FederationPeer peer, string path, string purpose, byte[] body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(peer, path, purpose, body, cancellationToken, HttpCompletionOption.ResponseContentRead);
        if (!response.IsSuccessStatusCode)
        {
            throw new FederationPushException(string.Create(CultureInfo.InvariantCulture, $"The peer answered {(int)response.StatusCode} {response.ReasonPhrase}."));
        }

        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    /// <summary>
    /// A signed POST whose answer the caller reads (and disposes) itself. With <see cref="HttpCompletionOption.ResponseHeadersRead"/>
    /// (a file it knows the size of, read as a stream) the client's timeout covers only the headers: the caller bounds the
    /// reading of the body itself.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(FederationPeer peer, string path, string purpose, byte[] body, CancellationToken cancellationToken,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var self = (await identity.IdAsync(cancellationToken)).ToString();
        var date = FederationWire.FormatDate(clock.GetUtcNow());
        var peerNode = new NodeId(peer.Name, peer.Fingerprint).ToString();
        var signature = await identity.SignBytesAsync(FederationWire.SignedBytes(purpose, peerNode, self, date, body), cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, peer.Url + path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add(FederationWire.NodeHeader, self);
        request.Headers.Add(FederationWire.DateHeader, date);
        request.Headers.Add(FederationWire.SignatureHeader, FederationWire.Base64Url(signature));
        var client = httpClients.CreateClient(FederationWire.HttpClientName);
        return await client.SendAsync(request, completion, cancellationToken);
    }
}
