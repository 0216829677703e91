using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Capacity.Maturity;
using Rampart.Server.Capacity.Plans;
using Rampart.Server.Capacity.Projects;
using Rampart.Server.Capacity.Training;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

namespace Rampart.Server.Tests;

/// <summary>
/// The capacity pages' pickers (issue 12, attack review s16) on SQLite and PostgreSQL: people and target profiles are found
/// by names in any script typed in the other case (SQLite's lower() folds ASCII only: the stored name keys do it in .NET),
/// rows from before the keys are filled at start-up, fewer than two characters find nothing, the writable-plan picker offers
/// only plans the caller may change, and the course's seat list pages in one query per page — no other organisation and
/// no administrator finds anything it may not read.
/// </summary>
public abstract class CapacityPickerTests(NodeFixture fixture)
{
    private const string Api = "/api/capacity/training";

    private static readonly string[] Skills = ["S-001"];

    private SeededNode Node => fixture.Node;

    private Caller Owner => new(Node.Owner.UserId, Node.OwnerOrg, Role.Analyst, new HashSet<Guid>(), Credential: "session:test");

    private Caller OwnerViewer => new(Node.OwnerViewer.UserId, Node.OwnerOrg, Role.Viewer, new HashSet<Guid>(), Credential: "session:test");

    private Caller Outsider => new(Node.Outsider.UserId, Node.OutsiderOrg, Role.Analyst, new HashSet<Guid>(), Credential: "session:test");

    private Caller NodeAdmin => new(Node.NodeAdmin.UserId, Node.NodeOrg, Role.NodeAdmin, new HashSet<Guid>(), Credential: "session:test");

    private Caller OwnerAdmin => new(Node.OwnerAdmin.UserId, Node.OwnerOrg, Role.OrgAdmin, new HashSet<Guid>(), Credential: "session:test");

