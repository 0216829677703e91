using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Rampart.Server.Hosting;

namespace Rampart.Server.Tests;

/// <summary>
/// A machine path group (as TAXII will be) carries its own error format, body limit, 401 behaviour and
/// no HTML "not found" page, as properties of its route group that the shared middlewares honour.
/// </summary>
public sealed class MachinePathTests(SqliteNode fixture) : IClassFixture<SqliteNode>
{
    private const string ErrorMediaType = "application/x-test-error";

    private sealed class TestMachineFeature : RampartFeature
    {
        public override void MapEndpoints(FeatureRoutes routes)
        {
            var group = routes.Root.MapMachineGroup("/test-machine", new MachinePath
            {
                Name = "test",
                MaxRequestBodyBytes = 16,
                WriteError = async (context, error) =>
                {
                    context.Response.StatusCode = error.Status;
                    context.Response.ContentType = ErrorMediaType;
                    var fields = error.Errors is null ? "" : ";" + string.Join(",", error.Errors.Keys);
                    await context.Response.WriteAsync($"E{error.Status}:{error.Title}{fields}");
                },
            });
            group.MapGet("/secret", () => "secret").RequireAuthorization();
            group.MapPost("/echo", async (HttpRequest request) => await new StreamReader(request.Body).ReadToEndAsync());
            group.MapGet("/invalid", string () => throw RequestErrors.One("colour", "Not a colour."));
        }
    }

    private HttpClient Client()
    {
        var factory = fixture.Node.Factory.WithWebHostBuilder(b =>
            b.ConfigureServices(s => s.AddSingleton<RampartFeature, TestMachineFeature>()));
        return factory.CreateClient(new() { AllowAutoRedirect = false });
    }

    [Fact]
    public async Task UnknownAddressUnderGroup_AnswersGroupsOwn404_NotTheHtmlPage()
    {
        var response = await Client().GetAsync("/test-machine/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ErrorMediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("E404:", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongMethod_AnswersGroupsOwn405()
    {
        var response = await Client().DeleteAsync("/test-machine/secret");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(ErrorMediaType, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Anonymous_Gets401InGroupFormat_NotALoginRedirect()
    {
        var response = await Client().GetAsync("/test-machine/secret");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Equal(ErrorMediaType, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task BodyOverGroupLimit_Is413InGroupFormat_WhileApiKeepsNodeLimit()
    {
        var client = Client();
        var small = await client.PostAsync("/test-machine/echo", new StringContent("0123456789", Encoding.UTF8));
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.Equal("0123456789", await small.Content.ReadAsStringAsync());

        var large = await client.PostAsync("/test-machine/echo", new StringContent(new string('x', 17), Encoding.UTF8));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
        Assert.Equal(ErrorMediaType, large.Content.Headers.ContentType?.MediaType);

        // The same 17 bytes are well within /api's limit: the group's limit is its own.
        var api = await client.PostAsync("/api/notes", new StringContent(new string('x', 17), Encoding.UTF8, "application/json"));
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, api.StatusCode);
    }

    [Fact]
    public async Task ValidationError_IsWrittenInGroupFormat_WithTheField()
    {
        var response = await Client().GetAsync("/test-machine/invalid");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ErrorMediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(";colour", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiAndPages_KeepTheirOwnBehaviour()
    {
        var client = Client();
        var api = await client.GetAsync("/api/no-such-thing");
        Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);

        var page = await client.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.NotEqual("application/problem+json", page.Content.Headers.ContentType?.MediaType);
        Assert.NotEqual(ErrorMediaType, page.Content.Headers.ContentType?.MediaType);
    }
}
