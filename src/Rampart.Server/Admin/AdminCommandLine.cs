using System.CommandLine;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

namespace Rampart.Server.Admin;

/// <summary>
/// <c>rampart admin …</c>, <c>rampart audit …</c> and <c>--help</c>: administration for scripts, against the
/// configured database, with the same use cases and rules as the web. Each feature adds its own commands
/// (<see cref="RampartFeature.AddCommands"/>). Exit codes: 0 done, 1 bad command line, 2 rejected input
/// (nothing written), 3 not found, 4 audit chain broken.
/// </summary>
public static class AdminCommandLine
{
    private static readonly string[] HelpWords = ["--help", "-h", "-?", "help", "--version"];

    /// <summary>True for the arguments this command line answers; everything else starts the server.</summary>
    public static bool Handles(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args is ["admin", ..] or ["audit", ..] || args.Any(a => HelpWords.Contains(a, StringComparer.Ordinal));
    }

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null,
        Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        output ??= Console.Out;
        error ??= Console.Error;
        if (args.Contains("--version", StringComparer.Ordinal) && args is not ["admin" or "audit", ..])
        {
            var version = typeof(AdminCommandLine).Assembly
                .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
                .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "unknown";
            await output.WriteLineAsync($"Rampart {version}");
            return 0;
        }

        // Settings as arguments (--Rampart:Database:Provider=Postgres, or with the value as the next argument) reach the
        // node's configuration as they do for the server; the command parser sees the rest.
        var (settings, rest) = SplitSettings(args);
        args = rest;
        var commands = new AdminCommands(output, error, configure, settings);
        foreach (var feature in Features.All)
        {
            feature.AddCommands(commands);
        }

        // "help" alone, or "--help" after server options, still prints help rather than starting a server.
        var effective = args is ["help", ..] ? ["--help"] : args is ["admin" or "audit", ..] ? args : ["--help"];
        var parsed = commands.Root.Parse(effective);
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>Arguments naming a configuration path (<c>--Section:Key=value</c> or <c>--Section:Key value</c>) apart from the command's own.</summary>
    public static (string[] Settings, string[] Command) SplitSettings(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var settings = new List<string>();
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            var name = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..].Split('=', 2)[0] : "";
            if (name.Length > 0 && name.Contains(':', StringComparison.Ordinal) && char.IsAsciiLetter(name[0]))
            {
                if (arg.Contains('=', StringComparison.Ordinal))
                {
                    settings.Add(arg);
                }
                else if (i + 1 < args.Length)
                {
                    settings.Add($"{arg}={args[++i]}");
                }

                continue;
            }

            rest.Add(arg);
        }

        return (settings.ToArray(), rest.ToArray());
    }
}

/// <summary>What a feature needs to add its commands: the command tree, the output and a runner with the node's services.</summary>
public sealed class AdminCommands
{
    private readonly Action<WebApplicationBuilder>? _configure;
    private readonly string[] _settings;

    internal AdminCommands(TextWriter output, TextWriter error, Action<WebApplicationBuilder>? configure, string[]? settings = null)
    {
        _settings = settings ?? [];
        Output = output;
        Error = error;
        _configure = configure;
        Root = new RootCommand("""
            Rampart node. Without arguments: start the node (see README.md for settings).
            With `admin …` or `audit …`: administer the configured database (Rampart:Database) and exit.
            Exit codes: 0 done, 1 bad command line, 2 rejected input (nothing written), 3 not found, 4 audit chain broken.
            """);
        Admin = new Command("admin", "Administer organisations, communities, users and API keys.");
        Root.Subcommands.Add(Admin);
    }

    public RootCommand Root { get; }

    /// <summary><c>rampart admin</c>; features add their nouns here.</summary>
    public Command Admin { get; }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    /// <summary>Runs <paramref name="action"/> with the node's services against the migrated database; maps rejected input to exit code 2.</summary>
    public async Task<int> Run(Func<IServiceProvider, Task<int>> action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(action);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = _settings, ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft", LogLevel.Error);
        builder.AddRampartServices();
        _configure?.Invoke(builder);
        await using var app = builder.Build();
        await using var scope = app.Services.CreateAsyncScope();
        await NodeBootstrap.MigrateAsync(scope.ServiceProvider.GetRequiredService<RampartDb>(), ct);
        try
        {
            return await action(scope.ServiceProvider);
        }
        catch (RequestValidationException e)
        {
            foreach (var (field, reasons) in e.Errors.ToDictionary())
            {
                await Error.WriteLineAsync($"error: {field}: {string.Join(" ", reasons)}");
            }

            return 2;
        }
        catch (ConflictException e)
        {
            await Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
        catch (ForbiddenException e)
        {
            await Error.WriteLineAsync($"error: {e.Message}");
            return 2;
        }
    }

    /// <summary>An organisation by short name or id; prints an error and returns null when there is none.</summary>
    public async Task<Guid?> OrganisationIdAsync(IServiceProvider services, string value)
    {
        ArgumentNullException.ThrowIfNull(services);
        var db = services.GetRequiredService<RampartDb>();
        var id = Guid.TryParse(value, out var parsed) ? parsed : (Guid?)null;
        var org = await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id || o.ShortName == value);
        if (org is null)
        {
            await Error.WriteLineAsync($"error: no organisation '{value}' (give its short name or id).");
        }

        return org?.Id;
    }

    public static string Kebab<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    public static bool TryParseKebab<T>(string? text, out T value)
        where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(Kebab(candidate), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
