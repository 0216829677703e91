using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Rampart.Server.Access;
using Rampart.Server.Data;
using Rampart.Server.Federation;
using Rampart.Server.Hosting;
using Rampart.Server.Scheduling;
using Rampart.Server.Validation;

namespace Rampart.Server.Incidents.Peers;

/// <summary>A peer's incident as the organisation it is for reads it here.</summary>
/// <param name="OwnerNode">
/// Whether the owner's node is still a peer of this node: <c>active</c>; <c>suspended</c> (or <c>unconfirmed</c>) by this node's
/// operators — nothing is sent to it or taken from it until resumed; <c>removed</c> — never again (the copy stays readable as it
/// was). Writes from a copy whose owner's node is not <c>active</c> are refused with 409.
/// </param>
public sealed record PeerIncidentSummary(Guid Id, string Node, string Number, string State, string? Title, IncidentStatus? Status, IncidentSeverity? Severity,
    string Tlp, ParticipantRole Role, DateTimeOffset InvitedAt, DateTimeOffset UpdatedAt, string OwnerNode = PeerOwnerNode.Active)
{
    /// <summary>The owner's node is an active peer: what is written here can reach it.</summary>
    public bool OwnerReachable => OwnerNode == PeerOwnerNode.Active;
}

/// <summary>The codes of <see cref="PeerIncidentSummary.OwnerNode"/>.</summary>
public static class PeerOwnerNode
{
    public const string Active = "active";
    public const string Suspended = "suspended";
    public const string Unconfirmed = "unconfirmed";
    public const string Removed = "removed";

    public static string Of(PeerState? state) => state switch
    {
        PeerState.Active => Active,
        PeerState.Suspended => Suspended,
        PeerState.Unconfirmed => Unconfirmed,
        _ => Removed,
    };
}

public sealed record PeerIncidentDetail(PeerIncidentSummary Incident, PeerIncidentView? View, IReadOnlyList<PeerCommandView> Requests);

/// <summary>
/// Incidents across nodes (ADR 17): an organisation of this node invited to a peer node's incident gets the invitation and,
/// once it accepts, a read-only copy of what it may see there; accept, decline and leave travel back to the owner's node.
/// </summary>
public sealed class PeerIncidentsFeature : RampartFeature
{
    private const string ListName = "peer-incidents";

