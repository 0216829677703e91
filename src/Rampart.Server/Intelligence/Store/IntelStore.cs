using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Standards.Markings;
using Rampart.Standards;
using Rampart.Standards.Stix;

namespace Rampart.Server.Intelligence.Store;

/// <summary>How the objects of one import are shared: TLP (the floor; an object's own marking may be stricter) and audience.</summary>
public sealed record IntelShare(Tlp Tlp, IReadOnlyList<ResolvedAudience> Audience, bool Published);

/// <summary>One object of an import: parsed, or already rejected by the reader (with the reason).</summary>
public sealed record IngestItem(int Ordinal, StixObject? Stix, string? StixId = null, string? Rejection = null);

/// <summary>What happened to one object.</summary>
public sealed record IngestOutcome(int Ordinal, string? StixId, IntelOutcomeKind Outcome, string? Detail);

/// <summary>
/// The only writer of the intelligence store. One batch (up to <see cref="BatchSize"/> objects) is one
/// transaction: envelopes, grants, objects, versions, labels, warning-list hits, observables, links, outbox
/// rows, per-object outcomes and the job's counters commit together or not at all. Set-based: a batch costs
/// a fixed number of round trips, not one per object.
/// </summary>
public sealed class IntelStore(RampartDb db, SharingStore sharing, WarningListsProvider warningLists, AuditTrail audit, TimeProvider clock, Microsoft.Extensions.Options.IOptions<IntelOptions> options)
{
    public const int BatchSize = 1000;

    /// <summary>Rows per multi-row INSERT (parameters stay far below SQLite's and PostgreSQL's limits).</summary>
    private const int RowsPerStatement = 400;

    private static readonly DateTimeOffset NoTimestamp = DateTimeOffset.UnixEpoch;

