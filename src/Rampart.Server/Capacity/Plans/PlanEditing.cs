using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Capacity.Maturity;
using Rampart.Server.Capacity.Projects;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Incidents;
using Rampart.Server.Incidents.Attachments;
using Rampart.Server.Notes;
using Rampart.Standards.Markings;
using Rampart.Standards.Sim3;

namespace Rampart.Server.Capacity.Plans;

/// <summary>A new plan. The planning organisation is the caller's; TLP defaults to RED and the audience to none (own organisation only).</summary>
public sealed record PlanRequest(
    string? Title,
    PlanKind? Kind = null,
    string? ModelKey = null,
    Guid? SourceAssessmentId = null,
    Guid? TargetProfileId = null,
    IReadOnlyList<TargetGroups>? TargetGroups = null,
    Tlp? Tlp = null,
    IReadOnlyList<AudienceEntry>? Audiences = null);

/// <summary>
/// Changes to a plan: only what is given changes (the kind and model version never do). A null
/// <paramref name="TargetProfileId"/> keeps the profile; <paramref name="ClearTargetProfile"/> removes it.
/// </summary>
public sealed record PlanChangeRequest(
    string? Title = null,
    PlanStatus? Status = null,
    Guid? TargetProfileId = null,
    IReadOnlyList<TargetGroups>? TargetGroups = null,
    Tlp? Tlp = null,
    IReadOnlyList<AudienceEntry>? Audiences = null,
    bool Confirm = false,
    bool ClearTargetProfile = false);

/// <summary>
/// A plan from an assessment's gaps against a target profile: one proposed action per gap, largest first; with
/// <paramref name="ParameterIds"/>, only for those gaps (the page's "create action from this gap").
/// </summary>
public sealed record PlanFromGapsRequest(Guid? AssessmentId, Guid? ProfileId, string? Title = null, Tlp? Tlp = null, IReadOnlyList<AudienceEntry>? Audiences = null,
    IReadOnlyList<string?>? ParameterIds = null);

/// <summary>A SIM3 parameter an action raises, to a level 0–4.</summary>
public sealed record ActionParameterRequest(string? ParameterId, int? TargetLevel);

/// <summary>
/// An action, whole (POST adds, PUT replaces). With <see cref="TemplateKey"/> and no title, the template's title (in the
/// request's language), description and parameters are taken. The fields only GET shows (<see cref="Id"/>,
/// <see cref="Number"/>, <see cref="Overdue"/>, <see cref="CreatedAt"/>, <see cref="ModifiedAt"/>) are ignored, and
/// <see cref="FundingProject"/> / <see cref="Source"/> as GET shows them stand for fundingProjectId / sourceKind and
/// sourceId when those are not given — so that an action read back, changed and sent again is accepted as it was.
/// With <see cref="ModifiedAt"/> as read, a PUT made after someone else's change is a 409 (nothing changed); a body
/// <see cref="Id"/> other than the address's is a 400. A funding project or source record the writer may not read
/// (GET shows neither) is kept when the request names none. <see cref="SourceReference"/> names the source in words: an
/// exercise and its lesson (exercises are no records on this node), another team's post-mortem, or beside a linked incident.
/// </summary>
public sealed record ActionRequest(
    string? Title = null,
    string? Description = null,
    IReadOnlyList<ActionParameterRequest?>? Parameters = null,
    string? Owner = null,
    DateOnly? StartDate = null,
    DateOnly? DueDate = null,
    ActionStatus? Status = null,
    decimal? Budget = null,
    string? Currency = null,
    FundingSource? Funding = null,
    Guid? FundingProjectId = null,
    IReadOnlyList<Guid>? DependsOn = null,
    ActionSourceKind? SourceKind = null,
    Guid? SourceId = null,
    string? TemplateKey = null,
    Guid? Id = null,
    int? Number = null,
    bool? Overdue = null,
    LinkedRecord? FundingProject = null,
    LinkedRecord? Source = null,
    DateTimeOffset? CreatedAt = null,
    DateTimeOffset? ModifiedAt = null,
    string? SourceReference = null)
{
    /// <summary>fundingProjectId, sourceKind and sourceId, from the linked records as read when not given themselves.</summary>
    public ActionRequest WithLinksAsRead() => this with
    {
        FundingProjectId = FundingProjectId ?? (FundingProject is { Kind: "project" } project ? project.Id : null),
        SourceKind = SourceKind ?? (SourceId is null && Source is { Kind: "incident" } ? ActionSourceKind.Incident : null),
        SourceId = SourceId ?? (SourceKind is null or ActionSourceKind.Incident && Source is { Kind: "incident" } source ? source.Id : null),
    };
}

public sealed record NoteRequest(string? Text);

public sealed record CampaignRequest(string? Name, DateOnly? StartDate = null, DateOnly? EndDate = null, IReadOnlyList<string>? Languages = null);

public sealed record MaterialRequest(string? Title, string? Url, string? Language, Guid? CampaignId = null);

public sealed record IndicatorRequest(string? Name, string? Unit, decimal? Target = null, bool LowerIsBetter = false);

public sealed record IndicatorValueRequest(DateOnly? Date, decimal? Value);

