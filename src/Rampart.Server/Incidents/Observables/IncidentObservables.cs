using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Intelligence.Ingest;
using Rampart.Server.Intelligence.Read;
using Rampart.Server.Intelligence.Store;
using Rampart.Standards.Markings;
using Rampart.Standards.Observables;

namespace Rampart.Server.Incidents.Observables;

/// <summary>Values typed on an incident (free text; each value's kind is found by the standards library's extraction).</summary>
public sealed record ObservableValuesRequest(string? Text);

/// <summary>An existing intelligence object the caller may read, by STIX id (and optionally whose copy).</summary>
public sealed record ObservableLinkRequest(string? StixId, Guid? OwnerOrganisationId = null);

public sealed record CorrelatedObjectView(string StixId, string StixType, string Name, Tlp Tlp, Guid OwnerOrganisationId, IReadOnlyList<string> Via);

public sealed record CorrelatedIncidentView(Guid Id, string Number, string Title, IncidentStatus Status);

public sealed record IncidentObservableView(
    string StixId,
    string StixType,
    string Name,
    Tlp Tlp,
    Guid OwnerOrganisationId,
    bool Revoked,
    bool CreatedHere,
    DateTimeOffset AddedAt,
    IReadOnlyList<CorrelatedObjectView> Objects,
    IReadOnlyList<CorrelatedIncidentView> Incidents,
    IReadOnlyList<string> CommonValues);

