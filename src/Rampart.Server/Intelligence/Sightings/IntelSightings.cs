using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Intelligence.Search;
using Rampart.Server.Intelligence.Store;
using Rampart.Server.Validation;
using Rampart.Standards.Markings;
using Rampart.Standards;

namespace Rampart.Server.Intelligence.Sightings;

/// <summary>A sighting as reported (already checked by the endpoint).</summary>
public sealed record SightingReport(int Count, DateTimeOffset FirstSeen, DateTimeOffset LastSeen, string? Where, string? Note, bool Anonymous, SightingAudience ShareWith = SightingAudience.Owner);

/// <summary>The rules of a sighting report, for the API and the object page alike (errors name the API's fields).</summary>
public static class SightingRules
{
    /// <summary>
    /// The report, or a <see cref="RequestValidationException"/> naming the fields: a missing last seen is the first
    /// seen or now, a missing first seen the last seen; <paramref name="shareWith"/> null means an unknown choice.
    /// </summary>
    public static SightingReport Check(int count, DateTimeOffset? firstSeen, DateTimeOffset? lastSeen, string? where, string? note, bool anonymous, SightingAudience? shareWith, DateTimeOffset now, RequestErrors? errors = null)
    {
        errors ??= new RequestErrors();
        if (count is < 1 or > SightingLimits.MaxCount)
        {
            errors.Add("count", $"From 1 to {SightingLimits.MaxCount}.");
        }

        // Left out, the times default to now — for an anonymous report cut to the hour like its created time, so the
        // default does not date it to the second (docs/sharing.md).
        var last = lastSeen ?? firstSeen ?? (anonymous ? Hour(now) : now);
        var first = firstSeen ?? last;
        if (first > last)
        {
            errors.Add("firstSeen", "Not after lastSeen.");
        }

        if (last > now.AddDays(1))
        {
            errors.Add("lastSeen", "In the future.");
        }

        where = string.IsNullOrWhiteSpace(where) ? null : where.Trim();
        errors.MaxLength("where", where, SightingLimits.WhereLength);
        if (where is not null && where.Any(char.IsControl))
        {
            errors.Add("where", "One line, without control characters.");
        }

        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        errors.MaxLength("note", note, SightingLimits.NoteLength);
        if (shareWith is null)
        {
            errors.Add("shareWith", "One of owner (the sighted object's owner organisation), organisation (your organisation only) or audience (everyone the sighted object is shared with).");
        }

        errors.ThrowIfAny();
        return new SightingReport(count, first.ToUniversalTime(), last.ToUniversalTime(), where, note, anonymous, shareWith!.Value);
    }

    /// <summary><paramref name="at"/> cut to the hour (UTC): what an anonymous sighting keeps of when it was made.</summary>
    public static DateTimeOffset Hour(DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }
}

/// <summary>Who a sighting is shared with besides the reporter's own organisation (always its owner).</summary>
public enum SightingAudience
{
    /// <summary>The sighted object's owner organisation.</summary>
    Owner,

    /// <summary>Nobody else: the reporter's organisation only (others see the count).</summary>
    Organisation,

    /// <summary>Everyone the sighted object is shared with (its grants), and its owner.</summary>
    ObjectAudience,
}

