using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Capacity.Plans;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>
/// Capacity-building and cyber-hygiene plans (issue 12) through the HTTP API, on SQLite and PostgreSQL: a plan from an
/// assessment's gaps, progress and overdue actions on the fake clock, the expected maturity, dependency cycles and unknown
/// parameters refused with nothing saved, the CSV export, and that no other organisation and no administrator reads or
/// changes a private plan by any path.
/// </summary>
public abstract class PlanTests(NodeFixture fixture)
{
    private const string Api = "/api/capacity/plans";
    private const string Maturity = "/api/capacity/maturity";

    private static readonly string[] HygieneGroups = ["public-sector-staff", "general-public"];

    private static readonly string[] CampaignLanguages = ["sq", "sr-Latn"];

    private static readonly string[] UnknownLanguage = ["xx"];

    private static readonly string[] Themes = ["incident-management-and-critical-infrastructure-protection"];

    private static readonly string[] Albania = ["AL"];

    private SeededNode Node => fixture.Node;

    private static async Task<JsonNode> OkJsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    private static async Task<JsonNode> BadRequestAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["errors"]!;
    }

    private static async Task<Guid> PlanAsync(HttpClient client, string title, object? extra = null)
    {
        var created = await OkJsonAsync(await client.PostAsync(Api, extra ?? new { title }), HttpStatusCode.Created);
        return created["id"]!.GetValue<Guid>();
    }

    private static async Task<JsonNode> ActionAsync(HttpClient client, Guid plan, object body) =>
        await OkJsonAsync(await client.PostAsync($"{Api}/{plan}/actions", body), HttpStatusCode.Created);

    private static async Task<List<JsonNode>> ActionsAsync(HttpClient client, Guid plan) =>
        [.. (await OkJsonAsync(await client.GetAsync($"{Api}/{plan}/actions?limit=200")))["items"]!.AsArray().Select(a => a!)];

    private DateOnly Today => DateOnly.FromDateTime(Node.Factory.Clock.GetUtcNow().UtcDateTime);

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An assessment rated O-8 = 0, P-9 = 1, O-1 = 2 and a profile asking 3 of each (and 0 of H-1): gaps 3, 2, 1.</summary>
    private static async Task<(Guid Assessment, Guid Profile)> GapsAsync(HttpClient owner)
    {
        var assessment = (await OkJsonAsync(await owner.PostAsync($"{Maturity}/assessments", new { modelKey = "sim3-v2-interim", type = "self-assessment", date = "2026-11-01" }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        await OkJsonAsync(await owner.PutAsync($"{Maturity}/assessments/{assessment}", new
        {
            ratings = new[] { new { parameterId = "O-8", level = 0 }, new { parameterId = "P-9", level = 1 }, new { parameterId = "O-1", level = 2 }, new { parameterId = "H-1", level = 2 } },
        }));
        var profile = (await OkJsonAsync(await owner.PostAsync($"{Maturity}/profiles", new
        {
            name = "Network baseline 2027 (test)", modelKey = "sim3-v2-interim", levels = new Dictionary<string, int> { ["O-8"] = 3, ["P-9"] = 3, ["O-1"] = 3, ["H-1"] = 0 },
        }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        return (assessment, profile);
    }

    [Fact]
    public async Task FromGaps_AssessmentAndProfile_OneActionPerGapLargestFirst()
    {
        var owner = Node.Client(Node.Owner);
        var (assessment, profile) = await GapsAsync(owner);

        var plan = await OkJsonAsync(await owner.PostAsync($"{Api}/from-gaps", new { assessmentId = assessment, profileId = profile }), HttpStatusCode.Created);
        var id = plan["id"]!.GetValue<Guid>();
        Assert.Equal(assessment, plan["sourceAssessmentId"]!.GetValue<Guid>());
        Assert.Equal(profile, plan["targetProfileId"]!.GetValue<Guid>());
        Assert.Equal("red", plan["tlp"]!.GetValue<string>());

        var actions = await ActionsAsync(owner, id);
        Assert.Equal(["O-8", "P-9", "O-1"], actions.Select(a => a["parameters"]![0]!["parameterId"]!.GetValue<string>()));
        Assert.All(actions, a => Assert.Equal(3, a["parameters"]![0]!["targetLevel"]!.GetValue<int>()));
        Assert.All(actions, a => Assert.Equal("planned", a["status"]!.GetValue<string>()));
        Assert.Equal([1, 2, 3], actions.Select(a => a["number"]!.GetValue<int>()));
        // O-8 and P-9 have templates; O-1's own template raises it too (mandate and authority).
        Assert.Equal("Formalise the incident classification (O-8) on RSIT", actions[0]["title"]!.GetValue<string>());
        Assert.Equal("incident-classification", actions[0]["templateKey"]!.GetValue<string>());
        Assert.Equal("Set up emergency reachability", actions[1]["title"]!.GetValue<string>());

        // Not readable by the assessment's outsiders: a plan from someone else's assessment is a 400 naming it, nothing created.
        var outsider = Node.Client(Node.Outsider);
        var before = (await OkJsonAsync(await outsider.GetAsync($"{Api}?limit=200")))["items"]!.AsArray().Count;
        var refused = await BadRequestAsync(await outsider.PostAsync($"{Api}/from-gaps", new { assessmentId = assessment, profileId = profile }));
        Assert.NotNull(refused["assessmentId"]);
        Assert.Equal(before, (await OkJsonAsync(await outsider.GetAsync($"{Api}?limit=200")))["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task TargetProfile_IsKeptWhenNotGiven_ClearedOnRequest_AndBothAtOnceIs400WithNothingChanged()
    {
        var owner = Node.Client(Node.Owner);
        var (assessment, profile) = await GapsAsync(owner);
        var id = (await OkJsonAsync(await owner.PostAsync($"{Api}/from-gaps", new { assessmentId = assessment, profileId = profile }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();

        // A change that names no profile keeps it.
        Assert.Equal(profile, (await OkJsonAsync(await owner.PutAsync($"{Api}/{id}", new { title = "Renamed" })))["targetProfileId"]!.GetValue<Guid>());

        // A profile and a clear in one request: 400 naming the clear, the plan unchanged.
        Assert.NotNull((await BadRequestAsync(await owner.PutAsync($"{Api}/{id}", new { title = "Both", targetProfileId = profile, clearTargetProfile = true })))["clearTargetProfile"]);
        var kept = await OkJsonAsync(await owner.GetAsync($"{Api}/{id}"));
        Assert.Equal("Renamed", kept["title"]!.GetValue<string>());
        Assert.Equal(profile, kept["targetProfileId"]!.GetValue<Guid>());

        // Clearing removes it; the plan shows no expected maturity against a profile any more.
        await OkJsonAsync(await owner.PutAsync($"{Api}/{id}", new { clearTargetProfile = true }));
        var cleared = await OkJsonAsync(await owner.GetAsync($"{Api}/{id}"));
        Assert.Null(cleared["targetProfileId"]);

        // Another organisation cannot clear it either: the plan stays unreadable to it (404) and unchanged.
        await OkJsonAsync(await owner.PutAsync($"{Api}/{id}", new { targetProfileId = profile }));
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).PutAsync($"{Api}/{id}", new { clearTargetProfile = true })).StatusCode);
        Assert.Equal(profile, (await OkJsonAsync(await owner.GetAsync($"{Api}/{id}")))["targetProfileId"]!.GetValue<Guid>());
    }

    [Fact]
    public async Task FromGaps_OnlyNamedGap_OneActionRaisingIt_AndANonGapIs400WithNothingCreated()
    {
        var owner = Node.Client(Node.Owner);
        var (assessment, profile) = await GapsAsync(owner);
        var before = (await OkJsonAsync(await owner.GetAsync($"{Api}?limit=200")))["items"]!.AsArray().Count;

        // H-1 meets its minimum (0), X-1 is no parameter, an empty list names nothing: 400 naming each, no plan.
        var refused = await BadRequestAsync(await owner.PostAsync($"{Api}/from-gaps", new { assessmentId = assessment, profileId = profile, parameterIds = new List<string> { "P-9", "H-1", "X-1" } }));
        Assert.NotNull(refused["parameterIds[1]"]);
        Assert.NotNull(refused["parameterIds[2]"]);
        Assert.Null(refused["parameterIds[0]"]);
        Assert.NotNull((await BadRequestAsync(await owner.PostAsync($"{Api}/from-gaps", new { assessmentId = assessment, profileId = profile, parameterIds = Array.Empty<string>() })))["parameterIds"]);
        Assert.Equal(before, (await OkJsonAsync(await owner.GetAsync($"{Api}?limit=200")))["items"]!.AsArray().Count);

        var plan = await OkJsonAsync(await owner.PostAsync($"{Api}/from-gaps", new { assessmentId = assessment, profileId = profile, title = "Emergency reachability", parameterIds = new List<string> { "P-9" } }), HttpStatusCode.Created);
        var id = plan["id"]!.GetValue<Guid>();
        Assert.Equal("Emergency reachability", plan["title"]!.GetValue<string>());
        var actions = await ActionsAsync(owner, id);
        var only = Assert.Single(actions);
        Assert.Equal("P-9", only["parameters"]![0]!["parameterId"]!.GetValue<string>());
        Assert.Equal(3, only["parameters"]![0]!["targetLevel"]!.GetValue<int>());

        // The expected maturity is against the whole profile: P-9 would be met, the other gaps not.
        var progress = await OkJsonAsync(await owner.GetAsync($"{Api}/{id}/progress"));
        Assert.False(progress["expectedMet"]!.GetValue<bool>());
        var expected = progress["expected"]!.AsArray();
        Assert.True(expected.Single(e => e!["parameterId"]!.GetValue<string>() == "P-9")!["met"]!.GetValue<bool>());
        Assert.False(expected.Single(e => e!["parameterId"]!.GetValue<string>() == "O-8")!["met"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Progress_WithFakeClock_FlagsOverdueAndCountsDoneOverTime()
    {
        var owner = Node.Client(Node.Owner);
        var id = await PlanAsync(owner, "Progress plan");
        var start = Today;
        var first = await ActionAsync(owner, id, new { title = "Write the constituency description", parameters = new[] { new { parameterId = "O-2", targetLevel = 3 } }, dueDate = Day(start.AddDays(7)) });
        var second = await ActionAsync(owner, id, new { title = "Publish the service catalogue", dueDate = Day(start.AddDays(30)), status = "in-progress" });
        await ActionAsync(owner, id, new { title = "Dropped idea", status = "cancelled", dueDate = Day(start.AddDays(1)) });
        Assert.False(first["overdue"]!.GetValue<bool>());

        var progress = await OkJsonAsync(await owner.GetAsync($"{Api}/{id}/progress"));
        Assert.Equal(0, progress["overdue"]!.GetValue<int>());
        Assert.Equal(0, progress["percent"]!.GetValue<double>());

        // Ten days later the first is overdue (a cancelled action never is).
        Node.Factory.Clock.Advance(TimeSpan.FromDays(10));
        var actions = await ActionsAsync(owner, id);
        Assert.Equal([true, false, false], actions.Select(a => a["overdue"]!.GetValue<bool>()));
        Assert.Equal(1, (await OkJsonAsync(await owner.GetAsync($"{Api}/{id}/progress")))["overdue"]!.GetValue<int>());

        // Done: no longer overdue, and the share done (cancelled ones not counted) is 1 of 2.
        var done = await OkJsonAsync(await owner.PutAsync($"{Api}/{id}/actions/{first["id"]}", new { title = "Write the constituency description", parameters = new[] { new { parameterId = "O-2", targetLevel = 3 } }, dueDate = Day(start.AddDays(7)), status = "done" }));
        Assert.False(done["overdue"]!.GetValue<bool>());
        Node.Factory.Clock.Advance(TimeSpan.FromDays(5));
        progress = await OkJsonAsync(await owner.GetAsync($"{Api}/{id}/progress"));
        Assert.Equal(0, progress["overdue"]!.GetValue<int>());
        Assert.Equal(50, progress["percent"]!.GetValue<double>());
        var series = progress["series"]!.AsArray();
        Assert.Equal([Day(start), Day(start.AddDays(10)), Day(start.AddDays(15))], series.Select(p => p!["date"]!.GetValue<string>()));
        Assert.Equal([0.0, 50.0, 50.0], series.Select(p => p!["percent"]!.GetValue<double>()));
        Assert.Equal(2, series[1]!["counted"]!.GetValue<int>());

        var svg = await (await owner.GetAsync($"{Api}/{id}/progress.svg")).Content.ReadAsStringAsync();
        Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
        Assert.Equal(3, svg.Split("<circle").Length - 1);
        _ = second;
    }

    [Fact]
    public async Task ExpectedMaturity_AllActionsDone_MeetsProfileUnlessOneIsCancelled()
    {
        var owner = Node.Client(Node.Owner);
        var (assessment, profile) = await GapsAsync(owner);
        var id = (await OkJsonAsync(await owner.PostAsync($"{Api}/from-gaps", new { assessmentId = assessment, profileId = profile }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();

        var progress = await OkJsonAsync(await owner.GetAsync($"{Api}/{id}/progress"));
        Assert.True(progress["expectedMet"]!.GetValue<bool>());
        var expected = progress["expected"]!.AsArray().ToDictionary(e => e!["parameterId"]!.GetValue<string>());
        Assert.Equal(0, expected["O-8"]!["current"]!.GetValue<int>());
        Assert.Equal(3, expected["O-8"]!["expected"]!.GetValue<int>());
        // H-1 is above its minimum already: max(current, no target) = current.
        Assert.Equal(2, expected["H-1"]!["expected"]!.GetValue<int>());
        Assert.True(expected["H-1"]!["met"]!.GetValue<bool>());

        // An action aiming lower than the minimum, and the O-8 action cancelled: not met.
        var actions = await ActionsAsync(owner, id);
        var o8 = actions.Single(a => a["parameters"]![0]!["parameterId"]!.GetValue<string>() == "O-8");
        await OkJsonAsync(await owner.PutAsync($"{Api}/{id}/actions/{o8["id"]}", new { title = o8["title"]!.GetValue<string>(), parameters = new[] { new { parameterId = "O-8", targetLevel = 3 } }, status = "cancelled" }));
        await ActionAsync(owner, id, new { title = "Write down the classification", parameters = new[] { new { parameterId = "O-8", targetLevel = 2 } } });
        progress = await OkJsonAsync(await owner.GetAsync($"{Api}/{id}/progress"));
        Assert.False(progress["expectedMet"]!.GetValue<bool>());
        expected = progress["expected"]!.AsArray().ToDictionary(e => e!["parameterId"]!.GetValue<string>());
        Assert.Equal(2, expected["O-8"]!["expected"]!.GetValue<int>());
        Assert.False(expected["O-8"]!["met"]!.GetValue<bool>());
        Assert.True(expected["P-9"]!["met"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Action_BadInput_Is400NamingTheFieldAndSavesNothing()
    {
        var owner = Node.Client(Node.Owner);
        var id = await PlanAsync(owner, "Validation plan");
        var a = await ActionAsync(owner, id, new { title = "A" });
        var b = await ActionAsync(owner, id, new { title = "B", dependsOn = new[] { a["id"] } });
        var c = await ActionAsync(owner, id, new { title = "C", dependsOn = new[] { b["id"] } });

        // A → C would close C → B → A → C.
        var cycle = await BadRequestAsync(await owner.PutAsync($"{Api}/{id}/actions/{a["id"]}", new { title = "A", dependsOn = new[] { c["id"] } }));
        Assert.Contains("cycle", cycle["dependsOn"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var self = await BadRequestAsync(await owner.PutAsync($"{Api}/{id}/actions/{a["id"]}", new { title = "A", dependsOn = new[] { a["id"] } }));
        Assert.NotNull(self["dependsOn[0]"]);
        var foreign = await BadRequestAsync(await owner.PostAsync($"{Api}/{id}/actions", new { title = "D", dependsOn = new[] { Guid.NewGuid() } }));
        Assert.NotNull(foreign["dependsOn[0]"]);

        var unknown = await BadRequestAsync(await owner.PostAsync($"{Api}/{id}/actions", new { title = "D", parameters = new object[] { new { parameterId = "O-8", targetLevel = 3 }, new { parameterId = "X-99", targetLevel = 2 } } }));
        Assert.Contains("X-99", unknown["parameters[1].parameterId"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        var level = await BadRequestAsync(await owner.PostAsync($"{Api}/{id}/actions", new { title = "D", parameters = new[] { new { parameterId = "O-8", targetLevel = 5 } } }));
        Assert.NotNull(level["parameters[0].targetLevel"]);
        var dates = await BadRequestAsync(await owner.PostAsync($"{Api}/{id}/actions", new { title = "D", startDate = "2026-12-01", dueDate = "2026-11-01" }));
        Assert.NotNull(dates["dueDate"]);
        var funding = await BadRequestAsync(await owner.PostAsync($"{Api}/{id}/actions", new { title = "D", funding = "donor-project", fundingProjectId = Guid.NewGuid() }));
        Assert.NotNull(funding["fundingProjectId"]);
        var budget = await BadRequestAsync(await owner.PostAsync($"{Api}/{id}/actions", new { title = "D", budget = 1000 }));
        Assert.NotNull(budget["currency"]);
        var source = await BadRequestAsync(await owner.PostAsync($"{Api}/{id}/actions", new { title = "D", sourceKind = "incident", sourceId = Guid.NewGuid() }));
        Assert.NotNull(source["sourceId"]);
        var template = await BadRequestAsync(await owner.PostAsync($"{Api}/{id}/actions", new { templateKey = "no-such-template" }));
        Assert.NotNull(template["templateKey"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.PostAsync($"{Api}/{id}/actions", new { title = "D", status = "finished" })).StatusCode);

        // Nothing was saved: three actions, A still depends on nothing.
        var actions = await ActionsAsync(owner, id);
        Assert.Equal(["A", "B", "C"], actions.Select(x => x["title"]!.GetValue<string>()));
        Assert.Empty(actions[0]["dependsOn"]!.AsArray());
        // An action others depend on is not deleted from under them.
        Assert.Equal(HttpStatusCode.Conflict, (await owner.DeleteAsync($"{Api}/{id}/actions/{a["id"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"{Api}/{id}/actions/{c["id"]}")).StatusCode);
    }

    [Fact]
    public async Task Action_FundedByReadableRegistryProjectAndFromTemplate_ShowsThem()
    {
        var owner = Node.Client(Node.Owner);
        var project = (await OkJsonAsync(await owner.PostAsync("/api/capacity/projects", new
        {
            title = $"CERT support {Guid.NewGuid():N}"[..30], status = "ongoing", start = "2025-03", themes = Themes,
            countries = Albania, visibility = "network",
        }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var id = await PlanAsync(owner, "Funded plan");

        var action = await ActionAsync(owner, id, new { templateKey = "service-catalogue", funding = "donor-project", fundingProjectId = project, budget = 12000.50m, currency = "EUR" });
        Assert.Equal("Publish a service catalogue", action["title"]!.GetValue<string>());
        Assert.Equal(["O-5", "O-7"], action["parameters"]!.AsArray().Select(p => p!["parameterId"]!.GetValue<string>()));
        Assert.Equal(project, action["fundingProject"]!["id"]!.GetValue<Guid>());

        // The action as GET shows it (id, number, overdue, fundingProject, createdAt …), changed and sent back with PUT, is
        // accepted and keeps its funding project (new-user review s9/s10: it failed on "overdue").
        var read = (await ActionsAsync(owner, id)).Single();
        read["status"] = "in-progress";
        var put = await OkJsonAsync(await owner.PutAsync($"{Api}/{id}/actions/{read["id"]}", read));
        Assert.Equal("in-progress", put["status"]!.GetValue<string>());
        Assert.Equal(project, put["fundingProject"]!["id"]!.GetValue<Guid>());
        Assert.Equal(12000.50m, put["budget"]!.GetValue<decimal>());

        // Templates come in the reader's language.
        var request = new HttpRequestMessage(HttpMethod.Get, $"{Api}/templates");
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("sq"));
        var client = Node.Client(Node.Owner);
        var templates = await OkJsonAsync(await client.SendAsync(request));
        Assert.Contains(templates["items"]!.AsArray(), t => t!["title"]!.GetValue<string>() == "Formalizoni klasifikimin e incidenteve (O-8) sipas RSIT");
    }

    [Fact]
    public async Task Action_FromAnIncidentPostMortem_LinksTheIncident_NamedOnlyToThoseWhoReadIt()
    {
        var owner = Node.Client(Node.Owner);
        var incident = await OkJsonAsync(await owner.PostAsync("/api/incidents", new Dictionary<string, object?>
        {
            ["title"] = "Ransomware at the water utility", ["summary"] = "Post-mortem: no offline backups.", ["tlp"] = "amber", ["severity"] = "high",
            ["sector"] = "drinking-water", ["countries"] = Albania, ["classifications"] = new[] { new { category = "malicious-code", type = "infected-system" } },
        }), HttpStatusCode.Created);
        var incidentId = Guid.Parse(incident["id"]!.GetValue<string>());
        // The plan is shared with the recipient organisation; the incident is not.
        var id = await PlanAsync(owner, "Lessons", new { title = "Lessons from incidents", tlp = "amber", audiences = new[] { new { kind = "organisation", organisationId = Node.RecipientOrg } } });

        var action = await ActionAsync(owner, id, new { title = "Offline backups for the utilities", sourceKind = "incident", sourceId = incidentId });
        Assert.Equal("incident", action["source"]!["kind"]!.GetValue<string>());
        Assert.Equal(incidentId, action["source"]!["id"]!.GetValue<Guid>());
        Assert.Contains("Ransomware at the water utility", action["source"]!["label"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(action["source"]!.ToJsonString(), (await ActionsAsync(owner, id)).Single()["source"]!.ToJsonString());

        // A reader of the plan who may not read the incident sees the action without its source: not its id, not its title.
        var shown = (await ActionsAsync(Node.Client(Node.Recipient), id)).Single();
        Assert.Equal("Offline backups for the utilities", shown["title"]!.GetValue<string>());
        Assert.Null(shown["source"]);
        Assert.DoesNotContain(incidentId.ToString(), shown.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("water utility", shown.ToJsonString(), StringComparison.Ordinal);

        // Read back, changed and sent again as read: the link stays.
        var read = (await ActionsAsync(owner, id)).Single();
        read["status"] = "in-progress";
        var put = await OkJsonAsync(await owner.PutAsync($"{Api}/{id}/actions/{read["id"]}", read));
        Assert.Equal(action["source"]!.ToJsonString(), put["source"]!.ToJsonString());
        Assert.Equal("incident", put["sourceKind"]!.GetValue<string>());

        // An exercise is no record on this node: its lesson is named in words, which every reader of the plan reads.
        var lesson = await ActionAsync(owner, id, new { title = "Out-of-band contacts for the utilities", sourceKind = "exercise", sourceReference = "  Cyber Coalition 2026, lesson 4: no phone list  " });
        Assert.Null(lesson["source"]);
        Assert.Equal("exercise", lesson["sourceKind"]!.GetValue<string>());
        Assert.Equal("Cyber Coalition 2026, lesson 4: no phone list", lesson["sourceReference"]!.GetValue<string>());
        var theirs = (await ActionsAsync(Node.Client(Node.Recipient), id)).Single(a => a!["title"]!.GetValue<string>() == "Out-of-band contacts for the utilities");
        Assert.Equal("exercise", theirs["sourceKind"]!.GetValue<string>());
        Assert.Equal("Cyber Coalition 2026, lesson 4: no phone list", theirs["sourceReference"]!.GetValue<string>());
        var csv = await (await owner.GetAsync($"{Api}/{id}/actions.csv")).Content.ReadAsStringAsync();
        Assert.Contains("exercise: Cyber Coalition 2026, lesson 4: no phone list", csv, StringComparison.Ordinal);
        Assert.Contains("incident: ", csv, StringComparison.Ordinal);

        // Another organisation's incident is refused exactly as an unknown id: nothing tells it exists.
        var theirIncident = await OkJsonAsync(await Node.Client(Node.Outsider).PostAsync("/api/incidents", new Dictionary<string, object?>
        {
            ["title"] = "Their own incident", ["summary"] = "Theirs.", ["tlp"] = "amber", ["severity"] = "low",
            ["sector"] = "drinking-water", ["countries"] = Albania, ["classifications"] = new[] { new { category = "malicious-code", type = "infected-system" } },
        }), HttpStatusCode.Created);
        var hidden = await BadRequestAsync(await owner.PostAsync($"{Api}/{id}/actions", new { title = "H", sourceKind = "incident", sourceId = Guid.Parse(theirIncident["id"]!.GetValue<string>()) }));
        var unknown = await BadRequestAsync(await owner.PostAsync($"{Api}/{id}/actions", new { title = "H", sourceKind = "incident", sourceId = Guid.NewGuid() }));
        Assert.Equal(unknown.ToJsonString(), hidden.ToJsonString());

        // Refused with the field and the reason, nothing added: an exercise id (there are no exercise records), an exercise
        // without its lesson, a reference or an id without saying what it is, an over-long reference.
        foreach (var (body, field) in new (object, string)[]
        {
            (new { title = "E", sourceKind = "exercise", sourceId = Guid.NewGuid() }, "sourceId"),
            (new { title = "E", sourceKind = "exercise", sourceReference = " " }, "sourceReference"),
            (new { title = "E", sourceKind = "incident" }, "sourceId"),
            (new { title = "E", sourceReference = "Cyber Coalition" }, "sourceKind"),
            (new { title = "E", sourceId = incidentId }, "sourceKind"),
            (new { title = "E", sourceKind = "exercise", sourceReference = new string('x', 301) }, "sourceReference"),
        })
        {
            Assert.NotNull((await BadRequestAsync(await owner.PostAsync($"{Api}/{id}/actions", body)))[field]);
        }

        Assert.Equal(2, (await ActionsAsync(owner, id)).Count);
    }

    [Fact]
    public async Task Action_ReadBackByAWriterWhoCannotReadItsLinks_KeepsThem_AndAStaleOrForeignPutChangesNothing()
    {
        var owner = Node.Client(Node.Owner);
        var id = await PlanAsync(owner, "Links kept");
        var actionId = (await ActionAsync(owner, id, new { title = "Linked" }))["id"]!.GetValue<Guid>();
        var otherId = (await ActionAsync(owner, id, new { title = "Other" }))["id"]!.GetValue<Guid>();
        // Links to records this writer may not read — a colleague's link to a record shared with them alone, or one narrowed
        // since; for the writer it is as if they did not exist, which is what these ids are.
        var (hiddenProject, hiddenIncident) = (Guid.NewGuid(), Guid.NewGuid());
        async Task<PlanAction> RowAsync()
        {
            await using var scope = Node.Factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<RampartDb>().CapacityPlanActions.AsNoTracking().SingleAsync(a => a.Id == actionId);
        }

        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var row = await db.CapacityPlanActions.SingleAsync(a => a.Id == actionId);
            (row.Funding, row.FundingProjectId, row.SourceKind, row.SourceId) = (FundingSource.DonorProject, hiddenProject, ActionSourceKind.Incident, hiddenIncident);
            await db.SaveChangesAsync();
        }

        var read = await OkJsonAsync(await owner.GetAsync($"{Api}/{id}/actions/{actionId}"));
        Assert.Equal(read.ToJsonString(), (await ActionsAsync(owner, id)).Single(a => a["id"]!.GetValue<Guid>() == actionId).ToJsonString());
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"{Api}/{id}/actions/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).GetAsync($"{Api}/{id}/actions/{actionId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.NodeAdmin).GetAsync($"{Api}/{id}/actions/{actionId}")).StatusCode);
        Assert.Null(read["fundingProject"]);
        Assert.Null(read["source"]);
        Assert.Equal("donor-project", read["funding"]!.GetValue<string>());

        // Another action's id in the body is a 400 naming id; a modifiedAt from before the last change is a 409; neither changes anything.
        var foreign = read.DeepClone();
        (foreign["id"], foreign["status"]) = (otherId, "done");
        Assert.NotNull((await BadRequestAsync(await owner.PutAsync($"{Api}/{id}/actions/{actionId}", foreign)))["id"]);
        var stale = read.DeepClone();
        (stale["modifiedAt"], stale["status"]) = ("2020-01-01T00:00:00+00:00", "done");
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PutAsync($"{Api}/{id}/actions/{actionId}", stale)).StatusCode);
        Assert.Equal(ActionStatus.Planned, (await RowAsync()).Status);

        // Sent back as read, changed: accepted, and the links the writer could not see are still there.
        read["status"] = "done";
        var put = await OkJsonAsync(await owner.PutAsync($"{Api}/{id}/actions/{actionId}", read));
        Assert.Equal("done", put["status"]!.GetValue<string>());
        var kept = await RowAsync();
        Assert.Equal((ActionStatus.Done, hiddenProject, ActionSourceKind.Incident, hiddenIncident), (kept.Status, kept.FundingProjectId, kept.SourceKind, kept.SourceId));
        // The answer to that PUT, changed and sent again, is not stale (its modifiedAt is finer than what the database keeps).
        put["title"] = "Linked, renamed";
        Assert.Equal("Linked, renamed", (await OkJsonAsync(await owner.PutAsync($"{Api}/{id}/actions/{actionId}", put)))["title"]!.GetValue<string>());
        // Saying "own" funding is how the writer drops the hidden project: explicit, not by leaving it out.
        read = (await ActionsAsync(owner, id)).Single(a => a["id"]!.GetValue<Guid>() == actionId);
        read["funding"] = "own";
        await OkJsonAsync(await owner.PutAsync($"{Api}/{id}/actions/{actionId}", read));
        Assert.Null((await RowAsync()).FundingProjectId);

        // With the source also named in words, GET shows the kind and the words (not the link); sent back as read, the
        // hidden link is still kept, and the words changed.
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            (await db.CapacityPlanActions.SingleAsync(a => a.Id == actionId)).SourceReference = "Their post-mortem, section 3";
            await db.SaveChangesAsync();
        }

        read = (await ActionsAsync(owner, id)).Single(a => a["id"]!.GetValue<Guid>() == actionId);
        Assert.Null(read["source"]);
        Assert.Equal("incident", read["sourceKind"]!.GetValue<string>());
        Assert.DoesNotContain(hiddenIncident.ToString(), read.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        read["sourceReference"] = "Their post-mortem, section 4";
        await OkJsonAsync(await owner.PutAsync($"{Api}/{id}/actions/{actionId}", read));
        var after = await RowAsync();
        Assert.Equal((ActionSourceKind.Incident, hiddenIncident, "Their post-mortem, section 4"), (after.SourceKind, after.SourceId, after.SourceReference));

        // Whether a hidden link is there never changes the answer (review s13 F1): a kind without id or words, or words
        // without a kind, are refused on this action exactly as on one without any source, and change nothing.
        var plain = (await ActionsAsync(owner, id)).Single(a => a["id"]!.GetValue<Guid>() == otherId);
        foreach (var (change, field) in new (Action<JsonNode>, string)[]
        {
            (a => { a["sourceKind"] = "incident"; a["sourceReference"] = null; }, "sourceId"),
            (a => { a["sourceKind"] = null; a["sourceReference"] = "x"; }, "sourceKind"),
        })
        {
            var answers = new List<string>();
            foreach (var target in new[] { (await ActionsAsync(owner, id)).Single(a => a["id"]!.GetValue<Guid>() == actionId), plain })
            {
                var body = target.DeepClone();
                change(body);
                var errors = await BadRequestAsync(await owner.PutAsync($"{Api}/{id}/actions/{target["id"]}", body));
                answers.Add(errors.ToJsonString());
                Assert.NotNull(errors[field]);
            }

            Assert.Equal(answers[0], answers[1]);
        }

        Assert.Equal((ActionSourceKind.Incident, hiddenIncident, "Their post-mortem, section 4"), ((await RowAsync()).SourceKind, (await RowAsync()).SourceId, (await RowAsync()).SourceReference));
    }

    [Fact]
    public async Task Csv_ActionsOfAPlan_AreExportedInjectionSafe()
    {
        var owner = Node.Client(Node.Owner);
        var id = await PlanAsync(owner, "CSV plan");
        var first = await ActionAsync(owner, id, new { title = "=HYPERLINK(\"http://evil.example\")", owner = "@team", parameters = new[] { new { parameterId = "O-8", targetLevel = 3 } }, budget = 500, currency = "EUR" });
        await ActionAsync(owner, id, new { title = "Second, with comma", dependsOn = new[] { first["id"] }, description = "-2+3" });

        var response = await owner.GetAsync($"{Api}/{id}/actions.csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal(string.Join(',', PlanCsv.Columns), lines[0]);
        Assert.Equal(3, lines.Count);
        Assert.StartsWith("1,\"'=HYPERLINK(\"\"http://evil.example\"\")\",planned,no,O-8>=3,'@team,,,500,EUR,own,,,,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("2,\"Second, with comma\",planned,no,,,,,,,own,,1,,'-2+3", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CyberHygienePlan_CampaignsMaterialsIndicators_WithChart()
    {
        var owner = Node.Client(Node.Owner);
        var id = await PlanAsync(owner, "Hygiene", new { title = "Cyber hygiene 2027", kind = "cyber-hygiene", targetGroups = HygieneGroups });
        var plan = await OkJsonAsync(await owner.GetAsync($"{Api}/{id}"));
        Assert.Equal(["general-public", "public-sector-staff"], plan["targetGroups"]!.AsArray().Select(g => g!.GetValue<string>()));

        var campaign = await OkJsonAsync(await owner.PostAsync($"{Api}/{id}/campaigns", new { name = "Phishing awareness month", startDate = "2026-10-01", endDate = "2026-10-31", languages = CampaignLanguages }), HttpStatusCode.Created);
        await OkJsonAsync(await owner.PostAsync($"{Api}/{id}/materials", new { title = "Poster", url = "https://example.org/poster-sq.pdf", language = "sq", campaignId = campaign["id"] }), HttpStatusCode.Created);
        var indicator = await OkJsonAsync(await owner.PostAsync($"{Api}/{id}/indicators", new { name = "Phishing-simulation click rate", unit = "%", target = 5, lowerIsBetter = true }), HttpStatusCode.Created);
        var path = $"{Api}/{id}/indicators/{indicator["id"]}/values";
        await OkJsonAsync(await owner.PutAsync(path, new { date = "2026-06-01", value = 31.5 }));
        await OkJsonAsync(await owner.PutAsync(path, new { date = "2026-09-01", value = 12 }));
        var measured = await OkJsonAsync(await owner.PutAsync(path, new { date = "2026-09-01", value = 14 }));
        Assert.Equal([31.5m, 14m], measured["values"]!.AsArray().Select(v => v!["value"]!.GetValue<decimal>()));

        var bad = await BadRequestAsync(await owner.PutAsync(path, new { date = "2026-10-01", value = 140 }));
        Assert.NotNull(bad["value"]);
        Assert.NotNull((await BadRequestAsync(await owner.PostAsync($"{Api}/{id}/materials", new { title = "x", url = "javascript:alert(1)", language = "sq" })))["url"]);
        Assert.NotNull((await BadRequestAsync(await owner.PostAsync($"{Api}/{id}/campaigns", new { name = "x", languages = UnknownLanguage })))["languages[0]"]);

        var hygiene = await OkJsonAsync(await owner.GetAsync($"{Api}/{id}/hygiene"));
        Assert.Single(hygiene["campaigns"]!.AsArray());
        Assert.Equal(campaign["id"]!.GetValue<Guid>(), hygiene["materials"]![0]!["campaignId"]!.GetValue<Guid>());
        Assert.Equal(2, hygiene["indicators"]![0]!["values"]!.AsArray().Count);
        var svg = await (await owner.GetAsync($"{Api}/{id}/indicators/{indicator["id"]}/chart.svg")).Content.ReadAsStringAsync();
        Assert.Equal(2, svg.Split("<circle").Length - 1);
        Assert.Contains("plan-chart-target", svg, StringComparison.Ordinal);

        // A capacity-building plan has no campaigns.
        var other = await PlanAsync(owner, "Not hygiene");
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PostAsync($"{Api}/{other}/campaigns", new { name = "x" })).StatusCode);
    }

    private static MultipartFormDataContent MaterialForm(string? title, string? language, params (string Part, string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent();
        if (title is not null)
        {
            form.Add(new StringContent(title), "title");
        }

        if (language is not null)
        {
            form.Add(new StringContent(language), "language");
        }

        foreach (var (part, name, bytes) in files)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(content, part, name);
        }

        return form;
    }

    private async Task<int> StoredFilesAsync(Guid attachmentId)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        return await db.IncidentAttachments.CountAsync(a => a.Id == attachmentId) + await db.IncidentAttachmentContents.CountAsync(c => c.AttachmentId == attachmentId);
    }

    private async Task<Guid> MaterialFileIdAsync(Guid materialId)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<RampartDb>().Set<PlanMaterial>().SingleAsync(m => m.Id == materialId)).AttachmentId!.Value;
    }

    [Fact]
    public async Task CyberHygiene_MaterialFiles_StoredWithHash_ReadersDownload_OthersGetNotFound_DeletedWithMaterialAndPlan()
    {
        var owner = Node.Client(Node.Owner);
        var id = await PlanAsync(owner, "Hygiene files", new
        {
            title = "Awareness 2027", kind = "cyber-hygiene", tlp = "amber", audiences = new[] { new { kind = "organisation", organisationId = Node.RecipientOrg } },
        });
        var poster = "%PDF-1.4 poster in Albanian"u8.ToArray();
        var added = await OkJsonAsync(await owner.PostAsync($"{Api}/{id}/materials/files", MaterialForm("Poster: do not click", "sq", ("files", "poster-sq.pdf", poster))), HttpStatusCode.Created);
        Assert.Null(added["url"]);
        Assert.Equal("poster-sq.pdf", added["file"]!["fileName"]!.GetValue<string>());
        Assert.Equal(poster.Length, added["file"]!["size"]!.GetValue<long>());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(poster)), added["file"]!["sha256"]!.GetValue<string>());
        var materialId = added["id"]!.GetValue<Guid>();
        var download = added["file"]!["download"]!.GetValue<string>();
        Assert.Equal($"{Api}/{id}/materials/{materialId}/file", download);

        var hygiene = await OkJsonAsync(await owner.GetAsync($"{Api}/{id}/hygiene"));
        Assert.Equal(download, hygiene["materials"]![0]!["file"]!["download"]!.GetValue<string>());

        // Readers of the plan download it, never rendered: always an octet-stream attachment.
        foreach (var reader in new[] { Node.Owner, Node.Recipient })
        {
            var response = await Node.Client(reader).GetAsync(download);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/octet-stream", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
            Assert.Equal(poster, await response.Content.ReadAsByteArrayAsync());
        }

        // Bad input: nothing stored.
        var before = (await OkJsonAsync(await owner.GetAsync($"{Api}/{id}/hygiene")))["materials"]!.AsArray().Count;
        Assert.NotNull((await BadRequestAsync(await owner.PostAsync($"{Api}/{id}/materials/files", MaterialForm("No file", "sq"))))["files"]);
        Assert.NotNull((await BadRequestAsync(await owner.PostAsync($"{Api}/{id}/materials/files", MaterialForm("Two", "sq", ("files", "a.pdf", poster), ("files", "b.pdf", poster)))))["files"]);
        Assert.NotNull((await BadRequestAsync(await owner.PostAsync($"{Api}/{id}/materials/files", MaterialForm("Sample", "sq", ("samples", "x.exe", poster)))))["samples"]);
        Assert.NotNull((await BadRequestAsync(await owner.PostAsync($"{Api}/{id}/materials/files", MaterialForm(null, "sq", ("files", "a.pdf", poster)))))["title"]);
        Assert.NotNull((await BadRequestAsync(await owner.PostAsync($"{Api}/{id}/materials/files", MaterialForm("Lang", "xx", ("files", "a.pdf", poster)))))["language"]);
        Assert.NotNull((await BadRequestAsync(await owner.PostAsync($"{Api}/{id}/materials/files", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"))))["body"]);
        Assert.Equal(before, (await OkJsonAsync(await owner.GetAsync($"{Api}/{id}/hygiene")))["materials"]!.AsArray().Count);
        var capacityPlan = await PlanAsync(owner, "Not hygiene");
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PostAsync($"{Api}/{capacityPlan}/materials/files", MaterialForm("x", "sq", ("files", "a.pdf", poster)))).StatusCode);

        // Another organisation and every kind of administrator: 404 for the file and for the upload, as for an unknown id.
        Person otherOrgAdmin;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            otherOrgAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"admin-{Guid.NewGuid():N}@outside.test", Server.Access.Role.OrgAdmin);
        }

        foreach (var person in new[] { Node.Member, Node.SameCountry, Node.Outsider, otherOrgAdmin, Node.NodeAdmin })
        {
            var client = Node.Client(person);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(download)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"{Api}/{id}/materials/{Guid.NewGuid()}/file")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"{Api}/{id}/materials/files", MaterialForm("Injected", "sq", ("files", "x.pdf", poster)))).StatusCode);
        }

        // The recipient reads but does not write.
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.Recipient).PostAsync($"{Api}/{id}/materials/files", MaterialForm("Theirs", "sq", ("files", "x.pdf", poster)))).StatusCode);

        // Deleting the material deletes its file; deleting the plan deletes the files of its materials.
        var fileId = await MaterialFileIdAsync(materialId);
        Assert.Equal(2, await StoredFilesAsync(fileId));
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"{Api}/{id}/materials/{materialId}")).StatusCode);
        Assert.Equal(0, await StoredFilesAsync(fileId));
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync(download)).StatusCode);

        var second = await OkJsonAsync(await owner.PostAsync($"{Api}/{id}/materials/files", MaterialForm("Leaflet", "sr-Cyrl", ("files", "leaflet.pdf", poster))), HttpStatusCode.Created);
        var secondFile = await MaterialFileIdAsync(second["id"]!.GetValue<Guid>());
        Assert.Equal(2, await StoredFilesAsync(secondFile));
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"{Api}/{id}")).StatusCode);
        Assert.Equal(0, await StoredFilesAsync(secondFile));
    }

    [Fact]
    public async Task PrivatePlan_OtherOrganisationsAndAdministrators_CannotReachIt()
    {
        var owner = Node.Client(Node.Owner);
        var word = $"Zeta{Guid.NewGuid():N}"[..12];
        var id = await PlanAsync(owner, $"Secret {word} plan", new { title = $"Secret {word} plan", kind = "cyber-hygiene" });
        var action = await ActionAsync(owner, id, new { title = "Hidden action" });
        var indicator = await OkJsonAsync(await owner.PostAsync($"{Api}/{id}/indicators", new { name = "Share of staff trained", unit = "%" }), HttpStatusCode.Created);

        Person otherOrgAdmin;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            otherOrgAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"admin-{Guid.NewGuid():N}@outside.test", Server.Access.Role.OrgAdmin);
        }

        foreach (var person in new[] { Node.Recipient, Node.Member, Node.SameCountry, Node.Outsider, otherOrgAdmin, Node.NodeAdmin })
        {
            var client = Node.Client(person);
            foreach (var path in new[]
                     {
                         $"{id}", $"{id}/actions", $"{id}/actions/{action["id"]}/notes", $"{id}/progress", $"{id}/progress.svg", $"{id}/actions.csv", $"{id}/hygiene",
                         $"{id}/indicators/{indicator["id"]}/chart.svg",
                     })
            {
                var response = await client.GetAsync($"{Api}/{path}");
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{person.Email} GET {path}: {(int)response.StatusCode}");
            }

            Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsync($"{Api}/{id}", new { title = "Taken" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"{Api}/{id}/actions", new { title = "Injected" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsync($"{Api}/{id}/actions/{action["id"]}", new { title = "Changed" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"{Api}/{id}/actions/{action["id"]}/notes", new { text = "x" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsync($"{Api}/{id}/indicators/{indicator["id"]}/values", new { date = "2026-11-01", value = 1 })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"{Api}/{id}/actions/{action["id"]}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"{Api}/{id}")).StatusCode);

            foreach (var list in new[] { $"{Api}?limit=200", $"{Api}?limit=200&q={word}", $"{Api}?limit=200&q=secret" })
            {
                var page = await OkJsonAsync(await client.GetAsync(list));
                Assert.DoesNotContain(page["items"]!.AsArray(), p => p!["id"]!.GetValue<Guid>() == id);
            }
        }

        // Anonymous: nothing at all; the command-line operator reads no content either.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Client(null).GetAsync($"{Api}/{id}")).StatusCode);
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var queries = scope.ServiceProvider.GetRequiredService<PlanQueries>();
            Assert.Null(await queries.FindAsync(Server.Access.Caller.Operator(), id, default));
            Assert.Empty((await queries.ListAsync(Server.Access.Caller.Operator(), null, null, 200, default)).Plans);
            Assert.Empty((await queries.ListAsync(Server.Access.Caller.Operator(), word, null, 200, default)).Plans);
        }

        // The owner's colleagues read it (the test is not vacuous), find it by a word of its title, and a viewer cannot change it.
        var viewer = Node.Client(Node.OwnerViewer);
        await OkJsonAsync(await viewer.GetAsync($"{Api}/{id}"));
        Assert.Contains((await OkJsonAsync(await viewer.GetAsync($"{Api}?q={word}")))["items"]!.AsArray(), p => p!["id"]!.GetValue<Guid>() == id);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"{Api}/{id}/actions.csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PutAsync($"{Api}/{id}", new { title = "Viewer" })).StatusCode);
        Assert.Equal("Hidden action", (await ActionsAsync(owner, id)).Single()["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task SharedPlan_WithAnOrganisation_IsReadButNotChangedByIt()
    {
        var owner = Node.Client(Node.Owner);
        var id = await PlanAsync(owner, "Shared", new { title = "Shared plan", tlp = "amber", audiences = new[] { new { kind = "organisation", organisationId = Node.RecipientOrg } } });
        var recipient = Node.Client(Node.Recipient);
        var plan = await OkJsonAsync(await recipient.GetAsync($"{Api}/{id}"));
        Assert.False(plan["canEdit"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Forbidden, (await recipient.PostAsync($"{Api}/{id}/actions", new { title = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).GetAsync($"{Api}/{id}")).StatusCode);
    }

    [Fact]
    public async Task Sharing_APlanLater_WideningNeedsConfirmation_NarrowingDoesNot_AndOnlyTheOwnersWritersChangeIt()
    {
        var owner = Node.Client(Node.Owner);
        var id = await PlanAsync(owner, "Later");
        var recipient = Node.Client(Node.Recipient);
        var toRecipient = new { tlp = "amber", audiences = new[] { new { kind = "organisation", organisationId = Node.RecipientOrg } }, confirm = false };

        var unconfirmed = await owner.PutAsync($"{Api}/{id}", toRecipient);
        Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        Assert.NotNull((await Json.ReadAsync(unconfirmed))["errors"]!["confirm"]);
        Assert.Equal(HttpStatusCode.NotFound, (await recipient.GetAsync($"{Api}/{id}")).StatusCode);
        foreach (var stranger in new[] { Node.Recipient, Node.Outsider, Node.NodeAdmin })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(stranger).PutAsync($"{Api}/{id}", toRecipient with { confirm = true })).StatusCode);
        }

        await OkJsonAsync(await owner.PutAsync($"{Api}/{id}", toRecipient with { confirm = true }));
        await OkJsonAsync(await recipient.GetAsync($"{Api}/{id}"));
        // Changing the title alone is no sharing change and asks nothing.
        await OkJsonAsync(await owner.PutAsync($"{Api}/{id}", new { title = "Later, renamed" }));

        await OkJsonAsync(await owner.PutAsync($"{Api}/{id}", new { tlp = "red", audiences = Array.Empty<object>() }));
        Assert.Equal(HttpStatusCode.NotFound, (await recipient.GetAsync($"{Api}/{id}")).StatusCode);
    }
}

public sealed class SqlitePlanTests(SqliteNode fixture) : PlanTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresPlanTests(PostgresNode fixture) : PlanTests(fixture), IClassFixture<PostgresNode>;
