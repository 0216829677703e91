using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Identity;
using Rampart.Server.Intelligence.Store;
using Rampart.Server.Intelligence.Live;

namespace Rampart.Server.Intelligence.Webhooks;

/// <summary>A webhook as an org admin registers or changes it. On change, omitted fields stay as they are.</summary>
public sealed record WebhookRequest(string? Name, string? Url, string? Secret = null, IReadOnlyList<string>? StixTypes = null, IReadOnlyList<string>? Kinds = null, bool? Enabled = null);

public sealed record WebhookView(Guid Id, string Name, string Url, IReadOnlyList<string> StixTypes, IReadOnlyList<string> Kinds, bool Enabled, DateTimeOffset CreatedAt, string? Secret = null);

public sealed record WebhookDeliveryView(long Id, long Events, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? LastAttemptAt, DateTimeOffset? NextAttemptAt, int? LastStatusCode, string? LastError);

/// <summary>What a webhook reads as: its organisation, with the organisation's community memberships.</summary>
public static class WebhookIdentity
{
    /// <summary>
    /// The organisation-level reader of <paramref name="webhook"/>: what the organisation and its communities and the
    /// network are given, within each grant's TLP ceiling — but not what was shared with one named person of it
    /// (a person grant is for that person, not for every system of their team). Read-only; never a user's own rights.
    /// </summary>
    public static async Task<Caller> OfAsync(RampartDb db, IntelWebhook webhook, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(webhook);
        var communities = await db.CommunityMembers.AsNoTracking().Where(m => m.OrganisationId == webhook.OrganisationId)
            .Select(m => m.CommunityId).ToListAsync(cancellationToken);
        return new Caller(webhook.PublicId, webhook.OrganisationId, Role.Viewer, communities.ToHashSet(), ReadOnly: true, Credential: $"webhook:{webhook.PublicId:N}");
    }

    public static IntelChangeFilter FilterOf(IntelWebhook webhook)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        var types = webhook.StixTypes.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var kinds = Enum.GetValues<IntelChangeKind>().Where(k => (webhook.Kinds & (1 << (int)k)) != 0).ToHashSet();
        return new IntelChangeFilter(types, kinds);
    }
}

/// <summary>
/// Registers, changes, lists and removes an organisation's webhooks. Only an admin of the organisation itself
/// (<see cref="Caller.IsAdminOf"/>) manages them: a webhook reads the organisation's intelligence, so a node admin
/// of another organisation may neither create nor see one (404, as for records).
/// </summary>
public sealed class WebhookAdministration(RampartDb db, AuditTrail audit, TimeProvider clock, IDataProtectionProvider protection, IOptions<WebhookOptions> options)
{
    private const int MaxWebhooksPerOrganisation = 50;

    private readonly IDataProtector protector = protection.CreateProtector("Rampart.Webhooks.Secret.v1");

