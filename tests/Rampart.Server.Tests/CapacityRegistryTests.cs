using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Capacity.Projects;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>
/// The capacity-building project registry (issue 12) through HTTP, on SQLite and PostgreSQL: visibility through the
/// access decision, owner-only editing with suggestions, filters and paging, funding per currency, CSV import with
/// duplicates and export, bad input.
/// </summary>
public abstract class CapacityRegistryTests(NodeFixture fixture)
{
    private static readonly int[] RowOne = [1];
    private static readonly int[] RowThree = [3];
    private static readonly int[] RowsThreeAndFive = [3, 5];
    private static readonly string[] UnknownCountry = ["AL", "QQ"];

    private SeededNode Node => fixture.Node;

    private static object Project(string title, string? code = null, string visibility = "network", string[]? countries = null, string[]? themes = null,
        string start = "2025-03", string? end = "2026-12", long? budget = null, string? currency = null, object[]? actors = null, string status = "ongoing") => new
    {
        title,
        code,
        status,
        start,
        end,
        themes = themes ?? ["incident-management-and-critical-infrastructure-protection"],
        tags = new[] { "csirt" },
        summary = "Strengthens the national CERT.",
        countries = countries ?? ["AL"],
        actors = actors ?? [new { role = "funder", name = "European Union" }],
        budget,
        currency,
        links = new[] { new { title = "Cybil", url = "https://cybilportal.org/projects/x" } },
        visibility,
    };

    private async Task<Guid> CreateAsync(Person person, object body)
    {
        var response = await Node.Client(person).PostAsync("/api/capacity/projects", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await Json.ReadAsync(response))["id"]!.GetValue<Guid>();
    }

