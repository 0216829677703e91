using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Standards;
using Rampart.Standards.Stix;

namespace Rampart.Server.Intelligence.Store;

/// <summary>
/// Which versions of an object a deletion names — TAXII's <c>match[version]</c>: <c>first</c>, <c>last</c>, <c>all</c> and
/// timestamps, any of them (OR). A cyber observable (no <c>modified</c>) is versioned by its date added, as TAXII serves it.
/// </summary>
public sealed record VersionSelection(bool All, bool First, bool Last, IReadOnlyList<DateTimeOffset> Stamps)
{
    public static VersionSelection Every { get; } = new(true, false, false, []);

    /// <summary>The <c>modified</c> of each version picked among <paramref name="versions"/> (the versions that have content).</summary>
    public IReadOnlyCollection<DateTimeOffset> Pick(IReadOnlyList<(DateTimeOffset Modified, DateTimeOffset DateAdded)> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        if (versions.Count == 0)
        {
            return [];
        }

        if (All)
        {
            return [.. versions.Select(v => v.Modified)];
        }

        var picked = new HashSet<DateTimeOffset>();
        if (First)
        {
            picked.Add(versions.Min(v => v.Modified));
        }

        if (Last)
        {
            picked.Add(versions.Max(v => v.Modified));
        }

        foreach (var (modified, added) in versions)
        {
            if (Stamps.Contains(modified) || (modified == DateTimeOffset.UnixEpoch && Stamps.Contains(added)))
            {
                picked.Add(modified);
            }
        }

        return picked;
    }
}

public sealed record RetractionView(string StixId, bool Revoked, DateTimeOffset? WithdrawnAt, string? WithdrawnReason, DateTimeOffset Modified);

/// <summary>
/// The owner takes an object back: revoke (a new version with <c>revoked: true</c>; the content stays) or
/// withdraw (the content of every version is removed; the row stays as a tombstone with reason and time), or delete
/// some versions (their content goes, the newest remaining one becomes current; ADR 18).
/// Both write an outbox row, so everyone who could read the object learns of it, and an audit entry.
/// An object the caller cannot read is "not found"; one they can read but do not own is "forbidden".
/// </summary>
public sealed class IntelRetraction(RampartDb db, AccessPolicy access, AuditTrail audit, TimeProvider clock, IntelStore store)
{
    /// <summary>
    /// Deletes the versions of the caller's object that <paramref name="selection"/> picks among those with content
    /// (<see cref="IntelStore.DeleteVersionsAsync"/>): some of them, and the object stays with the others, the newest
    /// remaining one current; all of them, and it is withdrawn with <paramref name="reason"/> (the tombstone, as
    /// <see cref="WithdrawAsync"/>). Null when the caller cannot read the object; <see cref="ForbiddenException"/> when
    /// they may not write it; <see cref="VersionDeletionKind.None"/> when no version with content was picked.
    /// </summary>
    public async Task<VersionDeletion?> DeleteVersionsAsync(Caller caller, string stixId, VersionSelection selection, string reason, CancellationToken cancellationToken,
        Guid? peerId = null)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var errors = new RequestErrors();
        errors.Required("reason", reason, IntelLimits.ReasonLength);
        errors.ThrowIfAny();
        var intel = await FindOwnAsync(caller, stixId, cancellationToken);
        if (intel is null)
        {
            return null;
        }

        if (intel.WithdrawnAt is not null)
        {
            return new VersionDeletion(VersionDeletionKind.None, [], null);
        }

        var deletion = await store.DeleteVersionsAsync(caller, intel.RecordId, selection.Pick, cancellationToken, peerId);
        if (deletion.Kind == VersionDeletionKind.All)
        {
            // Withdrawn only if those are still every version it has: one added since the choice (an import committing in
            // between) is not withdrawn with them unseen (review finding 9) — a 409, the client asks again.
            await WithdrawAsync(caller, stixId, reason, cancellationToken, peerId, deletion.Deleted);
        }
        else if (deletion.Kind == VersionDeletionKind.Some)
        {
            // The store rewrote the row in SQL: this context's copy is stale, and a later read in the same scope must not get it.
            db.Entry(intel).State = EntityState.Detached;
            db.Entry(intel.Record).State = EntityState.Detached;
        }

