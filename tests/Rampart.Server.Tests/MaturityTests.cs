using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Capacity.Maturity;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>
/// SIM3 maturity (issue 12) through the HTTP API, on SQLite and PostgreSQL: the model as data, freezing and
/// versioning, peer review, gaps against a profile, the at-least-5 rule, bad input, and that no other
/// organisation and no administrator reads a private assessment by any path.
/// </summary>
public abstract class MaturityTests(NodeFixture fixture)
{
    private const string Api = "/api/capacity/maturity";

    private static readonly string[] LawLinks = ["https://example.org/law.pdf"];

    private static readonly string[] ScriptLinks = ["javascript:alert(1)"];

    private SeededNode Node => fixture.Node;

    private static async Task<JsonNode> OkJsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    private static async Task<Guid> AssessmentAsync(HttpClient client, object? extra = null, string model = "sim3-v2-interim")
    {
        object body = extra ?? new { modelKey = model, type = "self-assessment", date = "2026-11-01", assessors = "A. Analyst" };
        var created = await OkJsonAsync(await client.PostAsync($"{Api}/assessments", body), HttpStatusCode.Created);
        return created["id"]!.GetValue<Guid>();
    }

    private static async Task<JsonNode> SaveAsync(HttpClient client, Guid id, params object[] ratings) =>
        await OkJsonAsync(await client.PutAsync($"{Api}/assessments/{id}", new { ratings }));

    private static Dictionary<string, int?> LevelsOf(JsonNode assessment) =>
        assessment["ratings"]!.AsArray().ToDictionary(r => r!["parameterId"]!.GetValue<string>(), r => r!["level"]?.GetValue<int?>());

