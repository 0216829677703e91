using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Rampart.Server.Federation;

/// <summary>
/// The node's federation signing key: one row (<see cref="SingletonId"/>), written once by whichever app server starts
/// first (the primary key makes a second insert fail), read by all. The private key is stored only as ASP.NET Core Data
/// Protection ciphertext; no API, page or command returns it.
/// </summary>
public sealed class FederationNodeKey
{
    public const int SingletonId = 1;

    public int Id { get; set; }

    /// <summary>Ed25519 SubjectPublicKeyInfo (DER).</summary>
    public required byte[] PublicKey { get; set; }

    /// <summary>SHA-256 of <see cref="PublicKey"/>, lower-case hex.</summary>
    public required string Fingerprint { get; set; }

    /// <summary>The PKCS#8 private key, protected with Data Protection (purpose <see cref="NodeIdentity.ProtectionPurpose"/>).</summary>
    public required string ProtectedPrivateKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>Where a peer stands: registered by key, confirmed by the operator after comparing fingerprints out of band, or suspended.</summary>
public enum PeerState
{
    /// <summary>Registered, fingerprint not yet confirmed: nothing it signs is trusted, nothing is sent to it.</summary>
    Unconfirmed = 0,

    /// <summary>Fingerprint confirmed: its signatures verify, the hop rules may send to it.</summary>
    Active = 1,

    /// <summary>Confirmed once, now suspended: treated like an unknown node until resumed.</summary>
    Suspended = 2,
}

/// <summary>Another Rampart node this node federates with.</summary>
public sealed class FederationPeer
{
    /// <summary>Database key: keyset order of the list.</summary>
    public long Key { get; set; }

    public Guid Id { get; set; }

    /// <summary>The peer's node name (the name part of its node id).</summary>
    public required string Name { get; set; }

    /// <summary>The peer's base address (https), where its TAXII server answers.</summary>
    public required string Url { get; set; }

    /// <summary>Its Ed25519 SubjectPublicKeyInfo (DER).</summary>
    public required byte[] PublicKey { get; set; }

    /// <summary>SHA-256 of <see cref="PublicKey"/>, lower-case hex: unique (one registration per key).</summary>
    public required string Fingerprint { get; set; }

    public PeerState State { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? ConfirmedAt { get; set; }
}

/// <summary>
/// An organisation declared by this node's operators to live on a peer node: an organisation registered here (it has no
/// users here) and its STIX identity id on its home node, which provenance from that peer may name.
/// </summary>
public sealed class FederationPeerOrganisation
{
    public Guid PeerId { get; set; }

    public Guid OrganisationId { get; set; }

    /// <summary>The organisation's STIX identity id on its home node (<c>identity--…</c>).</summary>
    public required string StixIdentity { get; set; }
}

internal sealed class FederationNodeKeyConfiguration : IEntityTypeConfiguration<FederationNodeKey>
{
    public void Configure(EntityTypeBuilder<FederationNodeKey> b)
    {
        b.ToTable("FederationNodeKeys");
        b.HasKey(k => k.Id);
        b.Property(k => k.Id).ValueGeneratedNever();
        b.Property(k => k.Fingerprint).HasMaxLength(64);
        b.Property(k => k.ProtectedPrivateKey).HasMaxLength(4000);
    }
}

internal sealed class FederationPeerConfiguration : IEntityTypeConfiguration<FederationPeer>
{
    public void Configure(EntityTypeBuilder<FederationPeer> b)
    {
        b.ToTable("FederationPeers");
        b.HasKey(p => p.Key);
        b.Property(p => p.Key).ValueGeneratedOnAdd();
        b.HasIndex(p => p.Id).IsUnique();
        b.HasIndex(p => p.Fingerprint).IsUnique();
        b.HasIndex(p => p.Name).IsUnique();
        b.Property(p => p.Name).HasMaxLength(63);
        b.Property(p => p.Url).HasMaxLength(FederationPeers.UrlLength);
        b.Property(p => p.Fingerprint).HasMaxLength(64);
    }
}

internal sealed class FederationPeerOrganisationConfiguration : IEntityTypeConfiguration<FederationPeerOrganisation>
{
    public void Configure(EntityTypeBuilder<FederationPeerOrganisation> b)
    {
        b.ToTable("FederationPeerOrganisations");
        b.HasKey(o => new { o.PeerId, o.OrganisationId });
        // An organisation lives on one node: it is declared on at most one peer.
        b.HasIndex(o => o.OrganisationId).IsUnique();
        b.HasIndex(o => new { o.PeerId, o.StixIdentity }).IsUnique();
        b.Property(o => o.StixIdentity).HasMaxLength(64);
        b.HasOne<FederationPeer>().WithMany().HasForeignKey(o => o.PeerId).HasPrincipalKey(p => p.Id).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Organisations.Organisation>().WithMany().HasForeignKey(o => o.OrganisationId).OnDelete(DeleteBehavior.Restrict);
    }
}
