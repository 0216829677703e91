using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Rampart.Server.Components;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Localisation;
using Rampart.Standards.Markings;

namespace Rampart.Server.Hosting;

/// <summary>Composes the node: services of every feature, then the HTTP pipeline.</summary>
public static class RampartHost
{
    public static readonly CultureInfo[] SupportedCultures =
        [EnglishForEurope(), new("sq"), new("sr-Latn"), new("sr-Cyrl"), new("mk"), new("bs"), new("sr-Latn-ME"), new("ka"), new("ro")];

    /// <summary>
    /// English texts with European dates: ICU's neutral "en" formats dates the US way (12/1/2026 is the first of
    /// December), which a network of European teams misreads. Dates are written year-month-day, times on a 24-hour
    /// clock (<see cref="Localisation.Clock"/>), weeks start on Monday.
    /// </summary>
    private static CultureInfo EnglishForEurope()
    {
        var english = new CultureInfo("en");
        var formats = (DateTimeFormatInfo)new CultureInfo("en-GB").DateTimeFormat.Clone();
        formats.ShortDatePattern = "yyyy-MM-dd";
        english.DateTimeFormat = formats;
        // Shared by every request: read-only, as the cultures .NET hands out are.
        return CultureInfo.ReadOnly(english);
    }

    public static WebApplication Build(string[] args)
    {
        // Configuration and web assets are read from next to the binary, so the working directory is only
        // where ./data goes: `dotnet run --project src/Rampart.Server` from the repository root uses ./data there.
        // A test host passes its own content root, which then wins.
        var hostSetsContentRoot = args.Any(a => a.Contains("contentRoot", StringComparison.OrdinalIgnoreCase));
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = hostSetsContentRoot ? null : AppContext.BaseDirectory,
        });

        // Serve Blazor's framework scripts and our static files when run from bin/ in any environment.
        builder.WebHost.UseStaticWebAssets();
        builder.AddRampartServices();
        var app = builder.Build();
        app.UseRampartPipeline();
        return app;
    }

    public static void AddRampartServices(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;

        // First of all hosted services: the database must be migrated before anything (the data-protection
        // key ring, for one) reads from it at start.
        services.AddHostedService<NodeBootstrap>();

        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section)).ValidateDataAnnotations()
            .Validate(o => o.Provider != DatabaseProvider.Postgres || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Rampart:Database:ConnectionString is required for PostgreSQL.")
            .ValidateOnStart();
        services.AddOptions<NodeOptions>().Bind(configuration.GetSection(NodeOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LimitsOptions>().Bind(configuration.GetSection(LimitsOptions.Section)).ValidateOnStart();
        services.AddSingleton(TimeProvider.System);

        // Both provider contexts are registered; RampartDb resolves to the configured one when first asked,
        // so configuration supplied late (a test host, environment variables) is honoured.
        services.AddDbContext<SqliteRampartDb>((sp, o) =>
        {
            var database = sp.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            o.UseSqlite(string.IsNullOrWhiteSpace(database.ConnectionString) ? DatabaseOptions.DefaultSqlite : database.ConnectionString);
        });
        services.AddDbContext<PostgresRampartDb>((sp, o) =>
            o.UseNpgsql(PostgresRampartDb.SessionConnectionString(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString)));
        services.AddScoped<RampartDb>(sp => sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.Postgres
            ? sp.GetRequiredService<PostgresRampartDb>()
            : sp.GetRequiredService<SqliteRampartDb>());

        // Keys that protect cookies and anti-forgery tokens live in the database: every app server in front
        // of one PostgreSQL accepts the same sessions, and a restart does not log everyone out.
        services.AddDataProtection().SetApplicationName("Rampart").PersistKeysToDbContext<RampartDb>();

        builder.AddRampartTelemetry();
        services.AddRampartHealth();
        services.AddSingleton<MachinePathRegistry>();
        foreach (var feature in Features.All)
        {
            feature.AddServices(builder);
        }

        services.AddProblemDetails();
        services.AddExceptionHandler<ErrorHandling>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        services.AddOpenApi();
        services.AddAntiforgery();
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        // Georgian, Cyrillic and the Latin letters of the region are written as themselves, not as &#x…; escapes.
        services.AddWebEncoders(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture(SupportedCultures[0]);
            o.SupportedCultures = SupportedCultures;
            o.SupportedUICultures = SupportedCultures;
            o.FallBackToParentCultures = true;
            o.FallBackToParentUICultures = true;
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new RegionalLanguageProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        // MudBlazor's own texts in the viewer's language (after AddMudServices, which registers the English default).
        services.AddTransient<MudBlazor.MudLocalizer, RampartMudLocalizer>();
    }

    public static void ConfigureJson(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new TlpJsonConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
    }

    public static void UseRampartPipeline(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Routing runs first (WebApplication adds it), so every middleware below can tell a machine path from a page.
        // The client address comes from X-Forwarded-For only behind the proxies of Rampart:Network.
        app.UseForwardedHeaders();
        // Outermost: denied attempts are audited with the status the exception handler finally wrote.
        app.UseMiddleware<Audit.DeniedAttemptAuditing>();
        // Unexpected errors on a page (not a machine path) show the styled error page; everything else is ProblemDetails.
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandlingPath = "/error", CreateScopeForErrors = true });
        // Browsers get the "not found" page for a bare 404. It sits outside any UseWhen branch: only at the top level does
        // the re-executed request get routed again (a branch lacks the global route builder, and /not-found rendered empty).
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        // Machine paths get their group's error document for bare status codes, written before the page handler sees them.
        app.UseWhen(context => MachinePath.Of(context) is not null, machine => machine.UseStatusCodePages(WriteMachineStatusAsync));
        app.UseSecurityHeaders();
        app.Use(LimitBodySize);
        app.UseRequestLocalization();
        app.MapStaticAssets();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseMiddleware<AccountObligations>();

        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapRampartHealth();
        // Extra features registered as services (tests, later plug-ins) map their endpoints too.
        var routes = new FeatureRoutes(app, app.MapMachineGroup("/api", ApiPath));
        foreach (var feature in Features.All.Concat(app.Services.GetServices<RampartFeature>()))
        {
            feature.MapEndpoints(routes);
        }

        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }

    /// <summary><c>/api</c>: RFC 9457 ProblemDetails, the node's JSON options and body limit.</summary>
    public static MachinePath ApiPath { get; } = new() { Name = "api", WriteError = WriteProblemAsync };

    /// <summary>Writes <paramref name="error"/> as ProblemDetails (with <c>errors</c> per field when given).</summary>
    public static async Task WriteProblemAsync(HttpContext context, MachineError error)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);
        ProblemDetails problem = error.Errors is { } fields
            ? new HttpValidationProblemDetails(fields) { Status = error.Status, Title = error.Title, Detail = error.Detail }
            : new ProblemDetails { Status = error.Status, Title = error.Title, Detail = error.Detail };
        context.Response.StatusCode = error.Status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            await context.Response.WriteAsJsonAsync(problem);
        }
    }

    private static Task WriteMachineStatusAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        return MachinePath.Of(http)!.WriteError(http, new MachineError(status, ReasonPhrases.GetReasonPhrase(status)));
    }

    // Refuse oversize bodies before anything reads them; Kestrel enforces the same limit for chunked bodies.
    private static async Task LimitBodySize(HttpContext context, RequestDelegate next)
    {
        var limit = MachinePath.Of(context)?.MaxRequestBodyBytes
            ?? context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        await next(context);
    }
}
