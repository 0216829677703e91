using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Federation;
using Rampart.Server.Incidents.Clocks;
using Rampart.Standards.Markings;

namespace Rampart.Server.Incidents.Peers;

/// <summary>What a copy is counted under on the situation board (besides its severity and sector, columns of the copy).</summary>
public enum PeerFacetKind
{
    Country = 0,
    RsitCategory = 1,
}

/// <summary>
/// One country or RSIT category of a copy the organisation takes part in (participant's node, ADR 17): written with each view
/// by <see cref="PeerIncidentInbox"/>, so the board counts copies in the database, as it counts its own incidents, instead of
/// reading each copy's stored view.
/// </summary>
public sealed class PeerIncidentFacet
{
    public long PeerIncidentRecordId { get; set; }

    public PeerFacetKind Kind { get; set; }

    public required string Value { get; set; }
}

/// <summary>
/// A running deadline of a copy on the participant's node: a task of the owner's incident assigned to the organisation the
/// copy is for (<see cref="PeerTask.ForYou"/>), open or in progress, with a due time, while the organisation takes part.
/// Written with each view; the due list reads it through the access decision on its copy.
/// </summary>
public sealed class PeerIncidentDeadline
{
    public long Id { get; set; }

    public long PeerIncidentRecordId { get; set; }

    /// <summary>The copy's organisation (its only grant): the due list walks <c>(OrganisationId, DueAt, Id)</c>.</summary>
    public Guid OrganisationId { get; set; }

    /// <summary>The task's id on the owner's node.</summary>
    public Guid TaskId { get; set; }

    public required string Label { get; set; }

    /// <summary>A task the owner's node opened for a duty (its code), so pages show the title in the viewer's language.</summary>
    public string? Duty { get; set; }

    public DateTimeOffset DueAt { get; set; }
}

internal sealed class PeerIncidentFacetConfiguration : IEntityTypeConfiguration<PeerIncidentFacet>
{
    public void Configure(EntityTypeBuilder<PeerIncidentFacet> b)
    {
        b.ToTable("PeerIncidentFacets");
        b.HasKey(f => new { f.PeerIncidentRecordId, f.Kind, f.Value });
        b.HasOne<PeerIncident>().WithMany().HasForeignKey(f => f.PeerIncidentRecordId).OnDelete(DeleteBehavior.Cascade);
        b.Property(f => f.Value).HasMaxLength(PeerIncidentLimits.FacetLength);
    }
}

internal sealed class PeerIncidentDeadlineConfiguration : IEntityTypeConfiguration<PeerIncidentDeadline>
{
    public void Configure(EntityTypeBuilder<PeerIncidentDeadline> b)
    {
        b.ToTable("PeerIncidentDeadlines");
        b.HasKey(d => d.Id);
        b.Property(d => d.Id).ValueGeneratedOnAdd();
        b.HasOne<PeerIncident>().WithMany().HasForeignKey(d => d.PeerIncidentRecordId).OnDelete(DeleteBehavior.Cascade);
        // The organisation's due list, earliest first (keyset on due time and id).
        b.HasIndex(d => new { d.OrganisationId, d.DueAt, d.Id });
        b.HasIndex(d => d.PeerIncidentRecordId);
        b.Property(d => d.Label).HasMaxLength(IncidentLimits.TitleLength);
        b.Property(d => d.Duty).HasMaxLength(40);
    }
}

