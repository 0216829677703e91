using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Federation;

namespace Rampart.Server.Tests;

/// <summary>Requests one test node sends another as a federation peer: signed with its node key for a path's purpose.</summary>
public static class SignedFederation
{
    /// <summary>A request signed by <paramref name="from"/>'s node key for <paramref name="purpose"/>, sent to <paramref name="to"/>'s <paramref name="path"/>.</summary>
    public static async Task<(HttpStatusCode Status, string Text)> SendAsync(SeededNode from, SeededNode to, string path, string purpose, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(body);
        var identity = from.Factory.Services.GetRequiredService<NodeIdentity>();
        var self = (await identity.IdAsync(default)).ToString();
        var target = (await to.Factory.Services.GetRequiredService<NodeIdentity>().IdAsync(default)).ToString();
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        var date = FederationWire.FormatDate(to.Factory.Clock.GetUtcNow());
        var signature = await identity.SignBytesAsync(FederationWire.SignedBytes(purpose, target, self, date, bytes), default);
        using var client = to.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add(FederationWire.NodeHeader, self);
        request.Headers.Add(FederationWire.DateHeader, date);
        request.Headers.Add(FederationWire.SignatureHeader, FederationWire.Base64Url(signature));
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary><see cref="SendAsync"/>, which must answer 200: the answer's JSON object.</summary>
    public static async Task<JsonObject> PostAsync(SeededNode from, SeededNode to, string path, string purpose, JsonObject body)
    {
        var (status, text) = await SendAsync(from, to, path, purpose, body);
        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}
