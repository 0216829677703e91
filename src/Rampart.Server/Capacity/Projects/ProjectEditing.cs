using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Standards.Markings;

namespace Rampart.Server.Capacity.Projects;

/// <summary>A proposed change as a client sends it: the whole project as it should read, and why.</summary>
public sealed record SuggestionRequest(ProjectRequest? Proposed, string? Comment);

/// <summary>The owner's decision on a suggestion.</summary>
public sealed record SuggestionDecision(string? Note, bool Overwrite = false);

/// <summary>
/// Creates, changes and deletes projects (writers of the owning organisation), takes suggestions from members of
/// other organisations and lets the owner accept or reject them. A project the caller cannot read is "not found"
/// (null), never "forbidden". The only writer of the registry's tables.
/// </summary>
public sealed class ProjectEditing(RampartDb db, AccessPolicy access, SharingStore sharing, AuditTrail audit, TimeProvider clock)
{
    public async Task<CapacityProject> CreateAsync(Caller caller, ProjectRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        EnsureCanCreate(caller);
        var content = await ValidateAsync(request, "", null, cancellationToken);
        var project = await AddAsync(caller, content, cancellationToken);
        audit.Record(AuditEvent.CapacityProjectCreated, caller, $"project:{project.Id}", detail: content.Visibility.ToString());
        await db.SaveChangesAsync(cancellationToken);
        return project;
    }

    /// <summary>Adds validated projects in one unit of work (the CSV import): all of them or, on any error, none.</summary>
    internal async Task<IReadOnlyList<CapacityProject>> AddAllAsync(Caller caller, IReadOnlyList<ProjectContent> contents, CancellationToken cancellationToken)
    {
        EnsureCanCreate(caller);
        var added = new List<CapacityProject>();
        foreach (var content in contents)
        {
            added.Add(await AddAsync(caller, content, cancellationToken));
        }

        audit.Record(AuditEvent.CapacityProjectsImported, caller, "projects:import", detail: $"{added.Count} projects");
        await db.SaveChangesAsync(cancellationToken);
        return added;
    }

    public async Task<CapacityProject?> UpdateAsync(Caller caller, Guid id, ProjectRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var project = await FindForWriteAsync(caller, id, cancellationToken);
        if (project is null)
        {
            return null;
        }

        EnsureCanWrite(caller, project);
        var content = await ValidateAsync(request, "", ProjectRules.Visibility(project.Record), cancellationToken);
        await ApplyAsync(project, content, cancellationToken);
        audit.Record(AuditEvent.CapacityProjectChanged, caller, $"project:{project.Id}", detail: content.Visibility.ToString());
        await db.SaveChangesAsync(cancellationToken);
        return project;
    }

    public async Task<bool> DeleteAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var project = await FindForWriteAsync(caller, id, cancellationToken);
        if (project is null)
        {
            return false;
        }

