using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Standards.Markings;
using Rampart.Standards;
using Rampart.Standards.Stix;

namespace Rampart.Server.Intelligence.Store;

/// <summary>What a deletion of versions did (<see cref="IntelStore.DeleteVersionsAsync"/>).</summary>
public enum VersionDeletionKind
{
    /// <summary>No version with content was selected: nothing changed.</summary>
    None,

    /// <summary>Some versions were deleted; the object stays with the others.</summary>
    Some,

    /// <summary>Every version was selected: the object is to be withdrawn (nothing was changed by the store).</summary>
    All,
}

/// <summary>What a deletion of versions did: which versions (<c>modified</c>), and the version current after it.</summary>
public sealed record VersionDeletion(VersionDeletionKind Kind, IReadOnlyList<DateTimeOffset> Deleted, DateTimeOffset? Current);

/// <summary>How the objects of one import are shared: TLP (the floor; an object's own marking may be stricter) and audience.</summary>
public sealed record IntelShare(Tlp Tlp, IReadOnlyList<ResolvedAudience> Audience, bool Published);

/// <summary>
/// One object of an import: parsed, or already rejected by the reader (with the reason). <paramref name="NodeBuilt"/>: the node built it from a value (CSV, plain-list feed, free text)
/// with <c>created</c> = now; when the organisation already holds that id, the store keeps the stored <c>created</c>, as
/// STIX requires of every version of an object (§3.6), instead of the one built (a CSV import and a list feed build the
/// same ids; free text has its own).
/// </summary>
public sealed record IngestItem(int Ordinal, StixObject? Stix, string? StixId = null, string? Rejection = null, bool NodeBuilt = false);

/// <summary>What happened to one object.</summary>
public sealed record IngestOutcome(int Ordinal, string? StixId, IntelOutcomeKind Outcome, string? Detail);