        return deletion;
    }

    public async Task<RetractionView?> RevokeAsync(Caller caller, string stixId, CancellationToken cancellationToken)
    {
        var intel = await FindOwnAsync(caller, stixId, cancellationToken);
        if (intel is null)
        {
            return null;
        }

        if (intel.WithdrawnAt is not null)
        {
            throw RequestErrors.One("stixId", "The object is withdrawn: there is nothing left to revoke.");
        }

        if (StixTypes.IsSco(intel.StixType))
        {
            throw RequestErrors.One("stixId", "Cyber observables have no 'revoked' in STIX 2.1: withdraw it instead.");
        }

        if (!intel.Revoked)
        {
            // Under the organisation's write lock, in a transaction, as the store's imports and version deletions: the object
            // and its current version are read again inside it, so a revoke that raced a deletion of the current version
            // builds on the version current now, never on deleted content (review M4).
            var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
            try
            {
                await AdvisoryLocks.ForOrganisationAsync(db, intel.OwnerOrganisationId, IntelStore.WriteLockSalt, cancellationToken);
                await db.Entry(intel).ReloadAsync(cancellationToken);
                if (intel.WithdrawnAt is not null)
                {
                    throw RequestErrors.One("stixId", "The object is withdrawn: there is nothing left to revoke.");
                }

                if (!intel.Revoked)
                {
                    var recordId = intel.RecordId;
                    var currentModified = intel.Modified;
                    var json = await db.IntelObjectVersions.Where(v => v.RecordId == recordId && v.Modified == currentModified && v.Json != null)
                        .Select(v => v.Json).FirstOrDefaultAsync(cancellationToken)
                        ?? throw new ConflictException("The object's current version has no content: read it again and retry.");
                    var body = JsonNode.Parse(json)!.AsObject();
                    var now = clock.GetUtcNow();
                    // A new version must be later than every version row, deleted ones included (their rows stay, and consumers
                    // that kept a deleted version must see the revocation as newer), also when the clock is behind the producer's
                    // (review finding 11: an equal modified was a primary-key violation).
                    // In whole milliseconds, as the JSON holds it (the row and the JSON agree, and "later" holds for both).
                    var latest = await db.IntelObjectVersions.Where(v => v.RecordId == recordId).MaxAsync(v => v.Modified, cancellationToken);
                    var nowStamp = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
                    var afterLatest = new DateTimeOffset(latest.UtcTicks - (latest.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
                    if (afterLatest.UtcTicks > DateTimeOffset.MaxValue.UtcTicks - (2 * TimeSpan.TicksPerMillisecond))
                    {
                        throw new ConflictException("A version of this object is dated at the end of time: no later version can be made to revoke it.");
                    }

                    afterLatest = afterLatest.AddMilliseconds(1);
                    var modified = nowStamp > latest ? nowStamp : afterLatest;
                    body["modified"] = Timestamps.Format(modified);
                    body["revoked"] = true;
                    db.IntelObjectVersions.Add(new IntelObjectVersion { RecordId = recordId, Modified = modified, DateAdded = now, Json = body.ToJsonString() });
                    intel.Modified = modified;
                    intel.Revoked = true;
                    intel.UpdatedAt = now;
                    db.IntelChanges.Add(new IntelChange { RecordId = recordId, Kind = IntelChangeKind.Revoked, At = now, Via = IntelChangeVia.Owner });
                    audit.Record(AuditEvent.IntelRevoked, caller, $"intel:{intel.StixId}", detail: intel.Record.Tlp.ToString());
                    await db.SaveChangesAsync(cancellationToken);
                }

                if (transaction is not null)
                {
                    await transaction.CommitAsync(cancellationToken);
                }
            }
            finally
            {
                if (transaction is not null)
                {
                    await transaction.DisposeAsync();
                }
            }
        }

        return View(intel);
    }

    /// <summary>Withdraws the caller's object; <paramref name="peerId"/>: the federation peer that removed it (its history says so).</summary>
    /// <param name="onlyVersions">When given, the withdrawal happens only if these are exactly the versions with content under the
    /// lock (a version deletion that selected every version); otherwise <see cref="ConflictException"/> and nothing changes.</param>
    public async Task<RetractionView?> WithdrawAsync(Caller caller, string stixId, string? reason, CancellationToken cancellationToken, Guid? peerId = null,
        IReadOnlyCollection<DateTimeOffset>? onlyVersions = null)
    {
        var errors = new RequestErrors();
        errors.Required("reason", reason, IntelLimits.ReasonLength);
        errors.ThrowIfAny();
        var intel = await FindOwnAsync(caller, stixId, cancellationToken);
        if (intel is null)
        {
            return null;
        }

        if (intel.WithdrawnAt is null)
        {
            // Under the organisation's write lock, in a transaction (the caller's, when it has one), the object read again
            // inside it: a withdrawal never interleaves with an import, a version deletion or a revocation of the same
            // organisation (review M4/15: observable counts decremented twice).
            var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
            try
            {
                await AdvisoryLocks.ForOrganisationAsync(db, intel.OwnerOrganisationId, IntelStore.WriteLockSalt, cancellationToken);
                await db.Entry(intel).ReloadAsync(cancellationToken);
                if (intel.WithdrawnAt is null && onlyVersions is not null)
                {
                    var withContent = intel.RecordId;
                    var live = await db.IntelObjectVersions.Where(v => v.RecordId == withContent && v.Json != null).Select(v => v.Modified).ToListAsync(cancellationToken);
                    if (live.Any(m => !onlyVersions.Contains(m)))
                    {
                        throw new ConflictException("A version of the object was added while its versions were being deleted: nothing more was deleted; ask again.");
                    }
                }

                if (intel.WithdrawnAt is null)
                {
                    var now = clock.GetUtcNow();
                    var recordId = intel.RecordId;
                    var observableIds = await db.ObservableLinks.Where(l => l.RecordId == recordId).Select(l => l.ObservableId).ToListAsync(cancellationToken);
                    await db.IntelObjectVersions.Where(v => v.RecordId == recordId).ExecuteUpdateAsync(s => s.SetProperty(v => v.Json, (string?)null), cancellationToken);
                    // The copies as received from federation peers lose their content too (their provenance stays, so the
                    // removal can be forwarded): in the same transaction, never forwarded after the withdrawal.
                    await db.FederationReceived.Where(r => r.RecordId == recordId && r.ObjectJson != "").ExecuteUpdateAsync(s => s.SetProperty(r => r.ObjectJson, ""), cancellationToken);
                    await db.ObservableLinks.Where(l => l.RecordId == recordId).ExecuteDeleteAsync(cancellationToken);
                    await db.IntelLabels.Where(l => l.RecordId == recordId).ExecuteDeleteAsync(cancellationToken);
                    await db.IntelWarningHits.Where(h => h.RecordId == recordId).ExecuteDeleteAsync(cancellationToken);
                    await db.Observables.Where(o => observableIds.Contains(o.Id)).ExecuteUpdateAsync(s => s.SetProperty(o => o.ObjectCount, o => o.ObjectCount - 1), cancellationToken);
                    intel.WithdrawnAt = now;
                    intel.WithdrawnReason = reason!.Trim();
                    intel.Name = "";
                    intel.WarningListed = false;
                    intel.UpdatedAt = now;
                    db.IntelChanges.Add(new IntelChange
                    {
                        RecordId = recordId, Kind = IntelChangeKind.Withdrawn, At = now, Via = peerId is null ? IntelChangeVia.Owner : IntelChangeVia.Federation, PeerId = peerId,
                    });
                    audit.Record(AuditEvent.IntelWithdrawn, caller, $"intel:{intel.StixId}", detail: intel.Record.Tlp.ToString());
                    await db.SaveChangesAsync(cancellationToken);
                }

                if (transaction is not null)
                {
                    await transaction.CommitAsync(cancellationToken);
                }
            }
            finally
            {
                if (transaction is not null)
                {
                    await transaction.DisposeAsync();
                }
            }
        }

        return View(intel);
    }

    private async Task<IntelObject?> FindOwnAsync(Caller caller, string stixId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!StixIdentifier.TryParse(stixId, out _, out _))
        {
            throw RequestErrors.One("stixId", "Not a STIX id (type--uuid).");
        }

        var readable = await access.Readable(db.IntelObjects.Include(o => o.Record), caller).Where(o => o.StixId == stixId)
            .OrderByDescending(o => o.OwnerOrganisationId == caller.OrganisationId).FirstOrDefaultAsync(cancellationToken);
        if (readable is null)
        {
            return null;
        }

        if (!AccessPolicy.CanWrite(caller, readable.Record))
        {
            throw new ForbiddenException("Only writers of the owning organisation revoke or withdraw an object.");
        }

        return readable;
    }

    private static RetractionView View(IntelObject o) => new(o.StixId, o.Revoked, o.WithdrawnAt, o.WithdrawnReason, o.Modified);
}
