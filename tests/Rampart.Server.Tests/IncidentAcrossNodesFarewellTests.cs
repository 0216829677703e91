using System.Net;
using System.Text.Json.Nodes;

namespace Rampart.Server.Tests;

public sealed class SqliteIncidentAcrossNodesFarewellTests(SqliteThreeNodes nodes) : IncidentAcrossNodesFarewellTests(nodes), IClassFixture<SqliteThreeNodes>;

public sealed class PostgresIncidentAcrossNodesFarewellTests(PostgresThreeNodes nodes) : IncidentAcrossNodesFarewellTests(nodes), IClassFixture<PostgresThreeNodes>;

/// <summary>
/// Only the owner's node removes the participant's node (ADR 17, one-sided removal): before the peer goes, the owner's node
/// tells it that the participations it holds end, so the copies there end too — their content is no longer shown and
/// nothing more can be written from them — instead of staying "participating" for nobody.
/// </summary>
public abstract class IncidentAcrossNodesFarewellTests(ThreeNodes nodes) : FailClosedBase(nodes)
{
    [Fact]
    public async Task OwnersNodeRemovesTheParticipantsNode_TheCopyThereEnds_ItsContentIsNoLongerShown_AndNothingCanBeWrittenFromIt()
    {
        var marker = "fw-" + Guid.NewGuid().ToString("N")[..10];
        var (id, copyId, _) = await ParticipatingAsync(marker);
        var before = await Ok(await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{copyId}"));
        Assert.Equal("participating", before["incident"]!["state"]!.GetValue<string>());

        await RemoveAsync(A, B);

        // On A: the participation ended, as before.
        var participants = await Ok(await A.Client(A.Owner).GetAsync($"/api/incidents/{id}/participants"));
        Assert.Equal("removed", participants.AsArray().Single(p => p!["organisationId"]!.GetValue<Guid>() == Nodes.ARecipB)!["status"]!.GetValue<string>());

        // On B (which did not remove A): the copy has ended — no content, no journal shown — and writes are refused.
        var copy = await Ok(await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{copyId}"));
        Assert.Equal("ended", copy["incident"]!["state"]!.GetValue<string>());
        Assert.Null(copy["view"]);
        Assert.DoesNotContain(marker, (await Ok(await B.Client(B.Recipient).GetAsync($"/api/peer-incidents/{copyId}/journal")))["items"]!.ToJsonString(), StringComparison.Ordinal);
        var refused = await B.Client(B.Recipient).PostAsync($"/api/peer-incidents/{copyId}/journal", new { body = "still here? " + marker });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.NotNull(JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["errors"]?["id"]);
        Assert.False(await OnBoardOrDueListAsync(B.Recipient, copyId));
        await OthersOnBSeeNothingAsync(copyId, marker);
    }
}
