using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Store;

namespace Rampart.Server.Tests;

/// <summary>
/// Session 21, the review of the version deletion (ADR 18) on one node, SQLite and PostgreSQL: a revocation that read the
/// object before a DELETE of its current version committed builds on the version current now, never on the deleted content
/// (M4); a revocation is newer than every version row, deleted ones included (finding 11); a DELETE whose remaining version
/// no longer reads back is a TAXII 409 that deletes nothing, not a 500 (finding 5).
/// </summary>
public abstract class TaxiiDeleteRaceTests(NodeFixture fixture)
{
    private const string Taxii = "application/taxii+json;version=2.1";

    private SeededNode Node => fixture.Node;

    private HttpClient TaxiiClient()
    {
        var client = Node.Client(Node.Owner);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Accept", Taxii);
        return client;
    }

    private static JsonObject Version(string id, string modified, string name, string domain) => new()
    {
        ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-01-01T00:00:00.000Z", ["modified"] = modified,
        ["name"] = name, ["pattern"] = $"[domain-name:value = '{domain}']", ["pattern_type"] = "stix", ["valid_from"] = "2026-01-01T00:00:00.000Z",
    };

    /// <summary>Posts the versions one after the other (each settled) through an owner collection; the object's TAXII path.</summary>
    private async Task<string> VersionedAsync(string id, params JsonObject[] versions)
    {
        var created = await Node.Client(Node.OwnerAdmin).PostAsync("/api/taxii/collections", new
        {
            title = $"Owner {Guid.NewGuid():N}",
            readers = new object[] { new { kind = "organisation", id = Node.OwnerOrg }, new { kind = "community", id = Node.Community } },
            writers = new object[] { new { kind = "organisation", id = Node.OwnerOrg } },
            writeTlp = "amber",
            writeAudiences = new object[] { new { kind = "community", communityId = Node.Community } },
        });
        var createdText = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, createdText);
        var collection = JsonNode.Parse(createdText)!["id"]!.GetValue<string>();
        foreach (var version in versions)
        {
            var content = new StringContent(new JsonObject { ["objects"] = new JsonArray(version.DeepClone()) }.ToJsonString(), Encoding.UTF8);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(Taxii);
            var posted = await TaxiiClient().PostAsync($"/taxii2/api/collections/{collection}/objects/", content);
            var text = await posted.Content.ReadAsStringAsync();
            Assert.True(posted.StatusCode == HttpStatusCode.Accepted, text);
            Assert.Equal(1, JsonNode.Parse(text)!["success_count"]!.GetValue<int>());
            Node.Factory.Clock.Advance(TimeSpan.FromSeconds(3));
        }

