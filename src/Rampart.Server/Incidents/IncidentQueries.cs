using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;

namespace Rampart.Server.Incidents;

/// <summary>
/// Where the caller stands towards an incident they may read. Reading is decided by <see cref="AccessPolicy"/>
/// alone; the standing only narrows (owner-only entries) and decides what the caller may do.
/// </summary>
public enum IncidentStanding
{
    /// <summary>Reads the incident through its audience, without taking part: reads, does nothing.</summary>
    Reader = 0,
    Observer = 1,
    Contributor = 2,
    Coordinator = 3,
    /// <summary>Any person of the owning organisation.</summary>
    Owner = 4,
}

/// <summary>An incident as its reader sees it: the grants that explain its audience, and the reader's standing.</summary>
public sealed record ReadIncident(Incident Incident, IReadOnlyList<AccessGrant> Grants, IncidentStanding Standing)
{
    public bool IsOwner => Standing == IncidentStanding.Owner;

    public bool IsParticipant => Standing is IncidentStanding.Observer or IncidentStanding.Contributor or IncidentStanding.Coordinator;

    /// <summary>The reader's organisation (empty for the operator and anonymous readers, or when not known): narrows request events (R3).</summary>
    public Guid ViewerOrganisationId { get; init; }
}

/// <summary>The list filters of <see cref="IncidentQueries.ListAsync"/>; all optional, combined with AND.</summary>
public sealed record IncidentFilter(
    IncidentStatus? Status = null,
    IncidentSeverity? Severity = null,
    string? Sector = null,
    string? Country = null,
    string? RsitCategory = null,
    string? RsitType = null,
    bool OpenOnly = false,
    string? Disarm = null)
{
    public bool IsEmpty => Status is null && Severity is null && Sector is null && Country is null && RsitCategory is null && !OpenOnly && Disarm is null;

    /// <summary>A stable text of the filter, which binds a page cursor to it.</summary>
    public string Scope => $"{Status}|{Severity}|{Sector}|{Country}|{RsitCategory}|{RsitType}|{OpenOnly}|{Disarm}";
}

/// <summary>One bar of the situation board: a severity, sector, country or RSIT category and how many open incidents have it.</summary>
public sealed record AggregateCount(string Key, int Count);

/// <summary>The situation board's counts over the open incidents a caller may read.</summary>
public sealed record IncidentAggregates(
    int Open,
    IReadOnlyList<AggregateCount> BySeverity,
    IReadOnlyList<AggregateCount> BySector,
    IReadOnlyList<AggregateCount> ByCountry,
    IReadOnlyList<AggregateCount> ByRsitCategory)
{
    public static IncidentAggregates Empty { get; } = new(0, [], [], [], []);
}

public sealed record ParticipantView(
    Guid Id,
    Guid OrganisationId,
    string OrganisationName,
    string OrganisationShortName,
    string Country,
    ParticipantRole Role,
    InvitationStatus Status,
    DateTimeOffset InvitedAt,
    DateTimeOffset? AnsweredAt);

/// <summary>An invitation as the invited organisation sees it before it may read the incident: no title, no content.</summary>
public sealed record InvitationView(
    Guid Id,
    Guid IncidentId,
    string Number,
    Standards.Markings.Tlp Tlp,
    ParticipantRole Role,
    InvitationStatus Status,
    Guid InvitedByOrganisationId,
    string InvitedByOrganisationName,
    string? Message,
    DateTimeOffset InvitedAt);

/// <summary>
/// Every read of incidents and of their journal, tasks and participants — API and pages — goes through here, and
/// from here through <see cref="AccessPolicy"/>: the incident first, then its parts of it the standing allows.
/// </summary>
public sealed class IncidentQueries(RampartDb db, AccessPolicy access, SharingStore sharing)
{
    private static readonly string[] RequestEventCodes =
    [
        Requests.AssistanceEvents.Sent, Requests.AssistanceEvents.Acknowledged, Requests.AssistanceEvents.Accepted,
        Requests.AssistanceEvents.Declined, Requests.AssistanceEvents.Answered, Requests.AssistanceEvents.Withdrawn,
    ];

    public async Task<ReadIncident?> FindAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await ReadAsync(caller, await access.Readable(Full(), caller).FirstOrDefaultAsync(i => i.Id == id, cancellationToken), cancellationToken);

    /// <summary>By the human number ("INC-2026-0001"); null when unknown or not readable, alike.</summary>
    public async Task<ReadIncident?> FindByNumberAsync(Caller caller, int year, int number, CancellationToken cancellationToken) =>
        await ReadAsync(caller, await access.Readable(Full(), caller).FirstOrDefaultAsync(i => i.Year == year && i.Number == number, cancellationToken), cancellationToken);

