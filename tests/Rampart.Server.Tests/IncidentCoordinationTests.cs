using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Standards.Stix;

namespace Rampart.Server.Tests;

/// <summary>
/// Issue 11, coordination parts, on SQLite and PostgreSQL: removing a participant and leaving (access ends at once,
/// everywhere), observables (values → intelligence at the incident's TLP and audience; listing and correlations per viewer),
/// the STIX export within the viewer's rights, duplicates and merging, and request events seen only by who sees the request (R3).
/// Outsiders, participants of lesser standing and every kind of administrator try each endpoint; nothing changes.
/// </summary>
public abstract class IncidentCoordinationTests(NodeFixture fixture)
{
    private static readonly string[] Albania = ["AL"];
    private static readonly string[] KosovoAndAlbania = ["XK", "AL"];

    private SeededNode Node => fixture.Node;

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

    private static async Task<string> CreateAsync(HttpClient client, string title, string tlp = "amber") =>
        (await Ok(await client.PostAsync("/api/incidents", new { title, summary = "Same **actor** in two ministries.", tlp, severity = "high", sector = "public-administration", countries = Albania }),
            HttpStatusCode.Created))["id"]!.GetValue<string>();

    /// <summary>Invites <paramref name="who"/>'s organisation as <paramref name="role"/> and accepts; the participant id.</summary>
    private async Task<string> JoinAsync(string id, Person who, string role)
    {
        var invited = await Ok(await Node.Client(Node.Owner).PostAsync($"/api/incidents/{id}/participants", new { organisationId = who.OrganisationId, role }), HttpStatusCode.Created);
        await Ok(await Node.Client(who).PostAsync($"/api/incidents/invitations/{invited["id"]}/accept", new { }));
        return invited["id"]!.GetValue<string>();
    }

    private static async Task<List<JsonNode>> ItemsAsync(HttpClient client, string url) =>
        (await Ok(await client.GetAsync(url)))["items"]!.AsArray().Select(e => e!).ToList();