/// <summary>
/// Writes plans and everything in them. Only writers of the planning organisation change a plan; a plan the caller cannot
/// read is "not found" (null / false), never "forbidden". Every request is validated completely before anything is written,
/// and each change is saved once, with its audit entry.
/// </summary>
public sealed class PlanEditing(
    RampartDb db,
    AccessPolicy access,
    SharingStore sharing,
    MaturityModels models,
    MaturityQueries maturity,
    ProjectQueries projects,
    IncidentQueries incidents,
    AuditTrail audit,
    IStringLocalizer<PlanTexts> texts,
    Microsoft.Extensions.Options.IOptions<Incidents.Attachments.AttachmentOptions> attachmentOptions,
    TimeProvider clock)
{
    private static readonly DateOnly EarliestDate = new(2000, 1, 1);
    private static readonly DateOnly LatestDate = new(2100, 12, 31);

    public async Task<CapacityPlan> CreateAsync(Caller caller, PlanRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        EnsureCanCreate(caller);
        var errors = new RequestErrors();
        errors.SingleLine("title", request.Title, PlanLimits.TitleLength);
        var kind = request.Kind ?? PlanKind.CapacityBuilding;
        if (!Enum.IsDefined(kind))
        {
            errors.Add("kind", "capacity-building or cyber-hygiene.");
        }

        var groups = Groups(request.TargetGroups, errors);
        if (groups != TargetGroups.None && kind != PlanKind.CyberHygiene)
        {
            errors.Add("targetGroups", "Only a cyber-hygiene plan has target groups.");
        }

        var modelKey = request.ModelKey;
        if (request.SourceAssessmentId is { } assessmentId)
        {
            var assessment = await maturity.FindAsync(caller, assessmentId, cancellationToken);
            if (assessment is null)
            {
                errors.Add("sourceAssessmentId", "No assessment with this id that you may read.");
            }
            else if (modelKey is not null && modelKey != assessment.Assessment.ModelKey)
            {
                errors.Add("modelKey", "The source assessment uses another model version.");
            }
            else
            {
                modelKey = assessment.Assessment.ModelKey;
            }
        }

        modelKey ??= Sim3Model.V2Interim;
        if (modelKey.Length > MaturityLimits.KeyLength || (await models.ParameterIdsAsync(modelKey, cancellationToken)).Count == 0)
        {
            errors.Add("modelKey", "No such model version.");
        }

        await CheckProfileAsync(caller, request.TargetProfileId, modelKey, errors, cancellationToken);
        var tlp = request.Tlp ?? Tlp.Red;
        if (!Enum.IsDefined(tlp))
        {
            errors.Add("tlp", "One of clear, green, amber, amber+strict, red.");
        }

        errors.ThrowIfAny();
        var entries = await sharing.ValidateAsync(caller, SharingRequest.OfEntries(tlp, request.Audiences ?? [], false), errors, cancellationToken);
        errors.ThrowIfAny();
        var plan = NewPlan(caller, request.Title!.Trim(), kind, modelKey, request.SourceAssessmentId, request.TargetProfileId, groups, tlp, entries);
        await sharing.ApplyAsync(plan.Record, tlp, entries, published: false, cancellationToken);
        audit.Record(AuditEvent.CapacityPlanCreated, caller, Target(plan), detail: $"{Value(kind)} {tlp.Label()}");
        await db.SaveChangesAsync(cancellationToken);
        return plan;
    }

    /// <summary>
    /// A plan from the gaps of a readable assessment against a readable profile of the same model version: one planned action
    /// per parameter below its minimum level, largest gap first, raising it to the minimum (a template's title where one fits).
    /// </summary>
    public async Task<CapacityPlan> CreateFromGapsAsync(Caller caller, PlanFromGapsRequest request, CultureInfo culture, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(culture);
        EnsureCanCreate(caller);
        var errors = new RequestErrors();
        errors.SingleLine("title", request.Title, PlanLimits.TitleLength, required: false);
        ReadAssessment? assessment = null;
        ReadProfile? profile = null;
        if (request.AssessmentId is not { } assessmentId)
        {
            errors.Add("assessmentId", "Required: the id of an assessment.");
        }
        else if ((assessment = await maturity.FindAsync(caller, assessmentId, cancellationToken)) is null)
        {
            errors.Add("assessmentId", "No assessment with this id that you may read.");
        }

        if (request.ProfileId is not { } profileId)
        {
            errors.Add("profileId", "Required: the id of a target profile.");
        }
        else if ((profile = await maturity.FindProfileAsync(caller, profileId, cancellationToken)) is null)
        {
            errors.Add("profileId", "No target profile with this id that you may read.");
        }
        else if (assessment is not null && profile.Profile.ModelKey != assessment.Assessment.ModelKey)
        {
            errors.Add("profileId", "The profile is for another model version than the assessment.");
        }

        var tlp = request.Tlp ?? Tlp.Red;
        if (!Enum.IsDefined(tlp))
        {
            errors.Add("tlp", "One of clear, green, amber, amber+strict, red.");
        }

        errors.ThrowIfAny();
        var entries = await sharing.ValidateAsync(caller, SharingRequest.OfEntries(tlp, request.Audiences ?? [], false), errors, cancellationToken);
        errors.ThrowIfAny();

        var model = (await models.FindAsync(assessment!.Assessment.ModelKey, culture, cancellationToken))!;
        var gaps = Sim3Analysis.Gaps(profile!.Profile.Levels.ToDictionary(l => l.ParameterId, l => l.MinLevel, StringComparer.Ordinal),
            MaturityEndpoints.Levels(assessment.Assessment), model.Parameters.Select(p => p.Id).ToList());
        var names = model.Parameters.ToDictionary(p => p.Id, p => p.Name, StringComparer.Ordinal);
        var chosen = gaps.Gaps;
        if (request.ParameterIds is { } only)
        {
            // Every id must be one of this assessment's gaps against the profile: anything else is a 400 and no plan is made.
            var ofGaps = gaps.Gaps.Select(g => g.ParameterId).ToHashSet(StringComparer.Ordinal);
            if (only.Count == 0)
            {
                errors.Add("parameterIds", "Leave it out for every gap, or name at least one parameter below the profile's minimum.");
            }

            for (var i = 0; i < only.Count; i++)
            {
                if (only[i] is not { } id || !ofGaps.Contains(id))
                {
                    errors.Add($"parameterIds[{i}]", names.ContainsKey(only[i] ?? "")
                        ? "This parameter meets the profile's minimum in this assessment: no gap to plan for."
                        : $"Not a parameter of model version '{model.Key}'.");
                }
            }

            errors.ThrowIfAny();
            chosen = gaps.Gaps.Where(g => only.Contains(g.ParameterId)).ToList();
        }

        var title = string.IsNullOrWhiteSpace(request.Title)
            ? $"{profile.Profile.Name} — {assessment.Assessment.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"
            : request.Title.Trim();
        var plan = NewPlan(caller, title.Length > PlanLimits.TitleLength ? title[..PlanLimits.TitleLength] : title, PlanKind.CapacityBuilding,
            assessment.Assessment.ModelKey, assessment.Assessment.Id, profile.Profile.Id, TargetGroups.None, tlp, entries);
        var now = clock.GetUtcNow();
        var number = 0;
        foreach (var gap in chosen.Take(PlanLimits.MaxActions))
        {
            var proposal = Proposal(gap.ParameterId, names.GetValueOrDefault(gap.ParameterId, gap.ParameterId), gap.Level ?? 0, gap.MinLevel, culture, texts["Raise {0} ({1}) from level {2} to {3}"]);
            var action = new PlanAction
            {
                Id = Guid.CreateVersion7(now),
                Number = ++number,
                Title = proposal.Title,
                Description = proposal.Description,
                Status = ActionStatus.Planned,
                Funding = FundingSource.Own,
                TemplateKey = proposal.TemplateKey,
                CreatedAt = now,
                ModifiedAt = now,
                Parameters = [new PlanActionParameter { ParameterId = gap.ParameterId, TargetLevel = gap.MinLevel }],
            };
            action.Plan = plan;
            db.CapacityPlanActions.Add(action);
            db.CapacityPlanStatusChanges.Add(new PlanStatusChange { Plan = plan, ActionId = action.Id, At = now, Status = action.Status });
        }

        await sharing.ApplyAsync(plan.Record, tlp, entries, published: false, cancellationToken);
        audit.Record(AuditEvent.CapacityPlanCreatedFromGaps, caller, Target(plan), detail: $"{number} actions from maturity-assessment:{assessment.Assessment.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return plan;
    }

    /// <summary>What a gap proposes: the template for the parameter if there is one, else "raise X from a to b".</summary>
    public static (string Title, string? Description, string? TemplateKey) Proposal(string parameterId, string name, int level, int target, CultureInfo culture, string format)
    {
        var template = PlanTemplates.For(parameterId);
        if (template is not null)
        {
            return (template.Title(culture), template.Description, template.Key);
        }

        var title = string.Format(culture, format, parameterId, name, level, target);
        return (title.Length > PlanLimits.TitleLength ? title[..PlanLimits.TitleLength] : title, null, null);
    }

    public async Task<CapacityPlan?> ChangeAsync(Caller caller, Guid id, PlanChangeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var plan = await WritableAsync(caller, id, cancellationToken);
        if (plan is null)
        {
            return null;
        }

        var errors = new RequestErrors();
        if (request.Title is not null)
        {
            errors.SingleLine("title", request.Title, PlanLimits.TitleLength);
        }

        if (request.Status is { } status && !Enum.IsDefined(status))
        {
            errors.Add("status", "draft, active, completed or archived.");
        }

        var groups = request.TargetGroups is null ? plan.TargetGroups : Groups(request.TargetGroups, errors);
        if (groups != TargetGroups.None && plan.Kind != PlanKind.CyberHygiene)
        {
            errors.Add("targetGroups", "Only a cyber-hygiene plan has target groups.");
        }

        if (request.ClearTargetProfile && request.TargetProfileId is not null)
        {
            errors.Add("clearTargetProfile", "Either a target profile or clearTargetProfile: true, not both.");
        }

        await CheckProfileAsync(caller, request.TargetProfileId, plan.ModelKey, errors, cancellationToken);
        var tlp = request.Tlp ?? plan.Record.Tlp;
        if (!Enum.IsDefined(tlp))
        {
            errors.Add("tlp", "One of clear, green, amber, amber+strict, red.");
        }

        errors.ThrowIfAny();
        var distribution = request.Tlp is not null || request.Audiences is not null;
        if (distribution)
        {
            var audiences = request.Audiences ?? [.. SharingStore.AudienceOf(await sharing.GrantsOfAsync(plan.RecordId, cancellationToken))
                .Select(e => new AudienceEntry(e.Kind, e.OrganisationId, e.CommunityId, e.UserId))];
            var entries = await sharing.ValidateAsync(caller, SharingRequest.OfEntries(tlp, audiences, false), errors, cancellationToken);
            errors.ThrowIfAny();
            if (!AccessPolicy.CanShare(caller, plan.Record, tlp, entries))
            {
                throw new InvalidOperationException("The sharing rules and their validation disagree.");
            }

            // Widening is confirmed against what is stored now (as for incidents and assessments).
            var held = SharingStore.AudienceOf(await sharing.GrantsOfAsync(plan.RecordId, cancellationToken));
            if (SharingStore.Widening(plan.Record.Tlp, tlp, held, entries) is { } widening && !request.Confirm)
            {
                throw RequestErrors.One("confirm", $"This widens who reads the plan: {widening}. Send confirm: true.");
            }

            await sharing.ApplyAsync(plan.Record, tlp, entries, published: false, cancellationToken);
        }

        if (request.Title is not null)
        {
            plan.Title = request.Title.Trim();
            await IndexTitleAsync(plan, cancellationToken);
        }

        plan.Status = request.Status ?? plan.Status;
        plan.TargetGroups = groups;
        plan.TargetProfileId = request.ClearTargetProfile ? null : request.TargetProfileId ?? plan.TargetProfileId;
        plan.ModifiedAt = clock.GetUtcNow();
        audit.Record(AuditEvent.CapacityPlanChanged, caller, Target(plan), detail: distribution ? $"distribution {tlp.Label()}" : null);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (distribution)
        {
            // Two changes of the same plan's grants at the same moment: one wins, the other is told to reload.
            throw new ConflictException("Who reads this plan was changed at the same moment by someone else; reload it.");
        }

        return plan;
    }

    public async Task<bool> DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var plan = await WritableAsync(caller, id, cancellationToken);
        if (plan is null)
        {
            return false;
        }

        // Dependencies point between actions of this plan with Restrict: remove them first, then the envelope cascades the rest.
        var recordId = plan.RecordId;
        var actionIds = db.CapacityPlanActions.Where(a => a.PlanRecordId == recordId).Select(a => a.Id);
        db.CapacityPlanActionDependencies.RemoveRange(await db.CapacityPlanActionDependencies.Where(d => actionIds.Contains(d.ActionId)).ToListAsync(cancellationToken));
        // The hygiene materials' files belong to the plan alone (their rows cascade with the plan; the files would not).
        var fileIds = db.CapacityPlanMaterials.Where(m => m.PlanRecordId == recordId && m.AttachmentId != null).Select(m => m.AttachmentId);
        db.IncidentAttachments.RemoveRange(await db.IncidentAttachments.Where(a => fileIds.Contains(a.Id)).ToListAsync(cancellationToken));
        db.SharedRecords.Remove(plan.Record);
        audit.Record(AuditEvent.CapacityPlanDeleted, caller, Target(plan));
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    // ----- actions

    public async Task<PlanAction?> AddActionAsync(Caller caller, Guid planId, ActionRequest request, CultureInfo culture, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var plan = await WritableAsync(caller, planId, cancellationToken);
        if (plan is null)
        {
            return null;
        }

        var recordId = plan.RecordId;
        var existing = await db.CapacityPlanActions.Where(a => a.PlanRecordId == recordId).Include(a => a.Dependencies).ToListAsync(cancellationToken);
        if (existing.Count >= PlanLimits.MaxActions)
        {
            throw RequestErrors.One("title", $"A plan has at most {PlanLimits.MaxActions} actions.");
        }

        var now = clock.GetUtcNow();
        var action = new PlanAction { Id = Guid.CreateVersion7(now), PlanRecordId = recordId, Title = "", CreatedAt = now };
        var valid = await ValidateActionAsync(caller, plan, action, existing, request, culture, cancellationToken);
        action.Number = existing.Count == 0 ? 1 : existing.Max(a => a.Number) + 1;
        Apply(action, valid, now);
        db.CapacityPlanActions.Add(action);
        db.CapacityPlanStatusChanges.Add(new PlanStatusChange { PlanRecordId = recordId, ActionId = action.Id, At = now, Status = action.Status });
        plan.ModifiedAt = now;
        audit.Record(AuditEvent.CapacityPlanActionAdded, caller, Target(plan), detail: $"action {action.Number}");
        await SaveRacingAsync(cancellationToken);
        return action;
    }

    public async Task<PlanAction?> ChangeActionAsync(Caller caller, Guid planId, Guid actionId, ActionRequest request, CultureInfo culture, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var plan = await WritableAsync(caller, planId, cancellationToken);
        if (plan is null)
        {
            return null;
        }

        var recordId = plan.RecordId;
        var existing = await db.CapacityPlanActions.Where(a => a.PlanRecordId == recordId).Include(a => a.Dependencies).Include(a => a.Parameters).ToListAsync(cancellationToken);
        var action = existing.FirstOrDefault(a => a.Id == actionId);
        if (action is null)
        {
            return null;
        }

        ReadBack.Check(request.Id, actionId, request.ModifiedAt, action.ModifiedAt, "action");

        var before = action.Status;
        var valid = await ValidateActionAsync(caller, plan, action, existing, request, culture, cancellationToken);
        var now = clock.GetUtcNow();
        Apply(action, valid, now);
        if (action.Status != before)
        {
            db.CapacityPlanStatusChanges.Add(new PlanStatusChange { PlanRecordId = recordId, ActionId = action.Id, At = now, Status = action.Status });
        }

        plan.ModifiedAt = now;
        audit.Record(AuditEvent.CapacityPlanActionChanged, caller, Target(plan), detail: action.Status != before ? $"action {action.Number} {Value(before)} → {Value(action.Status)}" : $"action {action.Number}");
        await SaveRacingAsync(cancellationToken);
        return action;
    }

    /// <summary>Deletes an action; one other actions depend on is a 409 naming them (remove the dependency first).</summary>
    public async Task<bool> DeleteActionAsync(Caller caller, Guid planId, Guid actionId, CancellationToken cancellationToken)
    {
        var plan = await WritableAsync(caller, planId, cancellationToken);
        if (plan is null)
        {
            return false;
        }

        var recordId = plan.RecordId;
        var action = await db.CapacityPlanActions.FirstOrDefaultAsync(a => a.Id == actionId && a.PlanRecordId == recordId, cancellationToken);
        if (action is null)
        {
            return false;
        }

        var dependents = await db.CapacityPlanActions.Where(a => a.PlanRecordId == recordId && a.Dependencies.Any(d => d.DependsOnId == actionId))
            .Select(a => a.Number).OrderBy(n => n).ToListAsync(cancellationToken);
        if (dependents.Count > 0)
        {
            throw new ConflictException($"Actions {string.Join(", ", dependents)} depend on this action; remove those dependencies first.");
        }

        var now = clock.GetUtcNow();
        db.CapacityPlanActions.Remove(action);
        db.CapacityPlanStatusChanges.Add(new PlanStatusChange { PlanRecordId = recordId, ActionId = action.Id, At = now, Status = null });
        plan.ModifiedAt = now;
        audit.Record(AuditEvent.CapacityPlanActionDeleted, caller, Target(plan), detail: $"action {action.Number}");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    public async Task<PlanActionNote?> AddNoteAsync(Caller caller, Guid planId, Guid actionId, NoteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var plan = await WritableAsync(caller, planId, cancellationToken);
        if (plan is null)
        {
            return null;
        }

        var recordId = plan.RecordId;
        if (!await db.CapacityPlanActions.AnyAsync(a => a.Id == actionId && a.PlanRecordId == recordId, cancellationToken))
        {
            return null;
        }

        var errors = new RequestErrors();
        errors.MultiLine("text", request.Text, PlanLimits.TextLength, required: true);
        errors.ThrowIfAny();
        if (await db.CapacityPlanActionNotes.CountAsync(n => n.ActionId == actionId, cancellationToken) >= PlanLimits.MaxNotesPerAction)
        {
            throw RequestErrors.One("text", $"An action has at most {PlanLimits.MaxNotesPerAction} notes.");
        }

        var note = new PlanActionNote { ActionId = actionId, PlanRecordId = recordId, At = clock.GetUtcNow(), AuthorUserId = caller.UserId, Text = request.Text!.Trim() };
        db.CapacityPlanActionNotes.Add(note);
        audit.Record(AuditEvent.CapacityPlanActionNoteAdded, caller, Target(plan));
        await db.SaveChangesAsync(cancellationToken);
        return note;
    }

    // ----- cyber hygiene

    public async Task<PlanCampaign?> AddCampaignAsync(Caller caller, Guid planId, CampaignRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var plan = await HygieneAsync(caller, planId, cancellationToken);
        if (plan is null)
        {
            return null;
        }

        var errors = new RequestErrors();
        errors.SingleLine("name", request.Name, PlanLimits.TitleLength);
        CheckDates(request.StartDate, request.EndDate, "startDate", "endDate", errors);
        var languages = request.Languages ?? [];
        for (var i = 0; i < languages.Count; i++)
        {
            if (!Localisation.Languages.All.Any(l => l.Culture == languages[i]))
            {
                errors.Add($"languages[{i}]", $"One of the node's languages: {string.Join(", ", Localisation.Languages.All.Select(l => l.Culture))}.");
            }
        }

        var recordId = plan.RecordId;
        if (await db.CapacityPlanCampaigns.CountAsync(c => c.PlanRecordId == recordId, cancellationToken) >= PlanLimits.MaxCampaigns)
        {
            errors.Add("name", $"A plan has at most {PlanLimits.MaxCampaigns} campaigns.");
        }

        errors.ThrowIfAny();
        var campaign = new PlanCampaign
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()), PlanRecordId = recordId, Name = request.Name!.Trim(), StartDate = request.StartDate, EndDate = request.EndDate,
            Languages = string.Join(',', languages.Distinct(StringComparer.Ordinal)),
        };
        db.CapacityPlanCampaigns.Add(campaign);
        return await HygieneSavedAsync(caller, plan, "campaign added", campaign, cancellationToken);
    }

    public Task<PlanMaterial?> AddMaterialAsync(Caller caller, Guid planId, MaterialRequest request, CancellationToken cancellationToken) =>
        AddMaterialAsync(caller, planId, request, null, cancellationToken);

    /// <summary>
    /// Adds a material: a link (<see cref="MaterialRequest.Url"/>) or, with <paramref name="file"/>, a file stored in the
    /// attachment store (no link then; samples are refused). Writers of the plan, cyber-hygiene plans only.
    /// </summary>
    public async Task<PlanMaterial?> AddMaterialAsync(Caller caller, Guid planId, MaterialRequest request, AttachmentUpload? file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var plan = await HygieneAsync(caller, planId, cancellationToken);
        if (plan is null)
        {
            return null;
        }

        var recordId = plan.RecordId;
        var errors = new RequestErrors();
        errors.SingleLine("title", request.Title, PlanLimits.TitleLength);
        if (file is null && !IsLink(request.Url))
        {
            errors.Add("url", $"An http or https address of at most {PlanLimits.LinkLength} characters.");
        }
        else if (file is not null && !string.IsNullOrWhiteSpace(request.Url))
        {
            errors.Add("url", "A material is a link or a file, not both: leave the link empty when sending a file.");
        }

        if (file is { Sample: true })
        {
            errors.Add("samples", "Malware samples are not awareness material: send documents under 'files'.");
        }

        if (!Localisation.Languages.All.Any(l => l.Culture == request.Language))
        {
            errors.Add("language", $"One of the node's languages: {string.Join(", ", Localisation.Languages.All.Select(l => l.Culture))}.");
        }

        if (request.CampaignId is { } campaignId && !await db.CapacityPlanCampaigns.AnyAsync(c => c.Id == campaignId && c.PlanRecordId == recordId, cancellationToken))
        {
            errors.Add("campaignId", "No campaign with this id in this plan.");
        }

        errors.ThrowIfAny();

        // The material count per plan and the file bytes per organisation must hold when uploads run at once: both are
        // read and the material written in one transaction that one organisation's material writes queue behind
        // (PostgreSQL: an advisory lock per organisation; SQLite: the transaction begins IMMEDIATE, one writer at a time).
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await AdvisoryLocks.ForOrganisationAsync(db, plan.OrganisationId, 0x4d4154455249414c, cancellationToken);

        if (await db.CapacityPlanMaterials.CountAsync(m => m.PlanRecordId == recordId, cancellationToken) >= PlanLimits.MaxMaterials)
        {
            errors.Add("title", $"A plan has at most {PlanLimits.MaxMaterials} materials.");
        }

        if (file is not null)
        {
            var organisationId = plan.OrganisationId;
            var held = await (from m in db.CapacityPlanMaterials
                              join p in db.CapacityPlans on m.PlanRecordId equals p.RecordId
                              join a in db.IncidentAttachments on m.AttachmentId equals a.Id
                              where p.OrganisationId == organisationId
                              select (long?)a.Size).SumAsync(cancellationToken) ?? 0;
            var quota = attachmentOptions.Value.MaxMaterialBytesPerOrganisation;
            if (held + file.Content.LongLength > quota)
            {
                errors.Add("files", $"Your organisation's material files would take {held + file.Content.LongLength} bytes, more than the node allows ({quota}). Delete materials you no longer use, or link to the file instead.");
            }
        }

        errors.ThrowIfAny();
        var now = clock.GetUtcNow();
        var material = new PlanMaterial
        {
            Id = Guid.CreateVersion7(now), PlanRecordId = recordId, CampaignId = request.CampaignId, Title = request.Title!.Trim(), Language = request.Language!,
            Url = file is null ? request.Url! : null,
        };
        if (file is not null)
        {
            material.Attachment = AttachmentStore.Stage(db, file, caller, now);
            material.AttachmentId = material.Attachment.Id;
        }

        db.CapacityPlanMaterials.Add(material);
        await HygieneSavedAsync(caller, plan, "material added", material, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return material;
    }

    /// <summary>
    /// Whether the caller may add hygiene material to the plan, checked before an upload's body is read: null when the
    /// plan is not readable (404); a 403 or 409 as <see cref="AddMaterialAsync"/> answers them.
    /// </summary>
    public async Task<bool> CanAddMaterialAsync(Caller caller, Guid planId, CancellationToken cancellationToken) =>
        await HygieneAsync(caller, planId, cancellationToken) is not null;

    public async Task<PlanIndicator?> AddIndicatorAsync(Caller caller, Guid planId, IndicatorRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var plan = await HygieneAsync(caller, planId, cancellationToken);
        if (plan is null)
        {
            return null;
        }

        var recordId = plan.RecordId;
        var errors = new RequestErrors();
        errors.SingleLine("name", request.Name, PlanLimits.TitleLength);
        errors.SingleLine("unit", request.Unit, PlanLimits.UnitLength);
        if (request.Target is { } target && (target < 0 || target > PlanLimits.MaxIndicatorValue || (request.Unit == "%" && target > 100)))
        {
            errors.Add("target", request.Unit == "%" ? "A percentage from 0 to 100." : $"From 0 to {PlanLimits.MaxIndicatorValue}.");
        }

        if (await db.CapacityPlanIndicators.CountAsync(i => i.PlanRecordId == recordId, cancellationToken) >= PlanLimits.MaxIndicators)
        {
            errors.Add("name", $"A plan has at most {PlanLimits.MaxIndicators} indicators.");
        }

        errors.ThrowIfAny();
        var indicator = new PlanIndicator
        {
            Id = Guid.CreateVersion7(clock.GetUtcNow()), PlanRecordId = recordId, Name = request.Name!.Trim(), Unit = request.Unit!.Trim(), Target = request.Target, LowerIsBetter = request.LowerIsBetter,
        };
        db.CapacityPlanIndicators.Add(indicator);
        return await HygieneSavedAsync(caller, plan, "indicator added", indicator, cancellationToken);
    }

    /// <summary>Records (or corrects) the value measured on a date. Null when the plan or the indicator is not found.</summary>
    public async Task<PlanIndicator?> MeasureAsync(Caller caller, Guid planId, Guid indicatorId, IndicatorValueRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var plan = await HygieneAsync(caller, planId, cancellationToken);
        if (plan is null)
        {
            return null;
        }

        var recordId = plan.RecordId;
        var indicator = await db.CapacityPlanIndicators.Include(i => i.Values).FirstOrDefaultAsync(i => i.Id == indicatorId && i.PlanRecordId == recordId, cancellationToken);
        if (indicator is null)
        {
            return null;
        }

        var errors = new RequestErrors();
        var today = Today();
        if (request.Date is not { } date)
        {
            errors.Add("date", "Required: the date of the measurement (yyyy-MM-dd).");
        }
        else if (date < EarliestDate || date > today.AddDays(1))
        {
            errors.Add("date", "From 2000-01-01 to today: a measurement is not in the future.");
        }

        if (request.Value is not { } value)
        {
            errors.Add("value", "Required: the measured value.");
        }
        else if (value < 0 || value > PlanLimits.MaxIndicatorValue || (indicator.Unit == "%" && value > 100))
        {
            errors.Add("value", indicator.Unit == "%" ? "A percentage from 0 to 100." : $"From 0 to {PlanLimits.MaxIndicatorValue}.");
        }

        var existing = request.Date is { } d ? indicator.Values.FirstOrDefault(v => v.Date == d) : null;
        if (existing is null && indicator.Values.Count >= PlanLimits.MaxValuesPerIndicator)
        {
            errors.Add("date", $"An indicator has at most {PlanLimits.MaxValuesPerIndicator} measurements.");
        }

        errors.ThrowIfAny();
        if (existing is null)
        {
            indicator.Values.Add(new PlanIndicatorValue { IndicatorId = indicator.Id, Date = request.Date!.Value, Value = request.Value!.Value });
        }
        else
        {
            existing.Value = request.Value!.Value;
        }

        plan.ModifiedAt = clock.GetUtcNow();
        audit.Record(AuditEvent.CapacityPlanIndicatorMeasured, caller, Target(plan));
        await SaveRacingAsync(cancellationToken);
        indicator.Values = [.. indicator.Values.OrderBy(v => v.Date)];
        return indicator;
    }

    /// <summary>Removes a campaign, material or indicator (<paramref name="part"/>) of a cyber-hygiene plan; false when not found.</summary>
    public async Task<bool> RemoveHygienePartAsync(Caller caller, Guid planId, string part, Guid partId, CancellationToken cancellationToken)
    {
        var plan = await HygieneAsync(caller, planId, cancellationToken);
        if (plan is null)
        {
            return false;
        }

        var recordId = plan.RecordId;
        object? row = part switch
        {
            "campaigns" => await db.CapacityPlanCampaigns.FirstOrDefaultAsync(c => c.Id == partId && c.PlanRecordId == recordId, cancellationToken),
            "materials" => await db.CapacityPlanMaterials.FirstOrDefaultAsync(m => m.Id == partId && m.PlanRecordId == recordId, cancellationToken),
            "indicators" => await db.CapacityPlanIndicators.FirstOrDefaultAsync(i => i.Id == partId && i.PlanRecordId == recordId, cancellationToken),
            _ => null,
        };
        if (row is null)
        {
            return false;
        }

        if (row is PlanCampaign campaign)
        {
            // The campaign's materials stay, no longer tied to it.
            foreach (var material in await db.CapacityPlanMaterials.Where(m => m.CampaignId == campaign.Id).ToListAsync(cancellationToken))
            {
                material.CampaignId = null;
            }
        }

        db.Remove(row);
        if (row is PlanMaterial { AttachmentId: { } fileId } && await db.IncidentAttachments.FirstOrDefaultAsync(a => a.Id == fileId, cancellationToken) is { } stored)
        {
            // The material's file is its own: it goes with it.
            db.IncidentAttachments.Remove(stored);
        }

        plan.ModifiedAt = clock.GetUtcNow();
        audit.Record(AuditEvent.CapacityPlanHygieneChanged, caller, Target(plan), detail: $"{part} removed");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    // ----- validation and helpers

    private sealed record ValidAction(ActionRequest Request, string Title, string? Description, IReadOnlyList<(string Id, int Level)> Parameters, IReadOnlyList<Guid> DependsOn, string? TemplateKey);

    private async Task<ValidAction> ValidateActionAsync(Caller caller, CapacityPlan plan, PlanAction action, IReadOnlyList<PlanAction> existing, ActionRequest request, CultureInfo culture, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        if (request is { FundingProjectId: { } givenProject, FundingProject: { } shownProject } && shownProject.Id != givenProject)
        {
            errors.Add("fundingProject", "Names another project than fundingProjectId: send one of them.");
        }

        if (request is { SourceId: { } givenSource, Source: { } shownSource } && shownSource.Id != givenSource)
        {
            errors.Add("source", "Names another record than sourceId: send one of them.");
        }

        var projectField = request.FundingProjectId is null && request.FundingProject is not null ? "fundingProject" : "fundingProjectId";
        request = request.WithLinksAsRead();

        // What the writer cannot see stays as it is: GET hides a funding project or source record the reader may not read
        // (a colleague's link to a record shared with them alone, or narrowed since), so a request naming none must not
        // drop it — nor fail on it.
        var keptProject = false;
        if (action.FundingProjectId is { } storedProject && request.FundingProjectId is null && request.Funding is null or FundingSource.DonorProject
            && await projects.FindAsync(caller, storedProject, cancellationToken) is null)
        {
            request = request with { FundingProjectId = storedProject };
            keptProject = true;
        }

        // The same for a source incident: GET shows the kind only beside a reference or a readable link, so a request naming
        // no source id, and no kind or the stored one, keeps the link it could not see. The source is validated as sent
        // (below, on `sent`): whether a hidden link is kept never turns a refusal into an acceptance, so a writer cannot
        // probe for a link GET does not show them (review s13 F1).
        var sent = request;
        if (action is { SourceKind: { } storedKind, SourceId: { } storedSource } && request.SourceId is null && (request.SourceKind is null || request.SourceKind == storedKind)
            && (storedKind != ActionSourceKind.Incident || await incidents.FindAsync(caller, storedSource, cancellationToken) is null))
        {
            request = request with { SourceKind = storedKind, SourceId = storedSource };
        }

        var template = request.TemplateKey is null ? null : PlanTemplates.Find(request.TemplateKey);
        if (request.TemplateKey is not null && template is null)
        {
            errors.Add("templateKey", $"No such template; one of: {string.Join(", ", PlanTemplates.All.Select(t => t.Key))}.");
        }

        var title = string.IsNullOrWhiteSpace(request.Title) && template is not null ? template.Title(culture) : request.Title;
        errors.SingleLine("title", title, PlanLimits.TitleLength);
        var description = request.Description ?? (request.Title is null ? template?.Description : null);
        errors.MultiLine("description", description, PlanLimits.TextLength);
        errors.SingleLine("owner", request.Owner, PlanLimits.OwnerLength, required: false);
        CheckDates(request.StartDate, request.DueDate, "startDate", "dueDate", errors);
        if (request.Status is { } status && !Enum.IsDefined(status))
        {
            errors.Add("status", "planned, in-progress, done or cancelled.");
        }

        // Parameters: each a parameter of the plan's model version, once, with a level 0–4.
        var known = (await models.ParameterIdsAsync(plan.ModelKey, cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var items = request.Parameters is { Count: > 0 } given ? given
            : template is not null && request.Parameters is null ? [.. template.Parameters.Select(p => new ActionParameterRequest(p.Key, p.Value))]
            : [];
        var parameters = new List<(string, int)>();
        if (items.Count > PlanLimits.MaxParametersPerAction)
        {
            errors.Add("parameters", $"At most {PlanLimits.MaxParametersPerAction} parameters per action.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Math.Min(items.Count, PlanLimits.MaxParametersPerAction); i++)
        {
            var item = items[i];
            if (item is null)
            {
                errors.Add($"parameters[{i}]", "Required.");
                continue;
            }

            if (item.ParameterId is null || !known.Contains(item.ParameterId))
            {
                var shown = item.ParameterId is null ? "(none)" : item.ParameterId.Length > 16 ? item.ParameterId[..16] + "…" : item.ParameterId;
                errors.Add($"parameters[{i}].parameterId", $"'{TextRules.Escape(shown)}' is not a parameter of model version '{plan.ModelKey}'.");
            }
            else if (!seen.Add(item.ParameterId))
            {
                errors.Add($"parameters[{i}].parameterId", "Given twice.");
            }

            if (item.TargetLevel is not { } level || !Sim3Model.IsLevel(level))
            {
                errors.Add($"parameters[{i}].targetLevel", $"Required: a level from {Sim3Model.MinLevel} to {Sim3Model.MaxLevel}.");
            }
            else if (item.ParameterId is not null && known.Contains(item.ParameterId))
            {
                parameters.Add((item.ParameterId, level));
            }
        }

        // Budget and funding.
        if (request.Budget is { } budget)
        {
            if (budget < 0 || budget > PlanLimits.MaxBudget || decimal.Round(budget, 2) != budget)
            {
                errors.Add("budget", "An amount from 0 with at most two decimals.");
            }

            if (request.Currency is null || request.Currency.Length != 3 || !request.Currency.All(char.IsAsciiLetterUpper))
            {
                errors.Add("currency", "Required with a budget: an ISO 4217 code such as EUR.");
            }
        }
        else if (request.Currency is not null)
        {
            errors.Add("currency", "Only with a budget.");
        }

        var funding = request.Funding ?? (request.FundingProjectId is null ? FundingSource.Own : FundingSource.DonorProject);
        if (!Enum.IsDefined(funding))
        {
            errors.Add("funding", "own, donor-project or network.");
        }
        else if (funding == FundingSource.DonorProject)
        {
            if (request.FundingProjectId is not { } projectId)
            {
                errors.Add("fundingProjectId", "Required for donor-project funding: the id of a registry project.");
            }
            else if (!keptProject && await projects.FindAsync(caller, projectId, cancellationToken) is null)
            {
                errors.Add(projectField, "No registry project with this id that you may read.");
            }
        }
        else if (request.FundingProjectId is not null)
        {
            errors.Add(projectField, "Only with donor-project funding.");
        }

        // Source: a link to a record the caller reads now, and/or the source in words — checked as the request sent it.
        errors.SingleLine("sourceReference", sent.SourceReference, PlanLimits.SourceReferenceLength, required: false);
        var reference = string.IsNullOrWhiteSpace(sent.SourceReference) ? null : sent.SourceReference.Trim();
        if (sent.SourceKind is null)
        {
            if (sent.SourceId is not null || reference is not null)
            {
                errors.Add("sourceKind", "Say what the source is: incident or exercise.");
            }
        }
        else if (sent.SourceKind is not (ActionSourceKind.Incident or ActionSourceKind.Exercise))
        {
            errors.Add("sourceKind", "incident or exercise.");
        }
        else if (sent.SourceKind == ActionSourceKind.Exercise && sent.SourceId is not null)
        {
            errors.Add("sourceId", "This node has no exercise records to link: name the exercise and its lesson in sourceReference.");
        }
        else if (sent.SourceId is { } incidentId)
        {
            if (await incidents.FindAsync(caller, incidentId, cancellationToken) is null)
            {
                errors.Add("sourceId", "No incident with this id that you may read.");
            }
        }
        else if (reference is null)
        {
            errors.Add(sent.SourceKind == ActionSourceKind.Exercise ? "sourceReference" : "sourceId", sent.SourceKind == ActionSourceKind.Exercise
                ? "Name the exercise and its lesson."
                : "Link an incident you may read (sourceId), or name it (sourceReference).");
        }

        // Dependencies: actions of this plan, not itself, and no cycle once this action's are replaced.
        var dependsOn = request.DependsOn ?? [];
        var byId = existing.ToDictionary(a => a.Id);
        if (dependsOn.Count > PlanLimits.MaxDependencies)
        {
            errors.Add("dependsOn", $"At most {PlanLimits.MaxDependencies} dependencies.");
        }

        for (var i = 0; i < Math.Min(dependsOn.Count, PlanLimits.MaxDependencies); i++)
        {
            if (dependsOn[i] == action.Id)
            {
                errors.Add($"dependsOn[{i}]", "An action does not depend on itself.");
            }
            else if (!byId.ContainsKey(dependsOn[i]))
            {
                errors.Add($"dependsOn[{i}]", "No action with this id in this plan.");
            }
        }

        if (!errors.Has("dependsOn") && dependsOn.All(byId.ContainsKey) && Cycle(action.Id, dependsOn, byId) is { } cycle)
        {
            errors.Add("dependsOn", $"Would make a cycle: action {string.Join(" → ", cycle)}.");
        }

        errors.ThrowIfAny();
        return new ValidAction(request, title!.Trim(), string.IsNullOrWhiteSpace(description) ? null : description, parameters,
            dependsOn.Distinct().ToList(), template?.Key ?? (request.TemplateKey is null ? action.TemplateKey : null));
    }

    /// <summary>The action numbers of a cycle through <paramref name="actionId"/> if it depended on <paramref name="dependsOn"/>; null when none.</summary>
    private static List<int>? Cycle(Guid actionId, IReadOnlyList<Guid> dependsOn, Dictionary<Guid, PlanAction> byId)
    {
        IEnumerable<Guid> Next(Guid id) => id == actionId ? dependsOn : byId.TryGetValue(id, out var a) ? a.Dependencies.Select(d => d.DependsOnId) : [];
        var path = new List<Guid> { actionId };
        var onPath = new HashSet<Guid> { actionId };
        var done = new HashSet<Guid>();
        List<int> Numbers(IEnumerable<Guid> ids) => ids.Select(id => byId.TryGetValue(id, out var a) ? a.Number : 0).ToList();

        List<int>? Visit(Guid id)
        {
            foreach (var next in Next(id))
            {
                if (next == actionId)
                {
                    var numbers = Numbers(path);
                    numbers.Add(numbers[0]);
                    return numbers;
                }

                if (onPath.Contains(next) || !done.Add(next))
                {
                    continue;
                }

                path.Add(next);
                onPath.Add(next);
                if (Visit(next) is { } found)
                {
                    return found;
                }

                path.RemoveAt(path.Count - 1);
                onPath.Remove(next);
            }

            return null;
        }

        var cycle = Visit(actionId);
        if (cycle is not null && cycle[0] == 0)
        {
            // A new action has no number yet.
            cycle[0] = cycle[^1] = byId.Count == 0 ? 1 : byId.Values.Max(a => a.Number) + 1;
        }

        return cycle;
    }

    private static void Apply(PlanAction action, ValidAction valid, DateTimeOffset now)
    {
        var r = valid.Request;
        action.Title = valid.Title;
        action.Description = valid.Description;
        action.Owner = string.IsNullOrWhiteSpace(r.Owner) ? null : r.Owner.Trim();
        action.StartDate = r.StartDate;
        action.DueDate = r.DueDate;
        action.Status = r.Status ?? (action.Status == 0 ? ActionStatus.Planned : action.Status);
        action.Budget = r.Budget;
        action.Currency = r.Currency;
        action.Funding = r.Funding ?? (r.FundingProjectId is null ? FundingSource.Own : FundingSource.DonorProject);
        action.FundingProjectId = r.FundingProjectId;
        action.SourceKind = r.SourceKind;
        action.SourceId = r.SourceId;
        action.SourceReference = string.IsNullOrWhiteSpace(r.SourceReference) ? null : r.SourceReference.Trim();
        action.TemplateKey = valid.TemplateKey;
        action.ModifiedAt = now;
        // Rows whose key stays are changed in place (a removed and re-added key would be two tracked rows with one key).
        var levels = valid.Parameters.ToDictionary(p => p.Id, p => p.Level, StringComparer.Ordinal);
        action.Parameters.RemoveAll(p => !levels.ContainsKey(p.ParameterId));
        foreach (var parameter in action.Parameters)
        {
            parameter.TargetLevel = levels[parameter.ParameterId];
        }

        action.Parameters.AddRange(valid.Parameters.Where(p => action.Parameters.All(x => x.ParameterId != p.Id))
            .Select(p => new PlanActionParameter { ActionId = action.Id, ParameterId = p.Id, TargetLevel = p.Level }).ToList());
        action.Dependencies.RemoveAll(d => !valid.DependsOn.Contains(d.DependsOnId));
        action.Dependencies.AddRange(valid.DependsOn.Where(d => action.Dependencies.All(x => x.DependsOnId != d))
            .Select(d => new PlanActionDependency { ActionId = action.Id, DependsOnId = d }).ToList());
    }

    private CapacityPlan NewPlan(Caller caller, string title, PlanKind kind, string modelKey, Guid? assessmentId, Guid? profileId, TargetGroups groups, Tlp tlp, IReadOnlyList<ResolvedAudience> entries)
    {
        var now = clock.GetUtcNow();
        var record = new SharedRecord { RecordType = CapacityPlan.Type, OwnerOrganisationId = caller.OrganisationId, CreatorOrganisationId = caller.OrganisationId, CreatedAt = now };
        if (!AccessPolicy.CanShare(caller, record, tlp, entries))
        {
            throw new InvalidOperationException("The sharing rules and their validation disagree.");
        }

        var plan = new CapacityPlan
        {
            Record = record,
            Id = Guid.CreateVersion7(now),
            OrganisationId = caller.OrganisationId,
            Title = title,
            Kind = kind,
            Status = PlanStatus.Active,
            ModelKey = modelKey,
            SourceAssessmentId = assessmentId,
            TargetProfileId = profileId,
            TargetGroups = groups,
            CreatedByUserId = caller.UserId,
            CreatedAt = now,
            ModifiedAt = now,
        };
        db.SharedRecords.Add(record);
        db.CapacityPlans.Add(plan);
        foreach (var term in NoteSearch.Terms(title))
        {
            db.CapacityPlanTitleTerms.Add(new PlanTitleTerm { Term = term, Plan = plan });
        }

        return plan;
    }

    private async Task IndexTitleAsync(CapacityPlan plan, CancellationToken cancellationToken)
    {
        var recordId = plan.RecordId;
        var wanted = NoteSearch.Terms(plan.Title).ToHashSet(StringComparer.Ordinal);
        var existing = await db.CapacityPlanTitleTerms.Where(t => t.RecordId == recordId).ToListAsync(cancellationToken);
        db.CapacityPlanTitleTerms.RemoveRange(existing.Where(t => !wanted.Contains(t.Term)));
        db.CapacityPlanTitleTerms.AddRange(wanted.Except(existing.Select(t => t.Term)).Select(t => new PlanTitleTerm { Term = t, RecordId = recordId }));
    }

    private async Task SaveRacingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException("The plan was changed at the same moment by someone else; reload it.");
        }
    }

    private async Task<T> HygieneSavedAsync<T>(Caller caller, CapacityPlan plan, string what, T row, CancellationToken cancellationToken)
    {
        plan.ModifiedAt = clock.GetUtcNow();
        audit.Record(AuditEvent.CapacityPlanHygieneChanged, caller, Target(plan), detail: what);
        await db.SaveChangesAsync(cancellationToken);
        return row;
    }

    private async Task<CapacityPlan?> HygieneAsync(Caller caller, Guid planId, CancellationToken cancellationToken)
    {
        var plan = await WritableAsync(caller, planId, cancellationToken);
        if (plan is not null && plan.Kind != PlanKind.CyberHygiene)
        {
            throw new ConflictException("Campaigns, materials and indicators belong to cyber-hygiene plans; this is a capacity-building plan.");
        }

        return plan;
    }

    private async Task<CapacityPlan?> WritableAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var plan = await access.Readable(db.CapacityPlans.Include(p => p.Record), caller).FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (plan is null)
        {
            return null;
        }

        if (!AccessPolicy.CanWrite(caller, plan.Record))
        {
            throw new ForbiddenException("Only writers of the planning organisation change its plan.");
        }

        return plan;
    }

    private async Task CheckProfileAsync(Caller caller, Guid? profileId, string modelKey, RequestErrors errors, CancellationToken cancellationToken)
    {
        if (profileId is not { } id)
        {
            return;
        }

        var profile = await maturity.FindProfileAsync(caller, id, cancellationToken);
        if (profile is null)
        {
            errors.Add("targetProfileId", "No target profile with this id that you may read.");
        }
        else if (profile.Profile.ModelKey != modelKey)
        {
            errors.Add("targetProfileId", "The profile is for another model version than the plan.");
        }
    }

    private static TargetGroups Groups(IReadOnlyList<TargetGroups>? groups, RequestErrors errors)
    {
        var result = TargetGroups.None;
        var items = groups ?? [];
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not (TargetGroups.GeneralPublic or TargetGroups.CriticalInfrastructureOperators or TargetGroups.PublicSectorStaff))
            {
                errors.Add($"targetGroups[{i}]", "general-public, critical-infrastructure-operators or public-sector-staff.");
            }
            else
            {
                result |= items[i];
            }
        }

        return result;
    }

    private static void CheckDates(DateOnly? start, DateOnly? end, string startField, string endField, RequestErrors errors)
    {
        if (start is { } s && (s < EarliestDate || s > LatestDate))
        {
            errors.Add(startField, "From 2000-01-01 to 2100-12-31.");
        }

        if (end is { } e && (e < EarliestDate || e > LatestDate))
        {
            errors.Add(endField, "From 2000-01-01 to 2100-12-31.");
        }
        else if (start is { } s2 && end is { } e2 && e2 < s2)
        {
            errors.Add(endField, $"On or after the {startField}.");
        }
    }

    private static bool IsLink(string? link) =>
        link is not null && link.Length <= PlanLimits.LinkLength && Uri.TryCreate(link, UriKind.Absolute, out var uri)
        && uri.Scheme is "https" or "http" && !link.Any(char.IsControl) && !link.Any(char.IsWhiteSpace);

    private static void EnsureCanCreate(Caller caller)
    {
        if (!AccessPolicy.CanCreate(caller))
        {
            throw new ForbiddenException("Viewers and read-only keys cannot write.");
        }
    }

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private static string Target(CapacityPlan plan) => $"capacity-plan:{plan.Id}";

    internal static string Value<T>(T value)
        where T : struct, Enum => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
