using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;

namespace Rampart.Server.Tests;

/// <summary>Writes intelligence objects and outbox rows the way the store does, for tests of what reads them.</summary>
public static class IntelTestKit
{
    /// <summary>An object owned by <paramref name="owner"/> with the given TLP and audience, and its "added" outbox row; returns the STIX id.</summary>
    public static async Task<string> ShareAsync(IServiceProvider services, Guid owner, Tlp tlp, IReadOnlyList<AudienceEntry> audiences, IReadOnlySet<Guid>? communities = null, string type = "indicator", IntelChangeKind kind = IntelChangeKind.Added)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
        var sharing = scope.ServiceProvider.GetRequiredService<SharingStore>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        var caller = new Caller(Guid.NewGuid(), owner, Role.Analyst, communities ?? new HashSet<Guid>(), Credential: "test");
        var errors = new RequestErrors();
        var resolved = await sharing.ValidateAsync(caller, SharingRequest.OfEntries(tlp, audiences, false), errors, default);
        Assert.False(errors.Any, string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        var record = new SharedRecord { RecordType = RecordType.StixObject, OwnerOrganisationId = owner, CreatorOrganisationId = owner, CreatedAt = now };
        db.SharedRecords.Add(record);
        await sharing.ApplyAsync(record, tlp, resolved, false, default);
        var stixId = $"{type}--{Guid.NewGuid()}";
        db.IntelObjects.Add(new IntelObject
        {
            Record = record, OwnerOrganisationId = owner, StixId = stixId, StixType = type, Name = $"{tlp.Code()} {stixId}",
            Created = now, Modified = now, AddedAt = now, UpdatedAt = now,
        });
        await db.SaveChangesAsync();
        db.IntelChanges.Add(new IntelChange { RecordId = record.Id, Kind = kind, At = now });
        await db.SaveChangesAsync();
        return stixId;
    }

    public static AudienceEntry[] Community(Guid id) => [new(AudienceKind.Community, CommunityId: id)];

    public static AudienceEntry[] Network() => [new(AudienceKind.Network)];
}

/// <summary>A small HTTP server on 127.0.0.1 inside the test (Kestrel on a free port): records what it receives, answers what the test says.</summary>
public sealed class LocalEndpoint : IAsyncDisposable
{
    private readonly WebApplication app;

    private LocalEndpoint(WebApplication app) => this.app = app;

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Answers by path; a missing path is 404. Set by the test at any time.</summary>
    public ConcurrentDictionary<string, Func<HttpContext, Task>> Routes { get; } = new(StringComparer.Ordinal);

    public string BaseUrl { get; private set; } = "";

    public static async Task<LocalEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var endpoint = new LocalEndpoint(app);
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            endpoint.Requests.Enqueue(new Received(context.Request.Method, context.Request.Path, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body));
            if (endpoint.Routes.TryGetValue(context.Request.Path.Value ?? "", out var handler))
            {
                await handler(context);
            }
            else
            {
                context.Response.StatusCode = 404;
            }
        });
        await app.StartAsync();
        endpoint.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return endpoint;
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    public sealed record Received(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body);
}
