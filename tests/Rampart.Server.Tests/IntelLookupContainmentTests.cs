using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Identity;

namespace Rampart.Server.Tests;

/// <summary>
/// Bulk lookup (<c>POST /api/intel/lookup</c>) answering an address or network inside a network an object carries
/// (<c>match: "contained-in"</c>, with the object's <c>network</c>) next to the exact matches, for IPv4 and IPv6, through the
/// same access decision and decay filter; another organisation, its administrator and the node administrator learn
/// nothing of an AMBER network through it — the answer is byte for byte what it was before the network was shared.
/// Objects are written by the store's ingest (bundles over HTTP). SQLite and PostgreSQL.
/// </summary>
public abstract class IntelLookupContainmentTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static int octets = Random.Shared.Next(0, 124);

    // Each test takes its own second octet of 185.x (b and b + 1 are its own: a step of 2), and its own IPv6 site under 2a0b.
    private static int Octet() => 1 + (Interlocked.Add(ref octets, 2) % 248);

    private static string Site() => $"2a0b:{Random.Shared.Next(0x1000, 0xfffe):x}:{Random.Shared.Next(0x1000, 0xfffe):x}";

    private async Task<List<string>> ShareAsync(Person person, string query, string validFrom, params string[] patterns)
    {
        var ids = patterns.Select(_ => $"indicator--{Guid.NewGuid()}").ToList();
        var objects = patterns.Select((p, i) => (JsonNode)new JsonObject
        {
            ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = ids[i], ["created"] = "2026-11-01T00:00:00.000Z", ["modified"] = "2026-11-01T00:00:00.000Z",
            ["name"] = $"net {i}", ["pattern"] = p, ["pattern_type"] = "stix", ["valid_from"] = validFrom,
        }).ToArray();
        var bundle = new JsonObject { ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}", ["objects"] = new JsonArray(objects) };
        var response = await Node.Client(person).PostAsync($"/api/intel/bundles?{query}",
            new StringContent(bundle.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        Assert.All(JsonNode.Parse(text)!["outcomes"]!.AsArray(), o => Assert.Equal("added", o!["outcome"]!.GetValue<string>()));
        return ids;
    }

    private Task<List<string>> ShareAsync(string query, params string[] patterns) => ShareAsync(Node.Owner, query, "2026-11-01T00:00:00.000Z", patterns);

    private async Task<string> LookupTextAsync(Person? person, string query, IEnumerable<string> values)
    {
        var response = await Node.Client(person).PostAsync($"/api/intel/lookup{query}",
            new StringContent(new JsonObject { ["values"] = new JsonArray([.. values.Select(v => (JsonNode)v)]) }.ToJsonString(), Encoding.UTF8,
                new MediaTypeHeaderValue("application/json")));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        return text;
    }

    /// <summary>The known rows as (value, match, network, stixId), in the answer's order.</summary>
    private async Task<List<(string Value, string Match, string? Network, string StixId)>> LookupAsync(Person? person, string query, params string[] values)
    {
        var known = JsonNode.Parse(await LookupTextAsync(person, query, values))!["known"]!.AsArray();
        return [.. known.Select(k => (k!["value"]!.GetValue<string>(), k["match"]!.GetValue<string>(), k["network"]?.GetValue<string>(), k["stixId"]!.GetValue<string>()))];
    }

    private static List<(string, string, string?, string)> Sorted(params (string, string, string?, string)[] rows) =>
        [.. rows.OrderBy(r => r.Item1, StringComparer.Ordinal).ThenBy(r => r.Item2, StringComparer.Ordinal).ThenBy(r => r.Item3, StringComparer.Ordinal).ThenBy(r => r.Item4, StringComparer.Ordinal)];

    private static List<(string, string, string?, string)> Sorted(IEnumerable<(string, string, string?, string)> rows) => Sorted([.. rows]);

    private async Task<Person> AdminOfAsync(Guid organisation)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, organisation, $"{Guid.NewGuid():N}@admin.test", Role.OrgAdmin);
    }

    [Fact]
    public async Task Lookup_AddressesAndNetworksInsideSharedNetworks_AnswersExactAndContainedInWithTheNetwork()
    {
        var b = Octet();
        var c = Random.Shared.Next(0, 250);
        var site = Site();
        var ids = await ShareAsync("tlp=green&audience=network",
            $"[ipv4-addr:value = '185.{b}.{c}.7']", $"[ipv4-addr:value = '185.{b}.{c}.0/24']", $"[ipv4-addr:value = '185.{b}.0.0/16']",
            $"[ipv6-addr:value = '{site}::/48']", $"[ipv6-addr:value = '{site}:1::/64']");
        var (address, net24, net16, net48, net64) = (ids[0], ids[1], ids[2], ids[3], ids[4]);

        var found = await LookupAsync(Node.Outsider, "",
            $"185.{b}.{c}.7", $"185.{b}.{c + 1}.9", $"185.{b}.{c}.128/25", $"185.{b + 1}.0.1", $"{site}:1:0:0:0:5", $"{site.ToUpperInvariant()}:2::5", $"{site}:1::/80");

        Assert.Equal(Sorted(
            ($"185.{b}.{c}.7", "exact", null, address),
            ($"185.{b}.{c}.7", "contained-in", $"185.{b}.{c}.0/24", net24),
            ($"185.{b}.{c}.7", "contained-in", $"185.{b}.0.0/16", net16),
            ($"185.{b}.{c + 1}.9", "contained-in", $"185.{b}.0.0/16", net16),
            ($"185.{b}.{c}.128/25", "contained-in", $"185.{b}.{c}.0/24", net24),
            ($"185.{b}.{c}.128/25", "contained-in", $"185.{b}.0.0/16", net16),
            ($"{site}:1::5", "contained-in", $"{site}::/48", net48),
            ($"{site}:1::5", "contained-in", $"{site}:1::/64", net64),
            ($"{site}:2::5", "contained-in", $"{site}::/48", net48),
            ($"{site}:1::/80", "contained-in", $"{site}::/48", net48),
            ($"{site}:1::/80", "contained-in", $"{site}:1::/64", net64)), Sorted(found));

        // A network looked up is its own exact match, not contained in itself; networks=false answers exact matches only.
        Assert.Equal([($"185.{b}.{c}.0/24", "exact", (string?)null, net24), ($"185.{b}.{c}.0/24", "contained-in", $"185.{b}.0.0/16", net16)],
            await LookupAsync(Node.Outsider, "", $"185.{b}.{c}.0/24"));
        Assert.Equal([($"185.{b}.{c}.7", "exact", (string?)null, address)], await LookupAsync(Node.Outsider, "?networks=false", $"185.{b}.{c}.7", $"{site}::5"));
    }

    [Fact]
    public async Task Lookup_AmberNetworksOfAnother_StrangersLearnNothingThroughContainment_TheRecipientDoes()
    {
        var b = Octet();
        var site = Site();
        var outsiderAdmin = await AdminOfAsync(Node.OutsiderOrg);
        string[] values = [$"185.{b}.3.7", $"185.{b}.3.0/28", $"{site}::9", $"{site}:1::/64", $"185.{b}.4.1"];

        // The outsider's own address inside what will be the owner's network: it sees its own exact match, nothing more.
        var outsiderOwn = (await ShareAsync(Node.Outsider, "tlp=amber", "2026-11-01T00:00:00.000Z", $"[ipv4-addr:value = '185.{b}.4.1']"))[0];
        Person?[] strangers = [Node.Outsider, outsiderAdmin, Node.NodeAdmin, Node.Member];
        var before = new List<string>();
        foreach (var stranger in strangers)
        {
            before.Add(await LookupTextAsync(stranger, "", values));
        }

        var hidden = await ShareAsync($"tlp=amber&audience=organisation:{Node.RecipientOrg}",
            $"[ipv4-addr:value = '185.{b}.0.0/16']", $"[ipv4-addr:value = '185.{b}.3.0/24']", $"[ipv6-addr:value = '{site}::/48']");

        for (var i = 0; i < strangers.Length; i++)
        {
            // The same answer, byte for byte, as before the networks existed: no row, count or field tells of them.
            var after = await LookupTextAsync(strangers[i], "", values);
            Assert.Equal(before[i], after);
            Assert.Equal(values.Length, JsonNode.Parse(after)!["submitted"]!.GetValue<int>());
            Assert.All(hidden, h => Assert.DoesNotContain(h, after, StringComparison.Ordinal));
            Assert.DoesNotContain("contained-in", after, StringComparison.Ordinal);
        }

        // The outsider and its administrator see their own organisation's address; the node administrator nothing.
        Assert.Equal([($"185.{b}.4.1", "exact", (string?)null, outsiderOwn)], await LookupAsync(Node.Outsider, "", values));
        Assert.Equal([($"185.{b}.4.1", "exact", (string?)null, outsiderOwn)], await LookupAsync(outsiderAdmin, "", values));
        Assert.Empty(await LookupAsync(Node.NodeAdmin, "", values));

        // Not logged in: no answer at all.
        var anonymous = await Node.Client(null).PostAsync("/api/intel/lookup", new StringContent("{\"values\":[\"185.1.1.1\"]}", Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        // The organisation they are shared with reads them through the same rule, as contained-in.
        Assert.Equal(Sorted(
            ($"185.{b}.3.7", "contained-in", $"185.{b}.0.0/16", hidden[0]),
            ($"185.{b}.3.7", "contained-in", $"185.{b}.3.0/24", hidden[1]),
            ($"185.{b}.3.0/28", "contained-in", $"185.{b}.0.0/16", hidden[0]),
            ($"185.{b}.3.0/28", "contained-in", $"185.{b}.3.0/24", hidden[1]),
            ($"{site}::9", "contained-in", $"{site}::/48", hidden[2]),
            ($"{site}:1::/64", "contained-in", $"{site}::/48", hidden[2]),
            ($"185.{b}.4.1", "contained-in", $"185.{b}.0.0/16", hidden[0])), Sorted(await LookupAsync(Node.Recipient, "", values)));
    }

    [Fact]
    public async Task Lookup_DecayedNetworkIndicator_ContainedInLeftOutWithExcludeDecayed()
    {
        var b = Octet();
        var decayed = (await ShareAsync(Node.Owner, "tlp=green&audience=network", "2026-01-01T00:00:00.000Z", $"[ipv4-addr:value = '185.{b}.7.0/24']"))[0];
        var fresh = (await ShareAsync("tlp=green&audience=network", $"[ipv4-addr:value = '185.{b}.0.0/16']"))[0];

        Assert.Equal(Sorted(($"185.{b}.7.1", "contained-in", $"185.{b}.0.0/16", fresh), ($"185.{b}.7.1", "contained-in", $"185.{b}.7.0/24", decayed)),
            Sorted(await LookupAsync(Node.Recipient, "", $"185.{b}.7.1")));
        Assert.Equal([($"185.{b}.7.1", "contained-in", (string?)$"185.{b}.0.0/16", fresh)], await LookupAsync(Node.Recipient, "?excludeDecayed=true", $"185.{b}.7.1"));
        var body = JsonNode.Parse(await LookupTextAsync(Node.Recipient, "", [$"185.{b}.7.1"]))!["known"]!.AsArray();
        Assert.Equal(0, body.Single(k => k!["stixId"]!.GetValue<string>() == decayed)!["score"]!.GetValue<double>());
    }

    [Fact]
    public async Task Lookup_ThousandsOfAddresses_ContainmentCandidatesSpanSeveralStatements_EveryMatchAnswered()
    {
        // Stored /31 and /30 networks make one candidate key per two or four addresses: more than one statement's worth.
        var b = Octet();
        var values = Enumerable.Range(0, 2500).Select(i => $"185.{b}.{i / 250}.{i % 250}").ToList();
        var ids = await ShareAsync("tlp=green&audience=network", $"[ipv4-addr:value = '185.{b}.0.0/31']", $"[ipv4-addr:value = '185.{b}.9.244/30']");
        var hidden = await ShareAsync($"tlp=amber&audience=organisation:{Node.RecipientOrg}", $"[ipv4-addr:value = '185.{b}.5.100/31']");

        var found = await LookupAsync(Node.Outsider, "", [.. values]);
        Assert.Equal(Sorted(
            ($"185.{b}.0.0", "contained-in", $"185.{b}.0.0/31", ids[0]),
            ($"185.{b}.0.1", "contained-in", $"185.{b}.0.0/31", ids[0]),
            ($"185.{b}.9.244", "contained-in", $"185.{b}.9.244/30", ids[1]),
            ($"185.{b}.9.245", "contained-in", $"185.{b}.9.244/30", ids[1]),
            ($"185.{b}.9.246", "contained-in", $"185.{b}.9.244/30", ids[1]),
            ($"185.{b}.9.247", "contained-in", $"185.{b}.9.244/30", ids[1])), Sorted(found));

        var recipient = await LookupAsync(Node.Recipient, "", [.. values]);
        Assert.Equal(8, recipient.Count);
        Assert.Equal(2, recipient.Count(r => r.StixId == hidden[0]));
    }
}

public sealed class SqliteIntelLookupContainmentTests(SqliteNode fixture) : IntelLookupContainmentTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelLookupContainmentTests(PostgresNode fixture) : IntelLookupContainmentTests(fixture), IClassFixture<PostgresNode>;