    /// <summary>Starts a job (committed at once, so a crash later leaves it visible as interrupted).</summary>
    public async Task<IntelImportJob> StartJobAsync(Caller caller, IntelImportFormat format, Tlp tlp, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var now = clock.GetUtcNow();
        var job = new IntelImportJob
        {
            Id = Guid.CreateVersion7(now),
            OrganisationId = caller.OrganisationId,
            UserId = caller.UserId,
            Format = format,
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

    /// <summary>Writes one batch of <paramref name="job"/> in one transaction and returns each object's outcome.</summary>
    public async Task<IReadOnlyList<IngestOutcome>> WriteBatchAsync(IntelImportJob job, IntelShare share, IReadOnlyList<IngestItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(share);
        ArgumentNullException.ThrowIfNull(items);
        var now = clock.GetUtcNow();
        var owner = job.OrganisationId;
        var matcher = warningLists.Matcher;
        var outcomes = new IngestOutcome[items.Count];
        var prepared = new List<(int Index, PreparedObject Object)>(items.Count);
        // Other organisations' node identity ids, which no import may take (only read when the batch holds an identity).
        var reservedIdentities = items.Any(i => i.Stix?.Type == "identity")
            ? (await db.Organisations.Where(o => o.Id != owner).Select(o => o.Id).ToListAsync(cancellationToken)).Select(IntelIdentity.Of).ToHashSet(StringComparer.Ordinal)
            : null;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.Stix is null || item.Rejection is not null)
            {
                outcomes[i] = new IngestOutcome(item.Ordinal, item.StixId ?? item.Stix?.Id, IntelOutcomeKind.Rejected, item.Rejection ?? "Not a STIX object.");
                continue;
            }

            if (IngestGuard.Check(item.Stix, reservedIdentities) is { } refused)
            {
                outcomes[i] = new IngestOutcome(item.Ordinal, item.Stix.Id.Contains('\0', StringComparison.Ordinal) ? null : item.Stix.Id, IntelOutcomeKind.Rejected, refused);
                continue;
            }

            var (ready, rejection) = PreparedObject.From(item.Stix, share.Tlp, owner, matcher);
            if (ready is null)
            {
                outcomes[i] = new IngestOutcome(item.Ordinal, item.Stix.Id, rejection!.StartsWith('=') ? IntelOutcomeKind.Unchanged : IntelOutcomeKind.Rejected, rejection.TrimStart('='));
            }
            else
            {
                prepared.Add((i, ready));
            }
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (db.Database.IsNpgsql())
        {
            // One writer per organisation at a time: (owner, STIX id) stays unique without failed batches.
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [LockKey(owner)], cancellationToken);
        }

        var stixIds = prepared.Select(p => p.Object.StixId).Distinct().ToList();
        var existing = stixIds.Count == 0
            ? []
            : await db.IntelObjects.Include(o => o.Record).Where(o => o.OwnerOrganisationId == owner && stixIds.Contains(o.StixId)).ToDictionaryAsync(o => o.StixId, StringComparer.Ordinal, cancellationToken);
        var existingIds = existing.Values.Select(o => o.RecordId).ToList();
        var versions = new Dictionary<(string StixId, DateTimeOffset Modified), string?>();
        if (existingIds.Count > 0)
        {
            var rows = await db.IntelObjectVersions.Where(v => existingIds.Contains(v.RecordId)).Select(v => new { v.RecordId, v.Modified, v.Json }).ToListAsync(cancellationToken);
            var stixIdOf = existing.Values.ToDictionary(o => o.RecordId, o => o.StixId);
            foreach (var row in rows)
            {
                versions[(stixIdOf[row.RecordId], row.Modified)] = row.Json;
            }
        }

        var objects = new Dictionary<string, IntelObject>(existing, StringComparer.Ordinal);
        var current = new Dictionary<IntelObject, PreparedObject>(ReferenceEqualityComparer.Instance);
        var added = new List<IntelObject>();
        foreach (var (index, p) in prepared)
        {
            var ordinal = items[index].Ordinal;
            if (!objects.TryGetValue(p.StixId, out var intel))
            {
                var record = new SharedRecord
                {
                    RecordType = IntelObject.Type,
                    OwnerOrganisationId = owner,
                    CreatorOrganisationId = owner,
                    CreatedAt = now,
                };
                intel = new IntelObject
                {
                    Record = record,
                    OwnerOrganisationId = owner,
                    StixId = p.StixId,
                    StixType = p.StixType,
                    Name = p.Name,
                    AddedAt = now,
                };
                p.ApplyTo(intel, now);
                db.SharedRecords.Add(record);
                db.IntelObjects.Add(intel);
                await sharing.ApplyAsync(record, p.Tlp, share.Audience, share.Published && p.Tlp == Tlp.Clear, cancellationToken);
                db.IntelObjectVersions.Add(new IntelObjectVersion { IntelObject = intel, Modified = p.Modified, DateAdded = now, Json = p.Json });
                versions[(p.StixId, p.Modified)] = p.Json;
                objects[p.StixId] = intel;
                current[intel] = p;
                added.Add(intel);
                outcomes[index] = new IngestOutcome(ordinal, p.StixId, IntelOutcomeKind.Added, p.Note);
                continue;
            }

            if (intel.WithdrawnAt is { } withdrawn)
            {
                outcomes[index] = new IngestOutcome(ordinal, p.StixId, IntelOutcomeKind.Rejected,
                    string.Create(CultureInfo.InvariantCulture, $"Withdrawn by its owner on {withdrawn:u}: no new versions."));
                continue;
            }

            if (versions.TryGetValue((p.StixId, p.Modified), out var storedJson))
            {
                outcomes[index] = storedJson == p.Json
                    ? new IngestOutcome(ordinal, p.StixId, IntelOutcomeKind.Unchanged, null)
                    : new IngestOutcome(ordinal, p.StixId, IntelOutcomeKind.Rejected,
                        $"Version conflict: a version with modified {Timestamps.Format(p.Modified)} is stored with different content.");
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

            if (p.Tlp > intel.Record.Tlp)
            {
                // Stricter wins: the record's TLP rises (who may read it can only shrink); its published flag goes.
                notes.Add($"The stored record was {intel.Record.Tlp.Label()}: it is now {p.Tlp.Label()}.");
                intel.Record.Tlp = p.Tlp;
                intel.Record.Published = false;
            }

            var json = p.WithTlp(intel.Record.Tlp);
            db.IntelObjectVersions.Add(new IntelObjectVersion { RecordId = intel.RecordId, IntelObject = intel, Modified = p.Modified, DateAdded = now, Json = json });
            versions[(p.StixId, p.Modified)] = json;
            if (p.Modified > intel.Modified)
            {
                var wasRevoked = intel.Revoked;
                p.ApplyTo(intel, now);
                current[intel] = p;
                db.IntelChanges.Add(new IntelChange { RecordId = intel.RecordId, Kind = p.Revoked && !wasRevoked ? IntelChangeKind.Revoked : IntelChangeKind.Updated, At = now });
                outcomes[index] = new IngestOutcome(ordinal, p.StixId, IntelOutcomeKind.Updated, Join(notes));
            }
            else
            {
                notes.Add($"Older than the current version ({Timestamps.Format(intel.Modified)}): kept as a version.");
                outcomes[index] = new IngestOutcome(ordinal, p.StixId, IntelOutcomeKind.OlderVersion, Join(notes));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        // New records have their database-assigned ids now: their outbox rows follow.
        db.IntelChanges.AddRange(added.Select(o => new IntelChange { RecordId = o.RecordId, Kind = IntelChangeKind.Added, At = now }));
        await ReplaceIndexAsync(current, cancellationToken);

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

            db.IntelImportOutcomes.Add(new IntelImportOutcome
            {
                JobId = job.Id,
                Ordinal = outcome.Ordinal,
                StixId = outcome.StixId is { Length: <= IntelLimits.StixIdLength } id ? id : null,
                Outcome = outcome.Outcome,
                Detail = outcome.Detail is null ? null : Cut(outcome.Detail, IntelLimits.ReasonLength),
            });
        }

        job.Batches++;
        job.LeaseUntil = clock.GetUtcNow() + Lease;
        db.IntelImportJobs.Update(job);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return outcomes;
    }

    /// <summary>Labels, warning-list hits and observable links of the objects whose current version changed.</summary>
    private async Task ReplaceIndexAsync(Dictionary<IntelObject, PreparedObject> current, CancellationToken cancellationToken)
    {
        if (current.Count == 0)
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }

        var recordIds = current.Keys.Select(o => o.RecordId).ToList();
        var touched = new HashSet<long>(await db.ObservableLinks.Where(l => recordIds.Contains(l.RecordId)).Select(l => l.ObservableId).ToListAsync(cancellationToken));
        await db.IntelLabels.Where(l => recordIds.Contains(l.RecordId)).ExecuteDeleteAsync(cancellationToken);
        await db.IntelWarningHits.Where(h => recordIds.Contains(h.RecordId)).ExecuteDeleteAsync(cancellationToken);
        await db.IntelTerms.Where(t => recordIds.Contains(t.RecordId)).ExecuteDeleteAsync(cancellationToken);
        await db.ObservableLinks.Where(l => recordIds.Contains(l.RecordId)).ExecuteDeleteAsync(cancellationToken);

        foreach (var (intel, p) in current)
        {
            foreach (var label in p.Labels)
            {
                db.IntelLabels.Add(new IntelLabel { Label = label, RecordId = intel.RecordId });
            }

            foreach (var hit in p.Hits)
            {
                db.IntelWarningHits.Add(new IntelWarningHit { RecordId = intel.RecordId, ListName = hit.ListName, Value = hit.Value, Entry = hit.Entry });
            }

            db.IntelTerms.AddRange(p.Terms.Select(term => new Search.IntelTerm { Term = term, RecordId = intel.RecordId }));
        }

        await db.SaveChangesAsync(cancellationToken);

        var values = current.Values.SelectMany(p => p.Values).Distinct().ToList();
        if (values.Count == 0)
        {
            await RecountAsync(touched, cancellationToken);
            return;
        }

        foreach (var chunk in values.Chunk(RowsPerStatement))
        {
            var sql = new StringBuilder("INSERT INTO \"Observables\" (\"Kind\", \"Value\", \"RangeStart\", \"RangeEnd\", \"ReversedDomain\", \"ObjectCount\") VALUES ");
            var parameters = new List<object>(chunk.Length * 4);
            using var factory = db.Database.GetDbConnection().CreateCommand();
            System.Data.Common.DbParameter Parameter(object? value, System.Data.DbType type)
            {
                var parameter = factory.CreateParameter();
                parameter.ParameterName = "@p" + parameters.Count.ToString(CultureInfo.InvariantCulture);
                parameter.DbType = type;
                parameter.Value = value ?? DBNull.Value;
                parameters.Add(parameter);
                return parameter;
            }

            for (var i = 0; i < chunk.Length; i++)
            {
                var v = chunk[i];
                sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"({(short)v.Kind}, {Parameter(v.Value, System.Data.DbType.String).ParameterName}, ")
                    .Append(Parameter(v.RangeStart, System.Data.DbType.Binary).ParameterName).Append(", ")
                    .Append(Parameter(v.RangeEnd, System.Data.DbType.Binary).ParameterName).Append(", ")
                    .Append(Parameter(v.ReversedDomain, System.Data.DbType.String).ParameterName).Append(", 0)");
            }

            sql.Append(" ON CONFLICT (\"Kind\", \"Value\") DO NOTHING");
            await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, cancellationToken);
        }

