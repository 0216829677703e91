using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>
/// One value is one line of a value export across the whole walk, not only within a walk step: three indicators of one
/// address, each in another step (steps of 10 objects here), give one line in the plain list and one CSV row.
/// SQLite and PostgreSQL.
/// </summary>
public abstract class IntelExportStepTests(DatabaseProvider provider)
{
    private static Dictionary<string, string?> Settings() => new() { ["Rampart:Intelligence:ExportStep"] = "10" };

    [Fact]
    public async Task Export_AValueHeldByObjectsInDifferentWalkSteps_IsWrittenOnce_EveryOtherValueToo()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        const string Shared = "185.220.68.7";
        const string Time = "2026-11-20T10:00:00.000Z";
        var patterns = new List<string> { Shared };
        patterns.AddRange(Enumerable.Range(1, 12).Select(i => $"185.220.66.{i}"));
        patterns.Add(Shared);
        patterns.AddRange(Enumerable.Range(1, 12).Select(i => $"185.220.67.{i}"));
        patterns.Add(Shared);
        var objects = patterns.Select(v => (JsonNode)new JsonObject
        {
            ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = $"indicator--{Guid.NewGuid()}", ["created"] = Time, ["modified"] = Time,
            ["name"] = v, ["pattern"] = $"[ipv4-addr:value = '{v}']", ["pattern_type"] = "stix", ["valid_from"] = Time,
        }).ToArray();
        var bundle = new JsonObject { ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}", ["objects"] = new JsonArray(objects) };
        var stored = await node.Client(node.Owner).PostAsync("/api/intel/bundles?tlp=green&audience=network",
            new StringContent(bundle.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);

        foreach (var person in new[] { node.Owner, node.Outsider })
        {
            var list = await node.Client(person).GetAsync("/api/intel/exports/ips");
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            var lines = (await list.Content.ReadAsStringAsync()).Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
            Assert.Single(lines, l => l == Shared);
            Assert.Equal(25, lines.Count);
            Assert.Equal(lines.Count, lines.Distinct(StringComparer.Ordinal).Count());

            var csv = await node.Client(person).GetAsync("/api/intel/exports/csv");
            Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
            var rows = (await csv.Content.ReadAsStringAsync()).Split('\n').Where(l => l.Contains("185.220.6", StringComparison.Ordinal)).ToList();
            Assert.Single(rows, r => r.Contains(Shared, StringComparison.Ordinal));
            Assert.Equal(25, rows.Count);
        }
    }
}

public sealed class SqliteIntelExportStepTests() : IntelExportStepTests(DatabaseProvider.Sqlite);

public sealed class PostgresIntelExportStepTests() : IntelExportStepTests(DatabaseProvider.Postgres);
