using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Admin;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

namespace Rampart.Server.Identity;

/// <summary>Users, roles, login with a second factor, sessions and API keys.</summary>
public sealed class IdentityFeature : RampartFeature
{
    /// <summary>The policy scheme: a Bearer API key goes to the key handler, everything else to the session cookie.</summary>
    public const string AuthenticationScheme = "Rampart";

    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
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
            // Replaces Identity's authenticator: a code is accepted once (the time step is kept in the database).
            .AddTokenProvider<OnceOnlyAuthenticatorTokenProvider>(TokenOptions.DefaultAuthenticatorProvider)
            .AddPasswordValidator<NotTheCurrentPasswordValidator>()
            .AddClaimsPrincipalFactory<RampartClaimsFactory>();
        services.Configure<SecurityStampValidatorOptions>(o =>
        {
            // Every cookie request is checked against the user's security stamp, so "sign out everywhere",
            // a password change or a disabled account ends other sessions at once (one indexed lookup).
            o.ValidationInterval = TimeSpan.Zero;
            o.OnRefreshingPrincipal = context =>
            {
                // Keep the session id and the time of the last proof across the refresh on every request: the claims
                // factory would otherwise make a new session id and a fresh proof time for every request.
                if (context.NewPrincipal?.Identity is ClaimsIdentity identity)
                {
                    foreach (var type in new[] { RampartClaims.Credential, RampartClaims.AuthenticatedAt })
                    {
                        if (context.CurrentPrincipal?.FindFirst(type) is { } kept)
                        {
                            foreach (var made in identity.FindAll(type).ToList())
                            {
                                identity.RemoveClaim(made);
                            }

                            identity.AddClaim(new Claim(type, kept.Value));
                        }
                    }
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
                o.ForwardDefaultSelector = context => ApiKeys.TryReadKey(context.Request.Headers.Authorization, ApiKeys.BasicAllowed(context.Request), out _, out _)
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
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
            o.Events.OnRedirectToLogin = context => StatusOrRedirect(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => StatusOrRedirect(context, StatusCodes.Status403Forbidden);
        });
        services.AddAuthorization();
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingIdentityStateProvider>();
        services.AddScoped<UserAdministration>();
        services.AddScoped<ApiKeyAdministration>();
        services.AddScoped<FailureThrottle>();
        services.AddScoped<AuthenticationFailures>();
        services.AddScoped<PasswordLogin>();
        services.AddScoped<SecondFactorLogin>();
        services.AddSingleton<KnownDevices>();
        services.AddOptions<NetworkOptions>().Bind(builder.Configuration.GetSection(NetworkOptions.Section))
            .Validate(o => o.IsValid(), "Rampart:Network:KnownProxies takes IP addresses and KnownNetworks CIDR ranges, comma-separated.")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<NetworkOptions>>((forwarded, network) => NetworkOptions.Configure(forwarded, network.Value));
        services.AddScoped<UserReenabling>();
        services.AddScoped<Reauthentication>();
        services.AddScoped<CallerResolver>();
        services.AddScoped<ICallerResolver>(sp => sp.GetRequiredService<CallerResolver>());
        services.AddScoped<IPeopleDirectory, PeopleDirectory>();
        services.ConfigureAll<Microsoft.AspNetCore.OpenApi.OpenApiOptions>(o => o.AddDocumentTransformer(ApiKeyOpenApi.TransformAsync));
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.Api.MapIdentityApi();
        routes.Root.MapAccountEndpoints();
    }

    public override void AddCommands(AdminCommands commands)
    {
        IdentityCommands.Add(commands);
        UserReenabling.AddCommand(commands);
    }

    // Programs get a status code (in their group's error format); browsers are sent to the login page.
    private static Task StatusOrRedirect(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (MachinePath.Of(context.HttpContext) is not null)
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }
}
