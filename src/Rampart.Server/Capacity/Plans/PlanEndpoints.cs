using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Rampart.Server.Incidents.Attachments;
using Rampart.Server.Access;
using Rampart.Server.Capacity.Maturity;
using Rampart.Server.Hosting;

namespace Rampart.Server.Capacity.Plans;

public static class PlanEndpoints
{
    private const string PlanList = "capacity-plans";
    private const string ActionList = "capacity-plan-actions";
    private const string NoteList = "capacity-plan-notes";

    public static RouteGroupBuilder MapPlansApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/capacity/plans").WithTags("Capacity: plans").RequireAuthorization();

        group.MapGet("/", async Task<Ok<CursorPage<PlanView>>> (Caller caller, PlanQueries queries, PageCursors cursors, int? limit, string? next, string? q, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var search = Http.SearchText(q, "q");
            var before = cursors.Decode(next, PlanList, search ?? "");
            var (items, more) = await queries.ListAsync(caller, search, before, size, ct);
            var counts = await queries.CountsAsync(items, ct);
            return TypedResults.Ok(new CursorPage<PlanView>(items.Select(p => PlanViews.Plan(p, null, caller, counts.GetValueOrDefault(p.RecordId) ?? new PlanCounts(0, 0, 0, 0), sourcesReadable: false)).ToList(),
                more ? cursors.Encode(PlanList, search ?? "", items[^1].RecordId) : null));
        }).WithSummary("List capacity-building plans").WithDescription("Plans the caller may read (its organisation's and any shared with it), newest first, cursor-paged (limit ≤ 200), with counts of actions done and overdue. 'q' keeps plans whose title has words starting with each word typed.");

        group.MapGet("/templates", Ok<CursorPage<TemplateView>> () =>
            TypedResults.Ok(new CursorPage<TemplateView>(PlanTemplates.All.Select(t => Template(t, CultureInfo.CurrentUICulture)).ToList(), null)))
            .WithSummary("Plan action templates for common gaps").WithDescription("Templates written from the SIM3 parameter meanings (for example formalising the incident classification O-8 on RSIT), titles in the request's language, with the parameters they raise and a suggested level (the SIM3 level meaning, no official threshold). A handful: one page.");

        group.MapGet("/{id}", async Task<Results<Ok<PlanView>, NotFound>> (string id, Caller caller, PlanQueries queries, PlanViews views, CancellationToken ct) =>
            await queries.FindAsync(caller, Http.ParseId(id), ct) is { } read ? TypedResults.Ok(await views.DetailAsync(read, caller, ct)) : TypedResults.NotFound())
            .WithSummary("Read a plan").WithDescription("Title, kind, status, model version, source assessment and target profile (only when the caller may read them), distribution and counts. 404 when it does not exist or the caller may not read it.");

        group.MapPost("/", async Task<Created<PlanView>> (PlanRequest request, Caller caller, PlanEditing editing, PlanQueries queries, PlanViews views, CancellationToken ct) =>
        {
            var plan = await editing.CreateAsync(caller, request, ct);
            return TypedResults.Created($"/api/capacity/plans/{plan.Id}", await views.DetailAsync((await queries.FindAsync(caller, plan.Id, ct))!, caller, ct));
        }).WithSummary("Create a plan").WithDescription("Title, kind (capacity-building or cyber-hygiene, with targetGroups), model version (default: the source assessment's, else SIM3 v2 interim), optional sourceAssessmentId and targetProfileId (both must be readable). TLP defaults to red and the audience to the own organisation only.");

        group.MapPost("/from-gaps", async Task<Created<PlanView>> (PlanFromGapsRequest request, Caller caller, PlanEditing editing, PlanQueries queries, PlanViews views, CancellationToken ct) =>
        {
            var plan = await editing.CreateFromGapsAsync(caller, request, CultureInfo.CurrentUICulture, ct);
            return TypedResults.Created($"/api/capacity/plans/{plan.Id}", await views.DetailAsync((await queries.FindAsync(caller, plan.Id, ct))!, caller, ct));
        }).WithSummary("Create a plan from an assessment's gaps").WithDescription("assessmentId and profileId (readable, same model version): one planned action per parameter below its minimum level, largest gap first, raising it to the minimum; a template's title where one fits the parameter. parameterIds (optional): only those gaps, each one a 400 unless it is below the profile's minimum. The SIM3 relations between parameters are hints of the gap list (GET /api/capacity/maturity/assessments/{id}/gaps), not actions of their own.");

