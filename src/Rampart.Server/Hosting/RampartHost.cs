using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Components;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Notes;
using Rampart.Server.Organisations;
using Rampart.Standards.Markings;

namespace Rampart.Server.Hosting;

/// <summary>Composes the node: services of every feature, then the HTTP pipeline.</summary>
public static class RampartHost
{
    public const string AuthenticationScheme = "Rampart";

    public static readonly CultureInfo[] SupportedCultures =
        [new("en"), new("sq"), new("sr-Latn"), new("sr-Cyrl"), new("mk"), new("bs"), new("sr-Latn-ME"), new("ka"), new("ro")];

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
            o.UseNpgsql(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString));
        services.AddScoped<RampartDb>(sp => sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.Postgres
            ? sp.GetRequiredService<PostgresRampartDb>()
            : sp.GetRequiredService<SqliteRampartDb>());

        // Keys that protect cookies and anti-forgery tokens live in the database: every app server in front
        // of one PostgreSQL accepts the same sessions, and a restart does not log everyone out.
        services.AddDataProtection().SetApplicationName("Rampart").PersistKeysToDbContext<RampartDb>();

        // Identity: strong hashing (PBKDF2, Identity v3 format), lockout, TOTP authenticator and recovery codes.
        services.AddIdentityCore<User>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 12;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<RampartDb>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<RampartClaimsFactory>();
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            // Every cookie request is checked against the user's security stamp, so "sign out everywhere",
            // a password change or a disabled account ends other sessions at once (one indexed lookup).
            o.ValidationInterval = TimeSpan.Zero;
            o.OnRefreshingPrincipal = context =>
            {
                // Keep the session id across the periodic refresh.
                var session = context.CurrentPrincipal?.FindFirst(RampartClaims.Credential);
                if (session is not null && context.NewPrincipal?.Identity is System.Security.Claims.ClaimsIdentity identity
                    && !identity.HasClaim(c => c.Type == RampartClaims.Credential))
                {
                    identity.AddClaim(new System.Security.Claims.Claim(RampartClaims.Credential, session.Value));
                }

                return Task.CompletedTask;
            };
        });

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = AuthenticationScheme;
                o.DefaultChallengeScheme = AuthenticationScheme;
                o.DefaultSignInScheme = IdentityConstants.ApplicationScheme;
            })
            .AddPolicyScheme(AuthenticationScheme, "Session cookie or API key", o =>
                o.ForwardDefaultSelector = context => ApiKeys.TryReadBearer(context.Request.Headers.Authorization, out _)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/account/denied";
            o.Cookie.Name = "rampart.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = context => ApiStatusOrRedirect(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => ApiStatusOrRedirect(context, StatusCodes.Status403Forbidden);
        });
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityStateProvider>();

        services.AddScoped<CallerResolver>();
        services.AddScoped<AccessPolicy>();
        services.AddScoped<SharingStore>();
        services.AddScoped<AuditTrail>();
        services.AddScoped<OrganisationAdministration>();
        services.AddScoped<CommunityAdministration>();
        services.AddScoped<UserAdministration>();
        services.AddScoped<ApiKeyAdministration>();
        services.AddScoped<NoteEditing>();
        services.AddSingleton<FailureThrottle>();

        services.AddProblemDetails();
        services.AddExceptionHandler<ErrorHandling>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o => ConfigureJson(o.SerializerOptions));
        services.AddOpenApi();
        services.AddAntiforgery();
        services.AddLocalization(o => o.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.DefaultRequestCulture = new RequestCulture("en");
            o.SupportedCultures = SupportedCultures;
            o.SupportedUICultures = SupportedCultures;
            o.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
        });
        services.AddRazorComponents().AddInteractiveServerComponents();
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
        app.UseExceptionHandler();
        // API callers get ProblemDetails for bare status codes; browsers get the "not found" page.
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal), api => api.UseStatusCodePages());
        app.UseWhen(context => !context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal),
            pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        app.UseSecurityHeaders();
        app.Use(LimitBodySize);
        app.UseRequestLocalization();
        app.MapStaticAssets();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseMiddleware<AccountObligations>();

        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapNotesApi();
        app.MapOrganisationsApi();
        app.MapIdentityApi();
        app.MapAuditApi();
        app.MapAccountEndpoints();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }

    private static Task ApiStatusOrRedirect(Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }

    // Refuse oversize bodies before anything reads them; Kestrel enforces the same limit for chunked bodies.
    private static async Task LimitBodySize(HttpContext context, RequestDelegate next)
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value.MaxRequestBodyBytes;
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
