using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Notes;
using Rampart.Server.Organisations;
using Rampart.Standards.Markings;

namespace Rampart.Browser.Tests;

/// <summary>A user ready to log in: password set, and for admins an authenticator enrolled.</summary>
public sealed record SeededUser(Guid Id, string Email, string Password, string? TotpKey, Guid OrganisationId, Role Role)
{
    public Caller Caller => new(Id, OrganisationId, Role, new HashSet<Guid>());
}

/// <summary>Creates users, organisations and notes through the use cases, and logs in through the real pages.</summary>
public static class Seeds
{
    public const string Password = "Correct-Horse-Battery-42";

    public static async Task<Guid> OrganisationAsync(BrowserNode node, string shortName, string name)
    {
        await using var scope = node.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        if (await db.Organisations.FirstOrDefaultAsync(o => o.ShortName == shortName) is { } existing)
        {
            return existing.Id;
        }

        var created = await scope.ServiceProvider.GetRequiredService<OrganisationAdministration>()
            .CreateAsync(Caller.Operator(), new OrganisationRequest(name, shortName, "XK", OrganisationKind.NationalCert, "cert@" + shortName.ToLowerInvariant() + ".test"), default);
        return created.Id;
    }

    public static async Task<SeededUser> UserAsync(BrowserNode node, string email, Role role, string organisationShortName = "NODE")
    {
        await using var scope = node.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var organisationId = (await db.Organisations.SingleAsync(o => o.ShortName == organisationShortName)).Id;
        // Seeded straight into the database, as the organisation's own admins would create the person: once an
        // organisation has users, no operator or node admin may add more (docs/sharing.md).
        var users = scope.ServiceProvider.GetRequiredService<UserManager<User>>();
        var user = new User
        {
            Id = Guid.CreateVersion7(),
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = email.Split('@')[0] + " Example",
            OrganisationId = organisationId,
            Role = role,
            MustChangePassword = false,
            LockoutEnabled = true,
            CreatedAt = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow(),
        };
        var result = await users.CreateAsync(user, Password);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }

        string? key = null;
        if (user.RequiresSecondFactor)
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
            user.TwoFactorEnabled = true;
        }

        await users.UpdateAsync(user);
        return new SeededUser(user.Id, email, Password, key, organisationId, role);
    }

    public static async Task<Note> NoteAsync(BrowserNode node, SeededUser author, string title, Tlp tlp, Audience audience, bool published = false)
    {
        await using var scope = node.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<NoteEditing>()
            .CreateAsync(author.Caller, new NoteRequest(title, "Sender domains rotate **hourly**. See https://example.test/" + new string('x', 80), tlp, audience, Published: published), default);
    }

    public static async Task LogInAsync(IPage page, SeededUser user)
    {
        await page.GotoAsync("/account/login");
        await page.FillAsync("#email", user.Email);
        await page.FillAsync("#password", user.Password);
        await page.ClickAsync("main button[type=submit]");
        if (user.TotpKey is not null)
        {
            await page.WaitForURLAsync("**/account/login-2fa**");
            await page.FillAsync("#code", Totp.Code(user.TotpKey, TimeProvider.System.GetUtcNow()));
            await page.ClickAsync("main button[type=submit]");
        }

        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
    }

    /// <summary>Waits until the interactive circuit is up (MudBlazor's layout answers clicks).</summary>
    public static async Task WaitInteractiveAsync(IPage page) =>
        await page.WaitForFunctionAsync("() => window.Blazor && document.querySelector('#side-navigation') !== null && window.rampartReady === true",
            null, new PageWaitForFunctionOptions { Timeout = 20000 });

    public static Task<IBrowserContext> ContextAsync(BrowserNode node, string culture = "en", int width = 1280, int height = 900) =>
        node.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = node.BaseUrl,
            Locale = culture == "en" ? "en-GB" : culture,
            TimezoneId = "Europe/Belgrade",
            ViewportSize = new ViewportSize { Width = width, Height = height },
        }).ContinueWith(async t =>
        {
            var context = await t;
            // Page loads on a loaded two-core machine (builds beside the run) took over Playwright's 30 s default once (a 404
            // page, session 19); a navigation is given 90 s, assertions keep their own timeouts.
            context.SetDefaultNavigationTimeout(90_000);
            if (culture != "en")
            {
                await context.AddCookiesAsync([new Cookie { Name = ".AspNetCore.Culture", Value = $"c={culture}|uic={culture}", Url = node.BaseUrl }]);
            }

            return context;
        }).Unwrap();

    /// <summary>Where screenshots go: artifacts/screenshots at the repository root (git-ignored, kept by CI).</summary>
    public static string ScreenshotPath(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Rampart.slnx")))
        {
            dir = dir.Parent;
        }

        var folder = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name + ".png");
    }
}
