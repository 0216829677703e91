using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Incidents.Notifications;

namespace Rampart.Server.Tests;

/// <summary>A seeded node whose intake team is RECIP, with an SMTP sink, webhooks allowed to loopback over http, and the scheduler off (tests run the jobs).</summary>
public abstract class NotificationNode(DatabaseProvider provider) : IAsyncLifetime
{
    public SeededNode Node { get; private set; } = null!;

    public SmtpSink Smtp { get; } = new();

    /// <summary>An admin of a third organisation (MEMBER).</summary>
    public Person MemberAdmin { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Node = await SeededNode.CreateAsync(provider, new Dictionary<string, string?>
        {
            ["Rampart:Intake:Organisation"] = "RECIP",
            ["Rampart:Intake:Smtp:Host"] = "127.0.0.1",
            ["Rampart:Intake:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Rampart:Intake:Smtp:Tls"] = "None",
            ["Rampart:Intake:Smtp:From"] = "notifications@cert.test",
            ["Rampart:Node:PublicUrl"] = "https://rampart.cert.test/",
            ["Rampart:Webhooks:AllowPrivateTargets"] = "true",
            ["Rampart:Webhooks:AllowHttp"] = "true",
            ["Rampart:Scheduler:Enabled"] = "false",
        });
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        MemberAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.MemberOrg, "admin@member.test", Role.OrgAdmin);
    }

    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

public sealed class SqliteNotificationNode() : NotificationNode(DatabaseProvider.Sqlite);

public sealed class PostgresNotificationNode() : NotificationNode(DatabaseProvider.Postgres);

/// <summary>
/// Notifications (issue 11) on SQLite and PostgreSQL: events written with the change and fanned out by the job, recipients
/// decided by the access decision at delivery (another organisation and every kind of administrator get nothing), the inbox,
/// preferences, PGP/MIME e-mail signed by the node and encrypted to a person's key, and organisation webhooks.
/// </summary>
public abstract class NotificationTests(NotificationNode fixture)
{
    private SeededNode Node => fixture.Node;

    private DateTimeOffset Now => Node.Factory.Clock.GetUtcNow();

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

