using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Identity;
using Rampart.Server.Organisations;

namespace Rampart.Server.Hosting;

/// <summary>
/// Before the node serves requests: applies migrations and, on the very first start, creates the
/// hosting organisation and the node administrator, printing a one-time password to the console
/// (never to the log).
/// </summary>
public sealed partial class NodeBootstrap(
    IServiceScopeFactory scopes,
    IOptions<NodeOptions> options,
    ILogger<NodeBootstrap> logger,
    IHostApplicationLifetime lifetime,
    IServer server,
    IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        await MigrateAsync(db, cancellationToken);
        if (await db.Users.AnyAsync(cancellationToken))
        {
            return;
        }

        var node = options.Value;
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditTrail>();
        var organisation = await db.Organisations.FirstOrDefaultAsync(o => o.ShortName == node.OrganisationShortName, cancellationToken);
        if (organisation is null)
        {
            organisation = new Organisation
            {
                Id = Guid.CreateVersion7(clock.GetUtcNow()),
                Name = node.OrganisationName,
                ShortName = node.OrganisationShortName,
                Country = node.Country,
                Kind = OrganisationKind.NationalCert,
                CreatedAt = clock.GetUtcNow(),
            };
            db.Organisations.Add(organisation);
            audit.Record(AuditEvent.NodeInitialised, Caller.Operator(), $"organisation:{organisation.Id}", detail: organisation.ShortName);
            await db.SaveChangesAsync(cancellationToken);
        }

        var users = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        var created = await users.CreateAsync(Caller.Operator(),
            new UserRequest(node.AdminEmail, "Node administrator", organisation.Id, Role.NodeAdmin), cancellationToken);
        LogFirstStart(logger, node.AdminEmail);

        // Hosted services start before the server binds its ports: print once the addresses are known.
        var output = services.GetService<FirstStartOutput>()?.Writer ?? Console.Out;
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            output.Write(Banner(LoginBase(node.PublicUrl, addresses), node.AdminEmail, created.OneTimePassword));
            output.Flush();
        });
    }

    /// <summary>The first-start message; the password is printed here and nowhere else.</summary>
    public static string Banner(string loginBase, string email, string oneTimePassword) => $"""

        Rampart node initialised.
          Log in at:  {loginBase}/account/login
          E-mail:     {email}
          Password:   {oneTimePassword}   (one-time: you will choose a new one and set up a second factor)


        """;

    /// <summary>
    /// Where to log in: <c>Rampart:Node:PublicUrl</c> when set (the address behind a reverse proxy), otherwise
    /// the address the node actually listens on — http before https only if that is all there is, and a
    /// wildcard host (<c>0.0.0.0</c>, <c>[::]</c>, <c>*</c>, <c>+</c>) shown as <c>localhost</c>.
    /// </summary>
    public static string LoginBase(string? publicUrl, IEnumerable<string> listening)
    {
        ArgumentNullException.ThrowIfNull(listening);
        if (!string.IsNullOrWhiteSpace(publicUrl))
        {
            return publicUrl.TrimEnd('/');
        }

        var addresses = listening.ToList();
        var chosen = addresses.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        if (chosen is null)
        {
            return "http://localhost";
        }

        foreach (var wildcard in new[] { "://0.0.0.0", "://[::]", "://*", "://+" })
        {
            chosen = chosen.Replace(wildcard, "://localhost", StringComparison.Ordinal);
        }

        return chosen.TrimEnd('/');
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Applies pending migrations; SQLite also gets WAL mode so readers never wait for the writer.</summary>
    public static async Task MigrateAsync(RampartDb db, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.IsSqlite())
        {
            var dataSource = db.Database.GetDbConnection().DataSource;
            var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            await db.Database.MigrateAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            await BackfillNormalizedDisplayNamesAsync(db, cancellationToken);
        }
        else
        {
            await db.Database.MigrateAsync(cancellationToken);
        }

        // The pickers' name keys of rows from before the PickerNameKeys migration, computed in .NET (both databases).
        await Capacity.Training.TrainingEditing.BackfillNameKeysAsync(db, cancellationToken);
        await Capacity.Maturity.MaturityEditing.BackfillNameKeysAsync(db, cancellationToken);
    }

    // UserNameBackfill: the UserListPaging migration filled NormalizedDisplayName with SQLite's upper(), which folds ASCII
    // only; names in other scripts (Cyrillic, Georgian, ë, ç…) are upper-cased here, once — later rows agree already.
    private static async Task BackfillNormalizedDisplayNamesAsync(RampartDb db, CancellationToken cancellationToken)
    {
        var names = await db.Users.AsNoTracking().Select(u => new { u.Id, u.DisplayName, u.NormalizedDisplayName }).ToListAsync(cancellationToken);
        foreach (var stale in names.Where(n => n.NormalizedDisplayName != Identity.User.Normalize(n.DisplayName)))
        {
            var normalized = Identity.User.Normalize(stale.DisplayName);
            await db.Users.Where(u => u.Id == stale.Id).ExecuteUpdateAsync(set => set.SetProperty(u => u.NormalizedDisplayName, normalized), cancellationToken);
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "First start: created node administrator {Email}; the one-time password is on the console")]
    private static partial void LogFirstStart(ILogger logger, string email);
}

/// <summary>Where the first-start message goes when not to the console (a test host registers one).</summary>
public sealed record FirstStartOutput(TextWriter Writer);
