using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Rampart.Standards.Intelligence.Exports;
using Rampart.Standards.Markings;

namespace Rampart.Server.Tests;

/// <summary>
/// What each export format says, for indicators shared through the ingest API: the node named by its configured
/// organisation (not the request's host name), the most restrictive TLP stated, warning-listed and decayed indicators
/// left out unless asked for, and CSV's <c>valid_from</c> and <c>description</c> filled from the object. SQLite and PostgreSQL.
/// </summary>
public abstract class IntelExportContentTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    public static TheoryData<string> AllFormats => ["stix", "csv", "ips", "cidrs", "domains", "urls", "hashes", "rpz", "suricata", "misp"];

    /// <summary>One indicator's values, each unique to it (except the warning-listed address).</summary>
    private sealed record Shared(string Id, string Ip, string Cidr, string Domain, string Url, string Hash)
    {
        /// <summary>The text of this indicator that <paramref name="format"/> carries.</summary>
        public string Marker(string format) => format switch
        {
            "stix" => Id,
            "ips" => Ip,
            "cidrs" => Cidr,
            "urls" => Url,
            "hashes" => Hash,
            _ => Domain,
        };
    }

    private static Shared Values(string ip)
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        return new($"indicator--{Guid.NewGuid()}", ip, $"185.{Random.Shared.Next(1, 250)}.{Random.Shared.Next(1, 250)}.0/24", $"x{tag}.rampart-lab.net",
            $"http://x{tag}.rampart-lab.net/p", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(tag))));
    }

    private static JsonObject Indicator(Shared v, string validFrom, string description) => new()
    {
        ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = v.Id, ["created"] = validFrom, ["modified"] = validFrom,
        ["name"] = $"indicator {v.Domain}", ["description"] = description, ["valid_from"] = validFrom, ["pattern_type"] = "stix",
        ["valid_until"] = "2027-06-01T00:00:00.000Z",
        ["pattern"] = $"[ipv4-addr:value = '{v.Ip}'] OR [ipv4-addr:value = '{v.Cidr}'] OR [domain-name:value = '{v.Domain}'] OR [url:value = '{v.Url}'] OR [file:hashes.'SHA-256' = '{v.Hash}']",
    };

    private async Task ImportAsync(string query, params JsonObject[] objects)
    {
        var bundle = new JsonObject { ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}", ["objects"] = new JsonArray([.. objects]) }.ToJsonString();
        var response = await Node.Client(Node.Owner).PostAsync($"/api/intel/bundles?{query}", new StringContent(bundle, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private Shared? fresh;
    private Shared? listed;
    private Shared? decayed;

    /// <summary>For the community member: a fresh AMBER indicator, a warning-listed one (8.8.8.8) and one decayed long ago.</summary>
    private async Task SeedOnceAsync()
    {
        if (fresh is not null)
        {
            return;
        }

        // Public, unlisted addresses: documentation and private ranges are on warning lists themselves.
        fresh = Values($"45.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(1, 255)}");
        listed = Values("8.8.8.8");
        decayed = Values($"46.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(1, 255)}");
        var audience = $"tlp=amber&audience=community:{Node.Community}";
        await ImportAsync(audience, Indicator(fresh, "2026-11-01T00:00:00.000Z", "Fresh C2 of the \"night\" campaign"));
        await ImportAsync(audience, Indicator(listed, "2026-11-01T00:00:00.000Z", "Resolver seen in the logs"));
        await ImportAsync(audience, Indicator(decayed, "2020-01-01T00:00:00.000Z", "Old infrastructure"));
    }

    private async Task<(HttpResponseMessage Response, string Body)> ExportAsync(string format, string query = "")
    {
        var response = await Node.Client(Node.Member).GetAsync($"/api/intel/exports/{format}{query}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{format}{query}: {response.StatusCode} {body}");
        return (response, body);
    }

    [Theory]
    [MemberData(nameof(AllFormats))]
    public async Task Export_EveryFormat_LeavesOutWarningListedAndDecayedUnlessAskedAndStatesItsTlp(string format)
    {
        await SeedOnceAsync();
        var (response, body) = await ExportAsync(format, $"?owner={Node.OwnerOrg}");
        Assert.True(body.Contains(fresh!.Marker(format), StringComparison.Ordinal), $"{fresh.Marker(format)} not in {body[..Math.Min(body.Length, 3000)]}");
        Assert.DoesNotContain(listed!.Marker(format), body, StringComparison.Ordinal);
        Assert.DoesNotContain(decayed!.Marker(format), body, StringComparison.Ordinal);
        Assert.Equal("TLP:AMBER", Assert.Single(response.Headers.GetValues("X-Rampart-Tlp")));
        if (format == "stix")
        {
            // A bundle has no header line: each object carries its record's marking.
            Assert.Contains(Tlp.Amber.StixMarkingId(), body, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("TLP:AMBER", body[..Math.Min(body.Length, 2000)], StringComparison.OrdinalIgnoreCase);
        }

        var withListed = (await ExportAsync(format, $"?owner={Node.OwnerOrg}&includeWarningListed=true")).Body;
        Assert.Contains(listed.Marker(format), withListed, StringComparison.Ordinal);
        Assert.DoesNotContain(decayed.Marker(format), withListed, StringComparison.Ordinal);

        var withDecayed = (await ExportAsync(format, $"?owner={Node.OwnerOrg}&includeDecayed=true")).Body;
        Assert.Contains(decayed.Marker(format), withDecayed, StringComparison.Ordinal);
        Assert.DoesNotContain(listed.Marker(format), withDecayed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("ips")]
    [InlineData("rpz")]
    [InlineData("suricata")]
    [InlineData("misp")]
    public async Task Export_Header_NamesTheNodesOrganisationNotTheHostName(string format)
    {
        await SeedOnceAsync();
        var (_, body) = await ExportAsync(format);
        // The lines that say where the export comes from (the RPZ zone's SOA names its own name server, a setting of its own).
        var head = format == "misp" ? body[..Math.Min(body.Length, 1000)] : string.Join('\n', body.Split('\n').Take(2));
        Assert.Contains("Rampart node operator (NODE)", head, StringComparison.Ordinal);
        Assert.DoesNotContain("localhost", head, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Export_Csv_FillsValidFromValidUntilAndDescriptionFromTheObject()
    {
        await SeedOnceAsync();
        var (_, body) = await ExportAsync("csv", $"?owner={Node.OwnerOrg}");
        var lines = body.Split("\r\n");
        var columns = lines.First(l => l.StartsWith("value,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(CsvExportWriter.Columns.Split(','), columns);
        var row = lines.Single(l => l.StartsWith(fresh!.Domain + ",", StringComparison.Ordinal));
        Assert.Contains(",2026-11-01T00:00:00.000Z,2027-06-01T00:00:00.000Z,", row, StringComparison.Ordinal);
        Assert.EndsWith(",\"Fresh C2 of the \"\"night\"\" campaign\"", row, StringComparison.Ordinal);
    }
}

public sealed class SqliteIntelExportContentTests(SqliteNode fixture) : IntelExportContentTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelExportContentTests(PostgresNode fixture) : IntelExportContentTests(fixture), IClassFixture<PostgresNode>;
