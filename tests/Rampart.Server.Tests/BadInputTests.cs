using System.Net;
using System.Text;

namespace Rampart.Server.Tests;

/// <summary>Bad input gets a 400 ProblemDetails naming the field and the reason, and changes nothing.</summary>
public sealed class BadInputTests(SqliteNode fixture) : IClassFixture<SqliteNode>
{
    private SeededNode Node => fixture.Node;

    private async Task<int> NoteCountAsync() =>
        (await Json.ReadAsync(await Node.Client(Node.Owner).GetAsync("/api/notes?limit=200")))["items"]!.AsArray().Count;

    private async Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonNode Body)> PostRawAsync(string json)
    {
        var response = await Node.Client(Node.Owner).PostAsync("/api/notes", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, await Json.ReadAsync(response));
    }

    [Theory]
    [InlineData("""{"title": "x", "tlp": "green", "audience": "network" """, "body")]
    [InlineData("""{"title": 42, "tlp": "green", "audience": "network"}""", "title")]
    [InlineData("""{"title": "x", "tlp": "purple", "audience": "network"}""", "tlp")]
    [InlineData("""{"title": "x", "tlp": "green", "audience": "planet"}""", "audience")]
    [InlineData("""{"title": "x", "tlp": "green", "audience": 3}""", "audience")]
    [InlineData("""{"title": "x", "tlp": "green", "audience": "network", "owner": "someone else"}""", "owner")]
    [InlineData("""{"title": "x", "tlp": "green", "audience": "recipients", "recipients": [{"organisationId": "not-a-uuid"}]}""", "recipients[0].organisationId")]
    public async Task MalformedBody_Is400NamingTheField(string json, string field)
    {
        var before = await NoteCountAsync();
        var (status, body) = await PostRawAsync(json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body["errors"]?[field] is not null, $"expected an error for '{field}', got {body.ToJsonString()}");
        Assert.Equal(before, await NoteCountAsync());
    }

    [Fact]
    public async Task MissingAndOverLongFields_AreEachNamed()
    {
        var before = await NoteCountAsync();
        var (status, body) = await PostRawAsync($$"""{"title": "{{new string('x', 301)}}", "body": null}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("300", body["errors"]!["title"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(body["errors"]!["tlp"]);
        Assert.NotNull(body["errors"]!["audience"]);
        Assert.Equal(before, await NoteCountAsync());
    }

    [Fact]
    public async Task OversizeBody_Is413()
    {
        var huge = $$"""{"title": "big", "body": "{{new string('a', 1_100_000)}}", "tlp": "green", "audience": "network"}""";
        var response = await Node.Client(Node.Owner).PostAsync("/api/notes", new StringContent(huge, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/notes/12345")]
    [InlineData("/api/notes/not-a-guid")]
    [InlineData("/api/organisations/xyz")]
    public async Task MalformedId_Is400NamingIt(string url)
    {
        var response = await Node.Client(Node.Owner).GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await Json.ReadAsync(response))["errors"]!["id"]);
    }

    [Theory]
    [InlineData("/api/notes?limit=0", "limit")]
    [InlineData("/api/notes?limit=1000", "limit")]
    [InlineData("/api/notes?limit=-2147483648", "limit")]
    [InlineData("/api/notes?page=2", "page")]
    [InlineData("/api/notes?pageSize=10", "pageSize")]
    [InlineData("/api/audit?page=0", "page")]
    [InlineData("/api/audit?pageSize=1000", "pageSize")]
    // page × pageSize used to wrap around to the first page (and to a negative offset on PostgreSQL).
    [InlineData("/api/audit?page=2147483647&pageSize=200", "page")]
    [InlineData("/api/audit?page=10737419&pageSize=200", "page")]
    public async Task OutOfRangePaging_Is400NamingTheField(string url, string field)
    {
        var response = await Node.Client(Node.OwnerAdmin).GetAsync(url);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await Json.ReadAsync(response))["errors"]![field]);
    }
}
