using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Organisations;
using Rampart.Server.Validation;

namespace Rampart.Server.Tests;

/// <summary>
/// The last lists that were plain arrays — users, organisations, communities — paged by cursor over their indexes, with
/// prefix searches; bad limits and cursors are 400s; a NUL in any list's search is a 400, not a PostgreSQL 500.
/// </summary>
public abstract class ListPagingTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private async Task<List<Guid>> SeedUsersAsync(Guid organisation, string prefix, int count)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var email = $"{prefix}{i:D2}@listing.test";
            var user = new User
            {
                Id = Guid.CreateVersion7(), UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email,
                NormalizedEmail = email.ToUpperInvariant(), DisplayName = $"Листинг {prefix} {i}", OrganisationId = organisation, Role = Role.Analyst,
                SecurityStamp = Guid.NewGuid().ToString(),
            };
            db.Users.Add(user);
            ids.Add(user.Id);
        }

        await db.SaveChangesAsync();
        return ids;
    }

    private static async Task<(List<Guid> Ids, List<string> Keys)> WalkAsync(HttpClient client, string path, string keyField, int limit, Func<int, Task>? between = null)
    {
        var ids = new List<Guid>();
        var keys = new List<string>();
        string? next = null;
        var page = 0;
        do
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var response = await client.GetAsync($"{path}{separator}limit={limit}" + (next is null ? "" : "&next=" + Uri.EscapeDataString(next)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await Json.ReadAsync(response);
            var items = body["items"]!.AsArray();
            Assert.True(items.Count <= limit);
            ids.AddRange(items.Select(i => i!["id"]!.GetValue<Guid>()));
            keys.AddRange(items.Select(i => i![keyField]!.GetValue<string>()));
            next = body["next"]?.GetValue<string>();
            if (between is not null && next is not null)
            {
                await between(page);
            }

            page++;
        }
        while (next is not null && page < 1000);

        return (ids, keys);
    }

    [Fact]
    public async Task Users_WalkingByCursorWhileUsersAreAdded_EveryUserOnceInEmailOrder()
    {
        var seeded = await SeedUsersAsync(Node.OwnerOrg, "walk", 13);
        var late = 0;
        var (ids, emails) = await WalkAsync(Node.Client(Node.NodeAdmin), "/api/users?q=walk", "email", 4,
            async _ => await SeedUsersAsync(Node.OwnerOrg, $"walkz{late++}-", 1));

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Subset(ids.ToHashSet(), seeded.ToHashSet());
        Assert.Equal(emails.Select(e => e.ToUpperInvariant()).Order(StringComparer.Ordinal), emails.Select(e => e.ToUpperInvariant()));
        Assert.All(emails, e => Assert.StartsWith("walk", e, StringComparison.Ordinal));
    }

    [Fact]
    public async Task UserListing_BothDirections_EveryUserOnceWhileUsersAreAdded()
    {
        var seeded = await SeedUsersAsync(Node.MemberOrg, "both", 9);
        var admin = new Caller(Node.NodeAdmin.UserId, Node.NodeOrg, Role.NodeAdmin, new HashSet<Guid>(), Credential: "session:test");
        foreach (var descending in new[] { false, true })
        {
            var seen = new List<User>();
            (string, Guid)? after = null;
            var added = 0;
            while (true)
            {
                await using var scope = Node.Factory.Services.CreateAsyncScope();
                var (items, more) = await UserListing.PageAsync(scope.ServiceProvider.GetRequiredService<RampartDb>(), admin, "BOTH", after, descending, 2, default);
                seen.AddRange(items);
                if (!more)
                {
                    break;
                }

                after = UserListing.KeyOf(items[^1]);
                await SeedUsersAsync(Node.MemberOrg, $"both-{(descending ? "d" : "a")}{added++}-", 1);
            }

            Assert.Equal(seen.Count, seen.Select(u => u.Id).Distinct().Count());
            Assert.Subset(seen.Select(u => u.Id).ToHashSet(), seeded.ToHashSet());
            var keys = seen.Select(u => u.NormalizedEmail!).ToList();
            Assert.Equal(descending ? keys.OrderDescending(StringComparer.Ordinal) : keys.Order(StringComparer.Ordinal), keys);
        }
    }

    [Fact]
    public async Task Users_SearchByPrefix_MatchesTheStartOfTheEmailOrTheName_AnyCase()
    {
        await SeedUsersAsync(Node.OwnerOrg, "prefix", 3);
        var admin = Node.Client(Node.NodeAdmin);
        async Task<List<string>> EmailsAsync(string q) =>
            (await Json.ReadAsync(await admin.GetAsync("/api/users?limit=200&q=" + Uri.EscapeDataString(q))))["items"]!.AsArray()
            .Select(i => i!["email"]!.GetValue<string>()).ToList();

        Assert.Equal(["prefix00@listing.test", "prefix01@listing.test", "prefix02@listing.test"], await EmailsAsync("PREFIX"));
        Assert.Equal(["prefix01@listing.test"], await EmailsAsync("prefix01@"));
        // The display name, in Cyrillic, typed in lower case.
        Assert.Equal(["prefix00@listing.test", "prefix01@listing.test", "prefix02@listing.test"], await EmailsAsync("листинг prefix"));
        Assert.Equal(["prefix02@listing.test"], await EmailsAsync("ЛИСТИНГ PREFIX 2"));
        // A prefix, not a substring: the middle of an address finds nobody.
        Assert.Empty(await EmailsAsync("efix00"));
        Assert.Empty(await EmailsAsync("@listing.test"));
    }

    [Fact]
    public async Task Users_AnotherOrganisationsAdmin_SeesNoneOfYourUsers()
    {
        await SeedUsersAsync(Node.OwnerOrg, "private", 2);
        Person outsiderAdmin;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            outsiderAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"admin-{Guid.NewGuid():N}@outside.test", Role.OrgAdmin);
        }

        var (ids, _) = await WalkAsync(Node.Client(outsiderAdmin), "/api/users", "email", 50);
        Assert.NotEmpty(ids);
        var (searched, _) = await WalkAsync(Node.Client(outsiderAdmin), "/api/users?q=private", "email", 50);
        Assert.Empty(searched);
        var organisations = (await Json.ReadAsync(await Node.Client(outsiderAdmin).GetAsync("/api/users?limit=200")))["items"]!.AsArray()
            .Select(u => u!["organisationId"]!.GetValue<Guid>()).Distinct().ToList();
        Assert.Equal([Node.OutsiderOrg], organisations);

        // An analyst, even of your organisation, lists only themselves.
        var (own, _) = await WalkAsync(Node.Client(Node.Owner), "/api/users", "email", 50);
        Assert.Equal([Node.Owner.UserId], own);
    }

    [Theory]
    [InlineData("/api/users?limit=0", "limit")]
    [InlineData("/api/users?limit=201", "limit")]
    [InlineData("/api/users?page=2", "page")]
    [InlineData("/api/users?next=not-a-cursor", "next")]
    [InlineData("/api/organisations?limit=0", "limit")]
    [InlineData("/api/organisations?limit=501", "limit")]
    [InlineData("/api/organisations?next=not-a-cursor", "next")]
    [InlineData("/api/organisations?pageSize=10", "pageSize")]
    [InlineData("/api/communities?limit=-1", "limit")]
    [InlineData("/api/communities?limit=501", "limit")]
    [InlineData("/api/communities?next=AAAA", "next")]
    public async Task Lists_BadLimitOrCursor_Is400NamingTheField(string path, string field)
    {
        var response = await Node.Client(Node.NodeAdmin).GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await Json.ReadAsync(response))["errors"]![field]);
    }

    [Fact]
    public async Task Lists_CursorOfAnotherListOrFilter_Is400NamingNext()
    {
        await SeedUsersAsync(Node.OwnerOrg, "cursor", 3);
        var admin = Node.Client(Node.NodeAdmin);
        var users = (await Json.ReadAsync(await admin.GetAsync("/api/users?limit=1&q=cursor")))["next"]!.GetValue<string>();
        var organisations = (await Json.ReadAsync(await admin.GetAsync("/api/organisations?limit=1")))["next"]!.GetValue<string>();
        foreach (var path in new[]
                 {
                     "/api/users?q=other&next=" + Uri.EscapeDataString(users),
                     "/api/organisations?next=" + Uri.EscapeDataString(users),
                     "/api/communities?next=" + Uri.EscapeDataString(organisations),
                     "/api/users?next=" + Uri.EscapeDataString(organisations),
                     "/api/notes?next=" + Uri.EscapeDataString(users),
                 })
        {
            var response = await admin.GetAsync(path);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.NotNull((await Json.ReadAsync(response))["errors"]!["next"]);
        }
    }

    [Fact]
    public async Task Organisations_WalkingByCursorWhileOrganisationsAreAdded_EveryOneOnceInShortNameOrder()
    {
        var seeded = new List<Guid>();
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            foreach (var n in Enumerable.Range(0, 7))
            {
                var organisation = new Organisation { Id = Guid.CreateVersion7(), Name = $"Walk organisation {n}", ShortName = $"WALK-{n}", Country = "MD" };
                db.Organisations.Add(organisation);
                seeded.Add(organisation.Id);
            }

            await db.SaveChangesAsync();
        }

        var late = 0;
        var (ids, names) = await WalkAsync(Node.Client(Node.Outsider), "/api/organisations?q=walk-", "shortName", 3, async _ =>
        {
            await using var scope = Node.Factory.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            db.Organisations.Add(new Organisation { Id = Guid.CreateVersion7(), Name = $"Late organisation {late}", ShortName = $"WALK-0{late++}", Country = "MD" });
            await db.SaveChangesAsync();
        });

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Subset(ids.ToHashSet(), seeded.ToHashSet());
        Assert.Equal(names.Order(StringComparer.Ordinal), names);

        // Without a filter: every organisation of the node once, across pages.
        var (all, _) = await WalkAsync(Node.Client(Node.Outsider), "/api/organisations", "shortName", 2);
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Subset(all.ToHashSet(), seeded.Append(Node.OwnerOrg).Append(Node.OutsiderOrg).ToHashSet());
    }

    [Fact]
    public async Task Communities_WalkingByCursor_EveryOneOnceWithMembers_AndPrefixSearch()
    {
        var seeded = new List<Guid>();
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            foreach (var n in Enumerable.Range(0, 5))
            {
                var community = new Community { Id = Guid.CreateVersion7(), Name = $"Walk community {n}", ModeratorOrganisationId = Node.OwnerOrg };
                community.Members.Add(new CommunityMember { CommunityId = community.Id, OrganisationId = Node.OwnerOrg });
                db.Communities.Add(community);
                seeded.Add(community.Id);
            }

            await db.SaveChangesAsync();
        }

        var (ids, names) = await WalkAsync(Node.Client(Node.Member), "/api/communities?q=Walk%20community", "name", 2);
        Assert.Equal(seeded.Order(), ids.Order());
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        var first = (await Json.ReadAsync(await Node.Client(Node.Member).GetAsync("/api/communities?q=Walk%20community%203")))["items"]!.AsArray().Single()!;
        Assert.Equal([Node.OwnerOrg], first["memberOrganisationIds"]!.AsArray().Select(m => m!.GetValue<Guid>()));
        Assert.Empty((await Json.ReadAsync(await Node.Client(Node.Member).GetAsync("/api/communities?q=community")))["items"]!.AsArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UserListing_PrefixSearchAndKeysetPage_AreIndexReadsNotTableScans(bool withCursor)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var query = UserListing.Matching(db.Users.AsNoTracking(), UserListing.SearchKey("walk"));
        if (withCursor)
        {
            var key = "WALK05@LISTING.TEST";
            var id = Guid.Empty;
            query = query.Where(u => u.NormalizedEmail!.CompareTo(key) > 0 || (u.NormalizedEmail == key && u.Id.CompareTo(id) > 0));
        }

        // The statement EF runs, with its parameters, explained in place.
        await using var command = query.OrderBy(u => u.NormalizedEmail).ThenBy(u => u.Id).Take(51).CreateDbCommand();
        var postgres = db.Database.IsNpgsql();
        await db.Database.OpenConnectionAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        command.Transaction = Microsoft.EntityFrameworkCore.Storage.DbContextTransactionExtensions.GetDbTransaction(transaction);
        if (postgres)
        {
            // A test table is small enough that a scan is cheapest: price scans out and ask whether an index can serve.
            await db.Database.ExecuteSqlRawAsync("SET LOCAL enable_seqscan = off");
        }

        command.CommandText = (postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + command.CommandText;
        var plan = new System.Text.StringBuilder();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.AppendLine(reader.GetValue(reader.FieldCount - 1)?.ToString());
            }
        }

        await transaction.RollbackAsync();
        var text = plan.ToString();
        Assert.DoesNotMatch(@"(?m)SCAN ""?AspNetUsers""?\s*$|Seq Scan on ""?AspNetUsers", text);
        Assert.Contains("IX_Users_Normalized", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/notes?q=a%00b", "q")]
    [InlineData("/api/notes?q=%00", "q")]
    [InlineData("/api/users?q=ab%00", "q")]
    [InlineData("/api/organisations?q=CERT%00", "q")]
    [InlineData("/api/communities?q=x%00", "q")]
    [InlineData("/api/audit?actor=%00", "actor")]
    [InlineData("/api/intel/objects?value=1.2.3.4%00", "value")]
    [InlineData("/api/intel/objects?label=a%00", "label")]
    [InlineData("/api/intel/objects?type=indicator%00", "type")]
    public async Task ListSearch_WithANul_Is400NamingTheField(string path, string field)
    {
        var response = await Node.Client(Node.NodeAdmin).GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await Json.ReadAsync(response))["errors"]![field]);
    }

    [Fact]
    public async Task AuditActorFilter_IsAPrefixOfEmailOrName_AndANulIsRefused()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var search = scope.ServiceProvider.GetRequiredService<AuditSearch>();
        var admin = new Caller(Node.NodeAdmin.UserId, Node.NodeOrg, Role.NodeAdmin, new HashSet<Guid>(), Credential: "session:test");
        var trail = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        var owner = new Caller(Node.OwnerAdmin.UserId, Node.OwnerOrg, Role.OrgAdmin, new HashSet<Guid>(), Credential: "session:test");
        await trail.RecordNowAsync(AuditEvent.UserListViewed, owner, "users");

        var byEmail = await search.SearchAsync(admin, new AuditFilter(Actor: "ADMIN@OWNER"), null, 50, default);
        Assert.NotEmpty(byEmail.Lines);
        Assert.All(byEmail.Lines, l => Assert.Equal(Node.OwnerAdmin.UserId, l.Entry.UserId));
        Assert.Empty((await search.SearchAsync(admin, new AuditFilter(Actor: "owner.test"), null, 50, default)).Lines);
        var error = await Assert.ThrowsAsync<RequestValidationException>(() => search.SearchAsync(admin, new AuditFilter(Actor: "adm\0in"), null, 50, default));
        Assert.Contains("actor", error.Errors.ToDictionary().Keys);
    }
}

public sealed class SqliteListPagingTests(SqliteNode fixture) : ListPagingTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresListPagingTests(PostgresNode fixture) : ListPagingTests(fixture), IClassFixture<PostgresNode>;
