using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Rampart.Server.Hosting;

namespace Rampart.Server.Capacity.Projects;

public sealed record ActorView(ActorRole Role, Guid? OrganisationId, string Name);

public sealed record ProjectView(
    Guid Id,
    string Title,
    string? Code,
    ProjectStatus Status,
    string Start,
    string? End,
    IReadOnlyList<ProjectTheme> Themes,
    IReadOnlyList<string> Tags,
    string Summary,
    string Aim,
    string Context,
    string Outcomes,
    IReadOnlyList<string> Countries,
    IReadOnlyList<ActorView> Actors,
    long? Budget,
    string? Currency,
    IReadOnlyList<ProjectLink> Links,
    IReadOnlyList<ProjectLink> Publications,
    ProjectVisibility Visibility,
    Guid OwnerOrganisationId,
    string OwnerOrganisation,
    DateTimeOffset CreatedAt,
    DateTimeOffset ModifiedAt,
    bool CanEdit)
{
    public static ProjectView From(CapacityProject p, IReadOnlyDictionary<Guid, (string ShortName, string Name)> names, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(caller);
        return new(p.Id, p.Title, p.Code, p.Status, p.Start, p.End, p.Lists.Themes, p.Lists.Tags, p.Summary, p.Aim, p.Context, p.Outcomes,
            p.Lists.Countries,
            p.Lists.Actors.Select(a => new ActorView(a.Role, a.OrganisationId,
                a.OrganisationId is { } id ? (names.TryGetValue(id, out var n) ? n.Name : id.ToString()) : a.Name!)).ToList(),
            p.Budget, p.Currency, p.Lists.Links, p.Lists.Publications, ProjectRules.Visibility(p.Record), p.Record.OwnerOrganisationId,
            names.TryGetValue(p.Record.OwnerOrganisationId, out var owner) ? owner.Name : "", p.CreatedAt, p.ModifiedAt,
            caller.IsAuthenticated && AccessPolicy.CanWrite(caller, p.Record));
    }
}

public sealed record SuggestionView(Guid Id, Guid ProjectId, Guid OrganisationId, SuggestionStatus Status, ProjectRequest Proposed, string Comment,
    DateTimeOffset CreatedAt, DateTimeOffset? DecidedAt, string? DecisionNote, DateTimeOffset? BasedOn = null)
{
    public static SuggestionView From(ProjectSuggestion s, Guid projectId)
    {
        ArgumentNullException.ThrowIfNull(s);
        return new(s.Id, projectId, s.OrganisationId, s.Status, ProjectQueries.ProposedOf(s), s.Comment, s.CreatedAt, s.DecidedAt, s.DecisionNote, s.BasedOn);
    }
}

/// <summary>A training session delivered under a project, as the project's page lists it (only sessions of courses the reader may read).</summary>
public sealed record ProjectSessionView(Guid SessionId, Guid CourseId, string Course, string Provider, DateOnly StartDate, DateOnly EndDate, bool Online, string? Place, decimal Hours);

/// <summary>A plan action funded by a project, as the project's page lists it (only actions of plans the reader may read).</summary>
public sealed record ProjectActionView(Guid ActionId, int Number, string Title, Plans.ActionStatus Status, DateOnly? DueDate, bool Overdue, decimal? Budget, string? Currency,
    Guid PlanId, string PlanTitle, Guid PlanOrganisationId)
{
    public static ProjectActionView From(Plans.PlanAction a, Plans.CapacityPlan p, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(p);
        return new(a.Id, a.Number, a.Title, a.Status, a.DueDate, a.Status is Plans.ActionStatus.Planned or Plans.ActionStatus.InProgress && a.DueDate < today,
            a.Budget, a.Currency, p.Id, p.Title, p.OrganisationId);
    }
}

public static class ProjectEndpoints
{
    private const string ListName = "capacity-projects";

    public static RouteGroupBuilder MapProjectsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/capacity/projects").WithTags("Capacity-building projects");

