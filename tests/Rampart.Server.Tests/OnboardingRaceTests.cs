using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Organisations;

namespace Rampart.Server.Tests;

/// <summary>
/// Two node admins onboarding the same empty organisation at once: exactly one first user is created; the
/// loser of the race gets 409 (a database lock on the organisation, so it holds across app servers).
/// </summary>
public abstract class OnboardingRaceTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private async Task<(Guid Org, Person SecondNodeAdmin)> EmptyOrganisationAsync(string shortName)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var org = await scope.ServiceProvider.GetRequiredService<OrganisationAdministration>().CreateAsync(Caller.Operator(),
            new OrganisationRequest("Team " + shortName, shortName, "GE", OrganisationKind.NationalCert), default);
        var second = await SeededNode.PersonAsync(scope.ServiceProvider, Node.NodeOrg, $"root-{shortName.ToLowerInvariant()}@node.test", Role.NodeAdmin);
        return (org.Id, second);
    }

    private async Task<int> UsersOfAsync(Guid org)
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RampartDb>().Users.CountAsync(u => u.OrganisationId == org);
    }

    [Fact]
    public async Task ParallelOnboarding_OfOneEmptyOrganisation_CreatesExactlyOneFirstUser()
    {
        var (org, second) = await EmptyOrganisationAsync("RACE1");
        var admins = new[] { Node.Client(Node.NodeAdmin), Node.Client(second) };
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            admins[i % 2].PostAsync("/api/users", new { email = $"first{i}@race1.test", organisationId = org, role = "org-admin" })));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        // Losers: 409 when they raced inside the lock, 403 when they arrived after the winner had committed; never a 500.
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created),
            r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Conflict, HttpStatusCode.Forbidden }));
        Assert.Equal(1, await UsersOfAsync(org));
    }

    [Fact]
    public async Task OnboardingThatWaitsOnAnotherInFlight_Is409_AndCreatesNothing()
    {
        var (org, second) = await EmptyOrganisationAsync("RACE2");
        // The key's first use records its last use (a write); done now, so the race below is only about the organisation.
        Assert.Equal(HttpStatusCode.OK, (await Node.Client(second).GetAsync("/api/me")).StatusCode);
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();

        // The first onboarder is inside its transaction: the organisation is locked and its user written, not yet committed.
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await db.Organisations.Where(o => o.Id == org).ExecuteUpdateAsync(s => s.SetProperty(o => o.Name, o => o.Name));
            var created = await users.CreateAsync(new User
            {
                Id = Guid.CreateVersion7(),
                UserName = "winner@race2.test",
                Email = "winner@race2.test",
                DisplayName = "Winner",
                OrganisationId = org,
                Role = Role.OrgAdmin,
                LockoutEnabled = true,
            }, UserAdministration.OneTimePassword());
            Assert.True(created.Succeeded);

            // The second onboarder sees no committed user yet, so it passes the early check and waits on the lock.
            var loser = Node.Client(second).PostAsync("/api/users", new { email = "loser@race2.test", organisationId = org, role = "org-admin" });
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.False(loser.IsCompleted, "the second onboarding should wait for the first to commit");
            await transaction.CommitAsync();

            var response = await loser;
            Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("onboarded", (await Json.ReadAsync(response))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal(1, await UsersOfAsync(org));
    }
}

public sealed class SqliteOnboardingRaceTests(SqliteNode fixture) : OnboardingRaceTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresOnboardingRaceTests(PostgresNode fixture) : OnboardingRaceTests(fixture), IClassFixture<PostgresNode>;
