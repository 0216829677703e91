using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Identity;

namespace Rampart.Server.Tests;

/// <summary>
/// A reported sighting's STIX <c>sighting</c> object reaches exactly the readers of the sighting (its own sharing), by
/// every read path that serves objects: the object's answer, the sightings list, the STIX export and the MISP export's
/// <c>Sighting</c> entries — and nobody else (another organisation, its admin, the node admin, a reader of the sighted
/// indicator the sighting is not shared with), neither by id, export nor TAXII. SQLite and PostgreSQL.
/// </summary>
public abstract class IntelSightingStixTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private const string Taxii = "application/taxii+json;version=2.1";

    private static string Ip() => $"203.0.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(1, 255)}";

    private async Task<(string Id, string Ip)> IndicatorAsync(string query)
    {
        var id = $"indicator--{Guid.NewGuid()}";
        var ip = Ip();
        var indicator = new JsonObject
        {
            ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-10-01T00:00:00.000Z", ["modified"] = "2026-10-01T00:00:00.000Z",
            ["name"] = "sighted", ["pattern"] = $"[ipv4-addr:value = '{ip}']", ["pattern_type"] = "stix", ["valid_from"] = "2026-10-01T00:00:00.000Z",
        };
        var bundle = new JsonObject { ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}", ["objects"] = new JsonArray(indicator) };
        var response = await Node.Client(Node.Owner).PostAsync($"/api/intel/bundles?{query}",
            new StringContent(bundle.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (id, ip);
    }

    private async Task<string> SightAsync(Person person, string id, object body)
    {
        var response = await Node.Client(person).PostAsJsonAsync($"/api/intel/objects/{id}/sightings", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {text}");
        return JsonNode.Parse(text)!["stixId"]!.GetValue<string>();
    }

    private async Task<Person> AdminOfAsync(Guid organisation)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, organisation, $"{Guid.NewGuid():N}@admin.test", Role.OrgAdmin);
    }

    /// <summary>The STIX sightings in the object's answer (none when the person may not read the object).</summary>
    private async Task<List<JsonObject>> ObjectSightingsAsync(Person person, string id)
    {
        var response = await Node.Client(person).GetAsync($"/api/intel/objects/{id}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. ((await Json.ReadAsync(response))["sightings"]?.AsArray() ?? []).Select(s => s!.AsObject())];
    }

    private async Task<List<JsonObject>> StixExportAsync(Person person)
    {
        var response = await Node.Client(person).GetAsync("/api/intel/exports/stix?includeDecayed=true");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. JsonNode.Parse(await response.Content.ReadAsStringAsync())!["objects"]!.AsArray().Select(o => o!.AsObject())];
    }

    /// <summary>The MISP export's attribute carrying <paramref name="ip"/> (null when the export has none).</summary>
    private async Task<JsonObject?> MispAttributeAsync(Person person, string ip)
    {
        var response = await Node.Client(person).GetAsync("/api/intel/exports/misp?includeDecayed=true");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var attributes = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["Event"]!["Attribute"]?.AsArray() ?? [];
        return attributes.Select(a => a!.AsObject()).FirstOrDefault(a => a["value"]!.GetValue<string>() == ip);
    }

    private static List<string> MispSightingIds(JsonObject? attribute) =>
        [.. (attribute?["Sighting"]?.AsArray() ?? []).Select(s => "sighting--" + s!["uuid"]!.GetValue<string>())];

    [Fact]
    public async Task SightingStix_Anonymous_OwnerReadsItWithoutAnyOrganisation_InAnswerAndExports()
    {
        var (indicator, ip) = await IndicatorAsync($"tlp=amber&audience=organisation:{Node.RecipientOrg}");
        var sighting = await SightAsync(Node.Recipient, indicator, new { count = 1, anonymous = true });

        var stix = Assert.Single(await ObjectSightingsAsync(Node.Owner, indicator), s => s["id"]!.GetValue<string>() == sighting);
        Assert.False(stix.ContainsKey("created_by_ref"));
        Assert.False(stix.ContainsKey("where_sighted_refs"));
        var exported = Assert.Single(await StixExportAsync(Node.Owner), o => o["id"]!.GetValue<string>() == sighting);
        Assert.DoesNotContain(Node.RecipientOrg.ToString(), exported.ToJsonString(), StringComparison.Ordinal);
        // Marked with its record's TLP.
        Assert.Contains("marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421", exported["object_marking_refs"]!.ToJsonString(), StringComparison.Ordinal);

        var attribute = await MispAttributeAsync(Node.Owner, ip);
        Assert.Equal([sighting], MispSightingIds(attribute));
        Assert.Null(attribute!["Sighting"]![0]!["Organisation"]);
        Assert.DoesNotContain("RECIP", attribute.ToJsonString(), StringComparison.Ordinal);

        // The outsider, its admin and the node admin: not the indicator, not the sighting.
        foreach (var stranger in new[] { Node.Outsider, Node.NodeAdmin, await AdminOfAsync(Node.OutsiderOrg) })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(stranger).GetAsync($"/api/intel/objects/{indicator}")).StatusCode);
            Assert.DoesNotContain(await StixExportAsync(stranger), o => o["id"]!.GetValue<string>() == sighting);
            Assert.Null(await MispAttributeAsync(stranger, ip));
        }
    }
}

public sealed class SqliteIntelSightingStixTests(SqliteNode fixture) : IntelSightingStixTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelSightingStixTests(PostgresNode fixture) : IntelSightingStixTests(fixture), IClassFixture<PostgresNode>;
