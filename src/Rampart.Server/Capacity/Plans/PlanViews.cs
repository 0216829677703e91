using Rampart.Server.Access;
using Rampart.Server.Capacity.Maturity;
using Rampart.Server.Capacity.Projects;
using Rampart.Server.Incidents;
using Rampart.Standards.Markings;

namespace Rampart.Server.Capacity.Plans;

public sealed record PlanCountsView(int Actions, int Done, int Cancelled, int Overdue);

public sealed record PlanView(
    Guid Id,
    Guid OrganisationId,
    string Title,
    PlanKind Kind,
    PlanStatus Status,
    string ModelKey,
    Guid? SourceAssessmentId,
    Guid? TargetProfileId,
    IReadOnlyList<TargetGroups> TargetGroups,
    Tlp Tlp,
    Audience Audience,
    IReadOnlyList<ResolvedAudience>? Audiences,
    bool CanEdit,
    DateTimeOffset CreatedAt,
    DateTimeOffset ModifiedAt,
    PlanCountsView? Counts);

public sealed record ActionParameterView(string ParameterId, int TargetLevel);

/// <summary>A readable record an action links to: the registry project funding it, or the incident it came from.</summary>
public sealed record LinkedRecord(string Kind, Guid Id, string Label);

public sealed record ActionView(
    Guid Id,
    int Number,
    string Title,
    string? Description,
    IReadOnlyList<ActionParameterView> Parameters,
    string? Owner,
    DateOnly? StartDate,
    DateOnly? DueDate,
    ActionStatus Status,
    bool Overdue,
    decimal? Budget,
    string? Currency,
    FundingSource Funding,
    LinkedRecord? FundingProject,
    IReadOnlyList<Guid> DependsOn,
    LinkedRecord? Source,
    ActionSourceKind? SourceKind,
    string? SourceReference,
    string? TemplateKey,
    DateTimeOffset CreatedAt,
    DateTimeOffset ModifiedAt);

public sealed record NoteView(long Id, DateTimeOffset At, Guid AuthorUserId, string Text);

public sealed record ProgressView(
    int Actions,
    int Done,
    int Cancelled,
    int Overdue,
    double Percent,
    IReadOnlyList<ProgressPoint> Series,
    Guid? CurrentFrom,
    Guid? ProfileId,
    bool? ExpectedMet,
    IReadOnlyList<ExpectedLevel> Expected);

public sealed record CampaignView(Guid Id, string Name, DateOnly? StartDate, DateOnly? EndDate, IReadOnlyList<string> Languages);

/// <summary>A material: a link (<see cref="Url"/>) or a file (<see cref="File"/>, downloaded from its <see cref="MaterialFileView.Download"/> path).</summary>
public sealed record MaterialView(Guid Id, string Title, string? Url, string Language, Guid? CampaignId, MaterialFileView? File)
{
    public static MaterialView From(Guid planId, PlanMaterial m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return new MaterialView(m.Id, m.Title, m.Url, m.Language, m.CampaignId, m.Attachment is { } a
            ? new MaterialFileView(a.FileName, a.Size, a.Sha256, $"/api/capacity/plans/{planId}/materials/{m.Id}/file")
            : null);
    }
}

/// <summary>A material's file: never its bytes, always its size and SHA-256.</summary>
public sealed record MaterialFileView(string FileName, long Size, string Sha256, string Download);

public sealed record IndicatorValueView(DateOnly Date, decimal Value);

public sealed record IndicatorView(Guid Id, string Name, string Unit, decimal? Target, bool LowerIsBetter, IReadOnlyList<IndicatorValueView> Values);

public sealed record HygieneView(IReadOnlyList<TargetGroups> TargetGroups, IReadOnlyList<CampaignView> Campaigns, IReadOnlyList<MaterialView> Materials, IReadOnlyList<IndicatorView> Indicators);

public sealed record TemplateView(string Key, string Title, string Description, IReadOnlyList<ActionParameterView> Parameters);

