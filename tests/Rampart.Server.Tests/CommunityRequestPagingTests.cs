using System.Net;

namespace Rampart.Server.Tests;

/// <summary><c>GET /api/communities/requests</c> is a keyset list like the others: <c>{items, next}</c>, newest first. SQLite and PostgreSQL.</summary>
public abstract class CommunityRequestPagingTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    [Fact]
    public async Task Requests_PagedByCursor_VisitEachOnceNewestFirstAndABadCursorIs400()
    {
        var nodeAdmin = Node.Client(Node.NodeAdmin);
        var asked = new List<Guid>();
        foreach (var organisation in new[] { Node.RecipientOrg, Node.SameCountryOrg, Node.OutsiderOrg })
        {
            var response = await nodeAdmin.PostAsync($"/api/communities/{Node.Community}/members", new { organisationId = organisation });
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            asked.Add((await Json.ReadAsync(response))["id"]!.GetValue<Guid>());
        }

        var moderator = Node.Client(Node.OwnerAdmin);
        var seen = new List<Guid>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await Json.ReadAsync(await moderator.GetAsync($"/api/communities/requests?limit=2{(next is null ? "" : "&next=" + Uri.EscapeDataString(next))}"));
            var items = page["items"]!.AsArray();
            Assert.True(items.Count <= 2);
            seen.AddRange(items.Select(i => i!["id"]!.GetValue<Guid>()));
            next = page["next"]?.GetValue<string>();
            pages++;
        }
        while (next is not null && pages < 10);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        // Newest first by id (version-7: to the millisecond; the test clock stands still, so only the set is certain).
        Assert.Equal(asked.Order(), seen.Where(asked.Contains).Order());
        Assert.Equal(seen.Count, (await Json.ReadAsync(await moderator.GetAsync("/api/communities/requests?limit=200")))["items"]!.AsArray().Count);
        Assert.True(pages >= 2);

        // An organisation uninvolved in any request sees an empty page.
        var outsiderAnswer = await Json.ReadAsync(await Node.Client(Node.Member).GetAsync("/api/communities/requests"));
        Assert.Empty(outsiderAnswer["items"]!.AsArray());

        var bad = await moderator.GetAsync("/api/communities/requests?next=forged");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull((await Json.ReadAsync(bad))["errors"]!["next"]);
        var offset = await moderator.GetAsync("/api/communities/requests?page=2");
        Assert.Equal(HttpStatusCode.BadRequest, offset.StatusCode);
    }
}

public sealed class SqliteCommunityRequestPagingTests(SqliteNode fixture) : CommunityRequestPagingTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresCommunityRequestPagingTests(PostgresNode fixture) : CommunityRequestPagingTests(fixture), IClassFixture<PostgresNode>;
