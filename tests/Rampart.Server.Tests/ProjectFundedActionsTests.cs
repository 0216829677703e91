using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Capacity.Plans;

namespace Rampart.Server.Tests;

/// <summary>
/// A registry project lists the plan actions it funds (issue 12, the reverse of an action's fundingProjectId) on SQLite
/// and PostgreSQL: only actions of plans the reader may read — another organisation's unshared plan is neither listed nor
/// counted — cursor-paged, 404 for a project the reader does not read.
/// </summary>
public abstract class ProjectFundedActionsTests(NodeFixture fixture)
{
    private const string Plans = "/api/capacity/plans";

    private static readonly string[] Themes = ["culture-and-skills"];

    private static readonly string[] Countries = ["AL", "XK"];

    private SeededNode Node => fixture.Node;

    private static async Task<JsonNode> OkJsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    private static async Task<Guid> PlanAsync(HttpClient client, object body) =>
        (await OkJsonAsync(await client.PostAsync(Plans, body), HttpStatusCode.Created))["id"]!.GetValue<Guid>();

    private static async Task<Guid> FundedActionAsync(HttpClient client, Guid plan, Guid project, string title) =>
        (await OkJsonAsync(await client.PostAsync($"{Plans}/{plan}/actions", new { title, funding = "donor-project", fundingProjectId = project, budget = 5000, currency = "EUR" }),
            HttpStatusCode.Created))["id"]!.GetValue<Guid>();

    private static async Task<List<JsonNode>> AllPagesAsync(HttpClient client, Guid project, int limit)
    {
        var all = new List<JsonNode>();
        string? next = null;
        do
        {
            var page = await OkJsonAsync(await client.GetAsync($"/api/capacity/projects/{project}/actions?limit={limit}" + (next is null ? "" : $"&next={Uri.EscapeDataString(next)}")));
            // Only items and a cursor: no total that would count what the reader may not see.
            Assert.Equal(["items", "next"], page.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
            var items = page["items"]!.AsArray().Select(i => i!).ToList();
            Assert.True(items.Count <= limit);
            all.AddRange(items);
            next = page["next"]?.GetValue<string>();
        }
        while (next is not null);
        return all;
    }

    [Fact]
    public async Task ProjectActions_ListOnlyActionsOfPlansTheReaderMayRead_NotEvenCountingOthers()
    {
        var owner = Node.Client(Node.Owner);
        var project = (await OkJsonAsync(await owner.PostAsync("/api/capacity/projects", new
        {
            title = $"Skills for CERTs {Guid.NewGuid():N}"[..30], status = "ongoing", start = "2025-01", themes = Themes, countries = Countries, visibility = "network",
        }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();

        // The owner's own plan (organisation only) with two funded actions and one that is not funded by the project.
        var ownPlan = await PlanAsync(owner, new { title = "Own plan" });
        var first = await FundedActionAsync(owner, ownPlan, project, "Train the incident handlers");
        var second = await FundedActionAsync(owner, ownPlan, project, "Write the classification policy");
        await OkJsonAsync(await owner.PostAsync($"{Plans}/{ownPlan}/actions", new { title = "Own money" }), HttpStatusCode.Created);
        // A plan shared with RECIP, one funded action.
        var sharedPlan = await PlanAsync(owner, new { title = "Shared plan", tlp = "amber", audiences = new[] { new { kind = "organisation", organisationId = Node.RecipientOrg } } });
        var shared = await FundedActionAsync(owner, sharedPlan, project, "Joint exercise");
        // Another organisation's unshared plan, funded by the same project.
        var outsider = Node.Client(Node.Outsider);
        var hiddenPlan = await PlanAsync(outsider, new { title = "Outsider's private plan" });
        var hidden = await FundedActionAsync(outsider, hiddenPlan, project, "Private outsider action");

        // The owner: its three, each once over pages of one (the fake clock gives them one creation time); never the outsider's.
        var ownerSees = await AllPagesAsync(owner, project, 1);
        Assert.Equal(new[] { first, second, shared }.Order(), ownerSees.Select(a => a["actionId"]!.GetValue<Guid>()).Order());
        var train = ownerSees.Single(a => a["actionId"]!.GetValue<Guid>() == first);
        Assert.Equal("Own plan", train["planTitle"]!.GetValue<string>());
        Assert.Equal(ownPlan, train["planId"]!.GetValue<Guid>());
        Assert.Equal("planned", train["status"]!.GetValue<string>());
        Assert.Equal(5000m, train["budget"]!.GetValue<decimal>());

        // RECIP: only the action of the plan shared with it.
        Assert.Equal([shared], (await AllPagesAsync(Node.Client(Node.Recipient), project, 200)).Select(a => a["actionId"]!.GetValue<Guid>()));
        // The outsider: only its own.
        Assert.Equal([hidden], (await AllPagesAsync(outsider, project, 200)).Select(a => a["actionId"]!.GetValue<Guid>()));

        Person otherOrgAdmin;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            otherOrgAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.MemberOrg, $"admin-{Guid.NewGuid():N}@member.test", Role.OrgAdmin);
        }

        // Members of other organisations and every kind of administrator: nothing, and an empty page says nothing more.
        foreach (var person in new[] { Node.Member, Node.SameCountry, otherOrgAdmin, Node.NodeAdmin })
        {
            var page = await OkJsonAsync(await Node.Client(person).GetAsync($"/api/capacity/projects/{project}/actions?limit=200"));
            Assert.Empty(page["items"]!.AsArray());
            Assert.Null(page["next"]);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Client(null).GetAsync($"/api/capacity/projects/{project}/actions")).StatusCode);
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var operatorSees = await scope.ServiceProvider.GetRequiredService<PlanQueries>().FundedByProjectAsync(Caller.Operator(), project, null, 200, default);
            Assert.True(operatorSees is null || operatorSees.Value.Actions.Count == 0);
        }

        // An unknown project is 404; a cursor of another project's list is a 400 naming 'next'.
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/api/capacity/projects/{Guid.NewGuid()}/actions")).StatusCode);
        var firstPage = await OkJsonAsync(await owner.GetAsync($"/api/capacity/projects/{project}/actions?limit=1"));
        var other = await OkJsonAsync(await owner.GetAsync($"/api/capacity/projects/{Guid.NewGuid()}/actions?next={Uri.EscapeDataString(firstPage["next"]!.GetValue<string>())}"), HttpStatusCode.BadRequest);
        Assert.NotNull(other["errors"]!["next"]);
        var tooMany = await OkJsonAsync(await owner.GetAsync($"/api/capacity/projects/{project}/actions?limit=201"), HttpStatusCode.BadRequest);
        Assert.NotNull(tooMany["errors"]!["limit"]);
    }
}

public sealed class SqliteProjectFundedActionsTests(SqliteNode fixture) : ProjectFundedActionsTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresProjectFundedActionsTests(PostgresNode fixture) : ProjectFundedActionsTests(fixture), IClassFixture<PostgresNode>;
