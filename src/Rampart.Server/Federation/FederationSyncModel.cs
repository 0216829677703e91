using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Rampart.Server.Federation;

/// <summary>
/// One peer's push state: the change-outbox cursor (advanced only when the peer acknowledged the envelope carrying the
/// changes up to it) and what the peer answered. Counts and the last error are what the status shows — never content.
/// </summary>
public sealed class FederationPeerSync
{
    public Guid PeerId { get; set; }

    /// <summary>The last <c>IntelChanges.Sequence</c> whose changes the peer acknowledged (0: from the beginning).</summary>
    public long Cursor { get; set; }

    /// <summary>Items (object versions, audience changes, removals) sent to the peer in envelopes it answered.</summary>
    public long Sent { get; set; }

    /// <summary>Items the peer accepted (stored, narrowed or removed, or already had).</summary>
    public long Acknowledged { get; set; }

    /// <summary>Items the peer refused (provenance, an organisation the sender may not speak for, a version conflict …).</summary>
    public long Refused { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? LastErrorAt { get; set; }

    public DateTimeOffset? LastRunAt { get; set; }

    public DateTimeOffset? LastAcknowledgedAt { get; set; }

    /// <summary>Removals (withdrawals, records that stopped crossing, and deleted versions) the peer acknowledged.</summary>
    public long RemovalsAcknowledged { get; set; }

    /// <summary>Items this node received from the peer (written by the inbox, by atomic increments).</summary>
    public long Received { get; set; }

    /// <summary>Of <see cref="Received"/>, the items this node refused.</summary>
    public long ReceivedRefused { get; set; }

    public DateTimeOffset? LastReceivedAt { get; set; }
}

/// <summary>
/// A record whose newest version the peer refused (its organisation not declared there yet, …): retried with a growing
/// delay (<see cref="FederationSync.RetryDelay"/>), at most <see cref="FederationSync.MaxRetryAttempts"/> times, a bounded
/// number per run; an operator's "retry now" or a new change of the record sends it again at once. Removed when accepted.
/// </summary>
public sealed class FederationRefused
{
    public Guid PeerId { get; set; }

    public long RecordId { get; set; }

    /// <summary>STIX <c>modified</c> of the newest version refused.</summary>
    public DateTimeOffset Modified { get; set; }

    /// <summary>The peer's reason (its answer's detail).</summary>
    public required string Reason { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset RefusedAt { get; set; }

    /// <summary>When the job sends it again; null: given up (after the last attempt) until an operator retries.</summary>
    public DateTimeOffset? RetryAt { get; set; }
}

/// <summary>
/// The receiving side's memory of refused object versions, per delivering peer: a refusal is audited once per version
/// (a peer retrying, or sending thousands of objects this node refuses, does not flood the audit trail).
/// </summary>
public sealed class FederationInboxRefusal
{
    public Guid PeerId { get; set; }

    public required string StixId { get; set; }

    /// <summary>The version's <c>modified</c> as the provenance states it.</summary>
    public required string Modified { get; set; }

    public required string Reason { get; set; }

    public int Times { get; set; }

    public DateTimeOffset FirstAt { get; set; }

    public DateTimeOffset LastAt { get; set; }
}

/// <summary>
/// What this node sent a peer for one record: the newest version, the audience it was sent with (as a fingerprint of the
/// narrowed audience), and whether it told the peer to remove it. Retractions and audience reductions go to exactly the
/// peers that have a row here.
/// </summary>
public sealed class FederationSent
{
    public Guid PeerId { get; set; }

    public long RecordId { get; set; }

    /// <summary>STIX <c>modified</c> of the newest version the peer acknowledged.</summary>
    public DateTimeOffset Modified { get; set; }

    /// <summary>The narrowed audience sent with it (<see cref="FederationAudience.Key"/>).</summary>
    public required string Audience { get; set; }

    /// <summary>The peer was told to remove it (withdrawn here, or no longer shared with the peer's organisations).</summary>
    public bool Removed { get; set; }

    public DateTimeOffset SentAt { get; set; }
}

/// <summary>
/// An object version received from a peer, kept exactly as signed (the store rewrites <c>created_by_ref</c> and the TLP
/// marking of what it keeps), with its provenance: what this node forwards, and the answer to "where did this come from".
/// </summary>
public sealed class FederationReceived
{
    public long RecordId { get; set; }

