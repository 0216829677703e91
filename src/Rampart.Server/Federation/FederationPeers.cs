using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Data;
using Rampart.Server.Hosting;
using Rampart.Server.Validation;
using Rampart.Standards.Federation;

namespace Rampart.Server.Federation;

/// <summary>A peer as an operator registers it: its node name, base address and public key (PEM or base64 SubjectPublicKeyInfo).</summary>
public sealed record PeerRequest(string? Name, string? Url, string? PublicKey);

/// <summary>The fingerprint the operator read out of band (any case; spaces, colons and dashes ignored).</summary>
public sealed record PeerConfirmation(string? Fingerprint);

/// <summary>One organisation declared to live on a peer: registered on this node, with its STIX identity id on the peer.</summary>
public sealed record PeerOrganisationEntry(Guid? OrganisationId, string? StixIdentity);

public sealed record PeerOrganisationsRequest(IReadOnlyList<PeerOrganisationEntry?>? Organisations);

public sealed record PeerView(
    Guid Id, string Name, string NodeId, string Url, string State, string Fingerprint, string GroupedFingerprint, string PublicKey,
    IReadOnlyList<PeerOrganisationEntry> Organisations, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? ConfirmedAt, PeerSyncView Sync);

/// <summary>
/// An organisation registered on this node with its STIX identity (<c>identity--…</c>): the id a peer's operators declare
/// it by (<c>PUT /api/federation/peers/{id}/organisations</c> on their node). <see cref="LivesOn"/> names the peer it is
/// declared on here (null: it lives on this node).
/// </summary>
public sealed record FederationOrganisationView(Guid Id, string ShortName, string Name, string Country, string StixIdentity, string? LivesOn);

/// <summary>
/// The sync state with one peer, counts only, never content. Pushing: <see cref="Cursor"/> (the last change-outbox
/// sequence the peer answered for) and <see cref="Backlog"/> (outbox changes after it — not those of this node's own galaxy
/// reference objects, which never cross — counted up to
/// <see cref="FederationPeers.BacklogCountLimit"/>; <see cref="BacklogCapped"/> when there are more); items sent in answered
/// envelopes, acknowledged (accepted) and refused; <see cref="RemovalsAcknowledged"/> (retractions the peer applied);
/// refused records waiting for a retry and those given up after the last attempt; the last error and when. Receiving:
/// items received from the peer and how many of them this node refused.
/// </summary>
public sealed record PeerSyncView(
    long Sent, long Acknowledged, long Refused, string? LastError, DateTimeOffset? LastErrorAt, DateTimeOffset? LastRunAt, DateTimeOffset? LastAcknowledgedAt,
    long Cursor, long Backlog, bool BacklogCapped, long RemovalsAcknowledged, long AwaitingRetry, long GivenUp, DateTimeOffset? NextRetryAt,
    long Received, long ReceivedRefused, DateTimeOffset? LastReceivedAt)
{
    public static PeerSyncView Of(FederationPeerSync? s, long backlog = 0, bool capped = false, long awaiting = 0, long givenUp = 0, DateTimeOffset? nextRetry = null) =>
        s is null
            ? new(0, 0, 0, null, null, null, null, 0, backlog, capped, 0, awaiting, givenUp, nextRetry, 0, 0, null)
            : new(s.Sent, s.Acknowledged, s.Refused, s.LastError, s.LastErrorAt, s.LastRunAt, s.LastAcknowledgedAt,
                s.Cursor, backlog, capped, s.RemovalsAcknowledged, awaiting, givenUp, nextRetry, s.Received, s.ReceivedRefused, s.LastReceivedAt);
}