    private async Task RunAsync<TJob>()
        where TJob : Scheduling.IScheduledJob
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TJob>().RunAsync(default);
    }

    private Task FanOutAsync() => RunAsync<NotificationFanOutJob>();

    private async Task<string> IncidentAsync(string title, string tlp = "amber", object[]? audiences = null)
    {
        var body = new Dictionary<string, object?> { ["title"] = title, ["summary"] = "", ["tlp"] = tlp, ["severity"] = "high", ["sector"] = "public-administration", ["significant"] = false };
        if (audiences is not null)
        {
            body["audiences"] = audiences;
        }

        return (await Ok(await Node.Client(Node.Owner).PostAsync("/api/incidents", body), HttpStatusCode.Created))["id"]!.GetValue<string>();
    }

    private async Task JoinAsync(string id, Person who, string role = "contributor")
    {
        var invited = await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/participants", new { organisationId = who.OrganisationId, role }), HttpStatusCode.Created);
        await Ok(await Node.Client(who).PostAsync($"/api/incidents/invitations/{invited["id"]}/accept", new { }));
    }

    /// <summary>Every notification of <paramref name="who"/>, walked page by page (limit 2, so the cursor is used).</summary>
    private async Task<List<JsonNode>> InboxAsync(Person who, bool unread = false)
    {
        var all = new List<JsonNode>();
        string? next = null;
        do
        {
            var page = await Ok(await Node.Client(who).GetAsync($"/api/notifications?limit=2{(unread ? "&unread=true" : "")}{(next is null ? "" : "&next=" + Uri.EscapeDataString(next))}"));
            all.AddRange(page["items"]!.AsArray().Select(i => i!));
            next = page["next"]?.GetValue<string>();
        }
        while (next is not null);
        return all;
    }

    private async Task<List<JsonNode>> AboutAsync(Person who, string incidentOrReference) =>
        (await InboxAsync(who)).Where(n => n["incidentId"]?.GetValue<string>() == incidentOrReference || n["reference"]?.GetValue<string>() == incidentOrReference).ToList();

    private IEnumerable<Person> Others => [Node.Outsider, Node.SameCountry, Node.Member, fixture.MemberAdmin, Node.NodeAdmin];

    [Fact]
    public async Task StatusChange_ParticipantsAreNotifiedOnce_OutsidersAndEveryAdministratorGetNothing()
    {
        var id = await IncidentAsync("Wiper at the tax authority");
        await JoinAsync(id, Node.Recipient);
        await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/status", new { status = "triage" }));
        await FanOutAsync();
        await FanOutAsync();

        foreach (var reader in new[] { Node.Recipient, Node.RecipientColleague, Node.OwnerViewer, Node.OwnerAdmin })
        {
            var about = await AboutAsync(reader, id);
            var change = Assert.Single(about, n => n["kind"]!.GetValue<string>() == "status-changed");
            Assert.Equal("triage", change["label"]!.GetValue<string>());
            Assert.StartsWith("INC-", change["reference"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal($"/incidents/{id}", change["link"]!.GetValue<string>());
        }

        // The actor is not told about their own change; the node admin administers but reads no incident of others.
        Assert.Empty(await AboutAsync(Node.Owner, id));
        foreach (var other in Others)
        {
            Assert.Empty(await AboutAsync(other, id));
        }
    }

    /// <summary>Takes RECIP's grant off the incident (as removing a participant will), straight in the database.</summary>
    private async Task RemoveRecipientAsync(string id)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var incident = Guid.Parse(id);
        var recordId = await db.Incidents.Where(i => i.Id == incident).Select(i => i.RecordId).SingleAsync();
        var organisation = Node.RecipientOrg;
        await db.AccessGrants.Where(g => g.RecordId == recordId && g.SubjectId == organisation).ExecuteDeleteAsync();
    }

    [Fact]
    public async Task Delivery_RecipientRemovedBeforeTheFanOut_GetsNothing_AndAfterwardsItIsWithdrawn()
    {
        var id = await IncidentAsync("Data leak at the health insurer");
        await JoinAsync(id, Node.Recipient);
        var owner = Node.Client(Node.Owner);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/status", new { status = "triage" }));
        await FanOutAsync();
        var delivered = Assert.Single(await AboutAsync(Node.Recipient, id));
        var client = Node.Client(Node.Recipient);
        var before = (await Ok(await client.GetAsync("/api/notifications/unread-count")))["count"]!.GetValue<int>();

        // A change, then the organisation is removed before the job runs: the event finds it unable to read.
        await Ok(await owner.PostAsync($"/api/incidents/{id}/status", new { status = "in-progress" }));
        await RemoveRecipientAsync(id);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/incidents/{id}")).StatusCode);
        await FanOutAsync();
        Assert.Equal(2, (await AboutAsync(Node.OwnerViewer, id)).Count);
        // And what it was told before is withdrawn from its list and its count.
        Assert.Empty(await AboutAsync(Node.Recipient, id));
        Assert.DoesNotContain(await InboxAsync(Node.Recipient), n => n["id"]!.GetValue<string>() == delivered["id"]!.GetValue<string>());
        Assert.Equal(before - 1, (await Ok(await client.GetAsync("/api/notifications/unread-count")))["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task UnreadCount_CountsOnlyWhatThePersonMayStillRead_EvenBeforeTheListIsOpened()
    {
        var client = Node.Client(Node.RecipientColleague);
        await FanOutAsync();
        await Ok(await client.PostAsync("/api/notifications/read-all", new { }));
        var id = await IncidentAsync("Unread count after removal");
        await JoinAsync(id, Node.Recipient);
        var owner = Node.Client(Node.Owner);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/status", new { status = "triage" }));
        await Ok(await owner.PostAsync($"/api/incidents/{id}/status", new { status = "in-progress" }));
        await FanOutAsync();
        Assert.Equal(2, (await Ok(await client.GetAsync("/api/notifications/unread-count")))["count"]!.GetValue<int>());

        // The organisation loses the incident; the bell is asked first, before anyone opens the list.
        await RemoveRecipientAsync(id);
        Assert.Equal(0, (await Ok(await client.GetAsync("/api/notifications/unread-count")))["count"]!.GetValue<int>());
        Assert.Empty(await AboutAsync(Node.RecipientColleague, id));
        // The owner's people still count theirs.
        Assert.Equal(2, (await AboutAsync(Node.OwnerViewer, id)).Count(n => n["readAt"] is null));
    }

    [Fact]
    public async Task Invitation_InvitedOrganisationIsToldWithoutTheTitle_DeclinedBeforeDeliveryGetsNothing()
    {
        var id = await IncidentAsync("Secret title of an invited incident", "amber+strict");
        var owner = Node.Client(Node.Owner);
        var invited = await Ok(await owner.PostAsync($"/api/incidents/{id}/participants", new { organisationId = Node.RecipientOrg, role = "observer" }), HttpStatusCode.Created);
        await FanOutAsync();
        var note = Assert.Single(await InboxAsync(Node.RecipientColleague), n => n["kind"]!.GetValue<string>() == "invited" && n["reference"]!.GetValue<string>() == invited["number"]!.GetValue<string>());
        Assert.Null(note["incidentId"]);
        Assert.DoesNotContain("Secret title", note.ToJsonString(), StringComparison.Ordinal);
        foreach (var other in Others)
        {
            Assert.DoesNotContain(await InboxAsync(other), n => n["reference"]!.GetValue<string>() == invited["number"]!.GetValue<string>());
        }

        // Invited and declined before the job ran: nothing.
        var second = await IncidentAsync("Second invitation");
        var again = await Ok(await owner.PostAsync($"/api/incidents/{second}/participants", new { organisationId = Node.MemberOrg, role = "observer" }), HttpStatusCode.Created);
        await Ok(await Node.Client(Node.Member).PostAsync($"/api/incidents/invitations/{again["id"]}/decline", new { }));
        await FanOutAsync();
        Assert.DoesNotContain(await InboxAsync(Node.Member), n => n["reference"]!.GetValue<string>() == again["number"]!.GetValue<string>());
    }

    [Fact]
    public async Task Task_AssignedOrganisationIsToldTheTitle_OwnerOnlyTaskTitleNeverReachesOthers()
    {
        var id = await IncidentAsync("Ransomware at the port");
        await JoinAsync(id, Node.Recipient);
        var owner = Node.Client(Node.Owner);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Collect the VPN logs", assignedOrganisationId = Node.RecipientOrg }), HttpStatusCode.Created);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Owner-only: brief the minister", assignedOrganisationId = Node.OwnerOrg, ownerOnly = true }), HttpStatusCode.Created);
        await FanOutAsync();

        Assert.Contains(await AboutAsync(Node.RecipientColleague, id), n => n["kind"]!.GetValue<string>() == "task-assigned" && n["label"]!.GetValue<string>() == "Collect the VPN logs");
        Assert.Contains(await AboutAsync(Node.OwnerViewer, id), n => n["label"]?.GetValue<string>() == "Owner-only: brief the minister");
        foreach (var reader in Others.Append(Node.Recipient).Append(Node.RecipientColleague))
        {
            Assert.DoesNotContain(await InboxAsync(reader), n => n.ToJsonString().Contains("brief the minister", StringComparison.Ordinal));
        }

        // Assigned to one person: only that person.
        await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Call the registrar", assignedUserId = Node.Recipient.UserId }), HttpStatusCode.Created);
        await FanOutAsync();
        Assert.Contains(await AboutAsync(Node.Recipient, id), n => n["label"]?.GetValue<string>() == "Call the registrar");
        Assert.DoesNotContain(await AboutAsync(Node.RecipientColleague, id), n => n["label"]?.GetValue<string>() == "Call the registrar");
    }

    [Fact]
    public async Task Requests_ReceivedByTheAskedAndAnsweredToTheRequester()
    {
        var id = await IncidentAsync("Botnet C2 in the region");
        await JoinAsync(id, Node.Recipient);
        await JoinAsync(id, Node.Member, "observer");
        var sent = await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/requests",
            new { kind = "block-indicators", title = "Block 203.0.113.7", details = "", organisationIds = new[] { Node.RecipientOrg } }), HttpStatusCode.Created);
        await FanOutAsync();
        Assert.Contains(await AboutAsync(Node.RecipientColleague, id), n => n["kind"]!.GetValue<string>() == "request-received" && n["label"]!.GetValue<string>() == "Block 203.0.113.7");
        // A participant not asked, and everyone else, hears nothing of it.
        foreach (var other in Others)
        {
            Assert.DoesNotContain(await InboxAsync(other), n => n["kind"]!.GetValue<string>() is "request-received" or "request-answered" && n["incidentId"]?.GetValue<string>() == id);
        }

        var requestId = sent["id"]!.GetValue<string>();
        await Ok(await Node.Client(Node.Recipient).PostAsync($"/api/requests/{requestId}/accept", new { }));
        await Ok(await Node.Client(Node.Recipient).PostAsync($"/api/requests/{requestId}/answer", new { answer = "Blocked." }));
        await FanOutAsync();
        Assert.Contains(await AboutAsync(Node.Owner, id), n => n["kind"]!.GetValue<string>() == "request-answered");
        Assert.DoesNotContain(await AboutAsync(Node.Member, id), n => n["kind"]!.GetValue<string>() == "request-answered");
    }

    [Fact]
    public async Task Deadline_DueWithinSixHoursThenOverdue_EachNotifiedOnce()
    {
        var id = await IncidentAsync("Phishing kit targeting banks");
        await JoinAsync(id, Node.Recipient);
        await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/tasks",
            new { title = "Take down the kit", assignedOrganisationId = Node.RecipientOrg, dueAt = Now.AddHours(5) }), HttpStatusCode.Created);
        await FanOutAsync();
        await FanOutAsync();
        var soon = (await AboutAsync(Node.Recipient, id)).Where(n => n["kind"]!.GetValue<string>() == "deadline-due-soon").ToList();
        Assert.Equal("Take down the kit", Assert.Single(soon)["label"]!.GetValue<string>());
        Assert.DoesNotContain(await AboutAsync(Node.Recipient, id), n => n["kind"]!.GetValue<string>() == "deadline-overdue");

        Node.Factory.Clock.Advance(TimeSpan.FromHours(5) + TimeSpan.FromMinutes(1));
        await FanOutAsync();
        await FanOutAsync();
        Assert.Single(await AboutAsync(Node.Recipient, id), n => n["kind"]!.GetValue<string>() == "deadline-overdue");
        Assert.Single(await AboutAsync(Node.Recipient, id), n => n["kind"]!.GetValue<string>() == "deadline-due-soon");
        foreach (var other in Others)
        {
            Assert.Empty(await AboutAsync(other, id));
        }
    }

    [Fact]
    public async Task NewReport_IntakeTeamIsNotified_OthersAreNot()
    {
        var report = await Ok(await Node.Client(Node.Outsider).PostAsync("/api/reports",
            new { subject = "Suspicious login wave", text = "Seen since 02:00.", tlp = "amber" }), HttpStatusCode.Created);
        var reportId = report["id"]!.GetValue<string>();
        await FanOutAsync();
        var note = Assert.Single(await InboxAsync(Node.RecipientColleague), n => n["reportId"]?.GetValue<string>() == reportId);
        Assert.Equal("report-received", note["kind"]!.GetValue<string>());
        foreach (var other in new[] { Node.Owner, Node.Member, fixture.MemberAdmin, Node.NodeAdmin })
        {
            Assert.DoesNotContain(await InboxAsync(other), n => n["reportId"]?.GetValue<string>() == reportId);
        }
    }

    [Fact]
    public async Task Inbox_MarkReadAndMarkAllRead_CountFollows_OthersCannotMarkMine()
    {
        var id = await IncidentAsync("Credential stuffing");
        await JoinAsync(id, Node.Recipient);
        var owner = Node.Client(Node.Owner);
        foreach (var status in new[] { "triage", "in-progress", "contained" })
        {
            await Ok(await owner.PostAsync($"/api/incidents/{id}/status", new { status }));
        }

        await FanOutAsync();
        var client = Node.Client(Node.RecipientColleague);
        var mine = await AboutAsync(Node.RecipientColleague, id);
        Assert.Equal(3, mine.Count);
        var before = (await Ok(await client.GetAsync("/api/notifications/unread-count")))["count"]!.GetValue<int>();
        Assert.True(before >= 3);

        var first = mine[0]["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Recipient).PostAsync($"/api/notifications/{first}/read", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.NodeAdmin).PostAsync($"/api/notifications/{first}/read", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsync($"/api/notifications/{first}/read", new { })).StatusCode);
        Assert.Equal(before - 1, (await Ok(await client.GetAsync("/api/notifications/unread-count")))["count"]!.GetValue<int>());
        Assert.DoesNotContain(await InboxAsync(Node.RecipientColleague, unread: true), n => n["id"]!.GetValue<string>() == first);
        Assert.NotNull((await AboutAsync(Node.RecipientColleague, id)).Single(n => n["id"]!.GetValue<string>() == first)["readAt"]);

        await AssertBadRequest(await client.PostAsync("/api/notifications/not-a-guid/read", new { }), "id");
        await AssertBadRequest(await client.GetAsync("/api/notifications?limit=201"), "limit");
        await AssertBadRequest(await client.GetAsync("/api/notifications?next=forged"), "next");

        Assert.Equal(before - 1, (await Ok(await client.PostAsync("/api/notifications/read-all", new { })))["marked"]!.GetValue<int>());
        Assert.Equal(0, (await Ok(await client.GetAsync("/api/notifications/unread-count")))["count"]!.GetValue<int>());
        // The colleague's reading changed nothing for the analyst of the same organisation.
        Assert.Equal(3, (await AboutAsync(Node.Recipient, id)).Count(n => n["readAt"] is null));
    }

    [Fact]
    public async Task Preferences_DefaultsAndChanges_BadInputIs400AndChangesNothing_InAppOffMeansNoInAppNotification()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var person = await SeededNode.PersonAsync(scope.ServiceProvider, Node.RecipientOrg, $"prefs-{Guid.NewGuid():N}@recipient.test", Role.Analyst);
        var client = Node.Client(person);
        var defaults = (await Ok(await client.GetAsync("/api/notifications/preferences"))).AsArray();
        Assert.Equal(Enum.GetValues<NotificationKind>().Length, defaults.Count);
        Assert.True(defaults.Single(p => p!["kind"]!.GetValue<string>() == "expert-request-received")!["email"]!.GetValue<bool>());
        Assert.True(defaults.Single(p => p!["kind"]!.GetValue<string>() == "invited")!["email"]!.GetValue<bool>());
        Assert.False(defaults.Single(p => p!["kind"]!.GetValue<string>() == "status-changed")!["email"]!.GetValue<bool>());
        Assert.All(defaults, p => Assert.True(p!["inApp"]!.GetValue<bool>()));

        await AssertBadRequest(await client.PutAsync("/api/notifications/preferences", new { preferences = new[] { new { kind = "status-changed", inApp = false }, new { kind = "everything", inApp = false } } }), "preferences[1].kind");
        await AssertBadRequest(await client.PutAsync("/api/notifications/preferences", new { }), "preferences");
        Assert.True((await Ok(await client.GetAsync("/api/notifications/preferences"))).AsArray().Single(p => p!["kind"]!.GetValue<string>() == "status-changed")!["inApp"]!.GetValue<bool>());

        var changed = (await Ok(await client.PutAsync("/api/notifications/preferences", new { preferences = new[] { new { kind = "status-changed", inApp = false } } }))).AsArray();
        Assert.False(changed.Single(p => p!["kind"]!.GetValue<string>() == "status-changed")!["inApp"]!.GetValue<bool>());

        var id = await IncidentAsync("Preferences at work");
        await JoinAsync(id, Node.Recipient);
        await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/status", new { status = "triage" }));
        await FanOutAsync();
        Assert.Empty(await AboutAsync(person, id));
        Assert.Single(await AboutAsync(Node.RecipientColleague, id));
    }

    [Fact]
    public async Task PgpKeys_NodeKeyIsPublicOnly_PersonKeyValidated()
    {
        var node = await Ok(await Node.Client(Node.Outsider).GetAsync("/api/notifications/pgp-key"));
        Assert.Contains("BEGIN PGP PUBLIC KEY BLOCK", node["publicKey"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE", node.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(40, node["fingerprint"]!.GetValue<string>().Length);

        var client = Node.Client(Node.Member);
        await AssertBadRequest(await client.PutAsync("/api/account/pgp-key", new { publicKey = "" }), "publicKey");
        await AssertBadRequest(await client.PutAsync("/api/account/pgp-key", new { publicKey = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot a key\n-----END PGP PUBLIC KEY BLOCK-----" }), "publicKey");
        // The node's key signs but cannot encrypt: refused as a person's key.
        await AssertBadRequest(await client.PutAsync("/api/account/pgp-key", new { publicKey = node["publicKey"]!.GetValue<string>() }), "publicKey");
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/account/pgp-key")).StatusCode);

        var (_, armored) = RecipientKey();
        var set = await Ok(await client.PutAsync("/api/account/pgp-key", new { publicKey = armored }));
        Assert.Equal(set["fingerprint"]!.GetValue<string>(), (await Ok(await client.GetAsync("/api/account/pgp-key")))["fingerprint"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/account/pgp-key")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/account/pgp-key")).StatusCode);
    }

    [Fact]
    public async Task Email_WithoutAKey_IsPgpMimeSigned_AndVerifiesWithTheNodeKey_WithoutTheLabel()
    {
        var nodeKey = await NodePublicKeyAsync();
        var id = await IncidentAsync("Mail without a key");
        await JoinAsync(id, Node.Recipient);
        await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/requests",
            new { kind = "share-logs", title = "Share the proxy logs of 2 Nov", details = "", organisationIds = new[] { Node.RecipientOrg } }), HttpStatusCode.Created);
        await FanOutAsync();
        await RunAsync<NotificationMailJob>();

        var message = await MessageToAsync(Node.RecipientColleague.Email, "Share the proxy logs", encrypted: false);
        var signed = Assert.IsAssignableFrom<Multipart>(message.Body);
        Assert.Equal("multipart/signed", signed.ContentType.MimeType);
        Assert.Equal("application/pgp-signature", signed.ContentType.Parameters["protocol"]);
        Assert.Equal("pgp-sha256", signed.ContentType.Parameters["micalg"]);
        var content = signed[0];
        var signature = (MimePart)signed[1];
        Assert.Equal("application/pgp-signature", signature.ContentType.MimeType);
        var canonical = NotificationMailJob.Canonical(content);
        Assert.True(VerifyDetached(nodeKey, canonical, Decode(signature)));
        // Tampered content does not verify.
        canonical[^3] ^= 1;
        Assert.False(VerifyDetached(nodeKey, canonical, Decode(signature)));
        var text = ((TextPart)content).Text;
        Assert.Contains("INC-", text, StringComparison.Ordinal);
        Assert.DoesNotContain("proxy logs", text, StringComparison.Ordinal);
        // A mail client opens only absolute links: the node's public address (Rampart:Node:PublicUrl), one slash, the path.
        Assert.Matches(@"https://rampart\.cert\.test/requests(/[0-9a-f-]{36})?\s", text);
    }

    [Fact]
    public async Task Email_ToAPersonWithAKey_IsPgpMimeEncrypted_DecryptsWithTheirKey_AndIsSignedByTheNode()
    {
        var nodeKey = await NodePublicKeyAsync();
        var (secret, armored) = RecipientKey();
        await Ok(await Node.Client(Node.Recipient).PutAsync("/api/account/pgp-key", new { publicKey = armored }));
        var id = await IncidentAsync("Mail with a key");
        await JoinAsync(id, Node.Recipient);
        await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/requests",
            new { kind = "analyse-sample", title = "Analyse loader 7f3a", details = "", organisationIds = new[] { Node.RecipientOrg } }), HttpStatusCode.Created);
        await FanOutAsync();
        await RunAsync<NotificationMailJob>();
        try
        {
            var message = await MessageToAsync(Node.Recipient.Email, null, encrypted: true);
            Assert.DoesNotContain("loader 7f3a", message.ToString(), StringComparison.Ordinal);
            var encrypted = Assert.IsAssignableFrom<Multipart>(message.Body);
            Assert.Equal("multipart/encrypted", encrypted.ContentType.MimeType);
            Assert.Equal("application/pgp-encrypted", encrypted.ContentType.Parameters["protocol"]);
            Assert.Contains("Version: 1", Encoding.ASCII.GetString(Decode((MimePart)encrypted[0])), StringComparison.Ordinal);
            var (plain, verified) = DecryptAndVerify(secret, nodeKey, Decode((MimePart)encrypted[1]));
            Assert.True(verified);
            var inner = MimeEntity.Load(new MemoryStream(plain));
            var text = Assert.IsType<TextPart>(inner).Text;
            Assert.Contains("Analyse loader 7f3a", text, StringComparison.Ordinal);
        }
        finally
        {
            await Node.Client(Node.Recipient).DeleteAsync("/api/account/pgp-key");
        }
    }

    [Fact]
    public async Task Webhooks_OrgAdminRegisters_SignedDeliveryRetriedUntilAccepted_OthersGet404()
    {
        await using var receiver = new HookReceiver();
        var admin = Node.Client(Node.OwnerAdmin);
        await AssertBadRequest(await admin.PostAsync("/api/notifications/webhooks", new { url = "ftp://example.org" }), "url");
        await AssertBadRequest(await admin.PostAsync("/api/notifications/webhooks", new { url = receiver.Url, secret = "short" }), "secret");
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.Owner).PostAsync("/api/notifications/webhooks", new { url = receiver.Url })).StatusCode);
        var created = await Ok(await admin.PostAsync("/api/notifications/webhooks", new { url = receiver.Url, secret = "s3cret-s3cret-s3cret" }), HttpStatusCode.Created);
        var hookId = created["id"]!.GetValue<string>();
        foreach (var other in new[] { fixture.MemberAdmin, Node.NodeAdmin })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(other).GetAsync($"/api/notifications/webhooks/{hookId}/deliveries")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(other).DeleteAsync($"/api/notifications/webhooks/{hookId}")).StatusCode);
            Assert.DoesNotContain((await Ok(await Node.Client(other).GetAsync("/api/notifications/webhooks")))["items"]!.AsArray(), w => w!["id"]!.GetValue<string>() == hookId);
        }

        try
        {
            var id = await IncidentAsync("Webhook incident");
            await JoinAsync(id, Node.Recipient);
            receiver.Answer = HttpStatusCode.ServiceUnavailable;
            await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/status", new { status = "triage" }));
            await FanOutAsync();
            await RunAsync<NotificationWebhookJob>();
            Assert.Single(receiver.Received);
            var log = (await Ok(await admin.GetAsync($"/api/notifications/webhooks/{hookId}/deliveries")))["items"]!.AsArray();
            Assert.Equal("pending", log[0]!["status"]!.GetValue<string>());
            Assert.Equal(503, log[0]!["lastStatusCode"]!.GetValue<int>());

            // Not due again until the backoff has passed; then delivered.
            receiver.Answer = HttpStatusCode.OK;
            await RunAsync<NotificationWebhookJob>();
            Assert.Single(receiver.Received);
            Node.Factory.Clock.Advance(TimeSpan.FromSeconds(31));
            await RunAsync<NotificationWebhookJob>();
            Assert.Equal(2, receiver.Received.Count);
            log = (await Ok(await admin.GetAsync($"/api/notifications/webhooks/{hookId}/deliveries")))["items"]!.AsArray();
            Assert.Equal("delivered", log[0]!["status"]!.GetValue<string>());

            var (body, signature, timestamp) = receiver.Received.Last();
            Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("s3cret-s3cret-s3cret"u8.ToArray(), body)), signature);
            Assert.False(string.IsNullOrEmpty(timestamp));
            var payload = JsonNode.Parse(body)!;
            Assert.Equal("status-changed", payload["event"]!["kind"]!.GetValue<string>());
            Assert.Equal(id, payload["event"]!["incidentId"]!.GetValue<string>());
            Assert.DoesNotContain("Webhook incident", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
        }
        finally
        {
            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/notifications/webhooks/{hookId}")).StatusCode);
        }
    }

    [Fact]
    public async Task Webhooks_AnotherOrganisationsHook_HearsNothingOfAnIncidentItCannotRead()
    {
        await using var receiver = new HookReceiver();
        var created = await Ok(await Node.Client(fixture.MemberAdmin).PostAsync("/api/notifications/webhooks", new { url = receiver.Url }), HttpStatusCode.Created);
        try
        {
            var id = await IncidentAsync("Not for MEMBER");
            await JoinAsync(id, Node.Recipient);
            await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/status", new { status = "triage" }));
            await FanOutAsync();
            await RunAsync<NotificationWebhookJob>();
            Assert.Empty(receiver.Received);
        }
        finally
        {
            await Node.Client(fixture.MemberAdmin).DeleteAsync($"/api/notifications/webhooks/{created["id"]}");
        }
    }

    private async Task<PgpPublicKey> NodePublicKeyAsync()
    {
        var armored = (await Ok(await Node.Client(Node.Owner).GetAsync("/api/notifications/pgp-key")))["publicKey"]!.GetValue<string>();
        using var input = PgpUtilities.GetDecoderStream(new MemoryStream(Encoding.ASCII.GetBytes(armored)));
        return new PgpPublicKeyRing(input).GetPublicKey();
    }

    private async Task<MimeMessage> MessageToAsync(string to, string? without, bool encrypted)
    {
        for (var i = 0; i < 50; i++)
        {
            foreach (var (rcpt, data) in fixture.Smtp.Messages)
            {
                if (!rcpt.Contains(to, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(data)));
                if ((message.Body?.ContentType.MimeType == "multipart/encrypted") == encrypted)
                {
                    return message;
                }
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"No {(encrypted ? "encrypted" : "signed")} message to {to}{(without is null ? "" : $" ({without})")} in the sink.");
    }

    private static byte[] Decode(MimePart part)
    {
        using var buffer = new MemoryStream();
        part.Content!.DecodeTo(buffer);
        return buffer.ToArray();
    }

    private static bool VerifyDetached(PgpPublicKey key, byte[] data, byte[] armoredSignature)
    {
        using var input = PgpUtilities.GetDecoderStream(new MemoryStream(armoredSignature));
        var list = (PgpSignatureList)new PgpObjectFactory(input).NextPgpObject();
        var signature = list[0];
        Assert.Equal(key.KeyId, signature.KeyId);
        signature.InitVerify(key);
        signature.Update(data);
        return signature.Verify();
    }

    /// <summary>The recipient's side, as gpg does it: decrypt with the secret key, verify the one-pass signature with the node's key, check integrity.</summary>
    private static (byte[] Plain, bool Verified) DecryptAndVerify(PgpSecretKeyRing secret, PgpPublicKey signer, byte[] armored)
    {
        using var input = PgpUtilities.GetDecoderStream(new MemoryStream(armored));
        var factory = new PgpObjectFactory(input);
        var first = factory.NextPgpObject();
        var list = first as PgpEncryptedDataList ?? (PgpEncryptedDataList)factory.NextPgpObject();
        var data = list.GetEncryptedDataObjects().OfType<PgpPublicKeyEncryptedData>().Single();
        var key = secret.GetSecretKey(data.KeyId) ?? throw new Xunit.Sdk.XunitException($"encrypted to {data.KeyId:X}, not to the recipient");
        using var clear = data.GetDataStream(key.ExtractPrivateKey(Array.Empty<char>()));
        var inner = new PgpObjectFactory(clear);
        var next = inner.NextPgpObject();
        if (next is PgpCompressedData compressed)
        {
            inner = new PgpObjectFactory(compressed.GetDataStream());
            next = inner.NextPgpObject();
        }

        var ops = ((PgpOnePassSignatureList)next)[0];
        ops.InitVerify(signer);
        var literal = (PgpLiteralData)inner.NextPgpObject();
        using var buffer = new MemoryStream();
        literal.GetInputStream().CopyTo(buffer);
        var plain = buffer.ToArray();
        ops.Update(plain);
        var signatures = (PgpSignatureList)inner.NextPgpObject();
        var verified = ops.Verify(signatures[0]) && data.IsIntegrityProtected() && data.Verify();
        return (plain, verified);
    }

    /// <summary>A recipient's RSA key pair (primary signs, subkey encrypts), as gpg makes them; the public half armoured.</summary>
    private static (PgpSecretKeyRing Secret, string Armored) RecipientKey()
    {
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(65537), new SecureRandom(), 2048, 12));
        var when = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        var primary = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, generator.GenerateKeyPair(), when);
        var sub = new PgpKeyPair(PublicKeyAlgorithmTag.RsaGeneral, generator.GenerateKeyPair(), when);
        var primaryFlags = new PgpSignatureSubpacketGenerator();
        primaryFlags.SetKeyFlags(false, PgpKeyFlags.CanSign | PgpKeyFlags.CanCertify);
        var subFlags = new PgpSignatureSubpacketGenerator();
        subFlags.SetKeyFlags(false, PgpKeyFlags.CanEncryptCommunications | PgpKeyFlags.CanEncryptStorage);
        var rings = new PgpKeyRingGenerator(PgpSignature.PositiveCertification, primary, "Analyst <analyst@recipient.test>", SymmetricKeyAlgorithmTag.Null,
            Array.Empty<char>(), true, primaryFlags.Generate(), null, new SecureRandom());
        rings.AddSubKey(sub, subFlags.Generate(), null);
        var secretRing = rings.GenerateSecretKeyRing();
        using var buffer = new MemoryStream();
        using (var armor = new ArmoredOutputStream(buffer))
        {
            rings.GeneratePublicKeyRing().Encode(armor);
        }

        return (secretRing, Encoding.ASCII.GetString(buffer.ToArray()));
    }

    /// <summary>A local HTTP endpoint that records each POST (body, signature, timestamp) and answers <see cref="Answer"/>.</summary>
    private sealed class HookReceiver : IAsyncDisposable
    {
        private readonly HttpListener listener = new();
        private readonly Task loop;

        public HookReceiver()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/hook/";
            listener.Prefixes.Add(Url);
            listener.Start();
            loop = Task.Run(ServeAsync);
        }

        public string Url { get; }

        public HttpStatusCode Answer { get; set; } = HttpStatusCode.OK;

        public System.Collections.Concurrent.ConcurrentQueue<(byte[] Body, string? Signature, string? Timestamp)> Received { get; } = new();

        private async Task ServeAsync()
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var buffer = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(buffer);
                Received.Enqueue((buffer.ToArray(), context.Request.Headers["X-Rampart-Signature"], context.Request.Headers["X-Rampart-Timestamp"]));
                context.Response.StatusCode = (int)Answer;
                context.Response.Close();
            }
        }

        public async ValueTask DisposeAsync()
        {
            listener.Stop();
            listener.Close();
            await loop;
        }
    }
}

public sealed class SqliteNotificationTests(SqliteNotificationNode fixture) : NotificationTests(fixture), IClassFixture<SqliteNotificationNode>;

public sealed class PostgresNotificationTests(PostgresNotificationNode fixture) : NotificationTests(fixture), IClassFixture<PostgresNotificationNode>;