    /// <summary>By the envelope id (from a link row); null when the caller may not read it.</summary>
    public async Task<ReadIncident?> FindByRecordIdAsync(Caller caller, long recordId, CancellationToken cancellationToken) =>
        await ReadAsync(caller, await access.Readable(Full(), caller).FirstOrDefaultAsync(i => i.RecordId == recordId, cancellationToken), cancellationToken);

    private IQueryable<Incident> Full() =>
        db.Incidents.AsNoTracking().Include(i => i.Record).Include(i => i.Countries).Include(i => i.Classifications).Include(i => i.Techniques).AsSplitQuery();

    private async Task<ReadIncident?> ReadAsync(Caller caller, Incident? incident, CancellationToken cancellationToken)
    {
        if (incident is null)
        {
            return null;
        }

        var standing = await StandingAsync(caller, incident, cancellationToken);
        return new ReadIncident(incident, await sharing.GrantsOfAsync(incident.RecordId, cancellationToken), standing)
        {
            ViewerOrganisationId = caller.IsAuthenticated && !caller.IsOperator ? caller.OrganisationId : Guid.Empty,
        };
    }

    /// <summary>The caller's standing towards <paramref name="incident"/>, which they may read (checked before).</summary>
    public async Task<IncidentStanding> StandingAsync(Caller caller, Incident incident, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(incident);
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            return IncidentStanding.Reader;
        }

        if (incident.Record.OwnerOrganisationId == caller.OrganisationId)
        {
            return IncidentStanding.Owner;
        }