    public string Unprotect(IntelWebhook webhook)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        return protector.Unprotect(webhook.ProtectedSecret);
    }

    public static WebhookView View(IntelWebhook w, string? secret = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        var filter = WebhookIdentity.FilterOf(w);
        return new(w.PublicId, w.Name, w.Url, filter.StixTypes.Order(StringComparer.Ordinal).ToList(),
            filter.Kinds.Order().Select(IntelChangeFilter.NameOf).ToList(), w.Enabled, w.CreatedAt, secret);
    }

    private static void EnsureAdmin(Caller caller)
    {
        if (!caller.IsAdminOf(caller.OrganisationId))
        {
            throw new ForbiddenException("Only an admin of the organisation manages its webhooks.");
        }
    }

    public async Task<(IReadOnlyList<IntelWebhook> Items, bool More)> ListAsync(Caller caller, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsureAdmin(caller);
        var below = before ?? long.MaxValue;
        var rows = await db.IntelWebhooks.AsNoTracking()
            .Where(w => w.OrganisationId == caller.OrganisationId && w.Id < below)
            .OrderByDescending(w => w.Id).Take(limit + 1).ToListAsync(cancellationToken);
        return (rows.Take(limit).ToList(), rows.Count > limit);
    }

    /// <summary>The caller's organisation's webhook, or null (also for another organisation's: not found).</summary>
    public async Task<IntelWebhook?> FindAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsureAdmin(caller);
        return await db.IntelWebhooks.FirstOrDefaultAsync(w => w.PublicId == id && w.OrganisationId == caller.OrganisationId, cancellationToken);
    }

    public async Task<(IntelWebhook Webhook, string Secret)> CreateAsync(Caller caller, WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        EnsureAdmin(caller);
        var errors = new RequestErrors();
        errors.SingleLine("name", request.Name, WebhookLimits.NameLength);
        await ValidateUrlAsync(request.Url, errors, required: true, cancellationToken);
        var secret = request.Secret ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        ValidateSecret(secret, errors);
        var filter = IntelChangeFilter.Parse(request.StixTypes, request.Kinds, errors, "stixTypes", "kinds");
        if (await db.IntelWebhooks.CountAsync(w => w.OrganisationId == caller.OrganisationId, cancellationToken) >= MaxWebhooksPerOrganisation)
        {
            errors.Add("url", $"An organisation has at most {MaxWebhooksPerOrganisation} webhooks.");
        }

        errors.ThrowIfAny();
        var now = clock.GetUtcNow();
        var webhook = new IntelWebhook
        {
            PublicId = Guid.CreateVersion7(now),
            OrganisationId = caller.OrganisationId,
            Name = request.Name!.Trim(),
            Url = request.Url!,
            ProtectedSecret = protector.Protect(secret),
            Enabled = request.Enabled ?? true,
            // Changes from now on: a new webhook does not replay the organisation's history.
            Cursor = await db.IntelChanges.AsNoTracking().MaxAsync(c => (long?)c.Sequence, cancellationToken) ?? 0,
            CreatedByUserId = caller.UserId,
            CreatedAt = now,
        };
        Apply(webhook, filter);
        db.IntelWebhooks.Add(webhook);
        audit.Record(AuditEvent.IntelWebhookCreated, caller, $"webhook:{webhook.PublicId}", detail: webhook.Url);
        await db.SaveChangesAsync(cancellationToken);
        return (webhook, secret);
    }

    public async Task<IntelWebhook?> UpdateAsync(Caller caller, Guid id, WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var webhook = await FindAsync(caller, id, cancellationToken);
        if (webhook is null)
        {
            return null;
        }

        var errors = new RequestErrors();
        if (request.Name is not null)
        {
            errors.SingleLine("name", request.Name, WebhookLimits.NameLength);
        }

        if (request.Url is not null)
        {
            await ValidateUrlAsync(request.Url, errors, required: true, cancellationToken);
        }

        if (request.Secret is not null)
        {
            ValidateSecret(request.Secret, errors);
        }

        var filter = IntelChangeFilter.Parse(request.StixTypes, request.Kinds, errors, "stixTypes", "kinds");
        errors.ThrowIfAny();
        webhook.Name = request.Name?.Trim() ?? webhook.Name;
        webhook.Url = request.Url ?? webhook.Url;
        webhook.ProtectedSecret = request.Secret is null ? webhook.ProtectedSecret : protector.Protect(request.Secret);
        webhook.Enabled = request.Enabled ?? webhook.Enabled;
        if (request.StixTypes is not null || request.Kinds is not null)
        {
            var current = WebhookIdentity.FilterOf(webhook);
            Apply(webhook, new IntelChangeFilter(request.StixTypes is null ? current.StixTypes : filter.StixTypes, request.Kinds is null ? current.Kinds : filter.Kinds));
        }

        audit.Record(AuditEvent.IntelWebhookChanged, caller, $"webhook:{webhook.PublicId}", detail: webhook.Url);
        await db.SaveChangesAsync(cancellationToken);
        return webhook;
    }

    public async Task<bool> DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var webhook = await FindAsync(caller, id, cancellationToken);
        if (webhook is null)
        {
            return false;
        }

        // Its delivery log goes with it (cascade).
        db.IntelWebhooks.Remove(webhook);
        audit.Record(AuditEvent.IntelWebhookDeleted, caller, $"webhook:{webhook.PublicId}", detail: webhook.Url);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>The delivery log of one of the caller's organisation's webhooks, newest first; null when there is no such webhook.</summary>
    public async Task<(IReadOnlyList<IntelWebhookDelivery> Items, bool More)?> DeliveriesAsync(Caller caller, Guid id, long? before, int limit, CancellationToken cancellationToken)
    {
        var webhook = await FindAsync(caller, id, cancellationToken);
        if (webhook is null)
        {
            return null;
        }

        var below = before ?? long.MaxValue;
        var rows = await db.IntelWebhookDeliveries.AsNoTracking()
            .Where(d => d.WebhookId == webhook.Id && d.Id < below)
            .OrderByDescending(d => d.Id).Take(limit + 1).ToListAsync(cancellationToken);
        return (rows.Take(limit).ToList(), rows.Count > limit);
    }

    private static void Apply(IntelWebhook webhook, IntelChangeFilter filter)
    {
        webhook.StixTypes = string.Join(' ', filter.StixTypes.Order(StringComparer.Ordinal));
        webhook.Kinds = filter.Kinds.Aggregate(0, (bits, k) => bits | (1 << (int)k));
    }

    private async Task ValidateUrlAsync(string? url, RequestErrors errors, bool required, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            if (required)
            {
                errors.Add("url", "Required.");
            }

            return;
        }

        if (url.Length > WebhookLimits.UrlLength)
        {
            errors.Add("url", $"At most {WebhookLimits.UrlLength} characters.");
            return;
        }

        var o = options.Value;
        if (await OutboundAddresses.CheckAsync(url, o.AllowPrivateTargets, o.AllowHttp, cancellationToken) is { } problem)
        {
            errors.Add("url", problem);
        }
    }

    private static void ValidateSecret(string secret, RequestErrors errors)
    {
        if (secret.Length is < WebhookLimits.MinSecretLength or > WebhookLimits.MaxSecretLength)
        {
            errors.Add("secret", $"Between {WebhookLimits.MinSecretLength} and {WebhookLimits.MaxSecretLength} characters (omit it to have one generated).");
        }
    }
}