    [Fact]
    public async Task Model_OnFirstStart_HoldsSim3V1With44AndV2InterimWith45()
    {
        var client = Node.Client(Node.Owner);
        var v2 = await OkJsonAsync(await client.GetAsync($"{Api}/models/sim3-v2-interim"));
        var v1 = await OkJsonAsync(await client.GetAsync($"{Api}/models/sim3-v1"));

        Assert.Equal(45, v2["parameters"]!.AsArray().Count);
        Assert.Equal(44, v1["parameters"]!.AsArray().Count);
        Assert.Contains(v2["parameters"]!.AsArray(), p => p!["id"]!.GetValue<string>() == "O-6" && p["name"]!.GetValue<string>() == "Public Media Policy");
        Assert.DoesNotContain(v1["parameters"]!.AsArray(), p => p!["id"]!.GetValue<string>() == "O-6");
        // The v1 names are labels to verify (shared/data/sim3.md): the flag is visible to clients.
        Assert.All(v1["parameters"]!.AsArray(), p => Assert.False(p!["nameVerified"]!.GetValue<bool>()));
        Assert.Equal(5, v2["levelMeanings"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"{Api}/models/sim3-v9")).StatusCode);
    }

    [Fact]
    public async Task Model_UsedVersion_IsNeverEdited_ANewVersionIsAdded()
    {
        var admin = Node.Client(Node.NodeAdmin);
        var key = $"test-{Guid.NewGuid():N}"[..20];
        object Version(string k, string name) => new { key = k, title = "Test model", source = "tests", parameters = new[] { new { id = "O-1", name }, new { id = "H-1", name = "Code" } } };

        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.OwnerAdmin).PostAsync($"{Api}/models", Version(key, "Mandate"))).StatusCode);
        await OkJsonAsync(await admin.PostAsync($"{Api}/models", Version(key, "Mandate")), HttpStatusCode.Created);
        // Unused: may still be corrected.
        await OkJsonAsync(await admin.PutAsync($"{Api}/models/{key}", Version(key, "Mandate (corrected)")));

        await AssessmentAsync(Node.Client(Node.Owner), model: key);

        var refused = await admin.PutAsync($"{Api}/models/{key}", Version(key, "Changed after use"));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var model = await OkJsonAsync(await admin.GetAsync($"{Api}/models/{key}"));
        Assert.True(model["used"]!.GetValue<bool>());
        Assert.Equal("Mandate (corrected)", model["parameters"]![0]!["name"]!.GetValue<string>());

        var again = await admin.PostAsync($"{Api}/models", Version(key, "Other"));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.NotNull((await Json.ReadAsync(again))["errors"]!["key"]);
        await OkJsonAsync(await admin.PostAsync($"{Api}/models", Version(key + "-2", "Changed after use")), HttpStatusCode.Created);
    }

    [Fact]
    public async Task Model_TheTranslationPage_StartsFromTheStoredTextsOfOneLanguage_AndOnlyWritableNodeAdministratorsChangeTheModel()
    {
        var key = $"tx-{Guid.NewGuid():N}"[..16];
        var admin = Node.Client(Node.NodeAdmin);
        await OkJsonAsync(await admin.PostAsync($"{Api}/models", new { key, title = "T", parameters = new[] { new { id = "O-1", name = "Mandate" }, new { id = "H-1", name = "Code" } } }), HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsync($"{Api}/models/{key}/texts/sq", new { parameters = new[] { new { id = "O-1", name = "Mandati", description = "Përshkrimi" } } })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsync($"{Api}/models/{key}/texts/mk", new { parameters = new[] { new { id = "H-1", name = "Кодекс" } } })).StatusCode);

        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var models = scope.ServiceProvider.GetRequiredService<MaturityModels>();
        // Only what was stored for that language: no English fallback, no other language's text.
        var sq = await models.TextsAsync(key, "sq", default);
        var mandate = Assert.Single(sq);
        Assert.Equal("O-1", mandate.Key);
        Assert.Equal("Mandati", mandate.Value.Name);
        Assert.Equal("Përshkrimi", mandate.Value.Description);
        Assert.Equal("Кодекс", Assert.Single(await models.TextsAsync(key, "mk", default)).Value.Name);
        Assert.Empty(await models.TextsAsync(key, "ro", default));
        Assert.Empty(await models.TextsAsync("no-such-version", "sq", default));

        // The page shows the controls by the same rule the service enforces.
        static Caller As(Person p, Role role, bool readOnly = false) => new(p.UserId, p.OrganisationId, role, new HashSet<Guid>(), readOnly, "session:seed");
        Assert.True(MaturityModels.CanChange(As(Node.NodeAdmin, Role.NodeAdmin)));
        Assert.False(MaturityModels.CanChange(As(Node.NodeAdmin, Role.NodeAdmin, readOnly: true)));
        Assert.False(MaturityModels.CanChange(As(Node.OwnerAdmin, Role.OrgAdmin)));
        Assert.False(MaturityModels.CanChange(As(Node.Owner, Role.Analyst)));
        await Assert.ThrowsAsync<Rampart.Server.Hosting.ForbiddenException>(() => models.TranslateAsync(As(Node.NodeAdmin, Role.NodeAdmin, readOnly: true), key, "sq",
            new ModelTextsRequest([new ParameterTextRequest("O-1", "Tjetër")]), default));
        Assert.Equal("Mandati", (await models.TextsAsync(key, "sq", default))["O-1"].Name);
    }

    [Fact]
    public async Task Model_Translation_IsShownInTheReadersLanguage()
    {
        var key = $"tr-{Guid.NewGuid():N}"[..16];
        var admin = Node.Client(Node.NodeAdmin);
        await OkJsonAsync(await admin.PostAsync($"{Api}/models", new { key, title = "T", parameters = new[] { new { id = "O-1", name = "Mandate" } } }), HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsync($"{Api}/models/{key}/texts/sq", new { parameters = new[] { new { id = "O-1", name = "Mandati" } } })).StatusCode);
        var bad = await admin.PutAsync($"{Api}/models/{key}/texts/sq", new { parameters = new[] { new { id = "Z-1", name = "x" } } });
        Assert.NotNull((await Json.ReadAsync(bad))["errors"]!["parameters[0].id"]);

        var client = Node.Client(Node.Owner);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Api}/models/{key}");
        request.Headers.AcceptLanguage.ParseAdd("sq");
        var sq = await OkJsonAsync(await client.SendAsync(request));
        Assert.Equal("Mandati", sq["parameters"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("Mandate", sq["parameters"]![0]!["englishName"]!.GetValue<string>());
    }

    [Fact]
    public async Task Assessment_Finished_IsFrozen_AndReopeningMakesANewVersion()
    {
        var owner = Node.Client(Node.Owner);
        var id = await AssessmentAsync(owner);
        await SaveAsync(owner, id, new { parameterId = "O-1", level = 2, comment = "Law of 2021", evidence = LawLinks });
        var finished = await OkJsonAsync(await owner.PostAsync($"{Api}/assessments/{id}/finish", new { }));
        Assert.Equal("finished", finished["status"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Conflict, (await owner.PutAsync($"{Api}/assessments/{id}", new { ratings = new[] { new { parameterId = "O-1", level = 4 } } })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PostAsync($"{Api}/assessments/{id}/finish", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await owner.DeleteAsync($"{Api}/assessments/{id}")).StatusCode);

        var reopened = await OkJsonAsync(await owner.PostAsync($"{Api}/assessments/{id}/reopen", new { }), HttpStatusCode.Created);
        var second = reopened["id"]!.GetValue<Guid>();
        Assert.NotEqual(id, second);
        Assert.Equal(2, reopened["version"]!.GetValue<int>());
        Assert.Equal("draft", reopened["status"]!.GetValue<string>());
        Assert.Equal(2, LevelsOf(reopened)["O-1"]);
        Assert.Equal("https://example.org/law.pdf", reopened["ratings"]![0]!["evidence"]![0]!.GetValue<string>());

        await SaveAsync(owner, second, new { parameterId = "O-1", level = 3 });
        var first = await OkJsonAsync(await owner.GetAsync($"{Api}/assessments/{id}"));
        Assert.Equal(2, LevelsOf(first)["O-1"]);
        Assert.Equal("finished", first["status"]!.GetValue<string>());
        // Only the latest version reopens.
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PostAsync($"{Api}/assessments/{id}/reopen", new { })).StatusCode);
        var versions = await OkJsonAsync(await owner.GetAsync($"{Api}/assessments/{second}/versions"));
        Assert.Equal([1, 2], versions["items"]!.AsArray().Select(v => v!["version"]!.GetValue<int>()));
    }

    [Fact]
    public async Task Assessment_BadInput_Is400NamingTheField_AndNothingIsSaved()
    {
        var owner = Node.Client(Node.Owner);
        var id = await AssessmentAsync(owner);
        await SaveAsync(owner, id, new { parameterId = "O-1", level = 1 });

        async Task ExpectAsync(string field, params object[] ratings)
        {
            var response = await owner.PutAsync($"{Api}/assessments/{id}", new { assessors = "Changed", ratings });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await Json.ReadAsync(response))["errors"]!.AsObject();
            Assert.True(errors.ContainsKey(field), $"{field} not in {errors.ToJsonString()}");
        }

        await ExpectAsync("ratings[1].parameterId", new { parameterId = "O-2", level = 3 }, new { parameterId = "X-99", level = 1 });
        await ExpectAsync("ratings[1].level", new { parameterId = "O-2", level = 3 }, new { parameterId = "O-3", level = 5 });
        await ExpectAsync("ratings[0].level", new { parameterId = "O-2", level = -1 });
        await ExpectAsync("ratings[1].parameterId", new { parameterId = "O-2", level = 3 }, new { parameterId = "O-2", level = 2 });
        await ExpectAsync("ratings[0].evidence[0]", new { parameterId = "O-2", level = 3, evidence = ScriptLinks });
        await ExpectAsync("ratings[0].comment", new { parameterId = "O-2", level = 3, comment = "a\u0000b" });
        // O-6 does not exist in v1.
        var v1 = await AssessmentAsync(owner, model: "sim3-v1");
        var o6 = await owner.PutAsync($"{Api}/assessments/{v1}", new { ratings = new[] { new { parameterId = "O-6", level = 1 } } });
        Assert.NotNull((await Json.ReadAsync(o6))["errors"]!["ratings[0].parameterId"]);

        var stored = await OkJsonAsync(await owner.GetAsync($"{Api}/assessments/{id}"));
        Assert.Equal(new Dictionary<string, int?> { ["O-1"] = 1 }, LevelsOf(stored));
        Assert.Equal("A. Analyst", stored["assessors"]!.GetValue<string>());

        var badCreate = await owner.PostAsync($"{Api}/assessments", new { modelKey = "sim3-v7", type = "self-assessment", date = "2026-11-01" });
        Assert.NotNull((await Json.ReadAsync(badCreate))["errors"]!["modelKey"]);
        var noReviewer = await owner.PostAsync($"{Api}/assessments", new { modelKey = "sim3-v2-interim", type = "peer-review", date = "2026-11-01" });
        Assert.NotNull((await Json.ReadAsync(noReviewer))["errors"]!["reviewerOrganisationId"]);
        var badProfile = await owner.PostAsync($"{Api}/profiles", new { name = "x", modelKey = "sim3-v2-interim", levels = new Dictionary<string, int> { ["O-1"] = 7, ["Q-1"] = 1 } });
        var profileErrors = (await Json.ReadAsync(badProfile))["errors"]!.AsObject();
        Assert.True(profileErrors.ContainsKey("levels.O-1") && profileErrors.ContainsKey("levels.Q-1"), profileErrors.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.GetAsync($"{Api}/assessments/{id}/radar.svg?category=z")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await owner.GetAsync($"{Api}/assessments/not-a-uuid")).StatusCode);
    }

    [Fact]
    public async Task Gaps_AgainstAProfile_AreListedLargestFirst_AndANewProfileVersionCanBeMet()
    {
        var owner = Node.Client(Node.Owner);
        var id = await AssessmentAsync(owner);
        await SaveAsync(owner, id, new { parameterId = "O-8", level = 0 }, new { parameterId = "H-3", level = 1 }, new { parameterId = "T-4", level = 2 });
        var profile = await OkJsonAsync(await owner.PostAsync($"{Api}/profiles", new
        {
            name = "Our 2027 baseline", modelKey = "sim3-v2-interim", levels = new Dictionary<string, int> { ["O-8"] = 3, ["H-3"] = 2, ["T-4"] = 2, ["P-1"] = 1 },
        }), HttpStatusCode.Created);
        var profileId = profile["id"]!.GetValue<Guid>();

        var gaps = await OkJsonAsync(await owner.GetAsync($"{Api}/assessments/{id}/gaps?profile={profileId}"));
        Assert.False(gaps["met"]!.GetValue<bool>());
        Assert.Equal(["O-8", "H-3", "P-1"], gaps["gaps"]!.AsArray().Select(g => g!["parameterId"]!.GetValue<string>()));
        Assert.Equal([3, 1, 1], gaps["gaps"]!.AsArray().Select(g => g!["gap"]!.GetValue<int>()));
        Assert.Equal("Incident Classification", gaps["gaps"]![0]!["name"]!.GetValue<string>());

        var lowered = await OkJsonAsync(await owner.PutAsync($"{Api}/profiles/{profileId}", new { name = "Our 2027 baseline", levels = new Dictionary<string, int> { ["H-3"] = 1, ["T-4"] = 2 } }), HttpStatusCode.Created);
        Assert.Equal(2, lowered["version"]!.GetValue<int>());
        var met = await OkJsonAsync(await owner.GetAsync($"{Api}/assessments/{id}/gaps?profile={lowered["id"]}"));
        Assert.True(met["met"]!.GetValue<bool>());
        Assert.Empty(met["gaps"]!.AsArray());
        // The first version is kept, and only the latest is changed.
        Assert.Equal(4, (await OkJsonAsync(await owner.GetAsync($"{Api}/profiles/{profileId}")))["levels"]!.AsObject().Count);
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PutAsync($"{Api}/profiles/{profileId}", new { name = "x", levels = new Dictionary<string, int> { ["O-1"] = 1 } })).StatusCode);
        // Another organisation's own profile is invisible; only node admins make network-wide ones.
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).GetAsync($"{Api}/profiles/{profileId}")).StatusCode);
        var network = await owner.PostAsync($"{Api}/profiles", new { name = "n", modelKey = "sim3-v2-interim", network = true, levels = new Dictionary<string, int> { ["O-1"] = 1 } });
        Assert.NotNull((await Json.ReadAsync(network))["errors"]!["network"]);
        var baseline = await OkJsonAsync(await Node.Client(Node.NodeAdmin).PostAsync($"{Api}/profiles", new { name = "Network baseline 2027", modelKey = "sim3-v2-interim", network = true, levels = new Dictionary<string, int> { ["O-1"] = 1 } }), HttpStatusCode.Created);
        await OkJsonAsync(await Node.Client(Node.Outsider).GetAsync($"{Api}/profiles/{baseline["id"]}"));
    }

    [Fact]
    public async Task Gaps_CarryTheSim3RelationsTouchingEachParameter_WithTheOtherParametersLevelAndGap()
    {
        var owner = Node.Client(Node.Owner);
        var id = await AssessmentAsync(owner);
        await SaveAsync(owner, id, new { parameterId = "H-3", level = 1 }, new { parameterId = "H-4", level = 1 }, new { parameterId = "H-5", level = 3 }, new { parameterId = "T-4", level = 0 });
        var profile = await OkJsonAsync(await owner.PostAsync($"{Api}/profiles", new
        {
            name = "Skills first", modelKey = "sim3-v2-interim", levels = new Dictionary<string, int> { ["H-3"] = 3, ["H-4"] = 3, ["H-5"] = 2, ["T-4"] = 2 },
        }), HttpStatusCode.Created);

        var gaps = (await OkJsonAsync(await owner.GetAsync($"{Api}/assessments/{id}/gaps?profile={profile["id"]}")))["gaps"]!.AsArray();
        Assert.Equal(["H-3", "H-4", "T-4"], gaps.Select(g => g!["parameterId"]!.GetValue<string>()));
        static string Hint(JsonNode? r) => $"{r!["from"]} {r["kind"]} {r["to"]}: {r["parameterId"]} {r["name"]} level {r["level"]?.ToJsonString() ?? "-"} gap {r["gap"]?.ToJsonString() ?? "-"}";
        // H-3 is developed by H-4: the hint names H-4, its level and its own gap.
        Assert.Equal(["H-3 is-developed-by H-4: H-4 Staff Development level 1 gap 2"], gaps[0]!["relations"]!.AsArray().Select(Hint));
        // H-4 is touched three times: H-5 meets its minimum (no gap), H-6 is not rated.
        Assert.Equal(
            ["H-3 is-developed-by H-4: H-3 Skillset Description level 1 gap 2", "H-5 supports H-4: H-5 Technical Training level 3 gap -", "H-6 supports H-4: H-6 Soft Skills Training level - gap -"],
            gaps[1]!["relations"]!.AsArray().Select(Hint));
        Assert.Empty(gaps[2]!["relations"]!.AsArray());

        // v1 has no O-6: its relation to O-10 is no hint there.
        var v1 = await AssessmentAsync(owner, model: "sim3-v1");
        var v1Profile = await OkJsonAsync(await owner.PostAsync($"{Api}/profiles", new { name = "v1 framework", modelKey = "sim3-v1", levels = new Dictionary<string, int> { ["O-10"] = 1 } }), HttpStatusCode.Created);
        var o10 = (await OkJsonAsync(await owner.GetAsync($"{Api}/assessments/{v1}/gaps?profile={v1Profile["id"]}")))["gaps"]![0]!["relations"]!.AsArray();
        Assert.Equal(["O-1", "O-2", "O-3", "O-4", "O-5", "O-7", "O-8", "O-9"], o10.Select(r => r!["from"]!.GetValue<string>()));
    }

    [Fact]
    public async Task PeerReview_InvitedOrganisationEntersLevels_AndTheAssessedSeesTheDifferences()
    {
        var owner = Node.Client(Node.Owner);
        var reviewer = Node.Client(Node.Recipient);
        var self = await AssessmentAsync(owner);
        await SaveAsync(owner, self, new { parameterId = "O-1", level = 3 }, new { parameterId = "O-2", level = 2 });
        var peer = await AssessmentAsync(owner, new { modelKey = "sim3-v2-interim", type = "peer-review", date = "2026-11-02", reviewerOrganisationId = Node.RecipientOrg });

        // The assessed organisation does not enter the reviewer's levels; the reviewer does.
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.PutAsync($"{Api}/assessments/{peer}", new { ratings = new[] { new { parameterId = "O-1", level = 4 } } })).StatusCode);
        await SaveAsync(reviewer, peer, new { parameterId = "O-1", level = 2 }, new { parameterId = "O-2", level = 2 });
        await OkJsonAsync(await reviewer.PostAsync($"{Api}/assessments/{peer}/finish", new { }));
        // The reviewer reads the peer review, not the self-assessment.
        Assert.Equal(HttpStatusCode.NotFound, (await reviewer.GetAsync($"{Api}/assessments/{self}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await reviewer.GetAsync($"{Api}/assessments/{peer}/compare/{self}")).StatusCode);

        var comparison = await OkJsonAsync(await owner.GetAsync($"{Api}/assessments/{self}/compare/{peer}"));
        var o1 = comparison["parameters"]!.AsArray().Single(p => p!["parameterId"]!.GetValue<string>() == "O-1")!;
        Assert.Equal(3, o1["level"]!.GetValue<int>());
        Assert.Equal(2, o1["otherLevel"]!.GetValue<int>());
        Assert.Equal(-1, o1["difference"]!.GetValue<int>());
        Assert.Equal(1, comparison["differences"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).GetAsync($"{Api}/assessments/{peer}")).StatusCode);

        var radar = await owner.GetAsync($"{Api}/assessments/{self}/radar.svg?category=o&compare={peer}");
        Assert.Equal("image/svg+xml", radar.Content.Headers.ContentType!.MediaType);
        var svg = await radar.Content.ReadAsStringAsync();
        Assert.Contains("sim3-radar-first", svg, StringComparison.Ordinal);
        Assert.Contains("sim3-radar-second", svg, StringComparison.Ordinal);
        Assert.Contains(">O-11<", svg, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrivateAssessment_OtherOrganisationsAndAdministrators_CannotReachIt()
    {
        var owner = Node.Client(Node.Owner);
        var id = await AssessmentAsync(owner);
        await SaveAsync(owner, id, new { parameterId = "O-1", level = 3 });
        await OkJsonAsync(await owner.PostAsync($"{Api}/assessments/{id}/finish", new { }));
        var theirs = await AssessmentAsync(Node.Client(Node.Outsider));
        var profile = await OkJsonAsync(await owner.PostAsync($"{Api}/profiles", new { name = "p", modelKey = "sim3-v2-interim", levels = new Dictionary<string, int> { ["O-1"] = 1 } }), HttpStatusCode.Created);

        Person otherOrgAdmin;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            otherOrgAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"admin-{Guid.NewGuid():N}@outside.test", Role.OrgAdmin);
        }

        foreach (var person in new[] { Node.Recipient, Node.Member, Node.SameCountry, Node.Outsider, otherOrgAdmin, Node.NodeAdmin })
        {
            var client = Node.Client(person);
            foreach (var path in new[]
                     {
                         $"assessments/{id}", $"assessments/{id}/versions", $"assessments/{id}/radar.svg", $"assessments/{id}/gaps?profile={profile["id"]}",
                         $"assessments/{theirs}/compare/{id}", $"assessments/{id}/compare/{theirs}", $"profiles/{profile["id"]}",
                     })
            {
                var response = await client.GetAsync($"{Api}/{path}");
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{person.Email} GET {path}: {(int)response.StatusCode}");
            }

            Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsync($"{Api}/assessments/{id}", new { ratings = new[] { new { parameterId = "O-1", level = 0 } } })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"{Api}/assessments/{id}/reopen", new { })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"{Api}/assessments/{id}")).StatusCode);

            var list = await OkJsonAsync(await client.GetAsync($"{Api}/assessments?limit=200"));
            Assert.DoesNotContain(list["items"]!.AsArray(), a => a!["id"]!.GetValue<Guid>() == id);
            var profiles = await OkJsonAsync(await client.GetAsync($"{Api}/profiles?limit=200"));
            Assert.DoesNotContain(profiles["items"]!.AsArray(), p => p!["id"]!.GetValue<Guid>() == profile["id"]!.GetValue<Guid>());
            // (Other tests of this class share a peer review of the owner with the recipient: only this assessment must be absent.)
            var history = await OkJsonAsync(await client.GetAsync($"{Api}/history?organisationId={Node.OwnerOrg}"));
            Assert.DoesNotContain(history["items"]!.AsArray(), h => h!["assessmentId"]!.GetValue<Guid>() == id);
            if (history["items"]!.AsArray().Count == 0)
            {
                var chart = await (await client.GetAsync($"{Api}/history.svg?organisationId={Node.OwnerOrg}")).Content.ReadAsStringAsync();
                Assert.DoesNotContain("<circle", chart, StringComparison.Ordinal);
            }
        }

        // Anonymous: nothing at all.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Client(null).GetAsync($"{Api}/assessments/{id}")).StatusCode);
        // The command-line operator reads no content either.
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var queries = scope.ServiceProvider.GetRequiredService<MaturityQueries>();
            Assert.Null(await queries.FindAsync(Caller.Operator(), id, default));
            Assert.Empty((await queries.ListAsync(Caller.Operator(), null, 200, default)).Items);
            Assert.Empty(await queries.HistoryAsync(Caller.Operator(), Node.OwnerOrg, "sim3-v2-interim", 200, default));
        }

        // The owner's colleagues do read it (the test is not vacuous).
        await OkJsonAsync(await Node.Client(Node.OwnerViewer).GetAsync($"{Api}/assessments/{id}"));
        var own = await OkJsonAsync(await owner.GetAsync($"{Api}/history"));
        Assert.Contains(own["items"]!.AsArray(), h => h!["assessmentId"]!.GetValue<Guid>() == id);
    }

    [Fact]
    public async Task Sharing_AfterFinishing_TheNamedOrganisationReadsIt_OthersAndAdministratorsStillDoNot()
    {
        var owner = Node.Client(Node.Owner);
        var id = await AssessmentAsync(owner);
        await SaveAsync(owner, id, new { parameterId = "O-1", level = 3 });
        await OkJsonAsync(await owner.PostAsync($"{Api}/assessments/{id}/finish", new { }));
        var recipient = Node.Client(Node.Recipient);
        Assert.Equal(HttpStatusCode.NotFound, (await recipient.GetAsync($"{Api}/assessments/{id}")).StatusCode);

        Person otherOrgAdmin;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            otherOrgAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"admin-{Guid.NewGuid():N}@outside.test", Role.OrgAdmin);
        }

        var toRecipient = new { tlp = "amber", audiences = new[] { new { kind = "organisation", organisationId = Node.RecipientOrg } }, confirm = true };
        // Nobody but the assessed organisation's writers changes who reads it: those who cannot read it get 404, its own viewer 403.
        foreach (var person in new[] { Node.Recipient, Node.Outsider, otherOrgAdmin, Node.NodeAdmin })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(person).PutAsync($"{Api}/assessments/{id}/sharing", toRecipient)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.OwnerViewer).PutAsync($"{Api}/assessments/{id}/sharing", toRecipient)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await recipient.GetAsync($"{Api}/assessments/{id}")).StatusCode);

        // Widening asks for confirmation, checked against what is stored: without it, a 400 naming 'confirm' and no change.
        var unconfirmed = await owner.PutAsync($"{Api}/assessments/{id}/sharing", toRecipient with { confirm = false });
        Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
        Assert.NotNull((await Json.ReadAsync(unconfirmed))["errors"]!["confirm"]);
        Assert.Equal(HttpStatusCode.NotFound, (await recipient.GetAsync($"{Api}/assessments/{id}")).StatusCode);

        // A finished assessment is shared as it is (its levels stay frozen).
        var shared = await OkJsonAsync(await owner.PutAsync($"{Api}/assessments/{id}/sharing", toRecipient));
        Assert.Equal("amber", shared["tlp"]!.GetValue<string>());
        Assert.Equal("finished", shared["status"]!.GetValue<string>());
        var read = await OkJsonAsync(await recipient.GetAsync($"{Api}/assessments/{id}"));
        Assert.Equal(3, LevelsOf(read)["O-1"]);
        var history = await OkJsonAsync(await recipient.GetAsync($"{Api}/history?organisationId={Node.OwnerOrg}"));
        Assert.Contains(history["items"]!.AsArray(), h => h!["assessmentId"]!.GetValue<Guid>() == id);
        // Reading is not writing: the recipient neither reshares nor edits it.
        Assert.Equal(HttpStatusCode.Forbidden, (await recipient.PutAsync($"{Api}/assessments/{id}/sharing", new { tlp = "green", audiences = new[] { new { kind = "network" } } })).StatusCode);
        foreach (var person in new[] { Node.Member, Node.SameCountry, Node.Outsider, otherOrgAdmin, Node.NodeAdmin })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(person).GetAsync($"{Api}/assessments/{id}")).StatusCode);
        }

        // Bad input names the field and changes nothing: the network is not an audience at AMBER; an unknown TLP.
        var wide = await owner.PutAsync($"{Api}/assessments/{id}/sharing", new { tlp = "amber", audiences = new[] { new { kind = "network" } }, confirm = true });
        Assert.Equal(HttpStatusCode.BadRequest, wide.StatusCode);
        Assert.NotNull((await Json.ReadAsync(wide))["errors"]!["audiences[0]"]);
        var badTlp = await owner.PutAsync($"{Api}/assessments/{id}/sharing", new { tlp = "purple" });
        Assert.Equal(HttpStatusCode.BadRequest, badTlp.StatusCode);
        Assert.Equal("amber", (await OkJsonAsync(await recipient.GetAsync($"{Api}/assessments/{id}")))["tlp"]!.GetValue<string>());

        // Narrowing back to the own organisation needs no confirmation: the recipient no longer reads it, by any path.
        await OkJsonAsync(await owner.PutAsync($"{Api}/assessments/{id}/sharing", new { tlp = "red", audiences = Array.Empty<object>() }));
        Assert.Equal(HttpStatusCode.NotFound, (await recipient.GetAsync($"{Api}/assessments/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await recipient.GetAsync($"{Api}/assessments/{id}/radar.svg")).StatusCode);
        var after = await OkJsonAsync(await recipient.GetAsync($"{Api}/history?organisationId={Node.OwnerOrg}"));
        Assert.DoesNotContain(after["items"]!.AsArray(), h => h!["assessmentId"]!.GetValue<Guid>() == id);
    }

    [Fact]
    public async Task Sharing_OfAPeerReview_AlwaysKeepsTheReviewer()
    {
        var owner = Node.Client(Node.Owner);
        var peer = await AssessmentAsync(owner, new { modelKey = "sim3-v2-interim", type = "peer-review", date = "2026-11-03", reviewerOrganisationId = Node.RecipientOrg });
        var narrowed = await OkJsonAsync(await owner.PutAsync($"{Api}/assessments/{peer}/sharing", new { audiences = Array.Empty<object>() }));
        Assert.Contains(narrowed["audiences"]!.AsArray(), a => a!["organisationId"]?.GetValue<Guid>() == Node.RecipientOrg);
        // The reviewer still enters its levels.
        await SaveAsync(Node.Client(Node.Recipient), peer, new { parameterId = "O-1", level = 1 });
        // Sharing it with the community as well keeps the reviewer beside the community.
        var wider = await OkJsonAsync(await owner.PutAsync($"{Api}/assessments/{peer}/sharing", new { tlp = "amber", audiences = new[] { new { kind = "community", communityId = Node.Community } }, confirm = true }));
        Assert.Equal(2, wider["audiences"]!.AsArray().Count);
        Assert.Equal("combined", wider["audience"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReadOnly_Viewer_CannotWrite()
    {
        var id = await AssessmentAsync(Node.Client(Node.Owner));
        var viewer = Node.Client(Node.OwnerViewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PutAsync($"{Api}/assessments/{id}", new { ratings = new[] { new { parameterId = "O-1", level = 1 } } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync($"{Api}/assessments", new { modelKey = "sim3-v2-interim", type = "self-assessment", date = "2026-11-01" })).StatusCode);
    }
}

public sealed class SqliteMaturityTests(SqliteNode fixture) : MaturityTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresMaturityTests(PostgresNode fixture) : MaturityTests(fixture), IClassFixture<PostgresNode>;

/// <summary>The regional comparison on its own node, so that exactly the organisations of the test contribute.</summary>
public abstract class MaturityRegionalTests(DatabaseProvider provider)
{
    private const string Api = "/api/capacity/maturity";

    [Fact]
    public async Task Regional_FourContributors_ShowNothing_FiveShowTheDistributionWithOwnPosition()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var organisations = new[] { node.OwnerOrg, node.RecipientOrg, node.MemberOrg, node.SameCountryOrg, node.OutsiderOrg };
        var admins = new List<Person>();
        await using (var scope = node.Factory.Services.CreateAsyncScope())
        {
            foreach (var org in organisations)
            {
                admins.Add(org == node.OwnerOrg ? node.OwnerAdmin : await SeededNode.PersonAsync(scope.ServiceProvider, org, $"admin-{org:N}@regional.test", Role.OrgAdmin));
            }
        }

        // Analysts may not opt their organisation in; admins may.
        Assert.Equal(HttpStatusCode.Forbidden, (await node.Client(node.Owner).PutAsync($"{Api}/regional/opt-in", new { optedIn = true })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await node.Client(node.OwnerAdmin).PutAsync($"{Api}/regional/opt-in", new { })).StatusCode);

        async Task ContributeAsync(Person admin, int level)
        {
            var client = node.Client(admin);
            var created = await client.PostAsync($"{Api}/assessments", new { modelKey = "sim3-v2-interim", type = "self-assessment", date = "2026-10-01" });
            var id = (await Json.ReadAsync(created))["id"]!.GetValue<Guid>();
            Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"{Api}/assessments/{id}", new { ratings = new[] { new { parameterId = "O-8", level } } })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync($"{Api}/assessments/{id}/finish", new { })).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.PutAsync($"{Api}/regional/opt-in", new { optedIn = true })).StatusCode);
        }

        async Task<JsonNode> O8Async(Person viewer) =>
            (await Json.ReadAsync(await node.Client(viewer).GetAsync($"{Api}/regional?model=sim3-v2-interim")))["parameters"]!.AsArray()
            .Single(p => p!["parameterId"]!.GetValue<string>() == "O-8")!;

        for (var i = 0; i < 4; i++)
        {
            await ContributeAsync(admins[i], i % 3);
        }

        // A fifth organisation with a finished assessment that did not opt in does not count.
        var outsider = node.Client(node.Outsider);
        var notOptedIn = (await Json.ReadAsync(await outsider.PostAsync($"{Api}/assessments", new { modelKey = "sim3-v2-interim", type = "self-assessment", date = "2026-10-01" })))["id"]!.GetValue<Guid>();
        await outsider.PutAsync($"{Api}/assessments/{notOptedIn}", new { ratings = new[] { new { parameterId = "O-8", level = 4 } } });
        await outsider.PostAsync($"{Api}/assessments/{notOptedIn}/finish", new { });

        var four = await O8Async(node.Owner);
        Assert.Null(four["counts"]);
        Assert.Null(four["contributors"]);
        Assert.Equal(0, four["ownLevel"]!.GetValue<int>());

        await ContributeAsync(admins[4], 4);
        var five = await O8Async(node.Owner);
        Assert.Equal(5, five["contributors"]!.GetValue<int>());
        // Levels 0,1,2,0 and the outsider's latest (4): the not-opted-in one was replaced by its later opted-in one.
        Assert.Equal([2, 1, 1, 0, 1], five["counts"]!.AsArray().Select(c => c!.GetValue<int>()));
        Assert.Equal(0, five["ownLevel"]!.GetValue<int>());
        var other = await O8Async(node.Recipient);
        Assert.Equal(1, other["ownLevel"]!.GetValue<int>());

        // A reviewer of several organisations cannot set their contributions: a later peer review of the recipient's
        // organisation, levels entered by the owner's organisation, changes neither the counts nor the recipient's own
        // level (review 2026-11-30: a reviewer of four of five knew all but one contribution and read the fifth).
        var reviewed = node.Client(node.Recipient);
        var peer = (await Json.ReadAsync(await reviewed.PostAsync($"{Api}/assessments",
            new { modelKey = "sim3-v2-interim", type = "peer-review", date = "2026-11-01", reviewerOrganisationId = node.OwnerOrg })))["id"]!.GetValue<Guid>();
        var reviewer = node.Client(node.Owner);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.PutAsync($"{Api}/assessments/{peer}", new { ratings = new[] { new { parameterId = "O-8", level = 4 } } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reviewer.PostAsync($"{Api}/assessments/{peer}/finish", new { })).StatusCode);
        Assert.Equal([2, 1, 1, 0, 1], (await O8Async(node.Owner))["counts"]!.AsArray().Select(c => c!.GetValue<int>()));
        Assert.Equal(1, (await O8Async(node.Recipient))["ownLevel"]!.GetValue<int>());

        // A date far in the future (to stay "latest" for ever) or before SIM3 is refused, naming the field.
        foreach (var date in new[] { "2030-01-01", "0001-01-01" })
        {
            var refused = await reviewed.PostAsync($"{Api}/assessments", new { modelKey = "sim3-v2-interim", type = "self-assessment", date });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.NotNull((await Json.ReadAsync(refused))["errors"]!["date"]);
        }

        // One opts out: back to four, nothing shown.
        Assert.Equal(HttpStatusCode.OK, (await node.Client(admins[1]).PutAsync($"{Api}/regional/opt-in", new { optedIn = false })).StatusCode);
        Assert.Null((await O8Async(node.Owner))["counts"]);
    }
}

public sealed class SqliteMaturityRegionalTests() : MaturityRegionalTests(DatabaseProvider.Sqlite);

public sealed class PostgresMaturityRegionalTests() : MaturityRegionalTests(DatabaseProvider.Postgres);
