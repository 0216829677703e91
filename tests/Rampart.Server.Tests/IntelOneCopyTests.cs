using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Intelligence.Live;
using Rampart.Standards.Stix;

namespace Rampart.Server.Tests;

/// <summary>
/// One copy per STIX id per reader in every read path (review s6 R2, after F4): A (OWNER) shares a malware, an
/// indicator and an IPv4 SCO with the network; C (OUTSIDE) writes the same ids later — the malware revoked as
/// "FALSE POSITIVE", the indicator with another address — and the SCO (deterministic id, the legitimate collision).
/// B (MEMBER) must be served exactly one copy of each id, A's; A its own; C its own — in the object list and search,
/// the object by id, the STIX, CSV, MISP and plain-list exports, and the change reader behind the live stream and
/// webhooks. TAXII is covered by <c>TaxiiTests.SameIdFromAnotherOrganisation_IsNeverServedAsANewerVersionOfTheOriginal</c>.
/// </summary>
public abstract class IntelOneCopyTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private sealed record Collision(string Tag, string Malware, string Indicator, string Sco, string Ip, string IpOfA, string IpOfC, long FirstChange, long LastChange);

    private static string Bundle(params JsonObject[] objects) =>
        new JsonObject { ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}", ["objects"] = new JsonArray([.. objects.Select(o => (JsonNode)o)]) }.ToJsonString();

    private static string RandomIp() => $"198.18.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(1, 255)}";

    private static JsonObject Malware(string id, string tag, string modified, string? description, bool revoked) => new()
    {
        ["type"] = "malware", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-10-01T00:00:00.000Z", ["modified"] = modified,
        ["name"] = $"alpharat{tag}", ["description"] = description, ["is_family"] = true, ["revoked"] = revoked,
    };

    private static JsonObject Indicator(string id, string tag, string modified, string ip) => new()
    {
        ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-10-01T00:00:00.000Z", ["modified"] = modified,
        ["name"] = $"alpharat{tag} c2", ["pattern"] = $"[ipv4-addr:value = '{ip}']", ["pattern_type"] = "stix", ["valid_from"] = "2026-10-01T00:00:00.000Z",
    };

    private static JsonObject Ipv4(string ip) => new()
    {
        ["type"] = "ipv4-addr", ["spec_version"] = "2.1", ["id"] = ScoIds.Compute(new JsonObject { ["type"] = "ipv4-addr", ["value"] = ip })!, ["value"] = ip,
    };

    private async Task ImportAsync(Person person, string bundle)
    {
        var response = await Node.Client(person).PostAsync("/api/intel/bundles?tlp=green&audience=network",
            new StringContent(bundle, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<long> HeadAsync()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IntelChangeReader>().HeadAsync(default);
    }

    private async Task<Collision> CollideAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var (ip, ipOfA, ipOfC) = (RandomIp(), RandomIp(), RandomIp());
        var malware = $"malware--{Guid.NewGuid()}";
        var indicator = $"indicator--{Guid.NewGuid()}";
        var first = await HeadAsync() + 1;
        await ImportAsync(Node.Owner, Bundle(
            Malware(malware, tag, "2026-10-01T00:00:00.000Z", "remote access trojan", false),
            Indicator(indicator, tag, "2026-10-01T00:00:00.000Z", ipOfA),
            Ipv4(ip)));
        // C learned the ids (they are shared with the network) and writes its own, later "versions".
        await ImportAsync(Node.Outsider, Bundle(
            Malware(malware, tag, "2026-10-20T00:00:00.000Z", "FALSE POSITIVE - benign admin tool, do not block", true),
            Indicator(indicator, tag, "2026-10-20T00:00:00.000Z", ipOfC),
            Ipv4(ip)));
        return new Collision(tag, malware, indicator, Ipv4(ip)["id"]!.GetValue<string>(), ip, ipOfA, ipOfC, first, await HeadAsync());
    }

    private async Task<JsonNode> GetJsonAsync(Person person, string path)
    {
        var response = await Node.Client(person).GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private async Task<string> GetTextAsync(Person person, string path)
    {
        var response = await Node.Client(person).GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode}: {text}");
        return text;
    }

    /// <summary>Who reads, and whose copy they must be served.</summary>
    private IEnumerable<(string Who, Person Person, Guid ServedOwner)> Readers() =>
    [
        ("B", Node.Member, Node.OwnerOrg),
        ("A", Node.Owner, Node.OwnerOrg),
        ("C", Node.Outsider, Node.OutsiderOrg),
    ];

    [Fact]
    public async Task ObjectList_SameIdFromTwoOwners_EachReaderSeesExactlyOneCopy()
    {
        var c = await CollideAsync();
        foreach (var (who, person, served) in Readers())
        {
            foreach (var query in new[] { $"q=alpharat{c.Tag}&limit=200", $"type=malware&limit=200", $"value={c.Ip}&limit=200", "limit=200" })
            {
                var items = (await GetJsonAsync(person, $"/api/intel/objects?{query}"))["items"]!.AsArray();
                // What each query finds: the text the malware and the indicator, the type the malware, the value the SCO, no filter all three.
                var expected = query[0] switch
                {
                    'q' => new[] { c.Malware, c.Indicator },
                    't' => [c.Malware],
                    'v' => [c.Sco],
                    _ => [c.Malware, c.Indicator, c.Sco],
                };
                foreach (var id in expected)
                {
                    var copies = items.Where(i => i!["stixId"]!.GetValue<string>() == id).ToList();
                    var one = Assert.Single(copies);
                    Assert.True(one!["ownerOrganisationId"]!.GetValue<Guid>() == served, $"{who} {query} {id}");
                }
            }
        }
    }

    [Fact]
    public async Task ObjectById_SameIdFromTwoOwners_ServesTheReadersCopy_AndListsTheOthersLabelledWithTheirOwner()
    {
        var c = await CollideAsync();
        foreach (var (who, person, served) in Readers())
        {
            var read = await GetJsonAsync(person, $"/api/intel/objects/{c.Malware}");
            Assert.True(read["ownerOrganisationId"]!.GetValue<Guid>() == served, who);
            Assert.Equal(served == Node.OutsiderOrg, read["revoked"]!.GetValue<bool>());
            Assert.Equal(served == Node.OutsiderOrg ? "FALSE POSITIVE - benign admin tool, do not block" : "remote access trojan",
                read["stix"]!["description"]!.GetValue<string>());
            // The copies view names both owners explicitly.
            Assert.Equal(new[] { Node.OwnerOrg, Node.OutsiderOrg }.Order(), read["copies"]!.AsArray().Select(x => x!["ownerOrganisationId"]!.GetValue<Guid>()).Order());
            var versions = (await GetJsonAsync(person, $"/api/intel/objects/{c.Malware}/versions"))["items"]!.AsArray();
            Assert.Equal(served == Node.OutsiderOrg ? "2026-10-20T00:00:00.000Z" : "2026-10-01T00:00:00.000Z", Assert.Single(versions)!["stix"]!["modified"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task StixExport_SameIdFromTwoOwners_EachReaderGetsExactlyOneObjectPerId()
    {
        var c = await CollideAsync();
        foreach (var (who, person, served) in Readers())
        {
            var bundle = await GetJsonAsync(person, "/api/intel/exports/stix?includeDecayed=true&includeWarningListed=true");
            var objects = bundle["objects"]!.AsArray();
            var malware = Assert.Single(objects, o => o!["id"]!.GetValue<string>() == c.Malware)!;
            Assert.True((malware["revoked"]?.GetValue<bool>() ?? false) == (served == Node.OutsiderOrg), who);
            var indicator = Assert.Single(objects, o => o!["id"]!.GetValue<string>() == c.Indicator)!;
            Assert.Contains(served == Node.OutsiderOrg ? c.IpOfC : c.IpOfA, indicator["pattern"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Single(objects, o => o!["id"]!.GetValue<string>() == c.Sco);
        }
    }

    [Fact]
    public async Task ValueExports_SameIndicatorIdFromTwoOwners_CarryOnlyTheServedCopysValue()
    {
        var c = await CollideAsync();
        foreach (var (who, person, served) in Readers())
        {
            var (mine, theirs) = served == Node.OutsiderOrg ? (c.IpOfC, c.IpOfA) : (c.IpOfA, c.IpOfC);
            foreach (var format in new[] { "csv", "ips", "misp", "suricata" })
            {
                var text = await GetTextAsync(person, $"/api/intel/exports/{format}?includeDecayed=true&includeWarningListed=true&type=indicator");
                Assert.True(text.Contains(mine, StringComparison.Ordinal), $"{who} {format}: its served copy's value is missing");
                Assert.False(text.Contains(theirs, StringComparison.Ordinal), $"{who} {format}: the other owner's copy of {c.Indicator} was exported");
            }
        }
    }

    [Fact]
    public async Task ChangeReader_OfStreamAndWebhooks_SameIdFromTwoOwners_TellsEachSubscriberOfItsServedCopyOnly()
    {
        var c = await CollideAsync();
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var reader = scope.ServiceProvider.GetRequiredService<IntelChangeReader>();
        var subscribers = new (string Who, Caller Caller, Guid Served)[]
        {
            ("B", new Caller(Node.Member.UserId, Node.MemberOrg, Role.Analyst, new HashSet<Guid> { Node.Community }), Node.OwnerOrg),
            ("A", new Caller(Node.Owner.UserId, Node.OwnerOrg, Role.Analyst, new HashSet<Guid> { Node.Community }), Node.OwnerOrg),
            ("C", new Caller(Node.Outsider.UserId, Node.OutsiderOrg, Role.Analyst, new HashSet<Guid>()), Node.OutsiderOrg),
        };
        foreach (var (who, caller, served) in subscribers)
        {
            var events = await reader.ReadRangeAsync(caller, c.FirstChange, c.LastChange, IntelChangeFilter.All, default);
            var ours = events.Where(e => e.Id == c.Malware || e.Id == c.Indicator || e.Id == c.Sco).ToList();
            Assert.NotEmpty(ours);
            Assert.All(ours, e => Assert.True(e.Owner == served, $"{who}: event of {e.Id} from {e.Owner}"));
            Assert.DoesNotContain(ours, e => e.Id == c.Malware && e.Revoked != (served == Node.OutsiderOrg));
        }
    }
}

public sealed class SqliteIntelOneCopyTests(SqliteNode fixture) : IntelOneCopyTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelOneCopyTests(PostgresNode fixture) : IntelOneCopyTests(fixture), IClassFixture<PostgresNode>;
