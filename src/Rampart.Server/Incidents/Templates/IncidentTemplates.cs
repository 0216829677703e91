using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Standards.Markings;

namespace Rampart.Server.Incidents.Templates;

public sealed record TemplateTaskRequest(string? Title, string? Description = null, bool OwnerOnly = false);

/// <summary>A template as a client sends it; <see cref="NodeWide"/> for a node-wide one (node administrators).</summary>
public sealed record TemplateRequest(
    string? Name,
    string? Description = null,
    Tlp? Tlp = null,
    IncidentSeverity? Severity = null,
    string? Sector = null,
    IReadOnlyList<RsitRequest>? Classifications = null,
    IReadOnlyList<TemplateTaskRequest>? Tasks = null,
    bool NodeWide = false);

public sealed record TemplateTaskView(string Title, string Description, bool OwnerOnly);

public sealed record TemplateView(
    Guid Id, Guid? OrganisationId, string Name, string Description, Tlp? Tlp, IncidentSeverity? Severity, string? Sector,
    IReadOnlyList<ClassificationView> Classifications, IReadOnlyList<TemplateTaskView> Tasks, DateTimeOffset ModifiedAt)
{
    public static TemplateView From(IncidentTemplate t)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new(t.Id, t.OrganisationId, t.Name, t.Description, t.Tlp, t.Severity, t.Sector, [.. IncidentTemplates.Pairs(t.Classifications).Select(p => new ClassificationView(p.Category, p.Type))],
            [.. t.Tasks.OrderBy(k => k.Position).Select(k => new TemplateTaskView(k.Title, k.Description, k.OwnerOnly))], t.ModifiedAt);
    }
}

/// <summary>
/// Incident templates: every person of an organisation uses its organisation's and the node-wide templates; organisation
/// administrators keep their organisation's, node administrators the node-wide ones. Another organisation's template is
/// unknown (404). A template names no incident, so reading one reveals no record.
/// </summary>
public sealed class IncidentTemplates(RampartDb db, AuditTrail audit, TimeProvider clock)
{
    public async Task<(IReadOnlyList<IncidentTemplate> Items, bool More)> ListAsync(Caller caller, Guid? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var query = Usable(caller);
        if (after is { } a)
        {
            query = query.Where(t => t.Id.CompareTo(a) > 0);
        }

        var items = await query.OrderBy(t => t.Id).Take(limit + 1).ToListAsync(cancellationToken);
        return (items.Take(limit).ToList(), items.Count > limit);
    }

