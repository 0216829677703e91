using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Data;
using Rampart.Server.Identity;

namespace Rampart.Server.Tests;

public sealed class ApiKeyTests(SqliteNode fixture) : IClassFixture<SqliteNode>
{
    private SeededNode Node => fixture.Node;

    [Fact]
    public async Task NoOrWrongKey_Is401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Factory.ClientWithKey(null).GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Factory.ClientWithKey("rpk_not-a-real-key").GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Key_IsShownOnce_StoredHashed_AndRecordsLastUse()
    {
        var client = Node.Client(Node.Member);
        var created = await client.PostAsync($"/api/users/{Node.Member.UserId}/keys", new { name = "feed importer" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await Json.ReadAsync(created);
        var key = body["key"]!.GetValue<string>();
        var keyId = body["apiKey"]!["id"]!.GetValue<Guid>();

        var me = await Json.ReadAsync(await Node.Factory.ClientWithKey(key).GetAsync("/api/me"));
        Assert.Equal(Node.Member.Email, me["email"]!.GetValue<string>());

        var listed = (await Json.ReadAsync(await client.GetAsync($"/api/users/{Node.Member.UserId}/keys"))).AsArray();
        var entry = listed.Single(k => k!["id"]!.GetValue<Guid>() == keyId)!;
        Assert.Null(entry["key"]);
        Assert.NotNull(entry["lastUsedAt"]);

        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<RampartDb>().ApiKeys.SingleAsync(k => k.Id == keyId);
        Assert.NotEqual(key, stored.Hash);
        Assert.DoesNotContain(key, stored.Hash, StringComparison.Ordinal);
        Assert.Equal(ApiKeys.HashOf(key), stored.Hash);
    }

    [Fact]
    public async Task RevokedKey_StopsWorking()
    {
        var client = Node.Client(Node.Recipient);
        var body = await Json.ReadAsync(await client.PostAsync($"/api/users/{Node.Recipient.UserId}/keys", new { name = "short-lived" }));
        var key = body["key"]!.GetValue<string>();
        var keyId = body["apiKey"]!["id"]!.GetValue<Guid>();
        Assert.Equal(HttpStatusCode.OK, (await Node.Factory.ClientWithKey(key).GetAsync("/api/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/keys/{keyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Factory.ClientWithKey(key).GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task ExpiredKey_StopsWorking()
    {
        var expires = Node.Factory.Clock.GetUtcNow().AddDays(1);
        var body = await Json.ReadAsync(await Node.Client(Node.SameCountry).PostAsync($"/api/users/{Node.SameCountry.UserId}/keys", new { name = "one day", expiresAt = expires }));
        var key = body["key"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await Node.Factory.ClientWithKey(key).GetAsync("/api/me")).StatusCode);

        // Time only moves forward; the other tests of this class do not depend on the date.
        Node.Factory.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Factory.ClientWithKey(key).GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task ReadOnlyKey_ReadsButCannotWrite()
    {
        var body = await Json.ReadAsync(await Node.Client(Node.Owner).PostAsync($"/api/users/{Node.Owner.UserId}/keys", new { name = "dashboard", readOnly = true }));
        var readOnly = Node.Factory.ClientWithKey(body["key"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, (await readOnly.GetAsync("/api/notes")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await readOnly.PostAsync("/api/notes", new { title = "x", tlp = "green", audience = "network" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await readOnly.PostAsync($"/api/users/{Node.Owner.UserId}/keys", new { name = "escalate" })).StatusCode);
    }

    [Fact]
    public async Task ViewersKey_HasNoMoreRightsThanTheViewer()
    {
        Assert.Equal(HttpStatusCode.Forbidden,
            (await Node.Client(Node.OwnerViewer).PostAsync("/api/notes", new { title = "x", tlp = "green", audience = "network" })).StatusCode);
    }

    [Fact]
    public async Task KeysOfOthers_AreInvisibleOutsideTheirOrganisation()
    {
        // An analyst of another organisation can neither list nor mint keys for someone else.
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).GetAsync($"/api/users/{Node.Owner.UserId}/keys")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).PostAsync($"/api/users/{Node.Owner.UserId}/keys", new { name = "steal" })).StatusCode);
        // The owner organisation's admin can.
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(Node.OwnerAdmin).GetAsync($"/api/users/{Node.Owner.UserId}/keys")).StatusCode);
    }

    [Fact]
    public async Task DisabledUser_KeysStopWorking()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var person = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OwnerOrg, "leaver@owner.test", Role.Analyst);
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(person).GetAsync("/api/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Node.Client(Node.OwnerAdmin).PostAsync($"/api/users/{person.UserId}/disable", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Client(person).GetAsync("/api/me")).StatusCode);
    }
}

/// <summary>A node with a tiny failure budget, so throttling can be seen without disturbing other tests.</summary>
public sealed class ApiKeyThrottleTests
{
    [Fact]
    public async Task RepeatedBadKeys_FromOneAddress_AreRefusedWith429()
    {
        await using var node = await SeededNode.CreateAsync(Data.DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Rampart:Limits:AuthenticationFailuresPerWindow"] = "3",
        });
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await node.Factory.ClientWithKey($"rpk_guess{i}").GetAsync("/api/me")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await node.Factory.ClientWithKey("rpk_guess-again").GetAsync("/api/me")).StatusCode);
        // A working key from the same address is never locked out because someone else failed (keys are 256 random bits).
        Assert.Equal(HttpStatusCode.OK, (await node.Client(node.Owner).GetAsync("/api/me")).StatusCode);
    }
}