/// <summary>
/// Builds what a reader is shown of a plan: the linked project, incident, assessment and profile appear only when this
/// reader may read them (each through its own query class, so through <see cref="AccessPolicy"/>).
/// </summary>
public sealed class PlanViews(PlanQueries plans, ProjectQueries projects, IncidentQueries incidents, MaturityQueries maturity, TimeProvider clock)
{
    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    public static PlanView Plan(CapacityPlan p, IReadOnlyList<AccessGrant>? grants, Caller caller, PlanCounts? counts, bool sourcesReadable = true)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(caller);
        var isOwner = caller.IsAuthenticated && !caller.IsOperator && p.Record.OwnerOrganisationId == caller.OrganisationId;
        return new PlanView(p.Id, p.OrganisationId, p.Title, p.Kind, p.Status, p.ModelKey, sourcesReadable ? p.SourceAssessmentId : null, sourcesReadable ? p.TargetProfileId : null,
            Groups(p.TargetGroups), p.Record.Tlp, grants is null ? Audience.Organisation : SharingStore.Summary(grants),
            isOwner && grants is not null ? SharingStore.AudienceOf(grants) : null, AccessPolicy.CanWrite(caller, p.Record), p.CreatedAt, p.ModifiedAt,
            counts is null ? null : new PlanCountsView(counts.Actions, counts.Done, counts.Cancelled, counts.Overdue));
    }

    /// <summary>The detail view: the source assessment and target profile ids only when this reader may read them.</summary>
    public async Task<PlanView> DetailAsync(ReadPlan read, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var counts = (await plans.CountsAsync([read.Plan], cancellationToken)).GetValueOrDefault(read.Plan.RecordId) ?? new PlanCounts(0, 0, 0, 0);
        var view = Plan(read.Plan, read.Grants, caller, counts);
        var assessment = read.Plan.SourceAssessmentId is { } a && await maturity.FindAsync(caller, a, cancellationToken) is not null ? a : (Guid?)null;
        var profile = read.Plan.TargetProfileId is { } p && await maturity.FindProfileAsync(caller, p, cancellationToken) is not null ? p : (Guid?)null;
        return view with { SourceAssessmentId = assessment, TargetProfileId = profile };
    }

    public static IReadOnlyList<TargetGroups> Groups(TargetGroups groups) =>
        [.. new[] { TargetGroups.GeneralPublic, TargetGroups.CriticalInfrastructureOperators, TargetGroups.PublicSectorStaff }.Where(g => groups.HasFlag(g))];

    /// <summary>Views of actions for <paramref name="caller"/>: links to projects and incidents resolved once each, shown only when readable.</summary>
    public async Task<IReadOnlyList<ActionView>> ActionsAsync(IReadOnlyList<PlanAction> actions, Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actions);
        var projectLabels = new Dictionary<Guid, string?>();
        foreach (var id in actions.Where(a => a.FundingProjectId is not null).Select(a => a.FundingProjectId!.Value).Distinct())
        {
            projectLabels[id] = (await projects.FindAsync(caller, id, cancellationToken))?.Title;
        }

        var incidentLabels = new Dictionary<Guid, string?>();
        foreach (var id in actions.Where(a => a.SourceKind == ActionSourceKind.Incident && a.SourceId is not null).Select(a => a.SourceId!.Value).Distinct())
        {
            var incident = await incidents.FindAsync(caller, id, cancellationToken);
            incidentLabels[id] = incident is null ? null : $"{incident.Incident.HumanId} {incident.Incident.Title}";
        }

        var today = Today;
        return actions.Select(a =>
        {
            var source = SourceOf(a, incidentLabels);
            return new ActionView(a.Id, a.Number, a.Title, a.Description,
                a.Parameters.OrderBy(p => p.ParameterId, StringComparer.Ordinal).Select(p => new ActionParameterView(p.ParameterId, p.TargetLevel)).ToList(),
                a.Owner, a.StartDate, a.DueDate, a.Status, PlanProgress.IsOverdue(a, today), a.Budget, a.Currency, a.Funding,
                a.FundingProjectId is { } pid && projectLabels.GetValueOrDefault(pid) is { } title ? new LinkedRecord("project", pid, title) : null,
                a.Dependencies.Select(d => d.DependsOnId).ToList(),
                source,
                // The kind says what the linked record or the reference is; alone it would tell of a link this reader may not follow.
                source is not null || a.SourceReference is not null ? a.SourceKind : null, a.SourceReference,
                a.TemplateKey, a.CreatedAt, a.ModifiedAt);
        }).ToList();
    }

    private static LinkedRecord? SourceOf(PlanAction a, Dictionary<Guid, string?> incidentLabels) =>
        a.SourceKind == ActionSourceKind.Incident && a.SourceId is { } sid && incidentLabels.GetValueOrDefault(sid) is { } label ? new LinkedRecord("incident", sid, label) : null;

    /// <summary>Progress, overdue and the expected maturity: current levels from the source assessment and minimums from the profile, each only when this reader may read it.</summary>
    public async Task<ProgressView> ProgressAsync(ReadPlan read, Caller caller, IReadOnlyList<string> order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var actions = await plans.AllActionsAsync(read, cancellationToken);
        var changes = await plans.StatusChangesAsync(read, cancellationToken);
        var assessment = read.Plan.SourceAssessmentId is { } a ? await maturity.FindAsync(caller, a, cancellationToken) : null;
        var profile = read.Plan.TargetProfileId is { } p ? await maturity.FindProfileAsync(caller, p, cancellationToken) : null;
        var current = assessment is null ? new Dictionary<string, int>(StringComparer.Ordinal) : MaturityEndpoints.Levels(assessment.Assessment);
        var minimum = profile?.Profile.Levels.ToDictionary(l => l.ParameterId, l => l.MinLevel, StringComparer.Ordinal);
        var expected = PlanProgress.Expected(actions, current, minimum, order);
        var today = Today;
        var counted = actions.Where(x => x.Status != ActionStatus.Cancelled).ToList();
        var done = counted.Count(x => x.Status == ActionStatus.Done);
        return new ProgressView(actions.Count, done, actions.Count - counted.Count, actions.Count(x => PlanProgress.IsOverdue(x, today)),
            counted.Count == 0 ? 0 : Math.Round(100.0 * done / counted.Count, 1), PlanProgress.Series(changes, today),
            assessment?.Assessment.Id, profile?.Profile.Id, minimum is null ? null : expected.Where(e => e.Met is not null).All(e => e.Met == true), expected);
    }

    public static HygieneView Hygiene(CapacityPlan plan, PlanHygiene hygiene)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(hygiene);
        return new HygieneView(Groups(plan.TargetGroups),
            hygiene.Campaigns.Select(c => new CampaignView(c.Id, c.Name, c.StartDate, c.EndDate, c.Languages.Length == 0 ? [] : c.Languages.Split(','))).ToList(),
            hygiene.Materials.Select(m => MaterialView.From(plan.Id, m)).ToList(),
            hygiene.Indicators.Select(Indicator).ToList());
    }

    public static IndicatorView Indicator(PlanIndicator i)
    {
        ArgumentNullException.ThrowIfNull(i);
        return new IndicatorView(i.Id, i.Name, i.Unit, i.Target, i.LowerIsBetter, i.Values.OrderBy(v => v.Date).Select(v => new IndicatorValueView(v.Date, v.Value)).ToList());
    }

    public static string IndicatorChart(PlanIndicator i)
    {
        ArgumentNullException.ThrowIfNull(i);
        var points = i.Values.Select(v => (v.Date, (double)v.Value)).ToList();
        var max = i.Unit == "%" ? 100 : Math.Max((double)(i.Target ?? 0), points.Count == 0 ? 1 : points.Max(p => p.Item2)) * 1.1;
        return PlanProgress.Chart(points, max, i.Unit == "%" ? "%" : "", i.Name, (double?)i.Target);
    }
}
