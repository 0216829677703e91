using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Rampart.Server.Tests;

/// <summary>
/// The capacity-building plan as a PDF (issue 12), on SQLite and PostgreSQL: in the language of the owning organisation's
/// country by default or the one asked for, with the font embedded; nobody who cannot read the plan gets it.
/// </summary>
public abstract class PlanPdfTests(NodeFixture fixture)
{
    private const string Api = "/api/capacity/plans";

    private SeededNode Node => fixture.Node;

    private static async Task<JsonNode> OkJsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    [Fact]
    public async Task PlanPdf_IsInTheOrganisationsLanguageOrTheRequestedOne_AndOnlyForItsReaders()
    {
        var owner = Node.Client(Node.Owner);
        var plan = (await OkJsonAsync(await owner.PostAsync(Api, new { title = $"Plani {Guid.NewGuid():N}" }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        for (var i = 0; i < 60; i++)
        {
            // Enough actions for a second page (the table's header repeats there).
            await OkJsonAsync(await owner.PostAsync($"{Api}/{plan}/actions", new { title = $"Veprimi {i}: formalizoni klasifikimin e incidenteve", parameters = new[] { new { parameterId = "O-8", targetLevel = 3 } } }), HttpStatusCode.Created);
        }

        var response = await owner.GetAsync($"{Api}/{plan}/pdf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        var pdf = Encoding.Latin1.GetString(await response.Content.ReadAsByteArrayAsync());
        Assert.StartsWith("%PDF-", pdf, StringComparison.Ordinal);
        // The owner is an Albanian team (AL): Albanian by default.
        Assert.Matches(@"/Lang\s*\(sq\)", pdf);
        Assert.Contains("/FontFile2", pdf, StringComparison.Ordinal);
        Assert.True(System.Text.RegularExpressions.Regex.Count(pdf, @"/Type\s*/Page\b") >= 2, "60 actions fill more than one page");

        var georgian = Encoding.Latin1.GetString(await (await owner.GetAsync($"{Api}/{plan}/pdf?language=ka")).Content.ReadAsByteArrayAsync());
        Assert.Matches(@"/Lang\s*\(ka\)", georgian);

        var bad = await owner.GetAsync($"{Api}/{plan}/pdf?language=klingon");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull((await Json.ReadAsync(bad))["errors"]!["language"]);

        foreach (var stranger in new[] { Node.Recipient, Node.Member, Node.Outsider, Node.NodeAdmin })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(stranger).GetAsync($"{Api}/{plan}/pdf")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Factory.ClientWithKey(null).GetAsync($"{Api}/{plan}/pdf")).StatusCode);
    }
}

public sealed class SqlitePlanPdfTests(SqliteNode fixture) : PlanPdfTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresPlanPdfTests(PostgresNode fixture) : PlanPdfTests(fixture), IClassFixture<PostgresNode>;
