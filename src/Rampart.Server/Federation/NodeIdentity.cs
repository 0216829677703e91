using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Standards.Federation;

namespace Rampart.Server.Federation;

/// <summary>Federation settings (<c>Rampart:Federation</c>).</summary>
public sealed class FederationOptions
{
    public const string Section = "Rampart:Federation";

    /// <summary>This node's name, the first part of its node id (<c>name:fingerprint</c>); lower-case letters, digits, '-'.</summary>
    [Required, RegularExpression("^[a-z0-9][a-z0-9-]{0,62}$")]
    public string NodeName { get; set; } = "rampart";

    /// <summary>How often the sync job pushes to each active peer.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Outbox changes looked at per envelope (the envelope carries the versions, audiences and removals among them).</summary>
    [Range(1, 1000)]
    public int SyncChangesPerEnvelope { get; set; } = 500;

    /// <summary>Envelopes per peer per run; the rest follows in the next run.</summary>
    [Range(1, 10000)]
    public int SyncEnvelopesPerRun { get; set; } = 200;
}

/// <summary>What anyone logged in may know of this node's federation identity; never the private key.</summary>
public sealed record NodeIdentityView(string NodeId, string Name, string Algorithm, string Fingerprint, string GroupedFingerprint, string PublicKey, DateTimeOffset CreatedAt);

/// <summary>
/// This node's federation identity: its Ed25519 key pair and node id. The key is generated once, by whichever app server
/// gets there first (the row's fixed primary key lets exactly one insert succeed; the others read the winner's key), kept
/// in the database with the private half protected by Data Protection (whose keys are in the database too, so every app
/// server can use it), and cached once read: it never changes.
/// </summary>
public sealed partial class NodeIdentity(
    IServiceScopeFactory scopes, IDataProtectionProvider protection, IOptions<FederationOptions> options, TimeProvider clock, ILogger<NodeIdentity> logger) : IDisposable
{
    public const string ProtectionPurpose = "Rampart.Federation.NodeKey.v1";

    private readonly SemaphoreSlim gate = new(1, 1);
    private Loaded? loaded;

    private sealed record Loaded(NodeSigningKey Key, NodeId Id, DateTimeOffset CreatedAt);

    public void Dispose()
    {
        gate.Dispose();
        loaded?.Key.Dispose();
    }

    /// <summary>This node's id (name and key fingerprint), generating the key on first use.</summary>
    public async Task<NodeId> IdAsync(CancellationToken cancellationToken) => (await LoadAsync(cancellationToken)).Id;

    /// <summary>The public identity shown to users and peers.</summary>
    public async Task<NodeIdentityView> ViewAsync(CancellationToken cancellationToken)
    {
        var l = await LoadAsync(cancellationToken);
        var pub = l.Key.PublicKey;
        return new NodeIdentityView(l.Id.ToString(), l.Id.Name, "Ed25519", pub.Fingerprint, pub.GroupedFingerprint, pub.ToPem(), l.CreatedAt);
    }

    /// <summary>Signs the provenance of an object this node shares (the sync job of the next step calls it).</summary>
    public async Task<ProvenanceDocument> SignAsync(System.Text.Json.JsonElement stixObject, ProvenanceOrganisation organisation, CancellationToken cancellationToken)
    {
        var l = await LoadAsync(cancellationToken);
        return ProvenanceDocument.Sign(stixObject, organisation, l.Id, l.Key);
    }

    /// <summary>Signs a federation request (<see cref="FederationWire.SignedBytes"/>) with the node key.</summary>
    public async Task<byte[]> SignBytesAsync(byte[] data, CancellationToken cancellationToken) => (await LoadAsync(cancellationToken)).Key.Sign(data);

    /// <summary>Appends this node's signed hop to a document it forwards.</summary>
    public async Task<ProvenanceDocument> ForwardAsync(ProvenanceDocument document, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var l = await LoadAsync(cancellationToken);
        return document.Forward(l.Id, l.Key);
    }

    /// <summary>Makes sure the key exists (called at start; harmless when another app server already made it).</summary>
    public async Task EnsureAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    private async Task<Loaded> LoadAsync(CancellationToken cancellationToken)
    {
        if (loaded is { } cached)
        {
            return cached;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (loaded is { } again)
            {
                return again;
            }

            var protector = protection.CreateProtector(ProtectionPurpose);
            for (var attempt = 0; ; attempt++)
            {
                await using (var scope = scopes.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
                    var row = await db.FederationNodeKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == FederationNodeKey.SingletonId, cancellationToken);
                    if (row is not null)
                    {
                        var key = NodeSigningKey.Import(protector.Unprotect(Convert.FromBase64String(row.ProtectedPrivateKey)));
                        if (key.PublicKey.Fingerprint != row.Fingerprint)
                        {
                            throw new InvalidOperationException("The stored federation key does not match its fingerprint.");
                        }

                        loaded = new Loaded(key, NodeId.Of(options.Value.NodeName, key.PublicKey), row.CreatedAt);
                        return loaded;
                    }
                }

                if (attempt > 0)
                {
                    throw new InvalidOperationException("The federation key could be neither created nor read.");
                }

                await using (var scope = scopes.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
                    using var fresh = NodeSigningKey.Generate();
                    db.FederationNodeKeys.Add(new FederationNodeKey
                    {
                        Id = FederationNodeKey.SingletonId,
                        PublicKey = fresh.PublicKey.SubjectPublicKeyInfo.ToArray(),
                        Fingerprint = fresh.PublicKey.Fingerprint,
                        ProtectedPrivateKey = Convert.ToBase64String(protector.Protect(fresh.ExportPrivateKey())),
                        CreatedAt = clock.GetUtcNow(),
                    });
                    scope.ServiceProvider.GetRequiredService<AuditTrail>()
                        .Record(AuditEvent.FederationNodeKeyGenerated, Caller.Operator(), $"federation-node:{fresh.PublicKey.Fingerprint}", detail: fresh.PublicKey.GroupedFingerprint);
                    try
                    {
                        await db.SaveChangesAsync(cancellationToken);
                        LogGenerated(logger, fresh.PublicKey.GroupedFingerprint);
                    }
                    catch (DbUpdateException)
                    {
                        // Another app server inserted the key first: read theirs on the next turn.
                    }
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    [LoggerMessage(EventId = 850, Level = LogLevel.Information, Message = "Federation node key generated; fingerprint {Fingerprint}")]
    private static partial void LogGenerated(ILogger logger, string fingerprint);
}

/// <summary>Generates the node key at start (after the migrations of <see cref="Hosting.NodeBootstrap"/>).</summary>
public sealed class NodeKeyBootstrap(NodeIdentity identity) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => identity.EnsureAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
