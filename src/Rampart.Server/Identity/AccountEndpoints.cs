using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Hosting;

namespace Rampart.Server.Identity;

/// <summary>The form posts of the web shell that are not pages: log out, sign out everywhere, pick a language.</summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder routes)
    {
        // Every form post here changes state: each needs the anti-forgery token, with or without form fields.
        var account = routes.MapGroup("/account").ExcludeFromDescription().WithMetadata(new RequireAntiforgeryTokenAttribute());
        account.AddEndpointFilter(async (context, next) =>
            context.HttpContext.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false }
                ? TypedResults.Problem(title: "The form has expired or did not come from this site; reload the page.", statusCode: StatusCodes.Status400BadRequest)
                : await next(context));

        account.MapPost("/logout", async (Caller caller, SignInManager<User> signIn, AuditTrail audit) =>
        {
            if (caller.IsAuthenticated)
            {
                await audit.RecordNowAsync(AuditEvent.LoggedOut, caller, $"user:{caller.UserId}");
            }

            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("~/account/login");
        });

        // A new security stamp invalidates every cookie and open page of this user at their next request.
        account.MapPost("/signout-everywhere", async (Caller caller, UserManager<User> users, SignInManager<User> signIn, AuditTrail audit) =>
        {
            var user = caller.IsAuthenticated ? await users.FindByIdAsync(caller.UserId.ToString()) : null;
            if (user is not null)
            {
                await audit.InTransactionAsync(() => users.UpdateSecurityStampAsync(user), AuditEvent.SignedOutEverywhere, caller, $"user:{user.Id}");
            }

            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("~/account/login");
        }).RequireAuthorization();

        account.MapPost("/culture", async (HttpContext context, [FromForm] string culture, [FromForm] string? returnUrl, Caller caller, UserManager<User> users, AuditTrail audit) =>
        {
            var errors = new RequestErrors();
            if (!RampartHost.SupportedCultures.Any(c => c.Name == culture))
            {
                // The languages come from the node's configured cultures, so the message never falls behind them.
                errors.Add("culture", $"Not a language this node offers ({string.Join(", ", RampartHost.SupportedCultures.Select(c => c.Name))}).");
            }

            if (!string.IsNullOrEmpty(returnUrl) && !ReturnUrls.IsSafe(returnUrl))
            {
                errors.Add("returnUrl", ReturnUrls.Rule);
            }

            errors.ThrowIfAny();

            RememberCulture(context, culture);
            var user = caller.IsAuthenticated ? await users.FindByIdAsync(caller.UserId.ToString()) : null;
            if (user is not null && user.Culture != culture)
            {
                user.Culture = culture;
                await audit.InTransactionAsync(() => users.UpdateAsync(user), AuditEvent.LanguageChanged, caller, $"user:{user.Id}", culture);
            }

            return TypedResults.LocalRedirect("~" + ReturnUrls.SafeOrRoot(returnUrl));
        });
    }

    public static void RememberCulture(HttpContext context, string culture)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { Expires = DateTimeOffset.MaxValue, IsEssential = true, HttpOnly = true, SameSite = SameSiteMode.Lax });
    }

    /// <summary>Only same-site paths: an open redirect after login is a phishing tool.</summary>
    public static string SafeReturnUrl(string? returnUrl) => ReturnUrls.SafeOrRoot(returnUrl);
}

/// <summary>Where the node may send a browser back to after a form: a path on this site, nothing else.</summary>
public static class ReturnUrls
{
    public const string Rule = "Must be a path on this site: printable ASCII starting with a single '/', without '\\', spaces or control characters.";

    /// <summary>
    /// A relative path starting with one <c>/</c>: not <c>//host</c> or <c>/\host</c> (browsers read both as
    /// another site), no backslash anywhere, and only printable ASCII — the form a browser sends a URL in —
    /// so no control characters, spaces or line breaks reach the Location header. At most 2000 characters.
    /// </summary>
    public static bool IsSafe(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.Length <= 2000
        && returnUrl[0] == '/' && (returnUrl.Length == 1 || returnUrl[1] != '/')
        && returnUrl.All(c => c is > ' ' and < '\u007f' && c != '\\');

    public static string SafeOrRoot(string? returnUrl) => IsSafe(returnUrl) ? returnUrl! : "/";
}
