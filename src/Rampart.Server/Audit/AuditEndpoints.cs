using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Admin;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

namespace Rampart.Server.Audit;

/// <summary>One audit entry as the API shows it.</summary>
public sealed record AuditEntryView(Guid Id, long Sequence, DateTimeOffset Time, Guid? UserId, Guid? OrganisationId, string? Credential, string? ClientIp,
    AuditEvent Event, int EventCode, string Target, AuditOutcome Outcome, string? Detail, string Hash)
{
    public static AuditEntryView From(AuditEntry e) =>
        new(e.Id, e.Sequence, e.Time, e.UserId, e.OrganisationId, e.Credential, e.ClientIp, e.Event, (int)e.Event, e.Target, e.Outcome, e.Detail, e.Hash);
}

/// <summary>Newest first; <see cref="Next"/> is an opaque cursor for the following (older) entries, null at the end.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntryView> Items, string? Next);

/// <summary>The signed checkpoints and the public key that checks them, for peers and external logs.</summary>
public sealed record CheckpointExport(string KeyId, string PublicKey, IReadOnlyList<CheckpointView> Checkpoints);

public sealed record CheckpointView(long Sequence, string HeadHash, DateTimeOffset Time, string KeyId, string Signature)
{
    public static CheckpointView From(AuditCheckpoint c) => new(c.Sequence, c.HeadHash, c.Time, c.KeyId, c.Signature);

    public AuditCheckpoint ToCheckpoint() => new() { Sequence = Sequence, HeadHash = HeadHash, Time = Time, KeyId = KeyId, Signature = Signature };
}

/// <summary>Filters of the audit log, parsed strictly from the query string.</summary>
public sealed record AuditQuery(DateTimeOffset? From, DateTimeOffset? To, Guid? Actor, AuditEvent? Event, AuditOutcome? Outcome, int Limit, long? Before)
{
    public static AuditQuery Parse(string? from, string? to, string? actor, string? @event, string? outcome, string? limit, string? cursor)
    {
        var errors = new RequestErrors();
        DateTimeOffset? Time(string field, string? value)
        {
            if (string.IsNullOrEmpty(value))
            {
                return null;
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                return time.ToUniversalTime();
            }

            errors.Add(field, "Not a date and time (ISO 8601, e.g. 2026-11-02T09:30:00Z).");
            return null;
        }

        var fromTime = Time("from", from);
        var toTime = Time("to", to);
        if (fromTime > toTime)
        {
            errors.Add("to", "Must not be before 'from'.");
        }

        Guid? actorId = null;
        if (!string.IsNullOrEmpty(actor))
        {
            if (Guid.TryParse(actor, out var parsed))
            {
                actorId = parsed;
            }
            else
            {
                errors.Add("actor", "Not a user id (UUID).");
            }
        }

        AuditEvent? eventType = null;
        if (!string.IsNullOrEmpty(@event))
        {
            if (AdminCommands.TryParseKebab<AuditEvent>(@event, out var named))
            {
                eventType = named;
            }
            else if (int.TryParse(@event, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && Enum.IsDefined((AuditEvent)code))
            {
                eventType = (AuditEvent)code;
            }
            else
            {
                errors.Add("event", "Not an audit event (a name such as note-created, or its number such as 400).");
            }
        }

        AuditOutcome? outcomeValue = null;
        if (!string.IsNullOrEmpty(outcome))
        {
            if (AdminCommands.TryParseKebab<AuditOutcome>(outcome, out var parsed))
            {
                outcomeValue = parsed;
            }
            else
            {
                errors.Add("outcome", "One of success, denied, failed.");
            }
        }

        var size = 50;
        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size is < 1 or > 200))
        {
            errors.Add("limit", "Must be between 1 and 200.");
        }

