using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Access;

namespace Rampart.Server.Incidents.Peers;

/// <summary>
/// An incident of a peer node in which an organisation of this node is invited or takes part (ADR 17): a read-only copy
/// of what that organisation may see of it on the owner's node, written only by <see cref="PeerIncidentInbox"/>. A
/// shareable record — TLP of the incident, one organisation grant (the invited organisation), owned by this node's
/// record of the owning organisation — so it is read only through <see cref="AccessPolicy"/>, by that organisation alone.
/// The owner's node stays the authority: what the organisation does here travels back as a <see cref="PeerIncidentCommand"/>.
/// </summary>
public sealed class PeerIncident : IShareable
{
    public static RecordType Type => RecordType.PeerIncident;

    public long RecordId { get; set; }

    public SharedRecord Record { get; set; } = null!;

    /// <summary>This node's public id of the copy (UUIDv7), in its URLs.</summary>
    public Guid Id { get; set; }

    /// <summary>The owner's node (<c>FederationPeer.Id</c>).</summary>
    public Guid PeerId { get; set; }

    /// <summary>The incident's id on the owner's node.</summary>
    public Guid OriginIncidentId { get; set; }

    /// <summary>The organisation of this node the copy is for (the only grant).</summary>
    public Guid OrganisationId { get; set; }

    /// <summary>The incident's number on its node (INC-2026-0042).</summary>
    public required string Number { get; set; }

    public PeerIncidentState State { get; set; }

    public ParticipantRole Role { get; set; }

    /// <summary>Null until the organisation may read the incident (an invitation shows no title).</summary>
    public string? Title { get; set; }

    public IncidentStatus? Status { get; set; }

    public IncidentSeverity? Severity { get; set; }

    /// <summary>The incident's sector (NIS2 list or "other"), null until the organisation may read the incident (the board counts it).</summary>
    public string? Sector { get; set; }

    /// <summary>When the owner became aware of the incident, null until the organisation may read it (the board lists it).</summary>
    public DateTimeOffset? AwareAt { get; set; }

    /// <summary>The last view the owner's node sent (<see cref="PeerIncidentView"/> as JSON, without the journal).</summary>
    public required string ViewJson { get; set; }

    /// <summary>The owner's node's journal position the copy holds (its entries arrive once, in order).</summary>
    public long JournalPosition { get; set; }

    public DateTimeOffset InvitedAt { get; set; }

    /// <summary>When the owner's node last sent a view (for an ended copy: when it ended; pruned after <c>PeerIncidentOptions.Retention</c>).</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// The owner's stamp of the view held (its incident's newest journal id when sent): an item with an older stamp —
    /// delivered late — is refused and never overwrites a newer view (review L7).
    /// </summary>
    public long OriginStamp { get; set; }
}

/// <summary>Where the organisation stands in a peer's incident, as the owner's node last said.</summary>
public enum PeerIncidentState
{
    /// <summary>Invited: the copy holds the invitation only (number, TLP, role, who invites, message).</summary>
    Invited = 0,

    /// <summary>Accepted: the copy holds what the organisation may read of the incident.</summary>
    Participating = 1,

    /// <summary>
    /// Declined, removed or left (or the owner's node took the copy back): the incident's fields, tasks and journal are
    /// dropped; the number, TLP, role, dates, grant and the organisation's requests stay until pruned.
    /// </summary>
    Ended = 2,
}

/// <summary>One journal entry of a peer's incident as the owner's node showed it to the organisation.</summary>
public sealed class PeerIncidentEntry
{
    public long Id { get; set; }

    public long PeerIncidentRecordId { get; set; }

    /// <summary>The entry's public id on the owner's node: an entry is stored once.</summary>
    public Guid OriginEntryId { get; set; }

