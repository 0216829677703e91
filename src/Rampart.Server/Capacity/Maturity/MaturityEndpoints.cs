using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Rampart.Server.Incidents.Attachments;
using Rampart.Server.Access;
using Rampart.Server.Hosting;
using Rampart.Standards.Markings;
using Rampart.Standards.Sim3;

namespace Rampart.Server.Capacity.Maturity;

/// <summary>An evidence file as the API shows it: never its bytes, always its size and SHA-256 (download: GET …/files/{id}).</summary>
public sealed record EvidenceFileView(Guid Id, string ParameterId, string FileName, string DeclaredContentType, long Size, string Sha256, DateTimeOffset CreatedAt)
{
    public static EvidenceFileView From(string parameterId, Incidents.Attachments.Attachment a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return new(a.Id, parameterId, a.FileName, a.DeclaredContentType, a.Size, a.Sha256, a.CreatedAt);
    }
}

public sealed record RatingView(string ParameterId, int? Level, string? Comment, IReadOnlyList<string> Evidence, IReadOnlyList<EvidenceFileView> Files);

public sealed record AssessmentView(
    Guid Id,
    Guid SeriesId,
    int Version,
    Guid OrganisationId,
    string ModelKey,
    AssessmentType Type,
    DateOnly Date,
    string Assessors,
    AssessmentStatus Status,
    Guid? ReviewerOrganisationId,
    Tlp Tlp,
    Audience Audience,
    IReadOnlyList<ResolvedAudience>? Audiences,
    DateTimeOffset CreatedAt,
    DateTimeOffset ModifiedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<RatingView>? Ratings)
{
    /// <summary>The view for <paramref name="caller"/>: the full audience only to the owner; ratings only when loaded.</summary>
    public static AssessmentView From(MaturityAssessment a, IReadOnlyList<AccessGrant>? grants, Caller caller, bool withRatings)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(caller);
        var isOwner = caller.IsAuthenticated && !caller.IsOperator && a.Record.OwnerOrganisationId == caller.OrganisationId;
        return new(a.Id, a.SeriesId, a.Version, a.OrganisationId, a.ModelKey, a.AssessmentType, a.Date, a.Assessors, a.Status, a.ReviewerOrganisationId,
            a.Record.Tlp, grants is null ? Audience.Organisation : SharingStore.Summary(grants), isOwner && grants is not null ? SharingStore.AudienceOf(grants) : null,
            a.CreatedAt, a.ModifiedAt, a.FinishedAt,
            withRatings
                ? a.Ratings.OrderBy(r => r.ParameterId, StringComparer.Ordinal).Select(r => new RatingView(r.ParameterId, r.Level, r.Comment,
                    r.Evidence is null ? [] : r.Evidence.Split('\n'),
                    r.Files.Where(f => f.Attachment is not null).OrderBy(f => f.AttachmentId).Select(f => EvidenceFileView.From(r.ParameterId, f.Attachment)).ToList())).ToList()
                : null);
    }
}

public sealed record ProfileView(Guid Id, Guid SeriesId, int Version, string Name, string ModelKey, bool Network, Guid OrganisationId, DateTimeOffset CreatedAt, IReadOnlyDictionary<string, int>? Levels)
{
    public static ProfileView From(MaturityProfile p, bool withLevels)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new(p.Id, p.SeriesId, p.Version, p.Name, p.ModelKey, p.Network, p.Record.OwnerOrganisationId, p.CreatedAt,
            withLevels ? p.Levels.ToDictionary(l => l.ParameterId, l => l.MinLevel, StringComparer.Ordinal) : null);
    }
}

public sealed record ModelVersionSummary(string Key, string Title, string Source, DateTimeOffset CreatedAt);

public sealed record ComparisonItem(string ParameterId, string Name, int? Level, int? OtherLevel, int? Difference);

