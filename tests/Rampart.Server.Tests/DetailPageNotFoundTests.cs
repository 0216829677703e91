using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Identity;
using Rampart.Standards.Markings;

namespace Rampart.Server.Tests;

/// <summary>
/// Detail pages of records (issue 12 and the others), on SQLite and PostgreSQL, requested as a browser does (cookie session):
/// a record the viewer may not read — another organisation's analyst, its organisation administrator, the node administrator —
/// answers a real 404 with the not-found page and nothing of the record, exactly like an id that does not exist; the
/// organisation's own analyst gets 200 with the record. They used to answer 200 with "Not found" text (review s10).
/// </summary>
public abstract class DetailPageNotFoundTests(NodeFixture fixture)
{
    private const string NotFoundText = "There is nothing here, or you may not see it.";

    private static readonly string[] Responder = ["incident-responder"];

    private SeededNode Node => fixture.Node;

    private static async Task<JsonNode> Ok(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    /// <summary>A new person of <paramref name="organisation"/> logged in through the web forms, second factor included for administrators.</summary>
    private async Task<HttpClient> SessionAsync(Guid organisation, Role role)
    {
        var email = $"detail-{Guid.NewGuid():N}@pages.test";
        const string password = "Detail-Pages-Password-2026";
        string? key = null;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            await SeededNode.PersonAsync(scope.ServiceProvider, organisation, email, role);
            var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
            var user = (await users.FindByEmailAsync(email))!;
            Assert.True((await users.RemovePasswordAsync(user)).Succeeded);
            Assert.True((await users.AddPasswordAsync(user, password)).Succeeded);
            user.MustChangePassword = false;
            Assert.True((await users.UpdateAsync(user)).Succeeded);
            if (user.RequiresSecondFactor)
            {
                await users.ResetAuthenticatorKeyAsync(user);
                await users.SetTwoFactorEnabledAsync(user, true);
                key = await users.GetAuthenticatorKeyAsync(user);
            }
        }

        var browser = WebForms.Browser(Node.Factory);
        var login = await WebForms.LogInAsync(browser, email, password);
        Assert.True(login.StatusCode == HttpStatusCode.Redirect, $"login of a {role}: {(int)login.StatusCode}");
        if (key is not null)
        {
            var second = await WebForms.PostFormAsync(browser, "/account/login-2fa", "/account/login-2fa", "login-2fa", new()
            {
                ["Input.Code"] = Authenticator.Code(key, Node.Factory.Clock.GetUtcNow()),
                ["Input.RecoveryCode"] = "",
            });
            Assert.True(second.StatusCode == HttpStatusCode.Redirect, $"second factor of a {role}: {(int)second.StatusCode}");
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/me")).StatusCode);
        return browser;
    }

    /// <summary>
    /// The page at <paramref name="url"/> is 200 with <paramref name="secret"/> for the owner's analyst, and 404 with the
    /// not-found text and without the secret for another organisation's analyst and administrator and the node administrator;
    /// <paramref name="unknownUrl"/> (an id that does not exist) answers the same 404 to the owner's analyst.
    /// </summary>
    private async Task AssertReadableOnlyByOwnerAsync(Guid ownerOrganisation, string url, string unknownUrl, string secret, bool administrators = true)
    {
        var own = await SessionAsync(ownerOrganisation, Role.Analyst);
        var ok = await own.GetAsync(url);
        var okHtml = await ok.Content.ReadAsStringAsync();
        // The body's start is in the message: a 500 seen under load (twice in two sessions, never alone) names its cause.
        Assert.True(ok.StatusCode == HttpStatusCode.OK, $"owner {url}: {(int)ok.StatusCode} logged: {string.Join("\n", Node.Factory.LoggedErrors.TakeLast(12))}");
        Assert.Contains(secret, okHtml, StringComparison.Ordinal);
        Assert.DoesNotContain(NotFoundText, okHtml, StringComparison.Ordinal);

        await AssertNotFoundAsync(own, unknownUrl, secret, "owner, unknown id");
        foreach (var (who, organisation, role) in new (string, Guid, Role)[]
                 {
                     ("outsider", Node.OutsiderOrg, Role.Analyst), ("outsider org admin", Node.OutsiderOrg, Role.OrgAdmin), ("node admin", Node.NodeOrg, Role.NodeAdmin),
                 }.Take(administrators ? 3 : 1))
        {
            await AssertNotFoundAsync(await SessionAsync(organisation, role), url, secret, who);
        }
    }

    private static async Task AssertNotFoundAsync(HttpClient browser, string url, string secret, string who)
    {
        var response = await browser.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{who} {url}: {(int)response.StatusCode}");
        Assert.Contains(NotFoundText, html, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssessmentPage_NotReadable_Is404NotFound_ReadableIs200()
    {
        var created = await Ok(await Node.Client(Node.Owner).PostAsync("/api/capacity/maturity/assessments",
            new { modelKey = "sim3-v2-interim", type = "self-assessment", date = "2026-11-01", assessors = "Secret Assessor Ilir" }), HttpStatusCode.Created);
        await AssertReadableOnlyByOwnerAsync(Node.OwnerOrg, $"/capacity/maturity/{created["id"]}", $"/capacity/maturity/{Guid.CreateVersion7()}", "Secret Assessor Ilir");
    }

    [Fact]
    public async Task PlanPageAndPrint_NotReadable_Are404NotFound_ReadableAre200()
    {
        var created = await Ok(await Node.Client(Node.Owner).PostAsync("/api/capacity/plans", new { title = "Secret plan for the SOC rebuild" }), HttpStatusCode.Created);
        await AssertReadableOnlyByOwnerAsync(Node.OwnerOrg, $"/capacity/plans/{created["id"]}", $"/capacity/plans/{Guid.CreateVersion7()}", "Secret plan for the SOC rebuild");
        await AssertReadableOnlyByOwnerAsync(Node.OwnerOrg, $"/capacity/plans/{created["id"]}/print", $"/capacity/plans/{Guid.CreateVersion7()}/print", "Secret plan for the SOC rebuild");
    }

    [Fact]
    public async Task ProfilePage_NotReadable_Is404NotFound_ReadableIs200()
    {
        var created = await Ok(await Node.Client(Node.Owner).PostAsync("/api/capacity/maturity/profiles",
            new { name = "Secret baseline of the owner", modelKey = "sim3-v2-interim", levels = new Dictionary<string, int> { ["O-1"] = 2 } }), HttpStatusCode.Created);
        await AssertReadableOnlyByOwnerAsync(Node.OwnerOrg, $"/capacity/maturity/profiles/{created["id"]}", $"/capacity/maturity/profiles/{Guid.CreateVersion7()}", "Secret baseline of the owner");
    }

    [Fact]
    public async Task PlanPrint_IsInTheOrganisationsLanguage_WhateverTheReadersInterface_OrInTheLanguageAsked()
    {
        var owner = Node.Client(Node.Owner);
        var created = await Ok(await owner.PostAsync("/api/capacity/plans", new { title = "Plani i printimit" }), HttpStatusCode.Created);
        await Ok(await owner.PostAsync($"/api/capacity/plans/{created["id"]}/actions", new { title = "Formalizoni klasifikimin", parameters = new[] { new { parameterId = "O-8", targetLevel = 3 } } }),
            HttpStatusCode.Created);
        var own = await SessionAsync(Node.OwnerOrg, Role.Analyst);

        // The owner is an Albanian team: the printed plan is in Albanian although the reader's interface is English.
        var html = await (await own.GetAsync($"/capacity/plans/{created["id"]}/print")).Content.ReadAsStringAsync();
        Assert.Contains("lang=\"sq\"", html, StringComparison.Ordinal);
        Assert.Contains("Veprime të kryera", html, StringComparison.Ordinal);
        Assert.Contains("Niveli i pritur", html, StringComparison.Ordinal);
        Assert.Contains("pdf?language=sq", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Actions done", html, StringComparison.Ordinal);

        var georgianResponse = await own.GetAsync($"/capacity/plans/{created["id"]}/print?language=ka");
        var georgian = await georgianResponse.Content.ReadAsStringAsync();
        var main = georgian.IndexOf("<main", StringComparison.Ordinal);
        Assert.True(georgian.Contains("შესრულებული ქმედებები", StringComparison.Ordinal),
            $"{(int)georgianResponse.StatusCode}: {georgian[Math.Max(0, main)..Math.Min(georgian.Length, Math.Max(0, main) + 600)]} logged: {string.Join("\n", Node.Factory.LoggedErrors.TakeLast(12))}");
        // A language the node does not have prints in the organisation's language (the page does not fail).
        var unknown = await own.GetAsync($"/capacity/plans/{created["id"]}/print?language=klingon");
        Assert.Equal(HttpStatusCode.OK, unknown.StatusCode);
        Assert.Contains("Veprime të kryera", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CoursePage_NotReadable_Is404NotFound_ReadableIs200()
    {
        var created = await Ok(await Node.Client(Node.Owner).PostAsync("/api/capacity/training/courses",
            new { title = "Secret course on our own tooling", provider = "Team", format = "in-person", language = "sq", hours = 4 }), HttpStatusCode.Created);
        await AssertReadableOnlyByOwnerAsync(Node.OwnerOrg, $"/capacity/training/courses/{created["id"]}", $"/capacity/training/courses/{Guid.CreateVersion7()}",
            "Secret course on our own tooling");
    }

    [Fact]
    public async Task TrainingPersonPage_NotReadable_Is404NotFound_ReadableIs200()
    {
        var created = await Ok(await Node.Client(Node.Owner).PostAsync("/api/capacity/training/people",
            new { name = "Arta Secretperson", profiles = Responder, consent = true }), HttpStatusCode.Created);
        await AssertReadableOnlyByOwnerAsync(Node.OwnerOrg, $"/capacity/training/people/{created["id"]}", $"/capacity/training/people/{Guid.CreateVersion7()}",
            "Arta Secretperson");
    }

    [Fact]
    public async Task RequestPage_NotReadable_Is404NotFound_ReadableIs200()
    {
        var owner = Node.Client(Node.Owner);
        var incident = (await Ok(await owner.PostAsync("/api/incidents",
            new { title = "Requests page incident", summary = "", tlp = "amber", severity = "high", sector = "public-administration", significant = false }), HttpStatusCode.Created))["id"]!.GetValue<string>();
        var invited = await Ok(await owner.PostAsync($"/api/incidents/{incident}/participants", new { organisationId = Node.RecipientOrg, role = "contributor" }), HttpStatusCode.Created);
        await Ok(await Node.Client(Node.Recipient).PostAsync($"/api/incidents/invitations/{invited["id"]}/accept", new { }));
        var sent = await Ok(await owner.PostAsync($"/api/incidents/{incident}/requests",
            new { kind = "block-indicators", title = "Block the secret C2 range", details = "203.0.113.0/24", organisationIds = new[] { Node.RecipientOrg }, dueAt = Node.Factory.Clock.GetUtcNow().AddHours(4) }),
            HttpStatusCode.Created);
        await AssertReadableOnlyByOwnerAsync(Node.OwnerOrg, $"/requests/{sent["id"]}", $"/requests/{Guid.CreateVersion7()}", "Block the secret C2 range");
    }

    [Fact]
    public async Task IncidentByNumber_NotReadable_Is404NotFound_ReadableRedirectsToTheIncident()
    {
        var created = await Ok(await Node.Client(Node.Owner).PostAsync("/api/incidents",
            new { title = "Secret incident by number", summary = "", tlp = "amber", severity = "high", sector = "public-administration", significant = false }), HttpStatusCode.Created);
        var number = created["number"]!.GetValue<string>();
        var own = await SessionAsync(Node.OwnerOrg, Role.Analyst);
        var ok = await own.GetAsync($"/incidents/{number}");
        // The number redirects to the id's page: during prerendering, a redirect.
        Assert.True(ok.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.OK, $"{(int)ok.StatusCode}");
        Assert.Contains(created["id"]!.GetValue<string>(), ok.Headers.Location?.OriginalString ?? await ok.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertNotFoundAsync(own, "/incidents/INC-1999-0001", "Secret incident by number", "owner, unknown number");
        await AssertNotFoundAsync(own, "/incidents/not-a-number", "Secret incident by number", "owner, malformed number");
        await AssertNotFoundAsync(await SessionAsync(Node.OutsiderOrg, Role.Analyst), $"/incidents/{number}", "Secret incident by number", "outsider");
    }

    [Fact]
    public async Task EcsfProfilePage_Unknown_Is404NotFound_KnownIs200()
    {
        var own = await SessionAsync(Node.OwnerOrg, Role.Analyst);
        var ok = await own.GetAsync("/capacity/training/ecsf/incident-responder");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains("id=\"ecsf-", await ok.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertNotFoundAsync(own, "/capacity/training/ecsf/astronaut", "id=\"ecsf-", "unknown profile");
    }

    [Fact]
    public async Task NotePage_NotReadable_Is404NotFound_ReadableIs200_UnpublishedPublicPageIs404()
    {
        var created = await Ok(await Node.Client(Node.Owner).PostAsync("/api/notes",
            new { title = "Secret note on the loader", body = "Seen at two ministries.", tlp = Tlp.Amber, audience = Access.Audience.Organisation, published = false }), HttpStatusCode.Created);
        await AssertReadableOnlyByOwnerAsync(Node.OwnerOrg, $"/notes/{created["id"]}", $"/notes/{Guid.CreateVersion7()}", "Secret note on the loader");
        await AssertNotFoundAsync(WebForms.Browser(Node.Factory), $"/public/notes/{created["id"]}", "Secret note on the loader", "anonymous, public page");
    }

    [Fact]
    public async Task IntelObjectPage_NotReadable_Is404NotFound_ReadableIs200()
    {
        var stixId = await IntelTestKit.ShareAsync(Node.Factory.Services, Node.OwnerOrg, Tlp.Amber, [new Access.AudienceEntry(Access.AudienceKind.Organisation, OrganisationId: Node.OwnerOrg)]);
        await AssertReadableOnlyByOwnerAsync(Node.OwnerOrg, $"/intel/objects/{stixId}", $"/intel/objects/indicator--{Guid.NewGuid()}", "id=\"intel-title\"");
    }

    [Fact]
    public async Task ImportJobPage_NotReadable_Is404NotFound_ReadableIs200()
    {
        var indicator = new JsonObject
        {
            ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = $"indicator--{Guid.NewGuid()}", ["created"] = "2026-01-01T00:00:00.000Z", ["modified"] = "2026-01-01T00:00:00.000Z",
            ["name"] = "C2 address", ["pattern"] = "[ipv4-addr:value = '198.51.100.77']", ["pattern_type"] = "stix", ["valid_from"] = "2026-01-01T00:00:00.000Z",
        };
        var bundle = new JsonObject { ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}", ["objects"] = new JsonArray(indicator) }.ToJsonString();
        var job = await Ok(await Node.Client(Node.Owner).PostAsync("/api/intel/bundles?tlp=amber",
            new StringContent(bundle, System.Text.Encoding.UTF8, new System.Net.Http.Headers.MediaTypeHeaderValue("application/json"))));
        await AssertReadableOnlyByOwnerAsync(Node.OwnerOrg, $"/intel/imports/{job["id"]}", $"/intel/imports/{Guid.CreateVersion7()}", "id=\"import-counts\"");
    }

    [Fact]
    public async Task ProjectExpertAndOrganisationPages_UnknownId_Are404NotFound()
    {
        var own = await SessionAsync(Node.OwnerOrg, Role.Analyst);
        foreach (var url in new[] { $"/capacity/projects/{Guid.CreateVersion7()}", $"/capacity/experts/{Guid.CreateVersion7()}", $"/organisations/{Guid.CreateVersion7()}", $"/incidents/{Guid.CreateVersion7()}" })
        {
            await AssertNotFoundAsync(own, url, "never-shown", "unknown id");
        }

        foreach (var url in new[] { $"/public/projects/{Guid.CreateVersion7()}", $"/public/intel/indicator--{Guid.NewGuid()}" })
        {
            await AssertNotFoundAsync(WebForms.Browser(Node.Factory), url, "never-shown", "anonymous, unknown id");
        }
    }
}

public sealed class SqliteDetailPageNotFoundTests(SqliteNode fixture) : DetailPageNotFoundTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresDetailPageNotFoundTests(PostgresNode fixture) : DetailPageNotFoundTests(fixture), IClassFixture<PostgresNode>;
