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
using Rampart.Server.Intelligence.Store;
using Rampart.Server.Validation;

namespace Rampart.Server.Incidents.Peers;

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

    /// <summary>Null when the caller may not read the copy (404); 403 for viewers and read-only keys; 400 when the copy is not in a state for it.</summary>
    public async Task<PeerIncidentCommand?> RequestAsync(Caller caller, Guid copyId, string kind, string userName, CancellationToken cancellationToken)
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
            throw new ForbiddenException("Viewers and read-only keys do not answer for their organisation.");
        }

        var fits = kind switch
        {
            PeerCommandKinds.Accept or PeerCommandKinds.Decline => copy.State == PeerIncidentState.Invited,
            PeerCommandKinds.Leave => copy.State == PeerIncidentState.Participating,
            _ => false,
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

        var recordId = copy.RecordId;
        var pending = await db.PeerIncidentCommands.FirstOrDefaultAsync(c => c.PeerIncidentRecordId == recordId && c.State == PeerCommandState.Pending, cancellationToken);
        if (pending is not null)
        {
            // One question at a time per copy: the owner's node answers the first before the next is asked.
            return pending.Kind == kind ? pending : throw RequestErrors.One("id", "An earlier request is still waiting for the owner's node.");
        }

        var now = clock.GetUtcNow();
        var command = new PeerIncidentCommand
        {
            Id = Guid.CreateVersion7(now), PeerIncidentRecordId = recordId, Kind = kind, UserId = caller.UserId,
            UserName = userName.Length > 200 ? userName[..200] : userName, CreatedAt = now, State = PeerCommandState.Pending,
        };
        db.PeerIncidentCommands.Add(command);
        audit.Record(AuditEvent.PeerIncidentCommandRequested, caller, $"peer-incident:{copy.Id}", detail: $"{kind} {copy.Number}");
        await db.SaveChangesAsync(cancellationToken);
        await SendPendingAsync(copy.PeerId, cancellationToken);
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
    public async Task<int> SendPendingAsync(Guid peerId, CancellationToken cancellationToken)
    {
        var peer = await db.FederationPeers.AsNoTracking().FirstOrDefaultAsync(p => p.Id == peerId, cancellationToken);
        if (peer is null || peer.State != PeerState.Active)
        {
            return 0;
        }

        var copies = db.PeerIncidents;
        var pending = await db.PeerIncidentCommands.Where(c => c.State == PeerCommandState.Pending)
            .Join(copies.Where(p => p.PeerId == peerId), c => c.PeerIncidentRecordId, p => p.RecordId, (c, p) => new { Command = c, p.OriginIncidentId, p.OrganisationId })
            .OrderBy(x => x.Command.Id).Take(PerEnvelope).ToListAsync(cancellationToken);
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
            })]),
        };
        JsonArray results;
        try
        {
            var answer = JsonNode.Parse(await requests.PostAsync(peer, PeerIncidentWire.CommandsPath, PeerIncidentWire.CommandsPurpose,
                Encoding.UTF8.GetBytes(envelope.ToJsonString()), cancellationToken)) as JsonObject;
            results = answer?["results"] as JsonArray is { } r && r.Count == pending.Count ? r : throw new FederationPushException("The peer's answer does not list one result per command.");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or FederationPushException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            // Kept pending: the sync job sends it again.
            LogSendFailed(logger, peer.Name, e is TaskCanceledException ? "The peer did not answer in time." : e.Message);
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
public sealed class IncidentPeerCommandInbox(RampartDb db, FederationTrust trust, FederationInbox inbox, IncidentEditing editing, AuditTrail audit, TimeProvider clock)
{
    private static readonly Guid UserNamespace = new("5b2f8f0e-3c1d-4b7a-9e55-2f6a1c0d7e91");

    /// <summary>The stable id a person of a peer node acts under here (their user id there, qualified by the peer).</summary>
    public static Guid UserIdFor(Guid peerId, Guid remoteUserId) => IntelIdentity.Uuid5(UserNamespace, $"{peerId:N}|{remoteUserId:N}");

    public async Task<JsonObject> ReceiveAsync(FederationPeer peer, byte[] body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        JsonObject envelope;
        try
        {
            envelope = JsonNode.Parse(body) as JsonObject ?? throw RequestErrors.One("body", "The envelope must be a JSON object.");
        }
        catch (JsonException)
        {
            throw RequestErrors.One("body", "The envelope is not JSON.");
        }

        if (envelope["id"] is not JsonValue idValue || !idValue.TryGetValue<string>(out var idText) || !Guid.TryParse(idText, out var envelopeId))
        {
            throw RequestErrors.One("id", "Required: the envelope's UUID (each envelope is applied once).");
        }

        if (envelope["commands"] is not JsonArray commands || commands.Count > PeerIncidentCommands.PerEnvelope)
        {
            throw RequestErrors.One("commands", $"Required: an array of at most {PeerIncidentCommands.PerEnvelope} commands.");
        }

        await inbox.RememberEnvelopeAsync(peer, envelopeId, cancellationToken);
        var keys = await trust.KeysAsync(cancellationToken);
        var results = new JsonArray();
        foreach (var node in commands)
        {
            var (status, detail) = await ApplyAsync(peer, keys, node as JsonObject, cancellationToken);
            results.Add(new JsonObject { ["status"] = status, ["detail"] = detail });
        }

        return new JsonObject { ["id"] = envelopeId.ToString("D"), ["results"] = results };
    }

    private async Task<(string Status, string? Detail)> ApplyAsync(FederationPeer peer, TrustedKeys keys, JsonObject? command, CancellationToken cancellationToken)
    {
        if (command is null || !Guid.TryParse(Text(command, "id"), out var commandId))
        {
            return ("refused", "A command needs its UUID.");
        }

        // Claimed before it runs: the same command arriving twice at once (a person's request and the job) runs once.
        var claim = new IncidentPeerCommandApplied { PeerId = peer.Id, CommandId = commandId, Status = "pending", AppliedAt = clock.GetUtcNow() };
        db.IncidentPeerCommandsApplied.Add(claim);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            var done = await db.IncidentPeerCommandsApplied.AsNoTracking().FirstOrDefaultAsync(a => a.PeerId == peer.Id && a.CommandId == commandId, cancellationToken);
            return done is null ? ("pending", null) : (done.Status, done.Detail);
        }

        var kind = Text(command, "kind");
        string status;
        string? detail;
        if (!PeerCommandKinds.IsKnown(kind) || !Guid.TryParse(Text(command, "incident"), out var incidentId) || !Guid.TryParse(Text(command, "user"), out var user)
            || Text(command, "userName") is not { Length: > 0 and <= 200 })
        {
            (status, detail) = ("refused", "A command names its kind (accept, decline, leave), the incident, the user and the user's name.");
        }
        else if (Text(command, "organisation") is not { } identity || !keys.Declared.TryGetValue((peer.Id, identity), out var organisation))
        {
            (status, detail) = ("refused", $"That organisation is not declared on this node as living on {peer.Name}.");
        }
        else
        {
            var incidents = db.Incidents;
            var recordId = await incidents.AsNoTracking().Where(i => i.Id == incidentId).Select(i => (long?)i.RecordId).FirstOrDefaultAsync(cancellationToken);
            var sent = recordId is { } r
                ? await db.IncidentPeerSent.FirstOrDefaultAsync(x => x.PeerId == peer.Id && x.IncidentRecordId == r && x.OrganisationId == organisation, cancellationToken)
                : null;
            if (sent is null)
            {
                // A peer answers only for what it was sent: an invitation (or incident) this node never sent it is unknown to it.
                (status, detail) = ("refused", "There is no invitation of your organisation to that incident.");
            }
            else
            {
                var communities = await db.CommunityMembers.AsNoTracking().Where(m => m.OrganisationId == organisation).Select(m => m.CommunityId).ToListAsync(cancellationToken);
                var caller = new Caller(UserIdFor(peer.Id, user), organisation, Role.Analyst, communities.ToHashSet(), Credential: $"federation-peer:{peer.Id:N}");
                (status, detail) = await RunAsync(caller, kind!, incidentId, organisation, cancellationToken);
                if (status == "applied" && kind == PeerCommandKinds.Accept)
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
        }

        db.ChangeTracker.Clear();
        var answered = await db.IncidentPeerCommandsApplied.FirstAsync(a => a.PeerId == peer.Id && a.CommandId == commandId, cancellationToken);
        answered.Status = status;
        answered.Detail = detail is { Length: > 1000 } ? detail[..1000] : detail;
        answered.AppliedAt = clock.GetUtcNow();
        audit.Record(AuditEvent.IncidentPeerCommandApplied, Caller.Operator(), $"incident:{incidentIdText(command)}",
            status == "applied" ? AuditOutcome.Success : AuditOutcome.Denied,
            string.Create(CultureInfo.InvariantCulture, $"{kind} from {peer.Name} ({Text(command, "userName")}): {status}{(detail is null ? "" : "; " + detail)}"));
        await db.SaveChangesAsync(cancellationToken);
        return (status, detail);

        static string incidentIdText(JsonObject c) => Text(c, "incident") is { Length: <= 40 } t ? t : "?";
    }

    private async Task<(string Status, string? Detail)> RunAsync(Caller caller, string kind, Guid incidentId, Guid organisation, CancellationToken cancellationToken)
    {
        try
        {
            if (kind == PeerCommandKinds.Leave)
            {
                return await editing.LeaveAsync(caller, incidentId, cancellationToken) is null
                    ? ("refused", "Your organisation does not take part in that incident.")
                    : ("applied", null);
            }

            var participants = db.IncidentParticipants;
            var invitation = await participants.AsNoTracking().Where(p => p.Incident.Id == incidentId && p.OrganisationId == organisation)
                .Select(p => new { p.Id, p.Status }).FirstOrDefaultAsync(cancellationToken);
            if (invitation?.Status == InvitationStatus.Accepted && kind == PeerCommandKinds.Accept)
            {
                // Accepted already (a new command after an answer that never reached the peer, or a crash before this node
                // noted where the acceptance came from): the same answer again, and the peer is noted below.
                return ("applied", null);
            }

            if (invitation is null || await editing.AnswerAsync(caller, invitation.Id, kind == PeerCommandKinds.Accept, cancellationToken) is null)
            {
                return ("refused", "There is no invitation of your organisation to that incident.");
            }

            return ("applied", null);
        }
        catch (Exception e) when (e is ForbiddenException or ConflictException or RequestValidationException)
        {
            return ("refused", e is RequestValidationException v ? string.Join(" ", v.Errors.ToDictionary().Values.SelectMany(r => r)) : e.Message);
        }
    }

    private static string? Text(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
