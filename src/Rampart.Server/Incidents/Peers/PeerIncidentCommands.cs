using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Federation;
using Rampart.Server.Hosting;
using Rampart.Server.Incidents.Requests;
using Rampart.Server.Intelligence.Store;
using Rampart.Server.Validation;
using Rampart.Standards.Incidents;

namespace Rampart.Server.Incidents.Peers;

/// <summary>A new task for a peer's incident: <see cref="AssignedTo"/> is an organisation's <c>ref</c> from the copy (the owner or a participant).</summary>
public sealed record PeerTaskRequest(string? Title, string? Description = null, string? AssignedTo = null, DateTimeOffset? DueAt = null);

/// <summary>A request for assistance in a peer's incident: <see cref="Organisations"/> are organisations' <c>ref</c>s from the copy.</summary>
public sealed record PeerAssistanceRequest(AssistanceKind? Kind, string? Title, string? Details, IReadOnlyList<string>? Organisations, DateTimeOffset? DueAt = null);

/// <summary>A command as its requester sees it.</summary>
public sealed record PeerCommandView(Guid Id, string Kind, PeerCommandState State, string? Detail, string UserName, DateTimeOffset CreatedAt, DateTimeOffset? AnsweredAt)
{
    public static PeerCommandView From(PeerIncidentCommand c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Id, c.Kind, c.State, c.Detail, c.UserName, c.CreatedAt, c.AnsweredAt);
    }
}

