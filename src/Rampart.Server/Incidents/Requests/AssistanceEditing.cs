using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Incidents.Clocks;

namespace Rampart.Server.Incidents.Requests;

/// <summary>A request for assistance as a client sends it.</summary>
public sealed record AssistanceRequestRequest(AssistanceKind? Kind, string? Title, string? Details, IReadOnlyList<Guid>? OrganisationIds, DateTimeOffset? DueAt = null);

/// <summary>An answer to a request: <see cref="Reason"/> when declining or withdrawing, <see cref="Answer"/> when answering.</summary>
public sealed record AssistanceAnswerRequest(string? Reason = null, string? Answer = null);

public enum AssistanceAction
{
    Acknowledge,
    Accept,
    Decline,
    Answer,
    Withdraw,
}

/// <summary>The journal's event codes for requests (translated by the pages as IncidentEvent.{code}).</summary>
public static class AssistanceEvents
{
    public const string Sent = "request-sent";
    public const string Acknowledged = "request-acknowledged";
    public const string Accepted = "request-accepted";
    public const string Declined = "request-declined";
    public const string Answered = "request-answered";
    public const string Withdrawn = "request-withdrawn";
}

/// <summary>
/// Sends requests for assistance and moves each asked organisation's copy along sent → acknowledged → accepted /
/// declined → answered, or withdrawn by the requester. Recipients are organisations already taking part in the incident
/// (they read it through the grant their invitation's acceptance wrote): a request never widens who reads an incident —
/// invite first (docs/incidents-requests.md).
/// </summary>
public sealed class AssistanceEditing(RampartDb db, IncidentQueries incidents, AssistanceQueries requests, AuditTrail audit, TimeProvider clock)
{
    public async Task<AssistanceRequest?> CreateAsync(Caller caller, Guid incidentId, AssistanceRequestRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        if (await incidents.FindAsync(caller, incidentId, cancellationToken) is not { } read)
        {
            return null;
        }

        if (!AccessPolicy.CanCreate(caller))
        {
            throw new ForbiddenException("Viewers and read-only keys cannot send requests.");
        }

        if (read.Standing < IncidentStanding.Contributor)
        {
            throw new ForbiddenException("Observers and readers do not send requests for assistance.");
        }

        var now = clock.GetUtcNow();
        var errors = new RequestErrors();
        Check(errors, request.Kind, request.Title, request.Details, request.DueAt, now);
        var kind = request.Kind ?? default;
        var asked = request.OrganisationIds ?? [];
        if (asked.Count is 0 or > AssistanceLimits.MaxRecipients)
        {
            errors.Add("organisationIds", $"Required: 1 to {AssistanceLimits.MaxRecipients} organisations taking part in the incident.");
        }
        else
        {
            var recordId = read.Incident.RecordId;
            var taking = await db.IncidentParticipants.AsNoTracking()
                .Where(p => p.IncidentRecordId == recordId && p.Status == InvitationStatus.Accepted).Select(p => p.OrganisationId).ToListAsync(cancellationToken);
            taking.Add(read.Incident.Record.OwnerOrganisationId);
            for (var i = 0; i < asked.Count; i++)
            {
                if (asked[i] == caller.OrganisationId)
                {
                    errors.Add($"organisationIds[{i}]", "Your own organisation.");
                }
                else if (!taking.Contains(asked[i]))
                {
                    errors.Add($"organisationIds[{i}]", "Not an organisation taking part in this incident: invite it first; it reads the incident once it accepts.");
                }
                else if (asked.Take(i).Contains(asked[i]))
                {
                    errors.Add($"organisationIds[{i}]", "Named twice.");
                }
            }
        }

        errors.ThrowIfAny();
        var row = new AssistanceRequest
        {
            PublicId = Guid.CreateVersion7(now),
            IncidentRecordId = read.Incident.RecordId,
            Kind = kind,
            Title = request.Title!.Trim(),
            Details = request.Details ?? "",
            DueAt = request.DueAt?.ToUniversalTime(),
            RequesterOrganisationId = caller.OrganisationId,
            RequesterUserId = caller.UserId,
            CreatedAt = now,
        };
        foreach (var organisation in asked)
        {
            var copy = new AssistanceRecipient
            {
                PublicId = Guid.CreateVersion7(now),
                IncidentRecordId = row.IncidentRecordId,
                OrganisationId = organisation,
                RequesterOrganisationId = caller.OrganisationId,
                State = AssistanceState.Sent,
                Open = true,
                ModifiedAt = now,
            };
            row.Recipients.Add(copy);
            db.Notify(Notifications.NotificationKind.RequestReceived, caller, now, read.Incident.Id, row.PublicId, organisation);
            if (row.DueAt is { } dueAt)
            {
                db.IncidentDeadlines.Add(new IncidentDeadline
                {
                    IncidentRecordId = row.IncidentRecordId,
                    Kind = DeadlineKind.Request,
                    SourceId = copy.PublicId,
                    Label = row.Title,
                    DueAt = dueAt,
                    ForOrganisationId = organisation,
                    FromOrganisationId = caller.OrganisationId,
                });
            }

            var entry = ClockEditing.Event(read.Incident, caller, AssistanceEvents.Sent, now, IncidentEditing.Kebab(kind));
            entry.SubjectOrganisationId = organisation;
            entry.RequesterOrganisationId = caller.OrganisationId;
            db.IncidentJournal.Add(entry);
        }

        db.AssistanceRequests.Add(row);
        audit.Record(AuditEvent.IncidentAssistanceRequested, caller, $"incident:{read.Incident.Id}", detail: $"request:{row.PublicId} {IncidentEditing.Kebab(kind)} to {asked.Count}");
        await db.SaveChangesAsync(cancellationToken);
        row.Incident = read.Incident;
        return row;
    }

