using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Taxii;
using Rampart.Server.Taxii.Client;

namespace Rampart.Server.Tests;

/// <summary>
/// The TAXII 2.1 server (issue 10) through HTTP, on SQLite and PostgreSQL: the resources and headers of the
/// specification (media types, field names, status codes), authentication (Basic and Bearer, 401 / 403 / 404),
/// collections as administered views, what other organisations and administrators cannot reach, envelope POST and
/// its stored status, idempotency, and paging by date added while writes go on.
/// </summary>
public abstract class TaxiiTests(NodeFixture fixture)
{
    private const string Taxii = "application/taxii+json;version=2.1";
    private const string Stix = "application/stix+json;version=2.1";
    private const string TlpAmber = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";

    private static readonly string[] IndicatorType = ["indicator"];
    private static readonly string[] RansomwareLabel = ["ransomware"];

    private static readonly string[] AmberTlp = ["amber"];

    private SeededNode Node => fixture.Node;

    private static string Id(string type) => $"{type}--{Guid.NewGuid()}";

    private static JsonObject Indicator(string? id = null, string modified = "2026-01-01T00:00:00.000Z", string? pattern = null) => new()
    {
        ["type"] = "indicator", ["spec_version"] = "2.1", ["id"] = id ?? Id("indicator"), ["created"] = "2026-01-01T00:00:00.000Z", ["modified"] = modified,
        ["name"] = "taxii test", ["pattern"] = pattern ?? $"[domain-name:value = 'x{Guid.NewGuid():N}.example.org']", ["pattern_type"] = "stix",
        ["valid_from"] = "2026-01-01T00:00:00.000Z",
    };

    private static string Envelope(params JsonObject[] objects) =>
        new JsonObject { ["objects"] = new JsonArray([.. objects.Select(o => (JsonNode)o.DeepClone())]) }.ToJsonString();

    // The clock the node runs on is the test's: versions are served once older than Rampart:Taxii:ClockAllowance (2 s).
    private void Settle() => Node.Factory.Clock.Advance(TimeSpan.FromSeconds(3));

    private HttpClient Client(Person? person, string? accept = Taxii)
    {
        var client = Node.Client(person);
        if (accept is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Accept", accept);
        }

        return client;
    }