    public async Task<IncidentTemplate?> FindAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await Usable(caller).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);

    public async Task<IncidentTemplate> CreateAsync(Caller caller, TemplateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var organisation = EnsureKeeps(caller, request.NodeWide);
        var errors = Validate(request);
        errors.ThrowIfAny();
        var now = clock.GetUtcNow();
        var template = new IncidentTemplate { Id = Guid.CreateVersion7(now), OrganisationId = organisation, Name = request.Name!.Trim(), CreatedAt = now };
        Apply(template, request, now);
        db.IncidentTemplates.Add(template);
        audit.Record(AuditEvent.IncidentTemplateCreated, caller, $"incident-template:{template.Id}", detail: organisation is null ? "node-wide" : null);
        await db.SaveChangesAsync(cancellationToken);
        return template;
    }

    public async Task<IncidentTemplate?> UpdateAsync(Caller caller, Guid id, TemplateRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var template = await Usable(caller, tracked: true).Include(t => t.Tasks).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (template is null)
        {
            return null;
        }

        EnsureKeeps(caller, template.OrganisationId is null);
        if (request.NodeWide != (template.OrganisationId is null))
        {
            throw RequestErrors.One("nodeWide", "A template stays node-wide or its organisation's; create a new one instead.");
        }

        Validate(request).ThrowIfAny();
        var now = clock.GetUtcNow();
        db.IncidentTemplateTasks.RemoveRange(template.Tasks);
        template.Tasks = [];
        template.Name = request.Name!.Trim();
        Apply(template, request, now);
        template.Version++;
        audit.Record(AuditEvent.IncidentTemplateChanged, caller, $"incident-template:{template.Id}");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new Validation.ConflictException("Someone changed this template at the same moment; nothing was changed.");
        }

        return template;
    }

    public async Task<bool> DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var template = await Usable(caller, tracked: true).FirstOrDefaultAsync(t => t.Id == id, cancellationToken);
        if (template is null)
        {
            return false;
        }

        EnsureKeeps(caller, template.OrganisationId is null);
        db.IncidentTemplates.Remove(template);
        audit.Record(AuditEvent.IncidentTemplateDeleted, caller, $"incident-template:{template.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>The request for a new incident: the template's presets where the client left a field out.</summary>
    public static IncidentRequest Fill(IncidentTemplate template, IncidentRequest request)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(request);
        return request with
        {
            Tlp = request.Tlp ?? template.Tlp,
            Severity = request.Severity ?? template.Severity,
            Sector = request.Sector ?? template.Sector,
            Classifications = request.Classifications ?? [.. Pairs(template.Classifications).Select(p => new RsitRequest(p.Category, p.Type))],
        };
    }

    internal static IEnumerable<(string Category, string Type)> Pairs(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('/', 2)).Where(p => p.Length == 2).Select(p => (p[0], p[1]));

    private IQueryable<IncidentTemplate> Usable(Caller caller, bool tracked = false)
    {
        IQueryable<IncidentTemplate> query = tracked ? db.IncidentTemplates : db.IncidentTemplates.AsNoTracking().Include(t => t.Tasks);
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            return query.Where(t => false);
        }

        var organisation = caller.OrganisationId;
        return query.Where(t => t.OrganisationId == null || t.OrganisationId == organisation);
    }

    private static Guid? EnsureKeeps(Caller caller, bool nodeWide)
    {
        if (nodeWide)
        {
            return caller.IsNodeAdmin && caller.CanWrite
                ? null
                : throw new ForbiddenException("Only node administrators keep node-wide templates.");
        }

        return caller.IsAdminOf(caller.OrganisationId)
            ? caller.OrganisationId
            : throw new ForbiddenException("Only your organisation's administrators keep its templates.");
    }

    private static RequestErrors Validate(TemplateRequest request)
    {
        var errors = new RequestErrors();
        errors.SingleLine("name", request.Name, TemplateLimits.NameLength);
        errors.MultiLine("description", request.Description, TemplateLimits.DescriptionLength);
        if (request.Tlp is { } tlp && !Enum.IsDefined(tlp))
        {
            errors.Add("tlp", "clear, green, amber, amber+strict or red.");
        }

        if (request.Severity is { } severity && !Enum.IsDefined(severity))
        {
            errors.Add("severity", "low, medium, high or critical.");
        }

        if (request.Sector is not null && !IncidentTaxonomy.IsSector(request.Sector))
        {
            errors.Add("sector", $"Not a NIS2 sector ({string.Join(", ", IncidentTaxonomy.Sectors)}).");
        }

        var pairs = request.Classifications ?? [];
        if (pairs.Count > IncidentLimits.MaxClassifications)
        {
            errors.Add("classifications", $"At most {IncidentLimits.MaxClassifications}.");
        }

        for (var i = 0; i < pairs.Count && i < IncidentLimits.MaxClassifications; i++)
        {
            if (pairs[i] is null || !IncidentTaxonomy.IsRsit(pairs[i].Category, pairs[i].Type))
            {
                errors.Add($"classifications[{i}]", "Not an RSIT category/type pair.");
            }
        }

        var tasks = request.Tasks ?? [];
        if (tasks.Count > TemplateLimits.MaxTasks)
        {
            errors.Add("tasks", $"At most {TemplateLimits.MaxTasks}.");
        }

        for (var i = 0; i < tasks.Count && i < TemplateLimits.MaxTasks; i++)
        {
            errors.SingleLine($"tasks[{i}].title", tasks[i]?.Title, IncidentLimits.TaskTitleLength);
            errors.MultiLine($"tasks[{i}].description", tasks[i]?.Description, IncidentLimits.TaskDescriptionLength);
        }

        return errors;
    }

    private static void Apply(IncidentTemplate template, TemplateRequest request, DateTimeOffset now)
    {
        template.Description = request.Description ?? "";
        template.Tlp = request.Tlp;
        template.Severity = request.Severity;
        template.Sector = request.Sector;
        template.Classifications = string.Join('\n', (request.Classifications ?? []).Select(p => $"{p.Category}/{p.Type}").Distinct(StringComparer.Ordinal));
        template.Tasks = [.. (request.Tasks ?? []).Select((t, i) => new IncidentTemplateTask
        {
            TemplateId = template.Id, Position = i, Title = t.Title!.Trim(), Description = t.Description ?? "", OwnerOnly = t.OwnerOnly,
        })];
        template.ModifiedAt = now;
    }
}

