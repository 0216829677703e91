using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Organisations;
using Rampart.Standards.Markings;

namespace Rampart.Server.Incidents;

public sealed record RsitRequest(string? Category, string? Type);

/// <summary>
/// An incident as a client sends it. The audience is optional (an incident starts with its owner and the
/// participants it invites); when given, the set form (<see cref="Audiences"/>) or the single form, not both.
/// </summary>
public sealed record IncidentRequest(
    string? Title,
    string? Summary,
    Tlp? Tlp,
    Pap? Pap,
    IncidentSeverity? Severity,
    string? Sector,
    IReadOnlyList<string>? Countries = null,
    IReadOnlyList<RsitRequest>? Classifications = null,
    string? AffectedEntity = null,
    AffectedEntityKind? EntityKind = null,
    DateTimeOffset? AwareAt = null,
    DateTimeOffset? DetectedAt = null,
    DateTimeOffset? StartedAt = null,
    bool Significant = false,
    Audience? Audience = null,
    Guid? CommunityId = null,
    IReadOnlyList<RecipientRequest>? Recipients = null,
    IReadOnlyList<AudienceEntry>? Audiences = null,
    IReadOnlyList<string>? DisarmTechniques = null);

/// <summary>The incident page's "Change DISARM techniques": the update use case's request carrying the incident's fields as they are, with new tags.</summary>
public static class IncidentRetagging
{
    public static IncidentRequest Request(Incident incident, IReadOnlyList<string> techniques)
    {
        ArgumentNullException.ThrowIfNull(incident);
        return new IncidentRequest(incident.Title, incident.Summary, incident.Record.Tlp, incident.Pap, incident.Severity, incident.Sector,
            [.. incident.Countries.Select(c => c.Country)], [.. incident.Classifications.Select(c => new RsitRequest(c.Category, c.Kind))],
            incident.AffectedEntity, incident.EntityKind, incident.AwareAt, incident.DetectedAt, incident.StartedAt, incident.Significant,
            DisarmTechniques: techniques);
    }
}

/// <summary>The DISARM tags of an incident, alone (<c>PUT /api/incidents/{id}/disarm-techniques</c>).</summary>
public sealed record DisarmTagsRequest(IReadOnlyList<string>? DisarmTechniques);

/// <summary>A status change; <see cref="ConfirmOpenTasks"/> must be true to close while visible tasks are still open.</summary>
/// <summary>A status move; <c>duplicateOf</c> (UUID or number of an incident the caller reads) is required for <c>duplicate</c>.</summary>
public sealed record StatusRequest(IncidentStatus? Status, string? Reason = null, bool ConfirmOpenTasks = false, string? DuplicateOf = null);

public sealed record JournalRequest(string? Body, bool OwnerOnly = false);

public sealed record InviteRequest(Guid? OrganisationId, ParticipantRole? Role, string? Message = null);

