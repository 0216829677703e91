using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Rampart.Server.Access;
using Rampart.Server.Capacity.Experts;
using Rampart.Server.Incidents.Notifications;

namespace Rampart.Server.Tests;

/// <summary>
/// The expert directory's notifications (issue 12) on SQLite and PostgreSQL: the expert is told a request reached them, the
/// sender that it was answered or closed; nobody else (another organisation, either organisation's admin, the node admin); a
/// withdrawn expert's notices are withdrawn; no e-mail address is in what is told.
/// </summary>
public abstract class ExpertNotificationTests(NotificationNode fixture)
{
    private static readonly string[] Albanian = ["sq"];

    private static readonly string[] Malware = ["malware-analysis"];

    private SeededNode Node => fixture.Node;

    private static async Task<JsonNode> Ok(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private async Task RunAsync<TJob>()
        where TJob : Scheduling.IScheduledJob
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<TJob>().RunAsync(default);
    }

    private async Task<List<JsonNode>> InboxAsync(Person who)
    {
        var all = new List<JsonNode>();
        string? next = null;
        do
        {
            var page = await Ok(await Node.Client(who).GetAsync($"/api/notifications?limit=2{(next is null ? "" : "&next=" + Uri.EscapeDataString(next))}"));
            all.AddRange(page["items"]!.AsArray().Select(i => i!));
            next = page["next"]?.GetValue<string>();
        }
        while (next is not null);
        return all;
    }

    private async Task<List<JsonNode>> AboutAsync(Person who, Guid request) =>
        (await InboxAsync(who)).Where(n => n["reference"]?.GetValue<string>() == ExpertRules.Reference(request)).ToList();

    private async Task<int> UnreadAsync(Person who) => (await Ok(await Node.Client(who).GetAsync("/api/notifications/unread-count")))["count"]!.GetValue<int>();

