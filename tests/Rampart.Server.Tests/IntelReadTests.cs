using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Intelligence.Read;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;
using Rampart.Standards.Observables;

namespace Rampart.Server.Tests;

/// <summary>
/// The read side of the intelligence store through HTTP: object, versions, search, bulk lookup and
/// correlations, and that nobody — another organisation, its admin, the node admin — reaches an AMBER object
/// shared elsewhere by id, guessed id, a value it knows, or a value its own object shares. SQLite and PostgreSQL.
/// Objects are seeded straight into the store's tables (the store's writer is not on main yet).
/// </summary>
public abstract class IntelReadTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static readonly string[] FourValues = ["a", "b", "c", "d"];

    private SeededNode? fixtureOverride;

    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..(prefix.Length + 16)];

    private async Task<string> SeedAsync(Guid owner, Tlp tlp, Audience audience, string type, string name, IReadOnlyList<string> values,
        string? stixId = null, IReadOnlyList<string>? labels = null, int versions = 1, DateTimeOffset? withdrawnAt = null)
    {
        var node = fixtureOverride ?? Node;
        await using var scope = node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var sharing = scope.ServiceProvider.GetRequiredService<SharingStore>();
        stixId ??= $"{type}--{Guid.NewGuid()}";
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        var record = new SharedRecord { RecordType = RecordType.StixObject, OwnerOrganisationId = owner, CreatorOrganisationId = owner, Tlp = tlp, CreatedAt = now };
        IReadOnlyList<ResolvedAudience> entries = audience switch
        {
            Audience.Recipients => [new ResolvedAudience(AudienceKind.Organisation, node.RecipientOrg)],
            Audience.Network => [new ResolvedAudience(AudienceKind.Network)],
            _ => [],
        };
        db.SharedRecords.Add(record);
        await sharing.ApplyAsync(record, tlp, entries, false, default);
        var modified = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var o = new IntelObject
        {
            Record = record, OwnerOrganisationId = owner, StixId = stixId, StixType = type, Name = name, Created = modified,
            Modified = modified.AddDays(versions - 1), AddedAt = now, UpdatedAt = now, WithdrawnAt = withdrawnAt, WithdrawnReason = withdrawnAt is null ? null : "false positive",
        };
        db.IntelObjects.Add(o);
        for (var v = 0; v < versions; v++)
        {
            var m = modified.AddDays(v);
            db.IntelObjectVersions.Add(new IntelObjectVersion
            {
                IntelObject = o, Modified = m, DateAdded = now,
                Json = withdrawnAt is not null ? null : new JsonObject
                {
                    ["type"] = type, ["spec_version"] = "2.1", ["id"] = stixId, ["name"] = name, ["version"] = v,
                    ["object_marking_refs"] = new JsonArray(Tlp.Red.StixMarkingId(), "marking-definition--00000000-0000-4000-8000-000000000001"),
                }.ToJsonString(),
            });
        }

        foreach (var label in labels ?? [])
        {
            db.IntelLabels.Add(new IntelLabel { Label = label, IntelObject = o });
        }

        await db.SaveChangesAsync();
        foreach (var value in values)
        {
            var key = ObservableKey.Of(value);
            var observable = db.Observables.SingleOrDefault(x => x.Kind == key.Kind && x.Value == key.Value);
            if (observable is null)
            {
                observable = new Observable { Kind = key.Kind, Value = key.Value, RangeStart = key.RangeStart, RangeEnd = key.RangeEnd, ReversedDomain = key.ReversedDomain };
                db.Observables.Add(observable);
            }

            observable.ObjectCount++;
            await db.SaveChangesAsync();
            db.ObservableLinks.Add(new ObservableLink { ObservableId = observable.Id, RecordId = o.RecordId });
        }

        await db.SaveChangesAsync();
        return stixId;
    }

    private async Task<Person> OutsiderAdminAsync()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"{Guid.NewGuid():N}@outsider-admin.test", Role.OrgAdmin);
    }

    private async Task<IEnumerable<Person?>> StrangersAsync() => [Node.Outsider, Node.NodeAdmin, await OutsiderAdminAsync(), null];

    private static async Task<List<string>> SearchIdsAsync(HttpClient client, string query)
    {
        var response = await client.GetAsync($"/api/intel/objects?{query}&limit=200");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await Json.ReadAsync(response))["items"]!.AsArray().Select(i => i!["stixId"]!.GetValue<string>())];
    }

    [Fact]
    public async Task Object_AmberForRecipients_RecipientReadsItWithTheRecordMarkingAndStrangersGet404()
    {
        var ip = $"198.51.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(1, 255)}";
        var id = await SeedAsync(Node.OwnerOrg, Tlp.Amber, Audience.Recipients, "indicator", "amber c2", [ip], versions: 3);

        var read = await Node.Client(Node.Recipient).GetAsync($"/api/intel/objects/{id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var body = await Json.ReadAsync(read);
        Assert.Equal("amber", body["tlp"]!.ToString().ToLowerInvariant().Replace("tlp:", "", StringComparison.Ordinal));
        var markings = body["stix"]!["object_marking_refs"]!.AsArray().Select(m => m!.GetValue<string>()).ToList();
        Assert.Contains(Tlp.Amber.StixMarkingId(), markings);
        Assert.DoesNotContain(Tlp.Red.StixMarkingId(), markings);
        Assert.Contains("marking-definition--00000000-0000-4000-8000-000000000001", markings);

        foreach (var stranger in await StrangersAsync())
        {
            var client = Node.Client(stranger);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/intel/objects/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/intel/objects/{id}/versions")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/intel/objects/{id}/correlations")).StatusCode);
            // A guessed id is answered exactly as an existing invisible one.
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/intel/objects/indicator--{Guid.NewGuid()}")).StatusCode);
            Assert.DoesNotContain(id, await SearchIdsAsync(client, $"value={ip}"));
            Assert.DoesNotContain(id, await SearchIdsAsync(client, "value=198.51.0.0/16&match=network"));
            Assert.DoesNotContain(id, await SearchIdsAsync(client, "type=indicator"));
            if (stranger is not null)
            {
                var lookup = await Json.ReadAsync(await client.PostAsync("/api/intel/lookup", new { values = new[] { ip } }));
                Assert.Empty(lookup["known"]!.AsArray());
            }
        }
    }

    [Fact]
    public async Task Versions_ThreeVersions_PagedNewestFirstWithCursor()
    {
        var id = await SeedAsync(Node.OwnerOrg, Tlp.Green, Audience.Network, "malware", "paged", [], versions: 3);
        var client = Node.Client(Node.Owner);
        var first = await Json.ReadAsync(await client.GetAsync($"/api/intel/objects/{id}/versions?limit=2"));
        var items = first["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        Assert.Equal(2, items[0]!["stix"]!["version"]!.GetValue<int>());
        var next = first["next"]!.GetValue<string>();
        var second = await Json.ReadAsync(await client.GetAsync($"/api/intel/objects/{id}/versions?limit=2&next={Uri.EscapeDataString(next)}"));
        Assert.Single(second["items"]!.AsArray());
        Assert.Equal(0, second["items"]![0]!["stix"]!["version"]!.GetValue<int>());
        Assert.Null(second["next"]);
        var forged = await client.GetAsync($"/api/intel/objects/{id}/versions?next=abc");
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.NotNull((await Json.ReadAsync(forged))["errors"]!["next"]);
    }

    [Fact]
    public async Task Object_Withdrawn_ShowsTheTombstoneWithoutContent()
    {
        var at = new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
        var id = await SeedAsync(Node.OwnerOrg, Tlp.Green, Audience.Network, "indicator", "withdrawn one", [], withdrawnAt: at);
        var body = await Json.ReadAsync(await Node.Client(Node.Outsider).GetAsync($"/api/intel/objects/{id}"));
        Assert.Equal("false positive", body["withdrawnReason"]!.GetValue<string>());
        Assert.Equal(at, body["withdrawnAt"]!.GetValue<DateTimeOffset>());
        Assert.Null(body["stix"]);
        Assert.Equal("", body["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Object_TwoOrganisationsHoldTheSameId_EachSeesItsOwnFirstAndOnlyReadableCopies()
    {
        var id = $"ipv4-addr--{Guid.NewGuid()}";
        await SeedAsync(Node.OwnerOrg, Tlp.Amber, Audience.Organisation, "ipv4-addr", "owner copy", [], stixId: id);
        await SeedAsync(Node.RecipientOrg, Tlp.Green, Audience.Network, "ipv4-addr", "recipient copy", [], stixId: id);

        var owner = await Json.ReadAsync(await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{id}"));
        Assert.Equal("owner copy", owner["name"]!.GetValue<string>());
        Assert.Equal(2, owner["copies"]!.AsArray().Count);

        var outsider = await Json.ReadAsync(await Node.Client(Node.Outsider).GetAsync($"/api/intel/objects/{id}"));
        Assert.Equal("recipient copy", outsider["name"]!.GetValue<string>());
        Assert.Single(outsider["copies"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).GetAsync($"/api/intel/objects/{id}?owner={Node.OwnerOrg}")).StatusCode);
    }

    [Fact]
    public async Task Search_ByNetworkDomainPrefixLabelAndType_FindsWhatTheRulesSay()
    {
        var tag = Unique("t");
        var octet = Random.Shared.Next(1, 250);
        var inside = await SeedAsync(Node.OwnerOrg, Tlp.Green, Audience.Network, "ipv4-addr", "inside", [$"10.{octet}.3.4"], labels: [tag]);
        var network = await SeedAsync(Node.OwnerOrg, Tlp.Green, Audience.Network, "indicator", "net", [$"10.{octet}.0.0/16"], labels: [tag]);
        var outside = await SeedAsync(Node.OwnerOrg, Tlp.Green, Audience.Network, "ipv4-addr", "outside", [$"10.{octet + 1}.3.4"], labels: [tag]);
        var domain = $"{tag}.example";
        var sub = await SeedAsync(Node.OwnerOrg, Tlp.Green, Audience.Network, "domain-name", "sub", [$"www.{domain}"], labels: [tag]);
        var url = await SeedAsync(Node.OwnerOrg, Tlp.Green, Audience.Network, "url", "url", [$"http://mail.{domain}/login"], labels: [tag]);
        var other = await SeedAsync(Node.OwnerOrg, Tlp.Green, Audience.Network, "domain-name", "other", [$"{domain}x.example"], labels: [tag]);
        var client = Node.Client(Node.Recipient);

        var inNetwork = await SearchIdsAsync(client, $"value=10.{octet}.3.0/24&match=network");
        Assert.Contains(inside, inNetwork);
        Assert.Contains(network, inNetwork); // the stored /16 contains the /24
        Assert.DoesNotContain(outside, inNetwork);
        var containing = await SearchIdsAsync(client, $"value=10.{octet}.3.4&match=network");
        Assert.Equal(new[] { inside, network }.Order(StringComparer.Ordinal), containing.Order(StringComparer.Ordinal));

        var underDomain = await SearchIdsAsync(client, $"value={domain}&match=domain");
        Assert.Contains(sub, underDomain);
        Assert.Contains(url, underDomain);
        Assert.DoesNotContain(other, underDomain);

        Assert.Contains(other, await SearchIdsAsync(client, $"value={domain}x&match=prefix"));
        Assert.Equal(6, (await SearchIdsAsync(client, $"label={tag}")).Count);
        Assert.Equal(2, (await SearchIdsAsync(client, $"label={tag}&type=domain-name")).Count);
        Assert.Equal([sub], await SearchIdsAsync(client, $"value=WWW.{domain.ToUpperInvariant()}"));
    }

    [Fact]
    public async Task Search_Paging_VisitsEveryMatchOnceInBothOrders()
    {
        var tag = Unique("p");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await SeedAsync(Node.OwnerOrg, Tlp.Clear, Audience.Network, "indicator", $"p{i}", [], labels: [tag], versions: 1 + (i % 3)));
        }

        foreach (var sort in new[] { "added", "modified" })
        {
            var seen = new List<string>();
            string? next = null;
            do
            {
                var page = await Json.ReadAsync(await Node.Client(Node.Owner).GetAsync(
                    $"/api/intel/objects?label={tag}&sort={sort}&limit=2{(next is null ? "" : "&next=" + Uri.EscapeDataString(next))}"));
                seen.AddRange(page["items"]!.AsArray().Select(i => i!["stixId"]!.GetValue<string>()));
                next = page["next"]?.GetValue<string>();
            }
            while (next is not null);

            Assert.Equal(ids.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [InlineData("match=sideways&value=1.2.3.4", "match")]
    [InlineData("tlp=purple", "tlp")]
    [InlineData("owner=nope", "owner")]
    [InlineData("addedFrom=yesterday", "addedFrom")]
    [InlineData("match=network&value=example.org", "value")]
    [InlineData("q=%21%3F", "q")]
    [InlineData("excludeDecayed=maybe", "excludeDecayed")]
    [InlineData("limit=0", "limit")]
    [InlineData("sort=random", "sort")]
    public async Task Search_BadParameter_Is400NamingIt(string query, string field)
    {
        var response = await Node.Client(Node.Owner).GetAsync($"/api/intel/objects?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await Json.ReadAsync(response))["errors"]![field]);
    }

    [Fact]
    public async Task Lookup_KnownAndUnknownValues_AnswersOnlyWhatTheCallerMayRead()
    {
        var hash = Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant();
        var visible = await SeedAsync(Node.OwnerOrg, Tlp.Green, Audience.Network, "file", "visible", [hash]);
        var hidden = await SeedAsync(Node.OwnerOrg, Tlp.Amber, Audience.Recipients, "indicator", "hidden", [hash]);

        var outsider = await Json.ReadAsync(await Node.Client(Node.Outsider).PostAsync("/api/intel/lookup", new { values = new[] { hash.ToUpperInvariant(), "no.such.example" } }));
        var known = outsider["known"]!.AsArray();
        Assert.Equal(2, outsider["submitted"]!.GetValue<int>());
        Assert.Single(known);
        Assert.Equal(visible, known[0]!["stixId"]!.GetValue<string>());
        Assert.Equal(hash, known[0]!["value"]!.GetValue<string>());

        var recipient = await Json.ReadAsync(await Node.Client(Node.Recipient).PostAsync("/api/intel/lookup", new { values = new[] { hash } }));
        Assert.Equal(new[] { hidden, visible }.Order(StringComparer.Ordinal),
            recipient["known"]!.AsArray().Select(k => k!["stixId"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Lookup_ValuesSpanningSeveralStatements_AnswersEveryReadableMatchAndNoHiddenOne()
    {
        // 2,500 addresses of one kind go to the database in several statements; matches sit in the first, a middle and the last.
        var net = Guid.NewGuid().ToByteArray();
        var values = Enumerable.Range(0, 2500).Select(i => $"100.{64 + (net[0] & 63)}.{(net[1] + (i / 250)) & 255}.{i % 250}").ToList();
        var visible = new List<string>();
        foreach (var at in new[] { 0, 1203, values.Count - 1 })
        {
            visible.Add(await SeedAsync(Node.OwnerOrg, Tlp.Green, Audience.Network, "indicator", $"visible {at}", [values[at]]));
        }

        var hidden = await SeedAsync(Node.OwnerOrg, Tlp.Amber, Audience.Recipients, "indicator", "hidden", [values[1800]]);

        var outsider = await Json.ReadAsync(await Node.Client(Node.Outsider).PostAsync("/api/intel/lookup", new { values }));
        Assert.Equal(values.Count, outsider["submitted"]!.GetValue<int>());
        Assert.Equal(visible.Order(StringComparer.Ordinal), outsider["known"]!.AsArray().Select(k => k!["stixId"]!.GetValue<string>()).Order(StringComparer.Ordinal));

        var recipient = await Json.ReadAsync(await Node.Client(Node.Recipient).PostAsync("/api/intel/lookup", new { values }));
        Assert.Equal(visible.Append(hidden).Order(StringComparer.Ordinal), recipient["known"]!.AsArray().Select(k => k!["stixId"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Lookup_AboveTheLimitOrNotStrings_Is400()
    {
        await using var node = await SeededNode.CreateAsync(Node.Database.Provider, new Dictionary<string, string?> { ["Rampart:Intelligence:LookupLimit"] = "3" });
        var tooMany = await node.Client(node.Owner).PostAsync("/api/intel/lookup", new { values = FourValues });
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.NotNull((await Json.ReadAsync(tooMany))["errors"]!["values"]);
        var missing = await node.Client(node.Owner).PostAsync("/api/intel/lookup", new { });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }

    [Fact]
    public async Task Correlations_OwnObjectSharesAValueWithAnInvisibleOne_NothingRevealsIt()
    {
        var tag = Unique("c");
        var domain = $"{tag}.example";
        var hidden = await SeedAsync(Node.OwnerOrg, Tlp.Amber, Audience.Recipients, "indicator", "hidden", [$"evil.{domain}"]);
        var visible = await SeedAsync(Node.OwnerOrg, Tlp.Green, Audience.Network, "url", "visible", [$"https://evil.{domain}/x"]);
        var outsiderOwn = await SeedAsync(Node.OutsiderOrg, Tlp.Amber, Audience.Organisation, "domain-name", "mine", [$"evil.{domain}"]);

        foreach (var stranger in new[] { Node.Outsider })
        {
            var body = await Json.ReadAsync(await Node.Client(stranger).GetAsync($"/api/intel/objects/{outsiderOwn}/correlations"));
            var items = body["items"]!.AsArray().Select(i => i!["stixId"]!.GetValue<string>()).ToList();
            Assert.Equal([visible], items);
            Assert.DoesNotContain(hidden, body.ToJsonString(), StringComparison.Ordinal);
            Assert.DoesNotContain("\"hidden\"", body.ToJsonString(), StringComparison.Ordinal);
        }

        var recipient = await Json.ReadAsync(await Node.Client(Node.Recipient).GetAsync($"/api/intel/objects/{visible}/correlations"));
        var seen = recipient["items"]!.AsArray().Select(i => i!["stixId"]!.GetValue<string>()).ToList();
        Assert.Contains(hidden, seen);
        Assert.DoesNotContain(outsiderOwn, seen);
        Assert.Contains(recipient["edges"]!.AsArray(), e => e!["kind"]!.GetValue<string>() == "domain");

        foreach (var stranger in new[] { Node.NodeAdmin, await OutsiderAdminAsync() })
        {
            var body = await Json.ReadAsync(await Node.Client(stranger).GetAsync($"/api/intel/objects/{visible}/correlations"));
            Assert.DoesNotContain(hidden, body.ToJsonString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Correlations_FileCarriesTwoHashes_LinksIndicatorsOfEither()
    {
        var md5 = Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant();
        var sha256 = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray())).ToLowerInvariant();
        var byMd5 = await SeedAsync(Node.OwnerOrg, Tlp.Green, Audience.Network, "indicator", "md5", [md5]);
        await SeedAsync(Node.OwnerOrg, Tlp.Green, Audience.Network, "file", "file", [md5, sha256]);
        var bySha = await SeedAsync(Node.OwnerOrg, Tlp.Green, Audience.Network, "indicator", "sha", [sha256]);
        var body = await Json.ReadAsync(await Node.Client(Node.Outsider).GetAsync($"/api/intel/objects/{byMd5}/correlations"));
        var item = body["items"]!.AsArray().Single(i => i!["stixId"]!.GetValue<string>() == bySha);
        Assert.Equal("same-file", item!["via"]![0]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Correlations_ValueAboveTheThreshold_IsCommonNotExpanded()
    {
        await using var node = await SeededNode.CreateAsync(Node.Database.Provider, new Dictionary<string, string?> { ["Rampart:Intelligence:CommonValueThreshold"] = "2" });
        var previous = fixtureOverride;
        fixtureOverride = node;
        try
        {
            var ip = "192.0.2.77";
            var first = await SeedAsync(node.OwnerOrg, Tlp.Green, Audience.Network, "indicator", "a", [ip]);
            await SeedAsync(node.OwnerOrg, Tlp.Green, Audience.Network, "indicator", "b", [ip]);
            await SeedAsync(node.OwnerOrg, Tlp.Green, Audience.Network, "indicator", "c", [ip]);
            var body = await Json.ReadAsync(await node.Client(node.Owner).GetAsync($"/api/intel/objects/{first}/correlations"));
            Assert.Empty(body["items"]!.AsArray());
            Assert.Equal(ip, body["common"]![0]!["value"]!.GetValue<string>());
        }
        finally
        {
            fixtureOverride = previous;
        }
    }

    [Fact]
    public async Task Correlations_OutsiderSeedsCopiesUpToTheThreshold_CommonDoesNotRevealOthersHoldTheValue()
    {
        await using var node = await SeededNode.CreateAsync(Node.Database.Provider, new Dictionary<string, string?> { ["Rampart:Intelligence:CommonValueThreshold"] = "2" });
        var previous = fixtureOverride;
        fixtureOverride = node;
        try
        {
            var ip = "192.0.2.78";
            // The outsider holds the value twice (at the threshold); whether the owner's AMBER object exists must not change its view.
            var probe = await SeedAsync(node.OutsiderOrg, Tlp.Green, Audience.Organisation, "indicator", "probe-1", [ip]);
            await SeedAsync(node.OutsiderOrg, Tlp.Green, Audience.Organisation, "indicator", "probe-2", [ip]);
            var before = (await Json.ReadAsync(await node.Client(node.Outsider).GetAsync($"/api/intel/objects/{probe}/correlations"))).ToJsonString();
            await SeedAsync(node.OwnerOrg, Tlp.Amber, Audience.Organisation, "indicator", "secret", [ip]);
            var after = await Json.ReadAsync(await node.Client(node.Outsider).GetAsync($"/api/intel/objects/{probe}/correlations"));
            Assert.Empty(after["common"]!.AsArray());
            Assert.Single(after["items"]!.AsArray());
            Assert.Equal(before, after.ToJsonString());
        }
        finally
        {
            fixtureOverride = previous;
        }
    }
}

public sealed class SqliteIntelReadTests(SqliteNode fixture) : IntelReadTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelReadTests(PostgresNode fixture) : IntelReadTests(fixture), IClassFixture<PostgresNode>;
