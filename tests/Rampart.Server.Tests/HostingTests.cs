using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Identity;

namespace Rampart.Server.Tests;

public sealed class HostingTests(SqliteNode fixture) : IClassFixture<SqliteNode>
{
    private SeededNode Node => fixture.Node;

    [Theory]
    [InlineData("/account/login")]
    [InlineData("/api/notes")]
    public async Task Responses_CarrySecurityHeaders(string url)
    {
        var response = await Node.Factory.ClientWithKey(null).GetAsync(url);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task OpenApiDocument_DescribesTheRestApi()
    {
        var document = await Json.ReadAsync(await Node.Factory.ClientWithKey(null).GetAsync("/openapi/v1.json"));
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/notes", paths);
        Assert.Contains("/api/notes/{id}", paths);
        Assert.Contains("/api/organisations", paths);
        Assert.Contains("/api/audit", paths);
    }

    [Fact]
    public async Task OpenApiDocument_DeclaresTheBearerApiKey_OnEveryApiOperation_AndNoOffsetPaging()
    {
        var document = await Json.ReadAsync(await Node.Factory.ClientWithKey(null).GetAsync("/openapi/v1.json"));
        var scheme = document["components"]!["securitySchemes"]!["ApiKey"]!;
        Assert.Equal("http", scheme["type"]!.GetValue<string>());
        Assert.Equal("bearer", scheme["scheme"]!.GetValue<string>());
        Assert.StartsWith("rpk_", scheme["bearerFormat"]!.GetValue<string>(), StringComparison.Ordinal);

        var operations = 0;
        foreach (var (path, item) in document["paths"]!.AsObject().Where(p => p.Key.StartsWith("/api", StringComparison.Ordinal)))
        {
            foreach (var (method, operation) in item!.AsObject().Where(o => o.Key is "get" or "post" or "put" or "delete" or "patch"))
            {
                operations++;
                var security = operation!["security"]?.AsArray();
                Assert.True(security is not null && security.Any(r => r!.AsObject().ContainsKey("ApiKey")), $"{method} {path} does not name the ApiKey scheme");
            }
        }

        Assert.True(operations > 10, $"only {operations} /api operations found");
        var listParameters = document["paths"]!["/api/notes"]!["get"]!["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("next", listParameters);
        Assert.Contains("limit", listParameters);
        Assert.DoesNotContain("page", listParameters);
        Assert.DoesNotContain("pageSize", listParameters);
        var auditParameters = document["paths"]!["/api/audit"]!["get"]!["parameters"]!.AsArray().Select(p => p!["name"]!.GetValue<string>()).ToList();
        Assert.DoesNotContain("page", auditParameters);

        // Still refused when sent: never quietly the first page.
        var offset = await Node.Client(Node.Owner).GetAsync("/api/notes?page=2");
        Assert.Equal(HttpStatusCode.BadRequest, offset.StatusCode);
        Assert.NotNull((await Json.ReadAsync(offset))["errors"]!["page"]);
    }

    [Fact]
    public async Task LoginPage_AndUnknownPage_AreServed()
    {
        var client = Node.Factory.ClientWithKey(null);
        var login = await client.GetAsync("/account/login");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Contains("<h1>Log in</h1>", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var missing = await client.GetAsync("/no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task ProtectedPage_RedirectsToLogin_ApiAnswers401()
    {
        var client = Node.Factory.ClientWithKey(null);
        var page = await client.GetAsync("/organisations");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/account/login", page.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/organisations")).StatusCode);
    }

    [Fact]
    public async Task FirstStart_CreatedOneNodeAdmin_WhoMustChangePasswordAndEnrolSecondFactor()
    {
        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var admin = await db.Users.SingleAsync(u => u.Email == "admin@rampart.local");
        Assert.Equal(Role.NodeAdmin, admin.Role);
        Assert.True(admin.MustChangePassword);
        Assert.False(admin.TwoFactorEnabled);
        Assert.Equal("password", AccountObligations.PendingFor(admin));
        Assert.Single(await db.AuditEntries.Where(a => a.Event == AuditEvent.NodeInitialised).ToListAsync());
    }

    [Fact]
    public async Task SecondStart_OnTheSameDatabase_CreatesNoSecondAdmin()
    {
        await using (var second = new RampartFactory(Node.Database))
        {
            _ = second.Server;
        }

        await using var scope = Node.Factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        Assert.Equal(1, await db.Users.CountAsync(u => u.Email == "admin@rampart.local"));
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Event == AuditEvent.NodeInitialised));
    }
}