/// <summary>
/// Creates and changes incidents, their journal, participants and tasks. Reads the incident first through
/// <see cref="AccessPolicy"/> (not readable = null = 404), then checks the caller's standing (may see but not do = 403).
/// </summary>
public sealed partial class IncidentEditing(
    RampartDb db, AccessPolicy access, SharingStore sharing, IncidentQueries queries, AuditTrail audit, TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<Clocks.DataProtectionOptions> dataProtection, Disarm.DisarmTechniques disarm)
{
    // An incident's times may lie a little in the future of this server's clock (the reporter's clock runs ahead), not more.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(10);

    public async Task<Incident> CreateAsync(Caller caller, IncidentRequest request, CancellationToken cancellationToken,
        IReadOnlyList<TaskRequest>? presetTasks = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (!AccessPolicy.CanCreate(caller))
        {
            throw new ForbiddenException("Viewers and read-only keys cannot open incidents.");
        }

        var now = clock.GetUtcNow();
        var errors = new RequestErrors();
        ValidateFields(request, errors, now);
        ValidateTechniques(request.DisarmTechniques, errors);
        request = request with { DisarmTechniques = disarm.Canonical(request.DisarmTechniques) };
        var (tlp, entries) = await ValidateSharingAsync(caller, request, errors, cancellationToken);
        var record = new SharedRecord
        {
            RecordType = Incident.Type,
            OwnerOrganisationId = caller.OrganisationId,
            CreatorOrganisationId = caller.OrganisationId,
            CreatedAt = now,
        };
        if (!AccessPolicy.CanShare(caller, record, tlp, entries))
        {
            throw new InvalidOperationException("The sharing rules and their validation disagree.");
        }

        var incident = new Incident
        {
            Record = record,
            Id = Guid.CreateVersion7(now),
            Year = now.UtcDateTime.Year,
            Title = request.Title!.Trim(),
            Summary = request.Summary ?? "",
            Status = IncidentStatus.New,
            Sector = request.Sector!,
            CreatedByUserId = caller.UserId,
            CreatedAt = now,
        };
        Apply(incident, request, now);

        // The number comes from a counter row updated in this transaction: on PostgreSQL the row lock serialises app
        // servers until commit, so no two incidents get one number and a rolled-back creation gives its number back.
        // Inside a caller's transaction (a report split out) it joins that one and leaves the commit to it.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        incident.Number = await NextNumberAsync(incident.Year, cancellationToken);
        db.SharedRecords.Add(record);
        db.Incidents.Add(incident);
        await sharing.ApplyAsync(record, tlp, entries, published: false, cancellationToken);
        db.IncidentJournal.Add(SystemEntry(incident, caller, IncidentEvents.Opened, now));
        // A template's preset tasks, in the same transaction (unassigned, no due time: the analysts assign them).
        foreach (var preset in presetTasks ?? [])
        {
            var task = new IncidentTask
            {
                PublicId = Guid.CreateVersion7(now),
                Incident = incident,
                Title = preset.Title!,
                Description = preset.Description ?? "",
                OwnerOnly = preset.OwnerOnly,
                Status = IncidentTaskStatus.Open,
                CreatedByUserId = caller.UserId,
                CreatedByOrganisationId = caller.OrganisationId,
                CreatedAt = now,
                ModifiedAt = now,
            };
            db.IncidentTasks.Add(task);
            var created = SystemEntry(incident, caller, IncidentEvents.TaskCreated, now);
            created.TaskId = task.PublicId;
            created.Body = task.Title;
            created.OwnerOnly = preset.OwnerOnly;
            db.IncidentJournal.Add(created);
        }

        await Clocks.DeadlineRows.RefreshAsync(db, incident, dataProtection.Value.Jurisdictions, now, cancellationToken);
        audit.Record(AuditEvent.IncidentCreated, caller, $"incident:{incident.Id}", detail: $"{incident.HumanId} {tlp.Label()}");
        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }
        return incident;
    }

    /// <summary>Changes the fields (not status, TLP or audience): writers of the owning organisation.</summary>
    /// <summary>
    /// New DISARM tags and nothing else: the incident's other fields are read again here, just before the update, so a
    /// colleague's change since a page was loaded is kept (the page's "Change DISARM techniques" and the REST path).
    /// </summary>
    public async Task<Incident?> RetagAsync(Caller caller, Guid id, IReadOnlyList<string> techniques, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(techniques);
        var current = await LoadAsync(caller, id, cancellationToken);
        return current is null ? null : await UpdateAsync(caller, id, IncidentRetagging.Request(current, techniques), cancellationToken);
    }

    public async Task<Incident?> UpdateAsync(Caller caller, Guid id, IncidentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var incident = await LoadAsync(caller, id, cancellationToken);
        if (incident is null)
        {
            return null;
        }

        if (!AccessPolicy.CanWrite(caller, incident.Record))
        {
            throw new ForbiddenException("Only the owning organisation's analysts change an incident's fields.");
        }

        var now = clock.GetUtcNow();
        var errors = new RequestErrors();
        ValidateFields(request, errors, now);
        ValidateTechniques(request.DisarmTechniques, errors);
        request = request with { DisarmTechniques = disarm.Canonical(request.DisarmTechniques) };
        if (request.Tlp is { } tlp && tlp != incident.Record.Tlp)
        {
            errors.Add("tlp", "The TLP of an incident is set when it is opened; it cannot be changed here.");
        }

        if (request.Audience is not null || request.Audiences is not null || request.CommunityId is not null || request.Recipients is { Count: > 0 })
        {
            errors.Add("audience", "The audience of an incident is set when it is opened; invite participants instead.");
        }

        errors.ThrowIfAny();
        incident.Title = request.Title!.Trim();
        incident.Summary = request.Summary ?? "";
        incident.Sector = request.Sector!;
        // Keep the rows that stay (their keys are their values), drop the others; Apply adds the new ones.
        var countries = (request.Countries ?? []).ToHashSet(StringComparer.Ordinal);
        incident.Countries.RemoveAll(c => !countries.Contains(c.Country));
        var pairs = (request.Classifications ?? []).Select(c => (c.Category, c.Type)).ToHashSet();
        incident.Classifications.RemoveAll(c => !pairs.Contains((c.Category, c.Kind)));
        // DISARM tags: left as they are when the request does not name them (a client that predates them keeps them).
        if (request.DisarmTechniques is { } techniques)
        {
            var kept = techniques.ToHashSet(StringComparer.Ordinal);
            incident.Techniques.RemoveAll(t => !kept.Contains(t.TechniqueId));
        }

        Apply(incident, request, now);
        incident.Version++;
        await Clocks.DeadlineRows.RefreshAsync(db, incident, dataProtection.Value.Jurisdictions, now, cancellationToken);
        db.IncidentJournal.Add(SystemEntry(incident, caller, IncidentEvents.Changed, now));
        audit.Record(AuditEvent.IncidentChanged, caller, $"incident:{incident.Id}", detail: incident.HumanId);
        await SaveAsync(cancellationToken);
        return incident;
    }

    /// <summary>
    /// Moves the incident along its workflow: writers of the owner and of coordinating organisations. An illegal
    /// transition is a 400 naming <c>status</c>; closing with open tasks the caller can see needs <c>confirmOpenTasks</c>
    /// (the tasks stay as they are, and the journal says the incident was closed with them open).
    /// </summary>
    public async Task<Incident?> ChangeStatusAsync(Caller caller, Guid id, StatusRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var (incident, read) = await LoadWithStandingAsync(caller, id, cancellationToken);
        if (incident is null)
        {
            return null;
        }

        EnsureActs(caller, read!, IncidentStanding.Coordinator, "Only the owner and coordinators change an incident's status.");
        var errors = new RequestErrors();
        errors.MultiLine("reason", request.Reason, IncidentLimits.EntryLength);
        if (request.Status is not { } to || !Enum.IsDefined(to))
        {
            errors.Add("status", "Required: new, triage, in-progress, contained, resolved, closed, rejected or duplicate.");
            errors.ThrowIfAny();
            return null;
        }

        if (!IncidentWorkflow.Allows(incident.Status, to))
        {
            var allowed = string.Join(", ", IncidentWorkflow.From(incident.Status).Select(Kebab));
            errors.Add("status", $"An incident that is {Kebab(incident.Status)} can move to {allowed}; not to {Kebab(to)}.");
        }
        else if (to == IncidentStatus.Duplicate)
        {
            // A duplicate always names its original (as POST …/duplicate does), so participants know which incident to follow.
            errors.ThrowIfAny();
            return await MarkDuplicateAsync(caller, id, new DuplicateRequest(request.DuplicateOf, request.Reason), cancellationToken, "duplicateOf");
        }

        var openTasks = 0;
        if (to == IncidentStatus.Closed && !errors.Has("status"))
        {
            openTasks = await queries.OpenTaskCountAsync(read!, cancellationToken);
            if (openTasks > 0 && !request.ConfirmOpenTasks)
            {
                errors.Add("confirmOpenTasks", $"{openTasks} task(s) are still open. Close them first, or send confirmOpenTasks: true to close the incident with them open.");
            }
        }

        errors.ThrowIfAny();
        var now = clock.GetUtcNow();
        var from = incident.Status;
        incident.Status = to;
        incident.ModifiedAt = now;
        incident.Version++;
        await Clocks.ClockEditing.HandlingStatusAsync(db, incident, to, now, cancellationToken);
        await Clocks.DeadlineRows.RefreshAsync(db, incident, dataProtection.Value.Jurisdictions, now, cancellationToken);
        db.IncidentJournal.Add(new IncidentJournalEntry
        {
            PublicId = Guid.CreateVersion7(now),
            IncidentRecordId = incident.RecordId,
            Kind = JournalEntryKind.StatusChange,
            Body = request.Reason?.Trim() ?? "",
            AuthorUserId = caller.UserId,
            AuthorOrganisationId = caller.OrganisationId,
            FromStatus = from,
            ToStatus = to,
            CreatedAt = now,
        });
        if (openTasks > 0)
        {
            var entry = SystemEntry(incident, caller, IncidentEvents.ClosedWithOpenTasks, now);
            entry.Body = openTasks.ToString(System.Globalization.CultureInfo.InvariantCulture);
            db.IncidentJournal.Add(entry);
        }

        audit.Record(AuditEvent.IncidentStatusChanged, caller, $"incident:{incident.Id}", detail: $"{Kebab(from)} -> {Kebab(to)}");
        db.Notify(Notifications.NotificationKind.StatusChanged, caller, now, incident.Id, detail: Kebab(to));
        await SaveAsync(cancellationToken);
        return incident;
    }

    /// <summary>Adds an entry to the journal: writers of the owner, coordinators and contributors. Owner-only entries only by the owner.</summary>
    public async Task<IncidentJournalEntry?> AddEntryAsync(Caller caller, Guid id, JournalRequest request, CancellationToken cancellationToken,
        IReadOnlyList<Attachments.AttachmentUpload>? attachments = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var (incident, read) = await LoadWithStandingAsync(caller, id, cancellationToken);
        if (incident is null)
        {
            return null;
        }

        EnsureActs(caller, read!, IncidentStanding.Contributor, "Observers and readers do not write in the journal.");
        var errors = new RequestErrors();
        errors.MultiLine("body", request.Body, IncidentLimits.EntryLength, required: true);
        if (request.OwnerOnly && !read!.IsOwner)
        {
            errors.Add("ownerOnly", "Only the owning organisation writes owner-only entries.");
        }

        errors.ThrowIfAny();
        var now = clock.GetUtcNow();
        var entry = new IncidentJournalEntry
        {
            PublicId = Guid.CreateVersion7(now),
            IncidentRecordId = incident.RecordId,
            Kind = JournalEntryKind.Entry,
            Body = request.Body!,
            OwnerOnly = request.OwnerOnly,
            AuthorUserId = caller.UserId,
            AuthorOrganisationId = caller.OrganisationId,
            CreatedAt = now,
        };
        db.IncidentJournal.Add(entry);
        audit.Record(AuditEvent.IncidentJournalEntryAdded, caller, $"incident:{incident.Id}", detail: request.OwnerOnly ? "owner-only" : null);
        // Attachments belong to the entry: whoever sees the entry sees them, an owner-only entry's stay with the owner.
        foreach (var upload in attachments ?? [])
        {
            var attachment = Attachments.AttachmentStore.Stage(db, upload, caller, now);
            attachment.IncidentRecordId = incident.RecordId;
            attachment.JournalEntryId = entry.PublicId;
            audit.Record(AuditEvent.IncidentAttachmentAdded, caller, $"incident:{incident.Id}", detail: $"{attachment.Id} {upload.Sha256} {upload.Content.Length}");
        }

        await db.SaveChangesAsync(cancellationToken);
        return entry;
    }

    /// <summary>
    /// Invites an organisation: writers of the owner and of coordinating organisations. The organisation reads the
    /// incident once one of its writers accepts (an organisation grant, written through <see cref="SharingStore"/>).
    /// </summary>
    public async Task<IncidentParticipant?> InviteAsync(Caller caller, Guid id, InviteRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        var (incident, read) = await LoadWithStandingAsync(caller, id, cancellationToken);
        if (incident is null)
        {
            return null;
        }

        EnsureActs(caller, read!, IncidentStanding.Coordinator, "Only the owner and coordinators invite organisations.");
        if (read!.Standing < IncidentStanding.Owner)
        {
            // TLP:RED and AMBER+STRICT go no further than the recipients the owner chose: a coordinator may not widen them
            // (review 2026-11-30: a coordinator invited another organisation into a RED incident, which invited a third).
            if (incident.Record.Tlp is Tlp.Red or Tlp.AmberStrict)
            {
                throw new ForbiddenException("At TLP:RED and TLP:AMBER+STRICT only the owning organisation invites.");
            }

            if (request.Role == ParticipantRole.Coordinator)
            {
                throw new ForbiddenException("Only the owning organisation invites coordinators.");
            }
        }

        var errors = new RequestErrors();
        errors.MultiLine("message", request.Message, IncidentLimits.MessageLength);
        if (request.Role is not { } role || !Enum.IsDefined(role))
        {
            errors.Add("role", "Required: coordinator, contributor or observer.");
            role = default;
        }

        if (request.OrganisationId is not { } organisationId)
        {
            errors.Add("organisationId", "Required.");
            errors.ThrowIfAny();
            return null;
        }

        if (organisationId == incident.Record.OwnerOrganisationId)
        {
            errors.Add("organisationId", "The owning organisation takes part already.");
        }
        else
        {
            // The same rules as naming an organisation in an audience: it exists and has people of its own.
            var sharingRequest = SharingRequest.OfEntries(incident.Record.Tlp, [new AudienceEntry(AudienceKind.Organisation, organisationId)], published: false);
            var entryErrors = new RequestErrors();
            await sharing.ValidateAsync(caller, sharingRequest, entryErrors, cancellationToken);
            if (entryErrors.Any)
            {
                foreach (var reason in entryErrors.ToDictionary().Values.SelectMany(r => r))
                {
                    errors.Add("organisationId", reason);
                }
            }
            else if (read.Standing < IncidentStanding.Owner && await db.FederationPeerOrganisations.AnyAsync(o => o.OrganisationId == organisationId, cancellationToken))
            {
                // An organisation of a peer node gets the incident on that node (ADR 17): which nodes an incident reaches is the owner's choice alone.
                throw new ForbiddenException("Only the owning organisation invites an organisation of a peer node.");
            }
            else if (await db.IncidentParticipants.AnyAsync(p => p.IncidentRecordId == incident.RecordId && p.OrganisationId == organisationId
                         && (p.Status == InvitationStatus.Invited || p.Status == InvitationStatus.Accepted), cancellationToken))
            {
                errors.Add("organisationId", "This organisation is invited already or takes part.");
            }
        }

        errors.ThrowIfAny();
        var now = clock.GetUtcNow();
        var participant = await db.IncidentParticipants.FirstOrDefaultAsync(p => p.IncidentRecordId == incident.RecordId && p.OrganisationId == organisationId, cancellationToken);
        if (participant is null)
        {
            participant = new IncidentParticipant { Id = Guid.CreateVersion7(now), IncidentRecordId = incident.RecordId, OrganisationId = organisationId };
            db.IncidentParticipants.Add(participant);
        }
        else
        {
            // Declined, removed or left before, invited again: the same row asks again (it keeps its place in the invited organisation's list).
            participant.AnsweredAt = null;
            participant.AnsweredByUserId = null;
        }

        participant.Role = role;
        participant.Status = InvitationStatus.Invited;
        participant.Message = string.IsNullOrWhiteSpace(request.Message) ? null : request.Message.Trim();
        participant.InvitedByUserId = caller.UserId;
        participant.InvitedByOrganisationId = caller.OrganisationId;
        participant.InvitedAt = now;
        var entry = SystemEntry(incident, caller, IncidentEvents.Invited, now);
        entry.SubjectOrganisationId = organisationId;
        entry.Body = Kebab(role);
        entry.OwnerOnly = true;
        db.IncidentJournal.Add(entry);
        audit.Record(AuditEvent.IncidentParticipantInvited, caller, $"incident:{incident.Id}", detail: $"{organisationId} {Kebab(role)}");
        db.Notify(Notifications.NotificationKind.Invited, caller, now, incident.Id, participant.Id, organisationId);
        await db.SaveChangesAsync(cancellationToken);
        return participant;
    }

    /// <summary>
    /// Accepts or declines an invitation addressed to the caller's organisation (its writers). Accepting adds an
    /// organisation grant to the incident's audience through <see cref="SharingStore"/>: from then on the access
    /// decision lets the organisation read it at its TLP. Null when there is no such invitation for this organisation.
    /// </summary>
    public async Task<IncidentParticipant?> AnswerAsync(Caller caller, Guid invitationId, bool accept, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!caller.IsAuthenticated || caller.IsOperator)
        {
            return null;
        }

        var organisation = caller.OrganisationId;
        var participant = await db.IncidentParticipants.Include(p => p.Incident).ThenInclude(i => i.Record)
            .FirstOrDefaultAsync(p => p.Id == invitationId && p.OrganisationId == organisation, cancellationToken);
        if (participant is null)
        {
            return null;
        }

        if (!AccessPolicy.CanCreate(caller))
        {
            throw new ForbiddenException("Viewers and read-only keys do not answer invitations.");
        }

        if (participant.Status != InvitationStatus.Invited)
        {
            throw RequestErrors.One("id", $"This invitation was {(participant.Status == InvitationStatus.Accepted ? "accepted" : "declined")} already.");
        }

        var now = clock.GetUtcNow();
        var incident = participant.Incident;
        participant.Status = accept ? InvitationStatus.Accepted : InvitationStatus.Declined;
        participant.AnsweredAt = now;
        participant.AnsweredByUserId = caller.UserId;
        if (accept)
        {
            var grants = await sharing.GrantsOfAsync(incident.RecordId, cancellationToken);
            var entries = SharingStore.AudienceOf(grants).ToList();
            if (!entries.Any(e => e.Kind == AudienceKind.Organisation && e.OrganisationId == organisation))
            {
                entries.Add(new ResolvedAudience(AudienceKind.Organisation, organisation));
            }

            await sharing.ApplyAsync(incident.Record, incident.Record.Tlp, entries, incident.Record.Published, cancellationToken);
            await Observables.IncidentObservables.ShareCreatedObjectsAsync(db, sharing, incident, entries, clock.GetUtcNow(), cancellationToken);
        }

        var entry = SystemEntry(incident, caller, accept ? IncidentEvents.Accepted : IncidentEvents.Declined, now);
        entry.SubjectOrganisationId = organisation;
        entry.Body = Kebab(participant.Role);
        entry.OwnerOnly = !accept;
        db.IncidentJournal.Add(entry);
        audit.Record(accept ? AuditEvent.IncidentInvitationAccepted : AuditEvent.IncidentInvitationDeclined, caller, $"incident:{incident.Id}",
            detail: Kebab(participant.Role));
        await db.SaveChangesAsync(cancellationToken);
        return participant;
    }

    private async Task<Incident?> LoadAsync(Caller caller, Guid id, CancellationToken cancellationToken) =>
        await access.Readable(db.Incidents.Include(i => i.Record).Include(i => i.Countries).Include(i => i.Classifications).Include(i => i.Techniques).AsSplitQuery(), caller)
            .FirstOrDefaultAsync(i => i.Id == id, cancellationToken);

    private async Task<(Incident? Incident, ReadIncident? Read)> LoadWithStandingAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        var incident = await access.Readable(db.Incidents.Include(i => i.Record), caller).FirstOrDefaultAsync(i => i.Id == id, cancellationToken);
        if (incident is null)
        {
            return (null, null);
        }

        var standing = await queries.StandingAsync(caller, incident, cancellationToken);
        return (incident, new ReadIncident(incident, [], standing)
        {
            ViewerOrganisationId = caller.IsAuthenticated && !caller.IsOperator ? caller.OrganisationId : Guid.Empty,
        });
    }

    /// <summary>The caller may write (a writing role, not a read-only key) and stands at least at <paramref name="least"/>; else 403.</summary>
    private static void EnsureActs(Caller caller, ReadIncident read, IncidentStanding least, string reason)
    {
        if (!AccessPolicy.CanCreate(caller))
        {
            throw new ForbiddenException("Viewers and read-only keys cannot change incidents.");
        }

        if (read.Standing < least)
        {
            throw new ForbiddenException(reason);
        }
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new Validation.ConflictException("Someone changed this incident at the same moment; nothing was changed. Load it again and retry.");
        }
    }

    private async Task<int> NextNumberAsync(int year, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlAsync($"""INSERT INTO "IncidentSequences" ("Year", "Last") VALUES ({year}, 0) ON CONFLICT ("Year") DO NOTHING""", cancellationToken);
        var next = await db.Database.SqlQuery<int>($"""UPDATE "IncidentSequences" SET "Last" = "Last" + 1 WHERE "Year" = {year} RETURNING "Last" AS "Value" """)
            .ToListAsync(cancellationToken);
        return next.Single();
    }

    private static IncidentJournalEntry SystemEntry(Incident incident, Caller caller, string code, DateTimeOffset now) => new()
    {
        PublicId = Guid.CreateVersion7(now),
        Incident = incident,
        Kind = JournalEntryKind.System,
        Body = "",
        Event = code,
        AuthorUserId = caller.UserId == Guid.Empty ? null : caller.UserId,
        AuthorOrganisationId = caller.OrganisationId,
        CreatedAt = now,
    };

    internal static string Kebab<T>(T value)
        where T : struct, Enum => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());

    private static void Apply(Incident incident, IncidentRequest request, DateTimeOffset now)
    {
        incident.AffectedEntity = string.IsNullOrWhiteSpace(request.AffectedEntity) ? null : request.AffectedEntity.Trim();
        incident.EntityKind = request.EntityKind ?? AffectedEntityKind.Unspecified;
        incident.Severity = request.Severity!.Value;
        incident.Pap = request.Pap ?? Pap.Amber;
        incident.AwareAt = (request.AwareAt ?? now).ToUniversalTime();
        incident.DetectedAt = request.DetectedAt?.ToUniversalTime();
        incident.StartedAt = request.StartedAt?.ToUniversalTime();
        incident.Significant = request.Significant;
        incident.ModifiedAt = now;
        foreach (var country in (request.Countries ?? []).Distinct(StringComparer.Ordinal).Where(c => incident.Countries.All(k => k.Country != c)))
        {
            incident.Countries.Add(new IncidentCountry { Country = country });
        }

        foreach (var pair in (request.Classifications ?? []).DistinctBy(c => (c.Category, c.Type))
                     .Where(p => incident.Classifications.All(k => k.Category != p.Category || k.Kind != p.Type)))
        {
            incident.Classifications.Add(new IncidentClassification { Category = pair.Category!, Kind = pair.Type! });
        }

        foreach (var technique in (request.DisarmTechniques ?? []).Distinct(StringComparer.Ordinal).Where(t => incident.Techniques.All(k => k.TechniqueId != t)))
        {
            incident.Techniques.Add(new IncidentTechnique { TechniqueId = technique });
        }
    }

    /// <summary>Each id must be a technique of the DISARM galaxy this node reads (<see cref="Disarm.DisarmTechniques"/>).</summary>
    private void ValidateTechniques(IReadOnlyList<string>? techniques, RequestErrors errors)
    {
        if (techniques is null)
        {
            return;
        }

        if (techniques.Count > IncidentLimits.MaxTechniques)
        {
            errors.Add("disarmTechniques", $"At most {IncidentLimits.MaxTechniques}.");
            return;
        }

        if (techniques.Count > 0 && !disarm.Available)
        {
            errors.Add("disarmTechniques", "The DISARM galaxy is not installed on this node (Rampart:Intelligence:GalaxiesPath): no technique can be checked.");
            return;
        }

        for (var i = 0; i < techniques.Count; i++)
        {
            if (disarm.Find(techniques[i]) is null)
            {
                errors.Add($"disarmTechniques[{i}]", "Not a technique of the DISARM framework (an id such as T0023 or T0023.001, as in the DISARM galaxy).");
            }
        }
    }

    private static void ValidateFields(IncidentRequest request, RequestErrors errors, DateTimeOffset now)
    {
        errors.SingleLine("title", request.Title, IncidentLimits.TitleLength);
        errors.MultiLine("summary", request.Summary, IncidentLimits.SummaryLength);
        errors.SingleLine("affectedEntity", request.AffectedEntity, IncidentLimits.EntityLength, required: false);
        if (request.Severity is not { } severity || !Enum.IsDefined(severity))
        {
            errors.Add("severity", "Required: low, medium, high or critical.");
        }

        if (request.Pap is { } pap && !Enum.IsDefined(pap))
        {
            errors.Add("pap", "clear, green, amber or red.");
        }

        if (request.EntityKind is { } kind && !Enum.IsDefined(kind))
        {
            errors.Add("entityKind", "unspecified, essential, important, trust-service-provider or not-in-scope.");
        }

        if (!IncidentTaxonomy.IsSector(request.Sector))
        {
            errors.Add("sector", $"Required: a NIS2 sector ({string.Join(", ", IncidentTaxonomy.Sectors)}).");
        }

        var countries = request.Countries ?? [];
        if (countries.Count > IncidentLimits.MaxCountries)
        {
            errors.Add("countries", $"At most {IncidentLimits.MaxCountries}.");
        }

        for (var i = 0; i < countries.Count && i < IncidentLimits.MaxCountries; i++)
        {
            if (!Countries.IsKnown(countries[i]))
            {
                errors.Add($"countries[{i}]", "Not an ISO 3166-1 alpha-2 country code in capitals (Kosovo is XK).");
            }
        }

        var classifications = request.Classifications ?? [];
        if (classifications.Count > IncidentLimits.MaxClassifications)
        {
            errors.Add("classifications", $"At most {IncidentLimits.MaxClassifications}.");
        }

        for (var i = 0; i < classifications.Count && i < IncidentLimits.MaxClassifications; i++)
        {
            var pair = classifications[i];
            if (pair is null || !IncidentTaxonomy.Rsit.ContainsKey(pair.Category ?? ""))
            {
                errors.Add($"classifications[{i}].category", $"Not an RSIT category ({string.Join(", ", IncidentTaxonomy.Rsit.Keys)}).");
            }
            else if (!IncidentTaxonomy.IsRsit(pair.Category, pair.Type))
            {
                errors.Add($"classifications[{i}].type", $"Not an RSIT type of {pair.Category} ({string.Join(", ", IncidentTaxonomy.Rsit[pair.Category!])}).");
            }
        }

        void NotFuture(string field, DateTimeOffset? value)
        {
            if (value is { } v && v > now + ClockSkew)
            {
                errors.Add(field, "Lies in the future.");
            }
        }

        NotFuture("awareAt", request.AwareAt);
        NotFuture("detectedAt", request.DetectedAt);
        NotFuture("startedAt", request.StartedAt);
        if (request.StartedAt is { } started && request.DetectedAt is { } detected && started > detected)
        {
            errors.Add("startedAt", "After the detection time: an incident starts before it is detected.");
        }
    }

    private async Task<(Tlp Tlp, IReadOnlyList<ResolvedAudience> Entries)> ValidateSharingAsync(Caller caller, IncidentRequest request, RequestErrors errors, CancellationToken cancellationToken)
    {
        if (request.Tlp is not { } tlp || !Enum.IsDefined(tlp))
        {
            errors.Add("tlp", "Required: clear, green, amber, amber+strict or red.");
            errors.ThrowIfAny();
            return default;
        }

        if (request.Audiences is not null && (request.Audience is not null || request.CommunityId is not null || request.Recipients is { Count: > 0 }))
        {
            errors.Add("audiences", "Give either 'audiences' or the single 'audience' (with 'communityId' or 'recipients'), not both.");
        }

        errors.ThrowIfAny();
        if (request.Audiences is null && request.Audience is null)
        {
            return (tlp, []);
        }

        var sharingRequest = request.Audiences is { } audiences
            ? SharingRequest.OfEntries(tlp, audiences, published: false)
            : SharingRules.FromSingleAudience(tlp, request.Audience!.Value, request.CommunityId, request.Recipients ?? [], published: false, errors);
        var entries = await sharing.ValidateAsync(caller, sharingRequest, errors, cancellationToken);
        errors.ThrowIfAny();
        return (tlp, entries);
    }
}
