using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Audit;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>
/// Saved CSV mappings (issue 9, "a CSV with a column mapping in the request or a saved mapping"): saved per organisation,
/// validated like the query string, used by <c>POST /api/intel/csv?mapping=</c>, invisible to everyone else.
/// </summary>
public abstract class IntelCsvMappingTests(DatabaseProvider provider)
{
    private static readonly string[] TagsColumn = ["tags"];
    private static readonly string[] ShortLabel = ["short"];
    private static readonly string[] PartnerLabel = ["partner-feed"];
    private static readonly string[] WeeklyThenDaily = ["Weekly", "Daily"];
    private static readonly string[] NewestFirst = ["Layout 5", "Layout 4", "Layout 3", "Layout 2", "Layout 1"];

    private static async Task<HttpResponseMessage> PostCsvAsync(HttpClient client, string csv, string query) =>
        await client.PostAsync($"/api/intel/csv?{query}", new StringContent(csv, Encoding.UTF8, new MediaTypeHeaderValue("text/csv")));

    private static async Task<JsonNode> CreateAsync(HttpClient client, object request)
    {
        var response = await client.PostAsync("/api/intel/csv-mappings", request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!;
    }

    private static async Task<JsonNode> ErrorsOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["errors"]!;
    }

    private static async Task<List<string>> NamesAsync(HttpClient client)
    {
        var page = await Json.ReadAsync(await client.GetAsync("/api/intel/csv-mappings?limit=200"));
        return [.. page["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>())];
    }

    private static async Task<List<AuditEvent>> AuditOfAsync(SeededNode node, string id)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var target = $"csv-mapping:{id}";
        return await db.AuditEntries.Where(e => e.Target == target).OrderBy(e => e.Sequence).Select(e => e.Event).ToListAsync();
    }

    [Fact]
    public async Task SavedMapping_UsedByName_RowsBecomeIndicatorsAsWithTheQueryString_AndTheQueryOverridesIt()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var analyst = node.Client(node.Owner);
        var saved = await CreateAsync(analyst, new
        {
            name = "Partner blocklist", value_column = "Indicator", kind_column = "type", label_column = TagsColumn, description_column = "comment", label = PartnerLabel,
        });
        Assert.Equal("Indicator", saved["value_column"]!.GetValue<string>());
        Assert.True(saved["header"]!.GetValue<bool>());
        Assert.Equal(",", saved["delimiter"]!.GetValue<string>());
        var id = saved["id"]!.GetValue<string>();

        // The organisation's other members see it; the list and the read agree.
        Assert.Contains("Partner blocklist", await NamesAsync(node.Client(node.OwnerViewer)));
        Assert.Equal("Partner blocklist", (await Json.ReadAsync(await node.Client(node.OwnerAdmin).GetAsync($"/api/intel/csv-mappings/{id}")))["name"]!.GetValue<string>());

        var ip = "203.0.113.77";
        var csv = $"indicator,type,tags,comment\n{ip},ip-dst,c2;botnet,seen on the VPN\nnot-a-value!,,,\nsaved-mapping.example.org,domain,phishing,\n";
        var byName = await PostCsvAsync(analyst, csv, "tlp=amber&mapping=Partner%20blocklist");
        Assert.True(byName.StatusCode == HttpStatusCode.OK, await byName.Content.ReadAsStringAsync());
        var job = await Json.ReadAsync(byName);
        Assert.Equal(4, job["added"]!.GetValue<int>());
        Assert.Equal(1, job["rejected"]!.GetValue<int>());
        Assert.StartsWith("Row 3 (line 3), column 'Indicator':", job["outcomes"]!.AsArray().Single(o => o!["outcome"]!.GetValue<string>() == "rejected")!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var indicator = job["outcomes"]!.AsArray().Select(o => o!["stixId"]?.GetValue<string>()).OfType<string>().First(i => i.StartsWith("indicator--", StringComparison.Ordinal));
        var read = await analyst.GetStringAsync($"/api/intel/objects/{indicator}");
        Assert.Contains("partner-feed", read, StringComparison.Ordinal);

        // The same file with the same mapping given in the query string is the same import: nothing new.
        var byQuery = await Json.ReadAsync(await PostCsvAsync(analyst, csv, "tlp=amber&value_column=Indicator&kind_column=type&label_column=tags&description_column=comment&label=partner-feed"));
        Assert.Equal(0, byQuery["added"]!.GetValue<int>());
        Assert.Equal(4, byQuery["unchanged"]!.GetValue<int>());

        // By id, with a query parameter replacing the saved one: a file whose value column is named differently.
        var renamed = await PostCsvAsync(analyst, "ioc,type,tags,comment\n198.51.100.77,ip-dst,x,\n", $"tlp=amber&mapping={id}&value_column=ioc");
        Assert.True(renamed.StatusCode == HttpStatusCode.OK, await renamed.Content.ReadAsStringAsync());
        Assert.Equal(2, (await Json.ReadAsync(renamed))["added"]!.GetValue<int>());
        // kind in the query string replaces the saved kind_column (they are one choice), and an empty value clears a saved column.
        var fixedKind = await PostCsvAsync(analyst, "indicator\n198.51.100.78\n", $"tlp=amber&mapping={id}&kind=ipv4&label_column=&description_column=");
        Assert.True(fixedKind.StatusCode == HttpStatusCode.OK, await fixedKind.Content.ReadAsStringAsync());
        Assert.Equal(2, (await Json.ReadAsync(fixedKind))["added"]!.GetValue<int>());
        // A saved column the file lacks is the same 400 as from the query string, naming the parameter.
        Assert.NotNull((await ErrorsOf(await PostCsvAsync(analyst, "value\n192.0.2.1\n", $"tlp=amber&mapping={id}")))["value_column"]);

        Assert.Equal(new[] { AuditEvent.IntelCsvMappingCreated }, await AuditOfAsync(node, id));
    }

    [Fact]
    public async Task BadMapping_Is400NamingTheFieldAsInTheQueryString_AndStoresNothing()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var analyst = node.Client(node.Owner);

        var errors = await ErrorsOf(await analyst.PostAsync("/api/intel/csv-mappings", new { name = "", kind = "ipv5", kind_column = "type", delimiter = "ab", label_separator = "\"" }));
        foreach (var field in new[] { "name", "value_column", "kind", "delimiter", "label_separator" })
        {
            Assert.True(errors[field] is not null, $"{field}: {errors.ToJsonString()}");
        }

        // The reasons are the query string's, word for word.
        var fromQuery = await ErrorsOf(await PostCsvAsync(analyst, "value\n192.0.2.1\n", "tlp=green&value_column=value&kind=ipv5"));
        Assert.Equal(fromQuery["kind"]!.ToJsonString(), errors["kind"]!.ToJsonString());
        Assert.NotNull((await ErrorsOf(await analyst.PostAsync("/api/intel/csv-mappings", new { name = "both", value_column = "v", kind = "ipv4", kind_column = "type" })))["kind_column"]);
        Assert.NotNull((await ErrorsOf(await analyst.PostAsync("/api/intel/csv-mappings", new { name = "nul", value_column = "v\0x" })))["value_column"]);
        Assert.NotNull((await ErrorsOf(await analyst.PostAsync("/api/intel/csv-mappings", new { name = "long", value_column = new string('c', 201) })))["value_column"]);
        Assert.NotNull((await ErrorsOf(await analyst.PostAsync("/api/intel/csv-mappings", new { name = Guid.NewGuid().ToString(), value_column = "v" })))["name"]);

        // Names are unique per organisation: a second one of the same name is a 400 naming "name"; another organisation may use it.
        await CreateAsync(analyst, new { name = "Daily", value_column = "ioc" });
        Assert.NotNull((await ErrorsOf(await node.Client(node.OwnerAdmin).PostAsync("/api/intel/csv-mappings", new { name = "Daily", value_column = "other" })))["name"]);
        await CreateAsync(node.Client(node.Outsider), new { name = "Daily", value_column = "indicator" });
        var other = await CreateAsync(analyst, new { name = "Weekly", value_column = "ioc" });
        Assert.NotNull((await ErrorsOf(await analyst.PutAsync($"/api/intel/csv-mappings/{other["id"]}", new { name = "Daily", value_column = "ioc" })))["name"]);

        // A mapping= nobody of the organisation saved is a 400 naming "mapping", and no import job is started.
        Assert.NotNull((await ErrorsOf(await PostCsvAsync(analyst, "v\n192.0.2.1\n", "tlp=green&mapping=Monthly")))["mapping"]);
        Assert.Equal(WeeklyThenDaily, await NamesAsync(analyst));
        Assert.Equal("ioc", (await Json.ReadAsync(await analyst.GetAsync($"/api/intel/csv-mappings/{other["id"]}")))["value_column"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReadBack_ChangedAndPutAgain_IsAccepted_NamesIgnoreCase_AndAnOverlongMappingNamesItsLongestField()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var analyst = node.Client(node.Owner);
        var saved = await CreateAsync(analyst, new { name = "Abuse.ch URLhaus", value_column = "url", kind = "url" });
        var id = saved["id"]!.GetValue<string>();

        // What GET shows — id, createdAt, updatedAt included — goes back with PUT after a change (new-user review s10).
        var read = await Json.ReadAsync(await analyst.GetAsync($"/api/intel/csv-mappings/{id}"));
        read["value_column"] = "link";
        var put = await analyst.PutAsync($"/api/intel/csv-mappings/{id}", read);
        Assert.True(put.StatusCode == HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        Assert.Equal("link", (await Json.ReadAsync(put))["value_column"]!.GetValue<string>());
        // Another mapping's id in the body is a 400 naming id; an updatedAt from before the last change is a 409; neither changes anything.
        var other = await CreateAsync(analyst, new { name = "Other layout", value_column = "ioc" });
        var foreign = read.DeepClone();
        (foreign["id"], foreign["value_column"]) = (other["id"]!.GetValue<string>(), "foreign");
        Assert.NotNull((await ErrorsOf(await analyst.PutAsync($"/api/intel/csv-mappings/{id}", foreign)))["id"]);
        var stale = read.DeepClone();
        (stale["value_column"], stale["updatedAt"]) = ("stale", "2020-01-01T00:00:00+00:00");
        Assert.Equal(HttpStatusCode.Conflict, (await analyst.PutAsync($"/api/intel/csv-mappings/{id}", stale)).StatusCode);
        Assert.Equal("link", (await Json.ReadAsync(await analyst.GetAsync($"/api/intel/csv-mappings/{id}")))["value_column"]!.GetValue<string>());

        // A field nobody defined is still a 400 (a typo must not be dropped silently).
        Assert.Equal(HttpStatusCode.BadRequest, (await analyst.PutAsync($"/api/intel/csv-mappings/{id}", new { name = "Abuse.ch URLhaus", value_colum = "url" })).StatusCode);

        // Names are one name whatever their case, Cyrillic included: a second "abuse.ch urlhaus" is a 400, and mapping= finds it in any case.
        Assert.NotNull((await ErrorsOf(await analyst.PostAsync("/api/intel/csv-mappings", new { name = "abuse.ch URLHAUS", value_column = "x" })))["name"]);
        await CreateAsync(analyst, new { name = "Фид ЦЕРТ", value_column = "ioc", kind = "domain" });
        Assert.NotNull((await ErrorsOf(await analyst.PostAsync("/api/intel/csv-mappings", new { name = "фид церт", value_column = "x" })))["name"]);
        var byOtherCase = await PostCsvAsync(analyst, "link\nhttps://case.example.org/a\n", "tlp=green&mapping=abuse.ch%20urlhaus");
        Assert.True(byOtherCase.StatusCode == HttpStatusCode.OK, await byOtherCase.Content.ReadAsStringAsync());
        Assert.Equal(2, (await Json.ReadAsync(byOtherCase))["added"]!.GetValue<int>()); // the indicator and its URL observable
        var cyrillic = await PostCsvAsync(analyst, "ioc\ncase-cyrillic.example.org\n", "tlp=green&mapping=" + Uri.EscapeDataString("фид церт"));
        Assert.True(cyrillic.StatusCode == HttpStatusCode.OK, await cyrillic.Content.ReadAsStringAsync());

        // Cyrillic counts as many characters as it has letters: 40 column names of 198 letters fit (escaped as \uXXXX they did not).
        var cyrillicColumns = Enumerable.Range(0, 40).Select(i => $"{i:00}" + new string('ж', 196)).ToArray();
        await CreateAsync(analyst, new { name = "Кирилица", value_column = "v", label_column = cyrillicColumns });

        // Every value within its own limit, together over the mapping's: the error names the parameter holding the most text.
        var columns = Enumerable.Range(0, 50).Select(i => $"c{i:00} " + new string('d', 195)).ToArray(); // 50 × 199 characters
        var tooLong = await ErrorsOf(await analyst.PostAsync("/api/intel/csv-mappings", new { name = "Too long", value_column = "v", label_column = columns, label = ShortLabel }));
        Assert.NotNull(tooLong["label_column"]);
        Assert.Null(tooLong["label"]);
    }

    [Fact]
    public async Task AnotherOrganisation_ItsAdmin_AndTheNodeAdmin_CannotListReadUseChangeOrDeleteIt()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var analyst = node.Client(node.Owner);
        var saved = await CreateAsync(analyst, new { name = "Owner layout", value_column = "ioc", kind = "ipv4" });
        var id = saved["id"]!.GetValue<string>();

        await using var scope = node.Factory.Services.CreateAsyncScope();
        var outsiderAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, node.OutsiderOrg, "csv-admin@outside.test", Role.OrgAdmin);
        foreach (var other in new[] { node.Outsider, outsiderAdmin, node.NodeAdmin, node.Recipient })
        {
            var client = node.Client(other);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/intel/csv-mappings/{id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PutAsync($"/api/intel/csv-mappings/{id}", new { name = "Taken over", value_column = "x" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/intel/csv-mappings/{id}")).StatusCode);
            Assert.DoesNotContain("Owner layout", await NamesAsync(client));
            // Using it by id or by name is the same answer as a mapping nobody saved.
            foreach (var reference in new[] { id, "Owner%20layout", "owner%20LAYOUT" })
            {
                var used = await PostCsvAsync(client, "ioc\n192.0.2.10\n", $"tlp=green&mapping={reference}");
                Assert.Equal("Your organisation has no saved CSV mapping with this id or name.", (await ErrorsOf(used))["mapping"]![0]!.GetValue<string>());
            }
        }

        // A name is unique within its organisation only, whatever the case: another organisation saves "OWNER LAYOUT" for itself.
        await CreateAsync(node.Client(node.Outsider), new { name = "OWNER LAYOUT", value_column = "indicator" });

        // Unchanged, and only the creation was audited.
        var after = await Json.ReadAsync(await analyst.GetAsync($"/api/intel/csv-mappings/{id}"));
        Assert.Equal("Owner layout", after["name"]!.GetValue<string>());
        Assert.Equal("ioc", after["value_column"]!.GetValue<string>());
        Assert.Equal("ipv4", after["kind"]!.GetValue<string>());
        Assert.Equal(new[] { AuditEvent.IntelCsvMappingCreated }, await AuditOfAsync(node, id));

        // Inside the organisation: a viewer reads but does not change; an analyst changes and deletes, each audited.
        var viewer = node.Client(node.OwnerViewer);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"/api/intel/csv-mappings/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("/api/intel/csv-mappings", new { name = "v", value_column = "v" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.DeleteAsync($"/api/intel/csv-mappings/{id}")).StatusCode);
        var changed = await analyst.PutAsync($"/api/intel/csv-mappings/{id}", new { name = "Owner layout v2", value_column = "indicator", delimiter = "tab" });
        Assert.True(changed.StatusCode == HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());
        var view = await Json.ReadAsync(changed);
        Assert.Equal("tab", view["delimiter"]!.GetValue<string>());
        Assert.Null(view["kind"]);
        Assert.Equal(HttpStatusCode.NoContent, (await analyst.DeleteAsync($"/api/intel/csv-mappings/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await analyst.GetAsync($"/api/intel/csv-mappings/{id}")).StatusCode);
        Assert.Equal(new[] { AuditEvent.IntelCsvMappingCreated, AuditEvent.IntelCsvMappingChanged, AuditEvent.IntelCsvMappingDeleted }, await AuditOfAsync(node, id));
    }

    [Fact]
    public async Task List_IsCursorPaged_NewestFirst_AndTheCursorIsBoundToTheList()
    {
        await using var node = await SeededNode.CreateAsync(provider);
        var analyst = node.Client(node.Owner);
        for (var i = 1; i <= 5; i++)
        {
            await CreateAsync(analyst, new { name = $"Layout {i}", value_column = "v" });
        }

        var seen = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await Json.ReadAsync(await analyst.GetAsync("/api/intel/csv-mappings?limit=2" + (next is null ? "" : $"&next={Uri.EscapeDataString(next)}")));
            seen.AddRange(page["items"]!.AsArray().Select(i => i!["name"]!.GetValue<string>()));
            next = page["next"]?.GetValue<string>();
            pages++;
        }
        while (next is not null && pages < 10);

        Assert.Equal(NewestFirst, seen);
        Assert.Equal(3, pages);
        var first = await Json.ReadAsync(await analyst.GetAsync("/api/intel/csv-mappings?limit=2"));
        var cursor = first["next"]!.GetValue<string>();
        Assert.NotNull((await ErrorsOf(await analyst.GetAsync($"/api/intel/feeds?next={Uri.EscapeDataString(cursor)}")))["next"]);
        Assert.NotNull((await ErrorsOf(await analyst.GetAsync("/api/intel/csv-mappings?limit=0")))["limit"]);
    }

    [Fact]
    public async Task CsvFeed_NamingASavedMapping_CopiesIt_AndAnotherOrganisationsMappingIsNotFound()
    {
        await using var node = await SeededNode.CreateAsync(provider, new Dictionary<string, string?> { ["Rampart:Scheduler:Enabled"] = "false" });
        var saved = await CreateAsync(node.Client(node.Owner), new { name = "Feed layout", value_column = "ioc", kind = "domain" });
        await CreateAsync(node.Client(node.Outsider), new { name = "Outsider layout", value_column = "ioc" });
        var admin = node.Client(node.OwnerAdmin);

        var feed = await admin.PostAsync("/api/intel/feeds", new { name = "CSV feed", url = "https://93.184.215.14/x.csv", format = "csv", tlp = "green", csvMapping = "Feed layout" });
        Assert.True(feed.StatusCode == HttpStatusCode.Created, await feed.Content.ReadAsStringAsync());
        var feedId = (await Json.ReadAsync(feed))["id"]!.GetValue<Guid>();
        await using (var scope = node.Factory.Services.CreateAsyncScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<RampartDb>().IntelFeeds.SingleAsync(f => f.PublicId == feedId);
            var mapping = JsonNode.Parse(stored.CsvMapping!)!;
            Assert.Equal("ioc", mapping["valueColumn"]!.GetValue<string>());
            Assert.Equal("domain", mapping["fixedKind"]!.GetValue<string>());
        }

        Assert.NotNull((await ErrorsOf(await admin.PostAsync("/api/intel/feeds", new { name = "f", url = "https://93.184.215.14/y.csv", format = "csv", tlp = "green", csvMapping = "Outsider layout" })))["csvMapping"]);
        Assert.NotNull((await ErrorsOf(await admin.PostAsync("/api/intel/feeds", new { name = "f", url = "https://93.184.215.14/y.csv", format = "csv", tlp = "green", csvMapping = saved["id"]!.GetValue<string>() + "0" })))["csvMapping"]);
    }
}

public sealed class SqliteIntelCsvMappingTests() : IntelCsvMappingTests(DatabaseProvider.Sqlite);

public sealed class PostgresIntelCsvMappingTests() : IntelCsvMappingTests(DatabaseProvider.Postgres);
