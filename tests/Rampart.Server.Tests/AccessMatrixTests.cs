using System.Net;
using System.Security.Claims;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Standards.Markings;

namespace Rampart.Server.Tests;

/// <summary>
/// Every TLP × audience × viewer relation, through HTTP: who gets the note by id and in lists, and that
/// the in-memory check agrees with the database filter. Runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class AccessMatrixTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    public enum Viewer
    {
        Owner,
        Recipient,
        CommunityMember,
        SameCountryNonMember,
        Outsider,
        Anonymous,
        NodeAdminOfAnotherOrganisation,
    }

    public static TheoryData<Tlp, Audience, bool> AllowedCombinations()
    {
        var data = new TheoryData<Tlp, Audience, bool>();
        foreach (var tlp in Enum.GetValues<Tlp>())
        {
            foreach (var audience in Enum.GetValues<Audience>())
            {
                if (Allowed(tlp, audience))
                {
                    data.Add(tlp, audience, false);
                    if (tlp == Tlp.Clear)
                    {
                        data.Add(tlp, audience, true);
                    }
                }
            }
        }

        return data;
    }

    public static TheoryData<Tlp, Audience> ForbiddenCombinations()
    {
        var data = new TheoryData<Tlp, Audience>();
        foreach (var tlp in Enum.GetValues<Tlp>())
        {
            foreach (var audience in Enum.GetValues<Audience>().Where(a => !Allowed(tlp, a)))
            {
                data.Add(tlp, audience);
            }
        }

        return data;
    }

    // The rules of docs/sharing.md, written out independently of the implementation.
    private static bool Allowed(Tlp tlp, Audience audience) => tlp switch
    {
        Tlp.Red or Tlp.AmberStrict => audience is Audience.Organisation or Audience.Recipients,
        Tlp.Amber => audience is not Audience.Network,
        _ => true,
    };

    private static bool Expected(Viewer viewer, Audience audience, bool published) =>
        published || viewer switch
        {
            Viewer.Anonymous => false,
            Viewer.Owner => true,
            Viewer.Recipient => audience is Audience.Recipients or Audience.Network,
            Viewer.CommunityMember => audience is Audience.Community or Audience.Network,
            _ => audience is Audience.Network,
        };

    private Person? PersonOf(Viewer viewer) => viewer switch
    {
        Viewer.Owner => Node.Owner,
        Viewer.Recipient => Node.Recipient,
        Viewer.CommunityMember => Node.Member,
        Viewer.SameCountryNonMember => Node.SameCountry,
        Viewer.Outsider => Node.Outsider,
        Viewer.NodeAdminOfAnotherOrganisation => Node.NodeAdmin,
        _ => null,
    };

    private object NoteBody(Tlp tlp, Audience audience, bool published, string title) => new
    {
        title,
        body = "Indicators from the *incident*.",
        tlp,
        audience,
        communityId = audience == Audience.Community ? Node.Community : (Guid?)null,
        recipients = audience == Audience.Recipients ? new[] { new { organisationId = Node.RecipientOrg } } : [],
        published,
    };

    [Theory]
    [MemberData(nameof(AllowedCombinations))]
    public async Task Note_EachViewer_SeesItExactlyWhenTheRulesSay(Tlp tlp, Audience audience, bool published)
    {
        var create = await Node.Client(Node.Owner).PostAsync("/api/notes", NoteBody(tlp, audience, published, $"{tlp} {audience} {published}"));
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var id = (await Json.ReadAsync(create))["id"]!.GetValue<Guid>();

        foreach (var viewer in Enum.GetValues<Viewer>())
        {
            var expected = Expected(viewer, audience, published);
            var client = Node.Client(PersonOf(viewer));

            var byId = await client.GetAsync($"/api/notes/{id}");
            Assert.True((expected ? HttpStatusCode.OK : HttpStatusCode.NotFound) == byId.StatusCode,
                $"{viewer} reading {tlp}/{audience}/published={published} by id: {byId.StatusCode}");

            var list = await Json.ReadAsync(await client.GetAsync("/api/notes?pageSize=200"));
            var listed = list["items"]!.AsArray().Any(n => n!["id"]!.GetValue<Guid>() == id);
            Assert.True(expected == listed, $"{viewer} listing {tlp}/{audience}/published={published}: listed={listed}");

            Assert.True(expected == await InMemoryDecisionAsync(viewer, id), $"{viewer}: in-memory check disagrees with the database filter");
        }
    }

    private async Task<bool> InMemoryDecisionAsync(Viewer viewer, Guid noteId)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var person = PersonOf(viewer);
        var principal = person is null
            ? new ClaimsPrincipal(new ClaimsIdentity())
            : new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, person.UserId.ToString())], "test"));
        var caller = await scope.ServiceProvider.GetRequiredService<CallerResolver>().ResolveAsync(principal, null, default);
        var note = db.Notes.Single(n => n.Id == noteId);
        var recipients = await scope.ServiceProvider.GetRequiredService<SharingStore>().RecipientsOfAsync(noteId, default);
        return AccessPolicy.CanRead(caller, note, recipients);
    }

    [Theory]
    [MemberData(nameof(ForbiddenCombinations))]
    public async Task Note_TlpForbidsTheAudience_Is400NamingTheRuleAndNothingIsStored(Tlp tlp, Audience audience)
    {
        var client = Node.Client(Node.Owner);
        var before = (await Json.ReadAsync(await client.GetAsync("/api/notes?pageSize=1")))["total"]!.GetValue<int>();

        var response = await client.PostAsync("/api/notes", NoteBody(tlp, audience, false, "must not be stored"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await Json.ReadAsync(response);
        var reason = problem["errors"]!["audience"]![0]!.GetValue<string>();
        Assert.Contains(tlp.Label(), reason, StringComparison.Ordinal);
        var after = (await Json.ReadAsync(await client.GetAsync("/api/notes?pageSize=1")))["total"]!.GetValue<int>();
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Note_PublishedButNotClear_IsRejected()
    {
        var response = await Node.Client(Node.Owner).PostAsync("/api/notes", NoteBody(Tlp.Green, Audience.Network, true, "green published"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await Json.ReadAsync(response))["errors"]!["published"]);
    }

    [Fact]
    public async Task RedNote_ToANamedPerson_IsHiddenFromTheirColleagues()
    {
        var response = await Node.Client(Node.Owner).PostAsync("/api/notes", new
        {
            title = "RED for one person",
            body = "eyes only",
            tlp = "red",
            audience = "recipients",
            recipients = new[] { new { organisationId = Node.RecipientOrg, userId = Node.Recipient.UserId } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await Json.ReadAsync(response))["id"]!.GetValue<Guid>();

        Assert.Equal(HttpStatusCode.OK, (await Node.Client(Node.Recipient).GetAsync($"/api/notes/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.RecipientColleague).GetAsync($"/api/notes/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(Node.OwnerViewer).GetAsync($"/api/notes/{id}")).StatusCode);
    }

    [Fact]
    public async Task NamedPersonRecipient_BelowRed_IsRejected()
    {
        var response = await Node.Client(Node.Owner).PostAsync("/api/notes", new
        {
            title = "amber for one person",
            tlp = "amber",
            audience = "recipients",
            recipients = new[] { new { organisationId = Node.RecipientOrg, userId = Node.Recipient.UserId } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await Json.ReadAsync(response))["errors"]!["recipients"]);
    }

    [Fact]
    public async Task HiddenNote_AnswersExactlyLikeAMissingOne_ForReadChangeAndDelete()
    {
        var created = await Node.Client(Node.Owner).PostAsync("/api/notes", NoteBody(Tlp.Amber, Audience.Community, false, "amber community secret"));
        var id = (await Json.ReadAsync(created))["id"]!.GetValue<Guid>();
        var missing = Guid.CreateVersion7();
        var outsider = Node.Client(Node.Outsider);

        foreach (var target in new[] { id, missing })
        {
            var get = await outsider.GetAsync($"/api/notes/{target}");
            var put = await outsider.PutAsync($"/api/notes/{target}", NoteBody(Tlp.Amber, Audience.Organisation, false, "taken over"));
            var delete = await outsider.DeleteAsync($"/api/notes/{target}");
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, put.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        }

        var hiddenBody = await Json.ReadAsync(await outsider.GetAsync($"/api/notes/{id}"));
        var missingBody = await Json.ReadAsync(await outsider.GetAsync($"/api/notes/{missing}"));
        hiddenBody.AsObject().Remove("traceId");
        missingBody.AsObject().Remove("traceId");
        Assert.Equal(missingBody.ToJsonString(), hiddenBody.ToJsonString());

        // The owner's note is untouched.
        var own = await Json.ReadAsync(await Node.Client(Node.Owner).GetAsync($"/api/notes/{id}"));
        Assert.Equal("amber community secret", own["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task NodeAdmin_DoesNotBypassTheRulesForContent()
    {
        var created = await Node.Client(Node.Owner).PostAsync("/api/notes", NoteBody(Tlp.Amber, Audience.Organisation, false, "owner only amber"));
        var id = (await Json.ReadAsync(created))["id"]!.GetValue<Guid>();
        Assert.Equal(HttpStatusCode.NotFound, (await Node.Client(Node.NodeAdmin).GetAsync($"/api/notes/{id}")).StatusCode);
    }

    [Fact]
    public async Task ListCountsAndPaging_CountOnlyWhatTheCallerMayRead()
    {
        var owner = Node.Client(Node.Owner);
        for (var i = 0; i < 3; i++)
        {
            await owner.PostAsync("/api/notes", NoteBody(Tlp.Red, Audience.Organisation, false, $"red {i}"));
        }

        foreach (var person in new[] { Node.Outsider, Node.SameCountry, Node.NodeAdmin, Node.Member, Node.Recipient })
        {
            var client = Node.Client(person);
            var everything = await Json.ReadAsync(await client.GetAsync("/api/notes?pageSize=200"));
            var items = everything["items"]!.AsArray();
            Assert.Equal(items.Count, everything["total"]!.GetValue<int>());
            Assert.DoesNotContain(items, n => n!["title"]!.GetValue<string>().StartsWith("red ", StringComparison.Ordinal));

            // Walking page by page gives the same set, and a page past the end is empty with the same total.
            var walked = new List<Guid>();
            for (var page = 1; page <= (items.Count / 2) + 1; page++)
            {
                var onePage = await Json.ReadAsync(await client.GetAsync($"/api/notes?page={page}&pageSize=2"));
                Assert.Equal(items.Count, onePage["total"]!.GetValue<int>());
                walked.AddRange(onePage["items"]!.AsArray().Select(n => n!["id"]!.GetValue<Guid>()));
            }

            Assert.Equal(items.Select(n => n!["id"]!.GetValue<Guid>()).Order(), walked.Order());
        }
    }

    [Fact]
    public async Task RecipientList_IsShownToTheOwnerOnly()
    {
        var created = await Node.Client(Node.Owner).PostAsync("/api/notes", NoteBody(Tlp.Amber, Audience.Recipients, false, "who else got it"));
        var id = (await Json.ReadAsync(created))["id"]!.GetValue<Guid>();

        var asRecipient = await Json.ReadAsync(await Node.Client(Node.Recipient).GetAsync($"/api/notes/{id}"));
        var asOwner = await Json.ReadAsync(await Node.Client(Node.Owner).GetAsync($"/api/notes/{id}"));
        Assert.Null(asRecipient["recipients"]);
        Assert.Single(asOwner["recipients"]!.AsArray());
    }

    [Fact]
    public async Task NotOwner_WhoMayRead_CannotChangeOrDelete()
    {
        var created = await Node.Client(Node.Owner).PostAsync("/api/notes", NoteBody(Tlp.Green, Audience.Network, false, "green for all"));
        var id = (await Json.ReadAsync(created))["id"]!.GetValue<Guid>();
        var outsider = Node.Client(Node.Outsider);

        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.PutAsync($"/api/notes/{id}", NoteBody(Tlp.Green, Audience.Network, false, "changed"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.DeleteAsync($"/api/notes/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Node.Client(Node.OwnerViewer).DeleteAsync($"/api/notes/{id}")).StatusCode);
        Assert.Equal("green for all", (await Json.ReadAsync(await outsider.GetAsync($"/api/notes/{id}")))["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task SharingToACommunity_TheOwnerIsNotIn_IsRejected()
    {
        var response = await Node.Client(Node.Outsider).PostAsync("/api/notes", new
        {
            title = "into a community I am not in",
            tlp = "amber",
            audience = "community",
            communityId = Node.Community,
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull((await Json.ReadAsync(response))["errors"]!["communityId"]);
    }
}

public sealed class SqliteAccessMatrixTests(SqliteNode fixture) : AccessMatrixTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresAccessMatrixTests(PostgresNode fixture) : AccessMatrixTests(fixture), IClassFixture<PostgresNode>;
