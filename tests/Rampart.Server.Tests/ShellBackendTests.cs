using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Notes;
using Rampart.Server.Public;
using Rampart.Standards.Markings;

namespace Rampart.Server.Tests;

/// <summary>
/// What the web shell adds behind its pages: re-enabling users, asking for the password again, the public pages
/// (through the access decision as the anonymous caller) and the audit log search. Runs on SQLite and PostgreSQL.
/// </summary>
public abstract class ShellBackendTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static Caller CallerOf(Person person, Role role) => new(person.UserId, person.OrganisationId, role, new HashSet<Guid>());

    private async Task<T> WithAsync<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    [Fact]
    public async Task ReenableUser_ByTheirOrgAdmin_UserActiveAgainAndAudited()
    {
        var user = await WithAsync(s => SeededNode.PersonAsync(s, Node.OwnerOrg, $"reenable-{Guid.NewGuid():N}@owner.test", Role.Analyst));
        var admin = CallerOf(Node.OwnerAdmin, Role.OrgAdmin);
        Assert.True(await WithAsync(s => s.GetRequiredService<UserAdministration>().DisableAsync(admin, user.UserId, default)));
        // /api/audit needs a login: a disabled user's key is refused (401); an enabled analyst is known but not allowed (403).
        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Client(user).GetAsync("/api/audit")).StatusCode);

        Assert.True(await WithAsync(s => s.GetRequiredService<UserReenabling>().ExecuteAsync(admin, user.UserId, default)));

        var state = await WithAsync(s => s.GetRequiredService<RampartDb>().Users.AsNoTracking().SingleAsync(u => u.Id == user.UserId));
        Assert.False(state.Disabled);
        Assert.Null(state.LockoutEnd);
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(user).GetAsync("/api/audit")).StatusCode);
        var audited = await WithAsync(s => s.GetRequiredService<RampartDb>().AuditEntries.AsNoTracking()
            .AnyAsync(a => a.Target == $"user:{user.UserId}" && a.Event == AuditEvent.UserChanged && a.Detail == "enabled"));
        Assert.True(audited);
    }

    [Fact]
    public async Task ReenableUser_ByAdminOfAnotherOrganisation_NotFoundAndStillDisabled()
    {
        var user = await WithAsync(s => SeededNode.PersonAsync(s, Node.OwnerOrg, $"stay-{Guid.NewGuid():N}@owner.test", Role.Analyst));
        Assert.True(await WithAsync(s => s.GetRequiredService<UserAdministration>().DisableAsync(CallerOf(Node.OwnerAdmin, Role.OrgAdmin), user.UserId, default)));
        var outsiderAdmin = new Caller(Guid.NewGuid(), Node.OutsiderOrg, Role.OrgAdmin, new HashSet<Guid>());

        Assert.False(await WithAsync(s => s.GetRequiredService<UserReenabling>().ExecuteAsync(outsiderAdmin, user.UserId, default)));
        Assert.True((await WithAsync(s => s.GetRequiredService<RampartDb>().Users.AsNoTracking().SingleAsync(u => u.Id == user.UserId))).Disabled);
    }

    [Fact]
    public async Task Reauthentication_WrongThenRightPassword_FalseThenTrue()
    {
        var user = await WithAsync(s => SeededNode.PersonAsync(s, Node.OwnerOrg, $"reauth-{Guid.NewGuid():N}@owner.test", Role.Analyst));
        Assert.False(await WithAsync(s => s.GetRequiredService<Reauthentication>().VerifyAsync(user.UserId, "not the password")));
        Assert.False(await WithAsync(s => s.GetRequiredService<Reauthentication>().VerifyAsync(user.UserId, "")));
        Assert.True(await WithAsync(s => s.GetRequiredService<Reauthentication>().VerifyAsync(user.UserId, user.Password)));
    }

    [Fact]
    public async Task PublicRecords_OnlyPublishedClear_NeverGreenOrUnpublished()
    {
        var owner = CallerOf(Node.Owner, Role.Analyst);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var published = await WithAsync(s => s.GetRequiredService<NoteEditing>().CreateAsync(owner, new NoteRequest($"{tag} published", "b", Tlp.Clear, Audience.Network, Published: true), default));
        var unpublished = await WithAsync(s => s.GetRequiredService<NoteEditing>().CreateAsync(owner, new NoteRequest($"{tag} clear only", "b", Tlp.Clear, Audience.Network), default));
        var green = await WithAsync(s => s.GetRequiredService<NoteEditing>().CreateAsync(owner, new NoteRequest($"{tag} green", "b", Tlp.Green, Audience.Network), default));

        var (notes, total) = await WithAsync(s => s.GetRequiredService<PublicRecords>().NotesAsync(tag, 0, 50, default));
        Assert.Equal(1, total);
        Assert.Equal(published.Id, Assert.Single(notes).Id);
        Assert.Null(await WithAsync(s => s.GetRequiredService<PublicRecords>().NoteAsync(green.Id, default)));
        Assert.Null(await WithAsync(s => s.GetRequiredService<PublicRecords>().NoteAsync(unpublished.Id, default)));
        Assert.Equal($"public/notes/{published.Id}", await WithAsync(s => s.GetRequiredService<PublicRecords>().PublicAddressOfAsync($"notes/{published.Id}", default)));
        Assert.Null(await WithAsync(s => s.GetRequiredService<PublicRecords>().PublicAddressOfAsync($"notes/{green.Id}", default)));
    }

    [Fact]
    public async Task PublicPages_AnonymousBrowser_PublishedRecordShownOthersNotFound()
    {
        var owner = CallerOf(Node.Owner, Role.Analyst);
        var published = await WithAsync(s => s.GetRequiredService<NoteEditing>().CreateAsync(owner, new NoteRequest("Advisory for everyone", "Patch **now**.", Tlp.Clear, Audience.Network, Published: true), default));
        var green = await WithAsync(s => s.GetRequiredService<NoteEditing>().CreateAsync(owner, new NoteRequest("Green only", "b", Tlp.Green, Audience.Network), default));
        var browser = Node.Factory.ClientWithKey(null);

        var page = await browser.GetAsync($"/public/notes/{published.Id}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Advisory for everyone", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var hidden = await browser.GetAsync($"/public/notes/{green.Id}");
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.DoesNotContain("Green only", await hidden.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The record's own link sends a logged-out visitor to the public page, or to the login for anything else.
        var link = await browser.GetAsync($"/notes/{published.Id}");
        Assert.Equal(HttpStatusCode.Redirect, link.StatusCode);
        Assert.EndsWith($"/public/notes/{published.Id}", link.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var other = await browser.GetAsync($"/notes/{green.Id}");
        Assert.Contains("account/login", other.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownPage_Browser_StyledNotFoundPageWith404()
    {
        var browser = Node.Factory.ClientWithKey(null);
        var response = await browser.GetAsync("/no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("<h1>Not found</h1>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var api = await browser.GetAsync("/api/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AuditSearch_FilterPagingAndOrgScope_OnlyVisibleMatchingEntriesInKeysetPages()
    {
        var nodeAdmin = CallerOf(Node.NodeAdmin, Role.NodeAdmin);
        for (var i = 0; i < 3; i++)
        {
            await WithAsync(async s => { await s.GetRequiredService<AuditTrail>().RecordNowAsync(AuditEvent.UserListViewed, nodeAdmin, "users"); return 0; });
        }

        var first = await WithAsync(s => s.GetRequiredService<AuditSearch>().SearchAsync(nodeAdmin, new AuditFilter(Event: AuditEvent.UserListViewed), null, 2, default));
        Assert.Equal(2, first.Lines.Count);
        Assert.All(first.Lines, l => Assert.Equal(AuditEvent.UserListViewed, l.Entry.Event));
        Assert.NotNull(first.Next);
        var second = await WithAsync(s => s.GetRequiredService<AuditSearch>().SearchAsync(nodeAdmin, new AuditFilter(Event: AuditEvent.UserListViewed), first.Next, 2, default));
        Assert.All(second.Lines, l => Assert.True(l.Entry.Sequence < first.Lines[^1].Entry.Sequence));
        Assert.Equal(Node.NodeAdmin.Email, first.Lines[0].ActorEmail);

        // An org admin of another organisation sees none of the node admin's entries.
        var outsiderAdmin = new Caller(Guid.NewGuid(), Node.OutsiderOrg, Role.OrgAdmin, new HashSet<Guid>());
        var scoped = await WithAsync(s => s.GetRequiredService<AuditSearch>().SearchAsync(outsiderAdmin, new AuditFilter(Actor: Node.NodeAdmin.Email), null, 50, default));
        Assert.Empty(scoped.Lines);
    }

    [Fact]
    public async Task AuditCsvExport_NodeAdmin_CsvWithHeaderAndTheExportIsAudited()
    {
        var nodeAdmin = CallerOf(Node.NodeAdmin, Role.NodeAdmin);
        var csv = await WithAsync(s => s.GetRequiredService<AuditSearch>().ExportCsvAsync(nodeAdmin, new AuditFilter(), default));
        Assert.StartsWith("sequence,time_utc,event,event_code,outcome,", csv, StringComparison.Ordinal);
        var audited = await WithAsync(s => s.GetRequiredService<RampartDb>().AuditEntries.AsNoTracking()
            .AnyAsync(a => a.UserId == Node.NodeAdmin.UserId && a.Event == AuditEvent.AuditLogViewed && a.Detail!.StartsWith("csv export")));
        Assert.True(audited);
    }
}

public sealed class SqliteShellBackendTests(SqliteNode fixture) : ShellBackendTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresShellBackendTests(PostgresNode fixture) : ShellBackendTests(fixture), IClassFixture<PostgresNode>;