        return $"/taxii2/api/collections/{collection}/objects/{id}/";
    }

    private async Task<JsonNode> ObjectAsync(string id)
    {
        var response = await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{id}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonNode.Parse(text)!;
    }

    private async Task<List<DateTimeOffset>> VersionsAsync(string id) =>
        [.. (await Json.ReadAsync(await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{id}/versions")))["items"]!.AsArray().Select(v => v!["modified"]!.GetValue<DateTimeOffset>())];

    private static readonly DateTimeOffset Feb = new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset Mar = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Review M4. The revocation read the object (its current version: March) before a DELETE of <c>last</c> committed. It
    /// revokes under the organisation's write lock and reads the object again there: the revoked version is February's
    /// content, later than every version row, and the deleted March content does not come back.
    /// </summary>
    [Fact]
    public async Task Revoke_ThatReadTheObjectBeforeItsCurrentVersionWasDeleted_BuildsOnTheRemainingVersion()
    {
        var id = $"indicator--{Guid.NewGuid()}";
        var tag = Guid.NewGuid().ToString("N")[..12];
        var path = await VersionedAsync(id, Version(id, "2026-02-01T00:00:00.000Z", $"feb{tag}", $"feb{tag}.example.org"),
            Version(id, "2026-03-01T00:00:00.000Z", $"mar{tag}", $"mar{tag}.example.org"));

        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        // The revocation's scope has read the object: March is current.
        var seen = await db.IntelObjects.Include(o => o.Record).SingleAsync(o => o.StixId == id && o.OwnerOrganisationId == Node.OwnerOrg);
        Assert.Equal(Mar, seen.Modified);

        // Meanwhile the owner deletes the current version over TAXII.
        var deleted = await TaxiiClient().DeleteAsync(path + "?match[version]=last");
        Assert.True(deleted.StatusCode == HttpStatusCode.OK, await deleted.Content.ReadAsStringAsync());

        var caller = new Caller(Node.Owner.UserId, Node.OwnerOrg, Role.Analyst, new HashSet<Guid>());
        var view = await scope.ServiceProvider.GetRequiredService<IntelRetraction>().RevokeAsync(caller, id, default);
        Assert.NotNull(view);
        Assert.True(view.Revoked);
        Assert.True(view.Modified > Mar, view.Modified.ToString("O", System.Globalization.CultureInfo.InvariantCulture));

        var read = await ObjectAsync(id);
        Assert.True(read["revoked"]!.GetValue<bool>());
        Assert.Equal($"feb{tag}", read["name"]!.GetValue<string>());
        var stix = read["stix"]!.ToJsonString();
        Assert.Contains($"feb{tag}.example.org", stix, StringComparison.Ordinal);
        Assert.DoesNotContain($"mar{tag}", stix, StringComparison.Ordinal);
        Assert.Equal([view.Modified, Feb], await VersionsAsync(id)); // newest first
    }

    /// <summary>
    /// Review finding 11. The current version is a future-dated one (clock behind the producer), and the deleted newest
    /// version sits exactly one millisecond after it: the revocation is later than that deleted row (no primary-key clash,
    /// no 500), built from the remaining version.
    /// </summary>
    [Fact]
    public async Task Revoke_AfterADeletedVersionOneMillisecondNewer_IsNewerThanEveryRow_NotA500()
    {
        var id = $"indicator--{Guid.NewGuid()}";
        var tag = Guid.NewGuid().ToString("N")[..12];
        var path = await VersionedAsync(id, Version(id, "2027-01-01T00:00:00.000Z", $"one{tag}", $"one{tag}.example.org"),
            Version(id, "2027-01-01T00:00:00.001Z", $"two{tag}", $"two{tag}.example.org"));
        var deleted = await TaxiiClient().DeleteAsync(path + "?match[version]=last");
        Assert.True(deleted.StatusCode == HttpStatusCode.OK, await deleted.Content.ReadAsStringAsync());

        var revoke = await Node.Client(Node.Owner).PostAsync($"/api/intel/objects/{id}/revoke", new StringContent(""));
        Assert.True(revoke.StatusCode == HttpStatusCode.OK, $"{revoke.StatusCode}: {await revoke.Content.ReadAsStringAsync()}");

        var read = await ObjectAsync(id);
        Assert.True(read["revoked"]!.GetValue<bool>());
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, 2, TimeSpan.Zero), read["modified"]!.GetValue<DateTimeOffset>());
        Assert.Equal($"one{tag}", read["name"]!.GetValue<string>());
    }

    /// <summary>
    /// Review finding 9. A deletion chose every version (February, March) and a third version (April) committed before the
    /// withdrawal took the lock: nothing more is deleted — a conflict (TAXII 409), the object stays with its three versions.
    /// </summary>
    [Fact]
    public async Task Withdrawal_OfEveryVersionChosen_WithAVersionAddedSince_IsAConflict_AndWithdrawsNothing()
    {
        var id = $"indicator--{Guid.NewGuid()}";
        var tag = Guid.NewGuid().ToString("N")[..12];
        await VersionedAsync(id, Version(id, "2026-02-01T00:00:00.000Z", $"feb{tag}", $"feb{tag}.example.org"),
            Version(id, "2026-03-01T00:00:00.000Z", $"mar{tag}", $"mar{tag}.example.org"),
            Version(id, "2026-04-01T00:00:00.000Z", $"apr{tag}", $"apr{tag}.example.org"));
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var caller = new Caller(Node.Owner.UserId, Node.OwnerOrg, Role.Analyst, new HashSet<Guid>());
        var retraction = scope.ServiceProvider.GetRequiredService<IntelRetraction>();
        var conflict = await Assert.ThrowsAsync<Validation.ConflictException>(() => retraction.WithdrawAsync(caller, id, "Deleted through TAXII.", default, null, [Feb, Mar]));
        Assert.Contains("added", conflict.Message, StringComparison.Ordinal);
        var read = await ObjectAsync(id);
        Assert.Null(read["withdrawnAt"]);
        Assert.Equal($"apr{tag}", read["name"]!.GetValue<string>());
        Assert.Equal(3, (await VersionsAsync(id)).Count);

        // The same call naming every version it has withdraws it.
        Assert.NotNull(await retraction.WithdrawAsync(caller, id, "Deleted through TAXII.", default, null, [Feb, Mar, new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero)]));
        Assert.NotNull((await ObjectAsync(id))["withdrawnAt"]);
    }

    /// <summary>Review of fedfix, finding 3: a version dated at the very end of time cannot be followed by a revocation — a 409, not an overflow 500.</summary>
    [Fact]
    public async Task Revoke_AfterAVersionDatedAtTheEndOfTime_Is409_NotA500()
    {
        var id = $"indicator--{Guid.NewGuid()}";
        var tag = Guid.NewGuid().ToString("N")[..12];
        await VersionedAsync(id, Version(id, "9999-12-31T23:59:59.999Z", $"end{tag}", $"end{tag}.example.org"));
        var revoke = await Node.Client(Node.Owner).PostAsync($"/api/intel/objects/{id}/revoke", new StringContent(""));
        Assert.True(revoke.StatusCode == HttpStatusCode.Conflict, $"{revoke.StatusCode}: {await revoke.Content.ReadAsStringAsync()}");
        Assert.False((await ObjectAsync(id))["revoked"]!.GetValue<bool>());
    }

    /// <summary>
    /// Review finding 5. The version that would become current after DELETE <c>last</c> no longer reads back (damaged in the
    /// database): a TAXII error 409 that says why, not a 500, and nothing is deleted.
    /// </summary>
    [Fact]
    public async Task Delete_WhenTheRemainingVersionNoLongerReadsBack_Is409TaxiiError_AndDeletesNothing()
    {
        var id = $"indicator--{Guid.NewGuid()}";
        var tag = Guid.NewGuid().ToString("N")[..12];
        var path = await VersionedAsync(id, Version(id, "2026-02-01T00:00:00.000Z", $"feb{tag}", $"feb{tag}.example.org"),
            Version(id, "2026-03-01T00:00:00.000Z", $"mar{tag}", $"mar{tag}.example.org"));
        await FederationVersionRemovalTests.CorruptAsync(Node, id, Feb);

        var deleted = await TaxiiClient().DeleteAsync(path + "?match[version]=last");
        var text = await deleted.Content.ReadAsStringAsync();
        Assert.True(deleted.StatusCode == HttpStatusCode.Conflict, $"{deleted.StatusCode}: {text}");
        Assert.Equal("application/taxii+json", deleted.Content.Headers.ContentType!.MediaType);
        var error = JsonNode.Parse(text)!;
        Assert.Equal("409", error["http_status"]!.GetValue<string>());
        Assert.Contains("no version was deleted", error["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("does not read back", error["description"]!.GetValue<string>(), StringComparison.Ordinal);

        var read = await ObjectAsync(id);
        Assert.Equal($"mar{tag}", read["name"]!.GetValue<string>());
        Assert.Equal([Mar, Feb], await VersionsAsync(id)); // newest first
    }
}

public sealed class SqliteTaxiiDeleteRaceTests(SqliteNode fixture) : TaxiiDeleteRaceTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresTaxiiDeleteRaceTests(PostgresNode fixture) : TaxiiDeleteRaceTests(fixture), IClassFixture<PostgresNode>;
