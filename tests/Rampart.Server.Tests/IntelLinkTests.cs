using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Intelligence.Ingest;
using Rampart.Server.Intelligence.Pages;
using Rampart.Server.Intelligence.Read;
using Rampart.Server.Intelligence.Store;

namespace Rampart.Server.Tests;

/// <summary>
/// Linking shared intelligence to a technique or an actor (issue 9, "Store": the galaxies load "so that analysts link what
/// they share to a technique or an actor"): <c>POST /api/intel/objects/{stixId}/relationships</c> and the object page's
/// link control. The link is a STIX relationship of the object's organisation, shared exactly as the object is; only the
/// object's owner's writers make it; the target must be readable; the type must be one STIX 2.1 names for the pair.
/// SQLite and PostgreSQL.
/// </summary>
public abstract class IntelLinkTests(NodeFixture fixture)
{
    // The test subset of the MISP galaxies (TestData/misp-galaxy): ATT&CK T1391 and the intrusion set G0130.
    private const string Technique = "attack-pattern--7a265bf0-6acc-4f43-8b22-2e58b443e62e";
    private const string IntrusionSet = "intrusion-set--fa19de15-6169-428d-9cd6-3ca3d56075b7";

    private static readonly string Galaxies = Path.Combine(AppContext.BaseDirectory, "TestData", "misp-galaxy", "clusters");

    private SeededNode Node => fixture.Node;

    private static string Id(string type) => $"{type}--{Guid.NewGuid()}";

    private static JsonObject Indicator(string id) => new()
    {
        ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-01-01T00:00:00.000Z", ["modified"] = "2026-01-01T00:00:00.000Z",
        ["name"] = "Phishing sender", ["pattern"] = $"[ipv4-addr:value = '198.51.100.{Random.Shared.Next(1, 250)}']", ["pattern_type"] = "stix",
        ["valid_from"] = "2026-01-01T00:00:00.000Z",
    };

    private static JsonObject Malware(string id, string name) => new()
    {
        ["type"] = "malware", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-01-01T00:00:00.000Z", ["modified"] = "2026-01-01T00:00:00.000Z",
        ["name"] = name, ["is_family"] = true,
    };

    private async Task ImportAsync(Person person, JsonObject o, string query)
    {
        var bundle = new JsonObject { ["type"] = "bundle", ["id"] = Id("bundle"), ["objects"] = new JsonArray(o) }.ToJsonString();
        var response = await Node.Client(person).PostAsync($"/api/intel/bundles?{query}", new StringContent(bundle, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        var body = await Json.ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.OK && body["added"]!.GetValue<int>() == 1, body.ToJsonString());
    }

    private async Task LoadGalaxiesAsync()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<IntelGalaxies>().LoadAsync(Galaxies, default);
        Assert.Equal(0, result.Rejected);
    }

    /// <summary>An AMBER indicator of the owner shared with the community (the member organisation reads it, the outsider does not).</summary>
    private async Task<string> CommunityIndicatorAsync()
    {
        var indicator = Id("indicator");
        await ImportAsync(Node.Owner, Indicator(indicator), $"tlp=amber&audience=community:{Node.Community}");
        return indicator;
    }

    private Task<HttpResponseMessage> LinkAsync(Person person, string source, string target, string type, string? description = null) =>
        Node.Client(person).PostAsync($"/api/intel/objects/{source}/relationships", new { target, relationshipType = type, description });