        EnsureCanWrite(caller, project);
        // The envelope's foreign keys cascade: the project, its grants, facets and suggestions go with it.
        db.SharedRecords.Remove(project.Record);
        audit.Record(AuditEvent.CapacityProjectDeleted, caller, $"project:{project.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// A member of another organisation who may read the project proposes it as it should read; the owner decides.
    /// Null when the caller cannot read the project.
    /// </summary>
    public async Task<ProjectSuggestion?> SuggestAsync(Caller caller, Guid id, SuggestionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var project = await FindForWriteAsync(caller, id, cancellationToken);
        if (project is null)
        {
            return null;
        }

        EnsureCanCreate(caller);
        if (project.Record.OwnerOrganisationId == caller.OrganisationId)
        {
            throw RequestErrors.One("proposed", "Your organisation owns this project: change it directly.");
        }

        var errors = new RequestErrors();
        errors.MultiLine("comment", request.Comment, ProjectRules.TextLength);
        if (request.Proposed is null)
        {
            errors.Add("proposed", "Required: the project as it should read.");
        }
        else if (request.Proposed.Visibility is not null)
        {
            errors.Add("proposed.visibility", "Only the owner chooses who reads the project; leave it out.");
        }

        errors.ThrowIfAny();
        await ValidateAsync(request.Proposed!, "proposed.", ProjectRules.Visibility(project.Record), cancellationToken);
        var now = clock.GetUtcNow();
        var suggestion = new ProjectSuggestion
        {
            Id = Guid.CreateVersion7(now),
            ProjectRecordId = project.RecordId,
            OrganisationId = caller.OrganisationId,
            UserId = caller.UserId,
            Proposed = JsonSerializer.Serialize(request.Proposed, ProjectRules.StoreJson),
            Comment = request.Comment ?? "",
            Status = SuggestionStatus.Pending,
            CreatedAt = now,
            BasedOn = project.ModifiedAt,
        };
        db.CapacityProjectSuggestions.Add(suggestion);
        audit.Record(AuditEvent.CapacityProjectEditSuggested, caller, $"project:{project.Id}", detail: $"suggestion:{suggestion.Id}");
        await db.SaveChangesAsync(cancellationToken);
        return suggestion;
    }

    /// <summary>
    /// The owner accepts (the proposal becomes the project, checked again against today's rules) or rejects a pending
    /// suggestion. Null when the caller cannot read the project or it has no such suggestion.
    /// </summary>
    public async Task<ProjectSuggestion?> DecideAsync(Caller caller, Guid id, Guid suggestionId, bool accept, SuggestionDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(decision);
        var project = await FindForWriteAsync(caller, id, cancellationToken);
        if (project is null)
        {
            return null;
        }

        var suggestion = await db.CapacityProjectSuggestions.FirstOrDefaultAsync(s => s.Id == suggestionId && s.ProjectRecordId == project.RecordId, cancellationToken);
        // A suggestion is seen by the owner and by the organisation that made it; to anyone else it does not exist.
        if (suggestion is null || (project.Record.OwnerOrganisationId != caller.OrganisationId && suggestion.OrganisationId != caller.OrganisationId))
        {
            return null;
        }

        if (!AccessPolicy.CanWrite(caller, project.Record))
        {
            throw new ForbiddenException("Only writers of the owning organisation decide on suggestions.");
        }

        if (suggestion.Status != SuggestionStatus.Pending)
        {
            throw new ConflictException($"The suggestion was already {suggestion.Status.ToString().ToLowerInvariant()}.");
        }

        var errors = new RequestErrors();
        errors.MultiLine("note", decision.Note, ProjectRules.TextLength);
        errors.ThrowIfAny();
        // Any other time than the one it was based on (not only a later one: app servers' clocks may differ a little).
        if (accept && (suggestion.BasedOn is not { } basedOn || project.ModifiedAt != basedOn) && !decision.Overwrite)
        {
            // The owner changed the project after the suggestion was made: accepting would silently undo that change.
            throw new ConflictException("The project was changed after this suggestion was made; accepting replaces those changes too. "
                + "Compare the suggestion with the project as it reads now, then accept with overwrite: true, or reject it.");
        }

        if (accept)
        {
            var proposed = JsonSerializer.Deserialize<ProjectRequest>(suggestion.Proposed, ProjectRules.StoreJson)!;
            var content = await ValidateAsync(proposed, "proposed.", ProjectRules.Visibility(project.Record), cancellationToken);
            await ApplyAsync(project, content with { Visibility = ProjectRules.Visibility(project.Record) }, cancellationToken);
        }

        suggestion.Status = accept ? SuggestionStatus.Accepted : SuggestionStatus.Rejected;
        suggestion.DecidedAt = clock.GetUtcNow();
        suggestion.DecidedByUserId = caller.UserId;
        suggestion.DecisionNote = decision.Note;
        audit.Record(accept ? AuditEvent.CapacityProjectSuggestionAccepted : AuditEvent.CapacityProjectSuggestionRejected, caller,
            $"project:{project.Id}", detail: $"suggestion:{suggestion.Id}");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The status is a concurrency token: of two decisions at the same moment, one is saved and the other told.
            throw new ConflictException("This suggestion was decided at the same moment by someone else; reload it.");
        }

        return suggestion;
    }