    /// <summary>Its position in the owner's journal (the timeline's order).</summary>
    public long OriginPosition { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The entry as sent (<see cref="PeerJournalEntry"/> as JSON).</summary>
    public required string Json { get; set; }
}

/// <summary>
/// What a person of this node did in a peer's incident — accept, decline, leave, a journal entry, work on a task, a status
/// change — on its way to the owner's node, which applies it through its own rules and answers. Shown as pending until
/// then, refused with the owner node's reason; what it changed comes back with the owner's next view.
/// </summary>
public sealed class PeerIncidentCommand
{
    /// <summary>UUIDv7; the owner's node applies each id once.</summary>
    public Guid Id { get; set; }

    public long PeerIncidentRecordId { get; set; }

    public required string Kind { get; set; }

    /// <summary>What the command carries (JSON; null for accept, decline and leave): see <see cref="PeerCommandKinds"/>.</summary>
    public string? Payload { get; set; }

    public Guid UserId { get; set; }

    public required string UserName { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public PeerCommandState State { get; set; }

    public string? Detail { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }
}

public enum PeerCommandState
{
    Pending = 0,
    Applied = 1,
    Refused = 2,
}

/// <summary>The commands a participant's node sends (stable codes on the wire).</summary>
public static class PeerCommandKinds
{
    public const string Accept = "accept";
    public const string Decline = "decline";
    public const string Leave = "leave";

    /// <summary>A journal entry: <c>{"body": markdown}</c>.</summary>
    public const string Entry = "entry";

    /// <summary>Work on a task: <c>{"task": id on the owner's node, "text": log line, "status": kebab-case or absent}</c>.</summary>
    public const string TaskWork = "task-work";

    /// <summary>A status change (coordinators): <c>{"status": kebab-case, "reason": text, "confirmOpenTasks": bool}</c>.</summary>
    public const string Status = "status";

    /// <summary>A new task (coordinators): <c>{"title", "description", "assignee": organisation ref or absent, "dueAt"}</c>.</summary>
    public const string TaskNew = "task-new";

    /// <summary>A request for assistance (coordinators, contributors): <c>{"kind", "title", "details", "to": [organisation refs], "dueAt"}</c>.</summary>
    public const string Request = "request";

    /// <summary>A move of a request: <c>{"request": id, "action": acknowledge|accept|decline|answer|withdraw, "reason", "answer"}</c>.</summary>
    public const string RequestAct = "request-act";

    /// <summary>A stage report (coordinators): <c>{"stage": kebab-case, "content": the report's fields}</c>.</summary>
    public const string StageSubmit = "stage-submit";

    public static bool IsKnown(string? kind) => kind is Accept or Decline or Leave or Entry or TaskWork or Status or TaskNew or Request or RequestAct or StageSubmit;

    /// <summary>The answers to an invitation and leaving: one at a time per copy, as they change the organisation's standing.</summary>
    public static bool IsStanding(string? kind) => kind is Accept or Decline or Leave;
}

/// <summary>
/// On the owner's node: what it last sent a peer about one incident for one organisation living there, so a changed
/// incident is sent again, its journal only from where the peer is, and an ended participation reaches exactly the holder.
/// </summary>
public sealed class IncidentPeerSent
{
    public Guid PeerId { get; set; }

    public long IncidentRecordId { get; set; }

    /// <summary>This node's record of the organisation (declared on the peer).</summary>
    public Guid OrganisationId { get; set; }

    /// <summary>The incident's newest journal id when the view was sent (every change writes a journal event).</summary>
    public long Stamp { get; set; }

    /// <summary>SHA-256 of the view sent (without the journal).</summary>
    public required string ViewHash { get; set; }

    /// <summary>The newest journal id whose entries the peer acknowledged.</summary>
    public long JournalSent { get; set; }

    /// <summary>The peer was told the organisation's participation ended (and acknowledged).</summary>
    public bool Ended { get; set; }

    /// <summary>
    /// The organisation's STIX identity on the peer when last sent: what an end is sent under after the organisation is no
    /// longer declared on that peer (moved, or undeclared).
    /// </summary>
    public required string Identity { get; set; }