    private const string JournalName = "peer-incidents.journal";

    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddScoped<IncidentPeerSync>();
        services.AddScoped<PeerIncidentInbox>();
        services.AddScoped<PeerIncidentCommands>();
        services.AddScoped<IncidentPeerCommandInbox>();
        services.AddScoped<PeerIncidentQueries>();
        services.AddScoped<IncidentPeerAttachmentServer>();
        services.AddScoped<PeerIncidentAttachments>();
        services.AddScoped<PeerIncidentBoard>();
        services.AddScoped<IPeerRemoval, PeerNodeRemoval>();
        services.AddScoped<Clocks.IPeerDeadlines>(sp => sp.GetRequiredService<PeerIncidentBoard>());
        services.AddScoped<Notifications.INotificationSource, PeerNotifications>();
        services.AddScheduledJob<IncidentPeerSyncJob>(IncidentPeerSyncJob.JobName, sp => sp.GetRequiredService<IOptions<FederationOptions>>().Value.SyncInterval);
        services.AddOptions<PeerIncidentOptions>().Bind(builder.Configuration.GetSection(PeerIncidentOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddScheduledJob<PeerIncidentPruneJob>(PeerIncidentPruneJob.JobName, _ => PeerIncidentPruneJob.Interval);
    }

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var machine = routes.Root.MapMachineGroup(PeerIncidentWire.IncidentsPath, new MachinePath
        {
            Name = "federation-incidents",
            MaxRequestBodyBytes = FederationWire.MaxBodyBytes,
            WriteError = RampartHost.ApiPath.WriteError,
        }).WithTags("Federation");
        machine.MapPost("", async Task<Results<Ok<InboxResponse>, UnauthorizedHttpResult>> (HttpRequest request, FederationInbox authenticator, PeerIncidentInbox inbox, CancellationToken ct) =>
        {
            var (peer, body) = await authenticator.AuthenticateRequestAsync(request, PeerIncidentWire.IncidentsPurpose, ct);
            return peer is null ? TypedResults.Unauthorized() : TypedResults.Ok(await inbox.ReceiveAsync(peer, body, ct));
        }).AllowAnonymous()
            .WithSummary("Receive incident views from the node that owns the incidents")
            .WithDescription("Node to node (ADR 17), signed like the federation inbox but for this path. Items: 'incident' — the view one organisation of this node may read of a peer's incident it is invited to or takes part in (state invited, participating or ended), with the journal entries it has not had. Answers one result per item (accepted / refused with the reason).");
        machine.MapPost("/commands", async Task<Results<Ok<System.Text.Json.Nodes.JsonObject>, UnauthorizedHttpResult>> (HttpRequest request, FederationInbox authenticator, IncidentPeerCommandInbox inbox, CancellationToken ct) =>
        {
            var (peer, body) = await authenticator.AuthenticateRequestAsync(request, PeerIncidentWire.CommandsPurpose, ct);
            return peer is null ? TypedResults.Unauthorized() : TypedResults.Ok(await inbox.ReceiveAsync(peer, body, ct));
        }).AllowAnonymous()
            .WithSummary("Receive what participants on a peer node did in this node's incidents")
            .WithDescription("Node to node (ADR 17): accept, decline or leave, for an organisation declared to live on the sending peer, applied once each by the same rules as for a local participant. Answers one result per command (applied / refused with the reason).");

        machine.MapPost("/attachments", async Task<Results<FileContentHttpResult, NotFound, UnauthorizedHttpResult>> (HttpRequest request, FederationInbox authenticator,
            IncidentPeerAttachmentServer server, CancellationToken ct) =>
        {
            var (peer, body) = await authenticator.AuthenticateRequestAsync(request, PeerIncidentWire.AttachmentsPurpose, ct);
            if (peer is null)
            {
                return TypedResults.Unauthorized();
            }

            return await server.FindAsync(peer, body, ct) is { } found
                ? TypedResults.File(found.Content, "application/octet-stream")
                : TypedResults.NotFound();
        }).AllowAnonymous()
            .WithSummary("Give a participant's node the bytes of one journal attachment")
            .WithDescription("Node to node (ADR 17), signed for this path: {incident, organisation, attachment, user}. The bytes (application/octet-stream) when the organisation, declared to live on the sending peer, takes part in the incident through it and reads the journal entry the file belongs to; 404 otherwise, alike for an unknown id.");

        var api = routes.Api.MapGroup("/peer-incidents").WithTags("Incidents").RequireAuthorization();
        api.MapGet("/", async Task<Ok<CursorPage<PeerIncidentSummary>>> (Caller caller, PeerIncidentQueries queries, PageCursors cursors, string? state, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            PeerIncidentState? wanted = state is null ? null : PeerIncidentWire.ParseState(state) ?? throw RequestErrors.One("state", "invited, participating or ended.");
            var scope = state ?? "";
            var (items, more) = await queries.ListAsync(caller, wanted, cursors.Decode(next, ListName, scope), size, ct);
            return TypedResults.Ok(new CursorPage<PeerIncidentSummary>([.. items.Select(i => i.Summary)],
                more ? cursors.Encode(ListName, scope, items[^1].RecordId) : null));
        }).WithSummary("Incidents of peer nodes your organisation is invited to or takes part in")
            .WithDescription("Newest first, cursor-paged; ?state=invited|participating|ended. Read through the access decision: only the organisation each copy is for sees it (not its other organisations' people, not administrators).");

        api.MapGet("/{id}", async Task<Results<Ok<PeerIncidentDetail>, NotFound>> (string id, Caller caller, PeerIncidentQueries queries, PeerIncidentCommands commands, CancellationToken ct) =>
        {
            var guid = Http.ParseId(id);
            if (await queries.FindAsync(caller, guid, ct) is not { } found)
            {
                return TypedResults.NotFound();
            }

            var requests = await commands.OfAsync(caller, guid, ct) ?? [];
            return TypedResults.Ok(new PeerIncidentDetail(found.Summary, found.View, [.. requests.Select(PeerCommandView.From)]));
        }).WithSummary("A peer node's incident as your organisation sees it").WithDescription("404 when it is not one your organisation is invited to or takes part in.");

        api.MapGet("/{id}/journal", async Task<Results<Ok<CursorPage<PeerJournalEntry>>, NotFound>> (string id, Caller caller, PeerIncidentQueries queries, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var guid = Http.ParseId(id);
            var page = await queries.JournalAsync(caller, guid, cursors.Decode(next, JournalName, guid.ToString()), size, ct);
            return page is not { } p
                ? TypedResults.NotFound()
                : TypedResults.Ok(new CursorPage<PeerJournalEntry>([.. p.Entries.Select(e => e.Entry)], p.More ? cursors.Encode(JournalName, guid.ToString(), p.Entries[^1].Key) : null));
        }).WithSummary("The journal of a peer node's incident, newest first").WithDescription("What the owner's node showed your organisation, as of its last view; cursor-paged.");

        // Writes from a copy whose owner's node is no longer an active peer: 409 at once, never a command queued for nobody
        // (PeerWriteGuard, checked by PeerIncidentCommands for the page and the API alike).
        foreach (var kind in new[] { PeerCommandKinds.Accept, PeerCommandKinds.Decline, PeerCommandKinds.Leave })
        {
            api.MapPost("/{id}/" + kind, async Task<Results<Ok<PeerCommandView>, NotFound>> (string id, Caller caller, PeerIncidentCommands commands, PeerIncidentQueries queries, CancellationToken ct) =>
            {
                var name = await queries.UserNameAsync(caller, ct);
                return await commands.RequestAsync(caller, Http.ParseId(id), kind, name, ct) is { } c ? TypedResults.Ok(PeerCommandView.From(c)) : TypedResults.NotFound();
            }).WithSummary($"Ask the owner's node to {kind} for your organisation")
                .WithDescription("Writers of the organisation the copy is for (403 for viewers and read-only keys; 404 for everyone else). Sent to the owner's node at once and again until it answers: the answer is 'applied' or 'refused' with its reason, 'pending' meanwhile. The copy follows at the owner's next sync. 409 when the owner's node is no longer an active peer of this node (ownerNode in the copy).");
        }

        const string Travels = " Sent to the owner's node at once and again until it answers, which applies it by its own rules for your organisation's role there: the answer is 'applied' or 'refused' with its reason, 'pending' meanwhile; what it changed appears in the copy with the owner's next view. 404 for everyone but the organisation the copy is for; 403 for its viewers and read-only keys; 409 when the owner's node is no longer an active peer of this node (ownerNode in the copy: suspended or removed here).";
        api.MapPost("/{id}/journal", async Task<Results<Ok<PeerCommandView>, NotFound>> (string id, JournalRequest request, Caller caller, PeerIncidentCommands commands, PeerIncidentQueries queries, CancellationToken ct) =>
            await SentAsync(commands.WriteEntryAsync(caller, Http.ParseId(id), request, await queries.UserNameAsync(caller, ct), ct))).WithSummary("Write in the journal of a peer node's incident")
            .WithDescription("Coordinators and contributors (observers: 403): body (Markdown, required). Never owner-only (ownerOnly: true is a 400)." + Travels);
        var attachmentOptions = routes.Root.ServiceProvider.GetRequiredService<IOptions<Attachments.AttachmentOptions>>().Value;
        api.MapPost("/{id}/journal/attachments", async Task<Results<Ok<PeerCommandView>, NotFound>> (HttpContext http, string id, Caller caller, PeerIncidentCommands commands,
                PeerIncidentQueries queries, IOptions<Attachments.AttachmentOptions> options, CancellationToken ct) =>
            {
                if (!http.Request.HasFormContentType)
                {
                    throw RequestErrors.One("body", "Send multipart/form-data: body and the files under 'files' (samples under 'samples').");
                }

                var guid = Http.ParseId(id);
                var (form, uploads) = await Attachments.AttachmentStore.ReadMultipartAsync(http.Request, options.Value, ct);
                if (uploads.Count == 0)
                {
                    throw RequestErrors.One("files", "At least one file.");
                }

                return await SentAsync(commands.WriteEntryAsync(caller, guid, new JournalRequest(form["body"].ToString()), await queries.UserNameAsync(caller, ct), ct, uploads));
            }).WithSummary("Write in the journal of a peer node's incident, with files")
            .WithDescription("multipart/form-data: body (Markdown, required) and files under 'files', samples (malware) under 'samples'; each within the node's attachment limit, all together at most 16 MiB (they travel to the owner's node with the entry, which checks them again and stores them; its participants see them with the entry). Coordinators and contributors (observers: 403)." + Travels)
            .WithMetadata(new MachinePath
            {
                Name = "api-peer-attachments", MaxRequestBodyBytes = Math.Max(attachmentOptions.MaxBytes, PeerIncidentLimits.AttachmentBytesPerCommand) + (1024 * 1024),
                WriteError = RampartHost.ApiPath.WriteError, Json = RampartHost.ApiPath.Json,
            });
        api.MapGet("/{id}/journal/{entryId}/attachments/{attachmentId}", async Task<Results<FileContentHttpResult, NotFound, ProblemHttpResult>> (HttpContext http, string id, string entryId,
                string attachmentId, Caller caller, PeerIncidentAttachments files, CancellationToken ct) =>
            {
                var download = await files.DownloadAsync(caller, Http.ParseId(id), Http.ParseId(entryId, "entryId"), Http.ParseId(attachmentId, "attachmentId"), ct);
                return download switch
                {
                    null => TypedResults.NotFound(),
                    { File: { } file, Content: { } content } => PeerIncidentAttachments.Result(http, file, content),
                    _ => TypedResults.Problem(download.Failure, statusCode: StatusCodes.Status502BadGateway, title: "The owner's node did not deliver the file"),
                };
            }).WithSummary("Download a journal attachment of a peer node's incident")
            .WithDescription("A file listed with an entry of the copy, fetched at once from the owner's node (which checks again that your organisation reads that entry) and served as a local attachment: application/octet-stream, never rendered; samples as a zip with the password 'infected'. Only when the bytes have the size and SHA-256 the owner's node listed; otherwise, or when it cannot be reached, 502 with the reason. 404 for everyone but the organisation the copy is for, for an ended copy and for a file the copy does not list; 409 when the owner's node is no longer an active peer.");
        api.MapPost("/{id}/tasks/{taskId}/work", async Task<Results<Ok<PeerCommandView>, NotFound>> (string id, string taskId, TaskWorkRequest request, Caller caller, PeerIncidentCommands commands, PeerIncidentQueries queries, CancellationToken ct) =>
            await SentAsync(commands.WorkTaskAsync(caller, Http.ParseId(id), Http.ParseId(taskId, "taskId"), request, await queries.UserNameAsync(caller, ct), ct))).WithSummary("Log work on a task of a peer node's incident, or set its status")
            .WithDescription("text and/or status (open, in-progress, done, cancelled) of a task the copy shows (else 404). Coordinators on any task; contributors on their organisation's tasks (the owner's node refuses the others)." + Travels);
        api.MapPost("/{id}/status", async Task<Results<Ok<PeerCommandView>, NotFound>> (string id, StatusRequest request, Caller caller, PeerIncidentCommands commands, PeerIncidentQueries queries, CancellationToken ct) =>
            await SentAsync(commands.ChangeStatusAsync(caller, Http.ParseId(id), request, await queries.UserNameAsync(caller, ct), ct))).WithSummary("Change the status of a peer node's incident")
            .WithDescription("Coordinators (others: 403): status (new, triage, in-progress, contained, resolved, closed, rejected; duplicate is marked on the owner's node: 400), reason, confirmOpenTasks to close with open tasks. The owner's node checks the move against the status it holds and refuses one its workflow does not allow, with the reason." + Travels);
        api.MapPost("/{id}/tasks", async Task<Results<Ok<PeerCommandView>, NotFound>> (string id, PeerTaskRequest request, Caller caller, PeerIncidentCommands commands, PeerIncidentQueries queries, CancellationToken ct) =>
            await SentAsync(commands.CreateTaskAsync(caller, Http.ParseId(id), request, await queries.UserNameAsync(caller, ct), ct))).WithSummary("Add a task to a peer node's incident")
            .WithDescription("Coordinators (others: 403): title (required), description, assignedTo (the ref of the owner or of an accepted participant, as the copy lists them; else 400), dueAt. Never owner-only." + Travels);
        api.MapPost("/{id}/requests", async Task<Results<Ok<PeerCommandView>, NotFound>> (string id, PeerAssistanceRequest request, Caller caller, PeerIncidentCommands commands, PeerIncidentQueries queries, CancellationToken ct) =>
            await SentAsync(commands.AskAssistanceAsync(caller, Http.ParseId(id), request, await queries.UserNameAsync(caller, ct), ct))).WithSummary("Ask organisations of a peer node's incident for assistance")
            .WithDescription("Coordinators and contributors (observers: 403): kind (analyse-sample, block-indicators, notify-constituent, share-logs, free), title, details, organisations (1 to 30 refs of the owner or accepted participants, as the copy lists them), dueAt (after now, within a year)." + Travels);
        api.MapPost("/{id}/stages/{stage}", async Task<Results<Ok<PeerCommandView>, NotFound>> (string id, string stage, Clocks.StageSubmitRequest request, Caller caller, PeerIncidentCommands commands,
                PeerIncidentQueries queries, CancellationToken ct) =>
            {
                var errors = new RequestErrors();
                var parsed = IncidentEndpoints.ParseKebab<Standards.Incidents.ReportingStage>(stage, "stage", errors);
                errors.ThrowIfAny();
                return await SentAsync(commands.SubmitStageAsync(caller, Http.ParseId(id), parsed!.Value, request, await queries.UserNameAsync(caller, ct), ct));
            }).WithSummary("Submit a NIS2 stage report (or the personal-data-breach notification) of a peer node's incident")
            .WithDescription("Coordinators (others: 403): stage early-warning, incident-notification, intermediate-report, final-report, progress-report, csirt-feedback or data-breach-notification, open in the copy (else 400 naming 'stage'); content: the stage's fields in camelCase, checked as on the owner's node (400 naming 'content.{field}'). The owner's node freezes the versioned report." + Travels);
        foreach (var (path, action) in new[]
        {
            ("acknowledge", Requests.AssistanceAction.Acknowledge), ("accept", Requests.AssistanceAction.Accept), ("decline", Requests.AssistanceAction.Decline),
            ("answer", Requests.AssistanceAction.Answer), ("withdraw", Requests.AssistanceAction.Withdraw),
        })
        {
            api.MapPost($"/{{id}}/requests/{{requestId}}/{path}", async Task<Results<Ok<PeerCommandView>, NotFound>> (string id, string requestId, Requests.AssistanceAnswerRequest? body, Caller caller,
                    PeerIncidentCommands commands, PeerIncidentQueries queries, CancellationToken ct) =>
                await SentAsync(commands.ActOnRequestAsync(caller, Http.ParseId(id), Http.ParseId(requestId, "requestId"), action, body ?? new Requests.AssistanceAnswerRequest(),
                    await queries.UserNameAsync(caller, ct), ct)))
                .WithSummary($"{char.ToUpperInvariant(path[0])}{path[1..]} a request for assistance of a peer node's incident")
                .WithDescription("Of a request the copy shows (else 404): acknowledge, accept, decline (reason required) or answer (answer required) one asked of your organisation; withdraw one it sent (else 403). The owner's node checks the request's state." + Travels);
        }
    }

