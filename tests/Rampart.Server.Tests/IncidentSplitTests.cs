using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>
/// Issue 11, "split a report out", on SQLite and PostgreSQL: the intake team (RECIP) unlinks a report from an incident and makes
/// it a new incident; the reporter, outsiders, participants and every kind of administrator try it and nothing changes.
/// </summary>
public abstract class IncidentSplitTests(IntakeNode fixture)
{
    private static readonly string[] KosovoAndAlbania = ["XK", "AL"];

    private SeededNode Node => fixture.Node;

    private static async Task<JsonNode> Ok(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private static async Task AssertBadRequest(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.True(JsonNode.Parse(text)!["errors"]?[field] is not null, $"no error for '{field}': {text}");
    }

    private static async Task<string> ReportAsync(HttpClient reporter, string subject, string tlp, params (string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(subject), "subject" },
            { new StringContent($"{subject}: the same sender hit our mail gateway at 02:10."), "text" },
            { new StringContent(tlp), "tlp" },
        };
        foreach (var (name, bytes) in files)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
            form.Add(content, "files", name);
        }

        return (await Ok(await reporter.PostAsync("/api/reports", form), HttpStatusCode.Created))["id"]!.GetValue<string>();
    }

    private async Task<int> CountAsync(Func<RampartDb, Task<int>> count)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await count(scope.ServiceProvider.GetRequiredService<RampartDb>());
    }

    private async Task<Person> PersonAsync(Guid organisation, Role role, bool readOnlyKey = false)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, organisation, $"p-{Guid.NewGuid():N}@split.test", role, readOnlyKey);
    }

    [Fact]
    public async Task Split_IntakeTeamSplitsAReportOut_NewIncidentWithItsFiles_OthersGet404Or403AndNothingChanges()
    {
        var intake = Node.Client(Node.Recipient);
        var reporter = Node.Client(Node.Owner);
        var first = await ReportAsync(reporter, "Phishing at the ministry", "amber");
        var second = await ReportAsync(reporter, "Ransomware at the hospital", "red", ("mail.eml", Encoding.UTF8.GetBytes("From: x@y.test\r\n\r\nhello")));

        // The intake team opens an incident from the first report and links the second to it too (it turns out unrelated).
        var opened = await Ok(await intake.PostAsync($"/api/reports/{first}/incident",
            new { title = "Phishing wave", summary = "Mails to ministries.", tlp = "amber", severity = "medium", sector = "public-administration", countries = KosovoAndAlbania }),
            HttpStatusCode.Created);
        var incident = opened["linkedIncidents"]![0]!["id"]!.GetValue<string>();
        await Ok(await intake.PostAsync($"/api/reports/{second}/links", new { incident }));

        // A contributor of another organisation reads the incident (not the report): for it the report is not there.
        var invited = await Ok(await intake.PostAsync($"/api/incidents/{incident}/participants", new { organisationId = Node.SameCountryOrg, role = "coordinator" }), HttpStatusCode.Created);
        await Ok(await Node.Client(Node.SameCountry).PostAsync($"/api/incidents/invitations/{invited["id"]}/accept", new { }));

        var url = $"/api/incidents/{incident}/reports/{second}/split";
        var incidents = await CountAsync(db => db.Incidents.CountAsync());
        foreach (var person in new[] { Node.Outsider, Node.NodeAdmin, fixture.MemberAdmin, Node.Owner, Node.OwnerAdmin, Node.SameCountry, await PersonAsync(Node.OutsiderOrg, Role.OrgAdmin) })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(person).PostAsync(url, new { })).StatusCode);
        }

        foreach (var person in new[] { await PersonAsync(Node.RecipientOrg, Role.Viewer), await PersonAsync(Node.RecipientOrg, Role.Analyst, readOnlyKey: true) })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(person).PostAsync(url, new { })).StatusCode);
        }

        // A report not linked to this incident: 404 as well. Bad input: 400 naming the field.
        var unlinked = await ReportAsync(reporter, "Unrelated", "green");
        Assert.Equal(HttpStatusCode.NotFound, (await intake.PostAsync($"/api/incidents/{incident}/reports/{unlinked}/split", new { })).StatusCode);
        await AssertBadRequest(await intake.PostAsync(url, new { title = "two\nlines" }), "title");
        await AssertBadRequest(await intake.PostAsync(url, new { severity = "apocalyptic" }), "severity");
        Assert.Equal(incidents, await CountAsync(db => db.Incidents.CountAsync()));
        Assert.Equal(2, (await Ok(await intake.GetAsync($"/api/incidents/{incident}/reports")))["items"]!.AsArray().Count);

        var split = await Ok(await intake.PostAsync(url, new { severity = "high", reason = "Different actor." }), HttpStatusCode.Created);
        var created = split["incidentId"]!.GetValue<string>();
        Assert.Equal(1, split["attachments"]!.GetValue<int>());

        // The new incident: the report's subject and text, the old one's sector and countries, the stricter TLP (the report's RED).
        var fresh = await Ok(await intake.GetAsync($"/api/incidents/{created}"));
        Assert.Equal("Ransomware at the hospital", fresh["title"]!.GetValue<string>());
        Assert.Contains("02:10", fresh["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("red", fresh["tlp"]!.GetValue<string>());
        Assert.Equal("high", fresh["severity"]!.GetValue<string>());
        Assert.Equal(["AL", "XK"], fresh["countries"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(Node.RecipientOrg, fresh["ownerOrganisationId"]!.GetValue<Guid>());

        // The links moved: the old incident keeps the first report only, the new one has the second.
        var oldReports = (await Ok(await intake.GetAsync($"/api/incidents/{incident}/reports")))["items"]!.AsArray();
        Assert.Equal(first, Assert.Single(oldReports)!["id"]!.GetValue<string>());
        Assert.Equal(second, Assert.Single((await Ok(await intake.GetAsync($"/api/incidents/{created}/reports")))["items"]!.AsArray())!["id"]!.GetValue<string>());

        // The new incident's journal carries the reporter's file, downloadable; both journals record the split.
        var journal = (await Ok(await intake.GetAsync($"/api/incidents/{created}/journal?limit=200")))["items"]!.AsArray();
        Assert.Contains(journal, e => e!["event"]?.GetValue<string>() == "split-from");
        var entry = journal.Single(e => e!["kind"]!.GetValue<string>() == "entry")!;
        var files = await Ok(await intake.GetAsync($"/api/incidents/{created}/journal/{entry["id"]}/attachments"));
        Assert.Equal("mail.eml", files[0]!["fileName"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await intake.GetAsync($"/api/incidents/{created}/attachments/{files[0]!["id"]}")).StatusCode);
        var oldJournal = (await Ok(await intake.GetAsync($"/api/incidents/{incident}/journal?limit=200")))["items"]!.AsArray();
        Assert.Contains(oldJournal, e => e!["event"]?.GetValue<string>() == "report-split-out");

        // The coordinator of the old incident reads neither the new incident nor the owner-only event naming it.
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.SameCountry).GetAsync($"/api/incidents/{created}")).StatusCode);
        var seen = await Node.Client(Node.SameCountry).GetStringAsync($"/api/incidents/{incident}/journal?limit=200");
        Assert.DoesNotContain(fresh["number"]!.GetValue<string>(), seen, StringComparison.Ordinal);

        // The reporter sees its report split out, and the incidents it may read (none: both are RECIP's own).
        var asReporter = await Ok(await reporter.GetAsync($"/api/reports/{second}"));
        Assert.Contains(asReporter["events"]!.AsArray(), e => e!["event"]!.GetValue<string>() == "split-out");
        Assert.True(asReporter["handledByIntakeTeam"]!.GetValue<bool>());
        Assert.Equal(1, await CountAsync(db => db.AuditEntries.CountAsync(e => e.Event == AuditEvent.IncidentReportSplitOut && e.Target == $"report:{second}")));

        // Split once more from the old incident: it is not linked there any more.
        Assert.Equal(HttpStatusCode.NotFound, (await intake.PostAsync(url, new { })).StatusCode);
    }
}

public sealed class SqliteIncidentSplitTests(SqliteIntakeNode fixture) : IncidentSplitTests(fixture), IClassFixture<SqliteIntakeNode>;

public sealed class PostgresIncidentSplitTests(PostgresIntakeNode fixture) : IncidentSplitTests(fixture), IClassFixture<PostgresIntakeNode>;
