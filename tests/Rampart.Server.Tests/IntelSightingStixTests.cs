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

    private HttpClient TaxiiClient(Person person)
    {
        var client = Node.Client(person);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Accept", Taxii);
        return client;
    }

    /// <summary>The ids of the objects of one TAXII envelope answer (none when the answer has none or is a 404).</summary>
    private async Task<List<string>> TaxiiIdsAsync(Person person, string url)
    {
        var response = await TaxiiClient(person).GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"{url}: {response.StatusCode}: {text}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        var node = JsonNode.Parse(text)!;
        var items = node["objects"]?.AsArray() ?? node["versions"]?.AsArray() ?? [];
        return [.. items.Select(o => o is JsonObject j ? j["id"]!.GetValue<string>() : o!.GetValue<string>())];
    }

    private async Task<List<string>> ManifestIdsAsync(Person person, string collection, string query)
    {
        var response = await TaxiiClient(person).GetAsync($"/taxii2/api/collections/{collection}/manifest/?{query}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        return [.. (JsonNode.Parse(text)!["objects"]?.AsArray() ?? []).Select(o => o!["id"]!.GetValue<string>())];
    }

    private async Task<string> NetworkCollectionAsync()
    {
        var created = await Node.Client(Node.NodeAdmin).PostAsync("/api/taxii/collections", new { title = $"Network {Guid.NewGuid():N}", network = true });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await Json.ReadAsync(created))["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task SightingStix_SharedWithTheOwner_OwnerAndReporterReadItEverywhere_OthersAndEveryAdminNowhere()
    {
        // A GREEN network indicator of the owner; the recipient reports a sighting shared with the owner only (the default).
        var (indicator, ip) = await IndicatorAsync("tlp=green&audience=network");
        var sighting = await SightAsync(Node.Recipient, indicator, new { count = 4, firstSeen = "2026-10-30T00:00:00Z", lastSeen = "2026-11-01T00:00:00Z", where = "Border router 2" });
        // A STIX id as the OASIS schema has it (RFC 4122 version 1–5): TAXII clients match it and consumers validate it.
        Assert.True(Rampart.Standards.Stix.StixIdentifier.TryParse(sighting, out var sightingType, out _), sighting);
        Assert.Equal("sighting", sightingType);
        // TAXII serves versions once older than Rampart:Taxii:ClockAllowance (2 s).
        Node.Factory.Clock.Advance(TimeSpan.FromSeconds(3));
        var collection = await NetworkCollectionAsync();
        var objects = $"/taxii2/api/collections/{collection}/objects/";

        foreach (var reader in new[] { Node.Owner, Node.OwnerAdmin, Node.Recipient })
        {
            var stix = Assert.Single(await ObjectSightingsAsync(reader, indicator), s => s["id"]!.GetValue<string>() == sighting);
            Assert.Equal("sighting", stix["type"]!.GetValue<string>());
            Assert.Equal(indicator, stix["sighting_of_ref"]!.GetValue<string>());
            Assert.Equal(4, stix["count"]!.GetValue<int>());
            // The owner sees who: the reporter's identity.
            Assert.Equal(stix["created_by_ref"]!.GetValue<string>(), stix["where_sighted_refs"]![0]!.GetValue<string>());
            Assert.Equal(Rampart.Server.Intelligence.Store.IntelIdentity.Of(Node.RecipientOrg), stix["created_by_ref"]!.GetValue<string>());

            var list = await Json.ReadAsync(await Node.Client(reader).GetAsync($"/api/intel/objects/{indicator}/sightings"));
            Assert.Equal(sighting, Assert.Single(list["items"]!.AsArray())!["stix"]!["id"]!.GetValue<string>());

            var exported = await StixExportAsync(reader);
            var inExport = Assert.Single(exported, o => o["id"]!.GetValue<string>() == sighting);
            Assert.Equal(indicator, inExport["sighting_of_ref"]!.GetValue<string>());
            Assert.Contains(exported, o => o["id"]!.GetValue<string>() == indicator);

            var attribute = await MispAttributeAsync(reader, ip);
            Assert.Equal([sighting], MispSightingIds(attribute));
            Assert.Equal("Border router 2", attribute!["Sighting"]![0]!["source"]!.GetValue<string>());
            Assert.Equal("RECIP", attribute["Sighting"]![0]!["Organisation"]!["name"]!.GetValue<string>());

            // TAXII, on a network collection: by match[id], in the listing of sightings, in the manifest, by its id and its versions.
            var byMatch = await TaxiiClient(reader).GetAsync($"{objects}?match[id]={sighting}");
            var envelopeText = await byMatch.Content.ReadAsStringAsync();
            Assert.True(byMatch.StatusCode == HttpStatusCode.OK && envelopeText.Contains(sighting, StringComparison.Ordinal), $"{byMatch.StatusCode}: {envelopeText}");
            var served = Assert.Single(JsonNode.Parse(envelopeText)!["objects"]!.AsArray())!.AsObject();
            Assert.Equal(sighting, served["id"]!.GetValue<string>());
            Assert.Equal(indicator, served["sighting_of_ref"]!.GetValue<string>());
            Assert.Equal(4, served["count"]!.GetValue<int>());
            Assert.Contains("marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb", served["object_marking_refs"]!.ToJsonString(), StringComparison.Ordinal);
            Assert.Contains(sighting, await TaxiiIdsAsync(reader, $"{objects}?match[type]=sighting&limit=1000"));
            Assert.Contains(sighting, await ManifestIdsAsync(reader, collection, $"match[id]={sighting}"));
            Assert.Contains(sighting, await ManifestIdsAsync(reader, collection, "match[type]=sighting&limit=1000"));
            Assert.Equal([sighting], await TaxiiIdsAsync(reader, $"{objects}{sighting}/"));
            Assert.Single(await TaxiiIdsAsync(reader, $"{objects}{sighting}/versions/"));
            // The sighted indicator is served beside it, as before.
            Assert.Equal([indicator], await TaxiiIdsAsync(reader, $"{objects}?match[id]={indicator}"));
        }

        // Readers of the indicator the sighting is not shared with, and every kind of administrator outside the two
        // organisations: the count at most, never the sighting.
        var strangers = new[] { Node.Member, Node.Outsider, Node.SameCountry, Node.NodeAdmin, await AdminOfAsync(Node.OutsiderOrg), await AdminOfAsync(Node.MemberOrg) };
        foreach (var stranger in strangers)
        {
            Assert.DoesNotContain(await ObjectSightingsAsync(stranger, indicator), s => s["id"]!.GetValue<string>() == sighting);
            var list = await Node.Client(stranger).GetAsync($"/api/intel/objects/{indicator}/sightings");
            if (list.StatusCode == HttpStatusCode.OK)
            {
                Assert.DoesNotContain(sighting, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            // By its id: a sighting is no intelligence object of anyone's.
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(stranger).GetAsync($"/api/intel/objects/{sighting}")).StatusCode);
            Assert.DoesNotContain(await StixExportAsync(stranger), o => o["id"]!.GetValue<string>() == sighting);
            Assert.Empty(MispSightingIds(await MispAttributeAsync(stranger, ip)));

            // TAXII: the network collection every one of them reads serves them the indicator, never the sighting.
            Assert.Equal([indicator], await TaxiiIdsAsync(stranger, $"{objects}?match[id]={indicator}"));
            var page = await TaxiiClient(stranger).GetAsync($"{objects}?match[id]={sighting}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.DoesNotContain(sighting, await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.DoesNotContain(sighting, await TaxiiIdsAsync(stranger, $"{objects}?match[type]=sighting&limit=1000"));
            Assert.DoesNotContain(sighting, await TaxiiIdsAsync(stranger, $"{objects}?limit=1000&added_after=2026-01-01T00:00:00Z"));
            Assert.DoesNotContain(sighting, await ManifestIdsAsync(stranger, collection, $"match[id]={sighting}"));
            Assert.DoesNotContain(sighting, await ManifestIdsAsync(stranger, collection, "match[type]=sighting&limit=1000"));
            Assert.Equal(HttpStatusCode.NotFound, (await TaxiiClient(stranger).GetAsync($"{objects}{sighting}/")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await TaxiiClient(stranger).GetAsync($"{objects}{sighting}/versions/")).StatusCode);
        }
    }

    [Fact]
    public async Task SightingTaxii_SightingsMixedWithObjects_PagesVisitEachOnceInOrder_AnonymousAfterItsHour()
    {
        // An owner collection of the owner's own objects: indicators and the sightings of them, interleaved in time.
        var created = await Node.Client(Node.OwnerAdmin).PostAsync("/api/taxii/collections", new
        {
            title = $"Own {Guid.NewGuid():N}",
            filter = new { owners = new[] { Node.OwnerOrg } },
            readers = new object[] { new { kind = "organisation", id = Node.OwnerOrg } },
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var collection = (await Json.ReadAsync(created))["id"]!.GetValue<string>();
        var objects = $"/taxii2/api/collections/{collection}/objects/";

        var start = Node.Factory.Clock.GetUtcNow();
        var expected = new List<string>();
        var (first, _) = await IndicatorAsync($"tlp=amber&audience=organisation:{Node.RecipientOrg}");
        expected.Add(first);
        Node.Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        expected.Add(await SightAsync(Node.Recipient, first, new { count = 1 }));
        Node.Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        var (second, _) = await IndicatorAsync("tlp=green&audience=network");
        expected.Add(second);
        Node.Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        expected.Add(await SightAsync(Node.Owner, second, new { count = 2 }));
        Node.Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        expected.Add(await SightAsync(Node.Recipient, first, new { count = 3 }));
        var anonymous = await SightAsync(Node.Member, second, new { count = 1, anonymous = true, shareWith = "owner" });
        Node.Factory.Clock.Advance(TimeSpan.FromSeconds(3));

        // Not yet: an anonymous sighting is added (for TAXII) at the end of its hour, never dated to the second.
        var added = Uri.EscapeDataString(start.AddMilliseconds(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture));
        foreach (var limit in new[] { 1, 2, 3, 100 })
        {
            var seen = new List<string>();
            string? next = null;
            for (var pages = 0; pages < 20; pages++)
            {
                var response = await TaxiiClient(Node.Owner).GetAsync($"{objects}?added_after={added}&limit={limit}" + (next is null ? "" : $"&next={Uri.EscapeDataString(next)}"));
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
                var page = JsonNode.Parse(text)!;
                seen.AddRange((page["objects"]?.AsArray() ?? []).Select(o => o!["id"]!.GetValue<string>()));
                next = page["next"]?.GetValue<string>();
                if (page["more"]?.GetValue<bool>() != true)
                {
                    break;
                }
            }

            Assert.Equal(expected, seen.Where(expected.Contains).ToList());
            Assert.Equal(seen.Count, seen.Distinct().Count());
            Assert.DoesNotContain(anonymous, seen);
        }

        // After its hour it is served, without any organisation, to the sighted object's owner; the reporter's own
        // organisation is not this collection's reader, and another organisation never gets it.
        Node.Factory.Clock.Advance(TimeSpan.FromHours(1));
        var served = await Json.ReadAsync(await TaxiiClient(Node.Owner).GetAsync($"{objects}?match[id]={anonymous}"));
        var stix = Assert.Single(served["objects"]!.AsArray())!.AsObject();
        Assert.False(stix.ContainsKey("created_by_ref"));
        Assert.False(stix.ContainsKey("where_sighted_refs"));
        Assert.DoesNotContain(Node.MemberOrg.ToString(), stix.ToJsonString(), StringComparison.Ordinal);
        var network = await NetworkCollectionAsync();
        foreach (var stranger in new[] { Node.Outsider, Node.NodeAdmin, await AdminOfAsync(Node.OutsiderOrg) })
        {
            Assert.Empty(await TaxiiIdsAsync(stranger, $"/taxii2/api/collections/{network}/objects/?match[id]={anonymous}"));
        }
    }

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
