using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Intelligence.Live;
using Rampart.Server.Intelligence.Store;
using Rampart.Server.Intelligence.Webhooks;
using Rampart.Standards.Markings;

namespace Rampart.Server.Tests;

/// <summary>The live stream (SSE) and webhooks: each subscriber gets only what its access decision admits, across app servers.</summary>
public abstract class IntelLiveTests(DatabaseProvider provider)
{
    private static readonly string[] ExplodedKind = ["exploded"];

    private static Dictionary<string, string?> Settings(bool allowPrivate = true) => new()
    {
        ["Rampart:Intel:Stream:PollInterval"] = "00:00:00.100",
        ["Rampart:Webhooks:AllowPrivateTargets"] = allowPrivate ? "true" : "false",
        ["Rampart:Webhooks:AllowHttp"] = allowPrivate ? "true" : "false",
        ["Rampart:Scheduler:Enabled"] = "false",
    };

    private static async Task<Person> OutsiderAdminAsync(SeededNode node)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, node.OutsiderOrg, "admin@outside.test", Role.OrgAdmin);
    }

    private static async Task<Person> MemberAdminAsync(SeededNode node)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, node.MemberOrg, "admin@member.test", Role.OrgAdmin);
    }

    private static HashSet<Guid> In(Guid community) => [community];

    [Fact]
    public async Task Stream_SubscribersOfOtherOrganisations_SeeNothingOfAnAmberObjectSharedWithACommunity()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        var outsiderAdmin = await OutsiderAdminAsync(node);
        await using var member = await SseReader.OpenAsync(node.Client(node.Member));
        await using var outsider = await SseReader.OpenAsync(node.Client(node.Outsider));
        await using var outsiderAdminStream = await SseReader.OpenAsync(node.Client(outsiderAdmin));
        await using var nodeAdmin = await SseReader.OpenAsync(node.Client(node.NodeAdmin));
        await using var sameCountry = await SseReader.OpenAsync(node.Client(node.SameCountry));

        var amber = await IntelTestKit.ShareAsync(node.Factory.Services, node.OwnerOrg, Tlp.Amber, IntelTestKit.Community(node.Community), In(node.Community));
        var green = await IntelTestKit.ShareAsync(node.Factory.Services, node.OwnerOrg, Tlp.Green, IntelTestKit.Network());

        var first = await member.NextAsync();
        Assert.Equal(amber, first.Data["id"]!.GetValue<string>());
        Assert.Equal("added", first.Event);
        Assert.Equal("amber", first.Data["tlp"]!.GetValue<string>());
        Assert.Equal(green, (await member.NextAsync()).Data["id"]!.GetValue<string>());

        // Their first event is the GREEN one written after it: the AMBER change never reached them.
        foreach (var stream in new[] { outsider, outsiderAdminStream, nodeAdmin, sameCountry })
        {
            var e = await stream.NextAsync();
            Assert.Equal(green, e.Data["id"]!.GetValue<string>());
            Assert.DoesNotContain(amber, e.Raw, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Stream_SightingSharedWithTheOwner_OwnerAndReporterGetItsStix_OtherReadersAndAdminsOnlyTheEvent()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        var outsiderAdmin = await OutsiderAdminAsync(node);
        var memberAdmin = await MemberAdminAsync(node);
        var indicator = $"indicator--{Guid.NewGuid()}";
        var bundle = new JsonObject
        {
            ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}",
            ["objects"] = new JsonArray(new JsonObject
            {
                ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = indicator, ["created"] = "2026-10-01T00:00:00.000Z", ["modified"] = "2026-10-01T00:00:00.000Z",
                ["name"] = "sighted", ["pattern"] = "[ipv4-addr:value = '203.0.113.91']", ["pattern_type"] = "stix", ["valid_from"] = "2026-10-01T00:00:00.000Z",
            }),
        };
        var shared = await node.Client(node.Owner).PostAsync("/api/intel/bundles?tlp=green&audience=network",
            new StringContent(bundle.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.Equal(HttpStatusCode.OK, shared.StatusCode);

        var readers = new[] { node.Owner, node.Recipient };
        var strangers = new[] { node.Member, node.Outsider, node.NodeAdmin, outsiderAdmin, memberAdmin };
        var streams = new List<SseReader>();
        foreach (var person in readers.Concat(strangers))
        {
            streams.Add(await SseReader.OpenAsync(node.Client(person)));
        }

        try
        {
            var reported = await node.Client(node.Recipient).PostAsync($"/api/intel/objects/{indicator}/sightings", new { count = 6, where = "Mail gateway" });
            Assert.Equal(HttpStatusCode.Created, reported.StatusCode);
            var sighting = (await Json.ReadAsync(reported))["stixId"]!.GetValue<string>();

            for (var i = 0; i < streams.Count; i++)
            {
                var e = await streams[i].NextAsync();
                Assert.Equal("sighted", e.Event);
                Assert.Equal(indicator, e.Data["id"]!.GetValue<string>());
                if (i < readers.Length)
                {
                    var stix = e.Data["sighting"]!.AsObject();
                    Assert.Equal(sighting, stix["id"]!.GetValue<string>());
                    Assert.Equal("sighting", stix["type"]!.GetValue<string>());
                    Assert.Equal(indicator, stix["sighting_of_ref"]!.GetValue<string>());
                    Assert.Equal(6, stix["count"]!.GetValue<int>());
                    Assert.Equal(IntelIdentity.Of(node.RecipientOrg), stix["created_by_ref"]!.GetValue<string>());
                }
                else
                {
                    // A reader of the indicator the sighting is not shared with, and every administrator outside the two
                    // organisations: that it was sighted (as before), never the sighting.
                    Assert.Null(e.Data["sighting"]);
                    Assert.DoesNotContain(sighting, e.Raw, StringComparison.Ordinal);
                    Assert.DoesNotContain("Mail gateway", e.Raw, StringComparison.Ordinal);
                }
            }
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Stream_ScoWithoutStixModified_CarriesWhenTheNodeChangedIt_NotTheEpoch()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        await using var stream = await SseReader.OpenAsync(node.Client(node.Member));
        var id = $"ipv4-addr--{Guid.NewGuid()}";
        var bundle = new JsonObject
        {
            ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}",
            ["objects"] = new JsonArray(new JsonObject { ["type"] = "ipv4-addr", ["spec_version"] = "2.1", ["id"] = id, ["value"] = "203.0.113.77" }),
        };
        var response = await node.Client(node.Owner).PostAsync("/api/intel/bundles?tlp=green&audience=network",
            new StringContent(bundle.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var e = await stream.NextAsync();
        Assert.Equal(id, e.Data["id"]!.GetValue<string>());
        Assert.Equal(node.Factory.Clock.GetUtcNow(), e.Data["modified"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task Stream_WriteOnOneAppServer_ReachesASubscriberOnAnother()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        await using var second = new RampartFactory(node.Database, Settings());
        await using var stream = await SseReader.OpenAsync(second.ClientWithKey(node.Recipient.ApiKey));

        var written = await IntelTestKit.ShareAsync(node.Factory.Services, node.OwnerOrg, Tlp.Green, IntelTestKit.Network());

        Assert.Equal(written, (await stream.NextAsync()).Data["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Stream_ReconnectingWithLastEventId_ContinuesAfterThatEvent()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        string firstId;
        await using (var stream = await SseReader.OpenAsync(node.Client(node.Recipient)))
        {
            await IntelTestKit.ShareAsync(node.Factory.Services, node.OwnerOrg, Tlp.Green, IntelTestKit.Network());
            firstId = (await stream.NextAsync()).Id;
        }

        var missed = await IntelTestKit.ShareAsync(node.Factory.Services, node.OwnerOrg, Tlp.Green, IntelTestKit.Network());
        await using var resumed = await SseReader.OpenAsync(node.Client(node.Recipient), firstId);
        Assert.Equal(missed, (await resumed.NextAsync()).Data["id"]!.GetValue<string>());

        // The id is a token for this subscriber only.
        var other = await node.Client(node.Member).SendAsync(SseReader.Request(firstId), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);
        Assert.Contains("Last-Event-ID", await other.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_BadInput_IsA400NamingTheFieldAndAnonymousIs401()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        var client = node.Client(node.Recipient);
        var kinds = await client.GetAsync("/api/intel/stream?kinds=exploded");
        Assert.Equal(HttpStatusCode.BadRequest, kinds.StatusCode);
        Assert.NotNull((await Json.ReadAsync(kinds))["errors"]!["kinds"]);
        var types = await client.GetAsync("/api/intel/stream?types=Not%20A%20Type!");
        Assert.Equal(HttpStatusCode.BadRequest, types.StatusCode);
        var forged = await client.SendAsync(SseReader.Request("12345"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await node.Client(null).GetAsync("/api/intel/stream")).StatusCode);
    }

    [Fact]
    public async Task ChangeReader_HoleInTheSequence_IsWaitedForUntilItSettles()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        await IntelTestKit.ShareAsync(node.Factory.Services, node.OwnerOrg, Tlp.Green, IntelTestKit.Network());
        await using var scope = node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var reader = scope.ServiceProvider.GetRequiredService<IntelChangeReader>();
        var head = await reader.HeadAsync(default);
        var recordId = await db.IntelChanges.Where(c => c.Sequence == head).Select(c => c.RecordId).SingleAsync();
        // A write that took head+2 committed while head+1 (a longer write) has not yet.
        db.IntelChanges.Add(new IntelChange { Sequence = head + 2, RecordId = recordId, Kind = IntelChangeKind.Updated, At = node.Factory.Clock.GetUtcNow() });
        await db.SaveChangesAsync();
        var caller = new Caller(node.Recipient.UserId, node.RecipientOrg, Role.Analyst, new HashSet<Guid>());

        var held = await reader.ReadAsync(caller, head, 100, IntelChangeFilter.All, default);
        Assert.Equal(head, held.Position);
        Assert.Empty(held.Events);

        node.Factory.Clock.Advance(scope.ServiceProvider.GetRequiredService<IOptions<IntelStreamOptions>>().Value.GapSettle + TimeSpan.FromSeconds(1));
        var passed = await reader.ReadAsync(caller, head, 100, IntelChangeFilter.All, default);
        Assert.Equal(head + 2, passed.Position);
        Assert.Equal("updated", Assert.Single(passed.Events).Change);
    }

    [Fact]
    public async Task Webhooks_OfOtherOrganisations_NeverReceiveAnAmberObjectSharedWithACommunity_AndDeliveriesAreSigned()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        await using var receiver = await LocalEndpoint.StartAsync();
        receiver.Routes["/member"] = c => { c.Response.StatusCode = 204; return Task.CompletedTask; };
        receiver.Routes["/outsider"] = c => { c.Response.StatusCode = 204; return Task.CompletedTask; };
        receiver.Routes["/node"] = c => { c.Response.StatusCode = 204; return Task.CompletedTask; };
        var memberAdmin = await MemberAdminAsync(node);
        var outsiderAdmin = await OutsiderAdminAsync(node);
        var memberHook = await CreateWebhookAsync(node.Client(memberAdmin), receiver.BaseUrl + "/member");
        await CreateWebhookAsync(node.Client(outsiderAdmin), receiver.BaseUrl + "/outsider");
        await CreateWebhookAsync(node.Client(node.NodeAdmin), receiver.BaseUrl + "/node");

        var amber = await IntelTestKit.ShareAsync(node.Factory.Services, node.OwnerOrg, Tlp.Amber, IntelTestKit.Community(node.Community), In(node.Community));
        var green = await IntelTestKit.ShareAsync(node.Factory.Services, node.OwnerOrg, Tlp.Green, IntelTestKit.Network());
        await RunWebhookJobAsync(node);

        var received = receiver.Requests.ToList();
        Assert.DoesNotContain(received, r => r.Body.Contains(amber, StringComparison.Ordinal) && r.Path != "/member");
        foreach (var path in new[] { "/outsider", "/node" })
        {
            var only = Assert.Single(received, r => r.Path == path);
            Assert.Equal([green], JsonNode.Parse(only.Body)!["events"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()));
        }

        var member = Assert.Single(received, r => r.Path == "/member");
        Assert.Equal([amber, green], JsonNode.Parse(member.Body)!["events"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()));
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(memberHook.Secret), Encoding.UTF8.GetBytes(member.Body)));
        Assert.Equal(expected, member.Headers["X-Rampart-Signature"]);
        Assert.Equal(node.Factory.Clock.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), member.Headers["X-Rampart-Timestamp"]);

        // Nothing new: the next run sends nothing.
        await RunWebhookJobAsync(node);
        Assert.Equal(received.Count, receiver.Requests.Count);
    }

    /// <summary>An indicator the owner's analyst shared by HTTP; its id, the word in its name and its address are what must not leak.</summary>
    private sealed record Shared(string Level, string Id, string Word, string Ip)
    {
        public IEnumerable<string> Secrets => [Id, Word, Ip];
    }

    private static async Task<Shared> ShareIndicatorAsync(SeededNode node, string tlp, string audienceQuery, int octet)
    {
        var word = "w" + Guid.NewGuid().ToString("N")[..12];
        var ip = $"198.18.{octet}.{Random.Shared.Next(1, 255)}";
        var id = $"indicator--{Guid.NewGuid()}";
        var bundle = new JsonObject
        {
            ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}",
            ["objects"] = new JsonArray(new JsonObject
            {
                ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-10-01T00:00:00.000Z", ["modified"] = "2026-10-01T00:00:00.000Z",
                ["name"] = $"{word} C2", ["pattern"] = $"[ipv4-addr:value = '{ip}']", ["pattern_type"] = "stix", ["valid_from"] = "2026-10-01T00:00:00.000Z",
            }),
        };
        var response = await node.Client(node.Owner).PostAsync($"/api/intel/bundles?tlp={Uri.EscapeDataString(tlp)}{audienceQuery}",
            new StringContent(bundle.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return new(tlp, id, word, ip);
    }

    private static async Task<Person> PersonAsync(SeededNode node, Guid organisation, Role role, bool readOnlyKey = false)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, organisation, $"{Guid.NewGuid():N}@{role.ToString().ToLowerInvariant()}.test", role, readOnlyKey);
    }

    /// <summary>
    /// The owner's three objects of the tests below: AMBER+STRICT for its own organisation only, RED for one named person of
    /// RECIP (<see cref="SeededNode.Recipient"/>), AMBER for the organisation OUTSIDE.
    /// </summary>
    private static async Task<(Shared Strict, Shared Red, Shared Amber)> ShareThreeAsync(SeededNode node) =>
        (await ShareIndicatorAsync(node, "amber+strict", "", 71),
         await ShareIndicatorAsync(node, "red", $"&audience=person:{node.Recipient.UserId}", 72),
         await ShareIndicatorAsync(node, "amber", $"&audience=organisation:{node.OutsiderOrg}", 73));

    /// <summary>The owner revokes, then withdraws, each of the objects, in order; then shares a GREEN object with the network.</summary>
    private static async Task<Shared> RetractAllAsync(SeededNode node, params Shared[] objects)
    {
        var owner = node.Client(node.Owner);
        foreach (var o in objects)
        {
            var revoked = await owner.PostAsync($"/api/intel/objects/{o.Id}/revoke", new { });
            Assert.True(revoked.IsSuccessStatusCode, $"revoke {o.Level}: {revoked.StatusCode} {await revoked.Content.ReadAsStringAsync()}");
        }

        foreach (var o in objects)
        {
            var withdrawn = await owner.PostAsync($"/api/intel/objects/{o.Id}/withdraw", new { reason = "False positive" });
            Assert.True(withdrawn.IsSuccessStatusCode, $"withdraw {o.Level}: {withdrawn.StatusCode} {await withdrawn.Content.ReadAsStringAsync()}");
        }

        return await ShareIndicatorAsync(node, "green", "&audience=network", 74);
    }

    private static List<string> Expected(string change, IEnumerable<Shared> objects) => [.. objects.Select(o => $"{change} {o.Id}")];

    private static void RevealsNothingOf(string raw, IEnumerable<Shared> hidden, string who)
    {
        foreach (var o in hidden)
        {
            foreach (var secret in o.Secrets)
            {
                Assert.False(raw.Contains(secret, StringComparison.OrdinalIgnoreCase), $"{who} received '{secret}' of the {o.Level} object it may not read: {raw}");
            }
        }
    }

    [Fact]
    public async Task Stream_AmberStrictRedAndAmberToOneOrganisation_ReachExactlyTheirReadersInEveryRole_AndSoDoTheirRevocationAndWithdrawal()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        // Who reads which: the owner organisation in every role everything; OUTSIDE (B) in every role the AMBER object only;
        // the named person the RED object only; their colleagues, their org admin, the community member and the node admin nothing.
        var subscribers = new List<(string Who, Person Person, bool Strict, bool Red, bool Amber)>
        {
            ("owner analyst", node.Owner, true, true, true),
            ("owner viewer", node.OwnerViewer, true, true, true),
            ("owner read-only key", await PersonAsync(node, node.OwnerOrg, Role.Analyst, readOnlyKey: true), true, true, true),
            ("owner org admin", node.OwnerAdmin, true, true, true),
            ("B analyst", node.Outsider, false, false, true),
            ("B viewer", await PersonAsync(node, node.OutsiderOrg, Role.Viewer), false, false, true),
            ("B read-only key", await PersonAsync(node, node.OutsiderOrg, Role.Analyst, readOnlyKey: true), false, false, true),
            ("B org admin", await OutsiderAdminAsync(node), false, false, true),
            ("the named person", node.Recipient, false, true, false),
            ("the named person's colleague", node.RecipientColleague, false, false, false),
            ("the named person's organisation's viewer", await PersonAsync(node, node.RecipientOrg, Role.Viewer), false, false, false),
            ("the named person's organisation's read-only key", await PersonAsync(node, node.RecipientOrg, Role.Analyst, readOnlyKey: true), false, false, false),
            ("the named person's org admin", await PersonAsync(node, node.RecipientOrg, Role.OrgAdmin), false, false, false),
            ("community member", node.Member, false, false, false),
            ("node admin", node.NodeAdmin, false, false, false),
            ("node admin's read-only key", await PersonAsync(node, node.NodeOrg, Role.NodeAdmin, readOnlyKey: true), false, false, false),
        };
        var streams = new List<SseReader>();
        try
        {
            foreach (var s in subscribers)
            {
                streams.Add(await SseReader.OpenAsync(node.Client(s.Person)));
            }

            var (strict, red, amber) = await ShareThreeAsync(node);
            var first = await ShareIndicatorAsync(node, "green", "&audience=network", 70);
            var retracted = await RetractAllAsync(node, strict, red, amber);

            for (var i = 0; i < subscribers.Count; i++)
            {
                var (who, _, readsStrict, readsRed, readsAmber) = subscribers[i];
                var reads = new List<Shared>();
                var hidden = new List<Shared>();
                foreach (var (o, readable) in new[] { (strict, readsStrict), (red, readsRed), (amber, readsAmber) })
                {
                    (readable ? reads : hidden).Add(o);
                }

                // Everything up to the last GREEN object, which everyone reads: what arrived before it is all the subscriber got.
                var received = new List<string>();
                while (true)
                {
                    var e = await streams[i].NextAsync();
                    received.Add($"{e.Event} {e.Data["id"]!.GetValue<string>()}");
                    RevealsNothingOf(e.Raw, hidden, who);
                    if (e.Event == "withdrawn")
                    {
                        // A withdrawn object's event says that and when, not what it was.
                        Assert.Null(e.Data["name"]);
                        Assert.All(reads, o => Assert.DoesNotContain(o.Word, e.Raw, StringComparison.Ordinal));
                    }

                    if (e.Data["id"]!.GetValue<string>() == retracted.Id)
                    {
                        break;
                    }
                }

                List<string> expected =
                [
                    .. Expected("added", reads), $"added {first.Id}",
                    .. Expected("revoked", reads), .. Expected("withdrawn", reads), $"added {retracted.Id}",
                ];
                Assert.True(expected.SequenceEqual(received), $"{who}: expected [{string.Join(", ", expected)}], received [{string.Join(", ", received)}]");
            }
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Webhooks_AmberStrictRedAndAmberToOneOrganisation_ReachExactlyTheOrganisationsThatReadThem_AndSoDoTheirRevocationAndWithdrawal()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        await using var receiver = await LocalEndpoint.StartAsync();
        var recipientAdmin = await PersonAsync(node, node.RecipientOrg, Role.OrgAdmin);
        // A webhook reads as its organisation: the owner's everything; OUTSIDE's (B) the AMBER object only; RECIP's nothing —
        // the RED object names one person of RECIP, which is for that person, not for the organisation's systems.
        var hooks = new List<(string Path, Person Admin, bool Strict, bool Red, bool Amber)>
        {
            ("/owner", node.OwnerAdmin, true, true, true),
            ("/outside", await OutsiderAdminAsync(node), false, false, true),
            ("/recipient", recipientAdmin, false, false, false),
            ("/member", await MemberAdminAsync(node), false, false, false),
            ("/node", node.NodeAdmin, false, false, false),
        };
        foreach (var hook in hooks)
        {
            receiver.Routes[hook.Path] = c => { c.Response.StatusCode = 204; return Task.CompletedTask; };
            await CreateWebhookAsync(node.Client(hook.Admin), receiver.BaseUrl + hook.Path);
        }

        // B's analyst, viewer and its org admin's read-only key, and the named person, cannot register one at all.
        var refused = new[]
        {
            node.Outsider, await PersonAsync(node, node.OutsiderOrg, Role.Viewer),
            await PersonAsync(node, node.OutsiderOrg, Role.OrgAdmin, readOnlyKey: true), node.Recipient,
        };
        foreach (var person in refused)
        {
            var response = await node.Client(person).PostAsync("/api/intel/webhooks", new { name = "SOC", url = receiver.BaseUrl + "/refused" });
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{person.Email}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        await using (var scope = node.Factory.Services.CreateAsyncScope())
        {
            Assert.Equal(hooks.Count, await scope.ServiceProvider.GetRequiredService<RampartDb>().IntelWebhooks.CountAsync());
        }

        var (strict, red, amber) = await ShareThreeAsync(node);
        var first = await ShareIndicatorAsync(node, "green", "&audience=network", 70);
        await RunWebhookJobAsync(node);
        var firstRun = receiver.Requests.ToList();
        var retracted = await RetractAllAsync(node, strict, red, amber);
        await RunWebhookJobAsync(node);
        var secondRun = receiver.Requests.Skip(firstRun.Count).ToList();

        Assert.DoesNotContain(receiver.Requests, r => r.Path == "/refused");
        foreach (var (path, _, readsStrict, readsRed, readsAmber) in hooks)
        {
            var reads = new List<Shared>();
            var hidden = new List<Shared>();
            foreach (var (o, readable) in new[] { (strict, readsStrict), (red, readsRed), (amber, readsAmber) })
            {
                (readable ? reads : hidden).Add(o);
            }

            List<string> added = [.. Expected("added", reads), $"added {first.Id}"];
            List<string> retractions = [.. Expected("revoked", reads), .. Expected("withdrawn", reads), $"added {retracted.Id}"];
            foreach (var (run, expected) in new[] { (firstRun, added), (secondRun, retractions) })
            {
                var bodies = run.Where(r => r.Path == path).Select(r => r.Body).ToList();
                Assert.NotEmpty(bodies);
                foreach (var body in bodies)
                {
                    RevealsNothingOf(body, hidden, path);
                }

                var received = bodies.SelectMany(b => JsonNode.Parse(b)!["events"]!.AsArray())
                    .Select(e => $"{e!["change"]!.GetValue<string>()} {e["id"]!.GetValue<string>()}").ToList();
                Assert.True(expected.SequenceEqual(received), $"{path}: expected [{string.Join(", ", expected)}], received [{string.Join(", ", received)}]");
            }
        }
    }

    [Fact]
    public async Task Webhook_FailingReceiver_IsRetriedWithBackoffAndTheLogShowsIt()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        await using var receiver = await LocalEndpoint.StartAsync();
        var failures = 1;
        receiver.Routes["/hook"] = c =>
        {
            c.Response.StatusCode = Interlocked.Decrement(ref failures) >= 0 ? 503 : 200;
            return Task.CompletedTask;
        };
        var admin = node.Client(node.OwnerAdmin);
        var hook = await CreateWebhookAsync(admin, receiver.BaseUrl + "/hook");
        await IntelTestKit.ShareAsync(node.Factory.Services, node.OwnerOrg, Tlp.Red, [], type: "malware");

        await RunWebhookJobAsync(node);
        var log = await Json.ReadAsync(await admin.GetAsync($"/api/intel/webhooks/{hook.Id}/deliveries"));
        var first = log["items"]![0]!;
        Assert.Equal("pending", first["status"]!.GetValue<string>());
        Assert.Equal(503, first["lastStatusCode"]!.GetValue<int>());
        Assert.Equal(node.Factory.Clock.GetUtcNow() + TimeSpan.FromSeconds(30), first["nextAttemptAt"]!.GetValue<DateTimeOffset>());

        await RunWebhookJobAsync(node); // not due yet
        Assert.Single(receiver.Requests);
        node.Factory.Clock.Advance(TimeSpan.FromSeconds(31));
        await RunWebhookJobAsync(node);
        Assert.Equal(2, receiver.Requests.Count);
        Assert.Equal(2, JsonNode.Parse(receiver.Requests.Last().Body)!["attempt"]!.GetValue<int>());

        log = await Json.ReadAsync(await admin.GetAsync($"/api/intel/webhooks/{hook.Id}/deliveries"));
        Assert.Equal("delivered", log["items"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(2, log["items"]![0]!["attempts"]!.GetValue<int>());
    }

    [Fact]
    public async Task Webhooks_AreManagedOnlyByTheirOrganisationsAdmins()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings());
        var hook = await CreateWebhookAsync(node.Client(node.OwnerAdmin), "https://hooks.example.org/rampart");
        Assert.Equal(HttpStatusCode.OK, (await node.Client(node.OwnerAdmin).GetAsync($"/api/intel/webhooks/{hook.Id}")).StatusCode);

        // An analyst of the organisation may not; admins of other organisations, node admin included, do not see it.
        Assert.Equal(HttpStatusCode.Forbidden, (await node.Client(node.Owner).GetAsync($"/api/intel/webhooks/{hook.Id}")).StatusCode);
        foreach (var other in new[] { node.NodeAdmin, await OutsiderAdminAsync(node) })
        {
            var client = node.Client(other);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/intel/webhooks/{hook.Id}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/intel/webhooks/{hook.Id}/deliveries")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/intel/webhooks/{hook.Id}")).StatusCode);
            var list = await Json.ReadAsync(await client.GetAsync("/api/intel/webhooks"));
            Assert.DoesNotContain(hook.Id.ToString(), list.ToJsonString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await node.Client(node.OwnerAdmin).DeleteAsync($"/api/intel/webhooks/{hook.Id}")).StatusCode);
    }

    [Fact]
    public async Task Webhook_ToPrivateOrLoopbackAddresses_IsRefusedWith400UnlessAllowed()
    {
        await using var node = await SeededNode.CreateAsync(provider, Settings(allowPrivate: false));
        var admin = node.Client(node.OwnerAdmin);
        foreach (var url in new[] { "https://127.0.0.1/x", "https://10.1.2.3/x", "https://[::1]/x", "https://169.254.169.254/latest", "https://192.168.0.10/", "https://[fd00::1]/", "https://[::ffff:127.0.0.1]/", "http://hooks.example.org/", "ftp://example.org/", "https://user:pw@hooks.example.org/" })
        {
            var response = await admin.PostAsync("/api/intel/webhooks", new { name = "x", url });
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, url);
            Assert.NotNull((await Json.ReadAsync(response))["errors"]!["url"]);
        }

        var shortSecret = await admin.PostAsync("/api/intel/webhooks", new { name = "x", url = "https://93.184.215.14/hook", secret = "short" });
        Assert.Equal(HttpStatusCode.BadRequest, shortSecret.StatusCode);
        Assert.NotNull((await Json.ReadAsync(shortSecret))["errors"]!["secret"]);
        var badKind = await admin.PostAsync("/api/intel/webhooks", new { name = "x", url = "https://93.184.215.14/hook", kinds = ExplodedKind });
        Assert.NotNull((await Json.ReadAsync(badKind))["errors"]!["kinds"]);
        await using var scope = node.Factory.Services.CreateAsyncScope();
        Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<RampartDb>().IntelWebhooks.CountAsync());
    }

    private sealed record CreatedHook(Guid Id, string Secret);

    private static async Task<CreatedHook> CreateWebhookAsync(HttpClient admin, string url)
    {
        var response = await admin.PostAsync("/api/intel/webhooks", new { name = "SOC", url });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var json = JsonNode.Parse(body)!;
        return new(json["id"]!.GetValue<Guid>(), json["secret"]!.GetValue<string>());
    }

    private static async Task RunWebhookJobAsync(SeededNode node)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<WebhookDispatchJob>().RunAsync(default);
    }

    /// <summary>Reads server-sent events from a streaming response.</summary>
    private sealed class SseReader : IAsyncDisposable
    {
        private readonly HttpResponseMessage response;
        private readonly StreamReader reader;

        private SseReader(HttpResponseMessage response, StreamReader reader)
        {
            this.response = response;
            this.reader = reader;
        }

        public static HttpRequestMessage Request(string? lastEventId)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/api/intel/stream");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (lastEventId is not null)
            {
                request.Headers.Add("Last-Event-ID", lastEventId);
            }

            return request;
        }

        public static async Task<SseReader> OpenAsync(HttpClient client, string? lastEventId = null)
        {
            var response = await client.SendAsync(Request(lastEventId), HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            return new SseReader(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
        }

        public async Task<(string Id, string Event, JsonNode Data, string Raw)> NextAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            string? id = null, name = null;
            var data = new StringBuilder();
            while (true)
            {
                var line = await reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("The stream ended.");
                if (line.Length == 0)
                {
                    if (data.Length > 0)
                    {
                        return (id!, name!, JsonNode.Parse(data.ToString())!, data.ToString());
                    }

                    continue;
                }

                if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    id = line[4..];
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data.Append(line[6..]);
                }
            }
        }

        public ValueTask DisposeAsync()
        {
            reader.Dispose();
            response.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

public sealed class SqliteIntelLiveTests() : IntelLiveTests(DatabaseProvider.Sqlite);

public sealed class PostgresIntelLiveTests() : IntelLiveTests(DatabaseProvider.Postgres);