        group.MapPut("/{id}", async Task<Results<Ok<PlanView>, NotFound>> (string id, PlanChangeRequest request, Caller caller, PlanEditing editing, PlanQueries queries, PlanViews views, CancellationToken ct) =>
            await editing.ChangeAsync(caller, Http.ParseId(id), request, ct) is { } plan && await queries.FindAsync(caller, plan.Id, ct) is { } read
                ? TypedResults.Ok(await views.DetailAsync(read, caller, ct))
                : TypedResults.NotFound())
            .WithSummary("Change a plan").WithDescription("Title, status (draft, active, completed, archived), target profile, target groups (cyber-hygiene), TLP and audiences: only what is given changes. Writers of the planning organisation only (403 for other readers, 404 for everyone else).");

        group.MapDelete("/{id}", async Task<Results<NoContent, NotFound>> (string id, Caller caller, PlanEditing editing, CancellationToken ct) =>
            await editing.DeleteAsync(caller, Http.ParseId(id), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Delete a plan").WithDescription("With its actions, notes, campaigns, materials and indicators. Writers of the planning organisation only.");

        // ----- actions
        group.MapGet("/{id}/actions", async Task<Results<Ok<CursorPage<ActionView>>, NotFound>> (string id, Caller caller, PlanQueries queries, PlanViews views, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            if (await queries.FindAsync(caller, Http.ParseId(id), ct) is not { } read)
            {
                return TypedResults.NotFound();
            }

            var after = cursors.Decode(next, ActionList, read.Plan.Id.ToString());
            var (items, more) = await queries.ActionsAsync(read, after is { } a ? (int)a : null, size, ct);
            return TypedResults.Ok(new CursorPage<ActionView>(await views.ActionsAsync(items, caller, ct), more ? cursors.Encode(ActionList, read.Plan.Id.ToString(), items[^1].Number) : null));
        }).WithSummary("List a plan's actions").WithDescription("By number, cursor-paged (limit ≤ 200): parameters with target levels, owner, dates, status, overdue (due before today and not done or cancelled), budget, funding (the registry project only when the caller may read it), dependencies, source link (only when readable).");

        group.MapPost("/{id}/actions", async Task<Results<Created<ActionView>, NotFound>> (string id, ActionRequest request, Caller caller, PlanEditing editing, PlanViews views, CancellationToken ct) =>
            await editing.AddActionAsync(caller, Http.ParseId(id), request, CultureInfo.CurrentUICulture, ct) is { } action
                ? TypedResults.Created($"/api/capacity/plans/{id}/actions/{action.Id}", (await views.ActionsAsync([action], caller, ct))[0])
                : TypedResults.NotFound())
            .WithSummary("Add an action").WithDescription("title (or templateKey), description, parameters [{parameterId, targetLevel}] of the plan's model version (an unknown id is a 400 naming it), owner, startDate, dueDate, status, budget with currency, funding (own, donor-project with fundingProjectId of a readable registry project, network), dependsOn (actions of this plan; a cycle is a 400), sourceKind + sourceId (a readable incident).");

        group.MapGet("/{id}/actions/{actionId}", async Task<Results<Ok<ActionView>, NotFound>> (string id, string actionId, Caller caller, PlanQueries queries, PlanViews views, CancellationToken ct) =>
            await queries.FindAsync(caller, Http.ParseId(id), ct) is { } read && await queries.ActionAsync(read, Http.ParseId(actionId, "actionId"), ct) is { } action
                ? TypedResults.Ok((await views.ActionsAsync([action], caller, ct))[0])
                : TypedResults.NotFound())
            .WithSummary("Read an action").WithDescription("As in the list; what PUT on the same address takes back (read-only fields ignored, modifiedAt as read → 409 after someone else's change). 404 when the plan is not readable or has no such action.");

        group.MapPut("/{id}/actions/{actionId}", async Task<Results<Ok<ActionView>, NotFound>> (string id, string actionId, ActionRequest request, Caller caller, PlanEditing editing, PlanViews views, CancellationToken ct) =>
            await editing.ChangeActionAsync(caller, Http.ParseId(id), Http.ParseId(actionId, "actionId"), request, CultureInfo.CurrentUICulture, ct) is { } action
                ? TypedResults.Ok((await views.ActionsAsync([action], caller, ct))[0])
                : TypedResults.NotFound())
            .WithSummary("Replace an action").WithDescription("The whole action as in POST; its status history feeds the progress line. A dependency that would close a cycle is a 400 naming dependsOn.");

        group.MapDelete("/{id}/actions/{actionId}", async Task<Results<NoContent, NotFound>> (string id, string actionId, Caller caller, PlanEditing editing, CancellationToken ct) =>
            await editing.DeleteActionAsync(caller, Http.ParseId(id), Http.ParseId(actionId, "actionId"), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Delete an action").WithDescription("409 while other actions depend on it.");

        group.MapGet("/{id}/actions/{actionId}/notes", async Task<Results<Ok<CursorPage<NoteView>>, NotFound>> (string id, string actionId, Caller caller, PlanQueries queries, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var action = Http.ParseId(actionId, "actionId");
            if (await queries.FindAsync(caller, Http.ParseId(id), ct) is not { } read)
            {
                return TypedResults.NotFound();
            }

            var before = cursors.Decode(next, NoteList, action.ToString());
            if (await queries.NotesAsync(read, action, before, size, ct) is not { } page)
            {
                return TypedResults.NotFound();
            }

            return TypedResults.Ok(new CursorPage<NoteView>(page.Entries.Select(n => new NoteView(n.Id, n.At, n.AuthorUserId, n.Text)).ToList(),
                page.More ? cursors.Encode(NoteList, action.ToString(), page.Entries[^1].Id) : null));
        }).WithSummary("An action's progress notes").WithDescription("The dated log, newest first, cursor-paged.");

        group.MapPost("/{id}/actions/{actionId}/notes", async Task<Results<Created<NoteView>, NotFound>> (string id, string actionId, NoteRequest request, Caller caller, PlanEditing editing, CancellationToken ct) =>
            await editing.AddNoteAsync(caller, Http.ParseId(id), Http.ParseId(actionId, "actionId"), request, ct) is { } n
                ? TypedResults.Created($"/api/capacity/plans/{id}/actions/{actionId}/notes", new NoteView(n.Id, n.At, n.AuthorUserId, n.Text))
                : TypedResults.NotFound())
            .WithSummary("Add a progress note").WithDescription("Text (multi-line, at most 4000 characters), dated now.");

        // ----- progress and exports
        group.MapGet("/{id}/progress", async Task<Results<Ok<ProgressView>, NotFound>> (string id, Caller caller, PlanQueries queries, PlanViews views, MaturityModels models, CancellationToken ct) =>
        {
            if (await queries.FindAsync(caller, Http.ParseId(id), ct) is not { } read)
            {
                return TypedResults.NotFound();
            }

            return TypedResults.Ok(await views.ProgressAsync(read, caller, await models.ParameterIdsAsync(read.Plan.ModelKey, ct), ct));
        }).WithSummary("Progress and expected maturity").WithDescription("Share of actions done (cancelled ones do not count) and its history per day of change; overdue actions; per parameter the current level (of the source assessment, when readable), the highest target of the actions, the expected level max(current, target) and whether it meets the target profile's minimum.");

        group.MapGet("/{id}/progress.svg", async Task<Results<ContentHttpResult, NotFound>> (string id, Caller caller, PlanQueries queries, PlanViews views, CancellationToken ct) =>
        {
            if (await queries.FindAsync(caller, Http.ParseId(id), ct) is not { } read)
            {
                return TypedResults.NotFound();
            }

            var progress = await views.ProgressAsync(read, caller, [], ct);
            return TypedResults.Content(PlanProgress.Chart(progress.Series.Select(p => (p.Date, p.Percent)).ToList(), 100, "%", read.Plan.Title), "image/svg+xml; charset=utf-8");
        }).WithSummary("Progress line (SVG)").WithDescription("The share of actions done over time, 0–100 %, drawn on the server.")
            .Produces<string>(StatusCodes.Status200OK, "image/svg+xml");

        group.MapGet("/{id}/actions.csv", async Task<Results<EmptyHttpResult, NotFound>> (string id, HttpContext http, Caller caller, PlanQueries queries, PlanViews views, CancellationToken ct) =>
        {
            if (await queries.FindAsync(caller, Http.ParseId(id), ct) is not { } read)
            {
                return TypedResults.NotFound();
            }

            var actions = await views.ActionsAsync(await queries.AllActionsAsync(read, ct), caller, ct);
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"plan-{read.Plan.Id}-actions.csv\"";
            await using var writer = new StreamWriter(http.Response.Body, new System.Text.UTF8Encoding(false));
            await PlanCsv.WriteAsync(actions, writer);
            return TypedResults.Empty;
        }).WithSummary("Export a plan's actions as CSV").WithDescription("One row per action (number, title, status, overdue, parameters as O-8>=3, owner, dates, budget, currency, funding, readable funding project, dependencies by number, readable source, description); cells that a spreadsheet would run as formulas are prefixed with an apostrophe.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");

        group.MapGet("/{id}/pdf", async Task<Results<FileContentHttpResult, NotFound>> (string id, string? language, Caller caller, PlanPdf pdf, CancellationToken ct) =>
            await pdf.WriteAsync(caller, Http.ParseId(id), language, ct) is { } file ? TypedResults.File(file.Pdf, "application/pdf", file.FileName) : TypedResults.NotFound())
            .WithSummary("Export a plan as PDF")
            .WithDescription("What the printable page shows (marking, status, progress, expected maturity, every action), A4 with the font embedded, in the language of the owning organisation's country "
                + "(AL/XK sq, MK mk, RS sr-Latn, ME sr-Latn-ME, BA bs, GE ka, MD ro, otherwise en) or language= one of the node's languages. 404 when not readable.")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf");

        // ----- cyber hygiene
        group.MapGet("/{id}/hygiene", async Task<Results<Ok<HygieneView>, NotFound>> (string id, Caller caller, PlanQueries queries, CancellationToken ct) =>
            await queries.FindAsync(caller, Http.ParseId(id), ct) is { } read ? TypedResults.Ok(PlanViews.Hygiene(read.Plan, await queries.HygieneAsync(read, ct))) : TypedResults.NotFound())
            .WithSummary("A cyber-hygiene plan's campaigns, materials and indicators").WithDescription("Target groups, campaigns (name, dates, languages), materials (links per language) and indicators with their measured values, oldest first. Bounded: at most 100 campaigns, 500 materials, 50 indicators of 1000 values each.");

        group.MapPost("/{id}/campaigns", async Task<Results<Created<CampaignView>, NotFound>> (string id, CampaignRequest request, Caller caller, PlanEditing editing, CancellationToken ct) =>
            await editing.AddCampaignAsync(caller, Http.ParseId(id), request, ct) is { } c
                ? TypedResults.Created($"/api/capacity/plans/{id}/hygiene", new CampaignView(c.Id, c.Name, c.StartDate, c.EndDate, c.Languages.Length == 0 ? [] : c.Languages.Split(',')))
                : TypedResults.NotFound())
            .WithSummary("Add a campaign").WithDescription("Name, start and end dates, languages (UI culture names such as sq, sr-Latn, ka). Cyber-hygiene plans only (409 otherwise).");

        group.MapPost("/{id}/materials", async Task<Results<Created<MaterialView>, NotFound>> (string id, MaterialRequest request, Caller caller, PlanEditing editing, CancellationToken ct) =>
            await editing.AddMaterialAsync(caller, Http.ParseId(id), request, ct) is { } m
                ? TypedResults.Created($"/api/capacity/plans/{id}/hygiene", MaterialView.From(Http.ParseId(id), m))
                : TypedResults.NotFound())
            .WithSummary("Add a material (a link)").WithDescription("Title, an http(s) link, its language, optionally the campaign it belongs to. A file is sent to POST …/materials/files.");

        var attachmentOptions = routes.ServiceProvider.GetRequiredService<IOptions<AttachmentOptions>>().Value;
        // As the other uploads: one file at the limit plus the form around it; beyond that 413 before anything is read.
        var uploadPath = new MachinePath
        {
            Name = "api-attachments", MaxRequestBodyBytes = attachmentOptions.MaxBytes + (1024 * 1024), WriteError = RampartHost.ApiPath.WriteError, Json = RampartHost.ApiPath.Json,
        };
        group.MapPost("/{id}/materials/files", async Task<Results<Created<MaterialView>, NotFound>> (HttpContext http, string id, Caller caller, PlanEditing editing,
            IOptions<AttachmentOptions> options, CancellationToken ct) =>
        {
            var planId = Http.ParseId(id);
            if (!http.Request.HasFormContentType)
            {
                throw RequestErrors.One("body", "Send multipart/form-data: the file under 'files', and the fields 'title', 'language' and optionally 'campaignId'.");
            }

            // Who may not add material learns it before the body is read (the server buffers no upload for them).
            if (!await editing.CanAddMaterialAsync(caller, planId, ct))
            {
                return TypedResults.NotFound();
            }

            var (form, uploads) = await AttachmentStore.ReadMultipartAsync(http.Request, options.Value, ct);
            if (uploads.Count != 1)
            {
                throw RequestErrors.One("files", "Send exactly one file under 'files' per material.");
            }

            Guid? campaignId = null;
            if (form["campaignId"].ToString() is { Length: > 0 } campaign)
            {
                campaignId = Guid.TryParse(campaign, out var parsed) ? parsed : throw RequestErrors.One("campaignId", "Not an id.");
            }

            var request = new MaterialRequest(form["title"].ToString(), form["url"].ToString() is { Length: > 0 } url ? url : null, form["language"].ToString(), campaignId);
            return await editing.AddMaterialAsync(caller, planId, request, uploads[0], ct) is { } m
                ? TypedResults.Created($"/api/capacity/plans/{planId}/hygiene", MaterialView.From(planId, m))
                : TypedResults.NotFound();
        }).WithSummary("Add a material (a file)")
            .WithDescription("multipart/form-data: one file under 'files' (documents, posters, videos; samples are refused), 'title', 'language' (a UI culture name such as sq or sr-Cyrl), optionally 'campaignId'. Stored with its size and SHA-256 (Rampart:Attachments:MaxBytes: a larger file is a 400 naming it, a larger body 413). Writers of the plan, cyber-hygiene plans only (409 otherwise); 404 when the plan is not readable. Deleting the material deletes its file.")
            .WithMetadata(uploadPath);

        group.MapGet("/{id}/materials/{materialId}/file", async Task<Results<FileContentHttpResult, NotFound>> (HttpContext http, string id, string materialId, Caller caller, PlanQueries queries, CancellationToken ct) =>
            await queries.FindAsync(caller, Http.ParseId(id), ct) is { } read && await queries.MaterialFileAsync(read, Http.ParseId(materialId, "materialId"), ct) is { } found
                ? AttachmentStore.Download(http, found.Attachment, found.Content)
                : TypedResults.NotFound())
            .WithSummary("Download a material's file").WithDescription("Readers of the plan. Always application/octet-stream as an attachment, never rendered by the browser. 404 when the plan is not readable or the material has no file.");

        group.MapPost("/{id}/indicators", async Task<Results<Created<IndicatorView>, NotFound>> (string id, IndicatorRequest request, Caller caller, PlanEditing editing, CancellationToken ct) =>
            await editing.AddIndicatorAsync(caller, Http.ParseId(id), request, ct) is { } i
                ? TypedResults.Created($"/api/capacity/plans/{id}/hygiene", PlanViews.Indicator(i))
                : TypedResults.NotFound())
            .WithSummary("Add an indicator").WithDescription("Name (for example phishing-simulation click rate), unit ('%' keeps values within 0–100), optional target, and whether lower is better.");

        group.MapPut("/{id}/indicators/{indicatorId}/values", async Task<Results<Ok<IndicatorView>, NotFound>> (string id, string indicatorId, IndicatorValueRequest request, Caller caller, PlanEditing editing, CancellationToken ct) =>
            await editing.MeasureAsync(caller, Http.ParseId(id), Http.ParseId(indicatorId, "indicatorId"), request, ct) is { } i
                ? TypedResults.Ok(PlanViews.Indicator(i))
                : TypedResults.NotFound())
            .WithSummary("Record a measured value").WithDescription("The value measured on a date (not in the future); a second value for the same date replaces the first.");

        group.MapGet("/{id}/indicators/{indicatorId}/chart.svg", async Task<Results<ContentHttpResult, NotFound>> (string id, string indicatorId, Caller caller, PlanQueries queries, CancellationToken ct) =>
        {
            var wanted = Http.ParseId(indicatorId, "indicatorId");
            if (await queries.FindAsync(caller, Http.ParseId(id), ct) is not { } read
                || (await queries.HygieneAsync(read, ct)).Indicators.FirstOrDefault(i => i.Id == wanted) is not { } indicator)
            {
                return TypedResults.NotFound();
            }

            return TypedResults.Content(PlanViews.IndicatorChart(indicator), "image/svg+xml; charset=utf-8");
        }).WithSummary("An indicator's values over time (SVG)").WithDescription("A line of the measured values with the target dashed, drawn on the server.")
            .Produces<string>(StatusCodes.Status200OK, "image/svg+xml");

        group.MapDelete("/{id}/{part}/{partId}", async Task<Results<NoContent, NotFound>> (string id, string part, string partId, Caller caller, PlanEditing editing, CancellationToken ct) =>
        {
            if (part is not ("campaigns" or "materials" or "indicators"))
            {
                return TypedResults.NotFound();
            }

            return await editing.RemoveHygienePartAsync(caller, Http.ParseId(id), part, Http.ParseId(partId, "partId"), ct) ? TypedResults.NoContent() : TypedResults.NotFound();
        }).WithSummary("Remove a campaign, material or indicator").WithDescription("part is campaigns, materials or indicators. Removing a campaign keeps its materials, no longer tied to it.");

        return group;
    }

    public static TemplateView Template(PlanTemplate t, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new TemplateView(t.Key, t.Title(culture), t.Description, t.Parameters.Select(p => new ActionParameterView(p.Key, p.Value)).ToList());
    }
}