    private static async Task<Results<Ok<PeerCommandView>, NotFound>> SentAsync(Task<PeerIncidentCommand?> sending) =>
        await sending is { } command ? TypedResults.Ok(PeerCommandView.From(command)) : TypedResults.NotFound();
}

/// <summary>A copy found for its reader: the summary, the last view, and its database key (cursor order).</summary>
public sealed record FoundPeerIncident(long RecordId, PeerIncidentSummary Summary, PeerIncidentView? View);

/// <summary>Every read of peer incidents' copies goes through here, and from here through <see cref="AccessPolicy"/>.</summary>
public sealed class PeerIncidentQueries(RampartDb db, AccessPolicy access)
{
    public async Task<(IReadOnlyList<FoundPeerIncident> Items, bool More)> ListAsync(Caller caller, PeerIncidentState? state, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var below = before ?? long.MaxValue;
        var copies = db.PeerIncidents;
        // A copy is for one organisation (its only grant): filtering on it as well walks the (organisation, state, record)
        // index newest first instead of every copy by key with a grant check each (review L4); the access decision stays.
        var organisation = caller.OrganisationId;
        var query = access.Readable(copies.AsNoTracking().Include(c => c.Record).Where(c => c.OrganisationId == organisation), caller).Where(c => c.RecordId < below);
        if (state is { } s)
        {
            query = query.Where(c => c.State == s);
        }

        var rows = await query.OrderByDescending(c => c.RecordId).Take(limit + 1).ToListAsync(cancellationToken);
        var peers = await PeerNamesAsync(rows.Select(r => r.PeerId), cancellationToken);
        return ([.. rows.Take(limit).Select(r => new FoundPeerIncident(r.RecordId, Summary(r, peers), null))], rows.Count > limit);
    }