/// <summary>Keeps a copy's board facts (countries, RSIT categories) and running deadlines in step with the view it holds.</summary>
public static class PeerIncidentFacts
{
    /// <summary>Replaces the rows of <paramref name="copy"/> (saved, with its record id) from <paramref name="view"/>; none unless it takes part.</summary>
    public static async Task ReplaceAsync(RampartDb db, PeerIncident copy, PeerIncidentView? view, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(copy);
        var recordId = copy.RecordId;
        await db.PeerIncidentFacets.Where(f => f.PeerIncidentRecordId == recordId).ExecuteDeleteAsync(cancellationToken);
        await db.PeerIncidentDeadlines.Where(d => d.PeerIncidentRecordId == recordId).ExecuteDeleteAsync(cancellationToken);
        if (copy.State != PeerIncidentState.Participating || view?.Incident is not { } incident)
        {
            return;
        }

        foreach (var country in incident.Countries.Where(c => c.Length is > 0 and <= PeerIncidentLimits.FacetLength).Distinct(StringComparer.Ordinal))
        {
            db.PeerIncidentFacets.Add(new PeerIncidentFacet { PeerIncidentRecordId = recordId, Kind = PeerFacetKind.Country, Value = country });
        }

        foreach (var category in incident.Classifications.Select(c => c.Category).Where(c => c.Length is > 0 and <= PeerIncidentLimits.FacetLength).Distinct(StringComparer.Ordinal))
        {
            db.PeerIncidentFacets.Add(new PeerIncidentFacet { PeerIncidentRecordId = recordId, Kind = PeerFacetKind.RsitCategory, Value = category });
        }

        // As the owner's due list has them: open or in progress, with a due time; here only the organisation's own tasks.
        foreach (var task in incident.Tasks.Where(t => t.ForYou && t.DueAt is not null && t.Status is IncidentTaskStatus.Open or IncidentTaskStatus.InProgress).DistinctBy(t => t.Id))
        {
            db.PeerIncidentDeadlines.Add(new PeerIncidentDeadline
            {
                PeerIncidentRecordId = recordId,
                OrganisationId = copy.OrganisationId,
                TaskId = task.Id,
                Label = task.Title.Length > IncidentLimits.TitleLength ? task.Title[..IncidentLimits.TitleLength] : task.Title,
                Duty = task.Duty is { Length: <= 40 } duty ? duty : null,
                DueAt = task.DueAt!.Value,
            });
        }

        await db.SaveChangesAsync(cancellationToken);
    }
}

/// <summary>An open copy on the situation board: what the list shows of it, marked with the owner's node.</summary>
public sealed record BoardPeerIncident(
    Guid Id,
    string Node,
    string Number,
    string Title,
    IncidentStatus Status,
    IncidentSeverity Severity,
    string? Sector,
    Tlp Tlp,
    IReadOnlyList<string> Countries,
    IReadOnlyList<string> RsitCategories,
    DateTimeOffset? AwareAt);

/// <summary>The caller's open copies, counted as the board counts incidents, and the newest of them.</summary>
public sealed record PeerBoardPart(int Open, IReadOnlyList<AggregateCount> BySeverity, IReadOnlyList<AggregateCount> BySector,
    IReadOnlyList<AggregateCount> ByCountry, IReadOnlyList<AggregateCount> ByRsitCategory, IReadOnlyList<BoardPeerIncident> Newest, bool More)
{
    public static readonly PeerBoardPart Empty = new(0, [], [], [], [], [], false);
}

/// <summary>
/// The copies of peer nodes' incidents on this node's situation board and due list (ADR 17), read only through the access
/// decision, as <see cref="PeerIncidentQueries"/> reads them: a copy is for one organisation (its only grant), so another
/// organisation, its administrators and the node administrator get nothing — not in the counts either. Only copies the
/// organisation takes part in, whose owner's node is still an active peer (a suspended or removed owner sends nothing more:
/// its copies stay readable at <c>/incidents/peer/{id}</c> but are no longer on the board or the due list).
/// </summary>
public sealed class PeerIncidentBoard(RampartDb db, AccessPolicy access) : IPeerDeadlines
{
    /// <summary>
    /// The caller's copies that take part and are open (not closed, rejected or duplicate), through the access decision; the
    /// filter on the caller's organisation walks <c>(OrganisationId, State, RecordId)</c>.
    /// </summary>
    private IQueryable<PeerIncident> Open(Caller caller)
    {
        var organisation = caller.IsAuthenticated && !caller.IsOperator ? caller.OrganisationId : Guid.Empty;
        var peers = db.FederationPeers;
        return access.Readable(db.PeerIncidents.AsNoTracking()
                .Where(c => c.OrganisationId == organisation && c.State == PeerIncidentState.Participating && c.Status != null && c.Status <= IncidentStatus.Resolved), caller)
            .Where(c => peers.Any(p => p.Id == c.PeerId && p.State == PeerState.Active));
    }