/// <summary>
/// The participant's side of what its people do in a peer's incident (ADR 17): a writer of the organisation the copy is
/// for asks to accept, decline or leave; the request is kept (<see cref="PeerIncidentCommand"/>), sent signed to the
/// owner's node at once and again by the sync job until it answers, and shows the answer. The copy itself changes only
/// when the owner's node sends its next view.
/// </summary>
public sealed partial class PeerIncidentCommands(
    RampartDb db, AccessPolicy access, FederationRequests requests, AuditTrail audit, TimeProvider clock, ILogger<PeerIncidentCommands> logger)
{
    /// <summary>Commands sent per request to the owner's node.</summary>
    public const int PerEnvelope = 100;

    /// <summary>How long a person's request waits for the owner's node before it is left to the sync job.</summary>
    public static readonly TimeSpan AnswerWithin = TimeSpan.FromSeconds(10);

    /// <summary>Accept, decline or leave. Null when the caller may not read the copy (404); 403 for viewers and read-only keys; 400 when the copy is not in a state for it.</summary>
    public Task<PeerIncidentCommand?> RequestAsync(Caller caller, Guid copyId, string kind, string userName, CancellationToken cancellationToken) =>
        PeerCommandKinds.IsStanding(kind)
            ? AskAsync(caller, copyId, kind, userName, _ => (true, null), cancellationToken)
            : throw new ArgumentOutOfRangeException(nameof(kind), kind, "Accept, decline or leave.");

    /// <summary>A journal entry for the owner's node (coordinators and contributors; never owner-only: that is the owner's, on its node).</summary>
    /// <param name="files">Files of the entry (checked by the node's attachment limits); they travel with the command and the owner's node stores them.</param>
    public Task<PeerIncidentCommand?> WriteEntryAsync(Caller caller, Guid copyId, JournalRequest request, string userName, CancellationToken cancellationToken,
        IReadOnlyList<Attachments.AttachmentUpload>? files = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AskAsync(caller, copyId, PeerCommandKinds.Entry, userName, copy =>
        {
            EnsureRole(copy, ParticipantRole.Contributor, "Observers do not write in the journal.");
            var errors = new RequestErrors();
            errors.MultiLine("body", request.Body, IncidentLimits.EntryLength, required: true);
            if (request.OwnerOnly)
            {
                errors.Add("ownerOnly", "Owner-only entries are written by the owning organisation, on its own node.");
            }

            errors.ThrowIfAny();
            return (true, new JsonObject { ["body"] = request.Body, ["files"] = PeerIncidentAttachments.ToPayload(files) });
        }, cancellationToken);
    }

    /// <summary>Work on a task of the copy (coordinators; contributors on their organisation's tasks — the owner's node decides).</summary>
    public Task<PeerIncidentCommand?> WorkTaskAsync(Caller caller, Guid copyId, Guid taskId, TaskWorkRequest request, string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AskAsync(caller, copyId, PeerCommandKinds.TaskWork, userName, copy =>
        {
            EnsureRole(copy, ParticipantRole.Contributor, "Observers do not work on tasks.");
            if (ViewOf(copy)?.Incident?.Tasks.Any(t => t.Id == taskId) != true)
            {
                // A task the copy does not show: the same 404 as an unknown copy.
                return (false, null);
            }

            IncidentEditing.Check(request);
            return (true, new JsonObject
            {
                ["task"] = taskId.ToString("D"),
                ["text"] = request.Text?.Trim() ?? "",
                ["status"] = request.Status is { } s ? IncidentEditing.Kebab(s) : null,
            });
        }, cancellationToken);
    }

    /// <summary>A status change (coordinators; the owner's node checks the workflow, against its current status, and open tasks).</summary>
    public Task<PeerIncidentCommand?> ChangeStatusAsync(Caller caller, Guid copyId, StatusRequest request, string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AskAsync(caller, copyId, PeerCommandKinds.Status, userName, copy =>
        {
            EnsureRole(copy, ParticipantRole.Coordinator, "Only the owner and coordinators change an incident's status.");
            var errors = new RequestErrors();
            errors.MultiLine("reason", request.Reason, IncidentLimits.EntryLength);
            if (request.Status is not { } to || !Enum.IsDefined(to))
            {
                errors.Add("status", "Required: new, triage, in-progress, contained, resolved, closed or rejected.");
            }
            else if (to == IncidentStatus.Duplicate)
            {
                errors.Add("status", "An incident is marked as a duplicate of another on its owner's node, which holds both.");
            }

            // The workflow is checked on the owner's node, against the status it holds (the copy's may be a sync behind).

            errors.ThrowIfAny();
            return (true, new JsonObject
            {
                ["status"] = IncidentEditing.Kebab(request.Status!.Value),
                ["reason"] = request.Reason?.Trim(),
                ["confirmOpenTasks"] = request.ConfirmOpenTasks,
            });
        }, cancellationToken);
    }

    /// <summary>A new task (coordinators), assigned to the owner or an organisation taking part, named by its ref in the copy.</summary>
    public Task<PeerIncidentCommand?> CreateTaskAsync(Caller caller, Guid copyId, PeerTaskRequest request, string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AskAsync(caller, copyId, PeerCommandKinds.TaskNew, userName, copy =>
        {
            EnsureRole(copy, ParticipantRole.Coordinator, "Only the owner and coordinators add tasks.");
            var errors = new RequestErrors();
            IncidentEditing.CheckTask(errors, request.Title, request.Description);
            if (request.AssignedTo is { } to && !TakingPart(ViewOf(copy)).Contains(to))
            {
                errors.Add("assignedTo", "Not an organisation taking part in this incident (the ref of the owner or of an accepted participant in the copy).");
            }

            errors.ThrowIfAny();
            return (true, new JsonObject
            {
                ["title"] = request.Title!.Trim(),
                ["description"] = request.Description ?? "",
                ["assignee"] = request.AssignedTo,
                ["dueAt"] = request.DueAt?.ToUniversalTime(),
            });
        }, cancellationToken);
    }

    /// <summary>A request for assistance (coordinators and contributors) to organisations taking part, named by their refs in the copy.</summary>
    public Task<PeerIncidentCommand?> AskAssistanceAsync(Caller caller, Guid copyId, PeerAssistanceRequest request, string userName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AskAsync(caller, copyId, PeerCommandKinds.Request, userName, copy =>
        {
            EnsureRole(copy, ParticipantRole.Contributor, "Observers do not send requests for assistance.");
            var errors = new RequestErrors();
            AssistanceEditing.Check(errors, request.Kind, request.Title, request.Details, request.DueAt, clock.GetUtcNow());
            var asked = request.Organisations ?? [];
            var taking = TakingPart(ViewOf(copy));
            if (asked.Count is 0 or > AssistanceLimits.MaxRecipients)
            {
                errors.Add("organisations", $"Required: 1 to {AssistanceLimits.MaxRecipients} organisations taking part in the incident (their refs in the copy).");
            }
            else
            {
                for (var i = 0; i < asked.Count; i++)
                {
                    if (asked[i] is null || !taking.Contains(asked[i]))
                    {
                        errors.Add($"organisations[{i}]", "Not an organisation taking part in this incident (the ref of the owner or of an accepted participant in the copy).");
                    }
                    else if (asked.Take(i).Contains(asked[i]))
                    {
                        errors.Add($"organisations[{i}]", "Named twice.");
                    }
                }
            }

            errors.ThrowIfAny();
            return (true, new JsonObject
            {
                ["kind"] = IncidentEditing.Kebab(request.Kind!.Value),
                ["title"] = request.Title!.Trim(),
                ["details"] = request.Details ?? "",
                ["to"] = new JsonArray([.. asked.Select(a => (JsonNode?)JsonValue.Create(a))]),
                ["dueAt"] = request.DueAt?.ToUniversalTime(),
            });
        }, cancellationToken);
    }

    /// <summary>
    /// A move of a request the copy shows: acknowledge, accept, decline or answer one asked of the organisation; withdraw one
    /// it sent. 404 for a request the copy does not show; 403 for a move that is not the organisation's; 400 for missing text.
    /// </summary>
    public Task<PeerIncidentCommand?> ActOnRequestAsync(Caller caller, Guid copyId, Guid requestId, AssistanceAction action, AssistanceAnswerRequest body, string userName,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return AskAsync(caller, copyId, PeerCommandKinds.RequestAct, userName, copy =>
        {
            EnsureRole(copy, ParticipantRole.Observer, "");
            if (ViewOf(copy)?.Incident?.Requests?.FirstOrDefault(r => r.Id == requestId) is not { } shown)
            {
                return (false, null);
            }

            if (action == AssistanceAction.Withdraw ? !shown.FromYou : shown.YourState is null)
            {
                throw new ForbiddenException(action == AssistanceAction.Withdraw
                    ? "Only the requesting organisation withdraws its request."
                    : "Only an asked organisation acknowledges, accepts, declines or answers a request.");
            }

            // The state is checked on the owner's node, against the copy it holds (this copy may be a sync behind).
            AssistanceEditing.Check(action, body);
            return (true, new JsonObject
            {
                ["request"] = requestId.ToString("D"),
                ["action"] = IncidentEditing.Kebab(action),
                ["reason"] = body.Reason?.Trim(),
                ["answer"] = body.Answer?.Trim(),
            });
        }, cancellationToken);
    }

    /// <summary>
    /// A NIS2 stage report (or the personal-data-breach notification) for the owner's node to freeze (coordinators), of a
    /// stage the copy shows as open. The content is checked here by the same rules (400 naming <c>content.{field}</c>).
    /// </summary>
    public Task<PeerIncidentCommand?> SubmitStageAsync(Caller caller, Guid copyId, ReportingStage stage, Clocks.StageSubmitRequest request, string userName,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return AskAsync(caller, copyId, PeerCommandKinds.StageSubmit, userName, copy =>
        {
            EnsureRole(copy, ParticipantRole.Coordinator, "Only the owner's and coordinators' analysts submit stage reports.");
            var shown = ViewOf(copy)?.Incident?.Stages?.Where(s => s.Stage == stage && s.Submittable).OrderBy(s => s.Sequence).FirstOrDefault()
                ?? throw RequestErrors.One("stage", "No report of this stage is open in the incident (as of the owner's last view).");
            _ = Clocks.ClockEditing.CheckContent(stage, request.Content, late: shown.Due is { } due && clock.GetUtcNow() > due);
            return (true, new JsonObject
            {
                ["stage"] = IncidentEditing.Kebab(stage),
                ["content"] = request.Content?.DeepClone(),
            });
        }, cancellationToken);
    }

    private static PeerIncidentView? ViewOf(PeerIncident copy) => JsonSerializer.Deserialize<PeerIncidentView>(copy.ViewJson, PeerIncidentWire.Json);

    /// <summary>The refs of the organisations taking part as the copy shows them: the owner and accepted participants.</summary>
    private static HashSet<string> TakingPart(PeerIncidentView? view)
    {
        var refs = new HashSet<string>(StringComparer.Ordinal);
        if (view?.Incident is { } i)
        {
            if (i.OwnerRef is { } owner)
            {
                refs.Add(owner);
            }

            foreach (var p in i.Participants)
            {
                if (p.Status == InvitationStatus.Accepted && p.Ref is { } r)
                {
                    refs.Add(r);
                }
            }
        }

        return refs;
    }

    private static void EnsureRole(PeerIncident copy, ParticipantRole least, string reason)
    {
        if (copy.State != PeerIncidentState.Participating)
        {
            throw RequestErrors.One("id", copy.State == PeerIncidentState.Invited
                ? "Your organisation is invited to this incident: accept the invitation first."
                : "Your organisation no longer takes part in this incident.");
        }

        // Observer < contributor < coordinator; the owner's node checks again with its own record.
        if (copy.Role < least)
        {
            throw new ForbiddenException(reason);
        }
    }

    private async Task<PeerIncidentCommand?> AskAsync(Caller caller, Guid copyId, string kind, string userName, Func<PeerIncident, (bool Found, JsonObject? Payload)> payloadOf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var copies = db.PeerIncidents;
        var copy = await access.Readable(copies.Include(c => c.Record), caller).FirstOrDefaultAsync(c => c.Id == copyId, cancellationToken);
        if (copy is null || copy.OrganisationId != caller.OrganisationId)
        {
            return null;
        }

        if (!AccessPolicy.CanCreate(caller))
        {
            throw new ForbiddenException("Viewers and read-only keys do not act for their organisation.");
        }

        await PeerWriteGuard.EnsureOwnerReachableAsync(db, copy.PeerId, cancellationToken);
        var recordId = copy.RecordId;
        if (PeerCommandKinds.IsStanding(kind))
        {
            var fits = kind switch
            {
                PeerCommandKinds.Accept or PeerCommandKinds.Decline => copy.State == PeerIncidentState.Invited,
                _ => copy.State == PeerIncidentState.Participating,
            };
            if (!fits)
            {
                throw RequestErrors.One("id", copy.State switch
                {
                    PeerIncidentState.Invited => "The invitation is still open: accept or decline it.",
                    PeerIncidentState.Participating => "Your organisation takes part already: it can leave.",
                    _ => "Your organisation no longer takes part in this incident.",
                });
            }

            var pending = await db.PeerIncidentCommands.FirstOrDefaultAsync(c => c.PeerIncidentRecordId == recordId && c.State == PeerCommandState.Pending
                && (c.Kind == PeerCommandKinds.Accept || c.Kind == PeerCommandKinds.Decline || c.Kind == PeerCommandKinds.Leave), cancellationToken);
            if (pending is not null)
            {
                // One answer at a time per copy: the owner's node answers the first before the next is asked.
                return pending.Kind == kind ? pending : throw RequestErrors.One("id", "An earlier request is still waiting for the owner's node.");
            }
        }

        var (found, payload) = payloadOf(copy);
        if (!found)
        {
            return null;
        }

        // Written as it travels (base64 unescaped): what is checked here is what is sent, and a command that could never be
        // sent is refused now, not left to block the ones behind it.
        var text = payload?.ToJsonString(PeerIncidentWire.Json);
        if (text is { Length: > PeerIncidentLimits.CommandEnvelopeChars - 4096 })
        {
            throw RequestErrors.One(payload?["files"] is null ? "body" : "files", "Too large to send to the owner's node with one entry.");
        }

        var now = clock.GetUtcNow();
        var command = new PeerIncidentCommand
        {
            Id = Guid.CreateVersion7(now), PeerIncidentRecordId = recordId, Kind = kind, Payload = text, UserId = caller.UserId,
            UserName = userName.Length > 200 ? userName[..200] : userName, CreatedAt = now, State = PeerCommandState.Pending,
        };
        db.PeerIncidentCommands.Add(command);
        audit.Record(AuditEvent.PeerIncidentCommandRequested, caller, $"peer-incident:{copy.Id}", detail: $"{kind} {copy.Number}");
        await db.SaveChangesAsync(cancellationToken);
        await SendPendingAsync(copy.PeerId, cancellationToken, AnswerWithin);
        return command;
    }

    /// <summary>The commands of a copy the caller may read, newest first (at most 50).</summary>
    public async Task<IReadOnlyList<PeerIncidentCommand>?> OfAsync(Caller caller, Guid copyId, CancellationToken cancellationToken)
    {
        var copies = db.PeerIncidents;
        var recordId = await access.Readable(copies, caller).Where(c => c.Id == copyId).Select(c => (long?)c.RecordId).FirstOrDefaultAsync(cancellationToken);
        if (recordId is not { } id)
        {
            return null;
        }

        return await db.PeerIncidentCommands.AsNoTracking().Where(c => c.PeerIncidentRecordId == id).OrderByDescending(c => c.Id).Take(50).ToListAsync(cancellationToken);
    }

    /// <summary>Sends the pending commands for incidents of <paramref name="peerId"/>, oldest first; the number answered.</summary>
    public async Task<int> SendPendingAsync(Guid peerId, CancellationToken cancellationToken, TimeSpan? answerWithin = null)
    {
        var peer = await db.FederationPeers.AsNoTracking().FirstOrDefaultAsync(p => p.Id == peerId, cancellationToken);
        if (peer is null || peer.State != PeerState.Active)
        {
            return 0;
        }

        var copies = db.PeerIncidents;
        var waiting = db.PeerIncidentCommands.Where(c => c.State == PeerCommandState.Pending)
            .Join(copies.Where(p => p.PeerId == peerId), c => c.PeerIncidentRecordId, p => p.RecordId, (c, p) => new { Command = c, p.OriginIncidentId, p.OrganisationId })
            .OrderBy(x => x.Command.Id);
        // Sizes first: commands carrying files go a few at a time (at least one), so an envelope stays within what a node takes.
        var sizes = await waiting.Take(PerEnvelope).Select(x => x.Command.Payload == null ? 0 : x.Command.Payload.Length).ToListAsync(cancellationToken);
        var count = 0;
        for (long chars = 0; count < sizes.Count && (count == 0 || chars + sizes[count] <= PeerIncidentLimits.CommandEnvelopeChars); count++)
        {
            chars += sizes[count];
        }

        var pending = count == 0 ? [] : await waiting.Take(count).ToListAsync(cancellationToken);
        if (pending.Count == 1 && (pending[0].Command.Payload?.Length ?? 0) > PeerIncidentLimits.CommandEnvelopeChars)
        {
            // Written before the size was checked on the way in: it could never be taken, and would hold up every command behind it.
            var tooLarge = pending[0].Command;
            tooLarge.State = PeerCommandState.Refused;
            tooLarge.Detail = "Too large to send to the owner's node.";
            tooLarge.AnsweredAt = clock.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
            return 0;
        }

        if (pending.Count == 0)
        {
            return 0;
        }

        var envelope = new JsonObject
        {
            ["id"] = Guid.CreateVersion7(clock.GetUtcNow()).ToString("D"),
            ["commands"] = new JsonArray([.. pending.Select(p => (JsonNode)new JsonObject
            {
                ["id"] = p.Command.Id.ToString("D"),
                ["kind"] = p.Command.Kind,
                ["incident"] = p.OriginIncidentId.ToString("D"),
                ["organisation"] = IntelIdentity.Of(p.OrganisationId),
                ["user"] = p.Command.UserId.ToString("D"),
                ["userName"] = p.Command.UserName,
                ["payload"] = p.Command.Payload is { } payload ? JsonNode.Parse(payload) : null,
            })]),
        };
        JsonArray results;
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (answerWithin is { } within)
        {
            // A person is waiting: the answer is shown if it comes at once; otherwise the sync job asks again.
            wait.CancelAfter(within);
        }

        try
        {
            var answer = JsonNode.Parse(await requests.PostAsync(peer, PeerIncidentWire.CommandsPath, PeerIncidentWire.CommandsPurpose,
                Encoding.UTF8.GetBytes(envelope.ToJsonString(PeerIncidentWire.Json)), wait.Token)) as JsonObject;
            results = answer?["results"] as JsonArray is { } r && r.Count == pending.Count ? r : throw new FederationPushException("The peer's answer does not list one result per command.");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or FederationPushException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            // Kept pending: the sync job sends it again.
            LogSendFailed(logger, peer.Name, e is OperationCanceledException ? "The peer did not answer in time." : e.Message);
            return 0;
        }

        var now = clock.GetUtcNow();
        for (var i = 0; i < pending.Count; i++)
        {
            var status = results[i]?["status"] is JsonValue s && s.TryGetValue<string>(out var text) ? text : null;
            var detail = results[i]?["detail"] is JsonValue d && d.TryGetValue<string>(out var dt) ? dt : null;
            var command = pending[i].Command;
            if (status == "pending")
            {
                // The owner's node is applying it (a request and the job sent it at once): asked again next run.
                continue;
            }

            command.State = status == "applied" ? PeerCommandState.Applied : PeerCommandState.Refused;
            command.Detail = detail is { Length: > 1000 } ? detail[..1000] : detail;
            command.AnsweredAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        return pending.Count;
    }

    [LoggerMessage(EventId = 872, Level = LogLevel.Warning, Message = "Incident commands to {Peer} not delivered: {Error}")]
    private static partial void LogSendFailed(ILogger logger, string peer, string error);
}

/// <summary>
/// The owner's side of what participants on peer nodes do (ADR 17): each command is applied once, through the same use
/// cases as for a local participant (<see cref="IncidentEditing.AnswerAsync"/>, <see cref="IncidentEditing.LeaveAsync"/>),
/// as a writer of this node's record of the organisation — which must be declared to live on the sending peer — so the
/// invitation, the organisation's standing and every rule decide here. A retried command gets the first answer.
/// </summary>
public sealed partial class IncidentPeerCommandInbox(RampartDb db, FederationTrust trust, FederationInbox inbox, IncidentEditing editing, AssistanceEditing assistance,
    Clocks.ClockEditing clocks, IPeopleDirectory people, AuditTrail audit, Microsoft.Extensions.Options.IOptions<Attachments.AttachmentOptions> attachmentOptions, TimeProvider clock,
    ILogger<IncidentPeerCommandInbox> logger)
{
    private static readonly Guid UserNamespace = new("5b2f8f0e-3c1d-4b7a-9e55-2f6a1c0d7e91");

    /// <summary>The stable id a person of a peer node acts under here (their user id there, qualified by the peer).</summary>
    public static Guid UserIdFor(Guid peerId, Guid remoteUserId) => IntelIdentity.Uuid5(UserNamespace, $"{peerId:N}|{remoteUserId:N}");

    public async Task<JsonObject> ReceiveAsync(FederationPeer peer, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var (envelopeId, commands) = await inbox.OpenEnvelopeAsync(peer, body, "commands", PeerIncidentCommands.PerEnvelope, cancellationToken);
        var keys = await trust.KeysAsync(cancellationToken);
        var results = new JsonArray();
        var unrecorded = new List<string>();
        foreach (var node in commands)
        {
            Answer answer;
            try
            {
                answer = await ApplyAsync(peer, keys, node as JsonObject, cancellationToken);
            }
            catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
            {
                // This command's transaction (claim included) is rolled back; the others are answered; the peer asks again.
                db.ChangeTracker.Clear();
                LogCommandFailed(logger, peer.Name, e.GetType().Name, e.Message);
                answer = new("pending", null, false);
            }

            if (!answer.Recorded && answer.Status == "refused")
            {
                unrecorded.Add(answer.Detail ?? "");
            }

            results.Add(new JsonObject { ["status"] = answer.Status, ["detail"] = answer.Detail });
        }

        if (unrecorded.Count > 0)
        {
            // One audit line per envelope for what was refused by its shape (a peer cannot grow the audit trail per command).
            audit.Record(AuditEvent.IncidentPeerCommandApplied, Caller.Operator(), $"peer:{peer.Id}", AuditOutcome.Denied,
                string.Create(CultureInfo.InvariantCulture, $"{unrecorded.Count} command(s) from {peer.Name} refused before any effect; first: {unrecorded[0]}"));
            await db.SaveChangesAsync(cancellationToken);
        }

        return new JsonObject { ["id"] = envelopeId.ToString("D"), ["results"] = results };
    }

    /// <summary>A command's answer; <c>Recorded</c>: kept and audited one by one (the others are refused before any record, audited per envelope).</summary>
    private readonly record struct Answer(string Status, string? Detail, bool Recorded = true);

    private async Task<Answer> ApplyAsync(FederationPeer peer, TrustedKeys keys, JsonObject? command, CancellationToken cancellationToken)
    {
        if (command is null || !Guid.TryParse(PeerIncidentWire.Text(command, "id"), out var commandId))
        {
            return new("refused", "A command needs its UUID.", false);
        }

        var known = await db.IncidentPeerCommandsApplied.AsNoTracking().FirstOrDefaultAsync(a => a.PeerId == peer.Id && a.CommandId == commandId, cancellationToken);
        if (known is not null)
        {
            return new(known.Status, known.Detail);
        }

        // What is refused by its shape alone — unknown kind, an organisation not declared on the peer, an incident never sent
        // to it — is answered without keeping anything: the same command gets the same answer again, and a peer sending
        // garbage grows no table (review of the writes, L5).
        var kind = PeerIncidentWire.Text(command, "kind");
        if (!PeerCommandKinds.IsKnown(kind) || !Guid.TryParse(PeerIncidentWire.Text(command, "incident"), out var incidentId) || !Guid.TryParse(PeerIncidentWire.Text(command, "user"), out var user)
            || PeerIncidentWire.Text(command, "userName") is not { Length: > 0 and <= 200 })
        {
            return new("refused", "A command names its kind (accept, decline, leave, entry, task-work, status, task-new, request, request-act, stage-submit), the incident, the user and the user's name.", false);
        }

        if (PeerIncidentWire.Text(command, "organisation") is not { } identity || !keys.Declared.TryGetValue((peer.Id, identity), out var organisation))
        {
            return new("refused", $"That organisation is not declared on this node as living on {peer.Name}.", false);
        }

        var sent = await SentAsync(db, peer.Id, incidentId, organisation, cancellationToken);
        if (sent is null)
        {
            // A peer answers only for what it was sent: an invitation (or incident) this node never sent it is unknown to it.
            return new("refused", "There is no invitation of your organisation to that incident.", false);
        }

        // The claim, the use case and the answer commit together: a crash in between leaves nothing, and the same command
        // arriving twice at once (a person's request and the job) runs once — the second waits on the claim's key, then
        // reads the first one's answer.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.IncidentPeerCommandsApplied.Add(new IncidentPeerCommandApplied { PeerId = peer.Id, CommandId = commandId, Status = "pending", AppliedAt = clock.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            var done = await db.IncidentPeerCommandsApplied.AsNoTracking().FirstOrDefaultAsync(a => a.PeerId == peer.Id && a.CommandId == commandId, cancellationToken);
            return done is null ? new("pending", null, false) : new(done.Status, done.Detail);
        }

        await transaction.CreateSavepointAsync("command", cancellationToken);
        string status;
        string? detail;
        var current = await CurrentInvitationAsync(db, sent.IncidentRecordId, organisation, cancellationToken);
        var acceptedHere = AcceptedThrough(sent, current);
        if (kind is not (PeerCommandKinds.Accept or PeerCommandKinds.Decline) && !acceptedHere)
        {
            // Writes and leaving come only through the node the organisation accepted its current invitation from.
            (status, detail) = ("refused", "Your organisation does not take part in that incident through this node.");
        }
        else if (kind == PeerCommandKinds.Accept && current?.Status == InvitationStatus.Accepted)
        {
            // Accepted already: the same answer again only to the node it was accepted through (its answer was lost, or a
            // person asked again before the copy followed). Another node the organisation is declared on later gets nothing.
            (status, detail) = acceptedHere ? ("applied", null) : ("refused", "Your organisation accepted this invitation through another node.");
        }
        else
        {
            var communities = await db.CommunityMembers.AsNoTracking().Where(m => m.OrganisationId == organisation).Select(m => m.CommunityId).ToListAsync(cancellationToken);
            var caller = new Caller(UserIdFor(peer.Id, user), organisation, Role.Analyst, communities.ToHashSet(), Credential: $"federation-peer:{peer.Id:N}");
            (status, detail) = await RunAsync(caller, kind!, incidentId, sent.IncidentRecordId, current?.Id, command["payload"] as JsonObject, cancellationToken);
            if (status == "pending")
            {
                // Someone changed the incident at the same moment: nothing stays, not even the claim; the peer asks again.
                await transaction.RollbackAsync(cancellationToken);
                db.ChangeTracker.Clear();
                return new("pending", null, false);
            }

            if (status != "applied")
            {
                // Whatever the refused use case had written (nothing, normally) goes; the claim stays.
                await transaction.RollbackToSavepointAsync("command", cancellationToken);
            }
            else if (kind == PeerCommandKinds.Accept)
            {
                // The incident itself goes to this peer from now on, for this invitation.
                db.ChangeTracker.Clear();
                var participants = db.IncidentParticipants;
                var invitedAt = await participants.AsNoTracking().Where(p => p.IncidentRecordId == sent.IncidentRecordId && p.OrganisationId == organisation)
                    .Select(p => p.InvitedAt).FirstAsync(cancellationToken);
                var row = await db.IncidentPeerSent.FirstAsync(x => x.PeerId == peer.Id && x.IncidentRecordId == sent.IncidentRecordId && x.OrganisationId == organisation, cancellationToken);
                row.AcceptedInvitationAt = invitedAt;
                await db.SaveChangesAsync(cancellationToken);
            }
        }

        db.ChangeTracker.Clear();
        var answered = await db.IncidentPeerCommandsApplied.FirstAsync(a => a.PeerId == peer.Id && a.CommandId == commandId, cancellationToken);
        answered.Status = status;
        answered.Detail = detail is { Length: > 1000 } ? detail[..1000] : detail;
        answered.AppliedAt = clock.GetUtcNow();
        audit.Record(AuditEvent.IncidentPeerCommandApplied, Caller.Operator(), $"incident:{incidentIdText(command)}",
            status == "applied" ? AuditOutcome.Success : AuditOutcome.Denied,
            string.Create(CultureInfo.InvariantCulture, $"{(PeerCommandKinds.IsKnown(kind) ? kind : "?")} from {peer.Name} ({Printable(PeerIncidentWire.Text(command, "userName"))}): {status}{(detail is null ? "" : "; " + detail)}"));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new(status, detail);

        static string incidentIdText(JsonObject c) => PeerIncidentWire.Text(c, "incident") is { Length: <= 40 } t && Guid.TryParse(t, out _) ? t : "?";
    }

    /// <summary>What this node sent <paramref name="peerId"/> of the incident for <paramref name="organisation"/> (null: never sent, or no such incident).</summary>
    internal static async Task<IncidentPeerSent?> SentAsync(RampartDb db, Guid peerId, Guid incidentId, Guid organisation, CancellationToken cancellationToken)
    {
        var incidents = db.Incidents;
        var recordId = await incidents.AsNoTracking().Where(i => i.Id == incidentId).Select(i => (long?)i.RecordId).FirstOrDefaultAsync(cancellationToken);
        return recordId is { } r
            ? await db.IncidentPeerSent.AsNoTracking().FirstOrDefaultAsync(x => x.PeerId == peerId && x.IncidentRecordId == r && x.OrganisationId == organisation, cancellationToken)
            : null;
    }

    /// <summary>The organisation's current invitation to the incident (whatever its status), or null.</summary>
    internal static async Task<CurrentInvitation?> CurrentInvitationAsync(RampartDb db, long incidentRecordId, Guid organisation, CancellationToken cancellationToken)
    {
        var participants = db.IncidentParticipants;
        return await participants.AsNoTracking().Where(p => p.IncidentRecordId == incidentRecordId && p.OrganisationId == organisation)
            .Select(p => new CurrentInvitation(p.Id, p.Status, p.InvitedAt)).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// The one rule for what comes from a peer for an organisation — writes, leaving, attachment downloads: only through the
    /// node the organisation accepted its current invitation from (a later re-invitation accepted elsewhere moves it).
    /// </summary>
    internal static bool AcceptedThrough(IncidentPeerSent sent, CurrentInvitation? current) => current is not null && current.InvitedAt == sent.AcceptedInvitationAt;

    /// <summary>A peer's free text as the audit may hold it: no control or formatting characters (no NUL, no bidirectional overrides), at most 200.</summary>
    private static string Printable(string? text)
    {
        var kept = new string([.. (text ?? "").Where(c => !char.IsControl(c) && char.GetUnicodeCategory(c) != UnicodeCategory.Format)]);
        return kept.Length > 200 ? kept[..200] : kept;
    }

    internal sealed record CurrentInvitation(Guid Id, InvitationStatus Status, DateTimeOffset InvitedAt);

    private async Task<(string Status, string? Detail)> RunAsync(Caller caller, string kind, Guid incidentId, long recordId, Guid? invitationId, JsonObject? payload,
        CancellationToken cancellationToken)
    {
        const string NotTakingPart = "Your organisation does not take part in that incident.";
        try
        {
            switch (kind)
            {
                case PeerCommandKinds.Leave:
                    return await editing.LeaveAsync(caller, incidentId, cancellationToken) is null ? ("refused", NotTakingPart) : ("applied", null);
                case PeerCommandKinds.Entry:
                {
                    // Never owner-only: the owner writes those on its own node. Files are checked again by this node's limits.
                    var files = PeerIncidentAttachments.FromPayload(payload?["files"], attachmentOptions.Value);
                    return await editing.AddEntryAsync(caller, incidentId, new JournalRequest(PeerIncidentWire.Text(payload, "body")), cancellationToken, files) is null
                        ? ("refused", NotTakingPart)
                        : ("applied", null);
                }

                case PeerCommandKinds.TaskWork:
                {
                    var errors = new RequestErrors();
                    var to = PeerIncidentWire.Text(payload, "status") is { } st ? IncidentEndpoints.ParseKebab<IncidentTaskStatus>(st, "status", errors) : null;
                    errors.ThrowIfAny();
                    return !Guid.TryParse(PeerIncidentWire.Text(payload, "task"), out var taskId)
                        || await editing.WorkTaskAsync(caller, incidentId, taskId, new TaskWorkRequest(PeerIncidentWire.Text(payload, "text"), to), cancellationToken) is null
                        ? ("refused", "There is no such task, or your organisation does not see it.")
                        : ("applied", null);
                }

                case PeerCommandKinds.TaskNew:
                {
                    var errors = new RequestErrors();
                    Guid? assignee = null;
                    if (PeerIncidentWire.Text(payload, "assignee") is { } reference)
                    {
                        var found = await TakingPartAsync(recordId, [reference], cancellationToken);
                        if (found.Count == 1)
                        {
                            assignee = found[0];
                        }
                        else
                        {
                            errors.Add("assignedTo", "Not an organisation taking part in this incident.");
                        }
                    }

                    var due = Time(payload, "dueAt", errors);
                    errors.ThrowIfAny();
                    var request = new TaskRequest(PeerIncidentWire.Text(payload, "title"), PeerIncidentWire.Text(payload, "description"), assignee, DueAt: due);
                    return await editing.CreateTaskAsync(caller, incidentId, request, people, cancellationToken) is null ? ("refused", NotTakingPart) : ("applied", null);
                }

                case PeerCommandKinds.Request:
                {
                    var errors = new RequestErrors();
                    var to = payload?["to"] is JsonArray list && list.Count <= AssistanceLimits.MaxRecipients
                        ? list.Select(n => n is JsonValue v && v.TryGetValue<string>(out var t) ? t : "").ToList()
                        : [];
                    var organisations = await TakingPartAsync(recordId, to, cancellationToken);
                    if (organisations.Count != to.Count || to.Count == 0)
                    {
                        errors.Add("organisations", "Every asked organisation must take part in this incident.");
                    }

                    var kindOf = IncidentEndpoints.ParseKebab<AssistanceKind>(PeerIncidentWire.Text(payload, "kind"), "kind", errors);
                    var due = Time(payload, "dueAt", errors);
                    errors.ThrowIfAny();
                    var request = new AssistanceRequestRequest(kindOf, PeerIncidentWire.Text(payload, "title"), PeerIncidentWire.Text(payload, "details"), organisations, due);
                    return await assistance.CreateAsync(caller, incidentId, request, cancellationToken) is null ? ("refused", NotTakingPart) : ("applied", null);
                }

                case PeerCommandKinds.RequestAct:
                {
                    var errors = new RequestErrors();
                    var action = IncidentEndpoints.ParseKebab<AssistanceAction>(PeerIncidentWire.Text(payload, "action"), "action", errors);
                    if (action is null)
                    {
                        errors.Add("action", "Required: acknowledge, accept, decline, answer or withdraw.");
                    }

                    if (!Guid.TryParse(PeerIncidentWire.Text(payload, "request"), out var requestId))
                    {
                        errors.Add("request", "The request's id.");
                    }

                    errors.ThrowIfAny();
                    var inIncident = await db.AssistanceRequests.AsNoTracking().AnyAsync(r => r.PublicId == requestId && r.IncidentRecordId == recordId, cancellationToken);
                    return !inIncident || await assistance.ActAsync(caller, requestId, action!.Value, new AssistanceAnswerRequest(PeerIncidentWire.Text(payload, "reason"), PeerIncidentWire.Text(payload, "answer")),
                        cancellationToken) is null
                        ? ("refused", "There is no such request, or your organisation does not see it.")
                        : ("applied", null);
                }

                case PeerCommandKinds.StageSubmit:
                {
                    var errors = new RequestErrors();
                    var stage = IncidentEndpoints.ParseKebab<ReportingStage>(PeerIncidentWire.Text(payload, "stage"), "stage", errors);
                    if (stage is null)
                    {
                        errors.Add("stage", "Required: the stage of the report.");
                    }

                    errors.ThrowIfAny();
                    return await clocks.SubmitAsync(caller, incidentId, stage!.Value, new Clocks.StageSubmitRequest(payload?["content"] as JsonObject is { } c ? (JsonObject)c.DeepClone() : null),
                        cancellationToken) is null
                        ? ("refused", NotTakingPart)
                        : ("applied", null);
                }

                case PeerCommandKinds.Status:
                {
                    var errors = new RequestErrors();
                    var to = IncidentEndpoints.ParseKebab<IncidentStatus>(PeerIncidentWire.Text(payload, "status"), "status", errors);
                    if (to == IncidentStatus.Duplicate)
                    {
                        errors.Add("status", "An incident is marked as a duplicate on this node, by its owner or a coordinator here.");
                    }

                    errors.ThrowIfAny();
                    var confirm = payload?["confirmOpenTasks"] is JsonValue c && c.TryGetValue<bool>(out var yes) && yes;
                    return await editing.ChangeStatusAsync(caller, incidentId, new StatusRequest(to, PeerIncidentWire.Text(payload, "reason"), confirm), cancellationToken) is null
                        ? ("refused", NotTakingPart)
                        : ("applied", null);
                }
            }

            if (invitationId is not { } invitation || await editing.AnswerAsync(caller, invitation, kind == PeerCommandKinds.Accept, cancellationToken) is null)
            {
                return ("refused", "There is no invitation of your organisation to that incident.");
            }

            return ("applied", null);
        }
        catch (ConflictException)
        {
            return ("pending", null);
        }
        catch (Exception e) when (e is ForbiddenException or RequestValidationException)
        {
            return ("refused", e is RequestValidationException v ? string.Join(" ", v.Errors.ToDictionary().Values.SelectMany(r => r)) : e.Message);
        }
    }

    private static DateTimeOffset? Time(JsonObject? o, string name, RequestErrors errors)
    {
        if (o?[name] is null)
        {
            return null;
        }

        if (o[name] is JsonValue v && v.TryGetValue<DateTimeOffset>(out var at))
        {
            return at;
        }

        errors.Add(name, "A date and time (RFC 3339).");
        return null;
    }

    /// <summary>
    /// The organisations a participant's node names by their refs (the identity this node sent in the view) that take part
    /// in the incident here: the owner and accepted participants. An unknown ref is left out (the caller compares counts).
    /// </summary>
    private async Task<List<Guid>> TakingPartAsync(long recordId, IReadOnlyList<string> references, CancellationToken cancellationToken)
    {
        var participants = db.IncidentParticipants;
        var taking = await participants.AsNoTracking().Where(p => p.IncidentRecordId == recordId && p.Status == InvitationStatus.Accepted)
            .Select(p => p.OrganisationId).ToListAsync(cancellationToken);
        var incidents = db.Incidents;
        taking.Add(await incidents.AsNoTracking().Where(i => i.RecordId == recordId).Select(i => i.Record.OwnerOrganisationId).FirstAsync(cancellationToken));
        var byRef = taking.Distinct().ToDictionary(IntelIdentity.Of, o => o, StringComparer.Ordinal);
        return [.. references.Where(byRef.ContainsKey).Select(r => byRef[r])];
    }

    [LoggerMessage(EventId = 874, Level = LogLevel.Warning, Message = "An incident command from {Peer} failed ({Error}: {Message}); answered pending")]
    private static partial void LogCommandFailed(ILogger logger, string peer, string error, string message);
}
