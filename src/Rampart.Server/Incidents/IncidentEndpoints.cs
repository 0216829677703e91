using Microsoft.AspNetCore.Http.HttpResults;
using Rampart.Server.Access;
using Rampart.Server.Hosting;
using Rampart.Standards.Markings;

namespace Rampart.Server.Incidents;

public sealed record ClassificationView(string Category, string Type);

/// <summary>A DISARM technique tag: its id and, where the node's DISARM galaxy names it, its name.</summary>
public sealed record DisarmTagView(string Id, string? Name);

public sealed record IncidentView(
    Guid Id,
    string Number,
    string Title,
    string Summary,
    Tlp Tlp,
    Pap Pap,
    Audience Audience,
    Guid OwnerOrganisationId,
    Guid CreatorOrganisationId,
    IncidentStatus Status,
    IncidentSeverity Severity,
    string Sector,
    IReadOnlyList<string> Countries,
    IReadOnlyList<ClassificationView> Classifications,
    string? AffectedEntity,
    AffectedEntityKind EntityKind,
    DateTimeOffset AwareAt,
    DateTimeOffset? DetectedAt,
    DateTimeOffset? StartedAt,
    bool Significant,
    DateTimeOffset CreatedAt,
    DateTimeOffset ModifiedAt,
    IncidentStanding Standing,
    IReadOnlyList<IncidentStatus> NextStatuses,
    IReadOnlyList<ResolvedAudience>? Audiences,
    IReadOnlyList<DisarmTagView> DisarmTechniques)
{
    /// <summary>
    /// In the list and <c>GET /api/incidents/{id}</c>: the earliest running deadline of this incident in the caller's due
    /// list (<see cref="Clocks.ClockQueries.NextAsync"/>: what the caller's organisation must act on; owner-only tasks only
    /// for the owner). Absent when there is none, and in the answers of writes.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public NextDeadlineView? NextDeadline { get; init; }

    /// <summary>The view of <paramref name="read"/> for its reader: the full audience only for the owner; next statuses only for who may set them.</summary>
    public static IncidentView From(ReadIncident read, Caller caller, Disarm.DisarmTechniques? disarm = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(caller);
        var (i, grants, standing) = read;
        var mayMove = AccessPolicy.CanCreate(caller) && standing >= IncidentStanding.Coordinator;
        return new(
            i.Id, i.HumanId, i.Title, i.Summary, i.Record.Tlp, i.Pap, SharingStore.Summary(grants), i.Record.OwnerOrganisationId,
            i.Record.CreatorOrganisationId, i.Status, i.Severity, i.Sector, i.Countries.Select(c => c.Country).Order(StringComparer.Ordinal).ToList(),
            i.Classifications.Select(c => new ClassificationView(c.Category, c.Kind)).OrderBy(c => c.Category, StringComparer.Ordinal).ThenBy(c => c.Type, StringComparer.Ordinal).ToList(),
            i.AffectedEntity, i.EntityKind, i.AwareAt, i.DetectedAt, i.StartedAt, i.Significant, i.CreatedAt, i.ModifiedAt, standing,
            mayMove ? IncidentWorkflow.From(i.Status) : [],
            read.IsOwner ? SharingStore.AudienceOf(grants) : null,
            i.Techniques.Select(t => t.TechniqueId).Order(StringComparer.Ordinal).Select(t => new DisarmTagView(t, disarm?.Find(t)?.Name)).ToList());
    }
}

/// <summary>An incident's next deadline as its reader's due list shows it (UTC; the state and time left at the instant of reading).</summary>
public sealed record NextDeadlineView(
    Clocks.DeadlineKind Kind,
    Standards.Incidents.ReportingStage? Stage,
    int Sequence,
    Guid? SourceId,
    string Label,
    DateTimeOffset Due,
    Standards.Incidents.DeadlineState State,
    string TimeLeft,
    string? Duty)
{
    public static NextDeadlineView From(Clocks.DueItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return new(item.Kind, item.Stage, item.Sequence, item.SourceId, item.Label, item.Due, item.State, item.TimeLeft, item.Duty);
    }
}