    private HttpClient Basic(string user, string password)
    {
        var client = Node.Factory.ClientWithKey(null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        client.DefaultRequestHeaders.TryAddWithoutValidation("Accept", Taxii);
        return client;
    }

    private static async Task<JsonNode> OkJsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    private static void AssertTaxiiMediaType(HttpResponseMessage response, string mediaType = Taxii)
    {
        var type = response.Content.Headers.ContentType!;
        var expected = MediaTypeHeaderValue.Parse(mediaType);
        Assert.Equal(expected.MediaType, type.MediaType);
        Assert.Equal("2.1", type.Parameters.Single(p => p.Name == "version").Value);
    }

    private static async Task<JsonNode> TaxiiErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.StatusCode}: {text}");
        AssertTaxiiMediaType(response);
        var error = JsonNode.Parse(text)!.AsObject();
        Assert.False(string.IsNullOrEmpty(error["title"]!.GetValue<string>()));
        Assert.Equal(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), error["http_status"]!.GetValue<string>());
        // A TAXII error message, never ProblemDetails.
        Assert.False(error.ContainsKey("type"));
        Assert.False(error.ContainsKey("status"));
        return error;
    }

    private async Task<string> CollectionAsync(Person admin, object request)
    {
        var response = await Node.Client(admin).PostAsync("/api/taxii/collections", request);
        return (await OkJsonAsync(response, HttpStatusCode.Created))["id"]!.GetValue<string>();
    }

    /// <summary>A network collection (node admin) every logged-in person reads, with no filter: what each sees is only the access decision.</summary>
    private Task<string> NetworkCollectionAsync() =>
        CollectionAsync(Node.NodeAdmin, new { title = $"Network {Guid.NewGuid():N}", network = true });

    /// <summary>An owner-organisation collection its members read and write; writes go AMBER to the community.</summary>
    private Task<string> OwnerCollectionAsync(object? filter = null) => CollectionAsync(Node.OwnerAdmin, new
    {
        title = $"Owner {Guid.NewGuid():N}",
        filter,
        readers = new object[] { new { kind = "organisation", id = Node.OwnerOrg }, new { kind = "community", id = Node.Community } },
        writers = new object[] { new { kind = "organisation", id = Node.OwnerOrg } },
        writeTlp = "amber",
        writeAudiences = new object[] { new { kind = "community", communityId = Node.Community } },
    });

    private async Task<JsonNode> PostAsync(Person person, string collection, string envelope)
    {
        var content = new StringContent(envelope, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(Taxii);
        var response = await Client(person).PostAsync($"/taxii2/api/collections/{collection}/objects/", content);
        AssertTaxiiMediaType(response);
        return await OkJsonAsync(response, HttpStatusCode.Accepted);
    }

    private async Task<(List<JsonNode> Objects, JsonNode Page, HttpResponseMessage Response)> GetObjectsAsync(Person person, string collection, string query = "")
    {
        var response = await Client(person).GetAsync($"/taxii2/api/collections/{collection}/objects/{query}");
        var page = await OkJsonAsync(response);
        AssertTaxiiMediaType(response);
        return ((page["objects"]?.AsArray() ?? []).Select(o => o!).ToList(), page, response);
    }

    private static List<string> Ids(IEnumerable<JsonNode> objects) => [.. objects.Select(o => o["id"]!.GetValue<string>())];

    [Fact]
    public async Task Discovery_AsInTheSpecification_TitleDefaultAndApiRoots()
    {
        var response = await Client(Node.Outsider).GetAsync("/taxii2/");
        var discovery = (await OkJsonAsync(response)).AsObject();

        AssertTaxiiMediaType(response);
        Assert.False(string.IsNullOrEmpty(discovery["title"]!.GetValue<string>()));
        Assert.Equal("http://localhost/taxii2/api/", discovery["default"]!.GetValue<string>());
        Assert.Equal(["http://localhost/taxii2/api/"], discovery["api_roots"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    public async Task ApiRoot_AsInTheSpecification_VersionsAndMaxContentLength()
    {
        var response = await Client(Node.Outsider).GetAsync("/taxii2/api/");
        var root = (await OkJsonAsync(response)).AsObject();

        AssertTaxiiMediaType(response);
        Assert.Equal([Taxii], root["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.True(root["max_content_length"]!.GetValue<long>() > 0);
        Assert.False(string.IsNullOrEmpty(root["title"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("/taxii2/")]
    [InlineData("/taxii2/api/")]
    [InlineData("/taxii2/api/collections/")]
    [InlineData("/taxii2/api/collections/8d2ab4c5-3f5e-4d4b-9f0c-7c9a1b2c3d4e/objects/")]
    [InlineData("/taxii2/api/status/8d2ab4c5-3f5e-4d4b-9f0c-7c9a1b2c3d4e/")]
    public async Task AnyPath_Anonymous_Gets401TaxiiErrorWithBasicAndBearerChallenges(string path)
    {
        var response = await Client(null).GetAsync(path);

        await TaxiiErrorAsync(response, HttpStatusCode.Unauthorized);
        var challenge = string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        Assert.Contains("Basic", challenge, StringComparison.Ordinal);
        Assert.Contains("Bearer", challenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_EmailAndApiKey_Authenticates()
    {
        var response = await Basic(Node.Outsider.Email, Node.Outsider.ApiKey).GetAsync("/taxii2/api/collections/");

        await OkJsonAsync(response);
    }

    [Theory]
    [InlineData("wrong password")]
    [InlineData("rpk_notakeyatall")]
    [InlineData("other user")]
    public async Task Basic_WrongPasswordKeyOrUser_Gets401TaxiiError(string wrong)
    {
        var (user, password) = wrong switch
        {
            "wrong password" => (Node.Outsider.Email, Node.Outsider.Password + "x"),
            "rpk_notakeyatall" => (Node.Outsider.Email, wrong),
            _ => (Node.Owner.Email, Node.Outsider.ApiKey), // another person's name with this key
        };

        var response = await Basic(user, password).GetAsync("/taxii2/api/collections/");

        await TaxiiErrorAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("Basic", string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString())), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/taxii+json;version=2.0")]
    [InlineData("text/html")]
    public async Task Accept_NotTaxii_Gets406(string accept)
    {
        var response = await Client(Node.Outsider, accept).GetAsync("/taxii2/api/collections/");

        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Equal("406", (await Json.ReadAsync(response))["http_status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Accept_StixMediaType_AllowedForObjectsNotForCollections()
    {
        var collection = await NetworkCollectionAsync();

        var objects = await Client(Node.Outsider, Stix).GetAsync($"/taxii2/api/collections/{collection}/objects/");
        var collections = await Client(Node.Outsider, Stix).GetAsync("/taxii2/api/collections/");

        Assert.Equal(HttpStatusCode.OK, objects.StatusCode);
        AssertTaxiiMediaType(objects, Stix);
        Assert.Equal(HttpStatusCode.NotAcceptable, collections.StatusCode);
    }

    [Fact]
    public async Task Post_WrongContentType_Gets415AndStoresNothing()
    {
        var collection = await OwnerCollectionAsync();
        var indicator = Indicator();

        var response = await Client(Node.Owner).PostAsync($"/taxii2/api/collections/{collection}/objects/",
            new StringContent(Envelope(indicator), Encoding.UTF8, "application/json"));

        await TaxiiErrorAsync(response, HttpStatusCode.UnsupportedMediaType);
        Settle();
        var (objects, _, _) = await GetObjectsAsync(Node.Owner, collection, $"?match[id]={indicator["id"]}");
        Assert.Empty(objects);
    }

    [Fact]
    public async Task Post_Envelope_StatusCompleteWithSuccessesAndObjectsServedWithCollectionMarking()
    {
        var collection = await OwnerCollectionAsync();
        var a = Indicator();
        var b = Indicator();

        var status = await PostAsync(Node.Owner, collection, Envelope(a, b));

        Assert.Equal("complete", status["status"]!.GetValue<string>());
        Assert.Equal(2, status["total_count"]!.GetValue<int>());
        Assert.Equal(2, status["success_count"]!.GetValue<int>());
        Assert.Equal(0, status["failure_count"]!.GetValue<int>());
        Assert.Equal(0, status["pending_count"]!.GetValue<int>());
        Assert.Equal(Ids([a, b]).Order(), status["successes"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).Order());
        Assert.All(status["successes"]!.AsArray(), s => Assert.Equal("2026-01-01T00:00:00.000Z", s!["version"]!.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(status["request_timestamp"]!.GetValue<string>()));

        var again = await Client(Node.Owner).GetAsync($"/taxii2/api/status/{status["id"]}/");
        Assert.Equal(status.ToJsonString(), (await OkJsonAsync(again)).ToJsonString());

        Settle();
        var (objects, page, response) = await GetObjectsAsync(Node.Member, collection, $"?match[id]={a["id"]},{b["id"]}");
        Assert.Equal(Ids([a, b]).Order(), Ids(objects).Order());
        Assert.All(objects, o => Assert.Contains(TlpAmber, o["object_marking_refs"]!.AsArray().Select(m => m!.GetValue<string>())));
        Assert.False(page["more"]!.GetValue<bool>());
        Assert.True(response.Headers.Contains("X-TAXII-Date-Added-First"));
        Assert.True(response.Headers.Contains("X-TAXII-Date-Added-Last"));

        // The object's history says it came through TAXII: the writer's organisation sees the job, a reader in the
        // collection's write audience sees how it came but no job id, and the outsider gets the 404 of an unknown object.
        var historyPath = $"/api/intel/objects/{Uri.EscapeDataString(a["id"]!.GetValue<string>())}/history";
        var ownerEntry = (await OkJsonAsync(await Node.Client(Node.Owner).GetAsync(historyPath)))["items"]!.AsArray().Single()!;
        Assert.Equal("added", ownerEntry["kind"]!.GetValue<string>());
        Assert.Equal("taxii", ownerEntry["via"]!.GetValue<string>());
        Assert.Equal("stix-bundle", ownerEntry["format"]!.GetValue<string>());
        Assert.NotNull(ownerEntry["jobId"]);
        var memberEntry = (await OkJsonAsync(await Node.Client(Node.Member).GetAsync(historyPath)))["items"]!.AsArray().Single()!;
        Assert.Equal("taxii", memberEntry["via"]!.GetValue<string>());
        Assert.Null(memberEntry["jobId"]);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Outsider).GetAsync(historyPath)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.NodeAdmin).GetAsync(historyPath)).StatusCode);
    }

    [Fact]
    public async Task Post_SameEnvelopeTwice_SecondAllSuccessesNothingNewStored()
    {
        var collection = await OwnerCollectionAsync();
        var a = Indicator();
        var b = Indicator();
        var envelope = Envelope(a, b);

        await PostAsync(Node.Owner, collection, envelope);
        Settle();
        var (_, before, beforeResponse) = await GetObjectsAsync(Node.Owner, collection, $"?match[id]={a["id"]},{b["id"]}&match[version]=all");
        var second = await PostAsync(Node.Owner, collection, envelope);
        Settle();
        var (_, after, afterResponse) = await GetObjectsAsync(Node.Owner, collection, $"?match[id]={a["id"]},{b["id"]}&match[version]=all");

        Assert.Equal(2, second["success_count"]!.GetValue<int>());
        Assert.Equal(0, second["failure_count"]!.GetValue<int>());
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
        Assert.Equal(beforeResponse.Headers.GetValues("X-TAXII-Date-Added-Last"), afterResponse.Headers.GetValues("X-TAXII-Date-Added-Last"));
    }

    [Fact]
    public async Task Post_InvalidObjectInEnvelope_IsAFailureTheOthersSucceed()
    {
        var collection = await OwnerCollectionAsync();
        var good = Indicator();
        var bad = Indicator();
        bad.Remove("pattern");

        var status = await PostAsync(Node.Owner, collection, Envelope(good, bad));

        Assert.Equal(1, status["success_count"]!.GetValue<int>());
        Assert.Equal(1, status["failure_count"]!.GetValue<int>());
        var failure = status["failures"]!.AsArray().Single()!;
        Assert.Equal(bad["id"]!.GetValue<string>(), failure["id"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(failure["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Post_NotAnEnvelope_Gets400TaxiiErrorNamingBody()
    {
        var collection = await OwnerCollectionAsync();
        var content = new StringContent("{\"type\":\"bundle\"", Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(Taxii);

        var response = await Client(Node.Owner).PostAsync($"/taxii2/api/collections/{collection}/objects/", content);

        var error = await TaxiiErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.NotNull(error["details"]!["body"]);
    }

    [Fact]
    public async Task Post_ViewerOrReadOnlyOrNonWriter_Gets403()
    {
        var collection = await OwnerCollectionAsync();

        foreach (var person in new[] { Node.OwnerViewer, Node.Member })
        {
            var content = new StringContent(Envelope(Indicator()), Encoding.UTF8);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(Taxii);
            var response = await Client(person).PostAsync($"/taxii2/api/collections/{collection}/objects/", content);
            await TaxiiErrorAsync(response, HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task HiddenAmberObject_IsAsAbsentAsAnUnknownId_ForOutsiderAndEveryAdministrator()
    {
        var network = await NetworkCollectionAsync();
        var owned = await OwnerCollectionAsync();
        var hidden = Indicator();
        await PostAsync(Node.Owner, owned, Envelope(hidden));
        Settle();
        var unknown = Id("indicator");

        // A community member reads it through the network collection: the collection serves what the access decision admits.
        var (memberObjects, _, _) = await GetObjectsAsync(Node.Member, network, $"?match[id]={hidden["id"]}");
        Assert.Single(memberObjects);

        foreach (var person in new[] { Node.Outsider, Node.NodeAdmin, Node.SameCountry })
        {
            var (objects, page, response) = await GetObjectsAsync(person, network, $"?match[id]={hidden["id"]}");
            Assert.Empty(objects);
            Assert.Equal("{}", page.ToJsonString());
            Assert.False(response.Headers.Contains("X-TAXII-Date-Added-First"));
            Assert.False(response.Headers.Contains("X-TAXII-Date-Added-Last"));

            var manifest = await Client(person).GetAsync($"/taxii2/api/collections/{network}/manifest/?match[id]={hidden["id"]}");
            Assert.Equal("{}", (await OkJsonAsync(manifest)).ToJsonString());
            Assert.False(manifest.Headers.Contains("X-TAXII-Date-Added-First"));

            foreach (var suffix in new[] { "", "versions/" })
            {
                var byId = await Client(person).GetAsync($"/taxii2/api/collections/{network}/objects/{hidden["id"]}/{suffix}");
                var none = await Client(person).GetAsync($"/taxii2/api/collections/{network}/objects/{unknown}/{suffix}");
                var hiddenError = (await TaxiiErrorAsync(byId, HttpStatusCode.NotFound)).AsObject();
                var unknownError = (await TaxiiErrorAsync(none, HttpStatusCode.NotFound)).AsObject();
                hiddenError.Remove("error_id");
                unknownError.Remove("error_id");
                Assert.Equal(unknownError.ToJsonString(), hiddenError.ToJsonString());
            }

            var delete = await Client(person).DeleteAsync($"/taxii2/api/collections/{network}/objects/{hidden["id"]}/");
            Assert.NotEqual(HttpStatusCode.OK, delete.StatusCode);
        }
    }

    [Fact]
    public async Task OrganisationCollection_OtherOrganisationAndNodeAdmin_GetTheSame404AsAnUnknownCollection()
    {
        var owned = await OwnerCollectionAsync();
        var unknown = Guid.NewGuid();

        foreach (var person in new[] { Node.Outsider, Node.NodeAdmin, Node.Recipient })
        {
            foreach (var suffix in new[] { "", "objects/", "manifest/" })
            {
                var response = await Client(person).GetAsync($"/taxii2/api/collections/{owned}/{suffix}");
                var none = await Client(person).GetAsync($"/taxii2/api/collections/{unknown}/{suffix}");
                var a = (await TaxiiErrorAsync(response, HttpStatusCode.NotFound)).AsObject();
                var b = (await TaxiiErrorAsync(none, HttpStatusCode.NotFound)).AsObject();
                a.Remove("error_id");
                b.Remove("error_id");
                Assert.Equal(b.ToJsonString(), a.ToJsonString());
            }

            var list = await OkJsonAsync(await Client(person).GetAsync("/taxii2/api/collections/"));
            Assert.DoesNotContain(owned, (list["collections"]?.AsArray() ?? []).Select(c => c!["id"]!.GetValue<string>()));
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(person).GetAsync($"/api/taxii/collections/{owned}")).StatusCode);
        }
    }

    [Fact]
    public async Task WriteOnlyCollection_ReadGets403_CollectionResourceSaysCanReadFalse()
    {
        var collection = await CollectionAsync(Node.OwnerAdmin, new
        {
            title = $"Drop box {Guid.NewGuid():N}",
            readers = new object[] { new { kind = "organisation", id = Node.OwnerOrg } },
            writers = new object[] { new { kind = "community", id = Node.Community } },
        });

        var resource = await OkJsonAsync(await Client(Node.Member).GetAsync($"/taxii2/api/collections/{collection}/"));
        var objects = await Client(Node.Member).GetAsync($"/taxii2/api/collections/{collection}/objects/");

        Assert.False(resource["can_read"]!.GetValue<bool>());
        Assert.True(resource["can_write"]!.GetValue<bool>());
        Assert.Equal([Stix], resource["media_types"]!.AsArray().Select(m => m!.GetValue<string>()));
        await TaxiiErrorAsync(objects, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AdminApi_OnlyTheRightAdministratorsDefineCollections()
    {
        var analyst = await Node.Client(Node.Owner).PostAsync("/api/taxii/collections", new { title = "Analyst's" });
        var orgAdminNetwork = await Node.Client(Node.OwnerAdmin).PostAsync("/api/taxii/collections", new { title = "Network by org admin", network = true });
        var owned = await OwnerCollectionAsync();
        var nodeAdminChange = await Node.Client(Node.NodeAdmin).PatchAsync($"/api/taxii/collections/{owned}",
            JsonContent(new { readers = new object[] { new { kind = "network" } } }));
        var outsiderDelete = await Node.Client(Node.Outsider).DeleteAsync($"/api/taxii/collections/{owned}");
        var bad = await Node.Client(Node.OwnerAdmin).PostAsync("/api/taxii/collections", new { title = "x", writeTlp = "red", writeAudiences = new object[] { new { kind = "network" } } });

        Assert.Equal(HttpStatusCode.Forbidden, analyst.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, orgAdminNetwork.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, nodeAdminChange.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, outsiderDelete.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.NotNull((await Json.ReadAsync(bad))["errors"]!["writeAudiences[0]"]);
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(Node.OwnerViewer).GetAsync($"/api/taxii/collections/{owned}")).StatusCode);
    }

    private static StringContent JsonContent(object body) => new(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    [Fact]
    public async Task CollectionFilter_TypeAndLabel_ServeOnlyMatchingObjects()
    {
        var collection = await OwnerCollectionAsync(new { types = IndicatorType, labels = RansomwareLabel });
        var labelled = Indicator();
        labelled["labels"] = new JsonArray("ransomware");
        var unlabelled = Indicator();
        var malware = new JsonObject
        {
            ["type"] = "malware", ["spec_version"] = "2.1", ["id"] = Id("malware"), ["created"] = "2026-01-01T00:00:00.000Z",
            ["modified"] = "2026-01-01T00:00:00.000Z", ["name"] = "Locker", ["is_family"] = true, ["labels"] = new JsonArray("ransomware"),
        };

        await PostAsync(Node.Owner, collection, Envelope(labelled, unlabelled, malware));
        Settle();
        var (objects, _, _) = await GetObjectsAsync(Node.Owner, collection, $"?match[id]={labelled["id"]},{unlabelled["id"]},{malware["id"]}");

        Assert.Equal([labelled["id"]!.GetValue<string>()], Ids(objects));
    }

    /// <summary>Shares one new indicator through <c>POST /api/intel/bundles</c> with the given TLP and audience query; returns its id.</summary>
    private async Task<string> ShareAsync(Person person, string sharing)
    {
        var indicator = Indicator();
        var bundle = new JsonObject { ["type"] = "bundle", ["id"] = Id("bundle"), ["objects"] = new JsonArray(indicator) }.ToJsonString();
        var response = await Node.Client(person).PostAsync($"/api/intel/bundles?{sharing}", new StringContent(bundle, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return indicator["id"]!.GetValue<string>();
    }

    [Fact]
    public async Task CollectionFilter_TlpsOwnersAudiences_ServeOnlyMatching_AndOnlyWhatTheAccessDecisionGivesEachReader()
    {
        var ownerGreenNetwork = await ShareAsync(Node.Owner, "tlp=green&audience=network");
        var ownerAmberCommunity = await ShareAsync(Node.Owner, $"tlp=amber&audience=community:{Node.Community}");
        var ownerAmberRecipient = await ShareAsync(Node.Owner, $"tlp=amber&audience=organisation:{Node.RecipientOrg}");
        var memberGreenNetwork = await ShareAsync(Node.Member, "tlp=green&audience=network");
        var outsiderAmberOwn = await ShareAsync(Node.Outsider, "tlp=amber");
        Settle();
        string[] all = [ownerGreenNetwork, ownerAmberCommunity, ownerAmberRecipient, memberGreenNetwork, outsiderAmberOwn];

        // Network collections every logged-in person reads; each filters by one of the three.
        Task<string> Network(object filter) => CollectionAsync(Node.NodeAdmin, new { title = $"Filtered {Guid.NewGuid():N}", network = true, filter });
        var amber = await Network(new { tlps = AmberTlp });
        var ownedByOwner = await Network(new { owners = new[] { Node.OwnerOrg } });
        var community = await Network(new { audiences = new object[] { new { kind = "community", id = Node.Community } } });
        var recipient = await Network(new { audiences = new object[] { new { kind = "organisation", id = Node.RecipientOrg } } });
        var outsider = await Network(new { audiences = new object[] { new { kind = "organisation", id = Node.OutsiderOrg } } });

        async Task<string[]> Serves(Person person, string collection)
        {
            var query = $"?match[id]={string.Join(',', all)}";
            var (objects, _, _) = await GetObjectsAsync(person, collection, query);
            var manifest = await OkJsonAsync(await Client(person).GetAsync($"/taxii2/api/collections/{collection}/manifest/{query}"));
            var listed = (manifest["objects"]?.AsArray() ?? []).Select(o => o!["id"]!.GetValue<string>()).Order().ToArray();
            var served = Ids(objects).Order().ToArray();
            Assert.Equal(served, listed);
            return served;
        }

        static string[] Expect(params string[] ids) => [.. ids.Order()];

        // tlps: only AMBER, and of it only what each reader may read.
        Assert.Equal(Expect(ownerAmberCommunity, ownerAmberRecipient), await Serves(Node.Owner, amber));
        Assert.Equal(Expect(ownerAmberCommunity), await Serves(Node.Member, amber));
        Assert.Equal(Expect(ownerAmberRecipient), await Serves(Node.Recipient, amber));
        Assert.Equal(Expect(outsiderAmberOwn), await Serves(Node.Outsider, amber));
        Assert.Empty(await Serves(Node.SameCountry, amber));
        Assert.Empty(await Serves(Node.NodeAdmin, amber));

        // owners: only the owner organisation's objects, and of them only what each reader may read.
        Assert.Equal(Expect(ownerGreenNetwork, ownerAmberCommunity, ownerAmberRecipient), await Serves(Node.Owner, ownedByOwner));
        Assert.Equal(Expect(ownerGreenNetwork, ownerAmberCommunity), await Serves(Node.Member, ownedByOwner));
        Assert.Equal(Expect(ownerGreenNetwork, ownerAmberRecipient), await Serves(Node.Recipient, ownedByOwner));
        Assert.Equal(Expect(ownerGreenNetwork), await Serves(Node.Outsider, ownedByOwner));
        Assert.Equal(Expect(ownerGreenNetwork), await Serves(Node.NodeAdmin, ownedByOwner));

        // audiences: objects shared with the entry (an organisation entry also matches what it owns) — never to a reader the decision refuses.
        Assert.Equal(Expect(ownerAmberCommunity), await Serves(Node.Owner, community));
        Assert.Equal(Expect(ownerAmberCommunity), await Serves(Node.Member, community));
        Assert.Empty(await Serves(Node.Recipient, community));
        Assert.Empty(await Serves(Node.Outsider, community));
        Assert.Empty(await Serves(Node.NodeAdmin, community));

        Assert.Equal(Expect(ownerAmberRecipient), await Serves(Node.Recipient, recipient));
        Assert.Equal(Expect(ownerAmberRecipient), await Serves(Node.Owner, recipient));
        Assert.Empty(await Serves(Node.Member, recipient));
        Assert.Empty(await Serves(Node.Outsider, recipient));
        Assert.Empty(await Serves(Node.NodeAdmin, recipient));

        Assert.Equal(Expect(outsiderAmberOwn), await Serves(Node.Outsider, outsider));
        Assert.Empty(await Serves(Node.Owner, outsider));
        Assert.Empty(await Serves(Node.NodeAdmin, outsider));
    }

    [Fact]
    public async Task MatchVersion_LastFirstAllAndTimestamp_AndVersionsEndpoint()
    {
        var collection = await OwnerCollectionAsync();
        var id = Id("indicator");
        var pattern = $"[domain-name:value = 'v{Guid.NewGuid():N}.example.org']";
        await PostAsync(Node.Owner, collection, Envelope(Indicator(id, "2026-02-01T00:00:00.000Z", pattern)));
        Settle();
        await PostAsync(Node.Owner, collection, Envelope(Indicator(id, "2026-03-01T00:00:00.000Z", pattern)));
        Settle();

        async Task<List<string>> Modified(string query) =>
            [.. (await GetObjectsAsync(Node.Owner, collection, query)).Objects.Select(o => o["modified"]!.GetValue<string>())];

        Assert.Equal(["2026-03-01T00:00:00.000Z"], await Modified($"?match[id]={id}"));
        Assert.Equal(["2026-02-01T00:00:00.000Z"], await Modified($"?match[id]={id}&match[version]=first"));
        Assert.Equal(["2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z"], await Modified($"?match[id]={id}&match[version]=all"));
        Assert.Equal(["2026-02-01T00:00:00.000Z"], await Modified($"?match[id]={id}&match[version]=2026-02-01T00:00:00.000Z"));
        Assert.Empty(await Modified($"?match[id]={id}&match[spec_version]=2.0"));
        Assert.Equal(["2026-03-01T00:00:00.000Z"], await Modified($"?match[id]={id}&match[type]=indicator"));
        Assert.Empty(await Modified($"?match[id]={id}&match[type]=malware"));

        var byId = await Client(Node.Owner).GetAsync($"/taxii2/api/collections/{collection}/objects/{id}/?match[version]=all");
        Assert.Equal(2, (await OkJsonAsync(byId))["objects"]!.AsArray().Count);
        var versions = await OkJsonAsync(await Client(Node.Owner).GetAsync($"/taxii2/api/collections/{collection}/objects/{id}/versions/"));
        Assert.Equal(["2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z"], versions["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
        var manifest = await OkJsonAsync(await Client(Node.Owner).GetAsync($"/taxii2/api/collections/{collection}/manifest/?match[id]={id}"));
        var record = manifest["objects"]!.AsArray().Single()!;
        Assert.Equal(id, record["id"]!.GetValue<string>());
        Assert.Equal("2026-03-01T00:00:00.000Z", record["version"]!.GetValue<string>());
        Assert.Equal(Stix, record["media_type"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(record["date_added"]!.GetValue<string>()));
    }

    [Fact]
    public async Task BadParameters_Get400TaxiiErrorNamingThem()
    {
        var collection = await OwnerCollectionAsync();

        foreach (var (query, field) in new[] { ("added_after=yesterday", "added_after"), ("limit=0", "limit"), ("match[version]=newest", "match[version]"), ("match[id]=nope", "match[id]"), ("next=forged", "next") })
        {
            var response = await Client(Node.Owner).GetAsync($"/taxii2/api/collections/{collection}/objects/?{query}");
            var error = await TaxiiErrorAsync(response, HttpStatusCode.BadRequest);
            Assert.NotNull(error["details"]![field]);
        }
    }

    [Fact]
    public async Task Delete_OwnerWithdraws_ThenNotFound_NonOwnerWriterGets403()
    {
        var collection = await OwnerCollectionAsync();
        var indicator = Indicator();
        await PostAsync(Node.Owner, collection, Envelope(indicator));
        Settle();
        var shared = await CollectionAsync(Node.NodeAdmin, new
        {
            title = $"Shared {Guid.NewGuid():N}",
            network = true,
            readers = new object[] { new { kind = "network" } },
            writers = new object[] { new { kind = "network" } },
            writeTlp = "green",
            writeAudiences = new object[] { new { kind = "network" } },
        });

        var byMember = await Client(Node.Member).DeleteAsync($"/taxii2/api/collections/{shared}/objects/{indicator["id"]}/");
        var byOwner = await Client(Node.Owner).DeleteAsync($"/taxii2/api/collections/{collection}/objects/{indicator["id"]}/");
        Settle();
        var after = await Client(Node.Owner).GetAsync($"/taxii2/api/collections/{collection}/objects/{indicator["id"]}/");

        await TaxiiErrorAsync(byMember, HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, byOwner.StatusCode);
        await TaxiiErrorAsync(after, HttpStatusCode.NotFound);
    }

    /// <summary>An indicator version of one object whose name, label and pinned domain are the version's own.</summary>
    private static JsonObject Version(string id, string modified, string word, string domain)
    {
        var version = Indicator(id, modified, $"[domain-name:value = '{domain}']");
        version["name"] = word;
        version["labels"] = new JsonArray(word);
        return version;
    }

    /// <summary>Posts the versions one after the other (each settled) through an owner collection; returns it and the object's path there.</summary>
    private async Task<(string Collection, string Path)> VersionedAsync(string id, params JsonObject[] versions)
    {
        var collection = await OwnerCollectionAsync();
        foreach (var version in versions)
        {
            var status = await PostAsync(Node.Owner, collection, Envelope(version));
            Assert.Equal(1, status["success_count"]!.GetValue<int>());
            Settle();
        }

        return (collection, $"/taxii2/api/collections/{collection}/objects/{id}/");
    }

    private async Task<List<string>> TaxiiVersionsAsync(Person person, string path) =>
        [.. ((await OkJsonAsync(await Client(person).GetAsync(path + "versions/")))["versions"]?.AsArray() ?? []).Select(v => v!.GetValue<string>())];

    private static async Task AssertDeletedAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {body}");
        Assert.Equal("", body);
        AssertTaxiiMediaType(response);
    }

    private static readonly string[] Feb = ["2026-02-01T00:00:00.000Z"];

    [Fact]
    public async Task Delete_MatchVersionLast_TheObjectStaysWithItsPreviousVersion_EveryReadPathServesItAndItsValues()
    {
        var id = Id("indicator");
        var tag = Guid.NewGuid().ToString("N")[..12];
        var (first, second) = ($"alpha{tag}", $"beta{tag}");
        var (oldDomain, newDomain) = ($"a{tag}.example.org", $"b{tag}.example.org");
        var v1 = Version(id, "2026-02-01T00:00:00.000Z", first, oldDomain);
        var v2 = Version(id, "2026-03-01T00:00:00.000Z", second, newDomain);
        var (collection, path) = await VersionedAsync(id, v1, v2);
        var rest = Node.Client(Node.Owner);
        Assert.Equal(second, (await OkJsonAsync(await rest.GetAsync($"/api/intel/objects/{id}")))["name"]!.GetValue<string>());

        await AssertDeletedAsync(await Client(Node.Owner).DeleteAsync($"{path}?match[version]=last"));

        // TAXII: the object, its versions and the manifest are the first version's.
        var served = (await OkJsonAsync(await Client(Node.Owner).GetAsync(path)))["objects"]!.AsArray().Single()!;
        Assert.Equal("2026-02-01T00:00:00.000Z", served["modified"]!.GetValue<string>());
        Assert.Equal(first, served["name"]!.GetValue<string>());
        Assert.Equal(Feb, await TaxiiVersionsAsync(Node.Owner, path));
        Assert.Single((await OkJsonAsync(await Client(Node.Owner).GetAsync($"{path}?match[version]=all")))["objects"]!.AsArray());
        var record = (await OkJsonAsync(await Client(Node.Owner).GetAsync($"/taxii2/api/collections/{collection}/manifest/?match[id]={id}")))["objects"]!.AsArray().Single()!;
        Assert.Equal("2026-02-01T00:00:00.000Z", record["version"]!.GetValue<string>());
        // A reader of the collection (the community) is served the same.
        Assert.Equal(Feb, await TaxiiVersionsAsync(Node.Member, path));

        // REST: the object and its versions.
        var read = await OkJsonAsync(await rest.GetAsync($"/api/intel/objects/{id}"));
        Assert.Equal(first, read["name"]!.GetValue<string>());
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), read["modified"]!.GetValue<DateTimeOffset>());
        Assert.Equal([first], read["labels"]!.AsArray().Select(l => l!.GetValue<string>()));
        Assert.Contains(oldDomain, read["stix"]!["pattern"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(read["withdrawnAt"]);
        var versions = (await OkJsonAsync(await rest.GetAsync($"/api/intel/objects/{id}/versions")))["items"]!.AsArray();
        Assert.Equal(new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), Assert.Single(versions)!["modified"]!.GetValue<DateTimeOffset>());

        // Search by value, label and text, and the bulk lookup: the observable index holds the first version's values only.
        async Task<List<string>> SearchAsync(string query) =>
            [.. (await OkJsonAsync(await rest.GetAsync($"/api/intel/objects?{query}&limit=50")))["items"]!.AsArray().Select(o => o!["stixId"]!.GetValue<string>())];
        Assert.Equal([id], await SearchAsync($"value={oldDomain}"));
        Assert.Empty(await SearchAsync($"value={newDomain}"));
        Assert.Equal([id], await SearchAsync($"label={first}"));
        Assert.Empty(await SearchAsync($"label={second}"));
        Assert.Equal([id], await SearchAsync($"q={first}"));
        Assert.Empty(await SearchAsync($"q={second}"));
        var lookup = await OkJsonAsync(await rest.PostAsync("/api/intel/lookup", new { values = new[] { oldDomain, newDomain } }));
        var known = lookup["known"]!.AsArray();
        Assert.Equal(oldDomain, Assert.Single(known)!["value"]!.GetValue<string>());
        Assert.Equal(id, known[0]!["stixId"]!.GetValue<string>());

        // Exports are the current version's.
        var domains = await (await rest.GetAsync($"/api/intel/exports/domains?label={first}&includeWarningListed=true&includeDecayed=true")).Content.ReadAsStringAsync();
        Assert.Contains(oldDomain, domains, StringComparison.Ordinal);
        Assert.DoesNotContain(newDomain, domains, StringComparison.Ordinal);
        Assert.DoesNotContain(newDomain, await (await rest.GetAsync($"/api/intel/exports/domains?label={second}&includeWarningListed=true&includeDecayed=true")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The history and the change stream say versions were deleted; the deleted version is not stored again.
        var history = (await OkJsonAsync(await rest.GetAsync($"/api/intel/objects/{id}/history")))["items"]!.AsArray();
        Assert.Equal("versions-deleted", history[0]!["kind"]!.GetValue<string>());
        Assert.Equal("owner", history[0]!["via"]!.GetValue<string>());
        var again = await PostAsync(Node.Owner, collection, Envelope(v2));
        Assert.Equal(1, again["failure_count"]!.GetValue<int>());
        Assert.Contains("deleted by its owner", again["failures"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Settle();
        Assert.Equal(Feb, await TaxiiVersionsAsync(Node.Owner, path));
    }

    [Fact]
    public async Task Delete_MatchVersionFirstTimestampAndCombinations_DeleteExactlyThoseVersions()
    {
        var id = Id("indicator");
        var tag = Guid.NewGuid().ToString("N")[..12];
        string[] months = ["02", "03", "04", "05", "06", "07"];
        var (_, path) = await VersionedAsync(id, [.. months.Select(m => Version(id, $"2026-{m}-01T00:00:00.000Z", $"m{m}{tag}", $"m{m}{tag}.example.org"))]);
        static string Stamp(string month) => $"2026-{month}-01T00:00:00.000Z";

        await AssertDeletedAsync(await Client(Node.Owner).DeleteAsync($"{path}?match[version]=first"));
        Assert.Equal(months[1..].Select(Stamp), await TaxiiVersionsAsync(Node.Owner, path));

        await AssertDeletedAsync(await Client(Node.Owner).DeleteAsync($"{path}?match[version]={Stamp("04")}"));
        Assert.Equal(["03", "05", "06", "07"], (await TaxiiVersionsAsync(Node.Owner, path)).Select(v => v[5..7]));

        // Comma-separated, and the parameter given twice: any of them (OR).
        await AssertDeletedAsync(await Client(Node.Owner).DeleteAsync($"{path}?match[version]=first,{Stamp("06")}"));
        Assert.Equal([Stamp("05"), Stamp("07")], await TaxiiVersionsAsync(Node.Owner, path));
        await AssertDeletedAsync(await Client(Node.Owner).DeleteAsync($"{path}?match[version]=last&match[version]={Stamp("01")}&match[spec_version]=2.1"));
        Assert.Equal([Stamp("05")], await TaxiiVersionsAsync(Node.Owner, path));
        var current = await OkJsonAsync(await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{id}"));
        Assert.Equal($"m05{tag}", current["name"]!.GetValue<string>());
        Assert.Null(current["withdrawnAt"]);
    }

    [Fact]
    public async Task Delete_EveryVersionOneByOne_EndsAsTheWithdrawal()
    {
        var id = Id("indicator");
        var tag = Guid.NewGuid().ToString("N")[..12];
        var (collection, path) = await VersionedAsync(id,
            Version(id, "2026-02-01T00:00:00.000Z", $"one{tag}", $"one{tag}.example.org"),
            Version(id, "2026-03-01T00:00:00.000Z", $"two{tag}", $"two{tag}.example.org"));

        await AssertDeletedAsync(await Client(Node.Owner).DeleteAsync($"{path}?match[version]=2026-03-01T00:00:00.000Z"));
        await AssertDeletedAsync(await Client(Node.Owner).DeleteAsync($"{path}?match[version]=last"));
        Settle();

        await TaxiiErrorAsync(await Client(Node.Owner).GetAsync(path), HttpStatusCode.NotFound);
        await TaxiiErrorAsync(await Client(Node.Owner).GetAsync(path + "versions/"), HttpStatusCode.NotFound);
        Assert.Equal("{}", (await OkJsonAsync(await Client(Node.Owner).GetAsync($"/taxii2/api/collections/{collection}/manifest/?match[id]={id}"))).ToJsonString());
        var read = await OkJsonAsync(await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{id}"));
        Assert.NotNull(read["withdrawnAt"]);
        Assert.Null(read["stix"]);
        var history = (await OkJsonAsync(await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{id}/history")))["items"]!.AsArray();
        Assert.Equal(["withdrawn", "versions-deleted"], history.Take(2).Select(e => e!["kind"]!.GetValue<string>()));
        var lookup = await OkJsonAsync(await Node.Client(Node.Owner).PostAsync("/api/intel/lookup", new { values = new[] { $"one{tag}.example.org", $"two{tag}.example.org" } }));
        Assert.Empty(lookup["known"]!.AsArray());
        // A withdrawn object is gone for DELETE too: the 404 of an unknown id.
        await TaxiiErrorAsync(await Client(Node.Owner).DeleteAsync(path), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Delete_SelectorMatchingNoVersion_Is404LikeAnUnknownId_AndChangesNothing()
    {
        var id = Id("indicator");
        var tag = Guid.NewGuid().ToString("N")[..12];
        var (collection, path) = await VersionedAsync(id,
            Version(id, "2026-02-01T00:00:00.000Z", $"one{tag}", $"one{tag}.example.org"),
            Version(id, "2026-03-01T00:00:00.000Z", $"two{tag}", $"two{tag}.example.org"));
        var unknown = await Client(Node.Owner).DeleteAsync($"/taxii2/api/collections/{collection}/objects/{Id("indicator")}/?match[version]=last");
        var unknownError = (await TaxiiErrorAsync(unknown, HttpStatusCode.NotFound)).AsObject();
        unknownError.Remove("error_id");

        foreach (var query in new[] { "match[version]=2026-04-01T00:00:00.000Z", "match[spec_version]=2.0", "match[version]=last&match[spec_version]=2.0" })
        {
            var error = (await TaxiiErrorAsync(await Client(Node.Owner).DeleteAsync($"{path}?{query}"), HttpStatusCode.NotFound)).AsObject();
            error.Remove("error_id");
            Assert.Equal(unknownError.ToJsonString(), error.ToJsonString());
        }

        Assert.Equal(["2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z"], await TaxiiVersionsAsync(Node.Owner, path));
        var history = (await OkJsonAsync(await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{id}/history")))["items"]!.AsArray();
        Assert.DoesNotContain(history, e => e!["kind"]!.GetValue<string>() is "versions-deleted" or "withdrawn");
    }

    [Fact]
    public async Task Delete_BadVersionSelector_Is400NamingMatchVersion_AndChangesNothing()
    {
        var id = Id("indicator");
        var tag = Guid.NewGuid().ToString("N")[..12];
        var (_, path) = await VersionedAsync(id,
            Version(id, "2026-02-01T00:00:00.000Z", $"one{tag}", $"one{tag}.example.org"),
            Version(id, "2026-03-01T00:00:00.000Z", $"two{tag}", $"two{tag}.example.org"));

        foreach (var bad in new[] { "yesterday", "last,", "newest", "2026-02-30T00:00:00.000Z" })
        {
            var error = await TaxiiErrorAsync(await Client(Node.Owner).DeleteAsync($"{path}?match[version]={bad}"), HttpStatusCode.BadRequest);
            Assert.NotNull(error["details"]!["match[version]"]);
        }

        Assert.Equal(["2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z"], await TaxiiVersionsAsync(Node.Owner, path));
    }

    [Fact]
    public async Task DeleteSomeVersions_NonOwnerWriterGets403_OutsidersOtherOrganisationsAndEveryAdministratorGet404_NothingChanges()
    {
        var id = Id("indicator");
        var tag = Guid.NewGuid().ToString("N")[..12];
        var (_, path) = await VersionedAsync(id,
            Version(id, "2026-02-01T00:00:00.000Z", $"one{tag}", $"one{tag}.example.org"),
            Version(id, "2026-03-01T00:00:00.000Z", $"two{tag}", $"two{tag}.example.org"));
        // Every analyst and administrator of the network writes this collection: whether they may delete is the object's.
        var shared = await CollectionAsync(Node.NodeAdmin, new
        {
            title = $"Shared {Guid.NewGuid():N}",
            network = true,
            readers = new object[] { new { kind = "network" } },
            writers = new object[] { new { kind = "network" } },
            writeTlp = "green",
            writeAudiences = new object[] { new { kind = "network" } },
        });
        Person memberAdmin, outsiderAdmin, recipientAdmin;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            memberAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.MemberOrg, $"admin-{tag}@member.test", Role.OrgAdmin);
            outsiderAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"admin-{tag}@outside.test", Role.OrgAdmin);
            recipientAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.RecipientOrg, $"admin-{tag}@recipient.test", Role.OrgAdmin);
        }

        var sharedPath = $"/taxii2/api/collections/{shared}/objects/{id}/";
        var unknownPath = $"/taxii2/api/collections/{shared}/objects/{Id("indicator")}/";
        foreach (var query in new[] { "?match[version]=last", "?match[version]=first", "?match[version]=2026-02-01T00:00:00.000Z", "" })
        {
            // Readers in the community (the object is AMBER to it) who may write the collection but do not own the object.
            foreach (var person in new[] { Node.Member, memberAdmin })
            {
                await TaxiiErrorAsync(await Client(person).DeleteAsync(sharedPath + query), HttpStatusCode.Forbidden);
            }

            // The owner's viewer may not write the owner's collection.
            await TaxiiErrorAsync(await Client(Node.OwnerViewer).DeleteAsync(path + query), HttpStatusCode.Forbidden);

            // Everyone else: the object does not exist for them — the same 404 as an unknown id, administrators included.
            foreach (var person in new[] { Node.Outsider, Node.SameCountry, Node.Recipient, Node.NodeAdmin, outsiderAdmin, recipientAdmin })
            {
                var hidden = (await TaxiiErrorAsync(await Client(person).DeleteAsync(sharedPath + query), HttpStatusCode.NotFound)).AsObject();
                var none = (await TaxiiErrorAsync(await Client(person).DeleteAsync(unknownPath + query), HttpStatusCode.NotFound)).AsObject();
                hidden.Remove("error_id");
                none.Remove("error_id");
                Assert.Equal(none.ToJsonString(), hidden.ToJsonString());
            }
        }

        Assert.Equal(["2026-02-01T00:00:00.000Z", "2026-03-01T00:00:00.000Z"], await TaxiiVersionsAsync(Node.Owner, path));
        var read = await OkJsonAsync(await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{id}"));
        Assert.Equal($"two{tag}", read["name"]!.GetValue<string>());
        Assert.Null(read["withdrawnAt"]);

        // The owning organisation's admin is one of its writers: it may.
        await AssertDeletedAsync(await Client(Node.OwnerAdmin).DeleteAsync(path + "?match[version]=last"));
        Assert.Equal(Feb, await TaxiiVersionsAsync(Node.Owner, path));
    }

    [Fact]
    public async Task Status_OfAnotherOrganisation_IsNotFound()
    {
        var collection = await OwnerCollectionAsync();
        var status = await PostAsync(Node.Owner, collection, Envelope(Indicator()));

        foreach (var person in new[] { Node.Outsider, Node.NodeAdmin, Node.Member })
        {
            var response = await Client(person).GetAsync($"/taxii2/api/status/{status["id"]}/");
            await TaxiiErrorAsync(response, HttpStatusCode.NotFound);
        }

        Assert.Equal(HttpStatusCode.OK, (await Client(Node.OwnerViewer).GetAsync($"/taxii2/api/status/{status["id"]}/")).StatusCode);
    }

    [Fact]
    public async Task Paging_LimitAndNext_EveryObjectOnceInDateAddedOrder()
    {
        var collection = await OwnerCollectionAsync();
        var written = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var batch = Enumerable.Range(0, 8).Select(_ => Indicator()).ToArray();
            written.AddRange(Ids(batch));
            await PostAsync(Node.Owner, collection, Envelope(batch));
            Node.Factory.Clock.Advance(TimeSpan.FromMilliseconds(5));
        }

        Settle();
        var seen = new List<string>();
        var dates = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var query = $"?limit=5&match[id]={string.Join(',', written)}" + (next is null ? "" : $"&next={Uri.EscapeDataString(next)}");
            var (objects, page, response) = await GetObjectsAsync(Node.Owner, collection, query);
            seen.AddRange(Ids(objects));
            dates.Add(response.Headers.GetValues("X-TAXII-Date-Added-First").Single());
            next = page["more"]!.GetValue<bool>() ? page["next"]!.GetValue<string>() : null;
            pages++;
        }
        while (next is not null);

        Assert.Equal(5, pages);
        Assert.Equal(written.Count, seen.Count);
        Assert.Equal(written.Order(), seen.Order());
        Assert.Equal(dates.Order(StringComparer.Ordinal), dates);
    }

    [Fact]
    public async Task Paging_WhileAnotherTaskWrites_NoDuplicatesNoGaps()
    {
        var collection = await OwnerCollectionAsync(new { labels = new[] { $"run-{Guid.NewGuid():N}" } });
        var label = (await OkJsonAsync(await Node.Client(Node.OwnerAdmin).GetAsync($"/api/taxii/collections/{collection}")))["filter"]!["labels"]![0]!.GetValue<string>();
        var written = new System.Collections.Concurrent.ConcurrentBag<string>();
        using var done = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 12; i++)
            {
                var batch = Enumerable.Range(0, 10).Select(_ =>
                {
                    var o = Indicator();
                    o["labels"] = new JsonArray(label);
                    return o;
                }).ToArray();
                await PostAsync(Node.Owner, collection, Envelope(batch));
                foreach (var id in Ids(batch))
                {
                    written.Add(id);
                }

                Node.Factory.Clock.Advance(TimeSpan.FromMilliseconds(700));
            }
        });

        // A poller as TAXII clients run: follow `next` while `more`, then poll with added_after = the last Date-Added-Last.
        var seen = new List<string>();
        string? addedAfter = null;
        string? lastSeen = null;
        string? next = null;
        var finished = false;
        while (true)
        {
            var query = "?limit=7" + (next is not null ? $"&next={Uri.EscapeDataString(next)}" : "") + (addedAfter is not null ? $"&added_after={addedAfter}" : "");
            var (objects, page, response) = await GetObjectsAsync(Node.Owner, collection, query);
            seen.AddRange(Ids(objects));
            if (response.Headers.TryGetValues("X-TAXII-Date-Added-Last", out var last))
            {
                lastSeen = last.Single();
            }

            if (page["more"]?.GetValue<bool>() == true)
            {
                // The same filters with `next` (a token is bound to them).
                next = page["next"]!.GetValue<string>();
                continue;
            }

            next = null;
            addedAfter = lastSeen;
            if (finished)
            {
                break;
            }

            if (writer.IsCompleted)
            {
                await writer;
                Settle();
                finished = true;
            }
        }

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(written.Order(), seen.Order());
    }

    // ---- Review findings (F2, F4, F6, F7) and the rest of the second pass ----

    private Person? outsiderAdmin;

    /// <summary>An org admin of the outsider organisation (created once per node: an organisation's later users are its admins' doing).</summary>
    private async Task<Person> OutsiderAdminAsync()
    {
        if (outsiderAdmin is null)
        {
            await using var scope = Node.Factory.Services.CreateAsyncScope();
            outsiderAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"admin-{Guid.NewGuid():N}@outside.test", Role.OrgAdmin);
        }

        return outsiderAdmin;
    }

    [Fact]
    public async Task OtherOrganisationsCollection_ItsWriteSharingDoesNotApply_WriterKeepsItsObjectAndIsToldSo()
    {
        // Review F2: the outsider's admin defines a drop box every organisation may write, whose writes would go RED to the outsider.
        var admin = await OutsiderAdminAsync();
        var dropBox = await CollectionAsync(admin, new
        {
            title = $"Shared drop box {Guid.NewGuid():N}",
            readers = new object[] { new { kind = "network" } },
            writers = new object[] { new { kind = "network" } },
            writeTlp = "red",
            writeAudiences = new object[] { new { kind = "organisation", organisationId = Node.OutsiderOrg } },
        });
        var indicator = Indicator();

        var resource = await OkJsonAsync(await Client(Node.Owner).GetAsync($"/taxii2/api/collections/{dropBox}/"));
        var status = await PostAsync(Node.Owner, dropBox, Envelope(indicator));
        Settle();

        Assert.Contains("your organisation only", resource["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, status["success_count"]!.GetValue<int>());
        // The outsider — the collection's owner — and its admin see nothing of it, through TAXII or the API.
        foreach (var person in new[] { Node.Outsider, admin, Node.NodeAdmin, Node.Member })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(person).GetAsync($"/api/intel/objects/{indicator["id"]}")).StatusCode);
            Assert.Empty((await GetObjectsAsync(person, dropBox, $"?match[id]={indicator["id"]}")).Objects);
        }

        // The writer's organisation keeps it, at the stricter of the collection's TLP and AMBER, with no one else.
        var own = await OkJsonAsync(await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{indicator["id"]}"));
        Assert.Equal("red", own["tlp"]!.GetValue<string>());
        Assert.Single((await GetObjectsAsync(Node.Owner, dropBox, $"?match[id]={indicator["id"]}")).Objects);
    }

    [Fact]
    public async Task OwnOrganisationsCollection_DescriptionTellsTheWriterTheCollectionsSharing()
    {
        var collection = await OwnerCollectionAsync();

        var resource = await OkJsonAsync(await Client(Node.Owner).GetAsync($"/taxii2/api/collections/{collection}/"));
        var reader = await OkJsonAsync(await Client(Node.Member).GetAsync($"/taxii2/api/collections/{collection}/"));

        var description = resource["description"]!.GetValue<string>();
        Assert.Contains("TLP:AMBER", description, StringComparison.Ordinal);
        Assert.Contains("WB national CERTs", description, StringComparison.Ordinal);
        // A reader who may not write is told nothing about where writes go.
        Assert.Null(reader["description"]);
    }

    [Fact]
    public async Task NetworkCollection_WriteAudienceNamingAnOrganisationOrCommunity_Gets400()
    {
        foreach (var entry in new object[] { new { kind = "organisation", organisationId = Node.NodeOrg }, new { kind = "community", communityId = Node.Community } })
        {
            var response = await Node.Client(Node.NodeAdmin).PostAsync("/api/taxii/collections", new
            {
                title = "Hand writes to one organisation", network = true, writers = new object[] { new { kind = "network" } }, writeTlp = "amber",
                writeAudiences = new[] { entry },
            });

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.NotNull((await Json.ReadAsync(response))["errors"]!["writeAudiences[0]"]);
        }
    }

    [Fact]
    public async Task Alias_SameAliasInAnotherOrganisation_IsAcceptedAndRevealsNothing_EachResolvesToItsOwn()
    {
        // Review F4: aliases are unique per owner, so another organisation's alias neither collides nor resolves.
        var alias = $"ops-{Guid.NewGuid():N}"[..20];
        var owners = await CollectionAsync(Node.OwnerAdmin, new { title = "Owner ops", alias });
        var admin = await OutsiderAdminAsync();

        var taken = await Node.Client(admin).PostAsync("/api/taxii/collections", new { title = "Probe", alias });
        var fresh = await Node.Client(admin).PostAsync("/api/taxii/collections", new { title = "Probe", alias = alias + "-x" });
        var outsiders = (await OkJsonAsync(taken, HttpStatusCode.Created))["id"]!.GetValue<string>();
        var network = await CollectionAsync(Node.NodeAdmin, new { title = "Network ops", alias, network = true });
        var again = await Node.Client(Node.OwnerAdmin).PostAsync("/api/taxii/collections", new { title = "Owner ops 2", alias });

        Assert.Equal(HttpStatusCode.Created, fresh.StatusCode);
        Assert.Equal(owners, (await OkJsonAsync(await Client(Node.Owner).GetAsync($"/taxii2/api/collections/{alias}/")))["id"]!.GetValue<string>());
        Assert.Equal(outsiders, (await OkJsonAsync(await Client(Node.Outsider).GetAsync($"/taxii2/api/collections/{alias}/")))["id"]!.GetValue<string>());
        Assert.Equal(network, (await OkJsonAsync(await Client(Node.Member).GetAsync($"/taxii2/api/collections/{alias}/")))["id"]!.GetValue<string>());
        // Within one owner an alias is still unique, and saying so names only the caller's own collections.
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.NotNull((await Json.ReadAsync(again))["errors"]!["alias"]);
        // The owner's list shows the network collection without the alias that leads the owner elsewhere.
        var list = await OkJsonAsync(await Client(Node.Owner).GetAsync("/taxii2/api/collections/"));
        var shown = list["collections"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == network)!;
        Assert.Null(shown["alias"]);
    }

    [Fact]
    public async Task Post_ObjectOverMaxObjectBytes_Gets413NamingItAndStoresNothing()
    {
        // Review F6: one object of 1.2 million characters, after a good one.
        var collection = await OwnerCollectionAsync();
        var good = Indicator();
        var huge = Indicator();
        huge["name"] = new string('x', 1_200_000);
        var content = new StringContent(Envelope(good, huge), Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(Taxii);

        var response = await Client(Node.Owner).PostAsync($"/taxii2/api/collections/{collection}/objects/", content);
        var root = await OkJsonAsync(await Client(Node.Owner).GetAsync("/taxii2/api/"));

        var error = await TaxiiErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.NotNull(error["details"]!["objects[1]"]);
        Assert.Contains("1048576", root["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(root["max_content_length"]!.GetValue<long>().ToString(System.Globalization.CultureInfo.InvariantCulture), root["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Settle();
        Assert.Empty((await GetObjectsAsync(Node.Owner, collection, $"?match[id]={good["id"]},{huge["id"]}")).Objects);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"objects\":{}}")]
    [InlineData("{\"more\":false}")]
    [InlineData("{\"objects\":[],\"objects\":[]}")]
    [InlineData("{\"objects\":[{\"type\":\"indicator\"}")]
    public async Task Post_NotAnEnvelope_Gets400AndStoresNothing(string body)
    {
        var collection = await OwnerCollectionAsync();
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(Taxii);

        var response = await Client(Node.Owner).PostAsync($"/taxii2/api/collections/{collection}/objects/", content);

        var error = await TaxiiErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.NotNull(error["details"]!["body"]);
    }

    [Fact]
    public async Task Post_ElementNotAnObject_IsAFailureAtItsPosition_TheOthersSucceed()
    {
        var collection = await OwnerCollectionAsync();
        var a = Indicator();
        var b = Indicator();
        var body = $"{{\"objects\":[{a.ToJsonString()},42,[1,2],{b.ToJsonString()}]}}";
        var status = await PostAsync(Node.Owner, collection, body);

        Assert.Equal(4, status["total_count"]!.GetValue<int>());
        Assert.Equal(2, status["success_count"]!.GetValue<int>());
        Assert.Equal(2, status["failure_count"]!.GetValue<int>());
        Assert.Equal(Ids([a, b]).Order(), status["successes"]!.AsArray().Select(s => s!["id"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task Post_EnvelopeOverTheDirectImportSize_IsPendingThenCompleteFromTheSpool()
    {
        // Over Rampart:Intelligence:DirectImportBytes (4 MB): spooled to a file and imported in the background.
        var collection = await OwnerCollectionAsync();
        var objects = Enumerable.Range(0, 6).Select(_ =>
        {
            var o = Indicator();
            o["description"] = new string('d', 800_000);
            return o;
        }).ToArray();

        var status = await PostAsync(Node.Owner, collection, Envelope(objects));
        var id = status["id"]!.GetValue<string>();
        for (var i = 0; i < 600 && status["status"]!.GetValue<string>() == "pending"; i++)
        {
            await Task.Delay(100);
            status = await OkJsonAsync(await Client(Node.Owner).GetAsync($"/taxii2/api/status/{id}/"));
        }

        Assert.Equal("complete", status["status"]!.GetValue<string>());
        Assert.Equal(6, status["success_count"]!.GetValue<int>());
        Settle();
        var (served, _, _) = await GetObjectsAsync(Node.Owner, collection, $"?match[id]={string.Join(',', Ids(objects))}");
        Assert.Equal(Ids(objects).Order(), Ids(served).Order());
    }

    [Theory]
    [InlineData("99999999999")]
    [InlineData("0000000000000000000000000000000000000005")]
    [InlineData("20000")]
    public async Task Limit_AboveMaxPageSize_IsCappedSilently(string limit)
    {
        var collection = await OwnerCollectionAsync();

        var response = await Client(Node.Owner).GetAsync($"/taxii2/api/collections/{collection}/objects/?limit={limit}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Basic_OnAnyPathOutsideTaxii_IsNoCredential()
    {
        var basic = Basic(Node.Owner.Email, Node.Owner.ApiKey);

        var api = await basic.GetAsync("/api/intel/imports");
        var bearer = await Node.Client(Node.Owner).GetAsync("/api/intel/imports");
        var anonymous = await Node.Client(null).GetAsync("/api/intel/imports");
        var taxii = await basic.GetAsync("/taxii2/api/collections/");

        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(anonymous.StatusCode, api.StatusCode);
        Assert.Equal(HttpStatusCode.OK, taxii.StatusCode);
    }

    [Fact]
    public async Task Delete_CallersOwnCopyOutsideTheCollectionsView_Gets403AndWithdrawsNothing()
    {
        // Review F7: a collection shows another organisation's copy of the id; the caller's own copy is outside its filter.
        var label = $"shared-{Guid.NewGuid():N}";
        var shared = await CollectionAsync(Node.NodeAdmin, new
        {
            title = $"Labelled {Guid.NewGuid():N}",
            network = true,
            filter = new { labels = new[] { label } },
            writers = new object[] { new { kind = "network" } },
            writeTlp = "green",
            writeAudiences = new object[] { new { kind = "network" } },
        });
        var own = await OwnerCollectionAsync();
        var id = Id("indicator");
        var theirs = Indicator(id);
        theirs["labels"] = new JsonArray(label);
        await PostAsync(Node.Member, shared, Envelope(theirs));
        await PostAsync(Node.Owner, own, Envelope(Indicator(id)));
        Settle();

        var delete = await Client(Node.Owner).DeleteAsync($"/taxii2/api/collections/{shared}/objects/{id}/");
        Settle();

        // One copy per id for each reader (review F4): the owner is served its own copy, which the labelled collection
        // does not show — so there the id is as absent as an unknown one; the member sees its own copy there.
        await TaxiiErrorAsync(delete, HttpStatusCode.NotFound);
        Assert.Null(Assert.Single((await GetObjectsAsync(Node.Owner, own, $"?match[id]={id}")).Objects)["labels"]); // its own, unlabelled
        Assert.Empty((await GetObjectsAsync(Node.Owner, shared, $"?match[id]={id}")).Objects);
        Assert.Single((await GetObjectsAsync(Node.Member, shared, $"?match[id]={id}")).Objects);
        var ownCopy = await OkJsonAsync(await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{id}?owner={Node.OwnerOrg}"));
        Assert.Equal(Node.OwnerOrg.ToString(), ownCopy["ownerOrganisationId"]!.GetValue<string>());
        Assert.Null(ownCopy["withdrawnAt"]);
    }

    [Fact]
    public async Task SameIdFromAnotherOrganisation_IsNeverServedAsANewerVersionOfTheOriginal()
    {
        // Review F4: the outsider writes a later, revoked "version" of an object id it learned, owned by another organisation.
        var network = await CollectionAsync(Node.NodeAdmin, new
        {
            title = $"Network drop {Guid.NewGuid():N}",
            network = true,
            writers = new object[] { new { kind = "network" } },
            writeTlp = "green",
            writeAudiences = new object[] { new { kind = "network" } },
        });
        var community = await OwnerCollectionAsync();
        var id = Id("malware");
        JsonObject Malware(string modified, string description, bool revoked) => new()
        {
            ["type"] = "malware", ["spec_version"] = "2.1", ["id"] = id, ["created"] = "2026-01-01T00:00:00.000Z", ["modified"] = modified,
            ["name"] = "AlphaRAT", ["description"] = description, ["is_family"] = true, ["revoked"] = revoked,
        };
        await PostAsync(Node.Owner, community, Envelope(Malware("2026-01-01T00:00:00.000Z", "remote access trojan", false)));
        Settle();
        var forged = await PostAsync(Node.Outsider, network, Envelope(Malware("2026-06-01T00:00:00.000Z", "FALSE POSITIVE - do not block", true)));
        Settle();

        Assert.Equal(1, forged["success_count"]!.GetValue<int>()); // accepted as the outsider's own copy: nothing is revealed to it
        foreach (var collection in new[] { network, community })
        {
            // The community member reads the owner's copy and never the outsider's, in any collection, any version.
            var all = (await GetObjectsAsync(Node.Member, collection, $"?match[id]={id}&match[version]=all")).Objects;
            Assert.All(all, o => Assert.Equal("remote access trojan", o["description"]!.GetValue<string>()));
            Assert.DoesNotContain(all, o => o["revoked"]?.GetValue<bool>() == true);
            var listed = (await GetObjectsAsync(Node.Member, collection)).Objects;
            Assert.DoesNotContain(listed, o => o["id"]!.GetValue<string>() == id && o["modified"]!.GetValue<string>() == "2026-06-01T00:00:00.000Z");
            var versions = await Client(Node.Member).GetAsync($"/taxii2/api/collections/{collection}/objects/{id}/versions/");
            if (versions.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal(["2026-01-01T00:00:00.000Z"], (await OkJsonAsync(versions))["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
            }
            else
            {
                await TaxiiErrorAsync(versions, HttpStatusCode.NotFound); // a view that does not show the owner's copy shows none
            }
        }

        // The outsider, who cannot read the owner's copy, is served its own; the owner is served its own.
        var outsiders = (await GetObjectsAsync(Node.Outsider, network, $"?match[id]={id}")).Objects;
        Assert.True(Assert.Single(outsiders)["revoked"]!.GetValue<bool>());
        var owners = (await GetObjectsAsync(Node.Owner, community, $"?match[id]={id}&match[version]=all")).Objects;
        Assert.Equal("2026-01-01T00:00:00.000Z", Assert.Single(owners)["modified"]!.GetValue<string>());
        Assert.False(Assert.Single((await GetObjectsAsync(Node.Owner, network, $"?match[id]={id}&match[version]=all")).Objects)["revoked"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Post_ObjectOfATypeTheCollectionDoesNotContain_IsAFailureWithTheReason_AndIsNotStored()
    {
        var collection = await OwnerCollectionAsync(new { types = IndicatorType });
        var indicator = Indicator();
        var malware = new JsonObject
        {
            ["type"] = "malware", ["spec_version"] = "2.1", ["id"] = Id("malware"), ["created"] = "2026-01-01T00:00:00.000Z",
            ["modified"] = "2026-01-01T00:00:00.000Z", ["name"] = "Not for this collection", ["is_family"] = true,
        };

        var status = await PostAsync(Node.Owner, collection, Envelope(indicator, malware));
        Settle();

        Assert.Equal(1, status["success_count"]!.GetValue<int>());
        Assert.Equal(1, status["failure_count"]!.GetValue<int>());
        var failure = status["failures"]!.AsArray().Single()!;
        Assert.Equal(malware["id"]!.GetValue<string>(), failure["id"]!.GetValue<string>());
        Assert.Contains("indicator", failure["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(status["successes"]!.AsArray(), x => x!["id"]!.GetValue<string>() == malware["id"]!.GetValue<string>());
        // Not stored anywhere: the writer itself does not find it.
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{malware["id"]}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(Node.Owner).GetAsync($"/api/intel/objects/{indicator["id"]}")).StatusCode);
    }

    [Fact]
    public async Task CollectionDefinition_WriteAudienceNamingACommunityTheOrganisationIsNotIn_Is400NamingTheEntry()
    {
        Person outsiderAdmin;
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            outsiderAdmin = await SeededNode.PersonAsync(scope.ServiceProvider, Node.OutsiderOrg, $"{Guid.NewGuid():N}@admin.test", Role.OrgAdmin);
        }

        var response = await Node.Client(outsiderAdmin).PostAsync("/api/taxii/collections", new
        {
            title = $"Outsider {Guid.NewGuid():N}",
            writers = new object[] { new { kind = "organisation", id = Node.OutsiderOrg } },
            writeTlp = "amber",
            writeAudiences = new object[] { new { kind = "community", communityId = Node.Community } },
        });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {text}");
        Assert.Contains("not a member of this community", JsonNode.Parse(text)!["errors"]!["writeAudiences[0]"]![0]!.GetValue<string>(), StringComparison.Ordinal);
        // The owner's organisation is in the community: the same definition is accepted for it (OwnerCollectionAsync).
        Assert.False(string.IsNullOrEmpty(await OwnerCollectionAsync()));
    }

    [Fact]
    public async Task OpenApi_TaxiiRoutes_CarryTheTaxiiTag()
    {
        var document = await Json.ReadAsync(await Node.Factory.ClientWithKey(null).GetAsync("/openapi/v1.json"));
        var taxii = document["paths"]!.AsObject().Where(p => p.Key.StartsWith("/taxii2", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(taxii);
        foreach (var (path, item) in taxii)
        {
            foreach (var (method, operation) in item!.AsObject().Where(o => o.Value?["tags"] is not null))
            {
                Assert.True(operation!["tags"]!.AsArray().Select(t => t!.GetValue<string>()).SequenceEqual(["TAXII"]), $"{method} {path}");
            }
        }
    }

    [Fact]
    public async Task AdminCommand_CreateAndList_NetworkCollection()
    {
        var alias = $"cli-{Guid.NewGuid():N}"[..16];
        async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var exit = await Admin.AdminCommandLine.RunAsync(args, output, error, builder =>
            {
                builder.Configuration["Rampart:Database:Provider"] = Node.Database.Provider.ToString();
                builder.Configuration["Rampart:Database:ConnectionString"] = Node.Database.ConnectionString;
            });
            return (exit, output.ToString(), error.ToString());
        }

        var created = await RunAsync("admin", "taxii", "create", "--title", "CLI feed", "--alias", alias, "--types", "indicator", "--writable", "--write-tlp", "green", "--write-to-network");
        var refused = await RunAsync("admin", "taxii", "create", "--title", "Bad", "--write-tlp", "purple");
        var listed = await RunAsync("admin", "taxii", "list");

        Assert.True(created.Exit == 0, created.Error);
        var id = created.Output.Split('\t')[0];
        Assert.Equal(2, refused.Exit);
        Assert.Contains("writeTlp", refused.Error, StringComparison.Ordinal);
        Assert.Contains(id, listed.Output, StringComparison.Ordinal);
        Assert.Contains("green to network", listed.Output, StringComparison.Ordinal);
        var resource = await OkJsonAsync(await Client(Node.Member).GetAsync($"/taxii2/api/collections/{alias}/"));
        Assert.Equal(id, resource["id"]!.GetValue<string>());
        Assert.True(resource["can_write"]!.GetValue<bool>());
    }

    /// <summary>A browser session (cookie, through the login form) of a new analyst of <paramref name="organisation"/>.</summary>
    private async Task<HttpClient> BrowserAsync(Guid organisation)
    {
        var email = $"pages-{Guid.NewGuid():N}@taxii.test";
        const string password = "Taxii-Pages-Password-1234";
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            await SeededNode.PersonAsync(scope.ServiceProvider, organisation, email, Role.Analyst);
            var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
            var user = (await users.FindByEmailAsync(email))!;
            await users.RemovePasswordAsync(user);
            await users.AddPasswordAsync(user, password);
            user.MustChangePassword = false;
            await users.UpdateAsync(user);
        }

        var browser = WebForms.Browser(Node.Factory);
        Assert.Equal(HttpStatusCode.Redirect, (await WebForms.LogInAsync(browser, email, password)).StatusCode);
        return browser;
    }

    private static async Task<string> PageAsync(HttpClient browser, string path)
    {
        var response = await browser.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {html}");
        return System.Net.WebUtility.HtmlDecode(html);
    }

    /// <summary>Administrators cannot log in to a page without a second factor; what a page lists is the same call, made here as them.</summary>
    private static Caller[] Administrators(SeededNode node) =>
    [
        new(node.NodeAdmin.UserId, node.NodeOrg, Role.NodeAdmin, new HashSet<Guid>(), Credential: "test"),
        new(Guid.NewGuid(), node.OutsiderOrg, Role.OrgAdmin, new HashSet<Guid>(), Credential: "test"),
    ];

    [Fact]
    public async Task CollectionsPage_Rendered_ShowsTheCollectionsAPersonMaySee_WithAddressFilterAndReaders_NotAnotherOrganisations()
    {
        var title = $"Owner feed {Guid.NewGuid():N}";
        var owned = await CollectionAsync(Node.OwnerAdmin, new
        {
            title,
            filter = new { types = IndicatorType, tlps = AmberTlp },
            readers = new object[] { new { kind = "organisation", id = Node.OwnerOrg } },
        });
        var networkTitle = $"Network feed {Guid.NewGuid():N}";
        var network = await CollectionAsync(Node.NodeAdmin, new { title = networkTitle, network = true });

        var ownerPage = await PageAsync(await BrowserAsync(Node.OwnerOrg), "/taxii/collections");
        var outsiderPage = await PageAsync(await BrowserAsync(Node.OutsiderOrg), "/taxii/collections");

        Assert.Contains(title, ownerPage, StringComparison.Ordinal);
        Assert.Contains($"/taxii2/api/collections/{owned}/", ownerPage, StringComparison.Ordinal);
        Assert.Contains("TLP: amber", ownerPage, StringComparison.Ordinal);
        Assert.Contains("indicator", ownerPage, StringComparison.Ordinal);
        Assert.Contains(networkTitle, ownerPage, StringComparison.Ordinal);
        Assert.Contains($"/taxii2/api/collections/{network}/", outsiderPage, StringComparison.Ordinal);
        Assert.DoesNotContain(title, outsiderPage, StringComparison.Ordinal);
        Assert.DoesNotContain(owned, outsiderPage, StringComparison.Ordinal);

        // What the page lists, as the administrators who may not see the organisation's collection.
        foreach (var admin in Administrators(Node))
        {
            await using var scope = Node.Factory.Services.CreateAsyncScope();
            var (items, _) = await scope.ServiceProvider.GetRequiredService<TaxiiCollections>().ListAsync(admin, null, 200, default);
            Assert.DoesNotContain(items, c => c.Id == Guid.Parse(owned));
        }
    }

    [Fact]
    public async Task ConnectionsPage_Rendered_ShowsStateCheckpointsCountsAndLastError_NotAnotherOrganisationsConnection()
    {
        var ours = $"Partner CERT {Guid.NewGuid():N}";
        var theirs = $"Outsider feed {Guid.NewGuid():N}";
        var now = Node.Factory.Clock.GetUtcNow();
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            TaxiiConnection Connection(Guid organisation, string name) => new()
            {
                PublicId = Guid.NewGuid(), OrganisationId = organisation, Name = name, ApiRoot = "https://taxii.partner.example/api1/",
                CollectionId = "91a7b528-80eb-42ed-a74d-c6fbd5a26116", Authentication = TaxiiAuthentication.None, Direction = TaxiiDirection.Both,
                IntervalSeconds = 3600, Enabled = true, CreatedByUserId = Guid.NewGuid(), CreatedAt = now, NextRunAt = now.AddHours(1),
                LastRunAt = now, Status = TaxiiRunStatus.Failed, LastError = $"The remote refused the credentials (401) {name}", LastErrorAt = now,
                PullCheckpoint = new DateTimeOffset(2026, 10, 31, 17, 42, 0, TimeSpan.Zero), PushCheckpointAddedAt = new DateTimeOffset(2026, 10, 30, 8, 15, 0, TimeSpan.Zero),
                LastPulled = 32, LastAdded = 17, LastUpdated = 4, LastUnchanged = 9, LastRejected = 2, LastPushed = 5, LastPushFailed = 1, LastPushPending = 3,
            };
            db.TaxiiConnections.AddRange(Connection(Node.OwnerOrg, ours), Connection(Node.OutsiderOrg, theirs));
            await db.SaveChangesAsync();
        }

        var ownerPage = await PageAsync(await BrowserAsync(Node.OwnerOrg), "/taxii/connections");
        var outsiderPage = await PageAsync(await BrowserAsync(Node.OutsiderOrg), "/taxii/connections");
        var memberPage = await PageAsync(await BrowserAsync(Node.MemberOrg), "/taxii/connections");

        Assert.Contains(ours, ownerPage, StringComparison.Ordinal);
        Assert.Contains("Failed", ownerPage, StringComparison.Ordinal);
        Assert.Contains("17:42", ownerPage, StringComparison.Ordinal);
        Assert.Contains("08:15", ownerPage, StringComparison.Ordinal);
        Assert.Contains("17 / 4 / 9 / 2", ownerPage, StringComparison.Ordinal);
        Assert.Contains("5 / 1 / 3", ownerPage, StringComparison.Ordinal);
        Assert.Contains($"The remote refused the credentials (401) {ours}", ownerPage, StringComparison.Ordinal);
        Assert.DoesNotContain(theirs, ownerPage, StringComparison.Ordinal);

        Assert.Contains(theirs, outsiderPage, StringComparison.Ordinal);
        Assert.DoesNotContain(ours, outsiderPage, StringComparison.Ordinal);
        Assert.DoesNotContain(ours, memberPage, StringComparison.Ordinal);
        Assert.DoesNotContain(theirs, memberPage, StringComparison.Ordinal);

        foreach (var admin in Administrators(Node))
        {
            await using var scope = Node.Factory.Services.CreateAsyncScope();
            IReadOnlyList<TaxiiConnection> items;
            try
            {
                (items, _) = await scope.ServiceProvider.GetRequiredService<TaxiiConnections>().ListAsync(admin, null, 200, default);
            }
            catch (Rampart.Server.Hosting.ForbiddenException)
            {
                items = [];
            }

            Assert.DoesNotContain(items, c => c.Name == ours);
        }
    }
}

public sealed class SqliteTaxiiTests(SqliteNode fixture) : TaxiiTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresTaxiiTests(PostgresNode fixture) : TaxiiTests(fixture), IClassFixture<PostgresNode>;
