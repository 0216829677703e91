using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Data;
using Rampart.Server.Identity;

namespace Rampart.Server.Tests;

/// <summary>
/// Text search (<c>q=</c> over name and description) and indicator decay (<c>score</c>, <c>excludeDecayed</c>) through
/// HTTP, on objects written by the store's ingest: what each kind of caller finds, and what they must not.
/// The node's clock stands at 2026-11-02 09:30 UTC.
/// </summary>
public abstract class IntelSearchDecayTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static string Id(string type) => $"{type}--{Guid.NewGuid()}";

    // A word of letters and digits only (one search word), unique per test.
    private static string Tag() => "zq" + Guid.NewGuid().ToString("N")[..10];

    private static string Ip() => $"198.51.{Random.Shared.Next(101, 255)}.{Random.Shared.Next(1, 255)}";

    private static JsonObject Indicator(string id, string ip, string name, string? description = null, string validFrom = "2026-11-01T00:00:00.000Z",
        string modified = "2026-11-01T00:00:00.000Z")
    {
        var o = new JsonObject
        {
            ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2024-01-01T00:00:00.000Z", ["modified"] = modified,
            ["name"] = name, ["pattern"] = $"[ipv4-addr:value = '{ip}']", ["pattern_type"] = "stix", ["valid_from"] = validFrom,
        };
        if (description is not null)
        {
            o["description"] = description;
        }

        return o;
    }

    private async Task ImportAsync(Person person, string query, params JsonObject[] objects)
    {
        var bundle = new JsonObject { ["type"] = "bundle", ["id"] = Id("bundle"), ["objects"] = new JsonArray(objects.Select(o => (JsonNode)o.DeepClone()).ToArray()) };
        var response = await Node.Client(person).PostAsync($"/api/intel/bundles?{query}",
            new StringContent(bundle.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var job = await Json.ReadAsync(response);
        Assert.All(job["outcomes"]!.AsArray(), o => Assert.NotEqual("rejected", o!["outcome"]!.GetValue<string>()));
    }

    private async Task<List<JsonNode>> SearchAsync(Person? person, string query)
    {
        var response = await Node.Client(person).GetAsync($"/api/intel/objects?{query}&limit=200");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await Json.ReadAsync(response))["items"]!.AsArray().Select(i => i!)];
    }

    private static List<string> Ids(IEnumerable<JsonNode> items) => [.. items.Select(i => i["stixId"]!.GetValue<string>()).Order(StringComparer.Ordinal)];

    private async Task<Person> OutsiderAdminAsync()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"{Guid.NewGuid():N}@outsider-admin.test", Role.OrgAdmin);
    }

    [Fact]
    public async Task Search_TextInNameAndDescription_FindsOnlyWhatTheCallerMayRead()
    {
        var tag = Tag();
        var other = Tag();
        var shared = Id("indicator");
        var ownOnly = Id("indicator");
        await ImportAsync(Node.Owner, $"tlp=amber&audience=organisation:{Node.RecipientOrg}",
            Indicator(shared, Ip(), $"Loader {tag} command server", $"Seen in the {other} campaign against ministries."));
        await ImportAsync(Node.Owner, "tlp=amber", Indicator(ownOnly, Ip(), $"Internal {tag} notes", "Not shared."));

        // Name word, a word's start (any case), a description word, and two words together (AND).
        Assert.Equal([shared], Ids(await SearchAsync(Node.Recipient, $"q={tag}")));
        Assert.Equal([shared], Ids(await SearchAsync(Node.Recipient, $"q={tag[..6].ToUpperInvariant()}")));
        Assert.Equal([shared], Ids(await SearchAsync(Node.Recipient, $"q={other}")));
        Assert.Equal([shared], Ids(await SearchAsync(Node.Recipient, $"q=loader+{tag}")));
        Assert.Empty(await SearchAsync(Node.Recipient, $"q=internal+{tag}"));
        Assert.Equal(new[] { shared, ownOnly }.Order(StringComparer.Ordinal), Ids(await SearchAsync(Node.Owner, $"q={tag}")));

        foreach (var stranger in new[] { Node.Outsider, Node.NodeAdmin, await OutsiderAdminAsync(), null })
        {
            Assert.Empty(await SearchAsync(stranger, $"q={tag}"));
            Assert.Empty(await SearchAsync(stranger, $"q={other}"));
        }
    }

    [Fact]
    public async Task Search_NewVersionRenamesTheObject_OldWordsNoLongerFindIt()
    {
        var before = Tag();
        var after = Tag();
        var id = Id("indicator");
        var ip = Ip();
        await ImportAsync(Node.Owner, "tlp=green&audience=network", Indicator(id, ip, $"Old {before}"));
        await ImportAsync(Node.Owner, "tlp=green&audience=network", Indicator(id, ip, $"New {after}", modified: "2026-11-02T00:00:00.000Z"));

        Assert.Empty(await SearchAsync(Node.Recipient, $"q={before}"));
        Assert.Equal([id], Ids(await SearchAsync(Node.Recipient, $"q={after}")));
    }

    [Fact]
    public async Task Decay_OldAndFreshIndicators_ScoreShownAndExcludeDecayedLeavesOutTheOld()
    {
        var tag = Tag();
        var old = Id("indicator");
        var fresh = Id("indicator");
        var oldIp = Ip();
        var freshIp = Ip();
        // Addresses decay within a month: valid since January 2026 is long decayed on 2 November 2026, since yesterday is not.
        await ImportAsync(Node.Owner, "tlp=green&audience=network",
            Indicator(old, oldIp, $"Old {tag}", validFrom: "2026-01-01T00:00:00.000Z"),
            Indicator(fresh, freshIp, $"Fresh {tag}", validFrom: "2026-11-01T00:00:00.000Z"));

        var all = await SearchAsync(Node.Recipient, $"q={tag}");
        Assert.Equal(new[] { old, fresh }.Order(StringComparer.Ordinal), Ids(all));
        var oldView = all.Single(i => i["stixId"]!.GetValue<string>() == old);
        var freshView = all.Single(i => i["stixId"]!.GetValue<string>() == fresh);
        Assert.Equal(0, oldView["score"]!.GetValue<double>());
        Assert.True(oldView["decayed"]!.GetValue<bool>());
        Assert.InRange(freshView["score"]!.GetValue<double>(), 30.0001, 100);
        Assert.False(freshView["decayed"]!.GetValue<bool>());
        Assert.True(DateTimeOffset.Parse(freshView["decaysAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
                    > new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero));

        Assert.Equal([fresh], Ids(await SearchAsync(Node.Recipient, $"q={tag}&excludeDecayed=true")));
        Assert.Equal(new[] { old, fresh }.Order(StringComparer.Ordinal), Ids(await SearchAsync(Node.Recipient, $"q={tag}&excludeDecayed=false")));

        var lookupAll = await LookupAsync(Node.Recipient, "", oldIp, freshIp);
        Assert.Equal(new[] { old, fresh }.Order(StringComparer.Ordinal), lookupAll.Select(k => k["stixId"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(0, lookupAll.Single(k => k["stixId"]!.GetValue<string>() == old)["score"]!.GetValue<double>());
        var lookupLive = await LookupAsync(Node.Recipient, "?excludeDecayed=true", oldIp, freshIp);
        Assert.Equal([fresh], lookupLive.Select(k => k["stixId"]!.GetValue<string>()));

        // An object that is not an indicator does not decay: no score, never excluded.
        var sco = Id("ipv4-addr");
        await ImportAsync(Node.Owner, "tlp=green&audience=network", new JsonObject { ["type"] = "ipv4-addr", ["spec_version"] = "2.1", ["id"] = sco, ["value"] = oldIp });
        var scoView = (await SearchAsync(Node.Recipient, $"value={oldIp}&type=ipv4-addr&excludeDecayed=true")).Single();
        Assert.Null(scoView["score"]);
    }

    [Fact]
    public async Task Decay_NewVersionWithLaterValidFrom_IsNoLongerDecayed()
    {
        var tag = Tag();
        var id = Id("indicator");
        var ip = Ip();
        await ImportAsync(Node.Owner, "tlp=green&audience=network", Indicator(id, ip, $"Renewed {tag}", validFrom: "2026-01-01T00:00:00.000Z", modified: "2026-01-01T00:00:00.000Z"));
        Assert.Empty(await SearchAsync(Node.Recipient, $"q={tag}&excludeDecayed=true"));

        await ImportAsync(Node.Owner, "tlp=green&audience=network", Indicator(id, ip, $"Renewed {tag}", validFrom: "2026-11-02T00:00:00.000Z", modified: "2026-11-02T00:00:00.000Z"));

        var found = Assert.Single(await SearchAsync(Node.Recipient, $"q={tag}&excludeDecayed=true"));
        Assert.Equal(id, found["stixId"]!.GetValue<string>());
        Assert.InRange(found["score"]!.GetValue<double>(), 90, 100);
    }

    [Fact]
    public async Task Decay_ExportExcludesByTheSameColumn_IncludeDecayedBringsItBack()
    {
        var oldIp = Ip();
        var freshIp = Ip();
        await ImportAsync(Node.Owner, "tlp=green&audience=network",
            Indicator(Id("indicator"), oldIp, "Export old", validFrom: "2026-01-01T00:00:00.000Z"),
            Indicator(Id("indicator"), freshIp, "Export fresh"));

        var plain = await (await Node.Client(Node.Recipient).GetAsync("/api/intel/exports/ips")).Content.ReadAsStringAsync();
        Assert.Contains(freshIp, plain, StringComparison.Ordinal);
        Assert.DoesNotContain(oldIp + "\n", plain + "\n", StringComparison.Ordinal);
        var all = await (await Node.Client(Node.Recipient).GetAsync("/api/intel/exports/ips?includeDecayed=true")).Content.ReadAsStringAsync();
        Assert.Contains(oldIp, all, StringComparison.Ordinal);
    }

    private async Task<List<JsonNode>> LookupAsync(Person person, string query, params string[] values)
    {
        var response = await Node.Client(person).PostAsJsonAsync($"/api/intel/lookup{query}", new { values });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await Json.ReadAsync(response))["known"]!.AsArray().Select(k => k!)];
    }
}

public sealed class SqliteIntelSearchDecayTests(SqliteNode fixture) : IntelSearchDecayTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelSearchDecayTests(PostgresNode fixture) : IntelSearchDecayTests(fixture), IClassFixture<PostgresNode>;

/// <summary>
/// Sightings through HTTP: who may report, who sees which sighting, counts for every reader, anonymity against the
/// indicator's owner and every kind of administrator, and the indicator's decay restarting from the last sighting.
/// </summary>
public abstract class IntelSightingTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static string Id(string type) => $"{type}--{Guid.NewGuid()}";

    private async Task<string> IndicatorAsync(string query, string validFrom = "2026-01-01T00:00:00.000Z")
    {
        var id = Id("indicator");
        var indicator = new JsonObject
        {
            ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-01-01T00:00:00.000Z", ["modified"] = "2026-01-01T00:00:00.000Z",
            ["name"] = "sighted", ["pattern"] = $"[ipv4-addr:value = '198.51.{Random.Shared.Next(101, 255)}.{Random.Shared.Next(1, 255)}']", ["pattern_type"] = "stix",
            ["valid_from"] = validFrom,
        };
        var bundle = new JsonObject { ["type"] = "bundle", ["id"] = Id("bundle"), ["objects"] = new JsonArray(indicator) };
        var response = await Node.Client(Node.Owner).PostAsync($"/api/intel/bundles?{query}",
            new StringContent(bundle.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return id;
    }

    private async Task<HttpResponseMessage> SightAsync(Person person, string id, object body) =>
        await Node.Client(person).PostAsJsonAsync($"/api/intel/objects/{id}/sightings", body);

    private async Task<JsonNode> SightingsAsync(Person? person, string id)
    {
        var response = await Node.Client(person).GetAsync($"/api/intel/objects/{id}/sightings");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json.ReadAsync(response);
    }

    private async Task<Person> AdminOfAsync(Guid organisation)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, organisation, $"{Guid.NewGuid():N}@admin.test", Role.OrgAdmin);
    }

    [Fact]
    public async Task Sighting_ByRecipient_OwnerSeesWhoOthersSeeOnlyTheCount()
    {
        var id = await IndicatorAsync("tlp=green&audience=network");
        var response = await SightAsync(Node.Recipient, id, new { count = 3, firstSeen = "2026-10-30T00:00:00Z", lastSeen = "2026-11-01T00:00:00Z", where = "Border router" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await Json.ReadAsync(response);
        Assert.StartsWith("sighting--", created["stixId"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(Node.RecipientOrg, created["sightedBy"]!.GetValue<Guid>());

        var owners = await SightingsAsync(Node.Owner, id);
        Assert.Equal(1, owners["total"]!.GetValue<int>());
        var seen = Assert.Single(owners["items"]!.AsArray());
        Assert.Equal(Node.RecipientOrg, seen!["sightedBy"]!.GetValue<Guid>());
        Assert.Equal(3, seen["count"]!.GetValue<int>());

        // Someone else who may read the indicator: the count, not the sighting.
        var member = await SightingsAsync(Node.Member, id);
        Assert.Equal(1, member["total"]!.GetValue<int>());
        Assert.Empty(member["items"]!.AsArray());

        // The indicator shows the count and its decay restarts from the sighting (valid since January: decayed before).
        var view = await Json.ReadAsync(await Node.Client(Node.Member).GetAsync($"/api/intel/objects/{id}"));
        Assert.Equal(1, view["sightingCount"]!.GetValue<int>());
        Assert.False(view["decayed"]!.GetValue<bool>());
        Assert.True(view["score"]!.GetValue<double>() > 30);
    }

    [Fact]
    public async Task Search_LastSightedRange_FindsOnlySightedReadableObjects_StrangersFindNothing()
    {
        var audience = $"tlp=amber&audience=organisation:{Node.RecipientOrg}";
        var sighted = await IndicatorAsync(audience);
        var neverSighted = await IndicatorAsync(audience);
        var seen = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero); // before the test clock's now
        Assert.Equal(HttpStatusCode.Created, (await SightAsync(Node.Recipient, sighted, new { count = 2, firstSeen = seen, lastSeen = seen })).StatusCode);

        var from = Uri.EscapeDataString(seen.AddMinutes(-1).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var to = Uri.EscapeDataString(seen.AddMinutes(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        var found = await SearchIdsAsync(Node.Owner, $"sightedFrom={from}&sightedTo={to}&type=indicator&limit=100");
        Assert.Contains(sighted, found);
        Assert.DoesNotContain(neverSighted, found);
        Assert.DoesNotContain(sighted, await SearchIdsAsync(Node.Owner, $"sightedTo={from}&type=indicator&limit=100"));
        foreach (var stranger in new[] { Node.Outsider, Node.NodeAdmin, await AdminOfAsync(Node.OutsiderOrg) })
        {
            Assert.DoesNotContain(sighted, await SearchIdsAsync(stranger, $"sightedFrom={from}&limit=100"));
        }

        var bad = await Node.Client(Node.Owner).GetAsync("/api/intel/objects?sightedFrom=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("sightedFrom", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<List<string>> SearchIdsAsync(Person person, string query)
    {
        var response = await Node.Client(person).GetAsync($"/api/intel/objects?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await Json.ReadAsync(response))["items"]!.AsArray().Select(i => i!["stixId"]!.GetValue<string>())];
    }

    [Fact]
    public async Task Sighting_ByOrganisationThatCannotReadTheIndicator_Is404AndCountsNothing()
    {
        var id = await IndicatorAsync($"tlp=amber&audience=organisation:{Node.RecipientOrg}");
        foreach (var stranger in new[] { Node.Outsider, Node.NodeAdmin, await AdminOfAsync(Node.OutsiderOrg) })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await SightAsync(stranger, id, new { count = 1 })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(stranger).GetAsync($"/api/intel/objects/{id}/sightings")).StatusCode);
        }

        Assert.Equal(0, (await SightingsAsync(Node.Owner, id))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Sighting_Anonymous_CountedButNeverAttributedToOwnerOrAnyAdministrator()
    {
        var id = await IndicatorAsync("tlp=green&audience=network");
        var response = await SightAsync(Node.Recipient, id, new { count = 2, anonymous = true, note = "seen\non two hosts" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Null((await Json.ReadAsync(response))["sightedBy"]);

        var watchers = new[] { Node.Owner, Node.OwnerAdmin, Node.NodeAdmin, await AdminOfAsync(Node.OutsiderOrg), await AdminOfAsync(Node.MemberOrg), Node.Recipient };
        foreach (var watcher in watchers)
        {
            var list = await Node.Client(watcher).GetAsync($"/api/intel/objects/{id}/sightings");
            var text = await list.Content.ReadAsStringAsync();
            Assert.DoesNotContain(Node.RecipientOrg.ToString(), text, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(1, (await Json.ReadAsync(await Node.Client(watcher).GetAsync($"/api/intel/objects/{id}/sightings")))["total"]!.GetValue<int>());
            var obj = await (await Node.Client(watcher).GetAsync($"/api/intel/objects/{id}")).Content.ReadAsStringAsync();
            Assert.DoesNotContain(Node.RecipientOrg.ToString(), obj, StringComparison.OrdinalIgnoreCase);
        }

        // The owner sees the anonymous sighting itself (it is shared with it), without the sighter.
        var owners = await SightingsAsync(Node.Owner, id);
        var item = Assert.Single(owners["items"]!.AsArray());
        Assert.True(item!["anonymous"]!.GetValue<bool>());
        Assert.Null(item["sightedBy"]);
    }

    [Fact]
    public async Task Sighting_AnonymousAmongAttributed_ListedAfterThemWithItsDefaultTimesCutToTheHour()
    {
        var id = await IndicatorAsync("tlp=green&audience=network");
        var clock = Node.Factory.Clock;
        if (clock.GetUtcNow() is { Minute: 0, Second: 0 })
        {
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(HttpStatusCode.Created, (await SightAsync(Node.Recipient, id, new { count = 1, shareWith = "audience" })).StatusCode);
        clock.Advance(TimeSpan.FromSeconds(1));
        var anonymous = await SightAsync(Node.Recipient, id, new { count = 1, anonymous = true });
        Assert.Equal(HttpStatusCode.Created, anonymous.StatusCode);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Created, (await SightAsync(Node.Recipient, id, new { count = 1, shareWith = "audience" })).StatusCode);

        // Left out, its first and last seen are the hour it was made in, like its created time: nothing dates it to the second.
        var made = await Json.ReadAsync(anonymous);
        foreach (var field in new[] { "firstSeen", "lastSeen", "createdAt" })
        {
            var at = made[field]!.GetValue<DateTimeOffset>();
            Assert.Equal((0, 0, 0), (at.Minute, at.Second, at.Millisecond));
        }

        // Made between two attributed sightings, it is listed after both (its hour sorts below their seconds), on one page
        // and when paged one by one.
        var page = (await SightingsAsync(Node.Owner, id))["items"]!.AsArray();
        Assert.Equal([false, false, true], page.Select(i => i!["anonymous"]!.GetValue<bool>()));
        var paged = new List<bool>();
        string? next = null;
        do
        {
            var response = await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{id}/sightings?limit=1" + (next is null ? "" : "&next=" + Uri.EscapeDataString(next)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await Json.ReadAsync(response);
            paged.AddRange(body["items"]!.AsArray().Select(i => i!["anonymous"]!.GetValue<bool>()));
            next = body["next"]?.GetValue<string>();
        }
        while (next is not null);
        Assert.Equal([false, false, true], paged);

        // Live subscribers hear of the two attributed sightings only: the anonymous one wrote no outbox row.
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var record = await db.IntelObjects.Where(o => o.StixId == id).Select(o => o.RecordId).SingleAsync();
        Assert.Equal(2, await db.IntelChanges.CountAsync(c => c.RecordId == record && c.Kind == Rampart.Server.Intelligence.Store.IntelChangeKind.Sighted));
    }

    [Fact]
    public async Task Answers_SearchObjectAndCorrelations_CarryNoNodeWideRecordNumber()
    {
        var first = await IndicatorAsync("tlp=green&audience=network");
        var value = (await Json.ReadAsync(await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{first}")))["stix"]!["pattern"]!.GetValue<string>();
        var second = Id("indicator");
        var indicator = new JsonObject
        {
            ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = second, ["created"] = "2026-01-01T00:00:00.000Z", ["modified"] = "2026-01-01T00:00:00.000Z",
            ["name"] = "same value", ["pattern"] = value, ["pattern_type"] = "stix", ["valid_from"] = "2026-01-01T00:00:00.000Z",
        };
        var bundle = new JsonObject { ["type"] = "bundle", ["id"] = Id("bundle"), ["objects"] = new JsonArray(indicator) };
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(Node.Member).PostAsync("/api/intel/bundles?tlp=green&audience=network",
            new StringContent(bundle.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")))).StatusCode);

        var correlations = await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{first}/correlations");
        var correlationText = await correlations.Content.ReadAsStringAsync();
        Assert.Contains(second, correlationText, StringComparison.Ordinal);
        foreach (var text in new[]
        {
            correlationText,
            await (await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{first}")).Content.ReadAsStringAsync(),
            await (await Node.Client(Node.Owner).GetAsync("/api/intel/objects?type=indicator&limit=5")).Content.ReadAsStringAsync(),
        })
        {
            Assert.DoesNotContain("recordId", text, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("{\"count\":0}", "count")]
    [InlineData("{\"firstSeen\":\"2026-11-01T00:00:00Z\",\"lastSeen\":\"2026-10-01T00:00:00Z\"}", "firstSeen")]
    [InlineData("{\"where\":\"two\\nlines\"}", "where")]
    public async Task Sighting_BadInput_Is400NamingTheFieldAndCountsNothing(string body, string field)
    {
        var id = await IndicatorAsync("tlp=green&audience=network");
        var response = await Node.Client(Node.Recipient).PostAsync($"/api/intel/objects/{id}/sightings", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await Json.ReadAsync(response))["errors"]![field]);
        Assert.Equal(0, (await SightingsAsync(Node.Owner, id))["total"]!.GetValue<int>());
    }
}

public sealed class SqliteIntelSightingTests(SqliteNode fixture) : IntelSightingTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelSightingTests(PostgresNode fixture) : IntelSightingTests(fixture), IClassFixture<PostgresNode>;