    /// <summary>A new analyst of the owner's organisation with a directory profile that shows their address.</summary>
    private async Task<(Person Person, Guid Profile)> ExpertAsync()
    {
        Person person;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            person = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OwnerOrg, $"expert-{Guid.NewGuid():N}@owner.test", Role.Analyst);
        }

        var profile = await Ok(await Node.Client(person).PutAsync("/api/capacity/experts/me", new
        {
            consent = true, name = $"Expert {Guid.NewGuid():N}", country = "AL", languages = Albanian, areas = Malware, showEmail = true,
        }));
        return (person, profile["id"]!.GetValue<Guid>());
    }

    private async Task<Guid> AskAsync(Person from, Guid profile, string subject) =>
        (await Ok(await Node.Client(from).PostAsync($"/api/capacity/experts/{profile}/requests", new { subject, message = "Could you look at a sample?" }), HttpStatusCode.Created))["id"]!.GetValue<Guid>();

    [Fact]
    public async Task Request_TheExpertIsNotified_TheSenderOnTheAnswer_NobodyElse_AndNoAddressIsTold()
    {
        var (expert, profile) = await ExpertAsync();
        var request = await AskAsync(Node.Member, profile, "Wiper sample from the ministry");
        await RunAsync<NotificationFanOutJob>();
        await RunAsync<NotificationFanOutJob>();

        var received = Assert.Single(await AboutAsync(expert, request));
        Assert.Equal("expert-request-received", received["kind"]!.GetValue<string>());
        Assert.Equal("Wiper sample from the ministry", received["label"]!.GetValue<string>());
        Assert.Equal("/capacity/experts/requests", received["link"]!.GetValue<string>());
        Assert.Null(received["incidentId"]);
        Assert.DoesNotContain("@", received.ToJsonString(), StringComparison.Ordinal);
        // The sender is not told about their own request; nobody else is told at all, whatever their role.
        foreach (var other in new[] { Node.Member, Node.Owner, Node.OwnerAdmin, fixture.MemberAdmin, Node.Outsider, Node.NodeAdmin })
        {
            Assert.Empty(await AboutAsync(other, request));
        }

        // By e-mail too (the default for a request to you): signed, naming the kind and the reference, not the subject.
        await RunAsync<NotificationMailJob>();
        var mail = await MessageToAsync(expert.Email);
        var text = Assert.IsType<TextPart>(Assert.IsAssignableFrom<Multipart>(mail.Body)[0]).Text;
        Assert.Contains(ExpertRules.Reference(request), text, StringComparison.Ordinal);
        Assert.Contains("https://rampart.cert.test/capacity/experts/requests", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Wiper sample", text, StringComparison.Ordinal);

        await Ok(await Node.Client(expert).PostAsync($"/api/capacity/experts/requests/{request}/accept", new { response = "Yes, send it." }));
        await RunAsync<NotificationFanOutJob>();

        var answered = Assert.Single(await AboutAsync(Node.Member, request));
        Assert.Equal("expert-request-answered", answered["kind"]!.GetValue<string>());
        Assert.Equal("Wiper sample from the ministry", answered["label"]!.GetValue<string>());
        // The expert consented to show their address to the sender on the requests page, not in a notice.
        Assert.DoesNotContain(expert.Email, answered.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        Assert.Single(await AboutAsync(expert, request));
        foreach (var other in new[] { Node.Owner, Node.OwnerAdmin, fixture.MemberAdmin, Node.Outsider, Node.NodeAdmin })
        {
            Assert.Empty(await AboutAsync(other, request));
        }
    }

    [Fact]
    public async Task Withdrawal_TheExpertsNoticesAreWithdrawn_TheSendersAreToldTheRequestClosed()
    {
        var (expert, profile) = await ExpertAsync();
        var first = await AskAsync(Node.Member, profile, "Phishing kit analysis");
        await RunAsync<NotificationFanOutJob>();
        Assert.Single(await AboutAsync(expert, first));
        var unread = await UnreadAsync(expert);
        Assert.True(unread >= 1);
        // A second request waits in the outbox when the expert withdraws.
        var second = await AskAsync(Node.Outsider, profile, "Memory image triage");

        Assert.Equal(HttpStatusCode.NoContent, (await Node.Client(expert).DeleteAsync("/api/capacity/experts/me")).StatusCode);
        await RunAsync<NotificationFanOutJob>();

        Assert.Empty(await AboutAsync(expert, first));
        Assert.Empty(await AboutAsync(expert, second));
        Assert.Equal(unread - 1, await UnreadAsync(expert));
        var closed = Assert.Single(await AboutAsync(Node.Member, first));
        Assert.Equal("expert-request-closed", closed["kind"]!.GetValue<string>());
        Assert.Equal("expert-request-closed", Assert.Single(await AboutAsync(Node.Outsider, second))["kind"]!.GetValue<string>());
        Assert.Empty(await AboutAsync(Node.Member, second));
        Assert.Empty(await AboutAsync(Node.Outsider, first));
        foreach (var other in new[] { Node.OwnerAdmin, fixture.MemberAdmin, Node.NodeAdmin })
        {
            Assert.Empty(await AboutAsync(other, first));
            Assert.Empty(await AboutAsync(other, second));
        }
    }

    [Fact]
    public async Task RequestsPaging_BothListsWalkWithTheirCursors()
    {
        var experts = new List<(Person Person, Guid Profile)>();
        for (var i = 0; i < 3; i++)
        {
            experts.Add(await ExpertAsync());
        }

        Person sender;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            sender = await SeededNode.PersonAsync(scope.ServiceProvider, Node.MemberOrg, $"sender-{Guid.NewGuid():N}@member.test", Role.Analyst);
        }

        var sent = new List<Guid>();
        foreach (var (_, profile) in experts)
        {
            sent.Add(await AskAsync(sender, profile, "Paging"));
        }

        var walked = new List<Guid>();
        string? next = null;
        do
        {
            var page = await Ok(await Node.Client(sender).GetAsync($"/api/capacity/experts/requests/sent?limit=2{(next is null ? "" : "&next=" + Uri.EscapeDataString(next))}"));
            walked.AddRange(page["items"]!.AsArray().Select(r => r!["id"]!.GetValue<Guid>()));
            next = page["next"]?.GetValue<string>();
        }
        while (next is not null);
        // Newest id first; the test clock stands still, so ids of one millisecond order by their random part: every request once, none lost.
        Assert.Equal(sent.Count, walked.Count);
        Assert.Equal(sent.Order(), walked.Order());

        // The expert's inbox the same way: three senders ask one expert; pages of two walk all three once.
        var (expert, expertProfile) = experts[0];
        var received = new List<Guid> { sent[0] };
        for (var i = 0; i < 2; i++)
        {
            Person another;
            await using (var scope = Node.Factory.Services.CreateAsyncScope())
            {
                another = await SeededNode.PersonAsync(scope.ServiceProvider, Node.MemberOrg, $"sender-{Guid.NewGuid():N}@member.test", Role.Analyst);
            }

            received.Add(await AskAsync(another, expertProfile, "Paging the inbox"));
        }

        var inbox = new List<Guid>();
        var pages = 0;
        next = null;
        do
        {
            var page = await Ok(await Node.Client(expert).GetAsync($"/api/capacity/experts/requests/inbox?limit=2{(next is null ? "" : "&next=" + Uri.EscapeDataString(next))}"));
            inbox.AddRange(page["items"]!.AsArray().Select(r => r!["id"]!.GetValue<Guid>()));
            next = page["next"]?.GetValue<string>();
            pages++;
        }
        while (next is not null);
        Assert.Equal(2, pages);
        Assert.Equal(received.Count, inbox.Count);
        Assert.Equal(received.Order(), inbox.Order());

        // A cursor of the sent list is not one of the inbox: a 400 naming it, not another list's page.
        var sentCursor = (await Ok(await Node.Client(sender).GetAsync("/api/capacity/experts/requests/sent?limit=1")))["next"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.BadRequest, (await Node.Client(expert).GetAsync($"/api/capacity/experts/requests/inbox?limit=2&next={Uri.EscapeDataString(sentCursor)}")).StatusCode);
    }

    private async Task<MimeMessage> MessageToAsync(string to)
    {
        for (var i = 0; i < 50; i++)
        {
            foreach (var (rcpt, data) in fixture.Smtp.Messages)
            {
                if (rcpt.Contains(to, StringComparison.OrdinalIgnoreCase))
                {
                    return MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(data)));
                }
            }

            await Task.Delay(100);
        }

        throw new Xunit.Sdk.XunitException($"No message to {to} in the sink.");
    }
}

public sealed class SqliteExpertNotificationTests(SqliteNotificationNode fixture) : ExpertNotificationTests(fixture), IClassFixture<SqliteNotificationNode>;

public sealed class PostgresExpertNotificationTests(PostgresNotificationNode fixture) : ExpertNotificationTests(fixture), IClassFixture<PostgresNotificationNode>;