/// <summary>
/// The only writer of the intelligence store. One batch (up to <see cref="BatchSize"/> objects) is one
/// transaction: envelopes, grants, objects, versions, labels, warning-list hits, observables, links, outbox
/// rows, per-object outcomes and the job's counters commit together or not at all. Set-based: a batch costs
/// a fixed number of round trips, not one per object.
/// </summary>
public sealed class IntelStore(RampartDb db, WarningListsProvider warningLists, AuditTrail audit, TimeProvider clock, Microsoft.Extensions.Options.IOptions<IntelOptions> options, IngestPhases? phases = null,
    Microsoft.Extensions.Options.IOptions<Search.IntelDecayOptions>? decayOptions = null)
{
    public const int BatchSize = 1000;

    /// <summary>
    /// The salt of the organisation's write lock (<see cref="AdvisoryLocks"/>): imports, version deletions, revocations and
    /// withdrawals of one organisation's objects take it, one at a time.
    /// </summary>
    internal const long WriteLockSalt = 0x494e54454c;

    /// <summary>Batches of at least this many objects are checked and prepared on all cores.</summary>
    private const int ParallelPrepareFrom = 64;

    private static readonly DateTimeOffset NoTimestamp = DateTimeOffset.UnixEpoch;

    /// <summary>
    /// Starts a job (committed at once, so a crash later leaves it visible as interrupted). <paramref name="via"/> and
    /// <paramref name="peerId"/> say how the objects came; every change the job writes carries them into the object's history.
    /// </summary>
    public async Task<IntelImportJob> StartJobAsync(Caller caller, IntelImportFormat format, Tlp tlp, CancellationToken cancellationToken,
        IntelChangeVia via = IntelChangeVia.Import, Guid? peerId = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var now = clock.GetUtcNow();
        var job = new IntelImportJob
        {
            Id = Guid.CreateVersion7(now),
            OrganisationId = caller.OrganisationId,
            UserId = caller.UserId,
            Format = format,
            Via = via,
            PeerId = peerId,
            Status = IntelImportStatus.Running,
            Tlp = tlp,
            StartedAt = now,
            LeaseUntil = now + Lease,
        };
        db.IntelImportJobs.Add(job);
        await db.SaveChangesAsync(cancellationToken);
        return job;
    }

    /// <summary>How long a running job's lease lasts (<see cref="IntelOptions.ImportLeaseSeconds"/>).</summary>
    public TimeSpan Lease => TimeSpan.FromSeconds(options.Value.ImportLeaseSeconds);

    /// <summary>Renews the lease of a job this server runs (its heartbeat); false when the job is no longer running.</summary>
    public async Task<bool> RenewLeaseAsync(Guid jobId, CancellationToken cancellationToken)
    {
        var until = clock.GetUtcNow() + Lease;
        return await db.IntelImportJobs.Where(j => j.Id == jobId && j.Status == IntelImportStatus.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseUntil, until), cancellationToken) > 0;
    }

    /// <summary>
    /// Marks interrupted every running job whose lease expired before now (its server stopped without finishing it),
    /// saying how much of it is stored. A job whose server is alive keeps renewing its lease and is never touched.
    /// </summary>
    public async Task<int> InterruptExpiredAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var expired = await db.IntelImportJobs.AsNoTracking()
            .Where(j => j.Status == IntelImportStatus.Running && (j.LeaseUntil == null || j.LeaseUntil < now))
            .Select(j => new { j.Id, j.LeaseUntil, j.Processed, j.Batches }).ToListAsync(cancellationToken);
        var marked = 0;
        foreach (var job in expired)
        {
            var error = string.Create(CultureInfo.InvariantCulture,
                $"Interrupted: the server running the import stopped. {job.Processed} objects in {job.Batches} committed batches are stored; nothing after them is. Send the input again: stored objects come back unchanged.");
            var lease = job.LeaseUntil;
            // Only if nobody renewed it meanwhile (the same lease value as read).
            marked += await db.IntelImportJobs.Where(j => j.Id == job.Id && j.Status == IntelImportStatus.Running && j.LeaseUntil == lease)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, IntelImportStatus.Interrupted)
                    .SetProperty(j => j.FinishedAt, now)
                    .SetProperty(j => j.LeaseUntil, (DateTimeOffset?)null)
                    .SetProperty(j => j.Error, error), cancellationToken);
        }

        return marked;
    }

    public async Task<IntelImportJob> FindJobAsync(Guid id, CancellationToken cancellationToken) =>
        await db.IntelImportJobs.FirstAsync(j => j.Id == id, cancellationToken);

    /// <summary>Ends a job: completed, or failed with the reason (what earlier batches stored stays).</summary>
    public async Task FinishJobAsync(Caller caller, IntelImportJob job, string? error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(job);
        job.Status = error is not null ? IntelImportStatus.Failed : job.Rejected > 0 ? IntelImportStatus.CompletedWithRejections : IntelImportStatus.Completed;
        job.Error = error is null ? null : Cut(error, IntelLimits.ReasonLength);
        job.FinishedAt = clock.GetUtcNow();
        job.LeaseUntil = null;
        audit.Record(AuditEvent.IntelImported, caller, $"intel-import:{job.Id}", error is null ? AuditOutcome.Success : AuditOutcome.Failed,
            string.Create(CultureInfo.InvariantCulture, $"{job.Format} {job.Tlp.Label()} added {job.Added} updated {job.Updated} unchanged {job.Unchanged} rejected {job.Rejected}"));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Writes one batch of <paramref name="job"/> in one transaction and returns each object's outcome.
    /// The number of statements is fixed, whatever the batch size: one query for the stored objects the batch
    /// names and one for their versions, one to allocate the new records' ids, then per table one bulk append
    /// (PostgreSQL: binary COPY; SQLite: one prepared statement reused per row, in-process), one upsert of the
    /// observable values that returns their ids and adjusts their counts, and the job's row. Objects that already
    /// exist and get a new current version add one delete per index table and one set-based update.
    /// </summary>
    public Task<IReadOnlyList<IngestOutcome>> WriteBatchAsync(IntelImportJob job, IntelShare share, IReadOnlyList<IngestItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        return WriteBatchAsync(job, share, Prepare(job.OrganisationId, share, items, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// The CPU part of a batch, without the database: each object checked and rewritten (validation, pattern parse,
    /// warning lists, terms) on all cores; outcomes keep their input positions. <see cref="IntelIngest"/> prepares the
    /// next batch with this while the previous one is written. The one check that needs the database (an identity
    /// object taking another organisation's identity id) runs when the batch is written.
    /// </summary>
    public PreparedBatch Prepare(Guid owner, IntelShare share, IReadOnlyList<IngestItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(share);
        ArgumentNullException.ThrowIfNull(items);
        var mark = Stopwatch.GetTimestamp();
        var matcher = warningLists.Matcher;
        var batch = new PreparedBatch(items);
        var outcomes = batch.Outcomes;
        var ready = batch.Ready;
        void PrepareOne(int i)
        {
            var item = items[i];
            if (item.Stix is null || item.Rejection is not null)
            {
                outcomes[i] = new IngestOutcome(item.Ordinal, item.StixId ?? item.Stix?.Id, IntelOutcomeKind.Rejected, item.Rejection ?? "Not a STIX object.");
                batch.Refused[i] = true;
                return;
            }

            if (IngestGuard.Check(item.Stix, null) is { } refused)
            {
                outcomes[i] = new IngestOutcome(item.Ordinal, item.Stix.Id.Contains('\0', StringComparison.Ordinal) ? null : item.Stix.Id, IntelOutcomeKind.Rejected, refused);
                batch.Refused[i] = true;
                return;
            }

            var (done, rejection) = PreparedObject.From(item.Stix, share.Tlp, owner, matcher);
            if (done is null)
            {
                outcomes[i] = new IngestOutcome(item.Ordinal, item.Stix.Id, rejection!.StartsWith('=') ? IntelOutcomeKind.Unchanged : IntelOutcomeKind.Rejected, rejection.TrimStart('='));
            }

            ready[i] = done;
        }

        if (items.Count >= ParallelPrepareFrom && Environment.ProcessorCount > 1)
        {
            Parallel.For(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellationToken }, PrepareOne);
        }
        else
        {
            for (var i = 0; i < items.Count; i++)
            {
                PrepareOne(i);
            }
        }

        phases?.Lap("validate + prepare", ref mark);
        return batch;
    }

    /// <summary>Writes a batch made by <see cref="Prepare"/> in one transaction (see the overload taking items).</summary>
    public async Task<IReadOnlyList<IngestOutcome>> WriteBatchAsync(IntelImportJob job, IntelShare share, PreparedBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(share);
        ArgumentNullException.ThrowIfNull(batch);
        var mark = Stopwatch.GetTimestamp();
        var now = clock.GetUtcNow();
        var nowStamp = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero); // now as a STIX timestamp holds it
        var owner = job.OrganisationId;
        var items = batch.Items;
        var outcomes = batch.Outcomes;
        var ready = batch.Ready;
        var prepared = new List<(int Index, PreparedObject Object)>(items.Count);
        // Other organisations' node identity ids, which no import may take (only read when the batch holds an identity).
        if (items.Any(i => i.Stix?.Type == "identity"))
        {
            var reservedIdentities = (await db.Organisations.Where(o => o.Id != owner).Select(o => o.Id).ToListAsync(cancellationToken))
                .Select(IntelIdentity.Of).ToHashSet(StringComparer.Ordinal);
            for (var i = 0; i < items.Count; i++)
            {
                if (!batch.Refused[i] && items[i].Stix is { } stix && IngestGuard.Check(stix, reservedIdentities) is { } refused)
                {
                    outcomes[i] = new IngestOutcome(items[i].Ordinal, stix.Id, IntelOutcomeKind.Rejected, refused);
                    ready[i] = null;
                }
            }
        }

        for (var i = 0; i < items.Count; i++)
        {
            if (ready[i] is { } p)
            {
                prepared.Add((i, p));
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var postgres = db.Database.IsNpgsql();
        if (postgres)
        {
            // One writer per organisation at a time: (owner, STIX id) stays unique without failed batches.
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [AdvisoryLocks.Key(owner, WriteLockSalt)], cancellationToken);
        }

        // The stored objects this batch names (with their envelopes), and their versions with the batch's modified times.
        var stixIds = prepared.Select(p => p.Object.StixId).Distinct(StringComparer.Ordinal).ToList();
        var objects = stixIds.Count == 0
            ? new Dictionary<string, IntelObject>(StringComparer.Ordinal)
            : await db.IntelObjects.AsNoTracking().Include(o => o.Record).Where(o => o.OwnerOrganisationId == owner && stixIds.Contains(o.StixId))
                .ToDictionaryAsync(o => o.StixId, StringComparer.Ordinal, cancellationToken);
        var versions = new Dictionary<(string StixId, DateTimeOffset Modified), string?>();
        if (objects.Count > 0)
        {
            var existingIds = objects.Values.Select(o => o.RecordId).ToList();
            // With node-built objects also now and each held object's current modified: such an object may get a version
            // made now, unless the current version already says the same (below). Other imports read no more than before.
            var heldModifieds = prepared.Where(p => objects.ContainsKey(p.Object.StixId)).Select(p => p.Object.Modified);
            if (items.Any(i => i.NodeBuilt))
            {
                heldModifieds = heldModifieds.Append(nowStamp).Concat(objects.Values.Select(o => o.Modified));
            }

            var modifieds = heldModifieds.Distinct().ToList();
            var rows = await db.IntelObjectVersions.AsNoTracking().Where(v => existingIds.Contains(v.RecordId) && modifieds.Contains(v.Modified))
                .Select(v => new { v.RecordId, v.Modified, v.Json }).ToListAsync(cancellationToken);
            var stixIdOf = objects.Values.ToDictionary(o => o.RecordId, o => o.StixId);
            foreach (var row in rows)
            {
                versions[(stixIdOf[row.RecordId], row.Modified)] = row.Json;
            }
        }

        phases?.Lap("look up stored objects", ref mark);
        // Each held record's TLP before this batch (a version may raise it): which of its audience entries reached anyone.
        var tlpAtStart = objects.Values.ToDictionary(o => o.RecordId, o => o.Record.Tlp);
        var publishedAtStart = objects.Values.ToDictionary(o => o.RecordId, o => o.Record.Published);
        var newIds = await AllocateRecordIdsAsync(stixIds.Count(id => !objects.ContainsKey(id)), postgres, cancellationToken);
        phases?.Lap("allocate record ids", ref mark);
        var nextId = 0;
        var added = new List<IntelObject>();
        var isNew = new HashSet<long>();
        var changedObjects = new Dictionary<long, IntelObject>();
        var changedRecords = new Dictionary<long, SharedRecord>();
        var newVersions = new List<IntelObjectVersion>();
        var changes = new List<IntelChange>();
        var current = new Dictionary<long, (IntelObject Object, PreparedObject Prepared)>();
        // Records held before this batch that get a version from it, with the input positions: their audience is narrowed
        // to this share's (below).
        var reshared = new Dictionary<long, List<int>>();
        void Reshared(IntelObject intel, int index)
        {
            if (!isNew.Contains(intel.RecordId) && job.Via != IntelChangeVia.Federation)
            {
                (reshared.TryGetValue(intel.RecordId, out var at) ? at : reshared[intel.RecordId] = []).Add(index);
            }
        }

        foreach (var (index, preparedObject) in prepared)
        {
            var p = preparedObject;
            var ordinal = items[index].Ordinal;
            if (!objects.TryGetValue(p.StixId, out var intel))
            {
                var record = new SharedRecord
                {
                    Id = newIds[nextId++],
                    RecordType = IntelObject.Type,
                    OwnerOrganisationId = owner,
                    CreatorOrganisationId = owner,
                    CreatedAt = now,
                    Tlp = p.Tlp,
                    Published = share.Published && p.Tlp == Tlp.Clear,
                };
                intel = new IntelObject
                {
                    RecordId = record.Id,
                    Record = record,
                    OwnerOrganisationId = owner,
                    StixId = p.StixId,
                    StixType = p.StixType,
                    Name = p.Name,
                    AddedAt = now,
                };
                p.ApplyTo(intel, now, decayOptions?.Value);
                newVersions.Add(new IntelObjectVersion { RecordId = record.Id, Modified = p.Modified, DateAdded = now, Json = p.Json });
                versions[(p.StixId, p.Modified)] = p.Json;
                objects[p.StixId] = intel;
                isNew.Add(record.Id);
                current[record.Id] = (intel, p);
                added.Add(intel);
                changes.Add(Change(job, record.Id, IntelChangeKind.Added, now));
                outcomes[index] = new IngestOutcome(ordinal, p.StixId, IntelOutcomeKind.Added, p.Note);
                continue;
            }

            if (intel.WithdrawnAt is { } withdrawn)
            {
                outcomes[index] = new IngestOutcome(ordinal, p.StixId, IntelOutcomeKind.Rejected,
                    string.Create(CultureInfo.InvariantCulture, $"Withdrawn by its owner on {withdrawn:u}: no new versions."));
                continue;
            }

            if (items[index].NodeBuilt && intel.Created > NoTimestamp)
            {
                // Built again from a value the organisation holds an object for: a version of that object, so with its first
                // created (STIX 2.1 §3.6). Dated before that created (a row first seen earlier), or with other content at a
                // time already held (a label added to the row), it is a version made now — unless the current version
                // already says the same, apart from modified.
                var original = p;
                var heldCreated = Timestamps.Format(intel.Created);
                PreparedObject? Remake(DateTimeOffset? modified)
                {
                    var body = (JsonObject)original.Body.DeepClone();
                    body["created"] = heldCreated;
                    if (modified is { } m)
                    {
                        body["modified"] = Timestamps.Format(m);
                    }

                    return PreparedObject.From(new StixObject(body), share.Tlp, owner, warningLists.Matcher).Object;
                }

                var version = original.Modified < intel.Created ? null : original.Created == intel.Created ? original : Remake(null);
                if (version is null || (version.Modified < nowStamp && versions.TryGetValue((version.StixId, version.Modified), out var heldJson)
                    && !SameAsHeld(heldJson, version, intel.Record.Tlp)))
                {
                    if (versions.TryGetValue((original.StixId, intel.Modified), out var currentJson) && Remake(intel.Modified) is { } asCurrent
                        && SameAsHeld(currentJson, asCurrent, intel.Record.Tlp))
                    {
                        outcomes[index] = new IngestOutcome(ordinal, original.StixId, IntelOutcomeKind.Unchanged, original.Note);
                        continue;
                    }

                    version = Remake(nowStamp);
                }

                if (version is null)
                {
                    outcomes[index] = new IngestOutcome(ordinal, original.StixId, IntelOutcomeKind.Rejected,
                        $"Could not be made a version of the object held (created {heldCreated}).");
                    continue;
                }

                p = version;
            }

            if (versions.TryGetValue((p.StixId, p.Modified), out var storedJson))
            {
                if (storedJson is null)
                {
                    // A version its owner deleted (TAXII DELETE with match[version]): its row stays without content, and the
                    // same version is not stored again — a peer or a later import would otherwise bring it back.
                    outcomes[index] = new IngestOutcome(ordinal, p.StixId, IntelOutcomeKind.Rejected,
                        $"The version with modified {Timestamps.Format(p.Modified)} was deleted by its owner: it is not stored again.");
                    continue;
                }

                outcomes[index] = SameAsHeld(storedJson, p, intel.Record.Tlp)
                    ? new IngestOutcome(ordinal, p.StixId, IntelOutcomeKind.Unchanged, null)
                    : p.Modified == NoTimestamp && SameButMarkings(storedJson, p.Body)
                        // A cyber observable (one unversioned object per value) shared again under another TLP: the value
                        // is the same and stays as held; the indicator or report shared with it carries the new TLP.
                        ? new IngestOutcome(ordinal, p.StixId, IntelOutcomeKind.Unchanged,
                            $"The observable is held as {intel.Record.Tlp.Label()}: it stays so (only the marking differed).")
                        : new IngestOutcome(ordinal, p.StixId, IntelOutcomeKind.Rejected, p.Modified == NoTimestamp
                            ? "Conflict: this observable is stored with different content (an observable has one version)."
                            : $"Version conflict: a version with modified {Timestamps.Format(p.Modified)} is stored with different content.");
                continue;
            }

            if (p.Modified > intel.Modified && intel.Revoked)
            {
                outcomes[index] = new IngestOutcome(ordinal, p.StixId, IntelOutcomeKind.Rejected, "Revoked: a revoked object gets no newer versions.");
                continue;
            }

            var notes = new List<string>();
            if (p.Note is not null)
            {
                notes.Add(p.Note);
            }

            Tlp? tlpBefore = null;
            if (p.Tlp > intel.Record.Tlp)
            {
                // Stricter wins: the record's TLP rises (who may read it can only shrink); its published flag goes.
                notes.Add($"The stored record was {intel.Record.Tlp.Label()}: it is now {p.Tlp.Label()}.");
                tlpBefore = intel.Record.Tlp;
                intel.Record.Tlp = p.Tlp;
                intel.Record.Published = false;
                if (!isNew.Contains(intel.RecordId))
                {
                    changedRecords[intel.RecordId] = intel.Record;
                }
            }

            var json = p.WithTlp(intel.Record.Tlp);
            newVersions.Add(new IntelObjectVersion { RecordId = intel.RecordId, Modified = p.Modified, DateAdded = now, Json = json });
            versions[(p.StixId, p.Modified)] = json;
            if (p.Modified > intel.Modified)
            {
                var wasRevoked = intel.Revoked;
                p.ApplyTo(intel, now, decayOptions?.Value);
                current[intel.RecordId] = (intel, p);
                if (!isNew.Contains(intel.RecordId))
                {
                    changedObjects[intel.RecordId] = intel;
                }

                changes.Add(Change(job, intel.RecordId, p.Revoked && !wasRevoked ? IntelChangeKind.Revoked : IntelChangeKind.Updated, now, tlpBefore, intel.Record.Tlp));
                Reshared(intel, index);
                outcomes[index] = new IngestOutcome(ordinal, p.StixId, IntelOutcomeKind.Updated, Join(notes));
            }
            else
            {
                notes.Add($"Older than the current version ({Timestamps.Format(intel.Modified)}): kept as a version.");
                if (tlpBefore is not null)
                {
                    // An older version may still raise the TLP: readers and the history learn of that change too.
                    changes.Add(Change(job, intel.RecordId, IntelChangeKind.Updated, now, tlpBefore, intel.Record.Tlp));
                }

                outcomes[index] = new IngestOutcome(ordinal, p.StixId, IntelOutcomeKind.OlderVersion, Join(notes));
                Reshared(intel, index);
            }
        }

        await NarrowAudiencesAsync(job, share, reshared, objects, tlpAtStart, publishedAtStart, changedRecords, outcomes, changes, now, cancellationToken);
        phases?.Lap("decide outcomes", ref mark);
        await InsertRecordsAsync(added, share, cancellationToken);
        phases?.Lap("write SharedRecords + AccessGrants", ref mark);
        await InsertObjectsAsync(added, cancellationToken);
        phases?.Lap("write IntelObjects", ref mark);
        await UpdateExistingAsync([.. changedObjects.Values], [.. changedRecords.Values], postgres, cancellationToken);
        phases?.Lap("update existing objects", ref mark);
        await InsertVersionsAsync(newVersions, cancellationToken);
        phases?.Lap("write IntelObjectVersions", ref mark);
        mark = await ReplaceIndexAsync(current, isNew, postgres, cancellationToken) ?? mark;
        await InsertChangesAsync(changes, cancellationToken);
        phases?.Lap("write IntelChanges", ref mark);

        foreach (var outcome in outcomes)
        {
            job.Processed++;
            switch (outcome.Outcome)
            {
                case IntelOutcomeKind.Added: job.Added++; break;
                case IntelOutcomeKind.Updated or IntelOutcomeKind.OlderVersion: job.Updated++; break;
                case IntelOutcomeKind.Unchanged: job.Unchanged++; break;
                default: job.Rejected++; break;
            }
        }

        await InsertOutcomesAsync(job.Id, outcomes, cancellationToken);
        job.Batches++;
        job.LeaseUntil = clock.GetUtcNow() + Lease;
        db.IntelImportJobs.Update(job);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        phases?.Lap("write outcomes + job", ref mark);
        await transaction.CommitAsync(cancellationToken);
        phases?.Lap("commit", ref mark);
        return outcomes;
    }

    /// <summary>
    /// Deletes some versions of one stored object in one transaction (the owner's TAXII DELETE with <c>match[version]</c>,
    /// or a federation peer's version removal). Under the organisation's write lock (the import's), the object's versions
    /// that still have content are read and <paramref name="select"/> picks among them (<c>modified</c> and date added of
    /// each). Nothing picked: nothing changes (<see cref="VersionDeletionKind.None"/>). Every one picked: nothing changes
    /// either — the caller withdraws the object (<see cref="VersionDeletionKind.All"/>, a tombstone). Otherwise the picked
    /// versions lose their content; their rows stay without JSON, so the same version is never stored again and federation
    /// can tell the peers that hold it. When the current version is among them, the newest remaining one becomes current:
    /// the object's summary columns (name, modified, revoked, relationship ends, decay) and its labels, warning-list hits,
    /// search terms and observable links are rebuilt from it, and the values it no longer carries count one object less.
    /// One outbox row (<see cref="IntelChangeKind.VersionsDeleted"/>) and one audit entry go with it.
    /// </summary>
    internal async Task<VersionDeletion> DeleteVersionsAsync(
        Caller caller, long recordId, Func<IReadOnlyList<(DateTimeOffset Modified, DateTimeOffset DateAdded)>, IReadOnlyCollection<DateTimeOffset>> select,
        CancellationToken cancellationToken, Guid? peerId = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(select);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var postgres = db.Database.IsNpgsql();
        var intel = await db.IntelObjects.AsNoTracking().Include(o => o.Record).FirstAsync(o => o.RecordId == recordId, cancellationToken);
        if (postgres)
        {
            // The import's lock for the organisation: no batch adds a version of this object while its current one is chosen.
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [AdvisoryLocks.Key(intel.OwnerOrganisationId, WriteLockSalt)], cancellationToken);
            intel = await db.IntelObjects.AsNoTracking().Include(o => o.Record).FirstAsync(o => o.RecordId == recordId, cancellationToken);
        }

        if (intel.WithdrawnAt is not null)
        {
            return new VersionDeletion(VersionDeletionKind.None, [], null);
        }

        var live = await db.IntelObjectVersions.AsNoTracking().Where(v => v.RecordId == recordId && v.Json != null)
            .OrderBy(v => v.Modified).Select(v => new { v.Modified, v.DateAdded }).ToListAsync(cancellationToken);
        var picked = select([.. live.Select(v => (v.Modified, v.DateAdded))]).ToHashSet();
        var deleted = live.Where(v => picked.Contains(v.Modified)).Select(v => v.Modified).ToList();
        if (deleted.Count == 0)
        {
            return new VersionDeletion(VersionDeletionKind.None, [], null);
        }

        if (deleted.Count == live.Count)
        {
            return new VersionDeletion(VersionDeletionKind.All, deleted, null);
        }

        var now = clock.GetUtcNow();
        var newest = live.Where(v => !picked.Contains(v.Modified)).Max(v => v.Modified);
        PreparedObject? current = null;
        if (deleted.Contains(intel.Modified))
        {
            // The version that becomes current is read back before anything changes: one that no longer validates (a rule
            // tightened since it was stored, or a damaged row) refuses the deletion as a conflict, and nothing is deleted
            // (review of the version deletion, finding 5: it was a 500, and failed a peer's whole envelope).
            var json = await db.IntelObjectVersions.AsNoTracking().Where(v => v.RecordId == recordId && v.Modified == newest).Select(v => v.Json).FirstAsync(cancellationToken);
            string? rejection;
            try
            {
                (current, rejection) = PreparedObject.From(StixObject.Parse(json!), intel.Record.Tlp, intel.OwnerOrganisationId, warningLists.Matcher);
            }
            catch (StandardsException e)
            {
                rejection = $"{e.Path}: {e.Reason}";
            }

            if (current is null)
            {
                throw new ConflictException(Cut($"The version {Timestamps.Format(newest)} that would become current does not read back ({rejection}): no version was deleted. "
                    + "Delete it too, or withdraw the object.", 1000));
            }
        }

        await db.IntelObjectVersions.Where(v => v.RecordId == recordId && deleted.Contains(v.Modified))
            .ExecuteUpdateAsync(s => s.SetProperty(v => v.Json, (string?)null), cancellationToken);
        // The copies of these versions as received from federation peers go in the same transaction: a relay never forwards
        // deleted content, whatever happens after the commit (review M2).
        await db.FederationReceived.Where(r => r.RecordId == recordId && deleted.Contains(r.Modified)).ExecuteDeleteAsync(cancellationToken);
        if (current is { } p)
        {
            p.ApplyTo(intel, now, decayOptions?.Value);
            await UpdateExistingAsync([intel], [], postgres, cancellationToken);
            await ReplaceIndexAsync(new() { [intel.RecordId] = (intel, p) }, [], postgres, cancellationToken);
        }

        db.IntelChanges.Add(new IntelChange
        {
            RecordId = recordId, Kind = IntelChangeKind.VersionsDeleted, At = now, Via = peerId is null ? IntelChangeVia.Owner : IntelChangeVia.Federation, PeerId = peerId,
        });
        audit.Record(AuditEvent.IntelVersionsDeleted, caller, $"intel:{intel.StixId}", detail: Cut(string.Create(CultureInfo.InvariantCulture,
            $"{deleted.Count} of {live.Count} versions deleted ({string.Join(", ", deleted.Select(Timestamps.Format))}); current {Timestamps.Format(newest)}"), 1000));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new VersionDeletion(VersionDeletionKind.Some, deleted, newest);
    }

    /// <summary>
    /// A new version of a record held before never reaches readers its share did not name: the record's audience becomes
    /// what both reach: the entries it had that this share covers and the entries of this share it covered (the network
    /// covers every entry, an organisation the people in it; a community is matched as itself). It is never widened — older versions would reach the wider audience. A peer node's writes are left
    /// to the federation inbox, whose grants follow the sender's. Each narrowing is a change of the outbox (the stream,
    /// webhooks and peer nodes learn of it) and is said in the outcome.
    /// </summary>
    private async Task NarrowAudiencesAsync(IntelImportJob job, IntelShare share, Dictionary<long, List<int>> reshared, Dictionary<string, IntelObject> objects,
        Dictionary<long, Tlp> tlpAtStart, Dictionary<long, bool> publishedAtStart, Dictionary<long, SharedRecord> changedRecords, IngestOutcome[] outcomes, List<IntelChange> changes, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (reshared.Count == 0)
        {
            return;
        }

        var ids = reshared.Keys.ToList();
        var held = (await db.AccessGrants.AsNoTracking().Where(g => ids.Contains(g.RecordId)).ToListAsync(cancellationToken)).ToLookup(g => g.RecordId);
        var byRecord = objects.Values.Where(o => reshared.ContainsKey(o.RecordId)).ToDictionary(o => o.RecordId);
        var added = false;
        foreach (var (recordId, indexes) in reshared)
        {
            var heldGrants = held[recordId].ToList();
            var heldAudience = SharingStore.AudienceOf(heldGrants);
            var record = byRecord[recordId].Record;
            // Only entries that reach someone count: the record's entries at its TLP before this batch, the share's at its
            // TLP after (the network stops at GREEN, a community at AMBER) — a network entry of a RED record reached nobody.
            var heldReach = heldAudience.Where(a => Reaches(a, tlpAtStart[recordId])).ToList();
            var shareReach = share.Audience.Where(a => Reaches(a, record.Tlp)).ToList();
            // Both ways: what the record reached that this share covers, and what this share names that the record reached.
            var kept = heldReach.Where(h => Covers(shareReach, h)).Concat(shareReach.Where(a => Covers(heldReach, a))).Distinct().ToList();
            var notAdded = share.Audience.Distinct().Count(a => Reaches(a, record.Tlp) && !Covers(heldReach, a));
            var published = record.Published && share.Published;
            string? note = null;
            IReadOnlyList<AccessGrant> grantsAfter = heldGrants;
            // Changed only when who reads it changes: entries the raised TLP already shut out (a community entry of a record
            // now RED) are no reader to take away, and a new version marked stricter is not a narrowing of its audience.
            var readersBefore = heldAudience.Where(a => Reaches(a, record.Tlp)).ToHashSet();
            var readersAfter = kept.Where(a => Reaches(a, record.Tlp)).ToHashSet();
            if (!readersBefore.SetEquals(readersAfter) || published != record.Published)
            {
                if (published != record.Published)
                {
                    record.Published = false;
                    changedRecords[recordId] = record;
                }

                var wanted = AccessTokens.GrantsFor(record.RecordType, recordId, record.OwnerOrganisationId, kept, published);
                var stale = heldGrants.Where(g => wanted.All(w => w.GranteeId != g.GranteeId)).Select(g => g.GranteeId).ToList();
                if (stale.Count > 0)
                {
                    await db.AccessGrants.Where(g => g.RecordId == recordId && stale.Contains(g.GranteeId)).ExecuteDeleteAsync(cancellationToken);
                }

                db.AccessGrants.AddRange(wanted.Where(w => heldGrants.All(g => g.GranteeId != w.GranteeId)));
                grantsAfter = wanted;
                added = true;
                var change = Change(job, recordId, IntelChangeKind.Updated, now);
                change.AudienceChanged = true;
                changes.Add(change);
                note = string.Create(CultureInfo.InvariantCulture,
                    $"The record's audience is narrowed to this share's ({heldAudience.Count} → {kept.Count} entries): a new version reaches only readers its share names.");
            }

            // Who stopped reading it (a narrowing, or a TLP raised in this batch past a token's ceiling, which removes no
            // grant): their pollers' export tags must change although they can no longer see this record's change row.
            added |= SharingStore.NoteReachChanges(db, record, heldGrants, tlpAtStart[recordId], publishedAtStart[recordId], grantsAfter) > 0;

            if (notAdded > 0)
            {
                note = (note is null ? "" : note + " ") + string.Create(CultureInfo.InvariantCulture,
                    $"{notAdded} audience entries of this share are not added: a new version never widens a record (its older versions would reach them).");
            }

            if (note is not null)
            {
                foreach (var i in indexes)
                {
                    outcomes[i] = outcomes[i] with { Detail = outcomes[i].Detail is { } d ? d + " " + note : note };
                }
            }
        }

        if (added)
        {
            // Written now, in the batch's transaction: if the batch fails later, no grant is left tracked for a later
            // save on this context to write without the deletes the rollback undid (review s12-narrowing C1).
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Whether an audience entry reaches anyone at <paramref name="tlp"/> (the network stops at GREEN, a community at AMBER).</summary>
    internal static bool Reaches(ResolvedAudience entry, Tlp tlp) => AccessTokens.CeilingOf(entry.Kind switch
    {
        AudienceKind.Network => GrantKind.Network,
        AudienceKind.Community => GrantKind.Community,
        AudienceKind.Person => GrantKind.Person,
        _ => GrantKind.Organisation,
    }).Admits(tlp, published: true);

    // Whether an audience reaches everyone an entry names: the network reaches every entry, an organisation the people in it.
    internal static bool Covers(IReadOnlyList<ResolvedAudience> audience, ResolvedAudience entry) =>
        audience.Any(a => a.Kind == AudienceKind.Network) || audience.Contains(entry)
        || (entry.Kind == AudienceKind.Person && audience.Any(a => a.Kind == AudienceKind.Organisation && a.OrganisationId == entry.OrganisationId));

    // The stored version is this object: the same JSON, or the same once marked with the record's TLP (a later version
    // raised the record, and every version stored after that carries the raised marking).
    private static bool SameAsHeld(string? storedJson, PreparedObject incoming, Tlp recordTlp) =>
        storedJson is not null && (storedJson == incoming.Json || (recordTlp > incoming.Tlp && storedJson == incoming.WithTlp(recordTlp)));

    // Whether a stored object and an incoming one differ at most in their markings.
    private static bool SameButMarkings(string? storedJson, JsonObject incoming)
    {
        if (storedJson is null || JsonNode.Parse(storedJson) is not JsonObject stored)
        {
            return false;
        }

        var other = (JsonObject)incoming.DeepClone();
        stored.Remove("object_marking_refs");
        other.Remove("object_marking_refs");
        return JsonNode.DeepEquals(stored, other);
    }

    /// <summary>
    /// Ids for <paramref name="count"/> new envelopes, ascending (record ids are also the list order).
    /// PostgreSQL: drawn from the identity's sequence in one statement (nextval is safe under concurrency; the
    /// ids are then written explicitly, which the BY DEFAULT identity allows). SQLite: the next block after the
    /// highest id ever used (AUTOINCREMENT keeps it in sqlite_sequence, so ids of deleted records are not reused);
    /// safe because this runs inside the batch's transaction, which Microsoft.Data.Sqlite begins IMMEDIATE: the
    /// database's single write lock is held from before the read until the commit, so no other writer can take
    /// the same block (and the primary key would refuse it). Explicit ids also move sqlite_sequence forward.
    /// </summary>
    private async Task<long[]> AllocateRecordIdsAsync(int count, bool postgres, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return [];
        }

        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        if (postgres)
        {
            command.CommandText = string.Create(CultureInfo.InvariantCulture,
                $"SELECT nextval(pg_get_serial_sequence('\"SharedRecords\"', 'Id')) FROM generate_series(1, {count})");
            var ids = new List<long>(count);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(reader.GetInt64(0));
                }
            }

            ids.Sort();
            return [.. ids];
        }

        command.CommandText = "SELECT MAX(COALESCE((SELECT \"seq\" FROM sqlite_sequence WHERE \"name\" = 'SharedRecords'), 0), COALESCE((SELECT MAX(\"Id\") FROM \"SharedRecords\"), 0))";
        var highest = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        var block = new long[count];
        for (var i = 0; i < count; i++)
        {
            block[i] = highest + 1 + i;
        }

        return block;
    }

    private static readonly (string, BulkType)[] RecordColumns =
    [
        ("Id", BulkType.Int64), ("RecordType", BulkType.Int16), ("OwnerOrganisationId", BulkType.Guid), ("CreatorOrganisationId", BulkType.Guid),
        ("Tlp", BulkType.Int32), ("Published", BulkType.Bool), ("CreatedAt", BulkType.Time),
    ];

    private static readonly (string, BulkType)[] GrantColumns =
    [
        ("GranteeId", BulkType.Guid), ("RecordType", BulkType.Int16), ("RecordId", BulkType.Int64), ("Kind", BulkType.Int16),
        ("SubjectId", BulkType.Guid), ("SubjectOrganisationId", BulkType.Guid),
    ];

    /// <summary>The new envelopes and their grants (the rows <see cref="AccessTokens.GrantsFor"/> gives for the import's audience).</summary>
    private async Task InsertRecordsAsync(List<IntelObject> added, IntelShare share, CancellationToken cancellationToken)
    {
        if (added.Count == 0)
        {
            return;
        }

        await using (var rows = await BulkRows.StartAsync(db, "SharedRecords", RecordColumns, cancellationToken))
        {
            foreach (var record in added.Select(o => o.Record))
            {
                await rows.StartRowAsync(cancellationToken);
                await rows.Int64Async(record.Id, cancellationToken);
                await rows.Int16Async((short)record.RecordType, cancellationToken);
                await rows.GuidAsync(record.OwnerOrganisationId, cancellationToken);
                await rows.GuidAsync(record.CreatorOrganisationId, cancellationToken);
                await rows.Int32Async((int)record.Tlp, cancellationToken);
                await rows.BoolAsync(record.Published, cancellationToken);
                await rows.TimeAsync(record.CreatedAt, cancellationToken);
                await rows.EndRowAsync(cancellationToken);
            }

            await rows.CompleteAsync(cancellationToken);
        }

        await using (var rows = await BulkRows.StartAsync(db, "AccessGrants", GrantColumns, cancellationToken))
        {
            foreach (var record in added.Select(o => o.Record))
            {
                foreach (var grant in AccessTokens.GrantsFor(record.RecordType, record.Id, record.OwnerOrganisationId, share.Audience, record.Published))
                {
                    await rows.StartRowAsync(cancellationToken);
                    await rows.GuidAsync(grant.GranteeId, cancellationToken);
                    await rows.Int16Async((short)grant.RecordType, cancellationToken);
                    await rows.Int64Async(grant.RecordId, cancellationToken);
                    await rows.Int16Async((short)grant.Kind, cancellationToken);
                    await rows.GuidAsync(grant.SubjectId, cancellationToken);
                    await rows.GuidAsync(grant.SubjectOrganisationId, cancellationToken);
                    await rows.EndRowAsync(cancellationToken);
                }
            }

            await rows.CompleteAsync(cancellationToken);
        }
    }

    private static readonly (string, BulkType)[] ObjectColumns =
    [
        ("RecordId", BulkType.Int64), ("OwnerOrganisationId", BulkType.Guid), ("StixId", BulkType.Text), ("StixType", BulkType.Text),
        ("Created", BulkType.Time), ("Modified", BulkType.Time), ("Name", BulkType.Text), ("Revoked", BulkType.Bool),
        ("AddedAt", BulkType.Time), ("UpdatedAt", BulkType.Time), ("WarningListed", BulkType.Bool), ("SightingCount", BulkType.Int32),
        ("Score", BulkType.Double), ("DecayKind", BulkType.Int32), ("DecaySince", BulkType.Time), ("DecaysAt", BulkType.Time),
        ("SourceRef", BulkType.Text), ("TargetRef", BulkType.Text),
    ];

    private async Task InsertObjectsAsync(List<IntelObject> added, CancellationToken cancellationToken)
    {
        if (added.Count == 0)
        {
            return;
        }

        await using var rows = await BulkRows.StartAsync(db, "IntelObjects", ObjectColumns, cancellationToken);
        foreach (var o in added)
        {
            await rows.StartRowAsync(cancellationToken);
            await rows.Int64Async(o.RecordId, cancellationToken);
            await rows.GuidAsync(o.OwnerOrganisationId, cancellationToken);
            await rows.TextAsync(o.StixId, cancellationToken);
            await rows.TextAsync(o.StixType, cancellationToken);
            await rows.TimeAsync(o.Created, cancellationToken);
            await rows.TimeAsync(o.Modified, cancellationToken);
            await rows.TextAsync(o.Name, cancellationToken);
            await rows.BoolAsync(o.Revoked, cancellationToken);
            await rows.TimeAsync(o.AddedAt, cancellationToken);
            await rows.TimeAsync(o.UpdatedAt, cancellationToken);
            await rows.BoolAsync(o.WarningListed, cancellationToken);
            await rows.Int32Async(o.SightingCount, cancellationToken);
            await rows.DoubleAsync(o.Score, cancellationToken);
            await rows.Int32Async((int?)o.DecayKind, cancellationToken);
            await rows.TimeAsync(o.DecaySince, cancellationToken);
            await rows.TimeAsync(o.DecaysAt, cancellationToken);
            await rows.TextAsync(o.SourceRef, cancellationToken);
            await rows.TextAsync(o.TargetRef, cancellationToken);
            await rows.EndRowAsync(cancellationToken);
        }

        await rows.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// Stored objects whose current version changed, and envelopes whose TLP rose: PostgreSQL one
    /// <c>UPDATE … FROM unnest(…)</c> per table; SQLite one prepared <c>UPDATE</c> reused per row.
    /// </summary>
    private async Task UpdateExistingAsync(List<IntelObject> changed, List<SharedRecord> records, bool postgres, CancellationToken cancellationToken)
    {
        if (changed.Count > 0)
        {
            const string Set = "\"StixType\" = {1}, \"Created\" = {2}, \"Modified\" = {3}, \"Name\" = {4}, \"Revoked\" = {5}, \"UpdatedAt\" = {6}, "
                + "\"WarningListed\" = {7}, \"Score\" = {8}, \"DecayKind\" = {9}, \"DecaySince\" = {10}, \"DecaysAt\" = {11}, \"SourceRef\" = {12}, \"TargetRef\" = {13}";
            if (postgres)
            {
                var list = changed;
                static DateTimeOffset Utc(DateTimeOffset t) => t.ToUniversalTime();
                var u = string.Format(CultureInfo.InvariantCulture, Set, "", "u.t", "u.c", "u.m", "u.n", "u.r", "u.ua", "u.w", "u.s", "u.dk", "u.ds", "u.da", "u.sr", "u.tr");
#pragma warning disable EF1002 // The SET list is this method's own constant text; every value is a parameter.
                await db.Database.ExecuteSqlRawAsync(
                    $"UPDATE \"IntelObjects\" AS o SET {u} FROM unnest(@id, @t, @c, @m, @n, @r, @ua, @w, @s, @dk, @ds, @da, @sr, @tr) AS u(id, t, c, m, n, r, ua, w, s, dk, ds, da, sr, tr) WHERE o.\"RecordId\" = u.id",
                    [
                        new NpgsqlParameter<long[]>("id", [.. list.Select(o => o.RecordId)]),
                        new NpgsqlParameter<string[]>("t", [.. list.Select(o => o.StixType)]),
                        new NpgsqlParameter<DateTimeOffset[]>("c", [.. list.Select(o => Utc(o.Created))]),
                        new NpgsqlParameter<DateTimeOffset[]>("m", [.. list.Select(o => Utc(o.Modified))]),
                        new NpgsqlParameter<string[]>("n", [.. list.Select(o => o.Name)]),
                        new NpgsqlParameter<bool[]>("r", [.. list.Select(o => o.Revoked)]),
                        new NpgsqlParameter<DateTimeOffset[]>("ua", [.. list.Select(o => Utc(o.UpdatedAt))]),
                        new NpgsqlParameter<bool[]>("w", [.. list.Select(o => o.WarningListed)]),
                        new NpgsqlParameter<double?[]>("s", [.. list.Select(o => o.Score)]),
                        new NpgsqlParameter<int?[]>("dk", [.. list.Select(o => (int?)o.DecayKind)]),
                        new NpgsqlParameter<DateTimeOffset?[]>("ds", [.. list.Select(o => o.DecaySince?.ToUniversalTime())]),
                        new NpgsqlParameter<DateTimeOffset?[]>("da", [.. list.Select(o => o.DecaysAt?.ToUniversalTime())]),
                        new NpgsqlParameter<string?[]>("sr", [.. list.Select(o => o.SourceRef)]),
                        new NpgsqlParameter<string?[]>("tr", [.. list.Select(o => o.TargetRef)]),
                    ],
                    cancellationToken);
#pragma warning restore EF1002
            }
            else
            {
                var p = Enumerable.Range(0, 14).Select(i => (object)("@p" + i.ToString(CultureInfo.InvariantCulture))).ToArray();
                await using var update = await SqliteRowsAsync($"UPDATE \"IntelObjects\" SET {string.Format(CultureInfo.InvariantCulture, Set, p)} WHERE \"RecordId\" = @p0", 14, cancellationToken);
                foreach (var o in changed)
                {
                    await update.StartRowAsync(cancellationToken);
                    await update.Int64Async(o.RecordId, cancellationToken);
                    await update.TextAsync(o.StixType, cancellationToken);
                    await update.TimeAsync(o.Created, cancellationToken);
                    await update.TimeAsync(o.Modified, cancellationToken);
                    await update.TextAsync(o.Name, cancellationToken);
                    await update.BoolAsync(o.Revoked, cancellationToken);
                    await update.TimeAsync(o.UpdatedAt, cancellationToken);
                    await update.BoolAsync(o.WarningListed, cancellationToken);
                    await update.DoubleAsync(o.Score, cancellationToken);
                    await update.Int32Async((int?)o.DecayKind, cancellationToken);
                    await update.TimeAsync(o.DecaySince, cancellationToken);
                    await update.TimeAsync(o.DecaysAt, cancellationToken);
                    await update.TextAsync(o.SourceRef, cancellationToken);
                    await update.TextAsync(o.TargetRef, cancellationToken);
                    await update.EndRowAsync(cancellationToken);
                }
            }
        }

        if (records.Count > 0)
        {
            if (postgres)
            {
                var list = records;
                await db.Database.ExecuteSqlRawAsync(
                    "UPDATE \"SharedRecords\" AS r SET \"Tlp\" = u.tlp, \"Published\" = u.published FROM unnest(@id, @tlp, @published) AS u(id, tlp, published) WHERE r.\"Id\" = u.id",
                    [
                        new NpgsqlParameter<long[]>("id", [.. list.Select(r => r.Id)]),
                        new NpgsqlParameter<int[]>("tlp", [.. list.Select(r => (int)r.Tlp)]),
                        new NpgsqlParameter<bool[]>("published", [.. list.Select(r => r.Published)]),
                    ],
                    cancellationToken);
            }
            else
            {
                await using var update = await SqliteRowsAsync("UPDATE \"SharedRecords\" SET \"Tlp\" = @p1, \"Published\" = @p2 WHERE \"Id\" = @p0", 3, cancellationToken);
                foreach (var r in records)
                {
                    await update.StartRowAsync(cancellationToken);
                    await update.Int64Async(r.Id, cancellationToken);
                    await update.Int32Async((int)r.Tlp, cancellationToken);
                    await update.BoolAsync(r.Published, cancellationToken);
                    await update.EndRowAsync(cancellationToken);
                }
            }
        }
    }

    /// <summary>A prepared SQLite statement with parameters <c>@p0</c>…, run once per row, in the batch's transaction.</summary>
    private async Task<BulkRows> SqliteRowsAsync(string sql, int parameters, CancellationToken cancellationToken) =>
        await BulkRows.StatementAsync(db, sql, parameters, cancellationToken);

    private static readonly (string, BulkType)[] VersionColumns =
        [("RecordId", BulkType.Int64), ("Modified", BulkType.Time), ("DateAdded", BulkType.Time), ("Json", BulkType.Text)];

    private async Task InsertVersionsAsync(List<IntelObjectVersion> newVersions, CancellationToken cancellationToken)
    {
        if (newVersions.Count == 0)
        {
            return;
        }

        await using var rows = await BulkRows.StartAsync(db, "IntelObjectVersions", VersionColumns, cancellationToken);
        foreach (var v in newVersions)
        {
            await rows.StartRowAsync(cancellationToken);
            await rows.Int64Async(v.RecordId, cancellationToken);
            await rows.TimeAsync(v.Modified, cancellationToken);
            await rows.TimeAsync(v.DateAdded, cancellationToken);
            await rows.TextAsync(v.Json, cancellationToken);
            await rows.EndRowAsync(cancellationToken);
        }

        await rows.CompleteAsync(cancellationToken);
    }

    private static readonly (string, BulkType)[] ChangeColumns =
    [
        ("RecordId", BulkType.Int64), ("Kind", BulkType.Int16), ("At", BulkType.Time), ("JobId", BulkType.Guid), ("Via", BulkType.Int32), ("PeerId", BulkType.Guid),
        ("TlpBefore", BulkType.Int32), ("TlpAfter", BulkType.Int32), ("AudienceChanged", BulkType.Bool),
    ];

    /// <summary>An outbox row of <paramref name="job"/>: how it came, and the TLP it raised (when <paramref name="tlpBefore"/> is set).</summary>
    private static IntelChange Change(IntelImportJob job, long recordId, IntelChangeKind kind, DateTimeOffset at, Tlp? tlpBefore = null, Tlp? tlpAfter = null) => new()
    {
        RecordId = recordId, Kind = kind, At = at, JobId = job.Id, Via = job.Via ?? IntelChangeVia.Import, PeerId = job.PeerId,
        TlpBefore = tlpBefore, TlpAfter = tlpBefore is null ? null : tlpAfter,
    };

    private async Task InsertChangesAsync(List<IntelChange> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            return;
        }

        await using var rows = await BulkRows.StartAsync(db, "IntelChanges", ChangeColumns, cancellationToken);
        foreach (var c in changes)
        {
            await rows.StartRowAsync(cancellationToken);
            await rows.Int64Async(c.RecordId, cancellationToken);
            await rows.Int16Async((short)c.Kind, cancellationToken);
            await rows.TimeAsync(c.At, cancellationToken);
            await rows.GuidAsync(c.JobId, cancellationToken);
            await rows.Int32Async((int?)c.Via, cancellationToken);
            await rows.GuidAsync(c.PeerId, cancellationToken);
            await rows.Int32Async((int?)c.TlpBefore, cancellationToken);
            await rows.Int32Async((int?)c.TlpAfter, cancellationToken);
            await rows.BoolAsync(c.AudienceChanged, cancellationToken);
            await rows.EndRowAsync(cancellationToken);
        }

        await rows.CompleteAsync(cancellationToken);
    }

    private static readonly (string, BulkType)[] OutcomeColumns =
        [("JobId", BulkType.Guid), ("Ordinal", BulkType.Int32), ("StixId", BulkType.Text), ("Outcome", BulkType.Int16), ("Detail", BulkType.Text)];

    private async Task InsertOutcomesAsync(Guid jobId, IngestOutcome[] outcomes, CancellationToken cancellationToken)
    {
        if (outcomes.Length == 0)
        {
            return;
        }

        await using var rows = await BulkRows.StartAsync(db, "IntelImportOutcomes", OutcomeColumns, cancellationToken);
        foreach (var outcome in outcomes)
        {
            await rows.StartRowAsync(cancellationToken);
            await rows.GuidAsync(jobId, cancellationToken);
            await rows.Int32Async(outcome.Ordinal, cancellationToken);
            await rows.TextAsync(outcome.StixId is { Length: <= IntelLimits.StixIdLength } id ? id : null, cancellationToken);
            await rows.Int16Async((short)outcome.Outcome, cancellationToken);
            await rows.TextAsync(outcome.Detail is null ? null : Cut(outcome.Detail, IntelLimits.ReasonLength), cancellationToken);
            await rows.EndRowAsync(cancellationToken);
        }

        await rows.CompleteAsync(cancellationToken);
    }

    /// <summary>
    /// Labels, warning-list hits, search terms and observable links of the objects whose current version changed
    /// (new objects have none yet; stored ones lose their old rows first), and the observable values with their counts.
    /// </summary>
    private async Task<long?> ReplaceIndexAsync(Dictionary<long, (IntelObject Object, PreparedObject Prepared)> current, HashSet<long> isNew, bool postgres, CancellationToken cancellationToken)
    {
        var mark = Stopwatch.GetTimestamp();
        if (current.Count == 0)
        {
            return null;
        }

        // Stored objects with a new current version: their old index rows go, and their old values count one object less.
        var replaced = current.Keys.Where(id => !isNew.Contains(id)).ToList();
        var released = new Dictionary<long, int>();
        if (replaced.Count > 0)
        {
            foreach (var observableId in await db.ObservableLinks.Where(l => replaced.Contains(l.RecordId)).Select(l => l.ObservableId).ToListAsync(cancellationToken))
            {
                released[observableId] = released.GetValueOrDefault(observableId) - 1;
            }

            await db.IntelLabels.Where(l => replaced.Contains(l.RecordId)).ExecuteDeleteAsync(cancellationToken);
            await db.IntelWarningHits.Where(h => replaced.Contains(h.RecordId)).ExecuteDeleteAsync(cancellationToken);
            await db.IntelTerms.Where(t => replaced.Contains(t.RecordId)).ExecuteDeleteAsync(cancellationToken);
            await db.ObservableLinks.Where(l => replaced.Contains(l.RecordId)).ExecuteDeleteAsync(cancellationToken);
            phases?.Lap("delete replaced index rows", ref mark);
        }

        if (current.Values.Any(c => c.Prepared.Labels.Count > 0))
        {
            await using var rows = await BulkRows.StartAsync(db, "IntelLabels", [("Label", BulkType.Text), ("RecordId", BulkType.Int64)], cancellationToken);
            foreach (var (recordId, (_, p)) in current)
            {
                foreach (var label in p.Labels)
                {
                    await rows.StartRowAsync(cancellationToken);
                    await rows.TextAsync(label, cancellationToken);
                    await rows.Int64Async(recordId, cancellationToken);
                    await rows.EndRowAsync(cancellationToken);
                }
            }

            await rows.CompleteAsync(cancellationToken);
        }

        phases?.Lap("write IntelLabels", ref mark);
        if (current.Values.Any(c => c.Prepared.Hits.Count > 0))
        {
            await using var rows = await BulkRows.StartAsync(db, "IntelWarningHits",
                [("RecordId", BulkType.Int64), ("ListName", BulkType.Text), ("Value", BulkType.Text), ("Entry", BulkType.Text)], cancellationToken);
            foreach (var (recordId, (_, p)) in current)
            {
                foreach (var (listName, value, entry) in p.Hits)
                {
                    await rows.StartRowAsync(cancellationToken);
                    await rows.Int64Async(recordId, cancellationToken);
                    await rows.TextAsync(listName, cancellationToken);
                    await rows.TextAsync(value, cancellationToken);
                    await rows.TextAsync(entry, cancellationToken);
                    await rows.EndRowAsync(cancellationToken);
                }
            }

            await rows.CompleteAsync(cancellationToken);
        }

        phases?.Lap("write IntelWarningHits", ref mark);
        if (current.Values.Any(c => c.Prepared.Terms.Count > 0))
        {
            await using var rows = await BulkRows.StartAsync(db, "IntelTerms", [("Term", BulkType.Text), ("RecordId", BulkType.Int64)], cancellationToken);
            foreach (var (recordId, (_, p)) in current)
            {
                foreach (var term in p.Terms)
                {
                    await rows.StartRowAsync(cancellationToken);
                    await rows.TextAsync(term, cancellationToken);
                    await rows.Int64Async(recordId, cancellationToken);
                    await rows.EndRowAsync(cancellationToken);
                }
            }

            await rows.CompleteAsync(cancellationToken);
        }

        phases?.Lap("write IntelTerms", ref mark);

        // Each distinct value once, with how many of this batch's objects newly link to it.
        var values = new Dictionary<(ObservableKind Kind, string Value), (IndexedValue Value, int Links)>();
        foreach (var (_, p) in current.Values)
        {
            foreach (var v in p.Values.DistinctBy(v => (v.Kind, v.Value)))
            {
                values[(v.Kind, v.Value)] = values.TryGetValue((v.Kind, v.Value), out var known) ? (known.Value, known.Links + 1) : (v, 1);
            }
        }

        var ids = await UpsertObservablesAsync(values.Values.OrderBy(v => v.Value.Kind).ThenBy(v => v.Value.Value, StringComparer.Ordinal).ToList(), postgres, cancellationToken);
        phases?.Lap("upsert Observables (correlation)", ref mark);
        if (ids.Count > 0)
        {
            await using var rows = await BulkRows.StartAsync(db, "ObservableLinks", [("ObservableId", BulkType.Int64), ("RecordId", BulkType.Int64)], cancellationToken);
            foreach (var (recordId, (_, p)) in current)
            {
                foreach (var id in p.Values.Select(v => ids[(v.Kind, v.Value)]).Distinct())
                {
                    await rows.StartRowAsync(cancellationToken);
                    await rows.Int64Async(id, cancellationToken);
                    await rows.Int64Async(recordId, cancellationToken);
                    await rows.EndRowAsync(cancellationToken);
                }
            }

            await rows.CompleteAsync(cancellationToken);
        }

        phases?.Lap("write ObservableLinks", ref mark);
        if (released.Count > 0)
        {
            await AdjustCountsAsync(released, postgres, cancellationToken);
            phases?.Lap("release replaced values", ref mark);
        }

        return mark;
    }

    /// <summary>
    /// Inserts the values not yet in the index and adds each value's new links to its count, returning every
    /// value's id: PostgreSQL one <c>INSERT … SELECT FROM unnest … ON CONFLICT DO UPDATE … RETURNING</c>; SQLite
    /// the same upsert as one prepared statement per value. Values are sorted, so concurrent imports lock shared
    /// values in the same order.
    /// </summary>
    private async Task<Dictionary<(ObservableKind, string), long>> UpsertObservablesAsync(List<(IndexedValue Value, int Links)> values, bool postgres, CancellationToken cancellationToken)
    {
        var ids = new Dictionary<(ObservableKind, string), long>(values.Count);
        if (values.Count == 0)
        {
            return ids;
        }

        const string Upsert = " ON CONFLICT (\"Kind\", \"Value\") DO UPDATE SET \"ObjectCount\" = \"Observables\".\"ObjectCount\" + excluded.\"ObjectCount\" RETURNING \"Id\"";
        const string Columns = "INSERT INTO \"Observables\" (\"Kind\", \"Value\", \"RangeStart\", \"RangeEnd\", \"ReversedDomain\", \"ObjectCount\") ";
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        if (postgres)
        {
            command.CommandText = Columns + "SELECT * FROM unnest(@k, @v, @rs, @re, @rd, @n)" + Upsert + ", \"Kind\", \"Value\"";
            command.Parameters.Add(new NpgsqlParameter<short[]>("k", [.. values.Select(v => (short)v.Value.Kind)]));
            command.Parameters.Add(new NpgsqlParameter<string[]>("v", [.. values.Select(v => v.Value.Value)]));
            command.Parameters.Add(new NpgsqlParameter<byte[]?[]>("rs", [.. values.Select(v => v.Value.RangeStart)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
            command.Parameters.Add(new NpgsqlParameter<byte[]?[]>("re", [.. values.Select(v => v.Value.RangeEnd)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea });
            command.Parameters.Add(new NpgsqlParameter<string?[]>("rd", [.. values.Select(v => v.Value.ReversedDomain)]) { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.Parameters.Add(new NpgsqlParameter<int[]>("n", [.. values.Select(v => v.Links)]));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids[((ObservableKind)reader.GetInt16(1), reader.GetString(2))] = reader.GetInt64(0);
            }

            return ids;
        }

        command.CommandText = Columns + "VALUES (@k, @v, @rs, @re, @rd, @n)" + Upsert;
        var k = AddParameter(command, "@k");
        var value = AddParameter(command, "@v");
        var rs = AddParameter(command, "@rs");
        var re = AddParameter(command, "@re");
        var rd = AddParameter(command, "@rd");
        var n = AddParameter(command, "@n");
        await command.PrepareAsync(cancellationToken);
        foreach (var (v, links) in values)
        {
            k.Value = (long)v.Kind;
            value.Value = v.Value;
            rs.Value = (object?)v.RangeStart ?? DBNull.Value;
            re.Value = (object?)v.RangeEnd ?? DBNull.Value;
            rd.Value = (object?)v.ReversedDomain ?? DBNull.Value;
            n.Value = (long)links;
            ids[(v.Kind, v.Value)] = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        return ids;
    }

    private static System.Data.Common.DbParameter AddParameter(System.Data.Common.DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Adds <paramref name="deltas"/> to the values' object counts (links that went away).</summary>
    private async Task AdjustCountsAsync(Dictionary<long, int> deltas, bool postgres, CancellationToken cancellationToken)
    {
        var sorted = deltas.OrderBy(d => d.Key).ToList();
        if (postgres)
        {
            await db.Database.ExecuteSqlRawAsync(
                "UPDATE \"Observables\" AS o SET \"ObjectCount\" = o.\"ObjectCount\" + d.delta FROM unnest(@id, @delta) AS d(id, delta) WHERE o.\"Id\" = d.id",
                [new NpgsqlParameter<long[]>("id", [.. sorted.Select(d => d.Key)]), new NpgsqlParameter<int[]>("delta", [.. sorted.Select(d => d.Value)])],
                cancellationToken);
            return;
        }

        await using var update = await SqliteRowsAsync("UPDATE \"Observables\" SET \"ObjectCount\" = \"ObjectCount\" + @p1 WHERE \"Id\" = @p0", 2, cancellationToken);
        foreach (var (id, delta) in sorted)
        {
            await update.StartRowAsync(cancellationToken);
            await update.Int64Async(id, cancellationToken);
            await update.Int32Async(delta, cancellationToken);
            await update.EndRowAsync(cancellationToken);
        }
    }

    private static string? Join(List<string> notes) => notes.Count == 0 ? null : string.Join(' ', notes);

    internal static string Cut(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    /// <summary>An object checked and rewritten for storage, with what the index needs.</summary>
    internal sealed class PreparedObject
    {
        public required string StixId { get; init; }

        public required string StixType { get; init; }

        public DateTimeOffset Created { get; init; }

        public DateTimeOffset Modified { get; init; }

        public required string Name { get; init; }

        /// <summary>Relationships: <c>source_ref</c> and <c>target_ref</c> (the index of an object's relationships).</summary>
        public string? SourceRef { get; init; }

        public string? TargetRef { get; init; }

        public bool Revoked { get; init; }

        public Tlp Tlp { get; init; }

        public string? Note { get; init; }

        public required JsonObject Body { get; init; }

        public required string Json { get; init; }

        public required IReadOnlyList<string> Labels { get; init; }

        public required IReadOnlyList<IndexedValue> Values { get; init; }

        public required IReadOnlyList<(string ListName, string Value, string Entry)> Hits { get; init; }

        /// <summary>Search terms of the name and description (<see cref="Search.IntelText"/>).</summary>
        public required IReadOnlyList<string> Terms { get; init; }

        /// <summary>Indicators: STIX <c>confidence</c> (the decay's base score) and <c>valid_from</c> (when it starts).</summary>
        public double? Confidence { get; init; }

        public DateTimeOffset? ValidFrom { get; init; }

        public void ApplyTo(IntelObject intel, DateTimeOffset now, Search.IntelDecayOptions? decay)
        {
            intel.StixType = StixType;
            intel.Created = Created;
            intel.Modified = Modified;
            intel.Name = Name;
            intel.SourceRef = SourceRef;
            intel.TargetRef = TargetRef;
            intel.Revoked = Revoked;
            intel.UpdatedAt = now;
            intel.WarningListed = Hits.Count > 0;
            Search.IntelDecay.Apply(intel, Search.IntelDecay.KindOf(Values.Select(v => v.Kind)), Confidence, ValidFrom ?? (Modified > NoTimestamp ? Modified : now), decay);
        }

        /// <summary>The stored JSON when the record's TLP ended up stricter than this object's.</summary>
        public string WithTlp(Tlp tlp)
        {
            if (tlp == Tlp)
            {
                return Json;
            }

            var copy = (JsonObject)Body.DeepClone();
            SetMarking(copy, tlp);
            return copy.ToJsonString();
        }

        /// <summary>Checks and rewrites one object; a rejection (or, starting with "=", a harmless skip) otherwise.</summary>
        public static (PreparedObject? Object, string? Rejection) From(StixObject stixObject, Tlp requestTlp, Guid owner, Rampart.Standards.Misp.WarningListMatcher matcher)
        {
            var type = stixObject.Type;
            if (type == "marking-definition")
            {
                return TlpMarking.TryFromStixMarkingId(stixObject.Id, out _)
                    ? (null, "=A TLP marking definition: the record's TLP marks the objects, the definition is not stored.")
                    : (null, "Marking definitions other than TLP are not stored: the record's TLP and audience decide who reads an object.");
            }

            if (stixObject.Id.Length > IntelLimits.StixIdLength || type.Length > IntelLimits.StixTypeLength)
            {
                return (null, "The id or type is too long.");
            }

            var validation = StixValidator.Validate(stixObject);
            if (!validation.IsValid)
            {
                var first = validation.Errors[0];
                var more = validation.Errors.Count > 1 ? $" (and {validation.Errors.Count - 1} more)" : "";
                return (null, $"Invalid: {first.Path}: {first.Message}{more}");
            }

            var body = (JsonObject)stixObject.Json.DeepClone();
            var markedTlps = new List<Tlp>();
            if (body["object_marking_refs"] is JsonArray refs)
            {
                foreach (var r in refs)
                {
                    if (r is JsonValue v && v.TryGetValue<string>(out var id) && TlpMarking.TryFromStixMarkingId(id, out var marked))
                    {
                        markedTlps.Add(marked);
                    }
                }
            }

            // A TLP on one field (granular_markings) binds the whole record: Rampart decides access per record, so a
            // RED description makes the record RED — never served at the object's weaker level (review finding).
            var granularTlp = false;
            if (body["granular_markings"] is JsonArray granular)
            {
                foreach (var g in granular)
                {
                    if (g is JsonObject gm && gm["marking_ref"] is JsonValue v && v.TryGetValue<string>(out var id) && TlpMarking.TryFromStixMarkingId(id, out var marked))
                    {
                        markedTlps.Add(marked);
                        granularTlp = true;
                    }
                }
            }

            var objectTlp = markedTlps.Count == 0 ? (Tlp?)null : TlpMarking.MostRestrictive(markedTlps);
            var tlp = objectTlp is { } o && o > requestTlp ? o : requestTlp;
            string? note = objectTlp switch
            {
                null => null,
                { } o2 when o2 > requestTlp => $"{(granularTlp ? "The object's markings (granular_markings included)" : "object_marking_refs")} say {o2.Label()}, the request {requestTlp.Label()}: stored as {o2.Label()}.",
                { } o2 when o2 < requestTlp => $"object_marking_refs say {o2.Label()}, the request {requestTlp.Label()}: stored as {requestTlp.Label()}.",
                _ => null,
            };
            SetMarking(body, tlp);
            var isSco = StixTypes.IsSco(type);
            if (!isSco && type != "identity")
            {
                body["created_by_ref"] = IntelIdentity.Of(owner);
            }

            var created = Timestamps.TryParse(stixObject.Created ?? "", out var c) ? c : NoTimestamp;
            var modified = Timestamps.TryParse(stixObject.Modified ?? "", out var m) ? m : created;
            var labels = body["labels"] is JsonArray labelArray
                ? labelArray.OfType<JsonValue>().Select(l => l.TryGetValue<string>(out var s) ? s : null).OfType<string>()
                    .Where(l => l.Length is > 0 and <= IntelLimits.LabelLength).Distinct(StringComparer.Ordinal).ToList()
                : [];
            var values = ObservableValues.Of(stixObject);
            var hits = new List<(string, string, string)>();
            foreach (var value in values)
            {
                if (value.MispType is null)
                {
                    continue;
                }

                foreach (var hit in matcher.Match(value.Value, value.MispType))
                {
                    if (hits.All(h => h.Item1 != hit.ListName))
                    {
                        hits.Add((Cut(hit.ListName, IntelLimits.ListNameLength), Cut(value.Value, IntelLimits.ObservableValueLength), Cut(hit.Entry, IntelLimits.ObservableValueLength)));
                    }
                }
            }

            var hitNote = hits.Count == 0 ? null : "On warning lists: " + string.Join(", ", hits.Select(h => $"{h.Item1} ({h.Item2})")) + ".";
            return (new PreparedObject
            {
                StixId = stixObject.Id,
                StixType = type,
                Created = created,
                Modified = modified,
                Name = Cut(DisplayName(stixObject), IntelLimits.NameLength),
                SourceRef = type == "relationship" ? RelationshipEnd(stixObject.GetString("source_ref")) : null,
                TargetRef = type == "relationship" ? RelationshipEnd(stixObject.GetString("target_ref")) : null,
                Revoked = body["revoked"] is JsonValue rv && rv.TryGetValue<bool>(out var revoked) && revoked,
                Tlp = tlp,
                Note = note is null ? hitNote : hitNote is null ? note : note + " " + hitNote,
                Body = body,
                Json = body.ToJsonString(),
                Labels = labels,
                Values = values,
                Hits = hits,
                Terms = Search.IntelText.Terms(DisplayName(stixObject), stixObject.GetString("description"), ExternalIds(body)),
                Confidence = body["confidence"] is JsonValue cv && cv.TryGetValue<double>(out var confidence) ? confidence : null,
                ValidFrom = Timestamps.TryParse(stixObject.GetString("valid_from") ?? "", out var validFrom) ? validFrom : null,
            }, null);
        }

        private static void SetMarking(JsonObject body, Tlp tlp)
        {
            var kept = new JsonArray { tlp.StixMarkingId() };
            if (body["object_marking_refs"] is JsonArray refs)
            {
                foreach (var r in refs)
                {
                    if (r is JsonValue v && v.TryGetValue<string>(out var id) && !TlpMarking.TryFromStixMarkingId(id, out _) && !kept.Any(k => k!.GetValue<string>() == id))
                    {
                        kept.Add(id);
                    }
                }
            }

            body["object_marking_refs"] = kept;
        }

        // The external ids an object carries (ATT&CK, DISARM, CVE …), searchable as words of the object.
        private static IEnumerable<string> ExternalIds(JsonObject body) =>
            body["external_references"] is JsonArray references
                ? references.OfType<JsonObject>().Select(r => r["external_id"] is JsonValue v && v.TryGetValue<string>(out var id) ? id : null)
                    .OfType<string>().Where(id => id.Length <= 64)
                : [];

        // A reference longer than a STIX id may be is not indexed (the validator has already checked its form).
        private static string? RelationshipEnd(string? reference) => reference is { Length: > 0 and <= IntelLimits.StixIdLength } ? reference : null;

        private static string DisplayName(StixObject o) =>
            o.GetString("name") ?? o.GetString("value") ?? o.GetString("pattern") ?? o.GetString("key")
            ?? (o.GetString("relationship_type") is { } rel ? $"{o.GetString("source_ref")} {rel} {o.GetString("target_ref")}" : o.Id);
    }
}

/// <summary>A batch checked and rewritten by <see cref="IntelStore.Prepare"/>, ready to be written.</summary>
public sealed class PreparedBatch
{
    internal PreparedBatch(IReadOnlyList<IngestItem> items)
    {
        Items = items;
        Outcomes = new IngestOutcome[items.Count];
        Ready = new IntelStore.PreparedObject?[items.Count];
        Refused = new bool[items.Count];
    }

    public IReadOnlyList<IngestItem> Items { get; }

    public int Count => Items.Count;

    internal IngestOutcome[] Outcomes { get; }

    internal IntelStore.PreparedObject?[] Ready { get; }

    // Rejected before validation (not an object, or U+0000): the identity check does not replace that reason.
    internal bool[] Refused { get; }
}
