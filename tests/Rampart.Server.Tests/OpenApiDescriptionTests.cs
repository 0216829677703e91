using System.Text.Json.Nodes;

namespace Rampart.Server.Tests;

/// <summary>
/// <c>/openapi/v1.json</c> describes the REST API for the people who write the SOC's scripts: every <c>/api</c> operation
/// has a summary; every <c>/api/intel</c> one also a description, described parameters, its success response and the
/// ProblemDetails errors it can give.
/// </summary>
public sealed class OpenApiDescriptionTests(SqliteNode fixture) : IClassFixture<SqliteNode>
{
    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    private async Task<List<(string Path, string Method, JsonNode Operation)>> OperationsAsync()
    {
        var document = await Json.ReadAsync(await fixture.Node.Factory.ClientWithKey(null).GetAsync("/openapi/v1.json"));
        return [.. document["paths"]!.AsObject()
            .Where(p => p.Key.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(p => p.Value!.AsObject().Where(o => Methods.Contains(o.Key)).Select(o => (p.Key, o.Key, o.Value!)))];
    }

    [Fact]
    public async Task OpenApi_EveryApiOperation_HasASummary()
    {
        var operations = await OperationsAsync();
        Assert.True(operations.Count > 50, $"only {operations.Count} operations");
        var missing = operations.Where(o => string.IsNullOrWhiteSpace(o.Operation["summary"]?.GetValue<string>())).Select(o => $"{o.Method} {o.Path}").ToList();
        Assert.True(missing.Count == 0, "without a summary: " + string.Join(", ", missing));
    }

    [Fact]
    public async Task OpenApi_IntelOperations_HaveDescriptionsParametersSuccessAndProblemResponses()
    {
        var intel = (await OperationsAsync()).Where(o => o.Path.StartsWith("/api/intel/", StringComparison.Ordinal)).ToList();
        Assert.True(intel.Count >= 25, $"only {intel.Count} intelligence operations");
        var faults = new List<string>();
        foreach (var (path, method, operation) in intel)
        {
            var name = $"{method} {path}";
            if (string.IsNullOrWhiteSpace(operation["description"]?.GetValue<string>()))
            {
                faults.Add($"{name}: no description");
            }

            foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
            {
                if (string.IsNullOrWhiteSpace(parameter!["description"]?.GetValue<string>()))
                {
                    faults.Add($"{name}: parameter {parameter["name"]} undescribed");
                }
            }

            var responses = operation["responses"]!.AsObject();
            if (!responses.Any(r => r.Key.StartsWith('2')))
            {
                faults.Add($"{name}: no success response");
            }

            var expected = new List<string> { "400", "401", "429" };
            if (method != "get")
            {
                expected.AddRange(["403", "413"]);
            }

            if (path.Contains("{id}", StringComparison.Ordinal) || path.Contains("{stixId}", StringComparison.Ordinal))
            {
                expected.Add("404");
            }

            foreach (var status in expected.Where(s => !responses.ContainsKey(s)))
            {
                faults.Add($"{name}: no {status}");
            }

            if (responses["400"]?["content"]?["application/problem+json"] is null)
            {
                faults.Add($"{name}: 400 is not a ProblemDetails");
            }
        }

        Assert.True(faults.Count == 0, string.Join("\n", faults));

        // Filters read from the query string by the endpoint itself are documented too.
        var export = intel.Single(o => o.Path == "/api/intel/exports/{format}").Operation["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("includeWarningListed", export);
        Assert.Contains("includeDecayed", export);
        var search = intel.Single(o => o.Path == "/api/intel/objects" && o.Method == "get").Operation["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("value", search);
        Assert.Contains("match", search);
    }
}