        group.MapGet("/", async Task<Ok<CursorPage<ProjectView>>> (Caller caller, ProjectQueries projects, PageCursors cursors, int? limit, string? next,
            string? country, string? theme, string? actor, string? status, string? year, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var filter = ProjectFilter.Parse(country, theme, actor, status, year);
            var before = cursors.Decode(next, ListName, filter.Scope);
            var (found, more) = await projects.ListAsync(caller, filter, before, size, ct);
            var names = await projects.OrganisationNamesAsync(found, ct);
            return TypedResults.Ok(new CursorPage<ProjectView>(found.Select(p => ProjectView.From(p, names, caller)).ToList(),
                more ? cursors.Encode(ListName, filter.Scope, found[^1].RecordId) : null));
        }).WithSummary("List capacity-building projects")
            .WithDescription("Projects the caller may read (public ones also without login), newest first, cursor-paged (limit 1-200). Filters: country (ISO 3166-1 alpha-2), "
                + "theme (a GFCE theme), actor (an organisation id or an external actor's name), status, year (projects running in that year). A bad filter is a 400 naming it.")
            .AllowAnonymous();

        group.MapGet("/{id}", async Task<Results<Ok<ProjectView>, NotFound>> (string id, Caller caller, ProjectQueries projects, CancellationToken ct) =>
        {
            var project = await projects.FindAsync(caller, Http.ParseId(id), ct);
            return project is null ? TypedResults.NotFound() : TypedResults.Ok(ProjectView.From(project, await projects.OrganisationNamesAsync([project], ct), caller));
        }).WithSummary("Read a project").WithDescription("404 when the project does not exist or the caller may not read it (a network-only project to someone not logged in).")
            .AllowAnonymous();

        group.MapPost("/", async Task<Created<ProjectView>> (ProjectRequest request, Caller caller, ProjectEditing editing, ProjectQueries projects, CancellationToken ct) =>
        {
            var project = await editing.CreateAsync(caller, request, ct);
            var read = (await projects.FindAsync(caller, project.Id, ct))!;
            return TypedResults.Created($"/api/capacity/projects/{project.Id}", ProjectView.From(read, await projects.OrganisationNamesAsync([read], ct), caller));
        }).WithSummary("Register a project")
            .WithDescription("The caller's organisation owns it. visibility: network (logged-in members) or public (also the public pages). Every broken rule is a 400 naming its field; nothing is stored.")
            .RequireAuthorization();

        group.MapPut("/{id}", async Task<Results<Ok<ProjectView>, NotFound>> (string id, ProjectRequest request, Caller caller, ProjectEditing editing, ProjectQueries projects, CancellationToken ct) =>
        {
            var project = await editing.UpdateAsync(caller, Http.ParseId(id), request, ct);
            var read = project is null ? null : await projects.FindAsync(caller, project.Id, ct);
            return read is null ? TypedResults.NotFound() : TypedResults.Ok(ProjectView.From(read, await projects.OrganisationNamesAsync([read], ct), caller));
        }).WithSummary("Change a project").WithDescription("Writers of the owning organisation only (others who may read it get 403 and suggest an edit); 404 when not readable. Leaving out visibility keeps it.")
            .RequireAuthorization();

