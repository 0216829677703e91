using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Federation;
using Rampart.Server.Incidents.Peers;
using Rampart.Server.Intelligence.Store;

namespace Rampart.Server.Tests;

public sealed class SqliteIncidentAcrossNodesAttachmentsTests(SqliteThreeNodes nodes) : IncidentAcrossNodesAttachmentsTests(nodes), IClassFixture<SqliteThreeNodes>;

public sealed class PostgresIncidentAcrossNodesAttachmentsTests(PostgresThreeNodes nodes) : IncidentAcrossNodesAttachmentsTests(nodes), IClassFixture<PostgresThreeNodes>;

/// <summary>
/// Journal attachments across nodes (issue 11, ADR 17): the files of the entries an organisation on node B reads of node A's
/// incident are listed in B's copy and downloaded through B from A at that moment (A checks again, B serves only the bytes
/// A listed); files written on B travel with the entry and A stores them under its own limits and hash. Nobody else on B,
/// no administrator and no forged request of B's node gets a file A would not give the organisation.
/// </summary>
public abstract class IncidentAcrossNodesAttachmentsTests(ThreeNodes nodes)
{
    private static readonly string[] Albania = ["AL"];

    private SeededNode A => nodes.A;

    private SeededNode B => nodes.B;

    private static async Task<JsonNode> Ok(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private static async Task BadRequest(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.NotNull(JsonNode.Parse(text)!["errors"]?[field]);
    }

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static byte[] Bytes(string marker, int size = 0) => size == 0 ? Encoding.UTF8.GetBytes("IEX (New-Object Net.WebClient) " + marker) : RandomNumberGenerator.GetBytes(size);

    private async Task<(string Id, string CopyId)> ParticipatingAsync(string role, string marker)
    {
        var owner = A.Client(A.Owner);
        var id = (await Ok(await owner.PostAsync("/api/incidents", new
        {
            title = "Loader on municipal hosts " + marker, summary = "PowerShell loader. " + marker, tlp = "amber", severity = "high",
            sector = "public-administration", countries = Albania, entityKind = "essential",
        }), HttpStatusCode.Created))["id"]!.GetValue<string>();
        await Ok(await owner.PostAsync($"/api/incidents/{id}/participants", new { organisationId = nodes.ARecipB, role }), HttpStatusCode.Created);
        await nodes.SyncIncidentsAsync();
        await using var scope = B.Factory.Services.CreateAsyncScope();
        var origin = Guid.Parse(id);
        var copyId = (await scope.ServiceProvider.GetRequiredService<RampartDb>().PeerIncidents.AsNoTracking().SingleAsync(c => c.OriginIncidentId == origin)).Id.ToString();
        Assert.Equal("applied", (await Ok(await B.Client(B.Recipient).PostAsync($"/api/peer-incidents/{copyId}/accept", new { })))["state"]!.GetValue<string>());
        await nodes.SyncIncidentsAsync();
        return (id, copyId);
    }

    /// <summary>An entry with files written on A by its owner: the entry's id and its attachments' ids in the order given.</summary>
    private async Task<(string Entry, List<string> Files)> OwnerEntryAsync(string id, string body, bool ownerOnly, params (string Part, string Name, byte[] Bytes)[] files)
    {
        var form = new MultipartFormDataContent { { new StringContent(body), "body" }, { new StringContent(ownerOnly ? "true" : "false"), "ownerOnly" } };
        foreach (var (part, name, bytes) in files)
        {
            form.Add(new ByteArrayContent(bytes), part, name);
        }

        var owner = A.Client(A.Owner);
        var entry = (await Ok(await owner.PostAsync($"/api/incidents/{id}/journal/attachments", form), HttpStatusCode.Created))["id"]!.GetValue<string>();
        var listed = (await Ok(await owner.GetAsync($"/api/incidents/{id}/journal/{entry}/attachments"))).AsArray();
        return (entry, [.. files.Select(f => listed.Single(a => a!["fileName"]!.GetValue<string>() == f.Name)!["id"]!.GetValue<string>())]);
    }

    private async Task<JsonArray> CopyJournalAsync(string copyId) => (await Ok(await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{copyId}/journal?limit=200")))["items"]!.AsArray();

    /// <summary>Another organisation on B, their administrators and B's node administrator, the recipient's own admin excepted (it reads as its organisation).</summary>
    private async Task<List<Person>> OthersOnBAsync()
    {
        await using var scope = B.Factory.Services.CreateAsyncScope();
        var otherAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, B.MemberOrg, $"admin-{Guid.NewGuid():N}@member.test", Role.OrgAdmin);
        return [B.Member, B.Outsider, B.Owner, B.OwnerAdmin, B.NodeAdmin, otherAdmin];
    }

    /// <summary>A request B's node signs itself for the attachment path of A (what a curious operator of B could send).</summary>
    private async Task<HttpStatusCode> ForgedAsync(string incidentId, Guid organisationOnB, string attachmentId)
    {
        await using var scope = B.Factory.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var peerId = nodes.PeerId(B, A);
        var peer = await services.GetRequiredService<RampartDb>().FederationPeers.AsNoTracking().SingleAsync(p => p.Id == peerId);
        var body = new JsonObject { ["incident"] = incidentId, ["organisation"] = IntelIdentity.Of(organisationOnB), ["attachment"] = attachmentId, ["user"] = Guid.NewGuid().ToString("D") };
        using var response = await services.GetRequiredService<FederationRequests>().SendAsync(peer, PeerIncidentWire.AttachmentsPath, PeerIncidentWire.AttachmentsPurpose,
            Encoding.UTF8.GetBytes(body.ToJsonString()), default);
        return response.StatusCode;
    }

    [Fact]
    public async Task FilesOfTheEntriesTheOrganisationReads_AreListedInItsCopy_AndDownloadedFromTheOwnersNode_OnlyByIt()
    {
        var marker = "at-" + Guid.NewGuid().ToString("N")[..10];
        var (id, copyId) = await ParticipatingAsync("contributor", marker);
        var script = Bytes(marker);
        var dropper = Bytes(marker, 4096);
        var secret = Bytes("owner-only " + marker);
        var (shared, files) = await OwnerEntryAsync(id, "Loader and dropper from host 14 " + marker, false, ("files", "loader.ps1", script), ("samples", "dropper.exe", dropper));
        var (hidden, secretFiles) = await OwnerEntryAsync(id, "Source notes " + marker, true, ("files", "source.txt", secret));
        await nodes.SyncIncidentsAsync();

        // The copy lists the files of the entry it has — name, size, SHA-256, sample — and nothing of the owner-only entry.
        var journal = await CopyJournalAsync(copyId);
        var entry = journal.Single(e => e!["id"]!.GetValue<string>() == shared)!;
        var listed = entry["attachments"]!.AsArray();
        Assert.Equal(2, listed.Count);
        var loader = listed.Single(a => a!["fileName"]!.GetValue<string>() == "loader.ps1")!;
        Assert.Equal(Sha(script), loader["sha256"]!.GetValue<string>());
        Assert.Equal(script.Length, loader["size"]!.GetValue<long>());
        Assert.False(loader["sample"]!.GetValue<bool>());
        Assert.True(listed.Single(a => a!["fileName"]!.GetValue<string>() == "dropper.exe")!["sample"]!.GetValue<bool>());
        Assert.DoesNotContain(journal, e => e!["id"]!.GetValue<string>() == hidden);
        Assert.DoesNotContain(secretFiles[0], journal.ToJsonString(), StringComparison.Ordinal);

        // The organisation downloads through its node: the bytes A holds, never rendered; the sample only as a zip.
        var recipient = B.Client(B.Recipient);
        var got = await recipient.GetAsync($"/api/peer-incidents/{copyId}/journal/{shared}/attachments/{files[0]}");
        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        Assert.Equal("application/octet-stream", got.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", got.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(script, await got.Content.ReadAsByteArrayAsync());
        var zipped = await recipient.GetAsync($"/api/peer-incidents/{copyId}/journal/{shared}/attachments/{files[1]}");
        Assert.Equal(HttpStatusCode.OK, zipped.StatusCode);
        Assert.Equal("dropper.exe.zip", zipped.Content.Headers.ContentDisposition?.FileNameStar ?? zipped.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var zip = await zipped.Content.ReadAsByteArrayAsync();
        Assert.Equal("PK"u8.ToArray(), zip[..2]);
        Assert.DoesNotContain(Convert.ToHexString(dropper[..64]), Convert.ToHexString(zip), StringComparison.Ordinal);

        // The page shows the files with their entry — name, SHA-256, a link through this node — and offers files with a new entry.
        var (_, browser) = await PageSessions.OpenAsync(B, B.RecipientOrg, Role.Analyst);
        var page = await (await browser.GetAsync($"/incidents/peer/{copyId}")).Content.ReadAsStringAsync();
        Assert.Contains($"api/peer-incidents/{copyId}/journal/{shared}/attachments/{files[0]}", page, StringComparison.Ordinal);
        Assert.Contains("loader.ps1", page, StringComparison.Ordinal);
        Assert.Contains(Sha(script), page, StringComparison.Ordinal);
        Assert.Contains("peer-journal-files", page, StringComparison.Ordinal);
        Assert.DoesNotContain(secretFiles[0], page, StringComparison.Ordinal);
        Assert.DoesNotContain("source.txt", page, StringComparison.Ordinal);

        // A file under another entry's id, the owner-only file by a guessed id, an unknown id: 404 on B, nothing asked of A.
        Assert.Equal(HttpStatusCode.NotFound, (await recipient.GetAsync($"/api/peer-incidents/{copyId}/journal/{hidden}/attachments/{secretFiles[0]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await recipient.GetAsync($"/api/peer-incidents/{copyId}/journal/{shared}/attachments/{secretFiles[0]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await recipient.GetAsync($"/api/peer-incidents/{copyId}/journal/{shared}/attachments/{Guid.NewGuid()}")).StatusCode);

        // Everyone else on B — another organisation, its admin, the node's administrator — gets 404 for the list and the file.
        foreach (var person in await OthersOnBAsync())
        {
            var client = B.Client(person);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/peer-incidents/{copyId}/journal/{shared}/attachments/{files[0]}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/peer-incidents/{copyId}/journal")).StatusCode);
        }

        // B's node itself, signing for the organisation: A gives what the organisation reads, not the owner-only file, and nothing
        // for another organisation declared on B that does not take part.
        Assert.Equal(HttpStatusCode.OK, await ForgedAsync(id, B.RecipientOrg, files[0]));
        Assert.Equal(HttpStatusCode.NotFound, await ForgedAsync(id, B.RecipientOrg, secretFiles[0]));
        Assert.Equal(HttpStatusCode.NotFound, await ForgedAsync(id, B.MemberOrg, files[0]));
        Assert.Equal(HttpStatusCode.NotFound, await ForgedAsync(Guid.NewGuid().ToString("D"), B.RecipientOrg, files[0]));

        // Bytes that are not those A listed (same size, changed on A after the view) are not served: 502 with the reason.
        await using (var scope = A.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var fileId = Guid.Parse(files[0]);
            var row = await db.IncidentAttachmentContents.SingleAsync(c => c.AttachmentId == fileId);
            var changed = (byte[])script.Clone();
            changed[0] ^= 1;
            row.Content = changed;
            await db.SaveChangesAsync();
        }

        var tampered = await recipient.GetAsync($"/api/peer-incidents/{copyId}/journal/{shared}/attachments/{files[0]}");
        Assert.Equal(HttpStatusCode.BadGateway, tampered.StatusCode);
        var problem = await tampered.Content.ReadAsStringAsync();
        Assert.True(problem.Contains("SHA-256", StringComparison.Ordinal), problem);

        // Once the organisation is removed on A, its node no longer gets the files: the copy has ended (404) and A refuses too.
        var participation = (await Ok(await A.Client(A.Owner).GetAsync($"/api/incidents/{id}/participants"))).AsArray()
            .Single(p => p!["organisationId"]!.GetValue<Guid>() == nodes.ARecipB)!["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NoContent, (await A.Client(A.Owner).DeleteAsync($"/api/incidents/{id}/participants/{participation}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, await ForgedAsync(id, B.RecipientOrg, files[1]));
        await nodes.SyncIncidentsAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await recipient.GetAsync($"/api/peer-incidents/{copyId}/journal/{shared}/attachments/{files[1]}")).StatusCode);
    }

    [Fact]
    public async Task Contributor_WritesAnEntryWithFilesFromItsNode_TheOwnersNodeStoresThemWithItsOwnHash_AndBothSeeThem()
    {
        var marker = "aw-" + Guid.NewGuid().ToString("N")[..10];
        var (id, copyId) = await ParticipatingAsync("contributor", marker);
        var recipient = B.Client(B.Recipient);
        var log = Bytes("proxy log " + marker);
        var sample = Bytes(marker, 2048);
        var form = new MultipartFormDataContent
        {
            { new StringContent("Proxy log and the sample from our sandbox " + marker), "body" },
            { new ByteArrayContent(log), "files", "proxy.log" },
            { new ByteArrayContent(sample), "samples", "stage2.bin" },
        };
        var sent = await Ok(await recipient.PostAsync($"/api/peer-incidents/{copyId}/journal/attachments", form));
        Assert.Equal("applied", sent["state"]!.GetValue<string>());
        Assert.Equal("entry", sent["kind"]!.GetValue<string>());

        // On A: the entry by B's organisation, its files with A's own SHA-256, downloadable by the owner.
        var owner = A.Client(A.Owner);
        var entry = (await Ok(await owner.GetAsync($"/api/incidents/{id}/journal?limit=200")))["items"]!.AsArray()
            .Single(e => e!["body"]!.GetValue<string>() == "Proxy log and the sample from our sandbox " + marker)!;
        Assert.Equal(nodes.ARecipB, entry["authorOrganisationId"]!.GetValue<Guid>());
        var onA = (await Ok(await owner.GetAsync($"/api/incidents/{id}/journal/{entry["id"]}/attachments"))).AsArray();
        var logOnA = onA.Single(a => a!["fileName"]!.GetValue<string>() == "proxy.log")!;
        Assert.Equal(Sha(log), logOnA["sha256"]!.GetValue<string>());
        Assert.True(onA.Single(a => a!["fileName"]!.GetValue<string>() == "stage2.bin")!["sample"]!.GetValue<bool>());
        Assert.Equal(log, await (await owner.GetAsync($"/api/incidents/{id}/attachments/{logOnA["id"]}")).Content.ReadAsByteArrayAsync());

        // Back in B's copy with the next view, and downloadable there.
        await nodes.SyncIncidentsAsync();
        var copied = (await CopyJournalAsync(copyId)).Single(e => e!["id"]!.GetValue<string>() == entry["id"]!.GetValue<string>())!;
        var logOnB = copied["attachments"]!.AsArray().Single(a => a!["fileName"]!.GetValue<string>() == "proxy.log")!;
        Assert.Equal(log, await (await recipient.GetAsync($"/api/peer-incidents/{copyId}/journal/{entry["id"]}/attachments/{logOnB["id"]}")).Content.ReadAsByteArrayAsync());

        // Bad input: 400 naming the field, nothing travels.
        var before = (await Ok(await owner.GetAsync($"/api/incidents/{id}/journal?limit=200")))["items"]!.ToJsonString();
        await BadRequest(await recipient.PostAsync($"/api/peer-incidents/{copyId}/journal/attachments",
            new MultipartFormDataContent { { new StringContent(""), "body" }, { new ByteArrayContent(log), "files", "x.log" } }), "body");
        await BadRequest(await recipient.PostAsync($"/api/peer-incidents/{copyId}/journal/attachments", new MultipartFormDataContent { { new StringContent("No file " + marker), "body" } }), "files");
        await BadRequest(await recipient.PostAsync($"/api/peer-incidents/{copyId}/journal/attachments", new MultipartFormDataContent
        {
            { new StringContent("Too much together " + marker), "body" },
            { new ByteArrayContent(new byte[9 * 1024 * 1024]), "files", "a.bin" },
            { new ByteArrayContent(new byte[9 * 1024 * 1024]), "files", "b.bin" },
        }), "files");
        // A large file whose base64 is all '+' (escaped by a default JSON writer to six characters each) travels as it is: applied, not stuck.
        var plus = new byte[15 * 1024 * 1024];
        for (var i = 0; i < plus.Length; i++)
        {
            plus[i] = (i % 3) switch { 0 => 0xFB, 1 => 0xEF, _ => 0xBE };
        }

        var large = await Ok(await recipient.PostAsync($"/api/peer-incidents/{copyId}/journal/attachments", new MultipartFormDataContent
        {
            { new StringContent("Full capture " + marker), "body" },
            { new ByteArrayContent(plus), "files", "capture.bin" },
        }));
        Assert.Equal("applied", large["state"]!.GetValue<string>());
        var captureEntry = (await Ok(await owner.GetAsync($"/api/incidents/{id}/journal?limit=200")))["items"]!.AsArray()
            .Single(e => e!["body"]!.GetValue<string>() == "Full capture " + marker)!;
        Assert.Equal(Sha(plus), (await Ok(await owner.GetAsync($"/api/incidents/{id}/journal/{captureEntry["id"]}/attachments")))[0]!["sha256"]!.GetValue<string>());
        before = (await Ok(await owner.GetAsync($"/api/incidents/{id}/journal?limit=200")))["items"]!.ToJsonString();

        var json = new StringContent("{\"body\":\"x\"}", Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        await BadRequest(await recipient.PostAsync($"/api/peer-incidents/{copyId}/journal/attachments", json), "body");

        // Nobody else on B writes into the copy with files: 404.
        foreach (var person in await OthersOnBAsync())
        {
            var intruder = new MultipartFormDataContent { { new StringContent("intruder " + marker), "body" }, { new ByteArrayContent(log), "files", "i.log" } };
            Assert.Equal(HttpStatusCode.NotFound, (await B.Client(person).PostAsync($"/api/peer-incidents/{copyId}/journal/attachments", intruder)).StatusCode);
        }

        Assert.Equal(before, (await Ok(await owner.GetAsync($"/api/incidents/{id}/journal?limit=200")))["items"]!.ToJsonString());
    }
}
