using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Capacity.Training;

namespace Rampart.Server.Tests;

/// <summary>
/// Who controls the seats of a shared session (review R4), the organisation's skills matrix against the roles it needs,
/// and courses mapped to SIM3 parameters in an assessment's gap list (issue 12) — on SQLite and PostgreSQL, with another
/// organisation and every kind of administrator trying to see what they must not.
/// </summary>
public abstract class TrainingSeatsAndMatrixTests(NodeFixture fixture)
{
    private const string Api = "/api/capacity/training";

    private static readonly string[] Skills = ["S-001"];

    private static readonly string[] MappedParameters = ["o-8", "H-3"];

    private static readonly string[] UnknownParameter = ["O-8", "Q-9"];

    private SeededNode Node => fixture.Node;

    private static async Task<JsonNode> OkJsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    private static async Task AssertBadAsync(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.True(JsonNode.Parse(body)!["errors"]![field] is not null, $"no error for {field}: {body}");
    }

    private static async Task<Guid> PersonAsync(HttpClient client, string name, params string[] profiles) =>
        (await OkJsonAsync(await client.PostAsync($"{Api}/people", new { name, profiles, consent = true }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();

    private static async Task<Guid> CourseAsync(HttpClient client, string title, bool network = false, string[]? profiles = null, string[]? parameters = null) =>
        (await OkJsonAsync(await client.PostAsync($"{Api}/courses", new
        {
            title, provider = "CERT", format = "online", language = "sq", hours = 8, items = Skills, profiles = profiles ?? [], network, parameters = parameters ?? [],
        }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();

    private async Task<Person> FreshOrganisationAnalystAsync(string country)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var shortName = ("MX" + Guid.NewGuid().ToString("N")[..6]).ToUpperInvariant();
        var org = (await scope.ServiceProvider.GetRequiredService<Organisations.OrganisationAdministration>().CreateAsync(Access.Caller.Operator(),
            new Organisations.OrganisationRequest($"Team {shortName}", shortName, country, Organisations.OrganisationKind.SectoralCsirt), default)).Id;
        return await SeededNode.PersonAsync(scope.ServiceProvider, org, $"mx-{Guid.NewGuid():N}@mx.test", Access.Role.Analyst);
    }

    [Fact]
    public async Task SharedSession_OwnerSeesAllSeatsCounted_OthersUnnamed_AndRemovesAnyEnrolment()
    {
        var owner = Node.Client(Node.Owner);
        var outsider = Node.Client(Node.Outsider);
        var course = await CourseAsync(owner, $"Network course {Guid.NewGuid():N}", network: true);
        var session = (await OkJsonAsync(await owner.PostAsync($"{Api}/courses/{course}/sessions", new { startDate = "2026-12-01", endDate = "2026-12-02", online = true, capacity = 2 }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var other = Guid.NewGuid().ToString("N")[..8];
        var theirs = await PersonAsync(outsider, $"Their person {other}");
        var ours = await PersonAsync(owner, "Our person");
        var third = await PersonAsync(owner, "Our second person");
        await OkJsonAsync(await outsider.PostAsync($"{Api}/people/{theirs}/enrolments", new { sessionId = session }));
        await OkJsonAsync(await owner.PostAsync($"{Api}/people/{ours}/enrolments", new { sessionId = session }));

        // Capacity counts every organisation's seats.
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PostAsync($"{Api}/people/{third}/enrolments", new { sessionId = session })).StatusCode);

        var seats = await OkJsonAsync(await owner.GetAsync($"{Api}/sessions/{session}/seats"));
        Assert.Equal(2, seats["enrolled"]!.GetValue<int>());
        Assert.Equal(1, seats["ownOrganisation"]!.GetValue<int>());
        Assert.Equal(1, seats["otherOrganisations"]!.GetValue<int>());
        var list = seats["seats"]!.AsArray();
        Assert.Equal("Our person", list.Single(s => s!["ownOrganisation"]!.GetValue<bool>())!["name"]!.GetValue<string>());
        var foreign = list.Single(s => !s!["ownOrganisation"]!.GetValue<bool>())!;
        Assert.Null(foreign["name"]);
        Assert.Null(foreign["personId"]);
        Assert.DoesNotContain(other, seats.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(theirs.ToString(), seats.ToJsonString(), StringComparison.OrdinalIgnoreCase);

        // Nobody but the course owner's writers sees the seats: not a reader of the network course, not an administrator.
        foreach (var stranger in new[] { Node.Outsider, Node.Member, Node.Recipient, Node.NodeAdmin, Node.OwnerViewer })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(stranger).GetAsync($"{Api}/sessions/{session}/seats")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(stranger).DeleteAsync($"{Api}/sessions/{session}/seats/{Uri.EscapeDataString(foreign["seat"]!.GetValue<string>())}")).StatusCode);
        }

        // A token of this session means nothing elsewhere, and garbage is a 400 naming the field.
        var second = (await OkJsonAsync(await owner.PostAsync($"{Api}/courses/{course}/sessions", new { startDate = "2026-12-05", endDate = "2026-12-05", online = true }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        await AssertBadAsync(await owner.DeleteAsync($"{Api}/sessions/{second}/seats/{Uri.EscapeDataString(foreign["seat"]!.GetValue<string>())}"), "seat");
        await AssertBadAsync(await owner.DeleteAsync($"{Api}/sessions/{session}/seats/garbage"), "seat");

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"{Api}/sessions/{session}/seats/{Uri.EscapeDataString(foreign["seat"]!.GetValue<string>())}")).StatusCode);
        Assert.Empty((await OkJsonAsync(await outsider.GetAsync($"{Api}/people/{theirs}")))["enrolments"]!.AsArray());
        await OkJsonAsync(await owner.PostAsync($"{Api}/people/{third}/enrolments", new { sessionId = session }));
        Assert.Equal(2, (await OkJsonAsync(await owner.GetAsync($"{Api}/sessions/{session}/seats")))["enrolled"]!.GetValue<int>());
    }

    [Fact]
    public async Task Matrix_ShowsOwnPeopleAgainstNeededRoles_WithGapsAndCourses_AndNobodyElseSeesThem()
    {
        var analyst = await FreshOrganisationAnalystAsync("ME");
        var client = Node.Client(analyst);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var strong = await PersonAsync(client, $"Strong {tag}", "incident-responder");
        await PersonAsync(client, $"New {tag}", "incident-responder");
        var profile = await OkJsonAsync(await client.GetAsync($"{Api}/ecsf/profiles/incident-responder"));
        var rateable = profile["items"]!.AsArray().Where(i => i!["kind"]!.GetValue<string>() is "skill" or "knowledge").Select(i => i!["itemId"]!.GetValue<string>()).ToList();
        await OkJsonAsync(await client.PutAsync($"{Api}/people/{strong}/skills", new { ratings = rateable.Select(id => new { itemId = id, level = 3 }).ToArray() }));
        var course = await CourseAsync(client, $"Threat intelligence basics {tag}", profiles: ["threat-intelligence"]);

        await OkJsonAsync(await client.PutAsync($"{Api}/needs", new
        {
            needs = new object[] { new { profileId = "incident-responder", count = 2, level = 3 }, new { profileId = "threat-intelligence", count = 1 } },
        }));

        var matrix = await OkJsonAsync(await client.GetAsync($"{Api}/matrix"));
        Assert.Equal(2, matrix["people"]!.GetValue<int>());
        Assert.Equal(12, matrix["profiles"]!.AsArray().Count);
        var responder = matrix["needs"]!.AsArray().Single(n => n!["profileId"]!.GetValue<string>() == "incident-responder")!;
        Assert.Equal(1, responder["filled"]!.GetValue<int>());
        Assert.Equal(1, responder["gap"]!.GetValue<int>());
        var intelligence = matrix["needs"]!.AsArray().Single(n => n!["profileId"]!.GetValue<string>() == "threat-intelligence")!;
        Assert.Equal(0, intelligence["filled"]!.GetValue<int>());
        Assert.Equal("proficient", intelligence["level"]!.GetValue<string>());
        Assert.Contains(intelligence["courses"]!.AsArray(), c => c!["courseId"]!.GetValue<Guid>() == course);
        var cell = matrix["page"]!.AsArray().Single(p => p!["id"]!.GetValue<Guid>() == strong)!["profiles"]!.AsArray()
            .Single(c => c!["profileId"]!.GetValue<string>() == "incident-responder")!;
        Assert.True(cell["holds"]!.GetValue<bool>());
        Assert.Equal(3m, cell["level"]!.GetValue<decimal>());

        // Cursor paging: one at a time, no one twice.
        var first = await OkJsonAsync(await client.GetAsync($"{Api}/matrix?limit=1"));
        var next = await OkJsonAsync(await client.GetAsync($"{Api}/matrix?limit=1&next={Uri.EscapeDataString(first["next"]!.GetValue<string>())}"));
        Assert.NotEqual(first["page"]![0]!["id"]!.GetValue<Guid>(), next["page"]![0]!["id"]!.GetValue<Guid>());
        Assert.Null(next["next"]);

        // Every other organisation and every kind of administrator sees its own matrix only: none of these people.
        foreach (var stranger in new[] { Node.Owner, Node.OwnerAdmin, Node.Outsider, Node.NodeAdmin, Node.Member })
        {
            var theirs = await Node.Client(stranger).GetAsync($"{Api}/matrix?limit=200");
            Assert.DoesNotContain(tag, await theirs.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var (forOperator, _) = await scope.ServiceProvider.GetRequiredService<TrainingQueries>().MatrixAsync(Access.Caller.Operator(), null, 200, default);
            Assert.Empty(forOperator.Page);
            Assert.Empty(forOperator.Needs);
        }

        // Bad needs: each broken rule named, nothing changed.
        var bad = await client.PutAsync($"{Api}/needs", new { needs = new object[] { new { profileId = "astronaut", count = 0, level = 5 }, new { profileId = "ciso", count = 1 }, new { profileId = "ciso", count = 1 } } });
        var errors = (await Json.ReadAsync(bad))["errors"]!.AsObject();
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True(errors.ContainsKey("needs[0].profileId") && errors.ContainsKey("needs[0].count") && errors.ContainsKey("needs[0].level") && errors.ContainsKey("needs[2].profileId"), errors.ToJsonString());
        Assert.Equal(2, (await OkJsonAsync(await client.GetAsync($"{Api}/needs"))).AsArray().Count);
        await AssertBadAsync(await client.PutAsync($"{Api}/needs", new { }), "needs");
    }

    [Fact]
    public async Task NeededRoles_AreSetByWritersOnly()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.OwnerViewer).PutAsync($"{Api}/needs", new { needs = new object[] { new { profileId = "ciso", count = 1 } } })).StatusCode);
    }

    [Fact]
    public async Task Courses_MapToSim3Parameters_AndTheAssessmentGapListShowsOnlyReadableOnes()
    {
        var owner = Node.Client(Node.Owner);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var mapped = await OkJsonAsync(await owner.PostAsync($"{Api}/courses", new
        {
            title = $"Incident classification with RSIT {tag}", provider = "CERT", format = "online", language = "en", hours = 4, parameters = MappedParameters,
        }), HttpStatusCode.Created);
        Assert.Equal(["H-3", "O-8"], mapped["parameters"]!.AsArray().Select(p => p!.GetValue<string>()));
        var bad = await owner.PostAsync($"{Api}/courses", new { title = "x", provider = "y", format = "online", language = "en", hours = 1, parameters = UnknownParameter });
        await AssertBadAsync(bad, "parameters[1]");

        var outsider = Node.Client(Node.Outsider);
        var hidden = await CourseAsync(outsider, $"Private O-8 course {tag}", parameters: ["O-8"]);
        var shared = await CourseAsync(outsider, $"Network O-8 course {tag}", network: true, parameters: ["O-8"]);

        const string Maturity = "/api/capacity/maturity";
        var assessment = (await OkJsonAsync(await owner.PostAsync($"{Maturity}/assessments", new { modelKey = "sim3-v2-interim", type = "self-assessment", date = "2026-11-01", assessors = "A. Analyst" }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        await OkJsonAsync(await owner.PutAsync($"{Maturity}/assessments/{assessment}", new { ratings = new object[] { new { parameterId = "O-8", level = 0 } } }));
        var profile = (await OkJsonAsync(await owner.PostAsync($"{Maturity}/profiles", new { name = $"Baseline {tag}", modelKey = "sim3-v2-interim", levels = new Dictionary<string, int> { ["O-8"] = 3 } }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();

        var gaps = await OkJsonAsync(await owner.GetAsync($"{Maturity}/assessments/{assessment}/gaps?profile={profile}"));
        var courses = gaps["gaps"]!.AsArray().Single(g => g!["parameterId"]!.GetValue<string>() == "O-8")!["courses"]!.AsArray().Select(c => c!["courseId"]!.GetValue<Guid>()).ToList();
        Assert.Contains(mapped["id"]!.GetValue<Guid>(), courses);
        Assert.Contains(shared, courses);
        Assert.DoesNotContain(hidden, courses);
    }
}

public sealed class SqliteTrainingSeatsAndMatrixTests(SqliteNode fixture) : TrainingSeatsAndMatrixTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresTrainingSeatsAndMatrixTests(PostgresNode fixture) : TrainingSeatsAndMatrixTests(fixture), IClassFixture<PostgresNode>;
