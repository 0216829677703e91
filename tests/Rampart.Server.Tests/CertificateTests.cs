using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Rampart.Server.Capacity.Training;

namespace Rampart.Server.Tests;

/// <summary>
/// Certificates the node issues for a completed session (issue 12), on SQLite and PostgreSQL: the public check by code
/// shows only what is printed, revocation shows at once, the code is unguessable and guessing is throttled, the PDF
/// embeds a font that carries Albanian, Cyrillic and Georgian, and no other organisation or administrator gets at them.
/// </summary>
public abstract class CertificateTests(NodeFixture fixture)
{
    private const string Api = "/api/capacity/training";

    private static readonly string[] Skills = ["S-001"];

    private static readonly string[] PrintedFields = ["code", "course", "date", "issuingOrganisation", "name", "revoked", "valid"];

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

    /// <summary>A person of the owner's organisation who attended a session that ended before the fake clock's today (2026-11-02).</summary>
    private static async Task<(Guid Person, Guid Session, string Course)> CompletedAsync(HttpClient owner, string name, string course, string status = "attended", string end = "2026-10-03")
    {
        var person = (await OkJsonAsync(await owner.PostAsync($"{Api}/people", new { name, consent = true }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var courseId = (await OkJsonAsync(await owner.PostAsync($"{Api}/courses", new { title = course, provider = "CERT", format = "in-person", language = "mk", hours = 16, items = Skills }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        var session = (await OkJsonAsync(await owner.PostAsync($"{Api}/courses/{courseId}/sessions", new { startDate = "2026-10-01", endDate = end, place = "Skopje" }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        await OkJsonAsync(await owner.PostAsync($"{Api}/people/{person}/enrolments", new { sessionId = session, status }));
        return (person, session, course);
    }

    [Fact]
    public async Task IssuedCertificate_IsCheckedAnonymouslyByItsCode_ShowingOnlyWhatIsPrinted_AndRevocationShowsAtOnce()
    {
        var owner = Node.Client(Node.Owner);
        var course = $"Обработка на инциденти {Guid.NewGuid():N}";
        var (person, session, _) = await CompletedAsync(owner, "Ана Стојановска", course);

        var issued = await OkJsonAsync(await owner.PostAsync($"{Api}/people/{person}/certificates/issue", new { sessionId = session, printedName = "Ana Stojanovska" }), HttpStatusCode.Created);
        var code = issued["verificationCode"]!.GetValue<string>();
        // 20 characters of Crockford base32 in four groups: 100 random bits.
        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$", code);
        Assert.False(issued["revoked"]!.GetValue<bool>());
        Assert.Equal(course, issued["name"]!.GetValue<string>());

        var anonymous = Node.Factory.ClientWithKey(null);
        var check = await OkJsonAsync(await anonymous.GetAsync($"/api/public/certificates/{code}"));
        Assert.Equal(PrintedFields, check.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("Ana Stojanovska", check["name"]!.GetValue<string>());
        Assert.Equal(course, check["course"]!.GetValue<string>());
        Assert.Equal("2026-10-03", check["date"]!.GetValue<string>());
        Assert.Equal("Team OWNER", check["issuingOrganisation"]!.GetValue<string>());
        Assert.True(check["valid"]!.GetValue<bool>());
        Assert.DoesNotContain(person.ToString(), check.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Стојановска", check.ToJsonString(), StringComparison.Ordinal);

        // Typed as a reader would: lower case, without dashes, O for 0 and l for 1.
        var typed = code.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant().Replace('0', 'o').Replace('1', 'l');
        Assert.Equal(code, (await OkJsonAsync(await anonymous.GetAsync($"/api/public/certificates/{typed}")))["code"]!.GetValue<string>());

        // The public page shows the same.
        var response = await anonymous.GetAsync($"/verify/{code}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("Ana Stojanovska", page, StringComparison.Ordinal);
        Assert.Contains("verify-valid", page, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Conflict, (await owner.PostAsync($"{Api}/people/{person}/certificates/issue", new { sessionId = session })).StatusCode);

        var revoked = await OkJsonAsync(await owner.PostAsync($"{Api}/people/{person}/certificates/{issued["id"]}/revoke", null));
        Assert.True(revoked["revoked"]!.GetValue<bool>());
        var after = await OkJsonAsync(await anonymous.GetAsync($"/api/public/certificates/{code}"));
        Assert.False(after["valid"]!.GetValue<bool>());
        Assert.True(after["revoked"]!.GetValue<bool>());
        Assert.Contains("verify-revoked", await (await anonymous.GetAsync($"/verify/{code}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Deleting the person's record (personal data) makes the code unknown.
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"{Api}/people/{person}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/public/certificates/{code}")).StatusCode);
    }

    [Fact]
    public async Task Issue_BeforeAttendanceOrForAnotherSession_Is400_AndNothingIsIssued()
    {
        var owner = Node.Client(Node.Owner);
        var (person, session, _) = await CompletedAsync(owner, "Besnik Hoxha", $"Forensics {Guid.NewGuid():N}", status: "enrolled");

        await AssertBadAsync(await owner.PostAsync($"{Api}/people/{person}/certificates/issue", new { sessionId = session }), "sessionId");
        await AssertBadAsync(await owner.PostAsync($"{Api}/people/{person}/certificates/issue", new { sessionId = Guid.NewGuid() }), "sessionId");
        await AssertBadAsync(await owner.PostAsync($"{Api}/people/{person}/certificates/issue", new { }), "sessionId");
        await AssertBadAsync(await owner.PostAsync($"{Api}/people/{person}/certificates/issue", new { sessionId = session, printedName = new string('x', 201) }), "printedName");
        Assert.Empty((await OkJsonAsync(await owner.GetAsync($"{Api}/people/{person}")))["certificates"]!.AsArray());

        var anonymous = Node.Factory.ClientWithKey(null);
        await AssertBadAsync(await anonymous.GetAsync("/api/public/certificates/not-a-code"), "code");
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/public/certificates/{CertificateCodes.New()}")).StatusCode);
    }

    [Fact]
    public async Task VerifyPage_UnknownOrMalformedCode_Answers404_StillSayingTheCodeIsNotValid()
    {
        var anonymous = Node.Factory.ClientWithKey(null);
        // A fresh throttle window: other tests' failed checks come from the same (test) address.
        Node.Factory.Clock.Advance(TimeSpan.FromMinutes(10));

        var unknown = await anonymous.GetAsync($"/verify/{CertificateCodes.New()}");
        var body = await unknown.Content.ReadAsStringAsync();
        Assert.True(unknown.StatusCode == HttpStatusCode.NotFound, $"{(int)unknown.StatusCode}");
        Assert.Contains("No certificate has this code. Check that you typed it as printed.", body, StringComparison.Ordinal);
        Assert.Contains("id=\"verify-code\"", body, StringComparison.Ordinal);

        var malformed = await anonymous.GetAsync("/verify/not-a-code");
        Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
        Assert.Contains("A verification code has 20 letters and digits, as printed on the certificate.", await malformed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The empty form is still a page.
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/verify")).StatusCode);
    }

    [Fact]
    public void Codes_AreTwentyCharactersOfOneHundredRandomBits_AndNeverRepeatInPractice()
    {
        var codes = Enumerable.Range(0, 2000).Select(_ => CertificateCodes.New()).ToList();
        Assert.All(codes, c => Assert.Equal(20, c.Length));
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        // Every one of the 32 symbols turns up in every position over 2000 codes (a biased or constant position would not).
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(32, codes.Select(c => c[i]).Distinct().Count());
        }

        Assert.Null(CertificateCodes.Normalise("ABCDE-FGHJK-MNPQR-STVWU"));
        Assert.Null(CertificateCodes.Normalise("ABCDE"));
        Assert.Equal("ABCDEFGHJKMNPQRSTVWX", CertificateCodes.Normalise("abcde fghjk-mnpqr-stvwx"));
    }

    [Fact]
    public async Task Pdf_EmbedsAFontWithAlbanianCyrillicAndGeorgianLetters_AndOnlyTheOwnOrganisationGetsIt()
    {
        var owner = Node.Client(Node.Owner);
        var (person, session, _) = await CompletedAsync(owner, "ნინო ბერიძე", $"Çështje incidentesh — Инциденти {Guid.NewGuid():N}");
        var issued = await OkJsonAsync(await owner.PostAsync($"{Api}/people/{person}/certificates/issue", new { sessionId = session }), HttpStatusCode.Created);
        var url = $"{Api}/people/{person}/certificates/{issued["id"]}/pdf";

        var response = await owner.GetAsync(url + "?language=ka");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        var pdf = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("%PDF-", Encoding.ASCII.GetString(pdf, 0, 5));
        var text = PdfText(pdf);
        Assert.Contains("/FontFile2", text, StringComparison.Ordinal);
        // The embedded subset maps glyphs back to Unicode: ნ (U+10DC), Ç (U+00C7), И (U+0418) are in it.
        foreach (var code in new[] { "10DC", "00C7", "0418" })
        {
            Assert.Contains(code, text, StringComparison.OrdinalIgnoreCase);
        }

        await AssertBadAsync(await owner.GetAsync(url + "?language=xx"), "language");

        foreach (var stranger in new[] { Node.Recipient, Node.Member, Node.Outsider, Node.NodeAdmin })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(stranger).GetAsync(url)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(stranger).PostAsync($"{Api}/people/{person}/certificates/{issued["id"]}/revoke", null)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(stranger).PostAsync($"{Api}/people/{person}/certificates/issue", new { sessionId = session })).StatusCode);
        }

        // A viewer of the owning organisation reads it but neither issues nor revokes.
        var viewer = Node.Client(Node.OwnerViewer);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync($"{Api}/people/{person}/certificates/{issued["id"]}/revoke", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Factory.ClientWithKey(null).GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task PublicCheck_AfterTheBudgetOfFailedChecks_Answers429_UntilTheWindowEnds()
    {
        var owner = Node.Client(Node.Owner);
        var (person, session, _) = await CompletedAsync(owner, "Drita Krasniqi", $"Malware triage {Guid.NewGuid():N}");
        var code = (await OkJsonAsync(await owner.PostAsync($"{Api}/people/{person}/certificates/issue", new { sessionId = session }), HttpStatusCode.Created))["verificationCode"]!.GetValue<string>();
        var anonymous = Node.Factory.ClientWithKey(null);

        // Start in a fresh window: other tests' failed checks come from the same (test) address.
        Node.Factory.Clock.Advance(TimeSpan.FromMinutes(10));
        HttpResponseMessage last;
        var guesses = 0;
        do
        {
            last = await anonymous.GetAsync($"/api/public/certificates/{CertificateCodes.New()}");
            guesses++;
        }
        while (last.StatusCode == HttpStatusCode.NotFound && guesses < 200);

        Assert.Equal(HttpStatusCode.TooManyRequests, last.StatusCode);
        Assert.True(last.Headers.RetryAfter is not null);
        Assert.InRange(guesses, 2, 100);
        // Throttled: even the right code is not looked up.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await anonymous.GetAsync($"/api/public/certificates/{code}")).StatusCode);
        // The page too, saying why (not the node's "not found" page).
        var page = await anonymous.GetAsync($"/verify/{code}");
        Assert.Equal(HttpStatusCode.TooManyRequests, page.StatusCode);
        Assert.Contains("Too many failed checks from your address.", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Node.Factory.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/api/public/certificates/{code}")).StatusCode);
    }

    /// <summary>The PDF's text with every Flate stream inflated (fonts and their Unicode maps are compressed).</summary>
    private static string PdfText(byte[] pdf)
    {
        var raw = Encoding.Latin1.GetString(pdf);
        var text = new StringBuilder(raw);
        var at = 0;
        while ((at = raw.IndexOf("stream", at, StringComparison.Ordinal)) >= 0)
        {
            var start = at + "stream".Length;
            start += raw[start] == '\r' ? 2 : 1;
            var end = raw.IndexOf("endstream", start, StringComparison.Ordinal);
            if (end < 0)
            {
                break;
            }

            try
            {
                using var input = new ZLibStream(new MemoryStream(pdf, start, end - start), CompressionMode.Decompress);
                using var output = new MemoryStream();
                input.CopyTo(output);
                text.Append(Encoding.Latin1.GetString(output.ToArray()));
            }
            catch (InvalidDataException)
            {
                // Not a Flate stream.
            }

            at = end + "endstream".Length;
        }

        return text.ToString();
    }
}

public sealed class SqliteCertificateTests(SqliteNode fixture) : CertificateTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresCertificateTests(PostgresNode fixture) : CertificateTests(fixture), IClassFixture<PostgresNode>;
