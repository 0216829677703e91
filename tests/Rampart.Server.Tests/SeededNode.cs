using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Organisations;

namespace Rampart.Server.Tests;

/// <summary>
/// A node with the cast of the access matrix: an owner organisation, a recipient, a community member,
/// a same-country organisation outside the community, a foreign outsider and the hosting node admin.
/// Each person has an API key.
/// </summary>
public sealed class SeededNode : IAsyncDisposable
{
    private SeededNode(TestDatabase database, RampartFactory factory)
    {
        Database = database;
        Factory = factory;
    }

    public TestDatabase Database { get; }

    public RampartFactory Factory { get; }

    public Guid OwnerOrg { get; private set; }

    public Guid RecipientOrg { get; private set; }

    public Guid MemberOrg { get; private set; }

    public Guid SameCountryOrg { get; private set; }

    public Guid OutsiderOrg { get; private set; }

    public Guid NodeOrg { get; private set; }

    public Guid Community { get; private set; }

    public Person Owner { get; private set; } = null!;

    public Person OwnerViewer { get; private set; } = null!;

    public Person OwnerAdmin { get; private set; } = null!;

    public Person Recipient { get; private set; } = null!;

    public Person RecipientColleague { get; private set; } = null!;

    public Person Member { get; private set; } = null!;

    public Person SameCountry { get; private set; } = null!;

    public Person Outsider { get; private set; } = null!;

    public Person NodeAdmin { get; private set; } = null!;

    public static async Task<SeededNode> CreateAsync(DatabaseProvider provider, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var database = new TestDatabase(provider);
        var factory = new RampartFactory(database, settings, configure);
        var node = new SeededNode(database, factory);
        _ = factory.Server; // starts the host: migrations and first-start bootstrap run here
        await node.SeedAsync();
        return node;
    }

    private async Task SeedAsync()
    {
        await using var scope = Factory.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var organisations = services.GetRequiredService<OrganisationAdministration>();
        var op = Caller.Operator();

        async Task<Guid> Org(string shortName, string country) =>
            (await organisations.CreateAsync(op, new OrganisationRequest($"Team {shortName}", shortName, country, OrganisationKind.NationalCert), default)).Id;

        OwnerOrg = await Org("OWNER", "AL");
        RecipientOrg = await Org("RECIP", "XK");
        MemberOrg = await Org("MEMBER", "MK");
        SameCountryOrg = await Org("SAMECO", "AL");
        OutsiderOrg = await Org("OUTSIDE", "RS");
        NodeOrg = services.GetRequiredService<RampartDb>().Organisations.Single(o => o.ShortName == "NODE").Id;

        var communities = services.GetRequiredService<CommunityAdministration>();
        Community = (await communities.CreateAsync(op, new CommunityRequest("WB national CERTs", null, OwnerOrg), default)).Id;

        Owner = await PersonAsync(services, OwnerOrg, "analyst@owner.test", Role.Analyst);
        OwnerViewer = await PersonAsync(services, OwnerOrg, "viewer@owner.test", Role.Viewer);
        OwnerAdmin = await PersonAsync(services, OwnerOrg, "admin@owner.test", Role.OrgAdmin);
        Recipient = await PersonAsync(services, RecipientOrg, "analyst@recipient.test", Role.Analyst);
        RecipientColleague = await PersonAsync(services, RecipientOrg, "colleague@recipient.test", Role.Analyst);
        Member = await PersonAsync(services, MemberOrg, "analyst@member.test", Role.Analyst);
        SameCountry = await PersonAsync(services, SameCountryOrg, "analyst@sameco.test", Role.Analyst);
        Outsider = await PersonAsync(services, OutsiderOrg, "analyst@outside.test", Role.Analyst);
        NodeAdmin = await PersonAsync(services, NodeOrg, "root@node.test", Role.NodeAdmin);

        // Joining needs the moderating organisation's consent: its own admin adds the member.
        var moderator = new Caller(OwnerAdmin.UserId, OwnerOrg, Role.OrgAdmin, new HashSet<Guid>(), Credential: "session:seed");
        await communities.AddMemberAsync(moderator, Community, MemberOrg, default);
    }

    /// <summary>
    /// Seeds a person straight into the database (as an organisation's own admins would create them), with a
    /// one-time password and an API key that the person created themselves — no administrator may make keys
    /// for others, and once an organisation has users only its own admins add more.
    /// </summary>
    public static async Task<Person> PersonAsync(IServiceProvider services, Guid organisationId, string email, Role role, bool readOnlyKey = false)
    {
        var users = services.GetRequiredService<UserManager<User>>();
        var password = UserAdministration.OneTimePassword();
        var user = new User
        {
            Id = Guid.CreateVersion7(),
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = email,
            OrganisationId = organisationId,
            Role = role,
            MustChangePassword = true,
            LockoutEnabled = true,
            CreatedAt = services.GetRequiredService<TimeProvider>().GetUtcNow(),
        };
        var result = await users.CreateAsync(user, password);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
        var self = new Caller(user.Id, organisationId, role, new HashSet<Guid>(), Credential: "session:seed");
        var key = await services.GetRequiredService<ApiKeyAdministration>().CreateAsync(self, user.Id, new ApiKeyRequest("tests", null, readOnlyKey), default);
        return new Person(user.Id, organisationId, email, password, key!.Key);
    }

    public HttpClient Client(Person? person) => Factory.ClientWithKey(person?.ApiKey);

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Database.DisposeAsync();
    }
}

public sealed record Person(Guid UserId, Guid OrganisationId, string Email, string Password, string ApiKey);
