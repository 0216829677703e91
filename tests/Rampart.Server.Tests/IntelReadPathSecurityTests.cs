using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Intelligence.Read;
using Rampart.Standards.Stix;

namespace Rampart.Server.Tests;

/*
 * Read-path security of the intelligence store (issue 9, "Security tests"): another organisation, and every kind of
 * administrator, tries to reach an object of organisation A (OWNER) it must not see.
 *
 * What the other test classes already covered before this one (S = SQLite + PostgreSQL):
 *
 * | path                     | by STIX id | guessed id | by value      | correlating value | callers tried                                         |
 * |--------------------------|------------|------------|---------------|-------------------|-------------------------------------------------------|
 * | object, ?owner=          | ReadTests  | ReadTests  | —             | —                 | outsider, outsider admin, node admin, anonymous (AMBER)|
 * | versions, correlations   | ReadTests  | —          | —             | ReadTests         | same (AMBER only)                                      |
 * | search (value/net/type)  | —          | —          | ReadTests     | —                 | same (AMBER only)                                      |
 * | search text (q=)         | —          | —          | SearchDecay   | —                 | outsider                                               |
 * | bulk lookup              | —          | —          | ReadTests     | —                 | outsider, node admin, outsider admin (AMBER)           |
 * | sightings GET/POST       | SearchDecay| —          | —             | —                 | outsider (AMBER)                                       |
 * | exports (10 formats)     | —          | —          | ExportTests   | —                 | outsider, admins, anonymous 401 (AMBER)                |
 * | text preview "known"     | —          | —          | IngestTests   | —                 | outsider, recipient, node admin, member (AMBER)        |
 * | import job results       | IngestTests| IngestTests| —             | —                 | outsider, recipient, node admin                        |
 * | stream / webhooks        | LiveTests  | —          | —             | —                 | outsider, outsider admin, node admin, same country     |
 * | feed status              | FeedTests  | —          | —             | —                 | other organisation, node admin                         |
 * | pages /intel             | PageQuery  | PageQuery  | PageQuery     | PageQuery         | outsider, admins                                       |
 * | admin sequences          | PrivilegeBoundaryTests, for notes only                                                                        |
 *
 * The gaps this class fills: AMBER+STRICT and RED objects (with the community member, the recipient's colleague);
 * the viewer role and a read-only API key of B; the deterministic SCO id of a value B knows; the answer for an
 * invisible object being byte-for-byte the answer for an unknown one (status and body) on every by-id path,
 * revoke/withdraw and sighting POST included; search by label, TLP, owner, domain parent, prefix and text for
 * every level; every export format restricted to A's objects stating TLP:CLEAR and carrying none of A's values;
 * the audit log of node and organisation admins; import outcomes (bundle with A's ids, CSV, MISP) that might say
 * "unchanged" where the value exists; a B object sharing the value (correlations, "common", copies, sighting
 * counts); the command-line operator; and administrative sequences on intelligence objects.
 * Stream and webhooks, feed status and the pages stay with their own classes (AMBER community, all the admins).
 */