public sealed record ComparisonView(Guid AssessmentId, Guid OtherId, int Differences, IReadOnlyList<ComparisonItem> Parameters)
{
    /// <summary>
    /// Both assessments' levels per parameter of <paramref name="model"/> and the difference (other minus this); a parameter
    /// rated in one and not the other counts as a difference without a number. The API and the assessment page both use it.
    /// </summary>
    public static ComparisonView Of(MaturityAssessment assessment, MaturityAssessment other, ModelVersionView model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var mine = MaturityEndpoints.Levels(assessment);
        var theirs = MaturityEndpoints.Levels(other);
        var items = model.Parameters.Select(p =>
        {
            var l = mine.TryGetValue(p.Id, out var x) ? x : (int?)null;
            var o = theirs.TryGetValue(p.Id, out var y) ? y : (int?)null;
            return new ComparisonItem(p.Id, p.Name, l, o, l is not null && o is not null ? o - l : null);
        }).ToList();
        return new ComparisonView(assessment.Id, other.Id, items.Count(Differs), items);
    }

    public static bool Differs(ComparisonItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Difference is not null and not 0 || (item.Level is null != item.OtherLevel is null);
    }
}

/// <summary>A parameter below its minimum level, with readable courses of the catalogue mapped to it (at most five).</summary>
public sealed record GapItem(string ParameterId, string Name, int MinLevel, int? Level, int Gap, IReadOnlyList<Training.ParameterCourse>? Courses = null, IReadOnlyList<GapRelation>? Relations = null);

/// <summary>
/// A SIM3 relation touching a gap's parameter (<c>from</c> <c>kind</c> <c>to</c>, "H-3 is-developed-by H-4") with the
/// parameter at its other end: its name, its level in the assessment (null when not rated) and its own gap (null when met
/// or without a minimum in the profile).
/// </summary>
public sealed record GapRelation(string From, Sim3RelationKind Kind, string To, string ParameterId, string Name, int? Level, int? Gap);

public sealed record GapView(Guid AssessmentId, Guid ProfileId, string ProfileName, int ProfileVersion, bool Met, IReadOnlyList<GapItem> Gaps);

public sealed record HistoryPoint(Guid AssessmentId, DateOnly Date, int Version, AssessmentType Type, IReadOnlyDictionary<Sim3Category, double> CategoryMeans);

public sealed record RegionalItem(string ParameterId, string Name, int? Contributors, IReadOnlyList<int>? Counts, int? OwnLevel);

public sealed record RegionalView(string ModelKey, int MinContributors, IReadOnlyList<RegionalItem> Parameters);

public sealed record OptInRequest(bool? OptedIn);

public sealed record OptInView(bool OptedIn);

public static class MaturityEndpoints
{
    private const string AssessmentList = "maturity-assessments";
    private const string ProfileList = "maturity-profiles";
    private const string ModelList = "maturity-models";

    public static RouteGroupBuilder MapMaturityApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/capacity/maturity").WithTags("Capacity: maturity").RequireAuthorization();

        // ----- the model
        group.MapGet("/models", async Task<Ok<CursorPage<ModelVersionSummary>>> (MaturityModels models, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var after = cursors.DecodeKey(next, ModelList, "")?.Key;
            var all = await models.VersionsAsync(ct);
            var page = all.Select(v => v.Key).Order(StringComparer.Ordinal).Where(k => after is null || string.CompareOrdinal(k, after) > 0).Take(size + 1).ToList();
            var items = page.Take(size).Select(k => all.First(v => v.Key == k)).Select(v => new ModelVersionSummary(v.Key, v.Title, v.Source, v.CreatedAt)).ToList();
            return TypedResults.Ok(new CursorPage<ModelVersionSummary>(items, page.Count > size ? cursors.Encode(ModelList, "", items[^1].Key, Guid.Empty) : null));
        }).WithSummary("List maturity model versions").WithDescription("SIM3 v1 (44 parameters, names to verify), SIM3 v2 interim (45) and any version added since, by key, cursor-paged.");

        group.MapGet("/models/{key}", async Task<Results<Ok<ModelVersionView>, NotFound>> (string key, MaturityModels models, CancellationToken ct) =>
            await models.FindAsync(key, CultureInfo.CurrentUICulture, ct) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound())
            .WithSummary("Read a maturity model version").WithDescription("Parameters in SIM3 order with category, name in the request's language (English where not translated), whether the name is verified, the description where the source gives one, the meanings of levels 0–4, and whether the version is used (then it never changes).");

