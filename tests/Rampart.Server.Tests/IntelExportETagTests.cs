using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Organisations;

namespace Rampart.Server.Tests;

/// <summary>
/// The export entity tag follows what the poller may read (issue-9 gap 3): an audience narrowed so that the poller no
/// longer reads a value changes its tag (before, its 304 kept a list with the value, since the narrowing's change row
/// is of a record it can no longer read), a narrowing that never concerned it does not, and a widening does.
/// Objects written by the store's ingest (bundles over HTTP). SQLite and PostgreSQL.
/// </summary>
public abstract class IntelExportETagTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static string Address() => $"185.220.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(1, 254)}";

    private static JsonObject Indicator(string id, string value, string modified) => new()
    {
        ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-11-01T00:00:00.000Z", ["modified"] = modified,
        ["name"] = "etag " + value, ["pattern"] = $"[ipv4-addr:value = '{value}']", ["pattern_type"] = "stix", ["valid_from"] = "2026-11-01T00:00:00.000Z",
    };

    private async Task ImportAsync(Person person, JsonObject indicator, string query)
    {
        var bundle = new JsonObject { ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}", ["objects"] = new JsonArray(indicator) };
        var response = await Node.Client(person).PostAsync($"/api/intel/bundles?{query}",
            new StringContent(bundle.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
    }

    private async Task<(HttpStatusCode Status, EntityTagHeaderValue? Tag, string Body)> PollAsync(Person person, EntityTagHeaderValue? tag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/intel/exports/ips");
        if (tag is not null)
        {
            request.Headers.IfNoneMatch.Add(tag);
        }

        var response = await Node.Client(person).SendAsync(request);
        return (response.StatusCode, response.Headers.ETag, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Export_AfterAnAudienceNarrowing_ThePollerWhoLostTheValueGets200WithoutIt_OthersKeep304()
    {
        // A GREEN indicator shared with the community (the member's organisation reads it), then one the member reads that
        // is newer, so that the narrowed record's change row is not the member's newest readable one.
        var narrowed = Address();
        var kept = Address();
        var id = $"indicator--{Guid.NewGuid()}";
        await ImportAsync(Node.Owner, Indicator(id, narrowed, "2026-11-01T00:00:00.000Z"), $"tlp=green&audience=community:{Node.Community}");
        await ImportAsync(Node.Owner, Indicator($"indicator--{Guid.NewGuid()}", kept, "2026-11-01T00:00:00.000Z"), $"tlp=green&audience=community:{Node.Community}");

        var first = await PollAsync(Node.Member, null);
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Contains(narrowed + "\n", first.Body, StringComparison.Ordinal);
        var outsider = await PollAsync(Node.Outsider, null);
        Assert.DoesNotContain(narrowed, outsider.Body, StringComparison.Ordinal);

        // The owner sends a new version shared with its own organisation only: the member's organisation no longer reads it.
        await ImportAsync(Node.Owner, Indicator(id, narrowed, "2026-11-02T00:00:00.000Z"), "tlp=green");

        var after = await PollAsync(Node.Member, first.Tag);
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.DoesNotContain(narrowed, after.Body, StringComparison.Ordinal);
        Assert.Contains(kept + "\n", after.Body, StringComparison.Ordinal);
        Assert.NotEqual(first.Tag, after.Tag);
        Assert.Equal(HttpStatusCode.NotModified, (await PollAsync(Node.Member, after.Tag)).Status);

        // An organisation that never read it: the narrowing tells it nothing (same tag, 304).
        Assert.Equal(HttpStatusCode.NotModified, (await PollAsync(Node.Outsider, outsider.Tag)).Status);

        // A narrowing of a record the member never read (AMBER to the recipient, then to the owner only): the member's tag stays.
        var hiddenId = $"indicator--{Guid.NewGuid()}";
        var hidden = Address();
        await ImportAsync(Node.Owner, Indicator(hiddenId, hidden, "2026-11-01T00:00:00.000Z"), $"tlp=amber&audience=organisation:{Node.RecipientOrg}");
        await ImportAsync(Node.Owner, Indicator(hiddenId, hidden, "2026-11-02T00:00:00.000Z"), "tlp=amber");
        Assert.Equal(HttpStatusCode.NotModified, (await PollAsync(Node.Member, after.Tag)).Status);
    }

    [Fact]
    public async Task Export_AfterTheTlpIsRaisedPastTheNetwork_NetworkReadersGet200WithoutIt()
    {
        // GREEN to the network, then a new version marked AMBER: the network no longer reaches it (its grant stays, inert:
        // the network's ceiling is GREEN), and a poller of another organisation loses the value.
        var raised = Address();
        var kept = Address();
        var id = $"indicator--{Guid.NewGuid()}";
        await ImportAsync(Node.Owner, Indicator(id, raised, "2026-11-01T00:00:00.000Z"), "tlp=green&audience=network");
        await ImportAsync(Node.Owner, Indicator($"indicator--{Guid.NewGuid()}", kept, "2026-11-01T00:00:00.000Z"), "tlp=green&audience=network");

        var first = await PollAsync(Node.Outsider, null);
        Assert.Contains(raised + "\n", first.Body, StringComparison.Ordinal);

        await ImportAsync(Node.Owner, Indicator(id, raised, "2026-11-02T00:00:00.000Z"), "tlp=amber");

        var after = await PollAsync(Node.Outsider, first.Tag);
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.DoesNotContain(raised, after.Body, StringComparison.Ordinal);
        Assert.Contains(kept + "\n", after.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_AfterAWidening_ThePollerGets200WithTheValue()
    {
        // A GREEN indicator shared with the community; the outsider's organisation joins the community afterwards.
        var value = Address();
        await ImportAsync(Node.Owner, Indicator($"indicator--{Guid.NewGuid()}", value, "2026-11-01T00:00:00.000Z"), $"tlp=green&audience=community:{Node.Community}");
        var person = await NewOrganisationAnalystAsync();
        var first = await PollAsync(person.Person, null);
        Assert.DoesNotContain(value, first.Body, StringComparison.Ordinal);

        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            // The moderating organisation's admin adds it (as the seeded member was added).
            var moderator = new Caller(Node.OwnerAdmin.UserId, Node.OwnerOrg, Role.OrgAdmin, new HashSet<Guid>(), Credential: "session:test");
            Assert.Equal(MembershipOutcomeKind.Added, (await scope.ServiceProvider.GetRequiredService<CommunityAdministration>().AddMemberAsync(moderator, Node.Community, person.Organisation, default)).Kind);
        }

        var after = await PollAsync(person.Person, first.Tag);
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Contains(value + "\n", after.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pruning_KeepsTheNewestReachChangePerToken_TheTagStays304_AndALaterNarrowingStillShows()
    {
        // Two narrowings the member's organisation sees: at least two reach rows of its token for intelligence objects.
        var ids = new[] { $"indicator--{Guid.NewGuid()}", $"indicator--{Guid.NewGuid()}" };
        var values = new[] { Address(), Address() };
        for (var i = 0; i < ids.Length; i++)
        {
            await ImportAsync(Node.Owner, Indicator(ids[i], values[i], "2026-11-01T00:00:00.000Z"), $"tlp=green&audience=community:{Node.Community}");
            await ImportAsync(Node.Owner, Indicator(ids[i], values[i], "2026-11-02T00:00:00.000Z"), "tlp=green");
        }

        var before = await PollAsync(Node.Member, null);
        Assert.Equal(HttpStatusCode.OK, before.Status);

        int pruned;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            pruned = await scope.ServiceProvider.GetRequiredService<AccessReachPruneJob>().PruneAsync(default);
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var rows = db.AccessReachChanges;
            var perToken = await rows.AsNoTracking().GroupBy(r => new { r.GranteeId, r.RecordType }).Select(g => g.Count()).ToListAsync();
            Assert.All(perToken, count => Assert.Equal(1, count));
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<AccessReachPruneJob>().PruneAsync(default));
        }

        Assert.True(pruned >= 1, $"pruned {pruned}");
        Assert.Equal(HttpStatusCode.NotModified, (await PollAsync(Node.Member, before.Tag)).Status);

        // After pruning, a narrowing is still seen: the tag moves and the value is gone.
        var id = $"indicator--{Guid.NewGuid()}";
        var value = Address();
        await ImportAsync(Node.Owner, Indicator(id, value, "2026-11-01T00:00:00.000Z"), $"tlp=green&audience=community:{Node.Community}");
        var shown = await PollAsync(Node.Member, before.Tag);
        Assert.Contains(value + "\n", shown.Body, StringComparison.Ordinal);
        await ImportAsync(Node.Owner, Indicator(id, value, "2026-11-02T00:00:00.000Z"), "tlp=green");
        var after = await PollAsync(Node.Member, shown.Tag);
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.DoesNotContain(value, after.Body, StringComparison.Ordinal);
    }

    private async Task<(Person Person, Guid Organisation)> NewOrganisationAnalystAsync()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var shortName = "ET" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var organisation = (await scope.ServiceProvider.GetRequiredService<OrganisationAdministration>().CreateAsync(Caller.Operator(),
            new OrganisationRequest($"Team {shortName}", shortName, "AL", OrganisationKind.NationalCert), default)).Id;
        return (await SeededNode.PersonAsync(scope.ServiceProvider, organisation, $"soc-{Guid.NewGuid():N}@etag.test", Role.Analyst), organisation);
    }
}

public sealed class SqliteIntelExportETagTests(SqliteNode fixture) : IntelExportETagTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelExportETagTests(PostgresNode fixture) : IntelExportETagTests(fixture), IClassFixture<PostgresNode>;