/// <summary>
/// The only writer and reader of sightings. A report is one transaction: the sighting's record and grants, the
/// sighting, the sighted object's summary columns and decay, and an outbox row (<see cref="IntelChangeKind.Sighted"/>).
/// </summary>
public sealed class IntelSightings(RampartDb db, SharingStore sharing, AccessPolicy access, AuditTrail audit, TimeProvider clock, Microsoft.Extensions.Options.IOptions<IntelDecayOptions> decay)
{
    /// <summary>Records a sighting of <paramref name="sighted"/> (read through the access decision by the caller).</summary>
    public async Task<IntelSighting> ReportAsync(Caller caller, IntelObject sighted, SightingReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(sighted);
        ArgumentNullException.ThrowIfNull(report);
        var now = clock.GetUtcNow();
        var tlp = sighted.Record.Tlp;
        // An anonymous sighting carries nothing that dates it to the second: its created time is cut to the hour, so it
        // cannot be matched with the reporter's audit line (docs/sharing.md). Every sighting's id is a random (v4) UUID: STIX
        // ids are RFC 4122 versions 1–5 (the OASIS schema; a v7 id is refused by TAXII's match[id] and by consumers), and a
        // time-ordered id would both date an attributed sighting and set the anonymous ones apart.
        var stamp = report.Anonymous ? SightingRules.Hour(now) : now;
        var stixId = "sighting--" + Guid.NewGuid();
        var json = new JsonObject
        {
            ["type"] = "sighting", ["spec_version"] = "2.1", ["id"] = stixId,
            ["created"] = Timestamps.Format(stamp), ["modified"] = Timestamps.Format(stamp),
            ["sighting_of_ref"] = sighted.StixId, ["count"] = report.Count,
            ["first_seen"] = Timestamps.Format(report.FirstSeen), ["last_seen"] = Timestamps.Format(report.LastSeen),
            ["object_marking_refs"] = new JsonArray(tlp.StixMarkingId()),
        };
        if (!report.Anonymous)
        {
            json["created_by_ref"] = IntelIdentity.Of(caller.OrganisationId);
            json["where_sighted_refs"] = new JsonArray(IntelIdentity.Of(caller.OrganisationId));
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var record = new SharedRecord
        {
            RecordType = IntelSighting.Type,
            OwnerOrganisationId = caller.OrganisationId,
            CreatorOrganisationId = caller.OrganisationId,
            CreatedAt = now,
        };
        db.SharedRecords.Add(record);
        // Shared as the reporter chose (its own organisation always reads its record), at the sighted object's TLP.
        IReadOnlyList<ResolvedAudience> audience = report.ShareWith switch
        {
            SightingAudience.Organisation => [],
            SightingAudience.ObjectAudience =>
            [
                new ResolvedAudience(AudienceKind.Organisation, sighted.OwnerOrganisationId),
                .. SharingStore.AudienceOf(await sharing.GrantsOfAsync(sighted.RecordId, cancellationToken)),
            ],
            _ => [new ResolvedAudience(AudienceKind.Organisation, sighted.OwnerOrganisationId)],
        };
        audience = audience.Where(a => !(a.Kind == AudienceKind.Organisation && a.OrganisationId == caller.OrganisationId)).Distinct().ToList();
        await sharing.ApplyAsync(record, tlp, audience, false, cancellationToken);
        var sighting = new IntelSighting
        {
            Record = record,
            SightedRecordId = sighted.RecordId,
            StixId = stixId,
            Count = report.Count,
            FirstSeen = report.FirstSeen,
            LastSeen = report.LastSeen,
            Where = report.Where,
            Note = report.Note,
            Anonymous = report.Anonymous,
            CreatedAt = stamp,
            DateAdded = report.Anonymous ? stamp.AddHours(1) : stamp,
            Json = json.ToJsonString(),
        };
        db.IntelSightings.Add(sighting);
        await db.SaveChangesAsync(cancellationToken);

        // The count rises atomically; the last sighting and the decay follow the latest last_seen.
        var id = sighted.RecordId;
        await db.IntelObjects.Where(o => o.RecordId == id).ExecuteUpdateAsync(u => u.SetProperty(o => o.SightingCount, o => o.SightingCount + 1), cancellationToken);
        var target = await db.IntelObjects.FirstAsync(o => o.RecordId == id, cancellationToken);
        if (target.LastSightedAt is not { } last || report.LastSeen > last)
        {
            target.LastSightedAt = report.LastSeen;
            if (target.Score is { } baseScore)
            {
                IntelDecay.Apply(target, target.DecayKind, baseScore, target.DecaySince ?? report.LastSeen, decay.Value);
            }
        }

        if (!report.Anonymous)
        {
            // Live subscribers (stream, webhooks) learn of attributed sightings at once. An anonymous one writes no outbox
            // row: its event would carry the second it was made and sit next to the reporter's attributed ones in the
            // stream (review 2026-11-30); its count shows on the next read of the object instead.
            db.IntelChanges.Add(new IntelChange { RecordId = id, Kind = IntelChangeKind.Sighted, At = now, SightingRecordId = sighting.RecordId });
        }

        // An anonymous sighting's audit line names no object: whoever reads the audit trail cannot tie the reporter to it.
        audit.Record(AuditEvent.IntelSighted, caller,
            report.Anonymous ? "intel-sighting:anonymous" : string.Create(CultureInfo.InvariantCulture, $"intel-object:{id}"),
            AuditOutcome.Success, report.Anonymous ? null : string.Create(CultureInfo.InvariantCulture, $"count {report.Count}"));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return sighting;
    }

    /// <summary>
    /// The sightings of the objects <paramref name="sightedRecordIds"/> (already read through the access decision) that
    /// the caller may itself read — the sighting's own sharing decides, not the sighted object's: the owner of the object
    /// reads those shared with it, the reporter its own, others only those shared with them. One query on the
    /// <c>(SightedRecordId, …)</c> index per call; an anonymous sighting never names its reporter. Static so that the
    /// exports, which hold the same database context and access decision, read sightings through this one reader.
    /// </summary>
    public static async Task<IReadOnlyList<ReadableSighting>> ReadableOfAsync(RampartDb db, AccessPolicy access, Caller caller, IReadOnlyList<long> sightedRecordIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(access);
        ArgumentNullException.ThrowIfNull(sightedRecordIds);
        if (sightedRecordIds.Count == 0)
        {
            return [];
        }

        var ids = sightedRecordIds as List<long> ?? [.. sightedRecordIds];
        var rows = await access.Readable(db.IntelSightings.AsNoTracking().Where(s => EF.Parameter(ids).Contains(s.SightedRecordId)), caller)
            .OrderBy(s => s.SightedRecordId).ThenBy(s => s.CreatedAt).ThenBy(s => s.RecordId)
            .Select(s => new { s.RecordId, s.SightedRecordId, s.Record.Tlp, s.Record.OwnerOrganisationId, s.Anonymous, s.StixId, s.Count, s.FirstSeen, s.LastSeen, s.Where, s.Json })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(r => new ReadableSighting(r.RecordId, r.SightedRecordId, r.Tlp, r.Anonymous ? null : r.OwnerOrganisationId, r.StixId, r.Count,
            r.FirstSeen, r.LastSeen, r.Where, StixOf(r.Json, r.Anonymous, r.Tlp).ToJsonString()))];
    }

