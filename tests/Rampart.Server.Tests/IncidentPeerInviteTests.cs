using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Data;
using Rampart.Server.Federation;
using Rampart.Server.Organisations;

namespace Rampart.Server.Tests;

/// <summary>
/// Incidents do not cross to peer nodes yet (issue 11, session 17 re-audit): an organisation declared on a peer node is
/// refused as a participant (400 naming organisationId, nothing stored) instead of an invitation nobody could ever accept.
/// SQLite and PostgreSQL.
/// </summary>
public abstract class IncidentPeerInviteTests(NodeFixture fixture)
{
    private static readonly string[] Albania = ["AL"];

    private SeededNode Node => fixture.Node;

    [Fact]
    public async Task Invite_AnOrganisationOfAPeerNode_Is400NamingOrganisationId_AndNothingIsStored()
    {
        Guid peerOrganisation;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            var now = Node.Factory.Clock.GetUtcNow();
            var peer = new FederationPeer
            {
                Id = Guid.NewGuid(), Name = "node-" + Guid.NewGuid().ToString("N")[..8], Url = "https://peer.example.org", PublicKey = [1, 2, 3],
                Fingerprint = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()), State = PeerState.Active, CreatedAt = now, UpdatedAt = now, ConfirmedAt = now,
            };
            var organisation = new Organisation { Id = Guid.CreateVersion7(), Name = "Peer CERT " + peer.Name, ShortName = "P-" + peer.Name, Country = "MD" };
            db.FederationPeers.Add(peer);
            db.Organisations.Add(organisation);
            db.FederationPeerOrganisations.Add(new FederationPeerOrganisation { PeerId = peer.Id, OrganisationId = organisation.Id, StixIdentity = $"identity--{Guid.NewGuid()}" });
            await db.SaveChangesAsync();
            peerOrganisation = organisation.Id;
        }

        var owner = Node.Client(Node.Owner);
        var created = await owner.PostAsJsonAsync("/api/incidents", new
        {
            title = "Peer invite", summary = "Same actor next door.", tlp = "amber", pap = "amber", severity = "high", sector = "public-administration",
            countries = Albania, classifications = new[] { new { category = "intrusions", type = "system-compromise" } },
        });
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var id = (await Json.ReadAsync(created))["id"]!.GetValue<string>();

        var invite = await owner.PostAsJsonAsync($"/api/incidents/{id}/participants", new { organisationId = peerOrganisation, role = "contributor" });
        var text = await invite.Content.ReadAsStringAsync();
        Assert.True(invite.StatusCode == HttpStatusCode.BadRequest, text);
        Assert.Contains("peer node", JsonNode.Parse(text)!["errors"]!["organisationId"]![0]!.GetValue<string>(), StringComparison.Ordinal);

        await using var check = Node.Factory.Services.CreateAsyncScope();
        Assert.False(await check.ServiceProvider.GetRequiredService<RampartDb>().IncidentParticipants.AnyAsync(p => p.OrganisationId == peerOrganisation));
        // An organisation of this node is still invited as before.
        Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync($"/api/incidents/{id}/participants", new { organisationId = Node.RecipientOrg, role = "contributor" })).StatusCode);
    }
}

public sealed class SqliteIncidentPeerInviteTests(SqliteNode fixture) : IncidentPeerInviteTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIncidentPeerInviteTests(PostgresNode fixture) : IncidentPeerInviteTests(fixture), IClassFixture<PostgresNode>;