public sealed record JournalEntryView(
    Guid Id,
    JournalEntryKind Kind,
    string Body,
    bool OwnerOnly,
    Guid? AuthorUserId,
    Guid AuthorOrganisationId,
    IncidentStatus? FromStatus,
    IncidentStatus? ToStatus,
    string? Event,
    Guid? SubjectOrganisationId,
    Guid? TaskId,
    DateTimeOffset CreatedAt)
{
    public static JournalEntryView From(IncidentJournalEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.PublicId, e.Kind, e.Body, e.OwnerOnly, e.AuthorUserId, e.AuthorOrganisationId, e.FromStatus, e.ToStatus, e.Event,
            e.SubjectOrganisationId, e.TaskId, e.CreatedAt);
    }
}

public sealed record TaskLogView(string Text, IncidentTaskStatus? Status, Guid UserId, Guid OrganisationId, DateTimeOffset CreatedAt);

public sealed record TaskView(
    Guid Id,
    string Title,
    string Description,
    Guid? AssignedOrganisationId,
    Guid? AssignedUserId,
    DateTimeOffset? DueAt,
    IncidentTaskStatus Status,
    bool OwnerOnly,
    Guid CreatedByOrganisationId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ModifiedAt,
    IReadOnlyList<TaskLogView>? Log,
    string? Duty)
{
    public static TaskView From(IncidentTask t, bool withLog)
    {
        ArgumentNullException.ThrowIfNull(t);
        return new(t.PublicId, t.Title, t.Description, t.AssignedOrganisationId, t.AssignedUserId, t.DueAt, t.Status, t.OwnerOnly,
            t.CreatedByOrganisationId, t.CreatedAt, t.ModifiedAt,
            withLog ? t.Log.Select(l => new TaskLogView(l.Text, l.ToStatus, l.UserId, l.OrganisationId, l.CreatedAt)).ToList() : null,
            t.Duty);
    }
}

public static class IncidentEndpoints
{
    private const string ListName = "incidents";
    private const string JournalList = "incident-journal";
    private const string TaskList = "incident-tasks";
    private const string InvitationList = "incident-invitations";

    /// <summary>An incident named by its UUID or its number ("INC-2026-0001"), if the caller may read it.</summary>
    public static async Task<ReadIncident?> ResolveAsync(IncidentQueries incidents, Caller caller, string id, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(incidents);
        if (Guid.TryParse(id, out var guid))
        {
            return await incidents.FindAsync(caller, guid, ct);
        }

        return IncidentNumbers.Parse(id) is { } number
            ? await incidents.FindByNumberAsync(caller, number.Year, number.Number, ct)
            : throw RequestErrors.One("id", "Not a UUID nor an incident number like INC-2026-0001.");
    }

    private static async Task<Guid?> IdOfAsync(IncidentQueries incidents, Caller caller, string id, CancellationToken ct) =>
        Guid.TryParse(id, out var guid) ? guid : (await ResolveAsync(incidents, caller, id, ct))?.Incident.Id;

    public static RouteGroupBuilder MapIncidentsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/incidents").WithTags("Incidents").RequireAuthorization();

