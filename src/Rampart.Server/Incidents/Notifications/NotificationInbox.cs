using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Validation;

namespace Rampart.Server.Incidents.Notifications;

public sealed record NotificationView(Guid Id, NotificationKind Kind, Guid? IncidentId, Guid? ReportId, string Reference, string? Label, string Link, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt);

public sealed record PgpKeyRequest(string? PublicKey);

public sealed record PgpKeyView(string Fingerprint, DateTimeOffset CreatedAt);

/// <summary>
/// A person's own notifications (there is no way to name another person's): newest first, each checked again against the
/// access decision as it is read — one about a record the person may no longer read is withdrawn, never shown.
/// </summary>
public sealed class NotificationInbox(RampartDb db, NotificationRecipients recipients, AuditTrail audit, TimeProvider clock)
{
    private static void EnsurePerson(Caller caller)
    {
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            throw new ForbiddenException("Only a person has notifications.");
        }
    }

    public static NotificationView View(Notification n)
    {
        ArgumentNullException.ThrowIfNull(n);
        return new(n.PublicId, n.Kind, n.IncidentId, n.ReportId, n.Reference, n.Label, n.Link, n.CreatedAt, n.ReadAt);
    }

    public async Task<(IReadOnlyList<Notification> Items, bool More, long? Last)> ListAsync(Caller caller, bool unreadOnly, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsurePerson(caller);
        var userId = caller.UserId;
        var below = before ?? long.MaxValue;
        var query = db.Notifications.AsNoTracking().Where(n => n.UserId == userId && n.Id < below && n.InApp && !n.Withdrawn);
        if (unreadOnly)
        {
            query = query.Where(n => n.ReadAt == null);
        }

        var rows = await query.OrderByDescending(n => n.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var page = rows.Take(limit).ToList();
        var kept = new List<Notification>();
        var withdrawn = new List<long>();
        var readable = new Dictionary<(Guid?, Guid?, long), bool>();
        foreach (var n in page)
        {
            if (!readable.TryGetValue(recipients.ReadKey(n), out var ok))
            {
                ok = await recipients.StillReadableAsync(n, caller, cancellationToken);
                readable[recipients.ReadKey(n)] = ok;
            }

            if (ok)
            {
                kept.Add(n);
            }
            else
            {
                withdrawn.Add(n.Id);
            }
        }

        if (withdrawn.Count > 0)
        {
            await db.Notifications.Where(n => n.UserId == userId && withdrawn.Contains(n.Id))
                .ExecuteUpdateAsync(u => u.SetProperty(n => n.Withdrawn, true), cancellationToken);
        }

        return (kept, rows.Count > limit, page.Count > 0 ? page[^1].Id : null);
    }

    /// <summary>
    /// Unread notifications shown in the app, at most <paramref name="cap"/> (the bell shows "99+"), each counted only after the
    /// same check as the list: one about a record the person may no longer read is withdrawn, not counted. Every record is
    /// checked once per count (newest first); a withdrawn row is never read again, so the work stays near the cap.
    /// </summary>
    public async Task<int> UnreadCountAsync(Caller caller, int cap, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            return 0;
        }

        var userId = caller.UserId;
        var count = 0;
        var below = long.MaxValue;
        var readable = new Dictionary<(Guid?, Guid?, long), bool>();
        while (count < cap)
        {
            var rows = await db.Notifications.AsNoTracking()
                .Where(n => n.UserId == userId && n.ReadAt == null && n.InApp && !n.Withdrawn && n.Id < below)
                .OrderByDescending(n => n.Id).Select(n => new Notification { Id = n.Id, UserId = n.UserId, EventId = n.EventId, Kind = n.Kind, IncidentId = n.IncidentId, ReportId = n.ReportId })
                .Take(cap).ToListAsync(cancellationToken);
            if (rows.Count == 0)
            {
                break;
            }

            var withdrawn = new List<long>();
            foreach (var row in rows)
            {
                if (!readable.TryGetValue(recipients.ReadKey(row), out var ok))
                {
                    ok = await recipients.StillReadableAsync(row, caller, cancellationToken);
                    readable[recipients.ReadKey(row)] = ok;
                }

                if (ok)
                {
                    count++;
                }
                else
                {
                    withdrawn.Add(row.Id);
                }
            }

            if (withdrawn.Count > 0)
            {
                await db.Notifications.Where(n => n.UserId == userId && withdrawn.Contains(n.Id))
                    .ExecuteUpdateAsync(u => u.SetProperty(n => n.Withdrawn, true), cancellationToken);
            }

            below = rows[^1].Id;
            if (rows.Count < cap)
            {
                break;
            }
        }

        return Math.Min(count, cap);
    }

    /// <summary>Marks one of the caller's notifications read; false when there is no such notification of theirs.</summary>
    public async Task<bool> MarkReadAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsurePerson(caller);
        var userId = caller.UserId;
        var now = clock.GetUtcNow();
        var n = await db.Notifications.FirstOrDefaultAsync(x => x.PublicId == id && x.UserId == userId && x.InApp && !x.Withdrawn, cancellationToken);
        if (n is null)
        {
            return false;
        }

        n.ReadAt ??= now;
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<int> MarkAllReadAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsurePerson(caller);
        var userId = caller.UserId;
        var now = clock.GetUtcNow();
        // The same rows the count and the list show: in-app, not withdrawn (an e-mail-only notification is not in the inbox).
        return await db.Notifications.Where(n => n.UserId == userId && n.ReadAt == null && n.InApp && !n.Withdrawn)
            .ExecuteUpdateAsync(u => u.SetProperty(n => n.ReadAt, now), cancellationToken);
    }

    public async Task<PgpKeyView?> PgpKeyAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsurePerson(caller);
        var userId = caller.UserId;
        return await db.NotificationPgpKeys.AsNoTracking().Where(k => k.UserId == userId).Select(k => new PgpKeyView(k.Fingerprint, k.CreatedAt)).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Sets the caller's own public key: one armoured public key block with a valid key able to encrypt.</summary>
    public async Task<PgpKeyView> SetPgpKeyAsync(Caller caller, PgpKeyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        EnsurePerson(caller);
        if (caller.ReadOnly)
        {
            throw new ForbiddenException("A read-only key changes nothing.");
        }

        var now = clock.GetUtcNow();
        var text = request.PublicKey;
        var errors = new RequestErrors();
        Org.BouncyCastle.Bcpg.OpenPgp.PgpPublicKeyRing? ring = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add("publicKey", "Required: an ASCII-armoured OpenPGP public key block.");
        }
        else if (text.Length > NotificationLimits.MaxArmoredKeyLength)
        {
            errors.Add("publicKey", $"At most {NotificationLimits.MaxArmoredKeyLength} characters.");
        }
        else if (!text.Contains("-----BEGIN PGP PUBLIC KEY BLOCK-----", StringComparison.Ordinal) || (ring = OpenPgp.ReadPublicRing(text)) is null)
        {
            errors.Add("publicKey", "Not an ASCII-armoured OpenPGP public key block (export it with: gpg --armor --export you@example.org).");
        }
        else if (OpenPgp.EncryptionKey(ring, now) is null)
        {
            errors.Add("publicKey", "The key has no valid (unexpired, unrevoked) key that can encrypt.");
        }

        errors.ThrowIfAny();
        var fingerprint = OpenPgp.Fingerprint(ring!.GetPublicKey());
        var userId = caller.UserId;
        var row = await db.NotificationPgpKeys.FirstOrDefaultAsync(k => k.UserId == userId, cancellationToken);
        if (row is null)
        {
            row = new NotificationPgpKey { UserId = userId };
            db.NotificationPgpKeys.Add(row);
        }

        row.Armored = text!;
        row.Fingerprint = fingerprint;
        row.CreatedAt = now;
        audit.Record(AuditEvent.NotificationPgpKeySet, caller, $"user:{userId}", detail: fingerprint);
        await db.SaveChangesAsync(cancellationToken);
        return new PgpKeyView(fingerprint, now);
    }

    public async Task<bool> RemovePgpKeyAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsurePerson(caller);
        if (caller.ReadOnly)
        {
            throw new ForbiddenException("A read-only key changes nothing.");
        }

        var userId = caller.UserId;
        var row = await db.NotificationPgpKeys.FirstOrDefaultAsync(k => k.UserId == userId, cancellationToken);
        if (row is null)
        {
            return false;
        }

        db.NotificationPgpKeys.Remove(row);
        audit.Record(AuditEvent.NotificationPgpKeyRemoved, caller, $"user:{userId}", detail: row.Fingerprint);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }
}
