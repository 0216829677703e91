using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

namespace Rampart.Server.Identity;

public sealed record ApiKeyRequest(string? Name, DateTimeOffset? ExpiresAt = null, bool ReadOnly = false);

/// <summary>A key just created: <see cref="Key"/> is shown this once and never stored.</summary>
public sealed record CreatedApiKey(ApiKey ApiKey, string Key);

/// <summary>
/// A key is created only by its own user — with a session, or with another of their keys that may write,
/// and then never outliving that key. Admins (org admins for their organisation, node admins for any) list
/// and revoke keys but never create them: a key made for someone else would let its maker read as them.
/// A key authenticates as its user, so it never has more rights than the user has now.
/// </summary>
public sealed class ApiKeyAdministration(RampartDb db, AuditTrail audit, TimeProvider clock)
{
    public const int MaxActiveKeysPerUser = 20;

    /// <summary>A new key for <paramref name="userId"/>; null when the caller may not see that user (404).</summary>
    public async Task<CreatedApiKey?> CreateAsync(Caller caller, Guid userId, ApiKeyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (!caller.IsAuthenticated || caller.IsOperator || caller.UserId != userId)
        {
            // Admins who may see the user get a reason; everyone else cannot tell the user exists.
            if (await MayManageKeysOfAsync(caller, userId, cancellationToken, forReading: true))
            {
                throw new ForbiddenException("API keys are created only by their own user; admins list and revoke them.");
            }

            return null;
        }

        if (caller.ReadOnly)
        {
            throw new ForbiddenException("A read-only key cannot create keys.");
        }

        var now = clock.GetUtcNow();
        var errors = new RequestErrors();
        errors.SingleLine("name", request.Name, 100);
        if (request.ExpiresAt is { } expires && expires <= now)
        {
            errors.Add("expiresAt", "Must be in the future.");
        }

        // A key that makes a key hands on no more than it has: the new one ends no later than its maker.
        if (ParentKeyId(caller) is { } parentId)
        {
            var parentExpires = await db.ApiKeys.Where(k => k.Id == parentId).Select(k => k.ExpiresAt).FirstOrDefaultAsync(cancellationToken);
            if (parentExpires is { } limit && (request.ExpiresAt is null || request.ExpiresAt > limit))
            {
                errors.Add("expiresAt", $"A key created with a key must expire no later than that key ({limit:O}).");
            }
        }

        var active = await db.ApiKeys.CountAsync(k => k.UserId == userId && k.RevokedAt == null, cancellationToken);
        if (active >= MaxActiveKeysPerUser)
        {
            errors.Add("name", $"A user has at most {MaxActiveKeysPerUser} keys; revoke one first.");
        }

        errors.ThrowIfAny();
        var key = ApiKeys.NewKey();
        var apiKey = new ApiKey
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            Name = request.Name!.Trim(),
            Prefix = key[..12],
            Hash = ApiKeys.HashOf(key),
            ReadOnly = request.ReadOnly,
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt?.ToUniversalTime(),
        };
        db.ApiKeys.Add(apiKey);
        audit.Record(AuditEvent.ApiKeyCreated, caller, $"apikey:{apiKey.Id}", detail: $"user:{userId}");
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiKey(apiKey, key);
    }

    public async Task<bool> RevokeAsync(Caller caller, Guid keyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var apiKey = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId, cancellationToken);
        if (apiKey is null || !await MayManageKeysOfAsync(caller, apiKey.UserId, cancellationToken))
        {
            return false;
        }

        if (apiKey.RevokedAt is null)
        {
            apiKey.RevokedAt = clock.GetUtcNow();
            audit.Record(AuditEvent.ApiKeyRevoked, await ConcerningOwnerAsync(caller, apiKey.UserId, cancellationToken), $"apikey:{apiKey.Id}", detail: $"user:{apiKey.UserId}");
            await db.SaveChangesAsync(cancellationToken);
        }

        return true;
    }

    /// <summary>The keys of a user, newest first; null when the caller may not see them.</summary>
    public async Task<List<ApiKey>?> ListAsync(Caller caller, Guid userId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!await MayManageKeysOfAsync(caller, userId, cancellationToken, forReading: true))
        {
            return null;
        }

        if (caller.UserId != userId)
        {
            await audit.RecordNowAsync(AuditEvent.ApiKeysOfOtherUserViewed, await ConcerningOwnerAsync(caller, userId, cancellationToken), $"user:{userId}",
                cancellationToken: cancellationToken);
        }

        return await db.ApiKeys.AsNoTracking().Where(k => k.UserId == userId).OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
    }

    /// <summary>The key a caller authenticated with, when it did so with a key.</summary>
    private static Guid? ParentKeyId(Caller caller) =>
        caller.Credential is { } credential && credential.StartsWith("apikey:", StringComparison.Ordinal)
        && Guid.TryParse(credential.AsSpan("apikey:".Length), out var id) ? id : null;

    private async Task<Caller> ConcerningOwnerAsync(Caller caller, Guid userId, CancellationToken cancellationToken)
    {
        var organisationId = await db.Users.Where(u => u.Id == userId).Select(u => u.OrganisationId).FirstOrDefaultAsync(cancellationToken);
        return organisationId == Guid.Empty ? caller : caller.Concerning(organisationId);
    }

    private async Task<bool> MayManageKeysOfAsync(Caller caller, Guid userId, CancellationToken cancellationToken, bool forReading = false)
    {
        if (!caller.IsAuthenticated || (caller.ReadOnly && !forReading))
        {
            return false;
        }

        if (caller.UserId == userId)
        {
            return true;
        }

        var organisationId = await db.Users.Where(u => u.Id == userId).Select(u => (Guid?)u.OrganisationId).FirstOrDefaultAsync(cancellationToken);
        return organisationId is { } org && (caller.IsNodeAdmin || (caller.Role == Role.OrgAdmin && caller.OrganisationId == org));
    }
}
