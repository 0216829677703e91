using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Rampart.Server.Tests;

/// <summary>
/// Consent on a training record (issue 12), on SQLite and PostgreSQL: stored with its time and who recorded it, the
/// account link to a user of the same organisation, self-rating by the linked person beside a manager's rating, and
/// withdrawal by the person — the record leaves the people list and the skills matrix at once, issued certificates still
/// verify, and nobody else (another organisation, its admin, the node admin, a colleague) reads or withdraws it.
/// </summary>
public abstract class TrainingConsentTests(NodeFixture fixture)
{
    private const string Api = "/api/capacity/training";

    private static readonly string[] Responder = ["incident-responder"];

    private static readonly string[] Skills = ["S-001", "S-002"];

    private static readonly string[] ThreatIntelligence = ["threat-intelligence"];

    private SeededNode Node => fixture.Node;

    private static async Task<JsonNode> OkJsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    private static async Task AssertBadAsync(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.True(JsonNode.Parse(body)!["errors"]![field] is not null, $"no error for {field}: {body}");
    }

    private async Task<Person> UserAsync(Guid organisation, Access.Role role)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, organisation, $"consent-{Guid.NewGuid():N}@consent.test", role);
    }

    private static async Task<JsonNode> LinkedAsync(HttpClient writer, string name, Person user) =>
        await OkJsonAsync(await writer.PostAsync($"{Api}/people", new { name, userId = user.UserId, profiles = Responder, consent = true }), HttpStatusCode.Created);

    [Fact]
    public async Task Consent_IsStoredWithTimeAndAuthor_AndTheLinkedPersonSeesIt()
    {
        var owner = Node.Client(Node.Owner);
        var person = await UserAsync(Node.OwnerOrg, Access.Role.Viewer);
        var created = await LinkedAsync(owner, "Drita Krasniqi", person);
        Assert.Equal(person.UserId, created["userId"]!.GetValue<Guid>());
        Assert.Equal(Node.Owner.UserId, created["consentGivenBy"]!.GetValue<Guid>());
        Assert.Equal(created["createdAt"]!.GetValue<DateTimeOffset>(), created["consentGivenAt"]!.GetValue<DateTimeOffset>());

        var mine = await OkJsonAsync(await Node.Client(person).GetAsync($"{Api}/people/me"));
        Assert.Equal(created["id"]!.GetValue<Guid>(), mine["person"]!["id"]!.GetValue<Guid>());
        Assert.Equal(Node.Owner.UserId, mine["person"]!["consentGivenBy"]!.GetValue<Guid>());
        Assert.Equal(created["consentGivenAt"]!.GetValue<DateTimeOffset>(), mine["person"]!["consentGivenAt"]!.GetValue<DateTimeOffset>());

        // A writer who records themself gives their own consent.
        var writer = await UserAsync(Node.OwnerOrg, Access.Role.Analyst);
        var own = await LinkedAsync(Node.Client(writer), "Arben Gashi", writer);
        Assert.Equal(writer.UserId, own["consentGivenBy"]!.GetValue<Guid>());

        // No consent, an account of another organisation, an account already linked: 400 on the field, nothing saved.
        var before = (await OkJsonAsync(await owner.GetAsync($"{Api}/people?limit=200")))["items"]!.AsArray().Count;
        await AssertBadAsync(await owner.PostAsync($"{Api}/people", new { name = "No consent", consent = false }), "consent");
        await AssertBadAsync(await owner.PostAsync($"{Api}/people", new { name = "Outsider", userId = Node.Outsider.UserId, consent = true }), "userId");
        await AssertBadAsync(await owner.PostAsync($"{Api}/people", new { name = "Twice", userId = person.UserId, consent = true }), "userId");
        Assert.Equal(before, (await OkJsonAsync(await owner.GetAsync($"{Api}/people?limit=200")))["items"]!.AsArray().Count);

        // Roles and the account link change through PUT; the consent stays as recorded.
        var staff = (await OkJsonAsync(await owner.PostAsync($"{Api}/people", new { name = "Staff entry", consent = true }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var linkedLater = await UserAsync(Node.OwnerOrg, Access.Role.Viewer);
        // Linking an account is that person's consent, recorded anew: without it a 400 on consent and nothing changes.
        await AssertBadAsync(await owner.PutAsync($"{Api}/people/{staff}", new { name = "Staff entry", userId = linkedLater.UserId, profiles = ThreatIntelligence }), "consent");
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(linkedLater).GetAsync($"{Api}/people/me")).StatusCode);
        var changed = await OkJsonAsync(await owner.PutAsync($"{Api}/people/{staff}", new { name = "Staff entry", userId = linkedLater.UserId, profiles = ThreatIntelligence, consent = true }));
        Assert.Equal(linkedLater.UserId, changed["userId"]!.GetValue<Guid>());
        Assert.Equal("threat-intelligence", changed["profiles"]![0]!.GetValue<string>());
        Assert.Equal(Node.Owner.UserId, changed["consentGivenBy"]!.GetValue<Guid>());
        Assert.Equal(staff, (await OkJsonAsync(await Node.Client(linkedLater).GetAsync($"{Api}/people/me")))["person"]!["id"]!.GetValue<Guid>());

        // Without a linked record: 404.
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.RecipientColleague).GetAsync($"{Api}/people/me")).StatusCode);
    }

    [Fact]
    public async Task LinkedPerson_RatesThemselvesAsSelf_AWriterAsManager_AColleagueNotAtAll()
    {
        var owner = Node.Client(Node.Owner);
        var person = await UserAsync(Node.OwnerOrg, Access.Role.Viewer);
        var id = (await LinkedAsync(owner, "Elira Hoxha", person))["id"]!.GetValue<Guid>();
        var client = Node.Client(person);

        var self = await OkJsonAsync(await client.PutAsync($"{Api}/people/{id}/skills", new { ratings = new[] { new { itemId = "S-001", level = 2 } } }));
        Assert.Equal("self", self["proficiencies"]!.AsArray().Single(p => p!["itemId"]!.GetValue<string>() == "S-001")!["assessedBy"]!.GetValue<string>());
        var manager = await OkJsonAsync(await owner.PutAsync($"{Api}/people/{id}/skills", new { ratings = new[] { new { itemId = "S-002", level = 3 } } }));
        Assert.Equal("manager", manager["proficiencies"]!.AsArray().Single(p => p!["itemId"]!.GetValue<string>() == "S-002")!["assessedBy"]!.GetValue<string>());

        var mine = await OkJsonAsync(await client.GetAsync($"{Api}/people/me"));
        var levels = mine["person"]!["proficiencies"]!.AsArray().ToDictionary(p => p!["itemId"]!.GetValue<string>(), p => p!["level"]!.GetValue<string>());
        Assert.Equal("basic", levels["S-001"]);
        Assert.Equal("proficient", levels["S-002"]);

        // A colleague who only reads (not the person) rates nobody, and the person changes nothing else of their record.
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.OwnerViewer).PutAsync($"{Api}/people/{id}/skills", new { ratings = new[] { new { itemId = "S-001", level = 4 } } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PutAsync($"{Api}/people/{id}", new { name = "Renamed", userId = person.UserId })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"{Api}/people/{id}")).StatusCode);
    }

    [Fact]
    public async Task Withdrawal_ByThePerson_RemovesTheRecordAtOnce_IssuedCertificatesStillVerify_NobodyElseWithdrawsIt()
    {
        var owner = Node.Client(Node.Owner);
        var person = await UserAsync(Node.OwnerOrg, Access.Role.Viewer);
        var name = $"Withdrawing {Guid.NewGuid():N}"[..24];
        var id = (await LinkedAsync(owner, name, person))["id"]!.GetValue<Guid>();
        var client = Node.Client(person);
        await OkJsonAsync(await client.PutAsync($"{Api}/people/{id}/skills", new { ratings = new[] { new { itemId = "S-001", level = 3 } } }));
        var course = (await OkJsonAsync(await owner.PostAsync($"{Api}/courses", new { title = $"Consent course {Guid.NewGuid():N}", provider = "CERT", format = "online", language = "sq", hours = 6, items = Skills }),
            HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var session = (await OkJsonAsync(await owner.PostAsync($"{Api}/courses/{course}/sessions", new { startDate = "2026-10-01", endDate = "2026-10-02", online = true }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        await OkJsonAsync(await owner.PostAsync($"{Api}/people/{id}/enrolments", new { sessionId = session, status = "attended" }));
        var code = (await OkJsonAsync(await owner.PostAsync($"{Api}/people/{id}/certificates/issue", new { sessionId = session }), HttpStatusCode.Created))["verificationCode"]!.GetValue<string>();
        await OkJsonAsync(await owner.PostAsync($"{Api}/people/{id}/certificates", new { name = "OSCP", issuer = "OffSec", issuedOn = "2026-01-05" }), HttpStatusCode.Created);

        Person otherOrgAdmin;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            otherOrgAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"admin-{Guid.NewGuid():N}@outside.test", Access.Role.OrgAdmin);
        }

        // Nobody else reads or withdraws it: another organisation, its admin, the node admin.
        foreach (var stranger in new[] { Node.Recipient, Node.Outsider, otherOrgAdmin, Node.NodeAdmin })
        {
            var other = Node.Client(stranger);
            Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"{Api}/people/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"{Api}/people/me")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync($"{Api}/people/{id}")).StatusCode);
            var me = await other.GetAsync($"{Api}/people/me");
            Assert.True(me.StatusCode == HttpStatusCode.NotFound || !(await me.Content.ReadAsStringAsync()).Contains(id.ToString(), StringComparison.OrdinalIgnoreCase));
        }

        // A colleague with a record of their own withdraws only their own; they cannot delete someone else's.
        var colleague = await UserAsync(Node.OwnerOrg, Access.Role.Viewer);
        var colleagueRecord = (await LinkedAsync(owner, "Colleague", colleague))["id"]!.GetValue<Guid>();
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(colleague).DeleteAsync($"{Api}/people/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Node.Client(colleague).DeleteAsync($"{Api}/people/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"{Api}/people/{colleagueRecord}")).StatusCode);
        Assert.Equal(name, (await OkJsonAsync(await owner.GetAsync($"{Api}/people/{id}")))["person"]!["name"]!.GetValue<string>());

        var people = await OkJsonAsync(await owner.GetAsync($"{Api}/people?limit=200"));
        Assert.Contains(people["items"]!.AsArray(), p => p!["id"]!.GetValue<Guid>() == id);
        var matrix = await OkJsonAsync(await owner.GetAsync($"{Api}/matrix?limit=200"));
        Assert.Contains(matrix["page"]!.AsArray(), p => p!["id"]!.GetValue<Guid>() == id);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{Api}/people/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"{Api}/people/me")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"{Api}/people/{id}")).StatusCode);
        Assert.DoesNotContain((await OkJsonAsync(await owner.GetAsync($"{Api}/people?limit=200")))["items"]!.AsArray(), p => p!["id"]!.GetValue<Guid>() == id);
        Assert.DoesNotContain((await OkJsonAsync(await owner.GetAsync($"{Api}/matrix?limit=200")))["page"]!.AsArray(), p => p!["id"]!.GetValue<Guid>() == id);
        var record = await OkJsonAsync(await owner.GetAsync($"{Api}/record?year=2026"));
        Assert.DoesNotContain(record["lines"]!.AsArray(), l => l!["personId"]!.GetValue<Guid>() == id);
        Assert.DoesNotContain(record["certificatesIssued"]!.AsArray(), c => c!["personId"]!.GetValue<Guid>() == id);

        // The certificate the node issued still verifies, showing only what is printed.
        var check = await OkJsonAsync(await Node.Factory.ClientWithKey(null).GetAsync($"/api/public/certificates/{code}"));
        Assert.Equal(name, check["name"]!.GetValue<string>());
        Assert.True(check["valid"]!.GetValue<bool>());

        // The issuing organisation can still revoke it by its code; another organisation and the node admin cannot (404, as an unknown code).
        foreach (var stranger in new[] { Node.Outsider, Node.NodeAdmin, Node.Recipient })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(stranger).PostAsync($"{Api}/certificates/{code}/revoke", new { })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await owner.PostAsync($"{Api}/certificates/not-a-code/revoke", new { })).StatusCode);
        Assert.True((await OkJsonAsync(await Node.Factory.ClientWithKey(null).GetAsync($"/api/public/certificates/{code}")))["valid"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.NoContent, (await owner.PostAsync($"{Api}/certificates/{code}/revoke", new { })).StatusCode);
        Assert.False((await OkJsonAsync(await Node.Factory.ClientWithKey(null).GetAsync($"/api/public/certificates/{code}")))["valid"]!.GetValue<bool>());

        // Withdrawn once: nothing left to withdraw.
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"{Api}/people/me")).StatusCode);
    }
}

public sealed class SqliteTrainingConsentTests(SqliteNode fixture) : TrainingConsentTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresTrainingConsentTests(PostgresNode fixture) : TrainingConsentTests(fixture), IClassFixture<PostgresNode>;
