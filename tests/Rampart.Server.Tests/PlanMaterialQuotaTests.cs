using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Rampart.Server.Tests;

/// <summary>
/// The per-organisation quota on awareness-material files (issue 12, attack review s15 #5) on SQLite and PostgreSQL: an
/// upload past it is a 400 naming <c>files</c> with nothing stored, across all the organisation's plans, also when uploads
/// run at once; other organisations keep their own quota; who may not write the plan gets its answer without the upload.
/// </summary>
public abstract class PlanMaterialQuotaTests(EvidenceNode fixture)
{
    private const string Api = "/api/capacity/plans";

    private SeededNode Node => fixture.Node;

    private static MultipartFormDataContent Material(string title, int bytes)
    {
        var content = new ByteArrayContent(new byte[bytes]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        return new MultipartFormDataContent { { new StringContent(title), "title" }, { new StringContent("sq"), "language" }, { content, "files", $"{title}.pdf" } };
    }

    private static async Task<Guid> HygienePlanAsync(HttpClient client, string title)
    {
        var response = await client.PostAsync(Api, new { title, kind = "cyber-hygiene" });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return JsonNode.Parse(body)!["id"]!.GetValue<Guid>();
    }

    private static async Task<int> MaterialsAsync(HttpClient client, Guid plan) =>
        JsonNode.Parse(await client.GetStringAsync($"{Api}/{plan}/hygiene"))!["materials"]!.AsArray().Count;

    [Fact]
    public async Task MaterialFiles_PastTheOrganisationsQuota_Are400NamingFiles_NothingStored_EvenInParallel_OthersKeepTheirOwn()
    {
        const int quota = EvidenceNode.MaterialQuota;
        const int size = 3000;
        var owner = Node.Client(Node.Owner);
        var first = await HygienePlanAsync(owner, "Quota one");
        var second = await HygienePlanAsync(owner, "Quota two");

        // Three uploads of 3000 bytes fit (9000), a fourth does not, in either plan: the quota is the organisation's.
        for (var i = 0; i < quota / size; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await owner.PostAsync($"{Api}/{(i % 2 == 0 ? first : second)}/materials/files", Material($"fits-{i}", size))).StatusCode);
        }

        foreach (var plan in new[] { first, second })
        {
            var refused = await owner.PostAsync($"{Api}/{plan}/materials/files", Material("too-much", size));
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, body);
            Assert.NotNull(JsonNode.Parse(body)!["errors"]!["files"]);
        }

        Assert.Equal(3, await MaterialsAsync(owner, first) + await MaterialsAsync(owner, second));

        // A link is not a file: it still fits.
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsync($"{Api}/{first}/materials", new { title = "Link", url = "https://example.org/poster.pdf", language = "sq" })).StatusCode);

        // Another organisation has its own quota; uploads at once never take it past the limit: exactly three fit.
        var outsider = Node.Client(Node.Outsider);
        var theirs = await HygienePlanAsync(outsider, "Their quota");
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => outsider.PostAsync($"{Api}/{theirs}/materials/files", Material($"parallel-{i}", size))));
        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.Created), a => Assert.Equal(HttpStatusCode.BadRequest, a.StatusCode));
        Assert.Equal(3, await MaterialsAsync(outsider, theirs));

        // Who cannot read the plan gets 404 without the upload being taken (same answer as for an unknown plan).
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.NodeAdmin).PostAsync($"{Api}/{first}/materials/files", Material("admin", size))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.PostAsync($"{Api}/{first}/materials/files", Material("outsider", size))).StatusCode);
    }
}

public sealed class SqlitePlanMaterialQuotaTests(SqliteEvidenceNode fixture) : PlanMaterialQuotaTests(fixture), IClassFixture<SqliteEvidenceNode>;

public sealed class PostgresPlanMaterialQuotaTests(PostgresEvidenceNode fixture) : PlanMaterialQuotaTests(fixture), IClassFixture<PostgresEvidenceNode>;