    /// <summary>
    /// When the invitation the organisation accepted through this peer (its command came from it) was made. The peer gets
    /// the incident itself only while this is the current invitation: an organisation later declared on another node is not
    /// followed there, and a new invitation must be accepted again.
    /// </summary>
    public DateTimeOffset? AcceptedInvitationAt { get; set; }

    /// <summary>
    /// The standing (role) the organisation read the incident with when the journal was last sent, and the invitation it
    /// was sent for: when either changes the peer is sent the journal again from the start with <c>restart</c> (it empties
    /// its copy first) — a coordinator removed and invited again as contributor keeps nothing only a coordinator sees (review L2).
    /// </summary>
    public IncidentStanding? SentStanding { get; set; }

    public DateTimeOffset? SentInvitationAt { get; set; }

    public DateTimeOffset SentAt { get; set; }

    /// <summary>Refusals in a row; the next attempt waits (<c>FederationSync.RetryDelay</c>).</summary>
    public int Refusals { get; set; }

    public DateTimeOffset? RetryAfter { get; set; }

    public string? LastRefusal { get; set; }
}

/// <summary>On the owner's node: a command of a peer applied once, with the answer given (a retry gets the same answer).</summary>
public sealed class IncidentPeerCommandApplied
{
    public Guid PeerId { get; set; }

    public Guid CommandId { get; set; }

    public required string Status { get; set; }

    public string? Detail { get; set; }

    public DateTimeOffset AppliedAt { get; set; }
}

internal sealed class PeerIncidentConfiguration : IEntityTypeConfiguration<PeerIncident>
{
    public void Configure(EntityTypeBuilder<PeerIncident> b)
    {
        b.ToTable("PeerIncidents");
        b.HasKey(i => i.RecordId);
        b.Property(i => i.RecordId).ValueGeneratedNever();
        b.HasOne(i => i.Record).WithOne().HasForeignKey<PeerIncident>(i => i.RecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(i => i.Id).IsUnique();
        b.HasIndex(i => new { i.PeerId, i.OriginIncidentId, i.OrganisationId }).IsUnique();
        // An organisation's copies by state, newest first (the list and the invitations).
        b.HasIndex(i => new { i.OrganisationId, i.State, i.RecordId });
        // Ended copies by age (pruning).
        b.HasIndex(i => new { i.State, i.UpdatedAt });
        b.Property(i => i.Number).HasMaxLength(40);
        b.Property(i => i.Title).HasMaxLength(IncidentLimits.TitleLength);
        b.Property(i => i.Sector).HasMaxLength(PeerIncidentLimits.FacetLength);
    }
}

internal sealed class PeerIncidentEntryConfiguration : IEntityTypeConfiguration<PeerIncidentEntry>
{
    public void Configure(EntityTypeBuilder<PeerIncidentEntry> b)
    {
        b.ToTable("PeerIncidentJournal");
        b.HasKey(e => e.Id);
        b.Property(e => e.Id).ValueGeneratedOnAdd();
        b.HasOne<PeerIncident>().WithMany().HasForeignKey(e => e.PeerIncidentRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(e => new { e.PeerIncidentRecordId, e.OriginEntryId }).IsUnique();
        b.HasIndex(e => new { e.PeerIncidentRecordId, e.OriginPosition });
    }
}

internal sealed class PeerIncidentCommandConfiguration : IEntityTypeConfiguration<PeerIncidentCommand>
{
    public void Configure(EntityTypeBuilder<PeerIncidentCommand> b)
    {
        b.ToTable("PeerIncidentCommands");
        b.HasKey(c => c.Id);
        b.Property(c => c.Id).ValueGeneratedNever();
        b.HasOne<PeerIncident>().WithMany().HasForeignKey(c => c.PeerIncidentRecordId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(c => new { c.State, c.Id });
        b.HasIndex(c => new { c.PeerIncidentRecordId, c.Id });
        b.Property(c => c.Kind).HasMaxLength(20);
        b.Property(c => c.UserName).HasMaxLength(200);
        b.Property(c => c.Detail).HasMaxLength(1000);
    }
}

internal sealed class IncidentPeerSentConfiguration : IEntityTypeConfiguration<IncidentPeerSent>
{
    public void Configure(EntityTypeBuilder<IncidentPeerSent> b)
    {
        b.ToTable("IncidentPeerSent");
        b.HasKey(s => new { s.PeerId, s.IncidentRecordId, s.OrganisationId });
        b.HasOne<Incident>().WithMany().HasForeignKey(s => s.IncidentRecordId).OnDelete(DeleteBehavior.Cascade);
        // What a peer holds and has not been told ended (the sync's second source of candidates, and pruning).
        b.HasIndex(s => new { s.PeerId, s.Ended, s.IncidentRecordId });
        b.Property(s => s.ViewHash).HasMaxLength(64);
        b.Property(s => s.Identity).HasMaxLength(64);
        b.Property(s => s.LastRefusal).HasMaxLength(1000);
    }
}

internal sealed class IncidentPeerCommandAppliedConfiguration : IEntityTypeConfiguration<IncidentPeerCommandApplied>
{
    public void Configure(EntityTypeBuilder<IncidentPeerCommandApplied> b)
    {
        b.ToTable("IncidentPeerCommandsApplied");
        b.HasKey(c => new { c.PeerId, c.CommandId });
        // Pruned after the retention (PeerIncidentPruneJob).
        b.HasIndex(c => c.AppliedAt);
        b.Property(c => c.Status).HasMaxLength(20);
        b.Property(c => c.Detail).HasMaxLength(1000);
    }
}

public static class PeerIncidentLimits
{
    /// <summary>Largest view of one incident a node keeps (its sender sends at most <see cref="PeerIncidentWire.ViewBudget"/>).</summary>
    public const int ViewChars = 12 * 1024 * 1024;

