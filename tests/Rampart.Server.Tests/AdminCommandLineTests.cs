using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Admin;
using Rampart.Server.Data;

namespace Rampart.Server.Tests;

public sealed class AdminCommandLineTests(SqliteNode fixture) : IClassFixture<SqliteNode>
{
    private SeededNode Node => fixture.Node;

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await AdminCommandLine.RunAsync(args, output, error, builder =>
        {
            builder.Configuration["Rampart:Database:Provider"] = Node.Database.Provider.ToString();
            builder.Configuration["Rampart:Database:ConnectionString"] = Node.Database.ConnectionString;
        });
        return (exit, output.ToString(), error.ToString());
    }

    private async Task<int> OrganisationCountAsync()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RampartDb>().Organisations.CountAsync();
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("--urls", "http://127.0.0.1:5999", "--help")]
    public async Task Help_PrintsUsageAndExits_WithoutStartingTheServer(params string[] args)
    {
        Assert.True(AdminCommandLine.Handles(args));
        var (exit, output, _) = await RunAsync(args);
        Assert.Equal(0, exit);
        Assert.Contains("admin", output, StringComparison.Ordinal);
        Assert.Contains("audit", output, StringComparison.Ordinal);
        Assert.Contains("Exit codes", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminHelp_ListsEveryFeaturesCommands()
    {
        var (exit, output, _) = await RunAsync("admin", "--help");
        Assert.Equal(0, exit);
        foreach (var noun in new[] { "org", "user", "apikey", "community" })
        {
            Assert.Contains(noun, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void NoArguments_StartTheServer() => Assert.False(AdminCommandLine.Handles([]));

    [Fact]
    public async Task Version_PrintsTheVersionAndExits()
    {
        Assert.True(AdminCommandLine.Handles(["--version"]));
        var (exit, output, _) = await RunAsync("--version");
        Assert.Equal(0, exit);
        Assert.StartsWith("Rampart ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exit codes", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OrgAndItsFirstAdmin_CreatedFromTheCommandLine_JoiningACommunityIsOnlyARequest()
    {
        var org = await RunAsync("admin", "org", "create", "--name", "CSIRT Moldova", "--short", "CERT-MD", "--country", "MD", "--kind", "governmental-csirt");
        Assert.Equal(0, org.Exit);
        Assert.Contains("CERT-MD", org.Output, StringComparison.Ordinal);

        // Onboarding: the operator creates the organisation's first user, its org admin.
        var user = await RunAsync("admin", "user", "create", "--org", "CERT-MD", "--email", "ops@cert.md.test", "--role", "org-admin");
        Assert.Equal(0, user.Exit);
        Assert.Matches("one-time password: \\S{20}", user.Output);

        // After that, only the organisation's own admins create its users.
        var second = await RunAsync("admin", "user", "create", "--org", "CERT-MD", "--email", "analyst@cert.md.test", "--role", "analyst");
        Assert.Equal(2, second.Exit);
        Assert.Contains("only its own admins", second.Error, StringComparison.Ordinal);

        var community = await RunAsync("admin", "community", "create", "--name", "Moldova-Georgia", "--moderator", "CERT-MD");
        Assert.Equal(0, community.Exit);
        var added = await RunAsync("admin", "community", "add-member", "--community", "Moldova-Georgia", "--org", "OWNER");
        Assert.Equal(0, added.Exit);
        Assert.Contains("pending the moderating organisation's consent", added.Output, StringComparison.Ordinal);
        var list = await RunAsync("admin", "community", "list");
        Assert.Contains("Moldova-Georgia\tmoderator:CERT-MD\tmembers:CERT-MD\n", list.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiKeyCreate_IsNotACommand_TheOperatorMintsNoKeysForUsers()
    {
        var (exit, _, _) = await RunAsync("admin", "apikey", "create", "--user", Node.Owner.Email, "--name", "k");
        Assert.Equal(1, exit);
        var listed = await RunAsync("admin", "apikey", "list", "--user", Node.Owner.Email);
        Assert.Equal(0, listed.Exit);
        Assert.Contains("tests", listed.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserCreate_InAnOrganisationThatHasUsers_IsRefused_AndWritesNothing()
    {
        var (exit, _, error) = await RunAsync("admin", "user", "create", "--org", "OWNER", "--email", "watch@owner.test", "--role", "viewer");
        Assert.Equal(2, exit);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<RampartDb>().Users.AnyAsync(u => u.Email == "watch@owner.test"));
    }

    [Theory]
    [InlineData("admin", "org", "create", "--name", "X", "--short", "BAD-CC", "--country", "ZZ", "--kind", "national-cert")]
    [InlineData("admin", "org", "create", "--name", "X", "--short", "BAD-KIND", "--country", "AL", "--kind", "cert")]
    [InlineData("admin", "org", "create", "--name", "X", "--short", "OWNER", "--country", "AL", "--kind", "research")]
    public async Task BadInput_ExitsNonZero_WithAClearMessage_AndWritesNothing(params string[] args)
    {
        var before = await OrganisationCountAsync();
        var (exit, _, error) = await RunAsync(args);
        Assert.Equal(2, exit);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
        Assert.Equal(before, await OrganisationCountAsync());
    }

    [Fact]
    public async Task MissingRequiredOption_IsAParseError()
    {
        var (exit, _, error) = await RunAsync("admin", "user", "create", "--email", "x@y.test");
        Assert.NotEqual(0, exit);
        Assert.Contains("--org", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOrganisation_IsNotFound()
    {
        var (exit, _, error) = await RunAsync("admin", "user", "create", "--org", "NOPE", "--email", "x@y.test", "--role", "viewer");
        Assert.Equal(3, exit);
        Assert.Contains("no organisation 'NOPE'", error, StringComparison.Ordinal);
    }
}

/// <summary>Admin commands take <c>--Rampart:…</c> settings as arguments, as the server does.</summary>
public sealed class AdminCommandLineSettingsTests(SqliteNode fixture) : IClassFixture<SqliteNode>
{
    private SeededNode Node => fixture.Node;

    [Fact]
    public async Task DatabaseSettings_GivenAsArguments_PointTheCommandAtThatDatabase()
    {
        foreach (var args in new[]
        {
            new[] { "admin", "org", "list", $"--Rampart:Database:Provider={Node.Database.Provider}", $"--Rampart:Database:ConnectionString={Node.Database.ConnectionString}" },
            new[] { "admin", "--Rampart:Database:Provider", Node.Database.Provider.ToString(), "org", "list", "--Rampart:Database:ConnectionString", Node.Database.ConnectionString },
        })
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var exit = await AdminCommandLine.RunAsync(args, output, error);
            Assert.True(exit == 0, error.ToString());
            Assert.Contains("\tOWNER\tAL\t", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("\tOUTSIDE\tRS\t", output.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SplitSettings_KeepsTheCommand_AndTakesOnlyConfigurationPaths()
    {
        var (settings, rest) = AdminCommandLine.SplitSettings(["admin", "user", "list", "--org", "OWNER", "--Rampart:Limits:MaxRequestBodyBytes", "10", "--Rampart:Database:Provider=Postgres"]);
        Assert.Equal(["admin", "user", "list", "--org", "OWNER"], rest);
        Assert.Equal(["--Rampart:Limits:MaxRequestBodyBytes=10", "--Rampart:Database:Provider=Postgres"], settings);
    }
}
