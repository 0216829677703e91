using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;

namespace Rampart.Server.Tests;

/// <summary>
/// Issue 11, "a deadline shown everywhere the incident appears", on SQLite and PostgreSQL: each incident of the list
/// (<c>GET /api/incidents</c>, page <c>/incidents</c>) and the incident itself (<c>GET /api/incidents/{id}</c>, the page's
/// header) carry the next running deadline of the viewer's due list — the due list's rows and rule, so an owner-only task
/// reaches nobody outside the owning organisation, and a participant that owes nothing sees none there.
/// </summary>
public abstract partial class IncidentNextDeadlineTests(NodeFixture fixture)
{
    private static readonly string[] Albania = ["AL"];

    private SeededNode Node => fixture.Node;

    private DateTimeOffset Now => Node.Factory.Clock.GetUtcNow();

    private static async Task<JsonNode> Ok(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private async Task<JsonNode> CreateAsync(string title, bool significant, DateTimeOffset? awareAt = null) =>
        await Ok(await Node.Client(Node.Owner).PostAsync("/api/incidents", new Dictionary<string, object?>
        {
            ["title"] = title,
            ["summary"] = "Encrypted file servers at the treasury.",
            ["tlp"] = "amber",
            ["severity"] = "high",
            ["sector"] = "public-administration",
            ["countries"] = Albania,
            ["entityKind"] = "essential",
            ["significant"] = significant,
            ["awareAt"] = awareAt,
        }), HttpStatusCode.Created);

    private async Task JoinAsync(string id, Person who, string role)
    {
        var invited = await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/participants", new { organisationId = who.OrganisationId, role }), HttpStatusCode.Created);
        await Ok(await Node.Client(who).PostAsync($"/api/incidents/invitations/{invited["id"]}/accept", new { }));
    }

    /// <summary>Every page of the caller's incident list, walking the cursor with <paramref name="limit"/> items a page.</summary>
    private async Task<List<JsonNode>> ListAsync(Person who, int limit = 200)
    {
        var all = new List<JsonNode>();
        string? next = null;
        do
        {
            var page = await Ok(await Node.Client(who).GetAsync($"/api/incidents?limit={limit}{(next is null ? "" : "&next=" + Uri.EscapeDataString(next))}"));
            all.AddRange(page["items"]!.AsArray().Select(i => i!));
            next = page["next"]?.GetValue<string>();
        }
        while (next is not null);
        return all;
    }

    private static JsonNode? Item(List<JsonNode> list, string id) => list.SingleOrDefault(i => i["id"]!.GetValue<string>() == id);

    [Fact]
    public async Task List_EachIncidentCarriesTheViewersNextDeadline_OwnerOnlyTaskOnlyForTheOwner_OverdueAfterTheClockMoves()
    {
        const string secret = "Owner-only: brief the minister before the press";
        var aware = Now;
        var significant = await CreateAsync("Next deadline: ransomware at the treasury", significant: true);
        var id = significant["id"]!.GetValue<string>();
        var plain = (await CreateAsync("Next deadline: a phishing wave, not significant", significant: false))["id"]!.GetValue<string>();
        await JoinAsync(id, Node.Recipient, "coordinator");
        await JoinAsync(id, Node.Member, "contributor");
        Person recipientAdmin, memberAdmin;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            recipientAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.RecipientOrg, $"admin-{Guid.NewGuid():N}@recipient.test", Role.OrgAdmin);
            memberAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.MemberOrg, $"admin-{Guid.NewGuid():N}@member.test", Role.OrgAdmin);
        }

        // Before any task: the early warning, due 24 h after awareness, for the owner and the coordinator; nothing for the plain incident.
        foreach (var who in new[] { Node.Owner, Node.Recipient })
        {
            var next = Item(await ListAsync(who), id)!["nextDeadline"]!;
            Assert.Equal("nis2-stage", next["kind"]!.GetValue<string>());
            Assert.Equal("early-warning", next["stage"]!.GetValue<string>());
            Assert.Equal(aware.AddHours(24), next["due"]!.GetValue<DateTimeOffset>());
            Assert.Equal("not-due-yet", next["state"]!.GetValue<string>());
            Assert.Equal("1d 00h 00m", next["timeLeft"]!.GetValue<string>());
        }

        Assert.Null(Item(await ListAsync(Node.Owner), plain)!["nextDeadline"]);

        // The owner adds an owner-only task due in two hours: it becomes the owner's next deadline (due soon) and nobody else's.
        await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/tasks", new { title = secret, dueAt = aware.AddHours(2), ownerOnly = true }), HttpStatusCode.Created);
        foreach (var who in new[] { Node.Owner, Node.OwnerAdmin })
        {
            var next = Item(await ListAsync(who), id)!["nextDeadline"]!;
            Assert.Equal("task", next["kind"]!.GetValue<string>());
            Assert.Equal(secret, next["label"]!.GetValue<string>());
            Assert.Equal("due-soon", next["state"]!.GetValue<string>());
            Assert.Equal(aware.AddHours(2), next["due"]!.GetValue<DateTimeOffset>());
        }

        // The coordinator and its admin: still the early warning; the task's title appears nowhere in their list or the incident.
        foreach (var who in new[] { Node.Recipient, recipientAdmin })
        {
            var page = await Node.Client(who).GetStringAsync("/api/incidents?limit=200");
            Assert.DoesNotContain(secret, page, StringComparison.Ordinal);
            Assert.Equal("early-warning", Item(await ListAsync(who), id)!["nextDeadline"]!["stage"]!.GetValue<string>());
            var one = await Ok(await Node.Client(who).GetAsync($"/api/incidents/{id}"));
            Assert.Equal("early-warning", one["nextDeadline"]!["stage"]!.GetValue<string>());
            Assert.DoesNotContain(secret, one.ToJsonString(), StringComparison.Ordinal);
        }

        // The contributor and its admin read the incident but owe nothing on it: no deadline in the list (the stages are on the NIS2 tab).
        foreach (var who in new[] { Node.Member, memberAdmin })
        {
            var item = Item(await ListAsync(who), id);
            Assert.NotNull(item);
            Assert.Null(item["nextDeadline"]);
            Assert.DoesNotContain(secret, await Node.Client(who).GetStringAsync($"/api/incidents/{id}"), StringComparison.Ordinal);
        }

        // The node admin and an outsider read neither the incident nor its deadline.
        foreach (var who in new[] { Node.NodeAdmin, Node.Outsider })
        {
            Assert.Null(Item(await ListAsync(who), id));
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(who).GetAsync($"/api/incidents/{id}")).StatusCode);
        }

        // Paged one by one, every page still carries its incident's deadline; the list agrees with the owner's due list.
        var onePerPage = await ListAsync(Node.Owner, limit: 1);
        Assert.Equal(secret, Item(onePerPage, id)!["nextDeadline"]!["label"]!.GetValue<string>());
        Assert.Null(Item(onePerPage, plain)!["nextDeadline"]);
        var due = await Ok(await Node.Client(Node.Owner).GetAsync("/api/incidents/due?limit=200"));
        var firstDue = due["items"]!.AsArray().First(d => d!["incidentId"]!.GetValue<string>() == id)!;
        Assert.Equal(firstDue["due"]!.GetValue<DateTimeOffset>(), Item(onePerPage, id)!["nextDeadline"]!["due"]!.GetValue<DateTimeOffset>());

        // 25 hours later both are overdue: the owner's task, the coordinator's early warning.
        Node.Factory.Clock.Advance(TimeSpan.FromHours(25));
        var owners = Item(await ListAsync(Node.Owner), id)!["nextDeadline"]!;
        Assert.Equal("overdue", owners["state"]!.GetValue<string>());
        Assert.Equal(secret, owners["label"]!.GetValue<string>());
        Assert.Equal("-23h 00m", owners["timeLeft"]!.GetValue<string>());
        var coordinators = Item(await ListAsync(Node.Recipient), id)!["nextDeadline"]!;
        Assert.Equal("overdue", coordinators["state"]!.GetValue<string>());
        Assert.Equal("early-warning", coordinators["stage"]!.GetValue<string>());
        Assert.Equal("-1h 00m", coordinators["timeLeft"]!.GetValue<string>());
        Assert.Equal("overdue", (await Ok(await Node.Client(Node.Recipient).GetAsync($"/api/incidents/{id}")))["nextDeadline"]!["state"]!.GetValue<string>());

        // Submitting the early warning takes it off: the coordinator's next deadline becomes the incident notification (72 h).
        await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/stages/early-warning",
            new { content = new { suspected_malicious = "yes", cross_border_impact = "unknown", summary = "Encrypted file servers." } }), HttpStatusCode.Created);
        var after = Item(await ListAsync(Node.Recipient), id)!["nextDeadline"]!;
        Assert.Equal("incident-notification", after["stage"]!.GetValue<string>());
        Assert.Equal(aware.AddHours(72), after["due"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Pages_ListAndHeaderShowTheViewersNextDeadline_OwnerOnlyTaskOnlyForTheOwner()
    {
        const string secret = "Owner-only: rotate the domain admin keys";
        var aware = Now.AddHours(-25);
        var created = await CreateAsync("Next deadline page: wiper at the land registry", significant: true, awareAt: aware);
        var id = created["id"]!.GetValue<string>();
        var number = created["number"]!.GetValue<string>();
        await JoinAsync(id, Node.Recipient, "coordinator");
        await JoinAsync(id, Node.Member, "contributor");
        // Due two hours ago, before the early warning (one hour ago): the owner's most overdue deadline.
        var taskDue = Now.AddHours(-2);
        await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/tasks", new { title = secret, dueAt = taskDue, ownerOnly = true }), HttpStatusCode.Created);

        // The owner: the task, overdue, in the list row and the header (prerendered in UTC until the browser tells its zone).
        var (_, owner) = await PageSessions.OpenAsync(Node, Node.OwnerOrg, Role.Analyst);
        var list = await owner.GetStringAsync("/incidents");
        var row = Span(list, $"next-deadline-{number}");
        Assert.Contains(secret, row, StringComparison.Ordinal);
        Assert.Contains("Overdue", row, StringComparison.Ordinal);
        Assert.Contains(taskDue.UtcDateTime.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC", row, StringComparison.Ordinal);
        Assert.Contains("-2h 00m", row, StringComparison.Ordinal);
        var header = Span(await owner.GetStringAsync($"/incidents/{id}"), "incident-next-deadline");
        Assert.Contains("Next deadline", header, StringComparison.Ordinal);
        Assert.Contains(secret, header, StringComparison.Ordinal);
        Assert.Contains("Overdue", header, StringComparison.Ordinal);

        // The coordinator and its admin: the early warning, overdue; the owner-only task nowhere on either page.
        foreach (var role in new[] { Role.Analyst, Role.OrgAdmin })
        {
            var (_, coordinator) = await PageSessions.OpenAsync(Node, Node.RecipientOrg, role);
            var theirs = await coordinator.GetStringAsync("/incidents");
            Assert.DoesNotContain(secret, theirs, StringComparison.Ordinal);
            var theirRow = Span(theirs, $"next-deadline-{number}");
            Assert.Contains("Early warning", theirRow, StringComparison.Ordinal);
            Assert.Contains("Overdue", theirRow, StringComparison.Ordinal);
            Assert.Contains(aware.AddHours(24).UtcDateTime.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " UTC", theirRow, StringComparison.Ordinal);
            var page = await coordinator.GetStringAsync($"/incidents/{id}");
            Assert.DoesNotContain(secret, page, StringComparison.Ordinal);
            Assert.Contains("Early warning", Span(page, "incident-next-deadline"), StringComparison.Ordinal);
        }

        // The contributor owes nothing: its row has no deadline, its header none; the task's title nowhere.
        var (_, contributor) = await PageSessions.OpenAsync(Node, Node.MemberOrg, Role.Analyst);
        var contributors = await contributor.GetStringAsync("/incidents");
        Assert.Contains(number, contributors, StringComparison.Ordinal);
        Assert.DoesNotContain($"next-deadline-{number}", contributors, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, contributors, StringComparison.Ordinal);
        var contributorPage = await contributor.GetStringAsync($"/incidents/{id}");
        Assert.DoesNotContain("incident-next-deadline", contributorPage, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, contributorPage, StringComparison.Ordinal);
    }

    /// <summary>The element with <paramref name="id"/> up to the end of its table cell or header line (enough to hold the deadline's parts).</summary>
    private static string Span(string html, string id)
    {
        var at = html.IndexOf($"id=\"{id}\"", StringComparison.Ordinal);
        Assert.True(at >= 0, $"no element {id}");
        var end = html.IndexOf("</td>", at, StringComparison.Ordinal);
        var close = html.IndexOf("</p>", at, StringComparison.Ordinal);
        end = end < 0 ? close : close < 0 ? end : Math.Min(end, close);
        return Tags().Replace(html[at..end], " ");
    }

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();
}

public sealed class SqliteIncidentNextDeadlineTests(SqliteNode fixture) : IncidentNextDeadlineTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIncidentNextDeadlineTests(PostgresNode fixture) : IncidentNextDeadlineTests(fixture), IClassFixture<PostgresNode>;