    public async Task<PeerBoardPart> BoardAsync(Caller caller, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var open = Open(caller);
        var total = await open.CountAsync(cancellationToken);
        if (total == 0)
        {
            return PeerBoardPart.Empty;
        }

        var severities = await open.GroupBy(c => c.Severity).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var sectors = await open.Where(c => c.Sector != null).GroupBy(c => c.Sector).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var facets = await db.PeerIncidentFacets.AsNoTracking().Where(f => open.Any(c => c.RecordId == f.PeerIncidentRecordId))
            .GroupBy(f => new { f.Kind, f.Value }).Select(g => new { g.Key.Kind, g.Key.Value, Count = g.Count() }).ToListAsync(cancellationToken);
        var rows = await open.Include(c => c.Record).OrderByDescending(c => c.RecordId).Take(limit + 1).ToListAsync(cancellationToken);
        var listed = rows.Take(limit).ToList();
        var ids = listed.Select(r => r.RecordId).ToList();
        var listedFacets = await db.PeerIncidentFacets.AsNoTracking().Where(f => ids.Contains(f.PeerIncidentRecordId)).ToListAsync(cancellationToken);
        var peerIds = listed.Select(r => r.PeerId).Distinct().ToList();
        var names = await db.FederationPeers.AsNoTracking().Where(p => peerIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        return new PeerBoardPart(total,
            [.. severities.Where(s => s.Key is not null).Select(s => new AggregateCount(IncidentEditing.Kebab(s.Key!.Value), s.Count))],
            [.. sectors.Select(s => new AggregateCount(s.Key!, s.Count))],
            [.. facets.Where(f => f.Kind == PeerFacetKind.Country).Select(f => new AggregateCount(f.Value, f.Count))],
            [.. facets.Where(f => f.Kind == PeerFacetKind.RsitCategory).Select(f => new AggregateCount(f.Value, f.Count))],
            [.. listed.Select(c => new BoardPeerIncident(c.Id, names.GetValueOrDefault(c.PeerId, ""), c.Number, c.Title ?? "", c.Status!.Value, c.Severity ?? IncidentSeverity.Low,
                c.Sector, c.Record.Tlp,
                [.. listedFacets.Where(f => f.PeerIncidentRecordId == c.RecordId && f.Kind == PeerFacetKind.Country).Select(f => f.Value).Order(StringComparer.Ordinal)],
                [.. listedFacets.Where(f => f.PeerIncidentRecordId == c.RecordId && f.Kind == PeerFacetKind.RsitCategory).Select(f => f.Value).Order(StringComparer.Ordinal)],
                c.AwareAt))],
            rows.Count > limit);
    }

    /// <summary>What the live board compares for the caller's copies: how many are open, and the sum of their owners' stamps (a new view of any moves it).</summary>
    public async Task<(int Open, long Stamps)> StampAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var open = Open(caller);
        var count = await open.CountAsync(cancellationToken);
        return count == 0 ? (0, 0) : (count, await open.SumAsync(c => c.OriginStamp, cancellationToken));
    }

    /// <summary>
    /// The caller's running deadlines of copies, earliest first, after <paramref name="after"/> in the due list's order
    /// (see <see cref="PeerDuePositions"/>): the organisation's rows on <c>(OrganisationId, DueAt, Id)</c>, each kept only when
    /// the access decision lets the caller read its copy, the copy takes part and its owner's node is an active peer.
    /// </summary>
    public async Task<IReadOnlyList<PeerDueRow>> DueAsync(Caller caller, (DateTimeOffset Due, long Position)? after, int take, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var organisation = caller.IsAuthenticated && !caller.IsOperator ? caller.OrganisationId : Guid.Empty;
        var peers = db.FederationPeers;
        var readable = access.Readable(db.PeerIncidents.AsNoTracking().Where(c => c.OrganisationId == organisation && c.State == PeerIncidentState.Participating), caller);
        var query = db.PeerIncidentDeadlines.AsNoTracking().Where(d => d.OrganisationId == organisation);
        if (after is { } position)
        {
            var due = position.Due;
            if (PeerDuePositions.IsPeer(position.Position))
            {
                var id = PeerDuePositions.IdOf(position.Position);
                query = query.Where(d => d.DueAt > due || (d.DueAt == due && d.Id > id));
            }
            else
            {
                // A row of this node's own incidents: at the same due time every copy's row came before it.
                query = query.Where(d => d.DueAt > due);
            }
        }

        var rows = await (
                from d in query
                join c in readable on d.PeerIncidentRecordId equals c.RecordId
                where peers.Any(p => p.Id == c.PeerId && p.State == PeerState.Active)
                orderby d.DueAt, d.Id
                select new { d.Id, CopyId = c.Id, c.PeerId, c.Number, c.Title, c.Record.Tlp, d.TaskId, d.Label, d.DueAt, d.Duty })
            .Take(take).ToListAsync(cancellationToken);
        var peerIds = rows.Select(r => r.PeerId).Distinct().ToList();
        var names = await db.FederationPeers.AsNoTracking().Where(p => peerIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        return [.. rows.Select(r => new PeerDueRow(PeerDuePositions.Of(r.Id), r.CopyId, r.Number, r.Title ?? "", r.Tlp, r.TaskId, r.Label, r.DueAt, r.Duty,
            names.GetValueOrDefault(r.PeerId, "")))];
    }
}
