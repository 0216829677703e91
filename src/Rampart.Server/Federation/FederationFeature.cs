using Microsoft.AspNetCore.Http.HttpResults;
using Rampart.Server.Access;
using Rampart.Server.Hosting;
using Rampart.Server.Identity;
using Rampart.Server.Scheduling;

namespace Rampart.Server.Federation;

/// <summary>
/// Federation foundations (issue 10): this node's signing identity, its peers (registered by key, confirmed by fingerprint),
/// the organisations living on each peer, and provenance checks on receipt. The transport (TAXII) and the sync job build on
/// it; the hop rules are <see cref="Standards.Federation.HopRules"/>. docs/sharing.md, "Federation".
/// </summary>
public sealed class FederationFeature : RampartFeature
{
    private const string ListName = "federation.peers";

    private const string OrganisationListName = "federation.organisations";

    public override void AddServices(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<FederationOptions>().Bind(builder.Configuration.GetSection(FederationOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<NodeIdentity>();
        services.AddHostedService<NodeKeyBootstrap>();
        services.AddScoped<FederationPeers>();
        services.AddScoped<FederationTrust>();
        services.AddScoped<FederationInbox>();
        services.AddScoped<FederationSync>();
        services.AddScoped<FederationRequests>();
        services.AddHttpClient(FederationWire.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = System.Net.DecompressionMethods.All })
            .ConfigureHttpClient(c => c.Timeout = TimeSpan.FromMinutes(2));
        services.AddScheduledJob<FederationSyncJob>(FederationSyncJob.JobName, sp => sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<FederationOptions>>().Value.SyncInterval);
        services.AddSingleton(new Components.Layout.NavEntry(Components.Layout.NavGroup.Administration, "Federation", "federation",
            MudBlazor.Icons.Material.Filled.Hub, c => c.IsNodeAdmin && !c.IsOperator, 5));
    }

    public override void AddCommands(Admin.AdminCommands commands) => FederationCommands.Add(commands);

    public override void MapEndpoints(FeatureRoutes routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var machine = routes.Root.MapMachineGroup("/federation/v1", new MachinePath
        {
            Name = "federation",
            MaxRequestBodyBytes = FederationWire.MaxBodyBytes,
            WriteError = RampartHost.ApiPath.WriteError,
        }).WithTags("Federation");
        machine.MapPost("/inbox", async Task<Results<Ok<InboxResponse>, UnauthorizedHttpResult>> (HttpRequest request, FederationInbox inbox, CancellationToken ct) =>
        {
            var (peer, body) = await inbox.AuthenticateRequestAsync(request, FederationWire.InboxPurpose, ct);
            if (peer is null)
            {
                return TypedResults.Unauthorized();
            }

            return TypedResults.Ok(await inbox.ReceiveAsync(peer, body, ct));
        }).AllowAnonymous()
            .WithSummary("Receive a federation envelope from a peer node")
            .WithDescription("Node to node (ADR 14): the sending node signs (Ed25519) the receiving node id, its own node id, the Rampart-Date and the body's SHA-256; only confirmed, active peers, dates within five minutes, each envelope id once (401 / 409 otherwise). Items: 'version' (a STIX object version, its signed provenance, TLP and the narrowed audience), 'remove' (the record was withdrawn or no longer crosses: the copy becomes a tombstone) or 'remove-versions' (ADR 18: the owner deleted the versions named; applied only to versions the sending peer delivered itself). Version items are applied first, then the removals in envelope order. The answer lists one result per item (accepted / refused with the reason), never content.");

        var group = routes.Api.MapGroup("/federation").WithTags("Federation").RequireAuthorization();

        group.MapGet("/node", async Task<Ok<NodeIdentityView>> (Caller caller, NodeIdentity identity, CancellationToken ct) =>
            TypedResults.Ok(await identity.ViewAsync(ct)))
            .WithSummary("This node's federation identity")
            .WithDescription("Node id (name:fingerprint), the Ed25519 public key (PEM) and its SHA-256 fingerprint in groups of four, to read out to a peer's operators. Any logged-in user; the private key is never returned.");

        group.MapGet("/organisations", async Task<Ok<CursorPage<FederationOrganisationView>>> (Caller caller, FederationPeers federation, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var (items, last, more) = await federation.OrganisationsAsync(caller, cursors.DecodeKey(next, OrganisationListName, "node")?.Id, size, ct);
            return TypedResults.Ok(new CursorPage<FederationOrganisationView>(items, more && last is { } k ? cursors.Encode(OrganisationListName, "node", "", k) : null));
        }).WithSummary("This node's organisations and their STIX identities")
            .WithDescription("Node administrators only (403 otherwise); cursor-paged. Each organisation's STIX identity (identity--…) is what a peer's operators declare it by on their node; 'livesOn' names the peer it is declared on here (null: it lives on this node).");

        var peers = group.MapGroup("/peers");
        peers.MapGet("/", async Task<Ok<CursorPage<PeerView>>> (Caller caller, FederationPeers federation, PageCursors cursors, int? limit, string? next, CancellationToken ct) =>
        {
            var size = Http.Limit(limit);
            var (items, last, more) = await federation.ListAsync(caller, cursors.Decode(next, ListName, "node"), size, ct);
            return TypedResults.Ok(new CursorPage<PeerView>(items, more && last is { } k ? cursors.Encode(ListName, "node", k) : null));
        }).WithSummary("List peer nodes").WithDescription("Node administrators only (403 otherwise); cursor-paged in registration order: name, address, state (unconfirmed, active, suspended), fingerprint and declared organisations.");

        peers.MapPost("/", async Task<Created<PeerView>> (Caller caller, FederationPeers federation, PeerRequest request, CancellationToken ct) =>
        {
            var peer = await federation.RegisterAsync(caller, request, ct);
            return TypedResults.Created($"/api/federation/peers/{peer.Id}", peer);
        }).RequireFreshProof()
            .WithSummary("Register a peer node")
            .WithDescription("Node administrators only: name, https address and Ed25519 public key (PEM). The peer is unconfirmed — trusted for nothing — until its fingerprint is confirmed. 400 names the field.");

        peers.MapGet("/{id}", async Task<Results<Ok<PeerView>, NotFound>> (string id, Caller caller, FederationPeers federation, CancellationToken ct) =>
            await federation.FindAsync(caller, Http.ParseId(id), ct) is { } p ? TypedResults.Ok(p) : TypedResults.NotFound())
            .WithSummary("A peer node").WithDescription("Node administrators only; 404 for an unknown id.");

        peers.MapPost("/{id}/confirm", async Task<Results<Ok<PeerView>, NotFound>> (string id, Caller caller, FederationPeers federation, PeerConfirmation confirmation, CancellationToken ct) =>
            await federation.ConfirmAsync(caller, Http.ParseId(id), confirmation, ct) is { } p ? TypedResults.Ok(p) : TypedResults.NotFound())
            .RequireFreshProof()
            .WithSummary("Confirm a peer's fingerprint")
            .WithDescription("Node administrators only: the SHA-256 fingerprint read out of band by the peer's operators. A different fingerprint is a 400 on 'fingerprint', is audited, and leaves the peer unconfirmed.");

        peers.MapPost("/{id}/suspend", async Task<Results<Ok<PeerView>, NotFound>> (string id, Caller caller, FederationPeers federation, CancellationToken ct) =>
            await federation.SetSuspendedAsync(caller, Http.ParseId(id), true, ct) is { } p ? TypedResults.Ok(p) : TypedResults.NotFound())
            .RequireFreshProof()
            .WithSummary("Suspend a peer").WithDescription("Node administrators only: its signatures are no longer trusted and nothing is sent to it until it is resumed.");

        peers.MapPost("/{id}/resume", async Task<Results<Ok<PeerView>, NotFound>> (string id, Caller caller, FederationPeers federation, CancellationToken ct) =>
            await federation.SetSuspendedAsync(caller, Http.ParseId(id), false, ct) is { } p ? TypedResults.Ok(p) : TypedResults.NotFound())
            .RequireFreshProof()
            .WithSummary("Resume a suspended peer").WithDescription("Node administrators only; a peer never confirmed cannot be resumed (409).");

        peers.MapPut("/{id}/organisations", async Task<Results<Ok<PeerView>, NotFound>> (string id, Caller caller, FederationPeers federation, PeerOrganisationsRequest request, CancellationToken ct) =>
            await federation.DeclareOrganisationsAsync(caller, Http.ParseId(id), request, ct) is { } p ? TypedResults.Ok(p) : TypedResults.NotFound())
            .RequireFreshProof()
            .WithSummary("Declare the organisations living on a peer")
            .WithDescription("Node administrators only: replaces the list. Each entry names an organisation registered on this node without users here, and its STIX identity id on the peer. The hop rules send records to a peer only for these organisations (or the network).");

        peers.MapPost("/{id}/retry", async Task<Results<Ok<PeerView>, NotFound>> (string id, Caller caller, FederationPeers federation, CancellationToken ct) =>
            await federation.RetryRefusedAsync(caller, Http.ParseId(id), ct) is { } p ? TypedResults.Ok(p) : TypedResults.NotFound())
            .RequireFreshProof()
            .WithSummary("Send the records a peer refused again")
            .WithDescription("Node administrators only: every record the peer refused (for instance before its operators declared the organisation) is sent again at the next sync run, a bounded batch per run; without this, refusals are retried after 15 minutes, doubling up to a day, eight times. Counts in 'sync'.");

        peers.MapDelete("/{id}", async Task<Results<NoContent, NotFound>> (string id, Caller caller, FederationPeers federation, CancellationToken ct) =>
            await federation.RemoveAsync(caller, Http.ParseId(id), ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .RequireFreshProof()
            .WithSummary("Remove a peer").WithDescription("Node administrators only: forgets its key and declared organisations; objects it sent stay, shared as they were. Incidents across nodes (ADR 17): participations in this node's incidents accepted through the peer end (journal event participant-node-removed); copies of the peer's incidents stay readable to their organisation, commands waiting for the peer are refused, and writes from those copies get 409.");
    }
}
