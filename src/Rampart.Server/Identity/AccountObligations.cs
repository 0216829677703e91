using System.Security.Claims;
using Rampart.Server.Hosting;

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

        if (MachinePath.Of(context) is { } machine)
        {
            await machine.WriteError(context, new MachineError(StatusCodes.Status403Forbidden, "Finish account setup first.",
                "Change the one-time password and set up the second factor at /account/setup."));
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
