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
/// What the new intelligence pages read (issue 9, "Pages"): an object's relationships, the organisation's import
/// jobs, the warning-list hits, and the sighting form's checks — each through the access decision: another
/// organisation, its administrator and the node administrator reach nothing they may not read. SQLite and PostgreSQL.
/// </summary>
public abstract class IntelPagesReadTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static string Id(string type) => $"{type}--{Guid.NewGuid()}";

    private static string Bundle(params JsonObject[] objects) =>
        new JsonObject { ["type"] = "bundle", ["id"] = Id("bundle"), ["objects"] = new JsonArray([.. objects.Select(o => (JsonNode)o)]) }.ToJsonString();

    private static JsonObject Indicator(string id, string ip) => new()
    {
        ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-01-01T00:00:00.000Z", ["modified"] = "2026-01-01T00:00:00.000Z",
        ["name"] = "C2 address", ["pattern"] = $"[ipv4-addr:value = '{ip}']", ["pattern_type"] = "stix", ["valid_from"] = "2026-01-01T00:00:00.000Z",
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

    private async Task<JsonNode> ImportAsync(Person person, string bundle, string query)
    {
        var response = await Node.Client(person).PostAsync($"/api/intel/bundles?{query}", new StringContent(bundle, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private async Task<T> AsAsync<T>(Caller caller, Func<IServiceProvider, Caller, Task<T>> read)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider, caller);
    }

    private async Task<Caller> CallerOfAsync(Person person)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, person.UserId.ToString())], "test"));
        return await scope.ServiceProvider.GetRequiredService<CallerResolver>().ResolveAsync(principal, null, default);
    }

    private async Task<IReadOnlyList<IntelRelated>> RelatedAsync(Caller caller, string stixId) =>
        await AsAsync(caller, async (services, c) =>
        {
            var pages = services.GetRequiredService<IntelPageQueries>();
            var read = await pages.FindAsync(c, stixId, null, default);
            return read is null ? [] : await pages.RelatedAsync(c, read, default);
        });

    private async Task<Caller[]> StrangersAsync() =>
        [await CallerOfAsync(Node.Outsider), await CallerOfAsync(Node.NodeAdmin), new Caller(Guid.NewGuid(), Node.OutsiderOrg, Role.OrgAdmin, new HashSet<Guid>())];

    [Fact]
    public async Task ObjectRelationships_MemberSeesBothEnds_OthersSeeNeitherTheAmberIndicatorNorItsRelationship()
    {
        var malware = Id("malware");
        var indicator = Id("indicator");
        await ImportAsync(Node.Owner, Bundle(Malware(malware)), "tlp=green&audience=network");
        await ImportAsync(Node.Owner, Bundle(Indicator(indicator, $"203.0.113.{Random.Shared.Next(1, 250)}"), Relationship(indicator, "indicates", malware)),
            $"tlp=amber&audience=community:{Node.Community}");

        var member = await CallerOfAsync(Node.Member);
        var fromIndicator = await RelatedAsync(member, indicator);
        var outgoing = Assert.Single(fromIndicator);
        Assert.Equal((RelationDirection.Outgoing, "indicates", malware), (outgoing.Direction, outgoing.Relation, outgoing.Related.StixId));
        var incoming = Assert.Single(await RelatedAsync(member, malware));
        Assert.Equal((RelationDirection.Incoming, "indicates", indicator), (incoming.Direction, incoming.Relation, incoming.Related.StixId));

        foreach (var stranger in await StrangersAsync())
        {
            // The malware is network-wide: its page opens, and shows no relation to what the stranger may not read.
            Assert.NotNull(await AsAsync(stranger, (s, c) => s.GetRequiredService<IntelPageQueries>().FindAsync(c, malware, null, default)));
            Assert.Empty(await RelatedAsync(stranger, malware));
            Assert.Null(await AsAsync(stranger, (s, c) => s.GetRequiredService<IntelPageQueries>().FindAsync(c, indicator, null, default)));
        }
    }

    [Fact]
    public async Task ImportJobsList_OwnOrganisationsJobsNewestFirstKeysetPaged_OthersNeverSeeThem()
    {
        // Job ids are UUIDv7 from the (fake) clock: each job here a later millisecond than every job before it.
        Node.Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        var first = await ImportAsync(Node.Owner, Bundle(Indicator(Id("indicator"), $"198.51.100.{Random.Shared.Next(1, 250)}")), "tlp=amber");
        Node.Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await ImportAsync(Node.Owner, Bundle(Indicator(Id("indicator"), $"198.51.100.{Random.Shared.Next(1, 250)}")), "tlp=amber");
        var ids = new[] { second["id"]!.GetValue<string>(), first["id"]!.GetValue<string>() };

        var page1 = await Json.ReadAsync(await Node.Client(Node.OwnerAdmin).GetAsync("/api/intel/imports?limit=1"));
        Assert.Equal(ids[0], page1["items"]![0]!["id"]!.GetValue<string>());
        Assert.Equal(1, page1["items"]![0]!["added"]!.GetValue<int>());
        var next = page1["next"]!.GetValue<string>();
        var page2 = await Json.ReadAsync(await Node.Client(Node.OwnerAdmin).GetAsync($"/api/intel/imports?limit=1&next={Uri.EscapeDataString(next)}"));
        Assert.Equal(ids[1], page2["items"]![0]!["id"]!.GetValue<string>());

        foreach (var other in new[] { Node.Member, Node.Outsider, Node.NodeAdmin, Node.Recipient })
        {
            var response = await Node.Client(other).GetAsync("/api/intel/imports?limit=100");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var listed = (await Json.ReadAsync(response))["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>());
            Assert.DoesNotContain(ids[0], listed);
            Assert.DoesNotContain(ids[1], listed);
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(other).GetAsync($"/api/intel/imports/{ids[0]}")).StatusCode);
        }

        var forged = await Node.Client(Node.Owner).GetAsync("/api/intel/imports?next=not-a-cursor");
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.NotNull((await Json.ReadAsync(forged))["errors"]!["next"]);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Client(null).GetAsync("/api/intel/imports")).StatusCode);
    }

    [Fact]
    public async Task WarningListHits_MemberSeesTheFlaggedAmberIndicator_OthersDoNot()
    {
        // 8.8.8.8 is on the bundled list of public DNS resolvers.
        var indicator = Id("indicator");
        await ImportAsync(Node.Owner, Bundle(Indicator(indicator, "8.8.8.8")), $"tlp=amber&audience=community:{Node.Community}");

        async Task<IReadOnlyList<WarningListedObject>> AllAsync(Caller caller)
        {
            var all = new List<WarningListedObject>();
            long? before = null;
            for (var i = 0; i < 50; i++)
            {
                var (items, more) = await AsAsync(caller, (s, c) => s.GetRequiredService<IntelQueries>().WarningListedAsync(c, before, 100, default));
                all.AddRange(items);
                if (!more)
                {
                    break;
                }

                before = items[^1].Intel.RecordId;
            }

            return all;
        }

        var hit = Assert.Single(await AllAsync(await CallerOfAsync(Node.Member)), w => w.Intel.StixId == indicator);
        Assert.Contains(hit.Hits, h => h.Value == "8.8.8.8");
        foreach (var stranger in await StrangersAsync())
        {
            Assert.DoesNotContain(await AllAsync(stranger), w => w.Intel.StixId == indicator);
        }
    }

    [Fact]
    public void SightingForm_CountZeroOrFirstAfterLast_IsRefusedNamingTheFields()
    {
        var now = new DateTimeOffset(2026, 11, 29, 21, 0, 0, TimeSpan.Zero);
        var input = new SightingInput { Count = 0, FirstSeen = new DateTime(2026, 11, 29, 12, 0, 0), LastSeen = new DateTime(2026, 11, 29, 11, 0, 0), Where = "a\u0007b" };
        var error = Assert.Throws<Validation.RequestValidationException>(() => input.ToReport(TimeZoneInfo.Utc, now));
        Assert.Equal(["count", "firstSeen", "where"], error.Errors.ToDictionary().Keys.Order(StringComparer.Ordinal));

        var report = new SightingInput { Count = 3, LastSeen = new DateTime(2026, 11, 29, 11, 0, 0), Where = " mail gateway " }.ToReport(TimeZoneInfo.Utc, now);
        Assert.Equal((3, "mail gateway"), (report.Count, report.Where));
        Assert.Equal(report.LastSeen, report.FirstSeen);
    }
}

public sealed class SqliteIntelPagesReadTests(SqliteNode fixture) : IntelPagesReadTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelPagesReadTests(PostgresNode fixture) : IntelPagesReadTests(fixture), IClassFixture<PostgresNode>;