    /// <summary>
    /// The stored STIX <c>sighting</c> as served: marked with its record's TLP (the access decision), an anonymous one
    /// without any reference to an organisation (it never had one; stripped again so that no older row can carry one).
    /// </summary>
    public static JsonObject StixOf(string json, bool anonymous, Tlp tlp)
    {
        var node = Read.IntelQueries.WithRecordMarking(json, tlp)!;
        if (anonymous)
        {
            node.Remove("created_by_ref");
            node.Remove("where_sighted_refs");
        }

        return node;
    }

    /// <summary>
    /// The sightings of <paramref name="sighted"/> the caller may read, newest first by their created time, after
    /// <paramref name="after"/>. Ordered by created time, not by record: an anonymous sighting's created time is cut to
    /// the hour, so it is listed after every attributed sighting of that hour, wherever it was made in it — the list
    /// order does not place it next to the reporter's attributed ones (docs/sharing.md).
    /// </summary>
    public async Task<(IReadOnlyList<IntelSighting> Items, bool More)> ListAsync(Caller caller, IntelObject sighted, SightingPosition? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sighted);
        var id = sighted.RecordId;
        var query = db.IntelSightings.AsNoTracking().Where(s => s.SightedRecordId == id);
        if (after is { } p)
        {
            query = query.Where(s => s.CreatedAt <= p.CreatedAt && (s.CreatedAt < p.CreatedAt || s.RecordId < p.RecordId));
        }

        var rows = await access.Readable(query, caller)
            .Include(s => s.Record).OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.RecordId).Take(limit + 1).ToListAsync(cancellationToken);
        return ([.. rows.Take(limit)], rows.Count > limit);
    }
}

/// <summary>One readable sighting of an exported object: what the STIX and MISP exports write.</summary>
public sealed record ReadableSighting(long RecordId, long SightedRecordId, Tlp Tlp, Guid? SightedBy, string StixId, int Count,
    DateTimeOffset FirstSeen, DateTimeOffset LastSeen, string? Where, string Json);

/// <summary>Where a page of sightings ends: the last one's created time and record.</summary>
public readonly record struct SightingPosition(DateTimeOffset CreatedAt, long RecordId)
{
    public override string ToString() => Hosting.KeysetCodec.Encode(CreatedAt.UtcTicks, RecordId);

    /// <summary>The position <see cref="ToString"/> wrote (inside a protected cursor), or null.</summary>
    public static SightingPosition? Parse(string? text)
    {
        Span<long> parts = stackalloc long[2];
        return Hosting.KeysetCodec.TryDecode(text, parts) && Hosting.KeysetCodec.Time(parts[0]) is { } created
            ? new SightingPosition(created, parts[1])
            : null;
    }
}