/// <summary>
/// The observables of an incident: values typed on it become intelligence objects through the normal intel write path
/// (<see cref="IntelIngest"/>, a free-text import job) at the incident's TLP with the incident's audience; existing objects the
/// caller may read are linked by STIX id. Listing reads the incident through <see cref="AccessPolicy"/> first, then each linked
/// object through it again: an object the viewer may not read is neither listed nor counted, and its correlations are the
/// viewer's own (<see cref="IntelQueries.CorrelationsAsync"/>), as are the other incidents they lead to.
/// </summary>
public sealed class IncidentObservables(
    RampartDb db, AccessPolicy access, IncidentQueries incidents, IntelQueries intel, IntelTextPreview preview,
    IntelIngest ingest, AuditTrail audit, TimeProvider clock)
{
    public const int MaxValues = 500;

    public const int TextLength = 100_000;

    private const int CorrelationLimit = 20;

    /// <summary>Extracts the values of <paramref name="request"/>, stores them as intelligence and links them; null when the incident is not readable.</summary>
    public async Task<IReadOnlyList<IncidentObservableView>?> AddValuesAsync(Caller caller, Guid id, ObservableValuesRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (await incidents.FindAsync(caller, id, cancellationToken) is not { } read)
        {
            return null;
        }

        EnsureContributes(caller, read);
        var errors = new RequestErrors();
        errors.MultiLine("text", request.Text, TextLength, required: true);
        errors.ThrowIfAny();
        var values = FreeTextExtractor.Default.Extract(request.Text!).DistinctBy(e => (e.Kind, e.Value)).ToList();
        if (values.Count == 0)
        {
            throw RequestErrors.One("text", "No address, domain, URL, e-mail address, hash, CVE or AS number found in the text.");
        }

        if (values.Count > MaxValues)
        {
            throw RequestErrors.One("text", $"{values.Count} values: at most {MaxValues} at once.");
        }

        var incident = read.Incident;
        var tlp = incident.Record.Tlp;
        var objects = preview.Build(caller, new TextConfirmRequest(
            [.. values.Select(v => new SelectedValue(v.Kind, v.Value))], tlp.Label(), null,
            Description: $"Observed in incident {incident.HumanId}."));
        var entries = AudienceFor(incident, SharingStore.AudienceOf(read.Grants), caller.OrganisationId);
        // Objects the organisation held before keep their own audience (the write path never widens a record); only the ones
        // this incident creates follow the incident's audience from now on.
        var built = objects.Select(o => o.Id).ToList();
        var held = await db.IntelObjects.AsNoTracking().Where(o => o.OwnerOrganisationId == caller.OrganisationId && built.Contains(o.StixId))
            .Select(o => new { o.RecordId, o.StixId }).ToListAsync(cancellationToken);
        var before = held.Select(h => h.RecordId).ToList();
        // Objects the organisation held before are linked, never written again: a new version would carry this incident's
        // number ("Observed in incident …") to everyone who reads the object, and a stricter incident TLP would raise the
        // object's TLP and take it away from its readers (attack review s10 #3).
        var heldIds = held.Select(h => h.StixId).ToHashSet(StringComparer.Ordinal);
        var fresh = objects.Where(o => !heldIds.Contains(o.Id)).ToList();
        IntelImportJob? job = null;
        if (fresh.Count > 0)
        {
            job = await ingest.Store.StartJobAsync(caller, IntelImportFormat.FreeText, tlp, cancellationToken, IntelChangeVia.Incident);
            await ingest.RunAsync(caller, job, new IntelShare(tlp, entries, Published: false), IntelIngest.ListItems(fresh), cancellationToken);
        }

        // The indicators (and CVEs) are what the incident links; their observables are stored beside them for the intel side.
        var linked = objects.Where(o => o.Type is "indicator" or "vulnerability").Select(o => o.Id).ToList();
        var owner = caller.OrganisationId;
        var stored = await db.IntelObjects.AsNoTracking().Where(o => o.OwnerOrganisationId == owner && linked.Contains(o.StixId))
            .Select(o => o.RecordId).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var recordId = incident.RecordId;
        var existing = await db.IncidentObservables.Where(l => l.IncidentRecordId == recordId && stored.Contains(l.IntelRecordId))
            .Select(l => l.IntelRecordId).ToListAsync(cancellationToken);
        foreach (var intelRecordId in stored.Except(existing))
        {
            db.IncidentObservables.Add(new IncidentObservable
            {
                IncidentRecordId = recordId, IntelRecordId = intelRecordId, CreatedHere = !before.Contains(intelRecordId),
                AddedByOrganisationId = owner, AddedByUserId = caller.UserId, AddedAt = now,
            });
        }

        // No count in the journal: objects the adder held before keep their own audience, so a reader of the incident could be
        // told of objects it may not list. The count is in the audit trail; the observables tab shows each reader what it reads.
        var entry = Event(incident, caller, IncidentEvents.ObservablesAdded, now, "");
        db.IncidentJournal.Add(entry);
        audit.Record(AuditEvent.IncidentObservablesAdded, caller, $"incident:{incident.Id}", detail: job is null ? $"{stored.Count} linked" : $"{stored.Count} job:{job.Id}");
        await db.SaveChangesAsync(cancellationToken);
        var (page, _) = await ListAsync(caller, read, null, IncidentObservablesLimits.PageMax, cancellationToken, only: stored);
        return page;
    }

    /// <summary>Links an object the caller may read; 400 naming <c>stixId</c> when there is none; null when the incident is not readable.</summary>
    public async Task<IncidentObservableView?> LinkAsync(Caller caller, Guid id, ObservableLinkRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (await incidents.FindAsync(caller, id, cancellationToken) is not { } read)
        {
            return null;
        }

        EnsureContributes(caller, read);
        if (string.IsNullOrWhiteSpace(request.StixId) || request.StixId.Length > IntelLimits.StixIdLength || !request.StixId.Contains("--", StringComparison.Ordinal))
        {
            throw RequestErrors.One("stixId", "Required: a STIX id (type--UUID).");
        }

        var (found, _) = await intel.FindAsync(caller, request.StixId.Trim(), request.OwnerOrganisationId, cancellationToken);
        if (found is null)
        {
            // Not readable and not there are one answer: the caller learns nothing about others' objects.
            throw RequestErrors.One("stixId", "No intelligence object you may read has this id.");
        }

        var incident = read.Incident;
        var intelRecordId = found.Intel.RecordId;
        var now = clock.GetUtcNow();
        if (!await db.IncidentObservables.AnyAsync(l => l.IncidentRecordId == incident.RecordId && l.IntelRecordId == intelRecordId, cancellationToken))
        {
            db.IncidentObservables.Add(new IncidentObservable
            {
                IncidentRecordId = incident.RecordId, IntelRecordId = intelRecordId, CreatedHere = false,
                AddedByOrganisationId = caller.OrganisationId, AddedByUserId = caller.UserId, AddedAt = now,
            });
            // Not the STIX id: an observable's id is derived from its value, and not every reader of the journal reads the object.
            db.IncidentJournal.Add(Event(incident, caller, IncidentEvents.ObservableLinked, now, ""));
            audit.Record(AuditEvent.IncidentObservableLinked, caller, $"incident:{incident.Id}", detail: $"{found.Intel.StixId} record:{intelRecordId}");
            await db.SaveChangesAsync(cancellationToken);
        }

        var (page, _) = await ListAsync(caller, read, null, 1, cancellationToken, only: [intelRecordId]);
        return page.Single();
    }

    /// <summary>
    /// Unlinks the copies of <paramref name="stixId"/> the caller may read from the incident: owner and coordinators, or the
    /// organisation that linked it. False when none is linked (404); null when the incident is not readable.
    /// </summary>
    public async Task<bool?> UnlinkAsync(Caller caller, Guid id, string stixId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (await incidents.FindAsync(caller, id, cancellationToken) is not { } read)
        {
            return null;
        }

        EnsureContributes(caller, read);
        var recordId = read.Incident.RecordId;
        var readable = access.Readable(db.IntelObjects.AsNoTracking(), caller).Where(o => o.StixId == stixId).Select(o => o.RecordId);
        var links = await db.IncidentObservables.Where(l => l.IncidentRecordId == recordId && readable.Contains(l.IntelRecordId)).ToListAsync(cancellationToken);
        if (links.Count == 0)
        {
            return false;
        }

        if (read.Standing < IncidentStanding.Coordinator && links.Any(l => l.AddedByOrganisationId != caller.OrganisationId))
        {
            throw new ForbiddenException("Contributors unlink only what their organisation linked; the owner and coordinators unlink anything.");
        }

        var now = clock.GetUtcNow();
        db.IncidentObservables.RemoveRange(links);
        db.IncidentJournal.Add(Event(read.Incident, caller, IncidentEvents.ObservableUnlinked, now, ""));
        audit.Record(AuditEvent.IncidentObservableUnlinked, caller, $"incident:{read.Incident.Id}", detail: stixId);
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// The linked objects of a read incident the viewer may read, newest link target first (keyset on the intel record id),
    /// each with the viewer's correlations: readable objects sharing a value, and readable incidents linking one of them.
    /// </summary>
    public async Task<(IReadOnlyList<IncidentObservableView> Items, bool More)> ListAsync(Caller caller, ReadIncident read, long? before, int limit,
        CancellationToken cancellationToken, IReadOnlyCollection<long>? only = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        var recordId = read.Incident.RecordId;
        var below = before ?? long.MaxValue;
        var links = db.IncidentObservables.AsNoTracking().Where(l => l.IncidentRecordId == recordId && l.IntelRecordId < below);
        if (only is not null)
        {
            links = links.Where(l => only.Contains(l.IntelRecordId));
        }

        var readable = access.Readable(db.IntelObjects.AsNoTracking(), caller);
        var rows = await (from l in links
                          join o in readable on l.IntelRecordId equals o.RecordId
                          orderby l.IntelRecordId descending
                          select new { Link = l, Object = o, o.Record.Tlp }).Take(limit + 1).ToListAsync(cancellationToken);
        var items = new List<IncidentObservableView>();
        foreach (var row in rows.Take(limit))
        {
            var o = row.Object;
            var correlations = o.WithdrawnAt is null
                ? await intel.CorrelationsAsync(caller, o, null, CorrelationLimit + 2, cancellationToken)
                : new Correlations([], [], false);
            var carriers = correlations.Items.Select(c => c.Intel.RecordId).Append(o.RecordId).ToList();
            // Not a correlation of itself: the object's own observable (its owner's cyber observable of exactly its value, stored
            // beside an indicator typed here — one per owner and value, as its id derives from the value).
            var shown = correlations.Items.Where(c => !OwnObservable(o, c)).Take(CorrelationLimit).ToList();
            var elsewhere = db.IncidentObservables.AsNoTracking().Where(x => carriers.Contains(x.IntelRecordId) && x.IncidentRecordId != recordId)
                .Select(x => x.IncidentRecordId);
            var related = await access.Readable(db.Incidents.AsNoTracking(), caller).Where(i => elsewhere.Contains(i.RecordId))
                .OrderByDescending(i => i.RecordId).Take(CorrelationLimit)
                .Select(i => new { i.Id, i.Year, i.Number, i.Title, i.Status }).ToListAsync(cancellationToken);
            items.Add(new IncidentObservableView(
                o.StixId, o.StixType, o.WithdrawnAt is null ? o.Name : "", row.Tlp, o.OwnerOrganisationId, o.Revoked, row.Link.CreatedHere, row.Link.AddedAt,
                [.. shown.Select(c => new CorrelatedObjectView(c.Intel.StixId, c.Intel.StixType, c.Intel.WithdrawnAt is null ? c.Intel.Name : "",
                    c.Intel.Record.Tlp, c.Intel.OwnerOrganisationId, [.. c.Via.Select(v => v.Value).Distinct(StringComparer.Ordinal)]))],
                [.. related.Select(i => new CorrelatedIncidentView(i.Id, IncidentNumbers.Format(i.Year, i.Number), i.Title, i.Status))],
                [.. correlations.Common.Select(c => c.Value)]));
        }

        return (items, rows.Count > limit);
    }

    /// <summary>The keyset key (intel record id) of a listed object, for the next page's cursor.</summary>
    public async Task<long?> KeyOfAsync(Caller caller, ReadIncident read, string stixId, Guid owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var recordId = read.Incident.RecordId;
        var links = db.IncidentObservables.AsNoTracking().Where(l => l.IncidentRecordId == recordId).Select(l => l.IntelRecordId);
        return await access.Readable(db.IntelObjects.AsNoTracking(), caller).Where(o => o.StixId == stixId && o.OwnerOrganisationId == owner && links.Contains(o.RecordId))
            .Select(o => (long?)o.RecordId).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// The objects linked to a read incident that the viewer may read, as STIX (current version, carrying the record's TLP);
    /// withdrawn ones are left out (the export's relationships).
    /// </summary>
    public async Task<IReadOnlyList<System.Text.Json.Nodes.JsonObject>> ReadableLinkedStixAsync(Caller caller, ReadIncident read, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var recordId = read.Incident.RecordId;
        var links = db.IncidentObservables.AsNoTracking().Where(l => l.IncidentRecordId == recordId).Select(l => l.IntelRecordId);
        // One copy per STIX id, the one this viewer is served everywhere else (IntelQueries.OneCopyPerId): a participant's
        // later, revoked copy of another organisation's object must not reach importers as that object's newest version.
        // Only ids of linked copies the viewer reads: a link to a copy it may not read names nothing for it.
        var linkedIds = access.Readable(db.IntelObjects.AsNoTracking(), caller).Where(o => links.Contains(o.RecordId)).Select(o => o.StixId);
        var rows = await (from o in intel.OneCopyPerId(access.Readable(db.IntelObjects.AsNoTracking(), caller), caller)
                          where linkedIds.Contains(o.StixId) && o.WithdrawnAt == null
                          join v in db.IntelObjectVersions.AsNoTracking() on new { o.RecordId, o.Modified } equals new { v.RecordId, v.Modified }
                          orderby o.RecordId descending
                          select new { o.Record.Tlp, v.Json }).Take(limit).ToListAsync(cancellationToken);
        return [.. rows.Select(r => IntelQueries.WithRecordMarking(r.Json, r.Tlp)).OfType<System.Text.Json.Nodes.JsonObject>()];
    }

    /// <summary>
    /// The audience of objects an incident creates: the incident's own audience, and its owning organisation when someone else
    /// (a participant) creates them; never narrower than who reads the incident through its grants, never owner-only.
    /// </summary>
    public static List<ResolvedAudience> AudienceFor(Incident incident, IEnumerable<ResolvedAudience> incidentAudience, Guid creator)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var entries = incidentAudience.ToList();
        var owner = incident.Record.OwnerOrganisationId;
        if (creator != owner && !entries.Any(e => e.Kind == AudienceKind.Organisation && e.OrganisationId == owner))
        {
            entries.Add(new ResolvedAudience(AudienceKind.Organisation, owner));
        }

        return entries;
    }

    /// <summary>
    /// After the incident's audience changed (an invitation accepted, a participant removed or gone, a merge): the objects
    /// this incident created follow it, in the caller's unit of work. Objects the incident's owner created get the new
    /// audience; objects a participant created only ever narrow — a removed organisation loses them, but nobody the
    /// participant did not share with when it typed them gains them by the owner's later invitations or merges (the
    /// owner decides who reads its incident, not who reads another organisation's records; review S7-1).
    /// </summary>
    /// <remarks>
    /// Every object whose audience this changes gets a row in the change outbox (<see cref="IntelChange"/>, via an incident,
    /// audience changed), in the same unit of work: its history shows it, the live stream and webhooks hear of it, and
    /// federation pushes the narrowing (or the removal) to the peers that received the object — without the row a peer
    /// kept serving a copy this node had narrowed (attack review s10, #2).
    /// </remarks>
    internal static async Task ShareCreatedObjectsAsync(RampartDb db, SharingStore sharing, Incident incident, IReadOnlyList<ResolvedAudience> incidentAudience,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        void Changed(long record) => db.IntelChanges.Add(new IntelChange
        {
            RecordId = record, Kind = IntelChangeKind.Updated, At = now, Via = IntelChangeVia.Incident, AudienceChanged = true,
        });

        var recordId = incident.RecordId;
        var created = db.IncidentObservables.Where(l => l.IncidentRecordId == recordId && l.CreatedHere).Select(l => l.IntelRecordId);
        var records = await db.SharedRecords.Where(r => created.Contains(r.Id)).ToListAsync(cancellationToken);
        foreach (var record in records)
        {
            var wanted = AudienceFor(incident, incidentAudience, record.OwnerOrganisationId);
            var current = SharingStore.AudienceOf(await sharing.GrantsOfAsync(record.Id, cancellationToken));
            if (record.OwnerOrganisationId != incident.Record.OwnerOrganisationId)
            {
                wanted = [.. wanted.Where(current.Contains)];
            }

            await sharing.ApplyAsync(record, record.Tlp, wanted, record.Published, cancellationToken);
            if (wanted.Count != current.Count || !wanted.All(current.Contains))
            {
                Changed(record.Id);
            }
        }

        // The cyber observables stored beside those objects when their values were typed (the intel side keeps an SCO per value,
        // not linked to the incident) only ever narrow with them: a removed or narrowed-away reader loses the value too (review
        // S8-1). Beside = same owner, same value, added in the same write (one time per batch); an SCO the organisation held
        // before keeps its own audience, as the indicators it held before do.
        var createdIds = records.Select(r => r.Id).ToList();
        if (createdIds.Count == 0)
        {
            return;
        }

        var values = db.ObservableLinks.Where(l => createdIds.Contains(l.RecordId)).Select(l => l.ObservableId);
        var beside = await db.ObservableLinks.Where(l => values.Contains(l.ObservableId) && !createdIds.Contains(l.RecordId))
            .Join(db.IntelObjects, l => l.RecordId, o => o.RecordId, (l, o) => new { o.RecordId, o.StixType, o.OwnerOrganisationId, o.AddedAt })
            .Distinct().ToListAsync(cancellationToken);
        var writes = (await db.IntelObjects.AsNoTracking().Where(o => createdIds.Contains(o.RecordId))
            .Select(o => new { o.OwnerOrganisationId, o.AddedAt }).ToListAsync(cancellationToken)).ToHashSet();
        var companionIds = beside.Where(b => Rampart.Standards.Stix.StixTypes.IsSco(b.StixType) && writes.Contains(new { b.OwnerOrganisationId, b.AddedAt }))
            .Select(b => b.RecordId).Distinct().ToList();
        if (companionIds.Count == 0)
        {
            return;
        }

        var companions = await db.SharedRecords.Where(r => companionIds.Contains(r.Id)).ToListAsync(cancellationToken);
        foreach (var companion in companions)
        {
            var wanted = AudienceFor(incident, incidentAudience, companion.OwnerOrganisationId);
            var current = SharingStore.AudienceOf(await sharing.GrantsOfAsync(companion.Id, cancellationToken));
            var narrowed = current.Where(wanted.Contains).ToList();
            if (narrowed.Count != current.Count)
            {
                await sharing.ApplyAsync(companion, companion.Tlp, narrowed, companion.Published, cancellationToken);
                Changed(companion.Id);
            }
        }
    }

    /// <summary>The listed object's own cyber observable: same owner, a cyber-observable type, correlated only by equal values it carries.</summary>
    internal static bool OwnObservable(IntelObject listed, Correlated candidate) =>
        candidate.Intel.OwnerOrganisationId == listed.OwnerOrganisationId
        && Rampart.Standards.Stix.StixTypes.IsSco(candidate.Intel.StixType)
        && candidate.Via.All(v => v.Kind == CorrelationKind.Equal);

    private static void EnsureContributes(Caller caller, ReadIncident read)
    {
        if (!AccessPolicy.CanCreate(caller))
        {
            throw new ForbiddenException("Viewers and read-only keys cannot change incidents.");
        }

        if (read.Standing < IncidentStanding.Contributor)
        {
            throw new ForbiddenException("Observers and readers do not add or remove observables.");
        }
    }

    private static IncidentJournalEntry Event(Incident incident, Caller caller, string code, DateTimeOffset now, string body) => new()
    {
        PublicId = Guid.CreateVersion7(now),
        IncidentRecordId = incident.RecordId,
        Kind = JournalEntryKind.System,
        Body = body,
        Event = code,
        AuthorUserId = caller.UserId == Guid.Empty ? null : caller.UserId,
        AuthorOrganisationId = caller.OrganisationId,
        CreatedAt = now,
    };
}

public static class IncidentObservablesLimits
{
    public const int PageMax = 200;
}