/// <summary>
/// Another organisation, each of its roles, a read-only key, the node admin, the operator and anonymous clients try
/// every intelligence read path to reach organisation A's AMBER, AMBER+STRICT and RED objects. SQLite and PostgreSQL.
/// </summary>
public abstract class IntelReadPathSecurityTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static readonly string[] ExportFormats = ["stix", "csv", "ips", "cidrs", "domains", "urls", "hashes", "rpz", "suricata", "misp"];

    /// <summary>One object of A, shared by HTTP as an analyst of A would: indicator, its SCO, a domain and a URL.</summary>
    private sealed record Secret(string Level, string Indicator, string Sco, string Ip, string Domain, string Url, string Word, string Label, string Job)
    {
        public IEnumerable<string> Ids => [Indicator, Sco];

        public IEnumerable<string> Values => [Ip, Domain, Url, Word, Label];
    }

    private static string Short() => Guid.NewGuid().ToString("N")[..12];

    private static string RandomIp() => $"198.18.{Random.Shared.Next(0, 255)}.{Random.Shared.Next(1, 255)}";

    private static string ScoIdOf(string ip) => ScoIds.Compute(new JsonObject { ["type"] = "ipv4-addr", ["value"] = ip })!;

    private static string Bundle(params JsonObject[] objects) =>
        new JsonObject { ["type"] = "bundle", ["id"] = $"bundle--{Guid.NewGuid()}", ["objects"] = new JsonArray(objects.Select(o => (JsonNode)o).ToArray()) }.ToJsonString();

    private static JsonObject Indicator(string id, string pattern, string name, string[]? labels = null) => new()
    {
        ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-10-01T00:00:00.000Z", ["modified"] = "2026-10-01T00:00:00.000Z",
        ["name"] = name, ["description"] = name, ["pattern"] = pattern, ["pattern_type"] = "stix", ["valid_from"] = "2026-10-01T00:00:00.000Z",
        ["labels"] = new JsonArray([.. (labels ?? ["probe"]).Select(l => (JsonNode)l)]),
    };

    private static JsonObject Ipv4(string ip) => new() { ["type"] = "ipv4-addr", ["spec_version"] = "2.1", ["id"] = ScoIdOf(ip), ["value"] = ip };

    private static async Task<JsonNode> ImportAsync(SeededNode node, Person person, string bundle, string query)
    {
        var response = await node.Client(person).PostAsync($"/api/intel/bundles?{query}", new StringContent(bundle, Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await Json.ReadAsync(response);
    }

    private static List<string> Outcomes(JsonNode job) => [.. job["outcomes"]!.AsArray().Select(o => o!["outcome"]!.GetValue<string>())];

    /// <summary>A's analyst shares an indicator (IP, domain and URL), the IP's SCO, with one word and one label nobody else uses.</summary>
    private static async Task<Secret> ShareAsync(SeededNode node, string level, string audienceQuery)
    {
        var tag = Short();
        var ip = RandomIp();
        var domain = $"c2-{tag}.secret-{tag}.example";
        var url = $"https://login.{domain}/{tag}";
        var word = $"w{tag}";
        var label = $"l{tag}";
        var indicator = $"indicator--{Guid.NewGuid()}";
        var job = await ImportAsync(node, node.Owner,
            Bundle(
                Indicator(indicator, $"[ipv4-addr:value = '{ip}'] OR [domain-name:value = '{domain}'] OR [url:value = '{url}']", $"{word} infrastructure", labels: [label]),
                Ipv4(ip)),
            $"tlp={Uri.EscapeDataString(level)}&{audienceQuery}");
        Assert.All(Outcomes(job), o => Assert.Equal("added", o));
        return new Secret(level, indicator, ScoIdOf(ip), ip, domain, url, word, label, job["id"]!.GetValue<string>());
    }

    private static Task<Secret> AmberAsync(SeededNode node) => ShareAsync(node, "amber", $"audience=community:{node.Community}");

    private static Task<Secret> AmberStrictAsync(SeededNode node) => ShareAsync(node, "amber+strict", $"audience=organisation:{node.RecipientOrg}");

    private static Task<Secret> RedAsync(SeededNode node) => ShareAsync(node, "red", $"audience=person:{node.Recipient.UserId}");

    private static async Task<Person> PersonAsync(SeededNode node, Guid organisation, Role role, bool readOnlyKey = false)
    {
        await using var scope = node.Factory.Services.CreateAsyncScope();
        return await SeededNode.PersonAsync(scope.ServiceProvider, organisation, $"{Short()}@{role.ToString().ToLowerInvariant()}.test", role, readOnlyKey);
    }

    /// <summary>Organisation B (OUTSIDE) in every role, a read-only key, the node admin, a same-country team and anonymous.</summary>
    private static async Task<List<(string Who, Person? Person)>> StrangersAsync(SeededNode node) =>
    [
        ("B analyst", node.Outsider),
        ("B viewer", await PersonAsync(node, node.OutsiderOrg, Role.Viewer)),
        ("B org admin", await PersonAsync(node, node.OutsiderOrg, Role.OrgAdmin)),
        ("B read-only key", await PersonAsync(node, node.OutsiderOrg, Role.Analyst, readOnlyKey: true)),
        ("node admin", node.NodeAdmin),
        ("node admin's read-only key", await PersonAsync(node, node.NodeOrg, Role.NodeAdmin, readOnlyKey: true)),
        ("same-country team", node.SameCountry),
        ("anonymous", null),
    ];

    /// <summary>Status and body, without the per-request trace id: what tells one answer from another.</summary>
    private static async Task<string> AnswerAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (text.Length > 0 && text[0] == '{' && JsonNode.Parse(text) is JsonObject o)
        {
            o.Remove("traceId");
            text = o.ToJsonString();
        }

        return $"{(int)response.StatusCode} {text}";
    }

    /// <summary>The invisible object's id and an unknown one of the same type get the same answer on a path, and it is no success.</summary>
    private static async Task SameAsUnknownAsync(HttpClient client, string who, Func<string, HttpRequestMessage> request, string secretId, string unknownId)
    {
        var hidden = await client.SendAsync(request(secretId));
        var unknown = await client.SendAsync(request(unknownId));
        var hiddenAnswer = await AnswerAsync(hidden);
        Assert.False(hidden.IsSuccessStatusCode, $"{who}: {hidden.RequestMessage!.Method} {hidden.RequestMessage.RequestUri} answered {hiddenAnswer}");
        Assert.Equal(await AnswerAsync(unknown), hiddenAnswer.Replace(secretId, unknownId, StringComparison.Ordinal));
    }

    private static HttpRequestMessage Get(string url) => new(HttpMethod.Get, url);

    private static HttpRequestMessage Post(string url, object body) => new(HttpMethod.Post, url) { Content = System.Net.Http.Json.JsonContent.Create(body, options: Json.Options) };

    private static void Reveals(string answer, Secret secret, string who, string path)
    {
        foreach (var s in secret.Ids.Concat(secret.Values))
        {
            Assert.False(answer.Contains(s, StringComparison.OrdinalIgnoreCase), $"{who}: {path} reveals '{s}' of the {secret.Level} object: {answer[..Math.Min(answer.Length, 400)]}");
        }
    }

    private static async Task ByIdAsync(SeededNode node, Secret secret, string who, Person? person)
    {
        var client = node.Client(person);
        var unknownIndicator = $"indicator--{Guid.NewGuid()}";
        var unknownSco = ScoIdOf(RandomIp());
        var sighting = new { count = 1, firstSeen = "2026-11-01T00:00:00Z", lastSeen = "2026-11-01T01:00:00Z", where = "probe" };
        Func<string, HttpRequestMessage>[] paths =
        [
            id => Get($"/api/intel/objects/{id}"),
            id => Get($"/api/intel/objects/{id}?owner={node.OwnerOrg}"),
            id => Get($"/api/intel/objects/{id}/versions"),
            id => Get($"/api/intel/objects/{id}/versions?owner={node.OwnerOrg}"),
            id => Get($"/api/intel/objects/{id}/correlations"),
            id => Get($"/api/intel/objects/{id}/correlations?owner={node.OwnerOrg}"),
            id => Get($"/api/intel/objects/{id}/sightings"),
            id => Post($"/api/intel/objects/{id}/sightings", sighting),
            id => Post($"/api/intel/objects/{id}/revoke", new { }),
            id => Post($"/api/intel/objects/{id}/withdraw", new { reason = "probe" }),
        ];
        foreach (var path in paths)
        {
            await SameAsUnknownAsync(client, who, path, secret.Indicator, unknownIndicator);
            // The SCO's id is deterministic: anyone who knows the address knows it.
            await SameAsUnknownAsync(client, who, path, secret.Sco, unknownSco);
        }

        await SameAsUnknownAsync(client, who, id => Get($"/api/intel/imports/{id}"), secret.Job, Guid.CreateVersion7().ToString());
    }

    private static async Task ByValueAsync(SeededNode node, Secret secret, string who, Person? person, bool readsSomeOfA)
    {
        var client = node.Client(person);
        var ipNet = secret.Ip[..secret.Ip.LastIndexOf('.')] + ".0/24";
        var parent = secret.Domain[(secret.Domain.IndexOf('.', StringComparison.Ordinal) + 1)..];
        string[] searches =
        [
            $"value={secret.Ip}", $"value={ipNet}&match=network", $"value={secret.Domain}", $"value={parent}&match=domain",
            $"value={secret.Domain[..8]}&match=prefix", $"value={Uri.EscapeDataString(secret.Url)}", $"q={secret.Word}", $"label={secret.Label}",
            $"owner={node.OwnerOrg}", $"tlp={Uri.EscapeDataString(secret.Level)}&type=indicator", "type=ipv4-addr",
        ];
        foreach (var query in searches)
        {
            var response = await client.GetAsync($"/api/intel/objects?{query}&limit=200");
            Reveals(await response.Content.ReadAsStringAsync(), secret, who, $"search {query}");
            if (person is not null)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }

        var lookup = await client.PostAsync("/api/intel/lookup", new { values = new[] { secret.Ip, secret.Domain, secret.Url, ipNet, parent } });
        Reveals(await lookup.Content.ReadAsStringAsync(), secret, who, "lookup");
        Assert.Equal(person is null ? HttpStatusCode.Unauthorized : HttpStatusCode.OK, lookup.StatusCode);

        var preview = await client.PostAsync("/api/intel/text", new { text = $"Tonight: {secret.Ip} and hxxps://login[.]{secret.Domain}/x, {secret.Url}" });
        var previewText = await preview.Content.ReadAsStringAsync();
        if (preview.IsSuccessStatusCode)
        {
            // The preview repeats the values it was given; what it must not add is any known match of A's.
            var known = (await Json.ReadAsync(preview))["values"]!.AsArray().SelectMany(v => v!["known"]!.AsArray()).Select(k => k!.ToJsonString());
            Assert.All(known, k => Assert.False(secret.Ids.Any(id => k.Contains(id, StringComparison.Ordinal)) || k.Contains(node.OwnerOrg.ToString(), StringComparison.Ordinal), $"{who}: preview shows {k}"));
        }
        else
        {
            Reveals(previewText, secret, who, "text preview");
        }

        foreach (var format in ExportFormats)
        {
            foreach (var filter in new[] { "", $"?owner={node.OwnerOrg}", $"?owner={node.OwnerOrg}&includeWarningListed=true&includeDecayed=true&type={(format == "stix" ? "indicator" : "indicator")}" })
            {
                var export = await client.GetAsync($"/api/intel/exports/{format}{filter}");
                var body = await export.Content.ReadAsStringAsync();
                if (person is null)
                {
                    Assert.Equal(HttpStatusCode.Unauthorized, export.StatusCode);
                    continue;
                }

                Assert.True(export.StatusCode == HttpStatusCode.OK, $"{who}: export {format}{filter}: {export.StatusCode} {body}");
                Reveals(body, secret, who, $"export {format}{filter}");
                if (filter.Length > 0 && !readsSomeOfA)
                {
                    // Nothing of A is readable: the stated marking of A's part of the node is the lowest, in the header and the body.
                    Assert.Equal("TLP:CLEAR", export.Headers.GetValues("X-Rampart-Tlp").Single());
                    Assert.DoesNotContain("TLP:AMBER", body, StringComparison.OrdinalIgnoreCase);
                    Assert.DoesNotContain("TLP:RED", body, StringComparison.OrdinalIgnoreCase);
                }
            }
        }
    }

    [Fact]
    public async Task EveryReadPath_StrangersOfEveryKind_ReachNoAmberStrictOrRedObjectOfAnotherOrganisation()
    {
        var node = Node;
        var amber = await AmberAsync(node);
        var strict = await AmberStrictAsync(node);
        var red = await RedAsync(node);
        var strangers = await StrangersAsync(node);

        // Positive control: the audience of each reads it, so the 404s below are the access decision, not a broken path.
        foreach (var (secret, reader) in new[] { (amber, node.Member), (strict, node.RecipientColleague), (red, node.Recipient) })
        {
            Assert.Equal(HttpStatusCode.OK, (await node.Client(reader).GetAsync($"/api/intel/objects/{secret.Indicator}")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await node.Client(reader).GetAsync($"/api/intel/objects/{secret.Sco}")).StatusCode);
            var lookup = await Json.ReadAsync(await node.Client(reader).PostAsync("/api/intel/lookup", new { values = new[] { secret.Ip } }));
            Assert.Contains(lookup["known"]!.AsArray(), k => k!["stixId"]!.GetValue<string>() == secret.Indicator);
        }

        var cases = new List<(Secret Secret, string Who, Person? Person)>();
        foreach (var secret in new[] { amber, strict, red })
        {
            cases.AddRange(strangers.Select(s => (secret, s.Who, s.Person)));
        }

        // Inside the audience's reach but not in it: the community member for AMBER+STRICT and RED, the named person's colleague for RED.
        cases.Add((strict, "community member", node.Member));
        cases.Add((red, "community member", node.Member));
        cases.Add((red, "the named person's colleague", node.RecipientColleague));
        cases.Add((amber, "organisation outside the community", node.Recipient));

        foreach (var (secret, who, person) in cases)
        {
            await ByIdAsync(node, secret, $"{who} ({secret.Level})", person);
            // The community member and the recipient legitimately read another of A's objects: the stated TLP of A's part is theirs.
            await ByValueAsync(node, secret, $"{who} ({secret.Level})", person, readsSomeOfA: person == node.Member || person == node.Recipient || person == node.RecipientColleague);
        }

        // The audit log of every administrator outside A names none of A's objects or values.
        foreach (var admin in new[] { node.NodeAdmin, strangers.Single(s => s.Who == "B org admin").Person! })
        {
            var audit = await node.Client(admin).GetAsync("/api/audit?limit=200");
            Assert.Equal(HttpStatusCode.OK, audit.StatusCode);
            var text = await audit.Content.ReadAsStringAsync();
            foreach (var secret in new[] { amber, strict, red })
            {
                Reveals(text, secret, admin.Email, "audit log");
            }
        }
    }

    [Fact]
    public async Task CorrelatingValue_BHoldsTheSameValuesAndIds_NothingOfAShowsNotAsCopyCountOrCommon()
    {
        var node = Node;
        var secret = await AmberAsync(node);
        // A reader of A's object reports a sighting of it: a count that must stay on A's record.
        Assert.Equal(HttpStatusCode.Created, (await node.Client(node.Member).PostAsync($"/api/intel/objects/{secret.Indicator}/sightings",
            new { count = 3, firstSeen = "2026-11-01T00:00:00Z", lastSeen = "2026-11-01T01:00:00Z", where = "member network" })).StatusCode);

        // A also holds the domain and the URL as observables (deterministic ids B can compute).
        Assert.All(Outcomes(await ImportAsync(node, node.Owner, Bundle(
            new JsonObject { ["type"] = "domain-name", ["spec_version"] = "2.1", ["id"] = ScoIds.Compute(new JsonObject { ["type"] = "domain-name", ["value"] = secret.Domain }), ["value"] = secret.Domain },
            new JsonObject { ["type"] = "url", ["spec_version"] = "2.1", ["id"] = ScoIds.Compute(new JsonObject { ["type"] = "url", ["value"] = secret.Url }), ["value"] = secret.Url }),
            $"tlp=amber&audience=community:{node.Community}")), o => Assert.Equal("added", o));

        // B imports what it knows: its own indicator on the same values, the same SCO (same deterministic id) and an object under A's indicator id.
        var own = $"indicator--{Guid.NewGuid()}";
        var fresh = $"indicator--{Guid.NewGuid()}";
        var freshIp = RandomIp();
        var job = await ImportAsync(node, node.Outsider, Bundle(
            Indicator(own, $"[ipv4-addr:value = '{secret.Ip}'] OR [domain-name:value = '{secret.Domain}']", "B's own sighting of it"),
            Ipv4(secret.Ip),
            Indicator(secret.Indicator, $"[url:value = '{secret.Url}']", "B under A's id"),
            Indicator(fresh, $"[ipv4-addr:value = '{freshIp}']", "control"),
            Ipv4(freshIp)), "tlp=amber");
        // The outcome of a value or id A holds is that of one nobody holds: "added", never "unchanged" or a conflict.
        Assert.Equal(["added", "added", "added", "added", "added"], Outcomes(job));
        Reveals(job.ToJsonString().Replace(secret.Indicator, "", StringComparison.Ordinal).Replace(secret.Sco, "", StringComparison.Ordinal)
            .Replace(secret.Ip, "", StringComparison.Ordinal).Replace(secret.Domain, "", StringComparison.Ordinal).Replace(secret.Url, "", StringComparison.Ordinal),
            secret, "B analyst", "bundle import outcomes");

        var csv = await node.Client(node.Outsider).PostAsync("/api/intel/csv?tlp=amber&kind=domain&header=false&value_column=1",
            new StringContent($"{secret.Domain}\nfresh-{Short()}.example\n", Encoding.UTF8, new MediaTypeHeaderValue("text/csv")));
        var csvText = await csv.Content.ReadAsStringAsync();
        Assert.True(csv.IsSuccessStatusCode, csvText);
        Assert.All(Outcomes(JsonNode.Parse(csvText)!), o => Assert.Equal("added", o));
        Assert.DoesNotContain(secret.Indicator, csvText, StringComparison.Ordinal);

        var misp = await node.Client(node.Outsider).PostAsync("/api/intel/misp?tlp=amber", new StringContent(new JsonObject
        {
            ["Event"] = new JsonObject
            {
                ["uuid"] = Guid.NewGuid().ToString(), ["info"] = "B's event", ["date"] = "2026-11-01", ["timestamp"] = "1793491200",
                ["Attribute"] = new JsonArray(new JsonObject { ["uuid"] = Guid.NewGuid().ToString(), ["type"] = "url", ["category"] = "Network activity", ["value"] = secret.Url, ["to_ids"] = true }),
            },
        }.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json")));
        var mispText = await misp.Content.ReadAsStringAsync();
        Assert.True(misp.IsSuccessStatusCode, mispText);
        // The converted event names its report twice (the second time "unchanged", B's own); each object's first outcome is "added".
        var firsts = JsonNode.Parse(mispText)!["outcomes"]!.AsArray().GroupBy(o => o!["stixId"]!.GetValue<string>()).Select(g => g.First()!["outcome"]!.GetValue<string>());
        Assert.True(firsts.All(o => o == "added"), mispText);
        Assert.DoesNotContain(secret.Indicator, mispText, StringComparison.Ordinal);

        foreach (var who in new[] { node.Outsider, await PersonAsync(node, node.OutsiderOrg, Role.OrgAdmin), node.NodeAdmin })
        {
            var client = node.Client(who);
            var b = who.OrganisationId == node.OutsiderOrg;

            // B's copies: B's own, and no word of A's.
            foreach (var id in new[] { secret.Sco, secret.Indicator })
            {
                var read = await client.GetAsync($"/api/intel/objects/{id}");
                if (!b)
                {
                    Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
                    continue;
                }

                var body = await Json.ReadAsync(read);
                Assert.Equal(node.OutsiderOrg, body["ownerOrganisationId"]!.GetValue<Guid>());
                var copies = body["copies"]!.AsArray();
                Assert.Single(copies);
                Assert.DoesNotContain(node.OwnerOrg.ToString(), body.ToJsonString(), StringComparison.Ordinal);
                Assert.Equal(0, body["sightingCount"]!.GetValue<int>());
                Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/intel/objects/{id}?owner={node.OwnerOrg}")).StatusCode);

                // Sightings of A's record (3) do not count on B's copy of the same id.
                var sightings = await Json.ReadAsync(await client.GetAsync($"/api/intel/objects/{id}/sightings"));
                Assert.Equal(0, sightings["total"]!.GetValue<int>());
                Assert.Null(sightings["lastSightedAt"]);
            }

            if (!b)
            {
                continue;
            }

            // Correlations of B's objects: B's own only; nothing is "common" because A holds it too.
            foreach (var id in new[] { own, secret.Sco, secret.Indicator })
            {
                var correlations = await Json.ReadAsync(await client.GetAsync($"/api/intel/objects/{id}/correlations"));
                Assert.Empty(correlations["common"]!.AsArray());
                Assert.All(correlations["items"]!.AsArray(), i => Assert.Equal(node.OutsiderOrg, i!["ownerOrganisationId"]!.GetValue<Guid>()));
                Assert.DoesNotContain(node.OwnerOrg.ToString(), correlations.ToJsonString(), StringComparison.Ordinal);
            }

            var lookup = await Json.ReadAsync(await client.PostAsync("/api/intel/lookup", new { values = new[] { secret.Ip, secret.Domain, secret.Url } }));
            Assert.NotEmpty(lookup["known"]!.AsArray());
            Assert.DoesNotContain(node.OwnerOrg.ToString(), lookup.ToJsonString(), StringComparison.Ordinal);

            var search = await Json.ReadAsync(await client.GetAsync($"/api/intel/objects?value={secret.Ip}&limit=200"));
            Assert.NotEmpty(search["items"]!.AsArray());
            Assert.DoesNotContain(node.OwnerOrg.ToString(), search.ToJsonString(), StringComparison.Ordinal);

            var preview = await Json.ReadAsync(await client.PostAsync("/api/intel/text", new { text = $"seen {secret.Ip} and {secret.Domain}" }));
            Assert.DoesNotContain(node.OwnerOrg.ToString(), preview.ToJsonString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Operator_CommandLineCaller_ReadsNoObjectOfAnOrganisation()
    {
        var secret = await AmberAsync(Node);
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<IntelQueries>();
        foreach (var id in secret.Ids)
        {
            var (read, copies) = await queries.FindAsync(Caller.Operator(), id, null, default);
            Assert.Null(read);
            Assert.Empty(copies);
        }
    }

    [Fact]
    public async Task AdministrativeSequences_OnIntelligence_NeverOpenWhatTheAccessDecisionDenies_UntilTheModeratorAdmits()
    {
        await using var node = await SeededNode.CreateAsync(Node.Database.Provider);
        var amber = await AmberAsync(node);
        var red = await ShareAsync(node, "red", "");
        var outsiderAdmin = await PersonAsync(node, node.OutsiderOrg, Role.OrgAdmin);
        var nodeAdmin = node.Client(node.NodeAdmin);
        var bAdmin = node.Client(outsiderAdmin);
        var credentials = new List<(string Who, string Key)> { ("B org admin", outsiderAdmin.ApiKey), ("node admin", node.NodeAdmin.ApiKey), ("B analyst", node.Outsider.ApiKey) };

        async Task NothingReadsAsync(string step)
        {
            foreach (var (who, key) in credentials)
            {
                var client = node.Factory.ClientWithKey(key);
                foreach (var secret in new[] { amber, red })
                {
                    Assert.True(HttpStatusCode.NotFound == (await client.GetAsync($"/api/intel/objects/{secret.Indicator}")).StatusCode, $"after {step}, {who} reads the {secret.Level} object");
                    var lookup = await client.PostAsync("/api/intel/lookup", new { values = new[] { secret.Ip } });
                    Reveals(await lookup.Content.ReadAsStringAsync(), secret, who, $"lookup after {step}");
                }
            }
        }

        // 1. B's admin and the node admin ask B (and the node's organisation) into A's community: requests, not membership.
        var asked = await bAdmin.PostAsync($"/api/communities/{node.Community}/members", new { organisationId = node.OutsiderOrg });
        Assert.Equal(HttpStatusCode.Accepted, asked.StatusCode);
        var request = (await Json.ReadAsync(asked))["id"]!.GetValue<Guid>();
        Assert.False((await bAdmin.PostAsync($"/api/communities/requests/{request}/accept", new { })).IsSuccessStatusCode);
        Assert.False((await nodeAdmin.PostAsync($"/api/communities/requests/{request}/accept", new { })).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await nodeAdmin.PostAsync($"/api/communities/{node.Community}/members", new { organisationId = node.NodeOrg })).StatusCode);
        await NothingReadsAsync("asking to join A's community");

        // 2. The node admin renames B after A and gives it A's details: names are not identities.
        var renamed = await nodeAdmin.PutAsync($"/api/organisations/{node.OutsiderOrg}", new { name = "Team OWNER", shortName = "OWNER2", country = "AL", kind = "national-cert" });
        Assert.True(renamed.IsSuccessStatusCode, await renamed.Content.ReadAsStringAsync());
        Assert.False((await nodeAdmin.PutAsync($"/api/organisations/{node.OutsiderOrg}", new { name = "Team OWNER", shortName = "OWNER", country = "AL", kind = "national-cert" })).IsSuccessStatusCode);
        await NothingReadsAsync("renaming B after A");

        // 3. Keys: for A's people refused; their own keys (write and read-only) read as themselves.
        foreach (var admin in new[] { nodeAdmin, bAdmin })
        {
            Assert.False((await admin.PostAsync($"/api/users/{node.Owner.UserId}/keys", new { name = "impersonate" })).IsSuccessStatusCode);
        }

        foreach (var (who, person, client) in new[] { ("node admin", node.NodeAdmin, nodeAdmin), ("B org admin", outsiderAdmin, bAdmin) })
        {
            var created = await client.PostAsync($"/api/users/{person.UserId}/keys", new { name = "fresh", readOnly = true });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            credentials.Add(($"{who}'s new key", (await Json.ReadAsync(created))["key"]!.GetValue<string>()));
        }

        // 4. Roles do not change over the API; users are not created in A.
        Assert.False((await nodeAdmin.PutAsync($"/api/users/{node.Outsider.UserId}", new { role = "org-admin", organisationId = node.OwnerOrg })).IsSuccessStatusCode);
        Assert.False((await nodeAdmin.PostAsync("/api/users", new { email = "plant@owner.test", organisationId = node.OwnerOrg, role = "analyst" })).IsSuccessStatusCode);

        // 5. A community of the node admin's own, with B in it, opens nothing of A's.
        var own = (await Json.ReadAsync(await nodeAdmin.PostAsync("/api/communities", new { name = "Node circle", moderatorOrganisationId = node.NodeOrg })))["id"]!.GetValue<Guid>();
        Assert.Equal(HttpStatusCode.NoContent, (await nodeAdmin.PostAsync($"/api/communities/{own}/members", new { organisationId = node.OutsiderOrg })).StatusCode);
        await NothingReadsAsync("keys, role changes and a community of the node admin's");

        // 6. A's moderator admits B: now the rules grant B the AMBER community object, and still not the RED one.
        Assert.Equal(HttpStatusCode.OK, (await node.Client(node.OwnerAdmin).PostAsync($"/api/communities/requests/{request}/accept", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await bAdmin.GetAsync($"/api/intel/objects/{amber.Indicator}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await node.Client(node.Outsider).GetAsync($"/api/intel/objects/{amber.Indicator}")).StatusCode);
        foreach (var (who, key) in credentials)
        {
            Assert.True(HttpStatusCode.NotFound == (await node.Factory.ClientWithKey(key).GetAsync($"/api/intel/objects/{red.Indicator}")).StatusCode, $"{who} reads the RED object");
        }

        Assert.Equal(HttpStatusCode.NotFound, (await nodeAdmin.GetAsync($"/api/intel/objects/{amber.Indicator}")).StatusCode);
    }
}

public sealed class SqliteIntelReadPathSecurityTests(SqliteNode fixture) : IntelReadPathSecurityTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelReadPathSecurityTests(PostgresNode fixture) : IntelReadPathSecurityTests(fixture), IClassFixture<PostgresNode>;