    public DateTimeOffset Modified { get; set; }

    /// <summary>The peer that delivered it: the only one whose removals and audience changes apply to the record.</summary>
    public Guid PeerId { get; set; }

    public required string Provenance { get; set; }

    public required string ObjectJson { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}

/// <summary>An envelope id a peer used, kept for the replay window: the same signed request is never applied twice.</summary>
public sealed class FederationInboxReplay
{
    public Guid PeerId { get; set; }

    public Guid EnvelopeId { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }
}

internal sealed class FederationPeerSyncConfiguration : IEntityTypeConfiguration<FederationPeerSync>
{
    public void Configure(EntityTypeBuilder<FederationPeerSync> b)
    {
        b.ToTable("FederationPeerSyncs");
        b.HasKey(s => s.PeerId);
        b.Property(s => s.LastError).HasMaxLength(2000);
        b.HasOne<FederationPeer>().WithMany().HasForeignKey(s => s.PeerId).HasPrincipalKey(p => p.Id).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FederationSentConfiguration : IEntityTypeConfiguration<FederationSent>
{
    public void Configure(EntityTypeBuilder<FederationSent> b)
    {
        b.ToTable("FederationSent");
        b.HasKey(s => new { s.PeerId, s.RecordId });
        // "Which peers have this record" (a withdrawal fans out to them).
        b.HasIndex(s => s.RecordId);
        b.Property(s => s.Audience).HasMaxLength(64);
        b.HasOne<FederationPeer>().WithMany().HasForeignKey(s => s.PeerId).HasPrincipalKey(p => p.Id).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FederationReceivedConfiguration : IEntityTypeConfiguration<FederationReceived>
{
    public void Configure(EntityTypeBuilder<FederationReceived> b)
    {
        b.ToTable("FederationReceived");
        b.HasKey(r => new { r.RecordId, r.Modified });
        b.HasIndex(r => r.PeerId);
        b.Property(r => r.Provenance).HasMaxLength(Standards.Federation.ProvenanceDocument.MaxLength);
        b.HasOne<Access.SharedRecord>().WithMany().HasForeignKey(r => r.RecordId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FederationInboxReplayConfiguration : IEntityTypeConfiguration<FederationInboxReplay>
{
    public void Configure(EntityTypeBuilder<FederationInboxReplay> b)
    {
        b.ToTable("FederationInboxReplays");
        b.HasKey(r => new { r.PeerId, r.EnvelopeId });
        b.HasIndex(r => r.ReceivedAt);
    }
}

internal sealed class FederationRefusedConfiguration : IEntityTypeConfiguration<FederationRefused>
{
    public void Configure(EntityTypeBuilder<FederationRefused> b)
    {
        b.ToTable("FederationRefused");
        b.HasKey(r => new { r.PeerId, r.RecordId });
        // The retry pass: a peer's refusals that are due, oldest first.
        b.HasIndex(r => new { r.PeerId, r.RetryAt });
        b.Property(r => r.Reason).HasMaxLength(500);
        b.HasOne<FederationPeer>().WithMany().HasForeignKey(r => r.PeerId).HasPrincipalKey(p => p.Id).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Access.SharedRecord>().WithMany().HasForeignKey(r => r.RecordId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FederationInboxRefusalConfiguration : IEntityTypeConfiguration<FederationInboxRefusal>
{
    public void Configure(EntityTypeBuilder<FederationInboxRefusal> b)
    {
        b.ToTable("FederationInboxRefusals");
        b.HasKey(r => new { r.PeerId, r.StixId, r.Modified });
        b.Property(r => r.StixId).HasMaxLength(Intelligence.Store.IntelLimits.StixIdLength);
        b.Property(r => r.Modified).HasMaxLength(40);
        b.Property(r => r.Reason).HasMaxLength(500);
        b.HasOne<FederationPeer>().WithMany().HasForeignKey(r => r.PeerId).HasPrincipalKey(p => p.Id).OnDelete(DeleteBehavior.Cascade);
    }
}