        group.MapDelete("/{id}", async Task<Results<NoContent, NotFound>> (string id, Caller caller, ProjectEditing editing, CancellationToken ct) =>
            await editing.DeleteAsync(caller, Http.ParseId(id), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Delete a project").WithDescription("Writers of the owning organisation only; 404 when not readable.").RequireAuthorization();

        group.MapPost("/{id}/suggestions", async Task<Results<Created<SuggestionView>, NotFound>> (string id, SuggestionRequest request, Caller caller, ProjectEditing editing, CancellationToken ct) =>
        {
            var projectId = Http.ParseId(id);
            var suggestion = await editing.SuggestAsync(caller, projectId, request, ct);
            return suggestion is null ? TypedResults.NotFound()
                : TypedResults.Created($"/api/capacity/projects/{projectId}/suggestions/{suggestion.Id}", SuggestionView.From(suggestion, projectId));
        }).WithSummary("Suggest an edit").WithDescription("A member of another organisation who may read the project proposes it as it should read (the whole project, without visibility) and why; the owner accepts or rejects.")
            .RequireAuthorization();

        group.MapGet("/{id}/suggestions", async Task<Results<Ok<CursorPage<SuggestionView>>, NotFound>> (string id, Caller caller, ProjectQueries projects, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var projectId = Http.ParseId(id);
            var size = Http.Limit(limit);
            var before = cursors.DecodeKey(next, "capacity-project-suggestions", projectId.ToString())?.Id;
            var page = await projects.SuggestionsAsync(caller, projectId, before, size, ct);
            if (page is not { } found)
            {
                return TypedResults.NotFound();
            }

            return TypedResults.Ok(new CursorPage<SuggestionView>(found.Suggestions.Select(s => SuggestionView.From(s, projectId)).ToList(),
                found.More ? cursors.Encode("capacity-project-suggestions", projectId.ToString(), "", found.Suggestions[^1].Id) : null));
        }).WithSummary("List a project's suggestions").WithDescription("All of them for the owning organisation; only its own for another organisation. Newest first, cursor-paged.")
            .RequireAuthorization();

        group.MapGet("/{id}/sessions", async Task<Results<Ok<CursorPage<ProjectSessionView>>, NotFound>> (string id, Caller caller, Training.TrainingQueries training, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var projectId = Http.ParseId(id);
            var size = Http.Limit(limit);
            var scope = projectId.ToString("N");
            var after = cursors.DecodeKey(next, "capacity-project-sessions", scope) is { } k
                ? (DateOnly.TryParseExact(k.Key, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? (date, k.Id) : throw RequestErrors.One("next", "Not a cursor of this list."))
                : ((DateOnly, Guid)?)null;
            if (await training.SessionsUnderProjectAsync(caller, projectId, after, size, ct) is not { } found)
            {
                return TypedResults.NotFound();
            }

            var views = found.Sessions.Select(f => new ProjectSessionView(f.Session.Id, f.Course.Id, f.Course.Title, f.Course.Provider, f.Session.StartDate, f.Session.EndDate,
                f.Session.Online, f.Session.Place, f.Course.Hours)).ToList();
            return TypedResults.Ok(new CursorPage<ProjectSessionView>(views,
                found.More ? cursors.Encode("capacity-project-sessions", scope, views[^1].StartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), views[^1].SessionId) : null));
        }).WithSummary("List the training sessions delivered under a project")
            .WithDescription("Sessions whose course the caller may read (its own organisation's and those shared with the network) that name this project, by start date, cursor-paged (limit 1-200). 404 when the project is not readable.")
            .RequireAuthorization();

        group.MapGet("/{id}/actions", async Task<Results<Ok<CursorPage<ProjectActionView>>, NotFound>> (string id, Caller caller, Plans.PlanQueries plans, PageCursors cursors, TimeProvider clock, int? limit, string? next, CancellationToken ct) =>
        {
            var projectId = Http.ParseId(id);
            var size = Http.Limit(limit);
            var scope = projectId.ToString("N");
            var after = cursors.DecodeKey(next, "capacity-project-actions", scope)?.Id;
            if (await plans.FundedByProjectAsync(caller, projectId, after, size, ct) is not { } found)
            {
                return TypedResults.NotFound();
            }

            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var views = found.Actions.Select(f => ProjectActionView.From(f.Action, f.Plan, today)).ToList();
            return TypedResults.Ok(new CursorPage<ProjectActionView>(views, found.More ? cursors.Encode("capacity-project-actions", scope, "", views[^1].ActionId) : null));
        }).WithSummary("List the plan actions a project funds")
            .WithDescription("Actions of capacity-building plans that name this project as their funding (fundingProjectId), only of plans the caller may read (an action of another organisation's unshared plan is neither listed nor counted), by action id (a time-ordered UUID, so oldest first), cursor-paged (limit 1-200). Each with its plan, status, due date (overdue flagged) and budget. 404 when the project is not readable.")
            .RequireAuthorization();

        group.MapPost("/{id}/suggestions/{suggestionId}/accept", async Task<Results<Ok<SuggestionView>, NotFound>> (string id, string suggestionId, SuggestionDecision? decision, Caller caller, ProjectEditing editing, CancellationToken ct) =>
            await Decide(id, suggestionId, true, decision, caller, editing, ct))
            .WithSummary("Accept a suggestion").WithDescription("Writers of the owning organisation: the proposal (checked again) becomes the project. 409 when already decided, and 409 when the project changed after the suggestion was made (accepting would undo that change) unless the body says overwrite: true.").RequireAuthorization();

        group.MapPost("/{id}/suggestions/{suggestionId}/reject", async Task<Results<Ok<SuggestionView>, NotFound>> (string id, string suggestionId, SuggestionDecision? decision, Caller caller, ProjectEditing editing, CancellationToken ct) =>
            await Decide(id, suggestionId, false, decision, caller, editing, ct))
            .WithSummary("Reject a suggestion").WithDescription("Writers of the owning organisation; an optional note says why. 409 when already decided.").RequireAuthorization();

        group.MapGet("/funding", async Task<Ok<IReadOnlyList<FundingItem>>> (Caller caller, ProjectQueries projects, string? by, string? country, string? theme, string? actor, string? status, string? year, CancellationToken ct) =>
        {
            var kind = by switch
            {
                null or "country" => ProjectFacetKind.Country,
                "theme" => ProjectFacetKind.Theme,
                _ => throw RequestErrors.One("by", "country or theme."),
            };
            return TypedResults.Ok(await projects.FundingAsync(caller, kind, ProjectFilter.Parse(country, theme, actor, status, year), ct));
        }).WithSummary("Funding by country or theme")
            .WithDescription("Budgets of the readable projects (with the list's filters) summed per country (or theme) and currency; currencies are never added together, and a project counts in each of its countries.")
            .AllowAnonymous();

        group.MapPost("/import/preview", async Task<Ok<ProjectImportPreview>> (ProjectImportRequest request, Caller caller, ProjectCsv csv, CancellationToken ct) =>
        {
            if (!AccessPolicy.CanCreate(caller))
            {
                throw new ForbiddenException("Viewers, read-only keys and the operator cannot import.");
            }

            return TypedResults.Ok(await csv.PreviewAsync(caller, request, ct));
        }).WithSummary("Preview a CSV import")
            .WithDescription("Each data row as it would be imported: new, duplicate-code, duplicate-title (of a project you may read, or of an earlier row) or error with the reason. "
                + "A file that is not readable CSV, or has unknown or missing columns, is a 400 naming csv. Nothing is stored.")
            .RequireAuthorization();

        group.MapPost("/import", async Task<Ok<ProjectImportResult>> (ProjectImportRequest request, Caller caller, ProjectCsv csv, CancellationToken ct) =>
            TypedResults.Ok(await csv.ConfirmAsync(caller, request, ct)))
            .WithSummary("Import chosen CSV rows")
            .WithDescription("The same csv with rows (the preview's row numbers) and visibility: the chosen rows are imported in one transaction; a chosen row with errors is a 400 naming rows[i], and nothing is stored.")
            .RequireAuthorization();

        group.MapGet("/export", async (HttpContext http, Caller caller, ProjectCsv csv, string? country, string? theme, string? actor, string? status, string? year, CancellationToken ct) =>
        {
            var filter = ProjectFilter.Parse(country, theme, actor, status, year);
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = "attachment; filename=\"capacity-projects.csv\"";
            await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false));
            await csv.ExportAsync(caller, filter, writer, ct);
            await writer.FlushAsync(ct);
        }).WithSummary("Export projects as CSV").WithDescription("Every project the caller may read with the list's filters, newest first, in the import's columns.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv").AllowAnonymous();

        return group;
    }

    private static async Task<Results<Ok<SuggestionView>, NotFound>> Decide(string id, string suggestionId, bool accept, SuggestionDecision? decision, Caller caller, ProjectEditing editing, CancellationToken ct)
    {
        var projectId = Http.ParseId(id);
        var suggestion = await editing.DecideAsync(caller, projectId, Http.ParseId(suggestionId, "suggestionId"), accept, decision ?? new SuggestionDecision(null), ct);
        return suggestion is null ? TypedResults.NotFound() : TypedResults.Ok(SuggestionView.From(suggestion, projectId));
    }
}
