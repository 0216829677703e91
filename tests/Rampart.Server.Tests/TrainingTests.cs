using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Capacity.Training;

namespace Rampart.Server.Tests;

/// <summary>
/// Training and skills (issue 12) through the HTTP API, on SQLite and PostgreSQL: ECSF as reference data, the gap to a
/// target profile, per-year records, certificate expiry against the fake clock (2026-11-02), bad input, and that no
/// other organisation and no administrator reads or changes a person's training record by any path.
/// </summary>
public abstract class TrainingTests(NodeFixture fixture)
{
    private const string Api = "/api/capacity/training";

    private static readonly string[] Responder = ["incident-responder"];

    private static readonly string[] Astronaut = ["astronaut"];

    private static readonly string[] UnknownKnowledge = ["K-999"];

    private static readonly string[] SkillsTheme = ["culture-and-skills"];

    private static readonly string[] Albania = ["AL"];

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

    private static async Task<Guid> PersonAsync(HttpClient client, string name, params string[] profiles)
    {
        var created = await OkJsonAsync(await client.PostAsync($"{Api}/people", new { name, profiles, consent = true }), HttpStatusCode.Created);
        return created["id"]!.GetValue<Guid>();
    }

    private static async Task<Guid> CourseAsync(HttpClient client, string title, decimal hours, string[] items, bool network = false)
    {
        var created = await OkJsonAsync(await client.PostAsync($"{Api}/courses",
            new { title, provider = "ENISA", format = "in-person", language = "sq", hours, items, profiles = Responder, network }), HttpStatusCode.Created);
        return created["id"]!.GetValue<Guid>();
    }

    private static async Task<Guid> SessionAsync(HttpClient client, Guid course, string start, string end)
    {
        var created = await OkJsonAsync(await client.PostAsync($"{Api}/courses/{course}/sessions", new { startDate = start, endDate = end, place = "Tirana", trainer = "T. Trainer" }), HttpStatusCode.Created);
        return created["id"]!.GetValue<Guid>();
    }

