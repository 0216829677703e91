using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Intelligence.Pages;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;

namespace Rampart.Server.Tests;

/// <summary>
/// The intelligence pages' reads (list, filters, object by STIX id, versions, labels, correlations, the dashboard
/// count) through the access decision: who may read an object finds it; another organisation, its admin and the
/// node admin find nothing — not by id, not by record, not by a value they know, not through a correlating object
/// of their own. Runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class IntelPageQueryTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    /// <summary>
    /// An AMBER indicator of the owner shared with the community (member reads it), carrying <paramref name="ip"/>;
    /// and the outsider's own object (its organisation only) carrying the same value.
    /// </summary>
    private async Task<(IntelObject Amber, IntelObject OutsidersOwn)> SeedAsync(string ip)
    {
        var amber = await ObjectAsync(Node.OwnerOrg, Tlp.Amber, [new(AudienceKind.Community, CommunityId: Node.Community)],
            $"indicator--{Guid.NewGuid()}", "indicator", $"[ipv4-addr:value = '{ip}']", ip, "phishing");
        var own = await ObjectAsync(Node.OutsiderOrg, Tlp.Green, [], $"ipv4-addr--{Guid.NewGuid()}", "ipv4-addr", ip, ip, null);
        return (amber, own);
    }

    // Stands in for the store's writer (IntelStore, written concurrently on another branch): the rows it writes for one object.
    private async Task<IntelObject> ObjectAsync(Guid owner, Tlp tlp, IReadOnlyList<ResolvedAudience> audience, string stixId, string type, string name, string ip, string? label)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        var record = new SharedRecord { RecordType = RecordType.StixObject, OwnerOrganisationId = owner, CreatorOrganisationId = owner, CreatedAt = now };
        db.SharedRecords.Add(record);
        await db.SaveChangesAsync();
        await scope.ServiceProvider.GetRequiredService<SharingStore>().ApplyAsync(record, tlp, audience, false, default);
        var intel = new IntelObject
        {
            RecordId = record.Id, OwnerOrganisationId = owner, StixId = stixId, StixType = type, Name = name,
            Created = now, Modified = now, AddedAt = now, UpdatedAt = now,
        };
        db.IntelObjects.Add(intel);
        db.IntelObjectVersions.Add(new IntelObjectVersion
        {
            RecordId = record.Id, Modified = now, DateAdded = now,
            Json = $$"""{"type":"{{type}}","id":"{{stixId}}","name":"<script>alert(1)</script>","value":"{{ip}}"}""",
        });
        if (label is not null)
        {
            db.IntelLabels.Add(new IntelLabel { Label = label, RecordId = record.Id });
        }

        var observable = await db.Observables.FirstOrDefaultAsync(o => o.Kind == ObservableKind.Ipv4 && o.Value == ip);
        if (observable is null)
        {
            observable = new Observable { Kind = ObservableKind.Ipv4, Value = ip };
            db.Observables.Add(observable);
            await db.SaveChangesAsync();
        }

        observable.ObjectCount++;
        db.ObservableLinks.Add(new ObservableLink { ObservableId = observable.Id, RecordId = record.Id });
        await db.SaveChangesAsync();
        return intel;
    }

    private async Task<T> AsAsync<T>(Person person, Func<IntelPageQueries, Caller, Task<T>> read)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, person.UserId.ToString())], "test"));
        var caller = await scope.ServiceProvider.GetRequiredService<CallerResolver>().ResolveAsync(principal, null, default);
        return await read(scope.ServiceProvider.GetRequiredService<IntelPageQueries>(), caller);
    }

    private async Task<T> AsAsync<T>(Caller caller, Func<IntelPageQueries, Caller, Task<T>> read)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<IntelPageQueries>(), caller);
    }

    private static string NewIp() => $"198.51.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(1, 255)}";

    [Fact]
    public async Task IntelList_CommunityMember_FindsTheAmberIndicatorByDefangedValueTypeLabelAndTlp()
    {
        var ip = NewIp();
        var (amber, _) = await SeedAsync(ip);

        foreach (var filter in new IntelFilter[]
                 {
                     new() { Value = ip.Replace(".", "[.]", StringComparison.Ordinal) },
                     new() { Value = ip, StixType = "indicator", Tlp = Tlp.Amber, Label = "phishing", Owner = Node.OwnerOrg },
                 })
        {
            var (found, _) = await AsAsync(Node.Member, (q, c) => q.ListAsync(c, filter, null, 50, default));
            Assert.Equal([amber.RecordId], found.Select(f => f.Intel.RecordId));
            Assert.Equal(Audience.Community, SharingStore.Summary(found[0].Grants));
        }

        var (wrongTlp, _) = await AsAsync(Node.Member, (q, c) => q.ListAsync(c, new IntelFilter { Value = ip, Tlp = Tlp.Green }, null, 50, default));
        Assert.Empty(wrongTlp);
    }

    [Fact]
    public async Task IntelList_OutsiderAndEveryOtherAdministrator_NeverSeeTheAmberIndicator()
    {
        var ip = NewIp();
        var (amber, own) = await SeedAsync(ip);
        var outsiderAdmin = new Caller(Guid.NewGuid(), Node.OutsiderOrg, Role.OrgAdmin, new HashSet<Guid>());

        foreach (var read in new Func<Func<IntelPageQueries, Caller, Task<(IReadOnlyList<ReadIntel>, bool)>>, Task<(IReadOnlyList<ReadIntel> Objects, bool More)>>[]
                 {
                     r => AsAsync(Node.Outsider, r), r => AsAsync(Node.NodeAdmin, r), r => AsAsync(Node.SameCountry, r), r => AsAsync(outsiderAdmin, r),
                 })
        {
            var (byValue, _) = await read((q, c) => q.ListAsync(c, new IntelFilter { Value = ip }, null, 50, default));
            Assert.DoesNotContain(byValue, o => o.Intel.RecordId == amber.RecordId);
            var (all, _) = await read((q, c) => q.ListAsync(c, new IntelFilter(), null, 500, default));
            Assert.DoesNotContain(all, o => o.Intel.RecordId == amber.RecordId);
            var (byLabel, _) = await read((q, c) => q.ListAsync(c, new IntelFilter { Label = "phishing" }, null, 500, default));
            Assert.DoesNotContain(byLabel, o => o.Intel.RecordId == amber.RecordId);
        }

        // The outsider's own object with the same value is found, by the same value.
        var (mine, _) = await AsAsync(Node.Outsider, (q, c) => q.ListAsync(c, new IntelFilter { Value = ip }, null, 50, default));
        Assert.Equal([own.RecordId], mine.Select(o => o.Intel.RecordId));
    }

    [Fact]
    public async Task IntelObject_OutsiderByStixIdOrRecord_IsAnsweredAsUnknownAndGetsNoVersionsLabelsOrCorrelations()
    {
        var ip = NewIp();
        var (amber, own) = await SeedAsync(ip);
        var outsiderAdmin = new Caller(Guid.NewGuid(), Node.OutsiderOrg, Role.OrgAdmin, new HashSet<Guid>());
        var nodeAdmin = Node.NodeAdmin;

        foreach (var caller in new[] { await CallerOfAsync(Node.Outsider), await CallerOfAsync(nodeAdmin), outsiderAdmin })
        {
            Assert.Null(await AsAsync(caller, (q, c) => q.FindAsync(c, amber.StixId, null, default)));
            Assert.Null(await AsAsync(caller, (q, c) => q.FindAsync(c, amber.StixId, amber.RecordId, default)));
            Assert.Null(await AsAsync(caller, (q, c) => q.FindAsync(c, own.StixId, amber.RecordId, default)));
        }

        // Versions, warning hits, relations and correlations are read only for an object FindAsync answered. Through
        // its own object sharing the value, the outsider learns nothing of the AMBER one.
        var mine = await AsAsync(Node.Outsider, (q, c) => q.FindAsync(c, own.StixId, null, default));
        Assert.NotNull(mine);
        var correlations = await AsAsync(Node.Outsider, (q, c) => q.CorrelationsAsync(c, mine, default));
        Assert.Empty(correlations.Items);
        Assert.Empty(correlations.Common);
    }

    [Fact]
    public async Task IntelObject_Reader_SeesPropertiesVersionsAndOnlyReadableCorrelations()
    {
        var ip = NewIp();
        var (amber, own) = await SeedAsync(ip);
        // A network-wide GREEN object of a third organisation with the same value: the member and the owner correlate with it.
        var shared = await ObjectAsync(Node.RecipientOrg, Tlp.Green, [new(AudienceKind.Network)], $"indicator--{Guid.NewGuid()}", "indicator",
            $"[ipv4-addr:value = '{ip}']", ip, null);

        var read = await AsAsync(Node.Member, (q, c) => q.FindAsync(c, amber.StixId, null, default));
        Assert.NotNull(read);
        Assert.Equal(amber.RecordId, read.Intel.RecordId);
        var versions = await AsAsync(Node.Member, (q, c) => q.VersionsAsync(read, default));
        Assert.Single(versions);
        // Properties are handed to the page as text (Blazor encodes them), never as markup.
        Assert.Contains(("name", "<script>alert(1)</script>"), IntelPageQueries.Properties(read.Read.Current));
        // The version shown reads as it was written: no \u003C / \u0027 escapes (the page's HTML encoder escapes it).
        Assert.Contains("\"<script>alert(1)</script>\"", IntelPageQueries.Indented(versions[0].Json), StringComparison.Ordinal);

        var correlations = await AsAsync(Node.Member, (q, c) => q.CorrelationsAsync(c, read, default));
        Assert.Equal([shared.RecordId], correlations.Items.Select(o => o.Intel.RecordId));
        Assert.Equal([ip], correlations.Items[0].Via.Select(v => v.Value).Distinct());
        Assert.DoesNotContain(correlations.Items, o => o.Intel.RecordId == own.RecordId);

        // The outsider sees the network-wide one beside its own, never the AMBER one.
        var mine = await AsAsync(Node.Outsider, (q, c) => q.FindAsync(c, own.StixId, null, default));
        var outsider = await AsAsync(Node.Outsider, (q, c) => q.CorrelationsAsync(c, mine!, default));
        Assert.Equal([shared.RecordId], outsider.Items.Select(o => o.Intel.RecordId));
    }

    [Fact]
    public async Task NewIntelCount_CountsOnlyPartnersObjectsTheViewerMayRead()
    {
        // Other tests of this class add objects too: compare the counts since one fixed time before and after this seed.
        var since = Node.Factory.Services.GetRequiredService<TimeProvider>().GetUtcNow().AddMinutes(-5);
        var viewers = new[] { Node.Member, Node.Owner, Node.Outsider, Node.NodeAdmin };
        var before = new List<int>();
        foreach (var viewer in viewers)
        {
            before.Add(await AsAsync(viewer, (q, c) => q.CountNewAsync(c, since, 10_000, default)));
        }

        await SeedAsync(NewIp());

        var added = new List<int>();
        for (var i = 0; i < viewers.Length; i++)
        {
            added.Add(await AsAsync(viewers[i], (q, c) => q.CountNewAsync(c, since, 10_000, default)) - before[i]);
        }

        // The member gains the AMBER indicator; the owner's own object is not "new for you"; the outsider's own
        // object is not either and the AMBER one is not readable; the node admin reads neither.
        Assert.Equal([1, 0, 0, 0], added);
    }

    [Theory]
    [InlineData("203.0.113[.]7", ObservableKind.Ipv4, "203.0.113.7")]
    [InlineData("hxxps://evil[.]example/a", ObservableKind.Url, null)]
    [InlineData("10.1.2.3/8", ObservableKind.Ipv4Cidr, "10.0.0.0/8")]
    [InlineData("D41D8CD98F00B204E9800998ECF8427E", ObservableKind.Md5, "d41d8cd98f00b204e9800998ecf8427e")]
    public void IntelFilterValue_DefangedOrUnnormalised_IsLookedUpAsTheIndexStoresIt(string typed, ObservableKind kind, string? value)
    {
        var candidates = IntelPageQueries.Candidates(typed);
        Assert.Contains(candidates, c => c.Kind == kind && (value is null || c.Value == value));
    }

    private async Task<Caller> CallerOfAsync(Person person) => await AsAsync(person, (_, c) => Task.FromResult(c));
}

public sealed class SqliteIntelPageQueryTests(SqliteNode fixture) : IntelPageQueryTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelPageQueryTests(PostgresNode fixture) : IntelPageQueryTests(fixture), IClassFixture<PostgresNode>;
