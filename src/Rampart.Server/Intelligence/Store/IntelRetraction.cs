using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Standards;
using Rampart.Standards.Stix;

namespace Rampart.Server.Intelligence.Store;

public sealed record RetractionView(string StixId, bool Revoked, DateTimeOffset? WithdrawnAt, string? WithdrawnReason, DateTimeOffset Modified);

/// <summary>
/// The owner takes an object back: revoke (a new version with <c>revoked: true</c>; the content stays) or
/// withdraw (the content of every version is removed; the row stays as a tombstone with reason and time).
/// Both write an outbox row, so everyone who could read the object learns of it, and an audit entry.
/// An object the caller cannot read is "not found"; one they can read but do not own is "forbidden".
/// </summary>
public sealed class IntelRetraction(RampartDb db, AccessPolicy access, AuditTrail audit, TimeProvider clock)
{
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
            var json = await db.IntelObjectVersions.Where(v => v.RecordId == intel.RecordId && v.Modified == intel.Modified).Select(v => v.Json).FirstAsync(cancellationToken);
            var body = JsonNode.Parse(json!)!.AsObject();
            var now = clock.GetUtcNow();
            // A new version must be later than the current one, also when the clock is behind the producer's.
            var modified = now > intel.Modified ? now : intel.Modified.AddMilliseconds(1);
            body["modified"] = Timestamps.Format(modified);
            body["revoked"] = true;
            db.IntelObjectVersions.Add(new IntelObjectVersion { RecordId = intel.RecordId, Modified = modified, DateAdded = now, Json = body.ToJsonString() });
            intel.Modified = modified;
            intel.Revoked = true;
            intel.UpdatedAt = now;
            db.IntelChanges.Add(new IntelChange { RecordId = intel.RecordId, Kind = IntelChangeKind.Revoked, At = now, Via = IntelChangeVia.Owner });
            audit.Record(AuditEvent.IntelRevoked, caller, $"intel:{intel.StixId}", detail: intel.Record.Tlp.ToString());
            await db.SaveChangesAsync(cancellationToken);
        }

        return View(intel);
    }

    /// <summary>Withdraws the caller's object; <paramref name="peerId"/>: the federation peer that removed it (its history says so).</summary>
    public async Task<RetractionView?> WithdrawAsync(Caller caller, string stixId, string? reason, CancellationToken cancellationToken, Guid? peerId = null)
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
            var now = clock.GetUtcNow();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var observableIds = await db.ObservableLinks.Where(l => l.RecordId == intel.RecordId).Select(l => l.ObservableId).ToListAsync(cancellationToken);
            await db.IntelObjectVersions.Where(v => v.RecordId == intel.RecordId).ExecuteUpdateAsync(s => s.SetProperty(v => v.Json, (string?)null), cancellationToken);
            await db.ObservableLinks.Where(l => l.RecordId == intel.RecordId).ExecuteDeleteAsync(cancellationToken);
            await db.IntelLabels.Where(l => l.RecordId == intel.RecordId).ExecuteDeleteAsync(cancellationToken);
            await db.IntelWarningHits.Where(h => h.RecordId == intel.RecordId).ExecuteDeleteAsync(cancellationToken);
            await db.Observables.Where(o => observableIds.Contains(o.Id)).ExecuteUpdateAsync(s => s.SetProperty(o => o.ObjectCount, o => o.ObjectCount - 1), cancellationToken);
            intel.WithdrawnAt = now;
            intel.WithdrawnReason = reason!.Trim();
            intel.Name = "";
            intel.WarningListed = false;
            intel.UpdatedAt = now;
            db.IntelChanges.Add(new IntelChange
            {
                RecordId = intel.RecordId, Kind = IntelChangeKind.Withdrawn, At = now, Via = peerId is null ? IntelChangeVia.Owner : IntelChangeVia.Federation, PeerId = peerId,
            });
            audit.Record(AuditEvent.IntelWithdrawn, caller, $"intel:{intel.StixId}", detail: intel.Record.Tlp.ToString());
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
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
