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
using Rampart.Standards.Markings;

namespace Rampart.Server.Tests;

/// <summary>
/// An object's history (issue 9, "Pages"): <c>GET /api/intel/objects/{id}/history</c> and the page's history section.
/// What happened, newest first, with how it came and what it did to the TLP; through the access decision (404 for
/// whoever may not read the object, administrators included); job ids only for the owner organisation; sightings
/// never say who. SQLite and PostgreSQL.
/// </summary>
public abstract class IntelHistoryTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static string Id(string type) => $"{type}--{Guid.NewGuid()}";

    private static string Bundle(params JsonObject[] objects) =>
        new JsonObject { ["type"] = "bundle", ["id"] = Id("bundle"), ["objects"] = new JsonArray([.. objects.Select(o => (JsonNode)o)]) }.ToJsonString();

    private static JsonObject Indicator(string id, string modified, string? marking = null)
    {
        var o = new JsonObject
        {
            ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-01-01T00:00:00.000Z", ["modified"] = modified,
            ["name"] = "C2 address " + id[^6..], ["pattern"] = $"[ipv4-addr:value = '198.18.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(1, 255)}']",
            ["pattern_type"] = "stix", ["valid_from"] = "2026-01-01T00:00:00.000Z",
        };
        if (marking is not null)
        {
            o["object_marking_refs"] = new JsonArray(marking);
        }

        return o;
    }

    private static string Modified(int minute) => $"2026-01-01T00:{minute:00}:00.000Z";

    private async Task<JsonNode> ImportAsync(Person person, string bundle, string query)
    {
        var response = await Node.Client(person).PostAsync($"/api/intel/bundles?{query}", new StringContent(bundle, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private string Amber => $"tlp=amber&audience=community:{Node.Community}";

    private async Task<(string StixId, string Job)> ShareAmberAsync()
    {
        var id = Id("indicator");
        var job = await ImportAsync(Node.Owner, Bundle(Indicator(id, Modified(0))), Amber);
        Assert.Equal("added", job["outcomes"]![0]!["outcome"]!.GetValue<string>());
        return (id, job["id"]!.GetValue<string>());
    }

    private async Task<HttpResponseMessage> HistoryResponseAsync(Person person, string stixId, string query = "") =>
        await Node.Client(person).GetAsync($"/api/intel/objects/{Uri.EscapeDataString(stixId)}/history{query}");

    private async Task<JsonArray> HistoryAsync(Person person, string stixId)
    {
        var response = await HistoryResponseAsync(person, stixId);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var page = await Json.ReadAsync(response);
        Assert.Null(page["next"]);
        return page["items"]!.AsArray();
    }

    private static string? Text(JsonNode? entry, string name) => entry?[name]?.GetValue<string>();

    /// <summary>A ProblemDetails without its per-request trace id.</summary>
    private static string WithoutTrace(JsonNode problem)
    {
        problem.AsObject().Remove("traceId");
        return problem.ToJsonString();
    }

    [Fact]
    public async Task History_AddNewVersionWithStricterTlpRevoke_ThreeEntriesNewestFirstWithTheirDetails()
    {
        var (id, firstJob) = await ShareAmberAsync();
        var before = Text(await Json.ReadAsync(await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{id}")), "tlp");
        // A later version marked TLP:RED: stricter wins, the record's TLP rises.
        var second = await ImportAsync(Node.Owner, Bundle(Indicator(id, Modified(5), Tlp.Red.StixMarkingId())), Amber);
        Assert.Equal("updated", second["outcomes"]![0]!["outcome"]!.GetValue<string>());
        var after = Text(await Json.ReadAsync(await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{id}")), "tlp");
        Assert.NotEqual(before, after);
        var revoke = await Node.Client(Node.Owner).PostAsync($"/api/intel/objects/{id}/revoke", new { });
        Assert.True(revoke.IsSuccessStatusCode, $"{revoke.StatusCode}: {await revoke.Content.ReadAsStringAsync()}");

        var history = await HistoryAsync(Node.Owner, id);

        Assert.Equal(["revoked", "new-version", "added"], history.Select(e => Text(e, "kind")!));
        var (revoked, version, added) = (history[0]!, history[1]!, history[2]!);
        Assert.Equal("owner", Text(revoked, "via"));
        Assert.Null(revoked["jobId"]);
        Assert.Null(revoked["tlpBefore"]);
        Assert.Equal("import", Text(version, "via"));
        Assert.Equal("stix-bundle", Text(version, "format"));
        Assert.Equal(second["id"]!.GetValue<string>(), Text(version, "jobId"));
        Assert.Equal(before, Text(version, "tlpBefore"));
        Assert.Equal(after, Text(version, "tlpAfter"));
        Assert.Equal("import", Text(added, "via"));
        Assert.Equal(firstJob, Text(added, "jobId"));
        Assert.Null(added["tlpBefore"]);
        Assert.True(history.Select(e => DateTimeOffset.Parse(Text(e, "at")!, System.Globalization.CultureInfo.InvariantCulture)).Zip(history.Skip(1)
            .Select(e => DateTimeOffset.Parse(Text(e, "at")!, System.Globalization.CultureInfo.InvariantCulture))).All(p => p.First >= p.Second));

        // The withdrawal follows with its reason.
        var withdraw = await Node.Client(Node.Owner).PostAsync($"/api/intel/objects/{id}/withdraw", new { reason = "False positive: a sinkhole" });
        Assert.True(withdraw.IsSuccessStatusCode, $"{withdraw.StatusCode}: {await withdraw.Content.ReadAsStringAsync()}");
        var withdrawn = (await HistoryAsync(Node.Owner, id))[0]!;
        Assert.Equal("withdrawn", Text(withdrawn, "kind"));
        Assert.Equal("False positive: a sinkhole", Text(withdrawn, "reason"));
    }

    [Fact]
    public async Task History_OfAnAmberObject_IsNotFoundForAnotherOrganisationItsAdminAndTheNodeAdmin()
    {
        var (id, _) = await ShareAmberAsync();
        var ownerBefore = (await HistoryAsync(Node.Owner, id)).ToJsonString();
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var outsiderAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"{Guid.NewGuid():N}@outside-admin.test", Role.OrgAdmin);
        var unknown = await HistoryResponseAsync(Node.Outsider, Id("indicator"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var unknownProblem = WithoutTrace(await Json.ReadAsync(unknown));
        foreach (var stranger in new[] { Node.Outsider, outsiderAdmin, Node.NodeAdmin, Node.Recipient })
        {
            var response = await HistoryResponseAsync(stranger, id);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            // Exactly what an unknown id answers: nothing tells the object exists.
            Assert.Equal(unknownProblem, WithoutTrace(await Json.ReadAsync(response)));
            Assert.Equal(HttpStatusCode.NotFound, (await HistoryResponseAsync(stranger, id, $"?owner={Node.OwnerOrg}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(null).GetAsync($"/api/intel/objects/{id}/history")).StatusCode);
        // Nothing changed by their attempts.
        Assert.Equal(ownerBefore, (await HistoryAsync(Node.Owner, id)).ToJsonString());

        // The page reads the same way: strangers find no object, so no history.
        foreach (var stranger in new[] { Node.Outsider, outsiderAdmin, Node.NodeAdmin })
        {
            var caller = await CallerOfAsync(stranger);
            await using var s = Node.Factory.Services.CreateAsyncScope();
            Assert.Null(await s.ServiceProvider.GetRequiredService<IntelPageQueries>().FindAsync(caller, id, null, default));
        }
    }

    private async Task<Person> PersonAsync(Guid organisation, Role role, bool readOnlyKey = false)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, organisation, $"{Guid.NewGuid():N}@{role.ToString().ToLowerInvariant()}.test", role, readOnlyKey);
    }

    [Fact]
    public async Task History_OfAnAmberStrictOrRedObject_IsNotFoundLikeAnUnknownId_ForEveryRoleAndKeyThatMayNotReadIt()
    {
        // AMBER+STRICT for the owner organisation alone; RED for one named person of another organisation.
        var strict = Id("indicator");
        await ImportAsync(Node.Owner, Bundle(Indicator(strict, Modified(0))), $"tlp={Uri.EscapeDataString("amber+strict")}");
        var red = Id("indicator");
        await ImportAsync(Node.Owner, Bundle(Indicator(red, Modified(0))), $"tlp=red&audience=person:{Node.Recipient.UserId}");
        // A second entry in each history, so a cursor exists and the history is more than the creation.
        Assert.True((await Node.Client(Node.Owner).PostAsync($"/api/intel/objects/{strict}/revoke", new { })).IsSuccessStatusCode);
        Assert.True((await Node.Client(Node.Owner).PostAsync($"/api/intel/objects/{red}/revoke", new { })).IsSuccessStatusCode);

        // Positive control: every role of the owner organisation reads both histories, the named person the RED one — the same entries.
        var ownerStrict = (await HistoryAsync(Node.Owner, strict)).ToJsonString();
        var ownerRed = (await HistoryAsync(Node.Owner, red)).ToJsonString();
        Assert.Equal(["revoked", "added"], (await HistoryAsync(Node.Owner, red)).Select(e => Text(e, "kind")!));
        foreach (var reader in new[] { Node.OwnerViewer, Node.OwnerAdmin, await PersonAsync(Node.OwnerOrg, Role.Viewer, readOnlyKey: true) })
        {
            Assert.Equal(ownerStrict, (await HistoryAsync(reader, strict)).ToJsonString());
            Assert.Equal(ownerRed, (await HistoryAsync(reader, red)).ToJsonString());
        }

        Assert.Equal(["revoked", "added"], (await HistoryAsync(Node.Recipient, red)).Select(e => Text(e, "kind")!));

        var bAnalyst = Node.Outsider;
        var bViewer = await PersonAsync(Node.OutsiderOrg, Role.Viewer);
        var bReadOnlyKey = await PersonAsync(Node.OutsiderOrg, Role.Analyst, readOnlyKey: true);
        var bAdmin = await PersonAsync(Node.OutsiderOrg, Role.OrgAdmin);
        var bAdminReadOnlyKey = await PersonAsync(Node.OutsiderOrg, Role.OrgAdmin, readOnlyKey: true);
        var nodeAdminReadOnlyKey = await PersonAsync(Node.NodeOrg, Role.NodeAdmin, readOnlyKey: true);
        var recipientViewer = await PersonAsync(Node.RecipientOrg, Role.Viewer);
        var recipientAdmin = await PersonAsync(Node.RecipientOrg, Role.OrgAdmin);
        string[] both = [strict, red];
        string[] onlyStrict = [strict];
        var strangers = new List<(string Who, Person Person, string[] Hidden)>
        {
            ("B analyst", bAnalyst, both),
            ("B viewer", bViewer, both),
            ("B read-only key", bReadOnlyKey, both),
            ("B org admin", bAdmin, both),
            ("B org admin's read-only key", bAdminReadOnlyKey, both),
            ("node admin", Node.NodeAdmin, both),
            ("node admin's read-only key", nodeAdminReadOnlyKey, both),
            ("community member", Node.Member, both),
            ("same-country team", Node.SameCountry, both),
            ("the named person (AMBER+STRICT is not theirs)", Node.Recipient, onlyStrict),
            ("the named person's colleague", Node.RecipientColleague, both),
            ("the named person's organisation's viewer", recipientViewer, both),
            ("the named person's org admin", recipientAdmin, both),
        };
        string[] queries = ["", $"?owner={Node.OwnerOrg}", "?limit=1", "?next=not-a-cursor", $"?owner={Node.OwnerOrg}&limit=1&next=not-a-cursor"];
        foreach (var (who, person, hidden) in strangers)
        {
            foreach (var id in hidden)
            {
                foreach (var query in queries)
                {
                    var unknownId = Id("indicator");
                    var unknown = await HistoryResponseAsync(person, unknownId, query);
                    var response = await HistoryResponseAsync(person, id, query);
                    Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{who}: history{query} of {id} answered {response.StatusCode}");
                    Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
                    // Exactly what an unknown id answers: nothing tells the object exists.
                    Assert.Equal(WithoutTrace(await Json.ReadAsync(unknown)).Replace(unknownId, id, StringComparison.Ordinal), WithoutTrace(await Json.ReadAsync(response)));
                }
            }

            // The page reads the same way: no object, so no history.
            var caller = await CallerOfAsync(person);
            await using var s = Node.Factory.Services.CreateAsyncScope();
            foreach (var id in hidden)
            {
                Assert.Null(await s.ServiceProvider.GetRequiredService<IntelPageQueries>().FindAsync(caller, id, null, default));
            }
        }

        foreach (var id in new[] { strict, red })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(null).GetAsync($"/api/intel/objects/{id}/history")).StatusCode);
        }

        // Nothing changed by their attempts.
        Assert.Equal(ownerStrict, (await HistoryAsync(Node.Owner, strict)).ToJsonString());
        Assert.Equal(ownerRed, (await HistoryAsync(Node.Owner, red)).ToJsonString());
    }

    [Fact]
    public async Task History_ReaderInTheAudience_SeesTheEntriesButNoJobIdsAndSightingsWithoutWhoReportedThem()
    {
        var (id, job) = await ShareAmberAsync();
        var sighted = await Node.Client(Node.Member).PostAsync($"/api/intel/objects/{id}/sightings", new { count = 3, where = "Mail gateway", shareWith = "audience" });
        Assert.Equal(HttpStatusCode.Created, sighted.StatusCode);

        var member = await HistoryAsync(Node.Member, id);
        Assert.Equal(["sighting-reported", "added"], member.Select(e => Text(e, "kind")!));
        Assert.All(member, e => Assert.Null(e!["jobId"]));
        Assert.Equal("import", Text(member[1], "via"));
        Assert.Equal("stix-bundle", Text(member[1], "format"));
        var owner = await HistoryAsync(Node.Owner, id);
        Assert.Equal(job, Text(owner[1], "jobId"));
        // Nobody's history entry names who sighted: not the owner's, not the reporter's own.
        foreach (var entries in new[] { member, owner })
        {
            Assert.DoesNotContain(Node.MemberOrg.ToString(), entries.ToJsonString(), StringComparison.OrdinalIgnoreCase);
            Assert.Null(entries[0]!["via"]);
        }

        // The page shows the member the same entries (in their own time zone, formatted by the page).
        var caller = await CallerOfAsync(Node.Member);
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var pages = scope.ServiceProvider.GetRequiredService<IntelPageQueries>();
        var read = await pages.FindAsync(caller, id, null, default);
        Assert.NotNull(read);
        var (shown, next) = await pages.HistoryAsync(caller, read, null, 50, default);
        Assert.Null(next);
        Assert.Equal([IntelHistoryKind.SightingReported, IntelHistoryKind.Added], shown.Select(e => e.Kind));
        Assert.All(shown, e => Assert.Null(e.JobId));
    }

    [Fact]
    public async Task History_Paged_EveryEntryOnceNewestFirst_BadCursorOrLimitIs400()
    {
        var (id, _) = await ShareAmberAsync();
        for (var minute = 1; minute <= 4; minute++)
        {
            await ImportAsync(Node.Owner, Bundle(Indicator(id, Modified(minute))), Amber);
        }

        var all = await HistoryAsync(Node.Owner, id);
        Assert.Equal(5, all.Count);
        Assert.Equal(["new-version", "new-version", "new-version", "new-version", "added"], all.Select(e => Text(e, "kind")!));
        var paged = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var response = await HistoryResponseAsync(Node.Owner, id, "?limit=2" + (next is null ? "" : $"&next={Uri.EscapeDataString(next)}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await Json.ReadAsync(response);
            var items = page["items"]!.AsArray();
            Assert.InRange(items.Count, 1, 2);
            paged.AddRange(items.Select(e => e!.ToJsonString()));
            next = page["next"]?.GetValue<string>();
            pages++;
        }
        while (next is not null);

        Assert.Equal(3, pages);
        Assert.Equal(all.Select(e => e!.ToJsonString()), paged);

        var badCursor = await HistoryResponseAsync(Node.Owner, id, "?next=not-a-cursor");
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
        Assert.NotNull((await Json.ReadAsync(badCursor))["errors"]!["next"]);
        var badLimit = await HistoryResponseAsync(Node.Owner, id, "?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.NotNull((await Json.ReadAsync(badLimit))["errors"]!["limit"]);
        // A cursor of another object's history is refused, not followed.
        var (other, _) = await ShareAmberAsync();
        await ImportAsync(Node.Owner, Bundle(Indicator(other, Modified(1))), Amber);
        var otherNext = (await Json.ReadAsync(await HistoryResponseAsync(Node.Owner, other, "?limit=1")))["next"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.BadRequest, (await HistoryResponseAsync(Node.Owner, id, $"?limit=1&next={Uri.EscapeDataString(otherNext)}")).StatusCode);
    }

    private async Task<Caller> CallerOfAsync(Person person)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, person.UserId.ToString())], "test"));
        return await scope.ServiceProvider.GetRequiredService<CallerResolver>().ResolveAsync(principal, null, default);
    }
}

public sealed class SqliteIntelHistoryTests(SqliteNode fixture) : IntelHistoryTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelHistoryTests(PostgresNode fixture) : IntelHistoryTests(fixture), IClassFixture<PostgresNode>;
