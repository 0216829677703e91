using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Rampart.Server.Tests;

/// <summary>The node in-process on one test database, with a clock the test controls.</summary>
public sealed class RampartFactory(TestDatabase database, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    : WebApplicationFactory<Program>
{
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 2, 9, 30, 0, TimeSpan.Zero));

    public TestDatabase Database => database;

    /// <summary>The errors the node logged (category, message, exception): a test that sees a 500 can say why.</summary>
    public ConcurrentQueue<string> LoggedErrors { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Rampart:Database:Provider", database.Provider.ToString());
        builder.UseSetting("Rampart:Database:ConnectionString", database.ConnectionString);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
        if (configure is not null)
        {
            builder.ConfigureServices(configure);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(new ErrorCapture(LoggedErrors)));
    }

    /// <summary>A client that authenticates with <paramref name="apiKey"/>, or anonymously when null.</summary>
    public HttpClient ClientWithKey(string? apiKey)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }
}

/// <summary>Keeps the last errors a node logs, with their exceptions.</summary>
internal sealed class ErrorCapture(ConcurrentQueue<string> errors) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, errors);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> errors) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            errors.Enqueue($"{category}: {formatter(state, exception)} {exception}");
            while (errors.Count > 50 && errors.TryDequeue(out _))
            {
            }
        }
    }
}