    /// <summary>Journal entries sent per incident per envelope item; the rest follow in the next runs.</summary>
    public const int EntriesPerItem = 200;

    /// <summary>Tasks and participants in a view (as the pages show at most).</summary>
    public const int TasksPerView = 500;

    /// <summary>Requests for assistance in a view, newest first.</summary>
    public const int RequestsPerView = 200;

    /// <summary>Reporting clocks in a view (NIS2 stages, intermediate reports, the breach clock).</summary>
    public const int StagesPerView = 100;

    /// <summary>Items per envelope.</summary>
    public const int ItemsPerEnvelope = 50;

    /// <summary>Longest sector, country or RSIT category a copy keeps for the board (longer ones are not counted).</summary>
    public const int FacetLength = 100;

    /// <summary>Attachments listed with one journal entry (a merge or a split can gather many on one entry).</summary>
    public const int AttachmentsPerEntry = 1000;

    /// <summary>
    /// Bytes of all files of one journal entry written from a participant's node: they travel in the command, base64-encoded,
    /// and a command envelope stays under <see cref="Federation.FederationWire.MaxBodyBytes"/>.
    /// </summary>
    public const long AttachmentBytesPerCommand = 16L * 1024 * 1024;

    /// <summary>Largest size a listed attachment may have (the most a node's <c>Rampart:Attachments:MaxBytes</c> allows).</summary>
    public const long AttachmentBytesListed = 2L * 1024 * 1024 * 1024;

    /// <summary>How long the participant's node waits for the bytes of one attachment from the owner's node.</summary>
    public static readonly TimeSpan AttachmentFetchTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Payload characters of the commands in one envelope (at least one command goes; a larger one alone is refused here, never sent).</summary>
    public const int CommandEnvelopeChars = 24 * 1024 * 1024;
}
