using System.Security.Claims;

namespace Rampart.Server.Identity;

/// <summary>
/// A session whose user still has to replace a one-time password or set up a required second factor
/// can reach only the account setup pages until that is done.
/// </summary>
public sealed class AccountObligations(RequestDelegate next)
{
    public const string Claim = "rampart:setup";

    private static readonly string[] OpenPrefixes = ["/account", "/_framework", "/_blazor", "/_content", "/css", "/favicon", "/openapi"];

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var pending = context.User.FindFirstValue(Claim);
        if (string.IsNullOrEmpty(pending) || OpenPrefixes.Any(p => context.Request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase))
            || context.Request.Path.Value?.Contains('.', StringComparison.Ordinal) == true)
        {
            await next(context);
            return;
        }

        if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await Results.Problem(title: "Finish account setup first.", detail: "Change the one-time password and set up the second factor at /account/setup.",
                statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
            return;
        }

        context.Response.Redirect("/account/setup");
    }

    /// <summary>What the user still has to do: <c>password</c>, <c>totp</c> or nothing.</summary>
    public static string? PendingFor(User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.MustChangePassword)
        {
            return "password";
        }

        return user.RequiresSecondFactor && !user.TwoFactorEnabled ? "totp" : null;
    }
}
