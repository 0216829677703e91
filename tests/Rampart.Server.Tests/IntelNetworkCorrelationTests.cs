using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Identity;

namespace Rampart.Server.Tests;

/// <summary>
/// Correlation and search through network ranges and domain names, on objects written by the store's ingest (bundles
/// over HTTP): an IP address inside a CIDR, nested (overlapping) CIDRs, a domain and its subdomains and parents, and
/// the same for IPv6 addresses and prefixes; what another organisation and the administrators see of an AMBER copy.
/// SQLite and PostgreSQL.
/// </summary>
public abstract class IntelNetworkCorrelationTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static string Tag() => "n" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The owner shares one indicator per pattern at <paramref name="query"/>; their STIX ids in order.</summary>
    private Task<List<string>> ShareAsync(string query, params string[] patterns) => ShareAsAsync(Node.Owner, query, patterns);

    private async Task<List<string>> ShareAsAsync(Person person, string query, params string[] patterns)
    {
        var ids = patterns.Select(_ => $"indicator--{Guid.NewGuid()}").ToList();
        var objects = patterns.Select((p, i) => (JsonNode)new JsonObject
        {
            ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = ids[i], ["created"] = "2026-11-01T00:00:00.000Z", ["modified"] = "2026-11-01T00:00:00.000Z",
            ["name"] = $"net {i}", ["pattern"] = p, ["pattern_type"] = "stix", ["valid_from"] = "2026-11-01T00:00:00.000Z",
        }).ToArray();
        var bundle = new JsonObject { ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}", ["objects"] = new JsonArray(objects) };
        var response = await Node.Client(person).PostAsync($"/api/intel/bundles?{query}",
            new StringContent(bundle.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        Assert.All(JsonNode.Parse(text)!["outcomes"]!.AsArray(), o => Assert.Equal("added", o!["outcome"]!.GetValue<string>()));
        return ids;
    }

    private async Task<List<string>> CorrelatedAsync(Person? person, string id)
    {
        var response = await Node.Client(person).GetAsync($"/api/intel/objects/{id}/correlations?limit=200");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await Json.ReadAsync(response))["items"]!.AsArray().Select(i => i!["stixId"]!.GetValue<string>()).Order(StringComparer.Ordinal)];
    }

    private async Task<List<string>> SearchAsync(Person? person, string value, string match)
    {
        var response = await Node.Client(person).GetAsync($"/api/intel/objects?value={Uri.EscapeDataString(value)}&match={match}&type=indicator&limit=200");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await Json.ReadAsync(response))["items"]!.AsArray().Select(i => i!["stixId"]!.GetValue<string>()).Order(StringComparer.Ordinal)];
    }

    private static List<string> Sorted(params string[] ids) => [.. ids.Order(StringComparer.Ordinal)];

    private async Task<Person> AdminOfAsync(Guid organisation)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, organisation, $"{Guid.NewGuid():N}@admin.test", Role.OrgAdmin);
    }

    [Fact]
    public async Task Correlation_Ipv4AddressInNestedCidrs_LinksAddressAndBothNetworks_NotTheDisjointOne()
    {
        // 100.64.0.0/10 is shared address space: a random second octet from 64 to 127 keeps each run's ranges its own.
        var b = Random.Shared.Next(64, 96);
        var c = Random.Shared.Next(0, 254);
        var ids = await ShareAsync("tlp=green&audience=network",
            $"[ipv4-addr:value = '100.{b}.{c}.7']", $"[ipv4-addr:value = '100.{b}.{c}.0/24']", $"[ipv4-addr:value = '100.{b}.0.0/16']", $"[ipv4-addr:value = '100.{b}.{c + 1}.0/24']");
        var (address, net24, net16, disjoint) = (ids[0], ids[1], ids[2], ids[3]);

        Assert.Equal(Sorted(net24, net16), await CorrelatedAsync(Node.Recipient, address));
        Assert.Equal(Sorted(address, net16), await CorrelatedAsync(Node.Recipient, net24));
        Assert.Equal(Sorted(address, net24, disjoint), await CorrelatedAsync(Node.Recipient, net16));
        Assert.Equal(Sorted(net16), await CorrelatedAsync(Node.Recipient, disjoint));

        Assert.Equal(Sorted(address, net24, net16), await SearchAsync(Node.Recipient, $"100.{b}.{c}.7", "network"));
        Assert.Equal(Sorted(address, net24, net16), await SearchAsync(Node.Recipient, $"100.{b}.{c}.0/25", "network"));
    }

    [Fact]
    public async Task Correlation_Ipv6AddressAndPrefixes_StoredSearchedAndCorrelatedLikeIpv4()
    {
        var site = $"2001:db8:{Random.Shared.Next(0x100, 0x7fff):x}";
        var ids = await ShareAsync("tlp=green&audience=network",
            $"[ipv6-addr:value = '{site}::5']", $"[ipv6-addr:value = '{site}::/48']", $"[ipv6-addr:value = '{site}:1::/64']", $"[ipv6-addr:value = '{site}:0:0:0:0:a']");
        var (address, net48, net64, other) = (ids[0], ids[1], ids[2], ids[3]);

        // Stored normalised: an exact search in another spelling finds the address.
        Assert.Equal(Sorted(address), await SearchAsync(Node.Recipient, $"{site.ToUpperInvariant()}:0:0:0:0:5", "exact"));
        Assert.Equal(Sorted(address, net48, net64, other), await SearchAsync(Node.Recipient, $"{site}::/48", "network"));
        Assert.Equal(Sorted(address, net48), await SearchAsync(Node.Recipient, $"{site}::5", "network"));
        Assert.Equal(Sorted(net48, net64), await SearchAsync(Node.Recipient, $"{site}:1:2::/96", "network"));

        Assert.Equal(Sorted(net48), await CorrelatedAsync(Node.Recipient, address));
        Assert.Equal(Sorted(address, net64, other), await CorrelatedAsync(Node.Recipient, net48));
        Assert.Equal(Sorted(net48), await CorrelatedAsync(Node.Recipient, net64));
    }

    [Fact]
    public async Task Correlation_DomainAndSubdomains_LinkBothWays_NotALookalike()
    {
        var tag = Tag();
        var ids = await ShareAsync("tlp=green&audience=network",
            $"[domain-name:value = '{tag}.example']", $"[domain-name:value = 'login.{tag}.example']", $"[domain-name:value = 'a.b.login.{tag}.example']",
            $"[domain-name:value = 'x{tag}.example']", $"[url:value = 'https://cdn.{tag}.example/p']");
        var (parent, child, grandchild, lookalike, url) = (ids[0], ids[1], ids[2], ids[3], ids[4]);

        Assert.Equal(Sorted(child, grandchild, url), await CorrelatedAsync(Node.Recipient, parent));
        Assert.Equal(Sorted(parent, grandchild), await CorrelatedAsync(Node.Recipient, child));
        Assert.Equal(Sorted(parent, child), await CorrelatedAsync(Node.Recipient, grandchild));
        Assert.Empty(await CorrelatedAsync(Node.Recipient, lookalike));
        Assert.Equal(Sorted(parent, child, grandchild, url), await SearchAsync(Node.Recipient, $"{tag}.example", "domain"));
    }

    [Fact]
    public async Task Correlation_ManyRelatedValuesOnlyOthersHold_DoNotCrowdOutTheViewersOwn()
    {
        // The owner holds 520 subdomains of a domain at AMBER (its organisation only); the recipient's organisation holds the
        // domain and one subdomain that sorts after all of them. Values only others hold used to fill the 500 related values
        // taken before the access decision, so the recipient's own subdomain went missing from its domain's correlations.
        var tag = Tag();
        await ShareAsync("tlp=amber", [.. Enumerable.Range(0, 520).Select(i => $"[domain-name:value = 's{i:D3}.{tag}.example']")]);
        var mine = await ShareAsAsync(Node.Recipient, "tlp=amber", $"[domain-name:value = '{tag}.example']", $"[domain-name:value = 'zz.{tag}.example']");

        Assert.Equal(Sorted(mine[1]), await CorrelatedAsync(Node.Recipient, mine[0]));
        Assert.Equal(Sorted(mine[0]), await CorrelatedAsync(Node.Recipient, mine[1]));
    }

    [Fact]
    public async Task Correlation_MoreRelatedValuesOnlyOthersHoldThanTheScanLooksAt_TheViewersAnswerIsTheSameAsWithout()
    {
        // Gap 2 of the issue-9 audit, second form: the domain range was cut at 20,000 values *before* the access decision
        // (MaxScannedValues), so more than 20,000 subdomains held only by another organisation (AMBER, its own) pushed the
        // viewer's own subdomain out of its domain's correlations. The viewer's answer must not depend on them at all.
        // 20,002 AMBER subdomains of the owner's organisation, stored before the viewer's and sorting before its "zz"
        // (two bundles: each under the direct-import size).
        var tag = Tag();
        foreach (var part in Enumerable.Range(0, 20_002).Chunk(10_001))
        {
            await ShareAsync("tlp=amber", [.. part.Select(i => $"[domain-name:value = 's{i:D5}.{tag}.example']")]);
        }

        // The viewer's domain and subdomain there, and the same pair under a domain nobody else holds anything of.
        var control = Tag();
        var mine = await ShareAsAsync(Node.Recipient, "tlp=amber", $"[domain-name:value = '{tag}.example']", $"[domain-name:value = 'zz.{tag}.example']");
        var alone = await ShareAsAsync(Node.Recipient, "tlp=amber", $"[domain-name:value = '{control}.example']", $"[domain-name:value = 'zz.{control}.example']");

        var with = (await CorrelationsBodyAsync(Node.Recipient, mine[0])).Replace(mine[0], "SELF", StringComparison.Ordinal).Replace(mine[1], "ID", StringComparison.Ordinal).Replace(tag, "TAG", StringComparison.Ordinal);
        var without = (await CorrelationsBodyAsync(Node.Recipient, alone[0])).Replace(alone[0], "SELF", StringComparison.Ordinal).Replace(alone[1], "ID", StringComparison.Ordinal).Replace(control, "TAG", StringComparison.Ordinal);
        Assert.Contains("\"ID\"", without, StringComparison.Ordinal);
        Assert.Equal(without, with);
        Assert.Equal(Sorted(mine[0]), await CorrelatedAsync(Node.Recipient, mine[1]));
    }

    private async Task<string> CorrelationsBodyAsync(Person person, string id)
    {
        var response = await Node.Client(person).GetAsync($"/api/intel/objects/{id}/correlations?limit=200");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Correlation_AmberNetworkOfTheOwner_OutsiderAndAdminsSeeNothingThroughTheirOwnAddress()
    {
        // Ranges of their own (the other tests take 100.64–95 and 2001:db8:0100–7fff).
        var site = $"2001:db8:{Random.Shared.Next(0x8000, 0xfffe):x}";
        var b = Random.Shared.Next(96, 127);
        var hidden = await ShareAsync($"tlp=amber&audience=organisation:{Node.RecipientOrg}", $"[ipv6-addr:value = '{site}::/48']", $"[ipv4-addr:value = '100.{b}.0.0/16']");
        var outsiderAdmin = await AdminOfAsync(Node.OutsiderOrg);

        // The outsider's own indicators inside those networks.
        var ids = PatternsOf(site, b).Select(_ => $"indicator--{Guid.NewGuid()}").ToList();
        var bundle = new JsonObject
        {
            ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}",
            ["objects"] = new JsonArray([.. PatternsOf(site, b).Select((p, i) => (JsonNode)new JsonObject
            {
                ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = ids[i], ["created"] = "2026-11-01T00:00:00.000Z", ["modified"] = "2026-11-01T00:00:00.000Z",
                ["name"] = "mine", ["pattern"] = p, ["pattern_type"] = "stix", ["valid_from"] = "2026-11-01T00:00:00.000Z",
            })]),
        };
        var response = await Node.Client(Node.Outsider).PostAsync("/api/intel/bundles?tlp=amber",
            new StringContent(bundle.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        foreach (var stranger in new[] { Node.Outsider, outsiderAdmin })
        {
            foreach (var own in ids)
            {
                Assert.Empty((await CorrelatedAsync(stranger, own)).Intersect(hidden));
            }
        }

        foreach (var stranger in new Person?[] { Node.Outsider, outsiderAdmin, Node.NodeAdmin, Node.Member })
        {
            Assert.Empty((await SearchAsync(stranger, $"{site}::9", "network")).Intersect(hidden));
            Assert.Empty((await SearchAsync(stranger, $"100.{b}.1.1", "network")).Intersect(hidden));
        }

        // The recipient reads them, and the owner sees its network correlate with the outsider's nothing (not shared with it).
        Assert.Equal(Sorted([.. hidden]), Sorted([.. (await SearchAsync(Node.Recipient, $"{site}::9", "network")).Concat(await SearchAsync(Node.Recipient, $"100.{b}.1.1", "network"))]));
        Assert.Empty((await CorrelatedAsync(Node.Owner, hidden[0])).Intersect(ids));

        static string[] PatternsOf(string site, int b) => [$"[ipv6-addr:value = '{site}::9']", $"[ipv4-addr:value = '100.{b}.1.1']"];
    }
}

public sealed class SqliteIntelNetworkCorrelationTests(SqliteNode fixture) : IntelNetworkCorrelationTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelNetworkCorrelationTests(PostgresNode fixture) : IntelNetworkCorrelationTests(fixture), IClassFixture<PostgresNode>;
