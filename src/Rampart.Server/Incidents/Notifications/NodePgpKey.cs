using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;

namespace Rampart.Server.Incidents.Notifications;

/// <summary>The node's public OpenPGP key as anyone logged in may fetch it (to verify the node's e-mail); never the secret half.</summary>
public sealed record NodePgpKeyView(string Fingerprint, string Algorithm, string PublicKey, DateTimeOffset CreatedAt);

/// <summary>
/// The node's OpenPGP signing key for notification e-mail, stored like the federation node key: generated once by whichever
/// app server gets there first (a fixed primary key lets one insert win), the secret key ring protected by Data Protection
/// (whose keys are in the database, so every app server can sign), cached once read.
/// </summary>
public sealed partial class NodePgpKey(IServiceScopeFactory scopes, IDataProtectionProvider protection, TimeProvider clock, ILogger<NodePgpKey> logger) : IDisposable
{
    public const string ProtectionPurpose = "Rampart.Notifications.NodePgpKey.v1";

    private readonly SemaphoreSlim gate = new(1, 1);

    private Loaded? loaded;

    public sealed record Loaded(PgpSecretKey Secret, NodePgpKeyView View);

    public void Dispose() => gate.Dispose();

    public async Task<NodePgpKeyView> ViewAsync(CancellationToken cancellationToken) => (await LoadAsync(cancellationToken)).View;

    /// <summary>Makes sure the key exists (at start; harmless when another app server made it already).</summary>
    public async Task EnsureAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<Loaded> LoadAsync(CancellationToken cancellationToken)
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
                    var row = await db.NotificationNodeKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Id == NotificationNodeKey.SingletonId, cancellationToken);
                    if (row is not null)
                    {
                        var ring = new PgpSecretKeyRing(protector.Unprotect(Convert.FromBase64String(row.ProtectedSecretKey)));
                        var secret = ring.GetSecretKey();
                        if (OpenPgp.Fingerprint(secret.PublicKey) != row.Fingerprint)
                        {
                            throw new InvalidOperationException("The stored OpenPGP key does not match its fingerprint.");
                        }

                        loaded = new Loaded(secret, new NodePgpKeyView(row.Fingerprint, "ed25519", row.ArmoredPublicKey, row.CreatedAt));
                        return loaded;
                    }
                }

                if (attempt > 0)
                {
                    throw new InvalidOperationException("The node's OpenPGP key could be neither created nor read.");
                }

                await using (var scope = scopes.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<RampartDb>();
                    var now = clock.GetUtcNow();
                    var (secret, pub) = OpenPgp.GenerateSigningKey("Rampart node notifications", now);
                    var fingerprint = OpenPgp.Fingerprint(pub.GetPublicKey());
                    db.NotificationNodeKeys.Add(new NotificationNodeKey
                    {
                        Id = NotificationNodeKey.SingletonId,
                        ArmoredPublicKey = OpenPgp.Armor(pub.Encode),
                        ProtectedSecretKey = Convert.ToBase64String(protector.Protect(secret.GetEncoded())),
                        Fingerprint = fingerprint,
                        CreatedAt = now,
                    });
                    scope.ServiceProvider.GetRequiredService<AuditTrail>()
                        .Record(AuditEvent.NotificationNodeKeyGenerated, Caller.Operator(), $"pgp-key:{fingerprint}", detail: fingerprint);
                    try
                    {
                        await db.SaveChangesAsync(cancellationToken);
                        LogGenerated(logger, fingerprint);
                    }
                    catch (DbUpdateException)
                    {
                        // Another app server inserted its key first: read theirs on the next turn.
                    }
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }

    [LoggerMessage(EventId = 7900, Level = LogLevel.Information, Message = "Generated the node's OpenPGP notification key {Fingerprint}")]
    private static partial void LogGenerated(ILogger logger, string fingerprint);
}

/// <summary>Creates the node's OpenPGP key at start (a failure is logged; the key is made on first use then).</summary>
public sealed partial class NodePgpKeyStartup(NodePgpKey key, ILogger<NodePgpKeyStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await key.EnsureAsync(cancellationToken);
        }
#pragma warning disable CA1031 // The database briefly away at start must not stop the node; the key is made on first use.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogFailed(logger, e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 7901, Level = LogLevel.Warning, Message = "Could not create the node's OpenPGP key at start; it is created on first use")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