    private static async Task<JsonNode> OkJsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    private static async Task<Guid> PersonAsync(HttpClient client, string name) =>
        (await OkJsonAsync(await client.PostAsync($"{Api}/people", new { name, profiles = Array.Empty<string>(), consent = true }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();

    private static string Tag() => "t" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task PeoplePicker_FindsNamesInAnyScriptTypedInTheOtherCase_NotForShortTextOrOthers_AndOldRowsAreFilledAtStartUp()
    {
        var tag = Tag();
        var owner = Node.Client(Node.Owner);
        var djordje = await PersonAsync(owner, $"Ђорђе {tag}");
        var cela = await PersonAsync(owner, $"Çela {tag}");
        var endrit = await PersonAsync(owner, $"Ëndrit {tag}");

        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<TrainingQueries>();
        async Task<IReadOnlyList<Guid>> PickAsync(Caller caller, string text) => [.. (await queries.PickPeopleAsync(caller, text, 20, default)).Select(p => p.Id)];

        Assert.Equal([djordje], await PickAsync(Owner, $"ђорђе {tag}"));
        Assert.Equal([djordje], await PickAsync(Owner, $"ЂОРЂЕ {tag}"));
        Assert.Equal([cela], await PickAsync(Owner, $"çELA {tag}"));
        Assert.Equal([endrit], await PickAsync(Owner, $"ëNDRIT {tag}"));
        // Diacritics are ignored too: typed without them on a Latin keyboard.
        Assert.Equal([cela], await PickAsync(Owner, $"cela {tag}"));
        Assert.Equal([endrit, cela, djordje], await PickAsync(Owner, tag.ToUpperInvariant()));

        // Fewer than two characters (after trimming) find nothing; nobody else finds the people at all.
        Assert.Empty(await PickAsync(Owner, "ђ"));
        Assert.Empty(await PickAsync(Owner, "  Ç  "));
        Assert.Empty(await PickAsync(Owner, ""));
        foreach (var stranger in new[] { Outsider, NodeAdmin })
        {
            Assert.Empty(await PickAsync(stranger, tag));
        }

        // A person from before the name keys (the migration leaves the key empty) is found once the start-up step ran.
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        await db.TrainingPeople.Where(p => p.Id == cela).ExecuteUpdateAsync(set => set.SetProperty(p => p.NameKey, ""));
        Assert.Empty(await PickAsync(Owner, $"çela {tag}"));
        await NodeBootstrap.MigrateAsync(db, default);
        Assert.Equal([cela], await PickAsync(Owner, $"ÇELA {tag}"));

        // A renamed person is found by the new name only.
        await OkJsonAsync(await owner.PutAsync($"{Api}/people/{endrit}", new { name = $"Ёлка {tag}", profiles = Array.Empty<string>() }));
        Assert.Empty(await PickAsync(Owner, $"ëndrit {tag}"));
        Assert.Equal([endrit], await PickAsync(Owner, $"ёЛКА {tag}"));
    }

    [Fact]
    public async Task ProfilePicker_FindsNamesInAnyScriptTypedInTheOtherCase_NotForShortTextOrOtherOrganisations()
    {
        var tag = Tag();
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var editing = scope.ServiceProvider.GetRequiredService<MaturityEditing>();
        var levels = new Dictionary<string, int?> { ["O-1"] = 1 };
        var djordje = (await editing.SaveProfileAsync(Owner, null, new ProfileRequest($"Ђорђе baseline {tag}", "sim3-v2-interim", levels), default))!.Id;
        var cela = (await editing.SaveProfileAsync(Owner, null, new ProfileRequest($"Çela baseline {tag}", "sim3-v2-interim", levels), default))!.Id;
        var endrit = (await editing.SaveProfileAsync(Owner, null, new ProfileRequest($"Ëndrit baseline {tag}", "sim3-v2-interim", levels), default))!.Id;
        var queries = scope.ServiceProvider.GetRequiredService<MaturityQueries>();
        async Task<IReadOnlyList<Guid>> PickAsync(Caller caller, string text, string? model = null) =>
            [.. (await queries.PickProfilesAsync(caller, text, model, 20, default)).Select(p => p.Id)];

        Assert.Equal([djordje], await PickAsync(Owner, $"ђОРЂЕ BASELINE {tag}"));
        Assert.Equal([cela], await PickAsync(Owner, $"çela baseline {tag}"));
        Assert.Equal([endrit], await PickAsync(Owner, $"ËNDRIT BASELINE {tag}", "sim3-v2-interim"));
        Assert.Empty(await PickAsync(Owner, $"ëndrit baseline {tag}", "sim3-v1"));
        Assert.Empty(await PickAsync(Owner, "Ë"));
        foreach (var stranger in new[] { Outsider, NodeAdmin })
        {
            Assert.Empty(await PickAsync(stranger, tag));
        }

        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        await db.MaturityProfiles.Where(p => p.Id == djordje).ExecuteUpdateAsync(set => set.SetProperty(p => p.NameKey, ""));
        Assert.Empty(await PickAsync(Owner, $"ђорђе baseline {tag}"));
        await NodeBootstrap.MigrateAsync(db, default);
        Assert.Equal([djordje], await PickAsync(Owner, $"ЂОРЂЕ baseline {tag}"));
    }

    [Fact]
    public async Task PlanPicker_OffersOnlyCapacityPlansTheCallerMayChange_ByWordsOfTheTitle_NotForShortText()
    {
        var tag = Tag();
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var editing = scope.ServiceProvider.GetRequiredService<PlanEditing>();
        var ours = (await editing.CreateAsync(Owner, new PlanRequest($"Çelik programme {tag}"), default)).Id;
        await editing.CreateAsync(Owner, new PlanRequest($"Çelik awareness {tag}", PlanKind.CyberHygiene), default);
        // Another organisation's plan shared with the caller's organisation: readable, not the caller's to change.
        var shared = (await editing.CreateAsync(Outsider, new PlanRequest($"Çelik shared {tag}", Tlp: Rampart.Standards.Markings.Tlp.Amber,
            Audiences: [new AudienceEntry(AudienceKind.Organisation, Node.OwnerOrg)]), default)).Id;
        var queries = scope.ServiceProvider.GetRequiredService<PlanQueries>();
        async Task<IReadOnlyList<Guid>> PickAsync(Caller caller, string text) =>
            [.. (await queries.PickWritableAsync(caller, text, PlanKind.CapacityBuilding, 20, default)).Select(p => p.Id)];

        Assert.NotNull(await queries.FindAsync(Owner, shared, default));
        Assert.Equal([ours], await PickAsync(Owner, $"ÇELIK {tag}"));
        Assert.Equal([ours], await PickAsync(Owner, $"çel {tag[..4]}"));
        Assert.Empty(await PickAsync(Owner, "ç"));
        Assert.Empty(await PickAsync(Owner, "ç ç"));
        // Readers who may not change the plan (a viewer, the node admin), and another organisation: not offered.
        foreach (var other in new[] { OwnerViewer, NodeAdmin, Outsider })
        {
            Assert.DoesNotContain(ours, await PickAsync(other, $"çelik {tag}"));
        }

        Assert.Equal([shared], await PickAsync(Outsider, $"çelik {tag}"));
    }

    [Fact]
    public async Task OtherPickers_NeedTwoCharacters()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var projects = scope.ServiceProvider.GetRequiredService<ProjectQueries>();
        var training = scope.ServiceProvider.GetRequiredService<TrainingQueries>();
        Assert.Empty(await projects.PickAsync(Owner, "a", 20, default));
        Assert.Empty(await projects.PickAsync(Owner, " x ", 20, default));
        Assert.Empty(await training.LinkableUsersAsync(OwnerAdmin, "a", 20, default));
        Assert.Empty(await training.LinkableUsersAsync(OwnerAdmin, "", 20, default));
        Assert.Contains(await training.LinkableUsersAsync(OwnerAdmin, "an", 20, default), u => u.Id == Node.Owner.UserId);
    }

    [Fact]
    public async Task CourseSeats_PageOverAllSessionsInOrder_CountsPerSession_OnlyForTheCoursesWriters()
    {
        var owner = Node.Client(Node.Owner);
        var course = (await OkJsonAsync(await owner.PostAsync($"{Api}/courses", new
        {
            title = $"Seat paging {Tag()}", provider = "CERT", format = "online", language = "sq", hours = 8, items = Skills, profiles = Array.Empty<string>(),
        }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var late = (await OkJsonAsync(await owner.PostAsync($"{Api}/courses/{course}/sessions", new { startDate = "2027-02-01", endDate = "2027-02-01", online = true }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var early = (await OkJsonAsync(await owner.PostAsync($"{Api}/courses/{course}/sessions", new { startDate = "2027-01-01", endDate = "2027-01-01", online = true }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var people = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            people.Add(await PersonAsync(owner, $"Seated {i}"));
        }

        await OkJsonAsync(await owner.PostAsync($"{Api}/people/{people[0]}/enrolments", new { sessionId = late }));
        await OkJsonAsync(await owner.PostAsync($"{Api}/people/{people[1]}/enrolments", new { sessionId = early }));
        await OkJsonAsync(await owner.PostAsync($"{Api}/people/{people[2]}/enrolments", new { sessionId = early }));

        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<TrainingQueries>();
        var read = (await queries.FindCourseAsync(Owner, course, default))!;
        var (first, next) = await queries.CourseSeatsAsync(Owner, read, null, 2, default);
        Assert.Equal([early, early], first.Select(s => s.SessionId));
        Assert.Equal(["Seated 1", "Seated 2"], first.Select(s => s.Seat.Name));
        Assert.NotNull(next);
        var (second, last) = await queries.CourseSeatsAsync(Owner, read, next, 2, default);
        Assert.Equal("Seated 0", Assert.Single(second).Seat.Name);
        Assert.Equal(late, second[0].SessionId);
        Assert.Null(last);

        var counts = await queries.SeatCountsAsync(Owner, read, [early, late], default);
        Assert.Equal(2, counts[early]);
        Assert.Equal(1, counts[late]);

        // A reader of the course who may not change it (the organisation's viewer) gets neither the seats nor the counts.
        var viewerRead = (await queries.FindCourseAsync(OwnerViewer, course, default))!;
        await Assert.ThrowsAsync<Hosting.ForbiddenException>(() => queries.CourseSeatsAsync(OwnerViewer, viewerRead, null, 2, default));
        Assert.Empty(await queries.SeatCountsAsync(OwnerViewer, viewerRead, [early, late], default));
        Assert.Null(await queries.FindCourseAsync(Outsider, course, default));
        Assert.Null(await queries.FindCourseAsync(NodeAdmin, course, default));
    }
}

public sealed class SqliteCapacityPickerTests(SqliteNode fixture) : CapacityPickerTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresCapacityPickerTests(PostgresNode fixture) : CapacityPickerTests(fixture), IClassFixture<PostgresNode>;