        group.MapPost("/models", async Task<Created<ModelVersionSummary>> (ModelVersionRequest request, Caller caller, MaturityModels models, CancellationToken ct) =>
        {
            var v = await models.AddAsync(caller, request, ct);
            return TypedResults.Created($"/api/capacity/maturity/models/{v.Key}", new ModelVersionSummary(v.Key, v.Title, v.Source, v.CreatedAt));
        }).WithSummary("Add a maturity model version").WithDescription("Node administrators only. A new key; parameter ids are O/H/T/P-n, each once. Versions are never replaced.");

        group.MapPut("/models/{key}", async Task<Results<Ok<ModelVersionSummary>, NotFound>> (string key, ModelVersionRequest request, Caller caller, MaturityModels models, CancellationToken ct) =>
            await models.ChangeAsync(caller, key, request, ct) is { } v ? TypedResults.Ok(new ModelVersionSummary(v.Key, v.Title, v.Source, v.CreatedAt)) : TypedResults.NotFound())
            .WithSummary("Change an unused maturity model version").WithDescription("Node administrators only. 409 once an assessment or target profile uses the version: add a new version instead.");

        group.MapPut("/models/{key}/texts/{culture}", async Task<Results<NoContent, NotFound>> (string key, string culture, ModelTextsRequest request, Caller caller, MaturityModels models, CancellationToken ct) =>
            await models.TranslateAsync(caller, key, culture, request, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Translate parameter names").WithDescription("Node administrators only. Names and descriptions of parameters in one UI language (sq, sr-Latn, sr-Cyrl, mk, bs, sr-Latn-ME, ka, ro); allowed on used versions, as a translation does not change the model.");

        // ----- assessments
        group.MapGet("/assessments", async Task<Ok<CursorPage<AssessmentView>>> (Caller caller, MaturityQueries queries, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var before = cursors.Decode(next, AssessmentList, "");
            var (items, more) = await queries.ListAsync(caller, before, size, ct);
            return TypedResults.Ok(new CursorPage<AssessmentView>(items.Select(a => AssessmentView.From(a, null, caller, withRatings: false)).ToList(),
                more ? cursors.Encode(AssessmentList, "", items[^1].RecordId) : null));
        }).WithSummary("List assessments").WithDescription("Assessments the caller may read (own organisation's, peer reviews it was invited to, and any shared with it), newest first, cursor-paged; without ratings.");

        group.MapGet("/assessments/{id}", async Task<Results<Ok<AssessmentView>, NotFound>> (string id, Caller caller, MaturityQueries queries, CancellationToken ct) =>
            await queries.FindAsync(caller, Http.ParseId(id), ct) is { } read
                ? TypedResults.Ok(AssessmentView.From(read.Assessment, read.Grants, caller, withRatings: true))
                : TypedResults.NotFound()).WithSummary("Read an assessment").WithDescription("With its ratings (level, comment, evidence links). 404 when it does not exist or the caller may not read it.");

        group.MapGet("/assessments/{id}/versions", async Task<Results<Ok<CursorPage<AssessmentView>>, NotFound>> (string id, Caller caller, MaturityQueries queries, CancellationToken ct) =>
        {
            if (await queries.FindAsync(caller, Http.ParseId(id), ct) is not { } read)
            {
                return TypedResults.NotFound();
            }

            var versions = await queries.VersionsAsync(caller, read.Assessment.SeriesId, ct);
            return TypedResults.Ok(new CursorPage<AssessmentView>(versions.Select(a => AssessmentView.From(a, null, caller, false)).ToList(), null));
        }).WithSummary("List the versions of an assessment").WithDescription("Every readable version of the assessment's series, oldest first (reopening a finished assessment adds one).");

        group.MapPost("/assessments", async Task<Created<AssessmentView>> (AssessmentRequest request, Caller caller, MaturityEditing editing, MaturityQueries queries, CancellationToken ct) =>
        {
            var a = await editing.CreateAsync(caller, request, ct);
            var read = await queries.FindAsync(caller, a.Id, ct);
            return TypedResults.Created($"/api/capacity/maturity/assessments/{a.Id}", AssessmentView.From(read!.Assessment, read.Grants, caller, true));
        }).WithSummary("Start an assessment").WithDescription("A draft of the caller's organisation: type (self-assessment, peer-review with reviewerOrganisationId, external-audit), model version, date, assessors; TLP defaults to red and the audience to the own organisation only. A peer review is shared with the invited organisation, whose writers then enter the levels.");

        group.MapPut("/assessments/{id}", async Task<Results<Ok<AssessmentView>, NotFound>> (string id, DraftRequest request, Caller caller, MaturityEditing editing, MaturityQueries queries, CancellationToken ct) =>
        {
            var a = await editing.SaveDraftAsync(caller, Http.ParseId(id), request, ct);
            return a is not null && await queries.FindAsync(caller, a.Id, ct) is { } read ? TypedResults.Ok(AssessmentView.From(read.Assessment, read.Grants, caller, true)) : TypedResults.NotFound();
        }).WithSummary("Save a draft assessment").WithDescription("Date, assessors and ratings (parameterId, level 0–4 or null, comment, evidence links). Everything is checked first: an unknown parameter or a level out of range is a 400 naming the field and nothing is saved. A finished assessment is a 409.");

        group.MapPut("/assessments/{id}/sharing", async Task<Results<Ok<AssessmentView>, NotFound>> (string id, AssessmentSharingRequest request, Caller caller, MaturityEditing editing, MaturityQueries queries, CancellationToken ct) =>
        {
            var a = await editing.ChangeSharingAsync(caller, Http.ParseId(id), request, ct);
            return a is not null && await queries.FindAsync(caller, a.Id, ct) is { } read ? TypedResults.Ok(AssessmentView.From(read.Assessment, read.Grants, caller, true)) : TypedResults.NotFound();
        }).WithSummary("Change who reads an assessment").WithDescription("TLP and audiences (as at creation) of this version, draft or finished; absent fields keep their value, an empty audience list means the own organisation only. Writers of the assessed organisation only (403 for other readers, 404 for anyone who cannot read it). A peer review's reviewer organisation always keeps reading it. Other versions keep their own distribution.");

        group.MapPost("/assessments/{id}/finish", async Task<Results<Ok<AssessmentView>, NotFound>> (string id, Caller caller, MaturityEditing editing, MaturityQueries queries, CancellationToken ct) =>
        {
            var a = await editing.FinishAsync(caller, Http.ParseId(id), ct);
            return a is not null && await queries.FindAsync(caller, a.Id, ct) is { } read ? TypedResults.Ok(AssessmentView.From(read.Assessment, read.Grants, caller, true)) : TypedResults.NotFound();
        }).WithSummary("Finish an assessment").WithDescription("Freezes it: its levels, comments and evidence never change again (who reads it may: PUT …/sharing). Reopening makes a new version.");

        group.MapPost("/assessments/{id}/reopen", async Task<Results<Created<AssessmentView>, NotFound>> (string id, Caller caller, MaturityEditing editing, MaturityQueries queries, CancellationToken ct) =>
        {
            var a = await editing.ReopenAsync(caller, Http.ParseId(id), ct);
            return a is not null && await queries.FindAsync(caller, a.Id, ct) is { } read
                ? TypedResults.Created($"/api/capacity/maturity/assessments/{a.Id}", AssessmentView.From(read.Assessment, read.Grants, caller, true))
                : TypedResults.NotFound();
        }).WithSummary("Reopen a finished assessment").WithDescription("Creates the next version as a draft with the same ratings and distribution; the finished version stays unchanged. Only the latest version reopens (409 otherwise).");

        group.MapDelete("/assessments/{id}", async Task<Results<NoContent, NotFound>> (string id, Caller caller, MaturityEditing editing, CancellationToken ct) =>
            await editing.DeleteDraftAsync(caller, Http.ParseId(id), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Delete a draft assessment").WithDescription("Writers of the assessed organisation, drafts only (409 for a finished one); others get 404.");

        var options = routes.ServiceProvider.GetRequiredService<IOptions<AttachmentOptions>>().Value;
        // As the incidents' uploads: one file at the limit plus the form around it; beyond that 413 before anything is read.
        var uploadPath = new MachinePath
        {
            Name = "api-attachments", MaxRequestBodyBytes = options.MaxBytes + (1024 * 1024), WriteError = RampartHost.ApiPath.WriteError, Json = RampartHost.ApiPath.Json,
        };
        group.MapPost("/assessments/{id}/ratings/{parameterId}/files", async Task<Results<Created<IReadOnlyList<EvidenceFileView>>, NotFound>> (HttpContext http, string id, string parameterId, Caller caller,
            MaturityEditing editing, IOptions<AttachmentOptions> attachmentOptions, CancellationToken ct) =>
        {
            var assessmentId = Http.ParseId(id);
            if (!http.Request.HasFormContentType)
            {
                throw RequestErrors.One("body", "Send multipart/form-data with the files under 'files'.");
            }

            // Who may not add evidence learns it before the body is read (the server buffers no upload for them).
            if (!await editing.CanAddEvidenceAsync(caller, assessmentId, ct))
            {
                return TypedResults.NotFound();
            }

            var (_, uploads) = await AttachmentStore.ReadMultipartAsync(http.Request, attachmentOptions.Value, ct);
            if (await editing.AddEvidenceAsync(caller, assessmentId, parameterId, uploads, ct) is not { } added)
            {
                return TypedResults.NotFound();
            }

            IReadOnlyList<EvidenceFileView> views = added.Select(a => EvidenceFileView.From(parameterId, a)).ToList();
            return TypedResults.Created($"/api/capacity/maturity/assessments/{assessmentId}", views);
        }).WithSummary("Add evidence files to a parameter of a draft assessment")
            .WithDescription("multipart/form-data, the files under 'files' (documents; samples are refused). Writers of the organisation that enters the levels (the reviewer for a peer review). Each file is stored with its size and SHA-256 (Rampart:Attachments:MaxBytes per file: a larger file is a 400 naming it, a larger body 413), at most 20 per parameter. A finished assessment is a 409 (frozen, as for its levels) and nothing is stored; reopening carries the files into the new version. 404 when the assessment is not readable.")
            .WithMetadata(uploadPath);

        group.MapGet("/assessments/{id}/files/{fileId}", async Task<Results<FileContentHttpResult, NotFound>> (HttpContext http, string id, string fileId, Caller caller, MaturityQueries queries, Audit.AuditTrail audit, CancellationToken ct) =>
        {
            var file = Http.ParseId(fileId, "fileId");
            if (await queries.FindAsync(caller, Http.ParseId(id), ct) is not { } read || await queries.EvidenceAsync(read, file, ct) is not { } found)
            {
                return TypedResults.NotFound();
            }

            await audit.RecordNowAsync(Audit.AuditEvent.MaturityEvidenceDownloaded, caller, $"maturity-assessment:{read.Assessment.Id}", detail: file.ToString(), cancellationToken: ct);
            return AttachmentStore.Download(http, found.Attachment, found.Content);
        }).WithSummary("Download an evidence file of an assessment")
            .WithDescription("Readable exactly when the assessment is (a reviewer sees another assessment's evidence only if that assessment is shared with its organisation): application/octet-stream as an attachment, nosniff, never rendered. 404 when the assessment is not readable or this version has no such file.");

        group.MapDelete("/assessments/{id}/files/{fileId}", async Task<Results<NoContent, NotFound>> (string id, string fileId, Caller caller, MaturityEditing editing, CancellationToken ct) =>
            await editing.RemoveEvidenceAsync(caller, Http.ParseId(id), Http.ParseId(fileId, "fileId"), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Remove an evidence file from a draft assessment")
            .WithDescription("The organisation that enters the levels, drafts only (a finished assessment is a 409, frozen); earlier finished versions keep their files. 404 when the assessment is not readable or has no such file.");

        group.MapGet("/assessments/{id}/compare/{otherId}", async Task<Results<Ok<ComparisonView>, NotFound>> (string id, string otherId, Caller caller, MaturityQueries queries, MaturityModels models, CancellationToken ct) =>
        {
            if (await queries.FindAsync(caller, Http.ParseId(id), ct) is not { } a || await queries.FindAsync(caller, Http.ParseId(otherId, "otherId"), ct) is not { } b)
            {
                return TypedResults.NotFound();
            }

            if (a.Assessment.ModelKey != b.Assessment.ModelKey)
            {
                throw RequestErrors.One("otherId", "The two assessments use different model versions.");
            }

            var model = (await models.FindAsync(a.Assessment.ModelKey, CultureInfo.CurrentUICulture, ct))!;
            return TypedResults.Ok(ComparisonView.Of(a.Assessment, b.Assessment, model));
        }).WithSummary("Compare two assessments side by side").WithDescription("Per parameter both levels and the difference (other minus this), for example a self-assessment and the peer review of it. Both must be readable (404 otherwise) and use the same model version (400).");

        group.MapGet("/assessments/{id}/gaps", async Task<Results<Ok<GapView>, NotFound>> (string id, string? profile, Caller caller, MaturityQueries queries, MaturityModels models, Training.TrainingQueries training, CancellationToken ct) =>
        {
            var profileId = profile is null ? throw RequestErrors.One("profile", "Required: the id of a target profile.") : Http.ParseId(profile, "profile");
            if (await queries.FindAsync(caller, Http.ParseId(id), ct) is not { } a || await queries.FindProfileAsync(caller, profileId, ct) is not { } p)
            {
                return TypedResults.NotFound();
            }

            if (a.Assessment.ModelKey != p.Profile.ModelKey)
            {
                throw RequestErrors.One("profile", "The profile is for another model version.");
            }

            var model = (await models.FindAsync(a.Assessment.ModelKey, CultureInfo.CurrentUICulture, ct))!;
            var result = Sim3Analysis.Gaps(p.Profile.Levels.ToDictionary(l => l.ParameterId, l => l.MinLevel, StringComparer.Ordinal), Levels(a.Assessment), model.Parameters.Select(x => x.Id).ToList());
            var names = model.Parameters.ToDictionary(x => x.Id, x => x.Name, StringComparer.Ordinal);
            var courses = await training.CoursesForParametersAsync(caller, result.Gaps.Select(g => g.ParameterId).ToList(), 5, ct);
            var levels = Levels(a.Assessment);
            var relations = Sim3Model.RelationsOf(a.Assessment.ModelKey);
            return TypedResults.Ok(new GapView(a.Assessment.Id, p.Profile.Id, p.Profile.Name, p.Profile.Version, result.Met,
                result.Gaps.Select(g => new GapItem(g.ParameterId, names.GetValueOrDefault(g.ParameterId, g.ParameterId), g.MinLevel, g.Level, g.Gap, courses.GetValueOrDefault(g.ParameterId) ?? [],
                    Sim3Analysis.Hints(g.ParameterId, relations, levels, result).Select(h => new GapRelation(h.Relation.From, h.Relation.Kind, h.Relation.To, h.Other,
                        names.GetValueOrDefault(h.Other, h.Other), h.OtherLevel, h.OtherGap)).ToList())).ToList()));
        }).WithSummary("Gaps of an assessment against a target profile").WithDescription("Met or not, and every parameter below its minimum level, largest gap first (an unrated parameter counts as level 0), each with up to five courses of the catalogue that address it and the caller may read, and as hints the SIM3 relations that touch it ('relations': from, kind, to — for example H-3 is-developed-by H-4 — with the other parameter's name, level and own gap). The relations are those of the public SIM3 data file the v2-interim names come from (docs/capacity.md); a model version added on the node has none.");

        group.MapGet("/assessments/{id}/radar.svg", async Task<Results<ContentHttpResult, NotFound>> (string id, string? category, string? compare, string? profile, Caller caller, MaturityQueries queries, MaturityModels models, CancellationToken ct) =>
        {
            var wanted = ParseCategory(category);
            if (compare is not null && profile is not null)
            {
                throw RequestErrors.One("compare", "Give either 'compare' or 'profile', not both.");
            }

            if (await queries.FindAsync(caller, Http.ParseId(id), ct) is not { } a)
            {
                return TypedResults.NotFound();
            }

            IReadOnlyDictionary<string, int>? second = null;
            if (compare is not null)
            {
                if (await queries.FindAsync(caller, Http.ParseId(compare, "compare"), ct) is not { } b)
                {
                    return TypedResults.NotFound();
                }

                second = Levels(b.Assessment);
            }
            else if (profile is not null)
            {
                if (await queries.FindProfileAsync(caller, Http.ParseId(profile, "profile"), ct) is not { } p)
                {
                    return TypedResults.NotFound();
                }

                second = p.Profile.Levels.ToDictionary(l => l.ParameterId, l => l.MinLevel, StringComparer.Ordinal);
            }

            var model = (await models.FindAsync(a.Assessment.ModelKey, CultureInfo.CurrentUICulture, ct))!;
            var svg = MaturityCharts.Radar(model, Levels(a.Assessment), second, wanted, a.Assessment.ModelKey);
            return TypedResults.Content(svg, "image/svg+xml; charset=utf-8");
        }).WithSummary("Radar chart of an assessment (SVG)").WithDescription("Server-side SVG, levels 0–4: 'category' o, h, t or p shows that category's parameters; without it, the mean per category. 'compare' (another readable assessment) or 'profile' (a target profile) draws a second, dashed series.")
            .Produces<string>(StatusCodes.Status200OK, "image/svg+xml");

        group.MapGet("/history", async Task<Ok<CursorPage<HistoryPoint>>> (string? model, Guid? organisationId, Caller caller, MaturityQueries queries, MaturityModels models, CancellationToken ct) =>
        {
            var (key, parameters) = await ModelAsync(model, models, ct);
            var history = await queries.HistoryAsync(caller, organisationId ?? caller.OrganisationId, key, Http.MaxPageSize, ct);
            return TypedResults.Ok(new CursorPage<HistoryPoint>(history.Select(a => new HistoryPoint(a.Id, a.Date, a.Version, a.AssessmentType,
                Sim3Analysis.CategoryMeans(parameters, Levels(a)))).ToList(), null));
        }).WithSummary("History of finished assessments").WithDescription("The mean level per category of each finished assessment of one organisation (default: the caller's) on one model version (default: SIM3 v2 interim) that the caller may read, oldest first, the latest 200.");

        group.MapGet("/history.svg", async Task<ContentHttpResult> (string? model, Guid? organisationId, Caller caller, MaturityQueries queries, MaturityModels models, CancellationToken ct) =>
        {
            var (key, parameters) = await ModelAsync(model, models, ct);
            var history = await queries.HistoryAsync(caller, organisationId ?? caller.OrganisationId, key, Http.MaxPageSize, ct);
            return TypedResults.Content(MaturityCharts.History(history, parameters, key), "image/svg+xml; charset=utf-8");
        }).WithSummary("History of finished assessments as lines (SVG)").WithDescription("One line per category (mean level 0–4) over the dates of the finished assessments, as in GET /history.")
            .Produces<string>(StatusCodes.Status200OK, "image/svg+xml");

        // ----- target profiles
        group.MapGet("/profiles", async Task<Ok<CursorPage<ProfileView>>> (Caller caller, MaturityQueries queries, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var before = cursors.Decode(next, ProfileList, "");
            var (items, more) = await queries.ListProfilesAsync(caller, before, size, ct);
            return TypedResults.Ok(new CursorPage<ProfileView>(items.Select(p => ProfileView.From(p, false)).ToList(), more ? cursors.Encode(ProfileList, "", items[^1].RecordId) : null));
        }).WithSummary("List target profiles").WithDescription("Network-wide profiles and the caller's organisation's own, every version, newest first, cursor-paged.");

        group.MapGet("/profiles/{id}", async Task<Results<Ok<ProfileView>, NotFound>> (string id, Caller caller, MaturityQueries queries, CancellationToken ct) =>
            await queries.FindProfileAsync(caller, Http.ParseId(id), ct) is { } p ? TypedResults.Ok(ProfileView.From(p.Profile, true)) : TypedResults.NotFound())
            .WithSummary("Read a target profile").WithDescription("Its minimum level per parameter. 404 when it does not exist or the caller may not read it.");

        group.MapPost("/profiles", async Task<Created<ProfileView>> (ProfileRequest request, Caller caller, MaturityEditing editing, CancellationToken ct) =>
        {
            var p = (await editing.SaveProfileAsync(caller, null, request, ct))!;
            return TypedResults.Created($"/api/capacity/maturity/profiles/{p.Id}", ProfileView.From(p, true));
        }).WithSummary("Create a target profile").WithDescription("Name, model version, minimum level (0–4) per parameter. 'network': true (node administrators only) makes it network-wide; otherwise it is the organisation's own. No official ENISA/GFCE thresholds are built in: whoever holds the tables enters them as a profile.");

        group.MapPut("/profiles/{id}", async Task<Results<Created<ProfileView>, NotFound>> (string id, ProfileRequest request, Caller caller, MaturityEditing editing, CancellationToken ct) =>
            await editing.SaveProfileAsync(caller, Http.ParseId(id), request, ct) is { } p
                ? TypedResults.Created($"/api/capacity/maturity/profiles/{p.Id}", ProfileView.From(p, true))
                : TypedResults.NotFound()).WithSummary("Save a new version of a target profile").WithDescription("The profile's organisation only (network profiles: its node administrators); the old version stays readable. Only the latest version is changed (409 otherwise).");

        // ----- regional comparison
        group.MapGet("/regional", async Task<Ok<RegionalView>> (string? model, Caller caller, MaturityQueries queries, MaturityModels models, CancellationToken ct) =>
        {
            var (key, parameters) = await ModelAsync(model, models, ct);
            var view = (await models.FindAsync(key, CultureInfo.CurrentUICulture, ct))!;
            var names = view.Parameters.ToDictionary(p => p.Id, p => p.Name, StringComparer.Ordinal);
            var figures = await queries.RegionalAsync(caller, key, parameters.Select(p => p.Id).ToList(), ct);
            return TypedResults.Ok(new RegionalView(key, Sim3Analysis.MinContributors,
                figures.Select(f => new RegionalItem(f.ParameterId, names[f.ParameterId], f.Contributors, f.Counts, f.OwnLevel)).ToList()));
        }).WithSummary("Regional comparison per parameter").WithDescription("How many organisations that opted in are at each level 0–4 (their latest finished assessment), per parameter — only when at least 5 contribute; otherwise no counts at all. The caller's own latest level is marked.");

        group.MapGet("/regional/opt-in", async Task<Ok<OptInView>> (Caller caller, MaturityQueries queries, CancellationToken ct) =>
            TypedResults.Ok(new OptInView(await queries.OptedInAsync(caller, ct))))
            .WithSummary("Whether the organisation contributes to the regional comparison").WithDescription("True when its admins opted in.");

        group.MapPut("/regional/opt-in", async Task<Ok<OptInView>> (OptInRequest request, Caller caller, MaturityEditing editing, CancellationToken ct) =>
        {
            var optedIn = request.OptedIn ?? throw RequestErrors.One("optedIn", "Required: true or false.");
            await editing.SetComparisonOptInAsync(caller, optedIn, ct);
            return TypedResults.Ok(new OptInView(optedIn));
        }).WithSummary("Contribute to the regional comparison, or stop").WithDescription("The organisation's own admins only. Its latest finished assessments then count in regional figures of at least 5 organisations.");

        return group;
    }

    internal static Dictionary<string, int> Levels(MaturityAssessment a) =>
        a.Ratings.Where(r => r.Level is not null).ToDictionary(r => r.ParameterId, r => r.Level!.Value, StringComparer.Ordinal);

    private static Sim3Category? ParseCategory(string? category) => category?.ToUpperInvariant() switch
    {
        null or "" or "ALL" => null,
        "O" => Sim3Category.Organisation,
        "H" => Sim3Category.Human,
        "T" => Sim3Category.Tools,
        "P" => Sim3Category.Processes,
        _ => throw RequestErrors.One("category", "One of o, h, t, p (or none for all categories)."),
    };

    internal static async Task<(string Key, IReadOnlyList<Sim3Parameter> Parameters)> ModelAsync(string? model, MaturityModels models, CancellationToken ct)
    {
        var key = model ?? Sim3Model.V2Interim;
        if (key.Length > MaturityLimits.KeyLength || await models.FindAsync(key, CultureInfo.InvariantCulture, ct) is not { } view)
        {
            throw RequestErrors.One("model", "No such model version.");
        }

        return (key, view.Parameters.Select(p => new Sim3Parameter(p.Id, p.Category, p.Name, p.NameVerified, p.Description)).ToList());
    }
}
