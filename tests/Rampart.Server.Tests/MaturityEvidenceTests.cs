using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Capacity.Maturity;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

/// <summary>A seeded node whose attachment limit is 4 KiB and material quota 10 000 bytes, so that the limits are reached with small bodies.</summary>
public abstract class EvidenceNode(DatabaseProvider provider) : IAsyncLifetime
{
    public const int MaxBytes = 4096;

    /// <summary>Awareness-material bytes per organisation (PlanMaterialQuotaTests).</summary>
    public const int MaterialQuota = 10_000;

    public SeededNode Node { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Node = await SeededNode.CreateAsync(provider, new Dictionary<string, string?>
        {
            ["Rampart:Attachments:MaxBytes"] = MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Rampart:Attachments:MaxMaterialBytesPerOrganisation"] = MaterialQuota.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    public async Task DisposeAsync() => await Node.DisposeAsync();
}

public sealed class SqliteEvidenceNode() : EvidenceNode(DatabaseProvider.Sqlite);

public sealed class PostgresEvidenceNode() : EvidenceNode(DatabaseProvider.Postgres);

/// <summary>
/// Evidence files on maturity assessments (issue 12) on SQLite and PostgreSQL: stored in the incidents' attachment store
/// (ADR 13) with size and SHA-256, downloaded only through the assessment's access decision, frozen with the assessment and
/// carried into a reopened version, refused after finishing and over the size limit, and 404 by guessed id for every other
/// organisation and every kind of administrator.
/// </summary>
public abstract class MaturityEvidenceTests(EvidenceNode fixture)
{
    private const string Api = "/api/capacity/maturity";

    private SeededNode Node => fixture.Node;

    private static async Task<JsonNode> OkJsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    private static async Task AssertBadRequestAsync(HttpResponseMessage response, string field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonNode.Parse(body)!["errors"]?[field] is not null, $"no error for '{field}': {body}");
    }

    private static async Task<Guid> AssessmentAsync(HttpClient client, object? body = null)
    {
        var created = await OkJsonAsync(await client.PostAsync($"{Api}/assessments",
            body ?? new { modelKey = "sim3-v2-interim", type = "self-assessment", date = "2026-11-01", assessors = "A. Analyst" }), HttpStatusCode.Created);
        return created["id"]!.GetValue<Guid>();
    }

    private static MultipartFormDataContent Files(params (string Part, string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent { { new StringContent("evidence"), "comment" } };
        foreach (var (part, name, bytes) in files)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(content, part, name);
        }

        return form;
    }

    private static async Task<List<JsonNode>> UploadAsync(HttpClient client, Guid assessment, string parameter, params (string Name, byte[] Bytes)[] files) =>
        [.. (await OkJsonAsync(await client.PostAsync($"{Api}/assessments/{assessment}/ratings/{parameter}/files",
            Files([.. files.Select(f => ("files", f.Name, f.Bytes))])), HttpStatusCode.Created)).AsArray().Select(f => f!)];

    private static async Task<List<JsonNode>> FilesOfAsync(HttpClient client, Guid assessment, string parameter)
    {
        var read = await OkJsonAsync(await client.GetAsync($"{Api}/assessments/{assessment}"));
        var rating = read["ratings"]!.AsArray().FirstOrDefault(r => r!["parameterId"]!.GetValue<string>() == parameter);
        return rating is null ? [] : [.. rating["files"]!.AsArray().Select(f => f!)];
    }

    private async Task<int> StoredAsync(Guid attachmentId)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        return await db.IncidentAttachments.CountAsync(a => a.Id == attachmentId) + await db.IncidentAttachmentContents.CountAsync(c => c.AttachmentId == attachmentId);
    }

    [Fact]
    public async Task Evidence_OwnerUploadsAndDownloads_FrozenOnFinish_CarriedIntoTheReopenedVersion()
    {
        var owner = Node.Client(Node.Owner);
        var id = await AssessmentAsync(owner);
        var policy = Encoding.UTF8.GetBytes("%PDF-1.4 incident classification policy, approved 2026-10-01");
        var charter = Encoding.UTF8.GetBytes("%PDF-1.4 <script>alert(1)</script> mandate and charter");

        var added = await UploadAsync(owner, id, "O-1", ("policy.pdf", policy), ("charter.pdf", charter));
        Assert.Equal(["charter.pdf", "policy.pdf"], added.Select(f => f["fileName"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        var policyFile = added.Single(f => f["fileName"]!.GetValue<string>() == "policy.pdf");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(policy)), policyFile["sha256"]!.GetValue<string>());
        Assert.Equal(policy.Length, policyFile["size"]!.GetValue<long>());
        var policyId = policyFile["id"]!.GetValue<Guid>();
        var charterId = added.Single(f => f["fileName"]!.GetValue<string>() == "charter.pdf")["id"]!.GetValue<Guid>();

        // Listed on the assessment with name, size and SHA-256.
        var listed = await FilesOfAsync(owner, id, "O-1");
        Assert.Equal(2, listed.Count);
        Assert.Contains(listed, f => f["id"]!.GetValue<Guid>() == charterId && f["sha256"]!.GetValue<string>() == Convert.ToHexStringLower(SHA256.HashData(charter)));

        // Downloaded as bytes, never rendered; a colleague who reads the assessment downloads it too, but cannot add files.
        foreach (var reader in new[] { Node.Owner, Node.OwnerViewer })
        {
            var download = await Node.Client(reader).GetAsync($"{Api}/assessments/{id}/files/{charterId}");
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(charter, await download.Content.ReadAsByteArrayAsync());
            Assert.Equal("application/octet-stream", download.Content.Headers.ContentType!.MediaType);
            Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
            Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.OwnerViewer).PostAsync($"{Api}/assessments/{id}/ratings/O-2/files", Files(("files", "x.pdf", policy)))).StatusCode);

        // Bad input: nothing is stored.
        await AssertBadRequestAsync(await owner.PostAsync($"{Api}/assessments/{id}/ratings/Z-99/files", Files(("files", "x.pdf", policy))), "parameterId");
        await AssertBadRequestAsync(await owner.PostAsync($"{Api}/assessments/{id}/ratings/O-2/files", Files(("samples", "dropper.exe", policy))), "samples");
        await AssertBadRequestAsync(await owner.PostAsync($"{Api}/assessments/{id}/ratings/O-2/files", Files()), "files");
        Assert.Empty(await FilesOfAsync(owner, id, "O-2"));
        Assert.Equal(2, (await FilesOfAsync(owner, id, "O-1")).Count);

        // Finished: frozen. No upload, no deletion; the files stay downloadable.
        await OkJsonAsync(await owner.PutAsync($"{Api}/assessments/{id}", new { ratings = new[] { new { parameterId = "O-1", level = 3 } } }));
        await OkJsonAsync(await owner.PostAsync($"{Api}/assessments/{id}/finish", new { }));
        // Frozen, like its ratings: a 409, as for changing a level.
        Assert.Equal(HttpStatusCode.Conflict, (await owner.PostAsync($"{Api}/assessments/{id}/ratings/O-1/files", Files(("files", "late.pdf", policy)))).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await owner.DeleteAsync($"{Api}/assessments/{id}/files/{policyId}")).StatusCode);
        Assert.Equal(2, (await FilesOfAsync(owner, id, "O-1")).Count);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"{Api}/assessments/{id}/files/{policyId}")).StatusCode);

        // Reopened: the new version carries the same files; removing one there leaves the finished version untouched.
        var v2 = (await OkJsonAsync(await owner.PostAsync($"{Api}/assessments/{id}/reopen", new { }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();
        Assert.Equal(new[] { charterId, policyId }.Order(), (await FilesOfAsync(owner, v2, "O-1")).Select(f => f["id"]!.GetValue<Guid>()).Order());
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"{Api}/assessments/{v2}/files/{policyId}")).StatusCode);
        Assert.Equal([charterId], (await FilesOfAsync(owner, v2, "O-1")).Select(f => f["id"]!.GetValue<Guid>()));
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"{Api}/assessments/{v2}/files/{policyId}")).StatusCode);
        var kept = await owner.GetAsync($"{Api}/assessments/{id}/files/{policyId}");
        Assert.Equal(policy, await kept.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, await StoredAsync(policyId));

        // A file added to the draft only, then removed, is gone from the store; so are a deleted draft's own files.
        var draftOnly = (await UploadAsync(owner, v2, "H-1", ("staff.pdf", policy)))[0]["id"]!.GetValue<Guid>();
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"{Api}/assessments/{v2}/files/{draftOnly}")).StatusCode);
        Assert.Equal(0, await StoredAsync(draftOnly));
        var another = (await UploadAsync(owner, v2, "H-2", ("training.pdf", policy)))[0]["id"]!.GetValue<Guid>();
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"{Api}/assessments/{v2}")).StatusCode);
        Assert.Equal(0, await StoredAsync(another));
        Assert.Equal(2, await StoredAsync(charterId));
        Assert.Equal(charter, await (await owner.GetAsync($"{Api}/assessments/{id}/files/{charterId}")).Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Evidence_OtherOrganisationsAndAdministrators_GetNotFoundByGuessedId()
    {
        var owner = Node.Client(Node.Owner);
        var id = await AssessmentAsync(owner);
        var secret = Encoding.UTF8.GetBytes("%PDF-1.4 internal audit findings");
        var fileId = (await UploadAsync(owner, id, "T-1", ("audit.pdf", secret)))[0]["id"]!.GetValue<Guid>();

        Person otherOrgAdmin;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            otherOrgAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"admin-{Guid.NewGuid():N}@outside.test", Role.OrgAdmin);
        }

        foreach (var person in new[] { Node.Recipient, Node.Member, Node.SameCountry, Node.Outsider, otherOrgAdmin, Node.NodeAdmin })
        {
            var client = Node.Client(person);
            var theirs = await AssessmentAsync(client);
            foreach (var path in new[] { $"assessments/{id}/files/{fileId}", $"assessments/{theirs}/files/{fileId}" })
            {
                var response = await client.GetAsync($"{Api}/{path}");
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{person.Email} GET {path}: {(int)response.StatusCode}");
            }

            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"{Api}/assessments/{id}/files/{fileId}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"{Api}/assessments/{theirs}/files/{fileId}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"{Api}/assessments/{id}/ratings/T-1/files", Files(("files", "planted.pdf", secret)))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await Node.Client(null).GetAsync($"{Api}/assessments/{id}/files/{fileId}")).StatusCode);
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<MaturityQueries>().FindAsync(Caller.Operator(), id, default));
        }

        // Still there, untouched, for the owner (the test is not vacuous).
        Assert.Equal(secret, await (await owner.GetAsync($"{Api}/assessments/{id}/files/{fileId}")).Content.ReadAsByteArrayAsync());
        Assert.Single(await FilesOfAsync(owner, id, "T-1"));
    }

    [Fact]
    public async Task Evidence_Reviewer_SeesTheAssessedOrganisationsFilesOnlyWhenThatAssessmentIsSharedWithIt()
    {
        var owner = Node.Client(Node.Owner);
        var reviewer = Node.Client(Node.Recipient);
        var bytes = Encoding.UTF8.GetBytes("%PDF-1.4 self-assessment evidence");
        var own = await AssessmentAsync(owner);
        var ownFile = (await UploadAsync(owner, own, "P-1", ("procedure.pdf", bytes)))[0]["id"]!.GetValue<Guid>();
        var review = await AssessmentAsync(owner, new { modelKey = "sim3-v2-interim", type = "peer-review", date = "2026-11-01", reviewerOrganisationId = Node.RecipientOrg });
        // The reviewer enters the peer review's levels and its evidence; the assessed organisation reads both.
        var reviewFile = (await UploadAsync(reviewer, review, "P-1", ("interview-notes.pdf", bytes)))[0]["id"]!.GetValue<Guid>();
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"{Api}/assessments/{review}/files/{reviewFile}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.PostAsync($"{Api}/assessments/{review}/ratings/P-1/files", Files(("files", "x.pdf", bytes)))).StatusCode);

        // The self-assessment is not shared with the reviewer: its files are not there, not even under the peer review.
        Assert.Equal(HttpStatusCode.NotFound, (await reviewer.GetAsync($"{Api}/assessments/{own}/files/{ownFile}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await reviewer.GetAsync($"{Api}/assessments/{review}/files/{ownFile}")).StatusCode);

        // A self-assessment shared with the reviewer's organisation: its files are.
        var shared = await AssessmentAsync(owner, new
        {
            modelKey = "sim3-v2-interim", type = "self-assessment", date = "2026-11-01", tlp = "amber",
            audiences = new[] { new { kind = "organisation", organisationId = Node.RecipientOrg } },
        });
        var sharedFile = (await UploadAsync(owner, shared, "P-1", ("procedure-v2.pdf", bytes)))[0]["id"]!.GetValue<Guid>();
        Assert.Equal(bytes, await (await reviewer.GetAsync($"{Api}/assessments/{shared}/files/{sharedFile}")).Content.ReadAsByteArrayAsync());
        Assert.Single(await FilesOfAsync(reviewer, shared, "P-1"));
        // Reading is not writing: the reviewer does not change the assessed organisation's own evidence.
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.DeleteAsync($"{Api}/assessments/{shared}/files/{sharedFile}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Member).GetAsync($"{Api}/assessments/{shared}/files/{sharedFile}")).StatusCode);
    }

    [Fact]
    public async Task Evidence_OverTheSizeLimit_Is400NamingTheFileOr413_AndNothingIsStored()
    {
        var owner = Node.Client(Node.Owner);
        var id = await AssessmentAsync(owner);

        await AssertBadRequestAsync(await owner.PostAsync($"{Api}/assessments/{id}/ratings/O-3/files",
            Files(("files", "ok.pdf", new byte[100]), ("files", "big.pdf", new byte[EvidenceNode.MaxBytes + 1]))), "files[1]");

        var huge = await owner.PostAsync($"{Api}/assessments/{id}/ratings/O-3/files", Files(("files", "huge.pdf", new byte[EvidenceNode.MaxBytes + (2 * 1024 * 1024)])));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal("application/problem+json", huge.Content.Headers.ContentType?.MediaType);
        Assert.Equal(413, JsonNode.Parse(await huge.Content.ReadAsStringAsync())!["status"]!.GetValue<int>());

        var tooMany = Enumerable.Range(0, MaturityLimits.MaxEvidenceFiles + 1).Select(i => ("files", $"f{i}.pdf", new byte[] { 1 })).ToArray();
        await AssertBadRequestAsync(await owner.PostAsync($"{Api}/assessments/{id}/ratings/O-3/files", Files(tooMany)), "files");

        Assert.Empty(await FilesOfAsync(owner, id, "O-3"));
        // At the limit exactly: stored.
        Assert.Single(await UploadAsync(owner, id, "O-3", ("exact.pdf", new byte[EvidenceNode.MaxBytes])));
    }

    [Fact]
    public async Task Evidence_ParallelUploadsToAParameterWithoutARating_EachIsStoredOr409_Never500()
    {
        // Review S9-1: parallel first uploads to one parameter raced to create its rating row; the losers got a 500.
        var owner = Node.Client(Node.Owner);
        var id = await AssessmentAsync(owner);
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            owner.PostAsync($"{Api}/assessments/{id}/ratings/O-4/files", Files(("files", $"parallel-{i}.pdf", [(byte)i, 2, 3])))));

        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)a.StatusCode}"));
        var created = answers.Count(a => a.StatusCode == HttpStatusCode.Created);
        Assert.True(created >= 1);
        // What was answered 201 is stored, what was answered 409 is not.
        Assert.Equal(created, (await FilesOfAsync(owner, id, "O-4")).Count);
    }

    [Fact]
    public async Task Evidence_ParallelUploadsPastTheLimit_EndWithExactly20Files_TheOthersAre400Or409()
    {
        // Review s10: two uploads of the 20th file at once both passed the count check on PostgreSQL.
        var owner = Node.Client(Node.Owner);
        var id = await AssessmentAsync(owner);
        var first = Enumerable.Range(0, MaturityLimits.MaxEvidenceFiles - 2).Select(i => ($"stored-{i}.pdf", new byte[] { (byte)i, 1 })).ToArray();
        Assert.Equal(MaturityLimits.MaxEvidenceFiles - 2, (await UploadAsync(owner, id, "O-5", first)).Count);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            owner.PostAsync($"{Api}/assessments/{id}/ratings/O-5/files", Files(("files", $"parallel-{i}.pdf", [(byte)i, 7, 7])))));

        var bodies = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));
        for (var i = 0; i < answers.Length; i++)
        {
            Assert.True(answers[i].StatusCode is HttpStatusCode.Created or HttpStatusCode.BadRequest or HttpStatusCode.Conflict, $"{(int)answers[i].StatusCode}: {bodies[i]}");
            if (answers[i].StatusCode == HttpStatusCode.BadRequest)
            {
                Assert.True(JsonNode.Parse(bodies[i])!["errors"]?["files"] is not null, bodies[i]);
            }
        }

        // Exactly two more fit; what was answered 201 is what is stored, and the limit holds.
        Assert.Equal(2, answers.Count(a => a.StatusCode == HttpStatusCode.Created));
        var listed = await FilesOfAsync(owner, id, "O-5");
        Assert.Equal(MaturityLimits.MaxEvidenceFiles, listed.Count);
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var recordId = await db.MaturityAssessments.Where(a => a.Id == id).Select(a => a.RecordId).SingleAsync();
        var files = db.MaturityEvidenceFiles;
        Assert.Equal(MaturityLimits.MaxEvidenceFiles, await files.CountAsync(f => f.AssessmentRecordId == recordId && f.ParameterId == "O-5"));
    }
}

public sealed class SqliteMaturityEvidenceTests(SqliteEvidenceNode fixture) : MaturityEvidenceTests(fixture), IClassFixture<SqliteEvidenceNode>;

public sealed class PostgresMaturityEvidenceTests(PostgresEvidenceNode fixture) : MaturityEvidenceTests(fixture), IClassFixture<PostgresEvidenceNode>;
