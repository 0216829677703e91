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

    public static async Task<SeededNode> CreateAsync(DatabaseProvider provider, IDictionary<string, string?>? settings = null)
    {
        var database = new TestDatabase(provider);
        var factory = new RampartFactory(database, settings);
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
        await communities.AddMemberAsync(op, Community, MemberOrg, default);

        Owner = await PersonAsync(services, OwnerOrg, "analyst@owner.test", Role.Analyst);
        OwnerViewer = await PersonAsync(services, OwnerOrg, "viewer@owner.test", Role.Viewer);
        OwnerAdmin = await PersonAsync(services, OwnerOrg, "admin@owner.test", Role.OrgAdmin);
        Recipient = await PersonAsync(services, RecipientOrg, "analyst@recipient.test", Role.Analyst);
        RecipientColleague = await PersonAsync(services, RecipientOrg, "colleague@recipient.test", Role.Analyst);
        Member = await PersonAsync(services, MemberOrg, "analyst@member.test", Role.Analyst);
        SameCountry = await PersonAsync(services, SameCountryOrg, "analyst@sameco.test", Role.Analyst);
        Outsider = await PersonAsync(services, OutsiderOrg, "analyst@outside.test", Role.Analyst);
        NodeAdmin = await PersonAsync(services, NodeOrg, "root@node.test", Role.NodeAdmin);
    }

    public static async Task<Person> PersonAsync(IServiceProvider services, Guid organisationId, string email, Role role, bool readOnlyKey = false)
    {
        var created = await services.GetRequiredService<UserAdministration>().CreateAsync(Caller.Operator(), new UserRequest(email, null, organisationId, role), default);
        var key = await services.GetRequiredService<ApiKeyAdministration>().CreateAsync(Caller.Operator(), created.User.Id, new ApiKeyRequest("tests", null, readOnlyKey), default);
        return new Person(created.User.Id, organisationId, email, created.OneTimePassword, key!.Key);
    }

    public HttpClient Client(Person? person) => Factory.ClientWithKey(person?.ApiKey);

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        await Database.DisposeAsync();
    }
}

public sealed record Person(Guid UserId, Guid OrganisationId, string Email, string Password, string ApiKey);
