using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Identity;
using Rampart.Server.Intelligence.Pages;
using Rampart.Server.Intelligence.Read;

namespace Rampart.Server.Tests;

/// <summary>
/// The index-backed read shapes (issue 9, read speed): search by TLP, owner, label, created and added ranges walked
/// down their own indexes; an object's relationships read by the relationship's ends; the warning-list hits
/// keyset-paged down the (WarningListed, record) index. Each through the access decision: paged one by one, a
/// reader meets every match once; another organisation, its administrator and the node administrator meet nothing
/// they may not read. Objects go in through the real writer (POST /api/intel/bundles). SQLite and PostgreSQL.
/// </summary>
public abstract class IntelSearchIndexTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static string Id(string type) => $"{type}--{Guid.NewGuid()}";

    private static string Bundle(params JsonObject[] objects) =>
        new JsonObject { ["type"] = "bundle", ["id"] = Id("bundle"), ["objects"] = new JsonArray([.. objects.Select(o => (JsonNode)o)]) }.ToJsonString();

    private static JsonObject Indicator(string id, string ip, string label, string created = "2026-01-01T00:00:00.000Z") => new()
    {
        ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = created, ["modified"] = created,
        ["name"] = "C2 address", ["pattern"] = $"[ipv4-addr:value = '{ip}']", ["pattern_type"] = "stix", ["valid_from"] = "2026-01-01T00:00:00.000Z",
        ["labels"] = new JsonArray(label),
    };

    private static JsonObject Malware(string id) => new()
    {
        ["type"] = "malware", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-01-01T00:00:00.000Z", ["modified"] = "2026-01-01T00:00:00.000Z",
        ["name"] = "Loader " + id[^6..], ["is_family"] = true,
    };

    private static JsonObject Relationship(string source, string type, string target) => new()
    {
        ["type"] = "relationship", ["spec_version"] = "2.1", ["id"] = Id("relationship"), ["created"] = "2026-01-01T00:00:00.000Z",
        ["modified"] = "2026-01-01T00:00:00.000Z", ["relationship_type"] = type, ["source_ref"] = source, ["target_ref"] = target,
    };

    private static string Ip() => $"203.0.113.{Random.Shared.Next(1, 250)}";

    private async Task ImportAsync(Person person, string bundle, string query)
    {
        var response = await Node.Client(person).PostAsync($"/api/intel/bundles?{query}", new StringContent(bundle, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<Person> OutsiderAdminAsync()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"{Guid.NewGuid():N}@outsider-admin.test", Role.OrgAdmin);
    }

    private async Task<Caller> CallerOfAsync(Person person)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, person.UserId.ToString())], "test"));
        return await scope.ServiceProvider.GetRequiredService<CallerResolver>().ResolveAsync(principal, null, default);
    }

    /// <summary>Every page of a search, one object per page, following the cursor; fails on a repeated object.</summary>
    private async Task<List<string>> AllPagesAsync(Person? person, string query)
    {
        var ids = new List<string>();
        string? next = null;
        for (var page = 0; page < 100; page++)
        {
            var response = await Node.Client(person).GetAsync($"/api/intel/objects?{query}&limit=1" + (next is null ? "" : $"&next={Uri.EscapeDataString(next)}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await Json.ReadAsync(response);
            foreach (var item in body["items"]!.AsArray())
            {
                var id = item!["stixId"]!.GetValue<string>();
                Assert.DoesNotContain(id, ids);
                ids.Add(id);
            }

            next = body["next"]?.GetValue<string>();
            if (next is null)
            {
                return ids;
            }
        }

        throw new InvalidOperationException("More than 100 pages.");
    }

    [Fact]
    public async Task Search_TlpOwnerLabelCreatedAndAddedFilters_PagedOneByOneEveryMatchOnceStrangersNone()
    {
        var label = $"campaign-{Guid.NewGuid():N}"[..24];
        var amber = new[] { Id("indicator"), Id("indicator"), Id("indicator") };
        var green = new[] { Id("indicator"), Id("indicator") };
        var outsiders = Id("indicator");
        var addedFrom = Node.Factory.Clock.GetUtcNow().AddSeconds(1);
        Node.Factory.Clock.Advance(TimeSpan.FromSeconds(2));
        for (var i = 0; i < amber.Length; i++)
        {
            await ImportAsync(Node.Owner, Bundle(Indicator(amber[i], Ip(), label, $"2026-02-0{i + 1}T12:00:00.000Z")), $"tlp=amber&audience=community:{Node.Community}");
        }

        var addedTo = Node.Factory.Clock.GetUtcNow().AddSeconds(1);
        Node.Factory.Clock.Advance(TimeSpan.FromSeconds(2));
        await ImportAsync(Node.Owner, Bundle([.. green.Select(g => Indicator(g, Ip(), label))]), "tlp=green&audience=network");
        await ImportAsync(Node.Outsider, Bundle(Indicator(outsiders, Ip(), label)), "tlp=green");
        string Q(string rest) => $"label={label}&{rest}";
        var newestFirst = amber.Reverse().ToList();

        Assert.Equal(newestFirst, await AllPagesAsync(Node.Member, Q("tlp=amber")));
        Assert.Equal(green.Order(StringComparer.Ordinal), (await AllPagesAsync(Node.Member, Q("tlp=green"))).Order(StringComparer.Ordinal));
        Assert.Equal(5, (await AllPagesAsync(Node.Member, Q($"owner={Node.OwnerOrg}"))).Count);
        Assert.Equal(newestFirst.Take(2), await AllPagesAsync(Node.Member, Q("createdFrom=2026-02-02T00:00:00Z&createdTo=2026-02-04T00:00:00Z")));
        Assert.Equal(newestFirst, await AllPagesAsync(Node.Member, Q($"addedFrom={Uri.EscapeDataString(addedFrom.ToString("O"))}&addedTo={Uri.EscapeDataString(addedTo.ToString("O"))}")));
        Assert.Equal(amber.Length + green.Length, (await AllPagesAsync(Node.Member, $"label={label}")).Count);
        Assert.Equal([outsiders], await AllPagesAsync(Node.Outsider, Q($"owner={Node.OutsiderOrg}")));

        foreach (var stranger in new[] { Node.Outsider, Node.NodeAdmin, await OutsiderAdminAsync() })
        {
            Assert.Empty(await AllPagesAsync(stranger, Q("tlp=amber")));
            foreach (var query in new[] { $"owner={Node.OwnerOrg}", "createdFrom=2026-02-01T00:00:00Z&createdTo=2026-02-04T00:00:00Z", "tlp=green", "sort=modified" })
            {
                var seen = await AllPagesAsync(stranger, Q(query));
                Assert.Empty(seen.Intersect(amber));
            }
        }

        // Anonymous readers see only published TLP:CLEAR objects.
        Assert.Empty(await AllPagesAsync(null, Q("tlp=amber")));
        Assert.Empty(await AllPagesAsync(null, $"label={label}"));
    }

    [Fact]
    public async Task Relationships_BothDirectionsByTheirEnds_ReaderSeesReadableOnesStrangersNeverSeeOthers()
    {
        var malware = Id("malware");
        var indicator = Id("indicator");
        var secondMalware = Id("malware");
        var outsidersIndicator = Id("indicator");
        await ImportAsync(Node.Owner, Bundle(Malware(malware), Malware(secondMalware)), "tlp=green&audience=network");
        await ImportAsync(Node.Owner, Bundle(Indicator(indicator, Ip(), "c2"), Relationship(indicator, "indicates", malware), Relationship(malware, "variant-of", secondMalware)),
            $"tlp=amber&audience=community:{Node.Community}");
        // The outsider's own relationship to the network-wide malware: only the outsider sees it.
        await ImportAsync(Node.Outsider, Bundle(Indicator(outsidersIndicator, Ip(), "c2"), Relationship(outsidersIndicator, "indicates", malware)), "tlp=green");

        async Task<List<(RelationDirection, string, string)>> RelatedAsync(Caller caller, string stixId)
        {
            await using var scope = Node.Factory.Services.CreateAsyncScope();
            var pages = scope.ServiceProvider.GetRequiredService<IntelPageQueries>();
            var read = await pages.FindAsync(caller, stixId, null, default);
            return read is null ? [] : [.. (await pages.RelatedAsync(caller, read, default)).Select(r => (r.Direction, r.Relation, r.Related.StixId)).Order()];
        }

        var member = await CallerOfAsync(Node.Member);
        Assert.Equal([(RelationDirection.Outgoing, "variant-of", secondMalware), (RelationDirection.Incoming, "indicates", indicator)],
            (await RelatedAsync(member, malware)).OrderBy(r => r.Item1).ToList());
        Assert.Equal([(RelationDirection.Incoming, "variant-of", malware)], await RelatedAsync(member, secondMalware));
        Assert.Equal([(RelationDirection.Incoming, "indicates", outsidersIndicator)], await RelatedAsync(await CallerOfAsync(Node.Outsider), malware));

        var outsiderAdmin = new Caller(Guid.NewGuid(), Node.OutsiderOrg, Role.OrgAdmin, new HashSet<Guid>());
        foreach (var stranger in new[] { await CallerOfAsync(Node.NodeAdmin), outsiderAdmin })
        {
            var seen = await RelatedAsync(stranger, malware);
            Assert.DoesNotContain(seen, r => r.Item3 == indicator || r.Item3 == secondMalware);
            Assert.Empty(await RelatedAsync(stranger, secondMalware));
        }

        Assert.DoesNotContain(await RelatedAsync(member, malware), r => r.Item3 == outsidersIndicator);
    }

    [Fact]
    public async Task WarningListHits_PagedOneByOne_EveryFlaggedReadableObjectOnceNewestFirstStrangersNone()
    {
        // On the bundled lists of public DNS resolvers.
        var flagged = new[] { Id("indicator"), Id("indicator"), Id("indicator") };
        var values = new[] { "8.8.8.8", "8.8.4.4", "1.1.1.1" };
        for (var i = 0; i < flagged.Length; i++)
        {
            await ImportAsync(Node.Owner, Bundle(Indicator(flagged[i], values[i], "dns")), $"tlp=amber&audience=community:{Node.Community}");
        }

        await ImportAsync(Node.Owner, Bundle(Indicator(Id("indicator"), Ip(), "not-listed")), $"tlp=amber&audience=community:{Node.Community}");

        async Task<List<string>> PagesAsync(Caller caller)
        {
            var ids = new List<string>();
            long? before = null;
            for (var page = 0; page < 500; page++)
            {
                await using var scope = Node.Factory.Services.CreateAsyncScope();
                var (items, more) = await scope.ServiceProvider.GetRequiredService<IntelQueries>().WarningListedAsync(caller, before, 1, default);
                foreach (var item in items)
                {
                    Assert.NotEmpty(item.Hits);
                    Assert.DoesNotContain(item.Intel.StixId, ids);
                    ids.Add(item.Intel.StixId);
                }

                if (!more)
                {
                    return ids;
                }

                before = items[^1].Intel.RecordId;
            }

            throw new InvalidOperationException("More than 500 pages.");
        }

        var seen = await PagesAsync(await CallerOfAsync(Node.Member));
        Assert.Equal(flagged.Reverse(), seen.Where(flagged.Contains));
        var outsiderAdmin = new Caller(Guid.NewGuid(), Node.OutsiderOrg, Role.OrgAdmin, new HashSet<Guid>());
        foreach (var stranger in new[] { await CallerOfAsync(Node.Outsider), await CallerOfAsync(Node.NodeAdmin), outsiderAdmin })
        {
            Assert.Empty((await PagesAsync(stranger)).Intersect(flagged));
        }
    }

    [Fact]
    public async Task PageNames_IdsOfThePage_OnlyThoseOrganisationsAndCommunitiesAreLoaded()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var (organisations, communities) = await scope.ServiceProvider.GetRequiredService<IntelPageQueries>()
            .NamesAsync([Node.OwnerOrg, Node.Community, Node.OwnerOrg, Guid.NewGuid()], default);
        Assert.Equal([Node.OwnerOrg], organisations.Keys);
        Assert.Equal([Node.Community], communities.Keys);
    }
}

public sealed class SqliteIntelSearchIndexTests(SqliteNode fixture) : IntelSearchIndexTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelSearchIndexTests(PostgresNode fixture) : IntelSearchIndexTests(fixture), IClassFixture<PostgresNode>;