/// <summary>
/// Registering, confirming, suspending, resuming and removing peer nodes, and declaring which organisations live on them.
/// Node operators only (node administrators with a writing credential and fresh proof, and the command-line operator):
/// trusting a peer's key decides whose signatures this node believes. A peer is trusted only once an operator confirmed
/// the fingerprint read out of band, and only while it is not suspended.
/// </summary>
public sealed partial class FederationPeers(RampartDb db, AuditTrail audit, TimeProvider clock, IPeopleDirectory people, NodeIdentity identity,
    Microsoft.Extensions.Options.IOptions<Rampart.Server.Hosting.NodeOptions> node, IEnumerable<IPeerRemoval> removals)
{
    public const int UrlLength = 500;

    public const int MaxOrganisationsPerPeer = 500;

    /// <summary>The backlog is counted up to this many outbox changes (a status read stays cheap on a large store).</summary>
    public const int BacklogCountLimit = 100_000;

    [GeneratedRegex("^identity--[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex IdentityPattern();

    /// <summary>May read the peer list: node administrators and the operator.</summary>
    public static bool CanView(Caller caller) => caller is not null && caller.IsNodeAdmin;

    /// <summary>May change peers: node administrators with a writing credential, and the operator.</summary>
    public static bool CanManage(Caller caller) => CanView(caller) && !caller.ReadOnly;

    private static void EnsureCanView(Caller caller)
    {
        if (!CanView(caller))
        {
            throw new ForbiddenException("Only node administrators see and manage federation peers.");
        }
    }

    private static void EnsureCanManage(Caller caller)
    {
        EnsureCanView(caller);
        if (!CanManage(caller))
        {
            throw new ForbiddenException("A read-only credential does not change federation peers.");
        }
    }

    /// <summary>Peers in registration order, keyset-paged by <paramref name="after"/> (the <c>LastKey</c> of the previous page).</summary>
    public async Task<(IReadOnlyList<PeerView> Items, long? LastKey, bool More)> ListAsync(Caller caller, long? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsureCanView(caller);
        var from = after ?? 0;
        var rows = await db.FederationPeers.AsNoTracking().Where(p => p.Key > from).OrderBy(p => p.Key).Take(limit + 1).ToListAsync(cancellationToken);
        var more = rows.Count > limit;
        rows = rows.Take(limit).ToList();
        var ids = rows.Select(p => p.Id).ToList();
        var orgs = await db.FederationPeerOrganisations.AsNoTracking().Where(o => ids.Contains(o.PeerId)).ToListAsync(cancellationToken);
        var views = new List<PeerView>(rows.Count);
        foreach (var p in rows)
        {
            views.Add(View(p, orgs.Where(o => o.PeerId == p.Id), await SyncViewAsync(p.Id, cancellationToken)));
        }

        return (views, rows.Count > 0 ? rows[^1].Key : null, more);
    }

    public async Task<PeerView?> FindAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsureCanView(caller);
        var peer = await db.FederationPeers.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        return peer is null ? null : View(peer, await db.FederationPeerOrganisations.AsNoTracking().Where(o => o.PeerId == id).ToListAsync(cancellationToken),
            await SyncViewAsync(id, cancellationToken));
    }

    /// <summary>This node's organisations with their STIX identities, in id order (keyset after <paramref name="after"/>).</summary>
    public async Task<(IReadOnlyList<FederationOrganisationView> Items, Guid? Last, bool More)> OrganisationsAsync(Caller caller, Guid? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsureCanView(caller);
        var query = db.Organisations.AsNoTracking();
        if (after is { } a)
        {
            query = query.Where(o => o.Id.CompareTo(a) > 0);
        }

        var rows = await query.OrderBy(o => o.Id).Take(limit + 1).Select(o => new { o.Id, o.ShortName, o.Name, o.Country }).ToListAsync(cancellationToken);
        var more = rows.Count > limit;
        rows = [.. rows.Take(limit)];
        var ids = rows.Select(r => r.Id).ToList();
        var homes = await db.FederationPeerOrganisations.AsNoTracking().Where(o => ids.Contains(o.OrganisationId))
            .Join(db.FederationPeers.AsNoTracking(), o => o.PeerId, p => p.Id, (o, p) => new { o.OrganisationId, p.Name }).ToDictionaryAsync(x => x.OrganisationId, x => x.Name, cancellationToken);
        return ([.. rows.Select(r => new FederationOrganisationView(r.Id, r.ShortName, r.Name, r.Country, Intelligence.Store.IntelIdentity.Of(r.Id), homes.GetValueOrDefault(r.Id)))],
            rows.Count > 0 ? rows[^1].Id : null, more);
    }

    /// <summary>The peer's sync state: its row, the backlog after its cursor (counted up to a limit) and its refusals.</summary>
    private async Task<PeerSyncView> SyncViewAsync(Guid peerId, CancellationToken cancellationToken)
    {
        var sync = await db.FederationPeerSyncs.AsNoTracking().FirstOrDefaultAsync(s => s.PeerId == peerId, cancellationToken);
        var cursor = sync?.Cursor ?? 0;
        var host = await FederationSync.HostingOrganisationAsync(db, node.Value.OrganisationShortName, cancellationToken);
        var backlog = await FederationSync.BacklogAsync(db, cursor, host, BacklogCountLimit + 1, cancellationToken);
        var awaiting = await db.FederationRefused.AsNoTracking().CountAsync(r => r.PeerId == peerId && r.RetryAt != null, cancellationToken);
        var givenUp = await db.FederationRefused.AsNoTracking().CountAsync(r => r.PeerId == peerId && r.RetryAt == null, cancellationToken);
        var next = await db.FederationRefused.AsNoTracking().Where(r => r.PeerId == peerId && r.RetryAt != null).OrderBy(r => r.RetryAt).Select(r => r.RetryAt).FirstOrDefaultAsync(cancellationToken);
        return PeerSyncView.Of(sync, Math.Min(backlog, BacklogCountLimit), backlog > BacklogCountLimit, awaiting, givenUp, next);
    }

    /// <summary>
    /// Sends every record the peer refused again at the next run (an operator's step after the peer's operators declared
    /// the organisation it refused): their retry is due now and their attempts start again.
    /// </summary>
    public async Task<PeerView?> RetryRefusedAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsureCanManage(caller);
        var peer = await db.FederationPeers.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (peer is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        var count = await db.FederationRefused.Where(r => r.PeerId == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.RetryAt, (DateTimeOffset?)now).SetProperty(r => r.Attempts, 0), cancellationToken);
        audit.Record(AuditEvent.FederationRetryRequested, caller, Target(peer), detail: $"{peer.Name}: {count}");
        await db.SaveChangesAsync(cancellationToken);
        return await FindAsync(caller, id, cancellationToken);
    }

    public async Task<PeerView> RegisterAsync(Caller caller, PeerRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        EnsureCanManage(caller);
        var errors = new RequestErrors();
        var name = request.Name?.Trim();
        if (!NodeId.IsValidName(name))
        {
            errors.Add("name", "The peer's node name: 1–63 lower-case letters, digits and '-', starting with a letter or digit (as its operators configured it).");
        }

        var url = ValidUrl(request.Url, errors);
        NodePublicKey? key = null;
        if (string.IsNullOrWhiteSpace(request.PublicKey))
        {
            errors.Add("publicKey", "Required: the peer's Ed25519 public key (PEM, as its /api/federation/node shows it).");
        }
        else if (!NodePublicKey.TryParse(request.PublicKey, out key))
        {
            errors.Add("publicKey", "Not an Ed25519 public key (PEM \"PUBLIC KEY\" or base64 SubjectPublicKeyInfo).");
        }

        errors.ThrowIfAny();
        if (key!.Fingerprint == (await identity.IdAsync(cancellationToken)).Fingerprint)
        {
            throw RequestErrors.One("publicKey", "This is this node's own key.");
        }

        if (await db.FederationPeers.AnyAsync(p => p.Fingerprint == key.Fingerprint, cancellationToken))
        {
            throw RequestErrors.One("publicKey", "A peer with this key is already registered.");
        }

        if (await db.FederationPeers.AnyAsync(p => p.Name == name, cancellationToken))
        {
            throw RequestErrors.One("name", "A peer with this name is already registered.");
        }

        var now = clock.GetUtcNow();
        var peer = new FederationPeer
        {
            Id = Guid.CreateVersion7(),
            Name = name!,
            Url = url!,
            PublicKey = key.SubjectPublicKeyInfo.ToArray(),
            Fingerprint = key.Fingerprint,
            State = PeerState.Unconfirmed,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.FederationPeers.Add(peer);
        audit.Record(AuditEvent.FederationPeerRegistered, caller, Target(peer), detail: $"{peer.Name} {peer.Url} {key.GroupedFingerprint}");
        await SaveAsync(cancellationToken);
        return View(peer, []);
    }

    /// <summary>
    /// Confirms the peer's key when <paramref name="confirmation"/> is its fingerprint; a wrong fingerprint is a 400, is
    /// audited, and leaves the peer unconfirmed (a mismatch means the key pasted is not the key the peer's operators read).
    /// </summary>
    public async Task<PeerView?> ConfirmAsync(Caller caller, Guid id, PeerConfirmation confirmation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(confirmation);
        EnsureCanManage(caller);
        var typed = Fingerprints.Normalise(confirmation.Fingerprint);
        if (typed is null)
        {
            throw RequestErrors.One("fingerprint", "The SHA-256 fingerprint: 64 hex digits (spaces, colons and dashes between them are ignored).");
        }

        var peer = await db.FederationPeers.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (peer is null)
        {
            return null;
        }

        if (!System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(typed), System.Text.Encoding.ASCII.GetBytes(peer.Fingerprint)))
        {
            audit.Record(AuditEvent.FederationPeerConfirmationFailed, caller, Target(peer), AuditOutcome.Failed, Fingerprints.Group(typed));
            await db.SaveChangesAsync(cancellationToken);
            throw RequestErrors.One("fingerprint", "This is not the fingerprint of the key registered for this peer. Do not confirm: compare the key with the peer's operators again.");
        }

        if (peer.State == PeerState.Unconfirmed)
        {
            var now = clock.GetUtcNow();
            peer.State = PeerState.Active;
            peer.ConfirmedAt = now;
            peer.UpdatedAt = now;
            audit.Record(AuditEvent.FederationPeerConfirmed, caller, Target(peer), detail: Fingerprints.Group(peer.Fingerprint));
            await db.SaveChangesAsync(cancellationToken);
        }

        return await FindAsync(caller, id, cancellationToken);
    }

    /// <summary>Suspends a peer (nothing it signs is trusted, nothing is sent) or resumes a confirmed one.</summary>
    public async Task<PeerView?> SetSuspendedAsync(Caller caller, Guid id, bool suspended, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsureCanManage(caller);
        var peer = await db.FederationPeers.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (peer is null)
        {
            return null;
        }

        if (!suspended && peer.ConfirmedAt is null)
        {
            throw new ConflictException("An unconfirmed peer cannot be resumed: confirm its fingerprint first.");
        }

        var target = suspended ? PeerState.Suspended : PeerState.Active;
        if (peer.State != target)
        {
            peer.State = target;
            peer.UpdatedAt = clock.GetUtcNow();
            audit.Record(suspended ? AuditEvent.FederationPeerSuspended : AuditEvent.FederationPeerResumed, caller, Target(peer), detail: peer.Name);
            await db.SaveChangesAsync(cancellationToken);
        }

        return await FindAsync(caller, id, cancellationToken);
    }

    /// <summary>
    /// Removes a peer and its declared organisations; what it sent stays in the store, shared as it was. Features keeping
    /// state per peer act first, in the same transaction (<see cref="IPeerRemoval"/>).
    /// </summary>
    public async Task<bool> RemoveAsync(Caller caller, Guid id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        EnsureCanManage(caller);
        var peer = await db.FederationPeers.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (peer is null)
        {
            return false;
        }

        // Last words first, while the peer still is one (incidents across nodes: the participant's node hears that the
        // participations through it end); then what other features keep per peer follows in the same transaction
        // (participations that came through the peer end, commands waiting for it are refused — ADR 17).
        foreach (var removal in removals)
        {
            await removal.BeforeRemovingAsync(peer, cancellationToken);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var removal in removals)
        {
            await removal.RemovingAsync(caller, peer, cancellationToken);
        }

        db.FederationPeerOrganisations.RemoveRange(await db.FederationPeerOrganisations.Where(o => o.PeerId == id).ToListAsync(cancellationToken));
        db.FederationPeers.Remove(peer);
        audit.Record(AuditEvent.FederationPeerRemoved, caller, Target(peer), detail: $"{peer.Name} {Fingerprints.Group(peer.Fingerprint)}");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Replaces the organisations declared to live on the peer. Each must be registered on this node, have no users here
    /// (an organisation whose people log in here lives here), not be declared on another peer, and come with its STIX
    /// identity id on the peer (what the peer's provenance names). The hop rules send a record to a peer only for these.
    /// </summary>
    public async Task<PeerView?> DeclareOrganisationsAsync(Caller caller, Guid id, PeerOrganisationsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(request);
        EnsureCanManage(caller);
        var errors = new RequestErrors();
        var entries = request.Organisations;
        if (entries is null)
        {
            errors.Add("organisations", "Required: the list of organisations living on the peer (may be empty).");
        }
        else if (entries.Count > MaxOrganisationsPerPeer)
        {
            errors.Add("organisations", $"At most {MaxOrganisationsPerPeer}.");
        }

        errors.ThrowIfAny();
        var wanted = new List<FederationPeerOrganisation>();
        for (var i = 0; i < entries!.Count; i++)
        {
            var e = entries[i];
            if (e?.OrganisationId is not { } org || org == Guid.Empty)
            {
                errors.Add($"organisations[{i}].organisationId", "Required.");
            }
            else if (wanted.Any(w => w.OrganisationId == org))
            {
                errors.Add($"organisations[{i}].organisationId", "Listed twice.");
            }

            var stix = e?.StixIdentity?.Trim();
            if (stix is null || !IdentityPattern().IsMatch(stix))
            {
                errors.Add($"organisations[{i}].stixIdentity", "The organisation's STIX identity id on the peer (identity--<uuid>, lower case).");
            }
            else if (wanted.Any(w => w.StixIdentity == stix))
            {
                errors.Add($"organisations[{i}].stixIdentity", "Listed twice.");
            }

            if (e?.OrganisationId is { } o && stix is not null)
            {
                wanted.Add(new FederationPeerOrganisation { PeerId = id, OrganisationId = o, StixIdentity = stix });
            }
        }

        errors.ThrowIfAny();
        var peer = await db.FederationPeers.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (peer is null)
        {
            return null;
        }

        var orgIds = wanted.Select(w => w.OrganisationId).ToList();
        var known = await db.Organisations.AsNoTracking().Where(o => orgIds.Contains(o.Id)).Select(o => o.Id).ToListAsync(cancellationToken);
        var withUsers = await people.OrganisationsWithUsersAsync(orgIds, cancellationToken);
        var elsewhere = await db.FederationPeerOrganisations.AsNoTracking().Where(o => orgIds.Contains(o.OrganisationId) && o.PeerId != id).Select(o => o.OrganisationId).ToListAsync(cancellationToken);
        for (var i = 0; i < entries.Count; i++)
        {
            if (entries[i]?.OrganisationId is not { } org)
            {
                continue;
            }

            var field = $"organisations[{i}].organisationId";
            if (!known.Contains(org))
            {
                errors.Add(field, "No such organisation on this node (register it first).");
            }
            else if (withUsers.Contains(org))
            {
                errors.Add(field, "This organisation has users on this node, so it lives here, not on the peer.");
            }
            else if (elsewhere.Contains(org))
            {
                errors.Add(field, "Already declared on another peer: an organisation lives on one node.");
            }
        }

        errors.ThrowIfAny();
        db.FederationPeerOrganisations.RemoveRange(await db.FederationPeerOrganisations.Where(o => o.PeerId == id).ToListAsync(cancellationToken));
        db.FederationPeerOrganisations.AddRange(wanted);
        peer.UpdatedAt = clock.GetUtcNow();
        audit.Record(AuditEvent.FederationPeerOrganisationsDeclared, caller, Target(peer), detail: $"{peer.Name}: {wanted.Count}");
        // Who lives on the peer decides what crosses: the sync job walks the outbox for it again from the start (sending
        // only what the peer has not acknowledged, a bounded number of envelopes per run) and retries its refusals now.
        if (await db.FederationPeerSyncs.FirstOrDefaultAsync(x => x.PeerId == id, cancellationToken) is { } sync)
        {
            sync.Cursor = 0;
        }

        await SaveAsync(cancellationToken);
        var now = clock.GetUtcNow();
        await db.FederationRefused.Where(r => r.PeerId == id).ExecuteUpdateAsync(x => x.SetProperty(r => r.RetryAt, (DateTimeOffset?)now).SetProperty(r => r.Attempts, 0), cancellationToken);
        return await FindAsync(caller, id, cancellationToken);
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two operators at once: the unique indexes keep one; the other retries and gets the precise 400.
            throw new ConflictException("Another change to federation peers happened at the same time; try again.");
        }
    }

    private static string Target(FederationPeer peer) => $"federation-peer:{peer.Id}";

    private static string? ValidUrl(string? value, RequestErrors errors)
    {
        var url = value?.Trim();
        if (string.IsNullOrEmpty(url))
        {
            errors.Add("url", "Required: the peer's base address, e.g. https://rampart.cert.example.");
            return null;
        }

        if (url.Length > UrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || !string.IsNullOrEmpty(uri.UserInfo)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            errors.Add("url", $"An absolute https address without credentials, query or fragment, at most {UrlLength} characters.");
            return null;
        }

        // Plain http only to the loopback interface (a test or a TLS-terminating sidecar on the same host).
        var loopback = uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
        if (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && loopback))
        {
            errors.Add("url", "Must be https (plain http only to a loopback address).");
            return null;
        }

        return uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
    }

    public static PeerView View(FederationPeer peer, IEnumerable<FederationPeerOrganisation> organisations, PeerSyncView? sync = null)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var key = new NodePublicKey(peer.PublicKey);
        return new PeerView(peer.Id, peer.Name, new NodeId(peer.Name, peer.Fingerprint).ToString(), peer.Url, StateName(peer.State), peer.Fingerprint,
            key.GroupedFingerprint, key.ToPem(), [.. organisations.Select(o => new PeerOrganisationEntry(o.OrganisationId, o.StixIdentity))],
            peer.CreatedAt, peer.UpdatedAt, peer.ConfirmedAt, sync ?? PeerSyncView.Of(null));
    }

    public static string StateName(PeerState state) => state switch
    {
        PeerState.Active => "active",
        PeerState.Suspended => "suspended",
        _ => "unconfirmed",
    };
}
