using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Rampart.Server.Tests;

/// <summary>
/// Requests the binder refuses (wrong JSON type, unknown choice, unknown property, broken JSON, bad query value): a
/// ProblemDetails 400 — or on TAXII its error message — naming the field with a plain reason, the allowed values of a
/// choice as they are written, "not a field of this request" for an unknown property, and never a .NET type name.
/// </summary>
public abstract class BindingErrorTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static readonly string[] DotNetNames = ["Rampart.", "System.", "Microsoft.", ".NET", "could not be converted", "could not be mapped"];

    private async Task<(JsonObject Errors, string Text)> BadRequestAsync(HttpMethod method, string path, string body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")) };
        var response = await Node.Client(Node.Owner).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}: {response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        AssertNoDotNetNames(text);
        return (JsonNode.Parse(text)!["errors"]!.AsObject(), text);
    }

    private static void AssertNoDotNetNames(string text)
    {
        foreach (var name in DotNetNames)
        {
            Assert.False(text.Contains(name, StringComparison.Ordinal), $"'{name}' in {text}");
        }
    }

    private static string Only(JsonObject errors, string field)
    {
        Assert.True(errors.ContainsKey(field), $"no error for '{field}' in {errors.ToJsonString()}");
        return Assert.Single(errors[field]!.AsArray())!.GetValue<string>();
    }

    [Fact]
    public async Task EnumField_UnknownValue_Is400NamingTheFieldAndTheAllowedValuesAsWritten()
    {
        var (plan, _) = await BadRequestAsync(HttpMethod.Post, "/api/capacity/plans", """{"title":"Plan","kind":"galactic"}""");
        Assert.Equal("One of: capacity-building, cyber-hygiene.", Only(plan, "kind"));

        var (note, _) = await BadRequestAsync(HttpMethod.Post, "/api/notes", """{"title":"t","body":"b","tlp":"purple"}""");
        Assert.Equal("One of: clear, green, amber, amber+strict, red.", Only(note, "tlp"));
    }

    [Fact]
    public async Task UnknownProperty_Is400NotAFieldOfThisRequest()
    {
        var (clock, _) = await BadRequestAsync(HttpMethod.Put, $"/api/incidents/{Guid.NewGuid()}/stages/data-breach", """{"awareAt":"2026-11-02T09:00:00Z","x":1}""");
        Assert.Equal("Not a field of this request.", Only(clock, "x"));

        var (collection, _) = await BadRequestAsync(HttpMethod.Post, "/api/taxii/collections", """{"title":"c","filter":{"typez":["indicator"]}}""");
        Assert.Equal("Not a field of this request.", Only(collection, "filter.typez"));
    }

    [Fact]
    public async Task WrongJsonType_Is400WithWhatTheFieldTakes()
    {
        var (clock, _) = await BadRequestAsync(HttpMethod.Put, $"/api/incidents/{Guid.NewGuid()}/stages/data-breach", """{"awareAt":"yesterday"}""");
        Assert.Contains("ISO 8601", Only(clock, "awareAt"), StringComparison.Ordinal);

        var (note, _) = await BadRequestAsync(HttpMethod.Post, "/api/notes", """{"title":5,"body":"b","tlp":"green"}""");
        Assert.Equal("Expected text.", Only(note, "title"));

        var (recipients, _) = await BadRequestAsync(HttpMethod.Post, "/api/notes", """{"title":"t","body":"b","tlp":"red","recipients":[{"organisationId":"not-a-uuid"}]}""");
        Assert.StartsWith("Expected an identifier", Only(recipients, "recipients[0].organisationId"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenJson_AndMissingBody_Are400WithoutTypeNames()
    {
        var (broken, _) = await BadRequestAsync(HttpMethod.Post, "/api/notes", """{"title":""");
        Assert.Single(broken);

        using var empty = new HttpRequestMessage(HttpMethod.Post, "/api/capacity/plans") { Content = new StringContent("", Encoding.UTF8, new MediaTypeHeaderValue("application/json")) };
        var response = await Node.Client(Node.Owner).SendAsync(empty);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertNoDotNetNames(text);
        Assert.DoesNotContain("PlanRequest", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryValue_OfTheWrongType_Is400NamingTheParameter()
    {
        var response = await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/indicator--{Guid.NewGuid()}/versions?limit=many");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        AssertNoDotNetNames(text);
        Assert.Equal("Expected a whole number.", Only(JsonNode.Parse(text)!["errors"]!.AsObject(), "limit"));
        Assert.DoesNotContain("Int32", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TaxiiEnvelope_BrokenOrWrongShape_IsATaxiiErrorWithoutTypeNames()
    {
        var collection = JsonNode.Parse(await (await Node.Client(Node.NodeAdmin).PostAsync("/api/taxii/collections", new
        {
            title = $"Binding {Guid.NewGuid():N}", network = true, writers = new object[] { new { kind = "network" } }, writeTlp = "green",
        })).Content.ReadAsStringAsync())!["id"]!.GetValue<string>();
        foreach (var body in new[] { """{"objects":""", """{"objects":5}""", """[1,2]""", """{"objects":[{"type":5}]}""" })
        {
            var client = Node.Client(Node.Owner);
            client.DefaultRequestHeaders.TryAddWithoutValidation("Accept", "application/taxii+json;version=2.1");
            var content = new StringContent(body, Encoding.UTF8);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/taxii+json;version=2.1");
            var response = await client.PostAsync($"/taxii2/api/collections/{collection}/objects/", content);
            var text = await response.Content.ReadAsStringAsync();
            AssertNoDotNetNames(text);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                var error = JsonNode.Parse(text)!.AsObject();
                Assert.Equal("400", error["http_status"]!.GetValue<string>());
                Assert.False(error.ContainsKey("type"));
            }
        }
    }

    [Fact]
    public async Task LanguageForm_UnknownCulture_ListsEveryLanguageTheNodeOffers()
    {
        var browser = WebForms.Browser(Node.Factory);
        var response = await WebForms.PostFormAsync(browser, "/account/login", "/account/culture", null, new() { ["culture"] = "xx" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = Only((await Json.ReadAsync(response))["errors"]!.AsObject(), "culture");
        foreach (var culture in Hosting.RampartHost.SupportedCultures)
        {
            Assert.Contains(culture.Name, message, StringComparison.Ordinal);
        }

        Assert.Contains("sr-Latn-ME", message, StringComparison.Ordinal);
        Assert.Contains("ka", message, StringComparison.Ordinal);
    }
}

public sealed class SqliteBindingErrorTests(SqliteNode fixture) : BindingErrorTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresBindingErrorTests(PostgresNode fixture) : BindingErrorTests(fixture), IClassFixture<PostgresNode>;