    public async Task<FoundPeerIncident?> FindAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var copies = db.PeerIncidents;
        var copy = await access.Readable(copies.AsNoTracking().Include(c => c.Record), caller).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (copy is null)
        {
            return null;
        }

        var peers = await PeerNamesAsync([copy.PeerId], cancellationToken);
        var view = copy.State == PeerIncidentState.Ended ? null : JsonSerializer.Deserialize<PeerIncidentView>(copy.ViewJson, PeerIncidentWire.Json);
        return new FoundPeerIncident(copy.RecordId, Summary(copy, peers), view);
    }

    /// <summary>The journal of a readable copy, newest first (by the owner's order); null when the caller may not read it.</summary>
    public async Task<(IReadOnlyList<(long Key, PeerJournalEntry Entry)> Entries, bool More)?> JournalAsync(Caller caller, Guid id, long? before, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var copies = db.PeerIncidents;
        var recordId = await access.Readable(copies.AsNoTracking(), caller).Where(c => c.Id == id).Select(c => (long?)c.RecordId).FirstOrDefaultAsync(cancellationToken);
        if (recordId is not { } r)
        {
            return null;
        }

        var below = before ?? long.MaxValue;
        var rows = await db.PeerIncidentJournal.AsNoTracking().Where(e => e.PeerIncidentRecordId == r && e.OriginPosition < below)
            .OrderByDescending(e => e.OriginPosition).Take(limit + 1).Select(e => new { e.OriginPosition, e.Json }).ToListAsync(cancellationToken);
        return ([.. rows.Take(limit).Select(e => (e.OriginPosition, JsonSerializer.Deserialize<PeerJournalEntry>(e.Json, PeerIncidentWire.Json)!))], rows.Count > limit);
    }

    /// <summary>The caller's display name, for the owner's node to show with what they did.</summary>
    public async Task<string> UserNameAsync(Caller caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var id = caller.UserId;
        return await db.Users.AsNoTracking().Where(u => u.Id == id).Select(u => u.DisplayName).FirstOrDefaultAsync(cancellationToken) ?? "";
    }

    private async Task<Dictionary<Guid, (string Name, PeerState State)>> PeerNamesAsync(IEnumerable<Guid> ids, CancellationToken cancellationToken)
    {
        var wanted = ids.Distinct().ToList();
        return await db.FederationPeers.AsNoTracking().Where(p => wanted.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => (p.Name, p.State), cancellationToken);
    }

    private static PeerIncidentSummary Summary(PeerIncident c, Dictionary<Guid, (string Name, PeerState State)> peers)
    {
        var known = peers.TryGetValue(c.PeerId, out var peer);
        return new(c.Id, known ? peer.Name : "", c.Number, PeerIncidentWire.Code(c.State), c.Title, c.Status, c.Severity,
            Standards.Markings.TlpMarking.Code(c.Record.Tlp), c.Role, c.InvitedAt, c.UpdatedAt, PeerOwnerNode.Of(known ? peer.State : null));
    }
}

/// <summary>
/// The scheduled job of incidents across nodes (durable scheduler, ADR 11): for every confirmed, active peer, the views of
/// this node's incidents its organisations take part in, then what this node's people asked of that peer's incidents.
/// </summary>
public sealed class IncidentPeerSyncJob(RampartDb db, IServiceScopeFactory scopes) : IScheduledJob
{
    public const string JobName = "incidents.peer-sync";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var peers = await db.FederationPeers.AsNoTracking().Where(p => p.State == PeerState.Active).OrderBy(p => p.Key).Select(p => p.Id).ToListAsync(cancellationToken);
        foreach (var id in peers)
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<IncidentPeerSync>().PushAsync(id, cancellationToken);
            await scope.ServiceProvider.GetRequiredService<PeerIncidentCommands>().SendPendingAsync(id, cancellationToken);
        }
    }
}
