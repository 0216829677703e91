using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Rampart.Browser.Tests;

/// <summary>The node on a real loopback socket with a SQLite file, and Debian's Chromium driven by Playwright.</summary>
public sealed class BrowserNode : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>The short name of the node's intake team (Rampart:Intake:Organisation); the organisation exists once a test creates it.</summary>
    public const string IntakeShortName = "JINTAKE";

    private readonly string databaseFile = Path.Combine(Path.GetTempPath(), $"rampart-browser-{Guid.NewGuid():N}.db");
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The node's clock: real time until a test moves it on (deadlines past 24 h). Login and TOTP work as before at offset zero.</summary>
    public ShiftedClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Rampart:Database:Provider", "Sqlite");
        builder.UseSetting("Rampart:Database:ConnectionString", $"Data Source={databaseFile}");
        builder.UseSetting("Rampart:Node:AdminEmail", "admin@node.test");
        // The intake team for the report form's test: an organisation only that test creates (no other test reports).
        builder.UseSetting("Rampart:Intake:Organisation", IntakeShortName);
        builder.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    public async Task InitializeAsync()
    {
        UseKestrel(0);
        StartServer();
        BaseUrl = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright?.Dispose();
        await DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { databaseFile, databaseFile + "-wal", databaseFile + "-shm" })
        {
            File.Delete(file);
        }
    }
}

/// <summary>
/// System time plus an offset a test moves forward. Not a frozen clock: a browser session needs time to pass (cookies,
/// circuits), and moved only forward it keeps every issued cookie valid.
/// </summary>
public sealed class ShiftedClock : TimeProvider
{
    private long offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;
}
