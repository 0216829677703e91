using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Notes;

namespace Rampart.Server.Capacity.Plans;

/// <summary>A plan as its reader sees it, with the grants that explain its audience.</summary>
public sealed record ReadPlan(CapacityPlan Plan, IReadOnlyList<AccessGrant> Grants);

/// <summary>The actions of a plan, done, overdue — counted for a list row.</summary>
public sealed record PlanCounts(int Actions, int Done, int Cancelled, int Overdue);

/// <summary>A cyber-hygiene plan's campaigns, materials and indicators (each bounded by <see cref="PlanLimits"/>).</summary>
public sealed record PlanHygiene(IReadOnlyList<PlanCampaign> Campaigns, IReadOnlyList<PlanMaterial> Materials, IReadOnlyList<PlanIndicator> Indicators);

/// <summary>
/// Every read of plans — API, pages, CSV, print — goes through here, and from here through <see cref="AccessPolicy"/>:
/// the plan first; its actions, notes and hygiene parts only with a <see cref="ReadPlan"/> in hand.
/// </summary>
public sealed class PlanQueries(RampartDb db, AccessPolicy access, SharingStore sharing, TimeProvider clock, Projects.ProjectQueries projects)
{
    /// <summary>
    /// The plan actions funded by registry project <paramref name="projectId"/>, with their plan, only of plans the caller may
    /// read (each candidate checked through the access decision; an action of an unreadable plan is neither listed nor
    /// counted), by action id after <paramref name="after"/> (index on funding project and id). Null when the project is not
    /// the caller's to read.
    /// </summary>
    public async Task<(IReadOnlyList<(PlanAction Action, CapacityPlan Plan)> Actions, bool More)?> FundedByProjectAsync(
        Caller caller, Guid projectId, Guid? after, int limit, CancellationToken cancellationToken)
    {
        if (await projects.FindAsync(caller, projectId, cancellationToken) is null)
        {
            return null;
        }

        var actions = db.CapacityPlanActions.AsNoTracking().Where(a => a.FundingProjectId == projectId);
        if (after is { } from)
        {
            actions = actions.Where(a => a.Id.CompareTo(from) > 0);
        }

        var found = await (from a in actions
                           join p in access.Readable(db.CapacityPlans.AsNoTracking(), caller) on a.PlanRecordId equals p.RecordId
                           orderby a.Id
                           select new { Action = a, Plan = p }).Take(limit + 1).ToListAsync(cancellationToken);
        return (found.Take(limit).Select(f => (f.Action, f.Plan)).ToList(), found.Count > limit);
    }