        long? before = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            before = DecodeCursor(cursor);
            if (before is null)
            {
                errors.Add("cursor", "Not a cursor from a previous page.");
            }
        }

        errors.ThrowIfAny();
        return new AuditQuery(fromTime, toTime, actorId, eventType, outcomeValue, size, before);
    }

    public IQueryable<AuditEntry> Apply(IQueryable<AuditEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (From is { } from)
        {
            entries = entries.Where(a => a.Time >= from);
        }

        if (To is { } to)
        {
            entries = entries.Where(a => a.Time < to);
        }

        if (Actor is { } actor)
        {
            entries = entries.Where(a => a.UserId == actor);
        }

        if (Event is { } auditEvent)
        {
            entries = entries.Where(a => a.Event == auditEvent);
        }

        if (Outcome is { } outcome)
        {
            entries = entries.Where(a => a.Outcome == outcome);
        }

        if (Before is { } before)
        {
            entries = entries.Where(a => a.Sequence < before);
        }

        return entries.OrderByDescending(a => a.Sequence);
    }

    // Opaque to clients: "a1." + the sequence the next page starts below, base64url.
    public static string EncodeCursor(long before) =>
        Base64Url.EncodeToString(Encoding.ASCII.GetBytes("a1." + before.ToString(CultureInfo.InvariantCulture)));

    public static long? DecodeCursor(string cursor)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        if (cursor.Length > 64 || !Base64Url.IsValid(cursor))
        {
            return null;
        }

        var text = Encoding.ASCII.GetString(Base64Url.DecodeFromChars(cursor));
        return text.StartsWith("a1.", StringComparison.Ordinal)
            && long.TryParse(text.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var before) && before > 0
            ? before
            : null;
    }
}

public static class AuditEndpoints
{
    public static void MapAuditApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/audit").WithTags("Audit").RequireAuthorization();

        // Filters: from, to (ISO 8601), actor (user id), event (name or number), outcome; limit 1..200; cursor from "next".
        group.MapGet("/", async Task<Results<Ok<AuditPage>, ForbidHttpResult>> (Caller caller, AuditTrail audit,
            string? from, string? to, string? actor, string? @event, string? outcome, string? limit, string? cursor, string? next, HttpContext http, CancellationToken ct) =>
        {
            // The answer names the cursor `next`, as the notes list does: accept it under that name too.
            if (next is not null && cursor is not null && next != cursor)
            {
                throw RequestErrors.One("next", "Give the cursor once, as 'next' (or 'cursor').");
            }

            cursor ??= next;
            if (Http.OffsetPagingParameter(http) is { } offset)
            {
                throw RequestErrors.One(offset, "The audit log is paged by cursor: use 'limit' and then 'next' from the answer.");
            }

            if (caller.Role is not (Role.NodeAdmin or Role.OrgAdmin))
            {
                return TypedResults.Forbid();
            }

            var query = AuditQuery.Parse(from, to, actor, @event, outcome, limit, cursor);
            var entries = await query.Apply(audit.VisibleTo(caller)).Take(query.Limit + 1).ToListAsync(ct);
            var following = entries.Count > query.Limit ? AuditQuery.EncodeCursor(entries[query.Limit - 1].Sequence) : null;
            await audit.RecordNowAsync(AuditEvent.AuditLogViewed, caller, "audit", cancellationToken: ct);
            return TypedResults.Ok(new AuditPage(entries.Take(query.Limit).Select(AuditEntryView.From).ToList(), following));
        }).WithSummary("Read the audit log").WithDescription("Entries the caller's role may see (record events of the own organisation only), cursor-paged.");

        // The last result of the background verification; verifying happens in the job, not in a request.
        group.MapGet("/verification", async Task<Results<Ok<AuditVerification>, NoContent, ForbidHttpResult>> (Caller caller, AuditVerifier verifier, CancellationToken ct) =>
        {
            // Reading the stored result writes nothing, so a read-only key of a node admin may do it.
            if (!caller.IsNodeAdmin)
            {
                return TypedResults.Forbid();
            }

            return await verifier.LastResultAsync(ct) is { } result ? TypedResults.Ok(result) : TypedResults.NoContent();
        }).WithSummary("The audit chain's last verification").WithDescription("The background job's latest result; node admins only.");

        group.MapGet("/checkpoints", async Task<Results<Ok<CheckpointExport>, ForbidHttpResult>> (Caller caller, RampartDb db, AuditSigningKey key, CancellationToken ct) =>
        {
            if (!caller.IsNodeAdmin)
            {
                return TypedResults.Forbid();
            }

            return TypedResults.Ok(await ExportAsync(db, key, ct));
        }).WithSummary("Export the signed audit checkpoints").WithDescription("Checkpoints with the public key, for verification outside the node; node admins only.");
    }

    public static async Task<CheckpointExport> ExportAsync(RampartDb db, AuditSigningKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(key);
        var checkpoints = await db.AuditCheckpoints.AsNoTracking().OrderBy(c => c.Sequence).ToListAsync(cancellationToken);
        return new CheckpointExport(key.KeyId, key.PublicKeyPem, checkpoints.Select(CheckpointView.From).ToList());
    }
}