    private async Task<Caller> CallerOfAsync(Person person)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, person.UserId.ToString())], "test"));
        return await scope.ServiceProvider.GetRequiredService<CallerResolver>().ResolveAsync(principal, null, default);
    }

    private async Task<IReadOnlyList<IntelRelated>> RelatedAsync(Person person, string stixId)
    {
        var caller = await CallerOfAsync(person);
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var pages = scope.ServiceProvider.GetRequiredService<IntelPageQueries>();
        var read = await pages.FindAsync(caller, stixId, null, default);
        return read is null ? [] : await pages.RelatedAsync(caller, read, default);
    }

    private async Task<(int Objects, int Versions)> StoredRelationshipsFromAsync(string source)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var ids = await db.IntelObjects.Where(o => o.SourceRef == source && o.StixType == "relationship").Select(o => o.RecordId).ToListAsync();
        return (ids.Count, await db.IntelObjectVersions.CountAsync(v => ids.Contains(v.RecordId)));
    }

    private static async Task<JsonNode> ProblemAsync(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    [Fact]
    public async Task Link_OwnersAnalystLinksIndicatorToGalaxyTechnique_StoredAsItsOrganisationsRelationshipReadByTheIndicatorsReadersOnly()
    {
        await LoadGalaxiesAsync();
        var indicator = await CommunityIndicatorAsync();

        var response = await LinkAsync(Node.Owner, indicator, Technique, "indicates", "Sent the lure of the March campaign.");
        var created = await Json.ReadAsync(response);
        Assert.True(response.StatusCode == HttpStatusCode.Created, created.ToJsonString());
        var id = created["id"]!.GetValue<string>();
        Assert.Equal(IntelLinks.IdOf(Node.OwnerOrg, indicator, "indicates", Technique), id);
        Assert.Equal("amber", created["tlp"]!.GetValue<string>());

        // The indicator's readers (its organisation, the community's member) read the relationship: the organisation's, as AMBER.
        foreach (var reader in new[] { Node.Owner, Node.OwnerViewer, Node.Member })
        {
            var read = await Node.Client(reader).GetAsync($"/api/intel/objects/{id}");
            var body = await Json.ReadAsync(read);
            Assert.True(read.StatusCode == HttpStatusCode.OK, body.ToJsonString());
            var stix = body["stix"]!;
            Assert.Equal((indicator, "indicates", Technique), (stix["source_ref"]!.GetValue<string>(), stix["relationship_type"]!.GetValue<string>(), stix["target_ref"]!.GetValue<string>()));
            Assert.Equal(IntelIdentity.Of(Node.OwnerOrg), stix["created_by_ref"]!.GetValue<string>());
            Assert.Equal("Sent the lure of the March campaign.", stix["description"]!.GetValue<string>());
            Assert.Equal("amber", body["tlp"]!.GetValue<string>());
        }

        // On both objects' relationships, for the member; the network-wide technique shows it to nobody else.
        var outgoing = Assert.Single(await RelatedAsync(Node.Member, indicator));
        Assert.Equal((RelationDirection.Outgoing, "indicates", Technique, id), (outgoing.Direction, outgoing.Relation, outgoing.Related.StixId, outgoing.Relationship!.StixId));
        Assert.Contains(await RelatedAsync(Node.Member, Technique), r => r.Direction == RelationDirection.Incoming && r.Related.StixId == indicator);
        foreach (var stranger in new[] { Node.Outsider, Node.Recipient, Node.NodeAdmin })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(stranger).GetAsync($"/api/intel/objects/{id}")).StatusCode);
            Assert.DoesNotContain(await RelatedAsync(stranger, Technique), r => r.Related.StixId == indicator || r.Relationship?.StixId == id);
        }

        // Linking again is the same object: 200, no second object, no new version.
        var again = await LinkAsync(Node.Owner, indicator, Technique, "indicates", "Sent the lure of the March campaign.");
        var againBody = await Json.ReadAsync(again);
        Assert.True(again.StatusCode == HttpStatusCode.OK, againBody.ToJsonString());
        Assert.Equal(id, againBody["id"]!.GetValue<string>());
        Assert.Equal((1, 1), await StoredRelationshipsFromAsync(indicator));

        // Another type is another link; the same one with a new description is a new version of it.
        Assert.Equal(HttpStatusCode.Created, (await LinkAsync(Node.Owner, indicator, IntrusionSet, "indicates")).StatusCode);
        Node.Factory.Clock.Advance(TimeSpan.FromSeconds(1));
        var described = await LinkAsync(Node.Owner, indicator, Technique, "indicates", "Also the April one.");
        Assert.True(described.StatusCode == HttpStatusCode.OK, await described.Content.ReadAsStringAsync());
        Assert.Equal((2, 3), await StoredRelationshipsFromAsync(indicator));
    }

    [Fact]
    public async Task Link_TypeNotValidForThePair_400NamingRelationshipType_NothingStored()
    {
        await LoadGalaxiesAsync();
        var indicator = await CommunityIndicatorAsync();

        // An indicator indicates a technique; it does not "use" one, nor is it "attributed-to" an intrusion set.
        foreach (var (target, type) in new[] { (Technique, "uses"), (IntrusionSet, "attributed-to"), (Technique, "no-such-type") })
        {
            var problem = await ProblemAsync(await LinkAsync(Node.Owner, indicator, target, type));
            Assert.NotNull(problem["errors"]!["relationshipType"]);
            Assert.Null(problem["errors"]!["target"]);
        }

        var missing = await ProblemAsync(await LinkAsync(Node.Owner, indicator, Technique, ""));
        Assert.NotNull(missing["errors"]!["relationshipType"]);
        Assert.Equal((0, 0), await StoredRelationshipsFromAsync(indicator));

        // related-to joins anything; malware uses a technique (STIX 2.1 relationship table).
        Assert.Equal(HttpStatusCode.Created, (await LinkAsync(Node.Owner, indicator, IntrusionSet, "related-to")).StatusCode);
        var malware = Id("malware");
        await ImportAsync(Node.Owner, Malware(malware, "Lure dropper"), "tlp=green&audience=network");
        Assert.Equal(HttpStatusCode.Created, (await LinkAsync(Node.Owner, malware, Technique, "uses")).StatusCode);
    }

    [Fact]
    public async Task Link_TargetAnotherOrganisationsAmberObject_SameAnswerAsAnUnknownId_NothingStored()
    {
        var indicator = await CommunityIndicatorAsync();
        var hidden = Id("malware");
        await ImportAsync(Node.Outsider, Malware(hidden, "Outsider's private loader"), "tlp=amber");

        var unreadable = await ProblemAsync(await LinkAsync(Node.Owner, indicator, hidden, "indicates"));
        var unknown = await ProblemAsync(await LinkAsync(Node.Owner, indicator, Id("malware"), "indicates"));

        Assert.NotNull(unreadable["errors"]!["target"]);
        Assert.Equal(unknown["errors"]!.ToJsonString(), unreadable["errors"]!.ToJsonString());
        Assert.Equal((0, 0), await StoredRelationshipsFromAsync(indicator));
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{IntelLinks.IdOf(Node.OwnerOrg, indicator, "indicates", hidden)}")).StatusCode);
    }

    [Fact]
    public async Task Link_TargetSharedMoreNarrowlyThanTheSource_400NamingTarget_ItsOwnAmberIndicatorMayLinkIt_RevokedTargetRefused()
    {
        // Another organisation's actor, AMBER to the owner's organisation only: the owner may read it, the network may not.
        var actor = Id("threat-actor");
        await ImportAsync(Node.Outsider, new JsonObject
        {
            ["type"] = "threat-actor", ["spec_version"] = "2.1", ["id"] = actor, ["created"] = "2026-01-01T00:00:00.000Z",
            ["modified"] = "2026-01-01T00:00:00.000Z", ["name"] = "Quiet Lynx",
        }, $"tlp=amber&audience=organisation:{Node.OwnerOrg}");
        var network = Id("indicator");
        await ImportAsync(Node.Owner, Indicator(network), "tlp=green&audience=network");
        var community = await CommunityIndicatorAsync();
        var own = Id("indicator");
        await ImportAsync(Node.Owner, Indicator(own), "tlp=amber");

        // A GREEN network indicator or an AMBER community one would name the actor to readers who may not read it.
        foreach (var source in new[] { network, community })
        {
            var problem = await ProblemAsync(await LinkAsync(Node.Owner, source, actor, "indicates"));
            Assert.Contains("more narrowly", problem["errors"]!["target"]![0]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal((0, 0), await StoredRelationshipsFromAsync(source));
        }

        // The organisation's own AMBER indicator reaches only readers of the actor: linked.
        Assert.Equal(HttpStatusCode.Created, (await LinkAsync(Node.Owner, own, actor, "indicates")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Member).GetAsync($"/api/intel/objects/{IntelLinks.IdOf(Node.OwnerOrg, own, "indicates", actor)}")).StatusCode);

        // A community member's AMBER object shared with the community: the owner's community indicator reaches only its
        // readers (the owner's organisation is a member too).
        var shared = Id("malware");
        await ImportAsync(Node.Member, Malware(shared, "Community loader"), $"tlp=amber&audience=community:{Node.Community}");
        Assert.Equal(HttpStatusCode.Created, (await LinkAsync(Node.Owner, community, shared, "indicates")).StatusCode);

        // A revoked target gets no new links.
        var revoked = Id("malware");
        await ImportAsync(Node.Owner, Malware(revoked, "Retired loader"), "tlp=green&audience=network");
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(Node.Owner).PostAsync($"/api/intel/objects/{revoked}/revoke", null)).StatusCode);
        var refused = await ProblemAsync(await LinkAsync(Node.Owner, network, revoked, "indicates"));
        Assert.Contains("revoked", refused["errors"]!["target"]![0]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Link_AnotherOrganisationItsAdminAndTheNodeAdmin_404LikeAnUnknownObject_NothingStored()
    {
        await LoadGalaxiesAsync();
        var indicator = await CommunityIndicatorAsync();
        Person outsiderAdmin;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            outsiderAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"admin-{Guid.NewGuid():N}@outside.test", Role.OrgAdmin);
        }

        foreach (var stranger in new[] { Node.Outsider, outsiderAdmin, Node.NodeAdmin })
        {
            var response = await LinkAsync(stranger, indicator, Technique, "indicates");
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{stranger.Email}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(HttpStatusCode.NotFound, (await LinkAsync(stranger, Id("indicator"), Technique, "indicates")).StatusCode);
        }

        Assert.Equal((0, 0), await StoredRelationshipsFromAsync(indicator));
    }

    [Fact]
    public async Task Link_ReaderWhoMayNotWrite_403_NothingStored()
    {
        await LoadGalaxiesAsync();
        var indicator = await CommunityIndicatorAsync();
        var shared = Id("indicator");
        await ImportAsync(Node.Owner, Indicator(shared), "tlp=green&audience=network");

        // The owner's viewer reads but does not write; the community's member and a network reader read another organisation's object.
        foreach (var (reader, source) in new[] { (Node.OwnerViewer, indicator), (Node.Member, indicator), (Node.Recipient, shared) })
        {
            var response = await LinkAsync(reader, source, Technique, "indicates");
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{reader.Email}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        Assert.Equal((0, 0), await StoredRelationshipsFromAsync(indicator));
        Assert.Equal((0, 0), await StoredRelationshipsFromAsync(shared));
    }

    [Fact]
    public async Task LinkTargets_ByNameOrExternalId_ReadableTechniquesAndActorsOnly()
    {
        await LoadGalaxiesAsync();
        var hidden = Id("malware");
        await ImportAsync(Node.Outsider, Malware(hidden, "Credentialstealer private"), "tlp=amber");
        var owner = await CallerOfAsync(Node.Owner);
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<IntelQueries>();

        Assert.Contains(await queries.LinkTargetsAsync(owner, "T1391", 20, default), o => o.StixId == Technique);
        Assert.Contains(await queries.LinkTargetsAsync(owner, "g0130", 20, default), o => o.StixId == IntrusionSet);
        Assert.Contains(await queries.LinkTargetsAsync(owner, "signing keys", 20, default), o => o.StixId == Technique);
        Assert.Empty(await queries.LinkTargetsAsync(owner, "T", 20, default));
        Assert.Empty(await queries.LinkTargetsAsync(owner, "credentialstealer", 20, default));
        var outsider = await CallerOfAsync(Node.Outsider);
        Assert.Contains(await queries.LinkTargetsAsync(outsider, "credentialstealer", 20, default), o => o.StixId == hidden);
    }

    [Fact]
    public async Task ObjectPage_LinkButton_ShownToTheOwnersWriter_NotToAnotherOrganisationsReader()
    {
        var shared = Id("indicator");
        await ImportAsync(Node.Owner, Indicator(shared), "tlp=green&audience=network");

        var own = await SessionAsync(Node.OwnerOrg, Role.Analyst);
        var ownPage = await own.GetAsync($"/intel/objects/{shared}");
        var ownHtml = await ownPage.Content.ReadAsStringAsync();
        Assert.True(ownPage.StatusCode == HttpStatusCode.OK, $"{(int)ownPage.StatusCode}: {string.Join("\n", Node.Factory.LoggedErrors.TakeLast(12))}");
        Assert.Contains("id=\"intel-link-open\"", ownHtml, StringComparison.Ordinal);

        foreach (var (organisation, role) in new[] { (Node.RecipientOrg, Role.Analyst), (Node.OwnerOrg, Role.Viewer) })
        {
            var other = await SessionAsync(organisation, role);
            var page = await other.GetAsync($"/intel/objects/{shared}");
            var html = await page.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("id=\"intel-title\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("intel-link-open", html, StringComparison.Ordinal);
        }
    }

    /// <summary>A new person of <paramref name="organisation"/> logged in through the web forms (as DetailPageNotFoundTests does).</summary>
    private async Task<HttpClient> SessionAsync(Guid organisation, Role role)
    {
        var email = $"link-{Guid.NewGuid():N}@pages.test";
        const string password = "Link-Pages-Password-2026";
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            await SeededNode.PersonAsync(scope.ServiceProvider, organisation, email, role);
            var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
            var user = (await users.FindByEmailAsync(email))!;
            Assert.True((await users.RemovePasswordAsync(user)).Succeeded);
            Assert.True((await users.AddPasswordAsync(user, password)).Succeeded);
            user.MustChangePassword = false;
            Assert.True((await users.UpdateAsync(user)).Succeeded);
            Assert.False(user.RequiresSecondFactor);
        }

        var browser = WebForms.Browser(Node.Factory);
        var login = await WebForms.LogInAsync(browser, email, password);
        Assert.True(login.StatusCode == HttpStatusCode.Redirect, $"login of a {role}: {(int)login.StatusCode}");
        return browser;
    }
}

public sealed class SqliteIntelLinkTests(SqliteNode fixture) : IntelLinkTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelLinkTests(PostgresNode fixture) : IntelLinkTests(fixture), IClassFixture<PostgresNode>;
