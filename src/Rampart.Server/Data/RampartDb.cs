using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rampart.Server.Access;
using Rampart.Server.Audit;
using Rampart.Server.Identity;
using Rampart.Server.Notes;
using Rampart.Server.Organisations;

namespace Rampart.Server.Data;

/// <summary>
/// The node's one EF Core model. Each database provider has a subclass that carries its own
/// migrations (<see cref="SqliteRampartDb"/>, <see cref="PostgresRampartDb"/>); code uses this type.
/// </summary>
public abstract class RampartDb(DbContextOptions options) : IdentityUserContext<User, Guid>(options), IDataProtectionKeyContext
{
    /// <summary>Cookie and token keys, shared by every app server of the node and kept across restarts.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Organisation> Organisations => Set<Organisation>();

    public DbSet<Community> Communities => Set<Community>();

    public DbSet<CommunityMember> CommunityMembers => Set<CommunityMember>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<ShareRecipient> ShareRecipients => Set<ShareRecipient>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<Note> Notes => Set<Note>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        base.OnModelCreating(builder);

        builder.Entity<User>(b =>
        {
            b.Property(u => u.DisplayName).HasMaxLength(200);
            b.Property(u => u.Culture).HasMaxLength(10);
            b.HasIndex(u => u.OrganisationId);
            b.HasOne<Organisation>().WithMany().HasForeignKey(u => u.OrganisationId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Organisation>(b =>
        {
            b.Property(o => o.Name).HasMaxLength(200);
            b.Property(o => o.ShortName).HasMaxLength(32);
            b.Property(o => o.Country).HasMaxLength(2);
            b.Property(o => o.ContactEmail).HasMaxLength(254);
            b.Property(o => o.Phone24x7).HasMaxLength(40);
            b.Property(o => o.Website).HasMaxLength(500);
            b.Property(o => o.PgpFingerprint).HasMaxLength(64);
            b.Property(o => o.Description).HasMaxLength(4000);
            b.HasIndex(o => o.ShortName).IsUnique();
        });

        builder.Entity<Community>(b =>
        {
            b.Property(c => c.Name).HasMaxLength(200);
            b.Property(c => c.Description).HasMaxLength(4000);
            b.HasIndex(c => c.Name).IsUnique();
            b.HasOne<Organisation>().WithMany().HasForeignKey(c => c.ModeratorOrganisationId).OnDelete(DeleteBehavior.Restrict);
            b.HasMany(c => c.Members).WithOne().HasForeignKey(m => m.CommunityId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<CommunityMember>(b =>
        {
            b.HasKey(m => new { m.CommunityId, m.OrganisationId });
            b.HasIndex(m => m.OrganisationId);
            b.HasOne<Organisation>().WithMany().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ApiKey>(b =>
        {
            b.Property(k => k.Name).HasMaxLength(100);
            b.Property(k => k.Prefix).HasMaxLength(16);
            b.Property(k => k.Hash).HasMaxLength(64);
            b.Property(k => k.LastUsedIp).HasMaxLength(64);
            b.HasIndex(k => k.Hash).IsUnique();
            b.HasIndex(k => k.UserId);
            b.HasOne<User>().WithMany().HasForeignKey(k => k.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ShareRecipient>(b =>
        {
            b.HasIndex(r => new { r.RecordId, r.OrganisationId });
            b.HasOne<Organisation>().WithMany().HasForeignKey(r => r.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<AuditEntry>(b =>
        {
            b.HasKey(a => a.Id);
            b.HasIndex(a => a.Sequence).IsUnique();
            b.Property(a => a.Credential).HasMaxLength(100);
            b.Property(a => a.ClientIp).HasMaxLength(64);
            b.Property(a => a.Target).HasMaxLength(200);
            b.Property(a => a.Detail).HasMaxLength(1000);
            b.Property(a => a.PreviousHash).HasMaxLength(64);
            b.Property(a => a.Hash).HasMaxLength(64);
            b.HasIndex(a => a.OrganisationId);
            b.HasIndex(a => a.Time);
        });

        builder.Entity<Note>(b =>
        {
            b.Property(n => n.Title).HasMaxLength(NoteLimits.TitleLength);
            b.Property(n => n.Body).HasMaxLength(NoteLimits.BodyLength);
            b.OwnsOne(n => n.Sharing, ConfigureSharing);
            b.HasIndex(n => n.CreatedAt);
        });
    }

    /// <summary>The same columns and indexes for the sharing envelope of every shareable record type.</summary>
    private static void ConfigureSharing<T>(OwnedNavigationBuilder<T, Sharing> sharing)
        where T : class
    {
        sharing.Property(s => s.OwnerOrganisationId).HasColumnName("OwnerOrganisationId");
        sharing.Property(s => s.CreatorOrganisationId).HasColumnName("CreatorOrganisationId");
        sharing.Property(s => s.Tlp).HasColumnName("Tlp");
        sharing.Property(s => s.Audience).HasColumnName("Audience");
        sharing.Property(s => s.CommunityId).HasColumnName("CommunityId");
        sharing.Property(s => s.Published).HasColumnName("Published");
        sharing.HasIndex(s => s.OwnerOrganisationId);
        sharing.HasIndex(s => new { s.Audience, s.CommunityId });
    }

    /// <summary>Serialises writers of the audit chain for the rest of the current transaction.</summary>
    protected abstract Task LockAuditChainAsync(CancellationToken cancellationToken);

    // Only library code (the data-protection key store) saves synchronously; audited changes never do.
    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        ChangeTracker.Entries<AuditEntry>().Any(e => e.State == EntityState.Added)
            ? throw new NotSupportedException("Use SaveChangesAsync: the audit chain is chained under a lock, asynchronously.")
            : base.SaveChanges(acceptAllChangesOnSuccess);

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var pending = ChangeTracker.Entries<AuditEntry>()
            .Where(e => e.State == EntityState.Added)
            .Select(e => e.Entity)
            .ToList();
        if (pending.Count == 0)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        // The change and its audit entries commit together, and the chain head is read under a lock
        // so two concurrent writers cannot both link to the same previous entry.
        var ownTransaction = Database.CurrentTransaction is null;
        await using var transaction = ownTransaction ? await Database.BeginTransactionAsync(cancellationToken) : null;
        await LockAuditChainAsync(cancellationToken);
        var head = await AuditEntries.AsNoTracking()
            .OrderByDescending(a => a.Sequence)
            .Select(a => new { a.Sequence, a.Hash })
            .FirstOrDefaultAsync(cancellationToken);
        var sequence = head?.Sequence ?? 0;
        var previousHash = head?.Hash ?? "";
        foreach (var entry in pending)
        {
            entry.Sequence = ++sequence;
            entry.PreviousHash = previousHash;
            entry.Hash = entry.ComputeHash(previousHash);
            previousHash = entry.Hash;
        }

        var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        return written;
    }
}
