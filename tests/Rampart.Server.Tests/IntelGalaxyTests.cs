using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Rampart.Server.Admin;
using Rampart.Server.Hosting;

namespace Rampart.Server.Tests;

/// <summary><c>rampart admin intel load-galaxies</c> (issue 9): a subset of the real MISP galaxies (TestData/misp-galaxy).</summary>
public abstract partial class IntelGalaxyTests(NodeFixture fixture)
{
    private SeededNode Node => fixture.Node;

    private static readonly string Galaxies = Path.Combine(AppContext.BaseDirectory, "TestData", "misp-galaxy");

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var hosting = Node.Factory.Services.GetRequiredService<IOptions<NodeOptions>>().Value.OrganisationShortName;
        var exit = await AdminCommandLine.RunAsync(args, output, error, builder =>
        {
            builder.Configuration["Rampart:Database:Provider"] = Node.Database.Provider.ToString();
            builder.Configuration["Rampart:Database:ConnectionString"] = Node.Database.ConnectionString;
            builder.Configuration["Rampart:Node:OrganisationShortName"] = hosting;
        });
        return (exit, output.ToString(), error.ToString());
    }

    [GeneratedRegex(@"added (\d+), updated (\d+), unchanged (\d+), rejected (\d+)")]
    private static partial Regex Counts();

    [Fact]
    public async Task LoadGalaxies_TwiceThenRead_AddedThenUnchangedReadableByEveryOrganisation()
    {
        var (exit, output, error) = await RunAsync("admin", "intel", "load-galaxies", "--path", Galaxies);
        Assert.True(exit == 0, output + error);
        var first = Counts().Match(output);
        Assert.True(first.Success, output);
        var loaded = int.Parse(first.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) + int.Parse(first.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(loaded >= 6, output);
        Assert.Equal("0", first.Groups[4].Value);

        var (againExit, again, againError) = await RunAsync("admin", "intel", "load-galaxies", "--path", Path.Combine(Galaxies, "clusters"));
        Assert.True(againExit == 0, again + againError);
        var second = Counts().Match(again);
        Assert.Equal(("0", "0", loaded.ToString(System.Globalization.CultureInfo.InvariantCulture)), (second.Groups[1].Value, second.Groups[2].Value, second.Groups[3].Value));

        // ATT&CK T1393 keeps MITRE's id; TLP:CLEAR network-wide: analysts of any organisation read it.
        const string attackPattern = "attack-pattern--c9e85b80-39e8-42df-b275-86a2afcea9e8";
        foreach (var person in new[] { Node.Owner, Node.Outsider, Node.Recipient })
        {
            var response = await Node.Client(person).GetAsync($"/api/intel/objects/{attackPattern}");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            Assert.Contains("Test ability to evade automated mobile application security analysis", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task LoadGalaxies_MissingFolder_MessageAndNonZeroExit()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-galaxies-{Guid.NewGuid():N}");

        var (exit, output, error) = await RunAsync("admin", "intel", "load-galaxies", "--path", missing);

        Assert.NotEqual(0, exit);
        Assert.Contains("error: path:", error, StringComparison.Ordinal);
        Assert.Contains(missing, error, StringComparison.Ordinal);
        Assert.DoesNotContain("added", output, StringComparison.Ordinal);
    }
}

public sealed class SqliteIntelGalaxyTests(SqliteNode fixture) : IntelGalaxyTests(fixture), IClassFixture<SqliteNode>;

public sealed class PostgresIntelGalaxyTests(PostgresNode fixture) : IntelGalaxyTests(fixture), IClassFixture<PostgresNode>;