    private async Task<CapacityProject> AddAsync(Caller caller, ProjectContent content, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var record = new SharedRecord
        {
            RecordType = CapacityProject.Type,
            OwnerOrganisationId = caller.OrganisationId,
            CreatorOrganisationId = caller.OrganisationId,
            CreatedAt = now,
        };
        var project = new CapacityProject
        {
            Record = record,
            Id = Guid.CreateVersion7(now),
            Title = content.Title,
            TitleKey = ProjectRules.TitleKey(content.Title),
            Start = content.Start,
            CreatedByUserId = caller.UserId,
            CreatedAt = now,
        };
        db.SharedRecords.Add(record);
        db.CapacityProjects.Add(project);
        await ApplyAsync(project, content, cancellationToken);
        return project;
    }

    /// <summary>Writes <paramref name="content"/> into the project, its distribution into the envelope and its filter rows.</summary>
    private async Task ApplyAsync(CapacityProject project, ProjectContent content, CancellationToken cancellationToken)
    {
        project.Title = content.Title;
        project.TitleKey = ProjectRules.TitleKey(content.Title);
        project.Code = content.Code;
        project.CodeKey = ProjectRules.CodeKey(content.Code);
        project.Status = content.Status;
        project.Start = content.Start;
        project.End = content.End;
        project.Summary = content.Summary;
        project.Aim = content.Aim;
        project.Context = content.Context;
        project.Outcomes = content.Outcomes;
        project.Budget = content.Budget;
        project.Currency = content.Currency;
        project.Lists = content.Lists;
        project.ModifiedAt = clock.GetUtcNow();

        // Visibility is a distribution, so it is the access decision's: a network grant at GREEN, or at CLEAR and published.
        var (tlp, published) = content.Visibility == ProjectVisibility.Public ? (Tlp.Clear, true) : (Tlp.Green, false);
        ResolvedAudience[] audience = [new(AudienceKind.Network)];
        if (!SharingRules.Allows(tlp, AudienceKind.Network))
        {
            throw new InvalidOperationException("The sharing rules and the registry's visibility disagree.");
        }

        await sharing.ApplyAsync(project.Record, tlp, audience, published, cancellationToken);

        var wanted = ProjectRules.Facets(project).ToHashSet();
        var existing = project.RecordId == 0
            ? []
            : await db.CapacityProjectFacets.Where(f => f.RecordId == project.RecordId).ToListAsync(cancellationToken);
        db.CapacityProjectFacets.RemoveRange(existing.Where(f => !wanted.Contains((f.Kind, f.Value))));
        wanted.ExceptWith(existing.Select(f => (f.Kind, f.Value)));
        db.CapacityProjectFacets.AddRange(wanted.Select(f => new ProjectFacet { Kind = f.Kind, Value = f.Value, Project = project }));
    }

    internal async Task<ProjectContent> ValidateAsync(ProjectRequest request, string prefix, ProjectVisibility? currentVisibility, CancellationToken cancellationToken)
    {
        var errors = new RequestErrors();
        var known = await KnownOrganisationsAsync([request], cancellationToken);
        var content = ProjectRules.Validate(request, known, errors, prefix, currentVisibility);
        errors.ThrowIfAny();
        return content!;
    }

    internal async Task<IReadOnlySet<Guid>> KnownOrganisationsAsync(IEnumerable<ProjectRequest> requests, CancellationToken cancellationToken)
    {
        var ids = requests.SelectMany(r => r.Actors ?? []).Where(a => a?.OrganisationId is not null).Select(a => a.OrganisationId!.Value).Distinct().ToList();
        return ids.Count == 0 ? new HashSet<Guid>() : (await db.Organisations.Where(o => ids.Contains(o.Id)).Select(o => o.Id).ToListAsync(cancellationToken)).ToHashSet();
    }

    private async Task<CapacityProject?> FindForWriteAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await access.Readable(db.CapacityProjects.Include(p => p.Record), caller).FirstOrDefaultAsync(p => p.Id == id, cancellationToken);

    private static void EnsureCanCreate(Caller caller)
    {
        if (!AccessPolicy.CanCreate(caller))
        {
            throw new ForbiddenException("Viewers, read-only keys and the operator cannot write.");
        }
    }

    private static void EnsureCanWrite(Caller caller, CapacityProject project)
    {
        EnsureCanCreate(caller);
        if (!AccessPolicy.CanWrite(caller, project.Record))
        {
            throw new ForbiddenException("Only the owning organisation changes a project; suggest an edit instead (POST …/suggestions).");
        }
    }
}