    [Fact]
    public async Task Ecsf_OnFirstStart_HoldsTwelveProfilesWithTheirItems()
    {
        var client = Node.Client(Node.Owner);
        var framework = await OkJsonAsync(await client.GetAsync($"{Api}/ecsf"));
        var profiles = framework["profiles"]!.AsArray();
        Assert.Equal(12, profiles.Count);
        Assert.Equal(EcsfSource.V1ProfileIds.Order(), profiles.Select(p => p!["profileId"]!.GetValue<string>()).Order());
        Assert.Contains("EUPL", framework["licence"]!.GetValue<string>(), StringComparison.Ordinal);

        var responder = await OkJsonAsync(await client.GetAsync($"{Api}/ecsf/profiles/incident-responder"));
        var items = responder["items"]!.AsArray();
        // The file's Cyber Incident Responder: 11 tasks, 6 skills, 13 knowledge items, 5 e-competences.
        Assert.Equal(11, items.Count(i => i!["kind"]!.GetValue<string>() == "task"));
        Assert.Equal(6, items.Count(i => i!["kind"]!.GetValue<string>() == "skill"));
        Assert.Equal(13, items.Count(i => i!["kind"]!.GetValue<string>() == "knowledge"));
        Assert.Equal(5, items.Count(i => i!["kind"]!.GetValue<string>() == "e-competence"));
        Assert.Equal("Cyber Incident Responder", responder["englishTitle"]!.GetValue<string>());

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Api}/ecsf/profiles/penetration-tester");
        request.Headers.AcceptLanguage.ParseAdd("sq");
        var sq = await OkJsonAsync(await client.SendAsync(request));
        Assert.Equal("Testues i depërtimit", sq["title"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"{Api}/ecsf/profiles/astronaut")).StatusCode);
    }

    [Fact]
    public async Task Gap_ToATargetProfile_CountsItemsBelowTheRequiredLevel_AndOffersCoveringCourses()
    {
        var owner = Node.Client(Node.Owner);
        var person = await PersonAsync(owner, "Arta Analyst", "threat-intelligence");
        var profile = await OkJsonAsync(await owner.GetAsync($"{Api}/ecsf/profiles/incident-responder"));
        var rateable = profile["items"]!.AsArray().Where(i => i!["kind"]!.GetValue<string>() is "skill" or "knowledge").Select(i => i!["itemId"]!.GetValue<string>()).ToList();
        Assert.Equal(19, rateable.Count);

        // Two items met (3 and 4), one short by 2 (level 1), the rest not rated (short by 3).
        await OkJsonAsync(await owner.PutAsync($"{Api}/people/{person}/skills", new
        {
            ratings = new object[] { new { itemId = rateable[0], level = 3 }, new { itemId = rateable[1], level = 4 }, new { itemId = rateable[2], level = 1 } },
        }));
        var course = await CourseAsync(owner, $"Handling incidents {Guid.NewGuid():N}", 16, [rateable[2], rateable[5]]);

        var gap = await OkJsonAsync(await owner.GetAsync($"{Api}/people/{person}/gap?profile=incident-responder"));
        Assert.Equal(19, gap["items"]!.GetValue<int>());
        Assert.Equal(2, gap["met"]!.GetValue<int>());
        var gaps = gap["gaps"]!.AsArray();
        Assert.Equal(17, gaps.Count);
        Assert.DoesNotContain(gaps, g => g!["itemId"]!.GetValue<string>() == rateable[0]);
        Assert.Equal(2, gaps.Single(g => g!["itemId"]!.GetValue<string>() == rateable[2])!["gap"]!.GetValue<int>());
        Assert.Equal(3, gaps[0]!["gap"]!.GetValue<int>());
        var covering = gap["courses"]!.AsArray().Single(c => c!["courseId"]!.GetValue<Guid>() == course)!;
        Assert.Equal(2, covering["gapItemsCovered"]!.GetValue<int>());

        // A lower bar: level 1 is met by every rated item.
        var lenient = await OkJsonAsync(await owner.GetAsync($"{Api}/people/{person}/gap?profile=incident-responder&level=1"));
        Assert.Equal(3, lenient["met"]!.GetValue<int>());

        await AssertBadAsync(await owner.GetAsync($"{Api}/people/{person}/gap?profile=astronaut"), "profile");
        await AssertBadAsync(await owner.GetAsync($"{Api}/people/{person}/gap?profile=incident-responder&level=5"), "level");
    }

    [Fact]
    public async Task Coverage_CountsPeoplePerProfile_AndListsUncoveredProfiles()
    {
        // A fresh organisation of its own, so other tests' people do not count.
        Person analyst;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var shortName = ("COV" + Guid.NewGuid().ToString("N")[..6]).ToUpperInvariant();
            var org = (await scope.ServiceProvider.GetRequiredService<Organisations.OrganisationAdministration>().CreateAsync(Access.Caller.Operator(),
                new Organisations.OrganisationRequest($"Team {shortName}", shortName, "GE", Organisations.OrganisationKind.SectoralCsirt), default)).Id;
            analyst = await SeededNode.PersonAsync(scope.ServiceProvider, org, $"cov-{Guid.NewGuid():N}@cov.test", Access.Role.Analyst);
        }

        var client = Node.Client(analyst);
        await PersonAsync(client, "Besa", "incident-responder", "threat-intelligence");
        await PersonAsync(client, "Dritan", "incident-responder");
        var coverage = await OkJsonAsync(await client.GetAsync($"{Api}/coverage"));
        Assert.Equal(2, coverage["people"]!.GetValue<int>());
        var byProfile = coverage["profiles"]!.AsArray().ToDictionary(p => p!["profileId"]!.GetValue<string>(), p => p!["people"]!.GetValue<int>());
        Assert.Equal(2, byProfile["incident-responder"]);
        Assert.Equal(1, byProfile["threat-intelligence"]);
        Assert.Equal(10, coverage["uncovered"]!.AsArray().Count);
        Assert.DoesNotContain(coverage["uncovered"]!.AsArray(), u => u!.GetValue<string>() == "incident-responder");

        // Another organisation's coverage does not include these people.
        var outsider = await OkJsonAsync(await Node.Client(Node.Outsider).GetAsync($"{Api}/coverage"));
        Assert.DoesNotContain(outsider["profiles"]!.AsArray().SelectMany(p => p!["names"]!.AsArray()), n => n!.GetValue<string>() is "Besa" or "Dritan");
    }

    [Fact]
    public async Task Record_PerYear_SumsAttendedHours_AndCertificates_WithCsv()
    {
        var owner = Node.Client(Node.Owner);
        var person = await PersonAsync(owner, $"Record {Guid.NewGuid():N}"[..16]);
        var course = await CourseAsync(owner, "=HYPERLINK(\"http://evil\")", 12.5m, ["S-001"]);
        var other = await CourseAsync(owner, "Forensics", 8, []);
        var attended2026 = await SessionAsync(owner, course, "2026-03-02", "2026-03-04");
        var attended2025 = await SessionAsync(owner, other, "2025-12-30", "2025-12-31");
        var absent = await SessionAsync(owner, other, "2026-05-01", "2026-05-01");
        var future = await SessionAsync(owner, other, "2026-12-01", "2026-12-02");
        await OkJsonAsync(await owner.PostAsync($"{Api}/people/{person}/enrolments", new { sessionId = attended2026, status = "attended" }));
        await OkJsonAsync(await owner.PostAsync($"{Api}/people/{person}/enrolments", new { sessionId = attended2025, status = "attended" }));
        await OkJsonAsync(await owner.PostAsync($"{Api}/people/{person}/enrolments", new { sessionId = absent, status = "absent" }));
        await OkJsonAsync(await owner.PostAsync($"{Api}/people/{person}/enrolments", new { sessionId = future }));
        // Attendance of a session that has not started yet (the clock is at 2026-11-02) is refused.
        await AssertBadAsync(await owner.PostAsync($"{Api}/people/{person}/enrolments", new { sessionId = future, status = "attended" }), "status");
        await OkJsonAsync(await owner.PostAsync($"{Api}/people/{person}/certificates", new { name = "GCIH", issuer = "GIAC", number = "123", issuedOn = "2026-04-01", expiresOn = "2030-04-01" }), HttpStatusCode.Created);

        var y2026 = await OkJsonAsync(await owner.GetAsync($"{Api}/people/{person}/record?year=2026"));
        Assert.Equal(12.5m, y2026["hours"]!.GetValue<decimal>());
        Assert.Equal(1, y2026["courses"]!.GetValue<int>());
        Assert.Equal(1, y2026["certificates"]!.GetValue<int>());
        var y2025 = await OkJsonAsync(await owner.GetAsync($"{Api}/people/{person}/record?year=2025"));
        Assert.Equal(8m, y2025["hours"]!.GetValue<decimal>());
        Assert.Equal(0, y2025["certificates"]!.GetValue<int>());
        // Default year: the clock's (2026).
        Assert.Equal(12.5m, (await OkJsonAsync(await owner.GetAsync($"{Api}/people/{person}/record")))["hours"]!.GetValue<decimal>());

        var organisation = await OkJsonAsync(await owner.GetAsync($"{Api}/record?year=2026"));
        Assert.Contains(organisation["lines"]!.AsArray(), l => l!["personId"]!.GetValue<Guid>() == person);
        Assert.True(organisation["hours"]!.GetValue<decimal>() >= 12.5m);

        var csv = await owner.GetAsync($"{Api}/people/{person}/record.csv?year=2026");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var text = await csv.Content.ReadAsStringAsync();
        Assert.StartsWith(TrainingCsv.Columns, text, StringComparison.Ordinal);
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil\"\")\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(",=HYPERLINK", text, StringComparison.Ordinal);
        Assert.Contains("GCIH,GIAC,2026-04-01,,,123,2030-04-01", text, StringComparison.Ordinal);
        await AssertBadAsync(await owner.GetAsync($"{Api}/people/{person}/record?year=20260"), "year");
    }

    [Fact]
    public async Task Certificates_ExpiringWithin90Days_AreFlagged_AgainstTheFakeClock()
    {
        var owner = Node.Client(Node.Owner);
        var person = await PersonAsync(owner, $"Cert {Guid.NewGuid():N}"[..14]);
        async Task AddAsync(string name, string expires) =>
            await OkJsonAsync(await owner.PostAsync($"{Api}/people/{person}/certificates", new { name, issuer = "ISC2", issuedOn = "2024-01-10", expiresOn = expires }), HttpStatusCode.Created);
        await AddAsync("soon", "2027-01-31");      // 90 days after 2026-11-02
        await AddAsync("later", "2027-02-01");     // 91 days
        await AddAsync("expired", "2026-11-01");

        var details = await OkJsonAsync(await owner.GetAsync($"{Api}/people/{person}"));
        var certificates = details["certificates"]!.AsArray().ToDictionary(c => c!["name"]!.GetValue<string>());
        Assert.True(certificates["soon"]!["expiresSoon"]!.GetValue<bool>());
        Assert.False(certificates["later"]!["expiresSoon"]!.GetValue<bool>());
        Assert.False(certificates["expired"]!["expiresSoon"]!.GetValue<bool>());
        Assert.True(certificates["expired"]!["expired"]!.GetValue<bool>());

        var expiring = await OkJsonAsync(await owner.GetAsync($"{Api}/certificates/expiring?limit=200"));
        var mine = expiring["items"]!.AsArray().Where(c => c!["personId"]!.GetValue<Guid>() == person).Select(c => c!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(["expired", "soon"], mine);
    }

    [Fact]
    public async Task BadInput_Is400NamingTheField_AndNothingIsSaved()
    {
        var owner = Node.Client(Node.Owner);
        await AssertBadAsync(await owner.PostAsync($"{Api}/people", new { name = "X", profiles = Astronaut, consent = true }), "profiles[0]");
        await AssertBadAsync(await owner.PostAsync($"{Api}/people", new { name = "X" }), "consent");
        await AssertBadAsync(await owner.PostAsync($"{Api}/people", new { name = "", consent = true }), "name");
        await AssertBadAsync(await owner.PostAsync($"{Api}/people", new { name = "X", consent = true, userId = Node.Outsider.UserId }), "userId");
        var person = await PersonAsync(owner, "Bad Input");
        await AssertBadAsync(await owner.PutAsync($"{Api}/people/{person}/skills", new { ratings = new[] { new { itemId = "S-999", level = 2 } } }), "ratings[0].itemId");
        await AssertBadAsync(await owner.PutAsync($"{Api}/people/{person}/skills", new { ratings = new object[] { new { itemId = "S-001", level = 2 }, new { itemId = "T-001", level = 2 } } }), "ratings[1].itemId");
        await AssertBadAsync(await owner.PutAsync($"{Api}/people/{person}/skills", new { ratings = new[] { new { itemId = "S-001", level = 7 } } }), "ratings[0].level");
        var details = await OkJsonAsync(await owner.GetAsync($"{Api}/people/{person}"));
        Assert.Empty(details["person"]!["proficiencies"]!.AsArray());

        var title = $"Bad {Guid.NewGuid():N}";
        await AssertBadAsync(await owner.PostAsync($"{Api}/courses", new { title, provider = "P", format = "online", language = "en", hours = -3 }), "hours");
        await AssertBadAsync(await owner.PostAsync($"{Api}/courses", new { title, provider = "P", format = "online", language = "en", hours = 0 }), "hours");
        await AssertBadAsync(await owner.PostAsync($"{Api}/courses", new { title, provider = "P", format = "online", language = "en", hours = 2, items = UnknownKnowledge }), "items[0]");
        await AssertBadAsync(await owner.PostAsync($"{Api}/courses", new { title, provider = "P", format = "online", language = "xx-nope", hours = 2 }), "language");
        await AssertBadAsync(await owner.PostAsync($"{Api}/courses", new { title, provider = "P", format = "telepathy", language = "en", hours = 2 }), "format");
        var courses = await OkJsonAsync(await owner.GetAsync($"{Api}/courses?limit=200"));
        Assert.DoesNotContain(courses["items"]!.AsArray(), c => c!["title"]!.GetValue<string>() == title);

        var course = await CourseAsync(owner, title, 4, []);
        await AssertBadAsync(await owner.PostAsync($"{Api}/courses/{course}/sessions", new { startDate = "2026-13-40", endDate = "2026-01-01", place = "Skopje" }), "startDate");
        await AssertBadAsync(await owner.PostAsync($"{Api}/courses/{course}/sessions", new { startDate = "2026-05-02", endDate = "2026-05-01", place = "Skopje" }), "endDate");
        await AssertBadAsync(await owner.PostAsync($"{Api}/courses/{course}/sessions", new { startDate = "2026-05-01", endDate = "2026-05-01", place = "Skopje", projectId = Guid.NewGuid() }), "projectId");
        await AssertBadAsync(await owner.PostAsync($"{Api}/courses/{course}/sessions", new { startDate = "2026-05-01", endDate = "2026-05-01", place = "Skopje", capacity = -1 }), "capacity");
        var sessions = await OkJsonAsync(await owner.GetAsync($"{Api}/courses/{course}/sessions"));
        Assert.Empty(sessions["items"]!.AsArray());

        await AssertBadAsync(await owner.PostAsync($"{Api}/people/{person}/certificates", new { name = "C", issuer = "I", issuedOn = "2026-05-01", expiresOn = "2026-04-01" }), "expiresOn");
        await AssertBadAsync(await owner.PostAsync($"{Api}/people/{person}/certificates", new { name = "C", issuer = "I", issuedOn = "not-a-date" }), "issuedOn");
        await AssertBadAsync(await owner.PostAsync($"{Api}/people/{person}/enrolments", new { sessionId = Guid.NewGuid() }), "sessionId");
        await AssertBadAsync(await owner.GetAsync($"{Api}/people?limit=500"), "limit");
        details = await OkJsonAsync(await owner.GetAsync($"{Api}/people/{person}"));
        Assert.Empty(details["certificates"]!.AsArray());
        Assert.Empty(details["enrolments"]!.AsArray());
    }

    [Fact]
    public async Task Session_UnderAReadableRegistryProject_ShowsIt()
    {
        var owner = Node.Client(Node.Owner);
        var project = await OkJsonAsync(await owner.PostAsync("/api/capacity/projects", new
        {
            title = $"Training project {Guid.NewGuid():N}", status = "ongoing", start = "2025-03", themes = SkillsTheme, countries = Albania, visibility = "network",
        }), HttpStatusCode.Created);
        var course = await CourseAsync(owner, "Under a project", 6, [], network: true);
        var session = await OkJsonAsync(await owner.PostAsync($"{Api}/courses/{course}/sessions",
            new { startDate = "2026-06-01", endDate = "2026-06-02", online = true, projectId = project["id"]!.GetValue<Guid>() }), HttpStatusCode.Created);
        Assert.Equal(project["id"]!.GetValue<Guid>(), session["projectId"]!.GetValue<Guid>());

        // A network course is in everyone's catalogue; its sessions are visible, but only its owner changes it.
        var outsider = Node.Client(Node.Outsider);
        var sessions = await OkJsonAsync(await outsider.GetAsync($"{Api}/courses/{course}/sessions"));
        Assert.Single(sessions["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.DeleteAsync($"{Api}/courses/{course}")).StatusCode);
    }

    [Fact]
    public async Task Course_SharedWithTheNetworkLater_NeedsConfirmation_ThenOtherOrganisationsReadIt()
    {
        var owner = Node.Client(Node.Owner);
        var title = $"Course {Guid.NewGuid():N}"[..20];
        object Body(bool network, bool? confirm = null) => new { title, provider = "CERT", format = "online", language = "en", hours = 4, network, confirm };
        var id = (await OkJsonAsync(await owner.PostAsync($"{Api}/courses", Body(false)), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).GetAsync($"{Api}/courses/{id}")).StatusCode);

        // Widening without confirm: 400 on confirm, nothing changes.
        await AssertBadAsync(await owner.PutAsync($"{Api}/courses/{id}", Body(true)), "confirm");
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).GetAsync($"{Api}/courses/{id}")).StatusCode);
        Assert.False((await OkJsonAsync(await owner.GetAsync($"{Api}/courses/{id}")))["network"]!.GetValue<bool>());

        await OkJsonAsync(await owner.PutAsync($"{Api}/courses/{id}", Body(true, true)));
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(Node.Outsider).GetAsync($"{Api}/courses/{id}")).StatusCode);

        // Keeping it shared or narrowing needs no confirmation.
        await OkJsonAsync(await owner.PutAsync($"{Api}/courses/{id}", Body(true)));
        await OkJsonAsync(await owner.PutAsync($"{Api}/courses/{id}", Body(false)));
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).GetAsync($"{Api}/courses/{id}")).StatusCode);
    }

    [Fact]
    public async Task Course_Topics_AreStoredNormalised_FoundByWholeTopic_OnlyByThoseWhoReadTheCourse()
    {
        var owner = Node.Client(Node.Owner);
        var word = $"topic{Guid.NewGuid():N}"[..16];
        object Body(params string[] topics) => new { title = $"Course about {word}", provider = "ENISA", format = "online", language = "en", hours = 3, topics };

        var created = await OkJsonAsync(await owner.PostAsync($"{Api}/courses", Body($"  {word.ToUpperInvariant()}   Handling ", "RSIT", "rsit")), HttpStatusCode.Created);
        var id = created["id"]!.GetValue<Guid>();
        string[] expected = ["rsit", $"{word} handling"]; // in ordinal order
        Assert.Equal(expected, created["topics"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(expected, (await OkJsonAsync(await owner.GetAsync($"{Api}/courses/{id}")))["topics"]!.AsArray().Select(t => t!.GetValue<string>()));

        async Task<List<Guid>> ByTopicAsync(HttpClient client, string topic) =>
            (await OkJsonAsync(await client.GetAsync($"{Api}/courses?limit=200&topic={Uri.EscapeDataString(topic)}")))["items"]!.AsArray()
            .Select(c => c!["id"]!.GetValue<Guid>()).ToList();

        // Whatever the case and spacing of the query; a part of a topic is not the topic.
        Assert.Equal([id], await ByTopicAsync(owner, $"{word.ToUpperInvariant()}  HANDLING"));
        Assert.Empty(await ByTopicAsync(owner, word));

        // A private course is not found by its topic by anyone outside its organisation, administrators included.
        Person otherOrgAdmin;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            otherOrgAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"admin-{Guid.NewGuid():N}@outside.test", Access.Role.OrgAdmin);
        }

        foreach (var stranger in new[] { Node.Recipient, Node.Outsider, otherOrgAdmin, Node.NodeAdmin })
        {
            Assert.Empty(await ByTopicAsync(Node.Client(stranger), $"{word} handling"));
        }

        Assert.Equal([id], await ByTopicAsync(Node.Client(Node.OwnerViewer), $"{word} handling"));

        // A change replaces the topics.
        await OkJsonAsync(await owner.PutAsync($"{Api}/courses/{id}", Body($"{word} forensics")));
        Assert.Empty(await ByTopicAsync(owner, $"{word} handling"));
        Assert.Equal([id], await ByTopicAsync(owner, $"{word} forensics"));

        // Bad topics: a 400 naming each, and the stored topics stay as they were.
        await AssertBadAsync(await owner.PutAsync($"{Api}/courses/{id}", Body("fine", new string('x', 61))), "topics[1]");
        await AssertBadAsync(await owner.PutAsync($"{Api}/courses/{id}", Body("tab\there")), "topics[0]");
        await AssertBadAsync(await owner.PutAsync($"{Api}/courses/{id}", Body("ok", " ")), "topics[1]");
        await AssertBadAsync(await owner.PutAsync($"{Api}/courses/{id}", Body([.. Enumerable.Range(0, 21).Select(i => $"t{i}")])), "topics");
        await AssertBadAsync(await owner.PostAsync($"{Api}/courses", Body($"{word} new", "bad\u202eone")), "topics[1]");
        Assert.Equal([$"{word} forensics"], (await OkJsonAsync(await owner.GetAsync($"{Api}/courses/{id}")))["topics"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Empty(await ByTopicAsync(owner, $"{word} new"));
        Assert.Empty(await ByTopicAsync(owner, "fine"));
        await AssertBadAsync(await owner.GetAsync($"{Api}/courses?topic={new string('y', 61)}"), "topic");
        await AssertBadAsync(await owner.GetAsync($"{Api}/courses?topic=a%07b"), "topic");
    }

    [Fact]
    public async Task ProjectSessions_ListOnlySessionsOfCoursesTheReaderMayRead_InDateOrder()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var owner = Node.Client(Node.Owner);
        var member = Node.Client(Node.Member);
        var project = (await OkJsonAsync(await member.PostAsync("/api/capacity/projects", new
        {
            title = $"Skills project {tag}", status = "ongoing", start = "2025-03", themes = SkillsTheme, countries = Albania, visibility = "public",
        }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var privateCourse = await CourseAsync(owner, $"Private under project {tag}", 6, []);
        var privateSession = (await OkJsonAsync(await owner.PostAsync($"{Api}/courses/{privateCourse}/sessions",
            new { startDate = "2026-03-01", endDate = "2026-03-02", place = "Tirana", projectId = project }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        await SessionAsync(owner, privateCourse, "2026-01-10", "2026-01-10"); // not under the project
        var networkCourse = await CourseAsync(member, $"Network under project {tag}", 4, [], network: true);
        var networkSession = (await OkJsonAsync(await member.PostAsync($"{Api}/courses/{networkCourse}/sessions",
            new { startDate = "2026-02-01", endDate = "2026-02-01", online = true, projectId = project }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();

        async Task<(List<Guid> Ids, string Body)> SessionsAsync(HttpClient client)
        {
            var response = await client.GetAsync($"/api/capacity/projects/{project}/sessions?limit=200");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
            return (JsonNode.Parse(body)!["items"]!.AsArray().Select(s => s!["sessionId"]!.GetValue<Guid>()).ToList(), body);
        }

        // The owner of the private course sees both, earliest first, with the course; keyset pages of one give the same.
        var (own, ownBody) = await SessionsAsync(owner);
        Assert.Equal([networkSession, privateSession], own);
        Assert.Contains($"Private under project {tag}", ownBody, StringComparison.Ordinal);
        var paged = new List<Guid>();
        string? next = null;
        do
        {
            var page = await OkJsonAsync(await owner.GetAsync($"/api/capacity/projects/{project}/sessions?limit=1" + (next is null ? "" : "&next=" + Uri.EscapeDataString(next))));
            paged.AddRange(page["items"]!.AsArray().Select(s => s!["sessionId"]!.GetValue<Guid>()));
            next = page["next"]?.GetValue<string>();
        }
        while (next is not null);
        Assert.Equal(own, paged);

        // Everyone else — the project's own organisation, other organisations, their admins, the node admin — sees the network course's session only.
        Person otherOrgAdmin;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            otherOrgAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"admin-{Guid.NewGuid():N}@outside.test", Access.Role.OrgAdmin);
        }

        foreach (var stranger in new[] { Node.Member, Node.Recipient, Node.Outsider, otherOrgAdmin, Node.NodeAdmin })
        {
            var (ids, body) = await SessionsAsync(Node.Client(stranger));
            Assert.Equal([networkSession], ids);
            Assert.DoesNotContain($"Private under project {tag}", body, StringComparison.Ordinal);
        }

        // Not logged in: nothing, even for a public project; an unknown project is a 404, bad paging a 400 naming the field.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Client(null).GetAsync($"/api/capacity/projects/{project}/sessions")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/api/capacity/projects/{Guid.NewGuid()}/sessions")).StatusCode);
        await AssertBadAsync(await owner.GetAsync($"/api/capacity/projects/{project}/sessions?limit=201"), "limit");
        await AssertBadAsync(await owner.GetAsync($"/api/capacity/projects/{project}/sessions?next=forged"), "next");
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.GetAsync("/api/capacity/projects/not-a-uuid/sessions")).StatusCode);
    }

    [Fact]
    public async Task PrivateTrainingRecord_OtherOrganisationsAndAdministrators_CannotReachIt()
    {
        var owner = Node.Client(Node.Owner);
        var name = $"Secret {Guid.NewGuid():N}"[..20];
        var person = await PersonAsync(owner, name, "penetration-tester");
        await OkJsonAsync(await owner.PutAsync($"{Api}/people/{person}/skills", new { ratings = new[] { new { itemId = "S-001", level = 2 } } }));
        var course = await CourseAsync(owner, $"Private course {Guid.NewGuid():N}", 3, ["S-001"]);
        var session = await SessionAsync(owner, course, "2026-02-01", "2026-02-01");
        await OkJsonAsync(await owner.PostAsync($"{Api}/people/{person}/enrolments", new { sessionId = session, status = "attended" }));
        await OkJsonAsync(await owner.PostAsync($"{Api}/people/{person}/certificates", new { name = "OSCP", issuer = "OffSec", issuedOn = "2026-01-05", expiresOn = "2026-12-01" }), HttpStatusCode.Created);
        var certificateId = (await OkJsonAsync(await owner.GetAsync($"{Api}/people/{person}")))["certificates"]![0]!["id"]!.GetValue<Guid>();

        Person otherOrgAdmin;
        Person otherViewer;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            otherOrgAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"admin-{Guid.NewGuid():N}@outside.test", Access.Role.OrgAdmin);
            // There is no auditor role: a read-only viewer of another organisation stands in for one.
            otherViewer = await SeededNode.PersonAsync(scope.ServiceProvider, Node.RecipientOrg, $"auditor-{Guid.NewGuid():N}@recipient.test", Access.Role.Viewer);
        }

        foreach (var stranger in new[] { Node.Recipient, Node.Member, Node.SameCountry, Node.Outsider, otherOrgAdmin, otherViewer, Node.NodeAdmin })
        {
            var client = Node.Client(stranger);
            foreach (var path in new[]
                     {
                         $"people/{person}", $"people/{person}/gap?profile=penetration-tester", $"people/{person}/record?year=2026", $"people/{person}/record.csv?year=2026",
                         $"courses/{course}", $"courses/{course}/sessions",
                     })
            {
                var response = await client.GetAsync($"{Api}/{path}");
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{stranger.Email} GET {path}: {(int)response.StatusCode}");
            }

            Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsync($"{Api}/people/{person}", new { name = "Taken over" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsync($"{Api}/people/{person}/skills", new { ratings = new[] { new { itemId = "S-001", level = 4 } } })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"{Api}/people/{person}/certificates", new { name = "x", issuer = "y", issuedOn = "2026-01-01" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"{Api}/people/{person}/certificates/{certificateId}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"{Api}/people/{person}/enrolments/{session}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"{Api}/people/{person}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"{Api}/courses/{course}")).StatusCode);

            var list = await OkJsonAsync(await client.GetAsync($"{Api}/people?limit=200"));
            Assert.DoesNotContain(list["items"]!.AsArray(), p => p!["id"]!.GetValue<Guid>() == person);
            var courses = await OkJsonAsync(await client.GetAsync($"{Api}/courses?limit=200&item=S-001"));
            Assert.DoesNotContain(courses["items"]!.AsArray(), c => c!["id"]!.GetValue<Guid>() == course);
            var record = await OkJsonAsync(await client.GetAsync($"{Api}/record?year=2026"));
            Assert.DoesNotContain(record["lines"]!.AsArray(), l => l!["personId"]!.GetValue<Guid>() == person);
            var csv = await (await client.GetAsync($"{Api}/record.csv?year=2026")).Content.ReadAsStringAsync();
            Assert.DoesNotContain(name, csv, StringComparison.Ordinal);
            var expiring = await OkJsonAsync(await client.GetAsync($"{Api}/certificates/expiring?limit=200"));
            Assert.DoesNotContain(expiring["items"]!.AsArray(), c => c!["personId"]!.GetValue<Guid>() == person);
            var coverage = await OkJsonAsync(await client.GetAsync($"{Api}/coverage"));
            Assert.DoesNotContain(coverage["profiles"]!.AsArray().SelectMany(p => p!["names"]!.AsArray()), n => n!.GetValue<string>() == name);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Client(null).GetAsync($"{Api}/people/{person}")).StatusCode);
        // The command-line operator reads no content either.
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var queries = scope.ServiceProvider.GetRequiredService<TrainingQueries>();
            Assert.Null(await queries.FindPersonAsync(Access.Caller.Operator(), person, default));
            Assert.Empty((await queries.ListPeopleAsync(Access.Caller.Operator(), null, 200, default)).People);
            Assert.Null(await queries.PersonRecordAsync(Access.Caller.Operator(), person, 2026, default));
        }

        // Not vacuous: the owner's colleagues read it, and the record counts the session.
        var colleague = await OkJsonAsync(await Node.Client(Node.OwnerViewer).GetAsync($"{Api}/people/{person}"));
        Assert.Equal(name, colleague["person"]!["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.OwnerViewer).DeleteAsync($"{Api}/people/{person}")).StatusCode);
        var own = await OkJsonAsync(await owner.GetAsync($"{Api}/record?year=2026"));
        Assert.Contains(own["lines"]!.AsArray(), l => l!["personId"]!.GetValue<Guid>() == person);

        // Deleting the person removes the personal data and everything on the record.
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"{Api}/people/{person}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"{Api}/people/{person}")).StatusCode);
        var after = await OkJsonAsync(await owner.GetAsync($"{Api}/record?year=2026"));
        Assert.DoesNotContain(after["lines"]!.AsArray(), l => l!["personId"]!.GetValue<Guid>() == person);
    }
}

public sealed class SqliteTrainingTests(SqliteNode fixture) : TrainingTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresTrainingTests(PostgresNode fixture) : TrainingTests(fixture), IClassFixture<PostgresNode>;
