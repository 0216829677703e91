using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;

namespace Rampart.Server.Incidents;

public sealed record TaskRequest(
    string? Title,
    string? Description = null,
    Guid? AssignedOrganisationId = null,
    Guid? AssignedUserId = null,
    DateTimeOffset? DueAt = null,
    bool OwnerOnly = false);

/// <summary>Work on a task: a line for its log, a new status, or both.</summary>
public sealed record TaskWorkRequest(string? Text = null, IncidentTaskStatus? Status = null);

public sealed partial class IncidentEditing
{
    /// <summary>
    /// Adds a task: writers of the owner and of coordinating organisations. It is assigned to the owner or an
    /// organisation taking part, or to one of their people. Owner-only tasks only by the owner, within the owner.
    /// </summary>
    public async Task<IncidentTask?> CreateTaskAsync(Caller caller, Guid id, TaskRequest request, IPeopleDirectory people, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(people);
        var (incident, read) = await LoadWithStandingAsync(caller, id, cancellationToken);
        if (incident is null)
        {
            return null;
        }

        EnsureActs(caller, read!, IncidentStanding.Coordinator, "Only the owner and coordinators add tasks.");
        var errors = new RequestErrors();
        CheckTask(errors, request.Title, request.Description);
        if (request.OwnerOnly && !read!.IsOwner)
        {
            errors.Add("ownerOnly", "Only the owning organisation adds owner-only tasks.");
        }

        var owner = incident.Record.OwnerOrganisationId;
        var taking = await db.IncidentParticipants.AsNoTracking()
            .Where(p => p.IncidentRecordId == incident.RecordId && p.Status == InvitationStatus.Accepted)
            .Select(p => p.OrganisationId).ToListAsync(cancellationToken);
        taking.Add(owner);
        var organisation = request.AssignedOrganisationId;
        if (organisation is { } o && (!taking.Contains(o) || (request.OwnerOnly && o != owner)))
        {
            errors.Add("assignedOrganisationId", request.OwnerOnly ? "An owner-only task stays with the owning organisation." : "Not an organisation taking part in this incident.");
        }

        if (request.AssignedUserId is { } user)
        {
            var found = await people.ActiveUserOrganisationsAsync([user], cancellationToken);
            if (!found.TryGetValue(user, out var userOrganisation) || !taking.Contains(userOrganisation)
                || (organisation is { } named && named != userOrganisation) || (request.OwnerOnly && userOrganisation != owner))
            {
                errors.Add("assignedUserId", "Not an active person of an organisation taking part (and of the assigned organisation, when one is named).");
            }
            else
            {
                organisation = userOrganisation;
            }
        }

        errors.ThrowIfAny();
        var now = clock.GetUtcNow();
        var task = new IncidentTask
        {
            PublicId = Guid.CreateVersion7(now),
            IncidentRecordId = incident.RecordId,
            Title = request.Title!.Trim(),
            Description = request.Description ?? "",
            AssignedOrganisationId = organisation,
            AssignedUserId = request.AssignedUserId,
            DueAt = request.DueAt?.ToUniversalTime(),
            Status = IncidentTaskStatus.Open,
            OwnerOnly = request.OwnerOnly,
            CreatedByUserId = caller.UserId,
            CreatedByOrganisationId = caller.OrganisationId,
            CreatedAt = now,
            ModifiedAt = now,
        };
        db.IncidentTasks.Add(task);
        await Clocks.DeadlineRows.RefreshTaskAsync(db, task, incident.RecordId, cancellationToken);
        var entry = SystemEntry(incident, caller, IncidentEvents.TaskCreated, now);
        entry.TaskId = task.PublicId;
        entry.SubjectOrganisationId = organisation;
        entry.Body = task.Title;
        entry.OwnerOnly = task.OwnerOnly;
        db.IncidentJournal.Add(entry);
        audit.Record(AuditEvent.IncidentTaskCreated, caller, $"incident:{incident.Id}", detail: $"task:{task.PublicId}");
        db.Notify(Notifications.NotificationKind.TaskAssigned, caller, now, incident.Id, task.PublicId, task.AssignedOrganisationId, task.AssignedUserId);
        await db.SaveChangesAsync(cancellationToken);
        return task;
    }

    /// <summary>
    /// Logs work on a task and may change its status: the owner and coordinators on any task they see, contributors on
    /// tasks assigned to their organisation or to themselves. A task the caller cannot see is null (404).
    /// </summary>
    public async Task<IncidentTask?> WorkTaskAsync(Caller caller, Guid id, Guid taskId, TaskWorkRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var (incident, read) = await LoadWithStandingAsync(caller, id, cancellationToken);
        if (incident is null)
        {
            return null;
        }

        var task = await db.IncidentTasks.FirstOrDefaultAsync(t => t.IncidentRecordId == incident.RecordId && t.PublicId == taskId, cancellationToken);
        if (task is null || (task.OwnerOnly && !read!.IsOwner))
        {
            return null;
        }

        EnsureActs(caller, read!, IncidentStanding.Contributor, "Observers and readers do not work on tasks.");
        if (read!.Standing == IncidentStanding.Contributor && task.AssignedOrganisationId != caller.OrganisationId && task.AssignedUserId != caller.UserId)
        {
            throw new ForbiddenException("Contributors work on the tasks assigned to their organisation.");
        }

        Check(request);
        var now = clock.GetUtcNow();
        var changed = request.Status is { } to && to != task.Status;
        db.IncidentTaskLog.Add(new IncidentTaskLog
        {
            TaskId = task.Id,
            Text = request.Text?.Trim() ?? "",
            ToStatus = changed ? request.Status : null,
            UserId = caller.UserId,
            OrganisationId = caller.OrganisationId,
            CreatedAt = now,
        });
        if (changed)
        {
            task.Status = request.Status!.Value;
            var entry = SystemEntry(incident, caller, IncidentEvents.TaskStatus, now);
            entry.TaskId = task.PublicId;
            entry.SubjectOrganisationId = task.AssignedOrganisationId;
            entry.Body = Kebab(task.Status) + " " + task.Title;
            entry.OwnerOnly = task.OwnerOnly;
            db.IncidentJournal.Add(entry);
        }

        task.ModifiedAt = now;
        task.Version++;
        if (changed)
        {
            await Clocks.DeadlineRows.RefreshTaskAsync(db, task, incident.RecordId, cancellationToken);
        }

        audit.Record(AuditEvent.IncidentTaskWorked, caller, $"incident:{incident.Id}", detail: $"task:{task.PublicId}{(changed ? " " + Kebab(task.Status) : "")}");
        await SaveAsync(cancellationToken);
        return task;
    }

    /// <summary>A new task's own fields (title required; description), on this node and on a participant's node before it sends one.</summary>
    public static void CheckTask(RequestErrors errors, string? title, string? description)
    {
        ArgumentNullException.ThrowIfNull(errors);
        errors.SingleLine("title", title, IncidentLimits.TaskTitleLength);
        errors.MultiLine("description", description, IncidentLimits.TaskDescriptionLength);
    }

    /// <summary>The input rules of work on a task (400 naming the field), also checked by a participant's node before it sends one.</summary>
    public static void Check(TaskWorkRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new RequestErrors();
        errors.MultiLine("text", request.Text, IncidentLimits.LogLength);
        if (request.Status is { } s && !Enum.IsDefined(s))
        {
            errors.Add("status", "open, in-progress, done or cancelled.");
        }

        if (string.IsNullOrWhiteSpace(request.Text) && request.Status is null)
        {
            errors.Add("text", "Required: what was done, or a new 'status'.");
        }

        errors.ThrowIfAny();
    }
}