public static class IncidentTemplateEndpoints
{
    private const string ListName = "incident-templates";

    public static void MapIncidentTemplatesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/incident-templates").WithTags("Incidents").RequireAuthorization();

        group.MapGet("/", async Task<Ok<CursorPage<TemplateView>>> (Caller caller, IncidentTemplates templates, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var after = cursors.DecodeKey(next, ListName, "")?.Id;
            var (items, more) = await templates.ListAsync(caller, after, size, ct);
            return TypedResults.Ok(new CursorPage<TemplateView>([.. items.Select(TemplateView.From)], more ? cursors.Encode(ListName, "", "", items[^1].Id) : null));
        }).WithSummary("List incident templates")
            .WithDescription("The caller's organisation's templates and the node-wide ones, cursor-paged (limit 1–200).");

        group.MapGet("/{templateId}", async Task<Results<Ok<TemplateView>, NotFound>> (string templateId, Caller caller, IncidentTemplates templates, CancellationToken ct) =>
            await templates.FindAsync(caller, Http.ParseId(templateId, "templateId"), ct) is { } t ? TypedResults.Ok(TemplateView.From(t)) : TypedResults.NotFound())
            .WithSummary("Read an incident template").WithDescription("404 for another organisation's template.");

        group.MapPost("/", async Task<Created<TemplateView>> (TemplateRequest request, Caller caller, IncidentTemplates templates, CancellationToken ct) =>
        {
            var t = await templates.CreateAsync(caller, request, ct);
            return TypedResults.Created($"/api/incident-templates/{t.Id}", TemplateView.From(t));
        }).WithSummary("Create an incident template")
            .WithDescription("Organisation administrators for their organisation; node administrators node-wide (nodeWide: true). Preset TLP, severity, sector, RSIT pairs and tasks; a bad field is a 400 naming it.");

        group.MapPut("/{templateId}", async Task<Results<Ok<TemplateView>, NotFound>> (string templateId, TemplateRequest request, Caller caller, IncidentTemplates templates, CancellationToken ct) =>
            await templates.UpdateAsync(caller, Http.ParseId(templateId, "templateId"), request, ct) is { } t ? TypedResults.Ok(TemplateView.From(t)) : TypedResults.NotFound())
            .WithSummary("Change an incident template").WithDescription("Who keeps it (organisation or node administrators); others who use it get 403, others 404.");

        group.MapDelete("/{templateId}", async Task<Results<NoContent, NotFound>> (string templateId, Caller caller, IncidentTemplates templates, CancellationToken ct) =>
            await templates.DeleteAsync(caller, Http.ParseId(templateId, "templateId"), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithSummary("Delete an incident template").WithDescription("Who keeps it; incidents opened from it stay as they are.");

        routes.MapGroup("/incidents").WithTags("Incidents").RequireAuthorization()
            .MapPost("/from-template/{templateId}", async Task<Results<Created<IncidentView>, NotFound>> (string templateId, IncidentRequest request, Caller caller,
                IncidentTemplates templates, IncidentEditing editing, IncidentQueries incidents, CancellationToken ct) =>
            {
                if (await templates.FindAsync(caller, Http.ParseId(templateId, "templateId"), ct) is not { } template)
                {
                    return TypedResults.NotFound();
                }

                var incident = await editing.CreateAsync(caller, IncidentTemplates.Fill(template, request), ct,
                    [.. template.Tasks.OrderBy(t => t.Position).Select(t => new TaskRequest(t.Title, t.Description, OwnerOnly: t.OwnerOnly))]);
                var read = await incidents.FindAsync(caller, incident.Id, ct);
                return TypedResults.Created($"/api/incidents/{incident.Id}", IncidentView.From(read!, caller));
            }).WithSummary("Open an incident from a template")
            .WithDescription("As POST /api/incidents; fields left out take the template's presets (TLP, severity, sector, RSIT pairs), and its tasks are added in the same transaction.");
    }
}