    /// <summary>A request's own fields (kind, title, details, due time), here and on a participant's node before it sends one.</summary>
    public static void Check(RequestErrors errors, AssistanceKind? kind, string? title, string? details, DateTimeOffset? dueAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (kind is not { } k || !Enum.IsDefined(k))
        {
            errors.Add("kind", "Required: analyse-sample, block-indicators, notify-constituent, share-logs or free.");
        }

        errors.SingleLine("title", title, AssistanceLimits.TitleLength);
        errors.MultiLine("details", details, AssistanceLimits.DetailsLength);
        if (dueAt is { } due && (due <= now || due > now.AddYears(1)))
        {
            errors.Add("dueAt", "After now and within a year.");
        }
    }

    /// <summary>A move's text: a reason to decline, the answer to answer (400 naming the field).</summary>
    public static void Check(AssistanceAction action, AssistanceAnswerRequest body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var errors = new RequestErrors();
        errors.MultiLine("reason", body.Reason, AssistanceLimits.ReasonLength, required: action == AssistanceAction.Decline);
        errors.MultiLine("answer", body.Answer, AssistanceLimits.AnswerLength, required: action == AssistanceAction.Answer);
        errors.ThrowIfAny();
    }

    /// <summary>
    /// Moves a copy along its workflow: the asked organisation's writers acknowledge, accept, decline (with a reason)
    /// or answer; the requesting organisation's writers withdraw every open copy. Null (404) when the caller may not see
    /// the request; 403 when it sees it but the move is not its to make; 400 naming <c>state</c> for a move the state forbids.
    /// </summary>
    public async Task<AssistanceRequest?> ActAsync(Caller caller, Guid requestId, AssistanceAction action, AssistanceAnswerRequest body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(body);
        if (await requests.FindAsync(caller, requestId, cancellationToken) is not { } found)
        {
            return null;
        }

        if (!AccessPolicy.CanCreate(caller))
        {
            throw new ForbiddenException("Viewers and read-only keys cannot answer requests.");
        }

        var (request, _) = found;
        var organisation = caller.OrganisationId;
        List<AssistanceRecipient> copies;
        if (action == AssistanceAction.Withdraw)
        {
            if (request.RequesterOrganisationId != organisation)
            {
                throw new ForbiddenException("Only the requesting organisation withdraws its request.");
            }

            copies = await db.AssistanceRecipients.Where(r => r.RequestId == request.Id && r.Open).ToListAsync(cancellationToken);
            if (copies.Count == 0)
            {
                throw RequestErrors.One("state", "Every asked organisation has answered or declined already: nothing to withdraw.");
            }
        }
        else
        {
            var own = await db.AssistanceRecipients.FirstOrDefaultAsync(r => r.RequestId == request.Id && r.OrganisationId == organisation, cancellationToken)
                ?? throw new ForbiddenException("Only an asked organisation acknowledges, accepts, declines or answers a request.");
            var allowed = action switch
            {
                AssistanceAction.Acknowledge => own.State == AssistanceState.Sent,
                AssistanceAction.Accept => own.State is AssistanceState.Sent or AssistanceState.Acknowledged,
                // Answering implies accepting: at 3 a.m. nobody should have to click "accept" first.
                _ => own.Open,
            };
            if (!allowed)
            {
                throw RequestErrors.One("state", $"This request is {IncidentEditing.Kebab(own.State)}; it cannot be {Past(action)} now.");
            }

            copies = [own];
        }

        Check(action, body);
        var now = clock.GetUtcNow();
        var to = action switch
        {
            AssistanceAction.Acknowledge => AssistanceState.Acknowledged,
            AssistanceAction.Accept => AssistanceState.Accepted,
            AssistanceAction.Decline => AssistanceState.Declined,
            AssistanceAction.Answer => AssistanceState.Answered,
            _ => AssistanceState.Withdrawn,
        };
        foreach (var copy in copies)
        {
            copy.State = to;
            copy.Open = to is AssistanceState.Acknowledged or AssistanceState.Accepted;
            copy.ModifiedAt = now;
            copy.Version++;
            if (action is AssistanceAction.Decline or AssistanceAction.Withdraw && !string.IsNullOrWhiteSpace(body.Reason))
            {
                copy.Reason = body.Reason.Trim();
            }

            if (action == AssistanceAction.Answer)
            {
                copy.Answer = body.Answer!.Trim();
                copy.AnsweredByUserId = caller.UserId;
            }

            if (!copy.Open)
            {
                var source = copy.PublicId;
                db.IncidentDeadlines.RemoveRange(await db.IncidentDeadlines.Where(d => d.SourceId == source).ToListAsync(cancellationToken));
            }

            var entry = ClockEditing.Event(request.Incident!, caller, Code(action), now, IncidentEditing.Kebab(request.Kind));
            db.NotifyIf(action is AssistanceAction.Answer or AssistanceAction.Decline, Notifications.NotificationKind.RequestAnswered, caller, now, request.Incident!.Id, request.PublicId, request.RequesterOrganisationId, detail: Past(action));
            entry.SubjectOrganisationId = copy.OrganisationId;
            entry.RequesterOrganisationId = request.RequesterOrganisationId;
            db.IncidentJournal.Add(entry);
        }

        audit.Record(action switch
        {
            AssistanceAction.Acknowledge => AuditEvent.IncidentAssistanceAcknowledged,
            AssistanceAction.Accept => AuditEvent.IncidentAssistanceAccepted,
            AssistanceAction.Decline => AuditEvent.IncidentAssistanceDeclined,
            AssistanceAction.Answer => AuditEvent.IncidentAssistanceAnswered,
            _ => AuditEvent.IncidentAssistanceWithdrawn,
        }, caller, $"incident:{request.Incident!.Id}", detail: $"request:{request.PublicId}");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new Validation.ConflictException("Someone answered this request at the same moment; nothing was changed. Load it again.");
        }

        return request;
    }

    private static string Code(AssistanceAction action) => action switch
    {
        AssistanceAction.Acknowledge => AssistanceEvents.Acknowledged,
        AssistanceAction.Accept => AssistanceEvents.Accepted,
        AssistanceAction.Decline => AssistanceEvents.Declined,
        AssistanceAction.Answer => AssistanceEvents.Answered,
        _ => AssistanceEvents.Withdrawn,
    };

    private static string Past(AssistanceAction action) => action switch
    {
        AssistanceAction.Acknowledge => "acknowledged",
        AssistanceAction.Accept => "accepted",
        AssistanceAction.Decline => "declined",
        AssistanceAction.Answer => "answered",
        _ => "withdrawn",
    };
}