    /// <summary>Rows of the registry's tables and of the shared records, read from the database itself (not through the API).</summary>
    private async Task<(int Projects, int Facets, int Records)> StoredAsync()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        return (await db.CapacityProjects.CountAsync(), await db.CapacityProjectFacets.CountAsync(), await db.SharedRecords.CountAsync());
    }

    private static List<string> Titles(JsonNode page) => page["items"]!.AsArray().Select(i => i!["title"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task NetworkOnlyProject_Anonymous_SeesNothingMembersRead()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var hidden = await CreateAsync(Node.Owner, Project($"Network only {tag}", countries: ["ME"]));
        var shown = await CreateAsync(Node.Owner, Project($"Public one {tag}", visibility: "public", countries: ["ME"]));
        var anonymous = Node.Client(null);

        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/capacity/projects/{hidden}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/capacity/projects/{shown}")).StatusCode);
        var list = Titles(await Json.ReadAsync(await anonymous.GetAsync("/api/capacity/projects?country=ME&limit=200")));
        Assert.Contains($"Public one {tag}", list);
        Assert.DoesNotContain($"Network only {tag}", list);
        var export = await (await anonymous.GetAsync("/api/capacity/projects/export?country=ME")).Content.ReadAsStringAsync();
        Assert.Contains($"Public one {tag}", export);
        Assert.DoesNotContain($"Network only {tag}", export);
        var page = await (await anonymous.GetAsync("/public/projects")).Content.ReadAsStringAsync();
        Assert.Contains($"Public one {tag}", page);
        Assert.DoesNotContain($"Network only {tag}", page);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/public/projects/{hidden}")).StatusCode);

        // Every logged-in member reads both, administrators of other organisations like anyone else.
        foreach (var reader in new[] { Node.Outsider, Node.Member, Node.NodeAdmin, Node.OwnerViewer })
        {
            Assert.Equal(HttpStatusCode.OK, (await Node.Client(reader).GetAsync($"/api/capacity/projects/{hidden}")).StatusCode);
        }
    }

    [Fact]
    public async Task AnotherOrganisation_CannotEdit_SuggestsAndTheOwnerDecides()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var id = await CreateAsync(Node.Owner, Project($"Owned {tag}", code: $"OWN-{tag}"));
        var outsider = Node.Client(Node.Outsider);

        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.PutAsync($"/api/capacity/projects/{id}", Project($"Hijacked {tag}"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.DeleteAsync($"/api/capacity/projects/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.NodeAdmin).PutAsync($"/api/capacity/projects/{id}", Project($"Admin edit {tag}"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.NodeAdmin).DeleteAsync($"/api/capacity/projects/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.OwnerViewer).PutAsync($"/api/capacity/projects/{id}", Project($"Viewer edit {tag}"))).StatusCode);
        Assert.Equal($"Owned {tag}", (await Json.ReadAsync(await outsider.GetAsync($"/api/capacity/projects/{id}")))["title"]!.GetValue<string>());

        // A suggestion may not choose the visibility: only the owner does.
        var withVisibility = await outsider.PostAsync($"/api/capacity/projects/{id}/suggestions", new { proposed = Project($"Better {tag}"), comment = "typo" });
        Assert.Equal(HttpStatusCode.BadRequest, withVisibility.StatusCode);
        Assert.NotNull((await Json.ReadAsync(withVisibility))["errors"]!["proposed.visibility"]);

        var proposed = new { title = $"Better title {tag}", code = $"OWN-{tag}", status = "completed", start = "2025-03", end = "2026-06", countries = new[] { "AL", "XK" } };
        var suggested = await outsider.PostAsync($"/api/capacity/projects/{id}/suggestions", new { proposed, comment = "It ended in June." });
        Assert.Equal(HttpStatusCode.Created, suggested.StatusCode);
        var suggestionId = (await Json.ReadAsync(suggested))["id"]!.GetValue<Guid>();

        // The owner sees it, the suggesting organisation sees its own, a third organisation sees none.
        Assert.Single((await Json.ReadAsync(await Node.Client(Node.Owner).GetAsync($"/api/capacity/projects/{id}/suggestions")))["items"]!.AsArray());
        Assert.Single((await Json.ReadAsync(await outsider.GetAsync($"/api/capacity/projects/{id}/suggestions")))["items"]!.AsArray());
        Assert.Empty((await Json.ReadAsync(await Node.Client(Node.Member).GetAsync($"/api/capacity/projects/{id}/suggestions")))["items"]!.AsArray());
        Assert.Empty((await Json.ReadAsync(await Node.Client(Node.NodeAdmin).GetAsync($"/api/capacity/projects/{id}/suggestions")))["items"]!.AsArray());

        // Nobody but the owner's writers decides: the suggester (403), a third organisation and a node admin (404: not theirs to see).
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.PostAsync($"/api/capacity/projects/{id}/suggestions/{suggestionId}/accept", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Member).PostAsync($"/api/capacity/projects/{id}/suggestions/{suggestionId}/accept", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.NodeAdmin).PostAsync($"/api/capacity/projects/{id}/suggestions/{suggestionId}/accept", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.OwnerViewer).PostAsync($"/api/capacity/projects/{id}/suggestions/{suggestionId}/accept", new { })).StatusCode);

        var accepted = await Node.Client(Node.OwnerAdmin).PostAsync($"/api/capacity/projects/{id}/suggestions/{suggestionId}/accept", new { note = "Thanks" });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        // Still network-only (a suggestion cannot publish): someone not logged in cannot read it.
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(null).GetAsync($"/api/capacity/projects/{id}")).StatusCode);
        var read = await Json.ReadAsync(await outsider.GetAsync($"/api/capacity/projects/{id}"));
        Assert.Equal($"Better title {tag}", read["title"]!.GetValue<string>());
        Assert.Equal("completed", read["status"]!.GetValue<string>());
        Assert.Equal("network", read["visibility"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await Node.Client(Node.Owner).PostAsync($"/api/capacity/projects/{id}/suggestions/{suggestionId}/reject", new { })).StatusCode);
    }

    [Fact]
    public async Task Suggestion_MadeBeforeTheOwnersLaterChange_IsNotAcceptedSilently_OnlyWithOverwrite()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var id = await CreateAsync(Node.Owner, Project($"Stale {tag}", code: $"STL-{tag}"));
        var outsider = Node.Client(Node.Outsider);
        var suggested = await outsider.PostAsync($"/api/capacity/projects/{id}/suggestions",
            new { proposed = new { title = $"Suggested {tag}", code = $"STL-{tag}", status = "ongoing", start = "2025-03", end = "2026-12" }, comment = "Rename" });
        Assert.Equal(HttpStatusCode.Created, suggested.StatusCode);
        var suggestionId = (await Json.ReadAsync(suggested))["id"]!.GetValue<Guid>();

        // The owner changes the project afterwards: accepting the older suggestion would undo that change without a word.
        Node.Factory.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(Node.Owner).PutAsync($"/api/capacity/projects/{id}", Project($"Owner's later title {tag}", code: $"STL-{tag}", end: "2027-06"))).StatusCode);
        var refused = await Node.Client(Node.Owner).PostAsync($"/api/capacity/projects/{id}/suggestions/{suggestionId}/accept", new { });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var unchanged = await Json.ReadAsync(await outsider.GetAsync($"/api/capacity/projects/{id}"));
        Assert.Equal($"Owner's later title {tag}", unchanged["title"]!.GetValue<string>());
        Assert.Equal("pending", (await Json.ReadAsync(await outsider.GetAsync($"/api/capacity/projects/{id}/suggestions")))["items"]![0]!["status"]!.GetValue<string>());

        // Said explicitly, it goes through.
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(Node.Owner).PostAsync($"/api/capacity/projects/{id}/suggestions/{suggestionId}/accept", new { overwrite = true })).StatusCode);
        var read = await Json.ReadAsync(await outsider.GetAsync($"/api/capacity/projects/{id}"));
        Assert.Equal($"Suggested {tag}", read["title"]!.GetValue<string>());
        Assert.Equal("2026-12", read["end"]!.GetValue<string>());
    }

    [Fact]
    public async Task Suggestion_AcceptedAndRejectedAtTheSameMoment_OneDecisionIsKept_TheOtherIs409()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var id = await CreateAsync(Node.Owner, Project($"Race {tag}", code: $"RCE-{tag}"));
        var suggested = await Node.Client(Node.Outsider).PostAsync($"/api/capacity/projects/{id}/suggestions",
            new { proposed = new { title = $"Raced {tag}", code = $"RCE-{tag}", status = "ongoing", start = "2025-03", end = "2026-12" }, comment = "Rename" });
        var suggestionId = (await Json.ReadAsync(suggested))["id"]!.GetValue<Guid>();

        var answers = await Task.WhenAll(
            Node.Client(Node.Owner).PostAsync($"/api/capacity/projects/{id}/suggestions/{suggestionId}/accept", new { }),
            Node.Client(Node.OwnerAdmin).PostAsync($"/api/capacity/projects/{id}/suggestions/{suggestionId}/reject", new { }));
        var codes = answers.Select(a => a.StatusCode).Order().ToList();
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], codes);
        var status = (await Json.ReadAsync(await Node.Client(Node.Owner).GetAsync($"/api/capacity/projects/{id}/suggestions")))["items"]![0]!["status"]!.GetValue<string>();
        var title = (await Json.ReadAsync(await Node.Client(Node.Owner).GetAsync($"/api/capacity/projects/{id}")))["title"]!.GetValue<string>();
        // The project reads as the decision that was kept.
        Assert.Equal(status == "accepted" ? $"Raced {tag}" : $"Race {tag}", title);
    }

    [Fact]
    public async Task Filters_CountryThemeActorStatusYear_AndKeysetPaging()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var actor = $"Donor {tag}";
        await CreateAsync(Node.Owner, Project($"A {tag}", countries: ["GE"], themes: ["cybercrime"], start: "2021-01", end: "2022-06", actors: [new { role = "funder", name = actor }], status: "completed"));
        await CreateAsync(Node.Owner, Project($"B {tag}", countries: ["GE", "MD"], themes: ["culture-and-skills"], start: "2024-01", end: null, actors: [new { role = "funder", name = actor }]));
        await CreateAsync(Node.Member, Project($"C {tag}", countries: ["MD"], themes: ["cybercrime"], start: "2022-05", end: "2023-01", actors: [new { role = "implementer", organisationId = Node.OwnerOrg }]));
        var client = Node.Client(Node.Outsider);

        async Task<List<string>> Query(string query) =>
            Titles(await Json.ReadAsync(await client.GetAsync("/api/capacity/projects?limit=200&" + query))).Where(t => t.EndsWith(tag, StringComparison.Ordinal)).Order().ToList();

        Assert.Equal([$"A {tag}", $"B {tag}"], await Query("country=ge"));
        Assert.Equal([$"A {tag}", $"C {tag}"], await Query("theme=cybercrime"));
        Assert.Equal([$"A {tag}", $"B {tag}"], await Query("actor=" + Uri.EscapeDataString(actor.ToUpperInvariant())));
        Assert.Equal([$"C {tag}"], await Query($"actor={Node.OwnerOrg}"));
        Assert.Equal([$"A {tag}"], await Query("status=completed&country=GE"));
        Assert.Equal([$"A {tag}", $"C {tag}"], await Query("year=2022"));
        Assert.Equal([$"C {tag}"], await Query("year=2022&country=MD"));

        // Keyset pages of one: each project once, then no next.
        var seen = new List<string>();
        string? next = null;
        do
        {
            var page = await Json.ReadAsync(await client.GetAsync($"/api/capacity/projects?limit=1&actor={Uri.EscapeDataString(actor)}" + (next is null ? "" : "&next=" + Uri.EscapeDataString(next))));
            seen.AddRange(Titles(page));
            next = page["next"]?.GetValue<string>();
        }
        while (next is not null);
        Assert.Equal([$"A {tag}", $"B {tag}"], seen.Order().ToList());

        foreach (var (query, field) in new[] { ("country=ZZ", "country"), ("theme=ai", "theme"), ("status=done", "status"), ("year=19", "year"), ("limit=201", "limit"), ("next=forged", "next") })
        {
            var response = await client.GetAsync("/api/capacity/projects?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.NotNull((await Json.ReadAsync(response))["errors"]![field]);
        }
    }

    [Fact]
    public async Task Funding_IsSummedPerCountryAndCurrency_NeverAcrossCurrencies()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var donor = $"Funder {tag}";
        await CreateAsync(Node.Owner, Project($"F1 {tag}", countries: ["BA"], budget: 1_000_000, currency: "EUR", actors: [new { role = "funder", name = donor }]));
        await CreateAsync(Node.Owner, Project($"F2 {tag}", countries: ["BA", "RS"], budget: 500_000, currency: "EUR", actors: [new { role = "funder", name = donor }]));
        await CreateAsync(Node.Owner, Project($"F3 {tag}", countries: ["BA"], budget: 300_000, currency: "USD", actors: [new { role = "funder", name = donor }]));
        var items = (await Json.ReadAsync(await Node.Client(Node.Member).GetAsync($"/api/capacity/projects/funding?by=country&actor={Uri.EscapeDataString(donor)}"))).AsArray();
        var rows = items.Select(i => (i!["key"]!.GetValue<string>(), i["currency"]!.GetValue<string>(), i["total"]!.GetValue<long>(), i["projects"]!.GetValue<int>())).ToList();
        Assert.Contains(("BA", "EUR", 1_500_000L, 2), rows);
        Assert.Contains(("BA", "USD", 300_000L, 1), rows);
        Assert.Contains(("RS", "EUR", 500_000L, 1), rows);
        Assert.Equal(3, rows.Count);
        // Network-only budgets are not shown to someone not logged in.
        Assert.Empty((await Json.ReadAsync(await Node.Client(null).GetAsync($"/api/capacity/projects/funding?actor={Uri.EscapeDataString(donor)}"))).AsArray());
    }

    [Fact]
    public async Task Import_WithDuplicates_PreviewsEachRowAndImportsOnlyTheChosen()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        await CreateAsync(Node.Recipient, Project($"Cyber Resilience Western Balkans {tag}", code: $"GFCE-{tag}-1"));
        var csv = $"""
            code,title,status,start,end,themes,countries,funders,budget,currency,links
            gfce-{tag}-1,Another title {tag},ongoing,2024-01,2025-12,cybercrime,AL,EU,100,EUR,
            NEW-{tag},"cyber-resilience, western   BALKANS {tag}",ongoing,2024-01,,standards,MK,,,,
            NEW-{tag}-2,Fresh project {tag},planned,2026-02,2027-01,culture-and-skills;standards,XK;AL,RECIP;World Bank,2500000,EUR,Site|https://example.org/p
            new-{tag}-2,Fresh project again {tag},planned,2026-02,,standards,AL,,,,
            ERR-{tag},Broken {tag},finished,2026-13,,policy,ZZ,,12,,
            """;
        var client = Node.Client(Node.Recipient);
        var preview = await Json.ReadAsync(await client.PostAsync("/api/capacity/projects/import/preview", new { csv }));
        var outcomes = preview["rows"]!.AsArray().Select(r => r!["outcome"]!.GetValue<string>()).ToList();
        Assert.Equal(["duplicate-code", "duplicate-title", "new", "duplicate-code", "error"], outcomes);
        var error = preview["rows"]![4]!;
        foreach (var field in new[] { "status", "start", "themes", "countries[0]", "currency" })
        {
            Assert.NotNull(error["errors"]![field]);
        }

        // A chosen row with errors: 400 naming it, nothing saved (the database holds no row more, not even the good row's).
        var beforeRefused = await StoredAsync();
        var refused = await client.PostAsync("/api/capacity/projects/import", new { csv, rows = RowsThreeAndFive, visibility = "public" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.NotNull((await Json.ReadAsync(refused))["errors"]!["rows[1]"]);
        Assert.DoesNotContain($"Fresh project {tag}", Titles(await Json.ReadAsync(await client.GetAsync("/api/capacity/projects?limit=200&country=XK"))));
        var afterRefused = await StoredAsync();
        Assert.Equal(beforeRefused.Projects, afterRefused.Projects);
        Assert.Equal(beforeRefused.Facets, afterRefused.Facets);
        Assert.Equal(beforeRefused.Records, afterRefused.Records);

        var imported = await Json.ReadAsync(await client.PostAsync("/api/capacity/projects/import", new { csv, rows = RowThree, visibility = "public" }));
        var id = Assert.Single(imported["imported"]!.AsArray())!.GetValue<Guid>();
        var project = await Json.ReadAsync(await Node.Client(null).GetAsync($"/api/capacity/projects/{id}"));
        Assert.Equal($"Fresh project {tag}", project["title"]!.GetValue<string>());
        Assert.Equal(2_500_000, project["budget"]!.GetValue<long>());
        var funder = project["actors"]!.AsArray().Select(a => a!["organisationId"]?.GetValue<Guid>()).ToList();
        Assert.Contains(Node.RecipientOrg, funder);

        // Importing the same file again: that row is now a duplicate by code.
        var again = await Json.ReadAsync(await client.PostAsync("/api/capacity/projects/import/preview", new { csv }));
        Assert.Equal("duplicate-code", again["rows"]![2]!["outcome"]!.GetValue<string>());

        // A retried import does not copy it: the duplicate is a 400 naming the row, nothing saved, unless asked for.
        var beforeRetry = await StoredAsync();
        var retried = await client.PostAsync("/api/capacity/projects/import", new { csv, rows = RowThree, visibility = "public" });
        Assert.Equal(HttpStatusCode.BadRequest, retried.StatusCode);
        Assert.Contains("importDuplicates", (await Json.ReadAsync(retried))["errors"]!["rows[0]"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(beforeRetry.Projects, (await StoredAsync()).Projects);
        var copied = await Json.ReadAsync(await client.PostAsync("/api/capacity/projects/import", new { csv, rows = RowThree, visibility = "public", importDuplicates = true }));
        Assert.NotEqual(id, Assert.Single(copied["imported"]!.AsArray())!.GetValue<Guid>());

        // The export reads back as an import of the same columns.
        var export = await (await client.GetAsync($"/api/capacity/projects/export?country=XK")).Content.ReadAsStringAsync();
        Assert.Contains($"Fresh project {tag}", export);
        var reread = await Json.ReadAsync(await client.PostAsync("/api/capacity/projects/import/preview", new { csv = export }));
        Assert.All(reread["rows"]!.AsArray(), r => Assert.StartsWith("duplicate", r!["outcome"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Import_MalformedCsv_Is400AndSavesNothing()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var client = Node.Client(Node.Owner);
        var before = await StoredAsync();
        var cases = new[]
        {
            $"title,status,start\n\"Unterminated {tag},ongoing,2024-01\n",
            $"title,status,start,colour\nX {tag},ongoing,2024-01,red\n",
            $"title,status\nX {tag},ongoing\n",
            $"title,status,start\nX {tag},ongoing,2024-01,extra\n",
            "",
        };
        foreach (var csv in cases)
        {
            foreach (var path in new[] { "/api/capacity/projects/import/preview", "/api/capacity/projects/import" })
            {
                var response = await client.PostAsync(path, new { csv, rows = RowOne, visibility = "network" });
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.NotNull((await Json.ReadAsync(response))["errors"]!["csv"]);
            }
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.OwnerViewer).PostAsync("/api/capacity/projects/import/preview", new { csv = "title,status,start\n" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Client(null).PostAsync("/api/capacity/projects/import/preview", new { csv = "title,status,start\n" })).StatusCode);
        Assert.DoesNotContain(Titles(await Json.ReadAsync(await client.GetAsync("/api/capacity/projects?limit=200"))), t => t.Contains(tag, StringComparison.Ordinal));
        var after = await StoredAsync();
        Assert.Equal((before.Projects, before.Facets, before.Records), (after.Projects, after.Facets, after.Records));
    }

    [Fact]
    public async Task BadInput_Is400NamingEachFieldAndStoresNothing()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var client = Node.Client(Node.Owner);
        var response = await client.PostAsync("/api/capacity/projects", new
        {
            title = $"Bad {tag}\u202e",
            status = "ongoing",
            start = "2025-13",
            end = "2020-01",
            countries = UnknownCountry,
            actors = new object[] { new { role = "funder" }, new { role = "partner", organisationId = Guid.NewGuid() } },
            budget = 10,
            currency = "EURO",
            links = new[] { new { title = "x", url = "javascript:alert(1)" } },
            visibility = "network",
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Json.ReadAsync(response))["errors"]!;
        foreach (var field in new[] { "title", "start", "countries[1]", "actors[0]", "actors[1]", "currency", "links[0].url" })
        {
            Assert.True(errors[field] is not null, $"no error for {field}: {errors.ToJsonString()}");
        }

        var unknownEnum = await client.PostAsync("/api/capacity/projects", new { title = $"Bad {tag}", status = "finished", start = "2025-01", visibility = "network" });
        Assert.Equal(HttpStatusCode.BadRequest, unknownEnum.StatusCode);
        var endBeforeStart = await client.PostAsync("/api/capacity/projects", Project($"Bad {tag}", start: "2025-05", end: "2025-04"));
        Assert.NotNull((await Json.ReadAsync(endBeforeStart))["errors"]!["end"]);
        var budgetWithoutCurrency = await client.PostAsync("/api/capacity/projects", Project($"Bad {tag}", budget: 5));
        Assert.NotNull((await Json.ReadAsync(budgetWithoutCurrency))["errors"]!["currency"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync("/api/capacity/projects/not-a-uuid")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/capacity/projects/{Guid.NewGuid()}")).StatusCode);
        Assert.DoesNotContain(Titles(await Json.ReadAsync(await client.GetAsync("/api/capacity/projects?limit=200"))), t => t.Contains(tag, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheOperator_ReadsNoNetworkProject_AndCannotCreate()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var id = await CreateAsync(Node.Owner, Project($"Op {tag}"));
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<ProjectQueries>();
        Assert.Null(await queries.FindAsync(Caller.Operator(), id, default));
        var editing = scope.ServiceProvider.GetRequiredService<ProjectEditing>();
        await Assert.ThrowsAsync<Rampart.Server.Hosting.ForbiddenException>(() => editing.CreateAsync(Caller.Operator(), new ProjectRequest($"Op2 {tag}"), default));
    }
}

public sealed class SqliteCapacityRegistryTests(SqliteNode fixture) : CapacityRegistryTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresCapacityRegistryTests(PostgresNode fixture) : CapacityRegistryTests(fixture), IClassFixture<PostgresNode>;