    private async Task<Person> ReadOnlyKeyAsync(Guid organisation)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, organisation, $"ro-{Guid.NewGuid():N}@keys.test", Role.Analyst, readOnlyKey: true);
    }

    private async Task<Person> OtherOrgAdminAsync()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"admin-{Guid.NewGuid():N}@outside.test", Role.OrgAdmin);
    }

    private async Task<int> AuditCountAsync(AuditEvent kind, string target)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        return await db.AuditEntries.CountAsync(e => e.Event == kind && e.Target == target);
    }

    [Fact]
    public async Task RemoveParticipant_RemovedOrganisationGets404Everywhere_AndItIsAudited()
    {
        var owner = Node.Client(Node.Owner);
        var id = await CreateAsync(owner, "Removal");
        var participantId = await JoinAsync(id, Node.SameCountry, "contributor");
        var contributor = Node.Client(Node.SameCountry);
        var value = $"91.219.236.{Random.Shared.Next(1, 250)}";
        var added = await Ok(await owner.PostAsync($"/api/incidents/{id}/observables/values", new { text = $"C2 at {value}, seen by both." }), HttpStatusCode.Created);
        var indicator = added.AsArray().Single()!["stixId"]!.GetValue<string>();
        var form = new MultipartFormDataContent { { new StringContent("Dump."), "body" }, { new ByteArrayContent([7, 7, 7]), "files", "dump.bin" } };
        var entry = await Ok(await owner.PostAsync($"/api/incidents/{id}/journal/attachments", form), HttpStatusCode.Created);
        var attachment = (await Ok(await owner.GetAsync($"/api/incidents/{id}/journal/{entry["id"]}/attachments")))[0]!["id"]!.GetValue<string>();
        var task = (await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Block at the border", assignedOrganisationId = Node.SameCountryOrg }), HttpStatusCode.Created))["id"];
        var urls = new[]
        {
            $"/api/incidents/{id}", $"/api/incidents/{id}/journal", $"/api/incidents/{id}/tasks", $"/api/incidents/{id}/tasks/{task}",
            $"/api/incidents/{id}/attachments/{attachment}", $"/api/incidents/{id}/journal/{entry["id"]}/attachments",
            $"/api/incidents/{id}/observables", $"/api/incidents/{id}/export/stix", $"/api/incidents/{id}/participants",
        };
        foreach (var url in urls)
        {
            Assert.True((await contributor.GetAsync(url)).IsSuccessStatusCode, url);
        }

        Assert.Equal(HttpStatusCode.OK, (await contributor.GetAsync($"/api/intel/objects/{indicator}")).StatusCode);
        // The value is also found by search (the cyber observable stored beside the indicator) while the contributor takes part.
        Assert.NotEmpty(await ItemsAsync(contributor, $"/api/intel/objects?q={value}&limit=50"));

        // Nobody but the owner's writers removes: outsiders and every administrator 404, the contributor and the owner's viewer and read-only key 403.
        foreach (var person in new[] { Node.Outsider, Node.NodeAdmin, await OtherOrgAdminAsync(), Node.Recipient })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(person).DeleteAsync($"/api/incidents/{id}/participants/{participantId}")).StatusCode);
        }

        foreach (var person in new[] { Node.SameCountry, Node.OwnerViewer, await ReadOnlyKeyAsync(Node.OwnerOrg) })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(person).DeleteAsync($"/api/incidents/{id}/participants/{participantId}")).StatusCode);
        }

        Assert.True((await contributor.GetAsync($"/api/incidents/{id}")).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/incidents/{id}/participants/{participantId}")).StatusCode);

        foreach (var url in urls)
        {
            Assert.True((await contributor.GetAsync(url)).StatusCode == HttpStatusCode.NotFound, url);
            Assert.True((await Node.Client(Node.SameCountry).PostAsync($"/api/incidents/{id}/journal", new { body = "still here?" })).StatusCode == HttpStatusCode.NotFound);
        }

        Assert.DoesNotContain(await ItemsAsync(contributor, "/api/incidents?limit=200"), i => i["id"]!.GetValue<string>() == id);
        // The intelligence the incident created follows the incident's audience: the removed organisation loses it too.
        Assert.Equal(HttpStatusCode.NotFound, (await contributor.GetAsync($"/api/intel/objects/{indicator}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/intel/objects/{indicator}")).StatusCode);
        // ... and the value itself: neither search nor lookup finds the cyber observable stored beside it (review S8-1).
        Assert.Empty(await ItemsAsync(contributor, $"/api/intel/objects?q={value}&limit=50"));
        Assert.NotEmpty(await ItemsAsync(owner, $"/api/intel/objects?q={value}&limit=50"));
        // The narrowing is a change of the object (change outbox): its history shows it, and so the stream, webhooks and
        // federation hear of it — a peer that received the object is told to narrow or remove its copy (attack review s10).
        var history = await ItemsAsync(owner, $"/api/intel/objects/{indicator}/history?limit=50");
        Assert.Contains(history, e => e["kind"]!.GetValue<string>() == "audience-changed" && e["via"]?.GetValue<string>() == "incident");
        var lookup = await Ok(await contributor.PostAsync("/api/intel/lookup", new { values = new[] { value } }));
        Assert.Empty(lookup["known"]!.AsArray());
        Assert.Equal(1, await AuditCountAsync(AuditEvent.IncidentParticipantRemoved, $"incident:{id}"));
        var participants = (await Ok(await owner.GetAsync($"/api/incidents/{id}/participants"))).AsArray();
        Assert.Equal("removed", participants.Single(p => p!["id"]!.GetValue<string>() == participantId)!["status"]!.GetValue<string>());
        Assert.Contains(await ItemsAsync(owner, $"/api/incidents/{id}/journal?limit=200"), e => e["event"]?.GetValue<string>() == "participant-removed");
        await AssertBadRequest(await owner.DeleteAsync($"/api/incidents/{id}/participants/{participantId}"), "participantId");

        // Invited again and accepting, it reads again.
        await JoinAsync(id, Node.SameCountry, "observer");
        Assert.Equal(HttpStatusCode.OK, (await contributor.GetAsync($"/api/incidents/{id}")).StatusCode);
    }

    [Fact]
    public async Task Leave_ParticipantLeaves_ReadsNothingAfter_OwnerAndReadersCannot()
    {
        var owner = Node.Client(Node.Owner);
        var id = await CreateAsync(owner, "Leaving");
        await JoinAsync(id, Node.Member, "observer");
        var viewerKey = await ReadOnlyKeyAsync(Node.MemberOrg);
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(viewerKey).PostAsync($"/api/incidents/{id}/leave", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).PostAsync($"/api/incidents/{id}/leave", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.NodeAdmin).PostAsync($"/api/incidents/{id}/leave", new { })).StatusCode);
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/leave", new { }), "id");
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(Node.Member).GetAsync($"/api/incidents/{id}")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await Node.Client(Node.Member).PostAsync($"/api/incidents/{id}/leave", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Member).GetAsync($"/api/incidents/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(viewerKey).GetAsync($"/api/incidents/{id}/journal")).StatusCode);
        Assert.Equal(1, await AuditCountAsync(AuditEvent.IncidentParticipantLeft, $"incident:{id}"));
        Assert.Contains(await ItemsAsync(owner, $"/api/incidents/{id}/journal?limit=200"), e => e["event"]?.GetValue<string>() == "participant-left");
    }

    [Fact]
    public async Task Observables_ListOnlyWhatTheViewerReads_WithTheViewersCorrelations()
    {
        var owner = Node.Client(Node.Owner);
        var id = await CreateAsync(owner, "Observables");
        await JoinAsync(id, Node.SameCountry, "contributor");
        await JoinAsync(id, Node.Member, "observer");
        var domain = $"c2-{Guid.NewGuid():N}.example.org";

        // Bad input changes nothing.
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/observables/values", new { text = "nothing to see here" }), "text");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/observables/values", new { text = "" }), "text");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{id}/observables/links", new { stixId = "not-an-id" }), "stixId");
        Assert.Empty(await ItemsAsync(owner, $"/api/incidents/{id}/observables"));

        var added = await Ok(await owner.PostAsync($"/api/incidents/{id}/observables/values", new { text = $"Beacons to hxxp://{domain}/gate and {domain}." }), HttpStatusCode.Created);
        Assert.NotEmpty(added.AsArray());
        var first = added.AsArray().First()!;
        Assert.Equal("amber", first["tlp"]!.GetValue<string>());
        Assert.True(first["createdHere"]!.GetValue<bool>());

        // The outsider holds the same value in its own, owner-only RED intelligence: nobody here sees that copy correlate.
        var outsiderJob = await Ok(await Node.Client(Node.Outsider).PostAsync("/api/intel/text/confirm", new { values = new[] { new { kind = "domain", value = domain } }, tlp = "red" }));
        var outsiderIndicator = outsiderJob["outcomes"]!.AsArray().Select(o => o!["stixId"]!.GetValue<string>()).Single(s => s.StartsWith("indicator--", StringComparison.Ordinal));
        // The owner keeps a RED object for itself, and links it: participants neither see it listed nor counted.
        var ownerJob = await Ok(await owner.PostAsync("/api/intel/text/confirm", new { values = new[] { new { kind = "domain", value = "secret-" + domain } }, tlp = "red" }));
        var secret = ownerJob["outcomes"]!.AsArray().Select(o => o!["stixId"]!.GetValue<string>()).Single(s => s.StartsWith("indicator--", StringComparison.Ordinal));
        await Ok(await owner.PostAsync($"/api/incidents/{id}/observables/links", new { stixId = secret }), HttpStatusCode.Created);
        await AssertBadRequest(await Node.Client(Node.SameCountry).PostAsync($"/api/incidents/{id}/observables/links", new { stixId = outsiderIndicator }), "stixId");

        // A second incident of the owner carries the value; the contributor takes no part in it.
        var other = await CreateAsync(owner, "Same actor, second ministry", "amber");
        await Ok(await owner.PostAsync($"/api/incidents/{other}/observables/values", new { text = domain }), HttpStatusCode.Created);

        var ownerView = await ItemsAsync(owner, $"/api/incidents/{id}/observables?limit=200");
        Assert.Contains(ownerView, o => o["stixId"]!.GetValue<string>() == secret);
        var domainIndicator = ownerView.First(o => o["name"]!.GetValue<string>() == domain);
        Assert.Contains(domainIndicator["incidents"]!.AsArray(), i => i!["id"]!.GetValue<string>() == other);
        Assert.DoesNotContain(domainIndicator["objects"]!.AsArray(), o => o!["stixId"]!.GetValue<string>() == outsiderIndicator);

        foreach (var participant in new[] { Node.SameCountry, Node.Member })
        {
            var view = await ItemsAsync(Node.Client(participant), $"/api/incidents/{id}/observables?limit=200");
            Assert.Equal(ownerView.Count - 1, view.Count);
            Assert.DoesNotContain(view, o => o["stixId"]!.GetValue<string>() == secret);
            var seen = view.First(o => o["name"]!.GetValue<string>() == domain);
            Assert.Empty(seen["incidents"]!.AsArray());
            Assert.DoesNotContain(seen["objects"]!.AsArray(), o => o!["stixId"]!.GetValue<string>() == outsiderIndicator);
        }

        // Paging by cursor.
        var page = await Ok(await owner.GetAsync($"/api/incidents/{id}/observables?limit=1"));
        Assert.Single(page["items"]!.AsArray());
        var rest = await Ok(await owner.GetAsync($"/api/incidents/{id}/observables?limit=200&next={Uri.EscapeDataString(page["next"]!.GetValue<string>())}"));
        Assert.Equal(ownerView.Count - 1, rest["items"]!.AsArray().Count);

        // Who may not: outsiders and administrators 404; the observer, viewers and read-only keys 403; nothing changes.
        foreach (var person in new[] { Node.Outsider, Node.NodeAdmin, await OtherOrgAdminAsync(), Node.Recipient })
        {
            var client = Node.Client(person);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/incidents/{id}/observables")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/incidents/{id}/observables/values", new { text = "203.0.113.9" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync($"/api/incidents/{id}/observables/links", new { stixId = secret })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync($"/api/incidents/{id}/observables/{secret}")).StatusCode);
        }

        foreach (var person in new[] { Node.Member, Node.OwnerViewer, await ReadOnlyKeyAsync(Node.OwnerOrg) })
        {
            var client = Node.Client(person);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync($"/api/incidents/{id}/observables/values", new { text = "203.0.113.9" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.DeleteAsync($"/api/incidents/{id}/observables/{domainIndicator["stixId"]}")).StatusCode);
        }

        // A contributor unlinks only what its organisation linked (a link it cannot read is unknown to it).
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.SameCountry).DeleteAsync($"/api/incidents/{id}/observables/{domainIndicator["stixId"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.SameCountry).DeleteAsync($"/api/incidents/{id}/observables/{secret}")).StatusCode);
        Assert.Equal(ownerView.Count, (await ItemsAsync(owner, $"/api/incidents/{id}/observables?limit=200")).Count);
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"/api/incidents/{id}/observables/{secret}")).StatusCode);
        Assert.Equal(ownerView.Count - 1, (await ItemsAsync(owner, $"/api/incidents/{id}/observables?limit=200")).Count);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/intel/objects/{secret}")).StatusCode);
    }

    [Fact]
    public async Task ExportStix_IsAValidBundle_HoldingOnlyWhatTheViewerReads()
    {
        var owner = Node.Client(Node.Owner);
        var id = await CreateAsync(owner, "Export");
        await JoinAsync(id, Node.SameCountry, "contributor");
        await Ok(await owner.PostAsync($"/api/incidents/{id}/journal", new { body = "Shared finding." }), HttpStatusCode.Created);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/journal", new { body = "Owner-only: minister's phone.", ownerOnly = true }), HttpStatusCode.Created);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Secret task", ownerOnly = true }), HttpStatusCode.Created);
        await Ok(await owner.PostAsync($"/api/incidents/{id}/tasks", new { title = "Shared task" }), HttpStatusCode.Created);
        var value = $"exfil-{Guid.NewGuid():N}.example.com";
        var shared = (await Ok(await owner.PostAsync($"/api/incidents/{id}/observables/values", new { text = value }), HttpStatusCode.Created))
            .AsArray().Single()!["stixId"]!.GetValue<string>();
        var ownerJob = await Ok(await owner.PostAsync("/api/intel/text/confirm", new { values = new[] { new { kind = "domain", value = "only-" + value } }, tlp = "red" }));
        var secret = ownerJob["outcomes"]!.AsArray().Select(o => o!["stixId"]!.GetValue<string>()).Single(s => s.StartsWith("indicator--", StringComparison.Ordinal));
        await Ok(await owner.PostAsync($"/api/incidents/{id}/observables/links", new { stixId = secret }), HttpStatusCode.Created);

        async Task<JsonObject> BundleAsync(HttpClient client)
        {
            var response = await client.GetAsync($"/api/incidents/{id}/export/stix");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("application/stix+json", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
            var bundle = (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var validation = StixValidator.ValidateBundle(bundle);
            Assert.True(validation.IsValid, string.Join("\n", validation.Errors.Select(e => $"{e.ObjectId} {e.Path} {e.Rule}: {e.Message}")));
            return bundle;
        }

        static List<JsonNode> Of(JsonObject bundle, string type) => [.. bundle["objects"]!.AsArray().Where(o => o!["type"]!.GetValue<string>() == type).Select(o => o!)];

        var full = await BundleAsync(owner);
        var incident = Assert.Single(Of(full, "incident"));
        Assert.Equal("Export", incident["name"]!.GetValue<string>());
        Assert.Contains(Of(full, "identity"), i => i["id"]!.GetValue<string>() == incident["created_by_ref"]!.GetValue<string>());
        Assert.Equal(4, Of(full, "note").Count);
        Assert.Contains(Of(full, "relationship"), r => r["target_ref"]!.GetValue<string>() == secret);
        Assert.Contains(Of(full, "relationship"), r => r["target_ref"]!.GetValue<string>() == shared);

        var partial = await BundleAsync(Node.Client(Node.SameCountry));
        Assert.Equal(2, Of(partial, "note").Count);
        Assert.DoesNotContain(partial["objects"]!.AsArray(), o => o!.ToJsonString().Contains("minister", StringComparison.Ordinal) || o.ToJsonString().Contains("Secret task", StringComparison.Ordinal));
        Assert.DoesNotContain(partial["objects"]!.AsArray(), o => o!.ToJsonString().Contains(secret, StringComparison.Ordinal));
        Assert.Contains(Of(partial, "relationship"), r => r["target_ref"]!.GetValue<string>() == shared);

        foreach (var person in new[] { Node.Outsider, Node.NodeAdmin, await OtherOrgAdminAsync(), Node.Recipient, Node.Member })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(person).GetAsync($"/api/incidents/{id}/export/stix")).StatusCode);
        }
    }

    [Fact]
    public async Task Observables_AValueTheOrganisationSharedBefore_IsLinkedNotRewritten_ItsReadersLearnNothingOfTheIncident()
    {
        var value = $"shared-{Guid.NewGuid():N}.example.org";
        var owner = Node.Client(Node.Owner);
        // The organisation shared the value with the whole network before (GREEN).
        var confirmed = await Ok(await owner.PostAsync("/api/intel/text/confirm",
            new { values = new[] { new { kind = "domain", value } }, tlp = "green", audiences = new[] { new { kind = "network" } }, published = false }));
        var stixId = confirmed["outcomes"]!.AsArray().Select(o => o!["stixId"]!.GetValue<string>()).Single(s => s.StartsWith("indicator--", StringComparison.Ordinal));
        var outsider = Node.Client(Node.Outsider);
        var before = await Ok(await outsider.GetAsync($"/api/intel/objects/{stixId}"));

        // Then an AMBER incident, shared with nobody else, names the same value.
        var id = await CreateAsync(owner, "Observables: a value shared before");
        await Ok(await owner.PostAsync($"/api/incidents/{id}/observables/values", new { text = $"Beacons to {value}." }), HttpStatusCode.Created);

        // The incident links the organisation's indicator ...
        var items = (await Ok(await owner.GetAsync($"/api/incidents/{id}/observables")))["items"]!.AsArray();
        Assert.Contains(items, i => i!["stixId"]?.GetValue<string>() == stixId);
        // ... and the network's readers still read it as it was: same version, GREEN, nothing of the incident.
        var after = await Ok(await outsider.GetAsync($"/api/intel/objects/{stixId}"));
        Assert.Equal(before["modified"]!.ToJsonString(), after["modified"]!.ToJsonString());
        Assert.Equal(before["tlp"]!.ToJsonString(), after["tlp"]!.ToJsonString());
        Assert.DoesNotContain("INC-", after.ToJsonString(), StringComparison.Ordinal);
        var history = await ItemsAsync(owner, $"/api/intel/objects/{stixId}/history?limit=50");
        Assert.DoesNotContain(history, e => e["via"]?.GetValue<string>() == "incident");
    }

    [Fact]
    public async Task ParticipantsObjects_NeverWidenedByTheOwnersLaterInvitations_OwnersObjectsFollow_Review_S7_1()
    {
        var owner = Node.Client(Node.Owner);
        var id = await CreateAsync(owner, "Widening");
        await JoinAsync(id, Node.SameCountry, "contributor");
        var theirs = (await Ok(await Node.Client(Node.SameCountry).PostAsync($"/api/incidents/{id}/observables/values",
            new { text = $"c2-{Guid.NewGuid():N}.example.net" }), HttpStatusCode.Created)).AsArray().Single()!["stixId"]!.GetValue<string>();
        var ours = (await Ok(await owner.PostAsync($"/api/incidents/{id}/observables/values",
            new { text = $"drop-{Guid.NewGuid():N}.example.net" }), HttpStatusCode.Created)).AsArray().Single()!["stixId"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Member).GetAsync($"/api/intel/objects/{theirs}")).StatusCode);

        // The owner invites a third organisation: it reads the incident and the owner's object, not the participant's.
        await JoinAsync(id, Node.Member, "observer");
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(Node.Member).GetAsync($"/api/intel/objects/{ours}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Member).GetAsync($"/api/intel/objects/{theirs}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(Node.SameCountry).GetAsync($"/api/intel/objects/{theirs}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/intel/objects/{theirs}")).StatusCode);
    }

    [Fact]
    public async Task ExportStix_TwoCountries_AndOneCopyPerId_TheViewersServedCopyOnly_Review_S7_2_S7_3()
    {
        var owner = Node.Client(Node.Owner);
        var id = (await Ok(await owner.PostAsync("/api/incidents", new { title = "Two countries", summary = "s", tlp = "amber", severity = "high",
            sector = "public-administration", countries = KosovoAndAlbania }), HttpStatusCode.Created))["id"]!.GetValue<string>();
        await JoinAsync(id, Node.SameCountry, "contributor");
        await JoinAsync(id, Node.Recipient, "observer");

        // The owner's malware, then the contributor's later, revoked copy under the same id, both shared network-wide.
        var malware = $"malware--{Guid.NewGuid()}";
        string Bundle(string modified, string extra) => $$"""{"type":"bundle","id":"bundle--{{Guid.NewGuid()}}","objects":[{"type":"malware","spec_version":"2.1","id":"{{malware}}","created":"2026-01-01T00:00:00.000Z","modified":"{{modified}}","name":"Loader","is_family":true{{extra}}}]}""";
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync("/api/intel/bundles?tlp=green&audience=network",
            new StringContent(Bundle("2026-01-01T00:00:00.000Z", ""), System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        var contributor = Node.Client(Node.SameCountry);
        Assert.Equal(HttpStatusCode.OK, (await contributor.PostAsync("/api/intel/bundles?tlp=green&audience=network",
            new StringContent(Bundle("2026-02-01T00:00:00.000Z", ",\"revoked\":true,\"description\":\"FALSE POSITIVE\""), System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        await Ok(await contributor.PostAsync($"/api/incidents/{id}/observables/links", new { stixId = malware }), HttpStatusCode.Created);

        var response = await Node.Client(Node.Recipient).GetAsync($"/api/incidents/{id}/export/stix");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bundle = (JsonObject)JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(StixValidator.ValidateBundle(bundle).IsValid);
        var copies = bundle["objects"]!.AsArray().Where(o => o!["id"]!.GetValue<string>() == malware).ToList();
        var served = Assert.Single(copies);
        Assert.Null(served!["revoked"]);
        Assert.Equal("2026-01-01T00:00:00.000Z", served["modified"]!.GetValue<string>());
        var incident = bundle["objects"]!.AsArray().Single(o => o!["type"]!.GetValue<string>() == "incident")!;
        Assert.Contains("XK", incident.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestEvents_AreSeenOnlyByWhoSeesTheRequest()
    {
        var owner = Node.Client(Node.Owner);
        var id = await CreateAsync(owner, "Requests in the journal");
        await JoinAsync(id, Node.SameCountry, "contributor");
        await JoinAsync(id, Node.Member, "observer");
        await JoinAsync(id, Node.Recipient, "contributor");
        var request = await Ok(await Node.Client(Node.Recipient).PostAsync($"/api/incidents/{id}/requests",
            new { kind = "block-indicators", title = "Block these", details = "203.0.113.5", organisationIds = new[] { Node.SameCountryOrg } }), HttpStatusCode.Created);
        Assert.NotNull(request["id"]);

        static bool IsRequestEvent(JsonNode e) => e["event"]?.GetValue<string>()?.StartsWith("request-", StringComparison.Ordinal) == true;
        foreach (var person in new[] { Node.Owner, Node.Recipient, Node.SameCountry })
        {
            var journal = await ItemsAsync(Node.Client(person), $"/api/incidents/{id}/journal?limit=200");
            Assert.Contains(journal, e => IsRequestEvent(e) && e["subjectOrganisationId"]!.GetValue<Guid>() == Node.SameCountryOrg);
        }

        // The observer takes part but neither asked nor was asked: no event, no organisation, no kind.
        var observer = await ItemsAsync(Node.Client(Node.Member), $"/api/incidents/{id}/journal?limit=200");
        Assert.DoesNotContain(observer, IsRequestEvent);
        Assert.DoesNotContain(observer, e => e.ToJsonString().Contains("block-indicators", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MergeAndDuplicate_OwnerOfBothMerges_WithConfirmation_OthersCannot()
    {
        var owner = Node.Client(Node.Owner);
        var away = await CreateAsync(owner, "Merged away");
        var survivor = await CreateAsync(owner, "Survivor");
        var task = (await Ok(await owner.PostAsync($"/api/incidents/{away}/tasks", new { title = "Carried over" }), HttpStatusCode.Created))["id"]!.GetValue<string>();
        await Ok(await owner.PostAsync($"/api/incidents/{away}/journal", new { body = "Carried entry." }), HttpStatusCode.Created);
        await JoinAsync(away, Node.SameCountry, "coordinator");
        var survivorNumber = (await Ok(await owner.GetAsync($"/api/incidents/{survivor}")))["number"]!.GetValue<string>();

        // Others: 404 for who does not read it, 403 for a coordinator (not the owner), for viewers and read-only keys.
        foreach (var person in new[] { Node.Outsider, Node.NodeAdmin, await OtherOrgAdminAsync() })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(person).PostAsync($"/api/incidents/{away}/merge", new { into = survivor, confirm = true })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(person).PostAsync($"/api/incidents/{away}/duplicate", new { of = survivor })).StatusCode);
        }

        foreach (var person in new[] { Node.SameCountry, Node.OwnerViewer, await ReadOnlyKeyAsync(Node.OwnerOrg) })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(person).PostAsync($"/api/incidents/{away}/merge", new { into = survivor, confirm = true })).StatusCode);
        }

        // The coordinator does not read the survivor: for it the reference does not exist.
        await AssertBadRequest(await Node.Client(Node.SameCountry).PostAsync($"/api/incidents/{away}/duplicate", new { of = survivor }), "of");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{away}/merge", new { into = survivor }), "confirm");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{away}/merge", new { into = away, confirm = true }), "into");
        Assert.Equal("new", (await Ok(await owner.GetAsync($"/api/incidents/{away}")))["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.SameCountry).GetAsync($"/api/incidents/{survivor}")).StatusCode);

        var outcome = await Ok(await owner.PostAsync($"/api/incidents/{away}/merge", new { into = survivorNumber, confirm = true }));
        Assert.Equal(1, outcome["tasks"]!.GetValue<int>());
        Assert.Equal(Node.SameCountryOrg, Assert.Single(outcome["participantsAdded"]!.AsArray())!.GetValue<Guid>());
        Assert.Equal("duplicate", (await Ok(await owner.GetAsync($"/api/incidents/{away}")))["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/incidents/{survivor}/tasks/{task}")).StatusCode);
        Assert.Contains(await ItemsAsync(owner, $"/api/incidents/{survivor}/journal?limit=200"), e => e["body"]!.GetValue<string>() == "Carried entry.");
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(Node.SameCountry).GetAsync($"/api/incidents/{survivor}")).StatusCode);
        Assert.Equal(1, await AuditCountAsync(AuditEvent.IncidentMerged, $"incident:{away}"));

        // Mark duplicate: a third incident points to the survivor.
        var third = await CreateAsync(owner, "Reported twice");
        await AssertBadRequest(await owner.PostAsync($"/api/incidents/{third}/duplicate", new { of = Guid.NewGuid() }), "of");
        var marked = await Ok(await owner.PostAsync($"/api/incidents/{third}/duplicate", new { of = survivor, reason = "Same mail server." }));
        Assert.Equal("duplicate", marked["status"]!.GetValue<string>());
        Assert.Equal(1, await AuditCountAsync(AuditEvent.IncidentMarkedDuplicate, $"incident:{third}"));
    }
}

public sealed class SqliteIncidentCoordinationTests(SqliteNode fixture) : IncidentCoordinationTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIncidentCoordinationTests(PostgresNode fixture) : IncidentCoordinationTests(fixture), IClassFixture<PostgresNode>;