        group.MapGet("/", async Task<Ok<CursorPage<IncidentView>>> (HttpContext http, Caller caller, IncidentQueries incidents, Clocks.ClockQueries clocks, PageCursors cursors, Disarm.DisarmTechniques disarm,
            int? limit, string? next, string? status, string? severity, string? sector, string? country, string? rsit, bool? open, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "disarm")] string? disarmTag, CancellationToken ct) =>
        {
            if (Http.OffsetPagingParameter(http) is { } offset)
            {
                throw RequestErrors.One(offset, "Incidents are paged by cursor: use 'limit' and then 'next' from the answer.");
            }

            var size = Http.Limit(limit);
            var filter = Filter(status, severity, sector, country, rsit, open, disarmTag, disarm);
            var before = cursors.Decode(next, ListName, filter.Scope);
            var (found, more) = await incidents.ListAsync(caller, filter, before, size, ct);
            var nextCursor = more ? cursors.Encode(ListName, filter.Scope, found[^1].Incident.RecordId) : null;
            // The page's next deadlines in one query (the due list's rows and rule), never one per incident.
            var deadlines = await clocks.NextAsync(caller, found.Select(i => i.Incident.RecordId).ToList(), null, ct);
            return TypedResults.Ok(new CursorPage<IncidentView>(found.Select(i => IncidentView.From(i, caller, disarm) with
            {
                NextDeadline = deadlines.TryGetValue(i.Incident.RecordId, out var next) ? NextDeadlineView.From(next) : null,
            }).ToList(), nextCursor));
        }).WithSummary("List incidents")
            .WithDescription("Incidents the caller may read, newest first, cursor-paged (limit 1–200). Filters: status, severity, sector (NIS2), country (ISO code), rsit ('category' or 'category/type'), open=true (not closed, rejected or duplicate), disarm (a DISARM technique id such as T0023.001, any case: incidents tagged with it; an id not in the DISARM galaxy is a 400 naming 'disarm'). Each item carries nextDeadline: the incident's earliest running deadline in the caller's due list (GET /api/incidents/due: what the caller's organisation must act on; owner-only tasks only for the owner), with its kind, stage, label, due time in UTC, state (not-due-yet, due-soon, overdue) and time left; absent when there is none.");

        group.MapGet("/disarm-techniques", Ok<CursorPage<DisarmTagView>> (Disarm.DisarmTechniques disarm, int? limit, string? next, string? q) =>
        {
            var size = Http.Limit(limit);
            if (q is { Length: > 100 })
            {
                throw RequestErrors.One("q", "At most 100 characters.");
            }

            var after = next ?? "";
            var page = disarm.Search(q, int.MaxValue).Where(t => string.CompareOrdinal(t.Id, after) > 0).Take(size + 1).ToList();
            var more = page.Count > size;
            var items = page.Take(size).Select(t => new DisarmTagView(t.Id, t.Name)).ToList();
            return TypedResults.Ok(new CursorPage<DisarmTagView>(items, more ? items[^1].Id : null));
        }).WithSummary("DISARM techniques an incident may be tagged with")
            .WithDescription("The techniques of the DISARM galaxy this node reads (Rampart:Intelligence:GalaxiesPath), ordered by id, cursor-paged (limit 1–200, next = the last id); q matches id or name, case-insensitive. Empty when the galaxy is not installed. Reference data: the same for every caller.");

        group.MapGet("/{id}", async Task<Results<Ok<IncidentView>, NotFound>> (string id, Caller caller, IncidentQueries incidents, Clocks.ClockQueries clocks, Disarm.DisarmTechniques disarm, CancellationToken ct) =>
        {
            if (await ResolveAsync(incidents, caller, id, ct) is not { } read)
            {
                return TypedResults.NotFound();
            }

            var deadlines = await clocks.NextAsync(caller, [read.Incident.RecordId], null, ct);
            return TypedResults.Ok(IncidentView.From(read, caller, disarm) with
            {
                NextDeadline = deadlines.TryGetValue(read.Incident.RecordId, out var next) ? NextDeadlineView.From(next) : null,
            });
        })
            .WithSummary("Read an incident").WithDescription("By UUID or number (INC-2026-0001). 404 when it does not exist or the caller may not read it.");

        group.MapPost("/", async Task<Created<IncidentView>> (IncidentRequest request, Caller caller, IncidentEditing editing, IncidentQueries incidents, Disarm.DisarmTechniques disarm, CancellationToken ct) =>
        {
            var incident = await editing.CreateAsync(caller, request, ct);
            var read = await incidents.FindAsync(caller, incident.Id, ct);
            return TypedResults.Created($"/api/incidents/{incident.Id}", IncidentView.From(read!, caller, disarm));
        }).WithSummary("Open an incident")
            .WithDescription("The caller's organisation owns it; it gets the node's next number (INC-year-nnnn). Sector, RSIT pairs, countries, times, DISARM technique ids (disarmTechniques, checked against the DISARM galaxy, any case, stored as the galaxy spells them) and the TLP/audience are validated; a bad field is a 400 naming it.");

        group.MapPut("/{id}", async Task<Results<Ok<IncidentView>, NotFound>> (string id, IncidentRequest request, Caller caller, IncidentEditing editing, IncidentQueries incidents, Disarm.DisarmTechniques disarm, CancellationToken ct) =>
        {
            var guid = await IdOfAsync(incidents, caller, id, ct);
            return guid is { } g && await editing.UpdateAsync(caller, g, request, ct) is not null && await incidents.FindAsync(caller, g, ct) is { } read
                ? TypedResults.Ok(IncidentView.From(read, caller, disarm))
                : TypedResults.NotFound();
        }).WithSummary("Change an incident's fields")
            .WithDescription("Writers of the owning organisation (others who read it get 403, the rest 404). Status, TLP and audience are not changed here. disarmTechniques replaces the DISARM tags when given ([] removes them all) and leaves them when absent.");

        group.MapPut("/{id}/disarm-techniques", async Task<Results<Ok<IncidentView>, NotFound>> (string id, DisarmTagsRequest request, Caller caller, IncidentEditing editing, IncidentQueries incidents, Disarm.DisarmTechniques disarm, CancellationToken ct) =>
        {
            var guid = await IdOfAsync(incidents, caller, id, ct);
            return guid is { } g && await editing.RetagAsync(caller, g, request.DisarmTechniques ?? [], ct) is not null && await incidents.FindAsync(caller, g, ct) is { } read
                ? TypedResults.Ok(IncidentView.From(read, caller, disarm))
                : TypedResults.NotFound();
        }).WithSummary("Replace an incident's DISARM tags")
            .WithDescription("Body { disarmTechniques: [\"T0049.001\", …] } ([] removes them all; ids in any case, stored canonically; an unknown id is a 400 naming disarmTechniques[i]). Only the tags change: every other field stays as it is now. Writers of the owning organisation (others who read it get 403, the rest 404).");

        group.MapPost("/{id}/status", async Task<Results<Ok<IncidentView>, NotFound>> (string id, StatusRequest request, Caller caller, IncidentEditing editing, IncidentQueries incidents, CancellationToken ct) =>
        {
            var guid = await IdOfAsync(incidents, caller, id, ct);
            return guid is { } g && await editing.ChangeStatusAsync(caller, g, request, ct) is not null && await incidents.FindAsync(caller, g, ct) is { } read
                ? TypedResults.Ok(IncidentView.From(read, caller))
                : TypedResults.NotFound();
        }).WithSummary("Change an incident's status")
            .WithDescription("Owner and coordinators. new → triage → in-progress → contained → resolved → closed, also rejected and duplicate; an illegal move is a 400 naming 'status'. Closing with open tasks needs confirmOpenTasks: true. duplicate needs duplicateOf (the original's UUID or number, an incident the caller reads; otherwise a 400 naming duplicateOf).");

        group.MapGet("/{id}/journal", async Task<Results<Ok<CursorPage<JournalEntryView>>, NotFound>> (string id, Caller caller, IncidentQueries incidents, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            if (await ResolveAsync(incidents, caller, id, ct) is not { } read)
            {
                return TypedResults.NotFound();
            }

            var scope = read.Incident.Id.ToString();
            var (entries, more) = await incidents.JournalAsync(read, cursors.Decode(next, JournalList, scope), size, ct);
            return TypedResults.Ok(new CursorPage<JournalEntryView>(entries.Select(JournalEntryView.From).ToList(),
                more ? cursors.Encode(JournalList, scope, entries[^1].Id) : null));
        }).WithSummary("Read an incident's journal")
            .WithDescription("Entries, status changes and system events, newest first, cursor-paged. Owner-only entries only for the owning organisation.");

        group.MapPost("/{id}/journal", async Task<Results<Created<JournalEntryView>, NotFound>> (string id, JournalRequest request, Caller caller, IncidentEditing editing, IncidentQueries incidents, CancellationToken ct) =>
        {
            var guid = await IdOfAsync(incidents, caller, id, ct);
            return guid is { } g && await editing.AddEntryAsync(caller, g, request, ct) is { } entry
                ? TypedResults.Created($"/api/incidents/{g}/journal", JournalEntryView.From(entry))
                : TypedResults.NotFound();
        }).WithSummary("Write a journal entry")
            .WithDescription("Markdown. Owner, coordinators and contributors; observers and readers get 403. ownerOnly: true keeps it with the owning organisation (owner only).");

        group.MapGet("/{id}/participants", async Task<Results<Ok<IReadOnlyList<ParticipantView>>, NotFound>> (string id, Caller caller, IncidentQueries incidents, CancellationToken ct) =>
        {
            if (await ResolveAsync(incidents, caller, id, ct) is not { } read)
            {
                return TypedResults.NotFound();
            }

            return await incidents.ParticipantsAsync(read, ct) is { } participants
                ? TypedResults.Ok(participants)
                : throw new ForbiddenException("Only the owner and the organisations taking part see the participants.");
        }).WithSummary("List an incident's participants")
            .WithDescription("Owner and coordinators see every invitation and answer; other participants see who takes part; readers who take no part get 403.");

        group.MapPost("/{id}/participants", async Task<Results<Created<InvitationView>, NotFound>> (string id, InviteRequest request, Caller caller, IncidentEditing editing, IncidentQueries incidents, CancellationToken ct) =>
        {
            var guid = await IdOfAsync(incidents, caller, id, ct);
            if (guid is not { } g || await editing.InviteAsync(caller, g, request, ct) is not { } participant)
            {
                return TypedResults.NotFound();
            }

            var read = await incidents.FindAsync(caller, g, ct);
            return TypedResults.Created($"/api/incidents/{g}/participants", new InvitationView(participant.Id, g, read!.Incident.HumanId, read.Incident.Record.Tlp,
                participant.Role, participant.Status, participant.InvitedByOrganisationId, "", participant.Message, participant.InvitedAt));
        }).WithSummary("Invite an organisation")
            .WithDescription("Owner and coordinators invite an organisation of the node as coordinator, contributor or observer; it reads the incident once it accepts.");

        group.MapGet("/{id}/tasks", async Task<Results<Ok<CursorPage<TaskView>>, NotFound>> (string id, Caller caller, IncidentQueries incidents, PageCursors cursors, int? limit, string? next, bool? open, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            if (await ResolveAsync(incidents, caller, id, ct) is not { } read)
            {
                return TypedResults.NotFound();
            }

            var scope = $"{read.Incident.Id}|{open == true}";
            var (tasks, more) = await incidents.TasksAsync(read, cursors.Decode(next, TaskList, scope), size, open == true, ct);
            return TypedResults.Ok(new CursorPage<TaskView>(tasks.Select(t => TaskView.From(t, withLog: false)).ToList(),
                more ? cursors.Encode(TaskList, scope, tasks[^1].Id) : null));
        }).WithSummary("List an incident's tasks")
            .WithDescription("Newest first, cursor-paged; open=true for open and in-progress ones. Owner-only tasks only for the owning organisation.");

        group.MapGet("/{id}/tasks/{taskId}", async Task<Results<Ok<TaskView>, NotFound>> (string id, string taskId, Caller caller, IncidentQueries incidents, CancellationToken ct) =>
        {
            var task = Http.ParseId(taskId, "taskId");
            return await ResolveAsync(incidents, caller, id, ct) is { } read && await incidents.TaskAsync(read, task, ct) is { } found
                ? TypedResults.Ok(TaskView.From(found, withLog: true))
                : TypedResults.NotFound();
        }).WithSummary("Read a task").WithDescription("With its work log. 404 for a task the caller may not see.");

        group.MapPost("/{id}/tasks", async Task<Results<Created<TaskView>, NotFound>> (string id, TaskRequest request, Caller caller, IncidentEditing editing, IncidentQueries incidents, IPeopleDirectory people, CancellationToken ct) =>
        {
            var guid = await IdOfAsync(incidents, caller, id, ct);
            return guid is { } g && await editing.CreateTaskAsync(caller, g, request, people, ct) is { } task
                ? TypedResults.Created($"/api/incidents/{g}/tasks/{task.PublicId}", TaskView.From(task, withLog: false))
                : TypedResults.NotFound();
        }).WithSummary("Add a task")
            .WithDescription("Owner and coordinators; assigned to an organisation taking part or one of its people; ownerOnly only by the owner.");

        group.MapPost("/{id}/tasks/{taskId}/work", async Task<Results<Ok<TaskView>, NotFound>> (string id, string taskId, TaskWorkRequest request, Caller caller, IncidentEditing editing, IncidentQueries incidents, CancellationToken ct) =>
        {
            var task = Http.ParseId(taskId, "taskId");
            var guid = await IdOfAsync(incidents, caller, id, ct);
            return guid is { } g && await editing.WorkTaskAsync(caller, g, task, request, ct) is not null
                && await incidents.FindAsync(caller, g, ct) is { } read && await incidents.TaskAsync(read, task, ct) is { } found
                ? TypedResults.Ok(TaskView.From(found, withLog: true))
                : TypedResults.NotFound();
        }).WithSummary("Work on a task")
            .WithDescription("Adds a line to the task's log and/or sets its status (open, in-progress, done, cancelled). Owner and coordinators on any task they see; contributors on their organisation's tasks (else 403).");

        group.MapGet("/invitations", async Task<Ok<CursorPage<InvitationView>>> (Caller caller, IncidentQueries incidents, PageCursors cursors, int? limit, string? next, bool? all, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var scope = all == true ? "all" : "pending";
            var before = cursors.DecodeKey(next, InvitationList, scope)?.Id;
            var (items, more) = await incidents.InvitationsAsync(caller, all == true, before, size, ct);
            return TypedResults.Ok(new CursorPage<InvitationView>(items, more ? cursors.Encode(InvitationList, scope, "", items[^1].Id) : null));
        }).WithSummary("List invitations to incidents")
            .WithDescription("Invitations addressed to the caller's organisation, newest first, cursor-paged: pending ones, or all=true with the answered ones. They show the number, TLP, role and message, not the incident.");

        group.MapPost("/invitations/{invitationId}/accept", async Task<Results<Ok<InvitationView>, NotFound>> (string invitationId, Caller caller, IncidentEditing editing, CancellationToken ct) =>
            await editing.AnswerAsync(caller, Http.ParseId(invitationId, "invitationId"), accept: true, ct) is { } p ? TypedResults.Ok(View(p)) : TypedResults.NotFound())
            .WithSummary("Accept an invitation").WithDescription("Writers of the invited organisation; from then on it reads the incident at its TLP. 404 for an invitation to another organisation.");

        group.MapPost("/invitations/{invitationId}/decline", async Task<Results<Ok<InvitationView>, NotFound>> (string invitationId, Caller caller, IncidentEditing editing, CancellationToken ct) =>
            await editing.AnswerAsync(caller, Http.ParseId(invitationId, "invitationId"), accept: false, ct) is { } p ? TypedResults.Ok(View(p)) : TypedResults.NotFound())
            .WithSummary("Decline an invitation").WithDescription("Writers of the invited organisation. 404 for an invitation to another organisation.");

        return group;
    }

    private static InvitationView View(IncidentParticipant p) =>
        new(p.Id, p.Incident.Id, p.Incident.HumanId, p.Incident.Record.Tlp, p.Role, p.Status, p.InvitedByOrganisationId, "", p.Message, p.InvitedAt);

    /// <summary>An enum value as the API writes it ("in-progress"); null when absent; a 400 naming <paramref name="field"/> when unknown.</summary>
    public static T? ParseKebab<T>(string? value, string field, RequestErrors errors)
        where T : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (value is null)
        {
            return null;
        }

        foreach (var candidate in Enum.GetValues<T>())
        {
            if (string.Equals(IncidentEditing.Kebab(candidate), value, StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        errors.Add(field, $"One of: {string.Join(", ", Enum.GetValues<T>().Select(IncidentEditing.Kebab))}.");
        return null;
    }

    private static IncidentFilter Filter(string? statusText, string? severityText, string? sector, string? country, string? rsit, bool? open,
        string? disarmTag, Disarm.DisarmTechniques disarm)
    {
        var errors = new RequestErrors();
        var status = ParseKebab<IncidentStatus>(statusText, "status", errors);
        var severity = ParseKebab<IncidentSeverity>(severityText, "severity", errors);
        if (sector is not null && !IncidentTaxonomy.IsSector(sector))
        {
            errors.Add("sector", $"Not a sector ({string.Join(", ", IncidentTaxonomy.Sectors)}).");
        }

        if (country is not null && !Organisations.Countries.IsKnown(country))
        {
            errors.Add("country", "Not an ISO 3166-1 alpha-2 country code in capitals (Kosovo is XK).");
        }

        string? category = null, type = null;
        if (rsit is not null && rsit.Length > 200)
        {
            errors.Add("rsit", "At most 200 characters.");
        }
        else if (rsit is not null)
        {
            var parts = rsit.Split('/', 2);
            category = parts[0];
            type = parts.Length > 1 ? parts[1] : null;
            if (!IncidentTaxonomy.Rsit.ContainsKey(category) || (type is not null && !IncidentTaxonomy.IsRsit(category, type)))
            {
                errors.Add("rsit", "Not an RSIT category, nor 'category/type' of the RSIT taxonomy.");
            }
        }

        // Matched as the stored ids are spelled (the galaxy's), whatever the case the client typed.
        var technique = disarmTag is null ? null : disarm.Find(disarmTag);
        if (disarmTag is not null && technique is null)
        {
            errors.Add("disarm", "Not a technique of the DISARM galaxy on this node (an id such as T0023 or T0023.001).");
        }

        errors.ThrowIfAny();
        return new IncidentFilter(status, severity, sector, country, category, type, open == true, technique?.Id);
    }
}