        var texts = values.Select(v => v.Value).Distinct().ToList();
        var ids = new Dictionary<(ObservableKind, string), long>();
        foreach (var chunk in texts.Chunk(5000))
        {
            var list = chunk.ToList();
            foreach (var row in await db.Observables.Where(o => list.Contains(o.Value)).Select(o => new { o.Id, o.Kind, o.Value }).ToListAsync(cancellationToken))
            {
                ids[(row.Kind, row.Value)] = row.Id;
            }
        }

        var links = new List<(long ObservableId, long RecordId)>();
        foreach (var (intel, p) in current)
        {
            foreach (var v in p.Values)
            {
                var id = ids[(v.Kind, v.Value)];
                links.Add((id, intel.RecordId));
                touched.Add(id);
            }
        }

        foreach (var chunk in links.Distinct().Chunk(RowsPerStatement * 2))
        {
            var sql = new StringBuilder("INSERT INTO \"ObservableLinks\" (\"ObservableId\", \"RecordId\") VALUES ");
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"({chunk[i].ObservableId}, {chunk[i].RecordId})");
            }

            sql.Append(" ON CONFLICT DO NOTHING");
            await db.Database.ExecuteSqlRawAsync(sql.ToString(), cancellationToken);
        }

        await RecountAsync(touched, cancellationToken);
    }

    private async Task RecountAsync(HashSet<long> observableIds, CancellationToken cancellationToken)
    {
        foreach (var chunk in observableIds.Chunk(2000))
        {
            var list = string.Join(',', chunk.Select(id => id.ToString(CultureInfo.InvariantCulture)));
#pragma warning disable EF1002 // The list is of numbers this method formats itself.
            await db.Database.ExecuteSqlRawAsync(
                $"UPDATE \"Observables\" SET \"ObjectCount\" = (SELECT COUNT(*) FROM \"ObservableLinks\" l WHERE l.\"ObservableId\" = \"Observables\".\"Id\") WHERE \"Id\" IN ({list})",
                cancellationToken);
#pragma warning restore EF1002
        }
    }

    private static long LockKey(Guid organisationId)
    {
        Span<byte> bytes = stackalloc byte[16];
        organisationId.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes) ^ 0x494e54454c;
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

        public void ApplyTo(IntelObject intel, DateTimeOffset now)
        {
            intel.StixType = StixType;
            intel.Created = Created;
            intel.Modified = Modified;
            intel.Name = Name;
            intel.Revoked = Revoked;
            intel.UpdatedAt = now;
            intel.WarningListed = Hits.Count > 0;
            Search.IntelDecay.Apply(intel, Search.IntelDecay.KindOf(Values.Select(v => v.Kind)), Confidence, ValidFrom ?? (Modified > NoTimestamp ? Modified : now));
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

            var objectTlp = markedTlps.Count == 0 ? (Tlp?)null : TlpMarking.MostRestrictive(markedTlps);
            var tlp = objectTlp is { } o && o > requestTlp ? o : requestTlp;
            string? note = objectTlp switch
            {
                null => null,
                { } o2 when o2 > requestTlp => $"object_marking_refs say {o2.Label()}, the request {requestTlp.Label()}: stored as {o2.Label()}.",
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
                Revoked = body["revoked"] is JsonValue rv && rv.TryGetValue<bool>(out var revoked) && revoked,
                Tlp = tlp,
                Note = note is null ? hitNote : hitNote is null ? note : note + " " + hitNote,
                Body = body,
                Json = body.ToJsonString(),
                Labels = labels,
                Values = values,
                Hits = hits,
                Terms = Search.IntelText.Terms(DisplayName(stixObject), stixObject.GetString("description")),
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

        private static string DisplayName(StixObject o) =>
            o.GetString("name") ?? o.GetString("value") ?? o.GetString("pattern") ?? o.GetString("key")
            ?? (o.GetString("relationship_type") is { } rel ? $"{o.GetString("source_ref")} {rel} {o.GetString("target_ref")}" : o.Id);
    }
}