        var role = await db.IncidentParticipants.AsNoTracking()
            .Where(p => p.IncidentRecordId == incident.RecordId && p.OrganisationId == caller.OrganisationId && p.Status == InvitationStatus.Accepted)
            .Select(p => (ParticipantRole?)p.Role).FirstOrDefaultAsync(cancellationToken);
        return role switch
        {
            ParticipantRole.Coordinator => IncidentStanding.Coordinator,
            ParticipantRole.Contributor => IncidentStanding.Contributor,
            ParticipantRole.Observer => IncidentStanding.Observer,
            _ => IncidentStanding.Reader,
        };
    }

    /// <summary>
    /// Up to <paramref name="limit"/> readable incidents, newest first, older than <paramref name="before"/>, matching
    /// <paramref name="filter"/>. Without a filter: the access decision's per-token ranges; with one: the filter's index
    /// range newest first, each row checked by the access decision. Also says whether more follow.
    /// </summary>
    public async Task<(IReadOnlyList<ReadIncident> Incidents, bool More)> ListAsync(Caller caller, IncidentFilter filter, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        List<long> ids;
        if (filter.IsEmpty)
        {
            ids = [.. await access.ReadableIdsAsync(caller, Incident.Type, before, limit + 1, cancellationToken)];
        }
        else
        {
            var below = before ?? long.MaxValue;
            var matching = db.Incidents.AsNoTracking().Where(i => i.RecordId < below);
            if (filter.Status is { } status)
            {
                matching = matching.Where(i => i.Status == status);
            }
            else if (filter.OpenOnly)
            {
                matching = matching.Where(i => i.Status != IncidentStatus.Closed && i.Status != IncidentStatus.Rejected && i.Status != IncidentStatus.Duplicate);
            }

            if (filter.Severity is { } severity)
            {
                matching = matching.Where(i => i.Severity == severity);
            }

            if (filter.Sector is { } sector)
            {
                matching = matching.Where(i => i.Sector == sector);
            }

            if (filter.Country is { } country)
            {
                var countries = db.IncidentCountries;
                matching = matching.Where(i => countries.Any(c => c.Country == country && c.IncidentRecordId == i.RecordId));
            }

            if (filter.RsitCategory is { } category)
            {
                var classes = db.IncidentClassifications;
                var kind = filter.RsitType;
                matching = kind is null
                    ? matching.Where(i => classes.Any(c => c.Category == category && c.IncidentRecordId == i.RecordId))
                    : matching.Where(i => classes.Any(c => c.Category == category && c.Kind == kind && c.IncidentRecordId == i.RecordId));
            }

            if (filter.Disarm is { } technique)
            {
                var techniques = db.IncidentTechniques;
                matching = matching.Where(i => techniques.Any(t => t.TechniqueId == technique && t.IncidentRecordId == i.RecordId));
            }

            ids = await access.Readable(matching, caller).OrderByDescending(i => i.RecordId).Select(i => i.RecordId).Take(limit + 1)
                .ToListAsync(cancellationToken);
        }

        var more = ids.Count > limit;
        var recordIds = ids.Take(limit).ToList();
        // The ids come from the access decision above; this only fetches their rows.
        var page = await db.Incidents.AsNoTracking().Include(i => i.Record).Include(i => i.Countries).Include(i => i.Classifications).Include(i => i.Techniques).AsSplitQuery()
            .Where(i => EF.Parameter(recordIds).Contains(i.RecordId)).OrderByDescending(i => i.RecordId).ToListAsync(cancellationToken);
        var grants = (await db.AccessGrants.AsNoTracking().Where(g => EF.Parameter(recordIds).Contains(g.RecordId)).ToListAsync(cancellationToken))
            .ToLookup(g => g.RecordId);
        var owned = caller.IsAuthenticated && !caller.IsOperator ? caller.OrganisationId : Guid.Empty;
        var roles = await db.IncidentParticipants.AsNoTracking()
            .Where(p => EF.Parameter(recordIds).Contains(p.IncidentRecordId) && p.OrganisationId == owned && p.Status == InvitationStatus.Accepted)
            .ToDictionaryAsync(p => p.IncidentRecordId, p => p.Role, cancellationToken);
        return (page.Select(i => new ReadIncident(i, [.. grants[i.RecordId]],
            i.Record.OwnerOrganisationId == owned ? IncidentStanding.Owner
            : roles.TryGetValue(i.RecordId, out var role) ? (IncidentStanding)((int)role + 1)
            : IncidentStanding.Reader) { ViewerOrganisationId = owned }).ToList(), more);
    }

    /// <summary>
    /// The incident page's picker (duplicate of, merge into): incidents the caller reads, by number ("INC-2026-0001", exact,
    /// through the unique index) or by a piece of the title (case-insensitive, newest first, at most <paramref name="limit"/>;
    /// the title match is checked row by row in the access decision's order, so it is bounded by the limit, not indexed).
    /// </summary>
    public async Task<IReadOnlyList<ReadIncident>> PickAsync(Caller caller, string? text, int limit, CancellationToken cancellationToken)
    {
        var wanted = (text ?? "").Trim();
        if (wanted.Length == 0 || wanted.Length > IncidentLimits.TitleLength)
        {
            return [];
        }

        if (IncidentNumbers.Parse(wanted) is { } number)
        {
            return await FindByNumberAsync(caller, number.Year, number.Number, cancellationToken) is { } found ? [found] : [];
        }

        var lower = wanted.ToLowerInvariant();
        // lower() in SQL on both databases (the database lowers, not .NET's culture).
#pragma warning disable CA1304, CA1311, CA1862
        var ids = await access.Readable(db.Incidents.AsNoTracking().Where(i => i.Title.ToLower().Contains(lower)), caller)
            .OrderByDescending(i => i.RecordId).Select(i => i.RecordId).Take(limit).ToListAsync(cancellationToken);
#pragma warning restore CA1304, CA1311, CA1862
        var result = new List<ReadIncident>(ids.Count);
        foreach (var id in ids)
        {
            if (await FindByRecordIdAsync(caller, id, cancellationToken) is { } read)
            {
                result.Add(read);
            }
        }

        return result;
    }

    /// <summary>The timeline of a read incident, newest first: owner-only entries only for the owning organisation.</summary>
    public async Task<(IReadOnlyList<IncidentJournalEntry> Entries, bool More)> JournalAsync(ReadIncident read, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var below = before ?? long.MaxValue;
        var entries = await VisibleJournal(read).Where(e => e.Id < below).OrderByDescending(e => e.Id).Take(limit + 1).ToListAsync(cancellationToken);
        return (Blanked(entries).Take(limit).ToList(), entries.Count > limit);
    }

    /// <summary>
    /// The timeline of a read incident oldest first, after the journal position <paramref name="after"/>: the same entries
    /// <see cref="JournalAsync"/> shows its reader. A peer node's copy for a participant is filled from here (ADR 17).
    /// </summary>
    public async Task<(IReadOnlyList<IncidentJournalEntry> Entries, bool More)> JournalAfterAsync(ReadIncident read, long after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var entries = await VisibleJournal(read).Where(e => e.Id > after).OrderBy(e => e.Id).Take(limit + 1).ToListAsync(cancellationToken);
        return (Blanked(entries).Take(limit).ToList(), entries.Count > limit);
    }

    private static List<IncidentJournalEntry> Blanked(List<IncidentJournalEntry> entries)
    {
        foreach (var e in entries.Where(e => e.Event == IncidentEvents.ObservablesAdded))
        {
            // Entries written before the count was dropped: not every reader reads every object counted.
            e.Body = "";
        }

        return entries;
    }

    private IQueryable<IncidentJournalEntry> VisibleJournal(ReadIncident read)
    {
        var recordId = read.Incident.RecordId;
        var query = db.IncidentJournal.AsNoTracking().Where(e => e.IncidentRecordId == recordId);
        if (!read.IsOwner)
        {
            query = query.Where(e => !e.OwnerOnly);
        }

        if (read.Standing < IncidentStanding.Coordinator)
        {
            // Review R3: an event about a request for assistance is seen by who sees the request — the requesting and the
            // asked organisation (besides owner and coordinators); others see neither the event nor whom it named, nor the kind.
            var organisation = read.ViewerOrganisationId;
            var codes = RequestEventCodes;
            query = query.Where(e => e.Event == null || !codes.Contains(e.Event)
                || (organisation != Guid.Empty && (e.SubjectOrganisationId == organisation || e.RequesterOrganisationId == organisation
                    || (e.RequesterOrganisationId == null && e.AuthorOrganisationId == organisation))));
        }

        return query;
    }

    /// <summary>Whether the journal entry <paramref name="entryId"/> of a read incident is one its reader sees (owner-only ones only the owner).</summary>
    public async Task<bool> EntryVisibleAsync(ReadIncident read, Guid entryId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var recordId = read.Incident.RecordId;
        var owner = read.IsOwner;
        return await db.IncidentJournal.AsNoTracking().AnyAsync(e => e.IncidentRecordId == recordId && e.PublicId == entryId && (owner || !e.OwnerOnly), cancellationToken);
    }

    /// <summary>The tasks of a read incident, newest first: owner-only tasks only for the owning organisation.</summary>
    public async Task<(IReadOnlyList<IncidentTask> Tasks, bool More)> TasksAsync(ReadIncident read, long? before, int limit, bool openOnly, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var below = before ?? long.MaxValue;
        var query = VisibleTasks(read).Where(t => t.Id < below);
        if (openOnly)
        {
            query = query.Where(t => t.Status == IncidentTaskStatus.Open || t.Status == IncidentTaskStatus.InProgress);
        }

        var tasks = await query.OrderByDescending(t => t.Id).Take(limit + 1).ToListAsync(cancellationToken);
        return (tasks.Take(limit).ToList(), tasks.Count > limit);
    }

    /// <summary>One task with its work log, when the reader's standing shows it; null otherwise, exactly as for an unknown id.</summary>
    public async Task<IncidentTask?> TaskAsync(ReadIncident read, Guid taskId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var task = await VisibleTasks(read).FirstOrDefaultAsync(t => t.PublicId == taskId, cancellationToken);
        if (task is not null)
        {
            task.Log = await db.IncidentTaskLog.AsNoTracking().Where(l => l.TaskId == task.Id).OrderBy(l => l.Id).Take(500).ToListAsync(cancellationToken);
        }

        return task;
    }

    private IQueryable<IncidentTask> VisibleTasks(ReadIncident read)
    {
        var recordId = read.Incident.RecordId;
        var query = db.IncidentTasks.AsNoTracking().Where(t => t.IncidentRecordId == recordId);
        return read.IsOwner ? query : query.Where(t => !t.OwnerOnly);
    }

    /// <summary>
    /// The participants of a read incident, or null when the caller takes no part (a reader through the audience).
    /// The owner and coordinators see every invitation and answer; the other participants see who takes part.
    /// </summary>
    public async Task<IReadOnlyList<ParticipantView>?> ParticipantsAsync(ReadIncident read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (read.Standing == IncidentStanding.Reader)
        {
            return null;
        }

        var recordId = read.Incident.RecordId;
        var all = read.Standing is IncidentStanding.Owner or IncidentStanding.Coordinator;
        var query = db.IncidentParticipants.AsNoTracking().Where(p => p.IncidentRecordId == recordId);
        if (!all)
        {
            query = query.Where(p => p.Status == InvitationStatus.Accepted);
        }

        var organisations = db.Organisations;
        return await query.OrderBy(p => p.Id).Take(500)
            .Join(organisations, p => p.OrganisationId, o => o.Id, (p, o) => new ParticipantView(
                p.Id, p.OrganisationId, o.Name, o.ShortName, o.Country, p.Role, p.Status, p.InvitedAt, p.AnsweredAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The invitations addressed to the caller's organisation, newest first (pending only unless <paramref name="all"/>).</summary>
    public async Task<(IReadOnlyList<InvitationView> Invitations, bool More)> InvitationsAsync(Caller caller, bool all, Guid? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            return ([], false);
        }

        var organisation = caller.OrganisationId;
        var query = db.IncidentParticipants.AsNoTracking().Where(p => p.OrganisationId == organisation);
        if (!all)
        {
            query = query.Where(p => p.Status == InvitationStatus.Invited);
        }

        if (before is { } b)
        {
            query = query.Where(p => p.Id.CompareTo(b) < 0);
        }

        // Keyset on the primary key: ids are version-7 UUIDs, so id order is the order of invitation.
        var rows = await query.OrderByDescending(p => p.Id).Take(limit + 1)
            .Select(p => new { p.Id, IncidentId = p.Incident.Id, p.Incident.Year, p.Incident.Number, p.Incident.Record.Tlp, p.Role, p.Status, p.InvitedByOrganisationId, p.Message, p.InvitedAt })
            .ToListAsync(cancellationToken);
        var inviters = rows.Select(r => r.InvitedByOrganisationId).Distinct().ToList();
        var names = await db.Organisations.AsNoTracking().Where(o => inviters.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, cancellationToken);
        var page = rows.Take(limit).Select(r => new InvitationView(r.Id, r.IncidentId, IncidentNumbers.Format(r.Year, r.Number), r.Tlp, r.Role, r.Status,
            r.InvitedByOrganisationId, names.GetValueOrDefault(r.InvitedByOrganisationId, ""), r.Message, r.InvitedAt)).ToList();
        return (page, rows.Count > limit);
    }

    /// <summary>How many open tasks of a read incident its reader can see (closing asks about them).</summary>
    public async Task<int> OpenTaskCountAsync(ReadIncident read, CancellationToken cancellationToken) =>
        await VisibleTasks(read).CountAsync(t => t.Status == IncidentTaskStatus.Open || t.Status == IncidentTaskStatus.InProgress, cancellationToken);

    /// <summary>
    /// The situation board's counts: the open incidents (not closed, rejected or a duplicate) the caller may read, by
    /// severity, sector, country and RSIT category. Computed by the database over the access decision's readable set
    /// (one GROUP BY each); an incident with two countries or categories counts once under each.
    /// </summary>
    public async Task<IncidentAggregates> OpenAggregatesAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        // Open statuses are the low end of the enum: a range of the (Status, RecordId) index, not a scan of every incident ever closed.
        var open = access.Readable(db.Incidents.AsNoTracking().Where(i => i.Status <= IncidentStatus.Resolved), caller);
        var total = await open.CountAsync(cancellationToken);
        if (total == 0)
        {
            return IncidentAggregates.Empty;
        }

        var severities = await open.GroupBy(i => i.Severity).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var sectors = await open.GroupBy(i => i.Sector).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var countries = await db.IncidentCountries.AsNoTracking().Where(c => open.Any(i => i.RecordId == c.IncidentRecordId))
            .GroupBy(c => c.Country).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var categories = await db.IncidentClassifications.AsNoTracking().Where(c => open.Any(i => i.RecordId == c.IncidentRecordId))
            .Select(c => new { c.Category, c.IncidentRecordId }).Distinct()
            .GroupBy(c => c.Category).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        return new IncidentAggregates(total,
            severities.OrderByDescending(g => g.Key).Select(g => new AggregateCount(Kebab(g.Key), g.Count)).ToList(),
            Ordered(sectors.Select(g => new AggregateCount(g.Key, g.Count))),
            Ordered(countries.Select(g => new AggregateCount(g.Key, g.Count))),
            Ordered(categories.Select(g => new AggregateCount(g.Key, g.Count))));

        static IReadOnlyList<AggregateCount> Ordered(IEnumerable<AggregateCount> counts) =>
            counts.OrderByDescending(c => c.Count).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();

        static string Kebab(IncidentSeverity severity) => IncidentEditing.Kebab(severity);
    }

    /// <summary>Display names of organisations, for the pages (names are not records: every logged-in person sees the directory).</summary>
    public async Task<IReadOnlyDictionary<Guid, string>> OrganisationNamesAsync(IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.Distinct().ToList();
        return await db.Organisations.AsNoTracking().Where(o => wanted.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.ShortName, cancellationToken);
    }
}