    /// <summary>The plan with public id <paramref name="id"/> if the caller may read it; null otherwise, exactly as for an unknown id.</summary>
    public async Task<ReadPlan?> FindAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var plan = await access.Readable(db.CapacityPlans.AsNoTracking().Include(p => p.Record), caller).FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        return plan is null ? null : new ReadPlan(plan, await sharing.GrantsOfAsync(plan.RecordId, cancellationToken));
    }

    /// <summary>
    /// Up to <paramref name="limit"/> readable plans, newest first, below <paramref name="before"/>; with <paramref name="search"/>,
    /// only those whose title has words starting with each word typed (an index lookup per word). Also whether more follow.
    /// </summary>
    public async Task<(IReadOnlyList<CapacityPlan> Plans, bool More)> ListAsync(Caller caller, string? search, long? before, int limit, CancellationToken cancellationToken)
    {
        var terms = NoteSearch.QueryTerms(search);
        List<long> ids;
        if (terms.Count == 0)
        {
            ids = [.. await access.ReadableIdsAsync(caller, CapacityPlan.Type, before, limit + 1, cancellationToken)];
        }
        else
        {
            var below = before ?? long.MaxValue;
            var matching = db.CapacityPlans.AsNoTracking().Where(p => p.RecordId < below);
            var titleTerms = db.CapacityPlanTitleTerms;
            foreach (var term in terms)
            {
                matching = matching.Where(p => titleTerms.Any(t => t.Term == term && t.RecordId == p.RecordId));
            }

            ids = await access.Readable(matching, caller).OrderByDescending(p => p.RecordId).Select(p => p.RecordId).Take(limit + 1).ToListAsync(cancellationToken);
        }

        var recordIds = ids.Take(limit).ToList();
        // The ids come from the access decision above; this only fetches their rows.
        var page = await db.CapacityPlans.AsNoTracking().Include(p => p.Record).Where(p => EF.Parameter(recordIds).Contains(p.RecordId))
            .OrderByDescending(p => p.RecordId).ToListAsync(cancellationToken);
        return (page, ids.Count > limit);
    }

    /// <summary>
    /// The pages' plan picker ("add to plan"): up to <paramref name="limit"/> plans of <paramref name="kind"/> the caller may
    /// change — readable (the access decision) and owned by the caller's organisation, for a writer (as
    /// <see cref="AccessPolicy.CanWrite"/> decides) — whose title has words starting with each word typed (the title
    /// terms' index), newest first. None for readers who cannot write, or a text shorter than
    /// <see cref="SearchKeys.MinPickerText"/> characters or without a word of two letters (nothing is scanned).
    /// </summary>
    public async Task<IReadOnlyList<CapacityPlan>> PickWritableAsync(Caller caller, string? text, PlanKind kind, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var terms = (text ?? "").Trim().Length < SearchKeys.MinPickerText ? [] : NoteSearch.QueryTerms(text);
        if (terms.Count == 0 || !AccessPolicy.CanCreate(caller))
        {
            return [];
        }

        var organisationId = caller.OrganisationId;
        var matching = db.CapacityPlans.AsNoTracking().Include(p => p.Record).Where(p => p.Kind == kind && p.Record.OwnerOrganisationId == organisationId);
        var titleTerms = db.CapacityPlanTitleTerms;
        foreach (var term in terms)
        {
            matching = matching.Where(p => titleTerms.Any(t => t.Term == term && t.RecordId == p.RecordId));
        }

        var found = await access.Readable(matching, caller).OrderByDescending(p => p.RecordId).Take(limit).ToListAsync(cancellationToken);
        return found.Where(p => AccessPolicy.CanWrite(caller, p.Record)).ToList();
    }

    /// <summary>Counts per plan of a page already read (the plans come from <see cref="ListAsync"/>).</summary>
    public async Task<IReadOnlyDictionary<long, PlanCounts>> CountsAsync(IReadOnlyList<CapacityPlan> plans, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plans);
        var recordIds = plans.Select(p => p.RecordId).ToList();
        var today = Today();
        var rows = await db.CapacityPlanActions.AsNoTracking().Where(a => EF.Parameter(recordIds).Contains(a.PlanRecordId))
            .GroupBy(a => a.PlanRecordId)
            .Select(g => new
            {
                g.Key,
                Actions = g.Count(),
                Done = g.Count(a => a.Status == ActionStatus.Done),
                Cancelled = g.Count(a => a.Status == ActionStatus.Cancelled),
                Overdue = g.Count(a => (a.Status == ActionStatus.Planned || a.Status == ActionStatus.InProgress) && a.DueDate != null && a.DueDate < today),
            })
            .ToListAsync(cancellationToken);
        return rows.ToDictionary(r => r.Key, r => new PlanCounts(r.Actions, r.Done, r.Cancelled, r.Overdue));
    }

    /// <summary>Up to <paramref name="limit"/> actions of the plan by number, after number <paramref name="after"/>; and whether more follow.</summary>
    public async Task<(IReadOnlyList<PlanAction> Actions, bool More)> ActionsAsync(ReadPlan read, int? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var recordId = read.Plan.RecordId;
        var from = after ?? 0;
        var query = db.CapacityPlanActions.AsNoTracking().Where(a => a.PlanRecordId == recordId && a.Number > from);
        var page = await query.OrderBy(a => a.Number).Take(limit + 1).Include(a => a.Parameters).Include(a => a.Dependencies).AsSplitQuery().ToListAsync(cancellationToken);
        return (page.Take(limit).ToList(), page.Count > limit);
    }

    /// <summary>One action of the plan the caller read; null when the plan has no such action.</summary>
    public async Task<PlanAction?> ActionAsync(ReadPlan read, Guid actionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var recordId = read.Plan.RecordId;
        return await db.CapacityPlanActions.AsNoTracking().Where(a => a.PlanRecordId == recordId && a.Id == actionId)
            .Include(a => a.Parameters).Include(a => a.Dependencies).AsSplitQuery().FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>Every action of the plan (at most <see cref="PlanLimits.MaxActions"/>): progress, CSV, print.</summary>
    public async Task<IReadOnlyList<PlanAction>> AllActionsAsync(ReadPlan read, CancellationToken cancellationToken) =>
        (await ActionsAsync(read, null, PlanLimits.MaxActions, cancellationToken)).Actions;

    /// <summary>Progress notes of one action of the plan, newest first, below <paramref name="before"/>; null when the plan has no such action.</summary>
    public async Task<(IReadOnlyList<PlanActionNote> Entries, bool More)?> NotesAsync(ReadPlan read, Guid actionId, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var recordId = read.Plan.RecordId;
        if (!await db.CapacityPlanActions.AnyAsync(a => a.Id == actionId && a.PlanRecordId == recordId, cancellationToken))
        {
            return null;
        }

        var below = before ?? long.MaxValue;
        var page = await db.CapacityPlanActionNotes.AsNoTracking().Where(n => n.ActionId == actionId && n.Id < below).OrderByDescending(n => n.Id).Take(limit + 1).ToListAsync(cancellationToken);
        return (page.Take(limit).ToList(), page.Count > limit);
    }

    /// <summary>The status history of the plan's actions, oldest first (the progress line replays it).</summary>
    public async Task<IReadOnlyList<PlanStatusChange>> StatusChangesAsync(ReadPlan read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var recordId = read.Plan.RecordId;
        return await db.CapacityPlanStatusChanges.AsNoTracking().Where(c => c.PlanRecordId == recordId).OrderBy(c => c.Id)
            .Take(PlanLimits.MaxActions * 40).ToListAsync(cancellationToken);
    }

    /// <summary>The file of one material of a plan the caller reads (<see cref="FindAsync"/>), with its bytes; null when there is none.</summary>
    public async Task<(Incidents.Attachments.Attachment Attachment, byte[] Content)?> MaterialFileAsync(ReadPlan read, Guid materialId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var recordId = read.Plan.RecordId;
        var found = await (from m in db.CapacityPlanMaterials.AsNoTracking()
                           where m.PlanRecordId == recordId && m.Id == materialId
                           join a in db.IncidentAttachments.AsNoTracking() on m.AttachmentId equals a.Id
                           join c in db.IncidentAttachmentContents.AsNoTracking() on a.Id equals c.AttachmentId
                           select new { Attachment = a, c.Content }).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : (found.Attachment, found.Content);
    }

    public async Task<PlanHygiene> HygieneAsync(ReadPlan read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var recordId = read.Plan.RecordId;
        var campaigns = await db.CapacityPlanCampaigns.AsNoTracking().Where(c => c.PlanRecordId == recordId).OrderBy(c => c.Id).Take(PlanLimits.MaxCampaigns).ToListAsync(cancellationToken);
        var materials = await db.CapacityPlanMaterials.AsNoTracking().Where(m => m.PlanRecordId == recordId).OrderBy(m => m.Id).Take(PlanLimits.MaxMaterials)
            .Include(m => m.Attachment).ToListAsync(cancellationToken);
        var indicators = await db.CapacityPlanIndicators.AsNoTracking().Where(i => i.PlanRecordId == recordId).OrderBy(i => i.Id).Take(PlanLimits.MaxIndicators)
            .Include(i => i.Values).ToListAsync(cancellationToken);
        foreach (var indicator in indicators)
        {
            indicator.Values = [.. indicator.Values.OrderBy(v => v.Date)];
        }

        return new PlanHygiene(campaigns, materials, indicators);
    }

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
