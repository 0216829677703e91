using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Rampart.Server.Components;
using Rampart.Server.Data;
using Rampart.Server.Localisation;
using Rampart.Server.Organisations;
using Rampart.Server.Organisations.Pages;

namespace Rampart.Server.Tests;

/// <summary>
/// The organisations and communities grids: keyset pages on the unique short name / name in both directions, the prefix
/// filter, the form's live checks agreeing with the use case, and nobody logged out reaching the directory.
/// </summary>
public abstract class DirectoryPagesTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    [Fact]
    public async Task OrganisationPages_AscendingAndDescending_EveryOrganisationOnceInOrder()
    {
        var names = new[] { "PG-A", "PG-B", "PG-C", "PG-D", "PG-E", "PG-F", "PG-G" };
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            foreach (var name in names.Reverse())
            {
                db.Organisations.Add(new Organisation { Id = Guid.CreateVersion7(), Name = "Paging test " + name, ShortName = name, Country = "AL" });
            }

            await db.SaveChangesAsync();
        }

        Assert.Equal([["PG-A", "PG-B", "PG-C"], ["PG-D", "PG-E", "PG-F"], ["PG-G"]], await OrganisationPagesAsync("PG-", descending: false));
        Assert.Equal([["PG-G", "PG-F", "PG-E"], ["PG-D", "PG-C", "PG-B"], ["PG-A"]], await OrganisationPagesAsync("PG-", descending: true));
        // Short names are codes in capitals: typed in lower case they are found too.
        Assert.Equal([["PG-A", "PG-B", "PG-C"], ["PG-D", "PG-E", "PG-F"], ["PG-G"]], await OrganisationPagesAsync("pg-", descending: false));
        Assert.Equal([], await OrganisationPagesAsync("PG-Z", descending: false));
        // No filter: every organisation of the node, each once, in short-name order.
        var all = (await OrganisationPagesAsync(null, descending: false)).SelectMany(p => p).ToList();
        Assert.Equal(all.Distinct().Count(), all.Count);
        Assert.Equal(all.Order(StringComparer.Ordinal), all);
        Assert.Subset(all.ToHashSet(), names.ToHashSet());
    }

    [Fact]
    public async Task CommunityPages_AscendingAndDescending_EveryCommunityOnceWithItsMembers()
    {
        var names = new[] { "Paging community 1", "Paging community 2", "Paging community 3", "Paging community 4", "Paging community 5" };
        await using (var scope = Node.Factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
            foreach (var name in names)
            {
                var community = new Community { Id = Guid.CreateVersion7(), Name = name, ModeratorOrganisationId = Node.OwnerOrg };
                community.Members.Add(new CommunityMember { CommunityId = community.Id, OrganisationId = Node.OwnerOrg });
                community.Members.Add(new CommunityMember { CommunityId = community.Id, OrganisationId = Node.MemberOrg });
                db.Communities.Add(community);
            }

            await db.SaveChangesAsync();
        }

        var ascending = await CommunityPagesAsync("Paging community", descending: false);
        Assert.Equal([names[..2], names[2..4], names[4..]], ascending.Select(p => p.Select(c => c.Name).ToArray()));
        Assert.All(ascending.SelectMany(p => p), c => Assert.Equal(2, c.Members.Count));
        var descending = await CommunityPagesAsync("Paging community", descending: true);
        Assert.Equal(names.Reverse(), descending.SelectMany(p => p).Select(c => c.Name));
        Assert.Empty(await CommunityPagesAsync("No community starts like this", descending: false));
    }

    [Fact]
    public async Task OrganisationForm_LiveChecks_GiveTheUseCasesReasons()
    {
        // What the form says while the user types is what the server answers on submit, field by field.
        var input = new OrganisationInput
        {
            Name = new string('n', 201), ShortName = "", Country = "YU", ContactEmail = "not an address", Website = "javascript:alert(1)",
            PgpPublicKey = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nbm90IGEga2V5\n-----END PGP PUBLIC KEY BLOCK-----", Phone24x7 = new string('1', 41),
        };
        var response = await Node.Client(Node.NodeAdmin).PostAsync("/api/organisations", new
        {
            name = input.Name, shortName = input.ShortName, country = input.Country, kind = "national-cert", contactEmail = input.ContactEmail,
            website = input.Website, pgpPublicKey = input.PgpPublicKey, phone24x7 = input.Phone24x7,
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Json.ReadAsync(response))["errors"]!.AsObject();
        foreach (var field in OrganisationInput.Fields.Where(f => f != "kind"))
        {
            var server = errors[field]?.AsArray().Select(e => e!.GetValue<string>()).ToArray() ?? [];
            Assert.Equal(server, input.Check(field));
        }

        Assert.Empty(new OrganisationInput { Name = "CERT", ShortName = "C", Country = "xk", ContactEmail = "cert@example.org", Website = "https://cert.example.org" }
            .Check("country"));
    }

    [Theory]
    [InlineData("/organisations")]
    [InlineData("/communities")]
    public async Task DirectoryPages_LoggedOut_RedirectToLoginWithoutNames(string path)
    {
        var response = await Node.Factory.ClientWithKey(null).GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/account/login", response.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("OWNER", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<List<string[]>> OrganisationPagesAsync(string? prefix, bool descending)
    {
        var pages = new List<string[]>();
        string? after = null;
        for (var more = true; more && pages.Count < 100;)
        {
            await using var scope = Node.Factory.Services.CreateAsyncScope();
            (var items, more) = await DirectoryPaging.OrganisationsAsync(scope.ServiceProvider.GetRequiredService<RampartDb>(), prefix, after, descending, 3, CancellationToken.None);
            if (items.Count > 0)
            {
                pages.Add([.. items.Select(o => o.ShortName)]);
                after = items[^1].ShortName;
            }
        }

        return pages;
    }

    private async Task<List<List<Community>>> CommunityPagesAsync(string prefix, bool descending)
    {
        var pages = new List<List<Community>>();
        string? after = null;
        for (var more = true; more && pages.Count < 100;)
        {
            await using var scope = Node.Factory.Services.CreateAsyncScope();
            (var items, more) = await DirectoryPaging.CommunitiesAsync(scope.ServiceProvider.GetRequiredService<RampartDb>(), prefix, after, descending, 2, CancellationToken.None);
            if (items.Count > 0)
            {
                pages.Add(items);
                after = items[^1].Name;
            }
        }

        return pages;
    }
}

public sealed class SqliteDirectoryPagesTests(SqliteNode fixture) : DirectoryPagesTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresDirectoryPagesTests(PostgresNode fixture) : DirectoryPagesTests(fixture), IClassFixture<PostgresNode>;

/// <summary>Every reason the organisation, community and API-key forms can show is in the user's language, never the API's English.</summary>
public sealed class FormReasonLocalisationTests
{
    public static TheoryData<string> Cultures() => new(Languages.All.Select(l => l.Culture).Where(c => c != "en"));

    private static readonly string[] Reasons =
    [
        "Required.", "At most 200 characters.", "At most 64000 characters.", "Not an e-mail address.", "Not an http or https address.",
        "Not an ISO 3166-1 alpha-2 country code (Kosovo is XK).", "Another organisation already uses this short name.",
        "A community with this name exists.", "No such organisation.", "The key data is not an OpenPGP packet.",
        "The first packet is not a public key.", "The public key packet is empty.",
        "Expected an ASCII-armoured block between BEGIN and END PGP PUBLIC KEY BLOCK lines.", "The armoured key is not valid base64.",
        "OpenPGP key version 3 is not supported (4 and 6 are).", "Only node admins change an organisation's kind or country.",
        "A user has at most 10 keys; revoke one first.", "Must be in the future.",
    ];

    [Theory]
    [MemberData(nameof(Cultures))]
    public void FormReasons_EveryLanguage_Translated(string culture)
    {
        var previous = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(culture);
        try
        {
            var localizer = new StringLocalizer<Shell>(new ResourceManagerStringLocalizerFactory(
                Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
            var english = Reasons.Where(r => ProblemText.Localise(localizer, r) == r).ToList();
            Assert.True(english.Count == 0, $"{culture} shows in English: {string.Join(" | ", english)}");
            Assert.Contains("3", ProblemText.Localise(localizer, "OpenPGP key version 3 is not supported (4 and 6 are)."), StringComparison.Ordinal);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = previous;
        }
    }

    [Fact]
    public void OrganisationForm_LabelsEveryField_NeverTheApiName()
    {
        var localizer = new StringLocalizer<Shell>(new ResourceManagerStringLocalizerFactory(
            Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
        Assert.All(OrganisationInput.Fields, f => Assert.NotEqual(f, Rampart.Server.Organisations.Pages.OrganisationForm.LabelOf(localizer, f)));
    }
}
